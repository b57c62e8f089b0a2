/* report: text and JSON output of a walk (docs/output.md). */
#include "report.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "bytes.h"
#include "json.h"
#include "quote.h"
#include "version.h"
#include "xalloc.h"
#include "banned.h"

#define TOP_FILES 5

void report_summarize(const struct rules *r, const struct walk_result *res, struct report_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->source = xcalloc(r->n + 1, sizeof(uint64_t));
	sum->test = xcalloc(r->n + 1, sizeof(uint64_t));
	for (int o = 0; o < 4; o++)
		sum->by_outcome[o] = xcalloc(r->n + 1, sizeof(uint64_t));
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome == SO_TEST)
				sum->test[m->pat]++, sum->in_tests++;
			else
				sum->source[m->pat]++;
			if (m->outcome < 4)
				sum->by_outcome[m->outcome][m->pat]++;
			if (m->outcome == SO_VIOLATION)
				sum->violations++;
			else if (m->outcome == SO_ALLOWED)
				sum->allowed++;
			else if (m->outcome == SO_COUNTED)
				sum->counted++;
		}
		if (f->status == WF_UNREADABLE)
			sum->unreadable++;
		else if (f->status == WF_LIMIT)
			sum->limited++;
		else if (f->status != WF_OK)
			sum->skipped++;
	}
	for (size_t p = 0; p < r->n; p++)
		if (r->pats[p].action == RA_COUNT && sum->source[p] > r->pats[p].threshold)
			sum->over_threshold++;
}

void report_summary_release(struct report_summary *sum)
{
	free(sum->source);
	free(sum->test);
	for (int o = 0; o < 4; o++)
		free(sum->by_outcome[o]);
	memset(sum, 0, sizeof(*sum));
}

void report_path_text(struct sbuf *out, const char *p, size_t len)
{
	quote_c(out, p, len, QUOTE_PATH);
}

static const char *reason_of(const struct walk_file *f)
{
	if (f->reason)
		return f->reason;
	if (f->status == WF_LINK_LOOP)
		return "symlink loop";
	return walk_status_name(f->status);
}

struct topfile {
	size_t file;
	uint64_t n;
};

static int cmp_top(const void *a, const void *b)
{
	const struct topfile *x = a, *y = b;
	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return x->file < y->file ? -1 : x->file > y->file;
}

/* The files with the most source matches of count pattern p; returns how many
 * were written. */
static size_t top_files(const struct walk_result *res, size_t p, struct topfile *top)
{
	size_t nt = 0;
	for (size_t i = 0; i < res->n; i++) {
		uint64_t c = 0;
		for (size_t k = 0; k < res->files[i].n; k++)
			c += res->files[i].m[k].pat == p && res->files[i].m[k].outcome == SO_COUNTED;
		if (!c)
			continue;
		struct topfile t = { i, c };
		if (nt < TOP_FILES) {
			top[nt++] = t;
			qsort(top, nt, sizeof(*top), cmp_top);
		} else if (cmp_top(&t, &top[TOP_FILES - 1]) < 0) {
			top[TOP_FILES - 1] = t;
			qsort(top, nt, sizeof(*top), cmp_top);
		}
	}
	return nt;
}

static void text_counts(struct sbuf *out, const struct rules *r, const uint64_t *c)
{
	int any = 0;
	for (size_t p = 0; p < r->n; p++) {
		if (!c[p])
			continue;
		sbuf_addf(out, "%s%s %llu", any ? ", " : "", r->pats[p].name, (unsigned long long)c[p]);
		any = 1;
	}
	if (!any)
		sbuf_addstr(out, "none");
}

void report_warnings(struct sbuf *warn, const struct rules *r, const struct walk_result *res)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		if (f->status == WF_UNREADABLE || f->status == WF_LINK_LOOP || f->status == WF_LIMIT ||
		    f->status == WF_SPECIAL) {
			sbuf_addstr(warn, "walker: warning: ");
			report_path_text(warn, f->path, f->pathlen);
			if (f->status == WF_LIMIT)
				sbuf_addf(warn,
					  ": pattern '%s' hit the regex match limit on line %u; that "
					  "pattern's "
					  "later matches in this file are not reported\n",
					  r->pats[f->limit_pat].name, f->limit_line);
			else if (f->status == WF_SPECIAL)
				sbuf_addf(warn, ": skipped, a %s\n", reason_of(f));
			else
				sbuf_addf(warn, ": %s\n", reason_of(f));
		}
	}
}

/* One violation line: "path:line:col: pattern: advice (no MARKER comment)". */
static void text_violation(struct sbuf *out, const struct rules *r, const char *path, size_t pathlen,
			   const struct scan_match *m, const struct report_opts *ro)
{
	const char *bold = ro->color ? "\033[1m" : "", *red = ro->color ? "\033[31m" : "",
		   *reset = ro->color ? "\033[0m" : "";
	const struct rules_pattern *p = &r->pats[m->pat];
	sbuf_addstr(out, bold);
	report_path_text(out, path, pathlen);
	sbuf_addf(out, ":%u:%u:%s %s%s%s: ", m->line, m->col, reset, red, p->name, reset);
	quote_c(out, p->advice, strlen(p->advice), 0); /* from a config: never raw */
	if (p->action == RA_COMMENT && p->nmarkers) {
		sbuf_addstr(out, " (no ");
		quote_c(out, p->markers[0], strlen(p->markers[0]), 0);
		sbuf_addstr(out, " comment)");
	}
	sbuf_addch(out, '\n');
}

/* The line of count pattern p, over its threshold: its count and the files with the most. */
static void text_threshold(struct sbuf *out, const struct rules *r, const struct walk_result *res,
			   const struct report_summary *sum, size_t p, const struct report_opts *ro)
{
	const char *red = ro->color ? "\033[31m" : "", *reset = ro->color ? "\033[0m" : "";
	struct topfile top[TOP_FILES];
	size_t nt = top_files(res, p, top);
	sbuf_addf(out,
		  "%s%s%s: %llu matches in source code, over the threshold of %u; "
		  "most in ",
		  red, r->pats[p].name, reset, (unsigned long long)sum->source[p], r->pats[p].threshold);
	for (size_t t = 0; t < nt; t++) {
		if (t)
			sbuf_addstr(out, ", ");
		report_path_text(out, res->files[top[t].file].path, res->files[top[t].file].pathlen);
		sbuf_addf(out, " (%llu)", (unsigned long long)top[t].n);
	}
	sbuf_addch(out, '\n');
}

static int over_threshold(const struct rules *r, const struct report_summary *sum, size_t p)
{
	return r->pats[p].action == RA_COUNT && sum->source[p] > r->pats[p].threshold;
}

/* The summary line: PASS or FAIL, files, violations, then each match once under its outcome. */
static void text_summary(struct sbuf *out, const struct rules *r, const struct walk_result *res,
			 const struct report_summary *sum)
{
	sbuf_addf(out, "%s: %llu files, %llu violations", report_passed(sum) ? "PASS" : "FAIL",
		  (unsigned long long)res->stats.files, (unsigned long long)(sum->violations + sum->over_threshold));
	/* each match once, under its outcome: allowed matches are never added to violations */
	if (sum->violations) {
		sbuf_addstr(out, " (");
		text_counts(out, r, sum->by_outcome[SO_VIOLATION]);
		sbuf_addch(out, ')');
	}
	if (sum->allowed) {
		sbuf_addstr(out, "; allowed: ");
		text_counts(out, r, sum->by_outcome[SO_ALLOWED]);
	}
	if (sum->counted) {
		sbuf_addstr(out, "; counted: ");
		text_counts(out, r, sum->by_outcome[SO_COUNTED]);
	}
	sbuf_addstr(out, "; test: ");
	text_counts(out, r, sum->test);
	if (sum->skipped || sum->unreadable || sum->limited)
		sbuf_addf(out, "; %llu skipped, %llu unreadable", (unsigned long long)(sum->skipped + sum->limited),
			  (unsigned long long)sum->unreadable);
	sbuf_addch(out, '\n');
}

void report_text(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		 const struct report_summary *sum, const struct report_opts *ro)
{
	uint64_t shown = 0;
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome != SO_VIOLATION)
				continue;
			if (ro->limit >= 0 && shown >= (uint64_t)ro->limit) {
				shown++;
				continue;
			}
			shown++;
			text_violation(out, r, f->path, f->pathlen, m, ro);
		}
	}
	if (ro->limit >= 0 && shown > (uint64_t)ro->limit)
		sbuf_addf(out, "... and %llu more (--all shows every one)\n",
			  (unsigned long long)(shown - (uint64_t)ro->limit));
	for (size_t p = 0; p < r->n; p++)
		if (over_threshold(r, sum, p))
			text_threshold(out, r, res, sum, p, ro);
	text_summary(out, r, res, sum);
	if (ro->stats) {
		const struct walk_stats *s = &res->stats;
		sbuf_addf(out,
			  "stats: %llu files (%llu read, %llu mapped, %llu without "
			  "patterns), %llu bytes scanned, "
			  "%llu dirs, %llu ignored, %llu hidden, %llu symlinks not "
			  "followed, %llu binary, %llu too "
			  "large, %u threads%s; wall %.3f s, discovery %.3f s, reading "
			  "%.3f s, matching %.3f s "
			  "(thread time)\n",
			  (unsigned long long)s->files, (unsigned long long)s->files_read,
			  (unsigned long long)s->files_mapped, (unsigned long long)s->no_pattern,
			  (unsigned long long)s->bytes, (unsigned long long)s->dirs, (unsigned long long)s->ignored,
			  (unsigned long long)s->hidden, (unsigned long long)s->symlinks,
			  (unsigned long long)s->skipped_binary, (unsigned long long)s->skipped_large, s->threads_used,
			  s->went_parallel ? " (parallel)" : " (sequential)", ro->wall_s, s->ns_discovery / 1e9,
			  s->ns_read / 1e9, s->ns_match / 1e9);
		if (ro->cache_used) {
			sbuf_addstr(out, "cache: ");
			report_path_text(out, ro->cache_path, strlen(ro->cache_path));
			sbuf_addf(out,
				  ": %llu entries loaded, %llu hits by stat, %llu by content, %llu racy re-checks, "
				  "%llu misses, %llu dropped, %llu written; load %.3f s, save %.3f s\n",
				  (unsigned long long)ro->cache_loaded, (unsigned long long)s->cache_hits_stat,
				  (unsigned long long)s->cache_hits_hash, (unsigned long long)s->cache_racy,
				  (unsigned long long)s->cache_misses, (unsigned long long)ro->cache_dropped,
				  (unsigned long long)ro->cache_written, ro->cache_load_s, ro->cache_save_s);
		}
	}
}

static void json_counts(struct sbuf *out, const struct rules *r, const uint64_t *c)
{
	sbuf_addch(out, '{');
	for (size_t p = 0; p < r->n; p++) {
		if (p)
			sbuf_addstr(out, ", ");
		json_cstr(out, r->pats[p].name);
		sbuf_addf(out, ": %llu", (unsigned long long)c[p]);
	}
	sbuf_addch(out, '}');
}

/* Decimal digits of v into out (no printf: a report of a million matches writes two million of them). */
static void add_u32(struct sbuf *out, uint32_t v)
{
	char d[10];
	int n = 0;
	do
		d[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	sbuf_grow(out, (size_t)n);
	while (n)
		out->buf[out->len++] = d[--n];
	out->buf[out->len] = '\0';
}

/* Each pattern's tail of a JSON match object, escaped once per report: the pattern name and, for
 * violations, quench's type, the action, the marker and the advice. */
static void json_tails(const struct rules *r, int violation, struct sbuf *tails)
{
	for (size_t pi = 0; pi < r->n; pi++) {
		const struct rules_pattern *p = &r->pats[pi];
		struct sbuf *t = &tails[pi];
		sbuf_addstr(t, ", \"pattern\": ");
		json_cstr(t, p->name);
		if (violation) {
			/* quench's violation type */
			sbuf_addf(t, ", \"type\": \"%s\"", p->action == RA_COMMENT ? "missing_comment" : "forbidden");
			sbuf_addf(t, ", \"action\": \"%s\"", rules_action_name(p->action));
			if (p->action == RA_COMMENT && p->nmarkers) {
				sbuf_addstr(t, ", \"required_comment\": ");
				json_cstr(t, p->markers[0]);
			}
			sbuf_addstr(t, ", \"advice\": ");
			json_cstr(t, p->advice);
		}
		sbuf_addch(t, '}');
	}
}

/* A long report's bytes so far to the sink (walker/report.h). */
static void spill(struct sbuf *out, struct report_sink *sink)
{
	if (!sink->failed && sink->write(sink->ctx, out->buf, out->len))
		sink->failed = 1;
	sbuf_reset(out);
}

static void json_list(struct sbuf *out, const char *key, const struct rules *r, const struct walk_result *res,
		      int outcome, struct report_sink *sink)
{
	sbuf_addf(out, ",\n  \"%s\": [", key);
	struct sbuf *tails = xcalloc(r->n + 1, sizeof(*tails));
	for (size_t pi = 0; pi < r->n; pi++)
		tails[pi] = (struct sbuf)SBUF_INIT;
	json_tails(r, outcome == SO_VIOLATION, tails);
	struct sbuf head = SBUF_INIT; /* the file's part, escaped once per file */
	int first = 1;
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		int have_head = 0;
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome != outcome)
				continue;
			if (!have_head) {
				sbuf_reset(&head);
				sbuf_addstr(&head, "{\"file\": ");
				json_str(&head, f->path, f->pathlen);
				sbuf_addstr(&head, ", \"line\": ");
				have_head = 1;
			}
			sbuf_addstr(out, first ? "\n    " : ",\n    ");
			first = 0;
			sbuf_add(out, head.buf, head.len);
			add_u32(out, m->line);
			sbuf_add(out, ", \"column\": ", 12);
			add_u32(out, m->col);
			sbuf_add(out, tails[m->pat].buf, tails[m->pat].len);
			if (sink && out->len >= REPORT_SPILL)
				spill(out, sink);
		}
	}
	sbuf_addstr(out, first ? "]" : "\n  ]");
	sbuf_release(&head);
	for (size_t pi = 0; pi < r->n; pi++)
		sbuf_release(&tails[pi]);
	free(tails);
}

/* The count patterns over their threshold, as JSON objects, each after sep (", " between them);
 * returns how many. */
static size_t json_thresholds(struct sbuf *out, const struct rules *r, const struct walk_result *res,
			      const struct report_summary *sum, const char *sep)
{
	size_t n = 0;
	for (size_t p = 0; p < r->n; p++) {
		if (!over_threshold(r, sum, p))
			continue;
		struct topfile top[TOP_FILES];
		size_t nt = top_files(res, p, top);
		if (n++)
			sbuf_addch(out, ',');
		sbuf_addstr(out, sep);
		sbuf_addstr(out, "{\"pattern\": ");
		json_cstr(out, r->pats[p].name);
		sbuf_addf(out,
			  ", \"type\": \"threshold_exceeded\", \"action\": \"count\", \"count\": %llu, \"threshold\": "
			  "%u, "
			  "\"advice\": ",
			  (unsigned long long)sum->source[p], r->pats[p].threshold);
		json_cstr(out, r->pats[p].advice);
		sbuf_addstr(out, ", \"top_files\": [");
		for (size_t t = 0; t < nt; t++) {
			sbuf_addstr(out, t ? ", {\"file\": " : "{\"file\": ");
			json_str(out, res->files[top[t].file].path, res->files[top[t].file].pathlen);
			sbuf_addf(out, ", \"count\": %llu}", (unsigned long long)top[t].n);
		}
		sbuf_addstr(out, "]}");
	}
	return n;
}

/* --shard: which shard this is, and what merging N shards needs that they do not all report: the
 * count patterns' thresholds and advice (tools/shard-merge.jq). */
static void json_shard(struct sbuf *out, const struct rules *r, const struct report_opts *ro)
{
	if (!ro->shard_count)
		return;
	sbuf_addf(out, ",\n  \"shard\": {\"index\": %u, \"count\": %u, \"count_patterns\": [", ro->shard_index + 1,
		  ro->shard_count);
	int first = 1;
	for (size_t p = 0; p < r->n; p++) {
		if (r->pats[p].action != RA_COUNT)
			continue;
		sbuf_addstr(out, first ? "{\"pattern\": " : ", {\"pattern\": ");
		first = 0;
		json_cstr(out, r->pats[p].name);
		sbuf_addf(out, ", \"threshold\": %u, \"advice\": ", r->pats[p].threshold);
		json_cstr(out, r->pats[p].advice);
		sbuf_addch(out, '}');
	}
	sbuf_addstr(out, "]}");
}

void report_json(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		 const struct report_summary *sum, const struct report_opts *ro)
{
	sbuf_addf(out,
		  "{\n  \"tool\": \"walker\",\n  \"version\": \"%s\",\n  \"check\": "
		  "\"escapes\",\n  \"passed\": %s",
		  WALKER_VERSION, report_passed(sum) ? "true" : "false");
	sbuf_addstr(out, ",\n  \"counts\": {\"source\": ");
	json_counts(out, r, sum->source);
	sbuf_addstr(out, ", \"test\": ");
	json_counts(out, r, sum->test);
	sbuf_addch(out, '}');
	json_list(out, "violations", r, res, SO_VIOLATION, ro->sink);
	sbuf_addstr(out, ",\n  \"threshold_violations\": [");
	sbuf_addstr(out, json_thresholds(out, r, res, sum, "\n    ") ? "\n  ]" : "]");
	json_list(out, "allowed", r, res, SO_ALLOWED, ro->sink);
	json_list(out, "test", r, res, SO_TEST, ro->sink);
	json_list(out, "counted", r, res, SO_COUNTED, ro->sink);
	const char *keys[] = { "skipped", "unreadable", "errors" };
	for (int kind = 0; kind < 3; kind++) {
		sbuf_addf(out, ",\n  \"%s\": [", keys[kind]);
		int first = 1;
		for (size_t i = 0; i < res->n; i++) {
			const struct walk_file *f = &res->files[i];
			int k = f->status == WF_OK           ? -1
				: f->status == WF_UNREADABLE ? 1
				: f->status == WF_LIMIT      ? 2
							     : 0;
			if (k != kind)
				continue;
			sbuf_addstr(out, first ? "\n    {\"file\": " : ",\n    {\"file\": ");
			first = 0;
			json_str(out, f->path, f->pathlen);
			if (kind == 2) {
				sbuf_addstr(out, ", \"pattern\": ");
				json_cstr(out, r->pats[f->limit_pat].name);
				sbuf_addf(out, ", \"line\": %u, \"reason\": \"regex match limit\"}", f->limit_line);
			} else {
				sbuf_addstr(out, ", \"reason\": ");
				json_cstr(out, reason_of(f));
				sbuf_addch(out, '}');
			}
		}
		sbuf_addstr(out, first ? "]" : "\n  ]");
	}
	json_shard(out, r, ro);
	const struct walk_stats *s = &res->stats;
	sbuf_addf(out,
		  ",\n  \"stats\": {\"files\": %llu, \"files_scanned\": %llu, "
		  "\"files_read\": %llu, \"files_mapped\": "
		  "%llu, \"files_without_patterns\": %llu, \"bytes_scanned\": %llu, "
		  "\"directories\": %llu, "
		  "\"ignored\": %llu, \"hidden\": %llu, \"symlinks\": %llu, "
		  "\"skipped_binary\": %llu, "
		  "\"skipped_too_large\": %llu, \"special\": %llu, \"unreadable\": "
		  "%llu, \"threads\": %u, "
		  "\"parallel\": %s",
		  (unsigned long long)s->files, (unsigned long long)s->files_scanned, (unsigned long long)s->files_read,
		  (unsigned long long)s->files_mapped, (unsigned long long)s->no_pattern, (unsigned long long)s->bytes,
		  (unsigned long long)s->dirs, (unsigned long long)s->ignored, (unsigned long long)s->hidden,
		  (unsigned long long)s->symlinks, (unsigned long long)s->skipped_binary,
		  (unsigned long long)s->skipped_large, (unsigned long long)s->special,
		  (unsigned long long)s->unreadable, s->threads_used, s->went_parallel ? "true" : "false");
	if (ro->stats)
		sbuf_addf(out,
			  ", \"wall_s\": %.6f, \"discovery_s\": %.6f, \"reading_s\": %.6f, "
			  "\"matching_s\": %.6f",
			  ro->wall_s, s->ns_discovery / 1e9, s->ns_read / 1e9, s->ns_match / 1e9);
	if (ro->stats && ro->cache_used) {
		sbuf_addstr(out, ", \"cache\": {\"file\": ");
		json_str(out, ro->cache_path, strlen(ro->cache_path));
		sbuf_addf(out,
			  ", \"loaded\": %llu, \"hits_stat\": %llu, \"hits_content\": %llu, \"racy\": %llu, "
			  "\"misses\": %llu, \"dropped\": %llu, \"written\": %llu, \"load_s\": %.6f, "
			  "\"save_s\": %.6f}",
			  (unsigned long long)ro->cache_loaded, (unsigned long long)s->cache_hits_stat,
			  (unsigned long long)s->cache_hits_hash, (unsigned long long)s->cache_racy,
			  (unsigned long long)s->cache_misses, (unsigned long long)ro->cache_dropped,
			  (unsigned long long)ro->cache_written, ro->cache_load_s, ro->cache_save_s);
	}
	sbuf_addstr(out, "}\n}\n");
}

/* GitHub Actions workflow commands: the runner reads "::error PROPS::MESSAGE" lines and
 * unescapes %25, %0D and %0A in both parts, and also %3A and %2C in property values (the
 * escapeData and escapeProperty rules of actions/toolkit). */
static void gh_escape(struct sbuf *out, const char *s, size_t len, int property)
{
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (c == '%')
			sbuf_addstr(out, "%25");
		else if (c == '\r')
			sbuf_addstr(out, "%0D");
		else if (c == '\n')
			sbuf_addstr(out, "%0A");
		else if (property && c == ':')
			sbuf_addstr(out, "%3A");
		else if (property && c == ',')
			sbuf_addstr(out, "%2C");
		else
			sbuf_addch(out, c);
	}
}

void report_github(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		   const struct report_summary *sum)
{
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome != SO_VIOLATION)
				continue;
			const struct rules_pattern *p = &r->pats[m->pat];
			sbuf_addstr(out, "::error file=");
			gh_escape(out, f->path, f->pathlen, 1);
			sbuf_addf(out, ",line=%u,col=%u,title=walker%%3A ", m->line, m->col);
			gh_escape(out, p->name, strlen(p->name), 1);
			sbuf_addstr(out, "::");
			gh_escape(out, p->advice, strlen(p->advice), 0);
			if (p->action == RA_COMMENT && p->nmarkers) {
				sbuf_addstr(out, " (no ");
				gh_escape(out, p->markers[0], strlen(p->markers[0]), 0);
				sbuf_addstr(out, " comment)");
			}
			sbuf_addch(out, '\n');
		}
	}
	for (size_t p = 0; p < r->n; p++) {
		if (r->pats[p].action != RA_COUNT || sum->source[p] <= r->pats[p].threshold)
			continue;
		struct topfile top[TOP_FILES];
		size_t nt = top_files(res, p, top);
		struct sbuf msg = SBUF_INIT;
		sbuf_addstr(&msg, r->pats[p].advice);
		sbuf_addf(&msg, " (%llu matches in source code, over the threshold of %u",
			  (unsigned long long)sum->source[p], r->pats[p].threshold);
		for (size_t t = 0; t < nt; t++) {
			sbuf_addstr(&msg, t ? ", " : "; most in ");
			sbuf_add(&msg, res->files[top[t].file].path, res->files[top[t].file].pathlen);
			sbuf_addf(&msg, " (%llu)", (unsigned long long)top[t].n);
		}
		sbuf_addch(&msg, ')');
		/* on the file with the most matches, so that the annotation lands somewhere */
		sbuf_addstr(out, "::error ");
		if (nt) {
			sbuf_addstr(out, "file=");
			gh_escape(out, res->files[top[0].file].path, res->files[top[0].file].pathlen, 1);
			sbuf_addch(out, ',');
		}
		sbuf_addstr(out, "title=walker%3A ");
		gh_escape(out, r->pats[p].name, strlen(r->pats[p].name), 1);
		sbuf_addstr(out, "::");
		gh_escape(out, msg.buf, msg.len, 0);
		sbuf_addch(out, '\n');
		sbuf_release(&msg);
	}
}

/* ---- SARIF 2.1.0 ----------------------------------------------------------------------------- */

#define SARIF_FINGERPRINT "walker/v1"
#define SARIF_JUSTIFY_LINES 1000 /* how far above an allowed match its marker is looked for */

/* The JSON "type" of a violation. */
static const char *sarif_type(int action)
{
	return action == RA_COMMENT ? "missing_comment" : action == RA_FORBID ? "forbidden" : "threshold_exceeded";
}

/* A path as a URI reference (RFC 3986): relative paths stay relative (a leading "./" dropped),
 * absolute ones become file:// URIs; every byte but the unreserved ones and '/' is %-encoded, so
 * a path that is not UTF-8 round-trips too. */
static void sarif_uri(struct sbuf *out, const char *p, size_t len)
{
	struct sbuf u = SBUF_INIT;
	while (len >= 2 && p[0] == '.' && p[1] == '/') {
		p += 2, len -= 2;
		while (len && *p == '/')
			p++, len--;
	}
	if (len && *p == '/')
		sbuf_addstr(&u, "file://");
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '.' || c == '_' || c == '~' || c == '/')
			sbuf_addch(&u, c);
		else
			sbuf_addf(&u, "%%%02X", c);
	}
	json_str(out, u.buf, u.len);
	sbuf_release(&u);
}

/* One file with results, read again at report time: the fingerprint hashes the text of a
 * result's line, the column is counted in UTF-16 code units, and a suppression quotes the
 * justification. A file that cannot be read any more has no lines: byte columns, and a
 * fingerprint of path, pattern and occurrence only. */
struct sarif_file {
	struct sbuf buf;
	size_t *starts; /* starts[i]: offset of line i + 1; starts[n] = buf.len + 1 */
	size_t n, alloc;
};

static void sarif_file_load(struct sarif_file *sf, const char *path, uint64_t max)
{
	sbuf_reset(&sf->buf);
	sf->n = 0;
	if (sbuf_read_at(&sf->buf, AT_FDCWD, path, (size_t)max))
		return;
	const char *b = sf->buf.buf, *end = b + sf->buf.len, *s = b;
	for (;;) {
		ALLOC_GROW(sf->starts, sf->n + 2, sf->alloc);
		sf->starts[sf->n++] = (size_t)(s - b);
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break;
		s = nl + 1;
	}
	sf->starts[sf->n] = sf->buf.len + 1;
}

/* Line n (1-based) without its newline; 0 when the file has no such line. */
static int sarif_file_line(const struct sarif_file *sf, uint32_t n, const char **start, size_t *len)
{
	if (n < 1 || n > sf->n)
		return 0;
	*start = sf->buf.buf + sf->starts[n - 1];
	*len = sf->starts[n] - 1 - sf->starts[n - 1];
	return 1;
}

static void sarif_file_release(struct sarif_file *sf)
{
	sbuf_release(&sf->buf);
	free(sf->starts);
}

static void trim_space(const char **s, size_t *len)
{
	while (*len && ((*s)[0] == ' ' || (*s)[0] == '\t' || (*s)[0] == '\r'))
		(*s)++, (*len)--;
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t' || (*s)[*len - 1] == '\r'))
		(*len)--;
}

/* The 1-based byte column col as 1-based UTF-16 code units (the column kind the run declares);
 * a byte that is not UTF-8 counts as one. */
static uint32_t utf16_col(const char *line, size_t len, uint32_t col)
{
	const unsigned char *s = (const unsigned char *)line;
	size_t stop = col - 1 < len ? col - 1 : len;
	uint32_t units = 1;
	for (size_t i = 0; i < stop;) {
		size_t k = quote_utf8_len(s + i, len - i);
		units += k == 4 ? 2 : 1;
		i += k ? k : 1;
	}
	return units + (uint32_t)(col - 1 - stop);
}

/* A result of one file before it is written: its fingerprint hash and occurrence. */
struct sarif_res {
	size_t k; /* index into the file's matches */
	XXH128_hash_t h;
	unsigned occurrence; /* earlier results of the file with the same hash */
};

static int cmp_sarif_res(const void *a, const void *b)
{
	const struct sarif_res *x = a, *y = b;
	int c = XXH128_cmp(&x->h, &y->h);
	return c ? c : x->k < y->k ? -1 : x->k > y->k;
}

static int cmp_sarif_k(const void *a, const void *b)
{
	const struct sarif_res *x = a, *y = b;
	return x->k < y->k ? -1 : x->k > y->k;
}

static void sarif_location(struct sbuf *out, const char *path, size_t pathlen, uint32_t line, uint32_t col)
{
	sbuf_addstr(out, "[{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ");
	sarif_uri(out, path, pathlen);
	sbuf_addstr(out, ", \"uriBaseId\": \"SRCROOT\"}");
	if (line)
		sbuf_addf(out, ", \"region\": {\"startLine\": %u, \"startColumn\": %u}", line, col);
	sbuf_addstr(out, "}}]");
}

static void sarif_hex(struct sbuf *out, XXH128_hash_t h, unsigned occurrence)
{
	XXH128_canonical_t c;
	XXH128_canonicalFromHash(&c, h);
	char hex[33];
	bytes_hex(hex, c.digest, 16);
	sbuf_addf(out, ", \"partialFingerprints\": {\"" SARIF_FINGERPRINT "\": \"%s:%u\"}", hex, occurrence);
}

/* The text justifying an allowed match: from the nearest marker at or above its line to the end
 * of that line, trimmed ("// SAFETY: the pointer is valid"). */
static void sarif_justification(struct sbuf *out, const struct sarif_file *sf, const struct rules_pattern *p,
				uint32_t line)
{
	for (uint32_t n = line; n >= 1 && n + SARIF_JUSTIFY_LINES > line; n--) {
		const char *s;
		size_t len;
		if (!sarif_file_line(sf, n, &s, &len))
			break;
		for (size_t i = 0; i < p->nmarkers; i++) {
			const char *hit = memmem(s, len, p->markers[i], strlen(p->markers[i]));
			if (hit) {
				size_t tl = len - (size_t)(hit - s);
				trim_space(&hit, &tl);
				json_str(out, hit, tl);
				return;
			}
		}
	}
	struct sbuf t = SBUF_INIT;
	sbuf_addf(&t, "a %s comment", p->nmarkers ? p->markers[0] : "justification");
	json_str(out, t.buf, t.len);
	sbuf_release(&t);
}

/* What a pattern requires, as a sentence. */
static void sarif_describe(struct sbuf *d, const struct rules_pattern *p)
{
	if (p->action == RA_COMMENT)
		sbuf_addf(d, "'%s' needs a %s comment on its line or the comment lines above.", p->name,
			  p->nmarkers ? p->markers[0] : "justification");
	else if (p->action == RA_FORBID)
		sbuf_addf(d, "'%s' is forbidden in source code.", p->name);
	else
		sbuf_addf(d, "'%s' may occur at most %u times in source code.", p->name, p->threshold);
}

/* The advice, or the description when the config gave none: help and messages need a text. */
static void sarif_advice(struct sbuf *msg, const struct rules_pattern *p)
{
	if (*p->advice)
		sbuf_addstr(msg, p->advice);
	else
		sarif_describe(msg, p);
}

static void sarif_rules(struct sbuf *out, const struct rules *r)
{
	for (size_t i = 0; i < r->n; i++) {
		const struct rules_pattern *p = &r->pats[i];
		struct sbuf d = SBUF_INIT;
		sarif_describe(&d, p);
		sbuf_addstr(out, i ? ",\n        {\"id\": " : "\n        {\"id\": ");
		json_cstr(out, p->name);
		sbuf_addstr(out, ", \"shortDescription\": {\"text\": ");
		json_str(out, d.buf, d.len);
		sbuf_addstr(out, "}, \"fullDescription\": {\"text\": ");
		sbuf_addf(&d, " It matches the PCRE2 regular expression %s.", p->regex);
		json_str(out, d.buf, d.len);
		sbuf_addstr(out, "}, \"help\": {\"text\": ");
		sbuf_reset(&d);
		sarif_advice(&d, p);
		json_str(out, d.buf, d.len);
		sbuf_addstr(out, "}, \"defaultConfiguration\": {\"level\": \"error\"}, \"properties\": {\"action\": ");
		json_cstr(out, rules_action_name(p->action));
		sbuf_addstr(out, ", \"regex\": ");
		json_cstr(out, p->regex);
		if (p->action == RA_COMMENT) {
			sbuf_addstr(out, ", \"required_comments\": [");
			for (size_t k = 0; k < p->nmarkers; k++) {
				if (k)
					sbuf_addstr(out, ", ");
				json_cstr(out, p->markers[k]);
			}
			sbuf_addch(out, ']');
		}
		if (p->action == RA_COUNT)
			sbuf_addf(out, ", \"threshold\": %u", p->threshold);
		sbuf_addstr(out, "}}");
		sbuf_release(&d);
	}
}

/* The results of one file: its violations, and its allowed matches with their suppression. */
static void sarif_file_results(struct sbuf *out, const struct rules *r, const struct walk_file *f,
			       struct sarif_file *sf, int *first)
{
	struct sarif_res *res = NULL;
	size_t n = 0, alloc = 0;
	struct sbuf key = SBUF_INIT;
	for (size_t k = 0; k < f->n; k++) {
		const struct scan_match *m = &f->m[k];
		if (m->outcome != SO_VIOLATION && m->outcome != SO_ALLOWED)
			continue;
		if (!n)
			sarif_file_load(sf, f->path, r->max_filesize);
		const char *s = "";
		size_t len = 0;
		sarif_file_line(sf, m->line, &s, &len);
		trim_space(&s, &len);
		sbuf_reset(&key);
		sbuf_add(&key, f->path, f->pathlen + 1); /* with the NUL: a separator */
		sbuf_add(&key, r->pats[m->pat].name, strlen(r->pats[m->pat].name) + 1);
		sbuf_add(&key, s, len);
		ALLOC_GROW(res, n + 1, alloc);
		res[n].k = k;
		res[n].h = XXH3_128bits(key.buf, key.len);
		n++;
	}
	sbuf_release(&key);
	if (!n)
		return;
	/* the occurrence: the same line text twice in a file (two identical calls) gets :0 and :1 */
	qsort(res, n, sizeof(*res), cmp_sarif_res);
	for (size_t i = 0; i < n; i++)
		res[i].occurrence = i && XXH128_isEqual(res[i].h, res[i - 1].h) ? res[i - 1].occurrence + 1 : 0;
	qsort(res, n, sizeof(*res), cmp_sarif_k);
	for (size_t i = 0; i < n; i++) {
		const struct scan_match *m = &f->m[res[i].k];
		const struct rules_pattern *p = &r->pats[m->pat];
		const char *s;
		size_t len;
		uint32_t col = sarif_file_line(sf, m->line, &s, &len) ? utf16_col(s, len, m->col) : m->col;
		sbuf_addstr(out, *first ? "\n        {\"ruleId\": " : ",\n        {\"ruleId\": ");
		*first = 0;
		json_cstr(out, p->name);
		sbuf_addf(out, ", \"ruleIndex\": %u, \"level\": \"error\", \"message\": {\"text\": ", m->pat);
		struct sbuf msg = SBUF_INIT;
		sarif_advice(&msg, p);
		if (p->action == RA_COMMENT && p->nmarkers)
			sbuf_addf(&msg, " (%s %s comment)", m->outcome == SO_ALLOWED ? "with a" : "no", p->markers[0]);
		sbuf_addch(&msg, '.');
		json_str(out, msg.buf, msg.len);
		sbuf_release(&msg);
		sbuf_addstr(out, "}, \"locations\": ");
		sarif_location(out, f->path, f->pathlen, m->line, col);
		sarif_hex(out, res[i].h, res[i].occurrence);
		if (m->outcome == SO_ALLOWED) {
			sbuf_addstr(out, ", \"suppressions\": [{\"kind\": \"inSource\", \"justification\": ");
			sarif_justification(out, sf, p, m->line);
			sbuf_addstr(out, "}]");
		}
		sbuf_addstr(out, ", \"properties\": {");
		if (m->outcome == SO_VIOLATION)
			sbuf_addf(out, "\"type\": \"%s\", ", sarif_type(p->action));
		sbuf_addstr(out, "\"action\": ");
		json_cstr(out, rules_action_name(p->action));
		sbuf_addstr(out, "}}");
	}
	free(res);
}

void report_sarif(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		  const struct report_summary *sum)
{
	sbuf_addstr(out, "{\n  \"$schema\": "
			 "\"https://docs.oasis-open.org/sarif/sarif/v2.1.0/os/schemas/sarif-schema-2.1.0.json\",\n"
			 "  \"version\": \"2.1.0\",\n  \"runs\": [{\n    \"tool\": {\"driver\": {\"name\": \"walker\", "
			 "\"version\": \"" WALKER_VERSION "\", \"semanticVersion\": \"" WALKER_VERSION "\", "
			 "\"rules\": [");
	sarif_rules(out, r);
	sbuf_addstr(out, "]}},\n    \"columnKind\": \"utf16CodeUnits\",\n    \"results\": [");
	int first = 1;
	struct sarif_file sf = { SBUF_INIT, NULL, 0, 0 };
	for (size_t i = 0; i < res->n; i++)
		sarif_file_results(out, r, &res->files[i], &sf, &first);
	/* a count pattern over its threshold: one result, at its first match in the file with the most */
	for (size_t p = 0; p < r->n; p++) {
		if (r->pats[p].action != RA_COUNT || sum->source[p] <= r->pats[p].threshold)
			continue;
		struct topfile top[TOP_FILES];
		size_t nt = top_files(res, p, top);
		if (!nt)
			continue;
		const struct walk_file *f = &res->files[top[0].file];
		const struct scan_match *m = f->m;
		while (m->pat != p || m->outcome != SO_COUNTED)
			m++;
		sarif_file_load(&sf, f->path, r->max_filesize);
		const char *s;
		size_t len;
		uint32_t col = sarif_file_line(&sf, m->line, &s, &len) ? utf16_col(s, len, m->col) : m->col;
		sbuf_addstr(out, first ? "\n        {\"ruleId\": " : ",\n        {\"ruleId\": ");
		first = 0;
		json_cstr(out, r->pats[p].name);
		sbuf_addf(out, ", \"ruleIndex\": %zu, \"level\": \"error\", \"message\": {\"text\": ", p);
		struct sbuf msg = SBUF_INIT;
		sbuf_addf(&msg, "%s (%llu matches in source code, over the threshold of %u; most in ",
			  r->pats[p].advice, (unsigned long long)sum->source[p], r->pats[p].threshold);
		for (size_t t = 0; t < nt; t++) {
			if (t)
				sbuf_addstr(&msg, ", ");
			sbuf_add(&msg, res->files[top[t].file].path, res->files[top[t].file].pathlen);
			sbuf_addf(&msg, " (%llu)", (unsigned long long)top[t].n);
		}
		sbuf_addstr(&msg, ").");
		json_str(out, msg.buf, msg.len);
		sbuf_addstr(out, "}, \"locations\": ");
		sarif_location(out, f->path, f->pathlen, m->line, col);
		/* one per pattern whatever the files: the pattern's name is the key */
		sbuf_reset(&msg);
		sbuf_addstr(&msg, "threshold");
		sbuf_add(&msg, r->pats[p].name, strlen(r->pats[p].name) + 1);
		sarif_hex(out, XXH3_128bits(msg.buf, msg.len), 0);
		sbuf_release(&msg);
		sbuf_addf(out,
			  ", \"properties\": {\"type\": \"%s\", \"action\": \"count\", \"count\": %llu, \"threshold\": "
			  "%u}}",
			  sarif_type(RA_COUNT), (unsigned long long)sum->source[p], r->pats[p].threshold);
	}
	sarif_file_release(&sf);
	sbuf_addstr(out, "\n    ]");
	/* what could not be checked, as the invocation's notifications */
	sbuf_addstr(out, ",\n    \"invocations\": [{\"executionSuccessful\": true, \"toolExecutionNotifications\": [");
	first = 1;
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		if (f->status != WF_UNREADABLE && f->status != WF_LINK_LOOP && f->status != WF_LIMIT &&
		    f->status != WF_SPECIAL)
			continue;
		sbuf_addstr(out, first ? "\n        {\"level\": \"warning\", \"message\": {\"text\": "
				       : ",\n        {\"level\": \"warning\", \"message\": {\"text\": ");
		first = 0;
		struct sbuf msg = SBUF_INIT;
		if (f->status == WF_LIMIT)
			sbuf_addf(&msg,
				  "Pattern '%s' hit the regex match limit on line %u; its later matches in this file "
				  "are not reported.",
				  r->pats[f->limit_pat].name, f->limit_line);
		else if (f->status == WF_SPECIAL)
			sbuf_addf(&msg, "Skipped, a %s.", reason_of(f));
		else
			sbuf_addf(&msg, "Not checked: %s.", reason_of(f));
		json_str(out, msg.buf, msg.len);
		sbuf_release(&msg);
		sbuf_addstr(out, "}, \"locations\": ");
		sarif_location(out, f->path, f->pathlen, f->status == WF_LIMIT ? f->limit_line : 0, 1);
		sbuf_addch(out, '}');
	}
	sbuf_addstr(out, first ? "]}]\n  }]\n}\n" : "\n      ]}]\n  }]\n}\n");
}

/* ---- --watch: one cycle at a time ----------------------------------------------------------- */

void report_text_cycle(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		       const struct report_summary *sum, const struct report_cycle *cy, const struct report_opts *ro)
{
	const char *green = ro->color ? "\033[32m" : "", *red = ro->color ? "\033[31m" : "",
		   *reset = ro->color ? "\033[0m" : "";
	uint64_t shown = 0;
	for (size_t i = 0; i < cy->nchanges; i++) {
		const struct report_change *c = &cy->changes[i];
		if (ro->limit >= 0 && shown++ >= (uint64_t)ro->limit)
			continue;
		sbuf_addf(out, "%s%c%s ", c->fixed ? green : red, c->fixed ? '-' : '+', reset);
		text_violation(out, c->r, c->path, c->pathlen, &c->m, ro);
	}
	if (ro->limit >= 0 && shown > (uint64_t)ro->limit)
		sbuf_addf(out, "... and %llu more changes (--all shows every one)\n",
			  (unsigned long long)(shown - (uint64_t)ro->limit));
	for (size_t p = 0; p < r->n; p++) {
		int was = cy->prev && over_threshold(r, cy->prev, p), is = over_threshold(r, sum, p);
		if (is && (!was || cy->prev->source[p] != sum->source[p]))
			text_threshold(out, r, res, sum, p, ro);
		else if (was && !is)
			sbuf_addf(out, "%s: %llu matches in source code, within the threshold of %u\n", r->pats[p].name,
				  (unsigned long long)sum->source[p], r->pats[p].threshold);
	}
	text_summary(out, r, res, sum);
}

/* A violation as the JSON report lists it. */
static void json_violation(struct sbuf *out, const struct rules *r, const char *path, size_t pathlen,
			   const struct scan_match *m)
{
	sbuf_addstr(out, "{\"file\": ");
	json_str(out, path, pathlen);
	sbuf_addf(out, ", \"line\": %u, \"column\": %u", m->line, m->col);
	const struct rules_pattern *p = &r->pats[m->pat];
	sbuf_addstr(out, ", \"pattern\": ");
	json_cstr(out, p->name);
	sbuf_addf(out, ", \"type\": \"%s\"", p->action == RA_COMMENT ? "missing_comment" : "forbidden");
	sbuf_addf(out, ", \"action\": \"%s\"", rules_action_name(p->action));
	if (p->action == RA_COMMENT && p->nmarkers) {
		sbuf_addstr(out, ", \"required_comment\": ");
		json_cstr(out, p->markers[0]);
	}
	sbuf_addstr(out, ", \"advice\": ");
	json_cstr(out, p->advice);
	sbuf_addch(out, '}');
}

void report_json_cycle(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		       const struct report_summary *sum, const struct report_cycle *cy)
{
	sbuf_addf(out, "{\"tool\": \"walker\", \"version\": \"%s\", \"cycle\": %lu, \"full\": %s, \"passed\": %s",
		  WALKER_VERSION, cy->number, cy->full ? "true" : "false", report_passed(sum) ? "true" : "false");
	sbuf_addstr(out, ", \"checked\": [");
	for (size_t i = 0; i < cy->nchecked; i++) {
		if (i)
			sbuf_addstr(out, ", ");
		json_str(out, cy->checked[i], strlen(cy->checked[i]));
	}
	for (int fixed = 0; fixed < 2; fixed++) {
		sbuf_addstr(out, fixed ? "], \"fixed\": [" : "], \"new\": [");
		int first = 1;
		for (size_t i = 0; i < cy->nchanges; i++) {
			const struct report_change *c = &cy->changes[i];
			if (c->fixed != fixed)
				continue;
			if (!first)
				sbuf_addstr(out, ", ");
			first = 0;
			json_violation(out, c->r, c->path, c->pathlen, &c->m);
		}
	}
	sbuf_addstr(out, "], \"threshold_violations\": [");
	json_thresholds(out, r, res, sum, "");
	sbuf_addf(out,
		  "], \"summary\": {\"files\": %llu, \"violations\": %llu, \"allowed\": %llu, \"test\": %llu, "
		  "\"counted\": %llu, \"skipped\": %llu, \"unreadable\": %llu}",
		  (unsigned long long)res->stats.files, (unsigned long long)(sum->violations + sum->over_threshold),
		  (unsigned long long)sum->allowed, (unsigned long long)sum->in_tests, (unsigned long long)sum->counted,
		  (unsigned long long)(sum->skipped + sum->limited), (unsigned long long)sum->unreadable);
	sbuf_addstr(out, ", \"counts\": {\"source\": ");
	json_counts(out, r, sum->source);
	sbuf_addstr(out, ", \"test\": ");
	json_counts(out, r, sum->test);
	sbuf_addstr(out, "}}\n");
}
