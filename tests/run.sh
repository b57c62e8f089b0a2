#!/bin/sh
# The test suite: what `make check` (and .ci/run) runs.
#   tests/run.sh           release build, then AddressSanitizer+UBSan (with LeakSanitizer), then
#                          ThreadSanitizer on the unit tests and the walker's and cache's
#                          end-to-end tests, then each libFuzzer harness for FUZZ_SECONDS (20)
#   tests/run.sh --quick   release build only
# Ends with one line "N passed, N failed" and exits non-zero on any failure.
set -u
cd "$(dirname "$0")/.."
quick=0
[ "${1:-}" = "--quick" ] && quick=1
RESULTS=$(mktemp /tmp/walker-results.XXXXXX)
export RESULTS
# scenario lines and fuzz figures for docs/reliability.md (tests/reliability.sh renders them)
mkdir -p build/reliability
: "${SCENARIOS:=$PWD/build/reliability/scenarios.txt}" "${FUZZ_STATS:=$PWD/build/reliability/fuzz.txt}"
export SCENARIOS FUZZ_STATS
: >"$SCENARIOS"; : >"$FUZZ_STATS"
# the walker's default cache goes here, never into the user's own ~/.cache
XDG_CACHE_HOME=$(mktemp -d /tmp/walker-cache.XXXXXX)
export XDG_CACHE_HOME
status=0
jobs=$(nproc 2>/dev/null || echo 2)

# Every test program runs under timeout(1): a test that hangs is a failure with its name, never a
# CI job that runs out of time with nothing said. The limits are some ten times what each takes on
# a 2-core machine under AddressSanitizer.
UNIT_LIMIT=${UNIT_LIMIT:-900}
E2E_LIMIT=${E2E_LIMIT:-1800}
stopped() { # stopped NAME RC LIMIT: when RC says timeout(1) stopped NAME (or SIGKILL did), says so
	case $2 in
	124) echo "  FAIL $1: still running after $3 s, stopped" ;;
	137) echo "  FAIL $1: killed (SIGKILL: out of memory, or still running $3 s + 10 s after SIGTERM)" ;;
	*) return 1 ;;
	esac
}

run_unit() { # run_unit BUILD_DIR
	for t in "$1"/tests/test_*; do
		[ -x "$t" ] || continue
		out=$(timeout -k 10 "$UNIT_LIMIT" "$t" 2>&1); rc=$?
		why=$(stopped "$(basename "$t")" $rc "$UNIT_LIMIT") && out="$out
$why"
		p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p')
		f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | head -n1)
		echo "${p:-0} ${f:-0}" >>"$RESULTS"
		if [ $rc -ne 0 ]; then
			printf '%s\n' "$out"
			[ -z "$f" ] && echo "0 1" >>"$RESULTS"
			status=1
		else
			echo "  ok   $(basename "$t") (${p:-0} tests)"
		fi
	done
}

run_flavour() { # run_flavour LABEL MAKEVARS...
	label=$1; shift
	echo "== $label"
	if ! make --no-print-directory -j"$jobs" "$@" unit-bins >/tmp/walker-build.$$ 2>&1; then
		cat /tmp/walker-build.$$
		echo "0 1" >>"$RESULTS"
		status=1
		return
	fi
	b=$(make --no-print-directory "$@" print-builddir)
	run_unit "$b"
	for s in tests/e2e/*.sh; do
		n=$(basename "$s" .sh)
		[ "$n" = lib ] && continue
		case " ${E2E:-$n} " in *" $n "*) ;; *) continue ;; esac
		t0=$(date +%s)
		B=$b timeout -k 10 "$E2E_LIMIT" sh "$s"; rc=$?
		stopped "$n" $rc "$E2E_LIMIT" && echo "0 1" >>"$RESULTS"
		[ $rc -eq 0 ] || status=1
		echo "  ($n: $(($(date +%s) - t0)) s)"
	done
}

# the release build carries the long loops: 300 kills of a cached run (about 80 s here; the
# thousand that docs/reliability.md reports are tests/reliability.sh's, kept out of make check to
# hold it under 25 minutes on a 2-core machine)
loops=300; [ $quick = 1 ] && loops=100
KILL_LOOPS=${KILL_LOOPS:-$loops} run_flavour "release build" WERROR=-Werror
if [ $quick -eq 0 ]; then
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		KILL_LOOPS=50 run_flavour "AddressSanitizer + UBSan" SAN=address,undefined
	# the threaded code: the parallel walker (every mode and -j of tests/e2e/walker.sh)
	TSAN_OPTIONS=halt_on_error=1 E2E="walker cache" KILL_LOOPS=20 run_flavour "ThreadSanitizer" SAN=thread
	# libFuzzer: each harness replays its regression inputs, then runs for FUZZ_SECONDS (20 s
	# each here: the whole of make check took 26.5 minutes on the 2-core VM with 30; longer runs
	# are make fuzz's, docs/reliability.md)
	echo "== libFuzzer (${FUZZ_SECONDS:-20} s per harness)"
	if make --no-print-directory -j"$jobs" fuzz-bins >/tmp/walker-build.$$ 2>&1; then
		for t in ignore config scan cache lex index odb; do
			if sh fuzz/run.sh "$t" "${FUZZ_SECONDS:-20}"; then echo "1 0" >>"$RESULTS"; else echo "0 1" >>"$RESULTS"; status=1; fi
		done
	else
		cat /tmp/walker-build.$$
		echo "0 1" >>"$RESULTS"
		status=1
	fi
	# the benchmark harness, as a smoke test (not a timing gate): results and report produced
	echo "== bench-quick (harness smoke test)"
	if timeout -k 10 "$E2E_LIMIT" sh bench/stress.sh --quick >/tmp/walker-bench.$$ 2>&1 &&
		jq -e '.targets | length > 10' bench/results/latest-quick.json >/dev/null &&
		[ -s reports/benchmark-quick.md ] && grep -q '<svg' reports/benchmark-quick.html; then
		echo "  ok   bench-quick: results JSON, markdown and HTML report with charts"
		echo "1 0" >>"$RESULTS"
	else
		tail -n 20 /tmp/walker-bench.$$
		echo "  FAIL bench-quick"
		echo "0 1" >>"$RESULTS"
		status=1
	fi
	# the regression gate: the same run with every walker time 1.5x slower must fail with a table
	jq '(.groups[][] | select(.name | startswith("walker")) | .wall) |= map_values(. * 1.5 + 0.001)' \
		bench/results/latest-quick.json >/tmp/walker-slowed.$$.json 2>/dev/null
	if ! sh bench/compare.sh bench/results/latest-quick.json /tmp/walker-slowed.$$.json 20 >/tmp/walker-bench.$$ 2>&1 &&
		grep -q REGRESSED /tmp/walker-bench.$$ && tail -n 1 /tmp/walker-bench.$$ | grep -q FAIL; then
		echo "  ok   baseline comparison: a walker 1.5x slower fails with a table of what regressed"
		echo "1 0" >>"$RESULTS"
	else
		cat /tmp/walker-bench.$$
		echo "  FAIL baseline comparison"
		echo "0 1" >>"$RESULTS"
		status=1
	fi
	rm -f /tmp/walker-bench.$$ /tmp/walker-slowed.$$.json
fi
rm -f /tmp/walker-build.$$
awk '{p += $1; f += $2} END {printf "%d passed, %d failed\n", p, f; exit (f > 0)}' "$RESULTS" || status=1
rm -f "$RESULTS"
rm -rf "$XDG_CACHE_HOME"
exit $status
