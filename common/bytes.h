/*
 * bytes: byte strings given as (pointer, length): ordering and hex encoding.
 *
 * Calling sequence:
 *   qsort(...) with  bytes_cmp(x->path, x->len, y->path, y->len)    (memcmp order, shorter first)
 *   char out[33]; bytes_hex(out, digest, 16);                      (lower case, NUL-terminated)
 */
#ifndef BYTES_H
#define BYTES_H

#include <stddef.h>

/* <0, 0, >0 as a sorts before, equal to, after b: byte by byte, a prefix first. */
int bytes_cmp(const void *a, size_t alen, const void *b, size_t blen);

/* Write the 2n lower-case hex digits of p[0..n) and a NUL into out (2n + 1 bytes). */
void bytes_hex(char *out, const void *p, size_t n);

#endif
