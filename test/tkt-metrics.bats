#!/usr/bin/env bats
# tkt-metrics: every definition of tkt-metrics(1) on hand-made records whose
# answers are worked out by hand (now is 2026-11-23T12:00:00Z, sla 48h).

load test_helper

M="$FIXTURES/metrics"

setup() {
	export TKT_NOW="$TEST_NOW"
}

# metric FILE JQ [options]: runs tkt-metrics on FILE, prints jq's view of it.
metric() {
	local f=$1 q=$2
	shift 2
	tkt-metrics "$@" "$M/$f" | jq -c "$q"
}

@test "a buyer message with no merchant reply is late only once it waits past the sla" {
	run -0 metric unanswered.jsonl '[.messages_due, .messages_late, .late_rate, .first_response_s.n, .first_response_s.p50]'
	[ "$output" = '[1,1,1,0,null]' ]
}

@test "counts overdue tickets and those due within 6h, overdue ones included" {
	run -0 metric unanswered.jsonl '[.overdue, .due_within, .due_within_s]'
	[ "$output" = '[1,2,21600]' ]
}

@test "--due-within widens the due-soon window" {
	run -0 metric unanswered.jsonl '[.overdue, .due_within, .due_within_s]' --due-within 2d
	[ "$output" = '[1,3,172800]' ]
}

@test "several buyer messages in a row are each due, answered by the one merchant reply" {
	# 54h (late), 44h and 30h (on time); the first is the first response.
	run -0 metric in-a-row.jsonl '[.messages_due, .messages_late, .first_response_s.p50, .next_response_s]'
	[ "$output" = '[3,1,194400,{"n":2,"p50":108000,"p90":158400,"p99":158400,"max":158400}]' ]
}

@test "a Wish support reply does not stop the clock" {
	# w1 waits since Wish answered (overdue), w2 awaits Wish (not due),
	# w3 is answered by the merchant 10h after the buyer.
	run -0 metric wish-first.jsonl '[.messages_due, .messages_late, .late_rate, .overdue, .first_response_s.p50]'
	[ "$output" = '[2,1,0.5,1,36000]' ]
}

@test "a re-opened ticket is waiting again and not resolved, whatever its old closed_at" {
	run -0 metric reopened.jsonl '[.messages_due, .messages_late, .overdue, .first_response_s.p50, .next_response_s.n, .resolution_s.n]'
	[ "$output" = '[2,1,1,18000,0,0]' ]
}

@test "an answer exactly 48h after the message is on time, one second more is late" {
	run -0 metric exactly-48h.jsonl '[.messages_due, .messages_late, .first_response_s.p50, .first_response_s.max]'
	[ "$output" = '[2,1,172800,172801]' ]
}

@test "a message waiting exactly 48h is due now but not overdue" {
	run -0 metric exactly-48h.jsonl '[.overdue, .due_within]'
	[ "$output" = '[0,1]' ]
	run -0 metric exactly-48h.jsonl '[.overdue]' --now 2026-11-23T12:00:01Z
	[ "$output" = '[1]' ]
}

@test "resolution runs from opened_at to closed_at of closed tickets, nearest rank" {
	run -0 metric exactly-48h.jsonl '.resolution_s'
	[ "$output" = '{"n":2,"p50":172801,"p90":176400,"p99":176400,"max":176400}' ]
}

@test "csat is the share of 4 and 5 among rated tickets, null and absent csat unrated" {
	run -0 metric csat.jsonl '[.csat, .rated, .health.csat, .tickets]'
	[ "$output" = '[0.6666666666666666,3,"warning",5]' ]
}

@test "csat is null with no rated ticket" {
	run -0 metric wish-first.jsonl '[.csat, .rated, .health.csat]'
	[ "$output" = '[null,0,null]' ]
}

@test "counts tickets by state and by type" {
	run -0 metric wish-first.jsonl '[.tickets, .by_state, .by_type]'
	[ "$output" = '[3,{"AWAITING_MERCHANT":1,"AWAITING_WISH":1,"CLOSED":1},{"ORDER":2,"POST_CUSTOMER_SUPPORT":1}]' ]
}

@test "empty input gives zero tickets and null rates and exits 0" {
	run -0 bash -c 'tkt-metrics </dev/null | jq -c "[.tickets, .late_rate, .csat, .first_response_s.p50, .health]"'
	[ "$output" = '[0,null,null,null,{"late_rate":null,"csat":null}]' ]
}

@test "empty input with --by prints no group" {
	run -0 --separate-stderr tkt-metrics --by type "$M/empty.jsonl"
	[ "$output" = "" ]
}

@test "--by type gives one object per type with a group key" {
	run -0 metric mixed.jsonl '[.group, .tickets]' --by type
	[ "$output" = '["ORDER",2]
["POST_CUSTOMER_SUPPORT",1]
["PRE_PURCHASE",1]' ]
}

@test "--by locale keeps fr and fr-CA apart" {
	run -0 metric mixed.jsonl '[.group, .tickets, .late_rate]' --by locale
	[ "$output" = '["de",2,0.5]
["fr",1,0]
["fr-CA",1,0]' ]
}

@test "--by sub_label puts tickets without one in a null group, last" {
	run -0 metric mixed.jsonl '[.group, .tickets]' --by sub_label
	[ "$output" = '["REFUND",2]
["TRACKING",1]
[null,1]' ]
}

@test "--by store groups by the record's store" {
	run -0 metric mixed.jsonl '[.group, .tickets, .overdue]' --by store
	[ "$output" = '["main",2,0]
["outlet",2,1]' ]
}

@test "--by day groups by the UTC day of opened_at" {
	run -0 metric mixed.jsonl '[.group, .tickets]' --by day
	[ "$output" = '["2026-11-15",1]
["2026-11-16",2]
["2026-11-22",1]' ]
}

@test "--by week groups by ISO week of opened_at, Sunday ending the week" {
	run -0 metric mixed.jsonl '[.group, .tickets]' --by week
	[ "$output" = '["2026-W46",1]
["2026-W47",3]' ]
}

@test "--by week puts the first days of January in the previous year's week" {
	printf '%s\n' '{"state":"CLOSED","opened_at":"2027-01-01T10:00:00Z","updated_at":"2027-01-01T10:00:00Z","replies":[]}' >"$BATS_TEST_TMPDIR/ny.jsonl"
	run -0 bash -c "tkt-metrics --by week '$BATS_TEST_TMPDIR/ny.jsonl' | jq -r .group"
	[ "$output" = "2026-W53" ]
}

@test "an unknown --by key is a usage error" {
	run -2 tkt-metrics --by colour "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --by: 'colour' is not one of type, locale, sub_label, store, day, week" ]
}

@test "--since keeps the records updated since then" {
	run -0 metric mixed.jsonl '.tickets' --since 2026-11-16T03:00:00Z
	[ "$output" = 3 ]
	run -0 metric mixed.jsonl '.tickets' --since 2d
	[ "$output" = 1 ]
}

@test "a record without updated_at, or with a null one, counts as any other without --since" {
	jq -c 'if .id == "m1" then .updated_at = null else del(.updated_at) end' \
	    "$M/mixed.jsonl" >"$BATS_TEST_TMPDIR/bare.jsonl"
	run -0 --separate-stderr tkt-metrics "$BATS_TEST_TMPDIR/bare.jsonl"
	[ -z "$stderr" ]
	[ "$output" = "$(tkt-metrics "$M/mixed.jsonl")" ]
	[ "$(jq .tickets <<<"$output")" -gt 3 ]
	# One that is there but not a time is still a bad record.
	printf '%s\n' '{"id":"u1","state":"CLOSED","opened_at":"2026-11-01T00:00:00Z","updated_at":"soon","replies":[]}' \
	    >"$BATS_TEST_TMPDIR/badtime.jsonl"
	run -1 --separate-stderr tkt-metrics "$BATS_TEST_TMPDIR/badtime.jsonl"
	[ "$stderr" = "tkt-metrics: $BATS_TEST_TMPDIR/badtime.jsonl:1: ticket u1: updated_at: not a time" ]
}

@test "--since reports each record without updated_at with its place, skips it and exits 1" {
	jq -c 'if .id == "m2" then del(.updated_at) elif .id == "m3" then .updated_at = null else . end' \
	    "$M/mixed.jsonl" >"$BATS_TEST_TMPDIR/some.jsonl"
	run -1 --separate-stderr tkt-metrics --since 2026-11-16T03:00:00Z "$BATS_TEST_TMPDIR/some.jsonl"
	[ "$stderr" = "tkt-metrics: $BATS_TEST_TMPDIR/some.jsonl:2: ticket m2: updated_at: missing, and --since selects on it
tkt-metrics: $BATS_TEST_TMPDIR/some.jsonl:3: ticket m3: updated_at: missing, and --since selects on it" ]
	# Of the 3 updated since then (m2 and m3 among them), one is left.
	[ "$(jq .tickets <<<"$output")" = 1 ]
}

@test "a bad --since is a usage error" {
	run -2 tkt-metrics --since lately "$M/mixed.jsonl"
	[[ "$output" == *"--since: 'lately' is neither a duration"* ]]
}

@test "--sla changes what is late" {
	run -0 metric in-a-row.jsonl '.messages_late' --sla 24h
	[ "$output" = 3 ]
	run -0 metric in-a-row.jsonl '.messages_late' --sla 60h
	[ "$output" = 0 ]
}

@test "the config's sla is used, and a store's own sla over it" {
	write_config <<-'EOF2'
	sla: 60h
	EOF2
	run -0 metric in-a-row.jsonl '.messages_late'
	[ "$output" = 0 ]
	write_config <<-'EOF2'
	sla: 60h
	stores:
	  main:
	    url: http://127.0.0.1:1
	    token_env: NONE
	    sla: 24h
	EOF2
	run -0 metric in-a-row.jsonl '.messages_late'
	[ "$output" = 3 ]
	run -0 metric in-a-row.jsonl '.messages_late' --sla 48h
	[ "$output" = 1 ]
}

@test "a bad --sla is a usage error" {
	run -2 tkt-metrics --sla soon "$M/in-a-row.jsonl"
	[ "$output" = "tkt-metrics: --sla: 'soon' is not a duration (90m, 6h, 2d)" ]
}

@test "a duration without its unit is refused, exit 2, with the unit it likely lacks" {
	run -2 --separate-stderr tkt-metrics --sla 48 "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: --sla: '48' has no unit: 48h?" ]
	[ -z "$output" ]
	run -2 --separate-stderr tkt-metrics --due-within 6 "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: --due-within: '6' has no unit: 6h?" ]
	run -2 --separate-stderr tkt-metrics --since 30 "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: --since: '30' has no unit: 30d?" ]
	# 0 is 0 in any unit.
	run -0 metric in-a-row.jsonl '.due_within' --due-within 0
	[ "$output" = 0 ]
	# The config's, global and a store's, with their place in the file.
	write_config <<-'EOF2'
	sla: 48
	EOF2
	run -2 --separate-stderr tkt-metrics "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: $XDG_CONFIG_HOME/tkt/config.yaml:1:6: sla: '48' has no unit: 48h?" ]
	write_config <<-'EOF2'
	stores:
	  main:
	    url: http://127.0.0.1:1
	    token_env: NONE
	    sla: "72"
	EOF2
	run -2 --separate-stderr tkt-metrics "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: $XDG_CONFIG_HOME/tkt/config.yaml:5:10: sla: '72' has no unit: 72h?" ]
}

@test "health bands default to 5% and 45% for the late rate" {
	run -0 metric in-a-row.jsonl '.health.late_rate'
	[ "$output" = '"warning"' ]
	run -0 metric wish-first.jsonl '.health.late_rate'
	[ "$output" = '"critical"' ]
	run -0 metric csat.jsonl '.health.late_rate'
	[ "$output" = '"normal"' ]
}

@test "health bands come from the config" {
	write_config <<-'EOF2'
	health:
	  late_rate: {warning: 40%, critical: 60%}
	  csat: {warning: 70%, critical: 50%}
	EOF2
	run -0 metric in-a-row.jsonl '.health.late_rate'
	[ "$output" = '"normal"' ]
	run -0 metric wish-first.jsonl '.health.late_rate'
	[ "$output" = '"warning"' ]
	run -0 metric csat.jsonl '.health.csat'
	[ "$output" = '"warning"' ]
}

@test "--now and TKT_NOW move the clock" {
	run -0 metric unanswered.jsonl '[.messages_due, .overdue]' --now 2026-11-21T12:00:00Z
	[ "$output" = '[0,0]' ]
	TKT_NOW=2026-11-21T12:00:00Z run -0 metric unanswered.jsonl '[.messages_due, .overdue]'
	[ "$output" = '[0,0]' ]
}

@test "a bad --now is a usage error" {
	run -2 tkt-metrics --now tomorrow "$M/unanswered.jsonl"
	[[ "$output" == "tkt-metrics: --now: 'tomorrow' is not a time"* ]]
}

@test "times run from year 0000 to 9999 in UTC: a second past either end is not a time; --since reaches back no further" {
	run -2 tkt-metrics --now 0000-01-01T00:30:00+01:00 "$M/unanswered.jsonl"
	[[ "$output" == "tkt-metrics: --now: '0000-01-01T00:30:00+01:00' is not a time"* ]]
	run -2 tkt-metrics --now 9999-12-31T23:59:59-00:01 "$M/unanswered.jsonl"
	[[ "$output" == "tkt-metrics: --now: '9999-12-31T23:59:59-00:01' is not a time"* ]]
	# The longest duration there is, back from the first second there is.
	local all
	all=$(metric mixed.jsonl '.tickets')
	run -0 metric mixed.jsonl '.tickets' --now 0000-01-01T00:00:00Z --since 9223372036854775807s
	[ "$output" = "$all" ]
	run -0 metric mixed.jsonl '.tickets' --now 9999-12-31T23:59:59Z --since 9223372036854775807s
	[ "$output" = "$all" ]
}

@test "bad lines are reported with file and line, skipped, and exit 1" {
	run -1 --separate-stderr tkt-metrics "$M/bad.jsonl"
	[ "$(jq -c '[.tickets, .first_response_s.p50]' <<<"$output")" = '[2,3600]' ]
	[ "${stderr_lines[0]}" = "tkt-metrics: $M/bad.jsonl:2: invalid JSON at byte 28, the end of the line: parse error: premature EOF" ]
	[ "${stderr_lines[1]}" = "tkt-metrics: $M/bad.jsonl:3: ticket b3: state: missing or not a string" ]
	[ "${stderr_lines[2]}" = "tkt-metrics: $M/bad.jsonl:4: ticket b4: replies[1].at: missing or not a time" ]
	[ "${stderr_lines[3]}" = "tkt-metrics: $M/bad.jsonl:5: ticket b5: csat: not an integer from 1 to 5" ]
	[ "${#stderr_lines[@]}" -eq 4 ]
}

@test "stdin is named <stdin> in messages" {
	run -1 --separate-stderr bash -c "sed -n 2p '$M/bad.jsonl' | tkt-metrics"
	[ "$stderr" = "tkt-metrics: <stdin>:1: invalid JSON at byte 28, the end of the line: parse error: premature EOF" ]
}

@test "a missing file is reported and the others are still counted" {
	run -1 --separate-stderr tkt-metrics "$M/nope.jsonl" "$M/csat.jsonl"
	[ "$stderr" = "tkt-metrics: $M/nope.jsonl: No such file or directory" ]
	[ "$(jq .tickets <<<"$output")" = 5 ]
}

@test "- reads stdin among files" {
	run -0 bash -c "tkt-metrics '$M/csat.jsonl' - <'$M/wish-first.jsonl' | jq .tickets"
	[ "$output" = 8 ]
}

@test "--fail-if exits 1 and says which comparison holds" {
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate>5%' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>5% holds (late_rate is 50%)" ]
	[ "$(jq .late_rate <<<"$output")" = 0.5 ]
}

@test "--fail-if exits 0 when no comparison holds" {
	run -0 --separate-stderr tkt-metrics --fail-if 'late_rate>50%,overdue>1' "$M/wish-first.jsonl"
	[ "$stderr" = "" ]
}

@test "--fail-if takes a comma list and may repeat" {
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate > 60%, overdue>0' --fail-if 'tickets>=3' "$M/wish-first.jsonl"
	[ "${stderr_lines[0]}" = "tkt-metrics: --fail-if: overdue>0 holds (overdue is 1)" ]
	[ "${stderr_lines[1]}" = "tkt-metrics: --fail-if: tickets>=3 holds (tickets is 3)" ]
	[ "${#stderr_lines[@]}" -eq 2 ]
}

@test "--fail-if compares every operator" {
	run -1 tkt-metrics --fail-if 'tickets==3' "$M/wish-first.jsonl"
	run -0 tkt-metrics --fail-if 'tickets!=3' "$M/wish-first.jsonl"
	run -1 tkt-metrics --fail-if 'tickets<=3' "$M/wish-first.jsonl"
	run -0 tkt-metrics --fail-if 'tickets<3' "$M/wish-first.jsonl"
	run -1 tkt-metrics --fail-if 'by_state.AWAITING_WISH==1' "$M/wish-first.jsonl"
	run -0 tkt-metrics --fail-if 'by_type.PRE_PURCHASE>0' "$M/wish-first.jsonl"
}

@test "--fail-if takes durations for keys in seconds" {
	run -1 --separate-stderr tkt-metrics --fail-if 'first_response_s.p90>=10h' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: first_response_s.p90>=10h holds (first_response_s.p90 is 10h)" ]
	run -0 tkt-metrics --fail-if 'first_response_s.p90>10h' "$M/wish-first.jsonl"
}

@test "--fail-if says a duration it found as a duration when the threshold was one: days, hours, minutes, seconds" {
	run -1 --separate-stderr tkt-metrics --by day --fail-if 'first_response_s.p90>1m' "$M/three-days.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: first_response_s.p90>1m holds for day 2026-11-18 (first_response_s.p90 is 1h)
tkt-metrics: --fail-if: first_response_s.p90>1m holds for day 2026-11-19 (first_response_s.p90 is 3h5m)
tkt-metrics: --fail-if: first_response_s.p90>1m holds for day 2026-11-20 (first_response_s.p90 is 1h)" ]
	run -1 --separate-stderr tkt-metrics --by day --fail-if 'first_response_s.p50 < 1m' "$M/three-days.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: first_response_s.p50 < 1m holds for day 2026-11-18 (first_response_s.p50 is 45s)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'first_response_s.p50>1d,next_response_s.p90>=1d' "$M/in-a-row.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: first_response_s.p50>1d holds (first_response_s.p50 is 2d6h)
tkt-metrics: --fail-if: next_response_s.p90>=1d holds (next_response_s.p90 is 1d20h)" ]
	# Exact to the second, so that it never reads as the threshold; a week is 7d.
	run -1 --separate-stderr tkt-metrics --fail-if 'first_response_s.max>2d,resolution_s.p90>=1w,due_within_s>=6h' --due-within 1w "$M/exactly-48h.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: first_response_s.max>2d holds (first_response_s.max is 2d1s)
tkt-metrics: --fail-if: due_within_s>=6h holds (due_within_s is 7d)" ]
}

@test "--fail-if says a share as a percentage when the threshold was one, with one decimal at most" {
	run -1 --separate-stderr tkt-metrics --by day --fail-if 'late_rate>10%' "$M/three-days.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>10% holds for day 2026-11-19 (late_rate is 25%)
tkt-metrics: --fail-if: late_rate>10% holds for day 2026-11-20 (late_rate is 50%)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'csat<85%' "$M/csat.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: csat<85% holds (csat is 66.7%)" ]
	# A second decimal only where one would read as the threshold itself.
	run -1 --separate-stderr tkt-metrics --fail-if 'csat<66.7%' "$M/csat.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: csat<66.7% holds (csat is 66.67%)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate>=50%,late_rate>49.99%' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>=50% holds (late_rate is 50%)
tkt-metrics: --fail-if: late_rate>49.99% holds (late_rate is 50%)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate<=0%' "$M/csat.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate<=0% holds (late_rate is 0%)" ]
}

@test "--fail-if says the value as a number when the threshold was a bare number, as written in JSON" {
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate>0.1,first_response_s.p90>=36000,overdue>0' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>0.1 holds (late_rate is 0.5)
tkt-metrics: --fail-if: first_response_s.p90>=36000 holds (first_response_s.p90 is 36000)
tkt-metrics: --fail-if: overdue>0 holds (overdue is 1)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'csat<0.7' "$M/csat.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: csat<0.7 holds (csat is 0.6666666667)" ]
}

@test "--fail-if is false on a null number" {
	run -0 --separate-stderr tkt-metrics --fail-if 'late_rate>=0,csat<60%' "$M/empty.jsonl"
	[ "$stderr" = "" ]
}

@test "--fail-if with --by names the group where it holds" {
	run -1 --separate-stderr tkt-metrics --by locale --fail-if 'late_rate>5%' "$M/mixed.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>5% holds for locale de (late_rate is 50%)" ]
	[ "$(jq -s length <<<"$output")" = 3 ]
}

@test "--fail-if refuses a share above 1, which can never hold, and suggests the percentage" {
	run -2 --separate-stderr tkt-metrics --fail-if 'late_rate>5' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: 'late_rate>5': late_rate is a share from 0 to 1, never above 1: 5%?" ]
	[ -z "$output" ]
	run -2 --separate-stderr tkt-metrics --fail-if 'csat < 4' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: 'csat < 4': csat is a share from 0 to 1, never above 1: 4%?" ]
	run -2 --separate-stderr tkt-metrics --fail-if 'late_rate>150%' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: 'late_rate>150%': late_rate is a share, never above 100%" ]
	# 5% and 0.05 are the same share; 1 is still one.
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate>5%' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>5% holds (late_rate is 50%)" ]
	run -1 --separate-stderr tkt-metrics --fail-if 'late_rate>0.05' "$M/wish-first.jsonl"
	[ "$stderr" = "tkt-metrics: --fail-if: late_rate>0.05 holds (late_rate is 0.5)" ]
	run -0 tkt-metrics --fail-if 'late_rate>=1,tickets>5' "$M/wish-first.jsonl"
}

@test "--fail-if rejects an unknown key with exit 2" {
	run -2 tkt-metrics --fail-if 'late_rat>5%' "$M/mixed.jsonl"
	[[ "$output" == "tkt-metrics: --fail-if: 'late_rat>5%': unknown key 'late_rat'"* ]]
}

@test "--fail-if rejects a comparison without operator" {
	run -2 tkt-metrics --fail-if 'late_rate' "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --fail-if: 'late_rate': no comparison operator (want one of > >= < <= == != after the key)" ]
}

@test "--fail-if rejects a value that is not a number" {
	run -2 tkt-metrics --fail-if 'late_rate>>5%' "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --fail-if: 'late_rate>>5%': '>5%' is not a number or a percentage" ]
	run -2 tkt-metrics --fail-if 'overdue>1h' "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --fail-if: 'overdue>1h': '1h' is not a number or a percentage" ]
}

@test "--fail-if rejects health, which is a word" {
	run -2 tkt-metrics --fail-if 'health.late_rate==1' "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --fail-if: 'health.late_rate==1': health.late_rate is a word, not a number (compare late_rate or csat)" ]
}

@test "--fail-if rejects an empty comparison" {
	run -2 tkt-metrics --fail-if 'late_rate>5%,' "$M/mixed.jsonl"
	[ "$output" = "tkt-metrics: --fail-if: empty comparison (want KEY OP VALUE, e.g. late_rate>5%)" ]
}

@test "--table prints key and value lines" {
	run -0 tkt-metrics --table "$M/wish-first.jsonl"
	[[ "$output" == *"late rate        50.0%  (1 late of 2 due)  critical"* ]]
	[[ "$output" == *"first response   n 1  p50 10h  p90 10h  p99 10h  max 10h"* ]]
	[[ "$output" == *"due within 6h    1"* ]]
}

@test "--table with --by prints one row per group" {
	run -0 tkt-metrics --table --by store "$M/mixed.jsonl"
	[ "${#lines[@]}" -eq 4 ]
	[[ "${lines[0]}" == "GROUP "*"TICKETS"* ]]
	[[ "${lines[2]}" == "outlet "* ]]
}

@test "--table shows a group or a state as the records wrote it, control characters escaped; JSON keeps them" {
	jq -c '.sub_label = "Re\u001b[2Jfund" | .state = "OPEN\u009b"' "$M/mixed.jsonl" >"$BATS_TEST_TMPDIR/in"
	run -0 tkt-metrics --table --by sub_label "$BATS_TEST_TMPDIR/in"
	[[ "${lines[1]}" == 'Re\033[2Jfund '* ]]
	[[ "$output" != *$'\e'* ]]
	run -0 tkt-metrics --table "$BATS_TEST_TMPDIR/in"
	[[ "$output" == *'by state         OPEN\302\233 '* ]]
	run -0 tkt-metrics --by sub_label "$BATS_TEST_TMPDIR/in"
	[ "$(printf '%s\n' "$output" | jq -r .group | head -n 1)" = $'Re\e[2Jfund' ]
}

@test "of --json and --table, the last one given wins" {
	run -0 bash -c "tkt-metrics --table --json '$M/csat.jsonl' | jq .rated"
	[ "$output" = 3 ]
	NO_COLOR=1 run -0 tkt-metrics --json --table "$M/csat.jsonl"
	[[ "$output" == *"csat             66.7%  (3 rated)  warning"* ]]
}

@test "a table on a terminal, JSON in a pipe" {
	NO_COLOR=1 run -0 on_tty "tkt-metrics '$M/csat.jsonl'"
	[[ "$output" == *"csat             66.7%  (3 rated)  warning"* ]]
	run -0 bash -c "tkt-metrics '$M/csat.jsonl' | jq -c .rated"
	[ "$output" = 3 ]
}

@test "a warning is yellow on a terminal unless NO_COLOR is set" {
	run -0 on_tty "tkt-metrics '$M/csat.jsonl'"
	[[ "$output" == *$'csat             \e[33m66.7%\e[0m  (3 rated)  warning'* ]]
	NO_COLOR=1 run -0 on_tty "tkt-metrics '$M/csat.jsonl'"
	[[ "$output" != *$'\e['* ]]
}

# bars COMMAND: runs COMMAND on a terminal (on_tty) and prints the lines
# from the bars' header on, without the terminal's carriage returns.
bars() {
	on_tty "$1" | tr -d '\r' | sed -n '/^\(DAY\|WEEK\)  *LATE%/,$p'
}

@test "--by day on a terminal draws each day's late rate as a bar of block characters in a UTF-8 locale, the band a word under NO_COLOR" {
	# 60 columns: a bar of 31, 25% is 7 6/8 of them, 50% 15 4/8.
	NO_COLOR=1 COLUMNS=60 LC_ALL=C.UTF-8 run -0 bars "tkt-metrics --by day '$M/three-days.jsonl'"
	[ "$output" = "DAY         LATE%  0%                         100%
2026-11-18   0.0%                                   normal
2026-11-19  25.0%  ███████▊                         warning
2026-11-20  50.0%  ███████████████▌                 critical" ]
	# The table is still there, above.
	NO_COLOR=1 COLUMNS=60 LC_ALL=C.UTF-8 run -0 on_tty "tkt-metrics --by day '$M/three-days.jsonl'"
	[[ "$output" == "GROUP "*"2026-11-20 "*"(DUE<: due within 6h; day and week are of opened_at, UTC)"* ]]
}

@test "--by day bars are plain '#' in the C locale, to the nearest column" {
	NO_COLOR=1 COLUMNS=60 LC_ALL=C run -0 bars "tkt-metrics --by day '$M/three-days.jsonl'"
	[ "$output" = "DAY         LATE%  0%                         100%
2026-11-18   0.0%                                   normal
2026-11-19  25.0%  ########                         warning
2026-11-20  50.0%  ################                 critical" ]
}

@test "--by day bars follow LC_ALL, then LC_CTYPE, then LANG, by the locale's codeset" {
	NO_COLOR=1 COLUMNS=60 run -0 bars "env -u LC_ALL LANG=C.UTF-8 tkt-metrics --by day '$M/three-days.jsonl'"
	[[ "${lines[3]}" == "2026-11-20  50.0%  ███████████████▌ "* ]]
	NO_COLOR=1 COLUMNS=60 run -0 bars "env -u LC_ALL LANG=C LC_CTYPE=C.UTF-8 tkt-metrics --by day '$M/three-days.jsonl'"
	[[ "${lines[3]}" == "2026-11-20  50.0%  ███████████████▌ "* ]]
	NO_COLOR=1 COLUMNS=60 run -0 bars "env LC_ALL=C LANG=C.UTF-8 tkt-metrics --by day '$M/three-days.jsonl'"
	[[ "${lines[3]}" == "2026-11-20  50.0%  ################ "* ]]
	# A locale the system lacks is the C locale.
	NO_COLOR=1 COLUMNS=60 run -0 bars "env LC_ALL=xx_NO.UTF-8 tkt-metrics --by day '$M/three-days.jsonl'"
	[[ "${lines[3]}" == "2026-11-20  50.0%  ################ "* ]]
}

@test "--by day bars are yellow and red by the health band on a colour terminal, with no word" {
	COLUMNS=60 LC_ALL=C.UTF-8 run -0 bars "tkt-metrics --by day '$M/three-days.jsonl'"
	[ "$output" = "DAY         LATE%  0%                         100%
2026-11-18   0.0%
2026-11-19  25.0%  "$'\e[33m'"███████▊"$'\e[0m'"
2026-11-20  50.0%  "$'\e[31m'"███████████████▌"$'\e[0m' ]
}

@test "--by day bars scale to the terminal's width without COLUMNS" {
	NO_COLOR=1 LC_ALL=C run -0 bars "stty cols 70; tkt-metrics --by day '$M/three-days.jsonl'"
	# 70 columns: a bar of 41; 25% is 10.25 columns, 50% 20.5.
	[ "${lines[2]}" = "2026-11-19  25.0%  ##########                                 warning" ]
	[ "${lines[3]}" = "2026-11-20  50.0%  #####################                      critical" ]
	[ "${#lines[3]}" -eq 70 ]
}

@test "--by day bars: a day with no message due has none and no band; a late message always shows" {
	cp "$M/three-days.jsonl" "$BATS_TEST_TMPDIR/in.jsonl"
	# Not due yet (now is 2026-11-27T12:00:00Z): the late rate is null.
	printf '%s\n' '{"id":"d4","state":"AWAITING_MERCHANT","opened_at":"2026-11-26T10:00:00Z","replies":[{"sender":"USER","at":"2026-11-26T10:00:00Z"}]}' \
	    >>"$BATS_TEST_TMPDIR/in.jsonl"
	# One late message of 200 due: 0.5%, less than an eighth of a column.
	for i in $(seq 1 199); do
		printf '{"id":"e%d","state":"CLOSED","opened_at":"2026-11-24T10:00:00Z","replies":[{"sender":"USER","at":"2026-11-24T10:00:00Z"},{"sender":"MERCHANT","at":"2026-11-24T11:00:00Z"}]}\n' "$i"
	done >>"$BATS_TEST_TMPDIR/in.jsonl"
	printf '%s\n' '{"id":"e0","state":"AWAITING_MERCHANT","opened_at":"2026-11-24T10:00:00Z","replies":[{"sender":"USER","at":"2026-11-24T10:00:00Z"}]}' \
	    >>"$BATS_TEST_TMPDIR/in.jsonl"
	NO_COLOR=1 COLUMNS=60 LC_ALL=C.UTF-8 run -0 bars "tkt-metrics --by day --now 2026-11-27T12:00:00Z '$BATS_TEST_TMPDIR/in.jsonl'"
	[ "${lines[4]}" = "2026-11-24   0.5%  ▏                                normal" ]
	[ "${lines[5]}" = "2026-11-26      -" ]
	NO_COLOR=1 COLUMNS=60 LC_ALL=C run -0 bars "tkt-metrics --by day --now 2026-11-27T12:00:00Z '$BATS_TEST_TMPDIR/in.jsonl'"
	[ "${lines[4]}" = "2026-11-24   0.5%  #                                normal" ]
}

@test "--by week draws bars too, labelled by week" {
	NO_COLOR=1 COLUMNS=60 LC_ALL=C run -0 bars "tkt-metrics --by week '$M/three-days.jsonl' '$M/mixed.jsonl'"
	[ "$output" = "WEEK      LATE%  0%                           100%
2026-W46   0.0%                                     normal
2026-W47  27.3%  #########                          warning" ]
}

@test "--table draws the bars in a pipe too, 80 columns wide without COLUMNS; JSON and other groupings have none" {
	LC_ALL=C run -0 tkt-metrics --table --by day "$M/three-days.jsonl"
	# 80 columns: a bar of 51; 25% is 12.75 columns (bats' lines skip the blank one).
	[ "${lines[7]}" = "2026-11-19  25.0%  #############                                        warning" ]
	[ "${#lines[7]}" -eq 79 ]
	[ "${lines[8]}" = "2026-11-20  50.0%  ##########################                           critical" ]
	[ "${#lines[8]}" -eq 80 ]
	LC_ALL=C.UTF-8 run -0 tkt-metrics --by day "$M/three-days.jsonl"
	[ "$(jq -c '[.group, .late_rate, .health.late_rate]' <<<"$output")" = '["2026-11-18",0,"normal"]
["2026-11-19",0.25,"warning"]
["2026-11-20",0.5,"critical"]' ]
	[ "${#lines[@]}" -eq 3 ]
	LC_ALL=C.UTF-8 COLUMNS=60 run -0 on_tty "tkt-metrics --json --by day '$M/three-days.jsonl'"
	[[ "$output" != *"LATE%"* && "$output" != *"█"* ]]
	LC_ALL=C.UTF-8 COLUMNS=60 run -0 on_tty "tkt-metrics --by type '$M/three-days.jsonl'"
	[[ "$output" == "GROUP "* && "$output" != *"0%   "*"100%"* && "$output" != *"█"* ]]
}

@test "says what it expects when stdin is a terminal" {
	# No input: script(1) hands tkt-metrics the end of file at once.
	run -0 on_tty "tkt-metrics"
	[[ "$output" == *"tkt-metrics: reading records (JSON lines, e.g. from tkt-list -A) from the terminal; end with ^D"* ]]
	[[ "$output" == *"tickets          0"* ]]
}

@test "a job stopped reading the terminal ends on SIGTERM and SIGCONT, as kill %1 sends them" {
	# timeout(1), forked by sh, puts itself and tkt-metrics in a process
	# group of their own: in the background, where a read of the terminal
	# stops the job (SIGTTIN).  At 1 s it sends SIGTERM, then SIGCONT; a
	# read restarted after them would stop the job again, for ever.
	SECONDS=0
	run -0 on_tty "timeout --preserve-status 1 tkt-metrics; echo status \$?"
	[ "$SECONDS" -lt 30 ]
	[[ "$output" == *"tkt-metrics: interrupted by SIGTERM: nothing printed (the numbers would be of part of the input)"* ]]
	[[ "$output" == *"status 143"* ]]
}

@test "an unknown option is a usage error" {
	run -2 tkt-metrics --frobnicate
	[[ "$output" == *"usage: tkt-metrics [--by key]"* ]]
}

@test "--help prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-metrics --help
	[[ "$output" == "usage: tkt-metrics "* ]]
	run -0 tkt-metrics --version
	[ "$output" = "tkt-metrics (tkt) 0.1.0" ]
}

@test "the man page's crontab example alert runs against the sandbox" {
	command -v tkt-list >/dev/null || skip "tkt-list is not built on this branch (merged later)"
	command -v tkt-sandbox >/dev/null || skip "tkt-sandbox is not built on this branch (merged later)"
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 40
	run -1 "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" --now "$TEST_NOW"
	stop_sandbox
	[[ "${lines[0]}" =~ ^[0-9]+\ overdue,\ [0-9]+\ due\ within\ 6h$ ]]
	[[ "${lines[1]}" == *"overdue since "* || "${lines[1]}" == *" due "* ]]
}

@test "the overdue alert is silent and exits 0 when nothing is due" {
	command -v tkt-list >/dev/null || skip "tkt-list is not built on this branch (merged later)"
	command -v tkt-sandbox >/dev/null || skip "tkt-sandbox is not built on this branch (merged later)"
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 0
	run -0 "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" --now "$TEST_NOW"
	stop_sandbox
	[ "$output" = "" ]
}

@test "the overdue alert passes tkt-list's error status through" {
	command -v tkt-list >/dev/null || skip "tkt-list is not built on this branch (merged later)"
	command -v tkt-sandbox >/dev/null || skip "tkt-sandbox is not built on this branch (merged later)"
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 5
	TKT_TOKEN=wrong run -4 "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" --now "$TEST_NOW"
	stop_sandbox
}

@test "the overdue alert's summary and exit status, with a stand-in tkt-list" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/tkt-list" <<-'EOF2'
	#!/bin/sh
	[ -n "${FAKE_STATUS:-}" ] && exit "$FAKE_STATUS"
	[ "$*" = "--json --due-within ${WANT_DUE:-6h} --now 2026-11-23T12:00:00Z" ] || exit 9
	cat "$FAKE_RECORDS"
	EOF2
	chmod +x "$BATS_TEST_TMPDIR/bin/tkt-list"
	printf '%s\n' \
	    '{"id":"t2","due_at":"2026-11-23T16:00:00Z","subject":"Size?"}' \
	    '{"id":"t1","due_at":"2026-11-22T12:00:00Z","subject":"Where is my refund?"}' \
	    >"$BATS_TEST_TMPDIR/due.jsonl"
	: >"$BATS_TEST_TMPDIR/none.jsonl"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH" FAKE_RECORDS="$BATS_TEST_TMPDIR/due.jsonl"
	alert="$TKT_ROOT/share/tkt/examples/tkt-overdue-alert"
	run -1 "$alert" --now 2026-11-23T12:00:00Z
	[ "$output" = "1 overdue, 1 due within 6h
t1  overdue since 2026-11-22T12:00:00Z  Where is my refund?
t2  due 2026-11-23T16:00:00Z  Size?" ]
	DUE=1d WANT_DUE=1d run -1 "$alert" --now 2026-11-23T12:00:00Z
	[ "${lines[0]}" = "1 overdue, 1 due within 1d" ]
	FAKE_RECORDS="$BATS_TEST_TMPDIR/none.jsonl" run -0 "$alert" --now 2026-11-23T12:00:00Z
	[ "$output" = "" ]
	FAKE_STATUS=3 run -3 "$alert" --now 2026-11-23T12:00:00Z
	FAKE_STATUS=1 run -2 "$alert" --now 2026-11-23T12:00:00Z
}

@test "the overdue alert takes --now and TKT_NOW as the tools do: offsets, fractions, a date alone" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	cat >"$BATS_TEST_TMPDIR/bin/tkt-list" <<-'EOF2'
	#!/bin/sh
	printf '%s\n' '{"id":"t2","due_at":"2026-11-24T11:30:00Z","subject":"Size?"}' \
	    '{"id":"t1","due_at":"2026-11-24T10:59:59Z","subject":"Refund?"}'
	EOF2
	chmod +x "$BATS_TEST_TMPDIR/bin/tkt-list"
	export PATH="$BATS_TEST_TMPDIR/bin:$PATH"
	alert="$TKT_ROOT/share/tkt/examples/tkt-overdue-alert"
	one="1 overdue, 1 due within 6h
t1  overdue since 2026-11-24T10:59:59Z  Refund?
t2  due 2026-11-24T11:30:00Z  Size?"
	# 11:00 UTC, however it is written.
	for now in 2026-11-24T12:00:00+01:00 2026-11-24T10:30:00.250-00:30 \
	    2026-11-24t11:00:00z '2026-11-24 11:00:00' 2026-11-24T11:00:00.999999Z; do
		run -1 --separate-stderr "$alert" --now "$now"
		[ "$output" = "$one" ]
		[ -z "$stderr" ]
		run -1 --separate-stderr "$alert" "--now=$now"
		[ "$output" = "$one" ]
		TKT_NOW=$now run -1 --separate-stderr "$alert"
		[ "$output" = "$one" ]
	done
	# A date alone is its midnight, UTC: nothing is overdue yet.
	run -1 --separate-stderr "$alert" --now 2026-11-24
	[ "${lines[0]}" = "0 overdue, 2 due within 6h" ]
	run -1 --separate-stderr "$alert" --now 2026-11-24T06:31:00-05:00
	[ "${lines[0]}" = "2 overdue, 0 due within 6h" ]
}

@test "the overdue alert with the sandbox: a time with an offset is the same instant" {
	start_sandbox --now "$TEST_NOW" --seed 7 --tickets 40
	run -1 --separate-stderr "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" --now "$TEST_NOW"
	utc=$output
	run -1 --separate-stderr "$TKT_ROOT/share/tkt/examples/tkt-overdue-alert" --now 2026-11-23T13:00:00+01:00
	stop_sandbox
	[ -z "$stderr" ]
	[ "$output" = "$utc" ]
	[[ "${lines[0]}" =~ ^[1-9][0-9]*\ overdue,\ [0-9]+\ due\ within\ 6h$ ]]
}

@test "the man page's pipelines run, with records in place of tkt-list" {
	local n=0 line
	while IFS= read -r line; do
		# The one-line examples (the CI script is run by cron.bats).
		[[ "$line" == ".Dl tkt-list "* ]] || continue
		line=${line#.Dl }
		line="cat '$M/mixed.jsonl' |${line#*|}"
		run bash -c "$line"
		[ "$status" -le 1 ] || { echo "$line: $status $output"; return 1; }
		[ -n "$output" ]
		n=$((n + 1))
	done <"$TKT_ROOT/man/tkt-metrics.1"
	[ "$n" -eq 4 ]
}

teardown() {
	reap_sandboxes
}
