/*
 * fdio: writing a whole buffer to a file descriptor.
 *
 * Calling sequence:
 *   if (fdio_write_all(fd, buf, len) < 0) ... errno says why ...
 */
#ifndef FDIO_H
#define FDIO_H

#include <stddef.h>

/* Write all of buf, retrying short writes and EINTR. Returns 0, or -1 with errno set (EIO when
 * write(2) wrote nothing without an error). */
int fdio_write_all(int fd, const void *buf, size_t len);

#endif
