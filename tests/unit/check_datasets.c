/* SPDX-License-Identifier: Apache-2.0 */
/* check_datasets.c: the Arrow and Parquet analysers over the fixtures of testdata/datasets
 * (gen-datasets.py writes them; expected.tsv lists what each must raise), and the tail keeper
 * they read footers with, over every chunking with and without a known size. */
#include "config.h"

#include <check.h>
#include <string.h>

#include "fixture.h"
#include "scan/tail.h"

static struct mv_fixture *fixtures;

START_TEST(test_fixture)
{
	mv_fixture_check("datasets", &fixtures[_i]);
}
END_TEST

/* The kept bytes are the last min(window, n) of the stream, whatever the chunks. */
START_TEST(test_tail)
{
	unsigned char data[1000];
	const size_t windows[] = {1, 7, 64, 999, 1000, 5000};

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 31 + 7);
	for (size_t w = 0; w < sizeof(windows) / sizeof(windows[0]); w++) {
		for (size_t chunk = 1; chunk <= 300; chunk += 37) {
			for (int known = 0; known < 2; known++) {
				struct mv_tail t;
				const unsigned char *p;
				size_t n, want = windows[w] < sizeof(data) ? windows[w] : sizeof(data);
				uint64_t first;

				mv_tail_init(&t, known ? sizeof(data) : UINT64_MAX, windows[w]);
				for (size_t pos = 0; pos < sizeof(data); pos += chunk) {
					size_t k = sizeof(data) - pos < chunk ? sizeof(data) - pos : chunk;

					ck_assert_int_eq(mv_tail_feed(&t, data + pos, k), MV_OK);
				}
				p = mv_tail_get(&t, &n, &first);
				ck_assert_uint_eq(n, want);
				ck_assert_uint_eq(first, sizeof(data) - want);
				ck_assert(memcmp(p, data + sizeof(data) - want, want) == 0);
				mv_tail_free(&t);
			}
		}
	}
}
END_TEST

int
main(void)
{
	size_t n = mv_fixtures_load("datasets", &fixtures);
	Suite *s = suite_create("datasets");
	TCase *tc = tcase_create("fixtures");
	TCase *tt = tcase_create("tail");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_fixture, 0, (int)n);
	tcase_add_test(tt, test_tail);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, tt);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
