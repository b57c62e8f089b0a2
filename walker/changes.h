/*
 * changes: --changed-since without libgit2's work-tree diff. The walk lists the files (no reading)
 * and judges each from the stat(2) it makes anyway against the index's stat data, as git status
 * does; meanwhile a thread compares ref's tree with the index (repo_since). What the walk cannot
 * settle alone waits for the end: a clean file judged before ref's side was known, a dirty one
 * (compared by content). The result is the list a scan then checks (walk_opts.only).
 *
 *   chg_start(&c, "/abs/root", "HEAD~3", max);   (the ref side starts in the background)
 *   walk_run with walk_opts.changes = c, list_files set: chg_judge per regular file, chg_settle
 *   at the end
 *   chg_finish(c, &paths, &tools, &n);           (absolute paths; or CHG_FALLBACK: ask libgit2)
 *   chg_free(c);
 */
#ifndef CHANGES_H
#define CHANGES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct changes;
struct repo;

#define CHG_FALLBACK 1 /* chg_finish: the index's stat data was not usable; nothing was decided */
#define CHG_RETRY 2    /* chg_finish: the index changed while it was read twice; walk again */

/* max_size: --max-filesize (a dirty file above it counts as changed without being hashed) */
int chg_start(struct changes **out, const char *abs_root, const char *ref, uint64_t max_size);
/* One regular file of the walk (path relative to the work tree, st its lstat, tools the
 * rules_tool bits configured for its directory, handed back with it): thread-safe. rp: the walk's
 * repository (NULL when it has none: the run falls back). */
void chg_judge(struct changes *c, struct repo *rp, const char *path, size_t len, const struct stat *st, unsigned tools);
/* Judge what chg_judge kept while the index was being read: called by the walk before it lets its
 * repository go (chg_judge does it too, once the index is there). */
void chg_settle(struct changes *c, struct repo *rp);
/* Wait for ref's side, settle what waited, and give the changed files as malloc'd absolute paths,
 * with the tools of each one's directory in the malloc'd (*tools)[i]. Returns 0, CHG_FALLBACK,
 * CHG_RETRY, or an ERR_* with err_msg(). */
int chg_finish(struct changes *c, char ***paths, uint8_t **tools, size_t *n);
void chg_free(struct changes *c);

#endif
