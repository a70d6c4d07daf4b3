# http_helper.bash: loaded by the HTTP engine's suites, test/http.bats and
# test/soak/http.bats (after test_helper): a fake Wish (test/fakewish.py)
# whose answers to a reply the test writes, and ways to time a run and
# read what the fake was sent.

TEXT="Thank you for your message. We are looking into it right now."

setup() {
	export TKT_NOW="$TEST_NOW"
	export FAKEWISH_LOG="$BATS_TEST_TMPDIR/fake.log"
}

teardown() {
	stop_fake
}

# records N: N records of tickets ...0001 to N, one a line.
records() {
	local i
	for ((i = 1; i <= $1; i++)); do
		printf '{"id":"6b035bb722e983d15cf3%04x"}\n' "$i"
	done
}

# fake STATUS HEADERS: a fake Wish whose first answer to a reply has
# STATUS and HEADERS ("Name: value;Name: value"), and every later one is
# a 200 with no rate-limit header.  Its requests go to $FAKEWISH_LOG.
fake() {
	local d="$BATS_TEST_TMPDIR/fake" p
	stop_fake
	mkdir -p "$d"
	cp "$FIXTURES"/http/*.json "$d"
	: >"$d/routes"
	# v3 puts the ticket in the path: every path under tickets/ is one route.
	for p in /api/v2/ticket/reply /api/v3/tickets/; do
		printf '%s\t%s\t%s\t%s\n%s\t200\tok.json\n' "$p" "$1" \
		    "$([ "$1" = 200 ] && echo ok.json || echo busy.json)" "$2" \
		    "$p" >>"$d/routes"
	done
	: >"$FAKEWISH_LOG"
	start_fake "$d/routes"
}

# timed CMD...: runs CMD under `run --separate-stderr` with the exit
# status checked as -N says (run's own first option), and sets $secs to
# the seconds it took.
timed() {
	local t0=$EPOCHREALTIME
	run "$1" --separate-stderr "${@:2}"
	secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
	echo "took ${secs}s"
}

# took LO HI: the run took at least LO seconds and less than HI.
took() {
	awk -v s="$secs" -v lo="$1" -v hi="$2" 'BEGIN { exit !(s >= lo && s < hi) }'
}

# sent: the ticket of each reply the fake answered 200, one a line.
sent() {
	awk '$1 == "POST" && $3 == 200' "$FAKEWISH_LOG" |
	    grep -o '6b035bb722e983d15cf3[0-9a-f]\{4\}'
}

# retried HEADERS: a reply to a ticket not replied to yet (the journal
# would skip it), refused first by a 429 with HEADERS, then sent again
# and answered: $secs is how long the run took.
retried() {
	n=$((${n:-0} + 1))
	fake 429 "$1"
	timed -0 tkt-reply -v -m "$TEXT" <<<"$(records "$n" | tail -n 1)"
	printf '%s\n' "$output" | jq -e -s 'length == 1 and .[0].result.ok'
	[ "$(awk '{ print $1, $3 }' "$FAKEWISH_LOG" | tr '\n' ' ')" = "POST 429 POST 200 " ]
}

# reset_read: the Reset, in seconds from then, that -v logged for the 429.
reset_read() {
	printf '%s\n' "$stderr" | sed -n 's/.* 429 .* reset=\([^ ]*\).*/\1/p'
}

# each_waits LO HEADERS...: for each HEADERS in turn, retried HEADERS, the
# run taking at least LO seconds and under 10.
each_waits() {
	local lo=$1 h
	shift
	for h; do
		echo "$h"
		retried "$h"
		took "$lo" 10
	done
}
