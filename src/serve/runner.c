/* SPDX-License-Identifier: Apache-2.0 */
/* runner.c: the workers: each takes a job from the queue, scans the artifact with mv_scan
 * (a context, rules and policy of its own per scan, so nothing one scan leaves behind reaches
 * the next), turns the judgement into the reports and finishes the job. A watchdog renews the
 * leases of the jobs running here and fails a scan past its time. */
#include "config.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "serve/serve.h"

struct slot {
	struct mv_runner *r;
	pthread_t thread;
	int started;
	pthread_mutex_t lock;
	char id[33];            /* the job running, or "" */
	time_t began;
	int timed_out;          /* the watchdog failed it already */
};

struct mv_runner {
	const struct mv_serve_conf *conf;
	struct mv_queue *q;
	atomic_int stop;
	atomic_uint running;
	unsigned n;
	struct slot *slot;
	pthread_t watchdog;
	int watchdog_started;
};

static void
logline(const struct mv_serve_conf *conf, const char *id, const char *event,
    const char *input, double seconds, const char *detail)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	json_t *o;
	char *s;

	if (conf->log == NULL)
		return;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s,s:s,s:s,s:s*,s:f,s:s*}", "time", when, "job", id, "event", event,
	    "input", input, "seconds", seconds, "detail", detail);
	if (o && (s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(6))) != NULL) {
		fprintf(conf->log, "%s\n", s);
		fflush(conf->log);
		free(s);
	}
	json_decref(o);
}

int
mv_serve_scan(const struct mv_serve_conf *conf, const struct mv_serve_req *req, const char *input,
    int insecure, char *reports[MV_SR__COUNT], char *err, size_t errlen)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_rules *rules = NULL;
	struct mv_policy *pol = NULL;
	struct mv_judgement *j = NULL;
	struct mv_scan_opts opts = MV_SCAN_OPTS_INIT;
	int rc = -1;

	(void)req;
	(void)insecure;
	if (ctx == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
#ifdef MV_REGISTRY_INSECURE
	opts.registry_authorization = req->authorization;
	opts.registry_flags = insecure ? MV_REGISTRY_INSECURE : 0;
#endif
	/* One thread per scan: --jobs scans run at once, each bounded alike. */
	mv_ctx_set_jobs(ctx, 1);
	if (mv_ctx_set_signatures(ctx, conf->signatures) != MV_OK ||
	    (conf->scan_bytes && mv_ctx_set_limit(ctx, MV_LIMIT_BYTES, conf->scan_bytes) !=
	    MV_OK) ||
	    mv_ctx_set_limit(ctx, MV_LIMIT_SECONDS, conf->scan_timeout) != MV_OK ||
	    mv_rules_load(ctx, &rules) != MV_OK || mv_policy_new(ctx, rules, &pol) != MV_OK ||
	    (conf->policy && mv_policy_load(ctx, pol, conf->policy) != MV_OK) ||
	    mv_scan(ctx, pol, &input, 1, &opts, &j) != MV_OK) {
		snprintf(err, errlen, "%s", mv_ctx_error(ctx));
		goto done;
	}
	if (mv_serve_reports(ctx, j, req, reports) != 0) {
		snprintf(err, errlen, "the reports could not be made: %s", mv_ctx_error(ctx));
		goto done;
	}
	rc = 0;
done:
	mv_judgement_free(j);
	mv_policy_free(pol);
	mv_rules_free(rules);
	mv_ctx_free(ctx);
	return rc;
}

static void
run_job(struct slot *s, const char *id, const char *text)
{
	const struct mv_serve_conf *conf = s->r->conf;
	char *reports[MV_SR__COUNT] = {NULL}, *input = NULL, err[512] = "";
	struct mv_serve_req req;
	struct timespec t0, t1;
	double secs;
	int insecure = 0, ok = 0, late;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (mv_serve_req_load(text, &req) != 0) {
		snprintf(err, sizeof(err), "the queued request could not be read");
		memset(&req, 0, sizeof(req));
	} else if ((input = mv_serve_req_input(&req, &insecure)) == NULL) {
		snprintf(err, sizeof(err), "out of memory");
	} else {
		logline(conf, id, "start", input, 0, NULL);
		ok = mv_serve_scan(conf, &req, input, insecure, reports, err, sizeof(err)) == 0;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	pthread_mutex_lock(&s->lock);
	late = s->timed_out;
	s->id[0] = '\0';
	pthread_mutex_unlock(&s->lock);
	if (!late) {
		if (s->r->q->ops->finish(s->r->q, id, ok ? reports : NULL, ok ? NULL : err) != 0)
			snprintf(err, sizeof(err), "the job was no longer this replica's (lease "
			    "lost): its result is dropped");
		mv_metric_add(ok ? MV_M_DONE : MV_M_FAILED, 1);
		mv_metric_seconds(secs);
	}
	logline(conf, id, late ? "late" : ok ? "done" : "failed", input, secs,
	    ok && !late ? NULL : late ? "finished after the time limit" : err);
	for (int i = 0; i < MV_SR__COUNT; i++)
		free(reports[i]);
	free(input);
	mv_serve_req_free(&req);
}

static void *
worker(void *arg)
{
	struct slot *s = arg;
	struct mv_runner *r = s->r;

	while (!atomic_load(&r->stop)) {
		char id[33], *text = NULL;
		int got = r->q->ops->take(r->q, 500, id, &text);

		if (got < 0) {
			sleep(1);   /* the store is away (Redis restarting): try again */
			continue;
		}
		if (got == 0)
			continue;
		pthread_mutex_lock(&s->lock);
		memcpy(s->id, id, sizeof(id));
		s->began = time(NULL);
		s->timed_out = 0;
		pthread_mutex_unlock(&s->lock);
		atomic_fetch_add(&r->running, 1);
		run_job(s, id, text);
		atomic_fetch_sub(&r->running, 1);
		free(text);
	}
	return NULL;
}

/* Every second: renew the lease of every job running here (at a third of its length), and
 * fail a scan past the time limit at once. The scan itself stops reading at the same limit
 * (MV_LIMIT_SECONDS), so its worker is free again after the block it was reading (a stalled
 * registry holds it until curl's stall timeout); its late result is dropped. */
static void *
watchdog(void *arg)
{
	struct mv_runner *r = arg;
	unsigned every = r->conf->lease / 3 ? r->conf->lease / 3 : 1, tick = 0;

	while (!atomic_load(&r->stop)) {
		sleep(1);
		tick++;
		for (unsigned i = 0; i < r->n; i++) {
			struct slot *s = &r->slot[i];
			char id[33] = "";
			int over = 0;

			pthread_mutex_lock(&s->lock);
			if (s->id[0] && !s->timed_out) {
				memcpy(id, s->id, sizeof(id));
				over = r->conf->scan_timeout &&
				    time(NULL) - s->began >= (time_t)r->conf->scan_timeout;
				if (over)
					s->timed_out = 1;
			}
			pthread_mutex_unlock(&s->lock);
			if (id[0] == '\0')
				continue;
			if (over) {
				char msg[96];

				snprintf(msg, sizeof(msg), "the scan took longer than the limit "
				    "(%u s)", r->conf->scan_timeout);
				r->q->ops->finish(r->q, id, NULL, msg);
				mv_metric_add(MV_M_FAILED, 1);
				logline(r->conf, id, "failed", NULL, r->conf->scan_timeout, msg);
			} else if (tick % every == 0) {
				r->q->ops->renew(r->q, id);
			}
		}
	}
	return NULL;
}

struct mv_runner *
mv_runner_start(const struct mv_serve_conf *conf, struct mv_queue *q, char *err,
    size_t errlen)
{
	struct mv_runner *r = calloc(1, sizeof(*r));

	if (r == NULL || (conf->jobs && (r->slot = calloc(conf->jobs, sizeof(*r->slot))) ==
	    NULL)) {
		free(r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	r->conf = conf;
	r->q = q;
	for (unsigned i = 0; i < conf->jobs; i++) {
		r->slot[i].r = r;
		pthread_mutex_init(&r->slot[i].lock, NULL);
		r->n++;
		if (pthread_create(&r->slot[i].thread, NULL, worker, &r->slot[i]) != 0) {
			snprintf(err, errlen, "cannot start a worker thread");
			mv_runner_stop(r);
			return NULL;
		}
		r->slot[i].started = 1;
	}
	if (pthread_create(&r->watchdog, NULL, watchdog, r) != 0) {
		snprintf(err, errlen, "cannot start a thread");
		mv_runner_stop(r);
		return NULL;
	}
	r->watchdog_started = 1;
	return r;
}

unsigned
mv_runner_running(struct mv_runner *r)
{
	return atomic_load(&r->running);
}

void
mv_runner_stop(struct mv_runner *r)
{
	if (r == NULL)
		return;
	atomic_store(&r->stop, 1);
	for (unsigned i = 0; i < r->n; i++)
		if (r->slot[i].started)
			pthread_join(r->slot[i].thread, NULL);
	if (r->watchdog_started)
		pthread_join(r->watchdog, NULL);
	for (unsigned i = 0; i < r->n; i++)
		pthread_mutex_destroy(&r->slot[i].lock);
	free(r->slot);
	free(r);
}
