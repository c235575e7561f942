# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/hash/blake3.c \
	src/hash/blake3_portable.c \
	src/hash/digest.c \
	src/hash/sumfile.c
noinst_HEADERS += \
	src/hash/blake3.h \
	src/hash/blake3_impl.h \
	src/hash/blake3_lanes.h \
	src/hash/digest.h

# The BLAKE3 vector kernels are built with their instruction sets enabled, each file on its
# own, so nothing else in the library is compiled for a CPU it may not run on.
noinst_LTLIBRARIES += libmv_b3sse41.la libmv_b3avx2.la libmv_b3avx512.la
libmv_b3sse41_la_SOURCES = src/hash/blake3_sse41.c
libmv_b3sse41_la_CFLAGS = $(AM_CFLAGS) $(MV_VIS_CFLAGS) $(B3_SSE41_CFLAGS)
libmv_b3avx2_la_SOURCES = src/hash/blake3_avx2.c
libmv_b3avx2_la_CFLAGS = $(AM_CFLAGS) $(MV_VIS_CFLAGS) $(B3_AVX2_CFLAGS)
libmv_b3avx512_la_SOURCES = src/hash/blake3_avx512.c
libmv_b3avx512_la_CFLAGS = $(AM_CFLAGS) $(MV_VIS_CFLAGS) $(B3_AVX512_CFLAGS)
libmavis_internal_la_LIBADD += libmv_b3sse41.la libmv_b3avx2.la libmv_b3avx512.la
