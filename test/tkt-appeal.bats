#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# tkt-appeal: handing tickets to Wish support, results, dry run, journal,
# safe retries, exit statuses and every error a user can hit.  Every test
# that writes starts its own sandbox over its own store file.

load test_helper

load action_helper

@test "appeals records and bare ids mixed in one stream, in input order; the tickets await Wish" {
	sandbox
	local a b c d="$BATS_TEST_TMPDIR"
	read -r a b c <<<"$(pick "$AM" 3 | tr '\n' ' ')"
	tkt-list "$a" >"$d/a.jsonl"
	run -0 --separate-stderr bash -c "{ cat '$d/a.jsonl'; echo $b; tkt-list $c; } | tkt-appeal -P 4"
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "$a $b $c " ]
	printf '%s\n' "$output" | jq -e -s --arg now "$TEST_NOW" 'length == 3 and
	    all(.[]; .result | keys == ["action", "at", "ok", "steps"] and
	    .action == "appeal" and .ok == true and .at == $now and
	    (.steps | length == 1 and (.[0] | .action == "appeal" and .ok == true and
	    .at == $now and (.request_id | test("^[0-9a-f]{24}$")))))'
	# The record passes through byte for byte before its result.
	[ "$(printf '%s\n' "$output" | sed -n 1p | sed 's/,"result":.*/}/')" = "$(cat "$d/a.jsonl")" ]
	[ "$(state "$a") $(state "$b") $(state "$c")" = "AWAITING_WISH AWAITING_WISH AWAITING_WISH" ]
	[ "$(changes "$a") $(changes "$b") $(changes "$c")" = "1 1 1" ]
}

@test "replaces an earlier tool's result in place" {
	sandbox
	local a
	a=$(pick "$AM")
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-close -n | tkt-appeal"
	[ "$(grep -o '"result":' <<<"$output" | wc -l)" -eq 1 ]
	printf '%s\n' "$output" | jq -e '.result.action == "appeal" and .result.ok and
	    (.result | has("dry_run") | not)'
	[ "$(state "$a")" = AWAITING_WISH ]
}

@test "appealing a ticket that already awaits Wish succeeds: a bare id read first is skipped, a record once the read-back shows it" {
	sandbox
	local a
	a=$(pick '.state == "AWAITING_WISH"')
	# A bare id is read first: awaiting Wish already, it is skipped, nothing sent.
	run -0 --separate-stderr tkt-appeal -v <<<"$a"
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e --arg now "$TEST_NOW" '.result == {action: "appeal",
	    ok: true, at: $now, skipped: true, steps: [{action: "appeal", ok: true,
	    at: $now, skipped: true}]}'
	[ ! -s "$JOURNAL" ]
	# A record is not read first: Wish refuses the appeal, and the read-back
	# shows the ticket awaiting Wish.
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-appeal -v"
	[ "$(reqs | tr '\n' ' ')" = "$(sent appeal "$a") 400 $(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("error") or has("skipped") | not) and
	    .result.steps[0].ok and (.result.steps[0].request_id | length == 24)'
	[ "$(changes "$a")" -eq 0 ]
	[ "$(jdone)" -eq 1 ]
}

@test "appealing a closed or permanently closed ticket fails with Wish's 1010, exit 1" {
	sandbox
	local c p
	c=$(pick '.state == "CLOSED"')
	p=$(pick '.state == "PERMANENTLY_CLOSED"')
	run -1 --separate-stderr tkt-appeal -P 1 <<<"$c
$p"
	[[ "$stderr" == "tkt-appeal: <stdin>:1: ticket $c: The ticket is closed (code 1010, HTTP 400) (request id "????????????????????????")
tkt-appeal: the same error for 2 records (1 not repeated above): $(host_of "$SANDBOX_URL"): The ticket is closed (code 1010, HTTP 400)
tkt-appeal: 0 appealed, 0 already done, 2 failed: The ticket is closed (HTTP 400)" ]]
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .result.ok == false and
	    .result.error.kind == "remote" and .result.error.code == 1010 and
	    .result.error.http == 400 and .result.error.message == "The ticket is closed (code 1010, HTTP 400)" and
	    .result.steps[0].ok == false)'
	[ "$(state "$c") $(state "$p")" = "CLOSED PERMANENTLY_CLOSED" ]
	# Each intent, then the read-back showed it did not take effect.
	[ "$(jdone) $(jdone intent) $(jdone failed)" = "0 2 2" ]
}

@test "an unknown ticket fails with Wish's 1004; the others are appealed; exit 1" {
	sandbox
	local a
	a=$(pick "$AM")
	run -1 --separate-stderr tkt-appeal <<<"$a
000000000000000000000bad"
	[[ "$stderr" == "tkt-appeal: <stdin>:2: ticket 000000000000000000000bad: No 'Ticket' Found with id: '000000000000000000000bad' (code 1004, HTTP 400) (request id "*")" ]]
	[ "$(printf '%s\n' "$output" | jq -c '[.id, .result.ok, .result.error.code]' | tr '\n' ' ')" = \
	    "[\"$a\",true,null] [\"000000000000000000000bad\",false,1004] " ]
	[ "$(state "$a")" = AWAITING_WISH ]
}

@test "-n sends nothing, needs no token, and prints the exact request without the token" {
	sandbox
	local a
	a=$(pick "$AM")
	cp "$STORE" "$BATS_TEST_TMPDIR/before.jsonl"
	run -0 --separate-stderr bash -c "tkt-list $a | tkt-appeal -n -v"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e --argjson r "$(request appeal "$a")" --arg now "$TEST_NOW" '.result ==
	    {action: "appeal", ok: true, at: $now, dry_run: true, request: $r,
	    steps: [{action: "appeal", ok: true, at: $now, request: $r}]}'
	case $TKT_TEST_API in
	v2) [ "$(request appeal "$a" | jq -r '.method, .path, .body' | tr '\n' ' ')" = "POST /api/v2/ticket/appeal-to-wish-support id=$a " ] ;;
	v3) [ "$(request appeal "$a" | jq -r '.method, .path, .body' | tr '\n' ' ')" = "PUT /api/v3/tickets/$a {\"state\":\"AWAITING_WISH\"} " ] ;;
	esac
	[[ "$output" != *"$TEST_TOKEN"* ]]
	run -0 --separate-stderr env -u TKT_TOKEN tkt-appeal -n <<<"$a"
	printf '%s\n' "$output" | jq -e '.result.dry_run and .result.ok'
	cmp "$STORE" "$BATS_TEST_TMPDIR/before.jsonl"
	[ "$(state "$a")" = AWAITING_MERCHANT ]
	[ ! -e "$JOURNAL" ]
}

@test "-n on a terminal shows a plan: the ticket, its buyer escaped, appeal, the journal's verdict; colour only without NO_COLOR" {
	sandbox
	local a b want
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	tkt-list "$a" | jq -c '.buyer.name = "Eve\u001b[2JX"' >"$BATS_TEST_TMPDIR/in"
	tkt-list "$b" >>"$BATS_TEST_TMPDIR/in"
	sed -n 2p "$BATS_TEST_TMPDIR/in" | tkt-appeal >/dev/null
	n=$(changes)
	want="$a  Eve\\033[2JX
  language  $(tkt-list "$a" | jq -r .locale)
  sends     appeal
  verdict   would be sent

$b  $(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -r .buyer.name)
  language  $(sed -n 2p "$BATS_TEST_TMPDIR/in" | jq -r .locale)
  sends     nothing
  verdict   already done: would skip

1 would be sent, 1 already done"
	run -0 on_tty "NO_COLOR=1 tkt-appeal -n '$BATS_TEST_TMPDIR/in'"
	[ "$(printf '%s\n' "$output" | tr -d '\r')" = "$want" ]
	[[ "$output" != *$'\033'* ]]
	run -0 on_tty "tkt-appeal -n '$BATS_TEST_TMPDIR/in'"
	[[ "$output" == $'\033[1m'"$a"$'\033[0m  Eve\\033[2JX\r\n'* ]]
	[[ "$output" == *$'\n  verdict   \033[2malready done: would skip\033[0m\r\n'* ]]
	[ "$(changes)" -eq "$n" ]
	[ "$(state "$a")" = AWAITING_MERCHANT ]
}

@test "the journal: a re-run skips what was done and sends nothing; --force sends again" {
	sandbox
	local a b ua ub n rec
	seen_pair
	# SEEN is the updated_at the run saw: the record's, or for a bare id
	# that of the ticket read first.  HASH is that of the empty string.
	run -0 --separate-stderr tkt-appeal "$rec" - <<<"$b"
	[ "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | sort | cut -f 1-6)" = "$(printf '%s\t%s\tappeal\t%s\tcbf29ce484222325\t%s\n' \
	    env "$a" "$ua" "$TEST_NOW" env "$b" "$ub" "$TEST_NOW" | sort)" ]
	n=$(wc -l <"$STORE")
	# The same record again: the journal has it; nothing is sent, not even a read.
	run -0 --separate-stderr tkt-appeal -v "$rec"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e --arg now "$TEST_NOW" '.result == {action: "appeal",
	    ok: true, at: $now, skipped: true, steps: [{action: "appeal", ok: true,
	    at: $now, skipped: true}]}'
	run -0 --separate-stderr tkt-appeal -n "$rec"
	printf '%s\n' "$output" | jq -e '.result | .dry_run and .skipped and (has("request") | not)'
	[ "$(wc -l <"$STORE")" -eq "$n" ]
	# --force sends it again: Wish refuses, the read-back confirms.
	run -0 --separate-stderr tkt-appeal -v --force "$rec"
	[ "$(reqs | tr '\n' ' ')" = "$(sent appeal "$a") 400 $(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok and (.result | has("skipped") | not)'
	[ "$(wc -l <"$STORE")" -eq "$n" ]
	[ "$(jdone)" -eq 3 ]
}

@test "a refused token exits 4, stops the run at once and never shows the token" {
	sandbox
	refused_run tkt-appeal appeal 6 1
}

@test "an expired token (code 1015 on v2, 1007 on v3, on HTTP 400) exits 4 too" {
	local code=1015 msg="Access token expired"
	[ "$TKT_TEST_API" = v2 ] || code=1007 msg="This access token has expired"
	start_fake "$FIXTURES/action/token.routes"
	# A record, not read first: the appeal is what the fake refuses.
	run -4 --separate-stderr tkt-appeal <<<'{"id":"6b035bb722e983d15cf3dc6b"}'
	[ "$stderr" = "tkt-appeal: <stdin>:1: ticket 6b035bb722e983d15cf3dc6b: the marketplace refused the token (HTTP 400, code $code: $msg; a person must renew it) (request id req-1)
tkt-appeal: stopped: 0 appealed, 0 already done, 1 failed: the marketplace refused the token" ]
	printf '%s\n' "$output" | jq -e --argjson c "$code" '.result.error | .kind == "refused" and .code == $c and .http == 400'
}

@test "remote failures exit 3 when nothing succeeded, 1 when something did" {
	# Every appeal fails.
	sandbox --faults "500@$(at appeal)"
	local a b w
	export TKT_BACKOFF=10ms
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	run -3 --separate-stderr tkt-appeal <<<"$a"
	[[ "$stderr" == "tkt-appeal: <stdin>:1: ticket $a: Internal Server Error (code 9000, HTTP 500) (request id "*")" ]]
	printf '%s\n' "$output" | jq -e '.result.error | .kind == "remote" and .code == 9000 and .http == 500'
	[ "$(state "$a")" = AWAITING_MERCHANT ]
	# One already awaiting Wish succeeds (read first, it is skipped): exit 1.
	# With -P 1 both tickets are read first, in turn; the fourth request,
	# the read-back after b's first appeal, is cut short, and a read is
	# tried again.  Each time the read-back shows b not appealed, the
	# appeal is sent again: 8 times in all (the most a write gets).
	w=$(pick '.state == "AWAITING_WISH"')
	stop_sandbox
	sandbox --faults "500:1@$(at appeal),nth=4:garbage"
	run -1 --separate-stderr env TKT_BACKOFF=10ms tkt-appeal -v -P 1 <<<"$b
$w"
	[ "$(printf '%s\n' "$output" | jq -r '[.id, .result.ok, .result.skipped] | @text' | tr '\n' ' ')" = "[\"$b\",false,null] [\"$w\",true,true] " ]
	[ "$(reqs | sed -n 1,5p | tr '\n' ' ')" = "$(read_of "$b") 200 $(read_of "$w") 200 $(sent appeal "$b") 500 $(read_of "$b") 200 $(read_of "$b") 200 " ]
	[[ "$(printf '%s\n' "$stderr" | sed -n 5p)" == "tkt-appeal: $(read_of "$b") 200 "*" (retry)" ]]
	[ "$(reqs | grep -cxF "$(sent appeal "$b") 500")" -eq 8 ]
	[ "$(reqs | grep -vc '^GET ')" -eq 8 ]
	[[ "$stderr" == *"
tkt-appeal: <stdin>:1: ticket $b: Internal Server Error (code 9000, HTTP 500) (request id "????????????????????????")"* ]]
	[ "$(state "$b")" = AWAITING_MERCHANT ]
}

@test "an unreachable server exits 3 after its retries" {
	sandbox
	local a url=$SANDBOX_URL
	a=$(pick "$AM")
	stop_sandbox
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=0 tkt-appeal <<<"$a"
	[ "$stderr" = "tkt-appeal: <stdin>:1: ticket $a: Couldn't connect to server
tkt-appeal: 0 appealed, 0 already done, 1 failed: Couldn't connect to server" ]
	printf '%s\n' "$output" | jq -e '.result.error.kind == "network"'
}

@test "an appeal dropped after the server applied it is read back and counted once" {
	# The second request, the appeal: a bare id is read first.
	sandbox --faults 'nth=2:drop-after'
	local a
	a=$(pick "$AM")
	run -0 --separate-stderr tkt-appeal -v <<<"$a"
	# A bare id is read first, then appealed; the answer is lost, the read-back settles it.
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 $(sent appeal "$a") failed $(read_of "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok'
	[ "$(changes "$a")" -eq 1 ]
	[ "$(state "$a")" = AWAITING_WISH ]
}

@test "a 503 before anything was applied is read back, then the appeal is sent again" {
	# The second request: a bare id is read first.
	sandbox --faults 'nth=2:503'
	local a
	a=$(pick "$AM")
	run -0 --separate-stderr env TKT_BACKOFF=10ms tkt-appeal -v <<<"$a"
	[ "$(reqs | tr '\n' ' ')" = "$(read_of "$a") 200 $(sent appeal "$a") 503 $(read_of "$a") 200 $(sent appeal "$a") 200 " ]
	printf '%s\n' "$output" | jq -e '.result.ok and (.result.steps[0].request_id | length == 24)'
	[ "$(jdone)" -eq 1 ]
	[ "$(changes "$a")" -eq 1 ]
}

@test "bad input lines are reported with their position, the stream goes on, exit 1" {
	sandbox
	local a
	a=$(pick "$AM")
	run -1 --separate-stderr bash -c "printf '%s\n' 'not/an/id' '{\"id\":\"\"}' 'what?' '$a' | tkt-appeal"
	[ "$stderr" = "tkt-appeal: <stdin>:1: not a ticket id: 'not/an/id'
tkt-appeal: <stdin>:2: the record has no valid \"id\"
tkt-appeal: the same error for 2 records (1 not repeated above): not a ticket id: 'ID'
tkt-appeal: 1 appealed, 0 already done, 3 failed: 2 not a ticket id, 1 the record has no valid \"id\"" ]
	[ "$(printf '%s\n' "$output" | jq -c '[.id, .result.ok]' | tr '\n' ' ')" = \
	    "[\"not/an/id\",false] [\"\",false] [\"what?\",false] [\"$a\",true] " ]
	[ "$(state "$a")" = AWAITING_WISH ]
}

@test "usage and configuration errors exit 2 and send nothing" {
	sandbox
	local a
	a=$(pick "$AM")
	run -2 --separate-stderr tkt-appeal -m why <<<"$a"
	[[ "$stderr" == "tkt-appeal: invalid option -- 'm'"*"usage: tkt-appeal [-hnv] [--force] [-P n] [--rate n/s] [--summary] [-s store]"* ]]
	run -2 --separate-stderr tkt-appeal --refund <<<"$a"
	[[ "$stderr" == "tkt-appeal: unrecognized option '--refund'"*"usage: tkt-appeal"* ]]
	run -2 --separate-stderr tkt-appeal -P 0 <<<"$a"
	[ "$stderr" = "tkt-appeal: -P: '0' is too small (1 to 64)" ]
	run -2 --separate-stderr tkt-appeal --rate 1/h <<<"$a"
	[ "$stderr" = "tkt-appeal: --rate: '1/h' is not a rate (requests per second: 10/s)" ]
	run -2 --separate-stderr tkt-appeal --now yesterday <<<"$a"
	[[ "$stderr" == "tkt-appeal: --now: 'yesterday' is not a time"* ]]
	run -2 --separate-stderr env -u TKT_TOKEN tkt-appeal <<<"$a"
	[ "$stderr" = "tkt-appeal: store 'env' has no token: set token_file or token_env in the config, or TKT_TOKEN" ]
	run -2 --separate-stderr tkt-appeal -s other <<<"$a"
	[ "$stderr" = "tkt-appeal: no store named 'other' (configured: env)" ]
	run -2 --separate-stderr env TKT_API=v4 tkt-appeal <<<"$a"
	[ "$stderr" = "tkt-appeal: TKT_API: 'v4' is not v2 or v3" ]
	[ -z "$output" ]
	[ "$(changes "$a")" -eq 0 ]
}

@test "-h prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-appeal -h
	[[ "$output" == "usage: tkt-appeal [-hnv] [--force] [-P n] [--rate n/s] [--summary] [-s store]
                  [--now time] [file ...]
"* ]]
	[ -z "$stderr" ]
	run -0 --separate-stderr tkt-appeal --version
	[[ "$output" == "tkt-appeal (tkt) "* ]]
}

@test "-P and --rate: many tickets in order, paced, with no progress line off a terminal" {
	sandbox
	local ids t0 t1
	ids=$(pick "$AM" 11)
	t0=$EPOCHREALTIME
	run -0 --separate-stderr tkt-appeal -P 8 --rate 10/s <<<"$ids"
	t1=$EPOCHREALTIME
	[ -z "$stderr" ]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ids" ]
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a >= 0.95) }'
	[ "$(printf '%s\n' "$output" | jq -r .result.ok | sort -u)" = true ]
}
