/* SPDX-License-Identifier: Apache-2.0 */
/* qredis.c: the queue and report store shared by replicas, in Redis, as Harbor's Trivy
 * adapter keeps its jobs: any replica accepts a scan, any takes it, any answers for its
 * report. Keys (PREFIX is "mavis:"):
 *
 *   mavis:queue            list of job ids waiting (LPUSH in, RPOPLPUSH out)
 *   mavis:processing       list of job ids taken by a replica
 *   mavis:job:ID           hash: state, req (until the scan ends), error, r0..r3 (reports);
 *                          expires report_ttl after it is queued and again after it ends
 *   mavis:lease:ID         the replica running it; expires after --lease seconds unless
 *                          that replica renews it
 *
 * Each step is one Lua script, so it is atomic: a job whose lease is gone (its replica died)
 * is taken again by the next replica looking for work. With appendonly on, what Redis
 * acknowledged survives its restart. Scripts name keys beyond KEYS[], so this is for a
 * standalone Redis (or one primary), not a cluster. */
#include "config.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "serve/serve.h"

#define IO_TIMEOUT_MS 5000      /* connect and each command */

struct qredis {
	struct mv_queue q;
	char host[256];
	int port;
	char password[256];
	int db;
	char owner[33];         /* this replica, in leases */
	unsigned queue_max, ttl, lease;
	pthread_key_t conn;     /* each thread's connection */
};

static void
conn_free(void *c)
{
	redisFree(c);
}

/* This thread's connection, made (and authenticated) on first use or after an error. */
static redisContext *
conn(struct qredis *r)
{
	redisContext *c = pthread_getspecific(r->conn);
	struct timeval tv = {IO_TIMEOUT_MS / 1000, (IO_TIMEOUT_MS % 1000) * 1000};
	redisReply *rep;

	if (c && c->err == 0)
		return c;
	if (c) {
		redisFree(c);
		pthread_setspecific(r->conn, NULL);
	}
	c = redisConnectWithTimeout(r->host, r->port, tv);
	if (c == NULL || c->err || redisSetTimeout(c, tv) != REDIS_OK)
		goto bad;
	if (r->password[0]) {
		rep = redisCommand(c, "AUTH %s", r->password);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			freeReplyObject(rep);
			goto bad;
		}
		freeReplyObject(rep);
	}
	if (r->db) {
		rep = redisCommand(c, "SELECT %d", r->db);
		if (rep == NULL || rep->type == REDIS_REPLY_ERROR) {
			freeReplyObject(rep);
			goto bad;
		}
		freeReplyObject(rep);
	}
	pthread_setspecific(r->conn, c);
	return c;
bad:
	if (c)
		redisFree(c);
	return NULL;
}

/* A command on this thread's connection; NULL on any error. A connection that fails is
 * dropped and the command tried once more on a new one: after Redis restarts, every thread's
 * old connection fails once. */
static redisReply *
command(struct qredis *r, const char *fmt, ...)
{
	redisReply *rep = NULL;
	va_list ap;

	for (int attempt = 0; attempt < 2; attempt++) {
		redisContext *c = conn(r);

		if (c == NULL)
			return NULL;
		va_start(ap, fmt);
		rep = redisvCommand(c, fmt, ap);
		va_end(ap);
		if (rep != NULL && c->err == 0)
			break;
		freeReplyObject(rep);
		rep = NULL;
		redisFree(c);
		pthread_setspecific(r->conn, NULL);
	}
	if (rep && rep->type == REDIS_REPLY_ERROR) {
		freeReplyObject(rep);
		return NULL;
	}
	return rep;
}

/* Tried again after a lost reply, it must not queue the same id twice. */
static const char submit_lua[] =
    "if redis.call('EXISTS', KEYS[2]) == 1 then return 1 end "
    "if redis.call('LLEN', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end "
    "redis.call('HSET', KEYS[2], 'state', 'queued', 'req', ARGV[2]) "
    "redis.call('EXPIRE', KEYS[2], ARGV[4]) "
    "redis.call('LPUSH', KEYS[1], ARGV[1]) "
    "return 1";

static int
r_submit(struct mv_queue *q, const char *req, char id[33], char *err, size_t errlen)
{
	struct qredis *r = (struct qredis *)q;
	char key[64];
	redisReply *rep;
	int st;

	if (mv_serve_new_id(id) != 0) {
		snprintf(err, errlen, "no randomness for an id");
		return 500;
	}
	snprintf(key, sizeof(key), "mavis:job:%s", id);
	rep = command(r, "EVAL %s 2 mavis:queue %s %s %s %u %u", submit_lua, key, id, req,
	    r->queue_max, r->ttl);
	if (rep == NULL || rep->type != REDIS_REPLY_INTEGER) {
		snprintf(err, errlen, "the queue (Redis at %s:%d) is not reachable", r->host,
		    r->port);
		st = 500;
	} else if (rep->integer == 0) {
		snprintf(err, errlen, "the queue is full (%u scans waiting)", r->queue_max);
		st = 503;
	} else {
		st = 0;
	}
	freeReplyObject(rep);
	return st;
}

/* A job whose lease lapsed first (its replica is gone), else the oldest waiting. */
static const char take_lua[] =
    "local id = nil "
    "for _, j in ipairs(redis.call('LRANGE', KEYS[2], 0, -1)) do "
    "  if redis.call('EXISTS', 'mavis:lease:' .. j) == 0 then id = j break end "
    "end "
    "if not id then id = redis.call('RPOPLPUSH', KEYS[1], KEYS[2]) end "
    "if not id then return nil end "
    "local job = 'mavis:job:' .. id "
    "local req = redis.call('HGET', job, 'req') "
    "if not req or redis.call('HGET', job, 'state') == 'done' or "
    "    redis.call('HGET', job, 'state') == 'failed' then "
    "  redis.call('LREM', KEYS[2], 0, id) return {id, ''} end "
    "redis.call('SET', 'mavis:lease:' .. id, ARGV[1], 'EX', ARGV[2]) "
    "redis.call('HSET', job, 'state', 'running') "
    "return {id, req}";

static int
r_take(struct mv_queue *q, unsigned wait_ms, char id[33], char **req)
{
	struct qredis *r = (struct qredis *)q;
	unsigned waited = 0;

	for (;;) {
		redisReply *rep = command(r, "EVAL %s 2 mavis:queue mavis:processing %s %u",
		    take_lua, r->owner, r->lease);

		if (rep == NULL)
			return -1;
		if (rep->type == REDIS_REPLY_ARRAY && rep->elements == 2 &&
		    rep->element[0]->type == REDIS_REPLY_STRING &&
		    rep->element[1]->type == REDIS_REPLY_STRING && rep->element[0]->len == 32) {
			int got = rep->element[1]->len > 0;

			if (got) {
				memcpy(id, rep->element[0]->str, 33);
				*req = strdup(rep->element[1]->str);
			}
			freeReplyObject(rep);
			if (got)
				return *req ? 1 : -1;
			continue;       /* expired or finished meanwhile: dropped, look again */
		}
		freeReplyObject(rep);
		if (waited >= wait_ms)
			return 0;
		usleep(100 * 1000);
		waited += 100;
	}
}

static const char renew_lua[] =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
    "redis.call('EXPIRE', KEYS[1], ARGV[2]) return 1";

static int
r_renew(struct mv_queue *q, const char *id)
{
	struct qredis *r = (struct qredis *)q;
	char key[64];
	redisReply *rep;
	int rc;

	snprintf(key, sizeof(key), "mavis:lease:%s", id);
	rep = command(r, "EVAL %s 1 %s %s %u", renew_lua, key, r->owner, r->lease);
	rc = rep && rep->type == REDIS_REPLY_INTEGER && rep->integer == 1 ? 0 : -1;
	freeReplyObject(rep);
	return rc;
}

/* Only the replica holding the lease finishes a job: one that lost it (stalled past the
 * lease while another took the job) drops its result. */
static const char finish_lua[] =
    "if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end "
    "if ARGV[4] == 'done' then "
    "  redis.call('HSET', KEYS[2], 'state', 'done', 'r0', ARGV[5], 'r1', ARGV[6], "
    "      'r2', ARGV[7], 'r3', ARGV[8]) "
    "else redis.call('HSET', KEYS[2], 'state', 'failed', 'error', ARGV[5]) end "
    "redis.call('HDEL', KEYS[2], 'req') "
    "redis.call('EXPIRE', KEYS[2], ARGV[3]) "
    "redis.call('LREM', KEYS[3], 0, ARGV[2]) "
    "redis.call('DEL', KEYS[1]) return 1";

static int
r_finish(struct mv_queue *q, const char *id, char *const *reports, const char *error)
{
	struct qredis *r = (struct qredis *)q;
	char lease[64], job[64];
	redisReply *rep;
	int rc;

	snprintf(lease, sizeof(lease), "mavis:lease:%s", id);
	snprintf(job, sizeof(job), "mavis:job:%s", id);
	if (reports)
		rep = command(r, "EVAL %s 3 %s %s mavis:processing %s %s %u done %s %s %s %s",
		    finish_lua, lease, job, r->owner, id, r->ttl, reports[0], reports[1],
		    reports[2], reports[3]);
	else
		rep = command(r, "EVAL %s 3 %s %s mavis:processing %s %s %u failed %s",
		    finish_lua, lease, job, r->owner, id, r->ttl, error);
	rc = rep && rep->type == REDIS_REPLY_INTEGER && rep->integer == 1 ? 0 : -1;
	freeReplyObject(rep);
	return rc;
}

static enum mv_job_state
r_get(struct mv_queue *q, const char *id, int kind, char **text)
{
	struct qredis *r = (struct qredis *)q;
	enum mv_job_state s = MV_JOB_UNKNOWN;
	redisReply *rep = command(r, "HMGET mavis:job:%s state r%d error", id, kind);
	const char *state;

	*text = NULL;
	if (rep == NULL || rep->type != REDIS_REPLY_ARRAY || rep->elements != 3 ||
	    rep->element[0]->type != REDIS_REPLY_STRING) {
		freeReplyObject(rep);
		return MV_JOB_UNKNOWN;
	}
	state = rep->element[0]->str;
	if (strcmp(state, "queued") == 0)
		s = MV_JOB_QUEUED;
	else if (strcmp(state, "running") == 0)
		s = MV_JOB_RUNNING;
	else if (strcmp(state, "done") == 0 && rep->element[1]->type == REDIS_REPLY_STRING)
		s = (*text = strdup(rep->element[1]->str)) ? MV_JOB_DONE : MV_JOB_UNKNOWN;
	else if (strcmp(state, "failed") == 0 && rep->element[2]->type == REDIS_REPLY_STRING)
		s = (*text = strdup(rep->element[2]->str)) ? MV_JOB_FAILED : MV_JOB_UNKNOWN;
	freeReplyObject(rep);
	return s;
}

static long
llen(struct qredis *r, const char *key)
{
	redisReply *rep = command(r, "LLEN %s", key);
	long n = rep && rep->type == REDIS_REPLY_INTEGER ? (long)rep->integer : -1;

	freeReplyObject(rep);
	return n;
}

static void
r_counts(struct mv_queue *q, long *queued, long *running)
{
	struct qredis *r = (struct qredis *)q;

	*queued = llen(r, "mavis:queue");
	*running = llen(r, "mavis:processing");
}

static int
r_ready(struct mv_queue *q)
{
	redisReply *rep = command((struct qredis *)q, "PING");
	int ok = rep != NULL;

	freeReplyObject(rep);
	return ok;
}

static void
r_free(struct mv_queue *q)
{
	struct qredis *r = (struct qredis *)q;
	redisContext *c;

	if (r == NULL)
		return;
	if ((c = pthread_getspecific(r->conn)) != NULL)
		redisFree(c);
	pthread_key_delete(r->conn);
	free(r);
}

static const struct mv_queue_ops ops = {
	r_submit, r_take, r_renew, r_finish, r_get, r_counts, r_ready, r_free,
};

/* redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] */
static int
parse_url(struct qredis *r, const char *url)
{
	const char *p, *at, *end, *colon;
	size_t n;

	if (strncmp(url, "redis://", 8) != 0)
		return -1;
	p = url + 8;
	end = p + strcspn(p, "/");
	at = memchr(p, '@', (size_t)(end - p));
	if (at) {
		const char *pw = memchr(p, ':', (size_t)(at - p));

		if (pw == NULL || (size_t)(at - pw - 1) >= sizeof(r->password))
			return -1;
		memcpy(r->password, pw + 1, (size_t)(at - pw - 1));
		r->password[at - pw - 1] = '\0';
		p = at + 1;
	}
	colon = *p == '[' ? strchr(p, ']') : p;
	if (colon == NULL)
		return -1;
	colon = memchr(colon, ':', (size_t)(end - colon));
	n = (size_t)((colon ? colon : end) - p);
	if (*p == '[') {
		p++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(r->host))
		return -1;
	memcpy(r->host, p, n);
	r->host[n] = '\0';
	r->port = 6379;
	if (colon) {
		char *e;
		long v = strtol(colon + 1, &e, 10);

		if (e != end || v < 1 || v > 65535)
			return -1;
		r->port = (int)v;
	}
	if (*end == '/' && end[1]) {
		char *e;
		long v = strtol(end + 1, &e, 10);

		if (*e || v < 0 || v > 1000)
			return -1;
		r->db = (int)v;
	}
	return 0;
}

struct mv_queue *
mv_queue_redis_new(const struct mv_serve_conf *conf, char *err, size_t errlen)
{
	struct qredis *r = calloc(1, sizeof(*r));

	if (r == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (parse_url(r, conf->redis_url) != 0) {
		snprintf(err, errlen, "--redis %s: not redis://[:PASSWORD@]HOST[:PORT][/DB]",
		    conf->redis_url);
		free(r);
		return NULL;
	}
	if (pthread_key_create(&r->conn, conn_free) != 0 || mv_serve_new_id(r->owner) != 0) {
		snprintf(err, errlen, "cannot set up the Redis client");
		free(r);
		return NULL;
	}
	r->q.ops = &ops;
	r->queue_max = conf->queue_max;
	r->ttl = conf->report_ttl;
	r->lease = conf->lease;
	/* Reachable now, or it is said at once rather than on the first scan. */
	if (!r_ready(&r->q)) {
		snprintf(err, errlen, "--redis: no Redis answers at %s:%d", r->host, r->port);
		r_free(&r->q);
		return NULL;
	}
	return &r->q;
}
