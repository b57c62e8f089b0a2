/* json and sbuf: strings are escaped so that any byte string round-trips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"
#include "sbuf.h"

static void check(const char *in, size_t len, const char *want)
{
	struct sbuf sb = SBUF_INIT;
	json_str(&sb, in, len);
	assert_string_equal(sb.buf, want);
	sbuf_release(&sb);
}

static void escapes_controls_quotes_and_backslashes(void **state)
{
	(void)state;
	check("a\"b\\c", 5, "\"a\\\"b\\\\c\"");
	check("new\nline\ttab\r", 13, "\"new\\nline\\ttab\\r\"");
	check("\x01\x1f", 2, "\"\\u0001\\u001f\"");
}

static void keeps_valid_utf8_and_escapes_invalid_bytes(void **state)
{
	(void)state;
	check("caf\xc3\xa9", 5, "\"caf\xc3\xa9\"");
	check("bad-\xff\xfe", 6, "\"bad-\\udcff\\udcfe\"");
	check("\xc0\xaf", 2, "\"\\udcc0\\udcaf\"");            /* overlong */
	check("\xed\xa0\x80", 3, "\"\\udced\\udca0\\udc80\""); /* surrogate */
	check("\xe2\x82", 2, "\"\\udce2\\udc82\"");            /* truncated */
	check("nul\0x", 5, "\"nul\\u0000x\"");
}

static void escapes_del_c1_and_bidi_controls(void **state)
{
	(void)state;
	check("del\x7f", 4, "\"del\\u007f\"");
	check("c1-\xc2\x9b", 5, "\"c1-\\u009b\"");
	check("rlo-\xe2\x80\xae", 7, "\"rlo-\\u202e\"");
	check("lri-\xe2\x81\xa6", 7, "\"lri-\\u2066\"");
	check("nbsp-\xc2\xa0", 7, "\"nbsp-\xc2\xa0\"");
}

static void sbuf_grows_and_formats(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	for (int i = 0; i < 1000; i++)
		sbuf_addf(&sb, "%d,", i);
	assert_int_equal(strncmp(sb.buf, "0,1,2,", 6), 0);
	assert_int_equal(sb.buf[sb.len], '\0');
	size_t len;
	char *p = sbuf_detach(&sb, &len);
	assert_true(len > 3000);
	assert_int_equal(sb.len, 0);
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(escapes_controls_quotes_and_backslashes),
		cmocka_unit_test(keeps_valid_utf8_and_escapes_invalid_bytes),
		cmocka_unit_test(escapes_del_c1_and_bidi_controls),
		cmocka_unit_test(sbuf_grows_and_formats),
	};
	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
