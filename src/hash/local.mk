libmavis_internal_la_SOURCES += \
	src/hash/digest.c \
	src/hash/sumfile.c
noinst_HEADERS += \
	src/hash/digest.h
