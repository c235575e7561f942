/* scanjson.c: the json report (mavis-json(5), kind "scan"): the inventory, the judged
 * findings, the signatures, the principle mapping and the verdict. */
#include "config.h"

#include "core/ctx.h"
#include "judge/judge.h"
#include "report/inventory.h"
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
	json_t *top = json_object(), *sig = json_object(), *ins = json_array(),
	    *ents = json_array(), *fs = json_array();
	mv_status st;

	if (top == NULL || sig == NULL || ins == NULL || ents == NULL || fs == NULL) {
		json_decref(top);
		json_decref(sig);
		json_decref(ins);
		json_decref(ents);
		json_decref(fs);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	json_object_set_new(top, "mavis", json_string(mv_version()));
	json_object_set_new(top, "schema_version", json_integer(MV_JSON_SCHEMA_VERSION));
	json_object_set_new(top, "kind", json_string("scan"));
	json_object_set_new(sig, "path", mv_json_bytes(mv_rules_dir(rules)));
	json_object_set_new(sig, "sha256", json_string(mv_rules_digest(rules)));
	json_object_set_new(top, "signatures", sig);
	for (size_t i = 0; i < mv_result_input_count(res); i++)
		json_array_append_new(ins, mv_json_bytes(mv_result_input(res, i)));
	json_object_set_new(top, "inputs", ins);
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		json_array_append_new(ents, mv_json_entry(mv_result_entry(res, i)));
	json_object_set_new(top, "entries", ents);
	json_object_set_new(top, "incomplete", json_boolean(mv_result_incomplete(res)));
	for (size_t i = 0; i < mv_judgement_count(j); i++)
		json_array_append_new(fs, judged(mv_judgement_get(j, i)));
	json_object_set_new(top, "findings", fs);
	json_object_set_new(top, "verification", mv_json_verification(j));
	json_object_set_new(top, "principles", mv_json_principles(j));
	json_object_set_new(top, "verdict", mv_json_verdict(j));
	st = mv_json_dump(top, out);
	json_decref(top);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot write the report");
	return MV_OK;
}
