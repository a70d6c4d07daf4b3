#!/usr/bin/env bats
# tkt-list: listing, ids, filters, output forms, every error a user can hit.

load test_helper

setup_file() {
	export TKT_NOW="$TEST_NOW"
	start_sandbox --seed 11 --tickets 400 --now "$TEST_NOW"
}

teardown_file() {
	stop_sandbox
}

setup() {
	export TKT_NOW="$TEST_NOW"
}

teardown() {
	stop_fake
}

# store_of N: a sandbox store file of N tickets, all awaiting the merchant.
store_of() {
	local n=$1 f="$BATS_TEST_TMPDIR/store.$1.jsonl"
	tkt-sandbox -p 0 -d "$BATS_TEST_TMPDIR/seed.jsonl" --seed 5 --tickets 1 \
	    --now "$TEST_NOW" >/dev/null 2>&1 &
	local pid=$! i
	for i in $(seq 1 100); do [ -s "$BATS_TEST_TMPDIR/seed.jsonl" ] && break; sleep 0.02; done
	kill "$pid"; wait "$pid" 2>/dev/null || true
	head -n 1 "$BATS_TEST_TMPDIR/seed.jsonl" >"$BATS_TEST_TMPDIR/one.jsonl"
	jq -c --argjson n "$n" 'range($n) as $i |
	    .id = ("aaaaaaaaaaaaaaaa" + ("00000000" + ($i|tostring))[-8:]) |
	    .state = "AWAITING_MERCHANT"' "$BATS_TEST_TMPDIR/one.jsonl" >"$f"
	echo "$f"
}

@test "lists every ticket awaiting an answer across pages of 0, 1, 100, 101 and 1234" {
	local n f
	for n in 0 1 100 101 1234; do
		f=$(store_of "$n")
		start_sandbox -d "$f" --now "$TEST_NOW"
		run -0 bash -c 'tkt-list | jq -r .id | sort | uniq | wc -l'
		stop_sandbox
		[ "$output" -eq "$n" ] || { echo "want $n, got $output"; return 1; }
	done
}

@test "prints one compact record per line with store, api and the deadline" {
	run -0 --separate-stderr tkt-list --limit 20
	[ "${#lines[@]}" -eq 20 ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .store == "env" and
	    .api == "v2" and .type_inferred == true and
	    .state == "AWAITING_MERCHANT" and
	    (.due_at == null or ((.due_at | fromdate) - (.waiting_since | fromdate) == 172800)))'
}

@test "the first record comes out and tkt-list ends quietly when head closes the pipe" {
	run -0 --separate-stderr bash -c 'tkt-list | head -n 1'
	[ "${#lines[@]}" -eq 1 ]
	[ -z "$stderr" ]
	printf '%s\n' "$output" | jq -e .id
}

@test "turns v2's wrappers, strings, zone-less times and image_urls forms into the record" {
	start_fake "$FIXTURES/list/quirks.routes"
	run -0 --separate-stderr env TKT_NOW=2015-03-09T12:00:00Z tkt-list
	diff <(printf '%s\n' "$output") "$FIXTURES/list/quirks.golden"
	[ "$stderr" = "tkt-list: unknown ticket state 'Under Review' (given as UNKNOWN, with state_raw)" ]
}

@test "--raw adds the API's own ticket object byte for byte" {
	start_fake "$FIXTURES/list/quirks.routes"
	run -0 --separate-stderr tkt-list --raw --limit 1
	[ "$(printf '%s' "$output" | jq -c .raw.items[0].Order.quantity)" = '"2"' ]
	[[ "$output" == *'"raw":{"id":"54f8ecd2f0812a0000000001","transaction_id"'* ]]
}

@test "a table with a header on --table, and the conversation with translations on --thread" {
	run -0 tkt-list --table --limit 3
	[[ "${lines[0]}" == ID*TYPE*STATE*LOCALE*WAITING*DUE*SUBJECT ]]
	[ "${#lines[@]}" -eq 4 ]
	start_fake "$FIXTURES/list/quirks.routes"
	run -0 --separate-stderr env TKT_NOW=2015-03-09T12:00:00Z tkt-list --thread --limit 1
	[[ "$output" == *"Subject: Solicitar Reembolso/ Cancelar Pedido"* ]]
	[[ "$output" == *"Quero meu reembolso"* ]]
	[[ "$output" == *"[translation]"*"I want my refund"* ]]
	[[ "$output" == *"WISH_SUPPORT"* ]]
	[[ "$output" == *"overdue"* ]]
}

@test "--json forces JSON lines and NO_COLOR leaves colours out of a table" {
	run -0 tkt-list --json --limit 1
	printf '%s\n' "$output" | jq -e .id
	run -0 env NO_COLOR=1 tkt-list --table --overdue --limit 2
	[[ "$output" != *$'\033'* ]]
}

@test "--overdue and --due-within select by the deadline" {
	run -0 bash -c 'tkt-list --overdue | jq -s "length > 0 and all(.[]; (.due_at|fromdate) < (\"$TKT_NOW\"|fromdate))"'
	[ "$output" = true ]
	run -0 bash -c 'tkt-list --due-within 6h | jq -s "length > 0 and all(.[]; (.due_at|fromdate) <= (\"$TKT_NOW\"|fromdate) + 21600)"'
	[ "$output" = true ]
	run -0 bash -c 'a=$(tkt-list --overdue | wc -l); b=$(tkt-list --due-within 6h | wc -l); [ "$b" -gt "$a" ]'
}

@test "--type and --locale filter, a language matching its regions, lists repeating" {
	run -0 bash -c 'tkt-list --type ORDER --type PRE_PURCHASE | jq -r .type | sort -u | tr "\n" " "'
	[ "$output" = "ORDER PRE_PURCHASE " ]
	run -0 bash -c 'tkt-list --locale fr,de | jq -r .locale | sort -u | tr "\n" " "'
	[ "$output" = "de fr fr-CA " ]
}

@test "--since keeps tickets updated since a duration or a time" {
	run -0 bash -c 'tkt-list --since 1d | jq -s "length > 0 and all(.[]; (.updated_at|fromdate) >= (\"$TKT_NOW\"|fromdate) - 86400)"'
	[ "$output" = true ]
	run -0 bash -c 'tkt-list --since 2099-01-01T00:00:00Z | wc -l'
	[ "$output" -eq 0 ]
}

@test "-e exits 1 when nothing was printed, 0 when something was" {
	run -1 tkt-list -e --since 2099-01-01T00:00:00Z
	[ -z "$output" ]
	run -0 tkt-list -e --limit 1
}

@test "--limit stops after that many records" {
	run -0 bash -c 'tkt-list --limit 7 | wc -l'
	[ "$output" -eq 7 ]
}

@test "fetches tickets by id in the order asked" {
	local ids
	ids=$(tkt-list --limit 6 | jq -r .id | tac | tr '\n' ' ')
	run -0 bash -c "tkt-list -P 4 $ids | jq -r .id | tr '\n' ' '"
	[ "$output" = "$ids" ]
}

@test "reads bare ids and records from stdin with -, in order" {
	local a b
	a=$(tkt-list --limit 2 | jq -r .id | head -n 1)
	b=$(tkt-list --limit 2 | jq -c '{id, extra: 1}' | tail -n 1)
	run -0 bash -c "printf '%s\n\n%s\n' '$a' '$b' | tkt-list - | jq -r .id | tr '\n' ' '"
	[ "$output" = "$a $(jq -r .id <<<"$b") " ]
}

@test "an unknown id is reported with Wish's code and request id, the others still print, exit 1" {
	local a
	a=$(tkt-list --limit 1 | jq -r .id)
	run -1 --separate-stderr tkt-list 000000000000000000000bad "$a"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$a" ]
	[[ "$stderr" == "tkt-list: ticket 000000000000000000000bad: No 'Ticket' Found with id: '000000000000000000000bad' (code 1004, HTTP 400) (request id "*")" ]]
}

@test "bad stdin lines are reported with their position and skipped" {
	local a
	a=$(tkt-list --limit 1 | jq -r .id)
	run -1 --separate-stderr bash -c "printf '%s\n' '{\"no\":1}' 'two words' '{bad json' '$a' | tkt-list -"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$a" ]
	[[ "$stderr" == *"tkt-list: <stdin>:1: the record has no valid \"id\""* ]]
	[[ "$stderr" == *"tkt-list: <stdin>:2: not a ticket id: 'two words'"* ]]
	[[ "$stderr" == *"tkt-list: <stdin>:3: invalid JSON at byte"* ]]
}

@test "a refused token exits 4 and never shows the token" {
	run -4 --separate-stderr env TKT_TOKEN=wrong-secret-token tkt-list
	[ -z "$output" ]
	[[ "$stderr" == *"the marketplace refused the token (HTTP 401, code 4000: Unauthorized Request; a person must renew it)"* ]]
	[[ "$stderr" != *wrong-secret-token* ]]
}

@test "an unreachable server exits 3 after its retries" {
	start_sandbox --tickets 0
	local url=$SANDBOX_URL
	stop_sandbox
	run -3 --separate-stderr env TKT_API_URL="$url" TKT_RETRIES=1 tkt-list
	[[ "$stderr" == "tkt-list: page 1: Couldn't connect to server"* ]]
}

@test "a server slower than TKT_TIMEOUT exits 3" {
	start_sandbox --tickets 5 --faults slow=3000
	run -3 --separate-stderr env TKT_TIMEOUT=1s TKT_RETRIES=0 tkt-list
	[[ "$stderr" == *"Timeout was reached"* ]]
	[[ "$stderr" == *"the listing stopped at page 1 after 0 records: it is incomplete"* ]]
}

@test "a 429 is waited out and retried, then the listing succeeds" {
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults nth=1:429
	run -0 --separate-stderr tkt-list -v
	[ "${#lines[@]}" -gt 0 ]
	[[ "$stderr" == *"get-action-required?start=0&limit=100 429 "* ]]
	[[ "$stderr" == *"200 "*"(retry)"* ]]
}

@test "a malformed body is read again; one that stays malformed exits 3" {
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults nth=1:garbage
	run -0 --separate-stderr tkt-list
	[ "${#lines[@]}" -gt 0 ]
	stop_sandbox
	start_sandbox --seed 3 --tickets 30 --now "$TEST_NOW" --faults garbage
	run -3 --separate-stderr env TKT_RETRIES=1 tkt-list
	[[ "$stderr" == *"tkt-list: page 1: malformed answer (HTTP 200"* ]]
}

@test "server errors that do not heal exit 3 with the HTTP status" {
	start_sandbox --tickets 5 --faults 503
	run -3 --separate-stderr env TKT_RETRIES=1 tkt-list
	[[ "$stderr" == *"tkt-list: page 1: HTTP 503 from the marketplace"* ]]
}

@test "a paging.next on another origin is refused and the token stays home" {
	start_fake "$FIXTURES/list/offorigin.routes"
	run -3 --separate-stderr tkt-list
	[[ "$stderr" == *"paging.next points at another origin (https://evil.example/api/v2/ticket/get-action-required?start=100&limit=100&access_token=…)"* ]]
	[[ "$stderr" != *"$TEST_TOKEN"* ]]
}

@test "-v logs each request and hides the access_token of paging URLs" {
	local f
	f=$(store_of 150)
	start_sandbox -d "$f" --now "$TEST_NOW"
	run -0 --separate-stderr tkt-list -v
	[[ "$stderr" == *"GET /api/v2/ticket/get-action-required?start=0&limit=100 200 "*"request-id="* ]]
	[[ "$stderr" == *"access_token=…"* ]]
	[[ "$stderr" != *"$TEST_TOKEN"* ]]
}

@test "-A and other states are refused on API v2 with the reason" {
	run -2 --separate-stderr tkt-list -A
	[ "$stderr" = "tkt-list: -A/--all needs API v3: Wish's v2 API lists only the tickets awaiting your response (store 'env' uses v2)" ]
	run -2 --separate-stderr tkt-list --state CLOSED
	[[ "$stderr" == "tkt-list: --state CLOSED: API v2 lists only AWAITING_MERCHANT tickets;"* ]]
	run -2 --separate-stderr tkt-list --state NOPE
	[[ "$stderr" == "tkt-list: --state: unknown value 'NOPE' (one of AWAITING_MERCHANT,"* ]]
	run -2 --separate-stderr tkt-list --type nope
	[[ "$stderr" == "tkt-list: --type: unknown value 'nope'"* ]]
}

@test "bad option values exit 2 with the option named" {
	run -2 --separate-stderr tkt-list --due-within soon
	[ "$stderr" = "tkt-list: --due-within: 'soon' is not a duration (90m, 6h, 2d)" ]
	run -2 --separate-stderr tkt-list --since yesterday
	[[ "$stderr" == "tkt-list: --since: 'yesterday' is neither a duration"* ]]
	run -2 --separate-stderr tkt-list --limit 0
	[ "$stderr" = "tkt-list: --limit: '0' is too small" ]
	run -2 --separate-stderr tkt-list --now tomorrow
	[[ "$stderr" == "tkt-list: --now: 'tomorrow' is not a time"* ]]
	run -2 --separate-stderr tkt-list --bogus
	[[ "$stderr" == *"usage: tkt-list"* ]]
}

@test "-h prints usage on stdout and --version the version" {
	run -0 --separate-stderr tkt-list -h
	[[ "$output" == "usage: tkt-list"* ]]
	run -0 tkt-list --version
	[[ "$output" == "tkt-list (tkt) "* ]]
}

@test "with no store configured it says what to set and points at the sandbox" {
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[[ "$stderr" == "tkt-list: no store configured: set TKT_API_URL and TKT_TOKEN"*"make demo"*"tkt-sandbox"* ]]
}

@test "config errors name the file, line and column" {
	write_config <<'YAML'
stores:
  shop:
    api: v2
    colour: blue
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[ "$stderr" = "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:4:5: unknown store setting 'colour'" ]
	write_config <<'YAML'
stores: [unclosed
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:2:1: "* ]]
	write_config <<'YAML'
stores:
  shop:
    url: http://merchant.example.com
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[ "$stderr" = "tkt-list: $XDG_CONFIG_HOME/tkt/config.yaml:3:10: 'http://merchant.example.com': plain http is refused except to loopback; use https" ]
	write_config <<'YAML'
stores:
  shop:
    url: https://merchant.example.com/api/v2/
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == *"is not an origin: give scheme://host[:port] with no path"* ]]
}

@test "a token file open to group or others is refused" {
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod 640 "$HOME/token"
	write_config <<YAML
stores:
  shop:
    url: $SANDBOX_URL
    token_file: ~/token
YAML
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[ "$stderr" = "tkt-list: token file $HOME/token is open to group or others (mode 0640); run: chmod 600 $HOME/token" ]
	chmod 600 "$HOME/token"
	run -0 env -u TKT_API_URL -u TKT_TOKEN tkt-list --limit 1
	[ "$(printf '%s\n' "$output" | jq -r .store)" = shop ]
}

@test "stores are picked with -s or TKT_STORE, and an unknown one is named" {
	printf '%s\n' "$TEST_TOKEN" >"$HOME/token"
	chmod 600 "$HOME/token"
	write_config <<YAML
sla: 24h
stores:
  a:
    url: $SANDBOX_URL
    token_file: ~/token
  b:
    url: $SANDBOX_URL
    token_env: SHOP_B_TOKEN
    sla: 72h
YAML
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list
	[ "$stderr" = "tkt-list: 2 stores are configured and no default_store: choose one with -s NAME" ]
	run -0 env -u TKT_API_URL -u TKT_TOKEN tkt-list -s a --limit 1
	[ "$(printf '%s\n' "$output" | jq '[.store, ((.due_at|fromdate) - (.waiting_since|fromdate))] | @text' -r)" = '["a",86400]' ]
	run -0 env -u TKT_API_URL -u TKT_TOKEN SHOP_B_TOKEN="$TEST_TOKEN" TKT_STORE=b tkt-list --limit 1
	[ "$(printf '%s\n' "$output" | jq '[.store, ((.due_at|fromdate) - (.waiting_since|fromdate))] | @text' -r)" = '["b",259200]' ]
	run -2 --separate-stderr env -u TKT_API_URL -u TKT_TOKEN tkt-list -s b
	[ "$stderr" = "tkt-list: store 'b': token_env names SHOP_B_TOKEN, which is not set" ]
	run -2 --separate-stderr env -u TKT_API_URL tkt-list -s c
	[ "$stderr" = "tkt-list: no store named 'c' (configured: a, b)" ]
}

@test "a token written into the config file is refused" {
	write_config <<'YAML'
stores:
  shop:
    url: https://merchant.example.com
    token: abc
YAML
	run -2 --separate-stderr env -u TKT_API_URL tkt-list
	[[ "$stderr" == *"config.yaml:4:5: a token is never written in the config; use token_file (mode 0600) or token_env" ]]
}

@test "the man page's EXAMPLES run as written" {
	local ex
	ex=$(sed -n '/^\.Sh EXAMPLES/,/^\.Sh SEE ALSO/p' "$TKT_ROOT/man/tkt-list.1" |
	    sed -n 's/^\.Dl //p' | sed 's/\\(dq/"/g' | grep -v '^tkt-list$')
	[ "$(printf '%s\n' "$ex" | wc -l)" -ge 6 ]
	while IFS= read -r line; do
		run bash -c "set -o pipefail; $line" </dev/null
		[ "$status" -eq 0 ] || [[ "$line" == *"-e >/dev/null"* && "$status" -eq 1 ]] ||
		    { echo "failed ($status): $line"; echo "$output"; return 1; }
	done <<<"$ex"
	run -0 bash -c 'tkt-list | head -n 3'
}
