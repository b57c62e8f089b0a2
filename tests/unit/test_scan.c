/* rules and scan: literal extraction, the config format, line-bounded matching, the comment rule,
 * test code, CRLF and a missing final newline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "err.h"
#include "rules.h"
#include "scan.h"

static void literal(const char *re, const char *want)
{
	char out[256];
	size_t n = rules_required_literal(re, out, sizeof(out));
	out[n] = '\0';
	assert_string_equal(out, want);
}

static void required_literals_are_sure(void **state)
{
	(void)state;
	literal("unsafe\\s*\\{", "unsafe");
	literal("\\.unwrap\\(\\)", ".unwrap()");
	literal("#\\[allow\\(", "#[allow(");
	literal("#pragma\\s+GCC\\s+diagnostic\\s+ignored", "diagnostic");
	literal("\\bgets\\s*\\(", "gets");
	literal("set \\+e", "set +e");
	literal("abc?d", "ab"); /* the optional c is dropped, and the run ends there */
	literal("xa*yz", "yz");
	literal("ab{0,2}cd", "cd");
	literal("ab{2}cd", "ab");
	literal("foo|bar", "");    /* alternation: nothing is required */
	literal("(?i)unsafe", ""); /* caseless: no byte-exact literal */
	literal("a(b|c)defg", "defg");
	literal("[abc]xyz", "xyz");
	literal("\\Qa.b\\E", "");
	literal("(*CRLF)abc", "");
	literal("caf\xc3\xa9", "");
}

/* Scan len bytes of text with r as if they were at path, with that many helper threads for a big file. */
static struct scan_result scan_bytes(struct rules *r, const char *path, const char *text, size_t len, int helpers)
{
	struct scan_ctx *sc = scan_ctx_new();
	scan_ctx_set_helpers(sc, helpers);
	struct scan_result res = SCAN_RESULT_INIT;
	struct rules_class c;
	const char *base = strrchr(path, '/');
	size_t boff = base ? (size_t)(base - path) + 1 : 0;
	rules_classify(NULL, path, strlen(path), boff, &c);
	c.tools = RT_ESLINT | RT_BIOME; /* as if both were configured: the walk decides (tests/e2e) */
	uint16_t idx[RULES_MAX_PATTERNS];
	size_t n = rules_applicable(r, path, strlen(path), boff, &c, idx);
	scan_buffer(sc, r, text, len, &c, idx, n, &res);
	scan_ctx_free(sc);
	return res;
}

/* Scan text with r as if it were at path. */
static struct scan_result scan_text(struct rules *r, const char *path, const char *text)
{
	return scan_bytes(r, path, text, strlen(text), 0);
}

static struct rules *defaults(void)
{
	struct rules *r;
	rules_new(&r, 1);
	assert_int_equal(rules_compile(r, 10 << 20, 0), 0);
	return r;
}

static const char *name(const struct rules *r, const struct scan_match *m)
{
	return r->pats[m->pat].name;
}

static void matches_never_span_a_newline(void **state)
{
	(void)state;
	struct rules *r = defaults();
	struct scan_result res = scan_text(r, "src/a.rs", "let v = unsafe\n{ 1 };\nlet w = unsafe { 2 };");
	assert_int_equal(res.n, 1);
	assert_int_equal(res.m[0].line, 3);
	assert_int_equal(res.m[0].col, 9);
	scan_result_release(&res);
	/* several per line count separately; CRLF lines keep their columns */
	res = scan_text(r, "src/a.rs", "x\r\nlet p = a.unwrap() + b.unwrap();\r\n");
	assert_int_equal(res.n, 2);
	assert_int_equal(res.m[0].line, 2);
	assert_int_equal(res.m[0].col, 10);
	assert_int_equal(res.m[1].col, 23);
	assert_string_equal(name(r, &res.m[1]), "unwrap");
	scan_result_release(&res);
	rules_free(r);
}

static void comment_rule_stops_at_the_first_code_line(void **state)
{
	(void)state;
	struct rules *r = defaults();
	struct scan_result res = scan_text(r, "src/a.rs",
					   "// SAFETY: fine\n"
					   "\n"
					   "// more\n"
					   "unsafe { a }\n" /* allowed: blank and comment lines between */
					   "let x = 1; // SAFETY: y\n"
					   "unsafe { b }\n" /* violation: the code line above is not searched */
					   "unsafe { c } // SAFETY: same line\n");
	assert_int_equal(res.n, 3);
	assert_int_equal(res.m[0].outcome, SO_ALLOWED);
	assert_int_equal(res.m[1].outcome, SO_VIOLATION);
	assert_int_equal(res.m[2].outcome, SO_ALLOWED);
	scan_result_release(&res);
	res = scan_text(r, "tools/x.py", "# JUSTIFIED: ok\nx = f()  # type: ignore\ny = eval(s)");
	assert_int_equal(res.n, 2);
	assert_int_equal(res.m[0].outcome, SO_ALLOWED);
	assert_int_equal(res.m[1].outcome, SO_VIOLATION);
	assert_int_equal(res.m[1].line, 3);
	scan_result_release(&res);
	rules_free(r);
}

static void test_code_is_counted_apart(void **state)
{
	(void)state;
	struct rules *r = defaults();
	struct scan_result res = scan_text(r, "src/a.rs",
					   "fn f() { x.unwrap(); }\n"
					   "#[cfg(test)]\n"
					   "mod tests {\n"
					   "    fn t() { y.unwrap(); }\n"
					   "}\n"
					   "fn g() { z.unwrap(); }\n");
	assert_int_equal(res.n, 3);
	assert_int_equal(res.m[0].outcome, SO_COUNTED);
	assert_int_equal(res.m[1].outcome, SO_TEST);
	assert_int_equal(res.m[2].outcome, SO_COUNTED);
	scan_result_release(&res);
	const char *test_paths[] = { "tests/a.rs", "a/test/b.rs", "benches/y.rs", "examples/e.rs",    "a_test.rs",
				     "b_tests.rs", "x.test.tsx",  "y_test.ts",    "w/__tests__/v.ts", "pkg/a_test.go",
				     "test_a.py",  "a_test.py",   "a.test.ts",    "a.spec.js",        "a_spec.rb" };
	for (size_t i = 0; i < sizeof(test_paths) / sizeof(test_paths[0]); i++) {
		struct rules_class c;
		const char *b = strrchr(test_paths[i], '/');
		rules_classify(NULL, test_paths[i], strlen(test_paths[i]), b ? (size_t)(b - test_paths[i]) + 1 : 0, &c);
		assert_int_equal(c.test, 1);
	}
	struct rules_class c;
	rules_classify(NULL, "src/testing/attest.rs", 21, 12, &c);
	assert_int_equal(c.test, 0);
	assert_int_equal(c.lang, RL_RUST);
	rules_classify(NULL, "spec/support/helper.rb", 22, 13, &c); /* spec/ alone is not test code */
	assert_int_equal(c.test, 0);
	rules_free(r);
}

/* The outcomes of every default match in text, as a string: v violation, a allowed, t test,
 * c counted. */
static void outcomes_are(const char *path, const char *text, const char *want)
{
	struct rules *r = defaults();
	struct scan_result res = scan_text(r, path, text);
	char got[64];
	size_t n = 0;
	for (size_t i = 0; i < res.n && n < sizeof(got) - 1; i++)
		got[n++] = "vatc"[res.m[i].outcome];
	got[n] = '\0';
	if (strcmp(got, want))
		print_error("%s: [%s]\n", path, text);
	assert_string_equal(got, want);
	scan_result_release(&res);
	rules_free(r);
}

static void markers_start_a_comment_in_any_case_and_spelling(void **state)
{
	(void)state;
	outcomes_are("a.rs", "//SAFETY: x\nunsafe { a }", "a");
	outcomes_are("a.rs", "/* SAFETY: x */\nunsafe { a }", "a");
	outcomes_are("a.rs", "/*\n * SAFETY: x\n */\nunsafe { a }", "a");
	outcomes_are("a.rs", "// Safety: x\nunsafe { a }", "a");
	outcomes_are("a.rs", "//! SAFETY: x\nunsafe { a }", "a");
	outcomes_are("a.rs", "// Missing // SAFETY: comment\nunsafe { a }", "v");
	outcomes_are("a.sh", "#OK: x\nset +e", "a");
	outcomes_are("a.sh", "# not OK: x\nset +e", "v");
}

static void search_skips_attributes_and_wrapped_statements(void **state)
{
	(void)state;
	outcomes_are("a.rs", "// SAFETY: x\n#[inline]\nunsafe { a }", "a");
	outcomes_are("a.rs", "// SAFETY: x\nlet v =\n    unsafe { a };", "a");
	outcomes_are("a.rs", "// SAFETY: x\nf();\nunsafe { a }", "v");
	outcomes_are("a.rs", "#[allow(dead_code, reason = \"api\")]\n#[allow(unused)]", "av");
	outcomes_are("a.rs", "unsafe impl Send for X {}", "v");
	outcomes_are("a.rs", "unsafe {\n    // SAFETY: first inside\n    a();\n}", "a");
	outcomes_are("a.rs", "unsafe {\n    a(); // SAFETY: not first\n}", "v");
}

static void rust_reasons_waivers_and_covering_blocks(void **state)
{
	(void)state;
	outcomes_are("a.rs", "#[allow(dead_code)] // kept for Drop\n#[allow(dead_code)]", "av");
	outcomes_are("a.rs", "#[cfg_attr(not(feature = \"io\"), allow(unused, dead_code))]", "a");
	outcomes_are("a.rs", "#[cfg_attr(test, allow(clippy::foo))]", "v");
	outcomes_are("a.rs", "// SAFETY: ok\nunsafe {\n    mem::transmute(x)\n};\nmem::transmute(y);", "aav");
	outcomes_are("a.rs", "#![allow(clippy::undocumented_unsafe_blocks, reason = \"FFI\")]\nunsafe { a }", "aa");
	outcomes_are("a.rs", "#![allow(clippy::undocumented_unsafe_blocks, reason = \"TODO\")]\nunsafe { a }", "av");
	outcomes_are("a.ts", "// @ts-ignore\n// @ts-ignore: types lag\n", "va");
	/* from the review of the generator: the block is the match's, a cfg attribute is cfg's, a blank
	 * line parts a comment from an attribute, a directive above is no marker */
	outcomes_are("a.rs", "g(|| {\n    x\n}); let v = unsafe {\n    // SAFETY: valid\n    *p\n};", "a");
	outcomes_are("a.rs", "#[doc = \"cfg(unix) only\"]\n#[allow(dead_code)]\nfn b() {}", "v");
	outcomes_are("a.rs", "// x\n\n#[allow(dead_code)]\nfn c() {}", "v");
	outcomes_are("a.go", "//nolint:errcheck\nx := compute() //nolint\n", "vv");
	outcomes_are("a.rs",
		     "/// # Safety\n/// held lock\nunsafe fn r(\n    a: u8,\n) {\n    unsafe { x() }\n}\nfn s(\n    a: "
		     "u8,\n) {\n    unsafe { y() }\n}",
		     "av");
	outcomes_are("a.rs",
		     "// the fields are read in Drop\n#[allow(dead_code)]\nfn a() {}\n/// docs\n#[allow(dead_code)]",
		     "av");
	outcomes_are("a.rs", "// TODO: used once from_statx lands\n/// Reads metadata.\n#[inline]\n#[allow(dead_code)]",
		     "a");
	outcomes_are("a.rs",
		     "#[cfg(not(unix))]\n#[allow(unused_variables)]\nfn f() {}\n#[cfg(unix)]\n#[allow(clippy::x)]",
		     "av");
	outcomes_are(
		"a.rs",
		"// SAFETY: the caller initialised cnt bytes\nunsafe fn advance(&mut self) {\n    unsafe { a() }\n}",
		"a");
	outcomes_are("a.rs", "// # Safety\n// the pointer is valid\nunsafe { a }", "a");
	outcomes_are("a.rs", "// SAFETY: x\nlet g = Guard {\n    v: unsafe { a },\n};\nfn f() {\n    unsafe { b }",
		     "av");
	/* from the review of tokio: a cfg_NAME! macro puts a #[cfg] on each item inside it */
	outcomes_are("a.rs",
		     "cfg_rt! {\n    cfg_fs! {\n        #[allow(unused_imports)]\n        use a::b;\n    }\n}\n"
		     "cfg_if::cfg_if! { if #[cfg(unix)] { #[allow(dead_code)] fn f() {} } }\n"
		     "cfg_rt! {\n    #[allow(clippy::x)]\n    fn g() {}\n}\n#[allow(unused)]\nfn h() {}\n"
		     "my_cfg_rt! {\n    #[allow(unused)]\n    fn i() {}\n}",
		     "aavvv");
}

static void places_keep_patterns_to_code_or_comments(void **state)
{
	(void)state;
	outcomes_are("a.rs", "let s = \"unsafe { x }\"; // unsafe { y }\nlet r = r#\"unsafe {\"#;", "");
	outcomes_are("a.rs", "/// let v = x.unwrap();\nfn f() {}", "t"); /* a doc test */
	outcomes_are("a.ts", "const s = '@ts-ignore';\n// @ts-ignore\n", "v");
	outcomes_are("a.ts", "// eslint-disable-next-line no-x -- the API needs it\n", "a");
	outcomes_are("a.py", "s = '# type: ignore'\nx = 1  # type: ignore\n", "v");
	outcomes_are("a.go", "var s = `//go:linkname x y`\n//go:linkname a b\n", "v");
	outcomes_are("a.py", "import pdb\n", "v");
	/* from the review of deno: a crate's own wrapper of quote! is a template too */
	outcomes_are("a.rs", "gs_quote!(s => (let x = unsafe { f(#a) };))\nparse_quote! { unsafe { g() } }\n", "");
	outcomes_are("a.rs", "misquote!(unsafe { f() })\nquoted!(unsafe { g() })\n", "vv");
}

static void rust_test_items_from_real_attributes(void **state)
{
	(void)state;
	outcomes_are("a.rs", "#[cfg( test )]\nmod t { fn f() { let s = \"}\"; unsafe { a } } }\nunsafe { b }", "tv");
	outcomes_are("a.rs", "#[cfg(all(test, unix))]\nfn f() { unsafe { a } }", "t");
	outcomes_are("a.rs", "#[cfg(not(test))]\nfn f() { unsafe { a } }", "v");
	outcomes_are("a.rs", "#[cfg(feature = \"test\")]\nfn f() { unsafe { a } }", "v");
	outcomes_are("a.rs", "#[tokio::test]\nasync fn f() { unsafe { a } }\nunsafe { b }", "tv");
	outcomes_are("a.rs", "// #[cfg(test)]\nmod m { unsafe { a } }", "v");
	outcomes_are("a.rs", "#![cfg(test)]\nfn f() { unsafe { a } }", "t");
}

static void shebang_names_the_language_of_extensionless_scripts(void **state)
{
	(void)state;
	const char *sh = "#!/bin/sh\n", *env = "#!/usr/bin/env python3\n", *envs = "#!/usr/bin/env -S node --x\n";
	assert_int_equal(rules_lang_of_shebang(sh, strlen(sh)), RL_SH);
	assert_int_equal(rules_lang_of_shebang(env, strlen(env)), RL_PY);
	assert_int_equal(rules_lang_of_shebang(envs, strlen(envs)), RL_JS);
	assert_int_equal(rules_lang_of_shebang("#!/usr/bin/ruby -w", 18), RL_RB);
	assert_int_equal(rules_lang_of_shebang("#!/usr/bin/perl\n", 16), RL_OTHER);
	assert_int_equal(rules_lang_of_shebang("# no\n", 5), RL_OTHER);
	struct rules_class c;
	rules_classify(NULL, "bin/run", 7, 4, &c);
	assert_true(rules_maybe_script("bin/run", 7, 4, &c));
	rules_classify(NULL, "README.md", 9, 0, &c);
	assert_false(rules_maybe_script("README.md", 9, 0, &c));
}

static void binary_and_missing_final_newline(void **state)
{
	(void)state;
	struct rules *r = defaults();
	struct scan_ctx *sc = scan_ctx_new();
	struct scan_result res = SCAN_RESULT_INIT;
	struct rules_class c = { RL_RUST, 0, 0 };
	uint16_t idx[RULES_MAX_PATTERNS];
	size_t n = rules_applicable(r, "a.rs", 4, 0, &c, idx);
	scan_buffer(sc, r, "x.unwrap()\0", 11, &c, idx, n, &res);
	assert_int_equal(res.status, SS_BINARY);
	scan_buffer(sc, r, "\n\nx.unwrap()", 12, &c, idx, n, &res);
	assert_int_equal(res.status, SS_OK);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.m[0].line, 3);
	scan_result_release(&res);
	scan_ctx_free(sc);
	rules_free(r);
}

static void config_errors_name_file_and_line(void **state)
{
	(void)state;
	struct {
		const char *text, *err;
	} cases[] = {
		{ "[pattern a]\nregex = x\n", "c.conf:1: pattern 'a' has no action" },
		{ "regex = x\n", "c.conf:1: 'key = value' outside a '[pattern NAME]' section" },
		{ "[pattern a]\nregex = x\nregex = y\n", "c.conf:3: 'regex' given twice for pattern 'a'" },
		{ "[pattern a b]\n", "c.conf:1: bad pattern name" },
		{ "[section]\n", "c.conf:1: expected a section '[pattern NAME]'" },
		{ "[pattern a]\nnonsense\n", "c.conf:2: expected 'key = value'" },
		{ "[pattern a]\nregex = x\naction = comment\nlangs = rust\n",
		  "c.conf:1: pattern 'a' has action comment" },
		{ "[pattern a]\nregex = x\naction = count\nlangs = cobol\n", "c.conf:4: unknown language" },
		{ "[pattern a]\nregex = x\naction = count\nthreshold = -1\nlangs = all\n", "c.conf:4: threshold '-1'" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rules *r;
		rules_new(&r, 1);
		int rc = rules_parse_config(r, cases[i].text, strlen(cases[i].text), "c.conf");
		assert_int_equal(rc, ERR_CONFIG);
		if (strncmp(err_msg(), cases[i].err, strlen(cases[i].err))) {
			fprintf(stderr, "case %zu: got '%s'\n", i, err_msg());
			fail();
		}
		rules_free(r);
	}
	/* a regex is written once, no double escaping; quotes keep surrounding spaces */
	struct rules *r;
	rules_new(&r, 1);
	const char *ok = "# c\n[pattern unwrap]\ndisable = yes\n[pattern sp]\nregex = ' x\\( '\naction = forbid\n"
			 "globs = *.txt docs/**/*.md\n";
	assert_int_equal(rules_parse_config(r, ok, strlen(ok), "c.conf"), 0);
	assert_int_equal(rules_compile(r, 1 << 20, 0), 0);
	int seen_unwrap = 0;
	const struct rules_pattern *sp = NULL;
	for (size_t i = 0; i < r->n; i++) {
		seen_unwrap |= !strcmp(r->pats[i].name, "unwrap");
		if (!strcmp(r->pats[i].name, "sp"))
			sp = &r->pats[i];
	}
	assert_false(seen_unwrap);
	assert_non_null(sp);
	assert_string_equal(sp->regex, " x\\( ");
	assert_int_equal(sp->nglobs, 2);
	struct rules_class c;
	uint16_t idx[RULES_MAX_PATTERNS];
	rules_classify(NULL, "docs/a/b.md", 11, 7, &c);
	assert_int_equal(rules_applicable(r, "docs/a/b.md", 11, 7, &c, idx), 1);
	rules_classify(NULL, "notes.txt", 9, 0, &c);
	assert_int_equal(rules_applicable(r, "notes.txt", 9, 0, &c, idx), 1);
	rules_free(r);
}

static void rule_digest_follows_every_rule(void **state)
{
	(void)state;
	struct rules *a = defaults(), *b = defaults(), *c;
	assert_memory_equal(a->digest, b->digest, 16);
	rules_new(&c, 1);
	assert_int_equal(rules_compile(c, 1 << 20, 0), 0); /* another size limit */
	assert_memory_not_equal(a->digest, c->digest, 16);
	rules_free(c);
	rules_new(&c, 1);
	assert_int_equal(rules_add_cli(c, "todo=TODO"), 0);
	assert_int_equal(rules_compile(c, 10 << 20, 0), 0);
	assert_memory_not_equal(a->digest, c->digest, 16);
	rules_free(a);
	rules_free(b);
	rules_free(c);
}

/* A big file searched in parts by helper threads (scan_ctx_set_helpers) gives the result of one
 * searched whole: every match with its outcome, a test module across the cut, and a pattern stopped
 * by the match limit in the first part and again in the second (the first stop is the one
 * reported, its matches after it dropped: the second part found some). */
static void a_big_file_in_parts_is_scanned_as_one(void **state)
{
	(void)state;
	struct rules *r;
	rules_new(&r, 1);
	assert_int_equal(rules_add_cli(r, "evil=(a+)+$"), 0);
	assert_int_equal(rules_compile(r, 10 << 20, 0), 0);
	size_t cap = 7u << 20, len = 0;
	char *t = malloc(cap);
	char a[4100];
	memset(a, 'a', 4096);
	memcpy(a + 4096, "b\n", 3);
	for (unsigned i = 0; len < (6u << 20); i++) {
		const char *l = i % 1000 == 0               ? "    let p = unsafe { *q };\n"
				: i % 1500 == 1             ? "    // SAFETY: q is valid\n    let p = unsafe { *q };\n"
				: i % 700 == 2              ? "    x.unwrap();\n"
				: i == 80003                ? "#[cfg(test)]\nmod tests {\n    fn t() { y.unwrap(); }\n"
				: i == 110003               ? "}\n"
				: i == 20001 || i == 150007 ? a
				: i % 997 == 5              ? "aaa\n" /* a match of evil's, dropped after its stop */
							    : "    let v = compute(1); // filler\n";
		size_t n = strlen(l);
		memcpy(t + len, l, n);
		len += n;
	}
	struct scan_result one = scan_bytes(r, "src/big.rs", t, len, 0);
	assert_int_equal(one.status, SS_LIMIT);
	assert_true(one.n > 100);
	for (int h = 1; h <= 4; h += 3) {
		struct scan_result parts = scan_bytes(r, "src/big.rs", t, len, h);
		assert_int_equal(parts.status, one.status);
		assert_int_equal(parts.limit_pat, one.limit_pat);
		assert_int_equal(parts.limit_line, one.limit_line);
		assert_int_equal(parts.n, one.n);
		for (size_t i = 0; i < one.n; i++) {
			assert_int_equal(parts.m[i].line, one.m[i].line);
			assert_int_equal(parts.m[i].col, one.m[i].col);
			assert_int_equal(parts.m[i].pat, one.m[i].pat);
			assert_int_equal(parts.m[i].outcome, one.m[i].outcome);
		}
		scan_result_release(&parts);
	}
	scan_result_release(&one);
	free(t);
	rules_free(r);
}

static void pathological_regex_hits_the_limit(void **state)
{
	(void)state;
	struct rules *r;
	rules_new(&r, 0);
	assert_int_equal(rules_add_cli(r, "evil=(a+)+$"), 0);
	assert_int_equal(rules_compile(r, 10 << 20, 0), 0);
	char text[4096];
	memset(text, 'a', sizeof(text) - 2);
	text[sizeof(text) - 2] = 'b';
	text[sizeof(text) - 1] = '\0';
	struct scan_result res = scan_text(r, "x.txt", text);
	assert_int_equal(res.status, SS_LIMIT);
	assert_int_equal(res.limit_line, 1);
	scan_result_release(&res);
	rules_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(required_literals_are_sure),
		cmocka_unit_test(matches_never_span_a_newline),
		cmocka_unit_test(comment_rule_stops_at_the_first_code_line),
		cmocka_unit_test(test_code_is_counted_apart),
		cmocka_unit_test(markers_start_a_comment_in_any_case_and_spelling),
		cmocka_unit_test(search_skips_attributes_and_wrapped_statements),
		cmocka_unit_test(places_keep_patterns_to_code_or_comments),
		cmocka_unit_test(rust_test_items_from_real_attributes),
		cmocka_unit_test(rust_reasons_waivers_and_covering_blocks),
		cmocka_unit_test(shebang_names_the_language_of_extensionless_scripts),
		cmocka_unit_test(binary_and_missing_final_newline),
		cmocka_unit_test(config_errors_name_file_and_line),
		cmocka_unit_test(rule_digest_follows_every_rule),
		cmocka_unit_test(pathological_regex_hits_the_limit),
		cmocka_unit_test(a_big_file_in_parts_is_scanned_as_one),
	};
	return cmocka_run_group_tests_name("scan", tests, NULL, NULL);
}
