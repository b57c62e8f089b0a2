/* libFuzzer harness: the lexer (walker/lex.c) of every language and the Rust readers built on it
 * (walker/rust.c), on arbitrary bytes. The first byte picks the language; the spans must be
 * sorted, disjoint, inside the input and of a known kind, and lexing only part of the input must
 * classify that part the same way. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "lex.h"
#include "rules.h"
#include "rust.h"
#include "sbuf.h"

static void check(const struct lex_spans *sp, size_t len)
{
	for (size_t i = 0; i < sp->n; i++) {
		const struct lex_span *s = &sp->v[i];
		if (s->start >= s->end || s->end > len || (i && sp->v[i - 1].end > s->start) ||
		    (s->kind != LK_COMMENT && s->kind != LK_DOC && s->kind != LK_STRING))
			__builtin_trap();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lex_spans all = LEX_SPANS_INIT, part = LEX_SPANS_INIT;
	if (!size)
		return 0;
	int lang = data[0] % RL_COUNT;
	const char *buf = (const char *)data + 1;
	size_t len = size - 1, upto = len / 2;
	lex_run(lang, buf, len, len, &all);
	check(&all, len);
	lex_run(lang, buf, len, upto, &part);
	check(&part, len);
	/* every byte before upto: the same kind either way */
	size_t ca = 0, cp = 0;
	for (size_t i = 0; i < upto; i++)
		if (lex_kind_at(&all, i, &ca) != lex_kind_at(&part, i, &cp))
			__builtin_trap();
	if (lang == RL_RUST) {
		struct rust_regions rg = RUST_REGIONS_INIT, wv = RUST_REGIONS_INIT;
		struct sbuf mods = SBUF_INIT;
		rust_test_regions(buf, len, len, &all, &rg);
		for (size_t i = 0; i < rg.n; i++)
			if (rg.v[i].start > rg.v[i].end || rg.v[i].end > len || (i && rg.v[i - 1].end > rg.v[i].start))
				__builtin_trap();
		rust_waivers(buf, len, len, &all, &wv);
		rust_mod_decls(buf, len, &all, &rg, &mods);
		if (mods.len > 65535)
			__builtin_trap();
		size_t hint = 0;
		for (size_t i = 0; i < len && i < 64; i++)
			if (buf[i] == '#') {
				(void)rust_attr_has_reason(buf, len, i, &all, &hint);
				(void)rust_attr_cfg_gated_unused(buf, len, i, &all, &hint, i & 1);
			}
		rust_regions_release(&rg);
		rust_regions_release(&wv);
		sbuf_release(&mods);
	}
	return 0;
}
