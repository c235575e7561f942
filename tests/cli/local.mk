# SPDX-License-Identifier: Apache-2.0
## End-to-end tests of the mavis command on generated packages.

TESTS += tests/cli/scan.sh tests/cli/validate.sh tests/cli/manlint.sh
EXTRA_DIST += tests/cli/scan.sh tests/cli/validate.sh tests/cli/manlint.sh \
	tests/cli/normalise.py tests/cli/scan tests/validators/package.json \
	tests/validators/package-lock.json tests/validators/validate.js

TESTS += tests/cli/hash.sh
EXTRA_DIST += tests/cli/hash.sh
# Endless inputs and special files, for every command.
TESTS += tests/cli/hostile.sh
EXTRA_DIST += tests/cli/hostile.sh
# Memory the input decides: peak RSS of hostile headers and signatures under 64 MiB.
check_PROGRAMS += tests/cli/peakrss
TESTS += tests/cli/memory.sh
EXTRA_DIST += tests/cli/memory.sh
# Reads that fail: a broken member, a file cut short while it is read.
TESTS += tests/cli/faults.sh
EXTRA_DIST += tests/cli/faults.sh
# Bytes that merely begin like an archive are data; real truncated streams are findings.
TESTS += tests/cli/weakmagic.sh
EXTRA_DIST += tests/cli/weakmagic.sh testdata/weakmagic/gen.py
TESTS += tests/cli/blake3.sh tests/cli/oms-blake3.sh tests/cli/filecost.sh
EXTRA_DIST += tests/cli/blake3.sh tests/cli/oms-blake3.sh tests/cli/filecost.sh
TESTS += tests/cli/man.sh
EXTRA_DIST += tests/cli/man.sh
# Hugging Face caches and local-dir downloads, laid out at test time by testdata/hf/gen-hf.py
# (symlinks do not survive make dist).
TESTS += tests/cli/hf.sh
EXTRA_DIST += tests/cli/hf.sh
TESTS += tests/cli/output.sh
EXTRA_DIST += tests/cli/output.sh
# OCI model artifacts on disk: ModelPack, KitOps, Docker model (testdata/oci).
TESTS += tests/cli/ocimodel.sh
EXTRA_DIST += tests/cli/ocimodel.sh
# oci:// inputs against docker-registry and a registry of its own on loopback.
TESTS += tests/cli/registry.sh
EXTRA_DIST += tests/cli/registry.sh tests/cli/fakeregistry.py tests/cli/rawlayout.py

## sign: begin
# mavis sign, verify and keygen end to end; the npm Sigstore libraries as an independent
# client (skipped until npm ci --prefix tests/interop has run).
TESTS += tests/cli/sign.sh tests/interop/run.sh
EXTRA_DIST += tests/cli/sign.sh tests/interop/run.sh tests/interop/interop.js \
	tests/interop/package.json tests/interop/package-lock.json
# Keys on a PKCS#11 token: SoftHSM2 and OpenSC's pkcs11-tool (skipped without them).
TESTS += tests/cli/pkcs11.sh
EXTRA_DIST += tests/cli/pkcs11.sh
# Keyless signing against local Fulcio and Rekor stand-ins on @sigstore/mock, checked by
# mavis and @sigstore/verify (skipped until npm ci --prefix tests/keyless has run).
TESTS += tests/keyless/run.sh
EXTRA_DIST += tests/keyless/run.sh tests/keyless/server.js tests/keyless/verify.js \
	tests/keyless/oms-adapter.sh tests/keyless/oms-conformance.py \
	tests/keyless/package.json tests/keyless/package-lock.json
# In-toto attestations shipped with a model (fixtures: testdata/attest/gen.py).
TESTS += tests/cli/attest.sh
EXTRA_DIST += tests/cli/attest.sh testdata/attest
## sign: end

## clicompat: begin
# The command itself: message prefix, help and version, model_signing forms, digest.
TESTS += tests/cli/cli.sh tests/cli/certs.sh tests/cli/prompt.sh
EXTRA_DIST += tests/cli/cli.sh tests/cli/certs.sh tests/cli/prompt.sh
# Packaging: make install into a DESTDIR and a program built with pkg-config on it; the
# library's manual page; SPDX lines.
TESTS += tests/cli/install.sh tests/cli/libapi.sh tests/cli/spdx.sh
EXTRA_DIST += tests/cli/install.sh tests/cli/libapi.sh tests/cli/spdx.sh tests/cli/scan-folder.c
## clicompat: end

# mv_scan() through the public header and the installed library's exports, on fixture
# packages, against mavis scan -f json of the same packages.
check_PROGRAMS += tests/cli/scanapi
TESTS += tests/cli/scanapi
tests_cli_scanapi_SOURCES = tests/cli/scanapi.c
tests_cli_scanapi_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS)
tests_cli_scanapi_LDADD = libmavis.la $(JANSSON_LIBS)
