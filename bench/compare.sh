#!/bin/sh
# bench/compare.sh BASELINE.json RESULTS.json THRESHOLD_PCT: compare every median wall time and
# peak RSS of a run with a saved baseline (bench/stress.sh --baseline NAME). A command regresses
# when its median is more than THRESHOLD percent above the baseline's and more than 0.5 ms (or
# 1 MB) above it in absolute terms, so that sub-millisecond noise cannot fail a run. Prints the
# table of what moved; exits 1 on any regression.
set -eu
[ $# -eq 3 ] || { echo "usage: bench/compare.sh BASELINE.json RESULTS.json THRESHOLD_PCT" >&2; exit 2; }
out=$(jq -r -n --slurpfile b "$1" --slurpfile n "$2" --argjson t "$3" '
  def rows($r): [$r.groups | to_entries[] | .key as $g | .value[] | {key: "\($g) | \(.name)", wall: .wall.median, wmax: .wall.max, rss: .rss_mb.median}];
  (rows($b[0]) | map({key, value: .}) | from_entries) as $base
  | [rows($n[0])[] | select($base[.key]) | . as $x | $base[.key] as $o
     | {key, old: $o.wall, new: $x.wall, pct: (if $o.wall > 0 then ($x.wall / $o.wall - 1) * 100 else 0 end),
        oldrss: $o.rss, newrss: $x.rss}
     | .slower = (.new > .old * (1 + $t / 100) and .new - .old > 0.0005 and .new > $o.wmax)
     | .fatter = (.newrss > .oldrss * (1 + $t / 100) and .newrss - .oldrss > 1)]
  | (map(select(.slower or .fatter)) | length) as $bad
  | "comparison with baseline \($b[0].stamp) (\($b[0].machine.host)), threshold \($t)%:",
    (sort_by(-.pct)[] | select((.pct | fabs) >= 5 or .slower or .fatter)
     | "  \(if .slower or .fatter then "REGRESSED" elif .pct < 0 then "faster   " else "slower   " end)  \(.key): \(.old * 1000 | . * 100 | round / 100) ms -> \(.new * 1000 | . * 100 | round / 100) ms (\(.pct | round)%), RSS \(.oldrss | . * 10 | round / 10) -> \(.newrss | . * 10 | round / 10) MB"),
    "\(length) commands compared, \($bad) regressed",
    (if $bad > 0 then "FAIL" else "PASS" end)
')
printf '%s\n' "$out"
[ "$(printf '%s\n' "$out" | tail -n1)" = PASS ]
