/* opts: the command line as a plain value (opts.h). */
#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "xalloc.h"
#include "banned.h"

/* one output line per source line, so that the source reads like the output */
/* clang-format off */
const char opts_usage[] =
	"usage: walker [OPTIONS] [PATH...]          (default PATH: .)\n"
	"\n"
	"Find escape hatches (unsafe blocks, .unwrap(), @ts-ignore, # type: ignore, ...) in a tree and\n"
	"report those without the required justification comment. Honours .gitignore, .ignore,\n"
	".git/info/exclude and core.excludesFile exactly as git does; tracked files are never ignored.\n"
	"\n"
	"Patterns:\n"
	"      --config FILE       read patterns from FILE (default: the nearest .walker.conf from PATH\n"
	"                          up to the repository root)\n"
	"      --no-defaults       no built-in patterns and no config file; only -e patterns\n"
	"  -e, --pattern NAME=RE   add a count pattern for every file (repeatable)\n"
	"      --list-patterns     print the effective patterns and exit\n"
	"Walking:\n"
	"  -j, --jobs N            worker threads (default: the available cores)\n"
	"      --mode MODE         auto (default), sequential or parallel\n"
	"      --hidden            include dot-files and dot-directories\n"
	"      --no-ignore         honour no ignore file\n"
	"  -L, --follow            follow symlinks (loops are detected and reported)\n"
	"      --one-file-system   do not cross file-system boundaries\n"
	"      --max-depth N       descend at most N directories below PATH\n"
	"      --unsorted          print in the order found (faster on huge trees)\n"
	"Reading:\n"
	"      --max-filesize SIZE skip larger files (default 10M; suffixes K, M, G)\n"
	"      --binary            scan binary files too (default: skip a file with a NUL in its first 8000 bytes)\n"
	"      --mmap-min SIZE     map files of at least SIZE instead of reading them (default 1M,\n"
	"                          64M where the kernel lends transparent huge pages)\n"
	"Cache and incremental runs:\n"
	"      --cache FILE        keep per-file results in FILE (default: one file per root under\n"
	"                          $XDG_CACHE_HOME/walker/, else ~/.cache/walker/)\n"
	"      --no-cache          neither read nor write the cache\n"
	"      --cache-clear       remove the roots' cache files and exit\n"
	"      --changed-since REF scan only the files that differ between REF and the work tree\n"
	"                          (modified, added, renamed, untracked; git repositories only)\n"
	"      --shard I/N         scan only shard I of N (a fixed split of the files by path hash)\n"
	"Watching:\n"
	"      --watch             check, then keep checking on every change (inotify): print the new\n"
	"                          and fixed violations and the summary line after each batch of\n"
	"                          changes (with --format json: one JSON document per line)\n"
	"      --debounce MS       wait until changes pause for MS milliseconds (default 50)\n"
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
	"Exit status: 0 no violation, 1 violations, 2 usage or config error, a PATH that cannot be walked,\n"
	"nothing could be read, or output that cannot be written; 3 out of memory.\n"
	"\n"
	"Examples:\n"
	"  walker                                   check the current repository\n"
	"  walker --format json src | jq .counts    per-pattern counts as JSON\n"
	"  walker --watch                           re-check the repository on every save\n"
	"  walker --no-defaults -e unwrap='\\.unwrap\\(\\)' .   count one pattern, like rg -P --count-matches\n";
/* clang-format on */

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
	OPT_WATCH,
	OPT_DEBOUNCE,
};

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
	{ "watch", no_argument, NULL, OPT_WATCH },
	{ "debounce", required_argument, NULL, OPT_DEBOUNCE },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

void opts_init(struct opts *o)
{
	memset(o, 0, sizeof(*o));
	o->walk = (struct walk_opts)WALK_OPTS_INIT;
	o->report = (struct report_opts)REPORT_OPTS_INIT;
	o->walk.jobs = cores();
	o->max_filesize = 10ull * 1024 * 1024;
	o->format = OPTS_TEXT;
	o->color = -1;
	o->debounce_ms = OPTS_DEBOUNCE_MS;
}

void opts_release(struct opts *o)
{
	free(o->patterns);
	free(o->paths);
	o->patterns = NULL;
	o->paths = NULL;
	o->npatterns = 0;
	o->npaths = 0;
}

/* One option and its value (optarg, may be NULL). Returns 0 or ERR_USAGE. */
static int take(struct opts *o, int c, const char *arg)
{
	long v;
	uint64_t u;
	switch (c) {
	case OPT_CONFIG:
		o->config = arg;
		break;
	case OPT_NO_DEFAULTS:
		o->no_defaults = 1;
		break;
	case 'e':
		o->patterns = xrealloc(o->patterns, (o->npatterns + 1) * sizeof(*o->patterns));
		o->patterns[o->npatterns++] = arg;
		break;
	case OPT_LIST:
		o->list_patterns = 1;
		break;
	case 'j':
		if (parse_long(arg, 1, 1024, &v))
			return err_set(ERR_USAGE, "-j '%s': expected a number of threads from 1 to 1024", arg);
		o->walk.jobs = (int)v;
		break;
	case OPT_MODE:
		if (!strcmp(arg, "auto"))
			o->walk.mode = WM_AUTO;
		else if (!strcmp(arg, "sequential"))
			o->walk.mode = WM_SEQUENTIAL;
		else if (!strcmp(arg, "parallel"))
			o->walk.mode = WM_PARALLEL;
		else
			return err_set(ERR_USAGE, "--mode '%s': use auto, sequential or parallel", arg);
		break;
	case OPT_HIDDEN:
		o->walk.hidden = 1;
		break;
	case OPT_NO_IGNORE:
		o->walk.no_ignore = 1;
		break;
	case 'L':
		o->walk.follow = 1;
		break;
	case OPT_ONE_FS:
		o->walk.one_fs = 1;
		break;
	case OPT_MAX_DEPTH:
		if (parse_long(arg, 0, LONG_MAX, &v))
			return err_set(ERR_USAGE, "--max-depth '%s': expected a number from 0", arg);
		o->walk.max_depth = v;
		break;
	case OPT_UNSORTED:
		o->walk.unsorted = 1;
		break;
	case OPT_MAX_FILESIZE:
		if (parse_size(arg, &o->max_filesize))
			return err_set(ERR_USAGE, "--max-filesize '%s': expected a size such as 10M", arg);
		break;
	case OPT_BINARY:
		o->binary = 1;
		break;
	case OPT_MMAP_MIN:
		if (parse_size(arg, &u))
			return err_set(ERR_USAGE, "--mmap-min '%s': expected a size such as 1M", arg);
		o->walk.mmap_min = u < 1 ? 1 : u;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "json"))
			o->format = OPTS_JSON;
		else if (!strcmp(arg, "text"))
			o->format = OPTS_TEXT;
		else if (!strcmp(arg, "github"))
			o->format = OPTS_GITHUB;
		else if (!strcmp(arg, "sarif"))
			o->format = OPTS_SARIF;
		else
			return err_set(ERR_USAGE, "--format '%s': use text, json, github or sarif", arg);
		break;
	case OPT_LIMIT:
		if (parse_long(arg, 0, LONG_MAX, &v))
			return err_set(ERR_USAGE, "--limit '%s': expected a number from 0", arg);
		o->report.limit = v;
		break;
	case OPT_ALL:
		o->report.limit = -1;
		break;
	case OPT_COLOR:
		if (!strcmp(arg, "auto"))
			o->color = -1;
		else if (!strcmp(arg, "always"))
			o->color = 1;
		else if (!strcmp(arg, "never"))
			o->color = 0;
		else
			return err_set(ERR_USAGE, "--color '%s': use auto, always or never", arg);
		break;
	case OPT_STATS:
		o->report.stats = 1;
		o->walk.timing = 1;
		break;
	case OPT_FILES:
		o->walk.list_files = 1;
		break;
	case OPT_CACHE:
		if (!*arg)
			return err_set(ERR_USAGE, "--cache '%s': expected a file name", arg);
		o->cache_file = arg;
		break;
	case OPT_NO_CACHE:
		o->no_cache = 1;
		break;
	case OPT_CACHE_CLEAR:
		o->cache_clear = 1;
		break;
	case OPT_CHANGED_SINCE:
		if (!*arg)
			return err_set(ERR_USAGE, "--changed-since '%s': expected a revision such as HEAD~1", arg);
		o->changed_since = arg;
		break;
	case OPT_SHARD:
		if (parse_shard(arg, &o->walk.shard_index, &o->walk.shard_count))
			return err_set(ERR_USAGE, "--shard '%s': expected I/N, 1 <= I <= N <= 65536", arg);
		o->report.shard_index = o->walk.shard_index;
		o->report.shard_count = o->walk.shard_count;
		break;
	case OPT_WATCH:
		o->watch = 1;
		break;
	case OPT_DEBOUNCE:
		if (parse_long(arg, 0, 3600000, &v))
			return err_set(ERR_USAGE, "--debounce '%s': expected milliseconds from 0 to 3600000", arg);
		o->debounce_ms = v;
		break;
	case OPT_SPAWN:
		if (parse_long(arg, 0, 100000000, &v))
			return err_set(ERR_USAGE, "--spawn-threshold '%s': expected a number", arg);
		o->walk.spawn_threshold = (unsigned)v;
		break;
	case OPT_SPAWN_DELAY:
		if (parse_long(arg, 0, 100000000, &v))
			return err_set(ERR_USAGE, "--spawn-delay '%s': expected microseconds", arg);
		o->walk.spawn_delay_us = (unsigned)v;
		break;
	case 'h':
		o->action = OPTS_HELP;
		break;
	case OPT_VERSION:
		o->action = OPTS_VERSION;
		break;
	}
	return 0;
}

int opts_parse(struct opts *o, int argc, char **argv)
{
	int c;
	opterr = 0; /* getopt's own messages would print the option raw: the caller quotes it */
	optind = 1;
	while ((c = getopt_long(argc, argv, ":e:j:Lh", longopts, NULL)) != -1) {
		if (c == ':')
			return err_set(ERR_USAGE, "option '%s' needs a value", argv[optind - 1]);
		if (c == '?') {
			if (optopt)
				return err_set(ERR_USAGE, "unknown option '-%c'", optopt);
			return err_set(ERR_USAGE, "unknown option '%s'", argv[optind - 1]);
		}
		int rc = take(o, c, optarg);
		if (rc)
			return rc;
		if (o->action != OPTS_RUN)
			return 0; /* --help and --version: the rest is not looked at */
	}
	o->npaths = optind < argc ? argc - optind : 1;
	o->paths = xmalloc((size_t)o->npaths * sizeof(*o->paths));
	for (int i = 0; i < o->npaths; i++)
		o->paths[i] = optind < argc ? argv[optind + i] : ".";
	return 0;
}
