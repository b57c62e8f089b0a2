#!/bin/sh
# End-to-end tests of walker: ground truth of every fixture in every mode, git's file list, ripgrep's
# counts, hostile trees, config errors, exit statuses.
set -u
. "$(dirname "$0")/lib.sh"
# absolute: the tests cd into trees, and B may be relative or absolute
W=$(cd "$(dirname "$B/walker")" && pwd)/walker
GEN=$B/genfixtures
T=$TMPROOT/walk
rm -rf "$T"; mkdir -p "$T"
echo "walker ($B)"
FIXTURES="stress-patterns stress-monorepo stress-large-file stress-hostile stress-nested scale:300"
$GEN -q --out "$T" $FIXTURES || fail "generate fixtures"
$GEN -q --git --out "$T/git" stress-monorepo || fail "generate the --git monorepo"

# manifest ground truth and walker JSON as sorted "file line column pattern outcome" lines: every
# planted match with its outcome, nothing else, in every mode
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
		g=$(cd "$T/$f" && "$W" --format json $mode . 2>/dev/null | got)
		check_eq "$f ${mode:---mode auto}: every planted match, right outcome, nothing else" "$w" "$g"
	done
done
check_eq "stress-large-file: the 11 MB file is skipped as too large" "stress-large-file/oversize_11mb.rs too large" \
	"$(cd "$T" && "$W" --format json stress-large-file | jq -r '.skipped[] | "\(.file) \(.reason)"')"
g=$(cd "$T/git/stress-monorepo" && "$W" --format json . | got)
check_eq "stress-monorepo --git: ground truth from inside the repository" "$(want "$T/git/stress-monorepo.manifest.json")" "$g"

# --- a big file read in parts by several threads (scan.c) equals one read whole ------------------
# 9 MB files (four parts with -j 4) in five languages, with comments, strings, regexes, test modules
# and here-documents, and a comment (C) and a string (Python) that cuts fall inside (the lexer's
# parts are then not joined: the file is lexed again whole)
BP=$T/big-parts
mkdir -p "$BP"
for ext in rs c js py sh; do
	awk -v ext=$ext 'BEGIN { n = 0; size = 0
		while (size < 9 * 1048576) {
			k = n % 97
			inside = (ext == "c" && size >= 4.4 * 1048576 && size < 4.8 * 1048576) || (ext == "py" && size >= 2.9 * 1048576 && size < 3.2 * 1048576)
			if (k > 4 || inside) l = "    x = compute(" n ") + other(" n "); " (ext == "py" || ext == "sh" ? "#" : "//") " filler"
			else if (ext == "rs") l = k == 0 ? "/* a block\n comment over\n lines with unsafe { */" : k == 1 ? "#[cfg(test)]\nmod t" n " {\n    fn f() { x.unwrap(); }\n}" : k == 2 ? "let s = r#\"unsafe {\n\"#; // SAFETY: no" : "    let p = unsafe { *q.add(" n ") }; let v = a.unwrap(); // c"
			else if (ext == "c") l = k == 0 ? "/* long\n comment */ gets(b);" : k == 1 ? "// continued \\\n gets(b);" : "    strcpy(d, \"s /* \"); gets(b); /* c */"
			else if (ext == "js") l = k == 0 ? "x = a /* c */\n/ 2 / eval(y);" : k == 1 ? "t = `a ${\n eval(b) } c`;" : "r = /eval\\(/.test(s); // @ts-ignore eval(x)"
			else if (ext == "py") l = k == 0 ? "s = \"\"\"\n eval(x) # type: ignore\n\"\"\"" : "y = eval(z)  # type: ignore  # noqa"
			else l = k == 0 ? "cat <<EOF\neval $x # no\nEOF" : "eval \"$y\" # shellcheck disable=SC2086"
			# a long comment (C) and string (Python) where the cuts of two, three and four parts fall
			if (ext == "c" && size < 4.4 * 1048576 && size + length(l) + 1 >= 4.4 * 1048576) l = l "\n/* open"
			if (ext == "c" && size < 4.8 * 1048576 && size + length(l) + 1 >= 4.8 * 1048576) l = l " */"
			if (ext == "py" && size < 2.9 * 1048576 && size + length(l) + 1 >= 2.9 * 1048576) l = l "\nq = \"\"\""
			if (ext == "py" && size < 3.2 * 1048576 && size + length(l) + 1 >= 3.2 * 1048576) l = l "\"\"\""
			print l; size += length(l) + 1; n++ } }' >"$BP/big.$ext"
done
"$W" --no-cache --mode sequential --format json --all "$BP" | jq -S 'del(.stats)' >"$T/whole.json"
# under TSan one cut of each file (three parts) keeps the threads in view: the four runs of these
# files made that pass 247 s instead of 51, and make check must stay within 25 minutes
jobs="2 3 4"; case $B in */tsan) jobs=3 ;; esac
for j in $jobs; do
	"$W" --no-cache --mode parallel -j $j --format json --all "$BP" | jq -S 'del(.stats)' >"$T/parts.json"
	check "9 MB files read in parts (-j $j) report what one read whole does" cmp "$T/whole.json" "$T/parts.json"
done
# mapped (1M) or read into memory (1G; huge pages where the kernel lends them): the same report.
# Not under TSan: no thread does anything new here, and the two runs took 100 s of that pass
mm="1M 1G"; case $B in */tsan) mm="" ;; esac
for m in $mm; do
	"$W" --no-cache --mmap-min $m --format json --all "$BP" | jq -S 'del(.stats)' >"$T/parts.json"
	check "9 MB files with --mmap-min $m report what the default does" cmp "$T/whole.json" "$T/parts.json"
done
check "the 9 MB files have matches of every outcome to compare" \
	test "$(jq '[.violations, .allowed, .test, .counted] | map(length > 0) | all' "$T/whole.json")" = true
rm -rf "$BP" "$T/whole.json" "$T/parts.json"

# --- docs/patterns.md's table of built-in patterns is the walker's own ---------------------------
check_eq "docs/patterns.md lists exactly the built-in patterns (tools/patterns-table.sh)" \
	"$(sh tools/patterns-table.sh "$W")" \
	"$(awk '/^[|] lang [|] name [|]/ { t = 1 } t && /^[|]/ { print; next } t { exit }' docs/patterns.md)"

# --- the walked set is git's own list ---------------------------------------------------------
R=$T/git/stress-monorepo
check_eq "stress-monorepo: walked files == git ls-files -co --exclude-standard" \
	"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R" && "$W" --files --hidden . | LC_ALL=C sort)"
# tracked files are never ignored, even inside an ignored directory; a subdirectory walk sees the
# ignore files above it
ign=$(jq -r '.ignored[0]' "$T/git/stress-monorepo.manifest.json")
(cd "$R" && git add -f "$ign" && printf 'x\n' >>.git/info/exclude) || fail "force-add an ignored file"
check_eq "a force-added ignored file is walked, as git lists it" \
	"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R" && "$W" --files --hidden . | LC_ALL=C sort)"
sub=crates/auth
check_eq "from a subdirectory: the same files as git" \
	"$(cd "$R/$sub" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
	"$(cd "$R/$sub" && "$W" --files --hidden . | LC_ALL=C sort)"
printf 'zz-ceiling.rs\n' >>"$R/.git/info/exclude"; : >"$R/$sub/zz-ceiling.rs"
check_eq ".git/info/exclude applies inside the repository" "" "$(cd "$R/$sub" && "$W" --files . | grep zz-ceiling)"
check_eq "GIT_CEILING_DIRECTORIES stops the search for the repository (and so its exclude file)" "zz-ceiling.rs" \
	"$(cd "$R/$sub" && GIT_CEILING_DIRECTORIES=$R/crates "$W" --files . | grep zz-ceiling)"
rm -f "$R/$sub/zz-ceiling.rs"
gitfiles() { (cd "$1" && git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && echo "$f"; done | LC_ALL=C sort); }
wfiles() { (cd "$1" && timeout 20 "$W" --no-cache --files --hidden . | LC_ALL=C sort); }
# the index is read without libgit2, in each of its versions (4 compresses paths)
for v in 2 3 4; do
	git -C "$R" update-index --index-version $v
	check_eq "index $v: walked files == git ls-files -co --exclude-standard" \
		"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
		"$(cd "$R" && "$W" --files --hidden . | LC_ALL=C sort)"
done
git -C "$R" update-index --index-version 2
# a SHA-256 repository: its index entries hold 32-byte ids (flags, extended flags and paths lie
# after them), and its checksum is 32 bytes
X=$T/sha256
if rm -rf "$X" && git init -q --object-format=sha256 "$X" 2>/dev/null; then
	mkdir -p "$X/src" "$X/out" && printf 'out/\n' >"$X/.gitignore" &&
		printf 'fn f() { x.unwrap(); }\n' >"$X/src/a.rs" && cp "$X/src/a.rs" "$X/out/kept.rs" &&
		git -C "$X" add -f . && git -C "$X" update-index --index-version 3 &&
		git -C "$X" update-index --skip-worktree src/a.rs && : >"$X/out/not-kept.rs"
	for v in 3 4; do
		git -C "$X" update-index --index-version $v
		check_eq "a SHA-256 repository, index $v: walked files == git's (a tracked file in an ignored directory)" \
			"$(gitfiles "$X")" "$(wfiles "$X")"
	done
else
	echo "  skip SHA-256 repository: git init --object-format=sha256 is not supported here"
fi
# an index the walker cannot read must never mean "nothing tracked" (the force-added file under an
# ignored directory silently gone, PASS): split and sparse indexes are read as git reads them; a
# truncated one, a wrong entry count, a missing shared index or a FIFO end the run with exit 2
X=$T/index-split; rm -rf "$X"; cp -a "$R" "$X"
git -C "$X" update-index --split-index && printf 'fn new() {}\n' >"$X/split-new.rs" && git -C "$X" add split-new.rs &&
	git -C "$X" rm -q --cached "$(git -C "$X" ls-files | grep '\.rs$' | head -n 1)"
check_eq "a split index: walked files == git's (with the force-added ignored file)" "$(gitfiles "$X") 1" \
	"$(wfiles "$X") $(ls "$X/.git" | grep -c '^sharedindex\.' | sed 's/^[1-9][0-9]*$/1/')"
rm -f "$X"/.git/sharedindex.*
(cd "$X" && timeout 20 "$W" --no-cache --files . >/dev/null 2>"$T/err"); rc=$?
check_eq "a split index without its shared index: exit 2 naming it (git fails too)" "2 1 1" \
	"$rc $(grep -c 'sharedindex' "$T/err") $(git -C "$X" status >/dev/null 2>&1 || echo 1)"
X=$T/index-sparse; rm -rf "$X"; cp -a "$R" "$X"
git -C "$X" sparse-checkout set --cone --sparse-index crates/auth "$(dirname "$ign")" >/dev/null 2>&1
check_eq "a sparse index: walked files == git's (those in the work tree)" "$(gitfiles "$X")" "$(wfiles "$X")"
for damage in truncated count+1 count-1 fifo; do
	X=$T/index-$damage; rm -rf "$X"; cp -a "$R" "$X"
	sz=$(stat -c %s "$X/.git/index"); n=$(od -An -tu1 -j8 -N4 "$X/.git/index" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	case $damage in
	truncated) truncate -s $((sz / 2)) "$X/.git/index" ;;
	count+1) printf "$(printf '\\%03o\\%03o' $(((n + 1) / 256 % 256)) $(((n + 1) % 256)))" |
		dd of="$X/.git/index" bs=1 seek=10 conv=notrunc status=none ;;
	count-1) printf "$(printf '\\%03o\\%03o' $(((n - 1) / 256 % 256)) $(((n - 1) % 256)))" |
		dd of="$X/.git/index" bs=1 seek=10 conv=notrunc status=none ;;
	fifo) rm "$X/.git/index"; mkfifo "$X/.git/index" ;;
	esac
	(cd "$X" && timeout 20 "$W" --no-cache --files . >/dev/null 2>"$T/err"); rc=$?
	check_eq "an index $damage: exit 2 at once with one line, never 'nothing tracked'" "2 1" "$rc $(grep -c 'git index' "$T/err")"
done
X=$T/index-fifo-config; rm -rf "$X"; cp -a "$R" "$X"; rm "$X/.git/config"; mkfifo "$X/.git/config"
(cd "$X" && timeout 20 "$W" --no-cache --changed-since HEAD --files . >/dev/null 2>"$T/err"); rc=$?
check_eq "--changed-since with a FIFO as .git/config: exit 2, no hang" "2 1" "$rc $(grep -c 'not a regular file' "$T/err")"
# .gitignore files as git reads them: a symlinked one is not followed (git: "unable to access
# '.gitignore': Too many levels of symbolic links"), one over 4 MiB is applied (git's limit is
# 100 MiB), in the walked directories and above the walk root alike
I=$T/ignore-files; mkdir -p "$I/sub/deep"; git init -q "$I"
printf '*.log\n' >"$T/outside-ignore"
ln -s "$T/outside-ignore" "$I/.gitignore"; ln -s "$T/outside-ignore" "$I/sub/.gitignore"
: >"$I/a.log"; : >"$I/sub/b.log"; : >"$I/sub/deep/c.log"; : >"$I/sub/deep/keep.rs"
gitls() { (cd "$1" && git ls-files -co --exclude-standard 2>/dev/null | while read -r f; do [ -L "$f" ] || echo "$f"; done | LC_ALL=C sort); }
check_eq "a symlinked .gitignore is not followed, as git" "$(gitls "$I")" \
	"$(cd "$I" && "$W" --files --hidden . | LC_ALL=C sort)"
check_eq "a symlinked .gitignore above the walk root is not followed either" "$(gitls "$I/sub/deep")" \
	"$(cd "$I/sub/deep" && "$W" --files --hidden . | LC_ALL=C sort)"
rm "$I/.gitignore" "$I/sub/.gitignore"
{ printf '*.log\n'; head -c 5000000 /dev/zero | tr '\0' '#'; printf '\n*.rs\n'; } >"$I/sub/.gitignore"
check_eq "a 5 MB .gitignore is applied, as git" "$(gitls "$I")" \
	"$(cd "$I" && "$W" --files --hidden . | LC_ALL=C sort)"
check_eq "a 5 MB .gitignore above the walk root is applied" "$(gitls "$I/sub/deep")" \
	"$(cd "$I/sub/deep" && "$W" --files --hidden . | LC_ALL=C sort)"
# core.ignoreCase: "false" (as libgit2 and git init write it) keeps the fast path; "true" makes
# *.log match BUILD.LOG, as git does
mkdir -p "$R/CaseDir"; : >"$R/CaseDir/BUILD.LOG"; : >"$R/CaseDir/Main.rs"
for v in false true; do
	git -C "$R" config core.ignorecase $v
	check_eq "core.ignoreCase $v: walked files == git ls-files -co --exclude-standard" \
		"$(cd "$R" && git ls-files -co --exclude-standard | LC_ALL=C sort)" \
		"$(cd "$R" && "$W" --files --hidden . | LC_ALL=C sort)"
done
git -C "$R" config core.ignorecase false
rm -rf "$R/CaseDir"

# --- per-pattern counts agree with ripgrep -----------------------------------------------------
if command -v rg >/dev/null 2>&1; then
	"$W" --list-patterns | cut -f3 >"$T/regexes" # one a line: a regex may hold a space
	for f in stress-patterns stress-monorepo; do
		bad=""
		while IFS= read -r re; do
			a=$(cd "$T" && rg -P --count-matches --no-require-git --max-filesize 10M -e "$re" "$f" | LC_ALL=C sort)
			b=$(cd "$T" && "$W" --no-defaults -e "p=$re" --format json "$f" |
				jq -r '[.counted[], .test[]] | group_by(.file)[] | "\(.[0].file):\(length)"' | LC_ALL=C sort)
			[ -n "$a" ] && [ "$a" = "$b" ] || bad="$bad $re"
		done <"$T/regexes"
		check_eq "$f: every default regex counts per file exactly as rg -P --count-matches" "" "$bad"
	done
	a=$(cd "$T" && rg -P -c --count-matches --no-require-git --max-filesize 10M 'unsafe\s*\{' stress-large-file | LC_ALL=C sort)
	b=$(cd "$T" && "$W" --no-defaults -e 'u=unsafe\s*\{' --mmap-min 1M --format json stress-large-file |
		jq -r '[.counted[], .test[]] | group_by(.file)[] | "\(.[0].file):\(length)"' | LC_ALL=C sort)
	check_eq "stress-large-file (mapped files): counts as rg" "$a" "$b"
else
	fail "ripgrep is not installed (make deps-test installs it)"
fi

# --- hostile trees -----------------------------------------------------------------------------
H=$T/stress-hostile
out=$(cd "$T" && timeout 60 "$W" --format json stress-hostile 2>/dev/null); rc=$?
check_eq "stress-hostile: exit 1 (violations), no crash" 1 $rc
check_eq "stress-hostile: binary file and FIFO are skipped with their reason" \
	"stress-hostile/binary.rs binary|stress-hostile/fifo fifo" \
	"$(printf '%s' "$out" | jq -r '[.skipped[] | "\(.file) \(.reason)"] | join("|")')"
check_eq "stress-hostile: no path leaves the tree through a link" 0 \
	"$(printf '%s' "$out" | jq -r '.. | .file? // empty' | grep -c -e outside -e loop -e etc/)"
n=$(printf '%s' "$out" | grep -c -F 'stress-hostile/bad-\udcff\udcfe-utf8.rs')
check "stress-hostile: invalid UTF-8 names come out as \\udcXX in JSON" test "$n" -gt 0
txt=$(cd "$T" && "$W" --all stress-hostile 2>/dev/null)
check "text output quotes a name with a newline" sh -c "printf '%s' '$(printf '%s' "$txt" | grep -c '^"stress-hostile/new\\nline.rs":')' | grep -qv '^0$'"
err=$(cd "$T" && timeout 60 "$W" -L stress-hostile 2>&1 >/dev/null); rc=$?
check_eq "--follow: finishes (loops detected), exit 1" 1 $rc
check "--follow: the loop is reported" sh -c "printf '%s' '$err' | grep -q 'loop-self: symlink loop'"
# as another user: from a copy of the walker that user can reach, since the checkout may lie
# under a 0700 directory (a clone in a mktemp -d): here the walker is first put in one, so that
# the check proves it; run through env, as a shell would
H=$(mktemp -d /tmp/walker-0700.XXXXXX) && cp "$W" "$H/walker"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && UW=$(unpriv_copy "$H/walker"); then
	chmod o+rx "$TMPROOT" "$T"
	out=$(cd "$T" && setpriv --reuid=65534 --regid=65534 --clear-groups env XDG_CACHE_HOME=/nonexistent "$UW" --format json stress-hostile 2>/dev/null)
	check_eq "unprivileged, the walker's build under a 0700 directory: the mode-000 file and directory are reported unreadable" \
		"stress-hostile/locked unable to open directory: Permission denied|stress-hostile/secret.rs unable to open: Permission denied" \
		"$(printf '%s' "$out" | jq -r '[.unreadable[] | "\(.file) \(.reason)"] | join("|")')"
else
	echo "  skip unprivileged: the mode-000 file and directory: needs root and setpriv to run as another user"
fi
rm -rf "$H"
out=$(cd "$T" && ulimit -n 24 && "$W" -j 4 --format json stress-nested 2>&1 | jq '.violations | length')
check_eq "stress-nested: 180 levels deep with only 24 descriptors" "$(jq '[.matches[] | select(.outcome == "violation")] | length' "$T/stress-nested.manifest.json")" "$out"
# --max-depth N (docs/walker.md): the files of the directories down to N levels below PATH; 0 is
# the root's own files. --changed-since applies it the same way.
M=$T/depth; mkdir -p "$M/a/b/c"
for d in "" a/ a/b/ a/b/c/; do printf 'x.unwrap()\n' >"$M/${d}f.rs"; done
git init -q "$M" && git -C "$M" commit -q --allow-empty -m empty
for n in 0 1 2; do
	want=$(cd "$M" && find . -mindepth 1 -maxdepth $((n + 1)) -name f.rs | sed 's|^\./||' | LC_ALL=C sort | tr '\n' ' ')
	check_eq "--max-depth $n: the files down to depth $n" "$want" \
		"$(cd "$M" && "$W" --files --max-depth $n . | LC_ALL=C sort | tr '\n' ' ')"
	check_eq "--max-depth $n with --changed-since: the same files" "$want" \
		"$(cd "$M" && "$W" --changed-since HEAD --files --max-depth $n . 2>&1 | LC_ALL=C sort | tr '\n' ' ')"
done
check_eq "--max-depth 0 on stress-nested: only the root's own files" \
	"$(cd "$T/stress-nested" && find . -maxdepth 1 -type f ! -name '.*' | sed 's|^\./|stress-nested/|' | LC_ALL=C sort)" \
	"$(cd "$T" && "$W" --files --max-depth 0 stress-nested | LC_ALL=C sort)"

# --- terminal injection: text from the tree or a config never reaches the terminal raw ----------
# ESC (CSI, OSC), BEL, the 8-bit CSI U+009B and the right-to-left override U+202E, wherever they
# come from: advice and comment markers of a .walker.conf, its regexes (--list-patterns), its keys
# (error messages), file names (violations, warnings, --files), unknown options
raw() { LC_ALL=C tr -d '\n' | LC_ALL=C grep -c -e "$(printf '\033')" -e "$(printf '\007')" \
	-e "$(printf '\302\233')" -e "$(printf '\342\200\256')" -e "$(printf '\342\201\246')"; }
Q=$T/inject; mkdir -p "$Q"; git init -q "$Q"
c1=$(printf 'c1-\302\23331m.rs'); bidi=$(printf 'bidi-\342\200\256sr.rs'); iso=$(printf 'iso-\342\201\246x.rs')
for f in a.rs "$c1" "$bidi" "$iso"; do printf 'fn f() { x.unwrap(); } // TODO\n' >"$Q/$f"; done
mkfifo "$Q/$(printf 'fifo-\302\233')"
printf '[pattern unwrap]\naction = forbid\nadvice = fine\033[8m\033]0;title\007\n[pattern todo2]\nregex = TODO\033\\[2J\naction = comment\ncomment = //\033[2J OK\nlangs = rust\n' >"$Q/.walker.conf"
out=$(cd "$Q" && "$W" --no-cache --all . 2>&1)
check_eq "advice and comment markers from .walker.conf and C1/bidi file names: no raw control in text output" 0 \
	"$(printf '%s' "$out" | raw)"
check "advice from .walker.conf: ESC and BEL written as \\033 and \\a" sh -c "printf '%s\n' '$(printf '%s' "$out" | grep '^a.rs' | head -n 1)' | grep -qF 'fine\\033[8m\\033]0;title\\a'"
check_eq "a name with U+009B (8-bit CSI) is C-quoted as git's quotePath: \\302\\233" 1 \
	"$(printf '%s\n' "$out" | grep -cF '"c1-\302\23331m.rs":1:')"
check_eq "a name with U+202E (right-to-left override) is C-quoted: \\342\\200\\256" 1 \
	"$(printf '%s\n' "$out" | grep -cF '"bidi-\342\200\256sr.rs":1:')"
check_eq "a name with U+2066 (left-to-right isolate) is C-quoted: \\342\\201\\246" 1 \
	"$(printf '%s\n' "$out" | grep -cF '"iso-\342\201\246x.rs":1:')"
check_eq "a warning about a special file with U+009B in its name: quoted" 1 \
	"$(printf '%s\n' "$out" | grep -cF 'warning: "fifo-\302\233": skipped, a fifo')"
check_eq "--files: C1 and bidi names quoted" "0 3" \
	"$(cd "$Q" && "$W" --files . | raw) $(cd "$Q" && "$W" --files . | grep -c '^"')"
check_eq "--list-patterns: regex and markers from .walker.conf quoted" 0 \
	"$(cd "$Q" && "$W" --list-patterns | raw)"
check_eq "--format json: C1 and bidi controls as \\uXXXX" "0 1 1" \
	"$(cd "$Q" && "$W" --no-cache --format json . 2>/dev/null | raw) $(cd "$Q" && "$W" --no-cache --format json . 2>/dev/null | grep -c 'c1-\\u009b31m.rs') $(cd "$Q" && "$W" --no-cache --format json . 2>/dev/null | grep -c 'bidi-\\u202esr.rs')"
printf '[pattern x]\nregex = a\n\033[2J\033]0;t\007key = 1\n' >"$Q/bad.conf"
err=$("$W" --config "$Q/bad.conf" "$Q" 2>&1); rc=$?
check_eq "a config error naming a key with ESC: exit 2, the key escaped" "2 0 1" \
	"$rc $(printf '%s' "$err" | raw) $(printf '%s' "$err" | grep -cF "unknown key '\\033[2J\\033]0;t\\akey'")"
err=$("$W" "$(printf -- '--\033[2J')" 2>&1); rc=$?
check_eq "an unknown option with ESC: exit 2, escaped" "2 0" "$rc $(printf '%s' "$err" | raw)"
err=$("$W" --no-cache "$Q/$(printf 'missing-\033[2J')" 2>&1); rc=$?
check_eq "a missing PATH with ESC in its name: exit 2, the name escaped" "2 0" "$rc $(printf '%s' "$err" | raw)"

# --- config files, errors, exit statuses --------------------------------------------------------
C=$T/conf; mkdir -p "$C/src"; git init -q "$C"
printf 'fn main() { let v = x.unwrap(); }\n// TODO one\n' >"$C/src/a.rs"
printf '# no unwrap check here\n[pattern unwrap]\ndisable = true\n\n[pattern todo]\nregex = \\bTODO\\b\naction = count\nthreshold = 0\nlangs = rust\nadvice = file an issue\n' >"$C/.walker.conf"
out=$(cd "$C" && "$W" --format json src); rc=$?
check_eq "config found upward from PATH: unwrap disabled, todo counted" "1 0 1" \
	"$rc $(printf '%s' "$out" | jq '.counts.source.unwrap // 0') $(printf '%s' "$out" | jq '.threshold_violations[0].count')"
# a .walker.conf that is a symlink (to a file outside the tree) is not followed: a cloned tree
# must not make the walker read files elsewhere (their lines would come back in error messages)
SL=$T/conf-link; mkdir -p "$SL"; git init -q "$SL"
printf 'fn main() { unsafe { x() } }\n' >"$SL/a.rs"
printf '[pattern unsafe]\ndisable = true\n' >"$T/outside.conf"; ln -s "$T/outside.conf" "$SL/.walker.conf"
out=$(cd "$SL" && "$W" --no-cache --format json . 2>"$T/err"); rc=$?
check_eq "a symlinked .walker.conf is not followed: defaults apply, one warning" "1 1 1" \
	"$rc $(printf '%s' "$out" | jq '.counts.source.unsafe') $(grep -c 'symlink, not followed' "$T/err")"
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
out=$("$W" --no-cache --format json "$C" "$T/does-not-exist" 2>"$T/err"); rc=$?
check_eq "a missing PATH beside one with violations: the report of the other, exit 2 (as rg)" "2 false 1" \
	"$rc $(printf '%s' "$out" | jq .passed) $(grep -c "unable to open '$T/does-not-exist'" "$T/err")"
"$W" --no-cache --no-defaults -e x=zzz_never "$C" "$T/does-not-exist" >/dev/null 2>&1
check_eq "a missing PATH beside a clean one: exit 2, not 0" 2 $?
"$W" --files "$C" "$T/does-not-exist" >/dev/null 2>&1; check_eq "--files with a missing PATH: exit 2" 2 $?
if [ -w /dev/full ]; then
	for what in --help --version --list-patterns "--files $C" "--no-cache $C" "--no-cache --format json $C"; do
		err=$("$W" $what 2>&1 >/dev/full); rc=$?
		check_eq "walker $what >/dev/full: exit 2 and 'unable to write'" "2 1" "$rc $(printf '%s' "$err" | grep -c 'unable to write.*No space left')"
	done
fi
# a JSON report written as it is made (report_json's sink, every 256 KiB): whole, valid, the same
# as a short one would be, and a write error still exit 2 with one message
mkdir -p "$T/long"
awk 'BEGIN { print "fn f() {"; for (i = 0; i < 6000; i++) print "    a.unwrap(); b.unwrap(); c.unwrap(); d.unwrap(); e.unwrap();"; print "}" }' >"$T/long/many.rs"
check_eq "a JSON report of 30,000 matches (written in parts): valid, every match listed, once" "30000 30000" \
	"$("$W" --no-cache --format json "$T/long" | jq -r '[(.counted | length), (.counted | unique | length)] | join(" ")')"
if [ -w /dev/full ]; then
	err=$("$W" --no-cache --format json "$T/long" 2>&1 >/dev/full); rc=$?
	check_eq "a JSON report written in parts >/dev/full: exit 2 and one 'unable to write'" "2 1" \
		"$rc $(printf '%s\n' "$err" | grep -c 'unable to write')"
fi
"$W" --no-defaults -e 'x=zzz_never' "$C" >/dev/null 2>&1; check_eq "no violation: exit 0" 0 $?
"$W" --bogus >/dev/null 2>&1; check_eq "unknown option: exit 2" 2 $?
bad=""
for opt in "--max-filesize= -1" "--max-filesize=+5" "-j= 4" "--max-depth= 1" "--limit=+3" "--mmap-min=-1"; do
	"$W" "${opt%%=*}" "${opt#*=}" --version >/dev/null 2>&1
	[ $? = 2 ] || bad="$bad [$opt]"
done
check_eq "numbers with a sign or a space ('--max-filesize \" -1\"' was 2^64-1): exit 2" "" "$bad"
# -e counts per line as rg -P --count-matches does: assertions at the subject's end (\z, \Z, $),
# negative lookaheads and possessive or atomic groups see the line's end, lookbehinds do not see
# the line above, the last newline starts no empty line, an empty match right after a match and
# one at the end of a last line without a newline do not count
L=$T/lines; mkdir -p "$L"
printf 'foo\nfoo\nfoo\n' >"$L/three.txt"; printf 'foo\nfoo\nfoo' >"$L/no-newline.txt"
printf 'xfoo\nfoo\nfoo\n' >"$L/x.txt"; printf 'xax\n\nabc xx\n' >"$L/mixed.txt"; : >"$L/empty.txt"
bad=""
for re in 'foo\z' '[fo]+\z' '[fo]+\Z' '(?-m)o$' 'x*$' 'x*' '$' '\z' '(?<=\n)f' '(?<=x)f' 'o(?!\n)' '(?m)$' \
	'f(?!o)' 'x?' '\b' 'a*+' '(?>x|xa)' '\w*' 'o\s' '[^x]o$'; do
	a=$(cd "$L" && rg -P --count-matches --sort path -e "$re" . | sed 's|^\./||')
	b=$(cd "$L" && "$W" --no-cache --no-defaults -e "p=$re" --format json . |
		jq -r '.counted | group_by(.file)[] | "\(.[0].file):\(length)"')
	[ "$a" = "$b" ] || bad="$bad $re"
done
check_eq "-e 'foo\z' and -e '[fo]+\z' (and their siblings) count per line as rg -P --count-matches" "" "$bad"
check_eq "-e counts like rg -c on one file" "$(rg -P --count-matches 'unwrap' "$C/src/a.rs" 2>/dev/null || echo 1)" \
	"$("$W" --no-defaults -e u=unwrap --format json "$C/src/a.rs" | jq '.counted | length')"
finish
