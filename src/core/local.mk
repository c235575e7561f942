# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/core/buf.c \
	src/core/ctx.c \
	src/core/file.c \
	src/core/finding.c \
	src/core/pool.c \
	src/core/sigfile.c \
	src/core/strset.c \
	src/core/str.c \
	src/core/version.c
noinst_HEADERS += \
	src/core/buf.h \
	src/core/ctx.h \
	src/core/cursor.h \
	src/core/file.h \
	src/core/finding.h \
	src/core/pool.h \
	src/core/sigfile.h \
	src/core/str.h \
	src/core/strset.h
EXTRA_DIST += src/core/rules.def
