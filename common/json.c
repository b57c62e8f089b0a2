#include "json.h"

#include "banned.h"

size_t json_utf8_len(const unsigned char *s, size_t avail)
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

void json_str(struct sbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sbuf_grow(out, len + 2);
	sbuf_addch(out, '"');
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x80 && p[run] != '"' && p[run] != '\\')
			run++;
		if (run > i) {
			sbuf_add(out, p + i, run - i);
			i = run;
			continue;
		}
		unsigned c = p[i];
		char esc[8];
		switch (c) {
		case '"':
			sbuf_add(out, "\\\"", 2);
			i++;
			continue;
		case '\\':
			sbuf_add(out, "\\\\", 2);
			i++;
			continue;
		case '\n':
			sbuf_add(out, "\\n", 2);
			i++;
			continue;
		case '\t':
			sbuf_add(out, "\\t", 2);
			i++;
			continue;
		case '\r':
			sbuf_add(out, "\\r", 2);
			i++;
			continue;
		default:
			break;
		}
		if (c < 0x20) {
			esc[0] = '\\';
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			sbuf_add(out, esc, 6);
			i++;
			continue;
		}
		size_t n = json_utf8_len(p + i, len - i);
		if (n) {
			sbuf_add(out, p + i, n);
			i += n;
			continue;
		}
		/* invalid byte: surrogateescape */
		esc[0] = '\\';
		esc[1] = 'u';
		esc[2] = 'd';
		esc[3] = 'c';
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		sbuf_add(out, esc, 6);
		i++;
	}
	sbuf_addch(out, '"');
}
