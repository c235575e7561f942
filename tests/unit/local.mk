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
