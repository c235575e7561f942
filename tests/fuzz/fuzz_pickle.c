/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_pickle.c: the pickle analysers over arbitrary bytes, as a pickle file, as the data.pkl
 * of a torch zip, as a member of the old torch tar format, and as zlib-compressed joblib. */
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

	/* Without its lists the analyser does nothing: that is no fuzzing at all. */
	if (!ready && mv_pypolicy_get(NULL, &pol, err, sizeof(err)) != MV_OK)
		abort();
	ready = 1;
	fuzz_analyser(&mv_analyser_pickle, "model.pkl", MV_FMT_PICKLE, MV_FMT_UNKNOWN, data, size);
	fuzz_analyser(&mv_analyser_pickle, "archive/data.pkl", MV_FMT_PICKLE, MV_FMT_ZIP, data,
	    size);
	fuzz_analyser(&mv_analyser_pickle, "storages", MV_FMT_PICKLE, MV_FMT_TAR, data, size);
	fuzz_analyser(&mv_analyser_pickle, "tensors", MV_FMT_PICKLE, MV_FMT_TAR, data, size);
	fuzz_analyser(&mv_analyser_joblibz, "model.joblib.z", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN, data,
	    size);
	return 0;
}
