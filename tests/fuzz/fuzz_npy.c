/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_npy.c: the NumPy .npy analyser (header literal parser, sizes, object arrays) over
 * arbitrary bytes. */
#include "config.h"

#include <stdlib.h>

#include "analyser.h"
#include "scan/pickle_an.h"
#include "scan/pypolicy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	const struct mv_pypolicy *pol;
	char err[512];

	if (!ready && mv_pypolicy_get(NULL, &pol, err, sizeof(err)) != MV_OK)
		abort();
	ready = 1;
	fuzz_analyser(&mv_analyser_npy, "array.npy", MV_FMT_NPY, MV_FMT_UNKNOWN, data, size);
	fuzz_analyser(&mv_analyser_npy, "arr_0.npy", MV_FMT_NPY, MV_FMT_ZIP, data, size);
	return 0;
}
