/* odb: git's delta format applied and refused, pack entries (whole and as offset deltas, chained)
 * read from an in-memory pack, tree entries parsed and ordered as git orders them. The packs are
 * built here with zlib, byte by byte, as git's pack-format.txt describes them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <zlib.h>
#include <cmocka.h>

#include "odb.h"
#include "sbuf.h"

static void delta_copies_and_inserts(void **state)
{
	(void)state;
	const unsigned char base[] = "hello world";
	/* source 11, result 17; copy 6 bytes from 0 ("hello "), insert "there ", copy 5 from 6 */
	const unsigned char d[] = { 11, 17, 0x90, 6, 6, 't', 'h', 'e', 'r', 'e', ' ', 0x91, 6, 5 };
	struct sbuf out = SBUF_INIT;
	assert_int_equal(odb_delta_apply(base, 11, d, sizeof(d), &out), 0);
	assert_int_equal(out.len, 17);
	assert_memory_equal(out.buf, "hello there world", 17);
	sbuf_release(&out);
}

static void delta_refuses_what_does_not_fit(void **state)
{
	(void)state;
	const unsigned char base[] = "hello world";
	const unsigned char wrong_source[] = { 10, 5, 0x90, 5 };
	const unsigned char copy_past_base[] = { 11, 5, 0x91, 8, 5 };
	const unsigned char insert_past_end[] = { 11, 5, 5, 'a', 'b' };
	const unsigned char too_long[] = { 11, 2, 0x90, 5 };
	const unsigned char too_short[] = { 11, 9, 0x90, 5 };
	const unsigned char reserved[] = { 11, 1, 0 };
	const unsigned char size_runs_off[] = { 0x8b };
	const unsigned char *bad[] = { wrong_source, copy_past_base, insert_past_end, too_long,
				       too_short,    reserved,       size_runs_off };
	const size_t len[] = { sizeof(wrong_source), sizeof(copy_past_base), sizeof(insert_past_end), sizeof(too_long),
			       sizeof(too_short),    sizeof(reserved),       sizeof(size_runs_off) };
	struct sbuf out = SBUF_INIT;
	sbuf_addstr(&out, "kept");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(odb_delta_apply(base, 11, bad[i], len[i], &out), -1);
		assert_int_equal(out.len, 4); /* nothing appended */
	}
	sbuf_release(&out);
}

/* A pack entry: the type-and-size header, for an offset delta the distance back, then zlib data. */
static size_t put_entry(unsigned char *p, int type, const void *data, size_t len, uint64_t back)
{
	size_t n = 0;
	unsigned c = (unsigned)(type << 4) | (len & 15);
	size_t rest = len >> 4;
	p[n++] = (unsigned char)(c | (rest ? 0x80 : 0));
	while (rest) {
		p[n++] = (unsigned char)((rest & 0x7f) | (rest >> 7 ? 0x80 : 0));
		rest >>= 7;
	}
	if (type == 6) { /* git's offset encoding: base-128, each continued byte minus one */
		unsigned char tmp[16];
		size_t k = sizeof(tmp);
		tmp[--k] = back & 0x7f;
		while (back >>= 7)
			tmp[--k] = (unsigned char)(0x80 | (--back & 0x7f));
		memcpy(p + n, tmp + k, sizeof(tmp) - k);
		n += sizeof(tmp) - k;
	}
	uLongf z = 1024;
	assert_int_equal(compress(p + n, &z, data, len), Z_OK);
	return n + z;
}

static void pack_entries_and_delta_chains(void **state)
{
	(void)state;
	static unsigned char pack[4096];
	memcpy(pack, "PACK\0\0\0\2\0\0\0\3", 12);
	size_t o1 = 12, o2, o3, n = 12;
	n += put_entry(pack + n, 3, "hello world", 11, 0);
	o2 = n;
	const unsigned char d1[] = { 11, 17, 0x90, 6, 6, 't', 'h', 'e', 'r', 'e', ' ', 0x91, 6, 5 };
	n += put_entry(pack + n, 6, d1, sizeof(d1), o2 - o1);
	o3 = n;
	const unsigned char d2[] = {
		17,
		3,
		0x90,
		3,
	}; /* "hel" of the result above */
	n += put_entry(pack + n, 6, d2, sizeof(d2), o3 - o2);
	memset(pack + n, 0, 20); /* the trailing checksum, not checked */
	n += 20;
	struct sbuf out = SBUF_INIT;
	enum odb_type t = 0;
	assert_int_equal(odb_pack_read_mem(pack, n - 20, o1, &t, &out), 0);
	assert_int_equal(t, ODB_BLOB);
	assert_memory_equal(out.buf, "hello world", 11);
	sbuf_reset(&out);
	assert_int_equal(odb_pack_read_mem(pack, n - 20, o2, &t, &out), 0);
	assert_int_equal(out.len, 17);
	assert_memory_equal(out.buf, "hello there world", 17);
	sbuf_reset(&out);
	assert_int_equal(odb_pack_read_mem(pack, n - 20, o3, &t, &out), 0);
	assert_int_equal(t, ODB_BLOB); /* a delta's type is its base's */
	assert_int_equal(out.len, 3);
	assert_memory_equal(out.buf, "hel", 3);
	sbuf_reset(&out);
	/* inside the header, past the end, the middle of an entry, and cut short: refused */
	assert_int_equal(odb_pack_read_mem(pack, n - 20, 4, &t, &out), -1);
	assert_int_equal(odb_pack_read_mem(pack, n - 20, n, &t, &out), -1);
	assert_int_equal(odb_pack_read_mem(pack, n - 20, o1 + 3, &t, &out), -1);
	assert_int_equal(odb_pack_read_mem(pack, o2 - 2, o1, &t, &out), -1);
	assert_int_equal(out.len, 0);
	sbuf_release(&out);
}

static void tree_entries_parse_and_order(void **state)
{
	(void)state;
	static const char tree[] = "100664 a.c\0"
				   "AAAAAAAAAAAAAAAAAAAA"
				   "40000 a\0"
				   "BBBBBBBBBBBBBBBBBBBB"
				   "120000 link\0"
				   "CCCCCCCCCCCCCCCCCCCC";
	const char *p = tree, *end = tree + sizeof(tree) - 1;
	struct odb_entry e[3];
	for (int i = 0; i < 3; i++)
		assert_int_equal(odb_tree_next(&p, end, &e[i]), 1);
	assert_int_equal(odb_tree_next(&p, end, &e[0]) == 0, 1);
	assert_int_equal(e[0].mode, 0100644); /* git reads 100664 as a plain file */
	assert_int_equal(e[1].mode, 0040000);
	assert_int_equal(e[2].mode, 0120000);
	assert_int_equal(e[1].len, 1);
	assert_memory_equal(e[2].oid, "CCCCCCCCCCCCCCCCCCCC", 20);
	/* git's order: the tree "a" sorts as "a/", after "a.c" */
	assert_true(odb_entry_cmp(&e[0], &e[1]) < 0);
	assert_true(odb_entry_cmp(&e[1], &e[2]) < 0);
	struct odb_entry file_a = e[1];
	file_a.mode = 0100644;
	assert_true(odb_entry_cmp(&file_a, &e[0]) < 0); /* the file "a" before "a.c" */
	/* malformed: no mode, no space, an unknown mode, no name, an id cut short */
	static const char *const bad[] = { " x\0", "100644x\0", "070000 x\0", "100644 \0", "100644 x\0AAAA" };
	static const size_t blen[] = { 3, 8, 9, 8, 13 };
	for (size_t i = 0; i < 5; i++) {
		p = bad[i];
		assert_int_equal(odb_tree_next(&p, bad[i] + blen[i], &e[0]), -1);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(delta_copies_and_inserts),
		cmocka_unit_test(delta_refuses_what_does_not_fit),
		cmocka_unit_test(pack_entries_and_delta_chains),
		cmocka_unit_test(tree_entries_parse_and_order),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
