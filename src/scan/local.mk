# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/scan/analyse.c \
	src/scan/exec.c \
	src/scan/gguf.c \
	src/scan/hdf5.c \
	src/scan/keras.c \
	src/scan/nemo.c \
	src/scan/onnx.c \
	src/scan/package.c \
	src/scan/pbwalk.c \
	src/scan/safetensors.c \
	src/scan/savedmodel.c \
	src/scan/template.c \
	src/scan/tplfold.c
# Datasets and code that travel with models: Arrow IPC and Feather, Parquet (and the readers
# of their metadata encodings), Hugging Face remote code, MLflow MLmodel.
libmavis_internal_la_SOURCES += \
	src/scan/arrow.c \
	src/scan/arrowmeta.c \
	src/scan/flatbuf.c \
	src/scan/hfcode.c \
	src/scan/mlflow.c \
	src/scan/parquet.c \
	src/scan/tail.c \
	src/scan/thrift.c
noinst_HEADERS += \
	src/scan/arrowmeta.h \
	src/scan/flatbuf.h \
	src/scan/tail.h \
	src/scan/thrift.h
noinst_HEADERS += \
	src/scan/analyse.h \
	src/scan/formats.h \
	src/scan/hdf5.h \
	src/scan/keras.h \
	src/scan/pbwalk.h \
	src/scan/template.h \
	src/scan/template_int.h
# The pickle machine and the formats that carry pickles.
libmavis_internal_la_SOURCES += \
	src/scan/joblib.c \
	src/scan/npy.c \
	src/scan/pickle.c \
	src/scan/pickle_an.c \
	src/scan/pickle_ev.c \
	src/scan/pickle_ops.c \
	src/scan/pickle_vm.c \
	src/scan/polyglot.c \
	src/scan/pypolicy.c
noinst_HEADERS += \
	src/scan/pickle.h \
	src/scan/pickle_an.h \
	src/scan/pickle_int.h \
	src/scan/pypolicy.h
