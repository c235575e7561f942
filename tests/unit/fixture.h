/* fixture.h: table-driven runs of the analysers over the fixtures of one testdata folder,
 * listed in its expected.tsv ("name<TAB>rule,rule" or "name<TAB>-" for benign). */
#ifndef MV_TEST_FIXTURE_H
#define MV_TEST_FIXTURE_H

#include <stddef.h>

struct mv_fixture {
	char *name;
	char **rules;           /* rule ids that must be reported; none for a benign fixture */
	size_t nrules;
};

/* Read TESTDATA/<dir>/expected.tsv into a table; exits the program on failure, since a
 * suite without its table cannot test anything. */
size_t mv_fixtures_load(const char *dir, struct mv_fixture **out);
/* Scan the fixture (file or folder) with every analyser and check it against its row: each
 * listed rule reported, or for a benign one nothing above info. Uses ck_assert. */
void mv_fixture_check(const char *dir, const struct mv_fixture *fx);

#endif
