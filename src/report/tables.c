/* SPDX-License-Identifier: Apache-2.0 */
/* tables.c: the rules table and the provision table as text or JSON (mavis rules, mavis
 * principles). */
#include "config.h"

#include "core/ctx.h"
#include "judge/judge.h"
#include "report/inventory.h"
#include "report/jsonw.h"
#include "report/report.h"

static json_t *
str_array(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *
rule_json(const struct mv_rule_info *ri)
{
	json_t *o = json_object(), *p = json_array();

	json_object_set_new(o, "id", json_string(ri->id));
	json_object_set_new(o, "severity", json_string(mv_severity_name(ri->severity)));
	json_object_set_new(o, "title", json_string(ri->title));
	json_object_set_new(o, "remediation", json_string(ri->remediation));
	for (size_t i = 0; p && i < ri->nprovisions; i++) {
		json_t *e = json_object();

		json_object_set_new(e, "etsi", json_string(ri->provisions[i]->etsi));
		json_object_set_new(e, "uk", json_string(ri->provisions[i]->uk));
		json_array_append_new(p, e);
	}
	json_object_set_new(o, "provisions", p);
	json_object_set_new(o, "atlas", str_array(ri->atlas, ri->natlas));
	json_object_set_new(o, "owasp", str_array(ri->owasp, ri->nowasp));
	return o;
}

static mv_status
dump(struct mv_ctx *ctx, json_t *top, FILE *out)
{
	mv_status st;

	if (top == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	st = mv_json_dump(top, out);
	json_decref(top);
	return st == MV_OK ? MV_OK : mv_ctx_fail(ctx, st, "cannot write the table");
}

static json_t *
header(const struct mv_rules *rules, const char *kind)
{
	json_t *top = json_object(), *sig = json_object();

	json_object_set_new(top, "mavis", json_string(mv_version()));
	json_object_set_new(top, "schema_version", json_integer(MV_JSON_SCHEMA_VERSION));
	json_object_set_new(top, "kind", json_string(kind));
	json_object_set_new(sig, "path", mv_json_bytes(mv_rules_dir(rules)));
	json_object_set_new(sig, "sha256", json_string(mv_rules_digest(rules)));
	json_object_set_new(top, "signatures", sig);
	return top;
}

mv_status
mv_rules_write(struct mv_ctx *ctx, const struct mv_rules *rules, int json, FILE *out)
{
	if (json) {
		json_t *top = header(rules, "rules"), *a = json_array();

		for (size_t i = 0; a && i < mv_rules_count(rules); i++)
			json_array_append_new(a, rule_json(mv_rules_get(rules, i)));
		json_object_set_new(top, "rules", a);
		return dump(ctx, top, out);
	}
	for (size_t i = 0; i < mv_rules_count(rules); i++) {
		const struct mv_rule_info *ri = mv_rules_get(rules, i);

		fprintf(out, "%s%-30s %-8s  %s\n", i ? "\n" : "", ri->id,
		    mv_severity_name(ri->severity), ri->title);
		fprintf(out, "    fix:   %s\n", ri->remediation);
		if (ri->nprovisions) {
			fputs("    ETSI:  ", out);
			for (size_t k = 0; k < ri->nprovisions; k++)
				fprintf(out, "%s%s (UK %s)", k ? ", " : "", ri->provisions[k]->etsi,
				    ri->provisions[k]->uk);
			fputc('\n', out);
		}
		if (ri->natlas) {
			fputs("    ATLAS: ", out);
			for (size_t k = 0; k < ri->natlas; k++)
				fprintf(out, "%s%s", k ? ", " : "", ri->atlas[k]);
			fputc('\n', out);
		}
		if (ri->nowasp) {
			fputs("    OWASP: ", out);
			for (size_t k = 0; k < ri->nowasp; k++)
				fprintf(out, "%s%s", k ? ", " : "", ri->owasp[k]);
			fputc('\n', out);
		}
	}
	return ferror(out) ? mv_ctx_fail(ctx, MV_ERR_IO, "cannot write the table") : MV_OK;
}

mv_status
mv_principles_write(struct mv_ctx *ctx, const struct mv_rules *rules, int json, FILE *out)
{
	if (json) {
		json_t *top = header(rules, "principles"), *ps = json_array(), *a = json_array();

		for (unsigned p = 1; ps && p <= MV_PRINCIPLE_COUNT; p++) {
			const struct mv_principle *pr = mv_principle_get(p);
			json_t *o = json_object();

			json_object_set_new(o, "principle", json_integer(p));
			json_object_set_new(o, "clause", json_string(pr->clause));
			json_object_set_new(o, "phase", json_string(pr->phase));
			json_object_set_new(o, "title", json_string(pr->title));
			json_array_append_new(ps, o);
		}
		for (size_t i = 0; a && i < mv_provision_count(rules); i++) {
			const struct mv_provision *p = mv_provision_get(rules, i);
			json_t *o = json_object();

			json_object_set_new(o, "etsi", json_string(p->etsi));
			json_object_set_new(o, "uk", json_string(p->uk));
			json_object_set_new(o, "principle", json_integer(p->principle));
			json_object_set_new(o, "phase", json_string(p->phase));
			json_object_set_new(o, "norm", json_string(p->norm));
			json_object_set_new(o, "scan", json_string(mv_scannable_name(p->scan)));
			json_object_set_new(o, "title", json_string(p->title));
			json_object_set_new(o, "evidence", json_string(p->evidence));
			json_array_append_new(a, o);
		}
		json_object_set_new(top, "principles", ps);
		json_object_set_new(top, "provisions", a);
		return dump(ctx, top, out);
	}
	fprintf(out, "ETSI TS 104 223 (EN 304 223) and the UK AI Cyber Security Code of Practice: "
	    "%u principles, %zu provisions.\nscan: yes = a package can show it; partial = one "
	    "part of it, or that its documents exist; no = nothing in a package can.\n",
	    (unsigned)MV_PRINCIPLE_COUNT, mv_provision_count(rules));
	for (unsigned p = 1; p <= MV_PRINCIPLE_COUNT; p++) {
		const struct mv_principle *pr = mv_principle_get(p);

		fprintf(out, "\nPrinciple %u (%s, %s): %s\n", p, pr->clause, pr->phase, pr->title);
		for (size_t i = 0; i < mv_provision_count(rules); i++) {
			const struct mv_provision *v = mv_provision_get(rules, i);

			if (v->principle != p)
				continue;
			fprintf(out, "  %-10s UK %-7s %-12s %-8s %s\n", v->etsi, v->uk, v->norm,
			    mv_scannable_name(v->scan), v->title);
			if (v->scan != MV_SCAN_NO)
				fprintf(out, "  %-10s    %-7s %-12s %-8s evidence: %s\n", "", "", "", "",
				    v->evidence);
		}
	}
	return ferror(out) ? mv_ctx_fail(ctx, MV_ERR_IO, "cannot write the table") : MV_OK;
}
