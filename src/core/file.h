/* SPDX-License-Identifier: Apache-2.0 */
/* file.h: reading a whole small file. */
#ifndef MV_CORE_FILE_H
#define MV_CORE_FILE_H

#include <stddef.h>
#include "mavis.h"

/* Read the regular file at path, of at most max bytes, into *out (NUL-terminated, the
 * caller's to free) and *len. Opened without blocking, so a FIFO never hangs the read. Errors
 * name the file on ctx: MV_ERR_NOTFOUND, MV_ERR_IO (also: not a regular file), MV_ERR_LIMIT
 * (larger than max), MV_ERR_NOMEM. */
mv_status mv_file_read(struct mv_ctx *ctx, const char *path, size_t max, unsigned char **out,
    size_t *len);

#endif
