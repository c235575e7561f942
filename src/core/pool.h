/* SPDX-License-Identifier: Apache-2.0 */
/* pool.h: a fixed set of worker threads taking tasks from one queue. */
#ifndef MV_CORE_POOL_H
#define MV_CORE_POOL_H

#include <stddef.h>
#include "mavis.h"

struct mv_pool;

typedef void (*mv_task_fn)(void *arg);

/* nthreads workers; submissions from outside the pool block while queue_cap tasks wait, which
 * keeps memory flat however many files a package holds. */
mv_status mv_pool_new(unsigned nthreads, size_t queue_cap, struct mv_pool **out);
/* Queue a task. From a worker of this pool it never blocks (a worker waiting on its own pool
 * could deadlock). */
mv_status mv_pool_submit(struct mv_pool *pool, mv_task_fn fn, void *arg);
/* Wait until every queued task has finished, calling tick (when not NULL) every tick_ms
 * milliseconds meanwhile, from the waiting thread. */
void mv_pool_wait(struct mv_pool *pool, unsigned tick_ms, void (*tick)(void *), void *arg);
void mv_pool_free(struct mv_pool *pool);
/* Online CPUs, at least 1. */
unsigned mv_cpu_count(void);

#endif
