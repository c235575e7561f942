/* check_safetensors.c: the safetensors analyser over testdata/safetensors (files written by
 * gen-safetensors.py, one broken rule each) and its shard index checks. */
#include "config.h"

#include <check.h>
#include <stdlib.h>

#include "fixture.h"

static struct mv_fixture *fx;

START_TEST(test_fixture)
{
	mv_fixture_check("safetensors", &fx[_i]);
}
END_TEST

int
main(void)
{
	size_t n = mv_fixtures_load("safetensors", &fx);
	Suite *s = suite_create("safetensors");
	TCase *tc = tcase_create("fixtures");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_fixture, 0, (int)n);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
