/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_savedmodel.c: the SavedModel analyser (saved_model.pb and keras_metadata.pb) over
 * arbitrary bytes. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_savedmodel, "saved_model.pb", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN,
	    data, size);
	/* The same walker with the Keras layer metadata schema. */
	fuzz_analyser(&mv_analyser_savedmodel, "keras_metadata.pb", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN,
	    data, size);
	return 0;
}
