/* prng: the fixture generator's sequence is pinned. These values must not be changed: a change of
 * output changes every fixture, and must be a deliberate decision (bump FX_GENERATOR_VERSION). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "prng.h"

static void known_answers_for_seed_42(void **state)
{
	(void)state;
	static const uint64_t want[4] = { 0x15780b2e0c2ec716ULL, 0x6104d9866d113a7eULL, 0xae17533239e499a1ULL,
					  0xecb8ad4703b360a1ULL };
	struct prng r;
	prng_init(&r, 42);
	for (int i = 0; i < 4; i++)
		assert_int_equal(prng_next(&r), want[i]);
	assert_int_equal(prng_below(&r, 1000), 991);
	assert_int_equal(prng_derive(42, 7), 0x39a7648d815a79d5ULL);
}

static void below_stays_in_range_and_covers_it(void **state)
{
	(void)state;
	struct prng r;
	prng_init(&r, 1);
	int seen[7] = { 0 };
	for (int i = 0; i < 7000; i++) {
		uint32_t v = prng_below(&r, 7);
		assert_true(v < 7);
		seen[v]++;
	}
	for (int i = 0; i < 7; i++)
		assert_in_range(seen[i], 800, 1200);
	for (int i = 0; i < 1000; i++) {
		uint32_t v = prng_range(&r, 10, 12);
		assert_in_range(v, 10, 12);
	}
}

static void different_seeds_differ(void **state)
{
	(void)state;
	struct prng a, b;
	prng_init(&a, 42);
	prng_init(&b, 43);
	assert_true(prng_next(&a) != prng_next(&b));
	assert_true(prng_derive(42, 1) != prng_derive(42, 2));
	assert_true(prng_derive(42, 1) != prng_derive(43, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answers_for_seed_42),
		cmocka_unit_test(below_stays_in_range_and_covers_it),
		cmocka_unit_test(different_seeds_differ),
	};
	return cmocka_run_group_tests_name("prng", tests, NULL, NULL);
}
