# Merge the JSON reports of `walker --shard I/N --format json` (every I from 1 to N, the same N,
# options and tree) into the report one unsharded run writes (docs/output.md, "Sharding"):
#
#   jq -s -f tools/shard-merge.jq shard-*.json > walker.json
#
# Each file is in exactly one shard, so the matches, the skipped and unreadable files and the
# per-file counters are added up; what every shard sees alike (directories, ignored entries,
# special files, unreadable directories) is taken once. A count pattern's threshold is judged on
# the merged counts, with the thresholds each shard's "shard" key carries.

def check_shards:
	(.[0].shard.count // error("not the output of walker --shard I/N --format json")) as $n
	| if ([.[].shard.count] | unique) != [$n] then error("the reports come from different --shard counts")
	  elif ([.[].shard.index] | sort) != [range(1; $n + 1)] then
		error("need each shard 1..\($n) once, got \([.[].shard.index] | sort)")
	  else . end;

check_shards
| . as $docs
| ($docs[0].counts.source | keys_unsorted) as $order
| (reduce range(0; $order | length) as $i ({}; .[$order[$i]] = $i)) as $rank
# matches: every shard's, in the order of one run (path bytes, line, column, pattern order)
| def matches($k): [$docs[][$k][]] | sort_by([.file, .line, .column, $rank[.pattern]]);
# per-file entries some of which every shard reports (an unreadable directory): once each
def entries($k): [$docs[][$k][]] | unique_by([.file, .reason, .pattern, .line]);
def sumcounts($k): reduce $order[] as $p ({}; .[$p] = ([$docs[].counts[$k][$p]] | add));
sumcounts("source") as $source
| matches("violations") as $violations
| matches("counted") as $counted
| [$docs[0].shard.count_patterns[] | select($source[.pattern] > .threshold) | . as $c
   | {pattern, type: "threshold_exceeded", action: "count", count: $source[.pattern], threshold, advice,
      top_files: ([$counted[] | select(.pattern == $c.pattern) | .file] | group_by(.)
                  | map({file: .[0], count: length}) | sort_by([-.count, .file]) | .[:5])}] as $over
| entries("unreadable") as $unreadable
| [$docs[].stats] as $st
| def same: ["directories", "ignored", "hidden", "symlinks", "special", "threads", "wall_s"];
$docs[0]
| del(.shard)
| .passed = (($violations | length) == 0 and ($over | length) == 0)
| .counts = {source: $source, test: sumcounts("test")}
| .violations = $violations
| .threshold_violations = $over
| .allowed = matches("allowed")
| .test = matches("test")
| .counted = $counted
| .skipped = entries("skipped")
| .unreadable = $unreadable
| .errors = entries("errors")
| .stats = (.stats | with_entries(.key as $k | .value =
	if $k == "unreadable" then ($unreadable | length)
	elif $k == "parallel" then any($st[]; .parallel)
	elif $k == "cache" then .value
	elif (same | index([$k])) then ([$st[][$k]] | max)
	else ([$st[][$k]] | add) end))
