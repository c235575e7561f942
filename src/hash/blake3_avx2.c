/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_avx2.c: BLAKE3 on eight inputs at once with AVX2 (built with -mavx2, run only when
 * the CPU has it). */
#include "config.h"

#include "hash/blake3_impl.h"

#ifdef MV_B3_X86
#include <immintrin.h>

#define VEC __m256i
#define LANES 8
#define ADD(a, b) _mm256_add_epi32(a, b)
#define XOR(a, b) _mm256_xor_si256(a, b)
#define ROR16(x) _mm256_shuffle_epi8(x, _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, \
	8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13))
#define ROR8(x) _mm256_shuffle_epi8(x, _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, \
	11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12))
#define ROR12(x) _mm256_or_si256(_mm256_srli_epi32(x, 12), _mm256_slli_epi32(x, 20))
#define ROR7(x) _mm256_or_si256(_mm256_srli_epi32(x, 7), _mm256_slli_epi32(x, 25))
#define SET1(x) _mm256_set1_epi32((int)(x))
#define LOADU(p) _mm256_loadu_si256((const __m256i *)(const void *)(p))
#define STOREU(p, x) _mm256_storeu_si256((__m256i *)(void *)(p), x)

/* Rows r[0..7] become columns: 32-bit then 64-bit interleaves make 4x4 blocks inside each
 * 128-bit half, and the halves are then swapped across. */
static inline void
transpose8(__m256i r[8])
{
	__m256i t[8], u[8];

	for (int i = 0; i < 4; i++) {
		t[2 * i] = _mm256_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm256_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	for (int g = 0; g < 2; g++) {
		u[4 * g + 0] = _mm256_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 1] = _mm256_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 2] = _mm256_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
		u[4 * g + 3] = _mm256_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
	}
	for (int k = 0; k < 4; k++) {
		r[k] = _mm256_permute2x128_si256(u[k], u[4 + k], 0x20);
		r[4 + k] = _mm256_permute2x128_si256(u[k], u[4 + k], 0x31);
	}
}

static inline void
load_msg(__m256i m[16], const unsigned char *const *in, size_t off)
{
	for (int q = 0; q < 2; q++) {
		for (int l = 0; l < 8; l++)
			m[8 * q + l] = LOADU(in[l] + off + 32 * q);
		transpose8(&m[8 * q]);
	}
}
#define LOAD_MSG(m, in, off) load_msg(m, in, off)

#define KERNEL many8
#define MANY mv_b3_many_avx2
#define NARROWER mv_b3_many_sse41
#include "hash/blake3_lanes.h"

#endif
