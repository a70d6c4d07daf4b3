#!/usr/bin/env bats
# tkt-sandbox: the fake Wish API v2, tested over HTTP with curl and jq.
# setup_file starts one read-only sandbox (2500 tickets, its store file in
# $SHARED); every test that changes state starts its own.

load test_helper

setup_file() {
	export SHARED="$BATS_FILE_TMPDIR/shared.jsonl"
	start_sandbox --seed 7 --tickets 2500 --now "$TEST_NOW" -d "$SHARED"
	export SHARED_URL="$SANDBOX_URL" SHARED_PID="$SANDBOX_PID"
}

teardown_file() {
	SANDBOX_PID=$SHARED_PID
	stop_sandbox
}

teardown() {
	if [ -n "${SANDBOX_PID:-}" ] && [ "$SANDBOX_PID" != "$SHARED_PID" ]; then
		stop_sandbox
	fi
}

# call [curl args…]: the body, then the HTTP status on a line of its own.
call() {
	curl -s -w '\n%{http_code}\n' "$@"
}

# The first ticket id in a store file with this state.
id_in() {
	jq -r --arg s "$1" 'select(.state == $s) | .id' "${2:-$SHARED}" | head -n 1
}

# Starts a sandbox of our own on a store with the first N tickets awaiting
# the merchant taken from the shared store.
awaiting_sandbox() {
	jq -c 'select(.state == "AWAITING_MERCHANT")' "$SHARED" | head -n "$1" \
	    >"$BATS_TEST_TMPDIR/aw.jsonl"
	start_sandbox --now "$TEST_NOW" -d "$BATS_TEST_TMPDIR/aw.jsonl"
}

# walk URL: every ticket id of every page, following paging.next.
walk() {
	local url=$1 page="$BATS_TEST_TMPDIR/page.json"
	while [ -n "$url" ]; do
		curl -s "$url" >"$page" || return 1
		jq -r '.data[].Ticket.id' "$page"
		url=$(jq -r '.paging.next // empty' "$page")
	done
}

own_sandbox() {
	start_sandbox --now "$TEST_NOW" -d "$BATS_TEST_TMPDIR/own.jsonl" "$@"
	OWN="$BATS_TEST_TMPDIR/own.jsonl"
}

# --- start-up and options ---------------------------------------------------

@test "prints its origin as the one line on stdout" {
	own_sandbox
	[[ "$SANDBOX_URL" =~ ^http://127\.0\.0\.1:[0-9]+$ ]]
	run -0 cat "${SANDBOX_ERR%.err}.out"
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "$SANDBOX_URL" ]
}

@test "-p 0 picks a free port, a different one for a second sandbox" {
	own_sandbox
	[ "$SANDBOX_URL" != "$SHARED_URL" ]
	run -0 curl -s "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "$output" = '{"code":0,"data":{"success":true},"message":""}' ]
}

@test "exits 2 naming the port when the port is in use" {
	port=${SHARED_URL##*:}
	run -2 --separate-stderr tkt-sandbox -p "$port" --tickets 1
	[ "$output" = "" ]
	[[ "$stderr" == "tkt-sandbox: 127.0.0.1:$port: Address already in use" ]]
}

@test "exits 2 with a message for each bad option value" {
	run -2 --separate-stderr tkt-sandbox -p 70000
	[[ "$stderr" == "tkt-sandbox: -p: '70000' is too large"* ]]
	run -2 --separate-stderr tkt-sandbox --tickets many
	[[ "$stderr" == "tkt-sandbox: --tickets: 'many' is invalid"* ]]
	run -2 --separate-stderr tkt-sandbox --seed -1
	[[ "$stderr" == "tkt-sandbox: --seed: '-1' is too small"* ]]
	run -2 --separate-stderr tkt-sandbox --now yesterday
	[[ "$stderr" == "tkt-sandbox: --now: 'yesterday' is not a time"* ]]
	run -2 --separate-stderr tkt-sandbox --rate 0/s
	[[ "$stderr" == "tkt-sandbox: --rate: '0/s': too small"* ]]
	run -2 --separate-stderr tkt-sandbox --rate 5/min
	[[ "$stderr" == "tkt-sandbox: --rate: '5/min' is not N/s" ]]
	run -2 --separate-stderr tkt-sandbox --token ''
	[[ "$stderr" == "tkt-sandbox: --token: the token may not be empty" ]]
}

@test "exits 2 with usage on an unknown option or an operand" {
	run -2 --separate-stderr tkt-sandbox --frobnicate
	[[ "$stderr" == *"usage: tkt-sandbox [-p PORT]"* ]]
	run -2 --separate-stderr tkt-sandbox extra
	[[ "$stderr" == "tkt-sandbox: unexpected operand 'extra'"* ]]
}

@test "--help prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-sandbox --help
	[[ "$output" == "usage: tkt-sandbox [-p PORT] [-d FILE] [--token TOKEN]"* ]]
	[ "$stderr" = "" ]
	run -0 tkt-sandbox --version
	[[ "$output" == "tkt-sandbox (tkt) "* ]]
}

@test "exits 0 on SIGTERM" {
	own_sandbox
	kill -TERM "$SANDBOX_PID"
	st=0
	wait "$SANDBOX_PID" || st=$?
	SANDBOX_PID=
	[ "$st" -eq 0 ]
}

# --- tokens -----------------------------------------------------------------

@test "accepts the token as access_token" {
	run -0 call "$SHARED_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	[ "${lines[0]}" = '{"code":0,"data":{"success":true},"message":""}' ]
}

@test "accepts the token as an Authorization Bearer header" {
	run -0 call -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v2/auth_test"
	[ "${lines[1]}" = 200 ]
}

@test "the Bearer header takes precedence over access_token" {
	run -0 call -H "Authorization: Bearer wrong" \
	    "$SHARED_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 401 ]
}

@test "answers HTTP 401 code 4000 without a token or with a wrong one" {
	want='{"code":4000,"data":{},"message":"Unauthorized Request"}'
	run -0 call "$SHARED_URL/api/v2/ticket?id=x"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
	run -0 call "$SHARED_URL/api/v2/ticket/get-action-required?access_token=nope"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
}

@test "without --token it accepts sandbox-token" {
	tkt-sandbox -p 0 --tickets 1 >"$BATS_TEST_TMPDIR/o" 2>/dev/null 3>&- &
	SANDBOX_PID=$!
	for i in $(seq 1 200); do [ -s "$BATS_TEST_TMPDIR/o" ] && break; sleep 0.025; done
	url=$(head -n 1 "$BATS_TEST_TMPDIR/o")
	run -0 call "$url/api/v2/auth_test?access_token=sandbox-token"
	[ "${lines[1]}" = 200 ]
	run -0 call "$url/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 401 ]
}

# --- reading ----------------------------------------------------------------

@test "GET ticket answers the v2 wire format" {
	id=$(jq -r 'select(.orders | length > 0) | select(.replies[0].images | length > 0) | .id' "$SHARED" | head -n 1)
	run -0 curl -s "$SHARED_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e --arg id "$id" '
	    .code == 0 and .message == "" and (.data | keys) == ["Ticket"] and
	    .data.Ticket.id == $id and
	    (.data.Ticket.state_id | test("^[0-9]+$")) and
	    (.data.Ticket.open_date | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$")) and
	    (.data.Ticket.photo_proof == "True") and
	    (.data.Ticket.label == (.data.Ticket.label | split(": ")[0]) + ": " + .data.Ticket.sublabel) and
	    (.data.Ticket.UserInfo | keys) == ["id", "joined_date", "locale", "name"] and
	    (.data.Ticket.items[0].Order.quantity | test("^[0-9]+$")) and
	    (.data.Ticket.items[0].Order.price | test("^[0-9]+\\.[0-9]{2}$")) and
	    (.data.Ticket.replies[0].Reply.image_urls | test("^\\[u'"'"'https://[^'"'"']+\\.jpg'"'"'(, u'"'"'https://[^'"'"']+\\.jpg'"'"')*\\]$")) and
	    (.data.Ticket.replies[0].Reply.sender == "user")'
}

@test "renders the state strings of wish-v2-map and image_urls [] when none" {
	id=$(id_in AWAITING_USER)
	run -0 curl -s "$SHARED_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting buyer response" and
	    ([.data.Ticket.replies[].Reply | select(.sender == "merchant")] | length) > 0 and
	    ([.data.Ticket.replies[].Reply.image_urls] | index("[]")) != null'
}

@test "translated messages appear on buyer replies only" {
	id=$(id_in AWAITING_USER)
	run -0 curl -s "$SHARED_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '[.data.Ticket.replies[].Reply |
	    select(.sender == "user") | has("translated_message") and has("translated_message_zh")] | all'
	echo "$output" | jq -e '[.data.Ticket.replies[].Reply |
	    select(.sender != "user") | has("translated_message")] | any | not'
}

@test "a pre-purchase ticket has no items and an empty transaction_id" {
	id=$(jq -r 'select(.type == "PRE_PURCHASE") | .id' "$SHARED" | head -n 1)
	run -0 curl -s "$SHARED_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.items == [] and .data.Ticket.transaction_id == "" and
	    (.data.Ticket.label | startswith("Pre-Purchase Question: "))'
}

@test "a missing id is HTTP 400 code 1001 naming the parameter" {
	run -0 call "$SHARED_URL/api/v2/ticket?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1001,"data":"id","message":"Required Param Missing: '"'id'"'"}' ]
}

@test "an unknown ticket id is HTTP 400 code 1004" {
	run -0 call "$SHARED_URL/api/v2/ticket?id=000000000000000000000000&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1004 and
	    .message == "No '"'Ticket'"' Found with id: '"'000000000000000000000000'"'"'
}

@test "an unknown path is HTTP 404" {
	run -0 call "$SHARED_URL/api/v2/nothing?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 404 ]
	echo "${lines[0]}" | jq -e '.code == 1000'
}

@test "reads answer to POST as well as GET" {
	id=$(id_in CLOSED)
	run -0 call -X POST -d "id=$id" -d "access_token=$TEST_TOKEN" "$SHARED_URL/api/v2/ticket"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.data.Ticket.state == "Closed"'
}

@test "every answer carries a unique Wish-Request-Id, rate headers and JSON type" {
	for u in auth_test "ticket?id=x" nothing; do
		curl -s -D - -o /dev/null "$SHARED_URL/api/v2/$u?access_token=$TEST_TOKEN" \
		    >>"$BATS_TEST_TMPDIR/h"
	done
	run -0 grep -ci '^Content-Type: application/json' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 3 ]
	run -0 grep -ci '^Wish-Rate-Limit-Remaining: [0-9]' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 3 ]
	run -0 bash -c "grep -i '^Wish-Request-Id: ' '$BATS_TEST_TMPDIR/h' | sort -u | wc -l"
	[ "$output" = 3 ]
}

# --- get-action-required and paging -----------------------------------------

@test "get-action-required lists exactly the tickets awaiting the merchant" {
	want=$(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$SHARED" | sort)
	run -0 walk "$SHARED_URL/api/v2/ticket/get-action-required?limit=500&access_token=$TEST_TOKEN"
	[ "$(printf '%s\n' "$output" | sort)" = "$want" ]
	run -0 curl -s "$SHARED_URL/api/v2/ticket/get-action-required?limit=500&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '[.data[].Ticket.state] | unique == ["Awaiting your response"]'
}

@test "pages hold 50 tickets by default and next carries start, limit and the token" {
	run -0 curl -s "$SHARED_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN"
	echo "$output" | jq -e --arg o "$SHARED_URL" --arg t "$TEST_TOKEN" '
	    (.data | length) == 50 and
	    .paging.next == $o + "/api/v2/ticket/get-action-required?start=50&limit=50&access_token=" + $t and
	    (.paging | has("previous") | not)'
}

@test "paging.previous appears when start is above 0" {
	run -0 curl -s "$SHARED_URL/api/v2/ticket/get-action-required?start=10&limit=20&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '(.paging.previous | test("[?]start=0&limit=20&")) and
	    (.paging.next | test("[?]start=30&limit=20&"))'
}

@test "an empty action-required list has no paging" {
	jq -c 'select(.state != "AWAITING_MERCHANT")' "$SHARED" | head -n 5 >"$BATS_TEST_TMPDIR/none.jsonl"
	start_sandbox -d "$BATS_TEST_TMPDIR/none.jsonl"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN"
	[ "$output" = '{"code":0,"data":[],"message":""}' ]
}

@test "one ticket awaiting gives one page without next" {
	awaiting_sandbox 1
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN"
	echo "$output" | jq -e '(.data | length) == 1 and (has("paging") | not)'
}

@test "exactly limit tickets give one page; limit+1 give two" {
	awaiting_sandbox 20
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?limit=20&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '(.data | length) == 20 and (has("paging") | not)'
	stop_sandbox
	awaiting_sandbox 21
	run -0 walk "$SANDBOX_URL/api/v2/ticket/get-action-required?limit=20&access_token=$TEST_TOKEN"
	[ "${#lines[@]}" -eq 21 ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?start=20&limit=20&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '(.data | length) == 1 and (.paging | has("next") | not) and (.paging | has("previous"))'
}

@test "1234 tickets walk in pages of 100 without loss or duplicates" {
	awaiting_sandbox 1234
	[ "$(wc -l <"$BATS_TEST_TMPDIR/aw.jsonl")" -eq 1234 ]
	run -0 walk "$SANDBOX_URL/api/v2/ticket/get-action-required?limit=100&access_token=$TEST_TOKEN"
	[ "${#lines[@]}" -eq 1234 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 1234 ]
}

@test "limit outside 1..500 and a bad start are HTTP 400 code 1000" {
	for q in limit=501 limit=0 limit=x start=-1; do
		run -0 call "$SHARED_URL/api/v2/ticket/get-action-required?$q&access_token=$TEST_TOKEN"
		[ "${lines[1]}" = 400 ]
		echo "${lines[0]}" | jq -e '.code == 1000'
	done
}

# --- writes and state moves --------------------------------------------------

@test "a reply moves the ticket to awaiting buyer response and adds a merchant reply" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call -X POST --data-urlencode "reply=Merci, c'est en route & suivi." \
	    -d "id=$id" -d "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/reply"
	[ "${lines[1]}" = 200 ]
	[ "${lines[0]}" = '{"code":0,"data":{"success":true},"message":""}' ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting buyer response" and
	    .data.Ticket.last_update_date == "2026-11-23T12:00:00" and
	    .data.Ticket.replies[-1].Reply == {"date": "2026-11-23T12:00:00",
	      "sender": "merchant", "message": "Merci, c'"'"'est en route & suivi.", "image_urls": "[]"}'
}

@test "a second reply is HTTP 400 code 1000: not awaiting your response" {
	own_sandbox
	id=$(id_in AWAITING_USER "$OWN")
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=$id&reply=hi&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The ticket is not awaiting your response"}' ]
}

@test "reply and close to a closed ticket are HTTP 400 code 1010" {
	own_sandbox
	id=$(id_in CLOSED "$OWN")
	want='{"code":1010,"data":{},"message":"The ticket is closed"}'
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=$id&reply=hi&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "$want" ]
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/close?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "$want" ]
}

@test "a reply needs id and reply: HTTP 400 code 1001" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1001 and .data == "reply" and .message == "Required Param Missing: '"'reply'"'"'
}

@test "a reply of 2001 code points is HTTP 400 code 1000; 2000 pass" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	long=$(printf 'é%.0s' $(seq 1 2001))
	run -0 call -X POST --data-urlencode "reply=$long" -d "id=$id" \
	    -d "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/reply"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | test("2000"))'
	long=$(printf 'é%.0s' $(seq 1 2000))
	run -0 call -X POST --data-urlencode "reply=$long" -d "id=$id" \
	    -d "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/reply"
	[ "${lines[1]}" = 200 ]
}

@test "close sets Closed, close_date and closed_by merchant" {
	own_sandbox
	id=$(id_in AWAITING_USER "$OWN")
	run -0 call -X POST -F "id=$id" -F "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/close"
	[ "${lines[1]}" = 200 ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket | .state == "Closed" and
	    .close_date == "2026-11-23T12:00:00" and .closed_by == "merchant"'
}

@test "re-open moves a closed ticket back with the reason as a merchant reply" {
	own_sandbox
	id=$(id_in CLOSED "$OWN")
	run -0 call -X POST -d "id=$id&reply=Reopening+to+follow+up" \
	    -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/re-open"
	[ "${lines[1]}" = 200 ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket | .state == "Awaiting your response" and
	    (has("close_date") | not) and
	    .replies[-1].Reply.sender == "merchant" and
	    .replies[-1].Reply.message == "Reopening to follow up"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/re-open?id=$id&reply=again&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and .message == "The ticket is not closed"'
}

@test "a permanently closed ticket cannot be re-opened: HTTP 400 code 1000" {
	own_sandbox --tickets 200
	id=$(id_in PERMANENTLY_CLOSED "$OWN")
	[ -n "$id" ]
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/re-open?id=$id&reply=x&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | test("permanently closed"))'
}

@test "appeal moves a ticket to Wish support, once" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/appeal-to-wish-support?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting Wish Support"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/appeal-to-wish-support?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000'
}

@test "a replied ticket leaves get-action-required" {
	awaiting_sandbox 3
	id=$(jq -r .id "$BATS_TEST_TMPDIR/aw.jsonl" | sed -n 2p)
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=$id&reply=ok&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 walk "$SANDBOX_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN"
	[ "${#lines[@]}" -eq 2 ]
	[[ "$output" != *"$id"* ]]
}

@test "writes need POST: HTTP 405" {
	id=$(id_in AWAITING_MERCHANT)
	run -0 call "$SHARED_URL/api/v2/ticket/close?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 405 ]
}

@test "an unknown ticket on a write is HTTP 400 code 1004" {
	own_sandbox
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/close?id=ffff&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1004 and .message == "No '"'Ticket'"' Found with id: '"'ffff'"'"'
}

# --- refunds ----------------------------------------------------------------

@test "refund marks the order REFUNDED; a second refund says already refunded" {
	own_sandbox
	oid=$(jq -r '.orders[] | select(.state != "REFUNDED") | .id' "$OWN" | head -n 1)
	tid=$(jq -r --arg o "$oid" 'select(any(.orders[]; .id == $o)) | .id' "$OWN")
	run -0 call -X POST -F "id=$oid" -F reason_code=19 -F "reason_note=Buyer asked" \
	    -F "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/order/refund"
	[ "${lines[1]}" = 200 ]
	[ "${lines[0]}" = '{"code":0,"data":{"success":true},"message":""}' ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$tid&access_token=$TEST_TOKEN"
	echo "$output" | jq -e --arg o "$oid" '.data.Ticket.items[].Order | select(.order_id == $o) |
	    .state == "REFUNDED" and .refunded_reason == "Buyer asked" and
	    .refunded_time == "2026-11-23" and .refunded_by == "REFUNDED BY MERCHANT"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=$oid&reason_code=19&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | test("already refunded"))'
}

@test "refund errors: unknown order 1004, missing reason_code 1001, bad code 1000" {
	own_sandbox
	oid=$(jq -r '.orders[] | select(.state != "REFUNDED") | .id' "$OWN" | head -n 1)
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=123456789012345678901234&reason_code=19&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1004 and .message == "No '"'Order'"' Found with id: '"'123456789012345678901234'"'"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=$oid&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1001 and .data == "reason_code"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=$oid&reason_code=abc&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000'
}

# --- parameters -------------------------------------------------------------

@test "takes parameters from the query, urlencoded and multipart bodies alike" {
	own_sandbox
	ids=($(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$OWN" | head -n 3))
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/close?id=${ids[0]}&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 call -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
	    --data "id=${ids[1]}&access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/close"
	[ "${lines[1]}" = 200 ]
	run -0 call -X POST -F "id=${ids[2]}" -F "access_token=$TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/close"
	[ "${lines[1]}" = 200 ]
	for id in "${ids[@]}"; do
		run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
		echo "$output" | jq -e '.data.Ticket.state == "Closed"'
	done
}

# --- the store --------------------------------------------------------------

@test "the same seed and --now give the same store bytes; another seed differs" {
	for s in 1 1 2; do
		f="$BATS_TEST_TMPDIR/s$s.$RANDOM.jsonl"
		start_sandbox --seed "$s" --tickets 300 --now "$TEST_NOW" -d "$f"
		stop_sandbox
		echo "$f" >>"$BATS_TEST_TMPDIR/files"
	done
	mapfile -t f <"$BATS_TEST_TMPDIR/files"
	run -0 cmp "${f[0]}" "${f[1]}"
	run -1 cmp -s "${f[0]}" "${f[2]}"
	[ "$(wc -l <"${f[0]}")" -eq 300 ]
}

@test "the generator covers three types, eight languages and due times" {
	run -0 jq -rs '[.[].type] | unique | join(",")' "$SHARED"
	[ "$output" = "ORDER,POST_CUSTOMER_SUPPORT,PRE_PURCHASE" ]
	run -0 jq -rs '[.[].locale | split("-")[0]] | unique | join(",")' "$SHARED"
	[ "$output" = "de,en,es,fr,it,ja,nl,pt" ]
	now=$(date -u -d "$TEST_NOW" +%s)
	# waiting since the last USER reply (only USER replies after MERCHANT ones here)
	run -0 jq -rs --argjson now "$now" '[.[] | select(.state == "AWAITING_MERCHANT") |
	    ([.replies[] | select(.sender == "USER")][-1].at | fromdate) as $w |
	    ($now - $w) / 3600] | [(map(select(. > 48)) | length), (map(select(. > 42 and . <= 48)) | length)] | map(. > 0) | all' "$SHARED"
	[ "$output" = true ]
	run -0 jq -rs '[.[] | .replies[] | select(.sender == "USER" and .translated_message == null)] | length' "$SHARED"
	[ "$output" = 0 ]
}

@test "a change is in the store file before the answer, and survives a restart" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=$id&reply=done&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	[ "$(wc -l <"$OWN")" -eq 51 ]
	tail -n 1 "$OWN" | jq -e --arg id "$id" '.id == $id and .state == "AWAITING_USER"'
	stop_sandbox
	# Compacted: one line per ticket again.
	[ "$(wc -l <"$OWN")" -eq 50 ]
	[ "$(jq -r .id "$OWN" | sort -u | wc -l)" -eq 50 ]
	start_sandbox -d "$OWN"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting buyer response" and
	    .data.Ticket.replies[-1].Reply.message == "done"'
}

@test "a store file with a bad line exits 2 naming file and line" {
	head -n 2 "$SHARED" >"$BATS_TEST_TMPDIR/bad.jsonl"
	echo '{"id": "x", "state": ' >>"$BATS_TEST_TMPDIR/bad.jsonl"
	run -2 --separate-stderr tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR/bad.jsonl"
	[ "$output" = "" ]
	[[ "$stderr" == "tkt-sandbox: $BATS_TEST_TMPDIR/bad.jsonl:3: invalid JSON"* ]]
	echo '{"id": "y", "state": "OPEN"}' >"$BATS_TEST_TMPDIR/bad2.jsonl"
	run -2 --separate-stderr tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR/bad2.jsonl"
	[[ "$stderr" == "tkt-sandbox: $BATS_TEST_TMPDIR/bad2.jsonl:1: ticket y: \"state\" is not a known state" ]]
}

@test "an unusable store file exits 2 with the reason" {
	run -2 --separate-stderr tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR"
	[[ "$stderr" == "tkt-sandbox: $BATS_TEST_TMPDIR"*"Is a directory"* ]]
	run -2 --separate-stderr tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR/no/such/dir/f.jsonl"
	[[ "$stderr" == "tkt-sandbox: $BATS_TEST_TMPDIR/no/such/dir/f.jsonl"*"No such file or directory" ]]
}

# --- rate limit and faults --------------------------------------------------

@test "--rate answers 429 with Remaining 0 and Reset in seconds" {
	own_sandbox --rate 2/s
	for i in 1 2 3 4 5; do
		curl -s -D - -o /dev/null "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN" \
		    >>"$BATS_TEST_TMPDIR/h"
	done
	run -0 grep -c '^HTTP/1.1 429' "$BATS_TEST_TMPDIR/h"
	[ "$output" -ge 2 ]
	run -0 grep -c '^HTTP/1.1 200' "$BATS_TEST_TMPDIR/h"
	[ "$output" -ge 2 ]
	run -0 bash -c "grep -A6 '^HTTP/1.1 429' '$BATS_TEST_TMPDIR/h' | grep -i '^Wish-Rate-Limit-'"
	[[ "$output" == *"Wish-Rate-Limit-Remaining: 0"* ]]
	[[ "$output" =~ Wish-Rate-Limit-Reset:\ 0\.[0-9]{3} ]]
	sleep 1
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
}

@test "nth=N:500 fails exactly the Nth request with HTTP 500" {
	own_sandbox --faults nth=2:500
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 500 ]
	echo "${lines[0]}" | jq -e '.code != 0'
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
}

@test "502, 503 and 429 faults answer those statuses, on their path prefix only" {
	own_sandbox --faults '502@/api/v2/ticket/close,503@/api/v2/ticket/reply,429@/api/v2/ticket/re-open'
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/close?id=x&access_token=$TEST_TOKEN"
	[ "${lines[-1]}" = 502 ]
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=x&access_token=$TEST_TOKEN"
	[ "${lines[-1]}" = 503 ]
	run -0 curl -s -D - -o /dev/null -X POST "$SANDBOX_URL/api/v2/ticket/re-open?id=x&access_token=$TEST_TOKEN"
	[[ "$output" == "HTTP/1.1 429"* ]]
	[[ "$output" == *"Wish-Rate-Limit-Remaining: 0"* ]]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
}

@test "a fault with probability 0 never fires" {
	own_sandbox --faults '500:0'
	for i in 1 2 3; do
		run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
		[ "${lines[1]}" = 200 ]
	done
}

@test "slow=MS delays the answer" {
	own_sandbox --faults 'slow=400@/api/v2/auth_test'
	run -0 curl -s -o /dev/null -w '%{time_total}' "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "$(echo "$output >= 0.4" | bc)" = 1 ]
}

@test "drop-before closes without an answer and changes nothing" {
	own_sandbox --faults 'drop-before@/api/v2/ticket/close'
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -52 curl -s -X POST "$SANDBOX_URL/api/v2/ticket/close?id=$id&access_token=$TEST_TOKEN"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting your response"'
}

@test "drop-after applies the change, then closes without an answer" {
	own_sandbox --faults 'drop-after@/api/v2/ticket/close'
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -52 curl -s -X POST "$SANDBOX_URL/api/v2/ticket/close?id=$id&access_token=$TEST_TOKEN"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Closed"'
}

@test "garbage answers HTTP 200 with a body that is not JSON" {
	own_sandbox --faults 'garbage@/api/v2/ticket'
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	[ "${lines[-1]}" = 200 ]
	run ! jq -e . <<<"${lines[0]}"
}

@test "a bad --faults rule exits 2 naming the rule" {
	for spec in 'teapot' '500:2' '500@ticket' 'nth=0:500' 'nth=3' 'slow=fast' '500,,502'; do
		run -2 --separate-stderr tkt-sandbox --tickets 1 --faults "$spec"
		[ "$output" = "" ]
		[[ "$stderr" == "tkt-sandbox: --faults: bad rule '"* ]]
	done
	run -2 --separate-stderr tkt-sandbox --faults '502,slow=x@/api'
	[[ "$stderr" == "tkt-sandbox: --faults: bad rule 'slow=x@/api'"* ]]
}
