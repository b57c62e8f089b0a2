/* genfixtures: deterministic stress fixtures with ground truth (docs/fixtures.md). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <git2.h>
#include <inttypes.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "err.h"
#include "fdio.h"
#include "fx.h"
#include "manifest.h"
#include "quote.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

#define EXIT_MISMATCH 1
#define EXIT_FAIL 2

static const char usage_text[] =
	"usage: genfixtures [--out DIR] [--seed N] [--git] [--force] [--verify] [--list] [-j N] [FIXTURE...]\n"
	"\n"
	"Write deterministic stress fixtures for file walkers, each with a ground-truth manifest.\n"
	"Same seed and options give byte-identical trees on every machine.\n"
	"\n"
	"  -o, --out DIR     where fixtures go (default: fixtures)\n"
	"  -s, --seed N      seed, 0..2^64-1, decimal or 0x-hex (default: 42)\n"
	"  -g, --git         make each fixture a git repository with two commits of fixed ids\n"
	"  -f, --force       rebuild even when the manifest says the fixture is up to date\n"
	"      --verify      recompute the digest of existing fixtures and compare with the manifest\n"
	"  -l, --list        list the fixtures\n"
	"  -j, --jobs N      writer threads (default: the available cores)\n"
	"      --mtime SECS  modification time of every entry (default: 1577836800, 2020-01-01 UTC)\n"
	"  -q, --quiet       print only errors\n"
	"  -h, --help        this text\n"
	"\n"
	"FIXTURE is a name from --list or scale:N (1 <= N <= 1000000). Default: the four stress\n"
	"fixtures stress-huge-files, stress-monorepo, stress-large-file and stress-patterns.\n"
	"Each goes to DIR/NAME/ with its manifest in DIR/NAME.manifest.json.\n"
	"\n"
	"Exit status: 0 success, 1 --verify found a difference, 2 error (usage, refused, I/O).\n"
	"\n"
	"Examples:\n"
	"  genfixtures                                 the default set into fixtures/\n"
	"  genfixtures --seed 7 --git stress-monorepo  a git repository, same commit id everywhere\n"
	"  genfixtures scale:1000 scale:100000         points of the size series\n"
	"  genfixtures --verify stress-patterns        has anything changed since generation?\n";

struct opts {
	const char *out;
	uint64_t seed;
	int git, force, verify, list, quiet;
	unsigned jobs;
	int64_t mtime;
};

static unsigned ncpus(void)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set) == 0) {
		int n = CPU_COUNT(&set);
		if (n > 0)
			return (unsigned)n;
	}
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned)n : 1;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Progress on a terminal, as hyperfine shows it: only when stderr is one, CI is not set and not
 * --quiet, and only for fixtures large enough to take seconds; one line, redrawn at most ten
 * times a second and erased when the work is done. */
#define PROGRESS_MIN_ENTRIES 10000
struct progress {
	const char *name;
	double t0, last;
	int shown;
};

static int progress_wanted(int quiet)
{
	const char *ci = getenv("CI");
	return !quiet && isatty(2) && !(ci && *ci);
}

static void progress_show(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;
	double t = now();
	if (done < total && t - p->last < 0.1)
		return;
	p->last = t;
	char bar[31];
	size_t fill = total ? done * 30 / total : 0;
	for (size_t i = 0; i < 30; i++)
		bar[i] = i < fill ? '#' : '-';
	bar[30] = '\0';
	double el = t - p->t0, eta = done ? el * (double)(total - done) / (double)done : 0;
	fprintf(stderr, "\r\033[K%s: writing [%s] %zu/%zu entries, %.0f s, ETA %.0f s", p->name, bar, done, total, el,
		eta);
	p->shown = 1;
}

static void progress_phase(struct progress *p, const char *what)
{
	if (!p)
		return;
	fprintf(stderr, "\r\033[K%s: %s (%.0f s)", p->name, what, now() - p->t0);
	p->shown = 1;
}

static void progress_done(struct progress *p)
{
	if (p && p->shown)
		fputs("\r\033[K", stderr);
}

/* A number as documented: decimal digits ("010" is ten, not octal eight), or 0x and hex digits;
 * no sign, no spaces (strtoull would take " -1" as 2^64-1). */
static int parse_u64(const char *s, uint64_t *out)
{
	int hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *d = hex ? s + 2 : s;
	if (!*d)
		return -1;
	for (const char *q = d; *q; q++)
		if (!(*q >= '0' && *q <= '9') && !(hex && ((*q >= 'a' && *q <= 'f') || (*q >= 'A' && *q <= 'F'))))
			return -1;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(d, &end, hex ? 16 : 10);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Remove a tree below dirfd/name without following links; unreadable directories are opened up. */
static int rmtree_at(int parent, const char *name, int depth)
{
	if (depth > 10000)
		return err_set(ERR_LIMIT, "directory nesting too deep while removing '%s'", name);
	if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
		return 0;
	if (errno != EISDIR && errno != EPERM)
		return err_errno("unable to remove '%s'", name);
	/* never through a symlink: in a shared sticky --out, another user's link planted under a
	 * temporary's name cannot be unlinked (EPERM), and must not be followed either */
	int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == EACCES && fchmodat(parent, name, 0700, AT_SYMLINK_NOFOLLOW) == 0)
		fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return err_errno("unable to open '%s' for removal", name);
	DIR *d = fdopendir(fd);
	if (!d) {
		close(fd);
		return err_errno("unable to list '%s'", name);
	}
	struct dirent *de;
	int rc = 0;
	while (!rc && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		rc = rmtree_at(dirfd(d), de->d_name, depth + 1);
	}
	closedir(d);
	if (!rc && unlinkat(parent, name, AT_REMOVEDIR) < 0)
		rc = err_errno("unable to remove the directory '%s'", name);
	return rc;
}

/* Is the process that named a temporary ".NAME.tmp-PID" (suffix: "PID") gone? */
static int owner_gone(const char *suffix)
{
	char *end;
	errno = 0;
	long pid = strtol(suffix, &end, 10);
	if (errno || *end || pid <= 0 || pid > INT32_MAX)
		return 0; /* not one of ours */
	return pid != getpid() && kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/* Remove leftovers of interrupted runs: .NAME.tmp-PID and .NAME.old-PID directories whose process
 * is gone (a live one belongs to another genfixtures writing into the same --out). */
static void clean_stale(int outfd, const char *name)
{
	int fd = dup(outfd);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	char tmp[96], old[96];
	snprintf(tmp, sizeof(tmp), ".%s.tmp-", name);
	snprintf(old, sizeof(old), ".%s.old-", name);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, alloc = 0;
	while ((de = readdir(d))) {
		if ((!strncmp(de->d_name, tmp, strlen(tmp)) && owner_gone(de->d_name + strlen(tmp))) ||
		    (!strncmp(de->d_name, old, strlen(old)) && owner_gone(de->d_name + strlen(old)))) {
			ALLOC_GROW(names, n + 1, alloc);
			names[n++] = xstrdup(de->d_name);
		}
	}
	closedir(d);
	for (size_t i = 0; i < n; i++) {
		rmtree_at(outfd, names[i], 0);
		free(names[i]);
	}
	free(names);
}

static int write_file_atomic(int dirfd, const char *name, const char *tmpname, const char *data, size_t len)
{
	int fd = openat(dirfd, tmpname, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_errno("unable to create '%s'", tmpname);
	if (fdio_write_all(fd, data, len) < 0) {
		int rc = err_errno("unable to write '%s'", tmpname);
		close(fd);
		unlinkat(dirfd, tmpname, 0);
		return rc;
	}
	if (fsync(fd) < 0 || close(fd) < 0)
		return err_errno("unable to write '%s'", tmpname);
	if (name && renameat(dirfd, tmpname, dirfd, name) < 0)
		return err_errno("unable to rename '%s'", tmpname);
	return 0;
}

static int is_dir_at(int dirfd, const char *name)
{
	struct stat st;
	return fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? (S_ISDIR(st.st_mode) ? 1 : 2) : 0;
}

/* s with its controls escaped (quote_c): the names --verify prints come from a tree on disk. */
static const char *quoted(struct sbuf *q, const char *s)
{
	sbuf_reset(q);
	quote_c(q, s, strlen(s), 0);
	return q->buf;
}

static int verify_one(const struct opts *o, int outfd, const struct fx_def *def, const char *name)
{
	char mname[128];
	snprintf(mname, sizeof(mname), "%s.manifest.json", name);
	struct manifest_head h;
	int rc = manifest_read_head(outfd, mname, &h);
	if (rc == ERR_NOTFOUND) {
		fprintf(stderr, "genfixtures: no manifest '%s/%s': generate the fixture first\n", o->out, mname);
		return EXIT_FAIL;
	}
	if (rc < 0) {
		fprintf(stderr, "genfixtures: %s\n", err_msg());
		return EXIT_FAIL;
	}
	int fd = openat(outfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "genfixtures: unable to open '%s/%s': %s\n", o->out, name, strerror(errno));
		return EXIT_FAIL;
	}
	unsigned char dg[16];
	struct fx_digest_item *disk = NULL;
	size_t ndisk = 0;
	rc = fx_digest_disk(fd, o->jobs, dg, &disk, &ndisk);
	close(fd);
	if (rc < 0) {
		struct sbuf q = SBUF_INIT;
		fprintf(stderr, "genfixtures: %s/%s: %s\n", o->out, name, quoted(&q, err_msg()));
		sbuf_release(&q);
		return EXIT_FAIL;
	}
	char hex[33];
	bytes_hex(hex, dg, 16);
	if (!strcmp(hex, h.digest)) {
		if (!o->quiet)
			printf("%s: ok (digest %s, %zu entries)\n", name, hex, ndisk);
		fx_digest_items_free(disk, ndisk);
		return 0;
	}
	/* find the first differing path by regenerating the expected hashes in memory */
	struct fx_plan plan;
	struct fx_stats st;
	memset(&st, 0, sizeof(st));
	fx_plan_init(&plan, def, h.seed, h.param, h.git, h.mtime);
	def->plan(&plan);
	fx_plan_finish(&plan);
	const char *first = "(none found: the manifest itself may have been edited)";
	struct sbuf q = SBUF_INIT;
	struct progress prog = { name, now(), 0, 0 };
	int show = progress_wanted(o->quiet) && plan.n >= PROGRESS_MIN_ENTRIES;
	rc = fx_write(&plan, -1, o->jobs, 0, show ? progress_show : NULL, &prog, &st);
	progress_done(&prog);
	if (rc == 0) {
		struct fx_digest_item *exp;
		size_t nexp = fx_plan_items(&plan, &exp);
		unsigned char tmp[16];
		fx_digest(exp, nexp, tmp); /* sorts */
		size_t i = 0, j = 0;
		while (i < nexp || j < ndisk) {
			int c = i == nexp ? 1 : j == ndisk ? -1 : strcmp(exp[i].path, disk[j].path);
			if (c < 0) {
				first = exp[i].path;
				printf("%s: missing '%s'\n", name, quoted(&q, first));
				break;
			}
			if (c > 0) {
				first = disk[j].path;
				printf("%s: unexpected '%s'\n", name, quoted(&q, first));
				break;
			}
			if (exp[i].type != disk[j].type || exp[i].mode != disk[j].mode ||
			    memcmp(exp[i].hash, disk[j].hash, 16)) {
				first = exp[i].path;
				printf("%s: differs at '%s'\n", name, quoted(&q, first));
				break;
			}
			i++;
			j++;
		}
		free(exp);
	}
	printf("%s: MISMATCH (manifest %s, tree %s)\n", name, h.digest, hex);
	sbuf_release(&q);
	fx_stats_release(&st);
	fx_plan_release(&plan);
	fx_digest_items_free(disk, ndisk);
	return EXIT_MISMATCH;
}

static int generate_one(const struct opts *o, int outfd, const struct fx_def *def, uint64_t param, const char *name)
{
	char mname[128], mtmp[136], tmpdir[128], olddir[128];
	snprintf(mname, sizeof(mname), "%s.manifest.json", name);
	snprintf(mtmp, sizeof(mtmp), ".%s.tmp", mname);
	struct fx_plan plan;
	fx_plan_init(&plan, def, o->seed, param, o->git, o->mtime);
	char fp[33];
	manifest_fingerprint(&plan, fp);

	/* a previous run killed between placing the tree and its manifest: finish its work */
	int have_tree = is_dir_at(outfd, name);
	if (have_tree == 1 && is_dir_at(outfd, mtmp) == 2) {
		struct manifest_head pend;
		if (manifest_read_head(outfd, mtmp, &pend) == 0)
			renameat(outfd, mtmp, outfd, mname);
	}
	struct manifest_head h;
	int mrc = manifest_read_head(outfd, mname, &h);
	if (have_tree == 2 || (have_tree == 1 && mrc != 0)) {
		fprintf(stderr,
			"genfixtures: refusing to replace '%s/%s': it was not made by genfixtures (no valid '%s');"
			" move it away or choose another --out\n",
			o->out, name, mname);
		fx_plan_release(&plan);
		return EXIT_FAIL;
	}
	if (have_tree == 1 && !strcmp(h.fingerprint, fp) && !o->force) {
		if (!o->quiet)
			printf("%s: up to date (digest %s)\n", name, h.digest);
		fx_plan_release(&plan);
		return 0;
	}
	if (o->git && !def->git_ok && !o->quiet)
		printf("%s: --git is not supported for this fixture (libgit2 cannot index it); written without git\n",
		       name);

	double t0 = now();
	clean_stale(outfd, name);
	snprintf(tmpdir, sizeof(tmpdir), ".%s.tmp-%ld", name, (long)getpid());
	snprintf(olddir, sizeof(olddir), ".%s.old-%ld", name, (long)getpid());
	if (mkdirat(outfd, tmpdir, 0755) < 0) {
		fprintf(stderr, "genfixtures: unable to create '%s/%s': %s\n", o->out, tmpdir, strerror(errno));
		fx_plan_release(&plan);
		return EXIT_FAIL;
	}
	int fd = openat(outfd, tmpdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct fx_stats st;
	memset(&st, 0, sizeof(st));
	char first_hex[41] = "", head_hex[41] = "";
	int git = o->git && def->git_ok;
	int rc = fd < 0 ? err_errno("unable to open '%s'", tmpdir) : 0;
	struct progress progress = { name, t0, 0, 0 }, *prog = NULL;
	char tmppath[4096];
	snprintf(tmppath, sizeof(tmppath), "%s/%s", o->out, tmpdir);
	if (!rc) {
		def->plan(&plan);
		fx_plan_finish(&plan);
		if (progress_wanted(o->quiet) && plan.n >= PROGRESS_MIN_ENTRIES)
			prog = &progress;
		rc = fx_write(&plan, fd, o->jobs, git, prog ? progress_show : NULL, prog, &st);
	}
	progress_phase(prog, "modes and times");
	if (!rc)
		rc = fx_finalize_meta(&plan, fd, o->mtime);
	if (!rc && git) {
		progress_phase(prog, "git: the first commit");
		rc = fx_git_init_commit(tmppath, &plan, 0, first_hex);
		if (!rc)
			rc = fx_apply_changeset(&plan, fd, &st);
		if (!rc)
			rc = fx_finalize_meta(&plan, fd, o->mtime);
		progress_phase(prog, "git: the second commit");
		if (!rc)
			rc = fx_git_init_commit(tmppath, &plan, 1, head_hex);
		if (!rc)
			rc = fx_finalize_meta(&plan, fd, o->mtime); /* .git changed the root's mtime */
	}
	if (fd >= 0)
		close(fd);
	if (rc < 0) {
		progress_done(prog);
		fprintf(stderr, "genfixtures: %s: %s\n", name, err_msg());
		if (errno == ENOSPC)
			fprintf(stderr, "genfixtures: free some space on the file system of '%s' and run again\n",
				o->out);
		rmtree_at(outfd, tmpdir, 0);
		fx_stats_release(&st);
		fx_plan_release(&plan);
		return EXIT_FAIL;
	}
	progress_phase(prog, "manifest");
	struct sbuf man = SBUF_INIT;
	manifest_build(&man, &plan, &st, git ? first_hex : NULL, git ? head_hex : NULL);
	/* journal: pending manifest, swap the trees, then the manifest, then drop the old tree */
	rc = write_file_atomic(outfd, NULL, mtmp, man.buf, man.len);
	if (!rc && have_tree == 1 && renameat(outfd, name, outfd, olddir) < 0)
		rc = err_errno("unable to move the old '%s' aside", name);
	if (!rc && renameat(outfd, tmpdir, outfd, name) < 0)
		rc = err_errno("unable to move '%s' into place", name);
	if (!rc && renameat(outfd, mtmp, outfd, mname) < 0)
		rc = err_errno("unable to move '%s' into place", mname);
	if (!rc && have_tree == 1)
		rc = rmtree_at(outfd, olddir, 0);
	sbuf_release(&man);
	progress_done(prog);
	if (rc < 0) {
		fprintf(stderr, "genfixtures: %s: %s\n", name, err_msg());
		fx_stats_release(&st);
		fx_plan_release(&plan);
		return EXIT_FAIL;
	}
	if (!o->quiet) {
		char hex[33];
		bytes_hex(hex, st.digest, 16);
		printf("%s: %" PRIu64 " files, %" PRIu64
		       " dirs, %.1f MB, %zu planted regex hits in %.2f s (digest %s%s%s)\n",
		       name, st.files, st.dirs, (double)st.bytes / 1e6, st.plants.n, now() - t0, hex,
		       git ? ", commit " : "", git ? head_hex : "");
	}
	fx_stats_release(&st);
	fx_plan_release(&plan);
	return 0;
}

static int run(int argc, char **argv)
{
	struct opts o = { "fixtures", FX_DEFAULT_SEED, 0, 0, 0, 0, 0, 0, FX_DEFAULT_MTIME };
	enum { OPT_VERIFY = 256, OPT_MTIME };
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "git", no_argument, NULL, 'g' },
		{ "force", no_argument, NULL, 'f' },
		{ "verify", no_argument, NULL, OPT_VERIFY },
		{ "list", no_argument, NULL, 'l' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "mtime", required_argument, NULL, OPT_MTIME },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	uint64_t v;
	while ((c = getopt_long(argc, argv, "o:s:gflj:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 's':
			if (parse_u64(optarg, &o.seed) < 0) {
				fprintf(stderr, "genfixtures: invalid seed '%s': expected a number from 0 to 2^64-1\n",
					optarg);
				return EXIT_FAIL;
			}
			break;
		case 'g':
			o.git = 1;
			break;
		case 'f':
			o.force = 1;
			break;
		case OPT_VERIFY:
			o.verify = 1;
			break;
		case 'l':
			o.list = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'j':
			if (parse_u64(optarg, &v) < 0 || v < 1 || v > 256) {
				fprintf(stderr, "genfixtures: invalid -j '%s': expected 1 to 256\n", optarg);
				return EXIT_FAIL;
			}
			o.jobs = (unsigned)v;
			break;
		case OPT_MTIME:
			if (parse_u64(optarg, &v) < 0 || v > (uint64_t)INT32_MAX * 2) {
				fprintf(stderr, "genfixtures: invalid --mtime '%s': expected seconds since 1970\n",
					optarg);
				return EXIT_FAIL;
			}
			o.mtime = (int64_t)v;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_FAIL;
		}
	}
	if (!o.jobs)
		o.jobs = ncpus();
	size_t ndefs;
	const struct fx_def *defs = fx_defs(&ndefs);
	if (o.list) {
		for (size_t i = 0; i < ndefs; i++)
			printf("%-18s %s%s\n", !strcmp(defs[i].name, "scale") ? "scale:N" : defs[i].name, defs[i].desc,
			       defs[i].stress ? " [default]" : "");
		return 0;
	}
	/* resolve every name first, so a typo changes nothing */
	const char *defaults[8];
	int nnames = 0;
	char **names = argv + optind;
	int count = argc - optind;
	if (!count) {
		for (size_t i = 0; i < ndefs; i++)
			if (defs[i].stress)
				defaults[nnames++] = defs[i].name;
		names = (char **)(uintptr_t)defaults;
		count = nnames;
	}
	const struct fx_def **sel = xcalloc((size_t)count, sizeof(*sel));
	uint64_t *params = xcalloc((size_t)count, sizeof(*params));
	char(*selname)[64] = xcalloc((size_t)count, sizeof(*selname));
	for (int i = 0; i < count; i++) {
		sel[i] = fx_find(names[i], &params[i], selname[i], sizeof(selname[i]));
		if (!sel[i]) {
			fprintf(stderr,
				"genfixtures: unknown fixture '%s': see 'genfixtures --list' (scale:N takes 1 <= N <= "
				"1000000)\n",
				names[i]);
			free(sel);
			free(params);
			free(selname);
			return EXIT_FAIL;
		}
	}
	umask(022);
	int status = 0;
	int outfd = -1;
	if (mkdir(o.out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "genfixtures: unable to create the output directory '%s': %s\n", o.out,
			strerror(errno));
		status = EXIT_FAIL;
		goto cleanup;
	}
	outfd = open(o.out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (outfd < 0) {
		fprintf(stderr, "genfixtures: unable to open the output directory '%s': %s\n", o.out, strerror(errno));
		status = EXIT_FAIL;
		goto cleanup;
	}
	/* one writer per --out at a time (readers share): two runs would otherwise swap each other's
	 * trees half-way; the second waits, then finds the fixtures up to date */
	if (flock(outfd, (o.verify ? LOCK_SH : LOCK_EX) | LOCK_NB) < 0 && errno == EWOULDBLOCK) {
		if (!o.quiet)
			fprintf(stderr, "genfixtures: waiting for another genfixtures writing into '%s'\n", o.out);
		while (flock(outfd, o.verify ? LOCK_SH : LOCK_EX) < 0 && errno == EINTR)
			;
	}
	git_libgit2_init();
	for (int i = 0; i < count; i++) {
		int rc = o.verify ? verify_one(&o, outfd, sel[i], selname[i])
				  : generate_one(&o, outfd, sel[i], params[i], selname[i]);
		if (rc > status)
			status = rc;
		if (rc == EXIT_FAIL)
			break;
	}
	git_libgit2_shutdown();
	close(outfd);
cleanup:
	free(sel);
	free(params);
	free(selname);
	return status;
}

/* Output that could not be written (a full disk, /dev/full) must not end in success: stdout is
 * flushed and checked here, after everything, as gnulib's close_stdout does. */
int main(int argc, char **argv)
{
	int status = run(argc, argv);
	if (fflush(stdout) || ferror(stdout)) {
		if (errno != EPIPE)
			fprintf(stderr, "genfixtures: unable to write the output: %s\n", strerror(errno));
		status = EXIT_FAIL;
	}
	return status;
}
