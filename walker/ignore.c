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
	PAT_NODIR = 4,    /* no slash in the pattern: matched against the basename */
	PAT_ENDSWITH = 8, /* "*literal" with no other wildcard: a suffix test */
};

struct ign_pat {
	char *pat;
	size_t len;
	unsigned flags;
};

struct ign_list {
	struct ign_pat *pats;
	size_t n, alloc;
	char *base;
	size_t base_len;
	int icase;
};

static int has_glob(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == '*' || s[i] == '?' || s[i] == '[' || s[i] == '\\')
			return 1;
	return 0;
}

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
	if ((flags & PAT_NODIR) && p[0] == '*' && !has_glob(p + 1, n - 1))
		flags |= PAT_ENDSWITH;
	ALLOC_GROW(l->pats, l->n + 1, l->alloc);
	l->pats[l->n].pat = xmemdup(p, n);
	l->pats[l->n].len = n;
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
		free(l->pats[i].pat);
	free(l->pats);
	free(l->base);
	free(l);
}

size_t ign_list_count(const struct ign_list *l)
{
	return l ? l->n : 0;
}

/* ---- wildmatch: git's algorithm (wildmatch.c), on NUL-terminated strings ----------------- */

enum { WM_MATCH = 0, WM_NOMATCH = 1, WM_ABORT_ALL = -1, WM_ABORT_TO_STARSTAR = -2 };

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
static int is_glob_special(int c)
{
	return c == '*' || c == '?' || c == '[' || c == '\\';
}

static int cc_is(const unsigned char *s, int n, const char *name)
{
	return (int)strlen(name) == n && !memcmp(s, name, (size_t)n);
}

/*
 * git's algorithm backtracks at every star over every text position: with several stars and
 * double stars in one pattern that is exponential in their number, and a hostile .gitignore
 * could hang the walk (found by fuzz/fuzz_ignore.c: 9 stars against a 150-byte path). A call's
 * outcome depends only on where it starts in the pattern and in the text, so the calls made from
 * a star's loop, when more stars follow, are remembered: each (pattern, text) position is then
 * tried once. Patterns with a single star never touch the table.
 */
struct wm_memo {
	const unsigned char *pat0, *text0;
	uint64_t *slot; /* (pattern offset << 31 | text offset) << 2 | outcome code; 0 empty */
	size_t mask, n;
	uint64_t inl[64];
};

static int memo_code(int r)
{
	return r == WM_NOMATCH ? 1 : r == WM_ABORT_ALL ? 2 : 3;
}

static uint64_t *memo_find(struct wm_memo *m, uint64_t key)
{
	for (size_t i = (size_t)((key * 0x9e3779b97f4a7c15u) >> 40) & m->mask;; i = (i + 1) & m->mask)
		if (!m->slot[i] || (m->slot[i] >> 2) == key)
			return &m->slot[i];
}

static void memo_put(struct wm_memo *m, uint64_t key, int r)
{
	if (!m->slot) {
		memset(m->inl, 0, sizeof(m->inl));
		m->slot = m->inl;
		m->mask = 63;
	}
	if ((m->n + 1) * 2 > m->mask + 1) {
		uint64_t *old = m->slot;
		size_t oldcap = m->mask + 1;
		m->slot = xcalloc(oldcap * 2, sizeof(*m->slot));
		m->mask = oldcap * 2 - 1;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				*memo_find(m, old[i] >> 2) = old[i];
		if (old != m->inl)
			free(old);
	}
	*memo_find(m, key) = key << 2 | (uint64_t)memo_code(r);
	m->n++;
}

static int dowild(const unsigned char *p, const unsigned char *text, int pathname, int icase, struct wm_memo *m);

/* dowild from a star's loop, remembered when the rest of the pattern has another star. */
static int dowild_star(const unsigned char *p, const unsigned char *text, int pathname, int icase, struct wm_memo *m)
{
	if (!strchr((const char *)p, '*'))
		return dowild(p, text, pathname, icase, m);
	uint64_t key = (uint64_t)(p - m->pat0) << 31 | (uint64_t)(text - m->text0);
	if (m->slot) {
		uint64_t v = *memo_find(m, key);
		if (v)
			return (v & 3) == 1 ? WM_NOMATCH : (v & 3) == 2 ? WM_ABORT_ALL : WM_ABORT_TO_STARSTAR;
	}
	int r = dowild(p, text, pathname, icase, m);
	if (r != WM_MATCH)
		memo_put(m, key, r);
	return r;
}

static int dowild(const unsigned char *p, const unsigned char *text, int pathname, int icase, struct wm_memo *m)
{
	const unsigned char *pattern = p;
	unsigned char p_ch;
	for (; (p_ch = *p) != '\0'; text++, p++) {
		int matched, match_slash, negated;
		unsigned char t_ch, prev_ch;
		if ((t_ch = *text) == '\0' && p_ch != '*')
			return WM_ABORT_ALL;
		if (icase && is_upper(t_ch))
			t_ch = (unsigned char)to_lower(t_ch);
		if (icase && is_upper(p_ch))
			p_ch = (unsigned char)to_lower(p_ch);
		switch (p_ch) {
		case '\\':
			p_ch = *++p;
			if (icase && is_upper(p_ch))
				p_ch = (unsigned char)to_lower(p_ch);
			if (t_ch != p_ch)
				return WM_NOMATCH;
			continue;
		default:
			if (t_ch != p_ch)
				return WM_NOMATCH;
			continue;
		case '?':
			if (pathname && t_ch == '/')
				return WM_NOMATCH;
			continue;
		case '*':
			if (*++p == '*') {
				const unsigned char *prev_p = p - 2;
				while (*++p == '*') {
				}
				if ((prev_p < pattern || *prev_p == '/') &&
				    (*p == '\0' || *p == '/' || (p[0] == '\\' && p[1] == '/'))) {
					/* "**" between slashes: may match no directory at all */
					if (p[0] == '/' && dowild_star(p + 1, text, pathname, icase, m) == WM_MATCH)
						return WM_MATCH;
					match_slash = 1;
				} else {
					match_slash = !pathname;
				}
			} else {
				match_slash = !pathname;
			}
			if (*p == '\0') {
				/* trailing "**" matches everything, trailing "*" only within one component */
				if (!match_slash && strchr((const char *)text, '/'))
					return WM_NOMATCH;
				return WM_MATCH;
			} else if (!match_slash && *p == '/') {
				const char *slash = strchr((const char *)text, '/');
				if (!slash)
					return WM_NOMATCH;
				text = (const unsigned char *)slash;
				break; /* the loop consumes the slash */
			}
			for (;;) {
				if (t_ch == '\0')
					break;
				if (!is_glob_special(*p)) {
					p_ch = *p;
					if (icase && is_upper(p_ch))
						p_ch = (unsigned char)to_lower(p_ch);
					while ((t_ch = *text) != '\0' && (match_slash || t_ch != '/')) {
						if (icase && is_upper(t_ch))
							t_ch = (unsigned char)to_lower(t_ch);
						if (t_ch == p_ch)
							break;
						text++;
					}
					if (t_ch != p_ch)
						return WM_NOMATCH;
				}
				if ((matched = dowild_star(p, text, pathname, icase, m)) != WM_NOMATCH) {
					if (!match_slash || matched != WM_ABORT_TO_STARSTAR)
						return matched;
				} else if (!match_slash && t_ch == '/') {
					return WM_ABORT_TO_STARSTAR;
				}
				t_ch = *++text;
			}
			return WM_ABORT_ALL;
		case '[':
			p_ch = *++p;
			if (p_ch == '\0')
				return WM_ABORT_ALL;
			negated = p_ch == '!' || p_ch == '^';
			if (negated)
				p_ch = *++p;
			prev_ch = 0;
			matched = 0;
			do {
				if (!p_ch)
					return WM_ABORT_ALL;
				if (p_ch == '\\') {
					p_ch = *++p;
					if (!p_ch)
						return WM_ABORT_ALL;
					if (t_ch == p_ch)
						matched = 1;
				} else if (p_ch == '-' && prev_ch && p[1] && p[1] != ']') {
					p_ch = *++p;
					if (p_ch == '\\') {
						p_ch = *++p;
						if (!p_ch)
							return WM_ABORT_ALL;
					}
					if (t_ch <= p_ch && t_ch >= prev_ch) {
						matched = 1;
					} else if (icase && is_lower(t_ch)) {
						unsigned char up = (unsigned char)to_upper(t_ch);
						if (up <= p_ch && up >= prev_ch)
							matched = 1;
					}
					p_ch = 0; /* prev_ch becomes 0 */
				} else if (p_ch == '[' && p[1] == ':') {
					const unsigned char *s;
					int i;
					for (s = p += 2; (p_ch = *p) && p_ch != ']'; p++) {
					}
					if (!p_ch)
						return WM_ABORT_ALL;
					i = (int)(p - s - 1);
					if (i < 0 || p[-1] != ':') {
						/* no ":]": an ordinary '[' */
						p = s - 2;
						p_ch = '[';
						if (t_ch == p_ch)
							matched = 1;
						continue;
					}
					if (cc_is(s, i, "alnum")) {
						if (is_alpha(t_ch) || is_digit(t_ch))
							matched = 1;
					} else if (cc_is(s, i, "alpha")) {
						if (is_alpha(t_ch))
							matched = 1;
					} else if (cc_is(s, i, "blank")) {
						if (t_ch == ' ' || t_ch == '\t')
							matched = 1;
					} else if (cc_is(s, i, "cntrl")) {
						if (t_ch < 32 || t_ch == 127)
							matched = 1;
					} else if (cc_is(s, i, "digit")) {
						if (is_digit(t_ch))
							matched = 1;
					} else if (cc_is(s, i, "graph")) {
						if (t_ch > 32 && t_ch < 127)
							matched = 1;
					} else if (cc_is(s, i, "lower")) {
						if (is_lower(t_ch))
							matched = 1;
					} else if (cc_is(s, i, "print")) {
						if (t_ch >= 32 && t_ch < 127)
							matched = 1;
					} else if (cc_is(s, i, "punct")) {
						if (t_ch > 32 && t_ch < 127 && !is_alpha(t_ch) && !is_digit(t_ch))
							matched = 1;
					} else if (cc_is(s, i, "space")) {
						if (t_ch == ' ' || (t_ch >= 9 && t_ch <= 13))
							matched = 1;
					} else if (cc_is(s, i, "upper")) {
						if (is_upper(t_ch) || (icase && is_lower(t_ch)))
							matched = 1;
					} else if (cc_is(s, i, "xdigit")) {
						if (is_digit(t_ch) || (to_lower(t_ch) >= 'a' && to_lower(t_ch) <= 'f'))
							matched = 1;
					} else {
						return WM_ABORT_ALL; /* malformed [:class:] */
					}
					p_ch = 0;
				} else if (t_ch == p_ch) {
					matched = 1;
				}
			} while (prev_ch = p_ch, (p_ch = *++p) != ']');
			if (matched == negated || (pathname && t_ch == '/'))
				return WM_NOMATCH;
			continue;
		}
	}
	return *text ? WM_NOMATCH : WM_MATCH;
}

int ign_wildmatch(const char *pat, const char *text, int pathname, int icase)
{
	struct wm_memo m;
	m.pat0 = (const unsigned char *)pat;
	m.text0 = (const unsigned char *)text;
	m.slot = NULL;
	m.n = 0;
	int r = dowild(m.pat0, m.text0, pathname, icase, &m);
	if (m.slot && m.slot != m.inl)
		free(m.slot);
	return r == WM_MATCH;
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
	const char *basename = path + base_off;
	size_t blen = len - base_off;
	for (size_t k = l->n; k-- > 0;) {
		const struct ign_pat *p = &l->pats[k];
		if ((p->flags & PAT_MUSTBEDIR) && !is_dir)
			continue;
		int hit;
		if (p->flags & PAT_NODIR) {
			if (p->flags & PAT_ENDSWITH)
				hit = p->len - 1 <= blen &&
				      name_eq(p->pat + 1, basename + blen - (p->len - 1), p->len - 1, l->icase);
			else
				hit = ign_wildmatch(p->pat, basename, 0, l->icase);
		} else {
			/* relative to the directory of the ignore file */
			if (len < l->base_len + 1 || !name_eq(path, l->base, l->base_len, l->icase))
				continue;
			hit = ign_wildmatch(p->pat, path + l->base_len, 1, l->icase);
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
