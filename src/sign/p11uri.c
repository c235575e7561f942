/* SPDX-License-Identifier: Apache-2.0 */
/* p11uri.c: PKCS#11 URIs (RFC 7512): "pkcs11:" path attributes separated by ';', then
 * query attributes after '?' separated by '&', every value percent-decoded. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/ctx.h"
#include "core/str.h"
#include "sign/sign.h"

/* Longer than any label, serial or file name a token or a URI carries. */
#define MAX_URI (8u << 10)

int
mv_p11_key(const char *key)
{
	return key && strncmp(key, "pkcs11:", 7) == 0;
}

/* Decode s[0..n) into a new buffer (NUL-terminated, not counted). Bytes outside printable
 * ASCII must come percent-encoded (RFC 7512 section 2.3, as RFC 3986 asks). */
static mv_status
decode(struct mv_ctx *ctx, const char *name, const char *s, size_t n, unsigned char **out,
    size_t *len)
{
	unsigned char *b = malloc(n + 1);
	size_t k = 0;

	if (b == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			char two[3] = {0};

			if (i + 2 < n)
				memcpy(two, s + i + 1, 2);
			if (mv_hex_decode(two, &b[k], 1) != 0) {
				free(b);
				return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s: '%%' is not "
				    "followed by two hex digits", name);
			}
			k++;
			i += 2;
		} else if (c <= ' ' || c >= 0x7f) {
			free(b);
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s: write spaces and "
			    "other special bytes percent-encoded (a space is %%20)", name);
		} else {
			b[k++] = c;
		}
	}
	b[k] = '\0';
	*out = b;
	*len = k;
	return MV_OK;
}

struct field {
	const char *name;
	int query;               /* a query attribute (after '?') */
	size_t off;              /* of the char * in struct mv_p11_uri; id is apart */
};

#define F(n, q, m) {n, q, offsetof(struct mv_p11_uri, m)}
static const struct field fields[] = {
	F("token", 0, token), F("manufacturer", 0, manufacturer), F("serial", 0, serial),
	F("model", 0, model), F("object", 0, object), F("type", 0, type),
	F("library-manufacturer", 0, lib_manufacturer),
	F("library-description", 0, lib_description), F("library-version", 0, lib_version),
	F("slot-description", 0, slot_description), F("slot-manufacturer", 0, slot_manufacturer),
	F("slot-id", 0, slot_id), F("id", 0, id),
	F("pin-value", 1, pin_value), F("pin-source", 1, pin_source),
	F("module-name", 1, module_name), F("module-path", 1, module_path),
};
#undef F

static mv_status
attr(struct mv_ctx *ctx, struct mv_p11_uri *u, const char *s, size_t n, int query)
{
	const char *eq = memchr(s, '=', n);
	size_t nlen = eq ? (size_t)(eq - s) : n;
	unsigned char *v = NULL;
	size_t vlen = 0;
	char **slot;
	mv_status st;

	if (n == 0)
		return MV_OK;        /* "pkcs11:" alone, or a trailing separator */
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const struct field *f = &fields[i];

		if (strlen(f->name) != nlen || memcmp(f->name, s, nlen) != 0)
			continue;
		if (f->query != query)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s belongs %s", f->name,
			    query ? "before the '?' (a path attribute)" :
			    "after the '?' (a query attribute)");
		if (eq == NULL)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s has no '='", f->name);
		slot = (char **)(void *)((char *)u + f->off);
		if (*slot)
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s given twice",
			    f->name);
		if ((st = decode(ctx, f->name, eq + 1, n - nlen - 1, &v, &vlen)) != MV_OK)
			return st;
		/* Only id is binary; a NUL inside a label would silently cut it short. */
		if (strcmp(f->name, "id") != 0 && strlen((char *)v) != vlen) {
			free(v);
			return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: %s holds a NUL byte",
			    f->name);
		}
		if (strcmp(f->name, "id") == 0)
			u->id_len = vlen;
		*slot = (char *)v;
		return MV_OK;
	}
	/* Unknown attributes (vendor x- ones too) would widen what the URI matches. */
	return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: unknown attribute '%.*s'",
	    (int)(nlen > 64 ? 64 : nlen), s);
}

mv_status
mv_p11_uri_parse(struct mv_ctx *ctx, const char *s, struct mv_p11_uri *u)
{
	size_t n = s ? strlen(s) : 0, i, start;
	const char *q;
	mv_status st = MV_OK;

	memset(u, 0, sizeof(*u));
	if (!mv_p11_key(s))
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "not a PKCS#11 URI (pkcs11:...)");
	if (n > MAX_URI)
		return mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI longer than %u bytes", MAX_URI);
	s += 7;
	n -= 7;
	q = memchr(s, '?', n);
	for (i = start = 0; st == MV_OK && i <= (q ? (size_t)(q - s) : n); i++)
		if (i == (q ? (size_t)(q - s) : n) || s[i] == ';') {
			st = attr(ctx, u, s + start, i - start, 0);
			start = i + 1;
		}
	if (st == MV_OK && q) {
		size_t base = (size_t)(q - s) + 1;

		for (i = start = base; st == MV_OK && i <= n; i++)
			if (i == n || s[i] == '&') {
				st = attr(ctx, u, s + start, i - start, 1);
				start = i + 1;
			}
	}
	if (st == MV_OK && u->type && strcmp(u->type, "private") != 0 &&
	    strcmp(u->type, "public") != 0 && strcmp(u->type, "cert") != 0 &&
	    strcmp(u->type, "secret-key") != 0 && strcmp(u->type, "data") != 0)
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: type '%s' is not private, "
		    "public, cert, secret-key or data", u->type);
	if (st == MV_OK && u->pin_value && u->pin_source)
		st = mv_ctx_fail(ctx, MV_ERR_USAGE, "PKCS#11 URI: give pin-value or pin-source, "
		    "not both");
	if (st != MV_OK)
		mv_p11_uri_free(u);
	return st;
}

void
mv_p11_uri_free(struct mv_p11_uri *u)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		char **slot = (char **)(void *)((char *)u + fields[i].off);

		if (*slot && strncmp(fields[i].name, "pin-", 4) == 0)
			memset(*slot, 0, strlen(*slot));
		free(*slot);
		*slot = NULL;
	}
	u->id_len = 0;
}
