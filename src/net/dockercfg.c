/* SPDX-License-Identifier: Apache-2.0 */
/* dockercfg.c: registry credentials from a Docker config.json ("auths": host -> "auth", the
 * base64 of USER:PASSWORD, or "username" and "password"), as docker login writes them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "core/codec.h"
#include "core/jsonutil.h"
#include "core/str.h"
#include "net/registry.h"

/* Nesting of the config: auths, an entry, its fields. */
#define CFG_DEPTH 8

/* The host a key of "auths" names: "https://HOST[/v1/]", "HOST" or "HOST/PATH". */
static int
key_names(const char *key, const char *host)
{
	size_t n;

	if (strncmp(key, "https://", 8) == 0)
		key += 8;
	else if (strncmp(key, "http://", 7) == 0)
		key += 7;
	n = strcspn(key, "/");
	return n == strlen(host) && strncasecmp(key, host, n) == 0;
}

/* "auth" must decode to USER:PASSWORD; username and password are joined to one. */
static mv_status
entry_auth(json_t *e, char **out)
{
	const char *auth = json_string_value(json_object_get(e, "auth"));
	const char *user = json_string_value(json_object_get(e, "username"));
	const char *pass = json_string_value(json_object_get(e, "password"));
	unsigned char *dec = NULL;
	size_t declen = 0;
	char *joined = NULL, *b64 = NULL;
	mv_status st = MV_OK;

	if (auth && *auth) {
		if (mv_b64_decode(auth, strlen(auth), &dec, &declen) != 0 ||
		    memchr(dec, ':', declen) == NULL || memchr(dec, '\0', declen) != NULL) {
			st = MV_ERR_FORMAT;
			goto done;
		}
		b64 = mv_b64_encode(dec, declen);
	} else if (user && pass) {
		if ((joined = mv_asprintf("%s:%s", user, pass)) != NULL)
			b64 = mv_b64_encode(joined, strlen(joined));
	} else {
		goto done;                      /* an identity token or a helper: not ours */
	}
	if (b64 == NULL || (*out = mv_asprintf("Basic %s", b64)) == NULL)
		st = MV_ERR_NOMEM;
done:
	if (dec)
		OPENSSL_cleanse(dec, declen);
	free(dec);
	if (joined)
		OPENSSL_cleanse(joined, strlen(joined));
	free(joined);
	if (b64)
		OPENSSL_cleanse(b64, strlen(b64));
	free(b64);
	return st;
}

mv_status
mv_dockercfg_auth(const void *p, size_t n, const char *host, char **out)
{
	json_t *cfg = NULL, *auths, *e;
	const char *key;
	char err[128];
	int dup = 0;
	mv_status st;

	*out = NULL;
	if (mv_json_load(p, n, CFG_DEPTH, 0, &cfg, &dup, err, sizeof(err)) != MV_OK ||
	    !json_is_object(cfg)) {
		st = MV_ERR_FORMAT;
		goto done;
	}
	auths = json_object_get(cfg, "auths");
	if (auths != NULL && !json_is_object(auths)) {
		st = MV_ERR_FORMAT;
		goto done;
	}
	st = MV_OK;
	json_object_foreach(auths, key, e) {
		if (!json_is_object(e) || !key_names(key, host))
			continue;
		st = entry_auth(e, out);
		break;
	}
done:
	json_decref(cfg);
	return st;
}
