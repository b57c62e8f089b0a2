#!/bin/sh
# End-to-end tests of the progress lines of genfixtures and bench/runner: shown on a terminal (a
# pseudo-terminal from script(1)), erased at the end, never when CI is set or stderr is a pipe.
set -u
. "$(dirname "$0")/lib.sh"
T=$TMPROOT/progress
rm -rf "$T"; mkdir -p "$T"
echo "progress ($B)"
if ! command -v script >/dev/null 2>&1; then
	echo "  skip progress: script(1) is not installed (Debian package bsdutils)"
	finish
	exit $?
fi
G=$PWD/$B/genfixtures
RUN=$PWD/$B/runner
# on a terminal: a bar with the entries done and the time left, erased before the summary line
env -u CI script -qec "$G --out $T/a scale:10000" /dev/null >"$T/tty.out" 2>&1
check "genfixtures on a terminal: a progress bar with the entries written and an ETA" \
	grep -q 'scale-10000: writing \[#*-*\] [0-9]*/10835 entries, [0-9]* s, ETA [0-9]* s' "$T/tty.out"
check "genfixtures on a terminal: the bar is erased before the summary line" \
	grep -q "$(printf '\r\033\\[K')scale-10000: 10000 files" "$T/tty.out"
CI=true script -qec "$G --out $T/b scale:10000" /dev/null >"$T/ci.out" 2>&1
check_eq "genfixtures with CI set: no progress" "" "$(grep -c 'writing \[' "$T/ci.out" | grep -v '^0$')"
env -u CI "$G" --out "$T/c" scale:10000 >"$T/pipe.out" 2>&1
check_eq "genfixtures into a pipe: no progress" "" "$(grep -c 'writing \[' "$T/pipe.out" | grep -v '^0$')"
check_eq "the three runs wrote the same tree" "$(jq -r .digest "$T/a/scale-10000.manifest.json")" \
	"$(jq -r .digest "$T/c/scale-10000.manifest.json")"

# the benchmark's runner: one line per run of the group, erased at the end
printf 'a\t\ttrue\nb\t\ttrue\n' >"$T/group"
env -u CI script -qec "$RUN -w 1 -r 2 -l demo.cold -o $T/r.json $T/group" /dev/null >"$T/run.out" 2>&1
check_eq "runner on a terminal: run k of all, the command, erased at the end" \
	"$(printf '\r\033[K  demo.cold: run 6/6, a; 0 s, ETA 0 s\r\033[K')" "$(tail -c 45 "$T/run.out")"
CI=1 script -qec "$RUN -w 1 -r 2 -l demo.cold -o $T/r.json $T/group" /dev/null >"$T/run.out" 2>&1
check_eq "runner with CI set: nothing on stderr" "" "$(cat "$T/run.out")"
check "bench/stress.sh names each group for the runner's line" grep -q -- '-l "$1"' bench/stress.sh

rm -rf "$T"
finish
