/* walker: find escape hatches in a tree (docs/walker.md, docs/patterns.md,
 * docs/output.md). main only wires the pieces: the options (opts.c), one run (run.c), and prints;
 * it is the only place that writes to stdout and stderr and chooses the exit status. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "fdio.h"
#include "opts.h"
#include "quote.h"
#include "run.h"
#include "sbuf.h"
#include "version.h"
#include "watch.h"
#include "xalloc.h"
#include "banned.h"

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

/* The messages a run collected, in order. */
static void say_errors(const struct run *run)
{
	for (size_t i = 0; i < run->nerrors; i++)
		say("%s", run->errors[i]);
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

static int usage_error(const char *msg)
{
	say("%s", msg);
	fputs("try 'walker --help'\n", stderr);
	return 2;
}

/* The patterns, for --list-patterns. */
static int list_patterns(const struct rules *r)
{
	struct sbuf o = SBUF_INIT;
	run_list_patterns(&o, r);
	int st = put_out(o.buf, o.len, "the patterns");
	sbuf_release(&o);
	return st;
}

/* A long JSON report's parts as report_json writes them (walker/report.h): the run's warnings
 * first, as when the report is written whole. */
struct spill {
	const struct run *run;
	int warned, err;
};

static int spill_out(void *ctx, const char *buf, size_t len)
{
	struct spill *sp = ctx;
	if (!sp->warned) {
		say_lines(&sp->run->warn);
		sp->warned = 1;
	}
	if (!fdio_write_all(1, buf, len))
		return 0;
	sp->err = errno;
	return -1;
}

/* One run over the PATHs: the report on stdout, messages on stderr; returns the exit status. */
static int run_once(const struct opts *o, const struct rules *r, struct run *run)
{
	run_roots(o, r, run);
	say_errors(run);
	if (run->fatal) { /* --changed-since cannot work, or a --cache FILE was refused: no report */
		say_lines(&run->warn);
		return 2;
	}
	struct sbuf out = SBUF_INIT;
	struct spill sp = { run, 0, 0 };
	struct report_sink sink = { spill_out, &sp, 0 };
	run->ro.sink = &sink;
	int status = run_report(o, r, run, &out);
	run->ro.sink = NULL;
	if (o->walk.list_files) { /* the file list alone: its status is whether it could be written */
		if (put_out(out.buf, out.len, "the file list"))
			status = 2;
	} else {
		if (!sp.warned)
			say_lines(&run->warn);
		if (sink.failed) {
			if (sp.err != EPIPE)
				say("unable to write the report: %s", strerror(sp.err));
			status = 2;
		} else if (put_out(out.buf, out.len, "the report")) {
			status = 2;
		}
	}
	sbuf_release(&out);
	return status;
}

/* The watch loop's output: each cycle's report on stdout, its warnings on stderr. */
static int watch_report(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	return fdio_write_all(1, buf, len) ? -1 : 0;
}

static void watch_warn(void *ctx, const char *buf, size_t len)
{
	(void)ctx;
	struct sbuf s = SBUF_INIT;
	sbuf_add(&s, buf, len);
	say_lines(&s);
	sbuf_release(&s);
}

/* --watch: until a signal (0), the root gone or the output closed (2). */
static int watch(const struct opts *o)
{
	struct watch *w;
	int rc = watch_new(&w, o);
	if (rc == ERR_USAGE)
		return usage_error(err_msg());
	if (rc) {
		say("%s", err_msg());
		return 2;
	}
	const struct watch_sink sink = { NULL, watch_report, watch_warn };
	int status = watch_run(w, &sink);
	if (status && errno != EPIPE)
		say("%s", err_msg());
	watch_free(w);
	return status;
}

int main(int argc, char **argv)
{
#ifdef WALKER_TEST_DELAY_US
	usleep(WALKER_TEST_DELAY_US); /* a deliberately slowed test build: the benchmark gate must catch it */
#endif
	/* a file-size limit (ulimit -f) hit while saving the cache must be a write error, not death */
	signal(SIGXFSZ, SIG_IGN);
	struct opts o;
	opts_init(&o);
	int status;
	if (opts_parse(&o, argc, argv)) {
		status = usage_error(err_msg());
		goto out;
	}
	if (o.action == OPTS_HELP) {
		status = put_out(opts_usage, strlen(opts_usage), "the help");
		goto out;
	}
	if (o.action == OPTS_VERSION) {
		const char v[] = "walker " WALKER_VERSION "\n";
		status = put_out(v, strlen(v), "the version");
		goto out;
	}
	if (o.watch && !o.cache_clear && !o.list_patterns) {
		status = watch(&o);
		goto out;
	}
	struct run run;
	if (run_plan(&o, &run)) {
		status = usage_error(err_msg());
		run_release(&run);
		goto out;
	}
	if (o.cache_clear) {
		status = run_clear(&o, &run);
		say_errors(&run);
		run_release(&run);
		goto out;
	}
	struct rules *r;
	struct sbuf warn = SBUF_INIT;
	int bad = run_rules(&o, &r, &warn);
	say_lines(&warn);
	sbuf_release(&warn);
	if (bad) {
		say("%s", err_msg());
		status = 2;
	} else if (o.list_patterns) {
		status = list_patterns(r);
	} else {
		status = run_once(&o, r, &run);
	}
	rules_free(r);
	run_release(&run);
out:
	opts_release(&o);
	return status;
}
