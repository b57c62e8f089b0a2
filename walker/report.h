/*
 * report: the walk's result as text (progressive disclosure: violations, then
 * one summary line) or as one JSON document in the layout of quench's escapes
 * check (docs/output.md).
 *
 * Calling sequence:
 *   struct report_opts ro = REPORT_OPTS_INIT;
 *   struct report_summary sum;
 *   report_summarize(rules, &result, &sum);            (counts, verdicts)
 *   report_warnings(&err, rules, &result);              (for stderr)
 *   report_text(&out, rules, &result, &sum, &ro);  or  report_json(&out, rules, &result, &sum, &ro);
 *     or  report_github(&out, rules, &result, &sum);  or  report_sarif(&out, rules, &result, &sum);
 *   report_summary_release(&sum);
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>

#include "rules.h"
#include "sbuf.h"
#include "walk.h"

struct report_opts {
	long limit;    /* violations shown in text; -1: all */
	int color;     /* ANSI colours in text */
	int stats;     /* add the stats */
	double wall_s; /* whole run, for the stats */
	/* the cache, for the stats */
	int cache_used;
	char *cache_path;
	uint64_t cache_loaded, cache_dropped, cache_written;
	double cache_load_s, cache_save_s;
	unsigned shard_index, shard_count; /* --shard: JSON says which, for merging (0: not sharded) */
	struct report_sink *sink;          /* report_json: where a long report goes as it is written */
};
#define REPORT_OPTS_INIT                                              \
	{                                                             \
		15, 0, 0, 0.0, 0, NULL, 0, 0, 0, 0.0, 0.0, 0, 0, NULL \
	}

/* report_json hands each REPORT_SPILL bytes of a long report to write and empties out, so that a
 * report of a million matches is neither held whole nor grown by copying (its cost follows what
 * is written: bench group "report"). write returns 0, or -1: then failed is set and the rest is
 * formatted and dropped. Without a sink the whole report stays in out. */
#define REPORT_SPILL (256u << 10)
struct report_sink {
	int (*write)(void *ctx, const char *buf, size_t len);
	void *ctx;
	int failed;
};

struct report_summary {
	uint64_t *source, *test; /* matches per pattern */
	uint64_t *by_outcome[4]; /* source matches per pattern, per outcome (enum scan_outcome) */
	uint64_t violations;     /* match violations */
	uint64_t over_threshold; /* count patterns over their threshold */
	uint64_t allowed, in_tests, counted, skipped, unreadable, limited;
};

void report_summarize(const struct rules *r, const struct walk_result *res, struct report_summary *sum);
void report_summary_release(struct report_summary *sum);
static inline int report_passed(const struct report_summary *s)
{
	return s->violations == 0 && s->over_threshold == 0;
}

/* The per-file warnings for stderr (unreadable, special files, loops, match limits), appended. */
void report_warnings(struct sbuf *warn, const struct rules *r, const struct walk_result *res);
/* The text report, appended to out. */
void report_text(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		 const struct report_summary *sum, const struct report_opts *ro);
void report_json(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		 const struct report_summary *sum, const struct report_opts *ro);

/* GitHub Actions workflow commands, appended: one "::error file=P,line=L,col=C,title=PATTERN::
 * ADVICE" line per violation and one per count pattern over its threshold, escaped as the runner
 * unescapes them (docs/output.md). Nothing else: the exit status says pass or fail. */
void report_github(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		   const struct report_summary *sum);

/* SARIF 2.1.0, appended: one run; every pattern a rule; each violation a result, each allowed
 * match a result with an inSource suppression, each count pattern over its threshold one result;
 * unreadable and skipped files as notifications (docs/output.md). Reads each file with results
 * again, relative to the working directory, for the text of the result's line (fingerprint,
 * UTF-16 column, justification); a file that cannot be read gives plainer results, no error. */
void report_sarif(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		  const struct report_summary *sum);

/* --watch (docs/watch.md): a violation that a cycle found new, or fixed. */
struct report_change {
	const char *path; /* as displayed */
	size_t pathlen;
	struct scan_match m;
	const struct rules *r; /* the rules m was judged with (a fixed one may predate a config change) */
	int fixed;             /* 1: gone since the last report; 0: new */
};

struct report_cycle {
	unsigned long number; /* 0: the first run */
	int full;             /* the whole tree was walked again */
	char *const *checked; /* the paths checked again, as displayed */
	size_t nchecked;
	const struct report_change *changes; /* sorted by path, line, column */
	size_t nchanges;
	const struct report_summary *prev; /* the last report's summary, for threshold lines (NULL: none) */
};

/* One cycle as text, appended: "- " and a violation line for each fixed one, "+ " for each new one
 * (ro->limit of them, then "... and N more"), the line of each count pattern that went over its
 * threshold or changed its count there (or "within the threshold" when it came back), and the
 * summary line. */
void report_text_cycle(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		       const struct report_summary *sum, const struct report_cycle *cy, const struct report_opts *ro);
/* One cycle as one JSON document on one line (JSON Lines), appended: cycle, full, passed, checked,
 * new, fixed, threshold_violations, summary, counts. */
void report_json_cycle(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		       const struct report_summary *sum, const struct report_cycle *cy);

/* A path for text output: as is when it is printable UTF-8 without '"' or '\\',
 * else C-quoted
 * ("new\nline.rs", "bad-\377.rs") as git's core.quotePath does: quote_c(QUOTE_PATH). */
void report_path_text(struct sbuf *out, const char *p, size_t len);

#endif
