/* lex: every construct of every language lexer, drawn as a mask under the text: '.' code,
 * 'c' comment, 'd' doc comment, 's' string. Unterminated strings and comments run to the end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "lex.h"
#include "rules.h"

static void mask_is(int lang, const char *text, const char *want)
{
	size_t n = strlen(text);
	struct lex_spans sp = LEX_SPANS_INIT;
	lex_run(lang, text, n, n, &sp);
	char *got = malloc(n + 1);
	size_t cur = 0;
	for (size_t i = 0; i < n; i++) {
		int k = lex_kind_at(&sp, i, &cur);
		got[i] = k == LK_CODE ? '.' : k == LK_COMMENT ? 'c' : k == LK_DOC ? 'd' : 's';
	}
	got[n] = '\0';
	for (size_t i = 1; i < sp.n; i++)
		assert_true(sp.v[i - 1].end <= sp.v[i].start); /* sorted and disjoint */
	if (strcmp(got, want))
		print_error("text [%s]\nwant [%s]\n got [%s]\n", text, want, got);
	assert_string_equal(got, want);
	free(got);
	lex_spans_release(&sp);
}

static void rust_comments_nest_and_docs_are_told_apart(void **state)
{
	(void)state;
	mask_is(RL_RUST, "a // b\nc", "..cccc..");
	mask_is(RL_RUST, "/// d\n//! e\n//// f", "ddddd.ddddd.cccccc");
	mask_is(RL_RUST, "/* a /* b */ c */x", "ccccccccccccccccc.");
	mask_is(RL_RUST, "/** d */x/**/y/*** z */", "dddddddd.cccc.ccccccccc");
	mask_is(RL_RUST, "/*! d */x", "dddddddd.");
	mask_is(RL_RUST, "x /* open", "..ccccccc");
}

static void rust_strings_raw_strings_chars_and_lifetimes(void **state)
{
	(void)state;
	mask_is(RL_RUST, "x \"a\\\"b\" y", "..ssssss..");
	mask_is(RL_RUST, "r#\"a\"b\"# c", "ssssssss..");
	mask_is(RL_RUST, "r##\"a\"#b\"## c", "sssssssssss..");
	mask_is(RL_RUST, "br\"x\" b\"y\" c\"z\"", "sssss.ssss.ssss");
	mask_is(RL_RUST, "r#ident", ".......");
	mask_is(RL_RUST, "'a' '{' '\\n' '\\u{1F600}'", "sss.sss.ssss.sssssssssss");
	mask_is(RL_RUST, "fn f<'a>(x: &'a str) 'outer: loop",
		"..............................."
		"..");
	mask_is(RL_RUST, "b'x' '\xc3\xa9'", "ssss.ssss");
	mask_is(RL_RUST, "\"open\nstill", "sssssssssss");
	mask_is(RL_RUST, "for\"x\"", "...sss");
}

static void c_comments_strings_raw_and_continuations(void **state)
{
	(void)state;
	mask_is(RL_C, "a // b \\\n c\nd", "..ccccccccc..");
	mask_is(RL_C, "/* a /* b */ c */", "cccccccccccc.....");
	mask_is(RL_C, "'\"' \"'\" x", "sss.sss..");
	mask_is(RL_C, "R\"xy(a)\"b)xy\" c", "sssssssssssss..");
	mask_is(RL_C, "u8R\"(q)\" z", "ssssssss..");
	mask_is(RL_C, "1'000'000 '//'", "..........ssss");
	mask_is(RL_C, "\"open\nx", "sssss..");
	mask_is(RL_C, "#include \"a.h\" // c", ".........sssss.cccc");
}

static void go_raw_strings_runes(void **state)
{
	(void)state;
	mask_is(RL_GO, "`a\n// b\\` c", "sssssssss..");
	mask_is(RL_GO, "'\"' \"//\"", "sss.ssss");
	mask_is(RL_GO, "//go:linkname x y", "ccccccccccccccccc");
}

static void js_templates_regexes_and_comments(void **state)
{
	(void)state;
	mask_is(RL_JS, "`a ${b + `c${d}`} e`", "sss......ss....s.sss");
	mask_is(RL_JS, "x = /a\\/b[/]c/g.test(y)", "....sssssssssss........");
	mask_is(RL_JS, "a / b / c", ".........");
	mask_is(RL_JS, "return /x/", ".......sss");
	mask_is(RL_JS, "f(x) / 2 // c", ".........cccc");
	mask_is(RL_JS, "/** doc */ /* c */", "dddddddddd.ccccccc");
	mask_is(RL_JS, "'it\\'s' \"//\"", "sssssss.ssss");
	mask_is(RL_JS, "`open ${x", "ssssss...");
}

static void python_triple_quotes_and_hash(void **state)
{
	(void)state;
	mask_is(RL_PY, "x = 1  # c", ".......ccc");
	mask_is(RL_PY, "'''a\n# b''' y", "sssssssssss..");
	mask_is(RL_PY, "r\"\"\"x\"\"\" '#'", ".sssssss.sss");
	mask_is(RL_PY, "\"a#b\" #c", "sssss.cc");
	mask_is(RL_PY, "\"\"\"open\n", "ssssssss");
}

static void ruby_begin_end_and_strings(void **state)
{
	(void)state;
	mask_is(RL_RB, "=begin\nx\n=end\ny", "ccccccccccccc..");
	mask_is(RL_RB, "a\n=begin\neval\n=end", "..cccccccccccccccc");
	mask_is(RL_RB, "\"#{x}\" # c", "ssssss.ccc");
	mask_is(RL_RB, "'a' `b`", "sss.sss");
}

static void shell_words_quotes_and_heredocs(void **state)
{
	(void)state;
	mask_is(RL_SH, "echo a#b # c", ".........ccc");
	mask_is(RL_SH, "x=${#y}; # c", ".........ccc");
	mask_is(RL_SH, "echo 'a#b' \"c\\\"#\" \\# d", ".....sssss.ssssss.....");
	mask_is(RL_SH, "echo $'a\\'b' x", ".....sssssss..");
	mask_is(RL_SH, "cat <<EOF\neval x\nEOF\necho", "..........sssssss........");
	mask_is(RL_SH, "cat <<-'E' >f\n\t# x\n\tE\n#c", "..............sssss...cc");
	mask_is(RL_SH, "cat <<<\"w\" # c", ".......sss.ccc");
}

static void other_files_are_all_code(void **state)
{
	(void)state;
	mask_is(RL_OTHER, "// x \"y\"", "........");
}

static void stops_after_upto_but_classifies_what_started_before(void **state)
{
	(void)state;
	/* upto inside the string: lexing goes on to the end of that line, not further */
	const char *t = "/* a */ b \"c\" // d\n// e\n";
	struct lex_spans sp = LEX_SPANS_INIT;
	lex_run(RL_RUST, t, strlen(t), 11, &sp);
	assert_int_equal(sp.n, 3);
	assert_int_equal(sp.v[1].start, 10);
	assert_int_equal(sp.v[1].end, 13);
	assert_int_equal(sp.v[2].start, 14);
	assert_int_equal(sp.v[2].end, 18);
	/* upto between a raw string's r and its quote (found by fuzz_lex): the r is string either way */
	const char *r = "let r = r#\"a\"#;\n";
	lex_run(RL_RUST, r, strlen(r), 9, &sp);
	assert_int_equal(sp.n, 1);
	assert_int_equal(sp.v[0].start, 8);
	lex_spans_release(&sp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rust_comments_nest_and_docs_are_told_apart),
		cmocka_unit_test(rust_strings_raw_strings_chars_and_lifetimes),
		cmocka_unit_test(c_comments_strings_raw_and_continuations),
		cmocka_unit_test(go_raw_strings_runes),
		cmocka_unit_test(js_templates_regexes_and_comments),
		cmocka_unit_test(python_triple_quotes_and_hash),
		cmocka_unit_test(ruby_begin_end_and_strings),
		cmocka_unit_test(shell_words_quotes_and_heredocs),
		cmocka_unit_test(other_files_are_all_code),
		cmocka_unit_test(stops_after_upto_but_classifies_what_started_before),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
