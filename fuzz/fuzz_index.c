/* libFuzzer harness: the .git/index reader (walker/repo_index.c) on arbitrary bytes. The input is
 * split at the first "\n--shared--\n": before it the index, after it the shared index a split
 * index asks for (none when absent). Every path given out is checked to lie inside the input's
 * paths (no read past a buffer: ASan), every cache tree directory to be well formed, and the same
 * bytes must parse the same way twice. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo.h"
#include "sbuf.h"

struct ctx {
	const uint8_t *shared;
	size_t nshared;
	int has_shared;
	uint64_t sum; /* of the paths given out, to compare two runs */
	size_t n;
};

static void add(void *p, const char *path, size_t len, int sparse, const struct repo_index_stat *st)
{
	struct ctx *c = p;
	for (size_t i = 0; i < len; i++)
		c->sum = c->sum * 31 + (unsigned char)path[i];
	c->sum += (uint64_t)sparse;
	if (st) /* every field read from the input (ASan checks the reads) */
		c->sum = c->sum * 31 + st->ctime_s + st->ctime_ns + st->mtime_s + st->mtime_ns + st->ino + st->mode +
			 st->uid + st->gid + st->size + st->oid[0] + st->oid[19] + st->flags + st->xflags;
	c->n++;
}

static void tree(void *p, const char *dir, size_t len, const unsigned char oid[20])
{
	struct ctx *c = p;
	for (size_t i = 0; i < len; i++) {
		if (!dir[i] || (dir[i] == '/' && (i == 0 || i + 1 == len || dir[i - 1] == '/')))
			abort(); /* a cache tree directory is "" or "a/b": no NUL, no empty component */
		c->sum = c->sum * 31 + (unsigned char)dir[i];
	}
	c->sum = c->sum * 31 + oid[0] + oid[19] + 1;
}

static int shared(void *p, const char *hex, struct sbuf *out)
{
	struct ctx *c = p;
	if (strlen(hex) != 40 && strlen(hex) != 64)
		abort(); /* the reader names the shared index by a whole hash */
	if (!c->has_shared)
		return -1;
	sbuf_add(out, c->shared, c->nshared);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sep[] = "\n--shared--\n";
	const uint8_t *cut = NULL;
	for (size_t i = 0; i + sizeof(sep) - 1 <= size && !cut; i++)
		if (!memcmp(data + i, sep, sizeof(sep) - 1))
			cut = data + i;
	size_t nix = cut ? (size_t)(cut - data) : size;
	/* a private copy of exactly the index bytes: a read past its end is caught */
	uint8_t *ix = malloc(nix ? nix : 1);
	if (!ix)
		return 0;
	memcpy(ix, data, nix);
	struct ctx c[2];
	int rc[2];
	for (int k = 0; k < 2; k++) {
		memset(&c[k], 0, sizeof(c[k]));
		c[k].has_shared = cut != NULL;
		c[k].shared = cut ? cut + sizeof(sep) - 1 : NULL;
		c[k].nshared = cut ? size - nix - (sizeof(sep) - 1) : 0;
		struct repo_index_sink sink = { add, shared, tree, &c[k] };
		rc[k] = repo_index_parse(ix, nix, &sink);
		if (rc[k] && c[k].n)
			abort(); /* a failed parse gives out nothing */
	}
	if (rc[0] != rc[1] || c[0].sum != c[1].sum || c[0].n != c[1].n)
		abort();
	free(ix);
	return 0;
}
