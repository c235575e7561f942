# SPDX-License-Identifier: Apache-2.0
## Check suites, one per module, linked against the internal library so they reach every
## function. CK_VERBOSITY=normal (TESTS_ENVIRONMENT) keeps Check's summary line visible.
UNIT_LIBS = libmavis_internal.la $(CHECK_LIBS)
UNIT_FLAGS = $(AM_CFLAGS) $(CHECK_CFLAGS) $(DEP_CFLAGS) \
	-DTESTDATA='"$(abs_top_srcdir)/testdata"' -DBUILDDIR='"$(abs_top_builddir)"'

check_PROGRAMS += tests/unit/check_rules
TESTS += tests/unit/check_rules tests/unit/rules_used.sh
tests_unit_check_rules_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_rules_LDADD = $(UNIT_LIBS)
EXTRA_DIST += tests/unit/rules_used.sh

# The walker on archives of every kind, generated at test time into the build folder (not
# below testdata/: a testdata folder in the build tree would stand in for the real one in
# make dist).
check_PROGRAMS += tests/unit/check_walk
TESTS += tests/unit/check_walk
tests_unit_check_walk_SOURCES = tests/unit/check_walk.c tests/unit/fixture.c
tests_unit_check_walk_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_walk_LDADD = $(UNIT_LIBS)
check_DATA += tests/unit/archives/expected.json
CLEANFILES += tests/unit/archives/*
tests/unit/archives/expected.json: $(top_srcdir)/testdata/archives/gen-archives.py
	$(AM_V_GEN)$(MKDIR_P) tests/unit/archives && \
	$(PYTHON3) $(top_srcdir)/testdata/archives/gen-archives.py tests/unit/archives

# The own zip index on the zips of testdata/zip (checked in; gen-zips.py rewrites them).
check_PROGRAMS += tests/unit/check_zipidx
TESTS += tests/unit/check_zipidx
tests_unit_check_zipidx_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_zipidx_LDADD = $(UNIT_LIBS)

# The streaming JSON writer of the reports against jansson's own layout.
check_PROGRAMS += tests/unit/check_jsonw
TESTS += tests/unit/check_jsonw
tests_unit_check_jsonw_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_jsonw_LDADD = $(UNIT_LIBS)

check_PROGRAMS += tests/unit/check_core tests/unit/check_hash
TESTS += tests/unit/check_core tests/unit/check_hash
tests_unit_check_core_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_core_LDADD = $(UNIT_LIBS)
tests_unit_check_hash_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_hash_LDADD = $(UNIT_LIBS)

## sign: begin
# OpenSSF Model Signing: encodings, the reference tool's vectors (MAVIS_VECTORS), round trips.
check_PROGRAMS += tests/unit/check_sign
TESTS += tests/unit/check_sign
tests_unit_check_sign_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_sign_LDADD = $(UNIT_LIBS)
## sign: end

# Content analysers over the checked-in fixtures of testdata/<format> (gen-*.py beside them
# wrote them; expected.tsv lists the rules each must raise).
check_PROGRAMS += tests/unit/check_safetensors tests/unit/check_gguf tests/unit/check_template \
	tests/unit/check_onnx tests/unit/check_savedmodel tests/unit/check_keras \
	tests/unit/check_nemo tests/unit/check_exec tests/unit/check_corpus
TESTS += tests/unit/check_safetensors tests/unit/check_gguf tests/unit/check_template \
	tests/unit/check_onnx tests/unit/check_savedmodel tests/unit/check_keras \
	tests/unit/check_nemo tests/unit/check_exec tests/unit/check_corpus
EXTRA_DIST += tests/unit/fixture.h
# How loaders read archives and polyglots (testdata/loaders, docs/loaders.md).
check_PROGRAMS += tests/unit/check_loaders
TESTS += tests/unit/check_loaders
tests_unit_check_loaders_SOURCES = tests/unit/check_loaders.c tests/unit/fixture.c
tests_unit_check_loaders_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_loaders_LDADD = $(UNIT_LIBS)
# Fixture folders with symlinks, made at test time (tests/unit/fixture.c).
clean-local: clean-staged-fixtures
clean-staged-fixtures:
	-rm -rf tests/unit/staged-*
.PHONY: clean-staged-fixtures
tests_unit_check_safetensors_SOURCES = tests/unit/check_safetensors.c tests/unit/fixture.c
tests_unit_check_safetensors_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_safetensors_LDADD = $(UNIT_LIBS)
tests_unit_check_gguf_SOURCES = tests/unit/check_gguf.c tests/unit/fixture.c
tests_unit_check_gguf_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_gguf_LDADD = $(UNIT_LIBS)
tests_unit_check_template_SOURCES = tests/unit/check_template.c tests/unit/fixture.c
tests_unit_check_template_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_template_LDADD = $(UNIT_LIBS)
tests_unit_check_onnx_SOURCES = tests/unit/check_onnx.c tests/unit/fixture.c
tests_unit_check_onnx_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_onnx_LDADD = $(UNIT_LIBS)
tests_unit_check_savedmodel_SOURCES = tests/unit/check_savedmodel.c tests/unit/fixture.c
tests_unit_check_savedmodel_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_savedmodel_LDADD = $(UNIT_LIBS)
tests_unit_check_keras_SOURCES = tests/unit/check_keras.c tests/unit/fixture.c
tests_unit_check_keras_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_keras_LDADD = $(UNIT_LIBS)
tests_unit_check_nemo_SOURCES = tests/unit/check_nemo.c tests/unit/fixture.c
tests_unit_check_nemo_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_nemo_LDADD = $(UNIT_LIBS)
# Datasets: Arrow IPC, Feather and Parquet (testdata/datasets, gen-datasets.py).
check_PROGRAMS += tests/unit/check_datasets
TESTS += tests/unit/check_datasets
tests_unit_check_datasets_SOURCES = tests/unit/check_datasets.c tests/unit/fixture.c
tests_unit_check_datasets_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_datasets_LDADD = $(UNIT_LIBS)
# Hugging Face remote code and dataset scripts, MLflow MLmodel (testdata/{hfcode,mlflow}).
check_PROGRAMS += tests/unit/check_hfcode tests/unit/check_mlflow
TESTS += tests/unit/check_hfcode tests/unit/check_mlflow
tests_unit_check_hfcode_SOURCES = tests/unit/check_hfcode.c tests/unit/fixture.c
tests_unit_check_hfcode_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_hfcode_LDADD = $(UNIT_LIBS)
tests_unit_check_mlflow_SOURCES = tests/unit/check_mlflow.c tests/unit/fixture.c
tests_unit_check_mlflow_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_mlflow_LDADD = $(UNIT_LIBS)
# OCI image layouts (testdata/oci, gen-oci.py).
check_PROGRAMS += tests/unit/check_oci
TESTS += tests/unit/check_oci
tests_unit_check_oci_SOURCES = tests/unit/check_oci.c tests/unit/fixture.c
tests_unit_check_oci_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_oci_LDADD = $(UNIT_LIBS)
tests_unit_check_exec_SOURCES = tests/unit/check_exec.c tests/unit/fixture.c
tests_unit_check_exec_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_exec_LDADD = $(UNIT_LIBS)
tests_unit_check_corpus_SOURCES = tests/unit/check_corpus.c tests/unit/fixture.c
tests_unit_check_corpus_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_corpus_LDADD = $(UNIT_LIBS)

# The pickle machine: testdata/pickle fixtures (gen-pickles.py), chunking, policy, sniffing.
check_PROGRAMS += tests/unit/check_pickle
TESTS += tests/unit/check_pickle
tests_unit_check_pickle_SOURCES = tests/unit/check_pickle.c tests/unit/fixture.c
tests_unit_check_pickle_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_pickle_LDADD = $(UNIT_LIBS)

# The chat template folder against Jinja2 itself: tplfold_dump prints what mavis computes,
# template_fold.py renders every fixture of testdata/template with Jinja2 (the benign ones
# must render) and compares each folded expression with Jinja2's value for it.
check_PROGRAMS += tests/unit/tplfold_dump
TESTS += tests/unit/template_fold.sh
EXTRA_DIST += tests/unit/template_fold.sh tests/unit/template_fold.py
tests_unit_tplfold_dump_CFLAGS = $(UNIT_FLAGS)
tests_unit_tplfold_dump_LDADD = libmavis_internal.la

# The HDF5 root attribute reader over the files h5py wrote (testdata/hdf5/gen-hdf5.py).
check_PROGRAMS += tests/unit/check_hdf5
TESTS += tests/unit/check_hdf5
tests_unit_check_hdf5_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_hdf5_LDADD = $(UNIT_LIBS)

# Each fixture generator rerun into a scratch folder writes the checked-in bytes (regen.sh
# names the generators it cannot compare, and why).
TESTS += tests/unit/regen.sh
EXTRA_DIST += tests/unit/regen.sh

# Out of memory at every allocation site of mavis's own code that the walker and the pickle
# machine reach (testdata/oom/gen.py writes the inputs); skipped under AddressSanitizer.
check_PROGRAMS += tests/unit/check_oom
TESTS += tests/unit/check_oom
tests_unit_check_oom_CFLAGS = $(UNIT_FLAGS)
tests_unit_check_oom_LDADD = libmavis_internal.la
EXTRA_DIST += testdata/oom/gen.py testdata/oom/pkg.tar.gz testdata/oom/state.pkl
