# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/walk/ahead.c \
	src/walk/archive.c \
	src/walk/dir.c \
	src/walk/expect.c \
	src/walk/hfcache.c \
	src/walk/hflocal.c \
	src/walk/input.c \
	src/walk/name.c \
	src/walk/oci.c \
	src/walk/ocilayer.c \
	src/walk/ocimeta.c \
	src/walk/ocimodel.c \
	src/walk/ocitar.c \
	src/walk/source.c \
	src/walk/task.c \
	src/walk/zipidx.c
noinst_HEADERS += \
	src/walk/ahead.h \
	src/walk/hf.h \
	src/walk/name.h \
	src/walk/ocimeta.h \
	src/walk/ocimodel.h \
	src/walk/source.h \
	src/walk/walk.h \
	src/walk/zipidx.h
