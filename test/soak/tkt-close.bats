#!/usr/bin/env bats
# api: v2 v3 (make soak runs this suite under each API version)
# tkt-close's long fault soak, run by make soak; make check runs the same
# soak with 200 tickets (test/tkt-close.bats).

load ../test_helper
load ../action_helper
load ../soak_helper

@test "fault soak: 2,000 tickets refunded and closed through 20 % faults, every order refunded exactly once" {
	refund_soak 2000
}
