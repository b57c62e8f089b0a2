/* rust: test items from attributes, attribute reasons, module declarations
 * (docs/patterns.md, "Test code"). */
#include "rust.h"

#include "bytes.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bytes.h"
#include "xalloc.h"
#include "banned.h"

#define MOD_NAME_MAX 255
#define MODS_MAX 65535 /* bytes of declarations kept per file (the cache stores a uint16 length) */

/* A cursor over buf that steps over comments (and, when asked, strings) with the lexer's spans. */
struct cur {
	const char *b;
	size_t len, i, k; /* k: the first span that ends after i */
	const struct lex_spans *sp;
};

static void cur_at(struct cur *c, size_t i)
{
	c->i = i;
	c->k = lex_first_after_near(c->sp, i, &c->k);
}

/* The span covering c->i, or NULL when c->i is code. */
static const struct lex_span *cur_span(const struct cur *c)
{
	return c->k < c->sp->n && c->sp->v[c->k].start <= c->i ? &c->sp->v[c->k] : NULL;
}

/* Move to the next code byte that is not white space, stepping over comments (and strings when
 * strings is set); returns it, or -1 at lim. */
static int next_tok(struct cur *c, size_t lim, int strings)
{
	while (c->i < lim) {
		const struct lex_span *s = cur_span(c);
		if (s && (s->kind != LK_STRING || strings)) {
			cur_at(c, s->end);
			continue;
		}
		if (s)
			return '"'; /* a string, seen as one token */
		unsigned char ch = (unsigned char)c->b[c->i];
		if (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')
			return ch;
		cur_at(c, c->i + 1);
	}
	return -1;
}

static int ident_byte(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
	       ch >= 0x80;
}

/* Code bytes from i on, comments and strings stepped over in one tight loop: the scans below
 * run at memory speed on lines of a hundred thousand attributes. */
struct code_iter {
	const struct lex_spans *sp;
	size_t k, next; /* the next span, and where it starts (SIZE_MAX: none) */
};

static void code_iter_at(struct code_iter *it, struct cur *c, size_t i)
{
	cur_at(c, i);
	it->sp = c->sp;
	it->k = c->k;
	it->next = it->k < it->sp->n ? it->sp->v[it->k].start : SIZE_MAX;
}

/* i is the next byte to look at: returns it, or the end of the span it starts. */
static inline size_t code_iter_skip(struct code_iter *it, size_t i)
{
	while (i >= it->next) {
		if (it->sp->v[it->k].end > i)
			i = it->sp->v[it->k].end;
		it->k++;
		it->next = it->k < it->sp->n ? it->sp->v[it->k].start : SIZE_MAX;
	}
	return i;
}

/* The offset just past the ']' closing the attribute whose '[' is at open, or 0. */
static size_t attr_end(struct cur *c, size_t open)
{
	size_t lim = open + RUST_ATTR_MAX < c->len ? open + RUST_ATTR_MAX : c->len;
	long depth = 0;
	struct code_iter it;
	code_iter_at(&it, c, open);
	for (size_t i = code_iter_skip(&it, open); i < lim; i = code_iter_skip(&it, i + 1)) {
		char ch = c->b[i];
		if (ch == '[')
			depth++;
		else if (ch == ']' && --depth == 0)
			return i + 1;
	}
	return 0;
}

static int word_is(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && !memcmp(s, w, n);
}

/* cfg(…) with `test` outside any not(…): the item exists only in test builds (docs/patterns.md). */
static int cfg_says_test(const char *b, size_t s, size_t e)
{
	int notdepth = 0, depth = 0, nots[64];
	for (size_t i = s; i < e;) {
		if (b[i] == '"') { /* feature = "test" is no test */
			const char *q = memchr(b + i + 1, '"', e - i - 1);
			i = q ? (size_t)(q - b) + 1 : e;
			continue;
		}
		if (ident_byte((unsigned char)b[i])) {
			size_t w = i;
			while (i < e && ident_byte((unsigned char)b[i]))
				i++;
			size_t j = i;
			while (j < e && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r'))
				j++;
			if (j < e && b[j] == '(') {
				if (depth < 64)
					nots[depth] = word_is(b + w, i - w, "not");
				notdepth += depth < 64 && nots[depth];
				depth++;
				i = j + 1;
			} else if (word_is(b + w, i - w, "test") && !notdepth && (j >= e || b[j] != '=')) {
				return 1;
			}
			continue;
		}
		if (b[i] == ')' && depth > 0) {
			depth--;
			notdepth -= depth < 64 && nots[depth];
		}
		i++;
	}
	return 0;
}

/* The attribute's path [s, e) (`test`, `tokio::test`, `rstest`) marks a test function. */
static int attr_is_test(const char *b, size_t s, size_t e)
{
	size_t last = e;
	while (last > s && ident_byte((unsigned char)b[last - 1]))
		last--;
	const char *w = b + last;
	size_t n = e - last;
	return word_is(w, n, "test") || word_is(w, n, "bench") || word_is(w, n, "rstest") || word_is(w, n, "test_case");
}

/* Is the attribute between open ('[') and end (past ']') a test attribute? */
static int test_attribute(const char *b, size_t open, size_t end)
{
	size_t s = open + 1;
	while (s < end && (b[s] == ' ' || b[s] == '\t' || b[s] == '\n' || b[s] == '\r'))
		s++;
	size_t e = s;
	while (e < end && (ident_byte((unsigned char)b[e]) || b[e] == ':'))
		e++;
	if (e == s)
		return 0;
	if (word_is(b + s, e - s, "cfg")) {
		size_t a = e;
		while (a < end && b[a] != '(')
			a++;
		return a < end && cfg_says_test(b, a + 1, end - 1);
	}
	return attr_is_test(b, s, e);
}

/* From just after an attribute, the end of the item it governs: past its closing '}' (or its ';'
 * when one comes first at depth 0); len when it does not close before lim. */
static size_t item_end(struct cur *c, size_t from, size_t lim)
{
	long paren = 0, brace = 0;
	struct code_iter it;
	code_iter_at(&it, c, from);
	for (size_t i = code_iter_skip(&it, from); i < lim; i = code_iter_skip(&it, i + 1)) {
		char ch = c->b[i];
		if (ch == '#' && brace == 0 && paren == 0) { /* a further attribute of the same item */
			size_t o = i + 1;
			if (o < c->len && c->b[o] == '!')
				o++;
			if (o < c->len && c->b[o] == '[') {
				size_t e = attr_end(c, o);
				if (e) {
					code_iter_at(&it, c, e);
					i = e - 1;
					continue;
				}
			}
		}
		if (ch == '(' || ch == '[')
			paren++;
		else if ((ch == ')' || ch == ']') && paren > 0)
			paren--;
		else if (ch == ';' && paren == 0 && brace == 0)
			return i + 1;
		else if (ch == '{')
			brace++;
		else if (ch == '}' && brace > 0 && --brace == 0)
			return i + 1;
	}
	return c->len;
}

static void add_region(struct rust_regions *out, size_t s, size_t e)
{
	ALLOC_GROW(out->v, out->n + 1, out->alloc);
	out->v[out->n].start = s;
	out->v[out->n].end = e;
	out->n++;
}

void rust_test_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp, struct rust_regions *out)
{
	struct cur c = { buf, len, 0, SIZE_MAX, sp };
	size_t pos = 0;
	out->n = 0;
	if (limit > len)
		limit = len;
	while (pos < limit) {
		const char *h = memchr(buf + pos, '#', limit - pos);
		if (!h)
			break;
		size_t at = (size_t)(h - buf);
		pos = at + 1;
		cur_at(&c, at);
		if (cur_span(&c))
			continue; /* in a comment or string */
		size_t o = at + 1;
		int inner = o < len && buf[o] == '!';
		o += (size_t)inner;
		if (o >= len || buf[o] != '[')
			continue;
		size_t e = attr_end(&c, o);
		if (!e || !test_attribute(buf, o, e))
			continue;
		/* an inner #![cfg(test)] makes the whole file test code (the item it governs) */
		size_t end = inner ? len : item_end(&c, e, limit);
		if (inner) /* it covers the regions found before it: one region, sorted as the rest */
			out->n = 0, at = 0;
		add_region(out, at, end);
		pos = end;
	}
}

/* "mod" at i looks like a declaration `mod name;` (comments between are not looked at). */
static size_t decl_at(const char *buf, size_t len, size_t i)
{
	if (i > 0 && ident_byte((unsigned char)buf[i - 1]))
		return 0;
	size_t j = i + 3, w;
	if (j >= len || (buf[j] != ' ' && buf[j] != '\t' && buf[j] != '\n'))
		return 0;
	while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\n' || buf[j] == '\r'))
		j++;
	for (w = j; j < len && (ident_byte((unsigned char)buf[j]) || buf[j] == '#'); j++)
		;
	while (j < len && (buf[j] == ' ' || buf[j] == '\t' || buf[j] == '\r'))
		j++;
	return j > w && j < len && buf[j] == ';' ? j + 1 : 0;
}

/* s[0..n) holds w (short; no memmem setup per attribute). */
static int holds(const char *s, size_t n, const char *w, size_t wn)
{
	for (const char *p = s; n >= wn && (p = memchr(p, w[0], n - (size_t)(p - s) - wn + 1)); p++)
		if (!memcmp(p, w, wn))
			return 1;
	return 0;
}

int rust_maybe_tests(const char *buf, size_t limit)
{
	for (const char *h = buf; h < buf + limit && (h = memchr(h, '#', limit - (size_t)(h - buf))); h++) {
		const char *e = buf + limit, *a = h + 1;
		if (a < e && *a == '!')
			a++;
		if (a >= e || *a != '[')
			continue;
		size_t n = (size_t)(e - a) < 256 ? (size_t)(e - a) : 256;
		const char *close = memchr(a, ']', n);
		if (close)
			n = (size_t)(close - a);
		if (holds(a, n, "test", 4) || holds(a, n, "bench", 5))
			return 1;
		h = a + n - 1; /* each byte once */
	}
	return 0;
}

size_t rust_mod_extent(const char *buf, size_t len)
{
	size_t last = 0;
	/* "mod " as rustfmt writes every declaration: "mod" alone is in model, modify, modulo */
	for (const char *h = buf; (h = bytes_find_pair(h, len - (size_t)(h - buf), "mod ", 4, 0, 2)); h++) {
		size_t e = decl_at(buf, len, (size_t)(h - buf));
		if (e)
			last = e;
	}
	return last;
}

static int in_regions(const struct rust_regions *rg, size_t off, size_t *k)
{
	while (*k < rg->n && rg->v[*k].end <= off)
		(*k)++;
	return *k < rg->n && rg->v[*k].start <= off;
}

void rust_mod_decls(const char *buf, size_t len, const struct lex_spans *sp, const struct rust_regions *rg,
		    struct sbuf *out)
{
	struct cur c = { buf, len, 0, SIZE_MAX, sp };
	size_t pos = 0, rk = 0;
	while (pos + 3 < len) {
		const char *h = bytes_find_pair(buf + pos, len - pos, "mod ", 4, 0, 2);
		if (!h)
			break;
		size_t at = (size_t)(h - buf);
		pos = at + 3;
		if ((at > 0 && ident_byte((unsigned char)buf[at - 1])) || pos >= len ||
		    (buf[pos] != ' ' && buf[pos] != '\t' && buf[pos] != '\n'))
			continue;
		cur_at(&c, at);
		if (cur_span(&c))
			continue;
		cur_at(&c, pos);
		if (next_tok(&c, len, 1) < 0)
			break;
		size_t ns = c.i, ne = ns;
		if (ne + 1 < len && buf[ne] == 'r' && buf[ne + 1] == '#')
			ns = ne = ne + 2; /* a raw identifier names the file without its r# */
		while (ne < len && ident_byte((unsigned char)buf[ne]))
			ne++;
		if (ne == ns || ne - ns > MOD_NAME_MAX)
			continue;
		cur_at(&c, ne);
		if (next_tok(&c, len, 1) != ';')
			continue;
		if (out->len + (ne - ns) + 2 > MODS_MAX)
			break;
		sbuf_addch(out, in_regions(rg, at, &rk) ? RUST_MOD_TEST : 0);
		sbuf_add(out, buf + ns, ne - ns);
		sbuf_addch(out, '\0');
	}
}

static int has_reason(struct cur *cp, size_t off);

int rust_attr_has_reason(const char *buf, size_t len, size_t off, const struct lex_spans *sp, size_t *hint)
{
	struct cur c = { buf, len, 0, *hint, sp };
	int r = has_reason(&c, off);
	*hint = c.k;
	return r;
}

static int has_reason(struct cur *cp, size_t off)
{
	const char *buf = cp->b;
	size_t len = cp->len;
	size_t o = off + 1;
	if (o < len && buf[o] == '!')
		o++;
	if (o >= len || buf[o] != '[')
		return 0;
	size_t e = attr_end(cp, o);
	if (!e)
		return 0;
	for (const char *r = buf + o; (r = memchr(r, 'r', e - (size_t)(r - buf))) && (size_t)(r - buf) + 6 <= e; r++) {
		size_t i = (size_t)(r - buf);
		if (memcmp(r, "reason", 6) || (i > 0 && ident_byte((unsigned char)buf[i - 1])))
			continue;
		cur_at(cp, i);
		if (cur_span(cp))
			continue;
		cur_at(cp, i + 6);
		if (next_tok(cp, e, 0) == '=') {
			cur_at(cp, cp->i + 1);
			if (next_tok(cp, e, 0) == '"')
				return 1;
		}
	}
	return 0;
}

/* The lints in the allow(…)/expect(…) list that starts at i (just after its '('), up to the
 * matching ')': all of them warnings about unused code. */
static int only_unused_lints(const char *b, size_t i, size_t e)
{
	int any = 0;
	while (i < e) {
		while (i < e && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r' || b[i] == ','))
			i++;
		if (i >= e || b[i] == ')')
			return any;
		size_t w = i;
		while (i < e && (ident_byte((unsigned char)b[i]) || b[i] == ':'))
			i++;
		size_t n = i - w;
		if (!n)
			return 0;
		if (!(n >= 6 && !memcmp(b + w, "unused", 6)) && !word_is(b + w, n, "dead_code") &&
		    !word_is(b + w, n, "unreachable_pub"))
			return 0;
		any = 1;
	}
	return 0;
}

int rust_attr_cfg_gated_unused(const char *buf, size_t len, size_t off, const struct lex_spans *sp, size_t *hint,
			       int plain)
{
	struct cur c = { buf, len, 0, *hint, sp };
	size_t o = off + 1;
	if (o < len && buf[o] == '!')
		o++;
	if (o >= len || buf[o] != '[')
		return 0;
	size_t e = attr_end(&c, o);
	*hint = c.k;
	if (!e)
		return 0;
	const char *h = plain ? buf + o : memmem(buf + o, e - o, "cfg_attr", 8);
	if (!h)
		return 0;
	/* every allow(…) or expect(…) in it silences only unused-code warnings */
	int seen = 0;
	for (size_t i = (size_t)(h - buf) + (plain ? 1 : 8); i + 6 < e; i++) {
		size_t k = 0;
		if (!memcmp(buf + i, "allow", 5))
			k = 5;
		else if (!memcmp(buf + i, "expect", 6))
			k = 6;
		if (!k || ident_byte((unsigned char)buf[i - 1]))
			continue;
		size_t j = i + k;
		while (j < e && (buf[j] == ' ' || buf[j] == '\t'))
			j++;
		if (j >= e || buf[j] != '(')
			continue;
		if (!only_unused_lints(buf, j + 1, e))
			return 0;
		seen = 1;
	}
	return seen;
}

/* The reason = "…" of the attribute [o, e) says something other than "TODO" or "FIXME". */
static int real_reason(const char *b, size_t o, size_t e)
{
	const char *r = memmem(b + o, e - o, "reason", 6);
	if (!r)
		return 0;
	const char *q = memchr(r, '"', (size_t)(b + e - r));
	if (!q)
		return 0;
	q++;
	while (q < b + e && (*q == ' ' || *q == '\t'))
		q++;
	if (b + e - q >= 4 && (!strncasecmp(q, "TODO", 4) || !strncasecmp(q, "FIXME", 5)))
		return 0;
	return q < b + e && *q != '"';
}

void rust_waivers(const char *buf, size_t len, size_t limit, const struct lex_spans *sp, struct rust_regions *out)
{
	static const char lint[] = "undocumented_unsafe_blocks";
	struct cur c = { buf, len, 0, SIZE_MAX, sp };
	out->n = 0;
	if (limit > len)
		limit = len;
	/* the lint is named in an attribute: look at each '#' (rare in Rust) rather than the file */
	size_t pos = 0;
	while (pos < limit) {
		const char *h = memchr(buf + pos, '#', limit - pos);
		if (!h)
			break;
		size_t a = (size_t)(h - buf);
		pos = a + 1;
		size_t o = a + 1;
		int inner = o < len && buf[o] == '!';
		o += (size_t)inner;
		if (o >= len || buf[o] != '[')
			continue;
		size_t span = len - o < RUST_ATTR_MAX ? len - o : RUST_ATTR_MAX;
		const char *close = memchr(buf + o, ']', span);
		if (!close) {
			pos = o + span; /* no attribute closes here: each byte is looked at once */
			continue;
		}
		pos = (size_t)(close - buf) + 1;
		const char *l = memmem(buf + o, (size_t)(close - buf) - o, lint, sizeof(lint) - 1);
		if (!l)
			continue;
		cur_at(&c, a);
		if (cur_span(&c))
			continue;
		size_t e = attr_end(&c, o);
		size_t at = (size_t)(l - buf);
		if (!e || e <= at || (!memmem(buf + o, at - o, "allow", 5) && !memmem(buf + o, at - o, "expect", 6)))
			continue;
		if (!real_reason(buf, o, e))
			continue;
		size_t end = inner ? len : item_end(&c, e, limit);
		add_region(out, inner ? 0 : a, end);
		pos = end > e ? end : e;
	}
}

/* The group opened at open ('{', '(' or '['), to just past its closer; len when unclosed. */
static size_t group_end(struct cur *c, size_t open)
{
	char o = c->b[open], cl = o == '{' ? '}' : o == '(' ? ')' : ']';
	long depth = 0;
	struct code_iter it;
	code_iter_at(&it, c, open);
	for (size_t i = code_iter_skip(&it, open); i < c->len; i = code_iter_skip(&it, i + 1)) {
		if (c->b[i] == o)
			depth++;
		else if (c->b[i] == cl && --depth == 0)
			return i + 1;
	}
	return c->len;
}

/* The token group of the macro call whose name ends just before j ("name !  {…}"), as [open,
 * end) in *open and the return value; 0 when no group follows. */
static size_t macro_group(struct cur *c, size_t j, size_t *open)
{
	const char *b = c->b;
	size_t len = c->len;
	while (j < len && (b[j] == ' ' || b[j] == '\t'))
		j++;
	if (j >= len || b[j] != '!')
		return 0;
	for (j++; j < len && (b[j] == ' ' || b[j] == '\t' || b[j] == '\n' || b[j] == '\r'); j++)
		;
	if (j >= len || (b[j] != '{' && b[j] != '(' && b[j] != '['))
		return 0;
	*open = j;
	return group_end(c, j);
}

void rust_template_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp,
			   struct rust_regions *out)
{
	struct cur c = { buf, len, 0, SIZE_MAX, sp };
	out->n = 0;
	if (limit > len)
		limit = len;
	size_t pos = 0;
	while (pos + 6 < limit) {
		/* 'q' is rare in code: memchr runs at memory speed where memmem would not */
		const char *h = memchr(buf + pos, 'q', limit - pos);
		if (!h)
			break;
		size_t at = (size_t)(h - buf), j = at + 5, open, e;
		pos = at + 1;
		if (at + 5 > limit || memcmp(h, "quote", 5))
			continue;
		/* quote!, and a wrapper named NAME_quote! (syn's parse_quote!, a crate's own) */
		if (at > 0 && ident_byte((unsigned char)buf[at - 1]) && buf[at - 1] != '_')
			continue;
		if (j + 8 <= len && !memcmp(buf + j, "_spanned", 8))
			j += 8;
		cur_at(&c, at);
		if (cur_span(&c) || !(e = macro_group(&c, j, &open)))
			continue;
		add_region(out, open, e);
		pos = e;
	}
}

void rust_cfg_macro_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp,
			    struct rust_regions *out)
{
	struct cur c = { buf, len, 0, SIZE_MAX, sp };
	out->n = 0;
	if (limit > len)
		limit = len;
	for (size_t pos = 0; pos + 4 < limit;) {
		const char *h = bytes_find_pair(buf + pos, limit - pos, "cfg_", 4, 2, 3);
		if (!h)
			break;
		size_t at = (size_t)(h - buf), j = at + 4, open, e;
		pos = at + 1;
		if (at > 0 && ident_byte((unsigned char)buf[at - 1]))
			continue;
		while (j < len && ident_byte((unsigned char)buf[j]))
			j++;
		cur_at(&c, at);
		if (cur_span(&c) || !(e = macro_group(&c, j, &open)))
			continue;
		add_region(out, open, e);
		pos = e;
	}
}

void rust_regions_release(struct rust_regions *rg)
{
	free(rg->v);
	rg->v = NULL;
	rg->n = rg->alloc = 0;
}
