/* SPDX-License-Identifier: Apache-2.0 */
/* oidc.c: the OIDC identity token of keyless signing: given, read from a file, or asked of
 * GitHub Actions; its claims read (not checked: Fulcio checks the signature). */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"

/* Real tokens are 1 to 2 KiB. */
#define MAX_TOKEN (64u << 10)
/* A token that will not outlive the requests that use it is as good as expired. */
#define EXP_MARGIN_S 10

/* Issuers whose tokens Fulcio checks the e-mail of rather than the subject (the rule
 * Sigstore's clients follow). */
static const char *const email_issuers[] = {
	"https://accounts.google.com",
	"https://oauth2.sigstore.dev/auth",
};

static mv_status
claims(struct mv_ctx *ctx, struct mv_oidc_token *t)
{
	const char *d1 = strchr(t->raw, '.'), *d2 = d1 ? strchr(d1 + 1, '.') : NULL;
	unsigned char *raw = NULL;
	size_t rawlen;
	json_t *doc = NULL, *exp;
	const char *iss, *claim = "sub";
	mv_status st = MV_OK;

	if (d2 == NULL || strchr(d2 + 1, '.') != NULL ||
	    mv_b64_decode(d1 + 1, (size_t)(d2 - d1 - 1), &raw, &rawlen) != 0 ||
	    (doc = json_loadb((const char *)raw, rawlen, JSON_REJECT_DUPLICATES, NULL)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the identity token is not a JWT");
		goto done;
	}
	iss = json_string_value(json_object_get(doc, "iss"));
	exp = json_object_get(doc, "exp");
	if (iss == NULL || !json_is_integer(exp)) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the identity token has no %s claim",
		    iss == NULL ? "issuer (iss)" : "expiry (exp)");
		goto done;
	}
	for (size_t i = 0; i < sizeof(email_issuers) / sizeof(email_issuers[0]); i++)
		if (strcmp(iss, email_issuers[i]) == 0)
			claim = "email";
	if (json_string_value(json_object_get(doc, claim)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the identity token has no %s claim", claim);
		goto done;
	}
	t->exp = json_integer_value(exp);
	t->issuer = mv_strdup(iss);
	t->subject = mv_strdup(json_string_value(json_object_get(doc, claim)));
	if (t->issuer == NULL || t->subject == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	json_decref(doc);
	free(raw);
	return st;
}

/* GitHub Actions hands a job with "permissions: id-token: write" a URL and a bearer token
 * to ask for an OIDC token of the audience it names. */
static mv_status
from_actions(struct mv_ctx *ctx, struct mv_oidc_token *t)
{
	const char *url = getenv("ACTIONS_ID_TOKEN_REQUEST_URL");
	const char *bearer = getenv("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
	struct mv_http_req rq;
	struct mv_buf reply;
	json_t *doc = NULL;
	char *full = NULL;
	const char *v;
	mv_status st;

	if (url == NULL || bearer == NULL || *url == '\0' || *bearer == '\0')
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "no identity token: give --identity-token "
		    "TOKEN or @FILE, or run in GitHub Actions with 'permissions: id-token: write'");
	mv_buf_init(&reply, MAX_TOKEN);
	if ((full = mv_asprintf("%s%saudience=sigstore", url, strchr(url, '?') ? "&" : "?")) ==
	    NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	memset(&rq, 0, sizeof(rq));
	rq.what = "the GitHub Actions token service";
	rq.url = full;
	rq.bearer = bearer;
	if ((st = mv_http(ctx, &rq, &reply)) != MV_OK)
		goto done;
	doc = json_loadb((const char *)reply.p, reply.len, 0, NULL);
	if ((v = json_string_value(json_object_get(doc, "value"))) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "the GitHub Actions token service returned no "
		    "token");
		goto done;
	}
	if ((t->raw = mv_strdup(v)) == NULL)
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
done:
	json_decref(doc);
	mv_buf_free(&reply);
	free(full);
	return st;
}

static mv_status
from_file(struct mv_ctx *ctx, const char *path, struct mv_oidc_token *t)
{
	unsigned char *data = NULL;
	size_t len = 0, a = 0;
	mv_status st;

	if ((st = mv_file_read(ctx, path, MAX_TOKEN, &data, &len)) != MV_OK)
		return st;
	while (a < len && isspace(data[a]))
		a++;
	while (len > a && isspace(data[len - 1]))
		len--;
	t->raw = mv_strndup((const char *)data + a, len - a);
	free(data);
	return t->raw ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
}

mv_status
mv_oidc_token_alive(struct mv_ctx *ctx, const struct mv_oidc_token *t)
{
	time_t exp = (time_t)t->exp;
	char when[32];
	struct tm tm;

	if (t->exp > (long long)time(NULL) + EXP_MARGIN_S)
		return MV_OK;
	if (gmtime_r(&exp, &tm) == NULL || strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ",
	    &tm) == 0)
		snprintf(when, sizeof(when), "%lld", t->exp);
	return mv_ctx_fail(ctx, MV_ERR_VERIFY, "the identity token expired at %s: get a fresh one",
	    when);
}

mv_status
mv_oidc_token_get(struct mv_ctx *ctx, const char *arg, struct mv_oidc_token *t)
{
	mv_status st;

	memset(t, 0, sizeof(*t));
	if (arg == NULL)
		st = from_actions(ctx, t);
	else if (arg[0] == '@')
		st = from_file(ctx, arg + 1, t);
	else
		st = (t->raw = mv_strdup(arg)) ? MV_OK : mv_ctx_fail(ctx, MV_ERR_NOMEM,
		    "out of memory");
	if (st == MV_OK && strlen(t->raw) > MAX_TOKEN)
		st = mv_ctx_fail(ctx, MV_ERR_LIMIT, "the identity token is over %u bytes", MAX_TOKEN);
	if (st == MV_OK)
		st = claims(ctx, t);
	if (st == MV_OK)
		st = mv_oidc_token_alive(ctx, t);
	if (st != MV_OK)
		mv_oidc_token_free(t);
	return st;
}

void
mv_oidc_token_free(struct mv_oidc_token *t)
{
	if (t->raw)
		memset(t->raw, 0, strlen(t->raw));
	free(t->raw);
	free(t->issuer);
	free(t->subject);
	memset(t, 0, sizeof(*t));
}
