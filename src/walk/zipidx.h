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

#endif
