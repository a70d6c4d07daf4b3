#!/bin/sh
# metrics.sh [N]: tkt-metrics against the jq and Python baselines on N
# generated records (default 200000): checks that the three agree on
# tickets by state, first-response p50/p90 and the late rate, times them
# with hyperfine in one run, prints the ratios, then the peak RSS of
# tkt-metrics on 1,000,000 records (BIG=N to change).  The same run times
# the floor too: yajlscan.c, every line through yajl with nothing built
# (target: tkt-metrics within 1.3x of it, by the medians).
set -eu

cd "$(dirname "$0")/../.."
n=${1:-200000}
big=${BIG:-1000000}
now=2026-11-23T12:00:00Z
epoch=$(date -u -d "$now" +%s 2>/dev/null || date -u -j -f %Y-%m-%dT%H:%M:%SZ "$now" +%s)
dir=${TMPDIR:-/tmp}/tkt-bench-metrics
mkdir -p "$dir"
data="$dir/records-$n.jsonl"
metrics=cmd/tkt-metrics
for t in hyperfine jq python3; do
	command -v "$t" >/dev/null || { echo "metrics.sh: $t is needed" >&2; exit 2; }
done
[ -x "$metrics" ] || { echo "metrics.sh: build first (make)" >&2; exit 2; }
out=test/bench/out
mkdir -p "$out"
cc -O2 -o "$out/yajlscan" test/bench/yajlscan.c $(pkg-config --cflags --libs yajl)

[ -s "$data" ] || python3 test/bench/genrecords.py "$n" >"$data"
printf '%s records, %s bytes\n' "$n" "$(wc -c <"$data" | tr -d ' ')"

# The same numbers from all three, or the timing means nothing.
pick='{tickets, by_state, first_response_s: {p50: .first_response_s.p50, p90: .first_response_s.p90}, late_rate}'
"$metrics" --json --now "$now" "$data" | jq -cS "$pick" >"$dir/tkt.json"
jq -n --argjson now "$epoch" --argjson sla 172800 -f test/bench/metrics.jq \
    <"$data" | jq -cS . >"$dir/jq.json"
python3 test/bench/metrics.py "$now" <"$data" | jq -cS . >"$dir/py.json"
cat "$dir/tkt.json"
if ! cmp -s "$dir/tkt.json" "$dir/jq.json" || ! cmp -s "$dir/tkt.json" "$dir/py.json"; then
	echo "metrics.sh: the numbers differ:" >&2
	cat "$dir/jq.json" "$dir/py.json" >&2
	exit 1
fi
echo "jq, Python and tkt-metrics agree"
"$out/yajlscan" "$data" || { echo "metrics.sh: yajlscan refuses $data" >&2; exit 1; }

hyperfine -N --warmup 1 --runs "${RUNS:-5}" --export-json "$dir/times.json" \
    -n jq "jq -n --argjson now $epoch --argjson sla 172800 -f test/bench/metrics.jq $data" \
    -n python "sh -c 'python3 test/bench/metrics.py $now <$data'" \
    -n tkt-metrics "$metrics --json --now $now $data" \
    -n yajl-scan "$out/yajlscan $data"
jq -r '.results | map({(.command): .mean}) | add
    | "tkt-metrics is \(.jq / .["tkt-metrics"] * 10 | floor / 10)x faster than jq (target 10x), \(.python / .["tkt-metrics"] * 10 | floor / 10)x faster than Python (target 3x)"' \
    "$dir/times.json"
# The medians; the user CPU times too, which a busy machine moves less.
jq -r '.results | map({(.command): [.median, .user]}) | add
    | "\(.["tkt-metrics"][0] / .["yajl-scan"][0]) \(.["tkt-metrics"][1] / .["yajl-scan"][1])"' \
    "$dir/times.json" | {
	read -r wall user
	LC_ALL=C printf 'tkt-metrics / yajl scan: %.2f (target 1.3); user CPU time %.2f\n' \
	    "$wall" "$user"
}
uptime | sed 's/.*load average/load average/'

# Peak memory on a million records, streamed from the generator.
command -v /usr/bin/time >/dev/null || { echo "metrics.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
bigdata="$dir/records-$big.jsonl"
[ -s "$bigdata" ] || python3 test/bench/genrecords.py "$big" >"$bigdata"
/usr/bin/time -v "$metrics" --json --now "$now" "$bigdata" 2>"$dir/rss.txt" >/dev/null
rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$dir/rss.txt")
printf 'peak RSS for %s records: %s KB (target < 32768 KB)\n' "$big" "$rss"
[ "$rss" -lt 32768 ]
