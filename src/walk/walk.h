/* SPDX-License-Identifier: Apache-2.0 */
/* walk.h: the state of one run, shared by the directory walker, the archive walker and the
 * task driver. Not installed. */
#ifndef MV_WALK_WALK_H
#define MV_WALK_WALK_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>

#include "mavis.h"
#include "core/finding.h"
#include "core/pool.h"
#include "core/remote.h"
#include "core/result.h"
#include "core/sink.h"
#include "core/sniff.h"
#include "walk/hf.h"
#include "walk/ocimodel.h"
#include "walk/source.h"

/* One top-level entry (a file of a directory, a file named on the command line, standard
 * input) and everything found inside it. */
struct mv_item {
	struct mv_run *run;
	struct mv_entry top;
	enum mv_format fmt;             /* recognised from the content */
	int stream;                     /* read in sequence: standard input, a pipe */
	char *fspath;                   /* what to open; NULL for stdin and non-files */
	const unsigned char *mem;       /* or the bytes themselves (mv_run_memory) */
	size_t memlen;
	struct mv_expect *expect;       /* the digest its name or download record promises */
	struct mv_remote *remote;       /* or entry remote_i of a remote source, streamed */
	size_t remote_i;
	struct mv_oci_claims *oci;      /* an OCI model layer: what manifests say of it */
	int layout_tar;                 /* a tar holding an OCI layout, whose members are
	                                 * items of their own (walk/ocitar.c) */
	struct mv_findings walk;        /* from the directory walk (caller's thread) */
	struct mv_findings raw;         /* from reading the bytes */
	struct mv_findings sub;         /* from inside, when it is an archive */
	struct mv_recs members;         /* archive members, nested ones included */
	atomic_uint shard_errors;       /* shard or BLAKE3 piece tasks that failed */
	int archive_queued;             /* its member walk is queued (set by the top pass) */
};

struct mv_run {
	struct mv_ctx *ctx;
	const uint64_t *limit;
	unsigned hashes;
	uint64_t shard_size;
	unsigned flags;
	unsigned jobs;                   /* worker threads */
	struct mv_pool *pool;
	struct mv_item **items;
	size_t nitems, itemcap;
	char **inputs;
	size_t ninputs;
	atomic_uint_fast64_t entries;    /* every entry met, for MV_LIMIT_ENTRIES */
	atomic_uint_fast64_t bytes_out;  /* bytes decompressed from archives, MV_LIMIT_BYTES */
	atomic_uint_fast64_t bytes_done; /* bytes read from files on disk, for progress */
	uint64_t bytes_total;
	atomic_int stop;                 /* the byte budget is spent: decompress no more */
	atomic_int entries_flagged;
	atomic_int bytes_flagged;
	struct timespec deadline;        /* on CLOCK_MONOTONIC, when MV_LIMIT_SECONDS is set */
	atomic_int expired;              /* the deadline has passed: read nothing more */
	struct mv_findings run_findings; /* run-wide limits, added once */
	const struct mv_sink *sink;      /* what every entry's bytes go to */
	void *run_lock;                  /* guards run_findings */
	struct mv_remote **owned;        /* sources the walk opened (layouts in tars), freed
	                                  * with the run */
	size_t nowned, ownedcap;
};

/* The state one task works on: its own findings and records, merged later in walk order. */
struct mv_task {
	struct mv_run *run;
	struct mv_item *item;
	struct mv_findings *findings;
	struct mv_recs *recs;
	unsigned char *buf;              /* read buffer of MV_READ_BUF bytes */
};

#define MV_READ_BUF (256 * 1024)

/* Bytes in memory as blocks, handed out in place. */
struct mv_memblocks {
	struct mv_blocks b;
	const unsigned char *p;
	size_t left;
};
void mv_memblocks_init(struct mv_memblocks *m, const void *p, size_t n);

/* Count one more entry against MV_LIMIT_ENTRIES; 0 when over (reported once per run). */
int mv_run_count_entry(struct mv_run *run, const char *path);
/* Count bytes produced by decompression against MV_LIMIT_BYTES; 0 when over. */
int mv_run_count_bytes(struct mv_run *run, uint64_t n, const char *path);
/* Set the run's deadline from MV_LIMIT_SECONDS, counted from now. */
void mv_run_start_clock(struct mv_run *run);
/* 1 while the run is within MV_LIMIT_SECONDS; past it, 0, and the first caller adds the
 * finding limit.time.exceeded naming path. */
int mv_run_in_time(struct mv_run *run, const char *path);
/* Milliseconds left before the deadline (0 once past it), or -1 with no time limit. */
int mv_run_ms_left(const struct mv_run *run);

/* A content-addressed file (a Hugging Face cache blob, an OCI layout blob, on disk or in an
 * archive) is named by its SHA-256 (name_hex): check e's digest against it when the run
 * computed SHA-256 and e was read to its end. */
void mv_blob_verify(struct mv_findings *fl, const struct mv_entry *e, const char *name_hex);

/* The calling thread's read buffer of MV_READ_BUF bytes, kept for its next task (freed when
 * the thread ends); NULL when out of memory. */
unsigned char *mv_task_buf(void);
/* Read a whole top-level file or memory item (task for the pool). */
void mv_task_file(void *arg);
/* Walk the archive of a top-level file (task for the pool). */
void mv_task_archive(void *arg);
/* Queue that walk for t->item, an archive of format fmt, from its top pass as soon as the
 * format is known: the members are then read on another core while the top pass goes on
 * hashing the whole file. Once per item. */
void mv_task_queue_archive(struct mv_task *t, enum mv_format fmt);
/* Read standard input or a named pipe in order, archives inside included (task). */
void mv_task_stream(void *arg);
/* Read an entry of a remote source as it arrives (task). */
void mv_task_remote(void *arg);

/* The pass over a top-level entry (t->item->top) from in; with ra (random access to the same
 * bytes) an archive is not walked but its format left in *fmt for mv_walk_archive. Returns 1
 * when reading stopped at a limit. */
int mv_walk_top(struct mv_task *t, struct mv_blocks *in, const struct mv_rsrc *ra,
    enum mv_format *fmt);
/* Walk the members of the top-level archive t->item (format t->item->fmt) read from src. */
void mv_walk_archive(struct mv_task *t, const struct mv_rsrc *src);

/* Add the top-level items of one input (a file, a folder walked in order, standard input
 * when is_stdin); MV_ERR_NOTFOUND and others with the reason on run->ctx. */
mv_status mv_walk_input(struct mv_run *run, const char *input, int is_stdin);

/* Directory walk: calls add for each non-directory entry below root, in sorted order. */
struct mv_dirwalk {
	struct mv_run *run;
	const char *input;               /* as given */
	const char *root;                /* the directory */
	char *root_real;                 /* its canonical path */
	char *link_root;                 /* links may point anywhere below this */
	int follow;
	char *blobs_real;                /* a hub cache snapshot: its repository's blobs/ */
	struct mv_hflocal *hflocal;      /* an hf download --local-dir folder: its records */
};
/* A file the directory walk met (fspath: what to read, link: the link's target when it is
 * one): its expectation, cache link flag and download record. */
mv_status mv_hf_walk_item(struct mv_dirwalk *w, struct mv_item *item, const char *rel,
    const struct stat *st);
mv_status mv_dir_walk(struct mv_dirwalk *w);
/* When the folder root is an OCI image layout, check the items its walk added (from index
 * first on): descriptors against blobs, titles onto the blobs, blobs nothing names. The
 * findings go on the items; returns MV_ERR_NOMEM only. */
mv_status mv_oci_check(struct mv_run *run, const char *root, size_t first);
/* The same over items that are an OCI layout whatever their source (a registry's). */
mv_status mv_oci_check_items(struct mv_run *run, size_t first);
/* Add the entries of a remote source as top-level items of input (which must outlive the
 * run, as r must), then check them as the layout they form. */
mv_status mv_walk_remote(struct mv_run *run, const char *input, struct mv_remote *r);
/* When the regular file of item tar is a tar holding an OCI image layout (an oci-layout
 * member), *out is a remote source of its members (the run frees it); else NULL, and the tar
 * is walked as an archive. The listing's findings (member names, links, specials) go on the
 * tar. Only MV_ERR_NOMEM fails. */
mv_status mv_ocitar_list(struct mv_run *run, struct mv_item *tar, struct mv_remote **out);
/* The entry type of an archive member, and the checks of its header every walk of archive
 * members makes (name, link, setuid, devices, pipes), findings on fl under mpath. */
struct archive_entry;
struct mv_names;
enum mv_entry_type mv_member_type(struct archive_entry *e);
void mv_member_check(struct mv_run *run, struct mv_names *names, struct mv_findings *fl,
    const char *mpath, struct archive_entry *ae, enum mv_entry_type type, const char *name,
    const char *link);
/* Add a top-level item for the file or special at fspath; takes name and display path. */
mv_status mv_run_add_item(struct mv_run *run, struct mv_item *item);
struct mv_item *mv_item_new(const char *input, const char *path, const char *name,
    const char *fspath);
void mv_item_free(struct mv_item *item);

#endif
