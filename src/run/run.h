/* SPDX-License-Identifier: Apache-2.0 */
/* run.h: the pipeline's calls beyond the public ones (mv_run, mv_scan in mavis.h). Not
 * installed. */
#ifndef MV_RUN_RUN_H
#define MV_RUN_RUN_H

#include <stddef.h>
#include "mavis.h"

/* Walk bytes in memory as one input called name, as mv_run walks a file (fuzzing). */
mv_status mv_run_memory(struct mv_ctx *ctx, const char *name, const void *p, size_t n,
    struct mv_result **out);

/* How the signing stage hashes a model: through a run (sign/sign.h, run/sign.c). */
struct mv_walker;
extern const struct mv_walker mv_run_walker;

#endif
