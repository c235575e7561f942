/* SPDX-License-Identifier: Apache-2.0 */
/* scanjson.c: the json report (mavis-json(5), kind "scan"): the inventory, the judged
 * findings, the signatures, the principle mapping and the verdict. */
#include "config.h"

#include <stdlib.h>

#include "core/ctx.h"
#include "judge/judge.h"
#include "report/inventory.h"
#include "report/jsonw.h"
#include "report/report.h"

static json_t *
judged(const struct mv_judged *d)
{
	struct mv_finding f = {.rule = d->rule, .severity = d->severity, .path = d->path,
	    .offset = d->offset, .evidence = d->evidence};
	json_t *o = mv_json_finding(&f), *et;

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "default_severity", json_string(mv_severity_name(
	    d->default_severity)));
	if (d->info) {
		json_object_set_new(o, "title", json_string(d->info->title));
		json_object_set_new(o, "remediation", json_string(d->info->remediation));
		et = json_array();
		for (size_t i = 0; et && i < d->info->nprovisions; i++)
			json_array_append_new(et, json_string(d->info->provisions[i]->etsi));
		json_object_set_new(o, "etsi", et);
	}
	json_object_set_new(o, "suppressed", d->suppressed ? mv_json_bytes(d->suppressed) :
	    json_null());
	return o;
}

mv_status
mv_report_json(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out)
{
	const struct mv_result *res = mv_judgement_result(j);
	const struct mv_rules *rules = mv_judgement_rules(j);
	json_t *sig = json_object(), *fs = json_array();
	struct mv_jw *w = malloc(sizeof(*w));
	mv_status st;

	if (w == NULL || sig == NULL || fs == NULL) {
		free(w);
		json_decref(sig);
		json_decref(fs);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	json_object_set_new(sig, "path", mv_json_bytes(mv_rules_dir(rules)));
	json_object_set_new(sig, "sha256", json_string(mv_rules_digest(rules)));
	for (size_t i = 0; i < mv_judgement_count(j); i++)
		json_array_append_new(fs, judged(mv_judgement_get(j, i)));
	/* The entries, the bulk of the document, are streamed; the rest is small. */
	mv_jw_init(w, out);
	mv_jw_head(w, "scan", res, sig);
	mv_jw_entries(w, res);
	mv_jw_key(w, "incomplete");
	mv_jw_bool(w, mv_result_incomplete(res));
	mv_jw_key(w, "findings");
	mv_jw_json(w, fs);
	mv_jw_key(w, "verification");
	mv_jw_json(w, mv_json_verification(j));
	mv_jw_key(w, "principles");
	mv_jw_json(w, mv_json_principles(j));
	mv_jw_key(w, "verdict");
	mv_jw_json(w, mv_json_verdict(j));
	mv_jw_close(w, '}');
	st = mv_jw_finish(w);
	free(w);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot write the report");
	return MV_OK;
}
