/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_avx512.c: BLAKE3 on sixteen inputs at once with AVX-512F (built with -mavx512f,
 * run only when the CPU has it). */
#include "config.h"

#include "hash/blake3_impl.h"

#ifdef MV_B3_X86
#include <immintrin.h>

#define VEC __m512i
#define LANES 16
#define ADD(a, b) _mm512_add_epi32(a, b)
#define XOR(a, b) _mm512_xor_si512(a, b)
#define ROR16(x) _mm512_ror_epi32(x, 16)
#define ROR12(x) _mm512_ror_epi32(x, 12)
#define ROR8(x) _mm512_ror_epi32(x, 8)
#define ROR7(x) _mm512_ror_epi32(x, 7)
#define SET1(x) _mm512_set1_epi32((int)(x))
#define LOADU(p) _mm512_loadu_si512((const void *)(p))
#define STOREU(p, x) _mm512_storeu_si512((void *)(p), x)

/* Rows r[0..15] become columns: 32-bit then 64-bit interleaves make 4x4 blocks inside each
 * 128-bit quarter, then two rounds of quarter shuffles move the blocks into place. */
static inline void
transpose16(__m512i r[16])
{
	__m512i t[16], u[16];

	for (int i = 0; i < 8; i++) {
		t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
		t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
	}
	/* u[4g + k]: quarter q holds word 4q + k of rows 4g .. 4g + 3. */
	for (int g = 0; g < 4; g++) {
		u[4 * g + 0] = _mm512_unpacklo_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 1] = _mm512_unpackhi_epi64(t[4 * g], t[4 * g + 2]);
		u[4 * g + 2] = _mm512_unpacklo_epi64(t[4 * g + 1], t[4 * g + 3]);
		u[4 * g + 3] = _mm512_unpackhi_epi64(t[4 * g + 1], t[4 * g + 3]);
	}
	for (int k = 0; k < 4; k++) {
		__m512i a = _mm512_shuffle_i32x4(u[k], u[4 + k], 0x44);
		__m512i b = _mm512_shuffle_i32x4(u[k], u[4 + k], 0xEE);
		__m512i c = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0x44);
		__m512i d = _mm512_shuffle_i32x4(u[8 + k], u[12 + k], 0xEE);

		r[k] = _mm512_shuffle_i32x4(a, c, 0x88);
		r[4 + k] = _mm512_shuffle_i32x4(a, c, 0xDD);
		r[8 + k] = _mm512_shuffle_i32x4(b, d, 0x88);
		r[12 + k] = _mm512_shuffle_i32x4(b, d, 0xDD);
	}
}

static inline void
load_msg(__m512i m[16], const unsigned char *const *in, size_t off)
{
	for (int l = 0; l < 16; l++)
		m[l] = LOADU(in[l] + off);
	transpose16(m);
}
#define LOAD_MSG(m, in, off) load_msg(m, in, off)

#define KERNEL many16
#define MANY mv_b3_many_avx512
#define NARROWER mv_b3_many_avx2
#include "hash/blake3_lanes.h"

#endif
