#!/bin/sh
# bench/report.sh RESULTS.json OUTBASE [COMPARISON.txt]: render one benchmark run as OUTBASE.md
# (tables) and OUTBASE.html (the same tables and, when gnuplot is installed, inline SVG charts:
# cost per file against tree size, thread scaling, cold/warm/incremental beside the peers, peak
# memory against tree size, and the history of the main figures). Self-contained: no network.
set -eu
[ $# -ge 2 ] || { echo "usage: bench/report.sh RESULTS.json OUTBASE [COMPARISON.txt]" >&2; exit 2; }
R=$1 O=$2 CMP=${3:-}
HIST=$(dirname "$R")/history.jsonl
TMP=$(mktemp -d /tmp/walker-report.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
mkdir -p "$(dirname "$O")"

# ---- markdown ----------------------------------------------------------------------------------
{
	jq -r '"# Benchmark report\n",
	  "Run \(.stamp) (\(.kind)): \(.runs) counted runs per command (\(.runs_fast // .runs) in the groups of fast commands: all but stress-huge-files, threads and series) after \(.warmup) warm-up, interleaved with the other commands of their group; medians quoted. Wall time from fork to wait4, user/system time and peak RSS from wait4.\n",
	  "Machine: \(.machine.cpu), \(.machine.cores) cores, \(.machine.memory), \(.machine.kernel), \(.machine.filesystem); \(.machine.compiler).",
	  "Tools: \(.machine.tools | to_entries | map(.value) | join("; ")).",
	  (if (.skipped_peers | length) > 0 then "Peers not installed (skipped): \(.skipped_peers | join(", "))." else "" end), ""' "$R"
	echo "## How fast, and the targets"
	echo
	jq -r -f bench/report-targets.jq --arg fmt md "$R"
	echo
	jq -r '.groups | to_entries[] | .key as $g | .value as $v
	  | ($v | map(select(.name == "rg -P")) | first | if . then .wall.median else null end) as $rg
	  | ($v | map(select(.name | test("floor$"))) | first | if . then .wall.median else null end) as $fl
	  | "## \($g)\n",
	    "| command | median ms | min | max | user ms | sys ms | peak RSS MB | x rg -P | x floor |",
	    "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
	    ($v[] | "| \(.name) | \(.wall.median * 1e4 | round / 10) | \(.wall.min * 1e4 | round / 10) | \(.wall.max * 1e4 | round / 10) | \(.user.median * 1e4 | round / 10) | \(.sys.median * 1e4 | round / 10) | \(.rss_mb.max * 10 | round / 10) | \(if $rg then (.wall.median / $rg * 100 | round / 100) else "-" end) | \(if $fl then (.wall.median / $fl * 100 | round / 100) else "-" end) |"),
	    ""' "$R"
	jq -r 'if (.watch // []) | length > 0 then
	    "## watch\n",
	    "walker --watch: from a file renamed into place (or a burst of files) to the watcher'"'"'s report line; entr re-running rg -P or the warm walker beside it (bench/watchlat.c).\n",
	    "| fixture | tool | edits | files per edit | p50 ms | p90 | p99 | max | peak RSS MB |",
	    "|---|---|---:|---:|---:|---:|---:|---:|---:|",
	    (.watch[] | "| \(.fixture) | \(.name) | \(.edits) | \(.burst) | \(.p50_ms * 100 | round / 100) | \(.p90_ms * 100 | round / 100) | \(.p99_ms * 100 | round / 100) | \(.max_ms * 100 | round / 100) | \(if .rss_kb > 0 then .rss_kb / 1024 * 10 | round / 10 else "-" end) |"),
	    "" else empty end' "$R"
	if [ -n "$CMP" ] && [ -s "$CMP" ]; then
		echo "## Comparison with the baseline"
		echo
		echo '```'
		cat "$CMP"
		echo '```'
	fi
	echo "Commands: \`jq '.groups' $R\`; how to read and repeat these figures: docs/profiling.md."
} >"$O.md"

# ---- charts ------------------------------------------------------------------------------------
charts=""
if command -v gnuplot >/dev/null 2>&1; then
	# cost per file and peak RSS against tree size
	jq -r '(.series_files | map({key: (.n | tostring), value: .files}) | from_entries) as $nf
	  | .groups.series // [] | map(select(.name | startswith("walker scale:")))[]
	  | (.name | sub("walker scale:"; "")) as $n
	  | "\($nf[$n]) \(.wall.median / $nf[$n] * 1e6) \(.rss_mb.max)"' "$R" | sort -n >"$TMP/walker-series.dat"
	jq -r '(.series_files | map({key: (.n | tostring), value: .files}) | from_entries) as $nf
	  | .groups.series // [] | map(select(.name | startswith("rg -P scale:")))[]
	  | (.name | sub("rg -P scale:"; "")) as $n
	  | "\($nf[$n]) \(.wall.median / $nf[$n] * 1e6) \(.rss_mb.max)"' "$R" | sort -n >"$TMP/rg-series.dat"
	# thread scaling
	for g in $(jq -r '.groups | keys[] | select(endswith(".threads"))' "$R"); do
		jq -r --arg g "$g" '.groups[$g][] | select(.name | startswith("walker -j")) | "\(.name | sub("walker -j "; "")) \(.wall.median * 1000)"' "$R" >"$TMP/$g.walker.dat"
		jq -r --arg g "$g" '.groups[$g][] | select(.name | startswith("read floor -j")) | "\(.name | sub("read floor -j "; "")) \(.wall.median * 1000)"' "$R" >"$TMP/$g.floor.dat"
	done
	# cold / warm / incremental beside the peers, per fixture
	jq -r '.groups as $G | [$G | keys[] | select(endswith(".cold")) | rtrimstr(".cold")][] as $f
	  | def m($g; $n): ($G[$g] // [] | map(select(.name == $n)) | first | if . then .wall.median * 1000 else "NaN" end);
	  "\($f) \(m($f + ".cold"; "walker")) \(m($f + ".warm"; "walker warm")) \(m($f + ".one"; "walker 1 file changed")) \(($G[$f + ".pct"] // [] | map(select(.name | startswith("walker 1% changed"))) | first | if . then .wall.median * 1000 else "NaN" end)) \(m($f + ".cold"; "rg -P")) \(m($f + ".cold"; "ugrep -P")) \(m($f + ".cold"; "ag")) \(m($f + ".warm"; "stat floor")) \(m($f + ".cold"; "read floor"))"' "$R" >"$TMP/bars.dat"
	# history of the main figures (full runs)
	grep '"kind":"full"' "$HIST" 2>/dev/null | tail -n 30 | jq -r '[.stamp, (.figures.cold_ms["stress-huge-files"] // "NaN"), (.figures.warm_ms["stress-huge-files"] // "NaN"), (.figures.cold_ms["stress-monorepo"] // "NaN"), (.figures.warm_ms["stress-monorepo"] // "NaN"), (.figures.cold_ms["stress-large-file"] // "NaN")] | map(tostring) | join(" ")' >"$TMP/history.dat" || true
	grep '"kind":"quick"' "$HIST" 2>/dev/null | tail -n 30 | jq -r '[.stamp, (.figures.cold_ms["stress-patterns"] // "NaN"), (.figures.warm_ms["stress-patterns"] // "NaN"), (.figures.cold_ms["scale-1000"] // "NaN"), (.figures.warm_ms["scale-1000"] // "NaN")] | map(tostring) | join(" ")' >"$TMP/history-quick.dat" || true

	P=$TMP/plot.gp
	{
		echo 'set terminal svg size 720,400 dynamic font "sans,11" background rgb "white"'
		echo 'set grid; set key top left'
		if [ -s "$TMP/walker-series.dat" ]; then
			echo "set output '$TMP/cost.svg'"
			echo 'set title "Cost per file against tree size (cold, no cache; log scales)"; set logscale xy; set xlabel "files in the tree"; set ylabel "microseconds per file"'
			echo "plot '$TMP/walker-series.dat' using 1:2 with linespoints lw 2 title 'walker', '$TMP/rg-series.dat' using 1:2 with linespoints lw 2 title 'rg -P'"
			echo "set output '$TMP/rss.svg'"
			echo 'unset logscale y; set title "Peak memory against tree size (cold, no cache)"; set ylabel "peak RSS (MB)"; set yrange [0:*]'
			echo "plot '$TMP/walker-series.dat' using 1:3 with linespoints lw 2 title 'walker', '$TMP/rg-series.dat' using 1:3 with linespoints lw 2 title 'rg -P'"
			echo 'unset logscale x; set yrange [*:*]'
		fi
		plots=""
		for g in $(jq -r '.groups | keys[] | select(endswith(".threads"))' "$R"); do
			f=${g%.threads}
			plots="$plots${plots:+, }'$TMP/$g.walker.dat' using 1:2 with linespoints lw 2 title 'walker $f', '$TMP/$g.floor.dat' using 1:2 with linespoints dt 2 title 'read floor $f'"
		done
		if [ -n "$plots" ]; then
			echo "set output '$TMP/threads.svg'"
			echo 'set title "Thread scaling (cold, --mode parallel -j N)"; set xlabel "threads"; set ylabel "ms (median)"; set xtics 1; set yrange [0:*]'
			echo "plot $plots"
			echo 'set xtics autofreq; set yrange [*:*]'
		fi
		if [ -s "$TMP/bars.dat" ]; then
			echo "set output '$TMP/bars.svg'"
			echo 'set terminal svg size 900,420 dynamic font "sans,11" background rgb "white"'
			echo 'set title "Cold, warm and incremental runs beside the peers and the floors (log scale)"; set style data histograms; set style histogram clustered gap 1; set style fill solid 0.85 border -1'
			echo 'set logscale y; set ylabel "ms (median)"; set xlabel ""; set key outside right; set xtics rotate by -15'
			# one colour per series: gnuplot's default palette repeats after eight
			echo "plot '$TMP/bars.dat' using 2:xtic(1) title 'walker cold' lc rgb '#1f77b4', '' using 3 title 'walker warm' lc rgb '#2ca02c', '' using 4 title '1 file changed' lc rgb '#98df8a', '' using 5 title '1% changed' lc rgb '#bcbd22', '' using 6 title 'rg -P' lc rgb '#d62728', '' using 7 title 'ugrep -P' lc rgb '#ff7f0e', '' using 8 title 'ag' lc rgb '#9467bd', '' using 9 title 'stat floor' lc rgb '#7f7f7f', '' using 10 title 'read floor' lc rgb '#17becf'"
			echo 'unset logscale y; set xtics norotate; set key top left; set style data linespoints'
			echo 'set terminal svg size 720,400 dynamic font "sans,11" background rgb "white"'
		fi
		for h in history history-quick; do
			[ -s "$TMP/$h.dat" ] || continue
			echo "set output '$TMP/$h.svg'"
			echo 'set title "History of the main figures (one point per run)"; set xlabel "run"; set ylabel "ms (median)"; set yrange [0:*]; set key outside right'
			if [ $h = history ]; then
				echo "plot '$TMP/$h.dat' using 0:2 with linespoints title 'huge-files cold', '' using 0:3 with linespoints title 'huge-files warm', '' using 0:4 with linespoints title 'monorepo cold', '' using 0:5 with linespoints title 'monorepo warm', '' using 0:6 with linespoints title 'large-file cold'"
			else
				echo "plot '$TMP/$h.dat' using 0:2 with linespoints title 'patterns cold', '' using 0:3 with linespoints title 'patterns warm', '' using 0:4 with linespoints title 'scale-1000 cold', '' using 0:5 with linespoints title 'scale-1000 warm'"
			fi
		done
	} >"$P"
	if gnuplot "$P" 2>"$TMP/gnuplot.err"; then
		for c in cost threads bars rss history history-quick; do
			[ -s "$TMP/$c.svg" ] && charts="$charts $c"
		done
	else
		echo "bench/report.sh: gnuplot failed; the report has its tables only:" >&2
		cat "$TMP/gnuplot.err" >&2
	fi
else
	echo "bench/report.sh: gnuplot is not installed (make deps-bench): the report has its tables only" >&2
fi

# ---- html --------------------------------------------------------------------------------------
{
	cat <<'EOF'
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>walker benchmark report</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1000px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
td, th { border: 1px solid #ccc; padding: 3px 8px; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f2f2f2; } .pass { color: #070; font-weight: bold; } .fail { color: #b00; font-weight: bold; }
.miss { color: #a60; } figure { margin: 1em 0; } svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 0.6em; overflow-x: auto; }
</style></head><body>
EOF
	jq -r '"<h1>walker benchmark report</h1>",
	  "<p>Run \(.stamp) (\(.kind)): \(.runs) counted runs per command (\(.runs_fast // .runs) in the groups of fast commands: all but stress-huge-files, threads and series) after \(.warmup) warm-up, interleaved with the other commands of their group; medians quoted.</p>",
	  "<p>Machine: \(.machine.cpu | @html), \(.machine.cores) cores, \(.machine.memory), \(.machine.kernel | @html), \(.machine.filesystem); \(.machine.compiler | @html).<br>Tools: \(.machine.tools | to_entries | map(.value) | join("; ") | @html).</p>",
	  (if (.skipped_peers | length) > 0 then "<p>Peers not installed (skipped): \(.skipped_peers | join(", ") | @html).</p>" else "" end),
	  ""' "$R"
	jq -r -f bench/report-targets.jq --arg fmt html "$R"
	for c in $charts; do
		echo "<figure>"
		sed -n '/<svg/,$p' "$TMP/$c.svg"
		echo "</figure>"
	done
	jq -r '.groups | to_entries[] | .key as $g | .value as $v
	  | ($v | map(select(.name == "rg -P")) | first | if . then .wall.median else null end) as $rg
	  | ($v | map(select(.name | test("floor$"))) | first | if . then .wall.median else null end) as $fl
	  | "<h2>\($g | @html)</h2><table><tr><th>command</th><th>median ms</th><th>min</th><th>max</th><th>user ms</th><th>sys ms</th><th>peak RSS MB</th><th>x rg -P</th><th>x floor</th></tr>",
	    ($v[] | "<tr><td title=\"\(.command | @html)\">\(.name | @html)</td><td class=n>\(.wall.median * 1e4 | round / 10)</td><td class=n>\(.wall.min * 1e4 | round / 10)</td><td class=n>\(.wall.max * 1e4 | round / 10)</td><td class=n>\(.user.median * 1e4 | round / 10)</td><td class=n>\(.sys.median * 1e4 | round / 10)</td><td class=n>\(.rss_mb.max * 10 | round / 10)</td><td class=n>\(if $rg then (.wall.median / $rg * 100 | round / 100) else "-" end)</td><td class=n>\(if $fl then (.wall.median / $fl * 100 | round / 100) else "-" end)</td></tr>"),
	    "</table>"' "$R"
	jq -r 'if (.watch // []) | length > 0 then
	    "<h2>watch</h2><p>walker --watch: from a file renamed into place (or a burst of files) to the watcher&#39;s report line; entr re-running rg -P or the warm walker beside it (bench/watchlat.c).</p>",
	    "<table><tr><th>fixture</th><th>tool</th><th>edits</th><th>files per edit</th><th>p50 ms</th><th>p90</th><th>p99</th><th>max</th><th>peak RSS MB</th></tr>",
	    (.watch[] | "<tr><td>\(.fixture | @html)</td><td>\(.name | @html)</td><td class=n>\(.edits)</td><td class=n>\(.burst)</td><td class=n>\(.p50_ms * 100 | round / 100)</td><td class=n>\(.p90_ms * 100 | round / 100)</td><td class=n>\(.p99_ms * 100 | round / 100)</td><td class=n>\(.max_ms * 100 | round / 100)</td><td class=n>\(if .rss_kb > 0 then .rss_kb / 1024 * 10 | round / 10 else "-" end)</td></tr>"),
	    "</table>" else empty end' "$R"
	if [ -n "$CMP" ] && [ -s "$CMP" ]; then
		echo "<h2>Comparison with the baseline</h2><pre>"
		sed 's/&/\&amp;/g; s/</\&lt;/g' "$CMP"
		echo "</pre>"
	fi
	echo "<p>Hover a command's name for its full command line. How to read and repeat these figures: docs/profiling.md.</p></body></html>"
} >"$O.html"
