#include "xalloc.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "banned.h"

static void die_oom(size_t n)
{
	char msg[96];
	int len = snprintf(msg, sizeof(msg), "fatal: out of memory allocating %zu bytes\n", n);
	if (len > 0 && write(2, msg, (size_t)len) < 0)
		_exit(3);
	_exit(3);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		die_oom(n);
	return p;
}

void *xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);
	if (!p)
		die_oom(count * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		die_oom(n);
	return q;
}

char *xmemdup(const void *p, size_t n)
{
	char *q = xmalloc(n + 1);
	memcpy(q, p, n);
	q[n] = '\0';
	return q;
}

char *xstrdup(const char *s)
{
	return xmemdup(s, strlen(s));
}

#define HUGE_PAGE ((size_t)2 << 20)

void *xrealloc_big(void *p, size_t used, size_t *n)
{
	if (*n < XALLOC_BIG)
		return xrealloc(p, *n);
	size_t want = *n > SIZE_MAX - HUGE_PAGE ? SIZE_MAX : (*n + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
	void *q;
	if (want == SIZE_MAX || posix_memalign(&q, HUGE_PAGE, want))
		die_oom(*n);
#ifdef MADV_HUGEPAGE
	madvise(q, want, MADV_HUGEPAGE); /* advice: the memory is good either way */
#endif
	if (used)
		memcpy(q, p, used);
	free(p);
	*n = want;
	return q;
}

void *xcalloc_big(size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		die_oom(SIZE_MAX);
	size_t n = count * size;
	if (n < XALLOC_BIG)
		return xcalloc(count, size);
	void *p = xrealloc_big(NULL, 0, &n);
	memset(p, 0, n);
	return p;
}

int xalloc_huge_pages(void)
{
	char b[128];
	int fd = open("/sys/kernel/mm/transparent_hugepage/enabled", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	ssize_t k = read(fd, b, sizeof(b) - 1);
	close(fd);
	if (k <= 0)
		return 0;
	b[k] = '\0';
	return strstr(b, "[always]") || strstr(b, "[madvise]");
}
