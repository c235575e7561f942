# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/core/array.c \
	src/core/b64.c \
	src/core/buf.c \
	src/core/ctx.c \
	src/core/curl.c \
	src/core/file.c \
	src/core/finding.c \
	src/core/format.c \
	src/core/hashalg.c \
	src/core/hdrguard.c \
	src/core/hex.c \
	src/core/jsonutil.c \
	src/core/lafilter.c \
	src/core/ocidesc.c \
	src/core/pool.c \
	src/core/result.c \
	src/core/sha256.c \
	src/core/targuard.c \
	src/core/sigcache.c \
	src/core/sigfile.c \
	src/core/sniff.c \
	src/core/strset.c \
	src/core/str.c \
	src/core/version.c
noinst_HEADERS += \
	src/core/array.h \
	src/core/buf.h \
	src/core/codec.h \
	src/core/ctx.h \
	src/core/curl.h \
	src/core/cursor.h \
	src/core/file.h \
	src/core/finding.h \
	src/core/hdrguard.h \
	src/core/format.h \
	src/core/hashalg.h \
	src/core/jsonutil.h \
	src/core/lafilter.h \
	src/core/ocidesc.h \
	src/core/remote.h \
	src/core/pool.h \
	src/core/result.h \
	src/core/sha256.h \
	src/core/sigcache.h \
	src/core/sigfile.h \
	src/core/sink.h \
	src/core/sniff.h \
	src/core/str.h \
	src/core/strset.h
EXTRA_DIST += src/core/rules.def
