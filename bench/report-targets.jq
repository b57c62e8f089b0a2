# bench/report-targets.jq (--arg fmt md|html): the headline table (how fast against rg -P and
# against the floors, per fixture) and the targets with their 95% confidence intervals, for
# bench/report.sh. A ratio whose value misses its limit while its interval reaches under it is
# "within noise": this machine's spread could make that miss, so it does not fail the run.
def ms: if . == null then "-" else (. * 1e4 | round / 10 | tostring) end;
def r2: if . == null then "-" else (. * 100 | round / 100 | tostring) end;
def med($g; $n): (.groups[$g] // []) | map(select(.name == $n)) | first | if . then .wall.median else null end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;
def result: if .pass == null then "not measured"
	elif .noise then "PASS (within noise)"
	elif .pass then "PASS"
	elif .gate then "FAIL"
	else "miss (not gated" + (if .why_ungated then ": " + .why_ungated else "" end) + ")" end;
def cls: if .pass == null then "" elif .noise then "miss" elif .pass then "pass" elif .gate then "fail" else "miss" end;
def ci: if .ci then "\(.ci[0] | r2)-\(.ci[1] | r2)" else "" end;
. as $r
| ([.groups | keys[] | select(endswith(".cold")) | rtrimstr(".cold")]) as $fx
| [ $fx[] as $f | {f: $f, cold: ($r | med($f + ".cold"; "walker")), rg: ($r | med($f + ".cold"; "rg -P")),
                   read: ($r | med($f + ".cold"; "read floor")), warm: ($r | med($f + ".warm"; "walker warm")),
                   stat: ($r | med($f + ".warm"; "stat floor"))} ] as $rows
| if $fmt == "md" then
    "| fixture | walker cold ms | rg -P ms | x rg -P | read floor ms | walker warm ms | stat floor ms | warm x floor |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
    ($rows[] | "| \(.f) | \(.cold | ms) | \(.rg | ms) | \(ratio(.cold; .rg) | r2) | \(.read | ms) | \(.warm | ms) | \(.stat | ms) | \(ratio(.warm; .stat) | r2) |"),
    "",
    "| target | value | 95% CI | limit | result |",
    "|---|---:|---:|---:|---|",
    ($r.targets[] | "| \(.text) | \(.value | if . == null then "-" else (. * 1000 | round / 1000 | tostring) end) | \(ci) | \(.limit) | \(if .pass == false and .gate then "**FAIL**" else result end) |")
  else
    "<h2>How fast</h2><table><tr><th>fixture</th><th>walker cold ms</th><th>rg -P ms</th><th>x rg -P</th><th>read floor ms</th><th>walker warm ms</th><th>stat floor ms</th><th>warm x floor</th></tr>",
    ($rows[] | "<tr><td>\(.f | @html)</td><td class=n>\(.cold | ms)</td><td class=n>\(.rg | ms)</td><td class=n>\(ratio(.cold; .rg) | r2)</td><td class=n>\(.read | ms)</td><td class=n>\(.warm | ms)</td><td class=n>\(.stat | ms)</td><td class=n>\(ratio(.warm; .stat) | r2)</td></tr>"),
    "</table>",
    "<h2>Targets</h2><table><tr><th>target</th><th>value</th><th>95% CI</th><th>limit</th><th>result</th></tr>",
    ($r.targets[] | "<tr><td>\(.text | @html)</td><td class=n>\(.value | if . == null then "-" else (. * 1000 | round / 1000 | tostring) end)</td><td class=n>\(ci)</td><td class=n>\(.limit)</td><td><span class=\(cls)>\(result | @html)</span></td></tr>"),
    "</table>"
  end
