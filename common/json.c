#include "json.h"

#include "quote.h"
#include "banned.h"

void json_str(struct sbuf *out, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	sbuf_grow(out, len + 2);
	sbuf_addch(out, '"');
	size_t i = 0;
	while (i < len) {
		size_t run = i;
		while (run < len && p[run] >= 0x20 && p[run] < 0x7f && p[run] != '"' && p[run] != '\\')
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
		size_t n = quote_utf8_len(p + i, len - i);
		if (n) {
			unsigned cp = n == 1 ? c : c & (0x3f >> (n - 1));
			for (size_t k = 1; k < n; k++)
				cp = (cp << 6) | (p[i + k] & 0x3f);
			if (quote_is_control(cp)) /* DEL, a C1 or a bidirectional control */
				sbuf_addf(out, "\\u%04x", cp);
			else
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
