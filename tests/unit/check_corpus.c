/* SPDX-License-Identifier: Apache-2.0 */
/* check_corpus.c: the benign corpus of testdata/corpus (written by Debian's PyTorch,
 * torchvision, torchaudio, scikit-learn, XGBoost, pandas and NumPy; gen-corpus.py) passes
 * the default policy, and its negative fixtures (callables of __main__) fail it until a
 * policy allows them with the line their finding gives. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/str.h"
#include "fixture.h"

#define SIGDIR TESTDATA "/../signatures"

/* One row of expected.tsv: "-" nothing above info, "pass" passes the default policy, or
 * the rules that must be raised (and fail it). */
struct row {
	char *name, *expect;
};

static struct row *rows;
static size_t nrows;

static void
load_rows(void)
{
	FILE *fp = fopen(TESTDATA "/corpus/expected.tsv", "r");
	char line[1024];

	if (fp == NULL) {
		fprintf(stderr, "cannot read %s/corpus/expected.tsv\n", TESTDATA);
		exit(1);
	}
	while (fgets(line, sizeof(line), fp)) {
		char *tab;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL || (rows = realloc(rows, (nrows + 1) *
		    sizeof(*rows))) == NULL) {
			fprintf(stderr, "corpus/expected.tsv: bad line %s\n", line);
			exit(1);
		}
		*tab = '\0';
		rows[nrows].name = mv_strdup(line);
		rows[nrows].expect = mv_strdup(tab + 1);
		nrows++;
	}
	fclose(fp);
}

/* Scan one file and judge it by the policy file (NULL: the default policy). */
static enum mv_outcome
judge(const char *name, const char *policy, struct mv_result **resp, char **listing)
{
	char *path = mv_asprintf("%s/corpus/%s", TESTDATA, name);
	const char *in[1] = {path};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *rules = NULL;
	struct mv_policy *pol = NULL;
	struct mv_judgement *j = NULL;
	enum mv_outcome out;
	char *all = mv_strdup("");

	ck_assert_ptr_nonnull(path);
	mv_ctx_set_flags(ctx, MV_RUN_ANALYSE);
	ck_assert_int_eq(mv_ctx_set_signatures(ctx, SIGDIR), MV_OK);
	ck_assert_msg(mv_run(ctx, in, 1, resp) == MV_OK, "%s: %s", name, mv_ctx_error(ctx));
	ck_assert_int_eq(mv_rules_load(ctx, &rules), MV_OK);
	ck_assert_int_eq(mv_policy_new(ctx, rules, &pol), MV_OK);
	if (policy)
		ck_assert_msg(mv_policy_load(ctx, pol, policy) == MV_OK, "%s", mv_ctx_error(ctx));
	ck_assert_int_eq(mv_judge(ctx, rules, pol, *resp, NULL, 0, &j), MV_OK);
	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);
		char *line = mv_asprintf("%s  %s [%s]%s%s %s: %s\n", all, d->rule,
		    mv_severity_name(d->severity), d->suppressed ? " suppressed: " : "",
		    d->suppressed ? d->suppressed : "", d->path, d->evidence);

		free(all);
		all = line;
	}
	out = mv_judgement_outcome(j);
	*listing = all;
	mv_judgement_free(j);
	mv_policy_free(pol);
	mv_rules_free(rules);
	mv_ctx_free(ctx);
	free(path);
	return out;
}

START_TEST(test_corpus)
{
	const struct row *r = &rows[_i];
	struct mv_result *res = NULL;
	char *all = NULL, *list, *tok, *save = NULL, *extra, *want[32];
	size_t nwant = 0;
	enum mv_outcome out = judge(r->name, NULL, &res, &all);

	if (strcmp(r->expect, "-") == 0 || strcmp(r->expect, "pass") == 0) {
		ck_assert_msg(out == MV_OUTCOME_PASS, "%s fails the default policy:\n%.3000s", r->name,
		    all);
		ck_assert_msg(strcmp(r->expect, "pass") == 0 ||
		    mv_result_count_at_least(res, MV_SEV_LOW) == 0,
		    "benign %s has findings above info:\n%.3000s", r->name, all);
	} else {
		ck_assert_msg(out == MV_OUTCOME_FAIL, "%s passes the default policy:\n%.3000s",
		    r->name, all);
		list = mv_strdup(r->expect);
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			int found = 0;

			for (size_t i = 0; i < mv_result_finding_count(res); i++)
				if (strcmp(mv_result_finding(res, i)->rule, tok) == 0)
					found = 1;
			ck_assert_msg(found, "%s: expected %s, got:\n%.3000s", r->name, tok, all);
			ck_assert_uint_lt(nwant, sizeof(want) / sizeof(want[0]));
			want[nwant++] = tok;
		}
		extra = mv_fixture_unlisted(res, want, nwant);
		ck_assert_msg(extra == NULL, "%s: %s reported above info but not listed in "
		    "corpus/expected.tsv:\n%.3000s", r->name, extra, all);
		free(list);
	}
	free(all);
	mv_result_free(res);
}
END_TEST

/* The negative fixtures pass once the policy allows the callable their finding names, with
 * the very line the finding gives; another name does not. */
static const struct {
	const char *file, *line;
	enum mv_outcome want;
} allowed[] = {
	{"neg_main_model.pt", "allow global __main__.Net\n", MV_OUTCOME_PASS},
	{"neg_main_model.pt", "allow global __main__.*\n", MV_OUTCOME_PASS},
	{"neg_main_model.pt", "allow global __main__.Other\n", MV_OUTCOME_FAIL},
	{"neg_main_model.pt", "allow global main.Net\n", MV_OUTCOME_FAIL},
	{"neg_main_function.pkl", "allow global __main__.double\n", MV_OUTCOME_PASS},
};

START_TEST(test_allow_line)
{
	char *policy = mv_asprintf("%s/check_corpus.policy", BUILDDIR);
	FILE *fp = fopen(policy, "w");
	struct mv_result *res = NULL;
	char *all = NULL;
	enum mv_outcome out;

	ck_assert_ptr_nonnull(fp);
	fputs(allowed[_i].line, fp);
	fclose(fp);
	out = judge(allowed[_i].file, policy, &res, &all);
	ck_assert_msg(out == allowed[_i].want, "%s with '%s': outcome %d, findings:\n%.3000s",
	    allowed[_i].file, allowed[_i].line, out, all);
	/* The finding tells how to allow it, in the words of the policy file. */
	ck_assert_msg(strstr(all, "'allow global __main__.") != NULL, "%s: no policy line in:\n%.3000s",
	    allowed[_i].file, all);
	free(all);
	mv_result_free(res);
	remove(policy);
	free(policy);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc;
	SRunner *sr;
	int failed;

	load_rows();
	tc = tcase_create("corpus");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_corpus, 0, (int)nrows);
	tcase_add_loop_test(tc, test_allow_line, 0, (int)(sizeof(allowed) / sizeof(allowed[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	for (size_t i = 0; i < nrows; i++) {
		free(rows[i].name);
		free(rows[i].expect);
	}
	free(rows);
	return failed ? 1 : 0;
}
