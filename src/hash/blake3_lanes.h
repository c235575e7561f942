/* SPDX-License-Identifier: Apache-2.0 */
/* blake3_lanes.h: the body of a many-inputs BLAKE3 kernel, one input per vector lane, shared
 * by the SSE4.1, AVX2 and AVX-512 files. Each defines before including it:
 *   VEC, LANES                   the vector type and its 32-bit lanes
 *   ADD, XOR, ROR16, ROR12, ROR8, ROR7, SET1, LOADU, STOREU
 *   LOAD_MSG(m, in, off)         m[k] = word k of the block at byte off of in[0..LANES)
 *   KERNEL, MANY, NARROWER       the names of the lane kernel, of the exported function,
 *                                and of the function that takes the inputs left over
 * Lane i holds the state of input i, so a round is the scalar round on whole vectors: the
 * diagonal step needs no shuffles, only the message needs transposing on the way in. */

#define VG(a, b, c, d, x, y) do {                                           \
	v[a] = ADD(ADD(v[a], v[b]), x); v[d] = ROR16(XOR(v[d], v[a]));          \
	v[c] = ADD(v[c], v[d]); v[b] = ROR12(XOR(v[b], v[c]));                  \
	v[a] = ADD(ADD(v[a], v[b]), y); v[d] = ROR8(XOR(v[d], v[a]));           \
	v[c] = ADD(v[c], v[d]); v[b] = ROR7(XOR(v[b], v[c]));                   \
} while (0)

#define VROUND(r) do {                                                          \
	VG(0, 4, 8, 12, m[mv_b3_sched[r][0]], m[mv_b3_sched[r][1]]);                  \
	VG(1, 5, 9, 13, m[mv_b3_sched[r][2]], m[mv_b3_sched[r][3]]);                  \
	VG(2, 6, 10, 14, m[mv_b3_sched[r][4]], m[mv_b3_sched[r][5]]);                 \
	VG(3, 7, 11, 15, m[mv_b3_sched[r][6]], m[mv_b3_sched[r][7]]);                 \
	VG(0, 5, 10, 15, m[mv_b3_sched[r][8]], m[mv_b3_sched[r][9]]);                 \
	VG(1, 6, 11, 12, m[mv_b3_sched[r][10]], m[mv_b3_sched[r][11]]);               \
	VG(2, 7, 8, 13, m[mv_b3_sched[r][12]], m[mv_b3_sched[r][13]]);                \
	VG(3, 4, 9, 14, m[mv_b3_sched[r][14]], m[mv_b3_sched[r][15]]);                \
} while (0)

static void
KERNEL(const unsigned char *const *in, size_t blocks, const uint32_t key[8], uint64_t counter,
    int inc, unsigned flags, unsigned fstart, unsigned fend, unsigned char *out)
{
	VEC h[8], v[16], m[16], clo, chi;
	uint32_t lo[LANES], hi[LANES];
	_Alignas(64) uint32_t cv[8][LANES];

	for (int i = 0; i < LANES; i++) {
		uint64_t c = counter + (inc ? (uint64_t)i : 0);

		lo[i] = (uint32_t)c;
		hi[i] = (uint32_t)(c >> 32);
	}
	clo = LOADU(lo);
	chi = LOADU(hi);
	for (int i = 0; i < 8; i++)
		h[i] = SET1(key[i]);
	for (size_t b = 0; b < blocks; b++) {
		unsigned f = flags | (b == 0 ? fstart : 0) | (b + 1 == blocks ? fend : 0);

		LOAD_MSG(m, in, b * B3_BLOCK);
		for (int i = 0; i < 8; i++)
			v[i] = h[i];
		for (int i = 0; i < 4; i++)
			v[8 + i] = SET1(mv_b3_iv[i]);
		v[12] = clo;
		v[13] = chi;
		v[14] = SET1(B3_BLOCK);
		v[15] = SET1(f);
		VROUND(0); VROUND(1); VROUND(2); VROUND(3); VROUND(4); VROUND(5); VROUND(6);
		for (int i = 0; i < 8; i++)
			h[i] = XOR(v[i], v[i + 8]);
	}
	/* Out of lanes and into one chaining value per input: once per input, so plain
	 * stores through memory are cheap enough. */
	for (int i = 0; i < 8; i++)
		STOREU(cv[i], h[i]);
	for (int l = 0; l < LANES; l++)
		for (int i = 0; i < 8; i++)
			mv_b3_store32(out + 32 * l + 4 * i, cv[i][l]);
}

void
MANY(const unsigned char *const *in, size_t n, size_t blocks, const uint32_t key[8],
    uint64_t counter, int inc, unsigned flags, unsigned fstart, unsigned fend,
    unsigned char *out)
{
	while (n >= LANES) {
		KERNEL(in, blocks, key, counter, inc, flags, fstart, fend, out);
		in += LANES;
		n -= LANES;
		out += 32 * LANES;
		if (inc)
			counter += LANES;
	}
	if (n)
		NARROWER(in, n, blocks, key, counter, inc, flags, fstart, fend, out);
}
