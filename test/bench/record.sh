#!/bin/sh
# record.sh: the record layer alone passes 200,000 records (about 150 MB)
# through unchanged.  Target: at least 300 MB/s.  Baseline in the same
# run: cat(1), the ceiling for moving the bytes at all.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
out="$top/test/bench/out"
mkdir -p "$out"
cd "$top"
make -s all
cc -O2 -std=c11 -D_GNU_SOURCE -Ilib $(pkg-config --cflags yajl) \
    -o "$out/recpass" test/bench/recpass.c lib/libtkt.a \
    $(pkg-config --libs libcurl jansson yaml-0.1 yajl) -lm -lpthread
n=${N:-200000}
f="$out/records.$n.jsonl"
if [ ! -s "$f" ]; then
	# Records as tkt-list writes them: the sandbox's tickets through tkt-list.
	sh test/bench/mkrecords.sh "$n" "$f"
fi
bytes=$(wc -c <"$f")
"$out/recpass" "$f" | cmp - "$f" && echo "output equals input, byte for byte"
hyperfine -N --warmup 1 --runs 5 --export-json "$out/record.json" \
    "$out/recpass $f" "cat $f" >/dev/null
jq -r --argjson b "$bytes" '.results[] |
    "\(.command | split(" ")[0] | split("/")[-1]): median \(.median*1000|floor) ms = \($b / .median / 1e6 | floor) MB/s"' \
    "$out/record.json"
jq -r '"recpass/cat time ratio: \(.results[0].median / .results[1].median * 100 | floor / 100)"' "$out/record.json"
printf 'records: %s, bytes: %s\n' "$n" "$bytes"
