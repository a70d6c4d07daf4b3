#!/bin/sh
# lint.sh: tkt-template lint --strict over the shipped library, every
# template in the ten languages it requires (en fr de es it nl pt pl sv
# ja), as a CI job that checks templates runs it.  Prints the median wall
# time (hyperfine), the texts linted per second, the instructions
# (callgrind, which does not drift with the machine's load) and, as the
# baseline, the same lint with the policy rules' word lists empty
# (TKT_DATADIR pointing at a copy without them): the ratio is what the
# word lists of ten languages cost.  RUNS=… changes hyperfine's runs (10).
set -eu
cd "$(dirname "$0")/../.."
RUNS=${RUNS:-10}
out=test/bench/out
mkdir -p "$out"
langs=en,fr,de,es,it,nl,pt,pl,sv,ja
bin=$PWD/cmd/tkt-template
[ -x "$bin" ] || { echo "lint.sh: build first (make)" >&2; exit 2; }
files=$(ls share/tkt/templates/*.yaml)
ntexts=$(( $(echo "$files" | wc -l) * 10 ))

# The baseline's data: the same files, the word lists empty.
base=$out/lint-nolists
rm -rf "$base"
mkdir -p "$base/lint"
cp -R share/tkt/record-fields share/tkt/templates "$base/"
for f in share/tkt/lint/*; do : >"$base/lint/$(basename "$f")"; done
export TKT_CONFIG=/dev/null

uptime
TKT_DATADIR=$PWD/share/tkt "$bin" lint --strict --require-locales "$langs" \
    $files || { echo "lint.sh: the shipped library does not lint clean" >&2
    exit 1; }
hyperfine -N -w 2 -r "$RUNS" --export-json "$out/lint.json" \
    -n lists "env TKT_DATADIR=$PWD/share/tkt $bin lint --strict --require-locales $langs $files" \
    -n nolists "env TKT_DATADIR=$PWD/$base $bin lint --strict --require-locales $langs $files" \
    >/dev/null
jq -r --argjson n "$ntexts" '
	(.results[] | select(.command == "lists") | .median) as $a |
	(.results[] | select(.command == "nolists") | .median) as $b |
	"lint, \($n) texts: median \($a * 1000 | floor) ms, \($n / $a | floor) texts/s; without word lists \($b * 1000 | floor) ms; ratio \($a / $b * 100 | floor / 100)"
' "$out/lint.json"
for d in share/tkt "$base"; do
	TKT_DATADIR=$PWD/$d valgrind --tool=callgrind \
	    --callgrind-out-file=/dev/null "$bin" lint --strict \
	    --require-locales "$langs" $files 2>&1 |
	    sed -n "s|.*Collected : \([0-9]*\)|callgrind ($d): \1 instructions|p"
done
uptime
