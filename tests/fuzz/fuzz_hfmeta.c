/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_hfmeta.c: the record of an hf download --local-dir (.cache/huggingface/download/
 * *.metadata) and the Git LFS pointer parser over arbitrary bytes. */
#include "config.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/str.h"
#include "walk/hf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mv_hfmeta m;
	char why[128], oid[65];
	uint64_t n;

	why[0] = '\0';
	if (mv_hfmeta_parse(data, size, &m, why, sizeof(why)) == 0) {
		/* Accepted: a commit hash, a printable etag, a time. */
		if (!mv_is_lower_hex(m.commit, 40) || m.etag[0] == '\0' || !isfinite(m.time) ||
		    m.time < 0)
			abort();
		for (size_t i = 0; m.etag[i]; i++)
			if ((unsigned char)m.etag[i] < 0x20)
				abort();
	} else if (why[0] == '\0') {
		abort();   /* a refusal always says why */
	}
	if (mv_lfs_pointer_parse(data, size, oid, &n) && !mv_is_lower_hex(oid, 64))
		abort();
	return 0;
}
