#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# tkt-list: listing, ids, filters, output forms, every error a user can hit.

load test_helper

setup_file() {
	listing_sandbox
}

teardown_file() {
	stop_sandbox
}

setup() {
	export TKT_NOW="$TEST_NOW"
}

teardown() {
	reap_sandboxes
	stop_fake
	if [ -n "${FAKE2_PID:-}" ]; then
		kill "$FAKE2_PID" 2>/dev/null
		wait "$FAKE2_PID" 2>/dev/null
	fi
}

# shop_config MODE: a config of one store, shop, on the sandbox, its token
# ($TEST_TOKEN) in ~/token of mode MODE.
shop_config() {
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod "$1" "$HOME/token"
	write_config <<YAML
stores:
  shop:
    url: $SANDBOX_URL
    token_file: ~/token
YAML
}

# store_of N: a sandbox store file of N tickets, all awaiting the merchant,
# each updated a second before the one before it (v3 pages by that time).
store_of() {
	local n=$1 f="$BATS_TEST_TMPDIR/store.$1.jsonl" pid i
	# The seed once: a sandbox started when it exists already would be
	# killed at once, maybe before its exec, and the kill lost.
	if [ ! -s "$BATS_TEST_TMPDIR/seed.jsonl" ]; then
		tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR/seed.jsonl" --seed 5 \
		    --tickets 1 --now "$TEST_NOW" >/dev/null 2>&1 &
		pid=$!
		for i in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/seed.jsonl" ] && break; sleep 0.02; done
		kill "$pid"; wait "$pid" 2>/dev/null || true
	fi
	head -n 1 "$BATS_TEST_TMPDIR/seed.jsonl" >"$BATS_TEST_TMPDIR/one.jsonl"
	jq -c --argjson n "$n" 'range($n) as $i |
	    .id = ("aaaaaaaaaaaaaaaa" + ("00000000" + ($i|tostring))[-8:]) |
	    .state = "AWAITING_MERCHANT" |
	    .updated_at = ((.updated_at | fromdate) - $i | todate)' "$BATS_TEST_TMPDIR/one.jsonl" >"$f"
	echo "$f"
}

# v3_tickets N [TIME] [STATE]: N v3 ticket objects, one a line, ids
# 6b000…0000 to 6b000…N-1; TIME is a jq expression of $i giving the
# ticket's updated_at in Unix seconds (default: a second apart, newest
# first), STATE one of $i (default AWAITING_MERCHANT).  Times are sent
# with milliseconds and a +02:00 offset, as v3 does.
v3_tickets() {
	local time=${2:-'1795000000 - $i'} state=${3:-'"AWAITING_MERCHANT"'}
	jq -nc --argjson n "$1" '
	    def v3time: . + 7200 | todate | sub("Z$"; ".250+02:00");
	    range($n) as $i
	    | (('"$time"') | v3time) as $t
	    | {id: ("6b" + ("0000000000000000000000" + ($i | tostring))[-22:]),
	       type: (["ORDER", "PRE_PURCHASE", "POST_CUSTOMER_SUPPORT"][$i % 3]),
	       state: ('"$state"'),
	       subject: "Ticket \($i)", sub_label: null, opened_at: $t,
	       updated_at: $t, merchant_id: "m1", resolution_info: {},
	       orders: [], products: [],
	       buyer_info: {locale: "en", name: "Buyer \($i)"},
	       refund_reason: null,
	       replies: [{message: "Hello", replied_at: $t, sender: "USER",
	           supporting_files: []}]}'
}

# serve_v3 N [TIME] [STATE]: a fake v3 store of those tickets; TKT_API=v3.
serve_v3() {
	v3_tickets "$@" >"$BATS_TEST_TMPDIR/tickets.jsonl"
	printf '/api/v3/tickets\t200\tV3STORE:tickets.jsonl\n' >"$BATS_TEST_TMPDIR/v3.routes"
	start_fake "$BATS_TEST_TMPDIR/v3.routes"
	export TKT_API=v3
}

@test "lists every ticket awaiting an answer across pages of 0, 1, 100, 101, 500, 501 and 1234" {
	local n f
	for n in 0 1 100 101 500 501 1234; do
		f=$(store_of "$n")
		start_sandbox -d "$f" --now "$TEST_NOW"
		run -0 bash -c 'tkt-list | jq -r .id | sort | uniq | wc -l'
		stop_sandbox
		[ "$output" -eq "$n" ] || { echo "want $n, got $output"; return 1; }
	done
}

@test "prints one compact record per line with store, api and the deadline" {
	run -0 --separate-stderr tkt-list --limit 20
	[ "${#lines[@]}" -eq 20 ]
	printf '%s\n' "$output" | jq -e -s --arg api "$TKT_TEST_API" 'all(.[]; .store == "env" and
	    .api == $api and .type_inferred == ($api == "v2") and
	    .state == "AWAITING_MERCHANT" and
	    (.due_at == null or ((.due_at | fromdate) - (.waiting_since | fromdate) == 172800)))'
}

@test "the first record comes out and tkt-list ends quietly when head closes the pipe" {
	run -0 --separate-stderr bash -c 'tkt-list | head -n 1'
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e .id
}

@test "turns v2's wrappers, strings, zone-less times and image_urls forms into the record" {
	only_api v2 "v2's quirks; v3's forms have tests of their own below"
	start_fake "$FIXTURES/list/quirks.routes"
	run -0 --separate-stderr env TKT_NOW=2015-03-09T12:00:00Z tkt-list
	diff <(printf '%s\n' "$output") "$FIXTURES/list/quirks.golden"
	[ "$stderr" = "tkt-list: unknown ticket state 'Under Review' (given as UNKNOWN, with state_raw)" ]
}

@test "--raw adds the API's own ticket object byte for byte" {
	if [ "$TKT_TEST_API" = v2 ]; then
		start_fake "$FIXTURES/list/quirks.routes"
		run -0 --separate-stderr tkt-list --raw --limit 1
		[ "$(printf '%s' "$output" | jq -c .raw.items[0].Order.quantity)" = '"2"' ]
		[[ "$output" == *'"raw":{"id":"54f8ecd2f0812a0000000001","transaction_id"'* ]]
		return
	fi
	local id body
	id=$(tkt-list --limit 1 | jq -r .id)
	body=$(curl -sS -H "Authorization: Bearer $TKT_TOKEN" "$TKT_API_URL/api/v3/tickets/$id")
	body=${body#'{"code":0,"data":'}
	body=${body%',"message":""}'}
	run -0 --separate-stderr tkt-list --raw "$id"
	[[ "$output" == *",\"raw\":$body}" ]]
	[ "$(printf '%s' "$output" | jq -r .raw.id)" = "$id" ]
}

@test "--raw keeps each record on one line when the API breaks lines inside a ticket" {
	jq . "$FIXTURES/list/same.v3.json" >"$BATS_TEST_TMPDIR/pretty.json"
	printf '/api/v3/tickets?limit=500&sort_by=updated_at.desc\t200\tpretty.json\n' \
	    >"$BATS_TEST_TMPDIR/pretty.routes"
	start_fake "$BATS_TEST_TMPDIR/pretty.routes"
	run -0 --separate-stderr env TKT_API=v3 tkt-list --json -A --raw
	[ "${#lines[@]}" -eq 4 ]
	# Each line is a record whose raw is the ticket as the API sent it.
	diff <(printf '%s\n' "$output" | jq -c .raw) <(jq -c '.data[]' "$BATS_TEST_TMPDIR/pretty.json")
	[[ "${lines[0]}" =~ \"raw\":\{\ +\"id\":\ \"6a1b ]]
}

@test "a lone surrogate escape from the API is written as U+FFFD, one a byte: every line out is UTF-8" {
	sed 's/"Adres wijzigen"/"Adres \\udc00 wijzigen"/' "$FIXTURES/list/same.v3.json" >"$BATS_TEST_TMPDIR/page.json"
	grep -q 'udc00' "$BATS_TEST_TMPDIR/page.json"
	printf '/api/v3/tickets?limit=500&sort_by=updated_at.desc\t200\tpage.json\n' \
	    >"$BATS_TEST_TMPDIR/page.routes"
	start_fake "$BATS_TEST_TMPDIR/page.routes"
	run -0 --separate-stderr env TKT_API=v3 tkt-list --json -A
	printf '%s\n' "$output" | python3 -c 'import sys; sys.stdin.buffer.read().decode("utf-8")'
	[ "$(printf '%s\n' "$output" | jq -r 'select(.id == "6a1b00000000000000000003") | .subject')" = $'Adres \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd wijzigen' ]
}

@test "text from a server or a buyer reaches a person escaped (table, --thread, messages, -v), and JSON as it came" {
	local d="$BATS_TEST_TMPDIR/hostile" bad=6b0000000000000000000bad
	mkdir -p "$d"
	# ESC (C0), CSI as U+009B (C1), DEL and BEL, a newline and a tab.
	v3_tickets 1 | jq -c '.subject = "Red \u001b[31malert\u001b[0m\u007f" |
	    .buyer_info.name = "Eve\u009b2J" |
	    .replies[0].message = "one\ntwo\tthree\u001b]0;title\u0007"' |
	    jq -sc '{code: 0, message: "", data: .}' >"$d/page.json"
	printf '{"code":1004,"message":"No \\u001b[2J ticket","data":{}}\n' >"$d/gone.json"
	printf '/api/v3/tickets/%s\t400\tgone.json\tWish-Request-Id: r\033[5m1\n' "$bad" >"$d/routes"
	printf '/api/v3/tickets\t200\tpage.json\n' >>"$d/routes"
	start_fake "$d/routes"
	export TKT_API=v3
	run -0 --separate-stderr tkt-list --table
	[[ "${lines[1]}" == *'  Red \033[31malert\033[0m\177' ]]
	run -0 --separate-stderr tkt-list --thread
	[[ "$output" == *$'\nSubject: Red \\033[31malert\\033[0m\\177\n'* ]]
	[[ "$output" == *$'buyer · Eve\\302\\2332J\n    one\n    two\tthree\\033]0;title\\007'* ]]
	[[ "$output" != *$'\e'* ]]
	# JSON lines carry the text as Wish sent it.
	run -0 --separate-stderr tkt-list --json
	[ "$(printf '%s' "$output" | jq -r .subject)" = $'Red \e[31malert\e[0m\x7f' ]
	# The envelope's message and the request id, in the message and in -v.
	run -1 --separate-stderr tkt-list -v "$bad"
	[ -z "$output" ]
	[[ "$stderr" == *"request-id=r\\033[5m1 "* ]]
	[[ "$stderr" == *"tkt-list: ticket $bad: No \\033[2J ticket (code 1004, HTTP 400) (request id r\\033[5m1)" ]]
	[[ "$stderr" != *$'\e'* ]]
	# Bytes that are not UTF-8 are escaped one by one.
	run -1 --separate-stderr tkt-list $'\xff\xc3('
	[ "$stderr" = "tkt-list: not a ticket id: '\\377\\303('" ]
}

@test "a table with a header on --table, and the conversation with translations on --thread" {
	run -0 tkt-list --table --limit 3
	# The default listing's tickets all await the merchant: no STATE.
	[[ "${lines[0]}" == ID*TYPE*LOCALE*WAITING*DUE*SUBJECT ]]
	[[ "${lines[0]}" != *STATE* ]]
	[ "${#lines[@]}" -eq 4 ]
	if [ "$TKT_TEST_API" = v3 ]; then
		# v3 carries no translations: the thread shows the messages.
		serve_v3 1
		run -0 --separate-stderr tkt-list --thread
		[[ "$output" == *"Subject: Ticket 0"* ]]
		[[ "$output" == *"buyer · Buyer 0"*"Hello"* ]]
		[[ "$output" != *"[translation]"* ]]
		return
	fi
	start_fake "$FIXTURES/list/quirks.routes"
	run -0 --separate-stderr env TKT_NOW=2015-03-09T12:00:00Z tkt-list --thread --limit 1
	[[ "$output" == *"Subject: Solicitar Reembolso/ Cancelar Pedido"* ]]
	[[ "$output" == *"Quero meu reembolso"* ]]
	[[ "$output" == *"[translation]"*"I want my refund"* ]]
	[[ "$output" == *"WISH_SUPPORT"* ]]
	[[ "$output" == *"overdue"* ]]
}

@test "--json forces JSON lines and NO_COLOR leaves colours out of a table" {
	run -0 tkt-list --json --limit 1
	printf '%s\n' "$output" | jq -e .id
	run -0 env NO_COLOR=1 tkt-list --table --overdue --limit 2
	[[ "$output" != *$'\033'* ]]
}

# wide_store: a sandbox store file of six tickets awaiting the merchant,
# ids ccc…0 to ccc…5: subjects in Japanese, Chinese, emoji (a ZWJ family,
# a skin tone, a flag), combining accents (e + U+0301), fullwidth Latin,
# and a short one; the first overdue by 3d21h, the second due in 1d3h
# (the sla is 48h).
wide_store() {
	local f="$BATS_TEST_TMPDIR/wide.jsonl"
	store_of 1 >/dev/null
	jq -c '[
	    "商品がまだ届いていません。注文番号を確認して、至急発送状況を教えてください。よろしくお願いします",
	    "我的订单还没有收到，请尽快告诉我物流信息和预计到达时间，谢谢您的帮助，非常感谢您的耐心回复",
	    "Package 📦 arrived broken 😡 👍🏽 my family 👨‍👩‍👧 cried 🇫🇷 🎉🎉🎉 please refund now, thank you so much",
	    "Re\u0301clamation: la commande ne\u0301e\u0301 a\u0300 Noe\u0308l n’\u0065\u0301tait pas la bonne, remboursez-moi",
	    "ＦＵＬＬＷＩＤＴＨ　ｓｕｂｊｅｃｔ　ｉｓ　ｔｗｏ　ｃｏｌｕｍｎｓ　ａ　ｃｈａｒａｃｔｅｒ",
	    "Hi"] as $s |
	    ["2026-11-17T15:00:00Z", "2026-11-22T15:00:00Z"] as $t |
	    range(6) as $i |
	    ($t[$i] // "2026-11-23T10:00:00Z") as $at |
	    .id = ("cccccccccccccccccccccc0" + ($i | tostring)) |
	    .state = "AWAITING_MERCHANT" | .subject = $s[$i] |
	    .opened_at = $at | .updated_at = $at |
	    .replies = [.replies[0] | .at = $at | .sender = "USER"]' \
	    "$BATS_TEST_TMPDIR/one.jsonl" >"$f"
	echo "$f"
}

# check_table COLUMNS STORE TABLE: every line of the table in the file
# TABLE (colours and returns taken out) is at most COLUMNS display columns
# (East Asian Wide and Fullwidth 2, combining and zero-width 0, else 1);
# each row's subject, from the header's SUBJECT column on, is the ticket's
# subject in STORE whole, or a start of it that ends between two
# characters (not before a mark or another joining character, not after a
# ZWJ, not inside a flag) followed by "…".  Prints the rows cut, by id.
check_table() {
	python3 - "$@" <<'PY'
import json, re, sys, unicodedata as u
cols, store, table = int(sys.argv[1]), sys.argv[2], sys.argv[3]
subj = {}
for l in open(store, encoding="utf-8"):
    r = json.loads(l)
    subj[r["id"]] = r["subject"]
def zero(c):
    o = ord(c)
    return (u.combining(c) or u.category(c) in ("Mn", "Me", "Cf") or
        0xfe00 <= o <= 0xfe0f or 0x1f3fb <= o <= 0x1f3ff)
def w(c):
    if zero(c):
        return 0
    return 2 if u.east_asian_width(c) in ("W", "F") else 1
def width(s):
    return sum(w(c) for c in s)
def ri(c):
    return 0x1f1e6 <= ord(c) <= 0x1f1ff
text = open(table, "rb").read().decode("utf-8")   # strict: no byte cut
lines = [re.sub(r"\x1b\[[0-9;]*m", "", l).rstrip("\r")
    for l in text.split("\n") if l.strip("\r")]
start = lines[0].index("SUBJECT")
cut = []
for l in lines:
    assert width(l) <= cols, "%d columns: %s" % (width(l), l)
for l in lines[1:]:
    id = l.split(" ")[0]
    i = n = 0
    while n < start:
        n += w(l[i]); i += 1
    got, want = l[i:], subj[id]
    if got == want:
        continue
    assert got.endswith("…") and want.startswith(got[:-1]), (got, want)
    p, rest = got[:-1], want[len(got) - 1:]
    assert not zero(rest[0]), "cut before a joining character: %r" % got
    assert not p or p[-1] != "\u200d", "cut after a ZWJ: %r" % got
    assert not (p and ri(p[-1]) and ri(rest[0]) and
        sum(map(ri, p[-2:])) % 2 == 1), "cut inside a flag: %r" % got
    cut.append(id)
print(" ".join(cut))
PY
}

@test "the table fits 80 and 160 columns by display width: CJK, emoji and accents cut whole with …, the same under LC_ALL=C and C.UTF-8" {
	local f
	f=$(wide_store)
	start_sandbox -d "$f" --now "$TEST_NOW"
	COLUMNS=80 tkt-list --table >"$BATS_TEST_TMPDIR/t80"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/t80")" -eq 7 ]
	run -0 check_table 80 "$f" "$BATS_TEST_TMPDIR/t80"
	# Every long subject is cut at 80; "Hi" is not.
	[ "$(tr ' ' '\n' <<<"$output" | sort | tr '\n' ' ')" = "$(printf 'cccccccccccccccccccccc0%s ' 0 1 2 3 4)" ]
	COLUMNS=160 tkt-list --table >"$BATS_TEST_TMPDIR/t160"
	run -0 check_table 160 "$f" "$BATS_TEST_TMPDIR/t160"
	[ "$(tr ' ' '\n' <<<"$output" | sort | tr '\n' ' ')" = "$(printf 'cccccccccccccccccccccc0%s ' 0 1 2 4)" ]
	# Cut at every width from 80 to 140: the cut lands on each place of the
	# subjects, beside a skin tone, in a ZWJ sequence, in a flag, on a mark.
	for c in $(seq 81 140); do
		COLUMNS=$c tkt-list --table >"$BATS_TEST_TMPDIR/t"
		check_table "$c" "$f" "$BATS_TEST_TMPDIR/t" >/dev/null
	done
	# WAITING is there at 160, and left out at 80 to leave the subject room.
	[[ "$(head -n 1 "$BATS_TEST_TMPDIR/t160")" == "ID"*"TYPE"*"LOCALE"*"WAITING"*"DUE"*"SUBJECT" ]]
	[[ "$(head -n 1 "$BATS_TEST_TMPDIR/t80")" == "ID"*"TYPE"*"LOCALE"*"DUE"*"SUBJECT" ]]
	[[ "$(head -n 1 "$BATS_TEST_TMPDIR/t80")" != *"WAITING"* ]]
	# The widths come from tkt's own table, not from the locale.
	if locale -a 2>/dev/null | grep -qix 'c\.utf-\?8'; then
		COLUMNS=80 LC_ALL=C.UTF-8 tkt-list --table | cmp - "$BATS_TEST_TMPDIR/t80"
	fi
}

@test "the table's DUE column holds \"overdue 3d21h\" with the subject still in its column" {
	local f
	f=$(wide_store)
	start_sandbox -d "$f" --now "$TEST_NOW"
	run -0 bash -c 'COLUMNS=160 tkt-list --table | grep -E "^c+0[01] "'
	[[ "$output" == *"cccccccccccccccccccccc00  ORDER         fr      Nov 17 15:00  overdue 3d21h  商品が"* ]]
	[[ "$output" == *"cccccccccccccccccccccc01  ORDER         fr      Nov 22 15:00  in 1d3h        我的"* ]]
	# Every row's subject starts where the header's SUBJECT does.
	COLUMNS=160 tkt-list --table >"$BATS_TEST_TMPDIR/t"
	check_table 160 "$f" "$BATS_TEST_TMPDIR/t"
}

@test "on a terminal the table fits COLUMNS=80, its colours taking no room" {
	local f
	f=$(wide_store)
	start_sandbox -d "$f" --now "$TEST_NOW"
	run -0 on_tty "COLUMNS=80 tkt-list"
	[[ "$output" == *$'\033[31m'"overdue 3d21h"* ]]
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/tty"
	check_table 80 "$f" "$BATS_TEST_TMPDIR/tty"
}

@test "the table shows STATE only when the tickets listed may differ in it, and STORE with several stores" {
	local f
	f=$(wide_store)
	start_sandbox -d "$f" --now "$TEST_NOW"
	# The default listing is AWAITING_MERCHANT alone; --state of one state too.
	run -0 tkt-list --table
	[ "${lines[0]}" = "ID                        TYPE          LOCALE  WAITING       DUE            SUBJECT" ]
	run -0 tkt-list --table --state AWAITING_MERCHANT
	[[ "${lines[0]}" != *STATE* ]]
	# Tickets named by id may be in any state.
	run -0 tkt-list --table cccccccccccccccccccccc05 cccccccccccccccccccccc00
	[ "${lines[0]}" = "ID                        TYPE          STATE               LOCALE  WAITING       DUE            SUBJECT" ]
	[[ "${lines[1]}" == "cccccccccccccccccccccc05  ORDER         AWAITING_MERCHANT   "*"  Hi" ]]
	if [ "$TKT_TEST_API" = v3 ]; then
		run -0 tkt-list --table -A
		[[ "${lines[0]}" == "ID"*"STATE"*"SUBJECT" ]]
		run -0 tkt-list --table --state AWAITING_MERCHANT,CLOSED
		[[ "${lines[0]}" == "ID"*"STATE"*"SUBJECT" ]]
		run -0 tkt-list --table -A --state CLOSED
		[[ "${lines[0]}" != *STATE* ]]
	fi
	# Two stores: a STORE column, as wide as the longer name.
	two_stores
	run -0 --separate-stderr env COLUMNS=160 tkt-list -s shop,eu --table
	[ "${lines[0]}" = "ID                        STORE  TYPE          LOCALE  WAITING       DUE            SUBJECT" ]
	[[ "${lines[1]}" == "cccccccccccccccccccccc0"?"  shop   "* ]]
	[[ "${lines[${#lines[@]} - 1]}" == "6b0000000000000000000002  eu     "* ]]
	run -0 --separate-stderr tkt-list -s eu --table
	[[ "${lines[0]}" != *STORE* ]]
}

@test "--thread shows the time left however far, and overdue" {
	local f
	f=$(wide_store)
	start_sandbox -d "$f" --now "$TEST_NOW"
	run -0 --separate-stderr tkt-list --thread cccccccccccccccccccccc00 cccccccccccccccccccccc01 cccccccccccccccccccccc05
	[[ "$output" == *"cccccccccccccccccccccc00  ORDER  AWAITING_MERCHANT  "*"  overdue 3d21h"$'\n'* ]]
	[[ "$output" == *"cccccccccccccccccccccc01  ORDER  AWAITING_MERCHANT  "*"  due in 1d3h"$'\n'* ]]
	[[ "$output" == *"cccccccccccccccccccccc05  ORDER  AWAITING_MERCHANT  "*"  due in 1d22h"$'\n'* ]]
}

@test "--overdue and --due-within select by the deadline" {
	run -0 bash -c 'tkt-list --overdue | jq -s "length > 0 and all(.[]; (.due_at|fromdate) < (\"$TKT_NOW\"|fromdate))"'
	[ "$output" = true ]
	run -0 bash -c 'tkt-list --due-within 6h | jq -s "length > 0 and all(.[]; (.due_at|fromdate) <= (\"$TKT_NOW\"|fromdate) + 21600)"'
	[ "$output" = true ]
	run -0 bash -c 'a=$(tkt-list --overdue | wc -l); b=$(tkt-list --due-within 6h | wc -l); [ "$b" -gt "$a" ]'
}

@test "an sla that would put a deadline past year 9999 gives its last second" {
	write_config <<-YAML
	stores:
	  main:
	    token_env: NONE
	    sla: 9223372036854775807s
	YAML
	run -0 --separate-stderr tkt-list --limit 3 --json
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .due_at == "9999-12-31T23:59:59Z")'
}

@test "a last line of separators without a newline is an empty id, whatever the line before it held" {
	local rec
	rec=$(tkt-list --limit 1 --json)
	# The line before starts " {": its second byte was read as this one's end.
	printf ' %s\n,' "$rec" >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-list --json - <"$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-list: <stdin>:2: not a ticket id: ''" ]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$(jq -r .id <<<"$rec")" ]
}

@test "--type and --locale filter, a language matching its regions, lists repeating" {
	run -0 bash -c 'tkt-list --type ORDER --type PRE_PURCHASE | jq -r .type | sort -u | tr "\n" " "'
	[ "$output" = "ORDER PRE_PURCHASE " ]
	run -0 bash -c 'tkt-list --locale fr,de | jq -r .locale | sort -u | tr "\n" " "'
	[ "$output" = "de fr fr-CA " ]
}

@test "--locale takes language tags, pt_BR as pt-BR; anything else exits 2 with the option named" {
	local bad want="is not a language tag (letters and digits in parts joined by '-' or '_', at most 35 characters: de, pt-BR, zh-Hant)"
	for bad in 'f r' 'not a locale!' '' 1fr fr- fr--CA toolongpart 'de;q=0.8' $'fr\nX'; do
		run -2 --separate-stderr tkt-list --locale "$bad"
		[ -z "$output" ]
		[ "$stderr" = "tkt-list: --locale: '${bad//$'\n'/\\012}' $want" ] ||
		    { echo "'$bad': $stderr"; return 1; }
	done
	# In a list, the member that is not one is named; a list of none is
	# no filter, and an error too.
	run -2 --separate-stderr tkt-list --locale 'fr,f r,de'
	[ "$stderr" = "tkt-list: --locale: 'f r' $want" ]
	run -2 --separate-stderr tkt-list --locale ,
	[ "$stderr" = "tkt-list: --locale: ',' $want" ]
	# Records write pt_BR as pt-BR: the filter finds the same tickets.
	run -0 tkt-list --locale pt-BR,fr_CA
	[ -n "$output" ]
	[ "$(tkt-list --locale pt_BR,FR-ca)" = "$output" ]
}

@test "of --json and --table, the last one given wins" {
	run -0 tkt-list --table --json --limit 2
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .id)'
	run -0 tkt-list --json --table --limit 2
	[[ "${lines[0]}" == "ID "* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "--since keeps tickets updated since a duration or a time" {
	run -0 bash -c 'tkt-list --since 1d | jq -s "length > 0 and all(.[]; (.updated_at|fromdate) >= (\"$TKT_NOW\"|fromdate) - 86400)"'
	[ "$output" = true ]
	run -0 bash -c 'tkt-list --since 2099-01-01T00:00:00Z | wc -l'
	[ "$output" -eq 0 ]
}

@test "-e exits 1 when nothing was printed, 0 when something was" {
	run -1 tkt-list -e --since 2099-01-01T00:00:00Z
	[ -z "$output" ]
	run -0 tkt-list -e --limit 1
}

@test "--limit stops after that many records" {
	run -0 bash -c 'tkt-list --limit 7 | wc -l'
	[ "$output" -eq 7 ]
}

@test "fetches tickets by id in the order asked" {
	local ids
	ids=$(tkt-list --limit 6 | jq -r .id | tac | tr '\n' ' ')
	run -0 bash -c "tkt-list -P 4 $ids | jq -r .id | tr '\n' ' '"
	[ "$output" = "$ids" ]
}

@test "reads bare ids and records from stdin with -, in order" {
	local a b
	a=$(tkt-list --limit 2 | jq -r .id | head -n 1)
	b=$(tkt-list --limit 2 | jq -c '{id, extra: 1}' | tail -n 1)
	run -0 bash -c "printf '%s\n\n%s\n' '$a' '$b' | tkt-list - | jq -r .id | tr '\n' ' '"
	[ "$output" = "$a $(jq -r .id <<<"$b") " ]
}

@test "an unknown id is reported with Wish's code and request id, the others still print, exit 1" {
	local a
	a=$(tkt-list --limit 1 | jq -r .id)
	run -1 --separate-stderr tkt-list 000000000000000000000bad "$a"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$a" ]
	[[ "$stderr" == "tkt-list: ticket 000000000000000000000bad: No 'Ticket' Found with id: '000000000000000000000bad' (code 1004, HTTP 400) (request id "*")" ]]
}

@test "bad stdin lines are reported with their position and skipped" {
	local a
	a=$(tkt-list --limit 1 | jq -r .id)
	run -1 --separate-stderr bash -c "printf '%s\n' '{\"no\":1}' 'two words' '{bad json' '$a' | tkt-list -"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$a" ]
	[[ "$stderr" == *"tkt-list: <stdin>:1: the record has no valid \"id\""* ]]
	[[ "$stderr" == *"tkt-list: <stdin>:2: not a ticket id: 'two words'"* ]]
	[[ "$stderr" == *"tkt-list: <stdin>:3: invalid JSON at byte"* ]]
}

@test "a refused token exits 4 and never shows the token" {
	# v2 answers 401 with 4000; v3, as its specification shows, 400 with 1006.
	local why="HTTP 401, code 4000: Unauthorized Request"
	[ "$TKT_TEST_API" = v2 ] || why="HTTP 400, code 1006: No access token found or the app does not exist"
	run -4 --separate-stderr env TKT_TOKEN=wrong-secret-token tkt-list
	[ -z "$output" ]
	[[ "$stderr" == "tkt-list: page 1: the marketplace refused the token ($why"*"; a person must renew it) (request id "*")" ]]
	[[ "$stderr" != *wrong-secret-token* ]]
}

@test "an unreachable server exits 3 after its retries" {
	start_sandbox --tickets 0
	local url=$SANDBOX_URL
	stop_sandbox
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=1 tkt-list
	[[ "$stderr" == "tkt-list: page 1: Couldn't connect to server"* ]]
}

@test "a server slower than TKT_TIMEOUT exits 3" {
	start_sandbox --tickets 5 --faults slow=3000
	run -3 --separate-stderr env TKT_TIMEOUT=1s TKT_RETRIES=0 tkt-list
	[[ "$stderr" == *"Timeout was reached"* ]]
	[[ "$stderr" == *"the listing stopped at page 1 after 0 records: it is incomplete"* ]]
}

@test "a 429 is waited out and retried, then the listing succeeds" {
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults nth=1:429
	local first="GET /api/v2/ticket/get-action-required?start=0&limit=100"
	[ "$TKT_TEST_API" = v2 ] ||
	    first="GET /api/v3/tickets?states=AWAITING_MERCHANT&limit=500&sort_by=updated_at.desc"
	run -0 --separate-stderr tkt-list -v
	[ "${#lines[@]}" -gt 0 ]
	[[ "$stderr" == *"$first 429 "* ]]
	[[ "$stderr" == *"200 "*"(retry)"* ]]
}

@test "a malformed body is read again; one that stays malformed exits 3" {
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults nth=1:garbage
	run -0 --separate-stderr tkt-list
	[ "${#lines[@]}" -gt 0 ]
	stop_sandbox
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults garbage
	run -3 --separate-stderr env TKT_RETRIES=1 tkt-list
	[[ "$stderr" == *"tkt-list: page 1: malformed answer (HTTP 200"* ]]
}

@test "a ticket without an id on a page is said with the page's request id; the others come out" {
	local d="$BATS_TEST_TMPDIR/noid"
	mkdir -p "$d"
	if [ "$TKT_TEST_API" = v2 ]; then
		jq -c '.data = [.data[0], (.data[0] | del(.Ticket.id))]' \
		    "$FIXTURES/list/quirks-page.json" >"$d/page.json"
		printf '/api/v2/ticket/get-action-required\t200\tpage.json\n' >"$d/routes"
	else
		v3_tickets 2 | jq -sc '{code: 0, message: "",
		    data: [.[0], (.[1] | del(.id))]}' >"$d/page.json"
		printf '/api/v3/tickets\t200\tpage.json\n' >"$d/routes"
	fi
	start_fake "$d/routes"
	run -3 --separate-stderr tkt-list --json
	[ "${#lines[@]}" -eq 1 ]
	[ "$stderr" = "tkt-list: page 1: malformed answer: a ticket without an id (request id req-1)" ]
}

@test "server errors that do not heal exit 3 with the HTTP status" {
	start_sandbox --tickets 5 --faults 503
	run -3 --separate-stderr env TKT_RETRIES=1 tkt-list
	[[ "$stderr" == *"tkt-list: page 1: HTTP 503 from the marketplace"* ]]
}

# v2_page NEXT ID...: a v2 page of the tickets ID... (the first of
# quirks-page.json, each with another id), with paging.next NEXT ("" none).
v2_page() {
	local next=$1
	shift
	jq -c --arg next "$next" --arg ids "$*" '.data[0] as $t |
	    .data = [$ids | split(" ")[] as $id | $t | .Ticket.id = $id] |
	    if $next == "" then . else .paging = {next: $next} end' \
	    "$FIXTURES/list/quirks-page.json"
}

@test "v2: a listing that makes no progress stops with exit 3, naming the store: a paging.next fetched already, a page of tickets all seen" {
	local d="$BATS_TEST_TMPDIR/stuck" p=/api/v2/ticket/get-action-required
	only_api v2 "v2's paging.next; v3's pages have a test of their own"
	mkdir -p "$d"
	# A server whose paging.next is the page just fetched, for ever.
	v2_page "{ORIGIN}$p?start=0&limit=100" 54f8ecd2f0812a0000000001 \
	    54f8ecd2f0812a0000000002 >"$d/same.json"
	printf '%s\t200\tsame.json\n' "$p" >"$d/routes"
	start_fake "$d/routes"
	run -3 --separate-stderr timeout 20 tkt-list --json
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "tkt-list: store env: page 1: the next page it names ($FAKE_URL$p?start=0&limit=100) was fetched already: the listing makes no progress
tkt-list: the listing stopped at page 1 after 2 records: it is incomplete" ]
	stop_fake
	# Pages that overlap go on while each brings a ticket not seen; a
	# page that brings none ends it, whatever its paging.next.
	v2_page "{ORIGIN}$p?start=2&limit=100" 54f8ecd2f0812a0000000001 \
	    54f8ecd2f0812a0000000002 >"$d/1.json"
	v2_page "{ORIGIN}$p?start=4&limit=100" 54f8ecd2f0812a0000000002 \
	    54f8ecd2f0812a0000000003 >"$d/2.json"
	v2_page "{ORIGIN}$p?start=6&limit=100" 54f8ecd2f0812a0000000003 \
	    54f8ecd2f0812a0000000001 >"$d/3.json"
	printf '%s\t200\t%s.json\n' "$p" 1 "$p" 2 "$p" 3 >"$d/routes"
	start_fake "$d/routes"
	run -3 --separate-stderr timeout 20 tkt-list --json
	[ "$(printf '%s\n' "$output" | jq -r '.id[-1:]' | tr -d '\n')" = 122331 ]
	[ "$stderr" = "tkt-list: store env: page 3 holds no ticket that the listing had not seen: it makes no progress
tkt-list: the listing stopped at page 3 after 6 records: it is incomplete" ]
}

@test "v3: a page that brings no ticket not seen before stops the listing with exit 3, naming the store" {
	local d="$BATS_TEST_TMPDIR/stuck"
	only_api v3 "v3's pages by time; v2's have a test of their own"
	mkdir -p "$d"
	# The same 500 tickets again, older each time: updated_at_max is kept
	# to, and yet nothing new comes.
	v3_tickets 500 | jq -sc '{code: 0, message: "", data: .}' >"$d/1.json"
	v3_tickets 500 '1795000000 - 500 - $i' | jq -sc '{code: 0, message: "", data: .}' >"$d/2.json"
	printf '/api/v3/tickets?updated_at_max=*\t200\t2.json\n/api/v3/tickets\t200\t1.json\n' >"$d/routes"
	start_fake "$d/routes"
	run -3 --separate-stderr timeout 20 tkt-list --json
	[ "${#lines[@]}" -eq 1000 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | sort -u | wc -l)" -eq 500 ]
	[ "$stderr" = "tkt-list: store env: page 2 holds no ticket that the listing had not seen: it makes no progress
tkt-list: the listing stopped at page 2 after 1000 records: it is incomplete" ]
}

@test "a paging.next on another origin is refused and the token stays home" {
	only_api v2 "v3 has no paging.next: it pages by time on the same origin"
	start_fake "$FIXTURES/list/offorigin.routes"
	run -3 --separate-stderr tkt-list
	[[ "$stderr" == *"paging.next points at another origin (https://evil.example/api/v2/ticket/get-action-required?start=100&limit=100&access_token=…)"* ]]
	[[ "$stderr" != *"$TEST_TOKEN"* ]]
}

@test "-v logs each request and hides the access_token of paging URLs" {
	local f
	f=$(store_of 600)
	start_sandbox -d "$f" --now "$TEST_NOW"
	run -0 --separate-stderr tkt-list -v
	[[ "$stderr" != *"$TEST_TOKEN"* ]]
	if [ "$TKT_TEST_API" = v2 ]; then
		[[ "$stderr" == *"GET /api/v2/ticket/get-action-required?start=0&limit=100 200 "*"request-id="* ]]
		[[ "$stderr" == *"access_token=…"* ]]
	else
		# v3 sends the token in a header only; pages move the window.
		[[ "$stderr" == *"GET /api/v3/tickets?states=AWAITING_MERCHANT&limit=500&sort_by=updated_at.desc 200 "*"request-id="* ]]
		[[ "$stderr" == *"GET /api/v3/tickets?states=AWAITING_MERCHANT&limit=500&sort_by=updated_at.desc&updated_at_max="*" 200 "* ]]
		[[ "$stderr" != *"access_token"* ]]
	fi
}

@test "-A and other states are refused on API v2 with the reason" {
	only_api v2 "a v3 store takes them: see the -A test of the v3 section"
	run -2 --separate-stderr tkt-list -A
	[ "$stderr" = "tkt-list: -A/--all needs API v3: Wish's v2 API lists only the tickets awaiting your response (store 'env' uses v2)" ]
	run -2 --separate-stderr tkt-list --state CLOSED
	[[ "$stderr" == "tkt-list: --state CLOSED: API v2 lists only AWAITING_MERCHANT tickets;"* ]]
	run -2 --separate-stderr tkt-list --state NOPE
	[[ "$stderr" == "tkt-list: --state: unknown value 'NOPE' (one of AWAITING_MERCHANT,"* ]]
	run -2 --separate-stderr tkt-list --type nope
	[[ "$stderr" == "tkt-list: --type: unknown value 'nope'"* ]]
}

@test "bad option values exit 2 with the option named" {
	run -2 --separate-stderr tkt-list --due-within soon
	[ "$stderr" = "tkt-list: --due-within: 'soon' is not a duration (90m, 6h, 2d)" ]
	run -2 --separate-stderr tkt-list --since yesterday
	[[ "$stderr" == "tkt-list: --since: 'yesterday' is neither a duration"* ]]
	run -2 --separate-stderr tkt-list --limit 0
	[ "$stderr" = "tkt-list: --limit: '0' is too small (at least 1)" ]
	run -2 --separate-stderr tkt-list --now tomorrow
	[[ "$stderr" == "tkt-list: --now: 'tomorrow' is not a time"* ]]
	run -2 --separate-stderr tkt-list --bogus
	[[ "$stderr" == *"usage: tkt-list"* ]]
}

@test "a duration without its unit is refused, exit 2, with the unit it likely lacks" {
	run -2 --separate-stderr tkt-list --due-within 6
	[ "$stderr" = "tkt-list: --due-within: '6' has no unit: 6h?" ]
	[ -z "$output" ]
	run -2 --separate-stderr tkt-list --since 30
	[ "$stderr" = "tkt-list: --since: '30' has no unit: 30d?" ]
}

@test "-h prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-list -h
	[[ "$output" == "usage: tkt-list"* ]]
	run -0 tkt-list --version
	[[ "$output" == "tkt-list (tkt) "* ]]
}

@test "with no store configured it says what to set and points at the sandbox" {
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[[ "$stderr" == "tkt-list: no store configured: set TKT_API_URL and TKT_TOKEN"*"make demo"*"tkt-sandbox"* ]]
}

@test "config errors name the file, line and column" {
	write_config <<'YAML'
stores:
  shop:
    api: v2
    colour: blue
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[ "$stderr" = "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:4:5: unknown store setting 'colour'" ]
	write_config <<'YAML'
stores: [unclosed
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:2:1: "* ]]
	write_config <<'YAML'
stores:
  shop:
    url: http://merchant.example.com
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[ "$stderr" = "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:3:10: 'http://merchant.example.com': plain http is refused except to loopback; use https" ]
	write_config <<'YAML'
stores:
  shop:
    url: https://merchant.example.com/api/v2/
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == *"is not an origin: give scheme://host[:port] with no path"* ]]
}

@test "a token file open to group or others is refused" {
	shop_config 640
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[ "$stderr" = "tkt-list: token file $HOME/token is open to group or others (mode 0640); run: chmod 600 $HOME/token" ]
	chmod 600 "$HOME/token"
	run -0 env -u TKT_API_URL -u TKT_TOKEN tkt-list --limit 1
	[ "$(printf '%s\n' "$output" | jq -r .store)" = shop ]
}

@test "stores are picked with -s or TKT_STORE, and an unknown one is named" {
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod 600 "$HOME/token"
	write_config <<YAML
sla: 24h
stores:
  a:
    url: $SANDBOX_URL
    token_file: ~/token
  b:
    url: $SANDBOX_URL
    token_env: SHOP_B_TOKEN
    sla: 72h
YAML
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[ "$stderr" = "tkt-list: 2 stores are configured and no default_store: choose one with -s NAME" ]
	run -0 env -u TKT_API_URL -u TKT_TOKEN tkt-list -s a --limit 1
	[ "$(printf '%s\n' "$output" | jq '[.store, ((.due_at|fromdate) - (.waiting_since|fromdate))] | @text' -r)" = '["a",86400]' ]
	run -0 env -u TKT_API_URL -u TKT_TOKEN SHOP_B_TOKEN="$TEST_TOKEN" TKT_STORE=b tkt-list --limit 1
	[ "$(printf '%s\n' "$output" | jq '[.store, ((.due_at|fromdate) - (.waiting_since|fromdate))] | @text' -r)" = '["b",259200]' ]
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list -s b
	[ "$stderr" = "tkt-list: store 'b': token_env names SHOP_B_TOKEN, which is not set" ]
	run -2 --separate-stderr env -u TKT_API_URL tkt-list -s c
	[ "$stderr" = "tkt-list: no store named 'c' (configured: a, b)" ]
}

@test "plain http goes to loopback only: localhost, [::1], 127.0.0.0/8 as four decimal parts; look-alikes exit 2" {
	local h
	# 127.999999999 and the like are no address a resolver agrees on:
	# curl looks them up by DNS, and the token would go wherever that says.
	for h in 127.999999999 127.1 127.0.0.256 127.0.0.01 127.0.0.1. \
	    127.0.0.1.1 127..0.1 128.0.0.1 localhost. localhost.example \
	    '[::2]' 127.0.0.1x; do
		run -2 --separate-stderr env TKT_API_URL="http://$h:1" tkt-list
		[ "$stderr" = "tkt-list: TKT_API_URL: 'http://$h:1': plain http is refused except to loopback; use https" ]
	done
	# Loopback, where nothing listens: the request is sent, and fails.
	for h in 127.0.0.1 127.255.255.255 127.1.2.3 localhost LOCALHOST '[::1]'; do
		run -3 --separate-stderr env TKT_API_URL="http://$h:1" TKT_RETRIES=0 tkt-list
		[ "${stderr%%$'\n'*}" = "tkt-list: page 1: Couldn't connect to server" ]
	done
}

@test "a tool that holds a token dumps no core: a running tkt-list's core file size is 0, soft and hard" {
	local d="$BATS_TEST_TMPDIR/slow" pid i limit
	[ -r /proc/self/limits ] || skip "no /proc/PID/limits here"
	# The soft limit raised to the hard one, so that 0 is tkt-list's doing.
	ulimit -S -c "$(ulimit -H -c)"
	[ "$(ulimit -S -c)" != 0 ] || skip "core dumps are off for this shell already"
	mkdir -p "$d"
	printf '{"code":0,"data":[],"message":""}\n' >"$d/empty.json"
	# The page is answered once $d/go exists: tkt-list waits for it.
	printf '/api/\t200\tempty.json\tX-Fake-Wait-For: %s\n' "$d/go" >"$d/routes"
	export FAKEWISH_AUTH_LOG="$d/auth.log"
	start_fake "$d/routes"
	tkt-list --json >"$d/out" 2>"$d/err" 3>&- &
	pid=$!
	for i in $(seq 1 400); do [ -s "$d/auth.log" ] && break; sleep 0.025; done
	limit=$(awk '/^Max core file size/ { print $5, $6 }' "/proc/$pid/limits")
	touch "$d/go"
	wait "$pid"
	[ -s "$d/auth.log" ]
	[ "$limit" = "0 0" ]
	[ ! -s "$d/out" ] && [ ! -s "$d/err" ]
}

@test "a token written into the config file is refused" {
	write_config <<'YAML'
stores:
  shop:
    url: https://merchant.example.com
    token: abc
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == *"config.yaml:4:5: a token is never written in the config; use token_file (mode 0600) or token_env" ]]
}

@test "v2 and v3 forms of the same tickets give equal values for every field both carry" {
	start_fake "$FIXTURES/list/same.routes"
	run -0 --separate-stderr env TKT_API=v2 tkt-list --json
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v2.jsonl"
	run -0 --separate-stderr env TKT_API=v3 tkt-list --json -A
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/v3.jsonl"
	run -0 jq -rn --slurpfile v2 "$BATS_TEST_TMPDIR/v2.jsonl" \
	    --slurpfile v3 "$BATS_TEST_TMPDIR/v3.jsonl" \
	    --rawfile fields "$TKT_DATADIR/record-fields" \
	    -f "$FIXTURES/list/compare.jq"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^compared\ ([0-9]+)\ values\ of\ 4\ tickets$ ]]
	[ "${BASH_REMATCH[1]}" -gt 150 ]
	# What tkt-record(5) lets differ: each API's own type and refund_reason.
	run -0 jq -sc 'map([.id[-1:], .api, .type, .type_inferred, .refund_reason])' \
	    "$BATS_TEST_TMPDIR/v2.jsonl" "$BATS_TEST_TMPDIR/v3.jsonl"
	[ "$output" = '[["1","v2","PRE_PURCHASE",true,null],["2","v2","ORDER",true,"23"],["3","v2","POST_CUSTOMER_SUPPORT",true,null],["4","v2","POST_CUSTOMER_SUPPORT",true,"18"],["3","v3","POST_CUSTOMER_SUPPORT",false,null],["4","v3","ORDER",false,"ITEM_NEVER_ARRIVED"],["1","v3","PRE_PURCHASE",false,null],["2","v3","ORDER",false,"ITEM_IS_DAMAGED"]]' ]
}

@test "the v2-v3 comparison reports a field that differs" {
	start_fake "$FIXTURES/list/same.routes"
	tkt-list --json >"$BATS_TEST_TMPDIR/v2.jsonl"
	TKT_API=v3 tkt-list --json -A | sed 's/"Nummer 12"/"Nummer 13"/' >"$BATS_TEST_TMPDIR/v3.jsonl"
	run -0 jq -rn --slurpfile v2 "$BATS_TEST_TMPDIR/v2.jsonl" \
	    --slurpfile v3 "$BATS_TEST_TMPDIR/v3.jsonl" \
	    --rawfile fields "$TKT_DATADIR/record-fields" \
	    -f "$FIXTURES/list/compare.jq"
	[ "${#lines[@]}" -eq 2 ]
	[[ "${lines[0]}" == '6a1b00000000000000000003: replies[].message: v2 '*'"Nummer 12"'*', v3 '*'"Nummer 13"'* ]]
}

@test "a v3 store lists the tickets awaiting the merchant with states=, newest first, times in UTC without fractions" {
	serve_v3 9 '1795000000 - $i' '["AWAITING_MERCHANT", "CLOSED", "AWAITING_USER"][$i % 3]'
	run -0 --separate-stderr tkt-list -v
	# The fake, like a strict server, ignores states[]: then every state
	# would come back, and a listing without --state filters nothing.
	[ "$(printf '%s\n' "$output" | jq -r '[.id[-1:], .state, .api, .updated_at] | join(" ")' | tr '\n' ,)" = \
	    "0 AWAITING_MERCHANT v3 2026-11-18T11:06:40Z,3 AWAITING_MERCHANT v3 2026-11-18T11:06:37Z,6 AWAITING_MERCHANT v3 2026-11-18T11:06:34Z," ]
	[[ "$stderr" == "tkt-list: GET /api/v3/tickets?states=AWAITING_MERCHANT&limit=500&sort_by=updated_at.desc 200 "*"request-id=req-1"* ]]
	run -0 bash -c 'tkt-list -A | jq -r .state | sort | uniq -c | tr -s " " | tr "\n" ,'
	[ "$output" = " 3 AWAITING_MERCHANT, 3 AWAITING_USER, 3 CLOSED," ]
}

@test "--state, --type and --since go into the v3 query, and --state needs no -A there" {
	serve_v3 9 '1795000000 - $i * 86400' '["AWAITING_MERCHANT", "CLOSED", "AWAITING_USER"][$i % 3]'
	run -0 --separate-stderr tkt-list -v --state CLOSED --type PRE_PURCHASE,POST_CUSTOMER_SUPPORT
	[ "$(printf '%s\n' "$output" | jq -r '.id[-1:]' | tr -d '\n')" = 147 ]
	[[ "$stderr" == *"GET /api/v3/tickets?states=CLOSED&types=PRE_PURCHASE&types=POST_CUSTOMER_SUPPORT&limit=500&sort_by=updated_at.desc 200 "* ]]
	run -0 --separate-stderr tkt-list -v -A --since 3d --now 2026-11-18T12:00:00Z
	[ "$(printf '%s\n' "$output" | jq -r '.id[-1:]' | tr -d '\n')" = 012 ]
	[[ "$stderr" == *"GET /api/v3/tickets?limit=500&sort_by=updated_at.desc&updated_at_min=2026-11-15T12:00:00Z 200 "* ]]
	# UNKNOWN cannot be asked for: every state is, and the filter decides.
	run -0 --separate-stderr tkt-list -v --state UNKNOWN
	[ -z "$output" ]
	[[ "$stderr" == *"GET /api/v3/tickets?limit=500&sort_by=updated_at.desc 200 "* ]]
}

@test "several --state and --type values go as one key each, never bracketed or joined by commas" {
	serve_v3 12 '1795000000 - $i' '["AWAITING_MERCHANT", "CLOSED", "AWAITING_USER", "AWAITING_WISH"][$i % 4]'
	# The fake is strict, as the spec reads: states[] is ignored, a comma
	# list is no state at all.
	run -0 curl -sS -H "Authorization: Bearer $TKT_TOKEN" "$FAKE_URL/api/v3/tickets?states%5B%5D=CLOSED"
	[ "$(jq '.data | length' <<<"$output")" -eq 12 ]
	run -0 curl -sS -H "Authorization: Bearer $TKT_TOKEN" "$FAKE_URL/api/v3/tickets?states=CLOSED,AWAITING_USER"
	[ "$(jq .code <<<"$output")" -eq 1000 ]
	run -0 --separate-stderr tkt-list -v --state AWAITING_USER,CLOSED --type ORDER --type PRE_PURCHASE
	[ "$(printf '%s\n' "$output" | jq -r '.id[-2:]' | tr '\n' ' ')" = "01 06 09 10 " ]
	[ "$(grep -c '^tkt-list: GET ' <<<"$stderr")" -eq 1 ]
	[[ "$stderr" == "tkt-list: GET /api/v3/tickets?states=AWAITING_USER&states=CLOSED&types=ORDER&types=PRE_PURCHASE&limit=500&sort_by=updated_at.desc 200 "* ]]
	# -A with types only: every state of those types.
	run -0 --separate-stderr tkt-list -v -A --type POST_CUSTOMER_SUPPORT
	[ "$(printf '%s\n' "$output" | jq -r '.id[-2:]' | tr '\n' ' ')" = "02 05 08 11 " ]
	[[ "$stderr" == "tkt-list: GET /api/v3/tickets?types=POST_CUSTOMER_SUPPORT&limit=500&sort_by=updated_at.desc 200 "* ]]
}

@test "v3 pages of 500 move the window to the last updated_at as sent, each ticket once" {
	local n
	for n in 0 1 499 500 501 1234; do
		serve_v3 "$n"
		run -0 --separate-stderr tkt-list -v
		stop_fake || true
		[ "$(printf '%s' "$output" | grep -c .)" -eq "$n" ] || { echo "$n: got ${#lines[@]}"; return 1; }
		[ "$(printf '%s' "$output" | jq -r .id | sort -u | grep -c .)" -eq "$n" ]
	done
	# 1234: three pages, the second asked from the 500th ticket's own time.
	[ "$(printf '%s\n' "$stderr" | grep -c 'GET /api/v3/tickets?')" -eq 3 ]
	[[ "$stderr" == *"&updated_at_max=2026-11-18T12%3A58%3A21.250%2B02%3A00 200 "* ]]
}

@test "tickets that share an updated_at across a page boundary are each printed once" {
	# 700 tickets; the 496th to the 505th share one time, which the first
	# page ends in; the server orders them differently on every request.
	serve_v3 700 'if $i < 495 then 1795000000 - $i elif $i < 505 then 1794999000 else 1794990000 - $i end'
	run -0 --separate-stderr tkt-list -v
	[ "${#lines[@]}" -eq 700 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | sort -u | wc -l)" -eq 700 ]
	[[ "$stderr" == *"&updated_at_max=2026-11-18T12%3A50%3A00.250%2B02%3A00 200 "* ]]
}

@test "more than 500 tickets at one updated_at stop the listing with exit 3, naming the time" {
	serve_v3 660 'if $i < 10 then 1795000000 - $i elif $i < 610 then 1794999000 else 1794990000 - $i end'
	run -3 --separate-stderr tkt-list
	# Printed: the 10 newer and 490 ties, then the ties of page 2 not seen
	# yet (how many depends on the order the server gives ties); no more.
	local n=${#lines[@]}
	[ "$n" -gt 500 ]
	[ "$n" -le 610 ]
	[ "$(printf '%s\n' "$output" | jq -r .id | sort -u | wc -l)" -eq "$n" ]
	[ "$stderr" = "tkt-list: page 2: all 500 tickets of the page were updated at 2026-11-18T12:50:00.250+02:00; more may share that time, and paging by updated_at cannot get past them without losing some
tkt-list: the listing stopped at page 2 after $n records: it is incomplete" ]
	# A first page that shares one time stops as well, rather than loop.
	stop_fake || true
	serve_v3 501 '1794999000'
	run -3 --separate-stderr tkt-list
	[ "${#lines[@]}" -eq 500 ]
	[[ "$stderr" == "tkt-list: page 1: all 500 tickets of the page were updated at 2026-11-18T12:50:00.250+02:00;"* ]]
}

@test "a v3 listing prints its first page before it asks for the next" {
	v3_tickets 700 >"$BATS_TEST_TMPDIR/tickets.jsonl"
	printf '%s\t200\tV3STORE:tickets.jsonl\t%s\n' \
	    '/api/v3/tickets?updated_at_max=*' "X-Fake-Wait-For: $BATS_TEST_TMPDIR/go" \
	    /api/v3/tickets '' >"$BATS_TEST_TMPDIR/v3.routes"
	start_fake "$BATS_TEST_TMPDIR/v3.routes"
	TKT_API=v3 tkt-list >"$BATS_TEST_TMPDIR/out" 3>&- &
	local pid=$! i
	for i in $(seq 1 200); do
		[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -ge 500 ] && break
		sleep 0.025
	done
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 500 ]
	touch "$BATS_TEST_TMPDIR/go"
	wait "$pid"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 700 ]
}

@test "an empty v3 list prints nothing and exits 0, or 1 with -e" {
	serve_v3 0
	run -0 --separate-stderr tkt-list
	[ -z "$output" ]
	[ -z "$stderr" ]
	run -1 --separate-stderr tkt-list -e
}

@test "a v3 error body is quoted with its code, the HTTP status and the request id" {
	printf '%s\n' '{"code":1000,"message":"Invalid parameter: limit"}' >"$BATS_TEST_TMPDIR/err.json"
	printf '/api/v3/tickets\t400\terr.json\n' >"$BATS_TEST_TMPDIR/v3.routes"
	start_fake "$BATS_TEST_TMPDIR/v3.routes"
	run -3 --separate-stderr env TKT_API=v3 tkt-list
	[ "$stderr" = "tkt-list: page 1: Invalid parameter: limit (code 1000, HTTP 400) (request id req-1)
tkt-list: the listing stopped at page 1 after 0 records: it is incomplete" ]
}

@test "a v3 401 exits 4 at once, quoting the code and message" {
	printf '%s\n' '{"code":1012,"data":{},"message":"Missing access token in authorization header"}' >"$BATS_TEST_TMPDIR/401.json"
	printf '/api/v3/tickets\t401\t401.json\n' >"$BATS_TEST_TMPDIR/v3.routes"
	start_fake "$BATS_TEST_TMPDIR/v3.routes"
	run -4 --separate-stderr env TKT_API=v3 tkt-list
	[ -z "$output" ]
	[ "$stderr" = "tkt-list: page 1: the marketplace refused the token (HTTP 401, code 1012: Missing access token in authorization header; a person must renew it) (request id req-1)" ]
	run -4 --separate-stderr env TKT_API=v3 tkt-list 6b0000000000000000000001
	[[ "$stderr" == *"ticket 6b0000000000000000000001: the marketplace refused the token (HTTP 401, code 1012"* ]]
}

@test "v3's token codes 1006, 1007 and 1008 on HTTP 400 exit 4 too; v2's 1008 does not" {
	local c
	for c in 1006 1007 1008; do
		printf '{"code":%s,"message":"Unauthorized access on this API"}\n' "$c" >"$BATS_TEST_TMPDIR/400.json"
		printf '/api/v3/tickets\t400\t400.json\n' >"$BATS_TEST_TMPDIR/v3.routes"
		start_fake "$BATS_TEST_TMPDIR/v3.routes"
		run -4 --separate-stderr env TKT_API=v3 tkt-list
		[ "$stderr" = "tkt-list: page 1: the marketplace refused the token (HTTP 400, code $c: Unauthorized access on this API; a person must renew it) (request id req-1)" ]
		stop_fake
	done
	# On v2 the code means nothing known: a plain refusal of the request.
	printf '/api/v2/ticket/get-action-required\t400\t400.json\n' >"$BATS_TEST_TMPDIR/v2.routes"
	start_fake "$BATS_TEST_TMPDIR/v2.routes"
	run -3 --separate-stderr env TKT_API=v2 tkt-list
	[[ "$stderr" == "tkt-list: page 1: Unauthorized access on this API (code 1008, HTTP 400) (request id req-1)"* ]]
}

@test "v3 tickets by id come from /api/v3/tickets/ID, in the order asked, an unknown one reported" {
	serve_v3 5
	run -1 --separate-stderr tkt-list -v 6b0000000000000000000003 6b00000000000000000000ff 6b0000000000000000000001
	[ "$(printf '%s\n' "$output" | jq -r '.id[-1:] + .api' | tr '\n' ,)" = "3v3,1v3," ]
	[[ "$stderr" == *"GET /api/v3/tickets/6b0000000000000000000003 200 "* ]]
	[[ "$stderr" == *"tkt-list: ticket 6b00000000000000000000ff: No 'Ticket' Found with id: '6b00000000000000000000ff' (code 1004, HTTP 400) (request id req-"*")"* ]]
}

@test "-A is refused on a v2 store, but -A and every state are listed on v3" {
	serve_v3 3 '1795000000' '"CLOSED"'
	run -2 --separate-stderr env TKT_API=v2 tkt-list -A
	[[ "$stderr" == "tkt-list: -A/--all needs API v3"* ]]
	run -0 tkt-list -A --state CLOSED
	[ "${#lines[@]}" -eq 3 ]
}

# serve_lang [ROUTE...]: a fake v3 store of three tickets awaiting the
# merchant, 6b…00 to 6b…02, that reads two of them again in English: 6b…00
# (a German buyer, a merchant reply and another buyer message) answering
# with Content-Language: en-gb, 6b…01 (a French buyer) with none; 6b…02
# comes back as it is.  The ROUTEs given answer first.
serve_lang() {
	local T=$BATS_TEST_TMPDIR
	v3_tickets 3 | jq -c 'if .id == "6b0000000000000000000000" then
	        .buyer_info.locale = "de" | .replies = [
	        {message: "Hallo, wo ist mein Paket?", replied_at: "2026-11-18T09:00:00.000Z", sender: "USER", supporting_files: []},
	        {message: "It ships today.", replied_at: "2026-11-18T10:00:00.000Z", sender: "MERCHANT", supporting_files: []},
	        {message: "Danke!", replied_at: "2026-11-18T11:00:00.000Z", sender: "USER", supporting_files: []}]
	    elif .id == "6b0000000000000000000001" then
	        .buyer_info.locale = "fr" | .replies[0].message = "Bonjour"
	    else . end' >"$T/tickets.jsonl"
	jq -c 'select(.id == "6b0000000000000000000000")
	    | .replies[0].message = "Hello, where is my parcel?" | .replies[2].message = "Thanks!"
	    | {code: 0, data: ., message: ""}' "$T/tickets.jsonl" >"$T/t0.en.json"
	jq -c 'select(.id == "6b0000000000000000000001") | .replies[0].message = "Hello"
	    | {code: 0, data: ., message: ""}' "$T/tickets.jsonl" >"$T/t1.en.json"
	{
		printf '%s\n' "$@"
		printf '/api/v3/tickets/6b0000000000000000000000\t200\tt0.en.json\tX-Fake-Accept-Language: en;Content-Language: en-gb\n'
		printf '/api/v3/tickets/6b0000000000000000000001\t200\tt1.en.json\tX-Fake-Accept-Language: en\n'
		printf '/api/v3/tickets\t200\tV3STORE:tickets.jsonl\n'
	} | grep . >"$T/lang.routes"
	start_fake "$T/lang.routes"
	export TKT_API=v3
}

@test "--lang reads each v3 ticket again in that language: translations by place, content_locale, the buyer's words kept" {
	serve_lang
	run -0 --separate-stderr tkt-list -v --lang en
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.id[-1:], [.replies[].message], [.replies[].translated_message], .locale, .content_locale]')" = \
'["0",["Hallo, wo ist mein Paket?","It ships today.","Danke!"],["Hello, where is my parcel?",null,"Thanks!"],"de","en-GB"]
["1",["Bonjour"],["Hello"],"fr",null]
["2",["Hello"],[null],"en",null]' ]
	# One list, then each ticket once more, with the header.
	[ "$(grep -c '^tkt-list: GET /api/v3/tickets?states=AWAITING_MERCHANT&' <<<"$stderr")" -eq 1 ]
	[ "$(grep '^tkt-list: GET /api/v3/tickets/' <<<"$stderr" | sed 's/ 200 .*//' | sort)" = \
'tkt-list: GET /api/v3/tickets/6b0000000000000000000000
tkt-list: GET /api/v3/tickets/6b0000000000000000000001
tkt-list: GET /api/v3/tickets/6b0000000000000000000002' ]
	[ "$(grep -vc '^tkt-list: GET ' <<<"$stderr")" -eq 0 ]
	# Nothing else changes, and without --lang nothing is asked for.
	printf '%s\n' "$output" | jq -c 'del(.content_locale) | .replies |= map(.translated_message = null)' >"$BATS_TEST_TMPDIR/lang.jsonl"
	run -0 --separate-stderr tkt-list -v
	diff "$BATS_TEST_TMPDIR/lang.jsonl" <(printf '%s\n' "$output")
	[ "$(grep -c '^tkt-list: GET ' <<<"$stderr")" -eq 1 ]
	[[ "$output" != *content_locale* ]]
}

@test "--lang with ids keeps the order asked, and --thread shows the buyer's words with the translation" {
	serve_lang
	run -0 --separate-stderr tkt-list --lang en -P 3 6b0000000000000000000002 6b0000000000000000000000 6b0000000000000000000001
	[ "$(printf '%s\n' "$output" | jq -r '.id[-1:] + " " + (.content_locale // "-") + " " + (.replies[0].translated_message // "-")' | tr '\n' ,)" = \
	    "2 - -,0 en-GB Hello, where is my parcel?,1 - Hello," ]
	run -0 --separate-stderr tkt-list --thread --lang en 6b0000000000000000000000
	[[ "$output" == *"Hallo, wo ist mein Paket?"$'\n'"    [translation, en-GB]"$'\n'"    Hello, where is my parcel?"* ]]
	[[ "$output" == *"MERCHANT"$'\n'"    It ships today."$'\n'* ]]
	[[ "$output" == *"Danke!"$'\n'"    [translation, en-GB]"$'\n'"    Thanks!"* ]]
	[ "$(grep -c 'translation' <<<"$output")" -eq 2 ]
}

@test "a ticket that cannot be read again comes out untranslated, named with the language, exit 1; a refused token exits 4" {
	printf '%s\n' '{"code":1004,"message":"No '"'Ticket'"' Found with id: '"'6b0000000000000000000001'"'"}' >"$BATS_TEST_TMPDIR/gone.json"
	serve_lang $'/api/v3/tickets/6b0000000000000000000001\t400\tgone.json\tX-Fake-Accept-Language: en' \
	    $'/api/v3/tickets/6b0000000000000000000002\t200\tt0.en.json\tX-Fake-Accept-Language: en'
	run -1 --separate-stderr tkt-list --lang en
	[ "$(printf '%s\n' "$output" | jq -c '[.id[-1:], .content_locale, [.replies[].translated_message]]')" = \
'["0","en-GB",["Hello, where is my parcel?",null,"Thanks!"]]
["1",null,[null]]
["2",null,[null]]' ]
	# The two reads go out at once: their messages come as they end.
	[ "$(sed 's/(request id req-[0-9]*)$/(request id N)/' <<<"$stderr" | sort)" = \
"tkt-list: ticket 6b0000000000000000000001: translation into en: No 'Ticket' Found with id: '6b0000000000000000000001' (code 1004, HTTP 400) (request id N)
tkt-list: ticket 6b0000000000000000000002: translation into en: malformed answer: ticket '6b0000000000000000000000' came back for '6b0000000000000000000002' (request id N)" ]
	stop_fake
	printf '%s\n' '{"code":1012,"data":{},"message":"Missing access token in authorization header"}' >"$BATS_TEST_TMPDIR/401.json"
	serve_lang $'/api/v3/tickets/6b0000000000000000000001\t401\t401.json\tX-Fake-Accept-Language: en'
	run -4 --separate-stderr tkt-list --lang en
	[ -z "$output" ]
	[[ "$stderr" == "tkt-list: ticket 6b0000000000000000000001: translation into en: the marketplace refused the token (HTTP 401, code 1012"* ]]
}

@test "--lang reads each ticket of a v3 listing once more, -P at a time, in the listing's order" {
	run -0 env TKT_API=v3 tkt-list -A --limit 60
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/plain.jsonl"
	run -0 --separate-stderr env TKT_API=v3 tkt-list -A -v --lang de -P 8 --limit 60
	# The sandbox translates nothing and names no language.
	diff "$BATS_TEST_TMPDIR/plain.jsonl" <(printf '%s\n' "$output" | jq -c 'del(.content_locale)')
	printf '%s\n' "$output" | jq -e -s 'length == 60 and all(has("content_locale") and .content_locale == null)'
	diff <(jq -r .id "$BATS_TEST_TMPDIR/plain.jsonl" | sort) \
	    <(sed -n 's|^tkt-list: GET /api/v3/tickets/\([^ ]*\) .*|\1|p' <<<"$stderr" | sort)
	[ "$(grep -c '^tkt-list: GET /api/v3/tickets?' <<<"$stderr")" -eq 1 ]
}

@test "--lang on API v2 asks for nothing more: v2 gives its translations with the ticket" {
	run -0 --separate-stderr env TKT_API=v2 tkt-list -v
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/plain.jsonl"
	printf '%s\n' "$stderr" | sed -n 's/^tkt-list: \(GET [^ ]*\) .*/\1/p' >"$BATS_TEST_TMPDIR/plain.log"
	run -0 --separate-stderr env TKT_API=v2 tkt-list -v --lang de
	diff "$BATS_TEST_TMPDIR/plain.jsonl" <(printf '%s\n' "$output")
	diff "$BATS_TEST_TMPDIR/plain.log" <(printf '%s\n' "$stderr" | sed -n 's/^tkt-list: \(GET [^ ]*\) .*/\1/p')
	jq -e -s 'any(.[].replies[]; .translated_message != null)' "$BATS_TEST_TMPDIR/plain.jsonl"
}

@test "a --lang that is not a language tag exits 2 with the option named" {
	local bad shown
	for bad in de_DE '' 'de;q=0.8' 'de, fr' 1de de--x de- toolongpart "$(printf 'a-%.0s' {1..17})aa" $'de\r\nX: y'; do
		run -2 --separate-stderr tkt-list --lang "$bad"
		[ -z "$output" ]
		# A message shows a control character escaped (tkt(7)).
		shown=${bad//$'\r'/\\015}
		shown=${shown//$'\n'/\\012}
		[ "$stderr" = "tkt-list: --lang: '$shown' is not a language tag (letters and digits in parts joined by '-', at most 35 characters: de, pt-BR, zh-Hant)" ] ||
		    { echo "'$bad': $stderr"; return 1; }
	done
	run -0 tkt-list --lang zh-Hant-TW --limit 1
	run -0 tkt-list --lang "$(printf 'a-%.0s' {1..16})abc" --limit 1
	# --help names it as the man page does.
	run -0 tkt-list -h
	[[ "$output" == *"[--with-orders] [--lang locale]"* ]]
	grep -q '^\.Op Fl -lang Ar locale$' "$TKT_ROOT/man/tkt-list.1"
}

# two_stores [ROUTES]: store "shop" on the shared sandbox, speaking v2, the
# legacy API (token file)
# and store "eu" on a v3 fake (token_env EU_TOKEN, sla 24h), of 3 tickets
# or answering as ROUTES says; no environment override left.
two_stores() {
	if [ $# -gt 0 ]; then
		start_fake "$1"
	else
		serve_v3 3
	fi
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod 600 "$HOME/token"
	write_config <<YAML
stores:
  shop:
    api: v2
    url: $SANDBOX_URL
    token_file: ~/token
  eu:
    api: v3
    url: $FAKE_URL
    token_env: EU_TOKEN
    sla: 24h
YAML
	unset TKT_API TKT_API_URL TKT_TOKEN
	export EU_TOKEN=eu-token
}

@test "-s takes several stores, each listed in turn with its own api, url, token and sla" {
	two_stores
	local want
	want=$(tkt-list -s shop --json | wc -l)
	run -0 --separate-stderr tkt-list -s shop,eu --json
	[ "${#lines[@]}" -eq $((want + 3)) ]
	# shop's records first, then eu's, each carrying its store.
	[ "$(printf '%s\n' "$output" | jq -r '.store + " " + .api' | uniq -c | tr -s ' ' | tr '\n' ,)" = " $want shop v2, 3 eu v3," ]
	[ "$(printf '%s\n' "$output" | jq -sc 'map(select(.store == "eu") | (.due_at|fromdate) - (.waiting_since|fromdate)) | unique')" = "[86400]" ]
	run -0 --separate-stderr tkt-list -s eu -s shop -s eu --json
	[ "$(printf '%s\n' "$output" | jq -r .store | uniq | tr '\n' ,)" = "eu,shop," ]
	# --limit counts over all the stores; TKT_STORE takes a list too.
	run -0 bash -c "TKT_STORE=eu,shop tkt-list --limit 5 | jq -r .store | tr '\n' ,"
	[ "$output" = "eu,eu,eu,shop,shop," ]
}

@test "records on stdin are fetched again from the store each names" {
	two_stores
	tkt-list -s eu,shop --limit 5 >"$BATS_TEST_TMPDIR/five"
	run -0 --separate-stderr bash -c "tkt-list -s shop,eu - <'$BATS_TEST_TMPDIR/five' | jq -r '.store + \" \" + .id'"
	[ "$output" = "$(jq -r '.store + " " + .id' "$BATS_TEST_TMPDIR/five")" ]
	run -1 --separate-stderr bash -c "{ head -n 1 '$BATS_TEST_TMPDIR/five' | jq -r .id; echo '{\"id\":\"6b0000000000000000000001\",\"store\":\"us\"}'; tail -n 1 '$BATS_TEST_TMPDIR/five'; } | tkt-list -s shop,eu -"
	[ "$(printf '%s\n' "$output" | jq -r .store)" = shop ]
	[ "$stderr" = "tkt-list: <stdin>:1: a bare id names no store, and 2 are chosen: give records with their \"store\", or choose one store with -s
tkt-list: <stdin>:2: the record's store 'us' is not among those chosen with -s" ]
}

@test "several stores refuse ids as operands, -A on a v2 one, and the one-store overrides" {
	two_stores
	run -2 --separate-stderr tkt-list -s shop,eu 6b0000000000000000000001
	[ "$stderr" = "tkt-list: ticket ids as operands need one store (-s NAME), and 2 are chosen; records on standard input (-) go to the store they name" ]
	run -2 --separate-stderr tkt-list -s eu,shop -A
	[ "$stderr" = "tkt-list: -A/--all needs API v3: Wish's v2 API lists only the tickets awaiting your response (store 'shop' uses v2)" ]
	run -2 --separate-stderr tkt-list -s eu,shop --state CLOSED
	[ "$stderr" = "tkt-list: --state CLOSED: API v2 lists only AWAITING_MERCHANT tickets; other states need -A, which needs API v3 (or name the tickets by id) (store 'shop' uses v2)" ]
	run -2 --separate-stderr env TKT_TOKEN=x tkt-list -s eu,shop
	[ "$stderr" = "tkt-list: TKT_TOKEN is set, which replaces one store's token, and 2 stores are chosen: unset it, or choose one store" ]
	run -2 --separate-stderr env TKT_API_URL="$SANDBOX_URL" tkt-list -s eu,shop
	[[ "$stderr" == "tkt-list: TKT_API_URL is set, which replaces one store's url,"* ]]
	run -2 --separate-stderr tkt-list -s eu,nope
	[ "$stderr" = "tkt-list: no store named 'nope' (configured: shop, eu)" ]
	# One store still takes them, and "env" is still the store of TKT_API_URL alone.
	run -0 env TKT_TOKEN="$TEST_TOKEN" tkt-list -s eu --limit 1
	[ "$(printf '%s\n' "$output" | jq -r .store)" = eu ]
	rm "$XDG_CONFIG_HOME/tkt/config.yaml"
	run -0 env TKT_API_URL="$FAKE_URL" TKT_TOKEN=x TKT_API=v3 tkt-list --limit 1
	[ "$(printf '%s\n' "$output" | jq -r .store)" = env ]
}

@test "a store that fails does not hide the others, and exit 3 says the listing is incomplete" {
	printf '/api/v3/tickets\t503\t-\n' >"$BATS_TEST_TMPDIR/v3.routes"
	two_stores "$BATS_TEST_TMPDIR/v3.routes"
	run -3 --separate-stderr env TKT_RETRIES=0 tkt-list -s eu,shop --limit 2
	[ "$(printf '%s\n' "$output" | jq -r .store | tr '\n' ,)" = "shop,shop," ]
	[ "$stderr" = "tkt-list: store eu: page 1: HTTP 503 from the marketplace (request id req-1)
tkt-list: store eu: the listing stopped at page 1 after 0 records: it is incomplete" ]
}

@test "a refused token in one store stops the whole run with exit 4" {
	printf '%s\n' '{"code":1012,"data":{},"message":"Missing access token in authorization header"}' >"$BATS_TEST_TMPDIR/401.json"
	printf '/api/v3/tickets\t401\t401.json\n' >"$BATS_TEST_TMPDIR/v3.routes"
	two_stores "$BATS_TEST_TMPDIR/v3.routes"
	run -4 --separate-stderr tkt-list -s eu,shop
	[ -z "$output" ]
	[ "$stderr" = "tkt-list: store eu: page 1: the marketplace refused the token (HTTP 401, code 1012: Missing access token in authorization header; a person must renew it) (request id req-1)" ]
}

@test "the man page's EXAMPLES run as written" {
	local ex
	ex=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$TKT_ROOT/man/tkt-list.1" |
	    sed -n 's/^\.Dl //p' | sed 's/\\(dq/"/g' | grep -v '^tkt-list$')
	[ "$(printf '%s\n' "$ex" | wc -l)" -ge 6 ]
	while IFS= read -r line; do
		run bash -c "set -o pipefail; $line" </dev/null
		[ "$status" -eq 0 ] || [[ "$line" == *"-e >/dev/null"* && "$status" -eq 1 ]] ||
		    { echo "failed ($status): $line"; echo "$output"; return 1; }
	done <<<"$ex"
	run -0 bash -c 'tkt-list | head -n 3'
}

@test "a store that names no API speaks v3: exactly the tickets awaiting the merchant of the strict sandbox, every time in UTC" {
	only_api v3 "the default is v3"
	local d="$BATS_TEST_TMPDIR" t
	STORE="$d/store.jsonl"
	start_sandbox -d "$STORE" --seed 11 --tickets 400 --now "$TEST_NOW"
	shop_config 600
	unset TKT_API TKT_API_URL TKT_TOKEN
	run -0 --separate-stderr tkt-list -v --json
	# One key per state, never states[] (which a strict server ignores,
	# listing every state).
	[[ "$stderr" == *"GET /api/v3/tickets?states=AWAITING_MERCHANT&"* ]]
	[[ "$stderr" != *"states%5B%5D"* && "$stderr" != *"states[]"* ]]
	diff <(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$STORE" | sort) \
	    <(printf '%s\n' "$output" | jq -r .id | sort)
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .api == "v3" and .store == "shop" and
	    .state == "AWAITING_MERCHANT")'
	# The sandbox writes milliseconds, and some tickets at an offset: the
	# records have UTC times to the second.
	t=$(printf '%s\n' "$output" | jq -r '.. | objects | to_entries[] |
	    select(.key | test("_at$|^at$|waiting_since")) | .value // empty' | sort -u)
	[ -n "$t" ]
	[ -z "$(grep -vE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' <<<"$t")" ]
	curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets?limit=500" |
	    jq -e '[.data[] | .opened_at] | any(test("[+-][0-9]{2}:[0-9]{2}$")) and all(test("\\.[0-9]{3}"))'
}

# --sort (tkt-list(1), Sorting).  sorted_by KEY: true when the records on
# stdin are in KEY's order: due_at or opened_at ascending, updated_at
# descending, a record without the time last, ties by id.
sorted_by() {
	jq -s --arg k "$1" '
	    def t: .[$k] | if . == null then null else fromdate end;
	    (map([(t == null), (if $k == "updated_at" then -(t // 0) else (t // 0) end), .id])) as $keys
	    | length > 0 and $keys == ($keys | sort)'
}

@test "--sort due, opened and updated print every record by due_at, opened_at and updated_at, ties by id" {
	local all key
	all=$(tkt-list --sort none | jq -r .id | sort)
	[ "$(wc -l <<<"$all")" -gt 100 ]
	for key in due opened updated; do
		[ "$(tkt-list --sort "$key" | sorted_by "${key}_at")" = true ] ||
		    { echo "--sort $key"; return 1; }
		[ "$(tkt-list --sort "$key" | jq -r .id | sort)" = "$all" ]
	done
	# Not what the API gives: the sort did something.
	[ "$(tkt-list --sort none | jq -r .id)" != "$(tkt-list --sort due | jq -r .id)" ]
}

@test "--sort: tickets without a due_at come last, equal times go by id, operands are sorted too" {
	local store="$BATS_TEST_TMPDIR/store.jsonl" ids want
	start_sandbox -d "$store" --seed 11 --tickets 80 --now "$TEST_NOW"
	# Three tickets without a due_at (not awaiting the merchant) and three
	# with one, interleaved, the ones without first.
	ids=$(paste -d '\n' \
	    <(jq -r 'select(.state != "AWAITING_MERCHANT") | .id' "$store" | head -n 3) \
	    <(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$store" | head -n 3) |
	    tr '\n' ' ')
	[ "$(wc -w <<<"$ids")" -eq 6 ]
	run -0 bash -c "tkt-list --sort due $ids | jq -c '[.due_at, .id]'"
	[ "${#lines[@]}" -eq 6 ]
	[ "$(printf '%s\n' "${lines[@]:0:3}" | jq -r '.[0] | type' | sort -u)" = string ]
	[ "$(printf '%s\n' "${lines[@]:3:3}" | jq -r '.[0] | type' | sort -u)" = null ]
	[ "$(printf '%s\n' "${lines[@]:0:3}" | jq -s '. == sort')" = true ]
	# Among the three without, the id decides.
	[ "$(printf '%s\n' "${lines[@]:3:3}" | jq -r '.[1]')" = "$(printf '%s\n' "${lines[@]:3:3}" | jq -r '.[1]' | sort)" ]
	stop_sandbox
	# Tickets opened at one time, due at one time: in the order of their ids,
	# whatever the order asked.
	start_sandbox -d "$(store_of 5)" --now "$TEST_NOW"
	want=$(tkt-list | jq -r .id | sort)
	[ "$(tkt-list | jq -r .opened_at | sort -u | wc -l)" -eq 1 ]
	for key in due opened; do
		run -0 bash -c "tkt-list --sort $key $(tac <<<"$want" | tr '\n' ' ') | jq -r .id"
		[ "$output" = "$want" ]
	done
	run -0 bash -c "tkt-list --sort updated | jq -r .id"
	[ "$output" = "$want" ]	# store_of: the lower the id, the newer
}

@test "--limit with --sort prints the n first after sorting, every page read; without it the listing stops early" {
	local n full key
	for key in due updated; do
		full=$(tkt-list --sort "$key" | jq -r .id)
		# 1, 7, and 150 (the records kept are cut back to n at 2n: 300 of 400)
		for n in 1 7 150; do
			run -0 bash -c "tkt-list --sort $key --limit $n | jq -r .id"
			[ "$output" = "$(head -n "$n" <<<"$full")" ] || { echo "--sort $key --limit $n"; return 1; }
		done
	done
	# The 7 most urgent, by the records' own due_at.
	run -0 bash -c "tkt-list --sort due --limit 7 | jq -r .id"
	[ "$output" = "$(tkt-list --sort none | jq -rs 'sort_by(.due_at, .id) | .[:7][] | .id')" ]
	# Unsorted, --limit asks for one page; sorted, for every page.
	run -0 bash -c 'tkt-list -v --limit 5 2>&1 >/dev/null | grep -c " GET "'
	[ "$output" -eq 1 ]
	full=$(tkt-list -v 2>&1 >/dev/null | grep -c " GET ")
	run -0 bash -c 'tkt-list -v --sort due --limit 5 2>&1 >/dev/null | grep -c " GET "'
	[ "$output" -eq "$full" ]
}

@test "on a terminal a listing is sorted by due_at by default, --sort none gives the API's order; a pipe streams the API's order" {
	local due api
	due=$(tkt-list --sort due --limit 6 | jq -r .id)
	api=$(tkt-list --sort none --limit 6 | jq -r .id)
	[ "$due" != "$api" ]
	# A pipe: the API's order, as without --sort (v3: newest update first).
	[ "$(tkt-list --limit 6 | jq -r .id)" = "$api" ]
	if [ "$TKT_TEST_API" = v3 ]; then
		run -0 bash -c 'tkt-list | jq -s "map(.updated_at) | . == (sort | reverse)"'
		[ "$output" = true ]
	fi
	# A terminal, as JSON lines and as the table.
	run -0 on_tty "tkt-list --json --limit 6"
	[ "$(tr -d '\r' <<<"$output" | jq -r .id)" = "$due" ]
	NO_COLOR=1 run -0 on_tty "tkt-list --limit 6"
	[[ "$output" == ID*TYPE* ]]
	[ "$(grep -oE '\b[0-9a-f]{24}\b' <<<"$output")" = "$due" ]
	run -0 on_tty "tkt-list --json --sort none --limit 6"
	[ "$(tr -d '\r' <<<"$output" | jq -r .id)" = "$api" ]
	NO_COLOR=1 run -0 on_tty "tkt-list --sort none --limit 6"
	[ "$(grep -oE '\b[0-9a-f]{24}\b' <<<"$output")" = "$api" ]
	# Ids as operands keep the order asked on a terminal too.
	run -0 on_tty "tkt-list --json $(tr '\n' ' ' <<<"$api")"
	[ "$(tr -d '\r' <<<"$output" | jq -r .id)" = "$api" ]
	run -0 on_tty "tkt-list --json --sort due $(tr '\n' ' ' <<<"$api")"
	[ "$(tr -d '\r' <<<"$output" | jq -r .id)" = "$(tkt-list --sort due $api | jq -r .id)" ]
}

@test "a --sort that is not a key exits 2 naming the keys" {
	local bad
	for bad in urgency DUE '' due,opened; do
		run -2 --separate-stderr tkt-list --sort "$bad"
		[ -z "$output" ]
		[ "$stderr" = "tkt-list: --sort: '$bad' is not one of due, opened, updated, none" ]
	done
	run -0 tkt-list -h
	[[ "$output" == *"[--sort key]"* ]]
	grep -q '^\.Op Fl -sort Ar key$' "$TKT_ROOT/man/tkt-list.1"
}

@test "--sort sorts several stores together" {
	two_stores
	local n
	n=$(( $(tkt-list -s shop --json | wc -l) + 3 ))
	[ "$(tkt-list -s shop,eu --sort due --json | sorted_by due_at)" = true ]
	run -0 bash -c 'tkt-list -s shop,eu --sort due --json | jq -r .store | uniq | wc -l'
	[ "$output" -gt 2 ]	# interleaved, not one store after the other
	[ "$(tkt-list -s shop,eu --sort due --json | wc -l)" -eq "$n" ]
	[ "$(tkt-list -s eu,shop --sort opened --json | sorted_by opened_at)" = true ]
}

@test "SIGINT during a sorted read prints what was read, sorted, whole lines, and exits 130" {
	local ids="$BATS_TEST_TMPDIR/ids" out="$BATS_TEST_TMPDIR/out" err="$BATS_TEST_TMPDIR/err" pid n
	tkt-list --sort none | jq -r .id >"$ids"
	# A sandbox of the same tickets, answering each request after 60 ms.
	start_sandbox --seed 11 --tickets 400 --now "$TEST_NOW" --faults slow=60
	# Job control on, as a terminal would: SIGINT is not ignored.
	set -m
	tkt-list --sort due -P 1 --json - <"$ids" >"$out" 2>"$err" &
	pid=$!
	set +m
	sleep 1
	kill -INT "$pid"
	wait "$pid" && status=0 || status=$?
	[ "$status" -eq 130 ] || { echo "status $status"; cat "$err"; return 1; }
	n=$(wc -l <"$out")
	[ "$n" -ge 1 ] && [ "$n" -lt "$(wc -l <"$ids")" ]
	run -0 sorted_by due_at <"$out"
	[ "$output" = true ]
	[ "$(cat "$err")" = "tkt-list: interrupted by SIGINT: $n ticket$([ "$n" -eq 1 ] || echo s) printed, the rest not asked for" ]
}

# --save-files (tkt-list(1), Saving files).

# files_ticket NAME|URL...: a sandbox of this test's own, serving files
# (--files), whose first listed ticket ($FID) has a first reply with these
# images: a NAME in Wish's bucket (handed out as a signed link to the
# sandbox), a URL as it is.  $FHOST is the sandbox's host:port.
files_ticket() {
	local store="$BATS_TEST_TMPDIR/store.jsonl" urls
	start_sandbox --seed 11 --tickets 20 --now "$TEST_NOW" -d "$store"
	FID=$(tkt-list --sort none --limit 1 | jq -r .id)
	stop_sandbox
	urls=$(printf '%s\n' "$@" | jq -R 'if test("://") then . else
	    "https://s3-us-west-1.amazonaws.com/sweeper-production-ticket-image-uploads/" + . end' | jq -s -c .)
	jq -c --arg id "$FID" --argjson u "$urls" \
	    'if .id == $id then .replies[0].images = $u else . end' "$store" >"$store.new"
	mv "$store.new" "$store"
	start_sandbox -d "$store" --now "$TEST_NOW" --files
	FHOST=${SANDBOX_URL#http://}
}

# allow_files: the sandbox's files in file_hosts.
allow_files() {
	write_config <<EOF2
file_hosts: ["$FHOST/files/"]
EOF2
}

# files_fetched: how many requests the sandbox's files route had.
files_fetched() {
	grep -c '^tkt-sandbox: files: GET ' "$SANDBOX_ERR" || true
}

@test "--save-files: each reply's files saved by content, with sha256 and bytes in replies[].files" {
	local dir="$BATS_TEST_TMPDIR/files" n=0 f path sha bytes
	start_sandbox --seed 11 --tickets 400 --now "$TEST_NOW" --files
	FHOST=${SANDBOX_URL#http://}
	allow_files
	run -0 --separate-stderr tkt-list --json --save-files "$dir"
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	# Every reply has files, one for each of its images.
	[ "$(jq -c '.replies[] | select((.files | length) != (.images | length))' <<<"$output")" = "" ]
	while IFS=$'\t' read -r path sha bytes; do
		f="$dir/$path"
		[ -f "$f" ]
		[ "$(sha256sum "$f" | cut -c1-64)" = "$sha" ]
		[ "$(wc -c <"$f")" -eq "$bytes" ]
		[[ $path == "${sha:0:2}/$sha.jpg" ]]
		n=$((n + 1))
	done < <(jq -r '.replies[].files[] | [.path, .sha256, .bytes] | @tsv' <<<"$output")
	[ "$n" -gt 2 ]
	[ "$(files_fetched)" -eq "$n" ]
	[ "$(wc -l <"$dir/index.jsonl")" -eq "$n" ]
	# images stays the list of URLs.
	[ "$(jq -r '.replies[].images[]' <<<"$output" | grep -vc "^$SANDBOX_URL/files/")" -eq 0 ]
}

@test "tkt-list(1)'s --save-files line for cron runs as written: photos kept, records appended, nothing fetched twice" {
	local ex n
	ex=$(awk '/records naming them, from cron every half hour:/ { want = 1; next }
	    want && /^\.Bd/ { on = 1; next } on { print; exit }' "$TKT_ROOT/man/tkt-list.1")
	[ "$ex" = "tkt-list --save-files ~/tkt-files >>~/tkt-records.jsonl" ]
	start_sandbox --seed 11 --tickets 60 --now "$TEST_NOW" --files
	FHOST=${SANDBOX_URL#http://}
	allow_files
	run -0 --separate-stderr bash -c "$ex"
	[ -z "$stderr" ] || { echo "$stderr"; return 1; }
	n=$(jq -r '.replies[].files[]?.path' "$HOME/tkt-records.jsonl" | wc -l)
	[ "$n" -gt 0 ]
	[ "$(files_fetched)" -eq "$n" ]
	jq -r '.replies[].files[]?.path' "$HOME/tkt-records.jsonl" |
	    while read -r f; do [ -s "$HOME/tkt-files/$f" ]; done
	# Half an hour later: the same photos, fresh links, none fetched again.
	run -0 --separate-stderr bash -c "$ex"
	[ "$(files_fetched)" -eq "$n" ]
	[ "$(wc -l <"$HOME/tkt-records.jsonl")" -eq $((2 * $(tkt-list | wc -l))) ]
}

@test "--save-files: SHA-256 of files with known content (FIPS 180-4 vectors)" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket text-.txt text-abc.txt text-abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq.txt
	allow_files
	run -0 --separate-stderr tkt-list --save-files "$dir" "$FID"
	run -0 jq -r '.replies[0].files[] | "\(.sha256) \(.bytes) \(.path)"' <<<"$output"
	[ "${lines[0]}" = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 0 e3/e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.txt" ]
	[ "${lines[1]}" = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad 3 ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.txt" ]
	[ "${lines[2]}" = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1 56 24/248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1.txt" ]
	[ "$(cat "$dir/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.txt")" = abc ]
}

@test "--save-files: a second run fetches nothing again, though the links are new" {
	local dir="$BATS_TEST_TMPDIR/files" n first
	files_ticket a.jpg b.PNG c
	allow_files
	run -0 --separate-stderr tkt-list --save-files "$dir" "$FID"
	first=$(jq -c '[.replies[].files[] | del(.url)]' <<<"$output")
	n=$(files_fetched)
	[ "$n" -eq 3 ]
	[ "$(jq -r '.replies[0].files[].path | sub("^[0-9a-f]{2}/[0-9a-f]{64}"; "")' <<<"$output" | tr '\n' ' ')" = ".jpg .png  " ]
	run -0 --separate-stderr tkt-list --save-files "$dir" "$FID"
	[ -z "$stderr" ]
	[ "$(files_fetched)" -eq "$n" ]
	[ "$(jq -c '[.replies[].files[] | del(.url)]' <<<"$output")" = "$first" ]
	[ "$(wc -l <"$dir/index.jsonl")" -eq 3 ]
	# A file gone from DIR is fetched again.
	rm "$dir/$(jq -r '.replies[0].files[0].path' <<<"$output")"
	run -0 tkt-list --save-files "$dir" "$FID"
	[ "$(files_fetched)" -eq $((n + 1)) ]
}

@test "--save-files: an expired link is said for that file, the others are saved, exit 1" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket a.jpg expired-b.jpg c.jpg
	allow_files
	run -1 --separate-stderr tkt-list --save-files "$dir" "$FID"
	[ "$stderr" = "tkt-list: ticket $FID: reply at $(jq -r '.replies[0].at' <<<"$output"): expired-b.jpg not saved: HTTP 403: the link has expired or was refused (saved only while a ticket's links live)" ]
	[ "$(jq '.replies[0].images | length' <<<"$output")" -eq 3 ]
	[ "$(jq '.replies[0].files | length' <<<"$output")" -eq 2 ]
	grep -q 'files: GET /files/expired-b.jpg: 403 expired' "$SANDBOX_ERR"
}

@test "--save-files: a place not in file_hosts is refused once, with the line that allows it; the records still print" {
	local dir="$BATS_TEST_TMPDIR/files" n
	files_ticket a.jpg b.jpg
	n=$(tkt-list --json | wc -l)
	# The default file_hosts (Wish's bucket) refuses the sandbox.
	run -1 --separate-stderr tkt-list --json --save-files "$dir"
	[ "$stderr" = "tkt-list: not saving files from $FHOST/files/: add it to file_hosts (file_hosts: [\"$FHOST/files/\"])" ]
	[ "${#lines[@]}" -eq "$n" ]
	[ "$(jq -c '[.replies[].files[]]' <<<"$output" | sort -u)" = "[]" ]
	[ "$(files_fetched)" -eq 0 ]
	# Another place in the list refuses it too; the line given allows it.
	write_config <<EOF2
stores:
  shop:
    url: $SANDBOX_URL
    file_hosts: ["$FHOST/other/", "s3-us-west-1.amazonaws.com/"]
EOF2
	run -1 --separate-stderr tkt-list --json --save-files "$dir"
	[ "$stderr" = "tkt-list: not saving files from $FHOST/files/: add it to file_hosts (file_hosts: [\"$FHOST/files/\"])" ]
	allow_files
	run -0 tkt-list --json --save-files "$dir"
	[ "$(files_fetched)" -gt 0 ]
}

@test "--save-files: no Authorization or Cookie ever goes to the file host" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket a.jpg b.jpg
	allow_files
	run -0 tkt-list -v --save-files "$dir" "$FID"
	[ "$(files_fetched)" -eq 2 ]
	[ "$(grep -c 'Authorization: none; Cookie: none$' "$SANDBOX_ERR")" -eq 2 ]
	! grep -q 'Authorization: sent' "$SANDBOX_ERR"
	! grep -qF "$TEST_TOKEN" "$SANDBOX_ERR"
}

@test "--save-files: a file over 20 MiB is not saved, and said" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket big-a.jpg b.jpg
	allow_files
	run -1 --separate-stderr tkt-list --save-files "$dir" "$FID"
	[[ $stderr == "tkt-list: ticket $FID: reply at "*": big-a.jpg not saved: "*"larger than 20971520 bytes"* ]] || { echo "$stderr"; return 1; }
	[ "$(jq -r '.replies[0].files | map(.bytes) | length' <<<"$output")" -eq 1 ]
	[ -z "$(find "$dir" -size +20000k)" ]
}

@test "--save-files: https only, plain http to loopback alone; file_hosts must be host/path/" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket http://files.example/x/a.jpg b.jpg
	write_config <<EOF2
file_hosts: ["$FHOST/files/", "files.example/"]
EOF2
	run -1 --separate-stderr tkt-list --save-files "$dir" "$FID"
	[ "$stderr" = "tkt-list: ticket $FID: reply at $(jq -r '.replies[0].at' <<<"$output"): not saving a.jpg: plain http is refused except to loopback" ]
	[ "$(jq '.replies[0].files | length' <<<"$output")" -eq 1 ]
	write_config <<EOF2
file_hosts: ["https://$FHOST/files/"]
EOF2
	run -2 --separate-stderr tkt-list --save-files "$dir" "$FID"
	[[ $stderr == *"file_hosts: 'https://$FHOST/files/' is not host/path-prefix/"* ]]
}

@test "--save-files --thread: each reply shows where its files were saved" {
	local dir="$BATS_TEST_TMPDIR/files"
	files_ticket a.jpg b.jpg
	allow_files
	run -0 tkt-list --thread --save-files "$dir" "$FID"
	[[ $output == *"[2 images]"* ]]
	[ "$(grep -cE "^    saved: $dir/[0-9a-f]{2}/[0-9a-f]{64}\.jpg\$" <<<"$output")" -eq 2 ]
	# The paths are those of the record.
	run -0 tkt-list --save-files "$dir" "$FID"
	[ -f "$dir/$(jq -r '.replies[0].files[1].path' <<<"$output")" ]
}
