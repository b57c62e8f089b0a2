/* quote: what reaches a terminal from a tree or a config is escaped, as git's quote_c_style. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "quote.h"
#include "sbuf.h"

static void check(const char *in, size_t len, unsigned flags, const char *want)
{
	struct sbuf sb = SBUF_INIT;
	quote_c(&sb, in, len, flags);
	assert_string_equal(sb.buf, want);
	sbuf_release(&sb);
}

static void paths_are_kept_when_plain_and_c_quoted_otherwise(void **state)
{
	(void)state;
	check("src/a.rs", 8, QUOTE_PATH, "src/a.rs");
	check("caf\xc3\xa9.rs", 8, QUOTE_PATH, "caf\xc3\xa9.rs");
	check("new\nline.rs", 11, QUOTE_PATH, "\"new\\nline.rs\"");
	check("q\"b\\s", 5, QUOTE_PATH, "\"q\\\"b\\\\s\"");
	check("bad-\xff.rs", 8, QUOTE_PATH, "\"bad-\\377.rs\"");
	check("\a\b\t\v\f\r\x01\x7f", 8, QUOTE_PATH, "\"\\a\\b\\t\\v\\f\\r\\001\\177\"");
}

static void c1_controls_and_bidi_overrides_are_quoted_like_git_quotepath(void **state)
{
	(void)state;
	check("c1-\xc2\x9b.rs", 8, QUOTE_PATH, "\"c1-\\302\\233.rs\"");
	check("\xc2\x80\xc2\x9f", 4, QUOTE_PATH, "\"\\302\\200\\302\\237\"");
	check("rlo-\xe2\x80\xae", 7, QUOTE_PATH, "\"rlo-\\342\\200\\256\"");
	check("\xe2\x80\xaa\xe2\x81\xa6\xe2\x81\xa9", 9, QUOTE_PATH,
	      "\"\\342\\200\\252\\342\\201\\246\\342\\201\\251\"");
	check("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", 8, QUOTE_PATH, "\"\\342\\200\\216\\342\\200\\217\\330\\234\"");
	check("ls-\xe2\x80\xa8", 6, QUOTE_PATH, "\"ls-\\342\\200\\250\"");
	/* neighbours that are printable stay as they are */
	check("\xc2\xa0\xe2\x80\xaf\xe2\x81\xaa", 8, QUOTE_PATH, "\xc2\xa0\xe2\x80\xaf\xe2\x81\xaa");
}

static void free_text_escapes_controls_in_place(void **state)
{
	(void)state;
	check("fine\033[8m", 8, 0, "fine\\033[8m");
	check("\033]0;title\a", 10, 0, "\\033]0;title\\a");
	check("say \"why\" \\ here", 16, 0, "say \"why\" \\ here");
	check("a\nb", 3, 0, "a\\nb");
	check("a\nb\033\n", 5, QUOTE_KEEP_NL, "a\nb\\033\n");
	check("\xc2\x9b"
	      "31m",
	      5, 0, "\\302\\23331m");
	check("nul\0x", 5, 0, "nul\\000x");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths_are_kept_when_plain_and_c_quoted_otherwise),
		cmocka_unit_test(c1_controls_and_bidi_overrides_are_quoted_like_git_quotepath),
		cmocka_unit_test(free_text_escapes_controls_in_place),
	};
	return cmocka_run_group_tests_name("quote", tests, NULL, NULL);
}
