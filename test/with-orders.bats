#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# tkt-list --with-orders: v3 records get each order's details (GET
# /api/v3/orders/ID), equal to what v2 gives; v2 is left as it is.  Order of
# output, streaming, several stores, --raw, ids and stdin, and every error
# an order fetch can meet.  Each test says which API it speaks to.

load test_helper

setup_file() {
	listing_sandbox
}

teardown_file() {
	stop_sandbox
}

setup() {
	export TKT_NOW="$TEST_NOW"
	T="$BATS_TEST_TMPDIR"
}

teardown() {
	reap_sandboxes
	stop_fake
}

# fields_with_orders: share/tkt/record-fields as --with-orders fills a v3
# record: every member of orders[] from both APIs but currency (v3 only)
# and cost, left out: v3 reads it from product_merchant_payment, which
# tkt-sandbox does not render yet (the test compares it on its own).
fields_with_orders() {
	awk -F'\t' 'BEGIN { OFS = "\t" }
	    $1 == "orders[].cost" { next }
	    /^orders\[\]\./ { $4 = $1 == "orders[].currency" ? "v3" : "both" }
	    { print }' "$TKT_DATADIR/record-fields"
}

# requests: the method and path of each request a -v log names, one a line.
requests() {
	sed -n 's/^tkt-list: \(GET [^ ]*\) .*/\1/p'
}

# v3_ticket N ORDER...: a v3 ticket 6b…0N awaiting the merchant, updated
# N seconds before 2026-11-18T11:06:40Z, about those orders.
v3_ticket() {
	local n=$1
	shift
	jq -nc --argjson n "$n" '((1795000000 - $n) | todate) as $t
	    | {id: ("6b00000000000000000000" + ("0" + ($n | tostring))[-2:]),
	       type: "ORDER", state: "AWAITING_MERCHANT",
	       subject: "Where is my parcel?", sub_label: "Where Is My Order",
	       opened_at: $t, updated_at: $t, merchant_id: "m1",
	       orders: [$ARGS.positional[] | {id: .}], products: [],
	       buyer_info: {locale: "en", name: "Buyer \($n)"},
	       refund_reason: null,
	       replies: [{message: "Where is it?", replied_at: $t,
	           sender: "USER", supporting_files: []}]}' --args "$@"
}

# v3_order ID: the answer to GET /api/v3/orders/ID, an order shipped with
# tracking, its shipping time late on the 19th in New York (the 20th UTC).
v3_order() {
	jq -nc --arg id "$1" '{code: 0, message: "", data: {id: $id,
	    transaction_id: "tx-\($id)", state: "SHIPPED",
	    released_at: "2026-11-10T08:00:00.000Z",
	    product_information: {id: "p1", variation_id: "v1",
	        name: "Mug \($id)", sku: "MUG-1", size: null, color: "Blue"},
	    order_payment: {general_payment_details: {product_quantity: 2,
	        product_price: {amount: 6.69, currency_code: "EUR"},
	        product_shipping_price: {amount: 1.5, currency_code: "EUR"},
	        payment_total: {amount: 14.88, currency_code: "EUR"}}},
	    tracking_information: [{tracking_number: "TN-\($id)",
	        shipping_provider: {name: "DHL"}}],
	    fulfillment_records: [{event_type: "MARK_SHIPPED",
	        event_time: "2026-11-19T23:30:00.000-05:00"}],
	    refunds: []}}'
}

# serve_fake ROUTE...: a fake v3 store of $T/tickets.jsonl, the routes
# given (ROUTE<TAB>STATUS<TAB>FILE…, files in $T) answering first.
serve_fake() {
	{
		printf '%s\n' "$@"
		printf '/api/v3/tickets\t200\tV3STORE:tickets.jsonl\n'
	} >"$T/v3.routes"
	start_fake "$T/v3.routes"
}

# The record's order for v3_order ID.
want_order() {
	printf '{"id":"%s","transaction_id":"tx-%s","product_id":"p1","product_name":"Mug %s","sku":"MUG-1","size":null,"color":"Blue","quantity":2,"price":"6.69","cost":null,"shipping":"1.5","order_total":"14.88","currency":"EUR","state":"SHIPPED","shipping_provider":"DHL","tracking_number":"TN-%s","shipped_date":"2026-11-20","refunded_reason":null,"refunded_time":null}' "$1" "$1" "$1" "$1"
}

# The record's order when only its id is known.
bare_order() {
	printf '{"id":"%s","transaction_id":null,"product_id":null,"product_name":null,"sku":null,"size":null,"color":null,"quantity":null,"price":null,"cost":null,"shipping":null,"order_total":null,"currency":null,"state":null,"shipping_provider":null,"tracking_number":null,"shipped_date":null,"refunded_reason":null,"refunded_time":null}' "$1"
}

@test "on v3 it fills every order's fields, equal to v2's for each field both carry" {
	run -0 --separate-stderr env TKT_API=v3 tkt-list -A --with-orders
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 400 ]
	printf '%s\n' "$output" >"$T/v3.jsonl"
	run -0 --separate-stderr bash -c 'jq -r .id "$1" | TKT_API=v2 tkt-list -' _ "$T/v3.jsonl"
	printf '%s\n' "$output" >"$T/v2.jsonl"
	fields_with_orders >"$T/fields"
	run -0 jq -rn --slurpfile v2 "$T/v2.jsonl" --slurpfile v3 "$T/v3.jsonl" \
	    --rawfile fields "$T/fields" -f "$FIXTURES/list/compare.jq"
	printf '%s\n' "$output"
	[ "${#lines[@]}" -eq 1 ]
	[[ "$output" =~ ^compared\ ([0-9]+)\ values\ of\ 400\ tickets$ ]]
	[ "${BASH_REMATCH[1]}" -gt 15000 ]
	# Not vacuous: orders of every kind were compared; currency is v3's alone.
	run -0 jq -sc '[.[].orders[]] | [length > 300,
	    all(.product_name != null and .quantity != null and .price != null),
	    (map(select(.tracking_number != null and .shipped_date != null)) | length > 100),
	    (map(select(.refunded_reason != null and .refunded_time != null)) | length > 10),
	    (map(.currency) | unique)]' "$T/v3.jsonl"
	[ "$output" = '[true,true,true,true,["USD"]]' ]
	run -0 jq -sc '[.[].orders[] | .currency] | unique' "$T/v2.jsonl"
	[ "$output" = '[null]' ]
	# cost: v2's on every order; on v3 null on every order while the
	# sandbox renders no product_merchant_payment, else v2's value.
	run -0 jq -n --slurpfile v2 "$T/v2.jsonl" --slurpfile v3 "$T/v3.jsonl" '
	    ($v2 | map({key: .id, value: [.orders[].cost]}) | from_entries) as $a
	    | [$v3[] | [.id, [.orders[].cost]]] as $b
	    | (all($b[] | .[1][]; . == null) or ($b | all($a[.[0]] == .[1])))
	    and ($a | [.[][]] | all(. != null))'
	[ "$output" = true ]
}

@test "without it a v3 order has its id and nothing else" {
	run -0 env TKT_API=v3 tkt-list -A --limit 60
	run -0 jq -sc '[.[].orders[]] | [length > 20, ([.[] | del(.id)[]] | unique)]' <<<"$output"
	[ "$output" = '[true,[null]]' ]
}

@test "a v3 Order becomes the record's order: money as sent, the shipping day in UTC" {
	v3_ticket 1 o1 >"$T/tickets.jsonl"
	v3_order o1 >"$T/o1.json"
	serve_fake $'/api/v3/orders/o1\t200\to1.json'
	run -0 --separate-stderr env TKT_API=v3 tkt-list --with-orders
	[ -z "$stderr" ]
	[ "$(jq -c '.orders[]' <<<"$output")" = "$(want_order o1)" ]
}

@test "a v3 order quotes its newest tracking entry, the first, and cost is what Wish pays the merchant" {
	v3_ticket 1 o1 >"$T/tickets.jsonl"
	v3_order o1 | jq -c '.data.tracking_information = [
	        {tracking_number: "TN-new", shipping_provider: {name: "UPS"}},
	        {tracking_number: "TN-old", shipping_provider: {name: "DHL"}}]
	    | .data.order_payment.general_payment_details.product_merchant_payment =
	        {amount: 5.69, currency_code: "EUR"}' >"$T/o1.json"
	serve_fake $'/api/v3/orders/o1\t200\to1.json'
	run -0 --separate-stderr env TKT_API=v3 tkt-list --with-orders
	[ -z "$stderr" ]
	[ "$(jq -c '.orders[] | [.tracking_number, .shipping_provider, .cost, .price, .currency]' <<<"$output")" = \
	    '["TN-new","UPS","5.69","6.69","EUR"]' ]
}

@test "with --lang a record waits for its orders and its translation, and gets both" {
	{ v3_ticket 1 o1; v3_ticket 2 o2; } >"$T/tickets.jsonl"
	v3_order o1 >"$T/o1.json"
	v3_order o2 >"$T/o2.json"
	jq -c 'select(.id == "6b0000000000000000000002") | .replies[0].message = "Wo ist es?"
	    | {code: 0, data: ., message: ""}' "$T/tickets.jsonl" >"$T/t2.de.json"
	serve_fake $'/api/v3/orders/o1\t200\to1.json' $'/api/v3/orders/o2\t200\to2.json' \
	    $'/api/v3/tickets/6b0000000000000000000002\t200\tt2.de.json\tX-Fake-Accept-Language: de;Content-Language: de'
	run -0 --separate-stderr env TKT_API=v3 tkt-list --with-orders --lang de -P 2
	[ -z "$stderr" ]
	[ "${#lines[@]}" -eq 2 ]
	[ "$(jq -c '.orders[]' <<<"${lines[0]}")" = "$(want_order o1)" ]
	[ "$(jq -c '.orders[]' <<<"${lines[1]}")" = "$(want_order o2)" ]
	[ "$(printf '%s\n' "$output" | jq -c '[.replies[0].message, .replies[0].translated_message, .content_locale]' | tr '\n' ' ')" = \
	    '["Where is it?",null,null] ["Where is it?","Wo ist es?","de"] ' ]
}

@test "on v2 it changes nothing and asks for nothing more" {
	run -0 --separate-stderr env TKT_API=v2 tkt-list -v
	printf '%s\n' "$output" >"$T/plain.jsonl"
	requests <<<"$stderr" >"$T/plain.log"
	run -0 --separate-stderr env TKT_API=v2 tkt-list -v --with-orders
	diff "$T/plain.jsonl" <(printf '%s\n' "$output")
	diff "$T/plain.log" <(requests <<<"$stderr")
	[ "$(wc -l <"$T/plain.log")" -eq 2 ]
	ids=$(head -n 3 "$T/plain.jsonl" | jq -r .id)
	run -0 --separate-stderr env TKT_API=v2 tkt-list -v --with-orders $ids
	[ "$(requests <<<"$stderr" | grep -c '^GET /api/v2/ticket?id=')" -eq 3 ]
	[ "$(requests <<<"$stderr" | wc -l)" -eq 3 ]
	diff <(head -n 3 "$T/plain.jsonl") <(printf '%s\n' "$output")
}

@test "a ticket without orders costs no request, and each order is asked for once" {
	run -0 --separate-stderr env TKT_API=v3 tkt-list -A -v --with-orders
	printf '%s\n' "$output" >"$T/all.jsonl"
	[ "$(jq -s 'map(select(.orders == [])) | length' "$T/all.jsonl")" -gt 10 ]
	diff <(jq -r '.orders[].id' "$T/all.jsonl" | sort) \
	    <(requests <<<"$stderr" | sed -n 's|^GET /api/v3/orders/||p' | sort)
	[ "$(requests <<<"$stderr" | grep -c '^GET /api/v3/tickets?')" -eq 1 ]
	# --limit: only the orders of the records printed.
	run -0 --separate-stderr env TKT_API=v3 tkt-list -A -v --with-orders --limit 7
	[ "${#lines[@]}" -eq 7 ]
	diff <(head -n 7 "$T/all.jsonl") <(printf '%s\n' "$output")
	diff <(head -n 7 "$T/all.jsonl" | jq -r '.orders[].id' | sort) \
	    <(requests <<<"$stderr" | sed -n 's|^GET /api/v3/orders/||p' | sort)
}

@test "tickets named by id or read from stdin get their orders too, in the order asked" {
	run -0 env TKT_API=v3 tkt-list -A --with-orders
	printf '%s\n' "$output" | jq -c 'select(.orders | length > 0)' | tail -n 9 | tac >"$T/want.jsonl"
	jq -e -s 'length == 9 and all(.[].orders[]; .product_name != null)' "$T/want.jsonl"
	ids=$(jq -r .id "$T/want.jsonl")
	run -0 --separate-stderr env TKT_API=v3 tkt-list --with-orders -P 3 $ids
	[ -z "$stderr" ]
	diff "$T/want.jsonl" <(printf '%s\n' "$output")
	# Records on stdin, as a saved listing without the details would be.
	run -0 bash -c 'TKT_API=v3 tkt-list -A | jq -c "select(.orders | length > 0)" |
	    tail -n 9 | tac | TKT_API=v3 tkt-list --with-orders -'
	diff "$T/want.jsonl" <(printf '%s\n' "$output")
}

@test "--raw stays the API's ticket object, which names the orders only" {
	run -0 env TKT_API=v3 tkt-list -A --with-orders --raw --limit 40
	run -0 jq -s 'map(select(.orders | length > 0)) | [length > 10,
	    all(.raw.orders == (.orders | map({id})) and
	        all(.orders[]; .product_name != null))]' -c <<<"$output"
	[ "$output" = '[true,true]' ]
}

@test "records keep the listing's order over several pages, whatever order the answers come in" {
	start_sandbox --seed 11 --tickets 1200 --now "$TEST_NOW" \
	    --faults 'slow=40:0.3@/api/v3/orders'
	run -0 bash -c 'TKT_API=v3 tkt-list -A | jq -r .id'
	printf '%s\n' "$output" >"$T/plain.ids"
	[ "${#lines[@]}" -eq 1200 ]
	run -0 --separate-stderr env TKT_API=v3 tkt-list -A -v -P 16 --with-orders
	printf '%s\n' "$output" >"$T/orders.jsonl"
	diff "$T/plain.ids" <(jq -r .id "$T/orders.jsonl")
	jq -e -s 'all(.[].orders[]; .product_name != null)' "$T/orders.jsonl"
	# A page's orders are all fetched before the next page is asked for.
	requests <<<"$stderr" >"$T/log"
	[ "$(grep -c '^GET /api/v3/tickets?' "$T/log")" -eq 3 ]
	before=$(awk '/^GET \/api\/v3\/tickets\?/ { if (++n == 2) exit } /orders/ { k++ } END { print k }' "$T/log")
	[ "$before" -eq "$(head -n 500 "$T/orders.jsonl" | jq -r '.orders[].id' | wc -l)" ]
	# By id, backwards: the order asked.
	tac "$T/plain.ids" | head -n 300 >"$T/asked.ids"
	run -0 bash -c 'TKT_API=v3 tkt-list --with-orders -P 16 - <"$1" | jq -r .id' _ "$T/asked.ids"
	diff "$T/asked.ids" <(printf '%s\n' "$output")
}

@test "the first record is printed while a later ticket's order is still being fetched" {
	{ v3_ticket 1 o1; v3_ticket 2 o2; } >"$T/tickets.jsonl"
	v3_order o1 >"$T/o1.json"
	v3_order o2 >"$T/o2.json"
	# o2's answer waits (10 s at most) for the file the reader makes once
	# it has the first record.
	serve_fake $'/api/v3/orders/o1\t200\to1.json' \
	    "$(printf '/api/v3/orders/o2\t200\to2.json\tX-Fake-Wait-For: %s' "$T/go")"
	for how in list ids; do
		rm -f "$T/go"
		[ "$how" = list ] && args= || args="6b0000000000000000000001 6b0000000000000000000002"
		start=$SECONDS
		run -0 bash -c 'TKT_API=v3 tkt-list --with-orders $2 |
		    { IFS= read -r first; printf "%s\n" "$first"; touch "$1/go"; cat; }' _ "$T" "$args"
		[ $((SECONDS - start)) -lt 8 ]
		[ "${#lines[@]}" -eq 2 ]
		[ "$(jq -c '.orders[]' <<<"${lines[0]}")" = "$(want_order o1)" ]
		[ "$(jq -c '.orders[]' <<<"${lines[1]}")" = "$(want_order o2)" ]
	done
}

@test "an order the server keeps failing leaves its fields null, names ticket and order, and exits 1" {
	start_sandbox --seed 11 --tickets 40 --now "$TEST_NOW" --faults '500@/api/v3/orders'
	run -0 env TKT_API=v3 tkt-list
	printf '%s\n' "$output" >"$T/plain.jsonl"
	[ "$(jq -r '.orders[].id' "$T/plain.jsonl" | wc -l)" -gt 3 ]
	run -1 --separate-stderr env TKT_API=v3 TKT_RETRIES=1 TKT_BACKOFF=1ms \
	    tkt-list -v --with-orders
	diff "$T/plain.jsonl" <(printf '%s\n' "$output")
	# Each order asked for twice (one retry), then one line each.
	diff <(jq -r '.orders[].id' "$T/plain.jsonl" | sort) \
	    <(requests <<<"$stderr" | sed -n 's|^GET /api/v3/orders/||p' | sort -u)
	[ "$(requests <<<"$stderr" | grep -c /orders/)" -eq $((2 * $(jq -r '.orders[].id' "$T/plain.jsonl" | wc -l))) ]
	grep -v '^tkt-list: GET ' <<<"$stderr" >"$T/errors"
	diff <(jq -r '.id as $t | .orders[] | "tkt-list: ticket \($t): order \(.id): Internal Server Error (code 9000, HTTP 500) (request id"' "$T/plain.jsonl" | sort) \
	    <(sed 's/ [0-9a-f]*)$//' "$T/errors" | sort)
}

@test "network failures, 5xx, 429 and malformed answers that last are each reported, exit 1" {
	run -0 env TKT_API=v3 tkt-list --limit 1 --type ORDER
	local fault want
	while IFS='|' read -r fault want; do
		start_sandbox --seed 11 --tickets 40 --now "$TEST_NOW" --faults "$fault@/api/v3/orders"
		run -1 --separate-stderr env TKT_API=v3 TKT_RETRIES=1 TKT_BACKOFF=1ms \
		    tkt-list --with-orders --type ORDER --limit 1
		stop_sandbox
		[ "${#lines[@]}" -eq 1 ]
		jq -e 'all(.orders[]; .product_name == null and .tracking_number == null)' <<<"$output"
		t=$(jq -r .id <<<"$output") o=$(jq -r '.orders[0].id' <<<"$output")
		[[ "$stderr" == "tkt-list: ticket $t: order $o: "$want ]] ||
		    { echo "$fault: $stderr"; return 1; }
	done <<'EOF'
drop-before|Server returned nothing (no headers, no data) (the request may have reached the server)
503|HTTP 503 from the marketplace (request id *)
429|Too Many Requests (code 1000, HTTP 429) (request id *)
garbage|malformed answer (HTTP 200, * bytes): invalid JSON at byte *
EOF
}

@test "faults that retries cure leave no trace" {
	start_sandbox --seed 11 --tickets 40 --now "$TEST_NOW"
	run -0 env TKT_API=v3 tkt-list --with-orders
	printf '%s\n' "$output" >"$T/clean.jsonl"
	start_sandbox --seed 11 --tickets 40 --now "$TEST_NOW" \
	    --faults 'nth=2:500,nth=3:garbage,nth=4:drop-before,nth=5:503,nth=6:429'
	run -0 --separate-stderr env TKT_API=v3 TKT_BACKOFF=1ms tkt-list --with-orders -v
	diff "$T/clean.jsonl" <(printf '%s\n' "$output")
	[ -z "$(grep -v '^tkt-list: GET ' <<<"$stderr")" ]
	# Up to five orders asked for again (libcurl may resend a request on
	# a dropped connection itself, which the sandbox counts too).
	n=$(jq -r '.orders[].id' "$T/clean.jsonl" | wc -l)
	asked=$(requests <<<"$stderr" | grep -c /orders/)
	[ "$asked" -gt "$n" ]
	[ "$asked" -le $((n + 5)) ]
	grep -q '^tkt-list: GET /api/v3/orders/.* (retry)$' <<<"$stderr"
}

@test "an unknown order, an answer without an order or about another, an id that cannot be asked for: each reported, the ticket printed, exit 1" {
	{ v3_ticket 1 o1; v3_ticket 2 o2; v3_ticket 3 'o3/x'; v3_ticket 4 o4 o1; v3_ticket 5 o5; } >"$T/tickets.jsonl"
	printf '%s\n' '{"code":1004,"data":2021,"message":"No '"'Order'"' Found with id: '"'o1'"'"}' >"$T/o1.json"
	printf '%s\n' '{"code":0,"data":{"state":"SHIPPED"},"message":""}' >"$T/o2.json"
	v3_order o4 >"$T/o4.json"
	serve_fake $'/api/v3/orders/o1\t400\to1.json' $'/api/v3/orders/o2\t200\to2.json' \
	    $'/api/v3/orders/o4\t200\to4.json' $'/api/v3/orders/o5\t200\to4.json'
	run -1 --separate-stderr env TKT_API=v3 tkt-list --with-orders
	[ "${#lines[@]}" -eq 5 ]
	[ "$(jq -c .orders <<<"${lines[0]}")" = "[$(bare_order o1)]" ]
	[ "$(jq -c .orders <<<"${lines[1]}")" = "[$(bare_order o2)]" ]
	[ "$(jq -c .orders <<<"${lines[2]}")" = "[$(bare_order o3/x)]" ]
	[ "$(jq -c .orders <<<"${lines[3]}")" = "[$(want_order o4),$(bare_order o1)]" ]
	[ "$(jq -c .orders <<<"${lines[4]}")" = "[$(bare_order o5)]" ]
	diff <(sed 's/(request id req-[0-9]*)$/(request id N)/' <<<"$stderr" | sort) - <<'EOF'
tkt-list: ticket 6b0000000000000000000001: order o1: No 'Order' Found with id: 'o1' (code 1004, HTTP 400) (request id N)
tkt-list: ticket 6b0000000000000000000002: order o2: malformed answer: an order without an id (request id N)
tkt-list: ticket 6b0000000000000000000003: order 'o3/x' cannot be asked for: not an order id
tkt-list: ticket 6b0000000000000000000004: order o1: No 'Order' Found with id: 'o1' (code 1004, HTTP 400) (request id N)
tkt-list: ticket 6b0000000000000000000005: order o5: malformed answer: order 'o4' came back for 'o5' (request id N)
EOF
}

@test "a refused token stops the run at once with exit 4" {
	{ v3_ticket 1 o1; v3_ticket 2 o2; } >"$T/tickets.jsonl"
	printf '%s\n' '{"code":1012,"data":{},"message":"Missing access token in authorization header"}' >"$T/o1.json"
	v3_order o2 >"$T/o2.json"
	serve_fake $'/api/v3/orders/o1\t401\to1.json' $'/api/v3/orders/o2\t200\to2.json'
	for args in "" "6b0000000000000000000001 6b0000000000000000000002"; do
		run -4 --separate-stderr env TKT_API=v3 tkt-list --with-orders $args
		[ -z "$output" ]
		[[ "$stderr" == "tkt-list: ticket 6b0000000000000000000001: order o1: the marketplace refused the token (HTTP 401, code 1012: Missing access token in authorization header; a person must renew it) (request id req-"*")" ]]
		[[ "$stderr" != *"$TEST_TOKEN"* ]]
	done
}

@test "several stores: each record's orders come from its own store, the v2 one's as they are" {
	local shared=$SANDBOX_URL
	start_sandbox --seed 11 --tickets 40 --now "$TEST_NOW" --faults '500@/api/v3/orders'
	write_config <<YAML
stores:
  three:
    api: v3
    url: $shared
    token_env: SHOP_TOKEN
  two:
    api: v2
    url: $shared
    token_env: SHOP_TOKEN
  failing:
    api: v3
    url: $SANDBOX_URL
    token_env: SHOP_TOKEN
YAML
	local ENV=(env -u TKT_API_URL -u TKT_TOKEN -u TKT_API SHOP_TOKEN="$TEST_TOKEN")
	run -0 --separate-stderr "${ENV[@]}" tkt-list -s three,two -v --with-orders
	printf '%s\n' "$output" >"$T/both.jsonl"
	[ "$(jq -r .store "$T/both.jsonl" | uniq -c | awk '{ print $2 }' | tr '\n' ' ')" = "three two " ]
	[ "$(jq -r 'select(.store == "three") | .api' "$T/both.jsonl" | sort -u)" = v3 ]
	# The same tickets, the same orders, whichever store they came from.
	run -0 jq -sc 'group_by(.id) | map(select(length == 2)
	    | map(.orders | map(del(.cost, .currency))) | .[0] == .[1])
	    | [length > 100, all]' "$T/both.jsonl"
	[ "$output" = '[true,true]' ]
	jq -e -s 'all(.[] | select(.store == "three") | .orders[]; .product_name != null)' "$T/both.jsonl"
	[ -z "$(requests <<<"$stderr" | grep '^GET /api/v2/.*order')" ]
	# Read back from stdin, each record from the store it names.
	run -0 bash -c '"${@:2}" tkt-list -s three,two --with-orders - <"$1"' _ "$T/both.jsonl" "${ENV[@]}"
	diff "$T/both.jsonl" <(printf '%s\n' "$output")
	# A store's failures are named with the store.
	run -1 --separate-stderr "${ENV[@]}" TKT_RETRIES=0 tkt-list -s failing,two --with-orders --type ORDER
	t=$(printf '%s\n' "$output" | jq -r 'select(.store == "failing") | .id' | head -n 1)
	o=$(printf '%s\n' "$output" | jq -r 'select(.store == "failing") | .orders[0].id' | head -n 1)
	[[ "$stderr" == *"tkt-list: store failing: ticket $t: order $o: Internal Server Error (code 9000, HTTP 500) (request id "* ]]
	[ "$(printf '%s\n' "$output" | jq -r .store | uniq | tr '\n' ' ')" = "failing two " ]
}

@test "a template quotes the tracking numbers it fetched" {
	# stdout only: buyers in a language the template lacks are counted on stderr.
	run -0 --separate-stderr bash -c 'TKT_API=v3 tkt-list -A --type ORDER --with-orders |
	    tkt-template render -t where-is-my-order'
	printf '%s\n' "$output" >"$T/with.jsonl"
	run -0 jq -sc '[(map(select(any(.orders[]; .tracking_number != null))) | length > 20),
	    ([.[] | . as $r | .orders[] | .tracking_number // empty
	        | . as $tn | $r.reply.text | contains($tn)] | all)]' "$T/with.jsonl"
	[ "$output" = '[true,true]' ]
	# Without the details the template can only say that it is checking.
	run -0 bash -c 'TKT_API=v3 tkt-list -A --type ORDER --limit 5 |
	    tkt-template render -t where-is-my-order -l en | jq -r .reply.text'
	[[ "$output" == *"we are checking the shipment with the carrier"* ]]
	[[ "$output" != *"tracking number"* ]]
}

@test "the usage line names --with-orders as the man page does" {
	run -0 tkt-list -h
	[[ "$output" == *"[--with-orders]"* ]]
	grep -q '^\.Op Fl -with-orders$' "$TKT_ROOT/man/tkt-list.1"
}
