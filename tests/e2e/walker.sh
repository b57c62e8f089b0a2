#!/bin/sh
# End-to-end tests of walker: ground truth of every fixture in every mode, git's file list, ripgrep's
# counts, hostile trees, config errors, exit statuses.
set -u
. "$(dirname "$0")/lib.sh"
W=$B/walker
GEN=$B/genfixtures
T=$TMPROOT/walk
rm -rf "$T"; mkdir -p "$T"
echo "walker ($B)"
FIXTURES="stress-patterns stress-monorepo stress-large-file stress-hostile stress-nested scale:300"
$GEN -q --out "$T" $FIXTURES || fail "generate fixtures"
$GEN -q --git --out "$T/git" stress-monorepo || fail "generate the --git monorepo"

# manifest ground truth and walker JSON as sorted "file line column pattern outcome" lines
want() { jq -r '.matches[] | [.file, .line, .column, .pattern, .outcome] | @tsv' "$1" | LC_ALL=C sort; }
got() {
	jq -r '(.violations[] | [.file, .line, .column, .pattern, "violation"]),
	       (.allowed[] | [.file, .line, .column, .pattern, "allowed"]),
	       (.test[] | [.file, .line, .column, .pattern, "test"]),
	       (.counted[] | [.file, .line, .column, .pattern, "counted"]) | @tsv' | LC_ALL=C sort
}
for f in stress-patterns stress-monorepo stress-large-file stress-hostile stress-nested scale-300; do
	w=$(want "$T/$f.manifest.json")
	for mode in "--mode sequential" "--mode parallel -j 2" "--mode parallel -j 7" "--mode auto --spawn-threshold 1 --spawn-delay 0 -j 3" ""; do
		g=$(cd "$T/$f" && "$OLDPWD/$W" --format json $mode . 2>/dev/null | got)
		check_eq "$f ${mode:---mode auto}: every planted match, right outcome, nothing else" "$w" "$g"
	done
done
check_eq "stress-large-file: the 11 MB file is skipped as too large" "stress-large-file/oversize_11mb.rs too large" \
	"$(cd "$T" && "$OLDPWD/$W" --format json stress-large-file | jq -r '.skipped[] | "\(.file) \(.reason)"')"
g=$(cd "$T/git/stress-monorepo" && "$OLDPWD/$W" --format json . | got)
check_eq "stress-monorepo --git: ground truth from inside the repository" "$(want "$T/git/stress-monorepo.manifest.json")" "$g"

# --- the walked set is git's own list ---------------------------------------------------------
R=$T/git/stress-monorepo
check_eq "stress-monorepo: walked files == git ls-files -co --exclude-standard" \
	"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R" && "$OLDPWD/$W" --files --hidden . | LC_ALL=C sort)"
# tracked files are never ignored, even inside an ignored directory; a subdirectory walk sees the
# ignore files above it
ign=$(jq -r '.ignored[0]' "$T/git/stress-monorepo.manifest.json")
(cd "$R" && git add -f "$ign" && printf 'x\n' >>.git/info/exclude) || fail "force-add an ignored file"
check_eq "a force-added ignored file is walked, as git lists it" \
	"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R" && "$OLDPWD/$W" --files --hidden . | LC_ALL=C sort)"
sub=crates/auth
check_eq "from a subdirectory: the same files as git" \
	"$(cd "$R/$sub" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R/$sub" && "$OLDPWD/$W" --files --hidden . | LC_ALL=C sort)"
printf 'zz-ceiling.rs\n' >>"$R/.git/info/exclude"; : >"$R/$sub/zz-ceiling.rs"
check_eq ".git/info/exclude applies inside the repository" "" "$(cd "$R/$sub" && "$OLDPWD/$W" --files . | grep zz-ceiling)"
check_eq "GIT_CEILING_DIRECTORIES stops the search for the repository (and so its exclude file)" "zz-ceiling.rs" \
	"$(cd "$R/$sub" && GIT_CEILING_DIRECTORIES=$R/crates "$OLDPWD/$W" --files . | grep zz-ceiling)"
rm -f "$R/$sub/zz-ceiling.rs"
# the index is read without libgit2, in each of its versions (4 compresses paths)
for v in 2 3 4; do
	git -C "$R" update-index --index-version $v
	check_eq "index $v: walked files == git ls-files -co --exclude-standard" \
		"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
		"$(cd "$R" && "$OLDPWD/$W" --files --hidden . | LC_ALL=C sort)"
done
git -C "$R" update-index --index-version 2
# core.ignoreCase: "false" (as libgit2 and git init write it) keeps the fast path; "true" makes
# *.log match BUILD.LOG, as git does
mkdir -p "$R/CaseDir"; : >"$R/CaseDir/BUILD.LOG"; : >"$R/CaseDir/Main.rs"
for v in false true; do
	git -C "$R" config core.ignorecase $v
	check_eq "core.ignoreCase $v: walked files == git ls-files -co --exclude-standard" \
		"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
		"$(cd "$R" && "$OLDPWD/$W" --files --hidden . | LC_ALL=C sort)"
done
git -C "$R" config core.ignorecase false
rm -rf "$R/CaseDir"

# --- per-pattern counts agree with ripgrep -----------------------------------------------------
if command -v rg >/dev/null 2>&1; then
	for f in stress-patterns stress-monorepo; do
		bad=""
		for re in $("$W" --list-patterns | cut -f3 | tr '\n' ' '); do
			a=$(cd "$T" && rg -P --count-matches --no-require-git --max-filesize 10M -e "$re" "$f" | LC_ALL=C sort)
			b=$(cd "$T" && "$OLDPWD/$W" --no-defaults -e "p=$re" --format json "$f" |
				jq -r '[.counted[], .test[]] | group_by(.file)[] | "\(.[0].file):\(length)"' | LC_ALL=C sort)
			[ "$a" = "$b" ] || bad="$bad $re"
		done
		check_eq "$f: every default regex counts per file exactly as rg -P --count-matches" "" "$bad"
	done
	a=$(cd "$T" && rg -P -c --count-matches --no-require-git --max-filesize 10M 'unsafe\s*\{' stress-large-file | LC_ALL=C sort)
	b=$(cd "$T" && "$OLDPWD/$W" --no-defaults -e 'u=unsafe\s*\{' --format json stress-large-file |
		jq -r '[.counted[], .test[]] | group_by(.file)[] | "\(.[0].file):\(length)"' | LC_ALL=C sort)
	check_eq "stress-large-file (mapped files): counts as rg" "$a" "$b"
else
	fail "ripgrep is not installed (make deps-test installs it)"
fi

# --- hostile trees -----------------------------------------------------------------------------
H=$T/stress-hostile
out=$(cd "$T" && timeout 60 "$OLDPWD/$W" --format json stress-hostile 2>/dev/null); rc=$?
check_eq "stress-hostile: exit 1 (violations), no crash" 1 $rc
check_eq "stress-hostile: binary file and FIFO are skipped with their reason" \
	"stress-hostile/binary.rs binary|stress-hostile/fifo fifo" \
	"$(printf '%s' "$out" | jq -r '[.skipped[] | "\(.file) \(.reason)"] | join("|")')"
check_eq "stress-hostile: no path leaves the tree through a link" 0 \
	"$(printf '%s' "$out" | jq -r '.. | .file? // empty' | grep -c -e outside -e loop -e etc/)"
n=$(printf '%s' "$out" | grep -c -F 'stress-hostile/bad-\udcff\udcfe-utf8.rs')
check "stress-hostile: invalid UTF-8 names come out as \\udcXX in JSON" test "$n" -gt 0
txt=$(cd "$T" && "$OLDPWD/$W" --all stress-hostile 2>/dev/null)
check "text output quotes a name with a newline" sh -c "printf '%s' '$(printf '%s' "$txt" | grep -c '^"stress-hostile/new\\nline.rs":')' | grep -qv '^0$'"
err=$(cd "$T" && timeout 60 "$OLDPWD/$W" -L stress-hostile 2>&1 >/dev/null); rc=$?
check_eq "--follow: finishes (loops detected), exit 1" 1 $rc
check "--follow: the loop is reported" sh -c "printf '%s' '$err' | grep -q 'loop-self: symlink loop'"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1; then
	chmod o+rx "$TMPROOT" "$T"
	out=$(cd "$T" && setpriv --reuid=65534 --regid=65534 --clear-groups "$OLDPWD/$W" --format json stress-hostile 2>/dev/null)
	check_eq "unprivileged: the mode-000 file and directory are reported unreadable with the reason" \
		"stress-hostile/locked unable to open directory: Permission denied|stress-hostile/secret.rs unable to open: Permission denied" \
		"$(printf '%s' "$out" | jq -r '[.unreadable[] | "\(.file) \(.reason)"] | join("|")')"
fi
out=$(cd "$T" && ulimit -n 24 && "$OLDPWD/$W" -j 4 --format json stress-nested 2>&1 | jq '.violations | length')
check_eq "stress-nested: 180 levels deep with only 24 descriptors" "$(jq '[.matches[] | select(.outcome == "violation")] | length' "$T/stress-nested.manifest.json")" "$out"
check_eq "--max-depth 0 reads only the root's files" "" "$(cd "$T" && "$OLDPWD/$W" --files --max-depth 0 stress-nested)"

# --- config files, errors, exit statuses --------------------------------------------------------
C=$T/conf; mkdir -p "$C/src"; git init -q "$C"
printf 'fn main() { let v = x.unwrap(); }\n// TODO one\n' >"$C/src/a.rs"
printf '# no unwrap check here\n[pattern unwrap]\ndisable = true\n\n[pattern todo]\nregex = \\bTODO\\b\naction = count\nthreshold = 0\nlangs = rust\nadvice = file an issue\n' >"$C/.walker.conf"
out=$(cd "$C" && "$OLDPWD/$W" --format json src); rc=$?
check_eq "config found upward from PATH: unwrap disabled, todo counted" "1 0 1" \
	"$rc $(printf '%s' "$out" | jq '.counts.source.unwrap // 0') $(printf '%s' "$out" | jq '.threshold_violations[0].count')"
printf '[pattern bad]\nregex = a(b\naction = forbid\nlangs = all\n' >"$C/bad.conf"
err=$("$W" --config "$C/bad.conf" "$C" 2>&1); rc=$?
check_eq "bad regex: exit 2, FILE:LINE and the PCRE2 offset" "2 walker: $C/bad.conf:2: pattern 'bad': regex error at offset 3: missing closing parenthesis" "$rc $err"
printf '[pattern x]\nregex = a\naction = maybe\n' >"$C/bad2.conf"
err=$("$W" --config "$C/bad2.conf" "$C" 2>&1); rc=$?
check_eq "unknown action: exit 2 with the line" "2 walker: $C/bad2.conf:3: unknown action 'maybe': use count, comment or forbid" "$rc $err"
printf '[pattern x]\ncolour = red\n' >"$C/bad3.conf"
err=$("$W" --config "$C/bad3.conf" "$C" 2>&1); rc=$?
check "unknown key: exit 2 naming the key" sh -c "[ $rc = 2 ] && printf '%s' \"$err\" | grep -q \"bad3.conf:2: unknown key 'colour'\""
"$W" "$T/does-not-exist" >/dev/null 2>&1; check_eq "a missing PATH: exit 2" 2 $?
"$W" --no-defaults -e 'x=zzz_never' "$C" >/dev/null 2>&1; check_eq "no violation: exit 0" 0 $?
"$W" --bogus >/dev/null 2>&1; check_eq "unknown option: exit 2" 2 $?
check_eq "-e counts like rg -c on one file" "$(rg -P --count-matches 'unwrap' "$C/src/a.rs" 2>/dev/null || echo 1)" \
	"$("$W" --no-defaults -e u=unwrap --format json "$C/src/a.rs" | jq '.counted | length')"
finish
