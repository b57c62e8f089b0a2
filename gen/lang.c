/* lang: writing planted source text and recording every regex hit with its outcome (lang.h). */
#include "lang.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "langtab.h"
#include "xalloc.h"
#include "banned.h"

#define MAX_HITS 8

struct hit {
	uint32_t col; /* 1-based byte column */
	uint8_t zone; /* enum truth_zone */
	const struct truth_pat *pat;
};

/* A hit waiting for the end of its file: a marker first inside a block comes after it. */
struct lang_hit {
	uint32_t line; /* 0-based index into lines */
	struct hit h;
};

/* A planted line: its text is written to f->out; what the writer knows of it lands here. */
struct pline {
	struct truth_line meta;
	int open_comment; /* ends inside a line comment */
	struct hit hits[MAX_HITS];
	unsigned nhits;
};

static const struct glang *tab(const struct lang_file *f)
{
	return &lang__tabs[f->lang];
}

/* A template that contradicts itself or the rules would make the ground truth wrong: stop. */
static void lang_bug(const struct lang_file *f, const char *what, const char *tmpl, size_t line)
{
	fprintf(stderr, "genfixtures: internal error: %s (entry %u, line %zu): '%s'\n", what, f->entry, line, tmpl);
	abort();
}

const char *lang_ext(int lang)
{
	return lang__tabs[lang].ext;
}

void lang_file_begin(struct lang_file *f, int lang, int test, int crlf, struct prng *r, struct sbuf *out,
		     struct fx_plants *plants, uint32_t entry)
{
	memset(f, 0, sizeof(*f));
	f->lang = lang;
	f->test = test;
	f->no_comment_rule = crlf;
	f->r = r;
	f->out = out;
	f->plants = plants;
	f->entry = entry;
}

void lang_file_scope(struct lang_file *f, unsigned tools, int waived)
{
	f->tools = tools;
	f->waived = waived;
}

/*
 * Judge every hit in order. A justified `unsafe {` on a line whose block stays open (flag o)
 * covers the SAFETY patterns of the lines inside it (flag u); an unjustified one covers nothing.
 */
void lang_file_end(struct lang_file *f)
{
	struct truth_file tf = { f->lang, f->test, f->tools, f->waived, f->lines, f->nlines };
	int cover = 0;
	for (size_t i = 0; i < f->nhits; i++) {
		const struct lang_hit *lh = &f->hits[i];
		const struct truth_line *l = &f->lines[lh->line];
		const char *where;
		int o = truth_outcome(&tf, lh->h.pat, lh->h.zone, lh->line, (l->flags & TL_COVERED) && cover, &where);
		if (o == TRUTH_AMBIGUOUS)
			lang_bug(f, "the comment rule cannot decide this hit", lh->h.pat->name, lh->line + 1);
		if ((lh->h.pat->traits & TP_OPENS) && (l->flags & TL_OPENS) && lh->h.zone == TZ_CODE)
			cover = o == FX_ALLOWED;
		struct fx_plant x = { .entry = f->entry,
				      .line = lh->line + 1,
				      .col = lh->h.col,
				      .outcome = (uint8_t)o,
				      .pattern = lh->h.pat->name,
				      .where = o == FX_DECOY ? where : NULL };
		fx_plants_add(f->plants, &x);
	}
	free(f->lines);
	free(f->hits);
	f->lines = NULL;
	f->hits = NULL;
	f->nlines = f->nhits = 0;
}

static uint8_t class_of(const struct lang_file *f, char c, const char *tmpl)
{
	switch (c) {
	case 'b':
		return TC_BLANK;
	case 'm':
		return TC_COMMENT;
	case 'c':
		return TC_CODE;
	case 'x':
		return TC_OPAQUE;
	case 'a':
		if (f->lang != LANG_RUST)
			lang_bug(f, "attribute line outside Rust", tmpl, f->nlines + 1);
		return TC_ATTR;
	case 'k':
		if (!truth_wraps(f->lang))
			lang_bug(f, "continuation line in a language whose statements do not wrap", tmpl,
				 f->nlines + 1);
		return TC_CONT;
	}
	lang_bug(f, "unknown line class", tmpl, f->nlines + 1);
	return TC_CODE;
}

static const struct {
	char letter;
	uint8_t flag;
} line_flags[] = {
	{ 't', TL_TEST },  { 'd', TL_DOC },     { 'g', TL_CFG },    { 'e', TL_TRAIL },
	{ 'o', TL_OPENS }, { 'u', TL_COVERED }, { 'w', TL_WAIVED },
};

/* "HEAD|": the class letter and the flags (langtab.h). */
static const char *parse_head(const struct lang_file *f, const char *tmpl, struct pline *pl)
{
	const char *bar = strchr(tmpl, '|');
	if (!bar)
		lang_bug(f, "template without a head", tmpl, f->nlines + 1);
	int cls = -1;
	for (const char *s = tmpl; s < bar; s++) {
		size_t k = 0;
		while (k < sizeof(line_flags) / sizeof(line_flags[0]) && line_flags[k].letter != *s)
			k++;
		if (k < sizeof(line_flags) / sizeof(line_flags[0]))
			pl->meta.flags |= line_flags[k].flag;
		else
			cls = class_of(f, *s, tmpl);
	}
	if (cls < 0)
		lang_bug(f, "template without a line class", tmpl, f->nlines + 1);
	pl->meta.cls = (uint8_t)cls;
	pl->open_comment = !!(pl->meta.flags & TL_TRAIL);
	return bar + 1;
}

/* Zones a template may state for a hit of p. A code pattern inside a JS regex literal is left open
 * by the rules (is the literal code or string?), so it is never planted. */
static int zone_ok(const struct lang_file *f, char zone, const struct truth_pat *p)
{
	int rust = f->lang == LANG_RUST, js = f->lang == LANG_TS || f->lang == LANG_JS;
	switch (zone) {
	case TZ_CODE:
	case TZ_COMMENT:
	case TZ_STRING:
		return 1;
	case TZ_PROSE:
		return p->in != IN_CODE;
	case TZ_DOC:
	case TZ_QUOTE:
		return rust;
	case TZ_REGEX:
		return p->in != IN_CODE && js;
	case TZ_REASON:
	case TZ_UNUSED:
		return rust && (p->traits & TP_ATTR);
	case TZ_DESCRIBED:
		return p->in == IN_DIRECTIVE && p->desc != DESC_NONE;
	}
	return 0;
}

/* A control: H(zone, pattern) records a hit at the current column, J(MARKER) and K(MARKER) a marker. */
static const char *parse_control(const struct lang_file *f, const char *s, size_t col, struct pline *pl,
				 const char *tmpl)
{
	const char *name = s + (*s == LT_HIT ? 2 : 1);
	const char *end = strchr(name, LT_END);
	if (!end)
		lang_bug(f, "unterminated control", tmpl, f->nlines + 1);
	size_t len = (size_t)(end - name);
	if (*s == LT_MARK || *s == LT_OWN) {
		int mk = truth_marker_find(name, len);
		if (mk < 0)
			lang_bug(f, "unknown marker", tmpl, f->nlines + 1);
		if (*s == LT_MARK)
			pl->meta.markers |= (uint16_t)(1u << mk);
		else
			pl->meta.own |= (uint16_t)(1u << mk);
		return end + 1;
	}
	const struct truth_pat *p = truth_find(f->lang, name, len);
	if (!p || pl->nhits == MAX_HITS)
		lang_bug(f, "unknown pattern or too many hits", tmpl, f->nlines + 1);
	if (!zone_ok(f, s[1], p))
		lang_bug(f, "a zone the rules do not settle for this pattern", tmpl, f->nlines + 1);
	pl->hits[pl->nhits++] = (struct hit){ (uint32_t)col, (uint8_t)s[1], p };
	return end + 1;
}

/* What a template's head says of an attribute line, held against its text: a typo in a head would
 * make the truth wrong without a sound. */
static void check_attr(const struct lang_file *f, const struct pline *pl, const char *text, size_t n, const char *tmpl)
{
	if (pl->meta.cls != TC_ATTR) {
		if (pl->meta.flags & TL_CFG)
			lang_bug(f, "flag g on a line that is no attribute", tmpl, f->nlines + 1);
		return;
	}
	size_t i = strspn(text, " \t");
	if (!(i + 1 < n && text[i] == '#' && (text[i + 1] == '[' || text[i + 1] == '!')))
		lang_bug(f, "an attribute line that does not start with #[ or #![", tmpl, f->nlines + 1);
	if (!memmem(text, n, "cfg(", 4) != !(pl->meta.flags & TL_CFG))
		lang_bug(f, "flag g and the attribute's cfg( disagree", tmpl, f->nlines + 1);
}

/*
 * Write one line from a template; its hits wait for the end of the file. suffix (may be NULL) is
 * appended: a comment starting with marker suffix_mk, unless the line already ends inside a line
 * comment, where the appended text is only more of that comment -- and so, after a directive
 * that takes a description after " //" or any text, its description.
 */
static void emit(struct lang_file *f, const char *tmpl, const char *suffix, int suffix_mk)
{
	struct pline pl;
	memset(&pl, 0, sizeof(pl));
	const char *s = parse_head(f, tmpl, &pl);
	size_t start = f->out->len;
	while (*s) {
		size_t run = strcspn(s, "\x01\x03\x04");
		sbuf_add(f->out, s, run);
		s += run;
		if (*s)
			s = parse_control(f, s, f->out->len - start + 1, &pl, tmpl);
	}
	check_attr(f, &pl, f->out->buf + start, f->out->len - start, tmpl);
	if (suffix) {
		sbuf_addstr(f->out, suffix);
		if (!pl.open_comment)
			pl.meta.markers |= (uint16_t)(1u << suffix_mk);
		for (unsigned i = 0; pl.open_comment && i < pl.nhits; i++)
			if (pl.hits[i].zone == TZ_COMMENT && pl.hits[i].pat->in == IN_DIRECTIVE &&
			    (pl.hits[i].pat->desc == DESC_SLASHES || pl.hits[i].pat->desc == DESC_TEXT))
				pl.hits[i].zone = TZ_DESCRIBED;
		pl.meta.flags |= TL_TRAIL;
	}
	sbuf_addch(f->out, '\n');
	ALLOC_GROW(f->lines, f->nlines + 1, f->alloc);
	f->lines[f->nlines++] = pl.meta;
	for (unsigned i = 0; i < pl.nhits; i++) {
		ALLOC_GROW(f->hits, f->nhits + 1, f->ahits);
		f->hits[f->nhits++] = (struct lang_hit){ (uint32_t)(f->nlines - 1), pl.hits[i] };
	}
}

static void emit_block(struct lang_file *f, const struct gblock *b)
{
	for (const char *const *l = b->lines; *l; l++)
		emit(f, *l, NULL, -1);
}

/*
 * Before planting: when the comment rule's search from the next line could reach a line it
 * cannot decide (inside a multi-line string), a statement ends it first.
 */
static void settle(struct lang_file *f)
{
	for (size_t k = f->nlines; k-- > 0;) {
		const struct truth_line *l = &f->lines[k];
		if (l->cls == TC_CODE)
			return;
		if (l->cls == TC_OPAQUE) {
			lang_separator(f);
			return;
		}
	}
}

static void filler_at(struct lang_file *f, unsigned which)
{
	char buf[160];
	snprintf(buf, sizeof(buf), tab(f)->filler[which], prng_below(f->r, 1000), prng_below(f->r, 1000),
		 prng_below(f->r, 1000));
	emit(f, buf, NULL, -1);
}

void lang_filler(struct lang_file *f)
{
	filler_at(f, prng_below(f->r, 5));
}

void lang_separator(struct lang_file *f)
{
	filler_at(f, 0);
}

void lang_head(struct lang_file *f, int head)
{
	if (head == HEAD_NONE)
		return;
	if (lang__head_lang[head] != f->lang)
		lang_bug(f, "a head of another language", lang__heads[head].name, f->nlines + 1);
	emit_block(f, &lang__heads[head]);
	if (lang__head_lang[head] != LANG_RUST)
		lang_separator(f);
}

/* ---- scenarios ------------------------------------------------------------------------------ */

static int allowed_here(const struct lang_file *f, const struct truth_pat *tp)
{
	return !f->no_comment_rule || tp->action != ACT_COMMENT;
}

static const struct gpat *pick(struct lang_file *f, const struct truth_pat **tp)
{
	const struct glang *L = tab(f);
	for (int tries = 0; tries < 256; tries++) {
		const struct gpat *p = &L->pats[prng_below(f->r, (uint32_t)L->npats)];
		*tp = truth_find(f->lang, p->name, strlen(p->name));
		if (!*tp)
			lang_bug(f, "a template for a pattern the rules do not know", p->name, f->nlines + 1);
		if (allowed_here(f, *tp))
			return p;
	}
	lang_bug(f, "no pattern may be planted in this file", L->ext, f->nlines + 1);
	return NULL;
}

/* One of the pattern's markers, spelled as the marker scenarios write it ("SAFETY" or "Safety"). */
static int pick_marker(struct lang_file *f, const struct truth_pat *tp)
{
	int mks[MK_COUNT], n = 0;
	for (int mk = 0; mk < MK_COUNT; mk++)
		if (tp->markers & (1u << mk))
			mks[n++] = mk;
	return mks[prng_below(f->r, (uint32_t)n)];
}

static void title_case(char *dst, size_t size, const char *name)
{
	snprintf(dst, size, "%s", name);
	for (size_t i = 1; dst[i]; i++)
		if (dst[i] >= 'A' && dst[i] <= 'Z')
			dst[i] = (char)(dst[i] - 'A' + 'a');
}

/* A comment line that starts with one of tp's markers, in one of the spellings the rule accepts. */
static void marker_line(struct lang_file *f, const struct truth_pat *tp)
{
	const struct glang *L = tab(f);
	int mk = pick_marker(f, tp);
	const char *name = truth_marker_name(mk);
	char title[32], buf[192];
	title_case(title, sizeof(title), name);
	unsigned step = prng_below(f->r, 1000);
	const char *ind = L->indent;
	switch (prng_below(f->r, L->block_comments ? 4 : 3)) {
	case 0:
		snprintf(buf, sizeof(buf), "m|%s%s %s: justified for fixture step %u\x03%s\x02", ind, L->lc, name, step,
			 name);
		break;
	case 1:
		snprintf(buf, sizeof(buf), "m|%s%s%s: no space, step %u\x03%s\x02", ind, L->lc, name, step, name);
		break;
	case 2:
		snprintf(buf, sizeof(buf), "m|%s%s %s: in another case, step %u\x03%s\x02", ind, L->lc, title, step,
			 name);
		break;
	default:
		snprintf(buf, sizeof(buf), "m|%s/* %s: a block comment, step %u */\x03%s\x02", ind, name, step, name);
	}
	emit(f, buf, NULL, -1);
}

/* A comment that holds a marker, but not at its start: it justifies nothing. */
static void false_marker_line(struct lang_file *f, const struct truth_pat *tp)
{
	const struct glang *L = tab(f);
	char buf[160];
	snprintf(buf, sizeof(buf), "m|%s%s missing %s %s: not at the start of its comment", L->indent, L->lc, L->lc,
		 truth_marker_name(pick_marker(f, tp)));
	emit(f, buf, NULL, -1);
}

static void comment_line(struct lang_file *f)
{
	const struct glang *L = tab(f);
	char buf[96];
	snprintf(buf, sizeof(buf), "m|%s%s more context %u", L->indent, L->lc, prng_below(f->r, 1000));
	emit(f, buf, NULL, -1);
}

static void same_line(struct lang_file *f, const struct truth_pat *tp, const char *code)
{
	int mk = pick_marker(f, tp);
	char suffix[96];
	snprintf(suffix, sizeof(suffix), "  %s %s: same line", tab(f)->lc, truth_marker_name(mk));
	emit(f, code, suffix, mk);
}

static void near_miss(struct lang_file *f, const struct gpat *p)
{
	emit(f, p->near[prng_below(f->r, 2)], NULL, -1);
	if (f->lang == LANG_RUST && prng_below(f->r, 2)) {
		/* a match that only a search across the newline would find */
		emit(f, "k|    let v = unsafe", NULL, -1);
		emit(f, "c|    { 1 };", NULL, -1);
	}
}

/* Scenarios 6 to 12 exist for patterns judged by the comment rule. */
static void judged_scenario(struct lang_file *f, const struct gpat *p, const struct truth_pat *tp, unsigned kind,
			    const char *code)
{
	switch (kind) {
	case 6:
		same_line(f, tp, code);
		break;
	case 7: /* marker directly above */
		marker_line(f, tp);
		emit(f, code, NULL, -1);
		break;
	case 8: /* just inside: blank and comment lines between the marker and the match */
		marker_line(f, tp);
		emit(f, "b|", NULL, -1);
		comment_line(f);
		emit(f, code, NULL, -1);
		break;
	case 9: /* just outside: a statement between */
		marker_line(f, tp);
		lang_separator(f);
		emit(f, code, NULL, -1);
		break;
	case 10: /* a wrapped statement or an attribute line between */
		marker_line(f, tp);
		if (p->wrap[0])
			emit(f, p->wrap[0], NULL, -1);
		emit(f, p->wrap[1] ? p->wrap[1] : code, NULL, -1);
		break;
	case 11:
		false_marker_line(f, tp);
		emit(f, code, NULL, -1);
		break;
	default:
		emit(f, p->selfj ? p->selfj : code, NULL, -1);
	}
}

static void pattern_scenario(struct lang_file *f, const struct gpat *p, const struct truth_pat *tp)
{
	const char *code = p->code[prng_below(f->r, 2)];
	unsigned kind = prng_below(f->r, tp->action == ACT_COMMENT ? 13 : 6);
	switch (kind) {
	case 0:
	case 1:
		emit(f, code, NULL, -1);
		break;
	case 2:
		emit(f, p->str ? p->str : code, NULL, -1);
		break;
	case 3:
		emit(f, p->cmt ? p->cmt : code, NULL, -1);
		break;
	case 4:
		emit(f, p->dbl ? p->dbl : code, NULL, -1);
		break;
	case 5:
		near_miss(f, p);
		break;
	default:
		judged_scenario(f, p, tp, kind, code);
	}
}

void lang_plain(struct lang_file *f)
{
	settle(f);
	const struct truth_pat *tp;
	const struct gpat *p = pick(f, &tp);
	emit(f, p->code[prng_below(f->r, 2)], NULL, -1);
}

void lang_scenario(struct lang_file *f)
{
	const struct glang *L = tab(f);
	settle(f);
	if (!f->no_comment_rule && L->ncases && prng_below(f->r, 8) == 0) {
		emit_block(f, &L->cases[prng_below(f->r, (uint32_t)L->ncases)]);
		return;
	}
	const struct truth_pat *tp;
	const struct gpat *p = pick(f, &tp);
	pattern_scenario(f, p, tp);
}

void lang_cases(struct lang_file *f)
{
	const struct glang *L = tab(f);
	for (size_t i = 0; i < L->ncases; i++) {
		settle(f);
		emit_block(f, &L->cases[i]);
		lang_filler(f);
	}
}

void lang_rust_test_module(struct lang_file *f)
{
	const struct glang *L = tab(f);
	settle(f);
	emit_block(f, &L->modules[prng_below(f->r, (uint32_t)L->nmodules)]);
}

void lang_strip_final_newline(struct lang_file *f)
{
	if (f->out->len && f->out->buf[f->out->len - 1] == '\n')
		sbuf_setlen(f->out, f->out->len - 1);
}
