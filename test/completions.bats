#!/usr/bin/env bats
# completions.bats: the bash and fish completions offer exactly the options
# each binary's option table accepts (short and long, as -h lists them), no more, no less;
# the zsh file at least parses.  tkt-template, with its subcommands, is left
# to its own tests.

load test_helper

TOOLS="tkt-list tkt-reply tkt-close tkt-appeal tkt-metrics tkt-sandbox"

# getopt_options TOOL: every option TOOL accepts, one a line, sorted: its
# -h prints one line for each, from the same table its getopt uses.
getopt_options() {
	"$1" -h | sed -n 's/^  \(-[A-Za-z]\), \(--[a-z-]*\).*/\1\n\2/p; s/^  \(--[a-z-]*\).*/\1/p' |
	    sort -u
}

@test "bash completion offers exactly the options of each binary" {
	local t want got
	for t in $TOOLS; do
		want=$(getopt_options "$t")
		[ -n "$want" ]
		got=$(bash -c 'source "$1"; f=$(complete -p "$2" | sed "s/.*-F \([^ ]*\) .*/\1/")
		    COMP_WORDS=("$2" -); COMP_CWORD=1; COMPREPLY=(); "$f"
		    printf "%s\n" "${COMPREPLY[@]}"' _ "$TKT_ROOT/completions/tkt.bash" "$t" |
		    sort -u)
		[ "$want" = "$got" ] || { echo "$t:"; diff <(echo "$want") <(echo "$got"); return 1; }
	done
}

@test "bash completion gives template names after tkt-reply -t and --template" {
	run bash -c 'source "$1"; COMP_WORDS=(tkt-reply --template where); COMP_CWORD=2
	    _tkt_reply; printf "%s\n" "${COMPREPLY[@]}"' _ "$TKT_ROOT/completions/tkt.bash"
	[ "$status" -eq 0 ]
	[ "$output" = "where-is-my-order" ]
}

@test "fish completion offers exactly the options of each binary" {
	command -v fish >/dev/null || skip "fish is not installed"
	local t want got
	for t in $TOOLS; do
		want=$(getopt_options "$t")
		got=$(fish -c "source '$TKT_ROOT/completions/tkt.fish'; complete -C'$t -'" |
		    cut -f1 | grep -- '^--*[A-Za-z]' | sort -u)
		[ "$want" = "$got" ] || { echo "$t:"; diff <(echo "$want") <(echo "$got"); return 1; }
	done
}

@test "the zsh completion file parses" {
	command -v zsh >/dev/null || skip "zsh is not installed"
	zsh -n "$TKT_ROOT/completions/_tkt"
}

@test "tkt-list --sort completes its keys, in bash and fish" {
	run -0 bash -c 'source "$1"; COMP_WORDS=(tkt-list --sort ""); COMP_CWORD=2
	    _tkt_list; printf "%s\n" "${COMPREPLY[@]}"' _ "$TKT_ROOT/completions/tkt.bash"
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "due none opened updated " ]
	grep -q "'--sort=\[.*\]:key:(due opened updated none)'" "$TKT_ROOT/completions/_tkt"
	command -v fish >/dev/null || skip "fish is not installed"
	run -0 fish -c "source '$TKT_ROOT/completions/tkt.fish'; complete -C'tkt-list --sort '"
	[ "$(cut -f1 <<<"$output" | sort | tr '\n' ' ')" = "due none opened updated " ]
}
