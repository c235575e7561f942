/* SPDX-License-Identifier: Apache-2.0 */
/* hdrguard.c: cpio and ar headers checked before libarchive reads what they declare.
 *
 * libarchive reads a cpio member's name, a cpio symbolic link's target, a BSD ar long name
 * and the GNU ar name table whole, reserving first as many bytes as the header declares: 111
 * bytes declaring a name of 2.5 GB make it reserve 2.5 GB, and bytes behind such a header are
 * all kept. The headers are found in the stream as libarchive finds them: ar and binary cpio
 * one after the other from offset 0; text cpio wherever a valid header is, since libarchive
 * skips ahead to the next one after damage.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/hdrguard.h"

enum {
	M_UNKNOWN = 0,
	M_NONE,
	M_NEWC,                         /* cpio "070701"/"070702": 110 hex digits */
	M_ODC,                          /* cpio "070707" (76 octal digits) or afio "070727" */
	M_BIN_LE,                       /* binary cpio, 26 bytes */
	M_BIN_BE,
	M_AR,                           /* 60-byte headers after "!<arch>\n" */
};

#define NEWC_LEN 110
#define ODC_LEN 76
#define AFIO_LEN 116
#define BIN_LEN 26
#define AR_LEN 60
#define S_LINK 0120000u
#define S_TYPE 0170000u

/* A number in base 8, 10 or 16 of at most len digits, stopping at the first other byte as
 * libarchive does; saturates instead of overflowing. */
static uint64_t
num(const unsigned char *p, size_t len, unsigned base)
{
	uint64_t v = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned d;

		if (p[i] >= '0' && p[i] <= '9')
			d = p[i] - '0';
		else if (base == 16 && p[i] >= 'a' && p[i] <= 'f')
			d = p[i] - 'a' + 10;
		else if (base == 16 && p[i] >= 'A' && p[i] <= 'F')
			d = p[i] - 'A' + 10;
		else
			break;
		if (d >= base)
			break;
		if (v > (UINT64_MAX - d) / base)
			return UINT64_MAX;
		v = v * base + d;
	}
	return v;
}

static int
all_digits(const unsigned char *p, size_t len, unsigned base)
{
	for (size_t i = 0; i < len; i++) {
		int hex = (p[i] >= 'a' && p[i] <= 'f') || (p[i] >= 'A' && p[i] <= 'F');

		if (base == 16 ? !(hex || (p[i] >= '0' && p[i] <= '9')) :
		    !(p[i] >= '0' && p[i] <= '7'))
			return 0;
	}
	return 1;
}

static uint64_t
add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static int
refuse(struct mv_hdrguard *g, uint64_t at, const char *what, uint64_t n, uint64_t max)
{
	snprintf(g->why, sizeof(g->why), "the header at offset %llu declares %s of %llu bytes "
	    "(more than %llu); not read", (unsigned long long)at, what, (unsigned long long)n,
	    (unsigned long long)max);
	return -1;
}

/* A cpio member's name and, for a symbolic link, its target. */
static int
cpio_sizes(struct mv_hdrguard *g, uint64_t at, uint64_t mode, uint64_t namesize,
    uint64_t filesize)
{
	if (namesize > MV_HDRGUARD_NAME_MAX)
		return refuse(g, at, "a member name", namesize, MV_HDRGUARD_NAME_MAX);
	if ((mode & S_TYPE) == S_LINK && filesize > MV_HDRGUARD_NAME_MAX)
		return refuse(g, at, "a link target", filesize, MV_HDRGUARD_NAME_MAX);
	return 0;
}

/* A text cpio header at h (avail bytes there), if one is: 0 when none or within bounds (or
 * not all there yet), -1 when refused. */
static int
text_at(struct mv_hdrguard *g, const unsigned char *h, size_t avail, uint64_t at)
{
	if (avail < 6 || memcmp(h, "07070", 5) != 0)
		return 0;
	if (g->mode == M_NEWC) {
		if ((h[5] != '1' && h[5] != '2') || avail < NEWC_LEN ||
		    !all_digits(h, NEWC_LEN, 16))
			return 0;
		return cpio_sizes(g, at, num(h + 14, 8, 16), num(h + 94, 8, 16),
		    num(h + 54, 8, 16));
	}
	if (h[5] == '7') {
		if (avail < ODC_LEN || !all_digits(h, ODC_LEN, 8))
			return 0;
		return cpio_sizes(g, at, num(h + 18, 6, 8), num(h + 59, 6, 8), num(h + 65, 11, 8));
	}
	if (memcmp(h, "070727", 6) != 0 || avail < AFIO_LEN || h[30] != 'm' || h[85] != 'n' ||
	    h[98] != 's' || h[115] != ':' || !all_digits(h + 6, 24, 16) ||
	    !all_digits(h + 31, 54, 16) || !all_digits(h + 86, 12, 16) ||
	    !all_digits(h + 99, 16, 16))
		return 0;
	return cpio_sizes(g, at, num(h + 31, 6, 8), num(h + 86, 4, 16), num(h + 99, 16, 16));
}

/* Is the ar member name field (16 bytes, cut at a NUL, spaces trimmed) the name table's? */
static int
is_table(const unsigned char *h)
{
	size_t n = 0;

	while (n < 16 && h[n] != '\0')
		n++;
	while (n > 0 && h[n - 1] == ' ')
		n--;
	return n == 2 && h[0] == '/' && h[1] == '/';
}

/* The header of a positional format at g->next, whole in h: check it, and move next on. */
static int
positional(struct mv_hdrguard *g, const unsigned char *h)
{
	uint64_t at = g->next;

	if (g->mode == M_AR) {
		uint64_t size;
		size_t sp = 0;

		while (sp < 10 && (h[48 + sp] == ' ' || h[48 + sp] == '\t'))
			sp++;
		size = num(h + 48 + sp, 10 - sp, 10);
		if (memcmp(h + 58, "`\n", 2) != 0) {
			/* libarchive warns and reads the next header right behind. */
			g->next = add_sat(at, AR_LEN);
			return 0;
		}
		if (is_table(h) && size > MV_HDRGUARD_TABLE_MAX)
			return refuse(g, at, "an ar name table", size, MV_HDRGUARD_TABLE_MAX);
		if (memcmp(h, "#1/", 3) == 0) {
			uint64_t nl;

			sp = 0;
			while (sp < 13 && (h[3 + sp] == ' ' || h[3 + sp] == '\t'))
				sp++;
			nl = num(h + 3 + sp, 13 - sp, 10);
			if (nl > MV_HDRGUARD_NAME_MAX)
				return refuse(g, at, "a member name", nl, MV_HDRGUARD_NAME_MAX);
		}
		g->next = add_sat(add_sat(at, AR_LEN), add_sat(size, size & 1));
		return 0;
	} else {
		int le = g->mode == M_BIN_LE;
		uint64_t mode = le ? h[6] + h[7] * 256u : h[6] * 256u + h[7];
		uint64_t namesize = le ? h[20] + h[21] * 256u : h[20] * 256u + h[21];
		uint64_t filesize = le ? ((uint64_t)h[23] << 24 | (uint64_t)h[22] << 16 |
		    (uint64_t)h[25] << 8 | h[24]) : ((uint64_t)h[22] << 24 | (uint64_t)h[23] << 16 |
		    (uint64_t)h[24] << 8 | h[25]);

		if (cpio_sizes(g, at, mode, namesize, filesize) != 0)
			return -1;
		g->next = add_sat(add_sat(at, BIN_LEN + namesize + (namesize & 1)),
		    filesize + (filesize & 1));
		return 0;
	}
}

static void
detect(struct mv_hdrguard *g, const unsigned char *p, size_t n)
{
	int cpio = g->kind == MV_HDRGUARD_CPIO || g->kind == MV_HDRGUARD_AUTO;
	int ar = g->kind == MV_HDRGUARD_AR || g->kind == MV_HDRGUARD_AUTO;

	g->mode = M_NONE;
	if (cpio && n >= 6 && memcmp(p, "07070", 5) == 0 && (p[5] == '1' || p[5] == '2'))
		g->mode = M_NEWC;
	else if (cpio && n >= 6 && (memcmp(p, "070707", 6) == 0 || memcmp(p, "070727", 6) == 0))
		g->mode = M_ODC;
	else if (cpio && n >= 2 && p[0] == 0xc7 && p[1] == 0x71)
		g->mode = M_BIN_LE;
	else if (cpio && n >= 2 && p[0] == 0x71 && p[1] == 0xc7)
		g->mode = M_BIN_BE;
	else if (ar && n >= 8 && memcmp(p, "!<arch>\n", 8) == 0) {
		g->mode = M_AR;
		g->next = 8;
	}
}

void
mv_hdrguard_init(struct mv_hdrguard *g, enum mv_hdrguard_kind kind)
{
	memset(g, 0, sizeof(*g));
	g->kind = kind;
}

int
mv_hdrguard_block(struct mv_hdrguard *g, uint64_t off, const unsigned char *p, size_t n)
{
	unsigned char tmp[2 * MV_HDRGUARD_HDR];
	size_t tlen, keep;
	uint64_t base;
	int rc = 0;

	if (g->kind == MV_HDRGUARD_NONE || n == 0)
		return 0;
	if (g->kind == MV_HDRGUARD_TAR)
		return mv_targuard_block(g, off, p, n);
	if (g->mode == M_UNKNOWN) {
		unsigned char first[8];
		size_t have = g->carrylen;

		if (off != g->end) {
			g->mode = M_NONE;
			return 0;
		}
		/* The variant is told by the first 8 bytes, however they come; no header fits
		 * in fewer. */
		if (have + n < sizeof(first)) {
			memcpy(g->carry + have, p, n);
			g->carrylen += n;
			g->end += n;
			return 0;
		}
		memcpy(first, g->carry, have);
		memcpy(first + have, p, sizeof(first) - have);
		detect(g, first, sizeof(first));
	}
	if (g->mode == M_NONE)
		return 0;
	/* Bytes skipped over (a member's data) are never parsed: nothing carries across. */
	if (off != g->end)
		g->carrylen = 0;
	/* The carried bytes and the start of the block, for headers that straddle the two. */
	base = off - g->carrylen;
	memcpy(tmp, g->carry, g->carrylen);
	tlen = g->carrylen + (n < MV_HDRGUARD_HDR ? n : MV_HDRGUARD_HDR);
	memcpy(tmp + g->carrylen, p, tlen - g->carrylen);

	if (g->mode == M_NEWC || g->mode == M_ODC) {
		for (size_t i = 0; i < g->carrylen && rc == 0; i++)
			rc = text_at(g, tmp + i, tlen - i, base + i);
		for (const unsigned char *q = p; rc == 0 && q < p + n; q++) {
			if ((q = memchr(q, '0', (size_t)(p + n - q))) == NULL)
				break;
			rc = text_at(g, q, (size_t)(p + n - q), off + (uint64_t)(q - p));
		}
	} else {
		size_t len = g->mode == M_AR ? AR_LEN : BIN_LEN;

		while (rc == 0 && g->next < off + n) {
			if (g->next < base) {
				/* libarchive never skips a header: where it went is not known. */
				snprintf(g->why, sizeof(g->why), "the header at offset %llu was not "
				    "read in order; not read", (unsigned long long)g->next);
				rc = -1;
			} else if (g->next + len <= base + tlen) {
				rc = positional(g, tmp + (g->next - base));
			} else if (g->next >= off && g->next - off + len <= n) {
				rc = positional(g, p + (g->next - off));
			} else {
				break;          /* the rest of it comes with the next block */
			}
		}
	}
	if (rc != 0)
		return rc;
	/* Keep the last bytes for the next block. */
	keep = sizeof(g->carry);
	if (n >= keep) {
		memcpy(g->carry, p + n - keep, keep);
		g->carrylen = keep;
	} else {
		size_t old = g->carrylen + n > keep ? keep - n : g->carrylen;

		memmove(g->carry, g->carry + g->carrylen - old, old);
		memcpy(g->carry + old, p, n);
		g->carrylen = old + n;
	}
	g->end = off + n;
	return 0;
}
