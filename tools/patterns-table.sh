#!/bin/sh
# tools/patterns-table.sh WALKER: the built-in patterns as the Markdown table of docs/patterns.md
# ("Built-in patterns"), from `walker --list-patterns`. tests/e2e/walker.sh checks that the table
# in the docs is exactly this, so the docs and the code say the same thing.
W=${1:-build/walker}
echo '| lang | name | regex (PCRE2) | action | in | markers |'
echo '| --- | --- | --- | --- | --- | --- |'
"$W" --list-patterns | awk -F '\t' '
{
	name = $1; action = $2; rx = $3; marks = ""; place = ""; langs = ""; tests = ""
	for (i = 4; i <= NF; i++) {
		if ($i ~ /^in /) place = substr($i, 4)
		else if ($i ~ /^\[/) { langs = $i; if (langs ~ /tests too/) tests = ", also in tests"; sub(/\].*/, "", langs); sub(/^\[/, "", langs) }
		else if ($i ~ /^threshold /) { if ($i == "threshold none") action = action ", no threshold"; else action = action " " $i }
		else if ($i !~ /^\(/) marks = marks (marks == "" ? "" : " ") "`" $i "`"
	}
	gsub(/\|/, "\\|", rx)
	printf "| %s | %s | `%s` | %s%s | %s | %s |\n", langs, name, rx, action, tests, place, marks
}'
