# action_helper.bash: loaded by the tkt-close and tkt-appeal tests (after
# test_helper): a sandbox of the test's own, and ways to read its store.

AM='.state == "AWAITING_MERCHANT"'
ORDER1='.state == "AWAITING_MERCHANT" and .type == "ORDER" and (.orders | length) == 1 and .refund_reason != null'
ORDER2='.state == "AWAITING_MERCHANT" and .type == "ORDER" and (.orders | length) == 2 and .refund_reason != null'

setup() {
	export TKT_NOW="$TEST_NOW"
	JOURNAL="$XDG_STATE_HOME/tkt/journal"
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

# orders ID: the ticket's order ids, one a line.
orders() {
	jq -r --arg id "$1" 'select(.id == $id) | .orders[].id' "$STORE" | head -n 20
}

# state ID: the ticket's state, read through the API.
state() {
	tkt-list "$1" | jq -r .state
}

# changes ID: how many changes the sandbox appended for the ticket.
changes() {
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
	printf '%s\n' "$stderr" | awk '$2 == "GET" || $2 == "POST" { print $2, $3, $4 }'
}
