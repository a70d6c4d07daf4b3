#!/bin/sh
# template.sh: tkt-template render --auto over 200,000 generated records
# (about 800 bytes each, gen-records.awk): records per second (hyperfine),
# peak RSS above start-up (/usr/bin/time), and a byte-for-byte check that
# the output minus "reply" is the input.  Fails under 100,000 records/s or
# at 16 MB above start-up.  N=… changes the count.
set -eu
cd "$(dirname "$0")/../.."
N=${N:-200000}
out=test/bench/out
mkdir -p "$out"
in="$out/records.$N.jsonl"
[ -s "$in" ] || awk -v n="$N" -f test/bench/gen-records.awk >"$in"

# The shipped library when there is one, else the test fixtures.
export TKT_DATADIR="$PWD/share/tkt" TKT_CONFIG="$PWD/$out/config.yaml"
if ls share/tkt/templates/*.yaml >/dev/null 2>&1; then
	: >"$TKT_CONFIG"
	lib="share/tkt/templates"
else
	printf 'templates:\n  - %s\n' "$PWD/test/fixtures/template/templates" >"$TKT_CONFIG"
	lib="test/fixtures/template/templates"
fi
bin=cmd/tkt-template
[ -x "$bin" ] || make -s all

echo "tkt-template render --auto: $N records, $(wc -c <"$in") bytes, templates from $lib"
hyperfine -N -i --warmup 1 --runs 5 --export-json "$out/template.json" \
    --output=null "$bin render --auto $in" >/dev/null 2>&1 ||
    hyperfine -i --warmup 1 --runs 5 --export-json "$out/template.json" \
    "$bin render --auto $in >/dev/null 2>&1" >/dev/null
mean=$(jq '.results[0].mean' "$out/template.json")
sd=$(jq '.results[0].stddev' "$out/template.json")
rate=$(awk -v n="$N" -v m="$mean" 'BEGIN { printf "%d", n / m }')
echo "  mean ${mean}s (sd ${sd}s): $rate records/s"

head -n 1 "$in" >"$out/one.jsonl"
/usr/bin/time -f %M -o "$out/rss.one" "$bin" render --auto "$out/one.jsonl" >/dev/null 2>&1 || true
/usr/bin/time -f %M -o "$out/rss.all" "$bin" render --auto "$in" >"$out/rendered.jsonl" 2>/dev/null || true
one=$(tail -n 1 "$out/rss.one")
all=$(tail -n 1 "$out/rss.all")
echo "  peak RSS: ${all} KB for all, ${one} KB for one record: $((all - one)) KB above start-up"

# The reply is the last member of each output record (none came in with one).
sed 's/,"reply":{.*}}$/}/' "$out/rendered.jsonl" >"$out/stripped.jsonl"
if cmp -s "$in" "$out/stripped.jsonl"; then
	echo "  output minus reply: identical to the input ($N records)"
	same=1
else
	echo "  output minus reply DIFFERS from the input" >&2
	same=0
fi

fail=0
[ "$rate" -ge 100000 ] || { echo "FAIL: under 100000 records/s" >&2; fail=1; }
[ $((all - one)) -lt 16384 ] || { echo "FAIL: 16 MB or more above start-up" >&2; fail=1; }
[ "$same" = 1 ] || fail=1
exit $fail
