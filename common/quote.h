/*
 * quote: text that came from a tree or a config, made safe for a terminal. Every byte of it that
 * reaches a terminal goes through quote_c (docs/output.md, "What is quoted").
 *
 * Calling sequence:
 *   quote_c(&out, path, len, QUOTE_PATH);       (a file name: "new\nline.rs", as git's quotePath)
 *   quote_c(&out, advice, len, 0);              (free text: controls escaped in place, no quotes)
 *   quote_c(&out, lines, len, QUOTE_KEEP_NL);   (whole messages: newlines kept as line ends)
 *
 * Escaped, as git's quote_c_style writes them: the C0 controls (\a \b \t \n \v \f \r, the others
 * as \ooo), DEL, bytes that are not valid UTF-8, and the UTF-8 bytes of the C1 controls
 * U+0080-U+009F and of the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E,
 * U+2066-U+2069) and line and paragraph separators (U+2028, U+2029), each byte as \ooo, as git's
 * core.quotePath does. Other valid UTF-8 is kept as is.
 */
#ifndef QUOTE_H
#define QUOTE_H

#include <stddef.h>

#include "sbuf.h"

enum quote_flags {
	/* a path: written as is when nothing needs escaping, else between double quotes, with '"'
	 * and '\\' escaped too (git's C-quoting) */
	QUOTE_PATH = 1,
	/* '\n' is kept (a message of several lines); only with free text */
	QUOTE_KEEP_NL = 2,
};

/* Append s[0..len) to out, escaped as the flags say. */
void quote_c(struct sbuf *out, const char *s, size_t len, unsigned flags);

/* Length of the valid UTF-8 sequence starting at s (1..4), or 0 when s[0] does not start one
 * (overlong forms, surrogates and code points over U+10FFFF are not valid). */
size_t quote_utf8_len(const unsigned char *s, size_t avail);

/* Is code point cp one that a terminal acts on rather than shows (a C0 or C1 control, DEL, a
 * bidirectional control, a line or paragraph separator)? json_str escapes these too. */
int quote_is_control(unsigned cp);

#endif
