/* truth: the default escape rules as the ground truth models them (truth.h). */
#include "truth.h"

#include <string.h>

#include "fx.h"
#include "banned.h"

#define MK(m) ((uint16_t)(1u << MK_##m))
#define MK2(a, b) ((uint16_t)(MK(a) | MK(b)))

/* The default pattern table of docs/fixtures.md ("Escape rules the ground truth assumes"). */
static const struct truth_pat rust_pats[] = {
	{ "unsafe", IN_CODE, ACT_COMMENT, 0, MK(SAFETY) },
	{ "unsafe_impl", IN_CODE, ACT_COMMENT, 0, MK(SAFETY) },
	{ "transmute", IN_CODE, ACT_COMMENT, 0, MK(SAFETY) },
	{ "unwrap", IN_CODE, ACT_COUNT, 0, 0 },
	{ "expect", IN_CODE, ACT_COUNT, 0, 0 },
	{ "allow", IN_CODE, ACT_COMMENT, 0, MK(JUSTIFIED) },
	{ "cfg_attr_allow", IN_CODE, ACT_COMMENT, 0, MK(JUSTIFIED) },
};

static const struct truth_pat go_pats[] = {
	{ "unsafe_pointer", IN_CODE, ACT_COMMENT, 0, MK(SAFETY) },
	{ "linkname", IN_COMMENT, ACT_COMMENT, 0, MK(LINKNAME) },
	{ "noescape", IN_COMMENT, ACT_COMMENT, 0, MK(NOESCAPE) },
	{ "nolint", IN_COMMENT, ACT_COMMENT, 0, MK(NOLINT) },
};

static const struct truth_pat c_pats[] = {
	{ "gets", IN_CODE, ACT_FORBID, 0, 0 },
	{ "pragma_ignored", IN_CODE, ACT_COMMENT, 0, MK(JUSTIFIED) },
	{ "const_cast", IN_CODE, ACT_COMMENT, 0, MK(CAST) },
	{ "nolint_c", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
};

static const struct truth_pat js_pats[] = {
	{ "ts_ignore", IN_COMMENT, ACT_FORBID, 0, 0 },
	{ "ts_nocheck", IN_COMMENT, ACT_FORBID, 0, 0 },
	{ "ts_expect_error", IN_COMMENT, ACT_COUNT, 0, 0 },
	{ "biome_ignore", IN_COMMENT, ACT_COUNT, 0, 0 },
	{ "as_unknown", IN_CODE, ACT_COMMENT, 0, MK(CAST) },
	{ "eslint_disable", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
};

static const struct truth_pat py_pats[] = {
	{ "type_ignore", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
	{ "noqa", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
	{ "pylint_disable", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
	{ "eval", IN_CODE, ACT_COMMENT, 0, MK2(EVAL, JUSTIFIED) },
	{ "exec", IN_CODE, ACT_COMMENT, 0, MK2(EXEC, JUSTIFIED) },
	{ "dunder_import", IN_CODE, ACT_COMMENT, 0, MK2(DYNAMIC, JUSTIFIED) },
	{ "breakpoint", IN_CODE, ACT_FORBID, 1, 0 },
	{ "pdb", IN_CODE, ACT_FORBID, 1, 0 },
};

static const struct truth_pat rb_pats[] = {
	{ "binding_pry", IN_CODE, ACT_FORBID, 1, 0 },
	{ "byebug", IN_CODE, ACT_FORBID, 1, 0 },
	{ "debugger", IN_CODE, ACT_FORBID, 1, 0 },
	{ "ruby_eval", IN_CODE, ACT_COMMENT, 0, MK2(METAPROGRAMMING, JUSTIFIED) },
	{ "instance_eval", IN_CODE, ACT_COMMENT, 0, MK2(METAPROGRAMMING, JUSTIFIED) },
	{ "rubocop_disable", IN_COMMENT, ACT_COMMENT, 0, MK(JUSTIFIED) },
};

static const struct truth_pat sh_pats[] = {
	{ "shellcheck_disable", IN_COMMENT, ACT_FORBID, 0, 0 },
	{ "set_plus_e", IN_CODE, ACT_COMMENT, 0, MK(OK) },
	{ "shell_eval", IN_CODE, ACT_COMMENT, 0, MK(OK) },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const struct truth_pat *pats;
	size_t n;
} tables[LANG_COUNT] = {
	[LANG_RUST] = { rust_pats, N(rust_pats) }, [LANG_GO] = { go_pats, N(go_pats) },
	[LANG_C] = { c_pats, N(c_pats) },          [LANG_TS] = { js_pats, N(js_pats) },
	[LANG_JS] = { js_pats, N(js_pats) },       [LANG_PY] = { py_pats, N(py_pats) },
	[LANG_RB] = { rb_pats, N(rb_pats) },       [LANG_SH] = { sh_pats, N(sh_pats) },
};

static const char *const marker_names[MK_COUNT] = {
	"SAFETY", "JUSTIFIED", "LINKNAME", "NOESCAPE",        "NOLINT", "CAST",
	"EVAL",   "EXEC",      "DYNAMIC",  "METAPROGRAMMING", "OK",
};

const struct truth_pat *truth_find(int lang, const char *name, size_t len)
{
	for (size_t i = 0; i < tables[lang].n; i++) {
		const struct truth_pat *p = &tables[lang].pats[i];
		if (strlen(p->name) == len && !memcmp(p->name, name, len))
			return p;
	}
	return NULL;
}

const char *truth_marker_name(int mk)
{
	return marker_names[mk];
}

int truth_marker_find(const char *name, size_t len)
{
	for (int mk = 0; mk < MK_COUNT; mk++)
		if (strlen(marker_names[mk]) == len && !memcmp(marker_names[mk], name, len))
			return mk;
	return -1;
}

int truth_wraps(int lang)
{
	return lang == LANG_RUST || lang == LANG_C || lang == LANG_TS || lang == LANG_JS;
}

static const char *zone_name(int zone)
{
	switch (zone) {
	case TZ_CODE:
	case TZ_REASON:
		return "code";
	case TZ_STRING:
		return "string";
	case TZ_REGEX:
		return "regex";
	default:
		return "comment";
	}
}

/* Does a hit in zone count as a match of p? Rust doc comments hold doc tests: code for in=code. */
static int matches_in(const struct truth_pat *p, int lang, int zone)
{
	if (p->in == IN_COMMENT)
		return zone == TZ_COMMENT || zone == TZ_DOC || zone == TZ_DESCRIBED;
	return zone == TZ_CODE || zone == TZ_REASON || (zone == TZ_DOC && lang == LANG_RUST);
}

/*
 * The comment rule's search: the match's own line, then upward over blank, comment-only,
 * attribute and (where statements wrap) continuation lines; the first other line ends it unsearched.
 * Whether a comment on a skipped code line (attribute, continuation) counts is left open by the
 * rules, as is the class of a line inside a multi-line string: reaching either is ambiguous.
 */
static int justified(const struct truth_pat *p, const struct truth_line *lines, size_t idx)
{
	if (lines[idx].markers & p->markers)
		return 1;
	for (size_t k = idx; k-- > 0;) {
		const struct truth_line *l = &lines[k];
		switch (l->cls) {
		case TC_CODE:
			return 0;
		case TC_OPAQUE:
			return TRUTH_AMBIGUOUS;
		case TC_ATTR:
		case TC_CONT:
			if (l->markers & p->markers)
				return TRUTH_AMBIGUOUS;
			break;
		default:
			if (l->markers & p->markers)
				return 1;
		}
	}
	return 0;
}

int truth_outcome(int lang, const struct truth_pat *p, int zone, int file_test, const struct truth_line *lines,
		  size_t idx, const char **where)
{
	*where = zone_name(zone);
	if (!matches_in(p, lang, zone))
		return FX_DECOY;
	int test = file_test || lines[idx].test || zone == TZ_DOC;
	if (test && !p->tests)
		return FX_TEST;
	if (p->action == ACT_COUNT)
		return FX_COUNTED;
	if (p->action == ACT_FORBID)
		return FX_VIOLATION;
	if (zone == TZ_REASON || zone == TZ_DESCRIBED)
		return FX_ALLOWED;
	int j = justified(p, lines, idx);
	if (j == TRUTH_AMBIGUOUS)
		return TRUTH_AMBIGUOUS;
	return j ? FX_ALLOWED : FX_VIOLATION;
}
