/* lex: comments and string literals per language, as data read by one engine
 * (docs/patterns.md, "The lexer"). */
#include "lex.h"

#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "rules.h"
#include "xalloc.h"
#include "banned.h"

/* What a language has, as flags; the engine below reads them. */
enum {
	F_SLASH = 1 << 0,     /* // line comments and block comments */
	F_HASH = 1 << 1,      /* # line comments */
	F_HASH_WORD = 1 << 2, /* ... only where # starts a word (shell) */
	F_NESTED = 1 << 3,    /* block comments nest (Rust) */
	F_DOC_RUST = 1 << 4,  /* ///, //!, and block forms are doc comments */
	F_DOC_JS = 1 << 5,    /* the block form is a doc comment */
	F_LINE_CONT = 1 << 6, /* a backslash before the newline continues a // comment (C) */
	F_NL_ENDS = 1 << 7,   /* a "" or '' string ends at a newline */
	F_RUST = 1 << 8,      /* raw strings r#"…"#, chars versus lifetimes */
	F_CRAW = 1 << 9,      /* C++ raw strings R"d(…)d" and digit separators */
	F_BQ_RAW = 1 << 10,   /* `…` raw strings without escapes (Go, Ruby) */
	F_JS = 1 << 11,       /* template literals with ${}, regex literals */
	F_PY = 1 << 12,       /* triple-quoted strings */
	F_RB = 1 << 13,       /* =begin … =end */
	F_SH = 1 << 14,       /* '' without escapes, $'', backslashes, here-documents */
	F_SQ = 1 << 15,       /* '' is a string (not a Rust char or a lifetime) */
};

static const unsigned lang_flags[RL_COUNT] = {
	[RL_RUST] = F_SLASH | F_NESTED | F_DOC_RUST | F_RUST,
	[RL_GO] = F_SLASH | F_NL_ENDS | F_BQ_RAW | F_SQ,
	[RL_C] = F_SLASH | F_LINE_CONT | F_NL_ENDS | F_CRAW | F_SQ,
	[RL_JS] = F_SLASH | F_DOC_JS | F_NL_ENDS | F_JS | F_SQ,
	[RL_PY] = F_HASH | F_NL_ENDS | F_PY | F_SQ,
	[RL_RB] = F_HASH | F_RB | F_BQ_RAW | F_SQ,
	[RL_SH] = F_HASH | F_HASH_WORD | F_SH,
	[RL_OTHER] = 0,
};

#define TEMPLATE_MAX 32 /* nested `${ `${ … }` }` levels followed; deeper ones are read as code */
#define HEREDOC_MAX 8   /* here-documents started on one line */

struct lexer {
	const char *b;
	size_t len, upto;
	unsigned fl;
	struct lex_spans *out;
	unsigned char interesting[256];
	unsigned char set[16]; /* the same bytes as a list, for the vector scan */
	int nset;
	/* JS: open template literals, each with the brace depth of its ${ } */
	unsigned tdepth[TEMPLATE_MAX];
	int ntmpl;
	/* shell: here-documents whose bodies start at the next newline */
	struct {
		size_t word, wlen;
		int strip_tabs;
	} hd[HEREDOC_MAX];
	int nhd;
};

static void add(struct lexer *lx, size_t start, size_t end, int kind)
{
	if (end > lx->len)
		end = lx->len;
	if (end <= start)
		return;
	struct lex_spans *o = lx->out;
	ALLOC_GROW_BIG(o->v, o->n, o->n + 1, o->alloc);
	o->v[o->n].start = start;
	o->v[o->n].end = end;
	o->v[o->n].kind = kind;
	o->n++;
}

static int ident_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

static int at(const struct lexer *lx, size_t i, char c)
{
	return i < lx->len && lx->b[i] == c;
}

static size_t eol(const struct lexer *lx, size_t i)
{
	const char *nl = memchr(lx->b + i, '\n', lx->len - i);
	return nl ? (size_t)(nl - lx->b) : lx->len;
}

/* ---- comments -------------------------------------------------------------------------------- */

/* A // or # comment from i; returns the offset after it (its newline stays code). */
static size_t line_comment(struct lexer *lx, size_t i, int kind)
{
	size_t e = eol(lx, i);
	while ((lx->fl & F_LINE_CONT) && e < lx->len) {
		size_t k = e;
		if (k > i && lx->b[k - 1] == '\r')
			k--;
		if (k == i || lx->b[k - 1] != '\\')
			break;
		e = eol(lx, e + 1);
	}
	add(lx, i, e, kind);
	return e;
}

static int rust_line_doc(const struct lexer *lx, size_t i)
{
	/* ///x is doc, ////x is not; //!x is doc */
	return (at(lx, i + 2, '/') && !at(lx, i + 3, '/')) || at(lx, i + 2, '!');
}

static int block_doc(const struct lexer *lx, size_t i)
{
	if (at(lx, i + 2, '*'))
		return !at(lx, i + 3, '*') &&
		       !at(lx, i + 3, '/'); /* two stars open a doc comment, three or an empty one do not */
	return (lx->fl & F_DOC_RUST) && at(lx, i + 2, '!');
}

/* A block comment from i ("/ *"); nested ones count when the language nests them. */
static size_t block_comment(struct lexer *lx, size_t i)
{
	int kind = (lx->fl & (F_DOC_RUST | F_DOC_JS)) && block_doc(lx, i) ? LK_DOC : LK_COMMENT;
	size_t j = i + 2;
	unsigned long depth = 1;
	const char *b = lx->b;
	while (j < lx->len) {
		const char *s = memchr(b + j, (lx->fl & F_NESTED) ? '/' : '*', lx->len - j);
		if (!(lx->fl & F_NESTED)) {
			if (!s)
				break;
			j = (size_t)(s - b) + 1;
			if (at(lx, j, '/')) {
				add(lx, i, j + 1, kind);
				return j + 1;
			}
			continue;
		}
		/* nesting: every '/' is next to the '*' of an opener or a closer */
		if (!s)
			break;
		size_t k = (size_t)(s - b);
		if (k + 1 < lx->len && b[k + 1] == '*') {
			depth++;
			j = k + 2;
		} else if (k > j && b[k - 1] == '*' && k - 1 >= i + 2) {
			j = k + 1;
			if (--depth == 0) {
				add(lx, i, j, kind);
				return j;
			}
		} else {
			j = k + 1;
		}
	}
	add(lx, i, lx->len, kind);
	return lx->len;
}

/* ---- strings --------------------------------------------------------------------------------- */

/* A string closed by q, its opening quote at i and its prefix (b"", $'') from start, with
 * backslash escapes when esc. */
static size_t quoted(struct lexer *lx, size_t start, size_t i, char q, int esc, int nl_ends)
{
	const char *b = lx->b;
	size_t j = i + 1;
	while (j < lx->len) {
		char c = b[j];
		if (c == q) {
			add(lx, start, j + 1, LK_STRING);
			return j + 1;
		}
		if (c == '\\' && esc)
			j += 2;
		else if (c == '\n' && nl_ends)
			break;
		else
			j++;
	}
	if (j > lx->len)
		j = lx->len;
	add(lx, start, j, LK_STRING);
	return j;
}

/* Rust raw string: i at the 'r'-prefixed opener's first '#' or '"'. */
static size_t rust_raw(struct lexer *lx, size_t start, size_t i)
{
	size_t hashes = 0;
	while (at(lx, i, '#'))
		hashes++, i++;
	if (!at(lx, i, '"'))
		return 0; /* r#ident: a raw identifier, code */
	const char *b = lx->b;
	size_t j = i + 1;
	for (;;) {
		const char *q = j < lx->len ? memchr(b + j, '"', lx->len - j) : NULL;
		if (!q) {
			add(lx, start, lx->len, LK_STRING);
			return lx->len;
		}
		size_t k = (size_t)(q - b) + 1, h = 0;
		while (h < hashes && at(lx, k + h, '#'))
			h++;
		if (h == hashes) {
			add(lx, start, k + h, LK_STRING);
			return k + h;
		}
		j = k;
	}
}

/* The prefix ending just before i names a raw string: r, br, cr (not part of a longer word). */
static size_t raw_prefix(const struct lexer *lx, size_t i)
{
	const unsigned char *b = (const unsigned char *)lx->b;
	if (i == 0 || b[i - 1] != 'r')
		return 0;
	size_t s = i - 1;
	if (s > 0 && (b[s - 1] == 'b' || b[s - 1] == 'c'))
		s--;
	return s == 0 || !ident_byte(b[s - 1]) ? s + 1 : 0; /* returns start + 1 (0: none) */
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* Rust ' at i: a char literal ('a', '\n', '\u{1F600}', b'x') or a lifetime/label ('a, 'static). */
static size_t rust_quote(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	size_t start = i > 0 && b[i - 1] == 'b' && (i == 1 || !ident_byte((unsigned char)b[i - 2])) ? i - 1 : i;
	if (at(lx, i + 1, '\\')) {
		/* an escape: the closing quote is near ('\u{10FFFF}' is the longest) */
		for (size_t j = i + 3; j < lx->len && j < i + 14 && b[j] != '\n'; j++)
			if (b[j] == '\'') {
				add(lx, start, j + 1, LK_STRING);
				return j + 1;
			}
		return i + 1;
	}
	if (i + 1 >= lx->len || b[i + 1] == '\n')
		return i + 1;
	size_t k = i + 1 + utf8_len((unsigned char)b[i + 1]);
	if (at(lx, k, '\'')) {
		add(lx, start, k + 1, LK_STRING);
		return k + 1;
	}
	return i + 1; /* a lifetime or a label: code */
}

/* C++ R"delim( … )delim" with the opening quote at i; 0 when it is not one. */
static size_t c_raw(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	if (i == 0 || b[i - 1] != 'R')
		return 0;
	size_t s = i - 1; /* optional u8, u, U, L before the R */
	if (s >= 2 && b[s - 2] == 'u' && b[s - 1] == '8')
		s -= 2;
	else if (s >= 1 && (b[s - 1] == 'u' || b[s - 1] == 'U' || b[s - 1] == 'L'))
		s -= 1;
	if (s > 0 && ident_byte((unsigned char)b[s - 1]))
		return 0;
	size_t d = i + 1;
	while (d < lx->len && d < i + 18 && b[d] != '(' && b[d] != '"' && b[d] != '\\' && b[d] != ' ' && b[d] != '\n')
		d++;
	if (!at(lx, d, '('))
		return 0;
	size_t dl = d - (i + 1);
	for (size_t j = d + 1; j < lx->len; j++) {
		const char *p = memchr(b + j, ')', lx->len - j);
		if (!p)
			break;
		j = (size_t)(p - b);
		if (j + 1 + dl < lx->len && !memcmp(b + j + 1, b + i + 1, dl) && b[j + 1 + dl] == '"') {
			add(lx, s, j + dl + 2, LK_STRING);
			return j + dl + 2;
		}
	}
	add(lx, s, lx->len, LK_STRING);
	return lx->len;
}

/* C and C++: a ' after a number's digits is a digit separator (1'000'000). */
static int digit_separator(const struct lexer *lx, size_t i)
{
	size_t s = i;
	while (s > 0 && ident_byte((unsigned char)lx->b[s - 1]))
		s--;
	return s < i && lx->b[s] >= '0' && lx->b[s] <= '9';
}

/* Python: '…', "…", or a triple-quoted string at i. */
static size_t py_string(struct lexer *lx, size_t i)
{
	char q = lx->b[i];
	if (!at(lx, i + 1, q) || !at(lx, i + 2, q))
		return quoted(lx, i, i, q, 1, 1);
	const char *b = lx->b;
	size_t j = i + 3;
	while (j < lx->len) {
		if (b[j] == '\\') {
			j += 2;
		} else if (b[j] == q && at(lx, j + 1, q) && at(lx, j + 2, q)) {
			add(lx, i, j + 3, LK_STRING);
			return j + 3;
		} else {
			j++;
		}
	}
	add(lx, i, lx->len, LK_STRING);
	return lx->len;
}

/* ---- JavaScript: template literals and regex literals ------------------------------------------ */

/* The body of a template literal from i (just after ` or the } of a ${}); returns the offset
 * after its closing ` or after the ${ that opens code. */
static size_t js_template(struct lexer *lx, size_t i, size_t span_start)
{
	const char *b = lx->b;
	size_t j = i;
	while (j < lx->len) {
		if (b[j] == '\\') {
			j += 2;
		} else if (b[j] == '`') {
			add(lx, span_start, j + 1, LK_STRING);
			return j + 1;
		} else if (b[j] == '$' && at(lx, j + 1, '{') && lx->ntmpl < TEMPLATE_MAX) {
			add(lx, span_start, j, LK_STRING);
			lx->tdepth[lx->ntmpl++] = 0;
			return j + 2;
		} else {
			j++;
		}
	}
	add(lx, span_start, lx->len, LK_STRING);
	return lx->len;
}

static int js_keyword_before(const struct lexer *lx, size_t e)
{
	static const char *const kw[] = { "return", "typeof", "case", "do",    "else",  "in",    "of",
					  "new",    "delete", "void", "throw", "yield", "await", "instanceof" };
	size_t s = e;
	while (s > 0 && ident_byte((unsigned char)lx->b[s - 1]))
		s--;
	for (size_t k = 0; k < sizeof(kw) / sizeof(kw[0]); k++)
		if (strlen(kw[k]) == e - s && !memcmp(lx->b + s, kw[k], e - s))
			return 1;
	return 0;
}

/* A / at i starts a regex literal when what comes before cannot end an operand. */
static int js_regex_allowed(const struct lexer *lx, size_t i)
{
	size_t j = i;
	const struct lex_spans *o = lx->out;
	for (;;) {
		while (j > 0 &&
		       (lx->b[j - 1] == ' ' || lx->b[j - 1] == '\t' || lx->b[j - 1] == '\r' || lx->b[j - 1] == '\n'))
			j--;
		if (j > 0 && o->n && o->v[o->n - 1].end == j && o->v[o->n - 1].kind != LK_STRING) {
			j = o->v[o->n - 1].start; /* a comment before it: look past it */
			if (o->n < 2 || o->v[o->n - 2].end != j)
				continue;
		}
		break;
	}
	if (j == 0)
		return 1;
	unsigned char c = (unsigned char)lx->b[j - 1];
	if (ident_byte(c))
		return js_keyword_before(lx, j);
	return c != ')' && c != ']' && c != '}' && c != '"' && c != '\'' && c != '`';
}

/* A regex literal from i; 0 when none closes on this line (then the / is division). */
static size_t js_regex(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	int cls = 0;
	for (size_t j = i + 1; j < lx->len && b[j] != '\n'; j++) {
		if (b[j] == '\\')
			j++;
		else if (b[j] == '[')
			cls = 1;
		else if (b[j] == ']')
			cls = 0;
		else if (b[j] == '/' && !cls) {
			j++;
			while (j < lx->len && ident_byte((unsigned char)b[j]))
				j++;
			add(lx, i, j, LK_STRING);
			return j;
		}
	}
	return 0;
}

/* ---- shell: words, quotes, here-documents ----------------------------------------------------- */

static int sh_word_start(const struct lexer *lx, size_t i)
{
	if (i == 0)
		return 1;
	char c = lx->b[i - 1];
	return c == ' ' || c == '\t' || c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == '\r';
}

/* << at i: note the here-document's delimiter; returns the offset after the operator and word. */
static size_t sh_heredoc_op(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	size_t j = i + 2;
	if (at(lx, j, '<'))
		return j + 1; /* <<< here-string */
	int strip = at(lx, j, '-');
	if (strip)
		j++;
	while (at(lx, j, ' ') || at(lx, j, '\t'))
		j++;
	char q = 0;
	if (at(lx, j, '\'') || at(lx, j, '"'))
		q = b[j++];
	else if (at(lx, j, '\\'))
		j++;
	size_t w = j;
	while (j < lx->len &&
	       (q ? b[j] != q && b[j] != '\n' : ident_byte((unsigned char)b[j]) || b[j] == '-' || b[j] == '.'))
		j++;
	if (j == w || lx->nhd == HEREDOC_MAX)
		return j;
	lx->hd[lx->nhd].word = w;
	lx->hd[lx->nhd].wlen = j - w;
	lx->hd[lx->nhd].strip_tabs = strip;
	lx->nhd++;
	return q && at(lx, j, q) ? j + 1 : j;
}

/* The bodies of the pending here-documents, starting after the newline at i. */
static size_t sh_heredoc_bodies(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	size_t j = i + 1;
	for (int h = 0; h < lx->nhd; h++) {
		size_t start = j;
		while (j < lx->len) {
			size_t e = eol(lx, j), ls = j, s = j, le = e;
			if (lx->hd[h].strip_tabs)
				while (s < e && b[s] == '\t')
					s++;
			if (le > s && b[le - 1] == '\r')
				le--;
			int end = le - s == lx->hd[h].wlen && !memcmp(b + s, b + lx->hd[h].word, lx->hd[h].wlen);
			j = e < lx->len ? e + 1 : e;
			if (end) {
				add(lx, start, ls, LK_STRING);
				start = j;
				break;
			}
		}
		if (j >= lx->len && start < j)
			add(lx, start, lx->len, LK_STRING);
	}
	lx->nhd = 0;
	return j;
}

/* ---- the engine ------------------------------------------------------------------------------ */

static void set_interesting(struct lexer *lx)
{
	unsigned fl = lx->fl;
	unsigned char *t = lx->interesting;
	memset(t, 0, sizeof(lx->interesting));
	t['"'] = t['\''] = 1;
	if (fl & F_SLASH)
		t['/'] = 1;
	if (fl & (F_HASH | F_RUST))
		t['#'] = 1;
	if (fl & (F_BQ_RAW | F_JS | F_SH))
		t['`'] = 1;
	if (fl & F_JS)
		t['{'] = t['}'] = 1;
	if (fl & F_SH)
		t['\\'] = t['<'] = t['\n'] = 1;
	if (fl & F_RB)
		t['\n'] = 1;
	lx->nset = 0;
	for (int c = 0; c < 256; c++)
		if (t[c])
			lx->set[lx->nset++] = (unsigned char)c;
}

/* The first byte in [i, end) that may start a comment or a string. Code is most of a file: 16
 * bytes at a time where SSE2 is there (every x86-64), a table lookup per byte otherwise. */
static size_t skip_code(const struct lexer *lx, size_t i, size_t end)
{
#if defined(__SSE2__)
	__m128i want[16];
	for (int k = 0; k < lx->nset; k++)
		want[k] = _mm_set1_epi8((char)lx->set[k]);
	while (i + 16 <= end) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(lx->b + i));
		__m128i hit = _mm_setzero_si128();
		for (int k = 0; k < lx->nset; k++)
			hit = _mm_or_si128(hit, _mm_cmpeq_epi8(v, want[k]));
		unsigned mask = (unsigned)_mm_movemask_epi8(hit);
		if (mask)
			return i + (size_t)__builtin_ctz(mask);
		i += 16;
	}
#endif
	while (i < end && !lx->interesting[(unsigned char)lx->b[i]])
		i++;
	return i;
}

/* Ruby: =begin at the start of the line at i opens a comment up to the =end line. */
static size_t rb_begin(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	if (i + 6 > lx->len || memcmp(b + i, "=begin", 6))
		return 0;
	size_t j = i;
	while (j < lx->len) {
		size_t e = eol(lx, j);
		if (j > i && e - j >= 4 && !memcmp(b + j, "=end", 4)) {
			add(lx, i, e, LK_COMMENT);
			return e;
		}
		j = e + 1;
	}
	add(lx, i, lx->len, LK_COMMENT);
	return lx->len;
}

/* One interesting byte in code at i: returns the offset to go on from. */
static size_t step(struct lexer *lx, size_t i)
{
	const char *b = lx->b;
	unsigned fl = lx->fl;
	char c = b[i];
	switch (c) {
	case '/':
		if (at(lx, i + 1, '/'))
			return line_comment(lx, i, (fl & F_DOC_RUST) && rust_line_doc(lx, i) ? LK_DOC : LK_COMMENT);
		if (at(lx, i + 1, '*'))
			return block_comment(lx, i);
		if ((fl & F_JS) && js_regex_allowed(lx, i)) {
			size_t e = js_regex(lx, i);
			if (e)
				return e;
		}
		return i + 1;
	case '#':
		if (fl & F_RUST) {
			size_t s = raw_prefix(lx, i);
			size_t e = s ? rust_raw(lx, s - 1, i) : 0;
			return e ? e : i + 1;
		}
		if ((fl & F_HASH_WORD) && !sh_word_start(lx, i))
			return i + 1;
		return line_comment(lx, i, LK_COMMENT);
	case '"':
		if (fl & F_RUST) {
			size_t s = raw_prefix(lx, i);
			if (s)
				return rust_raw(lx, s - 1, i);
			int pre = i > 0 && (b[i - 1] == 'b' || b[i - 1] == 'c') &&
				  (i == 1 || !ident_byte((unsigned char)b[i - 2]));
			return quoted(lx, pre ? i - 1 : i, i, '"', 1, 0);
		}
		if (fl & F_CRAW) {
			size_t e = c_raw(lx, i);
			if (e)
				return e;
		}
		if (fl & F_PY)
			return py_string(lx, i);
		return quoted(lx, i, i, '"', 1, (fl & F_NL_ENDS) != 0);
	case '\'':
		if (fl & F_RUST)
			return rust_quote(lx, i);
		if ((fl & F_CRAW) && digit_separator(lx, i))
			return i + 1;
		if (fl & F_PY)
			return py_string(lx, i);
		if (fl & F_SH) {
			int dollar = i > 0 && b[i - 1] == '$';
			return quoted(lx, dollar ? i - 1 : i, i, '\'', dollar, 0);
		}
		return quoted(lx, i, i, '\'', 1, (fl & F_NL_ENDS) != 0);
	case '`':
		if (fl & F_JS)
			return js_template(lx, i + 1, i);
		if (fl & F_SH)
			return i + 1; /* command substitution: code */
		return quoted(lx, i, i, '`', !(fl & F_BQ_RAW), 0);
	case '{':
		if (lx->ntmpl)
			lx->tdepth[lx->ntmpl - 1]++;
		return i + 1;
	case '}':
		if (lx->ntmpl) {
			if (lx->tdepth[lx->ntmpl - 1] == 0) {
				lx->ntmpl--;
				return js_template(lx, i + 1, i + 1);
			}
			lx->tdepth[lx->ntmpl - 1]--;
		}
		return i + 1;
	case '\\':
		return i + 2; /* shell: an escaped byte is a word character */
	case '<':
		return at(lx, i + 1, '<') ? sh_heredoc_op(lx, i) : i + 1;
	case '\n':
		if ((fl & F_SH) && lx->nhd)
			return sh_heredoc_bodies(lx, i);
		if (fl & F_RB) {
			size_t e = rb_begin(lx, i + 1);
			return e ? e : i + 1;
		}
		return i + 1;
	default:
		return i + 1;
	}
}

void lex_run(int lang, const char *buf, size_t len, size_t upto, struct lex_spans *out)
{
	out->n = 0;
	if (lang < 0 || lang >= RL_COUNT || !lang_flags[lang])
		return;
	struct lexer lx;
	lx.b = buf;
	lx.len = len;
	lx.upto = upto < len ? upto : len;
	/* A token's prefix (r#", b', R"x() can sit just before upto with its quote after it; no prefix
	 * spans a line, so lexing through the end of upto's line classifies every byte before upto as
	 * a whole-file run does. */
	if (lx.upto && lx.upto < len && buf[lx.upto - 1] != '\n') {
		const char *nl = memchr(buf + lx.upto, '\n', len - lx.upto);
		lx.upto = nl ? (size_t)(nl - buf) + 1 : len;
	}
	lx.fl = lang_flags[lang];
	lx.out = out;
	lx.ntmpl = 0;
	lx.nhd = 0;
	set_interesting(&lx);
	size_t i = (lx.fl & F_RB) ? rb_begin(&lx, 0) : 0;
	while (i < len) {
		i = skip_code(&lx, i, lx.upto);
		if (i >= lx.upto)
			break;
		i = step(&lx, i);
	}
}

/* The first span in [lo, hi) ending after off (hi when none): spans are sorted, so are their ends. */
static size_t bisect(const struct lex_spans *sp, size_t lo, size_t hi, size_t off)
{
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sp->v[mid].end <= off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The first span ending after off, given that span k ends at or before it: steps doubling from k,
 * then a binary search, so a lookup far ahead (a hit every 500 lines of a file with a comment on
 * each) costs a logarithm, not a walk through every span between. */
static size_t gallop(const struct lex_spans *sp, size_t k, size_t off)
{
	size_t lo = k, hi = k + 1, step = 1; /* span lo ends at or before off */
	while (hi < sp->n && sp->v[hi].end <= off) {
		lo = hi;
		step *= 2;
		hi = lo + step;
	}
	return bisect(sp, lo + 1, hi < sp->n ? hi : sp->n, off);
}

int lex_kind_at(const struct lex_spans *sp, size_t off, size_t *cursor)
{
	size_t k = *cursor;
	if (k > sp->n || (k > 0 && sp->v[k - 1].end > off))
		k = lex_first_after(sp, off);
	else if (k < sp->n && sp->v[k].end <= off)
		k = gallop(sp, k, off);
	*cursor = k;
	return k < sp->n && sp->v[k].start <= off ? sp->v[k].kind : LK_CODE;
}

size_t lex_first_after(const struct lex_spans *sp, size_t off)
{
	return bisect(sp, 0, sp->n, off);
}

size_t lex_first_after_near(const struct lex_spans *sp, size_t off, size_t *hint)
{
	size_t k = *hint <= sp->n ? *hint : sp->n;
	for (int step = 0; step < 4; step++) {
		if (k > 0 && sp->v[k - 1].end > off)
			k--;
		else if (k < sp->n && sp->v[k].end <= off)
			k++;
		else
			return *hint = k;
	}
	return *hint = lex_first_after(sp, off);
}

void lex_spans_release(struct lex_spans *sp)
{
	free(sp->v);
	sp->v = NULL;
	sp->n = sp->alloc = 0;
}
