/* scan: line-oriented PCRE2 matching with a literal prefilter, and the comment
 * and test-code rules. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan.h"

#include <pcre2.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"
#include "banned.h"

#define MATCH_LIMIT 5000000u /* PCRE2 steps per match attempt: pathological regexes stop here */
#define DEPTH_LIMIT 100000u
#define JIT_STACK_MAX (1u << 20)
/* The match limit is per start position: (?:a|a){1,20}c stays under it at each of a 4 KB line's
 * starts and takes 30 s in all. So a search tries its start positions in chunks (an offset limit)
 * and the time spent is checked between them; a chunk grows while it is fast. */
#define CHUNK_FIRST 64
#define CHUNK_FAST_NS 200000u
#define OVER_BUDGET (-10000) /* from budget_match: the pattern's time budget is spent */

struct hit {
	size_t off;
	uint16_t pat;
};

struct range {
	size_t start, end;
};

struct scan_ctx {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
	struct hit *hits;
	size_t nhits, ahits;
	struct range *tests;
	size_t ntests, atests;
	/* the file being scanned */
	const char *buf;
	size_t len;
	struct scan_result *res;
	int limited;
	size_t limit_off;
	/* the time budget of the pattern being searched */
	struct scan_budget *budget;
	uint64_t pat_ns;
	size_t chunk;
};

struct scan_budget {
	atomic_uchar stopped[RULES_MAX_PATTERNS];
};

struct scan_budget *scan_budget_new(void)
{
	struct scan_budget *b = xmalloc(sizeof(*b));
	for (size_t i = 0; i < RULES_MAX_PATTERNS; i++)
		atomic_init(&b->stopped[i], 0);
	return b;
}

void scan_budget_free(struct scan_budget *b)
{
	free(b);
}

void scan_ctx_set_budget(struct scan_ctx *sc, struct scan_budget *b)
{
	sc->budget = b;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* pcre2_match of subject [0, len) from start, its start positions tried in chunks, with the
 * pattern's time budget checked between them: pcre2_match's result, or OVER_BUDGET. */
static int budget_match(struct scan_ctx *sc, const pcre2_code *code, size_t len, size_t start)
{
	for (;;) {
		if (sc->pat_ns > SCAN_FILE_BUDGET_NS)
			return OVER_BUDGET;
		size_t lim = len - start > sc->chunk ? start + sc->chunk : len;
		pcre2_set_offset_limit(sc->mc, lim < len ? lim : PCRE2_UNSET);
		uint64_t t0 = mono_ns();
		int rc = pcre2_match(code, (PCRE2_SPTR)sc->buf, len, start, 0, sc->md, sc->mc);
		uint64_t dt = mono_ns() - t0;
		sc->pat_ns += dt;
		if (rc != PCRE2_ERROR_NOMATCH || lim >= len)
			return rc;
		if (dt < CHUNK_FAST_NS && sc->chunk < (SIZE_MAX >> 3))
			sc->chunk *= 4;
		start = lim + 1; /* no match started at or before lim */
		while (start < len && ((unsigned char)sc->buf[start] & 0xc0) == 0x80)
			start++;
	}
}

/* Record that pattern pi stopped at offset off: the first stop of the file is the one reported. */
static void stop_at(struct scan_ctx *sc, uint16_t pi, size_t off, int timed)
{
	if (!sc->limited) {
		sc->limited = 1;
		sc->limit_off = off;
		sc->res->limit_pat = pi;
	}
	if (timed) {
		sc->res->timed = 1;
		if (sc->budget) /* and for the rest of the run */
			atomic_store_explicit(&sc->budget->stopped[pi], 1, memory_order_relaxed);
	}
}

struct scan_ctx *scan_ctx_new(void)
{
	struct scan_ctx *sc = xcalloc(1, sizeof(*sc));
	sc->md = pcre2_match_data_create(1, NULL);
	sc->mc = pcre2_match_context_create(NULL);
	sc->js = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	if (!sc->md || !sc->mc)
		xmalloc(SIZE_MAX); /* out of memory: fatal, with the usual message */
	pcre2_set_match_limit(sc->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mc, DEPTH_LIMIT);
	if (sc->js)
		pcre2_jit_stack_assign(sc->mc, NULL, sc->js);
	return sc;
}

void scan_ctx_free(struct scan_ctx *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mc);
	pcre2_jit_stack_free(sc->js);
	free(sc->hits);
	free(sc->tests);
	free(sc);
}

void scan_result_release(struct scan_result *res)
{
	free(res->m);
	res->m = NULL;
	res->n = res->alloc = 0;
	scan_result_reset(res);
}

const char *scan_outcome_name(int outcome)
{
	static const char *const names[] = { "violation", "allowed", "test", "counted" };
	return outcome >= 0 && outcome <= SO_COUNTED ? names[outcome] : "?";
}

static void add_hit(struct scan_ctx *sc, size_t off, uint16_t pat)
{
	ALLOC_GROW(sc->hits, sc->nhits + 1, sc->ahits);
	sc->hits[sc->nhits].off = off;
	sc->hits[sc->nhits].pat = pat;
	sc->nhits++;
}

static size_t line_start(const char *buf, size_t floor, size_t off)
{
	const char *nl = off > floor ? memrchr(buf + floor, '\n', off - floor) : NULL;
	return nl ? (size_t)(nl - buf) + 1 : floor;
}

static size_t line_end(const char *buf, size_t len, size_t off)
{
	const char *nl = memchr(buf + off, '\n', len - off);
	return nl ? (size_t)(nl - buf) : len;
}

/* What a regex's text says about line-by-line matching (docs/patterns.md, "-e counts as rg").
 * RX_PER_LINE: it can match at a line's end where the same text followed by a newline cannot
 * (\z, \Z, \G, a negative lookahead, an atomic group, a possessive quantifier, a backtracking
 * verb, an option group that unsets multiline): a search of the whole buffer may then miss a
 * line's match, so every line is searched on its own. RX_LOOKBEHIND: a lookbehind, which must not
 * see the line above: a line counts only when it matches on its own, as rg decides. Errs towards
 * the slower, exact path (a '\z' inside a class counts too). */
enum { RX_PER_LINE = 1, RX_LOOKBEHIND = 2 };
static unsigned regex_traits(const char *re)
{
	unsigned t = 0;
	for (const char *q = re; *q; q++) {
		if (q[0] == '\\' && q[1]) {
			if (q[1] == 'z' || q[1] == 'Z' || q[1] == 'G')
				t |= RX_PER_LINE;
			q++;
		} else if (q[0] == '(' && q[1] == '*') {
			t |= RX_PER_LINE;
		} else if (q[0] == '(' && q[1] == '?') {
			const char *o = q + 2;
			if (*o == '!' || *o == '>' || *o == '^')
				t |= RX_PER_LINE;
			if (*o == '<' && (o[1] == '=' || o[1] == '!'))
				t |= RX_LOOKBEHIND;
			while ((*o >= 'a' && *o <= 'z') || (*o >= 'A' && *o <= 'Z'))
				o++;
			if (*o == '-')
				t |= RX_PER_LINE;
		} else if ((q[0] == '*' || q[0] == '+' || q[0] == '?' || q[0] == '}') && q[1] == '+') {
			t |= RX_PER_LINE;
		}
	}
	return t;
}

/* All matches of pattern pi within the line [ls, le): the subject ends at le.
 * Returns -1 when a PCRE2 limit stopped it. */
static int match_line(struct scan_ctx *sc, const pcre2_code *code, uint16_t pi, size_t ls, size_t le, unsigned traits)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	size_t start = ls, prev_end = SIZE_MAX;
	if (traits & RX_LOOKBEHIND) { /* the line on its own first: its lookbehind sees no line above */
		pcre2_set_offset_limit(sc->mc, PCRE2_UNSET);
		int rc = pcre2_match(code, (PCRE2_SPTR)sc->buf + ls, le - ls, 0, 0, sc->md, sc->mc);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
	}
	for (;;) {
		int rc = budget_match(sc, code, le, start);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			stop_at(sc, pi, start, rc == OVER_BUDGET);
			return -1;
		}
		/* an empty match at the end of a last line without a newline: rg does not count it */
		if (ov[0] == ov[1] && ov[0] == sc->len && le == sc->len)
			return 0;
		/* nor one where the previous match ended (x* on "xa": x, then a's empty match; not 1) */
		if (ov[0] != ov[1] || ov[0] != prev_end)
			add_hit(sc, ov[0], pi);
		if (ov[1] > ov[0]) {
			start = prev_end = ov[1];
		} else {
			start = ov[0] + 1;
			while (start < le && ((unsigned char)sc->buf[start] & 0xc0) == 0x80)
				start++;
		}
		if (start > le)
			return 0;
	}
}

static void find_pattern(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi)
{
	const char *buf = sc->buf;
	size_t len = sc->len, pos = 0;
	unsigned traits = regex_traits(p->regex);
	sc->pat_ns = 0;
	sc->chunk = CHUNK_FIRST;
	if (sc->budget && atomic_load_explicit(&sc->budget->stopped[pi], memory_order_relaxed)) {
		stop_at(sc, pi, 0, 1); /* over its budget in an earlier file: stopped for the run */
		return;
	}
	if (p->lit) {
		size_t rare = p->rare, misses = 0, floor = 0; /* floor: a line start at or before pos */
		unsigned char rc = (unsigned char)p->lit[rare];
		while (pos + p->litlen <= len) {
			size_t off;
			if (misses < 256 || misses * 32 < pos) {
				/* memchr for the literal's rarest byte, then compare the literal around it */
				const char *h = memchr(buf + pos + rare, rc, len - pos - rare);
				if (!h)
					return;
				off = (size_t)(h - buf) - rare;
				if (off + p->litlen > len)
					return;
				if (memcmp(buf + off, p->lit, p->litlen)) {
					misses++;
					pos = off + 1;
					continue;
				}
			} else {
				/* the "rare" byte is common in this file: a two-way search is faster */
				const char *h = memmem(buf + pos, len - pos, p->lit, p->litlen);
				if (!h)
					return;
				off = (size_t)(h - buf);
			}
			size_t ls = line_start(buf, floor, off), le = line_end(buf, len, off);
			if (match_line(sc, p->code, pi, ls, le, traits) < 0)
				return;
			pos = floor = le + 1;
		}
		return;
	}
	if (traits & RX_PER_LINE) {
		for (; pos < len; pos++) { /* a newline ends a line; it does not start an empty one */
			size_t le = line_end(buf, len, pos);
			if (match_line(sc, p->code, pi, pos, le, traits) < 0)
				return;
			pos = le;
		}
		return;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	while (pos < len) {
		int rc = budget_match(sc, p->code, len, pos);
		if (rc == PCRE2_ERROR_NOMATCH)
			return;
		if (rc < 0) {
			stop_at(sc, pi, pos, rc == OVER_BUDGET);
			return;
		}
		/* the leftmost line-bounded match cannot start before the leftmost unbounded one (but
		 * for the constructs regex_traits sends down the per-line path) */
		size_t off = ov[0] < len ? ov[0] : len;
		if (off == len && buf[len - 1] == '\n')
			return; /* past the last newline: no line there */
		size_t ls = line_start(buf, pos, off), le = line_end(buf, len, off);
		if (match_line(sc, p->code, pi, ls, le, traits) < 0)
			return;
		pos = le + 1;
	}
}

static int cmp_hit(const void *a, const void *b)
{
	const struct hit *x = a, *y = b;
	if (x->off != y->off)
		return x->off < y->off ? -1 : 1;
	return (int)x->pat - (int)y->pat;
}

/* Rust #[cfg(test)] items: from the attribute's line to the line of the brace
 * that closes the item (or of the ';' that ends it before any brace). Braces in
 * strings and comments are not told apart. */
static void find_test_modules(struct scan_ctx *sc)
{
	static const char attr[] = "#[cfg(test)]";
	const char *buf = sc->buf;
	size_t len = sc->len, pos = 0;
	sc->ntests = 0;
	while (pos < len) {
		const char *h = memmem(buf + pos, len - pos, attr, sizeof(attr) - 1);
		if (!h)
			break;
		size_t off = (size_t)(h - buf);
		struct range rg = { line_start(buf, pos, off), len };
		size_t i = off + sizeof(attr) - 1;
		long depth = 0;
		for (; i < len; i++) {
			char c = buf[i];
			if (c == '{') {
				depth++;
			} else if (c == '}') {
				if (--depth <= 0)
					break;
			} else if (c == ';' && depth == 0) {
				break;
			}
		}
		if (i < len)
			rg.end = line_end(buf, len, i);
		ALLOC_GROW(sc->tests, sc->ntests + 1, sc->atests);
		sc->tests[sc->ntests++] = rg;
		pos = rg.end < len ? rg.end + 1 : len;
	}
}

/* 0 blank, 1 comment-only, 2 code (docs/patterns.md, "the comment rule"). */
static int classify_line(const char *s, size_t n, int lang)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	if (i == n)
		return 0;
	int slash = lang != RL_PY && lang != RL_RB && lang != RL_SH;
	int hash = lang == RL_PY || lang == RL_RB || lang == RL_SH || lang == RL_OTHER;
	if (slash && (s[i] == '*' || (s[i] == '/' && i + 1 < n && (s[i + 1] == '/' || s[i + 1] == '*'))))
		return 1;
	if (hash && s[i] == '#')
		return 1;
	return 2;
}

static int has_marker(const struct rules_pattern *p, const char *s, size_t n)
{
	for (size_t k = 0; k < p->nmarkers; k++)
		if (memmem(s, n, p->markers[k], strlen(p->markers[k])))
			return 1;
	return 0;
}

/* The comment rule: the marker on the match's line, or on the blank or
 * comment-only lines directly above it; the first code line above ends the
 * search and is not searched. */
static int justified(const struct scan_ctx *sc, const struct rules_pattern *p, int lang, size_t ls, size_t le)
{
	const char *buf = sc->buf;
	if (has_marker(p, buf + ls, le - ls))
		return 1;
	while (ls > 0) {
		size_t pe = ls - 1; /* the '\n' ending the line above */
		size_t ps = line_start(buf, 0, pe);
		if (classify_line(buf + ps, pe - ps, lang) == 2)
			return 0;
		if (has_marker(p, buf + ps, pe - ps))
			return 1;
		ls = ps;
	}
	return 0;
}

void scan_buffer(struct scan_ctx *sc, const struct rules *r, const char *buf, size_t len, const struct rules_class *c,
		 const uint16_t *idx, size_t nidx, struct scan_result *res)
{
	scan_result_reset(res);
	if (!r->binary && memchr(buf, '\0', len < SCAN_BINARY_PROBE ? len : SCAN_BINARY_PROBE)) {
		res->status = SS_BINARY;
		return;
	}
	sc->buf = buf;
	sc->len = len;
	sc->res = res;
	sc->nhits = 0;
	sc->limited = 0;
	for (size_t i = 0; i < nidx; i++)
		find_pattern(sc, &r->pats[idx[i]], idx[i]);
	if (sc->nhits > 1)
		qsort(sc->hits, sc->nhits, sizeof(*sc->hits), cmp_hit);
	int rust_tests = 0;
	if (sc->nhits && c->lang == RL_RUST && !c->test) {
		find_test_modules(sc);
		rust_tests = sc->ntests > 0;
	}
	ALLOC_GROW(res->m, sc->nhits, res->alloc);
	/* one forward pass: line numbers and line bounds of every hit */
	size_t cur_ls = 0, scanned = 0;
	uint32_t line = 1;
	size_t t = 0;
	for (size_t i = 0; i < sc->nhits; i++) {
		size_t off = sc->hits[i].off;
		for (const char *q = buf + scanned; (q = memchr(q, '\n', (size_t)(buf + off - q))); q++) {
			line++;
			cur_ls = (size_t)(q - buf) + 1;
		}
		scanned = off;
		const struct rules_pattern *p = &r->pats[sc->hits[i].pat];
		int test = c->test;
		if (rust_tests) {
			while (t < sc->ntests && sc->tests[t].end < off)
				t++;
			test = t < sc->ntests && sc->tests[t].start <= off;
		}
		int outcome;
		if (test && !p->in_tests)
			outcome = SO_TEST;
		else if (p->action == RA_FORBID)
			outcome = SO_VIOLATION;
		else if (p->action == RA_COUNT)
			outcome = SO_COUNTED;
		else
			outcome =
				justified(sc, p, c->lang, cur_ls, line_end(buf, len, off)) ? SO_ALLOWED : SO_VIOLATION;
		struct scan_match *m = &res->m[res->n++];
		m->line = line;
		m->col = (uint32_t)(off - cur_ls) + 1;
		m->pat = sc->hits[i].pat;
		m->outcome = (uint8_t)outcome;
	}
	if (sc->limited) {
		res->status = SS_LIMIT;
		uint32_t ln = 1;
		for (const char *q = buf; (q = memchr(q, '\n', (size_t)(buf + sc->limit_off - q))); q++)
			ln++;
		res->limit_line = ln;
	}
}
