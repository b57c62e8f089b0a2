/*
 * json: writing JSON strings. Bytes that are not valid UTF-8 are written as lone low surrogates
 * U+DC80..U+DCFF ("\udcXX", Python's surrogateescape), so every path round-trips: a reader turns
 * each \udcXX back into the byte 0xXX. Control characters use \n, \t, ... or \u00XX; DEL, the C1
 * controls and the bidirectional controls and separators quote_is_control names are written as
 * \uXXXX too, so that a document printed on a terminal cannot drive it.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#include "sbuf.h"

/* Append s[0..len) as a quoted JSON string. */
void json_str(struct sbuf *out, const char *s, size_t len);
static inline void json_cstr(struct sbuf *out, const char *s);

#include <string.h>
static inline void json_cstr(struct sbuf *out, const char *s)
{
	json_str(out, s, strlen(s));
}

#endif
