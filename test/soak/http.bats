#!/usr/bin/env bats
# The HTTP engine's long waits, run by make soak: every form of a wait
# that is cut or cannot be read, each waited out in turn (about 2 s each);
# make check tries a form of each header (test/http.bats).

load ../test_helper
load ../http_helper

@test "every form of a wait far ahead, or endless, is cut to TKT_MAX_WAIT" {
	export TKT_BACKOFF=20s TKT_MAX_WAIT=2s
	each_waits 1.9 "Wish-Rate-Limit-Reset: {UNIX_MS+86400}" \
	    "Wish-Rate-Limit-Reset: {ISO+86400}" "Wish-Rate-Limit-Reset: 3600" \
	    "Retry-After: 1e300" "Retry-After: inf" "Retry-After: 1e999"
}

@test "every form of a wait that cannot be read falls back to the backoff" {
	export TKT_BACKOFF=2s TKT_MAX_WAIT=30s
	# The first backoff is 2 s times 0.5 to 1.5.
	each_waits 0.95 "Wish-Rate-Limit-Reset: soon" "Retry-After: nan" \
	    "Retry-After: -3" "Retry-After: 0x10" "Retry-After: 1e" \
	    "Wish-Rate-Limit-Reset: 2026-13-01T00:00:00Z"
}
