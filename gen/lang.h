/*
 * lang: source text for fixtures, per language: filler lines that match no escape pattern, and
 * planted scenarios (a match plain, in a string, in a comment, twice on a line, justified on the same
 * line, above, just inside and just outside the accepted distance, near-misses). Every match written
 * is recorded with its outcome under the default rules of docs/fixtures.md.
 *
 *   struct lang_file f; lang_file_begin(&f, LANG_RUST, is_test, &rng, out, plants, entry);
 *   lang_plain(&f); lang_filler(&f); lang_scenario(&f); ... lang_file_end(&f);
 */
#ifndef LANG_H
#define LANG_H

#include <stdint.h>

#include "fx.h"
#include "prng.h"

enum lang_id { LANG_RUST, LANG_GO, LANG_C, LANG_TS, LANG_JS, LANG_PY, LANG_RB, LANG_SH, LANG_COUNT };

struct lang_line {
	uint8_t cls;     /* 0 blank, 1 comment, 2 code */
	uint8_t markers; /* bit per marker id */
	uint8_t in_test_mod;
};

struct lang_file {
	int lang;
	int test;        /* the whole file is test code */
	int in_test_mod; /* inside a Rust #[cfg(test)] module */
	struct prng *r;
	struct sbuf *out;
	struct fx_plants *plants;
	uint32_t entry;
	struct lang_line *lines;
	size_t nlines, alloc;
};

const char *lang_ext(int lang);
void lang_file_begin(struct lang_file *f, int lang, int test, struct prng *r, struct sbuf *out,
		     struct fx_plants *plants, uint32_t entry);
void lang_file_end(struct lang_file *f);
/* One filler line (never a match). */
void lang_filler(struct lang_file *f);
/* A one-line plain match of a random pattern (a violation in source code). */
void lang_plain(struct lang_file *f);
/* A random scenario block of 1 to 4 lines. */
void lang_scenario(struct lang_file *f);
/* Rust only: a #[cfg(test)] module with matches counted as test code. */
void lang_rust_test_module(struct lang_file *f);
/* Emit a raw line with no match (caller guarantees it). */
void lang_raw(struct lang_file *f, const char *text);
/* Ends the file without a trailing newline (the last line must already have been written). */
void lang_strip_final_newline(struct lang_file *f);

#endif
