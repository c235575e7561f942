/* SPDX-License-Identifier: Apache-2.0 */
/* challenge.c: the WWW-Authenticate header of a registry's 401 (RFC 7235 auth-params, the
 * realm, service and scope of distribution's token authentication). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/buf.h"
#include "net/registry.h"

/* A parameter value longer than this is no realm or scope a registry sends. */
#define VALUE_MAX 4096

static int
is_tchar(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static void
skip_ws(const char **p, const char *end)
{
	while (*p < end && (**p == ' ' || **p == '\t'))
		(*p)++;
}

/* A token or a quoted-string at *p into b (NUL-terminated); 0 when neither is there. */
static int
value(const char **p, const char *end, struct mv_buf *b)
{
	mv_buf_reset(b);
	if (*p < end && **p == '"') {
		for ((*p)++; *p < end && **p != '"'; (*p)++) {
			if (**p == '\\' && *p + 1 < end)
				(*p)++;
			if ((unsigned char)**p < 0x20 || mv_buf_addc(b, (unsigned char)**p) != MV_OK)
				return 0;
		}
		if (*p == end)
			return 0;        /* unterminated */
		(*p)++;
	} else {
		while (*p < end && is_tchar((unsigned char)**p))
			if (mv_buf_addc(b, (unsigned char)*(*p)++) != MV_OK)
				return 0;
		if (b->len == 0)
			return 0;
	}
	return mv_buf_terminate(b) == MV_OK;
}

static int
name_is(const char *p, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(p, want, n) == 0;
}

mv_status
mv_challenge_parse(const char *s, size_t len, struct mv_challenge *c)
{
	const char *p = s, *end = s + len, *name;
	struct mv_buf b;
	mv_status st = MV_ERR_FORMAT;
	size_t n;

	memset(c, 0, sizeof(*c));
	mv_buf_init(&b, VALUE_MAX);
	skip_ws(&p, end);
	for (n = 0; p + n < end && is_tchar((unsigned char)p[n]); n++)
		;
	if (n == 0 || n >= sizeof(c->scheme))
		goto done;
	memcpy(c->scheme, p, n);
	c->scheme[n] = '\0';
	p += n;
	/* auth-param *( "," auth-param ); a second challenge begins with a token and a space,
	 * where the first one's parameters end. */
	for (;;) {
		char **slot = NULL;

		skip_ws(&p, end);
		while (p < end && *p == ',') {
			p++;
			skip_ws(&p, end);
		}
		if (p == end)
			break;
		for (name = p, n = 0; p < end && is_tchar((unsigned char)*p); p++, n++)
			;
		skip_ws(&p, end);
		if (n == 0 || p == end || *p != '=')
			break;                 /* the next challenge, or a token68: ours ends */
		p++;
		skip_ws(&p, end);
		if (!value(&p, end, &b))
			goto done;
		if (name_is(name, n, "realm"))
			slot = &c->realm;
		else if (name_is(name, n, "service"))
			slot = &c->service;
		else if (name_is(name, n, "scope"))
			slot = &c->scope;
		if (slot) {
			/* A repeated parameter is ambiguous: refuse rather than pick one. */
			if (*slot)
				goto done;
			if ((*slot = (char *)mv_buf_steal(&b)) == NULL) {
				st = MV_ERR_NOMEM;
				goto done;
			}
		}
		skip_ws(&p, end);
		if (p < end && *p != ',')
			goto done;
	}
	st = MV_OK;
done:
	mv_buf_free(&b);
	if (st != MV_OK)
		mv_challenge_free(c);
	return st;
}

void
mv_challenge_free(struct mv_challenge *c)
{
	free(c->realm);
	free(c->service);
	free(c->scope);
	memset(c, 0, sizeof(*c));
}
