# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/report/cyclonedx.c \
	src/report/inventory.c \
	src/report/jsonw.c \
	src/report/modelcard.c \
	src/report/report.c \
	src/report/sarif.c \
	src/report/scanjson.c \
	src/report/tables.c \
	src/report/text.c
noinst_HEADERS += \
	src/report/inventory.h \
	src/report/jsonw.h \
	src/report/modelcard.h \
	src/report/report.h
