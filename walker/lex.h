/*
 * lex: one pass over a file's bytes that tells, per language, which bytes are
 * code, comment, doc comment or string literal (docs/patterns.md, "The lexer").
 * The scanner uses it to keep a pattern to its place (code or comment), to find
 * justification comments and Rust test attributes, and to match braces.
 *
 * Calling sequence:
 *   struct lex_spans sp = LEX_SPANS_INIT;
 *   lex_run(RL_RUST, buf, len, upto, &sp);     (reset first; spans sorted, disjoint)
 *   ... lex_kind_at(&sp, off, &cursor) for ascending offsets ...
 *   lex_spans_release(&sp);
 *
 * Only the bytes that are not code are recorded, as spans. Everything that
 * starts before `upto` is classified exactly; lexing may stop at the first
 * code byte at or after it. Unterminated comments and strings run to the end
 * of the file (or of the line, where the language ends that string there).
 * Time is linear in the bytes lexed; memory is one span per comment or string.
 */
#ifndef LEX_H
#define LEX_H

#include <stddef.h>
#include <stdint.h>

enum lex_kind { LK_CODE, LK_COMMENT, LK_DOC, LK_STRING };

struct lex_span {            /* 16 bytes: a comment-heavy file has a span every few dozen bytes */
	uint64_t start : 62; /* [start, end) */
	uint64_t kind : 2;   /* enum lex_kind, never LK_CODE */
	uint64_t end;
};

struct lex_spans {
	struct lex_span *v;
	size_t n, alloc;
};
#define LEX_SPANS_INIT     \
	{                  \
		NULL, 0, 0 \
	}

/* Lex buf[0..len) as language lang (enum rules_lang) into out (reset first), at least through
 * upto (on to the end of its line): every byte before upto is classified as a full run would.
 * A language without a lexer (RL_OTHER) yields no span: all code. */
void lex_run(int lang, const char *buf, size_t len, size_t upto, struct lex_spans *out);

/* The kind of the byte at off. *cursor (start at 0) makes ascending lookups
 * linear in total; a lookup below the previous one restarts by binary search. */
int lex_kind_at(const struct lex_spans *sp, size_t off, size_t *cursor);

/* Index of the first span that ends after off (sp->n when none). */
size_t lex_first_after(const struct lex_spans *sp, size_t off);
/* The same, starting from *hint (an earlier answer, updated): a few steps when off is near the
 * last lookup, a binary search otherwise. */
size_t lex_first_after_near(const struct lex_spans *sp, size_t off, size_t *hint);

void lex_spans_release(struct lex_spans *sp);

#endif
