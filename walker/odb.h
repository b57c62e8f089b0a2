/*
 * odb: a git repository's refs and objects read without libgit2, for --changed-since's committed
 * side: libgit2's start-up alone (its TLS library parsing the system's CA bundle) costs more than
 * a warm run of a 5,000-file tree, and that side needs a few trees.
 *
 * Read-only, bounded, and narrow on purpose: SHA-1 repositories, loose objects, packs with index
 * version 2 (offset and ref deltas), loose and packed refs, the revision forms people pass to
 * --changed-since (a ref name as git's rev-parse looks it up, a full object id, `@`, and any chain
 * of `~N`, `^N`, `^{}`, `^{commit}`, `^{tree}`). Anything else, and anything damaged, is answered
 * with -1 and the caller asks libgit2, which handles it or says what is wrong: this module never
 * decides that a repository is broken.
 *
 * Calling sequence:
 *   struct odb *o;
 *   if (odb_open(&o, gitdir, commondir) == 0) {
 *       unsigned char tree[20];
 *       struct sbuf buf = SBUF_INIT;
 *       enum odb_type t;
 *       if (odb_rev_tree(o, "HEAD~3", tree) == 0 && odb_read(o, tree, &t, &buf) == 0)
 *           for (const char *p = buf.buf; odb_tree_next(&p, buf.buf + buf.len, &e) > 0;) ...
 *       sbuf_release(&buf);
 *   }
 *   odb_free(o);
 * An odb is used by one thread at a time.
 */
#ifndef ODB_H
#define ODB_H

#include <stddef.h>
#include <stdint.h>

struct odb;
struct sbuf;

enum odb_type { ODB_COMMIT = 1, ODB_TREE = 2, ODB_BLOB = 3, ODB_TAG = 4 };

/* The largest object read (inflated, or built from deltas): 64 MiB, far above any tree or commit. */
#define ODB_MAX_OBJECT ((size_t)64 << 20)

/* Opens the object store and refs of a repository: gitdir holds HEAD and the index, commondir
 * (the same for all but linked worktrees) the objects and refs. Returns 0, or -1 when the
 * repository is one this module leaves to libgit2 (alternates, grafts, replace refs, reftable,
 * an index of packs it cannot read). */
int odb_open(struct odb **out, const char *gitdir, const char *commondir);
void odb_free(struct odb *o);

/* Appends object oid's content to out and sets *type. Returns 0, or -1 (missing, damaged, too
 * big: out is left as it was). */
int odb_read(struct odb *o, const unsigned char oid[20], enum odb_type *type, struct sbuf *out);

/* The tree a revision names (a commit's, a tag's target's, or a tree itself). 0, or -1 when the
 * revision is not one this module reads or does not resolve. */
int odb_rev_tree(struct odb *o, const char *rev, unsigned char tree[20]);

/* One entry of a tree object. */
struct odb_entry {
	unsigned mode; /* 040000 tree, 0100644/0100755 blob, 0120000 link, 0160000 gitlink */
	const char *name;
	size_t len;
	const unsigned char *oid;
};
/* The next entry of the tree object text at *p (ending at end), advancing *p. Returns 1, 0 at the
 * end, -1 when the entry is malformed. */
int odb_tree_next(const char **p, const char *end, struct odb_entry *e);

/* Git's tree order: names compared bytewise, a tree's as if followed by '/'. <0, 0, >0. */
int odb_entry_cmp(const struct odb_entry *a, const struct odb_entry *b);

/* For tests and the fuzzer: a delta (git's copy/insert format) applied to base, appended to out
 * (0, or -1 when the delta is malformed or does not fit its base); and the object at offset of an
 * in-memory pack (offset deltas resolved inside it; ref deltas are missing bases). */
int odb_delta_apply(const unsigned char *base, size_t blen, const unsigned char *delta, size_t dlen, struct sbuf *out);
int odb_pack_read_mem(const unsigned char *pack, size_t len, uint64_t offset, enum odb_type *type, struct sbuf *out);

#endif
