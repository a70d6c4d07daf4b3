#!/usr/bin/env bats
# tkt-template: render, lint, list, show.  Unit tests use the fixture
# templates and word lists of test/fixtures/template in a data dir of their
# own; the shipped library (share/tkt/templates, share/tkt/lint) has its own
# tests at the end: golden renders, lint --strict, and the word-list
# fixtures that must fire and must pass.

load test_helper

T="$FIXTURES/template"

setup() {
	# A data dir with the record field list and the test word lists only,
	# so that shipped templates cannot answer a fixture ticket.
	DATA="$BATS_TEST_TMPDIR/data"
	mkdir -p "$DATA"
	cp "$TKT_ROOT/share/tkt/record-fields" "$DATA/"
	cp -R "$T/lists" "$DATA/lint"
	export TKT_DATADIR="$DATA"
	write_config <<-EOF
	templates:
	  - $T/templates
	stores:
	  main:
	    url: http://127.0.0.1:9
	    token_env: NONE
	    vars:
	      signature: The Main Street team
	  other:
	    url: http://127.0.0.1:9
	    token_env: NONE
	vars:
	  signature: Global team
	  store: Global shop
	EOF
}

# reply_of N FILE: the reply object of the Nth output line.
reply_of() {
	sed -n "${1}p" "$2" | jq -c .reply
}

# to_full ARGS: tkt-template ARGS with stdout on a full device.
to_full() {
	tkt-template "$@" >/dev/full
}

# lint_one LOCALE TEXT [more lint options]: lints a one-variant template.
lint_one() {
	local loc=$1 text=$2
	shift 2
	{
		printf 'name: one\ndefault_locale: %s\nbody:\n  %s: |\n' "$loc" "$loc"
		printf '%s\n' "$text" | sed 's/^/    /'
	} >"$BATS_TEST_TMPDIR/one.yaml"
	run tkt-template lint "$@" "$BATS_TEST_TMPDIR/one.yaml"
}

# --- usage -----------------------------------------------------------------

@test "prints usage and exits 2 without a command" {
	run -2 --separate-stderr tkt-template
	[[ "$stderr" == "usage: tkt-template render (-t name | --auto)"* ]]
	[ -z "$output" ]
}

@test "--help prints usage on stdout and exits 0" {
	run -0 --separate-stderr tkt-template --help
	[[ "$output" == *"tkt-template lint [--json] [--strict]"* ]]
	[ -z "$stderr" ]
}

@test "--version names the program" {
	run -0 tkt-template --version
	[[ "$output" == "tkt-template (tkt) "* ]]
}

@test "--version, -h and a subcommand's -h on a full stdout exit 5" {
	for args in --version -h --help "render -h" "lint --help" "list -h" "show -h"; do
		run -5 --separate-stderr to_full $args
		[ "$stderr" = "tkt-template: write error on stdout: No space left on device" ] ||
		    { echo "$args: $stderr"; false; }
	done
}

@test "the usage names all four subcommands, as the manual's SYNOPSIS words them" {
	run -0 --separate-stderr tkt-template -h
	[ "${lines[0]}" = "usage: tkt-template render (-t name | --auto) [-l locale] [--no-fallback]" ]
	[ "${lines[1]}" = "                    [-D name=value ...] [file ...]" ]
	[ "${lines[2]}" = "       tkt-template lint [--json] [--strict] [--require-locales list] file ..." ]
	[ "${lines[3]}" = "       tkt-template list [--json | --table]" ]
	[ "${lines[4]}" = "       tkt-template show name [-l locale]" ]
	[[ "$output" == *"See tkt-template(1)." ]]
	[ -z "$stderr" ]
	# SYNOPSIS, as mandoc prints it, has the same words.
	if command -v mandoc >/dev/null; then
		mandoc -Tascii "$TKT_ROOT/man/tkt-template.1" | sed 's/.\x08//g' |
		    sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d;s/^[[:space:]]*//' |
		    tr -s ' \t\n' '   ' >"$BATS_TEST_TMPDIR/man"
		printf '%s\n' "${lines[@]:0:5}" | sed 's/^usage: //' |
		    tr -s ' \t\n' '   ' >"$BATS_TEST_TMPDIR/usage"
		diff "$BATS_TEST_TMPDIR/man" "$BATS_TEST_TMPDIR/usage"
	fi
}

@test "each subcommand's -h prints its own usage and options on stdout" {
	run -0 --separate-stderr tkt-template render -h
	[ "${lines[0]}" = "usage: tkt-template render (-t name | --auto) [-l locale] [--no-fallback]" ]
	[[ "$output" == *"--no-fallback "*"a ticket with no text in its language is an error"* ]]
	[[ "$output" == *"-D, --define name=value"* ]]
	[[ "$output" != *"--strict"* ]]
	run -0 --separate-stderr tkt-template lint --help
	[ "${lines[0]}" = "usage: tkt-template lint [--json] [--strict] [--require-locales list] file ..." ]
	[[ "$output" == *"--require-locales list"* ]]
	run -0 --separate-stderr tkt-template list -h
	[ "${lines[0]}" = "usage: tkt-template list [--json | --table]" ]
	run -0 --separate-stderr tkt-template show -h
	[ "${lines[0]}" = "usage: tkt-template show name [-l locale]" ]
	[[ "$output" == *"-l, --locale locale"* ]]
	[ -z "$stderr" ]
}

# help_options [CMD]: the options tkt-template [CMD] -h lists, one a line.
help_options() {
	tkt-template "$@" -h | sed -n 's/^  \(-[^ ,]*\)\(, \(--[^ ]*\)\)\{0,1\}.*/\1 \3/p' |
	    tr ' ' '\n' | sed '/^$/d' | sort -u
}

# bash_offers WORDS...: what the bash completion offers for the last word.
bash_offers() {
	bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
	    COMPREPLY=(); _tkt_template; printf "%s\n" "${COMPREPLY[@]}"' _ \
	    "$TKT_ROOT/completions/tkt.bash" "$@" | sort -u
}

@test "bash completion offers exactly the options each subcommand's -h lists" {
	local cmd want got
	for cmd in render lint list show; do
		want=$(help_options "$cmd")
		[ -n "$want" ]
		got=$(bash_offers tkt-template "$cmd" -)
		[ "$want" = "$got" ] || { echo "$cmd:"; diff <(echo "$want") <(echo "$got"); return 1; }
	done
	want=$( { help_options; printf '%s\n' render lint list show; } | sort -u)
	[ "$want" = "$(bash_offers tkt-template '')" ]
}

@test "an unknown command exits 2, names it and prints the usage of all four" {
	run -2 --separate-stderr tkt-template frobnicate
	[ "${stderr_lines[0]}" = "tkt-template: unknown command 'frobnicate'" ]
	[[ "${stderr_lines[1]}" == "usage: tkt-template render "* ]]
	[[ "$stderr" == *"tkt-template lint "*"tkt-template list "*"tkt-template show name"* ]]
	[ -z "$output" ]
}

@test "an unknown option before the command exits 2 with the usage" {
	run -2 --separate-stderr tkt-template -x
	[ "${stderr_lines[0]}" = "tkt-template: invalid option -- 'x'" ]
	[[ "${stderr_lines[1]}" == "usage: tkt-template render "* ]]
	run -2 --separate-stderr tkt-template --frob render
	[ "${stderr_lines[0]}" = "tkt-template: unrecognized option '--frob'" ]
}

@test "render needs exactly one of -t and --auto" {
	run -2 --separate-stderr tkt-template render </dev/null
	[ "${stderr_lines[0]}" = "tkt-template: render: give either -t name or --auto" ]
	[[ "${stderr_lines[1]}" == "usage: tkt-template render (-t name | --auto)"* ]]
	run -2 tkt-template render -t plain --auto </dev/null
	[[ "$output" == *"give either -t name or --auto"* ]]
}

@test "an option of another command is refused with exit 2 and that command's usage" {
	run -2 --separate-stderr tkt-template list --strict
	[ "$stderr" = "$(printf '%s\n' "tkt-template list: unrecognized option '--strict'" \
	    "usage: tkt-template list [--json | --table]")" ]
	run -2 --separate-stderr tkt-template lint -t plain "$T/templates/30-byname.yaml"
	[ "${stderr_lines[0]}" = "tkt-template lint: invalid option -- 't'" ]
	[[ "${stderr_lines[1]}" == "usage: tkt-template lint "* ]]
	run -2 --separate-stderr tkt-template render --auto --json </dev/null
	[ "${stderr_lines[0]}" = "tkt-template render: unrecognized option '--json'" ]
	run -2 --separate-stderr tkt-template show --auto plain
	[ "${stderr_lines[0]}" = "tkt-template show: unrecognized option '--auto'" ]
	run -2 --separate-stderr tkt-template list -l fr
	[ "${stderr_lines[0]}" = "tkt-template list: invalid option -- 'l'" ]
	[ -z "$output" ]
}

@test "an option without its argument exits 2 with the usage" {
	run -2 --separate-stderr tkt-template render --auto -l
	[ "${stderr_lines[0]}" = "tkt-template render: option requires an argument -- 'l'" ]
	run -2 --separate-stderr tkt-template lint --require-locales
	[ "${stderr_lines[0]}" = "tkt-template lint: option '--require-locales' requires an argument" ]
	[[ "${stderr_lines[1]}" == "usage: tkt-template lint "* ]]
}

@test "list takes no operand; show takes exactly one name" {
	run -2 --separate-stderr tkt-template list plain
	[ "$stderr" = "$(printf '%s\n' "tkt-template: list: 'plain': list takes no operand" \
	    "usage: tkt-template list [--json | --table]")" ]
	run -2 --separate-stderr tkt-template show
	[ "${stderr_lines[0]}" = "tkt-template: show: name one template" ]
	[ "${stderr_lines[1]}" = "usage: tkt-template show name [-l locale]" ]
	run -2 --separate-stderr tkt-template show plain tracking
	[ "${stderr_lines[0]}" = "tkt-template: show: name one template" ]
}

@test "output that cannot be written exits 5 for every subcommand" {
	run -5 --separate-stderr to_full list
	[ "$stderr" = "tkt-template: write error on stdout: No space left on device" ]
	run -5 --separate-stderr to_full list --table
	run -5 --separate-stderr to_full show tracking
	run -5 --separate-stderr to_full show tracking -l fr
	run -5 --separate-stderr to_full lint "$T/bad/keys.yaml"
	run -5 --separate-stderr to_full render -t plain -D store=S "$T/records-pass.jsonl"
	# Every ticket was read: the count of fallbacks stands, before the write error.
	[ "$stderr" = "$(printf '%s\n' "tkt-template: 1 buyer in de got en (no text in their language; --no-fallback refuses)" \
	    "tkt-template: write error on stdout: No space left on device")" ]
	# A write that fails midway stops the run: no summary of unmatched
	# tickets it did not all read.
	for i in $(seq 1 2000); do sed -n 3p "$T/records.jsonl"; done >"$BATS_TEST_TMPDIR/many"
	run -5 --separate-stderr to_full render --auto "$BATS_TEST_TMPDIR/many"
	[ "$stderr" = "tkt-template: write error on stdout: No space left on device" ]
	# When the loss shows only at the end, every ticket was read: the
	# summary stands, before the write error.
	head -n 3 "$T/records.jsonl" >"$BATS_TEST_TMPDIR/three"
	run -5 --separate-stderr to_full render --auto "$BATS_TEST_TMPDIR/three"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[-2]}" = "tkt-template: 1 ticket matched no template (type PRE_PURCHASE, sub_label null, locale ja)" ]
	[ "${stderr_lines[-1]}" = "tkt-template: write error on stdout: No space left on device" ]
}

@test "-D without NAME=VALUE is a usage error" {
	run -2 tkt-template render -t plain -D store </dev/null
	[[ "$output" == *"-D store: expected NAME=VALUE"* ]]
}

@test "-t with an unknown name exits 2 and points at list" {
	run -2 tkt-template render -t nosuch </dev/null
	[[ "$output" == *"no template named 'nosuch' (tkt-template list shows them)"* ]]
}

# --- render ----------------------------------------------------------------

@test "--auto gives each ticket the first template whose match fits" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/out")" -eq 4 ]
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out" | jq -r .reply.template)" = tracking ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | jq -r .reply.template)" = refund ]
}

@test "a ticket no template fits passes through with reply.error and exit 1" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(reply_of 3 "$BATS_TEST_TMPDIR/out")" = '{"template":null,"error":"no template matches this ticket (type PRE_PURCHASE, sub_label null, label null, state AWAITING_MERCHANT, locale ja)"}' ]
	# Reported once at the end, by kind, not once per ticket.
	[[ "$stderr" != *"ticket t3"* ]]
	[ "${stderr_lines[-1]}" = "tkt-template: 1 ticket matched no template (type PRE_PURCHASE, sub_label null, locale ja)" ]
}

@test "tickets no template fits are counted once per type, sub_label and locale, in order of first sight" {
	{
		for i in 1 2 3; do
			printf '{"id":"a%d","type":"PRE_PURCHASE","sub_label":"Size","label":"L%d","state":"AWAITING_MERCHANT","locale":"ja"}\n' "$i" "$i"
		done
		printf '{"id":"b1","type":"PRE_PURCHASE","sub_label":"Size","locale":"fr"}\n'
		printf '{"id":"c1","type":"PRE_PURCHASE","locale":"ja"}\n'
		printf '{"id":"a4","type":"PRE_PURCHASE","sub_label":"Size","state":"CLOSED","locale":"ja"}\n'
		printf '{"id":"d1","locale":null}\n'
		printf '{"id":"c2","type":"PRE_PURCHASE","sub_label":null,"locale":"ja"}\n'
		sed -n 1p "$T/records.jsonl"
		printf '{"id":"b2","type":"PRE_PURCHASE","sub_label":"Size","locale":"fr"}\n'
	} >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render --auto "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "$(printf '%s\n' \
	    "tkt-template: 4 tickets matched no template (type PRE_PURCHASE, sub_label Size, locale ja)" \
	    "tkt-template: 2 tickets matched no template (type PRE_PURCHASE, sub_label Size, locale fr)" \
	    "tkt-template: 2 tickets matched no template (type PRE_PURCHASE, sub_label null, locale ja)" \
	    "tkt-template: 1 ticket matched no template (type null, sub_label null, locale null)")" ]
	# Each ticket's own reply.error still names all its match fields.
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -r .reply.error)" = "no template matches this ticket (type PRE_PURCHASE, sub_label Size, label L2, state AWAITING_MERCHANT, locale ja)" ]
	[ "$(printf '%s\n' "$output" | sed -n 6p | jq -r .reply.error)" = "no template matches this ticket (type PRE_PURCHASE, sub_label Size, label null, state CLOSED, locale ja)" ]
	[ "$(printf '%s\n' "$output" | jq -r '.reply.template // "-"' | tr '\n' ' ')" = "- - - - - - - - tracking - " ]
}

@test "other render errors are still reported once per ticket, beside the summary" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[0]}" = "tkt-template: $T/records.jsonl:4: ticket t4: template refund, locale en: missing value for {{buyer.name}}" ]
	[[ "${stderr_lines[1]}" == *"1 ticket matched no template"* ]]
}

@test "a file that cannot be read is reported, the others are rendered, exit 1" {
	run -1 --separate-stderr tkt-template render -t plain -D store=S "$BATS_TEST_TMPDIR/none.jsonl" "$T/records-pass.jsonl"
	[ "${stderr_lines[0]}" = "tkt-template: $BATS_TEST_TMPDIR/none.jsonl: No such file or directory" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq "$(wc -l <"$T/records-pass.jsonl")" ]
}

@test "a missing value without a default is an error naming template, locale, placeholder and ticket" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(reply_of 4 "$BATS_TEST_TMPDIR/out")" = '{"template":"refund","error":"template refund, locale en: missing value for {{buyer.name}}"}' ]
	[[ "$stderr" == *"records.jsonl:4: ticket t4: template refund, locale en: missing value for {{buyer.name}}"* ]]
	sed -n 4p "$BATS_TEST_TMPDIR/out" | jq -e '.reply | has("text") | not'
}

@test "the stream goes on after a failed record and the others succeed" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | jq -r .reply.text)" = "Hallo Jürgen, wir haben Bestellung o9 erstattet." ]
}

@test "record values are escaped for Markdown; sections iterate orders; inverted sections fill gaps" {
	run -1 --separate-stderr tkt-template render --auto "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	sed -n 1p "$BATS_TEST_TMPDIR/out" | jq -r .reply.text >"$BATS_TEST_TMPDIR/text"
	cat >"$BATS_TEST_TMPDIR/want" <<-'EOF'
	Bonjour Zoé \*Star\*,

	- T_shirt \[XL\] : suivi LP00_12
	- votre article : pas encore expédié

	Salutations,
	The Main Street team

	EOF
	diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/text"
}

@test "comments and standalone section lines leave no blank line behind" {
	run -0 --separate-stderr tkt-template render -t tracking -l en "$T/records.jsonl"
	text=$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)
	[[ "$text" != *"{{"* ]]
	[[ "$text" == *$'there,\n\n- T_shirt'* ]] || [[ "$text" == *$'Star\\*,\n\n- T_shirt'* ]]
	[[ "$text" != *$'\n\n\n'* ]]
}

@test "fr-CA gets its own text, de-AT gets de, ja default_locale: only ja is a fallback, another language" {
	run -0 --separate-stderr tkt-template render -t tracking "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out" | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["fr-CA","fr-CA",false]' ]
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["en","de-AT",true]' ]
	[ "$(sed -n 3p "$BATS_TEST_TMPDIR/out" | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["en","ja",true]' ]
	[ "$stderr" = "tkt-template: 1 buyer in de got en, 1 in ja got en (no text in their language; --no-fallback refuses)" ]
	run -1 --separate-stderr tkt-template render -t refund "$T/records.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["de","de-AT",false]' ]
}

@test "fr-BE gets fr, and fr-CA gets fr where the template has no fr-CA text: same language, no fallback, no warning" {
	sed 's/"locale":"fr-CA"/"locale":"fr-BE"/' "$T/records.jsonl" | head -1 >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render --auto "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["fr","fr-BE",false]' ]
	[[ "$(printf '%s\n' "$output" | jq -r .reply.text)" == *"Cordialement,"* ]]
	[ -z "$stderr" ]
	printf 'name: fr\ndefault_locale: en\nbody:\n  en: "Hello"\n  fr: "Bonjour"\n' >"$BATS_TEST_TMPDIR/fr.yaml"
	printf '{"id":"c1","locale":"fr-CA"}\n{"id":"u1","locale":"en-US"}\n' >"$BATS_TEST_TMPDIR/in2"
	run -0 --separate-stderr tkt-template render --no-fallback -t "$BATS_TEST_TMPDIR/fr.yaml" "$BATS_TEST_TMPDIR/in2"
	[ "$(printf '%s\n' "$output" | jq -c '.reply|[.locale,.requested_locale,.fallback,.text]' | tr '\n' ' ')" = '["fr","fr-CA",false,"Bonjour"] ["en","en-US",false,"Hello"] ' ]
	[ -z "$stderr" ]
}

@test "a buyer with only a regional text in their language gets it, not default_locale" {
	printf 'name: ca\ndefault_locale: en\nbody:\n  en: "Hello"\n  fr-CA: "Allo"\n' >"$BATS_TEST_TMPDIR/ca.yaml"
	printf '{"id":"f1","locale":"fr"}\n{"id":"f2","locale":"FR-be"}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/ca.yaml" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -c '.reply|[.locale,.fallback,.text]' | tr '\n' ' ')" = '["fr-CA",false,"Allo"] ["fr-CA",false,"Allo"] ' ]
	[ -z "$stderr" ]
}

@test "fallbacks are counted once at the end, by language asked and text given, in order of first sight; exit 0" {
	printf 'name: two\ndefault_locale: en\nbody:\n  en: "Hello"\n  fr: "Bonjour"\n' >"$BATS_TEST_TMPDIR/two.yaml"
	{
		printf '{"id":"a%d","locale":"fi"}\n' 1 2
		printf '{"id":"n1","locale":"nl-BE"}\n'
		printf '{"id":"e1","locale":"en"}\n'
		printf '{"id":"a3","locale":"FI"}\n'
		printf '{"id":"x1","locale":null}\n'
		printf '{"id":"x2"}\n'
	} >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/two.yaml" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-template: 3 buyers in fi got en, 1 in nl got en (no text in their language; --no-fallback refuses)" ]
	[ "$(printf '%s\n' "$output" | jq -c .reply.fallback | tr '\n' ' ')" = "true true true false true false false " ]
	# One buyer: singular.
	sed -n 3p "$BATS_TEST_TMPDIR/in" >"$BATS_TEST_TMPDIR/one"
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/two.yaml" "$BATS_TEST_TMPDIR/one"
	[ "$stderr" = "tkt-template: 1 buyer in nl got en (no text in their language; --no-fallback refuses)" ]
	# -l asks for the language: the count names it.
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/two.yaml" -l de "$BATS_TEST_TMPDIR/one"
	[ "$stderr" = "tkt-template: 1 buyer in de got en (no text in their language; --no-fallback refuses)" ]
}

@test "more than twelve languages: the first twelve are named, the rest summed" {
	printf 'name: one\ndefault_locale: en\nbody:\n  en: "Hello"\n' >"$BATS_TEST_TMPDIR/one.yaml"
	for l in aa ab ac ad ae af ag ah ai aj ak al am an an; do
		printf '{"id":"i%s","locale":"%s"}\n' "$l" "$l"
	done >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/one.yaml" "$BATS_TEST_TMPDIR/in"
	[ "$stderr" = "tkt-template: 1 buyer in aa got en, 1 in ab got en, 1 in ac got en, 1 in ad got en, 1 in ae got en, 1 in af got en, 1 in ag got en, 1 in ah got en, 1 in ai got en, 1 in aj got en, 1 in ak got en, 1 in al got en, 3 more in 2 other languages (no text in their language; --no-fallback refuses)" ]
}

@test "--no-fallback: a ticket with no text in its language is an error with its place, the stream goes on, exit 1" {
	run -1 --separate-stderr tkt-template render -t tracking --no-fallback "$T/records.jsonl"
	[ "$stderr" = "$(printf '%s\n' \
	    "tkt-template: $T/records.jsonl:2: ticket t2: no text in de (template tracking has en, fr, fr-CA)" \
	    "tkt-template: $T/records.jsonl:3: ticket t3: no text in ja (template tracking has en, fr, fr-CA)")" ]
	[ "${#lines[@]}" -eq 4 ]
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -c .reply)" = '{"template":"tracking","error":"no text in de (template tracking has en, fr, fr-CA)"}' ]
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.locale)" = fr-CA ]
	[ "$(printf '%s\n' "$output" | sed -n 4p | jq -r .reply.locale)" = en ]
	printf '%s\n' "$output" | sed -n 4p | jq -e '.reply.text | startswith("Hello there,")'
}

@test "fallback: refuse in the config does what --no-fallback does; allow is the default; another value is exit 2" {
	write_config <<-EOF
	templates:
	  - $T/templates
	fallback: refuse
	EOF
	run -1 --separate-stderr tkt-template render -t tracking "$T/records.jsonl"
	[ "${#stderr_lines[@]}" -eq 2 ]
	[ "${stderr_lines[1]}" = "tkt-template: $T/records.jsonl:3: ticket t3: no text in ja (template tracking has en, fr, fr-CA)" ]
	[ "$(printf '%s\n' "$output" | sed -n 3p | jq -r .reply.error)" = "no text in ja (template tracking has en, fr, fr-CA)" ]
	write_config <<-EOF
	templates:
	  - $T/templates
	fallback: allow
	EOF
	run -0 --separate-stderr tkt-template render -t tracking "$T/records.jsonl"
	[[ "$stderr" == *"1 in ja got en"* ]]
	write_config <<-EOF
	fallback: never
	EOF
	run -2 --separate-stderr tkt-template render -t tracking "$T/records.jsonl"
	[[ "$stderr" == "tkt-template: "*"config.yaml:1:11: fallback: 'never' is not allow or refuse" ]]
	[ -z "$output" ]
}

@test "reply.spans: each record value's field and place, in code points, in text order" {
	run -0 --separate-stderr tkt-template render -t tracking "$T/records.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out" | jq -c .reply.spans)" = '[{"field":"buyer.name","start":8,"end":20},{"field":"orders[].product_name","start":25,"end":39},{"field":"orders[].tracking_number","start":48,"end":55}]' ]
	# Each span, cut from the text by code points, is the value as written (escaped).
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out" | jq -r '.reply as $r | [$r.spans[] | $r.text[.start:.end]] | join("|")')" = 'Zoé \*Star\*|T_shirt \[XL\]|LP00_12' ]
	# Jürgen: non-ASCII before and inside a span.
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | jq -c .reply.spans)" = '[{"field":"buyer.name","start":6,"end":12}]' ]
	# Defaults and vars are the template's: no span.
	[ "$(sed -n 3p "$BATS_TEST_TMPDIR/out" | jq -c .reply.spans)" = '[]' ]
}

@test "reply.spans names orders by index and by section alike, objects in sections, numbers, and non-ASCII before" {
	cat >"$BATS_TEST_TMPDIR/s.yaml" <<-'EOF'
	name: s
	default_locale: en
	body:
	  en: "Ça {{orders.1.id}} {{#buyer}}{{name}}{{/buyer}} {{#orders}}[{{quantity}}/{{id}}]{{/orders}} {{#subject}}{{.}}{{/subject}} {{vars.x|d}}"
	EOF
	printf '{"id":"z","locale":"en","subject":"日本","buyer":{"name":"Zoë"},"orders":[{"id":"o1","quantity":2},{"id":"o2","quantity":3}]}\n' >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render -t "$BATS_TEST_TMPDIR/s.yaml" "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .reply.text)" = 'Ça o2 Zoë \[2/o1\]\[3/o2\] 日本 d' ] || [ "$(printf '%s\n' "$output" | jq -r .reply.text)" = 'Ça o2 Zoë [2/o1][3/o2] 日本 d' ]
	[ "$(printf '%s\n' "$output" | jq -c '[.reply.spans[] | [.field, .start, .end]]')" = '[["orders[].id",3,5],["buyer.name",6,9],["orders[].quantity",11,12],["orders[].id",13,15],["orders[].quantity",17,18],["orders[].id",19,21],["subject",23,25]]' ]
	[ "$(printf '%s\n' "$output" | jq -r '.reply as $r | [$r.spans[] | $r.text[.start:.end]] | join(" ")')" = "o2 Zoë 2 o1 3 o2 日本" ]
}

@test "the README's template examples and tkt-template(1)'s EXAMPLES run as written against the sandbox" {
	shipped
	export TKT_CONFIG=/dev/null
	local store="$BATS_TEST_TMPDIR/store.jsonl" ex n=0
	start_sandbox -d "$store" --seed 7 --tickets 60 --now "$TEST_NOW"
	stop_sandbox
	# The examples' ticket 5f3c0001: a tracking question.
	jq -c 'select(.sub_label == "Tracking Request")' "$store" | head -n 1 |
	    jq -c '.id = "5f3c0001" | .state = "AWAITING_MERCHANT"' >>"$store"
	# And a Finnish buyer, whose language no shipped template has: what
	# the --no-fallback example is there to find.
	jq -c 'select(.sub_label == "Tracking Request")' "$store" | head -n 1 |
	    jq -c '.id = "5f3c0002" | .state = "AWAITING_MERCHANT" |
	    .locale = "fi" | .buyer.locale = "fi"' >>"$store"
	start_sandbox -d "$store" --now "$TEST_NOW"
	{
		awk '/^<!-- template-examples:/ { want = 1; next }
		    want && /^```sh/ { on = 1; next }
		    on && /^```/ { exit }
		    on { sub(/  +#.*/, ""); print }' "$TKT_ROOT/README.md"
		sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$TKT_ROOT/man/tkt-template.1" |
		    sed -n 's/^\.Dl //p' | sed 's/\\(dq/"/g'
	} >"$BATS_TEST_TMPDIR/examples"
	grep -q 'render -t tracking-request -l fr' "$BATS_TEST_TMPDIR/examples"
	grep -q 'show tracking-request -l de' "$BATS_TEST_TMPDIR/examples"
	while IFS= read -r ex; do
		n=$((n + 1))
		run bash -c "set -o pipefail; $ex" </dev/null
		# render --auto exits 1 for the sandbox's tickets no template
		# fits or, with --no-fallback, in a language none has.
		[ "$status" -eq 0 ] || { [ "$status" -eq 1 ] && [[ "$ex" == *"render --auto"* ]]; } ||
		    { echo "failed ($status): $ex"; echo "$output"; return 1; }
		[ -n "$output" ] || { echo "printed nothing: $ex"; return 1; }
		[[ "$output" != *"no template named"* ]] || { echo "$ex: $output"; return 1; }
	done <"$BATS_TEST_TMPDIR/examples"
	[ "$n" -ge 8 ]
	run -0 --separate-stderr bash -c 'tkt-list 5f3c0001 | tkt-template render -t tracking-request -l fr'
	[ "$(printf '%s\n' "$output" | jq -r '[.reply.template, .reply.locale] | join(" ")')" = "tracking-request fr" ]
	[[ "$(printf '%s\n' "$output" | jq -r .reply.text)" == Bonjour* ]]
	run -0 tkt-template show tracking-request -l de
	[[ "$output" == *"Sendungsverfolgung"* || "$output" == *"Hallo"* || "$output" == *"Guten Tag"* ]]
}

@test "tkt-template(5)'s example template answers sandbox tickets with the sub-labels it names" {
	shipped
	local dir="$BATS_TEST_TMPDIR/mine"
	mkdir -p "$dir"
	awk '/^\.Sh DESCRIPTION/ { d = 1 } d && /^\.Bd -literal/ { on = 1; next }
	    on && /^\.Ed/ { exit } on { print }' "$TKT_ROOT/man/tkt-template.5" >"$dir/example.yaml"
	grep -q '^name: tracking-short$' "$dir/example.yaml"
	write_config <<-EOF
	templates:
	  - $dir
	EOF
	start_sandbox --seed 7 --tickets 200 --now "$TEST_NOW"
	tkt-list >"$BATS_TEST_TMPDIR/tickets"
	# Every sub-label the example names is one the sandbox's tickets have.
	for sl in $(sed -n 's/^  sub_label: \[\(.*\)\]$/\1/p' "$dir/example.yaml" | tr ',' '\n' | sed 's/^ *//' | tr ' ' '_'); do
		jq -se --arg s "${sl//_/ }" 'any(.[]; .sub_label == $s)' "$BATS_TEST_TMPDIR/tickets" >/dev/null ||
		    { echo "no ticket has sub_label $sl"; return 1; }
	done
	run --separate-stderr tkt-template render --auto "$BATS_TEST_TMPDIR/tickets"
	[ "$(printf '%s\n' "$output" | jq -r 'select(.reply.template == "tracking-short") | .id' | wc -l)" -ge 2 ]
}

@test "-l overrides the buyer's locale" {
	run -0 --separate-stderr tkt-template render -t tracking -l fr "$T/records.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -c '.reply|[.locale,.requested_locale,.fallback]')" = '["fr","fr",false]' ]
}

@test "a default stands in for a null value and vars are inserted as written" {
	run -0 --separate-stderr tkt-template render -t plain -D 'store=Shop_1 *best*' "$T/records.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 3p | jq -r .reply.text)" = "Thank you, dear customer. Store: Shop_1 *best*" ]
}

@test "store vars win over global vars, and -D over both" {
	run -0 --separate-stderr tkt-template render -t tracking -l en "$T/records.jsonl"
	[[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)" == *"The Main Street team"* ]]
	sed 's/"store":"main"/"store":"other"/' "$T/records.jsonl" >"$BATS_TEST_TMPDIR/in"
	run -0 --separate-stderr tkt-template render -t tracking -l en "$BATS_TEST_TMPDIR/in"
	[[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)" == *"Global team"* ]]
	run -0 --separate-stderr tkt-template render -t tracking -l en -D signature=Me "$T/records.jsonl"
	[[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)" == *$'\nMe' ]]
}

@test "a var with neither value nor default is a per-record error" {
	write_config <<-EOF
	templates:
	  - $T/templates
	EOF
	run -1 --separate-stderr tkt-template render -t plain "$T/records.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.error)" = "template plain, locale en: no value for {{vars.store}}" ]
	[[ "$stderr" == *"ticket t1: template plain, locale en: no value for {{vars.store}}"* ]]
}

@test "a reply over 2000 code points is an error for that record only" {
	long=$(printf 'é%.0s' $(seq 1 1990))
	{
		printf '{"id":"L1","subject":"%s","orders":[{"id":"a","product_name":"x"}],"locale":"en"}\n' "$long"
		printf '{"id":"L2","subject":"short","orders":[],"locale":"en"}\n'
	} >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render -t "$T/long.yaml" "$BATS_TEST_TMPDIR/in"
	[[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.error)" == "template long, locale en: the reply is 5982 characters, over the limit of 2000" ]]
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -r .reply.text)" = $'\nshort short short' ]
	[[ "$stderr" == *"ticket L1: template long, locale en: the reply is 5982 characters"* ]]
}

@test "every byte outside reply passes through unchanged" {
	run -0 --separate-stderr tkt-template render -t plain -D store=S "$T/records-pass.jsonl"
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/out"
	# Line 1 had no reply: the output is the input with reply appended.
	[ "$(sed -n 1p "$BATS_TEST_TMPDIR/out" | sed 's/,"reply":{[^}]*"spans":\[[^]]*\]}}$/}/')" = "$(sed -n 1p "$T/records-pass.jsonl")" ]
	# Line 2 had one: it is replaced where it stood.
	[ "$(sed -n 2p "$BATS_TEST_TMPDIR/out" | sed 's/"reply":{[^}]*"spans":\[[^]]*\]}/"reply":X/')" = "$(sed -n 2p "$T/records-pass.jsonl" | sed 's/"reply":{[^}]*}/"reply":X/')" ]
	grep -q '"price":6.69,' "$BATS_TEST_TMPDIR/out"
	grep -q 'caf\\u00e9 \\"q\\" \\/' "$BATS_TEST_TMPDIR/out"
	grep -q '"z_last":1e3' "$BATS_TEST_TMPDIR/out"
}

@test "a line that is not JSON is reported with its line number and the stream goes on" {
	printf '{"id":"a","locale":"en"}\nnot json\n{"id":"b","locale":"en"}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render -t plain -D store=S "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "a b " ]
	[[ "$stderr" == *"tkt-template: $BATS_TEST_TMPDIR/in:2: invalid JSON"* ]]
}

@test "a vertical tab or form feed between tokens is refused: JSON has no such whitespace, and jq reads every line out" {
	printf '{"id":"a","locale":"en"}\n{"id":"v",\v"locale":"en"}\n{"id":"f","locale":"en"\f}\n{"id":"b","locale":"en"}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render -t plain -D store=S "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "a b " ]
	[[ "$stderr" == *"in:2: invalid JSON at byte 11: a vertical tab between tokens (JSON whitespace is space, tab, CR and LF)"* ]]
	[[ "$stderr" == *"in:3: invalid JSON at byte 24: a form feed between tokens"* ]]
}

@test "a string that is not UTF-8 (overlong, surrogate, past U+10FFFF) is refused, though yajl takes it" {
	printf '{"id":"a","locale":"en"}\n{"id":"\xc0\xaf"}\n{"id":"\xed\xa0\x80"}\n{"id":"\xf4\x90\x80\x80"}\n{"id":"b","locale":"en"}\n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render -t plain -D store=S "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "a b " ]
	[[ "$stderr" == *"in:2: invalid JSON at byte 8: a string that is not UTF-8"* ]]
	[[ "$stderr" == *"in:3: invalid JSON at byte 8: a string that is not UTF-8"* ]]
	[[ "$stderr" == *"in:4: invalid JSON at byte 8: a string that is not UTF-8"* ]]
}

@test "a string left open after the object is trailing garbage, not the end of the line" {
	printf '{"id":"a","locale":"en"}\n{"id":"g","locale":"en"} "x}\n{"id":"b","locale":"en"} \n' >"$BATS_TEST_TMPDIR/in"
	run -1 --separate-stderr tkt-template render -t plain -D store=S "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .id | tr '\n' ' ')" = "a b " ]
	[[ "$stderr" == *"in:2: invalid JSON at byte 26: trailing garbage after the object"* ]]
}

@test "a broken template in the search path stops render with file:line:col and exit 2" {
	write_config <<-EOF
	templates:
	  - $T/bad
	EOF
	run -2 --separate-stderr tkt-template render --auto </dev/null
	[[ "$stderr" == *"tkt-template: $T/bad/keys.yaml:2:17: default_locale 'de' has no text in body (tkt-template lint says more)"* ]]
	[ -z "$output" ]
}

@test "-t takes a template file by path" {
	run -0 --separate-stderr tkt-template render -t "$T/templates/30-byname.yaml" -D store=S "$T/records-pass.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)" = "Thank you, Ann. Store: S" ]
}

@test "a name found twice in the search path: the first directory wins" {
	mkdir -p "$BATS_TEST_TMPDIR/first"
	printf 'name: plain\ndefault_locale: en\nbody:\n  en: "First {{buyer.name|x}}"\n' >"$BATS_TEST_TMPDIR/first/p.yaml"
	write_config <<-EOF
	templates:
	  - $BATS_TEST_TMPDIR/first
	  - $T/templates
	EOF
	run -0 --separate-stderr tkt-template render -t plain "$T/records-pass.jsonl"
	[ "$(printf '%s\n' "$output" | sed -n 1p | jq -r .reply.text)" = "First Ann" ]
}

# --- list and show -----------------------------------------------------------

@test "list prints one JSON line per template in search-path order" {
	run -0 --separate-stderr tkt-template list
	[ "$(printf '%s\n' "$output" | jq -r .name | tr '\n' ' ')" = "tracking refund plain " ]
	[ "$(printf '%s\n' "$output" | jq -c '[.name, .locales, .languages]' | tr '\n' ' ')" = '["tracking",["en","fr","fr-CA"],["en","fr"]] ["refund",["en","de"],["en","de"]] ["plain",["en"],["en"]] ' ]
	[ "$(printf '%s\n' "$output" | sed -n 2p | jq -c .match)" = '{"type":["ORDER"],"locale":["de","en"]}' ]
	[ "$(printf '%s\n' "$output" | sed -n 3p | jq -c '[.match,.locales]')" = '[null,["en"]]' ]
}

@test "list --table prints a header and one row per template" {
	run -0 tkt-template list --table
	[[ "${lines[0]}" == NAME*AUTO*DEF*LANGUAGES*LOCALES*DESCRIPTION ]]
	[[ "${lines[1]}" == "tracking "*" yes "*" en "*" en,fr "*" en,fr,fr-CA "*"Tracking numbers for each order" ]]
	[[ "${lines[2]}" == "refund "*" yes "*" en "*" en,de "*" en,de "*"Refund issued" ]]
}

@test "show NAME prints the template file" {
	run -0 tkt-template show refund
	[ "$output" = "$(cat "$T/templates/20-refund.yaml")" ]
}

@test "show NAME -l picks the text by the locale chain and says when it falls back" {
	run -0 --separate-stderr tkt-template show tracking -l fr-CA
	[[ "$output" == *"Salutations,"* ]]
	[ -z "$stderr" ]
	run -0 --separate-stderr tkt-template show tracking -l es
	[[ "$output" == "Hello {{buyer.name|there}},"* ]]
	[ "$stderr" = "tkt-template: tracking has no text for es; showing en" ]
}

@test "-l and --require-locales take language tags; anything else exits 2 with the option named" {
	local bad want="is not a language tag (letters and digits in parts joined by '-' or '_', at most 35 characters: de, pt-BR, zh-Hant)"
	for bad in 'not a locale!' 'f r' '' 1fr fr- fr--CA toolongpart 'fr;q=1' $'fr\nX'; do
		run -2 --separate-stderr tkt-template render -t tracking -l "$bad" "$T/records.jsonl"
		[ -z "$output" ]
		[ "$stderr" = "tkt-template: -l: '${bad//$'\n'/\\012}' $want" ] ||
		    { echo "render -l '$bad': $stderr"; return 1; }
		run -2 --separate-stderr tkt-template render -t tracking --locale="$bad" "$T/records.jsonl"
		[ "$stderr" = "tkt-template: -l: '${bad//$'\n'/\\012}' $want" ]
		run -2 --separate-stderr tkt-template show tracking -l "$bad"
		[ -z "$output" ]
		[ "$stderr" = "tkt-template: -l: '${bad//$'\n'/\\012}' $want" ]
		# "en," is en: a list's empty member is none.
		[ -n "$bad" ] || continue
		run -2 --separate-stderr tkt-template lint --require-locales "en,$bad" "$T/templates/20-refund.yaml"
		[ -z "$output" ]
		[ "$stderr" = "tkt-template: --require-locales: '${bad//$'\n'/\\012}' $want" ] ||
		    { echo "--require-locales 'en,$bad': $stderr"; return 1; }
	done
	run -2 --separate-stderr tkt-template lint --require-locales , "$T/templates/20-refund.yaml"
	[ "$stderr" = "tkt-template: --require-locales: ',' $want" ]
	# A tag with '_' is one; its language picks the text.
	run -0 tkt-template show tracking -l fr_CA
	[[ "$output" == "Bonjour "* ]]
	run -0 tkt-template render -t tracking -l zh-Hant-TW "$T/records.jsonl"
}

@test "list: of --json and --table, the last one given wins" {
	run -0 tkt-template list --table --json
	printf '%s\n' "$output" | jq -e -s 'length == 3 and all(.[]; .name)'
	run -0 tkt-template list --json --table
	[[ "${lines[0]}" == NAME*AUTO* ]]
}

@test "show an unknown template exits 2" {
	run -2 tkt-template show nosuch
	[[ "$output" == *"no template named 'nosuch'"* ]]
}

# --- lint: syntax and structure ----------------------------------------------

@test "lint reports a YAML error at file:line:col" {
	run -1 tkt-template lint "$T/bad/yaml.yaml"
	[[ "$output" == "$T/bad/yaml.yaml:6:4: error: syntax: did not find expected key"* ]]
}

@test "a YAML error at the end of a file without a final newline is on its last line" {
	printf 'name: x\nfoo' >"$BATS_TEST_TMPDIR/eof.yaml"
	run -1 tkt-template lint "$BATS_TEST_TMPDIR/eof.yaml"
	[ "$output" = "$BATS_TEST_TMPDIR/eof.yaml:2:4: error: syntax: could not find expected ':'" ]
}

@test "a finding that quotes a line break or a control character stays on one line" {
	printf 'name: "two\\nlines\\a"\ndefault_locale: en\nbody:\n  en: Hello\n' >"$BATS_TEST_TMPDIR/nl.yaml"
	run -1 tkt-template lint "$BATS_TEST_TMPDIR/nl.yaml"
	[ "${#lines[@]}" -eq 1 ]
	[ "$output" = "$BATS_TEST_TMPDIR/nl.yaml:1:7: error: syntax: name: 'two\\012lines\\007': use letters, digits, '-' and '_'" ]
	# JSON carries the message as it is.
	run -1 tkt-template lint --json "$BATS_TEST_TMPDIR/nl.yaml"
	[ "$(jq -r .message <<<"$output")" = $'name: \'two\nlines\a\': use letters, digits, \'-\' and \'_\'' ]
}

@test "lint reports an unclosed section and a stray end tag at their positions" {
	run -1 tkt-template lint "$T/bad/unclosed.yaml"
	[ "${lines[0]}" = "$T/bad/unclosed.yaml:6:5: error: syntax: '{{#orders}}' is not closed" ]
	[ "${lines[1]}" = "$T/bad/unclosed.yaml:9:13: error: syntax: '{{/orders}}' closes no section" ]
}

@test "lint reports unknown keys, a default_locale without text and triple mustaches" {
	run -1 tkt-template lint "$T/bad/keys.yaml"
	[ "${lines[0]}" = "$T/bad/keys.yaml:2:17: error: syntax: default_locale 'de' has no text in body" ]
	[ "${lines[1]}" = "$T/bad/keys.yaml:3:1: error: syntax: unknown key 'mtach'" ]
	[[ "${lines[2]}" == "$T/bad/keys.yaml:6:11: error: syntax: '{{{' is not supported"* ]]
}

@test "lint of a file that cannot be read exits 2" {
	run -2 tkt-template lint "$BATS_TEST_TMPDIR/none.yaml"
	[[ "$output" == *"none.yaml: No such file or directory"* ]]
}

@test "lint without files is a usage error" {
	run -2 tkt-template lint
	[[ "$output" == *"lint: name the template files to check"* ]]
}

# many_tags FILE TAG PER-LINE LINES: a template of LINES lines of PER-LINE
# copies of TAG each.
many_tags() {
	awk -v tag="$2" -v per="$3" -v n="$4" 'BEGIN {
		print "name: many"; print "default_locale: en"; print "body:"
		print "  en: |"
		for (i = 0; i < n; i++) {
			l = "    "
			for (j = 0; j < per; j++)
				l = l tag
			print l
		}
	}' >"$1"
}

@test "a template of 60,000 tags loads, lints and renders in a few seconds" {
	# 360 KB: positions are looked up in an index, not counted from the start.
	many_tags "$BATS_TEST_TMPDIR/many.yaml" '{{x}} ' 10 6000
	run -1 timeout 10 tkt-template lint "$BATS_TEST_TMPDIR/many.yaml"
	[ "${#lines[@]}" -eq 60000 ]
	[ "${lines[59999]}" = "$BATS_TEST_TMPDIR/many.yaml:6004:59: error: unknown-field: {{x}}: no such field in a record (see tkt-record(5))" ]
	# One line of 60,000 tags: columns are counted in code points.
	many_tags "$BATS_TEST_TMPDIR/line.yaml" '{{^id}}é{{/id}}' 30000 1
	printf '    Hello {{buyer.name}}\n' >>"$BATS_TEST_TMPDIR/line.yaml"
	printf '{"id":"t1","locale":"en","buyer":{"name":"Ann"}}\n' >"$BATS_TEST_TMPDIR/rec"
	run -0 --separate-stderr timeout 10 tkt-template render -t "$BATS_TEST_TMPDIR/line.yaml" "$BATS_TEST_TMPDIR/rec"
	[ "$(printf '%s\n' "$output" | jq -c .reply.text)" = '"\nHello Ann\n"' ]
	[ -z "$stderr" ]
	printf '    {{/x}}\n' >>"$BATS_TEST_TMPDIR/line.yaml"
	run -2 --separate-stderr timeout 10 tkt-template render -t "$BATS_TEST_TMPDIR/line.yaml" "$BATS_TEST_TMPDIR/rec"
	[ "$stderr" = "tkt-template: $BATS_TEST_TMPDIR/line.yaml:7:5: '{{/x}}' closes no section (tkt-template lint says more)" ]
	[ -z "$output" ]
}

# nest FILE N: a one-line template of N sections, each in the one before
# ({{^vars.w}} and {{#vars.v}} in turn), around "ok".
nest() {
	awk -v n="$2" 'BEGIN {
		print "name: deep"; print "default_locale: en"; print "body:"
		# Piece by piece: a string grown by concatenation is quadratic.
		printf "  en: \""
		for (i = 0; i < n; i++)
			printf "%s", (i % 2 ? "{{#vars.v}}" : "{{^vars.w}}")
		printf "ok"
		for (i = n - 1; i >= 0; i--)
			printf "%s", (i % 2 ? "{{/vars.v}}" : "{{/vars.w}}")
		print "\""
	}' >"$1"
}

@test "sections nest 64 deep at most: lint and render refuse a 65th at its position" {
	printf '{"id":"t1","locale":"en"}\n' >"$BATS_TEST_TMPDIR/rec"
	nest "$BATS_TEST_TMPDIR/d64.yaml" 64
	run -0 tkt-template lint "$BATS_TEST_TMPDIR/d64.yaml"
	[ -z "$output" ]
	run -0 --separate-stderr tkt-template render -D v=1 -t "$BATS_TEST_TMPDIR/d64.yaml" "$BATS_TEST_TMPDIR/rec"
	[ "$(printf '%s\n' "$output" | jq -r .reply.text)" = ok ]
	nest "$BATS_TEST_TMPDIR/d65.yaml" 65
	run -1 tkt-template lint "$BATS_TEST_TMPDIR/d65.yaml"
	[ "$output" = "$BATS_TEST_TMPDIR/d65.yaml:4:712: error: syntax: '{{^vars.w}}': sections nested more than 64 deep" ]
	run -2 --separate-stderr tkt-template render -D v=1 -t "$BATS_TEST_TMPDIR/d65.yaml" "$BATS_TEST_TMPDIR/rec"
	[ "$stderr" = "tkt-template: $BATS_TEST_TMPDIR/d65.yaml:4:712: '{{^vars.w}}': sections nested more than 64 deep (tkt-template lint says more)" ]
	[ -z "$output" ]
	# Far deeper: refused at once, without recursing.
	nest "$BATS_TEST_TMPDIR/deep.yaml" 100000
	run -2 --separate-stderr timeout 10 tkt-template render -D v=1 -t "$BATS_TEST_TMPDIR/deep.yaml" "$BATS_TEST_TMPDIR/rec"
	[[ "$stderr" == *"deep.yaml:4:712: '{{^vars.w}}': sections nested more than 64 deep"* ]]
}

@test "lint of a clean template prints nothing and exits 0" {
	run -0 tkt-template lint "$T/templates/10-tracking.yaml" "$T/templates/30-byname.yaml"
	[ -z "$output" ]
}

# --- lint: each rule fires, and its near miss does not -----------------------

@test "unknown-field fires on a misspelt field, not on a field inside its section" {
	lint_one en 'Hi {{buyer.nmae|x}}'
	[ "$status" -eq 1 ]
	[[ "$output" == *"one.yaml:5:8: error: unknown-field: {{buyer.nmae}}: no such field in a record"* ]]
	lint_one fr '{{#orders}}{{product_name|article}} {{id}} {{subject}}{{/orders}}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "nullable-field fires without default or guard; a default or a guard is a near miss" {
	lint_one de 'Hallo {{buyer.name}}'
	[ "$status" -eq 1 ]
	[[ "$output" == *"one.yaml:5:11: error: nullable-field: {{buyer.name}} may be null"* ]]
	lint_one de 'Hallo {{buyer.name|Kunde}} {{#buyer.name}}{{buyer.name}}{{/buyer.name}}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lint_one es '{{#orders}}{{tracking_number}}{{/orders}}'
	[[ "$output" == *"nullable-field: {{tracking_number}} may be null"* ]]
	lint_one es '{{#orders}}{{#tracking_number}}{{tracking_number}}{{/tracking_number}}{{/orders}}'
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "scaffolding fires on draft leftovers in several languages" {
	for text in 'Dear [Buyer First Name],' 'Hola [xxx],' 'Ref XXX' 'TODO: translate' 'Bonjour {name}' 'Hallo %s'; do
		lint_one en "$text"
		[ "$status" -eq 1 ]
		[[ "$output" == *"error: scaffolding: leftover scaffolding"* ]] || { echo "did not fire: $text"; false; }
	done
}

@test "scaffolding near misses: sizes, Spanish 'todo', percentages, one-letter brackets" {
	for text in 'Talla XXXL disponible.' 'Todo está bien, gracias.' 'Lo tenemos todo.' 'Remise de 10 % sur tout.' '100% Baumwolle, Größe [M].' 'Hi {{buyer.name|there}}'; do
		lint_one es "$text"
		[ "$status" -eq 0 ] || { echo "fired: $text: $output"; false; }
	done
}

@test "policy rules fire in en, fr and de with the list and line that matched" {
	lint_one en 'Could you please update your review?'
	[[ "$output" == *"one.yaml:5:22: error: review-policy: asks the buyer to change, remove or improve a review: \"update your review\" (lint/en:2)"* ]]
	lint_one fr 'Pourriez-vous MODIFIER votre avis ?'
	[[ "$output" == *"error: review-policy:"*'"MODIFIER votre avis" (lint/fr:1)'* ]]
	lint_one de 'Bitte Bewertung ändern.'
	[[ "$output" == *"error: review-policy:"*'"Bewertung ändern" (lint/de:1)'* ]]
	lint_one en 'We give a coupon for a 5-star rating.'
	[[ "$output" == *"error: review-incentive:"* ]]
	lint_one fr 'Écrivez-nous sur WhatsApp.'
	[[ "$output" == *"error: off-marketplace:"*"(lint/any:2)"* ]]
	lint_one fr 'Envoyez le numéro de carte.'
	[[ "$output" == *"error: payment-request:"*'"numéro de carte"'* ]]
}

@test "policy near misses in en, fr and de do not fire" {
	for pair in 'en|We read every review and keep improving.' 'fr|Votre avis nous aide, merci.' 'de|Ihre Bewertung ist uns wichtig.' 'en|Your refund is on its way.'; do
		lint_one "${pair%%|*}" "${pair#*|}"
		[ "$status" -eq 0 ] || { echo "fired: $pair: $output"; false; }
	done
}

@test "a variant is checked with its own language's list plus any, not another language's" {
	lint_one en 'Bitte Bewertung ändern.'
	[ "$status" -eq 0 ]
	lint_one de 'mail me at a@b.example'
	[[ "$output" == *"off-marketplace"*"(lint/any:1)"* ]]
}

@test "length fires when worst-case values pass 2000 code points, not below" {
	run -1 tkt-template lint "$T/long.yaml"
	[ "$output" = "$T/long.yaml:4:3: error: length: renders to 2266 characters with worst-case values (over 2000)" ]
	lint_one en '{{subject}} {{subject}}'
	[ "$status" -eq 0 ]
}

@test "missing-locale fires for a required locale without text; fr satisfies fr-CA" {
	lint_one en 'Hi' --require-locales en,de
	[ "$status" -eq 1 ]
	[[ "$output" == *"one.yaml:3:1: error: missing-locale: no text for required locale de"* ]]
	printf 'name: f\ndefault_locale: en\nbody:\n  en: "Hi"\n  fr: "Salut"\n' >"$BATS_TEST_TMPDIR/f.yaml"
	run -0 tkt-template lint --require-locales en,fr-CA --strict "$BATS_TEST_TMPDIR/f.yaml"
	[ -z "$output" ]
	run -1 tkt-template lint --require-locales fr-CA "$T/templates/20-refund.yaml"
	[[ "$output" == *"missing-locale: no text for required locale fr-CA"* ]]
}

@test "required locales default to the config's" {
	write_config <<-EOF
	required_locales: [en, it]
	EOF
	run -1 tkt-template lint "$T/templates/30-byname.yaml"
	[[ "$output" == *"missing-locale: no text for required locale it"* ]]
	run -0 tkt-template lint --require-locales en "$T/templates/30-byname.yaml"
}

@test "placeholder-mismatch fires when a variant's placeholders differ; a different default is a near miss" {
	printf 'name: m\ndefault_locale: en\nbody:\n  en: "Hi {{buyer.name|there}} {{orders.0.id}}"\n  it: "Ciao {{buyer.name|a te}}"\n  es: "Hola {{buyer.name|amigo}} {{orders.0.id}}"\n' >"$BATS_TEST_TMPDIR/m.yaml"
	run -1 tkt-template lint "$BATS_TEST_TMPDIR/m.yaml"
	[ "$output" = "$BATS_TEST_TMPDIR/m.yaml:5:3: error: placeholder-mismatch: placeholders differ from default_locale en: no {{orders[].id}}" ]
}

@test "empty-default is a warning: exit 0, exit 1 with --strict" {
	lint_one it 'Ciao {{buyer.name|}}'
	[ "$status" -eq 0 ]
	[[ "$output" == *"one.yaml:5:10: warning: empty-default: {{buyer.name|}} has an empty default"* ]]
	lint_one it 'Ciao {{buyer.name|}}' --strict
	[ "$status" -eq 1 ]
	lint_one it 'Ciao {{buyer.name|amico}}' --strict
	[ "$status" -eq 0 ]
}

@test "lint --json prints one object per finding with every field" {
	lint_one fr 'Bonjour {{buyer.name|}}' --json
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "$output" | jq -c '[(.file|test("one.yaml$")), .line, .col, .severity, .rule, .locale]')" = '[true,5,13,"warning","empty-default","fr"]' ]
	[[ "$(printf '%s\n' "$output" | jq -r .message)" == "{{buyer.name|}} has an empty default"* ]]
}

@test "folding: case, accents, typographic apostrophes and line breaks do not hide a phrase" {
	lint_one fr $'Merci de\n   SUPPRIMER   votre\névaluation.'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:6:8: error: review-policy: asks the buyer to change, remove or improve a review: \"SUPPRIMER votre évaluation\" (lint/fr:1)" ]
	lint_one fr 'Vous pouvez modifier votre ÉVALUATION ici.'
	[[ "$output" == *"review-policy"* ]]
}

# --- lint: every finding; the shipped word lists in ten languages --------------

@test "lint reports every match: two e-mail addresses are two findings at their own columns" {
	lint_one en 'Mail a@b.com or c@d.com today.'
	[ "$status" -eq 1 ]
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:10: error: off-marketplace: sends the buyer off the marketplace: \"a@b.com\" (lint/any:1)
$BATS_TEST_TMPDIR/one.yaml:5:21: error: off-marketplace: sends the buyer off the marketplace: \"c@d.com\" (lint/any:1)" ]
	# On two lines of the text, each on its own line of the file.
	lint_one en $'Write to anna@example.org\nor to bob@example.net.'
	[ "$(printf '%s\n' "$output" | cut -d: -f2-3 | tr '\n' ' ')" = "5:14 6:11 " ]
}

@test "lint --json prints one object per finding, every match of every rule" {
	shipped
	lint_one en 'Mail a@b.com or c@d.com, or call +31 6 12345678. Your card number too.' --json
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | wc -l)" -eq 4 ]
	[ "$(printf '%s\n' "$output" | jq -sc 'map([.line, .col, .rule])')" = '[[5,10,"off-marketplace"],[5,21,"off-marketplace"],[5,38,"off-marketplace"],[5,59,"payment-request"]]' ]
	[ "$(printf '%s\n' "$output" | jq -r .message | sed -n 2p)" = 'sends the buyer off the marketplace: "c@d.com" (lint/any:17)' ]
}

@test "matches of one rule at one place are one finding, whichever lines of the lists they come from" {
	shipped
	# The address is matched by the e-mail line, the bare-domain line and
	# the free-mail line of any.
	lint_one en 'Reply to anna@gmail.com'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:14: error: off-marketplace: sends the buyer off the marketplace: \"anna@gmail.com\" (lint/any:17)" ]
	# "www." and ".nl" of one link are one finding too.
	lint_one nl 'Zie www.winkel.nl voor meer.'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:9: error: off-marketplace: sends the buyer off the marketplace: \"www.winkel.nl\" (lint/any:11)" ]
	# Different rules at one place are each a finding.
	lint_one ja '高評価をいただければ、全額返金いたします。'
	[ "$(printf '%s\n' "$output" | grep -c 'review-policy')" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -c 'review-incentive')" -eq 1 ]
}

@test "policy rules fire in nl, pt, pl, sv and ja with the list and line that matched" {
	shipped
	lint_one nl 'Kunt u uw beoordeling alstublieft aanpassen?'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:12: error: review-policy: asks the buyer to change, remove or improve a review: \"uw beoordeling alstublieft aanpassen\" (lint/nl:11)" ]
	lint_one pt 'Fale conosco pelo WhatsApp.'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:5: error: off-marketplace: sends the buyer off the marketplace: \"Fale conosco pelo WhatsApp\" (lint/pt:31)" ]
	lint_one pl 'Proszę dopłacić różnicę BLIKiem.'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:12: error: payment-request: asks for payment details: \"dopłacić różnicę\" (lint/pl:42)
$BATS_TEST_TMPDIR/one.yaml:5:29: error: payment-request: asks for payment details: \"BLIKiem\" (lint/pl:41)" ]
	lint_one sv 'Betala mellanskillnaden via Swish.'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:5: error: payment-request: asks for payment details: \"Betala mellanskillnaden\" (lint/sv:40)
$BATS_TEST_TMPDIR/one.yaml:5:33: error: payment-request: asks for payment details: \"Swish\" (lint/any:59)" ]
	# Japanese: no word boundaries; full-width letters and digits are
	# folded to ASCII, columns count characters.
	lint_one ja 'ＬＩＮＥでご連絡ください。０９０－１２３４－５６７８'
	[ "$output" = "$BATS_TEST_TMPDIR/one.yaml:5:5: error: off-marketplace: sends the buyer off the marketplace: \"ＬＩＮＥでご連絡\" (lint/ja:35)
$BATS_TEST_TMPDIR/one.yaml:5:18: error: off-marketplace: sends the buyer off the marketplace: \"０９０－１２３４－５６７８\" (lint/any:37)" ]
}

@test "each rule fires in each of nl, pt, pl, sv and ja" {
	shipped
	local bad=0 case lang rule text
	while IFS='|' read -r lang rule text; do
		[ -n "$lang" ] || continue
		lint_one "$lang" "$text"
		[[ "$status" -eq 1 && "$output" == *": error: $rule: "* ]] ||
		    { echo "did not fire: $lang $rule: $text: $output"; bad=1; }
	done <<-'EOF'
	nl|review-policy|Wilt u de negatieve review verwijderen?
	nl|review-policy|Geef ons 5 sterren!
	nl|review-incentive|U krijgt een korting van 20% voor een positieve review.
	nl|off-marketplace|Bel 06-12345678.
	nl|off-marketplace|Stuur ons een e-mail met de foto's.
	nl|off-marketplace|Mijn nummer: +31 6 12345678
	nl|payment-request|Maak het bedrag over via een Tikkie.
	nl|payment-request|Rekening NL91ABNA0417164300.
	pt|review-policy|Poderia alterar a sua avaliação, por favor?
	pt|review-policy|Deixe-nos uma avaliação de 5 estrelas!
	pt|review-incentive|Oferecemos um cupom de desconto em troca de uma avaliação positiva.
	pt|off-marketplace|Ligue para 912 345 678.
	pt|off-marketplace|Chama no zap: (11) 91234-5678
	pt|off-marketplace|O nosso número de telefone é +351 912 345 678.
	pt|off-marketplace|Meu WhatsApp: +55 11 91234-5678
	pt|payment-request|Pague a diferença por transferência bancária.
	pt|payment-request|Pode pagar por MB Way.
	pt|payment-request|Envie por Pix, chave pix 123.
	pl|review-policy|Czy mogłaby Pani zmienić swoją opinię?
	pl|review-policy|Prosimy o pozytywną ocenę.
	pl|review-incentive|Otrzyma Pan rabat 20% za zmianę opinii.
	pl|off-marketplace|Proszę zadzwonić pod numer 512 345 678.
	pl|off-marketplace|Tel. +48 512 345 678
	pl|off-marketplace|Możemy to załatwić poza Wish.
	pl|payment-request|Prosimy o przelew na nasze konto.
	pl|payment-request|Konto PL61109010140000071219812874.
	sv|review-policy|Kan du ändra ditt omdöme på Wish?
	sv|review-policy|Ge oss 5 stjärnor!
	sv|review-incentive|Du får 20 % rabatt om du ändrar ditt omdöme.
	sv|off-marketplace|Ring 070-123 45 67.
	sv|off-marketplace|Vårt nummer: +46 70 123 45 67
	sv|off-marketplace|Skicka oss ett mejl så löser vi det.
	sv|payment-request|Betala via Swish.
	sv|payment-request|Gör en banköverföring till vårt konto.
	ja|review-policy|評価を変更していただけますでしょうか。
	ja|review-policy|ぜひ５つ星のレビューをお願いします。
	ja|review-incentive|レビューを書いていただいた方に10%割引クーポンをプレゼントします。
	ja|off-marketplace|LINEでご連絡ください。
	ja|off-marketplace|LINE ID: shop123
	ja|off-marketplace|090-1234-5678までお電話ください。
	ja|off-marketplace|電話：03-1234-5678
	ja|off-marketplace|電話：+81 3-1234-5678
	ja|off-marketplace|お問い合わせはshop＠example.comまで。
	ja|off-marketplace|カカオトークでご連絡ください。
	ja|payment-request|差額を銀行振込でお支払いください。
	ja|payment-request|こちらの口座番号にお振込みください。
	EOF
	[ "$bad" = 0 ]
}

@test "near misses in nl, pt, pl, sv and ja stay clean" {
	shipped
	local bad=0 lang text
	while IFS='|' read -r lang text; do
		[ -n "$lang" ] || continue
		lint_one "$lang" "$text"
		[ "$status" -eq 0 ] || { echo "fired: $lang: $text: $output"; bad=1; }
	done <<-'EOF'
	nl|Wij zullen uw verzoek beoordelen en komen er in dit ticket op terug.
	nl|Na beoordeling van de foto's wijzigen wij het adres.
	nl|Uw claim is in beoordeling; we laten u snel iets weten.
	nl|Neem gerust contact met ons op via dit ticket.
	pt|Vamos avaliar o seu pedido e responder neste ticket.
	pt|Após avaliação das fotos, vamos alterar o endereço.
	pt|Corrigimos a nota fiscal do seu pedido.
	pt|Entre em contato conosco por aqui, neste ticket.
	pl|Po ocenie zgłoszenia zmienimy adres dostawy.
	pl|Musimy ocenić stan produktu na podstawie zdjęć.
	pl|Po pozytywnej ocenie reklamacji zwrot pieniędzy nastąpi przez Wish.
	pl|W naszej opinii należy zmienić rozmiar na większy.
	sv|Vi granskar ditt ärende och återkommer i den här tråden.
	sv|Vi kommer att granska bilderna och ändra adressen.
	sv|De andra betygen för produkten är bra.
	sv|Fri frakt för över 300 kr.
	ja|ご注文内容を確認いたしました。
	ja|評価の結果、交換させていただきます。
	ja|生産ラインで検品を行っております。
	ja|ご不明な点がございましたら、このチケットでお問い合わせください。
	ja|返金は元のお支払い方法に反映されます。
	de|Nach Prüfung der Fotos teilen wir Ihnen die Lösung mit.
	EOF
	[ "$bad" = 0 ]
}

@test "tracking numbers, order ids, prices, dates, totals and SKUs raise no alarm in any of the ten languages" {
	shipped
	local bad=0 lang words
	while IFS='|' read -r lang words; do
		[ -n "$lang" ] || continue
		# One line per kind of number, each after the language's words for it.
		set -- $words
		lint_one "$lang" "$1 LX123456789CN, 1Z999AA10123456784, 9400111899223397846651.
$2 5f3c1a2b3c4d5e6f7a8b9c0d.
$3 € 12,99 / 12.99 USD / 1 299,00 zł / ¥1,280 / R\$ 59,90.
$4 2026-11-23, 23.11.2026, 23/11/2026, 2026年11月23日.
$5 € 1.249,95 (1 249,95 zł, ¥12,800).
$6 SKU-12345-XL, ABC-123-456."
		[ "$status" -eq 0 ] || { echo "fired: $lang: $output"; bad=1; }
	done <<-'EOF'
	en|Tracking: Order Price: Shipped: Total: Item:
	fr|Suivi : Commande Prix : Expédié : Total : Article :
	de|Sendungsnummer: Bestellung Preis: Versendet: Gesamtbetrag: Artikel:
	es|Seguimiento: Pedido Precio: Enviado: Total: Artículo:
	it|Tracciamento: Ordine Prezzo: Spedito: Totale: Articolo:
	nl|Trackingnummer: Bestelling Prijs: Verzonden: Totaal: Artikel:
	pt|Rastreio: Pedido Preço: Enviado: Total: Artigo:
	pl|Przesyłka: Zamówienie Cena: Wysłano: Razem: Produkt:
	sv|Spårning: Order Pris: Skickad: Summa: Artikel:
	ja|追跡番号： 注文番号 価格： 発送日： 合計： 商品番号：
	EOF
	[ "$bad" = 0 ]
}

# --- the README's CI recipe ----------------------------------------------------

@test "the README's CI recipe passes clean templates and fails on a finding" {
	recipe="$BATS_TEST_TMPDIR/repo/ci/lint-templates.sh"
	mkdir -p "$BATS_TEST_TMPDIR/repo/ci" "$BATS_TEST_TMPDIR/repo/templates"
	awk '/<!-- ci-recipe/ { on = 1; next } on && /^```sh/ { inb = 1; next }
	    inb && /^```/ { exit } inb' "$TKT_ROOT/README.md" >"$recipe"
	grep -q 'tkt-template lint --strict' "$recipe"
	for loc in en fr de es it; do
		printf '  %s: "Thank you, {{buyer.name|%s}}."\n' "$loc" "$loc"
	done | { printf 'name: thanks\ndefault_locale: en\nbody:\n'; cat; } \
	    >"$BATS_TEST_TMPDIR/repo/templates/thanks.yaml"
	cd "$BATS_TEST_TMPDIR/repo"
	run -0 sh ci/lint-templates.sh
	[ "$output" = "templates: all clean" ]
	printf 'name: draft\ndefault_locale: en\nbody:\n  en: "Hi {{buyer.name|}}"\n' >templates/draft.yaml
	run -1 sh ci/lint-templates.sh
	[[ "$output" == *"templates/draft.yaml:4:11: warning: empty-default:"* ]]
	[[ "$output" == *"templates/draft.yaml:3:1: error: missing-locale: no text for required locale fr"* ]]
	[[ "$output" != *"all clean"* ]]
}

# --- the shipped library ---------------------------------------------------------

shipped() {
	export TKT_DATADIR="$TKT_ROOT/share/tkt"
	ls "$TKT_DATADIR"/templates/*.yaml >/dev/null
}

@test "the shipped library has at least 15 templates, each in the ten languages" {
	shipped
	export TKT_CONFIG=/dev/null
	run -0 --separate-stderr tkt-template list --json
	[ "$(printf '%s\n' "$output" | wc -l)" -ge 15 ]
	[ "$(printf '%s\n' "$output" | jq -c 'select(.locales | (["en","fr","de","es","it","nl","pt","pl","sv","ja"] - .) != []) | .name')" = "" ]
}

@test "every shipped template passes lint --strict with the ten languages required" {
	shipped
	run -0 tkt-template lint --strict --require-locales en,fr,de,es,it,nl,pt,pl,sv,ja "$TKT_DATADIR"/templates/*.yaml
	[ -z "$output" ]
}

@test "every shipped template and locale renders its golden text" {
	shipped
	export TKT_CONFIG=/dev/null
	local g="$T/golden" n=0
	for f in "$TKT_DATADIR"/templates/*.yaml; do
		name=$(tkt-template list --json | jq -r --arg p "$f" 'select(.path == $p) | .name')
		[ -n "$name" ] || { echo "not listed: $f"; return 1; }
		for loc in $(tkt-template list --json | jq -r --arg n "$name" 'select(.name == $n) | .locales[]'); do
			[ -f "$g/$name.$loc.txt" ] || { echo "no golden $name.$loc.txt (regen.sh)"; return 1; }
			tkt-template render -t "$f" -l "$loc" "$g/record.jsonl" | jq -j .reply.text >"$BATS_TEST_TMPDIR/got"
			diff -u "$g/$name.$loc.txt" "$BATS_TEST_TMPDIR/got" || { echo "golden differs: $name.$loc"; return 1; }
			n=$((n + 1))
		done
	done
	[ "$n" -ge 5 ]
}

@test "the shipped match rules answer the sandbox's kinds of tickets" {
	shipped
	export TKT_CONFIG=/dev/null
	# The golden record (an ORDER ticket about an item not received) must
	# find a template by itself.
	run -0 --separate-stderr tkt-template render --auto "$T/golden/record.jsonl"
	[ "$(printf '%s\n' "$output" | jq -r '.reply.template != null and .reply.text != null')" = true ]
}

# wordlist_case KIND: lints every sentence of the LANG.KIND fixtures with the
# shipped word lists, one template per sentence, and prints one line per
# sentence: "LANG RULE-EXPECTED RULES-FOUND SENTENCE".
wordlist_case() {
	local kind=$1 dir="$BATS_TEST_TMPDIR/wl" i=0 f lang rule text
	mkdir -p "$dir"
	for f in "$T"/lint/*."$kind"; do
		lang=$(basename "$f" ".$kind")
		while IFS=$'\t' read -r rule text; do
			case $rule in ''|'#'*) continue ;; esac
			# A pass line is a sentence, or RULE<TAB>sentence (the rule it
			# nearly breaks).
			if [ "$kind" = pass ]; then
				case $rule in
				review-policy|review-incentive|off-marketplace|payment-request) ;;
				*) text=$rule${text:+$'\t'$text} ;;
				esac
				rule=-
			fi
			i=$((i + 1))
			printf 'name: w%d\ndefault_locale: %s\nbody:\n  %s: |\n    %s\n' \
			    "$i" "$lang" "$lang" "$text" >"$dir/$i.yaml"
			printf '%s\t%s\t%s\t%s\n' "$i" "$lang" "$rule" "$text" >>"$dir/index"
		done <"$f"
	done
	[ "$i" -gt 0 ]
	# Lint exits 1 when a sentence breaks a rule and 0 when none does;
	# anything else (a usage error, a crash) is no answer at all.
	local want=0 s=0
	[ "$kind" = pass ] || want=1
	tkt-template lint --json "$dir"/*.yaml >"$dir/found" || s=$?
	[ "$s" -eq "$want" ] || { echo "lint exited $s, not $want"; return 1; }
}

@test "every sentence of the LANG.fire fixtures fires its rule with the shipped word lists" {
	shipped
	ls "$T"/lint/*.fire >/dev/null
	wordlist_case fire
	local bad=0 langs wl="$BATS_TEST_TMPDIR/wl"
	jq -r '"\(.file)\t\(.rule)"' "$wl/found" >"$wl/hits"
	while IFS=$'\t' read -r i lang rule text; do
		grep -qxF "$wl/$i.yaml	$rule" "$wl/hits" ||
		    { echo "did not fire: $lang $rule: $text"; bad=1; }
	done <"$wl/index"
	langs=$(cut -f2 "$wl/index" | sort -u | wc -l)
	[ "$langs" -ge 3 ]
	[ "$bad" = 0 ]
}

@test "no sentence of the LANG.pass fixtures fires a policy rule" {
	shipped
	ls "$T"/lint/*.pass >/dev/null
	wordlist_case pass
	local bad=0 wl="$BATS_TEST_TMPDIR/wl"
	jq -r 'select(.rule | test("review|marketplace|payment|scaffolding")) | .file' \
	    "$wl/found" >"$wl/hits"
	while IFS=$'\t' read -r i lang rule text; do
		if grep -qxF "$wl/$i.yaml" "$wl/hits"; then
			echo "fired on an innocent sentence: $lang: $text"
			bad=1
		fi
	done <"$wl/index"
	[ "$(cut -f2 "$wl/index" | sort -u | wc -l)" -ge 3 ]
	[ "$bad" = 0 ]
}

teardown() {
	reap_sandboxes
}
