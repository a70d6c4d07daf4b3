#!/bin/sh
# mkstore.sh N FILE: a tkt-sandbox store of N tickets, all awaiting an
# answer: forty seeded tickets of every kind, repeated with fresh ids.
set -eu
n=$1 f=$2
top=$(cd "$(dirname "$0")/../.." && pwd)
export PATH="$top/cmd:$PATH" TKT_DATADIR="$top/share/tkt" TKT_CONFIG=/dev/null
tmp=$(mktemp -d)
tkt-sandbox -p 0 -d "$tmp/seed.jsonl" --seed 9 --tickets 40 \
    --now 2026-11-23T12:00:00Z >/dev/null &
pid=$!
while [ ! -s "$tmp/seed.jsonl" ]; do sleep 0.05; done
kill $pid; wait $pid 2>/dev/null || true
jq -c --argjson n "$n" -s 'length as $k | range($n) as $i | .[$i % $k] |
    .id = ("bbbbbbbbbbbbbbbb" + ("00000000" + ($i|tostring))[-8:]) |
    .state = "AWAITING_MERCHANT" |
    (if (.replies | map(.sender) | index("USER")) == null then
        .replies += [{"sender":"USER","at":.updated_at,"message":"Hello?",
        "translated_message":"Hello?","images":[]}] else . end)' \
    "$tmp/seed.jsonl" >"$f"
rm -rf "$tmp"
