/* cache: the per-file result cache (docs/cache.md). */
#include "cache.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "bytes.h"
#include "err.h"
#include "fdio.h"
#include "xalloc.h"
#include "banned.h"

#define CACHE_MAGIC "WLKCACHE"
#define CACHE_FORMAT 2 /* 2: a Rust file's module declarations follow its path */
#define CACHE_ENDIAN 0x01020304u
#define CACHE_STATUS_MAX 4 /* statuses stored: WF_OK, WF_BINARY, WF_TOO_LARGE, WF_LIMIT */
#define CACHE_OUTCOME_MAX 4
/* An entry whose mtime or ctime is this close to (or after) the moment its stat data was taken
 * cannot be trusted by stat alone: the file may have been rewritten within the same timestamp
 * tick (git's "racy" entries). 2 s covers coarse kernel clocks and 2-second file systems. */
#define RACY_NS 2000000000LL
#define WRITE_BUF (256u << 10)
/* A run that changed few entries writes them to NAME.delta instead of rewriting NAME: at most
 * this many entries, or 1/16 of the base, whichever is more (docs/cache.md). */
#define DELTA_MIN 64

struct disk_header {
	char magic[8];
	uint32_t version, endian;
	uint32_t header_size, entry_size;
	uint64_t nentries, nmatches, strings_size, body_size;
	uint64_t checksum; /* XXH3-64 of the body */
	int64_t written_ns;
	uint8_t digest[16];
	uint64_t base_checksum; /* a delta file: the checksum of the base file it applies to */
	uint8_t kind;           /* 0 the base file, 1 a delta */
	uint8_t reserved[31];
};

struct cache_entry { /* on disk, 96 bytes */
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	int64_t seen_ns; /* when the run that verified this stat data started */
	uint8_t hash[16];
	uint32_t mode;
	uint32_t path_off, path_len;
	uint32_t match_off, nmatch;
	uint32_t limit_line;
	uint16_t limit_pat;
	uint8_t status, lang, test, has_hash;
	uint16_t mods_len; /* the module declarations (rust.h) stored right after the path */
};

struct disk_match {
	uint32_t line, col;
	uint16_t pat;
	uint8_t outcome, pad;
};

static_assert(sizeof(struct disk_header) == 128, "header layout");
static_assert(sizeof(struct cache_entry) == 96, "entry layout");
static_assert(sizeof(struct disk_match) == 12, "match layout");

/* One mapped cache file (the base or its delta). */
struct cmap {
	void *map;
	size_t maplen;
	const struct cache_entry *ent;
	size_t n;
	const struct disk_match *match;
	size_t nmatch;
	const char *strings;
	uint64_t checksum;
	uint64_t *index; /* open addressing: entry number + 1 (low half, 0 empty), key hash's high half */
	size_t mask;
	uint8_t *seen; /* per entry: 0 not seen, 1 seen, 2 replaced by a record, 3 shadowed by the delta */
};

struct cache {
	int dirfd;
	char *name, *dname; /* the cache file's name in dirfd, and its delta's */
	uint8_t digest[16];
	unsigned npat;
	int64_t now_ns;
	struct cmap base, delta;
	/* new and changed entries */
	struct cache_rec *rec;
	size_t nrec, arec;
	struct cache_stats st;
	int saved; /* what the last cache_save did: enum saved */
};

enum saved { SAVED_NOTHING, SAVED_DELTA, SAVED_BASE, SAVED_FAILED };

static int64_t now_real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void cache_hash(const void *buf, size_t len, uint8_t out[16])
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(buf, len));
	memcpy(out, c.digest, 16);
}

void cache_stat_of(struct cache_stat *cs, const struct stat *st)
{
	cs->dev = (uint64_t)st->st_dev;
	cs->ino = (uint64_t)st->st_ino;
	cs->size = (uint64_t)st->st_size;
	cs->mtime_ns = (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
	cs->ctime_ns = (int64_t)st->st_ctim.tv_sec * 1000000000 + st->st_ctim.tv_nsec;
	cs->mode = (uint32_t)st->st_mode;
}

/* ---- location -------------------------------------------------------------------------------- */

char *cache_default_path(const char *root_real, struct sbuf *warn)
{
	struct sbuf p = SBUF_INIT;
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	if (xdg && xdg[0] == '/') { /* a relative XDG_CACHE_HOME is invalid: ignored, as the spec says */
		sbuf_addstr(&p, xdg);
	} else if (home && home[0] == '/') {
		sbuf_addstr(&p, home);
		sbuf_addstr(&p, "/.cache");
	} else {
		sbuf_addstr(warn, "walker: warning: no cache: neither XDG_CACHE_HOME nor HOME is an absolute "
				  "path; set one, or use --cache FILE\n");
		sbuf_release(&p);
		return NULL;
	}
	uint8_t h[16];
	cache_hash(root_real, strlen(root_real), h);
	char name[33];
	bytes_hex(name, h, 16);
	sbuf_addf(&p, "/" CACHE_DIR_NAME "/%s.cache", name);
	return sbuf_detach(&p, NULL);
}

/* mkdir -p with mode 0700 for what it creates. */
static int mkdirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		int rc = mkdir(path, 0700);
		*s = '/';
		if (rc && errno != EEXIST)
			return -1;
	}
	if (mkdir(path, 0700) && errno != EEXIST)
		return -1;
	return 0;
}

/* The directory part of path (malloc'd; "." when there is none); *base points at the name. */
static char *dir_of(const char *path, const char **base)
{
	const char *sl = strrchr(path, '/');
	*base = sl ? sl + 1 : path;
	return sl ? xmemdup(path, sl == path ? 1 : (size_t)(sl - path)) : xstrdup(".");
}

/* Open the directory holding file. The default directory must be ours and private: a symlink or
 * a directory others can write would let them redirect or plant our cache. */
static int open_dir(const char *file, int is_default, char **name, struct sbuf *warn)
{
	const char *base;
	char *dir = dir_of(file, &base);
	*name = xstrdup(base);
	if (is_default && mkdirs(dir)) {
		sbuf_addf(warn, "walker: warning: no cache: unable to create '%s': %s\n", dir, strerror(errno));
		goto fail;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (is_default ? O_NOFOLLOW : 0));
	if (fd < 0) {
		sbuf_addf(warn, "walker: warning: no cache: unable to open '%s': %s\n", dir, strerror(errno));
		goto fail;
	}
	struct stat st;
	if (is_default && (fstat(fd, &st) || st.st_uid != geteuid() || (st.st_mode & 022))) {
		sbuf_addf(warn,
			  "walker: warning: no cache: '%s' belongs to another user or others can write to it; "
			  "remove it or use --cache FILE\n",
			  dir);
		close(fd);
		goto fail;
	}
	free(dir);
	return fd;
fail:
	free(dir);
	free(*name);
	*name = NULL;
	return -1;
}

/* ---- loading --------------------------------------------------------------------------------- */

static uint64_t key_hash(const char *k, size_t len)
{
	return XXH3_64bits(k, len);
}

static const char *validate(struct cmap *m, const struct disk_header *h, size_t len, unsigned npat)
{
	if (len < sizeof(*h))
		return "truncated";
	if (memcmp(h->magic, CACHE_MAGIC, 8))
		return "not a walker cache";
	if (h->version != CACHE_FORMAT || h->endian != CACHE_ENDIAN || h->header_size != sizeof(*h) ||
	    h->entry_size != sizeof(struct cache_entry))
		return "written by another version of walker";
	uint64_t n = h->nentries, nm = h->nmatches, ss = h->strings_size;
	if (n > UINT32_MAX - 1 || nm > UINT32_MAX || ss > UINT32_MAX)
		return "corrupt (sizes)";
	uint64_t body = n * sizeof(struct cache_entry) + nm * sizeof(struct disk_match) + ss;
	if (h->body_size != body || len - sizeof(*h) != body)
		return len - sizeof(*h) < body ? "truncated" : "corrupt (sizes)";
	const char *b = (const char *)h + sizeof(*h);
	if (XXH3_64bits(b, body) != h->checksum)
		return "corrupt (checksum)";
	m->ent = (const struct cache_entry *)b;
	m->n = n;
	m->match = (const struct disk_match *)(b + n * sizeof(struct cache_entry));
	m->nmatch = nm;
	m->strings = b + n * sizeof(struct cache_entry) + nm * sizeof(struct disk_match);
	m->checksum = h->checksum;
	/* a file with a valid checksum may still be crafted: check every reference before use */
	for (size_t i = 0; i < n; i++) {
		const struct cache_entry *e = &m->ent[i];
		if (!e->path_len || (uint64_t)e->path_off + e->path_len + e->mods_len > ss ||
		    (e->mods_len && m->strings[e->path_off + e->path_len + e->mods_len - 1] != '\0') ||
		    (uint64_t)e->match_off + e->nmatch > nm || e->status >= CACHE_STATUS_MAX || e->limit_pat >= npat)
			return "corrupt (entry)";
	}
	for (size_t i = 0; i < nm; i++)
		if (m->match[i].pat >= npat || m->match[i].outcome >= CACHE_OUTCOME_MAX || !m->match[i].line)
			return "corrupt (match)";
	return NULL;
}

static void build_index(struct cmap *m)
{
	size_t cap = 16;
	while (cap < m->n * 2)
		cap *= 2;
	m->index = xcalloc(cap, sizeof(*m->index));
	m->mask = cap - 1;
	for (size_t i = 0; i < m->n; i++) {
		const struct cache_entry *e = &m->ent[i];
		const char *k = m->strings + e->path_off;
		uint64_t h = key_hash(k, e->path_len);
		size_t j = (size_t)h & m->mask;
		for (;; j = (j + 1) & m->mask) {
			uint64_t v = m->index[j];
			if (!v) {
				m->index[j] = (h & 0xffffffff00000000u) | ((uint64_t)i + 1);
				break;
			}
			if ((v ^ h) >> 32)
				continue;
			const struct cache_entry *o = &m->ent[(uint32_t)v - 1];
			if (o->path_len == e->path_len && !memcmp(m->strings + o->path_off, k, e->path_len))
				break; /* a duplicate: the first one wins */
		}
	}
}

static const struct cache_entry *map_find(const struct cmap *m, const char *key, size_t len, size_t *hint)
{
	if (!m->n)
		return NULL;
	/* a thread meets files in about the order the last run stored them: try the next one first */
	if (hint && *hint < m->n) {
		const struct cache_entry *e = &m->ent[*hint];
		if (e->path_len == len && !memcmp(m->strings + e->path_off, key, len)) {
			*hint += 1;
			return e;
		}
	}
	uint64_t h = key_hash(key, len);
	for (size_t j = (size_t)h & m->mask;; j = (j + 1) & m->mask) {
		uint64_t v = m->index[j];
		if (!v)
			return NULL;
		if ((v ^ h) >> 32)
			continue;
		const struct cache_entry *e = &m->ent[(uint32_t)v - 1];
		if (e->path_len == len && !memcmp(m->strings + e->path_off, key, len)) {
			if (hint)
				*hint = (uint32_t)v;
			return e;
		}
	}
}

static void map_release(struct cmap *m)
{
	if (m->map)
		munmap(m->map, m->maplen);
	free(m->index);
	free(m->seen);
	memset(m, 0, sizeof(*m));
}

/* Map and check one file. Returns NULL, or why it cannot be used ("" when silently: another rule
 * set, or for a delta another base). */
static const char *load_map(struct cache *c, struct cmap *m, const char *name, int kind)
{
	int fd = openat(c->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
	if (fd < 0) {
		if (errno == ELOOP)
			return "a symlink: not followed";
		return errno == ENOENT ? "" : strerror(errno);
	}
	struct stat st;
	const char *why = NULL;
	if (fstat(fd, &st))
		why = strerror(errno);
	else if (!S_ISREG(st.st_mode))
		why = "not a regular file";
	else if (st.st_uid != geteuid())
		why = "owned by another user";
	else if (st.st_size == 0)
		why = "empty";
	else if ((uint64_t)st.st_size > SIZE_MAX / 2)
		why = "too large";
	if (!why) {
		m->maplen = (size_t)st.st_size;
		m->map = mmap(NULL, m->maplen, PROT_READ, MAP_PRIVATE, fd, 0);
		if (m->map == MAP_FAILED) {
			m->map = NULL;
			why = strerror(errno);
		}
	}
	close(fd);
	if (!why) {
		const struct disk_header *h = m->map;
		if (m->maplen >= sizeof(*h) && !memcmp(h->magic, CACHE_MAGIC, 8) && h->version == CACHE_FORMAT &&
		    memcmp(h->digest, c->digest, 16)) {
			if (kind == 0)
				c->st.invalidated = 1; /* other rules or another walker: start afresh, silently */
			why = "";
		} else if ((why = validate(m, h, m->maplen, c->npat)) == NULL && h->kind != kind) {
			why = "corrupt (kind)";
		} else if (!why && kind == 1 && h->base_checksum != c->base.checksum) {
			why = ""; /* a delta of an older base, left by a run that was cut short: unused */
		}
	}
	if (why) {
		map_release(m);
		return why;
	}
	build_index(m);
	m->seen = xcalloc(m->n ? m->n : 1, 1);
	return NULL;
}

static void load(struct cache *c, const char *display, struct sbuf *warn)
{
	const char *why = load_map(c, &c->base, c->name, 0);
	if (why) {
		if (*why)
			sbuf_addf(warn, "walker: warning: cache '%s' is %s; it will be rebuilt\n", display, why);
		c->st.invalidated |= *why != '\0';
		return;
	}
	why = load_map(c, &c->delta, c->dname, 1);
	if (why && *why)
		sbuf_addf(warn, "walker: warning: cache '%s.delta' is %s; it will be rebuilt\n", display, why);
	if (why && *why)
		c->st.invalidated = 1; /* rewrite the base, which removes the bad delta */
	/* a base entry with a newer version in the delta is shadowed: neither looked up nor kept */
	for (size_t i = 0; i < c->delta.n; i++) {
		const struct cache_entry *e = &c->delta.ent[i];
		const struct cache_entry *b = map_find(&c->base, c->delta.strings + e->path_off, e->path_len, NULL);
		if (b)
			c->base.seen[b - c->base.ent] = 3;
	}
	c->st.loaded = c->base.n + c->delta.n;
}

/* Is name in dirfd something a cache must not replace or remove: a file that is not a walker
 * cache (a non-empty regular file without the magic, one that cannot be read, a FIFO, a socket or
 * a device)? Absent, empty, a symlink (replaced, never followed) or a directory (left alone with a
 * warning) are not. *why says what it is. */
static int foreign(int dirfd, const char *name, const char **why)
{
	int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
	if (fd < 0) {
		*why = "it cannot be read";
		return errno != ENOENT && errno != ELOOP && errno != EISDIR;
	}
	struct stat st;
	char magic[8];
	int bad = 0;
	if (fstat(fd, &st) || S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) || S_ISFIFO(st.st_mode) ||
	    S_ISSOCK(st.st_mode)) {
		*why = "it is not a regular file";
		bad = 1;
	} else if (S_ISREG(st.st_mode) && st.st_size > 0 &&
		   (pread(fd, magic, 8, 0) != 8 || memcmp(magic, CACHE_MAGIC, 8))) {
		*why = "it is not a walker cache";
		bad = 1;
	}
	close(fd);
	return bad;
}

/* Refuse (ERR_REFUSED) a --cache FILE, or its FILE.delta, that is not a walker cache: the user
 * named the wrong file, and saving or clearing would destroy it. */
static int refuse_foreign(int dirfd, const char *path, const char *name)
{
	const char *why;
	struct sbuf d = SBUF_INIT;
	sbuf_addf(&d, "%s.delta", name);
	int rc = 0;
	if (foreign(dirfd, name, &why))
		rc = err_set(ERR_REFUSED, "refusing to use '%s' as the cache: %s; name another --cache FILE", path,
			     why);
	else if (foreign(dirfd, d.buf, &why))
		rc = err_set(ERR_REFUSED, "refusing to use '%s' as the cache: '%s.delta' is there and %s", path, path,
			     why);
	sbuf_release(&d);
	return rc;
}

int cache_open(struct cache **out, const char *file, const char *root_real, const uint8_t digest[16], unsigned npat,
	       struct sbuf *warn)
{
	*out = NULL;
	uint64_t t0 = mono_ns();
	char *path = file ? xstrdup(file) : cache_default_path(root_real, warn);
	if (!path)
		return 0;
	char *name;
	int dfd = open_dir(path, !file, &name, warn);
	if (dfd < 0) {
		free(path);
		return 0;
	}
	int rc = file ? refuse_foreign(dfd, path, name) : 0;
	if (rc) {
		close(dfd);
		free(name);
		free(path);
		return rc;
	}
	struct cache *c = xcalloc(1, sizeof(*c));
	c->dirfd = dfd;
	c->name = name;
	struct sbuf dn = SBUF_INIT;
	sbuf_addf(&dn, "%s.delta", name);
	c->dname = sbuf_detach(&dn, NULL);
	c->npat = npat;
	memcpy(c->digest, digest, 16);
	c->now_ns = now_real_ns();
	c->st.path = path;
	load(c, path, warn);
	c->st.load_ns = mono_ns() - t0;
	*out = c;
	return 0;
}

/* ---- lookups --------------------------------------------------------------------------------- */

static int in_delta(const struct cache *c, const struct cache_entry *e)
{
	const struct cmap *d = &c->delta;
	return d->n && e >= d->ent && e < d->ent + d->n;
}

const struct cache_entry *cache_find(const struct cache *c, const char *key, size_t len, size_t *hint)
{
	if (c->delta.n) {
		const struct cache_entry *e = map_find(&c->delta, key, len, NULL);
		if (e)
			return e;
	}
	const struct cache_entry *e = map_find(&c->base, key, len, hint);
	return e && c->base.seen[e - c->base.ent] == 3 ? NULL : e;
}

int cache_same_stat(const struct cache_entry *e, const struct stat *st)
{
	struct cache_stat s;
	cache_stat_of(&s, st);
	return e->size == s.size && e->mtime_ns == s.mtime_ns && e->ctime_ns == s.ctime_ns && e->ino == s.ino &&
	       e->mode == s.mode;
}

static int racy(int64_t mtime, int64_t ctime, int64_t seen)
{
	return mtime > seen - RACY_NS || ctime > seen - RACY_NS;
}

int cache_fresh(const struct cache *c, const struct cache_entry *e, const struct stat *st)
{
	(void)c;
	return cache_same_stat(e, st) && !racy(e->mtime_ns, e->ctime_ns, e->seen_ns);
}

int cache_settled(const struct cache *c, const struct stat *st)
{
	struct cache_stat s;
	cache_stat_of(&s, st);
	return !racy(s.mtime_ns, s.ctime_ns, c->now_ns);
}

int cache_entry_lang(const struct cache_entry *e)
{
	return e->lang;
}

int cache_same_class(const struct cache_entry *e, int lang, int test)
{
	return (lang < 0 || e->lang == lang) && e->test == test;
}

int cache_same_content(const struct cache_entry *e, const uint8_t hash[16])
{
	return e->has_hash && !memcmp(e->hash, hash, 16);
}

void cache_seen(struct cache *c, const struct cache_entry *e)
{
	struct cmap *m = in_delta(c, e) ? &c->delta : &c->base;
	m->seen[e - m->ent] = 1;
}

void cache_replaced(struct cache *c, const struct cache_entry *e)
{
	if (e) {
		struct cmap *m = in_delta(c, e) ? &c->delta : &c->base;
		m->seen[e - m->ent] = 2;
	}
}

int cache_result(const struct cache *c, const struct cache_entry *e, struct scan_result *res)
{
	scan_result_reset(res);
	if (e->nmatch) {
		ALLOC_GROW_BIG(res->m, 0, e->nmatch, res->alloc);
		const struct cmap *m = in_delta(c, e) ? &c->delta : &c->base;
		for (uint32_t i = 0; i < e->nmatch; i++) {
			const struct disk_match *d = &m->match[e->match_off + i];
			res->m[i] = (struct scan_match){ d->line, d->col, d->pat, d->outcome };
		}
		res->n = e->nmatch;
	}
	if (e->mods_len) {
		const struct cmap *m = in_delta(c, e) ? &c->delta : &c->base;
		sbuf_add(&res->mods, m->strings + e->path_off + e->path_len, e->mods_len);
	}
	res->limit_pat = e->limit_pat;
	res->limit_line = e->limit_line;
	return e->status;
}

/* ---- records and saving ---------------------------------------------------------------------- */

void cache_rec_release(struct cache_rec *r)
{
	free(r->key);
	free(r->m);
	free(r->mods);
}

void cache_adopt(struct cache *c, struct cache_rec *recs, size_t n)
{
	if (!n) {
		free(recs);
		return;
	}
	if (!c->nrec) {
		free(c->rec);
		c->rec = recs;
		c->nrec = c->arec = n;
		return;
	}
	ALLOC_GROW(c->rec, c->nrec + n, c->arec);
	memcpy(c->rec + c->nrec, recs, n * sizeof(*recs));
	c->nrec += n;
	free(recs);
}

struct writer {
	int fd;
	char *buf;
	size_t len;
	XXH3_state_t *xs;
	int err;
};

static void w_flush(struct writer *w)
{
	if (!w->err && fdio_write_all(w->fd, w->buf, w->len) < 0)
		w->err = errno;
	w->len = 0;
}

static void w_add(struct writer *w, const void *p, size_t n)
{
	XXH3_64bits_update(w->xs, p, n);
	while (n && !w->err) {
		size_t k = WRITE_BUF - w->len < n ? WRITE_BUF - w->len : n;
		memcpy(w->buf + w->len, p, k);
		w->len += k;
		p = (const char *)p + k;
		n -= k;
		if (w->len == WRITE_BUF)
			w_flush(w);
	}
}

int cache_owns(const char *cache_name, const char *name, size_t len)
{
	size_t nl = strlen(cache_name);
	if (len >= nl && !memcmp(name, cache_name, nl) &&
	    (len == nl || (len == nl + 6 && !memcmp(name + nl, ".delta", 6))))
		return 1;
	/* ".NAME.tmp.PID", as write_file names it */
	return len > nl + 6 && name[0] == '.' && !memcmp(name + 1, cache_name, nl) &&
	       !memcmp(name + 1 + nl, ".tmp.", 5);
}

/* Remove temporaries of this cache left by processes that no longer run (kill -9 while saving). */
static void remove_stale(int dirfd, const char *name)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	size_t nl = strlen(name);
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *s = de->d_name;
		if (s[0] != '.' || strncmp(s + 1, name, nl) || strncmp(s + 1 + nl, ".tmp.", 5))
			continue;
		char *end;
		long pid = strtol(s + nl + 6, &end, 10);
		if (*end || pid <= 0 || pid > INT32_MAX)
			continue;
		const char *why;
		if ((pid == getpid() || (kill((pid_t)pid, 0) && errno == ESRCH)) && !foreign(dirfd, s, &why))
			unlinkat(dirfd, s, 0);
	}
	closedir(d);
}

/* Entries to write, from the base, the delta and the records. */
struct src {
	const struct cmap *m;
	const struct cache_entry *e;
	const struct cache_rec *r;
};

static int kept(const struct cmap *m, size_t i, int full)
{
	return m->seen[i] == 1 || (m->seen[i] == 0 && !full);
}

/* Write srcs as file name (kind 0 the base, 1 a delta of base checksum bsum) through a temporary
 * and a rename. Returns 0 or an errno; *sum gets the body checksum. */
static int write_file(struct cache *c, const char *name, int kind, uint64_t bsum, const struct src *v, size_t n,
		      uint64_t *sum)
{
	uint64_t nm = 0, ss = 0;
	for (size_t i = 0; i < n; i++) {
		nm += v[i].e ? v[i].e->nmatch : v[i].r->n;
		ss += v[i].e ? (uint64_t)v[i].e->path_len + v[i].e->mods_len : v[i].r->keylen + v[i].r->modslen;
	}
	if (n >= UINT32_MAX || nm > UINT32_MAX || ss > UINT32_MAX)
		return EFBIG;
	struct sbuf tmp = SBUF_INIT;
	sbuf_addf(&tmp, ".%s.tmp.%ld", c->name, (long)getpid());
	int fd = openat(c->dirfd, tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 && errno == EEXIST) { /* ours from an earlier walk of this process: never another's */
		unlinkat(c->dirfd, tmp.buf, 0);
		fd = openat(c->dirfd, tmp.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	}
	if (fd < 0) {
		int e = errno;
		sbuf_release(&tmp);
		return e;
	}
	struct disk_header h;
	memset(&h, 0, sizeof(h));
	memcpy(h.magic, CACHE_MAGIC, 8);
	h.version = CACHE_FORMAT;
	h.endian = CACHE_ENDIAN;
	h.header_size = sizeof(h);
	h.entry_size = sizeof(struct cache_entry);
	h.nentries = n;
	h.nmatches = nm;
	h.strings_size = ss;
	h.body_size = n * sizeof(struct cache_entry) + nm * sizeof(struct disk_match) + ss;
	h.written_ns = c->now_ns;
	memcpy(h.digest, c->digest, 16);
	h.kind = (uint8_t)kind;
	h.base_checksum = bsum;

	struct writer w = { fd, xmalloc(WRITE_BUF), 0, XXH3_createState(), 0 };
	if (!w.xs)
		w.err = ENOMEM;
	else
		XXH3_64bits_reset(w.xs);
	/* the header is written last, with the checksum; its place is skipped over, but for the magic:
	 * a temporary left by a killed run is known as ours by it (remove_stale) */
	if (!w.err && pwrite(fd, h.magic, 8, 0) != 8)
		w.err = errno ? errno : EIO;
	if (!w.err && lseek(fd, (off_t)sizeof(h), SEEK_SET) < 0)
		w.err = errno;
	/* entries, then matches, then strings, each section in the same order */
	for (int pass = 0; pass < 3 && !w.err; pass++) {
		uint32_t moff = 0, soff = 0;
		for (size_t i = 0; i < n && !w.err; i++) {
			const struct cache_entry *o = v[i].e;
			const struct cache_rec *r = v[i].r;
			if (pass == 0) {
				struct cache_entry e;
				if (o) {
					e = *o;
				} else {
					memset(&e, 0, sizeof(e));
					e.dev = r->st.dev;
					e.ino = r->st.ino;
					e.size = r->st.size;
					e.mtime_ns = r->st.mtime_ns;
					e.ctime_ns = r->st.ctime_ns;
					e.seen_ns = c->now_ns;
					memcpy(e.hash, r->hash, 16);
					e.mode = r->st.mode;
					e.path_len = (uint32_t)r->keylen;
					e.nmatch = r->n;
					e.limit_line = r->limit_line;
					e.limit_pat = r->limit_pat;
					e.status = r->status;
					e.lang = r->lang;
					e.test = r->test;
					e.has_hash = (uint8_t)r->has_hash;
					e.mods_len = (uint16_t)r->modslen;
				}
				e.path_off = soff;
				e.match_off = moff;
				w_add(&w, &e, sizeof(e));
			} else if (pass == 1) {
				if (o) {
					w_add(&w, v[i].m->match + o->match_off, o->nmatch * sizeof(struct disk_match));
				} else {
					for (uint32_t k = 0; k < r->n; k++) {
						struct disk_match d = { r->m[k].line, r->m[k].col, r->m[k].pat,
									r->m[k].outcome, 0 };
						w_add(&w, &d, sizeof(d));
					}
				}
			} else {
				if (o) {
					w_add(&w, v[i].m->strings + o->path_off, o->path_len + o->mods_len);
				} else {
					w_add(&w, r->key, r->keylen);
					w_add(&w, r->mods, r->modslen);
				}
			}
			moff += o ? o->nmatch : r->n;
			soff += o ? o->path_len + o->mods_len : (uint32_t)(r->keylen + r->modslen);
		}
	}
	w_flush(&w);
	if (!w.err) {
		h.checksum = XXH3_64bits_digest(w.xs);
		*sum = h.checksum;
		if (pwrite(fd, &h, sizeof(h), 0) != (ssize_t)sizeof(h))
			w.err = errno ? errno : EIO;
	}
	if (close(fd) && !w.err)
		w.err = errno;
	if (!w.err && renameat(c->dirfd, tmp.buf, c->dirfd, name))
		w.err = errno;
	if (w.err)
		unlinkat(c->dirfd, tmp.buf, 0);
	XXH3_freeState(w.xs);
	free(w.buf);
	sbuf_release(&tmp);
	return w.err;
}

void cache_save(struct cache *c, int full, struct sbuf *warn)
{
	uint64_t t0 = mono_ns();
	size_t dropped = 0;
	for (int k = 0; k < 2; k++) {
		const struct cmap *m = k ? &c->delta : &c->base;
		for (size_t i = 0; i < m->n; i++)
			dropped += m->seen[i] == 0 && full;
	}
	c->st.dropped = dropped;
	c->saved = SAVED_NOTHING;
	if (!c->nrec && !dropped && !c->st.invalidated)
		return; /* nothing changed (or nothing to remember and nothing to replace) */

	/* Few changes and no drop: rewrite only the delta (its kept entries and the records), which
	 * keeps the cost of a run that changed one file close to that of a warm run. */
	size_t limit = c->base.n / 16 > DELTA_MIN ? c->base.n / 16 : DELTA_MIN;
	size_t nd = 0;
	for (size_t i = 0; i < c->delta.n; i++)
		nd += kept(&c->delta, i, full);
	int as_delta = c->base.map && !dropped && !c->st.invalidated && nd + c->nrec <= limit;

	size_t n = 0;
	struct src *v = xmalloc((c->base.n + c->delta.n + c->nrec + 1) * sizeof(*v));
	if (!as_delta)
		for (size_t i = 0; i < c->base.n; i++)
			if (kept(&c->base, i, full))
				v[n++] = (struct src){ &c->base, &c->base.ent[i], NULL };
	for (size_t i = 0; i < c->delta.n; i++)
		if (kept(&c->delta, i, full))
			v[n++] = (struct src){ &c->delta, &c->delta.ent[i], NULL };
	for (size_t i = 0; i < c->nrec; i++)
		v[n++] = (struct src){ NULL, NULL, &c->rec[i] };

	uint64_t sum = 0;
	int err = write_file(c, as_delta ? c->dname : c->name, as_delta, as_delta ? c->base.checksum : 0, v, n, &sum);
	free(v);
	c->saved = err ? SAVED_FAILED : as_delta ? SAVED_DELTA : SAVED_BASE;
	if (err) {
		sbuf_addf(warn, "walker: warning: unable to save the cache '%s': %s; the previous one is kept\n",
			  c->st.path, strerror(err));
	} else {
		/* a new base makes any delta obsolete (it would be ignored anyway: another base checksum) */
		if (!as_delta)
			unlinkat(c->dirfd, c->dname, 0);
		c->st.written = n;
		remove_stale(c->dirfd, c->name);
	}
	c->st.save_ns = mono_ns() - t0;
}

int cache_clear(const char *file, const char *root_real)
{
	struct sbuf warn = SBUF_INIT;
	char *path = file ? xstrdup(file) : cache_default_path(root_real, &warn);
	sbuf_release(&warn);
	if (!path)
		return 0;
	int rc = 0;
	const char *base;
	char *dir = dir_of(path, &base);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0 && file && (rc = refuse_foreign(dfd, path, base))) {
		close(dfd);
	} else if (dfd >= 0) {
		struct sbuf d = SBUF_INIT;
		sbuf_addf(&d, "%s.delta", base);
		if (unlinkat(dfd, base, 0) && errno != ENOENT)
			rc = err_errno("unable to remove the cache '%s'", path);
		else if (unlinkat(dfd, d.buf, 0) && errno != ENOENT)
			rc = err_errno("unable to remove the cache '%s.delta'", path);
		sbuf_release(&d);
		remove_stale(dfd, base);
		close(dfd);
	} else if (errno != ENOENT) {
		rc = err_errno("unable to open the cache directory '%s'", dir);
	}
	free(dir);
	free(path);
	return rc;
}

void cache_refresh(struct cache *c, struct sbuf *warn)
{
	uint64_t t0 = mono_ns();
	for (size_t i = 0; i < c->nrec; i++)
		cache_rec_release(&c->rec[i]);
	c->nrec = 0;
	char *path = c->st.path;
	c->st.path = NULL;
	memset(&c->st, 0, sizeof(c->st));
	c->st.path = path;
	c->now_ns = now_real_ns();
	if (c->saved == SAVED_NOTHING || c->saved == SAVED_DELTA) {
		/* the base is what it was: only the delta is new, if anything */
		if (c->saved == SAVED_DELTA) {
			map_release(&c->delta);
			const char *why = load_map(c, &c->delta, c->dname, 1);
			if (why && *why)
				sbuf_addf(warn, "walker: warning: cache '%s.delta' is %s; it will be rebuilt\n", path,
					  why);
			if (why && *why)
				c->st.invalidated = 1;
		}
		if (c->base.n)
			memset(c->base.seen, 0, c->base.n);
		if (c->delta.n)
			memset(c->delta.seen, 0, c->delta.n);
		for (size_t i = 0; i < c->delta.n; i++) {
			const struct cache_entry *e = &c->delta.ent[i];
			const struct cache_entry *b =
				map_find(&c->base, c->delta.strings + e->path_off, e->path_len, NULL);
			if (b)
				c->base.seen[b - c->base.ent] = 3;
		}
		c->st.loaded = c->base.n + c->delta.n;
	} else { /* a new base, or a save that failed: as cache_open does */
		map_release(&c->base);
		map_release(&c->delta);
		load(c, path, warn);
	}
	c->saved = SAVED_NOTHING;
	c->st.load_ns = mono_ns() - t0;
}

struct cache_stats *cache_stats(struct cache *c)
{
	return &c->st;
}

void cache_close(struct cache *c)
{
	if (!c)
		return;
	map_release(&c->base);
	map_release(&c->delta);
	for (size_t i = 0; i < c->nrec; i++)
		cache_rec_release(&c->rec[i]);
	free(c->rec);
	free(c->name);
	free(c->dname);
	free(c->st.path);
	if (c->dirfd >= 0)
		close(c->dirfd);
	free(c);
}
