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
	fprintf(f, "# HELP mavis_scans_queued Scans waiting to run (all replicas).\n"
	    "# TYPE mavis_scans_queued gauge\nmavis_scans_queued %ld\n", queued);
	fprintf(f, "# HELP mavis_scans_running Scans running (all replicas).\n"
	    "# TYPE mavis_scans_running gauge\nmavis_scans_running %ld\n", running);
	fprintf(f, "# HELP mavis_scans_running_here Scans this process is running.\n"
	    "# TYPE mavis_scans_running_here gauge\nmavis_scans_running_here %u\n", running_here);
	fprintf(f, "# HELP mavis_scans_accepted_total Scan requests this process accepted.\n"
	    "# TYPE mavis_scans_accepted_total counter\nmavis_scans_accepted_total %llu\n",
	    (unsigned long long)atomic_load(&counter[MV_M_ACCEPTED]));
	fprintf(f, "# HELP mavis_scans_rejected_total Scan requests refused with the queue full.\n"
	    "# TYPE mavis_scans_rejected_total counter\nmavis_scans_rejected_total %llu\n",
	    (unsigned long long)atomic_load(&counter[MV_M_REJECTED]));
	fprintf(f, "# HELP mavis_scans_done_total Scans this process finished with a report.\n"
	    "# TYPE mavis_scans_done_total counter\nmavis_scans_done_total %llu\n",
	    (unsigned long long)atomic_load(&counter[MV_M_DONE]));
	fprintf(f, "# HELP mavis_scans_failed_total Scans this process could not make.\n"
	    "# TYPE mavis_scans_failed_total counter\nmavis_scans_failed_total %llu\n",
	    (unsigned long long)atomic_load(&counter[MV_M_FAILED]));
	fprintf(f, "# HELP mavis_scan_seconds Time scans took in this process.\n"
	    "# TYPE mavis_scan_seconds histogram\n");
	for (size_t i = 0; i < NBUCKET; i++)
		fprintf(f, "mavis_scan_seconds_bucket{le=\"%g\"} %llu\n", bucket_le[i],
		    (unsigned long long)atomic_load(&bucket[i]));
	fprintf(f, "mavis_scan_seconds_bucket{le=\"+Inf\"} %llu\n"
	    "mavis_scan_seconds_sum %.3f\nmavis_scan_seconds_count %llu\n",
	    (unsigned long long)scans, atomic_load(&millis) / 1000.0, (unsigned long long)scans);
	fprintf(f, "# HELP mavis_http_requests_total HTTP requests answered.\n"
	    "# TYPE mavis_http_requests_total counter\nmavis_http_requests_total %llu\n",
	    (unsigned long long)atomic_load(&counter[MV_M_REQUESTS]));
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
