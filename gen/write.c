/* write: render and write a plan's tree in parallel, relative to directory descriptors. */
#include "fx.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "err.h"
#include "fdio.h"
#include "xalloc.h"
#include "banned.h"

#define SHORT_PATH 3000 /* below this a relative path is handed to the kernel in one piece */

/*
 * Resolve the parent directory of path below rootfd. Short paths are returned as they are (the
 * kernel walks them); long ones are walked one component at a time so that no path handed to the
 * kernel reaches PATH_MAX. *fd is rootfd or a descriptor the caller must close.
 */
static int open_parent(int rootfd, const char *path, int *fd, const char **base)
{
	size_t len = strlen(path);
	*fd = rootfd;
	*base = path;
	if (len < SHORT_PATH)
		return 0;
	const char *p = path;
	const char *slash;
	int cur = rootfd;
	char comp[256];
	while ((slash = strchr(p, '/'))) {
		size_t n = (size_t)(slash - p);
		if (n >= sizeof(comp))
			return err_set(ERR_LIMIT, "path component too long in '%.60s...'", path);
		memcpy(comp, p, n);
		comp[n] = '\0';
		int next = openat(cur, comp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (cur != rootfd)
			close(cur);
		if (next < 0)
			return err_errno("unable to open directory '%s' on the way to '%.60s...'", comp, path);
		cur = next;
		p = slash + 1;
	}
	*fd = cur;
	*base = p;
	return 0;
}

static void close_parent(int rootfd, int fd)
{
	if (fd != rootfd)
		close(fd);
}

static uint64_t count_lines(const char *s, size_t n)
{
	uint64_t c = 0;
	const char *end = s + n;
	while ((s = memchr(s, '\n', (size_t)(end - s)))) {
		c++;
		s++;
	}
	return c;
}

static void hash_content(struct fx_entry *e, const void *data, size_t len)
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(data, len));
	memcpy(e->hash, c.digest, 16);
}

/* What the digest and the counts need to know of a file's final content. */
static void record_content(struct fx_entry *e, const char *data, size_t len)
{
	hash_content(e, data, len);
	e->bytes = len;
	e->lines = count_lines(data, len);
}

struct writer {
	struct fx_plan *plan;
	int rootfd;
	int first_commit;
	fx_progress_fn *progress;
	void *progress_ctx;
	int64_t mtime;
	atomic_size_t next;
	atomic_size_t done;
	pthread_mutex_t lock;
	int error;
	char errmsg[512];
	struct fx_plants plants;
};

struct worker {
	struct writer *w;
	struct sbuf buf;
	struct fx_plants plants;
	int id;
};

static int write_file(struct worker *wk, uint32_t idx, const char *path)
{
	struct writer *w = wk->w;
	struct fx_entry *e = &w->plan->entries[idx];
	fx_render(w->plan, idx, w->first_commit, &wk->buf, &wk->plants);
	if (w->rootfd < 0) { /* dry run: content hashes only */
		record_content(e, wk->buf.buf, wk->buf.len);
		return 0;
	}
	int pfd;
	const char *base;
	int rc = open_parent(w->rootfd, path, &pfd, &base);
	if (rc < 0)
		return rc;
	mode_t mode = (e->flags & FX_UNREADABLE) ? 0600 : e->mode;
	int fd = openat(pfd, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		rc = err_errno("unable to create '%s'", path);
		close_parent(w->rootfd, pfd);
		return rc;
	}
	if (fdio_write_all(fd, wk->buf.buf, wk->buf.len) < 0) {
		rc = err_errno("unable to write '%s'", path);
		close(fd);
		close_parent(w->rootfd, pfd);
		return rc;
	}
	struct timespec ts[2] = { { w->mtime, 0 }, { w->mtime, 0 } };
	if (futimens(fd, ts) < 0)
		rc = err_errno("unable to set the time of '%s'", path);
	if (close(fd) < 0 && !rc)
		rc = err_errno("unable to write '%s'", path);
	close_parent(w->rootfd, pfd);
	record_content(e, wk->buf.buf, wk->buf.len);
	return rc;
}

static int write_other(struct writer *w, uint32_t idx, const char *path)
{
	struct fx_entry *e = &w->plan->entries[idx];
	if (w->rootfd < 0) {
		if (e->type == FX_LINK)
			hash_content(e, e->data, strlen(e->data));
		return 0;
	}
	int pfd;
	const char *base;
	int rc = open_parent(w->rootfd, path, &pfd, &base);
	if (rc < 0)
		return rc;
	if (e->type == FX_LINK) {
		if (symlinkat(e->data, pfd, base) < 0)
			rc = err_errno("unable to create the symlink '%s'", path);
		hash_content(e, e->data, strlen(e->data));
	} else if (e->type == FX_FIFO) {
		if (mkfifoat(pfd, base, e->mode) < 0)
			rc = err_errno("unable to create the FIFO '%s'", path);
		memset(e->hash, 0, 16);
	}
	close_parent(w->rootfd, pfd);
	return rc;
}

static void *writer_main(void *arg)
{
	struct worker *wk = arg;
	struct writer *w = wk->w;
	size_t n = w->plan->n;
	for (;;) {
		size_t start = atomic_fetch_add(&w->next, 64);
		if (start >= n)
			break;
		size_t end = start + 64 < n ? start + 64 : n;
		for (size_t i = start; i < end; i++) {
			struct fx_entry *e = &w->plan->entries[i];
			if (e->type == FX_DIR)
				continue;
			if (w->first_commit ? (e->flags & FX_ADDED) : (e->flags & FX_DELETED))
				continue;
			const char *path = (w->first_commit && (e->flags & FX_RENAMED)) ? e->old_path : e->path;
			int rc = e->type == FX_FILE ? write_file(wk, (uint32_t)i, path)
						    : write_other(w, (uint32_t)i, path);
			if (rc < 0) {
				pthread_mutex_lock(&w->lock);
				if (!w->error) {
					w->error = rc;
					snprintf(w->errmsg, sizeof(w->errmsg), "%s", err_msg());
				}
				pthread_mutex_unlock(&w->lock);
				atomic_store(&w->next, n);
				break;
			}
		}
		size_t d = atomic_fetch_add(&w->done, end - start) + (end - start);
		if (w->progress && wk->id == 0)
			w->progress(w->progress_ctx, d, n);
	}
	return NULL;
}

static int plant_cmp(const void *a, const void *b)
{
	const struct fx_plant *x = a, *y = b;
	if (x->entry != y->entry)
		return x->entry < y->entry ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->pattern, y->pattern);
}

static int make_dirs(struct fx_plan *plan, int rootfd)
{
	if (rootfd < 0)
		return 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct fx_entry *e = &plan->entries[i];
		if (e->type != FX_DIR)
			continue;
		int pfd;
		const char *base;
		int rc = open_parent(rootfd, e->path, &pfd, &base);
		if (rc < 0)
			return rc;
		if (mkdirat(pfd, base, e->mode) < 0 && errno != EEXIST)
			rc = err_errno("unable to create the directory '%s'", e->path);
		close_parent(rootfd, pfd);
		if (rc < 0)
			return rc;
		memset(e->hash, 0, 16);
	}
	return 0;
}

void fx_stats_release(struct fx_stats *st)
{
	free(st->plants.v);
	memset(st, 0, sizeof(*st));
}

size_t fx_plan_items(const struct fx_plan *plan, struct fx_digest_item **out)
{
	struct fx_digest_item *items = xcalloc(plan->n, sizeof(*items));
	size_t k = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct fx_entry *e = &plan->entries[i];
		if (e->flags & FX_DELETED)
			continue;
		items[k].path = e->path;
		items[k].path_len = strlen(e->path);
		items[k].type = e->type;
		items[k].mode = (e->flags & FX_UNREADABLE) ? 0 : e->mode;
		memcpy(items[k].hash, e->hash, 16);
		k++;
	}
	*out = items;
	return k;
}

static void compute_stats(struct fx_plan *plan, struct fx_stats *st)
{
	st->files = st->dirs = st->links = st->fifos = st->bytes = st->lines = st->ignored_files = 0;
	for (size_t i = 0; i < plan->n; i++) {
		struct fx_entry *e = &plan->entries[i];
		if (e->flags & FX_DELETED)
			continue;
		switch (e->type) {
		case FX_FILE:
			st->files++;
			st->bytes += e->bytes;
			st->lines += e->lines;
			if (e->flags & FX_IGNORED)
				st->ignored_files++;
			break;
		case FX_DIR:
			st->dirs++;
			break;
		case FX_LINK:
			st->links++;
			break;
		case FX_FIFO:
			st->fifos++;
			break;
		}
	}
	struct fx_digest_item *items;
	size_t k = fx_plan_items(plan, &items);
	fx_digest(items, k, st->digest);
	free(items);
}

int fx_write(struct fx_plan *plan, int dirfd, unsigned jobs, int first_commit, fx_progress_fn *progress,
	     void *progress_ctx, struct fx_stats *st)
{
	int rc = make_dirs(plan, dirfd);
	if (rc < 0)
		return rc;
	struct writer w;
	memset(&w, 0, sizeof(w));
	w.plan = plan;
	w.rootfd = dirfd;
	w.first_commit = first_commit;
	w.progress = progress;
	w.progress_ctx = progress_ctx;
	w.mtime = plan->mtime;
	atomic_init(&w.next, 0);
	atomic_init(&w.done, 0);
	pthread_mutex_init(&w.lock, NULL);
	if (jobs < 1)
		jobs = 1;
	if (jobs > 256)
		jobs = 256;
	if (plan->n < 256)
		jobs = 1;
	struct worker *wk = xcalloc(jobs, sizeof(*wk));
	pthread_t *tids = xcalloc(jobs, sizeof(*tids));
	unsigned started = 1;
	for (unsigned t = 0; t < jobs; t++) {
		wk[t].w = &w;
		wk[t].id = (int)t;
		sbuf_init(&wk[t].buf, 0);
	}
	for (unsigned t = 1; t < jobs; t++) {
		if (pthread_create(&tids[t], NULL, writer_main, &wk[t]) != 0)
			break;
		started++;
	}
	writer_main(&wk[0]);
	for (unsigned t = 1; t < started; t++)
		pthread_join(tids[t], NULL);
	struct fx_plants *all = &st->plants;
	all->n = 0;
	for (unsigned t = 0; t < jobs; t++) {
		for (size_t i = 0; i < wk[t].plants.n; i++)
			fx_plants_add(all, &wk[t].plants.v[i]);
		free(wk[t].plants.v);
		sbuf_release(&wk[t].buf);
	}
	if (all->n)
		qsort(all->v, all->n, sizeof(all->v[0]), plant_cmp);
	free(wk);
	free(tids);
	pthread_mutex_destroy(&w.lock);
	if (w.error)
		return err_set(w.error, "%s", w.errmsg);
	compute_stats(plan, st);
	return 0;
}

int fx_apply_changeset(struct fx_plan *plan, int dirfd, struct fx_stats *st)
{
	struct sbuf buf = SBUF_INIT;
	struct timespec ts[2] = { { plan->mtime, 0 }, { plan->mtime, 0 } };
	int rc = 0;
	for (size_t i = 0; i < plan->n && !rc; i++) {
		struct fx_entry *e = &plan->entries[i];
		if (e->flags & FX_DELETED) {
			if (unlinkat(dirfd, e->path, 0) < 0)
				rc = err_errno("unable to delete '%s'", e->path);
		} else if (e->flags & FX_RENAMED) {
			if (renameat(dirfd, e->old_path, dirfd, e->path) < 0)
				rc = err_errno("unable to rename '%s'", e->old_path);
		} else if (e->flags & (FX_MODIFIED | FX_ADDED)) {
			fx_render(plan, (uint32_t)i, 0, &buf, NULL);
			int fd = openat(dirfd, e->path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, e->mode);
			if (fd < 0 || fdio_write_all(fd, buf.buf, buf.len) < 0 || futimens(fd, ts) < 0)
				rc = err_errno("unable to write '%s'", e->path);
			if (fd >= 0)
				close(fd);
			record_content(e, buf.buf, buf.len);
		}
	}
	sbuf_release(&buf);
	if (!rc)
		compute_stats(plan, st);
	return rc;
}

int fx_finalize_meta(struct fx_plan *plan, int dirfd, int64_t mtime)
{
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	/* links and FIFOs, then directories deepest first (reverse path order), then the root */
	for (size_t k = plan->n; k-- > 0;) {
		struct fx_entry *e = &plan->entries[k];
		if (e->type == FX_FILE || (e->flags & FX_DELETED))
			continue;
		int pfd;
		const char *base;
		int rc = open_parent(dirfd, e->path, &pfd, &base);
		if (rc < 0)
			return rc;
		if (utimensat(pfd, base, ts, AT_SYMLINK_NOFOLLOW) < 0)
			rc = err_errno("unable to set the time of '%s'", e->path);
		close_parent(dirfd, pfd);
		if (rc < 0)
			return rc;
	}
	if (futimens(dirfd, ts) < 0)
		return err_errno("unable to set the time of the fixture root");
	for (size_t k = plan->n; k-- > 0;) {
		struct fx_entry *e = &plan->entries[k];
		if (!(e->flags & FX_UNREADABLE))
			continue;
		if (fchmodat(dirfd, e->path, 0, AT_SYMLINK_NOFOLLOW) < 0) /* ours, never a link: never follow */
			return err_errno("unable to change the mode of '%s'", e->path);
	}
	return 0;
}
