#!/bin/sh
# run.sh [SECONDS [NAME ...]]: runs each fuzz target that make fuzz built
# (test/fuzz/build/fuzz-NAME; all of them when no NAME is given) for
# SECONDS (25) over its seed corpus, test/fuzz/NAME/, and what it found in
# earlier runs, test/fuzz/build/corpus/NAME/ (new inputs go there, never
# into the seeds).  The seeds are replayed first, so a corpus file that
# once crashed a target is a regression test.  Prints one TAP line per
# target, "ok N fuzz NAME: X runs in S s" or "not ok N fuzz NAME: …" with
# the end of its log and the input that failed, kept in
# test/fuzz/build/NAME-crash-* (replay it: test/fuzz/build/fuzz-NAME FILE;
# TKT_FUZZ_VERBOSE=1 shows what the library printed).  Exits 1 when a
# target failed.
set -u
cd "$(dirname "$0")/../.."

secs=${1:-25}
[ $# -gt 0 ] && shift
build=test/fuzz/build
if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(for f in test/fuzz/*.c; do basename "$f" .c; done)
fi
# Stop at the first error, with a stack; keep leak checks.
export ASAN_OPTIONS="${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"

n=0
status=0
echo "1..$(echo $names | wc -w)"
for name in $names; do
	n=$((n + 1))
	bin=$build/fuzz-$name
	log=$build/$name.log
	if [ ! -x "$bin" ] || [ ! -d "test/fuzz/$name" ]; then
		echo "not ok $n fuzz $name: no $bin or no test/fuzz/$name/ (make fuzz)"
		status=1
		continue
	fi
	mkdir -p "$build/corpus/$name"
	rm -f "$build/$name"-crash-* "$build/$name"-leak-* \
	    "$build/$name"-timeout-* "$build/$name"-oom-*
	"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$build/$name-" \
	    "$build/corpus/$name" "test/fuzz/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	took=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" |
	    tail -n 1)
	if [ $rc = 0 ] && [ -n "$runs" ]; then
		echo "ok $n fuzz $name: $runs runs in ${took:-$secs} s"
		continue
	fi
	status=1
	echo "not ok $n fuzz $name: exit $rc after ${runs:-?} runs"
	# What failed, and where: the invariant or the sanitizer's report.
	grep -a -A12 -m1 'invariant failed\|ERROR: \|runtime error' "$log" |
	    sed 's/^/# /'
	for f in "$build/$name"-*-*; do
		[ -f "$f" ] && echo "# input kept in $f"
	done
done
exit $status
