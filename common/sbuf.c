#include "sbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"
#include "banned.h"

/* Past this a buffer moves to huge pages: higher than XALLOC_BIG, as a program has many buffers
 * and a huge page is resident whole (a 300 KB buffer would cost 2 MB) */
#define SBUF_HUGE ((size_t)1 << 20)

char sbuf_empty[1];

void sbuf_init(struct sbuf *sb, size_t hint)
{
	sb->buf = sbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	if (hint)
		sbuf_grow(sb, hint);
}

void sbuf_release(struct sbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sbuf_init(sb, 0);
}

void sbuf_grow(struct sbuf *sb, size_t extra)
{
	size_t need = sb->len + extra + 1;
	if (extra > SBUF_MAX || need > SBUF_MAX) {
		/* hostile input can get here (a path 200,000 components deep): the documented exit
		 * status of running out of memory (3), never a signal */
		static const char msg[] = "fatal: out of memory: a buffer grew past its 1 GiB cap\n";
		if (write(2, msg, sizeof(msg) - 1) < 0)
			_exit(3);
		_exit(3);
	}
	if (need <= sb->alloc)
		return;
	size_t n = sb->alloc ? sb->alloc : 64;
	while (n < need)
		n *= 2;
	if (n >= SBUF_HUGE) { /* a big buffer (a report, an index's paths) in huge pages: xalloc.h */
		sb->buf = xrealloc_big(sb->alloc ? sb->buf : NULL, sb->alloc ? sb->len + 1 : 0, &n);
		if (!sb->alloc)
			sb->buf[0] = '\0';
	} else if (!sb->alloc) {
		sb->buf = xmalloc(n);
		sb->buf[0] = '\0';
	} else {
		sb->buf = xrealloc(sb->buf, n);
	}
	sb->alloc = n;
}

void sbuf_setlen(struct sbuf *sb, size_t len)
{
	if (!sb->alloc)
		return; /* only 0 is valid for the shared empty buffer */
	sb->len = len;
	sb->buf[len] = '\0';
}

void sbuf_add(struct sbuf *sb, const void *data, size_t len)
{
	if (!len)
		return;
	sbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void sbuf_addstr(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}

void sbuf_addch(struct sbuf *sb, int c)
{
	sbuf_grow(sb, 1);
	sb->buf[sb->len++] = (char)c;
	sb->buf[sb->len] = '\0';
}

void sbuf_addf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	sbuf_grow(sb, 64);
	va_start(ap, fmt);
	int n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n >= sb->alloc - sb->len) {
		sbuf_grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
}

char *sbuf_detach(struct sbuf *sb, size_t *len)
{
	if (!sb->alloc)
		sbuf_grow(sb, 0);
	char *p = sb->buf;
	if (len)
		*len = sb->len;
	sbuf_init(sb, 0);
	return p;
}

int sbuf_read_at(struct sbuf *sb, int dirfd, const char *path, size_t max)
{
	return sbuf_read_at_flags(sb, dirfd, path, max, 0);
}

int sbuf_read_at_flags(struct sbuf *sb, int dirfd, const char *path, size_t max, int oflags)
{
	/* O_NONBLOCK: a FIFO planted under the name must not hang the open */
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | oflags);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st)) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		close(fd);
		return -2;
	}
	size_t want = (size_t)st.st_size, start = sb->len;
	sbuf_grow(sb, want);
	while (sb->len - start < want) {
		ssize_t k = read(fd, sb->buf + sb->len, want - (sb->len - start));
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			int e = errno;
			close(fd);
			sbuf_setlen(sb, start);
			errno = e;
			return -1;
		}
		if (k == 0)
			break; /* shrank since fstat: keep what is there */
		sb->len += (size_t)k;
	}
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
	close(fd);
	return 0;
}
