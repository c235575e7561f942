/* SPDX-License-Identifier: Apache-2.0 */
/* http.c: the few HTTPS requests keyless signing makes (Fulcio, Rekor, an OIDC token
 * endpoint, a timestamp authority), through libcurl: bounded time, bounded retries, bounded
 * replies. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "core/ctx.h"
#include "core/curl.h"
#include "core/str.h"
#include "sign/sign.h"

/* A service that does not answer in this time is down for our purpose. */
#define CONNECT_TIMEOUT_S 15L
#define TOTAL_TIMEOUT_S 60L
/* Transient failures (no connection, 5xx, 429) are tried again, this many times in all. */
#define ATTEMPTS 3

static size_t
on_data(char *p, size_t size, size_t n, void *arg)
{
	struct mv_buf *b = arg;

	/* Returning less than given makes libcurl stop with CURLE_WRITE_ERROR. */
	return mv_buf_add(b, p, size * n) == MV_OK ? size * n : 0;
}

/* One request; *code the HTTP status (0 when none came). */
static CURLcode
attempt(const struct mv_http_req *rq, struct mv_buf *out, long *code, char *err)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char *auth = NULL, *type = NULL;
	CURLcode rc = CURLE_OUT_OF_MEMORY;

	*code = 0;
	err[0] = '\0';
	if (c == NULL)
		return rc;
	if (rq->content_type && (type = mv_asprintf("Content-Type: %s", rq->content_type)) == NULL)
		goto done;
	if (rq->bearer && (auth = mv_asprintf("Authorization: bearer %s", rq->bearer)) == NULL)
		goto done;
	h = curl_slist_append(h, rq->accept ? rq->accept : "Accept: application/json");
	if (h && type)
		h = curl_slist_append(h, type);
	if (h && auth)
		h = curl_slist_append(h, auth);
	if (h == NULL)
		goto done;
	curl_easy_setopt(c, CURLOPT_URL, rq->url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, TOTAL_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)out->max);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mavis/" PACKAGE_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, out);
	if (rq->body) {
		curl_easy_setopt(c, CURLOPT_POST, 1L);
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, rq->body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)rq->body_len);
	}
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
done:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(auth);
	free(type);
	return rc;
}

/* The first line of a refusal, printable, for the one-line error. */
static char *
reason(const struct mv_buf *b)
{
	size_t n = 0;
	char *s;

	while (n < b->len && n < 200 && b->p[n] != '\n' && b->p[n] != '\r')
		n++;
	if ((s = mv_strndup((const char *)b->p, n)) == NULL)
		return NULL;
	for (size_t i = 0; s[i]; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
			s[i] = '?';
	return s;
}

mv_status
mv_http(struct mv_ctx *ctx, const struct mv_http_req *rq, struct mv_buf *out)
{
	char err[CURL_ERROR_SIZE];
	CURLcode rc = CURLE_OK;
	long code = 0;

	if (!mv_curl_ready())
		return mv_ctx_fail(ctx, MV_ERR_INTERNAL, "%s: cannot start libcurl", rq->what);
	for (int i = 0; i < ATTEMPTS; i++) {
		if (i)
			sleep((unsigned)i);
		mv_buf_reset(out);
		rc = attempt(rq, out, &code, err);
		if (rc == CURLE_OK && code != 429 && code < 500)
			break;
		/* Too large or out of memory will not change on a second try. */
		if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED ||
		    rc == CURLE_OUT_OF_MEMORY || rc == CURLE_UNSUPPORTED_PROTOCOL ||
		    rc == CURLE_URL_MALFORMAT)
			break;
	}
	if (rq->status)
		*rq->status = code;
	if (rc == CURLE_WRITE_ERROR || rc == CURLE_FILESIZE_EXCEEDED)
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: the reply from %s is larger than %zu "
		    "bytes", rq->what, rq->url, out->max);
	if (rc != CURLE_OK)
		return mv_ctx_fail(ctx, MV_ERR_IO, "%s unreachable at %s: %s", rq->what, rq->url,
		    err[0] ? err : curl_easy_strerror(rc));
	if (code < 200 || code > 299) {
		char *why = reason(out);
		mv_status st = mv_ctx_fail(ctx, MV_ERR_VERIFY, "%s refused the request (HTTP %ld)%s%s",
		    rq->what, code, why && *why ? ": " : "", why ? why : "");

		free(why);
		return st;
	}
	if (mv_buf_terminate(out) != MV_OK)
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: the reply is too large", rq->what);
	return MV_OK;
}

mv_status
mv_http_json(struct mv_ctx *ctx, const char *what, const char *base, const char *path,
    void *req, size_t max, void **reply)
{
	char *url = mv_asprintf("%s%s", base, path), *body = json_dumps(req, JSON_COMPACT);
	struct mv_http_req rq;
	struct mv_buf out;
	json_error_t err;
	mv_status st;

	*reply = NULL;
	mv_buf_init(&out, max);
	if (url == NULL || body == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	memset(&rq, 0, sizeof(rq));
	rq.what = what;
	rq.url = url;
	rq.body = body;
	rq.body_len = strlen(body);
	rq.content_type = "application/json";
	if ((st = mv_http(ctx, &rq, &out)) != MV_OK)
		goto done;
	if ((*reply = json_loadb((const char *)out.p, out.len, JSON_REJECT_DUPLICATES, &err)) ==
	    NULL)
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s replied with something not JSON: %s",
		    what, err.text);
done:
	mv_buf_free(&out);
	free(url);
	free(body);
	return st;
}
