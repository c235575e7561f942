/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_sse41.c: BLAKE3 on four inputs at once with SSE4.1 (built with -msse4.1, run only
 * when the CPU has it). */
#include "config.h"

#include "hash/blake3_impl.h"

#ifdef MV_B3_X86
#include <immintrin.h>

#define VEC __m128i
#define LANES 4
#define ADD(a, b) _mm_add_epi32(a, b)
#define XOR(a, b) _mm_xor_si128(a, b)
#define ROR16(x) _mm_shuffle_epi8(x, _mm_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, \
	14, 15, 12, 13))
#define ROR8(x) _mm_shuffle_epi8(x, _mm_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, \
	13, 14, 15, 12))
#define ROR12(x) _mm_or_si128(_mm_srli_epi32(x, 12), _mm_slli_epi32(x, 20))
#define ROR7(x) _mm_or_si128(_mm_srli_epi32(x, 7), _mm_slli_epi32(x, 25))
#define SET1(x) _mm_set1_epi32((int)(x))
#define LOADU(p) _mm_loadu_si128((const __m128i *)(const void *)(p))
#define STOREU(p, x) _mm_storeu_si128((__m128i *)(void *)(p), x)

/* Rows r[0..3] become columns. */
static inline void
transpose4(__m128i r[4])
{
	__m128i a = _mm_unpacklo_epi32(r[0], r[1]), b = _mm_unpackhi_epi32(r[0], r[1]);
	__m128i c = _mm_unpacklo_epi32(r[2], r[3]), d = _mm_unpackhi_epi32(r[2], r[3]);

	r[0] = _mm_unpacklo_epi64(a, c);
	r[1] = _mm_unpackhi_epi64(a, c);
	r[2] = _mm_unpacklo_epi64(b, d);
	r[3] = _mm_unpackhi_epi64(b, d);
}

static inline void
load_msg(__m128i m[16], const unsigned char *const *in, size_t off)
{
	for (int q = 0; q < 4; q++) {
		for (int l = 0; l < 4; l++)
			m[4 * q + l] = LOADU(in[l] + off + 16 * q);
		transpose4(&m[4 * q]);
	}
}
#define LOAD_MSG(m, in, off) load_msg(m, in, off)

#define KERNEL many4
#define MANY mv_b3_many_sse41
#define NARROWER mv_b3_many_portable
#include "hash/blake3_lanes.h"

#endif
