/* SPDX-License-Identifier: Apache-2.0 */
/* lafilter.c: the compressions mavis undoes (core/lafilter.h). */
#include "config.h"

#include <archive.h>

#include "core/lafilter.h"

void
mv_lafilter_enable(struct archive *a)
{
	/* Not archive_read_support_filter_all: it adds lrzip, lzop, grzip and others that
	 * libarchive only reads by running a program on the input. (A libarchive built without
	 * one of these libraries would do so for it too, with ARCHIVE_WARN; Debian's has them.) */
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_bzip2(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_lzma(a);
	archive_read_support_filter_lzip(a);
	archive_read_support_filter_zstd(a);
	archive_read_support_filter_lz4(a);
	archive_read_support_filter_compress(a);
}
