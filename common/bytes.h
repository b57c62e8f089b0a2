/*
 * bytes: byte strings given as (pointer, length): ordering and hex encoding.
 *
 * Calling sequence:
 *   qsort(...) with  bytes_cmp(x->path, x->len, y->path, y->len)    (memcmp order, shorter first)
 *   char out[33]; bytes_hex(out, digest, 16);                      (lower case, NUL-terminated)
 *   bytes_find_pair(hay, n, "mod ", 4, 0, 2)                        (memmem, for a common needle)
 *   bytes_count(buf, n, '\n')                                        (line numbers)
 */
#ifndef BYTES_H
#define BYTES_H

#include <stddef.h>

/* <0, 0, >0 as a sorts before, equal to, after b: byte by byte, a prefix first. */
int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen);

/* Write the 2n lower-case hex digits of p[0..n) and a NUL into out (2n + 1 bytes). */
void bytes_hex(char *out, const void *p, size_t n);

/* The first place in h[0..n) where lit[0..m) is, or NULL: a search for its bytes at r1 and r2
 * (both < m; pick two rare ones) at once, then a compare (the "packed pair" of rg's memchr
 * crate). Faster than memmem where lit's bytes are common; slower than memchr for a rare byte. */
const char *bytes_find_pair(const char *h, size_t n, const char *lit, size_t m, size_t r1, size_t r2);

/* How many times c is in h[0..n). */
size_t bytes_count(const char *h, size_t n, char c);

#endif
