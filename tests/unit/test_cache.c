/* cache: racy entries (git's rule), lookups, content hashes, records surviving a save, rule digests,
 * and damaged files rebuilt with one warning. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cache.h"
#include "err.h"
#include "sbuf.h"
#include "xalloc.h"

static char dir[] = "/tmp/test-cache.XXXXXX";
static char file[64];
static const uint8_t digest[16] = { 1, 2, 3 };

static struct stat fake_stat(int64_t mtime_ns, uint64_t size)
{
	struct stat st;
	memset(&st, 0, sizeof(st));
	st.st_ino = 42;
	st.st_size = (off_t)size;
	st.st_mode = S_IFREG | 0644;
	st.st_mtim.tv_sec = mtime_ns / 1000000000;
	st.st_mtim.tv_nsec = mtime_ns % 1000000000;
	st.st_ctim = st.st_mtim;
	return st;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static size_t hint;

static struct cache *open_cache(const uint8_t *dg, struct sbuf *warn)
{
	struct cache *c;
	assert_int_equal(cache_open(&c, file, "/unused", dg, 4, warn), 0);
	assert_non_null(c);
	return c;
}

/* One record: key, stat, content hash of text, one match of pattern 1 on line 3. */
static void add(struct cache *c, const char *key, const struct stat *st, const char *text)
{
	struct cache_rec *r = xcalloc(1, sizeof(*r));
	r->key = xstrdup(key);
	r->keylen = strlen(key);
	cache_stat_of(&r->st, st);
	cache_hash(text, strlen(text), r->hash);
	r->has_hash = 1;
	r->m = xmalloc(sizeof(*r->m));
	r->m[0] = (struct scan_match){ 3, 7, 1, SO_VIOLATION };
	r->n = 1;
	cache_adopt(c, r, 1);
}

static void racy_entries_are_not_trusted_by_stat(void **state)
{
	(void)state;
	unlink(file);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = open_cache(digest, &warn);
	int64_t now = now_ns();
	struct stat old = fake_stat(now - 60 * 1000000000LL, 10);
	struct stat recent = fake_stat(now - 500000000LL, 10); /* written half a second ago */
	add(c, "old.rs", &old, "0123456789");
	add(c, "recent.rs", &recent, "abcdefghij");
	cache_save(c, 1, &warn);
	assert_int_equal(cache_stats(c)->written, 2);
	cache_close(c);

	c = open_cache(digest, &warn);
	assert_int_equal(cache_stats(c)->loaded, 2);
	const struct cache_entry *e = cache_find(c, "old.rs", 6, &hint);
	assert_non_null(e);
	assert_true(cache_fresh(c, e, &old));
	e = cache_find(c, "recent.rs", 9, &hint);
	assert_non_null(e);
	/* same size, same mtime and ctime: a rewrite in the same tick would look exactly like this */
	assert_true(cache_same_stat(e, &recent));
	assert_false(cache_fresh(c, e, &recent));
	uint8_t h[16];
	cache_hash("abcdefghiX", 10, h);
	assert_false(cache_same_content(e, h)); /* the re-hash tells the rewrite apart */
	cache_hash("abcdefghij", 10, h);
	assert_true(cache_same_content(e, h));
	/* any stat difference, even one nanosecond, is a change */
	struct stat moved = old;
	moved.st_mtim.tv_nsec ^= 1;
	assert_false(cache_fresh(c, cache_find(c, "old.rs", 6, &hint), &moved));
	struct scan_result res = SCAN_RESULT_INIT;
	assert_int_equal(cache_result(c, cache_find(c, "old.rs", 6, &hint), &res), 0);
	assert_int_equal(res.n, 1);
	assert_int_equal(res.m[0].line, 3);
	assert_int_equal(res.m[0].col, 7);
	assert_int_equal(res.m[0].pat, 1);
	scan_result_release(&res);
	assert_null(cache_find(c, "missing.rs", 10, &hint));
	cache_close(c);
	assert_int_equal(warn.len, 0);
	sbuf_release(&warn);
}

static void unseen_entries_are_dropped_by_full_runs_only(void **state)
{
	(void)state;
	unlink(file);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = open_cache(digest, &warn);
	struct stat st = fake_stat(now_ns() - 60 * 1000000000LL, 10);
	add(c, "a.rs", &st, "a");
	add(c, "b.rs", &st, "b");
	cache_save(c, 1, &warn);
	cache_close(c);

	c = open_cache(digest, &warn); /* a partial run that saw only a.rs and found c.rs */
	cache_seen(c, cache_find(c, "a.rs", 4, &hint));
	add(c, "c.rs", &st, "c");
	cache_save(c, 0, &warn);
	assert_int_equal(cache_stats(c)->written, 1); /* a delta beside the base */
	cache_close(c);

	c = open_cache(digest, &warn); /* a full run that saw only c.rs */
	assert_int_equal(cache_stats(c)->loaded, 3);
	cache_seen(c, cache_find(c, "c.rs", 4, &hint));
	cache_save(c, 1, &warn);
	assert_int_equal(cache_stats(c)->dropped, 2);
	cache_close(c);

	c = open_cache(digest, &warn);
	assert_int_equal(cache_stats(c)->loaded, 1);
	assert_non_null(cache_find(c, "c.rs", 4, &hint));
	/* nothing changed: not written again */
	cache_seen(c, cache_find(c, "c.rs", 4, &hint));
	cache_save(c, 1, &warn);
	assert_int_equal(cache_stats(c)->written, 0);
	cache_close(c);
	assert_int_equal(warn.len, 0);
	sbuf_release(&warn);
}

static void few_changes_go_to_a_delta_that_shadows_the_base(void **state)
{
	(void)state;
	unlink(file);
	char delta[80], aside[80];
	snprintf(delta, sizeof(delta), "%s.delta", file);
	snprintf(aside, sizeof(aside), "%s.aside", file);
	unlink(delta);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = open_cache(digest, &warn);
	struct stat st = fake_stat(now_ns() - 60 * 1000000000LL, 10);
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "f%03d.rs", i);
		add(c, key, &st, key);
	}
	cache_save(c, 1, &warn);
	assert_int_equal(cache_stats(c)->written, 200);
	cache_close(c);
	assert_int_equal(access(delta, F_OK), -1);

	c = open_cache(digest, &warn); /* f007.rs changed, new.rs appeared: a delta of 2 */
	struct stat st2 = fake_stat(now_ns() - 30 * 1000000000LL, 11);
	const struct cache_entry *old = cache_find(c, "f007.rs", 7, &hint);
	cache_replaced(c, old);
	add(c, "f007.rs", &st2, "changed!!!!");
	add(c, "new.rs", &st2, "new");
	cache_save(c, 0, &warn);
	assert_int_equal(cache_stats(c)->written, 2);
	cache_close(c);
	assert_int_equal(access(delta, F_OK), 0);

	c = open_cache(digest, &warn);
	assert_int_equal(cache_stats(c)->loaded, 202);
	assert_true(cache_fresh(c, cache_find(c, "f007.rs", 7, &hint), &st2)); /* the delta's version */
	assert_false(cache_same_stat(cache_find(c, "f007.rs", 7, &hint), &st));
	assert_non_null(cache_find(c, "new.rs", 6, &hint));
	assert_non_null(cache_find(c, "f100.rs", 7, &hint));
	cache_close(c);

	/* a delta of an older base (a rewrite by another walker came between) is not used */
	assert_int_equal(rename(delta, aside), 0);
	c = open_cache(digest, &warn);
	add(c, "another.rs", &st, "x");
	for (int i = 0; i < 200; i++) { /* a full run that dropped f000-f099: a new base */
		snprintf(key, sizeof(key), "f%03d.rs", i);
		if (i >= 100)
			cache_seen(c, cache_find(c, key, strlen(key), &hint));
	}
	cache_save(c, 1, &warn);
	assert_int_equal(cache_stats(c)->dropped, 100);
	cache_close(c);
	assert_int_equal(rename(aside, delta), 0);
	c = open_cache(digest, &warn);
	assert_int_equal(cache_stats(c)->loaded, 101);
	assert_null(cache_find(c, "new.rs", 6, &hint));
	assert_true(cache_fresh(c, cache_find(c, "f150.rs", 7, &hint), &st));
	cache_close(c);
	assert_int_equal(warn.len, 0);
	unlink(delta);
	sbuf_release(&warn);
}

/* --watch keeps one cache open: after each save, cache_refresh shows what was saved (a delta
 * loaded on its own, a new base loaded again), with every entry unseen again. */
static void a_refreshed_cache_sees_what_was_saved(void **state)
{
	(void)state;
	unlink(file);
	char delta[80];
	snprintf(delta, sizeof(delta), "%s.delta", file);
	unlink(delta);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = open_cache(digest, &warn);
	struct stat st = fake_stat(now_ns() - 60 * 1000000000LL, 10);
	char key[32];
	for (int i = 0; i < 200; i++) {
		snprintf(key, sizeof(key), "f%03d.rs", i);
		add(c, key, &st, key);
	}
	cache_save(c, 1, &warn);
	cache_refresh(c, &warn); /* a new base: loaded again */
	assert_int_equal(cache_stats(c)->loaded, 200);
	assert_true(cache_fresh(c, cache_find(c, "f042.rs", 7, &hint), &st));

	struct stat st2 = fake_stat(now_ns() - 30 * 1000000000LL, 11);
	cache_replaced(c, cache_find(c, "f007.rs", 7, &hint));
	add(c, "f007.rs", &st2, "changed!!!!");
	add(c, "new.rs", &st2, "new");
	cache_save(c, 0, &warn); /* a delta */
	assert_int_equal(access(delta, F_OK), 0);
	cache_refresh(c, &warn);
	assert_int_equal(cache_stats(c)->loaded, 202);
	assert_true(cache_fresh(c, cache_find(c, "f007.rs", 7, &hint), &st2)); /* the delta's version */
	assert_non_null(cache_find(c, "new.rs", 6, &hint));

	cache_save(c, 0, &warn); /* nothing changed: nothing written, the same entries */
	cache_refresh(c, &warn);
	assert_int_equal(cache_stats(c)->loaded, 202);
	assert_true(cache_fresh(c, cache_find(c, "f007.rs", 7, &hint), &st2));

	add(c, "later.rs", &st2, "later"); /* a second delta: the first one's entries kept */
	cache_save(c, 0, &warn);
	cache_refresh(c, &warn);
	assert_int_equal(cache_stats(c)->loaded, 203);
	assert_non_null(cache_find(c, "new.rs", 6, &hint));
	assert_non_null(cache_find(c, "later.rs", 8, &hint));

	for (int i = 0; i < 100; i++) { /* a full run that saw half: a new base without the rest */
		snprintf(key, sizeof(key), "f%03d.rs", i);
		cache_seen(c, cache_find(c, key, strlen(key), &hint));
	}
	cache_save(c, 1, &warn);
	cache_refresh(c, &warn);
	assert_int_equal(cache_stats(c)->loaded, 100);
	assert_null(cache_find(c, "f150.rs", 7, &hint));
	assert_null(cache_find(c, "new.rs", 6, &hint));
	assert_int_equal(access(delta, F_OK), -1);
	cache_close(c);

	c = open_cache(digest, &warn); /* and a new process agrees */
	assert_int_equal(cache_stats(c)->loaded, 100);
	cache_close(c);
	assert_int_equal(warn.len, 0);
	sbuf_release(&warn);
}

static void other_rules_start_afresh_silently(void **state)
{
	(void)state;
	struct sbuf warn = SBUF_INIT;
	const uint8_t other[16] = { 9 };
	struct cache *c = open_cache(other, &warn);
	assert_int_equal(cache_stats(c)->loaded, 0);
	assert_true(cache_stats(c)->invalidated);
	cache_close(c);
	assert_int_equal(warn.len, 0);
	sbuf_release(&warn);
}

/* Damage the saved file at offset off (or truncate it to len when off < 0). */
static void damaged(long off, long len, const char *why)
{
	unlink(file);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = open_cache(digest, &warn);
	struct stat st = fake_stat(now_ns() - 60 * 1000000000LL, 10);
	add(c, "a.rs", &st, "a");
	cache_save(c, 1, &warn);
	cache_close(c);
	FILE *f = fopen(file, "r+");
	assert_non_null(f);
	if (off >= 0) {
		fseek(f, off, SEEK_SET);
		int ch = fgetc(f);
		fseek(f, off, SEEK_SET);
		fputc(ch ^ 0x10, f);
		fclose(f);
	} else {
		fclose(f);
		assert_int_equal(truncate(file, len), 0);
	}
	c = open_cache(digest, &warn);
	assert_int_equal(cache_stats(c)->loaded, 0);
	assert_null(cache_find(c, "a.rs", 4, &hint));
	cache_close(c);
	if (!strstr(warn.buf, why))
		fail_msg("warning [%s] does not say '%s'", warn.buf, why);
	assert_ptr_equal(strchr(warn.buf, '\n'), warn.buf + warn.len - 1); /* one line */
	sbuf_release(&warn);
}

static void damaged_files_are_reported_once_and_not_used(void **state)
{
	(void)state;
	damaged(-1, 0, "empty");
	damaged(-1, 100, "truncated");
	damaged(-1, 200, "truncated");
	damaged(8, 0, "another version");
	damaged(130, 0, "checksum");      /* the first entry's device */
	damaged(128 + 96, 0, "checksum"); /* the match */
}

/* A --cache FILE without the magic was named by mistake: refused, never replaced or removed. */
static void files_without_the_magic_are_refused_not_replaced(void **state)
{
	(void)state;
	FILE *f = fopen(file, "w");
	assert_non_null(f);
	fputs("my notes\n", f);
	fclose(f);
	struct sbuf warn = SBUF_INIT;
	struct cache *c = NULL;
	assert_int_equal(cache_open(&c, file, "/unused", digest, 4, &warn), ERR_REFUSED);
	assert_null(c);
	assert_non_null(strstr(err_msg(), "not a walker cache"));
	assert_int_equal(cache_clear(file, "/unused"), ERR_REFUSED);
	struct stat st;
	assert_int_equal(stat(file, &st), 0);
	assert_int_equal(st.st_size, 9);
	unlink(file);
	sbuf_release(&warn);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(file, sizeof(file), "%s/c.cache", dir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	char delta[80];
	snprintf(delta, sizeof(delta), "%s.delta", file);
	unlink(file);
	unlink(delta);
	rmdir(dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(racy_entries_are_not_trusted_by_stat),
		cmocka_unit_test(unseen_entries_are_dropped_by_full_runs_only),
		cmocka_unit_test(few_changes_go_to_a_delta_that_shadows_the_base),
		cmocka_unit_test(a_refreshed_cache_sees_what_was_saved),
		cmocka_unit_test(other_rules_start_afresh_silently),
		cmocka_unit_test(damaged_files_are_reported_once_and_not_used),
		cmocka_unit_test(files_without_the_magic_are_refused_not_replaced),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
