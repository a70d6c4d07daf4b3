#!/usr/bin/env bats
# demo.bats: share/tkt/examples/demo.sh, what `make demo` runs after the
# build: it must run through against its own sandbox, show every pipeline,
# and leave no process and no file of the user's behind.

load test_helper

# The demo writes its sandbox's pid here: teardown stops that process
# alone, should the demo have left it running (and the pid still be a
# tkt-sandbox's).
setup() {
	export TKT_DEMO_PIDFILE="$BATS_TEST_TMPDIR/demo-sandbox.pid"
}

teardown() {
	local pid
	pid=$(cat "$TKT_DEMO_PIDFILE" 2>/dev/null) || return 0
	[ "$(ps -p "$pid" -o comm= 2>/dev/null)" = tkt-sandbox ] || return 0
	kill "$pid" 2>/dev/null
	return 0
}

@test "the demo runs every pipeline against its own sandbox and exits 0" {
	run -0 --separate-stderr sh "$TKT_ROOT/share/tkt/examples/demo.sh"
	[[ "${lines[0]}" == "tkt demo: a sandbox with 200 tickets at http://127.0.0.1:"* ]]
	local want
	for want in '$ tkt-list --table' '$ tkt-list --thread' 'overdue now:' \
	    'tkt-template render --auto | jq -r .reply.text' 'tkt-metrics --table' \
	    '$ TKT_API=v3 tkt-list --with-orders' '$ tkt-reply -n --resolve todo.jsonl' \
	    '$ tkt-reply --resolve todo.jsonl   # the same run again'; do
		[[ "$output" == *"$want"* ]] || { echo "missing: $want"; return 1; }
	done
	# Every reply was sent, then found in the journal on the second run.
	[ "$(grep -c $'\tskipped, nothing sent$' <<<"$output")" -eq 5 ]
	[[ "$output" != *"SENT AGAIN"* ]]
	[[ "$output" != *FAILED* ]]
	[[ "$output" =~ awaiting\ an\ answer:\ ([0-9]+)\ before,\ ([0-9]+)\ now ]]
	[ "${BASH_REMATCH[2]}" -eq $((BASH_REMATCH[1] - 5)) ]
	# The v3 listing gave order details.
	[ "$(grep -c $'\tv3\t.*\tSHIPPED\t' <<<"$output")" -ge 1 ]
	[ -z "$stderr" ]
}

@test "the demo leaves no sandbox running and writes nothing into HOME" {
	run -0 sh "$TKT_ROOT/share/tkt/examples/demo.sh"
	# Its sandbox ran, and is gone.
	[ -s "$TKT_DEMO_PIDFILE" ]
	run ! kill -0 "$(cat "$TKT_DEMO_PIDFILE")"
	[ -z "$(find "$HOME" -mindepth 1 -print -quit)" ]
}
