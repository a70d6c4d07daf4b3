#!/usr/bin/env bats
# The contract every tool keeps (tkt(7), "Common conventions"): -h prints
# the usage worded as the manual's SYNOPSIS, a line for each option and
# examples that are lines of the manual's EXAMPLES;
# an unknown option is status 2 with the usage on stderr; --version; and
# status 5 when standard output cannot be written.

load test_helper

# tkt-template, a tool of subcommands, has the same checks in its own suite.
TOOLS="tkt-list tkt-reply tkt-close tkt-appeal tkt-metrics tkt-sandbox"

teardown() {
	reap_sandboxes
}

# The long options a manual's SYNOPSIS names, one per line, sorted.
synopsis_longs() {
	sed -n '/^\.Sh SYNOPSIS/,/^\.Sh DESCRIPTION/p' "$TKT_ROOT/man/$1.1" |
	    grep -o 'Fl -[a-z-]*' | sed 's/^Fl /-/' | sort -u
}

# The long options -h describes, one per line, sorted.
help_longs() {
	"$1" -h | grep -o '^  \(-[A-Za-z], \)\?--[a-z-]*' |
	    sed 's/.*\(--[a-z-]*\)$/\1/' | sort -u
}

@test "-h: the usage as the manual's SYNOPSIS words it, then a line for every option" {
	local t
	for t in $TOOLS; do
		run -0 --separate-stderr "$t" -h
		[[ "$output" == "usage: $t "* ]] || { echo "$t: $output"; return 1; }
		[ -z "$stderr" ]
		# Every option of the SYNOPSIS has its line, and -h names no
		# option the manual does not have.
		comm -23 <(synopsis_longs "$t") <(help_longs "$t") >"$BATS_TEST_TMPDIR/missing"
		[ ! -s "$BATS_TEST_TMPDIR/missing" ] ||
		    { echo "$t -h lacks:"; cat "$BATS_TEST_TMPDIR/missing"; return 1; }
		for o in $(help_longs "$t"); do
			# -h and --version are every tool's (tkt(7)).
			[ "$o" = --help ] || [ "$o" = --version ] && continue
			grep -q -e "Fl -${o#--}\b" "$TKT_ROOT/man/$t.1" ||
			    { echo "$t: $o is not in $t(1)"; return 1; }
		done
		[[ "$output" == *"  -h, --help "*"  --version "* ]]
		[[ "$output" == *"See $t(1)."* ]]
	done
}

# The lines of a manual's EXAMPLES, as a shell reads them: each .Dl line
# and each line of a .Bd block, with \(dq, \e and \& undone.
example_lines() {
	awk '
	/^\.Sh EXAMPLES/ { on = 1; next }
	/^\.Sh / { on = 0 }
	!on { next }
	/^\.Dl / { sub(/^\.Dl /, ""); print; next }
	/^\.Bd / { inblk = 1; next }
	/^\.Ed/ { inblk = 0; next }
	inblk { print }
	' "$TKT_ROOT/man/$1.1" | sed 's/\\(dq/"/g; s/\\e/\\/g; s/\\&//g'
}

# The commands of the examples -h prints: the indented lines after
# "Examples:" that are no comment, up to the blank line.
help_examples() {
	"$@" -h | awk '
	/^Examples:$/ { on = 1; next }
	on && /^$/ { exit }
	on && /^  # / { next }
	on { sub(/^  /, ""); print }'
}

@test "-h ends with examples, each a line of the manual's EXAMPLES, with what it does" {
	local t cmd n line
	for cmd in $TOOLS tkt-template "tkt-template render" "tkt-template lint" \
	    "tkt-template list" "tkt-template show"; do
		t=${cmd%% *}
		run -0 --separate-stderr $cmd -h
		[[ "$output" == *$'\n\nExamples:\n  # '*$'\n\nSee '"$t(1)." ]] ||
		    { echo "$cmd -h: no examples before 'See'"; return 1; }
		# Each command follows a comment of its own.
		[ "$(printf '%s\n' "$output" | sed -n '/^Examples:$/,/^$/p' |
		    grep -c '^  # ')" -eq "$(help_examples $cmd | wc -l)" ]
		n=0
		while IFS= read -r line; do
			n=$((n + 1))
			example_lines "$t" | grep -qxF -e "$line" ||
			    { echo "$cmd -h: not in $t(1) EXAMPLES: $line"; return 1; }
		done < <(help_examples $cmd)
		# A tool shows two at least, a subcommand one.
		[ "$n" -ge $([ "$cmd" = "$t" ] && echo 2 || echo 1) ] ||
		    { echo "$cmd -h: $n examples"; return 1; }
	done
}

@test "--help is -h; --version prints the tool and the version" {
	local t
	for t in $TOOLS; do
		[ "$("$t" --help)" = "$("$t" -h)" ]
		run -0 "$t" --version
		[ "$output" = "$t (tkt) 0.1.0" ]
	done
}

@test "an unknown option or a missing argument: getopt's line and the usage on stderr, status 2" {
	local t
	for t in $TOOLS; do
		run -2 --separate-stderr "$t" --no-such-option
		[ -z "$output" ]
		[[ "$stderr" == "$t: unrecognized option '--no-such-option'"*"usage: $t "* ]] ||
		    { echo "$t: $stderr"; return 1; }
	done
	run -2 --separate-stderr tkt-reply -m
	[[ "$stderr" == "tkt-reply: option requires an argument -- 'm'"*"usage: tkt-reply "* ]]
	run -2 --separate-stderr tkt-list --state
	[[ "$stderr" == "tkt-list: option '--state' requires an argument"*"usage: tkt-list "* ]]
}

@test "options may follow operands, as the manuals' examples write them" {
	printf '%s\n' '{"id":"t1","state":"CLOSED","opened_at":"2026-11-20T00:00:00Z","replies":[]}' >"$BATS_TEST_TMPDIR/r.jsonl"
	run -0 tkt-metrics "$BATS_TEST_TMPDIR/r.jsonl" --json --now "$TEST_NOW"
	[ "$(jq -r .tickets <<<"$output")" = 1 ]
}

@test "--version and -h on a full disk: the write error named, status 5" {
	[ -w /dev/full ] || skip "no /dev/full here"
	local t
	for t in $TOOLS; do
		run -5 --separate-stderr sh -c "$t --version >/dev/full"
		[ "$stderr" = "$t: write error on stdout: No space left on device" ] ||
		    { echo "$t: $stderr"; return 1; }
		run -5 --separate-stderr sh -c "$t -h >/dev/full"
		[ "$stderr" = "$t: write error on stdout: No space left on device" ]
	done
}

@test "records that cannot be written out: status 5, not 1 or 2" {
	[ -w /dev/full ] || skip "no /dev/full here"
	printf '%s\n' '{"id":"t1","state":"CLOSED","opened_at":"2026-11-20T00:00:00Z","replies":[]}' >"$BATS_TEST_TMPDIR/r.jsonl"
	run -5 --separate-stderr sh -c "tkt-metrics --json --now $TEST_NOW $BATS_TEST_TMPDIR/r.jsonl >/dev/full"
	[ "$stderr" = "tkt-metrics: write error on stdout: No space left on device" ]
	start_sandbox --seed 3 --tickets 20 --now "$TEST_NOW"
	run -5 --separate-stderr sh -c "tkt-list --now $TEST_NOW --json >/dev/full"
	[[ "$stderr" == *"tkt-list: write error on stdout: No space left on device" ]]
	run -5 --separate-stderr sh -c "tkt-list --now $TEST_NOW --json | jq -r .id | tkt-close -n --now $TEST_NOW >/dev/full"
	[[ "$stderr" == *"tkt-close: write error on stdout: No space left on device" ]]
}

@test "status 5 outranks every other when outcomes mix" {
	[ -w /dev/full ] || skip "no /dev/full here"
	printf '%s\n' 'not json' '{"id":"t1","state":"CLOSED","opened_at":"2026-11-20T00:00:00Z","replies":[]}' >"$BATS_TEST_TMPDIR/r.jsonl"
	run -5 --separate-stderr sh -c "tkt-metrics --json --now $TEST_NOW $BATS_TEST_TMPDIR/r.jsonl >/dev/full"
	[[ "$stderr" == *"r.jsonl:1: invalid JSON at byte 2: "*"write error on stdout"* ]]
}
