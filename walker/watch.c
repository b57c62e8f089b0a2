/* watch: the --watch loop (watch.h, docs/watch.md). */
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "bytes.h"
#include "cache.h"
#include "err.h"
#include "repo.h"
#include "report.h"
#include "rules.h"
#include "run.h"
#include "sbuf.h"
#include "walk.h"
#include "xalloc.h"
#include "banned.h"

/* distinct paths gathered for one cycle; past this the cycle walks the whole tree instead */
#define MAX_PENDING 65536
/* a cycle starts at the latest this long after its first event, however busy the tree ... */
#define CAP_MS 1000
/* ... unless git holds .git/index.lock (a checkout, a stash): then at the latest after this */
#define GIT_HOLD_MS 10000
/* without a watch on every directory (the limit): a full walk at least this often */
#define POLL_MS 1000
/* files gone since a root's last full walk before the next cycle walks it whole (and at least an
 * eighth of its files): the cache drops their entries only then */
#define STALE_MIN 1024

/* ---- small hash tables ------------------------------------------------------------------------ */

/* A set of 64-bit hashes (never 0), open addressing with linear probing. */
struct hset {
	uint64_t *t;
	size_t n, cap;
};

static uint64_t name_key(const char *s, size_t len)
{
	uint64_t h = XXH3_64bits(s, len);
	return h ? h : 1;
}

static void hset_resize(struct hset *s, size_t cap)
{
	uint64_t *old = s->t;
	size_t oc = s->cap;
	s->t = xcalloc(cap, sizeof(*s->t));
	s->cap = cap;
	for (size_t i = 0; i < oc; i++) {
		if (!old[i])
			continue;
		size_t j = old[i] & (cap - 1);
		while (s->t[j])
			j = (j + 1) & (cap - 1);
		s->t[j] = old[i];
	}
	free(old);
}

/* The slot holding k, or the empty one where it would go. */
static size_t hset_slot(const struct hset *s, uint64_t k)
{
	size_t m = s->cap - 1, i = k & m;
	while (s->t[i] && s->t[i] != k)
		i = (i + 1) & m;
	return i;
}

static int hset_add(struct hset *s, uint64_t k)
{
	if ((s->n + 1) * 2 > s->cap)
		hset_resize(s, s->cap ? s->cap * 2 : 8);
	size_t i = hset_slot(s, k);
	if (s->t[i])
		return 0;
	s->t[i] = k;
	s->n++;
	return 1;
}

static int hset_has(const struct hset *s, uint64_t k)
{
	return s->cap && s->t[hset_slot(s, k)] == k;
}

static int hset_del(struct hset *s, uint64_t k)
{
	if (!s->cap)
		return 0;
	size_t m = s->cap - 1, i = hset_slot(s, k);
	if (s->t[i] != k)
		return 0;
	/* backward shift: a later entry of the run moves into the hole unless that would put it
	 * before its home slot */
	for (size_t j = (i + 1) & m; s->t[j]; j = (j + 1) & m) {
		size_t home = s->t[j] & m;
		if (((j - home) & m) >= ((j - i) & m)) {
			s->t[i] = s->t[j];
			i = j;
		}
	}
	s->t[i] = 0;
	s->n--;
	if (s->cap > 8 && s->n * 8 < s->cap) /* a directory emptied: give the memory back */
		hset_resize(s, s->cap / 2);
	return 1;
}

static void hset_release(struct hset *s)
{
	free(s->t);
	memset(s, 0, sizeof(*s));
}

/* A map from 64-bit hashes to pointers (NULL: an empty slot); equal keys may hold several
 * values, which the caller tells apart. */
struct pent {
	uint64_t key;
	void *val;
};
struct pmap {
	struct pent *t;
	size_t n, cap;
};

static void pmap_resize(struct pmap *m, size_t cap)
{
	struct pent *old = m->t;
	size_t oc = m->cap;
	m->t = xcalloc(cap, sizeof(*m->t));
	m->cap = cap;
	for (size_t i = 0; i < oc; i++) {
		if (!old[i].val)
			continue;
		size_t j = old[i].key & (cap - 1);
		while (m->t[j].val)
			j = (j + 1) & (cap - 1);
		m->t[j] = old[i];
	}
	free(old);
}

static void pmap_put(struct pmap *m, uint64_t key, void *val)
{
	if ((m->n + 1) * 2 > m->cap)
		pmap_resize(m, m->cap ? m->cap * 2 : 16);
	size_t j = key & (m->cap - 1);
	while (m->t[j].val)
		j = (j + 1) & (m->cap - 1);
	m->t[j].key = key;
	m->t[j].val = val;
	m->n++;
}

/* The first value under key for which eq (NULL: any) says yes. */
static void *pmap_find(const struct pmap *m, uint64_t key, int (*eq)(const void *val, const void *arg), const void *arg)
{
	if (!m->cap)
		return NULL;
	size_t mask = m->cap - 1;
	for (size_t j = key & mask; m->t[j].val; j = (j + 1) & mask)
		if (m->t[j].key == key && (!eq || eq(m->t[j].val, arg)))
			return m->t[j].val;
	return NULL;
}

static void pmap_del(struct pmap *m, uint64_t key, const void *val)
{
	if (!m->cap)
		return;
	size_t mask = m->cap - 1, i = key & mask;
	while (m->t[i].val && !(m->t[i].key == key && m->t[i].val == val))
		i = (i + 1) & mask;
	if (!m->t[i].val)
		return;
	for (size_t j = (i + 1) & mask; m->t[j].val; j = (j + 1) & mask) {
		size_t home = m->t[j].key & mask;
		if (((j - home) & mask) >= ((j - i) & mask)) {
			m->t[i] = m->t[j];
			i = j;
		}
	}
	m->t[i].val = NULL;
	m->n--;
}

static void pmap_clear(struct pmap *m)
{
	free(m->t);
	memset(m, 0, sizeof(*m));
}

/* ---- the watcher ------------------------------------------------------------------------------ */

struct wroot;

/* A directory the walk entered, watched (wd >= 0) or not (the watch limit), with the names of the
 * files in it that the walk counts: a rename over a name, or its removal, is then told apart from
 * a new file by a lookup, and the count of files stays exact. */
struct wdir {
	struct wroot *root;
	int wd;
	char *rel; /* relative to the root: "" or "a/b/" */
	size_t rellen;
	struct hset names;
	unsigned gen; /* the walk that entered it last */
	size_t idx;   /* in watch.dirs */
};

struct wroot {
	struct watch *w;
	unsigned id;
	const char *path; /* as given */
	char *real;
	dev_t dev;
	ino_t ino;
	struct sbuf disp; /* the display prefix of its files: "" or "PATH/" */
	struct run_self self;
	struct walk_opts wo;
	struct walk_hooks hooks;
	char *gitdir;        /* the repository's .git directory (NULL: none, or not a plain directory) */
	uint64_t tracked;    /* repo_tracked_digest at the last look */
	struct cache *cache; /* kept open from cycle to cycle (cache_refresh) */
	uint64_t gone;       /* files and directories gone since its last full walk */
	int cache_off;       /* no cache can be used (said once) */
	/* gathered for the next cycle */
	int full; /* walk it whole */
};

enum aux_kind {
	AUX_PARENT,  /* the root's parent directory outside a repository: the root's own name in it */
	AUX_UP,      /* a directory between the repository's top and the root: its ignore files, the
		     * config, and the root's own name in it */
	AUX_GIT,     /* the .git directory: index, index.lock */
	AUX_GITINFO, /* .git/info: exclude */
	AUX_CONFIG,  /* the directory of --config FILE */
};

struct aux {
	int wd, kind;
	struct wroot *root;
	char *name; /* AUX_UP: the next directory down to the root; AUX_CONFIG: the file's name */
};

/* Beside each file of the state. */
struct wx {
	struct scan_match *raw; /* its own matches, when module marks changed them (else NULL) */
	uint8_t raw_test, marks;
	uint8_t fresh; /* found in this cycle */
	unsigned root;
};

struct pending {
	struct wroot *root;
	char *path; /* relative to the root, no trailing '/' */
	int was;    /* a file the walk counted, or a directory it watched, before the cycle */
};

struct watch {
	const struct opts *o;
	struct rules *r;
	struct wroot *roots;
	size_t nroots;
	int ifd;
	uint32_t mask;
	pthread_mutex_t lock; /* the hooks: the tables below during a walk */
	struct pmap by_wd, by_rel;
	struct wdir **dirs;
	size_t ndirs, adirs;
	uint64_t nfiles; /* files the walk counts: the sum of the directories' names */
	unsigned gen;
	int watch_failed; /* during this walk a directory could not be watched */
	int watch_errno;
	struct aux *aux;
	size_t naux, aaux;
	/* the state: what a full run would report, sorted by path; wx beside each file */
	struct walk_result st;
	struct wx *x;
	size_t ax;
	size_t nmods; /* files with Rust module declarations */
	struct report_summary sum;
	int have_sum;
	unsigned long cycle;
	uint64_t shown_files; /* the count of files of the last report */
	int limited;          /* not every directory is watched: every cycle walks the whole tree */
	int warned_limit, warned_overflow;
	int color;
	/* gathered for the next cycle */
	struct pmap pend_set;
	struct pending *pend;
	size_t npend, apend;
	int any;      /* something to look at */
	int all_full; /* the queue overflowed, or too many paths */
	int reload;   /* a config file changed */
	int index;    /* an index changed */
	int gone;     /* a root was removed or moved: err_msg() says which */
	struct sbuf warn;
	struct sbuf out;
};

static uint64_t rel_key(const struct wroot *R, const char *rel, size_t len)
{
	return XXH3_64bits_withSeed(rel, len, R->id);
}

static uint64_t wd_key(int wd)
{
	return XXH3_64bits(&wd, sizeof(wd));
}

struct relq {
	const struct wroot *root;
	const char *rel;
	size_t len;
};

static int rel_eq(const void *val, const void *arg)
{
	const struct wdir *d = val;
	const struct relq *q = arg;
	return d->root == q->root && d->rellen == q->len && !memcmp(d->rel, q->rel, q->len);
}

static struct wdir *dir_by_rel(struct watch *w, const struct wroot *R, const char *rel, size_t len)
{
	struct relq q = { R, rel, len };
	return pmap_find(&w->by_rel, rel_key(R, rel, len), rel_eq, &q);
}

static struct wdir *dir_by_wd(struct watch *w, int wd)
{
	return pmap_find(&w->by_wd, wd_key(wd), NULL, NULL);
}

static int uses_wd(const struct watch *w, int wd)
{
	for (size_t i = 0; i < w->naux; i++)
		if (w->aux[i].wd == wd)
			return 1;
	return 0;
}

/* Forget a directory: its watch, its files' names. */
static void drop_dir(struct watch *w, struct wdir *d)
{
	if (d->wd >= 0) {
		pmap_del(&w->by_wd, wd_key(d->wd), d);
		if (!uses_wd(w, d->wd))
			inotify_rm_watch(w->ifd, d->wd);
	}
	pmap_del(&w->by_rel, rel_key(d->root, d->rel, d->rellen), d);
	w->nfiles -= d->names.n;
	hset_release(&d->names);
	w->dirs[d->idx] = w->dirs[--w->ndirs];
	w->dirs[d->idx]->idx = d->idx;
	free(d->rel);
	free(d);
}

/* Forget every directory of R at or below prefix ("a/b/"). Returns how many. */
static size_t drop_subtree(struct watch *w, const struct wroot *R, const char *prefix, size_t len)
{
	size_t n = 0;
	for (size_t i = w->ndirs; i-- > 0;) {
		struct wdir *d = w->dirs[i];
		if (d->root == R && d->rellen >= len && !memcmp(d->rel, prefix, len)) {
			drop_dir(w, d);
			n++;
		}
	}
	return n;
}

/* The walk enters a directory: watch it (before it is listed, so that nothing after the listing
 * is missed). Called from the walk's threads. */
static void hook_dir(void *ctx, const char *rel, size_t len, int fd)
{
	struct wroot *R = ctx;
	struct watch *w = R->w;
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	int wd = inotify_add_watch(w->ifd, proc, w->mask);
	if (wd < 0 && errno == ENOENT) { /* no /proc: by its path */
		struct sbuf p = SBUF_INIT;
		sbuf_addf(&p, "%s/", R->real);
		sbuf_add(&p, rel, len);
		wd = inotify_add_watch(w->ifd, p.buf, w->mask | IN_DONT_FOLLOW);
		sbuf_release(&p);
	}
	int e = errno;
	pthread_mutex_lock(&w->lock);
	struct wdir *d = wd >= 0 ? dir_by_wd(w, wd) : NULL;
	if (wd < 0 && !w->watch_failed) {
		w->watch_failed = 1;
		w->watch_errno = e;
	}
	if (d && d->root == R) { /* watched already (renamed since): it is here now */
		pmap_del(&w->by_rel, rel_key(R, d->rel, d->rellen), d);
		w->nfiles -= d->names.n;
		hset_release(&d->names);
		free(d->rel);
	} else {
		if (d) /* the same directory in another root: roots do not overlap, so it moved there */
			drop_dir(w, d);
		d = xcalloc(1, sizeof(*d));
		d->root = R;
		d->wd = wd;
		if (wd >= 0)
			pmap_put(&w->by_wd, wd_key(wd), d);
		ALLOC_GROW(w->dirs, w->ndirs + 1, w->adirs);
		d->idx = w->ndirs;
		w->dirs[w->ndirs++] = d;
	}
	d->rel = xmemdup(rel, len);
	d->rellen = len;
	d->gen = w->gen;
	pmap_put(&w->by_rel, rel_key(R, rel, len), d);
	pthread_mutex_unlock(&w->lock);
}

/* The walk counts a file. Called from the walk's threads. */
static void hook_file(void *ctx, const char *rel, size_t len, size_t base)
{
	struct wroot *R = ctx;
	struct watch *w = R->w;
	pthread_mutex_lock(&w->lock);
	struct wdir *d = dir_by_rel(w, R, rel, base);
	if (d && hset_add(&d->names, name_key(rel + base, len - base)))
		w->nfiles++;
	pthread_mutex_unlock(&w->lock);
}

/* ---- the state -------------------------------------------------------------------------------- */

static void wx_release(struct wx *x)
{
	free(x->raw);
	x->raw = NULL;
}

/* The first file of the state whose path is >= (p, len). */
static size_t st_lower(const struct watch *w, const char *p, size_t len)
{
	size_t lo = 0, hi = w->st.n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct walk_file *f = &w->st.files[mid];
		if (bytes_cmp(f->path, f->pathlen, p, len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Mark for removal the state's file at display path p and, as a directory, everything below. */
static void st_mark_path(struct watch *w, uint8_t *del, const char *p, size_t len)
{
	size_t i = st_lower(w, p, len);
	if (i < w->st.n && w->st.files[i].pathlen == len && !memcmp(w->st.files[i].path, p, len))
		del[i] = 1;
	struct sbuf pre = SBUF_INIT;
	sbuf_add(&pre, p, len);
	sbuf_addch(&pre, '/');
	for (i = st_lower(w, pre.buf, pre.len); i < w->st.n; i++) {
		const struct walk_file *f = &w->st.files[i];
		if (f->pathlen < pre.len || memcmp(f->path, pre.buf, pre.len))
			break;
		del[i] = 1;
	}
	sbuf_release(&pre);
}

/* A file found in this cycle, with its side data, until it joins the state. */
struct fresh {
	struct walk_file f;
	struct wx x;
};

static int cmp_fresh(const void *a, const void *b)
{
	const struct fresh *x = a, *y = b;
	return bytes_cmp(x->f.path, x->f.pathlen, y->f.path, y->f.pathlen);
}

/* The state without the files marked in del (moved to gone) and with the fresh ones (sorted). */
static void st_merge(struct watch *w, const uint8_t *del, struct fresh *fr, size_t nfr, struct walk_result *gone,
		     struct wx **gone_x)
{
	size_t n = 0, cap = w->st.n + nfr + 1;
	struct walk_file *files = xmalloc(cap * sizeof(*files));
	struct wx *x = xmalloc(cap * sizeof(*x));
	size_t ng = 0;
	for (size_t i = 0; i < w->st.n; i++)
		ng += del[i];
	gone->files = xmalloc((ng + 1) * sizeof(*gone->files));
	*gone_x = xmalloc((ng + 1) * sizeof(**gone_x));
	gone->n = 0;
	gone->alloc = ng + 1;
	size_t i = 0, j = 0;
	while (i < w->st.n || j < nfr) {
		if (i < w->st.n && del[i]) {
			(*gone_x)[gone->n] = w->x[i];
			gone->files[gone->n++] = w->st.files[i++];
			continue;
		}
		int take_old = j == nfr || (i < w->st.n && bytes_cmp(w->st.files[i].path, w->st.files[i].pathlen,
								     fr[j].f.path, fr[j].f.pathlen) <= 0);
		if (take_old) {
			files[n] = w->st.files[i];
			x[n++] = w->x[i++];
		} else {
			files[n] = fr[j].f;
			x[n++] = fr[j++].x;
		}
	}
	free(w->st.files);
	free(w->x);
	w->st.files = files;
	w->st.n = n;
	w->st.alloc = cap;
	w->x = x;
	w->ax = cap;
	w->nmods = 0;
	for (size_t k = 0; k < n; k++)
		w->nmods += files[k].modslen > 0;
}

/* A violation before or after this cycle, to tell new ones from fixed ones. */
struct cand {
	const char *path;
	size_t pathlen;
	struct scan_match m;
	const struct rules *r;
	int after;
};

struct cands {
	struct cand *v;
	size_t n, alloc;
};

static void add_violations(struct cands *c, const struct walk_file *f, const struct rules *r, int after)
{
	for (size_t k = 0; k < f->n; k++) {
		if (f->m[k].outcome != SO_VIOLATION)
			continue;
		ALLOC_GROW(c->v, c->n + 1, c->alloc);
		c->v[c->n++] = (struct cand){ f->path, f->pathlen, f->m[k], r, after };
	}
}

/* By path, line, column and pattern name. */
static int cmp_key(const struct cand *x, const struct cand *y)
{
	int c = bytes_cmp(x->path, x->pathlen, y->path, y->pathlen);
	if (c)
		return c;
	if (x->m.line != y->m.line)
		return x->m.line < y->m.line ? -1 : 1;
	if (x->m.col != y->m.col)
		return x->m.col < y->m.col ? -1 : 1;
	return strcmp(x->r->pats[x->m.pat].name, y->r->pats[y->m.pat].name);
}

static int cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = cmp_key(x, y);
	return c ? c : x->after - y->after;
}

/* The violations only before (fixed) or only after (new), sorted. */
static struct report_change *diff_violations(struct cands *c, size_t *n)
{
	if (c->n > 1)
		qsort(c->v, c->n, sizeof(*c->v), cmp_cand);
	struct report_change *out = xmalloc((c->n + 1) * sizeof(*out));
	size_t k = 0;
	for (size_t i = 0; i < c->n;) {
		size_t j = i, before = 0, after = 0;
		for (; j < c->n && !cmp_key(&c->v[i], &c->v[j]); j++)
			after += c->v[j].after, before += !c->v[j].after;
		const struct cand *v = &c->v[after > before ? j - 1 : i];
		if (after != before)
			out[k++] = (struct report_change){ v->path, v->pathlen, v->m, v->r, after < before };
		i = j;
	}
	*n = k;
	return out;
}

/* Judge a file of the state with its new marks (its own result is restored first). */
static void rejudge(struct walk_file *f, struct wx *x, unsigned marks, const struct rules *r)
{
	if (x->marks) { /* back to its own result */
		if (f->n)
			memcpy(f->m, x->raw, f->n * sizeof(*f->m));
		f->test = x->raw_test;
		free(x->raw);
		x->raw = NULL;
	}
	x->marks = (uint8_t)marks;
	if (!marks)
		return;
	x->raw_test = f->test;
	if (f->n) {
		x->raw = xmalloc(f->n * sizeof(*x->raw));
		memcpy(x->raw, f->m, f->n * sizeof(*x->raw));
	}
	walk_apply_marks(f, marks, r);
}

/* ---- walking ---------------------------------------------------------------------------------- */

/* Walk R (the whole of it, or re-check only: paths relative to it) with its cache, into res
 * (raw: module declarations unjudged). Returns 0, or an ERR_* with err_msg() when R cannot be
 * walked. */
static int walk_with_cache(struct watch *w, struct wroot *R, char **only, size_t nonly, int whole,
			   struct walk_result *res)
{
	const struct opts *o = w->o;
	struct walk_opts ow = R->wo;
	if (!whole) {
		ow.only = only;
		ow.nonly = nonly;
		ow.rewalk = 1;
	}
	if (!o->no_cache && !R->cache && !R->cache_off) {
		if (cache_open(&R->cache, o->cache_file, R->real, w->r->digest, (unsigned)w->r->n, &w->warn))
			return -1;
		R->cache_off = !R->cache;
	}
	ow.cache = R->cache;
	w->watch_failed = 0;
	int rc = walk_run(&ow, w->r, R->path, res);
	if (R->cache) {
		if (!rc) /* only a whole walk saw every file: a re-check keeps the others' entries */
			cache_save(R->cache, whole && o->walk.max_depth < 0, &w->warn);
		cache_refresh(R->cache, &w->warn); /* ready for the next cycle, loaded once */
	}
	return rc;
}

/* Take res's files into fr as fresh files of R. */
static void add_fresh(struct fresh **fr, size_t *nfr, size_t *afr, struct walk_result *res, unsigned root)
{
	ALLOC_GROW(*fr, *nfr + res->n + 1, *afr);
	for (size_t i = 0; i < res->n; i++) {
		struct fresh *f = &(*fr)[(*nfr)++];
		f->f = res->files[i];
		memset(&f->x, 0, sizeof(f->x));
		f->x.fresh = 1;
		f->x.root = root;
	}
	free(res->files);
	memset(res, 0, sizeof(*res));
}

static int pend_cmp(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;
	if (x->root != y->root)
		return x->root->id < y->root->id ? -1 : 1;
	return strcmp(x->path, y->path);
}

/* Is p below (not at) a pending path of the same root? pend is sorted. */
static int below_pending(const struct watch *w, const struct pending *p)
{
	for (const char *s = strchr(p->path, '/'); s; s = strchr(s + 1, '/')) {
		struct pending key = { p->root, xmemdup(p->path, (size_t)(s - p->path)), 0 };
		const void *hit = bsearch(&key, w->pend, w->npend, sizeof(*w->pend), pend_cmp);
		free(key.path);
		if (hit)
			return 1;
	}
	return 0;
}

/* Is display path (rel of R) a file the walk counts, or a directory it watches, now? */
static int known(struct watch *w, const struct wroot *R, const char *rel)
{
	size_t len = strlen(rel);
	const char *sl = strrchr(rel, '/');
	size_t base = sl ? (size_t)(sl - rel) + 1 : 0;
	struct wdir *pd = dir_by_rel(w, R, rel, base);
	if (pd && hset_has(&pd->names, name_key(rel + base, len - base)))
		return 1;
	struct sbuf p = SBUF_INIT;
	sbuf_add(&p, rel, len);
	sbuf_addch(&p, '/');
	int dir = dir_by_rel(w, R, p.buf, p.len) != NULL;
	sbuf_release(&p);
	return dir;
}

/* ---- gathering events ------------------------------------------------------------------------- */

struct pendq {
	const struct watch *w;
	const struct wroot *root;
	const char *rel;
	size_t len;
};

static int pend_eq(const void *val, const void *arg)
{
	const struct pendq *q = arg;
	const struct pending *p = &q->w->pend[(uintptr_t)val - 1];
	return p->root == q->root && !strncmp(p->path, q->rel, q->len) && !p->path[q->len];
}

/* A path of R (relative) to look at in the next cycle, once. */
static void add_pending(struct watch *w, struct wroot *R, const char *rel, size_t len)
{
	w->any = 1;
	if (w->npend >= MAX_PENDING)
		return;
	uint64_t key = XXH3_64bits_withSeed(rel, len, R->id);
	struct pendq q = { w, R, rel, len };
	if (pmap_find(&w->pend_set, key, pend_eq, &q))
		return;
	if (w->npend + 1 >= MAX_PENDING) /* too much to look at one by one: walk it all */
		w->all_full = 1;
	ALLOC_GROW(w->pend, w->npend + 1, w->apend);
	struct pending *p = &w->pend[w->npend++];
	p->root = R;
	p->path = xmemdup(rel, len);
	p->was = 0;
	pmap_put(&w->pend_set, key, (void *)(uintptr_t)w->npend); /* its index + 1 */
}

static void clear_pending(struct watch *w)
{
	for (size_t i = 0; i < w->npend; i++)
		free(w->pend[i].path);
	w->npend = 0;
	pmap_clear(&w->pend_set);
	for (size_t i = 0; i < w->nroots; i++)
		w->roots[i].full = 0;
	w->any = w->all_full = w->reload = w->index = 0;
}

static void root_gone(struct watch *w, const struct wroot *R, const char *how)
{
	if (w->gone)
		return;
	w->gone = 1;
	w->any = 1;
	err_set(ERR_NOTFOUND, "the watched directory '%s' was %s; stopping", R->path, how);
}

static int is_ignore_file(const char *name)
{
	return !strcmp(name, ".gitignore") || !strcmp(name, ".ignore");
}

/* Does a .walker.conf in this directory of R decide the patterns (the nearest one from the first
 * PATH up to the repository's top)? */
static int config_here(const struct watch *w, const struct wroot *R)
{
	return R->id == 0 && !w->o->config && !w->o->no_defaults;
}

/* Walk the directory d again, whole (its ignore file or a tool's config changed). */
static void redo_dir(struct watch *w, struct wdir *d)
{
	if (!d->rellen)
		d->root->full = 1, w->any = 1;
	else
		add_pending(w, d->root, d->rel, d->rellen - 1);
}

static void aux_event(struct watch *w, const struct aux *a, const struct inotify_event *ev)
{
	const char *name = ev->len ? ev->name : "";
	struct wroot *R = a->root;
	switch (a->kind) {
	case AUX_PARENT:
		if (ev->mask & (IN_DELETE | IN_MOVED_FROM) && !strcmp(name, a->name))
			root_gone(w, R, ev->mask & IN_DELETE ? "removed" : "moved");
		break;
	case AUX_UP:
		if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT))
			root_gone(w, R, ev->mask & IN_DELETE_SELF ? "removed" : "moved");
		else if ((ev->mask & (IN_DELETE | IN_MOVED_FROM)) && !strcmp(name, a->name))
			root_gone(w, R, ev->mask & IN_DELETE ? "removed" : "moved");
		else if (is_ignore_file(name) && !w->o->walk.no_ignore)
			R->full = 1, w->any = 1;
		else if (!strcmp(name, RULES_CONFIG_NAME) && config_here(w, R))
			w->reload = 1, w->any = 1;
		break;
	case AUX_GIT:
		if (!strcmp(name, "index"))
			w->index = 1, w->any = 1;
		else if (!strcmp(name, "index.lock"))
			w->any = 1; /* git is at work: the debounce waits for it */
		break;
	case AUX_GITINFO:
		if (!strcmp(name, "exclude") && !w->o->walk.no_ignore)
			R->full = 1, w->any = 1;
		break;
	case AUX_CONFIG:
		if (!strcmp(name, a->name))
			w->reload = 1, w->any = 1;
		break;
	}
}

static void event(struct watch *w, const struct inotify_event *ev)
{
	if (ev->mask & IN_Q_OVERFLOW) {
		w->all_full = 1;
		w->any = 1;
		if (!w->warned_overflow) {
			sbuf_addstr(&w->warn, "walker: warning: the inotify event queue overflowed "
					      "(fs.inotify.max_queued_events): events were lost, so this cycle walks "
					      "the whole tree again (warm)\n");
			w->warned_overflow = 1;
		}
		return;
	}
	for (size_t i = 0; i < w->naux; i++)
		if (w->aux[i].wd == ev->wd)
			aux_event(w, &w->aux[i], ev);
	struct wdir *d = dir_by_wd(w, ev->wd);
	if (!d)
		return;              /* a directory forgotten since, or an auxiliary watch */
	if (ev->mask & IN_IGNORED) { /* the kernel dropped the watch: the directory is gone */
		pmap_del(&w->by_wd, wd_key(d->wd), d);
		d->wd = -1;
		if (!d->rellen)
			root_gone(w, d->root, "removed");
		return;
	}
	if (ev->mask & (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT)) {
		if (!d->rellen) /* the root: the others are seen in their parent */
			root_gone(w, d->root, ev->mask & IN_MOVE_SELF ? "moved" : "removed");
		return;
	}
	if (!ev->len)
		return;
	const char *name = ev->name;
	size_t nl = strlen(name);
	struct wroot *R = d->root;
	if (is_ignore_file(name) && !w->o->walk.no_ignore)
		redo_dir(w, d);
	else if (w->r->tools_used && rules_tool_of_name(name, nl))
		redo_dir(w, d);
	if (!d->rellen && !strcmp(name, RULES_CONFIG_NAME) && config_here(w, R))
		w->reload = 1, w->any = 1;
	struct sbuf p = SBUF_INIT;
	sbuf_add(&p, d->rel, d->rellen);
	sbuf_add(&p, name, nl);
	add_pending(w, R, p.buf, p.len);
	sbuf_release(&p);
}

/* Read every event waiting. Returns how many were read. */
static size_t gather(struct watch *w)
{
	char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
	size_t n = 0;
	for (;;) {
		ssize_t k = read(w->ifd, buf, sizeof(buf));
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		for (char *p = buf; p < buf + k;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			p += sizeof(*ev) + ev->len;
			event(w, ev);
			n++;
		}
	}
	return n;
}

/* ---- a cycle ---------------------------------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Has a root been removed, moved or replaced since the first walk? */
static void check_roots(struct watch *w)
{
	for (size_t i = 0; i < w->nroots && !w->gone; i++) {
		struct wroot *R = &w->roots[i];
		struct stat st;
		if (stat(R->real, &st)) /* not R->path: "." stays valid in a removed working directory */
			root_gone(w, R, "removed");
		else if (st.st_dev != R->dev || st.st_ino != R->ino)
			root_gone(w, R, "moved or replaced");
	}
}

/* The index's set of tracked paths changed: which files are ignored may have. */
static void check_index(struct watch *w)
{
	for (size_t i = 0; i < w->nroots; i++) {
		struct wroot *R = &w->roots[i];
		struct repo *rp = NULL;
		if (!R->gitdir || repo_open(&rp, R->real) || !rp)
			continue;
		uint64_t d = repo_tracked_digest(rp);
		repo_free(rp);
		if (d != R->tracked) {
			R->tracked = d;
			R->full = 1;
		}
	}
}

/* The cache keeps the entries of files deleted since the last full walk of R (a re-check cannot
 * drop them: a delta only adds); after STALE_MIN of them, or an eighth of R's files, R is walked
 * whole once, which saves the cache without them. So its size follows the tree, not history. */
static int stale(const struct watch *w, const struct wroot *R)
{
	if (R->gone < STALE_MIN)
		return 0;
	uint64_t n = 0;
	for (size_t i = 0; i < w->ndirs; i++)
		if (w->dirs[i]->root == R)
			n += w->dirs[i]->names.n;
	return R->gone > n / 8;
}

/* One cycle: the roots walked whole or the pending paths re-checked, the state updated, the
 * report. Returns 0, or -1 with err_msg() (a root gone, the output closed). */
static int cycle(struct watch *w, const struct watch_sink *sink)
{
	const struct opts *o = w->o;
	struct rules *old_rules = NULL;
	int status = 0;
	check_roots(w);
	if (w->gone)
		return -1;
	if (w->reload) {
		struct rules *nr;
		if (run_rules(o, &nr, &w->warn)) {
			sbuf_addf(&w->warn, "walker: warning: %s; the previous patterns stay in use\n", err_msg());
		} else if (!memcmp(nr->digest, w->r->digest, 16)) {
			rules_free(nr);
		} else {
			old_rules = w->r;
			w->r = nr;
			w->all_full = 1;
			for (size_t i = 0; i < w->nroots; i++) { /* the caches of the old rules' digest */
				cache_close(w->roots[i].cache);
				w->roots[i].cache = NULL;
				w->roots[i].cache_off = 0;
			}
			sbuf_addstr(&w->warn, "walker: the patterns changed: checking everything again\n");
		}
	}
	if (w->index)
		check_index(w);
	int any_full = 0;
	for (size_t i = 0; i < w->nroots; i++) {
		struct wroot *R = &w->roots[i];
		if (w->all_full || w->limited || w->cycle == 0 || stale(w, R))
			R->full = 1;
		any_full |= R->full;
	}

	/* the pending paths: sorted, those below another one dropped (it is walked whole) */
	if (w->npend > 1)
		qsort(w->pend, w->npend, sizeof(*w->pend), pend_cmp);
	pmap_clear(&w->pend_set);
	uint8_t *below = xcalloc(w->npend + 1, 1);
	for (size_t i = 0; i < w->npend; i++)
		below[i] = (uint8_t)below_pending(w, &w->pend[i]);
	size_t np = 0;
	for (size_t i = 0; i < w->npend; i++) {
		if (below[i])
			free(w->pend[i].path);
		else
			w->pend[np++] = w->pend[i];
	}
	free(below);
	w->npend = np;
	for (size_t i = 0; i < w->npend; i++)
		w->pend[i].was = known(w, w->pend[i].root, w->pend[i].path);

	/* forget what the cycle looks at again */
	uint8_t *del = xcalloc(w->st.n + 1, 1);
	for (size_t i = 0; i < w->nroots; i++) {
		struct wroot *R = &w->roots[i];
		if (!R->full)
			continue;
		w->gen++; /* every directory of R is entered again, or forgotten after the walk */
		for (size_t k = 0; k < w->ndirs; k++) {
			struct wdir *d = w->dirs[k];
			if (d->root != R)
				continue;
			pmap_del(&w->by_rel, rel_key(R, d->rel, d->rellen), d);
			w->nfiles -= d->names.n;
			hset_release(&d->names);
			d->rel[0] = '\0';
			d->rellen = 0;
			d->gen = 0;
		}
		for (size_t k = 0; k < w->st.n; k++)
			if (w->x[k].root == R->id)
				del[k] = 1;
	}
	struct sbuf rel = SBUF_INIT;
	for (size_t i = 0; i < w->npend; i++) {
		struct pending *p = &w->pend[i];
		struct wroot *R = p->root;
		if (R->full)
			continue;
		size_t len = strlen(p->path);
		const char *sl = strrchr(p->path, '/');
		size_t base = sl ? (size_t)(sl - p->path) + 1 : 0;
		struct wdir *pd = dir_by_rel(w, R, p->path, base);
		if (pd && hset_del(&pd->names, name_key(p->path + base, len - base)))
			w->nfiles--;
		sbuf_reset(&rel);
		sbuf_add(&rel, p->path, len);
		sbuf_addch(&rel, '/');
		drop_subtree(w, R, rel.buf, rel.len);
		sbuf_reset(&rel);
		sbuf_add(&rel, R->disp.buf, R->disp.len);
		sbuf_add(&rel, p->path, len);
		st_mark_path(w, del, rel.buf, rel.len);
	}

	/* walk */
	struct fresh *fr = NULL;
	size_t nfr = 0, afr = 0;
	int watch_failed = 0, watch_errno = 0;
	for (size_t i = 0; i < w->nroots && !status; i++) {
		struct wroot *R = &w->roots[i];
		struct walk_result res;
		int rc;
		if (R->full) {
			rc = walk_with_cache(w, R, NULL, 0, 1, &res);
			for (size_t k = w->ndirs; k-- > 0;) /* not entered this time: gone, or ignored now */
				if (w->dirs[k]->root == R && w->dirs[k]->gen != w->gen)
					drop_dir(w, w->dirs[k]);
		} else {
			size_t n = 0;
			char **paths = xmalloc((w->npend + 1) * sizeof(*paths));
			for (size_t k = 0; k < w->npend; k++)
				if (w->pend[k].root == R)
					paths[n++] = w->pend[k].path;
			rc = n ? walk_with_cache(w, R, paths, n, 0, &res) : 1;
			free(paths);
		}
		if (rc < 0) {
			err_set(ERR_IO, "unable to walk the watched directory '%s': %s", R->path, err_msg());
			status = -1;
			break;
		}
		if (rc > 0)
			continue;
		watch_failed |= w->watch_failed;
		if (w->watch_failed)
			watch_errno = w->watch_errno;
		report_warnings(&w->warn, w->r, &res);
		add_fresh(&fr, &nfr, &afr, &res, R->id);
	}
	sbuf_release(&rel);
	if (status) {
		for (size_t i = 0; i < nfr; i++) {
			free(fr[i].f.path);
			free(fr[i].f.m);
			free(fr[i].f.reason);
			free(fr[i].f.mods);
		}
		free(fr);
		free(del);
		if (old_rules)
			rules_free(old_rules);
		return status;
	}
	if (watch_failed) {
		w->limited = 1;
		if (!w->warned_limit) {
			sbuf_addf(&w->warn,
				  "walker: warning: unable to watch every directory (%s; see "
				  "fs.inotify.max_user_watches): every cycle walks the whole tree again (warm)\n",
				  strerror(watch_errno));
			w->warned_limit = 1;
		}
	} else if (any_full) {
		w->limited = 0; /* every directory is watched again */
	}

	/* the state: the files looked at again out, the fresh ones in */
	if (nfr > 1)
		qsort(fr, nfr, sizeof(*fr), cmp_fresh);
	struct cands cands = { NULL, 0, 0 };
	struct walk_result gone = { NULL, 0, 0, { 0 } };
	struct wx *gone_x = NULL;
	int touched_rust = 0, touched_mods = 0;
	for (size_t i = 0; i < w->st.n; i++)
		if (del[i]) {
			add_violations(&cands, &w->st.files[i], old_rules ? old_rules : w->r, 0);
			touched_rust |= w->st.files[i].lang == RL_RUST;
			touched_mods |= w->st.files[i].modslen > 0;
		}
	for (size_t i = 0; i < nfr; i++) {
		touched_rust |= fr[i].f.lang == RL_RUST;
		touched_mods |= fr[i].f.modslen > 0;
	}
	st_merge(w, del, fr, nfr, &gone, &gone_x);
	free(del);
	free(fr);

	/* Rust module declarations: marks from the whole state, when they may have changed */
	if (touched_mods || (touched_rust && w->nmods) || old_rules) {
		uint8_t *marks = xmalloc(w->st.n + 1);
		walk_module_marks(w->st.files, w->st.n, marks);
		for (size_t i = 0; i < w->st.n; i++) {
			if (marks[i] == w->x[i].marks)
				continue;
			if (!w->x[i].fresh)
				add_violations(&cands, &w->st.files[i], w->r, 0);
			rejudge(&w->st.files[i], &w->x[i], marks[i], w->r);
			if (!w->x[i].fresh)
				add_violations(&cands, &w->st.files[i], w->r, 1);
		}
		free(marks);
	}
	for (size_t i = 0; i < w->st.n; i++)
		if (w->x[i].fresh) {
			add_violations(&cands, &w->st.files[i], w->r, 1);
			w->x[i].fresh = 0;
		}

	/* the report */
	size_t nchanges = 0;
	struct report_change *changes = diff_violations(&cands, &nchanges);
	char **checked = xmalloc((w->npend + 1) * sizeof(*checked));
	size_t nchecked = 0;
	for (size_t i = 0; i < w->nroots; i++)
		if (w->roots[i].full)
			w->roots[i].gone = 0;
	for (size_t i = 0; i < w->npend; i++) {
		struct pending *p = &w->pend[i];
		int now = known(w, p->root, p->path);
		if (p->was && !now && !p->root->full)
			p->root->gone++;
		if (!p->was && !now)
			continue;
		struct sbuf d = SBUF_INIT;
		sbuf_add(&d, p->root->disp.buf, p->root->disp.len);
		sbuf_addstr(&d, p->path);
		checked[nchecked++] = sbuf_detach(&d, NULL);
	}
	if (nchecked > 1)
		qsort(checked, nchecked, sizeof(*checked), cmp_str);
	w->st.stats.files = w->nfiles;
	struct report_summary sum;
	report_summarize(w->r, &w->st, &sum);
	int same = w->have_sum && !old_rules && sum.violations == w->sum.violations &&
		   sum.over_threshold == w->sum.over_threshold && sum.allowed == w->sum.allowed &&
		   sum.in_tests == w->sum.in_tests && sum.counted == w->sum.counted && sum.skipped == w->sum.skipped &&
		   sum.unreadable == w->sum.unreadable && sum.limited == w->sum.limited &&
		   w->nfiles == w->shown_files && !memcmp(sum.source, w->sum.source, w->r->n * sizeof(uint64_t)) &&
		   !memcmp(sum.test, w->sum.test, w->r->n * sizeof(uint64_t));
	int show = w->cycle == 0 || nchecked || nchanges || !same;
	sbuf_reset(&w->out);
	if (show && w->cycle == 0 && o->format == OPTS_TEXT) {
		struct report_opts ro = o->report;
		ro.color = w->color;
		ro.stats = 0;
		report_text(&w->out, w->r, &w->st, &sum, &ro);
	} else if (show) {
		struct report_cycle cy = { w->cycle,
					   any_full,
					   checked,
					   nchecked,
					   changes,
					   nchanges,
					   w->have_sum && !old_rules ? &w->sum : NULL };
		struct report_opts ro = o->report;
		ro.color = w->color;
		if (o->format == OPTS_JSON)
			report_json_cycle(&w->out, w->r, &w->st, &sum, &cy);
		else
			report_text_cycle(&w->out, w->r, &w->st, &sum, &cy, &ro);
	}
	if (w->warn.len && sink->warn)
		sink->warn(sink->ctx, w->warn.buf, w->warn.len);
	sbuf_reset(&w->warn);
	if (show && sink->report(sink->ctx, w->out.buf, w->out.len)) {
		err_set(ERR_IO, "unable to write the report");
		status = -1;
	}
	if (show)
		w->cycle++;
	w->shown_files = w->nfiles;
	if (w->have_sum)
		report_summary_release(&w->sum);
	w->sum = sum;
	w->have_sum = 1;
	for (size_t i = 0; i < nchecked; i++)
		free(checked[i]);
	free(checked);
	free(changes);
	free(cands.v);
	for (size_t i = 0; i < gone.n; i++)
		wx_release(&gone_x[i]);
	free(gone_x);
	walk_result_release(&gone);
	if (old_rules)
		rules_free(old_rules);
	return status;
}

/* ---- set-up ----------------------------------------------------------------------------------- */

static void add_aux(struct watch *w, struct wroot *R, int kind, const char *dir, const char *name)
{
	/* the root's parent: only the root's own removal or rename (not every file written there) */
	uint32_t mask = kind == AUX_PARENT ? IN_DELETE | IN_MOVED_FROM | IN_ONLYDIR : w->mask;
	int wd = inotify_add_watch(w->ifd, dir, mask | IN_DONT_FOLLOW | IN_MASK_ADD);
	if (wd < 0)
		return; /* not watched: documented in docs/watch.md (limits) */
	ALLOC_GROW(w->aux, w->naux + 1, w->aaux);
	struct aux *a = &w->aux[w->naux++];
	a->wd = wd;
	a->kind = kind;
	a->root = R;
	a->name = name ? xstrdup(name) : NULL;
}

/* The directories above R up to its repository's top, its .git directory, the --config file. */
static void watch_around(struct watch *w, struct wroot *R)
{
	struct sbuf top = SBUF_INIT, p = SBUF_INIT;
	int in_repo = repo_find_top(R->real, &top);
	const char *last = strrchr(R->real, '/');
	if (last && last[1] && (!in_repo || top.len > strlen(R->real))) {
		/* no AUX_UP for the parent: its own watch tells when the root is removed or renamed
		 * (the root's IN_DELETE_SELF waits for the last reference, such as a working directory) */
		sbuf_add(&p, R->real, last == R->real ? 1 : (size_t)(last - R->real));
		add_aux(w, R, AUX_PARENT, p.buf, last + 1);
	}
	if (!w->o->walk.no_ignore || config_here(w, R)) {
		if (in_repo) {
			/* from the top down to the root's parent: each with the name of the next step */
			size_t rl = strlen(R->real), pos = top.len - 1;
			while (pos < rl) {
				const char *next = R->real + pos + 1;
				const char *sl = strchr(next, '/');
				size_t nl = sl ? (size_t)(sl - next) : strlen(next);
				sbuf_reset(&p);
				sbuf_add(&p, R->real, pos ? pos : 1);
				char *nm = xmemdup(next, nl);
				add_aux(w, R, AUX_UP, p.buf, nm);
				free(nm);
				pos += 1 + nl;
			}
			sbuf_reset(&p);
			sbuf_addf(&p, "%s.git", top.buf);
			struct stat st;
			if (lstat(p.buf, &st) == 0 && S_ISDIR(st.st_mode)) {
				R->gitdir = xstrdup(p.buf);
				add_aux(w, R, AUX_GIT, p.buf, NULL);
				sbuf_addstr(&p, "/info");
				add_aux(w, R, AUX_GITINFO, p.buf, NULL);
			}
		}
	}
	if (w->o->config && R->id == 0) {
		char *dup = xstrdup(w->o->config);
		char *sl = strrchr(dup, '/');
		const char *dir = sl ? (sl == dup ? "/" : dup) : ".";
		const char *name = sl ? sl + 1 : dup;
		if (sl)
			*sl = '\0';
		add_aux(w, R, AUX_CONFIG, dir, name);
		free(dup);
	}
	sbuf_release(&top);
	sbuf_release(&p);
}

int watch_new(struct watch **out, const struct opts *o)
{
	*out = NULL;
	if (o->changed_since)
		return err_set(ERR_USAGE, "--watch cannot be combined with --changed-since");
	if (o->walk.shard_count)
		return err_set(ERR_USAGE, "--watch cannot be combined with --shard");
	if (o->walk.list_files)
		return err_set(ERR_USAGE, "--watch cannot be combined with --files");
	if (o->walk.follow)
		return err_set(ERR_USAGE, "--watch cannot be combined with --follow");
	if (o->format != OPTS_TEXT && o->format != OPTS_JSON)
		return err_set(ERR_USAGE, "--watch prints text or json (JSON Lines), not github or sarif");
	if (o->cache_file && o->npaths > 1)
		return err_set(ERR_USAGE, "--cache %s: one cache file cannot serve several roots; name one root",
			       o->cache_file);
	struct watch *w = xcalloc(1, sizeof(*w));
	w->o = o;
	w->ifd = -1;
	pthread_mutex_init(&w->lock, NULL);
	w->warn = (struct sbuf)SBUF_INIT;
	w->out = (struct sbuf)SBUF_INIT;
	w->roots = xcalloc((size_t)o->npaths, sizeof(*w->roots));
	int rc = 0;
	for (int i = 0; i < o->npaths && !rc; i++) {
		struct wroot *R = &w->roots[i];
		struct stat st;
		R->w = w;
		R->id = (unsigned)i;
		R->path = o->paths[i];
		R->disp = (struct sbuf)SBUF_INIT;
		R->self = (struct run_self)RUN_SELF_INIT;
		w->nroots++;
		if (stat(R->path, &st) || !S_ISDIR(st.st_mode) || !(R->real = realpath(R->path, NULL))) {
			rc = err_set(ERR_USAGE, "--watch: '%s' is not a directory", R->path);
			break;
		}
		R->dev = st.st_dev;
		R->ino = st.st_ino;
		for (int k = 0; k < i && !rc; k++) { /* each directory once: a file in two roots would be
							* two files to one watch */
			const char *a = w->roots[k].real, *b = R->real;
			size_t la = strlen(a), lb = strlen(b), l = la < lb ? la : lb;
			if (!memcmp(a, b, l) &&
			    (la == lb || (la < lb ? b[la] == '/' || la == 1 : a[lb] == '/' || lb == 1)))
				rc = err_set(ERR_USAGE, "--watch: '%s' and '%s' overlap; name each directory once",
					     w->roots[k].path, R->path);
		}
		if (strcmp(R->path, ".") && strcmp(R->path, "./")) {
			sbuf_addstr(&R->disp, R->path);
			if (R->disp.buf[R->disp.len - 1] != '/')
				sbuf_addch(&R->disp, '/');
		}
		R->wo = o->walk;
		R->wo.unsorted = 0;
		R->wo.raw_modules = 1;
		R->hooks.ctx = R;
		R->hooks.dir = hook_dir;
		R->hooks.file = hook_file;
		R->wo.hooks = &R->hooks;
		run_self_find(&R->wo, R->real, o->cache_file, &R->self);
	}
	if (!rc && run_rules(o, &w->r, &w->warn))
		rc = -1;
	if (!rc) {
		w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (w->ifd < 0)
			rc = err_errno("unable to watch: inotify_init1");
	}
	if (rc) {
		watch_free(w);
		return rc < 0 ? rc : ERR_GENERIC;
	}
	w->mask = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY | IN_ATTRIB |
		  IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK;
	w->color = o->color < 0 ? isatty(1) && !getenv("NO_COLOR") : o->color;
	*out = w;
	return 0;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	while (w->ndirs)
		drop_dir(w, w->dirs[w->ndirs - 1]);
	free(w->dirs);
	pmap_clear(&w->by_wd);
	pmap_clear(&w->by_rel);
	for (size_t i = 0; i < w->naux; i++)
		free(w->aux[i].name);
	free(w->aux);
	for (size_t i = 0; i < w->st.n; i++)
		wx_release(&w->x[i]);
	free(w->x);
	walk_result_release(&w->st);
	if (w->have_sum)
		report_summary_release(&w->sum);
	for (size_t i = 0; i < w->npend; i++)
		free(w->pend[i].path);
	free(w->pend);
	pmap_clear(&w->pend_set);
	for (size_t i = 0; i < w->nroots; i++) {
		struct wroot *R = &w->roots[i];
		cache_close(R->cache);
		free(R->real);
		free(R->gitdir);
		sbuf_release(&R->disp);
		run_self_release(&R->self);
	}
	free(w->roots);
	if (w->ifd >= 0)
		close(w->ifd);
	rules_free(w->r);
	sbuf_release(&w->warn);
	sbuf_release(&w->out);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

/* ---- the loop --------------------------------------------------------------------------------- */

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Is git at work on a repository of the roots (its index.lock is there)? */
static int git_busy(const struct watch *w)
{
	struct sbuf p = SBUF_INIT;
	int busy = 0;
	for (size_t i = 0; i < w->nroots && !busy; i++) {
		if (!w->roots[i].gitdir)
			continue;
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/index.lock", w->roots[i].gitdir);
		busy = access(p.buf, F_OK) == 0;
	}
	sbuf_release(&p);
	return busy;
}

/* Wait on the events and the signals for at most ms (-1: no limit). Returns 1 for a signal. */
static int wait_for(struct watch *w, int sfd, int ms)
{
	struct pollfd pf[2] = { { w->ifd, POLLIN, 0 }, { sfd, POLLIN, 0 } };
	int k;
	do
		k = poll(pf, 2, ms);
	while (k < 0 && errno == EINTR);
	if (k <= 0 || !(pf[1].revents & POLLIN))
		return 0;
	struct signalfd_siginfo si; /* taken, or it would kill us once the old mask is back */
	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		;
	return 1;
}

int watch_run(struct watch *w, const struct watch_sink *sink)
{
	sigset_t block, old;
	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGTERM);
	/* a shell starts a background job with SIGINT ignored, and an ignored signal never reaches
	 * the signalfd: the watcher is stopped by SIGINT and SIGTERM however it was started, by SIGHUP
	 * unless that is ignored (nohup) */
	struct sigaction dfl, was;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	sigaction(SIGINT, &dfl, NULL);
	sigaction(SIGTERM, &dfl, NULL);
	if (sigaction(SIGHUP, NULL, &was) == 0 && was.sa_handler != SIG_IGN)
		sigaddset(&block, SIGHUP);
	/* blocked before any walk starts its threads: they inherit it, and a signal waits for the end
	 * of the cycle (the cache saved) */
	pthread_sigmask(SIG_BLOCK, &block, &old);
	int sfd = signalfd(-1, &block, SFD_CLOEXEC | SFD_NONBLOCK);
	if (sfd < 0) {
		int rc = err_errno("unable to watch: signalfd");
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		return rc;
	}
	for (size_t i = 0; i < w->nroots; i++) {
		struct wroot *R = &w->roots[i];
		watch_around(w, R);
		if (R->gitdir) {
			struct repo *rp = NULL;
			if (!repo_open(&rp, R->real) && rp) {
				R->tracked = repo_tracked_digest(rp);
				repo_free(rp);
			}
		}
	}
	int status = cycle(w, sink) ? 2 : 0; /* the first run: every root whole */
	clear_pending(w);
	int debounce = (int)w->o->debounce_ms;
	int cap = debounce * 20 > CAP_MS ? debounce * 20 : CAP_MS;
	while (!status) {
		int poll_ms = w->limited ? (debounce > POLL_MS ? debounce : POLL_MS) : -1;
		int64_t start = now_ms();
		if (wait_for(w, sfd, poll_ms))
			break;
		gather(w);
		if (w->limited && now_ms() - start >= poll_ms)
			w->any = 1; /* time for the full walk */
		if (!w->any)
			continue;
		/* the debounce: until the events stop for a while (and git has let go of its index) */
		int64_t first = now_ms(), last = first;
		int stop = 0;
		while (!w->gone) {
			int64_t now = now_ms();
			int busy = git_busy(w);
			int quiet = now - last >= debounce;
			if ((quiet && !busy) || now - first >= (busy ? GIT_HOLD_MS : cap))
				break;
			int64_t left = busy ? 20 : debounce - (now - last);
			int64_t capleft = (busy ? GIT_HOLD_MS : cap) - (now - first);
			if (left > capleft)
				left = capleft;
			if (wait_for(w, sfd, (int)(left > 0 ? left : 0))) {
				stop = 1;
				break;
			}
			if (gather(w))
				last = now_ms();
		}
		if (stop)
			break;
		if (cycle(w, sink))
			status = 2;
		clear_pending(w);
	}
	close(sfd);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return status;
}
