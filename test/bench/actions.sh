#!/bin/sh
# actions.sh: the action engine against tkt-sandbox, on N tickets (10,000).
#  1. tkt-reply -P 8 -m TEXT over N action-required records against the
#     loop a user writes today (one curl per id), each timed run on a
#     fresh sandbox from the same store; the loop over CURL_N ids (1,000)
#     and extrapolated per reply.  Targets: 30x the loop, 2,000 replies/s.
#  2. The same against a sandbox with --rate RATE/s (1000), tkt-reply
#     without and with --rate: the 429s it provoked (its -v log).  Target: 0.
#  3. Soak at about 20 % faults (FAULTS): tkt-reply --resolve, the same
#     against a sandbox that sends rate headers only with its 429s
#     (--rate-headers 429, a server the pacer once starved), and tkt-close
#     --refund --reason SHIPPING_TAKING_TOO_LONG over N ORDER tickets
#     (v3's refunds are asynchronous: read, sent, polled): duplicates and
#     losses (target 0 and 0), time against the same run without faults.
# The tools speak API v3, the default; the curl loop posts v3's reply.
# Every run is checked in the sandbox's store: each ticket has exactly one
# merchant reply with our text (and is closed), each order was refunded
# once; the output has N records, in input order, all ok.  RUNS=3 timed
# runs a case (hyperfine medians), CURL_RUNS=1, SOAK_RUNS=1; PARTS=3 runs
# the soaks alone (default 123).  The figures
# of the last run are in test/bench/README.
set -eu
. "$(dirname "$0")/sandbox.sh"
cd "$top"
make -s all
for t in hyperfine jq curl; do
	command -v $t >/dev/null || { echo "actions.sh: $t is needed" >&2; exit 2; }
done
N=${N:-10000} CURL_N=${CURL_N:-1000} RATE=${RATE:-1000} RUNS=${RUNS:-3}
# PARTS: which of the three parts run (PARTS=3: the soaks alone).
PARTS=${PARTS:-123}
FAULTS=${FAULTS:-500:0.05,503:0.05,429:0.03,drop-before:0.03,drop-after:0.03,slow=200:0.03}
export FAULTS
text='Thank you for your message. We are looking into it and will write again within a day.'
trap unserve EXIT
fail=0
no() { echo "FAIL: $*"; fail=1; }
# sound DUPLICATES LOSSES DISORDER: fails unless all are 0.
sound() {
	[ "$1" -eq 0 ] || no "$1 duplicates"
	[ "$2" -eq 0 ] || no "$2 losses"
	[ "$3" -eq 0 ] || no "the output is not the input's records in order"
}
num() { jq -r "$1" "$2"; }
calc() { awk "BEGIN { printf \"$1\", $2 }"; }

echo "actions.sh: $N tickets, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"

# Two stores cut from one seeded sandbox: the first N tickets awaiting the
# merchant, and the first N of those about orders (type ORDER).
m=$((N * 43 / 10))
gen="$out/actions.gen.$m.jsonl"
[ -s "$gen" ] || { serve -d "$gen" --seed 7 --tickets "$m"; unserve; }
pick() {
	[ -s "$2" ] || jq -c "select($1)" "$gen" | head -n "$N" >"$2"
	[ "$(wc -l <"$2")" -eq "$N" ] ||
	    { echo "actions.sh: fewer than $N tickets with $1 in $gen" >&2; exit 2; }
}
rstore="$out/actions.reply.$N.jsonl"
fstore="$out/actions.refund.$N.jsonl"
pick '.state == "AWAITING_MERCHANT"' "$rstore"
pick '.state == "AWAITING_MERCHANT" and .type == "ORDER"' "$fstore"
# The records, as tkt-list writes them.
rrecs="$out/actions.reply.$N.records"
frecs="$out/actions.refund.$N.records"
[ -s "$rrecs" ] || { fresh "$rstore"; tkt-list >"$rrecs"; unserve; }
[ -s "$frecs" ] || { fresh "$fstore"; tkt-list >"$frecs"; unserve; }
jq -r .id "$rrecs" >"$out/actions.ids"
head -n "$CURL_N" "$out/actions.ids" >"$out/actions.ids.$CURL_N"

prep="sh $top/test/bench/sandbox.sh fresh"
url="\$(head -n 1 $out/origin)"

# replied OUT RECORDS [close]: checks output OUT of a run over RECORDS,
# and the store of the sandbox still running (a later line for a ticket
# replaces an earlier one): prints "DUPLICATES LOSSES DISORDER".  A
# duplicate is a ticket with more than one merchant reply of our text, a
# loss one without it (or not closed), or whose record is missing or
# failed; DISORDER is 1 when the output's ids are not the input's, in order.
replied() {
	ordered "$1" "$2"
	jq -rn --arg t "$text" --arg close "${3:-}" --rawfile ok "$out/ok.ids" '
	    ($ok | split("\n") | map({(.): true}) | add) as $ok
	    | reduce inputs as $r ({}; .[$r.id] = [([$r.replies[] |
		select(.sender == "MERCHANT" and .message == $t)] | length),
		$r.state])
	    | reduce to_entries[] as $e ({dup: 0, lost: 0};
		if $e.value[0] > 1 then .dup += 1 else . end
		| if $e.value[0] == 0 or ($close != "" and
		    $e.value[1] != "CLOSED") or ($ok[$e.key] | not)
		  then .lost += 1 else . end)
	    | "\(.dup) \(.lost) \($ENV.disorder)"' "$out/run.jsonl"
}

# ordered OUT RECORDS: the ids of the ok records into $out/ok.ids, and
# disorder=1 when OUT's ids are not RECORDS' in the same order.
ordered() {
	jq -r 'select(.result.ok) | .id' "$1" >"$out/ok.ids"
	disorder=0
	jq -r .id "$1" >"$out/out.ids"
	jq -r .id "$2" | cmp -s - "$out/out.ids" || disorder=1
	export disorder
}

# refunded OUT RECORDS: the same for refunds.  An order counts a refund
# for each line that moves it from another state to REFUNDED; a loss is
# an order never refunded, a ticket not closed, a record missing or failed.
refunded() {
	ordered "$1" "$2"
	jq -rn --rawfile ok "$out/ok.ids" '
	    ($ok | split("\n") | map({(.): true}) | add) as $ok
	    | reduce inputs as $r ({o: {}, n: {}, t: {}};
		reduce $r.orders[] as $x (.;
		    if .o[$x.id] != null and .o[$x.id] != "REFUNDED" and
			$x.state == "REFUNDED" then .n[$x.id] += 1 else . end
		    | .o[$x.id] = $x.state)
		| .t[$r.id] = $r.state)
	    | [(.n | map(select(. > 1)) | length),
	       ((.o | to_entries | map(select(.value != "REFUNDED")) | length) +
	        (.t | to_entries | map(select(.value != "CLOSED" or
		    ($ok[.key] | not))) | length))]
	    | "\(.[0]) \(.[1]) \($ENV.disorder)"' "$out/run.jsonl"
}

case $PARTS in *1*)
# 1. tkt-reply against the curl loop.
hyperfine -i --runs "$RUNS" --export-json "$out/actions.reply.json" \
    --prepare "$prep $rstore" -n tkt-reply \
    "TKT_API_URL=$url tkt-reply -P 8 -m '$text' $rrecs >$out/reply.out" \
    >/dev/null
set -- $(replied "$out/reply.out" "$rrecs")
unserve
sound "$@"
t=$(num '.results[0].median' "$out/actions.reply.json")
rps=$(calc %d "$N / $t")
echo "tkt-reply -P 8: median $(calc %.2f "$t") s for $N replies = $rps replies/s" \
    "(target 2000/s); duplicates $1, losses $2"
[ "$rps" -ge 2000 ] || no "under 2000 replies/s"

hyperfine -i --runs "${CURL_RUNS:-1}" --export-json "$out/actions.curl.json" \
    --prepare "$prep $rstore" -n curl-loop \
    "U=$url; while read id; do curl -s -X POST -H 'Authorization: Bearer t' -H 'Content-Type: application/json' --data '{\"message\":\"$text\"}' \"\$U/api/v3/tickets/\$id/replies\"; done <$out/actions.ids.$CURL_N >$out/curl.out" \
    >/dev/null
unserve
ok=$(grep -o '"code":0' "$out/curl.out" | wc -l)
c=$(num '.results[0].median' "$out/actions.curl.json")
per=$(calc %.6f "$c / $CURL_N")
echo "curl loop: $(calc %.2f "$c") s for $CURL_N replies ($ok answered code 0) =" \
    "$(calc %.1f "$per * 1000") ms a reply; for $N, extrapolated: $(calc %.0f "$per * $N") s"
[ "$ok" -eq "$CURL_N" ] || no "the curl loop did not reply to every ticket"
ratio=$(calc %.1f "$per * $N / $t")
echo "tkt-reply is ${ratio}x faster than the curl loop (target 30x; the loop" \
    "timed over $CURL_N ids, per reply)"
[ "$(calc %d "$ratio")" -ge 30 ] || no "under 30x the curl loop"

;; esac

case $PARTS in *2*)
# 2. Against --rate: the 429s provoked.  The bucket starts full (RATE
# requests), so N requests cannot take less than N/RATE - 1 seconds.
ideal=$(calc %.1f "$N / $RATE - 1")
for flags in "" "--rate $RATE/s"; do
	: >"$out/rate.log"
	hyperfine -i --runs "$RUNS" --export-json "$out/actions.rate.json" \
	    --prepare "$prep $rstore --rate $RATE/s" -n rate \
	    "TKT_API_URL=$url tkt-reply -v -P 8 $flags -m '$text' $rrecs >$out/rate.out 2>>$out/rate.log" \
	    >/dev/null
	set -- $(replied "$out/rate.out" "$rrecs")
	unserve
	sound "$@"
	n429=$(grep -c ' 429 ' "$out/rate.log" || true)
	echo "sandbox --rate $RATE/s, tkt-reply -P 8 ${flags:-(no --rate)}:" \
	    "median $(calc %.2f "$(num '.results[0].median' "$out/actions.rate.json")")" \
	    "s (at least $ideal s); 429s: $n429 in $RUNS runs (target 0);" \
	    "duplicates $1, losses $2"
	[ "$n429" -eq 0 ] || no "429s provoked"
done

;; esac

case $PARTS in *3*)
# 3. The soak.  Rules are tried in order and the first failing one wins;
# slow= adds its delay to whatever happens.
echo "$FAULTS" | tr , '\n' | awk -F: '
    { p = $2 == "" ? 1 : $2; if ($1 ~ /^slow=/) s = 1 - (1 - s) * (1 - p);
      else f = 1 - (1 - f) * (1 - p) }
    END { printf "soak: --faults %s: about %.0f %% of requests " \
	"(%.1f %% failing, %.1f %% slow)\n", ENVIRON["FAULTS"],
	100 * (1 - (1 - f) * (1 - s)), 100 * f, 100 * s }'
# The delay slow= rules add to a request, on average, in ms.
slow=$(echo "$FAULTS" | tr , '\n' | awk -F'[=:@]' '$1 == "slow" {
    t += $2 * ($3 == "" ? 1 : $3) } END { print t + 0 }')
# soak NAME STORE RECORDS CHECK SANDBOX-FLAGS CMD: CMD over RECORDS without
# and with faults; prints the time ratio, what the faults did, duplicates,
# losses.
soak() {
	name=$1 store=$2 recs=$3 check=$4 sbflags=$5
	shift 5
	for f in 0 1; do
		ff=$sbflags
		[ $f = 0 ] || ff="$sbflags --seed 7 --faults $FAULTS"
		hyperfine -i --runs "${SOAK_RUNS:-1}" \
		    --export-json "$out/actions.soak$f.json" \
		    --prepare "$prep $store $ff" -n soak \
		    "TKT_API_URL=$url $* $recs >$out/soak$f.out 2>$out/soak$f.log" \
		    >/dev/null
		set -- $($check "$out/soak$f.out" "$recs" close) "$@"
		unserve
		sound "$1" "$2" "$3"
		eval "d$f=$1 l$f=$2"
		shift 3
	done
	t0=$(num '.results[0].median' "$out/actions.soak0.json")
	t1=$(num '.results[0].median' "$out/actions.soak1.json")
	log="$out/soak1.log"
	echo "soak $name: $(calc %.1f "$t1") s with faults, $(calc %.1f "$t0") s" \
	    "without = $(calc %.1f "$t1 / $t0")x; records $(wc -l <"$out/soak1.out")," \
	    "ok $(grep -c '"result":{[^}]*"ok":true' "$out/soak1.out");" \
	    "duplicates $d1, losses $l1 (without faults: $d0, $l0)"
	n=$(grep -c '^[a-z-]*: [A-Z]* /' "$log" || true)
	echo "  $n attempts: the slow= faults alone hold the 8 connections" \
	    "$(calc %.1f "$n * $slow / 1000 / 8") s;" \
	    "$(grep -c ' 500 ' "$log") 500, $(grep -c ' 503 ' "$log") 503," \
	    "$(grep -c ' 429 ' "$log") 429, $(grep -c ' failed after ' "$log") cut" \
	    "without an answer; $(grep -c 'GET /api/v3/\(tickets\|orders\)/' "$log") reads" \
	    "(read-backs, and v3's orders read and polled);" \
	    "$(grep -c '\(POST\|PUT\) [^ ]* 400 ' "$log") sends refused as done already" \
	    "(libcurl sends a request again by itself when a reused connection" \
	    "dies without an answer; the read-back then confirms it)"
}
soak "tkt-reply --resolve" "$rstore" "$rrecs" replied "" \
    tkt-reply --resolve -v -P 8 -m "'$text'"
soak "tkt-reply --resolve, rate headers on 429s only" "$rstore" "$rrecs" \
    replied "--rate-headers 429" tkt-reply --resolve -v -P 8 -m "'$text'"
soak "tkt-close --refund --reason SHIPPING_TAKING_TOO_LONG ($(jq '.orders | length' "$fstore" |
    awk '{ n += $1 } END { print n }') orders)" "$fstore" "$frecs" refunded "" \
    tkt-close --refund --reason SHIPPING_TAKING_TOO_LONG -v -P 8
;; esac
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
exit $fail
