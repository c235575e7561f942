/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_hdrguard.c: the cpio, ar and tar header guard over arbitrary bytes (as an archive of
 * unknown kind, then as a tar). Whatever the blocks
 * the stream comes in, the guard must come to the same conclusion (it is asked about the
 * bytes, not about how they were read): the whole input in one block, then in blocks of a
 * size the first byte picks, then one byte at a time. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/hdrguard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
run(enum mv_hdrguard_kind kind, const uint8_t *p, size_t n, size_t block, char *why,
    size_t whylen)
{
	struct mv_hdrguard g;
	int rc = 0;

	mv_hdrguard_init(&g, kind);
	for (size_t off = 0; off < n && rc == 0; off += block)
		rc = mv_hdrguard_block(&g, off, p + off, n - off < block ? n - off : block);
	memcpy(why, g.why, whylen < sizeof(g.why) ? whylen : sizeof(g.why));
	return rc;
}

static void
same(enum mv_hdrguard_kind kind, const uint8_t *data, size_t size, size_t block)
{
	char w1[200], w2[200], w3[200];
	int r1, r2, r3;

	r1 = run(kind, data, size, size ? size : 1, w1, sizeof(w1));
	r2 = run(kind, data, size, block, w2, sizeof(w2));
	r3 = size <= 4096 ? run(kind, data, size, 1, w3, sizeof(w3)) : r1;
	if (r1 != r2 || r1 != r3)
		abort();
	if (r1 != 0 && (strcmp(w1, w2) != 0 || (size <= 4096 && strcmp(w1, w3) != 0)))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t block;

	if (size < 1)
		return 0;
	block = (size_t)data[0] % 131 + 1;
	same(MV_HDRGUARD_AUTO, data + 1, size - 1, block);
	same(MV_HDRGUARD_TAR, data + 1, size - 1, block);
	return 0;
}
