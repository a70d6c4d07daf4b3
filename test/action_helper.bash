# action_helper.bash: loaded by the tests of the action tools, tkt-reply,
# tkt-close and tkt-appeal (after test_helper): a sandbox of the test's
# own, ways to read its store, and the wire form of the API version under
# test (TKT_TEST_API), so that each test checks the exact requests of the
# version it runs against.

AM='.state == "AWAITING_MERCHANT"'
# Tickets about orders whose own refund_reason refunds them: on v3 not
# "19", which the sandbox gives as USER_NO_LONGER_WANTS_ITEM, a ticket's
# reason that Wish's refunds do not take (tkt-close(1)).
REFUNDABLE='.refund_reason != null'
[ "${TKT_TEST_API:-v3}" = v2 ] || REFUNDABLE+=' and .refund_reason != "19"'
ORDER1='.state == "AWAITING_MERCHANT" and .type == "ORDER" and (.orders | length) == 1 and '"$REFUNDABLE"
ORDER2='.state == "AWAITING_MERCHANT" and .type == "ORDER" and (.orders | length) == 2 and '"$REFUNDABLE"

setup() {
	export TKT_NOW="$TEST_NOW"
	JOURNAL="$XDG_STATE_HOME/tkt/journal"
}

# jdone [STATE]: how many journal lines say STATE (done: a six-field line
# of an older version too).  Each write is journalled twice, its intent
# before it is sent and its outcome after (tkt(7)).
jdone() {
	[ -f "$JOURNAL" ] || { echo 0; return; }
	awk -F '\t' -v s="${1:-done}" '$7 == s || (s == "done" && NF == 6)' "$JOURNAL" | wc -l
}

# jopen: how many writes the journal leaves with an intent and no outcome.
jopen() {
	[ -f "$JOURNAL" ] || { echo 0; return; }
	awk -F '\t' '{ last[$1 "\t" $2 "\t" $3 "\t" $4 "\t" $5] = $7 }
	    END { for (k in last) n += last[k] == "intent"; print n + 0 }' "$JOURNAL"
}

teardown() {
	reap_sandboxes
	stop_sandbox
	stop_fake
}

# sandbox [options]: a sandbox of this test's own over $STORE (120
# tickets of every type and state, seed 7).
sandbox() {
	STORE="$BATS_TEST_TMPDIR/store.jsonl"
	start_sandbox -d "$STORE" --seed 7 --tickets 120 --now "$TEST_NOW" "$@"
}

# pick JQ-CONDITION [N]: the ids of the first N tickets of the store that match.
pick() {
	jq -r "select($1) | .id" "$STORE" | head -n "${2:-1}"
}

# stored ID: the ticket as the sandbox keeps it now (its last line in the
# store): a v3 ticket names its orders only, the store has their states.
stored() {
	jq -c --arg id "$1" 'select(.id == $id)' "$STORE" | tail -n 1
}

# orders ID: the ticket's order ids, one a line.
orders() {
	stored "$1" | jq -r '.orders[].id'
}

# state ID: the ticket's state, read through the API.
state() {
	tkt-list "$1" | jq -r .state
}

# changes [ID]: how many changes the sandbox appended for the ticket;
# without ID, the lines of the store, which grows by one a change (to
# compare before and after).
changes() {
	if [ $# -eq 0 ]; then
		wc -l <"$STORE"
		return
	fi
	echo $(($(grep -c "^{\"id\":\"$1\"" "$STORE") - 1))
}

# refunds ORDER: how many times the order went to REFUNDED in the store's history.
refunds() {
	jq -s --arg o "$1" '[.[] | .orders[] | select(.id == $o) |
	    .state == "REFUNDED"] | [range(1; length) as $k |
	    select(.[$k] and (.[$k - 1] | not))] | length' "$STORE"
}

# reqs: the -v request log in $stderr as "METHOD PATH STATUS" lines.
reqs() {
	printf '%s\n' "$stderr" | awk '$2 == "GET" || $2 == "POST" || $2 == "PUT" {
	    print $2, $3, $4 }'
}

# request ACTION ID [REASON [NOTE]]: the request a step sends, as a dry
# run shows it ({"method":...,"path":...,"body":...}).  ACTION is close,
# appeal, reopen or reply (ID a ticket; REASON the text of a re-open or a
# reply) or refund (ID an order).
request() {
	local m p b
	if [ "$TKT_TEST_API" = v2 ]; then
		m=POST
		case $1 in
		close) p=/api/v2/ticket/close b="id=$2" ;;
		appeal) p=/api/v2/ticket/appeal-to-wish-support b="id=$2" ;;
		reopen | reply)
			p=/api/v2/ticket/${1/reopen/re-open}
			b="id=$2&reply=$(jq -rn --arg s "$3" '$s | @uri')" ;;
		refund)
			p=/api/v2/order/refund b="id=$2&reason_code=$3"
			[ -z "${4:-}" ] || b+="&reason_note=$(jq -rn --arg s "$4" '$s | @uri')" ;;
		esac
	else
		m=PUT p=/api/v3/tickets/$2
		case $1 in
		close) b='{"state":"CLOSED"}' ;;
		appeal) b='{"state":"AWAITING_WISH"}' ;;
		reopen) b='{"state":"AWAITING_MERCHANT"}' ;;
		reply) m=POST p+=/replies b=$(jq -cn --arg m "$3" '{message: $m}') ;;
		refund)
			p=/api/v3/orders/$2/refund
			b=$(jq -cn --arg r "$3" --arg n "${4:-}" \
			    '{refund_reason: $r} + if $n == "" then {} else {refund_reason_note: $n} end') ;;
		esac
	fi
	req "$m" "$p" "$b"
}

# req METHOD PATH BODY: a request as a dry run shows it.
req() {
	jq -cn --arg m "$1" --arg p "$2" --arg b "$3" '{method: $m, path: $p, body: $b}'
}

# sent ACTION ID: that request as reqs shows it, "METHOD PATH".
sent() {
	request "$@" | jq -r '"\(.method) \(.path)"'
}

# read_of ID: the read of a ticket as reqs shows it, "GET PATH".
read_of() {
	case $TKT_TEST_API in
	v2) echo "GET /api/v2/ticket?id=$1" ;;
	v3) echo "GET /api/v3/tickets/$1" ;;
	esac
}

# refund_check ORDER TICKET: what a refund of unknown outcome is read back
# from: the ticket on v2, the order on v3.
refund_check() {
	case $TKT_TEST_API in
	v2) read_of "$2" ;;
	v3) echo "GET /api/v3/orders/$1" ;;
	esac
}

# refunded_seq ORDER: the requests of a refund that goes through at once,
# as reqs shows them.  On v2, the refund.  On v3, where a refund is
# asynchronous, the order read first, the refund, which Wish answers as in
# progress, and the order polled once (250 ms later, when the sandbox's
# --refund-delay 0 has it done).
refunded_seq() {
	case $TKT_TEST_API in
	v2) echo "$(sent refund "$1") 200" ;;
	v3) echo "GET /api/v3/orders/$1 200 $(sent refund "$1") 200 GET /api/v3/orders/$1 200" ;;
	esac
}

# at ACTION [ID]: the --faults rule target of a step's requests, its
# read-backs aside.  A v3 ticket's writes share their path with its read:
# there the method (PUT) tells them apart.
at() {
	case $TKT_TEST_API/$1 in
	v2/close) echo /api/v2/ticket/close ;;
	v2/appeal) echo /api/v2/ticket/appeal-to-wish-support ;;
	v2/reply) echo /api/v2/ticket/reply ;;
	v2/refund) echo /api/v2/order/refund ;;
	v3/close | v3/appeal) echo "PUT/api/v3/tickets${2:+/$2}" ;;
	v3/reply) echo "POST/api/v3/tickets${2:+/$2/replies}" ;;
	v3/refund) echo "PUT/api/v3/orders${2:+/$2/refund}" ;;
	esac
}

# faults KIND ACTION ID...: the --faults rules under which every ACTION on
# the tickets (or orders) named meets KIND (500:1, drop-after …), and no
# read does: a rule an ID on v3; on v2, whose ACTION has one path for
# every ticket, one rule, which every ACTION meets.
faults() {
	local kind=$1 act=$2 id rule spec=
	shift 2
	for id; do
		rule="$kind@$(at "$act" "$id")"
		[[ ",$spec," == *",$rule,"* ]] || spec+="${spec:+,}$rule"
	done
	printf '%s\n' "$spec"
}

# reason CODE: the refund reason for one of the sandbox's v2 codes (18 to
# 24) in the vocabulary of the version under test: the code, or the v3
# enum that leaves the same text on the order (tkt-sandbox(1)).
reason() {
	local v3=(SHIPPING_TAKING_TOO_LONG USER_NO_LONGER_WANTS_ITEM
	    RECEIVED_WRONG_ITEM ITEM_IS_POOR_QUALITY
	    ITEM_DOES_NOT_WORK_AS_DESCRIBED ITEM_IS_DAMAGED INCOMPLETE_ORDER)
	case $TKT_TEST_API in
	v2) echo "$1" ;;
	v3) echo "${v3[$1 - 18]}" ;;
	esac
}

# by_api V2 V3: the first word under v2, the second under v3.
by_api() {
	case $TKT_TEST_API in
	v2) printf '%s\n' "$1" ;;
	v3) printf '%s\n' "$2" ;;
	esac
}

# tok_http: the HTTP status of a token the sandbox refuses (a wrong,
# expired or revoked one): 401 on v2, 400 on v3, as v3's specification
# shows its token errors.
tok_http() {
	case $TKT_TEST_API in
	v2) echo 401 ;;
	v3) echo 400 ;;
	esac
}

# refused: the message of a token the sandbox does not know (4000 on v2
# and 1006 on v3), as the tools word it.
refused() {
	case $TKT_TEST_API in
	v2) echo "the marketplace refused the token (HTTP 401, code 4000: Unauthorized Request; a person must renew it)" ;;
	v3) echo "the marketplace refused the token (HTTP 400, code 1006: No access token found or the app does not exist; a person must renew it)" ;;
	esac
}

# refused_code: its code.
refused_code() {
	case $TKT_TEST_API in
	v2) echo 4000 ;;
	v3) echo 1006 ;;
	esac
}

# seen_pair: two tickets awaiting the merchant for the journal tests, in
# the caller's locals: a, also as a record in rec, and b, a bare id; ua
# and ub, the updated_at of each, which the journal keeps as SEEN.
seen_pair() {
	rec="$BATS_TEST_TMPDIR/rec.jsonl"
	read -r a b <<<"$(pick "$AM" 2 | tr '\n' ' ')"
	tkt-list "$a" >"$rec"
	ua=$(jq -r .updated_at "$rec")
	ub=$(tkt-list "$b" | jq -r .updated_at)
	[ "$ua" != null ] && [ "$ub" != null ]
}

# host_of URL: the host (and port) of URL, as the action tools name it.
host_of() {
	local h=${1#*://}
	printf '%s\n' "${h%%/*}"
}

# done_word TOOL: what the summary line of TOOL says it did.
done_word() {
	case $1 in
	tkt-reply) echo sent ;;
	tkt-close) echo closed ;;
	tkt-appeal) echo appealed ;;
	esac
}

# refused_run TOOL ACTION N P: the refused-token run of an action tool over
# the first N tickets awaiting the merchant.  As bare ids (-P P), the first
# ticket's read is refused and nothing else is sent; as records, which are
# not read first, its ACTION is.  Either way every record read (all N: up
# to 2048 are read ahead) comes out, in order, the unsent ones counted in
# one line and not reported one by one; the token is never shown, and the
# store is left as it was.
refused_run() {
	local tool=$1 act=$2 count=$3 par=$4 ids first id n
	local rec="$BATS_TEST_TMPDIR/recs.jsonl" stopped
	ids=$(pick "$AM" "$count")
	first=$(head -n 1 <<<"$ids")
	for id in $ids; do tkt-list "$id"; done >"$rec"
	n=$(wc -l <"$STORE")
	stopped="$tool: stopped: 0 $(done_word "$tool"), 0 already done, 1 failed: the marketplace refused the token; $((count - 1)) records read but not sent, 0 with an unknown outcome"
	run -4 --separate-stderr env TKT_TOKEN=wrong-secret-token "$tool" -v -P "$par" <<<"$ids"
	[ "$(reqs)" = "$(read_of "$first") $(tok_http)" ]
	[[ "$stderr" == "$tool: $(read_of "$first") $(tok_http) "*"
$tool: <stdin>:1: ticket $first: $(refused) (request id "????????????????????????")
$stopped" ]]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ids" ]
	printf '%s\n' "$output" | sed -n 1p | jq -e --arg m "$(refused)" --argjson c "$(refused_code)" --argjson h "$(tok_http)" '.result |
	    .ok == false and .steps == [] and
	    (.error | .kind == "refused" and .code == $c and .http == $h and .message == $m)'
	printf '%s\n' "$output" | sed 1d | jq -e -s --argjson k "$((count - 1))" 'length == $k and
	    all(.[]; .result.ok == false and .result.error ==
	    {kind: "refused", message: "not sent: the run stopped (the token was refused)"})'
	[[ "$output$stderr" != *wrong-secret-token* ]]
	run -4 --separate-stderr env TKT_TOKEN=wrong-secret-token "$tool" -v -P 1 "$rec"
	[ "$(reqs)" = "$(sent "$act" "$first") $(tok_http)" ]
	[[ "$stderr" == *"
$tool: $rec:1: ticket $first: $(refused) (request id "????????????????????????")
$stopped" ]]
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ids" ]
	printf '%s\n' "$output" | sed -n 1p | jq -e --argjson c "$(refused_code)" --argjson h "$(tok_http)" '.result |
	    .ok == false and .steps[0].ok == false and
	    (.error | .kind == "refused" and .code == $c and .http == $h)'
	[[ "$output$stderr" != *wrong-secret-token* ]]
	[ "$(wc -l <"$STORE")" -eq "$n" ]
}
