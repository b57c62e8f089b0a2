#!/bin/sh
# End-to-end tests of the result cache and --changed-since: a cached result is indistinguishable
# from a fresh one (cold, warm, touched, rule change, sequential and parallel), racy rewrites,
# damaged and hostile cache files, kill -9 while saving, concurrent walkers, deleted and renamed
# files, and --changed-since against the --git fixture's manifest.
set -u
. "$(dirname "$0")/lib.sh"
W=$(cd "$(dirname "$B/walker")" && pwd)/walker
GEN=$B/genfixtures
T=$TMPROOT/cache
rm -rf "$T"; mkdir -p "$T"
echo "cache ($B)"
$GEN -q --out "$T" stress-patterns stress-monorepo stress-large-file stress-nested scale:2000 stress-huge-files ||
	fail "generate fixtures"
$GEN -q --git --out "$T/git" stress-monorepo || fail "generate the --git monorepo"
export XDG_CACHE_HOME=$T/xdg
C=$T/c.cache

# the report without its stats, which say how the result was obtained
report() { "$W" --format json "$@" 2>/dev/null | jq -S 'del(.stats)'; }
# the report, the exit status and the count of files scanned: a warm run must equal a cold one
outcome() {
	o=$("$W" --format json "$@" 2>/dev/null)
	echo "exit $?"
	printf '%s\n' "$o" | jq -S 'del(.stats) + {files_scanned: .stats.files_scanned}'
}
stat_of() { jq -r ".stats.cache.$1"; }

# --- identical results however obtained -------------------------------------------------------
for f in stress-patterns stress-monorepo stress-large-file stress-nested scale-2000; do
	D=$T/$f
	ref=$(outcome --no-cache "$D")
	rm -f "$C"
	same=1
	for run in cold warm; do
		for mode in "--mode sequential" "--mode parallel -j 3" "--mode auto"; do
			[ "$(outcome --cache "$C" $mode "$D")" = "$ref" ] || { same=0; echo "       differs: $run $mode"; }
		done
	done
	hits=$("$W" --cache "$C" --stats --format json "$D" | stat_of hits_stat)
	find "$D" -type f -execdir touch {} +
	out=$("$W" --cache "$C" --mode parallel --format json --stats "$D")
	[ "$(echo "$out" | jq -S 'del(.stats)')" = "$(echo "$ref" | sed 1d | jq -S 'del(.files_scanned)')" ] ||
		{ same=0; echo "       differs after touch"; }
	byhash=$(echo "$out" | stat_of hits_content)
	# just touched: racy, so the next run checks them by content once more (or by stat if 2 s passed)
	again=$("$W" --cache "$C" --stats --format json "$D" | jq '.stats.cache.racy + .stats.cache.hits_stat')
	[ "$(outcome --cache "$C" -e 'extra=\bfn\b' "$D")" = "$(outcome --no-cache -e 'extra=\bfn\b' "$D")" ] ||
		{ same=0; echo "       differs after a rule change"; }
	[ "$(outcome --cache "$C" "$D")" = "$ref" ] || { same=0; echo "       differs back on the first rules"; }
	check_eq "$f: JSON, exit status and files scanned identical cold, warm, touched, rule change, --no-cache, every mode" 1 $same
	[ "$hits" -gt 0 ] && check_eq "$f: warm run answered from stat alone" "$hits" \
		"$("$W" --no-cache --stats --format json "$D" | jq '.stats.files - .stats.files_without_patterns')"
	big=$(echo "$out" | jq .stats.skipped_too_large) # known by size alone: no content hash
	check_eq "$f: after touch the results come from content hashes, then from stat or racy checks" \
		"$((hits - big)) $((hits - big))" "$byhash $again"
done

D=$T/stress-patterns
rm -f "$C"
"$W" --cache "$C" "$D" >/dev/null 2>&1
check_eq "cache file is private (0600)" 600 "$(stat -c %a "$C")"
"$W" "$D" >/dev/null 2>&1
check_eq "default cache directory is private (0700)" 700 "$(stat -c %a "$XDG_CACHE_HOME/walker")"
check_eq "default cache is one file per root, named by the root's real path" 1 \
	"$(ls "$XDG_CACHE_HOME/walker" | grep -c '^[0-9a-f]\{32\}\.cache$')"
"$W" --cache-clear "$D"
check_eq "--cache-clear removes it" 0 "$(ls "$XDG_CACHE_HOME/walker" | wc -l)"
out=$(XDG_CACHE_HOME=/proc/walker-none "$W" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
check_eq "an unwritable location: same result" "$(report --no-cache "$D")" "$out"
check_eq "an unwritable location: one warning" 1 "$(grep -c 'warning: no cache' "$T/err")"

# --- a warm run exits as a cold one -----------------------------------------------------------
# cache hits count as scanned: with one unreadable entry and one clean file a warm run exited 2
# ("nothing could be read") where the cold one exited 0
U=$T/unreadable
mkdir -p "$U"
printf 'fn f() {}\n' >"$U/ok.rs"
ln -s does-not-exist "$U/dangling.rs" # unreadable under -L, for root too
rm -f "$C"
st=$("$W" --no-cache -L "$U" >/dev/null 2>&1; echo $?)
st="$st $("$W" --cache "$C" -L "$U" >/dev/null 2>&1; echo $?)"
st="$st $("$W" --cache "$C" -L "$U" >/dev/null 2>&1; echo $?)"
check_eq "one unreadable entry and a clean file: --no-cache, cold and warm runs all exit 0" "0 0 0" "$st"
check_eq "one unreadable entry: a warm run's summary line equals a cold one's" \
	"$("$W" --no-cache -L "$U" 2>/dev/null)" "$("$W" --cache "$C" -L "$U" 2>/dev/null)"
if [ "$(id -u)" != 0 ]; then
	printf 'fn g() {}\n' >"$U/secret.rs"; chmod 000 "$U/secret.rs"; rm -f "$U/dangling.rs" "$C"
	st="$("$W" --cache "$C" "$U" >/dev/null 2>&1; echo $?) $("$W" --cache "$C" "$U" >/dev/null 2>&1; echo $?)"
	check_eq "a file without read permission: cold and warm runs exit 0" "0 0" "$st"
	chmod 644 "$U/secret.rs"
fi

# --- the walker's own cache inside the walked tree is never walked --------------------------------
# XDG_CACHE_HOME (or --cache) inside the tree: the cache, its delta and its temporaries changed the
# count of files run by run
S=$T/selftree
mkdir -p "$S/src"
for k in 1 2 3 4 5; do printf 'fn f%s() { x.unwrap(); }\n' $k >"$S/src/f$k.rs"; done
want=$("$W" --no-cache --hidden --format json "$S" | jq .stats.files)
counts=""
for run in 1 2 3; do
	counts="$counts $(XDG_CACHE_HOME=$S/xdg "$W" --hidden --format json "$S" | jq .stats.files)"
	printf '// %s\n' $run >>"$S/src/f1.rs" # the next run saves a delta beside the cache
done
check_eq "XDG_CACHE_HOME inside the walked tree: the default cache directory is never walked" \
	" $want $want $want" "$counts"
check_eq "XDG_CACHE_HOME inside the walked tree: --files and --no-cache leave it out too" "0 $want" \
	"$(XDG_CACHE_HOME=$S/xdg "$W" --files --hidden "$S" | grep -c xdg) $(XDG_CACHE_HOME=$S/xdg "$W" --no-cache --hidden --format json "$S" | jq .stats.files)"
counts=""
for run in 1 2 3; do
	counts="$counts $(XDG_CACHE_HOME=$S/xdg "$W" --cache "$S/src/own.cache" --hidden --format json "$S" | jq .stats.files)"
	printf '// %s\n' $run >>"$S/src/f2.rs"
done
check_eq "--cache FILE inside the walked tree: the file and its delta are never walked" " $want $want $want" "$counts"
: >"$S/src/.own.cache.tmp.999999" # a temporary left by a killed run
check_eq "--cache FILE inside the walked tree: its temporaries are not walked either" "$want" \
	"$(XDG_CACHE_HOME=$S/xdg "$W" --cache "$S/src/own.cache" --hidden --format json "$S" | jq .stats.files)"
rm -f "$S/src/.own.cache.tmp.999999"
git init -q "$S" && git -C "$S" add src && git -C "$S" commit -q -m init
printf '// changed\n' >>"$S/src/f3.rs"
check_eq "--changed-since with the caches inside the work tree: neither is listed" "src/f3.rs" \
	"$(cd "$S" && XDG_CACHE_HOME=$S/xdg "$W" --cache "$S/src/own.cache" --changed-since HEAD --files --hidden .)"

# --- racy rewrites ----------------------------------------------------------------------------
R=$T/racy
mkdir -p "$R"
printf 'aaaa\n' >"$R/a.txt"
m=$(stat -c %.9Y "$R/a.txt")
n1=$("$W" --cache "$C" --no-defaults -e x=XXXX --format json "$R" | jq '.counts.source.x // 0')
printf 'XXXX\n' >"$R/a.txt"
touch -d "@$m" "$R/a.txt"
n2=$("$W" --cache "$C" --no-defaults -e x=XXXX --format json --stats "$R")
check_eq "same-size rewrite with the mtime set back: detected" "0 1" "$n1 $(echo "$n2" | jq '.counts.source.x')"
# a file just written is racy: its result is re-checked by content until it is safely old
printf 'XXXX\n' >"$R/b.txt"
"$W" --cache "$C" --no-defaults -e x=XXXX "$R" >/dev/null
racy=$("$W" --cache "$C" --no-defaults -e x=XXXX --format json --stats "$R" | stat_of racy)
check "a file written within the racy window is re-hashed on the next run ($racy)" test "$racy" -ge 1

# --- deleted and renamed files ----------------------------------------------------------------
D=$T/stress-monorepo
rm -f "$C"
"$W" --cache "$C" "$D" >/dev/null
victim=$(cd "$D" && "$W" --no-cache --format json . | jq -r '.violations[0].file')
moved=$(cd "$D" && "$W" --no-cache --format json . | jq -r '.violations[-1].file')
rm "$D/$victim"
mv "$D/$moved" "$D/$moved.moved.rs"
out=$("$W" --cache "$C" --format json --stats "$D")
check_eq "deleted and renamed files: same as --no-cache" "$(report --no-cache "$D")" \
	"$(echo "$out" | jq -S 'del(.stats)')"
check_eq "deleted and renamed files: their entries are dropped" 2 "$(echo "$out" | stat_of dropped)"

# --- damaged and hostile cache files ----------------------------------------------------------
D=$T/stress-patterns
ref=$(report --no-cache "$D")
damage() { # damage NAME COMMAND: damage the saved cache, then expect one warning and the same result
	rm -f "$C"
	"$W" --cache "$C" "$D" >/dev/null 2>&1
	sh -c "$2" || fail "$1: setting up"
	got=$("$W" --cache "$C" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
	w1=$(grep -c 'warning' "$T/err")
	again=$("$W" --cache "$C" --format json --stats "$D" 2>"$T/err2")
	check_eq "$1: one warning, same result, rebuilt" "1 1 0 $(echo "$ref" | jq -cS .counts)" \
		"$w1 $([ "$got" = "$ref" ] && echo 1 || echo 0) $(grep -c warning "$T/err2") $(echo "$again" | jq -cS .counts)"
}
damage "zero-length cache" ": >'$C'"
damage "truncated cache" "truncate -s 5000 '$C'"
damage "truncated header" "truncate -s 60 '$C'"
damage "bit-flipped cache" "printf '\\377' | dd of='$C' bs=1 seek=3000 conv=notrunc status=none"
damage "wrong-version cache" "printf '\\011' | dd of='$C' bs=1 seek=8 conv=notrunc status=none"
damage "garbage cache (after the magic)" "{ printf WLKCACHE; head -c 40000 /dev/urandom; } >'$C'"
# a damaged delta (the small file a run that changed few files writes beside the cache)
rm -f "$C" "$C.delta"
"$W" --cache "$C" "$D" >/dev/null 2>&1
f=$(cd "$D" && find . -name '*.rs' | head -n 1)
printf '\n' >>"$D/$f"
"$W" --cache "$C" "$D" >/dev/null 2>&1
has=$([ -f "$C.delta" ] && echo 1)
printf '\377' | dd of="$C.delta" bs=1 seek=200 conv=notrunc status=none
ref=$(report --no-cache "$D")
got=$("$W" --cache "$C" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
again=$("$W" --cache "$C" --format json "$D" 2>"$T/err2" | jq -S 'del(.stats)')
check_eq "one file changed: a delta file; bit-flipped: one warning, same result, rebuilt" "1 1 1 0 1" \
	"$has $(grep -c 'delta.*corrupt' "$T/err") $([ "$got" = "$ref" ] && echo 1) $(grep -c warning "$T/err2") $([ "$again" = "$ref" ] && echo 1)"
rm -f "$C" "$C.delta"; mkdir "$C"
got=$("$W" --cache "$C" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
check_eq "a directory in place of the cache: warned, same result, left alone" "1 1 1" \
	"$(grep -c 'not a regular file' "$T/err") $([ "$got" = "$ref" ] && echo 1 || echo 0) $([ -d "$C" ] && echo 1)"
rmdir "$C"
if [ "$(id -u)" = 0 ]; then
	damage "a cache owned by another user" "chown nobody '$C'"
fi
# --cache FILE naming a file that is not a walker cache: refused before anything is replaced or
# removed (the user named the wrong file: notes.txt, a FIFO, someone's FILE.delta)
N=$T/notes.txt
printf 'my notes\n' >"$N"
err=$("$W" --cache "$N" "$D" 2>&1 >/dev/null); rc=$?
check_eq "--cache naming a file that is not a walker cache: exit 2, a clear message, the file untouched" \
	"2 1 my notes" "$rc $(printf '%s' "$err" | grep -c "refusing to use '$N' as the cache: it is not a walker cache") $(cat "$N")"
err=$("$W" --cache-clear --cache "$N" "$D" 2>&1); rc=$?
check_eq "--cache-clear --cache naming a file that is not a walker cache: exit 2, not removed" \
	"2 1 my notes" "$rc $(printf '%s' "$err" | grep -c 'not a walker cache') $(cat "$N")"
rm -f "$C" "$C.delta"
"$W" --cache "$C" "$D" >/dev/null 2>&1
printf 'my delta notes\n' >"$C.delta"
st="$("$W" --cache "$C" "$D" >/dev/null 2>&1; echo $?) $("$W" --cache-clear --cache "$C" "$D" >/dev/null 2>&1; echo $?)"
check_eq "a FILE.delta that is not a walker cache: the run and --cache-clear refuse (exit 2), both files kept" \
	"2 2 my delta notes 1" "$st $(cat "$C.delta") $([ -s "$C" ] && echo 1)"
rm -f "$C.delta"
mkfifo "$T/fifo.cache"
st=$(timeout 20 "$W" --cache "$T/fifo.cache" "$D" >/dev/null 2>&1; echo $?)
check_eq "--cache naming a FIFO: exit 2 at once, the FIFO left in place" "2 1" "$st $([ -p "$T/fifo.cache" ] && echo 1)"
rm -f "$T/fifo.cache"
printf 'not ours\n' >"$(dirname "$C")/.$(basename "$C").tmp.999999"
"$W" --cache "$C" "$D" >/dev/null 2>&1; touch "$D/$(cd "$D" && ls | head -n 1)"; "$W" --cache "$C" "$D" >/dev/null 2>&1
check_eq "a stale-looking temporary that is not a walker cache is not removed" "not ours" \
	"$(cat "$(dirname "$C")/.$(basename "$C").tmp.999999")"
rm -f "$(dirname "$C")/.$(basename "$C").tmp.999999"
# a symlinked cache file: not followed, nothing outside written, the link replaced
rm -f "$C"
echo "precious" >"$T/outside"
ln -s "$T/outside" "$C"
got=$("$W" --cache "$C" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
check_eq "symlinked cache file: warned, same result, target untouched, link replaced by a file" \
	"1 1 precious 1" \
	"$(grep -c symlink "$T/err") $([ "$got" = "$ref" ] && echo 1 || echo 0) $(cat "$T/outside") $([ -f "$C" ] && [ ! -L "$C" ] && echo 1)"
# a symlink planted as the default cache directory: not used, nothing written through it
rm -rf "$T/xdg2" "$T/elsewhere"; mkdir -p "$T/xdg2" "$T/elsewhere"
ln -s "$T/elsewhere" "$T/xdg2/walker"
got=$(XDG_CACHE_HOME=$T/xdg2 "$W" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
check_eq "symlinked cache directory: refused with a warning, nothing written there" "1 1 0" \
	"$(grep -c 'no cache' "$T/err") $([ "$got" = "$ref" ] && echo 1 || echo 0) $(ls -A "$T/elsewhere" | wc -l)"

# --- kill -9 while saving, and concurrent walkers -----------------------------------------------
# the 50,000-file tree: saving its cache takes a good share of a run, so many kills land in it
D=$T/stress-huge-files
ref=$(report --no-cache "$D")
rm -f "$C"
"$W" --cache "$C" "$D" >/dev/null 2>&1
bad=0
i=0
while [ $i -lt ${KILL_LOOPS:-100} ]; do
	# three kinds of save in turn: a delta (one file changed), a full rebuild for other rules,
	# a full rebuild back to the default rules
	opt=""
	case $((i % 3)) in
	0) touch "$D/src/f$((i % 1000)).rs" ;;
	1) opt="--max-filesize 9M" ;;
	esac
	"$W" --cache "$C" $opt "$D" >/dev/null 2>&1 &
	pid=$!
	sleep "0.0$(( (i * 7) % 8 ))$(( (i * 3) % 10 ))"
	if [ $((i % 2)) = 0 ]; then kill -9 $pid 2>/dev/null; else kill -INT $pid 2>/dev/null; fi
	wait $pid 2>/dev/null
	got=$("$W" --cache "$C" --format json "$D" 2>"$T/err" | jq -S 'del(.stats)')
	if [ "$got" != "$ref" ] || grep -q warning "$T/err"; then bad=$((bad + 1)); fi
	i=$((i + 1))
done
check_eq "kill -9 and SIGINT at ${KILL_LOOPS:-100} moments: the next run is right and loads the cache cleanly" 0 $bad
[ -n "${SCENARIOS:-}" ] && echo "$(basename "$B")|kill -9 / SIGINT at random moments of a cached run of stress-huge-files (50,000 files; each third of the runs saves a delta, the others rebuild the cache)|${KILL_LOOPS:-100}|the next run's result equals --no-cache and its cache loads without a warning|$([ $bad = 0 ] && echo pass || echo FAIL)" >>"$SCENARIOS"
check_eq "no temporary files left behind" 0 "$(ls -A "$T" | grep -c '\.tmp\.')"
D=$T/scale-2000
ref=$(report --no-cache "$D")
rm -f "$C"
for k in 1 2 3 4; do "$W" --cache "$C" --format json "$D" 2>"$T/err$k" | jq -S 'del(.stats)' >"$T/out$k" & done
wait
same=1
for k in 1 2 3 4; do [ "$(cat "$T/out$k")" = "$ref" ] && ! grep -q warning "$T/err$k" || same=0; done
check_eq "four concurrent walkers: right results, no warning" 1 $same
check_eq "after them the cache is valid and complete" "$(jq '.stats.files - .stats.files_without_patterns' <<EOF
$("$W" --no-cache --format json "$D")
EOF
)" "$("$W" --cache "$C" --format json --stats "$D" 2>&1 | stat_of hits_stat)"

# --- classes that depend on other files: a warm run answers as a cold one ------------------------
# a module declared '#[cfg(test)] mod name;' in its parent is test code; an edit to the parent
# alone reclassifies it (and what it declares in turn), warm or cold
M2=$T/modtree
rm -rf "$M2"; mkdir -p "$M2/src/helper"
printf 'mod helper;\nfn f() {}\n' >"$M2/src/lib.rs"
printf 'fn h() { unsafe { a() } }\nmod deeper;\n' >"$M2/src/helper.rs"
printf 'fn d() { unsafe { b() } }\n' >"$M2/src/helper/deeper.rs"
outcomes() { "$W" "$@" --format json "$M2" 2>/dev/null | jq -r '[(.violations[] | "\(.file) violation"), (.test[] | "\(.file) test")] | sort | join(" ")'; }
check_eq "module tree: plain declarations are source code, cold and warm" \
	"$(outcomes --no-cache)|$(outcomes --no-cache)" "$(outcomes --cache "$C.mod")|$(outcomes --cache "$C.mod")"
before=$(outcomes --cache "$C.mod")
printf '#[cfg(test)]\nmod helper;\nfn f() {}\n' >"$M2/src/lib.rs"
check_eq "module tree: '#[cfg(test)] mod helper;' in the parent makes helper.rs and what it declares test code, warm as cold" \
	"$(outcomes --no-cache)" "$(outcomes --cache "$C.mod")"
check_eq "module tree: the edit to the parent changed the answer" "1" \
	"$([ "$before" != "$(outcomes --cache "$C.mod")" ] && echo 1)"
printf 'mod helper;\nfn f() {}\n' >"$M2/src/lib.rs"
check_eq "module tree: and back, warm as cold" "$(outcomes --no-cache)" "$(outcomes --cache "$C.mod")"
# a directory's tools: adding or removing an ESLint configuration changes what eslint-disable means
E=$T/tools
rm -rf "$E"; mkdir -p "$E/web"
printf '// eslint-disable-next-line no-x\nx();\n' >"$E/web/a.js"
n_eslint() { "$W" "$@" --format json "$E" 2>/dev/null | jq '[.violations[] | select(.pattern == "eslint_disable")] | length'; }
check_eq "tools: eslint-disable without an ESLint configuration is no directive, cold and warm" "0 0 0" \
	"$(n_eslint --no-cache) $(n_eslint --cache "$C.tools") $(n_eslint --cache "$C.tools")"
printf 'export default [];\n' >"$E/eslint.config.js"
check_eq "tools: with eslint.config.js above it, the same file is judged, warm as cold" "1 1" \
	"$(n_eslint --no-cache) $(n_eslint --cache "$C.tools")"
rm -f "$E/eslint.config.js"
check_eq "tools: the configuration removed, warm as cold" "0 0" "$(n_eslint --no-cache) $(n_eslint --cache "$C.tools")"
# one above a repository's top is not the repository's (docs/patterns.md), whether the walk starts
# at the top or below it (from the top, the directories above were probed up to 32 levels)
mkdir -p "$E/repo/web" && git -C "$E/repo" init -q && cp "$E/web/a.js" "$E/repo/web/a.js" &&
	printf 'export default [];\n' >"$E/eslint.config.js" || fail "make the tools repository"
n_repo() { "$W" --no-cache --format json "$1" | jq '[.violations[] | select(.pattern == "eslint_disable")] | length'; }
check_eq "tools: an ESLint configuration above the repository is not its own, from its top or below" "0 0 1" \
	"$(n_repo "$E/repo") $(n_repo "$E/repo/web") $(n_repo "$E/web")"
rm -rf "$E/eslint.config.js" "$E/repo"
# an extensionless script is judged by its first line; a plain extensionless file is not read again
S=$T/scripts
rm -rf "$S"; mkdir -p "$S"
printf '#!/bin/sh\nset +e\n' >"$S/run"
printf 'plain text with set +e\n' >"$S/NOTES"
check_eq "scripts: '#!/bin/sh' makes an extensionless file shell, warm as cold" \
	"run set_plus_e|run set_plus_e" \
	"$("$W" --no-cache --format json "$S" | jq -r '.violations[] | "\(.file | sub(".*/"; "")) \(.pattern)"')|$("$W" --cache "$C.sh" --format json "$S" >/dev/null; sleep 2.1; "$W" --cache "$C.sh" --format json "$S" | jq -r '.violations[] | "\(.file | sub(".*/"; "")) \(.pattern)"')"
check_eq "scripts: a warm run reads neither file" "0" \
	"$("$W" --cache "$C.sh" --format json --stats "$S" | jq '.stats.files_read')"

# --- --changed-since ------------------------------------------------------------------------
G=$T/git/stress-monorepo
M=$T/git/stress-monorepo.manifest.json
check_eq "--changed-since HEAD~1: the manifest's modified, added and renamed files" \
	"$(jq -r '.git_commits | (.modified[], .added[], .renamed[].to)' "$M" | LC_ALL=C sort)" \
	"$(cd "$G" && "$W" --changed-since HEAD~1 --files . | LC_ALL=C sort)"
sub=$(jq -r '.git_commits.modified[0]' "$M" | cut -d/ -f1-2)
check_eq "--changed-since from a subdirectory: the changes below it, relative to it" \
	"$(jq -r '.git_commits | (.modified[], .added[], .renamed[].to)' "$M" | grep "^$sub/" | sed "s|^$sub/||" | LC_ALL=C sort)" \
	"$(cd "$G/$sub" && "$W" --changed-since HEAD~1 --files | LC_ALL=C sort)"
echo "fn f() { x.unwrap(); }" >"$G/crates/new_untracked.rs"
echo "x.unwrap()" >"$G/target/ignored_build.rs" 2>/dev/null || mkdir -p "$G/target"
check_eq "--changed-since HEAD: untracked files, not ignored ones" "crates/new_untracked.rs" \
	"$(cd "$G" && "$W" --changed-since HEAD --files . | grep -v '^target/')"
check_eq "--changed-since HEAD: the untracked file's match is reported" "crates/new_untracked.rs" \
	"$(cd "$G" && "$W" --changed-since HEAD --format json . | jq -r '.counted[].file')"
rm -f "$G/crates/new_untracked.rs"
check_eq "--changed-since with an unknown revision: exit 2 and one line" "2 1" \
	"$(cd "$G" && "$W" --changed-since no-such-ref . >/dev/null 2>"$T/err"; echo $?) $(grep -c "unknown revision 'no-such-ref'" "$T/err")"
check_eq "--changed-since outside a repository: exit 2 and one line" "2 1" \
	"$("$W" --changed-since HEAD "$T/stress-patterns" >/dev/null 2>"$T/err"; echo $?) $(grep -c 'not inside a git repository' "$T/err")"
git clone -q --bare "$G" "$T/bare.git" 2>/dev/null
check_eq "--changed-since in a bare repository: exit 2 and one line" "2 1" \
	"$(cd "$T/bare.git" && "$W" --changed-since HEAD . >/dev/null 2>"$T/err"; echo $?) $(grep -c 'bare' "$T/err")"

# --- --changed-since judged from the index's stat data (walker/changes.h) ---------------------
# The oracle is git itself: the files that `git diff REF` (the work tree against REF) names or that
# are untracked and not ignored, among those a walk checks (`walker --files`). Each step below is a
# way the work tree, the index and REF can differ; the walker runs first, so that no git command
# has refreshed the index's stat data for it.
X=$T/changed
rm -rf "$X"; mkdir -p "$X/src" "$X/sub/deep" "$X/out"
(
	cd "$X" && git init -q . && git config user.name t && git config user.email t@example.com &&
		for i in 1 2 3 4 5 6 7 8; do printf 'fn f%s() { x.unwrap(); }\n' $i >"src/f$i.rs"; done &&
		printf 'fn d() { y.unwrap(); }\n' >sub/deep/d.rs && printf 'out/\n' >.gitignore &&
		printf 'fn o() {}\n' >out/kept.rs && printf 'fn c() {\r\n z.unwrap();\r\n}\r\n' >src/crlf.rs &&
		git add -A && git add -f out/kept.rs && git commit -qm one &&
		printf 'fn g() {}\n' >>src/f2.rs && git commit -qam two
) || fail "make the --changed-since repository"
by_git() { # REF: git's changed and untracked files among the walked ones
	(cd "$X" && { git diff --name-only --diff-filter=d "$1" 2>/dev/null; git ls-files -o --exclude-standard; } | LC_ALL=C sort -u >"$T/by-git" &&
		"$W" --no-cache --files --hidden . | LC_ALL=C sort | comm -12 "$T/by-git" -)
}
same_as_git() { # NAME REF
	got=$(cd "$X" && "$W" --no-cache --changed-since "$2" --files --hidden . 2>&1 | LC_ALL=C sort)
	check_eq "--changed-since $2, $1: git's changed files" "$(by_git "$2")" "$got"
}
same_as_git "a committed change" HEAD~1
same_as_git "nothing changed (no file is checked, not every file)" HEAD
check_eq "--changed-since HEAD, nothing changed: 0 files" "PASS: 0 files, 0 violations; test: none" \
	"$(cd "$X" && "$W" --no-cache --changed-since HEAD .)"
printf 'fn h() {}\n' >>"$X/src/f3.rs"
same_as_git "an edit not staged" HEAD
git -C "$X" add src/f3.rs
same_as_git "a staged edit" HEAD
cp "$X/src/f3.rs" "$T/f3.rs"; git -C "$X" show HEAD:src/f3.rs >"$X/src/f3.rs"
same_as_git "a staged edit undone in the work tree (compared by content)" HEAD
cp "$T/f3.rs" "$X/src/f3.rs"; git -C "$X" commit -qam three
touch -d 2001-01-01 "$X/src/f4.rs"
same_as_git "a file touched, its content the same" HEAD
printf 'fn u() { q.unwrap(); }\n' >"$X/src/new.rs"; printf 'x\n' >"$X/out/ignored.rs"
same_as_git "an untracked file, and one in an ignored directory" HEAD
rm "$X/src/f5.rs"
same_as_git "a deleted file" HEAD
git -C "$X" rm -q --cached src/f6.rs
same_as_git "a file removed from the index, kept in the work tree" HEAD
git -C "$X" reset -q; git -C "$X" add -N src/new.rs
same_as_git "a file added with --intent-to-add" HEAD
git -C "$X" reset -q; chmod +x "$X/src/f7.rs"
same_as_git "the executable bit set" HEAD
chmod -x "$X/src/f7.rs"; git -C "$X" config core.autocrlf true; touch "$X/src/crlf.rs"
same_as_git "core.autocrlf and a touched CRLF file (compared after git's filters)" HEAD
git -C "$X" config --unset core.autocrlf
printf 'fn c2() {}\n' >>"$X/sub/deep/d.rs"
same_as_git "committed and work-tree changes together" HEAD~1
same_as_git "a tree id for REF" "HEAD~2^{tree}"
git -C "$X" update-index --index-version 4
same_as_git "a version-4 index" HEAD~2
printf 'same size\n' >"$X/src/f8.rs"; git -C "$X" add src/f8.rs; printf 'SAME SIZE\n' >"$X/src/f8.rs"
touch -r "$X/.git/index" "$X/src/f8.rs"
same_as_git "racily clean: the same size, written as the index was" HEAD
rm -f "$X/.git/index"; git -C "$X" read-tree HEAD
same_as_git "an index without stat data (git read-tree)" HEAD~1
git -C "$X" reset -q
printf 'ign*.rs\n' >"$X/.ignore"; printf 'fn i() { q.unwrap(); }\n' >"$X/src/ign_untracked.rs"
same_as_git "an untracked file in .ignore (not checked, as in a walk)" HEAD
check_eq "--changed-since from a subdirectory: its changes, relative to it" "deep/d.rs" \
	"$(cd "$X/sub" && "$W" --no-cache --changed-since HEAD --files .)"
check_eq "--changed-since: the JSON report equals a full run's for the changed files" \
	"$(cd "$X" && "$W" --no-cache --format json . | jq -c --argjson f "$(by_git HEAD~1 | jq -R . | jq -s .)" \
		'[.violations[], .counted[] | select(.file as $x | $f | index($x))] | sort')" \
	"$(cd "$X" && "$W" --no-cache --changed-since HEAD~1 --format json . | jq -c '[.violations[], .counted[]] | sort')"
check_eq "--changed-since --no-ignore (git's own list): the same files" "$(by_git HEAD~1 | grep -v ign_)" \
	"$(cd "$X" && "$W" --no-cache --no-ignore --changed-since HEAD~1 --files --hidden . | grep -v ign_ | LC_ALL=C sort)"
# staged changes where the rest of the cache tree is valid (git add invalidates only the
# directories above what it adds): a valid directory whose tree is REF's is skipped unread
X0=$X; X=$T/changed-ct
rm -rf "$X" && cp -a "$X0" "$X" && git -C "$X" add -A && git -C "$X" commit -qm ct &&
	mkdir -p "$X/new/dir" && printf 'fn n() {}\n' >"$X/new/dir/n.rs" && printf 'fn e() {}\n' >>"$X/sub/deep/d.rs" &&
	git -C "$X" add new sub/deep/d.rs || fail "make the cache-tree repository"
same_as_git "staged: a new directory and an edit, the cache tree valid elsewhere" HEAD
same_as_git "staged, against an older REF (its other directories differ too)" HEAD~2
git -C "$X" rm -q --cached src/f2.rs && rm "$X/src/f2.rs" && mkdir "$X/src/f2.rs" &&
	printf 'fn z() {}\n' >"$X/src/f2.rs/z.rs" && git -C "$X" add src/f2.rs || fail "make src/f2.rs a directory"
same_as_git "staged: a file replaced by a directory of the same name" HEAD~1
X=$X0
# the tools configured above a changed file, however deep below the configuration it lies (only
# the directory above it was looked at: one three levels down missed the ESLint configuration)
mkdir -p "$X/web/a/b" && printf 'export default [];\n' >"$X/web/eslint.config.js" &&
	printf '// eslint-disable-next-line no-x\nx();\n' >"$X/web/a/b/c.js" &&
	printf '// eslint-disable-next-line no-x\nx();\n' >"$X/web/a/d.js" || fail "make web/"
n_web() { (cd "$X" && "$W" --no-cache "$@" --format json . | jq '[.violations[] | select(.file | startswith("web/"))] | length'); }
check_eq "--changed-since: files below an ESLint configuration are judged as in a full walk" "2 2" \
	"$(n_web) $(n_web --changed-since HEAD)"
# a configuration that is a symlink to a file configures, as ESLint follows it: found alike in a
# full walk's listing (which once left it out), by the scan of the changed files (which takes
# the listing's word) and by libgit2's path (which probes the directories)
printf 'export default [];\n' >"$X/shared.eslint.js" && rm "$X/web/eslint.config.js" &&
	ln -s ../shared.eslint.js "$X/web/eslint.config.js" || fail "link web/eslint.config.js"
check_eq "--changed-since: a symlinked ESLint configuration counts, as in a full walk and via libgit2" "2 2 2" \
	"$(n_web) $(n_web --changed-since HEAD) $(GIT_NAMESPACE= n_web --changed-since HEAD)"
rm -rf "$X/web" "$X/shared.eslint.js"

# --- revisions and objects read without libgit2 (walker/odb.h) ---------------------------------
# Each as git says, and as the libgit2 path says (GIT_NAMESPACE set, even empty, sends the run
# there): packed objects with deltas, annotated and light tags, merge parents, branch names, a
# linked worktree, and damaged objects, which leave the answer to libgit2.
via_libgit2() { # REF
	(cd "$X" && GIT_NAMESPACE= "$W" --no-cache --changed-since "$1" --files --hidden . 2>&1 | LC_ALL=C sort)
}
both_ways() { # NAME REF
	same_as_git "$1" "$2"
	check_eq "--changed-since $2, $1: the same as through libgit2" "$got" "$(via_libgit2 "$2")"
}
(
	cd "$X" && git reset -q --hard && git clean -qfd && git tag -a v1 -m v1 HEAD~2 && git tag light HEAD~1 &&
		git checkout -q -b side HEAD~1 && printf 'fn s() {}\n' >src/side.rs && git add src/side.rs &&
		git commit -qm side && git checkout -q master && git merge -q --no-edit side >/dev/null &&
		git repack -adq --depth=50 --window=250 && printf 'fn p() {}\n' >>src/f1.rs && git commit -qam loose
) || fail "make the packed repository"
both_ways "packed, an annotated tag" v1
both_ways "packed, a light tag" light
both_ways "a tag's tree" "v1^{tree}"
both_ways "a merge's second parent" "HEAD~1^2"
both_ways "first parents through a merge" "HEAD^1~2"
both_ways "a branch name" side
both_ways "a full ref name" refs/heads/side
both_ways "a full object id" "$(git -C "$X" rev-parse HEAD~2)"
both_ways "a short object id (libgit2 resolves it)" "$(git -C "$X" rev-parse --short HEAD~2)"
same_as_git "@~1 (libgit2 1.5 does not know @ alone)" "@~1"
git -C "$X" add -A && printf 'fn q() {}\n' >"$X/src/staged.rs" && git -C "$X" add src/staged.rs
both_ways "a staged new file (the index has no whole cache tree)" HEAD~2
git -C "$X" reset -q --hard
git -C "$X" worktree add -q "$T/changed-wt" side 2>/dev/null
printf 'fn w() {}\n' >>"$T/changed-wt/src/f2.rs"
check_eq "--changed-since in a linked worktree: git's changed files" \
	"$(cd "$T/changed-wt" && git diff --name-only master | LC_ALL=C sort)" \
	"$(cd "$T/changed-wt" && "$W" --no-cache --changed-since master --files . | LC_ALL=C sort)"
git -C "$X" worktree remove --force "$T/changed-wt"
cp -a "$X" "$T/damaged"
pk=$(ls "$T/damaged/.git/objects/pack/"*.pack | head -n 1)
dd if=/dev/zero of="$pk" bs=1 seek=200 count=400 conv=notrunc 2>/dev/null
(cd "$T/damaged" && "$W" --no-cache --changed-since HEAD~3 --files . >"$T/dmg.out" 2>"$T/dmg.err"; echo $? >"$T/dmg.rc")
check_eq "--changed-since over a damaged pack: exit 2 with one line, or git's answer" "ok" \
	"$(rc=$(cat "$T/dmg.rc"); if [ "$rc" = 2 ] && [ "$(wc -l <"$T/dmg.err")" = 1 ]; then echo ok;
	elif [ "$rc" != 2 ] && [ "$(LC_ALL=C sort "$T/dmg.out")" = "$(cd "$T/damaged" && git diff --name-only HEAD~3 2>/dev/null | LC_ALL=C sort)" ]; then echo ok;
	else echo "rc $rc: $(cat "$T/dmg.err")"; fi)"
# --- what a hostile review of --changed-since found (each failed before its fix) ---------------
git -C "$X" reset -q --hard
chmod +x "$X/src/f1.rs" && git -C "$X" commit -qam "f1 executable" && touch -d 2001-01-01 "$X/src/f1.rs"
both_ways "a mode change since REF, the file touched (dirty by its stat data, its bytes REF's)" HEAD~1
git -C "$X" reset -q --hard
printf 'fn a() { a.unwrap(); }\n' >"$X/out/alt.rs"
cp "$X/.git/index" "$T/alt-index" && GIT_INDEX_FILE=$T/alt-index git -C "$X" add -f out/alt.rs
check_eq "GIT_INDEX_FILE (git commit's hooks): a file tracked by that index only is walked" "out/alt.rs" \
	"$(cd "$X" && GIT_INDEX_FILE=$T/alt-index "$W" --no-cache --files . | grep alt.rs)"
check_eq "GIT_INDEX_FILE: --changed-since HEAD, git's changed files by that index" \
	"$(export GIT_INDEX_FILE="$T/alt-index"; by_git HEAD)" \
	"$(export GIT_INDEX_FILE="$T/alt-index"; cd "$X" && "$W" --no-cache --changed-since HEAD --files --hidden . | LC_ALL=C sort)"
rm -f "$X/out/alt.rs"
(
	cd "$X" && git init -q sm && printf 'fn m() { m.unwrap(); }\n' >sm/m.rs && git -C sm add m.rs &&
		git -C sm -c user.name=t -c user.email=t@example.com commit -qm sm && git add sm 2>/dev/null &&
		git commit -qm "a gitlink" && printf 'fn m2() {}\n' >>sm/m.rs && printf 'fn n() {}\n' >sm/n.rs &&
		git init -q nested && printf 'fn n() { n.unwrap(); }\n' >nested/n.rs
) || fail "make a submodule and a nested repository"
same_as_git "a submodule's and a nested repository's files (not this repository's)" HEAD~1
rm -rf "$X/sm" "$X/nested"; git -C "$X" rm -q --cached sm; git -C "$X" commit -qm "no gitlink"
touch -d 2001-01-01 "$X/src/f2.rs"
check_eq "a dirty file over --max-filesize: changed without hashing (the scan skips it)" "src/f2.rs" \
	"$(cd "$X" && "$W" --no-cache --max-filesize 10 --changed-since HEAD --format json . |
		jq -r '.skipped[]? | select(.reason == "too large") | .file' 2>/dev/null | grep f2.rs)"
git -C "$X" reset -q --hard
git -C "$X" update-index --split-index && printf 'fn s() {}\n' >>"$X/src/f3.rs" && printf 'fn t() {}\n' >"$X/src/t.rs" &&
	git -C "$X" add src/f3.rs src/t.rs && printf 'fn s2() {}\n' >>"$X/src/f4.rs"
same_as_git "a split index, a staged edit (a replaced entry) and a staged new file" HEAD~1
git -C "$X" commit -qm split && printf 'fn s3() {}\n' >>"$X/src/f3.rs"
same_as_git "a split index that would commit HEAD's tree, an edit not staged" HEAD~1
git -C "$X" update-index --no-split-index && git -C "$X" reset -q --hard HEAD~1
(cd "$X" && git sparse-checkout set --cone --sparse-index src && printf 'fn v() {}\n' >>src/f5.rs && git add src/f5.rs) ||
	fail "make a sparse index"
same_as_git "a sparse index and a staged edit" HEAD~2
git -C "$X" sparse-checkout disable && git -C "$X" reset -q --hard
git -C "$X" config core.fileMode false && chmod +x "$X/src/f7.rs"
same_as_git "core.fileMode false and the executable bit set (git does not see it)" HEAD
chmod -x "$X/src/f7.rs" && git -C "$X" config --unset core.fileMode
# (a second hostile review)
printf 'fn c() {}\n' >>"$X/src/f8.rs" && git -C "$X" commit -qam "f8" && : >"$X/src/.git"
same_as_git "a stray empty .git file in a directory of tracked files (not a repository)" HEAD~1
rm -f "$X/src/.git" && git init -q "$X/sub" && printf 'fn e() {}\n' >>"$X/sub/deep/d.rs"
same_as_git "git init in a directory of tracked files: still this repository's files" HEAD~1
rm -rf "$X/sub/.git" && git -C "$X" checkout -q -- sub && mkdir -p "$X/m/.git" && printf 'fn m() {}\n' >"$X/m/b.rs"
same_as_git "an empty .git directory (not a repository): its files are untracked here" HEAD~1
rm -rf "$X/m"
git -C "$X" update-index --add --cacheinfo "160000,$(git -C "$X" rev-parse HEAD),gl" && git -C "$X" commit -qm gitlink &&
	mkdir -p "$X/gl" && printf 'fn g() {}\n' >"$X/gl/a.rs"
same_as_git "a gitlink whose directory holds no .git: a submodule's files all the same" HEAD~1
rm -rf "$X/gl" && git -C "$X" rm -q --cached gl && git -C "$X" commit -qm "no gitlink"
cp "$X/.git/index" "$X/.git/alt.idx" && printf 'fn z() {}\n' >>"$X/src/f1.rs" && git -C "$X" add src/f1.rs
check_eq "a relative GIT_INDEX_FILE from a subdirectory: relative to the top, as git reads it" \
	"$(cd "$X/src" && GIT_INDEX_FILE=.git/alt.idx git diff --name-only --relative HEAD | LC_ALL=C sort)" \
	"$(cd "$X/src" && GIT_INDEX_FILE=.git/alt.idx "$W" --no-cache --changed-since HEAD --files . | LC_ALL=C sort)"
git -C "$X" reset -q --hard && rm -f "$X/.git/alt.idx"
git -C "$X" config extensions.worktreeConfig true && git -C "$X" config --worktree core.fileMode false &&
	chmod +x "$X/src/f7.rs"
same_as_git "core.fileMode false in config.worktree" HEAD
git -C "$X" config --worktree --unset core.fileMode && git -C "$X" config --unset extensions.worktreeConfig &&
	printf '# filemode = false\n' >>"$X/.git/config"
same_as_git "core.fileMode in a comment (not a setting): the executable bit counts" HEAD
chmod -x "$X/src/f7.rs"
# The index read twice (once for the work tree's stat data, once for REF's side) while git add
# and git reset take turns with it: an unstaged edit is changed whichever index each side read.
printf 'fn race() {}\n' >>"$X/src/f6.rs"
(i=0; while [ ! -e "$T/race.stop" ] && [ $i -lt 2000 ]; do git -C "$X" add src/f6.rs 2>/dev/null; git -C "$X" reset -q src/f6.rs 2>/dev/null; i=$((i + 1)); done) &
rpid=$!
miss=0
for i in $(seq 60); do
	(cd "$X" && "$W" --no-cache --changed-since HEAD --files . 2>/dev/null) | grep -q f6.rs || miss=$((miss + 1))
done
touch "$T/race.stop"; wait $rpid; rm -f "$T/race.stop" "$X/.git/index.lock"
check_eq "an unstaged edit while git add and git reset take turns with the index: never missed" 0 "$miss"
git -C "$X" reset -q --hard
finish
