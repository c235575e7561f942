/* SPDX-License-Identifier: Apache-2.0 */
/* reports.c: the scan a mavis serve worker makes (mv_serve_scan), many times in one process
 * on OCI layouts from testdata/oci, malicious and clean in turn, and the reports Harbor gets:
 * the vulnerability report names the malicious pickle layer's rule with its severity and its
 * remediation from rules.tsv as the fix, the model report counts the same findings, the raw
 * report is mavis's JSON, the SBOM report holds a CycloneDX document. A scan must not see what
 * the one before it saw. Also the Accept negotiation and the input a request becomes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve/serve.h"

static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

/* Rule ids of the vulnerability report, joined with ','; checks each entry's shape. */
static void
check_vuln(const char *text, const char *want_rule, int want_clean)
{
	json_t *doc = json_loads(text, 0, NULL), *v, *e;
	const char *top;
	size_t i;
	int seen = 0;

	CHECK(doc != NULL, "vulnerability report is not JSON");
	if (doc == NULL)
		return;
	v = json_object_get(doc, "vulnerabilities");
	top = json_string_value(json_object_get(doc, "severity"));
	CHECK(json_is_array(v), "no vulnerabilities array");
	CHECK(json_is_string(json_object_get(doc, "generated_at")), "no generated_at");
	CHECK(json_is_object(json_object_get(doc, "scanner")), "no scanner");
	CHECK(json_is_string(json_object_get(json_object_get(doc, "artifact"), "digest")),
	    "no artifact.digest");
	json_array_foreach(v, i, e) {
		const char *id = json_string_value(json_object_get(e, "id"));
		const char *sev = json_string_value(json_object_get(e, "severity"));
		const char *fix = json_string_value(json_object_get(json_object_get(e,
		    "vendor_attributes"), "fix"));

		CHECK(id && sev && fix, "entry %zu lacks id, severity or fix", i);
		if (id == NULL || sev == NULL || fix == NULL)
			continue;
		if (strcmp(id, want_rule ? want_rule : "") == 0) {
			seen = 1;
			CHECK(strcmp(sev, "High") == 0 || strcmp(sev, "Critical") == 0,
			    "%s has severity %s", id, sev);
			CHECK(strlen(fix) > 10, "%s has no remediation: '%s'", id, fix);
			CHECK(strstr(json_string_value(json_object_get(e, "package")), "sha256") !=
			    NULL, "%s does not name the layer blob", id);
		}
		CHECK(!want_clean || (strcmp(sev, "High") != 0 && strcmp(sev, "Critical") != 0),
		    "a clean layout has %s %s", sev, id);
	}
	if (want_rule)
		CHECK(seen, "no %s entry in the vulnerability report", want_rule);
	CHECK(top != NULL && (!want_rule || strcmp(top, "Critical") == 0 ||
	    strcmp(top, "High") == 0), "top severity %s", top ? top : "(none)");
	json_decref(doc);
}

static void
check_others(char *const *r, int want_findings)
{
	json_t *m = json_loads(r[MV_SR_MODEL], 0, NULL);
	json_t *raw = json_loads(r[MV_SR_RAW], 0, NULL);
	json_t *sb = json_loads(r[MV_SR_SBOM], 0, NULL);
	json_t *vu = json_loads(r[MV_SR_VULN], 0, NULL);
	size_t nv = json_array_size(json_object_get(vu, "vulnerabilities"));

	CHECK(m && raw && sb && vu, "a report is not JSON");
	CHECK(json_integer_value(json_object_get(json_object_get(m, "summary"), "total")) ==
	    (json_int_t)nv && json_array_size(json_object_get(m, "findings")) == nv,
	    "model report counts differ from the vulnerability report");
	CHECK(json_integer_value(json_object_get(json_object_get(m, "summary"),
	    "files_scanned")) > 0, "model report scanned no file");
	CHECK(json_is_array(json_object_get(raw, "findings")), "raw report has no findings");
	CHECK(!want_findings || json_array_size(json_object_get(raw, "findings")) > 0,
	    "raw report has no findings");
	CHECK(strcmp(json_string_value(json_object_get(sb, "media_type")) ?
	    json_string_value(json_object_get(sb, "media_type")) : "",
	    "application/vnd.cyclonedx+json") == 0, "sbom media_type");
	CHECK(strcmp(json_string_value(json_object_get(json_object_get(sb, "sbom"),
	    "bomFormat")) ? json_string_value(json_object_get(json_object_get(sb, "sbom"),
	    "bomFormat")) : "", "CycloneDX") == 0, "sbom is not CycloneDX");
	json_decref(m);
	json_decref(raw);
	json_decref(sb);
	json_decref(vu);
}

static void
check_accept(void)
{
	const char *t;

	CHECK(mv_serve_accept(NULL, &t) == MV_SR_VULN && strstr(t, "harbor+json"),
	    "no Accept: the legacy report");
	CHECK(mv_serve_accept("application/vnd.security.vulnerability.report; version=1.1", &t) ==
	    MV_SR_VULN && strstr(t, "version=1.1"), "vulnerability 1.1");
	CHECK(mv_serve_accept("text/html, application/vnd.security.model.report+json;"
	    "version=1.0", &t) == MV_SR_MODEL, "model report after an unknown type");
	CHECK(mv_serve_accept("APPLICATION/VND.SCANNER.ADAPTER.VULN.REPORT.RAW", &t) ==
	    MV_SR_RAW, "case of the raw type");
	CHECK(mv_serve_accept("application/vnd.security.sbom.report+json; version=1.0", &t) ==
	    MV_SR_SBOM, "sbom");
	CHECK(mv_serve_accept("*/*", &t) == MV_SR_VULN, "*/*");
	CHECK(mv_serve_accept("text/html", &t) == -1, "text/html");
	CHECK(mv_serve_accept("application/vnd.security.vulnerability.reportx", &t) == -1,
	    "a longer subtype");
}

static void
check_input(void)
{
	struct mv_serve_req r = {0};
	char *in;
	int insecure;

	r.url = (char *)(uintptr_t)"http://127.0.0.1:5000/";
	r.repository = (char *)(uintptr_t)"library/model";
	r.digest = (char *)(uintptr_t)"sha256:00";
	in = mv_serve_req_input(&r, &insecure);
	CHECK(in && strcmp(in, "oci://127.0.0.1:5000/library/model@sha256:00") == 0 && insecure,
	    "input %s", in ? in : "(null)");
	free(in);
	r.url = (char *)(uintptr_t)"https://[::1]:443";
	in = mv_serve_req_input(&r, &insecure);
	CHECK(in && strcmp(in, "oci://[::1]:443/library/model@sha256:00") == 0 && !insecure,
	    "input %s", in ? in : "(null)");
	free(in);
}

int
main(void)
{
	const char *top = getenv("top_srcdir");
	struct mv_serve_conf conf = {.jobs = 1};
	struct mv_serve_req req = {0};
	char bad[4096], good[4096], err[512];

	if (top == NULL)
		top = ".";
	snprintf(bad, sizeof(bad), "%s/testdata/oci/layer_pickle", top);
	snprintf(good, sizeof(good), "%s/testdata/oci/ok_modelpack", top);
	req.url = (char *)(uintptr_t)"http://127.0.0.1:5000";
	req.repository = (char *)(uintptr_t)"models/demo";
	req.digest = (char *)(uintptr_t)"sha256:0000000000000000000000000000000000000000000000"
	    "000000000000000000";
	for (int round = 0; round < 4; round++) {
		int hostile = round % 2 == 0;
		char *r[MV_SR__COUNT] = {NULL};

		if (mv_serve_scan(&conf, &req, hostile ? bad : good, 0, r, err, sizeof(err)) != 0) {
			CHECK(0, "scan %d: %s", round, err);
			continue;
		}
		check_vuln(r[MV_SR_VULN], hostile ? "pickle.global.denied" : NULL, !hostile);
		check_others(r, hostile);
		for (int i = 0; i < MV_SR__COUNT; i++)
			free(r[i]);
	}
	CHECK(mv_serve_scan(&conf, &req, "/nonexistent/layout", 0, (char *[MV_SR__COUNT]){0},
	    err, sizeof(err)) != 0 && strstr(err, "/nonexistent/layout"),
	    "a missing input is an error naming it: %s", err);
	check_accept();
	check_input();
	if (failures)
		fprintf(stderr, "%d failures\n", failures);
	return failures ? 1 : 0;
}
