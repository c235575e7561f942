/* SPDX-License-Identifier: Apache-2.0 */
/* ctx.h: what a context holds behind the opaque struct mv_ctx. */
#ifndef MV_CORE_CTX_H
#define MV_CORE_CTX_H

#include "mavis.h"

#define MV_ERRLEN 1024

struct mv_ctx {
	char err[MV_ERRLEN];
	uint64_t limit[MV_LIMIT__COUNT];
	unsigned jobs;            /* 0: one per online CPU */
	unsigned hashes;          /* enum mv_hash mask */
	unsigned flags;           /* MV_RUN_* */
	uint64_t shard_size;      /* 0: whole files */
	char **ignore;            /* names left out of the walk */
	size_t nignore, ignorecap;
	mv_progress_fn progress;
	void *progress_arg;
	char *sigdir;             /* signatures folder override, or NULL */
	char *stdin_name;         /* what reports call standard input, or NULL ("-") */
	char *registry_auth;      /* Authorization value for oci:// inputs, or NULL */
	unsigned registry_flags;  /* MV_REGISTRY_* */
};

/* Record an error on the context and return st, so callers can write
 * "return mv_ctx_fail(ctx, MV_ERR_IO, "%s: %s", path, strerror(errno));". */
mv_status mv_ctx_fail(struct mv_ctx *ctx, mv_status st, const char *fmt, ...) MV_PRINTF(3, 4);

/* The options structs of the public API begin with their size as the caller built them.
 * Copy into dst (ours, dstsize bytes) what the caller's version holds and zero the rest, so
 * that a program built against an older, shorter struct keeps working; src NULL is all
 * zero. A size not set is a usage error naming fn and the initialiser (init) to start from. */
mv_status mv_opts_read(struct mv_ctx *ctx, const void *src, void *dst, size_t dstsize,
    const char *fn, const char *init);

/* Defaults of every limit. */
uint64_t mv_limit_default(enum mv_limit lim);
/* True when the limit is a byte count (accepts size suffixes on the command line). */
int mv_limit_is_size(enum mv_limit lim);
/* The signatures folder when none was set on a context (see mv_ctx_signatures). */
const char *mv_sigdir_default(void);

#endif
