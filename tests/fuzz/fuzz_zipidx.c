/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_zipidx.c: the own zip index over arbitrary bytes held in memory. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "core/ctx.h"
#include "core/finding.h"
#include "walk/zipidx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A member's data through mv_zipread (what the walker reads for members libarchive does not
 * hand out): stored data in the file comes out whole; nothing comes out of what is not there.
 * Inflated output is capped so that a small bomb does not slow the fuzzer down. */
static void
read_all(const struct mv_rsrc *src, const struct mv_zipent *e, size_t size)
{
	struct mv_zipread r;
	const unsigned char *p;
	uint64_t out = 0, taken = 0;
	size_t n;
	int rc = 0;

	if (mv_zipread_init(&r, src, e, &taken) == MV_OK) {
		while (out < (1u << 20) && (rc = mv_zipread_next(&r, &p, &n)) > 0) {
			if (n == 0)
				abort();
			out += n;
		}
		if (taken > size || r.pos != taken)
			abort();
		if (e->method == 0 && rc == 0 && e->data_off <= size &&
		    e->csize <= size - e->data_off && out != e->csize)
			abort();
	}
	mv_zipread_free(&r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t limit[MV_LIMIT__COUNT];
	struct mv_findings fl = {0};
	struct mv_memsrc ms;
	struct mv_zipidx idx;

	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		limit[i] = mv_limit_default((enum mv_limit)i);
	/* Small enough that inputs reach the limits too. */
	limit[MV_LIMIT_ENTRIES] = 256;
	limit[MV_LIMIT_NAME] = 64;
	limit[MV_LIMIT_HEADER] = 1 << 20;
	mv_memsrc_init(&ms, data, size);
	if (mv_zipidx_build(&ms.src, "fuzz.zip", limit, &fl, &idx) == MV_OK) {
		unsigned char buf[64];

		/* Everything the index claims must be readable where it says. */
		for (size_t i = 0; i < idx.n; i++) {
			const struct mv_zipent *e = &idx.ent[i];
			size_t n = e->csize < sizeof(buf) ? (size_t)e->csize : sizeof(buf);

			read_all(&ms.src, e, size);

			if (e->namelen > limit[MV_LIMIT_NAME] || e->name[e->namelen] != '\0')
				abort();
			if (e->method == 0 && e->lfh_ok && e->data_off <= size &&
			    e->csize <= size - e->data_off &&
			    mv_zipidx_read_stored(&ms.src, e, 0, buf, n) != MV_OK)
				abort();
		}
		if (idx.cd_off > size || idx.cd_size > size - idx.cd_off || idx.eocd_off >= size)
			abort();
	} else if (fl.n == 0)
		abort();        /* an error always comes with a finding */
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);
	return 0;
}
