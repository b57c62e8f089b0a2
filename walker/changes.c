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
	/* each path comes with the tools configured for its directory (one byte, rules_tool bits),
	 * as the walk found them in its listings: the scan of the changed files need not probe */
	struct sbuf keep;     /* changed for sure: tools, path, NUL */
	struct sbuf pending;  /* clean, judged before ref's side was known: changed if it differs there */
	struct sbuf dirty;    /* stat data differs: the index's id (20 bytes), mode (4), tools, path, NUL */
	struct sbuf unjudged; /* met before the index was read: struct seen, path, NUL */
	atomic_int nunjudged;
	atomic_int fallback;
	atomic_int isum_set; /* isum holds the digest of the index the walk judged the files by */
	int isum_ok;
	uint64_t isum;
	uint64_t max_size; /* a dirty file above it is changed without hashing it */
};

int chg_start(struct changes **out, const char *abs_root, const char *ref, uint64_t max_size)
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
	c->unjudged = (struct sbuf)SBUF_INIT;
	c->max_size = max_size;
	*out = c;
	return 0;
}

static void add(struct changes *c, struct sbuf *to, const unsigned char *oid, unsigned mode, uint8_t tools,
		const char *path, size_t len)
{
	pthread_mutex_lock(&c->lock);
	if (oid) {
		uint32_t m = mode;
		sbuf_add(to, oid, 20);
		sbuf_add(to, &m, sizeof(m));
	}
	sbuf_addch(to, (char)tools);
	sbuf_add(to, path, len);
	sbuf_addch(to, '\0');
	pthread_mutex_unlock(&c->lock);
}

/* What repo_judge reads of a file's stat data, kept for a file met before the index was read. */
struct seen {
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns, size;
	uint64_t ino;
	uint32_t mode, uid, gid;
	uint8_t tools;
};

static void seen_of(struct seen *v, const struct stat *st, uint8_t tools)
{
	*v = (struct seen){
		st->st_mtim.tv_sec, st->st_mtim.tv_nsec, st->st_ctim.tv_sec, st->st_ctim.tv_nsec, st->st_size,
		st->st_ino,         st->st_mode,         st->st_uid,         st->st_gid,          tools
	};
}

static void stat_of(struct stat *st, const struct seen *v)
{
	memset(st, 0, sizeof(*st));
	st->st_mtim.tv_sec = v->mtime_s;
	st->st_mtim.tv_nsec = v->mtime_ns;
	st->st_ctim.tv_sec = v->ctime_s;
	st->st_ctim.tv_nsec = v->ctime_ns;
	st->st_size = v->size;
	st->st_ino = v->ino;
	st->st_mode = v->mode;
	st->st_uid = v->uid;
	st->st_gid = v->gid;
}

static void judge(struct changes *c, struct repo *rp, const char *path, size_t len, const struct stat *st,
		  uint8_t tools);

/* The files met before the index was read, judged now that it is (under c->lock). */
static void judge_waiting(struct changes *c, struct repo *rp)
{
	struct sbuf w = c->unjudged;
	c->unjudged = (struct sbuf)SBUF_INIT;
	atomic_store(&c->nunjudged, 0);
	pthread_mutex_unlock(&c->lock); /* judge takes it to add */
	for (const char *p = w.buf, *end = w.buf + w.len; p < end;) {
		struct seen v;
		struct stat st;
		memcpy(&v, p, sizeof(v));
		p += sizeof(v);
		size_t len = strlen(p);
		stat_of(&st, &v);
		judge(c, rp, p, len, &st, v.tools);
		p += len + 1;
	}
	sbuf_release(&w);
	pthread_mutex_lock(&c->lock);
}

void chg_judge(struct changes *c, struct repo *rp, const char *path, size_t len, const struct stat *st, unsigned tools)
{
	if (!rp) {
		atomic_store(&c->fallback, 1);
		return;
	}
	/* the index is read in the background: the walk goes on meanwhile, and what it meets is
	 * judged once the index is there, by whichever file comes next (or chg_settle) */
	if (!repo_index_ready(rp)) {
		struct seen v;
		seen_of(&v, st, (uint8_t)tools);
		pthread_mutex_lock(&c->lock);
		sbuf_add(&c->unjudged, &v, sizeof(v));
		sbuf_add(&c->unjudged, path, len);
		sbuf_addch(&c->unjudged, '\0');
		atomic_fetch_add(&c->nunjudged, 1);
		pthread_mutex_unlock(&c->lock);
		return;
	}
	if (atomic_load_explicit(&c->nunjudged, memory_order_relaxed))
		chg_settle(c, rp);
	judge(c, rp, path, len, st, (uint8_t)tools);
}

void chg_settle(struct changes *c, struct repo *rp)
{
	pthread_mutex_lock(&c->lock);
	while (c->unjudged.len)
		judge_waiting(c, rp);
	pthread_mutex_unlock(&c->lock);
}

static void judge(struct changes *c, struct repo *rp, const char *path, size_t len, const struct stat *st,
		  uint8_t tools)
{
	unsigned char oid[20];
	unsigned mode = 0;
	if (!atomic_load_explicit(&c->isum_set, memory_order_acquire)) { /* the repository ends with the walk */
		pthread_mutex_lock(&c->lock);
		if (!atomic_load_explicit(&c->isum_set, memory_order_relaxed)) {
			unsigned char root[20];
			c->isum_ok = repo_index_sum(rp, &c->isum);
			repo_since_index(c->since, repo_index_root(rp, root) ? root : NULL, c->isum_ok, c->isum);
			atomic_store_explicit(&c->isum_set, 1, memory_order_release);
		}
		pthread_mutex_unlock(&c->lock);
	}
	switch (repo_judge(rp, path, len, st, oid, &mode)) {
	case REPO_SUBMODULE: /* git status names the submodule, not its files; ref's commit is not compared */
		break;
	case REPO_UNTRACKED:
	case REPO_CHANGED:
		add(c, &c->keep, NULL, 0, tools, path, len);
		break;
	case REPO_CLEAN:
		if (!repo_since_ready(c->since))
			add(c, &c->pending, NULL, 0, tools, path, len);
		else if (repo_since_has(c->since, path, len))
			add(c, &c->keep, NULL, 0, tools, path, len);
		break;
	case REPO_DIRTY:
		/* too big to scan: changed or not, the scan only says it is skipped; hashing a file of
		 * gigabytes through git's filters costs more than the whole run */
		if ((uint64_t)st->st_size > c->max_size)
			add(c, &c->keep, NULL, 0, tools, path, len);
		else
			add(c, &c->dirty, oid, mode, tools, path, len);
		break;
	default:
		atomic_store(&c->fallback, 1);
	}
}

struct list {
	char **paths;
	uint8_t *tools;
	size_t n, alloc, atools;
};

static void push(struct list *l, const char *wd, const char *path, uint8_t tools)
{
	struct sbuf full = SBUF_INIT;
	sbuf_addstr(&full, wd);
	sbuf_addstr(&full, path);
	ALLOC_GROW(l->paths, l->n + 1, l->alloc);
	ALLOC_GROW(l->tools, l->n + 1, l->atools);
	l->tools[l->n] = tools;
	l->paths[l->n++] = sbuf_detach(&full, NULL);
}

int chg_finish(struct changes *c, char ***paths, uint8_t **tools, size_t *n)
{
	*paths = NULL;
	*tools = NULL;
	*n = 0;
	if (repo_since_wait(c->since))
		return ERR_GIT;
	if (atomic_load(&c->fallback))
		return CHG_FALLBACK;
	uint64_t sum;
	int ok = repo_since_index_sum(c->since, &sum);
	if (atomic_load(&c->isum_set) && (!c->isum_ok || !ok || sum != c->isum))
		return CHG_RETRY; /* the index changed between the two readings (git add, reset...) */
	const char *wd = repo_since_workdir(c->since);
	struct list l = { NULL, NULL, 0, 0, 0 };
	for (const char *p = c->keep.buf, *end = p + c->keep.len; p < end; p += strlen(p + 1) + 2)
		push(&l, wd, p + 1, (uint8_t)*p);
	for (const char *p = c->pending.buf, *end = p + c->pending.len; p < end; p += strlen(p + 1) + 2)
		if (repo_since_has(c->since, p + 1, strlen(p + 1)))
			push(&l, wd, p + 1, (uint8_t)*p);
	for (const char *p = c->dirty.buf, *end = p + c->dirty.len; p < end;) {
		const unsigned char *oid = (const unsigned char *)p;
		uint32_t mode;
		memcpy(&mode, p + 20, sizeof(mode));
		p += 20 + sizeof(mode);
		if (repo_since_differs(c->since, p + 1, oid, mode))
			push(&l, wd, p + 1, (uint8_t)*p);
		p += strlen(p + 1) + 2;
	}
	*paths = l.paths;
	*tools = l.tools;
	*n = l.n;
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
	sbuf_release(&c->unjudged);
	free(c);
}
