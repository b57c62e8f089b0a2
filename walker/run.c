/* run: one run of the walker over its PATHs (run.h). */
#include "run.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "changes.h"
#include "err.h"
#include "quote.h"
#include "repo.h"
#include "xalloc.h"
#include "banned.h"

/* A message for stderr (the thread's err_msg() or a fixed text), kept in order. */
static void add_error(struct run *run, const char *msg)
{
	run->errors = xrealloc(run->errors, (run->nerrors + 1) * sizeof(*run->errors));
	run->errors[run->nerrors++] = xstrdup(msg);
}

/* Files named as roots (pre-commit passes the staged files): each relative path to a regular file
 * without "." or ".." components is moved from the roots to run->named, and they are all checked
 * in one walk of "." that scans just those files, with the working directory's cache. The other
 * paths stay roots of their own. */
static void take_named_files(struct run *run)
{
	int keep = 0;
	for (int i = 0; i < run->nroots; i++) {
		const char *p = run->roots[i];
		while (p[0] == '.' && p[1] == '/')
			for (p += 2; *p == '/'; p++)
				;
		int plain = *p && *p != '/';
		for (const char *c = p; plain && *c; c++)
			if (c == p || c[-1] == '/')
				plain = !(c[0] == '/' || (c[0] == '.' && (!c[1] || c[1] == '/')) ||
					  (c[0] == '.' && c[1] == '.' && (!c[2] || c[2] == '/')));
		struct stat st;
		if (plain && p[strlen(p) - 1] != '/' && lstat(p, &st) == 0 && S_ISREG(st.st_mode)) {
			run->named = xrealloc(run->named, (run->nnamed + 1) * sizeof(*run->named));
			run->named[run->nnamed++] = xstrdup(p);
		} else {
			run->roots[keep++] = run->roots[i];
		}
	}
	run->nroots = keep;
}

int run_plan(const struct opts *o, struct run *run)
{
	memset(run, 0, sizeof(*run));
	run->ro = o->report;
	run->warn = (struct sbuf)SBUF_INIT;
	run->nroots = o->npaths;
	run->roots = xmalloc((size_t)o->npaths * sizeof(*run->roots));
	memcpy(run->roots, o->paths, (size_t)o->npaths * sizeof(*run->roots));
	if (!o->cache_clear && !o->changed_since)
		take_named_files(run);
	if (o->cache_file && run->nroots + (run->nnamed > 0) > 1)
		return err_set(ERR_USAGE, "--cache %s: one cache file cannot serve several roots; name one root",
			       o->cache_file);
	return 0;
}

void run_release(struct run *run)
{
	for (size_t i = 0; i < run->nnamed; i++)
		free(run->named[i]);
	free(run->named);
	free(run->roots);
	for (size_t i = 0; i < run->nerrors; i++)
		free(run->errors[i]);
	free(run->errors);
	free(run->ro.cache_path);
	sbuf_release(&run->warn);
	walk_result_release(&run->res);
	memset(run, 0, sizeof(*run));
}

int run_clear(const struct opts *o, struct run *run)
{
	int st = 0;
	for (int i = 0; i < run->nroots; i++) {
		char *real = realpath(run->roots[i], NULL);
		if (!real && !o->cache_file) {
			err_errno("unable to resolve '%s'", run->roots[i]);
			add_error(run, err_msg());
			st = 2;
			continue;
		}
		if (cache_clear(o->cache_file, real)) {
			add_error(run, err_msg());
			st = 2;
		}
		free(real);
	}
	return st;
}

char *run_find_config(const char *path, struct sbuf *warn)
{
	char *real = realpath(path, NULL);
	if (!real)
		return NULL;
	struct stat st;
	if (stat(real, &st) == 0 && !S_ISDIR(st.st_mode)) {
		char *sl = strrchr(real, '/');
		if (sl && sl != real)
			*sl = '\0';
	}
	struct sbuf top = SBUF_INIT, p = SBUF_INIT;
	int in_repo = repo_find_top(real, &top);
	char *hit = NULL;
	sbuf_addstr(&p, real);
	for (;;) {
		size_t keep = p.len;
		sbuf_addstr(&p, "/" RULES_CONFIG_NAME);
		int found = lstat(p.buf, &st) == 0;
		if (found && S_ISLNK(st.st_mode)) { /* a cloned tree must not make us read outside it */
			if (warn)
				sbuf_addf(warn,
					  "walker: warning: '%s' is a symlink, not followed: the default patterns "
					  "apply (--config FILE uses it)\n",
					  p.buf);
			break;
		}
		if (found && S_ISREG(st.st_mode)) {
			hit = xstrdup(p.buf);
			break;
		}
		sbuf_setlen(&p, keep);
		char *sl = strrchr(p.buf, '/');
		/* stop at the top: top is p with a trailing '/' */
		if (!in_repo || (top.len == p.len + 1 && !memcmp(top.buf, p.buf, p.len)) || !sl || sl == p.buf)
			break;
		sbuf_setlen(&p, (size_t)(sl - p.buf));
	}
	sbuf_release(&p);
	sbuf_release(&top);
	free(real);
	return hit;
}

int run_rules(const struct opts *o, struct rules **out, struct sbuf *warn)
{
	struct rules *r;
	rules_new(&r, !o->no_defaults);
	int rc = 0;
	char *found = NULL;
	if (!o->no_defaults) {
		if (o->config)
			rc = rules_load_config(r, o->config);
		else if ((found = run_find_config(o->paths[0], warn)))
			rc = rules_load_config(r, found);
	}
	for (size_t i = 0; !rc && i < o->npatterns; i++)
		rc = rules_add_cli(r, o->patterns[i]);
	free(found);
	if (!rc && !r->n)
		rc = err_set(ERR_USAGE, "no patterns: --no-defaults needs at least one -e NAME=REGEX");
	if (!rc)
		rc = rules_compile(r, o->max_filesize, o->binary);
	if (rc) {
		rules_free(r);
		r = NULL;
	}
	*out = r;
	return rc;
}

void run_list_patterns(struct sbuf *o, const struct rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rules_pattern *p = &r->pats[i];
		sbuf_addf(o, "%s\t%s\t", p->name, rules_action_name(p->action));
		quote_c(o, p->regex, strlen(p->regex), 0);
		if (p->action == RA_COMMENT)
			for (size_t k = 0; k < p->nmarkers; k++) {
				sbuf_addch(o, '\t');
				quote_c(o, p->markers[k], strlen(p->markers[k]), 0);
			}
		if (p->action == RA_COUNT && p->threshold == RULES_NO_THRESHOLD)
			sbuf_addstr(o, "\tthreshold none");
		else if (p->action == RA_COUNT)
			sbuf_addf(o, "\tthreshold %u", p->threshold);
		sbuf_addf(o, "\tin %s",
			  p->place == RP_CODE        ? "code"
			  : p->place == RP_COMMENT   ? "comment"
			  : p->place == RP_DIRECTIVE ? "directive"
						     : "any");
		sbuf_addstr(o, "\t[");
		int any = 0;
		for (int l = 0; l < RL_COUNT; l++)
			if (!p->nglobs && (p->langs & (1u << l)))
				sbuf_addf(o, "%s%s", any++ ? " " : "", rules_lang_name(l));
		for (size_t g = 0; g < p->nglobs; g++) {
			sbuf_addstr(o, any++ ? " " : "");
			quote_c(o, p->globs[g], strlen(p->globs[g]), 0);
		}
		sbuf_addf(o, "]%s\t(", p->in_tests ? " tests too" : "");
		quote_c(o, p->origin, strlen(p->origin), 0);
		sbuf_addstr(o, ")\n");
	}
}

/* The walker's own caches inside the walked directory root_real (XDG_CACHE_HOME or --cache FILE in
 * the tree): they change every run, so they are never walked. The default cache directory and the
 * --cache file (when given) are added to o->self, pointing into s. */
void run_self_find(struct walk_opts *o, const char *root_real, const char *cache_file, struct run_self *s)
{
	for (int k = 0; k < 2; k++) {
		struct sbuf ignore = SBUF_INIT;
		char *path = k ? (cache_file ? xstrdup(cache_file) : NULL) : cache_default_path(root_real, &ignore);
		sbuf_release(&ignore);
		if (!path)
			continue;
		char *sl = strrchr(path, '/');
		const char *base = sl ? sl + 1 : path;
		struct stat st;
		char *dreal = NULL;
		if (sl && sl != path)
			*sl = '\0';
		/* the default directory only when it is one: a symlink there is refused by cache_open */
		if (k || (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)))
			dreal = realpath(!sl ? "." : sl == path ? "/" : path, NULL);
		size_t rl = strlen(root_real), dl = dreal ? strlen(dreal) : 0;
		const char *rel = NULL; /* dreal relative to root_real */
		if (dreal && rl == 1)
			rel = dreal + 1;
		else if (dreal && dl == rl && !memcmp(dreal, root_real, rl))
			rel = "";
		else if (dreal && dl > rl && !memcmp(dreal, root_real, rl) && dreal[rl] == '/')
			rel = dreal + rl + 1;
		struct walk_self *ws = &o->self[o->nself];
		if (rel && !k && *rel) { /* the whole default directory, named in its parent */
			const char *ps = strrchr(rel, '/');
			sbuf_add(&s->dir[k], rel, ps ? (size_t)(ps - rel) + 1 : 0);
			sbuf_addstr(&s->name[k], ps ? ps + 1 : rel);
			ws->whole = 1;
		} else if (rel) { /* a cache file: with its delta and temporaries */
			sbuf_addstr(&s->dir[k], rel);
			if (*rel)
				sbuf_addch(&s->dir[k], '/');
			sbuf_addstr(&s->name[k], base);
			ws->whole = 0;
		}
		if (rel) {
			ws->dir = s->dir[k].buf;
			ws->name = s->name[k].buf;
			o->nself++;
		}
		free(dreal);
		free(path);
	}
}

void run_self_release(struct run_self *s)
{
	for (int k = 0; k < 2; k++) {
		sbuf_release(&s->dir[k]);
		sbuf_release(&s->name[k]);
	}
}

void run_cache_stats(struct report_opts *ro, struct cache *cache)
{
	const struct cache_stats *cs = cache_stats(cache);
	ro->cache_used = 1;
	free(ro->cache_path);
	ro->cache_path = xstrdup(cs->path);
	ro->cache_loaded += cs->loaded;
	ro->cache_dropped += cs->dropped;
	ro->cache_written += cs->written;
	ro->cache_load_s += cs->load_ns / 1e9;
	ro->cache_save_s += cs->save_ns / 1e9;
}

/* The changed files of a --changed-since run, relative to its root; tools NULL when they came
 * from libgit2 (the scan then probes each directory on their way). */
struct changed {
	char **paths;
	uint8_t *tools;
	size_t n;
};

static void changed_release(struct changed *ch)
{
	for (size_t j = 0; j < ch->n; j++)
		free(ch->paths[j]);
	free(ch->paths);
	free(ch->tools);
	memset(ch, 0, sizeof(*ch));
}

/* --changed-since, judged during a walk that lists the files (walker/changes.h): their absolute
 * paths into *ch. The walk's errors (a directory it cannot read) go to *errs. Returns 0,
 * CHG_FALLBACK, CHG_RETRY, or -1 with err_msg(). */
static int changed_walk(const struct walk_opts *ow, const struct rules *r, const char *path, const char *real,
			const char *ref, struct changed *ch, struct walk_result *errs)
{
	struct changes *c;
	if (chg_start(&c, real, ref, r->max_filesize))
		return -1;
	memset(errs, 0, sizeof(*errs));
	struct walk_opts lw = *ow;
	lw.list_files = 1;
	lw.changes = c;
	lw.cache = NULL;
	lw.hooks = NULL;
	int rc = walk_run(&lw, r, path, errs) < 0 ? -1 : 0;
	if (!rc)
		rc = chg_finish(c, &ch->paths, &ch->tools, &ch->n);
	chg_free(c);
	/* only its errors count: the files are counted by the walk that checks them */
	struct walk_stats none;
	memset(&none, 0, sizeof(none));
	none.unreadable = errs->stats.unreadable;
	errs->stats = none;
	return rc == CHG_FALLBACK || rc == CHG_RETRY ? rc : rc ? -1 : 0;
}

/* --changed-since: the changed files under root real, relative to it, into *ch. Returns 0, or
 * an ERR_* with err_msg(). */
static int changed_under(const struct walk_opts *ow, const struct rules *r, const char *path, const char *real,
			 const char *ref, struct changed *ch, struct walk_result *errs)
{
	/* following links, or no ignore files (no repository read): git's own list */
	int rc = ow->follow || ow->no_ignore ? CHG_FALLBACK : changed_walk(ow, r, path, real, ref, ch, errs);
	/* the index rewritten between its two readings (git add, git reset): walk again a few times,
	 * then let libgit2, which reads it once, answer */
	for (int tries = 0; rc == CHG_RETRY && tries < 3; tries++) {
		changed_release(ch);
		walk_result_release(errs);
		rc = changed_walk(ow, r, path, real, ref, ch, errs);
	}
	if (rc == CHG_FALLBACK || rc == CHG_RETRY) {
		changed_release(ch);
		walk_result_release(errs);
		rc = repo_changed_since(real, ref, &ch->paths, &ch->n) ? -1 : 0;
	}
	if (rc)
		return -1;
	size_t rl = strlen(real), k = 0;
	for (size_t j = 0; j < ch->n; j++) {
		char *p = ch->paths[j];
		if (!strncmp(p, real, rl) && (rl == 1 || p[rl] == '/')) {
			memmove(p, p + rl + (rl > 1), strlen(p + rl + (rl > 1)) + 1);
			if (ch->tools)
				ch->tools[k] = ch->tools[j];
			ch->paths[k++] = p;
		} else {
			free(p);
		}
	}
	ch->n = k;
	return 0;
}

/* A cache being opened beside the walk that lists the changed files: its load is off the path
 * from that walk to the scan of what changed. */
struct opener {
	const struct opts *o;
	const struct rules *r;
	const char *real;
	pthread_t thread;
	int started, rc;
	struct cache *cache;
	struct sbuf warn;
	char *err;
};

static void *opener_main(void *arg)
{
	struct opener *op = arg;
	op->rc = cache_open(&op->cache, op->o->cache_file, op->real, op->r->digest, (unsigned)op->r->n, &op->warn);
	if (op->rc)
		op->err = xstrdup(err_msg());
	return NULL;
}

/* Open root real's cache, in the background when a thread can be had. */
static void opener_start(struct opener *op, const struct opts *o, const struct rules *r, const char *real)
{
	*op = (struct opener){ .o = o, .r = r, .real = real, .warn = SBUF_INIT };
	op->started = pthread_create(&op->thread, NULL, opener_main, op) == 0;
	if (!op->started)
		opener_main(op);
}

static void opener_join(struct opener *op)
{
	if (op->started)
		pthread_join(op->thread, NULL);
	op->started = 0;
}

/* The opened cache into *cache (NULL when none), its warnings into run->warn. Returns 0, or -1
 * with the error added to the run. */
static int opener_finish(struct opener *op, struct run *run, struct cache **cache)
{
	opener_join(op);
	sbuf_add(&run->warn, op->warn.buf, op->warn.len);
	sbuf_release(&op->warn);
	*cache = op->cache;
	if (op->rc)
		add_error(run, op->err);
	free(op->err);
	return op->rc ? -1 : 0;
}

/* The run stopped before its walk: the cache goes unused, unsaved, its warnings with it. */
static void opener_drop(struct opener *op)
{
	opener_join(op);
	cache_close(op->cache);
	sbuf_release(&op->warn);
	free(op->err);
}

/* One directory (or file) PATH: its cache, its walk, merged into run->res. Returns 0, or -1 when
 * the run cannot go on (run->fatal). */
static int run_root(const struct opts *o, const struct rules *r, struct run *run, const char *path)
{
	struct walk_result one;
	struct walk_opts ow = o->walk;
	struct cache *cache = NULL;
	struct changed ch = { NULL, NULL, 0 };
	struct opener op;
	int opening = 0;
	struct walk_result cerr;
	memset(&cerr, 0, sizeof(cerr));
	char *real = NULL;
	struct stat st;
	int isdir = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
	struct run_self self = RUN_SELF_INIT;
	int rc = 0;
	if (isdir)
		real = realpath(path, NULL);
	if (real) /* with --no-cache and --files too: every kind of run walks the same files */
		run_self_find(&ow, real, o->cache_file, &self);
	int want_cache = real && !o->no_cache && !o->walk.list_files;
	if (o->changed_since && isdir) {
		if (!real)
			err_errno("unable to resolve '%s'", path);
		if (want_cache) {
			opener_start(&op, o, r, real);
			opening = 1;
		}
		if (!real || changed_under(&ow, r, path, real, o->changed_since, &ch, &cerr)) {
			add_error(run, err_msg());
			rc = -1;
			goto out;
		}
		/* nothing changed is an empty list, not none (a walk of everything) */
		static char *const no_paths[1] = { NULL };
		ow.only = ch.paths ? ch.paths : no_paths;
		ow.nonly = ch.n;
		ow.only_tools = ch.tools;
	} else if (o->changed_since) {
		err_set(ERR_USAGE, "--changed-since: '%s' is not a directory", path);
		add_error(run, err_msg());
		rc = -1;
		goto out;
	}
	if (opening) {
		opening = 0;
		if (opener_finish(&op, run, &cache)) {
			rc = -1;
			goto out;
		}
	} else if (want_cache && cache_open(&cache, o->cache_file, real, r->digest, (unsigned)r->n, &run->warn)) {
		add_error(run, err_msg());
		rc = -1;
		goto out;
	}
	ow.cache = cache;
	if (walk_run(&ow, r, path, &one) < 0) {
		add_error(run, err_msg());
		run->failed_roots++;
		cache_close(cache);
		goto out;
	}
	if (cache) {
		/* a partial run must not drop the entries of the files it did not look at */
		cache_save(cache, o->walk.max_depth < 0 && !o->changed_since && !o->walk.shard_count, &run->warn);
		run_cache_stats(&run->ro, cache);
		cache_close(cache);
	}
	walk_result_merge(&one, &cerr, o->walk.unsorted);
	walk_result_merge(&run->res, &one, o->walk.unsorted);
out:
	if (opening)
		opener_drop(&op);
	if (rc)
		run->fatal = 1;
	run_self_release(&self);
	walk_result_release(&cerr);
	changed_release(&ch);
	free(real);
	return rc;
}

/* The files named as roots: one walk of "." that scans just them. */
static void run_named(const struct opts *o, const struct rules *r, struct run *run)
{
	struct walk_result one;
	struct walk_opts ow = o->walk;
	struct cache *cache = NULL;
	char *real = !o->no_cache && !o->walk.list_files ? realpath(".", NULL) : NULL;
	if (real)
		cache_open(&cache, o->cache_file, real, r->digest, (unsigned)r->n, &run->warn);
	free(real);
	ow.cache = cache;
	ow.only = run->named;
	ow.nonly = run->nnamed;
	ow.only_named = 1;
	if (walk_run(&ow, r, ".", &one) < 0) {
		add_error(run, err_msg());
		run->failed_roots++;
		cache_close(cache);
		return;
	}
	if (cache) {
		cache_save(cache, 0, &run->warn);
		run_cache_stats(&run->ro, cache);
		cache_close(cache);
	}
	walk_result_merge(&run->res, &one, o->walk.unsorted);
}

void run_roots(const struct opts *o, const struct rules *r, struct run *run)
{
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int i = 0; i < run->nroots; i++)
		if (run_root(o, r, run, run->roots[i]))
			break;
	if (run->nnamed && !run->fatal)
		run_named(o, r, run);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	run->ro.wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	run->ro.color = o->color < 0 ? isatty(1) && !getenv("NO_COLOR") : o->color;
}

int run_report(const struct opts *o, const struct rules *r, struct run *run, struct sbuf *out)
{
	const struct walk_result *all = &run->res;
	if (o->walk.list_files) {
		for (size_t i = 0; i < all->n; i++) {
			if (all->files[i].status != WF_OK)
				continue;
			report_path_text(out, all->files[i].path, all->files[i].pathlen);
			sbuf_addch(out, '\n');
		}
		return run->failed_roots ? 2 : 0;
	}
	struct report_summary sum;
	report_summarize(r, all, &sum);
	report_warnings(&run->warn, r, all);
	if (o->format == OPTS_JSON)
		report_json(out, r, all, &sum, &run->ro);
	else if (o->format == OPTS_GITHUB)
		report_github(out, r, all, &sum);
	else if (o->format == OPTS_SARIF)
		report_sarif(out, r, all, &sum);
	else
		report_text(out, r, all, &sum, &run->ro);
	int status = report_passed(&sum) ? 0 : 1;
	/* a PATH that cannot be walked is an error even beside others that can, as in rg */
	if (run->failed_roots || (all->stats.files_scanned == 0 && all->stats.unreadable > 0 && sum.violations == 0))
		status = 2;
	report_summary_release(&sum);
	return status;
}
