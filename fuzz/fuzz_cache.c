/* libFuzzer harness: the cache loader (walker/cache.c) on arbitrary file bytes. The input is
 * written as a cache file and opened with the digest it claims (so that inputs get past the digest
 * check into the structural checks), then every entry's path is looked up and its result read.
 * Two inputs in three get a repaired body size and checksum first, so that mutations reach the
 * checks behind the checksum (entry and match references) instead of stopping at it. */
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdlib.h>
#include <xxhash.h>

#include "cache.h"
#include "sbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof(path), "/tmp/fuzz-cache-%d.cache", (int)getpid());
	uint8_t *buf = malloc(size ? size : 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	if (size >= 128 && size % 3) {
		uint64_t body = size - 128, sum;
		if (size % 3 == 2)
			memcpy(buf + 48, &body, 8);
		sum = XXH3_64bits(buf + 128, body);
		memcpy(buf + 56, &sum, 8);
	}
	data = buf;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size)) {
		if (fd >= 0)
			close(fd);
		free(buf);
		return 0;
	}
	close(fd);
	uint8_t digest[16] = { 0 };
	if (size >= 88)
		memcpy(digest, data + 72, 16); /* where the header keeps it */
	struct sbuf warn = SBUF_INIT;
	struct cache *c;
	cache_open(&c, path, "/fuzz", digest, 25, &warn);
	if (c) {
		/* look up each entry's key, read from the bytes as docs/cache.md lays them out (a
		 * lookup of garbage just misses), then a few keys that are not there */
		struct stat st;
		memset(&st, 0, sizeof(st));
		size_t hint = 0;
		uint64_t n = 0, nm = 0;
		if (size >= 128) {
			memcpy(&n, data + 24, 8);
			memcpy(&nm, data + 32, 8);
		}
		size_t strings = 128 + (size_t)(n < 100000 ? n : 0) * 96 + (size_t)(nm < 100000 ? nm : 0) * 12;
		for (uint64_t i = 0; i < n && i < 1000 && 128 + (i + 1) * 96 <= size; i++) {
			uint32_t off, len;
			memcpy(&off, data + 128 + i * 96 + 68, 4);
			memcpy(&len, data + 128 + i * 96 + 72, 4);
			if (strings + (uint64_t)off + len > size)
				continue;
			const struct cache_entry *e = cache_find(c, (const char *)data + strings + off, len, &hint);
			if (e) {
				struct scan_result res = SCAN_RESULT_INIT;
				cache_result(c, e, &res);
				cache_fresh(c, e, &st);
				scan_result_release(&res);
			}
		}
		cache_find(c, "no/such/file.rs", 15, &hint);
		cache_find(c, "", 0, &hint);
		cache_close(c);
	}
	sbuf_release(&warn);
	free(buf);
	return 0;
}
