#!/bin/sh
# End-to-end test of the pre-commit hook (.pre-commit-hooks.yaml) with Debian's pre-commit: a
# temporary repository uses the hook by path; a staged violation blocks the commit, a justified
# one passes, and only the staged files are checked.
set -u
. "$(dirname "$0")/lib.sh"
T=$TMPROOT/precommit
rm -rf "$T"; mkdir -p "$T"
echo "precommit ($B)"

# files named as roots (what pre-commit passes): one walk of "." over just those files, with its
# cache; the same results as walking the tree
W=$PWD/$B/walker
$B/genfixtures -q --out "$T/fx" stress-patterns || fail "generate stress-patterns"
rows='(.violations[] | [.file, .line, .column, .pattern, "v"]), (.allowed[] | [.file, .line, .column, .pattern, "a"]),
	(.test[] | [.file, .line, .column, .pattern, "t"]), (.counted[] | [.file, .line, .column, .pattern, "c"]) | @tsv'
(cd "$T/fx/stress-patterns" && "$W" --files . >"$T/files.txt")
walked=$(cd "$T/fx/stress-patterns" && "$W" --no-cache --format json . | jq -r "$rows" | LC_ALL=C sort)
named=$(cd "$T/fx/stress-patterns" && xargs -d '\n' "$W" --cache "$T/c" --format json <"$T/files.txt" | jq -r "$rows" | LC_ALL=C sort)
check_eq "$(wc -l <"$T/files.txt") files named as roots: the same results as walking the tree" "$walked" "$named"
sleep 2.1 # past the cache's racy window
(cd "$T/fx/stress-patterns" && xargs -d '\n' "$W" --cache "$T/c" --format json <"$T/files.txt" >/dev/null)
check_eq "named files: a second run is answered by the cache (hits by stat, no miss)" "$(wc -l <"$T/files.txt") 0" \
	"$(cd "$T/fx/stress-patterns" && xargs -d '\n' "$W" --cache "$T/c" --stats --format json <"$T/files.txt" |
		jq -r '"\(.stats.cache.hits_stat + .stats.files_without_patterns) \(.stats.cache.misses)"')"
printf 'fn f() { unsafe { x() } }\n' >"$T/fx/stress-patterns/.hidden.rs"
check_eq "a hidden file named on the command line is checked" ".hidden.rs:1:10: unsafe" \
	"$(cd "$T/fx/stress-patterns" && "$W" ./.hidden.rs | head -n 1 | cut -d: -f1-4)"

if ! command -v pre-commit >/dev/null 2>&1; then
	echo "  skip pre-commit hook: pre-commit is not installed (apt-get install pre-commit; make deps-test installs it)"
	finish
	exit $?
fi
export PRE_COMMIT_HOME=$T/pre-commit-home GIT_CONFIG_NOSYSTEM=1 HOME=$T
git config --global user.email t@example.com; git config --global user.name t
git config --global init.defaultBranch main
PATH=$PWD/$B:$PATH
export PATH

# the hook repository: this checkout's manifest, committed so that pre-commit can clone it
H=$T/hooks
git init -q "$H" && cp .pre-commit-hooks.yaml "$H/" && git -C "$H" add . && git -C "$H" commit -qm hooks
R=$T/repo
git init -q "$R"
cat >"$R/.pre-commit-config.yaml" <<YAML
repos:
  - repo: $H
    rev: $(git -C "$H" rev-parse HEAD)
    hooks:
      - id: walker
YAML
(cd "$R" && git add .pre-commit-config.yaml && pre-commit install >"$T/install.out" 2>&1) ||
	fail "pre-commit install" "$(cat "$T/install.out")"

mkdir -p "$R/src"
printf '#include <stdio.h>\nint main(void)\n{\n\tchar buf[64];\n\tgets(buf);\n\treturn 0;\n}\n' >"$R/src/main.c"
(cd "$R" && git add src/main.c && git commit -qm bad >"$T/commit.out" 2>&1)
check_eq "a staged gets( blocks the commit" 1 $?
check "the hook's output names the file, line and pattern" grep -q 'src/main.c:5:2: gets' "$T/commit.out"
check_eq "nothing was committed" "" "$(git -C "$R" log --oneline 2>/dev/null)"

printf '#include <stdio.h>\nint main(void)\n{\n\tchar buf[64];\n\tfgets(buf, sizeof buf, stdin);\n\treturn 0;\n}\n' >"$R/src/main.c"
printf 'fn f(p: *const u8) -> u8 {\n    // SAFETY: the caller passes a valid pointer\n    unsafe { *p }\n}\n' >"$R/src/lib.rs"
# an untracked file with a violation: not staged, so not passed to the hook
printf 'int main(void) { char b[8]; gets(b); }\n' >"$R/scratch.c"
(cd "$R" && git add src/main.c src/lib.rs && git commit -qm good >"$T/commit.out" 2>&1)
check_eq "a justified unsafe block and fixed code commit; an untracked violation is not looked at" 0 $?
check_eq "the commit is there" "good" "$(git -C "$R" log --format=%s 2>/dev/null)"
printf 'fn g(p: *const u8) -> u8 {\n    unsafe { *p }\n}\n' >>"$R/src/lib.rs"
(cd "$R" && git add src/lib.rs && git commit -qm unjustified >"$T/commit.out" 2>&1)
check_eq "an unsafe block without its SAFETY comment blocks the commit" 1 $?
check "... and the hook says which" grep -q 'src/lib.rs:6:5: unsafe' "$T/commit.out"

rm -rf "$T"
finish
