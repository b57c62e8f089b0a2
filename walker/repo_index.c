/* repo: the .git/index reader (git's Documentation/gitformat-index.txt), versions 2 to 4, split
 * and sparse indexes included. Pure: the bytes come in, the tracked paths go out through the
 * sink; a split index's shared part is asked for through it too. */
#include "repo.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

/* the paths of one index file may not take more than this (a version-4 index compresses them) */
#define NAMES_MAX (512u << 20)

struct ent {
	uint32_t off, len;
	uint8_t sparse;
	const unsigned char *raw; /* the entry's stat data, id and flags, in the parsed bytes */
};

struct list {
	struct sbuf names; /* a version-4 index's paths, rebuilt; NULL: they are in the file's bytes */
	const char *base;  /* what the entries' offsets are into: the file's bytes or names */
	struct ent *e;
	size_t n, alloc;
	const unsigned char *link; /* the split index's "link" extension, or NULL */
	size_t linklen;
	const unsigned char *ctree; /* the "TREE" extension's data (the cache tree), or NULL */
	size_t ctreelen;
};

static void list_release(struct list *l)
{
	sbuf_release(&l->names);
	free(l->e);
	memset(l, 0, sizeof(*l));
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int corrupt(const char *what)
{
	return err_set(ERR_FORMAT, "index file corrupt: %s", what);
}

/* A decimal count at p[*i] (with a leading '-' when neg_ok): its value into *v; 0 when malformed. */
static int tree_count(const unsigned char *p, size_t n, size_t *i, int neg_ok, long *v)
{
	int neg = neg_ok && *i < n && p[*i] == '-';
	*i += (size_t)neg;
	if (*i >= n || p[*i] < '0' || p[*i] > '9')
		return 0;
	long x = 0;
	for (; *i < n && p[*i] >= '0' && p[*i] <= '9'; (*i)++)
		if ((x = x * 10 + (p[*i] - '0')) > 0x7fffffff)
			return 0;
	*v = neg ? -x : x;
	return 1;
}

/* The "TREE" extension, the cache tree: its entries in pre-order, each a path component, NUL, its
 * entry count (-1 when invalidated), ' ', its subtree count, '\n', then its tree id when valid,
 * each subtree after its parent. Each valid entry's directory ("" for the root, "a/b") and id go
 * to sink->tree. Where it is malformed the rest is left out: a cache tree only saves work. */
static void cache_tree_each(const unsigned char *p, size_t n, const struct repo_index_sink *sink)
{
	struct sbuf dir = SBUF_INIT;
	struct level {
		size_t len; /* of dir at this level */
		long left;  /* subtrees still to come */
	} *lv = NULL;
	size_t nlv = 0, alv = 0, i = 0;
	int seen = 0;
	while (i < n) {
		const unsigned char *nul = memchr(p + i, 0, n - i);
		if (!nul)
			break;
		const unsigned char *name = p + i;
		size_t nl = (size_t)(nul - name);
		long count, subtrees;
		i = (size_t)(nul - p) + 1;
		if (!tree_count(p, n, &i, 1, &count) || i >= n || p[i++] != ' ' ||
		    !tree_count(p, n, &i, 0, &subtrees) || i >= n || p[i++] != '\n')
			break;
		if (count >= 0 && n - i < 20)
			break;
		while (nlv && !lv[nlv - 1].left)
			nlv--;
		if (nlv ? (!nl || memchr(name, '/', nl)) : (seen || nl))
			break; /* a nameless subtree, a second root, or a root with a name */
		seen = 1;
		if (nlv) {
			lv[nlv - 1].left--;
			sbuf_setlen(&dir, lv[nlv - 1].len);
			if (dir.len)
				sbuf_addch(&dir, '/');
			sbuf_add(&dir, name, nl);
		}
		if (count >= 0) {
			sink->tree(sink->ctx, dir.buf, dir.len, p + i);
			i += 20;
		}
		ALLOC_GROW(lv, nlv + 1, alv);
		lv[nlv++] = (struct level){ dir.len, subtrees };
	}
	free(lv);
	sbuf_release(&dir);
}

/* A version-4 entry's path at *q: the previous one (in path) less the bytes it says to drop
 * (git's offset varint), then its own NUL-terminated bytes. had: the paths so far. */
static int v4_path(const unsigned char **q, const unsigned char *end, struct sbuf *path, size_t had)
{
	const unsigned char *p = *q;
	if (p >= end)
		return corrupt("truncated entry");
	unsigned char c = *p++;
	size_t drop = c & 127;
	while (c & 128) {
		if (p >= end || drop > (SIZE_MAX >> 8))
			return corrupt("truncated entry");
		c = *p++;
		drop = ((drop + 1) << 7) | (c & 127);
	}
	if (drop > path->len)
		return corrupt("a path drops more than the previous one holds");
	sbuf_setlen(path, path->len - drop);
	const unsigned char *nul = memchr(p, 0, (size_t)(end - p));
	if (!nul)
		return corrupt("truncated entry");
	if (path->len + (size_t)(nul - p) + had >= NAMES_MAX)
		return err_set(ERR_FORMAT, "index file holds more than %u MiB of paths", NAMES_MAX >> 20);
	sbuf_add(path, p, (size_t)(nul - p));
	*q = nul + 1;
	return 0;
}

/* One entry into l: its path is len bytes at off in base, e its stat data, id and flags. */
static int add_ent(struct list *l, size_t off, size_t len, uint32_t mode, int split, const char *base,
		   const unsigned char *e)
{
	int sparse = (mode & 0170000) == 0040000; /* a sparse index's directory entry */
	if (!len && !split)
		return corrupt("an entry without a path");
	if (sparse && (!len || base[off + len - 1] != '/'))
		return corrupt("a directory entry without its '/'");
	ALLOC_GROW(l->e, l->n + 1, l->alloc);
	l->e[l->n++] = (struct ent){ (uint32_t)off, (uint32_t)len, (uint8_t)sparse, e };
	return 0;
}

/* Parse one index file (checksum hashlen bytes) into l. split: a split index, whose entries that
 * replace shared ones have no name. */
static int parse_file(const unsigned char *b, size_t len, size_t hashlen, int split, struct list *l)
{
	if (len < 12 + hashlen || memcmp(b, "DIRC", 4))
		return corrupt("no index signature");
	uint32_t version = be32(b + 4), n = be32(b + 8);
	if (version < 2 || version > 4)
		return err_set(ERR_FORMAT, "index file has version %u, which git does not write", version);
	const unsigned char *q = b + 12, *end = b + len - hashlen;
	struct sbuf path = SBUF_INIT;
	int rc = 0;
	for (uint32_t i = 0; i < n && !rc; i++) {
		/* stat data (40 bytes), the blob's id (hashlen bytes: SHA-1 or SHA-256), flags (2) */
		const unsigned char *e = q;
		if ((size_t)(end - q) < 42 + hashlen) {
			rc = corrupt("fewer entries than its header says");
			break;
		}
		uint32_t mode = be32(q + 24);
		unsigned flags = (unsigned)q[40 + hashlen] << 8 | q[41 + hashlen];
		q += 42 + hashlen;
		if (flags & 0x4000) { /* extended flags (version 3 and later) */
			if (version < 3 || end - q < 2) {
				rc = corrupt("extended flags in a version 2 entry");
				break;
			}
			q += 2;
		}
		size_t off, plen;
		if (version < 4) { /* the path is used where it lies, NUL-padded to a multiple of 8 */
			const unsigned char *nul = memchr(q, 0, (size_t)(end - q));
			size_t pad = nul ? ((size_t)(nul + 1 - e) + 7) & ~(size_t)7 : 0;
			if (!nul || (size_t)(end - e) < pad) {
				rc = corrupt("truncated entry");
				break;
			}
			off = (size_t)(q - b);
			plen = (size_t)(nul - q);
			q = e + pad;
		} else {
			if ((rc = v4_path(&q, end, &path, l->names.len)))
				break;
			off = l->names.len;
			plen = path.len;
			sbuf_add(&l->names, path.buf, path.len);
		}
		rc = add_ent(l, off, plen, mode, split, version < 4 ? (const char *)b : l->names.buf, e);
	}
	sbuf_release(&path);
	l->base = version < 4 ? (const char *)b : l->names.buf;
	/* extensions: optional ones (an upper-case first letter) are skipped, as git does */
	while (!rc && q < end) {
		if (end - q < 8) {
			rc = corrupt("truncated extension");
			break;
		}
		uint32_t sz = be32(q + 4);
		if ((uint64_t)sz > (uint64_t)(end - q - 8)) {
			rc = corrupt("an extension runs past the end (a wrong entry count?)");
			break;
		}
		if (!memcmp(q, "TREE", 4) && hashlen == 20) {
			l->ctree = q + 8;
			l->ctreelen = sz;
		} else if (!memcmp(q, "link", 4)) {
			if (!split) {
				rc = corrupt("a shared index with a link extension");
				break;
			}
			l->link = q + 8;
			l->linklen = sz;
		} else if (memcmp(q, "sdir", 4) && !(q[0] >= 'A' && q[0] <= 'Z')) {
			rc = err_set(ERR_FORMAT,
				     "index uses the extension '%.4s', which the walker does not understand",
				     (const char *)q);
			break;
		}
		q += 8 + sz;
	}
	return rc;
}

/* git's EWAH bitmap (ewah/ewah_io.c): the set positions, in order, to fn. Returns the bytes used,
 * or 0 when malformed or fn refused a position. */
static size_t ewah_each(const unsigned char *p, size_t len, int (*fn)(void *, uint64_t), void *ctx)
{
	if (len < 8)
		return 0;
	uint32_t nwords = be32(p + 4);
	if ((uint64_t)nwords * 8 + 12 > len)
		return 0;
	const unsigned char *w = p + 8;
	uint64_t pos = 0;
	for (uint32_t i = 0; i < nwords;) {
		uint64_t rlw = (uint64_t)be32(w + 8 * (size_t)i) << 32 | be32(w + 8 * (size_t)i + 4);
		uint64_t run = (rlw >> 1) & 0xffffffffu, lits = rlw >> 33;
		i++;
		if (rlw & 1) {
			for (uint64_t k = 0; k < run * 64; k++)
				if (fn(ctx, pos + k))
					return 0;
		}
		pos += run * 64;
		if (lits > nwords - i || pos > ((uint64_t)1 << 40)) /* no index holds 2^40 entries */
			return 0;
		for (uint64_t k = 0; k < lits; k++, i++) {
			uint64_t word = (uint64_t)be32(w + 8 * (size_t)i) << 32 | be32(w + 8 * (size_t)i + 4);
			for (int b = 0; b < 64; b++)
				if (((word >> b) & 1) && fn(ctx, pos + (uint64_t)b))
					return 0;
			pos += 64;
		}
	}
	return (size_t)nwords * 8 + 12;
}

struct marks {
	uint8_t *bits; /* per shared entry: 1 deleted, 2 replaced */
	size_t n, replaced;
	uint8_t mark;
};

static int mark(void *ctx, uint64_t pos)
{
	struct marks *m = ctx;
	if (pos >= m->n || m->bits[pos])
		return -1; /* past the shared index, or both deleted and replaced */
	m->bits[pos] = m->mark;
	m->replaced += m->mark == 2;
	return 0;
}

static uint16_t be16(const unsigned char *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Entry i to the sink, its stat data, mode and id from raw (its own, or for a split index's
 * replaced entry, the split entry that replaces it); NULL when stat is 0 (unknown: the entry
 * layout read here is SHA-1's). */
static void emit(const struct list *l, size_t i, const unsigned char *r, int stat, const struct repo_index_sink *sink)
{
	struct repo_index_stat st;
	if (stat) {
		st.ctime_s = be32(r);
		st.ctime_ns = be32(r + 4);
		st.mtime_s = be32(r + 8);
		st.mtime_ns = be32(r + 12);
		st.ino = be32(r + 20);
		st.mode = be32(r + 24);
		st.uid = be32(r + 28);
		st.gid = be32(r + 32);
		st.size = be32(r + 36);
		memcpy(st.oid, r + 40, sizeof(st.oid));
		st.flags = be16(r + 60);
		st.xflags = (st.flags & 0x4000) ? be16(r + 62) : 0; /* parse_file checked it is there */
	}
	sink->add(sink->ctx, l->base + l->e[i].off, l->e[i].len, l->e[i].sparse, stat ? &st : NULL);
}

/* A split index: the shared index's entries less the deleted ones, and the split index's own. */
static int merge_split(const struct list *sl, size_t hashlen, const struct repo_index_sink *sink)
{
	static const char hexd[] = "0123456789abcdef";
	if (sl->linklen < hashlen)
		return corrupt("a short link extension");
	char hex[65];
	int null_id = 1;
	for (size_t i = 0; i < hashlen; i++) {
		hex[2 * i] = hexd[sl->link[i] >> 4];
		hex[2 * i + 1] = hexd[sl->link[i] & 15];
		null_id &= !sl->link[i];
	}
	hex[2 * hashlen] = '\0';
	struct list shared;
	memset(&shared, 0, sizeof(shared));
	struct sbuf bytes = SBUF_INIT;
	int rc = 0;
	if (!null_id) {
		if (sink->shared(sink->ctx, hex, &bytes))
			rc = err_set(ERR_FORMAT, "split index: unable to read its shared index 'sharedindex.%s'", hex);
		else
			rc = parse_file((const unsigned char *)bytes.buf, bytes.len, hashlen, 0, &shared);
	}
	struct marks m = { xcalloc(shared.n + 1, 1), shared.n, 0, 1 };
	const unsigned char *p = sl->link + hashlen, *end = sl->link + sl->linklen;
	size_t used = 0;
	if (!rc && p < end && !(used = ewah_each(p, (size_t)(end - p), mark, &m)))
		rc = corrupt("a bad deletion bitmap in the link extension");
	p += used;
	m.mark = 2;
	if (!rc && p < end && !(used = ewah_each(p, (size_t)(end - p), mark, &m)))
		rc = corrupt("a bad replacement bitmap in the link extension");
	if (!rc && m.replaced > sl->n)
		rc = corrupt("more replacements than split entries");
	for (size_t i = 0; !rc && i < sl->n; i++)
		if ((i < m.replaced) != (sl->e[i].len == 0))
			rc = corrupt("a split entry with the wrong name length");
	/* a replaced entry keeps its name; its stat data, mode, id and flags are the split entry's,
	 * the replacements in the order of the shared entries they replace */
	for (size_t i = 0, k = 0; !rc && i < shared.n; i++)
		if (m.bits[i] != 1)
			emit(&shared, i, m.bits[i] == 2 ? sl->e[k++].raw : shared.e[i].raw, hashlen == 20, sink);
	for (size_t i = m.replaced; !rc && i < sl->n; i++)
		emit(sl, i, sl->e[i].raw, hashlen == 20, sink);
	free(m.bits);
	list_release(&shared);
	sbuf_release(&bytes);
	return rc;
}

int repo_index_parse(const void *buf, size_t len, const struct repo_index_sink *sink)
{
	/* SHA-1 checksums, else SHA-256 ones (extensions.objectFormat = sha256); the first
	 * attempt's complaint is the one reported */
	int rc = 0, first = 0;
	char msg[256] = "";
	for (size_t hashlen = 20; hashlen <= 32; hashlen += 12) {
		struct list l;
		memset(&l, 0, sizeof(l));
		rc = parse_file(buf, len, hashlen, 1, &l);
		if (!rc && l.link) {
			rc = merge_split(&l, hashlen, sink);
		} else if (!rc) {
			for (size_t i = 0; i < l.n; i++)
				if (!l.e[i].len) {
					rc = corrupt("an entry without a path");
					break;
				}
			for (size_t i = 0; !rc && i < l.n; i++)
				emit(&l, i, l.e[i].raw, hashlen == 20, sink);
		}
		if (!rc && l.ctree && sink->tree)
			cache_tree_each(l.ctree, l.ctreelen, sink);
		list_release(&l);
		if (!rc)
			return 0;
		if (!first) {
			first = rc;
			snprintf(msg, sizeof(msg), "%s", err_msg());
		}
	}
	return err_set(first, "%s", msg);
}
