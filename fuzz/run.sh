#!/bin/sh
# fuzz/run.sh TARGET|all SECONDS: run libFuzzer harnesses (build/fuzz/fuzz_TARGET, made by
# `make fuzz`) for SECONDS each, after replaying every file of fuzz/regressions/TARGET/ (crashes
# found earlier, kept as regression tests). The corpus (fuzz/corpus-TARGET/, not in git) starts
# from fuzz/seeds/TARGET/ and from files of the fixtures. Prints one line per target:
#   fuzz TARGET: N executions in S s (R/s), C crashes, corpus K inputs
# and appends "TARGET N S C" to $FUZZ_STATS when set. Exit 1 on a crash; the crashing input is
# left in fuzz/crash-TARGET-* for you to move into fuzz/regressions/TARGET/ once fixed.
set -u
cd "$(dirname "$0")/.."
what=${1:-all} secs=${2:-60}
[ "$what" = all ] && what="ignore config scan cache lex"
GEN=build/genfixtures
W=build/walker
seed() { # seed TARGET DIR: the starting corpus
	mkdir -p "$2"
	[ -d "fuzz/seeds/$1" ] && cp fuzz/seeds/"$1"/* "$2"/ 2>/dev/null
	S=$(mktemp -d /tmp/walker-fuzz-seed.XXXXXX)
	$GEN -q --out "$S" stress-patterns stress-monorepo stress-hostile >/dev/null 2>&1
	case $1 in
	ignore) find "$S" \( -name .gitignore -o -name .ignore \) -type f 2>/dev/null | head -n 50 |
		while read -r f; do cp "$f" "$2/$(echo "$f" | cksum | cut -d' ' -f1)"; done ;;
	scan | lex) find "$S/stress-patterns" -type f | while read -r f; do
		{ printf 'A'; head -c 20000 "$f"; } >"$2/$(echo "$f" | cksum | cut -d' ' -f1)"; done ;;
	cache) XDG_CACHE_HOME=$S/xdg $W --cache "$2/patterns.cache" "$S/stress-patterns" >/dev/null 2>&1
		XDG_CACHE_HOME=$S/xdg $W --cache "$2/hostile.cache" "$S/stress-hostile" >/dev/null 2>&1 ;;
	config) ;;
	esac
	chmod -R u+rwX "$S" 2>/dev/null
	rm -rf "$S"
}
status=0
for t in $what; do
	bin=build/fuzz/fuzz_$t
	[ -x "$bin" ] || { echo "fuzz: $bin is missing: run make fuzz" >&2; exit 2; }
	if [ -n "$(ls "fuzz/regressions/$t" 2>/dev/null)" ]; then
		"$bin" fuzz/regressions/"$t"/* >/tmp/fuzz-regress.$$ 2>&1 ||
			{ echo "fuzz $t: a regression input crashes again:"; tail -n 30 /tmp/fuzz-regress.$$; status=1; }
	fi
	C=fuzz/corpus-$t
	[ -d "$C" ] || seed "$t" "$C"
	log=/tmp/fuzz-$t.$$
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="fuzz/crash-$t-" "$C" >"$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	crashes=0
	[ $rc -ne 0 ] && crashes=1 && status=1
	n=$(ls "$C" | wc -l)
	echo "fuzz $t: ${execs:-0} executions in ${secs} s ($(( ${execs:-0} / (secs > 0 ? secs : 1) ))/s), $crashes crashes, corpus $n inputs"
	[ $rc -ne 0 ] && tail -n 40 "$log"
	[ -n "${FUZZ_STATS:-}" ] && echo "$t ${execs:-0} $secs $crashes" >>"$FUZZ_STATS"
	rm -f "$log"
done
rm -f /tmp/fuzz-regress.$$
exit $status
