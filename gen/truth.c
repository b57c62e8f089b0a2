/* truth: the default escape rules as the ground truth models them (truth.h, docs/patterns.md). */
#include "truth.h"

#include <string.h>

#include "fx.h"
#include "banned.h"

#define MK(m) ((uint16_t)(1u << MK_##m))
#define MK2(a, b) ((uint16_t)(MK(a) | MK(b)))

/* The default pattern table of docs/patterns.md ("Built-in patterns"); description and requires as
 * the walker's built-in set has them (docs/patterns.md: "Tools that must be configured",
 * "Directives' own descriptions"). */
#define CODE(name, act, tests, mk)                             \
	{                                                      \
		name, IN_CODE, act, tests, DESC_NONE, 0, 0, mk \
	}
#define SAFE(name, traits)                                                                    \
	{                                                                                     \
		name, IN_CODE, ACT_COMMENT, 0, DESC_NONE, 0, TP_SAFETY | (traits), MK(SAFETY) \
	}
#define ATTR(name, traits)                                                                     \
	{                                                                                      \
		name, IN_CODE, ACT_COMMENT, 0, DESC_NONE, 0, TP_ATTR | (traits), MK(JUSTIFIED) \
	}
#define CMT(name, act, mk)                                    \
	{                                                     \
		name, IN_COMMENT, act, 0, DESC_NONE, 0, 0, mk \
	}
#define DIR(name, act, desc, req, mk)                        \
	{                                                    \
		name, IN_DIRECTIVE, act, 0, desc, req, 0, mk \
	}

static const struct truth_pat rust_pats[] = {
	SAFE("unsafe", TP_OPENS),
	SAFE("unsafe_impl", 0),
	SAFE("transmute", 0),
	CODE("unwrap", ACT_COUNT, 0, 0),
	CODE("expect", ACT_COUNT, 0, 0),
	ATTR("allow", 0),
	ATTR("cfg_attr_allow", TP_CFG_ATTR),
};

static const struct truth_pat go_pats[] = {
	CODE("unsafe_pointer", ACT_COMMENT, 0, MK(SAFETY)),
	CMT("linkname", ACT_COMMENT, MK(LINKNAME)),
	CMT("noescape", ACT_COMMENT, MK(NOESCAPE)),
	DIR("nolint", ACT_COMMENT, DESC_SLASHES, 0, MK(NOLINT)),
};

static const struct truth_pat c_pats[] = {
	CODE("gets", ACT_FORBID, 0, 0),
	CODE("pragma_ignored", ACT_COMMENT, 0, MK(JUSTIFIED)),
	CODE("const_cast", ACT_COMMENT, 0, MK(CAST)),
	CMT("nolint_c", ACT_COMMENT, MK(JUSTIFIED)),
};

static const struct truth_pat js_pats[] = {
	DIR("ts_ignore", ACT_COMMENT, DESC_TEXT, 0, MK(JUSTIFIED)),
	DIR("ts_nocheck", ACT_FORBID, DESC_NONE, 0, 0),
	DIR("ts_expect_error", ACT_COUNT, DESC_NONE, 0, 0),
	DIR("biome_ignore", ACT_COUNT, DESC_NONE, TOOL_BIOME, 0),
	CODE("as_unknown", ACT_COMMENT, 0, MK(CAST)),
	DIR("eslint_disable", ACT_COMMENT, DESC_DASHES, TOOL_ESLINT, MK(JUSTIFIED)),
};

static const struct truth_pat py_pats[] = {
	CMT("type_ignore", ACT_COMMENT, MK(JUSTIFIED)),
	CMT("noqa", ACT_COMMENT, MK(JUSTIFIED)),
	CMT("pylint_disable", ACT_COMMENT, MK(JUSTIFIED)),
	CODE("eval", ACT_COMMENT, 0, MK2(EVAL, JUSTIFIED)),
	CODE("exec", ACT_COMMENT, 0, MK2(EXEC, JUSTIFIED)),
	CODE("dunder_import", ACT_COMMENT, 0, MK2(DYNAMIC, JUSTIFIED)),
	CODE("breakpoint", ACT_FORBID, 1, 0),
	CODE("pdb", ACT_FORBID, 1, 0),
};

static const struct truth_pat rb_pats[] = {
	CODE("binding_pry", ACT_FORBID, 1, 0),
	CODE("byebug", ACT_FORBID, 1, 0),
	CODE("debugger", ACT_FORBID, 1, 0),
	CODE("ruby_eval", ACT_COMMENT, 0, MK2(METAPROGRAMMING, JUSTIFIED)),
	CODE("instance_eval", ACT_COMMENT, 0, MK2(METAPROGRAMMING, JUSTIFIED)),
	DIR("rubocop_disable", ACT_COMMENT, DESC_NONE, 0, MK(JUSTIFIED)),
};

static const struct truth_pat sh_pats[] = {
	DIR("shellcheck_disable", ACT_FORBID, DESC_NONE, 0, 0),
	CODE("set_plus_e", ACT_COMMENT, 0, MK(OK)),
	CODE("shell_eval", ACT_COMMENT, 0, MK(OK)),
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

unsigned truth_tool_of_name(const char *name)
{
	if (!strncmp(name, "eslint.config.", 14) || !strncmp(name, ".eslintrc", 9))
		return TOOL_ESLINT;
	if (!strcmp(name, "biome.json") || !strcmp(name, "biome.jsonc"))
		return TOOL_BIOME;
	return 0;
}

static const char *zone_name(int zone)
{
	switch (zone) {
	case TZ_CODE:
	case TZ_REASON:
	case TZ_UNUSED:
		return "code";
	case TZ_STRING:
		return "string";
	case TZ_REGEX:
		return "regex";
	case TZ_QUOTE:
		return "quote";
	default:
		return "comment";
	}
}

/* Does a hit in zone count as a match of p? Rust doc comments hold doc tests: code for in=code;
 * a directive is one only at the start of its comment's text. */
static int matches_in(const struct truth_pat *p, int lang, int zone)
{
	switch (p->in) {
	case IN_COMMENT:
		return zone == TZ_COMMENT || zone == TZ_PROSE || zone == TZ_DOC || zone == TZ_DESCRIBED;
	case IN_DIRECTIVE:
		return zone == TZ_COMMENT || zone == TZ_DESCRIBED;
	}
	return zone == TZ_CODE || zone == TZ_REASON || zone == TZ_UNUSED || (zone == TZ_DOC && lang == LANG_RUST);
}

/* The markers of line l that count for a hit of p on it: a comment holding the line's own
 * directive is no marker for that directive. */
static uint16_t line_markers(const struct truth_line *l, const struct truth_pat *p, int own_line)
{
	return (uint16_t)(l->markers | (own_line && p->in != IN_CODE ? 0 : l->own));
}

/*
 * The comment rule's search: the match's own line, then upward over blank, comment-only,
 * attribute and (where statements wrap) continuation lines, whose comments count; the first
 * other line ends it unsearched. The class of a line inside a multi-line string is left open.
 */
static int search_up(const struct truth_file *f, const struct truth_pat *p, size_t idx)
{
	if (line_markers(&f->lines[idx], p, 1) & p->markers)
		return 1;
	for (size_t k = idx; k-- > 0;) {
		const struct truth_line *l = &f->lines[k];
		if (l->cls == TC_CODE)
			return 0;
		if (l->cls == TC_OPAQUE)
			return TRUTH_AMBIGUOUS;
		if (line_markers(l, p, 0) & p->markers)
			return 1;
	}
	return 0;
}

#define LOOK_LINES 64 /* lines looked at below a block's opening and above an attribute */

/* A block opened on the match's line and still open at its end: a marker comment first inside it
 * (only blank and comment lines before it) justifies the match. */
static int marked_inside(const struct truth_file *f, const struct truth_pat *p, size_t idx)
{
	if (!(f->lines[idx].flags & TL_OPENS))
		return 0;
	for (size_t k = idx + 1, n = 0; k < f->nlines && n < LOOK_LINES; k++, n++) {
		const struct truth_line *l = &f->lines[k];
		if (l->cls == TC_OPAQUE)
			return TRUTH_AMBIGUOUS;
		if (l->cls != TC_BLANK && l->cls != TC_COMMENT)
			return 0;
		if (line_markers(l, p, 0) & p->markers)
			return 1;
	}
	return 0;
}

/* A Rust attribute's reason written above it: a plain (not doc) comment, upward through doc
 * comments and other attribute lines (a blank line parts a comment from the item); or a
 * `#[cfg(…)]` among those attributes when the attribute silences only unused-code lints. */
static int attr_reason_above(const struct truth_file *f, size_t idx, int zone)
{
	for (size_t k = idx, n = 0; n < LOOK_LINES && k-- > 0; n++) {
		const struct truth_line *l = &f->lines[k];
		switch (l->cls) {
		case TC_BLANK:
			return 0;
		case TC_COMMENT:
			if (!(l->flags & TL_DOC))
				return 1;
			break;
		case TC_ATTR:
			if ((l->flags & TL_CFG) && zone == TZ_UNUSED)
				return 1;
			break;
		case TC_OPAQUE:
			return TRUTH_AMBIGUOUS;
		default:
			return 0;
		}
	}
	return 0;
}

/* The comment action's judgement: allowed, a violation, or TRUTH_AMBIGUOUS. */
static int judge_comment(const struct truth_file *f, const struct truth_pat *p, int zone, size_t idx, int covered)
{
	const struct truth_line *l = &f->lines[idx];
	int rust = f->lang == LANG_RUST;
	if (rust && covered && (p->traits & TP_SAFETY))
		return FX_ALLOWED; /* inside a justified unsafe block */
	if (zone == TZ_REASON || zone == TZ_DESCRIBED)
		return FX_ALLOWED;
	if (p->traits & TP_ATTR) {
		if ((l->flags & TL_TRAIL) || (zone == TZ_UNUSED && (p->traits & TP_CFG_ATTR)))
			return FX_ALLOWED;
		int a = attr_reason_above(f, idx, zone);
		if (a)
			return a < 0 ? TRUTH_AMBIGUOUS : FX_ALLOWED;
	}
	if (rust && (p->traits & TP_SAFETY) && (f->waived || (l->flags & TL_WAIVED)))
		return FX_ALLOWED;
	int j = search_up(f, p, idx);
	if (!j && (p->traits & TP_OPENS))
		j = marked_inside(f, p, idx);
	if (j < 0)
		return TRUTH_AMBIGUOUS;
	return j ? FX_ALLOWED : FX_VIOLATION;
}

int truth_outcome(const struct truth_file *f, const struct truth_pat *p, int zone, size_t idx, int covered,
		  const char **where)
{
	*where = zone_name(zone);
	if ((p->requires & f->tools) != p->requires) {
		*where = "unconfigured";
		return FX_DECOY;
	}
	if (!matches_in(p, f->lang, zone))
		return FX_DECOY;
	int test = f->test || (f->lines[idx].flags & TL_TEST) || zone == TZ_DOC;
	if (test && !p->tests)
		return FX_TEST;
	if (p->action == ACT_COUNT)
		return FX_COUNTED;
	if (p->action == ACT_FORBID)
		return FX_VIOLATION;
	return judge_comment(f, p, zone, idx, covered);
}
