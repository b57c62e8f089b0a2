#include "fdio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

int fdio_map_at(int dirfd, const char *path, size_t max, const unsigned char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	int rc = 0;
	if (fstat(fd, &st)) {
		rc = -1;
	} else if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > max) {
		rc = -2;
	} else if (st.st_size > 0) {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			rc = -1;
		} else {
			*data = m;
			*len = (size_t)st.st_size;
		}
	}
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

void fdio_unmap(const unsigned char *data, size_t len)
{
	if (data)
		munmap((void *)(uintptr_t)data, len);
}
