/*
 * watchlat: the reaction time of a file watcher (docs/watch.md, the watch group of
 * bench/stress.sh): from a file's write, renamed into place as editors save, to the watcher's
 * line on stdout that reports it.
 *
 *   watchlat -d DIR -L LIST [-n EDITS] [-b BURST] [-s SEED] [-w json|PREFIX] [-q SETTLE_MS]
 *            [-g GAP_MS] [-i STDIN] [-l LABEL] [-o OUT.json] -- COMMAND [ARG...]
 *
 * COMMAND runs in DIR, in a process group of its own, its stdout read through a pipe. Once it has
 * reported the tree the first time, each of EDITS edits picks BURST files of LIST (paths relative
 * to DIR, chosen by the project's PRNG from SEED), writes each anew beside it (a hidden temporary
 * with a line added or taken away again: the report changes every time) and renames them into
 * place (GAP_MS after the last report: entr misses a change made right after it ran its command);
 * the clock starts at the first rename. It stops
 *   -w json    (walker --watch --format json) at the first line after which every edited path has
 *              been named in a line since the renames (the "checked" list);
 *   -w PREFIX  (entr re-running a command and then `echo PREFIX`) at a line starting with PREFIX;
 *              with -q, at the last such line before SETTLE_MS without one (a burst may run the
 *              command more than once).
 * Writes one JSON object: every sample, p50, p90, p99 (nearest rank), max and mean in ms, the
 * time to the first report, and the peak RSS (VmHWM) of COMMAND's process.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "json.h"
#include "prng.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

#define MARK "fn __watchlat() { unsafe { core::hint::spin_loop() } }\n"
#define TIMEOUT_MS 60000

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(const char *what)
{
	fprintf(stderr, "watchlat: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The child's output, line by line. */
struct reader {
	int fd;
	struct sbuf buf;
	size_t off; /* start of the next line in buf */
};

/* The next whole line (without its newline) into line, waiting at most ms (-1: no limit).
 * Returns 1, 0 on timeout, -1 at the end of the output. */
static int next_line(struct reader *rd, struct sbuf *line, double ms)
{
	double end = ms < 0 ? 0 : now_ms() + ms;
	for (;;) {
		char *nl = memchr(rd->buf.buf + rd->off, '\n', rd->buf.len - rd->off);
		if (nl) {
			sbuf_reset(line);
			sbuf_add(line, rd->buf.buf + rd->off, (size_t)(nl - rd->buf.buf) - rd->off);
			rd->off = (size_t)(nl - rd->buf.buf) + 1;
			if (rd->off > (1u << 20)) { /* keep the buffer small */
				memmove(rd->buf.buf, rd->buf.buf + rd->off, rd->buf.len - rd->off);
				sbuf_setlen(&rd->buf, rd->buf.len - rd->off);
				rd->off = 0;
			}
			return 1;
		}
		int wait = -1;
		if (ms >= 0) {
			double left = end - now_ms();
			if (left <= 0)
				return 0;
			wait = (int)left + 1;
		}
		struct pollfd pf = { rd->fd, POLLIN, 0 };
		int k = poll(&pf, 1, wait);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			die("poll");
		if (k == 0)
			return 0;
		char tmp[65536];
		ssize_t n = read(rd->fd, tmp, sizeof(tmp));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		sbuf_add(&rd->buf, tmp, (size_t)n);
	}
}

/* Write path anew through a hidden temporary beside it: MARK appended, or taken away when it is
 * there. The temporary's name into tmp. */
static void prepare(const char *path, struct sbuf *tmp, int seq)
{
	struct sbuf c = SBUF_INIT;
	if (sbuf_read_at(&c, AT_FDCWD, path, 64u << 20))
		die(path);
	size_t ml = strlen(MARK);
	if (c.len >= ml && !memcmp(c.buf + c.len - ml, MARK, ml))
		sbuf_setlen(&c, c.len - ml);
	else
		sbuf_addstr(&c, MARK);
	const char *sl = strrchr(path, '/');
	sbuf_reset(tmp);
	if (sl)
		sbuf_add(tmp, path, (size_t)(sl - path) + 1);
	sbuf_addf(tmp, ".watchlat-%d.tmp", seq);
	int fd = open(tmp->buf, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, c.buf, c.len) != (ssize_t)c.len || close(fd))
		die(tmp->buf);
	sbuf_release(&c);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double rank(const double *sorted, size_t n, double p)
{
	size_t k = (size_t)(p * (double)n + 0.999999);
	return sorted[k ? k - 1 : 0];
}

static long vm_hwm_kb(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	long kb = -1;
	char line[256];
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmHWM:", 6))
			kb = strtol(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *list = NULL, *mode = "json", *label = "watch", *out = NULL, *in = "/dev/null";
	long edits = 200, burst = 1, settle = 0, gap = 0;
	uint64_t seed = 1;
	int c;
	while ((c = getopt(argc, argv, "d:L:n:b:s:w:q:g:i:l:o:")) != -1) {
		switch (c) {
		case 'd':
			dir = optarg;
			break;
		case 'L':
			list = optarg;
			break;
		case 'n':
			edits = strtol(optarg, NULL, 10);
			break;
		case 'b':
			burst = strtol(optarg, NULL, 10);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 10);
			break;
		case 'w':
			mode = optarg;
			break;
		case 'q':
			settle = strtol(optarg, NULL, 10);
			break;
		case 'g':
			gap = strtol(optarg, NULL, 10);
			break;
		case 'i':
			in = optarg;
			break;
		case 'l':
			label = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (!dir || !list || optind >= argc || edits < 1 || burst < 1) {
	usage:
		fprintf(stderr, "usage: watchlat -d DIR -L LIST [-n EDITS] [-b BURST] [-s SEED] [-w json|PREFIX] "
				"[-q SETTLE_MS] [-g GAP_MS] [-i STDIN] [-l LABEL] [-o OUT.json] -- COMMAND [ARG...]\n");
		return 2;
	}
	struct sbuf lb = SBUF_INIT;
	if (sbuf_read_at(&lb, AT_FDCWD, list, 1u << 30))
		die(list);
	char **files = NULL;
	size_t nfiles = 0, afiles = 0;
	for (char *p = lb.buf, *e; *p; p = e + 1) {
		e = strchr(p, '\n');
		if (!e)
			e = p + strlen(p);
		if (e > p) {
			ALLOC_GROW(files, nfiles + 1, afiles);
			files[nfiles++] = xmemdup(p, (size_t)(e - p));
		}
		if (!*e)
			break;
	}
	if (nfiles < (size_t)burst) {
		fprintf(stderr, "watchlat: %zu files in %s, fewer than a burst of %ld\n", nfiles, list, burst);
		return 2;
	}
	if (chdir(dir))
		die(dir);
	int pfd[2];
	if (pipe(pfd))
		die("pipe");
	double t_start = now_ms();
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		setpgid(0, 0);
		int i = open(in, O_RDONLY);
		if (i >= 0)
			dup2(i, 0);
		dup2(pfd[1], 1);
		close(pfd[0]);
		close(pfd[1]);
		execvp(argv[optind], argv + optind);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pfd[1]);
	struct reader rd = { pfd[0], SBUF_INIT, 0 };
	struct sbuf line = SBUF_INIT, tmp = SBUF_INIT, quoted = SBUF_INIT;
	int json = !strcmp(mode, "json");
	/* the first report */
	for (;;) {
		int k = next_line(&rd, &line, TIMEOUT_MS * 10.0);
		if (k <= 0) {
			fprintf(stderr, "watchlat: %s: no first report\n", label);
			kill(-pid, SIGKILL);
			return 2;
		}
		if (json || !strncmp(line.buf, mode, strlen(mode)))
			break;
	}
	double startup = now_ms() - t_start;
	struct prng r;
	prng_init(&r, seed);
	double *samples = xmalloc((size_t)edits * sizeof(*samples));
	size_t *pick = xmalloc((size_t)burst * sizeof(*pick));
	char **tmps = xcalloc((size_t)burst, sizeof(*tmps));
	uint8_t *seen = xmalloc((size_t)burst);
	for (long e = 0; e < edits; e++) {
		if (gap > 0) {
			struct timespec g = { gap / 1000, (gap % 1000) * 1000000 };
			nanosleep(&g, NULL);
		}
		for (long b = 0; b < burst; b++) { /* distinct files */
			size_t k;
			int dup;
			do {
				k = prng_below(&r, (uint32_t)nfiles);
				dup = 0;
				for (long q = 0; q < b; q++)
					dup |= pick[q] == k;
			} while (dup);
			pick[b] = k;
			prepare(files[k], &tmp, (int)b);
			free(tmps[b]);
			tmps[b] = xstrdup(tmp.buf);
			seen[b] = 0;
		}
		double t0 = now_ms();
		for (long b = 0; b < burst; b++)
			if (rename(tmps[b], files[pick[b]]))
				die(files[pick[b]]);
		double t1 = -1;
		long left = burst;
		for (;;) {
			int k = next_line(&rd, &line, t1 >= 0 ? (double)settle : TIMEOUT_MS);
			if (k == 0 && t1 >= 0)
				break; /* settled */
			if (k <= 0) {
				fprintf(stderr, "watchlat: %s: edit %ld: no report within %d ms\n", label, e + 1,
					TIMEOUT_MS);
				kill(-pid, SIGKILL);
				return 2;
			}
			if (json) {
				for (long b = 0; b < burst; b++) {
					if (seen[b])
						continue;
					sbuf_reset(&quoted);
					json_cstr(&quoted, files[pick[b]]);
					if (strstr(line.buf, quoted.buf)) {
						seen[b] = 1;
						left--;
					}
				}
				if (!left) {
					t1 = now_ms();
					break;
				}
			} else if (!strncmp(line.buf, mode, strlen(mode))) {
				t1 = now_ms();
				if (!settle)
					break;
			}
		}
		samples[e] = t1 - t0;
	}
	long rss = vm_hwm_kb(pid);
	kill(-pid, SIGINT);
	int st;
	struct timespec pause = { 0, 200000000 };
	for (int i = 0; i < 25 && waitpid(pid, &st, WNOHANG) == 0; i++)
		nanosleep(&pause, NULL);
	kill(-pid, SIGKILL);
	waitpid(pid, &st, 0);

	double *sorted = xmalloc((size_t)edits * sizeof(*sorted));
	memcpy(sorted, samples, (size_t)edits * sizeof(*sorted));
	qsort(sorted, (size_t)edits, sizeof(*sorted), cmp_double);
	double sum = 0;
	for (long e = 0; e < edits; e++)
		sum += samples[e];
	struct sbuf o = SBUF_INIT;
	sbuf_addstr(&o, "{\"name\": ");
	json_cstr(&o, label);
	sbuf_addf(&o,
		  ", \"edits\": %ld, \"burst\": %ld, \"p50_ms\": %.3f, \"p90_ms\": %.3f, \"p99_ms\": %.3f, "
		  "\"max_ms\": %.3f, \"mean_ms\": %.3f, \"startup_ms\": %.1f, \"rss_kb\": %ld, \"samples_ms\": [",
		  edits, burst, rank(sorted, (size_t)edits, 0.5), rank(sorted, (size_t)edits, 0.9),
		  rank(sorted, (size_t)edits, 0.99), sorted[edits - 1], sum / (double)edits, startup, rss);
	for (long e = 0; e < edits; e++)
		sbuf_addf(&o, "%s%.3f", e ? ", " : "", samples[e]);
	sbuf_addstr(&o, "]}\n");
	FILE *f = out ? fopen(out, "w") : stdout;
	if (!f || fwrite(o.buf, 1, o.len, f) != o.len || (out && fclose(f)))
		die(out ? out : "stdout");
	for (long b = 0; b < burst; b++)
		free(tmps[b]);
	free(tmps);
	free(seen);
	free(pick);
	free(samples);
	free(sorted);
	for (size_t i = 0; i < nfiles; i++)
		free(files[i]);
	free(files);
	sbuf_release(&lb);
	sbuf_release(&o);
	sbuf_release(&line);
	sbuf_release(&tmp);
	sbuf_release(&quoted);
	sbuf_release(&rd.buf);
	return 0;
}
