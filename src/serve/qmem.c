/* SPDX-License-Identifier: Apache-2.0 */
/* qmem.c: the queue and report store of one process, in memory: jobs wait in arrival order,
 * finished ones are kept until their reports expire (report_ttl) or, past STORE_MAX, the
 * oldest finished one goes first. */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "serve/serve.h"

#define STORE_MAX 4096      /* finished jobs kept, beyond the queue */

struct job {
	char id[33];
	enum mv_job_state state;
	uint64_t seq;           /* arrival order */
	char *req;
	char *report[MV_SR__COUNT];
	char *error;
	time_t expires;         /* finished: when it goes */
};

struct qmem {
	struct mv_queue q;
	pthread_mutex_t lock;
	pthread_cond_t more;
	struct job **v;
	size_t n, cap;
	uint64_t seq;
	unsigned queue_max, ttl;
};

int
mv_serve_new_id(char id[33])
{
	unsigned char b[16];

	if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b))
		return -1;
	for (int i = 0; i < 16; i++)
		snprintf(id + 2 * i, 3, "%02x", b[i]);
	return 0;
}

static void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	free(j->req);
	for (int i = 0; i < MV_SR__COUNT; i++)
		free(j->report[i]);
	free(j->error);
	free(j);
}

static void
drop(struct qmem *m, size_t i)
{
	job_free(m->v[i]);
	m->v[i] = m->v[--m->n];
}

/* Finished jobs past their time go; called with the lock held. */
static void
expire(struct qmem *m)
{
	time_t now = time(NULL);
	size_t done = 0, oldest = (size_t)-1;

	for (size_t i = 0; i < m->n;) {
		struct job *j = m->v[i];

		if (j->state >= MV_JOB_DONE && j->expires <= now) {
			drop(m, i);
			continue;
		}
		if (j->state >= MV_JOB_DONE) {
			done++;
			if (oldest == (size_t)-1 || j->seq < m->v[oldest]->seq)
				oldest = i;
		}
		i++;
	}
	if (done > STORE_MAX)
		drop(m, oldest);
}

static struct job *
find(struct qmem *m, const char *id)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i]->id, id) == 0)
			return m->v[i];
	return NULL;
}

static int
m_submit(struct mv_queue *q, const char *req, char id[33], char *err, size_t errlen)
{
	struct qmem *m = (struct qmem *)q;
	struct job *j = calloc(1, sizeof(*j));
	size_t queued = 0;
	int st = 500;

	if (j == NULL || (j->req = strdup(req)) == NULL || mv_serve_new_id(j->id) != 0) {
		snprintf(err, errlen, "%s", j ? "no randomness for an id" : "out of memory");
		job_free(j);
		return 500;
	}
	pthread_mutex_lock(&m->lock);
	expire(m);
	for (size_t i = 0; i < m->n; i++)
		queued += m->v[i]->state == MV_JOB_QUEUED;
	if (queued >= m->queue_max) {
		snprintf(err, errlen, "the queue is full (%u scans waiting)", m->queue_max);
		st = 503;
		goto done;
	}
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 64;
		struct job **v = realloc(m->v, cap * sizeof(*v));

		if (v == NULL) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		m->v = v;
		m->cap = cap;
	}
	j->seq = m->seq++;
	memcpy(id, j->id, 33);
	m->v[m->n++] = j;
	j = NULL;
	st = 0;
	pthread_cond_signal(&m->more);
done:
	pthread_mutex_unlock(&m->lock);
	job_free(j);
	return st;
}

static int
m_take(struct mv_queue *q, unsigned wait_ms, char id[33], char **req)
{
	struct qmem *m = (struct qmem *)q;
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += wait_ms / 1000;
	until.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&m->lock);
	for (;;) {
		struct job *first = NULL;

		for (size_t i = 0; i < m->n; i++)
			if (m->v[i]->state == MV_JOB_QUEUED && (first == NULL ||
			    m->v[i]->seq < first->seq))
				first = m->v[i];
		if (first) {
			if ((*req = strdup(first->req)) == NULL) {
				rc = -1;
				break;
			}
			first->state = MV_JOB_RUNNING;
			memcpy(id, first->id, 33);
			rc = 1;
			break;
		}
		if (pthread_cond_timedwait(&m->more, &m->lock, &until) == ETIMEDOUT)
			break;
	}
	pthread_mutex_unlock(&m->lock);
	return rc;
}

static int
m_renew(struct mv_queue *q, const char *id)
{
	struct qmem *m = (struct qmem *)q;
	struct job *j;
	int rc;

	pthread_mutex_lock(&m->lock);
	j = find(m, id);
	rc = j && j->state == MV_JOB_RUNNING ? 0 : -1;
	pthread_mutex_unlock(&m->lock);
	return rc;
}

static int
m_finish(struct mv_queue *q, const char *id, char *const *reports, const char *error)
{
	struct qmem *m = (struct qmem *)q;
	struct job *j;
	int rc = -1;

	pthread_mutex_lock(&m->lock);
	j = find(m, id);
	if (j == NULL || j->state != MV_JOB_RUNNING)
		goto done;
	/* The registry credential is not kept past the scan. */
	free(j->req);
	j->req = NULL;
	if (reports) {
		for (int i = 0; i < MV_SR__COUNT; i++)
			if ((j->report[i] = strdup(reports[i])) == NULL)
				error = "out of memory keeping the report";
	}
	if (reports == NULL || error) {
		for (int i = 0; i < MV_SR__COUNT; i++) {
			free(j->report[i]);
			j->report[i] = NULL;
		}
		j->error = strdup(error);
	}
	j->state = j->report[0] ? MV_JOB_DONE : MV_JOB_FAILED;
	j->expires = time(NULL) + m->ttl;
	rc = 0;
done:
	pthread_mutex_unlock(&m->lock);
	return rc;
}

static enum mv_job_state
m_get(struct mv_queue *q, const char *id, int kind, char **text)
{
	struct qmem *m = (struct qmem *)q;
	enum mv_job_state s = MV_JOB_UNKNOWN;
	struct job *j;

	*text = NULL;
	pthread_mutex_lock(&m->lock);
	expire(m);
	if ((j = find(m, id)) != NULL) {
		s = j->state;
		if (s == MV_JOB_DONE)
			*text = strdup(j->report[kind]);
		else if (s == MV_JOB_FAILED)
			*text = strdup(j->error ? j->error : "out of memory");
		if (s >= MV_JOB_DONE && *text == NULL)
			s = MV_JOB_UNKNOWN;
	}
	pthread_mutex_unlock(&m->lock);
	return s;
}

static void
m_counts(struct mv_queue *q, long *queued, long *running)
{
	struct qmem *m = (struct qmem *)q;

	*queued = *running = 0;
	pthread_mutex_lock(&m->lock);
	for (size_t i = 0; i < m->n; i++) {
		*queued += m->v[i]->state == MV_JOB_QUEUED;
		*running += m->v[i]->state == MV_JOB_RUNNING;
	}
	pthread_mutex_unlock(&m->lock);
}

static int
m_ready(struct mv_queue *q)
{
	(void)q;
	return 1;
}

static void
m_free(struct mv_queue *q)
{
	struct qmem *m = (struct qmem *)q;

	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		job_free(m->v[i]);
	free(m->v);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->more);
	free(m);
}

static const struct mv_queue_ops ops = {
	m_submit, m_take, m_renew, m_finish, m_get, m_counts, m_ready, m_free,
};

struct mv_queue *
mv_queue_memory_new(const struct mv_serve_conf *conf, char *err, size_t errlen)
{
	struct qmem *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->q.ops = &ops;
	m->queue_max = conf->queue_max;
	m->ttl = conf->report_ttl;
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->more, NULL);
	return &m->q;
}
