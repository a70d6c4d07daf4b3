#!/usr/bin/env bats
# tkt-sandbox: the fake Wish API, v2 and v3, tested over HTTP with curl and
# jq.  setup_file starts one read-only sandbox (2500 tickets, its store file
# in $SHARED); every test that changes state starts its own.

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
	reap_sandboxes
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

# v3 [curl args…] URL: a request with the Bearer token; the body, then the
# HTTP status on a line of its own.
v3() {
	curl -s -w '\n%{http_code}\n' -H "Authorization: Bearer $TEST_TOKEN" "$@"
}

# A jq function: a v3 time ("2026-11-23T20:00:00.000+08:00") as Unix seconds.
V3T='def v3t: capture("^(?<d>[0-9-]{10}T[0-9:]{8})\\.[0-9]{3}(?<z>Z|(?<s>[+-])(?<h>[0-9]{2}):(?<m>[0-9]{2}))$") |
    ((.d + "Z") | fromdate) - (if .z == "Z" then 0 else ((.h | tonumber) * 3600 +
    (.m | tonumber) * 60) * (if .s == "+" then 1 else -1 end) end);'

# walk3 URL LIMIT [asc|desc [curl args…]]: every ticket id of a v3 list
# (filtered by the curl args, e.g. -d states=CLOSED), paging as a
# client does: the bound (updated_at_max, or _min when asc) moves to the last
# item's updated_at, as sent, and ids already seen are dropped.  Fails when a
# full page brings nothing new (more ties than the limit).
walk3() {
	local url=$1 limit=$2 order=${3:-desc} bound="" key=updated_at_max n new
	local page="$BATS_TEST_TMPDIR/page3.json" seen="$BATS_TEST_TMPDIR/seen3"
	shift $(($# < 3 ? $# : 3))
	[ "$order" = asc ] && key=updated_at_min
	: >"$seen"
	while :; do
		curl -s -G -H "Authorization: Bearer $TEST_TOKEN" \
		    --data-urlencode "limit=$limit" --data-urlencode "sort_by=updated_at.$order" \
		    ${bound:+--data-urlencode "$key=$bound"} "$@" "$url/api/v3/tickets" >"$page" || return 1
		n=$(jq '.data | length' "$page") || return 1
		new=$(jq -r '.data[].id' "$page" | grep -vxFf "$seen")
		if [ -z "$new" ] && [ "$n" -eq "$limit" ]; then
			echo "stuck at $bound" >&2
			return 1
		fi
		[ -z "$new" ] || printf '%s\n' $new | tee -a "$seen"
		[ "$n" -lt "$limit" ] && return 0
		bound=$(jq -r '.data[-1].updated_at' "$page")
	done
}

# tie_store FILE TIME…: a store of tickets t01, t02, … (copies of an
# awaiting ticket of the shared store, without orders), one per TIME, which
# is its updated_at.
tie_store() {
	local out=$1
	shift
	jq -c 'select(.state == "AWAITING_MERCHANT")' "$SHARED" | head -n 1 |
	    jq -c --args '. as $t | $ARGS.positional | to_entries[] | $t + {orders: [],
	        id: ("t" + ((.key + 1) | tostring | ("0" * (2 - length)) + .)),
	        updated_at: .value}' "$@" >"$out"
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
	[[ "$stderr" == *"usage: tkt-sandbox [-p port]"* ]]
	run -2 --separate-stderr tkt-sandbox extra
	[[ "$stderr" == "tkt-sandbox: unexpected operand 'extra'"* ]]
}

@test "--help prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-sandbox --help
	[[ "$output" == "usage: tkt-sandbox [-p port] [-d file] [--token token]"* ]]
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

# idle_then_ask URL N: opens N connections that send half a request and
# then nothing, then asks URL/api/v2/auth_test for real.  Prints the real
# request's HTTP status and the seconds it took, then how many of the idle
# connections the server has closed 12 seconds after they were opened.
idle_then_ask() {
	python3 - "$1" "$2" "$TEST_TOKEN" <<-'EOF'
	import socket, sys, time, urllib.request
	url, n, tok = sys.argv[1], int(sys.argv[2]), sys.argv[3]
	host, port = url.split("//")[1].split(":")
	start = time.time()
	idle = []
	for i in range(n):
	    s = socket.create_connection((host, int(port)), timeout=10)
	    s.sendall(b"GET /api/v2/auth_test HTTP/1.1\r\nHost: x\r\n")
	    idle.append(s)
	t = time.time()
	try:
	    r = urllib.request.urlopen(url + "/api/v2/auth_test?access_token=" + tok, timeout=30)
	    print(r.status)
	except Exception as e:
	    print("failed: %s" % e)
	print(int(time.time() - t))
	closed = 0
	for s in idle:
	    s.settimeout(max(0.01, start + 12 - time.time()))
	    try:
	        closed += s.recv(1) == b""
	    except OSError as e:
	        closed += not isinstance(e, socket.timeout)
	print(closed)
	EOF
}

@test "idle connections are closed after a few seconds and cannot hold a real request out" {
	own_sandbox
	# More than the 128 served at once: the rest wait to be accepted.
	run -0 idle_then_ask "$SANDBOX_URL" 200
	[ "${lines[0]}" = 200 ]
	[ "${lines[1]}" -le 7 ]
	[ "${lines[2]}" = 200 ]
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

# peak_kb PID: the process's peak resident memory, in kB.
peak_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

@test "a form body over 1 MiB is refused as it arrives: HTTP 400 code 1000, and memory stays small" {
	[ -r "/proc/$$/status" ] || skip "no /proc to read the peak memory from"
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	{ printf 'id=%s&reply=' "$id"; head -c 50000000 /dev/zero | tr '\0' a; } >"$BATS_TEST_TMPDIR/form"
	before=$(peak_kb "$SANDBOX_PID")
	run -0 call --data-binary @"$BATS_TEST_TMPDIR/form" \
	    "$SANDBOX_URL/api/v2/ticket/reply?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The request body is larger than 1048576 bytes"}' ]
	# 50 MB went by; what the sandbox kept of it is at most the 1 MiB limit.
	[ $(($(peak_kb "$SANDBOX_PID") - before)) -lt 16384 ]
	[ "$(wc -l <"$OWN")" -eq 50 ]
	# A multipart body is cut off the same way.
	run -0 call -F "id=$id" -F "reply=<$BATS_TEST_TMPDIR/form" \
	    "$SANDBOX_URL/api/v2/ticket/reply?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The request body is larger than 1048576 bytes"}' ]
	[ $(($(peak_kb "$SANDBOX_PID") - before)) -lt 16384 ]
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

@test "the compaction's temporary file is new and private: a link in its place is refused, not followed" {
	own_sandbox
	# A new store is written through it, so it is mode 0600 too.
	[ "$(stat -c %a "$OWN")" = 600 ]
	chmod 640 "$OWN"
	cp "$OWN" "$BATS_TEST_TMPDIR/before"
	echo precious >"$BATS_TEST_TMPDIR/victim"
	pid=$SANDBOX_PID SANDBOX_PID= rc=0
	ln -s "$BATS_TEST_TMPDIR/victim" "$OWN.tmp.$pid"
	kill "$pid"
	wait "$pid" || rc=$?
	[ "$rc" -eq 2 ]
	[ "$(cat "$SANDBOX_ERR")" = "tkt-sandbox: $OWN.tmp.$pid: File exists" ]
	[ "$(cat "$BATS_TEST_TMPDIR/victim")" = precious ]
	cmp "$OWN" "$BATS_TEST_TMPDIR/before"
	rm "$OWN.tmp.$pid"
	# Without the link the store is compacted, and keeps its mode.
	start_sandbox -d "$OWN"
	stop_sandbox
	[ "$(stat -c %a "$OWN")" = 640 ]
	cmp "$OWN" "$BATS_TEST_TMPDIR/before"
}

@test "a store file serves one sandbox at a time: a second exits 2 naming it, and starts once the first has stopped" {
	own_sandbox
	first=$SANDBOX_URL
	run -2 --separate-stderr timeout 5 tkt-sandbox -p 0 -d "$OWN"
	[ "$stderr" = "tkt-sandbox: $OWN: another tkt-sandbox is using this store file (one sandbox a file)" ]
	[ -z "$output" ]
	# The first one serves on, and its changes reach the file.
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 call -X POST "$first/api/v2/ticket/reply?id=$id&reply=mine&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	stop_sandbox
	start_sandbox -d "$OWN"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.replies[-1].Reply.message == "mine"'
}

@test "sandboxes started at once on a new store file: one makes and serves it, the others exit 2" {
	local d=$BATS_TEST_TMPDIR f=$BATS_TEST_TMPDIR/new.jsonl i n pids=()
	for i in 1 2 3 4; do
		tkt-sandbox -p 0 --tickets 2000 -d "$f" >"$d/o$i" 2>"$d/e$i" 3>&- &
		pids+=($!)
		echo $! >>"$d/.sandboxes"
	done
	for i in 1 2 3 4; do
		n=0
		while [ ! -s "$d/o$i" ] && kill -0 "${pids[i - 1]}" 2>/dev/null && [ $n -lt 400 ]; do
			sleep 0.025
			n=$((n + 1))
		done
	done
	[ "$(cat "$d"/o? | wc -l)" -eq 1 ]
	for i in 1 2 3 4; do
		if [ -s "$d/o$i" ]; then
			SANDBOX_PID=${pids[i - 1]}
			continue
		fi
		rc=0
		wait "${pids[i - 1]}" || rc=$?
		[ "$rc" -eq 2 ]
		[ "$(cat "$d/e$i")" = "tkt-sandbox: $f: another tkt-sandbox is using this store file (one sandbox a file)" ]
	done
	stop_sandbox
	[ "$(wc -l <"$f")" -eq 2000 ]
	[ -z "$(ls "$d" | grep '\.tmp\.')" ]
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

# --- the man page -----------------------------------------------------------

@test "the EXAMPLES of tkt-sandbox(1) run as written" {
	local n=0 ex dir
	while IFS= read -r -d '' ex; do
		n=$((n + 1))
		dir="$BATS_TEST_TMPDIR/ex$n"
		mkdir -p "$dir"
		start_sandbox --seed 7 --now "$TEST_NOW" --token sandbox-token
		# The sandboxes an example starts in the background are its jobs.
		run env TKT_TOKEN=sandbox-token bash -c "cd '$dir' && set -eo pipefail
		    $ex
		    kill \$(jobs -p) 2>/dev/null || true" </dev/null
		stop_sandbox
		if [ "$status" -ne 0 ] || [ -z "$output" ]; then
			printf 'example %d failed (%d):\n%s\n%s\n' "$n" "$status" "$ex" "$output"
			return 1
		fi
	done < <(awk '
	    /^\.Sh EXAMPLES/ { on = 1; next }
	    /^\.Sh / { on = 0 }
	    on && /^\.Bd / { blk = ""; inblk = 1; next }
	    on && /^\.Ed/ { printf "%s%c", blk, 0; inblk = 0; next }
	    inblk { blk = blk $0 "\n" }' "$TKT_ROOT/man/tkt-sandbox.1" |
	    sed -z 's/\\(dq/"/g; s/\\e/\\/g; s/\\&//g')
	[ "$n" -ge 6 ]
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
	for spec in 'teapot' '500:2' '500@ticket' '500@put/api' '500@PUT' 'nth=0:500' 'nth=3' 'slow=fast' '500,,502'; do
		run -2 --separate-stderr tkt-sandbox --tickets 1 --faults "$spec"
		[ "$output" = "" ]
		[[ "$stderr" == "tkt-sandbox: --faults: bad rule '"* ]]
	done
	run -2 --separate-stderr tkt-sandbox --faults '502,slow=x@/api'
	[[ "$stderr" == "tkt-sandbox: --faults: bad rule 'slow=x@/api'"* ]]
}

# --- v3: reading ----------------------------------------------------------

@test "v3 GET tickets/{id} answers the flat v3 ticket" {
	id=$(jq -r 'select(.state == "CLOSED" and (.orders | length > 0)) |
	    select(any(.replies[]; .images | length > 0)) | .id' "$SHARED" | head -n 1)
	[ -n "$id" ]
	run -0 v3 "$SHARED_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --arg id "$id" '
	    def t: test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}(Z|[+-][0-9]{2}:[0-9]{2})$");
	    .code == 0 and .message == "" and (.data | type) == "object" and
	    (.data | keys) == ["buyer_info", "id", "merchant_id", "opened_at", "orders",
	        "products", "refund_reason", "replies", "resolution_info", "state",
	        "sub_label", "subject", "type", "updated_at"] and
	    .data.id == $id and .data.state == "CLOSED" and
	    (.data.type | IN("ORDER", "POST_CUSTOMER_SUPPORT")) and
	    (.data.opened_at | t) and (.data.updated_at | t) and
	    (.data.resolution_info.closed_at | t) and
	    (.data.resolution_info.closed_by | IN("MERCHANT", "USER")) and
	    (.data.orders | length > 0) and (.data.orders[0] | keys) == ["id"] and
	    (.data.products[0] | keys) == ["id"] and
	    (.data.buyer_info | keys) == ["locale", "name"] and
	    (.data.refund_reason | IN("SHIPPING_TAKING_TOO_LONG", "USER_NO_LONGER_WANTS_ITEM",
	        "ITEM_DOES_NOT_MATCH_LISTING", "ITEM_DOES_NOT_WORK_AS_DESCRIBED", "ITEM_IS_DAMAGED")) and
	    ([.data.replies[] | (.replied_at | t) and (.sender | IN("USER", "MERCHANT",
	        "WISH_SUPPORT")) and (.supporting_files | type) == "array"] | all) and
	    ([.data.replies[].supporting_files[] | (.url | test("^https://.*\\.jpg$")) and
	        .url[-(.file_name | length) - 1:] == "/" + .file_name] | length > 0 and all)'
}

@test "v3 and v2 give equal values for the same ticket" {
	id=$(jq -r 'select(.state == "CLOSED" and (.orders | length > 0)) | .id' "$SHARED" | head -n 1)
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/tickets/$id"
	echo "$output" >"$BATS_TEST_TMPDIR/v3.json"
	run -0 curl -s "$SHARED_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	jq -e --slurpfile v3 "$BATS_TEST_TMPDIR/v3.json" "$V3T"'
	    def t2: . + "Z" | fromdate;
	    .data.Ticket as $a | $v3[0].data as $b |
	    $a.subject == $b.subject and $a.sublabel == $b.sub_label and
	    ($a.open_date | t2) == ($b.opened_at | v3t) and
	    ($a.last_update_date | t2) == ($b.updated_at | v3t) and
	    ($a.close_date | t2) == ($b.resolution_info.closed_at | v3t) and
	    ($a.closed_by | ascii_upcase) == $b.resolution_info.closed_by and
	    $a.UserInfo.name == $b.buyer_info.name and $a.UserInfo.locale == $b.buyer_info.locale and
	    [$a.items[].Order.order_id] == [$b.orders[].id] and
	    [$a.replies[].Reply.message] == [$b.replies[].message] and
	    [$a.replies[].Reply.date | t2] == [$b.replies[].replied_at | v3t] and
	    [$a.replies[].Reply.sender | ascii_upcase] == [$b.replies[].sender]' <<<"$output"
}

@test "v3 times have milliseconds and all four offset forms, each the stored instant" {
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/tickets?limit=500"
	echo "$output" >"$BATS_TEST_TMPDIR/list.json"
	run -0 jq -r '[.data[].updated_at | capture("\\.[0-9]{3}(?<z>.*)$").z] | unique | join(" ")' \
	    "$BATS_TEST_TMPDIR/list.json"
	[ "$output" = "+00:00 +08:00 -05:00 Z" ]
	jq -s -e "$V3T"'(.[0].data | map({key: .id, value: (.updated_at | v3t)}) | from_entries) as $v3 |
	    [.[1:][] | select($v3[.id] != null) | (.updated_at | fromdate) == $v3[.id]] |
	    length == 500 and all' "$BATS_TEST_TMPDIR/list.json" "$SHARED"
}

@test "a ticket without a close has no resolution_info and a null refund_reason when it has none" {
	id=$(jq -r 'select(.state == "AWAITING_MERCHANT" and .refund_reason == null) | .id' "$SHARED" | head -n 1)
	run -0 v3 "$SHARED_URL/api/v3/tickets/$id"
	echo "${lines[0]}" | jq -e '(.data | has("resolution_info") | not) and .data.refund_reason == null and
	    .data.state == "AWAITING_MERCHANT"'
}

@test "the store's refund reason codes 18 to 24 become the v3 enums of tkt-sandbox(1)" {
	want='18 SHIPPING_TAKING_TOO_LONG
19 USER_NO_LONGER_WANTS_ITEM
20 ITEM_DOES_NOT_MATCH_LISTING
21 ITEM_DOES_NOT_MATCH_LISTING
22 ITEM_DOES_NOT_WORK_AS_DESCRIBED
23 ITEM_IS_DAMAGED
24 ITEM_DOES_NOT_MATCH_LISTING'
	got=
	for code in 18 19 20 21 22 23 24; do
		id=$(jq -r --arg c "$code" 'select(.refund_reason == $c) | .id' "$SHARED" | head -n 1)
		[ -n "$id" ]
		r=$(curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/tickets/$id" |
		    jq -r .data.refund_reason)
		got+="$code $r"$'\n'
	done
	[ "$got" = "$want"$'\n' ]
}

@test "v3 list: 50 newest first by default, in the envelope, without paging" {
	run -0 v3 "$SHARED_URL/api/v3/tickets"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e "$V3T"'.code == 0 and .message == "" and (keys == ["code", "data", "message"]) and
	    (.data | length) == 50 and ([.data[].updated_at | v3t] | . == (sort | reverse))'
	want=$(jq -r '[.updated_at, .id] | @tsv' "$SHARED" | sort -r | head -n 50 | cut -f2)
	[ "$(echo "${lines[0]}" | jq -r '.data[].id')" = "$want" ]
}

@test "v3 list filters by types and states given as repeated keys" {
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=500&types=ORDER&types=PRE_PURCHASE"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '(.data | length) == 500 and
	    ([.data[].type] | unique) == ["ORDER", "PRE_PURCHASE"]'
	n=$(jq -r 'select(.type == "POST_CUSTOMER_SUPPORT" and .state == "CLOSED") | .id' "$SHARED" | wc -l)
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=500&types=POST_CUSTOMER_SUPPORT&states=CLOSED"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --argjson n "$n" '(.data | length) == $n and
	    ([.data[] | [.type, .state]] | unique) == [["POST_CUSTOMER_SUPPORT", "CLOSED"]]'
}

@test "v3 list ignores bracketed keys (states[], types[]) as unknown parameters: every ticket comes back" {
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=500&sort_by=updated_at.asc&states%5B%5D=AWAITING_MERCHANT&types%5B%5D=ORDER"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and (.data | length) == 500 and
	    ([.data[].state] | unique | length) >= 3 and ([.data[].type] | unique | length) == 3'
	all=$(curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/tickets?limit=500&sort_by=updated_at.asc")
	[ "$(jq -c '[.data[].id]' <<<"${lines[0]}")" = "$(jq -c '[.data[].id]' <<<"$all")" ]
	# Even a value that is no state: the key is not one v3 knows.
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=1&states%5B%5D=OPEN&frobnicate=1"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and (.data | length) == 1'
}

@test "v3 list refuses a comma list, an empty value and an unknown enum value: HTTP 400 code 1000 naming the allowed values" {
	want="is not one of AWAITING_MERCHANT, AWAITING_USER, AWAITING_WISH, CLOSED, PERMANENTLY_CLOSED (one value a key: states=AWAITING_MERCHANT&states=AWAITING_USER)"
	run -0 v3 "$SHARED_URL/api/v3/tickets?states=AWAITING_USER,CLOSED"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'states': 'AWAITING_USER,CLOSED' $want\"}" ]
	run -0 v3 "$SHARED_URL/api/v3/tickets?states=CLOSED&states="
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'states': '' $want\"}" ]
	run -0 v3 "$SHARED_URL/api/v3/tickets?types=ORDER&types=BOGUS"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'types': 'BOGUS' is not one of ORDER, PRE_PURCHASE, POST_CUSTOMER_SUPPORT (one value a key: types=ORDER&types=PRE_PURCHASE)\"}" ]
	run -0 v3 "$SHARED_URL/api/v3/tickets?types=order"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | startswith("Invalid parameter '"'types'"': '"'order'"' is not one of"))'
}

@test "v3 list filters by states, the action-required list being states=AWAITING_MERCHANT" {
	want=$(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$SHARED" | sort)
	run -0 walk3 "$SHARED_URL" 500 desc -d states=AWAITING_MERCHANT
	[ "$(printf '%s\n' "${lines[@]}" | sort)" = "$want" ]
	want=$(jq -r 'select(.state == "AWAITING_USER" or .state == "PERMANENTLY_CLOSED") | .id' "$SHARED" | sort)
	run -0 walk3 "$SHARED_URL" 200 asc -d 'states=AWAITING_USER' -d 'states=PERMANENTLY_CLOSED'
	[ "$(printf '%s\n' "${lines[@]}" | sort)" = "$want" ]
}

@test "updated_at_min and _max are inclusive, to the millisecond, in any offset form" {
	read -r id t < <(jq -r 'select(.state == "CLOSED") | [.id, .updated_at] | @tsv' "$SHARED" | head -n 1)
	s=$(date -u -d "$t" +%s)
	z() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%S; }
	e() { date -u -d "@$(($1 + 28800))" +%Y-%m-%dT%H:%M:%S; }
	# q MIN MAX: the ids between, as the sandbox answers.
	q() {
		curl -s -G -H "Authorization: Bearer $TEST_TOKEN" -d limit=500 -d states=CLOSED \
		    --data-urlencode "updated_at_min=$1" --data-urlencode "updated_at_max=$2" \
		    "$SHARED_URL/api/v3/tickets" | jq -r '.data[].id'
	}
	run -0 q "$(z "$s").000Z" "$(z "$s").000Z"
	[[ "$output" == *"$id"* ]]
	run -0 q "$(e "$s").000+08:00" "$(e "$s")+08:00"
	[[ "$output" == *"$id"* ]]
	run -0 q "$(z "$s")Z" "$(z $((s - 1))).999Z"
	[[ "$output" != *"$id"* ]]
	run -0 q "$(z "$s").001Z" "$(z "$s").500+00:00"
	[[ "$output" != *"$id"* ]]
	run -0 q "$(z $((s - 1))).999-00:00" "$(z $((s + 1)))Z"
	[[ "$output" == *"$id"* ]]
}

@test "sort_by updated_at.asc lists oldest first; a tie is ordered by id" {
	tie_store "$BATS_TEST_TMPDIR/ties.jsonl" 2026-11-20T10:00:00Z 2026-11-20T09:00:00Z \
	    2026-11-20T10:00:00Z 2026-11-20T08:00:00Z 2026-11-20T10:00:00Z
	start_sandbox -d "$BATS_TEST_TMPDIR/ties.jsonl"
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets?sort_by=updated_at.asc"
	[ "$(echo "$output" | jq -r '[.data[].id] | join(" ")')" = "t04 t02 t01 t03 t05" ]
	for s in updated_at updated_at.desc; do
		run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets?sort_by=$s"
		[ "$(echo "$output" | jq -r '[.data[].id] | join(" ")')" = "t05 t03 t01 t02 t04" ]
	done
}

@test "paging by window loses and repeats nothing when fewer ties than the limit sit at a boundary" {
	tie_store "$BATS_TEST_TMPDIR/ties.jsonl" \
	    2026-11-20T01:00:00Z 2026-11-20T03:00:00Z 2026-11-20T01:00:00Z 2026-11-20T04:00:00Z \
	    2026-11-20T03:00:00Z 2026-11-20T02:00:00Z 2026-11-20T05:00:00Z 2026-11-20T03:00:00Z \
	    2026-11-20T04:00:00Z 2026-11-20T01:00:00Z
	start_sandbox -d "$BATS_TEST_TMPDIR/ties.jsonl"
	for order in desc asc; do
		for limit in 4 5 10; do
			run -0 walk3 "$SANDBOX_URL" "$limit" "$order"
			[ "${#lines[@]}" -eq 10 ]
			[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 10 ]
		done
	done
	run -0 walk3 "$SANDBOX_URL" 4 desc
	[ "${lines[*]}" = "t07 t09 t04 t08 t05 t02 t06 t10 t03 t01" ]
}

@test "more ties than the limit give the same page again: a client can tell it is stuck" {
	tie_store "$BATS_TEST_TMPDIR/ties.jsonl" 2026-11-20T02:00:00Z 2026-11-20T01:00:00Z \
	    2026-11-20T01:00:00Z 2026-11-20T01:00:00Z 2026-11-20T01:00:00Z 2026-11-20T01:00:00Z
	start_sandbox -d "$BATS_TEST_TMPDIR/ties.jsonl"
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets?limit=3"
	[ "$(echo "$output" | jq -r '[.data[].id] | join(" ")')" = "t01 t06 t05" ]
	last=$(echo "$output" | jq -r '.data[-1].updated_at')
	run -0 curl -s -G -H "Authorization: Bearer $TEST_TOKEN" -d limit=3 \
	    --data-urlencode "updated_at_max=$last" "$SANDBOX_URL/api/v3/tickets"
	[ "$(echo "$output" | jq -r '[.data[].id] | join(" ")')" = "t06 t05 t04" ]
	run -0 curl -s -G -H "Authorization: Bearer $TEST_TOKEN" -d limit=3 \
	    --data-urlencode "updated_at_max=$last" "$SANDBOX_URL/api/v3/tickets"
	[ "$(echo "$output" | jq -r '[.data[].id] | join(" ")')" = "t06 t05 t04" ]
	run -1 walk3 "$SANDBOX_URL" 3
	[[ "$output" == *"stuck at 2026-11-"* ]]
}

@test "2500 tickets walk by window in pages of 100, each once" {
	run -0 walk3 "$SHARED_URL" 100
	[ "${#lines[@]}" -eq 2500 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u | wc -l)" -eq 2500 ]
	run -0 walk3 "$SHARED_URL" 100 asc
	[ "${#lines[@]}" -eq 2500 ]
}

@test "v3 list parameters out of range are HTTP 400 code 1000 naming them" {
	for q in limit=0 limit=501 limit=x sort_by=created_at sort_by=updated_at.up \
	    types=ORDERS states=OPEN updated_at_min=yesterday \
	    'updated_at_max=2026-11-20T10:00:00.000+08:00'; do
		run -0 v3 "$SHARED_URL/api/v3/tickets?$q"
		[ "${lines[1]}" = 400 ]
		echo "${lines[0]}" | jq -e --arg p "${q%%[=%]*}" '.code == 1000 and .data == {} and
		    (.message | startswith("Invalid parameter '"'"'" + $p + "'"'"'"))'
	done
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=501"
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'limit'"': '"'501'"' is too large (want 1 to 500)"}' ]
	run -0 v3 "$SHARED_URL/api/v3/tickets?updated_at_max=2026-11-20T10:00:00.000+08:00"
	echo "${lines[0]}" | jq -e '.message | contains("is not a date-time") and contains("%2B")'
}

@test "an unknown v3 ticket or order is HTTP 400 code 1004" {
	run -0 v3 "$SHARED_URL/api/v3/tickets/000000000000000000000000"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1004,"data":{},"message":"No '"'Ticket'"' Found with id: '"'000000000000000000000000'"'"}' ]
	for p in orders/123 orders/123/refund_reasons; do
		run -0 v3 "$SHARED_URL/api/v3/$p"
		[ "${lines[1]}" = 400 ]
		echo "${lines[0]}" | jq -e '.code == 1004 and .message == "No '"'Order'"' Found with id: '"'123'"'"'
	done
}

@test "v3 takes the token only as a Bearer header: none is HTTP 401 code 1012, a wrong one HTTP 400 code 1006" {
	want='{"code":1012,"data":{},"message":"Missing access token in authorization header"}'
	# A query token counts as none on v3, in the query and in a form body.
	run -0 call "$SHARED_URL/api/v3/tickets?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
	run -0 call -X POST -d "access_token=$TEST_TOKEN" -d message=hi "$SHARED_URL/api/v3/tickets/x/replies"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
	run -0 call "$SHARED_URL/api/v3/tickets/x"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
	# Another scheme is no Bearer token either.
	run -0 call -H "Authorization: Basic $TEST_TOKEN" "$SHARED_URL/api/v3/oauth/test"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = "$want" ]
	run -0 call -H "Authorization: Bearer nope" "$SHARED_URL/api/v3/tickets"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1006,"data":{},"message":"No access token found or the app does not exist"}' ]
	run -0 call -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/oauth/test"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --arg m "$(head -n 1 "$SHARED" | jq -r .merchant_id)" \
	    '. == {code: 0, data: {merchant_id: $m}, message: ""}'
}

@test "an unknown v3 path is HTTP 404 and a wrong method HTTP 405" {
	run -0 v3 "$SHARED_URL/api/v3/ticket"
	[ "${lines[1]}" = 404 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and .message == "No such endpoint: /api/v3/ticket"'
	run -0 v3 "$SHARED_URL/api/v3/tickets/abc/close"
	[ "${lines[1]}" = 404 ]
	for m in 'POST tickets' 'DELETE tickets/abc' 'POST tickets/abc' 'GET tickets/abc/replies' \
	    'PUT tickets/abc/replies' 'POST orders/abc' 'POST orders/abc/refund_reasons' \
	    'GET orders/abc/refund' 'POST orders/abc/refund' 'PUT oauth/refresh_token'; do
		run -0 v3 -X "${m% *}" "$SHARED_URL/api/v3/${m#* }"
		[ "${lines[1]}" = 405 ] || { echo "$m: ${lines[*]}"; return 1; }
	done
	run -0 v3 -X DELETE "$SHARED_URL/api/v3/tickets/abc"
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Use GET or PUT for /api/v3/tickets/abc"}' ]
}

@test "v3 answers, errors too, carry a Wish-Request-Id and Remaining, and no Reset but on a 429" {
	for u in tickets?limit=1 tickets/x nothing; do
		curl -s -D - -o /dev/null -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/$u" \
		    >>"$BATS_TEST_TMPDIR/h"
	done
	curl -s -D - -o /dev/null "$SHARED_URL/api/v3/tickets" >>"$BATS_TEST_TMPDIR/h"
	run -0 grep -c '^HTTP/1.1 \(200\|400\|404\|401\) ' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 4 ]
	run -0 grep -ci '^Content-Type: application/json' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 4 ]
	run -0 grep -ci '^Wish-Rate-Limit-Remaining: 1000000.$' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 4 ]
	run -1 grep -ci '^Wish-Rate-Limit-Reset' "$BATS_TEST_TMPDIR/h"
	[ "$output" = 0 ]
	run -0 bash -c "grep -i '^Wish-Request-Id: ' '$BATS_TEST_TMPDIR/h' | sort -u | wc -l"
	[ "$output" = 4 ]
}

# --- v3: rate-limit headers -------------------------------------------------

# heads [curl args…] URL: the status line and the rate-limit headers of a
# v3 answer, one a line, without carriage returns.
heads() {
	curl -s -D - -o /dev/null -H "Authorization: Bearer $TEST_TOKEN" "$@" |
	    tr -d '\r' | grep -i '^HTTP/\|^Wish-Rate-Limit-'
}

@test "a v3 429, from --rate or a fault, carries Remaining 0 and Reset; the other answers Remaining only" {
	own_sandbox --rate 2/s --faults '429@/api/v3/tickets/'
	run -0 heads "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[0]}" = "HTTP/1.1 200 OK" ]
	[ "${lines[1]}" = "Wish-Rate-Limit-Remaining: 1" ]
	[ "${#lines[@]}" -eq 2 ]
	run -0 heads "$SANDBOX_URL/api/v3/tickets/x"
	[ "${lines[0]}" = "HTTP/1.1 429 Too Many Requests" ]
	[ "${lines[1]}" = "Wish-Rate-Limit-Remaining: 0" ]
	[ "${lines[2]}" = "Wish-Rate-Limit-Reset: 0.250" ]
	run -0 heads "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[0]}" = "HTTP/1.1 429 Too Many Requests" ]
	[ "${lines[1]}" = "Wish-Rate-Limit-Remaining: 0" ]
	[[ "${lines[2]}" =~ ^Wish-Rate-Limit-Reset:\ 0\.[0-9]{3}$ ]]
	[ "${lines[2]}" != "Wish-Rate-Limit-Reset: 0.000" ]
	run -0 v3 "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[1]}" = 429 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Too Many Requests"}' ]
	# v2 keeps both headers on every answer.
	sleep 1
	run -0 bash -c "curl -s -D - -o /dev/null '$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN' | tr -d '\r' | grep -i '^Wish-Rate-Limit-'"
	[[ "${lines[0]}" =~ ^Wish-Rate-Limit-Remaining:\ [0-9]+$ ]]
	[[ "${lines[1]}" =~ ^Wish-Rate-Limit-Reset:\ [0-9.]+$ ]]
}

# reset_of FORMAT: starts a sandbox whose v3 oauth/test answers 429, and
# prints the real time before the request (seconds, decimals), the Reset
# it got, and the real time after.
reset_of() {
	# In memory: the sandboxes of earlier calls still hold their store files.
	start_sandbox --now "$TEST_NOW" --faults '429@/api/v3/oauth/test' --reset-format "$1" >&2
	date +%s.%N
	heads "$SANDBOX_URL/api/v3/oauth/test" | sed -n 's/^Wish-Rate-Limit-Reset: //p'
	date +%s.%N
}

@test "--reset-format: each of the five forms of Reset parses back to the real clock plus the wait" {
	# Each reset_of runs in a subshell: its sandbox is stopped by teardown.
	run -0 reset_of seconds
	[ "${lines[1]}" = 0.250 ]
	run -0 reset_of unix
	[[ "${lines[1]}" =~ ^[0-9]{10}$ ]]
	# Rounded up to the second: after the request plus 0.25 s, within a second of it.
	[ "$(echo "${lines[1]} >= ${lines[0]} + 0.25 && ${lines[1]} <= ${lines[2]} + 1.25" | bc)" = 1 ]
	run -0 reset_of unix-ms
	[[ "${lines[1]}" =~ ^[0-9]{13}$ ]]
	[ "$(echo "${lines[1]} / 1000 >= ${lines[0]} + 0.25 && ${lines[1]} / 1000 <= ${lines[2]} + 0.251" | bc -l)" = 1 ]
	run -0 reset_of http-date
	[[ "${lines[1]}" =~ ^(Mon|Tue|Wed|Thu|Fri|Sat|Sun),\ [0-9]{2}\ [A-Z][a-z]{2}\ [0-9]{4}\ [0-9]{2}:[0-9]{2}:[0-9]{2}\ GMT$ ]]
	t=$(date -u -d "${lines[1]}" +%s)
	[ "$(date -u -d "@$t" '+%a, %d %b %Y %H:%M:%S GMT')" = "${lines[1]}" ]
	[ "$(echo "$t >= ${lines[0]} + 0.25 && $t <= ${lines[2]} + 1.25" | bc)" = 1 ]
	run -0 reset_of iso8601
	[[ "${lines[1]}" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]]
	t=$(date -u -d "${lines[1]}" +%s.%3N)
	[ "$(echo "$t >= ${lines[0]} + 0.25 && $t <= ${lines[2]} + 0.251" | bc -l)" = 1 ]
	# The real clock, not --now (2026-11-23T12:00:00Z): not that day unless today is.
	[ "${lines[1]:0:10}" = "$(date -u -d "@${lines[0]%.*}" +%Y-%m-%d)" ] ||
	    [ "${lines[1]:0:10}" = "$(date -u -d "@${lines[2]%.*}" +%Y-%m-%d)" ]
}

@test "a client that waits until an absolute Reset is admitted again: the time is real" {
	own_sandbox --rate 1/s --reset-format iso8601
	run -0 heads "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[0]}" = "HTTP/1.1 200 OK" ]
	run -0 heads "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[0]}" = "HTTP/1.1 429 Too Many Requests" ]
	reset=$(date -u -d "${lines[2]#Wish-Rate-Limit-Reset: }" +%s.%3N)
	wait=$(echo "$reset - $(date +%s.%N)" | bc -l)
	[ "$(echo "$wait > 0.5 && $wait <= 1.01" | bc -l)" = 1 ]
	sleep "$wait"
	run -0 heads "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[0]}" = "HTTP/1.1 200 OK" ]
}

@test "--rate-headers 429: v3 answers other than 429 carry no rate headers at all; v2 keeps them" {
	own_sandbox --rate-headers 429 --faults '429@/api/v3/tickets/x' --reset-format unix
	for u in oauth/test tickets?limit=1 tickets/000000000000000000000000 nothing; do
		run -0 heads "$SANDBOX_URL/api/v3/$u"
		[ "${#lines[@]}" -eq 1 ] || { echo "$u: ${lines[*]}"; return 1; }
		[[ "${lines[0]}" == "HTTP/1.1 "[24]0[0-9]* ]]
	done
	run -0 heads "$SANDBOX_URL/api/v3/tickets/x"
	[ "${lines[0]}" = "HTTP/1.1 429 Too Many Requests" ]
	[ "${lines[1]}" = "Wish-Rate-Limit-Remaining: 0" ]
	[[ "${lines[2]}" =~ ^Wish-Rate-Limit-Reset:\ [0-9]{10}$ ]]
	run -0 bash -c "curl -s -D - -o /dev/null '$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN' | tr -d '\r' | grep -ci '^Wish-Rate-Limit-'"
	[ "$output" = 2 ]
}

@test "bad --reset-format and --rate-headers values exit 2 naming the choices" {
	run -2 --separate-stderr tkt-sandbox --tickets 1 --reset-format epoch
	[ "$output" = "" ]
	[ "$stderr" = "tkt-sandbox: --reset-format: 'epoch' is not seconds, unix, unix-ms, http-date or iso8601" ]
	run -2 --separate-stderr tkt-sandbox --tickets 1 --rate-headers some
	[ "$stderr" = "tkt-sandbox: --rate-headers: 'some' is not all or 429" ]
}

# --- v3: Accept-Language ---------------------------------------------------

# lang_get [curl args…] URL: a v3 GET; the body, then the Content-Language
# header's value ("-" when there is none), then the HTTP status.
lang_get() {
	local h="$BATS_TEST_TMPDIR/lang.h" body cl
	body=$(curl -s -D "$h" -H "Authorization: Bearer $TEST_TOKEN" "$@")
	cl=$(sed -n 's/^Content-Language: \(.*\)\r$/\1/Ip' "$h")
	printf '%s\n%s\n%s\n' "$body" "${cl:--}" \
	    "$(sed -n '1s/^HTTP[^ ]* \([0-9]*\).*/\1/p' "$h")"
}

# A French buyer's ticket awaiting the buyer: buyer and merchant replies.
fr_ticket() {
	jq -r 'select(.state == "AWAITING_USER" and .locale == "fr" and
	    any(.replies[]; .sender == "MERCHANT")) | .id' "$SHARED" | head -n 1
}

@test "without Accept-Language a v3 ticket has the buyer's own words and no Content-Language" {
	id=$(fr_ticket)
	[ -n "$id" ]
	run -0 lang_get "$SHARED_URL/api/v3/tickets/$id"
	[ "${lines[2]}" = 200 ]
	[ "${lines[1]}" = - ]
	want=$(jq -c --arg id "$id" 'select(.id == $id) | [.replies[].message]' "$SHARED")
	[ "$(jq -c '[.data.replies[].message]' <<<"${lines[0]}")" = "$want" ]
	# The translations differ: the test would see one.
	[ "$want" != "$(jq -c --arg id "$id" 'select(.id == $id) |
	    [.replies[] | .translated_message // .message]' "$SHARED")" ]
}

@test "Accept-Language en answers buyer replies in English, others as written, with Content-Language en" {
	id=$(fr_ticket)
	want=$(jq -c --arg id "$id" 'select(.id == $id) |
	    [.replies[] | .translated_message // .message]' "$SHARED")
	# The merchant's French answer has no translation: it stays.
	jq -se --arg id "$id" 'map(select(.id == $id))[0] | [.replies[] | select(.sender == "MERCHANT") |
	    .translated_message == null] | all' "$SHARED"
	for al in en en-US 'en-US,en;q=0.9' 'EN-gb' 'de;q=0.5, en-GB;q=0.9' 'fr;q=0, en'; do
		run -0 lang_get -H "Accept-Language: $al" "$SHARED_URL/api/v3/tickets/$id"
		[ "${lines[2]}" = 200 ]
		[ "${lines[1]}" = en ] || { echo "$al: '${lines[1]}'"; return 1; }
		[ "$(jq -c '[.data.replies[].message]' <<<"${lines[0]}")" = "$want" ]
	done
	[ "$want" != "$(jq -c --arg id "$id" 'select(.id == $id) | [.replies[].message]' "$SHARED")" ]
}

@test "Accept-Language other than English, first by q, leaves content as is and sends no Content-Language" {
	id=$(fr_ticket)
	want=$(jq -c --arg id "$id" 'select(.id == $id) | [.replies[].message]' "$SHARED")
	for al in fr zh 'fr-CA,en;q=0.8' 'en;q=0.1, ja' '*' 'en;q=0' 'x_y, !!' e 'en-' 'en;q=2' 'english'; do
		run -0 lang_get -H "Accept-Language: $al" "$SHARED_URL/api/v3/tickets/$id"
		[ "${lines[2]}" = 200 ]
		[ "${lines[1]}" = - ] || { echo "$al: '${lines[1]}'"; return 1; }
		[ "$(jq -c '[.data.replies[].message]' <<<"${lines[0]}")" = "$want" ]
	done
}

@test "Accept-Language en translates every ticket of a list and a PUT's answer; errors and orders carry no Content-Language" {
	run -0 lang_get -H 'Accept-Language: en-US,en;q=0.9' "$SHARED_URL/api/v3/tickets?limit=300"
	[ "${lines[2]}" = 200 ]
	[ "${lines[1]}" = en ]
	echo "${lines[0]}" >"$BATS_TEST_TMPDIR/list.json"
	jq -s -e '(.[0].data | map({key: .id, value: [.replies[].message]}) | from_entries) as $got |
	    [.[1:][] | select($got[.id] != null) | $got[.id] == [.replies[] | .translated_message // .message]] |
	    length == 300 and all' "$BATS_TEST_TMPDIR/list.json" "$SHARED"
	run -0 lang_get -H 'Accept-Language: en' "$SHARED_URL/api/v3/tickets/000000000000000000000000"
	[ "${lines[2]}" = 400 ]
	[ "${lines[1]}" = - ]
	echo "${lines[0]}" | jq -e '.code == 1004'
	oid=$(jq -r '.orders[].id' "$SHARED" | head -n 1)
	run -0 lang_get -H 'Accept-Language: en' "$SHARED_URL/api/v3/orders/$oid"
	[ "${lines[2]}" = 200 ]
	[ "${lines[1]}" = - ]
	own_sandbox
	id=$(jq -r 'select(.state == "AWAITING_USER" and .locale != "en") | .id' "$OWN" | head -n 1)
	run -0 v3 -X PUT -H 'Accept-Language: en' -d '{"state":"CLOSED"}' -D "$BATS_TEST_TMPDIR/h" \
	    "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 200 ]
	grep -qix 'Content-Language: en.' "$BATS_TEST_TMPDIR/h"
	echo "${lines[0]}" | jq -e --slurpfile s <(jq --arg id "$id" 'select(.id == $id)' "$OWN") \
	    '[.data.replies[].message] == [$s[0].replies[] | .translated_message // .message] and
	    ([.data.replies[].message] != [$s[0].replies[].message])'
}

# --- v3: writes -------------------------------------------------------------

@test "a v3 reply answers the Reply and moves the ticket to AWAITING_USER, seen by v2" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 v3 -X POST -H 'Content-Type: application/json' \
	    -d '{"message": "Merci, c'"'"'est en route \u0026 suivi. 🚚"}' "$SANDBOX_URL/api/v3/tickets/$id/replies"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e "$V3T"'.code == 0 and .message == "" and
	    (.data | keys) == ["message", "replied_at", "sender", "supporting_files"] and
	    .data.message == "Merci, c'"'"'est en route & suivi. 🚚" and .data.sender == "MERCHANT" and
	    (.data.replied_at | v3t) == ("2026-11-23T12:00:00Z" | fromdate) and .data.supporting_files == []'
	run -0 v3 "$SANDBOX_URL/api/v3/tickets/$id"
	echo "${lines[0]}" | jq -e "$V3T"'.data.state == "AWAITING_USER" and
	    (.data.updated_at | v3t) == ("2026-11-23T12:00:00Z" | fromdate) and
	    .data.replies[-1].message == "Merci, c'"'"'est en route & suivi. 🚚"'
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting buyer response" and
	    .data.Ticket.replies[-1].Reply == {"date": "2026-11-23T12:00:00", "sender": "merchant",
	      "message": "Merci, c'"'"'est en route & suivi. 🚚", "image_urls": "[]"}'
}

@test "a v3 reply only to a ticket awaiting the merchant: 1000, or 1010 when closed" {
	own_sandbox --tickets 200
	for st in AWAITING_USER AWAITING_WISH CLOSED PERMANENTLY_CLOSED; do
		id=$(id_in "$st" "$OWN")
		[ -n "$id" ]
		run -0 v3 -X POST -d '{"message":"hi"}' "$SANDBOX_URL/api/v3/tickets/$id/replies"
		[ "${lines[1]}" = 400 ]
		case $st in
		AWAITING_*) [ "${lines[0]}" = '{"code":1000,"data":{},"message":"The ticket is not awaiting your response"}' ] ;;
		*) [ "${lines[0]}" = '{"code":1010,"data":{},"message":"The ticket is closed"}' ] ;;
		esac
	done
}

@test "a v3 reply of 2001 code points is HTTP 400 code 1000; 2000 pass" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	long=$(printf 'é%.0s' $(seq 1 2001))
	run -0 v3 -X POST -d "{\"message\":\"$long\"}" "$SANDBOX_URL/api/v3/tickets/$id/replies"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'message'"': longer than 2000 characters (2001)"}' ]
	long=$(printf 'é%.0s' $(seq 1 2000))
	run -0 v3 -X POST -d "{\"message\":\"$long\"}" "$SANDBOX_URL/api/v3/tickets/$id/replies"
	[ "${lines[1]}" = 200 ]
}

@test "a v3 reply needs a JSON body with a message string of valid UTF-8" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	u="$SANDBOX_URL/api/v3/tickets/$id/replies"
	run -0 v3 -X POST "$u"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1001,"data":{},"message":"Required Param Missing: '"'message'"'"}' ]
	for body in '{"message":""}' '{"message":null}' '{"text":"hi"}'; do
		run -0 v3 -X POST -d "$body" "$u"
		echo "${lines[0]}" | jq -e '.code == 1001'
	done
	run -0 v3 -X POST -d '{"message":42}' "$u"
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'message'"': not a string"}' ]
	for body in 'message=hi' '["hi"]' '{"message":"hi"'; do
		run -0 v3 -X POST -d "$body" "$u"
		[ "${lines[1]}" = 400 ]
		echo "${lines[0]}" | jq -e '.code == 1000 and (.message | startswith("The request body is not a JSON object"))'
	done
	run -0 v3 -X POST --data-binary $'{"message":"caf\xe9"}' "$u"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000'
	run -0 v3 "$SANDBOX_URL/api/v3/tickets/$id"
	echo "${lines[0]}" | jq -e '.data.state == "AWAITING_MERCHANT"'
}

@test "PUT state CLOSED closes by the merchant; v2 sees it closed" {
	own_sandbox
	id=$(id_in AWAITING_USER "$OWN")
	run -0 v3 -X PUT -H 'Content-Type: application/json' -d '{"state":"CLOSED"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --arg id "$id" "$V3T"'.code == 0 and .data.id == $id and
	    .data.state == "CLOSED" and .data.resolution_info.closed_by == "MERCHANT" and
	    (.data.resolution_info.closed_at | v3t) == ("2026-11-23T12:00:00Z" | fromdate)'
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket | .state == "Closed" and
	    .close_date == "2026-11-23T12:00:00" and .closed_by == "merchant"'
	run -0 v3 -X PUT -d '{"state":"CLOSED"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1010,"data":{},"message":"The ticket is closed"}' ]
}

@test "PUT state AWAITING_MERCHANT re-opens a CLOSED ticket only, adding no reply" {
	own_sandbox --tickets 200
	id=$(id_in CLOSED "$OWN")
	n=$(jq -r --arg id "$id" 'select(.id == $id) | .replies | length' "$OWN")
	run -0 v3 -X PUT -d '{"state":"AWAITING_MERCHANT"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --argjson n "$n" '.data.state == "AWAITING_MERCHANT" and
	    (.data | has("resolution_info") | not) and (.data.replies | length) == $n'
	run -0 v3 -X PUT -d '{"state":"AWAITING_MERCHANT"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The ticket is not closed"}' ]
	id=$(id_in PERMANENTLY_CLOSED "$OWN")
	run -0 v3 -X PUT -d '{"state":"AWAITING_MERCHANT"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The ticket is permanently closed and cannot be re-opened"}' ]
	run -0 v3 "$SANDBOX_URL/api/v3/tickets/$id"
	echo "${lines[0]}" | jq -e '.data.state == "PERMANENTLY_CLOSED" and .data.resolution_info.closed_by == "WISH_SUPPORT"'
}

@test "PUT state AWAITING_WISH appeals, once" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 v3 -X PUT -d '{"state":"AWAITING_WISH"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.data.state == "AWAITING_WISH"'
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=$id&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting Wish Support"'
	run -0 v3 -X PUT -d '{"state":"AWAITING_WISH"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"The ticket is already awaiting Wish support"}' ]
}

@test "PUT needs a state of CLOSED, AWAITING_MERCHANT or AWAITING_WISH" {
	own_sandbox
	id=$(id_in AWAITING_MERCHANT "$OWN")
	u="$SANDBOX_URL/api/v3/tickets/$id"
	for st in AWAITING_USER PERMANENTLY_CLOSED closed; do
		run -0 v3 -X PUT -d "{\"state\":\"$st\"}" "$u"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'state'"': '"'$st'"' (want CLOSED, AWAITING_MERCHANT or AWAITING_WISH)"}' ]
	done
	run -0 v3 -X PUT -d '{}' "$u"
	[ "${lines[0]}" = '{"code":1001,"data":{},"message":"Required Param Missing: '"'state'"'"}' ]
	run -0 v3 -X PUT -d '{"state":["CLOSED"]}' "$u"
	echo "${lines[0]}" | jq -e '.code == 1000 and .message == "Invalid parameter '"'state'"': not a string"'
	run -0 v3 -X PUT -d 'state=CLOSED' "$u"
	echo "${lines[0]}" | jq -e '.code == 1000'
	run -0 v3 -X PUT -d '{"state":"CLOSED"}' "$SANDBOX_URL/api/v3/tickets/ffff"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1004'
	run -0 v3 "$u"
	echo "${lines[0]}" | jq -e '.data.state == "AWAITING_MERCHANT"'
}

# --- v3: orders and refunds -----------------------------------------------

@test "GET orders/{id} renders the order: product, money as numbers, tracking, address" {
	read -r tid oid < <(jq -r 'select(.orders | length > 0) | .id as $t | .orders[] |
	    select(.state == "SHIPPED") | [$t, .id] | @tsv' "$SHARED" | head -n 1)
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid"
	[ "${lines[1]}" = 200 ]
	jq -e --slurpfile s "$SHARED" --arg t "$tid" --arg o "$oid" "$V3T"'
	    ($s[] | select(.id == $t) | .orders[] | select(.id == $o)) as $r | .data as $d |
	    .code == 0 and $d.id == $o and $d.state == "SHIPPED" and
	    $d.transaction_id == $r.transaction_id and
	    $d.product_information == {id: $r.product_id, variation_id: $r.variant_id,
	        name: $r.product_name, sku: $r.sku, size: $r.size, color: $r.color} and
	    $d.order_payment.general_payment_details.product_quantity == $r.quantity and
	    $d.order_payment.general_payment_details.product_price ==
	        {amount: ($r.price | tonumber), currency_code: "USD"} and
	    $d.order_payment.general_payment_details.payment_total.amount == ($r.order_total | tonumber) and
	    $d.order_payment.general_payment_details.product_merchant_payment ==
	        {amount: ($r.cost | tonumber), currency_code: "USD"} and
	    $d.tracking_information[0] == {tracking_number: $r.tracking_number,
	        shipping_provider: {name: $r.shipping_provider}} and
	    $d.fulfillment_records[0].event_type == "MARK_SHIPPED" and
	    ($d.fulfillment_records[0].event_time | v3t) == ($r.shipped_date + "T00:00:00Z" | fromdate) and
	    $d.full_address.shipping_detail.country_code == $r.shipping_detail.country and
	    ($d.released_at | v3t) == ($r.order_time | fromdate) and $d.refunds == []' <<<"${lines[0]}"
	# The amounts are the digits as stored, not a float's rendering.
	price=$(jq -r --arg o "$oid" '.orders[] | select(.id == $o) | .price' "$SHARED")
	[[ "${lines[0]}" == *"\"product_price\":{\"amount\":$price,"* ]]
	cost=$(jq -r --arg o "$oid" '.orders[] | select(.id == $o) | .cost' "$SHARED")
	[[ "${lines[0]}" == *"\"product_merchant_payment\":{\"amount\":$cost,\"currency_code\":\"USD\"}"* ]]
}

@test "tracking_information is newest first: the stored tracking, and for about one order in four an earlier one by another carrier" {
	jq -r '.orders[] | select(.tracking_number != null) | .id' "$SHARED" | head -n 60 >"$BATS_TEST_TMPDIR/oids"
	while read -r oid; do
		curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SHARED_URL/api/v3/orders/$oid" |
		    jq -c '.data | {id, t: .tracking_information}'
	done <"$BATS_TEST_TMPDIR/oids" >"$BATS_TEST_TMPDIR/got"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/got")" -eq 60 ]
	# [0] is the stored tracking; [1], when there, is another number and carrier.
	jq -s -e --slurpfile s "$SHARED" '
	    ([$s[].orders[]] | map({key: .id, value: .}) | from_entries) as $o |
	    all(.[]; $o[.id] as $r | .t[0] == {tracking_number: $r.tracking_number,
	        shipping_provider: {name: $r.shipping_provider}} and (.t | length) <= 2 and
	        ((.t | length) == 1 or (.t[1].tracking_number != $r.tracking_number and
	         .t[1].shipping_provider.name != $r.shipping_provider and
	         (.t[1].tracking_number | test("^[A-Z0-9]{10,}$")))))' "$BATS_TEST_TMPDIR/got"
	n=$(jq -s '[.[] | select(.t | length == 2)] | length' "$BATS_TEST_TMPDIR/got")
	[ "$n" -ge 8 ]
	[ "$n" -le 25 ]
	# The same every time: the earlier tracking comes from the order's id.
	oid=$(jq -r 'select(.t | length == 2) | .id' "$BATS_TEST_TMPDIR/got" | head -n 1)
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid"
	[ "$(jq -c .data.tracking_information <<<"${lines[0]}")" = \
	    "$(jq -c --arg o "$oid" 'select(.id == $o) | .t' "$BATS_TEST_TMPDIR/got")" ]
	# An order not shipped has none.
	oid=$(jq -r '.orders[] | select(.tracking_number == null) | .id' "$SHARED" | head -n 1)
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid"
	echo "${lines[0]}" | jq -e '.data.tracking_information == [] and .data.state == "APPROVED"'
}

@test "every time in a v3 ticket and order has milliseconds and an offset" {
	oid=$(jq -r 'select(.state == "CLOSED") | .orders[] | select(.state == "REFUNDED") | .id' "$SHARED" | head -n 1)
	tid=$(jq -r --arg o "$oid" 'select(any(.orders[]; .id == $o)) | .id' "$SHARED")
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid"
	echo "${lines[0]}" >"$BATS_TEST_TMPDIR/o.json"
	run -0 v3 "$SHARED_URL/api/v3/tickets/$tid"
	echo "${lines[0]}" >"$BATS_TEST_TMPDIR/t.json"
	# Every string that starts like a date is a whole v3 time; there are some.
	jq -s -e '[.[].data | .. | strings | select(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}"))] |
	    length >= 8 and all(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}(Z|[+-][0-9]{2}:[0-9]{2})$"))' \
	    "$BATS_TEST_TMPDIR/o.json" "$BATS_TEST_TMPDIR/t.json"
}

# The 22 values of v3's RefundReason enum, those a shipped order takes, those
# an order not shipped yet takes, and the 8 the ticket enum shares with it.
SHIPPED_REASONS='["ITEM_RETURNED_TO_SENDER","ITEM_IS_DAMAGED","SHIPPING_TAKING_TOO_LONG","ITEM_DOES_NOT_FIT","RECEIVED_WRONG_ITEM","ITEM_IS_COUNTERFEIT","ITEM_DOES_NOT_WORK_AS_DESCRIBED","ITEM_DOES_NOT_MATCH_LISTING","ITEM_MARKED_DELIVERED_BUT_DID_NOT_ARRIVE","MERCHANT_SENT_TO_WRONG_ADDRESS","REPLACEMENT_NEVER_RECEIVED","WRONG_COLOR","ITEM_IS_POOR_QUALITY","INCOMPLETE_ORDER","EMPTY_PACKAGE","PRODUCT_LISTING_MISSING_INFO","ITEM_DID_NOT_MEET_EXPECTATIONS","RECEIVED_NOTE_FROM_MERCHANT","MERCHANT_REPORTED_BUYER_FRAUD"]'
APPROVED_REASONS='["UNABLE_TO_SHIP","SHIPPING_TAKING_TOO_LONG","MERCHANT_OUT_OF_STOCK","PRODUCT_LISTING_MISSING_INFO","RECEIVED_NOTE_FROM_MERCHANT","MERCHANT_REPORTED_ORDER","MERCHANT_REPORTED_BUYER_FRAUD"]'
SHARED_REASONS='["SHIPPING_TAKING_TOO_LONG","ITEM_DOES_NOT_FIT","ITEM_IS_DAMAGED","ITEM_DOES_NOT_MATCH_LISTING","ITEM_IS_COUNTERFEIT","ITEM_DOES_NOT_WORK_AS_DESCRIBED","EMPTY_PACKAGE","RECEIVED_NOTE_FROM_MERCHANT"]'

# order_in STATE [FILE]: "ticket-id order-id" of the first order in STATE.
order_in() {
	jq -r --arg s "$1" '.id as $t | .orders[] | select(.state == $s) | [$t, .id] | @tsv' \
	    "${2:-$SHARED}" | head -n 1
}

# refund3 ORDER BODY: a v3 refund of ORDER on the sandbox of the test.
refund3() {
	v3 -X PUT -H 'Content-Type: application/json' -d "$2" "$SANDBOX_URL/api/v3/orders/$1/refund"
}

# order3 ORDER: the order as v3 reads it on the sandbox of the test.
order3() {
	v3 "$SANDBOX_URL/api/v3/orders/$1"
}

# order2 TICKET ORDER: the order's {state, refunded_reason} as v2 reads it.
order2() {
	curl -s "$SANDBOX_URL/api/v2/ticket?id=$1&access_token=$TEST_TOKEN" |
	    jq -c --arg o "$2" '.data.Ticket.items[].Order | select(.order_id == $o) |
	        {state, refunded_reason}'
}

@test "refund_reasons depend on the order's state: shipped, not shipped, refunded" {
	read -r tid oid < <(order_in SHIPPED)
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid/refund_reasons"
	[ "${lines[1]}" = 200 ]
	[ "$(jq -c .data <<<"${lines[0]}")" = "$SHIPPED_REASONS" ]
	# A shipped order takes every reason the ticket enum shares with the order enum.
	jq -e --argjson s "$SHARED_REASONS" '.code == 0 and ($s - .data) == []' <<<"${lines[0]}"
	read -r tid oid < <(order_in APPROVED)
	[ -n "$oid" ]
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid/refund_reasons"
	[ "${lines[1]}" = 200 ]
	[ "$(jq -c .data <<<"${lines[0]}")" = "$APPROVED_REASONS" ]
	read -r tid oid < <(order_in REFUNDED)
	run -0 v3 "$SHARED_URL/api/v3/orders/$oid/refund_reasons"
	[ "${lines[0]}" = '{"code":0,"data":[],"message":""}' ]
}

@test "a v3 refund is answered IN_PROGRESS, state unchanged; after --refund-delay it has SUCCEEDED, v2 seeing it only then" {
	own_sandbox --refund-delay 800ms
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_IS_DAMAGED","refund_reason_note":"Sorry, refunded"}'
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --arg o "$oid" '.code == 0 and .message == "" and
	    .data.id == $o and
	    .data.state == "SHIPPED" and .data.processing_source == "REFUND" and
	    .data.processing_status == "IN_PROGRESS" and .data.refunds == []'
	# In progress: every read says so, v2 sees the order not refunded, and a second refund is refused.
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_status == "IN_PROGRESS" and .data.refunds == []'
	[ "$(order2 "$tid" "$oid")" = '{"state":"SHIPPED","refunded_reason":null}' ]
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_IS_DAMAGED"}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"A refund of order $oid is in progress\"}" ]
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=$oid&reason_code=23&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"A refund of order $oid is in progress\"}" ]
	sleep 0.9
	run -0 order3 "$oid"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e "$V3T"'.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.processing_source == "REFUND" and
	    .data.processing_status == "SUCCEEDED" and (.data.refunds | length) == 1 and
	    (.data.refunds[0] | .refund_reason == "ITEM_IS_DAMAGED" and .refund_reason_note == "Sorry, refunded" and
	     .refund_source == "MERCHANT" and (.refund_time | v3t) == ("2026-11-23T12:00:00Z" | fromdate))'
	[ "$(order2 "$tid" "$oid")" = '{"state":"REFUNDED","refunded_reason":"Sorry, refunded"}' ]
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_IS_DAMAGED"}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Order $oid is already refunded\"}" ]
}

@test "without --refund-delay the answer still says IN_PROGRESS and the next read SUCCEEDED" {
	own_sandbox
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -0 refund3 "$oid" '{"refund_reason":"EMPTY_PACKAGE"}'
	[ "${lines[1]}" = 200 ]
	# The store has one line more, the refund's end, before the answer.
	[ "$(wc -l <"$OWN")" -eq 51 ]
	tail -n 1 "$OWN" | jq -e --arg o "$oid" '.orders[] | select(.id == $o) |
	    .state == "REFUNDED" and .processing.status == "SUCCEEDED"'
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_status == "IN_PROGRESS" and .data.refunds == []'
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.processing_status == "SUCCEEDED" and
	    .data.refunds[0].refund_reason == "EMPTY_PACKAGE" and .data.refunds[0].refund_reason_note == null'
	# Without a note, v2 reads the reason in words.
	[ "$(order2 "$tid" "$oid")" = '{"state":"REFUNDED","refunded_reason":"Empty package"}' ]
	# An order never refunded through v3 carries no processing fields.
	other=$(jq -r --arg o "$oid" '.orders[] | select(.id != $o) | .id' "$OWN" | head -n 1)
	run -0 order3 "$other"
	echo "${lines[0]}" | jq -e '.code == 0 and (.data | has("processing_source") or has("processing_status") | not)'
}

@test "a v3 refund takes only the reasons of refund_reasons: ticket-only and wrong-stage reasons are HTTP 400 code 1000" {
	own_sandbox
	read -r tid oid < <(order_in SHIPPED "$OWN")
	for r in OTHER USER_NO_LONGER_WANTS_ITEM USER_PLACED_ORDER_BY_MISTAKE ITEM_NEVER_ARRIVED 19 item_is_damaged; do
		run -0 refund3 "$oid" "{\"refund_reason\":\"$r\"}"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'refund_reason': '$r' is not a refund reason (see GET /api/v3/orders/$oid/refund_reasons)\"}" ]
	done
	for r in UNABLE_TO_SHIP MERCHANT_OUT_OF_STOCK MERCHANT_REPORTED_ORDER; do
		run -0 refund3 "$oid" "{\"refund_reason\":\"$r\"}"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'refund_reason': order $oid, SHIPPED, does not take '$r' (see GET /api/v3/orders/$oid/refund_reasons)\"}" ]
	done
	read -r tid2 oid2 < <(order_in APPROVED "$OWN")
	run -0 refund3 "$oid2" '{"refund_reason":"ITEM_IS_DAMAGED"}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = "{\"code\":1000,\"data\":{},\"message\":\"Invalid parameter 'refund_reason': order $oid2, APPROVED, does not take 'ITEM_IS_DAMAGED' (see GET /api/v3/orders/$oid2/refund_reasons)\"}" ]
	# Nothing was started.
	for o in "$oid" "$oid2"; do
		run -0 order3 "$o"
		echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state != "REFUNDED" and (.data | has("processing_status") | not)'
	done
	run -0 refund3 "$oid2" '{"refund_reason":"MERCHANT_OUT_OF_STOCK","refund_reason_note":"Out of stock, sorry"}'
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "APPROVED" and .data.processing_status == "IN_PROGRESS"'
}

@test "a ticket's own refund_reason, when the order enum has it, refunds the ticket's shipped orders" {
	own_sandbox --tickets 300
	read -r tid oid < <(jq -r 'select(.refund_reason == "23" or .refund_reason == "22" or .refund_reason == "18") |
	    .id as $t | .orders[] | select(.state == "SHIPPED") | [$t, .id] | @tsv' "$OWN" | head -n 1)
	[ -n "$oid" ]
	reason=$(v3 "$SANDBOX_URL/api/v3/tickets/$tid" | head -n 1 | jq -r .data.refund_reason)
	jq -e --arg r "$reason" --argjson s "$SHARED_REASONS" '$s | index($r) != null' <<<null
	run -0 refund3 "$oid" "{\"refund_reason\":\"$reason\"}"
	[ "${lines[1]}" = 200 ]
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e --arg r "$reason" '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.refunds[0].refund_reason == $r'
}

@test "v3 refund body errors: missing reason 1001, the v2-style keys are not taken, a note not a string or empty 1000, unknown order 1004" {
	own_sandbox
	read -r tid oid < <(order_in SHIPPED "$OWN")
	want='{"code":1001,"data":{},"message":"Required Param Missing: '"'refund_reason'"'"}'
	for body in '{"refund_reason_note":"x"}' '{"reason":"ITEM_IS_DAMAGED","note":"x"}' '{"refund_reason":null}' ''; do
		run -0 refund3 "$oid" "$body"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = "$want" ]
	done
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_IS_DAMAGED","refund_reason_note":3}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'refund_reason_note'"': not a string"}' ]
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_IS_DAMAGED","refund_reason_note":""}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'refund_reason_note'"': empty (leave it out, or write at least one character)"}' ]
	run -0 refund3 123456789012345678901234 '{"refund_reason":"ITEM_IS_DAMAGED"}'
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1004,"data":{},"message":"No '"'Order'"' Found with id: '"'123456789012345678901234'"'"}' ]
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.refunds == [] and (.data | has("processing_status") | not)'
}

@test "the refund-fail fault: the refund starts, then ends FAILED with the order as it was; it can be refunded again" {
	own_sandbox --faults 'nth=1:refund-fail'
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_DOES_NOT_FIT","refund_reason_note":"Too small"}'
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_status == "IN_PROGRESS" and .data.refunds == []'
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_source == "REFUND" and
	    .data.processing_status == "FAILED" and .data.refunds == []'
	[ "$(order2 "$tid" "$oid")" = '{"state":"SHIPPED","refunded_reason":null}' ]
	run -0 refund3 "$oid" '{"refund_reason":"ITEM_DOES_NOT_FIT"}'
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.processing_status == "IN_PROGRESS"'
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.processing_status == "SUCCEEDED" and
	    .data.refunds[0].refund_reason == "ITEM_DOES_NOT_FIT"'
	# A v2 refund after a failed v3 one is taken, and the failure is gone.
	oid2=$(jq -r --arg o "$oid" '.orders[] | select(.state == "SHIPPED" and .id != $o) | .id' "$OWN" | head -n 1)
	stop_sandbox
	start_sandbox -d "$OWN" --faults 'refund-fail@PUT/api/v3/orders/'
	run -0 refund3 "$oid2" '{"refund_reason":"ITEM_IS_DAMAGED"}'
	[ "${lines[1]}" = 200 ]
	run -0 order3 "$oid2"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.processing_status == "FAILED"'
	run -0 call -X POST "$SANDBOX_URL/api/v2/order/refund?id=$oid2&reason_code=23&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 order3 "$oid2"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and (.data | has("processing_status") | not) and
	    .data.refunds[0].refund_reason == "Item arrived damaged" and .data.refunds[0].refund_reason_note == null'
}

@test "--no-processing leaves processing_source and processing_status out; state and refunds tell the outcome" {
	own_sandbox --no-processing --refund-delay 300ms
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -0 refund3 "$oid" '{"refund_reason":"WRONG_COLOR"}'
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.refunds == [] and
	    (.data | has("processing_source") or has("processing_status") | not)'
	sleep 0.4
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.refunds[0].refund_reason == "WRONG_COLOR" and
	    (.data | has("processing_source") or has("processing_status") | not)'
}

@test "a refund in progress is kept in the store file: after a restart it is still in progress, then ends" {
	own_sandbox --refund-delay 2s
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -0 refund3 "$oid" '{"refund_reason":"INCOMPLETE_ORDER"}'
	[ "${lines[1]}" = 200 ]
	stop_sandbox
	start_sandbox -d "$OWN"
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_status == "IN_PROGRESS"'
	run -0 refund3 "$oid" '{"refund_reason":"INCOMPLETE_ORDER"}'
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.message | test("refund .* in progress")'
	sleep 2
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "REFUNDED" and .data.processing_status == "SUCCEEDED"'
	stop_sandbox
	[ "$(jq -r --arg o "$oid" '.orders[] | select(.id == $o) | .state' "$OWN")" = REFUNDED ]
}

@test "drop-after on a refund starts it and closes without an answer" {
	own_sandbox --refund-delay 1s --faults 'drop-after@PUT/api/v3/orders'
	read -r tid oid < <(order_in SHIPPED "$OWN")
	run -52 curl -s -X PUT -H "Authorization: Bearer $TEST_TOKEN" -d '{"refund_reason":"ITEM_IS_DAMAGED"}' \
	    "$SANDBOX_URL/api/v3/orders/$oid/refund"
	run -0 order3 "$oid"
	echo "${lines[0]}" | jq -e '.code == 0 and .message == "" and
	    .data.state == "SHIPPED" and .data.processing_status == "IN_PROGRESS"'
	tail -n 1 "$OWN" | jq -e --arg o "$oid" '.orders[] | select(.id == $o) | .processing.status == "IN_PROGRESS"'
}

@test "bad --refund-delay values exit 2 naming the option" {
	for v in 250 -1s soon 2x 1h30 2d 86400001ms ms; do
		run -2 --separate-stderr tkt-sandbox --tickets 1 --refund-delay "$v"
		[ "$output" = "" ]
		[ "$stderr" = "tkt-sandbox: --refund-delay: '$v' is not a duration up to a day (want 0, 250ms, 2s, 1m)" ]
	done
}

# --- one store, two versions ------------------------------------------------

@test "a v2 write shows through v3 and a v3 write through v2, after a restart too" {
	own_sandbox
	ids=($(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$OWN" | head -n 2))
	run -0 call -X POST "$SANDBOX_URL/api/v2/ticket/reply?id=${ids[0]}&reply=from+v2&access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 v3 -X POST -d '{"message":"from v3"}' "$SANDBOX_URL/api/v3/tickets/${ids[1]}/replies"
	[ "${lines[1]}" = 200 ]
	run -0 v3 "$SANDBOX_URL/api/v3/tickets?states=AWAITING_USER&limit=500"
	echo "${lines[0]}" | jq -e --arg a "${ids[0]}" --arg b "${ids[1]}" '
	    [.data[] | select(.id == $a or .id == $b) | .replies[-1].message] | sort == ["from v2", "from v3"]'
	run -0 v3 "$SANDBOX_URL/api/v3/tickets?states=AWAITING_MERCHANT&limit=500"
	echo "${lines[0]}" | jq -e --arg a "${ids[0]}" --arg b "${ids[1]}" '[.data[].id] | index($a) == null and index($b) == null'
	run -0 walk "$SANDBOX_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN"
	[[ "$output" != *"${ids[1]}"* ]]
	stop_sandbox
	start_sandbox -d "$OWN"
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket?id=${ids[1]}&access_token=$TEST_TOKEN"
	echo "$output" | jq -e '.data.Ticket.state == "Awaiting buyer response" and
	    .data.Ticket.replies[-1].Reply.message == "from v3"'
	run -0 v3 "$SANDBOX_URL/api/v3/tickets/${ids[0]}"
	echo "${lines[0]}" | jq -e '.data.state == "AWAITING_USER" and .data.replies[-1].message == "from v2"'
}

@test "--faults and --rate apply to v3 paths" {
	own_sandbox --faults '503@/api/v3/tickets,drop-after@/api/v3/orders'
	run -0 v3 "$SANDBOX_URL/api/v3/tickets"
	[ "${lines[-1]}" = 503 ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	oid=$(jq -r '.orders[] | select(.state == "SHIPPED") | .id' "$OWN" | head -n 1)
	run -52 curl -s -X PUT -H "Authorization: Bearer $TEST_TOKEN" -d '{"refund_reason":"ITEM_IS_DAMAGED"}' \
	    "$SANDBOX_URL/api/v3/orders/$oid/refund"
	jq -e --arg o "$oid" '.orders[] | select(.id == $o) | .state == "REFUNDED"' <(tail -n 1 "$OWN")
	stop_sandbox
	own_sandbox --rate 1/s
	for i in 1 2 3; do
		curl -s -D - -o /dev/null -H "Authorization: Bearer $TEST_TOKEN" \
		    "$SANDBOX_URL/api/v3/oauth/test" >>"$BATS_TEST_TMPDIR/h"
	done
	run -0 grep -c '^HTTP/1.1 429' "$BATS_TEST_TMPDIR/h"
	[ "$output" -ge 1 ]
	run -0 grep -c 'Wish-Rate-Limit-Remaining: 0' "$BATS_TEST_TMPDIR/h"
	[ "$output" -ge 1 ]
}

@test "a method before a fault's path narrows it: a v3 state change fails, a read of the same path does not" {
	own_sandbox --faults '500@PUT/api/v3/tickets,503@GET/api/v2/auth_test'
	id=$(id_in AWAITING_MERCHANT "$OWN")
	run -0 v3 "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[-1]}" = 200 ]
	run -0 v3 -X PUT -d '{"state":"CLOSED"}' "$SANDBOX_URL/api/v3/tickets/$id"
	[ "${lines[-1]}" = 500 ]
	[ "$(jq -r --arg id "$id" 'select(.id == $id) | .state' "$OWN" | tail -n 1)" = AWAITING_MERCHANT ]
	run -0 call -X POST "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[-1]}" = 200 ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[-1]}" = 503 ]
}

# --- tokens: expiry and refresh ---------------------------------------------

# refresh2 [curl args…]: the v2 refresh with the right parameters in a form.
refresh2() {
	call -X POST -d client_id=app -d client_secret=secret -d grant_type=refresh_token "$@" \
	    "$SANDBOX_URL/api/v2/oauth/refresh_token"
}

@test "--token-ttl: a token expires that long after it was issued, on both versions" {
	own_sandbox --token-ttl 1
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	sleep 1.1
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = '{"code":1015,"data":{},"message":"The access token has expired"}' ]
	run -0 call -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v2/ticket/get-action-required"
	[ "${lines[1]}" = 401 ]
	run -0 v3 "$SANDBOX_URL/api/v3/tickets"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1007,"data":{},"message":"This access token has expired"}' ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=wrong"
	echo "${lines[0]}" | jq -e '.code == 4000'
}

@test "a v2 refresh issues a new token that lives --token-ttl; the old one is revoked on both versions" {
	own_sandbox --token-ttl 2
	sleep 1.5
	run -0 refresh2 -d refresh_token=sandbox-refresh
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e --arg old "$TEST_TOKEN" --arg m "$(head -n 1 "$OWN" | jq -r .merchant_id)" '
	    ("2026-11-23T12:00:00Z" | fromdate) as $start |
	    .code == 0 and .message == "" and
	    (.data | keys) == ["access_token", "expires_in", "expiry_time", "merchant_id", "refresh_token"] and
	    (.data.access_token | type) == "string" and .data.access_token != $old and
	    .data.expires_in == 2 and .data.expiry_time >= $start + 3 and .data.expiry_time <= $start + 5 and
	    .data.refresh_token == "sandbox-refresh" and .data.merchant_id == $m'
	new=$(echo "${lines[0]}" | jq -r .data.access_token)
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = '{"code":1016,"data":{},"message":"The access token has been revoked"}' ]
	run -0 v3 "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1008,"data":{},"message":"This access token has been revoked"}' ]
	# Past the first token's two seconds, the new one still works.
	sleep 0.6
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$new"
	[ "${lines[1]}" = 200 ]
	run -0 call -H "Authorization: Bearer $new" "$SANDBOX_URL/api/v3/oauth/test"
	[ "${lines[1]}" = 200 ]
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?limit=1&access_token=$new"
	echo "$output" | jq -e --arg t "$new" '.paging.next | endswith("&access_token=" + $t)'
}

@test "a v2 refresh takes GET and query parameters, and works with an expired token" {
	own_sandbox --token-ttl 1
	sleep 1.1
	run -0 call "$SANDBOX_URL/api/v2/oauth/refresh_token?client_id=a&client_secret=b&refresh_token=sandbox-refresh&grant_type=refresh_token"
	[ "${lines[1]}" = 200 ]
	new=$(echo "${lines[0]}" | jq -r .data.access_token)
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$new"
	[ "${lines[1]}" = 200 ]
}

@test "a v3 refresh with GET answers an AccessToken; POST with a JSON body too" {
	own_sandbox
	run -0 call "$SANDBOX_URL/api/v3/oauth/refresh_token?client_id=a&client_secret=b&refresh_token=sandbox-refresh&grant_type=refresh_token"
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e "$V3T"'.code == 0 and
	    (.data | keys) == ["access_token", "expiry_time", "merchant_id", "refresh_token", "scopes"] and
	    (.data.expiry_time | v3t) == ("2026-11-23T12:00:00Z" | fromdate) + 30 * 86400 and
	    .data.refresh_token == "sandbox-refresh" and (.data.scopes | index("tickets:write")) != null'
	first=$(echo "${lines[0]}" | jq -r .data.access_token)
	run -0 call -X POST -H 'Content-Type: application/json' \
	    -d '{"client_id":"a","client_secret":"b","refresh_token":"sandbox-refresh","grant_type":"refresh_token"}' \
	    "$SANDBOX_URL/api/v3/oauth/refresh_token"
	[ "${lines[1]}" = 200 ]
	second=$(echo "${lines[0]}" | jq -r .data.access_token)
	[ "$first" != "$second" ]
	run -0 call -H "Authorization: Bearer $first" "$SANDBOX_URL/api/v3/tickets"
	echo "${lines[0]}" | jq -e '.code == 1008'
	run -0 call -H "Authorization: Bearer $second" "$SANDBOX_URL/api/v3/tickets?limit=1"
	[ "${lines[1]}" = 200 ]
}

@test "a refresh needs client_id, client_secret, refresh_token and grant_type refresh_token" {
	own_sandbox
	all='client_id=a&client_secret=b&refresh_token=sandbox-refresh&grant_type=refresh_token'
	for p in client_id client_secret refresh_token grant_type; do
		q=$(echo "$all" | tr '&' '\n' | grep -v "^$p=" | paste -sd '&')
		run -0 call "$SANDBOX_URL/api/v2/oauth/refresh_token?$q"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = "{\"code\":1001,\"data\":\"$p\",\"message\":\"Required Param Missing: '$p'\"}" ]
		run -0 call "$SANDBOX_URL/api/v3/oauth/refresh_token?$q"
		[ "${lines[1]}" = 400 ]
		[ "${lines[0]}" = "{\"code\":1001,\"data\":{},\"message\":\"Required Param Missing: '$p'\"}" ]
	done
	run -0 call "$SANDBOX_URL/api/v2/oauth/refresh_token?${all%=*}=authorization_code"
	[ "${lines[0]}" = '{"code":1000,"data":{},"message":"Invalid parameter '"'grant_type'"': must be '"'refresh_token'"'"}' ]
	run -0 call "$SANDBOX_URL/api/v3/oauth/refresh_token?${all%=*}=authorization_code"
	[ "${lines[0]}" = '{"code":1001,"data":{},"message":"grant_type must be set to '"'refresh_token'"'"}' ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
}

@test "a wrong refresh token is HTTP 401 on v2, 400 code 1006 on v3, and leaves the token as it was" {
	own_sandbox --refresh-token my-refresh
	run -0 refresh2 -d refresh_token=sandbox-refresh
	[ "${lines[1]}" = 401 ]
	[ "${lines[0]}" = '{"code":4000,"data":{},"message":"Invalid refresh token"}' ]
	run -0 call "$SANDBOX_URL/api/v3/oauth/refresh_token?client_id=a&client_secret=b&refresh_token=nope&grant_type=refresh_token"
	[ "${lines[1]}" = 400 ]
	[ "${lines[0]}" = '{"code":1006,"data":{},"message":"Unauthorized access on this API: the refresh token is not valid"}' ]
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 refresh2 -d refresh_token=my-refresh
	[ "${lines[1]}" = 200 ]
	echo "${lines[0]}" | jq -e '.data.refresh_token == "my-refresh" and .data.expires_in == 2592000'
}

@test "bad --token-ttl and an empty --refresh-token exit 2 naming the option" {
	for v in 0 -5 soon 1h30 999999999999; do
		run -2 --separate-stderr tkt-sandbox --tickets 1 --token-ttl "$v"
		[ "$output" = "" ]
		[[ "$stderr" == "tkt-sandbox: --token-ttl: '$v' is not a duration from 1 second to 10 years"* ]]
	done
	run -2 --separate-stderr tkt-sandbox --tickets 1 --refresh-token ''
	[ "$stderr" = "tkt-sandbox: --refresh-token: the token may not be empty" ]
}

@test "--token-ttl takes a duration: 2d lasts past a second" {
	own_sandbox --token-ttl 2d
	sleep 1.1
	run -0 call "$SANDBOX_URL/api/v2/auth_test?access_token=$TEST_TOKEN"
	[ "${lines[1]}" = 200 ]
	run -0 refresh2 -d refresh_token=sandbox-refresh
	echo "${lines[0]}" | jq -e '.data.expires_in == 172800'
}

# --files: the replies' images behind signed links that expire.

# file_links: every /files/ link in a v3 read of 200 tickets.
file_links() {
	v3 "$SANDBOX_URL/api/v3/tickets?limit=200&states=AWAITING_MERCHANT&states=CLOSED&states=AWAITING_USER" |
	    sed '$d' | jq -r '.. | strings | select(test("/files/"))'
}

@test "--files: images are fresh signed links to the sandbox; a good link gets the same bytes, others 403" {
	local u1 u2 name t sig now
	start_sandbox --seed 7 --tickets 200 --now "$TEST_NOW" --files
	now=$(date -d "$TEST_NOW" +%s)
	u1=$(file_links | head -n 1)
	[[ $u1 =~ ^$SANDBOX_URL/files/([0-9a-f]{24}\.jpg)\?expires=([0-9]+)\&sig=([0-9a-f]{64})$ ]]
	name=${BASH_REMATCH[1]} t=${BASH_REMATCH[2]} sig=${BASH_REMATCH[3]}
	# 60 minutes on the sandbox clock; the signature is no secret.
	[ "$t" -ge $((now + 3600)) ] && [ "$t" -lt $((now + 3660)) ]
	[ "$sig" = "$(printf 'tkt-sandbox-files:%s:%s' "$name" "$t" | sha256sum | cut -c1-64)" ]
	sleep 1.1
	u2=$(file_links | grep -F "/files/$name?")
	[ "$u2" != "$u1" ]
	run -0 curl -sf "$u1" -o "$BATS_TEST_TMPDIR/a"
	run -0 curl -sf "$u2" -o "$BATS_TEST_TMPDIR/b"
	cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	[ "$(wc -c <"$BATS_TEST_TMPDIR/a")" -ge 1000 ]
	run -0 call "${u1%sig=*}sig=${sig/a/b}"
	[ "${lines[0]}" = "Request has bad signature" ] && [ "${lines[1]}" = 403 ]
	run -0 call "$SANDBOX_URL/files/$name?expires=$((t + 1))&sig=$sig"
	[ "${lines[0]}" = "Request has bad signature" ] && [ "${lines[1]}" = 403 ]
	run -0 call "$SANDBOX_URL/files/$name"
	[ "${lines[0]}" = "Request has not a signed link" ] && [ "${lines[1]}" = 403 ]
	t=$((now - 10))
	sig=$(printf 'tkt-sandbox-files:%s:%s' "$name" "$t" | sha256sum | cut -c1-64)
	run -0 call "$SANDBOX_URL/files/$name?expires=$t&sig=$sig"
	[ "${lines[0]}" = "Request has expired" ] && [ "${lines[1]}" = 403 ]
	grep -q "^tkt-sandbox: files: GET /files/$name: 403 expired, .*; Authorization: none; Cookie: none\$" "$SANDBOX_ERR"
	# v2's image_urls name the same signed links.
	run -0 curl -s "$SANDBOX_URL/api/v2/ticket/get-action-required?access_token=$TEST_TOKEN&limit=200"
	[[ $output == *"$SANDBOX_URL/files/"*"?expires="*"&sig="* ]]
}

@test "without --files the images stay Wish bucket URLs, and /files/ is no route" {
	SANDBOX_URL=$SHARED_URL
	run -0 file_links
	[ -z "$output" ]
	run -0 v3 "$SHARED_URL/api/v3/tickets?limit=200&states=AWAITING_MERCHANT&states=CLOSED"
	[[ $output == *'"https://s3-us-west-1.amazonaws.com/sweeper-production-ticket-image-uploads/'* ]]
	run -0 call "$SHARED_URL/files/a.jpg?expires=1&sig=0"
	[ "${lines[-1]}" = 404 ]
}
