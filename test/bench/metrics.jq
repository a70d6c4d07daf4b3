# metrics.jq: the bench's jq baseline.  jq -n --argjson now EPOCH
# --argjson sla SECONDS -f metrics.jq < records: tickets by state,
# first-response p50/p90 (nearest rank) and the late rate, by the rules of
# tkt-metrics(1) and the deadline rule of tkt-record(5), as one JSON
# object.  Each ticket is summed up on its own and the summaries collected
# with [...]: appending inside a reduce copies the array every time in jq
# 1.6, which is quadratic.
def rank($a; $p):
  if ($a | length) == 0 then null
  else $a[(($p * ($a | length) / 100) | ceil) - 1] end;

def ticket:
  . as $r
  # Each USER message with its answer: the next MERCHANT reply.
  | (reduce (.replies | reverse)[] as $e ({ans: null, out: []};
      if $e.sender == "MERCHANT" then .ans = ($e.at | fromdateiso8601)
      elif $e.sender == "USER" then
        .out = [[($e.at | fromdateiso8601), .ans]] + .out
      else . end)).out as $msgs
  | [ $r.state,
      (if ($msgs | length) > 0 and $msgs[0][1] != null
       then $msgs[0][1] - $msgs[0][0] else null end),
      ([$msgs[] | select(.[1] != null or
        ($r.state == "AWAITING_MERCHANT" and $now - .[0] > $sla))] | length),
      ([$msgs[] | select(if .[1] != null then .[1] - .[0] > $sla
        else $r.state == "AWAITING_MERCHANT" and $now - .[0] > $sla end)]
       | length) ];

[inputs | ticket] as $t
| ([$t[][1] | select(. != null)] | sort) as $f
| ([$t[][2]] | add // 0) as $due
| {tickets: ($t | length),
   by_state: ($t | group_by(.[0]) | map({key: .[0][0], value: length})
     | from_entries),
   first_response_s: {p50: rank($f; 50), p90: rank($f; 90)},
   late_rate: (if $due > 0 then ([$t[][3]] | add) / $due else null end)}
