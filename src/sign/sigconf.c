/* SPDX-License-Identifier: Apache-2.0 */
/* sigconf.c: which Fulcio, Rekor and timestamp authorities keyless signing uses: a Sigstore
 * signing_config.json (v0.2), or the public-good or staging instance. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"

/* The public-good signing_config.json is about 2 KiB. */
#define MAX_CONFIG_FILE (1u << 20)

static const char *
live(json_t *svc, time_t now)
{
	json_t *vf = json_object_get(svc, "validFor");
	const char *url = json_string_value(json_object_get(svc, "url"));
	time_t start = 0, end = 0;

	if (url == NULL || (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0))
		return NULL;
	if (vf && mv_rfc3339_parse(json_string_value(json_object_get(vf, "start")), &start) != 0)
		return NULL;
	if (vf && json_object_get(vf, "end") &&
	    mv_rfc3339_parse(json_string_value(json_object_get(vf, "end")), &end) != 0)
		return NULL;
	if (now < start || (end != 0 && now > end))
		return NULL;
	return url;
}

/* The first service of list with API version major that is valid now; *other counts the
 * live ones of other versions (for the message when none fits). */
static const char *
pick(json_t *list, long long major, time_t now, size_t *other)
{
	*other = 0;
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *svc = json_array_get(list, i);
		const char *url = live(svc, now);

		if (url == NULL)
			continue;
		if (json_integer_value(json_object_get(svc, "majorApiVersion")) == major)
			return url;
		(*other)++;
	}
	return NULL;
}

/* A base URL without its trailing slashes, so that paths can be appended. */
static char *
base_url(const char *url)
{
	size_t n = strlen(url);

	while (n > 0 && url[n - 1] == '/')
		n--;
	return mv_strndup(url, n);
}

/* The timestamp authorities (v1 API, valid now; their URLs are used as given, path and all)
 * and how many of them tsaConfig's selector wants. */
static mv_status
tsas(struct mv_ctx *ctx, const char *path, json_t *doc, time_t now, struct mv_sigstore_urls *u)
{
	json_t *list = json_object_get(doc, "tsaUrls");
	json_t *cfg = json_object_get(doc, "tsaConfig");
	const char *sel = json_string_value(json_object_get(cfg, "selector"));
	json_int_t count = json_integer_value(json_object_get(cfg, "count"));

	if ((u->tsa = calloc(json_array_size(list) + 1, sizeof(*u->tsa))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *svc = json_array_get(list, i);
		const char *url = live(svc, now);

		if (url == NULL || json_integer_value(json_object_get(svc, "majorApiVersion")) != 1)
			continue;
		if ((u->tsa[u->ntsa] = mv_strdup(url)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		u->ntsa++;
	}
	if (u->ntsa == 0)
		return MV_OK;
	/* ANY is the default (a config without tsaConfig, or selector unset). */
	if (sel == NULL || strcmp(sel, "ANY") == 0 || strcmp(sel, "SERVICE_SELECTOR_UNDEFINED") == 0)
		u->tsa_need = 1;
	else if (strcmp(sel, "ALL") == 0)
		u->tsa_need = u->ntsa;
	else if (strcmp(sel, "EXACT") != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: tsaConfig's selector is not ANY, ALL or "
		    "EXACT", path);
	else if (count >= 1 && (size_t)count <= u->ntsa)
		u->tsa_need = (size_t)count;
	else
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: tsaConfig asks for exactly %lld "
		    "timestamps; %zu timestamp authorities are valid now", path, (long long)count,
		    u->ntsa);
	return MV_OK;
}

mv_status
mv_sigstore_urls_load(struct mv_ctx *ctx, const char *path, int staging,
    struct mv_sigstore_urls *u)
{
	unsigned char *data = NULL;
	size_t len = 0, other;
	json_error_t err;
	json_t *doc = NULL;
	const char *mt, *ca, *log;
	time_t now = time(NULL);
	mv_status st;

	memset(u, 0, sizeof(*u));
	if (path == NULL) {
		u->fulcio = mv_strdup(staging ? "https://fulcio.sigstage.dev" :
		    "https://fulcio.sigstore.dev");
		u->rekor = mv_strdup(staging ? "https://rekor.sigstage.dev" :
		    "https://rekor.sigstore.dev");
		/* The timestamp authority both instances' signing configs list. */
		u->tsa = calloc(1, sizeof(*u->tsa));
		if (u->tsa)
			u->tsa[0] = mv_strdup(staging ? "https://timestamp.sigstage.dev/api/v1/timestamp" :
			    "https://timestamp.sigstore.dev/api/v1/timestamp");
		u->ntsa = u->tsa_need = 1;
		st = u->fulcio && u->rekor && u->tsa && u->tsa[0] ? MV_OK :
		    mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = mv_file_read(ctx, path, MAX_CONFIG_FILE, &data, &len)) != MV_OK)
		return st;
	doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not JSON: %s", path, err.text);
		goto done;
	}
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (mt == NULL || strcmp(mt, "application/vnd.dev.sigstore.signingconfig.v0.2+json") != 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not a Sigstore signing config v0.2", path);
		goto done;
	}
	if ((ca = pick(json_object_get(doc, "caUrls"), 1, now, &other)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: no certificate authority (Fulcio v1 "
		    "API) valid now", path);
		goto done;
	}
	if ((log = pick(json_object_get(doc, "rekorTlogUrls"), 1, now, &other)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: no Rekor v1 log valid now%s", path,
		    other ? " (mavis does not write to Rekor v2 logs yet)" : "");
		goto done;
	}
	u->fulcio = base_url(ca);
	u->rekor = base_url(log);
	if (u->fulcio == NULL || u->rekor == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	st = tsas(ctx, path, doc, now, u);
done:
	if (st != MV_OK)
		mv_sigstore_urls_free(u);
	json_decref(doc);
	free(data);
	return st;
}

void
mv_sigstore_urls_free(struct mv_sigstore_urls *u)
{
	free(u->fulcio);
	free(u->rekor);
	for (size_t i = 0; u->tsa && i < u->ntsa; i++)
		free(u->tsa[i]);
	free(u->tsa);
	memset(u, 0, sizeof(*u));
}
