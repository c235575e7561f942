/* SPDX-License-Identifier: Apache-2.0 */
/* report.c: pick the writer for a format, and the counts and tags every writer shows. */
#include "config.h"

#include <string.h>

#include "core/ctx.h"
#include "judge/judge.h"
#include "report/inventory.h"
#include "report/report.h"

static const char *const format_names[] = {
	[MV_REPORT_TEXT] = "text",
	[MV_REPORT_JSON] = "json",
	[MV_REPORT_SARIF] = "sarif",
	[MV_REPORT_CYCLONEDX] = "cyclonedx",
};

mv_status
mv_report_format_lookup(const char *name, enum mv_report_format *out)
{
	for (size_t i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++)
		if (strcmp(name, format_names[i]) == 0) {
			*out = (enum mv_report_format)i;
			return MV_OK;
		}
	return MV_ERR_USAGE;
}

mv_status
mv_report_write(struct mv_ctx *ctx, enum mv_report_format fmt, const struct mv_judgement *j,
    unsigned flags, FILE *out)
{
	switch (fmt) {
	case MV_REPORT_TEXT: return mv_report_text(ctx, j, flags, out);
	case MV_REPORT_JSON: return mv_report_json(ctx, j, out);
	case MV_REPORT_SARIF: return mv_report_sarif(ctx, j, out);
	case MV_REPORT_CYCLONEDX: return mv_report_cyclonedx(ctx, j, out);
	}
	return mv_ctx_fail(ctx, MV_ERR_USAGE, "unknown report format");
}

void
mv_report_counts(const struct mv_judgement *j, size_t counts[MV_SEV_CRITICAL + 1])
{
	memset(counts, 0, sizeof(size_t) * (MV_SEV_CRITICAL + 1));
	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);

		if (d->suppressed == NULL)
			counts[d->severity]++;
	}
}

void
mv_report_map_counts(const struct mv_judgement *j, size_t *met, size_t *not_met,
    size_t *not_evidenced, size_t *not_scannable)
{
	*met = *not_met = *not_evidenced = *not_scannable = 0;
	for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
		const struct mv_mapping *m = mv_judgement_mapping(j, i);

		if (m->provision->scan == MV_SCAN_NO && m->state == MV_MAP_NOT_EVIDENCED)
			(*not_scannable)++;
		else if (m->state == MV_MAP_MET)
			(*met)++;
		else if (m->state == MV_MAP_NOT_MET)
			(*not_met)++;
		else
			(*not_evidenced)++;
	}
}

void
mv_report_file_totals(const struct mv_result *res, size_t *files, uint64_t *bytes)
{
	*files = 0;
	*bytes = 0;
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->type != MV_ENTRY_FILE)
			continue;
		(*files)++;
		*bytes += e->size;
	}
}

const char *
mv_report_security_severity(enum mv_severity sev)
{
	/* GitHub's bands: critical above 9.0, high 7.0 to 8.9, medium 4.0 to 6.9, low below. */
	switch (sev) {
	case MV_SEV_CRITICAL: return "9.5";
	case MV_SEV_HIGH: return "8.0";
	case MV_SEV_MEDIUM: return "5.5";
	case MV_SEV_LOW: return "3.0";
	case MV_SEV_INFO: return "1.0";
	}
	return "1.0";
}

json_t *
mv_report_rule_tags(const struct mv_rule_info *ri)
{
	json_t *a = json_array();
	char buf[64];

	if (a == NULL)
		return NULL;
	json_array_append_new(a, json_string("security"));
	for (size_t i = 0; i < ri->nprovisions; i++) {
		snprintf(buf, sizeof(buf), "etsi-en-304-223:%s", ri->provisions[i]->etsi);
		json_array_append_new(a, json_string(buf));
		snprintf(buf, sizeof(buf), "uk-ai-cop:%s", ri->provisions[i]->uk);
		json_array_append_new(a, json_string(buf));
	}
	for (size_t i = 0; i < ri->natlas; i++) {
		snprintf(buf, sizeof(buf), "mitre-atlas:%s", ri->atlas[i]);
		json_array_append_new(a, json_string(buf));
	}
	for (size_t i = 0; i < ri->nowasp; i++) {
		/* "LLM04:2026" becomes "owasp-llm-2026:LLM04". */
		snprintf(buf, sizeof(buf), "owasp-llm-%s:%.5s", ri->owasp[i] + 6, ri->owasp[i]);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

json_t *
mv_json_verdict(const struct mv_judgement *j)
{
	json_t *o = json_object(), *c = json_object();
	size_t counts[MV_SEV_CRITICAL + 1];
	const struct mv_policy *pol = mv_judgement_policy(j);

	if (o == NULL || c == NULL) {
		json_decref(o);
		json_decref(c);
		return NULL;
	}
	mv_report_counts(j, counts);
	for (int s = MV_SEV_CRITICAL; s >= MV_SEV_INFO; s--)
		json_object_set_new(c, mv_severity_name((enum mv_severity)s),
		    json_integer((json_int_t)counts[s]));
	json_object_set_new(o, "outcome", json_string(mv_outcome_name(mv_judgement_outcome(j))));
	json_object_set_new(o, "fail_on", json_string(mv_severity_name(mv_policy_fail_on(pol))));
	json_object_set_new(o, "policy", pol->file ? mv_json_bytes(pol->file) : json_null());
	json_object_set_new(o, "failing", json_integer((json_int_t)mv_judgement_failing(j)));
	json_object_set_new(o, "suppressed", json_integer((json_int_t)mv_judgement_suppressed(j)));
	json_object_set_new(o, "incomplete",
	    json_boolean(mv_result_incomplete(mv_judgement_result(j))));
	json_object_set_new(o, "counts", c);
	return o;
}

static json_t *
str_or_null(const char *s)
{
	return s ? mv_json_bytes(s) : json_null();
}

json_t *
mv_json_verification(const struct mv_judgement *j)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < mv_judgement_sig_count(j); i++) {
		const struct mv_sigsummary *s = mv_judgement_sig(j, i);
		json_t *o = json_object();

		json_object_set_new(o, "input", str_or_null(s->input));
		json_object_set_new(o, "state", json_string(mv_sigstate_name(s->state)));
		json_object_set_new(o, "signature", str_or_null(s->signature));
		json_object_set_new(o, "format", str_or_null(s->format));
		json_object_set_new(o, "method", str_or_null(s->method));
		json_object_set_new(o, "signer", str_or_null(s->signer));
		json_object_set_new(o, "resources", json_integer((json_int_t)s->resources));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *
mv_json_principles(const struct mv_judgement *j)
{
	json_t *o = json_object(), *sum = json_object(), *ps = json_array(), *prov = json_array();
	size_t met, not_met, not_ev, not_scan;

	if (o == NULL || sum == NULL || ps == NULL || prov == NULL) {
		json_decref(o);
		json_decref(sum);
		json_decref(ps);
		json_decref(prov);
		return NULL;
	}
	mv_report_map_counts(j, &met, &not_met, &not_ev, &not_scan);
	json_object_set_new(sum, "met", json_integer((json_int_t)met));
	json_object_set_new(sum, "not_met", json_integer((json_int_t)not_met));
	json_object_set_new(sum, "not_evidenced", json_integer((json_int_t)not_ev));
	json_object_set_new(sum, "not_scannable", json_integer((json_int_t)not_scan));
	for (unsigned p = 1; p <= MV_PRINCIPLE_COUNT; p++) {
		const struct mv_principle *pr = mv_principle_get(p);
		json_t *po = json_object();
		size_t c[3] = {0, 0, 0};

		for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
			const struct mv_mapping *m = mv_judgement_mapping(j, i);

			if (m->provision->principle == p && m->provision->scan != MV_SCAN_NO)
				c[m->state]++;
		}
		json_object_set_new(po, "principle", json_integer(p));
		json_object_set_new(po, "clause", json_string(pr->clause));
		json_object_set_new(po, "phase", json_string(pr->phase));
		json_object_set_new(po, "title", json_string(pr->title));
		json_object_set_new(po, "met", json_integer((json_int_t)c[MV_MAP_MET]));
		json_object_set_new(po, "not_met", json_integer((json_int_t)c[MV_MAP_NOT_MET]));
		json_object_set_new(po, "not_evidenced",
		    json_integer((json_int_t)c[MV_MAP_NOT_EVIDENCED]));
		json_array_append_new(ps, po);
	}
	for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
		const struct mv_mapping *m = mv_judgement_mapping(j, i);
		json_t *mo = json_object(), *fs = json_array();

		json_object_set_new(mo, "etsi", json_string(m->provision->etsi));
		json_object_set_new(mo, "uk", json_string(m->provision->uk));
		json_object_set_new(mo, "principle", json_integer(m->provision->principle));
		json_object_set_new(mo, "scan", json_string(mv_scannable_name(m->provision->scan)));
		json_object_set_new(mo, "state", json_string(mv_mapstate_name(m->state)));
		json_object_set_new(mo, "evidence", mv_json_bytes(m->evidence));
		for (size_t k = 0; k < m->nfindings; k++)
			json_array_append_new(fs, json_integer((json_int_t)m->findings[k]));
		json_object_set_new(mo, "findings", fs);
		json_array_append_new(prov, mo);
	}
	json_object_set_new(o, "standard", json_string("ETSI TS 104 223 V1.1.1 / EN 304 223 "
	    "V2.1.1; UK AI Cyber Security Code of Practice"));
	json_object_set_new(o, "disclaimer", json_string(MV_MAPPING_DISCLAIMER));
	json_object_set_new(o, "summary", sum);
	json_object_set_new(o, "principles", ps);
	json_object_set_new(o, "provisions", prov);
	return o;
}
