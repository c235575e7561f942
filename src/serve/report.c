/* SPDX-License-Identifier: Apache-2.0 */
/* report.c: one judged scan as each report Harbor may ask for: the vulnerability report
 * (each finding an entry with its rule id, severity and the rule's remediation as the fix),
 * the model security report of Harbor's model scanning design, mavis's own JSON report, and
 * the SBOM report around the CycloneDX ML-BOM. Suppressed findings are left out of Harbor's
 * two; the raw report keeps them, marked. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "serve/serve.h"

/* Harbor's vulnerability severities: info is Negligible. */
static const char *const vuln_sev[] = {"Negligible", "Low", "Medium", "High", "Critical"};
/* The model report's (None, Low, Medium, High, Critical): info is Low, the least that is
 * still a finding. */
static const char *const model_sev[] = {"Low", "Low", "Medium", "High", "Critical"};

static char *
written(struct mv_ctx *ctx, const struct mv_judgement *j, enum mv_report_format fmt)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	mv_status st;

	if (f == NULL)
		return NULL;
	st = mv_report_write(ctx, fmt, j, 0, f);
	if (fclose(f) != 0 || st != MV_OK) {
		free(buf);
		return NULL;
	}
	return buf;
}

static char *
dump(json_t *o)
{
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return s;
}

static json_t *
scanner(void)
{
	return json_pack("{s:s,s:s,s:s}", "name", "mavis", "vendor", "mavis", "version",
	    mv_version());
}

static json_t *
artifact(const struct mv_serve_req *req)
{
	return json_pack("{s:s,s:s,s:s*,s:s*}", "repository", req->repository, "digest",
	    req->digest, "tag", req->tag, "mime_type", req->mime_type);
}

static char *
vulnerabilities(const struct mv_judgement *j, const struct mv_serve_req *req,
    const char *when)
{
	json_t *doc, *v = json_array();
	int top = -1;

	for (size_t i = 0; v && i < mv_judgement_count(j); i++) {
		const struct mv_judged *f = mv_judgement_get(j, i);
		const char *fix = f->info ? f->info->remediation : "";
		const char *title = f->info ? f->info->title : f->rule;
		char *desc = NULL;
		json_t *e;

		if (f->suppressed)
			continue;
		/* Harbor shows the description, not the vendor attributes: what, why, and
		 * what to do. */
		if (asprintf(&desc, "%s: %s. Fix: %s", title, f->evidence ? f->evidence : "",
		    fix) < 0) {
			json_decref(v);
			return NULL;
		}
		if ((int)f->severity > top)
			top = (int)f->severity;
		e = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:[],s:{s:s,s:s,s:I,s:s}}",
		    "id", f->rule, "package", f->path, "version", "", "fix_version", "",
		    "severity", vuln_sev[f->severity], "description", desc, "links",
		    "vendor_attributes", "fix", fix, "evidence", f->evidence ? f->evidence : "",
		    "offset", (json_int_t)f->offset, "path", f->path);
		free(desc);
		if (e == NULL || json_array_append_new(v, e) != 0) {
			json_decref(v);
			return NULL;
		}
	}
	if (v == NULL)
		return NULL;
	doc = json_pack("{s:s,s:o,s:o,s:s,s:o}", "generated_at", when, "artifact",
	    artifact(req), "scanner", scanner(), "severity", top < 0 ? "None" : vuln_sev[top],
	    "vulnerabilities", v);
	return dump(doc);
}

static char *
model_report(const struct mv_judgement *j, const struct mv_serve_req *req, const char *when)
{
	const struct mv_result *res = mv_judgement_result(j);
	json_int_t count[5] = {0}, files = 0, bytes = 0, total = 0;
	json_t *doc, *v = json_array();
	int top = -1;

	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->type == MV_ENTRY_FILE) {
			files++;
			bytes += (json_int_t)e->size;
		}
	}
	for (size_t i = 0; v && i < mv_judgement_count(j); i++) {
		const struct mv_judged *f = mv_judgement_get(j, i);
		char loc[32] = "";
		json_t *e;

		if (f->suppressed)
			continue;
		total++;
		count[f->severity]++;
		if ((int)f->severity > top)
			top = (int)f->severity;
		if (f->offset >= 0)
			snprintf(loc, sizeof(loc), "byte %lld", (long long)f->offset);
		e = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:[]}",
		    "id", f->rule, "severity", model_sev[f->severity],
		    "message", f->info ? f->info->title : f->rule,
		    "why", f->evidence ? f->evidence : "", "file", f->path, "location", loc,
		    "scanner", "mavis", "details", "rule", f->rule, "remediation",
		    f->info ? f->info->remediation : "", "links");
		if (e == NULL || json_array_append_new(v, e) != 0) {
			json_decref(v);
			return NULL;
		}
	}
	if (v == NULL)
		return NULL;
	doc = json_pack("{s:s,s:o,s:o,s:s,s:s,s:{s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:[s]},s:o}",
	    "generated_at", when, "artifact", artifact(req), "scanner", scanner(),
	    "severity", top < 0 ? "None" : model_sev[top],
	    "outcome", mv_outcome_name(mv_judgement_outcome(j)),
	    "summary", "total", total, "critical", count[MV_SEV_CRITICAL], "high",
	    count[MV_SEV_HIGH], "medium", count[MV_SEV_MEDIUM], "low",
	    count[MV_SEV_LOW] + count[MV_SEV_INFO], "files_scanned", files, "bytes_scanned",
	    bytes, "scanners", "mavis", "findings", v);
	return dump(doc);
}

static char *
sbom(struct mv_ctx *ctx, const struct mv_judgement *j, const struct mv_serve_req *req,
    const char *when)
{
	char *cdx = written(ctx, j, MV_REPORT_CYCLONEDX);
	json_t *bom = cdx ? json_loads(cdx, 0, NULL) : NULL;

	free(cdx);
	if (bom == NULL)
		return NULL;
	return dump(json_pack("{s:s,s:o,s:o,s:{},s:s,s:o}", "generated_at", when, "artifact",
	    artifact(req), "scanner", scanner(), "vendor_attributes", "media_type",
	    "application/vnd.cyclonedx+json", "sbom", bom));
}

int
mv_serve_reports(struct mv_ctx *ctx, const struct mv_judgement *j,
    const struct mv_serve_req *req, char *out[MV_SR__COUNT])
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	out[MV_SR_VULN] = vulnerabilities(j, req, when);
	out[MV_SR_MODEL] = model_report(j, req, when);
	out[MV_SR_RAW] = written(ctx, j, MV_REPORT_JSON);
	out[MV_SR_SBOM] = sbom(ctx, j, req, when);
	for (int i = 0; i < MV_SR__COUNT; i++)
		if (out[i] == NULL) {
			for (int k = 0; k < MV_SR__COUNT; k++) {
				free(out[k]);
				out[k] = NULL;
			}
			return -1;
		}
	return 0;
}
