/* SPDX-License-Identifier: Apache-2.0 */
/* blake3.h: BLAKE3 (the default 32-byte hash), incremental, with whole subtrees hashed on
 * separate threads and joined into one digest. */
#ifndef MV_HASH_BLAKE3_H
#define MV_HASH_BLAKE3_H

#include <stddef.h>
#include <stdint.h>
#include "mavis.h"

#define MV_BLAKE3_OUT 32
#define MV_BLAKE3_CHUNK 1024
/* Chaining values a hasher may hold: one per level of a tree of 2^64 bytes. */
#define MV_BLAKE3_STACK 54

struct mv_blake3 {
	uint32_t key[8];
	uint64_t chunk;                          /* index of the chunk in buf */
	size_t buflen;                           /* bytes of that chunk seen so far */
	size_t nstack;
	uint32_t stack[MV_BLAKE3_STACK][8];      /* roots of the finished subtrees, left first */
	unsigned char buf[MV_BLAKE3_CHUNK];
};

/* Pick the implementation once (CPU features, or MAVIS_BLAKE3_IMPL); MV_ERR_UNSUPPORTED when
 * that variable names one this build or CPU lacks. Thread safe. */
mv_status mv_blake3_global_init(void);
/* The implementation in use: "portable", "sse41", "avx2" or "avx512". */
const char *mv_blake3_impl(void);
/* Use the named implementation from now on (tests); MV_ERR_UNSUPPORTED when this CPU or build
 * cannot run it. Not thread safe: call it with no hashing under way. */
mv_status mv_blake3_force(const char *name);

void mv_blake3_init(struct mv_blake3 *h);
void mv_blake3_update(struct mv_blake3 *h, const void *p, size_t n);
/* The digest of everything fed since init; h is left as it was. */
void mv_blake3_final(const struct mv_blake3 *h, unsigned char out[MV_BLAKE3_OUT]);

/*
 * Hashing one input on several threads. The input is cut at multiples of 2^level chunks;
 * each full piece but the last is a subtree of its own, hashed by mv_blake3_init_at with the
 * index of its first chunk, fed its bytes, and closed with mv_blake3_subtree. The last piece
 * (1 byte to 2^level chunks) is fed the same way to a hasher started at its first chunk, and
 * mv_blake3_join puts the pieces before it back under it.
 */
void mv_blake3_init_at(struct mv_blake3 *h, uint64_t chunk);
/* The chaining value of the subtree fed to h (a whole, aligned, power-of-two run of chunks
 * that is not the whole input). */
void mv_blake3_subtree(const struct mv_blake3 *h, uint32_t cv[8]);
/* tail was started at chunk n << level; cv[0..n) are the subtrees of 2^level chunks before
 * it. Afterwards tail stands for the whole input; MV_ERR_LIMIT when the pieces do not fit. */
mv_status mv_blake3_join(struct mv_blake3 *tail, const uint32_t (*cv)[8], size_t n,
    unsigned level);

#endif
