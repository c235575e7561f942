/* SPDX-License-Identifier: Apache-2.0 */
/* serve.h: mavis serve, the Harbor pluggable scanner adapter (spec v1.2): the settings the
 * command passes in, and the pieces of the service (http front, auth, request, queue, runner,
 * reports, metrics) as the other files of src/serve see them. */
#ifndef MV_SERVE_H
#define MV_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "mavis.h"

/* Everything a client controls is bounded by one of these. */
struct mv_serve_conf {
	const char *listen;         /* "ADDR:PORT" (IPv4 or [IPv6]) */
	const char *api_key;        /* the key Harbor sends; never empty */
	size_t api_key_len;
	const char *redis_url;      /* redis://[:PASSWORD@]HOST[:PORT][/DB], or NULL: memory */
	const char *signatures;     /* signatures folder, or NULL for the default */
	const char *policy;         /* policy file, or NULL for the default policy */
	unsigned jobs;              /* scans run at once by this process (0: accept only) */
	unsigned queue_max;         /* jobs waiting; more is 503 with Retry-After */
	size_t body_max;            /* bytes of a request body */
	size_t header_max;          /* bytes of a request's line and headers */
	unsigned connections;       /* open connections */
	unsigned conn_timeout;      /* seconds a connection may stay idle (slow clients) */
	unsigned scan_timeout;      /* seconds one scan may take before it fails */
	uint64_t scan_bytes;        /* bytes one scan may unpack (MV_LIMIT_BYTES), 0: default */
	unsigned report_ttl;        /* seconds a report (or a failure) is kept */
	unsigned lease;             /* Redis: seconds before a job whose replica stopped renewing
	                             * its lease is taken again */
	FILE *log;                  /* one line per request and per job */
};

/* Run until SIGTERM or SIGINT; 0, or 2 after writing the reason to err. */
int mv_serve_run(const struct mv_serve_conf *conf, char *err, size_t errlen);

/* Media types: the ones Harbor names in requests and responses. */
#define MV_MT_METADATA "application/vnd.scanner.adapter.metadata+json; version=1.1"
#define MV_MT_SCAN_RESPONSE "application/vnd.scanner.adapter.scan.response+json; version=1.0"
#define MV_MT_ERROR "application/vnd.scanner.adapter.error+json; version=1.0"

/* The reports a finished scan has, one per kind a client can ask for. */
enum mv_serve_report {
	MV_SR_VULN = 0,         /* vulnerability report (v1.1 and the legacy harbor v1.0) */
	MV_SR_MODEL,            /* model security report (Harbor's model scanning design) */
	MV_SR_RAW,              /* mavis's own JSON report (mavis-json(5)) */
	MV_SR_SBOM,             /* SBOM report holding the CycloneDX ML-BOM */
	MV_SR__COUNT
};
/* Which report and media type an Accept header asks for: the first media range (in order)
 * that names one we make, with parameters ignored; empty or * / * is the vulnerability
 * report. -1 when none. *type is the media type to answer with. */
int mv_serve_accept(const char *accept, const char **type);

/* Is type (parameters and case ignored) one the adapter consumes, or produces? */
int mv_serve_consumes(const char *type);
int mv_serve_produces(const char *type);

/* A scan request as Harbor sends it, checked (request.c). */
struct mv_serve_req {
	char *url;              /* registry.url: http:// or https:// */
	char *authorization;    /* registry.authorization, or NULL */
	char *repository;
	char *digest;
	char *tag;              /* or NULL */
	char *mime_type;        /* or NULL */
};
/* Parse and check a body: 0, or the HTTP status to answer (400 for JSON that does not parse
 * or has the wrong types, 422 for a value out of range, an unknown capability or type) with
 * the reason in err. */
int mv_serve_req_parse(const char *body, size_t len, struct mv_serve_req *out, char *err,
    size_t errlen);
void mv_serve_req_free(struct mv_serve_req *r);
/* The request as the queue keeps it (a JSON text; free it), and back. */
char *mv_serve_req_dump(const struct mv_serve_req *r);
int mv_serve_req_load(const char *text, struct mv_serve_req *out);
/* The input mv_scan reads for it: oci://HOST[:PORT]/REPO@DIGEST, and whether the registry
 * is plain HTTP. NULL when out of memory or the URL has no host. */
char *mv_serve_req_input(const struct mv_serve_req *r, int *insecure);

/* The API key: constant-time comparison with X-ScannerAdapter-API-Key or the token of
 * Authorization: Bearer (or the whole of Authorization: Basic). 1 when it matches. */
int mv_serve_auth_ok(const struct mv_serve_conf *conf, const char *api_key_header,
    const char *authorization);

/* Reports of one judged scan, each a NUL-terminated text (free each). */
int mv_serve_reports(struct mv_ctx *ctx, const struct mv_judgement *j,
    const struct mv_serve_req *req, char *out[MV_SR__COUNT]);

/* Job states. */
enum mv_job_state {
	MV_JOB_QUEUED = 0,
	MV_JOB_RUNNING,
	MV_JOB_DONE,
	MV_JOB_FAILED,
	MV_JOB_UNKNOWN
};

/* The queue and report store: in memory (qmem.c) or in Redis (qredis.c). Every call may come
 * from any thread. */
struct mv_queue;
struct mv_queue_ops {
	/* Add a job (req: mv_serve_req_dump text); id receives its 32 hex digits. 0, 503 when
	 * the queue is full, 500 on failure (err says why). */
	int (*submit)(struct mv_queue *q, const char *req, char id[33], char *err, size_t errlen);
	/* Wait up to wait_ms for a job to run; 1 with id and *req (free it), 0 none, -1 error. */
	int (*take)(struct mv_queue *q, unsigned wait_ms, char id[33], char **req);
	/* Keep the job ours (Redis lease); 0, or -1 when it is no longer ours. */
	int (*renew)(struct mv_queue *q, const char *id);
	/* Finish: reports (MV_SR__COUNT texts) or, with reports NULL, the failure message. */
	int (*finish)(struct mv_queue *q, const char *id, char *const *reports, const char *error);
	/* State of a job, and (done) the report kind asked for, or (failed) the message; *text
	 * is to be freed. */
	enum mv_job_state (*get)(struct mv_queue *q, const char *id, int kind, char **text);
	/* Counts of queued and running jobs (all replicas); -1 where unknown. */
	void (*counts)(struct mv_queue *q, long *queued, long *running);
	/* Reachable (readiness probe). */
	int (*ready)(struct mv_queue *q);
	void (*free)(struct mv_queue *q);
};
struct mv_queue {
	const struct mv_queue_ops *ops;
};
struct mv_queue *mv_queue_memory_new(const struct mv_serve_conf *conf, char *err, size_t errlen);
struct mv_queue *mv_queue_redis_new(const struct mv_serve_conf *conf, char *err, size_t errlen);
/* 32 random hex digits. 0, or -1 when the system has no randomness to give. */
int mv_serve_new_id(char id[33]);

/* Metrics of this process (metrics.c). */
enum mv_metric {
	MV_M_ACCEPTED = 0,  /* scans accepted */
	MV_M_DONE,          /* scans this process finished */
	MV_M_FAILED,        /* scans this process failed */
	MV_M_REJECTED,      /* scan requests refused because the queue was full */
	MV_M_REQUESTS,      /* HTTP requests answered */
	MV_M__COUNT
};
void mv_metric_add(enum mv_metric m, uint64_t n);
void mv_metric_seconds(double seconds);
/* The Prometheus text exposition (free it). */
char *mv_metrics_text(struct mv_queue *q, unsigned running_here);

/* The workers (runner.c). One scan as a worker makes it: mv_scan of input (the artifact of
 * req, insecure when its registry is plain HTTP) with a context, rules and policy of its own,
 * into reports (MV_SR__COUNT texts, free each); 0, or -1 with the reason in err. */
int mv_serve_scan(const struct mv_serve_conf *conf, const struct mv_serve_req *req,
    const char *input, int insecure, char *reports[MV_SR__COUNT], char *err, size_t errlen);
struct mv_runner;
struct mv_runner *mv_runner_start(const struct mv_serve_conf *conf, struct mv_queue *q,
    char *err, size_t errlen);
unsigned mv_runner_running(struct mv_runner *r);
/* Stop taking jobs, wait for the scans running to end. */
void mv_runner_stop(struct mv_runner *r);

/* The HTTP front (http.c). */
struct mv_http;
struct mv_http *mv_http_start(const struct mv_serve_conf *conf, struct mv_queue *q,
    struct mv_runner *runner, char *err, size_t errlen);
void mv_http_stop(struct mv_http *h);

/* The metadata document (metadata.c; free it). */
char *mv_serve_metadata(void);

#endif /* MV_SERVE_H */
