/* SPDX-License-Identifier: Apache-2.0 */
/* fixture.h: table-driven runs of the analysers over the fixtures of one testdata folder,
 * listed in its expected.tsv ("name<TAB>rule,rule" or "name<TAB>-" for benign). */
#ifndef MV_TEST_FIXTURE_H
#define MV_TEST_FIXTURE_H

#include <stddef.h>

struct mv_result;

struct mv_fixture {
	char *name;
	char **rules;           /* rule ids that must be reported; none for a benign fixture */
	size_t nrules;
	int benign;             /* nothing above info may be reported ("-", or "info:" rules) */
};

/* Read TESTDATA/<dir>/expected.tsv into a table ("info:" before the rules: those rules and
 * nothing above info); exits the program on failure, since a
 * suite without its table cannot test anything. */
size_t mv_fixtures_load(const char *dir, struct mv_fixture **out);
/* Scan the fixture (file or folder) with every analyser and check it against its row: each
 * listed rule reported, no other rule above info, and for a benign one nothing above info.
 * Uses ck_assert. */
void mv_fixture_check(const char *dir, const struct mv_fixture *fx);

/* The rules of findings above info in res that are not among rules (each once, joined by
 * ","), or NULL when every one is listed: a table row names all a fixture raises, so a new
 * finding cannot hide behind an expected one. */
char *mv_fixture_unlisted(const struct mv_result *res, char *const *rules, size_t nrules);

/* The whole test program for one folder: a loop test over every row of its table. */
#define MV_FIXTURE_MAIN(dir)							\
	static struct mv_fixture *fixtures_;					\
	START_TEST(test_fixture)						\
	{									\
		mv_fixture_check(dir, &fixtures_[_i]);				\
	}									\
	END_TEST								\
	int									\
	main(void)								\
	{									\
		size_t n_ = mv_fixtures_load(dir, &fixtures_);			\
		Suite *s_ = suite_create(dir);					\
		TCase *tc_ = tcase_create("fixtures");				\
		SRunner *sr_;							\
		int failed_;							\
										\
		tcase_add_loop_test(tc_, test_fixture, 0, (int)n_);		\
		suite_add_tcase(s_, tc_);					\
		sr_ = srunner_create(s_);					\
		srunner_run_all(sr_, CK_ENV);					\
		failed_ = srunner_ntests_failed(sr_);				\
		srunner_free(sr_);						\
		return failed_ ? 1 : 0;						\
	}

#endif
