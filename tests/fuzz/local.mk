## Fuzz harnesses: each defines LLVMFuzzerTestOneInput. In make check each is linked with
## replay.c into a plain program that runs every file of its seed corpus once.
FUZZ_LIBS = libmavis_internal.la
FUZZ_FLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += tests/fuzz/corpus
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
