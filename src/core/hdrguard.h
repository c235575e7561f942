/* SPDX-License-Identifier: Apache-2.0 */
/* hdrguard.h: the header fields of cpio, ar and tar archives that make libarchive reserve as
 * much memory as they declare (a member name, a symbolic link's target, an ar name table, a tar
 * sparse map), checked in the bytes of an archive before libarchive is handed them. */
#ifndef MV_CORE_HDRGUARD_H
#define MV_CORE_HDRGUARD_H

#include <stddef.h>
#include <stdint.h>

/* A name or link target libarchive reads whole: the bound libarchive itself puts on a tar's
 * long names and pax headers. */
#define MV_HDRGUARD_NAME_MAX (1u << 20)
/* An ar name table, read whole and copied: some 100,000 long member names. */
#define MV_HDRGUARD_TABLE_MAX (8u << 20)
/* The entries of a tar member's sparse map, which libarchive keeps one allocation each (some
 * 48 bytes): 3 MiB. */
#define MV_HDRGUARD_SPARSE_MAX (1u << 16)

enum mv_hdrguard_kind {
	MV_HDRGUARD_NONE = 0,           /* nothing to check (the format bounds its headers) */
	MV_HDRGUARD_AUTO,               /* cpio or ar if the first bytes say so */
	MV_HDRGUARD_CPIO,
	MV_HDRGUARD_AR,
	MV_HDRGUARD_TAR,                /* the sparse maps of tar members (targuard.c) */
};

/* The longest header looked at: afio's large cpio header. */
#define MV_HDRGUARD_HDR 116

#define MV_TARGUARD_BLOCK 512

/* A tar stream looked at block by block (targuard.c). */
struct mv_targuard {
	unsigned char blk[MV_TARGUARD_BLOCK];
	size_t fill;                    /* bytes of the block at blkoff held so far */
	uint64_t blkoff;
	uint64_t chain;                 /* the next extension block of an old GNU sparse header */
	uint64_t entries;               /* the entries of that sparse map so far */
	uint64_t pax_end;               /* the end of the body of the last pax header */
	unsigned match;                 /* bytes of "GNU.sparse.major=" matched in that body */
	uint64_t major;                 /* the value after it so far */
	int sparse10;                   /* that body asked for a sparse map of format 1.0 */
	uint64_t map_at;                /* where the data holding that map starts, or 0 */
};

struct mv_hdrguard {
	enum mv_hdrguard_kind kind;
	int mode;                       /* the variant found at offset 0 (hdrguard.c) */
	uint64_t next;                  /* formats read in sequence: where the next header is */
	uint64_t end;                   /* offset just past the last byte looked at */
	unsigned char carry[MV_HDRGUARD_HDR - 1];   /* the last bytes before end */
	size_t carrylen;
	char why[200];                  /* what was refused, for the read error and finding */
	struct mv_targuard tar;
};

/* Start looking at a new archive of that kind (the stream starts at offset 0). */
void mv_hdrguard_init(struct mv_hdrguard *g, enum mv_hdrguard_kind kind);

/* Look at the next block the archive reader is to be given, at offset off of the stream
 * (blocks come in increasing offsets; bytes skipped over are never parsed). 0, or -1 when a
 * header in it declares more than the bounds above: g->why says which, and the block must not
 * be handed on. */
int mv_hdrguard_block(struct mv_hdrguard *g, uint64_t off, const unsigned char *p, size_t n);

/* mv_hdrguard_block for MV_HDRGUARD_TAR (targuard.c). */
int mv_targuard_block(struct mv_hdrguard *g, uint64_t off, const unsigned char *p, size_t n);

#endif
