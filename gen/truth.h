/*
 * truth: the escape rules the fixtures' ground truth assumes (docs/patterns.md): the default
 * pattern table per language, the justification markers, and the judgement of one planted regex
 * hit. It never reads generated text: the text writer (gen/lang.c) states what it planted (the
 * hit's zone, each line's class, flags and the markers its comments start with, the file's test
 * status, configured tools and waiver), and this module turns that into an outcome.
 *
 *   const struct truth_pat *p = truth_find(LANG_RUST, "unsafe", 6);
 *   struct truth_file tf = { LANG_RUST, 0, 0, 0, lines, nlines };
 *   int where, o = truth_outcome(&tf, p, TZ_CODE, idx, covered, &where);
 */
#ifndef TRUTH_H
#define TRUTH_H

#include <stddef.h>
#include <stdint.h>

enum lang_id { LANG_RUST, LANG_GO, LANG_C, LANG_TS, LANG_JS, LANG_PY, LANG_RB, LANG_SH, LANG_COUNT };

/* Where a pattern may match (`in =`): code, anywhere in a comment, or at the start of a comment's
 * text (a tool's directive). */
enum truth_in { IN_CODE, IN_COMMENT, IN_DIRECTIVE };
enum truth_action { ACT_COMMENT, ACT_FORBID, ACT_COUNT };
/* A directive's own description (`description =`): after " -- ", after " //", any text. */
enum truth_desc { DESC_NONE, DESC_DASHES, DESC_SLASHES, DESC_TEXT };
/* Tools that must be configured for a pattern to apply (`requires =`). */
enum truth_tool { TOOL_ESLINT = 1, TOOL_BIOME = 2 };

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

/* Pattern traits (truth_pat.traits). */
enum {
	TP_OPENS = 1,    /* the regex ends with `\{`: a marker first inside the block justifies it */
	TP_ATTR = 2,     /* a Rust attribute (allow, cfg_attr_allow): judged by the attribute rules too */
	TP_SAFETY = 4,   /* a comment pattern with the SAFETY marker: waivers and justified blocks cover it */
	TP_CFG_ATTR = 8, /* cfg_attr(COND, allow(…)): justified by itself when it silences only unused code */
};

struct truth_pat {
	const char *name;
	uint8_t in;       /* enum truth_in */
	uint8_t action;   /* enum truth_action */
	uint8_t tests;    /* judged in test code too ("forbid, also in tests") */
	uint8_t desc;     /* enum truth_desc */
	uint8_t requires; /* enum truth_tool bits */
	uint8_t traits;   /* TP_* */
	uint16_t markers; /* bit per enum truth_marker; ACT_COMMENT only */
};

/* The zone of a hit's first byte, as the text writer planted it (one letter in its templates). */
enum truth_zone {
	TZ_CODE = 'c',
	TZ_COMMENT = 'k',   /* in a comment, at the start of its text (a directive where one is read) */
	TZ_PROSE = 'p',     /* in a comment, after other text: prose, no directive */
	TZ_DOC = 'd',       /* a Rust doc comment: doc-test code for in=code patterns */
	TZ_STRING = 's',    /* any string or character literal, here-document, raw string */
	TZ_REGEX = 'g',     /* a JS regex literal (planted only for comment and directive patterns) */
	TZ_QUOTE = 'm',     /* code inside a Rust quote! body: emitted by a proc macro, no match */
	TZ_REASON = 'r',    /* code: a Rust allow/expect attribute carrying its own `reason =` */
	TZ_UNUSED = 'n',    /* code: a Rust allow/expect attribute silencing only unused-code lints */
	TZ_DESCRIBED = 'q', /* a directive at the start of its comment with its own description */
};

/* Line classes for the upward search of the comment rule. */
enum truth_cls {
	TC_BLANK,
	TC_COMMENT, /* comment-only */
	TC_ATTR,    /* Rust: the line's first code bytes are `#[` or `#![` */
	TC_CONT,    /* Rust, C/C++, JS/TS: a statement that goes on below (skipped upward) */
	TC_CODE,    /* any other code line: ends the search, not searched */
	TC_OPAQUE,  /* inside a multi-line string: never planted where a search would reach it */
};

/* Line flags (truth_line.flags). */
enum {
	TL_TEST = 1,     /* inside a Rust test region (attribute line through the item's end) */
	TL_DOC = 2,      /* comment-only, and its first comment is a doc comment */
	TL_CFG = 4,      /* an attribute line holding `cfg(` */
	TL_TRAIL = 8,    /* the line ends with a comment after its code */
	TL_OPENS = 16,   /* a block opened on the line is still open at its end */
	TL_COVERED = 32, /* inside the block opened by the last TL_OPENS line with an `unsafe {` */
	TL_WAIVED = 64,  /* inside an item whose documented waiver covers the SAFETY patterns */
};

struct truth_line {
	uint8_t cls;
	uint8_t flags;    /* TL_* */
	uint16_t markers; /* markers that a comment starting on this line starts with */
	uint16_t own;     /* ... where that comment holds the line's own directive: no marker for it */
};

/* What the writer knows of a file. */
struct truth_file {
	int lang;
	int test;       /* the whole file is test code */
	unsigned tools; /* enum truth_tool bits configured for its directory */
	int waived;     /* the SAFETY patterns are waived in the whole file (a crate root's documented waiver) */
	const struct truth_line *lines;
	size_t nlines;
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
/* The tool (enum truth_tool) that a file called name configures for its directory and those below
 * (eslint.config.*, .eslintrc*, biome.json, biome.jsonc), or 0. */
unsigned truth_tool_of_name(const char *name);

/*
 * The outcome (enum fx_outcome) of a hit of p whose first byte is in zone, on line idx of f's
 * lines (0-based). covered: the line lies in an `unsafe {` block found justified. FX_DECOY when
 * p does not match there; *where then names why ("code", "comment", "string", "regex", "quote",
 * "unconfigured"). TRUTH_AMBIGUOUS when a search would have to decide a case the rules leave
 * open.
 */
int truth_outcome(const struct truth_file *f, const struct truth_pat *p, int zone, size_t idx, int covered,
		  const char **where);

#endif
