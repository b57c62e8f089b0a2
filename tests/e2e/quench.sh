#!/bin/sh
# quench's escapes specs, run against walker. Each directory tests/e2e/quench/CASE/ is one case,
# translated from one quench test (its `source` file names the spec file and test fn, what quench
# asserts, and how the case was translated):
#   tree/        the files, copied to a scratch directory outside any repository and walked from
#                there (`walker --no-cache --format json [ARGS] .`); `.walker.conf` there is the
#                translated quench.toml
#   expected     the walker's judgement, one line per match, tab-separated:
#                  FILE LINE PATTERN OUTCOME          OUTCOME: allowed, test or counted
#                  FILE LINE PATTERN violation TYPE   TYPE: missing_comment or forbidden
#                  - COUNT PATTERN threshold TYPE     a count pattern over its threshold
#   exit         the exit status, where quench asserts pass (0) or fail (1)
#   args         extra walker arguments, one per line
#   jq, jq.expected   a jq filter on the JSON and its output, where quench asserts a JSON field
# tests/e2e/quench/DIFFERENCES.md lists the cases whose expectation is not quench's (with the
# reason, from the issue-11 design) and the quench tests that are not about escape matching.
set -u
. "$(dirname "$0")/lib.sh"
case $B in /*) W=$B/walker ;; *) W=$PWD/$B/walker ;; esac
Q=$(cd "$(dirname "$0")/quench" && pwd)
T=$TMPROOT/quench
rm -rf "$T"; mkdir -p "$T"
TAB=$(printf '\t')
echo "quench specs ($B)"

# one order for expected and actual lines: path, then line number, then the rest
srt() { LC_ALL=C sort -t "$TAB" -k1,1 -k2,2n -k3; }
# the walker's JSON as expected-file lines; a count pattern over its threshold is read from
# threshold_violations, or from violations if it is listed there (as quench lists it)
judgement() {
	jq -r '(.violations[] | if .type == "threshold_exceeded" or (has("file") | not)
	                        then ["-", .count, .pattern, "threshold", .type]
	                        else [.file, .line, .pattern, "violation", (.type // "-")] end),
	       (.allowed[] | [.file, .line, .pattern, "allowed"]),
	       (.test[] | [.file, .line, .pattern, "test"]),
	       (.counted[] | [.file, .line, .pattern, "counted"]),
	       (.threshold_violations[]? | ["-", .count, .pattern, "threshold", (.type // "-")])
	       | map(tostring) | @tsv' "$1" | srt
}

for c in "$Q"/*/; do
	c=${c%/}
	n=${c##*/}
	if [ ! -f "$c/expected" ] || [ ! -d "$c/tree" ] || ! grep -q '^quench: ' "$c/source" 2>/dev/null; then
		fail "$n: a case needs tree/, expected and a source naming its quench test"
		continue
	fi
	d=$T/$n
	mkdir -p "$d"
	cp -R "$c/tree/." "$d/"
	set --
	if [ -f "$c/args" ]; then
		while IFS= read -r a; do set -- "$@" "$a"; done <"$c/args"
	fi
	(cd "$d" && "$W" --no-cache --format json "$@" .) >"$d.json" 2>"$d.err"
	rc=$?
	if [ -s "$d.json" ] && jq -e . "$d.json" >/dev/null 2>&1; then
		got=$(judgement "$d.json")
	else
		got="walker exit $rc, no JSON: $(head -n 3 "$d.err")"
	fi
	want=$(srt <"$c/expected")
	check_eq "$n: matches and outcomes" "$(printf '%s\n' "$want" | cut -f1-4)" "$(printf '%s\n' "$got" | cut -f1-4)"
	if printf '%s\n' "$want" | awk -F "$TAB" 'NF == 5' | grep -q .; then
		check_eq "$n: violation types" "$(printf '%s\n' "$want" | awk -F "$TAB" 'NF == 5')" \
			"$(printf '%s\n' "$got" | awk -F "$TAB" 'NF != 4')"
	fi
	[ -f "$c/exit" ] && check_eq "$n: exit status" "$(cat "$c/exit")" "$rc"
	[ -f "$c/jq" ] && check_eq "$n: JSON $(cat "$c/jq")" "$(cat "$c/jq.expected")" "$(jq -r -f "$c/jq" "$d.json" 2>&1)"
done

# DIFFERENCES.md: a case listed as differing exists, a test listed as not applicable is no case
bad=$(awk -F ' [|] ' '/^[|] `[a-z0-9_]+__[a-z0-9_]+`/ { gsub(/[|` ]/, "", $1); print $1, ($2 == "not applicable") }' \
	"$Q/DIFFERENCES.md" | while read -r n na; do
	if [ "$na" = 1 ]; then [ -d "$Q/$n" ] && printf ' %s(is a case)' "$n"; else [ -d "$Q/$n" ] || printf ' %s(no case)' "$n"; fi
done)
check_eq "DIFFERENCES.md agrees with the case directories" "" "$bad"
rm -rf "$T"
finish
