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
[ "$what" = all ] && what="ignore config scan cache lex index odb"
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
	index) # every format git writes: versions 2, 3 (extended flags) and 4, split (with its shared
		# index after the separator the harness looks for), sparse
		G=$S/repo
		git init -q "$G" && mkdir -p "$G/a/b" "$G/c" && for f in a/x.rs a/b/y.rs c/z.rs top.rs; do echo "$f" >"$G/$f"; done
		git -C "$G" add . && git -C "$G" -c user.name=f -c user.email=f@f commit -qm seed
		git -C "$G" update-index --split-index && echo n >"$G/c/new.rs" && git -C "$G" add c/new.rs &&
			git -C "$G" rm -q --cached a/x.rs
		sh_ix=$(ls "$G/.git" | grep '^sharedindex\.' | head -n 1)
		[ -n "$sh_ix" ] && { cat "$G/.git/index"; printf '\n--shared--\n'; cat "$G/.git/$sh_ix"; } >"$2/index-split"
		git -C "$G" update-index --no-split-index && git -C "$G" add a/x.rs
		for v in 2 3 4; do
			git -C "$G" update-index --index-version $v
			[ $v = 3 ] && git -C "$G" update-index --skip-worktree top.rs
			cp "$G/.git/index" "$2/index-v$v"
		done
		git -C "$G" sparse-checkout set --cone --sparse-index a >/dev/null 2>&1 && cp "$G/.git/index" "$2/index-sparse" ;;
	odb) # a pack with whole objects and delta chains (after the harness's selector byte, 1), trees
		# (selector 2), a delta git made (selector 0: base, then delta, as the harness splits)
		G=$S/objs
		git init -q "$G" && mkdir -p "$G/a/b" && for i in 1 2 3 4 5 6; do
			for f in a/x.rs a/b/y.rs top.rs; do echo "fn f$i() {} // $f" >>"$G/$f"; done
			git -C "$G" add -A && git -C "$G" -c user.name=f -c user.email=f@f commit -qm "c$i"
		done
		git -C "$G" repack -adq --depth=10 --window=10
		{ printf '\001'; cat "$G"/.git/objects/pack/*.pack; } >"$2/pack"
		for tr in HEAD^{tree} HEAD:a HEAD~3:a/b; do
			{ printf '\002'; git -C "$G" cat-file tree "$tr"; } >"$2/tree-$(echo "$tr" | cksum | cut -d' ' -f1)"
		done
		printf '\000hello worldhello world\013\021\220\006\006there \221\006\005' >"$2/delta" ;;
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
