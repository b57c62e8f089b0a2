/* repo: the git repository around the walked root (libgit2), and its
 * tracked-path set. */
#include "repo.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <git2.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "err.h"
#include "fdio.h"
#include "ignore.h"
#include "odb.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

/* An open-addressing set of strings kept in one block. */
struct strset {
	uint32_t *slots; /* offset + 1 into text; 0 = empty */
	uint32_t *val;   /* per slot, a value kept with the string (NULL: none kept) */
	size_t mask;
	struct sbuf text; /* each string followed by NUL */
	size_t n;
};

/* The directories that hold tracked paths, each once as (parent, last component): an index entry
 * N components deep costs O(N) bytes, not the O(N^2) of all its prefixes as strings. An id is the
 * entry's index + 1; 0 is the work tree itself. */
struct dir_ent {
	uint32_t parent, off, len;
};
struct dirset {
	uint32_t *slots; /* id; 0 = empty */
	size_t mask;
	struct dir_ent *e;
	size_t n, alloc;
	struct sbuf names;
};

/* The directories of the path last added to a dirset: their text ("a/b/"), where each ends
 * (its '/') and its id. */
struct dir_way {
	struct sbuf text;
	size_t *end;
	uint32_t *id;
	size_t n, aend, aid;
};

struct repo {
	git_repository *git;
	char *workdir;
	char *gitdir;    /* fast path: the .git directory (libgit2 not loaded) */
	char *index_dir; /* the directory of the index file: gitdir, or libgit2's repository path */
	char *index_err; /* why the index could not be read, set before loaded */
	int icase;
	struct ign_list *exclude, *global;
	char *abs_root;
	pthread_mutex_t lock;
	pthread_cond_t ready; /* signalled when the background index load is done */
	pthread_t thread;
	int thread_started;
	atomic_int loaded;
	struct strset files; /* with keep_stat, each path's value is its entry in ist, plus 1 */
	struct dirset dirs;
	struct dir_way way; /* while the index is read */
	int keep_stat;      /* --changed-since: each entry's stat data is kept (repo_keep_stat) */
	struct ientry *ist;
	size_t nist, aist;
	uint32_t imt_s, imt_ns; /* the index file's mtime: an entry as new as it is racily clean */
	uint64_t isum;          /* a digest of the index's bytes as read (XXH3), to tell --changed-since's ... */
	int isum_ok;            /* ... two readings of it apart; 0 when it could not be read */
	int no_filemode;        /* core.fileMode = false: the executable bit is not compared (git's word) */
	unsigned char root[20]; /* the index's cache tree root: the tree it would commit, ... */
	int has_root;           /* ... when it is valid */
	int split;              /* the index is split (it has a shared part) */
};

/* An index entry's stat data, for repo_judge. */
struct ientry {
	struct repo_index_stat st;
	uint8_t known;    /* the stat data was given (a SHA-1 index) */
	uint8_t conflict; /* more than one stage: an unresolved merge */
};

/*
 * libgit2 is loaded with dlopen, and only when a repository is found above the root. Linked
 * normally it drags in TLS, SSH and Kerberos libraries whose loading and start-up (the CA bundle
 * is parsed in git_libgit2_init) cost about 5 ms per run: more than the whole walk of a small tree.
 */
#ifndef WALKER_LIBGIT2_SONAME
#define WALKER_LIBGIT2_SONAME "libgit2.so"
#endif
/* one libgit2 function per X(); clang-format does not settle on a layout for this list */
/* clang-format off */
#define GIT_FUNCS(X) \
	X(git_libgit2_init) X(git_libgit2_shutdown) X(git_repository_open_ext) X(git_error_last) \
	X(git_repository_is_bare) X(git_repository_workdir) X(git_repository_free) \
	X(git_repository_config_snapshot) X(git_config_get_bool) X(git_config_get_path) X(git_buf_dispose) \
	X(git_config_free) X(git_repository_commondir) X(git_repository_path) X(git_revparse_single) \
	X(git_object_peel) \
	X(git_object_free) X(git_diff_options_init) X(git_diff_tree_to_workdir_with_index) \
	X(git_diff_num_deltas) X(git_diff_get_delta) X(git_diff_free) \
	X(git_diff_tree_to_index) X(git_repository_hashfile) X(git_object_id) X(git_tree_lookup) \
	X(git_tree_free) X(git_tree_entrycount) X(git_tree_entry_byindex) X(git_tree_entry_byname) \
	X(git_tree_entry_name) X(git_tree_entry_id) X(git_tree_entry_filemode)
/* clang-format on */

static struct {
#define DECL(f) __typeof__(f) *f;
	GIT_FUNCS(DECL)
#undef DECL
} lg;
static pthread_once_t lg_once = PTHREAD_ONCE_INIT;
static int lg_ok;

static void lg_load(void)
{
	void *h = dlopen(WALKER_LIBGIT2_SONAME, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		h = dlopen("libgit2.so", RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return;
#define LOAD(f)                         \
	*(void **)&lg.f = dlsym(h, #f); \
	if (!lg.f)                      \
		return;
	GIT_FUNCS(LOAD)
#undef LOAD
	lg.git_libgit2_init();
	lg_ok = 1;
}

int repo_find_top(const char *dir, struct sbuf *top)
{
	const char *ceil = getenv("GIT_CEILING_DIRECTORIES");
	struct sbuf p = SBUF_INIT;
	sbuf_addstr(&p, dir);
	while (p.len > 1 && p.buf[p.len - 1] == '/')
		sbuf_setlen(&p, p.len - 1);
	int found = 0;
	for (;;) {
		struct stat st;
		size_t keep = p.len;
		sbuf_addstr(&p, p.len == 1 ? ".git" : "/.git");
		found = lstat(p.buf, &st) == 0;
		sbuf_setlen(&p, keep);
		if (found)
			break;
		char *sl = strrchr(p.buf, '/');
		if (!sl || p.len == 1)
			break;
		sbuf_setlen(&p, sl == p.buf ? 1 : (size_t)(sl - p.buf));
		int stop = 0;
		for (const char *c = ceil; c && *c && !stop;) {
			const char *e = strchr(c, ':');
			size_t n = e ? (size_t)(e - c) : strlen(c);
			while (n > 1 && c[n - 1] == '/')
				n--;
			stop = n == p.len && !memcmp(c, p.buf, n);
			c += n;
			while (*c && *c != ':')
				c++;
			if (*c == ':')
				c++;
		}
		if (stop)
			break;
	}
	if (found) {
		sbuf_reset(top);
		sbuf_add(top, p.buf, p.len);
		if (top->buf[top->len - 1] != '/')
			sbuf_addch(top, '/');
	}
	sbuf_release(&p);
	return found;
}

static void strset_grow(struct strset *s);

static size_t strset_find(const struct strset *s, const char *p, size_t len, uint64_t h)
{
	size_t i = (size_t)h & s->mask;
	for (;;) {
		uint32_t v = s->slots[i];
		if (!v)
			return i;
		const char *t = s->text.buf + v - 1;
		if (!memcmp(t, p, len) && t[len] == '\0')
			return i;
		i = (i + 1) & s->mask;
	}
}

/* Add p (with the value v when values are kept): 1 when added, 0 when p was there already (its
 * value, kept, into *had), -1 when the set is full (4 GiB of paths: the rest count as absent). */
static int strset_put(struct strset *s, const char *p, size_t len, uint32_t v, uint32_t *had)
{
	if (!s->slots || (s->n + 1) * 2 > s->mask + 1)
		strset_grow(s);
	uint64_t h = XXH3_64bits(p, len);
	size_t i = strset_find(s, p, len, h);
	if (s->slots[i]) {
		*had = s->val ? s->val[i] : 0;
		return 0;
	}
	if (s->text.len + len + 1 >= UINT32_MAX)
		return -1;
	s->slots[i] = (uint32_t)s->text.len + 1;
	if (s->val)
		s->val[i] = v;
	sbuf_add(&s->text, p, len);
	sbuf_addch(&s->text, '\0');
	s->n++;
	return 1;
}

static void strset_add(struct strset *s, const char *p, size_t len, uint32_t v)
{
	uint32_t had;
	strset_put(s, p, len, v, &had);
}

/* Room for n strings without growing (a hint: the set still grows past it). */
static void strset_reserve(struct strset *s, size_t n)
{
	size_t cap = 1024;
	while (cap / 2 < n && cap < ((size_t)1 << 31))
		cap *= 2;
	if (!s->slots && cap > 1024) {
		s->slots = xcalloc_big(cap, sizeof(*s->slots));
		s->val = xcalloc_big(cap, sizeof(*s->val));
		s->mask = cap - 1;
	}
}

static void strset_grow(struct strset *s)
{
	size_t cap = s->slots ? (s->mask + 1) * 2 : 1024;
	uint32_t *old = s->slots, *oldv = s->val;
	size_t oldcap = old ? s->mask + 1 : 0;
	s->slots = xcalloc_big(cap, sizeof(*s->slots));
	s->val = oldv || !old ? xcalloc_big(cap, sizeof(*s->val)) : NULL;
	s->mask = cap - 1;
	for (size_t i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		const char *t = s->text.buf + old[i] - 1;
		size_t len = strlen(t);
		size_t k = strset_find(s, t, len, XXH3_64bits(t, len));
		s->slots[k] = old[i];
		if (oldv)
			s->val[k] = oldv[i];
	}
	free(old);
	free(oldv);
}

static int strset_has(const struct strset *s, const char *p, size_t len)
{
	if (!s->slots)
		return 0;
	return s->slots[strset_find(s, p, len, XXH3_64bits(p, len))] != 0;
}

/* The value kept with p; 0 when p is absent or no values are kept. */
static uint32_t strset_val(const struct strset *s, const char *p, size_t len)
{
	if (!s->slots || !s->val)
		return 0;
	size_t i = strset_find(s, p, len, XXH3_64bits(p, len));
	return s->slots[i] ? s->val[i] : 0;
}

/* Is p in the set? Its value (0: none kept) into *v. */
static int strset_get(const struct strset *s, const char *p, size_t len, uint32_t *v)
{
	*v = 0;
	if (!s->slots)
		return 0;
	size_t i = strset_find(s, p, len, XXH3_64bits(p, len));
	if (s->slots[i] && s->val)
		*v = s->val[i];
	return s->slots[i] != 0;
}

static void strset_release(struct strset *s)
{
	free(s->slots);
	free(s->val);
	sbuf_release(&s->text);
	memset(s, 0, sizeof(*s));
}

static uint64_t dir_hash(uint32_t parent, const char *name, size_t len)
{
	return XXH3_64bits_withSeed(name, len, parent);
}

/* The slot of (parent, name), or of the empty slot where it would go. */
static size_t dirset_slot(const struct dirset *d, uint32_t parent, const char *name, size_t len, uint64_t h)
{
	for (size_t i = (size_t)h & d->mask;; i = (i + 1) & d->mask) {
		uint32_t id = d->slots[i];
		if (!id)
			return i;
		const struct dir_ent *e = &d->e[id - 1];
		if (e->parent == parent && e->len == len && !memcmp(d->names.buf + e->off, name, len))
			return i;
	}
}

/* The id of directory name in parent; 0 when it is not there. */
static uint32_t dirset_find(const struct dirset *d, uint32_t parent, const char *name, size_t len)
{
	if (!d->slots)
		return 0;
	return d->slots[dirset_slot(d, parent, name, len, dir_hash(parent, name, len))];
}

/* The id of directory name in parent, added when new; 0 when the set is full (4 GiB of names). */
static uint32_t dirset_add(struct dirset *d, uint32_t parent, const char *name, size_t len)
{
	if (!d->slots || (d->n + 1) * 2 > d->mask + 1) {
		size_t cap = d->slots ? (d->mask + 1) * 2 : 1024;
		free(d->slots);
		d->slots = xcalloc(cap, sizeof(*d->slots));
		d->mask = cap - 1;
		for (size_t k = 0; k < d->n; k++) {
			const struct dir_ent *e = &d->e[k];
			const char *nm = d->names.buf + e->off;
			d->slots[dirset_slot(d, e->parent, nm, e->len, dir_hash(e->parent, nm, e->len))] =
				(uint32_t)k + 1;
		}
	}
	size_t i = dirset_slot(d, parent, name, len, dir_hash(parent, name, len));
	if (d->slots[i])
		return d->slots[i];
	if (d->names.len + len >= UINT32_MAX || d->n + 1 >= UINT32_MAX || d->names.len + len + 1 >= SBUF_MAX)
		return 0;
	ALLOC_GROW(d->e, d->n + 1, d->alloc);
	d->e[d->n] = (struct dir_ent){ parent, (uint32_t)d->names.len, (uint32_t)len };
	sbuf_add(&d->names, name, len);
	d->slots[i] = (uint32_t)++d->n;
	return d->slots[i];
}

static void dirset_release(struct dirset *d)
{
	free(d->slots);
	free(d->e);
	sbuf_release(&d->names);
	memset(d, 0, sizeof(*d));
}

/* Does key occur in the (lowercased) config text with a value that could matter? Any occurrence
 * counts, except "ignorecase = false" and "bare = false" (what git init and libgit2 write), which
 * are git's defaults. */
static int key_may_matter(const char *text, size_t len, const char *key)
{
	size_t kl = strlen(key);
	for (const char *p = text, *end = text + len; (p = memmem(p, (size_t)(end - p), key, kl)); p += kl) {
		if (p + kl < end && (isalnum((unsigned char)p[kl]) || p[kl] == '-'))
			continue; /* a longer key: "worktree" in "worktreeconfig" */
		if (strcmp(key, "ignorecase") && strcmp(key, "bare"))
			return 1;
		const char *v = p + kl;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		if (v < end && *v == '=')
			v++;
		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		static const char *const no[] = { "false", "no", "off", "0" };
		int is_false = 0;
		for (size_t i = 0; i < 4 && !is_false; i++) {
			size_t n = strlen(no[i]);
			const char *e = v + n;
			is_false = (size_t)(end - v) >= n && !memcmp(v, no[i], n) &&
				   (e == end || *e == '\n' || *e == '\r' || *e == ' ' || *e == '\t' || *e == ';' ||
				    *e == '#');
		}
		if (!is_false)
			return 1;
	}
	return 0;
}

/* Could any git config file set core.excludesFile or core.ignoreCase (or include one that does)?
 * When none can, libgit2 is not needed for the configuration. */
static int config_may_matter(const char *gitdir)
{
	if (getenv("GIT_CONFIG_GLOBAL") || getenv("GIT_CONFIG_SYSTEM") || getenv("GIT_CONFIG_NOSYSTEM") ||
	    getenv("GIT_CONFIG_COUNT") || getenv("GIT_CONFIG_PARAMETERS"))
		return 1;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct sbuf p[4] = { SBUF_INIT, SBUF_INIT, SBUF_INIT, SBUF_INIT };
	sbuf_addf(&p[0], "%s/config", gitdir);
	if (home && *home)
		sbuf_addf(&p[1], "%s/.gitconfig", home);
	if (xdg && *xdg)
		sbuf_addf(&p[2], "%s/git/config", xdg);
	else if (home && *home)
		sbuf_addf(&p[2], "%s/.config/git/config", home);
	sbuf_addstr(&p[3], "/etc/gitconfig");
	int matters = 0;
	/* (the index reader knows SHA-256 ids and split indexes: objectformat and splitindex need
	 * no libgit2) */
	static const char *const keys[] = { "excludesfile", "ignorecase", "include", "includeif", "worktreeconfig" };
	struct sbuf text = SBUF_INIT;
	for (int i = 0; i < 4 && !matters; i++) {
		if (!p[i].len)
			continue;
		sbuf_reset(&text);
		int rc = sbuf_read_at(&text, AT_FDCWD, p[i].buf, 1 << 20);
		if (rc == -2) {
			struct stat st;
			matters = stat(p[i].buf, &st) == 0 && S_ISREG(st.st_mode); /* huge: let libgit2 read it */
			continue;
		}
		if (rc)
			continue;
		for (size_t j = 0; j < text.len; j++)
			text.buf[j] = (char)tolower((unsigned char)text.buf[j]);
		for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]) && !matters; j++)
			matters = key_may_matter(text.buf, text.len, keys[j]);
	}
	sbuf_release(&text);
	for (int i = 0; i < 4; i++)
		sbuf_release(&p[i]);
	return matters;
}

static struct ign_list *default_global_excludes(int icase)
{
	/* git's default core.excludesFile: $XDG_CONFIG_HOME/git/ignore, else ~/.config/git/ignore */
	struct sbuf p = SBUF_INIT;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (xdg && *xdg)
		sbuf_addf(&p, "%s/git/ignore", xdg);
	else if (home && *home)
		sbuf_addf(&p, "%s/.config/git/ignore", home);
	struct ign_list *l = p.len ? ign_list_read(AT_FDCWD, p.buf, "", icase) : NULL;
	sbuf_release(&p);
	return l;
}

static const char *git_message(void)
{
	const git_error *ge = lg.git_error_last();
	return ge && ge->message ? ge->message : "unknown error";
}

/* The files libgit2 opens in gitdir without O_NONBLOCK must be regular (or absent): a FIFO
 * planted as .git/config, HEAD or index would hang the run. 0 or ERR_GIT. */
static int files_ok(const char *gitdir)
{
	static const char *const names[] = { "config", "HEAD", "index", "commondir", "packed-refs" };
	struct sbuf p = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !rc; i++) {
		struct stat st;
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/%s", gitdir, names[i]);
		if (stat(p.buf, &st) == 0 && !S_ISREG(st.st_mode))
			rc = err_set(ERR_GIT,
				     "'%s' is not a regular file: git cannot read it, and neither will the walker",
				     p.buf);
	}
	sbuf_release(&p);
	return rc;
}

/* Before libgit2 reads the repository around abs_root: its .git (a directory, or a file naming
 * one) and the files files_ok checks, in GIT_DIR when set. */
static int repo_files_ok(const char *abs_root)
{
	struct sbuf top = SBUF_INIT, gd = SBUF_INIT, text = SBUF_INIT;
	const char *env = getenv("GIT_DIR");
	int rc = 0;
	struct stat st;
	if (env && *env)
		sbuf_addstr(&gd, env);
	else if (repo_find_top(abs_root, &top))
		sbuf_addf(&gd, "%s.git", top.buf);
	if (gd.len && lstat(gd.buf, &st) == 0 && S_ISREG(st.st_mode)) {
		/* a linked worktree's .git file: "gitdir: PATH" */
		if (sbuf_read_at(&text, AT_FDCWD, gd.buf, 4096) == 0 && text.len > 8 &&
		    !memcmp(text.buf, "gitdir: ", 8)) {
			size_t n = text.len;
			while (n > 8 && (text.buf[n - 1] == '\n' || text.buf[n - 1] == '\r'))
				n--;
			sbuf_setlen(&text, n);
			sbuf_reset(&gd);
			if (text.buf[8] != '/')
				sbuf_add(&gd, top.buf, top.len);
			sbuf_addstr(&gd, text.buf + 8);
			rc = files_ok(gd.buf);
		}
	} else if (gd.len && stat(gd.buf, &st) == 0 && !S_ISDIR(st.st_mode)) {
		rc = err_set(ERR_GIT, "'%s' is neither a directory nor a file naming one", gd.buf);
	} else if (gd.len) {
		rc = files_ok(gd.buf);
	}
	sbuf_release(&top);
	sbuf_release(&gd);
	sbuf_release(&text);
	return rc;
}

static int open_git(struct repo *rp, const char *abs_root)
{
	int rc = repo_files_ok(abs_root);
	if (rc)
		return rc;
	pthread_once(&lg_once, lg_load);
	if (!lg_ok)
		return err_set(
			ERR_GIT,
			"'%s' is inside a git repository, but %s cannot be loaded: install libgit2 or use --no-ignore",
			abs_root, WALKER_LIBGIT2_SONAME);
	int e = lg.git_repository_open_ext(&rp->git, abs_root, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (e == GIT_ENOTFOUND)
		return 1;
	if (e < 0)
		return err_set(ERR_GIT, "unable to open the git repository around '%s': %s", abs_root, git_message());
	if (lg.git_repository_is_bare(rp->git) || !lg.git_repository_workdir(rp->git))
		return 1;
	return 0;
}

/* dir's real path (dir itself when it has none) with a trailing '/'. */
static char *real_dir(const char *dir)
{
	char *real = realpath(dir, NULL);
	struct sbuf wd = SBUF_INIT;
	sbuf_addstr(&wd, real ? real : dir);
	free(real);
	if (!wd.len || wd.buf[wd.len - 1] != '/')
		sbuf_addch(&wd, '/');
	return sbuf_detach(&wd, NULL);
}

/* The work tree's real path with a trailing '/'. */
static char *workdir_of(git_repository *g)
{
	return real_dir(lg.git_repository_workdir(g));
}

int repo_open(struct repo **out, const char *abs_root)
{
	*out = NULL;
	struct sbuf top = SBUF_INIT;
	int envgit = getenv("GIT_DIR") || getenv("GIT_WORK_TREE") || getenv("GIT_COMMON_DIR");
	if (!envgit && !repo_find_top(abs_root, &top)) {
		sbuf_release(&top);
		return 0;
	}
	struct repo *rp = xcalloc(1, sizeof(*rp));
	pthread_mutex_init(&rp->lock, NULL);
	pthread_cond_init(&rp->ready, NULL);
	rp->abs_root = xstrdup(abs_root);
	struct stat st;
	struct sbuf gd = SBUF_INIT;
	sbuf_addf(&gd, "%s.git", top.buf);
	int fast = !envgit && lstat(gd.buf, &st) == 0 && S_ISDIR(st.st_mode) && !config_may_matter(gd.buf);
	if (fast) {
		/* a plain .git directory and no config that could change the ignore rules: libgit2 is only
		 * needed for the index, read when an ignore rule first excludes something */
		rp->workdir = sbuf_detach(&top, NULL);
		rp->gitdir = xmemdup(gd.buf, gd.len);
		rp->index_dir = xmemdup(gd.buf, gd.len);
		sbuf_addstr(&gd, "/info/exclude");
		rp->exclude = ign_list_read(AT_FDCWD, gd.buf, "", 0);
		rp->global = default_global_excludes(0);
		sbuf_release(&gd);
		*out = rp;
		return 0;
	}
	sbuf_release(&gd);
	sbuf_release(&top);
	int rc = open_git(rp, abs_root);
	if (rc) {
		repo_free(rp);
		return rc < 0 ? rc : 0;
	}
	git_repository *g = rp->git;
	rp->workdir = workdir_of(g);
	git_config *cfg = NULL;
	int have_global = 0;
	if (lg.git_repository_config_snapshot(&cfg, g) == 0) {
		int b = 0;
		if (lg.git_config_get_bool(&b, cfg, "core.ignorecase") == 0)
			rp->icase = b;
		git_buf gb = { 0 };
		if (lg.git_config_get_path(&gb, cfg, "core.excludesfile") == 0) {
			rp->global = ign_list_read(AT_FDCWD, gb.ptr, "", rp->icase);
			lg.git_buf_dispose(&gb);
			have_global = 1;
		}
		lg.git_config_free(cfg);
	}
	if (!have_global)
		rp->global = default_global_excludes(rp->icase);
	struct sbuf ex = SBUF_INIT;
	sbuf_addf(&ex, "%s/info/exclude", lg.git_repository_commondir(g));
	rp->exclude = ign_list_read(AT_FDCWD, ex.buf, "", rp->icase);
	sbuf_release(&ex);
	*out = rp;
	return 0;
}

void repo_free(struct repo *rp)
{
	if (!rp)
		return;
	if (rp->thread_started)
		pthread_join(rp->thread, NULL);
	if (rp->git)
		lg.git_repository_free(rp->git);
	free(rp->workdir);
	free(rp->gitdir);
	free(rp->index_dir);
	free(rp->index_err);
	free(rp->abs_root);
	ign_list_free(rp->exclude);
	ign_list_free(rp->global);
	strset_release(&rp->files);
	dirset_release(&rp->dirs);
	free(rp->ist);
	pthread_mutex_destroy(&rp->lock);
	pthread_cond_destroy(&rp->ready);
	free(rp);
}

const char *repo_workdir(const struct repo *rp)
{
	return rp->workdir;
}

int repo_ignore_case(const struct repo *rp)
{
	return rp->icase;
}

void repo_excludes(const struct repo *rp, const struct ign_list *out[2])
{
	out[0] = rp->exclude;
	out[1] = rp->global;
}

/* The directories of path into rp->dirs. The index is sorted, so a path mostly shares its
 * directories with the one before: those found for it (rp->way) are used again, and only the
 * rest are looked up. */
static void add_dirs(struct repo *rp, const char *path, size_t len)
{
	struct dir_way *w = &rp->way;
	size_t same = 0, n = 0;
	while (same < len && same < w->text.len && path[same] == w->text.buf[same])
		same++;
	while (n < w->n && w->end[n] < same)
		n++;
	size_t start = n ? w->end[n - 1] + 1 : 0;
	uint32_t id = n ? w->id[n - 1] : 0;
	w->n = n;
	sbuf_setlen(&w->text, start);
	for (size_t k = start; k < len; k++) {
		if (path[k] != '/')
			continue;
		id = dirset_add(&rp->dirs, id, path + start, k - start);
		if (!id)
			return; /* over 4 GiB of names: the rest counts as untracked */
		ALLOC_GROW(w->end, w->n + 1, w->aend);
		ALLOC_GROW(w->id, w->n + 1, w->aid);
		w->end[w->n] = k;
		w->id[w->n++] = id;
		sbuf_add(&w->text, path + start, k + 1 - start);
		start = k + 1;
	}
}

/* A sparse index's directory entry "dir/" makes dir and its parents hold tracked files; what lies
 * below it is outside the sparse checkout, and git ignores the work tree there: untracked. */
static void on_index_path(void *ctx, const char *path, size_t len, int sparse, const struct repo_index_stat *st)
{
	struct repo *rp = ctx;
	int keep = rp->keep_stat && !sparse;
	uint32_t had = 0;
	int added = strset_put(&rp->files, path, len, keep ? (uint32_t)rp->nist + 1 : 0, &had);
	if (added == 0 && keep && had) { /* another stage of the same path */
		rp->ist[had - 1].conflict = 1;
		return;
	}
	if (added > 0 && keep) {
		ALLOC_GROW_BIG(rp->ist, rp->nist, rp->nist + 1, rp->aist);
		struct ientry *e = &rp->ist[rp->nist++];
		memset(e, 0, sizeof(*e));
		if (st) {
			e->st = *st;
			e->known = 1;
			e->conflict = (st->flags & 0x3000) != 0;
		}
	}
	add_dirs(rp, path, len);
}

static int on_shared_index(void *ctx, const char *hex, struct sbuf *out)
{
	struct repo *rp = ctx;
	rp->split = 1;
	struct sbuf p = SBUF_INIT;
	sbuf_addf(&p, "%s/sharedindex.%s", rp->index_dir, hex);
	int rc = sbuf_read_at(out, AT_FDCWD, p.buf, 1u << 30);
	sbuf_release(&p);
	return rc ? -1 : 0;
}

static void on_index_root(void *ctx, const char *dir, size_t len, const unsigned char oid[20])
{
	struct repo *rp = ctx;
	(void)dir;
	if (len)
		return; /* a subtree: the walk wants the root only */
	memcpy(rp->root, oid, sizeof(rp->root));
	rp->has_root = 1;
}

/* The index file of the repository whose gitdir is dir (len bytes, no trailing '/') and work tree
 * top (ending in '/'), into out: $GIT_INDEX_FILE when set (git commit runs its hooks with a
 * temporary index there), relative to the top as git takes it, else dir's "index". */
static void index_file(struct sbuf *out, const char *dir, size_t len, const char *top)
{
	const char *env = getenv("GIT_INDEX_FILE");
	if (env && *env) {
		if (env[0] != '/' && top)
			sbuf_addstr(out, top);
		sbuf_addstr(out, env);
		return;
	}
	sbuf_add(out, dir, len);
	sbuf_addstr(out, "/index");
}

/* The last core.fileMode in a git config file's text, as git reads it (sections, comments, a key
 * after its section header, a bare key meaning true): 1 true, 0 false, -1 not set. */
static int core_filemode(const char *t, size_t len)
{
	int in_core = 0, val = -1;
	for (const char *p = t, *end = t + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end, *q = p;
		p = nl ? nl + 1 : end;
		while (q < le && (*q == ' ' || *q == '\t'))
			q++;
		if (q < le && *q == '[') {
			const char *r = memchr(q, ']', (size_t)(le - q)), *n = q + 1;
			in_core = 0;
			if (!r)
				continue;
			while (n < r && (*n == ' ' || *n == '\t'))
				n++;
			const char *ne = r;
			while (ne > n && (ne[-1] == ' ' || ne[-1] == '\t'))
				ne--;
			in_core = ne - n == 4 && !strncasecmp(n, "core", 4);
			for (q = r + 1; q < le && (*q == ' ' || *q == '\t');)
				q++;
		}
		if (!in_core || le - q < 8 || strncasecmp(q, "filemode", 8))
			continue;
		const char *v = q + 8;
		while (v < le && (*v == ' ' || *v == '\t' || *v == '\r'))
			v++;
		if (v < le && *v != '=' && *v != '#' && *v != ';')
			continue; /* a longer key */
		if (v == le || *v != '=') {
			val = 1; /* "filemode" alone is true */
			continue;
		}
		for (v++; v < le && (*v == ' ' || *v == '\t');)
			v++;
		size_t n = 0;
		while (v + n < le && !strchr(" \t\r#;", v[n]))
			n++;
		val = !((n == 5 && !strncasecmp(v, "false", 5)) || (n == 2 && !strncasecmp(v, "no", 2)) ||
			(n == 3 && !strncasecmp(v, "off", 3)) || (n == 1 && *v == '0') || n == 0);
	}
	return val;
}

/* core.fileMode in the config file at path (-1: not set or unreadable). */
static int filemode_in(const char *path)
{
	struct sbuf t = SBUF_INIT;
	int v = sbuf_read_at(&t, AT_FDCWD, path, 1 << 20) == 0 ? core_filemode(t.buf, t.len) : -1;
	sbuf_release(&t);
	return v;
}

/* core.fileMode of the repository, for repo_judge: 0 when set false. The per-worktree
 * config.worktree (extensions.worktreeConfig) wins over the repository's config. */
static int filemode_of(struct repo *rp)
{
	int b = 1;
	struct sbuf p = SBUF_INIT;
	if (rp->git) {
		git_config *cfg = NULL;
		if (lg.git_repository_config_snapshot(&cfg, rp->git) == 0) {
			if (lg.git_config_get_bool(&b, cfg, "core.filemode"))
				b = 1;
			lg.git_config_free(cfg);
		}
		sbuf_addf(&p, "%sconfig.worktree", lg.git_repository_path(rp->git));
	} else {
		sbuf_addf(&p, "%s/config", rp->gitdir);
		int v = filemode_in(p.buf);
		b = v < 0 ? 1 : v;
		sbuf_reset(&p);
		sbuf_addf(&p, "%s/config.worktree", rp->gitdir);
	}
	int w = filemode_in(p.buf);
	sbuf_release(&p);
	return w < 0 ? b : w;
}

/* The digest of an absent index; a read one's is XXH3 of its bytes. */
#define INDEX_ABSENT_SUM 0x9e3779b97f4a7c15ull

static _Thread_local sigjmp_buf *index_jmp; /* a mapped index's way out of a SIGBUS */

void repo_sigbus(void)
{
	if (index_jmp)
		siglongjmp(*index_jmp, 1);
}

/* The mapped index b: its digest into *sum (unless NULL), its entries to sink. A SIGBUS (the file was cut short
 * under the map: git never does that, it renames a new index into place) ends it as an error,
 * leaving what the parse had allocated. */
static int parse_mapped(const unsigned char *b, size_t len, const struct repo_index_sink *sink, uint64_t *sum)
{
	sigjmp_buf jb;
	if (sigsetjmp(jb, 1)) {
		index_jmp = NULL;
		return err_set(ERR_FORMAT, "the file shrank while it was read");
	}
	index_jmp = &jb;
	if (sum)
		*sum = XXH3_64bits(b, len);
	int rc = repo_index_parse(b, len, sink);
	index_jmp = NULL;
	return rc;
}

/* The number of entries an index's header gives, to size what is built from it (a hint). */
static size_t index_count(const unsigned char *b, size_t len)
{
	if (len < 12)
		return 0;
	size_t n = (size_t)b[8] << 24 | (size_t)b[9] << 16 | (size_t)b[10] << 8 | b[11];
	return n < len / 62 ? n : len / 62; /* an entry takes 62 bytes at least */
}

/*
 * The tracked paths, from the index read directly (walker/repo_index.c: versions 2 to 4, split and
 * sparse): loading libgit2 and its TLS start-up costs more than a warm walk of a 5,000-file
 * repository, and libgit2 reads neither a split nor a sparse index. An index that cannot be read
 * leaves nothing tracked and its reason in rp->index_err, as git fails on it too.
 */
static void read_index(struct repo *rp)
{
	if (!rp->index_dir) {
		const char *gp = lg.git_repository_path(rp->git); /* ends in '/' */
		rp->index_dir = xmemdup(gp, strlen(gp) > 1 ? strlen(gp) - 1 : strlen(gp));
	}
	struct sbuf p = SBUF_INIT;
	if (rp->keep_stat)
		rp->no_filemode = !filemode_of(rp);
	index_file(&p, rp->index_dir, strlen(rp->index_dir), rp->workdir);
	struct stat st;
	if (rp->keep_stat && stat(p.buf, &st) == 0) { /* before reading: an entry as new is racy */
		rp->imt_s = (uint32_t)st.st_mtim.tv_sec;
		rp->imt_ns = (uint32_t)st.st_mtim.tv_nsec;
	}
	const unsigned char *map;
	size_t len;
	int rc = fdio_map_at(AT_FDCWD, p.buf, 1u << 30, &map, &len);
	if (rc == -1 && errno == ENOENT) {
		rc = 0; /* no index yet: nothing is tracked */
		rp->isum = INDEX_ABSENT_SUM;
		rp->isum_ok = 1;
	} else if (rc == -1) {
		rc = err_errno("unable to read the git index '%s'", p.buf);
	} else if (rc == -2) {
		rc = stat(p.buf, &st) == 0 && !S_ISREG(st.st_mode)
			     ? err_set(ERR_GIT, "the git index '%s' is not a regular file", p.buf)
			     : err_set(ERR_GIT, "the git index '%s' is larger than 1 GiB", p.buf);
	} else {
		struct repo_index_sink sink = { on_index_path, on_shared_index, on_index_root, rp };
		size_t n = index_count(map, len);
		strset_reserve(&rp->files, n);
		if (rp->keep_stat)
			ALLOC_GROW_BIG(rp->ist, rp->nist, n, rp->aist);
		rc = parse_mapped(map, len, &sink, &rp->isum);
		rp->isum_ok = 1;
		if (rc) {
			char why[512];
			snprintf(why, sizeof(why), "%s", err_msg()); /* err_set formats into err_msg's buffer */
			rc = err_set(ERR_GIT, "unable to read the git index '%s': %s", p.buf, why);
		}
	}
	if (rc) {
		strset_release(&rp->files);
		dirset_release(&rp->dirs);
		free(rp->ist);
		rp->ist = NULL;
		rp->nist = 0;
		rp->isum_ok = 0;
		rp->has_root = 0;
		rp->index_err = xstrdup(err_msg());
	}
	fdio_unmap(map, len);
	sbuf_release(&rp->way.text);
	free(rp->way.end);
	free(rp->way.id);
	memset(&rp->way, 0, sizeof(rp->way));
	sbuf_release(&p);
}

static void *index_main(void *arg)
{
	struct repo *rp = arg;
	read_index(rp);
	pthread_mutex_lock(&rp->lock);
	atomic_store_explicit(&rp->loaded, 1, memory_order_release);
	pthread_cond_broadcast(&rp->ready);
	pthread_mutex_unlock(&rp->lock);
	return NULL;
}

void repo_index_prefetch(struct repo *rp)
{
	pthread_mutex_lock(&rp->lock);
	if (!rp->thread_started && !atomic_load(&rp->loaded)) {
		if (pthread_create(&rp->thread, NULL, index_main, rp) == 0)
			rp->thread_started = 1;
	}
	pthread_mutex_unlock(&rp->lock);
}

int repo_index_ready(const struct repo *rp)
{
	return atomic_load_explicit(&rp->loaded, memory_order_acquire);
}

static void load_index(struct repo *rp)
{
	if (atomic_load_explicit(&rp->loaded, memory_order_acquire))
		return;
	pthread_mutex_lock(&rp->lock);
	if (!rp->thread_started && !atomic_load_explicit(&rp->loaded, memory_order_relaxed)) {
		read_index(rp);
		atomic_store_explicit(&rp->loaded, 1, memory_order_release);
	}
	/* the background load is under way: wait for it */
	while (!atomic_load_explicit(&rp->loaded, memory_order_relaxed))
		pthread_cond_wait(&rp->ready, &rp->lock);
	pthread_mutex_unlock(&rp->lock);
}

int repo_is_tracked(struct repo *rp, const char *path, size_t len)
{
	load_index(rp);
	return strset_has(&rp->files, path, len);
}

void repo_keep_stat(struct repo *rp)
{
	pthread_mutex_lock(&rp->lock);
	if (!rp->thread_started && !atomic_load(&rp->loaded))
		rp->keep_stat = 1;
	pthread_mutex_unlock(&rp->lock);
}

/* Is a directory above path (relative to the work tree) a submodule's (a gitlink entry)? */
static int in_gitlink(const struct repo *rp, const char *path, size_t len)
{
	for (const char *p = path, *end = path + len; (p = memchr(p, '/', (size_t)(end - p))); p++) {
		uint32_t v;
		if (strset_get(&rp->files, path, (size_t)(p - path), &v) && v && rp->ist[v - 1].known &&
		    (rp->ist[v - 1].st.mode & 0170000) == 0160000)
			return 1;
	}
	return 0;
}

int repo_judge(struct repo *rp, const char *path, size_t len, const struct stat *st, unsigned char oid[20],
	       unsigned *mode)
{
	load_index(rp);
	if (!rp->keep_stat || rp->index_err)
		return REPO_UNKNOWN;
	uint32_t v;
	if (!strset_get(&rp->files, path, len, &v))
		return in_gitlink(rp, path, len) ? REPO_SUBMODULE : REPO_UNTRACKED;
	if (!v)
		return REPO_UNKNOWN;
	const struct ientry *e = &rp->ist[v - 1];
	const struct repo_index_stat *x = &e->st;
	if (!e->known)
		return REPO_UNKNOWN;
	if (e->conflict || (x->xflags & 0x2000)) /* unmerged, or added with --intent-to-add */
		return REPO_CHANGED;
	if ((x->flags & 0x8000) || (x->xflags & 0x4000)) /* assume-unchanged, skip-worktree: git's word */
		return REPO_CLEAN;
	/* a symbolic link or a submodule in the index, a file here; the executable bit changed */
	if ((x->mode & 0170000) != 0100000 || (!rp->no_filemode && !(x->mode & 0100) != !(st->st_mode & 0100)))
		return REPO_CHANGED;
	memcpy(oid, x->oid, sizeof(x->oid));
	*mode = x->mode & 0100 ? 0100755 : 0100644;
	/* git's own test (read-cache.c, ie_match_stat): the index keeps 32 bits of each */
	if (x->mtime_s != (uint32_t)st->st_mtim.tv_sec || x->mtime_ns != (uint32_t)st->st_mtim.tv_nsec ||
	    x->ctime_s != (uint32_t)st->st_ctim.tv_sec || x->ctime_ns != (uint32_t)st->st_ctim.tv_nsec ||
	    x->ino != (uint32_t)st->st_ino || x->uid != (uint32_t)st->st_uid || x->gid != (uint32_t)st->st_gid ||
	    x->size != (uint32_t)st->st_size)
		return REPO_DIRTY;
	/* racily clean: written in the same instant as the index, it may have changed since unseen */
	if (x->mtime_s > rp->imt_s || (x->mtime_s == rp->imt_s && x->mtime_ns >= rp->imt_ns))
		return REPO_DIRTY;
	return REPO_CLEAN;
}

int repo_is_gitlink(struct repo *rp, const char *path, size_t len)
{
	load_index(rp);
	uint32_t v = rp->keep_stat && !rp->index_err ? strset_val(&rp->files, path, len) : 0;
	return v && rp->ist[v - 1].known && (rp->ist[v - 1].st.mode & 0170000) == 0160000;
}

const char *repo_index_error(const struct repo *rp)
{
	return repo_index_ready(rp) ? rp->index_err : NULL;
}

int repo_has_tracked_below(struct repo *rp, const char *dir, size_t len)
{
	load_index(rp);
	uint32_t id = 0;
	for (size_t k = 0, start = 0; k < len; k++) {
		if (dir[k] != '/')
			continue;
		id = dirset_find(&rp->dirs, id, dir + start, k - start);
		if (!id)
			return 0;
		start = k + 1;
	}
	return id != 0;
}

/* --changed-since's repository: opened around abs_root, with a work tree, ref's tree in *tree. Returns
 * 0, or ERR_GIT with the message (then *g and *tree are NULL). */
static int since_open(const char *abs_root, const char *ref, git_repository **g, git_object **tree)
{
	*g = NULL;
	*tree = NULL;
	pthread_once(&lg_once, lg_load);
	if (!lg_ok)
		return err_set(ERR_GIT, "--changed-since needs libgit2, and %s cannot be loaded: install libgit2",
			       WALKER_LIBGIT2_SONAME);
	if (repo_files_ok(abs_root)) {
		char why[512];
		snprintf(why, sizeof(why), "%s", err_msg()); /* err_set formats into err_msg's buffer */
		return err_set(ERR_GIT, "--changed-since: %s", why);
	}
	int e = lg.git_repository_open_ext(g, abs_root, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (e == GIT_ENOTFOUND)
		return err_set(ERR_GIT, "--changed-since: '%s' is not inside a git repository", abs_root);
	if (e < 0)
		return err_set(ERR_GIT, "--changed-since: unable to open the repository around '%s': %s", abs_root,
			       git_message());
	int rc = 0;
	git_object *obj = NULL;
	if (lg.git_repository_is_bare(*g) || !lg.git_repository_workdir(*g))
		rc = err_set(ERR_GIT, "--changed-since: the repository around '%s' is bare: it has no work tree",
			     abs_root);
	else if (lg.git_revparse_single(&obj, *g, ref) < 0)
		rc = err_set(ERR_GIT, "--changed-since: unknown revision '%s': %s", ref, git_message());
	else if (lg.git_object_peel(tree, obj, GIT_OBJECT_TREE) < 0)
		rc = err_set(ERR_GIT, "--changed-since: '%s' does not name a commit or tree: %s", ref, git_message());
	lg.git_object_free(obj);
	if (rc) {
		lg.git_object_free(*tree);
		*tree = NULL;
		lg.git_repository_free(*g);
		*g = NULL;
	}
	return rc;
}

int repo_changed_since(const char *abs_root, const char *ref, char ***paths, size_t *n)
{
	*paths = NULL;
	*n = 0;
	git_repository *g;
	git_object *tree;
	if (since_open(abs_root, ref, &g, &tree))
		return ERR_GIT;
	int rc = 0;
	git_diff *diff = NULL;
	git_diff_options opts;
	lg.git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_INCLUDE_UNTRACKED | GIT_DIFF_RECURSE_UNTRACKED_DIRS | GIT_DIFF_IGNORE_SUBMODULES;
	if (lg.git_diff_tree_to_workdir_with_index(&diff, g, (git_tree *)tree, &opts) < 0) {
		rc = err_set(ERR_GIT, "--changed-since: unable to compare '%s' with the work tree: %s", ref,
			     git_message());
		goto out;
	}
	/* the work tree's real path, so that the caller can relate the paths to its root */
	char *wd = workdir_of(g);
	struct sbuf full = SBUF_INIT;
	size_t nd = lg.git_diff_num_deltas(diff), alloc = 0;
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *d = lg.git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_IGNORED ||
		    d->status == GIT_DELTA_UNMODIFIED || d->new_file.mode == GIT_FILEMODE_COMMIT)
			continue;
		sbuf_reset(&full);
		sbuf_addstr(&full, wd);
		sbuf_addstr(&full, d->new_file.path);
		ALLOC_GROW(*paths, *n + 1, alloc);
		(*paths)[(*n)++] = sbuf_detach(&full, NULL);
	}
	sbuf_release(&full);
	free(wd);
out:
	if (diff)
		lg.git_diff_free(diff);
	lg.git_object_free(tree);
	lg.git_repository_free(g);
	return rc;
}

/* ---- --changed-since from the index's stat data ------------------------------------------------
 * The committed and staged side (ref's tree against the index) is worked out here, in a thread of
 * its own while the walk judges the work tree against the index (repo_judge). When the index's
 * cache tree says it would commit HEAD's tree, that side is a tree-to-tree diff, which reads only
 * the subtrees that differ; otherwise libgit2 compares ref's tree with the index entry by entry. */
struct refid {
	unsigned char oid[20];
	unsigned mode; /* 0100644, 0100755, 0120000; 0: not a file in ref's tree */
};

struct repo_since {
	char *abs_root, *ref;
	pthread_t th;
	int joined;
	atomic_int done;
	int rc;
	char *err;
	git_repository *g;
	char *workdir;
	struct strset paths; /* those differing between ref and the index; value: refs index + 1 */
	struct refid *refs;
	size_t nrefs, arefs;
	uint64_t isum; /* the digest of the index this side went by, as repo_since_index_sum gives it */
	int split;     /* the index is split: libgit2 cannot read it, so it hashes no dirty file */
	int isum_ok;
	/* what the walk's reading of the index found (repo_since_index), under lock */
	pthread_mutex_t lock;
	pthread_cond_t told_cond;
	int told, walk_has_root, walk_sum_ok;
	unsigned char walk_root[20];
	uint64_t walk_sum;
};

struct flat {
	struct sbuf text; /* the paths, each followed by NUL */
	struct flat_ent {
		size_t off, len;
		unsigned mode, stage;
		unsigned char oid[20];
	} * v;
	size_t n, alloc;
	int unusable;   /* an entry without stat data (an index that is not SHA-1's) */
	size_t nsparse; /* a sparse index's directory entries (mode 040000) */
	unsigned char root[20];
	int has_root;
	const char *gitdir; /* the index's: where a split index's shared part is */
	int split;          /* the index is split (it has a shared part) */
	/* an index's cache tree: each valid directory ("a/b", "" the root), its value an index + 1
	 * into ctoid, its tree id */
	struct strset ctree;
	unsigned char (*ctoid)[20];
	size_t nct, act;
};
#define FLAT_INIT                                                                                           \
	{                                                                                                   \
		SBUF_INIT, NULL, 0, 0, 0, 0, { 0 }, 0, NULL, 0, { NULL, NULL, 0, SBUF_INIT, 0 }, NULL, 0, 0 \
	}

static void flat_add(struct flat *f, const char *path, size_t len, unsigned mode, unsigned stage,
		     const unsigned char *oid)
{
	ALLOC_GROW(f->v, f->n + 1, f->alloc);
	struct flat_ent *e = &f->v[f->n++];
	e->off = f->text.len;
	e->len = len;
	e->mode = mode;
	e->stage = stage;
	memcpy(e->oid, oid, 20);
	sbuf_add(&f->text, path, len);
	sbuf_addch(&f->text, '\0');
}

static void flat_release(struct flat *f)
{
	sbuf_release(&f->text);
	free(f->v);
	strset_release(&f->ctree);
	free(f->ctoid);
}

static void own_index_add(void *ctx, const char *path, size_t len, int sparse, const struct repo_index_stat *st)
{
	struct flat *f = ctx;
	if (!st) {
		f->unusable = 1;
		return;
	}
	unsigned m = st->mode;
	m = sparse ? 0040000 : (m & 0170000) == 0100000 ? (m & 0111 ? 0100755 : 0100644) : m & 0170000;
	f->nsparse += sparse != 0;
	flat_add(f, path, len, m, (st->flags >> 12) & 3, st->oid);
}

static void own_index_tree(void *ctx, const char *dir, size_t len, const unsigned char oid[20])
{
	struct flat *f = ctx;
	if (!len) {
		memcpy(f->root, oid, 20);
		f->has_root = 1;
	}
	ALLOC_GROW(f->ctoid, f->nct + 1, f->act);
	memcpy(f->ctoid[f->nct], oid, 20);
	strset_add(&f->ctree, dir, len, (uint32_t)++f->nct);
}

static int own_index_shared(void *ctx, const char *hex, struct sbuf *out)
{
	struct flat *f = ctx;
	struct sbuf p = SBUF_INIT;
	f->split = 1;
	sbuf_addf(&p, "%ssharedindex.%s", f->gitdir, hex);
	int rc = sbuf_read_at(out, AT_FDCWD, p.buf, 1u << 30);
	sbuf_release(&p);
	return rc ? -1 : 0;
}

static void since_add_none(void *ctx, const char *path, size_t len, int sparse, const struct repo_index_stat *st)
{
	(void)ctx, (void)path, (void)len, (void)sparse, (void)st;
}

/* An index mapped for ref's side (none: absent). */
struct since_map {
	const unsigned char *b;
	size_t len;
};

/* The index of gitdir (ending in '/'; top: the work tree, for $GIT_INDEX_FILE) mapped into *m: its
 * digest into *sum, its cache tree's root into ix when valid; its entries are given to ix only
 * when needed (own_index_entries). 0 (also when absent: nothing staged), -1 when unreadable, -2
 * when it cannot be parsed. */
static int own_index(const char *gitdir, const char *top, struct flat *ix, struct since_map *m, uint64_t *sum)
{
	struct sbuf p = SBUF_INIT;
	index_file(&p, gitdir, strlen(gitdir) - 1, top);
	ix->gitdir = gitdir;
	*sum = 0;
	int rc = fdio_map_at(AT_FDCWD, p.buf, 1u << 30, &m->b, &m->len);
	sbuf_release(&p);
	if (rc == -1 && errno == ENOENT) {
		*sum = INDEX_ABSENT_SUM;
		return 0;
	}
	if (rc)
		return -1;
	struct repo_index_sink sink = { since_add_none, own_index_shared, own_index_tree, ix };
	return parse_mapped(m->b, m->len, &sink, sum) ? -2 : 0;
}

/* The entries of the index own_index mapped into ix (a sparse index's directories as entries of
 * mode 040000). */
static int own_index_entries(struct flat *ix, const struct since_map *m)
{
	struct repo_index_sink sink = { own_index_add, own_index_shared, NULL, ix };
	if (!m->len)
		return 0;
	return parse_mapped(m->b, m->len, &sink, NULL) == 0 && !ix->unusable ? 0 : -1;
}

/* The index of gitpath (ending in '/'): its digest into *sum (0: read; -1: unreadable) and the
 * tree it would commit (its cache tree's root) into oid, *has_tree set when known. */
static int index_tree(const char *gitpath, const char *top, unsigned char oid[20], int *has_tree, uint64_t *sum)
{
	struct flat ix = FLAT_INIT;
	struct since_map m = { NULL, 0 };
	int rc = own_index(gitpath, top, &ix, &m, sum);
	*has_tree = rc == 0 && ix.has_root;
	if (*has_tree)
		memcpy(oid, ix.root, sizeof(ix.root));
	fdio_unmap(m.b, m.len);
	flat_release(&ix);
	return rc == -1 ? -1 : 0;
}

/* A path that differs between ref and the index; refoid and mode: its blob in ref (NULL, 0: none). */
static void since_add(struct repo_since *s, const char *path, size_t len, const unsigned char *refoid, unsigned mode)
{
	ALLOC_GROW(s->refs, s->nrefs + 1, s->arefs);
	struct refid *r = &s->refs[s->nrefs++];
	r->mode = refoid ? mode : 0;
	if (refoid)
		memcpy(r->oid, refoid, sizeof(r->oid));
	else
		memset(r->oid, 0, sizeof(r->oid));
	strset_add(&s->paths, path, len, (uint32_t)s->nrefs);
}

/* The files of tree b (HEAD's, at path) that differ from tree a (ref's, or NULL: none there): a
 * subtree whose id is the same on both sides is not read, so the cost follows what changed, not the
 * size of the tree (libgit2's tree-to-tree diff reads every tree). Returns 0, or -1 when a tree
 * cannot be read (a damaged repository: the message is libgit2's). */
static int tree_changes(struct repo_since *s, git_tree *a, git_tree *b, struct sbuf *path, int depth)
{
	if (depth > 4096)
		return err_set(ERR_GIT, "--changed-since: trees nested more than 4,096 deep");
	size_t n = lg.git_tree_entrycount(b), base = path->len;
	for (size_t i = 0; i < n; i++) {
		const git_tree_entry *e = lg.git_tree_entry_byindex(b, i);
		const char *name = lg.git_tree_entry_name(e);
		const git_tree_entry *ea = a ? lg.git_tree_entry_byname(a, name) : NULL;
		git_filemode_t m = lg.git_tree_entry_filemode(e), ma = ea ? lg.git_tree_entry_filemode(ea) : 0;
		if (ea && m == ma && !memcmp(lg.git_tree_entry_id(e)->id, lg.git_tree_entry_id(ea)->id, 20))
			continue;
		if (m == GIT_FILEMODE_COMMIT)
			continue;
		sbuf_setlen(path, base);
		sbuf_addstr(path, name);
		if (m == GIT_FILEMODE_TREE) {
			git_tree *sb = NULL, *sa = NULL;
			if (lg.git_tree_lookup(&sb, s->g, lg.git_tree_entry_id(e)) < 0 ||
			    (ma == GIT_FILEMODE_TREE && lg.git_tree_lookup(&sa, s->g, lg.git_tree_entry_id(ea)) < 0)) {
				lg.git_tree_free(sb);
				return err_set(ERR_GIT, "--changed-since: unable to read the tree of '%s': %s",
					       path->buf, git_message());
			}
			sbuf_addch(path, '/');
			int rc = tree_changes(s, sa, sb, path, depth + 1);
			lg.git_tree_free(sa);
			lg.git_tree_free(sb);
			if (rc)
				return rc;
		} else {
			int blob = ma == GIT_FILEMODE_BLOB || ma == GIT_FILEMODE_BLOB_EXECUTABLE ||
				   ma == GIT_FILEMODE_LINK;
			since_add(s, path->buf, path->len, blob ? lg.git_tree_entry_id(ea)->id : NULL, (unsigned)ma);
		}
	}
	sbuf_setlen(path, base);
	return 0;
}

/* ref's tree against the index: the differing paths into s. Returns 0, or ERR_GIT with the message. */
static int since_diff(struct repo_since *s, git_object *tree)
{
	git_diff_options opts;
	lg.git_diff_options_init(&opts, GIT_DIFF_OPTIONS_VERSION);
	opts.flags = GIT_DIFF_IGNORE_SUBMODULES;
	git_diff *diff = NULL;
	git_object *head = NULL;
	unsigned char itree[20];
	int e, has_tree = 0;
	const char *gp = lg.git_repository_path(s->g);
	s->isum_ok = index_tree(gp, s->workdir, itree, &has_tree, &s->isum) == 0;
	if (has_tree && lg.git_revparse_single(&head, s->g, "HEAD^{tree}") == 0 &&
	    !memcmp(lg.git_object_id(head)->id, itree, 20)) {
		struct sbuf path = SBUF_INIT;
		int rc = tree_changes(s, (git_tree *)tree, (git_tree *)head, &path, 0);
		sbuf_release(&path);
		lg.git_object_free(head);
		return rc;
	} else {
		e = lg.git_diff_tree_to_index(&diff, s->g, (git_tree *)tree, NULL, &opts);
		/* libgit2 read the index itself: the one read above, unless it changed meanwhile */
		uint64_t after;
		if (index_tree(gp, s->workdir, itree, &has_tree, &after) || after != s->isum)
			s->isum_ok = 0;
	}
	lg.git_object_free(head);
	if (e < 0)
		return err_set(ERR_GIT, "--changed-since: unable to compare '%s' with the index: %s", s->ref,
			       git_message());
	size_t nd = lg.git_diff_num_deltas(diff);
	for (size_t i = 0; i < nd; i++) {
		const git_diff_delta *d = lg.git_diff_get_delta(diff, i);
		if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_UNMODIFIED ||
		    d->new_file.mode == GIT_FILEMODE_COMMIT)
			continue;
		int has = d->status != GIT_DELTA_ADDED && d->old_file.mode != 0 &&
			  d->old_file.mode != GIT_FILEMODE_COMMIT && d->old_file.mode != GIT_FILEMODE_TREE;
		since_add(s, d->new_file.path, strlen(d->new_file.path), has ? d->old_file.id.id : NULL,
			  d->old_file.mode);
	}
	lg.git_diff_free(diff);
	return 0;
}

/* ---- the same without libgit2 (walker/odb.h) ----------------------------------------------
 * libgit2's start-up costs about as much as a warm run of a 5,000-file tree (its TLS library parses
 * the system's CA bundle in git_libgit2_init), so the usual case reads the few trees it needs
 * itself: a repository found the plain way (no GIT_* variable in the environment), a revision and
 * objects odb reads, and an index whose cache tree is HEAD's tree. Anything else goes to libgit2,
 * as does hashing a dirty file (git's clean filters), loaded then. */

/* The repository around abs_root as git finds it when no GIT_* variable says otherwise: its work
 * tree (top), gitdir and commondir, each ending in '/'. 0, or -1: leave it to libgit2. */
static int own_dirs(const char *abs_root, struct sbuf *top, struct sbuf *gitdir, struct sbuf *common)
{
	static const char *const env[] = { "GIT_DIR",
					   "GIT_WORK_TREE",
					   "GIT_COMMON_DIR",
					   "GIT_OBJECT_DIRECTORY",
					   "GIT_ALTERNATE_OBJECT_DIRECTORIES",
					   "GIT_NAMESPACE",
					   "GIT_REPLACE_REF_BASE",
					   "GIT_NO_REPLACE_OBJECTS",
					   "GIT_GRAFT_FILE",
					   "GIT_DEFAULT_HASH" };
	for (size_t i = 0; i < sizeof(env) / sizeof(env[0]); i++)
		if (getenv(env[i]))
			return -1;
	if (!repo_find_top(abs_root, top))
		return -1;
	struct sbuf text = SBUF_INIT;
	struct stat st;
	int rc = -1;
	sbuf_addf(gitdir, "%s.git", top->buf);
	if (lstat(gitdir->buf, &st))
		goto out;
	if (S_ISREG(st.st_mode)) { /* a linked worktree's (or submodule's) "gitdir: PATH" */
		if (sbuf_read_at(&text, AT_FDCWD, gitdir->buf, 4096) || text.len < 9 || memcmp(text.buf, "gitdir: ", 8))
			goto out;
		size_t n = text.len;
		while (n > 8 && (text.buf[n - 1] == '\n' || text.buf[n - 1] == '\r'))
			n--;
		sbuf_reset(gitdir);
		if (text.buf[8] != '/')
			sbuf_addstr(gitdir, top->buf);
		sbuf_add(gitdir, text.buf + 8, n - 8);
	} else if (!S_ISDIR(st.st_mode)) {
		goto out;
	}
	sbuf_addch(gitdir, '/');
	if (stat(gitdir->buf, &st) || !S_ISDIR(st.st_mode) || files_ok(gitdir->buf))
		goto out;
	sbuf_reset(&text);
	sbuf_addf(common, "%scommondir", gitdir->buf);
	int crc = sbuf_read_at(&text, AT_FDCWD, common->buf, 4096);
	sbuf_reset(common);
	if (crc == 0) {
		size_t n = text.len;
		while (n && (text.buf[n - 1] == '\n' || text.buf[n - 1] == '\r'))
			n--;
		if (!n)
			goto out;
		if (text.buf[0] != '/')
			sbuf_addstr(common, gitdir->buf);
		sbuf_add(common, text.buf, n);
		sbuf_addch(common, '/');
		if (files_ok(common->buf))
			goto out;
	} else if (errno == ENOENT) {
		sbuf_addstr(common, gitdir->buf);
	} else {
		goto out;
	}
	/* settings that move the work tree or change what ids and refs are: libgit2 reads them */
	static const char *const keys[] = { "worktree", "bare", "objectformat", "refstorage", "include", "includeif" };
	sbuf_reset(&text);
	struct sbuf cfg = SBUF_INIT;
	sbuf_addf(&cfg, "%sconfig", common->buf);
	int r = sbuf_read_at(&text, AT_FDCWD, cfg.buf, 1 << 20);
	if (r == 0 || (r == -1 && errno == ENOENT)) { /* extensions.worktreeConfig's per-worktree file */
		sbuf_addch(&text, '\n');
		sbuf_reset(&cfg);
		sbuf_addf(&cfg, "%sconfig.worktree", gitdir->buf);
		r = sbuf_read_at(&text, AT_FDCWD, cfg.buf, 1 << 20);
	}
	sbuf_release(&cfg);
	if (r && !(r == -1 && errno == ENOENT))
		goto out;
	for (size_t j = 0; j < text.len; j++)
		text.buf[j] = (char)tolower((unsigned char)text.buf[j]);
	rc = 0;
	for (size_t j = 0; j < sizeof(keys) / sizeof(keys[0]) && !rc; j++)
		if (key_may_matter(text.buf, text.len, keys[j]))
			rc = -1;
out:
	sbuf_release(&text);
	return rc;
}

/* own_tree_changes's reading of one tree: its text into buf, checked for git's order. */
static int own_tree(struct odb *o, const unsigned char *oid, struct sbuf *buf)
{
	enum odb_type t;
	if (!oid)
		return 0;
	if (odb_read(o, oid, &t, buf) || t != ODB_TREE)
		return -1;
	struct odb_entry prev, e;
	int have = 0, r;
	for (const char *p = buf->buf, *end = buf->buf + buf->len; (r = odb_tree_next(&p, end, &e)) > 0; have = 1) {
		if (have && odb_entry_cmp(&prev, &e) >= 0)
			return -1; /* out of order or twice: git's fsck refuses it; libgit2 decides */
		prev = e;
	}
	return r;
}

static int is_file_mode(unsigned m)
{
	return m == 0100644 || m == 0100755 || m == 0120000;
}

/* tree_changes with odb: tree b (HEAD's, at path) against a (ref's, or NULL), both read in git's
 * order side by side. 0, or -1 when a tree cannot be read (the caller asks libgit2). */
static int own_tree_changes(struct repo_since *s, struct odb *o, const unsigned char *a, const unsigned char *b,
			    struct sbuf *path, int depth)
{
	if (depth > 4096)
		return -1;
	struct sbuf ta = SBUF_INIT, tb = SBUF_INIT;
	int rc = -1;
	if (own_tree(o, a, &ta) || own_tree(o, b, &tb))
		goto out;
	size_t base = path->len;
	const char *pa = ta.buf, *ea_end = ta.buf + ta.len;
	struct odb_entry ea, eb;
	int ha = a ? odb_tree_next(&pa, ea_end, &ea) : 0;
	for (const char *pb = tb.buf, *end = tb.buf + tb.len; odb_tree_next(&pb, end, &eb) > 0;) {
		int c = 1;
		while (ha > 0 && (c = odb_entry_cmp(&ea, &eb)) < 0)
			ha = odb_tree_next(&pa, ea_end, &ea);
		const struct odb_entry *m = ha > 0 && c == 0 ? &ea : NULL;
		if (m && m->mode == eb.mode && !memcmp(m->oid, eb.oid, 20))
			continue;
		if (eb.mode == 0160000)
			continue;
		sbuf_setlen(path, base);
		sbuf_add(path, eb.name, eb.len);
		if (eb.mode == 0040000) {
			sbuf_addch(path, '/');
			if (own_tree_changes(s, o, m && m->mode == 0040000 ? m->oid : NULL, eb.oid, path, depth + 1))
				goto out;
		} else {
			since_add(s, path->buf, path->len, m && is_file_mode(m->mode) ? m->oid : NULL, m ? m->mode : 0);
		}
	}
	sbuf_setlen(path, base);
	rc = 0;
out:
	sbuf_release(&ta);
	sbuf_release(&tb);
	return rc;
}

/* Paths with a mode and an id, in the order of the index (bytewise): a tree's files or the index's
 * entries. */
/* The files of tree oid (at path), depth first in git's order: the index's order. */
static int flatten(struct odb *o, const unsigned char *oid, struct sbuf *path, struct flat *f, int depth)
{
	struct sbuf t = SBUF_INIT;
	int rc = -1;
	if (depth > 4096 || own_tree(o, oid, &t))
		goto out;
	size_t base = path->len;
	struct odb_entry e;
	for (const char *p = t.buf, *end = t.buf + t.len; odb_tree_next(&p, end, &e) > 0;) {
		sbuf_setlen(path, base);
		sbuf_add(path, e.name, e.len);
		if (e.mode != 0040000) {
			flat_add(f, path->buf, path->len, e.mode, 0, e.oid);
			continue;
		}
		sbuf_addch(path, '/');
		if (flatten(o, e.oid, path, f, depth + 1))
			goto out;
	}
	sbuf_setlen(path, base);
	rc = 0;
out:
	sbuf_release(&t);
	return rc;
}

/* The index's order of two paths: bytewise, a prefix first. */
static int path_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	int c = memcmp(a, b, al < bl ? al : bl);
	return c ? c : (al > bl) - (al < bl);
}

static int flat_cmp(const struct flat *a, size_t i, const struct flat *b, size_t j)
{
	const struct flat_ent *x = &a->v[i], *y = &b->v[j];
	return path_cmp(a->text.buf + x->off, x->len, b->text.buf + y->off, y->len);
}

/* qsort_r's order of two entries (by path, then stage) of the flat whose text is ctx */
static int flat_order(const void *a, const void *b, void *ctx)
{
	const char *text = ctx;
	const struct flat_ent *x = a, *y = b;
	int c = path_cmp(text + x->off, x->len, text + y->off, y->len);
	return c ? c : (x->stage > y->stage) - (x->stage < y->stage);
}

/* The index's entries as files in git's order: a sparse index's directories replaced by the
 * files of their trees, and a split index's own entries (given after the shared ones) or a
 * hostile index's misordered ones sorted in. 0, or -1 when a tree cannot be read. */
static int own_index_files(struct odb *o, struct flat *ix)
{
	struct sbuf path = SBUF_INIT;
	int rc = 0;
	for (size_t i = 0, n = ix->n; i < n && ix->nsparse && !rc; i++) {
		if (ix->v[i].mode != 0040000)
			continue;
		unsigned char tree[20];
		memcpy(tree, ix->v[i].oid, sizeof(tree)); /* flatten grows ix->v */
		sbuf_reset(&path);
		sbuf_add(&path, ix->text.buf + ix->v[i].off, ix->v[i].len);
		if (!path.len || path.buf[path.len - 1] != '/')
			sbuf_addch(&path, '/');
		rc = flatten(o, tree, &path, ix, 0);
	}
	sbuf_release(&path);
	size_t k = 0;
	int sorted = 1;
	for (size_t i = 0; i < ix->n; i++) {
		if (ix->v[i].mode == 0040000)
			continue;
		ix->v[k] = ix->v[i];
		if (k && flat_order(&ix->v[k - 1], &ix->v[k], ix->text.buf) > 0)
			sorted = 0;
		k++;
	}
	ix->n = k;
	if (!sorted)
		qsort_r(ix->v, ix->n, sizeof(*ix->v), flat_order, ix->text.buf);
	return rc;
}

/* The entry of the tree es[0..n) (in git's order) named name, a tree when dir: NULL when none. */
static const struct odb_entry *tree_find(const struct odb_entry *es, size_t n, const char *name, size_t len, int dir)
{
	const struct odb_entry key = { dir ? 0040000 : 0100644, name, len, NULL };
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = odb_entry_cmp(&es[mid], &key);
		if (!c)
			return &es[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The first of ix's entries from `from` on that does not start with dir (len bytes): those that
 * do are together there, the entries being in order. */
static size_t prefix_end(const struct flat *ix, size_t from, const char *dir, size_t len)
{
	size_t lo = from, hi = ix->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct flat_ent *e = &ix->v[mid];
		if (e->len >= len && !memcmp(ix->text.buf + e->off, dir, len))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* One path of the index (its entries ix->v[i..k): more than one when unmerged) against its
 * namesake in ref (r: NULL when ref has no file there), as git diff --cached compares them. */
static void index_file_diff(struct repo_since *s, const struct flat *ix, size_t i, size_t k, const struct odb_entry *r)
{
	int conflict = 0;
	for (size_t j = i; j < k; j++)
		conflict |= ix->v[j].stage != 0;
	const struct flat_ent *e = &ix->v[i];
	if (!conflict && e->mode == 0160000)
		return; /* submodules are not compared (git diff --ignore-submodules) */
	if (!conflict && r && r->mode == e->mode && !memcmp(r->oid, e->oid, 20))
		return;
	since_add(s, ix->text.buf + e->off, e->len, r && is_file_mode(r->mode) ? r->oid : NULL, r ? r->mode : 0);
}

/* ref's directory dir (its tree refoid; NULL when ref has none there) against the index's entries
 * below it, from ix->v[*i] on, which *i leaves behind. A directory whose cache tree id is ref's
 * holds the same files on both sides and is skipped unread; elsewhere ref's tree is read and each
 * entry met with its namesake, as git diff --cached does. dir ends in '/' ("" at the top). 0, or
 * -1 when a tree cannot be read (the caller asks libgit2). */
static int index_dir_diff(struct repo_since *s, struct odb *o, const unsigned char *refoid, struct sbuf *dir,
			  const struct flat *ix, size_t *i, int depth)
{
	size_t base = dir->len, end = prefix_end(ix, *i, dir->buf, base);
	uint32_t v;
	if (refoid && strset_get(&ix->ctree, dir->buf, base ? base - 1 : 0, &v) && v &&
	    !memcmp(ix->ctoid[v - 1], refoid, 20)) {
		*i = end;
		return 0;
	}
	if (depth > 4096)
		return -1;
	struct sbuf t = SBUF_INIT;
	struct odb_entry *es = NULL, e;
	size_t n = 0, alloc = 0;
	int rc = -1;
	if (refoid && own_tree(o, refoid, &t))
		goto out;
	for (const char *p = t.buf, *tend = t.buf + t.len; refoid && odb_tree_next(&p, tend, &e) > 0;) {
		ALLOC_GROW(es, n + 1, alloc);
		es[n++] = e;
	}
	while (*i < end) {
		const struct flat_ent *x = &ix->v[*i];
		const char *name = ix->text.buf + x->off + base;
		size_t rest = x->len - base;
		const char *sl = memchr(name, '/', rest);
		if (sl) { /* a directory: its entries together */
			const struct odb_entry *r = tree_find(es, n, name, (size_t)(sl - name), 1);
			sbuf_add(dir, name, (size_t)(sl - name) + 1);
			int sub = index_dir_diff(s, o, r ? r->oid : NULL, dir, ix, i, depth + 1);
			sbuf_setlen(dir, base);
			if (sub)
				goto out;
			continue;
		}
		size_t k = *i + 1;
		while (k < end && flat_cmp(ix, *i, ix, k) == 0)
			k++;
		index_file_diff(s, ix, *i, k, tree_find(es, n, name, rest, 0));
		*i = k;
	}
	rc = 0;
out:
	free(es);
	sbuf_release(&t);
	return rc;
}

/* Waits until the walk has said what its reading of the index found (repo_since_index): 1 when
 * its cache tree's root is tree (the index would commit it), and then its digest is ref's side's. */
static int index_commits(struct repo_since *s, const unsigned char tree[20])
{
	pthread_mutex_lock(&s->lock);
	while (!s->told)
		pthread_cond_wait(&s->told_cond, &s->lock);
	int yes = s->walk_has_root && !memcmp(s->walk_root, tree, 20);
	if (yes) {
		s->isum = s->walk_sum;
		s->isum_ok = s->walk_sum_ok;
	}
	pthread_mutex_unlock(&s->lock);
	return yes;
}

/* The committed and staged side without libgit2: 0, or -1 with nothing kept (ask libgit2). When
 * the index would commit HEAD's tree (the usual case), only the subtrees that differ between ref
 * and HEAD are read, and the index is not read here at all: the walk's reading says so. */
static int since_own(struct repo_since *s)
{
	struct sbuf top = SBUF_INIT, gitdir = SBUF_INIT, common = SBUF_INIT, path = SBUF_INIT;
	struct flat ix = FLAT_INIT;
	struct since_map m = { NULL, 0 };
	struct odb *o = NULL;
	unsigned char ref[20], head[20];
	int rc = -1;
	if (own_dirs(s->abs_root, &top, &gitdir, &common) || odb_open(&o, gitdir.buf, common.buf) ||
	    odb_rev_tree(o, s->ref, ref))
		goto out;
	int have_head = odb_rev_tree(o, "HEAD", head) == 0;
	if (have_head) {
		if (own_tree_changes(s, o, ref, head, &path, 0))
			goto fail;
		if (index_commits(s, head))
			goto done;
		strset_release(&s->paths); /* the index differs from HEAD: compared whole below */
		s->nrefs = 0;
	}
	if (own_index(gitdir.buf, top.buf, &ix, &m, &s->isum))
		goto fail;
	s->isum_ok = 1;
	s->split = ix.split;
	if (have_head && ix.has_root && !memcmp(ix.root, head, 20)) {
		/* the walk's reading differed (git commit meanwhile): chg_finish will see the digests
		 * differ and walk again */
		if (own_tree_changes(s, o, ref, head, &path, 0))
			goto fail;
	} else {
		/* staged changes: where the cache tree is still valid, a directory as in ref is skipped */
		size_t at = 0;
		if (own_index_entries(&ix, &m) || own_index_files(o, &ix) ||
		    index_dir_diff(s, o, ref, &path, &ix, &at, 0))
			goto fail;
	}
done:
	s->workdir = real_dir(top.buf);
	rc = 0;
	goto out;
fail:
	strset_release(&s->paths);
	s->nrefs = 0;
	s->isum_ok = 0;
out:
	fdio_unmap(m.b, m.len);
	flat_release(&ix);
	odb_free(o);
	sbuf_release(&top);
	sbuf_release(&gitdir);
	sbuf_release(&common);
	sbuf_release(&path);
	return rc;
}

static void *since_main(void *arg)
{
	struct repo_since *s = arg;
	git_object *tree = NULL;
	if (since_own(s) == 0) {
		atomic_store_explicit(&s->done, 1, memory_order_release);
		return NULL;
	}
	s->rc = since_open(s->abs_root, s->ref, &s->g, &tree);
	if (!s->rc) {
		s->workdir = workdir_of(s->g);
		s->rc = since_diff(s, tree);
	}
	if (s->rc)
		s->err = xstrdup(err_msg()); /* this thread's message, for repo_since_wait's caller */
	lg.git_object_free(tree);
	atomic_store_explicit(&s->done, 1, memory_order_release);
	return NULL;
}

int repo_since_start(struct repo_since **out, const char *abs_root, const char *ref)
{
	struct repo_since *s = xcalloc(1, sizeof(*s));
	s->abs_root = xstrdup(abs_root);
	s->ref = xstrdup(ref);
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->told_cond, NULL);
	if (pthread_create(&s->th, NULL, since_main, s)) {
		int e = errno;
		pthread_mutex_destroy(&s->lock);
		pthread_cond_destroy(&s->told_cond);
		free(s->abs_root);
		free(s->ref);
		free(s);
		*out = NULL;
		errno = e;
		return err_errno("--changed-since: unable to start a thread");
	}
	*out = s;
	return 0;
}

int repo_since_ready(const struct repo_since *s)
{
	return atomic_load_explicit(&s->done, memory_order_acquire);
}

void repo_since_index(struct repo_since *s, const unsigned char *root, int sum_ok, uint64_t sum)
{
	pthread_mutex_lock(&s->lock);
	if (!s->told) {
		s->told = 1;
		s->walk_has_root = root != NULL;
		if (root)
			memcpy(s->walk_root, root, sizeof(s->walk_root));
		s->walk_sum_ok = sum_ok;
		s->walk_sum = sum;
		pthread_cond_broadcast(&s->told_cond);
	}
	pthread_mutex_unlock(&s->lock);
}

int repo_since_wait(struct repo_since *s)
{
	if (!s->joined) {
		repo_since_index(s, NULL, 0, 0); /* the walk read no index: ref's side reads its own */
		pthread_join(s->th, NULL);
		s->joined = 1;
	}
	return s->rc ? err_set(s->rc, "%s", s->err) : 0;
}

const char *repo_since_workdir(const struct repo_since *s)
{
	return s->workdir;
}

int repo_since_has(const struct repo_since *s, const char *path, size_t len)
{
	return strset_has(&s->paths, path, len);
}

int repo_since_differs(struct repo_since *s, const char *path, const unsigned char index_oid[20], unsigned mode)
{
	uint32_t v = strset_val(&s->paths, path, strlen(path));
	const unsigned char *want = index_oid;
	if (v) {
		if (s->refs[v - 1].mode != mode) /* not a file in ref, a link, or another executable bit */
			return 1;
		want = s->refs[v - 1].oid;
	}
	git_oid got;
	if (s->split) /* libgit2 fails on a split index (and leaks on the way): changed, never missed */
		return 1;
	if (!s->g) { /* the committed side was read without libgit2: load it now */
		pthread_once(&lg_once, lg_load);
		if (!lg_ok || lg.git_repository_open_ext(&s->g, s->abs_root, GIT_REPOSITORY_OPEN_FROM_ENV, NULL) < 0) {
			s->g = NULL;
			return 1; /* checked: the scan reads it and says what is wrong, if anything */
		}
	}
	/* the work tree's bytes as git would store them (its clean filters: eol, ident...) */
	if (lg.git_repository_hashfile(&got, s->g, path, GIT_OBJECT_BLOB, NULL) < 0)
		return 1; /* unreadable: the walk says why */
	return memcmp(got.id, want, 20) != 0;
}

int repo_index_sum(struct repo *rp, uint64_t *sum)
{
	load_index(rp);
	*sum = rp->isum;
	return rp->isum_ok;
}

int repo_index_root(struct repo *rp, unsigned char oid[20])
{
	load_index(rp);
	/* a split index's root is not given: ref's side must read that index itself, to know that
	 * libgit2 cannot hash a dirty file by it */
	int has = rp->has_root && !rp->split;
	if (has)
		memcpy(oid, rp->root, sizeof(rp->root));
	return has;
}

int repo_since_index_sum(const struct repo_since *s, uint64_t *sum)
{
	*sum = s->isum;
	return s->isum_ok;
}

void repo_since_free(struct repo_since *s)
{
	if (!s)
		return;
	if (!s->joined) {
		repo_since_index(s, NULL, 0, 0);
		pthread_join(s->th, NULL);
	}
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->told_cond);
	if (s->g)
		lg.git_repository_free(s->g);
	strset_release(&s->paths);
	free(s->refs);
	free(s->workdir);
	free(s->err);
	free(s->abs_root);
	free(s->ref);
	free(s);
}

uint64_t repo_tracked_digest(struct repo *rp)
{
	load_index(rp);
	/* a sum of the paths' hashes: the same whatever order the index lists them in */
	uint64_t sum = rp->files.n;
	const char *p = rp->files.text.buf, *end = p + rp->files.text.len;
	while (p < end) {
		size_t len = strlen(p);
		sum += XXH3_64bits(p, len);
		p += len + 1;
	}
	return sum;
}
