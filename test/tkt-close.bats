#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# tkt-close: closing, --refund, --reopen, results, dry run, journal, safe
# retries, exit statuses and every error a user can hit; a fault soak.
# Every test that writes starts its own sandbox over its own store file.

load test_helper

load action_helper
load soak_helper

@test "closes records and bare ids mixed in one stream, from files and -, in input order" {
	sandbox
	local a b c d="$BATS_TEST_TMPDIR"
	read -r a b c <<<"$(pick "$AM" 3 | tr '\n' ' ')"
	tkt-list "$a" >"$d/a.jsonl"
	tkt-list "$c" >"$d/c.jsonl"
	run -0 --separate-stderr tkt-close -P 4 "$d/a.jsonl" - "$d/c.jsonl" <<<"$b"
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "$a $b $c " ]
	printf '%s\n' "$output" | jq -e -s --arg now "$TEST_NOW" 'length == 3 and
	    all(.[]; .result | keys == ["action", "at", "ok", "steps"] and
	    .action == "close" and .ok == true and .at == $now and
	    (.steps | length == 1 and (.[0] | keys == ["action", "at", "ok", "request_id"] and
	    .action == "close" and .ok == true and .at == $now and
	    (.request_id | test("^[0-9a-f]{24}$")))))'
	# A bare id comes out as a record of its own.
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -c keys)" = '["id","result"]' ]
	[ "$(state "$a") $(state "$b") $(state "$c")" = "CLOSED CLOSED CLOSED" ]
	[ "$(changes "$a") $(changes "$b") $(changes "$c")" = "1 1 1" ]
}

@test "passes a record through byte for byte, adding result at the end or replacing it in place" {
	sandbox
	local a b line
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	line=$(tkt-list "$a" | sed 's|^{|{"price":6.69e0,"esc":"\\u00e9\\/","k":[1 , 2],|')
	run -0 --separate-stderr tkt-close <<<"$line"
	[ "${output%,\"result\":*}}" = "$line" ]
	[[ "$output" == *',"result":{"action":"close","ok":true,'*'}}' ]]
	line="{\"id\":\"$b\",\"result\":{\"action\":\"reply\",\"ok\":false},\"tail\":6.69e0}"
	run -0 --separate-stderr tkt-close <<<"$line"
	[[ "$output" == "{\"id\":\"$b\",\"result\":{\"action\":\"close\",\"ok\":true,"*'}]},"tail":6.69e0}' ]]
	[ "$(grep -o '"result":' <<<"$output" | wc -l)" -eq 1 ]
}

@test "a later action tool replaces the result of an earlier one" {
	sandbox
	local a
	a=$(pick "$AM")
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-appeal | tkt-close"
	[ "$(grep -o '"result":' <<<"$output" | wc -l)" -eq 1 ]
	printf '%s\n' "$output" | jq -e '.result.action == "close" and .result.ok and
	    .result.steps[0].action == "close"'
	[ "$(state "$a")" = CLOSED ]
	[ "$(changes "$a")" -eq 2 ]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -n --refund | tkt-appeal -n"
	[ "$(grep -o '"result":' <<<"$output" | wc -l)" -eq 1 ]
	printf '%s\n' "$output" | jq -e '.result.action == "appeal" and .result.dry_run'
}

@test "a pipeline of action tools streams far more than a pipe holds without waiting on itself" {
	sandbox
	cp "$STORE" "$BATS_TEST_TMPDIR/in.jsonl"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/in.jsonl")" -gt 200000 ]
	run -0 --separate-stderr timeout 60 bash -c "tkt-appeal -P 8 '$BATS_TEST_TMPDIR/in.jsonl' 2>/dev/null |
	    tkt-close -P 8 | tkt-close -n"
	[ "${#lines[@]}" -eq 120 ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result | .action == "close" and .ok and .dry_run)'
	[ "$(jq -r 'select(.state != "CLOSED" and .state != "PERMANENTLY_CLOSED") | .id' "$BATS_TEST_TMPDIR/in.jsonl" |
	    head -n 1 | xargs tkt-list | jq -r .state)" = CLOSED ]
}

@test "--refund refunds every order with the record's refund_reason, then closes" {
	sandbox
	local a o1 o2 rr
	a=$(pick "$ORDER2")
	read -r o1 o2 <<<"$(orders "$a" | tr '\n' ' ')"
	# The ticket's reason in its version's words: "19" on v2, an enum on v3.
	rr=$(tkt-list "$a" | jq -r .refund_reason)
	[ "$rr" = "$(reason "$(jq -r --arg id "$a" 'select(.id == $id) | .refund_reason' "$STORE")")" ]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -n --refund"
	[ "$(printf '%s\n' "$output" | jq -c '.result.steps[].request')" = \
	    "$(request refund "$o1" "$rr"; request refund "$o2" "$rr"; request close "$a")" ]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund"
	[ "$(reqs | tr '\n' ' ')" = \
	    "$(refunded_seq "$o1") $(refunded_seq "$o2") $(sent close "$a") 200 " ]
	printf '%s\n' "$output" | jq -e --arg o1 "$o1" --arg o2 "$o2" '.result.ok and
	    (.result.steps | map([.action, .order, .ok]) ==
	    [["refund", $o1, true], ["refund", $o2, true], ["close", null, true]]) and
	    all(.result.steps[]; .request_id | length == 24)'
	[ "$(state "$a")" = CLOSED ]
	[ "$(stored "$a" | jq -c '[.state, [.orders[] | .state, .refunded_time]]')" = \
	    '["CLOSED",["REFUNDED","2026-11-23","REFUNDED","2026-11-23"]]' ]
	[ "$(refunds "$o1") $(refunds "$o2")" = "1 1" ]
}

@test "--order picks orders (repeated or comma list), --reason and --note are sent" {
	sandbox
	local a o1 o2 r
	a=$(pick "$ORDER2")
	read -r o1 o2 <<<"$(orders "$a" | tr '\n' ' ')"
	r=$(reason 21)
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -n --refund --order $o2 --order $o1 --reason $r --note 'Sorry & thanks'"
	[ "$(printf '%s\n' "$output" | jq -c '.result.steps[].request')" = \
	    "$(request refund "$o2" "$r" 'Sorry & thanks'; request refund "$o1" "$r" 'Sorry & thanks'; request close "$a")" ]
	if [ "$TKT_TEST_API" = v2 ]; then
		[ "$(printf '%s\n' "$output" | jq -r '.result.steps[0].request.body')" = \
		    "id=$o2&reason_code=21&reason_note=Sorry%20%26%20thanks" ]
	else
		[ "$(printf '%s\n' "$output" | jq -r '.result.steps[0].request.body')" = \
		    '{"refund_reason":"ITEM_IS_POOR_QUALITY","refund_reason_note":"Sorry & thanks"}' ]
	fi
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -n --refund --order $o1,$o2"
	[ "$(printf '%s\n' "$output" | jq -r '[.result.steps[].order] | join(" ")')" = "$o1 $o2 " ]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close --refund --order $o2 --note 'Sorry & thanks'"
	printf '%s\n' "$output" | jq -e --arg o2 "$o2" '.result.ok and
	    (.result.steps | map([.action, .order]) == [["refund", $o2], ["close", null]])'
	[ "$(state "$a")" = CLOSED ]
	[ "$(stored "$a" | jq -c '[.state, [.orders[] | .state, .refunded_reason]]')" = \
	    '["CLOSED",["SHIPPED",null,"REFUNDED","Sorry & thanks"]]' ]
}

@test "--order naming an order of another ticket fails before anything is sent" {
	sandbox
	local a b ob
	read -r a b <<<"$(pick "$ORDER1" 2 | tr '\n' ' ')"
	ob=$(orders "$b")
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund --order $ob"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: --order $ob is not an order of this ticket
tkt-close: 0 closed, 0 already done, 1 failed: --order $ob is not an order of this ticket" ]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error ==
	    {"kind": "local", "message": "--order '"$ob"' is not an order of this ticket"}'
	# A bare id is read first, then refused the same way.
	run -1 --separate-stderr tkt-close -v --refund --order "$ob" <<<"$a"
	[ "$(reqs)" = "$(read_of "$a") 200" ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: --order $ob is not an order of this ticket
tkt-close: 0 closed, 0 already done, 1 failed: --order $ob is not an order of this ticket" ]]
	[ "$(changes "$a") $(changes "$b")" = "0 0" ]
}

@test "a refund is never repeated, not even with --force: an order refunded since is confirmed by read-back, one shown REFUNDED is skipped" {
	sandbox
	local a o1 o2 old
	a=$(pick "$ORDER2")
	read -r o1 o2 <<<"$(orders "$a" | tr '\n' ' ')"
	old="$BATS_TEST_TMPDIR/old.jsonl"
	tkt-list "$a" >"$old"
	# Refunded and closed since by a run with a journal of its own (a
	# colleague's, on another machine).
	run -0 --separate-stderr env XDG_STATE_HOME="$BATS_TEST_TMPDIR/elsewhere" \
	    tkt-close --refund --order "$o1" "$old"
	# The old record does not say REFUNDED (SHIPPED on v2; a v3 ticket has
	# no order states) and this journal knows nothing.  On v2 Wish answers
	# "already refunded", the read-back (the ticket) shows REFUNDED, and
	# the refund counts as done; on v3 the order read before the refund
	# shows it refunded, and nothing is sent for it.  The close, refused
	# with 1010, is confirmed by the read-back likewise.
	run -0 --separate-stderr tkt-close -v --refund "$old"
	case $TKT_TEST_API in
	v2) [ "$(reqs | tr '\n' ' ')" = "$(sent refund "$o1") 400 $(refund_check "$o1" "$a") 200 $(sent refund "$o2") 200 $(sent close "$a") 400 $(read_of "$a") 200 " ] ;;
	v3) [ "$(reqs | tr '\n' ' ')" = "GET /api/v3/orders/$o1 200 $(refunded_seq "$o2") $(sent close "$a") 400 $(read_of "$a") 200 " ] ;;
	esac
	printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("error") or has("skipped") | not) and
	    ([.result.steps[] | [.action, .ok, .skipped]] == [["refund", true, null],
	    ["refund", true, null], ["close", true, null]])'
	# --force reads the ticket first, even for the old record.
	run -0 --separate-stderr tkt-close -v --force --refund "$old"
	if [ "$TKT_TEST_API" = v2 ]; then
		# Both orders show REFUNDED and the ticket CLOSED: nothing at
		# all is sent.
		[ "$(reqs)" = "$(read_of "$a") 200" ]
		printf '%s\n' "$output" | jq -e '.result.ok and .result.skipped and
		    [.result.steps[] | [.action, .skipped]] == [["refund", true], ["refund", true], ["close", true]]'
	else
		# A v3 ticket does not show its orders' states: each order
		# is read, shows REFUNDED, and nothing is sent for it; the
		# ticket shows CLOSED, and the close is skipped.
		[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 GET /api/v3/orders/$o1 200 GET /api/v3/orders/$o2 200 " ]
		printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("skipped") | not) and
		    [.result.steps[] | [.action, .ok, .skipped]] == [["refund", true, null], ["refund", true, null], ["close", true, true]]'
	fi
	[ "$(refunds "$o1") $(refunds "$o2")" = "1 1" ]
}

@test "--refund of a ticket with orders and no refund_reason needs --reason" {
	sandbox
	local a
	a=$(pick '.state == "AWAITING_MERCHANT" and (.orders | length) == 1 and .refund_reason == null')
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: no refund reason: the ticket has no refund_reason; give --reason CODE
tkt-close: 0 closed, 0 already done, 1 failed: no refund reason" ]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.kind == "local"'
	[ "$(changes "$a")" -eq 0 ]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close --refund --reason $(reason 23)"
	[ "$(state "$a")" = CLOSED ]
	[ "$(stored "$a" | jq -c '[.state, .orders[0].state, .orders[0].refunded_reason]')" = \
	    '["CLOSED","REFUNDED","Item arrived damaged"]' ]
}

@test "a v2 reason code on a v3 store fails each record before anything is sent" {
	only_api v3 "v2 takes the codes"
	sandbox
	local a b
	read -r a b <<<"$(pick "$ORDER1" 2 | tr '\n' ' ')"
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund --reason 19"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: --reason 19 is an API v2 code; store 'env' speaks v3, which takes a reason name such as ITEM_IS_DAMAGED
tkt-close: 0 closed, 0 already done, 1 failed: --reason 19 is an API v2 code" ]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error == {kind: "local",
	    message: "--reason 19 is an API v2 code; store '\''env'\'' speaks v3, which takes a reason name such as ITEM_IS_DAMAGED"}'
	# A bare id is read first, then refused the same way; a dry run too.
	run -1 --separate-stderr tkt-close -v --refund --reason 19 <<<"$b"
	[ "$(reqs)" = "$(read_of "$b") 200" ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $b: --reason 19 is an API v2 code; store 'env' speaks v3, which takes a reason name such as ITEM_IS_DAMAGED
tkt-close: 0 closed, 0 already done, 1 failed: --reason 19 is an API v2 code" ]]
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -n --refund --reason 19"
	printf '%s\n' "$output" | jq -e '.result | .dry_run and .ok == false and .error.kind == "local" and
	    (has("request") | not)'
	[ "$(changes "$a") $(changes "$b")" = "0 0" ]
	[ ! -s "$JOURNAL" ]
}

@test "a reason code Wish refuses fails the refund with 1000 and the ticket is not closed" {
	sandbox
	local a o msg r takes=
	a=$(pick "$ORDER1")
	o=$(orders "$a")
	case $TKT_TEST_API in
	v2) r=999x msg="Invalid parameter 'reason_code': '999x' is not a reason code" ;;
	v3) # One of Wish's reasons, that a shipped order does not take.
	    r=UNABLE_TO_SHIP
	    msg="Invalid parameter 'refund_reason': order $o, SHIPPED, does not take 'UNABLE_TO_SHIP' (see GET /api/v3/orders/$o/refund_reasons)"
	    # v3 has the order's reasons to offer: they are named.
	    takes="; the order takes ITEM_RETURNED_TO_SENDER, ITEM_IS_DAMAGED, SHIPPING_TAKING_TOO_LONG, *, MERCHANT_REPORTED_BUYER_FRAUD" ;;
	esac
	tkt-list "$a" >"$BATS_TEST_TMPDIR/rec"
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close --refund --reason $r"
	[[ "$stderr" == "tkt-close: <stdin>:1: ticket $a: $msg (code 1000, HTTP 400)"$takes" (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: Invalid parameter '$(by_api reason_code refund_reason)' (HTTP 400)" ]]
	if [ "$TKT_TEST_API" = v3 ]; then
		run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund --reason $r"
		[ "$(reqs | tr '\n' ' ')" = "GET /api/v3/orders/$o 200 PUT /api/v3/orders/$o/refund 400 GET /api/v3/orders/$o 200 GET /api/v3/orders/$o/refund_reasons 200 " ]
		# When the reasons cannot be read, the refusal stands as Wish said it.
		stop_sandbox
		start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "500@GET/api/v3/orders/$o/refund_reasons"
		run -1 --separate-stderr env TKT_RETRIES=0 tkt-close --refund --reason $r "$BATS_TEST_TMPDIR/rec"
		[[ "$stderr" == "tkt-close: $BATS_TEST_TMPDIR/rec:1: ticket $a: $msg (code 1000, HTTP 400) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: Invalid parameter 'refund_reason' (HTTP 400)" ]]
	fi
	printf '%s\n' "$output" | jq -e '.result.ok == false and (.result.steps | length == 1 and
	    .[0].action == "refund" and .[0].ok == false) and (.result.error | .kind == "remote" and
	    .code == 1000 and .http == 400 and (.request_id | length == 24))'
	[ "$(state "$a")" = AWAITING_MERCHANT ]
	[ "$(refunds "$o")" -eq 0 ]
	[ "$(changes "$a")" -eq 0 ]
	[ ! -s "$JOURNAL" ] || [ -z "$(awk -F '\t' '$7 == "done"' "$JOURNAL")" ]
}

@test "v3: a ticket's own reason that Wish's refunds do not take, or no reason of Wish's, is refused before any write" {
	only_api v3 "v2 takes any code Wish knows"
	sandbox
	local a b o takes long
	# The sandbox gives v2's code 19 as USER_NO_LONGER_WANTS_ITEM, a ticket's reason.
	read -r a b <<<"$(pick "$AM"' and .type == "ORDER" and (.orders | length) == 1 and .refund_reason == "19" and .orders[0].state == "SHIPPED"' 2 | tr '\n' ' ')"
	o=$(orders "$a")
	takes="the order takes ITEM_RETURNED_TO_SENDER, ITEM_IS_DAMAGED, SHIPPING_TAKING_TOO_LONG, *, MERCHANT_REPORTED_BUYER_FRAUD"
	# A dry run says it would be refused, and reads nothing.
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -n -v --refund"
	[ -z "$(reqs)" ]
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: refund reason USER_NO_LONGER_WANTS_ITEM would be refused: it is a ticket's, not one Wish refunds an order for; choose one with --reason (GET /api/v3/orders/ID/refund_reasons lists what an order takes)
tkt-close: 0 would be closed, 0 already done, 1 failed: refund reason USER_NO_LONGER_WANTS_ITEM would be refused" ]
	printf '%s\n' "$output" | jq -e '.result | .dry_run and .ok == false and .error.kind == "local"'
	# A run reads what the order takes (one request), names it, sends nothing.
	# (The summary names a reason by at most 80 characters of its message,
	# cut at a space.)
	long="refund reason USER_NO_LONGER_WANTS_ITEM is a ticket's, not one Wish refunds an…"
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund"
	[ "$(reqs)" = "GET /api/v3/orders/$o/refund_reasons 200" ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: refund reason USER_NO_LONGER_WANTS_ITEM is a ticket's, not one Wish refunds an order for: nothing was sent; choose one with --reason; "$takes"
tkt-close: 0 closed, 0 already done, 1 failed: $long" ]]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.kind == "local" and
	    ([.result.steps[] | [.action, .ok]] == [["refund", false]])'
	# --reason OTHER likewise, and a value that is no reason of Wish's at all.
	run -1 --separate-stderr bash -c "tkt-list $b | tkt-close --refund --reason OTHER"
	[[ "$stderr" == "tkt-close: <stdin>:1: ticket $b: refund reason OTHER is a ticket's, not one Wish refunds an order for: nothing was sent; choose one with --reason; the order takes "*"
tkt-close: 0 closed, 0 already done, 1 failed: refund reason OTHER is a ticket's, not one Wish refunds an order for" ]]
	run -1 --separate-stderr bash -c "tkt-list $b | tkt-close --refund --reason BOGUS_REASON"
	[[ "$stderr" == "tkt-close: <stdin>:1: ticket $b: refund reason BOGUS_REASON is not one of Wish's refund reasons: nothing was sent; choose one with --reason; the order takes "*"
tkt-close: 0 closed, 0 already done, 1 failed: refund reason BOGUS_REASON is not one of Wish's refund reasons" ]]
	# When the reasons cannot be read, the refusal stands without them.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "500@GET/api/v3/orders/$o/refund_reasons"
	run -1 --separate-stderr env TKT_RETRIES=0 bash -c "tkt-list $a | tkt-close --refund"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: refund reason USER_NO_LONGER_WANTS_ITEM is a ticket's, not one Wish refunds an order for: nothing was sent; choose one with --reason
tkt-close: 0 closed, 0 already done, 1 failed: $long" ]
	[ "$(changes "$a") $(changes "$b")" = "0 0" ]
	[ ! -s "$JOURNAL" ]
	# --reason with one the order takes refunds it.
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close --refund --reason ITEM_DOES_NOT_FIT"
	[ "$(refunds "$o")" -eq 1 ]
	[ "$(state "$a")" = CLOSED ]
}

@test "closing a closed ticket succeeds: a bare id read closed is skipped, a record's 1010 is confirmed by the read-back" {
	sandbox
	local a b d="$BATS_TEST_TMPDIR"
	a=$(pick '.state == "CLOSED"')
	b=$(pick '.state == "PERMANENTLY_CLOSED"')
	# A bare id is read first: closed already, it is skipped, nothing sent.
	run -0 --separate-stderr tkt-close -v -P 1 <<<"$a
$b"
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 $(read_of "$b") 200 " ]
	printf '%s\n' "$output" | jq -e -s --arg now "$TEST_NOW" 'map(.result) == [range(2) |
	    {action: "close", ok: true, at: $now, skipped: true,
	    steps: [{action: "close", ok: true, at: $now, skipped: true}]}]'
	[ ! -s "$JOURNAL" ]
	# A record is not read first: the close is sent, Wish refuses it (1010),
	# and the read-back shows the ticket closed.
	{ tkt-list "$a"; tkt-list "$b"; } >"$d/recs.jsonl"
	run -0 --separate-stderr tkt-close -v -P 1 "$d/recs.jsonl"
	[ "$(reqs | sort)" = "$(printf '%s 200\n%s 400\n' "$(read_of "$a")" "$(sent close "$a")" \
	    "$(read_of "$b")" "$(sent close "$b")" | sort)" ]
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .result.ok and
	    (.result | has("error") or has("skipped") | not) and .result.steps[0].ok)'
	[ "$(jdone)" -eq 2 ]
	[ "$(changes "$a") $(changes "$b")" = "0 0" ]
}

@test "an unknown ticket fails with Wish's 1004, message and request id; the others still close" {
	sandbox
	local a
	a=$(pick "$AM")
	# A bare id is read first: the read fails, before any step is planned.
	run -1 --separate-stderr tkt-close -v <<<"000000000000000000000bad
$a"
	[[ "$stderr" == *"tkt-close: <stdin>:1: ticket 000000000000000000000bad: No 'Ticket' Found with id: '000000000000000000000bad' (code 1004, HTTP 400) (request id "????????????????????????")"*"
tkt-close: 1 closed, 0 already done, 1 failed: No 'Ticket' Found with id (HTTP 400)" ]]
	[ "$(reqs | tr '\n' ' ')" = "$(read_of 000000000000000000000bad) 400 $(read_of "$a") 200 $(sent close "$a") 200 " ]
	printf '%s\n' "$output" | sed -n 1p | jq -e '.result | .ok == false and
	    .error.kind == "remote" and .error.code == 1004 and .error.http == 400 and
	    .error.message == "No '\''Ticket'\'' Found with id: '\''000000000000000000000bad'\'' (code 1004, HTTP 400)" and
	    (.error.request_id | length == 24) and .steps == []'
	printf '%s\n' "$output" | sed -n 2p | jq -e '.result.ok'
	[ "$(state "$a")" = CLOSED ]
	# A record is not: its close fails, and so does the read-back.
	run -1 --separate-stderr tkt-close <<<'{"id":"000000000000000000000bad"}'
	[[ "$stderr" == "tkt-close: <stdin>:1: ticket 000000000000000000000bad: No 'Ticket' Found with id: '000000000000000000000bad' (code 1004, HTTP 400) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: No 'Ticket' Found with id (HTTP 400)" ]]
	printf '%s\n' "$output" | jq -e '.result | .ok == false and
	    .error.kind == "remote" and .error.code == 1004 and .error.http == 400 and
	    (.error.request_id | length == 24) and (.steps | length == 1) and .steps[0].ok == false and
	    .steps[0].error == "No '\''Ticket'\'' Found with id: '\''000000000000000000000bad'\'' (code 1004, HTTP 400)"'
}

@test "--reopen -m re-opens a closed ticket with the reason; a permanently closed one fails with 1000, and on v2 an open one" {
	sandbox
	local c m p why="Re-opened: we will ship a new one"
	c=$(pick '.state == "CLOSED"')
	m=$(pick "$AM")
	p=$(pick '.state == "PERMANENTLY_CLOSED"')
	run -0 --separate-stderr tkt-close -v --reopen -m "$why" <<<"$c"
	if [ "$TKT_TEST_API" = v2 ]; then
		# One request posts the state and the reason.
		[ "$(reqs | tr '\n' ' ')" = "$(read_of "$c") 200 $(sent reopen "$c") 200 " ]
		printf '%s\n' "$output" | jq -e '.result.action == "reopen" and .result.ok and
		    (.result.steps | map(.action) == ["reopen"])'
		[ "$(tkt-list "$c" | jq -c '[.state, .replies[-1].sender, .replies[-1].message]')" = \
		    "[\"AWAITING_MERCHANT\",\"MERCHANT\",\"$why\"]" ]
		[ "$(changes "$c")" -eq 1 ]
	else
		# The state is put, then the reason is a reply, which leaves the
		# ticket awaiting the buyer.
		[ "$(reqs | tr '\n' ' ')" = "$(read_of "$c") 200 $(sent reopen "$c") 200 $(sent reply "$c") 200 " ]
		printf '%s\n' "$output" | jq -e '.result.action == "reopen" and .result.ok and
		    (.result.steps | map([.action, .ok]) == [["reopen", true], ["reply", true]])'
		[ "$(tkt-list "$c" | jq -c '[.state, .replies[-1].sender, .replies[-1].message]')" = \
		    "[\"AWAITING_USER\",\"MERCHANT\",\"$why\"]" ]
		[ "$(changes "$c")" -eq 2 ]
	fi
	if [ "$TKT_TEST_API" = v2 ]; then
		# Never closed: the reason did not reach the buyer, so it is no success.
		run -1 --separate-stderr tkt-close -v --reopen -m "Back" <<<"$m"
		[[ "$stderr" == *"tkt-close: <stdin>:1: ticket $m: The ticket is not closed (code 1000, HTTP 400) (request id "*")" ]]
		printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.code == 1000'
		[ "$(changes "$m")" -eq 0 ]
	else
		# On v3 the state alone makes a re-open: refused, it is read back
		# awaiting the merchant, and the reason goes as a reply.
		run -0 --separate-stderr tkt-close -v --reopen -m "Back" <<<"$m"
		[ "$(reqs | tr '\n' ' ')" = "$(read_of "$m") 200 $(sent reopen "$m") 400 $(read_of "$m") 200 $(sent reply "$m") 200 " ]
		printf '%s\n' "$output" | jq -e '.result.ok and (.result.steps | map([.action, .ok, .skipped]) ==
		    [["reopen", true, null], ["reply", true, null]])'
		[ "$(tkt-list "$m" | jq -c '[.state, .replies[-1].message]')" = '["AWAITING_USER","Back"]' ]
		[ "$(changes "$m")" -eq 1 ]
	fi
	run -1 --separate-stderr tkt-close --reopen -m "Back" <<<"$p"
	[[ "$stderr" == *"ticket $p: The ticket is permanently closed and cannot be re-opened (code 1000, HTTP 400) (request id "* ]]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.code == 1000 and
	    (.result.steps | map([.action, .ok]) == [["reopen", false]])'
	[ "$(changes "$p")" -eq 0 ]
}

@test "--reopen, -m and the --refund options are checked before anything is sent" {
	sandbox
	local a
	a=$(pick "$AM")
	if [ "$TKT_TEST_API" = v2 ]; then
		run -2 --separate-stderr tkt-close -v --reopen <<<"$a"
		[ "$stderr" = "tkt-close: --reopen needs -m REASON on store 'env': API v2 sends the reason to the buyer" ]
		[ -z "$output" ]
	else
		# On v3 the reason is optional: without it, the state alone.
		run -0 --separate-stderr tkt-close -n --reopen <<<"$a"
		[ -z "$stderr" ]
		printf '%s\n' "$output" | jq -e --argjson r "$(request reopen "$a")" '.result |
		    .ok and .dry_run and .request == $r and (.steps | map([.action, .request]) == [["reopen", $r]])'
	fi
	# The requests of a re-open with a reason: one on v2, two on v3.
	run -0 --separate-stderr tkt-close -n --reopen -m 'why & how' <<<"$a"
	case $TKT_TEST_API in
	v2)
		printf '%s\n' "$output" | jq -e --arg a "$a" '.result.steps | map([.action, .request]) ==
		    [["reopen", {method: "POST", path: "/api/v2/ticket/re-open", body: "id=\($a)&reply=why%20%26%20how"}]]'
		[ "$(printf '%s\n' "$output" | jq -c '.result.steps[0].request')" = "$(request reopen "$a" 'why & how')" ] ;;
	v3)
		printf '%s\n' "$output" | jq -e --arg a "$a" '.result.steps | map([.action, .request]) ==
		    [["reopen", {method: "PUT", path: "/api/v3/tickets/\($a)", body: "{\"state\":\"AWAITING_MERCHANT\"}"}],
		    ["reply", {method: "POST", path: "/api/v3/tickets/\($a)/replies", body: "{\"message\":\"why & how\"}"}]]'
		[ "$(printf '%s\n' "$output" | jq -c '.result.steps[].request')" = \
		    "$(request reopen "$a"; request reply "$a" 'why & how')" ] ;;
	esac
	run -2 --separate-stderr tkt-close -v --reopen -m '' <<<"$a"
	[ "$stderr" = "tkt-close: --reopen -m: the reason is empty" ]
	run -2 --separate-stderr tkt-close -v --reopen --refund -m why <<<"$a"
	[ "$stderr" = "tkt-close: --reopen and --refund exclude each other" ]
	run -2 --separate-stderr tkt-close -v -m why <<<"$a"
	[ "$stderr" = "tkt-close: -m goes with --reopen (to reply, use tkt-reply --resolve)" ]
	for opt in "--order $a" "--reason 19" "--note x" "--refund-wait 5s"; do
		run -2 --separate-stderr tkt-close -v $opt <<<"$a"
		[ "$stderr" = "tkt-close: --reason, --note, --order and --refund-wait go with --refund" ]
	done
	for w in 5 -1s 2x 2d; do
		run -2 --separate-stderr tkt-close -v --refund --refund-wait "$w" <<<"$a"
		[ "$stderr" = "tkt-close: --refund-wait: '$w' is not a duration (60s, 5m; 0 waits not at all)" ]
	done
	[ -z "$output" ]
	[ "$(changes "$a")" -eq 0 ]
}

@test "bad option values exit 2 with the option named" {
	export TKT_API_URL=http://127.0.0.1:9 TKT_TOKEN=x
	run -2 --separate-stderr tkt-close -P 0 </dev/null
	[ "$stderr" = "tkt-close: -P: '0' is too small (1 to 64)" ]
	run -2 --separate-stderr tkt-close -P 65 </dev/null
	[ "$stderr" = "tkt-close: -P: '65' is too large (1 to 64)" ]
	run -2 --separate-stderr tkt-close -P many </dev/null
	[ "$stderr" = "tkt-close: -P: 'many' is invalid (1 to 64)" ]
	run -2 --separate-stderr tkt-close --rate fast </dev/null
	[ "$stderr" = "tkt-close: --rate: 'fast' is not a rate (requests per second: 10/s)" ]
	run -2 --separate-stderr tkt-close --rate 0/s </dev/null
	[ "$stderr" = "tkt-close: --rate: '0/s' is not a rate (requests per second: 10/s)" ]
	run -2 --separate-stderr tkt-close --refund --order 'a b' </dev/null
	[ "$stderr" = "tkt-close: --order: 'a b' is not an order id" ]
	run -2 --separate-stderr tkt-close --refund --order 'x/y' </dev/null
	[ "$stderr" = "tkt-close: --order: 'x/y' is not an order id" ]
	run -2 --separate-stderr tkt-close --refund --reason 'a&b' </dev/null
	[ "$stderr" = "tkt-close: --reason: 'a&b' is not a reason code" ]
	run -2 --separate-stderr tkt-close --now never </dev/null
	[[ "$stderr" == "tkt-close: --now: 'never' is not a time"* ]]
	run -2 --separate-stderr tkt-close --bogus </dev/null
	[[ "$stderr" == "tkt-close: unrecognized option '--bogus'"*"usage: tkt-close"* ]]
	[ -z "$output" ]
}

@test "-h prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-close -h
	[[ "$output" == "usage: tkt-close [-hnv] [--refund [--reason code] [--note text] [--order id]"*"[--refund-wait dur]]"*"tkt-close --reopen [-m reason]"* ]]
	[ -z "$stderr" ]
	run -0 --separate-stderr tkt-close --version
	[[ "$output" == "tkt-close (tkt) "* ]]
}

@test "a refused token exits 4, stops the run at once and never shows the token" {
	sandbox
	# Up to the first answer, one request at a time: with 12 bare ids and
	# -P 4 all the same, the first ticket's read is refused, and nothing
	# else is sent.
	refused_run tkt-close close 12 4
}

@test "a revoked token (code 1016 on v2, 1008 on v3, on HTTP 400) exits 4 too" {
	local code=1016 msg="Access token revoked"
	[ "$TKT_TEST_API" = v2 ] || code=1008 msg="This access token has been revoked"
	start_fake "$FIXTURES/action/token.routes"
	# A record, not read first: the close is what the fake refuses.
	run -4 --separate-stderr tkt-close <<<'{"id":"6b035bb722e983d15cf3dc6a"}'
	[ "$stderr" = "tkt-close: <stdin>:1: ticket 6b035bb722e983d15cf3dc6a: the marketplace refused the token (HTTP 400, code $code: $msg; a person must renew it) (request id req-1)
tkt-close: stopped: 0 closed, 0 already done, 1 failed: the marketplace refused the token" ]
	printf '%s\n' "$output" | jq -e --argjson c "$code" --arg m "$msg" '.result.error == {"kind": "refused",
	    "code": $c, "http": 400, "message": "the marketplace refused the token (HTTP 400, code \($c): \($m); a person must renew it)",
	    "request_id": "req-1"}'
}

@test "a token the sandbox calls revoked or expired (1016 and 1015 at HTTP 401 on v2, 1008 and 1007 at HTTP 400 on v3) exits 4" {
	sandbox --token-ttl 1
	local a new revoked expired
	case $TKT_TEST_API in
	v2) revoked="1016: The access token has been revoked" expired="1015: The access token has expired" ;;
	v3) revoked="1008: This access token has been revoked" expired="1007: This access token has expired" ;;
	esac
	a=$(pick "$AM")
	# A refresh issues a new token, living 1 s, and revokes the old one.
	new=$(curl -s -G "$SANDBOX_URL/api/$TKT_TEST_API/oauth/refresh_token" -d client_id=app \
	    -d client_secret=secret -d refresh_token=sandbox-refresh -d grant_type=refresh_token |
	    jq -r .data.access_token)
	[ -n "$new" ]
	[ "$new" != null ]
	run -4 --separate-stderr tkt-close -v <<<"{\"id\":\"$a\"}"
	[ "$(reqs)" = "$(sent close "$a") $(tok_http)" ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: the marketplace refused the token (HTTP $(tok_http), code $revoked; a person must renew it) (request id "????????????????????????")
tkt-close: stopped: 0 closed, 0 already done, 1 failed: the marketplace refused the token" ]]
	printf '%s\n' "$output" | jq -e --argjson c "${revoked%%:*}" --argjson h "$(tok_http)" '.result.error | .kind == "refused" and .code == $c and .http == $h'
	sleep 1.1
	run -4 --separate-stderr env TKT_TOKEN="$new" tkt-close <<<"{\"id\":\"$a\"}"
	[[ "$stderr" == "tkt-close: <stdin>:1: ticket $a: the marketplace refused the token (HTTP $(tok_http), code $expired; a person must renew it) (request id "????????????????????????")
tkt-close: stopped: 0 closed, 0 already done, 1 failed: the marketplace refused the token" ]]
	printf '%s\n' "$output" | jq -e --argjson c "${expired%%:*}" --argjson h "$(tok_http)" '.result.error | .kind == "refused" and .code == $c and .http == $h'
	[[ "$output$stderr" != *"$new"* ]]
	[ "$(changes "$a")" -eq 0 ]
}

@test "a refused token while a close waits to be sent again: that close is reported not sent, not unknown" {
	# The first ticket's close fails with a 500, the read-back shows it not
	# applied, and its second send waits the backoff; meanwhile the second
	# ticket, read first, has its close refused for the token.
	start_fake "$FIXTURES/action/resend.routes"
	local a=6b035bb722e983d15cf3dc6a b=6b035bb722e983d15cf3dc6b
	run -4 --separate-stderr env TKT_BACKOFF=2s tkt-close -v -P 1 <<<"{\"id\":\"$a\"}
$b"
	[ "$(reqs | tr '\n' ' ')" = "$(sent close "$a") 500 $(read_of "$b") 200 $(read_of "$a") 200 $(sent close "$b") $(tok_http) " ]
	[ "$(printf '%s\n' "$stderr" | grep -v '^tkt-close: \(GET\|POST\|PUT\) ')" = "tkt-close: <stdin>:2: ticket $b: $(refused) (request id req-4)
tkt-close: stopped: 0 closed, 0 already done, 1 failed: the marketplace refused the token; 1 record read but not sent, 0 with an unknown outcome" ]
	printf '%s\n' "$output" | sed -n 1p | jq -e '.result | .ok == false and .steps[0].ok == false and
	    .error == {kind: "refused", message: "not sent: the run stopped (the token was refused)"}'
	printf '%s\n' "$output" | sed -n 2p | jq -e --argjson c "$(refused_code)" --argjson h "$(tok_http)" '.result.error |
	    .kind == "refused" and .code == $c and .http == $h'
	# Both closes were sent once, and neither outcome was journalled: a
	# re-run reads both tickets before sending anything for them.
	[ "$(jdone) $(jdone intent)" = "0 2" ]
}

@test "an answer with an empty body is reported as malformed, saying so" {
	# A proxy's bare 404: nothing to parse, and the message says just that.
	start_fake "$FIXTURES/action/empty.routes"
	run -3 --separate-stderr tkt-close <<<"6b035bb722e983d15cf3dc6a"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket 6b035bb722e983d15cf3dc6a: malformed answer (HTTP 404, 0 bytes): empty body (request id req-1)
tkt-close: 0 closed, 0 already done, 1 failed: malformed answer (HTTP 404)" ]
	printf '%s\n' "$output" | jq -e '.result.error == {"kind": "remote", "http": 404,
	    "message": "malformed answer (HTTP 404, 0 bytes): empty body", "request_id": "req-1"}'
}

@test "no token, an unknown store, a v3 store or no store at all exit 2 and send nothing" {
	sandbox
	local a
	a=$(pick "$AM")
	run -2 --separate-stderr env -u TKT_TOKEN tkt-close <<<"$a"
	[ "$stderr" = "tkt-close: store 'env' has no token: set token_file or token_env in the config, or TKT_TOKEN" ]
	run -2 --separate-stderr tkt-close -s shop <<<"$a"
	[ "$stderr" = "tkt-close: no store named 'shop' (configured: env)" ]
	run -2 --separate-stderr env TKT_API=v4 tkt-close <<<"$a"
	[ "$stderr" = "tkt-close: TKT_API: 'v4' is not v2 or v3" ]
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-close <<<"$a"
	[[ "$stderr" == "tkt-close: no store configured: set TKT_API_URL and TKT_TOKEN"* ]]
	[ -z "$output" ]
	[ "$(changes "$a")" -eq 0 ]
}

@test "a journal that cannot be made exits 2 before anything is sent" {
	sandbox
	local a
	a=$(pick "$AM")
	: >"$BATS_TEST_TMPDIR/file"
	run -2 --separate-stderr env XDG_STATE_HOME="$BATS_TEST_TMPDIR/file/state" tkt-close <<<"$a"
	[ "$stderr" = "tkt-close: journal $BATS_TEST_TMPDIR/file/state/tkt/journal: Not a directory" ]
	[ -z "$output" ]
	[ "$(changes "$a")" -eq 0 ]
}

@test "-n sends nothing, needs no token, and prints the exact request without the token" {
	sandbox
	local a b
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	cp "$STORE" "$BATS_TEST_TMPDIR/before.jsonl"
	run -0 --separate-stderr bash -c "{ tkt-list $a; echo $b; } | tkt-close -n -v"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e -s --argjson ra "$(request close "$a")" \
	    --argjson rb "$(request close "$b")" --arg now "$TEST_NOW" '
	    map(.result) == ([$ra, $rb] | map({action: "close", ok: true, at: $now,
	    dry_run: true, request: ., steps: [{action: "close", ok: true, at: $now,
	    request: .}]}))'
	# (request is right: the exact form of each version)
	case $TKT_TEST_API in
	v2) [ "$(request close "$a" | jq -r '.method, .path, .body' | tr '\n' ' ')" = "POST /api/v2/ticket/close id=$a " ] ;;
	v3) [ "$(request close "$a" | jq -r '.method, .path, .body' | tr '\n' ' ')" = "PUT /api/v3/tickets/$a {\"state\":\"CLOSED\"} " ] ;;
	esac
	[[ "$output" != *"$TEST_TOKEN"* ]]
	run -0 --separate-stderr env -u TKT_TOKEN tkt-close -n <<<"$a"
	printf '%s\n' "$output" | jq -e '.result.dry_run and .result.ok'
	cmp "$STORE" "$BATS_TEST_TMPDIR/before.jsonl"
	[ "$(state "$a") $(state "$b")" = "AWAITING_MERCHANT AWAITING_MERCHANT" ]
	[ ! -e "$JOURNAL" ]
}

@test "-n on a terminal shows a plan: refunds with their reason, the journal's verdict, a record that would fail; a pipe gets JSON" {
	sandbox
	local a b c o1 o2 rr want
	a=$(pick "$ORDER2")
	b=$(pick "$ORDER1" 2 | tail -n 1)
	c=$(pick "$ORDER1")
	read -r o1 o2 <<<"$(orders "$a" | tr '\n' ' ')"
	rr=$(tkt-list "$a" | jq -r .refund_reason)
	tkt-list "$a" | jq -c '.buyer.name = "Eve\u001b[2JX"' >"$BATS_TEST_TMPDIR/in"
	tkt-list "$b" >>"$BATS_TEST_TMPDIR/in"
	echo "$c" >>"$BATS_TEST_TMPDIR/in"
	# b is refunded and closed first: the journal has it.
	sed -n 2p "$BATS_TEST_TMPDIR/in" | tkt-close --refund >/dev/null
	n=$(changes)
	want="$a  Eve\\033[2JX
  language  $(tkt-list "$a" | jq -r .locale)
  reason    $rr
  sends     refund order $o1, then refund order $o2, then close
  verdict   would be sent

$b  $(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -r .buyer.name)
  language  $(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -r .locale)
  sends     nothing
  verdict   already done: would skip

$c  (a bare id: not read in a dry run)
  verdict   would fail: --refund of a bare id in a dry run: give records, or --order ID

1 would be sent, 1 already done, 1 would fail"
	run -1 on_tty "NO_COLOR=1 COLUMNS=200 tkt-close -n --refund '$BATS_TEST_TMPDIR/in'"
	[[ "$output" == *"tkt-close: $BATS_TEST_TMPDIR/in:3: ticket $c: --refund of a bare id"* ]]
	[ "$(printf '%s\n' "$output" | tr -d '\r' | grep -v '^tkt-close: ')" = "$want" ]
	[ "$(changes)" -eq "$n" ]
	# To a pipe, from the same terminal: the JSON lines.
	run -0 on_tty "tkt-close -n --refund '$BATS_TEST_TMPDIR/in' 2>/dev/null | jq -M -c '[.id, .result.ok, [.result.steps[] | .order // .action]]'"
	[ "$(printf '%s\n' "$output" | tr -d '\r')" = "[\"$a\",true,[\"$o1\",\"$o2\",\"close\"]]
[\"$b\",true,[\"$(orders "$b")\",\"close\"]]
[\"$c\",false,[]]" ]
}

@test "-n does not even read: it works with the server gone" {
	sandbox
	local a rec="$BATS_TEST_TMPDIR/rec.jsonl" url=$SANDBOX_URL
	a=$(pick "$ORDER1")
	tkt-list "$a" >"$rec"
	stop_sandbox
	run -0 --separate-stderr env TKT_API_URL="$url" tkt-close -n -v --refund --note n "$rec"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e --argjson r "$(request refund "$(orders "$a")" "$(jq -r .refund_reason "$rec")" n)" \
	    --argjson c "$(request close "$a")" '.result | .dry_run and .ok and
	    .request == .steps[0].request and (.steps | map(.request) == [$r, $c])'
}

@test "-n --refund of a bare id cannot know its orders: it needs records or --order" {
	sandbox
	local a o
	a=$(pick "$ORDER1")
	o=$(orders "$a")
	run -1 --separate-stderr tkt-close -n --refund <<<"$a"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: --refund of a bare id in a dry run: give records, or --order ID
tkt-close: 0 would be closed, 0 already done, 1 failed: --refund of a bare id in a dry run" ]
	printf '%s\n' "$output" | jq -e '.result | .dry_run and .ok == false and .error.kind == "local"'
	run -0 --separate-stderr tkt-close -n --refund --order "$o" --reason "$(reason 20)" <<<"$a"
	[ "$(printf '%s\n' "$output" | jq -c '.result.steps[].request')" = \
	    "$(request refund "$o" "$(reason 20)"; request close "$a")" ]
}

@test "the journal: a re-run skips what was done and sends nothing; -n shows it; --force sends again" {
	sandbox
	local a b ua ub n rec
	seen_pair
	# SEEN is the updated_at the run saw: the record's, or for a bare id
	# that of the ticket read first.  HASH is that of the empty string.
	run -0 --separate-stderr tkt-close "$rec" - <<<"$b"
	[ "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | cut -f 1-4,6 | sort)" = "$(printf '%s\t%s\tclose\t%s\t%s\n' \
	    env "$a" "$ua" "$TEST_NOW" env "$b" "$ub" "$TEST_NOW" | sort)" ]
	[ "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | cut -f 5 | tr '\n' ' ')" = "cbf29ce484222325 cbf29ce484222325 " ]
	n=$(wc -l <"$STORE")
	# The same record again: the journal has it; nothing is sent, not even a read.
	run -0 --separate-stderr tkt-close -v "$rec"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e --arg now "$TEST_NOW" '.result == {action: "close",
	    ok: true, at: $now, skipped: true, steps: [{action: "close", ok: true,
	    at: $now, skipped: true}]}'
	run -0 --separate-stderr tkt-close -n "$rec"
	printf '%s\n' "$output" | jq -e '.result | .dry_run and .skipped and (has("request") | not)'
	[ "$(wc -l <"$STORE")" -eq "$n" ]
	[ "$(jdone)" -eq 2 ]
	# --force sends it again: Wish refuses (1010), the read-back confirms.
	run -0 --separate-stderr tkt-close -v --force "$rec"
	[ "$(reqs | tr '\n' ' ')" = "$(sent close "$a") 400 $(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("skipped") | not)'
	[ "$(jdone)" -eq 3 ]
	[ "$(wc -l <"$STORE")" -eq "$n" ]
}

@test "a re-run after a failed close skips the journalled refund and only closes" {
	sandbox
	local a o t0 t1 rec="$BATS_TEST_TMPDIR/rec.jsonl"
	a=$(pick "$ORDER1")
	o=$(orders "$a")
	tkt-list "$a" >"$rec"
	stop_sandbox
	# Every close fails.
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "500@$(at close)"
	# Each time the read-back shows the close not applied, it is sent again
	# after the backoff (100 ms, then 200 ms, times 0.5 to 1.5): TKT_RETRIES
	# + 1 sends in all.
	t0=$EPOCHREALTIME
	run -3 --separate-stderr env TKT_RETRIES=2 TKT_BACKOFF=100ms tkt-close -v --refund "$rec"
	t1=$EPOCHREALTIME
	[ "$(reqs | tr '\n' ' ')" = "$(refunded_seq "$o") $(printf '%s 500 %s 200 ' "$(sent close "$a")" "$(read_of "$a")" \
	    "$(sent close "$a")" "$(read_of "$a")" "$(sent close "$a")" "$(read_of "$a")")" ]
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.15) }'
	[[ "$stderr" == *"
tkt-close: $rec:1: ticket $a: Internal Server Error (code 9000, HTTP 500) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: server error (HTTP 500)" ]]
	printf '%s\n' "$output" | jq -e '.result.ok == false and
	    ([.result.steps[] | [.action, .ok]] == [["refund", true], ["close", false]]) and
	    .result.error.code == 9000 and .result.error.http == 500'
	[ "$(refunds "$o") $(changes "$a")" = "1 1" ]
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	run -0 --separate-stderr tkt-close -v --refund "$rec"
	[ "$(reqs)" = "$(sent close "$a") 200" ]
	printf '%s\n' "$output" | jq -e '.result.ok and
	    ([.result.steps[] | [.action, .skipped]] == [["refund", true], ["close", null]])'
	[ "$(state "$a")" = CLOSED ]
	[ "$(stored "$a" | jq -c '[.state, .orders[0].state]')" = '["CLOSED","REFUNDED"]' ]
}

@test "two runs at once on one journal: both finish, each ticket is closed once, journal lines whole" {
	sandbox --faults "slow=200@$(at close)"
	local ids d="$BATS_TEST_TMPDIR" p1 p2 id
	ids=$(pick "$AM" 8)
	tkt-close -v -P 1 >"$d/out1" 2>"$d/err1" <<<"$ids" &
	p1=$!
	tkt-close -v -P 1 >"$d/out2" 2>"$d/err2" <<<"$ids" &
	p2=$!
	wait "$p1"
	wait "$p2"
	# Each close takes 200 ms and a run claims the tickets it has read
	# ahead: the runs overlap, and -v reports the tickets that waited.
	grep -hqE '^tkt-close: <stdin>:[1-8]: ticket [0-9a-f]{24}: waiting for the run working on it$' "$d/err1" "$d/err2"
	[ -z "$(grep -hvE "^tkt-close: (($(read_of '[0-9a-f]{24}' | sed 's/?/[?]/')|$(sent close '[0-9a-f]{24}')) [0-9]{3} |<stdin>:[1-8]: ticket [0-9a-f]{24}: waiting for the run working on it$)" "$d/err1" "$d/err2")" ]
	[ "$(jdone)" -eq 8 ]
	[ "$(awk -F '\t' 'NF == 7 && $3 == "close" && $7 == "done"' "$JOURNAL" | cut -f 2 | sort -u | wc -l)" -eq 8 ]
	for id in $ids; do
		[ "$(changes "$id")" -eq 1 ]
		[ "$(cat "$d/out1" "$d/out2" | jq -r --arg id "$id" 'select(.id == $id) |
		    [.result.ok, .result.skipped] | @text' | sort | tr '\n' ' ')" = '[true,null] [true,true] ' ]
	done
}

@test "exit 1 when some records fail and others succeed, 3 when a remote failure left nothing done" {
	sandbox
	local a b c
	export TKT_BACKOFF=10ms
	read -r a c <<<"$(pick "$ORDER1" 2 | tr '\n' ' ')"
	b=$(pick '.state == "AWAITING_MERCHANT" and .type == "PRE_PURCHASE"')
	stop_sandbox
	# Every refund of a's and c's orders fails, and only those requests.
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults "500@$(at refund "$(orders "$a")"),500@$(at refund "$(orders "$c")")"
	run -1 --separate-stderr bash -c "tkt-list $a $b | tkt-close --refund --refund-wait 1s"
	case $TKT_TEST_API in
	v2) [[ "$stderr" == "tkt-close: <stdin>:1: ticket $a: Internal Server Error (code 9000, HTTP 500) (request id "*")
tkt-close: 1 closed, 0 already done, 1 failed: server error (HTTP 500)" ]] ;;
	# v3: the order, which shows no processing fields, cannot tell whether
	# Wish took the refund; followed for --refund-wait, it stays unknown.
	v3) [[ "$stderr" == "tkt-close: <stdin>:1: ticket $a: order $(orders "$a"): Internal Server Error (code 9000, HTTP 500), and after 1s the order does not show whether Wish took the refund; nothing was closed; the refund is not sent again without --force (request id "*")
tkt-close: 1 closed, 0 already done, 1 failed: Internal Server Error" ]] ;;
	esac
	[ "$(printf '%s\n' "$output" | jq -r .result.ok | tr '\n' ' ')" = "false true " ]
	run -3 --separate-stderr bash -c "tkt-list $c | tkt-close --refund --refund-wait 1s"
	case $TKT_TEST_API in
	v2) printf '%s\n' "$output" | jq -e '.result.error | .kind == "remote" and .code == 9000 and .http == 500' ;;
	v3) printf '%s\n' "$output" | jq -e '.result.error | .kind == "pending" and .code == 9000 and .http == 500' ;;
	esac
	[ "$(state "$a") $(state "$b") $(state "$c")" = "AWAITING_MERCHANT CLOSED AWAITING_MERCHANT" ]
}

@test "a server failing reads and writes alike: the outcome is unknown, exit 3" {
	sandbox
	local a rec="$BATS_TEST_TMPDIR/rec.jsonl"
	a=$(pick "$AM")
	tkt-list "$a" >"$rec"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults 500
	# A record is not read first: the close fails, then its read-back.
	run -3 --separate-stderr env TKT_RETRIES=1 TKT_BACKOFF=10ms tkt-close -v "$rec"
	# The read-back gets rounds of retries (4 of 2) before it gives up.
	[ "$(reqs | head -n 1)" = "$(sent close "$a") 500" ]
	[ "$(reqs | sed 1d | sort -u)" = "$(read_of "$a") 500" ]
	[ "$(reqs | wc -l)" -eq 9 ]
	[[ "$stderr" == *"
tkt-close: $rec:1: ticket $a: Internal Server Error (code 9000, HTTP 500); the outcome is unknown and the read-back failed: Internal Server Error (code 9000, HTTP 500) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: server error (HTTP 500)" ]]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.kind == "remote" and
	    .result.error.code == 9000 and .result.error.http == 500 and .result.steps[0].ok == false'
	# A bare id is read first: that read fails, and nothing is sent.
	run -3 --separate-stderr env TKT_RETRIES=1 TKT_BACKOFF=10ms tkt-close -v <<<"$a"
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 500 $(read_of "$a") 500 " ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: Internal Server Error (code 9000, HTTP 500) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: server error (HTTP 500)" ]]
	printf '%s\n' "$output" | jq -e '.result | .ok == false and .steps == [] and
	    .error.kind == "remote" and .error.code == 9000 and .error.http == 500'
	[ "$(changes "$a")" -eq 0 ]
}

@test "an unreachable server exits 3 after its retries" {
	sandbox
	local a url=$SANDBOX_URL
	a=$(pick "$AM")
	stop_sandbox
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=1 TKT_BACKOFF=10ms tkt-close -v <<<"$a"
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") failed $(read_of "$a") failed " ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: Couldn't connect to server
tkt-close: 0 closed, 0 already done, 1 failed: Couldn't connect to server" ]]
	printf '%s\n' "$output" | jq -e '.result.error == {"kind": "network", "message": "Couldn'\''t connect to server"}'
	# A record is not read first: the close could not be sent either.
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=1 TKT_BACKOFF=10ms tkt-close -v <<<"{\"id\":\"$a\"}"
	[ "$(reqs | tr '\n' ' ')" = "$(sent close "$a") failed $(sent close "$a") failed " ]
	[[ "$stderr" == *"
tkt-close: <stdin>:1: ticket $a: Couldn't connect to server
tkt-close: 0 closed, 0 already done, 1 failed: Couldn't connect to server" ]]
	printf '%s\n' "$output" | jq -e '.result.error == {"kind": "network", "message": "Couldn'\''t connect to server"}'
}

@test "a server slower than TKT_TIMEOUT: the outcome is unknown and the read-back fails, exit 3" {
	sandbox
	local a
	a=$(pick "$AM")
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults slow=1500
	# A record: the close is sent at once, and times out.
	run -3 --separate-stderr env TKT_TIMEOUT=400ms TKT_RETRIES=0 tkt-close <<<"{\"id\":\"$a\"}"
	[ "$stderr" = "tkt-close: <stdin>:1: ticket $a: Timeout was reached (the request may have reached the server); the outcome is unknown and the read-back failed: Timeout was reached (the request may have reached the server)
tkt-close: 0 closed, 0 already done, 1 failed: Timeout was reached" ]
	printf '%s\n' "$output" | jq -e '.result.error == {kind: "network", message: "Timeout was reached (the request may have reached the server); the outcome is unknown and the read-back failed: Timeout was reached (the request may have reached the server)"}'
}

@test "bad input lines are reported with their position, the stream goes on, exit 1" {
	sandbox
	local a b
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	run -1 --separate-stderr bash -c "printf '%s\n' '{\"no\":1}' 'two words' '{bad json' '{\"id\":5}' '' '$a' | tkt-close"
	[ "$stderr" = "tkt-close: <stdin>:1: the record has no valid \"id\"
tkt-close: <stdin>:2: not a ticket id: 'two words'
tkt-close: <stdin>:3: invalid JSON at byte 3: lexical error: invalid char in json text.
tkt-close: the same error for 2 records (1 not repeated above): the record has no valid \"id\"
tkt-close: 1 closed, 0 already done, 4 failed: 2 the record has no valid \"id\", 1 not a ticket id, 1 unreadable input" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "$output" | jq -c '[.id, .no, .result.ok, .result.error.kind]' | tr '\n' ' ')" = \
	    "[null,1,false,\"local\"] [\"two words\",null,false,\"local\"] [5,null,false,\"local\"] [\"$a\",null,true,null] " ]
	[ "$(state "$a")" = CLOSED ]
	run -1 --separate-stderr tkt-close "$BATS_TEST_TMPDIR/missing.jsonl" - <<<"$b"
	[ "$stderr" = "tkt-close: $BATS_TEST_TMPDIR/missing.jsonl: No such file or directory
tkt-close: 1 closed, 0 already done, 1 failed: unreadable input" ]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$b" ]
}

@test "a close dropped after the server applied it is read back and counted once" {
	# The second request, the close: a bare id is read first.
	sandbox --faults 'nth=2:drop-after'
	local a
	a=$(pick "$AM")
	run -0 --separate-stderr tkt-close -v <<<"$a"
	# A bare id is read first, then closed; the answer is lost, the read-back settles it.
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 $(sent close "$a") failed $(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("skipped") | not) and
	    (.result.steps[0].request_id | length == 24)'
	[ "$(changes "$a")" -eq 1 ]
	[ "$(jdone)" -eq 1 ]
}

@test "a refund dropped after it was applied is read back, never sent twice" {
	sandbox
	local a o
	a=$(pick "$ORDER1")
	o=$(orders "$a")
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "drop-after@$(at refund "$o")"
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund"
	case $TKT_TEST_API in
	v2) [ "$(reqs | tr '\n' ' ')" = "$(sent refund "$o") failed $(refund_check "$o" "$a") 200 $(sent close "$a") 200 " ] ;;
	# The order read first, then back: Wish took the refund (--refund-delay
	# 0 has it done by then).
	v3) [ "$(reqs | tr '\n' ' ')" = "GET /api/v3/orders/$o 200 $(sent refund "$o") failed $(refund_check "$o" "$a") 200 $(sent close "$a") 200 " ] ;;
	esac
	printf '%s\n' "$output" | jq -e '.result.ok and ([.result.steps[].ok] == [true, true])'
	[ "$(refunds "$o")" -eq 1 ]
	[ "$(state "$a")" = CLOSED ]
}

@test "a close met by more 429s than one send's retries is sent again, never read back, until the sends run out" {
	local a d="$BATS_TEST_TMPDIR" want=
	sandbox
	a=$(pick "$AM")
	tkt-list "$a" >"$d/a.jsonl"
	stop_sandbox
	export TKT_BACKOFF=10ms
	# Six 429s: the first send's five attempts (TKT_RETRIES 4), then one
	# of the second send; its retry goes through.
	start_sandbox -d "$STORE" --now "$TEST_NOW" \
	    --faults "$(printf 'nth=%s:429,' 1 2 3 4 5 6)nth=99999:500"
	run -0 --separate-stderr tkt-close -v "$d/a.jsonl"
	want="$(for i in 1 2 3 4 5 6; do printf '%s 429 ' "$(sent close "$a")"; done)$(sent close "$a") 200 "
	[ "$(reqs | tr '\n' ' ')" = "$want" ]
	printf '%s\n' "$output" | jq -e '.result.ok and .result.steps[0].ok'
	[ "$(state "$a")" = CLOSED ]
	[ "$(changes "$a")" -eq 1 ]
	# A server that answers nothing but 429 fails the close after 8 sends:
	# the first with 5 attempts, each send again with one fewer, down to
	# one (5 + 4 + 3 + 2 + 1 + 1 + 1 + 1).
	stop_sandbox
	sandbox --faults "429@$(at close)"
	a=$(pick "$AM" 2 | tail -n 1)
	tkt-list "$a" >"$d/b.jsonl"
	run -3 --separate-stderr tkt-close -v "$d/b.jsonl"
	[ "$(reqs | grep -c "^$(sent close "$a") 429$")" -eq 18 ]
	[ "$(reqs | grep -vc "^$(sent close "$a") 429$")" -eq 0 ]
	[[ "$stderr" == *"tkt-close: $d/b.jsonl:1: ticket $a: Too Many Requests (code 1000, HTTP 429) (request id "*")" ]]
	[ "$(state "$a")" = AWAITING_MERCHANT ]
}

@test "a 5xx, a drop before the body or a cut answer is read back before the close is sent again; a 429 is retried" {
	local ids f want a n=0 d="$BATS_TEST_TMPDIR"
	sandbox
	ids=$(pick "$AM" 5)
	# Records, which are not read first: the fault hits the first request, the close.
	for a in $ids; do tkt-list "$a" >"$d/$a.jsonl"; done
	stop_sandbox
	export TKT_BACKOFF=10ms
	for f in 'nth=1:503' 'nth=1:500' 'nth=1:drop-before' 'nth=1:garbage' 'nth=1:429'; do
		n=$((n + 1))
		a=$(sed -n "${n}p" <<<"$ids")
		start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "$f"
		case $f in
		*503) want="$(sent close "$a") 503 $(read_of "$a") 200 $(sent close "$a") 200 " ;;
		*500) want="$(sent close "$a") 500 $(read_of "$a") 200 $(sent close "$a") 200 " ;;
		*drop-before) want="$(sent close "$a") failed $(read_of "$a") 200 $(sent close "$a") 200 " ;;
		*garbage) want="$(sent close "$a") 200 $(read_of "$a") 200 " ;;
		*429) want="$(sent close "$a") 429 $(sent close "$a") 200 " ;;
		esac
		run -0 --separate-stderr tkt-close -v "$d/$a.jsonl"
		[ "$(reqs | tr "\n" " ")" = "$want" ] || { echo "$f: $stderr"; return 1; }
		printf '%s\n' "$output" | jq -e '.result.ok'
		[ "$(changes "$a")" -eq 1 ]
		stop_sandbox
	done
}

@test "-P keeps input order while later tickets finish first" {
	# Only the second ticket has an order, and its refund is slow.
	sandbox --faults "slow=400@$(at refund)"
	local p o ids id rid1 rid2 d="$BATS_TEST_TMPDIR"
	p=$(pick '.state == "AWAITING_MERCHANT" and .type == "PRE_PURCHASE"' 5)
	o=$(pick "$ORDER1"' and .orders[0].state != "REFUNDED"')
	ids=$(printf '%s\n' "$(head -n 1 <<<"$p")" "$o" "$(tail -n 4 <<<"$p")")
	for id in $ids; do tkt-list "$id"; done >"$d/in.jsonl"
	run -0 --separate-stderr tkt-close -v -P 6 --refund "$d/in.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ids" ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok)'
	# Until a first answer one request at a time: the first ticket's close
	# goes first.  Then the four tickets after the second are closed while
	# its refund is slow, and its close comes last.
	# (the four in any order)
	# (On v3 the reads of the order, before the refund and after, aside.)
	[ "$(reqs | sed -n 1p)" = "$(sent close "$(head -n 1 <<<"$p")") 200" ]
	[ "$(reqs | grep -v '^GET /api/v3/orders/' | sed -n 2,5p | sort)" = "$(for id in $(tail -n 4 <<<"$p"); do echo "$(sent close "$id") 200"; done | sort)" ]
	[ "$(reqs | grep -v '^GET /api/v3/orders/' | sed 1,5d | tr '\n' ' ')" = "$(sent refund "$(orders "$o")") 200 $(sent close "$o") 200 " ]
	rid1=$(printf '%s\n' "$output" | sed -n 1p | jq -r '.result.steps[0].request_id')
	rid2=$(printf '%s\n' "$output" | sed -n 2p | jq -r '.result.steps[1].request_id')
	[[ "$(printf '%s\n' "$stderr" | head -n 1)" == *" request-id=$rid1 "* ]]
	[[ "$(printf '%s\n' "$stderr" | tail -n 1)" == *" request-id=$rid2 "* ]]
}

@test "--rate paces the requests so that a rate-limited server sends no 429" {
	sandbox --rate 10/s
	local ids t0 t1
	ids=$(pick "$AM" 11)
	t0=$EPOCHREALTIME
	run -0 --separate-stderr tkt-close -v -P 4 --rate 10/s <<<"$ids"
	t1=$EPOCHREALTIME
	# Each bare id is read, then closed: 22 starts at 10 a second.
	[ "$(reqs | sort)" = "$(for id in $ids; do echo "$(read_of "$id") 200"; echo "$(sent close "$id") 200"; done | sort)" ]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ids" ]
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 2.0) }'
}

@test "a progress line on a terminal, the rate once the run has lasted 0.2 s, the summary line at the end; nothing on stderr without one" {
	sandbox --faults "slow=300@$(at close)"
	local re
	pick "$AM" 3 >"$BATS_TEST_TMPDIR/ids"
	run -0 --separate-stderr tkt-close "$BATS_TEST_TMPDIR/ids"
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 3 ]
	pick "$AM" 6 | tail -n 3 >"$BATS_TEST_TMPDIR/ids"
	# Slow closes: the run lasts over 0.2 s, and the last line has the rate.
	run -0 on_tty "tkt-close $BATS_TEST_TMPDIR/ids >/dev/null"
	# (the line ends with "\n", a tty's "\r\n", of which run keeps the "\r")
	re=$'\r\033\\[K'"tkt-close: [1-3] done, 0 skipped, 0 failed, [0-9]+/s"
	[[ "$output" =~ $re ]]
	# The summary line takes its place at the end.
	[[ "$output" == *$'\r\033[K'"tkt-close: 3 closed, 0 already done, 0 failed"$'\r' ]]
	# A dry run is over at once: no progress line, the summary alone.
	run -0 on_tty "tkt-close -n $BATS_TEST_TMPDIR/ids >/dev/null"
	[ "$output" = "tkt-close: 3 would be closed, 0 already done, 0 failed"$'\r' ]
}

@test "fault soak: 200 tickets refunded and closed through 20 % faults, every order refunded exactly once (make soak: 2,000)" {
	refund_soak 200
}

# API v3's asynchronous refunds (tkt-close(1), Refunding).

# v3_refundable N: the ids of N tickets whose orders all refund with the
# ticket's own reason, in the caller's variable ids.
v3_refundable() {
	ids=$(pick "$ORDER1"' and .orders[0].state == "SHIPPED"' "$1")
}

@test "v3: a refund Wish still processes at --refund-wait is pending, nothing is closed; a re-run finishes it without sending it again" {
	only_api v3 "v2 refunds at once"
	sandbox --refund-delay 3s
	local a o ids
	v3_refundable 1
	a=$ids o=$(orders "$a")
	tkt-list "$a" >"$BATS_TEST_TMPDIR/rec"
	run -1 --separate-stderr tkt-close -v --refund --refund-wait 1s "$BATS_TEST_TMPDIR/rec"
	# Read, refunded (taken, in progress), polled until the bound.
	[ "$(reqs | sed -n 1,3p | tr '\n' ' ')" = "GET /api/v3/orders/$o 200 PUT /api/v3/orders/$o/refund 200 GET /api/v3/orders/$o 200 " ]
	[ -z "$(reqs | sed 1,2d | grep -v "^GET /api/v3/orders/$o 200$")" ]
	[[ "$stderr" == *"
tkt-close: $BATS_TEST_TMPDIR/rec:1: ticket $a: order $o: the refund is still in progress after 1s; nothing was closed; run again to finish (the refund is not sent again) (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: the refund is still in progress after 1s" ]]
	printf '%s\n' "$output" | jq -e --arg o "$o" '.result.ok == false and .result.error.kind == "pending" and
	    ([.result.steps[] | [.action, .order, .ok]] == [["refund", $o, false]])'
	[ "$(awk -F '\t' '{ print $3, $7 }' "$JOURNAL" | tr '\n' ' ')" = "refund intent refund requested " ]
	[ "$(state "$a")" = AWAITING_MERCHANT ]
	# Still in progress: the re-run follows it, not sending it again,
	# and closes the ticket once it succeeded.
	run -0 --separate-stderr tkt-close -v --refund --refund-wait 10s "$BATS_TEST_TMPDIR/rec"
	[ -z "$(reqs | grep "^PUT /api/v3/orders/")" ]
	[ "$(reqs | tail -n 1)" = "$(sent close "$a") 200" ]
	printf '%s\n' "$output" | jq -e '.result.ok and ([.result.steps[] | [.action, .ok]] == [["refund", true], ["close", true]])'
	[ "$(refunds "$o")" -eq 1 ]
	[ "$(state "$a")" = CLOSED ]
	[ "$(awk -F '\t' '$7 != "intent" { print $3, $7 }' "$JOURNAL" | tail -n 2 | tr '\n' ' ')" = "refund done close done " ]
	# And a third run skips both.
	run -0 --separate-stderr tkt-close -v --refund "$BATS_TEST_TMPDIR/rec"
	[ -z "$(reqs)" ]
	printf '%s\n' "$output" | jq -e '.result.skipped'
}

@test "v3: --refund-wait 0 pends a refund Wish answered in progress at once; a re-run after it ended closes" {
	only_api v3 "v2 refunds at once"
	sandbox
	local a o ids
	v3_refundable 1
	a=$ids o=$(orders "$a")
	run -1 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund --refund-wait 0"
	[ "$(reqs | tr '\n' ' ')" = "GET /api/v3/orders/$o 200 PUT /api/v3/orders/$o/refund 200 " ]
	[[ "$stderr" == *"order $o: the refund is still in progress after 0; nothing was closed; run again to finish"* ]]
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund --refund-wait 0"
	[ "$(reqs | tr '\n' ' ')" = "GET /api/v3/orders/$o 200 $(sent close "$a") 200 " ]
	[ "$(refunds "$o")" -eq 1 ]
}

@test "v3: a refund that ends FAILED is reported, nothing is closed, and a later run sends a new one" {
	only_api v3 "v2 refunds at once"
	local a o ids
	sandbox
	v3_refundable 1
	a=$ids o=$(orders "$a")
	tkt-list "$a" >"$BATS_TEST_TMPDIR/rec"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --faults "refund-fail@PUT/api/v3/orders/$o/refund"
	run -1 --separate-stderr tkt-close -v --refund "$BATS_TEST_TMPDIR/rec"
	[[ "$stderr" == *"
tkt-close: $BATS_TEST_TMPDIR/rec:1: ticket $a: order $o: Wish could not refund it (processing_status FAILED); nothing was closed; a later run may send the refund again (request id "????????????????????????")
tkt-close: 0 closed, 0 already done, 1 failed: Wish could not refund it" ]]
	printf '%s\n' "$output" | jq -e '.result.ok == false and .result.error.kind == "remote"'
	[ "$(awk -F '\t' '{ print $3, $7 }' "$JOURNAL" | tr '\n' ' ')" = "refund intent refund requested refund failed " ]
	[ "$(state "$a")" = AWAITING_MERCHANT ]
	[ "$(refunds "$o")" -eq 0 ]
	# The next run sends a new refund, which goes through.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	run -0 --separate-stderr tkt-close -v --refund "$BATS_TEST_TMPDIR/rec"
	[ "$(reqs | grep -c "^PUT /api/v3/orders/$o/refund 200")" -eq 1 ]
	[ "$(refunds "$o")" -eq 1 ]
	[ "$(state "$a")" = CLOSED ]
}

@test "v3: an order without processing fields is judged by its state and refunds; an unknown outcome is never sent again without --force" {
	only_api v3 "v2 refunds at once"
	local a b oa ob ids
	sandbox --no-processing --refund-delay 500ms
	v3_refundable 2
	read -r a b <<<"$(tr '\n' ' ' <<<"$ids")"
	oa=$(orders "$a") ob=$(orders "$b")
	# Taken without a word: polled until the order says REFUNDED.
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -v --refund"
	[ "$(reqs | grep -c "^PUT /api/v3/orders/$oa/refund 200")" -eq 1 ]
	[ "$(reqs | grep -c "^GET /api/v3/orders/$oa 200")" -ge 3 ]
	[ "$(refunds "$oa")" -eq 1 ]
	[ "$(state "$a")" = CLOSED ]
	# A refund cut before Wish took it: the order cannot say whether it
	# did, it is followed for --refund-wait, then pending; exit 3, since
	# a remote failure left nothing done.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --no-processing --faults "drop-before@PUT/api/v3/orders/$ob/refund"
	tkt-list "$b" >"$BATS_TEST_TMPDIR/b"
	run -3 --separate-stderr env TKT_RETRIES=0 tkt-close -v --refund --refund-wait 1s "$BATS_TEST_TMPDIR/b"
	[ "$(reqs | grep -c "^PUT /api/v3/orders/$ob/refund")" -eq 1 ]
	[[ "$stderr" == *"
tkt-close: $BATS_TEST_TMPDIR/b:1: ticket $b: order $ob: "*", and after 1s the order does not show whether Wish took the refund; nothing was closed; the refund is not sent again without --force"* ]]
	printf '%s\n' "$output" | jq -e '.result.error.kind == "pending"'
	[ "$(awk -F '\t' -v o="$b" '$2 == o { print $7 }' "$JOURNAL")" = intent ]
	# The re-run does not send it: the journal says it may have gone.
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --no-processing
	run -3 --separate-stderr tkt-close -v --refund "$BATS_TEST_TMPDIR/b"
	[ "$(reqs)" = "GET /api/v3/orders/$ob 200" ]
	[[ "$stderr" == *"order $ob: an earlier run sent its refund and the order does not show what came of it; nothing was closed; the refund is not sent again without --force"* ]]
	# --force sends it.
	run -0 --separate-stderr tkt-close -v --refund --force "$BATS_TEST_TMPDIR/b"
	[ "$(reqs | grep -c "^PUT /api/v3/orders/$ob/refund 200")" -eq 1 ]
	[ "$(refunds "$ob")" -eq 1 ]
	[ "$(state "$b")" = CLOSED ]
}

@test "v3: refunds that take seconds through cut connections: each valid order refunded once, none asked twice, ticket reasons refused unsent, every record out" {
	only_api v3 "v2 refunds at once"
	local d="$BATS_TEST_TMPDIR" good bad
	STORE="$d/store.jsonl"
	start_sandbox -d "$STORE" --seed 7 --tickets 600 --now "$TEST_NOW"
	# 24 tickets whose own reason refunds their orders, and 6 whose reason
	# is a ticket's (USER_NO_LONGER_WANTS_ITEM), mixed.
	good=$(pick "$AM"' and .type == "ORDER" and (.orders | length) > 0 and .refund_reason != null and .refund_reason != "19" and all(.orders[]; .state == "SHIPPED")' 24)
	bad=$(pick "$AM"' and .type == "ORDER" and (.orders | length) > 0 and .refund_reason == "19" and all(.orders[]; .state == "SHIPPED")' 6)
	[ "$(wc -l <<<"$good") $(wc -l <<<"$bad")" = "24 6" ]
	{ paste -d '\n' <(head -n 6 <<<"$good") <(printf '%s\n' $bad); tail -n 18 <<<"$good"; } >"$d/ids"
	tkt-list -P 4 - <"$d/ids" >"$d/recs.jsonl"
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW" --seed 5 --refund-delay 2s \
	    --faults "drop-after:0.4@PUT/api/v3/orders,drop-before:0.1@PUT/api/v3/orders"
	run -1 --separate-stderr env TKT_BACKOFF=50ms tkt-close -v -P 8 --refund "$d/recs.jsonl"
	# Every record out, in order; the good ones closed, the bad ones refused.
	diff "$d/ids" <(printf '%s\n' "$output" | jq -r .id)
	[ "$(printf '%s\n' "$output" | jq -r 'select(.result.ok) | .id' | sort)" = "$(sort <<<"$good")" ]
	[ "$(printf '%s\n' "$output" | jq -r 'select(.result.ok | not) | .result.error.message' | grep -c "refund reason USER_NO_LONGER_WANTS_ITEM is a ticket's, not one Wish refunds an order for: nothing was sent")" -eq 6 ]
	# The cuts happened, and no refund was asked for twice of one order:
	# a PUT for an order after it was taken would be refused "in progress".
	[ "$(reqs | grep -c '^PUT /api/v3/orders/[0-9a-f]*/refund failed')" -ge 3 ]
	[ -z "$(reqs | grep '^PUT /api/v3/orders/[0-9a-f]*/refund 400')" ]
	for id in $good; do
		for o in $(orders "$id"); do
			[ "$(refunds "$o")" -eq 1 ] || { echo "order $o of $id: $(refunds "$o") refunds"; return 1; }
		done
		[ "$(state "$id")" = CLOSED ]
	done
	for id in $bad; do
		[ "$(changes "$id")" -eq 0 ]
		[ -z "$(grep "$(orders "$id")" <<<"$(reqs | grep '^PUT')")" ]
	done
}

@test "more records than the engine's window (2048): every one closed, out in input order" {
	STORE="$BATS_TEST_TMPDIR/store.jsonl"
	start_sandbox -d "$STORE" --seed 5 --tickets 3000 --now "$TEST_NOW"
	jq -r 'select(.state != "CLOSED" and .state != "PERMANENTLY_CLOSED") | .id' "$STORE" |
	    head -n 2200 >"$BATS_TEST_TMPDIR/ids"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" -eq 2200 ]
	run -0 --separate-stderr tkt-close -P 8 "$BATS_TEST_TMPDIR/ids"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$(cat "$BATS_TEST_TMPDIR/ids")" ]
	printf '%s\n' "$output" | jq -e -s 'length == 2200 and all(.[]; .result.ok)'
}
