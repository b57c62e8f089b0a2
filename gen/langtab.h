/*
 * langtab: the source text genfixtures plants, per language (gen/langtab.c), read by gen/lang.c.
 * Private to the lang module.
 *
 * A line template is "HEAD|TEXT". HEAD states what the writer knows about the line, for the
 * comment rule's searches (truth.h): one class letter
 *   b blank   m comment-only   a Rust attribute line (its code starts with #[ or #![)
 *   k skipped upward (code not ending in ; { }, a { after an assignment, Rust's unsafe fn … {)
 *   c any other code line      x inside a multi-line string (never searched)
 * and optional flags:
 *   t in a Rust test region    e ends inside a line comment (a marker appended to it is not at the
 *                              start of a comment; after a Rust attribute, the attribute's reason)
 *   d its comment is a doc comment    g an attribute line holding cfg(
 *   o a block opened on it stays open at its end     u inside the block of the last o line
 *   w inside an item whose clippy::undocumented_unsafe_blocks waiver has a reason
 * TEXT is written as is, except three controls that write nothing:
 *   H(zone, pattern)  a hit of the pattern's regex starts at the next byte, in that zone
 *                     (truth.h enum truth_zone: c k p d s g m r n q)
 *   J(MARKER)         a comment on this line starts with MARKER (truth.h enum truth_marker)
 *   K(MARKER)         the same, for the comment holding the line's own directive: a marker for
 *                     the lines below, none for that directive
 */
#ifndef LANGTAB_H
#define LANGTAB_H

#include <stddef.h>

#include "lang.h"

#define LT_HIT '\x01'
#define LT_MARK '\x03'
#define LT_OWN '\x04'
#define LT_END '\x02'
#define H(zone, pat) "\x01" #zone #pat "\x02"
#define J(marker) "\x03" #marker "\x02"
#define K(marker) "\x04" #marker "\x02"

/* The templates of one pattern (NULL where a variant does not exist). */
struct gpat {
	const char *name;
	const char *code[2]; /* a plain match */
	const char *str;     /* the regex inside a string */
	const char *cmt;     /* the regex inside a comment */
	const char *dbl;     /* two matches on one line */
	const char *near[2]; /* look-alikes that do not match the regex */
	const char *wrap[2]; /* a skipped line (continuation, attribute) and the match below it */
	const char *selfj;   /* a match justified by itself (reason =, " -- " description) */
};

/* A fixed sequence of lines planting one lexer or judgement case. */
struct gblock {
	const char *name;
	const char *const *lines; /* NULL-terminated */
};

struct glang {
	const char *ext;
	const char *lc;     /* line comment leader: "//" or "#" */
	int block_comments; /* has slash-star comments */
	const char *indent;
	const char *filler[5]; /* printf formats of three %u; filler[0] is code that ends a statement */
	const struct gpat *pats;
	size_t npats;
	const struct gblock *cases; /* every case block, in the order of a cases file */
	size_t ncases;
	const struct gblock *modules; /* Rust: test-region blocks that end dense files */
	size_t nmodules;
};

extern const struct glang lang__tabs[LANG_COUNT];
/* enum lang_head: the block and the language it belongs to. */
extern const struct gblock lang__heads[HEAD_COUNT];
extern const unsigned char lang__head_lang[HEAD_COUNT];

#endif
