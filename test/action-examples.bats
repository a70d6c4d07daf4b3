#!/usr/bin/env bats
# action-examples.bats: the EXAMPLES of tkt-reply(1), tkt-close(1) and
# tkt-appeal(1), run as written, so that they cannot rot.  Each example (a
# .Dl line, or a .Bd block as one script) runs in its own directory against
# its own sandbox and journal, since every one of them changes tickets; it
# must exit 0 under pipefail (an action tool exits 1 when any record fails)
# and produce something (output, or a .jsonl file), unless it selects what
# may be none (failed records, tickets no template matches).  A crontab line runs its command part.
# An example right after a comment line '.\" not run: WHY' (one that needs
# what a sandbox cannot give, such as a configuration with two stores) is
# only checked for shell syntax.

load test_helper

# examples PAGE: prints each example as one NUL-terminated script; one not
# to be run starts with the line "# not run".
examples() {
	awk '
	/^\.Sh EXAMPLES/ { on = 1; next }
	/^\.Sh / { on = 0 }
	!on { next }
	/^\.\\" not run:/ { mark = "# not run\n"; next }
	/^\.Dl / { sub(/^\.Dl /, ""); printf "%s%s%c", mark, $0, 0; mark = ""; next }
	/^\.Bd / { blk = mark; mark = ""; inblk = 1; next }
	/^\.Ed/ { printf "%s%c", blk, 0; inblk = 0; next }
	inblk { blk = blk $0 "\n" }
	' "$TKT_ROOT/man/$1" |
	    sed -z 's/\\(dq/"/g; s/\\e/\\/g; s/\\&//g'
}

# run_examples PAGE MIN: runs every example of PAGE; at least MIN of them.
run_examples() {
	local page=$1 min=$2 n=0 ex dir
	while IFS= read -r -d '' ex; do
		if [[ "$ex" == "# not run"$'\n'* ]]; then
			bash -n <<<"$ex" || { printf 'an example of %s that is not run does not parse:\n%s\n' \
			    "$page" "$ex"; return 1; }
			continue
		fi
		# A crontab line: its command, without the five time fields.
		if [[ "$ex" =~ ^[0-9*] ]]; then
			ex=$(printf '%s\n' "$ex" | sed -E 's/^([^ ]+ +){5}//')
		fi
		n=$((n + 1))
		dir="$BATS_TEST_TMPDIR/ex$n"
		mkdir -p "$dir"
		start_sandbox --seed 7 --now "$TEST_NOW"
		run env XDG_STATE_HOME="$dir/state" HOME="$dir" TKT_NOW="$TEST_NOW" \
		    bash -c "cd '$dir' && set -eo pipefail; $ex" </dev/null
		stop_sandbox
		if [ "$status" -ne 0 ]; then
			printf 'example %d of %s failed (%d):\n%s\n%s\n' "$n" \
			    "$page" "$status" "$ex" "$output"
			return 1
		fi
		# Listing the failures prints nothing when nothing failed.
		if [ -z "$output" ] && [[ "$ex" != *"ok | not"* && "$ex" != *"select(.reply.error)"* ]] &&
		    [ -z "$(find "$dir" -name '*.jsonl' -size +0)" ]; then
			printf 'example %d of %s printed nothing:\n%s\n' "$n" \
			    "$page" "$ex"
			return 1
		fi
	done < <(examples "$page")
	[ "$n" -ge "$min" ] || { echo "only $n examples in $page"; return 1; }
}

@test "tkt-reply(1)'s EXAMPLES run as written against the sandbox" {
	run_examples tkt-reply.1 7
}

@test "tkt-close(1)'s EXAMPLES run as written against the sandbox" {
	run_examples tkt-close.1 7
}

@test "tkt-appeal(1)'s EXAMPLES run as written against the sandbox" {
	run_examples tkt-appeal.1 5
}

@test "README's action recipes run as written against the sandbox" {
	local n=0 ex dir
	while IFS= read -r -d '' ex; do
		n=$((n + 1))
		dir="$BATS_TEST_TMPDIR/readme$n"
		mkdir -p "$dir"
		start_sandbox --seed 7 --now "$TEST_NOW"
		run env XDG_STATE_HOME="$dir/state" TKT_NOW="$TEST_NOW" \
		    bash -c "cd '$dir' && set -eo pipefail; $ex" </dev/null
		stop_sandbox
		[ "$status" -eq 0 ] || { printf 'recipe %d failed (%d):\n%s\n%s\n' \
		    "$n" "$status" "$ex" "$output"; return 1; }
		# Something was done: the journal has lines.
		[ -s "$dir/state/tkt/journal" ] || { echo "recipe $n did nothing"; return 1; }
	done < <(awk '/^<!-- action-recipe:/ { want = 1; next }
	    want && /^```sh/ { on = 1; blk = ""; next }
	    on && /^```/ { printf "%s%c", blk, 0; on = 0; want = 0; next }
	    on { blk = blk $0 "\n" }' "$TKT_ROOT/README.md")
	[ "$n" -eq 4 ]
}

teardown() {
	reap_sandboxes
}
