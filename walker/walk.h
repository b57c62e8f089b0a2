/*
 * walk: the adaptive parallel walk. Lists directories with getdents64, applies
 * the ignore rules as git does, reads each file that some pattern applies to
 * (read(2) below the mmap threshold, mmap at or above it) and scans it on the
 * same thread.
 *
 * Calling sequence:
 *   struct walk_opts o = WALK_OPTS_INIT;  o.jobs = 4; ...
 *   struct walk_result res;
 *   if (walk_run(&o, rules, "path/given", &res) < 0) ... err_msg() ...
 *   ... res.files[0 .. res.n) sorted by path (unless o.unsorted) ...
 *   walk_result_release(&res);
 *
 * Only files with something to report (a match, a skip, an error) are returned;
 * the stats count the rest. Work is shared through per-thread LIFO deques with
 * batch stealing: depth-first order keeps few directories open, and a directory
 * with many files is split into batches that other threads can steal. The walk
 * starts on the calling thread and brings in the other workers once the pending
 * work passes a threshold (docs/walker.md).
 */
#ifndef WALK_H
#define WALK_H

#include <stddef.h>
#include <stdint.h>

#include "cache.h"
#include "rules.h"
#include "scan.h"

enum walk_mode { WM_AUTO, WM_SEQUENTIAL, WM_PARALLEL };

/* One of the walker's own caches inside the walked tree. dir: its directory relative to the root
 * ("" or "a/b/"); name: the default cache directory (whole) or a cache file, whose delta and
 * temporaries are left out too (cache_owns). */
struct walk_self {
	const char *dir, *name;
	int whole;
};

struct walk_opts {
	int hidden;    /* include dot-files */
	int no_ignore; /* ignore no .gitignore, .ignore or git exclude */
	int follow;    /* follow symlinks (loops detected by device and inode) */
	int one_fs;    /* do not cross into other file systems */
	int unsorted;
	long max_depth;           /* -1: unlimited; N: the files down to N directories below the root (0: its own) */
	int jobs;                 /* worker threads, >= 1 */
	int mode;                 /* enum walk_mode */
	uint64_t mmap_min;        /* 0: the walk's default (walk.c) */
	unsigned spawn_threshold; /* auto: pending files (directories count 16) before
                               workers start */
	unsigned spawn_delay_us;  /* auto: and not before the walk has run this long */
	int timing;               /* measure discovery / read / match time (--stats) */
	int list_files;           /* report every walked file instead of scanning (--files) */
	struct cache *cache;      /* per-file results kept between runs; NULL: none */
	/* scan only these paths, relative to the work tree, instead of walking (--changed-since) */
	char *const *only;
	size_t nonly;
	/* the walker's own caches inside the walked tree (the default cache directory, a --cache
	 * file): never walked */
	struct walk_self self[2];
	size_t nself;
	int only_named; /* only lists files named on the command line: no hidden or depth rule */
	/* --shard: scan only the files whose XXH3-64 of the path relative to the walk root is
	 * shard_index modulo shard_count (0: no sharding); directories are walked by every shard */
	unsigned shard_index, shard_count;
	/* --watch: the only paths are re-checked as a walk would meet them (ignore rules, tracked
	 * files, hidden, depth; a directory is walked whole; a path that is gone is skipped) */
	int rewalk;
	/* Rust module declarations are left unjudged: each file keeps its own result and its
	 * declarations (mods), and files that only have declarations are kept (walk_module_marks) */
	int raw_modules;
	const struct walk_hooks *hooks; /* NULL: none */
	/* --changed-since with list_files: each regular file is judged (chg_judge), none listed */
	struct changes *changes;
	/* with only: the rules_tool bits of each path's directory, as a listing walk found them;
	 * NULL: each directory on the way is probed */
	const uint8_t *only_tools;
};
#define WALK_OPTS_INIT                                                                                                 \
	{                                                                                                              \
		0, 0, 0, 0, 0, -1, 1, WM_AUTO, 0, 64, 1000, 0, 0, NULL, NULL, 0, { { NULL } }, 0, 0, 0, 0, 0, 0, NULL, \
			NULL, NULL                                                                                     \
	}

/* Callbacks for a caller that follows the tree (the watch loop). Called from any worker thread,
 * concurrently: the callee locks what it shares. Paths are relative to the walk root. */
struct walk_hooks {
	void *ctx;
	/* a directory the walk enters (rel "" for the root, else "a/b/"), open as fd, before it is
	 * listed */
	void (*dir)(void *ctx, const char *rel, size_t len, int fd);
	/* a regular file the walk counts in stats.files (rel "a/b/c.rs", its name at base) */
	void (*file)(void *ctx, const char *rel, size_t len, size_t base);
};

enum walk_status {
	WF_OK,
	WF_BINARY,     /* skipped: binary */
	WF_TOO_LARGE,  /* skipped: over max_filesize */
	WF_LIMIT,      /* a pattern hit PCRE2's match limit; the other matches are reported
             */
	WF_SPECIAL,    /* skipped: FIFO, socket or device */
	WF_LINK_LOOP,  /* --follow: a symlink loop */
	WF_UNREADABLE, /* an error opening or reading a file or directory; reason says
                    which */
};

struct walk_file {
	char *path; /* as displayed: the given root joined with the relative path */
	size_t pathlen;
	struct scan_match *m;
	size_t n;
	int status;
	int is_dir;
	uint8_t lang, test;
	uint16_t limit_pat;
	uint32_t limit_line;
	char *reason; /* WF_UNREADABLE: what failed and why */
	char *mods;   /* Rust: the module files it declares (rust.h); used by the walk, then freed */
	size_t modslen;
	int shadow; /* --shard: another shard's file, kept only for its modules until the walk ends */
};

struct walk_stats {
	uint64_t files;         /* regular files seen and not ignored */
	uint64_t files_scanned; /* of those, read and matched */
	uint64_t files_read, files_mapped;
	uint64_t bytes; /* bytes scanned */
	uint64_t dirs;
	uint64_t ignored, hidden, symlinks, no_pattern;
	uint64_t skipped_binary, skipped_large, special, unreadable;
	uint64_t ns_discovery, ns_read, ns_match;
	uint64_t cache_hits_stat, cache_hits_hash, cache_racy, cache_misses;
	unsigned threads_used;
	int went_parallel;
};

struct walk_result {
	struct walk_file *files;
	size_t n, alloc;
	struct walk_stats stats;
};

/* Walk root (a directory or a file). Returns 0, or a negative ERR_* when the
 * root itself cannot be walked (the message names it); per-entry problems are
 * reported in the result, not returned. */
int walk_run(const struct walk_opts *o, const struct rules *r, const char *root, struct walk_result *out);
void walk_result_release(struct walk_result *res);

/* Merge b into a (moves the files); a is sorted again unless unsorted. */
void walk_result_merge(struct walk_result *a, struct walk_result *b, int unsorted);

const char *walk_status_name(int status);

/* Rust module declarations (docs/patterns.md, "Test code"), judged after the walk: a crate
 * root's documented waiver of undocumented unsafe blocks covers the modules it declares, and a
 * #[cfg(test)] declaration makes the module file test code. */
#define WALK_MARK_WAIVER 1
#define WALK_MARK_TEST 2
/* The marks that reach each of files[0 .. n) (a walk's files with raw_modules: their own results
 * and declarations) into marks[0 .. n). */
void walk_module_marks(const struct walk_file *files, size_t n, uint8_t *marks);
/* Judge f's own result under its marks, as a walk does. */
void walk_apply_marks(struct walk_file *f, unsigned marks, const struct rules *r);

#endif
