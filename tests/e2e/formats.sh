#!/bin/sh
# End-to-end tests of the CI output formats: --format github (golden output; decoded as the Actions
# runner decodes it, every annotation names the file, line and column of a JSON violation) and
# --format sarif (validated by Microsoft's SARIF multitool where npm has installed it).
set -u
. "$(dirname "$0")/lib.sh"
W=$PWD/$B/walker
GOLDEN=$PWD/tests/e2e/golden
T=$TMPROOT/formats
rm -rf "$T"; mkdir -p "$T"
echo "formats ($B)"

# a small tree with each kind of result and paths that need escaping: ',' ':' '%' LF CR
R=$T/tree
mkdir -p "$R/src" "$R/tests"
printf 'fn main() {\n    let x = y.unwrap();\n    unsafe { z() }\n    // SAFETY: the pointer is valid\n    unsafe { w() }\n}\n' >"$R/src/lib.rs"
printf 'int main(void)\n{\n\tgets(buf);\n}\n' >"$R/src/we,ird: 100%.c"
printf 'fn t() { a.unwrap(); }\n' >"$R/src/new
line.rs"
printf 'fn t() { a.unwrap(); }\n' >"$(printf '%s/src/cr\r.rs' "$R")"
printf 'fn t() { a.unwrap(); }\n' >"$R/tests/it.rs"
mkdir -p "$R/clean" && printf 'fn ok() {}\n' >"$R/clean/ok.rs"
printf '// TODO one\n// TODO two\n' >"$R/src/todo.rs"
printf '[pattern todo]\nregex = \\bTODO\\b\naction = count\nthreshold = 1\nlangs = rust\nadvice = 100%% sure: file, issues\n' >"$R/.walker.conf"

# --- github ------------------------------------------------------------------------------------
g=$(cd "$R" && "$W" --format github .)
check_eq "github: exit 1 on violations" 1 $?
check_eq "github: golden annotations, escaped as the runner requires" "$(cat "$GOLDEN/github.txt")" "$g"
# decode each line as actions/runner does (unescapeProperty: %0D %0A %3A %2C, then %25)
decode='capture("^::error (?<p>[^:]*)::(?<m>.*)$") | [.p | split(",")[] | split("=")
	| {(.[0]): (.[1:] | join("=") | gsub("%0D"; "\r") | gsub("%0A"; "\n") | gsub("%3A"; ":")
	| gsub("%2C"; ",") | gsub("%25"; "%"))}] | add | select(.line) | [.file, .line, .col] | @json'
check_eq "github: decoded file, line and column == the JSON violations" \
	"$(cd "$R" && "$W" --format json . | jq -r '.violations[] | [.file, (.line | tostring), (.column | tostring)] | @json' | LC_ALL=C sort)" \
	"$(printf '%s\n' "$g" | jq -R -r "$decode" | LC_ALL=C sort)"
check_eq "github: a threshold annotation decodes to its message" "100% sure: file, issues (2 matches in source code, over the threshold of 1; most in src/todo.rs (2))" \
	"$(printf '%s\n' "$g" | jq -R -r 'capture("^::error file=src/todo.rs,title=walker%3A todo::(?<m>.*)$") | .m | gsub("%25"; "%")')"
check_eq "github: nothing printed and exit 0 when the tree passes" "rc=0" \
	"$(cd "$R/clean" && "$W" --format github .; echo "rc=$?")"

rm -rf "$T"
finish
