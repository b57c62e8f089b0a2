/*
 * scan: find the escape-pattern matches in one file's bytes and judge each
 * (violation, allowed by a comment, test code, counted). A pure function of the
 * bytes, the path class and the rules, so a cached result is indistinguishable
 * from a fresh one.
 *
 * Calling sequence (one scan_ctx per thread):
 *   struct scan_ctx *sc = scan_ctx_new();
 *   struct scan_result res = SCAN_RESULT_INIT;
 *   scan_buffer(sc, rules, buf, len, &class, idx, nidx, &res);
 *   ... res.m[0 .. res.n) sorted by line, column, pattern ...
 *   scan_result_reset(&res); ... scan_result_release(&res);
 *   scan_ctx_free(sc);
 *
 * Where a match may start (code, comment, any) and the comment rule read the
 * lexer's spans (lex.h); Rust test items and module declarations come from
 * rust.h. Cost is linear in the bytes plus the matches.
 *
 * Matching is line-oriented: a match never spans a newline. A literal every
 * match must contain is searched for first; the regex runs only on the lines
 * holding it, with the subject ending at the line's end, so the engine itself
 * cannot cross the newline. Patterns without such a literal search the whole
 * buffer for the first possible start, then re-run bounded to that line.
 */
#ifndef SCAN_H
#define SCAN_H

#include <stddef.h>
#include <stdint.h>

#include "rules.h"
#include "sbuf.h"

enum scan_outcome { SO_VIOLATION, SO_ALLOWED, SO_TEST, SO_COUNTED };
enum scan_status { SS_OK, SS_BINARY, SS_LIMIT };

#define SCAN_BINARY_PROBE 8000 /* a NUL in the first 8000 bytes: binary, as git decides */

struct scan_match {
	uint32_t line, col; /* 1-based; col in bytes */
	uint16_t pat;       /* index into rules->pats */
	uint8_t outcome;    /* enum scan_outcome */
};

struct scan_result {
	struct scan_match *m;
	size_t n, alloc;
	struct sbuf mods;    /* Rust: the module files it declares (rust.h: flag byte, name, NUL each) */
	int status;          /* enum scan_status */
	uint16_t limit_pat;  /* SS_LIMIT: the pattern that hit PCRE2's match limit */
	uint32_t limit_line; /* ... and on which line; its other matches are still
                          reported */
	int timed;           /* SS_LIMIT from a time budget: depends on the machine, not to be cached */
};
#define SCAN_RESULT_INIT                              \
	{                                             \
		NULL, 0, 0, SBUF_INIT, SS_OK, 0, 0, 0 \
	}

struct scan_ctx;

struct scan_ctx *scan_ctx_new(void);
void scan_ctx_free(struct scan_ctx *sc);

/* A run's regex budget, shared by the contexts of its threads (docs/patterns.md): a pattern that
 * spends more than SCAN_FILE_BUDGET_NS matching one file is stopped there (SS_LIMIT) and for the
 * rest of the run (SS_LIMIT from line 1 in every later file it applies to). Thread-safe. */
#define SCAN_FILE_BUDGET_NS 500000000ull
struct scan_budget;
struct scan_budget *scan_budget_new(void);
void scan_budget_free(struct scan_budget *b);
/* Use b (owned by the caller, outliving sc's scans); NULL: the file budget only. */
void scan_ctx_set_budget(struct scan_ctx *sc, struct scan_budget *b);

/* Let a scan of a big file (2 MB or more) start up to n helper threads, each searching and lexing
 * a part of it (0, the default: none). The result is the same whatever n. A pattern's time budget
 * (SCAN_FILE_BUDGET_NS) is then per part. */
void scan_ctx_set_helpers(struct scan_ctx *sc, int n);
/* For a SIGBUS handler (a mapped file shrank), before its own way out: while a big file is read in
 * parts, ends the part of the thread that took it, and once every part has ended, the scan raises
 * SIGBUS again in the thread that called scan_buffer; anywhere else, returns. */
void scan_sigbus(void);

/* Scan buf[0..len) with the patterns idx[0..nidx). Resets res first. Never
 * fails: the PCRE2 match limit is reported through res->status. */
void scan_buffer(struct scan_ctx *sc, const struct rules *r, const char *buf, size_t len, const struct rules_class *c,
		 const uint16_t *idx, size_t nidx, struct scan_result *res);

static inline void scan_result_reset(struct scan_result *res)
{
	res->n = 0;
	sbuf_reset(&res->mods);
	res->status = SS_OK;
	res->limit_pat = 0;
	res->limit_line = 0;
	res->timed = 0;
}
void scan_result_release(struct scan_result *res);

const char *scan_outcome_name(int outcome);

#endif
