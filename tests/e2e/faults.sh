#!/bin/sh
# Fault scenarios: files and directories changing under the walker, permission denied, too few
# descriptors, too little memory, a full disk while saving the cache, catastrophic regexes, and
# -j far above the core count. Each scenario runs RUNS times (FAULT_RUNS, default 20) where that
# makes sense and checks: no crash (exit status 0, 1 or 2, never a signal), the right result for
# what did not change, and a clear report of what did. With $SCENARIOS set, appends one line per
# scenario ("name|runs|what was checked|result") for docs/reliability.md.
set -u
. "$(dirname "$0")/lib.sh"
W=$(cd "$(dirname "$B/walker")" && pwd)/walker
GEN=$B/genfixtures
T=$TMPROOT/faults
rm -rf "$T"; mkdir -p "$T"
echo "faults ($B)"
RUNS=${FAULT_RUNS:-20}
$GEN -q --out "$T" stress-large-file stress-monorepo stress-patterns stress-nested stress-huge-files ||
	fail "generate fixtures"
export XDG_CACHE_HOME=$T/xdg
scenario() { [ -n "${SCENARIOS:-}" ] && echo "$(basename "$B")|$1|$2|$3|$4" >>"$SCENARIOS"; return 0; }
res() { jq -S 'del(.stats)'; } # the report without its stats
# per-file verdict lines, without the files in $1 (a grep -v pattern)
verdicts() { jq -r '(.violations[], .allowed[], .test[]) | "\(.file):\(.line):\(.column):\(.pattern)"' | grep -v -e "$1" | LC_ALL=C sort; }

# --- files truncated, grown, replaced, deleted while read or mapped -----------------------------
D=$T/stress-large-file
victim=$(cd "$D" && ls -S | sed -n 2p) # the 5 MB file: mapped or read, and read in parts
ref=$("$W" --no-cache --format json "$D" | verdicts "$victim")
cp "$D/$victim" "$T/victim.orig"
( i=0; while [ ! -e "$T/stop" ]; do
	case $((i % 4)) in
	0) truncate -s 100 "$D/$victim" ;;
	1) cat "$T/victim.orig" >"$D/$victim" ;;
	2) cp "$T/victim.orig" "$D/$victim.new" && mv "$D/$victim.new" "$D/$victim" ;;
	3) rm -f "$D/$victim"; cp "$T/victim.orig" "$D/$victim" ;;
	esac
	i=$((i + 1)); done ) &
mut=$!
bad=0 crashes=0 i=0
while [ $i -lt $((RUNS * 5)) ]; do
	c=""; [ $((i % 2)) = 0 ] && c=--no-cache
	# and three threads, whatever the machine: the 5 MB victim is then read in parts (scan.c)
	[ $((i % 3)) != 0 ] && c="$c -j 3"
	# mapped in three runs of five (SIGBUS when it shrinks), else read (the default where the
	# kernel lends huge pages: walk.c)
	[ $((i % 5)) -lt 3 ] && c="$c --mmap-min 1M"
	out=$("$W" $c --format json "$D" 2>/dev/null); rc=$?
	[ $rc -gt 2 ] && crashes=$((crashes + 1))
	[ "$(printf '%s' "$out" | verdicts "$victim")" = "$ref" ] || bad=$((bad + 1))
	i=$((i + 1))
done
touch "$T/stop"; wait $mut; rm -f "$T/stop"
cp "$T/victim.orig" "$D/$victim"
check_eq "a file mutated while mapped ($((RUNS * 5)) runs): no crash, the other files' results right" "0 0" "$crashes $bad"
scenario "file truncated/grown/replaced/deleted while mapped or read (helper process loop)" $((RUNS * 5)) \
	"no crash; every other file's verdicts equal a quiet run's; SIGBUS on the shrunk map reported" \
	"$([ "$crashes $bad" = "0 0" ] && echo pass || echo FAIL)"

# --- directories removed and renamed during the walk --------------------------------------------
D=$T/stress-monorepo
cp -a "$D" "$T/mono.orig"
( while [ ! -e "$T/stop" ]; do
	mv "$D/crates/auth" "$D/crates/auth.moved" 2>/dev/null; mv "$D/crates/auth.moved" "$D/crates/auth" 2>/dev/null
	rm -rf "$D/crates/web"; cp -a "$T/mono.orig/crates/web" "$D/crates/web"
	done ) &
mut=$!
crashes=0 escaped=0 i=0
while [ $i -lt $RUNS ]; do
	out=$("$W" --no-cache --format json "$D" 2>/dev/null); rc=$?
	[ $rc -gt 2 ] && crashes=$((crashes + 1))
	n=$(printf '%s' "$out" | jq -r '.. | .file? // empty' 2>/dev/null | grep -vc "^$D/")
	[ "${n:-0}" -gt 0 ] && escaped=$((escaped + 1))
	i=$((i + 1))
done
touch "$T/stop"; wait $mut; rm -f "$T/stop"
check_eq "directories removed and renamed during $RUNS walks: no crash, nothing outside the tree" "0 0" "$crashes $escaped"
scenario "directories removed and renamed during the walk" $RUNS "no crash; every reported path inside the tree" \
	"$([ "$crashes $escaped" = "0 0" ] && echo pass || echo FAIL)"
rm -rf "$D"; mv "$T/mono.orig" "$D"

# --- --changed-since with a directory swapped for a symlink during the run -----------------------
# git lists sub/x1.rs ... sub/x300.rs; a helper (perl, for speed) swaps sub for a link to a
# directory outside the tree and back, in a loop. The walker must never open a file through the
# link: the outside files have their match on line 9, the real ones on line 1.
G=$T/swap
mkdir -p "$G/sub" "$T/swap-outside"
git init -q "$G" && git -C "$G" commit -q --allow-empty -m empty
i=1
while [ $i -le 300 ]; do
	printf 'fn f() { a.unwrap(); }\n' >"$G/sub/x$i.rs"
	printf '\n\n\n\n\n\n\n\nfn secret() { b.unwrap(); }\n' >"$T/swap-outside/x$i.rs"
	i=$((i + 1))
done
ln -s "$T/swap-outside" "$G/sub.link"
perl -e 'chdir $ARGV[0] or die; until (-e $ARGV[1]) { rename "sub", "sub.real"; rename "sub.link", "sub";
	rename "sub", "sub.link"; rename "sub.real", "sub"; }' "$G" "$T/stop" &
mut=$!
leaks=0 crashes=0 runs=0
while [ $runs -lt $((RUNS * 10)) ]; do
	out=$(cd "$G" && "$W" --no-cache --changed-since HEAD --format json . 2>/dev/null); rc=$?
	[ $rc -gt 2 ] && crashes=$((crashes + 1))
	printf '%s' "$out" | jq -e '[.violations[] | select(.line == 9)] | length > 0' >/dev/null 2>&1 && leaks=$((leaks + 1))
	runs=$((runs + 1))
done
touch "$T/stop"; wait $mut; rm -f "$T/stop"
check_eq "--changed-since with sub swapped for a link to outside ($runs runs): never read through the link" "0 0" "$crashes $leaks"
scenario "--changed-since while the listed files' directory is swapped for a symlink to outside the tree (helper process loop)" $runs \
	"no crash; no file read through the link (openat2 RESOLVE_BENEATH and RESOLVE_NO_SYMLINKS)" \
	"$([ "$crashes $leaks" = "0 0" ] && echo pass || echo FAIL)"

# --- permission denied ----------------------------------------------------------------------------
# as another user, from a copy of the walker that user can reach: the checkout (and so build/) may
# lie under a 0700 directory, such as a clone in a mktemp -d
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && UW=$(unpriv_copy "$W"); then
	P=$T/perm
	mkdir -p "$P/closed" "$P/open"
	printf 'fn f() { unsafe { x() } }\n' >"$P/open/a.rs"
	printf 'fn f() { unsafe { x() } }\n' >"$P/closed/b.rs"
	cp "$P/open/a.rs" "$P/secret.rs"
	chmod 000 "$P/closed" "$P/secret.rs"
	chmod o+rx "$TMPROOT" "$T" "$P" "$P/open"; chmod o+r "$P/open/a.rs"
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups env XDG_CACHE_HOME=/nonexistent "$UW" --format json "$P" 2>/dev/null); rc=$?
	got="$rc $(printf '%s' "$out" | jq -r '[.unreadable[].file] | sort | join(" ")') $(printf '%s' "$out" | jq '.violations | length')"
	check_eq "permission denied on a file and a directory: both reported, the rest scanned" \
		"1 $P/closed $P/secret.rs 1" "$got"
	scenario "permission denied on files and directories (setpriv, unprivileged user)" 1 \
		"each reported as unreadable with its reason, the readable file still scanned, exit 1" \
		"$([ "$got" = "1 $P/closed $P/secret.rs 1" ] && echo pass || echo FAIL)"
	chmod 755 "$P/closed"; chmod 644 "$P/secret.rs"
else
	echo "  skip permission denied on a file and a directory: needs root and setpriv to run as another user"
fi

# --- too few descriptors, -j far above the cores --------------------------------------------------
D=$T/stress-nested
ref=$("$W" --no-cache --format json "$D" | res)
got=$(ulimit -n 16; "$W" --no-cache --format json -j 8 "$D" 2>/dev/null | res)
check_eq "ulimit -n 16 on the 150-level tree with -j 8: same result" "$ref" "$got"
scenario "EMFILE: ulimit -n 16, stress-nested, -j 8" 1 "same result as without the limit" \
	"$([ "$ref" = "$got" ] && echo pass || echo FAIL)"
D=$T/stress-huge-files
ref=$("$W" --no-cache --format json "$D" | res)
peak=$( { /usr/bin/time -f '%M' sh -c "ulimit -n 64; '$W' --no-cache --format json -j 256 '$D' >'$T/j256.json' 2>/dev/null"; } 2>&1 | tail -n 1)
got=$(res <"$T/j256.json")
check_eq "-j 256 on 50,000 files with ulimit -n 64: same result" "$ref" "$got"
check "-j 256: peak RSS under 100 MB (${peak} KB)" test "${peak:-999999}" -lt 102400
# two descriptors a worker: under ulimit -n 64 at most (64 - 20) / 2 = 22 workers, else files fail
# with EMFILE whenever many threads open at once (under ASan, 1 run in 2 lost thousands of files)
check_eq "-j 256 under ulimit -n 64: the workers capped to what the descriptors allow (22), none unreadable" "22 0" \
	"$(jq -r '"\(.stats.threads) \(.unreadable | length)"' "$T/j256.json")"
scenario "-j 256 (128x the cores) on stress-huge-files under ulimit -n 64" 1 \
	"same result; peak RSS ${peak} KB" "$([ "$ref" = "$got" ] && [ "${peak:-999999}" -lt 102400 ] && echo pass || echo FAIL)"

# --- memory linear in depth ----------------------------------------------------------------------
# each directory kept its whole path while below it: 20,000 levels took 396 MB (rg 34 MB) and 10 s;
# a tracked path 30,000 components deep 889 MB (every prefix stored), 200,000 ended in SIGABRT
N=$T/deep20k
mkdir -p "$N"
perl -e 'chdir $ARGV[0] or die; for my $i (1 .. 20000) { mkdir "d" or die; chdir "d" or die;
	if ($i % 1000 == 0) { open my $f, ">", "f.rs" or die; print $f "unsafe { x() }\n"; close $f } }' "$N"
# (ASan keeps freed memory in quarantine, 256 MB by default: a small one measures what is live)
ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=4 /usr/bin/time -o "$T/peak" -f '%M' "$W" --no-cache --format json "$N" >"$T/deep.json" 2>/dev/null
peak=$(tail -n 1 "$T/peak")
got=$(jq '.violations | length' "$T/deep.json" 2>/dev/null)
lim=$((64 * 1024)); case $B in */asan | */tsan) lim=$((256 * 1024)) ;; esac
check_eq "20,000 nested directories: every file found (20), peak RSS under $((lim / 1024)) MB ($peak KB)" "20 1" \
	"$got $([ "${peak:-999999999}" -lt $lim ] && echo 1)"
scenario "20,000 nested directories" 1 "every file found; peak RSS ${peak} KB (was 396 MB)" \
	"$([ "$got" = 20 ] && [ "${peak:-999999999}" -lt $lim ] && echo pass || echo FAIL)"
rm -rf "$N"
X=$T/deep-index
git init -q "$X" && printf '*\n' >"$X/.gitignore" && printf 'x.unwrap()\n' >"$X/a.rs"
blob=$(git -C "$X" hash-object -w --stdin </dev/null)
res_deep=""
for n in 30000 200000; do
	perl -e 'print "100644 $ARGV[0]\t", "a/" x $ARGV[1], "f.rs\n"' "$blob" $n | git -C "$X" update-index --index-info
	ASAN_OPTIONS=${ASAN_OPTIONS:-}:quarantine_size_mb=4 /usr/bin/time -o "$T/peak" -f '%M' "$W" --no-cache --files "$X" >/dev/null 2>"$T/err.deep"; rc=$?
	peak=$(tail -n 1 "$T/peak")
	res_deep="$res_deep $n:$rc:$([ "${peak:-999999999}" -lt $lim ] && echo ok || echo "${peak}KB")"
	git -C "$X" rm -q --cached -r . >/dev/null 2>&1; rm -f "$X/.git/index"
done
check_eq "an index entry 30,000 and 200,000 components deep: exit 0, peak RSS under $((lim / 1024)) MB, no signal" \
	" 30000:0:ok 200000:0:ok" "$res_deep"
scenario "an index entry 30,000 and 200,000 components deep" 2 "exit 0, peak RSS under $((lim / 1024)) MB (was 889 MB, then SIGABRT)" \
	"$([ "$res_deep" = " 30000:0:ok 200000:0:ok" ] && echo pass || echo FAIL)"

# --- too little memory (not under sanitizers: they need terabytes of address space) ---------------
case $B in */asan | */tsan) ;; *)
	crashes=0 i=0 oom=0 noload=0
	v=3000
	while [ $v -le 8000 ]; do # KB of address space: from "cannot even load libc" to enough
		# the dynamic loader itself may give up (127) or crash (SIGSEGV in init_tls) before main
		# under the lowest limits: --version, which allocates nothing, tells whether it got through
		{ ( ulimit -v $v; exec "$W" --version >/dev/null 2>&1 ); loads=$?; } 2>/dev/null
		{ ( ulimit -v $v; exec "$W" --no-cache -j 2 "$T/stress-patterns" >/dev/null 2>"$T/err.$v" ); rc=$?; } 2>/dev/null
		if [ $rc -eq 127 ] || [ $loads -ne 0 ]; then noload=$((noload + 1)) # not our code
		elif [ $rc -eq 3 ]; then oom=$((oom + 1)); grep -q 'out of memory' "$T/err.$v" || crashes=$((crashes + 1))
		elif [ $rc -gt 2 ]; then crashes=$((crashes + 1)); echo "       ulimit -v $v: exit $rc"
		fi
		i=$((i + 1)); v=$((v + 200))
	done
	check_eq "ulimit -v 3..8 MB ($i limits): a result or 'out of memory' with exit 3 ($oom), never a crash" 0 $crashes
	scenario "ENOMEM: ulimit -v from 3 to 8 MB in 200 KB steps, stress-patterns, -j 2" $i \
		"exit 0/1, or exit 3 with 'fatal: out of memory' ($oom times), or the loader failing ($noload times); never a signal" \
		"$([ $crashes = 0 ] && echo pass || echo FAIL)" ;;
esac

# --- a full disk while saving the cache ---------------------------------------------------------
D=$T/stress-huge-files
ref=$("$W" --no-cache --format json "$D" | res)
F=$T/full
mkdir -p "$F"
how="ulimit -f"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=256k walker-full "$F" 2>/dev/null; then how="a 256 KB tmpfs"; fi
"$W" --cache "$F/c.cache" "$T/stress-patterns" >/dev/null 2>&1 # a small valid cache first
before=$(cksum <"$F/c.cache" 2>/dev/null)
if [ "$how" = "ulimit -f" ]; then
	got=$( (ulimit -f 100; "$W" --cache "$F/c.cache" --format json "$D" 2>"$T/err") | res)
else
	got=$("$W" --cache "$F/c.cache" --format json "$D" 2>"$T/err" | res)
fi
check_eq "full disk while saving ($how): same result, one warning, the old cache kept" "1 1 1" \
	"$([ "$got" = "$ref" ] && echo 1) $(grep -c 'unable to save the cache' "$T/err") $([ "$(cksum <"$F/c.cache")" = "$before" ] && echo 1)"
check_eq "full disk: no temporary file left" 0 "$(ls -A "$F" | grep -c tmp)"
scenario "full disk while saving the cache ($how)" 1 "same result; one warning; previous cache intact; no temporary left" \
	"$([ "$got" = "$ref" ] && [ "$(cksum <"$F/c.cache")" = "$before" ] && echo pass || echo FAIL)"
[ "$how" = "ulimit -f" ] || umount "$F"

# --- catastrophic backtracking in a configured regex ----------------------------------------------
R=$T/regex
mkdir -p "$R"
printf '[pattern evil]\nregex = (a+)+$\naction = forbid\nlangs = rust\n' >"$R/.walker.conf"
{ head -c 200000 /dev/zero | tr '\0' a; printf 'b\n'; printf 'fine\n'; } >"$R/long.rs"
start=$(date +%s)
timeout 60 "$W" --no-cache --config "$R/.walker.conf" "$R" >/dev/null 2>"$T/err"; rc=$?
took=$(( $(date +%s) - start ))
check_eq "catastrophic regex on a 200 KB line: finishes (exit 0), reports the file and the pattern" "0 1" \
	"$rc $(grep -c "long.rs.*evil" "$T/err")"
scenario "catastrophic backtracking: (a+)+\$ against a 200 KB line" 1 \
	"finished in ${took} s under PCRE2's match limit; the file and pattern reported" \
	"$([ $rc = 0 ] && echo pass || echo FAIL)"
# a pattern that stays under PCRE2's per-start limit at every start of a line, (?:a|a){1,20}c on
# 4 KB of "a" (30 s a file before, as rg): the time budget stops it in the first file and for the
# rest of the run; the other pattern still counts, and a warm run says the same (not cached)
R=$T/budget
mkdir -p "$R"
for k in 1 2 3 4 5 6; do { head -c 4096 /dev/zero | tr '\0' a; printf 'bc\nfn f() { x.unwrap(); }\n'; } >"$R/f$k.rs"; done
start=$(date +%s)
out=$(timeout 60 "$W" --cache "$T/budget.cache" --no-defaults -e 'evil=(?:a|a){1,20}c' -e 'u=unwrap' --format json "$R" 2>/dev/null); rc=$?
took=$(( $(date +%s) - start ))
warm=$(timeout 60 "$W" --cache "$T/budget.cache" --no-defaults -e 'evil=(?:a|a){1,20}c' -e 'u=unwrap' --format json "$R" 2>/dev/null)
got="$rc $(printf '%s' "$out" | jq -c '[.errors[].pattern] | unique') $(printf '%s' "$out" | jq '.errors | length') $(printf '%s' "$out" | jq '.counts.source.u')"
check_eq "(?:a|a){1,20}c on 6 files of 4 KB lines: stopped by the time budget in ${took} s, all 6 reported, the other pattern counted" \
	'1 ["evil"] 6 6' "$got"
check_eq "...and a warm run reports the same (a time budget's verdict is not cached)" \
	"$(printf '%s' "$out" | jq -S 'del(.stats)')" "$(printf '%s' "$warm" | jq -S 'del(.stats)')"
check "...within 10 s (the budget is 0.5 s a file, then the pattern is stopped for the run)" test "$took" -le 10
# (no bar in a scenario line: tests/reliability.sh splits them at bars)
scenario "catastrophic backtracking under the per-start limit: a twice-ambiguous a, 1 to 20 times, then c, on 4 KB lines of a, 6 files" 1 \
	"finished in ${took} s (before: 30 s a file); every file and the pattern reported; the warm run the same" \
	"$([ "$got" = '1 ["evil"] 6 6' ] && [ "$took" -le 10 ] && echo pass || echo FAIL)"
finish
