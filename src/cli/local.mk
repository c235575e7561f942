# SPDX-License-Identifier: Apache-2.0
mavis_SOURCES = \
	src/cli/cmd_digest.c \
	src/cli/cmd_hash.c \
	src/cli/cmd_keygen.c \
	src/cli/cmd_rules.c \
	src/cli/cmd_scan.c \
	src/cli/cmd_sign.c \
	src/cli/cmd_verify.c \
	src/cli/common.c \
	src/cli/main.c \
	src/cli/sigopts.c
noinst_HEADERS += src/cli/cli.h
mavis_CFLAGS = $(AM_CFLAGS)
mavis_LDADD = libmavis.la
