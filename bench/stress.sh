#!/bin/sh
# bench/stress.sh: the stress benchmark behind `make bench-stress` and `make bench-quick`
# (docs/profiling.md explains every figure).
#
#   sh bench/stress.sh [--quick] [--save NAME] [--baseline NAME] [--threshold PCT]
#
# 1. builds (release), makes the fixtures and the size series when missing;
# 2. times, with build/runner (warm-up runs, then runs interleaved A B A B, wall/user/sys/peak RSS
#    from wait4), per fixture: cold runs (--no-cache) in every mode beside the peers (rg -P,
#    ugrep -P, ag, git grep -P where there is a repository) and the read floor; warm runs beside
#    the stat floor; one file and 1% of the files changed; --changed-since on the --git fixture;
#    thread counts 1..cores; the size series; the watch group (walker --watch's reaction time beside
#    entr re-running rg -P or the walker, bench/watchlat.c);
# 3. writes bench/results/RUN.json (machine, versions, every figure), appends to
#    bench/results/history.jsonl, checks the targets of bench/targets.json, compares with a
#    baseline, and renders reports/benchmark.md and reports/benchmark.html (charts with gnuplot).
# Exit status: 0 all gated targets met and no regression, 1 otherwise, 2 the harness failed.
set -eu
cd "$(dirname "$0")/.."
QUICK=0 SAVE="" BASELINE="" THRESHOLD=${THRESHOLD:-20}
while [ $# -gt 0 ]; do
	case $1 in
	--quick) QUICK=1 ;;
	--save) SAVE=$2; shift ;;
	--baseline) BASELINE=$2; shift ;;
	--threshold) THRESHOLD=$2; shift ;;
	*) echo "bench/stress.sh: unknown argument '$1'" >&2; exit 2 ;;
	esac
	shift
done
case $THRESHOLD in '' | *[!0-9.]*) echo "bench: THRESHOLD must be a percentage" >&2; exit 2 ;; esac

B=build
W=$PWD/$B/walker
FLOOR=$PWD/$B/floor
RUNNER=$PWD/$B/runner
FIX=${FIXTURES:-fixtures}
CORES=$(nproc)
RX='unsafe\s*\{|\.unwrap\(\)|\.expect\(|mem::transmute|#\[allow\('
if [ $QUICK = 1 ]; then
	RUNS=${RUNS:-3} WARM=${WARM:-1} RUNS_FAST=${RUNS_FAST:-3}
	STRESS="stress-patterns scale-1000"
	SERIES="1 10 100 1000"
	TAG=quick
	REPORT=reports/benchmark-quick
else
	RUNS=${RUNS:-10} WARM=${WARM:-2} RUNS_FAST=${RUNS_FAST:-30}
	STRESS="stress-huge-files stress-monorepo stress-large-file stress-patterns"
	SERIES="1 10 100 1000 10000 100000"
	TAG=full
	REPORT=reports/benchmark
fi
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RES=bench/results
mkdir -p "$RES" reports
TMP=$(mktemp -d /tmp/walker-bench.XXXXXX)
trap 'rm -rf "$TMP"' EXIT INT TERM
export XDG_CACHE_HOME=$TMP/xdg # walker caches stay out of the user's ~/.cache
say() { printf 'bench: %s\n' "$*" >&2; }
# progress (genfixtures' bar, the runner's line) only on a terminal and outside CI, as hyperfine;
# elsewhere genfixtures is quiet
GQ=-q
[ -t 2 ] && [ -z "${CI:-}" ] && GQ=

# ---- 1. dependencies, build, fixtures ----------------------------------------------------------
sh tools/deps.sh bench || exit 2
make --no-print-directory -s all || exit 2
if [ $QUICK = 1 ]; then
	$B/genfixtures -q --out "$FIX" stress-patterns || exit 2
else
	make --no-print-directory -s fixtures || exit 2
	$B/genfixtures -q --git --out "$FIX/git" stress-monorepo || exit 2
fi
for n in $SERIES; do $B/genfixtures $GQ --out "$FIX" "scale:$n" || exit 2; done
[ $QUICK = 1 ] && $B/genfixtures -q --out "$FIX" scale:1000

# the files the walker visits, for the floors and for the changes of the incremental scenarios
list() { (cd "$1" && "$W" --files .) >"$2"; }

# group NAME [RUNS]: run the commands collected in $TMP/group (name<TAB>prepare<TAB>command) and
# keep their JSON as $TMP/out/NAME.json. Groups of fast commands (a few ms, where the noise of
# this machine is +-30%) get RUNS_FAST runs, so that their medians settle.
group() {
	n=${2:-$RUNS}
	say "$1 ($(wc -l <"$TMP/group") commands, $WARM warm-up + $n runs each)"
	mkdir -p "$TMP/out"
	"$RUNNER" -w "$WARM" -r "$n" -o "$TMP/out/$1.json" -l "$1" "$TMP/group" || exit 2
	: >"$TMP/group"
}
cmd() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$TMP/group"; }
peers() { # peers DIR: the peer tools doing the same search as walker-e, the installed ones
	if command -v rg >/dev/null; then cmd "rg -P" "" "rg -P --count-matches --no-require-git '$RX' $1"; else echo "rg" >>"$TMP/skipped"; fi
	if command -v ugrep >/dev/null; then cmd "ugrep -P" "" "ugrep -P -r -c --ignore-files '$RX' $1"; else echo "ugrep" >>"$TMP/skipped"; fi
	if command -v ag >/dev/null; then cmd "ag" "" "ag -c '$RX' $1"; else echo "ag" >>"$TMP/skipped"; fi
}
: >"$TMP/group"
: >"$TMP/skipped"

# ---- 2. scenarios ------------------------------------------------------------------------------
for f in $STRESS; do
	D=$PWD/$FIX/$f
	R=$RUNS_FAST
	[ "$f" = stress-huge-files ] && R=$RUNS # ag takes over a second per run there
	[ -d "$D" ] || { say "missing $D"; exit 2; }
	L=$TMP/$f.list
	list "$D" "$L"
	# cold: no cache, every mode, the peers, the read floor
	cmd "walker-e" "" "$W --no-cache --no-defaults -e 'x=$RX' $D"
	cmd "walker" "" "$W --no-cache $D"
	cmd "walker sequential" "" "$W --no-cache --mode sequential $D"
	cmd "walker parallel" "" "$W --no-cache --mode parallel $D"
	peers "$D"
	cmd "read floor" "" "$FLOOR --read -j $CORES --list $L $D"
	group "$f.cold" "$R"
	# warm: a primed cache, nothing changed; the stat floor; rg again for the warm/rg ratio
	"$W" --cache "$TMP/$f.warm" "$D" >/dev/null 2>&1 || true
	"$W" --cache "$TMP/$f.warm-e" --no-defaults -e "x=$RX" "$D" >/dev/null 2>&1 || true
	sleep 2 # past the racy window (docs/cache.md), so that warm means stat-only
	cmd "walker warm" "" "$W --cache $TMP/$f.warm $D"
	cmd "walker-e warm" "" "$W --cache $TMP/$f.warm-e --no-defaults -e 'x=$RX' $D"
	cmd "stat floor" "" "$FLOOR --stat -j $CORES --list $L $D"
	cmd "rg -P" "" "rg -P --count-matches --no-require-git '$RX' $D"
	group "$f.warm" "$R"
	# incremental: a copy of the tree (the fixture itself stays pristine), 1 file and 1% changed
	# before each run, each against warm runs of the same cache in the same group
	C=$TMP/copy-$f
	rm -rf "$C"
	cp -a "$D" "$C"
	list "$C" "$TMP/$f.clist"
	n1=$(($(wc -l <"$TMP/$f.clist") / 100))
	[ $n1 -lt 1 ] && n1=1
	"$W" --cache "$TMP/$f.inc" "$C" >/dev/null 2>&1 || true
	"$W" --cache "$TMP/$f.pct" "$C" >/dev/null 2>&1 || true
	sleep 2
	cmd "walker warm (inc)" "" "$W --cache $TMP/$f.inc $C"
	cmd "walker 1 file changed" "$FLOOR --mutate 1 --list $TMP/$f.clist $C" "$W --cache $TMP/$f.inc $C"
	cmd "that file alone" "" "$W --no-cache $C/$(head -n 1 "$TMP/$f.clist")"
	group "$f.one" "$R"
	cmd "walker warm (1%)" "" "$W --cache $TMP/$f.pct $C"
	cmd "walker 1% changed ($n1 files)" "$FLOOR --mutate $n1 --list $TMP/$f.clist $C" "$W --cache $TMP/$f.pct $C"
	group "$f.pct" "$R"
	rm -rf "$C"
done

if [ $QUICK = 0 ]; then
	# thread scaling, cold, beside the read floor with as many threads
	for f in stress-huge-files stress-monorepo; do
		D=$PWD/$FIX/$f
		j=1
		while [ $j -le "$CORES" ]; do
			cmd "walker -j $j" "" "$W --no-cache --mode parallel -j $j $D"
			cmd "read floor -j $j" "" "$FLOOR --read -j $j --list $TMP/$f.list $D"
			j=$((j * 2 > CORES && j < CORES ? CORES : j * 2))
		done
		group "$f.threads"
	done
	# --changed-since on the --git fixture (20 changes in HEAD), beside a warm run of the same tree
	# (the same cache), a full cold run, and git's own two halves of the question
	G=$PWD/$FIX/git/stress-monorepo
	"$W" --cache "$TMP/git.warm" "$G" >/dev/null 2>&1 || true
	"$W" --cache "$TMP/git.warm" --changed-since HEAD~1 "$G" >/dev/null 2>&1 || true
	sleep 2 # past the racy window, as for every warm group
	cmd "walker full cold" "" "$W --no-cache $G"
	cmd "walker warm" "" "$W --cache $TMP/git.warm $G"
	cmd "walker --changed-since HEAD~1" "" "$W --cache $TMP/git.warm --changed-since HEAD~1 $G"
	cmd "git diff --name-only HEAD~1" "" "git -C $G diff --name-only HEAD~1"
	cmd "git status" "" "git -C $G status --porcelain"
	cmd "walker-e" "" "$W --no-cache --no-defaults -e 'x=$RX' $G"
	cmd "git grep -P" "" "git -C $G grep -P -c '$RX'"
	cmd "rg -P" "" "rg -P --count-matches '$RX' $G"
	group "git-monorepo.changed" "$RUNS_FAST"
	# the same on the size series' largest point, made a repository here: every file in one
	# commit, then a commit of 20 edited files; git status once after the racy window, as any git
	# command a user runs refreshes the index's stat data
	N=${SERIES##* } S=$TMP/scale-git
	cp -a "$PWD/$FIX/scale-$N" "$S"
	# no automatic gc: 100,000 loose objects make git commit start one in the background, which
	# ran during the group's timings and then raced the rm -rf below ("Directory not empty")
	gitq() { git -C "$S" -c user.name=bench -c user.email=bench@example.com -c gc.auto=0 -c maintenance.auto=false "$@" >/dev/null 2>&1; }
	gitq init -q && gitq config gc.auto 0 && gitq config maintenance.auto false && gitq add -A && gitq commit -qm all || exit 2
	git -C "$S" ls-files | awk 'NR % 997 == 1' | head -n 20 | while IFS= read -r f; do
		printf '// edited\n' >>"$S/$f"
	done
	gitq commit -qam "20 files" || exit 2
	"$W" --cache "$TMP/scale-git.warm" "$S" >/dev/null 2>&1 || true
	sleep 2
	gitq status --porcelain
	"$W" --cache "$TMP/scale-git.warm" "$S" >/dev/null 2>&1 || true
	cmd "walker warm" "" "$W --cache $TMP/scale-git.warm $S"
	cmd "walker --changed-since HEAD~1" "" "$W --cache $TMP/scale-git.warm --changed-since HEAD~1 $S"
	cmd "git diff --name-only HEAD~1" "" "git -C $S diff --name-only HEAD~1"
	cmd "git status" "" "git -C $S status --porcelain"
	group "scale-$N.changed" "$RUNS_FAST"
	rm -rf "$S"
fi

# the size series: cost per file and memory against tree size
for n in $SERIES; do
	D=$PWD/$FIX/scale-$n
	cmd "walker scale:$n" "" "$W --no-cache $D"
	cmd "rg -P scale:$n" "" "rg -P --count-matches --no-require-git '$RX' $D"
done
group "series"

lang_rx() { # lang_rx LANG: the default regexes of that language, as one alternation
	"$W" --list-patterns | awk -F'\t' -v l="[$1]" 'index($0, l) { printf "%s(?:%s)", n++ ? "|" : "", $3 }'
}
# few big files (issue 12): three files of 4, 6 and 9 MB in one directory, and the 9 MB one alone;
# the walker with its default rules beside rg -P with the same language's regexes
FB=$TMP/few-big
mkdir -p "$FB/three" "$FB/one"
bigrs() { # bigrs MB FILE: a Rust file of about MB megabytes, an unsafe block every 500 lines
	awk -v mb="$1" 'BEGIN { print "fn f() {"; n = 0; size = 0
		while (size < mb * 1048576) {
			if (n % 500 == 0) l = sprintf("    let p = unsafe { *ptr.add(%d) };", n)
			else l = sprintf("    let v%d = compute(%d).map(|x| x + 1).unwrap_or(0); // value %d", n, n, n)
			print l; size += length(l) + 1; n++ }
		print "}" }' >"$2"
}
[ $QUICK = 1 ] && fbs="1 1 2" || fbs="4 6 9"
i=0
for mb in $fbs; do i=$((i + 1)); bigrs "$mb" "$FB/three/big$i.rs"; done
cp "$FB/three/big$i.rs" "$FB/one/"
RRX=$(lang_rx rust)
for d in three one; do
	cmd "walker $d" "" "$W --no-cache $FB/$d"
	cmd "rg -P $d" "" "rg -P --count-matches '$RRX' $FB/$d"
done
group "few-big"

# report cost (issue 12): files of 100,000 and 1,000,000 counted matches (.unwrap() counts), text
# and JSON to a file; the JSON writer's rate is its extra time over the text report
RP=$TMP/report
mkdir -p "$RP"
[ $QUICK = 1 ] && rsizes="100000" || rsizes="100000 1000000"
for n in $rsizes; do
	mkdir -p "$RP/m$n"
	# files of 100,000 matches (1.1 MB each): one file of 1,000,000 would be over the default
	# --max-filesize (10 MB) and skipped, measuring nothing
	k=0
	while [ $k -lt $((n / 100000)) ]; do
		awk 'BEGIN { print "fn f() {"; for (i = 0; i < 20000; i++) print "    a.unwrap(); b.unwrap(); c.unwrap(); d.unwrap(); e.unwrap();"; print "}" }' >"$RP/m$n/many$k.rs"
		k=$((k + 1))
	done
	cmd "walker text $n" "" "$W --no-cache $RP/m$n"
	cmd "walker json $n" "" "$W --no-cache --format json $RP/m$n"
	printf '{"n": %s, "json_bytes": %s}\n' "$n" "$("$W" --no-cache --format json "$RP/m$n" | wc -c)"
done | jq -s . >"$TMP/report-bytes.json"
group "report"

# pathological shapes (docs/patterns.md, "The comment rule"): one file each, the walker with its
# default rules beside rg -P searching the same file for all of that language's default regexes
P=$TMP/patho
mkdir -p "$P"
awk 'BEGIN { for (i = 0; i < 40000; i++) print "// unsafe {" }' >"$P/comment-unsafe.rs"
awk 'BEGIN { for (i = 0; i < 300000; i++) printf "eval "; print "" }' >"$P/eval-line.rb"
awk 'BEGIN { for (i = 0; i < 40000; i++) print "    // @ts-ignore" }' >"$P/ts-ignore.ts"
awk 'BEGIN { for (i = 0; i < 100000; i++) printf "#[allow(x, reason = \"\")] "; print "// c" }' >"$P/attrs.rs"
awk 'BEGIN { for (i = 0; i < 20000; i++) print "// SAFETY: x\nunsafe {"; for (i = 0; i < 20000; i++) print "mem::transmute(a)";
	for (i = 0; i < 20000; i++) print "}" }' >"$P/nested-unsafe.rs"
for f in comment-unsafe.rs:rust eval-line.rb:ruby ts-ignore.ts:js attrs.rs:rust nested-unsafe.rs:rust; do
	name=${f%%:*}
	cmd "walker $name" "" "$W --no-cache $P/$name"
	cmd "rg -P $name" "" "rg -P --count-matches '$(lang_rx "${f#*:}")' $P/$name"
done
group "pathological"

# the watch group (issue 13): the reaction of walker --watch, from a file's rename into place to
# its line on stdout, p50/p99 over WATCH_EDITS edits of one file and WATCH_BURSTS bursts of files,
# on a copy of each fixture with a warm cache; beside entr re-running rg -P (the harness's regex)
# and entr re-running the walker (warm); the watcher's peak RSS (bench/watchlat.c)
WATCHLAT=$PWD/$B/watchlat
if [ $QUICK = 1 ]; then
	WFIX="stress-patterns" WE=${WATCH_EDITS:-20} WB=${WATCH_BURSTS:-5} WP=${WATCH_PEER_EDITS:-5} WBN=10
else
	WFIX="stress-monorepo stress-huge-files" WE=${WATCH_EDITS:-200} WB=${WATCH_BURSTS:-50}
	WP=${WATCH_PEER_EDITS:-30} WBN=100
fi
: >"$TMP/watch.jsonl"
watchlat() { # watchlat FIXTURE LABEL ARGS...: one measurement, appended to watch.jsonl
	wf=$1 wl=$2
	shift 2
	say "watch: $wf: $wl"
	"$WATCHLAT" -o "$TMP/watch.one" -l "$wl" "$@" || exit 2
	jq -c --arg f "$wf" '. + {fixture: $f}' "$TMP/watch.one" >>"$TMP/watch.jsonl"
}
for f in $WFIX; do
	C=$TMP/watch-$f
	rm -rf "$C"
	cp -a "$PWD/$FIX/$f" "$C"
	(cd "$C" && "$W" --files .) >"$TMP/$f.wall"
	grep '\.rs$' "$TMP/$f.wall" >"$TMP/$f.wrs"
	# a warm cache whose entries are all clean: the copy's files are new (ctime now), so the first
	# run writes them racy; only a run after the racy window re-reads and writes them clean
	# (docs/cache.md). Started racy, the watcher's first cycle re-reads thousands of files and its
	# peak RSS is a cold run's, not the warm one it is measured against.
	(cd "$C" && "$W" . >/dev/null 2>&1) || true
	sleep 2
	(cd "$C" && "$W" . >/dev/null 2>&1) || true
	WCMD="$W --watch --format json --debounce 0 ."
	# the same files for every tool: seed 1 for the single files, 2 for the bursts
	watchlat "$f" "walker --watch" -d "$C" -L "$TMP/$f.wrs" -n "$WE" -s 1 -- $WCMD
	watchlat "$f" "walker --watch, $WBN files" -d "$C" -L "$TMP/$f.wrs" -n "$WB" -b "$WBN" -s 2 -- $WCMD
	if command -v entr >/dev/null; then
		for peer in rg walker; do
			if [ $peer = rg ]; then
				run="rg -P --count-matches --no-require-git '$RX' . >/dev/null; echo DONE" label="entr + rg -P"
			else
				run="$W . >/dev/null; echo DONE" label="entr + walker (warm)"
			fi
			# entr misses a change made right after it ran (-g: a pause first, not timed); a
			# burst may run the command twice (-q: the last run before 300 ms of quiet)
			watchlat "$f" "$label" -d "$C" -L "$TMP/$f.wrs" -i "$TMP/$f.wall" -n "$WP" -s 1 -g 100 -w DONE \
				-- entr -n sh -c "$run"
			watchlat "$f" "$label, $WBN files" -d "$C" -L "$TMP/$f.wrs" -i "$TMP/$f.wall" -n $((WP / 3 + 1)) \
				-b "$WBN" -s 2 -g 100 -w DONE -q 300 -- entr -n sh -c "$run"
		done
		# entr's own reaction to a rename into place: it waits before it reopens a replaced file
		watchlat "$f" "entr alone (echo)" -d "$C" -L "$TMP/$f.wrs" -i "$TMP/$f.wall" -n "$WP" -s 1 -g 100 -w DONE \
			-- entr -n sh -c "echo DONE"
	else
		echo "entr" >>"$TMP/skipped"
	fi
	rm -rf "$C"
done
jq -s . "$TMP/watch.jsonl" >"$TMP/watch.json"

# ---- 3. results --------------------------------------------------------------------------------
files_of() { jq '.stats.files' "$1"; }
for n in $SERIES; do
	printf '{"n": %s, "files": %s}\n' "$n" "$("$W" --no-cache --format json "$FIX/scale-$n" 2>/dev/null | jq .stats.files)"
done | jq -s . >"$TMP/series-files.json"
fs=$(stat -f -c %T "$FIX" 2>/dev/null || echo unknown)
cc=$(cc --version | head -n1)
machine=$(jq -n --arg cpu "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')" \
	--arg kernel "$(uname -sr)" --arg fs "$fs" --arg cc "$cc" --argjson cores "$CORES" \
	--arg mem "$(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)" \
	--arg walker "$("$W" --version)" --arg rg "$(rg --version 2>/dev/null | head -n1)" \
	--arg ugrep "$(ugrep --version 2>/dev/null | head -n1)" --arg ag "$(ag --version 2>/dev/null | head -n1)" \
	--arg git "$(git --version)" --arg host "$(hostname)" \
	'{host: $host, cpu: $cpu, cores: $cores, memory: $mem, kernel: $kernel, filesystem: $fs, compiler: $cc,
	  tools: {walker: $walker, rg: $rg, ugrep: $ugrep, ag: $ag, git: $git}}')
OUT=$RES/$STAMP-$TAG.json
jq -n --arg stamp "$STAMP" --arg tag "$TAG" --argjson machine "$machine" --argjson runs "$RUNS" --argjson fast "$RUNS_FAST" \
	--argjson warm "$WARM" --argjson series "$(cat "$TMP/series-files.json")" \
	--argjson report_bytes "$(cat "$TMP/report-bytes.json")" --slurpfile watch "$TMP/watch.json" \
	--arg skipped "$(sort -u "$TMP/skipped" | tr '\n' ' ')" \
	'{stamp: $stamp, kind: $tag, runs: $runs, runs_fast: $fast, warmup: $warm, machine: $machine, series_files: $series, report_bytes: $report_bytes, watch: $watch[0],
	  skipped_peers: ($skipped | split(" ") | map(select(. != ""))), groups: {}}' >"$TMP/res.json"
for g in "$TMP"/out/*.json; do
	name=$(basename "$g" .json)
	jq --arg g "$name" --slurpfile v "$g" '.groups[$g] = $v[0]' "$TMP/res.json" >"$TMP/res2.json"
	mv "$TMP/res2.json" "$TMP/res.json"
done
# targets: every figure of bench/targets.json, computed from this run
jq --slurpfile t bench/targets.json -f bench/targets.jq "$TMP/res.json" >"$OUT"
cp "$OUT" "$RES/latest-$TAG.json"
jq -c '{stamp, kind, host: .machine.host, figures: .figures}' "$OUT" >>"$RES/history.jsonl"
say "results: $OUT"

status=0
if jq -e '[.targets[] | select(.gate and (.pass | not))] | length > 0' "$OUT" >/dev/null; then
	say "gated targets missed:"
	jq -r '.targets[] | select(.gate and (.pass | not)) | "  \(.name): \(.value) (limit \(.limit))"' "$OUT" >&2
	status=1
fi
if [ -n "$SAVE" ]; then
	mkdir -p bench/baselines
	cp "$OUT" "bench/baselines/$SAVE.json"
	say "baseline saved: bench/baselines/$SAVE.json"
fi
CMP=""
if [ -n "$BASELINE" ]; then
	base=bench/baselines/$BASELINE.json
	[ -f "$base" ] || { say "no baseline '$BASELINE' ($base); make one with SAVE=$BASELINE"; exit 2; }
	CMP=$TMP/compare.txt
	if ! sh bench/compare.sh "$base" "$OUT" "$THRESHOLD" >"$CMP"; then status=1; fi
	cat "$CMP" >&2
fi
sh bench/report.sh "$OUT" "$REPORT" "$CMP" || exit 2
say "report: $REPORT.md, $REPORT.html"
exit $status
