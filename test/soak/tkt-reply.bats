#!/usr/bin/env bats
# api: v2 v3 (make soak runs this suite under each API version)
# tkt-reply's long fault soaks, run by make soak; make check runs the same
# soaks with fewer tickets (test/tkt-reply.bats).

load ../test_helper
load ../action_helper
load ../soak_helper

TEXT="Thank you for your message. We are looking into it right now."

@test "fault soak: 2,000 tickets through --resolve -P 8 with about 20 % faults, each answered and closed exactly once" {
	reply_soak 2000
}

@test "v3: --resolve -P 8 through 23 % failing writes (500s, 429s that alone carry rate headers, cuts after applying): 400 tickets in under 30 s, one reply each, and a re-run sends nothing" {
	only_api v3 "the rate headers on 429s only are v3's"
	reply_soak_429 400
}
