#!/bin/sh
# mkrecords.sh N FILE: N tkt records, made by tkt-list from a sandbox
# store of N tickets (mkstore.sh).
set -eu
n=$1 f=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$top/cmd:$PATH" TKT_DATADIR="$top/share/tkt" TKT_CONFIG=/dev/null
tmp=$(mktemp -d)
sh "$top/test/bench/mkstore.sh" "$n" "$tmp/store.jsonl"
tkt-sandbox -p 0 -d "$tmp/store.jsonl" --token t --now 2026-11-23T12:00:00Z \
    >"$tmp/origin" &
pid=$!
while [ ! -s "$tmp/origin" ]; do sleep 0.05; done
TKT_API_URL=$(head -n 1 "$tmp/origin") TKT_TOKEN=t tkt-list >"$f"
kill $pid; wait $pid 2>/dev/null || true
rm -rf "$tmp"
echo "made $(wc -l <"$f") records in $f" >&2
