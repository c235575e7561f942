# SPDX-License-Identifier: Apache-2.0
## mavis serve: the scan a worker makes and the reports Harbor gets (reports.c), the Harbor
## conversation over HTTP (harbor.sh with harbor.py, a client that speaks as Harbor's does).
check_PROGRAMS += tests/serve/reports
TESTS += tests/serve/reports
tests_serve_reports_SOURCES = tests/serve/reports.c
tests_serve_reports_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_serve_reports_LDADD = $(SERVE_LIBS) libmavis.la
TESTS += tests/serve/harbor.sh
EXTRA_DIST += tests/serve/harbor.sh tests/serve/harbor.py tests/serve/harborclient.py
# Replicas sharing a queue in a real redis-server (skips without it).
TESTS += tests/serve/redis.sh
EXTRA_DIST += tests/serve/redis.sh tests/serve/redis.py
