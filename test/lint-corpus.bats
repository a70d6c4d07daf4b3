#!/usr/bin/env bats
# lint-corpus: templates as a merchant's support writers would write them,
# in nl, pt, pl, sv and ja, written without looking at the word lists.
# Each test/fixtures/lint/LANG/bad-NN.yaml breaks the policy rules its
# "# expect: RULE" lines name (one line per rule); each clean-NN.yaml is
# full of near misses (assessing a claim, tracking numbers, order ids,
# prices, dates, SKUs, refunds not tied to a review, exchange rates, star
# patterns) and must not be flagged at all.

load test_helper

L="$FIXTURES/lint"

# lint_bad LANG: every bad LANG template fails lint with an error of each
# rule its "# expect:" lines name.
lint_bad() {
	local f rule rules n=0
	for f in "$L/$1"/bad-*.yaml; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		rules=$(sed -n 's/^# expect: *\([a-z-]*\) *$/\1/p' "$f")
		echo "# $f: expects" $rules
		[ -n "$rules" ]
		run -1 tkt-template lint "$f"
		for rule in $rules; do
			if [[ $output != *"error: $rule: "* ]]; then
				echo "# $f: no '$rule' error in:"
				echo "$output"
				return 1
			fi
		done
	done
	[ "$n" -ge 5 ]
}

# lint_clean LANG: no clean LANG template has a finding.
lint_clean() {
	local f n=0
	for f in "$L/$1"/clean-*.yaml; do
		[ -f "$f" ] || continue
		n=$((n + 1))
		echo "# $f"
		run -0 tkt-template lint "$f"
		[ -z "$output" ]
	done
	[ "$n" -ge 2 ]
}

@test "every bad nl template is caught with each rule its # expect lines name" {
	lint_bad nl
}

@test "no clean nl template is flagged" {
	lint_clean nl
}

@test "every bad pt template is caught with each rule its # expect lines name" {
	lint_bad pt
}

@test "no clean pt template is flagged" {
	lint_clean pt
}

@test "every bad pl template is caught with each rule its # expect lines name" {
	lint_bad pl
}

@test "no clean pl template is flagged" {
	lint_clean pl
}

@test "every bad sv template is caught with each rule its # expect lines name" {
	lint_bad sv
}

@test "no clean sv template is flagged" {
	lint_clean sv
}

@test "every bad ja template is caught with each rule its # expect lines name" {
	lint_bad ja
}

@test "no clean ja template is flagged" {
	lint_clean ja
}
