#include "fdio.h"

#include <errno.h>
#include <unistd.h>

#include "banned.h"

int fdio_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	while (len) {
		ssize_t k = write(fd, p, len);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0) {
			if (k == 0)
				errno = EIO;
			return -1;
		}
		p += k;
		len -= (size_t)k;
	}
	return 0;
}
