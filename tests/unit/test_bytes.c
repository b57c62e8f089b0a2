/* bytes and fdio: the ordering every sorted path list relies on (memcmp order, a prefix first),
 * hex digits, the vector searches, and whole writes through a pipe. */
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

/* bytes_find_pair and bytes_count against memmem and a byte loop: every needle place (the vector
 * loops' edges, the tail, the last byte), false pairs, and lengths around 16 and 32. */
static void find_pair_and_count_agree_with_plain_loops(void **state)
{
	(void)state;
	char h[200];
	uint32_t x = 12345;
	for (int round = 0; round < 400; round++) {
		size_t n = (size_t)(round % 97) + 1;
		for (size_t i = 0; i < n; i++) {
			x = x * 1103515245u + 12345u;
			h[i] = "ab\n"[(x >> 16) % 3]; /* a small alphabet: many false pairs */
		}
		const char *lit = round & 1 ? "abba" : "ba\nb";
		size_t m = 4, place = (size_t)(round * 7) % (n + 1);
		if (round % 3 == 0 && place + m <= n)
			memcpy(h + place, lit, m); /* a true one somewhere, the end included */
		const char *want = memmem(h, n, lit, m);
		for (size_t r1 = 0; r1 < m; r1++)
			assert_ptr_equal(bytes_find_pair(h, n, lit, m, r1, m - 1 - r1 % m), want);
		size_t nl = 0;
		for (size_t i = 0; i < n; i++)
			nl += h[i] == '\n';
		assert_int_equal(bytes_count(h, n, '\n'), nl);
	}
	memset(h, '\n', sizeof(h)); /* a count past the 255 rounds of one lane: 200 bytes, then more */
	assert_int_equal(bytes_count(h, sizeof(h), '\n'), sizeof(h));
	static char big[300 * 16 + 5];
	memset(big, '\n', sizeof(big));
	assert_int_equal(bytes_count(big, sizeof(big), '\n'), sizeof(big));
	assert_null(bytes_find_pair("abc", 3, "abcd", 4, 0, 1));
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
		cmocka_unit_test(find_pair_and_count_agree_with_plain_loops),
		cmocka_unit_test(write_all_writes_everything),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
