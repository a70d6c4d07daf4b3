#!/bin/sh
# mkrecords.sh N FILE: N tkt records, made by tkt-list from a sandbox
# store of N tickets (mkstore.sh).
set -eu
n=$1 f=$2
. "$(dirname "$0")/sandbox.sh"
tmp=$(mktemp -d)
sh "$top/test/bench/mkstore.sh" "$n" "$tmp/store.jsonl"
serve -d "$tmp/store.jsonl"
tkt-list >"$f"
unserve
rm -rf "$tmp"
echo "made $(wc -l <"$f") records in $f" >&2
