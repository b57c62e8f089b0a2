/* digest: the tree digest (XXH3-128 over path, type, mode and content hash, in path order). */
#include "fx.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "err.h"
#include "bytes.h"
#include "xalloc.h"
#include "banned.h"

static int item_cmp(const void *a, const void *b)
{
	const struct fx_digest_item *x = a, *y = b;
	return bytes_cmp(x->path, x->path_len, y->path, y->path_len);
}

void fx_digest(struct fx_digest_item *items, size_t n, unsigned char out[16])
{
	if (n)
		qsort(items, n, sizeof(*items), item_cmp);
	XXH3_state_t *st = XXH3_createState();
	if (!st)
		abort();
	XXH3_128bits_reset(st);
	for (size_t i = 0; i < n; i++) {
		unsigned char meta[6] = {
			0, items[i].type, 0, 0, (unsigned char)(items[i].mode >> 8), (unsigned char)items[i].mode
		};
		XXH3_128bits_update(st, items[i].path, items[i].path_len);
		XXH3_128bits_update(st, meta, sizeof(meta));
		XXH3_128bits_update(st, items[i].hash, 16);
	}
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	memcpy(out, c.digest, 16);
	XXH3_freeState(st);
}

struct walk_dir {
	int fd;
	char *path; /* relative, "" for the root */
};

static int hash_fd_file(int dirfd, const char *name, const char *path, unsigned char out[16])
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_errno("unable to read '%s'", path);
	struct stat st;
	if (fstat(fd, &st) < 0) {
		close(fd);
		return err_errno("unable to stat '%s'", path);
	}
	XXH128_hash_t h;
	if (st.st_size == 0) {
		h = XXH3_128bits("", 0);
	} else {
		void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m == MAP_FAILED) {
			close(fd);
			return err_errno("unable to map '%s'", path);
		}
		h = XXH3_128bits(m, (size_t)st.st_size);
		munmap(m, (size_t)st.st_size);
	}
	close(fd);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, h);
	memcpy(out, c.digest, 16);
	return 0;
}

/* Walk the tree iteratively (no recursion, descriptors closed as soon as a directory is listed). */
int fx_digest_disk(int rootfd, unsigned jobs, unsigned char out[16], struct fx_digest_item **items_out, size_t *n_out)
{
	(void)jobs;
	struct fx_digest_item *items = NULL;
	size_t n = 0, alloc = 0;
	struct walk_dir *stack = NULL;
	size_t sn = 0, salloc = 0;
	int rc = 0;
	int dup0 = dup(rootfd);
	if (dup0 < 0)
		return err_errno("unable to duplicate a descriptor");
	ALLOC_GROW(stack, 1, salloc);
	stack[sn++] = (struct walk_dir){ dup0, xstrdup("") };
	while (sn && !rc) {
		struct walk_dir d = stack[--sn];
		DIR *dir = fdopendir(d.fd);
		if (!dir) {
			rc = err_errno("unable to list '%s'", d.path);
			close(d.fd);
			free(d.path);
			break;
		}
		struct dirent *de;
		while ((de = readdir(dir))) {
			const char *name = de->d_name;
			if (!strcmp(name, ".") || !strcmp(name, ".."))
				continue;
			if (!*d.path && !strcmp(name, ".git"))
				continue;
			size_t pl = strlen(d.path), nl = strlen(name);
			char *path = xmalloc(pl + nl + 2);
			if (pl) {
				memcpy(path, d.path, pl);
				path[pl] = '/';
				memcpy(path + pl + 1, name, nl + 1);
			} else {
				memcpy(path, name, nl + 1);
			}
			struct stat st;
			if (fstatat(dirfd(dir), name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
				rc = err_errno("unable to stat '%s'", path);
				free(path);
				break;
			}
			ALLOC_GROW(items, n + 1, alloc);
			struct fx_digest_item *it = &items[n++];
			it->path = path;
			it->path_len = strlen(path);
			it->mode = (uint16_t)(st.st_mode & 07777);
			memset(it->hash, 0, 16);
			if (S_ISREG(st.st_mode)) {
				it->type = FX_FILE;
				rc = hash_fd_file(dirfd(dir), name, path, it->hash);
			} else if (S_ISDIR(st.st_mode)) {
				it->type = FX_DIR;
				int fd = openat(dirfd(dir), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
				if (fd < 0) {
					if (errno == EACCES && it->mode == 0)
						continue; /* a deliberately unreadable directory */
					rc = err_errno("unable to open '%s'", path);
					break;
				}
				ALLOC_GROW(stack, sn + 1, salloc);
				stack[sn++] = (struct walk_dir){ fd, xstrdup(path) };
			} else if (S_ISLNK(st.st_mode)) {
				it->type = FX_LINK;
				char target[4096];
				ssize_t tl = readlinkat(dirfd(dir), name, target, sizeof(target));
				if (tl < 0) {
					rc = err_errno("unable to read the link '%s'", path);
					break;
				}
				XXH128_canonical_t c;
				XXH128_canonicalFromHash(&c, XXH3_128bits(target, (size_t)tl));
				memcpy(it->hash, c.digest, 16);
			} else if (S_ISFIFO(st.st_mode)) {
				it->type = FX_FIFO;
			} else {
				it->type = '?';
			}
		}
		closedir(dir);
		free(d.path);
	}
	while (sn) {
		close(stack[sn - 1].fd);
		free(stack[--sn].path);
	}
	free(stack);
	if (rc < 0) {
		fx_digest_items_free(items, n);
		return rc;
	}
	fx_digest(items, n, out);
	*items_out = items;
	*n_out = n;
	return 0;
}

void fx_digest_items_free(struct fx_digest_item *items, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)(uintptr_t)items[i].path);
	free(items);
}
