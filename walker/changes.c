/* changes: --changed-since judged during the walk (walker/changes.h). */
#include "changes.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "repo.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

struct changes {
	struct repo_since *since;
	pthread_mutex_t lock;
	struct sbuf keep;    /* changed for sure: paths, each followed by NUL */
	struct sbuf pending; /* clean, judged before ref's side was known: changed if it differs there */
	struct sbuf dirty;   /* stat data differs: the index's id (20 bytes), then the path and NUL */
	atomic_int fallback;
};

int chg_start(struct changes **out, const char *abs_root, const char *ref)
{
	struct changes *c = xcalloc(1, sizeof(*c));
	if (repo_since_start(&c->since, abs_root, ref)) {
		free(c);
		*out = NULL;
		return ERR_GIT;
	}
	pthread_mutex_init(&c->lock, NULL);
	c->keep = (struct sbuf)SBUF_INIT;
	c->pending = (struct sbuf)SBUF_INIT;
	c->dirty = (struct sbuf)SBUF_INIT;
	*out = c;
	return 0;
}

static void add(struct changes *c, struct sbuf *to, const unsigned char *oid, const char *path, size_t len)
{
	pthread_mutex_lock(&c->lock);
	if (oid)
		sbuf_add(to, oid, 20);
	sbuf_add(to, path, len);
	sbuf_addch(to, '\0');
	pthread_mutex_unlock(&c->lock);
}

void chg_judge(struct changes *c, struct repo *rp, const char *path, size_t len, const struct stat *st)
{
	unsigned char oid[20];
	if (!rp) {
		atomic_store(&c->fallback, 1);
		return;
	}
	switch (repo_judge(rp, path, len, st, oid)) {
	case REPO_UNTRACKED:
	case REPO_CHANGED:
		add(c, &c->keep, NULL, path, len);
		break;
	case REPO_CLEAN:
		if (!repo_since_ready(c->since))
			add(c, &c->pending, NULL, path, len);
		else if (repo_since_has(c->since, path, len))
			add(c, &c->keep, NULL, path, len);
		break;
	case REPO_DIRTY:
		add(c, &c->dirty, oid, path, len);
		break;
	default:
		atomic_store(&c->fallback, 1);
	}
}

static void push(char ***v, size_t *n, size_t *alloc, const char *wd, const char *path)
{
	struct sbuf full = SBUF_INIT;
	sbuf_addstr(&full, wd);
	sbuf_addstr(&full, path);
	ALLOC_GROW(*v, *n + 1, *alloc);
	(*v)[(*n)++] = sbuf_detach(&full, NULL);
}

int chg_finish(struct changes *c, char ***paths, size_t *n)
{
	*paths = NULL;
	*n = 0;
	if (repo_since_wait(c->since))
		return ERR_GIT;
	if (atomic_load(&c->fallback))
		return CHG_FALLBACK;
	const char *wd = repo_since_workdir(c->since);
	size_t alloc = 0;
	for (const char *p = c->keep.buf, *end = p + c->keep.len; p < end; p += strlen(p) + 1)
		push(paths, n, &alloc, wd, p);
	for (const char *p = c->pending.buf, *end = p + c->pending.len; p < end; p += strlen(p) + 1)
		if (repo_since_has(c->since, p, strlen(p)))
			push(paths, n, &alloc, wd, p);
	for (const char *p = c->dirty.buf, *end = p + c->dirty.len; p < end;) {
		const unsigned char *oid = (const unsigned char *)p;
		p += 20;
		if (repo_since_differs(c->since, p, oid))
			push(paths, n, &alloc, wd, p);
		p += strlen(p) + 1;
	}
	return 0;
}

void chg_free(struct changes *c)
{
	if (!c)
		return;
	repo_since_free(c->since);
	pthread_mutex_destroy(&c->lock);
	sbuf_release(&c->keep);
	sbuf_release(&c->pending);
	sbuf_release(&c->dirty);
	free(c);
}
