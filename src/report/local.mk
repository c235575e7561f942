libmavis_internal_la_SOURCES += \
	src/report/inventory.c
noinst_HEADERS += \
	src/report/inventory.h
