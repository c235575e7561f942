/* SPDX-License-Identifier: Apache-2.0 */
/* name.h: checks on the names and link targets of archive members. */
#ifndef MV_WALK_NAME_H
#define MV_WALK_NAME_H

#include <stddef.h>
#include "mavis.h"
#include "core/finding.h"
#include "core/strset.h"

/* What one archive has shown so far, to find duplicates and writes through links. */
struct mv_names {
	struct mv_strset exact;     /* names of non-directories, as stored */
	struct mv_strset folded;    /* names of non-directories, normalised */
	struct mv_strset dirs;      /* names of directories, normalised */
	struct mv_strset links;     /* names of symlinks, normalised */
};

void mv_names_init(struct mv_names *nm);
void mv_names_free(struct mv_names *nm);

/*
 * Check one member called name (len bytes, which may hold NUL) of the given type, with link
 * target link (or NULL), against the traversal rules and against the members seen before.
 * Findings go to fl under the displayed path. max_name is the name length limit.
 */
mv_status mv_names_check(struct mv_names *nm, struct mv_findings *fl, const char *path,
    const char *name, size_t len, enum mv_entry_type type, const char *link, size_t max_name);

/* The normalised form two members' names are compared in: separators unified, "." and empty
 * components dropped, ".." applied to the component before it, case folded (ASCII, and
 * Unicode by full case folding) and Unicode decomposed (NFD), so names a file system or a
 * case-blind lookup takes for one file come out equal. Returns a new string or NULL. */
char *mv_name_fold(const char *name, size_t len);

/* The SHA-256 (64 lowercase hex digits, pointing into path) that a content-addressed store
 * names a file by: DIR/blobs/HEX in a Hugging Face cache, DIR/blobs/sha256/HEX in an OCI
 * layout, on disk or as a member name ("blobs/sha256/HEX"); NULL for any other path. */
const char *mv_name_blob_digest(const char *path);

/* Rules for a single path, with no archive state: 1 when it is absolute, 2 when it climbs
 * out with "..", 0 when neither. Backslashes count as separators. */
int mv_name_escapes(const char *name, size_t len);

#endif
