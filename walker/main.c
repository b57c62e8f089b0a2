/* walker: find escape hatches in a tree (docs/walker.md, docs/patterns.md,
 * docs/output.md). */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "quote.h"
#include "repo.h"
#include "report.h"
#include "rules.h"
#include "sbuf.h"
#include "version.h"
#include "walk.h"
#include "xalloc.h"
#include "banned.h"

static const char usage_text[] = "usage: walker [OPTIONS] [PATH...]          (default PATH: .)\n"
				 "\n"
				 "Find escape hatches (unsafe blocks, .unwrap(), @ts-ignore, # type: "
				 "ignore, ...) in a tree and\n"
				 "report those without the required justification comment. Honours "
				 ".gitignore, .ignore,\n"
				 ".git/info/exclude and core.excludesFile exactly as git does; tracked "
				 "files are never ignored.\n"
				 "\n"
				 "Patterns:\n"
				 "      --config FILE       read patterns from FILE (default: the nearest "
				 ".walker.conf from PATH\n"
				 "                          up to the repository root)\n"
				 "      --no-defaults       no built-in patterns and no config file; only "
				 "-e patterns\n"
				 "  -e, --pattern NAME=RE   add a count pattern for every file "
				 "(repeatable)\n"
				 "      --list-patterns     print the effective patterns and exit\n"
				 "Walking:\n"
				 "  -j, --jobs N            worker threads (default: the available cores)\n"
				 "      --mode MODE         auto (default), sequential or parallel\n"
				 "      --hidden            include dot-files and dot-directories\n"
				 "      --no-ignore         honour no ignore file\n"
				 "  -L, --follow            follow symlinks (loops are detected and "
				 "reported)\n"
				 "      --one-file-system   do not cross file-system boundaries\n"
				 "      --max-depth N       descend at most N directories below PATH\n"
				 "      --unsorted          print in the order found (faster on huge "
				 "trees)\n"
				 "Reading:\n"
				 "      --max-filesize SIZE skip larger files (default 10M; suffixes K, M, "
				 "G)\n"
				 "      --binary            scan binary files too (default: skip a file "
				 "with a NUL in its first 8000 bytes)\n"
				 "      --mmap-min SIZE     map files of at least SIZE instead of reading "
				 "them (default 1M)\n"
				 "Cache and incremental runs:\n"
				 "      --cache FILE        keep per-file results in FILE (default: one file "
				 "per root under\n"
				 "                          $XDG_CACHE_HOME/walker/, else ~/.cache/walker/)\n"
				 "      --no-cache          neither read nor write the cache\n"
				 "      --cache-clear       remove the roots' cache files and exit\n"
				 "      --changed-since REF scan only the files that differ between REF and the "
				 "work tree\n"
				 "                          (modified, added, renamed, untracked; git "
				 "repositories only)\n"
				 "      --shard I/N         scan only shard I of N (a fixed split of the files by path "
				 "hash)\n"
				 "Output:\n"
				 "      --format FMT        text (default), json, github or sarif\n"
				 "      --limit N           show at most N violations in text (default 15)\n"
				 "      --all               show every violation\n"
				 "      --color WHEN        auto (default), always or never\n"
				 "      --stats             add counters and timings\n"
				 "      --files             print the files that would be searched, and exit\n"
				 "  -h, --help              this text\n"
				 "      --version           print the version\n"
				 "\n"
				 "Exit status: 0 no violation, 1 violations, 2 usage or config error, a PATH "
				 "that cannot be walked,\n"
				 "nothing could be read, or output that cannot be written; 3 out of memory.\n"
				 "\n"
				 "Examples:\n"
				 "  walker                                   check the current repository\n"
				 "  walker --format json src | jq .counts    per-pattern counts as JSON\n"
				 "  walker --no-defaults -e unwrap='\\.unwrap\\(\\)' .   count one pattern, "
				 "like rg -P --count-matches\n";

/* Every line for stderr goes through here: what it names (paths, config keys and values, advice)
 * may come from the tree or a config, and quote_c keeps its controls off the terminal. */
static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	char *msg = small;
	if ((size_t)n >= sizeof(small)) {
		msg = xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(msg, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	struct sbuf out = SBUF_INIT;
	sbuf_addstr(&out, "walker: ");
	quote_c(&out, msg, (size_t)n, 0);
	sbuf_addch(&out, '\n');
	fdio_write_all(2, out.buf, out.len);
	sbuf_release(&out);
	if (msg != small)
		free(msg);
}

/* The warnings gathered during the run (several lines), quoted like say()'s. */
static void say_lines(const struct sbuf *warn)
{
	if (!warn->len)
		return;
	struct sbuf out = SBUF_INIT;
	quote_c(&out, warn->buf, warn->len, QUOTE_KEEP_NL);
	fdio_write_all(2, out.buf, out.len);
	sbuf_release(&out);
}

/* Write what was asked for to stdout. Returns 0, or 2 after saying why it could not be written
 * (a full disk, /dev/full): output that is lost must not look like success. */
static int put_out(const char *buf, size_t len, const char *what)
{
	if (!fdio_write_all(1, buf, len))
		return 0;
	if (errno != EPIPE)
		say("unable to write %s: %s", what, strerror(errno));
	return 2;
}

static int usage_error(const char *fmt, const char *arg)
{
	say(fmt, arg);
	fputs("try 'walker --help'\n", stderr);
	return 2;
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9') /* no sign, no space: strtoull takes " -1" for 2^64-1 */
		return -1;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	uint64_t mul = 1;
	if (*end == 'K' || *end == 'k')
		mul = 1024, end++;
	else if (*end == 'M' || *end == 'm')
		mul = 1024 * 1024, end++;
	else if (*end == 'G' || *end == 'g')
		mul = 1024ull * 1024 * 1024, end++;
	if (*end || v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

static int parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9') /* digits only, as documented: no sign, no space */
		return -1;
	long v = strtol(s, &end, 10);
	if (errno || !*s || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

/* "I/N" with 1 <= I <= N <= 65536 into a 0-based index and the count. */
static int parse_shard(const char *s, unsigned *index, unsigned *count)
{
	const char *sl = strchr(s, '/');
	long i, n;
	char num[16];
	if (!sl || (size_t)(sl - s) >= sizeof(num))
		return -1;
	memcpy(num, s, (size_t)(sl - s));
	num[sl - s] = '\0';
	if (parse_long(num, 1, 65536, &i) || parse_long(sl + 1, 1, 65536, &n) || i > n)
		return -1;
	*index = (unsigned)(i - 1);
	*count = (unsigned)n;
	return 0;
}

static int cores(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		int n = CPU_COUNT(&set);
		if (n > 0)
			return n;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (int)n : 1;
}

/* The nearest .walker.conf from PATH upward to the top of its repository; outside a repository
 * only PATH's own directory is looked at. Returns a malloc'd path or NULL. */
static char *find_config(const char *path)
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
			say("warning: '%s' is a symlink, not followed: the default patterns apply (--config "
			    "FILE uses it)",
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

/* The effective patterns, one per line, tab-separated; every field from a config is quoted. */
static void list_patterns(struct sbuf *o, const struct rules *r)
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
 * --cache file (when given) are added to o->self, pointing into dir[] and name[]. */
static void find_self(struct walk_opts *o, const char *root_real, const char *cache_file, struct sbuf dir[2],
		      struct sbuf name[2])
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
		struct walk_self *s = &o->self[o->nself];
		if (rel && !k && *rel) { /* the whole default directory, named in its parent */
			const char *ps = strrchr(rel, '/');
			sbuf_add(&dir[k], rel, ps ? (size_t)(ps - rel) + 1 : 0);
			sbuf_addstr(&name[k], ps ? ps + 1 : rel);
			s->whole = 1;
		} else if (rel) { /* a cache file: with its delta and temporaries */
			sbuf_addstr(&dir[k], rel);
			if (*rel)
				sbuf_addch(&dir[k], '/');
			sbuf_addstr(&name[k], base);
			s->whole = 0;
		}
		if (rel) {
			s->dir = dir[k].buf;
			s->name = name[k].buf;
			o->nself++;
		}
		free(dreal);
		free(path);
	}
}

static void release_self(struct sbuf dir[2], struct sbuf name[2])
{
	for (int k = 0; k < 2; k++) {
		sbuf_release(&dir[k]);
		sbuf_release(&name[k]);
	}
}

/* Files named as roots (pre-commit passes the staged files): each relative path to a regular file
 * without "." or ".." components is moved from paths into *named, and main checks them all in
 * one walk of "." that scans just those files, with the working directory's cache. Returns how
 * many were moved; the other paths stay roots of their own. */
static size_t take_named_files(const char **paths, int *npaths, char ***named)
{
	size_t n = 0;
	int keep = 0;
	for (int i = 0; i < *npaths; i++) {
		const char *p = paths[i];
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
			*named = xrealloc(*named, (n + 1) * sizeof(**named));
			(*named)[n++] = xstrdup(p);
		} else {
			paths[keep++] = paths[i];
		}
	}
	*npaths = keep;
	return n;
}

/* Add a root's cache figures to the report's stats. */
static void add_cache_stats(struct report_opts *ro, struct cache *cache)
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

enum { FMT_TEXT, FMT_JSON, FMT_GITHUB, FMT_SARIF };

enum {
	OPT_CONFIG = 256,
	OPT_NO_DEFAULTS,
	OPT_LIST,
	OPT_MODE,
	OPT_HIDDEN,
	OPT_NO_IGNORE,
	OPT_ONE_FS,
	OPT_MAX_DEPTH,
	OPT_UNSORTED,
	OPT_MAX_FILESIZE,
	OPT_BINARY,
	OPT_MMAP_MIN,
	OPT_FORMAT,
	OPT_LIMIT,
	OPT_ALL,
	OPT_COLOR,
	OPT_STATS,
	OPT_VERSION,
	OPT_SPAWN,
	OPT_SPAWN_DELAY,
	OPT_FILES,
	OPT_CACHE,
	OPT_NO_CACHE,
	OPT_CACHE_CLEAR,
	OPT_CHANGED_SINCE,
	OPT_SHARD,
};

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "no-defaults", no_argument, NULL, OPT_NO_DEFAULTS },
		{ "pattern", required_argument, NULL, 'e' },
		{ "list-patterns", no_argument, NULL, OPT_LIST },
		{ "jobs", required_argument, NULL, 'j' },
		{ "mode", required_argument, NULL, OPT_MODE },
		{ "hidden", no_argument, NULL, OPT_HIDDEN },
		{ "no-ignore", no_argument, NULL, OPT_NO_IGNORE },
		{ "follow", no_argument, NULL, 'L' },
		{ "one-file-system", no_argument, NULL, OPT_ONE_FS },
		{ "max-depth", required_argument, NULL, OPT_MAX_DEPTH },
		{ "unsorted", no_argument, NULL, OPT_UNSORTED },
		{ "max-filesize", required_argument, NULL, OPT_MAX_FILESIZE },
		{ "binary", no_argument, NULL, OPT_BINARY },
		{ "mmap-min", required_argument, NULL, OPT_MMAP_MIN },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "colour", required_argument, NULL, OPT_COLOR },
		{ "stats", no_argument, NULL, OPT_STATS },
		{ "spawn-threshold", required_argument, NULL, OPT_SPAWN },
		{ "spawn-delay", required_argument, NULL, OPT_SPAWN_DELAY },
		{ "files", no_argument, NULL, OPT_FILES },
		{ "cache", required_argument, NULL, OPT_CACHE },
		{ "no-cache", no_argument, NULL, OPT_NO_CACHE },
		{ "cache-clear", no_argument, NULL, OPT_CACHE_CLEAR },
		{ "changed-since", required_argument, NULL, OPT_CHANGED_SINCE },
		{ "shard", required_argument, NULL, OPT_SHARD },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct walk_opts wo = WALK_OPTS_INIT;
	struct report_opts ro = REPORT_OPTS_INIT;
	const char *config = NULL, *cache_file = NULL, *changed_since = NULL;
	int no_cache = 0, clear = 0;
	int no_defaults = 0, list = 0, format = FMT_TEXT, color = -1;
	uint64_t max_filesize = 10ull * 1024 * 1024;
	int binary = 0;
	const char **cli_pats = NULL;
	size_t ncli = 0;
	long v;
	uint64_t u;
	int c;
	wo.jobs = cores();
#ifdef WALKER_TEST_DELAY_US
	usleep(WALKER_TEST_DELAY_US); /* a deliberately slowed test build: the benchmark gate must catch it */
#endif
	/* a file-size limit (ulimit -f) hit while saving the cache must be a write error, not death */
	signal(SIGXFSZ, SIG_IGN);
	opterr = 0; /* getopt's own messages would print the option raw: say() quotes it */
	while ((c = getopt_long(argc, argv, ":e:j:Lh", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
			config = optarg;
			break;
		case OPT_NO_DEFAULTS:
			no_defaults = 1;
			break;
		case 'e':
			cli_pats = xrealloc(cli_pats, (ncli + 1) * sizeof(*cli_pats));
			cli_pats[ncli++] = optarg;
			break;
		case OPT_LIST:
			list = 1;
			break;
		case 'j':
			if (parse_long(optarg, 1, 1024, &v))
				return usage_error("-j '%s': expected a number of threads from 1 to 1024", optarg);
			wo.jobs = (int)v;
			break;
		case OPT_MODE:
			if (!strcmp(optarg, "auto"))
				wo.mode = WM_AUTO;
			else if (!strcmp(optarg, "sequential"))
				wo.mode = WM_SEQUENTIAL;
			else if (!strcmp(optarg, "parallel"))
				wo.mode = WM_PARALLEL;
			else
				return usage_error("--mode '%s': use auto, sequential or parallel", optarg);
			break;
		case OPT_HIDDEN:
			wo.hidden = 1;
			break;
		case OPT_NO_IGNORE:
			wo.no_ignore = 1;
			break;
		case 'L':
			wo.follow = 1;
			break;
		case OPT_ONE_FS:
			wo.one_fs = 1;
			break;
		case OPT_MAX_DEPTH:
			if (parse_long(optarg, 0, LONG_MAX, &v))
				return usage_error("--max-depth '%s': expected a number from 0", optarg);
			wo.max_depth = v;
			break;
		case OPT_UNSORTED:
			wo.unsorted = 1;
			break;
		case OPT_MAX_FILESIZE:
			if (parse_size(optarg, &max_filesize))
				return usage_error("--max-filesize '%s': expected a size such as 10M", optarg);
			break;
		case OPT_BINARY:
			binary = 1;
			break;
		case OPT_MMAP_MIN:
			if (parse_size(optarg, &u))
				return usage_error("--mmap-min '%s': expected a size such as 1M", optarg);
			wo.mmap_min = u < 1 ? 1 : u;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "json"))
				format = FMT_JSON;
			else if (!strcmp(optarg, "text"))
				format = FMT_TEXT;
			else if (!strcmp(optarg, "github"))
				format = FMT_GITHUB;
			else if (!strcmp(optarg, "sarif"))
				format = FMT_SARIF;
			else
				return usage_error("--format '%s': use text, json, github or sarif", optarg);
			break;
		case OPT_LIMIT:
			if (parse_long(optarg, 0, LONG_MAX, &v))
				return usage_error("--limit '%s': expected a number from 0", optarg);
			ro.limit = v;
			break;
		case OPT_ALL:
			ro.limit = -1;
			break;
		case OPT_COLOR:
			if (!strcmp(optarg, "auto"))
				color = -1;
			else if (!strcmp(optarg, "always"))
				color = 1;
			else if (!strcmp(optarg, "never"))
				color = 0;
			else
				return usage_error("--color '%s': use auto, always or never", optarg);
			break;
		case OPT_STATS:
			ro.stats = 1;
			wo.timing = 1;
			break;
		case OPT_FILES:
			wo.list_files = 1;
			break;
		case OPT_CACHE:
			if (!*optarg)
				return usage_error("--cache '%s': expected a file name", optarg);
			cache_file = optarg;
			break;
		case OPT_NO_CACHE:
			no_cache = 1;
			break;
		case OPT_CACHE_CLEAR:
			clear = 1;
			break;
		case OPT_CHANGED_SINCE:
			if (!*optarg)
				return usage_error("--changed-since '%s': expected a revision such as HEAD~1", optarg);
			changed_since = optarg;
			break;
		case OPT_SHARD:
			if (parse_shard(optarg, &wo.shard_index, &wo.shard_count))
				return usage_error("--shard '%s': expected I/N, 1 <= I <= N <= 65536", optarg);
			ro.shard_index = wo.shard_index;
			ro.shard_count = wo.shard_count;
			break;
		case OPT_SPAWN:
			if (parse_long(optarg, 0, 100000000, &v))
				return usage_error("--spawn-threshold '%s': expected a number", optarg);
			wo.spawn_threshold = (unsigned)v;
			break;
		case OPT_SPAWN_DELAY:
			if (parse_long(optarg, 0, 100000000, &v))
				return usage_error("--spawn-delay '%s': expected microseconds", optarg);
			wo.spawn_delay_us = (unsigned)v;
			break;
		case 'h':
			return put_out(usage_text, strlen(usage_text), "the help");
		case OPT_VERSION:
			return put_out("walker " WALKER_VERSION "\n", strlen("walker " WALKER_VERSION "\n"),
				       "the version");
		case ':':
			return usage_error("option '%s' needs a value", argv[optind - 1]);
		default:
			if (optopt)
				say("unknown option '-%c'", optopt);
			else
				say("unknown option '%s'", argv[optind - 1]);
			fputs("try 'walker --help'\n", stderr);
			return 2;
		}
	}
	int npaths = optind < argc ? argc - optind : 1;
	const char **paths = xmalloc((size_t)npaths * sizeof(*paths));
	for (int i = 0; i < npaths; i++)
		paths[i] = optind < argc ? argv[optind + i] : ".";
	const char *first = paths[0];
	char **named = NULL;
	size_t nnamed = clear || changed_since ? 0 : take_named_files(paths, &npaths, &named);
	int nroots = npaths + (nnamed > 0);
	if (cache_file && nroots > 1) {
		free(paths);
		return usage_error("--cache %s: one cache file cannot serve several roots; name one root", cache_file);
	}
	if (clear) {
		int st = 0;
		for (int i = 0; i < npaths; i++) {
			char *real = realpath(paths[i], NULL);
			if (!real && !cache_file) {
				say("unable to resolve '%s': %s", paths[i], strerror(errno));
				st = 2;
				continue;
			}
			if (cache_clear(cache_file, real)) {
				say("%s", err_msg());
				st = 2;
			}
			free(real);
		}
		free(paths);
		return st;
	}

	struct rules *r;
	rules_new(&r, !no_defaults);
	int rc = 0;
	char *found = NULL;
	if (!no_defaults) {
		if (config) {
			rc = rules_load_config(r, config);
		} else if ((found = find_config(first))) {
			rc = rules_load_config(r, found);
		}
	}
	for (size_t i = 0; !rc && i < ncli; i++)
		rc = rules_add_cli(r, cli_pats[i]);
	free(cli_pats);
	free(found);
	if (!rc && !r->n)
		rc = err_set(ERR_USAGE, "no patterns: --no-defaults needs at least one -e NAME=REGEX");
	if (!rc)
		rc = rules_compile(r, max_filesize, binary);
	if (rc) {
		say("%s", err_msg());
		rules_free(r);
		free(paths);
		return 2;
	}
	if (list) {
		struct sbuf o = SBUF_INIT;
		list_patterns(&o, r);
		int st = put_out(o.buf, o.len, "the patterns");
		sbuf_release(&o);
		rules_free(r);
		free(paths);
		return st;
	}

	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	struct walk_result all;
	memset(&all, 0, sizeof(all));
	int failed_roots = 0;
	struct sbuf warn = SBUF_INIT;
	int fatal = 0; /* --changed-since cannot work: no report */
	for (int i = 0; i < npaths; i++) {
		struct walk_result one;
		struct walk_opts ow = wo;
		struct cache *cache = NULL;
		char **changed = NULL;
		size_t nchanged = 0;
		char *real = NULL;
		struct stat st;
		int isdir = stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode);
		struct sbuf self_dir[2] = { SBUF_INIT, SBUF_INIT }, self_name[2] = { SBUF_INIT, SBUF_INIT };
		if (isdir)
			real = realpath(paths[i], NULL);
		if (real) /* with --no-cache and --files too: every kind of run walks the same files */
			find_self(&ow, real, cache_file, self_dir, self_name);
		if (changed_since && isdir) {
			if (!real || repo_changed_since(real, changed_since, &changed, &nchanged)) {
				if (!real)
					err_errno("unable to resolve '%s'", paths[i]);
				say("%s", err_msg());
				free(real);
				release_self(self_dir, self_name);
				fatal = 1;
				break;
			}
			/* keep the changed files under this root, relative to it */
			size_t rl = strlen(real), k = 0;
			for (size_t j = 0; j < nchanged; j++) {
				char *p = changed[j];
				if (!strncmp(p, real, rl) && (rl == 1 || p[rl] == '/')) {
					memmove(p, p + rl + (rl > 1), strlen(p + rl + (rl > 1)) + 1);
					changed[k++] = p;
				} else {
					free(p);
				}
			}
			nchanged = k;
			ow.only = changed;
			ow.nonly = nchanged;
		} else if (changed_since) {
			say("--changed-since: '%s' is not a directory", paths[i]);
			free(real);
			release_self(self_dir, self_name);
			fatal = 1;
			break;
		}
		if (real && !no_cache && !wo.list_files &&
		    cache_open(&cache, cache_file, real, r->digest, (unsigned)r->n, &warn)) {
			say("%s", err_msg());
			free(real);
			release_self(self_dir, self_name);
			fatal = 1;
			break;
		}
		ow.cache = cache;
		free(real);
		int wrc = walk_run(&ow, r, paths[i], &one);
		release_self(self_dir, self_name);
		for (size_t j = 0; j < nchanged; j++)
			free(changed[j]);
		free(changed);
		if (wrc < 0) {
			say("%s", err_msg());
			failed_roots++;
			cache_close(cache);
			continue;
		}
		if (cache) {
			/* a partial run must not drop the entries of the files it did not look at */
			cache_save(cache, wo.max_depth < 0 && !changed_since && !wo.shard_count, &warn);
			add_cache_stats(&ro, cache);
			cache_close(cache);
		}
		walk_result_merge(&all, &one, wo.unsorted);
	}
	if (nnamed && !fatal) { /* the files named as roots: one walk of "." that scans just them */
		struct walk_result one;
		struct walk_opts ow = wo;
		struct cache *cache = NULL;
		char *real = !no_cache && !wo.list_files ? realpath(".", NULL) : NULL;
		if (real)
			cache_open(&cache, cache_file, real, r->digest, (unsigned)r->n, &warn);
		free(real);
		ow.cache = cache;
		ow.only = named;
		ow.nonly = nnamed;
		ow.only_named = 1;
		if (walk_run(&ow, r, ".", &one) < 0) {
			fprintf(stderr, "walker: %s\n", err_msg());
			failed_roots++;
			cache_close(cache);
		} else {
			if (cache) {
				cache_save(cache, 0, &warn);
				add_cache_stats(&ro, cache);
				cache_close(cache);
			}
			walk_result_merge(&all, &one, wo.unsorted);
		}
	}
	for (size_t i = 0; i < nnamed; i++)
		free(named[i]);
	free(named);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (fatal) {
		say_lines(&warn);
		sbuf_release(&warn);
		free(ro.cache_path);
		walk_result_release(&all);
		rules_free(r);
		free(paths);
		return 2;
	}
	ro.wall_s = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ro.color = color < 0 ? isatty(1) && !getenv("NO_COLOR") : color;

	if (wo.list_files) {
		struct sbuf o = SBUF_INIT;
		for (size_t i = 0; i < all.n; i++) {
			if (all.files[i].status != WF_OK)
				continue;
			report_path_text(&o, all.files[i].path, all.files[i].pathlen);
			sbuf_addch(&o, '\n');
		}
		int st = put_out(o.buf, o.len, "the file list") ? 2 : failed_roots ? 2 : 0;
		sbuf_release(&warn);
		sbuf_release(&o);
		walk_result_release(&all);
		rules_free(r);
		free(paths);
		return st;
	}
	struct report_summary sum;
	report_summarize(r, &all, &sum);
	struct sbuf out = SBUF_INIT;
	report_warnings(&warn, r, &all);
	if (format == FMT_JSON)
		report_json(&out, r, &all, &sum, &ro);
	else if (format == FMT_GITHUB)
		report_github(&out, r, &all, &sum);
	else if (format == FMT_SARIF)
		report_sarif(&out, r, &all, &sum);
	else
		report_text(&out, r, &all, &sum, &ro);
	int status = report_passed(&sum) ? 0 : 1;
	/* a PATH that cannot be walked is an error even beside others that can, as in rg */
	if (failed_roots || (all.stats.files_scanned == 0 && all.stats.unreadable > 0 && sum.violations == 0))
		status = 2;
	say_lines(&warn);
	if (put_out(out.buf, out.len, "the report"))
		status = 2;
	sbuf_release(&out);
	sbuf_release(&warn);
	free(ro.cache_path);
	report_summary_release(&sum);
	walk_result_release(&all);
	rules_free(r);
	free(paths);
	return status;
}
