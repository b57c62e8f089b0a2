/*
 * runner: times a group of commands the way the benchmark harness needs (docs/profiling.md).
 * Each command gets W warm-up runs, then N counted runs interleaved with the other commands of
 * the group (A B C, B C A, C A B, ...), so that drift of the machine hits all of them alike and no
 * command always runs first. Per run:
 * wall time (CLOCK_MONOTONIC around fork/exec/wait4), user and system time and peak RSS from
 * wait4's rusage. An optional prepare command (run with sh, not timed) precedes every run of its
 * command: it is how "one file changed" scenarios change a file before each run.
 *
 *   runner [-w W] [-r N] [-o OUT.json] [-l LABEL] GROUPFILE
 *
 * On a terminal (stderr, and CI not set) one line shows the progress of the group, as hyperfine's
 * does: LABEL, the run under way of all runs, the command, the time left; it is erased at the end.
 * GROUPFILE: one command per line, "name<TAB>prepare<TAB>command" (prepare may be empty); the
 * command is split at spaces, single quotes group words, and it is executed directly (no shell)
 * with stdout and stderr written to an unnamed temporary file. Writes a JSON array, one object per command, with
 * every run and the median, min and max of each figure.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

struct run {
	double wall, user, sys;
	long rss_kb;
	int status;
};

struct cmd {
	char *name, *prepare, *line;
	char **argv;
	struct run *runs;
	size_t nruns;
};

static void cmds_free(struct cmd *cmds, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		for (char **a = cmds[k].argv; *a; a++)
			free(*a);
		free(cmds[k].argv);
		free(cmds[k].runs);
	}
	free(cmds);
}

static char **split(const char *line)
{
	char **argv = NULL;
	size_t n = 0, alloc = 0;
	struct sbuf w = SBUF_INIT;
	const char *p = line;
	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			break;
		sbuf_reset(&w);
		while (*p && *p != ' ') {
			if (*p == '\'') {
				const char *e = strchr(p + 1, '\'');
				if (!e)
					e = p + strlen(p);
				sbuf_add(&w, p + 1, (size_t)(e - p - 1));
				p = *e ? e + 1 : e;
			} else {
				sbuf_addch(&w, *p++);
			}
		}
		ALLOC_GROW(argv, n + 2, alloc);
		argv[n++] = xstrdup(w.buf);
	}
	sbuf_release(&w);
	ALLOC_GROW(argv, n + 1, alloc);
	argv[n] = NULL;
	return argv;
}

static double ts(const struct timeval *tv)
{
	return (double)tv->tv_sec + (double)tv->tv_usec / 1e6;
}

static int run_once(struct cmd *c, struct run *out)
{
	if (c->prepare && *c->prepare) {
		int st = system(c->prepare);
		if (st != 0) {
			fprintf(stderr, "runner: %s: prepare command failed: %s\n", c->name, c->prepare);
			return -1;
		}
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("runner: fork");
		return -1;
	}
	if (pid == 0) {
		/* output to a real file: tools that see /dev/null as stdout may stop at the first match
		 * (GNU grep and ugrep do), which would time less work than the others do */
		int in = open("/dev/null", O_RDONLY);
		int fd = open("/tmp", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			fd = open("/dev/null", O_WRONLY);
		if (in >= 0)
			dup2(in, 0);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	int status;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR) {
			perror("runner: wait4");
			return -1;
		}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	out->wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	out->user = ts(&ru.ru_utime);
	out->sys = ts(&ru.ru_stime);
	out->rss_kb = ru.ru_maxrss;
	out->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (out->status == 127) {
		fprintf(stderr, "runner: %s: cannot run '%s'\n", c->name, c->argv[0]);
		return -1;
	}
	if (out->status > 2) /* 0 pass, 1 findings, 2 usage: anything else is a crash */
		fprintf(stderr, "runner: %s: exit status %d\n", c->name, out->status);
	return 0;
}

struct progress {
	const char *label;
	int on;
	size_t done, total;
	struct timespec t0;
};

static void progress_show(struct progress *p, const struct cmd *c)
{
	if (!p->on)
		return;
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	double el = (double)(t.tv_sec - p->t0.tv_sec) + (double)(t.tv_nsec - p->t0.tv_nsec) / 1e9;
	double eta = p->done ? el * (double)(p->total - p->done) / (double)p->done : 0;
	fprintf(stderr, "\r\033[K  %s: run %zu/%zu, %s; %.0f s, ETA %.0f s", p->label, p->done + 1, p->total, c->name,
		el, eta);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static void stats(struct sbuf *o, const char *key, const double *v, size_t n, int last)
{
	double *s = xmalloc(n * sizeof(*s));
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_d);
	double med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	sbuf_addf(o, "\"%s\": {\"median\": %.6f, \"min\": %.6f, \"max\": %.6f}%s", key, med, s[0], s[n - 1],
		  last ? "" : ", ");
	free(s);
}

static int measure(struct progress *prog, struct cmd *cmds, size_t n, int warm, int runs, const char *out);

int main(int argc, char **argv)
{
	int warm = 2, runs = 5, opt;
	const char *out = NULL;
	const char *ci = getenv("CI");
	struct progress prog = { "runs", isatty(2) && !(ci && *ci), 0, 0, { 0, 0 } };
	while ((opt = getopt(argc, argv, "w:r:o:l:")) != -1) {
		if (opt == 'w')
			warm = atoi(optarg);
		else if (opt == 'r')
			runs = atoi(optarg);
		else if (opt == 'o')
			out = optarg;
		else if (opt == 'l')
			prog.label = optarg;
		else
			return 2;
	}
	if (optind != argc - 1 || runs < 1 || warm < 0) {
		fprintf(stderr, "usage: runner [-w WARMUP] [-r RUNS] [-o OUT.json] [-l LABEL] GROUPFILE\n");
		return 2;
	}
	struct sbuf text = SBUF_INIT;
	if (sbuf_read_at(&text, AT_FDCWD, argv[optind], 1 << 20)) {
		fprintf(stderr, "runner: unable to read '%s'\n", argv[optind]);
		return 2;
	}
	struct cmd *cmds = NULL;
	size_t n = 0, alloc = 0;
	for (char *p = text.buf, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		char *t1 = strchr(p, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (!t2)
			continue;
		*t1 = *t2 = '\0';
		ALLOC_GROW(cmds, n + 1, alloc);
		cmds[n] =
			(struct cmd){ p, t1 + 1, t2 + 1, split(t2 + 1), xcalloc((size_t)runs, sizeof(struct run)), 0 };
		n++;
	}
	if (!n) {
		fprintf(stderr, "runner: no command in '%s'\n", argv[optind]);
		sbuf_release(&text);
		return 2;
	}
	int st = measure(&prog, cmds, n, warm, runs, out);
	cmds_free(cmds, n);
	sbuf_release(&text); /* the commands' names and lines point into it */
	return st;
}

/* Warm-up runs, then the timed rounds, then the JSON to out (stdout when NULL): 0, 1 when a
 * command could not be run, 2 when the results could not be written. */
static int measure(struct progress *prog, struct cmd *cmds, size_t n, int warm, int runs, const char *out)
{
	struct run scratch;
	prog->total = (size_t)(warm + runs) * n;
	clock_gettime(CLOCK_MONOTONIC, &prog->t0);
	for (int i = 0; i < warm; i++)
		for (size_t k = 0; k < n; k++) {
			progress_show(prog, &cmds[k]);
			if (run_once(&cmds[k], &scratch))
				return 1;
			prog->done++;
		}
	/* each round starts one command later than the last, so that no command always follows the
	 * same one: a systematic first-in-round penalty of several milliseconds was measured here */
	for (int i = 0; i < runs; i++)
		for (size_t j = 0; j < n; j++) {
			size_t k = (j + (size_t)i) % n;
			progress_show(prog, &cmds[k]);
			if (run_once(&cmds[k], &cmds[k].runs[i]))
				return 1;
			cmds[k].nruns++;
			prog->done++;
		}
	if (prog->on)
		fputs("\r\033[K", stderr);
	struct sbuf o = SBUF_INIT;
	sbuf_addstr(&o, "[");
	double *v = xmalloc((size_t)runs * sizeof(*v));
	for (size_t k = 0; k < n; k++) {
		struct cmd *c = &cmds[k];
		sbuf_addstr(&o, k ? ",\n {\"name\": " : "\n {\"name\": ");
		json_str(&o, c->name, strlen(c->name));
		sbuf_addstr(&o, ", \"command\": ");
		json_str(&o, c->line, strlen(c->line));
		sbuf_addstr(&o, ", \"prepare\": ");
		json_str(&o, c->prepare, strlen(c->prepare));
		sbuf_addf(&o, ", \"status\": %d, ", c->runs[0].status);
		for (int i = 0; i < runs; i++)
			v[i] = c->runs[i].wall;
		stats(&o, "wall", v, (size_t)runs, 0);
		for (int i = 0; i < runs; i++)
			v[i] = c->runs[i].user;
		stats(&o, "user", v, (size_t)runs, 0);
		for (int i = 0; i < runs; i++)
			v[i] = c->runs[i].sys;
		stats(&o, "sys", v, (size_t)runs, 0);
		for (int i = 0; i < runs; i++)
			v[i] = (double)c->runs[i].rss_kb / 1024.0;
		stats(&o, "rss_mb", v, (size_t)runs, 1);
		sbuf_addstr(&o, ", \"runs\": [");
		for (int i = 0; i < runs; i++)
			sbuf_addf(&o, "%s[%.6f, %.6f, %.6f, %ld]", i ? ", " : "", c->runs[i].wall, c->runs[i].user,
				  c->runs[i].sys, c->runs[i].rss_kb);
		sbuf_addstr(&o, "]}");
	}
	sbuf_addstr(&o, "\n]\n");
	FILE *f = out ? fopen(out, "w") : stdout;
	int st = 0;
	if (!f || fwrite(o.buf, 1, o.len, f) != o.len || (out && fclose(f))) {
		fprintf(stderr, "runner: unable to write '%s'\n", out ? out : "stdout");
		st = 2;
	}
	free(v);
	sbuf_release(&o);
	return st;
}
