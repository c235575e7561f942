/* SPDX-License-Identifier: Apache-2.0 */
/* registry.c: an oci:// input pulled through the OCI distribution API with libcurl: the
 * registry's token or basic authentication, the manifests fetched and checked by digest, and
 * the blobs they name listed as an OCI layout whose blobs stream to the walk when opened. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/codec.h"
#include "core/ctx.h"
#include "core/curl.h"
#include "core/file.h"
#include "core/jsonutil.h"
#include "core/ocidesc.h"
#include "core/str.h"
#include "net/registry.h"

#define CONNECT_TIMEOUT_S 15L
/* A transfer that moves less than a byte a second for this long has stalled. */
#define STALL_S 60L
#define MAX_REDIRS 5L
/* A token reply, a header value: no registry sends more. */
#define TOKEN_MAX (64u << 10)
#define HEADER_MAX 4096
/* Every manifest and index of one reference together: a model artifact has a few. */
#define DOCS_MAX (16u << 20)
#define STREAM_BUF (256u << 10)

static const char accept_docs[] = "Accept: application/vnd.oci.image.index.v1+json, "
    "application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, "
    "application/vnd.docker.distribution.manifest.v2+json";

struct reg {
	struct mv_remote r;              /* first: what the walk holds */
	struct mv_ctx *ctx;              /* during the pull only, */
	const char *uri;                 /* with the input, which errors name */
	struct mv_oci_ref ref;
	char *base;                      /* SCHEME://HOST/v2/REPO */
	char *authz;                     /* "Authorization: ..." in use, or NULL */
	char *basic;                     /* the caller's Basic value, for a token service */
	int plain;                       /* plain HTTP allowed */
	size_t cap;                      /* entries allocated */
	uint64_t docs;                   /* bytes of documents held */
};

/* The response of one request. */
struct reply {
	struct mv_buf body;
	long code;
	char *www;                       /* WWW-Authenticate */
	char *ctype;                     /* Content-Type, parameters cut */
	char *dcd;                       /* Docker-Content-Digest */
	int too_big;
};

/* ---- requests ---- */

static void
reply_clear_headers(struct reply *rp)
{
	free(rp->www);
	free(rp->ctype);
	free(rp->dcd);
	rp->www = rp->ctype = rp->dcd = NULL;
}

static size_t
on_header(char *p, size_t size, size_t n, void *arg)
{
	struct reply *rp = arg;
	size_t len = size * n, k, v;
	char **slot = NULL;

	/* A new status line (after a redirect or 100 Continue): its headers replace these. */
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		reply_clear_headers(rp);
		return len;
	}
	for (k = 0; k < len && p[k] != ':'; k++)
		;
	if (k == len)
		return len;
	if (k == 16 && strncasecmp(p, "WWW-Authenticate", k) == 0)
		slot = &rp->www;
	else if (k == 12 && strncasecmp(p, "Content-Type", k) == 0)
		slot = &rp->ctype;
	else if (k == 21 && strncasecmp(p, "Docker-Content-Digest", k) == 0)
		slot = &rp->dcd;
	if (slot == NULL || *slot != NULL)
		return len;              /* the first of a repeated header counts */
	for (v = k + 1; v < len && (p[v] == ' ' || p[v] == '\t'); v++)
		;
	while (len > v && (p[len - 1] == '\r' || p[len - 1] == '\n' || p[len - 1] == ' '))
		len--;
	if (len - v > HEADER_MAX)
		return size * n;
	if (slot == &rp->ctype)
		len = v + strcspn(p + v, ";") < len ? v + strcspn(p + v, ";") : len;
	while (len > v && p[len - 1] == ' ')
		len--;
	*slot = mv_strndup(p + v, len - v);
	return *slot ? size * n : 0;
}

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct reply *rp = arg;
	size_t room = rp->body.max - rp->body.len, take = size * n < room ? size * n : room;

	/* What fits is kept, so a reply one byte over its limit is seen as such. */
	if (mv_buf_add(&rp->body, p, take) != MV_OK)
		return 0;
	if (take < size * n) {
		rp->too_big = 1;
		return 0;
	}
	return size * n;
}

/* What every request of this registry shares. */
static CURLcode
setup(struct reg *g, CURL *c, const char *url, const char *accept, const char *authz,
    struct curl_slist **h)
{
	const char *protos = g->plain ? "http,https" : "https";

	*h = curl_slist_append(NULL, accept);
	if (*h && authz)
		*h = curl_slist_append(*h, authz);
	if (*h == NULL)
		return CURLE_OUT_OF_MEMORY;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, *h);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, STALL_S);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protos);
	/* Blobs are often served from storage the registry redirects to; libcurl sends the
	 * Authorization header to the registry's own host only. */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(c, CURLOPT_MAXREDIRS, MAX_REDIRS);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, protos);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "mavis/" PACKAGE_VERSION);
	return CURLE_OK;
}

/* GET url into rp (body capped at max bytes). */
static mv_status
get(struct reg *g, const char *url, const char *accept, const char *authz, size_t max,
    struct reply *rp)
{
	CURL *c = curl_easy_init();
	struct curl_slist *h = NULL;
	char err[CURL_ERROR_SIZE] = "";
	CURLcode rc;
	mv_status st = MV_OK;

	mv_buf_reset(&rp->body);
	rp->body.max = max;
	rp->code = 0;
	rp->too_big = 0;
	reply_clear_headers(rp);
	if (c == NULL || setup(g, c, url, accept, authz, &h) != CURLE_OK) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, err);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, rp);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, rp);
	rc = curl_easy_perform(c);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &rp->code);
	if (rp->too_big)
		st = mv_ctx_fail(g->ctx, MV_ERR_LIMIT, "%s: %s: the reply is larger than %zu "
		    "bytes; not read", g->uri, url, max);
	else if (rc != CURLE_OK)
		st = mv_ctx_fail(g->ctx, MV_ERR_IO, "%s: %s: %s", g->uri, url, err[0] ? err :
		    curl_easy_strerror(rc));
	else if (mv_buf_terminate(&rp->body) != MV_OK)
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
done:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return st;
}

/* Bearer: a token from the realm the challenge names, for the scope it names (pull of this
 * repository when it names none), asked with the caller's Basic credentials if any. */
static mv_status
token(struct reg *g, const struct mv_challenge *ch)
{
	struct reply rp = {0};
	char *scope_own = NULL, *url = NULL, *svc = NULL, *scope = NULL, *basic = NULL;
	const char *tok;
	json_t *j = NULL;
	char err[128];
	int dup = 0;
	mv_status st;
	CURL *esc = curl_easy_init();

	mv_buf_init(&rp.body, TOKEN_MAX);
	if (ch->realm == NULL || (strncmp(ch->realm, "https://", 8) != 0 &&
	    !(g->plain && strncmp(ch->realm, "http://", 7) == 0)) || strchr(ch->realm, '?')) {
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry's token realm '%s' is "
		    "not an https:// URL without a query%s", g->uri, ch->realm ? ch->realm : "",
		    g->plain ? " (or http:// for a loopback or --insecure-registry)" : "");
		goto done;
	}
	if (ch->scope == NULL && (scope_own = mv_asprintf("repository:%s:pull", g->ref.repo)) ==
	    NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (esc == NULL ||
	    (svc = curl_easy_escape(esc, ch->service ? ch->service : "", 0)) == NULL ||
	    (scope = curl_easy_escape(esc, ch->scope ? ch->scope : scope_own, 0)) == NULL ||
	    (url = ch->service ? mv_asprintf("%s?service=%s&scope=%s", ch->realm, svc, scope) :
	    mv_asprintf("%s?scope=%s", ch->realm, scope)) == NULL ||
	    (g->basic && (basic = mv_asprintf("Authorization: %s", g->basic)) == NULL)) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = get(g, url, "Accept: application/json", basic, TOKEN_MAX, &rp)) != MV_OK)
		goto done;
	if (rp.code != 200) {
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the token service refused %s "
		    "(HTTP %ld)", g->uri, g->basic ? "the credentials" : "an anonymous pull",
		    rp.code);
		goto done;
	}
	if (mv_json_load(rp.body.p, rp.body.len, 4, 0, &j, &dup, err, sizeof(err)) != MV_OK ||
	    ((tok = json_string_value(json_object_get(j, "token"))) == NULL &&
	    (tok = json_string_value(json_object_get(j, "access_token"))) == NULL) ||
	    *tok == '\0' || strpbrk(tok, "\r\n") != NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_FORMAT, "%s: the token service's reply holds no "
		    "token", g->uri);
		goto done;
	}
	free(g->authz);
	if ((g->authz = mv_asprintf("Authorization: Bearer %s", tok)) == NULL)
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
done:
	if (basic)
		OPENSSL_cleanse(basic, strlen(basic));
	free(basic);
	free(url);
	free(scope_own);
	curl_free(svc);
	curl_free(scope);
	curl_easy_cleanup(esc);
	json_decref(j);
	if (rp.body.p)
		OPENSSL_cleanse(rp.body.p, rp.body.len);
	mv_buf_free(&rp.body);
	reply_clear_headers(&rp);
	return st;
}

/* GET with the registry's authentication: on a 401, answer its challenge once. */
static mv_status
fetch(struct reg *g, const char *url, size_t max, struct reply *rp)
{
	struct mv_challenge ch;
	mv_status st;

	if ((st = get(g, url, accept_docs, g->authz, max, rp)) != MV_OK || rp->code != 401)
		return st;
	if (rp->www == NULL || mv_challenge_parse(rp->www, strlen(rp->www), &ch) != MV_OK)
		return mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry asks for credentials "
		    "(HTTP 401) with no challenge mavis can read", g->uri);
	if (strcasecmp(ch.scheme, "Bearer") == 0) {
		st = token(g, &ch);
	} else if (strcasecmp(ch.scheme, "Basic") == 0 && g->basic &&
	    (g->authz == NULL || strstr(g->authz, g->basic) == NULL)) {
		free(g->authz);
		if ((g->authz = mv_asprintf("Authorization: %s", g->basic)) == NULL)
			st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
	} else {
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry refused the pull (HTTP "
		    "401, %s authentication)%s", g->uri, ch.scheme, g->basic ? "" :
		    "; give credentials with --registry-auth or docker login");
	}
	mv_challenge_free(&ch);
	if (st == MV_OK)
		st = get(g, url, accept_docs, g->authz, max, rp);
	if (st == MV_OK && rp->code == 401)
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry refused the credentials "
		    "(HTTP 401)", g->uri);
	return st;
}

/* ---- the documents ---- */

/* alg:hex of p[0..n) for alg sha256 or sha512 into out (at least 136 bytes). */
static int
digest_of(const char *alg, const void *p, size_t n, char *out, size_t outlen)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	const EVP_MD *type = strcmp(alg, "sha512") == 0 ? EVP_sha512() : EVP_sha256();
	size_t k;

	if (EVP_Digest(p, n, md, &len, type, NULL) != 1 || outlen < strlen(alg) + 2 + 2 * len)
		return 0;
	k = (size_t)snprintf(out, outlen, "%s:", alg);
	for (unsigned i = 0; i < len; i++, k += 2)
		snprintf(out + k, outlen - k, "%02x", md[i]);
	return 1;
}

static long
entry_find(const struct reg *g, const char *name)
{
	for (size_t i = 0; i < g->r.n; i++)
		if (strcmp(g->r.v[i].name, name) == 0)
			return (long)i;
	return -1;
}

/* Append an entry (name taken); NULL when out of memory or over the entry limit. */
static struct mv_remote_entry *
entry_add(struct reg *g, char *name)
{
	struct mv_remote_entry *e;

	if (name == NULL)
		return NULL;
	if (MV_ARRAY_RESERVE(g->r.v, g->cap, g->r.n + 1, g->ctx->limit[MV_LIMIT_ENTRIES]) != 0) {
		free(name);
		return NULL;
	}
	e = &g->r.v[g->r.n++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	return e;
}

static mv_status document(struct reg *g, const char *digest, json_int_t size, unsigned depth,
    int config);

/* A JSON config: held whole, as the layout reader reads a model's config (its DiffIDs). */
static int
json_config(const char *mt, json_int_t size)
{
	size_t n = strlen(mt);

	return n >= 5 && strcmp(mt + n - 5, "+json") == 0 && (uint64_t)size <= MV_OCI_JSON_MAX;
}

/* One descriptor: a document is fetched and followed, a JSON config fetched, any other blob
 * listed. What is wrong
 * with it (no digest, a size that lies, a blob the registry lacks) is for the layout reader
 * to report, as for a layout on disk; here it is only not fetched. */
static mv_status
descriptor(struct reg *g, json_t *d, unsigned depth, int config)
{
	const char *mt = json_string_value(json_object_get(d, "mediaType"));
	const char *digest = json_string_value(json_object_get(d, "digest"));
	json_t *size = json_object_get(d, "size");
	struct mv_remote_entry *e;
	const char *hex;
	char alg[16];

	if (mt == NULL || digest == NULL || !json_is_integer(size) ||
	    json_integer_value(size) < 0 || !mv_oci_digest_split(digest, alg, sizeof(alg), &hex))
		return MV_OK;
	if ((mv_oci_is_index(mt) || mv_oci_is_manifest(mt)) &&
	    (uint64_t)json_integer_value(size) <= MV_OCI_JSON_MAX)
		return document(g, digest, json_integer_value(size), depth + 1, 0);
	if (config && json_config(mt, json_integer_value(size)))
		return document(g, digest, json_integer_value(size), depth, 1);
	{
		char *name = mv_asprintf("blobs/%s/%s", alg, hex);

		if (name && entry_find(g, name) >= 0) {
			free(name);
			return MV_OK;
		}
		if ((e = entry_add(g, name)) == NULL)
			return mv_ctx_fail(g->ctx, MV_ERR_LIMIT, "%s: more than %llu blobs "
			    "(--max-entries), or out of memory", g->uri,
			    (unsigned long long)g->ctx->limit[MV_LIMIT_ENTRIES]);
		e->size = (uint64_t)json_integer_value(size);
	}
	return MV_OK;
}

static mv_status
descriptors(struct reg *g, json_t *a, unsigned depth)
{
	json_t *d;
	size_t k;
	mv_status st = MV_OK;

	if (!json_is_array(a))
		return MV_OK;
	json_array_foreach(a, k, d)
		if (json_is_object(d) && (st = descriptor(g, d, depth, 0)) != MV_OK)
			break;
	return st;
}

/* An index or manifest by its digest: held as the blob it is in a layout, and followed (a
 * config: held only). Read at most its size and one byte more; a reply of another length or
 * digest is kept as it came, for the layout reader to report. */
static mv_status
document(struct reg *g, const char *digest, json_int_t size, unsigned depth, int config)
{
	struct reply rp = {0};
	struct mv_remote_entry *e;
	char alg[16], *name = NULL, *url = NULL, err[256];
	const char *hex;
	json_t *doc = NULL;
	int dup = 0;
	mv_status st = MV_OK;

	if (!mv_oci_digest_split(digest, alg, sizeof(alg), &hex))
		return MV_OK;
	if ((name = mv_asprintf("blobs/%s/%s", alg, hex)) == NULL)
		return mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
	if (entry_find(g, name) >= 0) {
		free(name);
		return MV_OK;
	}
	mv_buf_init(&rp.body, 0);
	if ((url = mv_asprintf("%s/%s/%s", g->base, config ? "blobs" : "manifests",
	    digest)) == NULL) {
		free(name);
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((e = entry_add(g, name)) == NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_LIMIT, "%s: more than %llu blobs (--max-entries), "
		    "or out of memory", g->uri,
		    (unsigned long long)g->ctx->limit[MV_LIMIT_ENTRIES]);
		goto done;
	}
	e->size = (uint64_t)size;
	/* Deeper than the layout reader reads: it says so, and the blob is read as a file. */
	if (depth > g->ctx->limit[MV_LIMIT_DEPTH])
		goto done;
	if (g->docs + (uint64_t)size > DOCS_MAX) {
		st = mv_ctx_fail(g->ctx, MV_ERR_LIMIT, "%s: the manifests of %s hold more than "
		    "%u bytes together; not read", g->uri, g->ref.repo, DOCS_MAX);
		goto done;
	}
	/* Longer than its descriptor: kept cut at size + 1 bytes, so the layout reader sees a
	 * size that disagrees. */
	if ((st = fetch(g, url, (size_t)size + 1, &rp)) == MV_ERR_LIMIT && rp.code == 200)
		st = MV_OK;
	if (st != MV_OK) {
		goto done;
	} else if (rp.code == 404) {
		/* Not there: left out, as a blob a layout lacks (oci.blob.missing). */
		free(e->name);
		g->r.n--;
		goto done;
	} else if (rp.code != 200) {
		st = mv_ctx_fail(g->ctx, MV_ERR_IO, "%s: the registry answered HTTP %ld for %s",
		    g->uri, rp.code, digest);
		goto done;
	}
	g->docs += rp.body.len;
	e->memlen = rp.body.len;
	if ((e->mem = mv_buf_steal(&rp.body)) == NULL && (e->mem = malloc(1)) == NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (config || mv_json_load(e->mem, e->memlen, (unsigned)g->ctx->limit[MV_LIMIT_JSON_DEPTH],
	    0, &doc, &dup, err, sizeof(err)) != MV_OK || !json_is_object(doc))
		goto done;               /* the layout reader reports it */
	if ((st = descriptors(g, json_object_get(doc, "manifests"), depth)) == MV_OK) {
		json_t *cfg = json_object_get(doc, "config");

		if (json_is_object(cfg))
			st = descriptor(g, cfg, depth, 1);
		if (st == MV_OK)
			st = descriptors(g, json_object_get(doc, "layers"), depth);
	}
done:
	json_decref(doc);
	free(url);
	mv_buf_free(&rp.body);
	reply_clear_headers(&rp);
	return st;
}

/* ---- blobs, streamed ---- */

/* One blob's transfer, pulled a block at a time: libcurl pushes data, so the transfer runs
 * in a multi handle that next() drives, and pauses while a block waits to be taken. */
struct stream {
	struct mv_blocks b;
	CURLM *m;
	CURL *c;
	struct curl_slist *h;
	unsigned char *buf;
	size_t len;
	uint64_t got, size;
	long bad_code;
	int paused, over, done;
	CURLcode rc;
	char cerr[CURL_ERROR_SIZE];
};

static size_t
on_blob(char *p, size_t size, size_t n, void *arg)
{
	struct stream *s = arg;
	long code = 0;

	n *= size;
	curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &code);
	if (code != 200) {
		s->bad_code = code;
		return 0;
	}
	/* Never more than the descriptor gives: the first byte over ends the transfer. */
	if (n > s->size - s->got) {
		s->over = 1;
		return 0;
	}
	if (s->len + n > STREAM_BUF) {
		s->paused = 1;
		return CURL_WRITEFUNC_PAUSE;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->got += n;
	return n;
}

static int
stream_next(void *arg, const unsigned char **p, size_t *n)
{
	struct stream *s = arg;
	int running;

	s->len = 0;                       /* the last block was taken */
	if (s->paused) {
		s->paused = 0;
		curl_easy_pause(s->c, CURLPAUSE_CONT);
	}
	while (s->len == 0 && !s->done && !s->paused) {
		CURLMsg *msg;
		int left;

		if (curl_multi_perform(s->m, &running) != CURLM_OK) {
			snprintf(s->b.err, sizeof(s->b.err), "the transfer failed");
			return -1;
		}
		while ((msg = curl_multi_info_read(s->m, &left)) != NULL)
			if (msg->msg == CURLMSG_DONE) {
				s->rc = msg->data.result;
				s->done = 1;
			}
		if (s->len == 0 && !s->done && !s->paused &&
		    curl_multi_poll(s->m, NULL, 0, 1000, NULL) != CURLM_OK) {
			snprintf(s->b.err, sizeof(s->b.err), "the transfer failed");
			return -1;
		}
	}
	if (s->len > 0) {
		*p = s->buf;
		*n = s->len;
		return 1;
	}
	if (s->over) {
		snprintf(s->b.err, sizeof(s->b.err), "the registry sent more than the %llu bytes "
		    "the descriptor gives; not read further", (unsigned long long)s->size);
		return -1;
	}
	if (s->bad_code) {
		snprintf(s->b.err, sizeof(s->b.err), "the registry answered HTTP %ld%s", s->bad_code,
		    s->bad_code == 404 ? " (it does not hold the blob)" : "");
		return -1;
	}
	if (s->rc != CURLE_OK) {
		snprintf(s->b.err, sizeof(s->b.err), "%s", s->cerr[0] ? s->cerr :
		    curl_easy_strerror(s->rc));
		return -1;
	}
	/* A refusal with no body never reached on_blob. */
	curl_easy_getinfo(s->c, CURLINFO_RESPONSE_CODE, &s->bad_code);
	if (s->bad_code != 200) {
		snprintf(s->b.err, sizeof(s->b.err), "the registry answered HTTP %ld%s", s->bad_code,
		    s->bad_code == 404 ? " (it does not hold the blob)" : "");
		return -1;
	}
	if (s->got != s->size) {
		snprintf(s->b.err, sizeof(s->b.err), "the registry sent %llu bytes where the "
		    "descriptor gives %llu", (unsigned long long)s->got,
		    (unsigned long long)s->size);
		return -1;
	}
	return 0;
}

static void
stream_close(struct mv_blocks *b)
{
	struct stream *s;

	if (b == NULL)
		return;
	s = b->arg;
	if (s->m && s->c)
		curl_multi_remove_handle(s->m, s->c);
	curl_easy_cleanup(s->c);
	curl_multi_cleanup(s->m);
	curl_slist_free_all(s->h);
	free(s->buf);
	free(s);
}

static struct mv_blocks *
stream_open(struct mv_remote *r, size_t i, char *err, size_t errlen)
{
	struct reg *g = (struct reg *)r;
	const struct mv_remote_entry *e = &r->v[i];
	struct stream *s = calloc(1, sizeof(*s));
	const char *slash;
	char *url = NULL;

	/* "blobs/ALG/HEX" names the digest ALG:HEX. */
	slash = strchr(e->name + 6, '/');
	if (s == NULL || slash == NULL || (s->buf = malloc(STREAM_BUF)) == NULL ||
	    (url = mv_asprintf("%s/blobs/%.*s:%s", g->base, (int)(slash - e->name - 6),
	    e->name + 6, slash + 1)) == NULL || (s->m = curl_multi_init()) == NULL ||
	    (s->c = curl_easy_init()) == NULL ||
	    setup(g, s->c, url, "Accept: */*", g->authz, &s->h) != CURLE_OK) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	s->b.next = stream_next;
	s->b.arg = s;
	s->size = e->size;
	curl_easy_setopt(s->c, CURLOPT_ERRORBUFFER, s->cerr);
	curl_easy_setopt(s->c, CURLOPT_WRITEFUNCTION, on_blob);
	curl_easy_setopt(s->c, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(s->c, CURLOPT_BUFFERSIZE, (long)STREAM_BUF);
	if (curl_multi_add_handle(s->m, s->c) != CURLM_OK) {
		snprintf(err, errlen, "cannot start the transfer");
		goto fail;
	}
	free(url);
	return &s->b;
fail:
	free(url);
	if (s) {
		s->b.arg = s;
		curl_easy_cleanup(s->c);
		s->c = NULL;
		stream_close(&s->b);
	}
	return NULL;
}

/* ---- the pull ---- */

static void
reg_free(struct mv_remote *r)
{
	struct reg *g = (struct reg *)r;

	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].mem);
	}
	free(r->v);
	mv_oci_ref_free(&g->ref);
	free(g->base);
	if (g->authz)
		OPENSSL_cleanse(g->authz, strlen(g->authz));
	free(g->authz);
	if (g->basic)
		OPENSSL_cleanse(g->basic, strlen(g->basic));
	free(g->basic);
	free(g);
}

/* The reference's own manifest: by digest, checked against it; by tag, its digest is what
 * its bytes hash to, and must be what the registry says it is. Then index.json naming it. */
static mv_status
root(struct reg *g, const char *uri)
{
	struct reply rp = {0};
	char *url = NULL, got[160], alg[16];
	const char *want = g->ref.digest, *hex, *mt;
	json_t *doc = NULL, *idx = NULL;
	struct mv_remote_entry *e;
	char err[256], *text = NULL;
	int dup = 0;
	mv_status st;

	mv_buf_init(&rp.body, 0);
	if ((url = mv_asprintf("%s/manifests/%s", g->base, want ? want : g->ref.tag)) == NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = fetch(g, url, MV_OCI_JSON_MAX, &rp)) != MV_OK) {
		if (st == MV_ERR_LIMIT)
			mv_ctx_fail(g->ctx, st, "%s: the manifest is larger than the %u bytes a "
			    "registry accepts; not read", uri, MV_OCI_JSON_MAX);
		goto done;
	}
	if (rp.code == 404) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOTFOUND, "%s: the registry holds no such "
		    "manifest", uri);
		goto done;
	}
	if (rp.code != 200) {
		st = mv_ctx_fail(g->ctx, MV_ERR_IO, "%s: the registry answered HTTP %ld", uri,
		    rp.code);
		goto done;
	}
	/* A digest in the reference passed the grammar when it was parsed. */
	if (want == NULL || !mv_oci_digest_split(want, alg, sizeof(alg), &hex))
		snprintf(alg, sizeof(alg), "sha256");
	if (!digest_of(alg, rp.body.p, rp.body.len, got, sizeof(got))) {
		st = mv_ctx_fail(g->ctx, MV_ERR_CRYPTO, "%s: cannot hash the manifest", uri);
		goto done;
	}
	if (want && strcmp(want, got) != 0) {
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry sent a manifest that "
		    "hashes to %s", uri, got);
		goto done;
	}
	if (!want && rp.dcd && strcmp(rp.dcd, got) != 0) {
		st = mv_ctx_fail(g->ctx, MV_ERR_VERIFY, "%s: the registry says the tag names %s, "
		    "but the manifest it sent hashes to %s", uri, rp.dcd, got);
		goto done;
	}
	/* The type the registry served it as, else the one it declares. */
	mt = rp.ctype;
	if (mt == NULL || !(mv_oci_is_index(mt) || mv_oci_is_manifest(mt))) {
		if (mv_json_load(rp.body.p, rp.body.len,
		    (unsigned)g->ctx->limit[MV_LIMIT_JSON_DEPTH], 0, &doc, &dup, err,
		    sizeof(err)) != MV_OK ||
		    (mt = json_string_value(json_object_get(doc, "mediaType"))) == NULL)
			mt = "application/vnd.oci.image.manifest.v1+json";
	}
	idx = json_pack("{s:i, s:s, s:[{s:s, s:s, s:I, s:{s:s}}]}", "schemaVersion", 2,
	    "mediaType", "application/vnd.oci.image.index.v1+json", "manifests",
	    "mediaType", mt, "digest", got, "size", (json_int_t)rp.body.len, "annotations",
	    "org.opencontainers.image.ref.name", g->ref.tag ? g->ref.tag : got);
	if (idx == NULL || (text = json_dumps(idx, JSON_COMPACT)) == NULL ||
	    (e = entry_add(g, mv_strdup("index.json"))) == NULL) {
		st = mv_ctx_fail(g->ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	e->mem = (unsigned char *)text;
	e->memlen = e->size = strlen(text);
	text = NULL;
	/* The layout is fetched the way a layout reader walks it: from index.json down. */
	st = document(g, got, (json_int_t)rp.body.len, 1, 0);
done:
	free(text);
	json_decref(idx);
	json_decref(doc);
	free(url);
	mv_buf_free(&rp.body);
	reply_clear_headers(&rp);
	return st;
}

mv_status
mv_registry_pull(struct mv_ctx *ctx, const char *uri, struct mv_remote **out)
{
	struct reg *g = calloc(1, sizeof(*g));
	struct mv_remote_entry *e;
	char err[256];
	const char *auth = ctx->registry_auth;
	mv_status st;

	*out = NULL;
	if (g == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	g->ctx = ctx;
	g->uri = uri;
	g->r.layout = "oci";
	g->r.open = stream_open;
	g->r.close = stream_close;
	g->r.free = reg_free;
	if ((st = mv_oci_ref_parse(uri, &g->ref, err, sizeof(err))) != MV_OK) {
		st = mv_ctx_fail(ctx, st, "%s: %s", uri, err);
		goto done;
	}
	if (!mv_curl_ready()) {
		st = mv_ctx_fail(ctx, MV_ERR_INTERNAL, "%s: cannot start libcurl", uri);
		goto done;
	}
	g->r.origin = g->ref.host;
	/* Plain HTTP only where nothing on the way can read or change it, or where asked. */
	g->plain = g->ref.loopback || (ctx->registry_flags & MV_REGISTRY_INSECURE);
	if ((g->base = mv_asprintf("%s://%s/v2/%s", g->plain ? "http" : "https", g->ref.host,
	    g->ref.repo)) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	/* Basic credentials answer a Basic challenge or a token service; anything else is sent
	 * to the registry as it is. */
	if (auth && strncasecmp(auth, "Basic ", 6) == 0)
		g->basic = mv_strdup(auth);
	else if (auth && (g->authz = mv_asprintf("Authorization: %s", auth)) == NULL)
		auth = NULL;
	if (auth && g->basic == NULL && g->authz == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((e = entry_add(g, mv_strdup("oci-layout"))) == NULL ||
	    (e->mem = (unsigned char *)mv_strdup("{\"imageLayoutVersion\":\"1.0.0\"}")) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	e->memlen = e->size = strlen((char *)e->mem);
	st = root(g, uri);
done:
	g->ctx = NULL;
	g->uri = NULL;
	if (st != MV_OK) {
		reg_free(&g->r);
		return st;
	}
	*out = &g->r;
	return MV_OK;
}

/* What a token service or registry takes as a user and password: no control characters. */
static int
userpass_ok(const char *s)
{
	if (strchr(s, ':') == NULL || s[0] == ':')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

mv_status
mv_registry_credentials(struct mv_ctx *ctx, const char *ref, const char *userpass, char **out)
{
	struct mv_oci_ref r;
	const char *dir = getenv("DOCKER_CONFIG"), *home = getenv("HOME");
	unsigned char *cfg = NULL;
	char *path = NULL, *b64 = NULL, err[256];
	size_t len = 0;
	mv_status st;

	*out = NULL;
	if ((st = mv_oci_ref_parse(ref, &r, err, sizeof(err))) != MV_OK)
		return mv_ctx_fail(ctx, st, "%s: %s", ref, err);
	if (userpass) {
		if (!userpass_ok(userpass)) {
			st = mv_ctx_fail(ctx, MV_ERR_USAGE, "registry credentials are USER:PASSWORD "
			    "without control characters");
			goto done;
		}
		if ((b64 = mv_b64_encode(userpass, strlen(userpass))) == NULL ||
		    (*out = mv_asprintf("Basic %s", b64)) == NULL)
			st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if (dir && *dir)
		path = mv_path_join(dir, "config.json");
	else if (home && *home)
		path = mv_path_join(home, ".docker/config.json");
	else
		goto done;
	if (path == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = mv_file_read(ctx, path, TOKEN_MAX * 16, &cfg, &len)) == MV_ERR_NOTFOUND) {
		st = MV_OK;              /* no docker login: an anonymous pull */
		goto done;
	}
	if (st != MV_OK)
		goto done;
	if ((st = mv_dockercfg_auth(cfg, len, r.host, out)) == MV_ERR_FORMAT)
		st = mv_ctx_fail(ctx, st, "%s: not a Docker config (an \"auths\" object whose "
		    "\"auth\" is base64 of USER:PASSWORD)", path);
	else if (st != MV_OK)
		st = mv_ctx_fail(ctx, st, "out of memory");
done:
	if (cfg)
		OPENSSL_cleanse(cfg, len);
	free(cfg);
	if (b64)
		OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	free(path);
	mv_oci_ref_free(&r);
	return st;
}
