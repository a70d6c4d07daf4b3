# soak_helper.bash: the fault soaks of the action tools, each a function
# of its size, so that one body serves twice: make check runs them short
# (tkt-close.bats, tkt-reply.bats), make soak long (test/soak/).  Loaded
# after test_helper and action_helper; the reply soaks send $TEXT.

# refund_soak N: N ORDER tickets refunded and closed by tkt-close --refund
# -P 8 through about 20 % faults: every record out, in order and ok, every
# order refunded exactly once, every ticket closed once, the journal whole.
refund_soak() {
	local n=$1 d="$BATS_TEST_TMPDIR" faults bad rf cl nref
	STORE="$d/soak.jsonl"
	start_sandbox -d "$STORE" --seed 3 --tickets $((n * 31 / 10)) --now "$TEST_NOW"
	# The tickets as the store has them, orders' states and all: what the
	# history is checked against.
	jq -c "select(.type == \"ORDER\" and (.orders | length) > 0 and $REFUNDABLE) | .store = \"env\"" "$STORE" |
	    head -n "$n" >"$d/in.jsonl"
	[ "$(wc -l <"$d/in.jsonl")" -eq "$n" ]
	# What tkt-close reads: those records on v2; on v3 the tickets as
	# tkt-list gives them, which name their orders without their states.
	case $TKT_TEST_API in
	v2) cp "$d/in.jsonl" "$d/recs.jsonl" ;;
	v3) tkt-list -P 8 - <"$d/in.jsonl" >"$d/recs.jsonl" ;;
	esac
	stop_sandbox
	cmp <(jq -r .id "$d/in.jsonl") <(jq -r .id "$d/recs.jsonl")
	rf=$(at refund) cl=$(at close)
	faults='nth=50:429,nth=1500:429'
	faults+=",500:0.04@$rf,503:0.03@$rf,drop-before:0.04@$rf"
	faults+=",drop-after:0.05@$rf,garbage:0.02@$rf,slow=1200:0.001@$rf"
	faults+=",500:0.04@$cl,502:0.03@$cl,drop-before:0.04@$cl"
	faults+=",drop-after:0.05@$cl,garbage:0.02@$cl"
	faults+=',500:0.01,garbage:0.01,slow=40:0.02'
	start_sandbox -d "$STORE" --seed 3 --now "$TEST_NOW" --faults "$faults"
	run -0 bash -c 'TKT_TIMEOUT=1s TKT_CONNECT_TIMEOUT=2s TKT_RETRIES=8 \
	    tkt-close -v --refund -P 8 "$1" >"$2" 2>"$3"' _ "$d/recs.jsonl" "$d/out.jsonl" "$d/err"
	cp "$STORE" "$d/after.jsonl"	# before the sandbox compacts it
	stop_sandbox
	# Nothing but the request log on stderr, and the faults did happen.
	[ -z "$(grep -v '^tkt-close: \(GET\|POST\|PUT\) ' "$d/err")" ]
	[ "$(grep -c ' \(500\|502\|503\|429\) [0-9]*ms \| failed after ' "$d/err")" -ge $((n * 3 / 20)) ]
	# Every record out, in input order, each a success.
	cmp <(jq -r .id "$d/in.jsonl") <(jq -r .id "$d/out.jsonl")
	[ "$(jq -r 'select(.result.ok != true) | .id' "$d/out.jsonl" | wc -l)" -eq 0 ]
	# The store's history: each order that was not refunded went to
	# REFUNDED exactly once, each open ticket was closed once, nothing else.
	jq -c '{id, state, orders: [.orders[] | {id, state}]}' "$d/after.jsonl" >"$d/hist.jsonl"
	bad=$(jq -n -c --slurpfile h "$d/hist.jsonl" --slurpfile i "$d/in.jsonl" '
	    (reduce $h[] as $l ({}; .[$l.id] += [$l])) as $by
	    | def closed: .state == "CLOSED" or .state == "PERMANENTLY_CLOSED";
	    [ $i[] | . as $t | $by[$t.id] as $ls
	    | ([$t.orders[] | select(.state != "REFUNDED")] | length) as $need
	    | select(($ls | length) != 1 + $need + (if ($t | closed) then 0 else 1 end)
	        or ($ls[-1] | closed | not)
	        or any($ls[-1].orders[]; .state != "REFUNDED")
	        or any($t.orders[]; . as $o | [$ls[] | .orders[] | select(.id == $o.id) |
	            .state == "REFUNDED"] | [range(1; length) as $k | select(.[$k] and
	            (.[$k - 1] | not))] | length != (if $o.state == "REFUNDED" then 0 else 1 end)))
	    | $t.id ]')
	[ "$bad" = "[]" ] || { echo "wrong history: $bad"; return 1; }
	# The journal: one done line per refund and per close, no key done
	# twice.  A v3 record does not show an order refunded already: its
	# order, read first, does, and it is journalled like the others.
	[ "$(awk -F '\t' '$3 == "close" && $7 == "done"' "$JOURNAL" | wc -l)" -eq "$n" ]
	case $TKT_TEST_API in
	v2) nref=$(jq '[.orders[] | select(.state != "REFUNDED")] | length' "$d/in.jsonl" | paste -sd+ | bc) ;;
	v3) nref=$(jq '.orders | length' "$d/in.jsonl" | paste -sd+ | bc) ;;
	esac
	[ "$(awk -F '\t' '$3 == "refund" && $7 == "done"' "$JOURNAL" | wc -l)" -eq "$nref" ]
	[ -z "$(awk -F '\t' '$7 == "done"' "$JOURNAL" | cut -f 1-5 | sort | uniq -d)" ]
	[ -z "$(awk -F '\t' 'NF != 7 || ($7 != "done" && $7 != "intent" && $7 != "requested" && $7 != "failed")' "$JOURNAL")" ]
}

# reply_soak N: N tickets through tkt-reply --resolve -P 8 with about 20 %
# faults: each answered and closed exactly once.
reply_soak() {
	local n=$1
	stop_sandbox
	STORE="$BATS_TEST_TMPDIR/soak.jsonl"
	start_sandbox -d "$STORE" --seed 21 --tickets $((n * 21 / 10)) --now "$TEST_NOW"
	tkt-list --limit "$n" | jq -r .id >"$BATS_TEST_TMPDIR/ids"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/ids")" -eq "$n" ]
	stop_sandbox
	start_sandbox -d "$STORE" --seed 22 --now "$TEST_NOW" --faults \
	    '500:0.05,503:0.05,429:0.01,drop-before:0.04,drop-after:0.04,slow=100:0.02'
	export TKT_RETRIES=8 TKT_TIMEOUT=5s TKT_BACKOFF=20ms
	run --separate-stderr tkt-reply --resolve -P 8 -m "$TEXT" "$BATS_TEST_TMPDIR/ids"
	echo "$stderr" | head -n 5
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq "$n" ]
	diff "$BATS_TEST_TMPDIR/ids" <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok)'
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	run -0 bash -c "tkt-list - <'$BATS_TEST_TMPDIR/ids' | jq -r --arg t '$TEXT' \
	    '[.state, ([.replies[] | select(.sender == \"MERCHANT\" and .message == \$t)] | length)] | @tsv' |
	    sort | uniq -c"
	[ "$(echo $output)" = "$n CLOSED 1" ]
}

# reply_soak_429 N (v3): N tickets through tkt-reply --resolve -P 8, 23 %
# of the writes failing (500s, 429s that alone carry rate headers, cuts
# after applying): in under 30 s, one reply each, and a re-run sends
# nothing.
reply_soak_429() {
	local n=$1 f d="$BATS_TEST_TMPDIR" t0 t1 w
	stop_sandbox
	STORE="$d/soak.jsonl"
	start_sandbox -d "$STORE" --seed 31 --tickets $((n * 9 / 4)) --now "$TEST_NOW"
	tkt-list --limit "$n" >"$d/in.jsonl"
	[ "$(wc -l <"$d/in.jsonl")" -eq "$n" ]
	stop_sandbox
	# Each rule for the replies (POST) and the closes (PUT); the first
	# that fires wins: 1 - 0.92 * 0.92 * 0.91 = 23 % of the writes fail.
	for w in POST PUT; do
		f+="500:0.08@$w/api/v3/tickets,429:0.08@$w/api/v3/tickets,drop-after:0.09@$w/api/v3/tickets,"
	done
	start_sandbox -d "$STORE" --seed 32 --now "$TEST_NOW" --rate-headers 429 --faults "${f%,}"
	t0=$EPOCHREALTIME
	run -0 --separate-stderr env TKT_TIMEOUT=5s tkt-reply -v --resolve -P 8 -m "$TEXT" "$d/in.jsonl"
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 30) }' || { echo "took $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"; return 1; }
	# The faults did happen, and the 429s alone carried rate headers.
	[ "$(printf '%s\n' "$stderr" | grep -c ' 429 ')" -ge $((n / 20)) ]
	[ "$(printf '%s\n' "$stderr" | grep -c ' 500 ')" -ge $((n / 20)) ]
	[ "$(printf '%s\n' "$stderr" | grep -c ' failed after ')" -ge $((n / 20)) ]
	[ -z "$(printf '%s\n' "$stderr" | grep ' 200 ' | grep -v 'remaining=- reset=-')" ]
	# Every record out, in order, ok; each ticket one reply, closed.
	diff <(jq -r .id "$d/in.jsonl") <(printf '%s\n' "$output" | jq -r .id)
	printf '%s\n' "$output" | jq -e -s --argjson n "$n" 'length == $n and all(.[]; .result.ok)'
	stop_sandbox
	start_sandbox -d "$STORE" --now "$TEST_NOW"
	run -0 bash -c "jq -r .id '$d/in.jsonl' | tkt-list -P 8 - | jq -r --arg t '$TEXT' \
	    '[.state, ([.replies[] | select(.sender == \"MERCHANT\" and .message == \$t)] | length)] | @tsv' |
	    sort | uniq -c"
	[ "$(echo $output)" = "$n CLOSED 1" ]
	# The same run again sends nothing.
	run -0 --separate-stderr tkt-reply -v --resolve -P 8 -m "$TEXT" "$d/in.jsonl"
	[ -z "$(printf '%s\n' "$stderr" | grep -E '^tkt-reply: (POST|PUT) ')" ]
	printf '%s\n' "$output" | jq -e -s --argjson n "$n" 'length == $n and all(.[]; .result.ok and .result.skipped)'
}
