/* SPDX-License-Identifier: Apache-2.0 */
/* ahead.c: a file read in order by a thread of its own, a few blocks ahead of the task that
 * hashes it, so the copy out of the page cache runs on another core beside the hashing. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "walk/ahead.h"

#define SLOTS 4

struct mv_ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int fd;
	size_t block;
	unsigned char *buf[SLOTS];
	ssize_t len[SLOTS];              /* bytes read, 0 at the end, -1 on error */
	int err[SLOTS];
	uint64_t filled;                 /* slots the reader has filled */
	uint64_t freed;                  /* slots the task has handed back */
	int handed;                      /* the task holds slot freed % SLOTS */
	int stop;
};

static void *
reader(void *arg)
{
	struct mv_ahead *a = arg;

	pthread_mutex_lock(&a->lock);
	for (;;) {
		unsigned s;
		ssize_t r;
		int e = 0;

		while (!a->stop && a->filled - a->freed == SLOTS)
			pthread_cond_wait(&a->cond, &a->lock);
		if (a->stop)
			break;
		s = (unsigned)(a->filled % SLOTS);
		pthread_mutex_unlock(&a->lock);
		do
			r = read(a->fd, a->buf[s], a->block);
		while (r < 0 && errno == EINTR);
		if (r < 0)
			e = errno;
		pthread_mutex_lock(&a->lock);
		a->len[s] = r;
		a->err[s] = e;
		a->filled++;
		pthread_cond_broadcast(&a->cond);
		if (r <= 0)
			break;
	}
	pthread_mutex_unlock(&a->lock);
	return NULL;
}

mv_status
mv_ahead_start(int fd, size_t block, struct mv_ahead **out)
{
	struct mv_ahead *a = calloc(1, sizeof(*a));

	*out = NULL;
	if (a == NULL)
		return MV_ERR_NOMEM;
	a->fd = fd;
	a->block = block;
	for (int i = 0; i < SLOTS; i++) {
		if ((a->buf[i] = malloc(block)) == NULL) {
			for (int k = 0; k < i; k++)
				free(a->buf[k]);
			free(a);
			return MV_ERR_NOMEM;
		}
	}
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->cond, NULL);
	if (pthread_create(&a->thread, NULL, reader, a) != 0) {
		pthread_mutex_destroy(&a->lock);
		pthread_cond_destroy(&a->cond);
		for (int i = 0; i < SLOTS; i++)
			free(a->buf[i]);
		free(a);
		return MV_ERR_NOMEM;
	}
	*out = a;
	return MV_OK;
}

int
mv_ahead_next(struct mv_ahead *a, const unsigned char **p, size_t *n, int *err)
{
	unsigned s;
	int rc;

	pthread_mutex_lock(&a->lock);
	if (a->handed) {
		a->freed++;
		a->handed = 0;
		pthread_cond_broadcast(&a->cond);
	}
	while (a->filled == a->freed)
		pthread_cond_wait(&a->cond, &a->lock);
	s = (unsigned)(a->freed % SLOTS);
	if (a->len[s] > 0) {
		*p = a->buf[s];
		*n = (size_t)a->len[s];
		a->handed = 1;
		rc = 1;
	} else {
		/* The end or an error stays in its slot for any later call. */
		*err = a->err[s];
		rc = a->len[s] == 0 ? 0 : -1;
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

void
mv_ahead_stop(struct mv_ahead *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->lock);
	a->stop = 1;
	pthread_cond_broadcast(&a->cond);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_mutex_destroy(&a->lock);
	pthread_cond_destroy(&a->cond);
	for (int i = 0; i < SLOTS; i++)
		free(a->buf[i]);
	free(a);
}
