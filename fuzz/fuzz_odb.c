/* libFuzzer harness: the git object reader (walker/odb.c) on arbitrary bytes. The first byte picks
 * what the rest is: a delta applied to a base (the rest split at its middle: base, then delta), an
 * in-memory pack whose entries are read at the first 64 offsets (offset deltas, chains, zlib
 * streams, sizes), or a tree object whose entries are listed and ordered. Every read stays inside
 * the input (ASan), every result is no larger than ODB_MAX_OBJECT, and the same bytes read the
 * same way twice. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "odb.h"
#include "sbuf.h"

static uint64_t run(const uint8_t *data, size_t size)
{
	uint64_t sum = 0;
	struct sbuf out = SBUF_INIT;
	enum odb_type t;
	switch (data[0] % 3) {
	case 0: {
		size_t half = (size - 1) / 2;
		if (odb_delta_apply(data + 1, half, data + 1 + half, size - 1 - half, &out) == 0)
			sum = out.len + 1;
		break;
	}
	case 1:
		for (uint64_t off = 12; off < 76 && off < size; off++) {
			sbuf_reset(&out);
			if (odb_pack_read_mem(data, size, off, &t, &out) == 0) {
				if (out.len > ODB_MAX_OBJECT || t < ODB_COMMIT || t > ODB_TAG)
					abort();
				sum = sum * 31 + out.len + (uint64_t)t;
			}
		}
		break;
	default: {
		const char *p = (const char *)data + 1, *end = (const char *)data + size;
		struct odb_entry e, prev;
		int have = 0, r;
		while ((r = odb_tree_next(&p, end, &e)) > 0) {
			if (e.name < (const char *)data || e.name + e.len > end || (const char *)e.oid + 20 > end)
				abort();
			sum = sum * 31 + e.mode + e.len + e.oid[0] + e.oid[19];
			if (have)
				sum += (uint64_t)(odb_entry_cmp(&prev, &e) < 0);
			prev = e;
			have = 1;
		}
		sum = sum * 31 + (uint64_t)(r + 1);
	}
	}
	sbuf_release(&out);
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	if (run(data, size) != run(data, size))
		abort();
	return 0;
}
