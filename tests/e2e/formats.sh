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
# unwrap only counts by default: forbidden here, for violations in file names that need escaping
printf '[pattern todo]\nregex = \\bTODO\\b\naction = count\nthreshold = 1\nlangs = rust\nadvice = 100%% sure: file, issues\n[pattern unwrap]\naction = forbid\n' >"$R/.walker.conf"

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

# --- sarif -------------------------------------------------------------------------------------
# two identical lines (occurrences :0 and :1), a character outside the BMP before a match (UTF-16
# column), an allowed match (suppression with its justification)
printf 'fn f() {\n    a.unwrap();\n    a.unwrap();\n    let s = "\360\237\230\200"; b.unwrap();\n}\n' >"$R/src/dup.rs"
s=$(cd "$R" && "$W" --format sarif .)
check_eq "sarif: exit 1 on violations" 1 $?
j=$(cd "$R" && "$W" --format json .)
check_eq "sarif: one run, the tool, every pattern a rule with its advice as help" \
	"2.1.0 walker $("$W" --version | cut -d' ' -f2) $(cd "$R" && "$W" --list-patterns | wc -l) true" \
	"$(printf '%s' "$s" | jq -r '"\(.version) \(.runs[0].tool.driver.name) \(.runs[0].tool.driver.version) \(.runs[0].tool.driver.rules | length) \(.runs[0].tool.driver.rules | all(.help.text | length > 0))"')"
# results == the JSON's violations + allowed (+ one per threshold), by URI, line and rule
sarif_rows() { jq -r '.runs[0].results[] | select(.properties.type != "threshold_exceeded")
	| [.locations[0].physicalLocation.artifactLocation.uri, .locations[0].physicalLocation.region.startLine,
	   .ruleId, (if .suppressions then "allowed" else "violation" end)] | @tsv' | grep -v '%[89A-F][0-9A-F]' | LC_ALL=C sort; }
json_rows() { jq -r '(.violations[] | . + {o: "violation"}), (.allowed[] | . + {o: "allowed"})
	| [(.file | ltrimstr("./") | @uri | gsub("%2F"; "/")), .line, .pattern, .o] | @tsv' | grep -v '%[89A-F][0-9A-F]' | LC_ALL=C sort; }
check_eq "sarif: results == JSON violations and allowed matches (URI, line, rule)" \
	"$(printf '%s' "$j" | json_rows)" "$(printf '%s' "$s" | sarif_rows)"
check_eq "sarif: URIs are %-encoded, relative" "src/we%2Cird%3A%20100%25.c src/new%0Aline.rs" \
	"$(printf '%s' "$s" | jq -r '[.runs[0].results[].locations[0].physicalLocation.artifactLocation.uri | select(test("we|new"))] | unique | reverse | join(" ")')"
check_eq "sarif: an allowed match is suppressed in source with its justification" \
	"unsafe 5 inSource // SAFETY: the pointer is valid" \
	"$(printf '%s' "$s" | jq -r '.runs[0].results[] | select(.suppressions) | "\(.ruleId) \(.locations[0].physicalLocation.region.startLine) \(.suppressions[0].kind) \(.suppressions[0].justification)"')"
check_eq "sarif: the same line twice gets occurrences 0 and 1; columns in UTF-16 code units (byte 22 is unit 20)" \
	"2:6:0 3:6:1 4:20:0" \
	"$(printf '%s' "$s" | jq -r '[.runs[0].results[] | select(.locations[0].physicalLocation.artifactLocation.uri == "src/dup.rs")
		| .locations[0].physicalLocation.region as $r | "\($r.startLine):\($r.startColumn):\(.partialFingerprints["walker/v1"] | split(":")[1])"] | join(" ")')"
check_eq "sarif: the type of each violation, as in JSON" "forbidden missing_comment threshold_exceeded" \
	"$(printf '%s' "$s" | jq -r '[.runs[0].results[] | .properties.type // empty] | unique | join(" ")')"
check_eq "sarif: a count pattern over its threshold is one result at its first match" "todo src/todo.rs 1 2" \
	"$(printf '%s' "$s" | jq -r '.runs[0].results[] | select(.properties.type == "threshold_exceeded") | "\(.ruleId) \(.locations[0].physicalLocation.artifactLocation.uri) \(.locations[0].physicalLocation.region.startLine) \(.properties.count)"')"

# fingerprints: the same on a second run, and unchanged when lines move
fp() { jq -r '.runs[0].results[] | "\(.ruleId) \(.partialFingerprints["walker/v1"])"' | LC_ALL=C sort; }
GEN=$PWD/$B/genfixtures
$GEN -q --out "$T/fx" stress-patterns || fail "generate stress-patterns"
a=$(cd "$T/fx/stress-patterns" && "$W" --format sarif . | fp)
check_eq "sarif: fingerprints are the same on a second run" "$a" "$(cd "$T/fx/stress-patterns" && "$W" --format sarif . | fp)"
find "$T/fx/stress-patterns" -type f -name '*.*' | while read -r f; do { echo; cat "$f"; } >"$f.tmp" && mv "$f.tmp" "$f"; done
check_eq "sarif: fingerprints unchanged when a line is added above every result" "$a" \
	"$(cd "$T/fx/stress-patterns" && "$W" --format sarif . | fp)"
check "sarif: results moved down by one line" test "$(cd "$T/fx/stress-patterns" && "$W" --format sarif . |
	jq '[.runs[0].results[] | select(.properties.type != "threshold_exceeded") | .locations[0].physicalLocation.region.startLine] | min')" -ge 2

# Microsoft's validator (the SARIF schema and its rules, and GitHub's ingestion rules) on every
# fixture: no error and no warning but the missing informationUri (the project has no home page yet)
MT=${SARIF_MULTITOOL:-$PWD/build/npm/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool}
if [ -x "$MT" ]; then
	$GEN -q --out "$T/fx" stress-huge-files stress-monorepo stress-large-file stress-patterns stress-nested \
		stress-hostile scale:300 || fail "generate the fixtures"
	printf '%s\n' "$s" >"$T/tree.sarif"
	for f in tree fx/stress-huge-files fx/stress-monorepo fx/stress-large-file fx/stress-patterns fx/stress-nested \
		fx/stress-hostile fx/scale-300; do
		o=$T/$(basename "$f").sarif
		[ "$f" = tree ] || (cd "$T/$f" && "$W" --format sarif . >"$o" 2>/dev/null)
		if "$MT" validate --rule-kind "Sarif;Gh" --log ForceOverwrite -o "$o.log" "$o" >"$o.out" 2>&1; then
			bad=$(jq -r '.runs[0].results[] | select((.level // "warning") != "note" and .ruleId != "SARIF2005")
				| "\(.ruleId): \(.message.arguments // [] | join(" | "))"' "$o.log")
			check_eq "sarif: $(basename "$f") ($(jq '.runs[0].results | length' "$o") results) passes Microsoft's SARIF validator" "" "$bad"
		else
			fail "sarif: validator on $(basename "$f")" "$(tail -n 5 "$o.out")"
		fi
	done
else
	echo "  skip sarif validation: Microsoft's SARIF multitool is not installed (make deps-test installs it with npm)"
fi

rm -rf "$T"
finish
