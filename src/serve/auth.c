/* SPDX-License-Identifier: Apache-2.0 */
/* auth.c: Harbor's credential for the adapter, in any of the three forms its client sends
 * (X-ScannerAdapter-API-Key, Authorization: Bearer, Authorization: Basic), compared with the
 * configured key in time that does not depend on where they differ. */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "serve/serve.h"

/* Equal, in time set by the length of the key only: a shorter or longer candidate is still
 * compared over the whole key. */
static int
same(const char *key, size_t keylen, const char *cand)
{
	size_t n = strlen(cand);
	unsigned char diff = n != keylen;

	for (size_t i = 0; i < keylen; i++)
		diff |= (unsigned char)key[i] ^ (unsigned char)(i < n ? cand[i] : 0);
	return diff == 0;
}

int
mv_serve_auth_ok(const struct mv_serve_conf *conf, const char *api_key_header,
    const char *authorization)
{
	if (api_key_header)
		return same(conf->api_key, conf->api_key_len, api_key_header);
	if (authorization == NULL)
		return 0;
	if (strncasecmp(authorization, "Bearer ", 7) == 0)
		return same(conf->api_key, conf->api_key_len, authorization + 7);
	/* Basic: Harbor sends the credential as registered, base64 and all; the key file
	 * holds the same text. */
	if (strncasecmp(authorization, "Basic ", 6) == 0)
		return same(conf->api_key, conf->api_key_len, authorization + 6);
	return 0;
}
