/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_hdf5.c: the HDF5 root attribute reader over arbitrary bytes, fed in chunks whose sizes
 * come from the input, once with a kept prefix larger than the input and once with a small
 * one (so that structures behind the stream are asked for); and fed whole with the large
 * prefix, which must give what the chunks gave (aborts otherwise). Seeds: testdata/hdf5. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scan/hdf5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What one reading gave: its status, error text and values, folded into a digest with the
 * values' total length, so that two readings compare without keeping copies. */
struct reading {
	mv_status st;
	char err[256];
	uint64_t hash, len;
	size_t nvalues;
};

static void
read_once(const uint8_t *data, size_t size, uint64_t retain, int whole, struct reading *r)
{
	static const char *const names[] = {"model_config", "training_config"};
	struct mv_h5 *h = mv_h5_new(names, 2, retain, 1u << 22);
	uint32_t seed = 2166136261u;
	size_t pos = 0, name, n;
	const unsigned char *v;
	uint64_t off;

	memset(r, 0, sizeof(*r));
	r->hash = 1469598103934665603u;
	if (h == NULL) {
		r->st = MV_ERR_NOMEM;
		return;
	}
	for (size_t i = 0; i < size && i < 64; i++)
		seed = (seed ^ data[i]) * 16777619u;
	while (pos < size) {
		size_t k = whole ? size : 1 + (seed >> 7) % 4096;

		seed = seed * 1103515245u + 12345u;
		if (k > size - pos)
			k = size - pos;
		if (mv_h5_feed(h, data + pos, k))
			break;
		pos += k;
	}
	r->st = mv_h5_finish(h, r->err, sizeof(r->err));
	if (r->st == MV_OK) {
		for (size_t i = 0; mv_h5_value(h, i, &name, &v, &n, &off); i++) {
			r->nvalues++;
			r->hash = (r->hash ^ name ^ off) * 1099511628211u;
			for (size_t j = 0; j < n; j++)
				r->hash = (r->hash ^ v[j]) * 1099511628211u;
			r->len += n;
		}
	}
	mv_h5_free(h);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reading chunks, whole, small;

	read_once(data, size, 1u << 20, 0, &chunks);
	read_once(data, size, 1u << 20, 1, &whole);
	read_once(data, size, 256, 0, &small);
	if (chunks.st == MV_ERR_NOMEM || whole.st == MV_ERR_NOMEM)
		return 0;
	if (chunks.st != whole.st || chunks.nvalues != whole.nvalues ||
	    chunks.hash != whole.hash || chunks.len != whole.len ||
	    strcmp(chunks.err, whole.err) != 0) {
		fprintf(stderr, "hdf5: in chunks: status %d, %zu values (%llu bytes), '%s'; whole: "
		    "status %d, %zu values (%llu bytes), '%s'\n", (int)chunks.st, chunks.nvalues,
		    (unsigned long long)chunks.len, chunks.err, (int)whole.st, whole.nvalues,
		    (unsigned long long)whole.len, whole.err);
		abort();
	}
	return 0;
}
