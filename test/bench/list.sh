#!/bin/sh
# list.sh: tkt-list through 20,000 and 200,000 sandbox tickets: total time,
# time to the first record, peak RSS against the same binary's RSS after
# start-up (one request to an empty sandbox: libcurl, TLS, config loaded).
# Targets: first record under 50 ms; peak RSS at most 4 MB above start-up,
# and within 20 % of each other for both sizes.
set -eu
. "$(dirname "$0")/sandbox.sh"
cd "$top"
make -s all
trap unserve EXIT
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1; }

serve --tickets 0
base=$(rss tkt-list)
unserve
echo "start-up RSS (empty listing): $base KB"
for n in ${SIZES:-20000 200000}; do
	store="$out/store.$n.jsonl"
	[ -s "$store" ] || sh test/bench/mkstore.sh "$n" "$store"
	serve --tickets 0 -d "$store"
	got=$(tkt-list | wc -l)
	hyperfine --warmup 1 --runs ${RUNS:-3} --export-json "$out/list.$n.json" \
	    "tkt-list >/dev/null" "tkt-list | head -n 1 >/dev/null" >/dev/null
	peak=$(rss tkt-list)
	unserve
	jq -r --arg n "$n" --arg got "$got" --arg peak "$peak" --arg base "$base" '
	    "\($n) tickets (\($got) listed): total \(.results[0].median*1000|floor) ms" +
	    " (\(($got|tonumber) / .results[0].median | floor) records/s), first record" +
	    " \(.results[1].median*1000|floor) ms, peak RSS \($peak) KB = start-up + " +
	    "\(($peak|tonumber) - ($base|tonumber)) KB"' "$out/list.$n.json"
done
