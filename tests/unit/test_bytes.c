/* bytes and fdio: the ordering every sorted path list relies on (memcmp order, a prefix first),
 * hex digits, and whole writes through a pipe. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "bytes.h"
#include "fdio.h"

static void cmp_orders_by_bytes_then_length(void **state)
{
	(void)state;
	assert_int_equal(bytes_cmp("a/b", 3, "a/b", 3), 0);
	assert_true(bytes_cmp("a/b", 3, "a/b/c", 5) < 0); /* a prefix first */
	assert_true(bytes_cmp("a/b/c", 5, "a/b", 3) > 0);
	assert_true(bytes_cmp("a.b", 3, "a/b", 3) < 0);  /* '.' 0x2e before '/' 0x2f */
	assert_true(bytes_cmp("\xff", 1, "a", 1) > 0);   /* unsigned bytes */
	assert_true(bytes_cmp("abX", 2, "abY", 2) == 0); /* only the given lengths count */
	assert_int_equal(bytes_cmp("", 0, "", 0), 0);
}

static void hex_is_lower_case_and_terminated(void **state)
{
	(void)state;
	char out[9];
	memset(out, 'x', sizeof(out));
	bytes_hex(out, "\x00\x1f\xa0\xff", 4);
	assert_string_equal(out, "001fa0ff");
	bytes_hex(out, "", 0);
	assert_string_equal(out, "");
}

static void write_all_writes_everything(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	static char buf[40000], got[40000];
	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (char)(i * 7);
	/* a pipe buffer is 64 KiB: 40,000 bytes go through in one call, read back whole */
	assert_int_equal(fdio_write_all(p[1], buf, sizeof(buf)), 0);
	close(p[1]);
	size_t n = 0;
	ssize_t k;
	while ((k = read(p[0], got + n, sizeof(got) - n)) > 0)
		n += (size_t)k;
	close(p[0]);
	assert_int_equal(n, sizeof(buf));
	assert_memory_equal(got, buf, sizeof(buf));
	assert_int_equal(fdio_write_all(-1, buf, 1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cmp_orders_by_bytes_then_length),
		cmocka_unit_test(hex_is_lower_case_and_terminated),
		cmocka_unit_test(write_all_writes_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
