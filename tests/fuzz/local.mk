## Fuzz harnesses: each defines LLVMFuzzerTestOneInput. In make check each is linked with
## replay.c into a plain program that runs every file of its seed corpus once.
FUZZ_LIBS = libmavis_internal.la
FUZZ_FLAGS = $(AM_CFLAGS) $(DEP_CFLAGS)
EXTRA_DIST += tests/fuzz/corpus
