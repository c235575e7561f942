/* fixture.c: running mv_run with the analysers over a fixture and comparing the findings
 * with its row of expected.tsv. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/str.h"
#include "fixture.h"

size_t
mv_fixtures_load(const char *dir, struct mv_fixture **out)
{
	char *path = mv_asprintf("%s/%s/expected.tsv", TESTDATA, dir);
	FILE *fp = path ? fopen(path, "r") : NULL;
	struct mv_fixture *v = NULL;
	size_t n = 0;
	char line[4096];

	if (fp == NULL) {
		fprintf(stderr, "cannot read %s\n", path ? path : dir);
		exit(1);
	}
	while (fgets(line, sizeof(line), fp)) {
		char *tab, *rules, *tok, *save = NULL;
		struct mv_fixture *f;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if ((tab = strchr(line, '\t')) == NULL) {
			fprintf(stderr, "%s: line without a tab: %s\n", path, line);
			exit(1);
		}
		*tab = '\0';
		rules = tab + 1;
		if ((v = realloc(v, (n + 1) * sizeof(*v))) == NULL)
			exit(1);
		f = &v[n++];
		memset(f, 0, sizeof(*f));
		f->name = mv_strdup(line);
		if (strcmp(rules, "-") == 0) {
			f->benign = 1;
			continue;
		}
		if (strncmp(rules, "info:", 5) == 0) {
			f->benign = 1;
			rules += 5;
		}
		for (tok = strtok_r(rules, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			if ((f->rules = realloc(f->rules, (f->nrules + 1) * sizeof(char *))) == NULL)
				exit(1);
			f->rules[f->nrules++] = mv_strdup(tok);
		}
	}
	fclose(fp);
	free(path);
	if (n == 0) {
		fprintf(stderr, "%s/expected.tsv lists no fixtures\n", dir);
		exit(1);
	}
	*out = v;
	return n;
}

/* Every finding of the run, one per line, for failure messages. */
static char *
listing(const struct mv_result *res)
{
	char *s = mv_strdup("");

	for (size_t i = 0; s && i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);
		char *line = mv_asprintf("%s  %s [%s] %s: %s\n", s, f->rule,
		    mv_severity_name(f->severity), f->path, f->evidence);

		free(s);
		s = line;
	}
	return s ? s : mv_strdup("");
}

void
mv_fixture_check(const char *dir, const struct mv_fixture *fx)
{
	char *path = mv_asprintf("%s/%s/%s", TESTDATA, dir, fx->name);
	const char *inputs[1];
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	char *all;

	ck_assert_ptr_nonnull(path);
	ck_assert_ptr_nonnull(ctx);
	inputs[0] = path;
	mv_ctx_set_flags(ctx, MV_RUN_ANALYSE);
	mv_ctx_set_jobs(ctx, 2);
	ck_assert_int_eq(mv_ctx_set_signatures(ctx, TESTDATA "/../signatures"), MV_OK);
	ck_assert_msg(mv_run(ctx, inputs, 1, &res) == MV_OK, "%s: %s", fx->name,
	    mv_ctx_error(ctx));
	all = listing(res);
	if (fx->benign) {
		ck_assert_msg(mv_result_count_at_least(res, MV_SEV_LOW) == 0,
		    "benign %s has findings above info:\n%s", fx->name, all);
	}
	for (size_t k = 0; k < fx->nrules; k++) {
		int found = 0;

		for (size_t i = 0; i < mv_result_finding_count(res); i++)
			if (strcmp(mv_result_finding(res, i)->rule, fx->rules[k]) == 0)
				found = 1;
		ck_assert_msg(found, "%s: expected %s, got:\n%s", fx->name, fx->rules[k], all);
	}
	free(all);
	mv_result_free(res);
	mv_ctx_free(ctx);
	free(path);
}
