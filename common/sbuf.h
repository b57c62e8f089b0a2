/*
 * sbuf: a growable byte buffer, always NUL-terminated, with a size cap.
 *
 * Calling sequence:
 *   struct sbuf sb = SBUF_INIT;
 *   sbuf_addf(&sb, "%d", 42); sbuf_add(&sb, p, n); ... use sb.buf / sb.len ...
 *   sbuf_reset(&sb);            (reuse, keeps memory)
 *   sbuf_release(&sb);          (frees memory, back to SBUF_INIT)
 *
 * Growth beyond SBUF_MAX (1 GiB) is fatal, as running out of memory is (exit status 3 with one
 * line): no buffer in these tools legitimately grows that large.
 */
#ifndef SBUF_H
#define SBUF_H

#include <stddef.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char sbuf_empty[];
#define SBUF_INIT                \
	{                        \
		sbuf_empty, 0, 0 \
	}
#define SBUF_MAX ((size_t)1 << 30)

void sbuf_init(struct sbuf *sb, size_t hint);
void sbuf_release(struct sbuf *sb);
void sbuf_grow(struct sbuf *sb, size_t extra);
void sbuf_add(struct sbuf *sb, const void *data, size_t len);
void sbuf_addstr(struct sbuf *sb, const char *s);
void sbuf_addch(struct sbuf *sb, int c);
void sbuf_addf(struct sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sbuf_setlen(struct sbuf *sb, size_t len);
static inline void sbuf_reset(struct sbuf *sb)
{
	sbuf_setlen(sb, 0);
}
/* Append the whole content of the regular file path (relative to dirfd, as openat) if it holds at
 * most max bytes. Returns 0; -1 with errno set when it cannot be opened or read; -2 when it is not
 * a regular file or is larger than max (nothing is appended). */
int sbuf_read_at(struct sbuf *sb, int dirfd, const char *path, size_t max);
/* The same with open(2) flags added: O_NOFOLLOW makes a symlink fail (-1, errno ELOOP). */
int sbuf_read_at_flags(struct sbuf *sb, int dirfd, const char *path, size_t max, int oflags);

/* Hand the buffer to the caller (free() it); sb is reset to SBUF_INIT. */
char *sbuf_detach(struct sbuf *sb, size_t *len);

#endif
