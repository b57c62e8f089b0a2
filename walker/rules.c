/* rules: escape patterns, their config file, compilation and path classes
 * (docs/patterns.md). */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "rules.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "err.h"
#include "ignore.h"
#include "sbuf.h"
#include "version.h"
#include "xalloc.h"
#include "banned.h"

#define CONFIG_MAX (1u << 20)

struct dflt {
	const char *name, *regex;
	int action, place, in_tests, desc;
	const char *markers[2]; /* comment action: any of them justifies */
	uint32_t langs;
	const char *advice;
};

#define L(x) (1u << (x))
/* The built-in set (docs/patterns.md, "Built-in patterns", which says where and why it differs
 * from quench's defaults). A count pattern here only counts: RULES_NO_THRESHOLD. */
/* clang-format off */
static const struct dflt defaults[] = {
	{ "unsafe", "unsafe\\s*\\{", RA_COMMENT, RP_CODE, 0, 0, { "// SAFETY:" }, L(RL_RUST),
	  "explain why the unsafe block is sound in a // SAFETY: comment" },
	{ "unsafe_impl", "unsafe\\s+impl\\b", RA_COMMENT, RP_CODE, 0, 0, { "// SAFETY:" }, L(RL_RUST),
	  "explain why the type upholds the trait's safety contract in a // SAFETY: comment" },
	{ "transmute", "(?<![\\w.])(?<!fn )transmute\\s*(?:::\\s*<[^;{]*?>\\s*)?\\(", RA_COMMENT, RP_CODE, 0, 0, { "// SAFETY:" }, L(RL_RUST),
	  "explain why the transmute is sound in a // SAFETY: comment" },
	{ "unwrap", "\\.unwrap\\(\\)", RA_COUNT, RP_CODE, 0, 0, { NULL }, L(RL_RUST),
	  "handle the error or None case instead of .unwrap()" },
	{ "expect", "\\.expect\\(", RA_COUNT, RP_CODE, 0, 0, { NULL }, L(RL_RUST),
	  "propagate the error with ? instead of .expect()" },
	{ "allow", "#!?\\[(?:allow|expect)\\s*\\(", RA_COMMENT, RP_CODE, 0, 0, { "// JUSTIFIED:" }, L(RL_RUST),
	  "say why the lint is silenced: reason = \"...\" or a // JUSTIFIED: comment" },
	{ "cfg_attr_allow", "#!?\\[cfg_attr\\(.*\\b(?:allow|expect)\\s*\\(", RA_COMMENT, RP_CODE, 0, 0, { "// JUSTIFIED:" }, L(RL_RUST),
	  "say why the lint is silenced: reason = \"...\" or a // JUSTIFIED: comment" },
	{ "unsafe_pointer", "unsafe\\.Pointer", RA_COMMENT, RP_CODE, 0, 0, { "// SAFETY:" }, L(RL_GO),
	  "explain why the pointer conversion is sound in a // SAFETY: comment" },
	{ "linkname", "^\\s*//go:linkname\\b", RA_COMMENT, RP_COMMENT, 0, 0, { "// LINKNAME:" }, L(RL_GO),
	  "say why the runtime internal is needed in a // LINKNAME: comment" },
	{ "noescape", "^\\s*//go:noescape\\b", RA_COMMENT, RP_COMMENT, 0, 0, { "// NOESCAPE:" }, L(RL_GO),
	  "say why escape analysis may be bypassed in a // NOESCAPE: comment" },
	{ "nolint", "//\\s*nolint\\b", RA_COMMENT, RP_DIRECTIVE, 0, RD_SLASHES, { "// NOLINT:" }, L(RL_GO),
	  "say why the linter is wrong here: //nolint:rule // why, or a // NOLINT: comment" },
	{ "gets", "\\bgets\\s*\\(", RA_FORBID, RP_CODE, 0, 0, { NULL }, L(RL_C), "gets() cannot be used safely; use fgets()" },
	{ "pragma_ignored", "#pragma\\s+(?:GCC|clang)\\s+diagnostic\\s+ignored", RA_COMMENT, RP_CODE, 0, 0, { "// JUSTIFIED:", "/* JUSTIFIED:" }, L(RL_C),
	  "say why the warning is silenced in a // JUSTIFIED: comment" },
	{ "const_cast", "const_cast<", RA_COMMENT, RP_CODE, 0, 0, { "// CAST:" }, L(RL_C),
	  "say why dropping const is safe in a // CAST: comment" },
	{ "nolint_c", "\\bNOLINT", RA_COMMENT, RP_COMMENT, 0, 0, { "// JUSTIFIED:" }, L(RL_C),
	  "say why clang-tidy is wrong here in a // JUSTIFIED: comment" },
	{ "ts_ignore", "@ts-ignore", RA_COMMENT, RP_DIRECTIVE, 0, RD_TEXT, { "// JUSTIFIED:" }, L(RL_JS),
	  "fix the type error, or say why it is ignored after the directive (@ts-ignore: why)" },
	{ "ts_nocheck", "@ts-nocheck", RA_FORBID, RP_DIRECTIVE, 0, 0, { NULL }, L(RL_JS), "type-check the whole file" },
	{ "ts_expect_error", "@ts-expect-error", RA_COUNT, RP_DIRECTIVE, 0, 0, { NULL }, L(RL_JS),
	  "an expected type error: counted" },
	{ "biome_ignore", "biome-ignore", RA_COUNT, RP_DIRECTIVE, 0, 0, { NULL }, L(RL_JS),
	  "a silenced Biome rule (Biome requires its reason): counted" },
	{ "as_unknown", "\\bas\\s+unknown\\b", RA_COMMENT, RP_CODE, 0, 0, { "// CAST:" }, L(RL_JS),
	  "say why the double cast is safe in a // CAST: comment" },
	{ "eslint_disable", "eslint-disable", RA_COMMENT, RP_DIRECTIVE, 0, RD_DASHES, { "// JUSTIFIED:" }, L(RL_JS),
	  "say why the rule is silenced: a -- description or a // JUSTIFIED: comment" },
	{ "type_ignore", "#\\s*type:\\s*ignore", RA_COMMENT, RP_COMMENT, 0, 0, { "# JUSTIFIED:" }, L(RL_PY),
	  "say why the type error is ignored in a # JUSTIFIED: comment" },
	{ "noqa", "#\\s*noqa", RA_COMMENT, RP_COMMENT, 0, 0, { "# JUSTIFIED:" }, L(RL_PY),
	  "say why the lint is silenced in a # JUSTIFIED: comment" },
	{ "pylint_disable", "pylint:\\s*disable", RA_COMMENT, RP_COMMENT, 0, 0, { "# JUSTIFIED:" }, L(RL_PY),
	  "say why the check is silenced in a # JUSTIFIED: comment" },
	{ "eval", "(?<![\\w.])eval\\s*\\(", RA_COMMENT, RP_CODE, 0, 0, { "# EVAL:", "# JUSTIFIED:" }, L(RL_PY),
	  "eval() runs arbitrary code: parse the input, or say why in a # EVAL: comment" },
	{ "exec", "(?<![\\w.])exec\\s*\\(", RA_COMMENT, RP_CODE, 0, 0, { "# EXEC:", "# JUSTIFIED:" }, L(RL_PY),
	  "exec() runs arbitrary code: say why it is needed in a # EXEC: comment" },
	{ "dunder_import", "\\b__import__\\s*\\(", RA_COMMENT, RP_CODE, 0, 0, { "# DYNAMIC:", "# JUSTIFIED:" }, L(RL_PY),
	  "use importlib, or say why __import__ is needed in a # DYNAMIC: comment" },
	{ "breakpoint", "(?<![\\w.])breakpoint\\s*\\(", RA_FORBID, RP_CODE, 1, 0, { NULL }, L(RL_PY),
	  "remove the debugger breakpoint" },
	{ "pdb", "\\bpdb\\.set_trace\\s*\\(|^\\s*import\\s+pdb\\b|^\\s*from\\s+pdb\\s+import\\b", RA_FORBID, RP_CODE, 1, 0, { NULL }, L(RL_PY),
	  "remove the debugger" },
	{ "binding_pry", "binding\\.pry", RA_FORBID, RP_CODE, 1, 0, { NULL }, L(RL_RB), "remove the debugger breakpoint" },
	{ "byebug", "\\bbyebug\\b", RA_FORBID, RP_CODE, 1, 0, { NULL }, L(RL_RB), "remove the debugger breakpoint" },
	{ "debugger", "\\bdebugger\\b", RA_FORBID, RP_CODE, 1, 0, { NULL }, L(RL_RB), "remove the debugger breakpoint" },
	{ "ruby_eval", "(?<![\\w.])eval\\b", RA_COMMENT, RP_CODE, 0, 0, { "# METAPROGRAMMING:", "# JUSTIFIED:" }, L(RL_RB),
	  "say why eval is needed in a # METAPROGRAMMING: comment" },
	{ "instance_eval", "\\.(?:instance_eval|class_eval|module_eval)\\b", RA_COMMENT, RP_CODE, 0, 0, { "# METAPROGRAMMING:", "# JUSTIFIED:" }, L(RL_RB),
	  "say why the metaprogramming is needed in a # METAPROGRAMMING: comment" },
	{ "rubocop_disable", "rubocop:disable", RA_COMMENT, RP_DIRECTIVE, 0, 0, { "# JUSTIFIED:" }, L(RL_RB),
	  "say why the cop is silenced in a # JUSTIFIED: comment" },
	{ "shellcheck_disable", "#\\s*shellcheck\\s+disable=", RA_FORBID, RP_DIRECTIVE, 0, 0, { NULL }, L(RL_SH),
	  "fix the shellcheck finding instead of silencing it" },
	{ "set_plus_e", "\\bset\\s+\\+e\\b", RA_COMMENT, RP_CODE, 0, 0, { "# OK:" }, L(RL_SH),
	  "say why errors may be ignored here in a # OK: comment" },
	{ "shell_eval", "\\beval\\s", RA_COMMENT, RP_CODE, 0, 0, { "# OK:" }, L(RL_SH),
	  "say why eval is safe here in a # OK: comment" },
};
/* clang-format on */

static const char *const lang_names[RL_COUNT] = { "rust", "go", "c", "js", "python", "ruby", "shell", "other" };

int rules_has_marker(const struct rules_pattern *p, const char *text)
{
	size_t n = strlen(text);
	for (size_t k = 0; k < p->nmarkers; k++)
		if (p->mlen[k] == n && !strncasecmp(p->mtext[k], text, n))
			return 1;
	return 0;
}

const char *rules_lang_name(int lang)
{
	return lang >= 0 && lang < RL_COUNT ? lang_names[lang] : "?";
}

const char *rules_action_name(int action)
{
	return action == RA_COUNT ? "count" : action == RA_COMMENT ? "comment" : "forbid";
}

static void pattern_release(struct rules_pattern *p)
{
	free(p->name);
	free(p->regex);
	for (size_t i = 0; i < p->nmarkers; i++)
		free(p->markers[i]);
	free(p->markers);
	free(p->advice);
	for (size_t i = 0; i < p->nglobs; i++)
		free(p->globs[i]);
	free(p->globs);
	free(p->origin);
	pcre2_code_free(p->code);
	free(p->lit);
	for (size_t i = 0; p->mtext && i < p->nmarkers; i++)
		free(p->mtext[i]);
	free(p->mtext);
	free(p->mlen);
	memset(p, 0, sizeof(*p));
}

static void push_str(char ***v, size_t *n, const char *s)
{
	*v = xrealloc(*v, (*n + 1) * sizeof(**v));
	(*v)[(*n)++] = xstrdup(s);
}

static struct rules_pattern *add_pattern(struct rules *r, const char *name)
{
	ALLOC_GROW(r->pats, r->n + 1, r->alloc);
	struct rules_pattern *p = &r->pats[r->n++];
	memset(p, 0, sizeof(*p));
	p->name = xstrdup(name);
	p->place = RP_ANY; /* a pattern of the user's: everywhere, as rg finds it, unless 'in =' says */
	return p;
}

static struct rules_pattern *find_pattern(struct rules *r, const char *name)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->pats[i].name, name))
			return &r->pats[i];
	return NULL;
}

void rules_new(struct rules **out, int with_defaults)
{
	struct rules *r = xcalloc(1, sizeof(*r));
	if (with_defaults) {
		for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
			const struct dflt *d = &defaults[i];
			struct rules_pattern *p = add_pattern(r, d->name);
			p->regex = xstrdup(d->regex);
			p->action = d->action;
			p->place = d->place;
			p->in_tests = d->in_tests;
			p->desc = d->desc;
			p->requires = !strcmp(d->name, "eslint_disable") ? RT_ESLINT
				      : !strcmp(d->name, "biome_ignore") ? RT_BIOME
									 : 0;
			p->threshold = d->action == RA_COUNT ? RULES_NO_THRESHOLD : 0;
			for (size_t k = 0; k < 2 && d->markers[k]; k++)
				push_str(&p->markers, &p->nmarkers, d->markers[k]);
			p->advice = xstrdup(d->advice);
			p->langs = d->langs;
			p->origin = xstrdup("built-in");
		}
	}
	*out = r;
}

void rules_free(struct rules *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		pattern_release(&r->pats[i]);
	free(r->pats);
	for (int l = 0; l < RL_COUNT; l++)
		free(r->by_lang[l]);
	for (size_t i = 0; i < r->ntest_globs; i++)
		free(r->test_globs[i]);
	free(r->test_globs);
	free(r);
}

static int valid_name(const char *s, size_t n)
{
	if (!n || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_' && s[i] != '-' && s[i] != '.')
			return 0;
	return 1;
}

int rules_add_cli(struct rules *r, const char *spec)
{
	const char *eq = strchr(spec, '=');
	if (!eq || !valid_name(spec, (size_t)(eq - spec)) || !eq[1])
		return err_set(ERR_USAGE, "-e '%s': expected NAME=REGEX (NAME: letters, digits, '_', '-', '.')", spec);
	char *name = xmemdup(spec, (size_t)(eq - spec));
	if (find_pattern(r, name)) {
		int rc = err_set(ERR_USAGE, "-e '%s': a pattern named '%s' already exists", spec, name);
		free(name);
		return rc;
	}
	struct rules_pattern *p = add_pattern(r, name);
	free(name);
	p->regex = xstrdup(eq + 1);
	p->action = RA_COUNT;
	p->langs = (1u << RL_COUNT) - 1;
	p->advice = xstrdup("");
	p->origin = xstrdup("-e");
	return 0;
}

/* ---- config file ----------------------------------------------------------------------------- */

static int parse_lang(const char *s, size_t n)
{
	static const struct {
		const char *name;
		int lang;
	} names[] = {
		{ "rust", RL_RUST },     { "go", RL_GO },     { "c", RL_C },   { "cpp", RL_C },
		{ "c++", RL_C },         { "js", RL_JS },     { "ts", RL_JS }, { "javascript", RL_JS },
		{ "typescript", RL_JS }, { "python", RL_PY }, { "py", RL_PY }, { "ruby", RL_RB },
		{ "rb", RL_RB },         { "shell", RL_SH },  { "sh", RL_SH }, { "other", RL_OTHER },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strlen(names[i].name) == n && !memcmp(names[i].name, s, n))
			return names[i].lang;
	if (n == 3 && !memcmp(s, "all", 3))
		return RL_COUNT;
	return -1;
}

static int parse_bool(const char *v, int *out)
{
	if (!strcmp(v, "true") || !strcmp(v, "yes")) {
		*out = 1;
		return 0;
	}
	if (!strcmp(v, "false") || !strcmp(v, "no")) {
		*out = 0;
		return 0;
	}
	return -1;
}

/* A config value that names one of a few settings. */
struct word {
	const char *name;
	int value;
};

static int word_value(const struct word *w, size_t n, const char *val, int *out)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(w[i].name, val)) {
			*out = w[i].value;
			return 0;
		}
	return -1;
}

struct cfg_section {
	struct rules_pattern *p; /* the pattern being edited */
	unsigned line;
	int is_new, seen_regex, seen_action, seen_markers, seen_langs, seen_globs, seen_advice;
	int seen_threshold, seen_tests, seen_place, seen_desc, seen_requires, disabled;
	int tests; /* in the [tests] section */
};

static int finish_section(struct rules *r, struct cfg_section *s, const char *path)
{
	if (!s->p)
		return 0;
	struct rules_pattern *p = s->p;
	if (s->disabled) {
		size_t i = (size_t)(p - r->pats);
		pattern_release(p);
		memmove(&r->pats[i], &r->pats[i + 1], (r->n - i - 1) * sizeof(*p));
		r->n--;
		s->p = NULL;
		return 0;
	}
	if (s->is_new && !s->seen_regex)
		return err_set(ERR_CONFIG, "%s:%u: pattern '%s' has no regex: add 'regex = ...'", path, s->line,
			       p->name);
	if (s->is_new && !s->seen_action)
		return err_set(ERR_CONFIG,
			       "%s:%u: pattern '%s' has no action: add 'action = "
			       "count|comment|forbid'",
			       path, s->line, p->name);
	if (p->action == RA_COMMENT && !p->nmarkers)
		return err_set(ERR_CONFIG, "%s:%u: pattern '%s' has action comment but no 'comment = MARKER'", path,
			       s->line, p->name);
	if (!p->langs && !p->nglobs)
		return err_set(ERR_CONFIG,
			       "%s:%u: pattern '%s' applies to no file: add 'langs = ...' "
			       "or 'globs = ...'",
			       path, s->line, p->name);
	if (!p->advice)
		p->advice = xstrdup("");
	s->p = NULL;
	return 0;
}

/* Splits a whitespace-separated list; calls fn for each word. */
static int each_word(const char *v, int (*fn)(void *, const char *, size_t), void *ctx)
{
	const char *s = v;
	while (*s) {
		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		const char *e = s;
		while (*e && *e != ' ' && *e != '\t' && *e != ',')
			e++;
		if (e > s) {
			int rc = fn(ctx, s, (size_t)(e - s));
			if (rc)
				return rc;
		}
		s = e;
	}
	return 0;
}

static int add_lang_word(void *ctx, const char *w, size_t n)
{
	struct rules_pattern *p = ctx;
	int l = parse_lang(w, n);
	if (l < 0)
		return -1;
	p->langs |= l == RL_COUNT ? (1u << RL_COUNT) - 1 : 1u << l;
	return 0;
}

static int add_tool_word(void *ctx, const char *w, size_t n)
{
	struct rules_pattern *p = ctx;
	if (n == 6 && !memcmp(w, "eslint", 6))
	p->requires |= RT_ESLINT;
	else if (n == 5 && !memcmp(w, "biome", 5)) p->requires |= RT_BIOME;
	else if (!(n == 4 && !memcmp(w, "none", 4))) return -1;
	return 0;
}

static int add_glob_word(void *ctx, const char *w, size_t n)
{
	struct rules_pattern *p = ctx;
	char *g = xmemdup(w, n);
	push_str(&p->globs, &p->nglobs, g);
	free(g);
	return 0;
}

static int set_key(struct cfg_section *s, const char *key, const char *val, const char *path, unsigned line)
{
	struct rules_pattern *p = s->p;
	int b;
#define ONCE(flag)                                                                                              \
	do {                                                                                                    \
		if (flag)                                                                                       \
			return err_set(ERR_CONFIG, "%s:%u: '%s' given twice for pattern '%s'", path, line, key, \
				       p->name);                                                                \
		flag = 1;                                                                                       \
	} while (0)
	if (!strcmp(key, "regex")) {
		ONCE(s->seen_regex);
		if (!*val)
			return err_set(ERR_CONFIG, "%s:%u: empty regex", path, line);
		free(p->regex);
		p->regex = xstrdup(val);
		free(p->origin);
		struct sbuf o = SBUF_INIT;
		sbuf_addf(&o, "%s:%u", path, line);
		p->origin = sbuf_detach(&o, NULL);
	} else if (!strcmp(key, "action")) {
		ONCE(s->seen_action);
		if (!strcmp(val, "count"))
			p->action = RA_COUNT;
		else if (!strcmp(val, "comment"))
			p->action = RA_COMMENT;
		else if (!strcmp(val, "forbid"))
			p->action = RA_FORBID;
		else
			return err_set(ERR_CONFIG, "%s:%u: unknown action '%s': use count, comment or forbid", path,
				       line, val);
	} else if (!strcmp(key, "comment")) {
		if (!s->seen_markers) {
			for (size_t i = 0; i < p->nmarkers; i++)
				free(p->markers[i]);
			p->nmarkers = 0;
			s->seen_markers = 1;
		}
		if (!*val)
			return err_set(ERR_CONFIG, "%s:%u: empty comment marker", path, line);
		push_str(&p->markers, &p->nmarkers, val);
	} else if (!strcmp(key, "threshold")) {
		ONCE(s->seen_threshold);
		if (!strcmp(val, "none")) {
			p->threshold = RULES_NO_THRESHOLD;
			return 0;
		}
		char *end;
		errno = 0;
		unsigned long t = strtoul(val, &end, 10);
		if (!*val || *end || errno || t > 1000000000ul || val[0] == '-')
			return err_set(ERR_CONFIG,
				       "%s:%u: threshold '%s' is not 'none' or a number from 0 to 1000000000", path,
				       line, val);
		p->threshold = (unsigned)t;
	} else if (!strcmp(key, "in")) {
		ONCE(s->seen_place);
		static const struct word places[] = {
			{ "code", RP_CODE }, { "comment", RP_COMMENT }, { "directive", RP_DIRECTIVE }, { "any", RP_ANY }
		};
		if (word_value(places, sizeof(places) / sizeof(places[0]), val, &p->place))
			return err_set(ERR_CONFIG, "%s:%u: in = '%s': use code, comment, directive or any", path, line,
				       val);
	} else if (!strcmp(key, "requires")) {
		ONCE(s->seen_requires);
		p->requires = 0;
		if (each_word(val, add_tool_word, p))
			return err_set(ERR_CONFIG, "%s:%u: requires = '%s': use eslint, biome or none", path, line,
				       val);
	} else if (!strcmp(key, "description")) {
		ONCE(s->seen_desc);
		static const struct word descs[] = {
			{ "none", RD_NONE }, { "--", RD_DASHES }, { "//", RD_SLASHES }, { "text", RD_TEXT }
		};
		if (word_value(descs, sizeof(descs) / sizeof(descs[0]), val, &p->desc))
			return err_set(ERR_CONFIG, "%s:%u: description = '%s': use none, --, // or text", path, line,
				       val);
	} else if (!strcmp(key, "advice")) {
		ONCE(s->seen_advice);
		free(p->advice);
		p->advice = xstrdup(val);
	} else if (!strcmp(key, "langs")) {
		ONCE(s->seen_langs);
		p->langs = 0;
		if (each_word(val, add_lang_word, p))
			return err_set(ERR_CONFIG,
				       "%s:%u: unknown language in '%s': use rust, go, c, js, "
				       "python, ruby, shell, "
				       "other or all",
				       path, line, val);
	} else if (!strcmp(key, "globs")) {
		ONCE(s->seen_globs);
		for (size_t i = 0; i < p->nglobs; i++)
			free(p->globs[i]);
		p->nglobs = 0;
		each_word(val, add_glob_word, p);
	} else if (!strcmp(key, "tests")) {
		ONCE(s->seen_tests);
		if (parse_bool(val, &b))
			return err_set(ERR_CONFIG, "%s:%u: tests = '%s': use true or false", path, line, val);
		p->in_tests = b;
	} else if (!strcmp(key, "disable")) {
		if (parse_bool(val, &b))
			return err_set(ERR_CONFIG, "%s:%u: disable = '%s': use true or false", path, line, val);
		s->disabled = b;
	} else {
		return err_set(ERR_CONFIG,
			       "%s:%u: unknown key '%s': use regex, action, comment, "
			       "threshold, in, description, requires, advice, langs, globs, "
			       "tests or disable",
			       path, line, key);
	}
#undef ONCE
	return 0;
}

static int add_test_glob(void *ctx, const char *w, size_t n)
{
	struct rules *r = ctx;
	char *g = xmemdup(w, n);
	push_str(&r->test_globs, &r->ntest_globs, g);
	free(g);
	return 0;
}

/* [tests]: globs = PATTERN... (repeatable) adds test code by path. */
static int set_tests_key(struct rules *r, const char *key, const char *val, const char *path, unsigned line)
{
	if (strcmp(key, "globs"))
		return err_set(ERR_CONFIG, "%s:%u: unknown key '%s' in [tests]: use globs", path, line, key);
	if (r->ntest_globs > 4096)
		return err_set(ERR_CONFIG, "%s:%u: more than 4096 test globs", path, line);
	return each_word(val, add_test_glob, r);
}

int rules_parse_config(struct rules *r, const char *text, size_t len, const char *path)
{
	struct cfg_section s = { 0 };
	unsigned line = 0;
	size_t pos = 0;
	int rc = 0;
	char *buf = NULL;
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		pos = 3;
	while (pos < len) {
		line++;
		const char *ls = text + pos;
		const char *nl = memchr(ls, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - ls) : len - pos;
		pos += n + 1;
		if (n && ls[n - 1] == '\r')
			n--;
		if (memchr(ls, '\0', n)) {
			rc = err_set(ERR_CONFIG, "%s:%u: NUL byte in the config file", path, line);
			goto out;
		}
		size_t i = 0;
		while (i < n && (ls[i] == ' ' || ls[i] == '\t'))
			i++;
		while (n > i && (ls[n - 1] == ' ' || ls[n - 1] == '\t'))
			n--;
		if (i == n || ls[i] == '#' || ls[i] == ';')
			continue;
		if (ls[i] == '[') {
			if ((rc = finish_section(r, &s, path)))
				goto out;
			if (n - i == 7 && !memcmp(ls + i, "[tests]", 7)) {
				memset(&s, 0, sizeof(s));
				s.tests = 1;
				continue;
			}
			const char *kw = "[pattern ";
			size_t kl = strlen(kw);
			if (n - i < kl + 2 || memcmp(ls + i, kw, kl) || ls[n - 1] != ']') {
				rc = err_set(ERR_CONFIG, "%s:%u: expected a section '[pattern NAME]' or '[tests]'",
					     path, line);
				goto out;
			}
			const char *nm = ls + i + kl;
			size_t nn = (size_t)(ls + n - 1 - nm);
			while (nn && (*nm == ' ' || *nm == '\t'))
				nm++, nn--;
			while (nn && (nm[nn - 1] == ' ' || nm[nn - 1] == '\t'))
				nn--;
			if (!valid_name(nm, nn)) {
				rc = err_set(ERR_CONFIG,
					     "%s:%u: bad pattern name: use 1-64 letters, digits, '_', "
					     "'-' or '.'",
					     path, line);
				goto out;
			}
			char *name = xmemdup(nm, nn);
			memset(&s, 0, sizeof(s));
			s.line = line;
			s.p = find_pattern(r, name);
			if (!s.p) {
				s.p = add_pattern(r, name);
				s.is_new = 1;
				struct sbuf o = SBUF_INIT;
				sbuf_addf(&o, "%s:%u", path, line);
				s.p->origin = sbuf_detach(&o, NULL);
			}
			free(name);
			continue;
		}
		const char *eq = memchr(ls + i, '=', n - i);
		if (!eq) {
			rc = err_set(ERR_CONFIG, "%s:%u: expected 'key = value'", path, line);
			goto out;
		}
		if (!s.p && !s.tests) {
			rc = err_set(ERR_CONFIG, "%s:%u: 'key = value' outside a '[pattern NAME]' section", path, line);
			goto out;
		}
		size_t ke = (size_t)(eq - ls);
		while (ke > i && (ls[ke - 1] == ' ' || ls[ke - 1] == '\t'))
			ke--;
		size_t vs = (size_t)(eq - ls) + 1;
		while (vs < n && (ls[vs] == ' ' || ls[vs] == '\t'))
			vs++;
		/* 'text' keeps leading and trailing spaces; nothing inside is escaped */
		size_t ve = n;
		if (ve - vs >= 2 && ls[vs] == '\'' && ls[ve - 1] == '\'')
			vs++, ve--;
		free(buf);
		buf = xmalloc(n + 2);
		memcpy(buf, ls + i, ke - i);
		buf[ke - i] = '\0';
		char *val = buf + (ke - i) + 1;
		memcpy(val, ls + vs, ve - vs);
		val[ve - vs] = '\0';
		if (!*buf) {
			rc = err_set(ERR_CONFIG, "%s:%u: missing key before '='", path, line);
			goto out;
		}
		if ((rc = s.tests ? set_tests_key(r, buf, val, path, line) : set_key(&s, buf, val, path, line)))
			goto out;
	}
	rc = finish_section(r, &s, path);
	if (!rc && r->n > RULES_MAX_PATTERNS)
		rc = err_set(ERR_CONFIG, "%s: more than %d patterns", path, RULES_MAX_PATTERNS);
out:
	free(buf);
	return rc;
}

int rules_load_config(struct rules *r, const char *path)
{
	struct sbuf text = SBUF_INIT;
	int rc = sbuf_read_at(&text, AT_FDCWD, path, CONFIG_MAX);
	if (rc == -1)
		rc = err_errno("unable to open config '%s'", path);
	else if (rc == -2)
		rc = err_set(ERR_CONFIG, "%s: not a regular file of at most %u bytes", path, CONFIG_MAX);
	else
		rc = rules_parse_config(r, text.buf, text.len, path);
	sbuf_release(&text);
	return rc;
}

/* ---- literal prefilter ----------------------------------------------------------------------- */

/* Index just past the group or class starting at s[i] ('(' or '['), or 0 when
 * unbalanced. */
static size_t skip_class(const char *s, size_t i)
{
	i++;
	if (s[i] == '^')
		i++;
	if (s[i] == ']')
		i++;
	while (s[i]) {
		if (s[i] == '\\' && s[i + 1])
			i += 2;
		else if (s[i] == '[' && s[i + 1] == ':') {
			const char *e = strstr(s + i + 2, ":]");
			if (!e)
				return 0;
			i = (size_t)(e - s) + 2;
		} else if (s[i] == ']')
			return i + 1;
		else
			i++;
	}
	return 0;
}

static size_t skip_group(const char *s, size_t i)
{
	int depth = 0;
	while (s[i]) {
		if (s[i] == '\\' && s[i + 1])
			i += 2;
		else if (s[i] == '[') {
			i = skip_class(s, i);
			if (!i)
				return 0;
		} else if (s[i] == '(') {
			depth++;
			i++;
		} else if (s[i] == ')') {
			i++;
			if (--depth == 0)
				return i;
		} else
			i++;
	}
	return 0;
}

/* Parses {n}, {n,} or {n,m} at s[i]; returns its length and the minimum, or 0
 * if not a quantifier. */
static size_t brace_quant(const char *s, size_t i, unsigned long *min)
{
	size_t j = i + 1;
	if (!isdigit((unsigned char)s[j]))
		return 0;
	*min = 0;
	while (isdigit((unsigned char)s[j])) {
		if (*min < 100000)
			*min = *min * 10 + (unsigned long)(s[j] - '0');
		j++;
	}
	if (s[j] == ',') {
		j++;
		while (isdigit((unsigned char)s[j]))
			j++;
	}
	return s[j] == '}' ? j + 1 - i : 0;
}

size_t rules_required_literal(const char *re, char *out, size_t cap)
{
	char cur[256], best[256];
	size_t nc = 0, nb = 0;
	int last_lit = 0; /* the previous atom is the last byte of cur */
	for (const char *q = re; *q; q++)
		if ((unsigned char)*q >= 0x80)
			return 0;
	if (strstr(re, "(?") &&
	    (strstr(re, "(?i") || strstr(re, "(?x") || strstr(re, "(?-") || strstr(re, "(?|") || strstr(re, "(?^")))
		return 0;
	/* a leading option setting like (*UTF) or (*CRLF) changes the meaning of everything */
	if (re[0] == '(' && re[1] == '*')
		return 0;
#define FLUSH()                                \
	do {                                   \
		if (nc > nb) {                 \
			memcpy(best, cur, nc); \
			nb = nc;               \
		}                              \
		nc = 0;                        \
		last_lit = 0;                  \
	} while (0)
	size_t i = 0;
	while (re[i]) {
		char c = re[i];
		unsigned long min;
		size_t ql = 0;
		if (c == '|' || c == ')')
			return 0; /* alternation at the top level: no literal is required */
		if (c == '\\') {
			char d = re[i + 1];
			if (!d)
				return 0;
			if (isalnum((unsigned char)d)) {
				/* classes, assertions, back-references, \Q, \x..: not literal text */
				if (strchr("QExpPgkNocu", d))
					return 0;
				FLUSH();
				i += 2;
				continue;
			}
			if (nc == sizeof(cur))
				FLUSH();
			cur[nc++] = d;
			last_lit = 1;
			i += 2;
			continue;
		}
		if (c == '*' || c == '?' || (c == '{' && (ql = brace_quant(re, i, &min)) && min == 0)) {
			if (last_lit && nc)
				nc--;
			FLUSH();
			i += c == '{' ? ql : 1;
			if (re[i] == '?' || re[i] == '+')
				i++;
			continue;
		}
		if (c == '+' || (c == '{' && (ql = brace_quant(re, i, &min)))) {
			FLUSH();
			i += c == '{' ? ql : 1;
			if (re[i] == '?' || re[i] == '+')
				i++;
			continue;
		}
		if (c == '.' || c == '^' || c == '$') {
			FLUSH();
			i++;
			continue;
		}
		if (c == '[' || c == '(') {
			FLUSH();
			size_t e = c == '[' ? skip_class(re, i) : skip_group(re, i);
			if (!e)
				return 0;
			i = e;
			continue;
		}
		if (nc == sizeof(cur))
			FLUSH();
		cur[nc++] = c;
		last_lit = 1;
		i++;
	}
	FLUSH();
#undef FLUSH
	if (nb > cap)
		nb = cap;
	memcpy(out, best, nb);
	return nb;
}

/* How common a byte is in source code (higher: rarer). The prefilter looks for the rarest byte of a
 * pattern's literal with memchr, which runs at memory speed, and checks the literal around each hit. */
static int rarity(unsigned char c)
{
	static const char common[] = " e\tntaiosrl\ncdupm_.()f,;hgb=yw\"v/k*:-{}x";
	const char *q = c ? strchr(common, c) : NULL;
	if (q)
		return (int)(q - common);
	if (isupper(c) || isdigit(c) || c == '[' || c == ']' || c == '\'' || c == '<' || c == '>')
		return 60;
	return 80; /* # @ ! ? $ % ^ ~ ` | and bytes beyond ASCII */
}

/* ---- compilation ----------------------------------------------------------------------------- */

/* A marker's text without its comment leader: "// SAFETY:" -> "SAFETY:" (docs/patterns.md, "The
 * comment rule"); the scanner compares it with the start of a comment's text. */
static void normalise_markers(struct rules_pattern *p)
{
	static const char *const leaders[] = { "///", "//!", "//", "/*", "#", "*" };
	p->mtext = xcalloc(p->nmarkers ? p->nmarkers : 1, sizeof(*p->mtext));
	p->mlen = xcalloc(p->nmarkers ? p->nmarkers : 1, sizeof(*p->mlen));
	for (size_t k = 0; k < p->nmarkers; k++) {
		const char *m = p->markers[k];
		while (*m == ' ' || *m == '\t')
			m++;
		for (size_t l = 0; l < sizeof(leaders) / sizeof(leaders[0]); l++)
			if (!strncmp(m, leaders[l], strlen(leaders[l]))) {
				m += strlen(leaders[l]);
				break;
			}
		while (*m == ' ' || *m == '\t')
			m++;
		size_t n = strlen(m);
		if (!n) /* a marker that is only a leader: the comment itself justifies */
			m = p->markers[k], n = strlen(m);
		p->mtext[k] = xmemdup(m, n);
		p->mlen[k] = n;
	}
}

static void digest_str(XXH3_state_t *st, const char *s)
{
	XXH3_128bits_update(st, s ? s : "", s ? strlen(s) + 1 : 1);
}

int rules_compile(struct rules *r, uint64_t max_filesize, int binary)
{
	r->max_filesize = max_filesize;
	r->binary = binary;
	if (r->n > RULES_MAX_PATTERNS)
		return err_set(ERR_CONFIG, "more than %d patterns", RULES_MAX_PATTERNS);
	for (size_t i = 0; i < r->n; i++) {
		struct rules_pattern *p = &r->pats[i];
		int ec;
		PCRE2_SIZE eo;
		p->code = pcre2_compile((PCRE2_SPTR)p->regex, PCRE2_ZERO_TERMINATED,
					PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | PCRE2_MULTILINE | PCRE2_ALT_CIRCUMFLEX |
						PCRE2_USE_OFFSET_LIMIT,
					&ec, &eo, NULL);
		if (!p->code) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			return err_set(ERR_CONFIG, "%s: pattern '%s': regex error at offset %zu: %s", p->origin,
				       p->name, (size_t)eo, (const char *)msg);
		}
		normalise_markers(p);
		size_t rl = strlen(p->regex);
		p->opens_block = rl >= 2 && p->regex[rl - 2] == '\\' && p->regex[rl - 1] == '{';
		p->safety = p->action == RA_COMMENT && rules_has_marker(p, "SAFETY:");
		/* JIT failure (no executable memory, an unsupported build) falls back to the interpreter */
		(void)pcre2_jit_compile(p->code, PCRE2_JIT_COMPLETE);
		char lit[256];
		size_t n = rules_required_literal(p->regex, lit, sizeof(lit));
		if (n) {
			p->lit = xmemdup(lit, n);
			p->litlen = n;
			p->rare = 0;
			for (size_t k = 1; k < n; k++)
				if (rarity((unsigned char)lit[k]) > rarity((unsigned char)lit[p->rare]))
					p->rare = k;
			p->rare2 = p->rare;
			for (size_t k = 0; k < n; k++) /* another byte value where there is one */
				if (k != p->rare &&
				    (p->rare2 == p->rare || lit[p->rare2] == lit[p->rare] ||
				     (lit[k] != lit[p->rare] &&
				      rarity((unsigned char)lit[k]) > rarity((unsigned char)lit[p->rare2]))))
					p->rare2 = k;
		}
	}
	for (int l = 0; l < RL_COUNT; l++) {
		free(r->by_lang[l]);
		r->by_lang[l] = xmalloc((r->n + 1) * sizeof(uint16_t));
		r->nby_lang[l] = 0;
		for (size_t i = 0; i < r->n; i++)
			if (!r->pats[i].nglobs && (r->pats[i].langs & (1u << l)))
				r->by_lang[l][r->nby_lang[l]++] = (uint16_t)i;
	}
	r->has_globs = 0;
	r->tools_used = 0;
	for (size_t i = 0; i < r->n; i++) {
		r->has_globs |= r->pats[i].nglobs > 0;
		r->tools_used |= r->pats[i].requires;
	}

	XXH3_state_t *st = XXH3_createState();
	if (!st)
		return err_set(ERR_GENERIC, "out of memory");
	XXH3_128bits_reset(st);
	digest_str(st, "walker rules " WALKER_VERSION " test-paths-2 comment-rule-2 lexer-1 lines-2");
	for (size_t i = 0; i < r->n; i++) {
		const struct rules_pattern *p = &r->pats[i];
		char num[64];
		snprintf(num, sizeof(num), "%d %u %u %d %d %d %u", p->action, p->threshold, p->langs, p->in_tests,
			 p->place, p->desc, p->requires);
		digest_str(st, p->name);
		digest_str(st, p->regex);
		digest_str(st, num);
		for (size_t k = 0; k < p->nmarkers; k++)
			digest_str(st, p->markers[k]);
		digest_str(st, "\x01");
		for (size_t k = 0; k < p->nglobs; k++)
			digest_str(st, p->globs[k]);
		digest_str(st, "\x02");
		digest_str(st, p->advice);
	}
	for (size_t k = 0; k < r->ntest_globs; k++)
		digest_str(st, r->test_globs[k]);
	char tail[64];
	snprintf(tail, sizeof(tail), "%llu %d", (unsigned long long)max_filesize, binary);
	digest_str(st, tail);
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, XXH3_128bits_digest(st));
	memcpy(r->digest, c.digest, 16);
	XXH3_freeState(st);
	r->compiled = 1;
	return 0;
}

/* ---- path classes ---------------------------------------------------------------------------- */

static int ends_with(const char *s, size_t n, const char *suf)
{
	size_t k = strlen(suf);
	return n >= k && !memcmp(s + n - k, suf, k);
}

static int lang_of_ext(const char *ext, size_t n)
{
	static const struct {
		const char *ext;
		int lang;
	} map[] = {
		{ "rs", RL_RUST }, { "go", RL_GO },  { "c", RL_C },    { "h", RL_C },   { "cc", RL_C },
		{ "cpp", RL_C },   { "hpp", RL_C },  { "cxx", RL_C },  { "hh", RL_C },  { "ts", RL_JS },
		{ "tsx", RL_JS },  { "mts", RL_JS }, { "cts", RL_JS }, { "js", RL_JS }, { "jsx", RL_JS },
		{ "mjs", RL_JS },  { "cjs", RL_JS }, { "py", RL_PY },  { "rb", RL_RB }, { "sh", RL_SH },
		{ "bash", RL_SH },
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (strlen(map[i].ext) == n && !memcmp(map[i].ext, ext, n))
			return map[i].lang;
	return RL_OTHER;
}

/* A test directory: tests, test, __tests__, benches, and the test inputs testdata (Go's), test_cases
 * and fixtures (docs/patterns.md, "Test code"). */
static int test_dir(const char *c, size_t k)
{
	static const char *const dirs[] = { "tests",    "test",       "__tests__", "benches",
					    "testdata", "test_cases", "fixtures" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strlen(dirs[i]) == k && !memcmp(c, dirs[i], k))
			return 1;
	return 0;
}

/* A test file by its name: name is the file name without ext, ext its extension (no dot). */
static int test_name(const char *base, size_t bn, const char *ext, size_t en, int lang)
{
	size_t stem = en ? bn - en - 1 : bn;
	switch (lang) {
	case RL_GO:
		return ends_with(base, stem, "_test");
	case RL_PY:
		return (stem > 5 && !memcmp(base, "test_", 5)) || ends_with(base, stem, "_test") ||
		       (stem == 8 && !memcmp(base, "conftest", 8));
	case RL_RUST:
		return ends_with(base, stem, "_test") || ends_with(base, stem, "_tests");
	case RL_RB:
		return ends_with(base, stem, "_spec");
	case RL_JS:
		return ends_with(base, stem, ".test") || ends_with(base, stem, ".spec") ||
		       ends_with(base, stem, "_test");
	default:
		(void)ext;
		return 0;
	}
}

/* A glob of [tests]: a name or path pattern as in gitignore; one ending in '/' names directories
 * whose files are all test code ("t/", "/integration/"). */
static int match_test_glob(const struct rules *r, const char *path, size_t base_off)
{
	if (!r || !r->ntest_globs)
		return 0;
	char *dir = xmemdup(path, base_off); /* the directories, each tried as a prefix */
	int hit = 0;
	for (size_t g = 0; g < r->ntest_globs && !hit; g++) {
		const char *gl = r->test_globs[g];
		size_t gn = strlen(gl);
		int anchored = gl[0] == '/' || memchr(gl, '/', gn - 1) != NULL;
		const char *pat = gl[0] == '/' ? gl + 1 : gl;
		if (gl[gn - 1] != '/') {
			hit = ign_wildmatch(pat, anchored ? path : path + base_off, 1, 0);
			continue;
		}
		char *dpat = xmemdup(pat, strlen(pat) - 1);
		size_t s = 0;
		for (size_t i = 0; i < base_off && !hit; i++) {
			if (dir[i] != '/')
				continue;
			dir[i] = '\0';
			hit = ign_wildmatch(dpat, anchored ? dir : dir + s, 1, 0);
			dir[i] = '/';
			s = i + 1;
		}
		free(dpat);
	}
	free(dir);
	return hit;
}

void rules_classify(const struct rules *r, const char *path, size_t len, size_t base_off, struct rules_class *out)
{
	const char *base = path + base_off;
	size_t bn = len - base_off;
	const char *dot = NULL;
	for (size_t i = bn; i-- > 0;)
		if (base[i] == '.') {
			dot = base + i;
			break;
		}
	size_t en = dot && dot > base ? (size_t)(base + bn - dot - 1) : 0;
	out->lang = (uint8_t)(en ? lang_of_ext(dot + 1, en) : RL_OTHER);
	out->test = 0;
	size_t s = 0;
	for (size_t i = 0; i < base_off; i++) {
		if (path[i] != '/')
			continue;
		/* Rust's examples/ are cargo example targets, built by cargo test, never the library */
		if (test_dir(path + s, i - s) ||
		    (out->lang == RL_RUST && i - s == 8 && !memcmp(path + s, "examples", 8))) {
			out->test = 1;
			out->tools = 0;
			return;
		}
		s = i + 1;
	}
	out->test = (uint8_t)(test_name(base, bn, en ? dot + 1 : NULL, en, out->lang) ||
			      match_test_glob(r, path, base_off));
	out->tools = 0; /* the walk knows the directory: it sets them */
}

static const struct {
	const char *name;
	unsigned tool;
} tool_files[] = {
	{ ".eslintrc", RT_ESLINT },        { ".eslintrc.js", RT_ESLINT },      { ".eslintrc.cjs", RT_ESLINT },
	{ ".eslintrc.json", RT_ESLINT },   { ".eslintrc.yml", RT_ESLINT },     { ".eslintrc.yaml", RT_ESLINT },
	{ "eslint.config.js", RT_ESLINT }, { "eslint.config.mjs", RT_ESLINT }, { "eslint.config.cjs", RT_ESLINT },
	{ "eslint.config.ts", RT_ESLINT }, { "eslint.config.mts", RT_ESLINT }, { "eslint.config.cts", RT_ESLINT },
	{ "biome.json", RT_BIOME },        { "biome.jsonc", RT_BIOME },
};

unsigned rules_tool_of_name(const char *name, size_t len)
{
	if (len < 9 || (name[0] != '.' && name[0] != 'e' && name[0] != 'b')) /* the common case, at once */
		return 0;
	for (size_t i = 0; i < sizeof(tool_files) / sizeof(tool_files[0]); i++)
		if (strlen(tool_files[i].name) == len && !memcmp(tool_files[i].name, name, len))
			return tool_files[i].tool;
	return 0;
}

/* Is the entry name of d_type type in dirfd a file, as a configuration must be? */
static int config_is_file(int dirfd, const char *name, unsigned char type)
{
	struct stat st;
	if (type == DT_REG)
		return 1;
	return (type == DT_UNKNOWN || type == DT_LNK) && !fstatat(dirfd, name, &st, 0) && S_ISREG(st.st_mode);
}

unsigned rules_tool_of_entry(int dirfd, const char *name, size_t len, unsigned char type)
{
	unsigned tool = rules_tool_of_name(name, len);
	return tool && config_is_file(dirfd, name, type) ? tool : 0;
}

unsigned rules_tools_in_dir(int dirfd)
{
	unsigned tools = 0;
	for (size_t i = 0; i < sizeof(tool_files) / sizeof(tool_files[0]); i++)
		if (!(tools & tool_files[i].tool) && config_is_file(dirfd, tool_files[i].name, DT_UNKNOWN))
			tools |= tool_files[i].tool;
	return tools;
}

int rules_maybe_script(const char *path, size_t len, size_t base_off, const struct rules_class *c)
{
	return c->lang == RL_OTHER && !memchr(path + base_off, '.', len - base_off);
}

int rules_lang_of_shebang(const char *buf, size_t len)
{
	static const struct {
		const char *name;
		int lang;
	} interp[] = { { "sh", RL_SH },   { "bash", RL_SH },   { "dash", RL_SH },    { "zsh", RL_SH },
		       { "ksh", RL_SH },  { "python", RL_PY }, { "python2", RL_PY }, { "python3", RL_PY },
		       { "ruby", RL_RB }, { "node", RL_JS },   { "nodejs", RL_JS },  { "deno", RL_JS } };
	if (len < 3 || buf[0] != '#' || buf[1] != '!')
		return RL_OTHER;
	const char *e = memchr(buf, '\n', len < 256 ? len : 256);
	size_t n = e ? (size_t)(e - buf) : (len < 256 ? len : 256);
	size_t i = 2;
	for (int word = 0; word < 3; word++) {
		while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
			i++;
		size_t ws = i;
		while (i < n && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r')
			i++;
		if (i == ws)
			return RL_OTHER;
		const char *slash = memrchr(buf + ws, '/', i - ws);
		const char *w = slash ? slash + 1 : buf + ws;
		size_t wn = (size_t)(buf + i - w);
		if (wn == 3 && !memcmp(w, "env", 3))
			continue; /* #!/usr/bin/env [-S] NAME */
		if (wn == 2 && !memcmp(w, "-S", 2))
			continue;
		for (size_t k = 0; k < sizeof(interp) / sizeof(interp[0]); k++)
			if (strlen(interp[k].name) == wn && !memcmp(interp[k].name, w, wn))
				return interp[k].lang;
		/* python3.11 and the like */
		if (wn > 6 && !memcmp(w, "python", 6) && (w[6] == '3' || w[6] == '2'))
			return RL_PY;
		return RL_OTHER;
	}
	return RL_OTHER;
}

/* Drop the patterns whose tools are not configured where the file is. */
static size_t keep_configured(const struct rules *r, const struct rules_class *c, uint16_t *idx, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		if ((r->pats[idx[i]].requires & c->tools) == r->pats[idx[i]].requires)
			idx[k++] = idx[i];
	return k;
}

size_t rules_applicable(const struct rules *r, const char *path, size_t len, size_t base_off,
			const struct rules_class *c, uint16_t *idx)
{
	size_t n = r->nby_lang[c->lang];
	memcpy(idx, r->by_lang[c->lang], n * sizeof(*idx));
	if (!r->has_globs)
		return r->tools_used ? keep_configured(r, c, idx, n) : n;
	(void)len;
	for (size_t i = 0; i < r->n; i++) {
		const struct rules_pattern *p = &r->pats[i];
		if (!p->nglobs)
			continue;
		for (size_t g = 0; g < p->nglobs; g++) {
			const char *gl = p->globs[g];
			int hit = strchr(gl, '/') ? ign_wildmatch(gl[0] == '/' ? gl + 1 : gl, path, 1, 0)
						  : ign_wildmatch(gl, path + base_off, 1, 0);
			if (hit) {
				idx[n++] = (uint16_t)i;
				break;
			}
		}
	}
	/* keep rule order: merge the glob patterns into place */
	for (size_t a = 1; a < n; a++) {
		uint16_t v = idx[a];
		size_t b = a;
		while (b > 0 && idx[b - 1] > v) {
			idx[b] = idx[b - 1];
			b--;
		}
		idx[b] = v;
	}
	return r->tools_used ? keep_configured(r, c, idx, n) : n;
}
