/* SPDX-License-Identifier: Apache-2.0 */
/* check_oci.c: OCI image layouts (walk/oci.c) over the fixtures of testdata/oci, written by
 * gen-oci.py there, each against its row of expected.tsv; and the titles the blobs get. */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "mavis.h"
#include "fixture.h"

static struct mv_fixture *fixtures;

START_TEST(test_fixture)
{
	mv_fixture_check("oci", &fixtures[_i]);
}
END_TEST

/* Every layer of a ModelPack artifact carries its file name into the inventory; the manifest
 * and config blobs, which have none, stay untitled. */
START_TEST(test_titles)
{
	const char *inputs[] = {TESTDATA "/oci/ok_modelpack"};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	int safetensors = 0, config = 0, untitled = 0;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(mv_run(ctx, inputs, 1, &res), MV_OK);
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (strncmp(e->name, "blobs/sha256/", 13) != 0) {
			ck_assert_ptr_null(e->title);
			continue;
		}
		if (e->title == NULL)
			untitled++;
		else if (strcmp(e->title, "model.safetensors") == 0)
			safetensors++;
		else if (strcmp(e->title, "config.json") == 0)
			config++;
		else
			ck_abort_msg("unexpected title %s", e->title);
	}
	ck_assert_int_eq(safetensors, 1);
	ck_assert_int_eq(config, 1);
	ck_assert_int_eq(untitled, 2);     /* the manifest and the model config */
	ck_assert_uint_eq(mv_result_finding_count(res), 0);
	mv_result_free(res);
	mv_ctx_free(ctx);
}
END_TEST

/* A layout left out of the walk in part (--ignore-paths) is judged on what remains: the
 * blobs named but ignored are missing, never read from disk behind the user's back. */
START_TEST(test_ignored_blobs)
{
	const char *inputs[] = {TESTDATA "/oci/ok_modelpack"};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	size_t missing = 0;

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(mv_ctx_add_ignore(ctx, "blobs"), MV_OK);
	ck_assert_int_eq(mv_run(ctx, inputs, 1, &res), MV_OK);
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		if (strcmp(mv_result_finding(res, i)->rule, "oci.blob.missing") == 0)
			missing++;
	ck_assert_uint_eq(missing, 1);      /* the manifest: nothing below it can be reached */
	mv_result_free(res);
	mv_ctx_free(ctx);
}
END_TEST

/* Findings of rule id in a run over dir with the depth limit given (0: the default). */
static size_t
count_rule(const char *dir, const char *id, uint64_t max_depth)
{
	const char *inputs[] = {dir};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	size_t n = 0;

	ck_assert_ptr_nonnull(ctx);
	if (max_depth)
		ck_assert_int_eq(mv_ctx_set_limit(ctx, MV_LIMIT_DEPTH, max_depth), MV_OK);
	ck_assert_int_eq(mv_run(ctx, inputs, 1, &res), MV_OK);
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		if (strcmp(mv_result_finding(res, i)->rule, id) == 0)
			n++;
	mv_result_free(res);
	mv_ctx_free(ctx);
	return n;
}

/* Indexes nested past the depth limit are a limit finding, and what is below is not read. */
START_TEST(test_nesting_limit)
{
	ck_assert_uint_eq(count_rule(TESTDATA "/oci/ok_nested_index", "limit.depth.exceeded", 0), 0);
	ck_assert_uint_eq(count_rule(TESTDATA "/oci/ok_nested_index", "limit.depth.exceeded", 1), 1);
}
END_TEST

/* An index.json past the 4 MiB a registry accepts is refused unread, not parsed. */
START_TEST(test_oversized_index)
{
#define OVERSIZED BUILDDIR "/tests/unit/staged-oci-oversized"
	const char *dir = OVERSIZED;
	FILE *fp;

	ck_assert(mkdir(dir, 0755) == 0 || errno == EEXIST);
	fp = fopen(OVERSIZED "/oci-layout", "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"imageLayoutVersion\": \"1.0.0\"}", fp);
	ck_assert_int_eq(fclose(fp), 0);
	fp = fopen(OVERSIZED "/index.json", "w");
	ck_assert_ptr_nonnull(fp);
	fputs("{\"schemaVersion\": 2, \"manifests\": [], \"pad\": \"", fp);
	for (int i = 0; i < (5 << 20) / 64; i++)
		fputs("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", fp);
	fputs("\"}", fp);
	ck_assert_int_eq(fclose(fp), 0);
	ck_assert_uint_eq(count_rule(dir, "oci.layout.invalid", 0), 1);
}
END_TEST

int
main(void)
{
	size_t n = mv_fixtures_load("oci", &fixtures);
	Suite *s = suite_create("oci");
	TCase *tc = tcase_create("fixtures");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, test_fixture, 0, (int)n);
	tcase_add_test(tc, test_titles);
	tcase_add_test(tc, test_ignored_blobs);
	tcase_add_test(tc, test_nesting_limit);
	tcase_add_test(tc, test_oversized_index);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
