#include "manifest.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xxhash.h>

#include "bytes.h"
#include "err.h"
#include "json.h"
#include "banned.h"

static const char *const outcome_name[] = { "violation", "allowed", "test", "counted", "decoy" };

void manifest_fingerprint(const struct fx_plan *plan, char out[33])
{
	char buf[256];
	int n = snprintf(buf, sizeof(buf), "genfixtures|%s|%s|%llu|%llu|%d|%lld", FX_GENERATOR_VERSION, plan->name,
			 (unsigned long long)plan->seed, (unsigned long long)plan->param,
			 plan->git && plan->def->git_ok, (long long)plan->mtime);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits(buf, (size_t)n));
	bytes_hex(out, c.digest, 16);
}

/* A plant is reported when its file is scanned: not ignored, not skipped, present at the end. */
static int scanned(const struct fx_plan *plan, const struct fx_plant *p)
{
	return !(plan->entries[p->entry].flags & (FX_IGNORED | FX_SKIP_SIZE | FX_SKIP_BINARY | FX_DELETED));
}

static int listed(const struct fx_plan *plan, const struct fx_plant *p, int decoys)
{
	return scanned(plan, p) && (p->outcome == FX_DECOY) == decoys;
}

/* "matches" (decoys 0) or "decoys" (1): the scanned plants of that kind, in file, line, column order. */
static void plant_list(struct sbuf *out, const struct fx_plan *plan, const struct fx_stats *st, int decoys)
{
	int first = 1;
	sbuf_addstr(out, decoys ? "  \"decoys\": [" : "  \"matches\": [");
	for (size_t i = 0; i < st->plants.n; i++) {
		const struct fx_plant *p = &st->plants.v[i];
		if (!listed(plan, p, decoys))
			continue;
		sbuf_addstr(out, first ? "\n    " : ",\n    ");
		first = 0;
		sbuf_addstr(out, "{\"file\": ");
		json_cstr(out, plan->entries[p->entry].path);
		sbuf_addf(out, ", \"line\": %u, \"column\": %u, \"pattern\": \"%s\", ", p->line, p->col, p->pattern);
		if (decoys)
			sbuf_addf(out, "\"where\": \"%s\"}", p->where);
		else
			sbuf_addf(out, "\"outcome\": \"%s\"}", outcome_name[p->outcome]);
	}
	sbuf_addstr(out, first ? "]" : "\n  ]");
}

static void path_list(struct sbuf *out, const struct fx_plan *plan, uint16_t flag, int old)
{
	int first = 1;
	sbuf_addstr(out, "[");
	for (size_t i = 0; i < plan->n; i++) {
		const struct fx_entry *e = &plan->entries[i];
		if (!(e->flags & flag))
			continue;
		sbuf_addstr(out, first ? "\n      " : ",\n      ");
		first = 0;
		if (flag == FX_RENAMED) {
			sbuf_addstr(out, "{\"from\": ");
			json_cstr(out, e->old_path);
			sbuf_addstr(out, ", \"to\": ");
			json_cstr(out, e->path);
			sbuf_addstr(out, "}");
		} else {
			json_cstr(out, old && e->old_path ? e->old_path : e->path);
		}
	}
	sbuf_addstr(out, first ? "]" : "\n    ]");
}

void manifest_build(struct sbuf *out, const struct fx_plan *plan, const struct fx_stats *st, const char *first_hex,
		    const char *commit_hex)
{
	char fp[33], dg[33];
	manifest_fingerprint(plan, fp);
	bytes_hex(dg, st->digest, 16);
	int git = plan->git && plan->def->git_ok;
	size_t nmatch = 0, ndecoy = 0;
	for (size_t i = 0; i < st->plants.n; i++) {
		nmatch += (size_t)listed(plan, &st->plants.v[i], 0);
		ndecoy += (size_t)listed(plan, &st->plants.v[i], 1);
	}
	sbuf_addstr(out, "{\n");
	sbuf_addf(out, "  \"fixture\": \"%s\",\n", plan->name);
	sbuf_addstr(out, "  \"generator\": \"genfixtures\",\n");
	sbuf_addf(out, "  \"generator_version\": \"%s\",\n", FX_GENERATOR_VERSION);
	sbuf_addf(out, "  \"seed\": %llu,\n", (unsigned long long)plan->seed);
	sbuf_addf(out, "  \"param\": %llu,\n", (unsigned long long)plan->param);
	sbuf_addf(out, "  \"git\": %s,\n", git ? "true" : "false");
	sbuf_addf(out, "  \"mtime\": %lld,\n", (long long)plan->mtime);
	sbuf_addf(out, "  \"fingerprint\": \"%s\",\n", fp);
	sbuf_addf(out, "  \"digest\": \"%s\",\n", dg);
	sbuf_addstr(out, "  \"digest_algorithm\": \"xxh3-128 over (path, NUL, type, mode, xxh3-128 of content) in byte "
			 "order of path\",\n");
	sbuf_addf(out, "  \"description\": ");
	json_cstr(out, plan->def->desc);
	sbuf_addstr(out, ",\n");
	sbuf_addf(out,
		  "  \"counts\": {\"files\": %" PRIu64 ", \"directories\": %" PRIu64 ", \"symlinks\": %" PRIu64
		  ", \"fifos\": %" PRIu64 ", \"bytes\": %" PRIu64 ", \"lines\": %" PRIu64
		  ", \"ignored_files\": %" PRIu64 ", \"matches\": %zu, \"decoys\": %zu},\n",
		  st->files, st->dirs, st->links, st->fifos, st->bytes, st->lines, st->ignored_files, nmatch, ndecoy);
	if (git) {
		sbuf_addstr(out, "  \"git_commits\": {\n");
		sbuf_addf(out, "    \"first\": \"%s\",\n    \"head\": \"%s\",\n", first_hex ? first_hex : "",
			  commit_hex ? commit_hex : "");
		sbuf_addstr(out, "    \"modified\": ");
		path_list(out, plan, FX_MODIFIED, 0);
		sbuf_addstr(out, ",\n    \"added\": ");
		path_list(out, plan, FX_ADDED, 0);
		sbuf_addstr(out, ",\n    \"deleted\": ");
		path_list(out, plan, FX_DELETED, 0);
		sbuf_addstr(out, ",\n    \"renamed\": ");
		path_list(out, plan, FX_RENAMED, 0);
		sbuf_addstr(out, "\n  },\n");
	} else {
		sbuf_addstr(out, "  \"git_commits\": null,\n");
	}
	sbuf_addstr(out, "  \"ignored\": ");
	path_list(out, plan, FX_IGNORED, 0);
	sbuf_addstr(out, ",\n  \"skipped\": [");
	int first = 1;
	for (size_t i = 0; i < plan->n; i++) {
		const struct fx_entry *e = &plan->entries[i];
		const char *why = (e->flags & FX_SKIP_SIZE)     ? "too large"
				  : (e->flags & FX_SKIP_BINARY) ? "binary"
								: NULL;
		if (!why || (e->flags & FX_IGNORED))
			continue;
		sbuf_addstr(out, first ? "\n    " : ",\n    ");
		first = 0;
		sbuf_addstr(out, "{\"file\": ");
		json_cstr(out, e->path);
		sbuf_addf(out, ", \"reason\": \"%s\"}", why);
	}
	sbuf_addstr(out, first ? "],\n" : "\n  ],\n");
	plant_list(out, plan, st, 0);
	sbuf_addstr(out, ",\n");
	plant_list(out, plan, st, 1);
	sbuf_addstr(out, "\n}\n");
}

static int read_str(const char *text, const char *key, char *out, size_t size)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\n  \"%s\": \"", key);
	const char *p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	const char *q = strchr(p, '"');
	if (!q || (size_t)(q - p) >= size)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return 0;
}

static int read_num(const char *text, const char *key, long long *out)
{
	char pat[64];
	snprintf(pat, sizeof(pat), "\n  \"%s\": ", key);
	const char *p = strstr(text, pat);
	if (!p)
		return -1;
	p += strlen(pat);
	if (!strncmp(p, "true", 4) || !strncmp(p, "false", 5)) {
		*out = *p == 't';
		return 0;
	}
	char *end;
	errno = 0;
	*out = (long long)strtoull(p, &end, 10);
	return end == p || errno ? -1 : 0;
}

int manifest_read_head(int dirfd, const char *name, struct manifest_head *h)
{
	memset(h, 0, sizeof(*h));
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ERR_NOTFOUND;
		return err_errno("unable to read '%s'", name);
	}
	char buf[2048];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return err_errno("unable to read '%s'", name);
	buf[n] = '\0';
	long long v;
	char gen[32];
	if (read_str(buf, "generator", gen, sizeof(gen)) < 0 || strcmp(gen, "genfixtures") ||
	    read_str(buf, "fixture", h->fixture, sizeof(h->fixture)) < 0 ||
	    read_str(buf, "fingerprint", h->fingerprint, sizeof(h->fingerprint)) < 0 ||
	    read_str(buf, "digest", h->digest, sizeof(h->digest)) < 0)
		return err_set(ERR_FORMAT, "'%s' is not a genfixtures manifest", name);
	if (read_num(buf, "seed", &v) < 0)
		return err_set(ERR_FORMAT, "'%s': no seed", name);
	h->seed = (uint64_t)v;
	if (read_num(buf, "param", &v) < 0)
		return err_set(ERR_FORMAT, "'%s': no param", name);
	h->param = (uint64_t)v;
	if (read_num(buf, "mtime", &v) < 0)
		return err_set(ERR_FORMAT, "'%s': no mtime", name);
	h->mtime = v;
	if (read_num(buf, "git", &v) < 0)
		return err_set(ERR_FORMAT, "'%s': no git flag", name);
	h->git = (int)v;
	return 0;
}
