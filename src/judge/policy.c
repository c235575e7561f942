/* SPDX-License-Identifier: Apache-2.0 */
/* policy.c: the policy a scan is judged by: fail level, severity overrides, suppressions with
 * reasons, and required checks, read from a small line-based file (mavis-policy(5)). */
#include "config.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/array.h"
#include "core/ctx.h"
#include "core/format.h"
#include "core/str.h"
#include "judge/judge.h"

#define MV_POLICY_WORDS 40
#define MV_POLICY_LINE 4096

mv_status
mv_policy_new(struct mv_ctx *ctx, const struct mv_rules *rules, struct mv_policy **out)
{
	struct mv_policy *pol = calloc(1, sizeof(*pol));

	*out = NULL;
	if (pol == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	pol->rules = rules;
	pol->fail_on = MV_SEV_HIGH;
	*out = pol;
	return MV_OK;
}

void
mv_policy_free(struct mv_policy *pol)
{
	if (pol == NULL)
		return;
	for (size_t i = 0; i < pol->nsev; i++)
		free(pol->sev[i].rule);
	for (size_t i = 0; i < pol->nsup; i++) {
		free(pol->sup[i].rule);
		free(pol->sup[i].path);
		free(pol->sup[i].reason);
	}
	for (size_t i = 0; i < pol->nforbid; i++)
		free(pol->forbid[i].format);
	for (size_t i = 0; i < pol->nallow; i++) {
		free(pol->allow[i].name);
		free(pol->allow[i].reason);
	}
	free(pol->allow);
	for (size_t i = 0; i < pol->nrequire_format; i++)
		free(pol->require_format[i]);
	free(pol->require_format);
	for (size_t i = 0; i < pol->ntrust_roots; i++)
		free(pol->trust_roots[i]);
	free(pol->trust_roots);
	free(pol->trust_key);
	for (int i = 0; i < 3; i++)
		free(pol->trust_sigstore[i]);
	free(pol->sev);
	free(pol->sup);
	free(pol->forbid);
	free(pol->file);
	free(pol);
}

const char *
mv_policy_trust_key(const struct mv_policy *pol)
{
	return pol->trust_key;
}

size_t
mv_policy_trust_roots(const struct mv_policy *pol, const char *const **roots)
{
	*roots = (const char *const *)pol->trust_roots;
	return pol->ntrust_roots;
}

const char *
mv_policy_trust_sigstore(const struct mv_policy *pol, const char **identity,
    const char **issuer)
{
	*identity = pol->trust_sigstore[1];
	*issuer = pol->trust_sigstore[2];
	return pol->trust_sigstore[0];
}

void
mv_policy_set_fail_on(struct mv_policy *pol, enum mv_severity sev)
{
	pol->fail_on = sev;
}

enum mv_severity
mv_policy_fail_on(const struct mv_policy *pol)
{
	return pol->fail_on;
}

/*
 * Split a line into words: runs of characters other than space and tab, or double-quoted
 * strings in which \" and \\ stand for " and \. A # outside quotes at the start of a word
 * begins a comment. The line is rewritten in place. Returns the word count, or -1 with *err.
 */
static int
split_words(char *line, char **w, int max, const char **err)
{
	char *r = line, *o = line;
	int n = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t')
			r++;
		if (*r == '\0' || *r == '#')
			return n;
		if (n == max) {
			*err = "too many words";
			return -1;
		}
		w[n++] = o;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0') {
					*err = "a quoted string is not closed";
					return -1;
				}
				if (*r == '"') {
					r++;
					break;
				}
				if (*r == '\\') {
					if (r[1] != '"' && r[1] != '\\') {
						*err = "only \\\" and \\\\ may follow a backslash in quotes";
						return -1;
					}
					r++;
				}
				*o++ = *r++;
			}
			if (*r != '\0' && *r != ' ' && *r != '\t') {
				*err = "a closing quote must end its word";
				return -1;
			}
		} else {
			while (*r && *r != ' ' && *r != '\t') {
				if (*r == '"') {
					*err = "a quote inside a word";
					return -1;
				}
				*o++ = *r++;
			}
		}
		if (*r)
			r++;
		*o++ = '\0';
	}
}

/* A rule glob must match some rule of the table, so a typo cannot silently do nothing. */
static int
rule_pattern_known(const struct mv_rules *rules, const char *pat)
{
	for (size_t i = 0; i < mv_rules_count(rules); i++)
		if (fnmatch(pat, mv_rules_get(rules, i)->id, 0) == 0)
			return 1;
	return 0;
}

static int
format_known(const char *name)
{
	for (int f = 0; f < MV_FMT__COUNT; f++)
		if (strcmp(mv_format_name((enum mv_format)f), name) == 0)
			return 1;
	return 0;
}

static mv_status
fail(struct mv_ctx *ctx, const char *file, size_t line, const char *msg, const char *arg)
{
	return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s:%zu: %s%s%s%s", file, line, msg,
	    arg ? " '" : "", arg ? arg : "", arg ? "'" : "");
}

/*
 * "trust key FILE", "trust cert-chain FILE" and "trust sigstore ROOT IDENTITY ISSUER": the
 * trust material a registry or a release gate keeps beside its policy, so every scan verifies
 * signatures without options. A relative FILE is taken from the policy's folder, as a policy
 * moves with its keys; it must be readable now, so that a typo stops the scan before the walk.
 */
static mv_status
trust(struct mv_ctx *ctx, struct mv_policy *pol, const char *file, size_t line, char **w,
    int n)
{
	const char *slash = strrchr(file, '/');
	int key = n == 3 && strcmp(w[1], "key") == 0;
	int keyless = n == 5 && strcmp(w[1], "sigstore") == 0;
	int roots = !key && !keyless;
	int methods = (pol->trust_key != NULL) + (pol->ntrust_roots > 0) +
	    (pol->trust_sigstore[0] != NULL);
	char *path;

	if (!keyless && (n != 3 || (!key && strcmp(w[1], "cert-chain") != 0)))
		return fail(ctx, file, line, "trust takes: trust key FILE, trust cert-chain FILE, "
		    "or trust sigstore TRUSTED_ROOT IDENTITY ISSUER", NULL);
	if ((key && pol->trust_key != NULL) || (keyless && pol->trust_sigstore[0] != NULL))
		return fail(ctx, file, line, "trust given twice for", w[1]);
	if (roots && pol->ntrust_roots >= 16)
		return fail(ctx, file, line, "more than 16 trust cert-chain lines", NULL);
	/* Another kind given already (more roots after roots are fine). */
	if (methods > 0 && !(roots && pol->ntrust_roots > 0))
		return fail(ctx, file, line, "trust one of a key, certificate roots or a Sigstore "
		    "root, not several", NULL);
	if (w[2][0] == '/' || slash == NULL)
		path = mv_strdup(w[2]);
	else
		path = mv_asprintf("%.*s/%s", (int)(slash - file), file, w[2]);
	if (path == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (access(path, R_OK) != 0) {
		mv_status st = fail(ctx, file, line, "cannot read the trust file", path);

		free(path);
		return st;
	}
	if (key) {
		pol->trust_key = path;
		return MV_OK;
	}
	if (keyless) {
		pol->trust_sigstore[0] = path;
		if ((pol->trust_sigstore[1] = mv_strdup(w[3])) == NULL ||
		    (pol->trust_sigstore[2] = mv_strdup(w[4])) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		return MV_OK;
	}
	if (MV_ARRAY_RESERVE(pol->trust_roots, pol->trust_rootscap, pol->ntrust_roots + 1, SIZE_MAX) != 0) {
		free(path);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	pol->trust_roots[pol->ntrust_roots++] = path;
	return MV_OK;
}

/* MODULE.NAME as a pickle or a Hydra config names it (at least two parts), or MODULE.*
 * for every name of MODULE. */
static int
global_name_valid(const char *s)
{
	size_t n = strlen(s);

	if (n > 2 && strcmp(s + n - 2, ".*") == 0)
		return mv_pyname_valid(s, n - 2);
	return mv_pyname_valid(s, n) && memchr(s, '.', n) != NULL;
}

/* "allow global MODULE.NAME": a callable of the user's own (a model class from __main__ or
 * a project module) that may load although no list vouches for it. */
static mv_status
allow_global(struct mv_ctx *ctx, struct mv_policy *pol, const char *file, size_t line,
    char **w, int n)
{
	struct mv_pol_allow *a;

	if (n != 3 || strcmp(w[1], "global") != 0)
		return fail(ctx, file, line, "allow takes: allow global MODULE.NAME", NULL);
	if (!global_name_valid(w[2]))
		return fail(ctx, file, line, "not a dotted Python name MODULE.NAME or MODULE.*:",
		    w[2]);
	for (size_t i = 0; i < pol->nallow; i++)
		if (strcmp(pol->allow[i].name, w[2]) == 0)
			return fail(ctx, file, line, "allowed twice:", w[2]);
	if (MV_ARRAY_RESERVE(pol->allow, pol->allowcap, pol->nallow + 1, SIZE_MAX) != 0)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	a = &pol->allow[pol->nallow++];
	a->line = line;
	a->name = mv_strdup(w[2]);
	a->reason = mv_asprintf("allowed by %s:%zu: allow global %s", file, line, w[2]);
	if (a->name == NULL || a->reason == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	return MV_OK;
}

static mv_status
directive(struct mv_ctx *ctx, struct mv_policy *pol, const char *file, size_t line, char **w,
    int n)
{
	enum mv_severity sev;

	if (strcmp(w[0], "fail-on") == 0) {
		if (n != 2)
			return fail(ctx, file, line, "fail-on takes one severity", NULL);
		if (pol->fail_on_line)
			return fail(ctx, file, line, "fail-on given twice", NULL);
		if (mv_severity_parse(w[1], &sev) != MV_OK)
			return fail(ctx, file, line, "not a severity (info, low, medium, high, "
			    "critical):", w[1]);
		pol->fail_on = sev;
		pol->fail_on_line = line;
		return MV_OK;
	}
	if (strcmp(w[0], "severity") == 0) {
		if (n != 3)
			return fail(ctx, file, line, "severity takes a rule and a severity", NULL);
		if (!rule_pattern_known(pol->rules, w[1]))
			return fail(ctx, file, line, "matches no rule in rules.tsv:", w[1]);
		if (mv_severity_parse(w[2], &sev) != MV_OK)
			return fail(ctx, file, line, "not a severity (info, low, medium, high, "
			    "critical):", w[2]);
		for (size_t i = 0; i < pol->nsev; i++)
			if (strcmp(pol->sev[i].rule, w[1]) == 0)
				return fail(ctx, file, line, "severity given twice for", w[1]);
		if (MV_ARRAY_RESERVE(pol->sev, pol->sevcap, pol->nsev + 1, SIZE_MAX) != 0)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		pol->sev[pol->nsev].sev = sev;
		pol->sev[pol->nsev].line = line;
		if ((pol->sev[pol->nsev].rule = mv_strdup(w[1])) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		pol->nsev++;
		return MV_OK;
	}
	if (strcmp(w[0], "suppress") == 0) {
		struct mv_pol_suppress *s;

		if (n < 4)
			return fail(ctx, file, line, "suppress takes a rule, a path and a reason: "
			    "suppress RULE PATH \"REASON\"", NULL);
		if (n > 4)
			return fail(ctx, file, line, "put the reason in double quotes: suppress RULE "
			    "PATH \"REASON\"", NULL);
		if (!rule_pattern_known(pol->rules, w[1]))
			return fail(ctx, file, line, "matches no rule in rules.tsv:", w[1]);
		if (w[2][0] == '\0')
			return fail(ctx, file, line, "the path is empty (use * for every path)", NULL);
		if (strlen(w[3]) < 3)
			return fail(ctx, file, line, "a suppression needs a reason a reviewer can read",
			    NULL);
		if (MV_ARRAY_RESERVE(pol->sup, pol->supcap, pol->nsup + 1, SIZE_MAX) != 0)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		s = &pol->sup[pol->nsup];
		memset(s, 0, sizeof(*s));
		s->line = line;
		s->rule = mv_strdup(w[1]);
		s->path = mv_strdup(w[2]);
		s->reason = mv_strdup(w[3]);
		pol->nsup++;
		if (s->rule == NULL || s->path == NULL || s->reason == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		return MV_OK;
	}
	if (strcmp(w[0], "require") == 0 && n >= 2 && strcmp(w[1], "format") == 0) {
		if (n < 3)
			return fail(ctx, file, line, "require format takes one or more format names",
			    NULL);
		if (pol->require_format_line)
			return fail(ctx, file, line, "require format given twice", NULL);
		if ((pol->require_format = calloc((size_t)n - 2, sizeof(char *))) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		pol->require_format_line = line;
		for (int i = 2; i < n; i++) {
			if (!format_known(w[i]))
				return fail(ctx, file, line, "not a format mavis recognises (see "
				    "mavis-policy(5)):", w[i]);
			if ((pol->require_format[pol->nrequire_format++] = mv_strdup(w[i])) == NULL)
				return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		}
		return MV_OK;
	}
	if (strcmp(w[0], "require") == 0) {
		if (n != 2 || strcmp(w[1], "signature") != 0)
			return fail(ctx, file, line, "require takes: require signature, or require "
			    "format NAME...", NULL);
		if (pol->require_signature)
			return fail(ctx, file, line, "require signature given twice", NULL);
		pol->require_signature = line;
		return MV_OK;
	}
	if (strcmp(w[0], "forbid") == 0) {
		if (n != 3 || strcmp(w[1], "format") != 0)
			return fail(ctx, file, line, "forbid takes: forbid format NAME", NULL);
		if (!format_known(w[2]))
			return fail(ctx, file, line, "not a format mavis recognises (see "
			    "mavis-policy(5)):", w[2]);
		for (size_t i = 0; i < pol->nforbid; i++)
			if (strcmp(pol->forbid[i].format, w[2]) == 0)
				return fail(ctx, file, line, "format forbidden twice:", w[2]);
		if (MV_ARRAY_RESERVE(pol->forbid, pol->forbidcap, pol->nforbid + 1, SIZE_MAX) != 0)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		pol->forbid[pol->nforbid].line = line;
		if ((pol->forbid[pol->nforbid].format = mv_strdup(w[2])) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		pol->nforbid++;
		return MV_OK;
	}
	if (strcmp(w[0], "trust") == 0)
		return trust(ctx, pol, file, line, w, n);
	if (strcmp(w[0], "allow") == 0)
		return allow_global(ctx, pol, file, line, w, n);
	return fail(ctx, file, line, "unknown directive (fail-on, severity, suppress, require, "
	    "forbid, trust, allow):", w[0]);
}

mv_status
mv_policy_load(struct mv_ctx *ctx, struct mv_policy *pol, const char *file)
{
	char *buf = NULL, *line, *next;
	size_t len, lineno = 0;
	mv_status st;

	if (pol->file)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "%s: a policy was read already", file);
	if ((st = mv_text_read(ctx, file, MV_TABLE_MAX, &buf, &len)) != MV_OK)
		return st;
	for (line = buf; line && *line; line = next) {
		char *w[MV_POLICY_WORDS];
		const char *err = NULL;
		int n;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (strlen(line) > MV_POLICY_LINE) {
			st = fail(ctx, file, lineno, "line longer than 4096 bytes", NULL);
			goto done;
		}
		for (const unsigned char *p = (const unsigned char *)line; *p; p++)
			if ((*p < 0x20 && *p != '\t') || *p == 0x7f) {
				st = fail(ctx, file, lineno, "control character in the line", NULL);
				goto done;
			}
		if ((n = split_words(line, w, MV_POLICY_WORDS, &err)) < 0) {
			st = fail(ctx, file, lineno, err, NULL);
			goto done;
		}
		if (n == 0)
			continue;
		if ((st = directive(ctx, pol, file, lineno, w, n)) != MV_OK)
			goto done;
	}
	if ((pol->file = mv_strdup(file)) == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	free(buf);
	return st;
}

enum mv_severity
mv_policy_severity(const struct mv_policy *pol, const char *rule, enum mv_severity dflt)
{
	/* An exact id wins over a glob; among globs, the last one in the file. */
	enum mv_severity sev = dflt;

	for (size_t i = 0; i < pol->nsev; i++) {
		if (strcmp(pol->sev[i].rule, rule) == 0)
			return pol->sev[i].sev;
		if (fnmatch(pol->sev[i].rule, rule, 0) == 0)
			sev = pol->sev[i].sev;
	}
	return sev;
}

/* The path of a finding relative to its input: what a policy writer sees in the package. */
static const char *
relative(const struct mv_result *res, const char *path, char *tmp, size_t tmpsize)
{
	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		const char *in = mv_result_input(res, i), *base;
		size_t n = strlen(in);

		while (n > 1 && in[n - 1] == '/')
			n--;
		if (strncmp(path, in, n) != 0)
			continue;
		if (path[n] == '/')
			return path + n + 1;
		for (base = in + n; base > in && base[-1] != '/'; base--)
			;
		if ((path[n] == '\0' || (path[n] == '!' && path[n + 1] == '/')) &&
		    (size_t)(in + n - base) + strlen(path + n) < tmpsize) {
			snprintf(tmp, tmpsize, "%.*s%s", (int)(in + n - base), base, path + n);
			return tmp;
		}
	}
	return path;
}

const char *
mv_policy_suppression(const struct mv_policy *pol, const struct mv_result *res,
    const char *rule, const char *path)
{
	char tmp[4096];
	const char *rel = NULL;

	for (size_t i = 0; i < pol->nsup; i++) {
		const struct mv_pol_suppress *s = &pol->sup[i];

		if (fnmatch(s->rule, rule, 0) != 0)
			continue;
		if (rel == NULL)
			rel = relative(res, path, tmp, sizeof(tmp));
		if (fnmatch(s->path, rel, 0) == 0 || fnmatch(s->path, path, 0) == 0)
			return s->reason;
	}
	return NULL;
}

const char *
mv_policy_allowed_global(const struct mv_policy *pol, const char *rule, const char *evidence)
{
	static const char head[] = "'" MV_ALLOW_GLOBAL;
	const char *h = NULL, *name, *end;
	size_t n;

	if (pol->nallow == 0 || (strcmp(rule, mv_rule_id(MV_R_PICKLE_GLOBAL_UNKNOWN)) != 0 &&
	    strcmp(rule, mv_rule_id(MV_R_NEMO_TARGET_UNTRUSTED)) != 0))
		return NULL;
	/* The hint is the end of the evidence; a quoted argument earlier in it is not. */
	for (const char *s = evidence; (s = strstr(s, head)) != NULL; s++)
		h = s;
	if (h == NULL)
		return NULL;
	name = h + sizeof(head) - 1;
	if ((end = strchr(name, '\'')) == NULL || strcmp(end, "')") != 0)
		return NULL;
	n = (size_t)(end - name);
	for (size_t i = 0; i < pol->nallow; i++) {
		const char *a = pol->allow[i].name;
		size_t al = strlen(a);

		if (al == n && memcmp(a, name, n) == 0)
			return pol->allow[i].reason;
		/* MODULE.*: a name directly in MODULE. */
		if (al > 2 && strcmp(a + al - 2, ".*") == 0 && n > al - 1 &&
		    memcmp(a, name, al - 1) == 0 && memchr(name + al - 1, '.', n - (al - 1)) == NULL)
			return pol->allow[i].reason;
	}
	return NULL;
}
