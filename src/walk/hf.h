/* SPDX-License-Identifier: Apache-2.0 */
/* hf.h: Hugging Face caches (hub snapshots, blobs, refs) and local-dir downloads, read
 * offline, and the digests their file names and metadata promise. Not installed. */
#ifndef MV_WALK_HF_H
#define MV_WALK_HF_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mavis.h"
#include "core/finding.h"

struct mv_item;
struct mv_run;
struct mv_task;
struct mv_blocks;

/* ---- hfcache.c: where a path lies in a cache, hf:// names, the repository's checks ---- */

/* A canonical path inside <cache>/<type>s--<org>--<name>/snapshots/<commit>. */
struct mv_hfloc {
	char *repo_dir;          /* .../models--org--name */
	char *snapshot;          /* .../snapshots/<commit> */
	char type[16];           /* model, dataset, space */
	char *repo;              /* org/name */
	char commit[41];
	const char *sub;         /* below the snapshot ("" for the snapshot itself), into the
	                          * caller's path */
};

/* Fill loc when real (a canonical path) is a snapshot or lies below one; 1 then, 0 when it
 * does not, -1 out of memory. */
int mv_hf_locate(const char *real, struct mv_hfloc *loc);
void mv_hf_loc_free(struct mv_hfloc *loc);

/* The cache root huggingface_hub uses: HF_HUB_CACHE, HUGGINGFACE_HUB_CACHE, HF_HOME/hub,
 * XDG_CACHE_HOME/huggingface/hub, ~/.cache/huggingface/hub. New string, or NULL. */
char *mv_hf_cache_dir(void);

/* Is s an hf:// name? */
int mv_hf_is_uri(const char *s);

/* Resolve hf://[models/|datasets/|spaces/]ORG/NAME[@REVISION] offline to the snapshot it
 * names in the cache: a branch or tag under refs/, a commit hash, main when none is given.
 * On failure the context says where mavis looked (MV_ERR_NOTFOUND, MV_ERR_USAGE). */
mv_status mv_hf_resolve(struct mv_ctx *ctx, const char *uri, struct mv_source **out);

/* The provenance of an input that is a snapshot, or lies in one (NULL when it does not):
 * repository, commit, and the refs that name the commit. */
struct mv_source *mv_hf_source_of(const char *real);

/* The repository's own checks when a whole snapshot is scanned: refs that name no snapshot,
 * interrupted downloads, .no_exist markers of files the snapshot needs or holds. The items
 * of the snapshot's walk (from first on) give the files present. */
mv_status mv_hf_repo_check(struct mv_run *run, const struct mv_hfloc *loc, const char *input,
    size_t first, struct mv_findings *fl);

/* A file given alone (input, resolved to real) that is a link of a cache snapshot: reported
 * when it does not lead to a blob of its repository. */
mv_status mv_hf_file_check(struct mv_item *item, const char *input, const char *real);

/* ---- expect.c: the digest a file's name or metadata promises, checked as it is read ---- */

enum mv_expect_kind {
	MV_EXPECT_SHA256 = 1,    /* 64 hex: an LFS (or Xet) file, an OCI blob */
	MV_EXPECT_GIT_SHA1       /* 40 hex: SHA-1 of "blob <size>\0" and the content */
};

struct mv_expect {
	enum mv_expect_kind kind;
	char hex[65];
	char *from;              /* what promised it, for the finding ("blob name", ...) */
};

/* The expectation a blob's name gives (DIR/blobs/HEX in a Hugging Face cache, 64 or 40 hex;
 * DIR/blobs/sha256/HEX in an OCI layout): 1 with e filled, 0 for other names, -1 out of
 * memory. */
int mv_expect_from_blob(const char *real, struct mv_expect *e);
/* From an etag (a local-dir download's metadata): 1, 0 when it is neither 64 nor 40 hex. */
int mv_expect_from_etag(const char *etag, const char *from, struct mv_expect *e);
void mv_expect_free(struct mv_expect *e);

/* Blocks of a top-level entry on their way to the walk: hashed for the entry's expectation
 * and their head kept (Git LFS pointers). */
struct mv_tee;
struct mv_blocks *mv_tee_new(struct mv_task *t, struct mv_blocks *in, struct mv_tee **out);
/* After the pass: the expectation checked (when the entry was read whole) and pointers
 * reported; frees the tee. */
void mv_tee_finish(struct mv_tee *tee, struct mv_task *t);

/* Are the n bytes at s lowercase hexadecimal digits (whatever follows them)? */
int mv_hex_prefix(const char *s, size_t n);

/* Git LFS pointer text (version https://git-lfs.github.com/spec/v1, oid sha256:HEX, size N):
 * 1 with oid (65 bytes) and size filled, 0 when p is not one. */
int mv_lfs_pointer_parse(const unsigned char *p, size_t n, char oid[65], uint64_t *size);

/* ---- hflocal.c: hf download --local-dir ---- */

/* One .cache/huggingface/download/<path>.metadata file. */
struct mv_hfmeta {
	char commit[41];
	char etag[129];
	double time;             /* unix time of the download */
};
/* Parse the three lines; 0 on success, -1 when malformed (why says how). */
int mv_hfmeta_parse(const unsigned char *p, size_t n, struct mv_hfmeta *m, char *why,
    size_t whylen);

/* The download records of a local-dir folder, loaded before its walk. */
struct mv_hflocal;
/* NULL (and MV_OK) when root holds no .cache/huggingface/download. */
mv_status mv_hflocal_load(const char *root, const char *input, struct mv_hflocal **out);
/* A file of the walk: its expectation set from its record, or reported without one. */
mv_status mv_hflocal_item(struct mv_hflocal *hl, struct mv_item *item, const char *rel,
    time_t mtime);
/* After the walk: records whose file is absent. Frees hl. */
mv_status mv_hflocal_finish(struct mv_hflocal *hl, struct mv_findings *fl);

#endif
