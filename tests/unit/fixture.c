/* SPDX-License-Identifier: Apache-2.0 */
/* fixture.c: running mv_run with the analysers over a fixture and comparing the findings
 * with its row of expected.tsv. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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

static int
has_suffix(const char *s, const char *sfx)
{
	size_t n = strlen(s), m = strlen(sfx);

	return n > m && strcmp(s + n - m, sfx) == 0;
}

static void
copy_file(const char *from, const char *to)
{
	FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
	char buf[8192];
	size_t n;

	ck_assert_msg(in && out, "copy %s to %s: %s", from, to, strerror(errno));
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		ck_assert_uint_eq(fwrite(buf, 1, n, out), n);
	ck_assert_int_eq(ferror(in), 0);
	fclose(in);
	ck_assert_int_eq(fclose(out), 0);
}

/*
 * make dist copies what a symlink points at, not the link, so a fixture folder that needs a
 * link holds NAME.symlink with the target instead. Such a folder (flat) is copied into the
 * build tree with the real links made; any other fixture is used where it is.
 */
static char *
fixture_stage(const char *dir, const char *name, char *src)
{
	DIR *d = opendir(src);
	struct dirent *e;
	char *dst = NULL;
	int links = 0;

	if (d == NULL)
		return src;
	while ((e = readdir(d)) != NULL)
		links |= has_suffix(e->d_name, ".symlink");
	if (!links) {
		closedir(d);
		return src;
	}
	dst = mv_asprintf("%s/tests/unit/staged-%s-%s", BUILDDIR, dir, name);
	ck_assert_ptr_nonnull(dst);
	rewinddir(d);
	ck_assert_msg(mkdir(dst, 0755) == 0 || errno == EEXIST, "%s: %s", dst, strerror(errno));
	while ((e = readdir(d)) != NULL) {
		char *from = mv_asprintf("%s/%s", src, e->d_name);
		char *to = mv_asprintf("%s/%s", dst, e->d_name);
		struct stat sb;

		ck_assert_ptr_nonnull(from);
		ck_assert_ptr_nonnull(to);
		ck_assert_int_eq(lstat(from, &sb), 0);
		if (S_ISREG(sb.st_mode) && has_suffix(e->d_name, ".symlink")) {
			char target[4096];
			FILE *fp = fopen(from, "r");

			ck_assert_ptr_nonnull(fp);
			ck_assert_ptr_nonnull(fgets(target, sizeof(target), fp));
			fclose(fp);
			target[strcspn(target, "\n")] = '\0';
			to[strlen(to) - strlen(".symlink")] = '\0';
			(void)unlink(to);
			ck_assert_msg(symlink(target, to) == 0, "%s: %s", to, strerror(errno));
		} else if (S_ISREG(sb.st_mode)) {
			copy_file(from, to);
		} else {
			ck_assert_msg(S_ISDIR(sb.st_mode) && e->d_name[0] == '.',
			    "%s: a fixture with links must be one flat folder", from);
		}
		free(from);
		free(to);
	}
	closedir(d);
	free(src);
	return dst;
}

char *
mv_fixture_unlisted(const struct mv_result *res, char *const *rules, size_t nrules)
{
	char *s = mv_strdup("");

	for (size_t i = 0; s && i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);
		char *more;
		int listed = 0;

		if (f->severity < MV_SEV_LOW)
			continue;
		for (size_t k = 0; k < nrules && !listed; k++)
			listed = strcmp(f->rule, rules[k]) == 0;
		if (listed)
			continue;
		/* Each rule once, however often it fires. */
		for (size_t j = 0; j < i && !listed; j++)
			listed = mv_result_finding(res, j)->severity >= MV_SEV_LOW &&
			    strcmp(mv_result_finding(res, j)->rule, f->rule) == 0;
		if (listed)
			continue;
		more = mv_asprintf("%s%s%s", s, s[0] ? "," : "", f->rule);
		free(s);
		s = more;
	}
	ck_assert_ptr_nonnull(s);
	if (s[0] == '\0') {
		free(s);
		return NULL;
	}
	return s;
}

void
mv_fixture_check(const char *dir, const struct mv_fixture *fx)
{
	char *path = fixture_stage(dir, fx->name,
	    mv_asprintf("%s/%s/%s", TESTDATA, dir, fx->name));
	const char *inputs[1];
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	char *all, *extra;

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
	extra = mv_fixture_unlisted(res, fx->rules, fx->nrules);
	ck_assert_msg(extra == NULL, "%s: %s reported above info but not listed in %s/expected.tsv:"
	    "\n%s", fx->name, extra, dir, all);
	free(all);
	mv_result_free(res);
	mv_ctx_free(ctx);
	free(path);
}
