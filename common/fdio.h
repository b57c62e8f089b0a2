/*
 * fdio: whole files through a descriptor: writing a buffer out, mapping a file in.
 *
 * Calling sequence:
 *   if (fdio_write_all(fd, buf, len) < 0) ... errno says why ...
 *   if (fdio_map_at(AT_FDCWD, path, max, &data, &len) == 0) { ... fdio_unmap(data, len); }
 */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>

/* Write all of buf, retrying short writes and EINTR. Returns 0, or -1 with errno set (EIO when
 * write(2) wrote nothing without an error). */
int fdio_write_all(int fd, const void *buf, size_t len);

/* Map the file path (relative to dirfd) read-only, whole: 0 with *data and *len (NULL and 0 when
 * empty), -1 with errno, -2 when it is not a regular file or is larger than max. Opened as
 * sbuf_read_at opens (a FIFO under the name cannot hang it). Cheaper than reading it into fresh
 * memory when the bytes are read once; a file cut short while mapped raises SIGBUS on access. */
int fdio_map_at(int dirfd, const char *path, size_t max, const unsigned char **data, size_t *len);
void fdio_unmap(const unsigned char *data, size_t len);

#endif
