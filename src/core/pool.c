/* SPDX-License-Identifier: Apache-2.0 */
/* pool.c: worker threads over one task queue. */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/pool.h"

struct task {
	mv_task_fn fn;
	void *arg;
	struct task *next;
};

struct mv_pool {
	pthread_mutex_t lock;
	pthread_cond_t work;      /* a task was queued, or the pool stops */
	pthread_cond_t room;      /* the queue shrank */
	pthread_cond_t idle;      /* the last task finished */
	struct task *head, *tail;
	size_t queued;
	size_t queue_cap;
	size_t running;
	int stop;
	unsigned nthreads;
	pthread_t *threads;
};

static __thread struct mv_pool *self_pool;

static void *
worker(void *arg)
{
	struct mv_pool *pool = arg;

	self_pool = pool;
	pthread_mutex_lock(&pool->lock);
	for (;;) {
		struct task *t;

		while (pool->head == NULL && !pool->stop)
			pthread_cond_wait(&pool->work, &pool->lock);
		if (pool->head == NULL)
			break;
		t = pool->head;
		pool->head = t->next;
		if (pool->head == NULL)
			pool->tail = NULL;
		pool->queued--;
		pool->running++;
		pthread_cond_signal(&pool->room);
		pthread_mutex_unlock(&pool->lock);
		t->fn(t->arg);
		free(t);
		pthread_mutex_lock(&pool->lock);
		pool->running--;
		if (pool->running == 0 && pool->head == NULL)
			pthread_cond_broadcast(&pool->idle);
	}
	pthread_mutex_unlock(&pool->lock);
	return NULL;
}

unsigned
mv_cpu_count(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : (unsigned)n;
}

mv_status
mv_pool_new(unsigned nthreads, size_t queue_cap, struct mv_pool **out)
{
	struct mv_pool *pool;

	*out = NULL;
	if (nthreads == 0)
		nthreads = 1;
	if ((pool = calloc(1, sizeof(*pool))) == NULL)
		return MV_ERR_NOMEM;
	if ((pool->threads = calloc(nthreads, sizeof(pthread_t))) == NULL) {
		free(pool);
		return MV_ERR_NOMEM;
	}
	pthread_mutex_init(&pool->lock, NULL);
	pthread_cond_init(&pool->work, NULL);
	pthread_cond_init(&pool->room, NULL);
	pthread_cond_init(&pool->idle, NULL);
	pool->queue_cap = queue_cap ? queue_cap : 1;
	for (unsigned i = 0; i < nthreads; i++) {
		if (pthread_create(&pool->threads[i], NULL, worker, pool) != 0)
			break;
		pool->nthreads++;
	}
	if (pool->nthreads == 0) {
		mv_pool_free(pool);
		return MV_ERR_NOMEM;
	}
	*out = pool;
	return MV_OK;
}

mv_status
mv_pool_submit(struct mv_pool *pool, mv_task_fn fn, void *arg)
{
	struct task *t = malloc(sizeof(*t));

	if (t == NULL)
		return MV_ERR_NOMEM;
	t->fn = fn;
	t->arg = arg;
	t->next = NULL;
	pthread_mutex_lock(&pool->lock);
	if (self_pool != pool)
		while (pool->queued >= pool->queue_cap)
			pthread_cond_wait(&pool->room, &pool->lock);
	if (pool->tail)
		pool->tail->next = t;
	else
		pool->head = t;
	pool->tail = t;
	pool->queued++;
	pthread_cond_signal(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	return MV_OK;
}

void
mv_pool_wait(struct mv_pool *pool, unsigned tick_ms, void (*tick)(void *), void *arg)
{
	pthread_mutex_lock(&pool->lock);
	while (pool->head != NULL || pool->running != 0) {
		struct timespec ts;

		if (tick == NULL) {
			pthread_cond_wait(&pool->idle, &pool->lock);
			continue;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += (long)(tick_ms % 1000) * 1000000L;
		ts.tv_sec += tick_ms / 1000 + ts.tv_nsec / 1000000000L;
		ts.tv_nsec %= 1000000000L;
		if (pthread_cond_timedwait(&pool->idle, &pool->lock, &ts) != 0) {
			pthread_mutex_unlock(&pool->lock);
			tick(arg);
			pthread_mutex_lock(&pool->lock);
		}
	}
	pthread_mutex_unlock(&pool->lock);
}

void
mv_pool_free(struct mv_pool *pool)
{
	if (pool == NULL)
		return;
	pthread_mutex_lock(&pool->lock);
	pool->stop = 1;
	pthread_cond_broadcast(&pool->work);
	pthread_mutex_unlock(&pool->lock);
	for (unsigned i = 0; i < pool->nthreads; i++)
		pthread_join(pool->threads[i], NULL);
	while (pool->head) {
		struct task *t = pool->head;

		pool->head = t->next;
		free(t);
	}
	pthread_mutex_destroy(&pool->lock);
	pthread_cond_destroy(&pool->work);
	pthread_cond_destroy(&pool->room);
	pthread_cond_destroy(&pool->idle);
	free(pool->threads);
	free(pool);
}
