/*
 * rust: what the scanner reads from Rust syntax beyond comments and strings:
 * test code from attributes (#[cfg(test)] items, #[test] functions), attribute
 * reasons, and the module files a file declares (`mod name;`).
 *
 * Calling sequence (spans from lex_run over at least buf[0..limit)):
 *   struct rust_regions rg = RUST_REGIONS_INIT;
 *   rust_test_regions(buf, len, limit, &spans, &rg);   (sorted, disjoint)
 *   rust_mod_decls(buf, len, &spans, &rg, &mods);      (flag byte, name, NUL; per declaration)
 *   rust_regions_release(&rg);
 *
 * Every scan is linear in the bytes it looks at: an attribute is at most
 * RUST_ATTR_MAX bytes, and the search for the next attribute resumes after the
 * end of the item the previous one governs.
 */
#ifndef RUST_H
#define RUST_H

#include <stddef.h>

#include "lex.h"
#include "sbuf.h"

#define RUST_ATTR_MAX 4096
#define RUST_MOD_TEST 1   /* flag of a declared module: it is test code (cfg(test), or in a test region) */
#define RUST_MOD_WAIVER 2 /* an entry with no name: the file waives undocumented unsafe blocks for its modules */

struct rust_region {
	size_t start, end; /* test code: the attribute's first byte to the item's closing '}' or ';' */
};

struct rust_regions {
	struct rust_region *v;
	size_t n, alloc;
};
#define RUST_REGIONS_INIT  \
	{                  \
		NULL, 0, 0 \
	}

/* Test items whose attribute starts before limit; a region that does not close before limit ends at len. */
void rust_test_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp, struct rust_regions *out);

/* buf[0..limit) may hold a test attribute: a "#[" whose text names test or bench (textual, so
 * cheap: when it says no, no test region can exist and nothing needs lexing for them). */
int rust_maybe_tests(const char *buf, size_t limit);

/* The offset just past the last "mod" that could start a `mod name;` declaration, or 0. Tells
 * the caller how far to lex. */
size_t rust_mod_extent(const char *buf, size_t len);

/* Append each out-of-line module declaration (`mod name;` in code) to out as a flag byte
 * (RUST_MOD_TEST when it is cfg(test) or inside a test region), the name and a NUL. */
void rust_mod_decls(const char *buf, size_t len, const struct lex_spans *sp, const struct rust_regions *rg,
		    struct sbuf *out);

/* The attribute whose '#' is at off carries `reason = "…"` (allow, expect, cfg_attr). hint: a span
 * index near off (lex_first_after_near), so that many attributes on one line cost no search. */
int rust_attr_has_reason(const char *buf, size_t len, size_t off, const struct lex_spans *sp, size_t *hint);

/* The attribute at off is a cfg_attr(…) (or, with plain, any attribute: the caller saw a #[cfg]
 * on the item) whose allow/expect lists only unused-code lints (dead_code, unused*,
 * unreachable_pub): the cfg is the reason the code is unused. */
int rust_attr_cfg_gated_unused(const char *buf, size_t len, size_t off, const struct lex_spans *sp, size_t *hint,
			       int plain);

/* Scopes where clippy::undocumented_unsafe_blocks is allowed or expected with a reason that is
 * not a TODO: an inner attribute's whole file, an outer attribute's item. */
void rust_waivers(const char *buf, size_t len, size_t limit, const struct lex_spans *sp, struct rust_regions *out);

/* The token groups of quote!{…}, quote_spanned!{…} and NAME_quote!{…} (parse_quote!, a crate's
 * wrapper of quote!) that start before limit: code templates a proc macro emits, not code of this
 * crate (a comment inside cannot reach the output). */
void rust_template_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp,
			   struct rust_regions *out);

/* The token groups of cfg_NAME!{…} calls (cfg_if!, tokio's cfg_rt!, mio's cfg_os_poll!) that
 * start before limit: by convention such a macro puts a #[cfg] on every item inside. Outermost
 * groups only. */
void rust_cfg_macro_regions(const char *buf, size_t len, size_t limit, const struct lex_spans *sp,
			    struct rust_regions *out);

void rust_regions_release(struct rust_regions *rg);

#endif
