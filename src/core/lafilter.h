/* SPDX-License-Identifier: Apache-2.0 */
/* lafilter.h: the compressions mavis undoes, one list for every libarchive reader. */
#ifndef MV_CORE_LAFILTER_H
#define MV_CORE_LAFILTER_H

struct archive;

/* Enable on reader a the compression filters libarchive has built in (gzip, bzip2, xz,
 * lzma, lzip, zstd, lz4, compress), never those it can only read by running an external
 * program on the input (lrzip, lzop, grzip, ...). */
void mv_lafilter_enable(struct archive *a);

#endif
