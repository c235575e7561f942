## Fuzz harnesses: each defines LLVMFuzzerTestOneInput. In make check each is linked with
## replay.c into a plain program that runs every file of its seed corpus once.
FUZZ_LIBS = libmavis_internal.la
FUZZ_FLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += tests/fuzz/corpus
EXTRA_DIST += tests/fuzz/replay.c

# Each harness: check_PROGRAMS += tests/fuzz/fuzz_X, sources fuzz_X.c + replay.c, and a test
# script line in FUZZ_TESTS (run by tests/fuzz/run-replay.sh with the corpus folder).
FUZZ_TESTS =
TESTS += $(FUZZ_TESTS)
