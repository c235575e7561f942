/* SPDX-License-Identifier: Apache-2.0 */
/* request.c: the body of POST /api/v1/scan, checked before anything is queued: 400 for what
 * is not JSON or has the wrong types, 422 for values the adapter cannot act on. Whatever
 * passes here ends up in a URL, a header sent to a registry and a log line, so every string
 * is held to the grammar it will be used in. */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve/serve.h"

#define JSON_DEPTH 8             /* the request nests 4 deep */

static int
fail(char *err, size_t errlen, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return status;
}

/* Printable ASCII only: no CR or LF (header injection), no control characters. */
static int
printable(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (*s < 0x20 || *s > 0x7e || n >= max)
			return 0;
	return 1;
}

/* OCI distribution's repository name: components [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)* joined by
 * '/', at most 255 bytes (a registry's limit). */
static int
repository_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 255)
		return 0;
	for (const char *p = s; *p;) {
		if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)))
			return 0;
		while (islower((unsigned char)*p) || isdigit((unsigned char)*p))
			p++;
		if (*p == '/') {
			p++;
			continue;
		}
		if (*p == '.' || *p == '_' || *p == '-') {
			if (*p == '.')
				p++;
			else if (*p == '_')
				p += p[1] == '_' ? 2 : 1;
			else
				while (*p == '-')
					p++;
			if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p)))
				return 0;
			continue;
		}
		if (*p)
			return 0;
	}
	return 1;
}

/* sha256 (64) or sha512 (128) lowercase hex digits, as the image spec requires. */
static int
digest_ok(const char *s)
{
	size_t want, n;

	if (strncmp(s, "sha256:", 7) == 0)
		want = 64, s += 7;
	else if (strncmp(s, "sha512:", 7) == 0)
		want = 128, s += 7;
	else
		return 0;
	n = strspn(s, "0123456789abcdef");
	return n == want && s[n] == '\0';
}

/* http:// or https://, a host (name, IPv4 or [IPv6]) and an optional port; a path is allowed
 * (a registry behind a prefix is not, but Harbor's URLs may end in '/'), userinfo is not. */
static int
url_ok(const char *s)
{
	const char *h;
	size_t n;

	if (strncmp(s, "http://", 7) == 0)
		h = s + 7;
	else if (strncmp(s, "https://", 8) == 0)
		h = s + 8;
	else
		return 0;
	if (*h == '[') {
		n = strspn(h + 1, "0123456789abcdefABCDEF:.");
		if (h[1 + n] != ']' || n == 0)
			return 0;
		h += n + 2;
	} else {
		n = strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-");
		/* No empty label: "1270..0.1" names no host. */
		if (n == 0 || n > 253 || h[0] == '.' || h[n - 1] == '.' ||
		    memmem(h, n, "..", 2))
			return 0;
		h += n;
	}
	if (*h == ':') {
		n = strspn(h + 1, "0123456789");
		if (n == 0 || n > 5 || atol(h + 1) > 65535 || atol(h + 1) == 0)
			return 0;
		h += n + 1;
	}
	return *h == '\0' || strcmp(h, "/") == 0;
}

/* A member that must be a string when present: 1 present, 0 absent (or null), -1 wrong
 * type. */
static int
get_str(json_t *o, const char *key, const char **out)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return -1;
	*out = json_string_value(v);
	return 1;
}

static int
capabilities(json_t *caps, char *err, size_t errlen)
{
	size_t i, k;
	json_t *c, *t;

	if (!json_is_array(caps))
		return fail(err, errlen, 400, "enabled_capabilities: not an array");
	json_array_foreach(caps, i, c) {
		const char *type = "vulnerability";
		json_t *pm, *params;

		if (!json_is_object(c))
			return fail(err, errlen, 400, "enabled_capabilities[%zu]: not an object", i);
		if (get_str(c, "type", &type) < 0)
			return fail(err, errlen, 400, "enabled_capabilities[%zu].type: not a string",
			    i);
		if (type == NULL)
			type = "vulnerability";
		if (strcmp(type, "vulnerability") != 0 && strcmp(type, "model-security") != 0 &&
		    strcmp(type, "sbom") != 0)
			return fail(err, errlen, 422, "enabled_capabilities[%zu].type: unknown "
			    "capability (vulnerability, model-security or sbom)", i);
		pm = json_object_get(c, "produces_mime_types");
		if (pm == NULL || !json_is_array(pm))
			return fail(err, errlen, 400, "enabled_capabilities[%zu]."
			    "produces_mime_types: missing or not an array", i);
		json_array_foreach(pm, k, t) {
			if (!json_is_string(t))
				return fail(err, errlen, 400, "enabled_capabilities[%zu]."
				    "produces_mime_types[%zu]: not a string", i, k);
			if (!mv_serve_produces(json_string_value(t)))
				return fail(err, errlen, 422, "enabled_capabilities[%zu]."
				    "produces_mime_types[%zu]: a type this scanner does not produce",
				    i, k);
		}
		params = json_object_get(c, "parameters");
		if (params != NULL && !json_is_null(params) && !json_is_object(params))
			return fail(err, errlen, 400, "enabled_capabilities[%zu].parameters: not an "
			    "object", i);
		if (strcmp(type, "sbom") == 0) {
			json_t *smt = params ? json_object_get(params, "sbom_media_types") : NULL;

			if (smt == NULL || !json_is_array(smt) || json_array_size(smt) == 0)
				return fail(err, errlen, 422, "enabled_capabilities[%zu]: sbom needs "
				    "parameters.sbom_media_types", i);
			json_array_foreach(smt, k, t)
				if (!json_is_string(t) || strcmp(json_string_value(t),
				    "application/vnd.cyclonedx+json") != 0)
					return fail(err, errlen, 422, "enabled_capabilities[%zu]."
					    "parameters.sbom_media_types[%zu]: only "
					    "application/vnd.cyclonedx+json is made", i, k);
		}
	}
	return 0;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int
mv_serve_req_parse(const char *body, size_t len, struct mv_serve_req *out, char *err,
    size_t errlen)
{
	const char *url = NULL, *auth = NULL, *repo = NULL, *dig = NULL, *tag = NULL,
	    *mt = NULL;
	json_error_t je;
	json_t *doc, *reg, *art, *caps;
	int st = 0;

	memset(out, 0, sizeof(*out));
	/* jansson has no depth limit of its own that a caller sets, so nesting is bounded
	 * before it parses: the request is 3 deep, anything past JSON_DEPTH is not one. */
	for (size_t i = 0, depth = 0, instr = 0; i < len; i++) {
		char c = body[i];

		if (instr) {
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > JSON_DEPTH)
				return fail(err, errlen, 400, "body: JSON nested deeper than %d",
				    JSON_DEPTH);
		} else if ((c == '}' || c == ']') && depth > 0) {
			depth--;
		}
	}
	doc = json_loadb(body, len, JSON_REJECT_DUPLICATES, &je);
	if (doc == NULL)
		return fail(err, errlen, 400, "body: not JSON: %s (byte %d)", je.text,
		    je.position);
	if (!json_is_object(doc)) {
		st = fail(err, errlen, 400, "body: not a JSON object");
		goto done;
	}
	reg = json_object_get(doc, "registry");
	art = json_object_get(doc, "artifact");
	if ((reg && !json_is_object(reg)) || (art && !json_is_object(art))) {
		st = fail(err, errlen, 400, "registry and artifact must be objects");
		goto done;
	}
	if (reg == NULL || art == NULL) {
		st = fail(err, errlen, 422, "registry and artifact are required");
		goto done;
	}
	if (get_str(reg, "url", &url) < 0 || get_str(reg, "authorization", &auth) < 0 ||
	    get_str(art, "repository", &repo) < 0 || get_str(art, "digest", &dig) < 0 ||
	    get_str(art, "tag", &tag) < 0 || get_str(art, "mime_type", &mt) < 0) {
		st = fail(err, errlen, 400, "registry and artifact members must be strings");
		goto done;
	}
	if (url == NULL || !url_ok(url)) {
		st = fail(err, errlen, 422, "registry.url: missing or not an http(s) URL of a "
		    "host");
		goto done;
	}
	if (auth && (!printable(auth, 8192) || (*auth && strncmp(auth, "Basic ", 6) != 0 &&
	    strncmp(auth, "Bearer ", 7) != 0))) {
		st = fail(err, errlen, 422, "registry.authorization: not a Basic or Bearer "
		    "credential of printable characters");
		goto done;
	}
	if (repo == NULL || !repository_ok(repo)) {
		st = fail(err, errlen, 422, "artifact.repository: missing or not a repository "
		    "name");
		goto done;
	}
	if (dig == NULL || !digest_ok(dig)) {
		st = fail(err, errlen, 422, "artifact.digest: missing or not a sha256 or sha512 "
		    "digest");
		goto done;
	}
	if ((tag && !printable(tag, 128)) || (mt && !printable(mt, 255))) {
		st = fail(err, errlen, 422, "artifact.tag or artifact.mime_type: not printable");
		goto done;
	}
	if (mt && *mt && !mv_serve_consumes(mt)) {
		st = fail(err, errlen, 422, "artifact.mime_type: a type this scanner does not "
		    "consume");
		goto done;
	}
	caps = json_object_get(doc, "enabled_capabilities");
	if (caps && !json_is_null(caps) && (st = capabilities(caps, err, errlen)) != 0)
		goto done;
	out->url = strdup(url);
	out->authorization = dup_or_null(auth && *auth ? auth : NULL);
	out->repository = strdup(repo);
	out->digest = strdup(dig);
	out->tag = dup_or_null(tag);
	out->mime_type = dup_or_null(mt);
	if (out->url == NULL || out->repository == NULL || out->digest == NULL ||
	    (auth && *auth && out->authorization == NULL) || (tag && out->tag == NULL) ||
	    (mt && out->mime_type == NULL)) {
		mv_serve_req_free(out);
		st = fail(err, errlen, 500, "out of memory");
	}
done:
	json_decref(doc);
	return st;
}

void
mv_serve_req_free(struct mv_serve_req *r)
{
	free(r->url);
	free(r->authorization);
	free(r->repository);
	free(r->digest);
	free(r->tag);
	free(r->mime_type);
	memset(r, 0, sizeof(*r));
}

char *
mv_serve_req_dump(const struct mv_serve_req *r)
{
	json_t *o = json_pack("{s:s,s:s*,s:s,s:s,s:s*,s:s*}", "url", r->url, "authorization",
	    r->authorization, "repository", r->repository, "digest", r->digest, "tag", r->tag,
	    "mime_type", r->mime_type);
	char *s;

	if (o == NULL)
		return NULL;
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
}

int
mv_serve_req_load(const char *text, struct mv_serve_req *out)
{
	json_t *o = json_loads(text, 0, NULL);
	const char *url = NULL, *auth = NULL, *repo = NULL, *dig = NULL, *tag = NULL, *mt = NULL;
	int st = -1;

	memset(out, 0, sizeof(*out));
	if (o == NULL || json_unpack(o, "{s:s,s?s,s:s,s:s,s?s,s?s}", "url", &url,
	    "authorization", &auth, "repository", &repo, "digest", &dig, "tag", &tag,
	    "mime_type", &mt) != 0)
		goto done;
	out->url = strdup(url);
	out->authorization = dup_or_null(auth);
	out->repository = strdup(repo);
	out->digest = strdup(dig);
	out->tag = dup_or_null(tag);
	out->mime_type = dup_or_null(mt);
	if (out->url && out->repository && out->digest && (!auth || out->authorization) &&
	    (!tag || out->tag) && (!mt || out->mime_type))
		st = 0;
	else
		mv_serve_req_free(out);
done:
	json_decref(o);
	return st;
}

char *
mv_serve_req_input(const struct mv_serve_req *r, int *insecure)
{
	const char *h = r->url;
	size_t n, len;
	char *s;

	*insecure = strncmp(h, "http://", 7) == 0;
	h += *insecure ? 7 : 8;
	n = strcspn(h, "/");
	if (n == 0)
		return NULL;
	len = 6 + n + 1 + strlen(r->repository) + 1 + strlen(r->digest) + 1;
	if ((s = malloc(len)) == NULL)
		return NULL;
	snprintf(s, len, "oci://%.*s/%s@%s", (int)n, h, r->repository, r->digest);
	return s;
}
