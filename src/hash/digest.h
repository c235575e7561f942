/* SPDX-License-Identifier: Apache-2.0 */
/* digest.h: several digests of one byte stream, fed by one read loop. */
#ifndef MV_HASH_DIGEST_H
#define MV_HASH_DIGEST_H

#include <stddef.h>
#include "mavis.h"
#include "core/codec.h"
#include "core/hashalg.h"
#include "hash/blake3.h"

struct evp_md_ctx_st;

struct mv_digester {
	unsigned mask;                          /* enum mv_hash bits in use */
	unsigned n;
	unsigned alg[MV_HASH_MAX];
	struct evp_md_ctx_st *md[MV_HASH_MAX];  /* NULL for BLAKE3 */
	struct mv_blake3 b3;                    /* OpenSSL has no BLAKE3 */
};

/* Fetch the OpenSSL implementations once per process (thread safe, idempotent). */
mv_status mv_digest_global_init(void);
/* MV_ERR_UNSUPPORTED for BLAKE3 when MAVIS_BLAKE3_IMPL names a path this CPU lacks. */
mv_status mv_digester_init(struct mv_digester *d, unsigned mask);
/* Start again with the same algorithms (shard boundaries). */
mv_status mv_digester_reset(struct mv_digester *d);
mv_status mv_digester_update(struct mv_digester *d, const void *p, size_t n);
/* Write one struct mv_digest per algorithm, in enum order; returns how many. */
unsigned mv_digester_final(struct mv_digester *d, struct mv_digest *out);
void mv_digester_free(struct mv_digester *d);

#endif
