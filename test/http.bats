#!/usr/bin/env bats
# The HTTP engine against a fake Wish (test/fakewish.py) that says what
# tkt-sandbox never does: rate-limit headers on some answers only, and
# waits in every form a server may write them.  tkt-reply drives it with
# records, which it sends without reading the ticket first.

load test_helper

# The fake, and ways to time a run and read what the fake was sent.
load http_helper

@test "a 429 with no call left, then answers without rate headers: 120 replies in seconds, each sent once" {
	records 120 >"$BATS_TEST_TMPDIR/in"
	fake 429 "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: 1"
	# Starved, one reply a second, it would take two minutes.
	timed -0 timeout 60 tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	took 1 15
	printf '%s\n' "$output" | jq -e -s 'length == 120 and all(.[]; .result.ok)'
	diff <(jq -r .id "$BATS_TEST_TMPDIR/in") <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$stderr" | grep -q ' 429 .* remaining=0 reset=1$'
	[ "$(printf '%s\n' "$stderr" | grep -c ' 200 .* remaining=- reset=-')" -eq 120 ]
	[ "$(grep -c ' 429 ' "$FAKEWISH_LOG")" -eq 1 ]
	[ "$(sent | wc -l)" -eq 120 ]
	[ "$(sent | sort -u | wc -l)" -eq 120 ]
}

@test "a 429 saying no call is left holds the others only until an answer comes without rate headers" {
	local d="$BATS_TEST_TMPDIR/fake" i
	records 60 >"$BATS_TEST_TMPDIR/in"
	mkdir -p "$d"
	cp "$FIXTURES"/http/*.json "$d"
	# The fourth reply is refused while others are in flight; it is sent
	# again after Retry-After (0.3 s), and the window its Reset names (8 s)
	# ends as soon as the server answers a reply in flight without a word
	# of its limit: the other replies do not wait for it.
	for i in 1 2 3; do printf '/api/v3/tickets/\t200\tok.json\n'; done >"$d/routes"
	printf '/api/v3/tickets/\t429\tbusy.json\tRetry-After: 0.3;Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: 8\n' >>"$d/routes"
	printf '/api/v3/tickets/\t200\tok.json\n' >>"$d/routes"
	: >"$FAKEWISH_LOG"
	start_fake "$d/routes"
	timed -0 timeout 60 env TKT_API=v3 tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	took 0.3 4
	printf '%s\n' "$output" | jq -e -s 'length == 60 and all(.[]; .result.ok)'
	[ "$(sent | sort -u | wc -l)" -eq 60 ]
	[ "$(grep -c ' 429 ' "$FAKEWISH_LOG")" -eq 1 ]
}

@test "a 429 with calls left delays its own request only, until its Reset" {
	records 40 >"$BATS_TEST_TMPDIR/in"
	fake 429 "Wish-Rate-Limit-Remaining: 5;Wish-Rate-Limit-Reset: 3"
	timed -0 timeout 60 tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	took 2.8 15
	printf '%s\n' "$output" | jq -e -s 'length == 40 and all(.[]; .result.ok)'
	# The refused one is sent again after all the others.
	[ "$(sent | wc -l)" -eq 40 ]
	[ "$(sent | sort -u | wc -l)" -eq 40 ]
	[ "$(awk '$3 == 429' "$FAKEWISH_LOG" | grep -o '6b035bb722e983d15cf3[0-9a-f]\{4\}')" = "$(sent | tail -n 1)" ]
}

@test "an answer that says no call is left holds every start until its Reset" {
	records 3 >"$BATS_TEST_TMPDIR/in"
	fake 200 "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: 1.5"
	timed -0 tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	took 1.4 10
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .result.ok)'
	[ "$(sent | sort -u | wc -l)" -eq 3 ]
	[ "$(grep -c ' 429 ' "$FAKEWISH_LOG")" -eq 0 ]
}

@test "a Remaining of 0 without a Reset holds every start for a second" {
	records 2 >"$BATS_TEST_TMPDIR/in"
	fake 200 "Wish-Rate-Limit-Remaining: 0"
	timed -0 tkt-reply -v -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/in"
	took 0.9 10
	printf '%s\n' "$output" | jq -e -s 'length == 2 and all(.[]; .result.ok)'
	printf '%s\n' "$stderr" | grep -q ' 200 .* remaining=0 reset=-$'
}

@test "a 429's Reset in seconds from now is waited out, fraction included" {
	# A Reset not read would fall back to a backoff of 10 s or more.
	export TKT_BACKOFF=20s
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: 1.5"
	took 1.4 10
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: 0.250"
	took 0.24 10
	[ "$(reset_read)" = 0.25 ]
}

@test "a 429's Reset as a Unix time in seconds is waited out" {
	export TKT_BACKOFF=20s
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {UNIX+2}"
	took 0.9 10
}

@test "a 429's Reset as a Unix time in milliseconds is waited out, to the millisecond" {
	export TKT_BACKOFF=20s TKT_MAX_WAIT=30s
	# Early in a second, 1.9 s ahead: whole seconds would wait under 1.
	retried "X-Fake-Early: 1;Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {UNIX_MS+1.9}"
	took 1.5 10
	awk -v r="$(reset_read)" 'BEGIN { exit !(r >= 1.5 && r <= 1.9) }'
}

@test "a 429's Reset as an HTTP date is waited out" {
	export TKT_BACKOFF=20s
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {HTTP_DATE+2}"
	took 0.9 10
}

@test "a 429's Reset as an RFC 3339 time is waited out: Z, milliseconds, an offset" {
	export TKT_BACKOFF=20s TKT_MAX_WAIT=30s
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {ISO+2}"
	took 0.9 10
	retried "X-Fake-Early: 1;Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {ISO_MS+1.9}"
	took 1.5 10
	awk -v r="$(reset_read)" 'BEGIN { exit !(r >= 1.5 && r <= 1.9) }'
	# The same instant an hour ahead in the clock of +01:00.
	retried "X-Fake-Early: 1;Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {ISO_TZ+1.9}"
	took 1.5 10
	awk -v r="$(reset_read)" 'BEGIN { exit !(r >= 1.5 && r <= 1.9) }'
}

@test "a Retry-After in seconds comes before the Reset" {
	export TKT_BACKOFF=20s
	retried "Retry-After: 1;Wish-Rate-Limit-Reset: 8"
	took 0.9 7
}

@test "a wait far ahead, or endless, is cut to TKT_MAX_WAIT" {
	export TKT_BACKOFF=20s TKT_MAX_WAIT=2s
	# A form of each header; make soak (test/soak/http.bats) tries them all.
	each_waits 1.9 "Wish-Rate-Limit-Reset: {ISO+86400}" "Retry-After: 1e999"
	[ "$(reset_read)" = "-" ]
	retried "Wish-Rate-Limit-Remaining: 0;Wish-Rate-Limit-Reset: {UNIX+86400}"
	[ "$(reset_read)" = 2 ]
}

@test "no number a server sends overflows: waits of 1e300, inf, 1e308 or 10^26 s are cut to TKT_MAX_WAIT, a Remaining past 10^9 is 10^9" {
	export TKT_BACKOFF=20s TKT_MAX_WAIT=1s
	# Cut, or (NaN, negatives) unread and the backoff cut: a second each,
	# and no conversion of a double out of range (make SANITIZE=1 checks).
	each_waits 0.9 "Retry-After: 1e300" "Retry-After: -inf" \
	    "Retry-After: 99999999999999999999999999" \
	    "Wish-Rate-Limit-Reset: 1.7976931348623157e308"
	[ "$(reset_read)" = 1 ]
	# The pacer adds to and takes from the count a server gave.
	retried "Wish-Rate-Limit-Remaining: 99999999999999999999999;Wish-Rate-Limit-Reset: inf"
	printf '%s\n' "$stderr" | grep -q ' 429 .* remaining=1000000000 reset=1$'
	took 0.9 10
}

@test "a wait that cannot be read falls back to the backoff" {
	export TKT_BACKOFF=2s TKT_MAX_WAIT=30s
	# The first backoff is 2 s times 0.5 to 1.5.  A form of each header;
	# make soak (test/soak/http.bats) tries them all.
	each_waits 0.95 "Wish-Rate-Limit-Reset: soon" "Retry-After: nan"
}
