#!/bin/sh
# End-to-end test of `make profile TOOL=flame` (bench/profile.sh, bench/flame.sh): perf records a
# walker run, the stacks are folded, and the flame graph is one HTML file that loads nothing from
# the network and, opened in headless Chromium where it is installed, draws the walker's frames.
set -u
. "$(dirname "$0")/lib.sh"
T=$TMPROOT/flame
rm -rf "$T"; mkdir -p "$T"
echo "flame ($B)"
if ! command -v perf >/dev/null 2>&1 || ! perf record -q -o "$T/probe.data" true >/dev/null 2>&1; then
	echo "  skip flame graphs: perf cannot record here (linux-perf missing or perf_event_paranoid)"
	rm -rf "$T"; finish; exit $?
fi
if [ ! -f build/npm/node_modules/d3-flame-graph/dist/d3-flamegraph.umd.min.js ] && ! sh tools/deps.sh profile >/dev/null 2>&1; then
	echo "  skip flame graphs: d3-flame-graph is not installed (sh tools/deps.sh profile, needs npm)"
	rm -rf "$T"; finish; exit $?
fi
$B/genfixtures -q --out "$T" stress-patterns || fail "generate stress-patterns"
O=build/profile/stress-patterns.flame
rm -f "$O.html" "$O.folded"
FIXTURES=$T sh bench/profile.sh stress-patterns flame >"$T/out" 2>&1
check "profile TOOL=flame: says where the flame graph is" grep -q "flame: $O.html ([0-9]* samples" "$T/out"
check "the folded stacks: 'comm;outer;...;inner COUNT' lines through the walker's own functions" \
	sh -c "grep -qE '^walker;.*;main;(.*;)?walk_run;.* [0-9]+\$' '$O.folded'"
check_eq "the HTML loads nothing from the network (scripts and styles inlined)" "" \
	"$(grep -oE '(src|href)="(https?:)?//[^"]*"' "$O.html" | head -n 3)"
check "the HTML holds the stacks and d3-flame-graph" sh -c "grep -q '\"name\":\"walk_run\"' '$O.html' && grep -q 'flamegraph' '$O.html'"
if command -v chromium >/dev/null 2>&1; then
	timeout 120 chromium --headless --no-sandbox --disable-gpu --virtual-time-budget=3000 --dump-dom \
		"file://$PWD/$O.html" >"$T/dom.html" 2>/dev/null
	check "headless Chromium draws it: over 20 frames, walk_run among them" \
		sh -c "[ \$(grep -o '<rect' '$T/dom.html' | wc -l) -gt 20 ] && grep -q 'walk_run' '$T/dom.html'"
else
	echo "  skip drawing the flame graph: chromium is not installed"
fi
rm -rf "$T"
finish
