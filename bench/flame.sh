#!/bin/sh
# bench/flame.sh PERF_DATA OUT_PREFIX TITLE: a flame graph of a `perf record -g` profile, as
# OUT_PREFIX.folded (one line per distinct stack: "comm;outer;...;inner COUNT", the format of
# Brendan Gregg's stackcollapse scripts, which speedscope and inferno read too) and
# OUT_PREFIX.html: one self-contained file (d3 and d3-flame-graph from build/npm inlined, the
# stacks as JSON) that opens offline in any browser: click a frame to zoom, search, hover for the
# numbers. `make profile TOOL=flame` runs it (docs/profiling.md).
set -eu
cd "$(dirname "$0")/.."
DATA=$1 OUT=$2 TITLE=$3
NPM=build/npm/node_modules
D3=$NPM/d3/dist/d3.min.js
FG=$NPM/d3-flame-graph/dist/d3-flamegraph.umd.min.js
CSS=$NPM/d3-flame-graph/dist/d3-flamegraph.css
for f in "$D3" "$FG" "$CSS"; do
	[ -f "$f" ] || { echo "flame: $f is missing: sh tools/deps.sh profile installs it with npm" >&2; exit 2; }
done

# perf script prints each sample as a header line ("walker 123 45.6: 100 cpu-clock:"), its frames
# innermost first ("\tADDR SYMBOL+OFF (DSO)"), and a blank line; fold each to one line, outermost
# first, the offsets dropped, then count identical stacks
perf script -i "$DATA" --no-inline 2>/dev/null | awk '
	function flush() { if (n) { s = comm; for (i = n; i >= 1; i--) s = s ";" f[i]; count[s]++ } n = 0 }
	/^[^ \t]/ { flush(); comm = $1; next }
	/^[ \t]+[0-9a-f]+ / {
		sym = $0
		sub(/^[ \t]+[0-9a-f]+ /, "", sym)
		dso = sym
		sub(/ \([^()]*\)$/, "", sym)
		if (sym == "[unknown]") {
			sub(/^.* \(/, "", dso)
			sub(/\)$/, "", dso)
			# no symbol: name the library; /tmp/perf-PID.map is code made at run time (PCRE2 JIT)
			sym = dso ~ /^\/tmp\/perf-[0-9]+\.map$/ ? "[JIT code]" : dso == "[unknown]" ? "[unknown]" : "[" dso "]"
		}
		sub(/\+0x[0-9a-f]+$/, "", sym)
		sub(/@@.*$/, "", sym) # __libc_start_main@@GLIBC_2.34
		gsub(/;/, ":", sym)
		f[++n] = sym
		next
	}
	/^$/ { flush() }
	END { flush(); for (s in count) print s, count[s] }' | LC_ALL=C sort >"$OUT.folded"
[ -s "$OUT.folded" ] || { echo "flame: no stacks in $DATA" >&2; exit 2; }

# folded stacks -> the tree d3-flame-graph draws ({name, value, children}; a value includes the
# children's), as JSON that cannot end the <script> it sits in
jq -R -s -c '
	reduce (split("\n")[] | select(length > 0) | capture("^(?<s>.*) (?<n>[0-9]+)$")) as $l
		({name: "all", value: 0, c: {}};
		 ($l.n | tonumber) as $n | ($l.s | split(";")) as $fr
		 | .value += $n
		 | reduce range(0; $fr | length) as $i (.;
			([range(0; $i + 1) as $k | "c", $fr[$k]]) as $p
			| setpath($p + ["name"]; $fr[$i]) | setpath($p + ["value"]; (getpath($p + ["value"]) // 0) + $n)))
	| def tree: {name, value, children: [(.c // {}) | .[] | tree]}; tree' "$OUT.folded" |
	sed 's|</|<\\/|g' >"$OUT.json"

samples=$(awk '{n += $NF} END {print n}' "$OUT.folded")
esc() { printf '%s' "$1" | sed 's/&/\&amp;/g; s/</\&lt;/g; s/>/\&gt;/g'; }
{
	cat <<HTML
<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>flame graph: $(esc "$TITLE")</title>
<style>
body { font-family: Verdana, sans-serif; margin: 16px; }
h1 { font-size: 18px; margin: 0 0 4px; } p { font-size: 13px; color: #444; margin: 0 0 8px; }
#bar { margin: 8px 0; font-size: 13px; } #details { font-size: 13px; min-height: 1.4em; color: #333; }
$(cat "$CSS")
</style>
<script>$(cat "$D3")</script>
<script>$(cat "$FG")</script>
</head><body>
<h1>$(esc "$TITLE")</h1>
<p>$samples samples of perf record; each box is a function, its width the share of samples in it
and in what it called; callers below, callees above. Click a box to zoom, search to highlight.</p>
<div id="bar"><input id="term" placeholder="function name"> <button id="find">search</button>
<button id="reset">whole profile</button> <span id="found"></span></div>
<div id="chart"></div>
<div id="details"></div>
<script>
var data = $(cat "$OUT.json");
var chart = flamegraph.default().width(Math.max(960, window.innerWidth - 40)).cellHeight(18)
	.minFrameSize(1).transitionDuration(300).inverted(false).sort(true)
	.setDetailsElement(document.getElementById("details"));
d3.select("#chart").datum(data).call(chart);
document.getElementById("find").onclick = function () {
	chart.search(document.getElementById("term").value);
};
document.getElementById("term").onkeydown = function (e) { if (e.key === "Enter") chart.search(this.value); };
document.getElementById("reset").onclick = function () { chart.clear(); chart.resetZoom(); };
</script>
</body></html>
HTML
} >"$OUT.html"
rm -f "$OUT.json"
echo "flame: $OUT.html ($samples samples; the stacks in $OUT.folded)"
