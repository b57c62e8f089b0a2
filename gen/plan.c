/* plan: building a fixture's entry list, the git changeset, and rendering one entry. */
#include "fx.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "prng.h"
#include "xalloc.h"
#include "banned.h"

void fx_plan_init(struct fx_plan *plan, const struct fx_def *def, uint64_t seed, uint64_t param, int git, int64_t mtime)
{
	memset(plan, 0, sizeof(*plan));
	plan->def = def;
	plan->seed = seed;
	plan->param = param;
	plan->git = git;
	plan->mtime = mtime;
	if (!strcmp(def->name, "scale"))
		snprintf(plan->name, sizeof(plan->name), "scale-%llu", (unsigned long long)param);
	else
		snprintf(plan->name, sizeof(plan->name), "%s", def->name);
}

void fx_plan_release(struct fx_plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		free(plan->entries[i].path);
		free(plan->entries[i].old_path);
	}
	free(plan->entries);
	memset(plan, 0, sizeof(*plan));
}

uint32_t fx_add(struct fx_plan *plan, uint8_t type, const char *path, uint16_t mode)
{
	ALLOC_GROW(plan->entries, plan->n + 1, plan->alloc);
	struct fx_entry *e = &plan->entries[plan->n];
	memset(e, 0, sizeof(*e));
	e->path = xstrdup(path);
	e->type = type;
	e->mode = mode;
	e->seed = prng_derive(plan->seed, plan->n);
	return (uint32_t)plan->n++;
}

uint32_t fx_addf(struct fx_plan *plan, uint8_t type, uint16_t mode, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return fx_add(plan, type, buf, mode);
}

uint32_t fx_add_src(struct fx_plan *plan, const char *path, uint8_t kind, int lang, int test, uint32_t lines)
{
	uint32_t i = fx_add(plan, FX_FILE, path, 0644);
	struct fx_entry *e = &plan->entries[i];
	e->kind = kind;
	e->lang = (uint8_t)lang;
	e->test = (uint8_t)test;
	e->size_hint = lines;
	if (kind == FX_K_SRC_CLEAN)
		e->flags |= FX_NOPLANT;
	return i;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct fx_entry *x = a, *y = b;
	return strcmp(x->path, y->path);
}

static char *path_with_base(const char *path, const char *prefix)
{
	const char *slash = strrchr(path, '/');
	size_t dl = slash ? (size_t)(slash - path) + 1 : 0;
	const char *base = path + dl;
	size_t n = dl + strlen(prefix) + strlen(base) + 1;
	char *out = xmalloc(n);
	snprintf(out, n, "%.*s%s%s", (int)dl, path, prefix, base);
	return out;
}

/*
 * The git changeset: 5 files modified, 5 deleted (each with a file added beside it) and 5 renamed,
 * chosen evenly among the
 * tracked source files that carry no planted match, so the ground truth does not move.
 */
static void choose_changeset(struct fx_plan *plan)
{
	size_t *elig = NULL, ne = 0, alloc = 0;
	for (size_t i = 0; i < plan->n; i++) {
		const struct fx_entry *e = &plan->entries[i];
		if (e->type == FX_FILE && (e->flags & FX_NOPLANT) && !(e->flags & FX_IGNORED) &&
		    e->kind >= FX_K_SRC_CLEAN && e->kind <= FX_K_SRC_DENSE) {
			ALLOC_GROW(elig, ne + 1, alloc);
			elig[ne++] = i;
		}
	}
	if (ne < 15) {
		free(elig);
		return;
	}
	size_t stride = ne / 15;
	for (size_t k = 0; k < 15; k++) {
		struct fx_entry *e = &plan->entries[elig[k * stride + stride / 2]];
		switch (k % 3) {
		case 0:
			e->flags |= FX_MODIFIED;
			break;
		case 1: {
			e->flags |= FX_DELETED;
			/* an added file beside it */
			char *p = path_with_base(e->path, "added_");
			uint8_t lang = e->lang;
			uint32_t lines = e->size_hint;
			uint32_t j = fx_add_src(plan, p, FX_K_SRC_CLEAN, lang, 0, lines);
			plan->entries[j].flags |= FX_ADDED;
			free(p);
			break;
		}
		case 2: {
			e->flags |= FX_RENAMED;
			e->old_path = e->path;
			e->path = path_with_base(e->old_path, "renamed_");
			break;
		}
		}
	}
	free(elig);
}

/* The tools each source file's directory configures: those of the configuration files the plan
 * puts in that directory or above it (few: a linear pass per configuration file). */
static void assign_tools(struct fx_plan *plan)
{
	for (size_t c = 0; c < plan->n; c++) {
		const struct fx_entry *cfg = &plan->entries[c];
		const char *slash = strrchr(cfg->path, '/');
		unsigned tool = cfg->type == FX_FILE ? truth_tool_of_name(slash ? slash + 1 : cfg->path) : 0;
		if (!tool)
			continue;
		size_t dl = slash ? (size_t)(slash - cfg->path) + 1 : 0; /* the directory, with its '/' */
		for (size_t i = 0; i < plan->n; i++) {
			struct fx_entry *e = &plan->entries[i];
			if (e->kind >= FX_K_SRC_CLEAN && e->kind <= FX_K_SRC_CASES && !strncmp(e->path, cfg->path, dl))
				e->tools |= (uint8_t)tool;
		}
	}
}

void fx_plan_finish(struct fx_plan *plan)
{
	if (plan->git && plan->def->git_ok)
		choose_changeset(plan);
	assign_tools(plan);
	qsort(plan->entries, plan->n, sizeof(plan->entries[0]), entry_cmp);
}

/* Dense: a match on the first and the last line, scenarios on 35% of the lines between; a third
 * of the Rust source files end with a test module. */
static void render_dense(struct lang_file *f, const struct fx_entry *e, struct prng *r, uint32_t target)
{
	if (e->flags & FX_BOM) {
		/* the first line holds the byte order mark: code, whatever its text */
		lang_separator(f);
		lang_filler(f);
	} else {
		lang_plain(f);
	}
	int module = e->lang == LANG_RUST && !e->test && prng_below(r, 3) == 0;
	while (f->nlines + 1 + (module ? 12 : 0) < target) {
		if (prng_below(r, 100) < 35)
			lang_scenario(f);
		else
			lang_filler(f);
	}
	if (module)
		lang_rust_test_module(f);
	lang_plain(f);
}

/* Sparse: filler, and one scenario at a random line unless the entry plants nothing. */
static void render_sparse(struct lang_file *f, const struct fx_entry *e, struct prng *r, uint32_t target)
{
	int plant = !(e->flags & FX_NOPLANT);
	uint32_t at = plant && e->kind == FX_K_SRC_SPARSE ? prng_below(r, target) : UINT32_MAX;
	while (f->nlines < target) {
		if (f->nlines == at)
			lang_scenario(f);
		else
			lang_filler(f);
	}
}

static void render_src(const struct fx_plan *plan, uint32_t idx, struct sbuf *out, struct fx_plants *plants)
{
	const struct fx_entry *e = &plan->entries[idx];
	struct prng r;
	prng_init(&r, e->seed);
	struct lang_file f;
	lang_file_begin(&f, e->lang, e->test, !!(e->flags & FX_CRLF), &r, out, plants, idx);
	lang_file_scope(&f, e->tools, !!(e->flags & FX_WAIVED));
	lang_head(&f, e->head);
	uint32_t target = e->size_hint ? e->size_hint : 10;
	if (e->kind == FX_K_SRC_CASES)
		lang_cases(&f);
	else if (e->kind == FX_K_SRC_DENSE)
		render_dense(&f, e, &r, target);
	else
		render_sparse(&f, e, &r, target);
	if (e->flags & FX_NO_EOL)
		lang_strip_final_newline(&f);
	lang_file_end(&f);
}

void fx_render(const struct fx_plan *plan, uint32_t idx, int first_commit, struct sbuf *out, struct fx_plants *plants)
{
	const struct fx_entry *e = &plan->entries[idx];
	sbuf_reset(out);
	if (e->flags & FX_BOM)
		sbuf_add(out, "\xef\xbb\xbf", 3);
	if (e->data)
		sbuf_addstr(out, e->data);
	else if (e->kind >= FX_K_SRC_CLEAN && e->kind <= FX_K_SRC_CASES)
		render_src(plan, idx, out, plants);
	else
		plan->def->render(plan, idx, out, plants);
	if ((e->flags & FX_MODIFIED) && !first_commit) {
		int hash = e->lang == LANG_PY || e->lang == LANG_RB || e->lang == LANG_SH;
		sbuf_addstr(out, hash ? "# revised by the second commit\n" : "// revised by the second commit\n");
	}
	if (e->flags & FX_CRLF) {
		struct sbuf tmp = SBUF_INIT;
		for (size_t i = 0; i < out->len; i++) {
			if (out->buf[i] == '\n')
				sbuf_addch(&tmp, '\r');
			sbuf_addch(&tmp, out->buf[i]);
		}
		sbuf_reset(out);
		sbuf_add(out, tmp.buf, tmp.len);
		sbuf_release(&tmp);
	}
}

void fx_plants_add(struct fx_plants *p, const struct fx_plant *x)
{
	if (!p)
		return;
	ALLOC_GROW(p->v, p->n + 1, p->alloc);
	p->v[p->n++] = *x;
}
