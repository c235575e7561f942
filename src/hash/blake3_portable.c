/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_portable.c: the BLAKE3 compression function in plain C, and the one-at-a-time
 * version of the many-inputs kernel the vector units run wider. */
#include "config.h"

#include "hash/blake3_impl.h"

const uint32_t mv_b3_iv[8] = {
	0x6A09E667u, 0xBB67AE85u, 0x3C6EF372u, 0xA54FF53Au,
	0x510E527Fu, 0x9B05688Cu, 0x1F83D9ABu, 0x5BE0CD19u,
};

static inline uint32_t
rotr(uint32_t x, unsigned n)
{
	return x >> n | x << (32 - n);
}

#define G(a, b, c, d, x, y) do {                                    \
	v[a] += v[b] + (x); v[d] = rotr(v[d] ^ v[a], 16);          \
	v[c] += v[d]; v[b] = rotr(v[b] ^ v[c], 12);                 \
	v[a] += v[b] + (y); v[d] = rotr(v[d] ^ v[a], 8);           \
	v[c] += v[d]; v[b] = rotr(v[b] ^ v[c], 7);                  \
} while (0)

#define ROUND(r) do {                                                       \
	const uint8_t *s = mv_b3_sched[r];                                  \
	G(0, 4, 8, 12, m[s[0]], m[s[1]]); G(1, 5, 9, 13, m[s[2]], m[s[3]]);   \
	G(2, 6, 10, 14, m[s[4]], m[s[5]]); G(3, 7, 11, 15, m[s[6]], m[s[7]]); \
	G(0, 5, 10, 15, m[s[8]], m[s[9]]); G(1, 6, 11, 12, m[s[10]], m[s[11]]); \
	G(2, 7, 8, 13, m[s[12]], m[s[13]]); G(3, 4, 9, 14, m[s[14]], m[s[15]]); \
} while (0)

void
mv_b3_compress(uint32_t cv[8], const unsigned char block[B3_BLOCK], unsigned len,
    uint64_t counter, unsigned flags)
{
	uint32_t m[16], v[16];

	for (int i = 0; i < 16; i++)
		m[i] = mv_b3_load32(block + 4 * i);
	for (int i = 0; i < 8; i++)
		v[i] = cv[i];
	for (int i = 0; i < 4; i++)
		v[8 + i] = mv_b3_iv[i];
	v[12] = (uint32_t)counter;
	v[13] = (uint32_t)(counter >> 32);
	v[14] = len;
	v[15] = flags;
	ROUND(0); ROUND(1); ROUND(2); ROUND(3); ROUND(4); ROUND(5); ROUND(6);
	for (int i = 0; i < 8; i++)
		cv[i] = v[i] ^ v[i + 8];
}

void
mv_b3_many_portable(const unsigned char *const *in, size_t n, size_t blocks,
    const uint32_t key[8], uint64_t counter, int inc, unsigned flags, unsigned fstart,
    unsigned fend, unsigned char *out)
{
	for (size_t i = 0; i < n; i++) {
		uint32_t cv[8];

		for (int k = 0; k < 8; k++)
			cv[k] = key[k];
		for (size_t b = 0; b < blocks; b++) {
			unsigned f = flags | (b == 0 ? fstart : 0) | (b + 1 == blocks ? fend : 0);

			mv_b3_compress(cv, in[i] + b * B3_BLOCK, B3_BLOCK, counter, f);
		}
		for (int k = 0; k < 8; k++)
			mv_b3_store32(out + 32 * i + 4 * k, cv[k]);
		if (inc)
			counter++;
	}
}
