/* SPDX-License-Identifier: Apache-2.0 */
/* hex.c: digests and keys written and read as hexadecimal. */
#include "config.h"

#include "mavis.h"
#include "core/codec.h"

void
mv_digest_hex(const struct mv_digest *d, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (unsigned i = 0; i < d->len && i < MV_DIGEST_MAX; i++) {
		out[2 * i] = hex[d->value[i] >> 4];
		out[2 * i + 1] = hex[d->value[i] & 15];
	}
	out[2 * (d->len < MV_DIGEST_MAX ? d->len : MV_DIGEST_MAX)] = '\0';
}

int
mv_hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
mv_hex_decode(const char *hex, unsigned char *out, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		int hi = mv_hex_value((unsigned char)hex[2 * i]), lo;

		if (hi < 0 || (lo = mv_hex_value((unsigned char)hex[2 * i + 1])) < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return hex[2 * len] == '\0' ? 0 : -1;
}
