# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/net/challenge.c \
	src/net/dockercfg.c \
	src/net/ref.c \
	src/net/registry.c
noinst_HEADERS += \
	src/net/registry.h
