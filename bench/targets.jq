# bench/targets.jq: the figures and targets of one benchmark run. Input: the run's results
# ({groups: {NAME: [runner objects]}, ...}); $t[0]: bench/targets.json. Adds .figures and .targets.
def cmd($g; $n): (.groups[$g] // []) | map(select(.name == $n)) | first;
def med($g; $n): cmd($g; $n) | if . then .wall.median else null end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null else $a / $b end;
def target($name; $value; $limit; $text):
  {name: $name, text: $text, value: $value, limit: $limit,
   pass: (if $value == null then null else $value <= $limit end),
   gate: ((.kind == "full") and ($value != null) and (($t[0].ungated[$name]) == null)),
   why_ungated: $t[0].ungated[$name]};
# The 95% confidence interval of a median from the order statistics of its runs (distribution-free:
# the k-th smallest and k-th largest, k = (n - 1.96 sqrt n) / 2), and that of a ratio of two
# medians from their intervals. A ratio target misses only when its whole interval lies above the
# limit: a miss this machine's noise could make is reported, not failed.
def wall_runs($g; $n): cmd($g; $n) | if . and .runs then [.runs[][0]] | sort else null end;
def median_ci($s):
  if $s == null or ($s | length) == 0 then null
  else ($s | length) as $n | ((($n - 1.96 * ($n | sqrt)) / 2) | floor | if . < 1 then 1 else . end) as $k
       | [$s[$k - 1], $s[$n - $k]] end;
def ratio_ci($ga; $na; $gb; $nb):
  median_ci(wall_runs($ga; $na)) as $a | median_ci(wall_runs($gb; $nb)) as $b
  | if $a == null or $b == null or $b[0] <= 0 then null else [$a[0] / $b[1], $a[1] / $b[0]] end;
def target_ci($name; $value; $ci; $limit; $text):
  target($name; $value; $limit; $text)
  | .ci = $ci
  | .noise = ($value != null and $value > $limit and $ci != null and $ci[0] <= $limit)
  | .pass = (if $value == null then null else ($value <= $limit or .noise) end);
. as $r
| $t[0] as $T
| ([.groups | keys[] | select(endswith(".cold")) | rtrimstr(".cold")]) as $fx
| [ .groups[] | .[] | select(.name | startswith("walker")) | .rss_mb.max ] as $rss
| def ms($g; $n): $r | med($g; $n) | if . == null then null else . * 1000 end;
  .figures = {
    cold_ms: ($fx | map(. as $f | {key: $f, value: ms($f + ".cold"; "walker")}) | from_entries),
    cold_e_ms: ($fx | map(. as $f | {key: $f, value: ms($f + ".cold"; "walker-e")}) | from_entries),
    warm_ms: ($fx | map(. as $f | {key: $f, value: ms($f + ".warm"; "walker warm")}) | from_entries),
    rg_ms: ($fx | map(. as $f | {key: $f, value: ms($f + ".cold"; "rg -P")}) | from_entries),
    peak_rss_mb: ($rss | max),
    watch: ([$r.watch // [] | .[] | .fixture] | unique | map(. as $f
      | ($r.watch | map(select(.fixture == $f)) | map({key: .name, value: .}) | from_entries) as $w
      | {key: $f, value: {
          p50_ms: $w["walker --watch"].p50_ms, p99_ms: $w["walker --watch"].p99_ms,
          burst_p50_ms: ($w | to_entries | map(select(.key | startswith("walker --watch, "))) | first | .value.p50_ms),
          burst_p99_ms: ($w | to_entries | map(select(.key | startswith("walker --watch, "))) | first | .value.p99_ms),
          entr_rg_p50_ms: $w["entr + rg -P"].p50_ms, entr_walker_p50_ms: $w["entr + walker (warm)"].p50_ms,
          entr_alone_p50_ms: $w["entr alone (echo)"].p50_ms,
          entr_rg_vs_watch: ratio($w["entr + rg -P"].p50_ms; $w["walker --watch"].p50_ms),
          entr_walker_vs_watch: ratio($w["entr + walker (warm)"].p50_ms; $w["walker --watch"].p50_ms),
          rss_mb: (if $w["walker --watch"] then $w["walker --watch"].rss_kb / 1024 else null end),
          plain_warm_rss_mb: ($r | cmd($f + ".warm"; "walker warm") | if . then .rss_mb.max else null end)}})
      | from_entries)
  }
| .targets = (
    [ $T.seed_s | to_entries[] | . as $e
      | $r | target("seed " + $e.key; med($e.key + ".cold"; "walker"); $e.value;
                    "\($e.key) cold run < \($e.value) s (seed target)") ]
  + [ $r | target("peak RSS (fast checks)"; ($rss | max); $T.rss_fast_mb; "peak RSS < \($T.rss_fast_mb) MB") ]
  + [ $r | target("peak RSS (full checks)"; ($rss | max); $T.rss_full_mb; "peak RSS < \($T.rss_full_mb) MB") ]
  + [ $r | target("peak RSS on 50K files"; (cmd("stress-huge-files.cold"; "walker") | if . then .rss_mb.max else null end);
                  $T.rss_50k_mb; "peak RSS on stress-huge-files < \($T.rss_50k_mb) MB") ]
  + [ $T.cold_vs_rg.fixtures[] as $f
      | $r | target_ci("cold/rg " + $f; ratio(med($f + ".cold"; "walker-e"); med($f + ".cold"; "rg -P"));
                       ratio_ci($f + ".cold"; "walker-e"; $f + ".cold"; "rg -P"); $T.cold_vs_rg.limit;
                    "\($f): cold walker <= \($T.cold_vs_rg.limit) x rg -P (same regex)") ]
  + [ $T.warm_vs_stat_floor.fixtures[] as $f
      | $r | target_ci("warm/stat floor " + $f; ratio(med($f + ".warm"; "walker warm"); med($f + ".warm"; "stat floor"));
                    ratio_ci($f + ".warm"; "walker warm"; $f + ".warm"; "stat floor");
                    $T.warm_vs_stat_floor.limit; "\($f): warm cache <= \($T.warm_vs_stat_floor.limit) x the stat floor") ]
  # N x faster than rg -P, or at the stat floor (warm_vs_stat_floor's limit) where the floor itself
  # is not N x faster: no program that stats its files can go under the floor, and on a machine
  # whose process start-up and fstatat are slow the floor is above the plain ratio
  + [ $T.warm_vs_rg | to_entries[] | . as $e
      | ($r | ratio(med($e.key + ".warm"; "stat floor"); med($e.key + ".warm"; "rg -P"))) as $fl
      | ([$e.value, (if $fl then $fl * $T.warm_vs_stat_floor.limit else 0 end)] | max) as $lim
      | $r | target_ci("warm/rg " + $e.key; ratio(med($e.key + ".warm"; "walker-e warm"); med($e.key + ".warm"; "rg -P"));
                    ratio_ci($e.key + ".warm"; "walker-e warm"; $e.key + ".warm"; "rg -P");
                    $lim; "\($e.key): warm cache <= \($e.value) x rg -P (\(1 / $e.value) x faster), or <= \($T.warm_vs_stat_floor.limit) x the stat floor where that floor is above it (floor/rg here: \(if $fl then ($fl * 1000 | round / 1000) else "?" end))") ]
  + [ $T.one_file_vs_warm.fixtures[] as $f
      | $r | target_ci("one file/warm " + $f; ratio(med($f + ".one"; "walker 1 file changed"); med($f + ".one"; "walker warm (inc)"));
                    ratio_ci($f + ".one"; "walker 1 file changed"; $f + ".one"; "walker warm (inc)");
                    $T.one_file_vs_warm.limit; "\($f): one file changed <= \($T.one_file_vs_warm.limit) x warm") ]
  + [ $T.one_file_vs_warm_plus_scan.fixtures[] as $f
      | $r | target("one file/(warm + its scan) " + $f;
                    ratio(med($f + ".one"; "walker 1 file changed"); (med($f + ".one"; "walker warm (inc)") // null) as $w | (med($f + ".one"; "that file alone") // null) as $a | if $w and $a then $w + $a else null end);
                    $T.one_file_vs_warm_plus_scan.limit; "\($f): one file changed <= 1.1 x (warm + that file scanned alone)") ]
  + [ $T.auto_vs_best.fixtures[] as $f
      | (if (med($f + ".cold"; "walker sequential") // 1e9) <= (med($f + ".cold"; "walker parallel") // 1e9)
         then "walker sequential" else "walker parallel" end) as $best
      | $r | target_ci("auto/best mode " + $f; ratio(med($f + ".cold"; "walker"); med($f + ".cold"; $best));
                    ratio_ci($f + ".cold"; "walker"; $f + ".cold"; $best);
                    $T.auto_vs_best.limit; "\($f): --mode auto within 10% of the better fixed mode") ]
  + [ $T.scale_cost_ratio as $s
      | ($r.series_files | map({key: (.n | tostring), value: .files}) | from_entries) as $nf
      | $r | target("cost per file \($s.large)/\($s.small)";
                    ratio((med("series"; "walker scale:\($s.large)") // null) as $a | if $a and $nf["\($s.large)"] then $a / $nf["\($s.large)"] else null end;
                          (med("series"; "walker scale:\($s.small)") // null) as $b | if $b and $nf["\($s.small)"] then $b / $nf["\($s.small)"] else null end);
                    $s.limit; "time per file at \($s.large) files <= \($s.limit) x the time per file at \($s.small)") ]
  + [ ($r.report_bytes // [])[] as $b
      | ((med("report"; "walker json \($b.n)") // null) as $j | (med("report"; "walker text \($b.n)") // null) as $x
         | if $j and $x and $b.json_bytes > 0 then ($j - $x) * 1000 / ($b.json_bytes / 1e6) else null end) as $v
      | $r | target("json ms/MB \($b.n)"; (if $v != null and $v < 0 then 0 else $v end); $T.json_ms_per_mb;
                    "JSON report of \($b.n) matches: <= \($T.json_ms_per_mb) ms per MB written (>= 500 MB/s)") ]
  + [ $T.few_big_vs_rg.sets[] as $f
      | $r | target_ci("few-big/rg " + $f; ratio(med("few-big"; "walker " + $f); med("few-big"; "rg -P " + $f));
                    ratio_ci("few-big"; "walker " + $f; "few-big"; "rg -P " + $f);
                    $T.few_big_vs_rg.limit; "few big files (\($f)): the walker <= \($T.few_big_vs_rg.limit) x rg -P") ]
  + [ $T.pathological_vs_rg.files[] as $f
      | $r | target_ci("pathological/rg " + $f; ratio(med("pathological"; "walker " + $f); med("pathological"; "rg -P " + $f));
                    ratio_ci("pathological"; "walker " + $f; "pathological"; "rg -P " + $f);
                    $T.pathological_vs_rg.limit; "\($f): the walker with its judgement <= \($T.pathological_vs_rg.limit) x rg -P (linear time)") ]
  + [ $T.watch.fixtures[] as $f
      | ($r.watch // [] | map(select(.fixture == $f and .name == "walker --watch")) | first) as $x
      | ($r | cmd($f + ".warm"; "walker warm") | if . then .rss_mb.max else null end) as $plain
      | ($r | target("watch p50 " + $f; (if $x then $x.p50_ms else null end); $T.watch.p50_ms;
                     "\($f): a file renamed into place to walker --watch's report line, p50 < \($T.watch.p50_ms) ms")),
        ($r | target("watch p99 " + $f; (if $x then $x.p99_ms else null end); $T.watch.p99_ms;
                     "\($f): the same, p99 < \($T.watch.p99_ms) ms")),
        ($r | target("watch RSS " + $f; (if $x and $plain then $x.rss_kb / 1024 - $plain else null end);
                     $T.watch.rss_over_plain_mb;
                     "\($f): the watcher's peak RSS < \($T.watch.rss_over_plain_mb) MB above a warm plain run's")) ]
  + [ ([.groups | keys[] | select(endswith(".changed"))] | sort[]) as $g | "walker --changed-since HEAD~1" as $cs
      | ($g | rtrimstr(".changed") | if . == "git-monorepo" then "" else " " + . end) as $sfx
      | ($r | target_ci("changed-since/warm" + $sfx; ratio(med($g; $cs); med($g; "walker warm")); ratio_ci($g; $cs; $g; "walker warm");
                        $T.changed_since.vs_warm; "\($g): --changed-since HEAD~1 (20 changes) <= \($T.changed_since.vs_warm) x a warm run of the tree")),
        ($r | (med($g; "git diff --name-only HEAD~1") as $d | med($g; "git status") as $st
              | median_ci(wall_runs($g; $cs)) as $c | median_ci(wall_runs($g; "git diff --name-only HEAD~1")) as $dc
              | median_ci(wall_runs($g; "git status")) as $sc
              | target_ci("changed-since/git" + $sfx; ratio(med($g; $cs); (if $d and $st then $d + $st else null end));
                          (if $c and $dc and $sc then [$c[0] / ($dc[1] + $sc[1]), $c[1] / ($dc[0] + $sc[0])] else null end);
                          $T.changed_since.vs_git; "\($g): --changed-since HEAD~1 <= \($T.changed_since.vs_git) x (git diff --name-only HEAD~1 + git status)"))) ]
  )
