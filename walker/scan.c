/* scan: line-oriented PCRE2 matching with a literal prefilter, and the comment
 * and test-code rules. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "scan.h"

#include <pcre2.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "lex.h"
#include "rust.h"
#include "xalloc.h"
#include "banned.h"

#define MATCH_LIMIT 5000000u /* PCRE2 steps per match attempt: pathological regexes stop here */
#define DEPTH_LIMIT 100000u
#define JIT_STACK_MAX (1u << 20)
#define INSIDE_LINES 64 /* lines looked at for a marker comment first inside a block */
/* The match limit is per start position: (?:a|a){1,20}c stays under it at each of a 4 KB line's
 * starts and takes 30 s in all. So a search tries its start positions in chunks (an offset limit)
 * and the time spent is checked between them; a chunk grows while it is fast. */
#define CHUNK_FIRST 64
#define CHUNK_FAST_NS 200000u
#define OVER_BUDGET (-10000) /* from budget_match: the pattern's time budget is spent */
#define PART_MIN (2u << 20)  /* a big file's parts (scan_ctx_set_helpers): 2 MB at least ... */
#define PARTS_MAX 8          /* ... and 8 at most: past that, starting and joining them outweigh the rest */

struct hit {
	size_t off;
	uint16_t pat;
};

struct range {
	size_t start, end;
};

/* A pattern stopped (PCRE2's match limit, or its time budget) at off. */
struct stop {
	size_t off;
	uint16_t pat;
	uint8_t timed;
};

/* What one thread needs to search lines of a file for hits: PCRE2's state, the hits it found and
 * where patterns stopped. A big file's parts are searched by several (scan_ctx_set_helpers). */
struct finder {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
	const char *buf; /* the whole file */
	size_t len;
	struct hit *hits;
	size_t nhits, ahits;
	struct stop *stops;
	size_t nstops, astops;
	/* the time budget of the pattern being searched */
	struct scan_budget *budget;
	uint64_t pat_ns;  /* the pattern's time in this file, as of the clock's last reading */
	uint64_t t_last;  /* that reading (0: none yet for this pattern) */
	unsigned untimed; /* searches since */
	size_t chunk;
};

/* One part of a big file, searched by a helper thread: [from, to), whole lines. */
struct part {
	struct finder f;
	size_t from, to;
	pthread_t th;
	int running;
	int faulted;    /* a SIGBUS ended it: the mapped file shrank (scan_sigbus) */
	cpu_set_t cpus; /* the run's CPUs, restored once the thread runs */
	/* the job */
	const struct rules *r;
	const uint16_t *idx;
	size_t nidx;
};

struct scan_ctx {
	struct finder f;      /* this thread's, for the whole file or its first part */
	struct part *parts;   /* parts[1 .. nparts) of the file being scanned (parts[0] unused) */
	int nparts, maxparts; /* maxparts - 1: the helper threads it may start */
	uint8_t *doc;         /* per kept hit: in a Rust doc comment */
	size_t adoc;
	struct lex_spans spans;
	struct rust_regions tests;
	struct rust_regions waivers;   /* clippy::undocumented_unsafe_blocks allowed with a reason */
	struct rust_regions templates; /* quote!{…}: code a proc macro emits */
	struct rust_regions cfgmacs;   /* cfg_NAME!{…}: items the macro puts under a #[cfg] */
	/* the unsafe blocks found justified, open around the hit being judged (linear: one cursor) */
	struct cover {
		size_t brace; /* the block's '{' */
		long level;   /* brace depth inside it; 0 until the cursor passes the brace */
		uint16_t pat;
	} * covers;
	size_t ncovers, acovers, ccur; /* ccur: the brace cursor */
	long cdepth;
	size_t *memo_ls; /* per pattern: the line start of its last comment-rule search ... */
	int *memo_res;   /* ... and its answer, so a run of matches is searched once (linear time) */
	size_t *desc_k;  /* per pattern: the comment whose description was judged last, and ... */
	int *desc_res;   /* ... the answer */
	int lang;
	size_t khint;    /* the last span looked up (lex_first_after_near) */
	size_t above_ls; /* comment_above's last line and answer */
	int above_res;
	size_t cs_span, cs_text;          /* comment_start's last comment and where its text starts */
	const struct rules_pattern *pats; /* the rule set's patterns, for a pattern's index */
	size_t skip_off;                  /* the directive being judged: its own text is no marker */
	size_t lo_ls, lo_pos;             /* leaves_open's line cursor */
	long lo_prefix, lo_total;
	size_t *in_le; /* per pattern: the line marked_inside answered last, and ... */
	int *in_res;   /* ... its answer */
	/* the file being scanned */
	const char *buf;
	size_t len;
	struct scan_result *res;
	int limited;
	size_t limit_off;
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
	sc->f.budget = b;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* pcre2_match of subject [0, len) from start, no match starting after last (len: anywhere), its
 * start positions tried in chunks, with the
 * pattern's time budget checked between them: pcre2_match's result, or OVER_BUDGET. The clock is
 * read after a chunk without a match (it decides the next chunk's size) and after every
 * TIME_EVERY searches that found one: a line of 300,000 matches must not pay two clock reads
 * each (they were a third of its time), and the time between readings still counts in full. */
#define TIME_EVERY 16
static int budget_match(struct finder *f, const pcre2_code *code, size_t len, size_t start, size_t last)
{
	if (!f->t_last)
		f->t_last = mono_ns();
	for (;;) {
		if (f->pat_ns > SCAN_FILE_BUDGET_NS)
			return OVER_BUDGET;
		size_t lim = last - start > f->chunk ? start + f->chunk : last;
		pcre2_set_offset_limit(f->mc, lim < len ? lim : PCRE2_UNSET);
		int rc = pcre2_match(code, (PCRE2_SPTR)f->buf, len, start, 0, f->md, f->mc);
		int chunk_miss = rc == PCRE2_ERROR_NOMATCH && lim < last;
		if (chunk_miss || ++f->untimed >= TIME_EVERY) {
			uint64_t now = mono_ns(), dt = now - f->t_last;
			f->t_last = now;
			f->untimed = 0;
			f->pat_ns += dt;
			if (chunk_miss && dt < CHUNK_FAST_NS && f->chunk < (SIZE_MAX >> 3))
				f->chunk *= 4;
		}
		if (!chunk_miss)
			return rc;
		start = lim + 1; /* no match started at or before lim */
		while (start < len && ((unsigned char)f->buf[start] & 0xc0) == 0x80)
			start++;
	}
}

/* Record that pattern pi stopped at offset off (apply_stops reports the file's first). */
static void stop_at(struct finder *f, uint16_t pi, size_t off, int timed)
{
	ALLOC_GROW(f->stops, f->nstops + 1, f->astops);
	f->stops[f->nstops++] = (struct stop){ off, pi, (uint8_t)timed };
	if (timed && f->budget) /* and for the rest of the run */
		atomic_store_explicit(&f->budget->stopped[pi], 1, memory_order_relaxed);
}

static void finder_init(struct finder *f)
{
	f->md = pcre2_match_data_create(1, NULL);
	f->mc = pcre2_match_context_create(NULL);
	f->js = pcre2_jit_stack_create(32 * 1024, JIT_STACK_MAX, NULL);
	if (!f->md || !f->mc)
		xmalloc(SIZE_MAX); /* out of memory: fatal, with the usual message */
	pcre2_set_match_limit(f->mc, MATCH_LIMIT);
	pcre2_set_depth_limit(f->mc, DEPTH_LIMIT);
	if (f->js)
		pcre2_jit_stack_assign(f->mc, NULL, f->js);
}

static void finder_release(struct finder *f)
{
	pcre2_match_data_free(f->md);
	pcre2_match_context_free(f->mc);
	pcre2_jit_stack_free(f->js);
	free(f->hits);
	free(f->stops);
}

static void parts_free(struct scan_ctx *sc)
{
	if (sc->parts)
		for (int k = 1; k < sc->maxparts; k++)
			finder_release(&sc->parts[k].f);
	free(sc->parts);
	sc->parts = NULL;
}

void scan_ctx_set_helpers(struct scan_ctx *sc, int n)
{
	parts_free(sc);
	sc->maxparts = n <= 0 ? 0 : n < PARTS_MAX ? n + 1 : PARTS_MAX;
}

struct scan_ctx *scan_ctx_new(void)
{
	struct scan_ctx *sc = xcalloc(1, sizeof(*sc));
	finder_init(&sc->f);
	sc->memo_ls = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->memo_ls));
	sc->memo_res = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->memo_res));
	sc->desc_k = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->desc_k));
	sc->desc_res = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->desc_res));
	sc->in_le = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->in_le));
	sc->in_res = xmalloc(RULES_MAX_PATTERNS * sizeof(*sc->in_res));
	return sc;
}

void scan_ctx_free(struct scan_ctx *sc)
{
	if (!sc)
		return;
	finder_release(&sc->f);
	parts_free(sc);
	free(sc->doc);
	lex_spans_release(&sc->spans);
	rust_regions_release(&sc->tests);
	rust_regions_release(&sc->waivers);
	rust_regions_release(&sc->templates);
	rust_regions_release(&sc->cfgmacs);
	free(sc->covers);
	free(sc->memo_ls);
	free(sc->memo_res);
	free(sc->desc_k);
	free(sc->desc_res);
	free(sc->in_le);
	free(sc->in_res);
	free(sc);
}

void scan_result_release(struct scan_result *res)
{
	free(res->m);
	res->m = NULL;
	res->n = res->alloc = 0;
	sbuf_release(&res->mods);
	scan_result_reset(res);
}

const char *scan_outcome_name(int outcome)
{
	static const char *const names[] = { "violation", "allowed", "test", "counted" };
	return outcome >= 0 && outcome <= SO_COUNTED ? names[outcome] : "?";
}

static void add_hit(struct finder *f, size_t off, uint16_t pat)
{
	ALLOC_GROW_BIG(f->hits, f->nhits, f->nhits + 1, f->ahits);
	f->hits[f->nhits].off = off;
	f->hits[f->nhits].pat = pat;
	f->nhits++;
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
static int match_line(struct finder *f, const pcre2_code *code, uint16_t pi, size_t ls, size_t le, unsigned traits)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->md);
	size_t start = ls, prev_end = SIZE_MAX;
	if (traits & RX_LOOKBEHIND) { /* the line on its own first: its lookbehind sees no line above */
		pcre2_set_offset_limit(f->mc, PCRE2_UNSET);
		int rc = pcre2_match(code, (PCRE2_SPTR)f->buf + ls, le - ls, 0, 0, f->md, f->mc);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
	}
	for (;;) {
		int rc = budget_match(f, code, le, start, le);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			stop_at(f, pi, start, rc == OVER_BUDGET);
			return -1;
		}
		/* an empty match at the end of a last line without a newline: rg does not count it */
		if (ov[0] == ov[1] && ov[0] == f->len && le == f->len)
			return 0;
		/* nor one where the previous match ended (x* on "xa": x, then a's empty match; not 1) */
		if (ov[0] != ov[1] || ov[0] != prev_end)
			add_hit(f, ov[0], pi);
		if (ov[1] > ov[0]) {
			start = prev_end = ov[1];
		} else {
			start = ov[0] + 1;
			while (start < le && ((unsigned char)f->buf[start] & 0xc0) == 0x80)
				start++;
		}
		if (start > le)
			return 0;
	}
}

/* The hits of pattern p (index pi) on the lines of [from, to), whole lines of the file. */
static void find_pattern(struct finder *f, const struct rules_pattern *p, uint16_t pi, size_t from, size_t to)
{
	const char *buf = f->buf;
	size_t len = to, pos = from;
	unsigned traits = regex_traits(p->regex);
	f->pat_ns = 0;
	f->t_last = 0;
	f->untimed = 0;
	f->chunk = CHUNK_FIRST;
	if (f->budget && atomic_load_explicit(&f->budget->stopped[pi], memory_order_relaxed)) {
		stop_at(f, pi, 0, 1); /* over its budget in an earlier file: stopped for the run */
		return;
	}
	if (p->lit) {
		size_t rare = p->rare, misses = 0, floor = from; /* floor: a line start at or before pos */
		unsigned char rc = (unsigned char)p->lit[rare];
		while (pos + p->litlen <= len) {
			size_t off;
			if (misses < 64 || misses * 256 < pos - from) {
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
				/* the "rare" byte is common in this file (more than once in 256 bytes): look for
				 * two of the literal's bytes at once */
				const char *h =
					bytes_find_pair(buf + pos, len - pos, p->lit, p->litlen, p->rare, p->rare2);
				if (!h)
					return;
				off = (size_t)(h - buf);
			}
			size_t ls = line_start(buf, floor, off), le = line_end(buf, len, off);
			if (match_line(f, p->code, pi, ls, le, traits) < 0)
				return;
			pos = floor = le + 1;
		}
		return;
	}
	if (traits & RX_PER_LINE) {
		for (; pos < len; pos++) { /* a newline ends a line; it does not start an empty one */
			size_t le = line_end(buf, len, pos);
			if (match_line(f, p->code, pi, pos, le, traits) < 0)
				return;
			pos = le;
		}
		return;
	}
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(f->md);
	len = f->len; /* the whole file is the subject, as it would be without parts ... */
	while (pos < to) {
		int rc = budget_match(f, p->code, len, pos, to < len ? to - 1 : len); /* ... but not its starts */
		if (rc == PCRE2_ERROR_NOMATCH)
			return;
		if (rc < 0) {
			stop_at(f, pi, pos, rc == OVER_BUDGET);
			return;
		}
		/* the leftmost line-bounded match cannot start before the leftmost unbounded one (but
		 * for the constructs regex_traits sends down the per-line path) */
		size_t off = ov[0] < len ? ov[0] : len;
		if (off == len && buf[len - 1] == '\n')
			return; /* past the last newline: no line there */
		size_t ls = line_start(buf, pos, off), le = line_end(buf, len, off);
		if (match_line(f, p->code, pi, ls, le, traits) < 0)
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

/* ---- the comment rule (docs/patterns.md) ------------------------------------------------------ */

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* A Markdown heading names the marker without its colon: "// # Safety" above an explanation, as
 * Rust's API documentation writes it. */
static int heading_marker(const struct rules_pattern *p, const char *s, const char *e)
{
	if (s >= e || *s != '#')
		return 0;
	while (s < e && *s == '#')
		s++;
	while (s < e && is_space(*s))
		s++;
	for (size_t k = 0; k < p->nmarkers; k++) {
		size_t n = p->mlen[k];
		if (n > 1 && p->mtext[k][n - 1] == ':')
			n--;
		if ((size_t)(e - s) >= n && !strncasecmp(s, p->mtext[k], n) &&
		    (s + n == e || is_space(s[n]) || s[n] == '\n' || s[n] == ':'))
			return 1;
	}
	return 0;
}

/* The text of a comment starts with one of p's markers, ASCII case ignored. s: where the
 * comment's piece on this line starts; first: it is the comment's first line (its leader is
 * there), else a later line of a block comment (an optional '*' leads). */
static int marker_at(const struct rules_pattern *p, const char *s, const char *e, int first, const char *skip)
{
	if (first) {
		if (s < e && *s == '#')
			s++;
		else if (s + 1 < e && s[0] == '/' && (s[1] == '/' || s[1] == '*')) {
			s += 2;
			while (s < e && (*s == '/' || *s == '*' || *s == '!'))
				s++;
		}
	} else {
		while (s < e && is_space(*s))
			s++;
		if (s < e && *s == '*' && !(s + 1 < e && s[1] == '/'))
			s++;
	}
	while (s < e && is_space(*s))
		s++;
	if (skip && s >= skip)
		return 0; /* the text is the directive itself ("//nolint:x" is no "NOLINT:" marker) */
	for (size_t k = 0; k < p->nmarkers; k++)
		if ((size_t)(e - s) >= p->mlen[k] && !strncasecmp(s, p->mtext[k], p->mlen[k]))
			return 1;
	return heading_marker(p, s, e);
}

/* b[first..last) holds an assignment '=' (not ==, !=, <=, >= or =>) outside strings: the brace
 * that ends the line opens an expression, not a block. Strings are not told apart here: a '='
 * inside one only lets the search go on, never ends it wrongly. */
static int assigns(const char *b, size_t first, size_t last)
{
	for (size_t i = first; i < last; i++)
		if (b[i] == '=' && (i == first || !strchr("=!<>", b[i - 1])) &&
		    (i + 1 >= last || !strchr("=>", b[i + 1])))
			return 1;
	return 0;
}

/* The first byte of [ls, le) that is not a blank (le when none). */
static size_t line_first(const char *b, size_t ls, size_t le)
{
	while (ls < le && is_space(b[ls]))
		ls++;
	return ls;
}

/* A match of p starts within the first bytes of the comment at cs (before e): the comment is one
 * of p's directives. The hits are sorted: a binary search, then the few at its start. */
static int a_directive(const struct scan_ctx *sc, const struct rules_pattern *p, size_t cs, size_t e)
{
	if (p->place != RP_COMMENT && p->place != RP_DIRECTIVE)
		return 0;
	size_t lo = 0, hi = sc->f.nhits;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->f.hits[mid].off < cs)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t pi = (size_t)(p - sc->pats), lim = cs + 8 < e ? cs + 8 : e; /* leader and blanks */
	for (; lo < sc->f.nhits && sc->f.hits[lo].off < lim; lo++)
		if (sc->f.hits[lo].pat == pi)
			return 1;
	return 0;
}

#define SIGNATURE_MAX 4096 /* bytes looked back for the start of a wrapped fn signature */

/* The line [ls, …) whose code runs from first to last ('{') opens the body of an unsafe fn: it
 * holds "unsafe fn", or it closes with ')' a parameter list that rustfmt wrapped from a line that
 * does ("unsafe fn reregister(" / "    &mut self," / ") {"). */
static int unsafe_fn_opens(struct scan_ctx *sc, size_t ls, size_t first, size_t last)
{
	const char *b = sc->buf;
	if (memmem(b + first, last - first, "unsafe fn", 9))
		return 1;
	if (b[first] != ')')
		return 0;
	long depth = 0;
	size_t lim = first > SIGNATURE_MAX ? first - SIGNATURE_MAX : 0;
	const struct lex_spans *sp = &sc->spans;
	size_t k = lex_first_after(sp, first); /* walks back with i: the first span ending after i */
	for (size_t i = first + 1; i-- > lim;) {
		while (k > 0 && sp->v[k - 1].end > i)
			k--;
		if (k < sp->n && sp->v[k].start <= i)
			continue; /* in a comment or string */
		if (b[i] == ')')
			depth++;
		else if (b[i] == '(' && --depth == 0) {
			size_t s0 = line_start(b, 0, i);
			(void)ls;
			return memmem(b + s0, i - s0, "unsafe fn", 9) != NULL;
		}
	}
	return 0;
}

/* What a line is to the upward search. */
enum { LINE_BLANK, LINE_COMMENT, LINE_SKIP, LINE_CODE };

/* Classify the line [ls, le) and look for a marker in the comments on it (*marked). */
static int line_kind(struct scan_ctx *sc, const struct rules_pattern *p, size_t ls, size_t le, int *marked)
{
	const char *b = sc->buf;
	const struct lex_spans *sp = &sc->spans;
	size_t k = lex_first_after_near(sp, ls, &sc->khint), first = le, last = le;
	int comment = 0;
	*marked = 0;
	for (size_t i = ls; i < le;) {
		if (k < sp->n && sp->v[k].start <= i) {
			const struct lex_span *s = &sp->v[k];
			size_t e = s->end < le ? s->end : le;
			if (s->kind == LK_STRING) {
				if (first == le)
					first = i;
				last = e - 1;
			} else {
				comment = 1;
				int own = s->start <= sc->skip_off && sc->skip_off < s->end;
				if (!*marked && p) {
					/* a comment that is a directive of this pattern is none of its markers:
					 * "//nolint:errcheck" above "//nolint" does not justify it */
					const char *skip = own                               ? b + sc->skip_off
							   : a_directive(sc, p, s->start, e) ? b + s->start
											     : NULL;
					*marked = marker_at(p, b + i, b + e, s->start == i && i >= ls, skip);
				}
			}
			i = e;
			if (s->end <= le)
				k++;
			continue;
		}
		if (!is_space(b[i])) {
			if (first == le)
				first = i;
			last = i;
		}
		i++;
	}
	if (first == le)
		return comment ? LINE_COMMENT : LINE_BLANK;
	if (sc->lang == RL_RUST && b[first] == '#' && first + 1 < le && (b[first + 1] == '[' || b[first + 1] == '!'))
		return LINE_SKIP; /* an attribute line */
	int wraps = sc->lang == RL_RUST || sc->lang == RL_C || sc->lang == RL_JS;
	if (wraps && b[last] != ';' && b[last] != '{' && b[last] != '}')
		return LINE_SKIP; /* the statement goes on below: rustfmt wrapped it */
	if (wraps && b[last] == '{' && assigns(b, first, last))
		return LINE_SKIP; /* "let x = Inner {", "let y = match v {": an expression goes on */
	if (sc->lang == RL_RUST && b[last] == '{' && unsafe_fn_opens(sc, ls, first, last))
		return LINE_SKIP; /* a SAFETY comment above an unsafe fn covers the blocks of its body */
	return LINE_CODE;
}

static size_t line_start(const char *buf, size_t floor, size_t off);

/* A directive's own description justifies it: "eslint-disable-line x -- because" (after " -- "),
 * or "@ts-ignore: because" (any text of three or more characters after the match). */
static int described(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi, size_t off, size_t le)
{
	size_t k = lex_first_after_near(&sc->spans, off, &sc->khint);
	if (p->desc == RD_NONE || k >= sc->spans.n || sc->spans.v[k].start > off || sc->spans.v[k].kind == LK_STRING)
		return 0;
	if (sc->desc_k[pi] == k) /* one answer per comment and pattern: linear in the matches */
		return sc->desc_res[pi];
	sc->desc_k[pi] = k;
	sc->desc_res[pi] = 0;
	size_t e = sc->spans.v[k].end < le ? sc->spans.v[k].end : le;
	const char *d = sc->buf + off, *end = sc->buf + e;
	if (p->desc == RD_DASHES || p->desc == RD_SLASHES) {
		const char *sep = p->desc == RD_DASHES ? " -- " : " //";
		d = memmem(d, (size_t)(end - d), sep, strlen(sep));
		if (!d)
			return 0;
		d += strlen(sep);
	} else {
		while (d < end && !is_space(*d) && *d != ':')
			d++; /* the directive itself */
	}
	size_t n = 0;
	for (; d < end && n < 3; d++)
		if (!is_space(*d) && *d != '*' && *d != '/' && *d != ':' && *d != '-')
			n++;
	sc->desc_res[pi] = n >= 3;
	return n >= 3;
}

/* The line [ls, le) ends with a comment that starts after off: the reason written beside a Rust
 * attribute. Only the line's last span is looked at, so a line of many attributes costs a binary
 * search each. */
static int comment_after(struct scan_ctx *sc, size_t off, size_t le)
{
	size_t k = lex_first_after_near(&sc->spans, le, &sc->khint);
	if (k == 0)
		return 0;
	const struct lex_span *s = &sc->spans.v[k - 1];
	if (k < sc->spans.n && sc->spans.v[k].start < le)
		s = &sc->spans.v[k]; /* a block comment running past the line's end */
	if (s->kind == LK_STRING || s->start <= off || s->start >= le)
		return 0;
	for (size_t i = s->start + 2; i < s->end && i < le; i++)
		if (!is_space(sc->buf[i]) && sc->buf[i] != '/' && sc->buf[i] != '*')
			return 1;
	return 0;
}

/* The line [ps, pe) is a #[cfg(…)] attribute (its path is cfg, whatever its text says). */
static int cfg_attribute(const char *b, size_t ps, size_t pe)
{
	size_t i = line_first(b, ps, pe);
	if (i >= pe || b[i++] != '#')
		return 0;
	while (i < pe && is_space(b[i]))
		i++;
	if (i >= pe || b[i++] != '[')
		return 0;
	while (i < pe && is_space(b[i]))
		i++;
	if (pe - i < 3 || memcmp(b + i, "cfg", 3))
		return 0;
	for (i += 3; i < pe && is_space(b[i]); i++)
		;
	return i < pe && b[i] == '(';
}

/* An attribute's reason written above it: a plain comment (not a doc comment, which documents the
 * item) directly above, through the item's doc comment and other attributes (a blank line ends
 * it); or a #[cfg(…)] on the item when the attribute at off allows only unused-code lints, the
 * condition being why the code is unused. */
static int comment_above(struct scan_ctx *sc, size_t off, size_t ls)
{
	if (sc->above_ls == ls) /* once per line: a line of many attributes looks up once */
		return sc->above_res;
	int res = 0;
	for (size_t l = ls, n = 0; l > 0 && n < INSIDE_LINES && !res; n++) {
		size_t pe = l - 1, ps = line_start(sc->buf, 0, pe);
		int marked, kind = line_kind(sc, NULL, ps, pe, &marked);
		size_t k = lex_first_after_near(&sc->spans, ps, &sc->khint);
		int doc = k < sc->spans.n && sc->spans.v[k].start < pe && sc->spans.v[k].kind == LK_DOC;
		if (kind == LINE_COMMENT && !doc)
			res = 1;
		else if (kind == LINE_SKIP && cfg_attribute(sc->buf, ps, pe))
			res = rust_attr_cfg_gated_unused(sc->buf, sc->len, off, &sc->spans, &sc->khint, 1);
		else if (kind != LINE_COMMENT && !(kind == LINE_SKIP && sc->buf[line_first(sc->buf, ps, pe)] == '#'))
			break;
		l = ps;
	}
	sc->above_ls = ls;
	sc->above_res = res;
	return res;
}

/* Brace depth of the code bytes in [a, b). */
static long depth_in(struct scan_ctx *sc, size_t a, size_t b)
{
	long depth = 0;
	size_t k = lex_first_after_near(&sc->spans, a, &sc->khint);
	for (size_t i = a; i < b; i++) {
		if (k < sc->spans.n && sc->spans.v[k].start <= i) {
			i = sc->spans.v[k++].end - 1;
			continue;
		}
		depth += sc->buf[i] == '{' ? 1 : sc->buf[i] == '}' ? -1 : 0;
	}
	return depth;
}

/* The block the match at off opens is still open at the end of its line [ls, le): the braces
 * from off to le leave some open. One cursor per line, so a line of many matches costs its
 * length once. */
static int leaves_open(struct scan_ctx *sc, size_t off, size_t ls, size_t le)
{
	if (sc->lo_ls != ls || off < sc->lo_pos) {
		sc->lo_ls = ls;
		sc->lo_pos = ls;
		sc->lo_prefix = 0;
		sc->lo_total = depth_in(sc, ls, le);
	}
	sc->lo_prefix += depth_in(sc, sc->lo_pos, off);
	sc->lo_pos = off;
	return sc->lo_total - sc->lo_prefix > 0;
}

/* The lines after the match's line [.., le) start with a comment holding the marker (once per
 * line and pattern: the answer is the same for every match on it). */
static int marked_inside(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi, size_t le)
{
	if (sc->in_le[pi] == le)
		return sc->in_res[pi];
	sc->in_le[pi] = le;
	sc->in_res[pi] = 0;
	int marked;
	for (size_t ls = le + 1, n = 0; ls < sc->len && n < INSIDE_LINES; n++) {
		size_t e = line_end(sc->buf, sc->len, ls);
		int kind = line_kind(sc, p, ls, e, &marked);
		if (kind != LINE_BLANK && kind != LINE_COMMENT)
			return 0;
		if (marked)
			return sc->in_res[pi] = 1;
		ls = e + 1;
	}
	return 0;
}

static int in_regions(const struct rust_regions *rg, size_t off)
{
	size_t lo = 0, hi = rg->n;
	while (lo < hi) { /* the regions are sorted and disjoint */
		size_t mid = lo + (hi - lo) / 2;
		if (rg->v[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < rg->n && rg->v[lo].start <= off;
}

/* Rust's own ways to justify: an attribute's reason (reason = "…", a comment beside it, a cfg
 * that explains unused code), and a waiver of clippy's undocumented_unsafe_blocks in scope. */
static int rust_justified(struct scan_ctx *sc, const struct rules_pattern *p, size_t off, size_t ls, size_t le)
{
	if (sc->buf[off] == '#')
		return rust_attr_has_reason(sc->buf, sc->len, off, &sc->spans, &sc->khint) ||
		       comment_after(sc, off, le) || comment_above(sc, off, ls) ||
		       rust_attr_cfg_gated_unused(sc->buf, sc->len, off, &sc->spans, &sc->khint,
						  sc->cfgmacs.n && in_regions(&sc->cfgmacs, off));
	return sc->waivers.n && p->safety && in_regions(&sc->waivers, off);
}

/* The comment rule for the line [ls, le) of a match of pattern pi: a marker on it, above it, or
 * first inside the block it opens. Remembered per pattern, so that the lines under one comment
 * block are searched once whatever the number of matches. */
static int line_justified(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi, size_t ls, size_t le)
{
	if (sc->memo_ls[pi] == ls)
		return sc->memo_res[pi];
	int marked, res = 0;
	size_t hit_ls = ls;
	line_kind(sc, p, ls, le, &marked);
	if (marked) {
		res = 1;
	} else {
		while (ls > 0) {
			size_t pe = ls - 1, ps = line_start(sc->buf, 0, pe);
			int kind = line_kind(sc, p, ps, pe, &marked);
			if (kind == LINE_CODE)
				break; /* the first code line ends the search and is not searched */
			if (marked) {
				res = 1;
				break;
			}
			if (ps == sc->memo_ls[pi] && sc->memo_ls[pi] != SIZE_MAX) {
				res = sc->memo_res[pi]; /* searched already from there: the same answer */
				break;
			}
			ls = ps;
		}
	}
	sc->memo_ls[pi] = hit_ls;
	sc->memo_res[pi] = res;
	return res;
}

/* The comment rule for the match at off of pattern pi on the line [ls, le). */
static int justified(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi, size_t off, size_t ls, size_t le)
{
	if (sc->lang == RL_RUST && rust_justified(sc, p, off, ls, le))
		return 1;
	int directive = p->place == RP_COMMENT || p->place == RP_DIRECTIVE;
	if (directive && described(sc, p, pi, off, le))
		return 1;
	sc->skip_off = directive ? off : SIZE_MAX;
	int res = line_justified(sc, p, pi, ls, le);
	/* "unsafe {" / "    // SAFETY: …": the first thing inside a block still open after the match */
	if (!res && p->opens_block && leaves_open(sc, off, ls, le))
		res = marked_inside(sc, p, pi, le);
	sc->skip_off = SIZE_MAX;
	return res;
}

/* ---- justified blocks cover what they hold ------------------------------------------------------
 * A `mem::transmute` inside an `unsafe { … }` whose SAFETY comment is found is covered by that
 * comment (docs/patterns.md). One cursor walks the code bytes from hit to hit, counting braces,
 * only while some justified block is open: linear in the bytes. */

static void cover_advance(struct scan_ctx *sc, size_t off)
{
	if (!sc->ncovers) {
		sc->ccur = off;
		sc->cdepth = 0;
		return;
	}
	size_t k = lex_first_after(&sc->spans, sc->ccur);
	while (sc->ccur < off && sc->ncovers) {
		if (k < sc->spans.n && sc->spans.v[k].start <= sc->ccur) {
			sc->ccur = sc->spans.v[k++].end;
			continue;
		}
		char c = sc->buf[sc->ccur];
		if (c == '{') {
			sc->cdepth++;
			struct cover *top = &sc->covers[sc->ncovers - 1];
			if (!top->level && top->brace == sc->ccur)
				top->level = sc->cdepth;
		} else if (c == '}') {
			if (sc->covers[sc->ncovers - 1].level == sc->cdepth)
				sc->ncovers--;
			sc->cdepth--;
		}
		sc->ccur++;
	}
	if (!sc->ncovers)
		sc->ccur = off;
}

static int covered(const struct scan_ctx *sc, const struct rules *r, const struct rules_pattern *p)
{
	if (!sc->ncovers || p->action != RA_COMMENT || p->place != RP_CODE)
		return 0;
	const struct cover *top = &sc->covers[sc->ncovers - 1];
	if (!top->level)
		return 0;
	const struct rules_pattern *q = &r->pats[top->pat];
	for (size_t k = 0; k < q->nmarkers; k++)
		if (rules_has_marker(p, q->mtext[k]))
			return 1;
	return 0;
}

static void cover_open(struct scan_ctx *sc, uint16_t pi, size_t off, size_t le)
{
	const char *b = memchr(sc->buf + off, '{', le - off);
	if (!b)
		return;
	ALLOC_GROW(sc->covers, sc->ncovers + 1, sc->acovers);
	sc->covers[sc->ncovers].brace = (size_t)(b - sc->buf);
	sc->covers[sc->ncovers].level = 0;
	sc->covers[sc->ncovers].pat = pi;
	sc->ncovers++;
}

/* The hit at off is at the start of its comment's text: only leader bytes and blanks come before it
 * in the comment (cur: the span holding it). A directive elsewhere in prose is no directive. */
static int comment_start(struct scan_ctx *sc, size_t off, size_t cur)
{
	if (sc->cs_span != cur) { /* once per comment: where its text starts */
		size_t i = sc->spans.v[cur].start, e = sc->spans.v[cur].end;
		while (i < e && sc->buf[i] && strchr("/*#! \t", sc->buf[i]))
			i++;
		sc->cs_span = cur;
		sc->cs_text = i;
	}
	return off <= sc->cs_text;
}

/* Keep the hits whose first byte is where their pattern may match; a code pattern's hit in a
 * Rust doc comment is a doc test (marked by setting its pattern's high bit in *doc). Returns the
 * number kept. */
static size_t place_filter(struct scan_ctx *sc, const struct rules *r, uint8_t *doc)
{
	size_t cur = 0, kept = 0;
	for (size_t i = 0; i < sc->f.nhits; i++) {
		const struct rules_pattern *p = &r->pats[sc->f.hits[i].pat];
		int kind = lex_kind_at(&sc->spans, sc->f.hits[i].off, &cur);
		int keep, isdoc = 0;
		if (p->place == RP_ANY || sc->lang == RL_OTHER)
			keep = 1;
		else if (p->place == RP_COMMENT)
			keep = kind == LK_COMMENT || kind == LK_DOC;
		else if (p->place == RP_DIRECTIVE)
			keep = (kind == LK_COMMENT || kind == LK_DOC) && comment_start(sc, sc->f.hits[i].off, cur);
		else if (kind == LK_DOC && sc->lang == RL_RUST)
			keep = isdoc = 1;
		else
			keep = kind == LK_CODE && !(sc->templates.n && in_regions(&sc->templates, sc->f.hits[i].off));
		if (keep) {
			doc[kept] = (uint8_t)isdoc;
			sc->f.hits[kept++] = sc->f.hits[i];
		}
	}
	return kept;
}

static int judge(struct scan_ctx *sc, const struct rules_pattern *p, uint16_t pi, int test, size_t off, size_t ls,
		 size_t le)
{
	if (test && !p->in_tests)
		return SO_TEST;
	if (p->action == RA_FORBID)
		return SO_VIOLATION;
	if (p->action == RA_COUNT)
		return SO_COUNTED;
	return justified(sc, p, pi, off, ls, le) ? SO_ALLOWED : SO_VIOLATION;
}

/* ---- a big file in parts (issue 12) ------------------------------------------------------------
 * A file of 2 * PART_MIN bytes or more is cut, at line starts, into as many parts as there are
 * threads to take them (scan_ctx_set_helpers): helper threads search the later parts for every
 * pattern while this thread searches the first; the lexer, the comment rule, Rust's test items
 * and the judgement then run once, here, over the joined hits. Joined, the hits are the
 * whole-file ones: a match never spans a newline, and every search is of the whole file with its
 * start positions limited to the part (PCRE2's match limit is per start position). Lexing the
 * parts in parallel too (from a fresh state at each cut, joined where the state there was fresh)
 * was measured and dropped: on the 2-core VM the helpers' span arrays (new pages, 17 us each
 * there) and the copy that joins them cost more than half the lexing saves (docs/walker.md). */

static void find_range(struct finder *f, const struct rules *r, const uint16_t *idx, size_t nidx, size_t from,
		       size_t to)
{
	for (size_t i = 0; i < nidx; i++)
		find_pattern(f, &r->pats[idx[i]], idx[i], from, to);
}

static _Thread_local sigjmp_buf *part_jmp; /* a part's way out of a SIGBUS */

void scan_sigbus(void)
{
	if (part_jmp)
		siglongjmp(*part_jmp, 1);
}

/* find_range, ended by a SIGBUS (the mapped file shrank): returns 1 then, else 0. Every part is
 * searched so, this thread's too: none may jump out while another still reads the file. */
static int find_guarded(struct finder *f, const struct rules *r, const uint16_t *idx, size_t nidx, size_t from,
			size_t to)
{
	sigjmp_buf jb;
	int faulted = 0;
	if (sigsetjmp(jb, 1) == 0) {
		part_jmp = &jb;
		find_range(f, r, idx, nidx, from, to);
	} else {
		faulted = 1;
	}
	part_jmp = NULL;
	return faulted;
}

static void *part_main(void *arg)
{
	struct part *pt = arg;
	pthread_setaffinity_np(pthread_self(), sizeof(pt->cpus), &pt->cpus);
	pt->faulted = find_guarded(&pt->f, pt->r, pt->idx, pt->nidx, pt->from, pt->to);
	return NULL;
}

/* A helper thread for pt, started on another CPU than this one's: Linux starts a new thread on
 * its creator's CPU and moves it only when it next balances, milliseconds later, which is all
 * of a part's time (two 8 ms halves took 15 ms; docs/walker.md, "A big file in parts"). It
 * may go anywhere once it runs. */
static int part_start(struct part *pt)
{
	pthread_attr_t at;
	if (pthread_attr_init(&at))
		return -1;
	cpu_set_t other;
	int cpu = sched_getcpu();
	if (!sched_getaffinity(0, sizeof(pt->cpus), &pt->cpus)) {
		other = pt->cpus;
		if (cpu >= 0 && cpu < CPU_SETSIZE)
			CPU_CLR(cpu, &other);
		if (CPU_COUNT(&other))
			pthread_attr_setaffinity_np(&at, sizeof(other), &other);
	} else {
		CPU_ZERO(&pt->cpus);
		for (int c = 0; c < CPU_SETSIZE; c++)
			CPU_SET(c, &pt->cpus);
	}
	int rc = pthread_create(&pt->th, &at, part_main, pt);
	pthread_attr_destroy(&at);
	return rc ? -1 : 0;
}

/* Search parts[1 .. nparts) on helper threads (where a thread cannot be had, here after) and the
 * first part here. */
static void parts_run(struct scan_ctx *sc, const struct rules *r, const uint16_t *idx, size_t nidx)
{
	for (int k = 1; k < sc->nparts; k++) {
		sc->parts[k].faulted = 0;
		sc->parts[k].running = !part_start(&sc->parts[k]);
	}
	int faulted = find_guarded(&sc->f, r, idx, nidx, 0, sc->parts[1].from);
	for (int k = 1; k < sc->nparts; k++) {
		struct part *pt = &sc->parts[k];
		if (pt->running)
			pthread_join(pt->th, NULL);
		else
			pt->faulted = find_guarded(&pt->f, r, idx, nidx, pt->from, pt->to);
		faulted |= pt->faulted;
	}
	/* the file shrank under a part: this thread, the file's, takes the SIGBUS it would have had
	 * reading it whole (walk.c reports the file and goes on) */
	if (faulted)
		raise(SIGBUS);
}

/* Cut the file into parts for the helper threads: sc->nparts (1: not cut). */
static void parts_plan(struct scan_ctx *sc, const struct rules *r, const uint16_t *idx, size_t nidx)
{
	sc->nparts = 1;
	size_t want = sc->len / PART_MIN;
	if (sc->maxparts < 2 || want < 2)
		return;
	int n = want < (size_t)sc->maxparts ? (int)want : sc->maxparts;
	if (!sc->parts) {
		sc->parts = xcalloc((size_t)sc->maxparts, sizeof(*sc->parts));
		for (int k = 1; k < sc->maxparts; k++)
			finder_init(&sc->parts[k].f);
	}
	size_t prev = 0;
	for (int k = 1; k < n; k++) {
		size_t at = sc->len / (size_t)n * (size_t)k;
		const char *nl = at > prev ? memchr(sc->buf + at, '\n', sc->len - at) : NULL;
		if (!nl || (size_t)(nl - sc->buf) + 1 >= sc->len)
			break;
		struct part *pt = &sc->parts[k];
		pt->from = prev = (size_t)(nl - sc->buf) + 1;
		pt->f.buf = sc->buf;
		pt->f.len = sc->len;
		pt->f.budget = sc->f.budget;
		pt->f.nhits = pt->f.nstops = 0;
		pt->r = r;
		pt->idx = idx;
		pt->nidx = nidx;
		sc->nparts = k + 1;
	}
	for (int k = 1; k < sc->nparts; k++)
		sc->parts[k].to = k + 1 < sc->nparts ? sc->parts[k + 1].from : sc->len;
}

/* Every pattern's hits, in parts where the file is big: into sc->f (hits and stops). */
static void find_all(struct scan_ctx *sc, const struct rules *r, const uint16_t *idx, size_t nidx)
{
	sc->f.nstops = 0;
	parts_plan(sc, r, idx, nidx);
	if (sc->nparts == 1) {
		find_range(&sc->f, r, idx, nidx, 0, sc->len);
		return;
	}
	parts_run(sc, r, idx, nidx);
	for (int k = 1; k < sc->nparts; k++) {
		const struct finder *pf = &sc->parts[k].f;
		if (pf->nhits) {
			ALLOC_GROW_BIG(sc->f.hits, sc->f.nhits, sc->f.nhits + pf->nhits, sc->f.ahits);
			memcpy(sc->f.hits + sc->f.nhits, pf->hits, pf->nhits * sizeof(*pf->hits));
			sc->f.nhits += pf->nhits;
		}
		if (pf->nstops) {
			ALLOC_GROW(sc->f.stops, sc->f.nstops + pf->nstops, sc->f.astops);
			memcpy(sc->f.stops + sc->f.nstops, pf->stops, pf->nstops * sizeof(*pf->stops));
			sc->f.nstops += pf->nstops;
		}
	}
}

/* The patterns that stopped: a pattern's hits from where it first stopped on are dropped (a later
 * part's), and the first pattern (in the order searched) to stop is the file's reported stop. */
static void apply_stops(struct scan_ctx *sc, const uint16_t *idx, size_t nidx)
{
	if (!sc->f.nstops)
		return;
	for (size_t s = 0; s < sc->f.nstops; s++)
		sc->res->timed |= sc->f.stops[s].timed;
	for (size_t i = 0; i < nidx && !sc->limited; i++)
		for (size_t s = 0; s < sc->f.nstops; s++)
			if (sc->f.stops[s].pat == idx[i] && (!sc->limited || sc->f.stops[s].off < sc->limit_off)) {
				sc->limited = 1;
				sc->limit_off = sc->f.stops[s].off;
				sc->res->limit_pat = idx[i];
			}
	size_t kept = 0;
	for (size_t h = 0; h < sc->f.nhits; h++) {
		int drop = 0;
		for (size_t s = 0; s < sc->f.nstops && !drop; s++)
			drop = sc->f.stops[s].pat == sc->f.hits[h].pat && sc->f.stops[s].off <= sc->f.hits[h].off;
		if (!drop)
			sc->f.hits[kept++] = sc->f.hits[h];
	}
	sc->f.nhits = kept;
}

/* Lex as far as the judgement needs: the last hit, and in Rust the last module declaration. */
/* What the patterns of this file ask of the lexer. */
struct needs {
	int places; /* some pattern keeps to code, comments or directives */
	int judge;  /* some pattern needs its justification found */
	int safety; /* some comment pattern takes a SAFETY: marker (waivers of undocumented unsafe) */
};

static void needs_of(const struct rules *r, const uint16_t *idx, size_t nidx, struct needs *nd)
{
	memset(nd, 0, sizeof(*nd));
	for (size_t i = 0; i < nidx; i++) {
		const struct rules_pattern *p = &r->pats[idx[i]];
		nd->places |= p->place != RP_ANY;
		nd->judge |= p->action == RA_COMMENT;
		nd->safety |= p->safety;
	}
}

/* Lex as far as the judgement needs, and only when it needs it: through the last hit's line (a
 * comment after it can justify it) and the lines a block's first comment may take, and in Rust
 * the last module declaration; Rust's test items only where an attribute could name them. */
static void lex_file(struct scan_ctx *sc, const struct rules_class *c, const struct needs *nd, struct scan_result *res)
{
	sc->spans.n = 0;
	sc->tests.n = 0;
	sc->waivers.n = 0;
	sc->templates.n = 0;
	sc->cfgmacs.n = 0;
	int rust = c->lang == RL_RUST;
	size_t upto = 0;
	if (sc->f.nhits && (nd->places || nd->judge || rust)) {
		upto = sc->f.hits[sc->f.nhits - 1].off;
		for (int n = 0; n <= INSIDE_LINES && upto < sc->len; n++)
			upto = line_end(sc->buf, sc->len, upto) + 1;
		if (upto > sc->len)
			upto = sc->len; /* the last line has no newline */
	}
	size_t mods = rust ? rust_mod_extent(sc->buf, sc->len) : 0;
	size_t reach = mods > upto ? mods : upto; /* test attributes matter for hits and declarations */
	int tests = rust && !c->test && reach && rust_maybe_tests(sc->buf, reach);
	if (rust && !nd->places && !nd->judge && !tests)
		upto = 0; /* counting anywhere in a file without test items: nothing to tell apart */
	if (mods > upto)
		upto = mods;
	if (!upto)
		return;
	lex_run(c->lang, sc->buf, sc->len, upto, &sc->spans);
	if (!rust)
		return;
	if (tests)
		rust_test_regions(sc->buf, sc->len, upto, &sc->spans, &sc->tests);
	if (nd->safety)
		rust_waivers(sc->buf, sc->len, upto, &sc->spans, &sc->waivers);
	if (nd->places)
		rust_template_regions(sc->buf, sc->len, upto, &sc->spans, &sc->templates);
	if (nd->judge)
		rust_cfg_macro_regions(sc->buf, sc->len, upto, &sc->spans, &sc->cfgmacs);
	/* test code is whole lines: from the attribute's line to the closing line */
	for (size_t i = 0; i < sc->tests.n; i++) {
		struct rust_region *g = &sc->tests.v[i];
		g->start = line_start(sc->buf, 0, g->start);
		g->end = g->end ? line_end(sc->buf, sc->len, g->end - 1) : 0;
	}
	if (mods) {
		rust_mod_decls(sc->buf, sc->len, &sc->spans, &sc->tests, &res->mods);
		/* a crate root's #![allow(clippy::undocumented_unsafe_blocks, reason)] waives its modules
		 * too: the walk follows the declarations (walk.c) */
		if (res->mods.len && sc->waivers.n && sc->waivers.v[0].start == 0 && sc->waivers.v[0].end == sc->len) {
			sbuf_addch(&res->mods, RUST_MOD_WAIVER);
			sbuf_addch(&res->mods, '\0');
		}
	}
}

void scan_buffer(struct scan_ctx *sc, const struct rules *r, const char *buf, size_t len, const struct rules_class *c,
		 const uint16_t *idx, size_t nidx, struct scan_result *res)
{
	scan_result_reset(res);
	if (!r->binary && memchr(buf, '\0', len < SCAN_BINARY_PROBE ? len : SCAN_BINARY_PROBE)) {
		res->status = SS_BINARY;
		return;
	}
	sc->buf = sc->f.buf = buf;
	sc->len = sc->f.len = len;
	sc->res = res;
	sc->f.nhits = 0;
	sc->limited = 0;
	sc->lang = c->lang;
	sc->pats = r->pats;
	sc->khint = 0;
	sc->above_ls = SIZE_MAX;
	sc->cs_span = SIZE_MAX;
	sc->skip_off = SIZE_MAX;
	sc->lo_ls = SIZE_MAX;
	find_all(sc, r, idx, nidx);
	apply_stops(sc, idx, nidx);
	for (size_t i = 0; i < nidx; i++) {
		sc->memo_ls[idx[i]] = SIZE_MAX;
		sc->desc_k[idx[i]] = SIZE_MAX;
		sc->in_le[idx[i]] = SIZE_MAX;
	}
	int sorted = 1; /* one pattern's hits come in order: no sort (300,000 of them cost 30 ms) */
	for (size_t i = 1; i < sc->f.nhits && sorted; i++)
		sorted = cmp_hit(&sc->f.hits[i - 1], &sc->f.hits[i]) <= 0;
	if (!sorted)
		qsort(sc->f.hits, sc->f.nhits, sizeof(*sc->f.hits), cmp_hit);
	struct needs nd;
	needs_of(r, idx, nidx, &nd);
	lex_file(sc, c, &nd, res);
	ALLOC_GROW_BIG(sc->doc, 0, sc->f.nhits, sc->adoc);
	uint8_t *doc = sc->doc;
	sc->f.nhits = place_filter(sc, r, doc);
	ALLOC_GROW_BIG(res->m, 0, sc->f.nhits, res->alloc);
	/* one forward pass: line numbers and line bounds of every hit */
	size_t cur_ls = 0, cur_le = SIZE_MAX, scanned = 0, t = 0;
	sc->ncovers = 0;
	sc->ccur = 0;
	sc->cdepth = 0;
	uint32_t line = 1;
	for (size_t i = 0; i < sc->f.nhits; i++) {
		size_t off = sc->f.hits[i].off;
		size_t nl = off > scanned ? bytes_count(buf + scanned, off - scanned, '\n') : 0;
		if (nl) { /* the hit is on a later line: count them at memory speed, then find its start */
			line += (uint32_t)nl;
			cur_ls = (size_t)((const char *)memrchr(buf + scanned, '\n', off - scanned) - buf) + 1;
			cur_le = SIZE_MAX;
		}
		scanned = off;
		if (cur_le == SIZE_MAX) /* once per line: a line of many matches is not searched again */
			cur_le = line_end(buf, len, off);
		int test = c->test || doc[i];
		if (!test && sc->tests.n) {
			while (t < sc->tests.n && sc->tests.v[t].end < off)
				t++;
			test = t < sc->tests.n && sc->tests.v[t].start <= off;
		}
		uint16_t pi = sc->f.hits[i].pat;
		const struct rules_pattern *p = &r->pats[pi];
		struct scan_match *m = &res->m[res->n++];
		m->line = line;
		m->col = (uint32_t)(off - cur_ls) + 1;
		m->pat = pi;
		int covers = c->lang == RL_RUST && !test;
		if (covers)
			cover_advance(sc, off);
		if (covers && covered(sc, r, p))
			m->outcome = SO_ALLOWED;
		else
			m->outcome = (uint8_t)judge(sc, p, pi, test, off, cur_ls, cur_le);
		if (covers && m->outcome == SO_ALLOWED && p->opens_block)
			cover_open(sc, pi, off, cur_le);
	}
	if (sc->limited) {
		res->status = SS_LIMIT;
		uint32_t ln = 1;
		for (const char *q = buf; (q = memchr(q, '\n', (size_t)(buf + sc->limit_off - q))); q++)
			ln++;
		res->limit_line = ln;
	}
}
