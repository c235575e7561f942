/* SPDX-License-Identifier: Apache-2.0 */
/* analyser.h: drives one content analyser over fuzz input the way the walker does: claim,
 * begin, every byte in order in chunks of varying size, end, then the package check. */
#ifndef MV_FUZZ_ANALYSER_H
#define MV_FUZZ_ANALYSER_H

#include <stdint.h>
#include <string.h>

#include "mavis.h"
#include "core/ctx.h"
#include "core/finding.h"
#include "core/sniff.h"
#include "scan/analyse.h"

/* Run analyser an over data as an entry called name, of the given sniffed format inside an
 * archive of format parent. Chunk sizes come from the input itself, so a fuzzer explores
 * block boundaries too; a second pass feeds everything at once. */
static void
fuzz_analyser(const struct mv_analyser *an, const char *name, enum mv_format fmt,
    enum mv_format parent, const uint8_t *data, size_t size)
{
	uint64_t limit[MV_LIMIT__COUNT];

	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		limit[i] = mv_limit_default((enum mv_limit)i);
	/* Small enough that the limit paths run too. */
	limit[MV_LIMIT_HEADER] = 1u << 20;
	for (int pass = 0; pass < 2; pass++) {
		struct mv_findings fl = {0};
		struct mv_pkg *pkg = mv_pkg_new();
		struct mv_actx a;
		void *st;
		size_t pos = 0;
		uint32_t seed = 2166136261u;

		memset(&a, 0, sizeof(a));
		a.path = name;
		a.name = name;
		a.format = fmt;
		a.parent = parent;
		a.parent_path = parent ? "fuzz.archive" : NULL;
		a.size = pass ? size : UINT64_MAX;
		a.limit = limit;
		a.head = data;
		a.headlen = size < MV_SNIFF_HEAD ? size : MV_SNIFF_HEAD;
		a.findings = &fl;
		a.pkg = pkg;
		(void)an->claim(&a);
		if ((st = an->begin(&a)) != NULL) {
			for (size_t i = 0; i < size && i < 64; i++)
				seed = (seed ^ data[i]) * 16777619u;
			while (pos < size) {
				size_t n = pass ? size : 1 + (seed >> 7) % 4096;

				seed = seed * 1103515245u + 12345u;
				if (n > size - pos)
					n = size - pos;
				if (an->feed(st, data + pos, n) != MV_OK)
					break;
				pos += n;
			}
			an->end(st, 1);
			an->free(st);
		}
		mv_pkg_check(pkg, NULL, 0, &fl);
		mv_pkg_free(pkg);
		mv_findings_free(&fl);
	}
}

#endif
