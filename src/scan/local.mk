libmavis_internal_la_SOURCES += \
	src/scan/analyse.c \
	src/scan/exec.c \
	src/scan/gguf.c \
	src/scan/jsonutil.c \
	src/scan/keras.c \
	src/scan/nemo.c \
	src/scan/onnx.c \
	src/scan/package.c \
	src/scan/pbwalk.c \
	src/scan/safetensors.c \
	src/scan/savedmodel.c \
	src/scan/template.c
noinst_HEADERS += \
	src/scan/analyse.h \
	src/scan/formats.h \
	src/scan/jsonutil.h \
	src/scan/keras.h \
	src/scan/pbwalk.h \
	src/scan/template.h
