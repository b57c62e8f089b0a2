/* digest: the tree digest is order-independent input, fixed output (known answer), and sensitive
 * to every field it covers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "bytes.h"
#include "fx.h"

static void digest_hex(struct fx_digest_item *it, size_t n, char hex[33])
{
	unsigned char d[16];
	fx_digest(it, n, d);
	bytes_hex(hex, d, 16);
}

static void known_answer_and_order_independence(void **state)
{
	(void)state;
	struct fx_digest_item a[2] = { { "b", 1, 'f', 0644, { 1 } }, { "a", 1, 'd', 0755, { 0 } } };
	struct fx_digest_item b[2] = { { "a", 1, 'd', 0755, { 0 } }, { "b", 1, 'f', 0644, { 1 } } };
	char h1[33], h2[33];
	digest_hex(a, 2, h1);
	digest_hex(b, 2, h2);
	assert_string_equal(h1, "57c5e9a75e708a6b9267dc36deec60ae");
	assert_string_equal(h1, h2);
}

static void every_field_counts(void **state)
{
	(void)state;
	char base[33], h[33];
	struct fx_digest_item it[1] = { { "x", 1, 'f', 0644, { 9 } } };
	digest_hex(it, 1, base);
	it[0].mode = 0600;
	digest_hex(it, 1, h);
	assert_string_not_equal(base, h);
	it[0].mode = 0644;
	it[0].type = 'l';
	digest_hex(it, 1, h);
	assert_string_not_equal(base, h);
	it[0].type = 'f';
	it[0].hash[15] = 1;
	digest_hex(it, 1, h);
	assert_string_not_equal(base, h);
	it[0].hash[15] = 0;
	it[0].path = "y";
	digest_hex(it, 1, h);
	assert_string_not_equal(base, h);
}

static void path_boundaries_are_unambiguous(void **state)
{
	(void)state;
	/* "ab" + "c" must not collide with "a" + "bc" */
	struct fx_digest_item x[2] = { { "ab", 2, 'f', 0644, { 0 } }, { "c", 1, 'f', 0644, { 0 } } };
	struct fx_digest_item y[2] = { { "a", 1, 'f', 0644, { 0 } }, { "bc", 2, 'f', 0644, { 0 } } };
	char h1[33], h2[33];
	digest_hex(x, 2, h1);
	digest_hex(y, 2, h2);
	assert_string_not_equal(h1, h2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answer_and_order_independence),
		cmocka_unit_test(every_field_counts),
		cmocka_unit_test(path_boundaries_are_unambiguous),
	};
	return cmocka_run_group_tests_name("digest", tests, NULL, NULL);
}
