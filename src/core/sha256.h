/* SPDX-License-Identifier: Apache-2.0 */
/* sha256.h: SHA-256 of small things (root digests, key hints, rule tables, a model card),
 * for the stages that do not run the digest engine. */
#ifndef MV_CORE_SHA256_H
#define MV_CORE_SHA256_H

#include <stddef.h>
#include "mavis.h"

/* One-shot SHA-256 of p[0..n). */
mv_status mv_sha256(const void *p, size_t n, unsigned char out[32]);
/* SHA-256 of what fd holds from its position to its end: MV_ERR_IO on a read error. */
mv_status mv_sha256_fd(int fd, unsigned char out[32]);

#endif
