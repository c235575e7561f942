/* SPDX-License-Identifier: Apache-2.0 */
/* targuard.c: the sparse maps of tar members checked before libarchive reads them.
 *
 * libarchive keeps a GNU sparse map as a list with one allocation per entry. An old GNU
 * sparse header (type 'S') is followed by extension blocks of 21 entries each for as long as
 * their flag is set; a sparse file of format 1.0 (asked for by GNU.sparse.major=1 in a pax
 * header) starts its data with the number of entries, then the entries, four bytes each at
 * the least. 100 MB of either, which gzip packs into less than 400 KB, made libarchive hold
 * 200 MB and 1.2 GB. Every block at a multiple of 512 bytes is looked at, whatever the sizes
 * in the headers say, so that no header libarchive reads is missed where the two would count
 * sizes differently; bytes skipped over (a member's data) are never parsed.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/hdrguard.h"

#define BLK MV_TARGUARD_BLOCK
#define EXT_ENTRIES 21                  /* sparse entries in an extension block */
#define HDR_ENTRIES 4                   /* and in the old GNU header itself */
#define PAX_MAX (1u << 20)              /* libarchive refuses longer pax bodies */

static const char major_key[] = "GNU.sparse.major=";

/* An octal field as libarchive reads one: leading blanks, then digits up to the first other
 * byte; a base-256 field (high bit set) as its value, saturated. */
static uint64_t
field(const unsigned char *p, size_t len)
{
	uint64_t v = 0;
	size_t i = 0;

	if (p[0] & 0x80) {
		for (i = 1; i < len; i++) {
			if (v >> 55)
				return UINT64_MAX;
			v = v << 8 | p[i];
		}
		return v;
	}
	while (i < len && (p[i] == ' ' || p[i] == '\t'))
		i++;
	for (; i < len && p[i] >= '0' && p[i] <= '7'; i++) {
		if (v >> 60)
			return UINT64_MAX;
		v = v * 8 + (uint64_t)(p[i] - '0');
	}
	return v;
}

/* A tar header libarchive would take: not all zero, its checksum right (unsigned or signed
 * sum, the checksum field counted as blanks). */
static int
is_header(const unsigned char *b)
{
	uint64_t want = field(b + 148, 8);
	long long sum = 0;
	unsigned long long usum = 0;

	if (b[0] == '\0')
		return 0;
	for (size_t i = 0; i < BLK; i++) {
		unsigned char c = i >= 148 && i < 156 ? ' ' : b[i];

		usum += c;
		sum += (signed char)c;
	}
	return want == usum || (sum >= 0 && want == (uint64_t)sum);
}

static int
refuse(struct mv_hdrguard *g, uint64_t at, uint64_t n)
{
	snprintf(g->why, sizeof(g->why), "the tar member at offset %llu declares a sparse map "
	    "of %s%llu entries (more than %u); not read", (unsigned long long)at,
	    n == UINT64_MAX ? "more than " : "", (unsigned long long)(n == UINT64_MAX ?
	    MV_HDRGUARD_SPARSE_MAX : n), MV_HDRGUARD_SPARSE_MAX);
	return -1;
}

/* Look for GNU.sparse.major=1 in the body of a pax header, a record at a time or cut across
 * blocks. */
static void
pax_body(struct mv_targuard *t, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];

		if (t->match < sizeof(major_key) - 1) {
			if (c == (unsigned char)major_key[t->match])
				t->match++;
			else
				t->match = c == (unsigned char)major_key[0];
			t->major = 0;
		} else if (c >= '0' && c <= '9') {
			t->major = t->major > 1000 ? t->major : t->major * 10 + (c - '0');
		} else {
			if (c == '\n' && t->major == 1)
				t->sparse10 = 1;
			t->match = c == (unsigned char)major_key[0];
		}
	}
}

/* The first line of a sparse 1.0 map: the number of entries in decimal. */
static uint64_t
map_count(const unsigned char *b)
{
	uint64_t v = 0;

	for (size_t i = 0; i < BLK && b[i] >= '0' && b[i] <= '9'; i++) {
		if (v > UINT64_MAX / 10 - 1)
			return UINT64_MAX;
		v = v * 10 + (uint64_t)(b[i] - '0');
	}
	return v;
}

/* One whole block at offset off. */
static int
block(struct mv_hdrguard *g, uint64_t off)
{
	struct mv_targuard *t = &g->tar;
	const unsigned char *b = t->blk;

	if (t->chain != 0 && off == t->chain) {
		t->entries += EXT_ENTRIES;
		if (t->entries > MV_HDRGUARD_SPARSE_MAX)
			return refuse(g, off, t->entries);
		t->chain = b[504] != 0 ? off + BLK : 0;
		return 0;
	}
	if (t->map_at != 0 && off == t->map_at) {
		uint64_t n = map_count(b);

		t->map_at = 0;
		if (n > MV_HDRGUARD_SPARSE_MAX)
			return refuse(g, off, n);
		return 0;
	}
	if (off < t->pax_end)
		pax_body(t, b, t->pax_end - off < BLK ? (size_t)(t->pax_end - off) : BLK);
	if (!is_header(b))
		return 0;
	switch (b[156]) {
	case 'S':
		if (b[482] != 0) {
			t->chain = off + BLK;
			t->entries = HDR_ENTRIES;
		}
		break;
	case 'x': {
		uint64_t size = field(b + 124, 12);

		t->pax_end = off + BLK + (size < PAX_MAX ? size : PAX_MAX);
		t->match = 0;
		t->sparse10 = 0;
		break;
	}
	case 'g': case 'L': case 'K':
		break;
	default:
		/* The header the pax header was for: its data starts with the map. */
		if (t->sparse10 && off >= t->pax_end) {
			t->map_at = off + BLK;
			t->sparse10 = 0;
		}
		break;
	}
	return 0;
}

int
mv_targuard_block(struct mv_hdrguard *g, uint64_t off, const unsigned char *p, size_t n)
{
	struct mv_targuard *t = &g->tar;

	if (off != t->blkoff + t->fill) {
		/* Bytes were skipped: start again at the next block boundary. */
		uint64_t skip = off % BLK ? BLK - off % BLK : 0;

		t->fill = 0;
		if (skip >= n)
			return 0;
		p += skip;
		n -= (size_t)skip;
		off += skip;
		t->blkoff = off;
	}
	while (n > 0) {
		size_t k = BLK - t->fill < n ? BLK - t->fill : n;

		memcpy(t->blk + t->fill, p, k);
		t->fill += k;
		p += k;
		n -= k;
		if (t->fill == BLK) {
			if (block(g, t->blkoff) != 0)
				return -1;
			t->blkoff += BLK;
			t->fill = 0;
		}
	}
	return 0;
}
