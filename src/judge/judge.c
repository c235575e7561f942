/* SPDX-License-Identifier: Apache-2.0 */
/* judge.c: apply a policy to a run: severities, suppressions, required checks, the verdict. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/str.h"
#include "judge/judge.h"

const char *
mv_sigstate_name(enum mv_sigstate s)
{
	switch (s) {
	case MV_SIGSTATE_ABSENT: return "absent";
	case MV_SIGSTATE_UNCHECKED: return "unchecked";
	case MV_SIGSTATE_VALID: return "valid";
	case MV_SIGSTATE_INVALID: return "invalid";
	case MV_SIGSTATE_INCOMPLETE: return "incomplete";
	}
	return "absent";
}

const char *
mv_outcome_name(enum mv_outcome o)
{
	switch (o) {
	case MV_OUTCOME_PASS: return "pass";
	case MV_OUTCOME_FAIL: return "fail";
	case MV_OUTCOME_INCOMPLETE: return "incomplete";
	}
	return "incomplete";
}

const char *
mv_mapstate_name(enum mv_mapstate s)
{
	switch (s) {
	case MV_MAP_MET: return "met";
	case MV_MAP_NOT_MET: return "not-met";
	case MV_MAP_NOT_EVIDENCED: return "not-evidenced";
	}
	return "not-evidenced";
}

const char *
mv_judge_keep(struct mv_judgement *j, char *s)
{
	if (s == NULL)
		return NULL;
	if (MV_ARRAY_RESERVE(j->strings, j->capstrings, j->nstrings + 1, SIZE_MAX) != 0) {
		free(s);
		return NULL;
	}
	j->strings[j->nstrings++] = s;
	return s;
}

static mv_status
copy_sigs(struct mv_judgement *j, const struct mv_sigsummary *sigs, size_t n)
{
	if (n == 0)
		return MV_OK;
	if ((j->sig = calloc(n, sizeof(*j->sig))) == NULL)
		return MV_ERR_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const char **dst[] = {&j->sig[i].input, &j->sig[i].signature, &j->sig[i].format,
		    &j->sig[i].method, &j->sig[i].signer};
		const char *src[] = {sigs[i].input, sigs[i].signature, sigs[i].format,
		    sigs[i].method, sigs[i].signer};

		j->sig[i].state = sigs[i].state;
		j->sig[i].resources = sigs[i].resources;
		for (size_t k = 0; k < sizeof(src) / sizeof(src[0]); k++) {
			if (src[k] == NULL)
				continue;
			if ((*dst[k] = mv_judge_keep(j, mv_strdup(src[k]))) == NULL)
				return MV_ERR_NOMEM;
		}
		j->nsig++;
	}
	return MV_OK;
}

static const char *
sig_problem(const struct mv_sigsummary *s)
{
	switch (s->state) {
	case MV_SIGSTATE_ABSENT: return "no signature was found";
	case MV_SIGSTATE_UNCHECKED: return "its signature was not checked (no key or "
	    "certificate given)";
	case MV_SIGSTATE_INVALID: return "its signature does not verify";
	case MV_SIGSTATE_INCOMPLETE: return "its signature could not be checked to the end";
	case MV_SIGSTATE_VALID: break;
	}
	return NULL;
}

/* "require format": each input must hold content of one of the formats named (a registry
 * refusing uploads that are not models). */
static mv_status
required_format(struct mv_judgement *j)
{
	const struct mv_policy *pol = j->pol;
	const struct mv_result *res = j->res;
	mv_status st;

	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		const char *in = mv_result_input(res, i);
		struct mv_buf names;
		int found = 0;

		for (size_t k = 0; k < mv_result_entry_count(res) && !found; k++) {
			const struct mv_entry *e = mv_result_entry(res, k);

			if (e->format == NULL || strcmp(e->input, in) != 0)
				continue;
			for (size_t f = 0; f < pol->nrequire_format && !found; f++)
				found = strcmp(e->format, pol->require_format[f]) == 0;
		}
		if (found)
			continue;
		mv_buf_init(&names, 4096);
		for (size_t f = 0; f < pol->nrequire_format; f++)
			mv_buf_printf(&names, "%s%s", f ? ", " : "", pol->require_format[f]);
		st = mv_buf_terminate(&names);
		if (st == MV_OK)
			st = mv_findings_add(&j->own, MV_R_POLICY_FORMAT_REQUIRED, in, -1,
			    "no content of a format %s:%zu requires (%s)", pol->file,
			    pol->require_format_line, (const char *)names.p);
		mv_buf_free(&names);
		if (st != MV_OK)
			return st;
	}
	return MV_OK;
}

/* The checks a policy requires, as findings of their own so they can be overridden and
 * suppressed like any other. */
static mv_status
required_checks(struct mv_judgement *j)
{
	const struct mv_policy *pol = j->pol;
	const struct mv_result *res = j->res;
	mv_status st;

	if (pol->require_signature) {
		for (size_t i = 0; i < mv_result_input_count(res); i++) {
			const char *in = mv_result_input(res, i), *why = "no signature was found";

			for (size_t k = 0; k < j->nsig; k++)
				if (j->sig[k].input && strcmp(j->sig[k].input, in) == 0)
					why = sig_problem(&j->sig[k]);
			if (why == NULL)
				continue;
			if ((st = mv_findings_add(&j->own, MV_R_POLICY_SIGNATURE_REQUIRED, in, -1,
			    "%s:%zu requires a valid signature; %s", pol->file, pol->require_signature,
			    why)) != MV_OK)
				return st;
		}
	}
	if (pol->require_format_line && (st = required_format(j)) != MV_OK)
		return st;
	for (size_t i = 0; pol->nforbid && i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->format == NULL)
			continue;
		for (size_t k = 0; k < pol->nforbid; k++) {
			if (strcmp(e->format, pol->forbid[k].format) != 0)
				continue;
			if ((st = mv_findings_add(&j->own, MV_R_POLICY_FORMAT_FORBIDDEN, e->path, -1,
			    "%s content; %s:%zu forbids the format", e->format, pol->file,
			    pol->forbid[k].line)) != MV_OK)
				return st;
		}
	}
	return MV_OK;
}

static mv_status
judge_one(struct mv_judgement *j, const struct mv_finding *f)
{
	struct mv_judged *d = &j->f[j->nf++];
	const struct mv_rule_info *ri = mv_rules_find(j->rules, f->rule);

	d->rule = f->rule;
	d->path = f->path;
	d->offset = f->offset;
	d->evidence = f->evidence;
	d->info = ri;
	/* The loader refuses a table without a row for any rule this build reports, so ri is
	 * only missing for a finding made up by a caller; it keeps its own severity. */
	d->default_severity = ri ? ri->severity : f->severity;
	d->severity = mv_policy_severity(j->pol, f->rule, d->default_severity);
	d->suppressed = mv_policy_suppression(j->pol, j->res, f->rule, f->path);
	if (d->suppressed == NULL)
		d->suppressed = mv_policy_allowed_global(j->pol, f->rule, f->evidence);
	if (d->suppressed)
		j->suppressed++;
	else if (d->severity >= j->pol->fail_on)
		j->failing++;
	return MV_OK;
}

mv_status
mv_judge(struct mv_ctx *ctx, const struct mv_rules *rules, const struct mv_policy *pol,
    const struct mv_result *res, const struct mv_sigsummary *sigs, size_t nsigs,
    struct mv_judgement **out)
{
	struct mv_judgement *j = calloc(1, sizeof(*j));
	size_t n;
	mv_status st;

	*out = NULL;
	if (j == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	j->rules = rules;
	j->pol = pol;
	j->res = res;
	if ((st = copy_sigs(j, sigs, nsigs)) != MV_OK || (st = required_checks(j)) != MV_OK)
		goto nomem;
	n = mv_result_finding_count(res) + j->own.n;
	if (n && (j->f = calloc(n, sizeof(*j->f))) == NULL)
		goto nomem;
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		judge_one(j, mv_result_finding(res, i));
	for (size_t i = 0; i < j->own.n; i++)
		judge_one(j, &j->own.v[i]);
	/* Fail closed: what was not read to its end cannot pass, whatever is suppressed. */
	if (mv_result_incomplete(res))
		j->outcome = MV_OUTCOME_INCOMPLETE;
	else if (j->failing)
		j->outcome = MV_OUTCOME_FAIL;
	else
		j->outcome = MV_OUTCOME_PASS;
	if ((st = mv_judge_map(j)) != MV_OK)
		goto nomem;
	*out = j;
	return MV_OK;
nomem:
	mv_judgement_free(j);
	return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

enum mv_outcome
mv_judgement_outcome(const struct mv_judgement *j)
{
	return j->outcome;
}

size_t
mv_judgement_count(const struct mv_judgement *j)
{
	return j->nf;
}

const struct mv_judged *
mv_judgement_get(const struct mv_judgement *j, size_t i)
{
	return i < j->nf ? &j->f[i] : NULL;
}

size_t
mv_judgement_failing(const struct mv_judgement *j)
{
	return j->failing;
}

size_t
mv_judgement_suppressed(const struct mv_judgement *j)
{
	return j->suppressed;
}

size_t
mv_judgement_mapping_count(const struct mv_judgement *j)
{
	return j->nmap;
}

const struct mv_mapping *
mv_judgement_mapping(const struct mv_judgement *j, size_t i)
{
	return i < j->nmap ? &j->map[i] : NULL;
}

size_t
mv_judgement_sig_count(const struct mv_judgement *j)
{
	return j->nsig;
}

const struct mv_sigsummary *
mv_judgement_sig(const struct mv_judgement *j, size_t i)
{
	return i < j->nsig ? &j->sig[i] : NULL;
}

const struct mv_result *
mv_judgement_result(const struct mv_judgement *j)
{
	return j->res;
}

const struct mv_rules *
mv_judgement_rules(const struct mv_judgement *j)
{
	return j->rules;
}

const struct mv_policy *
mv_judgement_policy(const struct mv_judgement *j)
{
	return j->pol;
}

void
mv_judgement_free(struct mv_judgement *j)
{
	if (j == NULL)
		return;
	for (size_t i = 0; i < j->nmap; i++)
		free(mv_unconst(j->map[i].findings));
	free(j->map);
	for (size_t i = 0; i < j->nstrings; i++)
		free(j->strings[i]);
	free(j->strings);
	free(j->sig);
	free(j->f);
	mv_findings_free(&j->own);
	mv_result_free(j->owned);
	free(j);
}
