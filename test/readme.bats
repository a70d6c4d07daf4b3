#!/usr/bin/env bats
# api: v3
# readme.bats: the README's one-line examples (lines indented four spaces
# that start with tkt-, outside the fenced blocks other suites run) run as
# written against a sandbox, in a fresh HOME: a new user's first run.

load test_helper

setup() {
	export TKT_NOW="$TEST_NOW"
	WORK="$BATS_TEST_TMPDIR/work"
	mkdir -p "$WORK"
	cp -R "$TKT_ROOT/share/tkt/templates" "$WORK/templates"
}

# fresh_sandbox: a sandbox of its own, whose files the config allows (the
# one setting a fresh user adds for --save-files: the sandbox's files are
# not Wish's bucket).
fresh_sandbox() {
	stop_sandbox
	start_sandbox --seed 7 --tickets 60 --now "$TEST_NOW" --files
	write_config <<-EOF
	file_hosts: ["${SANDBOX_URL#http://}/files/"]
	EOF
}

teardown() {
	reap_sandboxes
}

# readme_lines: the one-line examples, their trailing comments cut.
readme_lines() {
	awk '/^```/ { fenced = !fenced; next }
	    !fenced && /^    tkt-[a-z]+( |$)/ { sub(/^    /, ""); sub(/  +#.*/, ""); print }' \
	    "$TKT_ROOT/README.md"
}

@test "every one-line example of the README runs as written against the sandbox" {
	local line n=0 skipped=0
	readme_lines >"$BATS_TEST_TMPDIR/lines"
	cd "$WORK"
	while IFS= read -r line; do
		case $line in
		"tkt-reply: "*)
			continue ;;	# what a tool prints, not a command
		*"tkt-reply -i"*)
			# Needs a person at a terminal: tkt-reply.bats runs it on a
			# fed terminal.
			skipped=$((skipped + 1)); continue ;;
		*"-s shop,eu"*)
			# Needs the stores shop and eu: the next test.
			skipped=$((skipped + 1)); continue ;;
		esac
		n=$((n + 1))
		# Each on a sandbox of its own: a --resolve example must not
		# leave the next one nothing to list.
		fresh_sandbox
		run --separate-stderr bash -c "set -o pipefail; $line" </dev/null
		[ "$status" -le 1 ] || { echo "exit $status: $line"; echo "$stderr"; return 1; }
		[[ "$stderr" != *"usage:"* && "$stderr" != *"not found"* &&
		    "$stderr" != *"No such file"* ]] ||
		    { echo "$line: $stderr"; return 1; }
		# Exit 1 only where the example says "no": -e, --fail-if, or a
		# bulk run where some records were not for it.
		[ "$status" -eq 0 ] || [[ "$line" == *" -e "* || "$line" == *"--fail-if"* ||
		    "$line" == *"render --auto"* ]] ||
		    { echo "exit 1: $line"; echo "$stderr"; return 1; }
		# Something to see, unless its output goes elsewhere or it is a
		# check that is silent when all is well (lint).
		[[ "$line" == *">"* || "$line" == "tkt-template lint "* ]] ||
		    [ -n "$output" ] ||
		    { echo "printed nothing: $line"; return 1; }
	done <"$BATS_TEST_TMPDIR/lines"
	[ "$n" -ge 20 ]
	[ "$skipped" -eq 2 ]
	# The photos example kept files where it said.
	[ -s "$HOME/tkt-files/index.jsonl" ]
}

@test "the README's example for two stores runs with the stores shop and eu configured" {
	local line
	fresh_sandbox
	line=$(readme_lines | grep -e '-s shop,eu')
	[ -n "$line" ]
	printf '%s\n' "$TEST_TOKEN" >"$XDG_CONFIG_HOME/tkt/shop.token"
	chmod 600 "$XDG_CONFIG_HOME/tkt/shop.token"
	# As the README's configuration writes it: a default store, which
	# the action tools need with several stores (tkt-reply(1)).
	write_config <<-EOF
	default_store: shop
	stores:
	  shop:
	    url: $SANDBOX_URL
	    token_file: shop.token
	  eu:
	    api: v2
	    url: $SANDBOX_URL
	    token_file: shop.token
	EOF
	unset TKT_API_URL TKT_TOKEN
	cd "$WORK"
	run -0 --separate-stderr bash -c "set -o pipefail; $line"
	# Each store's records are planned, each to its own store.
	[ "$(jq -r .store <<<"$output" | sort -u | tr '\n' ' ')" = "eu shop " ]
	jq -e -s 'all(.[]; .result.dry_run)' <<<"$output"
}
