#!/usr/bin/env bats
# api: v2 v3
# signals.bats: an interrupted run loses nothing (tkt(7), "Interruptions"):
# SIGINT, SIGTERM and SIGHUP stop the action tools cleanly, the output's
# reader going away (| head) too, and kill -9 leaves intents a re-run
# reads back; every time, running the same command again finishes the rest
# with exit 0 and sends nothing twice.

load test_helper
load action_helper

TEXT="Thank you for waiting: your question is with our team now."

# slow_store [FAULTS]: a sandbox of 400 tickets answering every request
# after 60 ms; TODO holds the records awaiting the merchant.
slow_store() {
	STORE="$BATS_TEST_TMPDIR/store.jsonl"
	start_sandbox -d "$STORE" --seed 9 --tickets 400 --now "$TEST_NOW" \
	    --faults "${1:-slow=60}"
	TODO="$BATS_TEST_TMPDIR/todo.jsonl"
	tkt-list >"$TODO"
	[ "$(wc -l <"$TODO")" -ge 60 ]
}

# bg CMD…: runs CMD in the background, its output in $OUT and $ERR, as a
# terminal would (job control on: SIGINT is not ignored); PID is its pid.
bg() {
	OUT="$BATS_TEST_TMPDIR/out.$RANDOM" ERR="$BATS_TEST_TMPDIR/err.$RANDOM"
	set -m
	"$@" >"$OUT" 2>"$ERR" &
	PID=$!
	set +m
}

# after_lines N: waits until $OUT has N lines, or the job ended.
after_lines() {
	local i
	for i in $(seq 1 400); do
		[ "$(wc -l <"$OUT")" -ge "$1" ] && return 0
		kill -0 "$PID" 2>/dev/null || return 0
		sleep 0.025
	done
}

# replies_of IDS_FILE: for each ticket of the file, how many MERCHANT
# replies with $TEXT the store holds now, one count a line.
replies_of() {
	jq -n -r --arg t "$TEXT" --slurpfile todo "$1" --slurpfile store "$STORE" '
	    ($store | map({(.id): .}) | add) as $now |
	    [$todo[] | $now[.id] | [.replies[] | select(.sender == "MERCHANT" and .message == $t)] | length] |
	    group_by(.) | map("\(.[0]):\(length)") | join(" ") + " "'
}

# stopped_by SIG STATUS: interrupts a tkt-reply run with SIG once some
# records are out; checks the status, that every record read came out
# whole (ok, or interrupted), the journal, and that a re-run finishes.
stopped_by() {
	local n ok int
	slow_store
	n=$(wc -l <"$TODO")
	bg tkt-reply -P 4 -m "$TEXT" "$TODO"
	after_lines 5
	kill -"$1" "$PID"
	wait "$PID" && status=0 || status=$?
	[ "$status" -eq "$2" ] || { echo "status $status"; cat "$ERR"; return 1; }
	# Whole lines only, one a record, in input order.
	jq -e . "$OUT" >/dev/null
	[ "$(jq -r .id "$OUT")" = "$(jq -r .id "$TODO" | head -n "$(wc -l <"$OUT")")" ]
	ok=$(jq -s 'map(select(.result.ok)) | length' "$OUT")
	int=$(jq -s 'map(select(.result.error.kind == "interrupted")) | length' "$OUT")
	[ "$ok" -ge 5 ]
	[ $((ok + int)) -eq "$(wc -l <"$OUT")" ]
	# What was confirmed is journalled, and no intent is left open.
	[ "$(jdone)" -eq "$ok" ]
	[ "$(jopen)" -eq 0 ]
	grep -q "^tkt-reply: stopped (interrupted by SIG$1): $ok sent, 0 already done, 0 failed; [0-9]* records\{0,1\} read but not sent, 0 with an unknown outcome" "$ERR"
	# The same command again finishes the rest, sending nothing twice.
	run -0 --separate-stderr tkt-reply -P 4 -m "$TEXT" "$TODO"
	[ "${#lines[@]}" -eq "$n" ]
	[ "$(replies_of "$TODO")" = "1:$n " ]
}

@test "SIGINT: in-flight writes finish and are journalled, every record read comes out, exit 130; a re-run finishes" {
	stopped_by INT 130
}

@test "SIGTERM exits 143 and SIGHUP 129, each losing nothing" {
	stopped_by TERM 143
	stop_sandbox
	rm -f "$JOURNAL" "$STORE"
	stopped_by HUP 129
}

@test "a SIGINT ignored when the tool started (nohup, a background job) stays ignored" {
	slow_store
	# Without job control, bash starts a background job with SIGINT ignored.
	tkt-reply -P 4 -m "$TEXT" "$TODO" >"$BATS_TEST_TMPDIR/out" 2>/dev/null &
	PID=$!
	sleep 0.5
	kill -INT "$PID"
	wait "$PID"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq "$(wc -l <"$TODO")" ]
}

@test "a second SIGINT ends the run at once, without waiting for the writes in flight" {
	slow_store slow=3000
	bg tkt-reply -P 4 -m "$TEXT" "$TODO"
	sleep 0.5
	kill -INT "$PID"
	sleep 0.2
	local t0=$EPOCHREALTIME
	kill -INT "$PID"
	wait "$PID" && status=0 || status=$?
	[ "$status" -eq 130 ]
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a < 2) }'
	# Whatever came out is whole lines.
	[ ! -s "$OUT" ] || jq -e . "$OUT" >/dev/null
}

@test "the output's reader gone (| head -1): exit 141, nothing more printed, in-flight writes journalled; a re-run finishes" {
	slow_store slow=20
	local n
	n=$(wc -l <"$TODO")
	run -0 bash -c "tkt-reply -P 4 -m '$TEXT' '$TODO' 2>'$BATS_TEST_TMPDIR/err' | head -n 1 >'$BATS_TEST_TMPDIR/one'; echo \${PIPESTATUS[0]}"
	[ "$output" = 141 ]
	[ ! -s "$BATS_TEST_TMPDIR/err" ]
	[ "$(jq -r .id "$BATS_TEST_TMPDIR/one")" = "$(jq -r .id "$TODO" | head -n 1)" ]
	# What was in flight finished and is journalled; what was not sent
	# is journalled as not having happened.
	[ "$(jdone)" -ge 1 ]
	[ "$(jopen)" -eq 0 ]
	run -0 --separate-stderr tkt-reply -P 4 -m "$TEXT" "$TODO"
	[ "${#lines[@]}" -eq "$n" ]
	[ "$(replies_of "$TODO")" = "1:$n " ]
}

@test "kill -9 in the middle: the re-run reads back the tickets whose intent has no outcome, exit 0, one reply each" {
	slow_store
	local n
	n=$(wc -l <"$TODO")
	bg tkt-reply -P 8 -m "$TEXT" "$TODO"
	after_lines 8
	kill -KILL "$PID"
	wait "$PID" || true
	# Some writes were sent and never journalled as done.
	[ "$(jopen)" -gt 0 ]
	run -0 --separate-stderr tkt-reply -v -P 8 -m "$TEXT" "$TODO"
	[ "${#lines[@]}" -eq "$n" ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok)'
	[ "$(replies_of "$TODO")" = "1:$n " ]
	# Every ticket is journalled done once at least, and nothing was sent twice.
	[ "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | cut -f 2 | sort -u | wc -l)" -eq "$n" ]
}

@test "tkt-list stops on SIGINT with whole lines and exit 130; tkt-metrics prints nothing of a part" {
	slow_store slow=300
	bg tkt-list -P 1 --json - <"$TODO"
	after_lines 2
	kill -INT "$PID"
	wait "$PID" && status=0 || status=$?
	[ "$status" -eq 130 ]
	jq -e . "$OUT" >/dev/null
	[ "$(wc -l <"$OUT")" -lt "$(wc -l <"$TODO")" ]
	[[ "$(cat "$ERR")" == "tkt-list: interrupted by SIGINT: "*" tickets printed, the rest not asked for" ]]
	# tkt-metrics waiting for more input.
	mkfifo "$BATS_TEST_TMPDIR/fifo"
	bg tkt-metrics --json "$BATS_TEST_TMPDIR/fifo"
	exec 7>"$BATS_TEST_TMPDIR/fifo"
	head -n 3 "$TODO" >&7
	sleep 0.3
	kill -INT "$PID"
	wait "$PID" && status=0 || status=$?
	exec 7>&-
	[ "$status" -eq 130 ]
	[ ! -s "$OUT" ]
	[ "$(cat "$ERR")" = "tkt-metrics: interrupted by SIGINT: nothing printed (the numbers would be of part of the input)" ]
}
