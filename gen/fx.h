/*
 * fx: the fixture model shared by the files of genfixtures.
 *
 * Calling sequence (gen/main.c):
 *   const struct fx_def *def = fx_find("stress-monorepo", &param);
 *   struct fx_plan plan; fx_plan_init(&plan, def, seed, param, git);
 *   def->plan(&plan);                                   lay out the entries (no content yet)
 *   fx_write(&plan, dirfd, jobs, &stats)                render, write and hash every file in parallel
 *   fx_git_commit(...) / fx_manifest_write(...)         when asked
 *   fx_plan_release(&plan);
 *
 * Content is rendered on demand (in the writer threads) from a per-entry seed, so a million-file
 * tree never sits in memory. Rendering also reports the escape-pattern matches it plants, which
 * become the manifest's ground truth.
 */
#ifndef FX_H
#define FX_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

#define FX_GENERATOR_VERSION "5"
#define FX_DEFAULT_SEED 42
#define FX_DEFAULT_MTIME 1577836800LL /* 2020-01-01T00:00:00Z */

enum fx_type { FX_FILE = 'f', FX_DIR = 'd', FX_LINK = 'l', FX_FIFO = 'p' };

enum fx_flag {
	FX_IGNORED = 1 << 0,     /* excluded by the fixture's ignore rules */
	FX_NOPLANT = 1 << 1,     /* renders without planted matches (eligible for the git changeset) */
	FX_ADDED = 1 << 2,       /* git: created by the second commit */
	FX_MODIFIED = 1 << 3,    /* git: content changed by the second commit */
	FX_DELETED = 1 << 4,     /* git: present in the first commit only */
	FX_RENAMED = 1 << 5,     /* git: old_path in the first commit, path in the second */
	FX_UNREADABLE = 1 << 6,  /* mode is applied after the children are written */
	FX_SKIP_SIZE = 1 << 7,   /* over the walker's default size limit: not scanned */
	FX_SKIP_BINARY = 1 << 8, /* binary: not scanned */
	FX_CRLF = 1 << 9,        /* rendered with CRLF line endings */
	FX_BOM = 1 << 10,        /* rendered with a UTF-8 byte order mark */
	FX_NO_EOL = 1 << 11,     /* rendered without a final newline */
	FX_WAIVED = 1 << 12,     /* Rust: a crate root's documented waiver covers the file (docs/patterns.md) */
};

/* Content kinds understood by fx_render; fixtures may define more from FX_K_OWN on. */
enum fx_kind {
	FX_K_DATA = 0,   /* entry->data */
	FX_K_SRC_CLEAN,  /* filler only */
	FX_K_SRC_SPARSE, /* filler with one planted scenario unless FX_NOPLANT */
	FX_K_SRC_DENSE,  /* dense planted scenarios, plants on the first and last lines */
	FX_K_SRC_CASES,  /* every lexer and judgement case of the language (gen/langtab.c), in order */
	FX_K_OWN = 16,
};

/* Outcome of a planted regex hit under the default escape rules (docs/fixtures.md). A decoy is a
 * hit of a pattern's regex that is not a match: it lies in a string, or in a comment for a code
 * pattern, or in code for a comment pattern. */
enum fx_outcome { FX_VIOLATION, FX_ALLOWED, FX_TEST, FX_COUNTED, FX_DECOY };

struct fx_plant {
	uint32_t entry; /* index into plan->entries */
	uint32_t line;  /* 1-based */
	uint32_t col;   /* 1-based byte column */
	uint8_t outcome;
	const char *pattern; /* static string */
	const char *where;   /* FX_DECOY: "code", "comment", "string" or "regex" (static) */
};

struct fx_plants {
	struct fx_plant *v;
	size_t n, alloc;
};

struct fx_entry {
	char *path;       /* relative to the fixture root, in the plan's arena */
	char *old_path;   /* FX_RENAMED only */
	const char *data; /* static content or link target; NULL means render */
	uint64_t seed;
	uint32_t size_hint; /* generator-specific (lines, bytes, ...) */
	uint16_t mode;
	uint8_t type;
	uint8_t kind;  /* content kind: FX_K_* */
	uint8_t lang;  /* FX_K_SRC_*: enum lang_id */
	uint8_t test;  /* FX_K_SRC_*: the file is test code (by its path, or declared so by a Rust module) */
	uint8_t head;  /* FX_K_SRC_*: lines written first (enum lang_head: a shebang, Rust declarations) */
	uint8_t tools; /* FX_K_SRC_*: the tools configured for its directory (enum truth_tool; fx_plan_finish) */
	uint16_t flags;
	unsigned char hash[16]; /* XXH3-128 of the content, canonical form (filled by fx_write) */
	uint64_t bytes, lines;  /* filled by fx_write */
};

struct fx_plan;
struct fx_digest_item;

struct fx_def {
	const char *name;
	const char *desc;
	int stress; /* part of the default set */
	int git_ok; /* --git supported */
	void (*plan)(struct fx_plan *plan);
	/* Render entry e into out (reset by the caller); plants are appended to *plants. */
	void (*render)(const struct fx_plan *plan, uint32_t idx, struct sbuf *out, struct fx_plants *plants);
};

struct fx_plan {
	const struct fx_def *def;
	uint64_t seed;
	uint64_t param; /* scale:N */
	int git;
	char name[64]; /* "stress-monorepo", "scale-1000" */
	struct fx_entry *entries;
	size_t n, alloc;
	int64_t mtime;
};

const struct fx_def *fx_find(const char *arg, uint64_t *param, char *name, size_t name_size);
const struct fx_def *fx_defs(size_t *count);

void fx_plan_init(struct fx_plan *plan, const struct fx_def *def, uint64_t seed, uint64_t param, int git,
		  int64_t mtime);
void fx_plan_release(struct fx_plan *plan);
/* Append an entry; path is copied. Returns its index. */
uint32_t fx_add(struct fx_plan *plan, uint8_t type, const char *path, uint16_t mode);
/* A source file of language lang with about `lines` lines. */
uint32_t fx_add_src(struct fx_plan *plan, const char *path, uint8_t kind, int lang, int test, uint32_t lines);
uint32_t fx_addf(struct fx_plan *plan, uint8_t type, uint16_t mode, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Sort entries by path (bytes), choose the git changeset when plan->git, and give every source
 * file the tools configured for its directory (an ESLint or Biome configuration file there or
 * above, in the plan). */
void fx_plan_finish(struct fx_plan *plan);
/* Render entry idx (handles static data and the git "modified" suffix). first_commit selects the
 * content of the first commit for FX_MODIFIED entries. */
void fx_render(const struct fx_plan *plan, uint32_t idx, int first_commit, struct sbuf *out, struct fx_plants *plants);

void fx_plants_add(struct fx_plants *p, const struct fx_plant *x);

/* Writing (gen/write.c) */
struct fx_stats {
	uint64_t files, dirs, links, fifos, bytes, lines, ignored_files;
	unsigned char digest[16];
	struct fx_plants plants; /* sorted by entry, line, col */
};
/* The digest items of the plan's final tree (hashes must have been computed); free() the array. */
size_t fx_plan_items(const struct fx_plan *plan, struct fx_digest_item **out);
/* Progress of fx_write, for a display: called from one writer thread, after each batch, with the
 * entries done so far and their total (the callee throttles and prints; this module prints nothing). */
typedef void fx_progress_fn(void *ctx, size_t done, size_t total);
/* Write the plan's tree under dirfd (an empty directory); dirfd -1 renders and hashes only. first_commit: write the first-commit
 * state (git mode) instead of the final one. progress may be NULL. Returns 0 or a negative err code. */
int fx_write(struct fx_plan *plan, int dirfd, unsigned jobs, int first_commit, fx_progress_fn *progress,
	     void *progress_ctx, struct fx_stats *st);
/* Move the tree written with first_commit=1 to its final state. */
int fx_apply_changeset(struct fx_plan *plan, int dirfd, struct fx_stats *st);
/* Set modes of unreadable entries and the fixed mtime on everything (directories last). */
int fx_finalize_meta(struct fx_plan *plan, int dirfd, int64_t mtime);
void fx_stats_release(struct fx_stats *st);

/* Digest (gen/digest.c): combine (path, type, mode, content hash) in path order. */
struct fx_digest_item {
	const char *path;
	size_t path_len;
	uint8_t type;
	uint16_t mode;
	unsigned char hash[16];
};
void fx_digest(struct fx_digest_item *items, size_t n, unsigned char out[16]); /* sorts items */
/* Recompute the digest of a tree on disk; *first_diff gets a path when it differs from `items`. */
int fx_digest_disk(int dirfd, unsigned jobs, unsigned char out[16], struct fx_digest_item **items, size_t *n);
void fx_digest_items_free(struct fx_digest_item *items, size_t n);

/* git (gen/gitrepo.c) */
int fx_git_init_commit(const char *dir, const struct fx_plan *plan, int second, char commit_hex[41]);

#endif
