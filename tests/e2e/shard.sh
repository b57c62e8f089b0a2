#!/bin/sh
# End-to-end tests of --shard I/N and tools/shard-merge.jq: on every fixture the shards split the
# files (each in exactly one), and their merged JSON equals one unsharded run; thresholds are judged
# on the merged counts; a sharded run keeps the other shards' cache entries.
set -u
. "$(dirname "$0")/lib.sh"
W=$PWD/$B/walker
MERGE=$PWD/tools/shard-merge.jq
T=$TMPROOT/shard
rm -rf "$T"; mkdir -p "$T"
echo "shard ($B)"
$B/genfixtures -q --out "$T" stress-huge-files stress-monorepo stress-large-file stress-patterns stress-nested \
	stress-hostile scale:300 || fail "generate the fixtures"
$B/genfixtures -q --git --out "$T/git" stress-monorepo || fail "generate the --git monorepo"

# one run's JSON without what depends on the thread count
norm() { jq 'del(.stats.threads, .stats.parallel)'; }
for f in stress-huge-files stress-monorepo stress-large-file stress-patterns stress-nested stress-hostile scale-300 \
	git/stress-monorepo; do
	one=$(cd "$T/$f" && "$W" --no-cache --format json . 2>/dev/null | norm)
	for n in 3 8; do
		i=1
		while [ $i -le $n ]; do
			(cd "$T/$f" && "$W" --no-cache --format json --shard $i/$n . >"$T/s$i.json" 2>/dev/null)
			i=$((i + 1))
		done
		merged=$(jq -s -f "$MERGE" $(i=1; while [ $i -le $n ]; do printf '%s ' "$T/s$i.json"; i=$((i + 1)); done) | norm)
		check_eq "$f: $n shards merged == one run" "$one" "$merged"
	done
	all=$(cd "$T/$f" && "$W" --files --hidden . 2>/dev/null | LC_ALL=C sort)
	parts=$(cd "$T/$f" && for i in 1 2 3; do "$W" --files --hidden --shard $i/3 . 2>/dev/null; done | LC_ALL=C sort)
	check_eq "$f: each file in exactly one of 3 shards" "$all" "$parts"
done

# the split is a fixed function of the path (XXH3-64 of the path relative to the root): the same
# on every machine and from any working directory
check_eq "stress-patterns: files per shard of 4, pinned" "$(cat <<'EOF2'
1 23
2 28
3 23
4 37
EOF2
)" "$(cd "$T/stress-patterns" && for i in 1 2 3 4; do printf '%s %s\n' $i "$("$W" --files --shard $i/4 . | wc -l)"; done)"
check_eq "the shard of a file does not depend on the working directory" \
	"$(cd "$T/stress-patterns" && "$W" --files --shard 2/4 . | LC_ALL=C sort)" \
	"$(cd "$T" && "$W" --files --shard 2/4 stress-patterns | sed 's|^stress-patterns/||' | LC_ALL=C sort)"

# a count pattern under its threshold in every shard but over it in total
R=$T/tree
mkdir -p "$R"
printf '[pattern todo]\nregex = \\bTODO\\b\naction = count\nthreshold = 3\nlangs = rust\nadvice = file an issue\n' >"$R/.walker.conf"
for k in 1 2 3 4 5 6; do printf '// TODO %s\n' $k >"$R/f$k.rs"; done
for i in 1 2 3; do (cd "$R" && "$W" --no-cache --format json --shard $i/3 . >"$T/t$i.json"); done
check_eq "threshold: no shard is over it alone" "true true true" "$(jq -r .passed "$T"/t1.json "$T"/t2.json "$T"/t3.json | tr '\n' ' ' | sed 's/ $//')"
check_eq "threshold: the merged report is over it, with the top files, as one run" \
	"$(cd "$R" && "$W" --no-cache --format json . | norm)" "$(jq -s -f "$MERGE" "$T"/t1.json "$T"/t2.json "$T"/t3.json | norm)"
check_eq "merge: a missing shard is an error" 5 "$(jq -s -f "$MERGE" "$T"/t1.json "$T"/t3.json >/dev/null 2>&1; echo $?)"
check_eq "--shard 0/3 is a usage error" 2 "$("$W" --shard 0/3 "$R" >/dev/null 2>&1; echo $?)"
check_eq "--shard 4/3 is a usage error" 2 "$("$W" --shard 4/3 "$R" >/dev/null 2>&1; echo $?)"

# a sharded run saves its files' results without dropping the other shards' entries
C=$T/cache
(cd "$T/stress-patterns" && "$W" --cache "$C" --shard 1/2 . >/dev/null; "$W" --cache "$C" --shard 2/2 . >/dev/null)
sleep 2.1 # past the racy window
check_eq "cache: after shards 1/2 and 2/2 a full run misses nothing" 0 \
	"$(cd "$T/stress-patterns" && "$W" --cache "$C" --stats --format json . | jq .stats.cache.misses)"

rm -rf "$T"
finish
