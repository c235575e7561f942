/* SPDX-License-Identifier: Apache-2.0 */
/* ref.c: oci:// references: a registry host, a repository, a tag or a digest, checked against
 * the grammar of distribution's reference package so that no part can reshape a URL. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/ocidesc.h"
#include "core/str.h"
#include "net/registry.h"

#define SCHEME "oci://"
/* distribution: a repository name is at most 255 characters, a tag 128. */
#define REPO_MAX 255
#define TAG_MAX 128
#define HOST_MAX 255

int
mv_registry_is_uri(const char *s)
{
	return strncmp(s, SCHEME, sizeof(SCHEME) - 1) == 0;
}

static int
is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

static int
is_alnum(char c)
{
	return is_lower_alnum(c) || (c >= 'A' && c <= 'Z');
}

/* One path component: [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static int
component_ok(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t run = 0;

		while (i < n && is_lower_alnum(s[i])) {
			i++;
			run++;
		}
		if (run == 0)
			return 0;
		if (i == n)
			return 1;
		if (s[i] == '.' || (s[i] == '_' && (i + 1 >= n || s[i + 1] != '_'))) {
			i++;
		} else if (s[i] == '_') {
			i += 2;
		} else if (s[i] == '-') {
			while (i < n && s[i] == '-')
				i++;
		} else {
			return 0;
		}
		if (i == n)
			return 0;        /* a separator must be followed by an alphanumeric run */
	}
	return 0;
}

static int
repo_ok(const char *s, size_t n)
{
	size_t start = 0;

	if (n == 0 || n > REPO_MAX)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		if (i == n || s[i] == '/') {
			if (!component_ok(s + start, i - start))
				return 0;
			start = i + 1;
		}
	}
	return 1;
}

/* [A-Za-z0-9_][A-Za-z0-9_.-]{0,127} */
static int
tag_ok(const char *s, size_t n)
{
	if (n == 0 || n > TAG_MAX || !(is_alnum(s[0]) || s[0] == '_'))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!(is_alnum(s[i]) || s[i] == '_' || s[i] == '.' || s[i] == '-'))
			return 0;
	return 1;
}

/* A DNS name or IPv4 address with an optional port, or [IPv6]:PORT. */
static int
host_ok(const char *s, size_t n)
{
	size_t end = n;

	if (n == 0 || n > HOST_MAX)
		return 0;
	if (s[0] == '[') {
		const char *close = memchr(s, ']', n);

		if (close == NULL || close == s + 1)
			return 0;
		for (const char *p = s + 1; p < close; p++)
			if (!(is_alnum(*p) || *p == ':' || *p == '.'))
				return 0;
		end = (size_t)(close - s) + 1;
	} else {
		const char *colon = memchr(s, ':', n);

		if (colon)
			end = (size_t)(colon - s);
		/* No empty label: "a..b" and a trailing dot name no host. */
		if (end == 0 || s[0] == '.' || s[0] == '-' || s[end - 1] == '.' ||
		    memmem(s, end, "..", 2))
			return 0;
		for (size_t i = 0; i < end; i++)
			if (!(is_alnum(s[i]) || s[i] == '.' || s[i] == '-'))
				return 0;
	}
	if (end < n) {
		unsigned long port = 0;

		if (s[end] != ':' || end + 1 == n || n - end - 1 > 5)
			return 0;
		for (size_t i = end + 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			port = port * 10 + (unsigned long)(s[i] - '0');
		}
		if (port == 0 || port > 65535)
			return 0;
	}
	return 1;
}

static int
loopback(const char *h)
{
	size_t n = strcspn(h, ":");

	if (h[0] == '[')
		return strncmp(h, "[::1]", 5) == 0;
	if (n == 9 && strncmp(h, "localhost", 9) == 0)
		return 1;
	/* 127.0.0.0/8 as a dotted literal, never a name that starts like one (127.example). */
	if (strncmp(h, "127.", 4) != 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(h[i] == '.' || (h[i] >= '0' && h[i] <= '9')))
			return 0;
	return 1;
}

mv_status
mv_oci_ref_parse(const char *s, struct mv_oci_ref *r, char *err, size_t errlen)
{
	const char *p, *slash, *at, *colon, *end;
	char alg[16];
	const char *hex;

	memset(r, 0, sizeof(*r));
	if (!mv_registry_is_uri(s)) {
		snprintf(err, errlen, "not an oci:// reference");
		return MV_ERR_USAGE;
	}
	p = s + sizeof(SCHEME) - 1;
	if ((slash = strchr(p, '/')) == NULL || !host_ok(p, (size_t)(slash - p))) {
		snprintf(err, errlen, "no valid registry host before the repository "
		    "(oci://HOST[:PORT]/REPO[:TAG|@DIGEST])");
		return MV_ERR_USAGE;
	}
	end = slash + 1 + strlen(slash + 1);
	if ((at = strchr(slash + 1, '@')) != NULL) {
		if (!mv_oci_digest_split(at + 1, alg, sizeof(alg), &hex) ||
		    strlen(hex) != (strcmp(alg, "sha256") ? 128u : 64u)) {
			snprintf(err, errlen, "the digest after '@' is not sha256:<64 hex> or "
			    "sha512:<128 hex>");
			return MV_ERR_USAGE;
		}
		end = at;
	}
	/* A colon after the last slash separates the tag. */
	colon = NULL;
	for (const char *q = end; q > slash; q--)
		if (q[-1] == ':') {
			colon = q - 1;
			break;
		} else if (q[-1] == '/') {
			break;
		}
	if (colon && !tag_ok(colon + 1, (size_t)(end - colon - 1))) {
		snprintf(err, errlen, "the tag is not [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
		return MV_ERR_USAGE;
	}
	if (!repo_ok(slash + 1, (size_t)((colon ? colon : end) - slash - 1))) {
		snprintf(err, errlen, "the repository is not lowercase path components "
		    "([a-z0-9] joined by '.', '_', '__' or '-')");
		return MV_ERR_USAGE;
	}
	r->host = mv_strndup(p, (size_t)(slash - p));
	r->repo = mv_strndup(slash + 1, (size_t)((colon ? colon : end) - slash - 1));
	r->tag = colon ? mv_strndup(colon + 1, (size_t)(end - colon - 1)) : at ? NULL :
	    mv_strdup("latest");
	r->digest = at ? mv_strdup(at + 1) : NULL;
	if (r->host == NULL || r->repo == NULL || (r->tag == NULL && (colon || !at)) ||
	    (at && r->digest == NULL)) {
		mv_oci_ref_free(r);
		snprintf(err, errlen, "out of memory");
		return MV_ERR_NOMEM;
	}
	r->loopback = loopback(r->host);
	return MV_OK;
}

void
mv_oci_ref_free(struct mv_oci_ref *r)
{
	free(r->host);
	free(r->repo);
	free(r->tag);
	free(r->digest);
	memset(r, 0, sizeof(*r));
}

int
mv_registry_same_host(const char *a, const char *b)
{
	struct mv_oci_ref ra, rb;
	char err[256];
	int same = 0;

	if (mv_oci_ref_parse(a, &ra, err, sizeof(err)) != MV_OK)
		return 0;
	if (mv_oci_ref_parse(b, &rb, err, sizeof(err)) == MV_OK) {
		same = strcasecmp(ra.host, rb.host) == 0;
		mv_oci_ref_free(&rb);
	}
	mv_oci_ref_free(&ra);
	return same;
}
