/* tkt_sandbox.h: part of tkt.h (see there); include tkt.h, not this. */
