/* SPDX-License-Identifier: Apache-2.0 */
/* ahead.c: a file, or a remote entry's transfer, read in order by a thread of its own, a few
 * blocks ahead of the task that hashes it, so the copy out of the page cache or the receiving
 * of a registry's bytes runs on another core beside the hashing. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/remote.h"

#include "walk/ahead.h"

#define SLOTS 4

struct mv_ahead {
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Up to cap bytes into buf: their count, 0 at the end, -1 on an error (*err). */
	ssize_t (*fill)(struct mv_ahead *a, unsigned char *buf, size_t cap, int *err);
	int fd;                          /* a file's, or */
	struct mv_blocks *in;            /* a transfer's blocks, */
	const unsigned char *pend;       /* with what is left of the block it gave last */
	size_t npend;
	size_t block;
	unsigned char *buf[SLOTS];
	ssize_t len[SLOTS];              /* bytes read, 0 at the end, -1 on error */
	int err[SLOTS];
	uint64_t filled;                 /* slots the reader has filled */
	uint64_t freed;                  /* slots the task has handed back */
	int handed;                      /* the task holds slot freed % SLOTS */
	int stop;
};

static ssize_t
fill_fd(struct mv_ahead *a, unsigned char *buf, size_t cap, int *err)
{
	ssize_t r;

	do
		r = read(a->fd, buf, cap);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		*err = errno;
	return r;
}

/* A transfer's blocks are the source's own, valid until its next call: copied into the slot,
 * a block larger than a slot over two calls. */
static ssize_t
fill_blocks(struct mv_ahead *a, unsigned char *buf, size_t cap, int *err)
{
	size_t n;

	if (a->npend == 0) {
		int rc = a->in->next(a->in->arg, &a->pend, &a->npend);

		if (rc <= 0) {
			*err = rc < 0 ? MV_AHEAD_EBLOCKS : 0;
			a->npend = 0;
			return rc;
		}
	}
	n = a->npend < cap ? a->npend : cap;
	memcpy(buf, a->pend, n);
	a->pend += n;
	a->npend -= n;
	return (ssize_t)n;
}

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
		r = a->fill(a, a->buf[s], a->block, &e);
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

static mv_status
start(struct mv_ahead *a, size_t block, struct mv_ahead **out)
{
	*out = NULL;
	if (a == NULL)
		return MV_ERR_NOMEM;
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

mv_status
mv_ahead_start(int fd, size_t block, struct mv_ahead **out)
{
	struct mv_ahead *a = calloc(1, sizeof(*a));

	if (a) {
		a->fill = fill_fd;
		a->fd = fd;
	}
	return start(a, block, out);
}

mv_status
mv_ahead_start_blocks(struct mv_blocks *in, size_t block, struct mv_ahead **out)
{
	struct mv_ahead *a = calloc(1, sizeof(*a));

	if (a) {
		a->fill = fill_blocks;
		a->in = in;
	}
	return start(a, block, out);
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
