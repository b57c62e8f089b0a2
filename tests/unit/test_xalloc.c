/* xalloc: arrays that grow past XALLOC_BIG move to huge-page-aligned memory and keep what they
 * held; buffers built on them (sbuf) too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "sbuf.h"
#include "xalloc.h"

#define HUGE ((uintptr_t)2 << 20)

static void grow_big_keeps_the_used_elements_across_the_threshold(void **state)
{
	(void)state;
	uint32_t *v = NULL;
	size_t n = 0, alloc = 0;
	for (uint32_t i = 0; i < 300000; i++) { /* 1.2 MB: past XALLOC_BIG, and grown again there */
		ALLOC_GROW_BIG(v, n, n + 1, alloc);
		v[n++] = i * 7u;
	}
	assert_true(alloc >= n);
	assert_true(alloc * sizeof(*v) >= XALLOC_BIG);
	assert_int_equal((uintptr_t)v % HUGE, 0);
	assert_int_equal((alloc * sizeof(*v)) % HUGE, 0); /* whole huge pages, all of them usable */
	for (uint32_t i = 0; i < n; i++)
		assert_int_equal(v[i], i * 7u);
	v[alloc - 1] = 1; /* the rounded-up capacity is the caller's */
	free(v);
}

static void grow_big_below_the_threshold_is_plain_memory(void **state)
{
	(void)state;
	char *p = NULL;
	size_t alloc = 0;
	ALLOC_GROW_BIG(p, 0, 100, alloc);
	assert_true(alloc >= 100 && alloc * sizeof(*p) < XALLOC_BIG);
	memset(p, 'x', alloc);
	free(p);
}

static void only_the_used_part_is_kept(void **state)
{
	(void)state;
	size_t n = XALLOC_BIG * 2;
	char *p = xmalloc(64);
	memcpy(p, "abcdef", 6);
	p = xrealloc_big(p, 6, &n);
	assert_true(n >= XALLOC_BIG * 2);
	assert_memory_equal(p, "abcdef", 6);
	free(p);
}

static void calloc_big_is_zeroed(void **state)
{
	(void)state;
	/* a freed big block first, so that the next one may reuse dirty memory */
	size_t n = XALLOC_BIG * 4;
	unsigned char *d = xrealloc_big(NULL, 0, &n);
	memset(d, 0xa5, n);
	free(d);
	size_t count = XALLOC_BIG; /* 4 bytes each */
	uint32_t *z = xcalloc_big(count, sizeof(*z));
	for (size_t i = 0; i < count; i++)
		assert_int_equal(z[i], 0);
	free(z);
	uint32_t *small = xcalloc_big(16, sizeof(*small));
	for (size_t i = 0; i < 16; i++)
		assert_int_equal(small[i], 0);
	free(small);
}

static void an_sbuf_grows_through_the_threshold_intact(void **state)
{
	(void)state;
	struct sbuf sb = SBUF_INIT;
	char line[32];
	for (int i = 0; i < 200000; i++) { /* about 1.3 MB: past 1 MiB (sbuf.c) */
		int k = snprintf(line, sizeof(line), "%d\n", i);
		sbuf_add(&sb, line, (size_t)k);
	}
	assert_true(sb.alloc > sb.len);
	assert_int_equal((uintptr_t)sb.buf % HUGE, 0); /* moved to huge pages */
	assert_int_equal(sb.buf[sb.len], '\0');
	size_t at = 0;
	for (int i = 0; i < 200000; i++) {
		int k = snprintf(line, sizeof(line), "%d\n", i);
		assert_memory_equal(sb.buf + at, line, (size_t)k);
		at += (size_t)k;
	}
	assert_int_equal(at, sb.len);
	sbuf_release(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grow_big_keeps_the_used_elements_across_the_threshold),
		cmocka_unit_test(grow_big_below_the_threshold_is_plain_memory),
		cmocka_unit_test(only_the_used_part_is_kept),
		cmocka_unit_test(calloc_big_is_zeroed),
		cmocka_unit_test(an_sbuf_grows_through_the_threshold_intact),
	};
	return cmocka_run_group_tests_name("xalloc", tests, NULL, NULL);
}
