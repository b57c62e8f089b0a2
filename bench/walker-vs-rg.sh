#!/bin/sh
# bench/walker-vs-rg.sh: the walker issue's speed targets, measured side by side in one run with
# hyperfine (warm page cache). For each fixture: ripgrep -P with the five Rust patterns as one
# alternation, the walker with the same alternation as one -e pattern, the walker with its defaults,
# and the walker forced sequential and parallel (for --mode auto's 10% target).
#
#   sh bench/walker-vs-rg.sh [FIXTURE_DIR]       (default: fixtures; run `make fixtures` first)
#
# Prints a table of medians and ratios; `make bench-stress` is the full harness.
set -eu
D=${1:-fixtures}
W=${W:-build/walker}
RUNS=${RUNS:-15}
RX='unsafe\s*\{|\.unwrap\(\)|\.expect\(|mem::transmute|#\[allow\('
command -v hyperfine >/dev/null || { echo "hyperfine is needed: make deps-bench" >&2; exit 2; }
command -v rg >/dev/null || { echo "ripgrep is needed: make deps-bench" >&2; exit 2; }
[ -d "$D/scale-10" ] || build/genfixtures -q --out "$D" scale:10
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '%-18s %9s %9s %9s %9s %9s %7s %7s\n' fixture "rg -P" "walker-e" walker seq par "e/rg" "auto/best"
for f in stress-huge-files stress-monorepo stress-large-file stress-patterns scale-10; do
	[ -d "$D/$f" ] || continue
	hyperfine -N -i -w 3 -r "$RUNS" --export-json "$tmp/$f.json" \
		"rg -P --count-matches --no-require-git '$RX' $D/$f" \
		"$W --no-defaults -e 'x=$RX' $D/$f" \
		"$W $D/$f" \
		"$W --mode sequential $D/$f" \
		"$W --mode parallel $D/$f" >/dev/null 2>&1
	jq -r --arg f "$f" '[.results[].median * 1000] as $m |
		[$f, $m[0], $m[1], $m[2], $m[3], $m[4], ($m[1] / $m[0]), ($m[2] / ([$m[3], $m[4]] | min))] |
		"\(.[0]) \(.[1]) \(.[2]) \(.[3]) \(.[4]) \(.[5]) \(.[6]) \(.[7])"' "$tmp/$f.json" |
		awk '{printf "%-18s %7.1fms %7.1fms %7.1fms %7.1fms %7.1fms %7.2f %7.2f\n", $1, $2, $3, $4, $5, $6, $7, $8}'
done
rss=$( { /usr/bin/time -f '%M' "$W" "$D/stress-huge-files" >/dev/null; } 2>&1 | tail -n1)
echo "peak RSS on stress-huge-files: ${rss} KiB"
