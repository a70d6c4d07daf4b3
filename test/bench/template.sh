#!/bin/sh
# template.sh: tkt-template render --auto over N generated records (200,000,
# about 800 bytes each, gen-records.awk), two inputs:
#   mixed: the records as gen-records.awk draws them (about half answered);
#     records per second with stdout on /dev/null, peak RSS above start-up
#     (/usr/bin/time), and a byte-for-byte check that the output minus
#     "reply" is the input.  Fails under 100,000 records/s or at 16 MB
#     above start-up.
#   half: every other record answered by no template (half=1); stdout and
#     stderr through a pipe, as in tkt-list | tkt-template | tkt-reply.
#     Fails under 150,000 records/s, when the replies' errors are not N/2,
#     or when the summary of unmatched tickets does not add up to N/2.
# The baseline is cat(1) through the same pipe.  N=… changes the count,
# RUNS=… the timed runs (5).  Prints the load average before and after:
# on a busy machine the rates are low.
set -eu
cd "$(dirname "$0")/../.."
N=${N:-200000}
RUNS=${RUNS:-5}
out=test/bench/out
mkdir -p "$out"
# Names of their own: record.sh's records.$N.jsonl are the sandbox's.
in="$out/tmpl-mixed.$N.jsonl"
half="$out/tmpl-half.$N.jsonl"
[ -s "$in" ] || awk -v n="$N" -f test/bench/gen-records.awk >"$in"
[ -s "$half" ] || awk -v n="$N" -v half=1 -f test/bench/gen-records.awk >"$half"

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
load() { cut -d' ' -f1-3 /proc/loadavg; }
rate() { jq -r --argjson n "$N" ".results[$1] | \"\\(.mean) \\(.stddev) \\(\$n / .mean | floor)\"" "$2"; }

echo "tkt-template render --auto: $N records, templates from $lib; $(nproc) CPUs, load $(load)"
echo "mixed: $(wc -c <"$in") bytes"
hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$out/template.json" \
    --output=null "$bin render --auto $in" >/dev/null 2>&1 ||
    hyperfine -i --warmup 1 --runs "$RUNS" --export-json "$out/template.json" \
    "$bin render --auto $in >/dev/null 2>&1" >/dev/null
set -- $(rate 0 "$out/template.json")
mixed=$3
echo "  mean ${1}s (sd ${2}s): $mixed records/s"

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

echo "half: $(wc -c <"$half") bytes, every other record answered by no template, through a pipe"
hyperfine -i --warmup 1 --runs "$RUNS" --export-json "$out/template-half.json" \
    "$bin render --auto $half 2>&1 | cat >/dev/null" \
    "cat $half 2>&1 | cat >/dev/null" >/dev/null
set -- $(rate 0 "$out/template-half.json")
hrate=$3
echo "  mean ${1}s (sd ${2}s): $hrate records/s (target 150000)"
set -- $(rate 1 "$out/template-half.json")
echo "  baseline cat | cat: mean ${1}s; tkt-template/cat: $(jq -r \
    '.results[0].mean / .results[1].mean * 10 | floor / 10' "$out/template-half.json")x"
"$bin" render --auto "$half" >"$out/half.out" 2>"$out/half.err" || true
errs=$(grep -c '"reply":{"template":null,"error":"no template matches' "$out/half.out" || true)
summed=$(awk '/ tickets? matched no template / { s += $2 } END { print s + 0 }' "$out/half.err")
echo "  $errs replies with no template; the summary counts $summed in $(wc -l <"$out/half.err") lines"
echo "load at the end $(load)"

fail=0
[ "$mixed" -ge 100000 ] || { echo "FAIL: mixed under 100000 records/s" >&2; fail=1; }
[ "$hrate" -ge 150000 ] || { echo "FAIL: half under 150000 records/s" >&2; fail=1; }
[ $((all - one)) -lt 16384 ] || { echo "FAIL: 16 MB or more above start-up" >&2; fail=1; }
[ "$errs" -eq $((N / 2)) ] && [ "$summed" -eq $((N / 2)) ] ||
    { echo "FAIL: unmatched records: $errs replies, $summed summed, $((N / 2)) made" >&2; fail=1; }
[ "$same" = 1 ] || fail=1
exit $fail
