#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
