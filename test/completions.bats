#!/usr/bin/env bats
# completions.bats: the bash and fish completions offer exactly the options
# each binary's getopt table accepts (short and long), no more, no less;
# the zsh file at least parses.  tkt-template, with its subcommands, is left
# to its own tests.

load test_helper

TOOLS="tkt-list tkt-reply tkt-close tkt-appeal tkt-metrics tkt-sandbox"

# getopt_options TOOL: every option cmd/TOOL.c accepts, one a line, sorted.
getopt_options() {
	local src="$TKT_ROOT/cmd/$1.c"
	{
		grep -o '{ "[a-z-]*",' "$src" | sed 's/{ "\(.*\)",/--\1/'
		# The options every action tool shares come from one macro.
		if grep -q TKT_ACTION_LONGOPTS "$src"; then
			sed -n '/define TKT_ACTION_LONGOPTS/,/^$/p' "$TKT_ROOT/lib/tkt_action.h" |
			    grep -o '{ "[a-z-]*",' | sed 's/{ "\(.*\)",/--\1/'
		fi
		sed -n 's/.*getopt_long(argc, argv, "\([^"]*\)".*/\1/p' "$src" |
		    tr -d ':+' | fold -w1 | sed 's/^/-/'
	} | sort -u
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
