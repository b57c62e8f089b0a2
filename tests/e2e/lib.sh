# Shared helpers for the end-to-end tests. Each test script sources this file, calls `ok NAME`
# or `fail NAME DETAIL` per check, and finishes with `finish`. tests/run.sh adds up the counts.
: "${B:=build}"
: "${TMPROOT:=$(mktemp -d /tmp/walker-e2e.XXXXXX)}"
PASS=0
FAIL=0
ok() { PASS=$((PASS + 1)); printf '  ok   %s\n' "$1"; }
fail() { FAIL=$((FAIL + 1)); printf '  FAIL %s\n' "$1"; [ $# -gt 1 ] && printf '       %s\n' "$2"; return 0; }
check() { # check NAME COMMAND...: passes when the command succeeds
	name=$1; shift
	if "$@" >/tmp/e2e-check.$$ 2>&1; then ok "$name"; else fail "$name" "$(head -c 600 /tmp/e2e-check.$$)"; fi
}
check_eq() { # check_eq NAME EXPECTED ACTUAL
	if [ "$2" = "$3" ]; then ok "$1"; else
		fail "$1" "expected [$(printf '%s' "$2" | head -c 800)] got [$(printf '%s' "$3" | head -c 800)]"
		printf '%s\n' "$2" >/tmp/e2e-expected.$$; printf '%s\n' "$3" | diff /tmp/e2e-expected.$$ - | head -n 20
		rm -f /tmp/e2e-expected.$$
	fi
}
# unpriv_copy BIN: a copy of BIN that the unprivileged user of `setpriv --reuid=65534` can run,
# wherever the checkout lies (under a 0700 directory, such as a clone in a mktemp -d, it cannot
# reach build/): prints its path. The copies live in a directory of mode 0755 of their own.
UNPRIV_DIR=""
if [ "$(id -u)" = 0 ]; then UNPRIV_DIR=$(mktemp -d /tmp/walker-unpriv.XXXXXX) && chmod 755 "$UNPRIV_DIR"; fi
unpriv_copy() {
	[ -n "$UNPRIV_DIR" ] && cp "$1" "$UNPRIV_DIR/" && chmod 755 "$UNPRIV_DIR/$(basename "$1")" &&
		echo "$UNPRIV_DIR/$(basename "$1")"
}
finish() {
	[ -n "$UNPRIV_DIR" ] && rm -rf "$UNPRIV_DIR"
	rm -f /tmp/e2e-check.$$
	[ -n "${RESULTS:-}" ] && echo "$PASS $FAIL" >>"$RESULTS"
	[ "$FAIL" -eq 0 ]
}
# reap PID SECS: PID's exit status once it has ended, or 124 after SECS seconds (then it is killed
# with SIGKILL): a test that waits for a process it signalled never hangs the suite. A child that
# has ended but is not yet waited for is a zombie (state Z): kill -0 would still find it.
reap() {
	n=0
	while r_st=$(sed 's/.*) //; s/ .*//' "/proc/$1/stat" 2>/dev/null) && [ "$r_st" != Z ]; do
		n=$((n + 1))
		if [ $n -gt $(($2 * 50)) ]; then
			kill -9 "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.02
	done
	wait "$1"
}
# manifest field reader (jq)
mf() { jq -r "$2" "$1"; }
