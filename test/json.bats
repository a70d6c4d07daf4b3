#!/usr/bin/env bats
# The small JSON documents, read and written as trees with jansson
# (README, Dependencies): request bodies, error envelopes, the sandbox's
# answers that carry no money.  Where no number has to survive byte for
# byte, a number is its value, written in the fewest digits that read
# back the same; money stays byte for byte (tkt-sandbox.bats, with-orders).

load test_helper

teardown() {
	stop_fake
	reap_sandboxes
}

# post VERSION JSON: a JSON body POSTed to the sandbox's refresh of that
# version; the answer, then the HTTP status on a line of its own.
post() {
	curl -s -w '\n%{http_code}\n' -X POST -H 'Content-Type: application/json' \
	    -d "$2" "$SANDBOX_URL/api/$1/oauth/refresh_token"
}

# refresh_body TOKEN: a refresh's JSON body with refresh_token TOKEN, as
# JSON text (a number, or a string in quotes).
refresh_body() {
	printf '{"client_id":"a","client_secret":"b","refresh_token":%s,"grant_type":"refresh_token"}' "$1"
}

@test "a refresh token sent as the JSON number 6.69 comes back as 6.69, not 6.6900000000000004" {
	local v
	start_sandbox --now "$TEST_NOW" --tickets 1 --refresh-token 6.69
	for v in v2 v3; do
		run -0 post "$v" "$(refresh_body 6.69)"
		[ "${lines[1]}" = 200 ]
		echo "${lines[0]}" | jq -e '.code == 0 and .data.refresh_token == "6.69"'
		# A number is its value, not its text.
		run -0 post "$v" "$(refresh_body 6.69e0)"
		[ "${lines[1]}" = 200 ]
		run -0 post "$v" "$(refresh_body '"6.690"')"
		[ "${lines[1]}" != 200 ]
	done
	stop_sandbox
	# A number that needs all 17 digits keeps them.
	start_sandbox --now "$TEST_NOW" --tickets 1 --refresh-token 0.30000000000000004
	run -0 post v3 "$(refresh_body 0.30000000000000004)"
	[ "${lines[1]}" = 200 ]
	run -0 post v3 "$(refresh_body 0.3)"
	[ "${lines[1]}" = 400 ]
}

@test "the sandbox refuses a JSON body that gives a key twice, and one that is not JSON" {
	local store="$BATS_TEST_TMPDIR/s.jsonl" id
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 30 -d "$store"
	id=$(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$store" | head -n 1)
	run -0 curl -s -w '\n%{http_code}\n' -X POST -H "Authorization: Bearer $TEST_TOKEN" \
	    -d '{"message":"one","message":"two"}' "$SANDBOX_URL/api/v3/tickets/$id/replies"
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and .data == {} and
	    (.message | startswith("The request body is not a JSON object: invalid JSON at byte ")) and
	    (.message | contains("duplicate object key"))'
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets/$id"
	echo "$output" | jq -e '.data.state == "AWAITING_MERCHANT"'
	# The refresh reads a body that starts with "{" as JSON, on both versions.
	run -0 post v2 '{"client_id":"a","client_id":"b"}'
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | contains("duplicate object key"))'
	run -0 post v3 '{"client_id":"a",'
	[ "${lines[1]}" = 400 ]
	echo "${lines[0]}" | jq -e '.code == 1000 and (.message | startswith("The request body is not a JSON object: invalid JSON at byte "))'
}

@test "v3 writes send JSON bodies the sandbox reads back to the byte" {
	local store="$BATS_TEST_TMPDIR/s.jsonl" id text
	only_api v3 "v2 sends form parameters"
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 30 -d "$store"
	export TKT_NOW="$TEST_NOW"
	id=$(jq -r 'select(.state == "AWAITING_MERCHANT") | .id' "$store" | head -n 1)
	text=$'He said "hi" \\ C:\\path\tTab\nline 2: é 日本 🎉 \x01\x7f/end'
	run -0 --separate-stderr tkt-reply -m "$text" <<<"$id"
	echo "$output" | jq -e '.result.ok == true'
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets/$id"
	[ "$(echo "$output" | jq -j '.data.replies[-1].message')" = "$text" ]
	run -0 --separate-stderr tkt-close <<<"$id"
	echo "$output" | jq -e '.result.ok == true'
	run -0 curl -s -H "Authorization: Bearer $TEST_TOKEN" "$SANDBOX_URL/api/v3/tickets/$id"
	echo "$output" | jq -e '.data.state == "CLOSED"'
}

@test "an error answer is read as a JSON tree: its code and message, or why it is malformed" {
	local f="$BATS_TEST_TMPDIR/fake" id=6b035bb722e983d15cf3dc6a
	only_api v3 "v3 paths"
	mkdir -p "$f"
	printf '{"code":1004,"data":{},"message":"No \\"Ticket\\" here \\u00e9"}' >"$f/missing.json"
	printf '<html>nope</html>' >"$f/html.json"
	printf '{"code":1004,"code":1005,"data":{},"message":"twice"}' >"$f/twice.json"
	printf '%s\t%s\t%s\n' "/api/v3/tickets/${id}1" 404 missing.json \
	    "/api/v3/tickets/${id}2" 404 html.json \
	    "/api/v3/tickets/${id}3" 400 twice.json \
	    "/api/v3/tickets/${id}4" 404 - >"$f/routes"
	start_fake "$f/routes"
	run -1 --separate-stderr tkt-list "${id}1"
	[ "$stderr" = "tkt-list: ticket ${id}1: No \"Ticket\" here é (code 1004, HTTP 404) (request id req-1)" ]
	run -3 --separate-stderr tkt-list "${id}2"
	[[ "$stderr" == "tkt-list: ticket ${id}2: malformed answer (HTTP 404, 17 bytes): invalid JSON at byte "*"'[' or '{' expected near '<'"* ]]
	run -3 --separate-stderr tkt-list "${id}3"
	[[ "$stderr" == "tkt-list: ticket ${id}3: malformed answer (HTTP 400, 53 bytes): invalid JSON at byte "*"duplicate object key"* ]]
	run -3 --separate-stderr tkt-list "${id}4"
	[[ "$stderr" == "tkt-list: ticket ${id}4: malformed answer (HTTP 404, 0 bytes): empty body"* ]]
}

@test "a token refused with code 0 in the envelope says code 0, not 'code ;'" {
	local f="$BATS_TEST_TMPDIR/fake" id=6b035bb722e983d15cf3dc6a
	only_api v3 "v3 paths"
	mkdir -p "$f"
	printf '{"code":0,"data":{},"message":""}' >"$f/zero.json"
	printf '{"code":0,"data":{},"message":"Unauthorized"}' >"$f/zeromsg.json"
	printf '{"data":{}}' >"$f/none.json"
	printf '%s\t%s\t%s\n' "/api/v3/tickets/${id}1" 401 zero.json \
	    "/api/v3/tickets/${id}2" 401 zeromsg.json \
	    "/api/v3/tickets/${id}3" 401 none.json >"$f/routes"
	start_fake "$f/routes"
	run -4 --separate-stderr tkt-list "${id}1"
	[ "$stderr" = "tkt-list: ticket ${id}1: the marketplace refused the token (HTTP 401, code 0; a person must renew it) (request id req-1)" ]
	run -4 --separate-stderr tkt-list "${id}2"
	[ "$stderr" = "tkt-list: ticket ${id}2: the marketplace refused the token (HTTP 401, code 0: Unauthorized; a person must renew it) (request id req-2)" ]
	run -4 --separate-stderr tkt-list "${id}3"
	[ "$stderr" = "tkt-list: ticket ${id}3: the marketplace refused the token (HTTP 401; a person must renew it) (request id req-3)" ]
}

@test "a redirect is named as one, with its Location, and the origin is suspected" {
	local f="$BATS_TEST_TMPDIR/fake" id=6b035bb722e983d15cf3dc6a
	only_api v3 "v3 paths"
	mkdir -p "$f"
	printf '<html>Moved</html>' >"$f/moved.html"
	printf '%s\t%s\t%s\t%s\n' "/api/v3/tickets/${id}1" 302 - "Location: https://merchant.wish.com/login" \
	    "/api/v3/tickets/${id}2" 301 moved.html "Location: /v3/tickets/${id}2?access_token=secret" \
	    "/api/v3/tickets/${id}3" 307 moved.html "" >"$f/routes"
	start_fake "$f/routes"
	run -3 --separate-stderr tkt-list "${id}1"
	[ "$stderr" = "tkt-list: ticket ${id}1: HTTP 302 (a redirect to https://merchant.wish.com/login; the origin may be wrong) (request id req-1)" ]
	[ -z "$output" ]
	# Made absolute, and a token in it is not shown.
	run -3 --separate-stderr tkt-list "${id}2"
	[ "$stderr" = "tkt-list: ticket ${id}2: HTTP 301 (a redirect to $FAKE_URL/v3/tickets/${id}2?access_token=…; the origin may be wrong) (request id req-2)" ]
	run -3 --separate-stderr tkt-list "${id}3"
	[ "$stderr" = "tkt-list: ticket ${id}3: HTTP 307 (a redirect; the origin may be wrong) (request id req-3)" ]
}
