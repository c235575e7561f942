/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_hdf5.c: the HDF5 root attribute reader over arbitrary bytes, fed in chunks whose sizes
 * come from the input, once with a kept prefix larger than the input and once with a small
 * one (so that structures behind the stream are asked for). Seeds: testdata/hdf5. */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "scan/hdf5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = {"model_config", "training_config"};
	static const uint64_t retain[] = {1u << 20, 256};

	for (int pass = 0; pass < 2; pass++) {
		struct mv_h5 *h = mv_h5_new(names, 2, retain[pass], 1u << 22);
		uint32_t seed = 2166136261u;
		size_t pos = 0, name, n;
		const unsigned char *v;
		uint64_t off;
		char err[256];

		if (h == NULL)
			return 0;
		for (size_t i = 0; i < size && i < 64; i++)
			seed = (seed ^ data[i]) * 16777619u;
		while (pos < size) {
			size_t k = 1 + (seed >> 7) % 4096;

			seed = seed * 1103515245u + 12345u;
			if (k > size - pos)
				k = size - pos;
			if (mv_h5_feed(h, data + pos, k))
				break;
			pos += k;
		}
		if (mv_h5_finish(h, err, sizeof(err)) == MV_OK)
			for (size_t i = 0; mv_h5_value(h, i, &name, &v, &n, &off); i++)
				for (size_t j = 0; j < n; j++)
					sink += v[j] + name;
		mv_h5_free(h);
	}
	return 0;
}
