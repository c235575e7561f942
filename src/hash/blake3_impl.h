/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_impl.h: what the BLAKE3 implementations (portable, SSE4.1, AVX2, AVX-512) share. */
#ifndef MV_HASH_BLAKE3_IMPL_H
#define MV_HASH_BLAKE3_IMPL_H

#include <stddef.h>
#include <stdint.h>

#define B3_BLOCK 64

enum {
	B3_CHUNK_START = 1,
	B3_CHUNK_END = 2,
	B3_PARENT = 4,
	B3_ROOT = 8,
};

extern const uint32_t mv_b3_iv[8];
/* Message word taken by each position of each of the seven rounds: the specification's
 * permutation applied round after round, written out (and visible to every kernel) so the
 * unrolled rounds index the message with constants. */
static const uint8_t mv_b3_sched[7][16] = {
	{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
	{2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
	{3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
	{10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
	{12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
	{9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
	{11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};


/* One compression: cv becomes the first half of the output. */
void mv_b3_compress(uint32_t cv[8], const unsigned char block[B3_BLOCK], unsigned len,
    uint64_t counter, unsigned flags);

/*
 * Hash n inputs of `blocks` whole blocks each, in[i] pointing at each, and write n chaining
 * values of 32 bytes to out. Input i counts counter + i when inc, else counter; every block
 * carries flags, the first also fstart and the last also fend. Whole chunks
 * (blocks = 16, inc, CHUNK_START/CHUNK_END) and parent nodes (blocks = 1, PARENT) both come
 * this way, as many at a time as the vector width allows.
 */
typedef void mv_b3_many_fn(const unsigned char *const *in, size_t n, size_t blocks,
    const uint32_t key[8], uint64_t counter, int inc, unsigned flags, unsigned fstart,
    unsigned fend, unsigned char *out);

mv_b3_many_fn mv_b3_many_portable;
/* Each kernel passes its leftovers to the next narrower one, so they come all together. */
#if defined(HAVE_B3_SSE41) && defined(HAVE_B3_AVX2) && defined(HAVE_B3_AVX512)
#define MV_B3_X86 1
mv_b3_many_fn mv_b3_many_sse41;
mv_b3_many_fn mv_b3_many_avx2;
mv_b3_many_fn mv_b3_many_avx512;
#endif

static inline uint32_t
mv_b3_load32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void
mv_b3_store32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
	p[2] = (unsigned char)(v >> 16);
	p[3] = (unsigned char)(v >> 24);
}

#endif
