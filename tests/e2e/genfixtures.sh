#!/bin/sh
# End-to-end tests of genfixtures: determinism, counts, git, verify, safety, ground truth.
set -u
. "$(dirname "$0")/lib.sh"
GEN=$B/genfixtures
T=$TMPROOT/gen
rm -rf "$T"; mkdir -p "$T"
echo "genfixtures ($B)"

SMALL="stress-patterns stress-monorepo stress-hostile stress-nested scale:300"

# --- determinism: thread count and umask do not matter, the seed does -----------------------
(umask 077; $GEN -q -j 1 --out "$T/a" $SMALL) || fail "generate a"
(umask 022; $GEN -q -j 2 --out "$T/b" $SMALL) || fail "generate b"
$GEN -q --seed 43 --out "$T/c" stress-patterns scale:300 || fail "generate c"
# directory sizes are the file system's business (they depend on insertion order), so not compared
meta() { (cd "$1" && find . \( -type d -printf '%P|%y|%m|%T@\n' \) -o -printf '%P|%y|%m|%T@|%s|%l\n' | LC_ALL=C sort); }
# -execdir: stress-nested has paths longer than PATH_MAX, which cat and sha256sum cannot open
sums() { (cd "$1" && find . -type f -printf '%P\n' | LC_ALL=C sort && find . -type f -execdir sha256sum {} + | LC_ALL=C sort); }
for f in stress-patterns stress-monorepo stress-hostile stress-nested scale-300; do
	check_eq "$f: same digest for -j1/umask 077 and -j2/umask 022" \
		"$(mf "$T/a/$f.manifest.json" .digest)" "$(mf "$T/b/$f.manifest.json" .digest)"
	check_eq "$f: identical metadata (paths, types, modes, mtimes, sizes, links)" "$(meta "$T/a/$f")" "$(meta "$T/b/$f")"
	check_eq "$f: identical contents" "$(sums "$T/a/$f")" "$(sums "$T/b/$f")"
done
check "stress-patterns: diff -r finds no difference" diff -r "$T/a/stress-patterns" "$T/b/stress-patterns"
for f in stress-patterns scale-300; do
	d1=$(mf "$T/a/$f.manifest.json" .digest); d2=$(mf "$T/c/$f.manifest.json" .digest)
	if [ "$d1" != "$d2" ]; then ok "$f: another seed gives another tree"; else fail "$f: seed ignored"; fi
done

# --- counts in the manifest match find and wc ------------------------------------------------
counts() { # counts DIR -> "files dirs bytes lines links fifos"
	(cd "$1" && printf '%s %s %s %s %s %s' \
		"$(find . -type f -printf . | wc -c)" "$(find . -mindepth 1 -type d -printf . | wc -c)" \
		"$(find . -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')" \
		"$(find . -type f -execdir cat {} + | wc -l)" \
		"$(find . -type l -printf . | wc -c)" "$(find . -type p -printf . | wc -c)")
}
for f in stress-patterns stress-monorepo stress-hostile stress-nested scale-300; do
	m="$T/a/$f.manifest.json"
	want=$(jq -r '.counts | "\(.files) \(.directories) \(.bytes) \(.lines) \(.symlinks) \(.fifos)"' "$m" || echo "no manifest")
	check_eq "$f: manifest counts match find/wc" "$want" "$(counts "$T/a/$f" || echo "no tree")"
done
$GEN -q --out "$T/h" stress-huge-files stress-large-file || fail "generate huge and large"
check_eq "stress-huge-files: find counts 50,002 files" 50002 "$(find "$T/h/stress-huge-files" -type f -printf . | wc -c)"
for f in stress-huge-files stress-large-file; do
	m="$T/h/$f.manifest.json"
	want=$(jq -r '.counts | "\(.files) \(.directories) \(.bytes) \(.lines) \(.symlinks) \(.fifos)"' "$m" || echo "no manifest")
	check_eq "$f: manifest counts match find/wc" "$want" "$(counts "$T/h/$f" || echo "no tree")"
done
check_eq "stress-large-file: the 11 MB file is listed as skipped" "oversize_11mb.rs too large" \
	"$(jq -r '.skipped[] | "\(.file) \(.reason)"' "$T/h/stress-large-file.manifest.json")"
rm -rf "$T/h"
maxlen=$(cd "$T/a/stress-nested" && find . -printf '%P\n' | awk '{ if (length($0) > m) m = length($0) } END { print m }')
if [ "$maxlen" -gt 4096 ]; then ok "stress-nested: longest path $maxlen > PATH_MAX"; else fail "stress-nested too shallow" "$maxlen"; fi

# --- idempotence --------------------------------------------------------------------------------
out=$($GEN --out "$T/a" stress-patterns)
case $out in *"up to date"*) ok "second run is up to date" ;; *) fail "second run rebuilt" "$out" ;; esac
ino1=$(stat -c %i "$T/a/stress-patterns")
$GEN -q --force --out "$T/a" stress-patterns
ino2=$(stat -c %i "$T/a/stress-patterns")
if [ "$ino1" != "$ino2" ]; then ok "--force rebuilds"; else fail "--force did not rebuild"; fi

# --- verify ---------------------------------------------------------------------------------
check "--verify passes on an untouched fixture" $GEN --verify --out "$T/a" stress-patterns stress-monorepo scale:300
victim=$(cd "$T/a/stress-patterns" && find . -type f | LC_ALL=C sort | sed -n 7p)
printf 'X' | dd of="$T/a/stress-patterns/$victim" bs=1 seek=10 conv=notrunc status=none
out=$($GEN --verify --out "$T/a" stress-patterns); rc=$?
check_eq "--verify exits 1 on one flipped byte" 1 "$rc"
case $out in *"${victim#./}"*) ok "--verify names the changed file" ;; *) fail "--verify output" "$out" ;; esac
$GEN -q --force --out "$T/a" stress-patterns

# --- safety: refuse foreign directories, never leave a partial tree --------------------------
mkdir -p "$T/foreign/stress-patterns" && echo precious >"$T/foreign/stress-patterns/notes.txt"
before=$(meta "$T/foreign")
$GEN -q --out "$T/foreign" stress-patterns 2>"$T/err"; rc=$?
check_eq "refuses to replace a directory it did not make (exit 2)" 2 "$rc"
check_eq "the foreign directory is unchanged" "$before" "$(meta "$T/foreign")"
grep -q "not made by genfixtures" "$T/err" && ok "refusal says why" || fail "refusal message" "$(cat "$T/err")"
for i in 1 2 3 4 5; do
	$GEN -q --out "$T/k" scale:20000 & pid=$!
	sleep "0.$((i * 15))"
	kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
	if [ -d "$T/k/scale-20000" ]; then
		$GEN -q --verify --out "$T/k" scale:20000 >/dev/null || fail "kill -9 run $i left a tree that does not verify"
	fi
done
ok "kill -9 mid-run never leaves a partial tree under the real name"
check "a run after kill -9 completes and verifies" sh -c "$GEN -q --out '$T/k' scale:20000 && $GEN -q --verify --out '$T/k' scale:20000"
left=$(find "$T/k" -maxdepth 1 -name '.scale-20000.*' | wc -l)
check_eq "stale temporary trees are cleaned up" 0 "$left"

# --- errors ---------------------------------------------------------------------------------
$GEN --out "$T/e" no-such-fixture 2>"$T/err"; check_eq "unknown fixture: exit 2" 2 $?
[ ! -e "$T/e" ] && ok "unknown fixture: nothing written" || fail "unknown fixture wrote something"
$GEN --seed banana --out "$T/e" 2>"$T/err"; check_eq "bad seed: exit 2" 2 $?
grep -q "invalid seed 'banana'" "$T/err" && ok "bad seed: message names it" || fail "bad seed message" "$(cat "$T/err")"
$GEN --out "$T/e" scale:0 2>/dev/null; check_eq "scale:0 rejected" 2 $?
check "--help shows usage" sh -c "$GEN --help | grep -q 'usage: genfixtures'"
check "--list shows every fixture" sh -c "$GEN --list | grep -c . | grep -qx 7"

# --- git ------------------------------------------------------------------------------------
$GEN -q --git --out "$T/g1" stress-monorepo stress-patterns || fail "git generation 1"
$GEN -q --git -j 1 --out "$T/g2" stress-monorepo stress-patterns || fail "git generation 2"
for f in stress-monorepo stress-patterns; do
	c1=$(git -C "$T/g1/$f" rev-parse HEAD); c2=$(git -C "$T/g2/$f" rev-parse HEAD)
	check_eq "$f --git: same commit id twice" "$c1" "$c2"
	check_eq "$f --git: manifest records the commit" "$c1" "$(mf "$T/g1/$f.manifest.json" .git_commits.head)"
	check_eq "$f --git: git status is clean" "" "$(git -C "$T/g1/$f" status --porcelain)"
	want=$(jq -r '.git_commits | (.modified + .added + .deleted + [.renamed[] | .from, .to])[]' "$T/g1/$f.manifest.json" | LC_ALL=C sort)
	got=$(git -C "$T/g1/$f" diff --no-renames --name-only HEAD~1 HEAD | LC_ALL=C sort)
	check_eq "$f --git: second commit changes exactly the manifest's files" "$want" "$got"
done
m=$T/g1/stress-monorepo.manifest.json
want=$(jq -r '.ignored[]' "$m" | LC_ALL=C sort)
got=$(cd "$T/g1/stress-monorepo" && find . -type f -not -path './.git/*' -printf '%P\n' | git check-ignore --stdin | LC_ALL=C sort)
check_eq "stress-monorepo: git check-ignore agrees with the manifest's ignored list" "$want" "$got"
check_eq "stress-monorepo: ignored_files count" "$(echo "$want" | wc -l)" "$(mf "$m" .counts.ignored_files)"

# --- ground truth against an independent count (grep -P) -----------------------------------
# pattern|file-name regex|PCRE: written from docs/fixtures.md, independent of the generator
RULES='unsafe~\.rs$~unsafe\s*\{
unwrap~\.rs$~\.unwrap\(\)
expect~\.rs$~\.expect\(
transmute~\.rs$~mem::transmute
allow~\.rs$~#\[allow\(
unsafe_pointer~\.go$~unsafe\.Pointer
linkname~\.go$~//go:linkname
nolint~\.go$~//nolint
gets~\.(c|cc)$~\bgets\s*\(
pragma_ignored~\.(c|cc)$~#pragma\s+GCC\s+diagnostic\s+ignored
const_cast~\.(c|cc)$~const_cast<
ts_ignore~\.(ts|js)$~@ts-ignore
ts_nocheck~\.(ts|js)$~@ts-nocheck
as_unknown~\.(ts|js)$~as unknown
eslint_disable~\.(ts|js)$~eslint-disable
type_ignore~\.py$~#\s*type:\s*ignore
noqa~\.py$~#\s*noqa
eval~\.py$~\beval\(
exec~\.py$~\bexec\(
binding_pry~\.rb$~binding\.pry
ruby_eval~\.rb$~\beval\b
rubocop_disable~\.rb$~rubocop:disable
shellcheck_disable~\.sh$~# shellcheck disable=
set_plus_e~\.sh$~set \+e
shell_eval~\.sh$~\beval '
for f in stress-patterns stress-monorepo; do
	dir=$T/a/$f; m=$T/a/$f.manifest.json
	bad=""
	printf '%s\n' "$RULES" | while IFS='~' read -r name fre re; do
		want=$(jq --arg p "$name" '[.matches[] | select(.pattern == $p)] | length' "$m")
		files=$(jq -r '.ignored[]' "$m" | sed 's|^|./|' >"$T/ign"; cd "$dir" && find . -type f | grep -E "$fre" | grep -vxF -f "$T/ign" | grep -v '/\.')
		got=0
		[ -n "$files" ] && got=$(cd "$dir" && printf '%s\n' "$files" | tr '\n' '\0' | xargs -0 grep -oP -- "$re" | wc -l)
		[ "$want" = "$got" ] || echo "$name: manifest $want, grep -P $got"
	done >"$T/gt.$f"
	if [ -s "$T/gt.$f" ]; then fail "$f: planted matches agree with grep -P" "$(cat "$T/gt.$f")"; else ok "$f: planted matches agree with grep -P, pattern by pattern"; fi
done
n=$(jq '.matches | length' "$T/a/stress-patterns.manifest.json")
[ "$n" -gt 1000 ] && ok "stress-patterns plants $n matches" || fail "too few planted matches" "$n"
for o in violation allowed test; do
	c=$(jq --arg o $o '[.matches[] | select(.outcome == $o)] | length' "$T/a/stress-patterns.manifest.json")
	[ "$c" -gt 50 ] && ok "stress-patterns has $c '$o' outcomes" || fail "too few $o outcomes" "$c"
done

# --- --seed: decimal or 0x-hex only ------------------------------------------------------------
S=$T/seeds; mkdir -p "$S"
$GEN -q --seed 010 --out "$S/a" stress-patterns && $GEN -q --seed 10 --out "$S/b" stress-patterns &&
	$GEN -q --seed 0xa --out "$S/c" stress-patterns && $GEN -q --seed 8 --out "$S/d" stress-patterns ||
	fail "generate with --seed 010, 10, 0xa and 8"
d=$(mf "$S/a/stress-patterns.manifest.json" .digest)
check_eq "--seed 010 is decimal ten (as 10 and 0xa), not octal eight" "1 1 0" \
	"$([ "$d" = "$(mf "$S/b/stress-patterns.manifest.json" .digest)" ] && echo 1 || echo 0) $([ "$d" = "$(mf "$S/c/stress-patterns.manifest.json" .digest)" ] && echo 1 || echo 0) $([ "$d" = "$(mf "$S/d/stress-patterns.manifest.json" .digest)" ] && echo 1 || echo 0)"
bad=""
for v in ' -1' '-1' '+5' ' 5' '5 ' '0x' '12a' '' '18446744073709551616'; do
	$GEN -q --seed "$v" --out "$S/bad" stress-patterns >/dev/null 2>&1
	[ $? = 2 ] || bad="$bad [$v]"
done
check_eq "--seed with a sign, a space, a bad digit or over 2^64-1: exit 2" "" "$bad"
check_eq "...and nothing was written" 0 "$(ls -A "$S/bad" 2>/dev/null | wc -l)"

# --- two runs into one --out ---------------------------------------------------------------------
# the second must neither delete the first's live temporary nor fail: it waits, then finds the
# fixture up to date
O=$T/shared
rm -rf "$O"
$GEN -q --out "$O" stress-monorepo >"$T/run1" 2>&1 &
p1=$!
sleep 0.2
$GEN --out "$O" stress-monorepo >"$T/run2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "two genfixtures into the same --out at once: both succeed, the tree verifies, no temporary left" \
	"0 0 0 0" "$r1 $r2 $($GEN -q --verify --out "$O" stress-monorepo >/dev/null 2>&1; echo $?) $(ls -A "$O" | grep -c -e tmp -e old)"
# a temporary of a live process is never removed; one of a dead process is
sleep 60 &
live=$!
mkdir -p "$O/.stress-patterns.tmp-$live" "$O/.stress-patterns.tmp-2147483646"
$GEN -q --out "$O" stress-patterns || fail "generate stress-patterns beside the temporaries"
check_eq "a live process's temporary is kept, a dead one's removed" "1 0" \
	"$([ -d "$O/.stress-patterns.tmp-$live" ] && echo 1 || echo 0) $([ -d "$O/.stress-patterns.tmp-2147483646" ] && echo 1 || echo 0)"
kill $live 2>/dev/null; wait $live 2>/dev/null
rm -rf "$O/.stress-patterns.tmp-$live"

# --- cleaning stale temporaries never follows a symlink -------------------------------------------
# in a shared sticky --out, another user plants '.scale-3.tmp-PID -> victim': unlinking it fails
# (EPERM), and the fchmodat(0700) that came next followed the link and changed the victim's mode
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && G=$(unpriv_copy "$GEN"); then
	X=$UNPRIV_DIR/shared
	mkdir -m 1777 "$X"
	echo precious >"$UNPRIV_DIR/victim"; chmod 644 "$UNPRIV_DIR/victim"; chown 65534 "$UNPRIV_DIR/victim"
	ln -s "$UNPRIV_DIR/victim" "$X/.scale-3.tmp-2147483646"
	ln -s "$UNPRIV_DIR" "$X/.scale-3.old-2147483646"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$G" -q --out "$X" scale:3 >/dev/null 2>&1; rc=$?
	check_eq "a planted link named like a stale temporary: not followed, the victim's mode and content kept" \
		"0 644 precious 755" "$rc $(stat -c %a "$UNPRIV_DIR/victim") $(cat "$UNPRIV_DIR/victim") $(stat -c %a "$UNPRIV_DIR")"
else
	echo "  skip a planted link named like a stale temporary: needs root and setpriv (an unprivileged user and a sticky directory)"
fi

# --- output that cannot be written is an error --------------------------------------------------
if [ -w /dev/full ]; then
	for what in --list --help; do
		err=$($GEN $what 2>&1 >/dev/full); rc=$?
		check_eq "genfixtures $what >/dev/full: exit 2 and 'unable to write'" "2 1" "$rc $(printf '%s' "$err" | grep -c 'unable to write')"
	done
fi

rm -rf "$T"
finish
