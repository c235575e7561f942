/* SPDX-License-Identifier: Apache-2.0 */
/* hdf5.c: root group attributes of an HDF5 file, read structurally in one forward pass.
 *
 * HDF5 is a random-access format, and the walker hands every byte over once, in order. The
 * reader keeps the first bytes of the file (where libhdf5 puts the superblock and the root
 * group) and asks for every other structure by address: a structure ahead of the stream is
 * captured when its bytes go by, and the parse starts again from the superblock once they
 * have. A structure behind the stream and outside the kept prefix cannot be read in one
 * pass: that is an error, never a silent "no attributes". Every read is checked against the
 * bytes of the structure it is in. Nothing moves while a parse runs (the prefix grows only
 * between parses), so pointers into it stay valid for the parse. Checksums are not
 * verified: a file libhdf5 would refuse is still analysed. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "core/cursor.h"
#include "scan/hdf5.h"

#define NAMES_MAX 4
#define VALUES_MAX 16
#define WANTS_MAX 1024          /* structures captured ahead of the stream */
#define CHUNKS_MAX 256          /* object header chunks (continuation blocks) */
#define MESSAGES_MAX 65536      /* header messages and dense attributes of the root group */
#define BTREE_DEPTH_MAX 8
#define UNDEF UINT64_MAX        /* the undefined address */

enum { R_OK, R_NEED, R_FAIL };

struct want {
	uint64_t at, len;
	unsigned char *p;
};

struct value {
	size_t name;
	unsigned char *p;
	size_t n;
	uint64_t offset;
};

struct mv_h5 {
	const char *names[NAMES_MAX];
	size_t nnames;
	uint64_t retain, budget, held;
	struct mv_buf prefix;           /* the file's first bytes */
	uint64_t pos;                   /* bytes seen so far */
	struct want wants[WANTS_MAX];
	size_t nwants;
	uint64_t need_end;              /* the parse waits until pos reaches this */
	int state;                      /* R_OK (done), R_NEED, R_FAIL */
	char err[256];
	/* what the current parse learnt */
	unsigned osz, lsz;              /* sizes of offsets and lengths */
	uint64_t base;
	unsigned long messages;
	struct value values[VALUES_MAX];
	size_t nvalues;
};

static int
fail(struct mv_h5 *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof(h->err), fmt, ap);
	va_end(ap);
	return R_FAIL;
}

/* Little-endian integer of size bytes (1 to 8). */
static uint64_t
rd(const unsigned char *p, unsigned size)
{
	uint64_t v = 0;

	for (unsigned i = size; i > 0; i--)
		v = v << 8 | p[i - 1];
	return v;
}

/* An address field: all bits set is undefined whatever the width. */
static uint64_t
rd_addr(const struct mv_h5 *h, const unsigned char *p)
{
	uint64_t v = rd(p, h->osz);

	return h->osz < 8 && v == (UINT64_C(1) << (8 * h->osz)) - 1 ? UNDEF : v;
}

/* Bytes needed to write n (libhdf5's H5VM_limit_enc_size). */
static unsigned
enc_size(uint64_t n)
{
	unsigned bits = 0;

	while (n >>= 1)
		bits++;
	return bits / 8 + 1;
}

static unsigned
log2u(uint64_t n)
{
	unsigned b = 0;

	while (n >>= 1)
		b++;
	return b;
}

/*
 * The bytes [at, at + len) of the file (an absolute offset): R_OK with *out, R_NEED when they
 * are still to come (the reader captures them), R_FAIL when they went by unkept or lie past
 * every limit.
 */
static int
get_abs(struct mv_h5 *h, uint64_t at, uint64_t len, const unsigned char **out)
{
	uint64_t end, kept = h->prefix.len;
	struct want *w;

	if (len == 0)
		len = 1;
	if (at > UINT64_MAX - len || len > h->budget)
		return fail(h, "a structure at offset %llu of %llu bytes is past the limits",
		    (unsigned long long)at, (unsigned long long)len);
	end = at + len;
	if (end <= kept) {
		*out = h->prefix.p + at;
		return R_OK;
	}
	for (size_t i = 0; i < h->nwants; i++) {
		w = &h->wants[i];
		if (at >= w->at && end <= w->at + w->len) {
			if (w->at + w->len > h->pos) {
				h->need_end = w->at + w->len;
				return R_NEED;
			}
			*out = w->p + (at - w->at);
			return R_OK;
		}
	}
	/* Bytes kept in the prefix or still to come are fine; bytes in between are lost. */
	if ((at > kept ? at : kept) < h->pos)
		return fail(h, "a structure at offset %llu is referenced after the stream passed it "
		    "(more than %llu bytes into the file)", (unsigned long long)at,
		    (unsigned long long)h->retain);
	if (end <= h->retain && kept == h->pos) {
		/* It will land in the prefix. */
		h->need_end = end;
		return R_NEED;
	}
	if (h->nwants >= WANTS_MAX || h->held + len > h->budget)
		return fail(h, "more than %u structures or %llu bytes of metadata", WANTS_MAX,
		    (unsigned long long)h->budget);
	w = &h->wants[h->nwants];
	if ((w->p = malloc((size_t)len)) == NULL)
		return fail(h, "out of memory");
	h->nwants++;
	h->held += len;
	w->at = at;
	w->len = len;
	if (at < kept)
		memcpy(w->p, h->prefix.p + at, (size_t)(kept - at));
	h->need_end = end;
	return R_NEED;
}

/* The same for an address relative to the superblock's base address. */
static int
get(struct mv_h5 *h, uint64_t addr, uint64_t len, const unsigned char **out)
{
	if (addr == UNDEF || addr > UINT64_MAX - h->base)
		return fail(h, "an undefined or impossible address");
	return get_abs(h, h->base + addr, len, out);
}

#define TRY(x) do { int r_ = (x); if (r_ != R_OK) return r_; } while (0)

/* ---- values ---- */

static int
keep_value(struct mv_h5 *h, size_t name, const unsigned char *p, size_t n, uint64_t offset)
{
	struct value *v;

	if (h->nvalues >= VALUES_MAX)
		return fail(h, "more than %d attributes with the names looked for", VALUES_MAX);
	v = &h->values[h->nvalues];
	if ((v->p = malloc(n ? n : 1)) == NULL)
		return fail(h, "out of memory");
	memcpy(v->p, p, n);
	v->n = n;
	v->name = name;
	v->offset = offset;
	h->nvalues++;
	return R_OK;
}

/* Object idx of the global heap collection at addr (variable-length data). */
static int
global_heap(struct mv_h5 *h, uint64_t addr, uint32_t idx, const unsigned char **out,
    uint64_t *len, uint64_t *at)
{
	const unsigned char *p;
	uint64_t size, off;

	TRY(get(h, addr, 8 + h->lsz, &p));
	if (memcmp(p, "GCOL", 4) != 0 || p[4] != 1)
		return fail(h, "no global heap collection at address %llu",
		    (unsigned long long)addr);
	size = rd(p + 8, h->lsz);
	if (size < 8u + h->lsz)
		return fail(h, "global heap collection of %llu bytes", (unsigned long long)size);
	TRY(get(h, addr, size, &p));
	for (off = 8 + h->lsz; off + 8 + h->lsz <= size;) {
		uint16_t i = mv_le16(p + off);
		uint64_t n = rd(p + off + 8, h->lsz);

		if (i == 0)
			break;
		if (n > size - off - 8 - h->lsz)
			return fail(h, "global heap object %u overruns its collection", i);
		if (i == idx) {
			*out = p + off + 8 + h->lsz;
			*len = n;
			*at = h->base + addr + off + 8 + h->lsz;
			return R_OK;
		}
		off += 8 + h->lsz + ((n + 7) & ~UINT64_C(7));
	}
	return fail(h, "global heap object %u not found", idx);
}

/* A datatype message: only strings make a Keras configuration. */
static int
string_value(struct mv_h5 *h, size_t name, const unsigned char *dt, size_t dtn,
    const unsigned char *data, size_t dn, uint64_t nelem, uint64_t data_off)
{
	unsigned cls, pad;
	uint32_t size;

	if (dtn < 8)
		return fail(h, "datatype of %zu bytes", dtn);
	cls = dt[0] & 0x0f;
	size = mv_le32(dt + 4);
	if (cls != 3 && !(cls == 9 && (dt[1] & 0x0f) == 1))
		return fail(h, "attribute '%s' is not a string (datatype class %u)", h->names[name],
		    cls);
	if (nelem != 1)
		return fail(h, "attribute '%s' holds %llu elements, not one string", h->names[name],
		    (unsigned long long)nelem);
	if (cls == 3) {
		/* Fixed length: null-terminated, null-padded or space-padded. */
		size_t n = size;

		pad = dt[1] & 0x0f;
		if (size > dn)
			return fail(h, "attribute '%s' is shorter than its type", h->names[name]);
		if (pad != 2 && memchr(data, 0, size))
			n = (size_t)((const unsigned char *)memchr(data, 0, size) - data);
		while (pad == 2 && n > 0 && data[n - 1] == ' ')
			n--;
		return keep_value(h, name, data, n, data_off);
	}
	if (cls == 9 && (dt[1] & 0x0f) == 1) {
		const unsigned char *v = NULL;
		uint64_t len = 0, addr, at = 0;

		if (dn < 4u + h->osz + 4u)
			return fail(h, "variable-length attribute '%s' is truncated", h->names[name]);
		addr = rd_addr(h, data + 4);
		TRY(global_heap(h, addr, mv_le32(data + 4 + h->osz), &v, &len, &at));
		if (mv_le32(data) > len)
			return fail(h, "attribute '%s' is longer than its heap object", h->names[name]);
		return keep_value(h, name, v, mv_le32(data), at);
	}
	return fail(h, "attribute '%s' is not a string (datatype class %u)", h->names[name], cls);
}

/* Number of elements a dataspace message describes. */
static int
dataspace(struct mv_h5 *h, const unsigned char *p, size_t n, uint64_t *nelem)
{
	unsigned ver, rank, flags, type = 1;
	size_t off;

	if (n < 2)
		return fail(h, "dataspace of %zu bytes", n);
	ver = p[0];
	rank = p[1];
	if (ver == 1) {
		off = 8;
		flags = n > 2 ? p[2] : 0;
	} else if (ver == 2) {
		if (n < 4)
			return fail(h, "dataspace of %zu bytes", n);
		flags = p[2];
		type = p[3];
		off = 4;
	} else {
		return fail(h, "dataspace version %u", ver);
	}
	(void)flags;
	if (type == 2) {
		*nelem = 0;
		return R_OK;
	}
	if (rank > 32 || off + (size_t)rank * h->lsz > n)
		return fail(h, "dataspace of rank %u in %zu bytes", rank, n);
	*nelem = 1;
	for (unsigned i = 0; i < rank; i++) {
		uint64_t d = rd(p + off + (size_t)i * h->lsz, h->lsz);

		if (d != 0 && *nelem > UINT64_MAX / d)
			return fail(h, "dataspace too large");
		*nelem *= d;
	}
	return R_OK;
}

/* An attribute message (versions 1 to 3) of n bytes at file offset at. */
static int
attribute(struct mv_h5 *h, const unsigned char *p, size_t n, uint64_t at)
{
	unsigned ver, flags;
	size_t namen, dtn, dsn, off, dto, dso, dao;
	uint64_t nelem = 0;
	size_t which;

	if (n < 8)
		return fail(h, "attribute message of %zu bytes", n);
	ver = p[0];
	flags = p[1];
	namen = mv_le16(p + 2);
	dtn = mv_le16(p + 4);
	dsn = mv_le16(p + 6);
	if (ver < 1 || ver > 3)
		return fail(h, "attribute message version %u", ver);
	off = ver == 3 ? 9 : 8;
	/* Version 1 pads each part to 8 bytes. */
#define PART(x) (ver == 1 ? (((x) + 7) & ~(size_t)7) : (x))
	if (namen == 0 || off + PART(namen) > n)
		return fail(h, "attribute name overruns its message");
	dto = off + PART(namen);
	if (dtn > n - dto)
		return fail(h, "attribute datatype overruns its message");
	dso = dto + PART(dtn);
	if (dso > n || dsn > n - dso)
		return fail(h, "attribute dataspace overruns its message");
	dao = dso + PART(dsn);
	if (dao > n)
		return fail(h, "attribute data overruns its message");
#undef PART
	/* The name is null-terminated within its size. */
	for (which = 0; which < h->nnames; which++) {
		size_t m = strlen(h->names[which]);

		if (namen == m + 1 && memcmp(p + off, h->names[which], m) == 0 &&
		    p[off + m] == 0)
			break;
	}
	if (which == h->nnames)
		return R_OK;
	if (flags & 3)
		return fail(h, "attribute '%s' uses a shared datatype or dataspace",
		    h->names[which]);
	TRY(dataspace(h, p + dso, dsn, &nelem));
	return string_value(h, which, p + dto, dtn, p + dao, n - dao, nelem, at + dao);
}

/* ---- dense attribute storage: fractal heap and version 2 B-tree ---- */

struct heap {
	uint64_t addr;
	unsigned idlen, offsz, lensz, width, rows, max_dblock_rows;
	int checksummed;
	uint64_t start_block, max_direct, root, huge_bt;
};

static int
heap_open(struct mv_h5 *h, uint64_t addr, struct heap *fh)
{
	const unsigned char *p;
	size_t need = 4 + 1 + 2 + 2 + 1 + 4 + h->lsz + h->osz + h->lsz + h->osz + 8 * h->lsz +
	    2 + 2 * h->lsz + 2 + 2 + h->osz + 2 + 4;
	struct mv_cur c;
	const unsigned char *q, *qmax;
	uint16_t idlen, filters, maxbits, width, rows;
	uint8_t flags;
	uint32_t maxman;

	TRY(get(h, addr, need, &p));
	if (memcmp(p, "FRHP", 4) != 0 || p[4] != 0)
		return fail(h, "no fractal heap at address %llu", (unsigned long long)addr);
	mv_cur_init(&c, p + 5, need - 5);
	memset(fh, 0, sizeof(*fh));
	fh->addr = addr;
	if (mv_cur_u16(&c, &idlen) || mv_cur_u16(&c, &filters) || mv_cur_u8(&c, &flags) ||
	    mv_cur_u32(&c, &maxman))
		return fail(h, "fractal heap header truncated");
	fh->idlen = idlen;
	if (filters)
		return fail(h, "fractal heap with I/O filters");
	fh->checksummed = (flags & 2) != 0;
	/* next huge id (L), huge B-tree address (O) */
	if (mv_cur_bytes(&c, h->lsz, NULL) || mv_cur_bytes(&c, h->osz, &q))
		return fail(h, "fractal heap header truncated");
	fh->huge_bt = rd_addr(h, q);
	/* free space (L), free-space manager (O), 8 counters (L each) */
	if (mv_cur_bytes(&c, h->lsz + h->osz + 8 * h->lsz, NULL) || mv_cur_u16(&c, &width) ||
	    mv_cur_bytes(&c, h->lsz, &q))
		return fail(h, "fractal heap header truncated");
	fh->width = width;
	fh->start_block = rd(q, h->lsz);
	if (mv_cur_bytes(&c, h->lsz, &qmax) || mv_cur_u16(&c, &maxbits) ||
	    mv_cur_u16(&c, &rows) || mv_cur_bytes(&c, h->osz, &q))
		return fail(h, "fractal heap header truncated");
	fh->max_direct = rd(qmax, h->lsz);
	fh->root = rd_addr(h, q);
	if (mv_cur_u16(&c, &rows))
		return fail(h, "fractal heap header truncated");
	fh->rows = rows;
	if (width == 0 || fh->start_block == 0 || (fh->start_block & (fh->start_block - 1)) ||
	    fh->max_direct < fh->start_block || (fh->max_direct & (fh->max_direct - 1)) ||
	    maxbits == 0 || maxbits > 64 || maxman == 0 || rows > 64)
		return fail(h, "fractal heap header with impossible sizes");
	fh->offsz = (maxbits + 7) / 8;
	fh->lensz = enc_size(maxman);
	if ((log2u(fh->max_direct) + 7) / 8 < fh->lensz)
		fh->lensz = (log2u(fh->max_direct) + 7) / 8;
	fh->max_dblock_rows = log2u(fh->max_direct) - log2u(fh->start_block) + 2;
	return R_OK;
}

static uint64_t
row_size(const struct heap *fh, unsigned r)
{
	return r < 2 ? fh->start_block : fh->start_block << (r - 1);
}

/* Huge objects: the heap's own B-tree (type 1 records: address, length, id). */
struct huge_find {
	uint64_t id, addr, len;
	int found;
};

static int btree_walk(struct mv_h5 *h, uint64_t addr, unsigned type,
    int (*fn)(struct mv_h5 *, const unsigned char *, void *), void *arg);

static int
huge_rec(struct mv_h5 *h, const unsigned char *r, void *arg)
{
	struct huge_find *hf = arg;

	if (rd(r + h->osz + h->lsz, h->lsz) == hf->id) {
		hf->addr = rd_addr(h, r);
		hf->len = rd(r + h->osz, h->lsz);
		hf->found = 1;
	}
	return R_OK;
}

/* The bytes of the heap object named by id. */
static int
heap_object(struct mv_h5 *h, const struct heap *fh, const unsigned char *id,
    const unsigned char **out, uint64_t *len, uint64_t *at)
{
	unsigned type = (id[0] >> 4) & 3;
	uint64_t off, n, boff = 0, blk = UNDEF;
	const unsigned char *p;

	if (id[0] >> 6)
		return fail(h, "fractal heap id version %u", id[0] >> 6);
	if (type == 1) {
		struct huge_find hf = {0};

		if (fh->idlen < 2 || fh->huge_bt == UNDEF)
			return fail(h, "huge heap object without its index");
		hf.id = rd(id + 1, fh->idlen - 1 < 8 ? fh->idlen - 1 : 8);
		TRY(btree_walk(h, fh->huge_bt, 1, huge_rec, &hf));
		if (!hf.found)
			return fail(h, "huge heap object %llu not indexed", (unsigned long long)hf.id);
		TRY(get(h, hf.addr, hf.len, out));
		*len = hf.len;
		*at = h->base + hf.addr;
		return R_OK;
	}
	if (type != 0)
		return fail(h, "fractal heap object of type %u", type);
	if (1u + fh->offsz + fh->lensz > fh->idlen)
		return fail(h, "fractal heap id of %u bytes", fh->idlen);
	off = rd(id + 1, fh->offsz);
	n = rd(id + 1 + fh->offsz, fh->lensz);
	if (fh->rows == 0) {
		/* The root is one direct block covering offsets [0, start_block). */
		blk = fh->root;
		if (off > fh->start_block || n > fh->start_block - off)
			return fail(h, "heap object outside its block");
	} else {
		size_t ent = 4 + 1 + h->osz + fh->offsz, esz = h->osz;
		uint64_t need = ent + (uint64_t)fh->rows * fh->width * esz;

		TRY(get(h, fh->root, need, &p));
		if (memcmp(p, "FHIB", 4) != 0)
			return fail(h, "no fractal heap indirect block at %llu",
			    (unsigned long long)fh->root);
		for (unsigned r = 0; r < fh->rows && blk == UNDEF; r++) {
			uint64_t sz = row_size(fh, r);

			for (unsigned col = 0; col < fh->width; col++, boff += sz) {
				if (off < boff || off >= boff + sz)
					continue;
				if (r >= fh->max_dblock_rows)
					return fail(h, "heap object in a nested indirect block");
				blk = rd_addr(h, p + ent + ((size_t)r * fh->width + col) * esz);
				if (blk == UNDEF || n > boff + sz - off)
					return fail(h, "heap object in a missing block");
				break;
			}
		}
		if (blk == UNDEF)
			return fail(h, "heap object past the heap");
	}
	TRY(get(h, blk, 5 + h->osz + fh->offsz, &p));
	if (memcmp(p, "FHDB", 4) != 0 || rd(p + 5 + h->osz, fh->offsz) != boff)
		return fail(h, "no fractal heap direct block at %llu", (unsigned long long)blk);
	if (off - boff < 5u + h->osz + fh->offsz + (fh->checksummed ? 4u : 0u))
		return fail(h, "heap object inside its block's header");
	TRY(get(h, blk + (off - boff), n, out));
	*len = n;
	*at = h->base + blk + (off - boff);
	return R_OK;
}

/*
 * Every record of the version 2 B-tree at addr (records of internal nodes too), handed to fn.
 * Field widths follow from the node size as libhdf5 computes them (H5B2__hdr_init).
 */
struct bt {
	uint32_t node;
	uint16_t rec;
	unsigned depth;
	uint64_t max_nrec[BTREE_DEPTH_MAX + 1], cum[BTREE_DEPTH_MAX + 1];
	unsigned cum_size[BTREE_DEPTH_MAX + 1], nrec_size;
	int (*fn)(struct mv_h5 *, const unsigned char *, void *);
	void *arg;
};

static unsigned
bt_ptr_size(const struct mv_h5 *h, const struct bt *t, unsigned d)
{
	return h->osz + t->nrec_size + (d > 1 ? t->cum_size[d - 1] : 0);
}

static int
bt_node(struct mv_h5 *h, struct bt *t, uint64_t addr, uint64_t nrec, unsigned d)
{
	const unsigned char *p;
	uint64_t need;

	if (++h->messages > MESSAGES_MAX)
		return fail(h, "more than %d B-tree records", MESSAGES_MAX);
	if (nrec > t->max_nrec[d])
		return fail(h, "B-tree node with %llu records", (unsigned long long)nrec);
	need = 6 + nrec * t->rec + (d ? (nrec + 1) * bt_ptr_size(h, t, d) : 0);
	TRY(get(h, addr, need, &p));
	if (memcmp(p, d ? "BTIN" : "BTLF", 4) != 0)
		return fail(h, "no B-tree node at %llu", (unsigned long long)addr);
	for (uint64_t i = 0; i < nrec; i++)
		TRY(t->fn(h, p + 6 + i * t->rec, t->arg));
	if (d == 0)
		return R_OK;
	for (uint64_t i = 0; i <= nrec; i++) {
		const unsigned char *q;
		uint64_t child, cn;

		q = p + 6 + nrec * t->rec + i * bt_ptr_size(h, t, d);
		child = rd_addr(h, q);
		cn = rd(q + h->osz, t->nrec_size);
		TRY(bt_node(h, t, child, cn, d - 1));
	}
	return R_OK;
}

static int
btree_walk(struct mv_h5 *h, uint64_t addr, unsigned type,
    int (*fn)(struct mv_h5 *, const unsigned char *, void *), void *arg)
{
	const unsigned char *p;
	size_t need = 4 + 1 + 1 + 4 + 2 + 2 + 1 + 1 + h->osz + 2 + h->lsz + 4;
	struct bt t;

	TRY(get(h, addr, need, &p));
	if (memcmp(p, "BTHD", 4) != 0 || p[4] != 0 || p[5] != type)
		return fail(h, "no version 2 B-tree of type %u at %llu", type,
		    (unsigned long long)addr);
	memset(&t, 0, sizeof(t));
	t.node = mv_le32(p + 6);
	t.rec = mv_le16(p + 10);
	t.depth = mv_le16(p + 12);
	t.fn = fn;
	t.arg = arg;
	if (t.depth > BTREE_DEPTH_MAX || t.rec == 0 || t.node <= 10 || t.node > (1u << 24) ||
	    (type == 8 && t.rec < 17) || (type == 1 && t.rec < 2u * h->lsz + h->osz))
		return fail(h, "B-tree header with impossible sizes");
	t.max_nrec[0] = (t.node - 10) / t.rec;
	t.cum[0] = t.max_nrec[0];
	t.nrec_size = enc_size(t.max_nrec[0]);
	for (unsigned d = 1; d <= t.depth; d++) {
		unsigned ps = bt_ptr_size(h, &t, d);

		if (t.node < 10 + ps)
			return fail(h, "B-tree nodes too small");
		t.max_nrec[d] = (t.node - 10 - ps) / (t.rec + ps);
		t.cum[d] = (t.max_nrec[d] + 1) * t.cum[d - 1] + t.max_nrec[d];
		t.cum_size[d] = enc_size(t.cum[d]);
	}
	return bt_node(h, &t, rd_addr(h, p + 16), mv_le16(p + 16 + h->osz), t.depth);
}

struct dense {
	struct heap fh;
};

/* A name index record: heap id (8 bytes), flags, creation order, name hash. */
static int
dense_rec(struct mv_h5 *h, const unsigned char *r, void *arg)
{
	struct dense *ds = arg;
	const unsigned char *p = NULL;
	uint64_t n = 0, at = 0;

	if (ds->fh.idlen > 8 || ds->fh.idlen < 1)
		return fail(h, "attribute heap ids of %u bytes", ds->fh.idlen);
	if (++h->messages > MESSAGES_MAX)
		return fail(h, "more than %d attributes", MESSAGES_MAX);
	if (r[ds->fh.idlen] & 2)
		return fail(h, "a shared attribute in dense storage");
	TRY(heap_object(h, &ds->fh, r, &p, &n, &at));
	return attribute(h, p, (size_t)n, at);
}

static int
dense_attributes(struct mv_h5 *h, uint64_t heap, uint64_t names)
{
	struct dense ds;

	TRY(heap_open(h, heap, &ds.fh));
	return btree_walk(h, names, 8, dense_rec, &ds);
}

/* ---- object headers ---- */

struct chunk {
	uint64_t addr, len;
	int v2, ochk;
};

static int
object_header(struct mv_h5 *h, uint64_t addr)
{
	struct chunk ch[CHUNKS_MAX];
	size_t nch = 0;
	const unsigned char *p;
	int v2, crt = 0;
	uint64_t heap = UNDEF, names = UNDEF;

	TRY(get(h, addr, 16, &p));
	v2 = memcmp(p, "OHDR", 4) == 0;
	if (v2) {
		unsigned flags = p[5], w = 1u << (flags & 3);
		size_t off = 6 + ((flags & 0x20) ? 16 : 0) + ((flags & 0x10) ? 4 : 0);

		if (p[4] != 2)
			return fail(h, "object header version %u", p[4]);
		crt = (flags & 0x04) != 0;
		TRY(get(h, addr, off + w, &p));
		ch[nch].addr = addr + off + w;
		ch[nch].len = rd(p + off, w);
		ch[nch].v2 = 1;
		ch[nch++].ochk = 0;
	} else {
		if (p[0] != 1)
			return fail(h, "object header version %u at %llu", p[0],
			    (unsigned long long)addr);
		ch[nch].addr = addr + 16;
		ch[nch].len = mv_le32(p + 8);
		ch[nch].v2 = 0;
		ch[nch++].ochk = 0;
	}
	for (size_t i = 0; i < nch; i++) {
		uint64_t start = ch[i].addr, len = ch[i].len, off;
		size_t mh = ch[i].v2 ? 4u + (crt ? 2u : 0u) : 8u;

		if (ch[i].ochk) {
			/* "OCHK", messages, checksum */
			if (len < 8)
				return fail(h, "continuation block of %llu bytes",
				    (unsigned long long)len);
			TRY(get(h, start, len, &p));
			if (memcmp(p, "OCHK", 4) != 0)
				return fail(h, "no continuation block at %llu",
				    (unsigned long long)start);
			start += 4;
			len -= 8;
		}
		TRY(get(h, start, len, &p));
		for (off = 0; off + mh <= len;) {
			unsigned type = ch[i].v2 ? p[off] : mv_le16(p + off);
			uint64_t size = ch[i].v2 ? mv_le16(p + off + 1) : mv_le16(p + off + 2);
			unsigned mflags = ch[i].v2 ? p[off + 3] : p[off + 4];
			const unsigned char *d = p + off + mh;

			if (++h->messages > MESSAGES_MAX)
				return fail(h, "more than %d header messages", MESSAGES_MAX);
			if (size > len - off - mh)
				return fail(h, "header message overruns its chunk at %llu",
				    (unsigned long long)(start + off));
			if (type == 0x10) {
				if (size < (uint64_t)h->osz + h->lsz)
					return fail(h, "short continuation message");
				if (nch >= CHUNKS_MAX)
					return fail(h, "more than %d object header chunks", CHUNKS_MAX);
				ch[nch].addr = rd_addr(h, d);
				ch[nch].len = rd(d + h->osz, h->lsz);
				ch[nch].v2 = ch[i].v2;
				ch[nch++].ochk = ch[i].v2;
			} else if (type == 0x0c) {
				if (mflags & 2)
					return fail(h, "a shared attribute message");
				TRY(attribute(h, d, (size_t)size, h->base + start + off + mh));
			} else if (type == 0x15) {
				size_t o = 2;

				if (size < 2)
					return fail(h, "short attribute info message");
				o += (d[1] & 1) ? 2 : 0;
				if (o + 2u * h->osz > size)
					return fail(h, "short attribute info message");
				heap = rd_addr(h, d + o);
				names = rd_addr(h, d + o + h->osz);
			}
			off += mh + size;
			/* Version 1 messages are aligned to 8 bytes. */
			if (!ch[i].v2)
				off = (off + 7) & ~UINT64_C(7);
		}
	}
	if (heap != UNDEF && names != UNDEF)
		return dense_attributes(h, heap, names);
	return R_OK;
}

/* ---- superblock ---- */

static const unsigned char sig[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

static int
parse(struct mv_h5 *h)
{
	const unsigned char *p;
	uint64_t at = 0, root;
	unsigned ver;

	for (size_t i = 0; i < h->nvalues; i++)
		free(h->values[i].p);
	h->nvalues = 0;
	h->messages = 0;
	h->base = 0;
	/* The superblock is at 0, 512, 1024, 2048, ... (after a user block). */
	for (;;) {
		if (at > h->retain)
			return fail(h, "no HDF5 superblock in the first %llu bytes",
			    (unsigned long long)h->retain);
		TRY(get_abs(h, at, 8, &p));
		if (memcmp(p, sig, 8) == 0)
			break;
		at = at ? at * 2 : 512;
	}
	TRY(get_abs(h, at, 12, &p));
	ver = p[8];
	if (ver <= 1) {
		size_t fixed = ver == 0 ? 24 : 28;

		TRY(get_abs(h, at, fixed, &p));
		h->osz = p[13];
		h->lsz = p[14];
	} else if (ver <= 3) {
		h->osz = p[9];
		h->lsz = p[10];
	} else {
		return fail(h, "superblock version %u", ver);
	}
	if ((h->osz != 2 && h->osz != 4 && h->osz != 8) || (h->lsz != 2 && h->lsz != 4 &&
	    h->lsz != 8))
		return fail(h, "offsets of %u and lengths of %u bytes", h->osz, h->lsz);
	if (ver <= 1) {
		size_t fixed = ver == 0 ? 24 : 28;

		/* base, free space, end of file, driver; then the root's symbol table entry. */
		TRY(get_abs(h, at, fixed + 6u * h->osz, &p));
		h->base = rd(p + fixed, h->osz);
		root = rd_addr(h, p + fixed + 5u * h->osz);
	} else {
		TRY(get_abs(h, at, 12 + 4u * h->osz, &p));
		h->base = rd(p + 12, h->osz);
		root = rd_addr(h, p + 12 + 3u * h->osz);
	}
	return object_header(h, root);
}

/* ---- the stream ---- */

struct mv_h5 *
mv_h5_new(const char *const *names, size_t nnames, uint64_t retain, uint64_t budget)
{
	struct mv_h5 *h = calloc(1, sizeof(*h));

	if (h == NULL || nnames > NAMES_MAX) {
		free(h);
		return NULL;
	}
	for (size_t i = 0; i < nnames; i++)
		h->names[i] = names[i];
	h->nnames = nnames;
	h->retain = retain < budget ? retain : budget;
	h->budget = budget;
	h->held = h->retain;
	mv_buf_init(&h->prefix, (size_t)h->retain);
	h->state = R_NEED;
	h->need_end = 8;
	return h;
}

int
mv_h5_feed(struct mv_h5 *h, const unsigned char *p, size_t n)
{
	uint64_t end = h->pos + n;

	if (h->state != R_NEED)
		return 1;
	if (h->pos < h->retain) {
		size_t take = h->retain - h->pos < n ? (size_t)(h->retain - h->pos) : n;

		if (mv_buf_add(&h->prefix, p, take) != MV_OK) {
			h->state = fail(h, "out of memory");
			return 1;
		}
	}
	for (size_t i = 0; i < h->nwants; i++) {
		struct want *w = &h->wants[i];
		uint64_t a = w->at > h->pos ? w->at : h->pos;
		uint64_t b = w->at + w->len < end ? w->at + w->len : end;

		if (a < b)
			memcpy(w->p + (a - w->at), p + (a - h->pos), (size_t)(b - a));
	}
	h->pos = end;
	/* Parse again from the superblock each time what the last parse waited for is in. */
	while (h->state == R_NEED && h->pos >= h->need_end)
		h->state = parse(h);
	return h->state != R_NEED;
}

mv_status
mv_h5_finish(struct mv_h5 *h, char *err, size_t errlen)
{
	if (h->state == R_NEED)
		h->state = fail(h, "the file ends before offset %llu, where its structure "
		    "continues", (unsigned long long)h->need_end);
	if (h->state == R_OK)
		return MV_OK;
	snprintf(err, errlen, "%s", h->err);
	return strstr(h->err, "limit") || strstr(h->err, "more than") ? MV_ERR_LIMIT :
	    MV_ERR_FORMAT;
}

int
mv_h5_value(const struct mv_h5 *h, size_t i, size_t *name, const unsigned char **v,
    size_t *n, uint64_t *offset)
{
	if (h->state != R_OK || i >= h->nvalues)
		return 0;
	*name = h->values[i].name;
	*v = h->values[i].p;
	*n = h->values[i].n;
	*offset = h->values[i].offset;
	return 1;
}

void
mv_h5_free(struct mv_h5 *h)
{
	if (h == NULL)
		return;
	for (size_t i = 0; i < h->nvalues; i++)
		free(h->values[i].p);
	for (size_t i = 0; i < h->nwants; i++)
		free(h->wants[i].p);
	mv_buf_free(&h->prefix);
	free(h);
}
