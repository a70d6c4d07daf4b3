#!/usr/bin/env bats
# api: v2 v3 (make check runs this suite under each API version)
# OAuth refresh (tkt-config(5)): an expired token is refreshed once a run
# and kept in the token file; the refused requests go again; exit 4 only
# when a person must act; a warning when a token expires within 7 days.

load test_helper

TEXT="Thank you for your message. We are looking into it right now."
API="${TKT_TEST_API:-v2}"

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
	stop_sandbox
}

# secret FILE TEXT: a file of mode 0600 holding TEXT.
secret() {
	(umask 077 && printf '%s\n' "$2" >"$1")
}

# config [extra store lines]: one store on the sandbox, with its refresh
# settings unless "norefresh" is given.
config() {
	{
		printf 'stores:\n  main:\n    api: %s\n    url: %s\n' "$API" \
		    "$SANDBOX_URL"
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
	# Answered 200, then 401 (the token expired), then 200 again.
	grep -E '^tkt-reply: (POST|PUT) ' <<<"$stderr" | awk '{ print $4 }' |
	    uniq >"$D/statuses"
	[ "$(head -n 1 "$D/statuses")" = 200 ]
	[ "$(tail -n 1 "$D/statuses")" = 200 ]
	grep -qx 401 "$D/statuses"
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
	[[ "$stderr" == *"the marketplace refused the token (HTTP 401, code 10"*"a person must renew it"* ]]
	[ "$(token_now)" = "$TEST_TOKEN" ]
}

@test "a wrong refresh token exits 4 saying a person must act, and the token file stays" {
	config
	secret "$D/refresh" "not-the-refresh-token"
	sleep 2.2
	run -4 --separate-stderr tkt-reply -m "$TEXT" <<<"6b035bb722e983d15cf3dc6a"
	[[ "$stderr" == *"store 'main': the token expired and its refresh failed: the refresh token was refused (HTTP 401, code "*"); a person must act"* ]]
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

@test "a refresh that gives a token expiring within 7 days is warned about" {
	config
	sleep 2.2
	run -0 --separate-stderr tkt-list --limit 1
	[[ "$stderr" == "tkt-list: store 'main': the access token expires at 2026-11-23T12:00:"*"; it is refreshed when refused" ]]
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
