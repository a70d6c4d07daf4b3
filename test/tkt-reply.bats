#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# tkt-reply: texts, checks, the result, dry run, the journal, safe retries
# under faults, and every error a user can hit.

load test_helper
# The sandbox's store and requests, and the wire form of the API version
# under test (by_api, request, sent, read_of, faults, refused …).
load action_helper
load soak_helper

TEXT="Thank you for your message. We are looking into it right now."

setup() {
	export TKT_NOW="$TEST_NOW"
	JOURNAL="$XDG_STATE_HOME/tkt/journal"
	STORE="$BATS_TEST_TMPDIR/store.jsonl"
	start_sandbox -d "$STORE" --seed 7 --tickets 60 --now "$TEST_NOW"
}

# awaiting N: N action-required records, in the sandbox's order.
awaiting() {
	tkt-list --limit "$1"
}

# ours ID [TEXT]: how many MERCHANT replies with TEXT the ticket has now.
ours() {
	tkt-list "$1" | jq --arg t "${2:-$TEXT}" \
	    '[.replies[] | select(.sender == "MERCHANT" and .message == $t)] | length'
}

# answered FILE [STATE]: each ticket of FILE (records, one a line) has
# exactly one MERCHANT reply with $TEXT now, and is in STATE if given.
answered() {
	local ids id
	ids=$(jq -r .id "$1")
	[ -n "$ids" ] || { echo "answered: no ticket in $1"; return 1; }
	for id in $ids; do
		[ "$(ours "$id")" -eq 1 ] || { echo "ticket $id: $(ours "$id") replies"; return 1; }
		[ -z "${2:-}" ] || [ "$(state "$id")" = "$2" ] ||
		    { echo "ticket $id: $(state "$id"), not $2"; return 1; }
	done
}

@test "replies to each record with -m; every record comes back in input order with result" {
	awaiting 5 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 5 ]
	diff <(jq -r .id "$BATS_TEST_TMPDIR/in") <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.action == "reply" and
	    .result.ok == true and .result.at == "2026-11-23T12:00:00Z" and
	    (.result | has("error") | not) and (.result.steps | length) == 1 and
	    .result.steps[0].action == "reply" and .result.steps[0].ok == true and
	    (.result.steps[0].request_id | length) > 0)'
	answered "$BATS_TEST_TMPDIR/in" AWAITING_USER
}

@test "the input record passes through byte for byte; only result is added" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	local i=0 line
	while IFS= read -r line; do
		i=$((i + 1))
		[[ "${lines[i - 1]}" == "${line%\}},\"result\":{"* ]] ||
		    { echo "line $i changed"; return 1; }
	done <"$BATS_TEST_TMPDIR/in"
}

@test "sends reply.text written by tkt-template render, in the buyer's language" {
	run -0 --separate-stderr bash -c 'tkt-list --limit 4 | tkt-template render --auto | tkt-reply'
	[ "${#lines[@]}" -eq 4 ]
	local i id text
	for i in 0 1 2 3; do
		id=$(printf '%s\n' "${lines[i]}" | jq -r .id)
		text=$(printf '%s\n' "${lines[i]}" | jq -c .reply.text)
		[ "$(printf '%s\n' "${lines[i]}" | jq .result.ok)" = true ]
		[ "$(tkt-list "$id" | jq --argjson t "$text" \
		    '[.replies[] | select(.sender == "MERCHANT" and .message == $t)] | length')" -eq 1 ]
	done
}

@test "-t NAME renders the template for each ticket before sending" {
	id=$(awaiting 1 | jq -r .id)
	tkt-list "$id" | tkt-template render -t polite-close >"$BATS_TEST_TMPDIR/want"
	text=$(jq -c .reply.text "$BATS_TEST_TMPDIR/want")
	run -0 tkt-reply -t polite-close <<<"$id"
	[ "$(tkt-list "$id" | jq --argjson t "$text" \
	    '[.replies[] | select(.sender == "MERCHANT" and .message == $t)] | length')" -eq 1 ]
}

@test "--resolve replies, then closes: two steps, both ok" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply --resolve -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok and
	    ([.result.steps[].action] == ["reply", "close"]) and
	    all(.result.steps[]; .ok))'
	answered "$BATS_TEST_TMPDIR/in" CLOSED
}

@test "bare ids and records mixed in one stream; an id comes back as {id, result}" {
	awaiting 4 >"$BATS_TEST_TMPDIR/all"
	{ sed -n 1p "$BATS_TEST_TMPDIR/all"; sed -n 2p "$BATS_TEST_TMPDIR/all" | jq -r .id
	  sed -n 3p "$BATS_TEST_TMPDIR/all"; sed -n 4p "$BATS_TEST_TMPDIR/all" | jq -r .id; } >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -m "$TEXT" <"$BATS_TEST_TMPDIR/in"
	diff <(jq -r .id "$BATS_TEST_TMPDIR/all") <(printf '%s\n' "$output" | jq -r .id)
	[ "$(printf '%s\n' "${lines[1]}" | jq -c 'keys')" = '["id","result"]' ]
	[ "$(printf '%s\n' "${lines[2]}" | jq -r .subject)" != null ]
	answered "$BATS_TEST_TMPDIR/all"
}

@test "a record without reply.text and no -m or -t is a local error; the others are sent" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	tkt-list --limit 3 | tkt-template render -t polite-close >"$BATS_TEST_TMPDIR/r"
	{ sed -n 1p "$BATS_TEST_TMPDIR/r"; sed -n 2p "$BATS_TEST_TMPDIR/in"; sed -n 3p "$BATS_TEST_TMPDIR/r"; } >"$BATS_TEST_TMPDIR/mix"
	id2=$(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -r .id)
	run -1 --separate-stderr tkt-reply "$BATS_TEST_TMPDIR/mix"
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/mix:2: ticket $id2: no reply text: the record has no reply.text (render it with tkt-template, or give -m or -t)
tkt-reply: 2 sent, 0 already done, 1 failed: no reply text" ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -c '.result | {ok, kind: .error.kind, steps}')" = '{"ok":false,"kind":"local","steps":[]}' ]
	[ "$(printf '%s\n' "${lines[0]}" | jq .result.ok)" = true ]
	[ "$(printf '%s\n' "${lines[2]}" | jq .result.ok)" = true ]
}

@test "a render error in reply.error is quoted and nothing is sent" {
	before=$(changes)
	awaiting 1 | jq -c '.reply = {"error": "no template matches"}' >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	run -1 --separate-stderr tkt-reply "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket $id: no reply text: no template matches
tkt-reply: 0 sent, 0 already done, 1 failed: no reply text" ]
	[ "$(changes)" -eq "$before" ]
}

@test "a reply over 2000 code points is a local error; 2000 exactly is sent" {
	id=$(awaiting 2 | jq -r .id | sed -n 1p)
	id2=$(awaiting 2 | jq -r .id | sed -n 2p)
	long=$(printf 'é%.0s' $(seq 1 2001))
	run -1 --separate-stderr tkt-reply --no-check -m "$long" <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply is too long: 2001 characters, more than 2000
tkt-reply: 0 sent, 0 already done, 1 failed: the reply is too long" ]
	[ "$(printf '%s\n' "$output" | jq -c '.result.error')" = '{"kind":"local","message":"the reply is too long: 2001 characters, more than 2000"}' ]
	run -0 tkt-reply --no-check -m "${long%é}" <<<"$id2"
	[ "$(ours "$id2" "${long%é}")" -eq 1 ]
}

@test "-t NAME rendering too long or without a value: a local error naming template and locale, as tkt-template says it; nothing is sent" {
	mkdir -p "$BATS_TEST_TMPDIR/tmpl"
	long=$(printf 'x%.0s' $(seq 1 2001))
	printf 'name: over\ndefault_locale: en\nbody:\n  en: "%s"\n' "$long" >"$BATS_TEST_TMPDIR/tmpl/over.yaml"
	printf 'name: novar\ndefault_locale: en\nbody:\n  en: "Hi {{vars.nothing}}"\n' >"$BATS_TEST_TMPDIR/tmpl/novar.yaml"
	write_config <<YAML
templates:
  - $BATS_TEST_TMPDIR/tmpl
YAML
	id=$(awaiting 1 | jq -r .id)
	before=$(changes)
	run -1 --separate-stderr tkt-reply --no-check -t over <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: template over, locale en: the reply is 2001 characters, over the limit of 2000
tkt-reply: 0 sent, 0 already done, 1 failed: template over, locale en" ]
	[ "$(printf '%s\n' "$output" | jq -c .result.error)" = '{"kind":"local","message":"template over, locale en: the reply is 2001 characters, over the limit of 2000"}' ]
	# tkt-template render gives the same message for the same ticket.
	tkt-list "$id" | tkt-template render -t over 2>/dev/null | jq -r .reply.error >"$BATS_TEST_TMPDIR/err" || true
	[ "$(cat "$BATS_TEST_TMPDIR/err")" = "template over, locale en: the reply is 2001 characters, over the limit of 2000" ]
	run -1 --separate-stderr tkt-reply -t novar <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: template novar, locale en: no value for {{vars.nothing}}
tkt-reply: 0 sent, 0 already done, 1 failed: template novar, locale en" ]
	[ "$(changes)" -eq "$before" ]
}

@test "a reply that breaks the marketplace policy is refused per record; --no-check sends it" {
	id=$(awaiting 1 | jq -r .id)
	bad="Please write to me at shop.owner@gmail.com instead."
	before=$(changes)
	run -1 --separate-stderr tkt-reply -m "$bad" <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply sends the buyer off the marketplace: \"write to me at\" (lint/en:30; --no-check sends it anyway)
tkt-reply: 0 sent, 0 already done, 1 failed: the reply sends the buyer off the marketplace" ]
	[ "$(printf '%s\n' "$output" | jq -r .result.error.kind)" = local ]
	[ "$(changes)" -eq "$before" ]
	run -0 tkt-reply --no-check -m "$bad" <<<"$id"
	[ "$(ours "$id" "$bad")" -eq 1 ]
}

# tmpl_dir: templates of this test's own, first in the search path:
# enonly (en only), hi (the buyer's name), hilink (the name and a link of
# the template's own).
tmpl_dir() {
	mkdir -p "$BATS_TEST_TMPDIR/tmpl"
	printf 'name: enonly\ndefault_locale: en\nbody:\n  en: "Thank you for your message, we are on it."\n' >"$BATS_TEST_TMPDIR/tmpl/enonly.yaml"
	printf 'name: hi\ndefault_locale: en\nbody:\n  en: "Hello {{buyer.name}}, thank you for your message."\n  fr: "Bonjour {{buyer.name}}, merci pour votre message."\n' >"$BATS_TEST_TMPDIR/tmpl/hi.yaml"
	printf 'name: hilink\ndefault_locale: en\nbody:\n  en: "Hello {{buyer.name}}, see www.example-shop.com for more."\n' >"$BATS_TEST_TMPDIR/tmpl/hilink.yaml"
	write_config <<YAML
templates:
  - $BATS_TEST_TMPDIR/tmpl
${1:-}
YAML
}

# named ID NAME: the ticket ID's buyer is called NAME from now on (the
# sandbox is restarted on its store).
named() {
	stop_sandbox
	jq -c --arg id "$1" 'select(.id == $id)' "$STORE" | tail -n 1 |
	    jq -c --arg n "$2" '.buyer.name = $n' >>"$STORE"
	start_sandbox -d "$STORE" --now "$TEST_NOW"
}

@test "--no-fallback: a ticket with no text in its language fails with the template's languages; the others are sent" {
	tmpl_dir
	en=$(awaiting 60 | jq -r 'select(.locale == "en") | .id' | head -n 1)
	fr=$(awaiting 60 | jq -r 'select(.locale == "fr") | .id' | head -n 1)
	[ -n "$en" ] && [ -n "$fr" ]
	run -1 --separate-stderr tkt-reply --no-fallback -t enonly <<<"$fr
$en"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $fr: no text in fr (template enonly has en); --no-fallback refuses a reply in another language
tkt-reply: 1 sent, 0 already done, 1 failed: no text in fr" ]
	[ "$(printf '%s\n' "${lines[0]}" | jq -c '.result | {ok, kind: .error.kind, steps}')" = '{"ok":false,"kind":"local","steps":[]}' ]
	[ "$(printf '%s\n' "${lines[1]}" | jq .result.ok)" = true ]
	[ "$(ours "$fr" "Thank you for your message, we are on it.")" -eq 0 ]
	[ "$(ours "$en" "Thank you for your message, we are on it.")" -eq 1 ]
	# Without it the fallback is sent.
	run -0 --separate-stderr tkt-reply -t enonly <<<"$fr"
	[ "$(ours "$fr" "Thank you for your message, we are on it.")" -eq 1 ]
}

@test "fallback: refuse in the config refuses a rendered reply.text in another language; fr-CA answered in fr is sent" {
	tmpl_dir "fallback: refuse"
	fr=$(awaiting 60 | jq -r 'select(.locale == "fr") | .id' | head -n 1)
	ca=$(awaiting 60 | jq -r 'select(.locale == "fr-CA") | .id' | head -n 1)
	en=$(awaiting 60 | jq -r 'select(.locale == "en") | .id' | head -n 1)
	[ -n "$fr" ] && [ -n "$ca" ] && [ -n "$en" ]
	# Rendered as if fallbacks were allowed: the record says en for fr.
	tkt-list "$fr" | TKT_CONFIG=/dev/null tkt-template render -t "$BATS_TEST_TMPDIR/tmpl/enonly.yaml" 2>/dev/null >"$BATS_TEST_TMPDIR/in"
	tkt-list "$ca" "$en" | tkt-template render -t hi >>"$BATS_TEST_TMPDIR/in"
	before=$(changes "$fr")
	run -1 --separate-stderr tkt-reply "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket $fr: no text in fr: the reply (template enonly) is in en; fallback: refuse in $XDG_CONFIG_HOME/tkt/config.yaml refuses a reply in another language
tkt-reply: 2 sent, 0 already done, 1 failed: no text in fr" ]
	[ "$(printf '%s\n' "$output" | jq -c '[.result.ok, .result.error.kind]' | tr '\n' ' ')" = '[false,"local"] [true,null] [true,null] ' ]
	[ "$(changes "$fr")" -eq "$before" ]
	[ "$(printf '%s\n' "${lines[1]}" | jq -r .reply.locale)" = fr ]
}

@test "a URL in the buyer's name is refused naming buyer.name; --allow-field buyer.name sends it; a URL of the template still blocks" {
	tmpl_dir
	id=$(awaiting 60 | jq -r 'select(.locale == "en") | .id' | head -n 1)
	named "$id" "Bob www.bobs-shop.com"
	before=$(changes "$id")
	run -1 --separate-stderr tkt-reply -t hi <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply sends the buyer off the marketplace: \"www.bobs-shop.com\" in buyer.name, a value from the record (lint/any:11; --allow-field buyer.name or --no-check sends it anyway)
tkt-reply: 0 sent, 0 already done, 1 failed: the reply sends the buyer off the marketplace" ]
	[ "$(printf '%s\n' "$output" | jq -r .result.error.kind)" = local ]
	# The template's own link is checked, though the name's passes.
	run -1 --separate-stderr tkt-reply -t hilink --allow-field buyer.name <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply sends the buyer off the marketplace: \"www.example-shop.com\" (lint/any:11; --no-check sends it anyway)
tkt-reply: 0 sent, 0 already done, 1 failed: the reply sends the buyer off the marketplace" ]
	# Another field allowed lets nothing through.
	run -1 --separate-stderr tkt-reply -t hi --allow-field subject <<<"$id"
	[[ "$stderr" == *"in buyer.name, a value from the record"* ]]
	[ "$(changes "$id")" -eq "$before" ]
	run -0 --separate-stderr tkt-reply -t hi --allow-field buyer.name <<<"$id"
	[ -z "$stderr" ]
	[ "$(ours "$id" "Hello Bob www.bobs-shop.com, thank you for your message.")" -eq 1 ]
}

@test "reply.spans from tkt-template render name the field; allow_fields in the config lets it through" {
	tmpl_dir
	id=$(awaiting 60 | jq -r 'select(.locale == "en") | .id' | head -n 1)
	named "$id" "Zoë shop.owner@gmail.com"
	tkt-list "$id" | tkt-template render -t hi >"$BATS_TEST_TMPDIR/in"
	[ "$(jq -c .reply.spans "$BATS_TEST_TMPDIR/in")" = '[{"field":"buyer.name","start":6,"end":30}]' ]
	run -1 --separate-stderr tkt-reply "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket $id: the reply sends the buyer off the marketplace: \"shop.owner@gmail.com\" in buyer.name, a value from the record (lint/any:17; --allow-field buyer.name or --no-check sends it anyway)
tkt-reply: 0 sent, 0 already done, 1 failed: the reply sends the buyer off the marketplace" ]
	tmpl_dir "allow_fields: [buyer.name]"
	run -0 --separate-stderr tkt-reply "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "$(ours "$id" "Hello Zoë shop.owner@gmail.com, thank you for your message.")" -eq 1 ]
}

@test "invalid reply.spans are ignored with one warning per record; the valid ones still count" {
	tmpl_dir
	id=$(awaiting 60 | jq -r 'select(.locale == "en") | .id' | head -n 1)
	named "$id" "Ann www.ann.com"
	tkt-list "$id" | tkt-template render -t hi >"$BATS_TEST_TMPDIR/good"
	# Past the text, out of order, not numbers: all ignored, the finding is then the text's.
	jq -c '.reply.spans = [{"field":"buyer.name","start":6,"end":500},
	    {"field":"buyer.name","start":6,"end":"21"}, {"field":"subject"}]' \
	    "$BATS_TEST_TMPDIR/good" >"$BATS_TEST_TMPDIR/bad"
	run -1 --separate-stderr tkt-reply --allow-field buyer.name "$BATS_TEST_TMPDIR/bad"
	[ "${stderr_lines[0]}" = "tkt-reply: $BATS_TEST_TMPDIR/bad:1: ticket $id: reply.spans: 3 of 3 ignored (span 1: it ends past the text)" ]
	[ "${stderr_lines[1]}" = "tkt-reply: $BATS_TEST_TMPDIR/bad:1: ticket $id: the reply sends the buyer off the marketplace: \"www.ann.com\" (lint/any:11; --no-check sends it anyway)" ]
	# One span overlapping the one before is dropped, the first kept.
	jq -c '.reply.spans = [{"field":"buyer.name","start":6,"end":21},{"field":"subject","start":10,"end":12}]' \
	    "$BATS_TEST_TMPDIR/good" >"$BATS_TEST_TMPDIR/half"
	run -0 --separate-stderr tkt-reply --allow-field buyer.name "$BATS_TEST_TMPDIR/half"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/half:1: ticket $id: reply.spans: 1 of 2 ignored (span 2: it overlaps or precedes the span before it)" ]
	[ "$(printf '%s\n' "$output" | jq .result.ok)" = true ]
	# Not an array.
	jq -c '.reply.spans = {"field":"buyer.name"}' "$BATS_TEST_TMPDIR/good" >"$BATS_TEST_TMPDIR/obj"
	run -1 --separate-stderr tkt-reply --allow-field buyer.name "$BATS_TEST_TMPDIR/obj"
	[ "${stderr_lines[0]}" = "tkt-reply: $BATS_TEST_TMPDIR/obj:1: ticket $id: reply.spans is not an array: ignored" ]
}

@test "--allow-field and allow_fields take only record fields: another name is exit 2" {
	before=$(changes)
	run -2 --separate-stderr tkt-reply --allow-field buyer.nom -m "$TEXT" </dev/null
	[ "$stderr" = "tkt-reply: --allow-field: 'buyer.nom' is not a record field (tkt-record(5): buyer.name, orders[].product_name, …)" ]
	tmpl_dir "allow_fields: [orders.product_name]"
	run -2 --separate-stderr tkt-reply -m "$TEXT" </dev/null
	[ "$stderr" = "tkt-reply: allow_fields: 'orders.product_name' is not a record field (tkt-record(5): buyer.name, orders[].product_name, …)" ]
	[ "$(changes)" -eq "$before" ]
}

@test "an empty reply and a reply that is not UTF-8 are local errors" {
	id=$(awaiting 1 | jq -r .id)
	run -1 --separate-stderr tkt-reply -m "" <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply is empty
tkt-reply: 0 sent, 0 already done, 1 failed: the reply is empty" ]
	run -1 --separate-stderr tkt-reply -m "$(printf 'caf\351')" <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: the reply is not valid UTF-8
tkt-reply: 0 sent, 0 already done, 1 failed: the reply is not valid UTF-8" ]
}

@test "a ticket not awaiting the merchant is a local error, by record and by id" {
	id=$(jq -r 'select(.state == "AWAITING_USER") | .id' "$STORE" | head -n 1)
	[ -n "$id" ]
	before=$(changes)
	run -1 --separate-stderr tkt-reply -m "$TEXT" <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: not awaiting the merchant (state AWAITING_USER): only such a ticket can be replied to
tkt-reply: 0 sent, 0 already done, 1 failed: not awaiting the merchant" ]
	tkt-list "$id" >"$BATS_TEST_TMPDIR/rec"
	run -1 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/rec"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/rec:1: ticket $id: not awaiting the merchant (state AWAITING_USER): only such a ticket can be replied to
tkt-reply: 0 sent, 0 already done, 1 failed: not awaiting the merchant" ]
	[ "$(changes)" -eq "$before" ]
}

@test "an unknown ticket is a refused per-record error with Wish's code and request id" {
	run -1 --separate-stderr tkt-reply -m "$TEXT" <<<"0123456789abcdef01234567"
	[[ "$stderr" == "tkt-reply: <stdin>:1: ticket 0123456789abcdef01234567: No 'Ticket' Found with id: '0123456789abcdef01234567' (code 1004, HTTP 400) (request id "*")" ]]
	printf '%s\n' "$output" | jq -e '.result.error | .code == 1004 and .http == 400 and (.request_id | length) > 0'
}

@test "dry run sends nothing, not even a read, and prints the exact request without the token" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	tkt-list >"$BATS_TEST_TMPDIR/before"
	before=$(changes)
	run -0 --separate-stderr tkt-reply -n -v -m "Hi & bye" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "$(changes)" -eq "$before" ]
	diff "$BATS_TEST_TMPDIR/before" <(tkt-list)
	id=$(sed -n 1p "$BATS_TEST_TMPDIR/in" | jq -r .id)
	want=$(by_api "$(req POST /api/v2/ticket/reply "id=$id&reply=Hi%20%26%20bye")" \
	    "$(req POST "/api/v3/tickets/$id/replies" '{"message":"Hi & bye"}')")
	[ "$(printf '%s\n' "${lines[0]}" | jq -c .result.request)" = "$want" ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.dry_run == true and .result.ok == true)'
	[[ "$output" != *"$TEST_TOKEN"* ]]
	[ ! -e "$XDG_STATE_HOME/tkt/journal" ] || [ ! -s "$XDG_STATE_HOME/tkt/journal" ]
}

@test "dry run of --resolve shows both requests; a bare id with -t cannot be planned" {
	id=$(awaiting 1 | jq -r .id)
	run -0 tkt-reply -n --resolve -m "$TEXT" <<<"$id"
	[ "$(printf '%s\n' "$output" | jq -r '.result.steps[0].request | "\(.method) \(.path)"')" = "$(sent reply "$id")" ]
	[ "$(printf '%s\n' "$output" | jq -c '.result.steps[1].request')" = "$(request close "$id")" ]
	[ "$(printf '%s\n' "$output" | jq '.result.steps | length')" -eq 2 ]
	run -1 --separate-stderr tkt-reply -n -t polite-close <<<"$id"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $id: -t needs the ticket to render: a dry run with a bare id cannot fetch it
tkt-reply: 0 would be sent, 0 already done, 1 failed: -t needs the ticket to render" ]
}

@test "a re-run skips what the journal says was done and sends nothing" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	before=$(changes)
	run -0 --separate-stderr tkt-reply -v -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	[ "$(changes)" -eq "$before" ]
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok == true and
	    .result.skipped == true and .result.steps[0].skipped == true)'
	[ "$(jdone)" -eq 3 ]
	# A dry run consults the journal too.
	run -0 tkt-reply -n -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.skipped == true and (.result | has("request") | not))'
}

# plan_of COMMAND: the plan COMMAND shows on a terminal, without the
# terminal's "\r" (NO_COLOR and a width of 200 unless COMMAND says else).
plan_of() {
	on_tty "NO_COLOR=1 COLUMNS=200 $1" | tr -d '\r'
}

@test "-n on a terminal shows a plan: ticket, buyer escaped, language, template, first line, what is sent, the journal's verdict" {
	# A buyer name with an ESC in it, in the name and in the text.
	awaiting 3 | jq -c '.buyer.name = "Eve\u001b[2JX"' |
	    tkt-template render --auto >"$BATS_TEST_TMPDIR/in"
	# The third is replied to and closed first: the journal has it.
	sed -n 3p "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/done"
	run -0 tkt-reply --resolve "$BATS_TEST_TMPDIR/done"
	before=$(changes)
	local want="" i id loc tmpl first
	for i in 1 2 3; do
		read -r id loc tmpl <<<"$(sed -n "${i}p" "$BATS_TEST_TMPDIR/in" |
		    jq -r '[.id, .locale, .reply.template] | @tsv')"
		first=$(sed -n "${i}p" "$BATS_TEST_TMPDIR/in" | jq -r '.reply.text' | head -n 1)
		first=${first//$'\033'/'\033'}
		[ "$(sed -n "${i}p" "$BATS_TEST_TMPDIR/in" | jq -r .reply.locale)" = "$loc" ]
		want+="$id  Eve\\033[2JX
  language  $loc
  template  $tmpl
  text      $first
  sends     $([ "$i" -eq 3 ] && echo 'nothing' || echo 'reply, then close')
  verdict   $([ "$i" -eq 3 ] && echo 'already done: would skip' || echo 'would be sent')

"
	done
	want+="2 would be sent, 1 already done"
	run -0 plan_of "tkt-reply -n --resolve '$BATS_TEST_TMPDIR/in'"
	[ "$output" = "$want" ] || { diff <(printf "%s\n" "$want") <(printf "%s\n" "$output"); false; }
	[[ "$output" != *$'\033'* ]]
	[ "$(changes)" -eq "$before" ]
	# -m: its first line; colour only without NO_COLOR.
	run -0 on_tty "COLUMNS=200 tkt-reply -n -m 'First line
second' '$BATS_TEST_TMPDIR/in'"
	[[ "$output" == *$'\033[1m'"$id"$'\033[0m  Eve\\033[2JX\r\n'* ]]
	[[ "$output" == *$'\n  text      First line\r\n  sends     reply\r\n'* ]]
	[[ "$output" != *second* ]]
	# Cut to the terminal's width, with "…".
	run -0 plan_of "COLUMNS=30 tkt-reply -n -m 'A long first line that is cut at thirty' '$BATS_TEST_TMPDIR/in'"
	[[ "$output" == *$'\n  text      A long first line…\n'* ]]
}

@test "-n writing to a pipe or a file prints the JSON lines, also from a terminal" {
	awaiting 2 | tkt-template render --auto >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-reply -n --resolve "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/want"
	run -0 on_tty "tkt-reply -n --resolve '$BATS_TEST_TMPDIR/in' >'$BATS_TEST_TMPDIR/file'"
	run -0 on_tty "tkt-reply -n --resolve '$BATS_TEST_TMPDIR/in' | cat >'$BATS_TEST_TMPDIR/pipe'"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/file"
	cmp "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/pipe"
	jq -e -s 'length == 2 and all(.[]; .result.dry_run)' "$BATS_TEST_TMPDIR/file"
}

@test "two action tools in one pipeline do not wait for each other" {
	awaiting 20 >"$BATS_TEST_TMPDIR/in"
	run -0 timeout 30 bash -c "tkt-reply -m '$TEXT' '$BATS_TEST_TMPDIR/in' | tkt-close"
	printf '%s\n' "$output" | jq -e -s 'length == 20 and all(.[]; .result.action == "close" and .result.ok)'
	run -0 timeout 30 bash -c "tkt-reply -n -m '$TEXT' '$BATS_TEST_TMPDIR/in' | tkt-close -n"
	answered "$BATS_TEST_TMPDIR/in"
}

@test "the same ticket twice in one input is answered once" {
	awaiting 1 >"$BATS_TEST_TMPDIR/one"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/one")
	cat "$BATS_TEST_TMPDIR/one" "$BATS_TEST_TMPDIR/one" >"$BATS_TEST_TMPDIR/in"
	echo "$id" >>"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -P 4 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -c '[.result.ok, .result.skipped]' | tr '\n' ' ')" = '[true,null] [true,true] [true,true] ' ]
	[ "$(ours "$id")" -eq 1 ]
}

@test "the journal line names store, ticket, action, waiting_since, text hash and time" {
	awaiting 1 >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	w=$(jq -r .waiting_since "$BATS_TEST_TMPDIR/in")
	run -0 awk -F '\t' '{ print NF, $1, $2, $3, $4, length($5), $6, $7 }' "$XDG_STATE_HOME/tkt/journal"
	# Its intent before it was sent, then its outcome.
	[ "$output" = "7 env $id reply $w 16 2026-11-23T12:00:00Z intent
7 env $id reply $w 16 2026-11-23T12:00:00Z done" ]
}

@test "journal lines of an older version (six fields) read as done; failed, intent and unknown states do not skip" {
	awaiting 4 >"$BATS_TEST_TMPDIR/in"
	local j="$XDG_STATE_HOME/tkt/journal" h i=0 id w
	mkdir -p "$XDG_STATE_HOME/tkt"
	# The hash of $TEXT, as the tool writes it, from a line of its own.
	tkt-reply -m "$TEXT" <<<"$(sed -n 1p "$BATS_TEST_TMPDIR/in")" >/dev/null
	h=$(cut -f 5 "$j" | tail -n 1)
	: >"$j"
	while read -r id w; do
		i=$((i + 1))
		case $i in
		1) printf 'env\t%s\treply\t%s\t%s\t2026-11-20T10:00:00Z\n' "$id" "$w" "$h" ;;
		2) printf 'env\t%s\treply\t%s\t%s\t2026-11-20T10:00:00Z\tfailed\n' "$id" "$w" "$h" ;;
		3) printf 'env\t%s\treply\t%s\t%s\t2026-11-20T10:00:00Z\tbogus\n' "$id" "$w" "$h" ;;
		4) printf 'env\t%s\treply\t%s\t%s\t2026-11-20T10:00:00Z\tdone\n' "$id" "$w" "$h" ;;
		esac
	done < <(jq -r '[.id, .waiting_since] | @tsv' "$BATS_TEST_TMPDIR/in") >>"$j"
	run -0 tkt-reply -n -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -c '.result.skipped // false' | tr '\n' ' ')" = "true false false true " ]
}

@test "a journal line torn by a crash does not swallow the next one" {
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	mkdir -p "$XDG_STATE_HOME/tkt"
	printf 'env\t0123456789abcdef01234567\tre' >"$XDG_STATE_HOME/tkt/journal"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(sed -n 1p "$XDG_STATE_HOME/tkt/journal")" = "$(printf 'env\t0123456789abcdef01234567\tre')" ]
	[ "$(jdone)" -eq 2 ]
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .result.skipped)'
}

@test "a journal that cannot reach the disk: exit 5, its own message, no stray place or request id" {
	# fsync(2) refuses /dev/null: the replies are sent and printed, and
	# the error is the journal's own, nothing left over from a request.
	mkdir -p "$XDG_STATE_HOME/tkt"
	ln -s /dev/null "$XDG_STATE_HOME/tkt/journal"
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	run -5 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .result.ok)'
	[ "$(printf '%s\n' "$stderr" | sort -u)" = "tkt-reply: journal $XDG_STATE_HOME/tkt/journal: fsync: Invalid argument" ]
}

@test "the same template answering a later buyer message is not skipped" {
	awaiting 1 >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	stop_sandbox
	# The buyer writes again: the ticket awaits the merchant once more.
	jq -c --arg id "$id" 'select(.id == $id)' "$STORE" | tail -n 1 |
	    jq -c '.state = "AWAITING_MERCHANT" | .replies += [{"sender": "USER",
	    "at": "2026-11-23T11:30:00Z", "message": "Any news?",
	    "translated_message": "Any news?", "translated_message_zh": "有消息吗？",
	    "images": []}]' >>"$STORE"
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	tkt-list "$id" >"$BATS_TEST_TMPDIR/again"
	[ "$(jq -r .waiting_since "$BATS_TEST_TMPDIR/again")" = 2026-11-23T11:30:00Z ]
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/again"
	[ "$(printf '%s\n' "$output" | jq -c .result.skipped)" = null ]
	[ "$(ours "$id")" -eq 2 ]
	[ "$(jdone)" -eq 2 ]
}

@test "--force sends again what the journal says was done" {
	awaiting 1 >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	# A fresh sandbox with the same seed: the ticket as it was before.
	stop_sandbox
	STORE="$BATS_TEST_TMPDIR/store2.jsonl"
	start_sandbox -d "$STORE" --seed 7 --tickets 60 --now "$TEST_NOW"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq .result.skipped)" = true ]
	[ "$(ours "$id")" -eq 0 ]
	run -0 tkt-reply --force -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -c '[.result.ok, .result.skipped]')" = '[true,null]' ]
	[ "$(ours "$id")" -eq 1 ]
}

@test "--force reads the ticket again: a stale record is not taken for an answer" {
	awaiting 1 >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	before=$(changes)
	run -1 --separate-stderr tkt-reply --force -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket $id: not awaiting the merchant (state AWAITING_USER): only such a ticket can be replied to
tkt-reply: 0 sent, 0 already done, 1 failed: not awaiting the merchant" ]
	[ "$(changes)" -eq "$before" ]
	[ "$(ours "$id")" -eq 1 ]
}

@test "a later action tool replaces an earlier result" {
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	run -0 bash -c "tkt-reply -n -m '$TEXT' '$BATS_TEST_TMPDIR/in' | tkt-reply -m '$TEXT'"
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok == true and (.result | has("dry_run") | not))'
	[ "$(printf '%s\n' "${lines[0]}" | grep -o '"result":' | wc -l)" -eq 1 ]
}

@test "two runs at once on one journal: each ticket gets exactly one reply" {
	awaiting 12 >"$BATS_TEST_TMPDIR/in"
	tkt-reply -P 2 -m "$TEXT" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/a" 2>&1 &
	a=$!
	tkt-reply -P 2 -m "$TEXT" "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/b" 2>&1 &
	b=$!
	wait "$a"
	wait "$b"
	[ "$(cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | jq -s 'map(select(.result.ok)) | length')" -eq 24 ]
	[ "$(cat "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b" | jq -s 'map(select(.result.skipped)) | length')" -eq 12 ]
	answered "$BATS_TEST_TMPDIR/in"
	[ "$(jdone)" -eq 12 ]
}

@test "a reply dropped after the server saved it is read back and counted once" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults "$(faults drop-after:1 reply $(jq -r .id "$BATS_TEST_TMPDIR/in"))"
	run -0 --separate-stderr tkt-reply -v -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok)'
	for id in $(jq -r .id "$BATS_TEST_TMPDIR/in"); do
		[[ "$stderr" == *"$(sent reply "$id") failed after "* ]]
		[[ "$stderr" == *"$(read_of "$id") 200 "* ]]
		[ "$(ours "$id")" -eq 1 ]
	done
}

@test "a 500, 503, 429 or a drop before the server acted is sent again after a read-back" {
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults 'nth=2:500,nth=4:503,nth=6:429,nth=8:drop-before'
	awaiting 4 >"$BATS_TEST_TMPDIR/in"
	export TKT_RETRIES=4
	run -0 --separate-stderr tkt-reply -P 1 -v -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 4 and all(.[]; .result.ok)'
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in" | head -n 1)
	[[ "$stderr" == *"$(sent reply "$id") 500 "* ]]
	[[ "$stderr" == *"$(read_of "$id") "* ]]
	answered "$BATS_TEST_TMPDIR/in"
}

@test "a cut, malformed answer to a write is settled by the read-back" {
	id=$(awaiting 1 | jq -r .id)
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "$(faults garbage:1 reply "$id")"
	run -0 --separate-stderr tkt-reply -v -m "$TEXT" <<<"$id"
	# A bare id is read first; the second read is the read-back.
	[ "$(printf '%s\n' "$stderr" | grep -cF "$(read_of "$id") 200 ")" -eq 2 ]
	[ "$(ours "$id")" -eq 1 ]
}

@test "remote failure that retries cannot cure: exit 3 when nothing succeeded, 1 when some did" {
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults "$(faults 500:1 reply $(jq -r .id "$BATS_TEST_TMPDIR/in"))"
	export TKT_RETRIES=1
	run -3 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${stderr%%$'\n'*}" == "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket "*": Internal Server Error (code 9000, HTTP 500) (request id "* ]]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok == false and .result.error.kind == "remote" and .result.error.http == 500)'
	# One ticket answered and one refused: exit 1.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	{ sed -n 1p "$BATS_TEST_TMPDIR/in"; echo 0123456789abcdef01234567; } >"$BATS_TEST_TMPDIR/mixed"
	run -1 tkt-reply -P 1 -m "$TEXT" "$BATS_TEST_TMPDIR/mixed"
	[ "$(printf '%s\n' "$output" | jq -c .result.ok | tr '\n' ' ')" = "true false " ]
}

@test "nobody listening: a network error per record, exit 3" {
	stop_sandbox
	export TKT_API_URL=http://127.0.0.1:9 TKT_RETRIES=0 TKT_CONNECT_TIMEOUT=500ms
	run -3 --separate-stderr tkt-reply -m "$TEXT" <<<"0123456789abcdef01234567"
	[[ "$stderr" == "tkt-reply: <stdin>:1: ticket 0123456789abcdef01234567: "*"onnect"* ]]
	[ "$(printf '%s\n' "$output" | jq -r .result.error.kind)" = network ]
}

@test "a refused token stops the run at once with exit 4; what was read comes out saying so" {
	awaiting 30 >"$BATS_TEST_TMPDIR/in"
	before=$(changes)
	TKT_TOKEN=wrong-token run -4 --separate-stderr tkt-reply -P 2 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[[ "${stderr%%$'\n'*}" == "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket "*": $(refused) (request id "*")" ]]
	[[ "$stderr" != *wrong-token* ]]
	# Every record read (all 30 fit the window) comes out, in order.
	[ "${#lines[@]}" -eq 30 ]
	diff <(jq -r .id "$BATS_TEST_TMPDIR/in") <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok == false and .result.error.kind == "refused")'
	refused=$(printf '%s\n' "$output" | grep -c 'the marketplace refused the token')
	unsent=$(printf '%s\n' "$output" | grep -c 'not sent: the run stopped (the token was refused)')
	[ "$refused" -ge 1 ]
	[ $((refused + unsent)) -eq 30 ]
	[[ "$stderr" == *$'\n'"tkt-reply: stopped: 0 sent, 0 already done, $refused failed: the marketplace refused the token; $unsent records read but not sent, 0 with an unknown outcome" ]]
	[ "$(changes)" -eq "$before" ]
}

@test "an expired or a revoked token stops the run with exit 4, giving the marketplace's code" {
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --token-ttl 1 \
	    --refresh-token refresh-0123456789
	before=$(changes)
	sleep 1.2
	run -4 --separate-stderr tkt-reply -P 1 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	why=$(by_api "code 1015: The access token has expired" \
	    "code 1007: This access token has expired")
	[[ "${stderr%%$'\n'*}" == "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket "*": the marketplace refused the token (HTTP $(tok_http), $why; a person must renew it) (request id "*")" ]]
	[ "$(printf '%s\n' "${lines[0]}" | jq -c '.result.error | [.kind, .code, .http]')" = "[\"refused\",$(by_api 1015 1007),$(tok_http)]" ]
	# A refresh by someone else revokes the token the run was given.
	curl -sf -o /dev/null -d client_id=app -d client_secret=secret \
	    -d grant_type=refresh_token -d refresh_token=refresh-0123456789 \
	    "$SANDBOX_URL/api/v2/oauth/refresh_token"
	run -4 --separate-stderr tkt-reply -P 1 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	why=$(by_api "code 1016: The access token has been revoked" \
	    "code 1008: This access token has been revoked")
	[[ "${stderr%%$'\n'*}" == "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket "*": the marketplace refused the token (HTTP $(tok_http), $why; a person must renew it) (request id "*")" ]]
	[ "$(printf '%s\n' "${lines[0]}" | jq -c '.result.error | [.kind, .code, .http]')" = "[\"refused\",$(by_api 1016 1008),$(tok_http)]" ]
	[ "$(changes)" -eq "$before" ]
}

@test "bad input lines are reported with their position and the stream goes on" {
	awaiting 2 >"$BATS_TEST_TMPDIR/ok"
	{ sed -n 1p "$BATS_TEST_TMPDIR/ok"; echo '{"id": '; echo '{"subject":"no id"}'
	  echo 'not an id!'; sed -n 2p "$BATS_TEST_TMPDIR/ok"; } >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-reply -m "$TEXT" <"$BATS_TEST_TMPDIR/in"
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "$stderr" | sed -n 1p | cut -d: -f1-3)" = "tkt-reply: <stdin>:2" ]
	[[ "$stderr" == *"tkt-reply: <stdin>:3: the record has no valid \"id\""* ]]
	[[ "$stderr" == *"tkt-reply: <stdin>:4: not a ticket id: 'not an id!'"* ]]
	[[ "$stderr" != *"request id"* ]]
	[ "$(printf '%s\n' "${lines[0]}" | jq .result.ok)" = true ]
	[ "$(printf '%s\n' "${lines[3]}" | jq .result.ok)" = true ]
}

@test "-P and --rate: many tickets in parallel, in input order, all answered" {
	awaiting 30 >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-reply -P 8 --rate 200/s -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	diff <(jq -r .id "$BATS_TEST_TMPDIR/in") <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$output" | jq -e -s 'length == 30 and all(.[]; .result.ok)'
}

@test "a sandbox rate limit provokes no 429 from tkt-reply -P 8" {
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --rate 20/s
	awaiting 25 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 25 and all(.[]; .result.ok)'
	[[ "$stderr" != *" 429 "* ]]
}

@test "usage errors exit 2 and send nothing" {
	before=$(changes)
	run -2 --separate-stderr tkt-reply -m a -t ack
	[ "$stderr" = "tkt-reply: -m and -t exclude each other" ]
	run -2 --separate-stderr tkt-reply -t no-such-template </dev/null
	[ "$stderr" = "tkt-reply: -t no-such-template: no such template" ]
	run -2 --separate-stderr tkt-reply -P 0 -m a
	[[ "$stderr" == "tkt-reply: -P: '0' is "*"(1 to 64)" ]]
	run -2 --separate-stderr tkt-reply --rate fast -m a
	[[ "$stderr" == "tkt-reply: --rate: 'fast' is not a rate"* ]]
	run -2 --separate-stderr tkt-reply --bogus
	[[ "$stderr" == *"usage: tkt-reply"* ]]
	run -2 --separate-stderr tkt-reply --now yesterday -m a
	[[ "$stderr" == "tkt-reply: "*"yesterday"* ]]
	[ "$(changes)" -eq "$before" ]
}

@test "configuration errors exit 2: no token, unknown store, an unknown API version" {
	run -2 --separate-stderr env -u TKT_TOKEN tkt-reply -m a </dev/null
	[[ "$stderr" == "tkt-reply: "*"token"* ]]
	run -2 --separate-stderr tkt-reply -s nosuch -m a </dev/null
	[[ "$stderr" == "tkt-reply: "*"nosuch"* ]]
	run -2 --separate-stderr env TKT_API=v4 tkt-reply -m a </dev/null
	[[ "$stderr" == "tkt-reply: "*"v4"* ]]
}

@test "-h prints the usage on stdout and exits 0; --version prints the version" {
	run -0 tkt-reply -h
	[[ "$output" == "usage: tkt-reply [-hinv] [-m text | -t name [--strict]] [--resolve]"* ]]
	run -0 tkt-reply --version
	[[ "$output" == "tkt-reply (tkt) "[0-9]* ]]
}

@test "a progress line on a terminal: done, failed, wiped before a message; the summary line ends it" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	echo '{"id": 1}' >>"$BATS_TEST_TMPDIR/in"
	run -1 on_tty "tkt-reply -m '$TEXT' '$BATS_TEST_TMPDIR/in' >/dev/null"
	[[ "$output" == *"tkt-reply: $BATS_TEST_TMPDIR/in:4: the record has no valid \"id\""* ]]
	[[ "$output" == *$'\n'"tkt-reply: 3 sent, 0 already done, 1 failed: the record has no valid \"id\""$'\r' ]]
}

@test "no progress line and nothing on stderr when stderr is not a terminal" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
}

@test "fault soak: 200 tickets through --resolve -P 8 with about 20 % faults, each answered and closed exactly once (make soak: 2,000)" {
	reply_soak 200
}

# API v3: the same engine, v3's requests (JSON, PUT state, POST replies).

@test "v3: replies and closes with POST .../replies and PUT {state}; dry run shows them" {
	export TKT_API=v3
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in" | head -n 1)
	run -0 tkt-reply -n --resolve -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "${lines[0]}" | jq -c '[.result.steps[].request]')" = "[{\"method\":\"POST\",\"path\":\"/api/v3/tickets/$id/replies\",\"body\":\"{\\\"message\\\":\\\"$TEXT\\\"}\"},{\"method\":\"PUT\",\"path\":\"/api/v3/tickets/$id\",\"body\":\"{\\\"state\\\":\\\"CLOSED\\\"}\"}]" ]
	run -0 --separate-stderr tkt-reply -v --resolve -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"POST /api/v3/tickets/$id/replies 200"* ]]
	[[ "$stderr" == *"PUT /api/v3/tickets/$id 200"* ]]
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok and .api == "v3")'
	answered "$BATS_TEST_TMPDIR/in" CLOSED
	# A re-run skips, read through v2 or v3 alike.
	run -0 tkt-reply --resolve -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.skipped)'
}

@test "v3: a reply dropped after the server saved it, or refused by a 5xx, is read back and sent once" {
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults 'drop-after:0.5@/api/v3/tickets,500:0.2@/api/v3/tickets'
	export TKT_API=v3 TKT_BACKOFF=10ms TKT_RETRIES=10
	tkt-list --limit 10 >"$BATS_TEST_TMPDIR/in" 2>/dev/null
	[ "$(wc -l <"$BATS_TEST_TMPDIR/in")" -eq 10 ]
	run -0 tkt-reply -P 4 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'length == 10 and all(.[]; .result.ok)'
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	answered "$BATS_TEST_TMPDIR/in"
}

@test "v3: re-open by state, then the reason as a reply; the reason is optional on v3 only" {
	export TKT_API=v3
	id=$(jq -r 'select(.state == "CLOSED") | .id' "$STORE" | head -n 1)
	run -0 tkt-close --reopen -m "We are looking into this again." <<<"$id"
	[ "$(printf '%s\n' "$output" | jq -c '[.result.steps[].action]')" = '["reopen","reply"]' ]
	[ "$(ours "$id" "We are looking into this again.")" -eq 1 ]
	id2=$(jq -r 'select(.state == "CLOSED") | .id' "$STORE" | sed -n 2p)
	run -0 tkt-close --reopen <<<"$id2"
	[ "$(state "$id2")" = AWAITING_MERCHANT ]
	run -2 --separate-stderr env TKT_API=v2 tkt-close --reopen <<<"$id2"
	[ "$stderr" = "tkt-close: --reopen needs -m REASON on store 'env': API v2 sends the reason to the buyer" ]
}

@test "v3: a refund is a PUT on the order, read back from the order, never repeated" {
	export TKT_API=v3
	tkt-list --type ORDER --limit 3 >"$BATS_TEST_TMPDIR/in"
	stop_sandbox
	# The first refund, and the second ticket's, are dropped once applied.
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults 'nth=1:drop-after,nth=4:drop-after'
	run -0 --separate-stderr tkt-close -P 1 -v --refund --reason ITEM_IS_DAMAGED "$BATS_TEST_TMPDIR/in"
	[[ "$stderr" == *"PUT /api/v3/orders/"*"/refund failed"* ]]
	[[ "$stderr" == *"GET /api/v3/orders/"*" 200"* ]]
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok and
	    ([.result.steps[].action] | .[-1] == "close"))'
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	# Once each: one change to REFUNDED per order in the store's history.
	for o in $(jq -r '.orders[].id' "$BATS_TEST_TMPDIR/in"); do
		[ "$(jq -r --arg o "$o" '.orders[]? | select(.id == $o) | .state' "$STORE" |
		    uniq | grep -c REFUNDED)" -eq 1 ]
	done
	run -0 tkt-close --refund --reason ITEM_IS_DAMAGED "$BATS_TEST_TMPDIR/in"
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.skipped)'
}

@test "each record goes to its own store: a v2 and a v3 sandbox in one pipeline" {
	local v2url=$SANDBOX_URL v2pid=$SANDBOX_PID
	start_sandbox -d "$BATS_TEST_TMPDIR/eu.jsonl" --seed 8 --tickets 40 --now "$TEST_NOW" --token eu-token
	local v3url=$SANDBOX_URL
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod 600 "$HOME/token"
	write_config <<YAML
default_store: shop
stores:
  shop:
    api: v2
    url: $v2url
    token_file: ~/token
  eu:
    api: v3
    url: $v3url
    token_env: EU_TOKEN
YAML
	unset TKT_API TKT_API_URL TKT_TOKEN
	export EU_TOKEN=eu-token
	tkt-list -s shop,eu --limit 200 | jq -c 'select(.store == "shop")' | head -n 2 >"$BATS_TEST_TMPDIR/in"
	tkt-list -s eu | head -n 2 >>"$BATS_TEST_TMPDIR/in"
	[ "$(jq -r .store "$BATS_TEST_TMPDIR/in" | tr '\n' ' ')" = "shop shop eu eu " ]
	run -0 --separate-stderr tkt-reply -v -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$stderr" | grep -c 'POST /api/v2/ticket/reply 200')" -eq 2 ]
	[ "$(printf '%s\n' "$stderr" | grep -c 'POST /api/v3/tickets/.*/replies 200')" -eq 2 ]
	printf '%s\n' "$output" | jq -e -s 'length == 4 and all(.[]; .result.ok)'
	[ "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | cut -f 1 | sort | tr '\n' ' ')" = "eu eu shop shop " ]
	run -0 bash -c "tkt-list -s shop,eu - <'$BATS_TEST_TMPDIR/in' | jq -r '.state'"
	[ "$(echo $output)" = "AWAITING_USER AWAITING_USER AWAITING_USER AWAITING_USER" ]
	# A record naming a store the config does not have fails alone.
	jq -c '.store = "us"' "$BATS_TEST_TMPDIR/in" | head -n 1 >"$BATS_TEST_TMPDIR/us"
	run -1 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/us"
	[[ "$stderr" == *": the record's store 'us' is not in the config" ]]
	stop_sandbox
	SANDBOX_PID=$v2pid
}

@test "v3: --resolve -P 8 through 23 % failing writes (500s, 429s that alone carry rate headers, cuts after applying): 100 tickets, one reply each, and a re-run sends nothing (make soak: 400)" {
	only_api v3 "the rate headers on 429s only are v3's"
	reply_soak_429 100
}

# The summary line (tkt-reply(1), SUMMARY).

@test "summary: on a terminal always; from a pipe only when something failed, or with --summary" {
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	run -0 on_tty "tkt-reply -m '$TEXT' '$BATS_TEST_TMPDIR/in' >/dev/null"
	[[ "$output" == *"tkt-reply: 3 sent, 0 already done, 0 failed"$'\r' ]]
	# Sent already: a pipe hears nothing, --summary says it was done before.
	run -0 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ -z "$stderr" ]
	run -0 --separate-stderr tkt-reply --summary -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: 0 sent, 3 already done, 0 failed" ]
	[ "$(printf '%s\n' "$output" | jq -s 'map(select(.result.skipped)) | length')" -eq 3 ]
	# A dry run counts what it would send.
	awaiting 5 | tail -n 2 >"$BATS_TEST_TMPDIR/more"
	run -0 --separate-stderr tkt-reply -n --summary -m "$TEXT" "$BATS_TEST_TMPDIR/in" "$BATS_TEST_TMPDIR/more"
	[ "$stderr" = "tkt-reply: 2 would be sent, 3 already done, 0 failed" ]
}

@test "summary: a re-run counts what the journal has as already done; failures by reason, the most first" {
	awaiting 6 >"$BATS_TEST_TMPDIR/six"
	head -n 4 "$BATS_TEST_TMPDIR/six" >"$BATS_TEST_TMPDIR/in"
	# Records that say the buyer has the last word (v2 lists no others).
	replied=$(tail -n 2 "$BATS_TEST_TMPDIR/six" | jq -c '.state = "AWAITING_USER"')
	head -n 2 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/half"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/half"
	[ "$(printf '%s\n' "$replied" | wc -l)" -eq 2 ]
	# 2 done before, 2 to send, 2 not awaiting the merchant, 1 bad id.
	{ cat "$BATS_TEST_TMPDIR/in"; printf '%s\n' "$replied"; echo '{"id": 1}'; } >"$BATS_TEST_TMPDIR/all"
	run -1 --separate-stderr tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/all"
	[ "${stderr_lines[-1]}" = "tkt-reply: 2 sent, 2 already done, 3 failed: 2 not awaiting the merchant, 1 the record has no valid \"id\"" ]
	printf '%s\n' "$output" | jq -e -s '[.[].result | select(.ok == false) | .error.kind] == ["local", "local", "local"]'
}

@test "the same error for many records is said once, then counted with the host; each record keeps its own error" {
	awaiting 4 | jq -r .id >"$BATS_TEST_TMPDIR/ids"
	local url=$SANDBOX_URL host first
	host=$(host_of "$url")
	first=$(head -n 1 "$BATS_TEST_TMPDIR/ids")
	stop_sandbox
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/ids"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/ids:1: ticket $first: Couldn't connect to server
tkt-reply: the same error for 4 records (3 not repeated above): $host: Couldn't connect to server
tkt-reply: 0 sent, 0 already done, 4 failed: Couldn't connect to server" ]
	[ "${#lines[@]}" -eq 4 ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.error == {kind: "network", message: "Couldn'"'"'t connect to server"})'
}

@test "a -m text the policy refuses for every record is said once, with the count" {
	awaiting 60 | jq -c 'select(.locale == "en")' | head -n 3 >"$BATS_TEST_TMPDIR/in"
	local bad="Please write to me at my email address instead." id
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in" | head -n 1)
	run -1 --separate-stderr tkt-reply -m "$bad" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-reply: $BATS_TEST_TMPDIR/in:1: ticket $id: the reply sends the buyer off the marketplace: \"write to me at\" (lint/en:30; --no-check sends it anyway)
tkt-reply: the same error for 3 records (2 not repeated above): the reply sends the buyer off the marketplace: \"write to me at\" (lint/en:30; --no-check sends it anyway)
tkt-reply: 0 sent, 0 already done, 3 failed: the reply sends the buyer off the marketplace" ]
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.error.kind == "local" and (.result.error.message | startswith("the reply sends the buyer off")))'
}

@test "the progress line counts records done before as skipped, not done" {
	sandbox_slow() { stop_sandbox; start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "slow=300@$(at reply)"; }
	awaiting 3 >"$BATS_TEST_TMPDIR/in"
	head -n 1 "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one"
	run -0 tkt-reply -m "$TEXT" "$BATS_TEST_TMPDIR/one"
	sandbox_slow
	run -0 on_tty "tkt-reply -m '$TEXT' '$BATS_TEST_TMPDIR/in' >/dev/null"
	re=$'\r\033\\[K'"tkt-reply: [0-9] done, 1 skipped, 0 failed, [0-9]+/s"
	[[ "$output" =~ $re ]]
	[[ "$output" == *"tkt-reply: 2 sent, 1 already done, 0 failed"$'\r' ]]
}

@test "-t with a template whose match does not fit the ticket warns; --strict refuses it (kind local)" {
	local o p
	o=$(awaiting 60 | jq -c 'select(.sub_label != null and .sub_label != "Change Size or Color")' | head -n 1)
	p=$(jq -r .id <<<"$o")
	[ -n "$p" ]
	desc=$(jq -r '"type \(.type), sub_label \(.sub_label)"' <<<"$o")
	run -0 --separate-stderr tkt-reply -n -t change-size-color <<<"$o"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $p: template change-size-color does not match this ticket ($desc)" ]
	printf '%s\n' "$output" | jq -e '.result.ok'
	run -1 --separate-stderr tkt-reply -n --strict -t change-size-color <<<"$o"
	[ "$stderr" = "tkt-reply: <stdin>:1: ticket $p: template change-size-color does not match this ticket ($desc): --strict refuses it
tkt-reply: 0 would be sent, 0 already done, 1 failed: template change-size-color does not match this ticket" ]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.kind == "local"'
	run -2 --separate-stderr tkt-reply --strict -m "$TEXT" <<<"$p"
	[ "$stderr" = "tkt-reply: --strict goes with -t" ]
	# A template without match rules is for -t alone: no warning.
	run -0 --separate-stderr tkt-reply -n -t polite-close <<<"$o"
	[ -z "$stderr" ]
}

# -i: each reply reviewed on the terminal (tkt-reply(1), Reviewing).

# on_tty_feed ANSWERS COMMAND: runs the shell command COMMAND on a terminal
# (script(1), as on_tty) and types ANSWERS on it, each word a line, half a
# second apart, so that each answers its own question; the terminal's
# input ends after the last.  Bounded like on_tty.
on_tty_feed() {
	local answers=$1 a
	{
		for a in $answers; do
			sleep 0.5
			printf '%s\n' "$a"
		done
		sleep 0.5
	} | SHELL=/bin/sh timeout -k 5 60 script -qec "$2" /dev/null
}

# asked OUTPUT ID: the terminal showed ticket ID's review; not_asked: it did not.
asked() {
	[[ "$1" == *"ticket $2 "* ]]
}
not_asked() {
	[[ "$1" != *"ticket $2 "* ]]
}

@test "-i: s sends, k skips (kind skipped, not journalled), q skips this and every later record; exit 1; a re-run asks again" {
	local ids out="$BATS_TEST_TMPDIR/out"
	awaiting 4 >"$BATS_TEST_TMPDIR/in"
	ids=($(jq -r .id "$BATS_TEST_TMPDIR/in"))
	run -1 on_tty_feed "s k q" "tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/in' >'$out'"
	asked "$output" "${ids[0]}"
	asked "$output" "${ids[1]}"
	asked "$output" "${ids[2]}"
	not_asked "$output" "${ids[3]}"
	[[ "$output" == *"send, edit, skip, quit? [s/e/k/q] "* ]]
	[[ "$output" == *"    $TEXT"* ]]
	[[ "$output" == *"tkt-reply: 1 sent, 0 already done, 0 failed; 3 skipped at review"* ]]
	diff <(printf '%s\n' "${ids[@]}") <(jq -r .id "$out")
	jq -e -s '.[0].result.ok == true and
	    all(.[1:][]; .result.ok == false and .result.error.kind == "skipped") and
	    .[1].result.error.message == "not sent: skipped at review" and
	    all(.[2:][]; .result.error.message == "not sent: the review was quit")' "$out"
	[ "$(ours "${ids[0]}")" -eq 1 ]
	for id in "${ids[@]:1}"; do [ "$(ours "$id")" -eq 0 ]; done
	# Only the reply sent is journalled; nothing is left open.
	[ "$(jdone)" -eq 1 ]
	[ "$(jopen)" -eq 0 ]
	# Again: the one sent is the journal's (not asked), the rest asked again.
	run -0 on_tty_feed "s s s" "tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/in' >'$out'"
	not_asked "$output" "${ids[0]}"
	for id in "${ids[@]:1}"; do asked "$output" "$id"; done
	jq -e -s '.[0].result.skipped == true and all(.[]; .result.ok)' "$out"
	answered "$BATS_TEST_TMPDIR/in" AWAITING_USER
}

@test "tkt-reply(1)'s -i example runs as written on a terminal: a quit at the first question sends nothing, every record out skipped" {
	local ex
	# The line after the man page's "not run" mark: it needs a terminal,
	# which on_tty_feed gives it, with the answer typed.
	ex=$(awk '/^\.\\" not run: needs a person at a terminal/ { getline; sub(/^\.Dl /, ""); print; exit }' \
	    "$TKT_ROOT/man/tkt-reply.1")
	[ "$ex" = "tkt-list | tkt-template render --auto | tkt-reply -i >sent.jsonl" ]
	export TKT_NOW="$TEST_NOW"
	cd "$BATS_TEST_TMPDIR"
	run -1 on_tty_feed "q" "$ex"
	[[ "$output" == *"send, edit, skip, quit? [s/e/k/q] "* ]]
	[ "$(wc -l <sent.jsonl)" -gt 0 ]
	jq -e -s 'all(.[]; .result.ok == false)' sent.jsonl
	# Those render left without a reply fail first; every other is skipped.
	jq -e -s 'all(.[]; .result.error.kind == "skipped" or
	    (.result.error.kind == "local" and .reply.error != null))' sent.jsonl
	[ "$(jq -c 'select(.result.error.kind == "skipped")' sent.jsonl | wc -l)" -gt 0 ]
	[ "$(jq -c 'select(.result.error.message == "not sent: the review was quit")' sent.jsonl | wc -l)" -gt 0 ]
	[ "$(jdone)" -eq 0 ]
}

@test "-i: e edits the text in \$EDITOR; it is sent as edited, the record's reply.text replaced and its spans dropped" {
	tmpl_dir
	awaiting 1 | tkt-template render -t hi >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	jq -e '(.reply.spans | length) > 0' "$BATS_TEST_TMPDIR/in"
	was=$(jq -r .reply.text "$BATS_TEST_TMPDIR/in")
	now=${was/Hello/Hi}
	printf '#!/bin/sh\nsed -i s/Hello/Hi/ "$1"\n' >"$BATS_TEST_TMPDIR/ed"
	chmod +x "$BATS_TEST_TMPDIR/ed"
	run -0 on_tty_feed "e s" "VISUAL= EDITOR='$BATS_TEST_TMPDIR/ed' tkt-reply -i <'$BATS_TEST_TMPDIR/in' >'$BATS_TEST_TMPDIR/out'"
	[[ "$output" == *"  template  hi"* ]]
	[[ "$output" == *"  text (edited)"*"    $now"* ]]
	[ "$(ours "$id" "$now")" -eq 1 ]
	[ "$(ours "$id" "$was")" -eq 0 ]
	jq -e --arg t "$now" '.result.ok and .reply.text == $t and .reply.edited and
	    (.reply | has("spans") | not) and .reply.template == "hi"' "$BATS_TEST_TMPDIR/out"
}

@test "-i: an edited text the policy refuses is shown refused and asked about again; e mends the draft; VISUAL wins over EDITOR" {
	awaiting 1 >"$BATS_TEST_TMPDIR/in"
	id=$(jq -r .id "$BATS_TEST_TMPDIR/in")
	# The first edit adds a link; the second, on that draft, takes it out.
	cat >"$BATS_TEST_TMPDIR/ed" <<'SH'
#!/bin/sh
if grep -q example-shop "$1"; then
	sed -i 's/ See www.example-shop.com./ See our shop./' "$1"
else
	sed -i 's/$/ See www.example-shop.com./' "$1"
fi
SH
	chmod +x "$BATS_TEST_TMPDIR/ed"
	run -0 on_tty_feed "e e s" "VISUAL='$BATS_TEST_TMPDIR/ed' EDITOR=false tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/in' >'$BATS_TEST_TMPDIR/out'"
	[[ "$output" == *'refused: the reply sends the buyer off the marketplace: "www.example-shop.com"'* ]]
	[ "$(ours "$id" "$TEXT See our shop.")" -eq 1 ]
	[ "$(ours "$id" "$TEXT See www.example-shop.com.")" -eq 0 ]
	jq -e --arg t "$TEXT See our shop." '.result.ok and .reply.text == $t' "$BATS_TEST_TMPDIR/out"
	# A placeholder left in an edit is refused too; q sends nothing.
	printf '#!/bin/sh\nsed -i "s/$/ {{buyer.name}}/" "$1"\n' >"$BATS_TEST_TMPDIR/ed2"
	chmod +x "$BATS_TEST_TMPDIR/ed2"
	awaiting 2 | tail -n 1 >"$BATS_TEST_TMPDIR/in2"
	run -1 on_tty_feed "e q" "EDITOR='$BATS_TEST_TMPDIR/ed2' tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/in2' >/dev/null"
	[[ "$output" == *'refused: a placeholder is left unrendered: "{{buyer.name}}"'* ]]
	[ "$(ours "$(jq -r .id "$BATS_TEST_TMPDIR/in2")")" -eq 0 ]
}

@test "-i without a terminal is a usage error (exit 2), as is -i with -n; nothing is sent" {
	id=$(awaiting 1 | jq -r .id)
	run -2 --separate-stderr setsid -w tkt-reply -i -m "$TEXT" <<<"$id"
	[ -z "$output" ]
	[[ "$stderr" == "tkt-reply: -i asks about each reply on the terminal, and there is none: /dev/tty: "* ]]
	run -2 --separate-stderr tkt-reply -i -n -m "$TEXT" <<<"$id"
	[ "$stderr" = "tkt-reply: -i and -n exclude each other: a dry run sends nothing to review" ]
	[ "$(ours "$id")" -eq 0 ]
}

@test "-i: bare ids are asked about once their tickets are read; SIGINT at a question stops the run (kind interrupted, exit 130)" {
	local ids out="$BATS_TEST_TMPDIR/out"
	awaiting 3 | jq -r .id >"$BATS_TEST_TMPDIR/ids"
	ids=($(cat "$BATS_TEST_TMPDIR/ids"))
	run -130 bash -c "{ sleep 0.5; printf 's\n'; sleep 0.5; printf '\003'; sleep 1; } |
	    SHELL=/bin/sh timeout -k 5 60 script -qec \"exec tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/ids' >'$out'\" /dev/null"
	asked "$output" "${ids[0]}"
	asked "$output" "${ids[1]}"
	[[ "$output" == *"tkt-reply: stopped (interrupted by SIGINT): 1 sent"* ]]
	jq -e -s '.[0].result.ok and .[1].result.ok == false and
	    .[1].result.error.kind == "interrupted"' "$out"
	[ "$(ours "${ids[0]}")" -eq 1 ]
	[ "$(ours "${ids[1]}")" -eq 0 ]
	[ "$(jopen)" -eq 0 ]
}

@test "-i: a reply answered s is sent, and its record written, while the next question waits" {
	local ids out="$BATS_TEST_TMPDIR/out" early="$BATS_TEST_TMPDIR/early"
	awaiting 2 >"$BATS_TEST_TMPDIR/in"
	ids=($(jq -r .id "$BATS_TEST_TMPDIR/in"))
	# Each reply takes 300 ms at the server; the second question waits 2 s.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "slow=300@$(at reply)"
	run -0 bash -c "{ sleep 0.5; printf 's\n'; sleep 2; jq -r .id '$out' >'$early'; printf 's\n'; sleep 0.5; } |
	    SHELL=/bin/sh timeout -k 5 60 script -qec \"tkt-reply -i -m '$TEXT' <'$BATS_TEST_TMPDIR/in' >'$out'\" /dev/null"
	[ "$(cat "$early")" = "${ids[0]}" ]
	answered "$BATS_TEST_TMPDIR/in"
}
