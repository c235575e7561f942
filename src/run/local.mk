# SPDX-License-Identifier: Apache-2.0
# The pipeline: walk -> hash and analyse -> verify -> judge (mv_run, mv_scan).
libmavis_internal_la_SOURCES += \
	src/run/feed.c \
	src/run/run.c \
	src/run/scan.c \
	src/run/sign.c
noinst_HEADERS += src/run/feed.h src/run/run.h
