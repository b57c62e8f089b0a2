/* fixtures: the layout of every fixture genfixtures knows (docs/fixtures.md describes each). */
#include "fx.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang.h"
#include "prng.h"
#include "banned.h"

enum { K_HUGE_FN = FX_K_OWN, K_HUGE_LIB, K_BIG, K_ONELINE, K_BINARY, K_LIST };

#define HUGE_FILES 50000

/* ---- stress-huge-files ---------------------------------------------------------------------- */

static void plan_huge(struct fx_plan *p)
{
	uint32_t i = fx_add(p, FX_FILE, "Cargo.toml", 0644);
	p->entries[i].data = "[package]\nname = \"stress-huge-files\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
	fx_add(p, FX_DIR, "src", 0755);
	i = fx_add(p, FX_FILE, "src/lib.rs", 0644);
	p->entries[i].kind = K_HUGE_LIB;
	for (uint32_t k = 1; k <= HUGE_FILES; k++) {
		i = fx_addf(p, FX_FILE, 0644, "src/f%" PRIu32 ".rs", k);
		p->entries[i].kind = K_HUGE_FN;
		p->entries[i].size_hint = k;
		p->entries[i].flags |= FX_NOPLANT;
	}
}

static void render_huge(const struct fx_plan *p, uint32_t idx, struct sbuf *out, struct fx_plants *pl)
{
	const struct fx_entry *e = &p->entries[idx];
	(void)pl;
	if (e->kind == K_HUGE_LIB) {
		for (uint32_t k = 1; k <= HUGE_FILES; k++)
			sbuf_addf(out, "pub mod f%" PRIu32 ";\n", k);
		return;
	}
	struct prng r;
	prng_init(&r, e->seed);
	sbuf_addf(out, "pub fn f%" PRIu32 "() -> u64 { 0x%016" PRIx64 " }\n", e->size_hint, prng_next(&r));
}

/* ---- stress-monorepo ------------------------------------------------------------------------ */

static const char *const crate_names[10] = { "core",  "net",   "store", "cli",     "proto",
					     "codec", "sched", "auth",  "metrics", "web" };

static const char monorepo_gitignore[] = "# build output of every tool in the workspace\n"
					 "target/\n"
					 "node_modules/\n"
					 "*.log\n"
					 "!keep.log\n"
					 "# generated sources at any depth\n"
					 "**/generated/\n"
					 "/dist\n"
					 "docs/**/*.tmp\n"
					 "trailing-space.txt \n";

static const char monorepo_dotignore[] =
	"# read by ripgrep, fd and walker, not by git: kept consistent with .gitignore so that the\n"
	"# walked set equals git's own list (what .ignore adds on its own is covered by unit tests)\n"
	"target/\n"
	"*.log\n"
	"!keep.log\n";

static const char crate_gitignore[] = "# editor backups, except the one we keep\n*.bak\n!important.bak\n";

static void add_ignored_src(struct fx_plan *p, const char *path, int lang)
{
	uint32_t i = fx_add_src(p, path, FX_K_SRC_DENSE, lang, 0, 30);
	p->entries[i].flags |= FX_IGNORED;
}

static void add_ignored_data(struct fx_plan *p, const char *path, const char *data)
{
	uint32_t i = fx_add(p, FX_FILE, path, 0644);
	p->entries[i].data = data;
	p->entries[i].flags |= FX_IGNORED;
}

/* Every missing parent directory of path (plans are small; a linear search is fine). */
static void add_dirs_of(struct fx_plan *p, const char *path)
{
	char buf[512];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *s = buf; (s = strchr(s, '/')); s++) {
		*s = '\0';
		int found = 0;
		for (size_t i = 0; i < p->n && !found; i++)
			found = p->entries[i].type == FX_DIR && !strcmp(p->entries[i].path, buf);
		if (!found)
			fx_add(p, FX_DIR, buf, 0755);
		*s = '/';
	}
}

/* A file planting one construct of docs/fixtures.md: fixed data, every case block of a language, or
 * dense source (test code or not) after a head (a shebang, Rust module declarations). */
struct special {
	const char *path;
	uint8_t kind; /* FX_K_DATA, FX_K_SRC_CASES or FX_K_SRC_DENSE */
	uint8_t lang;
	uint8_t test;
	uint8_t head;
	uint16_t flags; /* FX_WAIVED */
	const char *data;
};

#define CASES(path, lang)                                         \
	{                                                         \
		path, FX_K_SRC_CASES, lang, 0, HEAD_NONE, 0, NULL \
	}
#define DENSE(path, lang, test, head)                           \
	{                                                       \
		path, FX_K_SRC_DENSE, lang, test, head, 0, NULL \
	}
#define WAIVED(path, head)                                                \
	{                                                                 \
		path, FX_K_SRC_DENSE, LANG_RUST, 0, head, FX_WAIVED, NULL \
	}
#define DATA(path, data)                                  \
	{                                                 \
		path, FX_K_DATA, 0, 0, HEAD_NONE, 0, data \
	}

static const char no_language_notes[] = "Release notes: a file without an extension or a shebang has no language,\n"
					"so nothing here is a match.\n"
					"set +e\n"
					"eval \"$cmd\"\n"
					"# shellcheck disable=SC2086\n";

static const char no_language_perl[] = "#!/usr/bin/perl\n"
				       "# Perl is not a language the walker knows: nothing here is a match.\n"
				       "my $v = eval { risky() };\n"
				       "system(\"set +e\");\n";

/* Tool configurations: eslint_disable and biome_ignore apply below them only (docs/patterns.md,
 * "Tools that must be configured"). The JavaScript one holds no hit of any pattern. */
static const char eslintrc_json[] = "{\n  \"root\": true,\n  \"extends\": [\"eslint:recommended\"]\n}\n";
static const char eslint_config_js[] =
	"// ESLint flat configuration\nexport default [{ rules: { \"no-console\": \"warn\" } }];\n";
static const char biome_json[] = "{\n  \"linter\": { \"enabled\": true }\n}\n";

/* Dense files get lo to hi lines. */
static void add_specials(struct fx_plan *p, struct prng *r, const struct special *s, size_t n, uint32_t lo, uint32_t hi)
{
	for (size_t k = 0; k < n; k++) {
		add_dirs_of(p, s[k].path);
		if (s[k].kind == FX_K_DATA) {
			uint32_t i = fx_add(p, FX_FILE, s[k].path, 0644);
			p->entries[i].data = s[k].data;
			continue;
		}
		uint32_t i = fx_add_src(p, s[k].path, s[k].kind, s[k].lang, s[k].test, prng_range(r, lo, hi));
		p->entries[i].head = s[k].head;
		p->entries[i].flags |= s[k].flags;
	}
}

static void monorepo_module_dirs(struct fx_plan *p, const char *crate, char dirs[][160], int *nd)
{
	/* module folders 2 to 4 deep: src/mN/sN/lN/deep */
	for (int t = 0; t < 4; t++) {
		snprintf(dirs[*nd], 160, "%s/src/m%d", crate, t);
		fx_add(p, FX_DIR, dirs[(*nd)++], 0755);
		for (int s = 0; s < 3; s++) {
			snprintf(dirs[*nd], 160, "%s/src/m%d/s%d", crate, t, s);
			fx_add(p, FX_DIR, dirs[(*nd)++], 0755);
			if (s < 2) {
				snprintf(dirs[*nd], 160, "%s/src/m%d/s%d/l%d", crate, t, s, s);
				fx_add(p, FX_DIR, dirs[(*nd)++], 0755);
				if (s == 0) {
					snprintf(dirs[*nd], 160, "%s/src/m%d/s%d/l%d/deep", crate, t, s, s);
					fx_add(p, FX_DIR, dirs[(*nd)++], 0755);
				}
			}
		}
	}
}

/* 500 source files: lib.rs, 459 in the module tree, 40 under tests/. The first crate's lib.rs
 * declares test modules (monorepo_specials adds the files). */
static void monorepo_crate_sources(struct fx_plan *p, struct prng *r, int c, const char *crate, char dirs[][160],
				   int nd)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/src/lib.rs", crate);
	uint32_t i = fx_add_src(p, path, c == 0 ? FX_K_SRC_DENSE : FX_K_SRC_SPARSE, LANG_RUST, 0, c == 0 ? 20 : 10);
	if (c == 0)
		p->entries[i].head = HEAD_RUST_ROOT;
	for (int k = 0; k < 459; k++) {
		snprintf(path, sizeof(path), "%s/item_%03d.rs", dirs[k % nd], k);
		i = fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_RUST, 0, prng_range(r, 4, 16));
		if (prng_below(r, 10))
			p->entries[i].flags |= FX_NOPLANT;
	}
	for (int k = 0; k < 40; k++) {
		snprintf(path, sizeof(path), "%s/tests/it_%02d.rs", crate, k);
		i = fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_RUST, 1, prng_range(r, 4, 16));
		if (prng_below(r, 4))
			p->entries[i].flags |= FX_NOPLANT;
	}
}

/* generated code (ignored by "**" "/generated/") and editor backups (a nested .gitignore) */
static void monorepo_crate_ignored(struct fx_plan *p, int c, const char *crate)
{
	char path[512];
	if (c % 5 == 0) {
		snprintf(path, sizeof(path), "%s/src/m1/generated", crate);
		fx_add(p, FX_DIR, path, 0755);
		for (int k = 0; k < 20; k++) {
			snprintf(path, sizeof(path), "%s/src/m1/generated/gen_%02d.rs", crate, k);
			add_ignored_src(p, path, LANG_RUST);
		}
	}
	if (c == 3) {
		snprintf(path, sizeof(path), "%s/.gitignore", crate);
		uint32_t i = fx_add(p, FX_FILE, path, 0644);
		p->entries[i].data = crate_gitignore;
		snprintf(path, sizeof(path), "%s/notes.bak", crate);
		add_ignored_data(p, path, "old notes\n");
		snprintf(path, sizeof(path), "%s/src/m0/lib.rs.bak", crate);
		add_ignored_data(p, path, "fn old() { x.unwrap(); }\n");
		snprintf(path, sizeof(path), "%s/important.bak", crate);
		i = fx_add(p, FX_FILE, path, 0644);
		p->entries[i].data = "kept on purpose\n";
	}
}

static void monorepo_crates(struct fx_plan *p, struct prng *r)
{
	char path[512];
	fx_add(p, FX_DIR, "crates", 0755);
	for (int c = 0; c < 10; c++) {
		char crate[48];
		snprintf(crate, sizeof(crate), "crates/%s", crate_names[c]);
		fx_add(p, FX_DIR, crate, 0755);
		snprintf(path, sizeof(path), "%s/Cargo.toml", crate);
		uint32_t i = fx_add(p, FX_FILE, path, 0644);
		p->entries[i].data = "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n";
		snprintf(path, sizeof(path), "%s/src", crate);
		fx_add(p, FX_DIR, path, 0755);
		snprintf(path, sizeof(path), "%s/tests", crate);
		fx_add(p, FX_DIR, path, 0755);
		char dirs[64][160];
		int nd = 0;
		monorepo_module_dirs(p, crate, dirs, &nd);
		monorepo_crate_sources(p, r, c, crate, dirs, nd);
		monorepo_crate_ignored(p, c, crate);
	}
}

/* build output: target/ (2,000 files) */
static void monorepo_target(struct fx_plan *p)
{
	char path[512];
	fx_add(p, FX_DIR, "target", 0755);
	fx_add(p, FX_DIR, "target/debug", 0755);
	fx_add(p, FX_DIR, "target/debug/deps", 0755);
	fx_add(p, FX_DIR, "target/debug/build", 0755);
	for (int k = 0; k < 1500; k++) {
		snprintf(path, sizeof(path), "target/debug/deps/libdep_%04d.d", k);
		add_ignored_data(p, path, "target/debug/deps/libdep.rlib: src/lib.rs\n");
	}
	for (int k = 0; k < 50; k++) {
		snprintf(path, sizeof(path), "target/debug/build/script-%02d", k);
		fx_add(p, FX_DIR, path, 0755);
		for (int m = 0; m < 10; m++) {
			snprintf(path, sizeof(path), "target/debug/build/script-%02d/out_%d.rs", k, m);
			add_ignored_src(p, path, LANG_RUST);
		}
	}
}

/* TypeScript package with node_modules (1,000 ignored files full of matches) */
static void monorepo_web(struct fx_plan *p, struct prng *r)
{
	char path[512];
	fx_add(p, FX_DIR, "web", 0755);
	fx_add(p, FX_DIR, "web/src", 0755);
	uint32_t i = fx_add(p, FX_FILE, "web/package.json", 0644);
	p->entries[i].data = "{\n  \"name\": \"web\",\n  \"private\": true\n}\n";
	for (int k = 0; k < 24; k++) {
		snprintf(path, sizeof(path), k < 20 ? "web/src/view_%02d.ts" : "web/src/view_%02d.test.ts", k);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_TS, k >= 20, prng_range(r, 8, 30));
	}
	fx_add(p, FX_DIR, "web/node_modules", 0755);
	for (int k = 0; k < 200; k++) {
		snprintf(path, sizeof(path), "web/node_modules/pkg-%03d", k);
		fx_add(p, FX_DIR, path, 0755);
		for (int m = 0; m < 5; m++) {
			snprintf(path, sizeof(path), "web/node_modules/pkg-%03d/mod_%d.js", k, m);
			add_ignored_src(p, path, LANG_JS);
		}
	}
}

/* Go, Python, shell, C and Ruby tooling */
static void monorepo_tools(struct fx_plan *p, struct prng *r)
{
	char path[512];
	fx_add(p, FX_DIR, "tools", 0755);
	fx_add(p, FX_DIR, "tools/go", 0755);
	for (int k = 0; k < 24; k++) {
		snprintf(path, sizeof(path), k < 20 ? "tools/go/cmd_%02d.go" : "tools/go/cmd_%02d_test.go", k);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_GO, k >= 20, prng_range(r, 8, 30));
	}
	fx_add(p, FX_DIR, "scripts", 0755);
	for (int k = 0; k < 12; k++) {
		snprintf(path, sizeof(path), k < 10 ? "scripts/task_%02d.py" : "scripts/test_task_%02d.py", k);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_PY, k >= 10, prng_range(r, 8, 30));
	}
	for (int k = 0; k < 6; k++) {
		snprintf(path, sizeof(path), "scripts/run_%02d.sh", k);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_SH, 0, prng_range(r, 8, 30));
	}
	for (int k = 0; k < 4; k++) {
		snprintf(path, sizeof(path), "native/src/shim_%02d.c", k);
		add_dirs_of(p, path);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_C, 0, prng_range(r, 8, 30));
		snprintf(path, sizeof(path), "tools/rb/lib/task_%02d.rb", k);
		add_dirs_of(p, path);
		fx_add_src(p, path, FX_K_SRC_SPARSE, LANG_RB, 0, prng_range(r, 8, 30));
	}
}

/* logs (*.log but keep.log), dist (anchored /dist), drafts (docs, any depth, *.tmp) */
static void monorepo_misc(struct fx_plan *p)
{
	char path[512];
	fx_add(p, FX_DIR, "logs", 0755);
	for (int k = 0; k < 100; k++) {
		snprintf(path, sizeof(path), "logs/run-%03d.log", k);
		add_ignored_data(p, path, "INFO started\nINFO finished\n");
	}
	uint32_t i = fx_add(p, FX_FILE, "logs/keep.log", 0644);
	p->entries[i].data = "kept: negated by !keep.log\n";
	fx_add(p, FX_DIR, "dist", 0755);
	for (int k = 0; k < 10; k++) {
		snprintf(path, sizeof(path), "dist/bundle_%d.js", k);
		add_ignored_src(p, path, LANG_JS);
	}
	fx_add(p, FX_DIR, "web/src/dist", 0755); /* /dist is anchored: this one is not ignored */
	fx_add_src(p, "web/src/dist/entry.ts", FX_K_SRC_CLEAN, LANG_TS, 0, 12);
	fx_add(p, FX_DIR, "docs", 0755);
	fx_add(p, FX_DIR, "docs/guide", 0755);
	fx_add(p, FX_DIR, "docs/guide/deep", 0755);
	i = fx_add(p, FX_FILE, "docs/guide/intro.md", 0644);
	p->entries[i].data = "# Guide\n\nNothing to scan here.\n";
	add_ignored_data(p, "docs/guide/draft.tmp", "draft\n");
	add_ignored_data(p, "docs/guide/deep/older.tmp", "older draft\n");
	i = fx_add(p, FX_FILE, "draft.tmp", 0644); /* the docs pattern does not reach the root */
	p->entries[i].data = "root draft\n";
	add_ignored_data(p, "trailing-space.txt", "ignored: the trailing space of its pattern is dropped\n");
}

/* clang-format off */
static const struct special monorepo_specials[] = {
	/* declared by crates/core/src/lib.rs, parser.rs and helpers/mod.rs (HEAD_RUST_*) */
	DENSE("crates/core/src/checks.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("crates/core/src/helpers/mod.rs", LANG_RUST, 1, HEAD_RUST_HELPERS),
	DENSE("crates/core/src/helpers/fixtures.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("crates/core/src/real.rs", LANG_RUST, 0, HEAD_NONE),
	DENSE("crates/core/src/parser.rs", LANG_RUST, 0, HEAD_RUST_PARSER),
	DENSE("crates/core/src/parser/tests.rs", LANG_RUST, 1, HEAD_NONE),
	/* every case block of each language */
	CASES("crates/proto/src/cases.rs", LANG_RUST),
	CASES("tools/go/cases.go", LANG_GO),
	CASES("native/src/cases.cc", LANG_C),
	CASES("web/src/cases.ts", LANG_TS),
	CASES("scripts/cases.py", LANG_PY),
	CASES("tools/rb/lib/cases.rb", LANG_RB),
	CASES("scripts/cases.sh", LANG_SH),
	/* test code by its path, and look-alikes that are source */
	DENSE("crates/sched/benches/throughput.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("crates/auth/src/token_test.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("crates/auth/src/session_tests.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("crates/auth/src/latest.rs", LANG_RUST, 0, HEAD_NONE),
	DENSE("tools/go/testdata/golden.go", LANG_GO, 1, HEAD_NONE),
	DENSE("tools/go/examples/basic.go", LANG_GO, 0, HEAD_NONE),
	DENSE("crates/cli/examples/demo.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("native/test/shim_check.c", LANG_C, 1, HEAD_NONE),
	DENSE("web/src/app.test.tsx", LANG_TS, 1, HEAD_NONE),
	DENSE("web/src/api_test.ts", LANG_TS, 1, HEAD_NONE),
	DENSE("web/src/widget.tsx", LANG_TS, 0, HEAD_NONE),
	DENSE("scripts/conftest.py", LANG_PY, 1, HEAD_NONE),
	DENSE("tools/rb/spec/task_spec.rb", LANG_RB, 1, HEAD_NONE),
	DENSE("tools/rb/spec/support/helper.rb", LANG_RB, 0, HEAD_NONE),
	/* extensionless scripts: the shebang names the language, or none */
	DENSE("scripts/deploy", LANG_SH, 0, HEAD_SH),
	DENSE("scripts/bootstrap", LANG_SH, 0, HEAD_BASH),
	DENSE("scripts/manage", LANG_PY, 0, HEAD_PYTHON3),
	DENSE("tools/rb/bin/console", LANG_RB, 0, HEAD_RUBY),
	DENSE("web/bin/cli", LANG_JS, 0, HEAD_NODE),
	DATA("scripts/notes", no_language_notes),
	DATA("scripts/report", no_language_perl),
	/* ESLint for all of web/, Biome for web/src/ only (so not for web/bin/cli) */
	DATA("web/eslint.config.js", eslint_config_js),
	DATA("web/src/biome.jsonc", biome_json),
};
/* clang-format on */

static void plan_monorepo(struct fx_plan *p)
{
	struct prng r;
	prng_init(&r, p->seed ^ 0x6d6f6e6fULL);
	uint32_t i = fx_add(p, FX_FILE, "Cargo.toml", 0644);
	p->entries[i].kind = K_LIST;
	i = fx_add(p, FX_FILE, ".gitignore", 0644);
	p->entries[i].data = monorepo_gitignore;
	i = fx_add(p, FX_FILE, ".ignore", 0644);
	p->entries[i].data = monorepo_dotignore;
	monorepo_crates(p, &r);
	monorepo_target(p);
	monorepo_web(p, &r);
	monorepo_tools(p, &r);
	monorepo_misc(p);
	add_specials(p, &r, monorepo_specials, sizeof(monorepo_specials) / sizeof(monorepo_specials[0]), 12, 30);
}

static void render_monorepo(const struct fx_plan *p, uint32_t idx, struct sbuf *out, struct fx_plants *pl)
{
	(void)p;
	(void)idx;
	(void)pl;
	sbuf_addstr(out, "[workspace]\nresolver = \"2\"\nmembers = [\n");
	for (int c = 0; c < 10; c++)
		sbuf_addf(out, "    \"crates/%s\",\n", crate_names[c]);
	sbuf_addstr(out, "]\n");
}

/* ---- stress-large-file ---------------------------------------------------------------------- */

static void plan_large(struct fx_plan *p)
{
	char path[64];
	for (uint32_t mb = 1; mb <= 5; mb++) {
		snprintf(path, sizeof(path), "big_%" PRIu32 "mb.rs", mb);
		uint32_t i = fx_add(p, FX_FILE, path, 0644);
		p->entries[i].kind = K_BIG;
		p->entries[i].lang = LANG_RUST;
		p->entries[i].size_hint = mb << 20;
	}
	uint32_t i = fx_add(p, FX_FILE, "oversize_11mb.rs", 0644);
	p->entries[i].kind = K_BIG;
	p->entries[i].lang = LANG_RUST;
	p->entries[i].size_hint = 11u << 20;
	p->entries[i].flags |= FX_SKIP_SIZE;
	i = fx_add(p, FX_FILE, "one_line_2mb.ts", 0644);
	p->entries[i].kind = K_ONELINE;
	p->entries[i].size_hint = 2u << 20;
	i = fx_add_src(p, "no_final_newline.py", FX_K_SRC_DENSE, LANG_PY, 0, 400);
	p->entries[i].flags |= FX_NO_EOL;
}

static void render_big(const struct fx_plan *p, uint32_t idx, struct sbuf *out, struct fx_plants *pl)
{
	const struct fx_entry *e = &p->entries[idx];
	struct prng r;
	prng_init(&r, e->seed);
	if (e->kind == K_ONELINE) {
		/* one line of TypeScript; every 64 KiB an `as unknown` cast, a violation */
		uint32_t n = 0;
		size_t next = 65536;
		while (out->len < e->size_hint) {
			if (out->len >= next) {
				sbuf_addstr(out, "const c = x ");
				struct fx_plant x = {
					idx, 1, (uint32_t)out->len + 1, FX_VIOLATION, "as_unknown", NULL
				};
				fx_plants_add(pl, &x);
				sbuf_addstr(out, "as unknown as T; ");
				next += 65536;
			}
			sbuf_addf(out, "const v%u = w%u + %u; ", n, prng_below(&r, 1000), prng_below(&r, 1000));
			n++;
		}
		sbuf_addch(out, '\n');
		return;
	}
	struct lang_file f;
	struct fx_plants *sink = (e->flags & FX_SKIP_SIZE) ? NULL : pl;
	lang_file_begin(&f, e->lang, 0, 0, &r, out, sink, idx);
	size_t next = 100000;
	while (out->len < e->size_hint) {
		if (out->len >= next) {
			lang_scenario(&f);
			next += 100000 + prng_below(&r, 50000);
		} else {
			lang_filler(&f);
		}
	}
	lang_file_end(&f);
}

/* ---- stress-patterns ------------------------------------------------------------------------ */

struct pat_group {
	int lang;
	int count;
	const char *fmt; /* %02d */
	int test;
};

static const struct pat_group pat_groups[] = {
	{ LANG_RUST, 14, "rust/src/mod_%02d.rs", 0 }, { LANG_RUST, 3, "rust/tests/it_%02d.rs", 1 },
	{ LANG_GO, 5, "go/pkg/file_%02d.go", 0 },     { LANG_GO, 2, "go/pkg/file_%02d_test.go", 1 },
	{ LANG_C, 4, "c/src/unit_%02d.c", 0 },        { LANG_C, 2, "c/src/unit_%02d.cc", 0 },
	{ LANG_TS, 6, "ts/src/mod_%02d.ts", 0 },      { LANG_TS, 2, "ts/src/mod_%02d.test.ts", 1 },
	{ LANG_JS, 4, "js/lib/lib_%02d.js", 0 },      { LANG_JS, 2, "js/__tests__/lib_%02d.spec.js", 1 },
	{ LANG_PY, 6, "py/pkg/mod_%02d.py", 0 },      { LANG_PY, 2, "py/pkg/test_mod_%02d.py", 1 },
	{ LANG_RB, 4, "rb/lib/lib_%02d.rb", 0 },      { LANG_RB, 2, "rb/spec/lib_%02d_spec.rb", 1 },
	{ LANG_SH, 5, "sh/bin/tool_%02d.sh", 0 },
};

/* clang-format off */
static const struct special pattern_specials[] = {
	/* every case block of each language */
	CASES("rust/src/cases.rs", LANG_RUST),
	CASES("go/pkg/cases.go", LANG_GO),
	CASES("c/src/cases.cc", LANG_C),
	CASES("ts/src/cases.ts", LANG_TS),
	CASES("js/lib/cases.mjs", LANG_JS),
	CASES("py/pkg/cases.py", LANG_PY),
	CASES("rb/lib/cases.rb", LANG_RB),
	CASES("sh/bin/cases.sh", LANG_SH),
	/* the crate root declares test modules: #[cfg(test)] mod checks; and helpers (helpers/mod.rs),
	 * which declares fixtures; parser.rs declares parser/tests.rs; #[cfg(not(test))] mod real; */
	DENSE("rust/src/lib.rs", LANG_RUST, 0, HEAD_RUST_ROOT),
	DENSE("rust/src/checks.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("rust/src/helpers/mod.rs", LANG_RUST, 1, HEAD_RUST_HELPERS),
	DENSE("rust/src/helpers/fixtures.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("rust/src/real.rs", LANG_RUST, 0, HEAD_NONE),
	DENSE("rust/src/parser.rs", LANG_RUST, 0, HEAD_RUST_PARSER),
	DENSE("rust/src/parser/tests.rs", LANG_RUST, 1, HEAD_NONE),
	/* test code by its path, and look-alikes that are source */
	DENSE("rust/benches/throughput.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("rust/src/codec_test.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("rust/src/codec_tests.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("rust/src/latest.rs", LANG_RUST, 0, HEAD_NONE),
	DENSE("go/testdata/golden.go", LANG_GO, 1, HEAD_NONE),
	DENSE("go/examples/basic.go", LANG_GO, 0, HEAD_NONE),
	DENSE("rust/examples/demo.rs", LANG_RUST, 1, HEAD_NONE),
	DENSE("py/test_cases/case_01.py", LANG_PY, 1, HEAD_NONE),
	DENSE("c/fixtures/input.c", LANG_C, 1, HEAD_NONE),
	DENSE("c/test/check_00.c", LANG_C, 1, HEAD_NONE),
	DENSE("ts/src/view.test.tsx", LANG_TS, 1, HEAD_NONE),
	DENSE("ts/src/util_test.ts", LANG_TS, 1, HEAD_NONE),
	DENSE("ts/src/widget.tsx", LANG_TS, 0, HEAD_NONE),
	DENSE("js/lib/api.spec.mjs", LANG_JS, 1, HEAD_NONE),
	DENSE("py/pkg/conftest.py", LANG_PY, 1, HEAD_NONE),
	DENSE("py/pkg/testing.py", LANG_PY, 0, HEAD_NONE),
	DENSE("rb/spec/support/helper.rb", LANG_RB, 0, HEAD_NONE),
	/* extensionless scripts: the shebang names the language, or none */
	DENSE("sh/bin/deploy", LANG_SH, 0, HEAD_SH),
	DENSE("sh/bin/build", LANG_SH, 0, HEAD_BASH),
	DENSE("sh/bin/zrun", LANG_SH, 0, HEAD_ZSH),
	DENSE("py/bin/manage", LANG_PY, 0, HEAD_PYTHON3),
	DENSE("py/bin/legacy", LANG_PY, 0, HEAD_PYTHON),
	DENSE("rb/bin/console", LANG_RB, 0, HEAD_RUBY),
	DENSE("js/bin/cli", LANG_JS, 0, HEAD_NODE),
	DATA("sh/bin/notes", no_language_notes),
	DATA("sh/bin/report", no_language_perl),
	/* crate roots with a documented waiver of undocumented unsafe blocks (rust/ffi, covering the
	 * modules it declares) and with a TODO for a reason (rust/debt, covering nothing) */
	WAIVED("rust/ffi/src/lib.rs", HEAD_RUST_WAIVER),
	WAIVED("rust/ffi/src/sys.rs", HEAD_RUST_WAIVED),
	WAIVED("rust/ffi/src/sys/raw.rs", HEAD_NONE),
	DENSE("rust/debt/src/lib.rs", LANG_RUST, 0, HEAD_RUST_DEBT),
	DENSE("rust/debt/src/inner.rs", LANG_RUST, 0, HEAD_NONE),
	/* ESLint and Biome for ts/; ESLint only for js/lib/; neither for js/__tests__/ and js/bin/ */
	DATA("ts/.eslintrc.json", eslintrc_json),
	DATA("ts/biome.json", biome_json),
	DATA("js/lib/eslint.config.mjs", eslint_config_js),
};
/* clang-format on */

static void plan_patterns(struct fx_plan *p)
{
	struct prng r;
	prng_init(&r, p->seed ^ 0x70617474ULL);
	char path[256];
	for (size_t g = 0; g < sizeof(pat_groups) / sizeof(pat_groups[0]); g++) {
		for (int k = 0; k < pat_groups[g].count; k++) {
			snprintf(path, sizeof(path), pat_groups[g].fmt, k);
			add_dirs_of(p, path);
			fx_add_src(p, path, FX_K_SRC_DENSE, pat_groups[g].lang, pat_groups[g].test,
				   prng_range(&r, 70, 130));
		}
	}
	add_specials(p, &r, pattern_specials, sizeof(pattern_specials) / sizeof(pattern_specials[0]), 70, 130);
}

/* ---- stress-nested -------------------------------------------------------------------------- */

#define NESTED_LEVELS 180

static void plan_nested(struct fx_plan *p)
{
	char path[NESTED_LEVELS * 32];
	size_t len = 0;
	path[0] = '\0';
	for (int d = 0; d < NESTED_LEVELS; d++) {
		len += (size_t)snprintf(path + len, sizeof(path) - len, "%slevel-%03d-nested-directory", d ? "/" : "",
					d);
		fx_add(p, FX_DIR, path, 0755);
		if (d % 20 == 19 || d == NESTED_LEVELS - 1) {
			char file[sizeof(path) + 16];
			snprintf(file, sizeof(file), "%s/deep.rs", path);
			fx_add_src(p, file, FX_K_SRC_DENSE, LANG_RUST, 0, 12);
		}
	}
}

/* ---- stress-hostile ------------------------------------------------------------------------- */

static void add_link(struct fx_plan *p, const char *path, const char *target)
{
	uint32_t i = fx_add(p, FX_LINK, path, 0777);
	p->entries[i].data = target;
}

static void plan_hostile(struct fx_plan *p)
{
	uint32_t i;
	add_link(p, "loop-self", ".");
	add_link(p, "loop-a", "loop-b");
	add_link(p, "loop-b", "loop-a");
	add_link(p, "outside", "..");
	add_link(p, "outside-abs", "/etc");
	add_link(p, "dangling", "does-not-exist");
	add_link(p, "link-to-file.rs", "ok/plain.rs");
	fx_add(p, FX_FIFO, "fifo", 0644);
	fx_add(p, FX_DIR, "ok", 0755);
	fx_add_src(p, "ok/plain.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 20);
	i = fx_add_src(p, "secret.rs", FX_K_SRC_CLEAN, LANG_RUST, 0, 5);
	p->entries[i].flags |= FX_UNREADABLE;
	i = fx_add(p, FX_DIR, "locked", 0755);
	p->entries[i].flags |= FX_UNREADABLE;
	fx_add_src(p, "locked/inside.rs", FX_K_SRC_CLEAN, LANG_RUST, 0, 5);
	i = fx_add(p, FX_FILE, "empty.rs", 0644);
	p->entries[i].data = "";
	i = fx_add(p, FX_FILE, "binary.rs", 0644);
	p->entries[i].kind = K_BINARY;
	p->entries[i].flags |= FX_SKIP_BINARY;
	fx_add_src(p, "with space.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	fx_add_src(p, "new\nline.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	fx_add_src(p, "tab\there.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	fx_add_src(p, "bad-\xff\xfe-utf8.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	fx_add_src(p, "-rf.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	fx_add_src(p, "quote\"and\\slash.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 12);
	i = fx_add_src(p, "crlf.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 20);
	p->entries[i].flags |= FX_CRLF;
	i = fx_add_src(p, "bom.rs", FX_K_SRC_DENSE, LANG_RUST, 0, 20);
	p->entries[i].flags |= FX_BOM;
	i = fx_add_src(p, "crlf.py", FX_K_SRC_DENSE, LANG_PY, 0, 20);
	p->entries[i].flags |= FX_CRLF;
}

static void render_hostile(const struct fx_plan *p, uint32_t idx, struct sbuf *out, struct fx_plants *pl)
{
	(void)pl;
	const struct fx_entry *e = &p->entries[idx];
	struct prng r;
	prng_init(&r, e->seed);
	/* binary: a NUL in the first block, and a pattern that must not be reported */
	sbuf_add(out,
		 "\x7f"
		 "ELF\x02\x01\x01\0\0\0\0",
		 12);
	for (int k = 0; k < 256; k++)
		sbuf_addch(out, (int)(prng_next(&r) & 0xff));
	sbuf_addstr(out, "\nlet v = opt.unwrap();\n");
}

/* ---- scale:N -------------------------------------------------------------------------------- */

static void plan_scale(struct fx_plan *p)
{
	uint64_t n = p->param;
	uint64_t leaves = (n + 15) / 16;
	int depth = 0;
	for (uint64_t cap = 1; cap < leaves; cap *= 4)
		depth++;
	struct prng r;
	prng_init(&r, p->seed ^ 0x7363616cULL);
	char path[512];
	static const int langs[10] = { LANG_RUST, LANG_RUST, LANG_RUST, LANG_RUST, LANG_RUST,
				       LANG_RUST, LANG_RUST, LANG_PY,   LANG_GO,   LANG_TS };
	for (uint64_t leaf = 0; leaf < leaves; leaf++) {
		/* the leaf's directory: base-4 digits of its number, one folder per digit */
		size_t len = 0;
		path[0] = '\0';
		for (int d = depth - 1; d >= 0; d--) {
			unsigned digit = (unsigned)((leaf >> (2 * d)) & 3);
			len += (size_t)snprintf(path + len, sizeof(path) - len, "%sd%u", len ? "/" : "", digit);
			/* a folder is new when all lower digits are zero */
			if ((leaf & ((UINT64_C(1) << (2 * d)) - 1)) == 0)
				fx_add(p, FX_DIR, path, 0755);
		}
		for (uint64_t k = leaf * 16; k < n && k < leaf * 16 + 16; k++) {
			int lang = langs[prng_below(&r, 10)];
			char file[600];
			snprintf(file, sizeof(file), "%s%sf%06" PRIu64 ".%s", path, len ? "/" : "", k, lang_ext(lang));
			uint32_t i = fx_add_src(p, file, FX_K_SRC_SPARSE, lang, 0, prng_range(&r, 10, 200));
			if (prng_below(&r, 10))
				p->entries[i].flags |= FX_NOPLANT;
		}
	}
}

static void render_none(const struct fx_plan *p, uint32_t idx, struct sbuf *out, struct fx_plants *pl)
{
	(void)p;
	(void)idx;
	(void)out;
	(void)pl;
}

/* ---- registry ------------------------------------------------------------------------------- */

static const struct fx_def defs[] = {
	{ "stress-huge-files", "50,000 one-line Rust files in one directory, a lib.rs declaring them, a Cargo.toml", 1,
	  1, plan_huge, render_huge },
	{ "stress-monorepo",
	  "10 crates x 500 files, Go/TS/Python/shell/C/Ruby tooling, nested .gitignore and .ignore, ignored build "
	  "output",
	  1, 1, plan_monorepo, render_monorepo },
	{ "stress-large-file", "1-5 MB files, one over the 10 MB limit, a single 2 MB line, no final newline", 1, 1,
	  plan_large, render_big },
	{ "stress-patterns", "112 files in 8 languages dense in escape patterns, near-misses and justifications", 1, 1,
	  plan_patterns, render_none },
	{ "stress-nested", "180 nested directories: the full path exceeds PATH_MAX (4096)", 0, 0, plan_nested,
	  render_none },
	{ "stress-hostile", "symlink loops, links out of the tree, FIFO, unreadable entries, hostile names, CRLF, BOM",
	  0, 0, plan_hostile, render_hostile },
	{ "scale", "scale:N, N files (1..1000000) about 20 entries a folder, 10-200 lines a file", 0, 1, plan_scale,
	  render_none },
};

const struct fx_def *fx_defs(size_t *count)
{
	*count = sizeof(defs) / sizeof(defs[0]);
	return defs;
}

const struct fx_def *fx_find(const char *arg, uint64_t *param, char *name, size_t name_size)
{
	*param = 0;
	if (!strncmp(arg, "scale:", 6) || !strncmp(arg, "scale-", 6)) {
		const char *s = arg + 6;
		char *end;
		if (*s < '0' || *s > '9')
			return NULL;
		unsigned long long v = strtoull(s, &end, 10);
		if (*end || v < 1 || v > 1000000)
			return NULL;
		*param = v;
		snprintf(name, name_size, "scale-%llu", v);
		return &defs[sizeof(defs) / sizeof(defs[0]) - 1];
	}
	for (size_t i = 0; i + 1 < sizeof(defs) / sizeof(defs[0]); i++) {
		if (!strcmp(arg, defs[i].name)) {
			snprintf(name, name_size, "%s", defs[i].name);
			return &defs[i];
		}
	}
	return NULL;
}
