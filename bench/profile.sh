#!/bin/sh
# bench/profile.sh FIXTURE TOOL [WALKER ARGS...]: profile one walker run on one fixture
# (`make profile FIXTURE=stress-monorepo TOOL=perf ARGS=--no-cache`); docs/profiling.md explains
# each tool. Output goes to build/profile/FIXTURE.* and the last lines say where. FIXTURES=DIR
# takes the fixture from DIR instead of fixtures/ (generated there when missing).
set -eu
cd "$(dirname "$0")/.."
F=$1 TOOL=$2
shift 2
FIX=${FIXTURES:-fixtures}
D=$FIX/$F
[ -d "$D" ] || build/genfixtures -q --out "$FIX" "$F" || { echo "profile: no fixture '$F'" >&2; exit 2; }
O=build/profile
mkdir -p "$O"
W="build/walker --no-cache $* $D"
need() { command -v "$1" >/dev/null 2>&1 || { echo "profile: $1 is not installed: apt-get install $2" >&2; exit 2; }; }
case $TOOL in perf) need perf linux-perf ;; flame) sh tools/deps.sh profile || exit 2 ;; callgrind | massif) need valgrind valgrind ;; strace) need strace strace ;;
time) [ -x /usr/bin/time ] || { echo "profile: apt-get install time" >&2; exit 2; } ;; esac
case $TOOL in
perf)
	perf record -q -g -F 10000 -o "$O/$F.perf.data" $W >/dev/null 2>&1 || true
	perf report -i "$O/$F.perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null | grep -v '^#' | grep '%' | head -n 25
	echo "profile: perf data in $O/$F.perf.data (perf report -i $O/$F.perf.data; flame graph: docs/profiling.md)"
	;;
flame)
	# DWARF unwinding: the release build keeps no frame pointers, and -g alone loses the callers
	rm -f "$O/$F.flame.data"
	perf record -q --call-graph dwarf,16384 -F 4999 -o "$O/$F.flame.data" $W >/dev/null 2>&1 || true
	[ -s "$O/$F.flame.data" ] || { echo "profile: perf record wrote nothing (perf_event_paranoid?)" >&2; exit 2; }
	sh bench/flame.sh "$O/$F.flame.data" "$O/$F.flame" "walker --no-cache $* $F"
	;;
callgrind)
	valgrind --tool=callgrind --callgrind-out-file="$O/$F.callgrind" $W >/dev/null 2>"$O/$F.callgrind.log" || true
	callgrind_annotate "$O/$F.callgrind" 2>/dev/null | head -n 30
	echo "profile: callgrind output in $O/$F.callgrind (callgrind_annotate, or kcachegrind)"
	;;
massif)
	valgrind --tool=massif --massif-out-file="$O/$F.massif" $W >/dev/null 2>"$O/$F.massif.log" || true
	ms_print "$O/$F.massif" | head -n 40
	echo "profile: massif output in $O/$F.massif (ms_print $O/$F.massif)"
	;;
strace)
	strace -f -c -o "$O/$F.strace" $W >/dev/null 2>&1 || true
	head -n 25 "$O/$F.strace"
	echo "profile: syscall counts in $O/$F.strace"
	;;
time)
	/usr/bin/time -v $W >/dev/null 2>"$O/$F.time" || true
	grep -E 'Elapsed|Maximum resident|context switches|File system' "$O/$F.time"
	echo "profile: /usr/bin/time -v output in $O/$F.time"
	;;
stats)
	$W --stats | tail -n 2
	;;
*) echo "profile: TOOL must be perf, flame, callgrind, massif, strace, time or stats" >&2; exit 2 ;;
esac
