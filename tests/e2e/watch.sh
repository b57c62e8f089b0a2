#!/bin/sh
# End-to-end tests of walker --watch on the --git monorepo: after each thing an editor or git does
# (edits in place, write-then-rename, vim's 4913 probe and backup, JetBrains' temporaries, new,
# deleted and renamed files and directories, ignore files, .walker.conf, info/exclude, the index,
# a checkout and a stash), the report the watcher built cycle by cycle (its JSON Lines: new and
# fixed violations folded, the last summary) equals a cold full run: the oracle. Also: a burst is
# one cycle, the queue overflow and the watch limit fall back to full walks, the root removed or
# moved stops it (exit 2), SIGINT at random moments leaves a valid cache, and the text output.
#
# Each step ends with a sync: a new file is written, and the test waits (polling, with a timeout)
# for the cycle whose "checked" list names it; inotify keeps the order of events, so that cycle or
# an earlier one has seen everything the step did. Nothing waits for a fixed time.
set -u
. "$(dirname "$0")/lib.sh"
W=$(cd "$(dirname "$B/walker")" && pwd)/walker
GEN=$B/genfixtures
T=$TMPROOT/watch
rm -rf "$T"; mkdir -p "$T"
echo "watch ($B)"
export XDG_CACHE_HOME=$T/xdg
$GEN -q --git --out "$T" stress-monorepo || fail "generate the --git monorepo"
R=$T/stress-monorepo
OUT=$T/watch.jsonl
ERR=$T/watch.err
WPID=""
EPID=""
cleanup() { [ -n "$WPID" ] && kill -9 "$WPID" 2>/dev/null; [ -n "$EPID" ] && kill -9 "$EPID" 2>/dev/null; rm -f "$T/editing"; }
trap cleanup EXIT
cd "$R" || exit 1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.com GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.com

# poll COND-COMMAND SECONDS: until the command succeeds, the watcher still running
poll() {
	n=0
	while ! eval "$1"; do
		n=$((n + 1))
		[ $n -gt $(($2 * 50)) ] && return 1
		[ -n "$WPID" ] && ! kill -0 "$WPID" 2>/dev/null && return 1
		sleep 0.02
	done
}
complete() { [ -s "$OUT" ] && [ -z "$(tail -c1 "$OUT")" ]; } # the last line is whole
start() { # start [ARGS...]: a JSON watcher on ., its first document awaited
	: >"$OUT"
	: >"$ERR"
	"$W" --watch --format json --debounce 20 "$@" . >"$OUT" 2>"$ERR" &
	WPID=$!
	poll complete 30 || fail "the watcher's first report" "$(cat "$ERR")"
}
stop() {
	[ -n "$WPID" ] || return 0
	kill -INT "$WPID" 2>/dev/null
	reap "$WPID" 30
	st=$?
	WPID=""
	return $st
}
SYNC=0
sync_watch() { # a new file; then the cycle that names it, whole
	SYNC=$((SYNC + 1))
	echo "sync $SYNC" >"sync-$SYNC.md"
	poll "grep -q '\"sync-$SYNC.md\"' '$OUT' && complete" 20
}
# the report folded from the JSON Lines, and the same fields of a cold full run
KEY='def key: "\(.file):\(.line):\(.column):\(.pattern)";'
state() {
	jq -sc "$KEY"'(reduce .[] as $d ({}; (reduce $d.fixed[] as $f (.; del(.[$f | key])))
		| (reduce $d.new[] as $n (.; .[$n | key] = true)))) as $v | .[-1] as $l
		| {violations: ($v | keys), files: $l.summary.files, summary: ($l.summary | del(.files)),
		   counts: $l.counts, passed: $l.passed}' "$OUT"
}
oracle() {
	"$W" --no-cache --format json "$@" . 2>/dev/null | jq -c "$KEY"'{violations: ([.violations[] | key] | sort),
		files: .stats.files, summary: {violations: ((.violations | length) + (.threshold_violations | length)),
		allowed: (.allowed | length), test: (.test | length), counted: (.counted | length),
		skipped: ((.skipped | length) + (.errors | length)), unreadable: (.unreadable | length)},
		counts, passed}'
}
same() { # same NAME: sync, then the watcher's report equals the oracle
	if sync_watch; then
		check_eq "$1: the watcher's report equals a cold run" "$(oracle)" "$(state)"
	else
		fail "$1: the watcher saw the sync file" "$(tail -c 600 "$ERR")"
	fi
}
docs() { wc -l <"$OUT"; }
V='fn zz_watch() { unsafe { core::hint::spin_loop() } }'

# a branch for the checkout burst, made before the watcher starts: 1,500 Rust files changed
git checkout -q -b burst
git ls-files '*.rs' | head -n 1500 | while read -r f; do printf '// burst %s\n' "$f" >>"$f"; done
git commit -qam burst
git checkout -q master
# twelve Rust files in twelve leaf directories of nine crates (not the second, which moves around)
CR=crates/$(ls crates | sed -n 2p)
RS=$(for c in crates/*; do [ "$c" = "$CR" ] || git ls-files "$c/*.rs" | awk -F/ 'NF == 8' | sed -n '1p;$p'; done | head -n 12)
f() { echo "$RS" | sed -n "$1p"; }
LIB=$(git ls-files 'crates/*/src/lib.rs' | tail -n 1)

start
check "the first document is JSON with cycle 0 and every violation new" \
	sh -c "head -n 1 '$OUT' | jq -e '.cycle == 0 and .full and (.new | length) > 0' >/dev/null"
same "the first run"

# --- what editors do ------------------------------------------------------------------------
printf '%s\n' "$V" >>"$(f 1)"
same "an edit in place (append)"
F=$(f 2); cp "$F" "$F.tmp.$$"; printf '%s\n' "$V" >>"$F.tmp.$$"; mv "$F.tmp.$$" "$F"
same "write to a temporary, rename over the file"
F=$(f 3); D=$(dirname "$F"); B0=$(basename "$F")
: >"$D/4913"; rm "$D/4913"                                # vim's probe: can it create files here?
: >"$D/.$B0.swp"; mv "$F" "$F~"; cp "$F~" "$F"; printf '%s\n' "$V" >>"$F"; rm "$F~" "$D/.$B0.swp"
same "vim: the 4913 probe, a backup rename, the new file, backup and swap removed"
F=$(f 4)
cp "$F" "${F}___jb_tmp___"; printf '%s\n' "$V" >>"${F}___jb_tmp___"
mv "$F" "${F}___jb_old___"; mv "${F}___jb_tmp___" "$F"; rm "${F}___jb_old___"
same "JetBrains: ___jb_tmp___ and ___jb_old___"
F=$(f 5); sed 's/unsafe {/unsafe  {/' "$F" >"$F.new" && mv "$F.new" "$F"
printf '%s\n' "$V" >"$(dirname "$F")/zz_new.rs"
rm "$(f 6)"
mv "$(f 7)" "$(dirname "$(f 7)")/zz_renamed.rs"
same "a new file, a deleted one, a renamed one"
chmod 644 "$(f 8)"; touch "$(f 8)"
same "touch and chmod (attributes only)"

# --- directories ----------------------------------------------------------------------------
mkdir -p newpkg/src/deep/er
printf '%s\n' "$V" >newpkg/src/lib.rs; printf '%s\n' "$V" >newpkg/src/deep/er/x.rs
same "a new directory tree with files"
DIR=$(dirname "$(f 9)")
rm -rf "$DIR"
same "a directory removed"
mv "$CR" "$CR-renamed"
same "an atomic directory rename"
mv "$CR-renamed" "$T/outside"
same "a directory moved out of the tree"
mv "$T/outside" "$CR"
same "a directory moved into the tree"
mkdir scratch; printf '%s\n' "$V" >scratch/a.rs; printf '%s\n' "$V" >scratch/b.rs
same "an untracked directory"

# --- ignore files, config, index ------------------------------------------------------------
cp .gitignore "$T/gitignore.orig"
echo 'scratch/' >>.gitignore
same ".gitignore: a new pattern ignores a directory"
cp "$T/gitignore.orig" .gitignore
same ".gitignore: the pattern removed"
echo 'b.rs' >scratch/.gitignore
same "a nested .gitignore"
rm scratch/.gitignore; echo 'a.rs' >scratch/.ignore
same "a nested .ignore"
rm scratch/.ignore; echo 'scratch/' >>.git/info/exclude
same ".git/info/exclude"
git add -f scratch/a.rs
same "git add -f of an ignored file: tracked, so walked"
git rm -q --cached scratch/a.rs
same "git rm --cached: ignored again"
printf '[pattern unwrap]\naction = forbid\n' >.walker.conf
same ".walker.conf: a pattern made forbid re-checks everything"
check "a config change is said on stderr" grep -q 'patterns changed' "$ERR"
cp .walker.conf "$T/forbid.conf"
printf '[pattern unwrap\n' >.walker.conf
if sync_watch; then
	check_eq ".walker.conf broken: the previous patterns stay" "$(oracle --config "$T/forbid.conf")" "$(state)"
else
	fail ".walker.conf broken: the watcher saw the sync file"
fi
check "a broken config is reported, not fatal" grep -q 'previous patterns stay' "$ERR"
rm .walker.conf
same ".walker.conf removed"
printf '%s\n' "$V" >"$(dirname "$LIB")/zz_tmod.rs"
same "a Rust module file with a violation"
printf '#[cfg(test)]\nmod zz_tmod;\n' >>"$LIB"
same "#[cfg(test)] mod declared in lib.rs: the module file is test code"

# --- git ------------------------------------------------------------------------------------
git add -A && git commit -qm wip
same "git add -A, git commit"
n0=$(docs)
git checkout -q burst
same "git checkout of a branch changing 1,500 files"
n1=$(docs)
check "the checkout burst is at most two cycles, not hundreds ($((n1 - n0)) documents)" test $((n1 - n0)) -le 2
git checkout -q master
same "git checkout back"
git ls-files 'crates/*.rs' | sed -n '20,220p' | while read -r x; do printf '%s\n' "$V" >>"$x"; done
same "200 files changed"
git stash -q
same "git stash"
git stash pop -q
same "git stash pop"

# --- the queue overflowing ------------------------------------------------------------------
QMAX=$(cat /proc/sys/fs/inotify/max_queued_events 2>/dev/null || echo 0)
if [ "$QMAX" -gt 0 ] && [ "$QMAX" -le 100000 ]; then
	NF=$((QMAX / 2 + 100)) # each new file: IN_CREATE, IN_CLOSE_WRITE
	n0=$(docs)
	kill -STOP "$WPID"
	seq 1 "$NF" | sed 's|^|docs/flood-|; s|$|.md|' | xargs touch
	printf '%s\n' "$V" >>"$(f 11)"
	kill -CONT "$WPID"
	# events after the overflow are lost too: the sync file waits for the full walk it causes
	poll "complete && tail -n +$((n0 + 1)) '$OUT' | jq -e 'select(.full)' >/dev/null" 30
	same "$NF files created while the watcher was stopped: the queue overflows"
	check_eq "the overflow is said once" 1 "$(grep -c 'queue overflowed' "$ERR")"
	seq 1 "$NF" | sed 's|^|docs/flood-|; s|$|.md|' | xargs rm -f
	same "and removed again"
	same "the batch after so many files gone"
	check "it walks the root whole (so that the cache drops what is gone)" sh -c "tail -n 1 '$OUT' | jq -e .full"
else
	echo "  skip overflow: fs.inotify.max_queued_events is $QMAX"
fi
if stop; then ok "SIGINT: a clean stop, exit 0"; else fail "SIGINT: a clean stop, exit 0" "exit $st"; fi
warm=$("$W" --format json --stats . 2>"$T/warm.err")
check_eq "after the watch a plain run is warm: no cache miss, no warning" "0 " \
	"$(echo "$warm" | jq .stats.cache.misses) $(cat "$T/warm.err")"

# --- text output ----------------------------------------------------------------------------
: >"$OUT"
"$W" --watch --debounce 20 . >"$OUT" 2>"$ERR" &
WPID=$!
poll "grep -q '^[A-Z]*: ' '$OUT'" 30 || fail "text watcher: first report"
printf '%s\n' "$V" >>"$(f 12)"
poll "grep -q '^+ $(f 12):' '$OUT'" 20
poll "[ \"\$(grep '^[A-Z]*: ' '$OUT' | tail -n 1)\" = \"\$('$W' --no-cache . | tail -n 1)\" ]" 10
check_eq "text: a new violation is printed with +, and the summary line equals a cold run's" \
	"$("$W" --no-cache . | tail -n 1)" "$(grep '^[A-Z]*: ' "$OUT" | tail -n 1)"
sed -i '$d' "$(f 12)"
poll "grep -q '^- $(f 12):' '$OUT'" 20
check "text: the fixed violation is printed with -" grep -q "^- $(f 12):" "$OUT"
stop

# --- SIGINT at random moments: the cache stays valid ----------------------------------------
EDIT=$(git ls-files 'crates/*.rs' | while read -r x; do [ -f "$x" ] && echo "$x"; done | head -n 12)
: >"$T/editing"
(i=0; while [ -f "$T/editing" ]; do i=$((i + 1)); x=$(echo "$EDIT" | sed -n "$((i % 12 + 1))p"); cp "$x" "$x.t"; printf '// %s\n' $i >>"$x.t"; mv "$x.t" "$x"; sleep 0.01; done) &
EPID=$!
bad=""
# A signal sent before the watcher takes SIGINT over is not part of this test: started from a
# shell whose SIGINT is ignored (a CI runner's may be), the watcher inherits that, and a SIGINT
# then is lost (the fate of any program, before its first instruction). So the random moment
# counts from the watcher's SIGINT blocked (SigBlk, bit 2 of /proc/PID/status), then exit 0.
int_blocked() {
	m=$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$1/status" 2>/dev/null)
	[ -n "$m" ] && [ $((0x$m & 2)) -ne 0 ]
}
for k in 1 2 3 4 5 6 7 8 9 10; do
	"$W" --watch --debounce 5 . >/dev/null 2>"$T/int.err" &
	pid=$!
	WPID=$pid
	poll "int_blocked $pid" 30 || bad="$bad run $k: SIGINT never blocked;"
	WPID=""
	ms=$(( $(od -An -N2 -tu2 /dev/urandom) % 400 ))
	sleep "$(printf '0.%03d' "$ms")"
	kill -INT $pid
	reap $pid 30
	st=$?
	[ $st -eq 0 ] || bad="$bad run $k: exit $st;"
done
rm -f "$T/editing"; wait $EPID; EPID=""
tmp=$(ls -a "$XDG_CACHE_HOME/walker" | grep -c '\.tmp\.')
"$W" --format json . 2>"$T/int.err" | jq -S 'del(.stats)' >"$T/warm.json"
"$W" --no-cache --format json . | jq -S 'del(.stats)' >"$T/cold.json"
check_eq "SIGINT at 10 random moments of a busy watch: exit 0, no temporary, the cache valid" \
	" 0  same" "$bad $tmp $(grep -i 'cache' "$T/int.err") $(cmp -s "$T/warm.json" "$T/cold.json" && echo same)"

# --- the watch limit: fewer watches than directories ----------------------------------------
if unshare -Ur sh -c 'echo 4 >/proc/sys/user/max_inotify_watches' 2>/dev/null; then
	: >"$OUT"
	unshare -Ur sh -c 'echo 4 >/proc/sys/user/max_inotify_watches && exec "$0" --watch --format json --debounce 20 .' \
		"$W" >"$OUT" 2>"$ERR" &
	WPID=$!
	poll complete 30
	check "the watch limit is said once" test "$(grep -c 'unable to watch every directory' "$ERR")" = 1
	D=$(dirname "$(git ls-files 'crates/*/src/*/*/*.rs' | tail -n 1)")
	printf '%s\n' "$V" >"$D/zz_unwatched.rs"
	poll "[ \"\$(state)\" = \"\$(oracle)\" ]" 10
	check_eq "over the watch limit: a file in an unwatched directory is found by the full walks" \
		"$(oracle)" "$(state)"
	stop
	check_eq "still said only once" 1 "$(grep -c 'unable to watch every directory' "$ERR")"
else
	echo "  skip the watch limit: no user namespace (unshare -Ur) to lower max_inotify_watches in"
fi

# --- the root removed or moved --------------------------------------------------------------
mkdir -p "$T/small/a"; printf '%s\n' "$V" >"$T/small/a/x.rs"
(cd "$T/small" && exec "$W" --watch . >"$OUT" 2>"$ERR") &
WPID=$!
poll "grep -q '^FAIL: ' '$OUT'" 30
rm -rf "$T/small"
reap "$WPID" 30; st=$?; WPID=""
check_eq "the watched root removed: exit 2 and a message" "2 1" "$st $(grep -c "was removed" "$ERR")"
mkdir -p "$T/small2/a"; printf '%s\n' "$V" >"$T/small2/a/x.rs"
"$W" --watch "$T/small2" >"$OUT" 2>"$ERR" &
WPID=$!
poll "grep -q '^FAIL: ' '$OUT'" 30
mv "$T/small2" "$T/small3"
reap "$WPID" 30; st=$?; WPID=""
check_eq "the watched root moved: exit 2 and a message" "2 1" "$st $(grep -c "was moved" "$ERR")"
check_eq "--watch with a file or --changed-since: a usage error" "2 2" \
	"$("$W" --watch "$T/small3/a/x.rs" >/dev/null 2>&1; echo $?) $("$W" --watch --changed-since HEAD . >/dev/null 2>&1; echo $?)"

cd /
rm -rf "$T"
finish
