# SPDX-License-Identifier: Apache-2.0
# The command line without main(), shared with the option fuzzer (tests/fuzz/fuzz_cli).
CLI_SOURCES = \
	src/cli/cmd_digest.c \
	src/cli/cmd_hash.c \
	src/cli/cmd_keygen.c \
	src/cli/cmd_rules.c \
	src/cli/cmd_scan.c \
	src/cli/cmd_serve.c \
	src/cli/cmd_sign.c \
	src/cli/cmd_verify.c \
	src/cli/common.c \
	src/cli/registry.c \
	src/cli/main.c \
	src/cli/sigopts.c
mavis_SOURCES = $(CLI_SOURCES) src/cli/mavis.c
noinst_HEADERS += src/cli/cli.h
mavis_CFLAGS = $(AM_CFLAGS)
mavis_LDADD = $(SERVE_LIBS) libmavis.la
