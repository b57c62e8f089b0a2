/*
 * floor: the syscall floor a walker is measured against (docs/profiling.md). Given the files a
 * walker visits (one path per line, relative to ROOT, as `walker --files` prints them), it lists
 * each of their directories once with getdents64, as any walker must, then either stats every
 * file (--stat: the floor of a warm-cache run) or opens, reads and closes it (--read: the floor of
 * a cold run), on N threads. Nothing is matched, nothing ignored, nothing printed.
 *
 *   floor --stat|--read [-j N] --list FILE ROOT
 *   floor --mutate N --list FILE ROOT
 *
 * --mutate is the harness's "N files changed" step (not a floor): it spreads N picks evenly over
 * the list and toggles a trailing comment line in each, so that successive runs alternate between
 * two contents and every run really sees N changed files.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

#define CHUNK 32

struct dir {
	const char *path; /* relative to ROOT, "" for ROOT itself */
	int fd;
};

struct file {
	uint32_t dir;
	const char *name;
};

#define MARK "\n// bench-mutated\n"
#define MARKLEN (sizeof(MARK) - 1)

static int rootfd, do_read;
static struct dir *dirs;
static size_t ndirs;
static struct file *files;
static size_t nfiles;
static atomic_size_t next_dir, next_file;
static atomic_ulong failures;

static void *list_dirs(void *arg)
{
	(void)arg;
	char buf[32 << 10];
	for (;;) {
		size_t i = atomic_fetch_add(&next_dir, 1);
		if (i >= ndirs)
			return NULL;
		struct dir *d = &dirs[i];
		d->fd = *d->path ? openat(rootfd, d->path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : dup(rootfd);
		if (d->fd < 0) {
			atomic_fetch_add(&failures, 1);
			continue;
		}
		long k;
		while ((k = syscall(SYS_getdents64, d->fd, buf, sizeof(buf))) > 0)
			;
		lseek(d->fd, 0, SEEK_SET);
	}
}

static void *visit_files(void *arg)
{
	(void)arg;
	char *buf = xmalloc(64 << 10);
	for (;;) {
		size_t s = atomic_fetch_add(&next_file, CHUNK);
		if (s >= nfiles)
			break;
		size_t e = s + CHUNK < nfiles ? s + CHUNK : nfiles;
		for (size_t i = s; i < e; i++) {
			int dfd = dirs[files[i].dir].fd;
			if (!do_read) {
				struct stat st;
				if (fstatat(dfd, files[i].name, &st, AT_SYMLINK_NOFOLLOW))
					atomic_fetch_add(&failures, 1);
				continue;
			}
			int fd = openat(dfd, files[i].name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
			if (fd < 0) {
				atomic_fetch_add(&failures, 1);
				continue;
			}
			ssize_t k;
			while ((k = read(fd, buf, 64 << 10)) > 0)
				;
			close(fd);
		}
	}
	free(buf);
	return NULL;
}

/* By directory, then name: each directory's files end up together. */
static int cmp_path(const void *a, const void *b)
{
	const char *x = *(char *const *)a, *y = *(char *const *)b;
	const char *sx = strrchr(x, '/'), *sy = strrchr(y, '/');
	size_t dx = sx ? (size_t)(sx - x) : 0, dy = sy ? (size_t)(sy - y) : 0;
	int c = memcmp(x, y, dx < dy ? dx : dy);
	if (c || dx != dy)
		return c ? c : dx < dy ? -1 : 1;
	return strcmp(x + dx, y + dy);
}

static void run(int jobs, void *(*fn)(void *))
{
	pthread_t *th = xmalloc((size_t)jobs * sizeof(*th));
	for (int i = 1; i < jobs; i++)
		if (pthread_create(&th[i], NULL, fn, NULL)) {
			jobs = i;
			break;
		}
	fn(NULL);
	for (int i = 1; i < jobs; i++)
		pthread_join(th[i], NULL);
	free(th);
}

/* Toggle the marker at the end of the file: append it, or cut it off when present. */
static int mutate(const char *path)
{
	int fd = openat(rootfd, path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	struct stat st;
	char tail[MARKLEN];
	int rc = fstat(fd, &st);
	if (!rc && st.st_size >= (off_t)MARKLEN && pread(fd, tail, MARKLEN, st.st_size - (off_t)MARKLEN) == MARKLEN &&
	    !memcmp(tail, MARK, MARKLEN))
		rc = ftruncate(fd, st.st_size - (off_t)MARKLEN);
	else if (!rc)
		rc = pwrite(fd, MARK, MARKLEN, st.st_size) == MARKLEN ? 0 : -1;
	close(fd);
	return rc;
}

int main(int argc, char **argv)
{
	int jobs = 1, mode = -1;
	long nmut = 0;
	const char *list = NULL, *root = NULL;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stat"))
			mode = 0;
		else if (!strcmp(argv[i], "--read"))
			mode = 1;
		else if (!strcmp(argv[i], "--mutate") && i + 1 < argc)
			mode = 2, nmut = atol(argv[++i]);
		else if (!strcmp(argv[i], "-j") && i + 1 < argc)
			jobs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--list") && i + 1 < argc)
			list = argv[++i];
		else if (argv[i][0] != '-' && !root)
			root = argv[i];
		else
			mode = -2;
	}
	if (mode < 0 || !list || !root || jobs < 1 || jobs > 1024) {
		fprintf(stderr, "usage: floor --stat|--read [-j N] --list FILE ROOT\n"
				"       floor --mutate N --list FILE ROOT\n");
		return 2;
	}
	do_read = mode;
	struct sbuf text = SBUF_INIT;
	if (sbuf_read_at(&text, AT_FDCWD, list, SBUF_MAX - 1)) {
		fprintf(stderr, "floor: unable to read '%s': %s\n", list, strerror(errno));
		return 2;
	}
	rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (rootfd < 0) {
		fprintf(stderr, "floor: unable to open '%s': %s\n", root, strerror(errno));
		return 2;
	}
	/* one entry per line */
	char **lines = NULL;
	size_t n = 0, alloc = 0;
	for (char *p = text.buf, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p) - 1;
		else
			*nl = '\0';
		if (*p) {
			ALLOC_GROW(lines, n + 1, alloc);
			lines[n++] = p;
		}
	}
	if (mode == 2) {
		int rc = 0;
		for (long k = 0; k < nmut && n; k++)
			if (mutate(lines[(size_t)k * n / (size_t)nmut % n])) {
				fprintf(stderr, "floor: unable to change '%s': %s\n",
					lines[(size_t)k * n / (size_t)nmut % n], strerror(errno));
				rc = 1;
			}
		free(lines);
		sbuf_release(&text);
		close(rootfd);
		return rc;
	}
	qsort(lines, n, sizeof(*lines), cmp_path);
	files = xmalloc((n ? n : 1) * sizeof(*files));
	size_t adirs = 0;
	for (size_t i = 0; i < n; i++) {
		char *sl = strrchr(lines[i], '/');
		const char *dir = "";
		if (sl) {
			*sl = '\0';
			dir = lines[i];
		}
		if (!ndirs || strcmp(dirs[ndirs - 1].path, dir)) {
			ALLOC_GROW(dirs, ndirs + 1, adirs);
			dirs[ndirs++] = (struct dir){ dir, -1 };
		}
		files[nfiles++] = (struct file){ (uint32_t)(ndirs - 1), sl ? sl + 1 : lines[i] };
	}
	/* Grow the descriptor table before there are threads: growing a table shared by threads
	 * waits for an RCU grace period each time (expand_fdtable), milliseconds on a VM. */
	int hi = dup2(rootfd, (int)(ndirs + 16 < 65536 ? ndirs + 16 : 65536));
	if (hi >= 0)
		close(hi);
	run(jobs, list_dirs);
	run(jobs, visit_files);
	for (size_t i = 0; i < ndirs; i++)
		if (dirs[i].fd >= 0)
			close(dirs[i].fd);
	unsigned long f = atomic_load(&failures);
	if (f)
		fprintf(stderr, "floor: %lu of %zu files or directories could not be visited\n", f, nfiles);
	free(lines);
	free(files);
	free(dirs);
	sbuf_release(&text);
	close(rootfd);
	return f ? 1 : 0;
}
