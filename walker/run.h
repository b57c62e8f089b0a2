/*
 * run: one run of the walker over its PATHs: the rules, each root's cache and walk (or
 * --changed-since), the merged result and the report. main.c makes one run; the watch loop
 * (watch.c) takes its pieces: the rules, the caches inside the tree, the cache figures.
 *
 * Calling sequence:
 *   struct run run;
 *   if (run_plan(&opts, &run) < 0) ... usage error in err_msg() ...     (roots and named files)
 *   if (opts.cache_clear) status = run_clear(&opts, &run);
 *   struct rules *r;
 *   if (run_rules(&opts, &r) < 0) ... err_msg() ...
 *   run_roots(&opts, r, &run);                   (run.errors; run.fatal: no report)
 *   status = run_report(&opts, r, &run, &out);   (the report in out, warnings in run.warn)
 *   run_release(&run);
 *   rules_free(r);
 *
 * Nothing here prints: messages for stderr are collected in run.errors (one each, without the
 * "walker: " prefix, to be quoted by the caller) and run.warn (whole lines).
 */
#ifndef RUN_H
#define RUN_H

#include <stddef.h>

#include "cache.h"
#include "opts.h"
#include "report.h"
#include "rules.h"
#include "sbuf.h"
#include "walk.h"

struct run {
	/* the plan: directories and files given as PATHs */
	const char **roots; /* walked one by one (each its own cache) */
	int nroots;
	char **named; /* relative files checked together in one walk of "." (pre-commit) */
	size_t nnamed;
	/* the outcome */
	struct walk_result res;
	struct report_opts ro; /* the options' report settings with the cache figures and wall time */
	struct sbuf warn;      /* warnings for stderr, whole lines */
	char **errors;         /* messages for stderr, in order */
	size_t nerrors;
	int failed_roots; /* PATHs that could not be walked */
	int fatal;        /* --changed-since or a refused cache: no report */
};

/* Split o's PATHs into roots and named files (none with --cache-clear or --changed-since).
 * Returns 0, or ERR_USAGE when --cache FILE would serve several roots. run is initialised. */
int run_plan(const struct opts *o, struct run *run);
void run_release(struct run *run);

/* --cache-clear: remove each root's cache. Returns the exit status (0, or 2 with run.errors). */
int run_clear(const struct opts *o, struct run *run);

/* The effective rules: the defaults, the config (--config, else the nearest .walker.conf from
 * the first PATH), the -e patterns, compiled. Returns 0 with *out set, or an ERR_* with
 * err_msg() (*out NULL). Warnings (a symlinked .walker.conf) go to warn when not NULL. */
int run_rules(const struct opts *o, struct rules **out, struct sbuf *warn);
/* The nearest .walker.conf from path upward to the top of its repository; outside a repository
 * only path's own directory is looked at. Returns a malloc'd path or NULL. A symlink named
 * .walker.conf ends the search unfollowed (a cloned tree must not make the walker read a file
 * elsewhere), with a warning line in warn when not NULL. */
char *run_find_config(const char *path, struct sbuf *warn);
/* --list-patterns: one line per pattern, every field from a config quoted. */
void run_list_patterns(struct sbuf *out, const struct rules *r);

/* Walk every root (and the named files) into run.res, with their caches; per-root failures go
 * to run.errors and run.failed_roots, warnings to run.warn. */
void run_roots(const struct opts *o, const struct rules *r, struct run *run);
/* The report (or --files list) of run into out; warnings for stderr appended to run.warn.
 * Returns the exit status before writing (0, 1 violations, 2 a failed root or nothing read). */
int run_report(const struct opts *o, const struct rules *r, struct run *run, struct sbuf *out);

/* The walker's own caches inside a walked directory (the default cache directory, a --cache
 * file there): added to o->self, whose strings live in s (set up with RUN_SELF_INIT) until
 * run_self_release. */
struct run_self {
	struct sbuf dir[2], name[2];
};
#define RUN_SELF_INIT                        \
	{                                    \
		{ SBUF_INIT, SBUF_INIT },    \
		{                            \
			SBUF_INIT, SBUF_INIT \
		}                            \
	}
void run_self_find(struct walk_opts *o, const char *root_real, const char *cache_file, struct run_self *s);
void run_self_release(struct run_self *s);

/* Add a root's cache figures to the report's stats. */
void run_cache_stats(struct report_opts *ro, struct cache *cache);

#endif
