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

/* The first service of list with API version major that is valid now. */
static const char *
pick(json_t *list, long long major, time_t now)
{
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *svc = json_array_get(list, i);
		const char *url = live(svc, now);

		if (url != NULL && json_integer_value(json_object_get(svc, "majorApiVersion")) ==
		    major)
			return url;
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

/* How many of n services the selector of cfg (rekorTlogConfig, tsaConfig) asks for: ANY
 * (the default: no config, or the selector unset) one, ALL each, EXACT its count. */
static mv_status
selected(struct mv_ctx *ctx, const char *path, const char *key, json_t *cfg, size_t n,
    const char *what, size_t *need)
{
	const char *sel = json_string_value(json_object_get(cfg, "selector"));
	json_int_t count = json_integer_value(json_object_get(cfg, "count"));

	if (sel == NULL || strcmp(sel, "ANY") == 0 || strcmp(sel, "SERVICE_SELECTOR_UNDEFINED") == 0)
		*need = 1;
	else if (strcmp(sel, "ALL") == 0)
		*need = n;
	else if (strcmp(sel, "EXACT") != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: %s's selector is not ANY, ALL or EXACT",
		    path, key);
	else if (count >= 1 && (size_t)count <= n)
		*need = (size_t)count;
	else
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: %s asks for exactly %lld %s; %zu "
		    "valid now", path, key, (long long)count, what, n);
	return MV_OK;
}

/* The services of list with API version major valid now, their URLs as given (base: without
 * trailing slashes, for paths to be appended) into a new array. */
static mv_status
collect(struct mv_ctx *ctx, json_t *list, long long major, time_t now, int base, char ***out,
    size_t *n)
{
	if ((*out = calloc(json_array_size(list) + 1, sizeof(**out))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < json_array_size(list); i++) {
		json_t *svc = json_array_get(list, i);
		const char *url = live(svc, now);

		if (url == NULL || json_integer_value(json_object_get(svc, "majorApiVersion")) != major)
			continue;
		if (((*out)[*n] = base ? base_url(url) : mv_strdup(url)) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		(*n)++;
	}
	return MV_OK;
}

/* The Rekor logs: those of the highest API version mavis writes with a log valid now (the
 * Sigstore clients' rule), as many as rekorTlogConfig asks for. */
static mv_status
rekors(struct mv_ctx *ctx, const char *path, json_t *doc, time_t now, struct mv_sigstore_urls *u)
{
	json_t *list = json_object_get(doc, "rekorTlogUrls");
	mv_status st;

	u->rekor_major = pick(list, 2, now) ? 2 : 1;
	if ((st = collect(ctx, list, u->rekor_major, now, 1, &u->rekor, &u->nrekor)) != MV_OK)
		return st;
	if (u->nrekor == 0)
		return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: no Rekor log (API version 1 or 2) "
		    "valid now", path);
	return selected(ctx, path, "rekorTlogConfig", json_object_get(doc, "rekorTlogConfig"),
	    u->nrekor, "logs", &u->rekor_need);
}

/* The timestamp authorities (v1 API, valid now; their URLs are used as given, path and all)
 * and how many of them tsaConfig's selector wants. */
static mv_status
tsas(struct mv_ctx *ctx, const char *path, json_t *doc, time_t now, struct mv_sigstore_urls *u)
{
	mv_status st;

	if ((st = collect(ctx, json_object_get(doc, "tsaUrls"), 1, now, 0, &u->tsa, &u->ntsa)) !=
	    MV_OK || u->ntsa == 0)
		return st;
	return selected(ctx, path, "tsaConfig", json_object_get(doc, "tsaConfig"), u->ntsa,
	    "timestamps", &u->tsa_need);
}

mv_status
mv_sigstore_urls_load(struct mv_ctx *ctx, const char *path, int staging,
    struct mv_sigstore_urls *u)
{
	unsigned char *data = NULL;
	size_t len = 0;
	json_error_t err;
	json_t *doc = NULL;
	const char *mt, *ca;
	time_t now = time(NULL);
	mv_status st;

	memset(u, 0, sizeof(*u));
	if (path == NULL) {
		u->fulcio = mv_strdup(staging ? "https://fulcio.sigstage.dev" :
		    "https://fulcio.sigstore.dev");
		u->rekor = calloc(1, sizeof(*u->rekor));
		if (u->rekor)
			u->rekor[0] = mv_strdup(staging ? "https://rekor.sigstage.dev" :
			    "https://rekor.sigstore.dev");
		u->nrekor = u->rekor_need = 1;
		u->rekor_major = 1;
		/* The timestamp authority both instances' signing configs list. */
		u->tsa = calloc(1, sizeof(*u->tsa));
		if (u->tsa)
			u->tsa[0] = mv_strdup(staging ? "https://timestamp.sigstage.dev/api/v1/timestamp" :
			    "https://timestamp.sigstore.dev/api/v1/timestamp");
		u->ntsa = u->tsa_need = 1;
		st = u->fulcio && u->rekor && u->rekor[0] && u->tsa && u->tsa[0] ? MV_OK :
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
	if ((ca = pick(json_object_get(doc, "caUrls"), 1, now)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: no certificate authority (Fulcio v1 "
		    "API) valid now", path);
		goto done;
	}
	if ((u->fulcio = base_url(ca)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = rekors(ctx, path, doc, now, u)) != MV_OK ||
	    (st = tsas(ctx, path, doc, now, u)) != MV_OK)
		goto done;
	/* A Rekor v2 entry carries no time the log vouches for: the certificate's validity is
	 * judged at a timestamp authority's time, so signing without one would make a bundle
	 * no verifier accepts. */
	if (u->rekor_major == 2 && u->ntsa == 0)
		st = mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "%s: its Rekor v2 log gives no time: a "
		    "timestamp authority (tsaUrls) valid now is needed", path);
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
	for (size_t i = 0; u->rekor && i < u->nrekor; i++)
		free(u->rekor[i]);
	free(u->rekor);
	for (size_t i = 0; u->tsa && i < u->ntsa; i++)
		free(u->tsa[i]);
	free(u->tsa);
	memset(u, 0, sizeof(*u));
}
