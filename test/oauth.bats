#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# OAuth refresh (tkt-config(5)): an expired token is refreshed once a run
# and kept in the token file; the refused requests go again; exit 4 only
# when a person must act; a warning when a token expires within 7 days and
# no refresh can renew it, at most once a day.

load test_helper

TEXT="Thank you for your message. We are looking into it right now."
API="${TKT_TEST_API:-v2}"
# The sandbox's codes for an expired token and a wrong one (the sandbox
# answers v3's with HTTP 401 or 400: both are taken).
case $API in
v2) EXPIRED=1015 WRONG=4000 ;;
v3) EXPIRED=1007 WRONG=1006 ;;
esac

setup() {
	export TKT_NOW="$TEST_NOW"
	D="$BATS_TEST_TMPDIR"
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW" \
	    --refresh-token "refresh-0123456789" --token-ttl 2
	# The store's token comes from its file, not from the environment.
	unset TKT_TOKEN TKT_API_URL
	secret "$D/token" "$TEST_TOKEN"
	secret "$D/refresh" "refresh-0123456789"
	secret "$D/secret" "client-secret-0123"
}

teardown() {
	stop_fake
	stop_sandbox
}

# secret FILE TEXT: a file of mode 0600 holding TEXT.
secret() {
	(umask 077 && printf '%s\n' "$2" >"$1")
}

# config [norefresh]: one store on the sandbox (or on $URL), with its
# refresh settings unless "norefresh" is given.
config() {
	{
		printf 'stores:\n  main:\n    api: %s\n    url: %s\n' "$API" \
		    "${URL:-$SANDBOX_URL}"
		printf '    token_file: %s\n' "$D/token"
		if [ "${1:-}" != norefresh ]; then
			printf '    refresh_token_file: %s\n' "$D/refresh"
			printf '    client_id: tkt-test\n'
			printf '    client_secret_file: %s\n' "$D/secret"
		fi
	} | write_config
}

# The first line of the token file.
token_now() {
	head -n 1 "$D/token"
}

@test "a bulk tkt-reply run refreshes the token when it expires in the middle and carries on" {
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW" \
	    --refresh-token "refresh-0123456789" --token-ttl 4
	unset TKT_TOKEN TKT_API_URL
	config
	env TKT_TOKEN="$TEST_TOKEN" TKT_API_URL="$SANDBOX_URL" TKT_API="$API" \
	    tkt-list --limit 20 >"$D/in"
	[ "$(wc -l <"$D/in")" -eq 20 ]
	# 20 records at 4 a second outlive the token's 4 seconds, and finish
	# well before the refreshed one expires.
	run -0 --separate-stderr tkt-reply -v --rate 4 -P 2 -m "$TEXT" "$D/in"
	[ "${#lines[@]}" -eq 20 ]
	printf '%s\n' "$output" | jq -e -s 'all(.[]; .result.ok == true)'
	diff <(jq -r .id "$D/in") <(printf '%s\n' "$output" | jq -r .id)
	# Answered 200, then 401 or 400 (the token expired), then 200 again.
	grep -E '^tkt-reply: (POST|PUT) ' <<<"$stderr" | awk '{ print $4 }' |
	    uniq >"$D/statuses"
	[ "$(head -n 1 "$D/statuses")" = 200 ]
	[ "$(tail -n 1 "$D/statuses")" = 200 ]
	grep -Eqx '40[01]' "$D/statuses"
	[[ "$stderr" != *"refused the token"* ]]
	# The new token replaced the old one, 0600, with its expiry.
	[ "$(token_now)" != "$TEST_TOKEN" ]
	[ "$(stat -c %a "$D/token")" = 600 ]
	grep -Eq '^expiry_time: 2026-11-23T12:00:[0-9][0-9]Z$' "$D/token"
	[ -z "$(find "$D" -maxdepth 1 -name '.token.*')" ]
}

@test "tkt-list refreshes an expired token, for a listing and for ids" {
	config
	sleep 2.2
	run -0 --separate-stderr tkt-list --limit 3
	[ "${#lines[@]}" -eq 3 ]
	[ "$(token_now)" != "$TEST_TOKEN" ]
	[ "$(stat -c %a "$D/token")" = 600 ]
	ids=$(printf '%s\n' "$output" | jq -r .id)
	sleep 2.2
	run -0 --separate-stderr tkt-list -P 3 $ids
	[ "${#lines[@]}" -eq 3 ]
	diff <(printf '%s\n' "$ids") <(printf '%s\n' "$output" | jq -r .id)
}

@test "an expired token with no refresh settings exits 4 as before" {
	config norefresh
	sleep 2.2
	run -4 --separate-stderr tkt-list --limit 3
	[ -z "$output" ]
	[[ "$stderr" == *"the marketplace refused the token (HTTP 40"[01]", code $EXPIRED: "*"; a person must renew it)"* ]]
	[ "$(token_now)" = "$TEST_TOKEN" ]
}

@test "a wrong refresh token exits 4 saying a person must act, and the token file stays" {
	config
	secret "$D/refresh" "not-the-refresh-token"
	sleep 2.2
	run -4 --separate-stderr tkt-reply -m "$TEXT" <<<"6b035bb722e983d15cf3dc6a"
	[[ "$stderr" == *"store 'main': the token was refused (HTTP 40"[01]", code $EXPIRED) and its refresh failed: the refresh token was refused (HTTP 40"[01]", code $WRONG); a person must act"* ]]
	[ "$(token_now)" = "$TEST_TOKEN" ]
	run -4 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == *"a person must act"* ]]
}

@test "a refresh token file open to others is refused at the refresh, with exit 4" {
	config
	chmod 644 "$D/refresh"
	sleep 2.2
	run -4 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == *"refresh token file $D/refresh is open to group or others (mode 0644); run: chmod 600 $D/refresh; a person must act"* ]]
}

@test "a token that expires within 7 days is warned about once; one that lives longer is not" {
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW"
	unset TKT_TOKEN TKT_API_URL
	config norefresh
	printf '%s\nexpiry_time: 2026-11-26T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 2
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "tkt-list: store 'main': the access token expires at 2026-11-26T12:00:00Z (in 3d); renew it before then" ]
	printf '%s\nexpiry_time: 2026-12-23T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 2
	[ -z "$stderr" ]
}

@test "a store that refreshes its token is not warned of its expiry: no one need act" {
	config
	# Expiring within 7 days, then expired, then a refresh that gives a
	# token of 2 seconds.
	printf '%s\nexpiry_time: 2026-11-26T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 1
	[ -z "$stderr" ]
	printf '%s\nexpiry_time: 2026-11-20T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 1
	[ -z "$stderr" ]
	printf '%s\n' "$TEST_TOKEN" >"$D/token"
	sleep 2.2
	run -0 --separate-stderr tkt-list --limit 1
	[ "$(token_now)" != "$TEST_TOKEN" ]
	[ -z "$stderr" ]
	[ ! -e "$XDG_STATE_HOME/tkt/token-warnings" ]
}

@test "a store that cannot refresh is warned of its token's expiry at most once a day, from cron too" {
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW"
	unset TKT_TOKEN TKT_API_URL
	config norefresh
	local warn="tkt-list: store 'main': the access token expires at 2026-11-26T12:00:00Z"
	printf '%s\nexpiry_time: 2026-11-26T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 1
	[ "$stderr" = "$warn (in 3d); renew it before then" ]
	[ "$(cat "$XDG_STATE_HOME/tkt/token-warnings")" = "$(printf 'main\t2026-11-26T12:00:00Z\t2026-11-23T12:00:00Z')" ]
	[ "$(stat -c %a "$XDG_STATE_HOME/tkt")" = 700 ]
	# The same day, every 15 minutes: silent.
	for now in 2026-11-23T12:15:00Z 2026-11-23T18:00:00Z 2026-11-24T11:59:59Z; do
		TKT_NOW=$now run -0 --separate-stderr tkt-list --limit 1
		[ -z "$stderr" ]
	done
	# A day later: warned again, and that day silent again.
	TKT_NOW=2026-11-24T12:00:00Z run -0 --separate-stderr tkt-list --limit 1
	[ "$stderr" = "$warn (in 2d); renew it before then" ]
	TKT_NOW=2026-11-24T12:15:00Z run -0 --separate-stderr tkt-list --limit 1
	[ -z "$stderr" ]
	# A clock set back before the last warning: warned (never one too few).
	TKT_NOW=2026-11-24T11:00:00Z run -0 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == "$warn (in "*"); renew it before then" ]]
	# A new token that expires soon too is a new matter: warned at once.
	printf '%s\nexpiry_time: 2026-11-28T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	TKT_NOW=2026-11-24T11:05:00Z run -0 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == "tkt-list: store 'main': the access token expires at 2026-11-28T12:00:00Z (in "*"); renew it before then" ]]
	# Another store's line is kept beside this one's.
	printf 'other\t2026-11-30T00:00:00Z\t2026-11-24T00:00:00Z\n' >>"$XDG_STATE_HOME/tkt/token-warnings"
	TKT_NOW=2026-11-25T12:00:00Z run -0 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == *"expires at 2026-11-28T12:00:00Z (in 3d); renew it before then" ]]
	[ "$(sort "$XDG_STATE_HOME/tkt/token-warnings")" = "$(printf 'main\t2026-11-28T12:00:00Z\t2026-11-25T12:00:00Z\nother\t2026-11-30T00:00:00Z\t2026-11-24T00:00:00Z')" ]
	[ -z "$(find "$XDG_STATE_HOME/tkt" -name 'token-warnings.*')" ]
	# An expired token, the same.
	printf '%s\nexpiry_time: 2026-11-22T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	run -0 --separate-stderr tkt-list --limit 1
	[ "$stderr" = "tkt-list: store 'main': the access token expired at 2026-11-22T12:00:00Z; renew it" ]
	TKT_NOW=2026-11-23T12:15:00Z run -0 --separate-stderr tkt-list --limit 1
	[ -z "$stderr" ]
}

@test "when the warning's time cannot be kept or read, the warning is given on every run" {
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW"
	unset TKT_TOKEN TKT_API_URL
	config norefresh
	printf '%s\nexpiry_time: 2026-11-26T12:00:00Z\n' "$TEST_TOKEN" >"$D/token"
	local warn="tkt-list: store 'main': the access token expires at 2026-11-26T12:00:00Z (in 3d); renew it before then"
	# The state directory is a file: nothing can be read or written.
	mkdir -p "$XDG_STATE_HOME"
	: >"$XDG_STATE_HOME/tkt"
	for _ in 1 2; do
		run -0 --separate-stderr tkt-list --limit 1
		[ "$stderr" = "$warn
tkt-list: store 'main': cannot read $XDG_STATE_HOME/tkt/token-warnings (Not a directory): this warning is given again on the next run" ]
	done
	# A directory that cannot be written (not for root, who writes anyway).
	rm "$XDG_STATE_HOME/tkt"
	mkdir -m 500 "$XDG_STATE_HOME/tkt"
	if [ "$(id -u)" != 0 ]; then
		for _ in 1 2; do
			run -0 --separate-stderr tkt-list --limit 1
			[ "$stderr" = "$warn
tkt-list: store 'main': cannot keep the time of this warning in $XDG_STATE_HOME/tkt/token-warnings (Permission denied): it is given again on the next run" ]
		done
	fi
	chmod 700 "$XDG_STATE_HOME/tkt"
	run -0 --separate-stderr tkt-list --limit 1
	[ "$stderr" = "$warn" ]
	run -0 --separate-stderr tkt-list --limit 1
	[ -z "$stderr" ]
}

@test "refresh settings must be complete and keep no secret in the config" {
	write_config <<-EOF
	stores:
	  main:
	    url: $SANDBOX_URL
	    token_file: $D/token
	    refresh_token_file: $D/refresh
	EOF
	run -2 --separate-stderr tkt-list
	[[ "$stderr" == *"store 'main': an OAuth refresh needs client_id"* ]]
	write_config <<-EOF
	stores:
	  main:
	    url: $SANDBOX_URL
	    token_file: $D/token
	    client_secret: hunter2
	EOF
	run -2 --separate-stderr tkt-list
	[[ "$stderr" == *"client_secret is a secret, never written in the config; use client_secret_file (mode 0600)"* ]]
	write_config <<-EOF
	stores:
	  main:
	    url: $SANDBOX_URL
	    token_env: TOK
	    refresh_token_file: $D/refresh
	    client_id: app
	    client_secret_env: SECRET
	EOF
	run -2 --separate-stderr tkt-list
	[[ "$stderr" == *"an OAuth refresh needs token_file (where the refreshed token is kept)"* ]]
}

@test "an empty token file is named as empty, exit 2, not taken for a missing setting" {
	config norefresh
	secret "$D/token" ""
	run -2 --separate-stderr tkt-list
	[ "$stderr" = "tkt-list: store 'main': token file $D/token is empty (the token goes on its first line)" ]
	[ -z "$output" ]
	# A blank first line is no token either, whatever follows.
	secret "$D/token" "$(printf '  \nexpiry_time: 2027-01-01T00:00:00Z')"
	run -2 --separate-stderr tkt-list
	[ "$stderr" = "tkt-list: store 'main': token file $D/token is empty (the token goes on its first line)" ]
	: >"$D/token"
	run -2 --separate-stderr tkt-reply -m hi <<<'{"id":"x"}'
	[ "$stderr" = "tkt-reply: store 'main': token file $D/token is empty (the token goes on its first line)" ]
}

# Token codes, one version at a time, on a fake Wish (test/fakewish.py)
# that can send what the sandbox never does.  Each case is
# "HTTP CODE MESSAGE"; a code "-" is an empty body.
ID=6b035bb722e983d15cf3dc6a
RENEWED=fake-token-renewed-0123
V3_REFUSED=("400 1006 Unauthorized access on this API"
    "401 1006 No access token found or the app does not exist"
    "400 1007 This access token has expired"
    "401 1007 This access token has expired"
    "400 1008 This access token has been revoked"
    "401 1008 This access token has been revoked"
    "401 1012 Missing access token in authorization header")
V2_REFUSED=("401 4000 Unauthorized Request"
    "400 1015 Access token expired"
    "401 1015 The access token has expired"
    "400 1016 Access token revoked"
    "401 1016 The access token has been revoked"
    "400 1018 Access token redeemed"
    "401 - -")
if [ "$API" = v3 ]; then
	REFUSED=("${V3_REFUSED[@]}")
else
	REFUSED=("${V2_REFUSED[@]}")
fi

# fake HTTP CODE MESSAGE [REFRESH-HTTP REFRESH-CODE]: a fake Wish whose
# answer to ticket $ID refuses the token once, as given, then gives the
# ticket, and whose refresh gives $RENEWED, or refuses as given; the store
# on it, its token file holding $TEST_TOKEN again, requests logged.
fake() {
	local f="$BATS_TEST_TMPDIR/fake" path=/api/v2/ticket?id=* body=awaiting.json
	stop_fake
	mkdir -p "$f"
	rm -f "$f/log"
	[ "$API" = v2 ] || path=/api/v3/tickets/$ID body=awaiting3.json
	cp "$FIXTURES/action/$body" "$f/ticket.json"
	if [ "$2" = - ]; then
		: >"$f/refused.json"
	else
		printf '{"code":%s,"data":{},"message":"%s"}\n' "$2" "$3" >"$f/refused.json"
	fi
	if [ $# -gt 3 ]; then
		printf '{"code":%s,"data":{},"message":"Invalid refresh token"}\n' "$5" >"$f/refresh.json"
	elif [ "$API" = v2 ]; then
		printf '{"code":0,"data":{"access_token":"%s","refresh_token":"refresh-0123456789","expiry_time":1798027200},"message":""}\n' \
		    "$RENEWED" >"$f/refresh.json"
	else
		printf '{"code":0,"data":{"access_token":"%s","refresh_token":"refresh-0123456789","expiry_time":"2026-12-23T12:00:00.000Z","merchant_id":"m1","scopes":["tickets:read"]},"message":""}\n' \
		    "$RENEWED" >"$f/refresh.json"
	fi
	printf '%s\t%s\t%s\n' "/api/$API/oauth/refresh_token" "${4:-200}" refresh.json \
	    "$path" "$1" refused.json "$path" 200 ticket.json >"$f/routes"
	export FAKEWISH_AUTH_LOG="$f/log"
	start_fake "$f/routes"
	unset TKT_TOKEN TKT_API_URL
	URL=$FAKE_URL
	secret "$D/token" "$TEST_TOKEN"
}

# fake_case CASE [REFRESH-HTTP REFRESH-CODE]: fake, for one of REFUSED.
fake_case() {
	local h c m
	read -r h c m <<<"$1"
	shift
	fake "$h" "$c" "$m" "$@"
}

# The requests the fake was sent: "ticket TOKEN" or "refresh", one a line.
calls() {
	awk '{ print ($2 ~ /\/oauth\/refresh_token/ ? "refresh" : "ticket " $4) }' \
	    "$FAKEWISH_AUTH_LOG"
}

# The refusal as the message quotes it: "HTTP 400, code 1007: text".
quoted() {
	local h=${1%% *} rest=${1#* } c m
	c=${rest%% *} m=${rest#* }
	if [ "$c" = - ]; then
		printf 'HTTP %s' "$h"
	else
		printf 'HTTP %s, code %s: %s' "$h" "$c" "$m"
	fi
}

@test "each token code is refreshed once, and the request goes again with the new token" {
	local r
	for r in "${REFUSED[@]}"; do
		fake_case "$r"
		config
		run -0 --separate-stderr tkt-list "$ID"
		[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ID" ]
		[ -z "$stderr" ]
		[ "$(calls | tr '\n' ,)" = "ticket $TEST_TOKEN,refresh,ticket $RENEWED," ]
		[ "$(cat "$D/token")" = "$RENEWED
expiry_time: 2026-12-23T12:00:00Z" ]
		[ "$(stat -c %a "$D/token")" = 600 ]
	done
}

@test "each token code exits 4 naming it when the store has no refresh settings" {
	local r
	for r in "${REFUSED[@]}"; do
		fake_case "$r"
		config norefresh
		run -4 --separate-stderr tkt-list "$ID"
		[ -z "$output" ]
		[ "$stderr" = "tkt-list: ticket $ID: the marketplace refused the token ($(quoted "$r"); a person must renew it) (request id req-1)" ]
		[ "$(calls)" = "ticket $TEST_TOKEN" ]
		[ "$(token_now)" = "$TEST_TOKEN" ]
	done
}

@test "each token code exits 4 naming it and the refresh's code when the refresh is refused" {
	local r h c refusal=(400 1006)
	[ "$API" = v3 ] || refusal=(401 4000)
	for r in "${REFUSED[@]}"; do
		fake_case "$r" "${refusal[@]}"
		config
		run -4 --separate-stderr tkt-list "$ID"
		[ -z "$output" ]
		h=${r%% *} c=${r#* } c=${c%% *}
		[ "$c" = - ] && c= || c=", code $c"
		[ "$stderr" = "tkt-list: ticket $ID: store 'main': the token was refused (HTTP $h$c) and its refresh failed: the refresh token was refused (HTTP ${refusal[0]}, code ${refusal[1]}); a person must act (request id req-2)" ]
		[ "$(calls | tr '\n' ,)" = "ticket $TEST_TOKEN,refresh," ]
		[ "$(token_now)" = "$TEST_TOKEN" ]
	done
}

@test "1002 exits 4 without a refresh on v3 (the account is disabled); on v2 it refuses that ticket only" {
	local h
	if [ "$API" = v2 ]; then
		# "Order already fulfilled": the ticket fails, exit 1.
		fake 400 1002 "Order already fulfilled"
		config
		run -1 --separate-stderr tkt-list "$ID"
		[ -z "$output" ]
		[ "$stderr" = "tkt-list: ticket $ID: Order already fulfilled (code 1002, HTTP 400) (request id req-1)" ]
		[ "$(calls)" = "ticket $TEST_TOKEN" ]
		return
	fi
	for h in 400 401; do
		fake $h 1002 "Cannot access API due to account is disabled"
		config
		run -4 --separate-stderr tkt-list "$ID"
		[ -z "$output" ]
		[ "$stderr" = "tkt-list: ticket $ID: the marketplace refused the token (HTTP $h, code 1002: Cannot access API due to account is disabled; the account is disabled: a person must act) (request id req-1)" ]
		[ "$(calls)" = "ticket $TEST_TOKEN" ]
		[ "$(token_now)" = "$TEST_TOKEN" ]
	done
}

@test "v3 does not use 4000: on HTTP 400 it refuses that ticket only, on 401 the token" {
	only_api v3 "4000 is v2's code"
	fake 400 4000 "Unauthorized Request"
	config
	run -1 --separate-stderr tkt-list "$ID"
	[ "$stderr" = "tkt-list: ticket $ID: Unauthorized Request (code 4000, HTTP 400) (request id req-1)" ]
	[ "$(calls)" = "ticket $TEST_TOKEN" ]
	fake 401 4000 "Unauthorized Request"
	config
	run -0 --separate-stderr tkt-list "$ID"
	[ "$(calls | tr '\n' ,)" = "ticket $TEST_TOKEN,refresh,ticket $RENEWED," ]
}

# refresh_answer DATA: a fake (fake_case, for the first of REFUSED) whose
# refresh answers DATA as the envelope's data, JSON text ("-": no data).
refresh_answer() {
	local f="$BATS_TEST_TMPDIR/fake"
	fake_case "${REFUSED[0]}"
	if [ "$1" = - ]; then
		printf '{"code":0,"message":""}\n' >"$f/refresh.json"
	else
		printf '{"code":0,"data":%s,"message":""}\n' "$1" >"$f/refresh.json"
	fi
	config
}

@test "a refresh answer without a usable access_token exits 4 saying what is wrong with it" {
	local c d why
	local -a cases=(
	    "-|the answer has no data"
	    '[]|data is an array, not an object'
	    '{"refresh_token":"r"}|data has no access_token'
	    '{"access_token":42}|access_token is an integer, not a string'
	    '{"access_token":null}|access_token is null, not a string'
	    '{"access_token":""}|it is empty or has a space or a control character'
	    '{"access_token":"a b"}|it is empty or has a space or a control character')
	for c in "${cases[@]}"; do
		d=${c%%|*} why=${c#*|}
		refresh_answer "$d"
		run -4 --separate-stderr tkt-list "$ID"
		[ -z "$output" ]
		[[ "$stderr" == *"and its refresh failed: the refresh answered no usable access_token: $why; a person must act"* ]]
		[ "$(token_now)" = "$TEST_TOKEN" ]
	done
}

@test "a refresh answer whose refresh_token or expiry_time cannot be read is warned of; the new token is kept" {
	refresh_answer "{\"access_token\":\"$RENEWED\",\"refresh_token\":7,\"expiry_time\":true}"
	run -0 --separate-stderr tkt-list "$ID"
	[ "$(printf '%s\n' "$output" | jq -r .id)" = "$ID" ]
	[ "$stderr" = "tkt-list: store 'main': the refresh answered refresh_token as an integer, not a string: it is not kept
tkt-list: store 'main': the refresh answered an expiry_time that is neither Unix seconds nor a time: the new token's expiry is not known" ]
	[ "$(cat "$D/token")" = "$RENEWED" ]
	[ "$(cat "$D/refresh")" = "refresh-0123456789" ]
	refresh_answer "{\"access_token\":\"$RENEWED\",\"refresh_token\":null,\"expiry_time\":\"soon\"}"
	run -0 --separate-stderr tkt-list "$ID"
	[ "$stderr" = "tkt-list: store 'main': the refresh answered an expiry_time that is not a time: the new token's expiry is not known" ]
	[ "$(cat "$D/token")" = "$RENEWED" ]
}

# Runs that share one token file, on the sandbox, whose refresh revokes
# every earlier token and whose tokens are numbered in the order issued.

# The HTTP statuses of a run's requests, from its -v lines on stderr.
statuses() {
	grep -E '^tkt-[a-z]+: (GET|POST|PUT) ' "$1" | awk '{ print $4 }'
}

# Were all of a run's refusals before its first success?
refused_first() {
	statuses "$1" | awk '/^2/ { ok = 1; next } ok { bad = 1 } END { exit bad }'
}

# A new token from the sandbox's refresh, as another run would get.
refresh_elsewhere() {
	curl -sf -G "$SANDBOX_URL/api/$API/oauth/refresh_token" -d client_id=app \
	    -d client_secret=other -d refresh_token=refresh-0123456789 \
	    -d grant_type=refresh_token | jq -r .data.access_token
}

@test "two overlapping runs that meet the expired token refresh it once, and neither's token is revoked under it" {
	local p1 p2 s1=0 s2=0
	stop_sandbox
	# The refresh is slow, so that both runs are refused while the
	# first one refreshes.
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW" \
	    --refresh-token "refresh-0123456789" --token-ttl 3 \
	    --faults "slow=600@/api/$API/oauth/refresh_token"
	unset TKT_TOKEN TKT_API_URL
	config
	tkt-list --limit 12 >"$D/all"
	head -n 6 "$D/all" >"$D/in1"
	tail -n 6 "$D/all" >"$D/in2"
	[ "$(wc -l <"$D/in2")" -eq 6 ]
	sleep 3.1
	tkt-reply -v --rate 4 -m "$TEXT" "$D/in1" >"$D/out1" 2>"$D/err1" &
	p1=$!
	tkt-reply -v --rate 4 -m "$TEXT" "$D/in2" >"$D/out2" 2>"$D/err2" &
	p2=$!
	wait "$p1" || s1=$?
	wait "$p2" || s2=$?
	cat "$D/err1" "$D/err2"
	[ "$s1" -eq 0 ]
	[ "$s2" -eq 0 ]
	jq -e -s 'length == 6 and all(.[]; .result.ok == true)' "$D/out1"
	jq -e -s 'length == 6 and all(.[]; .result.ok == true)' "$D/out2"
	# Both were refused at first, then never again.
	statuses "$D/err1" | grep -Eqx '40[01]'
	statuses "$D/err2" | grep -Eqx '40[01]'
	refused_first "$D/err1"
	refused_first "$D/err2"
	[ -z "$(grep 'refused the token' "$D/err1" "$D/err2")" ]
	# The one refresh made the sandbox's first new token.
	[[ "$(token_now)" == sandbox-token-1-* ]]
	[ "$(stat -c %a "$D/token")" = 600 ]
}

# paused_reply: on a sandbox of long-lived tokens, starts tkt-reply -v on
# one ticket fed through a fifo, and returns once the run has read its
# token file ($TEST_TOKEN): it opens the journal just after.  resume_reply then feeds the ticket and waits for the run: its
# exit status in $status, its output in $D/out and $D/err.
paused_reply() {
	local i
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW" \
	    --refresh-token "refresh-0123456789"
	unset TKT_TOKEN TKT_API_URL
	config
	tkt-list --limit 1 >"$D/in"
	printf '%s\n' "$TEST_TOKEN" >"$D/token"
	mkfifo "$D/fifo"
	tkt-reply -v -m "$TEXT" <"$D/fifo" >"$D/out" 2>"$D/err" &
	REPLY_PID=$!
	exec {FEED}>"$D/fifo"
	for i in $(seq 1 200); do
		readlink /proc/"$REPLY_PID"/fd/* 2>/dev/null |
		    grep -q '/tkt/journal$' && return 0
		sleep 0.025
	done
	return 1
}

resume_reply() {
	cat "$D/in" >&"$FEED"
	exec {FEED}>&-
	status=0
	wait "$REPLY_PID" || status=$?
	cat "$D/err"
}

@test "a run takes the token another run wrote to the token file, without a refresh" {
	local new
	paused_reply
	# Another run refreshes (the run's token is revoked) and keeps the
	# new token in the file, before the run sends anything.
	new=$(refresh_elsewhere)
	[[ "$new" == sandbox-token-1-* ]]
	secret "$D/token" "$new"
	resume_reply
	[ "$status" -eq 0 ]
	jq -e '.result.ok == true' "$D/out"
	# Refused once (revoked), then sent again with the file's token.
	[[ "$(statuses "$D/err" | tr '\n' ,)" == 40[01],200, ]]
	[ -z "$(grep 'refused the token' "$D/err")" ]
	# No refresh: the file still holds the other run's token.
	[ "$(cat "$D/token")" = "$new" ]
}

@test "a token file that cannot be read again when the token is refused exits 4 saying why" {
	local revoked=1016
	[ "$API" = v2 ] || revoked=1008
	paused_reply
	refresh_elsewhere >/dev/null
	chmod 644 "$D/token"
	resume_reply
	[ "$status" -eq 4 ]
	jq -e '.result.ok == false and .result.error.kind == "refused"' "$D/out"
	grep -qF "store 'main': the token was refused (HTTP 40" "$D/err"
	grep -qF ", code $revoked) and cannot be renewed: token file $D/token is open to group or others (mode 0644); run: chmod 600 $D/token; a person must act" "$D/err"
}

@test "a run that waits for another run's refresh takes the token it wrote" {
	local new
	stop_sandbox
	start_sandbox --seed 11 --tickets 80 --now "$TEST_NOW" \
	    --refresh-token "refresh-0123456789"
	unset TKT_TOKEN TKT_API_URL
	config
	# Another run holds the lock while it refreshes, and writes the new
	# token in the file a second later; the run's token is revoked.
	new=$(refresh_elsewhere)
	flock "$D/token.lock" sh -c 'touch "$1.held"; sleep 1;
	    (umask 077 && printf "%s\n" "$2" >"$1.new") && mv "$1.new" "$1"' \
	    sh "$D/token" "$new" 3>&- &
	for _ in $(seq 1 200); do
		[ -e "$D/token.held" ] && break
		sleep 0.025
	done
	run -0 --separate-stderr tkt-list -v --limit 2
	[ "${#lines[@]}" -eq 2 ]
	[[ "$(statuses <(printf '%s\n' "$stderr") | tr '\n' ,)" == 40[01],200, ]]
	[[ "$stderr" != *"refused the token"* ]]
	[ "$(token_now)" = "$new" ]
}
