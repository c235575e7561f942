/* SPDX-License-Identifier: Apache-2.0 */
/* zipidx.h: an index of a zip's central directory and local headers, built without
 * libarchive, to report what libarchive hides: the differences between the two views that
 * loaders (PyTorch's miniz, Python's zipfile) and scanners resolve differently. */
#ifndef MV_WALK_ZIPIDX_H
#define MV_WALK_ZIPIDX_H

#include <stddef.h>
#include <stdint.h>

#include "mavis.h"
#include "core/finding.h"
#include "walk/source.h"

struct mv_zipent {
	char *name;                 /* as stored (may hold NUL bytes); NUL-terminated copy */
	size_t namelen;
	uint64_t lfh_off;           /* offset of the local file header */
	uint64_t data_off;          /* offset of the member data (after the local header) */
	uint64_t csize, usize;      /* from the central directory (ZIP64 applied) */
	uint32_t crc;
	uint16_t method, flags;
	uint16_t made_by;
	uint32_t ext_attr;
	int in_cd;                  /* 0: a local header no central record points at */
	int lfh_ok;                 /* the local header was found and parsed: data_off is valid */
};

struct mv_zipidx {
	struct mv_zipent *ent;      /* central directory order, then the hidden ones */
	size_t n;
	uint64_t eocd_off;
	uint64_t cd_off, cd_size;
	uint64_t first_lfh;         /* offset of the first local header (bytes before it are a
	                             * prefix: a self-extractor stub or a polyglot) */
};

/*
 * Index the zip in src and add a finding (rules ZIP_*, ARCHIVE_PATH_NUL) under path for
 * each inconsistency: central/local name, method, flag, CRC or size mismatches; overlapping
 * members; data before the first member; local headers outside the central directory; a
 * broken or ambiguous end record. Bounded by limit[MV_LIMIT_ENTRIES] and
 * limit[MV_LIMIT_NAME]. Returns MV_ERR_FORMAT (with a finding) when no central directory can
 * be found at all.
 */
mv_status mv_zipidx_build(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl, struct mv_zipidx *out);
void mv_zipidx_free(struct mv_zipidx *idx);
/* Build, report, free. A read error or lack of memory is reported as analysis.incomplete,
 * so the index never passes a zip silently. */
void mv_zipidx_check(const struct mv_rsrc *src, const char *path, const uint64_t *limit,
    struct mv_findings *fl);

/*
 * Read n bytes at offset off of a stored (method 0) member's data straight from src, for
 * members libarchive will not hand out, such as plain data under the "encrypted" flag, which
 * PyTorch ignores. The bytes are the member as stored: for a really encrypted member they
 * begin with its 12-byte encryption header. Returns MV_ERR_UNSUPPORTED for any other method,
 * MV_ERR_FORMAT when the local header was not found or [off, off + n) lies outside the
 * member's csize bytes or the file, MV_ERR_IO when the read fails.
 */
mv_status mv_zipidx_read_stored(const struct mv_rsrc *src, const struct mv_zipent *e,
    uint64_t off, void *buf, size_t n);

/*
 * A member's data read by the index, inflated when it is deflated, for the members libarchive
 * does not hand out as files: those typed as links, folders or special files (which Python's
 * zipfile and torch.load read as files all the same) and local headers no central record
 * lists. Bounded by the member's compressed size, or for a local header with its sizes in a
 * data descriptor, by the deflate stream's end within the file.
 */
struct mv_zipread {
	const struct mv_rsrc *src;
	const struct mv_zipent *e;
	uint64_t pos;               /* compressed bytes taken */
	uint64_t end;               /* compressed bytes there are to take */
	uint64_t *taken;            /* compressed bytes are added here too, or NULL */
	void *z;                    /* the inflate state (z_stream), NULL for stored data */
	unsigned char *in, *out;
	int done;
	char err[256];
};

/* MV_ERR_UNSUPPORTED (with err set) for methods other than stored and deflate and for stored
 * data of unknown size; MV_ERR_NOMEM. *r is ready for mv_zipread_free in every case. */
mv_status mv_zipread_init(struct mv_zipread *r, const struct mv_rsrc *src,
    const struct mv_zipent *e, uint64_t *taken);
/* The next block of data: 1 with a block (valid until the next call), 0 at the end, -1 on a
 * read error or corrupt data (err set). */
int mv_zipread_next(struct mv_zipread *r, const unsigned char **p, size_t *n);
void mv_zipread_free(struct mv_zipread *r);

#endif
