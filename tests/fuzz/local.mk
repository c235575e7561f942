# SPDX-License-Identifier: Apache-2.0
## Fuzz harnesses: each defines LLVMFuzzerTestOneInput. In make check each is linked with
## replay.c into a plain program that runs every file of its seed corpus once.
FUZZ_LIBS = libmavis_internal.la
FUZZ_FLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += tests/fuzz/corpus tests/fuzz/dict tests/fuzz/campaign.sh
EXTRA_DIST += tests/fuzz/replay.c

# Each harness X: check_PROGRAMS += tests/fuzz/fuzz_X and TESTS += tests/fuzz/fuzz_X, with
# tests_fuzz_fuzz_X_SOURCES = tests/fuzz/fuzz_X.c tests/fuzz/replay.c,
# tests_fuzz_fuzz_X_CFLAGS = $(FUZZ_FLAGS), tests_fuzz_fuzz_X_LDADD = $(FUZZ_LIBS).
# Run with no arguments it replays tests/fuzz/corpus/X/ (replay.c).

check_PROGRAMS += tests/fuzz/fuzz_zipidx
TESTS += tests/fuzz/fuzz_zipidx
tests_fuzz_fuzz_zipidx_SOURCES = tests/fuzz/fuzz_zipidx.c tests/fuzz/replay.c
tests_fuzz_fuzz_zipidx_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_zipidx_LDADD = $(FUZZ_LIBS)

# The walker over arbitrary bytes in memory (mv_run_memory); seeds: gen-archives.py --seeds.
check_PROGRAMS += tests/fuzz/fuzz_walk
TESTS += tests/fuzz/fuzz_walk
tests_fuzz_fuzz_walk_SOURCES = tests/fuzz/fuzz_walk.c tests/fuzz/replay.c
tests_fuzz_fuzz_walk_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_walk_LDADD = $(FUZZ_LIBS)

# The OCI image layout reader over index.json and one manifest (seeds: testdata/oci/gen-oci.py).
check_PROGRAMS += tests/fuzz/fuzz_oci
TESTS += tests/fuzz/fuzz_oci
tests_fuzz_fuzz_oci_SOURCES = tests/fuzz/fuzz_oci.c tests/fuzz/replay.c
tests_fuzz_fuzz_oci_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_oci_LDADD = $(FUZZ_LIBS)

# The registry client's parsers: oci:// references, WWW-Authenticate challenges, Docker
# config.json (seeds: tests/fuzz/seeds-registry.py).
check_PROGRAMS += tests/fuzz/fuzz_registry
TESTS += tests/fuzz/fuzz_registry
tests_fuzz_fuzz_registry_SOURCES = tests/fuzz/fuzz_registry.c tests/fuzz/replay.c
tests_fuzz_fuzz_registry_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_registry_LDADD = $(FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/seeds-registry.py

# Hugging Face local-dir download records and Git LFS pointers (seeds: testdata/hf/gen-hf.py
# seeds).
check_PROGRAMS += tests/fuzz/fuzz_hfmeta
TESTS += tests/fuzz/fuzz_hfmeta
tests_fuzz_fuzz_hfmeta_SOURCES = tests/fuzz/fuzz_hfmeta.c tests/fuzz/replay.c
tests_fuzz_fuzz_hfmeta_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_hfmeta_LDADD = $(FUZZ_LIBS)

## sign: begin
# Signature parsers: the Sigstore bundle, the DSSE envelope inside it, the in-toto statement.
# Seeds come from the OMS vectors (testdata/sign/gen-seeds.py).
check_PROGRAMS += tests/fuzz/fuzz_bundle tests/fuzz/fuzz_envelope tests/fuzz/fuzz_statement
TESTS += tests/fuzz/fuzz_bundle tests/fuzz/fuzz_envelope tests/fuzz/fuzz_statement
tests_fuzz_fuzz_bundle_SOURCES = tests/fuzz/fuzz_bundle.c tests/fuzz/replay.c
tests_fuzz_fuzz_bundle_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_bundle_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_envelope_SOURCES = tests/fuzz/fuzz_envelope.c tests/fuzz/replay.c
tests_fuzz_fuzz_envelope_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_envelope_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_statement_SOURCES = tests/fuzz/fuzz_statement.c tests/fuzz/replay.c
tests_fuzz_fuzz_statement_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_statement_LDADD = $(FUZZ_LIBS)
# Attestations shipped with a model: bare DSSE envelopes, any in-toto Statement, SLSA
# provenance (seeds: testdata/attest/gen.py).
check_PROGRAMS += tests/fuzz/fuzz_attest
TESTS += tests/fuzz/fuzz_attest
tests_fuzz_fuzz_attest_SOURCES = tests/fuzz/fuzz_attest.c tests/fuzz/replay.c
tests_fuzz_fuzz_attest_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_attest_LDADD = $(FUZZ_LIBS)
## sign: end

# Content analysers (src/scan): each harness feeds its analyser as the walker does, in
# chunks of varying size. Seeds: tests/fuzz/seeds-analysers.py copies them from testdata.
ANALYSER_FUZZ = tests/fuzz/fuzz_safetensors tests/fuzz/fuzz_gguf tests/fuzz/fuzz_onnx \
	tests/fuzz/fuzz_savedmodel tests/fuzz/fuzz_template tests/fuzz/fuzz_keras \
	tests/fuzz/fuzz_nemo
check_PROGRAMS += $(ANALYSER_FUZZ)
TESTS += $(ANALYSER_FUZZ)
EXTRA_DIST += tests/fuzz/analyser.h tests/fuzz/seeds-analysers.py
tests_fuzz_fuzz_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c tests/fuzz/replay.c
tests_fuzz_fuzz_safetensors_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_safetensors_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_gguf_SOURCES = tests/fuzz/fuzz_gguf.c tests/fuzz/replay.c
tests_fuzz_fuzz_gguf_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_gguf_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_onnx_SOURCES = tests/fuzz/fuzz_onnx.c tests/fuzz/replay.c
tests_fuzz_fuzz_onnx_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_onnx_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_savedmodel_SOURCES = tests/fuzz/fuzz_savedmodel.c tests/fuzz/replay.c
tests_fuzz_fuzz_savedmodel_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_savedmodel_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_template_SOURCES = tests/fuzz/fuzz_template.c tests/fuzz/replay.c
tests_fuzz_fuzz_template_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_template_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_keras_SOURCES = tests/fuzz/fuzz_keras.c tests/fuzz/replay.c
tests_fuzz_fuzz_keras_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_keras_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_nemo_SOURCES = tests/fuzz/fuzz_nemo.c tests/fuzz/replay.c
tests_fuzz_fuzz_nemo_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_nemo_LDADD = $(FUZZ_LIBS)

# Datasets: Arrow IPC and Feather (FlatBuffers), Parquet footers (Thrift compact); seeds:
# testdata/datasets/gen-datasets.py --seeds tests/fuzz/corpus.
# Code that model repositories make loaders run: Hugging Face auto_map and dataset scripts,
# MLflow MLmodel; seeds: testdata/{hfcode,mlflow}/gen-*.py --seeds tests/fuzz/corpus.
check_PROGRAMS += tests/fuzz/fuzz_arrow tests/fuzz/fuzz_parquet tests/fuzz/fuzz_hfcode \
	tests/fuzz/fuzz_mlflow
TESTS += tests/fuzz/fuzz_arrow tests/fuzz/fuzz_parquet tests/fuzz/fuzz_hfcode \
	tests/fuzz/fuzz_mlflow
tests_fuzz_fuzz_hfcode_SOURCES = tests/fuzz/fuzz_hfcode.c tests/fuzz/replay.c
tests_fuzz_fuzz_hfcode_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_hfcode_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_mlflow_SOURCES = tests/fuzz/fuzz_mlflow.c tests/fuzz/replay.c
tests_fuzz_fuzz_mlflow_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_mlflow_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_arrow_SOURCES = tests/fuzz/fuzz_arrow.c tests/fuzz/replay.c
tests_fuzz_fuzz_arrow_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_arrow_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_parquet_SOURCES = tests/fuzz/fuzz_parquet.c tests/fuzz/replay.c
tests_fuzz_fuzz_parquet_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_parquet_LDADD = $(FUZZ_LIBS)

# The HDF5 root attribute reader (scan/hdf5.c); seeds: the files of testdata/hdf5.
check_PROGRAMS += tests/fuzz/fuzz_hdf5
TESTS += tests/fuzz/fuzz_hdf5
tests_fuzz_fuzz_hdf5_SOURCES = tests/fuzz/fuzz_hdf5.c tests/fuzz/replay.c
tests_fuzz_fuzz_hdf5_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_hdf5_LDADD = $(FUZZ_LIBS)

# The pickle machine and the NumPy header parser; seeds: tests/fuzz/seeds-pickle.py.
check_PROGRAMS += tests/fuzz/fuzz_pickle tests/fuzz/fuzz_npy
TESTS += tests/fuzz/fuzz_pickle tests/fuzz/fuzz_npy
EXTRA_DIST += tests/fuzz/seeds-pickle.py
tests_fuzz_fuzz_pickle_SOURCES = tests/fuzz/fuzz_pickle.c tests/fuzz/replay.c
tests_fuzz_fuzz_pickle_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_pickle_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_npy_SOURCES = tests/fuzz/fuzz_npy.c tests/fuzz/replay.c
tests_fuzz_fuzz_npy_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_npy_LDADD = $(FUZZ_LIBS)

# Text formats a package or a user hands mavis: the policy file, the checksum list of
# hash --check, the model card front matter (YAML read at report time). The parsers read
# files, so the input goes through one temporary file (tmpfile.h).
check_PROGRAMS += tests/fuzz/fuzz_policy tests/fuzz/fuzz_sums tests/fuzz/fuzz_modelcard
TESTS += tests/fuzz/fuzz_policy tests/fuzz/fuzz_sums tests/fuzz/fuzz_modelcard
EXTRA_DIST += tests/fuzz/tmpfile.h
tests_fuzz_fuzz_policy_SOURCES = tests/fuzz/fuzz_policy.c tests/fuzz/replay.c
tests_fuzz_fuzz_policy_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_policy_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_sums_SOURCES = tests/fuzz/fuzz_sums.c tests/fuzz/replay.c
tests_fuzz_fuzz_sums_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_sums_LDADD = $(FUZZ_LIBS)
tests_fuzz_fuzz_modelcard_SOURCES = tests/fuzz/fuzz_modelcard.c tests/fuzz/replay.c
tests_fuzz_fuzz_modelcard_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_modelcard_LDADD = $(FUZZ_LIBS)

# libFuzzer programs (configure CC=clang --enable-sanitizers --enable-libfuzzer): the same
# harnesses without replay.c, e.g. tests/fuzz/lf_oci -max_total_time=60 tests/fuzz/corpus/oci.
if LIBFUZZER
noinst_PROGRAMS = tests/fuzz/lf_zipidx tests/fuzz/lf_walk tests/fuzz/lf_oci tests/fuzz/lf_bundle \
	tests/fuzz/lf_envelope tests/fuzz/lf_statement tests/fuzz/lf_attest tests/fuzz/lf_safetensors tests/fuzz/lf_gguf \
	tests/fuzz/lf_onnx tests/fuzz/lf_savedmodel tests/fuzz/lf_template tests/fuzz/lf_keras \
	tests/fuzz/lf_nemo tests/fuzz/lf_pickle tests/fuzz/lf_npy tests/fuzz/lf_hdf5 tests/fuzz/lf_arrow \
	tests/fuzz/lf_parquet tests/fuzz/lf_hfcode tests/fuzz/lf_mlflow tests/fuzz/lf_registry
LIBFUZZER_LINK = $(AM_LDFLAGS) -fsanitize=fuzzer
tests_fuzz_lf_zipidx_SOURCES = tests/fuzz/fuzz_zipidx.c
tests_fuzz_lf_walk_SOURCES = tests/fuzz/fuzz_walk.c
tests_fuzz_lf_oci_SOURCES = tests/fuzz/fuzz_oci.c
tests_fuzz_lf_bundle_SOURCES = tests/fuzz/fuzz_bundle.c
tests_fuzz_lf_envelope_SOURCES = tests/fuzz/fuzz_envelope.c
tests_fuzz_lf_statement_SOURCES = tests/fuzz/fuzz_statement.c
tests_fuzz_lf_attest_SOURCES = tests/fuzz/fuzz_attest.c
tests_fuzz_lf_safetensors_SOURCES = tests/fuzz/fuzz_safetensors.c
tests_fuzz_lf_gguf_SOURCES = tests/fuzz/fuzz_gguf.c
tests_fuzz_lf_onnx_SOURCES = tests/fuzz/fuzz_onnx.c
tests_fuzz_lf_savedmodel_SOURCES = tests/fuzz/fuzz_savedmodel.c
tests_fuzz_lf_template_SOURCES = tests/fuzz/fuzz_template.c
tests_fuzz_lf_keras_SOURCES = tests/fuzz/fuzz_keras.c
tests_fuzz_lf_nemo_SOURCES = tests/fuzz/fuzz_nemo.c
tests_fuzz_lf_pickle_SOURCES = tests/fuzz/fuzz_pickle.c
tests_fuzz_lf_npy_SOURCES = tests/fuzz/fuzz_npy.c
tests_fuzz_lf_hdf5_SOURCES = tests/fuzz/fuzz_hdf5.c
tests_fuzz_lf_zipidx_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_walk_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_oci_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_bundle_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_envelope_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_statement_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_attest_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_safetensors_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_gguf_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_onnx_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_savedmodel_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_template_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_keras_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_nemo_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_pickle_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_npy_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_hdf5_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_zipidx_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_walk_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_oci_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_bundle_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_envelope_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_statement_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_attest_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_safetensors_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_gguf_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_onnx_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_savedmodel_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_template_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_keras_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_nemo_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_pickle_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_npy_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_hdf5_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_zipidx_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_walk_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_oci_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_bundle_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_envelope_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_statement_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_attest_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_safetensors_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_gguf_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_onnx_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_savedmodel_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_template_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_keras_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_nemo_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_pickle_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_npy_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_hdf5_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_arrow_SOURCES = tests/fuzz/fuzz_arrow.c
tests_fuzz_lf_arrow_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_arrow_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_arrow_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_parquet_SOURCES = tests/fuzz/fuzz_parquet.c
tests_fuzz_lf_parquet_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_parquet_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_parquet_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_hfcode_SOURCES = tests/fuzz/fuzz_hfcode.c
tests_fuzz_lf_hfcode_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_hfcode_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_hfcode_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_mlflow_SOURCES = tests/fuzz/fuzz_mlflow.c
tests_fuzz_lf_mlflow_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_mlflow_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_mlflow_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_registry_SOURCES = tests/fuzz/fuzz_registry.c
tests_fuzz_lf_registry_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_registry_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_registry_LDADD = $(FUZZ_LIBS)
endif

# The libFuzzer program of fuzz_hfmeta.
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_hfmeta
tests_fuzz_lf_hfmeta_SOURCES = tests/fuzz/fuzz_hfmeta.c
tests_fuzz_lf_hfmeta_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_hfmeta_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_hfmeta_LDADD = $(FUZZ_LIBS)
endif

# The libFuzzer programs of fuzz_policy, fuzz_sums and fuzz_modelcard.
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_policy tests/fuzz/lf_sums tests/fuzz/lf_modelcard
tests_fuzz_lf_policy_SOURCES = tests/fuzz/fuzz_policy.c
tests_fuzz_lf_sums_SOURCES = tests/fuzz/fuzz_sums.c
tests_fuzz_lf_modelcard_SOURCES = tests/fuzz/fuzz_modelcard.c
tests_fuzz_lf_policy_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_sums_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_modelcard_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_policy_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_sums_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_modelcard_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_policy_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_sums_LDADD = $(FUZZ_LIBS)
tests_fuzz_lf_modelcard_LDADD = $(FUZZ_LIBS)
endif

# PKCS#11 URIs (RFC 7512) of mavis sign --key pkcs11:...; seeds: tests/fuzz/seeds-p11uri.py.
check_PROGRAMS += tests/fuzz/fuzz_p11uri
TESTS += tests/fuzz/fuzz_p11uri
tests_fuzz_fuzz_p11uri_SOURCES = tests/fuzz/fuzz_p11uri.c tests/fuzz/replay.c
tests_fuzz_fuzz_p11uri_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_p11uri_LDADD = $(FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/seeds-p11uri.py
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_p11uri
tests_fuzz_lf_p11uri_SOURCES = tests/fuzz/fuzz_p11uri.c
tests_fuzz_lf_p11uri_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_p11uri_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_p11uri_LDADD = $(FUZZ_LIBS)
endif

# mavis serve: scan request bodies and Accept headers; seeds: tests/fuzz/seeds-serve.py.
check_PROGRAMS += tests/fuzz/fuzz_serve
TESTS += tests/fuzz/fuzz_serve
tests_fuzz_fuzz_serve_SOURCES = tests/fuzz/fuzz_serve.c tests/fuzz/replay.c
tests_fuzz_fuzz_serve_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_serve_LDADD = $(SERVE_LIBS) $(FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/seeds-serve.py
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_serve
tests_fuzz_lf_serve_SOURCES = tests/fuzz/fuzz_serve.c
tests_fuzz_lf_serve_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_serve_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_serve_LDADD = $(SERVE_LIBS) $(FUZZ_LIBS)
endif

# What keyless signing reads from outside: signing_config.json, OIDC token claims, Fulcio and
# Rekor replies (mavis sign sigstore); seeds: tests/fuzz/seeds-keyless.py.
check_PROGRAMS += tests/fuzz/fuzz_keyless
TESTS += tests/fuzz/fuzz_keyless
tests_fuzz_fuzz_keyless_SOURCES = tests/fuzz/fuzz_keyless.c tests/fuzz/replay.c
tests_fuzz_fuzz_keyless_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_keyless_LDADD = $(FUZZ_LIBS)
EXTRA_DIST += tests/fuzz/seeds-keyless.py
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_keyless
tests_fuzz_lf_keyless_SOURCES = tests/fuzz/fuzz_keyless.c
tests_fuzz_lf_keyless_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_keyless_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_keyless_LDADD = $(FUZZ_LIBS)
endif

# The cpio, ar and tar header guard (core/hdrguard.c, targuard.c): the same verdict whatever
# the blocks; seeds: testdata/hdrguard/gen-seeds.py.
check_PROGRAMS += tests/fuzz/fuzz_hdrguard
TESTS += tests/fuzz/fuzz_hdrguard
tests_fuzz_fuzz_hdrguard_SOURCES = tests/fuzz/fuzz_hdrguard.c tests/fuzz/replay.c
tests_fuzz_fuzz_hdrguard_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_fuzz_hdrguard_LDADD = $(FUZZ_LIBS)
EXTRA_DIST += testdata/hdrguard/gen-seeds.py
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_hdrguard
tests_fuzz_lf_hdrguard_SOURCES = tests/fuzz/fuzz_hdrguard.c
tests_fuzz_lf_hdrguard_CFLAGS = $(FUZZ_FLAGS)
tests_fuzz_lf_hdrguard_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_hdrguard_LDADD = $(FUZZ_LIBS)
endif

# The command line, in-process (cli_main): the input is the argument list, NUL-separated, run
# in a scratch folder; seeds: tests/fuzz/seeds-cli.sh.
check_PROGRAMS += tests/fuzz/fuzz_cli
TESTS += tests/fuzz/fuzz_cli
FUZZ_CLI_CPPFLAGS = $(AM_CPPFLAGS) -DMV_FUZZ_SIGNATURES='"$(abs_top_srcdir)/signatures"'
tests_fuzz_fuzz_cli_SOURCES = tests/fuzz/fuzz_cli.c tests/fuzz/replay.c $(CLI_SOURCES)
tests_fuzz_fuzz_cli_CPPFLAGS = $(FUZZ_CLI_CPPFLAGS)
tests_fuzz_fuzz_cli_CFLAGS = $(AM_CFLAGS)
tests_fuzz_fuzz_cli_LDADD = $(SERVE_LIBS) libmavis.la
EXTRA_DIST += tests/fuzz/seeds-cli.sh
if LIBFUZZER
noinst_PROGRAMS += tests/fuzz/lf_cli
tests_fuzz_lf_cli_SOURCES = tests/fuzz/fuzz_cli.c $(CLI_SOURCES)
tests_fuzz_lf_cli_CPPFLAGS = $(FUZZ_CLI_CPPFLAGS)
tests_fuzz_lf_cli_CFLAGS = $(AM_CFLAGS)
tests_fuzz_lf_cli_LDFLAGS = $(LIBFUZZER_LINK)
tests_fuzz_lf_cli_LDADD = $(SERVE_LIBS) libmavis.la
endif
