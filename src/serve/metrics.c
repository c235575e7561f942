/* SPDX-License-Identifier: Apache-2.0 */
/* metrics.c: counters of this process and the queue's gauges in the Prometheus text
 * exposition format (version 0.0.4). */
#include "config.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "serve/serve.h"

static _Atomic uint64_t counter[MV_M__COUNT];
/* Scan time in milliseconds, summed, and the histogram's buckets (seconds). */
static _Atomic uint64_t millis;
static const double bucket_le[] = {1, 5, 15, 60, 300, 900, 3600};
#define NBUCKET (sizeof(bucket_le) / sizeof(bucket_le[0]))
static _Atomic uint64_t bucket[NBUCKET];

void
mv_metric_add(enum mv_metric m, uint64_t n)
{
	atomic_fetch_add(&counter[m], n);
}

void
mv_metric_seconds(double seconds)
{
	atomic_fetch_add(&millis, (uint64_t)(seconds * 1000.0));
	for (size_t i = 0; i < NBUCKET; i++)
		if (seconds <= bucket_le[i])
			atomic_fetch_add(&bucket[i], 1);
}

/* The counters, as /metrics names and explains them. */
static const struct {
	enum mv_metric id;
	const char *name, *help;
} counters[] = {
	{MV_M_ACCEPTED, "mavis_scans_accepted_total", "Scan requests this process accepted."},
	{MV_M_REJECTED, "mavis_scans_rejected_total", "Scan requests refused with the queue full."},
	{MV_M_DONE, "mavis_scans_done_total", "Scans this process finished with a report."},
	{MV_M_FAILED, "mavis_scans_failed_total", "Scans this process could not make."},
	{MV_M_REQUESTS, "mavis_http_requests_total", "HTTP requests answered."},
};

/* One sample with its HELP and TYPE lines. */
static void
sample(FILE *f, const char *name, const char *type, const char *help, long long v)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n%s %lld\n", name, help, name, type, name, v);
}

char *
mv_metrics_text(struct mv_queue *q, unsigned running_here)
{
	char *buf = NULL;
	size_t len = 0;
	long queued = -1, running = -1;
	uint64_t scans = atomic_load(&counter[MV_M_DONE]) + atomic_load(&counter[MV_M_FAILED]);
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	q->ops->counts(q, &queued, &running);
	sample(f, "mavis_scans_queued", "gauge", "Scans waiting to run (all replicas).", queued);
	sample(f, "mavis_scans_running", "gauge", "Scans running (all replicas).", running);
	sample(f, "mavis_scans_running_here", "gauge", "Scans this process is running.",
	    running_here);
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++)
		sample(f, counters[i].name, "counter", counters[i].help,
		    (long long)atomic_load(&counter[counters[i].id]));
	fprintf(f, "# HELP mavis_scan_seconds Time scans took in this process.\n"
	    "# TYPE mavis_scan_seconds histogram\n");
	for (size_t i = 0; i < NBUCKET; i++)
		fprintf(f, "mavis_scan_seconds_bucket{le=\"%g\"} %llu\n", bucket_le[i],
		    (unsigned long long)atomic_load(&bucket[i]));
	fprintf(f, "mavis_scan_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "mavis_scan_seconds_sum %.3f\nmavis_scan_seconds_count %llu\n",
	    (unsigned long long)scans, atomic_load(&millis) / 1000.0, (unsigned long long)scans);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
