/* SPDX-License-Identifier: Apache-2.0 */
/* zipidx.c: an index of a zip's central directory and local headers, read without libarchive. */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/array.h"
#include "core/cursor.h"
#include "walk/zipidx.h"

#define SIG_LFH         0x04034b50u
#define SIG_CDH         0x02014b50u
#define SIG_EOCD        0x06054b50u
#define SIG_LOC64       0x07064b50u
#define SIG_EOCD64      0x06064b50u
#define SIG_DD          0x08074b50u

#define LFH_LEN         30
#define CDH_LEN         46
#define EOCD_LEN        22
#define LOC64_LEN       20
#define EOCD64_LEN      56
#define MAX_COMMENT     65535
/* The end record, its longest comment, and room for the ZIP64 records before it. */
#define TAIL_MAX        (MAX_COMMENT + EOCD_LEN + LOC64_LEN + EOCD64_LEN)

/* Flag bits whose disagreement changes what a reader does: 0 encrypted, 3 sizes in a data
 * descriptor, 6 strong encryption, 11 UTF-8 names, 13 central directory encrypted. Bits 1-2
 * (deflate options) and the rest are advice only. */
#define FLAG_DESCRIPTOR 0x0008u
#define FLAG_UTF8       0x0800u
#define FLAGS_COMPARED  (0x0001u | 0x0008u | 0x0040u | 0x0800u | 0x2000u)

#define EXTRA_ZIP64     0x0001u
#define EXTRA_UPATH     0x7075u

#define U32_SENTINEL    0xFFFFFFFFu
#define U16_SENTINEL    0xFFFFu

/* A local header is read with its name and this much more, which covers the usual extra
 * fields (ZIP64, timestamps, uid/gid, PyTorch's alignment padding of up to 64 bytes), so
 * most members need a single read. */
#define LFH_SLACK       128
/* The whole local header: fixed part, longest name, longest extra field. */
#define LBUF_LEN        (LFH_LEN + 2 * 65535 + LFH_SLACK)
/* Gaps between members are scanned for local headers in chunks of this size. */
#define SCAN_CHUNK      (256 * 1024)
/* A hostile zip can give the same finding for every member; past this many of one rule the
 * rest are counted in one closing finding. */
#define MAX_PER_RULE    32
/* Bytes of a name quoted in evidence. */
#define SHOW_MAX        160
#define SHOW_BUF        (SHOW_MAX * 3 + 4)

/* What one member covers: [local header, end of its data and data descriptor). */
struct span {
	uint64_t start, end;
	size_t ent;
};

struct zip {
	const struct mv_rsrc *src;
	const char *path;
	const uint64_t *limit;
	struct mv_findings *fl;
	struct mv_zipidx *idx;
	size_t cap, spancap;        /* entries and spans allocated */
	struct span *span;          /* members of the central directory with a local header */
	size_t nspan;
	unsigned char *tail;        /* the last bytes of the file, where the end record is */
	size_t taillen;
	uint64_t tailbase;
	unsigned char *lbuf;        /* one local header with its name and extra field */
	unsigned char *scan;        /* a chunk of a gap between members */
	uint64_t corr;              /* added to every offset the central directory gives */
	uint64_t cd_start;          /* where the central directory really starts */
	int full;                   /* the entry limit was reached */
	unsigned nrep[MV_R__COUNT];
	mv_status st;               /* first hard error: I/O or memory */
	uint64_t io_off;
	int io_errno;
};

/* The end of central directory record as chosen, merged with its ZIP64 record. */
struct zend {
	uint64_t off;               /* the end record */
	uint16_t clen;              /* its comment length */
	uint64_t dir_end;           /* where the directory must end: the ZIP64 end record or this */
	uint64_t loc_stated;        /* ZIP64 end record offset the locator gives */
	int zip64;
	int loc_checked;            /* the locator's offset agreed with where its record is */
	uint32_t disk, cd_disk;
	uint64_t n_this, n_total, cd_size, cd_off;
};

/* Code points of CP437 bytes 0x80-0xFF: a name without the UTF-8 flag is CP437, and its
 * Unicode Path field legitimately spells the same name in UTF-8. */
static const uint16_t cp437_hi[128] = {
	0x00c7, 0x00fc, 0x00e9, 0x00e2, 0x00e4, 0x00e0, 0x00e5, 0x00e7,
	0x00ea, 0x00eb, 0x00e8, 0x00ef, 0x00ee, 0x00ec, 0x00c4, 0x00c5,
	0x00c9, 0x00e6, 0x00c6, 0x00f4, 0x00f6, 0x00f2, 0x00fb, 0x00f9,
	0x00ff, 0x00d6, 0x00dc, 0x00a2, 0x00a3, 0x00a5, 0x20a7, 0x0192,
	0x00e1, 0x00ed, 0x00f3, 0x00fa, 0x00f1, 0x00d1, 0x00aa, 0x00ba,
	0x00bf, 0x2310, 0x00ac, 0x00bd, 0x00bc, 0x00a1, 0x00ab, 0x00bb,
	0x2591, 0x2592, 0x2593, 0x2502, 0x2524, 0x2561, 0x2562, 0x2556,
	0x2555, 0x2563, 0x2551, 0x2557, 0x255d, 0x255c, 0x255b, 0x2510,
	0x2514, 0x2534, 0x252c, 0x251c, 0x2500, 0x253c, 0x255e, 0x255f,
	0x255a, 0x2554, 0x2569, 0x2566, 0x2560, 0x2550, 0x256c, 0x2567,
	0x2568, 0x2564, 0x2565, 0x2559, 0x2558, 0x2552, 0x2553, 0x256b,
	0x256a, 0x2518, 0x250c, 0x2588, 0x2584, 0x258c, 0x2590, 0x2580,
	0x03b1, 0x00df, 0x0393, 0x03c0, 0x03a3, 0x03c3, 0x00b5, 0x03c4,
	0x03a6, 0x0398, 0x03a9, 0x03b4, 0x221e, 0x03c6, 0x03b5, 0x2229,
	0x2261, 0x00b1, 0x2265, 0x2264, 0x2320, 0x2321, 0x00f7, 0x2248,
	0x00b0, 0x2219, 0x00b7, 0x221a, 0x207f, 0x00b2, 0x25a0, 0x00a0,
};

static void report(struct zip *z, enum mv_rule r, int64_t off, const char *fmt, ...)
    MV_PRINTF(4, 5);

static void
report(struct zip *z, enum mv_rule r, int64_t off, const char *fmt, ...)
{
	va_list ap;
	mv_status st;

	if (z->nrep[r]++ >= MAX_PER_RULE)
		return;
	va_start(ap, fmt);
	st = mv_findings_vadd(z->fl, r, z->path, off, fmt, ap);
	va_end(ap);
	if (st != MV_OK && z->st == MV_OK)
		z->st = st;
}

/* A file offset as a finding offset. */
static int64_t
at(uint64_t off)
{
	return off > (uint64_t)INT64_MAX ? -1 : (int64_t)off;
}

/* Read exactly n bytes at off. Callers check the range first; a range outside the file here
 * is a bug, not bad input. */
static int
get(struct zip *z, void *buf, size_t n, uint64_t off)
{
	if (off > z->src->size || n > z->src->size - off) {
		if (z->st == MV_OK)
			z->st = MV_ERR_INTERNAL;
		return -1;
	}
	if (n == 0)
		return 0;
	if (z->src->pread(z->src->arg, buf, n, off) != 0) {
		if (z->st == MV_OK) {
			z->st = MV_ERR_IO;
			z->io_off = off;
			z->io_errno = errno;
		}
		return -1;
	}
	return 0;
}

/* n bytes at off, from the tail already read when they lie in it. */
static int
get_near_end(struct zip *z, void *buf, size_t n, uint64_t off)
{
	if (off >= z->tailbase && off - z->tailbase <= z->taillen &&
	    n <= z->taillen - (off - z->tailbase)) {
		memcpy(buf, z->tail + (off - z->tailbase), n);
		return 0;
	}
	return get(z, buf, n, off);
}

/* A name for evidence: NUL bytes, which would end the string, become U+2400 SYMBOL FOR NULL
 * and long names are cut; mv_findings_add escapes every other byte. */
static const char *
show(char *out, const void *name, size_t n)
{
	const unsigned char *s = name;
	size_t i, o = 0;

	for (i = 0; i < n && i < SHOW_MAX; i++) {
		if (s[i] == 0) {
			memcpy(out + o, "\xe2\x90\x80", 3);
			o += 3;
		} else
			out[o++] = (char)s[i];
	}
	if (i < n) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}

/* The first extra field with this id in [p, p + n), or NULL. A field running past the area
 * ends the search, as it does in the readers. */
static const unsigned char *
extra_find(const unsigned char *p, size_t n, unsigned id, size_t *len)
{
	while (n >= 4) {
		size_t flen = mv_le16(p + 2);

		if (flen > n - 4)
			return NULL;
		if (mv_le16(p) == id) {
			*len = flen;
			return p + 4;
		}
		p += 4 + flen;
		n -= 4 + flen;
	}
	return NULL;
}

/*
 * Replace the header fields that hold their sentinel by the values of the ZIP64 extra field,
 * which holds only those fields, in the order usize, csize, offset, disk. off and disk may be
 * NULL (a local header has neither). Returns 0, or -1 when the field is absent or short (*need
 * bytes wanted, *have present).
 */
static int
apply_zip64(const unsigned char *extra, size_t elen, uint64_t *usize, uint64_t *csize,
    uint64_t *off, uint32_t *disk, size_t *need, size_t *have)
{
	const unsigned char *f;
	struct mv_cur c;
	size_t len;

	*need = 0;
	*have = 0;
	if (*usize == U32_SENTINEL)
		*need += 8;
	if (*csize == U32_SENTINEL)
		*need += 8;
	if (off && *off == U32_SENTINEL)
		*need += 8;
	if (disk && *disk == U16_SENTINEL)
		*need += 4;
	if (*need == 0)
		return 0;
	if ((f = extra_find(extra, elen, EXTRA_ZIP64, &len)) == NULL)
		return -1;
	*have = len;
	/* Take what the field holds, in order, as the readers do; the rest keep the sentinel. */
	mv_cur_init(&c, f, len);
	if (*usize == U32_SENTINEL)
		(void)mv_cur_u64(&c, usize);
	if (*csize == U32_SENTINEL)
		(void)mv_cur_u64(&c, csize);
	if (off && *off == U32_SENTINEL)
		(void)mv_cur_u64(&c, off);
	if (disk && *disk == U16_SENTINEL)
		(void)mv_cur_u32(&c, disk);
	return len < *need ? -1 : 0;
}

/* True when the UTF-8 name u spells the CP437 name h. */
static int
cp437_same(const unsigned char *h, size_t hn, const unsigned char *u, size_t un)
{
	size_t j = 0;

	for (size_t i = 0; i < hn; i++) {
		unsigned cp = h[i] < 0x80 ? h[i] : cp437_hi[h[i] - 0x80];
		unsigned char enc[3];
		size_t k;

		if (cp < 0x80) {
			enc[0] = (unsigned char)cp;
			k = 1;
		} else if (cp < 0x800) {
			enc[0] = (unsigned char)(0xC0 | (cp >> 6));
			enc[1] = (unsigned char)(0x80 | (cp & 0x3F));
			k = 2;
		} else {
			enc[0] = (unsigned char)(0xE0 | (cp >> 12));
			enc[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			enc[2] = (unsigned char)(0x80 | (cp & 0x3F));
			k = 3;
		}
		if (un - j < k || memcmp(u + j, enc, k) != 0)
			return 0;
		j += k;
	}
	return j == un;
}

/* The Info-ZIP Unicode Path field is a second name: libarchive takes it over the header name
 * (without checking its CRC), miniz and older Pythons ignore it. It must spell the same name. */
static void
check_upath(struct zip *z, uint64_t off, const char *member, const char *where,
    const unsigned char *hname, size_t hn, unsigned flags, const unsigned char *extra,
    size_t elen)
{
	const unsigned char *f, *u;
	char b[SHOW_BUF];
	size_t len, un;
	int crc_ok;

	if ((f = extra_find(extra, elen, EXTRA_UPATH, &len)) == NULL || len < 5)
		return;
	u = f + 5;
	un = len - 5;
	if (un == hn && memcmp(u, hname, hn) == 0)
		return;
	if (!(flags & FLAG_UTF8) && cp437_same(hname, hn, u, un))
		return;
	crc_ok = crc32(0L, hname, (uInt)hn) == mv_le32(f + 1);
	report(z, MV_R_ZIP_HEADER_MISMATCH, at(off),
	    "member '%s': the Unicode Path extra field of the %s names it '%s' (its CRC %s the "
	    "header name; libarchive shows this name, miniz the header's)", member, where,
	    show(b, u, un), crc_ok ? "matches" : "does not match");
}

static void
differ_u64(struct zip *z, uint64_t off, const char *member, const char *what, uint64_t cd,
    const char *where, uint64_t other)
{
	report(z, MV_R_ZIP_HEADER_MISMATCH, at(off),
	    "member '%s': %s %llu in the central directory, %llu in the %s", member, what,
	    (unsigned long long)cd, (unsigned long long)other, where);
}

static void
differ_crc(struct zip *z, uint64_t off, const char *member, uint32_t cd, const char *where,
    uint32_t other)
{
	report(z, MV_R_ZIP_HEADER_MISMATCH, at(off),
	    "member '%s': CRC-32 %08lx in the central directory, %08lx in the %s", member,
	    (unsigned long)cd, (unsigned long)other, where);
}

/*
 * The data descriptor after a member written with flag bit 3. Its layout is not recorded
 * anywhere: the signature is optional and the sizes are 8 bytes when the member uses ZIP64.
 * Try the expected layout first and take the first one that agrees with the central
 * directory; report the expected one when none does. Returns where the member ends.
 */
static uint64_t
check_descriptor(struct zip *z, const struct mv_zipent *e, const char *member, int wide)
{
	uint64_t size = z->src->size, pos = e->data_off + e->csize, crc_at, cs, us;
	unsigned char d[24];
	size_t n, len = 0;
	int sig, tries = 0, found = 0;
	struct {
		int sig, wide;
	} lay[4];

	n = size - pos < sizeof(d) ? (size_t)(size - pos) : sizeof(d);
	if (n < 12) {
		report(z, MV_R_ZIP_CD_INVALID, at(pos),
		    "member '%s': its data descriptor at %llu is cut off by the end of the file",
		    member, (unsigned long long)pos);
		return size;
	}
	if (get(z, d, n, pos))
		return size;
	sig = mv_le32(d) == SIG_DD;
	lay[tries].sig = sig, lay[tries++].wide = wide;
	lay[tries].sig = sig, lay[tries++].wide = !wide;
	if (sig) {
		/* A CRC that happens to equal the signature. */
		lay[tries].sig = 0, lay[tries++].wide = wide;
		lay[tries].sig = 0, lay[tries++].wide = !wide;
	}
	for (int i = 0; i < tries && !found; i++) {
		size_t l = (lay[i].sig ? 4 : 0) + 4 + (lay[i].wide ? 16 : 8);
		const unsigned char *q = d + (lay[i].sig ? 4 : 0);

		if (l > n)
			continue;
		cs = lay[i].wide ? mv_le64(q + 4) : mv_le32(q + 4);
		us = lay[i].wide ? mv_le64(q + 12) : mv_le32(q + 8);
		if (mv_le32(q) == e->crc && cs == e->csize && us == e->usize) {
			found = 1;
			len = l;
		}
	}
	if (!found) {
		/* Report the first layout that fits, the one a streaming reader would assume. */
		for (int i = 0; i < tries; i++) {
			size_t l = (lay[i].sig ? 4 : 0) + 4 + (lay[i].wide ? 16 : 8);
			const unsigned char *q = d + (lay[i].sig ? 4 : 0);
			char where[64];

			if (l > n)
				continue;
			len = l;
			crc_at = mv_le32(q);
			cs = lay[i].wide ? mv_le64(q + 4) : mv_le32(q + 4);
			us = lay[i].wide ? mv_le64(q + 12) : mv_le32(q + 8);
			snprintf(where, sizeof(where), "data descriptor at %llu",
			    (unsigned long long)pos);
			if (crc_at != e->crc)
				differ_crc(z, pos, member, e->crc, where, (uint32_t)crc_at);
			if (cs != e->csize)
				differ_u64(z, pos, member, "compressed size", e->csize, where, cs);
			if (us != e->usize)
				differ_u64(z, pos, member, "uncompressed size", e->usize, where, us);
			break;
		}
	}
	return pos + len;
}

/* Read the local header of central directory member i and compare the two. */
static void
check_local(struct zip *z, size_t i, const unsigned char *cdname, size_t cdn)
{
	struct mv_zipent *e = &z->idx->ent[i];
	uint64_t size = z->src->size, avail, lc, lu, end;
	unsigned char *h = z->lbuf;
	const unsigned char *lname, *lextra;
	char a[SHOW_BUF], b[SHOW_BUF];
	size_t want, ln, lm, need, have;
	unsigned lflags, lmethod;
	uint32_t lcrc;
	int lz64;

	show(a, cdname, cdn);
	if (e->lfh_off > size || size - e->lfh_off < LFH_LEN) {
		report(z, MV_R_ZIP_CD_INVALID, -1,
		    "member '%s': its local header offset %llu is past the end of the file "
		    "(%llu bytes)", a, (unsigned long long)e->lfh_off, (unsigned long long)size);
		return;
	}
	avail = size - e->lfh_off;
	want = LFH_LEN + cdn + LFH_SLACK;
	if (want > avail)
		want = (size_t)avail;
	if (get(z, h, want, e->lfh_off))
		return;
	if (mv_le32(h) != SIG_LFH) {
		report(z, MV_R_ZIP_CD_INVALID, at(e->lfh_off),
		    "member '%s': no local header signature at %llu (found %02x %02x %02x %02x)", a,
		    (unsigned long long)e->lfh_off, h[0], h[1], h[2], h[3]);
		return;
	}
	lflags = mv_le16(h + 6);
	lmethod = mv_le16(h + 8);
	lcrc = mv_le32(h + 14);
	lc = mv_le32(h + 18);
	lu = mv_le32(h + 22);
	ln = mv_le16(h + 26);
	lm = mv_le16(h + 28);
	if (LFH_LEN + ln + lm > avail) {
		report(z, MV_R_ZIP_CD_INVALID, at(e->lfh_off),
		    "member '%s': its local header at %llu (%zu bytes with name and extra field) "
		    "runs past the end of the file", a, (unsigned long long)e->lfh_off,
		    LFH_LEN + ln + lm);
		return;
	}
	if (LFH_LEN + ln + lm > want &&
	    get(z, h + want, LFH_LEN + ln + lm - want, e->lfh_off + want))
		return;
	lname = h + LFH_LEN;
	lextra = lname + ln;
	e->data_off = e->lfh_off + LFH_LEN + ln + lm;
	e->lfh_ok = 1;

	if (ln != cdn || memcmp(lname, cdname, cdn) != 0)
		report(z, MV_R_ZIP_HEADER_MISMATCH, at(e->lfh_off),
		    "member '%s': the local header at %llu names it '%s'", a,
		    (unsigned long long)e->lfh_off, show(b, lname, ln));
	if (lmethod != e->method)
		report(z, MV_R_ZIP_HEADER_MISMATCH, at(e->lfh_off),
		    "member '%s': method %u in the central directory, %u in the local header", a,
		    e->method, lmethod);
	if ((lflags ^ e->flags) & FLAGS_COMPARED)
		report(z, MV_R_ZIP_HEADER_MISMATCH, at(e->lfh_off),
		    "member '%s': flags 0x%04x in the central directory, 0x%04x in the local "
		    "header (bits 0x%04x differ)", a, e->flags, lflags,
		    (lflags ^ e->flags) & FLAGS_COMPARED);
	check_upath(z, e->lfh_off, a, "local header", lname, ln, lflags, lextra, lm);

	lz64 = extra_find(lextra, lm, EXTRA_ZIP64, &have) != NULL;
	if (apply_zip64(lextra, lm, &lu, &lc, NULL, NULL, &need, &have) != 0)
		report(z, MV_R_ZIP_CD_INVALID, at(e->lfh_off),
		    "member '%s': the local header gives a size of 0xFFFFFFFF and %s", a,
		    have ? "a ZIP64 extra field too short for it" : "no ZIP64 extra field");
	if (lflags & FLAG_DESCRIPTOR) {
		/* The local fields should be 0; a reader that trusts any that are set must still
		 * agree with the central directory. */
		if (lcrc != 0 && lcrc != e->crc)
			differ_crc(z, e->lfh_off, a, e->crc, "local header", lcrc);
		if (lc != 0 && lc != e->csize)
			differ_u64(z, e->lfh_off, a, "compressed size", e->csize, "local header", lc);
		if (lu != 0 && lu != e->usize)
			differ_u64(z, e->lfh_off, a, "uncompressed size", e->usize, "local header", lu);
	} else {
		if (lcrc != e->crc)
			differ_crc(z, e->lfh_off, a, e->crc, "local header", lcrc);
		if (lc != e->csize)
			differ_u64(z, e->lfh_off, a, "compressed size", e->csize, "local header", lc);
		if (lu != e->usize)
			differ_u64(z, e->lfh_off, a, "uncompressed size", e->usize, "local header", lu);
	}

	if (e->data_off > size || e->csize > size - e->data_off) {
		report(z, MV_R_ZIP_CD_INVALID, at(e->data_off),
		    "member '%s': its %llu bytes of data at %llu run past the end of the file "
		    "(%llu bytes)", a, (unsigned long long)e->csize,
		    (unsigned long long)e->data_off, (unsigned long long)size);
		end = size;
	} else if (lflags & FLAG_DESCRIPTOR)
		end = check_descriptor(z, e, a, lz64 || e->csize >= U32_SENTINEL ||
		    e->usize >= U32_SENTINEL);
	else
		end = e->data_off + e->csize;
	z->span[z->nspan].start = e->lfh_off;
	z->span[z->nspan].end = end;
	z->span[z->nspan].ent = i;
	z->nspan++;
}

/* Room for one more entry, within the entry limit. */
static struct mv_zipent *
add_entry(struct zip *z)
{
	struct mv_zipidx *idx = z->idx;
	struct mv_zipent *e;

	if (idx->n >= z->limit[MV_LIMIT_ENTRIES]) {
		if (!z->full)
			report(z, MV_R_LIMIT_ENTRIES_EXCEEDED, -1,
			    "zip index stopped at the limit of %llu entries; the rest were not checked",
			    (unsigned long long)z->limit[MV_LIMIT_ENTRIES]);
		z->full = 1;
		return NULL;
	}
	if (MV_ARRAY_RESERVE(idx->ent, z->cap, idx->n + 1, SIZE_MAX) != 0 ||
	    MV_ARRAY_RESERVE(z->span, z->spancap, idx->n + 1, SIZE_MAX) != 0) {
		z->st = MV_ERR_NOMEM;
		return NULL;
	}
	e = &idx->ent[idx->n];
	memset(e, 0, sizeof(*e));     /* a slot left by an entry given up on */
	return e;
}

/* Keep a copy of a name, cut at the name limit (the comparisons use the full bytes). */
static int
keep_name(struct zip *z, struct mv_zipent *e, const unsigned char *name, size_t n)
{
	size_t keep = n < z->limit[MV_LIMIT_NAME] ? n : (size_t)z->limit[MV_LIMIT_NAME];

	if ((e->name = malloc(keep + 1)) == NULL) {
		z->st = MV_ERR_NOMEM;
		return -1;
	}
	memcpy(e->name, name, keep);
	e->name[keep] = '\0';
	e->namelen = keep;
	return 0;
}

/* Where the end record and its comment are: the last signature whose comment reaches the end
 * of the file, as unzip and libarchive find it. */
static mv_status
find_end(struct zip *z, struct zend *end)
{
	uint64_t size = z->src->size;
	size_t tl, p, exact = SIZE_MAX, fits = SIZE_MAX, any = SIZE_MAX, c, later = 0, last = 0;
	const unsigned char *r;

	if (size < EOCD_LEN) {
		report(z, MV_R_ZIP_EOCD_INVALID, -1,
		    "file of %llu bytes is too short to hold a zip end record",
		    (unsigned long long)size);
		return MV_ERR_FORMAT;
	}
	tl = size < TAIL_MAX ? (size_t)size : TAIL_MAX;
	if ((z->tail = malloc(tl)) == NULL)
		return MV_ERR_NOMEM;
	z->taillen = tl;
	z->tailbase = size - tl;
	if (get(z, z->tail, tl, z->tailbase))
		return z->st;
	for (p = tl - EOCD_LEN + 1; p-- > 0;) {
		if (mv_le32(z->tail + p) != SIG_EOCD)
			continue;
		c = mv_le16(z->tail + p + 20);
		if (any == SIZE_MAX)
			any = p;
		if (fits == SIZE_MAX && c <= tl - p - EOCD_LEN)
			fits = p;
		if (c == tl - p - EOCD_LEN) {
			exact = p;
			break;
		}
	}
	if (exact != SIZE_MAX) {
		p = exact;
		/* Another record whose comment also runs to the end holds this one in it: a decoy
		 * for whichever record a reader does not pick. */
		for (size_t q = p; q-- > 0;) {
			if (mv_le32(z->tail + q) == SIG_EOCD && tl - q >= EOCD_LEN &&
			    mv_le16(z->tail + q + 20) == tl - q - EOCD_LEN) {
				report(z, MV_R_ZIP_EOCD_INVALID, at(z->tailbase + q),
				    "end record at %llu lies inside the comment of another end record at "
				    "%llu; readers that search from the end (libarchive, Python's zipfile, "
				    "miniz) take the one at %llu, a reader that checks comments the other",
				    (unsigned long long)(z->tailbase + p),
				    (unsigned long long)(z->tailbase + q),
				    (unsigned long long)(z->tailbase + p));
				break;
			}
		}
	} else if (fits != SIZE_MAX) {
		p = fits;
		report(z, MV_R_ZIP_EOCD_INVALID, at(z->tailbase + p),
		    "end record at %llu is followed by %zu bytes after its %u-byte comment",
		    (unsigned long long)(z->tailbase + p),
		    tl - p - EOCD_LEN - mv_le16(z->tail + p + 20), mv_le16(z->tail + p + 20));
	} else if (any != SIZE_MAX) {
		p = any;
		report(z, MV_R_ZIP_EOCD_INVALID, at(z->tailbase + p),
		    "end record at %llu declares a %u-byte comment but only %zu bytes follow it",
		    (unsigned long long)(z->tailbase + p), mv_le16(z->tail + p + 20),
		    tl - p - EOCD_LEN);
	} else {
		report(z, MV_R_ZIP_EOCD_INVALID, -1,
		    "no end of central directory record in the last %zu bytes; not a readable zip",
		    tl);
		return MV_ERR_FORMAT;
	}
	r = z->tail + p;
	end->off = z->tailbase + p;
	end->clen = mv_le16(r + 20);
	end->disk = mv_le16(r + 4);
	end->cd_disk = mv_le16(r + 6);
	end->n_this = mv_le16(r + 8);
	end->n_total = mv_le16(r + 10);
	end->cd_size = mv_le32(r + 12);
	end->cd_off = mv_le32(r + 16);
	end->dir_end = end->off;

	/* Python's zipfile takes the last signature in the tail, wherever it is; a second one
	 * in or after the comment makes it read another directory than unzip does. */
	for (size_t q = p + 4; q + 4 <= tl; q++) {
		if (mv_le32(z->tail + q) == SIG_EOCD) {
			later++;
			last = q;
		}
	}
	if (later)
		report(z, MV_R_ZIP_EOCD_INVALID, at(z->tailbase + last),
		    "%zu more end record signature%s after the end record at %llu, the last at %llu "
		    "%s; Python's zipfile reads that one", later, later == 1 ? "" : "s",
		    (unsigned long long)end->off, (unsigned long long)(z->tailbase + last),
		    last < p + EOCD_LEN + end->clen ? "inside its comment" : "after its comment");
	return MV_OK;
}

/* The ZIP64 locator before the end record, and the ZIP64 end record it leads to. */
static mv_status
find_zip64(struct zip *z, struct zend *end)
{
	unsigned char loc[LOC64_LEN], r[EOCD64_LEN];
	uint64_t lo, stated, adj = 0, pos, rsize, size = z->src->size;
	int have_adj = 0, have_stated = 0;
	uint32_t ldisk, ndisks;

	if (end->off < LOC64_LEN)
		return MV_OK;
	lo = end->off - LOC64_LEN;
	if (get_near_end(z, loc, sizeof(loc), lo))
		return z->st;
	if (mv_le32(loc) != SIG_LOC64)
		return MV_OK;
	ldisk = mv_le32(loc + 4);
	stated = mv_le64(loc + 8);
	ndisks = mv_le32(loc + 16);
	if (ldisk != 0 || ndisks > 1)
		report(z, MV_R_ZIP_EOCD_INVALID, at(lo),
		    "ZIP64 locator at %llu puts the ZIP64 end record on disk %lu of %lu; a "
		    "single-file zip has one disk, numbered 0", (unsigned long long)lo,
		    (unsigned long)ldisk, (unsigned long)ndisks);
	/* Python's zipfile reads the record just before the locator and ignores the offset;
	 * libarchive and miniz follow the offset. */
	if (lo >= EOCD64_LEN) {
		if (get_near_end(z, r, sizeof(r), lo - EOCD64_LEN))
			return z->st;
		if (mv_le32(r) == SIG_EOCD64 && mv_le64(r + 4) == EOCD64_LEN - 12) {
			have_adj = 1;
			adj = lo - EOCD64_LEN;
		}
	}
	if (stated != adj && stated <= lo && lo - stated >= EOCD64_LEN) {
		if (get_near_end(z, r, sizeof(r), stated))
			return z->st;
		have_stated = mv_le32(r) == SIG_EOCD64;
	}
	if (have_adj && have_stated) {
		report(z, MV_R_ZIP_EOCD_INVALID, at(lo),
		    "ZIP64 locator at %llu points to a ZIP64 end record at %llu, but another lies "
		    "just before the locator at %llu; readers differ on which they use",
		    (unsigned long long)lo, (unsigned long long)stated, (unsigned long long)adj);
		end->loc_checked = 1;
	}
	if (have_adj) {
		pos = adj;
		end->loc_checked |= stated == adj;
	} else if (have_stated) {
		pos = stated;
		end->loc_checked = 1;
		rsize = mv_le64(r + 4);
		if (rsize > size || stated + 12 > lo || rsize != lo - stated - 12)
			report(z, MV_R_ZIP_EOCD_INVALID, at(stated),
			    "ZIP64 end record at %llu declares %llu bytes, so it does not end where "
			    "its locator begins (%llu)", (unsigned long long)stated,
			    (unsigned long long)rsize, (unsigned long long)lo);
	} else {
		report(z, MV_R_ZIP_EOCD_INVALID, at(lo),
		    "ZIP64 locator at %llu points to %llu, and no ZIP64 end record is there or "
		    "before the locator", (unsigned long long)lo, (unsigned long long)stated);
		return MV_OK;
	}
	if (get_near_end(z, r, sizeof(r), pos))
		return z->st;
	end->zip64 = 1;
	end->loc_stated = stated;
	end->dir_end = pos;
	{
		uint32_t disk = mv_le32(r + 16), cd_disk = mv_le32(r + 20);
		uint64_t n_this = mv_le64(r + 24), n_total = mv_le64(r + 32);
		uint64_t cd_size = mv_le64(r + 40), cd_off = mv_le64(r + 48);
		const char *what = NULL;
		uint64_t v32 = 0, v64 = 0;

		/* A 32-bit field that is not its sentinel must say what the ZIP64 one says. */
		if (end->cd_off != U32_SENTINEL && end->cd_off != cd_off)
			what = "the central directory offset", v32 = end->cd_off, v64 = cd_off;
		else if (end->cd_size != U32_SENTINEL && end->cd_size != cd_size)
			what = "the central directory size", v32 = end->cd_size, v64 = cd_size;
		else if (end->n_total != U16_SENTINEL && end->n_total != n_total)
			what = "the entry count", v32 = end->n_total, v64 = n_total;
		else if (end->n_this != U16_SENTINEL && end->n_this != n_this)
			what = "the entry count of this disk", v32 = end->n_this, v64 = n_this;
		else if (end->disk != U16_SENTINEL && end->disk != disk)
			what = "the disk number", v32 = end->disk, v64 = disk;
		else if (end->cd_disk != U16_SENTINEL && end->cd_disk != cd_disk)
			what = "the central directory's disk", v32 = end->cd_disk, v64 = cd_disk;
		if (what)
			report(z, MV_R_ZIP_EOCD_INVALID, at(end->off),
			    "end record and ZIP64 end record disagree on %s: %llu and %llu", what,
			    (unsigned long long)v32, (unsigned long long)v64);
		end->disk = disk;
		end->cd_disk = cd_disk;
		end->n_this = n_this;
		end->n_total = n_total;
		end->cd_size = cd_size;
		end->cd_off = cd_off;
	}
	return MV_OK;
}

/*
 * Where the central directory is. Like unzip, libarchive and Python's zipfile, trust that it
 * ends where the end records begin: when the stated offset is short of that, bytes were put
 * before the zip (a self-extractor stub, a polyglot) and every offset is corrected by the
 * difference. Falls back to the stated offset when no record is at the corrected one.
 */
static mv_status
locate_cd(struct zip *z, struct zend *end, uint64_t *start, uint64_t *len)
{
	uint64_t de = end->dir_end;
	unsigned char sig[4];
	const char *which = end->zip64 ? "ZIP64 end record" : "end record";
	int at_stated;

	if (end->cd_size > de || end->cd_off > de - end->cd_size) {
		report(z, MV_R_ZIP_CD_INVALID, at(end->off),
		    "central directory at %llu of %llu bytes runs past the %s at %llu",
		    (unsigned long long)end->cd_off, (unsigned long long)end->cd_size, which,
		    (unsigned long long)de);
		/* Python's zipfile finds the records by the size alone, ending at the end record;
		 * the local offsets are then taken as they are. */
		if (end->cd_size >= 4 && end->cd_size <= de) {
			if (get(z, sig, 4, de - end->cd_size))
				return z->st;
			if (mv_le32(sig) == SIG_CDH) {
				*start = de - end->cd_size;
				*len = end->cd_size;
				return MV_OK;
			}
		}
		if (end->cd_off >= de || de - end->cd_off < 4)
			return MV_ERR_FORMAT;
		if (get(z, sig, 4, end->cd_off))
			return z->st;
		if (mv_le32(sig) != SIG_CDH)
			return MV_ERR_FORMAT;
		/* Read what is there, up to the end record. */
		*start = end->cd_off;
		*len = de - end->cd_off;
		return MV_OK;
	}
	*start = de - end->cd_size;
	*len = end->cd_size;
	if (*start == end->cd_off || end->cd_size == 0) {
		z->corr = *start - end->cd_off;
		return MV_OK;
	}
	if (end->cd_size < 4)
		return MV_ERR_FORMAT;
	if (get(z, sig, 4, *start))
		return z->st;
	if (mv_le32(sig) == SIG_CDH) {
		z->corr = *start - end->cd_off;
		return MV_OK;
	}
	if (get(z, sig, 4, end->cd_off))
		return z->st;
	at_stated = mv_le32(sig) == SIG_CDH;
	if (!at_stated) {
		report(z, MV_R_ZIP_CD_INVALID, at(*start),
		    "no central directory record at %llu, where the %s places it, nor at the "
		    "stated offset %llu", (unsigned long long)*start, which,
		    (unsigned long long)end->cd_off);
		return MV_ERR_FORMAT;
	}
	report(z, MV_R_ZIP_CD_INVALID, at(end->cd_off + end->cd_size),
	    "%llu bytes between the end of the central directory (%llu) and the %s (%llu)",
	    (unsigned long long)(de - end->cd_off - end->cd_size),
	    (unsigned long long)(end->cd_off + end->cd_size), which, (unsigned long long)de);
	*start = end->cd_off;
	return MV_OK;
}

/* Parse the central directory records in cd (read from offset base) and check each member's
 * local header. Returns the number of bytes the records took; *clean is 0 when they stopped at
 * damage. */
static size_t
read_records(struct zip *z, const unsigned char *cd, size_t len, uint64_t base, int *clean)
{
	size_t pos = 0;
	char a[SHOW_BUF], b[SHOW_BUF];

	*clean = 1;
	while (pos < len && z->st == MV_OK) {
		const unsigned char *r = cd + pos, *name, *extra, *nul;
		size_t n, m, k, need, have;
		struct mv_zipent *e;
		uint64_t off;
		uint32_t disk;

		if (len - pos < 4 || mv_le32(r) != SIG_CDH) {
			report(z, MV_R_ZIP_CD_INVALID, at(base + pos),
			    "central directory: %zu bytes at %llu after record %zu are not a record",
			    len - pos, (unsigned long long)(base + pos), z->idx->n);
			*clean = 0;
			break;
		}
		if (len - pos < CDH_LEN) {
			report(z, MV_R_ZIP_CD_INVALID, at(base + pos),
			    "central directory: record %zu at %llu is cut off after %zu bytes",
			    z->idx->n, (unsigned long long)(base + pos), len - pos);
			*clean = 0;
			break;
		}
		n = mv_le16(r + 28);
		m = mv_le16(r + 30);
		k = mv_le16(r + 32);
		if (CDH_LEN + n + m + k > len - pos) {
			report(z, MV_R_ZIP_CD_INVALID, at(base + pos),
			    "central directory: record %zu at %llu ('%s') runs %zu bytes past the "
			    "directory's end", z->idx->n, (unsigned long long)(base + pos),
			    show(a, r + CDH_LEN, n < len - pos - CDH_LEN ? n : len - pos - CDH_LEN),
			    CDH_LEN + n + m + k - (len - pos));
			*clean = 0;
			break;
		}
		if ((e = add_entry(z)) == NULL)
			break;
		name = r + CDH_LEN;
		extra = name + n;
		show(a, name, n);
		e->made_by = mv_le16(r + 4);
		e->flags = mv_le16(r + 8);
		e->method = mv_le16(r + 10);
		e->crc = mv_le32(r + 16);
		e->csize = mv_le32(r + 20);
		e->usize = mv_le32(r + 24);
		disk = mv_le16(r + 34);
		e->ext_attr = mv_le32(r + 38);
		off = mv_le32(r + 42);
		e->in_cd = 1;
		if (keep_name(z, e, name, n))
			break;
		z->idx->n++;
		if (apply_zip64(extra, m, &e->usize, &e->csize, &off, &disk, &need, &have) != 0)
			report(z, MV_R_ZIP_CD_INVALID, at(base + pos),
			    "member '%s': the central directory gives 0xFFFFFFFF sizes or offset and %s "
			    "(%zu bytes needed, %zu present)", a,
			    have ? "a ZIP64 extra field too short for them" : "no ZIP64 extra field",
			    need, have);
		if (disk != 0)
			report(z, MV_R_ZIP_CD_INVALID, at(base + pos),
			    "member '%s' starts on disk %lu; a single-file zip has only disk 0", a,
			    (unsigned long)disk);
		if ((nul = memchr(name, 0, n)) != NULL)
			report(z, MV_R_ARCHIVE_PATH_NUL, at(base + pos),
			    "member '%s': the central directory name holds a NUL byte at %zu; tools "
			    "reading C strings see '%s'", a, (size_t)(nul - name),
			    show(b, name, (size_t)(nul - name)));
		check_upath(z, base + pos, a, "central directory", name, n, e->flags, extra, m);
		e->lfh_off = off > UINT64_MAX - z->corr ? UINT64_MAX : off + z->corr;
		check_local(z, z->idx->n - 1, name, n);
		pos += CDH_LEN + n + m + k;
	}
	return pos;
}

static int
span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->ent < y->ent ? -1 : x->ent > y->ent;
}

/* Members must not share bytes with each other or with the directory: a shared local header
 * (duplicate records) or data that holds the next member's header (quoted overlap) makes one
 * stored byte count many times, the trick of the overlapping zip bombs. There is no slack:
 * ClamAV allows 2 bytes because it guesses data descriptor lengths, but here each descriptor
 * is read and its length known. */
static void
check_overlap(struct zip *z)
{
	size_t far = SIZE_MAX;
	char a[SHOW_BUF], b[SHOW_BUF];

	for (size_t i = 0; i < z->nspan; i++) {
		const struct span *s = &z->span[i];
		const struct mv_zipent *e = &z->idx->ent[s->ent];

		show(a, e->name, e->namelen);
		if (i > 0 && s->start == z->span[i - 1].start) {
			const struct mv_zipent *p = &z->idx->ent[z->span[i - 1].ent];

			report(z, MV_R_ZIP_ENTRY_OVERLAP, at(s->start),
			    "members '%s' and '%s' share the local header at %llu",
			    show(b, p->name, p->namelen), a, (unsigned long long)s->start);
		} else if (far != SIZE_MAX && z->span[far].end > s->start) {
			const struct span *f = &z->span[far];
			const struct mv_zipent *p = &z->idx->ent[f->ent];

			report(z, MV_R_ZIP_ENTRY_OVERLAP, at(s->start),
			    "member '%s' [%llu, %llu) overlaps member '%s', whose local header is at "
			    "%llu", show(b, p->name, p->namelen), (unsigned long long)f->start,
			    (unsigned long long)f->end, a, (unsigned long long)s->start);
		}
		if (s->end > z->cd_start)
			report(z, MV_R_ZIP_ENTRY_OVERLAP, at(s->start),
			    "member '%s' [%llu, %llu) reaches into the central directory and end "
			    "records, which start at %llu", a, (unsigned long long)s->start,
			    (unsigned long long)s->end, (unsigned long long)z->cd_start);
		if (far == SIZE_MAX || s->end > z->span[far].end)
			far = i;
	}
}

/* A local header signature at q in a gap, with its fixed part at h: when it is plausible, add
 * it as a hidden entry. Returns where the scan resumes (past q), or 0 to go on at q + 1. */
static uint64_t
hidden_at(struct zip *z, uint64_t q, const unsigned char *h)
{
	uint64_t size = z->src->size, lc, lu, data;
	size_t ln = mv_le16(h + 26), lm = mv_le16(h + 28), need, have;
	struct mv_zipent *e;
	char a[SHOW_BUF];

	if (ln == 0 || LFH_LEN + ln + lm > size - q)
		return 0;
	if (get(z, z->lbuf, ln + lm, q + LFH_LEN) || (e = add_entry(z)) == NULL)
		return 0;
	if (keep_name(z, e, z->lbuf, ln))
		return 0;
	z->idx->n++;
	e->flags = mv_le16(h + 6);
	e->method = mv_le16(h + 8);
	e->crc = mv_le32(h + 14);
	lc = mv_le32(h + 18);
	lu = mv_le32(h + 22);
	(void)apply_zip64(z->lbuf + ln, lm, &lu, &lc, NULL, NULL, &need, &have);
	e->csize = lc;
	e->usize = lu;
	e->lfh_off = q;
	data = q + LFH_LEN + ln + lm;
	e->data_off = data;
	e->lfh_ok = 1;
	report(z, MV_R_ZIP_ENTRY_HIDDEN, at(q),
	    "local header at %llu for '%s' (method %u, %llu bytes of data) is in no central "
	    "directory record; miniz and Python's zipfile do not see it, a streaming reader does",
	    (unsigned long long)q, show(a, z->lbuf, ln), e->method, (unsigned long long)lc);
	if (!(e->flags & FLAG_DESCRIPTOR) && lc <= size - data)
		return data + lc;
	return data;
}

/* Look for local headers in [a, b), a stretch no central directory record accounts for. */
static void
scan_gap(struct zip *z, uint64_t a, uint64_t b)
{
	uint64_t size = z->src->size, off = a;

	if (z->scan == NULL && (z->scan = malloc(SCAN_CHUNK + LFH_LEN)) == NULL) {
		z->st = MV_ERR_NOMEM;
		return;
	}
	while (off < b && !z->full && z->st == MV_OK) {
		/* Read a little past the chunk so a header starting in it is whole. */
		size_t n = size - off < SCAN_CHUNK + LFH_LEN ? (size_t)(size - off) :
		    SCAN_CHUNK + LFH_LEN;
		size_t lim = b - off < SCAN_CHUNK ? (size_t)(b - off) : SCAN_CHUNK;
		uint64_t next = off + lim;
		size_t p = 0;

		if (get(z, z->scan, n, off))
			return;
		while (p < lim && !z->full && z->st == MV_OK) {
			const unsigned char *hit = memchr(z->scan + p, 'P', lim - p);
			uint64_t resume;

			if (hit == NULL)
				break;
			p = (size_t)(hit - z->scan);
			if (n - p < LFH_LEN || mv_le32(hit) != SIG_LFH) {
				p++;
				continue;
			}
			if ((resume = hidden_at(z, off + p, hit)) == 0) {
				p++;
				continue;
			}
			if (resume >= off + lim) {
				next = resume;
				break;
			}
			p = (size_t)(resume - off);
		}
		off = next;
	}
}

/* Every stretch before the central directory that no member covers. */
static void
scan_hidden(struct zip *z)
{
	uint64_t pos = 0;

	for (size_t i = 0; i <= z->nspan && !z->full && z->st == MV_OK; i++) {
		uint64_t gap_end = z->cd_start;

		if (i < z->nspan && z->span[i].start < gap_end)
			gap_end = z->span[i].start;
		if (gap_end > pos)
			scan_gap(z, pos, gap_end);
		if (i < z->nspan && z->span[i].end > pos)
			pos = z->span[i].end;
	}
}

/* Bytes before the first member: a self-extractor stub or the other half of a polyglot. */
static void
check_prefix(struct zip *z)
{
	uint64_t first = z->cd_start;
	unsigned char h[4] = {0};
	char shift[128] = "";
	size_t n;

	/* Hidden local headers do not count: a zip put before this one is a prefix too. */
	for (size_t i = 0; i < z->idx->n; i++)
		if (z->idx->ent[i].in_cd && z->idx->ent[i].lfh_ok && z->idx->ent[i].lfh_off < first)
			first = z->idx->ent[i].lfh_off;
	z->idx->first_lfh = first;
	if (first == 0)
		return;
	/* Bytes that are only a hidden member, with offsets not shifted, are reported as that. */
	for (size_t i = 0; i < z->idx->n && z->corr == 0; i++)
		if (!z->idx->ent[i].in_cd && z->idx->ent[i].lfh_off == 0)
			return;
	n = first < sizeof(h) ? (size_t)first : sizeof(h);
	if (get(z, h, n, 0))
		return;
	if (z->corr)
		snprintf(shift, sizeof(shift), "; the central directory's offsets are %llu bytes "
		    "short and were corrected as unzip and libarchive do",
		    (unsigned long long)z->corr);
	report(z, MV_R_ZIP_DATA_PREFIX, 0,
	    "%llu bytes before the %s at %llu (they begin %02x %02x %02x %02x)%s",
	    (unsigned long long)first, first == z->cd_start && z->nspan == 0 ?
	    "central directory" : "first local header", (unsigned long long)first, h[0], h[1],
	    h[2], h[3], shift);
}

/* Signatures of end records between the central directory and the chosen end record: the
 * leftover of another zip, or a decoy for readers that search forward. */
static void
check_stray_ends(struct zip *z, const struct zend *end, uint64_t from)
{
	uint64_t lo = from > z->tailbase ? from : z->tailbase;

	for (uint64_t q = lo; q + 4 <= end->off; q++) {
		if (mv_le32(z->tail + (q - z->tailbase)) == SIG_EOCD) {
			report(z, MV_R_ZIP_EOCD_INVALID, at(q),
			    "another end record signature at %llu, between the central directory and "
			    "the end record at %llu", (unsigned long long)q,
			    (unsigned long long)end->off);
			break;
		}
	}
}

void
mv_zipidx_free(struct mv_zipidx *idx)
{
	if (idx == NULL)
		return;
	for (size_t i = 0; i < idx->n; i++)
		free(idx->ent[i].name);
	free(idx->ent);
	memset(idx, 0, sizeof(*idx));
}

mv_status
mv_zipidx_build(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl, struct mv_zipidx *out)
{
	struct zip z;
	struct zend end;
	unsigned char *cd = NULL;
	uint64_t start = 0, len = 0;
	size_t used;
	int clean;
	mv_status st;

	memset(out, 0, sizeof(*out));
	memset(&z, 0, sizeof(z));
	memset(&end, 0, sizeof(end));
	z.src = src;
	z.path = path;
	z.limit = limit;
	z.fl = fl;
	z.idx = out;

	if ((st = find_end(&z, &end)) != MV_OK)
		goto done;
	if ((st = find_zip64(&z, &end)) != MV_OK)
		goto done;
	if (end.disk != 0 || end.cd_disk != 0)
		report(&z, MV_R_ZIP_EOCD_INVALID, at(end.off),
		    "end record is on disk %lu with the central directory on disk %lu; a "
		    "single-file zip has both 0", (unsigned long)end.disk, (unsigned long)end.cd_disk);
	if (end.n_this != end.n_total)
		report(&z, MV_R_ZIP_EOCD_INVALID, at(end.off),
		    "end record counts %llu entries on this disk but %llu in all",
		    (unsigned long long)end.n_this, (unsigned long long)end.n_total);
	if ((st = locate_cd(&z, &end, &start, &len)) != MV_OK) {
		if (st == MV_ERR_FORMAT && !z.nrep[MV_R_ZIP_CD_INVALID])
			report(&z, MV_R_ZIP_CD_INVALID, at(end.off),
			    "the end record at %llu leads to no central directory (offset %llu, %llu "
			    "bytes)", (unsigned long long)end.off, (unsigned long long)end.cd_off,
			    (unsigned long long)end.cd_size);
		goto done;
	}
	if (end.zip64 && !end.loc_checked && end.loc_stated + z.corr != end.dir_end)
		report(&z, MV_R_ZIP_EOCD_INVALID, at(end.dir_end),
		    "ZIP64 locator points to %llu, but the ZIP64 end record is at %llu",
		    (unsigned long long)end.loc_stated, (unsigned long long)end.dir_end);
	if (len > limit[MV_LIMIT_HEADER]) {
		report(&z, MV_R_ANALYSIS_INCOMPLETE, at(start),
		    "zip central directory of %llu bytes is over the --max-header limit of %llu; "
		    "its members were not checked against their local headers",
		    (unsigned long long)len, (unsigned long long)limit[MV_LIMIT_HEADER]);
		st = MV_ERR_LIMIT;
		goto done;
	}
	z.cd_start = start;
	out->eocd_off = end.off;
	out->cd_off = start;
	out->cd_size = len;
	if ((cd = malloc(len ? (size_t)len : 1)) == NULL || (z.lbuf = malloc(LBUF_LEN)) == NULL) {
		z.st = MV_ERR_NOMEM;
		goto done;
	}
	if (get(&z, cd, (size_t)len, start))
		goto done;
	used = read_records(&z, cd, (size_t)len, start, &clean);
	if (z.st != MV_OK)
		goto done;
	if (clean && !z.full && end.n_total != out->n)
		report(&z, MV_R_ZIP_EOCD_INVALID, at(end.off),
		    "end record counts %llu entries, the central directory holds %zu",
		    (unsigned long long)end.n_total, out->n);
	check_stray_ends(&z, &end, start + used);
	if (z.nspan > 1)
		qsort(z.span, z.nspan, sizeof(*z.span), span_cmp);
	check_overlap(&z);
	scan_hidden(&z);
	if (z.st == MV_OK)
		check_prefix(&z);
done:
	if (z.st != MV_OK)
		st = z.st;
	if (st == MV_ERR_IO)
		mv_findings_add(fl, MV_R_ANALYSIS_INCOMPLETE, path, at(z.io_off),
		    "zip index: read error at offset %llu: %s", (unsigned long long)z.io_off,
		    strerror(z.io_errno));
	else if (st == MV_ERR_NOMEM || st == MV_ERR_INTERNAL)
		mv_findings_add(fl, MV_R_ANALYSIS_INCOMPLETE, path, -1, "zip index: %s",
		    mv_strerror(st));
	for (int r = 0; r < MV_R__COUNT; r++)
		if (z.nrep[r] > MAX_PER_RULE)
			mv_findings_add(fl, (enum mv_rule)r, path, -1,
			    "%u more findings of this rule in the zip are not listed",
			    z.nrep[r] - MAX_PER_RULE);
	if (st != MV_OK)
		mv_zipidx_free(out);
	free(cd);
	free(z.tail);
	free(z.lbuf);
	free(z.scan);
	free(z.span);
	return st;
}

void
mv_zipidx_check(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl)
{
	struct mv_zipidx idx;

	(void)mv_zipidx_build(src, path, limit, fl, &idx);
	mv_zipidx_free(&idx);
}

mv_status
mv_zipidx_read_stored(const struct mv_rsrc *src, const struct mv_zipent *e, uint64_t off,
    void *buf, size_t n)
{
	if (e->method != 0)
		return MV_ERR_UNSUPPORTED;
	if (!e->lfh_ok || off > e->csize || n > e->csize - off)
		return MV_ERR_FORMAT;
	if (e->data_off > src->size || e->csize > src->size - e->data_off)
		return MV_ERR_FORMAT;
	if (n == 0)
		return MV_OK;
	return src->pread(src->arg, buf, n, e->data_off + off) == 0 ? MV_OK : MV_ERR_IO;
}

#define ZREAD_BUF (64u << 10)

mv_status
mv_zipread_init(struct mv_zipread *r, const struct mv_rsrc *src, const struct mv_zipent *e,
    uint64_t *taken)
{
	uint64_t avail = e->data_off <= src->size ? src->size - e->data_off : 0;
	int unknown = (e->flags & FLAG_DESCRIPTOR) && e->csize == 0;

	memset(r, 0, sizeof(*r));
	r->src = src;
	r->e = e;
	r->taken = taken;
	if (!e->lfh_ok) {
		snprintf(r->err, sizeof(r->err), "no local header to read the data from");
		return MV_ERR_UNSUPPORTED;
	}
	if (e->method != 0 && e->method != 8) {
		snprintf(r->err, sizeof(r->err), "compression method %u", e->method);
		return MV_ERR_UNSUPPORTED;
	}
	if (e->method == 0 && unknown) {
		snprintf(r->err, sizeof(r->err), "stored data whose size is only in a data "
		    "descriptor after it");
		return MV_ERR_UNSUPPORTED;
	}
	/* Data said to run past the end of the file is read to the end, where it breaks off. */
	r->end = unknown || e->csize > avail ? avail : e->csize;
	if ((r->in = malloc(ZREAD_BUF)) == NULL)
		return MV_ERR_NOMEM;
	if (e->method == 8) {
		z_stream *z = calloc(1, sizeof(*z));

		if (z == NULL || (r->out = malloc(ZREAD_BUF)) == NULL) {
			free(z);
			return MV_ERR_NOMEM;
		}
		if (inflateInit2(z, -MAX_WBITS) != Z_OK) {
			free(z);
			return MV_ERR_NOMEM;
		}
		r->z = z;
	}
	return MV_OK;
}

/* Up to ZREAD_BUF more compressed bytes into r->in; the count, 0 at the end, -1 on error. */
static long
zread_take(struct mv_zipread *r)
{
	size_t n = r->end - r->pos < ZREAD_BUF ? (size_t)(r->end - r->pos) : ZREAD_BUF;

	if (n == 0)
		return 0;
	if (r->src->pread(r->src->arg, r->in, n, r->e->data_off + r->pos) != 0) {
		snprintf(r->err, sizeof(r->err), "read error at offset %llu: %s",
		    (unsigned long long)(r->e->data_off + r->pos), strerror(errno));
		return -1;
	}
	r->pos += n;
	if (r->taken)
		*r->taken += n;
	return (long)n;
}

int
mv_zipread_next(struct mv_zipread *r, const unsigned char **p, size_t *n)
{
	z_stream *z = r->z;

	if (r->done)
		return 0;
	if (z == NULL) {
		long got = zread_take(r);

		if (got <= 0) {
			r->done = 1;
			if (got == 0 && r->pos < r->e->csize) {
				snprintf(r->err, sizeof(r->err), "data cut off by the end of the file "
				    "after %llu of %llu bytes", (unsigned long long)r->pos,
				    (unsigned long long)r->e->csize);
				return -1;
			}
			return (int)got;
		}
		*p = r->in;
		*n = (size_t)got;
		return 1;
	}
	for (;;) {
		int zr;

		if (z->avail_in == 0) {
			long got = zread_take(r);

			if (got < 0)
				return -1;
			if (got == 0) {
				r->done = 1;
				snprintf(r->err, sizeof(r->err), "deflate stream cut short after %llu "
				    "bytes", (unsigned long long)r->pos);
				return -1;
			}
			z->next_in = r->in;
			z->avail_in = (uInt)got;
		}
		z->next_out = r->out;
		z->avail_out = ZREAD_BUF;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			r->done = 1;
			snprintf(r->err, sizeof(r->err), "corrupt deflate data: %s",
			    z->msg ? z->msg : "inflate failed");
			return -1;
		}
		if (zr == Z_STREAM_END)
			r->done = 1;
		if (z->avail_out < ZREAD_BUF) {
			*p = r->out;
			*n = ZREAD_BUF - z->avail_out;
			return 1;
		}
		if (r->done)
			return 0;
	}
}

void
mv_zipread_free(struct mv_zipread *r)
{
	if (r->z) {
		inflateEnd(r->z);
		free(r->z);
	}
	free(r->in);
	free(r->out);
	memset(r, 0, sizeof(*r));
}
