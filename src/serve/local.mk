# SPDX-License-Identifier: Apache-2.0
# mavis serve: the Harbor pluggable scanner adapter. A library of its own, linked into the
# command only: libmavis stays free of the HTTP server and the Redis client, and the service
# reaches the pipeline through the public interface (mavis.h) alone.
noinst_LTLIBRARIES += libmavis_serve.la
libmavis_serve_la_SOURCES = \
	src/serve/auth.c \
	src/serve/http.c \
	src/serve/media.c \
	src/serve/metrics.c \
	src/serve/qmem.c \
	src/serve/qredis.c \
	src/serve/report.c \
	src/serve/request.c \
	src/serve/runner.c \
	src/serve/serve.c
noinst_HEADERS += src/serve/serve.h
libmavis_serve_la_CFLAGS = $(AM_CFLAGS) $(MHD_CFLAGS) $(HIREDIS_CFLAGS) $(JANSSON_CFLAGS)
SERVE_LIBS = libmavis_serve.la $(MHD_LIBS) $(HIREDIS_LIBS) $(JANSSON_LIBS)
