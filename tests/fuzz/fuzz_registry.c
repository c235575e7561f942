/* SPDX-License-Identifier: Apache-2.0 */
/* fuzz_registry.c: the parsers of the registry client over arbitrary bytes: an oci://
 * reference, a WWW-Authenticate challenge and a Docker config.json (the first byte picks
 * which, the rest is the text). */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/registry.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Does s hold a byte a URL or header built from it must not carry? */
static int
unsafe(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s <= 0x20 || *s == 0x7f || *s == '?' || *s == '#' || *s == '%')
			return 1;
	return 0;
}

static void
reference(const char *s)
{
	struct mv_oci_ref r;
	char err[256];

	if (mv_oci_ref_parse(s, &r, err, sizeof(err)) != MV_OK)
		return;
	/* What goes into a URL path is plain, and a loopback host is a literal one. */
	if (r.host == NULL || r.repo == NULL || (r.tag == NULL && r.digest == NULL) ||
	    unsafe(r.host) || unsafe(r.repo) || strchr(r.host, '/') || strstr(r.repo, "..") ||
	    strstr(r.repo, "//") || r.repo[0] == '/' || (r.tag && (unsafe(r.tag) ||
	    strchr(r.tag, '/'))) || (r.digest && (unsafe(r.digest) || strchr(r.digest, '/'))) ||
	    (r.loopback && strncmp(r.host, "localhost", 9) != 0 && strncmp(r.host, "127.", 4) != 0 &&
	    strncmp(r.host, "[::1]", 5) != 0) || !mv_registry_same_host(s, s))
		abort();
	mv_oci_ref_free(&r);
	if (r.host || r.repo || r.tag || r.digest)
		abort();
}

static void
challenge(const char *s, size_t n)
{
	struct mv_challenge c;

	if (mv_challenge_parse(s, n, &c) != MV_OK)
		return;
	if (c.scheme[0] == '\0' || strlen(c.scheme) >= sizeof(c.scheme) ||
	    (c.realm && strlen(c.realm) > n) || (c.scope && strlen(c.scope) > n) ||
	    (c.service && strlen(c.service) > n))
		abort();
	mv_challenge_free(&c);
}

static void
dockercfg(const char *s, size_t n)
{
	char *auth = NULL;

	if (mv_dockercfg_auth(s, n, "registry.example:5000", &auth) == MV_OK && auth &&
	    (strncmp(auth, "Basic ", 6) != 0 || strpbrk(auth, "\r\n") != NULL))
		abort();
	free(auth);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size == 0 || (s = malloc(size)) == NULL)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	switch (data[0] % 3) {
	case 0:
		reference(s);
		break;
	case 1:
		challenge(s, size - 1);
		break;
	default:
		dockercfg(s, size - 1);
		break;
	}
	free(s);
	return 0;
}
