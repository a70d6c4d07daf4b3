#!/bin/sh
# demo.sh: what `make demo` runs.  Starts tkt-sandbox with about 200
# realistic tickets on a free loopback port, runs the main pipelines
# against it, and stops it again (no process is left behind).  With
# TKT_DEMO_PIDFILE set, the sandbox's process id is written to that file
# (test/demo.bats stops it by that id should the demo itself not).
set -eu
# From a build tree (top/share/tkt/examples) the tools are in top/cmd;
# installed (PREFIX/share/tkt/examples), they are the ones on PATH.
top=$(cd "$(dirname "$0")/../../.." && pwd)
[ -x "$top/cmd/tkt-list" ] && PATH="$top/cmd:$PATH"
TKT_DATADIR="$top/share/tkt"
TKT_CONFIG=/dev/null		# the demo never reads or writes your config
TKT_NOW=${TKT_NOW:-2026-11-23T12:00:00Z}
export PATH TKT_DATADIR TKT_CONFIG TKT_NOW

tmp=$(mktemp -d)
# The action tools' journal goes here, never into your own state directory.
XDG_STATE_HOME="$tmp/state"
export XDG_STATE_HOME
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

tkt-sandbox -p 0 --token demo-token --seed 42 --tickets 200 --now "$TKT_NOW" \
    >"$tmp/origin" 2>"$tmp/sandbox.err" &
pid=$!
[ -z "${TKT_DEMO_PIDFILE:-}" ] || echo "$pid" >"$TKT_DEMO_PIDFILE"
i=0
while [ ! -s "$tmp/origin" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
TKT_API_URL=$(head -n 1 "$tmp/origin")
TKT_TOKEN=demo-token
export TKT_API_URL TKT_TOKEN
[ -n "$TKT_API_URL" ] || { cat "$tmp/sandbox.err" >&2; exit 2; }

say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }

printf 'tkt demo: a sandbox with 200 tickets at %s, "now" is %s\n' \
    "$TKT_API_URL" "$TKT_NOW"

say "tkt-list --table | head -n 15          # what waits for an answer"
tkt-list --table | head -n 15

id=$(tkt-list --overdue --limit 1 | jq -r .id)
say "tkt-list --thread $id            # one conversation"
tkt-list --thread "$id"

say "tkt-list --type ORDER | jq -r '[.id, .locale, .sub_label] | @tsv' | head -n 5"
if command -v jq >/dev/null 2>&1; then
	tkt-list --type ORDER | jq -r '[.id, .locale, .sub_label] | @tsv' | head -n 5
else
	echo "(jq is not installed)"
fi

say "tkt-list --overdue | wc -l; tkt-list --due-within 6h | wc -l"
printf 'overdue now:          %s\n' "$(tkt-list --overdue | wc -l)"
printf 'due within 6 hours:   %s\n' "$(tkt-list --due-within 6h | wc -l)"

if command -v tkt-template >/dev/null 2>&1; then
	say "tkt-list --limit 3 | tkt-template render --auto | jq -r .reply.text   # replies in the buyer's language"
	# A buyer answered in another language is counted on stderr: shown here.
	{ tkt-list --limit 3 | tkt-template render --auto | jq -r .reply.text; } 2>&1
fi

if command -v tkt-metrics >/dev/null 2>&1; then
	say "tkt-list | tkt-metrics --table            # the numbers that keep the store open"
	tkt-list | tkt-metrics --table
fi

if command -v jq >/dev/null 2>&1; then
	say "TKT_API=v3 tkt-list --with-orders --type ORDER --limit 4 | jq ...   # the same store through API v3, with each order's details"
	TKT_API=v3 tkt-list --with-orders --type ORDER --limit 4 |
	    jq -r '.orders[] as $o | [.id, .api, $o.product_name, $o.state,
	        ($o.shipping_provider // "-"), ($o.tracking_number // "-")] | @tsv'
fi

if command -v tkt-reply >/dev/null 2>&1 && command -v jq >/dev/null 2>&1; then
	cd "$tmp"
	before=$(tkt-list | wc -l)
	say "tkt-list --limit 5 | tkt-template render --auto >todo.jsonl   # five tickets, a reply each"
	tkt-list --limit 5 | tkt-template render --auto 2>&1 >todo.jsonl
	jq -r '[.id, .reply.template, .reply.locale, .buyer.name] | @tsv' todo.jsonl

	say "tkt-reply -n --resolve todo.jsonl   # dry run: plan, check, send nothing"
	tkt-reply -n --resolve todo.jsonl |
	    jq -r '[.id, (if .result.ok then "would send" else "would fail: " + .result.error.message end),
	        (.result.steps | map(.request.path) | join(" then "))] | @tsv'
	printf 'the first request, exactly (without the token):\n'
	tkt-reply -n --resolve todo.jsonl | head -n 1 |
	    jq -c '.result.request | .body = .body[:90] + "..."'

	say "tkt-reply --resolve todo.jsonl   # send each reply, then close the ticket"
	tkt-reply --resolve todo.jsonl >sent.jsonl || echo "(tkt-reply exited $?: see the failures below)"
	jq -r '[.id, (.result.steps | map(.action + (if .ok then " ok" else " FAILED" end)) | join(", ")),
	    "request " + (.result.steps[0].request_id // "-"), (.result.error.message // empty)] | @tsv' sent.jsonl

	say "cat \$XDG_STATE_HOME/tkt/journal   # what was confirmed: store, ticket, action, what it acted on (waiting_since, updated_at), hash, time"
	cat "$XDG_STATE_HOME/tkt/journal"

	say "tkt-reply --resolve todo.jsonl   # the same run again: the journal skips it all"
	tkt-reply --resolve todo.jsonl |
	    jq -r '[.id, (if .result.skipped then "skipped, nothing sent" else "SENT AGAIN" end)] | @tsv'
	printf 'awaiting an answer: %s before, %s now\n' "$before" "$(tkt-list | wc -l)"
	cd "$top"
fi
printf '\nThe sandbox is stopped.  Try it yourself: tkt-sandbox -p 0 (see tkt-sandbox(1)).\n'
