/* SPDX-License-Identifier: Apache-2.0 */
/* codec.h: hex and base64, for digests, keys and the byte fields of bundles and metadata.
 * (mv_digest_hex is public: mavis.h.) */
#ifndef MV_CORE_CODEC_H
#define MV_CORE_CODEC_H

#include <stddef.h>

/* The value of one hex digit (either case), or -1. */
int mv_hex_value(unsigned char c);
/* The value of one base64 digit of either alphabet (standard or URL-safe), or -1. */
int mv_b64_value(unsigned char c);

/* Parse lowercase or uppercase hex of exactly len bytes. */
int mv_hex_decode(const char *hex, unsigned char *out, size_t len);

/* Standard base64 with padding (RFC 4648 section 4); NULL when out of memory. */
char *mv_b64_encode(const void *p, size_t n);
/* Decode standard or URL-safe base64, padding optional (DSSE requires both alphabets). Returns
 * 0 with a new buffer (NUL-terminated, not counted) or -1 on bad input or no memory. */
int mv_b64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen);

#endif
