/*
 * repo: what the walker needs from the git repository around the walked root,
 * read with libgit2: its work tree, core.ignoreCase, .git/info/exclude,
 * core.excludesFile, and the set of tracked paths (git never ignores a tracked
 * file).
 *
 * Calling sequence:
 *   struct repo *rp;
 *   repo_open(&rp, "/abs/walk/root");        (rp is NULL when the root is not
 * in a work tree) repo_workdir(rp) ... repo_excludes(rp, lists) ...
 *   repo_is_tracked(rp, "src/a.rs", 8);       (thread-safe; the index is read
 * on first use) repo_free(rp);
 *
 * Paths are relative to the work tree, '/'-separated. The repository is
 * discovered like git does, honouring GIT_DIR, GIT_WORK_TREE and
 * GIT_CEILING_DIRECTORIES.
 */
#ifndef REPO_H
#define REPO_H

#include <stddef.h>
#include <stdint.h>

#include "sbuf.h"

struct repo;
struct ign_list;

/* The nearest directory at or above dir (absolute) holding a .git, directory or file, stopping at
 * a GIT_CEILING_DIRECTORIES entry: written to top with a trailing '/'. Returns 0 when none. */
int repo_find_top(const char *dir, struct sbuf *top);

/* Returns 0 with *out NULL when root is not inside a work tree (or the
 * repository is bare); ERR_GIT when a repository was found but cannot be read.
 */
int repo_open(struct repo **out, const char *abs_root);
void repo_free(struct repo *rp);

/* The work tree's absolute real path with a trailing '/'. */
const char *repo_workdir(const struct repo *rp);
int repo_ignore_case(const struct repo *rp);

/* .git/info/exclude and core.excludesFile, in that order of precedence; NULL
 * entries when absent. */
void repo_excludes(const struct repo *rp, const struct ign_list *out[2]);

/* Is path (a file) in the index? Is dir ("a/b/",
 * with its slash) the prefix of a tracked path? Thread-safe. When the index cannot be read
 * (corrupt, truncated, not a regular file, a format neither the reader below nor libgit2 knows),
 * nothing counts as tracked and repo_index_error says why: the caller must not trust the walk. */
int repo_is_tracked(struct repo *rp, const char *path, size_t len);
/* Start reading the index in the background (the walk goes on meanwhile); ready: loaded yet? */
void repo_index_prefetch(struct repo *rp);
int repo_index_ready(const struct repo *rp);
int repo_has_tracked_below(struct repo *rp, const char *dir, size_t len);
/* A digest of the set of tracked paths (the index is read first): it changes when a path is added
 * to or removed from the index, not when only its stat data or content does (--watch). */
uint64_t repo_tracked_digest(struct repo *rp);

/* Why the index could not be read, once it was needed; NULL when it was read (or never needed). */
const char *repo_index_error(const struct repo *rp);

/* The index reader itself (walker/repo_index.c), exposed for the fuzzer: parse the bytes of an
 * index (versions 2 to 4, split and sparse), giving each tracked path to add (sparse: a sparse
 * index's directory entry "dir/", outside the sparse checkout) and asking shared for a split
 * index's shared part ("sharedindex.HEX" beside it: 0 with its bytes appended to out, or -1).
 * Returns 0, or ERR_FORMAT with the message (nothing was given to add then). */
struct repo_index_stat { /* an entry's stat data as git recorded it, its blob id and flags */
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, ino, mode, uid, gid, size;
	unsigned char oid[20];
	uint16_t flags;  /* stage (bits 12-13), assume-valid (0x8000) */
	uint16_t xflags; /* extended (version 3+): skip-worktree 0x4000, intent-to-add 0x2000 */
};
struct repo_index_sink {
	/* st: NULL when unknown (an index whose object ids are not SHA-1s) */
	void (*add)(void *ctx, const char *path, size_t len, int sparse, const struct repo_index_stat *st);
	int (*shared)(void *ctx, const char *hex, struct sbuf *out);
	/* optional: the cache tree, after every entry was added: each directory whose tree id is
	 * known (valid), "" for the root (the tree the index would commit), else "a/b" */
	void (*tree)(void *ctx, const char *dir, size_t len, const unsigned char oid[20]);
	void *ctx;
};
int repo_index_parse(const void *buf, size_t len, const struct repo_index_sink *sink);

/* The files that differ between the commit or tree ref and the work tree of the repository around
 * abs_root: modified, added, renamed (the new name), untracked but not ignored; not deleted ones.
 * *paths gets *n malloc'd absolute paths (under the work tree's real path). ERR_GIT with a message
 * when abs_root is not in a work tree, the repository is bare or ref is unknown. */
int repo_changed_since(const char *abs_root, const char *ref, char ***paths, size_t *n);

/* --changed-since from the index's stat data (walker/changes.c puts these together).
 *
 * The work tree against the index: call repo_keep_stat before the index is first needed; then
 * repo_judge says, from one stat(2) of a regular file (path relative to the work tree), whether it
 * is untracked, clean (its bytes are the index's), dirty (its stat data differs or is racy: oid
 * gets the index's id and mode its 0100644 or 0100755, to be compared by content), changed for sure (unmerged, intent-to-add, a
 * new type or executable bit), unknown (no stat data kept: the caller falls back), or in a
 * submodule (below a gitlink entry: not this repository's file, as git status has it). */
enum { REPO_UNTRACKED, REPO_CLEAN, REPO_DIRTY, REPO_CHANGED, REPO_UNKNOWN, REPO_SUBMODULE };
void repo_keep_stat(struct repo *rp);
/* After repo_keep_stat: is path (relative to the work tree, no trailing '/') a submodule's
 * directory (a gitlink entry)? */
int repo_is_gitlink(struct repo *rp, const char *path, size_t len);
struct stat;
int repo_judge(struct repo *rp, const char *path, size_t len, const struct stat *st, unsigned char oid[20],
	       unsigned *mode);

/* ref's tree against the index, worked out in a thread of its own (libgit2 loaded there):
 *   repo_since_start(&s, abs_root, ref);      (errors are kept for repo_since_wait)
 *   repo_since_ready(s) ... repo_since_has(s, path, len)     (once ready: differs from ref?)
 *   repo_since_wait(s);                        (0, or ERR_GIT with the message)
 *   repo_since_differs(s, path, index_oid, mode)   (after the wait: a dirty file's content vs ref)
 *   repo_since_index_sum(s, &sum)              (== repo_index_sum's: both sides read one index)
 *   repo_since_free(s); */
struct repo_since;
int repo_since_start(struct repo_since **out, const char *abs_root, const char *ref);
int repo_since_ready(const struct repo_since *s);
int repo_since_has(const struct repo_since *s, const char *path, size_t len);
int repo_since_wait(struct repo_since *s);
const char *repo_since_workdir(const struct repo_since *s);
int repo_since_differs(struct repo_since *s, const char *path, const unsigned char index_oid[20], unsigned mode);
/* The digest of the index's bytes as each side read them (1: read; 0: unknown): equal when ref's
 * side read the very index the walk judged the files by (a git add or git reset in between would
 * make the two sides disagree). */
int repo_index_sum(struct repo *rp, uint64_t *sum);
int repo_since_index_sum(const struct repo_since *s, uint64_t *sum);
/* The tree the index would commit (its cache tree's root), read with the index: 1 when valid
 * (never for a split index). */
int repo_index_root(struct repo *rp, unsigned char oid[20]);
/* What the walk's reading of the index found: its cache tree's root (NULL: not valid) and digest.
 * When that root is HEAD's tree, ref's side reads no index of its own (one reading, nothing to
 * compare); else it reads one and the digests must agree. Tell it once, as soon as known: ref's
 * side waits for it (repo_since_wait and repo_since_free tell "none" if nobody did). */
void repo_since_index(struct repo_since *s, const unsigned char *root, int sum_ok, uint64_t sum);
/* A SIGBUS in this thread while it reads a mapped index (the file was cut short): makes that
 * reading fail; returns when the thread is not reading one. For the process's SIGBUS handler. */
void repo_sigbus(void);
void repo_since_free(struct repo_since *s);

#endif
