/* SPDX-License-Identifier: Apache-2.0 */
/* http.c: the HTTP front over libmicrohttpd: the routes of the Harbor pluggable scanner
 * adapter API (/api/v1), the probes and /metrics, the API key on every /api/v1 route, the
 * limits on what a client sends (headers, body, connections, idle time) and one JSON log line
 * per request. Nothing here waits on a scan: a request is answered from the queue and the
 * report store. */
#include "config.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <jansson.h>

#include "serve/serve.h"

#define REFRESH_AFTER "5"       /* seconds Harbor waits between polls (it reads at most 127) */
#define RETRY_AFTER "10"        /* seconds before a client retries a full queue */
#define THREADS 4               /* threads answering requests */

struct mv_http {
	const struct mv_serve_conf *conf;
	struct mv_queue *q;
	struct mv_runner *runner;
	struct MHD_Daemon *d;
};

/* One request in progress. */
struct call {
	char *body;
	size_t len;
	int refused;            /* a reply went out before the body was read */
	struct timespec t0;
};

static void
log_request(struct mv_http *h, struct MHD_Connection *c, const char *method, const char *url,
    unsigned status, size_t bytes, const struct call *k, const char *detail)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
	    MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	char addr[INET6_ADDRSTRLEN + 8] = "-", when[32];
	struct timespec t1;
	time_t now = time(NULL);
	struct tm tm;
	json_t *o;
	char *s;

	mv_metric_add(MV_M_REQUESTS, 1);
	if (h->conf->log == NULL)
		return;
	if (ci && ci->client_addr)
		getnameinfo(ci->client_addr, ci->client_addr->sa_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in), addr, sizeof(addr),
		    NULL, 0, NI_NUMERICHOST);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	o = json_pack("{s:s,s:s,s:s,s:s,s:i,s:I,s:f,s:s*}", "time", when, "client", addr,
	    "method", method, "path", url, "status", (int)status, "bytes", (json_int_t)bytes,
	    "ms", (t1.tv_sec - k->t0.tv_sec) * 1e3 + (t1.tv_nsec - k->t0.tv_nsec) / 1e6,
	    "error", detail);
	if (o && (s = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII |
	    JSON_REAL_PRECISION(6))) != NULL) {
		fprintf(h->conf->log, "%s\n", s);
		fflush(h->conf->log);
		free(s);
	}
	json_decref(o);
}

/* The end of reply's header pairs: a pointer, where a bare NULL may be an int in the variadic
 * part. */
#define HDR_END ((const char *)NULL)

/* Answer with body (taken: freed here) of type; extra headers as name, value pairs ending
 * with HDR_END. */
static enum MHD_Result
reply(struct mv_http *h, struct MHD_Connection *c, const char *method, const char *url,
    struct call *k, unsigned status, const char *type, char *body, const char *detail, ...)
{
	static char empty[1];
	size_t n = body ? strlen(body) : 0;
	struct MHD_Response *r = MHD_create_response_from_buffer(n, body ? body : empty,
	    body ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ok;
	const char *name;
	va_list ap;

	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	va_start(ap, detail);
	while ((name = va_arg(ap, const char *)) != NULL)
		MHD_add_response_header(r, name, va_arg(ap, const char *));
	va_end(ap);
	ok = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	log_request(h, c, method, url, status, n, k, detail);
	return ok;
}

/* The error body of the spec, {"error":{"message":…}}. */
static enum MHD_Result
fail(struct mv_http *h, struct MHD_Connection *c, const char *method, const char *url,
    struct call *k, unsigned status, const char *msg, const char *h1, const char *v1)
{
	json_t *o = json_pack("{s:{s:s}}", "error", "message", msg);
	char *s = o ? json_dumps(o, JSON_COMPACT) : NULL;

	json_decref(o);
	return reply(h, c, method, url, k, status, MV_MT_ERROR, s, msg, h1, v1, HDR_END);
}

static enum MHD_Result
submit(struct mv_http *h, struct MHD_Connection *c, const char *url, struct call *k)
{
	struct mv_serve_req req;
	char err[256], id[33], *dump;
	json_t *o;
	int st;

	if ((st = mv_serve_req_parse(k->body ? k->body : "", k->len, &req, err,
	    sizeof(err))) != 0)
		return fail(h, c, "POST", url, k, (unsigned)st, err, NULL, NULL);
	dump = mv_serve_req_dump(&req);
	mv_serve_req_free(&req);
	if (dump == NULL)
		return fail(h, c, "POST", url, k, 500, "out of memory", NULL, NULL);
	st = h->q->ops->submit(h->q, dump, id, err, sizeof(err));
	free(dump);
	if (st == 503) {
		mv_metric_add(MV_M_REJECTED, 1);
		return fail(h, c, "POST", url, k, 503, err, MHD_HTTP_HEADER_RETRY_AFTER,
		    RETRY_AFTER);
	}
	if (st != 0)
		return fail(h, c, "POST", url, k, 500, err, NULL, NULL);
	mv_metric_add(MV_M_ACCEPTED, 1);
	o = json_pack("{s:s}", "id", id);
	dump = o ? json_dumps(o, JSON_COMPACT) : NULL;
	json_decref(o);
	return reply(h, c, "POST", url, k, 202, MV_MT_SCAN_RESPONSE, dump, NULL, HDR_END);
}

static enum MHD_Result
report(struct mv_http *h, struct MHD_Connection *c, const char *url, struct call *k,
    const char *id)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);
	const char *sbom_type = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND,
	    "sbom_media_type");
	const char *type;
	int kind = mv_serve_accept(accept, &type);
	enum mv_job_state s;
	char *body = NULL;

	if (strlen(id) != 32 || strspn(id, "0123456789abcdef") != 32)
		return fail(h, c, "GET", url, k, 404, "no such scan", NULL, NULL);
	if (kind < 0)
		return fail(h, c, "GET", url, k, 501, "none of the media types in Accept is "
		    "produced by this scanner", NULL, NULL);
	if (kind == MV_SR_SBOM && sbom_type == NULL)
		return fail(h, c, "GET", url, k, 400, "an SBOM report needs sbom_media_type",
		    NULL, NULL);
	if (kind == MV_SR_SBOM && strcmp(sbom_type, "application/vnd.cyclonedx+json") != 0)
		return fail(h, c, "GET", url, k, 501, "only application/vnd.cyclonedx+json SBOMs "
		    "are made", NULL, NULL);
	s = h->q->ops->get(h->q, id, kind, &body);
	switch (s) {
	case MV_JOB_QUEUED:
	case MV_JOB_RUNNING:
		return reply(h, c, "GET", url, k, 302, NULL, NULL, NULL, "Refresh-After",
		    REFRESH_AFTER, MHD_HTTP_HEADER_LOCATION, url, HDR_END);
	case MV_JOB_DONE:
		return reply(h, c, "GET", url, k, 200, type, body, NULL, HDR_END);
	case MV_JOB_FAILED: {
		enum MHD_Result r = fail(h, c, "GET", url, k, 500, body, NULL, NULL);

		free(body);
		return r;
	}
	case MV_JOB_UNKNOWN:
		break;
	}
	return fail(h, c, "GET", url, k, 404, "no such scan (or its report expired)", NULL,
	    NULL);
}

static enum MHD_Result
route(struct mv_http *h, struct MHD_Connection *c, const char *url, const char *method,
    struct call *k)
{
	int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
	int post = strcmp(method, "POST") == 0;

	if (strcmp(url, "/probe/healthy") == 0 && get)
		return reply(h, c, method, url, k, 200, NULL, NULL, NULL, HDR_END);
	if (strcmp(url, "/probe/ready") == 0 && get)
		return h->q->ops->ready(h->q) ? reply(h, c, method, url, k, 200, NULL, NULL, NULL,
		    HDR_END) : fail(h, c, method, url, k, 503, "the queue is not reachable", NULL,
		    NULL);
	if (strcmp(url, "/metrics") == 0 && get) {
		char *m = mv_metrics_text(h->q, mv_runner_running(h->runner));

		return m ? reply(h, c, method, url, k, 200, "text/plain; version=0.0.4", m, NULL,
		    HDR_END) : MHD_NO;
	}
	if (strcmp(url, "/api/v1/metadata") == 0 && get) {
		char *m = mv_serve_metadata();

		return m ? reply(h, c, method, url, k, 200, MV_MT_METADATA, m, NULL, HDR_END) :
		    MHD_NO;
	}
	if (strcmp(url, "/api/v1/scan") == 0 && post)
		return submit(h, c, url, k);
	if (strncmp(url, "/api/v1/scan/", 13) == 0 && get) {
		const char *id = url + 13, *end = strchr(id, '/');
		char buf[33];

		if (end && strcmp(end, "/report") == 0 && (size_t)(end - id) < sizeof(buf)) {
			memcpy(buf, id, (size_t)(end - id));
			buf[end - id] = '\0';
			return report(h, c, url, k, buf);
		}
		if (end && strcmp(end, "/report") == 0)
			return fail(h, c, method, url, k, 404, "no such scan", NULL, NULL);
	}
	if (strcmp(url, "/api/v1/scan") == 0 || strcmp(url, "/api/v1/metadata") == 0 ||
	    strncmp(url, "/probe/", 7) == 0 || strcmp(url, "/metrics") == 0)
		return fail(h, c, method, url, k, 405, "method not allowed", MHD_HTTP_HEADER_ALLOW,
		    strcmp(url, "/api/v1/scan") == 0 ? "POST" : "GET, HEAD");
	return fail(h, c, method, url, k, 404, "no such route", NULL, NULL);
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *size, void **con_cls)
{
	struct mv_http *h = cls;
	struct call *k = *con_cls;

	(void)version;
	if (k == NULL) {
		const char *cl;

		if ((k = calloc(1, sizeof(*k))) == NULL)
			return MHD_NO;
		clock_gettime(CLOCK_MONOTONIC, &k->t0);
		*con_cls = k;
		/* The key before anything else, and a declared body over the limit before it is
		 * read. */
		if (strncmp(url, "/api/", 5) == 0 && !mv_serve_auth_ok(h->conf,
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-ScannerAdapter-API-Key"),
		    MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_AUTHORIZATION))) {
			k->refused = 1;
			return fail(h, c, method, url, k, 401, "wrong or missing API key",
			    MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
		}
		cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
		    MHD_HTTP_HEADER_CONTENT_LENGTH);
		if (cl && strtoull(cl, NULL, 10) > h->conf->body_max) {
			k->refused = 1;
			return fail(h, c, method, url, k, 413, "request body over the limit", NULL,
			    NULL);
		}
		return MHD_YES;
	}
	if (*size > 0) {
		char *b;

		if (k->refused) {
			*size = 0;      /* the answer is out; the connection closes after it */
			return MHD_YES;
		}
		if (*size > h->conf->body_max - k->len) {
			/* A chunked body past the limit: nothing to answer it with mid-stream;
			 * the connection is closed. */
			log_request(h, c, method, url, 413, 0, k, "request body over the limit "
			    "(chunked): connection closed");
			return MHD_NO;
		}
		if ((b = realloc(k->body, k->len + *size + 1)) == NULL)
			return MHD_NO;
		memcpy(b + k->len, data, *size);
		k->len += *size;
		b[k->len] = '\0';
		k->body = b;
		*size = 0;
		return MHD_YES;
	}
	if (k->refused)
		return MHD_YES;
	return route(h, c, url, method, k);
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode why)
{
	struct call *k = *con_cls;

	(void)cls;
	(void)c;
	(void)why;
	if (k) {
		free(k->body);
		free(k);
		*con_cls = NULL;
	}
}

/* "ADDR:PORT" with a numeric address (an IPv6 one in brackets). */
static int
parse_listen(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	char host[64];
	const char *colon, *h = s;
	size_t n;
	struct addrinfo hints = {0}, *ai = NULL;
	int rc;

	if (*s == '[') {
		const char *e = strchr(s, ']');

		if (e == NULL || e[1] != ':')
			goto bad;
		h = s + 1;
		n = (size_t)(e - h);
		colon = e + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			goto bad;
		n = (size_t)(colon - s);
	}
	if (n == 0 || n >= sizeof(host) || colon[1] == '\0' ||
	    strspn(colon + 1, "0123456789") != strlen(colon + 1) || atol(colon + 1) > 65535)
		goto bad;
	memcpy(host, h, n);
	host[n] = '\0';
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	hints.ai_socktype = SOCK_STREAM;
	if ((rc = getaddrinfo(host, colon + 1, &hints, &ai)) != 0 || ai == NULL) {
		snprintf(err, errlen, "--listen %s: %s", s, gai_strerror(rc));
		return -1;
	}
	memcpy(ss, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(ai);
	return 0;
bad:
	snprintf(err, errlen, "--listen %s: not ADDR:PORT (a numeric address: 127.0.0.1:8080, "
	    "[::1]:8080, 0.0.0.0:8080)", s);
	return -1;
}

struct mv_http *
mv_http_start(const struct mv_serve_conf *conf, struct mv_queue *q, struct mv_runner *runner,
    char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct mv_http *h;
	const union MHD_DaemonInfo *di;

	if (parse_listen(conf->listen, &ss, err, errlen) != 0)
		return NULL;
	if ((h = calloc(1, sizeof(*h))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	h->conf = conf;
	h->q = q;
	h->runner = runner;
	h->d = MHD_start_daemon(MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC |
	    (ss.ss_family == AF_INET6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, handle, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)THREADS,
	    MHD_OPTION_CONNECTION_LIMIT, conf->connections,
	    MHD_OPTION_CONNECTION_TIMEOUT, conf->conn_timeout,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, conf->header_max,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "--listen %s: cannot listen there (in use, or not an "
		    "address of this machine)", conf->listen);
		free(h);
		return NULL;
	}
	di = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
	if (conf->log) {
		fprintf(conf->log, "{\"event\":\"listening\",\"port\":%u,\"queue\":\"%s\","
		    "\"jobs\":%u}\n", di ? di->port : 0, conf->redis_url ? "redis" : "memory",
		    conf->jobs);
		fflush(conf->log);
	}
	return h;
}

void
mv_http_stop(struct mv_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free(h);
}
