/* walk: adaptive parallel directory walk with git's ignore rules, file reading
 * and scanning. */
#include "walk.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>
#include <linux/openat2.h>

#include "bytes.h"
#include "cache.h"
#include "changes.h"
#include "err.h"
#include "ignore.h"
#include "repo.h"
#include "rust.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

#define BATCH 128            /* files per stealable batch */
#define BIG_FILE (1u << 20)  /* a file this large is work enough to share the rest of its batch */
#define BIG_UNIT (64u << 10) /* ... and it weighs one pending file per this many bytes */
/* --mmap-min's default: a big file is mapped, as reading it into fresh 4 KiB pages costs more,
 * unless the kernel lends huge pages: read into those, it is cheaper to fault in and to walk
 * (fewer TLB misses) than the file's mapped pages, up to a size past which the page cache,
 * which the kernel can reclaim, is the better home (docs/walker.md, "Reading") */
#define MAP_MIN (1u << 20)
#define MAP_MIN_HUGE ((uint64_t)64 << 20)
#define READ_FIRST (64 << 10) /* first read(2); a file that fits needs no fstat */
#define DENTS_BUF (32 << 10)
#define STEAL_MAX 64
#define DIR_WEIGHT 16 /* a pending directory counts as this many pending files */

static_assert(WF_OK == 0 && WF_BINARY == 1 && WF_TOO_LARGE == 2 && WF_LIMIT == 3,
	      "the cache stores these four statuses as 0..3 (cache.c)");

struct fent {
	uint32_t name_off;
	uint16_t name_len;
	uint8_t type; /* DT_* */
	uint8_t lang, test;
	uint8_t tools;  /* rules_tool bits configured for its directory */
	uint8_t shadow; /* --shard: a Rust file of another shard, read only for the modules it declares */
};

struct dnode {
	struct dnode *parent;
	atomic_int refs;
	atomic_int fd_users;
	int fd;
	char *rel; /* relative to the ignore root, ending in '/' ("" for the ignore
                root itself); freed with the descriptor once nothing lists the
                directory any more, so a deep chain of open nodes holds one path, not
                one per level (memory linear in depth) */
	size_t rellen;
	size_t name_off;         /* rel[name_off .. rellen - 1) is this directory's name */
	struct ign_list *ign[2]; /* .ignore, .gitignore */
	int excluded;            /* ignored, entered only for the tracked files below it */
	int via_link;            /* reached through a followed symlink */
	int nested;              /* in another repository (a submodule, a clone inside): not this one's */
	unsigned depth;
	/* the nearest node at or above this one with an ignore list: matching skips the others */
	const struct dnode *ign_up;
	dev_t dev;
	ino_t ino;
	unsigned tools; /* rules_tool bits configured here or above (eslint.config.js, biome.json ...) */
	char *names;    /* the listing's file names while batches are pending */
	struct fent *files;
};

struct item {
	struct dnode *d;
	uint32_t start, count; /* count == 0: read directory d */
};

struct walk;

/* An ignored entry waiting for the index: git keeps it if it is tracked (or holds tracked files). */
struct deferred {
	struct dnode *d;
	char *name;
	size_t nlen;
	int is_dir, via_link;
	uint8_t lang, test, tools;
};

struct worker {
	struct walk *w;
	int id;
	pthread_t th;
	pthread_mutex_t lock;
	struct item *q;
	size_t head, len, alloc;
	atomic_size_t avail;
	size_t weight; /* pending work in the deque, in files (auto mode, before
                    workers start) */
	struct scan_ctx *sc;
	struct scan_result res;
	char *buf;
	size_t bufcap;
	char *dents;
	struct sbuf path;
	struct sbuf names;
	struct fent *ents;
	size_t nents, aents;
	struct walk_file *out;
	size_t nout, aout;
	size_t chint;           /* cache_find's cursor */
	struct cache_rec *crec; /* new and changed cache entries */
	size_t ncrec, acrec;
	struct walk_stats st;
	uint16_t idx[RULES_MAX_PATTERNS];
	int in_shadow; /* handling another shard's file (fent.shadow): what it adds is dropped */
	/* the batch do_files is in: a big file hands the rest of it to other threads */
	struct dnode *batch_d;
	uint32_t batch_next, batch_end;
};

struct walk {
	const struct walk_opts *o;
	const struct rules *r;
	struct repo *repo;
	uint64_t mmap_min;    /* o->mmap_min, or the default for this machine */
	uint64_t spawn_after; /* auto mode: no workers before this moment (now_ns) */
	const struct ign_list *global[2];
	int icase;
	struct worker *wk;
	int nwk;
	atomic_int nstarted;
	atomic_long pending;
	atomic_int sleepers;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	struct sbuf disp;  /* display prefix: "" or "given/" */
	size_t prefix_len; /* length of the walk root's rel */
	int rootfd;
	dev_t rootdev;
	atomic_int fds_open;
	int fd_budget;
	/* the run's regex time budget, shared by the workers */
	struct scan_budget *budget;
	struct deferred *def; /* under lock */
	size_t ndef, adef;
	atomic_size_t ndef_hint;
};

static _Thread_local sigjmp_buf *bus_jmp;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	scan_sigbus(); /* first: a big file read in parts (ends that part) */
	repo_sigbus(); /* the git index, mapped while it is read */
	if (bus_jmp)
		siglongjmp(*bus_jmp, 1);
	signal(sig, SIG_DFL);
	raise(sig);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *walk_status_name(int status)
{
	static const char *const names[] = { "ok",           "binary",    "too large", "match limit",
					     "special file", "link loop", "unreadable" };
	return status >= 0 && status <= WF_UNREADABLE ? names[status] : "?";
}

/* ---- nodes ----------------------------------------------------------------------------------- */

static void node_unref(struct walk *w, struct dnode *d)
{
	while (d && atomic_fetch_sub_explicit(&d->refs, 1, memory_order_acq_rel) == 1) {
		struct dnode *p = d->parent;
		if (d->fd >= 0) {
			close(d->fd);
			atomic_fetch_sub(&w->fds_open, 1);
		}
		ign_list_free(d->ign[0]);
		ign_list_free(d->ign[1]);
		free(d->rel);
		free(d->names);
		free(d->files);
		free(d);
		d = p;
	}
}

/* The last user of d's listing is done: its descriptor, names and path go (its children have
 * their own paths; its ignore lists stay for them). */
static void fd_release(struct walk *w, struct dnode *d)
{
	if (atomic_fetch_sub_explicit(&d->fd_users, 1, memory_order_acq_rel) == 1) {
		if (d->fd >= 0) {
			close(d->fd);
			d->fd = -1;
			atomic_fetch_sub(&w->fds_open, 1);
		}
		free(d->names);
		free(d->files);
		free(d->rel);
		d->names = NULL;
		d->files = NULL;
		d->rel = NULL;
	}
}

static struct dnode *node_new(struct dnode *parent, const char *rel, size_t rellen, size_t name_off)
{
	struct dnode *d = xcalloc(1, sizeof(*d));
	d->parent = parent;
	if (parent)
		atomic_fetch_add(&parent->refs, 1);
	atomic_init(&d->refs, 1);
	atomic_init(&d->fd_users, 0);
	d->fd = -1;
	d->rel = xmemdup(rel, rellen);
	d->rellen = rellen;
	d->name_off = name_off;
	d->depth = parent ? parent->depth + 1 : 0;
	d->tools = parent ? parent->tools : 0;
	d->nested = parent ? parent->nested : 0;
	d->ign_up = parent ? parent->ign_up : NULL;
	return d;
}

/* Call after reading d's ignore files. */
static void node_set_ignores(struct dnode *d)
{
	if (d->ign[0] || d->ign[1])
		d->ign_up = d;
}

/* ---- deques ---------------------------------------------------------------------------------- */

static size_t item_weight(const struct item *it)
{
	return it->count ? it->count : DIR_WEIGHT;
}

static void push(struct worker *me, const struct item *it)
{
	struct walk *w = me->w;
	atomic_fetch_add(&w->pending, 1);
	pthread_mutex_lock(&me->lock);
	if (me->len == me->alloc && me->head) {
		memmove(me->q, me->q + me->head, (me->len - me->head) * sizeof(*me->q));
		me->len -= me->head;
		me->head = 0;
	}
	ALLOC_GROW(me->q, me->len + 1, me->alloc);
	me->q[me->len++] = *it;
	atomic_store_explicit(&me->avail, me->len - me->head, memory_order_release);
	pthread_mutex_unlock(&me->lock);
	me->weight += item_weight(it);
	if (atomic_load(&w->sleepers) > 0) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
}

static int pop(struct worker *me, struct item *it)
{
	if (!atomic_load_explicit(&me->avail, memory_order_acquire))
		return 0;
	int got = 0;
	pthread_mutex_lock(&me->lock);
	if (me->len > me->head) {
		*it = me->q[--me->len];
		if (me->len == me->head)
			me->len = me->head = 0;
		atomic_store_explicit(&me->avail, me->len - me->head, memory_order_release);
		got = 1;
	}
	pthread_mutex_unlock(&me->lock);
	if (got)
		me->weight = me->weight > item_weight(it) ? me->weight - item_weight(it) : 0;
	return got;
}

/* Take the older half of a victim's deque (the biggest subtrees); keep the
 * first, queue the rest. */
static int steal(struct worker *me, struct item *it)
{
	struct walk *w = me->w;
	int n = atomic_load(&w->nstarted);
	for (int k = 1; k < n; k++) {
		struct worker *v = &w->wk[(me->id + k) % n];
		if (!atomic_load_explicit(&v->avail, memory_order_acquire))
			continue;
		struct item got[STEAL_MAX];
		size_t ng = 0;
		pthread_mutex_lock(&v->lock);
		size_t avail = v->len - v->head;
		if (avail) {
			ng = (avail + 1) / 2;
			if (ng > STEAL_MAX)
				ng = STEAL_MAX;
			memcpy(got, v->q + v->head, ng * sizeof(*got));
			v->head += ng;
			if (v->head == v->len)
				v->head = v->len = 0;
			atomic_store_explicit(&v->avail, v->len - v->head, memory_order_release);
		}
		pthread_mutex_unlock(&v->lock);
		if (!ng)
			continue;
		*it = got[0];
		if (ng > 1) {
			pthread_mutex_lock(&me->lock);
			ALLOC_GROW(me->q, me->len + ng - 1, me->alloc);
			memcpy(me->q + me->len, got + 1, (ng - 1) * sizeof(*got));
			me->len += ng - 1;
			atomic_store_explicit(&me->avail, me->len - me->head, memory_order_release);
			pthread_mutex_unlock(&me->lock);
			if (atomic_load(&w->sleepers) > 0) {
				pthread_mutex_lock(&w->lock);
				pthread_cond_signal(&w->cond);
				pthread_mutex_unlock(&w->lock);
			}
		}
		return 1;
	}
	return 0;
}

static int any_avail(struct walk *w)
{
	int n = atomic_load(&w->nstarted);
	for (int k = 0; k < n; k++)
		if (atomic_load_explicit(&w->wk[k].avail, memory_order_acquire))
			return 1;
	return 0;
}

/* ---- reporting ------------------------------------------------------------------------------- */

static struct walk_file *add_out(struct worker *me, const struct dnode *d, const char *name, size_t nlen)
{
	struct walk *w = me->w;
	ALLOC_GROW(me->out, me->nout + 1, me->aout);
	struct walk_file *f = &me->out[me->nout++];
	memset(f, 0, sizeof(*f));
	struct sbuf p = SBUF_INIT;
	sbuf_add(&p, w->disp.buf, w->disp.len);
	if (d) {
		size_t from = d->rellen < w->prefix_len ? d->rellen : w->prefix_len;
		sbuf_add(&p, d->rel + from, d->rellen - from);
	}
	sbuf_add(&p, name, nlen);
	f->path = sbuf_detach(&p, &f->pathlen);
	f->shadow = me->in_shadow; /* another shard's: dropped once its modules have served */
	return f;
}

/* --shard: whether a file (rel: its path relative to the ignore root) is this run's to scan, by the
 * XXH3-64 of its path relative to the walk root: the same split on every machine. */
static int in_shard(const struct walk *w, const char *rel, size_t len)
{
	const struct walk_opts *o = w->o;
	if (!o->shard_count)
		return 1;
	size_t skip = w->prefix_len <= len ? w->prefix_len : 0;
	return XXH3_64bits(rel + skip, len - skip) % o->shard_count == o->shard_index;
}

static void report_errno(struct worker *me, const struct dnode *d, const char *name, size_t nlen, int is_dir,
			 const char *what, int e)
{
	struct walk_file *f = add_out(me, d, name, nlen);
	f->status = WF_UNREADABLE;
	f->is_dir = is_dir;
	struct sbuf r = SBUF_INIT;
	sbuf_addf(&r, "%s: %s", what, strerror(e));
	f->reason = sbuf_detach(&r, NULL);
	me->st.unreadable++;
}

/* An entry for directory d itself: its own path, so that its parent's (freed once listed) is
 * not needed. */
static struct walk_file *add_out_dir(struct worker *me, const struct dnode *d)
{
	struct walk *w = me->w;
	size_t from = d->rellen < w->prefix_len ? d->rellen : w->prefix_len;
	size_t end = d->rellen > from && d->rel[d->rellen - 1] == '/' ? d->rellen - 1 : d->rellen;
	struct walk_file *f = add_out(me, NULL, d->rel + from, end - from);
	f->is_dir = 1;
	return f;
}

static void report_dir_errno(struct worker *me, const struct dnode *d, const char *what, int e)
{
	struct walk_file *f = add_out_dir(me, d);
	f->status = WF_UNREADABLE;
	struct sbuf r = SBUF_INIT;
	sbuf_addf(&r, "%s: %s", what, strerror(e));
	f->reason = sbuf_detach(&r, NULL);
	me->st.unreadable++;
}

/* ---- files ----------------------------------------------------------------------------------- */

static void grow_buf(struct worker *me, size_t need)
{
	if (need <= me->bufcap)
		return;
	size_t cap = me->bufcap ? me->bufcap : READ_FIRST;
	while (cap < need)
		cap *= 2;
	free(me->buf);
	me->buf = xmalloc(cap);
	me->bufcap = cap;
}

static void record(struct worker *me, const struct dnode *d, const char *name, size_t nlen, const struct fent *fe,
		   int status)
{
	if (status == WF_BINARY)
		me->st.skipped_binary++;
	else if (status == WF_TOO_LARGE)
		me->st.skipped_large++;
	if (status == WF_OK && !me->res.n && !me->res.mods.len)
		return;
	if (me->in_shadow && !me->res.mods.len)
		return;
	struct walk_file *f = add_out(me, d, name, nlen);
	if (me->in_shadow) { /* the modules it declares, for mark_test_modules; its results are another shard's */
		f->lang = fe->lang;
		f->mods = xmemdup(me->res.mods.buf, me->res.mods.len);
		f->modslen = me->res.mods.len;
		return;
	}
	f->status = status;
	f->lang = fe->lang;
	f->test = fe->test;
	if (me->res.n) {
		f->m = xmalloc(me->res.n * sizeof(*me->res.m));
		memcpy(f->m, me->res.m, me->res.n * sizeof(*me->res.m));
		f->n = me->res.n;
	}
	f->limit_pat = me->res.limit_pat;
	f->limit_line = me->res.limit_line;
	if (me->res.mods.len) {
		f->mods = xmemdup(me->res.mods.buf, me->res.mods.len);
		f->modslen = me->res.mods.len;
	}
}

/* Scan buf and record the outcome: matches, binary, or a pattern over its match limit. Returns the
 * status recorded. */
static int scan_now(struct worker *me, const struct dnode *d, const char *name, size_t nlen, const char *buf,
		    size_t len, const struct fent *fe, size_t nidx)
{
	const struct walk_opts *o = me->w->o;
	struct rules_class c = { fe->lang, fe->test, fe->tools };
	uint64_t t0 = o->timing ? now_ns() : 0;
	scan_buffer(me->sc, me->w->r, buf, len, &c, me->idx, nidx, &me->res);
	if (o->timing)
		me->st.ns_match += now_ns() - t0;
	me->st.bytes += len;
	me->st.files_scanned++;
	int status = me->res.status == SS_BINARY ? WF_BINARY : me->res.status == SS_LIMIT ? WF_LIMIT : WF_OK;
	record(me, d, name, nlen, fe, status);
	return status;
}

static ssize_t read_retry(int fd, char *buf, size_t n)
{
	ssize_t k;
	do
		k = read(fd, buf, n);
	while (k < 0 && errno == EINTR);
	return k;
}

/* What the cache knows about the file being handled. */
struct cfile {
	const struct cache_entry *e;
	struct stat st;
	const char *key;
	size_t keylen;
	int on; /* the file is cached: st is valid */
};

/* Store the outcome now in me->res (status) as a cache record. */
static void cache_record(struct worker *me, const struct cfile *cf, const struct fent *fe, int status,
			 const uint8_t *hash)
{
	struct cache_rec *r;
	ALLOC_GROW(me->crec, me->ncrec + 1, me->acrec);
	r = &me->crec[me->ncrec++];
	memset(r, 0, sizeof(*r));
	r->key = xmemdup(cf->key, cf->keylen);
	r->keylen = cf->keylen;
	cache_stat_of(&r->st, &cf->st);
	if (hash) {
		memcpy(r->hash, hash, 16);
		r->has_hash = 1;
	}
	r->status = (uint8_t)status;
	r->lang = fe->lang;
	r->test = (uint8_t)(fe->test | fe->tools << 1); /* the class the result was judged in */
	r->limit_pat = me->res.limit_pat;
	r->limit_line = me->res.limit_line;
	if (me->res.n) {
		r->m = xmalloc(me->res.n * sizeof(*r->m));
		memcpy(r->m, me->res.m, me->res.n * sizeof(*r->m));
		r->n = (uint32_t)me->res.n;
	}
	if (me->res.mods.len) {
		r->mods = xmemdup(me->res.mods.buf, me->res.mods.len);
		r->modslen = me->res.mods.len;
	}
	cache_replaced(me->w->o->cache, cf->e);
}

/* Report a result taken from the cache as if the file had been scanned; returns its status. */
static int reuse(struct worker *me, const struct dnode *d, const char *name, size_t nlen, const struct fent *fe,
		 const struct cache_entry *e)
{
	int status = cache_result(me->w->o->cache, e, &me->res);
	/* scanned as far as the result goes: a warm run's counts, and so its exit status, equal a
	 * cold run's (a file over the size limit is never scanned, cached or not) */
	if (status != WF_TOO_LARGE)
		me->st.files_scanned++;
	record(me, d, name, nlen, fe, status);
	return status;
}

/* The bytes of a file are at hand: reuse the cached result when they are the same, else scan. */
static void content(struct worker *me, const struct dnode *d, const char *name, size_t nlen, const char *buf,
		    size_t len, const struct fent *fe, size_t nidx, const struct cfile *cf)
{
	if (!cf->on) {
		scan_now(me, d, name, nlen, buf, len, fe, nidx);
		return;
	}
	uint8_t h[16];
	cache_hash(buf, len, h);
	if (cf->e && cache_same_content(cf->e, h)) {
		int same = cache_same_stat(cf->e, &cf->st);
		if (same)
			me->st.cache_racy++;
		else
			me->st.cache_hits_hash++;
		int status = reuse(me, d, name, nlen, fe, cf->e);
		if (same && !cache_settled(me->w->o->cache, &cf->st))
			cache_seen(me->w->o->cache, cf->e); /* still racy: keep it as it is */
		else
			cache_record(me, cf, fe, status, h);
		return;
	}
	me->st.cache_misses++;
	int status = scan_now(me, d, name, nlen, buf, len, fe, nidx);
	if (!me->res.timed) /* a time budget's verdict depends on the machine: looked at again next run */
		cache_record(me, cf, fe, status, h);
}

static void start_workers(struct walk *w);

/* A big file is at hand (size bytes): the files after it in the batch become an item other threads
 * can take, and in auto mode its bytes count as pending work, so that a few big files bring the
 * workers in at once rather than after the walk (docs/walker.md, "Threads"). */
static void big_file(struct worker *me, uint64_t size)
{
	struct walk *w = me->w;
	if (w->nwk < 2 || w->o->mode == WM_SEQUENTIAL || size < BIG_FILE)
		return;
	struct dnode *d = me->batch_d;
	if (d && me->batch_next < me->batch_end) {
		atomic_fetch_add(&d->refs, 1);
		atomic_fetch_add(&d->fd_users, 1);
		struct item it = { d, me->batch_next, me->batch_end - me->batch_next };
		push(me, &it);
		me->batch_end = me->batch_next;
	}
	me->weight += (size_t)(size / BIG_UNIT);
	if (w->o->mode == WM_AUTO && me->id == 0 && atomic_load(&w->nstarted) == 1 && any_avail(w))
		start_workers(w); /* a megabyte scans longer than the spawn delay: no need to wait for it */
}

/* An extensionless file whose first line names an interpreter ("#!/bin/sh", "#!/usr/bin/env
 * python3") takes that language: its class and the patterns that apply change. Returns the
 * number of patterns (0: nothing to scan). */
static size_t retarget(struct worker *me, struct fent *fe, const char *buf, size_t len, const char *relpath,
		       size_t rellen, size_t base_off)
{
	int lang = rules_lang_of_shebang(buf, len);
	if (lang == RL_OTHER)
		return rules_applicable(me->w->r, relpath, rellen, base_off,
					&(struct rules_class){ fe->lang, fe->test, fe->tools }, me->idx);
	fe->lang = (uint8_t)lang;
	return rules_applicable(me->w->r, relpath, rellen, base_off,
				&(struct rules_class){ fe->lang, fe->test, fe->tools }, me->idx);
}

/* Open, read or map, and scan one file whose name is in the directory d (fd
 * dfd). With a cache, one fstatat first: an unchanged file is not opened. */
static void do_file(struct worker *me, const struct dnode *d, int dfd, const char *name, size_t nlen,
		    const struct fent *fe_in, const char *relpath, size_t rellen, size_t base_off)
{
	struct fent fx = *fe_in; /* a script's language comes from its first line */
	const struct fent *const fe = &fx;
	struct walk *w = me->w;
	const struct walk_opts *o = w->o;
	const struct rules *r = w->r;
	struct rules_class c = { fe->lang, fe->test, fe->tools };
	if (o->list_files && o->changes) { /* judged by its stat data; listed, if at all, by the caller */
		struct stat cst;
		/* a submodule's or nested clone's files: git status names the directory, not them (a
		 * submodule is compared by its commit, which --changed-since leaves out) */
		if (d && !d->nested && fstatat(dfd, name, &cst, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(cst.st_mode))
			chg_judge(o->changes, w->repo, relpath, rellen, &cst, fe->tools);
		return;
	}
	if (o->list_files) {
		struct walk_file *f = add_out(me, d, name, nlen);
		f->lang = fe->lang;
		f->test = fe->test;
		return;
	}
	size_t nidx = rules_applicable(r, relpath, rellen, base_off, &c, me->idx);
	int script = rules_maybe_script(relpath, rellen, base_off, &c);
	if (!nidx && !script) {
		me->st.no_pattern++;
		return;
	}

	uint64_t t0 = o->timing ? now_ns() : 0;
	struct cfile cf;
	cf.on = 0;
	cf.e = NULL;
	if (o->cache && d) {
		if (fstatat(dfd, name, &cf.st, o->follow ? 0 : AT_SYMLINK_NOFOLLOW)) {
			report_errno(me, d, name, nlen, 0, "unable to stat", errno);
			return;
		}
		if (S_ISLNK(cf.st.st_mode)) { /* replaced by a symlink since the listing */
			me->st.symlinks++;
			return;
		}
		if (S_ISREG(cf.st.st_mode)) {
			cf.on = 1;
			cf.key = relpath + w->prefix_len;
			cf.keylen = rellen - w->prefix_len;
			cf.e = cache_find(o->cache, cf.key, cf.keylen, &me->chint);
			if (cf.e && !cache_same_class(cf.e, script ? -1 : fe->lang, fe->test | fe->tools << 1))
				cf.e = NULL; /* classified differently now: judged anew */
			if (cf.e && cache_fresh(o->cache, cf.e, &cf.st)) {
				if (script && cache_entry_lang(cf.e) == RL_OTHER) {
					me->st.no_pattern++; /* no script: a cold run does not scan it either */
				} else {
					me->st.cache_hits_stat++;
					reuse(me, d, name, nlen, fe, cf.e);
				}
				cache_seen(o->cache, cf.e);
				return;
			}
			if ((uint64_t)cf.st.st_size > r->max_filesize) { /* never read: known by its size */
				me->st.cache_misses++;
				scan_result_reset(&me->res);
				record(me, d, name, nlen, fe, WF_TOO_LARGE);
				cache_record(me, &cf, fe, WF_TOO_LARGE, NULL);
				return;
			}
		}
	}
	int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK | (o->follow ? 0 : O_NOFOLLOW);
	int fd = openat(dfd, name, flags);
	if (fd < 0) {
		if (errno == ELOOP && !o->follow) { /* replaced by a symlink since the listing */
			me->st.symlinks++;
			return;
		}
		report_errno(me, d, name, nlen, 0, "unable to open", errno);
		return;
	}
	scan_result_reset(&me->res);
	grow_buf(me, READ_FIRST);
	ssize_t k = read_retry(fd, me->buf, READ_FIRST);
	if (k < 0) {
		int e = errno;
		close(fd);
		report_errno(me, d, name, nlen, 0, "unable to read", e);
		return;
	}
	size_t len = (size_t)k;
	if (script) {
		nidx = retarget(me, &fx, me->buf, len, relpath, rellen, base_off);
		if (!nidx) { /* not a script after all: remembered, so that the next run does not read it */
			close(fd);
			me->st.no_pattern++;
			if (cf.on)
				cache_record(me, &cf, fe, WF_OK, NULL);
			return;
		}
	}
	if (len == READ_FIRST) {
		struct stat st;
		if (fstat(fd, &st)) {
			int e = errno;
			close(fd);
			report_errno(me, d, name, nlen, 0, "unable to stat", e);
			return;
		}
		if ((uint64_t)st.st_size > r->max_filesize) {
			close(fd);
			record(me, d, name, nlen, fe, WF_TOO_LARGE);
			return; /* grew past the limit since fstatat: not cached, looked at again next time */
		}
		big_file(me, (uint64_t)st.st_size);
		if ((uint64_t)st.st_size >= w->mmap_min) {
			void *map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
			if (map != MAP_FAILED) {
				close(fd);
				madvise(map, (size_t)st.st_size, MADV_SEQUENTIAL);
				if (o->timing)
					me->st.ns_read += now_ns() - t0;
				me->st.files_mapped++;
				sigjmp_buf jb;
				size_t mark = me->ncrec;
				if (sigsetjmp(jb, 1) == 0) {
					bus_jmp = &jb;
					content(me, d, name, nlen, map, (size_t)st.st_size, fe, nidx, &cf);
					bus_jmp = NULL;
				} else {
					bus_jmp = NULL;
					munmap(map, (size_t)st.st_size);
					scan_result_reset(&me->res);
					while (me->ncrec >
					       mark) /* nothing is cached from a file that changed under us */
						cache_rec_release(&me->crec[--me->ncrec]);
					struct walk_file *f = add_out(me, d, name, nlen);
					f->status = WF_UNREADABLE;
					f->reason = xstrdup("file shrank while it was being read (SIGBUS)");
					me->st.unreadable++;
					return;
				}
				munmap(map, (size_t)st.st_size);
				return;
			}
			/* any mmap failure: read it instead */
		}
		/* read the rest; the file may have grown since fstat, so stop past the limit */
		size_t want = (size_t)st.st_size + 1;
		for (;;) {
			if (len == me->bufcap) {
				if (len > r->max_filesize)
					break;
				size_t cap = me->bufcap * 2 > want ? me->bufcap * 2 : want;
				/* huge pages for what would otherwise be mapped (MAP_MIN) */
				me->buf = cap >= MAP_MIN ? xrealloc_big(me->buf, len, &cap) : xrealloc(me->buf, cap);
				me->bufcap = cap;
			}
			k = read_retry(fd, me->buf + len, me->bufcap - len);
			if (k < 0) {
				int e = errno;
				close(fd);
				report_errno(me, d, name, nlen, 0, "unable to read", e);
				return;
			}
			if (k == 0)
				break;
			len += (size_t)k;
		}
	}
	close(fd);
	if (o->timing)
		me->st.ns_read += now_ns() - t0;
	if (len > r->max_filesize) {
		record(me, d, name, nlen, fe, WF_TOO_LARGE);
		return;
	}
	me->st.files_read++;
	content(me, d, name, nlen, me->buf, len, fe, nidx, &cf);
	/* keep per-thread memory bounded after a big file */
	if (me->bufcap > (4u << 20)) {
		free(me->buf);
		me->buf = NULL;
		me->bufcap = 0;
	}
}

static void do_files(struct worker *me, struct dnode *d, uint32_t start, uint32_t count)
{
	me->batch_d = d;
	me->batch_end = start + count;
	for (uint32_t i = start; i < me->batch_end; i++) {
		me->batch_next = i + 1;
		const struct fent *fe = &d->files[i];
		const char *name = d->names + fe->name_off;
		sbuf_reset(&me->path);
		sbuf_add(&me->path, d->rel, d->rellen);
		sbuf_add(&me->path, name, fe->name_len);
		if (fe->shadow) { /* counted by its own shard: nothing of it shows here but its modules */
			struct walk_stats keep = me->st;
			me->in_shadow = 1;
			do_file(me, d, d->fd, name, fe->name_len, fe, me->path.buf, me->path.len, d->rellen);
			me->in_shadow = 0;
			me->st = keep;
		} else {
			do_file(me, d, d->fd, name, fe->name_len, fe, me->path.buf, me->path.len, d->rellen);
		}
	}
	me->batch_d = NULL;
}

/* ---- directories ----------------------------------------------------------------------------- */

/* Is relpath (in directory d) excluded by the ignore files, before the
 * tracked-file exception? */
static int ignored(const struct walk *w, const struct dnode *d, const char *path, size_t len, size_t base_off,
		   int is_dir)
{
	for (const struct dnode *n = d->ign_up; n; n = n->parent ? n->parent->ign_up : NULL)
		for (int k = 0; k < 2; k++)
			if (n->ign[k]) {
				int v = ign_list_match(n->ign[k], path, len, base_off, is_dir);
				if (v)
					return v < 0;
			}
	for (int k = 0; k < 2; k++)
		if (w->global[k]) {
			int v = ign_list_match(w->global[k], path, len, base_off, is_dir);
			if (v)
				return v < 0;
		}
	return 0;
}

/* Open the directory p[0..n) ("a/b/", relative to dirfd, NUL-terminated at or after n) beneath
 * dirfd without following a symlink in any component (unless follow): openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where the kernel has it (Linux 5.6), else one component at
 * a time with O_NOFOLLOW. A component that is a symlink fails with ELOOP, one that climbs out
 * with EXDEV: a directory swapped for a link during the run is never entered. */
static int open_beneath(int dirfd, const char *p, size_t n, int follow)
{
	static atomic_int no_openat2;
	const char *end = p + n;
	if (!follow && n && p[n] == '\0' && !atomic_load_explicit(&no_openat2, memory_order_relaxed)) {
		struct open_how how;
		memset(&how, 0, sizeof(how));
		how.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC;
		how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS;
		long fd = syscall(SYS_openat2, dirfd, p, &how, sizeof(how));
		if (fd >= 0 || (errno != ENOSYS && errno != EPERM && errno != E2BIG))
			return (int)fd;
		atomic_store_explicit(&no_openat2, 1, memory_order_relaxed); /* an old kernel or a filter */
	}
	int fd = dup(dirfd);
	int nf = follow ? 0 : O_NOFOLLOW;
	while (fd >= 0 && p < end) {
		const char *s = memchr(p, '/', (size_t)(end - p));
		char nm[NAME_MAX + 1];
		size_t k = s ? (size_t)(s - p) : (size_t)(end - p);
		if (k > NAME_MAX || (k == 2 && p[0] == '.' && p[1] == '.')) {
			close(fd);
			errno = k > NAME_MAX ? ENAMETOOLONG : EXDEV;
			return -1;
		}
		memcpy(nm, p, k);
		nm[k] = '\0';
		int nfd = k ? openat(fd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC | nf) : dup(fd);
		int e = errno;
		close(fd);
		errno = e;
		fd = nfd;
		p += k + 1;
	}
	return fd;
}

/* Open a directory whose parent descriptor is gone (over the descriptor budget): from the root,
 * never following a symlink unless --follow. */
static int open_by_path(struct walk *w, const struct dnode *d)
{
	return open_beneath(w->rootfd, d->rel + w->prefix_len, d->rellen - w->prefix_len, w->o->follow);
}

/* Which of the walker's own caches does directory rel (relative to the walk root, len bytes, ""
 * or "a/b/") hold? A bit per walk_opts.self entry. */
static unsigned holds_self(const struct walk_opts *o, const char *rel, size_t len)
{
	unsigned bits = 0;
	for (size_t k = 0; k < o->nself; k++)
		if (strlen(o->self[k].dir) == len && !memcmp(o->self[k].dir, rel, len))
			bits |= 1u << k;
	return bits;
}

/* Is entry name of such a directory one of those caches (or the default cache directory)? */
static int is_self(const struct walk_opts *o, unsigned bits, const char *name, size_t len)
{
	for (size_t k = 0; k < o->nself; k++) {
		const struct walk_self *s = &o->self[k];
		if (!(bits & (1u << k)))
			continue;
		if (s->whole ? strlen(s->name) == len && !memcmp(s->name, name, len) : cache_owns(s->name, name, len))
			return 1;
	}
	return 0;
}

/* Is p (relative to the walk root, its last component at base) a cache or inside the default
 * cache directory? */
static int is_self_path(const struct walk_opts *o, const char *p, size_t len, size_t base)
{
	for (size_t k = 0; k < o->nself; k++) {
		const struct walk_self *s = &o->self[k];
		size_t dl = strlen(s->dir), nl = strlen(s->name);
		if (s->whole && len > dl + nl + 1 && !memcmp(p, s->dir, dl) && !memcmp(p + dl, s->name, nl) &&
		    p[dl + nl] == '/')
			return 1;
	}
	unsigned bits = holds_self(o, p, base);
	return bits && is_self(o, bits, p + base, len - base);
}

static int is_loop(const struct dnode *d)
{
	for (const struct dnode *a = d->parent; a; a = a->parent)
		if (a->dev == d->dev && a->ino == d->ino && a->ino)
			return 1;
	return 0;
}

/* A regular file the walk counts (rel: its path relative to the ignore root, base its directory's
 * length): in the stats, and for the caller's file hook. */
static void count_file(struct worker *me, const char *rel, size_t len, size_t base)
{
	const struct walk *w = me->w;
	const struct walk_hooks *h = w->o->hooks;
	me->st.files++;
	if (h && h->file)
		h->file(h->ctx, rel + w->prefix_len, len - w->prefix_len, base - w->prefix_len);
}

static void defer(struct worker *me, struct dnode *d, const char *name, const struct fent *fe, int is_dir, int via_link)
{
	struct walk *w = me->w;
	atomic_fetch_add(&d->refs, 1);
	atomic_fetch_add(&d->fd_users, 1);
	atomic_fetch_add(&w->pending, 1);
	struct deferred df = {
		d, xmemdup(name, fe->name_len), fe->name_len, is_dir, via_link, 0, 0, (uint8_t)d->tools
	};
	if (!is_dir) {
		struct rules_class c;
		sbuf_reset(&me->path);
		sbuf_add(&me->path, d->rel, d->rellen);
		sbuf_add(&me->path, name, fe->name_len);
		rules_classify(me->w->r, me->path.buf, me->path.len, d->rellen, &c);
		df.lang = c.lang;
		df.test = c.test;
	}
	pthread_mutex_lock(&w->lock);
	ALLOC_GROW(w->def, w->ndef + 1, w->adef);
	w->def[w->ndef++] = df;
	atomic_store(&w->ndef_hint, w->ndef);
	pthread_mutex_unlock(&w->lock);
	repo_index_prefetch(w->repo);
}

static void finish_item(struct walk *w);
static void push(struct worker *me, const struct item *it);

/* Decide the deferred entries once the index is read (waiting for it when block). */
static int resolve_deferred(struct worker *me, int block)
{
	struct walk *w = me->w;
	if (!atomic_load(&w->ndef_hint) || (!block && !repo_index_ready(w->repo)))
		return 0;
	pthread_mutex_lock(&w->lock);
	struct deferred *list = w->def;
	size_t n = w->ndef;
	w->def = NULL;
	w->ndef = w->adef = 0;
	atomic_store(&w->ndef_hint, 0);
	pthread_mutex_unlock(&w->lock);
	for (size_t i = 0; i < n; i++) {
		struct deferred *df = &list[i];
		struct dnode *d = df->d;
		sbuf_reset(&me->path);
		sbuf_add(&me->path, d->rel, d->rellen);
		sbuf_add(&me->path, df->name, df->nlen);
		if (df->is_dir) {
			sbuf_addch(&me->path, '/');
			if (repo_has_tracked_below(w->repo, me->path.buf, me->path.len)) {
				struct dnode *c = node_new(d, me->path.buf, me->path.len, d->rellen);
				c->excluded = 1;
				c->via_link = df->via_link;
				struct item it = { c, 0, 0 };
				push(me, &it); /* its open releases the parent's descriptor */
			} else {
				me->st.ignored++;
				fd_release(w, d);
			}
		} else {
			if (!repo_is_tracked(w->repo, me->path.buf, me->path.len)) {
				me->st.ignored++;
			} else if (in_shard(w, me->path.buf, me->path.len)) {
				struct fent fe = { 0, (uint16_t)df->nlen, DT_REG, df->lang, df->test, df->tools, 0 };
				count_file(me, me->path.buf, me->path.len, d->rellen);
				size_t len = me->path.len;
				char *rel = xmemdup(me->path.buf, len);
				do_file(me, d, d->fd, df->name, df->nlen, &fe, rel, len, d->rellen);
				free(rel);
			}
			fd_release(w, d);
		}
		free(df->name);
		node_unref(w, d);
		finish_item(w);
	}
	free(list);
	return n > 0;
}

enum { ENT_SKIP, ENT_DEFERRED, ENT_DIR, ENT_FILE };

/* Does directory fd hold a repository of its own, as git tells one: a .git directory with HEAD,
 * objects and refs, or a .git file naming one? */
static int holds_repo(int fd)
{
	struct stat st;
	if (fstatat(fd, ".git", &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (S_ISDIR(st.st_mode))
		return !fstatat(fd, ".git/HEAD", &st, AT_SYMLINK_NOFOLLOW) &&
		       (S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && !fstatat(fd, ".git/objects", &st, 0) &&
		       S_ISDIR(st.st_mode) && !fstatat(fd, ".git/refs", &st, 0) && S_ISDIR(st.st_mode);
	if (!S_ISREG(st.st_mode))
		return 0;
	char buf[8];
	int f = openat(fd, ".git", O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (f < 0)
		return 0;
	ssize_t n = read(f, buf, sizeof(buf));
	close(f);
	return n == (ssize_t)sizeof(buf) && !memcmp(buf, "gitdir: ", sizeof(buf));
}

/* --changed-since: is directory d (open as fd, has_git: it lists a .git) another repository's
 * work tree, whose files git status does not name: a submodule (a gitlink in the index), or a
 * repository cloned inside that holds none of this one's tracked files? */
static int another_repo(struct repo *rp, const struct dnode *d, int fd, int has_git)
{
	/* without a .git, only a submodule's directory is one; the walk does not wait for the index
	 * to say so (it is read meanwhile): the files below are judged in a submodule then */
	if (!has_git)
		return repo_index_ready(rp) && repo_is_gitlink(rp, d->rel, d->rellen - 1);
	if (repo_is_gitlink(rp, d->rel, d->rellen - 1)) /* rel ends in '/' */
		return 1;
	return holds_repo(fd) && !repo_has_tracked_below(rp, d->rel, d->rellen);
}

/* Decide one entry en (fe: its name length and d_type) of directory d, open as fd, as the walk
 * does: skipped (.git, the walker's own caches, hidden, a symlink, --max-depth, ignored; counted in
 * the stats), a special file (reported), put off until the index is read (when can_defer), a
 * directory to enter (*sub: its new node) or a file to scan (counted; fe gets its class). self_here:
 * holds_self of d; deep_ok: d's subdirectories are within --max-depth. me->path is clobbered. */
static int decide(struct worker *me, struct dnode *d, int fd, struct fent *fe, const char *en, unsigned self_here,
		  int deep_ok, int can_defer, struct dnode **sub)
{
	struct walk *w = me->w;
	const struct walk_opts *o = w->o;
	if (!strcmp(en, ".git"))
		return ENT_SKIP;
	if (self_here && is_self(o, self_here, en, fe->name_len)) { /* our own cache: it changes every run */
		me->st.ignored++;
		return ENT_SKIP;
	}
	if (en[0] == '.' && !o->hidden) {
		me->st.hidden++;
		return ENT_SKIP;
	}
	int type = fe->type, via_link = 0;
	struct stat st;
	if (type == DT_UNKNOWN) {
		if (fstatat(fd, en, &st, AT_SYMLINK_NOFOLLOW)) {
			report_errno(me, d, en, fe->name_len, 0, "unable to stat", errno);
			return ENT_SKIP;
		}
		type = S_ISDIR(st.st_mode)   ? DT_DIR
		       : S_ISREG(st.st_mode) ? DT_REG
		       : S_ISLNK(st.st_mode) ? DT_LNK
					     : DT_FIFO;
	}
	if (type == DT_LNK) {
		me->st.symlinks++;
		if (!o->follow)
			return ENT_SKIP;
		if (fstatat(fd, en, &st, 0)) {
			report_errno(me, d, en, fe->name_len, 0, "broken symlink", errno);
			return ENT_SKIP;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR : S_ISREG(st.st_mode) ? DT_REG : DT_FIFO;
		via_link = 1;
	}
	if (type == DT_DIR && !deep_ok)
		return ENT_SKIP;
	if (type != DT_DIR && type != DT_REG) {
		sbuf_reset(&me->path);
		sbuf_add(&me->path, d->rel, d->rellen);
		sbuf_add(&me->path, en, fe->name_len);
		if (!o->no_ignore && (d->excluded || ignored(w, d, me->path.buf, me->path.len, d->rellen, 0))) {
			me->st.ignored++;
			return ENT_SKIP;
		}
		struct walk_file *f = add_out(me, d, en, fe->name_len);
		f->status = WF_SPECIAL;
		f->reason = xstrdup(type == DT_FIFO ? "fifo" : type == DT_SOCK ? "socket" : "device");
		me->st.special++;
		return ENT_SKIP;
	}
	sbuf_reset(&me->path);
	sbuf_add(&me->path, d->rel, d->rellen);
	sbuf_add(&me->path, en, fe->name_len);
	int excluded = 0;
	if (!o->no_ignore) {
		excluded = d->excluded || ignored(w, d, me->path.buf, me->path.len, d->rellen, type == DT_DIR);
		if (excluded && !d->excluded && w->repo && !repo_index_ready(w->repo) && can_defer) {
			defer(me, d, en, fe, type == DT_DIR, via_link);
			return ENT_DEFERRED;
		}
		if (excluded && w->repo) {
			if (type == DT_REG) {
				if (repo_is_tracked(w->repo, me->path.buf, me->path.len))
					excluded = 0;
			} else {
				sbuf_addch(&me->path, '/');
				int keep = repo_has_tracked_below(w->repo, me->path.buf, me->path.len);
				sbuf_setlen(&me->path, me->path.len - 1);
				if (keep)
					excluded = 2; /* enter, for the tracked files only */
			}
		}
		if (excluded == 1) {
			me->st.ignored++;
			return ENT_SKIP;
		}
	}
	if (type == DT_DIR) {
		sbuf_addch(&me->path, '/');
		struct dnode *c = node_new(d, me->path.buf, me->path.len, d->rellen);
		c->excluded = excluded == 2;
		c->via_link = via_link;
		*sub = c;
		return ENT_DIR;
	}
	struct rules_class cls;
	rules_classify(me->w->r, me->path.buf, me->path.len, d->rellen, &cls);
	/* another shard's file: skipped, but a Rust file may declare this shard's test modules */
	int shadow = !in_shard(w, me->path.buf, me->path.len);
	if (shadow && (cls.lang != RL_RUST || w->o->list_files))
		return ENT_SKIP;
	if (!shadow)
		count_file(me, me->path.buf, me->path.len, d->rellen);
	fe->lang = cls.lang;
	fe->test = cls.test;
	fe->tools = (uint8_t)d->tools;
	fe->shadow = (uint8_t)shadow;
	return ENT_FILE;
}

static void do_dir(struct worker *me, struct dnode *d)
{
	struct walk *w = me->w;
	const struct walk_opts *o = w->o;
	uint64_t t0 = o->timing ? now_ns() : 0;
	const char *name = d->rel + d->name_off;
	size_t nlen = d->rellen > d->name_off ? d->rellen - d->name_off - 1 : 0;
	char nm[NAME_MAX + 1];
	memcpy(nm, name, nlen);
	nm[nlen] = '\0';
	if (!nlen) { /* the walk root, opened again in the descriptor that holds it */
		nm[0] = '.';
		nm[1] = '\0';
	}
	struct dnode *pd = d->parent;
	int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (d->via_link ? 0 : O_NOFOLLOW);
	int fd = pd->fd >= 0 ? openat(pd->fd, nm, flags) : open_by_path(w, d);
	int e = errno;
	fd_release(w, pd);
	if (fd < 0) {
		if (!(e == ELOOP && !o->follow))
			report_dir_errno(me, d, "unable to open directory", e);
		goto done;
	}
	if (o->one_fs || o->follow) {
		struct stat st;
		if (fstat(fd, &st)) {
			e = errno;
			close(fd);
			report_dir_errno(me, d, "unable to stat directory", e);
			goto done;
		}
		d->dev = st.st_dev;
		d->ino = st.st_ino;
		if (o->one_fs && st.st_dev != w->rootdev) {
			close(fd);
			goto done;
		}
		if (o->follow && is_loop(d)) {
			close(fd);
			struct walk_file *f = add_out_dir(me, d);
			f->status = WF_LINK_LOOP;
			f->is_dir = 1;
			goto done;
		}
	}
	d->fd = fd;
	atomic_fetch_add(&w->fds_open, 1);
	atomic_store(&d->fd_users, 1);
	me->st.dirs++;
	if (o->hooks && o->hooks->dir) /* before the listing: a watch set now misses nothing after it */
		o->hooks->dir(o->hooks->ctx, d->rel + w->prefix_len, d->rellen - w->prefix_len, fd);

	/* the listing */
	me->nents = 0;
	sbuf_reset(&me->names);
	int has_ignore = 0, has_gitignore = 0, has_git = 0, list_err = 0;
	for (;;) {
		ssize_t n = getdents64(fd, me->dents, DENTS_BUF);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			list_err = errno;
			break;
		}
		if (n == 0)
			break;
		for (ssize_t off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(void *)(me->dents + off);
			off += de->d_reclen;
			const char *dn = de->d_name;
			if (dn[0] == '.' && (!dn[1] || (dn[1] == '.' && !dn[2])))
				continue;
			size_t dl = strlen(dn);
			if (!strcmp(dn, ".ignore"))
				has_ignore = 1;
			else if (!strcmp(dn, ".gitignore"))
				has_gitignore = 1;
			else if (!strcmp(dn, ".git"))
				has_git = 1;
			ALLOC_GROW(me->ents, me->nents + 1, me->aents);
			struct fent *fe = &me->ents[me->nents++];
			fe->name_off = (uint32_t)me->names.len;
			fe->name_len = (uint16_t)dl;
			fe->type = de->d_type;
			sbuf_add(&me->names, dn, dl + 1);
		}
	}
	if (list_err)
		report_dir_errno(me, d, "unable to list directory", list_err);
	if (o->changes && w->repo && d->rellen && !d->nested)
		d->nested = another_repo(w->repo, d, fd, has_git);
	if (!o->no_ignore && !d->excluded) {
		if (has_ignore)
			d->ign[0] = ign_list_read(fd, ".ignore", d->rel, w->icase);
		if (has_gitignore)
			d->ign[1] = ign_list_read_in_tree(fd, ".gitignore", d->rel, w->icase);
		node_set_ignores(d);
	}

	/* decide each entry */
	size_t nfiles = 0, ndeferred = 0;
	struct dnode **subs = NULL;
	size_t nsubs = 0, asubs = 0;
	/* --max-depth N: the files of directories down to depth N; only their subdirectories stop */
	int deep_ok = o->max_depth < 0 || (long)d->depth + 1 <= o->max_depth;
	/* first the tools configured here, so that every file and subdirectory below knows them */
	for (size_t i = 0; i < me->nents && w->r->tools_used; i++)
		d->tools |= rules_tool_of_entry(fd, me->names.buf + me->ents[i].name_off, me->ents[i].name_len,
						me->ents[i].type);
	unsigned self_here = o->nself ? holds_self(o, d->rel + w->prefix_len, d->rellen - w->prefix_len) : 0;
	for (size_t i = 0; i < me->nents; i++) {
		struct fent *fe = &me->ents[i];
		struct dnode *c = NULL;
		int what = decide(me, d, fd, fe, me->names.buf + fe->name_off, self_here, deep_ok, 1, &c);
		if (what == ENT_DEFERRED) {
			ndeferred++;
		} else if (what == ENT_DIR) {
			ALLOC_GROW(subs, nsubs + 1, asubs);
			subs[nsubs++] = c;
		} else if (what == ENT_FILE) {
			me->ents[nfiles++] = *fe; /* compact the files to the front; names stay where they are */
		}
	}

	/* copy the files' names out of the per-thread listing */
	if (nfiles) {
		d->files = xmalloc(nfiles * sizeof(*d->files));
		struct sbuf nb = SBUF_INIT;
		for (size_t i = 0; i < nfiles; i++) {
			d->files[i] = me->ents[i];
			d->files[i].name_off = (uint32_t)nb.len;
			sbuf_add(&nb, me->names.buf + me->ents[i].name_off, me->ents[i].name_len + 1u);
		}
		d->names = sbuf_detach(&nb, NULL);
	}
	if (o->timing)
		me->st.ns_discovery += now_ns() - t0;

	/* over the descriptor budget: finish the files now and let the subdirectories reopen by path */
	int keep_fd = ndeferred || atomic_load(&w->fds_open) < w->fd_budget;
	uint32_t nbatch = keep_fd && nfiles > BATCH ? (uint32_t)((nfiles + BATCH - 1) / BATCH) - 1 : 0;
	atomic_fetch_add(&d->fd_users, (int)(nsubs + nbatch));
	if (!keep_fd) {
		do_files(me, d, 0, (uint32_t)nfiles);
		me->batch_d = NULL; /* (no hand-off: the descriptor closes right after) */
		nfiles = 0;
		close(d->fd); /* the count of users still balances: fd_release sees fd < 0 */
		d->fd = -1;
		atomic_fetch_sub(&w->fds_open, 1);
	}
	for (size_t i = nsubs; i-- > 0;) {
		struct item it = { subs[i], 0, 0 };
		push(me, &it);
	}
	free(subs);
	/* batches after the subdirectories: popped first, so the descriptor closes early */
	for (uint32_t b = 0; b < nbatch; b++) {
		atomic_fetch_add(&d->refs, 1);
		struct item it = { d, (b + 1) * BATCH, 0 };
		uint32_t left = (uint32_t)nfiles - it.start;
		it.count = left < BATCH ? left : BATCH;
		push(me, &it);
	}
	if (nfiles)
		do_files(me, d, 0, nfiles < BATCH ? (uint32_t)nfiles : BATCH);
	fd_release(w, d);
done:
	node_unref(w, d);
}

static void process(struct worker *me, const struct item *it)
{
	if (it->count) {
		do_files(me, it->d, it->start, it->count);
		fd_release(me->w, it->d);
		node_unref(me->w, it->d);
	} else {
		do_dir(me, it->d);
	}
}

static void finish_item(struct walk *w)
{
	if (atomic_fetch_sub(&w->pending, 1) == 1) {
		pthread_mutex_lock(&w->lock);
		pthread_cond_broadcast(&w->cond);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *worker_main(void *arg);

static void start_workers(struct walk *w)
{
	w->wk[0].st.threads_used = 1;
	for (int i = 1; i < w->nwk; i++) {
		/* publish the slot before the thread can be seen by thieves */
		if (pthread_create(&w->wk[i].th, NULL, worker_main, &w->wk[i]))
			break;
		atomic_fetch_add(&w->nstarted, 1);
	}
	w->wk[0].st.went_parallel = atomic_load(&w->nstarted) > 1;
}

static void run_loop(struct worker *me)
{
	struct walk *w = me->w;
	for (;;) {
		struct item it;
		if (pop(me, &it) || steal(me, &it)) {
			process(me, &it);
			finish_item(w);
			if (w->repo)
				resolve_deferred(me, 0);
			if (me->id == 0 && w->o->mode == WM_AUTO && atomic_load(&w->nstarted) == 1 && w->nwk > 1 &&
			    me->weight >= w->o->spawn_threshold && now_ns() >= w->spawn_after)
				start_workers(w);
			continue;
		}
		if (w->repo && resolve_deferred(me, 1))
			continue;
		if (atomic_load(&w->pending) == 0)
			break;
		pthread_mutex_lock(&w->lock);
		atomic_fetch_add(&w->sleepers, 1);
		while (atomic_load(&w->pending) != 0 && !any_avail(w) && !atomic_load(&w->ndef_hint))
			pthread_cond_wait(&w->cond, &w->lock);
		atomic_fetch_sub(&w->sleepers, 1);
		pthread_mutex_unlock(&w->lock);
	}
}

static void *worker_main(void *arg)
{
	struct worker *me = arg;
	run_loop(me);
	return NULL;
}

/* ---- the run --------------------------------------------------------------------------------- */

static void worker_init(struct worker *me, struct walk *w, int id)
{
	memset(me, 0, sizeof(*me));
	me->w = w;
	me->id = id;
	pthread_mutex_init(&me->lock, NULL);
	atomic_init(&me->avail, 0);
	me->sc = scan_ctx_new();
	scan_ctx_set_budget(me->sc, w->budget);
	/* a big file's parts go to threads of their own: as many as the run has workers (the workers
	 * busy with other files share the cores with them) */
	scan_ctx_set_helpers(me->sc, w->nwk - 1);
	me->dents = xmalloc(DENTS_BUF);
	sbuf_init(&me->path, 256);
	sbuf_init(&me->names, 4096);
}

static void worker_release(struct worker *me)
{
	pthread_mutex_destroy(&me->lock);
	scan_ctx_free(me->sc);
	scan_result_release(&me->res);
	free(me->buf);
	free(me->dents);
	free(me->q);
	free(me->ents);
	for (size_t i = 0; i < me->ncrec; i++)
		cache_rec_release(&me->crec[i]);
	free(me->crec);
	sbuf_release(&me->path);
	sbuf_release(&me->names);
}

static int cmp_file(const void *a, const void *b)
{
	const struct walk_file *x = a, *y = b;
	return bytes_cmp(x->path, x->pathlen, y->path, y->pathlen);
}

static void add_stats(struct walk_stats *a, const struct walk_stats *b)
{
	a->files += b->files;
	a->files_scanned += b->files_scanned;
	a->files_read += b->files_read;
	a->files_mapped += b->files_mapped;
	a->bytes += b->bytes;
	a->dirs += b->dirs;
	a->ignored += b->ignored;
	a->hidden += b->hidden;
	a->symlinks += b->symlinks;
	a->no_pattern += b->no_pattern;
	a->skipped_binary += b->skipped_binary;
	a->skipped_large += b->skipped_large;
	a->special += b->special;
	a->unreadable += b->unreadable;
	a->ns_discovery += b->ns_discovery;
	a->ns_read += b->ns_read;
	a->ns_match += b->ns_match;
	a->cache_hits_stat += b->cache_hits_stat;
	a->cache_hits_hash += b->cache_hits_hash;
	a->cache_racy += b->cache_racy;
	a->cache_misses += b->cache_misses;
	if (b->threads_used > a->threads_used)
		a->threads_used = b->threads_used;
	a->went_parallel |= b->went_parallel;
}

/* Ancestor nodes between the work tree and the walk root: their ignore files
 * apply too. */
static struct dnode *ancestors(struct walk *w, const char *workdir, const char *prefix, size_t plen)
{
	struct dnode *top = NULL;
	struct sbuf abs = SBUF_INIT;
	size_t s = 0;
	for (;;) {
		struct dnode *a = node_new(top, prefix, s, 0);
		if (top)
			node_unref(w, top); /* the child holds it now */
		top = a;
		if (!w->o->no_ignore) {
			sbuf_reset(&abs);
			sbuf_addstr(&abs, workdir);
			sbuf_add(&abs, prefix, s);
			int dfd = open(abs.buf, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			if (dfd >= 0) {
				a->ign[0] = ign_list_read(dfd, ".ignore", a->rel, w->icase);
				a->ign[1] = ign_list_read_in_tree(dfd, ".gitignore", a->rel, w->icase);
				if (w->r->tools_used)
					a->tools |= rules_tools_in_dir(dfd);
				node_set_ignores(a);
				close(dfd);
			}
		}
		const char *sl = memchr(prefix + s, '/', plen - s);
		if (!sl || (size_t)(sl - prefix) + 1 >= plen)
			break;
		s = (size_t)(sl - prefix) + 1;
	}
	sbuf_release(&abs);
	return top;
}

/* The tools configured in the directory dfd (unless skip_self) and up to levels of its parents,
 * stopping at the file system's root, which is its own parent. */
static unsigned tools_above(int dfd, int levels, int skip_self)
{
	unsigned tools = skip_self ? 0 : rules_tools_in_dir(dfd);
	int cur = dfd;
	struct stat was, st;
	if (fstat(dfd, &was))
		return tools;
	for (int i = 0; i < levels; i++) {
		int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (cur != dfd)
			close(cur);
		if (up < 0)
			return tools;
		cur = up;
		if (fstat(up, &st) || (st.st_dev == was.st_dev && st.st_ino == was.st_ino))
			break;
		was = st;
		tools |= rules_tools_in_dir(up);
	}
	if (cur != dfd)
		close(cur);
	return tools;
}

/* --mmap-min, or this machine's default for it */
static uint64_t mmap_min_of(const struct walk_opts *o)
{
	return o->mmap_min ? o->mmap_min : xalloc_huge_pages() ? MAP_MIN_HUGE : MAP_MIN;
}

static int walk_one_file(const struct walk_opts *o, const struct rules *r, const char *root, struct walk_result *out,
			 int fd)
{
	struct walk w;
	memset(&w, 0, sizeof(w));
	struct walk_opts fo = *o;
	fo.follow = 1; /* a file named on the command line is read even through a symlink */
	w.o = &fo;
	w.r = r;
	w.mmap_min = mmap_min_of(o);
	w.disp = (struct sbuf)SBUF_INIT;
	struct worker me;
	w.budget = scan_budget_new();
	worker_init(&me, &w, 0);
	scan_ctx_set_helpers(me.sc, o->mode == WM_SEQUENTIAL ? 0 : o->jobs - 1); /* a big file's parts */
	const char *base = strrchr(root, '/');
	base = base ? base + 1 : root;
	struct fent fe = { 0 };
	struct rules_class c;
	size_t rl = strlen(root);
	if (!in_shard(&w, root, rl)) {
		worker_release(&me);
		return 0;
	}
	rules_classify(r, root, rl, (size_t)(base - root), &c);
	fe.lang = c.lang;
	fe.test = c.test;
	if (r->tools_used) { /* the file's directory and those above it, as ESLint looks for its config */
		char *dir = xstrdup(root);
		char *sl = strrchr(dir, '/');
		if (sl)
			sl[sl == dir] = '\0';
		int dfd = open(sl ? dir : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			fe.tools = (uint8_t)tools_above(dfd, 32, 0);
			close(dfd);
		}
		free(dir);
	}
	fe.type = DT_REG;
	me.st.files++;
	do_file(&me, NULL, fd, root, rl, &fe, root, rl, (size_t)(base - root));
	out->files = me.out;
	out->n = me.nout;
	out->alloc = me.aout;
	add_stats(&out->stats, &me.st);
	out->stats.threads_used = 1;
	worker_release(&me);
	scan_budget_free(w.budget);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A path of walk_opts.only with the tools of its directory (-1: to be probed). */
struct only_path {
	const char *p;
	int tools;
};

static int cmp_only(const void *a, const void *b)
{
	return strcmp(((const struct only_path *)a)->p, ((const struct only_path *)b)->p);
}

/* The tools configured on the way to the files walk_only scans: the directories of the last path
 * (each as its length, with what it and those above it hold), for the next to share. */
struct tool_way {
	const char *prev;
	size_t *len;
	unsigned *tools;
	size_t n, alen, atools;
	struct sbuf dir;
};

/* The tools of the directory p[0..base) (relative to the root, ending in '/'; "" the root, whose
 * are root_tools): each directory on the way is probed once for all the paths, taken in order. */
static unsigned tools_on_way(struct walk *w, struct tool_way *tw, unsigned root_tools, const char *p, size_t base)
{
	size_t same = 0;
	while (tw->prev && same < base && tw->prev[same] && tw->prev[same] == p[same])
		same++;
	while (tw->n && tw->len[tw->n - 1] > same)
		tw->n--;
	tw->prev = p;
	unsigned tools = tw->n ? tw->tools[tw->n - 1] : root_tools;
	for (size_t k = tw->n ? tw->len[tw->n - 1] : 0; k < base; k++) {
		if (p[k] != '/')
			continue;
		sbuf_reset(&tw->dir);
		sbuf_add(&tw->dir, p, k + 1);
		int fd = open_beneath(w->rootfd, tw->dir.buf, tw->dir.len, 0);
		if (fd >= 0) {
			tools |= rules_tools_in_dir(fd);
			close(fd);
		}
		ALLOC_GROW(tw->len, tw->n + 1, tw->alen);
		ALLOC_GROW(tw->tools, tw->n + 1, tw->atools);
		tw->len[tw->n] = k + 1;
		tw->tools[tw->n++] = tools;
	}
	return tools;
}

/* --changed-since: scan the listed files (relative to the walk root) instead of walking. The
 * hidden and depth rules apply as in a walk; git already left out what it ignores. Files named
 * on the command line (only_named) are scanned whatever their name and depth. They are taken in
 * order, so that consecutive ones share the directories on their way. */
static void walk_only(struct worker *me, struct dnode *rootn)
{
	struct walk *w = me->w;
	const struct walk_opts *o = w->o;
	struct sbuf rel = SBUF_INIT;
	struct tool_way tw = { NULL, NULL, NULL, 0, 0, 0, SBUF_INIT };
	struct only_path *paths = xmalloc((o->nonly ? o->nonly : 1) * sizeof(*paths));
	for (size_t i = 0; i < o->nonly; i++)
		paths[i] = (struct only_path){ o->only[i], o->only_tools ? o->only_tools[i] : -1 };
	qsort(paths, o->nonly, sizeof(*paths), cmp_only);
	for (size_t i = 0; i < o->nonly; i++) {
		const char *p = paths[i].p;
		size_t len = strlen(p);
		const char *sl = strrchr(p, '/');
		size_t base = sl ? (size_t)(sl - p) + 1 : 0;
		long depth = 0;
		int hidden = 0;
		for (size_t k = 0; k < len; k++) {
			if ((k == 0 || p[k - 1] == '/') && p[k] == '.')
				hidden = 1;
			depth += p[k] == '/';
		}
		if (!len || base == len)
			continue;
		if (hidden && !o->hidden && !o->only_named) {
			me->st.hidden++;
			continue;
		}
		if (is_self_path(o, p, len, base)) {
			me->st.ignored++;
			continue;
		}
		if (o->max_depth >= 0 && depth > o->max_depth && !o->only_named)
			continue;
		sbuf_reset(&rel);
		sbuf_add(&rel, rootn->rel, rootn->rellen);
		sbuf_add(&rel, p, base);
		struct dnode *dn = node_new(rootn, rel.buf, rel.len, rootn->rellen);
		/* git listed it, but a directory on the way may have been swapped for a symlink since:
		 * resolved beneath the root, never through a link (even with -L: git lists no path
		 * below a symlink) */
		int dfd = base ? open_beneath(w->rootfd, dn->rel + rootn->rellen, base, 0) : w->rootfd;
		struct stat st;
		if (dfd < 0 && (errno == ELOOP || errno == EXDEV)) {
			me->st.symlinks++;
		} else if (dfd < 0 || fstatat(dfd, p + base, &st, AT_SYMLINK_NOFOLLOW)) {
			report_errno(me, dn, p + base, len - base, 0, "unable to stat", errno);
		} else if (S_ISLNK(st.st_mode)) {
			me->st.symlinks++;
		} else if (S_ISREG(st.st_mode)) {
			sbuf_add(&rel, p + base, len - base);
			if (in_shard(w, rel.buf, rel.len)) {
				struct rules_class c;
				rules_classify(me->w->r, rel.buf, rel.len, dn->rellen, &c);
				unsigned tools = !w->r->tools_used     ? 0
						 : paths[i].tools >= 0 ? (unsigned)paths[i].tools
								       : tools_on_way(w, &tw, rootn->tools, p, base);
				struct fent fe = { 0, 0, DT_REG, c.lang, c.test, (uint8_t)tools, 0 };
				me->st.files++;
				do_file(me, dn, dfd, p + base, len - base, &fe, rel.buf, rel.len, dn->rellen);
			}
		}
		if (dfd >= 0 && dfd != w->rootfd)
			close(dfd);
		node_unref(w, dn);
	}
	free(paths);
	free(tw.len);
	free(tw.tools);
	sbuf_release(&tw.dir);
	sbuf_release(&rel);
}

/* ---- re-checking paths (--watch) ---------------------------------------------------------------
 * The watch loop hands over the paths it got events for; each is decided as the walk would meet
 * it, so that a re-check and a walk can never disagree: every directory on the way is decided by
 * decide() in its parent (with the ignore files read on the way), then the path itself. */

/* d_type for st's file type. */
static uint8_t dtype_of(mode_t m)
{
	return S_ISDIR(m)    ? DT_DIR
	       : S_ISREG(m)  ? DT_REG
	       : S_ISLNK(m)  ? DT_LNK
	       : S_ISSOCK(m) ? DT_SOCK
	       : S_ISFIFO(m) ? DT_FIFO
	       : S_ISBLK(m)  ? DT_BLK
			     : DT_CHR;
}

/* d (its descriptor fd just opened) becomes a directory on the way: its ignore files and tools, as
 * do_dir reads them. */
static void enter_on_the_way(struct walk *w, struct dnode *d, int fd)
{
	d->fd = fd;
	atomic_fetch_add(&w->fds_open, 1);
	atomic_store(&d->fd_users, 1);
	if (!w->o->no_ignore && !d->excluded) {
		d->ign[0] = ign_list_read(fd, ".ignore", d->rel, w->icase);
		d->ign[1] = ign_list_read_in_tree(fd, ".gitignore", d->rel, w->icase);
	}
	if (w->r->tools_used)
		d->tools |= rules_tools_in_dir(fd);
}

/* Re-check o->only (paths relative to the walk root, without "." or ".." components): a file that
 * the walk would scan is scanned, a directory it would enter is walked whole (pushed, for run_loop),
 * anything else is skipped as the walk skips it; a path that no longer exists, or whose directory
 * the walk would not enter, is skipped silently. The paths are sorted, so that consecutive ones
 * share the directories on the way. */
static void walk_rewalk(struct worker *me, struct dnode *rootn)
{
	struct walk *w = me->w;
	const struct walk_opts *o = w->o;
	char **paths = xmalloc((o->nonly ? o->nonly : 1) * sizeof(*paths));
	memcpy(paths, o->only, o->nonly * sizeof(*paths));
	qsort(paths, o->nonly, sizeof(*paths), cmp_str);
	/* chain[0] is the root, chain[k] the k-th directory on the way of the current path */
	size_t nchain = 1, achain = 8;
	struct dnode **chain = xmalloc(achain * sizeof(*chain));
	int rfd = dup(w->rootfd);
	if (rfd < 0) {
		report_errno(me, NULL, "", 0, 1, "unable to open directory", errno);
		free(chain);
		free(paths);
		return;
	}
	chain[0] = rootn;
	atomic_fetch_add(&rootn->refs, 1);
	enter_on_the_way(w, rootn, rfd);
	struct sbuf rel = SBUF_INIT;
	for (size_t i = 0; i < o->nonly; i++) {
		const char *p = paths[i];
		size_t len = strlen(p);
		if (!len || (i && !strcmp(p, paths[i - 1])))
			continue;
		/* keep the directories on the way that this path shares with the chain */
		size_t k = 1, off = 0;
		while (k < nchain) {
			const struct dnode *c = chain[k];
			size_t nl = c->rellen - c->name_off - 1;
			if (off + nl >= len || p[off + nl] != '/' || memcmp(p + off, c->rel + c->name_off, nl))
				break;
			off += nl + 1;
			k++;
		}
		while (nchain > k) {
			struct dnode *c = chain[--nchain];
			fd_release(w, c);
			node_unref(w, c);
		}
		/* the rest of the way */
		int lost = 0;
		for (;;) {
			const char *sl = memchr(p + off, '/', len - off);
			if (!sl)
				break;
			struct dnode *d = chain[nchain - 1];
			char nm[NAME_MAX + 1];
			size_t nl = (size_t)(sl - (p + off));
			struct stat st;
			if (nl > NAME_MAX) {
				lost = 1;
				break;
			}
			memcpy(nm, p + off, nl);
			nm[nl] = '\0';
			if (fstatat(d->fd, nm, &st, AT_SYMLINK_NOFOLLOW)) {
				lost = 1;
				break;
			}
			struct fent fe = { 0, (uint16_t)nl, dtype_of(st.st_mode), 0, 0, 0, 0 };
			struct dnode *c = NULL;
			int deep_ok = o->max_depth < 0 || (long)d->depth + 1 <= o->max_depth;
			unsigned self_here =
				o->nself ? holds_self(o, d->rel + w->prefix_len, d->rellen - w->prefix_len) : 0;
			if (decide(me, d, d->fd, &fe, nm, self_here, deep_ok, 0, &c) != ENT_DIR) {
				lost = 1;
				break;
			}
			int fd = openat(d->fd, nm, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (c->via_link ? 0 : O_NOFOLLOW));
			if (fd >= 0 && o->one_fs && (fstat(fd, &st) || st.st_dev != w->rootdev)) {
				close(fd);
				fd = -1;
			}
			if (fd < 0) {
				node_unref(w, c);
				lost = 1;
				break;
			}
			enter_on_the_way(w, c, fd);
			ALLOC_GROW(chain, nchain + 1, achain);
			chain[nchain++] = c;
			off += nl + 1;
		}
		if (lost)
			continue;
		/* the path itself, in the last directory on the way */
		struct dnode *d = chain[nchain - 1];
		const char *name = p + off;
		size_t nl = len - off;
		struct stat st;
		if (nl > NAME_MAX || fstatat(d->fd, name, &st, AT_SYMLINK_NOFOLLOW)) {
			if (nl <= NAME_MAX && errno != ENOENT && errno != ENOTDIR)
				report_errno(me, d, name, nl, 0, "unable to stat", errno);
			continue;
		}
		struct fent fe = { 0, (uint16_t)nl, dtype_of(st.st_mode), 0, 0, 0, 0 };
		struct dnode *c = NULL;
		int deep_ok = o->max_depth < 0 || (long)d->depth + 1 <= o->max_depth;
		unsigned self_here = o->nself ? holds_self(o, d->rel + w->prefix_len, d->rellen - w->prefix_len) : 0;
		int e = decide(me, d, d->fd, &fe, name, self_here, deep_ok, 0, &c);
		if (e == ENT_DIR) {
			atomic_fetch_add(&d->fd_users, 1); /* do_dir opens it in d's descriptor */
			struct item it = { c, 0, 0 };
			push(me, &it);
		} else if (e == ENT_FILE) {
			sbuf_reset(&rel);
			sbuf_add(&rel, d->rel, d->rellen);
			sbuf_add(&rel, name, nl);
			do_file(me, d, d->fd, name, nl, &fe, rel.buf, rel.len, d->rellen);
		}
	}
	while (nchain > 0) {
		struct dnode *c = chain[--nchain];
		fd_release(w, c);
		node_unref(w, c);
	}
	sbuf_release(&rel);
	free(chain);
	free(paths);
}

/* ---- Rust module files declared as test code ----------------------------------------------------
 * `#[cfg(test)] mod name;` in one file makes another file test code (docs/patterns.md). Each
 * file's own result (cached or fresh) is judged without that knowledge; after the walk, the
 * declarations of every Rust file with some are followed from the test ones, transitively, and
 * the matches of the files reached are judged as test code. A parent's change so reclassifies its
 * children on the next run, warm or cold. */

struct modset {
	const struct walk_file *files;
	size_t *by_path; /* indices of the Rust files, sorted by path */
	size_t n;
	size_t *queue;
	size_t nq;
	uint8_t *marked;
};

static int cmp_idx_path(const void *a, const void *b, void *ctx)
{
	const struct walk_file *f = ctx;
	const struct walk_file *x = &f[*(const size_t *)a], *y = &f[*(const size_t *)b];
	return bytes_cmp(x->path, x->pathlen, y->path, y->pathlen);
}

static void mod_mark(struct modset *ms, const char *path, size_t len)
{
	size_t lo = 0, hi = ms->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct walk_file *f = &ms->files[ms->by_path[mid]];
		int c = bytes_cmp(f->path, f->pathlen, path, len);
		if (c == 0) {
			size_t k = ms->by_path[mid];
			if (!ms->marked[k]) {
				ms->marked[k] = 1;
				ms->queue[ms->nq++] = k;
			}
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
}

/* Mark the files that declaration `name` in f can name: NAME.rs and NAME/mod.rs in f's module
 * directory (f's own directory for lib.rs, main.rs and mod.rs, else DIR/STEM/). */
static void mod_mark_decl(struct modset *ms, const struct walk_file *f, const char *name, struct sbuf *sb)
{
	const char *slash = memrchr(f->path, '/', f->pathlen);
	size_t dl = slash ? (size_t)(slash - f->path) + 1 : 0;
	const char *base = f->path + dl;
	size_t bl = f->pathlen - dl;
	sbuf_reset(sb);
	sbuf_add(sb, f->path, dl);
	int root = (bl == 6 && !memcmp(base, "lib.rs", 6)) || (bl == 7 && !memcmp(base, "main.rs", 7)) ||
		   (bl == 6 && !memcmp(base, "mod.rs", 6));
	if (!root && bl > 3) {
		sbuf_add(sb, base, bl - 3);
		sbuf_addch(sb, '/');
	}
	sbuf_addstr(sb, name);
	size_t stem = sb->len;
	sbuf_addstr(sb, ".rs");
	mod_mark(ms, sb->buf, sb->len);
	sbuf_setlen(sb, stem);
	sbuf_addstr(sb, "/mod.rs");
	mod_mark(ms, sb->buf, sb->len);
}

/* The declaration at i of f's list: its flag, name and the offset of the next one; 0 at the end
 * or at a malformed entry (the list may come from a cache file). */
static int mod_next(const struct walk_file *f, size_t *i, int *flag, const char **name)
{
	if (*i + 1 >= f->modslen)
		return 0;
	const char *nul = memchr(f->mods + *i + 1, '\0', f->modslen - *i - 1);
	if (!nul)
		return 0;
	*flag = (unsigned char)f->mods[*i];
	*name = f->mods + *i + 1;
	*i = (size_t)(nul - f->mods) + 1;
	return 1;
}

/* Follow f's declarations: all of them, or only those with the flag. */
static void mod_mark_decls(struct modset *ms, const struct walk_file *f, int all, int flag, struct sbuf *sb)
{
	size_t i = 0;
	int fl;
	const char *name;
	while (mod_next(f, &i, &fl, &name))
		if (*name && (all || (fl & flag)))
			mod_mark_decl(ms, f, name, sb);
}

static int mod_has_flag(const struct walk_file *f, int flag)
{
	size_t i = 0;
	int fl;
	const char *name;
	while (mod_next(f, &i, &fl, &name))
		if (fl & flag)
			return 1;
	return 0;
}

/* Mark, from every file with a declaration flagged flag, the module files it reaches; returns
 * how many (their indices are ms->queue[0 .. n)). */
static size_t mod_reach(struct modset *ms, size_t n, int flag, int from_root, struct sbuf *sb)
{
	const struct walk_file *files = ms->files;
	ms->nq = 0;
	memset(ms->marked, 0, n);
	for (size_t i = 0; i < n; i++)
		if (files[i].modslen && mod_has_flag(&files[i], flag))
			mod_mark_decls(ms, &files[i], from_root, flag, sb);
	for (size_t q = 0; q < ms->nq; q++)
		mod_mark_decls(ms, &files[ms->queue[q]], 1, flag, sb);
	return ms->nq;
}

void walk_module_marks(const struct walk_file *files, size_t n, uint8_t *marks)
{
	int any = 0;
	memset(marks, 0, n);
	for (size_t i = 0; i < n && !any; i++)
		any = files[i].modslen > 0;
	if (!any)
		return;
	struct modset ms = { files, NULL, 0, NULL, 0, NULL };
	ms.by_path = xmalloc(n * sizeof(*ms.by_path));
	ms.queue = xmalloc(n * sizeof(*ms.queue));
	ms.marked = xcalloc(n, 1);
	for (size_t i = 0; i < n; i++)
		if (files[i].lang == RL_RUST && !files[i].is_dir)
			ms.by_path[ms.n++] = i;
	qsort_r(ms.by_path, ms.n, sizeof(*ms.by_path), cmp_idx_path, (void *)(uintptr_t)files);
	struct sbuf sb = SBUF_INIT;
	/* a crate root's documented waiver of undocumented unsafe blocks covers its modules */
	size_t nw = mod_reach(&ms, n, RUST_MOD_WAIVER, 1, &sb);
	for (size_t q = 0; q < nw; q++)
		marks[ms.queue[q]] |= WALK_MARK_WAIVER;
	size_t nt = mod_reach(&ms, n, RUST_MOD_TEST, 0, &sb);
	for (size_t q = 0; q < nt; q++)
		marks[ms.queue[q]] |= WALK_MARK_TEST;
	sbuf_release(&sb);
	free(ms.by_path);
	free(ms.queue);
	free(ms.marked);
}

void walk_apply_marks(struct walk_file *f, unsigned marks, const struct rules *r)
{
	if (marks & WALK_MARK_WAIVER)
		for (size_t k = 0; k < f->n; k++)
			if (f->m[k].outcome == SO_VIOLATION && r->pats[f->m[k].pat].safety)
				f->m[k].outcome = SO_ALLOWED;
	if ((marks & WALK_MARK_TEST) && !f->test) {
		f->test = 1;
		for (size_t k = 0; k < f->n; k++)
			if (!r->pats[f->m[k].pat].in_tests)
				f->m[k].outcome = SO_TEST;
	}
}

static void mark_test_modules(struct walk_result *out, const struct rules *r)
{
	uint8_t *marks = xmalloc(out->n ? out->n : 1);
	walk_module_marks(out->files, out->n, marks);
	for (size_t i = 0; i < out->n; i++)
		if (marks[i])
			walk_apply_marks(&out->files[i], marks[i], r);
	free(marks);
	/* the declarations have served: drop them, and the files that only had them */
	size_t w = 0;
	for (size_t i = 0; i < out->n; i++) {
		struct walk_file *f = &out->files[i];
		free(f->mods);
		f->mods = NULL;
		f->modslen = 0;
		if ((f->status == WF_OK && !f->n && !f->is_dir && !f->reason) || f->shadow) {
			free(f->path);
			free(f->m);
			continue;
		}
		out->files[w++] = *f;
	}
	out->n = w;
}

int walk_run(const struct walk_opts *o, const struct rules *r, const char *root, struct walk_result *out)
{
	memset(out, 0, sizeof(*out));
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);

	int rootfd = open(root, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (rootfd < 0)
		return err_errno("unable to open '%s'", root);
	struct stat rst;
	if (fstat(rootfd, &rst)) {
		int rc = err_errno("unable to stat '%s'", root);
		close(rootfd);
		return rc;
	}
	if (S_ISREG(rst.st_mode)) {
		int rc = walk_one_file(o, r, root, out, AT_FDCWD);
		close(rootfd);
		return rc;
	}
	if (!S_ISDIR(rst.st_mode)) {
		close(rootfd);
		return err_set(ERR_USAGE, "'%s' is neither a directory nor a regular file", root);
	}

	struct walk w;
	memset(&w, 0, sizeof(w));
	w.o = o;
	w.r = r;
	w.rootdev = rst.st_dev;
	w.mmap_min = mmap_min_of(o);
	w.disp = (struct sbuf)SBUF_INIT;
	pthread_mutex_init(&w.lock, NULL);
	pthread_cond_init(&w.cond, NULL);
	atomic_init(&w.pending, 0);
	atomic_init(&w.sleepers, 0);
	atomic_init(&w.fds_open, 0);
	atomic_init(&w.nstarted, 1);
	w.spawn_after = now_ns() + (uint64_t)o->spawn_delay_us * 1000;

	struct rlimit rl;
	long lim = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY ? (long)rl.rlim_cur : 1024;
	/* each worker holds up to two descriptors of its own (a file, a directory being opened):
	 * no more workers than the limit leaves room for beside 16 spare and 4 directories, or
	 * -j 256 under ulimit -n 64 fails files with EMFILE whenever the threads open at once */
	long maxjobs = (lim - 16 - 4) / 2;
	int jobs = o->jobs < 1 ? 1 : maxjobs < 1 ? 1 : o->jobs > maxjobs ? (int)maxjobs : o->jobs;
	long budget = lim - 16 - 2L * jobs;
	w.fd_budget = budget < 4 ? 4 : budget > 100000 ? 100000 : (int)budget;

	if (strcmp(root, ".") && strcmp(root, "./")) {
		sbuf_addstr(&w.disp, root);
		if (w.disp.buf[w.disp.len - 1] != '/')
			sbuf_addch(&w.disp, '/');
	}

	/* the repository around the root: ignore files above it, excludes, tracked files */
	struct dnode *top = NULL;
	struct sbuf pre = SBUF_INIT;
	char *real = o->no_ignore ? NULL : realpath(root, NULL);
	if (real) {
		int rc = repo_open(&w.repo, real);
		if (rc < 0) {
			free(real);
			close(rootfd);
			sbuf_release(&w.disp);
			return rc;
		}
	}
	if (w.repo && o->changes) { /* every file is judged against the index: read it meanwhile */
		repo_keep_stat(w.repo);
		repo_index_prefetch(w.repo);
	}
	if (w.repo) {
		const char *wd = repo_workdir(w.repo);
		size_t wl = strlen(wd), rlen = strlen(real);
		/* wd ends in '/'; real does not (unless it is "/") */
		if (rlen + 1 >= wl && !memcmp(real, wd, wl - 1) && (real[wl - 1] == '/' || real[wl - 1] == '\0')) {
			if (rlen >= wl) {
				sbuf_add(&pre, real + wl, rlen - wl);
				sbuf_addch(&pre, '/');
			}
			w.icase = repo_ignore_case(w.repo);
			repo_excludes(w.repo, w.global);
			if (pre.len)
				top = ancestors(&w, wd, pre.buf, pre.len);
		} else {
			repo_free(w.repo);
			w.repo = NULL;
		}
	}
	free(real);
	w.prefix_len = pre.len;

	/* a pseudo-node holds the root's descriptor; the root node opens "." in it */
	struct dnode *holder = node_new(top, pre.buf, pre.len, pre.len);
	if (top)
		node_unref(&w, top);
	holder->fd = rootfd;
	holder->depth = 0;
	atomic_store(&holder->fd_users, 1);
	atomic_fetch_add(&w.fds_open, 1);
	struct dnode *rootn = node_new(holder, pre.buf, pre.len, pre.len);
	node_unref(&w, holder); /* rootn holds it */
	rootn->depth = 0;
	rootn->via_link = 1;
	if (r->tools_used && !w.repo) /* outside a repository: the directories above the root too */
		rootn->tools |= tools_above(rootfd, 32, 1);
	sbuf_release(&pre);
	w.rootfd = dup(rootfd);

	w.budget = scan_budget_new();
	w.nwk = o->mode == WM_SEQUENTIAL ? 1 : jobs;
	w.wk = xcalloc((size_t)w.nwk, sizeof(*w.wk));
	for (int i = 0; i < w.nwk; i++)
		worker_init(&w.wk[i], &w, i);
	struct worker *me = &w.wk[0];
	me->st.threads_used = 1;
	if (o->only && o->rewalk) {
		walk_rewalk(me, rootn);
		node_unref(&w, rootn);
		run_loop(me);
	} else if (o->only) {
		walk_only(me, rootn);
		node_unref(&w, rootn);
	} else {
		struct item it = { rootn, 0, 0 };
		push(me, &it);
		if (o->mode == WM_PARALLEL && w.nwk > 1)
			start_workers(&w);
		run_loop(me);
	}
	int n = atomic_load(&w.nstarted);
	for (int i = 1; i < n; i++)
		pthread_join(w.wk[i].th, NULL);
	for (int i = 0; i < w.nwk; i++) {
		struct worker *k = &w.wk[i];
		add_stats(&out->stats, &k->st);
		if (k->nout) {
			ALLOC_GROW(out->files, out->n + k->nout, out->alloc);
			memcpy(out->files + out->n, k->out, k->nout * sizeof(*k->out));
			out->n += k->nout;
		}
		free(k->out);
		if (o->cache) {
			cache_adopt(o->cache, k->crec, k->ncrec);
			k->crec = NULL;
			k->ncrec = 0;
		}
		worker_release(k);
	}
	out->stats.threads_used = (unsigned)n;
	out->stats.went_parallel = n > 1;
	free(w.wk);
	free(w.def);
	if (w.rootfd >= 0)
		close(w.rootfd);
	int rc = 0;
	if (w.repo && o->changes)
		chg_settle(o->changes, w.repo);   /* what was met before the index was read */
	if (w.repo && repo_index_error(w.repo)) { /* what is tracked is unknown: the walk cannot be right */
		rc = err_set(ERR_GIT, "%s (git fails on it too); repair it, or walk with --no-ignore",
			     repo_index_error(w.repo));
		walk_result_release(out);
	}
	repo_free(w.repo);
	pthread_mutex_destroy(&w.lock);
	pthread_cond_destroy(&w.cond);
	scan_budget_free(w.budget);
	sbuf_release(&w.disp);
	if (!o->list_files && !o->raw_modules)
		mark_test_modules(out, r);
	if (!o->unsorted && out->n > 1)
		qsort(out->files, out->n, sizeof(*out->files), cmp_file);
	return rc;
}

void walk_result_release(struct walk_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		free(res->files[i].path);
		free(res->files[i].m);
		free(res->files[i].reason);
		free(res->files[i].mods);
	}
	free(res->files);
	memset(res, 0, sizeof(*res));
}

void walk_result_merge(struct walk_result *a, struct walk_result *b, int unsorted)
{
	/* b is already sorted: only a second root's files need sorting in */
	int resort = !unsorted && a->n && b->n;
	if (!a->n) {
		struct walk_stats st = a->stats;
		free(a->files);
		*a = *b;
		a->stats = st;
	} else if (b->n) {
		ALLOC_GROW(a->files, a->n + b->n, a->alloc);
		memcpy(a->files + a->n, b->files, b->n * sizeof(*b->files));
		a->n += b->n;
		free(b->files);
	} else {
		free(b->files);
	}
	add_stats(&a->stats, &b->stats);
	memset(b, 0, sizeof(*b));
	if (resort)
		qsort(a->files, a->n, sizeof(*a->files), cmp_file);
}
