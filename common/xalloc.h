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

/* Like ALLOC_GROW for an array a run fills once and may make big (a big file's lexer spans; a
 * per-thread array: a huge page is resident whole, so not for one of many small arrays):
 * past XALLOC_BIG bytes it moves to whole 2 MiB pages of its own (transparent huge pages, where
 * the kernel lends them), as a fresh 4 KiB page can cost microseconds (docs/walker.md, "Fresh
 * memory"). The first `used` elements are kept; the array is freed with free(). */
#define XALLOC_BIG (256u << 10)
#define ALLOC_GROW_BIG(ptr, used, need, alloc)                                                \
	do {                                                                                  \
		if ((need) > (alloc)) {                                                       \
			size_t alloc_grow_n_ = (alloc) ? (alloc)*2 : 16;                      \
			while (alloc_grow_n_ < (need))                                        \
				alloc_grow_n_ *= 2;                                           \
			size_t alloc_grow_b_ = alloc_grow_n_ * sizeof(*(ptr));                \
			(ptr) = xrealloc_big((ptr), (used) * sizeof(*(ptr)), &alloc_grow_b_); \
			(alloc) = alloc_grow_b_ / sizeof(*(ptr));                             \
		}                                                                             \
	} while (0)
/* p grown to *n bytes (rounded up to whole huge pages past XALLOC_BIG), its first `used` kept */
void *xrealloc_big(void *p, size_t used, size_t *n) __attribute__((returns_nonnull));
/* xcalloc for an array that may be big: past XALLOC_BIG bytes, in huge pages (freed with free()) */
void *xcalloc_big(size_t count, size_t size) __attribute__((malloc, returns_nonnull));
/* 1 when the kernel lends transparent huge pages to memory that asks (Linux's "always" or
 * "madvise"): then a big buffer filled by read(2) costs less than mapping a file's 4 KiB pages */
int xalloc_huge_pages(void);

#endif
