/* SPDX-License-Identifier: Apache-2.0 */
/* check_rules.c: the rules table, the provision table, the policy parser and the judge. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/ctx.h"
#include "core/finding.h"
#include "judge/judge.h"

#define SIGDIR TESTDATA "/../signatures"

static struct mv_rules *
load(struct mv_ctx *ctx, const char *dir)
{
	struct mv_rules *r = NULL;

	ck_assert_int_eq(mv_ctx_set_signatures(ctx, dir), MV_OK);
	if (mv_rules_load(ctx, &r) != MV_OK)
		ck_abort_msg("loading %s: %s", dir, mv_ctx_error(ctx));
	return r;
}

/* Every rule the code can report has its row with the same severity, and every row names a
 * rule the code can report. */
START_TEST(test_table_matches_rules_def)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = load(ctx, SIGDIR);

	for (int i = 0; i < MV_R__COUNT; i++) {
		const struct mv_rule_info *ri = mv_rules_find(r, mv_rule_id((enum mv_rule)i));

		ck_assert_msg(ri != NULL, "rules.tsv has no row for %s", mv_rule_id((enum mv_rule)i));
		ck_assert_msg(ri->severity == mv_rule_severity((enum mv_rule)i),
		    "%s: rules.tsv says %s, rules.def says %s", ri->id,
		    mv_severity_name(ri->severity),
		    mv_severity_name(mv_rule_severity((enum mv_rule)i)));
	}
	for (size_t i = 0; i < mv_rules_count(r); i++)
		ck_assert_msg(mv_rule_lookup(mv_rules_get(r, i)->id) >= 0,
		    "rules.tsv lists %s, which no code declares in rules.def", mv_rules_get(r, i)->id);
	ck_assert_uint_eq(mv_rules_count(r), MV_R__COUNT);
	mv_rules_free(r);
	mv_ctx_free(ctx);
}
END_TEST

/* The provision table is the standard's: 72 provisions in 13 principles, with the counts per
 * principle, the unique ids, and every provision a rule cites present. */
START_TEST(test_provisions)
{
	static const unsigned per[MV_PRINCIPLE_COUNT] = {5, 9, 7, 5, 7, 6, 6, 6, 6, 5, 4, 4, 2};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = load(ctx, SIGDIR);
	unsigned count[MV_PRINCIPLE_COUNT] = {0}, scan[3] = {0};
	const char *missing = NULL;

	ck_assert_uint_eq(mv_provision_count(r), 72);
	for (size_t i = 0; i < mv_provision_count(r); i++) {
		const struct mv_provision *p = mv_provision_get(r, i);

		count[p->principle - 1]++;
		scan[p->scan]++;
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(mv_provision_get(r, k)->etsi, p->etsi);
		ck_assert_ptr_eq(mv_provision_find(r, p->etsi), p);
	}
	for (unsigned p = 0; p < MV_PRINCIPLE_COUNT; p++)
		ck_assert_msg(count[p] == per[p], "principle %u has %u provisions, not %u", p + 1,
		    count[p], per[p]);
	ck_assert_uint_eq(scan[MV_SCAN_YES], 7);
	ck_assert_uint_eq(scan[MV_SCAN_PARTIAL], 37);
	ck_assert_uint_eq(scan[MV_SCAN_NO], 28);
	for (size_t i = 0; i < mv_rules_count(r); i++) {
		const struct mv_rule_info *ri = mv_rules_get(r, i);

		for (size_t k = 0; k < ri->nprovisions; k++)
			ck_assert_ptr_eq(mv_provision_find(r, ri->provisions[k]->etsi),
			    ri->provisions[k]);
	}
	ck_assert_msg(mv_judge_producers_check(r, &missing), "mapping names %s", missing);
	mv_rules_free(r);
	mv_ctx_free(ctx);
}
END_TEST

/* ---- malformed tables: each is refused with the file and line ---- */

static char tmpdir[64];

static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
}

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	n = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = '\0';
	fclose(fp);
	return buf;
}

/* Replace the first occurrence of from with to in s (a new string). */
static char *
edit(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	char *out;

	ck_assert_msg(at != NULL, "fixture text '%s' not found", from);
	out = malloc(strlen(s) - strlen(from) + strlen(to) + 1);
	sprintf(out, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
	return out;
}

static const struct {
	const char *file;      /* which table is changed */
	const char *from, *to;
	const char *error;     /* part of the message */
} bad_tables[] = {
	{"rules.tsv", "id\tseverity", "rule\tseverity", "rules.tsv:1: the header"},
	{"rules.tsv", "\tcritical\tArchive member name climbs", "\tfatal\tArchive member name climbs",
	    "rules.tsv:2: severity 'fatal'"},
	{"rules.tsv", "5.1.2-2 (2.2), 5.2.3-1 (7.1)\tAML.T0011.000, AML.T0010.003",
	    "5.1.2-9 (2.9), 5.2.3-1 (7.1)\tAML.T0011.000, AML.T0010.003",
	    "rules.tsv:2: etsi item '5.1.2-9' names no provision"},
	{"rules.tsv", "5.1.2-2 (2.2), 5.2.3-1 (7.1)\tAML.T0011.000, AML.T0010.003",
	    "5.1.2-2 (2.3), 5.2.3-1 (7.1)\tAML.T0011.000, AML.T0010.003",
	    "rules.tsv:2: etsi item '5.1.2-2' has the wrong UK number"},
	{"rules.tsv", "AML.T0011.000, AML.T0010.003", "T0011, AML.T0010.003",
	    "rules.tsv:2: 'T0011' is not a MITRE ATLAS"},
	{"rules.tsv", "LLM03:2025, LLM04:2026", "LLM03, LLM04:2026",
	    "rules.tsv:2: 'LLM03' is not an OWASP"},
	{"rules.tsv", "archive.path.absolute\t", "archive.path.traversal\t",
	    "rule archive.path.traversal listed twice"},
	{"rules.tsv", "archive.path.absolute\t", "archive.path.other\t",
	    "no row for rule archive.path.absolute"},
	{"rules.tsv", "archive.path.traversal\tcritical\t", "Archive.Path\tcritical\t",
	    "rules.tsv:2: 'Archive.Path' is not a rule id"},
	{"rules.tsv", "\tDo not extract the archive with ordinary tools; rebuild it from the "
	    "original files with relative names that stay inside the package.\t", "\t\t",
	    "rules.tsv:2: column remediation is empty"},
	{"rules.tsv", "\tLLM03:2025, LLM04:2026\n", "\tLLM03:2025\tLLM04:2026\n",
	    "rules.tsv:2: 8 columns, expected 7"},
	{"principles.tsv", "5.1.1-1\t1.1\t", "5.1.1-1\t1.2\t",
	    "principles.tsv:2: UK number of 5.1.1-1 is 1.1, not 1.2"},
	{"principles.tsv", "5.1.1-1\t1.1\t1\tsecure-design", "5.1.1-1\t1.1\t1\tsecure-deployment",
	    "principles.tsv:2: principle 1 is in phase secure-design"},
	{"principles.tsv", "5.1.1-1\t1.1\t1\tsecure-design\tshall\tno",
	    "5.1.1-1\t1.1\t1\tsecure-design\tmust\tno", "principles.tsv:2: norm 'must'"},
	{"principles.tsv", "5.1.1-1\t1.1\t1\tsecure-design\tshall\tno",
	    "5.1.1-1\t1.1\t1\tsecure-design\tshall\tmaybe", "principles.tsv:2: scan 'maybe'"},
	{"principles.tsv", "5.1.1-1.1\t1.1.1\t", "5.1.1-1\t1.1\t",
	    "principles.tsv:3: provision 5.1.1-1 listed twice"},
	{"principles.tsv", "5.1.1-1\t1.1\t", "6.1.1-1\t1.1\t",
	    "principles.tsv:2: '6.1.1-1' is not an ETSI provision id"},
	{"principles.tsv", "5.5.1-2\t13.2\t", "# 5.5.1-2\t13.2\t",
	    "principles.tsv: 71 provisions; ETSI TS 104 223 has 72"},
	{"principles.tsv", "secure-design\tshall\tno\tPut", "secure-design\tshall\tno\t\tPut",
	    "principles.tsv:2: 9 columns"},
	{"rules.tsv", "archive.path.traversal", "archive.path.traversal\r",
	    "rules.tsv:2: carriage return"},
};

START_TEST(test_bad_tables)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = NULL;
	char *rules = slurp(SIGDIR "/rules.tsv"), *prov = slurp(SIGDIR "/principles.tsv"), *bad;
	int rules_changed = strcmp(bad_tables[_i].file, "rules.tsv") == 0;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/mavis-check-rules-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	bad = edit(rules_changed ? rules : prov, bad_tables[_i].from, bad_tables[_i].to);
	write_file(tmpdir, "rules.tsv", rules_changed ? bad : rules);
	write_file(tmpdir, "principles.tsv", rules_changed ? prov : bad);
	ck_assert_int_eq(mv_ctx_set_signatures(ctx, tmpdir), MV_OK);
	ck_assert_int_ne(mv_rules_load(ctx, &r), MV_OK);
	ck_assert_ptr_null(r);
	ck_assert_msg(strstr(mv_ctx_error(ctx), bad_tables[_i].error) != NULL,
	    "case %d: '%s' does not say '%s'", _i, mv_ctx_error(ctx), bad_tables[_i].error);
	ck_assert_msg(strstr(mv_ctx_error(ctx), tmpdir) != NULL, "no file name in '%s'",
	    mv_ctx_error(ctx));
	{
		char p[256];

		snprintf(p, sizeof(p), "%s/rules.tsv", tmpdir);
		unlink(p);
		snprintf(p, sizeof(p), "%s/principles.tsv", tmpdir);
		unlink(p);
		rmdir(tmpdir);
	}
	free(bad);
	free(rules);
	free(prov);
	mv_ctx_free(ctx);
}
END_TEST

START_TEST(test_missing_folder)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = NULL;

	ck_assert_int_eq(mv_ctx_set_signatures(ctx, "/nonexistent/mavis-signatures"), MV_OK);
	ck_assert_int_eq(mv_rules_load(ctx, &r), MV_ERR_NOTFOUND);
	ck_assert_ptr_nonnull(strstr(mv_ctx_error(ctx), "/nonexistent/mavis-signatures"));
	/* A folder without the tables names the table that is missing. */
	ck_assert_int_eq(mv_ctx_set_signatures(ctx, TESTDATA), MV_OK);
	ck_assert_int_ne(mv_rules_load(ctx, &r), MV_OK);
	ck_assert_ptr_nonnull(strstr(mv_ctx_error(ctx), "principles.tsv"));
	mv_ctx_free(ctx);
}
END_TEST

/* ---- policies ---- */

static const struct {
	const char *text;
	const char *error;     /* NULL: accepted */
} policies[] = {
	{"# nothing but a comment\n\n", NULL},
	{"fail-on medium\nseverity archive.symlink low\n", NULL},
	{"severity archive.* medium   # a glob over ids\n", NULL},
	{"suppress walk.symlink.broken \"cache/*\" \"left by the downloader; harmless\"\n", NULL},
	{"require signature\nforbid format pickle\nforbid format zip\n", NULL},
	{"fail-on severe\n", "p:1: not a severity (info, low, medium, high, critical): 'severe'"},
	{"fail-on high\nfail-on low\n", "p:2: fail-on given twice"},
	{"\nseverity archive.nosuch high\n", "p:2: matches no rule in rules.tsv: 'archive.nosuch'"},
	{"severity archive.symlink\n", "p:1: severity takes a rule and a severity"},
	{"severity archive.symlink low\nseverity archive.symlink info\n",
	    "p:2: severity given twice for 'archive.symlink'"},
	{"suppress walk.symlink * \n", "p:1: suppress takes a rule, a path and a reason"},
	{"suppress walk.symlink * this is fine\n", "p:1: put the reason in double quotes"},
	{"suppress walk.symlink * \"ok\"\n", "p:1: a suppression needs a reason"},
	{"suppress walk.symlink \"\" \"a real reason\"\n", "p:1: the path is empty"},
	{"suppress walk.symlink * \"unterminated\n", "p:1: a quoted string is not closed"},
	{"suppress walk.symlink * \"a\\q\"\n", "p:1: only \\\" and \\\\ may follow"},
	{"suppress walk.symlink * \"reason\"x\n", "p:1: a closing quote must end its word"},
	{"require keys\n", "p:1: require takes: require signature, or require format NAME"},
	{"require format safetensors gguf onnx\n", "p:1: not a format mavis recognises (see mavis-policy(5)): 'onnx'"},
	{"require format\n", "p:1: require format takes one or more format names"},
	{"require format gguf\nrequire format npy\n", "p:2: require format given twice"},
	{"require format safetensors gguf npy hdf5 pickle\nrequire signature\n", NULL},
	{"require signature\nrequire signature\n", "p:2: require signature given twice"},
	{"forbid format pickles\n", "p:1: not a format mavis recognises"},
	{"forbid pickle\n", "p:1: forbid takes: forbid format NAME"},
	{"permit everything\n", "p:1: unknown directive"},
	{"allow global __main__.Net\nallow global mylib.models.*\n", NULL},
	{"allow everything\n", "p:1: allow takes: allow global MODULE.NAME"},
	{"allow global Net\n", "p:1: not a dotted Python name MODULE.NAME or MODULE.*: 'Net'"},
	{"allow global os..system\n", "p:1: not a dotted Python name"},
	{"allow global a.b\nallow global a.b\n", "p:2: allowed twice: 'a.b'"},
	{"fail-on\thigh\x01\n", "p:1: control character"},
};

START_TEST(test_policy_parse)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = load(ctx, SIGDIR);
	struct mv_policy *pol = NULL;
	char dir[] = "/tmp/mavis-check-policy-XXXXXX", path[128];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	write_file(dir, "p", policies[_i].text);
	snprintf(path, sizeof(path), "%s/p", dir);
	ck_assert_int_eq(mv_policy_new(ctx, r, &pol), MV_OK);
	if (policies[_i].error == NULL) {
		ck_assert_msg(mv_policy_load(ctx, pol, path) == MV_OK, "case %d: %s", _i,
		    mv_ctx_error(ctx));
	} else {
		ck_assert_int_eq(mv_policy_load(ctx, pol, path), MV_ERR_FORMAT);
		ck_assert_msg(strstr(mv_ctx_error(ctx), policies[_i].error) != NULL,
		    "case %d: '%s' does not say '%s'", _i, mv_ctx_error(ctx), policies[_i].error);
	}
	unlink(path);
	rmdir(dir);
	mv_policy_free(pol);
	mv_rules_free(r);
	mv_ctx_free(ctx);
}
END_TEST

/* ---- judging a run ---- */

struct pkg {
	char dir[64];
};

/* A folder with one file and a symlink out of it (walk.symlink.escape, high). */
static void
pkg_make(struct pkg *p)
{
	char path[128];

	snprintf(p->dir, sizeof(p->dir), "/tmp/mavis-check-judge-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(p->dir));
	write_file(p->dir, "model.bin", "weights");
	snprintf(path, sizeof(path), "%s/out", p->dir);
	ck_assert_int_eq(symlink("/etc/hostname", path), 0);
}

static void
pkg_free(struct pkg *p)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/model.bin", p->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/out", p->dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/policy", p->dir);
	unlink(path);
	rmdir(p->dir);
}

static const struct {
	const char *policy;            /* NULL: the default */
	enum mv_severity fail_on;      /* applied after the policy when not INFO */
	enum mv_outcome outcome;
	size_t suppressed;
	enum mv_severity escape_sev;   /* severity of walk.symlink.escape after the policy */
} judge_cases[] = {
	{NULL, MV_SEV_INFO, MV_OUTCOME_FAIL, 0, MV_SEV_HIGH},
	{NULL, MV_SEV_CRITICAL, MV_OUTCOME_PASS, 0, MV_SEV_HIGH},
	{"severity walk.symlink.escape medium\n", MV_SEV_INFO, MV_OUTCOME_PASS, 0, MV_SEV_MEDIUM},
	{"severity walk.* critical\nfail-on critical\n", MV_SEV_INFO, MV_OUTCOME_FAIL, 0,
	    MV_SEV_CRITICAL},
	{"suppress walk.symlink.escape out \"points at the host name on purpose\"\n", MV_SEV_INFO,
	    MV_OUTCOME_PASS, 1, MV_SEV_HIGH},
	{"suppress walk.symlink.escape other \"does not cover the link\"\n", MV_SEV_INFO,
	    MV_OUTCOME_FAIL, 0, MV_SEV_HIGH},
	{"suppress walk.* */out \"a glob over the displayed path\"\n", MV_SEV_INFO, MV_OUTCOME_PASS,
	    1, MV_SEV_HIGH},
};

START_TEST(test_judge)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = load(ctx, SIGDIR);
	struct mv_policy *pol = NULL;
	struct mv_result *res = NULL;
	struct mv_judgement *j = NULL;
	struct pkg p;
	const char *in;
	int seen = 0;

	pkg_make(&p);
	in = p.dir;
	ck_assert_int_eq(mv_policy_new(ctx, r, &pol), MV_OK);
	if (judge_cases[_i].policy) {
		char path[128];

		write_file(p.dir, "policy", judge_cases[_i].policy);
		snprintf(path, sizeof(path), "%s/policy", p.dir);
		ck_assert_int_eq(mv_ctx_add_ignore(ctx, "policy"), MV_OK);
		ck_assert_msg(mv_policy_load(ctx, pol, path) == MV_OK, "%s", mv_ctx_error(ctx));
	}
	if (judge_cases[_i].fail_on != MV_SEV_INFO)
		mv_policy_set_fail_on(pol, judge_cases[_i].fail_on);
	ck_assert_int_eq(mv_run(ctx, &in, 1, &res), MV_OK);
	ck_assert_int_eq(mv_judge(ctx, r, pol, res, NULL, 0, &j), MV_OK);
	ck_assert_int_eq(mv_judgement_outcome(j), judge_cases[_i].outcome);
	ck_assert_uint_eq(mv_judgement_suppressed(j), judge_cases[_i].suppressed);
	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);

		if (strcmp(d->rule, "walk.symlink.escape") != 0)
			continue;
		seen = 1;
		ck_assert_int_eq(d->severity, judge_cases[_i].escape_sev);
		ck_assert_int_eq(d->default_severity, MV_SEV_HIGH);
		ck_assert_int_eq(d->suppressed != NULL, judge_cases[_i].suppressed != 0);
	}
	ck_assert(seen);
	/* The escape counts against 5.1.2-2 unless suppressed; the inventory is shown. */
	for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
		const struct mv_mapping *m = mv_judgement_mapping(j, i);

		if (strcmp(m->provision->etsi, "5.1.2-2") == 0)
			ck_assert_int_eq(m->state, judge_cases[_i].suppressed ? MV_MAP_MET :
			    MV_MAP_NOT_MET);
		if (strcmp(m->provision->etsi, "5.2.1-1") == 0)
			ck_assert_int_eq(m->state, judge_cases[_i].suppressed ? MV_MAP_MET :
			    MV_MAP_NOT_MET);
		if (m->provision->scan == MV_SCAN_NO)
			ck_assert_int_eq(m->state, MV_MAP_NOT_EVIDENCED);
	}
	mv_judgement_free(j);
	mv_result_free(res);
	mv_policy_free(pol);
	mv_rules_free(r);
	mv_ctx_free(ctx);
	pkg_free(&p);
}
END_TEST

/* Required checks become findings: a missing signature, a forbidden format. */
START_TEST(test_required_checks)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *r = load(ctx, SIGDIR);
	struct mv_policy *pol = NULL;
	struct mv_result *res = NULL;
	struct mv_judgement *j = NULL;
	struct mv_sigsummary sig = {.state = MV_SIGSTATE_VALID, .format = "OMS v1.0",
	    .method = "key", .signer = "ECDSA P-256 abcd", .resources = 1};
	char dir[] = "/tmp/mavis-check-req-XXXXXX", path[128];
	const char *in = dir;
	size_t req = 0, forbid = 0;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	/* Protocol 2 pickle of None: sniffed as pickle. */
	write_file(dir, "model.pkl", "\x80\x02N.");
	write_file(dir, "policy", "require signature\nforbid format pickle\n");
	snprintf(path, sizeof(path), "%s/policy", dir);
	ck_assert_int_eq(mv_ctx_add_ignore(ctx, "policy"), MV_OK);
	ck_assert_int_eq(mv_policy_new(ctx, r, &pol), MV_OK);
	ck_assert_int_eq(mv_policy_load(ctx, pol, path), MV_OK);
	ck_assert_int_eq(mv_run(ctx, &in, 1, &res), MV_OK);
	ck_assert_int_eq(mv_judge(ctx, r, pol, res, NULL, 0, &j), MV_OK);
	ck_assert_int_eq(mv_judgement_outcome(j), MV_OUTCOME_FAIL);
	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);

		if (strcmp(d->rule, "policy.signature.required") == 0) {
			req++;
			ck_assert_ptr_nonnull(strstr(d->evidence, "no signature was found"));
		}
		if (strcmp(d->rule, "policy.format.forbidden") == 0) {
			forbid++;
			ck_assert_ptr_nonnull(strstr(d->path, "model.pkl"));
		}
	}
	ck_assert_uint_eq(req, 1);
	ck_assert_uint_eq(forbid, 1);
	mv_judgement_free(j);
	/* "require format": a package with only a pickle has no safetensors or GGUF. */
	{
		struct mv_policy *fp = NULL;
		size_t freq = 0;

		write_file(dir, "models.policy", "require format safetensors gguf\n");
		snprintf(path, sizeof(path), "%s/models.policy", dir);
		ck_assert_int_eq(mv_policy_new(ctx, r, &fp), MV_OK);
		ck_assert_int_eq(mv_policy_load(ctx, fp, path), MV_OK);
		ck_assert_int_eq(mv_judge(ctx, r, fp, res, NULL, 0, &j), MV_OK);
		for (size_t i = 0; i < mv_judgement_count(j); i++) {
			const struct mv_judged *d = mv_judgement_get(j, i);

			if (strcmp(d->rule, "policy.format.required") == 0) {
				freq++;
				ck_assert_str_eq(d->path, dir);
				ck_assert_ptr_nonnull(strstr(d->evidence, "(safetensors, gguf)"));
			}
		}
		ck_assert_uint_eq(freq, 1);
		ck_assert_int_eq(mv_judgement_outcome(j), MV_OUTCOME_FAIL);
		mv_judgement_free(j);
		mv_policy_free(fp);
		snprintf(path, sizeof(path), "%s/models.policy", dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/policy", dir);
	}
	/* With a verified signature only the format is left, and the signature provisions are
	 * shown with the signer. */
	sig.input = dir;
	ck_assert_int_eq(mv_judge(ctx, r, pol, res, &sig, 1, &j), MV_OK);
	req = 0;
	for (size_t i = 0; i < mv_judgement_count(j); i++)
		if (strcmp(mv_judgement_get(j, i)->rule, "policy.signature.required") == 0)
			req++;
	ck_assert_uint_eq(req, 0);
	for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
		const struct mv_mapping *m = mv_judgement_mapping(j, i);

		if (strcmp(m->provision->etsi, "5.2.1-2") == 0) {
			ck_assert_int_eq(m->state, MV_MAP_MET);
			ck_assert_ptr_nonnull(strstr(m->evidence, "ECDSA P-256 abcd"));
		}
	}
	mv_judgement_free(j);
	mv_result_free(res);
	mv_policy_free(pol);
	mv_rules_free(r);
	mv_ctx_free(ctx);
	snprintf(path, sizeof(path), "%s/model.pkl", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/policy", dir);
	unlink(path);
	rmdir(dir);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("rules");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_table_matches_rules_def);
	tcase_add_test(tc, test_provisions);
	tcase_add_loop_test(tc, test_bad_tables, 0, sizeof(bad_tables) / sizeof(bad_tables[0]));
	tcase_add_test(tc, test_missing_folder);
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_loop_test(tc, test_policy_parse, 0, sizeof(policies) / sizeof(policies[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("judge");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_judge, 0, sizeof(judge_cases) / sizeof(judge_cases[0]));
	tcase_add_test(tc, test_required_checks);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
