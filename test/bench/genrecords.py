#!/usr/bin/env python3
"""genrecords.py [N [SEED]]: N tkt records (tkt-record(5)) as JSON lines on
stdout, the same bytes for the same N and SEED.  Times are relative to
2026-11-23T12:00:00Z (the bench passes that as --now), so some tickets are
overdue, some due soon, some answered late.  Only the standard library."""

import json
import random
import sys
from datetime import datetime, timedelta, timezone

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=timezone.utc)
TYPES = ["PRE_PURCHASE", "ORDER", "POST_CUSTOMER_SUPPORT"]
SUB_LABELS = {
    "PRE_PURCHASE": ["SIZE_QUESTION", "COLOR_QUESTION", "STORE_QUESTION"],
    "ORDER": ["RETURN", "REFUND", "DEFECTIVE", "DAMAGED", "MISSING_ITEM"],
    "POST_CUSTOMER_SUPPORT": ["CHANGE_SIZE", "CHANGE_ADDRESS", "ORDER_STATUS",
                              "TRACKING"],
}
LOCALES = ["en", "fr", "de", "es", "it", "pt", "nl", "ja", "fr-CA", "pt-BR"]
STORES = ["main", "outlet"]
NAMES = ["Ana", "Jean", "Mareike", "Luca", "Sofia", "Kenji", "Pieter", "Maria"]
WORDS = ("where is my order please size colour refund arrived broken thanks "
         "tracking number parcel address change the a small large red blue "
         "item was missing can you help me with this today").split()
OTHERS = ["WISH_SUPPORT", "WISH_AUTOMATED_SUPPORT", "LIVE_CHAT"]


def ts(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def text(rng, lo, hi):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def record(rng, i):
    typ = rng.choice(TYPES)
    loc = rng.choice(LOCALES)
    opened = NOW - timedelta(seconds=rng.randint(3600, 60 * 86400))
    t = opened
    replies = []
    nturns = rng.choice([1, 1, 1, 2, 2])
    for turn in range(nturns):
        for _ in range(rng.choice([1, 1, 1, 1, 2])):       # buyer messages
            replies.append(("USER", t))
            t += timedelta(seconds=rng.randint(1, 1800))
        if rng.random() < 0.08:
            replies.append((rng.choice(OTHERS), t))
            t += timedelta(seconds=rng.randint(60, 7200))
        if turn == nturns - 1 and rng.random() < 0.25:
            break                                       # still waiting
        t += timedelta(seconds=int(rng.expovariate(1 / (20 * 3600))))
        if t >= NOW:
            break
        replies.append(("MERCHANT", t))
        t += timedelta(seconds=rng.randint(600, 3 * 86400))
    replies = [(s, a) for s, a in replies if a < NOW]
    last = replies[-1][0]
    closed_at = None
    if last == "USER":
        state = "AWAITING_MERCHANT"
    elif last != "MERCHANT":
        state = "AWAITING_WISH"
    elif rng.random() < 0.6:
        state = rng.choice(["CLOSED", "CLOSED", "PERMANENTLY_CLOSED"])
        closed_at = replies[-1][1] + timedelta(seconds=rng.randint(60, 86400))
        if closed_at >= NOW:
            closed_at = NOW - timedelta(seconds=1)
    else:
        state = "AWAITING_USER"
    updated = max([a for _, a in replies] + ([closed_at] if closed_at else []))
    waiting = None
    if state == "AWAITING_MERCHANT":
        for s, a in replies:
            if s == "MERCHANT":
                waiting = None
            elif s == "USER" and waiting is None:
                waiting = a
    name = rng.choice(NAMES)
    return {
        "id": "%024x" % rng.getrandbits(96),
        "store": rng.choice(STORES),
        "api": "v3",
        "type": typ,
        "type_inferred": False,
        "state": state,
        "subject": text(rng, 2, 4),
        "label": None,
        "sub_label": rng.choice(SUB_LABELS[typ]),
        "refund_reason": None,
        "opened_at": ts(opened),
        "updated_at": ts(updated),
        "closed_at": ts(closed_at) if closed_at else None,
        "closed_by": "MERCHANT" if closed_at else None,
        "locale": loc,
        "buyer": {"id": None, "name": name, "locale": loc},
        "orders": [{"id": "%024x" % rng.getrandbits(96)}],
        "replies": [{"sender": s, "at": ts(a), "message": text(rng, 1, 3),
                     "translated_message": None, "images": []}
                    for s, a in replies],
        "waiting_since": ts(waiting) if waiting else None,
        "due_at": ts(waiting + timedelta(hours=48)) if waiting else None,
        "csat": rng.randint(1, 5) if closed_at and rng.random() < 0.4
        else None,
    }


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    for i in range(n):
        out.write(json.dumps(record(rng, i), ensure_ascii=False,
                             separators=(",", ":")))
        out.write("\n")


if __name__ == "__main__":
    main()
