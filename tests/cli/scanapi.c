/* SPDX-License-Identifier: Apache-2.0 */
/* scanapi.c: mv_scan() through the public header only, on fixture packages, against what
 * mavis scan -f json reports for the same package: the same verdict, and the same findings
 * in the same order, compared parsed. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "mavis.h"

static int failures;

static void
fail(const char *pkg, const char *what, const char *a, const char *b)
{
	fprintf(stderr, "FAIL %s: %s: mv_scan says '%s', mavis scan -f json says '%s'\n", pkg,
	    what, a ? a : "(none)", b ? b : "(none)");
	failures++;
}

static void
same_str(const char *pkg, const char *what, const char *lib, json_t *cli)
{
	const char *c = json_is_string(cli) ? json_string_value(cli) : NULL;

	if ((lib == NULL) != (c == NULL) || (lib && strcmp(lib, c) != 0))
		fail(pkg, what, lib, c);
}

static void
same_num(const char *pkg, const char *what, long long lib, long long cli)
{
	char a[32], b[32];

	if (cli == lib)
		return;
	snprintf(a, sizeof(a), "%lld", lib);
	snprintf(b, sizeof(b), "%lld", cli);
	fail(pkg, what, a, b);
}

/* A JSON integer; anything else is -1, which no count or offset of the library is. */
static void
same_int(const char *pkg, const char *what, long long lib, json_t *cli)
{
	same_num(pkg, what, lib, json_is_integer(cli) ? (long long)json_integer_value(cli) : -1LL);
}

/* The command's report of pkg, parsed. */
static json_t *
cli_report(const char *mavis, const char *pkg)
{
	char cmd[4096];
	json_error_t e;
	json_t *doc;
	FILE *p;
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' scan --no-progress -f json '%s'", mavis, pkg);
	if ((p = popen(cmd, "r")) == NULL)
		return NULL;
	doc = json_loadf(p, 0, &e);
	rc = pclose(p);
	if (doc == NULL)
		fprintf(stderr, "%s: mavis scan -f json: %s\n", pkg, e.text);
	/* 0 passed, 1 failed, 2 incomplete (a report is still written). */
	if (!WIFEXITED(rc) || WEXITSTATUS(rc) > 2) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static void
compare(struct mv_ctx *ctx, const struct mv_policy *pol, const char *mavis, const char *pkg)
{
	const char *inputs[] = {pkg};
	struct mv_scan_opts opts = MV_SCAN_OPTS_INIT;
	struct mv_judgement *j = NULL;
	json_t *doc = cli_report(mavis, pkg), *verdict, *fs;
	size_t n;

	if (doc == NULL) {
		fprintf(stderr, "FAIL %s: no report from mavis scan\n", pkg);
		failures++;
		return;
	}
	if (mv_scan(ctx, pol, inputs, 1, &opts, &j) != MV_OK) {
		fprintf(stderr, "FAIL %s: mv_scan: %s\n", pkg, mv_ctx_error(ctx));
		failures++;
		json_decref(doc);
		return;
	}
	verdict = json_object_get(doc, "verdict");
	fs = json_object_get(doc, "findings");
	same_str(pkg, "outcome", mv_outcome_name(mv_judgement_outcome(j)),
	    json_object_get(verdict, "outcome"));
	same_int(pkg, "failing", (long long)mv_judgement_failing(j),
	    json_object_get(verdict, "failing"));
	same_int(pkg, "suppressed", (long long)mv_judgement_suppressed(j),
	    json_object_get(verdict, "suppressed"));
	if (json_is_true(json_object_get(verdict, "incomplete")) !=
	    (mv_result_incomplete(mv_judgement_result(j)) != 0))
		fail(pkg, "incomplete", "", "");
	same_num(pkg, "entries", (long long)mv_result_entry_count(mv_judgement_result(j)),
	    (long long)json_array_size(json_object_get(doc, "entries")));
	n = mv_judgement_count(j);
	same_num(pkg, "number of findings", (long long)n, (long long)json_array_size(fs));
	for (size_t i = 0; i < n && i < json_array_size(fs); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);
		json_t *f = json_array_get(fs, i), *off = json_object_get(f, "offset");

		same_str(pkg, "rule", d->rule, json_object_get(f, "rule"));
		same_str(pkg, "severity", mv_severity_name(d->severity),
		    json_object_get(f, "severity"));
		same_str(pkg, "default severity", mv_severity_name(d->default_severity),
		    json_object_get(f, "default_severity"));
		same_str(pkg, "path", d->path, json_object_get(f, "path"));
		same_str(pkg, "evidence", d->evidence, json_object_get(f, "evidence"));
		same_str(pkg, "suppressed", d->suppressed, json_object_get(f, "suppressed"));
		same_num(pkg, "offset", d->offset < 0 ? -1 : (long long)d->offset,
		    json_is_integer(off) ? (long long)json_integer_value(off) : -1LL);
	}
	printf("%s: %s, %zu findings, as mavis scan -f json\n", pkg,
	    mv_outcome_name(mv_judgement_outcome(j)), n);
	mv_judgement_free(j);
	json_decref(doc);
}

int
main(void)
{
	/* A package that passes, one that fails, and a folder of hostile pickles that cannot be
	 * analysed to the end. */
	static const char *const pkgs[] = {
		"testdata/demo/demo-model-1.0.tar.gz",
		"testdata/exec/pe_in_tar.tar.gz",
		"testdata/pickle",
	};
	const char *srcdir = getenv("top_srcdir"), *mavis = getenv("MAVIS");
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *rules = NULL;
	struct mv_policy *pol = NULL;
	struct mv_scan_opts bad = {.size = 0};
	struct mv_judgement *j = NULL;
	const char *one[] = {"."};

	if (srcdir == NULL || mavis == NULL) {
		fprintf(stderr, "SKIP: top_srcdir and MAVIS are set by make check\n");
		return 77;
	}
	if (ctx == NULL || chdir(srcdir) != 0 || mv_ctx_set_signatures(ctx, NULL) != MV_OK ||
	    mv_rules_load(ctx, &rules) != MV_OK || mv_policy_new(ctx, rules, &pol) != MV_OK) {
		fprintf(stderr, "FAIL: setup: %s\n", ctx ? mv_ctx_error(ctx) : "out of memory");
		return 1;
	}
	mv_ctx_set_jobs(ctx, 2);
	for (size_t i = 0; i < sizeof(pkgs) / sizeof(pkgs[0]); i++)
		compare(ctx, pol, mavis, pkgs[i]);
	/* Options whose size was never set are refused, not read. */
	if (mv_scan(ctx, pol, one, 1, &bad, &j) != MV_ERR_USAGE || j != NULL) {
		fprintf(stderr, "FAIL: mv_scan accepted options without their size\n");
		failures++;
	}
	mv_policy_free(pol);
	mv_rules_free(rules);
	mv_ctx_free(ctx);
	return failures ? 1 : 0;
}
