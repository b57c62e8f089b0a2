/*
 * cache: per-file scan results kept between runs (docs/cache.md), so that an
 * unchanged tree is re-checked with one stat(2) per file and a touched but
 * unchanged file without matching.
 *
 * Calling sequence:
 *   struct cache *c;
 *   cache_open(&c, NULL, "/real/root", rules->digest, rules->n, &warn);   (c is NULL when caching is off)
 *   ... threads: e = cache_find(c, key, len); cache_fresh(c, e, &st) ... cache_seen(c, e);
 *                cache_same_content(e, hash) ... cache_copy_result(c, e, &res)
 *                cache_rec_fill(&rec, ...) -> per-thread arrays, then cache_adopt(c, recs, n)
 *   cache_save(c, full_run, &warn);                              (writes only if something changed)
 *   [cache_refresh(c, &warn); ... the next walk, cache_save ...]  (a long-lived caller: --watch)
 *   cache_close(c);
 *
 * Keys are paths relative to the walked root. Lookups are read-only and
 * thread-safe; each entry is marked seen by the one thread that handles its
 * file. A cache file that cannot be trusted (truncated, corrupt, another
 * version, another owner, a symlink) is reported in warn and rebuilt; the walk
 * never depends on it being valid.
 */
#ifndef CACHE_H
#define CACHE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "sbuf.h"
#include "scan.h"

struct cache;
struct cache_entry;

/* The stat data compared as git does (device is kept but not compared: it may change across
 * mounts). */
struct cache_stat {
	uint64_t dev, ino, size;
	int64_t mtime_ns, ctime_ns;
	uint32_t mode;
};

/* A new or changed entry made by a walker thread; cache_adopt takes ownership of key and m. */
struct cache_rec {
	char *key;
	size_t keylen;
	struct cache_stat st;
	uint8_t hash[16];
	int has_hash; /* 0 for files never read (over the size limit) */
	uint8_t status, lang, test;
	uint16_t limit_pat;
	uint32_t limit_line;
	struct scan_match *m;
	uint32_t n;
	char *mods; /* Rust module declarations (rust.h), modslen <= 65535 */
	size_t modslen;
};

struct cache_stats {
	char *path; /* the cache file used, NULL when none */
	uint64_t loaded, hits_stat, hits_hash, racy, misses, dropped, written;
	uint64_t load_ns, save_ns;
	int invalidated; /* a cache for other rules or another version was discarded */
};

/* Open the cache for the walked directory root_real (a real path): file is the --cache FILE
 * or NULL for the default location; npat the number of patterns (stored ones are checked). Returns 0 with *out set, or with *out NULL when no cache
 * can be used (the reason is appended to warn). ERR_REFUSED when file, or file.delta, exists and
 * is not a walker cache (no magic, a FIFO, unreadable): saving would destroy it. */
int cache_open(struct cache **out, const char *file, const char *root_real, const uint8_t digest[16], unsigned npat,
	       struct sbuf *warn);
/* The default cache file of root_real, malloc'd; NULL with warn set when there is no home. */
char *cache_default_path(const char *root_real, struct sbuf *warn);
/* Is name (len bytes, in the cache file's directory) the cache file cache_name itself, its delta
 * or one of its temporaries? The walker never walks these (docs/cache.md). */
int cache_owns(const char *cache_name, const char *name, size_t len);
/* The name of the directory, under $XDG_CACHE_HOME or ~/.cache, that holds the default caches. */
#define CACHE_DIR_NAME "walker"
/* Remove root_real's cache file (file or the default) and stale temporaries. 0, ERR_IO, or
 * ERR_REFUSED when file (or file.delta) is not a walker cache: nothing is removed then. */
int cache_clear(const char *file, const char *root_real);

/* hint: the caller's own cursor (start at 0): files met in the order the last run stored them are
 * found without hashing. */
const struct cache_entry *cache_find(const struct cache *c, const char *key, size_t len, size_t *hint);
/* The stat data is identical and not racy: the stored result can be used as is. */
int cache_fresh(const struct cache *c, const struct cache_entry *e, const struct stat *st);
/* The entry was recorded for a file of this class (language, test code by its path): a tree
 * moved under another repository root classifies a path anew. lang -1: any language (a script's
 * comes from its first line, which the entry saw). */
int cache_same_class(const struct cache_entry *e, int lang, int test);
/* The language the entry's file was judged as (enum rules_lang). */
int cache_entry_lang(const struct cache_entry *e);
/* The entry's stat data is identical to st (but may be racy). */
int cache_same_stat(const struct cache_entry *e, const struct stat *st);
int cache_same_content(const struct cache_entry *e, const uint8_t hash[16]);
/* st is old enough that an entry recorded now would not be racy on the next run. */
int cache_settled(const struct cache *c, const struct stat *st);
void cache_seen(struct cache *c, const struct cache_entry *e);
/* The entry's stored result: status (enum walk_status), matches appended to res (reset first). */
int cache_result(const struct cache *c, const struct cache_entry *e, struct scan_result *res);
/* Mark e (may be NULL) as replaced by a record; thread-safe like cache_seen. */
void cache_replaced(struct cache *c, const struct cache_entry *e);

void cache_stat_of(struct cache_stat *cs, const struct stat *st);
void cache_hash(const void *buf, size_t len, uint8_t out[16]);

/* Take ownership of n records (and of the array). */
void cache_adopt(struct cache *c, struct cache_rec *recs, size_t n);
/* Write the cache when something changed. full: the run saw every file, so entries not seen are
 * dropped. Problems are appended to warn; the old cache then stays. */
void cache_save(struct cache *c, int full, struct sbuf *warn);
/* For a caller that walks the same root again and again (the watch loop): after cache_save, make
 * the cache what a new cache_open would load (what was saved, every entry unseen, no record, the
 * racy clock restarted) without loading an unchanged base again. Problems go to warn. */
void cache_refresh(struct cache *c, struct sbuf *warn);
void cache_close(struct cache *c);
struct cache_stats *cache_stats(struct cache *c);
void cache_rec_release(struct cache_rec *r);

#endif
