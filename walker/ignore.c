#include "ignore.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

enum {
	PAT_NEGATE = 1,
	PAT_MUSTBEDIR = 2,
	PAT_NODIR = 4, /* no slash in the pattern: matched against the basename */
};

struct glob;
struct ign_pat {
	struct glob *g; /* compiled at load (below) */
	unsigned flags;
};

struct ign_list {
	struct ign_pat *pats;
	size_t n, alloc;
	char *base;
	size_t base_len;
	int icase;
};

static struct glob *glob_new(const char *pattern, size_t len, int pathname, int icase);
static void glob_free(struct glob *g);
static int glob_match(const struct glob *g, const char *text, size_t len);

static void add_pattern(struct ign_list *l, const char *p, size_t n)
{
	unsigned flags = 0;
	if (n && p[0] == '!') {
		flags |= PAT_NEGATE;
		p++;
		n--;
	}
	/* "\!" and "\#" keep their backslash: wildmatch reads it as an escape of a literal '!' or '#' */
	if (n && p[n - 1] == '/') {
		flags |= PAT_MUSTBEDIR;
		n--;
	}
	if (!n)
		return;
	if (!memchr(p, '/', n))
		flags |= PAT_NODIR;
	if (n && p[0] == '/') { /* anchored: the leading slash only marks that */
		p++;
		n--;
	}
	if (!n)
		return;
	ALLOC_GROW(l->pats, l->n + 1, l->alloc);
	/* a basename pattern is matched without WM_PATHNAME, as git does */
	l->pats[l->n].g = glob_new(p, n, !(flags & PAT_NODIR), l->icase);
	l->pats[l->n].flags = flags;
	l->n++;
}

struct ign_list *ign_list_parse(const char *text, size_t len, const char *base, const char *source, int icase)
{
	(void)source;
	struct ign_list *l = xcalloc(1, sizeof(*l));
	l->base = xstrdup(base);
	l->base_len = strlen(base);
	l->icase = icase;
	size_t i = 0;
	/* a UTF-8 byte order mark at the start is skipped, as git does */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		i = 3;
	while (i < len) {
		const char *line = text + i;
		const char *nl = memchr(line, '\n', len - i);
		size_t n = nl ? (size_t)(nl - line) : len - i;
		i += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			n--;
		if (!n || line[0] == '#')
			continue;
		/* trailing spaces are dropped unless escaped with a backslash */
		while (n && line[n - 1] == ' ') {
			size_t bs = 0;
			while (bs + 1 < n && line[n - 2 - bs] == '\\')
				bs++;
			if (bs % 2)
				break;
			n--;
		}
		if (!n)
			continue;
		add_pattern(l, line, n);
	}
	if (!l->n) {
		ign_list_free(l);
		return NULL;
	}
	return l;
}

void ign_list_free(struct ign_list *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		glob_free(l->pats[i].g);
	free(l->pats);
	free(l->base);
	free(l);
}

size_t ign_list_count(const struct ign_list *l)
{
	return l ? l->n : 0;
}

/* ---- globs: each pattern compiled once ---------------------------------------------------------
 *
 * A pattern is read once, at load, into tokens that each consume text: ONE (one byte from a set:
 * a literal, '?', a bracket expression), STAR (any run of bytes from a set: '*', or "**" inside a
 * component when matching paths) and DSTAR ("**" as a whole component: any run of bytes,
 * slashes included; "**" + "/" may also match nothing at all). The sets are worked out for all
 * 256 byte values at load, case folding included, so matching never looks at the pattern text.
 *
 * The common shapes get a plain comparison: a literal, "lit*", "*lit", "**" + "/lit", "lit/" + "**".
 * Everything else runs as a position automaton: state k means "the first k tokens matched"; the
 * set of live states is a bit vector, and each text byte moves all of them at once (shift for the
 * ONE tokens, keep for the STAR loops, then the empty moves of the stars). That is one pass over
 * the text whatever the pattern: no backtracking, so no star can make it exponential (the reason
 * for the old matcher's memo, commit 5e26ceb).
 *
 * What a pattern means follows git (gitignore(5) and the wildmatch tests in git's t3070): with
 * pathname set '*', '?' and brackets never match '/'; a bracket expression takes ranges, '!' or
 * '^' negation, "[:class:]" names, backslash escapes, and a ']' first in it is literal; with case
 * folding the text byte is folded to lower case before a bracket or an escaped character looks at
 * it, and neither is folded itself (only a range also tries the upper-case form), so "[A]" and
 * "\A" never match then; a pattern ending in a lone backslash, or holding a bracket expression
 * that does not close or an unknown class name, matches nothing. In ignore files, stars that
 * start at the pattern's first special character count as starting a component (tokenize).
 */

static int is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}
static int is_lower(int c)
{
	return c >= 'a' && c <= 'z';
}
static int is_digit(int c)
{
	return c >= '0' && c <= '9';
}
static int is_alpha(int c)
{
	return is_upper(c) || is_lower(c);
}
static int to_lower(int c)
{
	return is_upper(c) ? c + 32 : c;
}
static int to_upper(int c)
{
	return is_lower(c) ? c - 32 : c;
}

enum { T_ONE, T_STAR, T_DSTAR };
enum { G_NEVER, G_LITERAL, G_PREFIX, G_SUFFIX, G_ANYDIR, G_AUTOMATON };

struct byteset {
	uint64_t w[4];
};

static void bs_add(struct byteset *s, int c)
{
	s->w[c >> 6] |= (uint64_t)1 << (c & 63);
}
static int bs_has(const struct byteset *s, int c)
{
	return (int)(s->w[c >> 6] >> (c & 63) & 1);
}
static void bs_fill(struct byteset *s, int all_but_slash)
{
	memset(s->w, 0xff, sizeof(s->w));
	if (all_but_slash)
		s->w['/' >> 6] &= ~((uint64_t)1 << ('/' & 63));
}

struct tok {
	uint8_t kind;
	uint8_t lit;      /* T_ONE: a plain or escaped character (ch), not '?' or a bracket */
	uint8_t zero_dir; /* T_DSTAR followed by '/': the pair may match nothing */
	unsigned char ch; /* lit: the character */
	struct byteset set;
};

struct glob {
	uint8_t kind, pathname, icase;
	uint8_t tail_any; /* G_PREFIX: what follows the literal may hold '/' */
	char *lit;        /* G_LITERAL .. G_ANYDIR: the literal, folded when icase; G_AUTOMATON: the */
	size_t litlen;    /* literal characters the pattern starts with, then (suflen) those it ends */
	size_t suflen;    /* with: compared first, so that most texts are turned down at once */
	/* G_AUTOMATON: states 0..ntok in nw words; per byte class: nw words of ONE targets, then nw
	 * words of STAR loops; the states with an empty move to the next one and to the one after */
	unsigned ntok, nw, nclass;
	unsigned char cls[256];
	uint64_t *step, *eps1, *eps2;
};

/* The bytes a literal pattern character ch matches: ch, and with case folding its other case. */
static void lit_set(struct byteset *s, unsigned char ch, int icase)
{
	memset(s, 0, sizeof(*s));
	bs_add(s, ch);
	if (icase && is_alpha(ch))
		bs_add(s, is_upper(ch) ? to_lower(ch) : to_upper(ch));
}

/* The bytes a character ch of a bracket expression matches: the text byte is folded, ch is not,
 * so with case folding an upper-case ch matches nothing and a lower-case one both cases. */
static void member_add(struct byteset *s, int ch, int icase)
{
	if (!icase) {
		bs_add(s, ch);
	} else if (is_lower(ch)) {
		bs_add(s, ch);
		bs_add(s, to_upper(ch));
	} else if (!is_upper(ch)) {
		bs_add(s, ch);
	}
}

static int class_has(const char *name, size_t n, int t, int icase)
{
#define IS(s) (n == sizeof(s) - 1 && !memcmp(name, s, n))
	if (IS("alnum"))
		return is_alpha(t) || is_digit(t);
	if (IS("alpha"))
		return is_alpha(t);
	if (IS("blank"))
		return t == ' ' || t == '\t';
	if (IS("cntrl"))
		return t < 32 || t == 127;
	if (IS("digit"))
		return is_digit(t);
	if (IS("graph"))
		return t > 32 && t < 127;
	if (IS("lower"))
		return is_lower(t);
	if (IS("print"))
		return t >= 32 && t < 127;
	if (IS("punct"))
		return t > 32 && t < 127 && !is_alpha(t) && !is_digit(t);
	if (IS("space"))
		return t == ' ' || (t >= 9 && t <= 13);
	if (IS("upper"))
		return is_upper(t) || (icase && is_lower(t));
	if (IS("xdigit"))
		return is_digit(t) || (to_lower(t) >= 'a' && to_lower(t) <= 'f');
#undef IS
	return -1;
}

/* The bracket expression at p[0] == '[': its byte set into *set, the offset just past its ']'
 * into *end; -1 when it does not close or names an unknown class (the pattern matches nothing). */
static int parse_bracket(const unsigned char *p, int pathname, int icase, struct byteset *set, size_t *end)
{
	struct byteset in;
	memset(&in, 0, sizeof(in));
	size_t q = 1;
	int negated = p[q] == '!' || p[q] == '^';
	if (negated)
		q++;
	int prev = 0; /* the last single character, which a '-' can start a range from */
	do {
		int ch = p[q];
		if (!ch)
			return -1;
		if (ch == '\\') {
			ch = p[++q];
			if (!ch)
				return -1;
			member_add(&in, ch, icase);
			prev = ch;
		} else if (ch == '-' && prev && p[q + 1] && p[q + 1] != ']') {
			int hi = p[++q];
			if (hi == '\\') {
				hi = p[++q];
				if (!hi)
					return -1;
			}
			for (int c = 0; c < 256; c++) {
				int t = icase ? to_lower(c) : c;
				if ((t >= prev && t <= hi) ||
				    (icase && is_lower(t) && to_upper(t) >= prev && to_upper(t) <= hi))
					bs_add(&in, c);
			}
			prev = 0;
		} else if (ch == '[' && p[q + 1] == ':') {
			size_t s = q + 2, e = s;
			while (p[e] && p[e] != ']')
				e++;
			if (!p[e])
				return -1;
			if (e < s + 1 || p[e - 1] != ':') {
				/* no ":]" before the ']': the '[' is an ordinary member */
				member_add(&in, '[', icase);
				prev = '[';
			} else {
				size_t n = e - s - 1;
				if (class_has((const char *)p + s, n, 'a', icase) < 0)
					return -1;
				for (int c = 0; c < 256; c++)
					if (class_has((const char *)p + s, n, icase ? to_lower(c) : c, icase))
						bs_add(&in, c);
				prev = 0;
				q = e;
			}
		} else {
			member_add(&in, ch, icase);
			prev = ch;
		}
	} while (p[++q] != ']');
	memset(set, 0, sizeof(*set));
	for (int c = 0; c < 256; c++)
		if (bs_has(&in, c) != negated && !(pathname && c == '/'))
			bs_add(set, c);
	*end = q + 1;
	return 0;
}

/* The tokens of pattern p; returns their number, or -1 when the pattern matches nothing.
 * lead: a run of stars that starts at the pattern's first special character counts as starting
 * a component, as git's ignore code has it (dir.c compares the literal part before that
 * character itself and hands only the rest to its wildmatch, where the stars then come first:
 * "foo**" + "/bar" matches "foobar" and "foox/y/bar"). */
static long tokenize(const unsigned char *p, int pathname, int icase, int lead, struct tok **out)
{
	struct tok *t = NULL;
	size_t n = 0, alloc = 0;
	size_t plain = lead ? strcspn((const char *)p, "*?[\\") : 0;
	for (size_t i = 0; p[i];) {
		ALLOC_GROW(t, n + 1, alloc);
		struct tok *k = &t[n++];
		memset(k, 0, sizeof(*k));
		if (p[i] == '*') {
			size_t j = i;
			while (p[j] == '*')
				j++;
			int whole = j - i >= 2 && (i == 0 || (lead && i == plain) || p[i - 1] == '/') &&
				    (!p[j] || p[j] == '/' || (p[j] == '\\' && p[j + 1] == '/'));
			k->kind = whole ? T_DSTAR : T_STAR;
			k->zero_dir = whole && p[j] == '/';
			bs_fill(&k->set, !whole && pathname);
			i = j;
		} else if (p[i] == '?') {
			k->kind = T_ONE;
			bs_fill(&k->set, pathname);
			i++;
		} else if (p[i] == '[') {
			size_t len;
			k->kind = T_ONE;
			if (!p[i + 1] || parse_bracket(p + i, pathname, icase, &k->set, &len) < 0) {
				free(t);
				return -1;
			}
			i += len;
		} else {
			int escaped = p[i] == '\\';
			/* a lone backslash at the end; with case folding an escaped upper-case letter, which
			 * is compared unfolded with the folded text byte */
			if (escaped && (!p[++i] || (icase && is_upper(p[i])))) {
				free(t);
				return -1;
			}
			k->kind = T_ONE;
			k->lit = 1; /* its set is filled only if an automaton needs it */
			k->ch = p[i];
			i++;
		}
	}
	*out = t;
	return (long)n;
}

static int all_lit(const struct tok *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (!t[i].lit)
			return 0;
	return 1;
}

/* g->lit: the characters of tokens [from, to), then those of [from2, to2) (suflen of them). */
static void take_lit2(struct glob *g, const struct tok *t, size_t from, size_t to, size_t from2, size_t to2)
{
	g->litlen = to - from;
	g->suflen = to2 - from2;
	g->lit = xmalloc(g->litlen + g->suflen + 1);
	char *o = g->lit;
	for (size_t i = from; i < to; i++)
		*o++ = (char)(g->icase ? to_lower(t[i].ch) : t[i].ch);
	for (size_t i = from2; i < to2; i++)
		*o++ = (char)(g->icase ? to_lower(t[i].ch) : t[i].ch);
	*o = '\0';
}

static void take_lit(struct glob *g, const struct tok *t, size_t from, size_t to)
{
	take_lit2(g, t, from, to, 0, 0);
}

static void build_automaton(struct glob *g, struct tok *t, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (t[k].lit)
			lit_set(&t[k].set, t[k].ch, g->icase);
	size_t nw = (n + 1 + 63) / 64;
	g->ntok = (unsigned)n;
	g->nw = (unsigned)nw;
	g->eps1 = xcalloc(2 * nw, sizeof(uint64_t));
	g->eps2 = g->eps1 + nw;
	for (size_t k = 0; k < n; k++) {
		if (t[k].kind != T_ONE)
			g->eps1[k / 64] |= (uint64_t)1 << (k % 64);
		if (t[k].kind == T_DSTAR && t[k].zero_dir)
			g->eps2[k / 64] |= (uint64_t)1 << (k % 64);
	}
	/* per byte: the states a ONE token moves to, the states a STAR loop keeps; equal rows share
	 * a class (found through a small hash table: this runs once per pattern of every ignore file) */
	size_t rw = 2 * nw;
	uint64_t *rows = xcalloc(256 * rw, sizeof(uint64_t));
	for (size_t k = 0; k < n; k++) {
		size_t to = k + 1, off = (t[k].kind == T_ONE ? 0 : nw) + to / 64;
		uint64_t bit = (uint64_t)1 << (to % 64);
		for (int w = 0; w < 4; w++)
			for (uint64_t m = t[k].set.w[w]; m; m &= m - 1)
				rows[(size_t)(w * 64 + __builtin_ctzll(m)) * rw + off] |= bit;
	}
	short slot[512];
	memset(slot, -1, sizeof(slot));
	g->step = xmalloc(256 * rw * sizeof(uint64_t));
	g->nclass = 0;
	for (int c = 0; c < 256; c++) {
		const uint64_t *r = rows + (size_t)c * rw;
		uint64_t h = 0;
		for (size_t w = 0; w < rw; w++)
			h = (h ^ r[w]) * 0x9e3779b97f4a7c15u;
		size_t i = (size_t)(h >> 55);
		while (slot[i] >= 0 && memcmp(g->step + (size_t)slot[i] * rw, r, rw * sizeof(uint64_t)))
			i = (i + 1) & 511;
		if (slot[i] < 0) {
			slot[i] = (short)g->nclass;
			memcpy(g->step + (size_t)g->nclass++ * rw, r, rw * sizeof(uint64_t));
		}
		g->cls[c] = (unsigned char)slot[i];
	}
	g->step = xrealloc(g->step, (size_t)g->nclass * rw * sizeof(uint64_t));
	free(rows);
}

/* Compile pattern for text matched with pathname and icase as given (lead: see tokenize); never
 * fails. */
static void glob_compile(struct glob *g, const char *pattern, int pathname, int icase, int lead)
{
	memset(g, 0, sizeof(*g));
	g->pathname = (uint8_t)pathname;
	g->icase = (uint8_t)icase;
	struct tok *t = NULL;
	long nt = tokenize((const unsigned char *)pattern, pathname, icase, lead, &t);
	if (nt < 0) {
		g->kind = G_NEVER;
		return;
	}
	size_t n = (size_t)nt;
	if (all_lit(t, 0, n)) {
		g->kind = G_LITERAL;
		take_lit(g, t, 0, n);
	} else if (n && t[n - 1].kind != T_ONE && !t[n - 1].zero_dir && all_lit(t, 0, n - 1)) {
		g->kind = G_PREFIX; /* "lit*", "lit/" + "**" */
		g->tail_any = t[n - 1].kind == T_DSTAR || !pathname;
		take_lit(g, t, 0, n - 1);
	} else if (n && t[0].kind == T_STAR && all_lit(t, 1, n)) {
		g->kind = G_SUFFIX; /* "*lit" */
		take_lit(g, t, 1, n);
	} else if (n >= 2 && t[0].kind == T_DSTAR && t[0].zero_dir && all_lit(t, 1, n)) {
		g->kind = G_ANYDIR; /* "**" "/lit": lit, or anything ending in "/lit" */
		take_lit(g, t, 2, n);
	} else {
		g->kind = G_AUTOMATON;
		size_t pre = 0, post = 0;
		while (t[pre].lit)
			pre++;
		/* not the '/' after a "**" that may match nothing with it */
		while (t[n - 1 - post].lit && !(t[n - 2 - post].kind == T_DSTAR && t[n - 2 - post].zero_dir))
			post++;
		take_lit2(g, t, 0, pre, n - post, n);
		build_automaton(g, t, n);
	}
	free(t);
}

static void glob_release(struct glob *g)
{
	free(g->lit);
	free(g->step);
	free(g->eps1);
	memset(g, 0, sizeof(*g));
}

/* s[0..n) equals the literal's characters from off on, folded when icase */
static int lit_eq_at(const struct glob *g, const char *s, size_t off, size_t n)
{
	if (!g->icase)
		return !memcmp(s, g->lit + off, n);
	for (size_t i = 0; i < n; i++)
		if (to_lower((unsigned char)s[i]) != (unsigned char)g->lit[off + i])
			return 0;
	return 1;
}

static int lit_eq(const struct glob *g, const char *s)
{
	return lit_eq_at(g, s, 0, g->litlen);
}

/* Run from state `from` (the tokens before it are matched) over s[0..len). */
static int run_automaton(const struct glob *g, size_t from, const unsigned char *s, size_t len)
{
	size_t nw = g->nw;
	uint64_t small[8], *heap = nw > 4 ? xmalloc(2 * nw * sizeof(uint64_t)) : NULL;
	uint64_t *cur = heap ? heap : small, *next = cur + nw;
	memset(cur, 0, nw * sizeof(uint64_t));
	cur[from / 64] = (uint64_t)1 << (from % 64);
	int live = 1;
	for (size_t i = 0;; i++) {
		/* the empty moves: a star may match nothing, and so may "**" with its "/" */
		for (int again = 1; again;) {
			again = 0;
			uint64_t c1 = 0, c2 = 0;
			for (size_t w = 0; w < nw; w++) {
				uint64_t a = cur[w] & g->eps1[w], b = cur[w] & g->eps2[w];
				uint64_t add = a << 1 | c1 | b << 2 | c2;
				c1 = a >> 63;
				c2 = b >> 62;
				if (add & ~cur[w]) {
					cur[w] |= add;
					again = 1;
				}
			}
		}
		if (i == len || !live)
			break;
		const uint64_t *st = g->step + (size_t)g->cls[s[i]] * 2 * nw;
		uint64_t carry = 0;
		live = 0;
		for (size_t w = 0; w < nw; w++) {
			next[w] = ((cur[w] << 1 | carry) & st[w]) | (cur[w] & st[nw + w]);
			carry = cur[w] >> 63;
			live |= next[w] != 0;
		}
		uint64_t *x = cur;
		cur = next;
		next = x;
	}
	int hit = live && (cur[g->ntok / 64] >> (g->ntok % 64) & 1);
	free(heap);
	return hit;
}

static int glob_match(const struct glob *g, const char *text, size_t len)
{
	switch (g->kind) {
	case G_LITERAL:
		return len == g->litlen && lit_eq(g, text);
	case G_PREFIX:
		return len >= g->litlen && lit_eq(g, text) &&
		       (g->tail_any || !memchr(text + g->litlen, '/', len - g->litlen));
	case G_SUFFIX:
		return len >= g->litlen && lit_eq(g, text + len - g->litlen) &&
		       !(g->pathname && memchr(text, '/', len - g->litlen));
	case G_ANYDIR:
		return (len == g->litlen && lit_eq(g, text)) ||
		       (len > g->litlen && text[len - g->litlen - 1] == '/' && lit_eq(g, text + len - g->litlen));
	case G_AUTOMATON:
		/* the literal start (matched: the automaton starts after it) and end (a filter) */
		return len >= g->litlen + g->suflen && lit_eq(g, text) &&
		       lit_eq_at(g, text + len - g->suflen, g->litlen, g->suflen) &&
		       run_automaton(g, g->litlen, (const unsigned char *)text + g->litlen, len - g->litlen);
	}
	return 0;
}

static struct glob *glob_new(const char *pattern, size_t len, int pathname, int icase)
{
	struct glob *g = xmalloc(sizeof(*g));
	char *z = xmemdup(pattern, len);
	glob_compile(g, z, pathname, icase, pathname);
	free(z);
	return g;
}

static void glob_free(struct glob *g)
{
	if (g)
		glob_release(g);
	free(g);
}

int ign_wildmatch(const char *pat, const char *text, int pathname, int icase)
{
	struct glob g;
	glob_compile(&g, pat, pathname, icase, 0);
	int r = glob_match(&g, text, strlen(text));
	glob_release(&g);
	return r;
}

static int name_eq(const char *a, const char *b, size_t n, int icase)
{
	if (!icase)
		return !memcmp(a, b, n);
	for (size_t i = 0; i < n; i++)
		if (to_lower((unsigned char)a[i]) != to_lower((unsigned char)b[i]))
			return 0;
	return 1;
}

int ign_list_match(const struct ign_list *l, const char *path, size_t len, size_t base_off, int is_dir)
{
	for (size_t k = l->n; k-- > 0;) {
		const struct ign_pat *p = &l->pats[k];
		if ((p->flags & PAT_MUSTBEDIR) && !is_dir)
			continue;
		int hit;
		if (p->flags & PAT_NODIR) {
			hit = glob_match(p->g, path + base_off, len - base_off);
		} else {
			/* relative to the directory of the ignore file */
			if (len < l->base_len + 1 || !name_eq(path, l->base, l->base_len, l->icase))
				continue;
			hit = glob_match(p->g, path + l->base_len, len - l->base_len);
		}
		if (hit)
			return (p->flags & PAT_NEGATE) ? 1 : -1;
	}
	return 0;
}

static struct ign_list *read_list(int dirfd, const char *name, const char *base, int icase, int oflags)
{
	struct sbuf text = SBUF_INIT;
	struct ign_list *l = NULL;
	if (sbuf_read_at_flags(&text, dirfd, name, IGN_FILE_MAX, oflags) == 0)
		l = ign_list_parse(text.buf, text.len, base, name, icase);
	sbuf_release(&text);
	return l;
}

struct ign_list *ign_list_read(int dirfd, const char *name, const char *base, int icase)
{
	return read_list(dirfd, name, base, icase, 0);
}

struct ign_list *ign_list_read_in_tree(int dirfd, const char *name, const char *base, int icase)
{
	return read_list(dirfd, name, base, icase, O_NOFOLLOW);
}
