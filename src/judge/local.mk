# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/judge/judge.c \
	src/judge/map.c \
	src/judge/policy.c \
	src/judge/rules.c \
	src/judge/tsv.c
noinst_HEADERS += \
	src/judge/judge.h \
	src/judge/tsv.h
