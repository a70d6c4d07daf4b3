#!/usr/bin/env bats
# cron.bats: the README's crontab lines, run as cron runs them after
# `make install` (cron's small environment, /bin/sh, no TKT_* variable,
# the config found through HOME), and its CI recipe for tkt-metrics, run
# with /bin/sh: both as written in README.md, from the blocks marked
# <!-- crontab: ... --> and <!-- metrics-ci: ... -->.

load test_helper

teardown() {
	reap_sandboxes
}

# readme_block MARKER: the fenced block that follows README's
# "<!-- MARKER: ..." line.
readme_block() {
	awk -v m="<!-- $1:" 'index($0, m) == 1 { want = 1; next }
	    want && /^```/ { if (on) exit; on = 1; next }
	    on' "$TKT_ROOT/README.md"
}

# install_tree ARGS...: make install from the tree as built, as if run from
# a shell (not from make check's own make).
install_tree() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -C "$TKT_ROOT" install "$@" >/dev/null
}

# as_cron COMMAND [NAME=VALUE...]: runs a crontab line's COMMAND as cron
# does, with /bin/sh and cron's environment, to which the crontab's own
# assignments (NAME=VALUE) are added.
as_cron() {
	local cmd=$1
	shift
	env -i PATH=/usr/bin:/bin HOME="$HOME" LOGNAME=tkt SHELL=/bin/sh "$@" \
	    /bin/sh -c "$cmd"
}

@test "make install writes its BINDIR into the overdue alert, never DESTDIR; the tree's copy keeps the marker" {
	[ -z "${TKT_BIN:-}" ] || skip "TKT_BIN is set: the tree is not what is tested"
	local dest="$BATS_TEST_TMPDIR/dest" alert
	install_tree DESTDIR="$dest" PREFIX=/usr/local
	alert="$dest/usr/local/share/tkt/examples/tkt-overdue-alert"
	[ -x "$alert" ]
	[ -x "$dest/usr/local/bin/tkt-list" ]
	grep -qx "bindir='/usr/local/bin'" "$alert"
	! grep -q -e '@BINDIR@' -e "$dest" "$alert"
	# Only that line differs from the tree's, which still holds the marker.
	[ "$(diff "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" "$alert" |
	    grep -c '^[<>]')" -eq 2 ]
	grep -qx "bindir='@BINDIR@'" "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert"
	install_tree DESTDIR="$dest" PREFIX=/usr BINDIR=/opt/tkt/bin
	grep -qx "bindir='/opt/tkt/bin'" "$dest/usr/share/tkt/examples/tkt-overdue-alert"
}

@test "the README's crontab lines run as installed, with cron's environment" {
	[ -z "${TKT_BIN:-}" ] || skip "TKT_BIN is set: the tree is not what is tested"
	local prefix="$BATS_TEST_TMPDIR/usr/local" line cmd n=0
	local -a cron_env=()
	install_tree PREFIX="$prefix"
	# cron has no TKT_*: the config comes through HOME, the token from a file.
	(umask 077 && mkdir -p "$HOME/.config/tkt" &&
	    printf '%s\n' "$TEST_TOKEN" >"$HOME/.config/tkt/token")
	# The lines as written, with the test's PREFIX for /usr/local.
	while IFS= read -r line; do
		case $line in
		'' | '#'*) continue ;;
		[A-Za-z_]*=*) cron_env+=("${line//\/usr\/local/$prefix}"); continue ;;
		esac
		read -r _ _ _ _ _ cmd <<<"$line"
		cmd=${cmd//\/usr\/local/$prefix}
		n=$((n + 1))
		# Each line on a sandbox of its own (the replies of the first
		# leave nothing due for the second).
		stop_sandbox
		start_sandbox --seed 7 --tickets 40
		printf 'stores:\n  main:\n    api: %s\n    url: %s\n    token_file: %s\n' \
		    "$TKT_TEST_API" "$SANDBOX_URL" "$HOME/.config/tkt/token" |
		    write_config
		case $n in
		1)
			# Without the crontab's PATH, cron finds no tkt-list.
			run -127 --separate-stderr as_cron "$cmd"
			[[ "$stderr" == *"tkt-list: not found"* ]]
			rm -f "$HOME/tkt-replies.jsonl"
			run -0 --separate-stderr as_cron "$cmd" "${cron_env[@]}"
			[ -z "$stderr" ]
			# Replies were sent, and the records kept.
			jq -e -s 'length > 0 and all(.[]; .result.ok == true)' \
			    "$HOME/tkt-replies.jsonl"
			[ -s "$HOME/.local/state/tkt/journal" ]
			;;
		2)
			run -1 --separate-stderr as_cron "$cmd" "${cron_env[@]}"
			[ -z "$stderr" ]
			[[ "${lines[0]}" =~ ^[1-9][0-9]*\ overdue,\ [0-9]+\ due\ within\ 6h$ ]]
			# The installed script finds the tools under cron's
			# own PATH too, without the crontab's.
			run -1 --separate-stderr as_cron "$cmd"
			[ -z "$stderr" ]
			[[ "${lines[0]}" =~ ^[1-9][0-9]*\ overdue,\ [0-9]+\ due\ within\ 6h$ ]]
			;;
		esac
	done < <(readme_block crontab)
	[ "$n" -eq 2 ]
	[ "${#cron_env[@]}" -eq 1 ]
	[[ "${cron_env[0]}" == "PATH=$prefix/bin:/usr/bin:/bin" ]]
}

@test "the README's CI recipe for tkt-metrics fails in plain sh when tkt-list fails or --fail-if holds" {
	only_api v3 "tkt-list -A lists on v3 only"
	local recipe="$BATS_TEST_TMPDIR/store-health.sh"
	readme_block metrics-ci >"$recipe"
	[ "$(head -n 1 "$recipe")" = "#!/bin/sh" ]
	# tkt-metrics(1)'s EXAMPLES has the same script, without its comments.
	diff <(grep -v '^# ' "$recipe") <(awk '/^In CI or cron/ { want = 1 }
	    want && /^\.Bd -literal/ { on = 1; next } on && /^\.Ed/ { exit } on' \
	    "$TKT_ROOT/man/tkt-metrics.1")
	cd "$BATS_TEST_TMPDIR"
	export TKT_NOW="$TEST_NOW"
	# Tickets overdue: --fail-if holds.
	start_sandbox --seed 7 --tickets 40 --now "$TEST_NOW"
	run -1 --separate-stderr /bin/sh "$recipe"
	[[ "$stderr" == *"tkt-metrics: --fail-if: overdue>0 holds (overdue is "* ]]
	printf '%s\n' "$output" | jq -e '.tickets > 0 and .overdue > 0'
	stop_sandbox
	# No ticket: nothing is late or overdue, the recipe passes.
	start_sandbox --seed 7 --tickets 0 --now "$TEST_NOW"
	run -0 --separate-stderr /bin/sh "$recipe"
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e '.tickets == 0'
	# A wrong token: tkt-list fails, and so does the recipe, with its
	# status; the pipe it replaces passed, judging zero tickets.
	TKT_TOKEN=wrong run -4 --separate-stderr /bin/sh "$recipe"
	[[ "$stderr" == *"store-health: tkt-list failed (exit 4)" ]]
	TKT_TOKEN=wrong run -0 /bin/sh -c \
	    "tkt-list -A --since 30d | tkt-metrics --fail-if 'late_rate>5%,overdue>0' >/dev/null"
	# The sandbox gone: a remote failure.
	stop_sandbox
	run --separate-stderr /bin/sh "$recipe"
	[ "$status" -eq 3 ]
	[[ "$stderr" == *"store-health: tkt-list failed (exit 3)" ]]
}
