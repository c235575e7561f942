/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_parquet.c: the parquet analyser, and the Thrift compact and FlatBuffers readers under
 * it, over arbitrary bytes. */
#include "config.h"

#include "analyser.h"
#include "scan/formats.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_analyser(&mv_analyser_parquet, "fuzz.parquet", MV_FMT_UNKNOWN, MV_FMT_UNKNOWN, data,
	    size);
	return 0;
}
