/* SPDX-License-Identifier: Apache-2.0 */
/* serve.c: mavis serve from start to stop: the queue (memory or Redis), the workers, the HTTP
 * front, then wait for SIGTERM or SIGINT and stop in the order that loses nothing accepted:
 * the front first (no new scans), then the workers (the scans running end and are stored). */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "serve/serve.h"

int
mv_serve_run(const struct mv_serve_conf *conf, char *err, size_t errlen)
{
	struct mv_queue *q = NULL;
	struct mv_runner *runner = NULL;
	struct mv_http *http = NULL;
	sigset_t set, old;
	int sig, rc = 2;

	/* Every thread started from here on has the stop signals blocked; this one waits for
	 * them. SIGPIPE (a client gone mid-reply) is ignored. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	signal(SIGPIPE, SIG_IGN);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	q = conf->redis_url ? mv_queue_redis_new(conf, err, errlen) :
	    mv_queue_memory_new(conf, err, errlen);
	if (q == NULL)
		goto done;
	if ((runner = mv_runner_start(conf, q, err, errlen)) == NULL)
		goto done;
	if ((http = mv_http_start(conf, q, runner, err, errlen)) == NULL)
		goto done;
	sigwait(&set, &sig);
	if (conf->log) {
		fprintf(conf->log, "{\"event\":\"stopping\",\"signal\":\"%s\",\"running\":%u}\n",
		    sig == SIGTERM ? "TERM" : "INT", mv_runner_running(runner));
		fflush(conf->log);
	}
	rc = 0;
done:
	mv_http_stop(http);
	mv_runner_stop(runner);
	if (q)
		q->ops->free(q);
	/* A second stop signal sent while the scans ended is pending: taken here, it does not
	 * kill the process once the mask is restored. */
	while (sigtimedwait(&set, NULL, &(struct timespec){0, 0}) > 0)
		continue;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
