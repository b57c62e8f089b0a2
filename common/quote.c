#include "quote.h"

#include "banned.h"

size_t quote_utf8_len(const unsigned char *s, size_t avail)
{
	unsigned c = s[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned min;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		min = 0x80;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		min = 0x800;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		min = 0x10000;
	} else {
		return 0;
	}
	if (avail < n)
		return 0;
	unsigned cp = c & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int quote_is_control(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
	       (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* The code point of the valid n-byte UTF-8 sequence at s. */
static unsigned decode(const unsigned char *s, size_t n)
{
	if (n == 1)
		return s[0];
	unsigned cp = s[0] & (0x3f >> (n - 1));
	for (size_t i = 1; i < n; i++)
		cp = (cp << 6) | (s[i] & 0x3f);
	return cp;
}

/* The length of the unit at s, and whether it must be escaped. */
static size_t unit(const unsigned char *s, size_t avail, unsigned flags, int *esc)
{
	size_t n = quote_utf8_len(s, avail);
	if (!n) {
		*esc = 1; /* not UTF-8: one byte */
		return 1;
	}
	unsigned cp = decode(s, n);
	*esc = quote_is_control(cp) || ((flags & QUOTE_PATH) && (cp == '"' || cp == '\\'));
	if (cp == '\n' && (flags & QUOTE_KEEP_NL) && !(flags & QUOTE_PATH))
		*esc = 0;
	return n;
}

static void escape_byte(struct sbuf *out, unsigned char c)
{
	static const char letter[] = "abtnvfr"; /* \a (7) .. \r (13), as git writes them */
	if (c >= 7 && c <= 13) {
		sbuf_addch(out, '\\');
		sbuf_addch(out, letter[c - 7]);
	} else if (c == '"' || c == '\\') {
		sbuf_addch(out, '\\');
		sbuf_addch(out, c);
	} else {
		sbuf_addf(out, "\\%03o", c);
	}
}

void quote_c(struct sbuf *out, const char *s, size_t len, unsigned flags)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;
	int esc = 0;
	while (i < len) { /* the common case: nothing to escape, copied in one piece */
		size_t n = unit(p + i, len - i, flags, &esc);
		if (esc)
			break;
		i += n;
	}
	if (i == len) {
		sbuf_add(out, s, len);
		return;
	}
	if (flags & QUOTE_PATH) {
		sbuf_addch(out, '"');
		i = 0;
	} else {
		sbuf_add(out, s, i);
	}
	while (i < len) {
		size_t n = unit(p + i, len - i, flags, &esc);
		if (!esc)
			sbuf_add(out, p + i, n);
		else
			for (size_t k = 0; k < n; k++)
				escape_byte(out, p[i + k]);
		i += n;
	}
	if (flags & QUOTE_PATH)
		sbuf_addch(out, '"');
}
