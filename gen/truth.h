/*
 * truth: the escape rules the fixtures' ground truth assumes (docs/fixtures.md, design of issue 11):
 * the default pattern table per language, the justification markers, and the judgement of one
 * planted regex hit. It never reads generated text: the text writer (gen/lang.c) states what it
 * planted (the hit's zone, each line's class and the markers its comments start with), and this
 * module turns that into an outcome.
 *
 *   const struct truth_pat *p = truth_find(LANG_RUST, "unsafe", 6);
 *   int where, o = truth_outcome(LANG_RUST, p, TZ_CODE, file_test, lines, nlines - 1, &where);
 */
#ifndef TRUTH_H
#define TRUTH_H

#include <stddef.h>
#include <stdint.h>

enum lang_id { LANG_RUST, LANG_GO, LANG_C, LANG_TS, LANG_JS, LANG_PY, LANG_RB, LANG_SH, LANG_COUNT };

/* Where a pattern may match: the class of the match's first byte. */
enum truth_in { IN_CODE, IN_COMMENT };
enum truth_action { ACT_COMMENT, ACT_FORBID, ACT_COUNT };

/* Justification markers, normalised (leader and whitespace stripped, compared case-insensitively). */
enum truth_marker {
	MK_SAFETY,
	MK_JUSTIFIED,
	MK_LINKNAME,
	MK_NOESCAPE,
	MK_NOLINT,
	MK_CAST,
	MK_EVAL,
	MK_EXEC,
	MK_DYNAMIC,
	MK_METAPROGRAMMING,
	MK_OK,
	MK_COUNT
};

struct truth_pat {
	const char *name;
	uint8_t in;       /* enum truth_in */
	uint8_t action;   /* enum truth_action */
	uint8_t tests;    /* judged in test code too ("forbid, also in tests") */
	uint16_t markers; /* bit per enum truth_marker; ACT_COMMENT only */
};

/* The zone of a hit's first byte, as the text writer planted it (one letter in its templates). */
enum truth_zone {
	TZ_CODE = 'c',
	TZ_COMMENT = 'k',
	TZ_DOC = 'd',      /* a Rust doc comment: doc-test code for in=code patterns */
	TZ_STRING = 's',   /* any string or character literal, here-document, raw string */
	TZ_REGEX = 'g',    /* a JS regex literal (planted only for in=comment patterns) */
	TZ_REASON = 'r',   /* code: a Rust allow/expect attribute carrying its own `reason =` */
	TZ_DESCRIBED = 'q' /* comment: an eslint-disable directive with its own ` -- ` description */
};

/* Line classes for the upward search of the comment rule. */
enum truth_cls {
	TC_BLANK,
	TC_COMMENT, /* comment-only */
	TC_ATTR,    /* Rust: the line's code is one attribute */
	TC_CONT,    /* Rust, C/C++, JS/TS: code whose last code byte is not ; { or } */
	TC_CODE,    /* any other code line: ends the search, not searched */
	TC_OPAQUE,  /* inside a multi-line string: never planted where the search would reach it */
};

struct truth_line {
	uint8_t cls;
	uint8_t test;     /* inside a Rust test region (attribute line through the item's end) */
	uint16_t markers; /* markers that a comment starting on this line starts with */
};

/* The search reached a line whose class the rules leave open (a bug in the planted text). */
#define TRUTH_AMBIGUOUS (-1)

/* The default pattern `name` (len bytes) of language lang, or NULL. */
const struct truth_pat *truth_find(int lang, const char *name, size_t len);
/* "SAFETY" for MK_SAFETY; the marker written in a comment is this followed by ':'. */
const char *truth_marker_name(int mk);
/* The marker called name (len bytes), or -1. */
int truth_marker_find(const char *name, size_t len);
/* Languages whose statements may wrap: a code line not ending in ; { } is skipped upward. */
int truth_wraps(int lang);

/*
 * The outcome (enum fx_outcome) of a hit of p whose first byte is in zone, on line idx of lines
 * (0-based; lines[0..idx] are known). FX_DECOY when the zone is not where p matches; *where then
 * names the zone ("code", "comment", "string", "regex"). TRUTH_AMBIGUOUS when the comment rule's
 * search would have to decide a case the rules leave open.
 */
int truth_outcome(int lang, const struct truth_pat *p, int zone, int file_test, const struct truth_line *lines,
		  size_t idx, const char **where);

#endif
