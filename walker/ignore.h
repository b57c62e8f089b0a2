/*
 * ign: gitignore rules, matched exactly as git does (gitignore(5)).
 *
 * Calling sequence:
 *   struct ign_list *l = ign_list_parse(text, len, "src/", "src/.gitignore", icase);
 *   int r = ign_list_match(l, "src/a/b.o", 9, basename_offset, is_dir);
 *       r < 0: excluded by the last matching pattern, r > 0: re-included by a negation,
 *       r == 0: no pattern of this list matches (ask the next list)
 *   ign_list_free(l);
 *
 * Paths are relative to the repository (or walk) root, '/'-separated, without a leading slash,
 * NUL-terminated at path[len]; base_off is the offset of the last component.
 * Lists are immutable after parsing and safe to share between threads.
 */
#ifndef IGNORE_H
#define IGNORE_H

#include <stddef.h>

struct ign_list;

/* Parse ignore-file text; base is the directory of the file relative to the root ("" or "dir/").
 * Never fails: malformed lines are taken literally, as git does. Returns NULL when no pattern. */
struct ign_list *ign_list_parse(const char *text, size_t len, const char *base, const char *source, int icase);
void ign_list_free(struct ign_list *l);
/* Read and parse the ignore file name (relative to dirfd, as openat). NULL when it is absent,
 * unreadable, not a regular file, over IGN_FILE_MAX or has no pattern: git skips such files too.
 * IGN_FILE_MAX is git's PATTERN_MAX_FILE_SIZE (dir.c: a file of 100 MiB or more is skipped). */
#define IGN_FILE_MAX ((100u << 20) - 1)
struct ign_list *ign_list_read(int dirfd, const char *name, const char *base, int icase);
/* The same for a .gitignore inside the work tree: never read through a symlink, as git (2.32
 * and later) refuses one ("Too many levels of symbolic links"). */
struct ign_list *ign_list_read_in_tree(int dirfd, const char *name, const char *base, int icase);
int ign_list_match(const struct ign_list *l, const char *path, size_t len, size_t base_off, int is_dir);
size_t ign_list_count(const struct ign_list *l);

/* One pattern against one NUL-terminated text, with git's wildmatch semantics (compiled for this
 * call; lists compile each pattern once): with pathname set (WM_PATHNAME) '*', '?' and brackets
 * do not match '/', and "**" between slashes spans directories. Returns 1 on match. */
int ign_wildmatch(const char *pat, const char *text, int pathname, int icase);

#endif
