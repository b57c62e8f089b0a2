/*
 * lang: source text for fixtures, per language: filler lines that hold no hit of any pattern's
 * regex, planted scenarios (a match plain, in a string, in a comment, twice on a line, justified on
 * the same line, above, just inside and just outside the accepted distance, across a wrapped
 * statement, by a marker that is not at the start of its comment, by its own reason; look-alikes),
 * and case blocks for every lexer and judgement rule of docs/fixtures.md. Every regex hit written is
 * recorded with its outcome (gen/truth.c), decoys included. Hits are judged when the file ends: a
 * marker first inside a block comes after the match.
 *
 *   struct lang_file f; lang_file_begin(&f, LANG_RUST, is_test, crlf, &rng, out, plants, entry);
 *   lang_file_scope(&f, tools, waived);
 *   lang_head(&f, HEAD_NONE); lang_plain(&f); lang_filler(&f); lang_scenario(&f); ... lang_file_end(&f);
 */
#ifndef LANG_H
#define LANG_H

#include <stdint.h>

#include "fx.h"
#include "prng.h"
#include "truth.h"

/* Lines written first in a file (fx_entry.head). */
enum lang_head {
	HEAD_NONE,
	HEAD_SH,        /* #!/bin/sh */
	HEAD_BASH,      /* #!/usr/bin/env bash */
	HEAD_ZSH,       /* #!/bin/zsh */
	HEAD_PYTHON3,   /* #!/usr/bin/env python3 */
	HEAD_PYTHON,    /* #!/usr/bin/python */
	HEAD_RUBY,      /* #!/usr/bin/env ruby */
	HEAD_NODE,      /* #!/usr/bin/env node */
	HEAD_RUST_ROOT, /* lib.rs: cfg(test) mod helpers (split over two lines) and checks, cfg(not(test)) mod real */
	HEAD_RUST_HELPERS, /* helpers/mod.rs: mod fixtures; */
	HEAD_RUST_PARSER,  /* parser.rs: #[cfg(test)] mod tests; */
	HEAD_RUST_WAIVER,  /* a crate root waiving undocumented unsafe blocks with a reason: mod sys; */
	HEAD_RUST_WAIVED,  /* sys.rs of that crate: mod raw; (waived in turn) */
	HEAD_RUST_DEBT,    /* a crate root whose waiver's reason is a TODO (no waiver): mod inner; */
	HEAD_COUNT
};

struct lang_hit; /* a planted hit waiting for its judgement */

struct lang_file {
	int lang;
	int test;            /* the whole file is test code */
	int no_comment_rule; /* plant nothing the comment rule judges (CRLF text: see lang_file_begin) */
	unsigned tools;      /* enum truth_tool bits configured for the file's directory */
	int waived;          /* SAFETY patterns waived in the whole file */
	struct prng *r;
	struct sbuf *out;
	struct fx_plants *plants;
	uint32_t entry;
	struct truth_line *lines;
	size_t nlines, alloc;
	struct lang_hit *hits;
	size_t nhits, ahits;
};

const char *lang_ext(int lang);
/* crlf: the file will get CRLF line ends. Whether a CR after a statement's `;` leaves the line a
 * continuation is not settled by the rules, so such files plant only forbid and count patterns. */
void lang_file_begin(struct lang_file *f, int lang, int test, int crlf, struct prng *r, struct sbuf *out,
		     struct fx_plants *plants, uint32_t entry);
/* What the plan knows of the file's place: the tools configured for its directory (ESLint, Biome)
 * and whether a crate root's documented waiver covers it (the root itself, or a module it
 * declares). Both default to none. */
void lang_file_scope(struct lang_file *f, unsigned tools, int waived);
/* Judges every hit planted (appending them to plants) and frees the file's state. */
void lang_file_end(struct lang_file *f);
/* The head's lines (a shebang is followed by a code line). */
void lang_head(struct lang_file *f, int head);
/* One filler line (no hit). */
void lang_filler(struct lang_file *f);
/* A code line that ends a statement: the comment rule's search stops there. */
void lang_separator(struct lang_file *f);
/* A one-line plain match of a random pattern. */
void lang_plain(struct lang_file *f);
/* A random scenario (1 to 4 lines) or, one time in eight, a random case block. */
void lang_scenario(struct lang_file *f);
/* Every case block of the language, in order, fillers between. */
void lang_cases(struct lang_file *f);
/* Rust only: a random test-region block (#[cfg(test)] module) with its matches in test code. */
void lang_rust_test_module(struct lang_file *f);
/* Ends the file without a trailing newline (the last line must already have been written). */
void lang_strip_final_newline(struct lang_file *f);

#endif
