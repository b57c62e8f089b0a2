/* odb: refs and objects read without libgit2 (walker/odb.h). */
#include "odb.h"

#define ZLIB_CONST
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "sbuf.h"
#include "xalloc.h"
#include "banned.h"

/* Deltas on the way from an object to its base: git's deepest (pack.depth) is 4,095. */
#define MAX_CHAIN 4096
/* Bytes inflated and built for one object, all deltas counted: a hostile chain of 4,096 deltas
 * each making 64 MiB must not cost hours. */
#define MAX_WORK ((size_t)256 << 20)
/* Symbolic refs followed (git's limit is 5), tags peeled, packs opened. */
#define MAX_SYMREF 5
#define MAX_PEEL 64
#define MAX_PACKS 4096
#define MAX_ANCESTRY 1000000

struct pack {
	const unsigned char *idx, *data;
	size_t idx_len, data_len;
	size_t end; /* where entries end: the trailing checksum */
	uint32_t n; /* objects */
	size_t n64; /* 64-bit offsets */
};

struct odb {
	char *gitdir, *commondir, *objdir; /* each ending in '/' */
	struct pack *packs;
	size_t npacks, apacks;
	struct sbuf packed_refs;
	struct sbuf scratch;
};

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint64_t be64(const unsigned char *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 40 hex digits at s (len bytes available) into oid: 0, or -1. */
static int oid_from_hex(const char *s, size_t len, unsigned char oid[20])
{
	if (len < 40)
		return -1;
	for (int i = 0; i < 20; i++) {
		int hi = unhex((unsigned char)s[2 * i]), lo = unhex((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		oid[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* ---- inflating ----------------------------------------------------------------------------- */

/* Continues z until it ends, appending to out exactly want bytes. 0, or -1 (out as it was). */
static int inflate_into(z_stream *z, size_t want, struct sbuf *out)
{
	size_t start = out->len;
	for (;;) {
		size_t have = out->len - start, step = want - have;
		if (step > ((size_t)1 << 20) + have) /* grow with what the stream gives, not its claim */
			step = ((size_t)1 << 20) + have;
		sbuf_grow(out, step);
		z->next_out = (unsigned char *)out->buf + out->len;
		z->avail_out = (uInt)step;
		int zr = inflate(z, Z_NO_FLUSH);
		sbuf_setlen(out, out->len + (step - z->avail_out));
		if (zr == Z_STREAM_END && out->len - start == want)
			return 0;
		if (zr != Z_OK) { /* the end too early or too late, damage, or no progress possible */
			sbuf_setlen(out, start);
			return -1;
		}
	}
}

/* The zlib stream at in (inlen bytes available) must inflate to exactly size bytes, appended. */
static int inflate_exact(const unsigned char *in, size_t inlen, uint64_t size, struct sbuf *out)
{
	if (size > ODB_MAX_OBJECT)
		return -1;
	z_stream z;
	memset(&z, 0, sizeof(z));
	if (inflateInit(&z) != Z_OK)
		return -1;
	z.next_in = in;
	z.avail_in = inlen > UINT_MAX ? UINT_MAX : (uInt)inlen;
	int rc = inflate_into(&z, (size_t)size, out);
	inflateEnd(&z);
	return rc;
}

/* ---- deltas -------------------------------------------------------------------------------- */

static int delta_size(const unsigned char **p, const unsigned char *end, uint64_t *size)
{
	uint64_t v = 0;
	int shift = 0;
	for (;;) {
		if (*p >= end || shift > 63)
			return -1;
		unsigned c = *(*p)++;
		v |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
		if (!(c & 0x80))
			break;
	}
	*size = v;
	return 0;
}

int odb_delta_apply(const unsigned char *base, size_t blen, const unsigned char *delta, size_t dlen, struct sbuf *out)
{
	const unsigned char *p = delta, *end = delta + dlen;
	uint64_t src, dst;
	if (delta_size(&p, end, &src) || delta_size(&p, end, &dst) || src != blen || dst > ODB_MAX_OBJECT)
		return -1;
	size_t start = out->len;
	sbuf_grow(out, (size_t)dst);
	while (p < end) {
		unsigned cmd = *p++;
		if (cmd & 0x80) { /* copy from the base: offset and size, each byte present or zero */
			uint64_t off = 0, n = 0;
			for (int i = 0; i < 4; i++)
				if (cmd & (1u << i)) {
					if (p >= end)
						goto bad;
					off |= (uint64_t)*p++ << (8 * i);
				}
			for (int i = 0; i < 3; i++)
				if (cmd & (0x10u << i)) {
					if (p >= end)
						goto bad;
					n |= (uint64_t)*p++ << (8 * i);
				}
			if (!n)
				n = 0x10000;
			if (off > blen || n > blen - off || n > dst - (out->len - start))
				goto bad;
			sbuf_add(out, base + off, (size_t)n);
		} else if (cmd) { /* insert the next cmd bytes */
			if (cmd > (size_t)(end - p) || cmd > dst - (out->len - start))
				goto bad;
			sbuf_add(out, p, cmd);
			p += cmd;
		} else {
			goto bad; /* reserved */
		}
	}
	if (out->len - start == dst)
		return 0;
bad:
	sbuf_setlen(out, start);
	return -1;
}

/* ---- packs --------------------------------------------------------------------------------- */

/* Header of the entry at off: its type, size, and where its data (or delta base) starts. */
static int entry_header(const struct pack *p, uint64_t off, int *type, uint64_t *size, size_t *pos)
{
	if (off < 12 || off >= p->end)
		return -1;
	size_t i = (size_t)off;
	unsigned c = p->data[i++];
	uint64_t sz = c & 15;
	int shift = 4;
	*type = (int)(c >> 4) & 7;
	while (c & 0x80) {
		if (i >= p->end || shift > 57)
			return -1;
		c = p->data[i++];
		sz |= (uint64_t)(c & 0x7f) << shift;
		shift += 7;
	}
	*size = sz;
	*pos = i;
	return 0;
}

/* An offset delta's base: its distance back from the entry, encoded after the header. */
static int ofs_base(const struct pack *p, uint64_t off, size_t *pos, uint64_t *base)
{
	size_t i = *pos;
	if (i >= p->end)
		return -1;
	unsigned c = p->data[i++];
	uint64_t d = c & 0x7f;
	while (c & 0x80) {
		if (i >= p->end || d > (UINT64_MAX >> 8))
			return -1;
		c = p->data[i++];
		d = ((d + 1) << 7) | (c & 0x7f);
	}
	if (!d || d > off)
		return -1;
	*pos = i;
	*base = off - d;
	return 0;
}

static int pack_find(const struct pack *p, const unsigned char oid[20], uint64_t *off)
{
	const unsigned char *fan = p->idx + 8, *names = fan + 1024;
	uint32_t lo = oid[0] ? be32(fan + 4 * (oid[0] - 1)) : 0, hi = be32(fan + 4 * oid[0]);
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = memcmp(names + (size_t)20 * mid, oid, 20);
		if (!c) {
			const unsigned char *off32 = names + (size_t)p->n * 24;
			uint32_t o = be32(off32 + (size_t)4 * mid);
			if (o & 0x80000000u) {
				size_t k = o & 0x7fffffffu;
				if (k >= p->n64)
					return -1;
				*off = be64(off32 + (size_t)4 * p->n + 8 * k);
			} else {
				*off = o;
			}
			return *off >= 12 && *off < p->end ? 0 : -1;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static int read_loose(struct odb *o, const unsigned char oid[20], enum odb_type *type, struct sbuf *out);

struct link {
	const struct pack *p;
	size_t pos; /* the delta's zlib data */
	uint64_t size;
};

/* Where oid is packed: 0 with *pp and *off, or -1. */
static int find_packed(const struct odb *o, const unsigned char oid[20], const struct pack **pp, uint64_t *off)
{
	for (size_t i = 0; o && i < o->npacks; i++)
		if (pack_find(&o->packs[i], oid, off) == 0) {
			*pp = &o->packs[i];
			return 0;
		}
	return -1;
}

/* The object at off in pack p, its deltas resolved (ref deltas through o, which may be NULL). */
static int pack_read(struct odb *o, const struct pack *p, uint64_t off, enum odb_type *type, struct sbuf *out)
{
	struct link *chain = NULL;
	size_t n = 0, alloc = 0, work = 0;
	struct sbuf base = SBUF_INIT, delta = SBUF_INIT, next = SBUF_INIT;
	int rc = -1, t;
	for (;;) {
		uint64_t size;
		size_t pos;
		if (entry_header(p, off, &t, &size, &pos))
			goto out;
		if (t >= ODB_COMMIT && t <= ODB_TAG) {
			if (inflate_exact(p->data + pos, p->end - pos, size, &base))
				goto out;
			break;
		}
		if (n >= MAX_CHAIN || (t != 6 && t != 7))
			goto out;
		if (t == 6) {
			uint64_t b;
			if (ofs_base(p, off, &pos, &b))
				goto out;
			ALLOC_GROW(chain, n + 1, alloc);
			chain[n++] = (struct link){ p, pos, size };
			off = b;
			continue;
		}
		if (p->end - pos < 20)
			goto out;
		const unsigned char *boid = p->data + pos;
		ALLOC_GROW(chain, n + 1, alloc);
		chain[n++] = (struct link){ p, pos + 20, size };
		if (find_packed(o, boid, &p, &off) == 0)
			continue;
		enum odb_type lt;
		if (!o || read_loose(o, boid, &lt, &base))
			goto out;
		t = (int)lt;
		break;
	}
	work = base.len;
	while (n--) {
		const struct link *l = &chain[n];
		sbuf_reset(&delta);
		sbuf_reset(&next);
		if (inflate_exact(l->p->data + l->pos, l->p->end - l->pos, l->size, &delta) ||
		    odb_delta_apply((const unsigned char *)base.buf, base.len, (const unsigned char *)delta.buf,
				    delta.len, &next))
			goto out;
		work += delta.len + next.len;
		if (work > MAX_WORK)
			goto out;
		struct sbuf swap = base;
		base = next;
		next = swap;
	}
	*type = (enum odb_type)t;
	sbuf_add(out, base.buf, base.len);
	rc = 0;
out:
	free(chain);
	sbuf_release(&base);
	sbuf_release(&delta);
	sbuf_release(&next);
	return rc;
}

int odb_pack_read_mem(const unsigned char *pack, size_t len, uint64_t offset, enum odb_type *type, struct sbuf *out)
{
	struct pack p = { NULL, pack, 0, len, len, 0, 0 };
	return pack_read(NULL, &p, offset, type, out);
}

static void unmap(const void *p, size_t len)
{
	if (p && len)
		munmap((void *)(uintptr_t)p, len);
}

/* Maps the regular file path: 0, or -1. */
static int map_file(const char *path, const unsigned char **data, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return -1;
	struct stat st;
	void *m = MAP_FAILED;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 && (uint64_t)st.st_size <= SIZE_MAX)
		m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -1;
	*data = m;
	*len = (size_t)st.st_size;
	return 0;
}

/* Opens the pack whose index is name (in objects/pack/): 0, 1 when it is not one to use, -1 when
 * it cannot be read as index version 2. */
static int pack_add(struct odb *o, const char *name)
{
	size_t nl = strlen(name);
	if (nl < 5 || strcmp(name + nl - 4, ".idx"))
		return 1;
	if (o->npacks >= MAX_PACKS)
		return -1;
	struct pack p;
	memset(&p, 0, sizeof(p));
	struct sbuf path = SBUF_INIT;
	sbuf_addf(&path, "%spack/%s", o->objdir, name);
	int rc = -1;
	if (map_file(path.buf, &p.idx, &p.idx_len))
		goto out;
	sbuf_setlen(&path, path.len - 4);
	sbuf_addstr(&path, ".pack");
	if (map_file(path.buf, &p.data, &p.data_len)) {
		/* an index without its pack: git skips it too */
		rc = errno == ENOENT ? 1 : -1;
		goto out;
	}
	/* index version 2: magic, version, 256 fan-out counts, then per object its id, CRC and
	 * 32-bit offset, the 64-bit offsets, and two checksums */
	if (p.idx_len < 8 + 1024 + 40 || memcmp(p.idx, "\377tOc", 4) || be32(p.idx + 4) != 2)
		goto out;
	for (int i = 1; i < 256; i++)
		if (be32(p.idx + 8 + 4 * i) < be32(p.idx + 4 + 4 * i))
			goto out;
	p.n = be32(p.idx + 8 + 4 * 255);
	size_t fixed = 8 + 1024 + 40;
	if (p.n > (p.idx_len - fixed) / 28 || (p.idx_len - fixed - (size_t)p.n * 28) % 8)
		goto out;
	p.n64 = (p.idx_len - fixed - (size_t)p.n * 28) / 8;
	if (p.data_len < 12 + 20 || memcmp(p.data, "PACK", 4) || (be32(p.data + 4) != 2 && be32(p.data + 4) != 3))
		goto out;
	p.end = p.data_len - 20;
	ALLOC_GROW(o->packs, o->npacks + 1, o->apacks);
	o->packs[o->npacks++] = p;
	sbuf_release(&path);
	return 0;
out:
	unmap(p.idx, p.idx_len);
	unmap(p.data, p.data_len);
	sbuf_release(&path);
	return rc;
}

static int packs_load(struct odb *o)
{
	struct sbuf path = SBUF_INIT;
	sbuf_addf(&path, "%spack", o->objdir);
	DIR *d = opendir(path.buf);
	sbuf_release(&path);
	if (!d)
		return errno == ENOENT ? 0 : -1;
	int rc = 0;
	struct dirent *de;
	while (!rc && (de = readdir(d)))
		if (pack_add(o, de->d_name) < 0)
			rc = -1;
	closedir(d);
	return rc;
}

/* ---- loose objects ------------------------------------------------------------------------- */

static int read_loose(struct odb *o, const unsigned char oid[20], enum odb_type *type, struct sbuf *out)
{
	static const char hexd[] = "0123456789abcdef";
	struct sbuf *z = &o->scratch;
	sbuf_reset(z);
	sbuf_addf(z, "%s%c%c/", o->objdir, hexd[oid[0] >> 4], hexd[oid[0] & 15]);
	for (int i = 1; i < 20; i++) {
		sbuf_addch(z, hexd[oid[i] >> 4]);
		sbuf_addch(z, hexd[oid[i] & 15]);
	}
	struct sbuf data = SBUF_INIT;
	int rc = -1;
	if (sbuf_read_at(&data, AT_FDCWD, z->buf, ODB_MAX_OBJECT) != 0)
		goto done;
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit(&zs) != Z_OK)
		goto done;
	/* "type size\0" first: at most "commit 67108864\0" */
	unsigned char hdr[32];
	zs.next_in = (const unsigned char *)data.buf;
	zs.avail_in = (uInt)data.len;
	zs.next_out = hdr;
	zs.avail_out = sizeof(hdr);
	int zr = inflate(&zs, Z_NO_FLUSH);
	size_t got = sizeof(hdr) - zs.avail_out;
	const unsigned char *nul = memchr(hdr, 0, got);
	static const char *const names[] = { NULL, "commit ", "tree ", "blob ", "tag " };
	int t = 0;
	for (int i = ODB_COMMIT; i <= ODB_TAG && nul; i++)
		if (!strncmp((const char *)hdr, names[i], strlen(names[i])))
			t = i;
	if ((zr != Z_OK && zr != Z_STREAM_END) || !t) {
		inflateEnd(&zs);
		goto done;
	}
	uint64_t size = 0;
	const unsigned char *d = hdr + strlen(names[t]);
	if (d == nul || (*d == '0' && d + 1 != nul))
		t = 0;
	for (; t && d < nul; d++) {
		if (*d < '0' || *d > '9' || size > ODB_MAX_OBJECT)
			t = 0;
		else
			size = size * 10 + (uint64_t)(*d - '0');
	}
	size_t extra = got - (size_t)(nul + 1 - hdr);
	if (!t || size > ODB_MAX_OBJECT || extra > size) {
		inflateEnd(&zs);
		goto done;
	}
	size_t start = out->len;
	sbuf_add(out, nul + 1, extra);
	if (zr == Z_STREAM_END)
		rc = extra == size ? 0 : -1;
	else
		rc = inflate_into(&zs, (size_t)size - extra, out);
	inflateEnd(&zs);
	if (rc)
		sbuf_setlen(out, start);
	else
		*type = (enum odb_type)t;
done:
	sbuf_release(&data);
	return rc;
}

int odb_read(struct odb *o, const unsigned char oid[20], enum odb_type *type, struct sbuf *out)
{
	const struct pack *p;
	uint64_t off;
	if (find_packed(o, oid, &p, &off) == 0)
		return pack_read(o, p, off, type, out);
	return read_loose(o, oid, type, out);
}

/* ---- trees --------------------------------------------------------------------------------- */

int odb_tree_next(const char **pp, const char *end, struct odb_entry *e)
{
	const char *p = *pp, *s = p;
	if (p >= end)
		return 0;
	unsigned mode = 0;
	while (p < end && *p >= '0' && *p <= '7' && p - s < 7)
		mode = mode * 8 + (unsigned)(*p++ - '0');
	if (p == s || p >= end || *p != ' ')
		return -1;
	p++;
	const char *nul = memchr(p, 0, (size_t)(end - p));
	if (!nul || nul == p || end - nul - 1 < 20)
		return -1;
	switch (mode & 0170000) { /* canonical modes, as git reads old trees (100664 is a file) */
	case 0040000:
		mode = 0040000;
		break;
	case 0100000:
		mode = mode & 0111 ? 0100755 : 0100644;
		break;
	case 0120000:
	case 0160000:
		mode &= 0170000;
		break;
	default:
		return -1;
	}
	e->mode = mode;
	e->name = p;
	e->len = (size_t)(nul - p);
	e->oid = (const unsigned char *)nul + 1;
	*pp = nul + 21;
	return 1;
}

int odb_entry_cmp(const struct odb_entry *a, const struct odb_entry *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	if (c)
		return c;
	unsigned ca = a->len > n ? (unsigned char)a->name[n] : a->mode == 0040000 ? '/' : 0;
	unsigned cb = b->len > n ? (unsigned char)b->name[n] : b->mode == 0040000 ? '/' : 0;
	return (int)ca - (int)cb;
}

/* ---- refs and revisions -------------------------------------------------------------------- */

/* A ref name git would accept (check_refname_format, one level allowed), so that it is also a
 * safe path below gitdir. */
static int refname_ok(const char *s, size_t n)
{
	if (!n || s[0] == '/' || s[n - 1] == '/' || s[n - 1] == '.')
		return 0;
	size_t comp = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= ' ' || c == 0177 || strchr("~^:?*[\\", c))
			return 0;
		if (i == comp && c == '.')
			return 0; /* a component starting with '.' (and so "..") */
		if (c == '.' && i + 1 < n && s[i + 1] == '.')
			return 0;
		if (c == '@' && i + 1 < n && s[i + 1] == '{')
			return 0;
		if (c == '/') {
			if (i == comp)
				return 0; /* "//" */
			if (i - comp >= 5 && !memcmp(s + i - 5, ".lock", 5))
				return 0;
			comp = i + 1;
		}
	}
	return !(n - comp >= 5 && !memcmp(s + n - 5, ".lock", 5));
}

/* HEAD-like names (git's pseudo-ref syntax) live in gitdir, as do per-worktree refs. */
static int per_worktree(const char *name)
{
	if (!strncmp(name, "refs/", 5))
		return !strncmp(name, "refs/worktree/", 14) || !strncmp(name, "refs/bisect/", 12) ||
		       !strncmp(name, "refs/rewritten/", 15);
	return 1;
}

static int pseudo_ref(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || *s == '_'))
			return 0;
	return 1;
}

/* Resolves ref name to an object id: 0, 1 when there is no such ref, -1 when it cannot be told. */
static int ref_read(struct odb *o, const char *name, unsigned char oid[20], int depth)
{
	if (depth > MAX_SYMREF || !refname_ok(name, strlen(name)))
		return -1;
	struct sbuf *path = &o->scratch;
	sbuf_reset(path);
	sbuf_addf(path, "%s%s", per_worktree(name) ? o->gitdir : o->commondir, name);
	struct sbuf text = SBUF_INIT;
	int rc = sbuf_read_at_flags(&text, AT_FDCWD, path->buf, 1 << 20, O_NOFOLLOW);
	if (rc == 0) {
		if (!strncmp(text.buf, "ref: ", 5)) {
			size_t n = text.len;
			while (n > 5 && (text.buf[n - 1] == '\n' || text.buf[n - 1] == '\r' || text.buf[n - 1] == ' '))
				n--;
			sbuf_setlen(&text, n);
			rc = ref_read(o, text.buf + 5, oid, depth + 1);
		} else if (oid_from_hex(text.buf, text.len, oid) == 0 &&
			   (text.len == 40 || strchr("\n\r \t", text.buf[40]))) {
			rc = 0;
		} else {
			rc = -1;
		}
		sbuf_release(&text);
		return rc;
	}
	sbuf_release(&text);
	if (rc == -1 && errno != ENOENT && errno != ENOTDIR)
		return -1; /* unreadable, or a symlink (a symbolic ref of the old kind): libgit2 */
	if (rc == -2) {
		struct stat st;
		if (stat(path->buf, &st) || !S_ISDIR(st.st_mode))
			return -1;
	}
	if (strncmp(name, "refs/", 5))
		return 1;
	/* packed-refs: "<id> <name>" lines, "^<id>" after a tag's line, "#" comments */
	size_t nl = strlen(name);
	for (const char *p = o->packed_refs.buf, *end = p + o->packed_refs.len; p < end;) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		if (!eol)
			eol = end;
		size_t len = (size_t)(eol - p);
		if (len >= 41 && p[40] == ' ' && len - 41 == nl && !memcmp(p + 41, name, nl))
			return oid_from_hex(p, len, oid) ? -1 : 0;
		p = eol + 1;
	}
	return 1;
}

/* A revision's base (what precedes its ~ and ^ suffixes) as git's rev-parse looks it up. */
static int rev_base(struct odb *o, const char *s, size_t n, unsigned char oid[20])
{
	if (n == 40 && oid_from_hex(s, n, oid) == 0)
		return 0;
	if (n == 1 && s[0] == '@')
		s = "HEAD", n = 4;
	if (!refname_ok(s, n))
		return -1;
	static const char *const rules[] = {
		"%.*s", "refs/%.*s", "refs/tags/%.*s", "refs/heads/%.*s", "refs/remotes/%.*s", "refs/remotes/%.*s/HEAD"
	};
	struct sbuf name = SBUF_INIT;
	int rc = 1;
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]) && rc == 1; i++) {
		sbuf_reset(&name);
		sbuf_addf(&name, rules[i], (int)n, s);
		if (i == 0 && strncmp(name.buf, "refs/", 5) && !pseudo_ref(name.buf))
			continue;
		rc = ref_read(o, name.buf, oid, 0);
	}
	sbuf_release(&name);
	return rc ? -1 : 0; /* not a ref: a short id, or unknown; libgit2 says which */
}

/* The object oid, peeled through tags until it is not a tag; its type and text into *t and buf. */
static int peel(struct odb *o, unsigned char oid[20], enum odb_type *t, struct sbuf *buf)
{
	for (int i = 0; i < MAX_PEEL; i++) {
		sbuf_reset(buf);
		if (odb_read(o, oid, t, buf))
			return -1;
		if (*t != ODB_TAG)
			return 0;
		if (buf->len < 48 || memcmp(buf->buf, "object ", 7) || oid_from_hex(buf->buf + 7, buf->len - 7, oid) ||
		    buf->buf[47] != '\n')
			return -1;
	}
	return -1;
}

/* A commit's k-th parent (1-based) into oid; its tree when k is 0. */
static int commit_field(const struct sbuf *c, unsigned long k, unsigned char oid[20])
{
	const char *p = c->buf, *end = c->buf + c->len;
	if (end - p < 46 || memcmp(p, "tree ", 5) || p[45] != '\n')
		return -1;
	if (!k)
		return oid_from_hex(p + 5, 40, oid);
	p += 46;
	for (unsigned long i = 1; end - p >= 48 && !memcmp(p, "parent ", 7) && p[47] == '\n'; i++, p += 48)
		if (i == k)
			return oid_from_hex(p + 7, 40, oid);
	return -1;
}

static int digits(const char **p, const char *end, unsigned long *v)
{
	unsigned long n = 0;
	const char *s = *p;
	while (*p < end && **p >= '0' && **p <= '9') {
		n = n * 10 + (unsigned long)(**p - '0');
		if (n > MAX_ANCESTRY)
			return -1;
		(*p)++;
	}
	*v = *p == s ? 1 : n;
	return 0;
}

int odb_rev_tree(struct odb *o, const char *rev, unsigned char tree[20])
{
	size_t n = strcspn(rev, "~^");
	const char *p = rev + n, *end = rev + strlen(rev);
	unsigned char oid[20];
	enum odb_type t;
	struct sbuf buf = SBUF_INIT;
	int rc = -1;
	if (rev_base(o, rev, n, oid) || peel(o, oid, &t, &buf))
		goto out;
	while (p < end) {
		char op = *p++;
		unsigned long k;
		if (op == '^' && p < end && *p == '{') {
			const char *close = memchr(p, '}', (size_t)(end - p));
			if (!close)
				goto out;
			size_t kl = (size_t)(close - p - 1);
			if (kl == 6 && !memcmp(p + 1, "commit", 6)) {
				if (t != ODB_COMMIT)
					goto out;
			} else if (kl == 4 && !memcmp(p + 1, "tree", 4)) {
				if (t == ODB_COMMIT && (commit_field(&buf, 0, oid) || peel(o, oid, &t, &buf)))
					goto out;
				if (t != ODB_TREE)
					goto out;
			} else if (kl) {
				goto out; /* ^{blob}, ^{/text}...: libgit2 */
			}
			p = close + 1;
			continue;
		}
		if (digits(&p, end, &k) || t != ODB_COMMIT)
			goto out;
		if (op == '^' && k == 0)
			continue;
		for (unsigned long i = 0; i < (op == '~' ? k : 1); i++)
			if (commit_field(&buf, op == '~' ? 1 : k, oid) || peel(o, oid, &t, &buf) || t != ODB_COMMIT)
				goto out;
	}
	if (t == ODB_COMMIT && (commit_field(&buf, 0, oid) || peel(o, oid, &t, &buf)))
		goto out;
	if (t != ODB_TREE)
		goto out;
	memcpy(tree, oid, 20);
	rc = 0;
out:
	sbuf_release(&buf);
	return rc;
}

/* ---- opening ------------------------------------------------------------------------------- */

static int exists(const char *dir, const char *name)
{
	struct sbuf p = SBUF_INIT;
	struct stat st;
	sbuf_addf(&p, "%s%s", dir, name);
	int e = lstat(p.buf, &st) == 0 || errno != ENOENT;
	sbuf_release(&p);
	return e;
}

static char *with_slash(const char *dir)
{
	struct sbuf s = SBUF_INIT;
	sbuf_addstr(&s, dir);
	if (!s.len || s.buf[s.len - 1] != '/')
		sbuf_addch(&s, '/');
	return sbuf_detach(&s, NULL);
}

int odb_open(struct odb **out, const char *gitdir, const char *commondir)
{
	struct odb *o = xcalloc(1, sizeof(*o));
	o->packed_refs = (struct sbuf)SBUF_INIT;
	o->scratch = (struct sbuf)SBUF_INIT;
	o->gitdir = with_slash(gitdir);
	o->commondir = with_slash(commondir);
	struct sbuf od = SBUF_INIT;
	sbuf_addf(&od, "%sobjects/", o->commondir);
	o->objdir = sbuf_detach(&od, NULL);
	*out = NULL;
	/* what changes which objects a name means, or where they are: libgit2's business */
	if (exists(o->objdir, "info/alternates") || exists(o->commondir, "info/grafts") ||
	    exists(o->commondir, "refs/replace") || exists(o->commondir, "reftable") || packs_load(o))
		goto fail;
	struct sbuf pr = SBUF_INIT;
	sbuf_addf(&pr, "%spacked-refs", o->commondir);
	int rc = sbuf_read_at_flags(&o->packed_refs, AT_FDCWD, pr.buf, (size_t)512 << 20, O_NOFOLLOW);
	int gone = rc == -1 && errno == ENOENT;
	sbuf_release(&pr);
	if ((rc && !gone) || memmem(o->packed_refs.buf, o->packed_refs.len, " refs/replace/", 14))
		goto fail;
	*out = o;
	return 0;
fail:
	odb_free(o);
	return -1;
}

void odb_free(struct odb *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->npacks; i++) {
		unmap(o->packs[i].idx, o->packs[i].idx_len);
		unmap(o->packs[i].data, o->packs[i].data_len);
	}
	free(o->packs);
	sbuf_release(&o->packed_refs);
	sbuf_release(&o->scratch);
	free(o->gitdir);
	free(o->commondir);
	free(o->objdir);
	free(o);
}
