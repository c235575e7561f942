libmavis_internal_la_SOURCES += \
	src/scan/analyse.c
noinst_HEADERS += \
	src/scan/analyse.h
