/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_keras.c: the Keras analyser over arbitrary bytes, as a .keras config.json and as an
 * HDF5 file searched for its model_config. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_keras, "config.json", MV_FMT_JSON, MV_FMT_ZIP, data, size);
	fuzz_analyser(&mv_analyser_keras, "model.h5", MV_FMT_HDF5, MV_FMT_UNKNOWN, data, size);
	return 0;
}
