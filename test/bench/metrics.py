#!/usr/bin/env python3
"""metrics.py NOW [SLA_S] < records: the bench's Python baseline.  Tickets by
state, first-response p50/p90 (nearest rank) and the late rate, by the rules
of tkt-metrics(1) and the deadline rule of tkt-record(5), printed as one JSON
object."""
import json, math, sys
from datetime import datetime

def ts(s):
    return datetime.fromisoformat(s.replace("Z", "+00:00")).timestamp()

now, sla = ts(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 172800
states, first, due, late = {}, [], 0, 0
for line in sys.stdin:
    r = json.loads(line)
    states[r["state"]] = states.get(r["state"], 0) + 1
    answer, answers = None, []
    for rep in reversed(r["replies"]):            # each USER message's answer:
        at = ts(rep["at"])                        # the next MERCHANT reply
        if rep["sender"] == "MERCHANT":
            answer = at
        elif rep["sender"] == "USER":
            answers.append((at, answer))
    answers.reverse()
    if answers and answers[0][1] is not None:
        first.append(answers[0][1] - answers[0][0])
    for at, ans in answers:
        if ans is not None:
            due += 1
            late += ans - at > sla
        elif r["state"] == "AWAITING_MERCHANT" and now - at > sla:
            due += 1
            late += 1
first.sort()
rank = lambda p: int(first[math.ceil(p * len(first) / 100) - 1]) if first else None
print(json.dumps({"tickets": sum(states.values()), "by_state": dict(sorted(states.items())),
                  "first_response_s": {"p50": rank(50), "p90": rank(90)},
                  "late_rate": late / due if due else None}, separators=(",", ":")))
