/* SPDX-License-Identifier: Apache-2.0 */
/* media.c: the media types the adapter consumes and produces, the metadata document that
 * declares them, and content negotiation on Accept. */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "serve/serve.h"

/* Manifest types Harbor routes to a capability: images (and KitOps and Docker model
 * artifacts, which arrive as plain image manifests) to vulnerability, CNCF ModelPack (and its
 * pre-rename CNAI name) to model-security, as Harbor's model scanning design does. */
static const char *const image_types[] = {
	"application/vnd.oci.image.manifest.v1+json",
	"application/vnd.docker.distribution.manifest.v2+json",
};
static const char *const model_types[] = {
	"application/vnd.cncf.model.manifest.v1+json",
	"application/vnd.cnai.model.manifest.v1+json",
	"application/vnd.kitops.modelkit.manifest.v1+json",
};

static const struct {
	const char *type;       /* as answered, parameters included */
	int report;             /* enum mv_serve_report */
} produced[] = {
	{"application/vnd.security.vulnerability.report; version=1.1", MV_SR_VULN},
	{"application/vnd.scanner.adapter.vuln.report.harbor+json; version=1.0", MV_SR_VULN},
	{"application/vnd.scanner.adapter.vuln.report.raw", MV_SR_RAW},
	{"application/vnd.security.model.report+json; version=1.0", MV_SR_MODEL},
	{"application/vnd.scanner.adapter.model.report.raw", MV_SR_RAW},
	{"application/vnd.security.sbom.report+json; version=1.0", MV_SR_SBOM},
};
#define LEGACY_VULN 1   /* what Harbor means by no Accept at all */

/* Type and subtype of a media range equal, parameters and case ignored. */
static int
same_type(const char *range, size_t n, const char *type)
{
	size_t t = strcspn(type, ";");

	while (n > 0 && isspace((unsigned char)range[n - 1]))
		n--;
	while (t > 0 && isspace((unsigned char)type[t - 1]))
		t--;
	return n == t && strncasecmp(range, type, n) == 0;
}

int
mv_serve_accept(const char *accept, const char **type)
{
	const char *p = accept;

	if (p == NULL || *p == '\0') {
		*type = produced[LEGACY_VULN].type;
		return MV_SR_VULN;
	}
	while (*p) {
		size_t len = strcspn(p, ","), n;

		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		n = strcspn(p, ";,");
		if (n > len)
			n = len;
		if (same_type(p, n, "*/*") || same_type(p, n, "application/*")) {
			*type = produced[0].type;
			return MV_SR_VULN;
		}
		for (size_t i = 0; i < sizeof(produced) / sizeof(produced[0]); i++)
			if (same_type(p, n, produced[i].type)) {
				*type = produced[i].type;
				return produced[i].report;
			}
		p += len;
		if (*p == ',')
			p++;
	}
	return -1;
}

static json_t *
strings(const char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_string(v[i])) != 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* The types of produced[] the capability answers with: those of kinds r1 and r2, the raw
 * mavis report under the raw name of the capability's family. */
static json_t *
produces(int r1, int r2, const char *raw)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < sizeof(produced) / sizeof(produced[0]); i++) {
		int r = produced[i].report;

		if ((r != r1 && r != r2) || (r == MV_SR_RAW && strcmp(produced[i].type, raw) != 0))
			continue;
		if (json_array_append_new(a, json_string(produced[i].type)) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

char *
mv_serve_metadata(void)
{
	size_t ni = sizeof(image_types) / sizeof(image_types[0]);
	size_t nm = sizeof(model_types) / sizeof(model_types[0]);
	const char *all[sizeof(image_types) / sizeof(image_types[0]) +
	    sizeof(model_types) / sizeof(model_types[0])];
	json_t *doc;
	char *s;

	for (size_t i = 0; i < ni; i++)
		all[i] = image_types[i];
	for (size_t i = 0; i < nm; i++)
		all[ni + i] = model_types[i];
	doc = json_pack("{s:{s:s,s:s,s:s},s:[{s:s,s:o,s:o},{s:s,s:o,s:o},"
	    "{s:s,s:o,s:[s],s:{s:[s]}}],s:{s:s}}",
	    "scanner", "name", "mavis", "vendor", "mavis", "version", mv_version(),
	    "capabilities",
	    "type", "vulnerability", "consumes_mime_types", strings(image_types, ni),
	    "produces_mime_types", produces(MV_SR_VULN, MV_SR_RAW,
	    "application/vnd.scanner.adapter.vuln.report.raw"),
	    "type", "model-security", "consumes_mime_types", strings(model_types, nm),
	    "produces_mime_types", produces(MV_SR_MODEL, MV_SR_RAW,
	    "application/vnd.scanner.adapter.model.report.raw"),
	    "type", "sbom", "consumes_mime_types", strings(all, ni + nm),
	    "produces_mime_types", "application/vnd.security.sbom.report+json; version=1.0",
	    "additional_attributes", "sbom_media_types", "application/vnd.cyclonedx+json",
	    "properties", "harbor.scanner-adapter/scanner-type", "model-integrity");
	if (doc == NULL)
		return NULL;
	s = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	return s;
}

int
mv_serve_consumes(const char *type)
{
	size_t n = strcspn(type, ";");

	for (size_t i = 0; i < sizeof(image_types) / sizeof(image_types[0]); i++)
		if (same_type(type, n, image_types[i]))
			return 1;
	for (size_t i = 0; i < sizeof(model_types) / sizeof(model_types[0]); i++)
		if (same_type(type, n, model_types[i]))
			return 1;
	return 0;
}

int
mv_serve_produces(const char *type)
{
	for (size_t i = 0; i < sizeof(produced) / sizeof(produced[0]); i++)
		if (same_type(type, strcspn(type, ";"), produced[i].type))
			return 1;
	return 0;
}
