/*
 * xalloc: allocation that cannot fail. Out of memory is not recoverable in these tools, so every
 * allocation goes through here and the process exits with a message (status 3) when memory runs out.
 */
#ifndef XALLOC_H
#define XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n) __attribute__((malloc, returns_nonnull));
void *xcalloc(size_t count, size_t size) __attribute__((malloc, returns_nonnull));
void *xrealloc(void *p, size_t n) __attribute__((returns_nonnull));
char *xstrdup(const char *s) __attribute__((malloc, returns_nonnull));
char *xmemdup(const void *p, size_t n) __attribute__((malloc, returns_nonnull)); /* NUL-terminated copy */

/* Grow an array to hold at least `need` elements, doubling; *alloc holds the current capacity. */
#define ALLOC_GROW(ptr, need, alloc)                                             \
	do {                                                                     \
		if ((need) > (alloc)) {                                          \
			size_t alloc_grow_n_ = (alloc) ? (alloc)*2 : 16;         \
			while (alloc_grow_n_ < (need))                           \
				alloc_grow_n_ *= 2;                              \
			(ptr) = xrealloc((ptr), alloc_grow_n_ * sizeof(*(ptr))); \
			(alloc) = alloc_grow_n_;                                 \
		}                                                                \
	} while (0)

#endif
