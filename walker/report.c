/* report: text and JSON output of a walk (docs/output.md). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "version.h"
#include "xalloc.h"
#include "banned.h"

#define TOP_FILES 5

void report_summarize(const struct rules *r, const struct walk_result *res, struct report_summary *sum)
{
	memset(sum, 0, sizeof(*sum));
	sum->source = xcalloc(r->n + 1, sizeof(uint64_t));
	sum->test = xcalloc(r->n + 1, sizeof(uint64_t));
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome == SO_TEST)
				sum->test[m->pat]++, sum->in_tests++;
			else
				sum->source[m->pat]++;
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
	memset(sum, 0, sizeof(*sum));
}

void report_path_text(struct sbuf *out, const char *p, size_t len)
{
	const unsigned char *s = (const unsigned char *)p;
	int plain = 1;
	for (size_t i = 0; i < len && plain;) {
		size_t k = json_utf8_len(s + i, len - i);
		if (!k || (k == 1 && (s[i] < 0x20 || s[i] == 0x7f || s[i] == '"' || s[i] == '\\')))
			plain = 0;
		i += k ? k : 1;
	}
	if (plain) {
		sbuf_add(out, p, len);
		return;
	}
	sbuf_addch(out, '"');
	for (size_t i = 0; i < len;) {
		size_t k = json_utf8_len(s + i, len - i);
		unsigned char c = s[i];
		if (k > 1) {
			sbuf_add(out, p + i, k);
			i += k;
			continue;
		}
		i++;
		if (k == 1 && c >= 0x20 && c != 0x7f && c != '"' && c != '\\')
			sbuf_addch(out, c);
		else if (c == '\n')
			sbuf_addstr(out, "\\n");
		else if (c == '\t')
			sbuf_addstr(out, "\\t");
		else if (c == '\r')
			sbuf_addstr(out, "\\r");
		else if (c == '"' || c == '\\') {
			sbuf_addch(out, '\\');
			sbuf_addch(out, c);
		} else
			sbuf_addf(out, "\\%03o", c);
	}
	sbuf_addch(out, '"');
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

void report_text(struct sbuf *out, const struct rules *r, const struct walk_result *res,
		 const struct report_summary *sum, const struct report_opts *ro)
{
	const char *bold = ro->color ? "\033[1m" : "", *red = ro->color ? "\033[31m" : "",
		   *reset = ro->color ? "\033[0m" : "";
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
			const struct rules_pattern *p = &r->pats[m->pat];
			sbuf_addstr(out, bold);
			report_path_text(out, f->path, f->pathlen);
			sbuf_addf(out, ":%u:%u:%s %s%s%s: %s", m->line, m->col, reset, red, p->name, reset, p->advice);
			if (p->action == RA_COMMENT && p->nmarkers)
				sbuf_addf(out, " (no %s comment)", p->markers[0]);
			sbuf_addch(out, '\n');
		}
	}
	if (ro->limit >= 0 && shown > (uint64_t)ro->limit)
		sbuf_addf(out, "... and %llu more (--all shows every one)\n",
			  (unsigned long long)(shown - (uint64_t)ro->limit));
	for (size_t p = 0; p < r->n; p++) {
		if (r->pats[p].action != RA_COUNT || sum->source[p] <= r->pats[p].threshold)
			continue;
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
	sbuf_addf(out, "%s: %llu files, %llu violations", report_passed(sum) ? "PASS" : "FAIL",
		  (unsigned long long)res->stats.files, (unsigned long long)(sum->violations + sum->over_threshold));
	sbuf_addstr(out, "; source: ");
	text_counts(out, r, sum->source);
	sbuf_addstr(out, "; test: ");
	text_counts(out, r, sum->test);
	if (sum->skipped || sum->unreadable || sum->limited)
		sbuf_addf(out, "; %llu skipped, %llu unreadable", (unsigned long long)(sum->skipped + sum->limited),
			  (unsigned long long)sum->unreadable);
	sbuf_addch(out, '\n');
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

static void json_loc(struct sbuf *out, const struct walk_file *f, const struct scan_match *m,
		     const struct rules_pattern *p)
{
	sbuf_addstr(out, "{\"file\": ");
	json_str(out, f->path, f->pathlen);
	sbuf_addf(out, ", \"line\": %u, \"column\": %u, \"pattern\": ", m->line, m->col);
	json_cstr(out, p->name);
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

static void json_list(struct sbuf *out, const char *key, const struct rules *r, const struct walk_result *res,
		      int outcome)
{
	sbuf_addf(out, ",\n  \"%s\": [", key);
	int first = 1;
	for (size_t i = 0; i < res->n; i++) {
		const struct walk_file *f = &res->files[i];
		for (size_t k = 0; k < f->n; k++) {
			const struct scan_match *m = &f->m[k];
			if (m->outcome != outcome)
				continue;
			const struct rules_pattern *p = &r->pats[m->pat];
			sbuf_addstr(out, first ? "\n    " : ",\n    ");
			first = 0;
			json_loc(out, f, m, p);
			if (outcome == SO_VIOLATION) {
				sbuf_addf(out, ", \"action\": \"%s\"", rules_action_name(p->action));
				if (p->action == RA_COMMENT && p->nmarkers) {
					sbuf_addstr(out, ", \"required_comment\": ");
					json_cstr(out, p->markers[0]);
				}
				sbuf_addstr(out, ", \"advice\": ");
				json_cstr(out, p->advice);
			}
			sbuf_addch(out, '}');
		}
	}
	sbuf_addstr(out, first ? "]" : "\n  ]");
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
	json_list(out, "violations", r, res, SO_VIOLATION);
	sbuf_addstr(out, ",\n  \"threshold_violations\": [");
	int first = 1;
	for (size_t p = 0; p < r->n; p++) {
		if (r->pats[p].action != RA_COUNT || sum->source[p] <= r->pats[p].threshold)
			continue;
		struct topfile top[TOP_FILES];
		size_t nt = top_files(res, p, top);
		sbuf_addstr(out, first ? "\n    {\"pattern\": " : ",\n    {\"pattern\": ");
		first = 0;
		json_cstr(out, r->pats[p].name);
		sbuf_addf(out,
			  ", \"action\": \"count\", \"count\": %llu, \"threshold\": %u, "
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
	sbuf_addstr(out, first ? "]" : "\n  ]");
	json_list(out, "allowed", r, res, SO_ALLOWED);
	json_list(out, "test", r, res, SO_TEST);
	json_list(out, "counted", r, res, SO_COUNTED);
	const char *keys[] = { "skipped", "unreadable", "errors" };
	for (int kind = 0; kind < 3; kind++) {
		sbuf_addf(out, ",\n  \"%s\": [", keys[kind]);
		first = 1;
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
