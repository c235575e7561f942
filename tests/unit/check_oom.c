/* SPDX-License-Identifier: Apache-2.0 */
/* check_oom.c: out of memory at every allocation site of mavis's own code that a walk reaches.
 * malloc, calloc and realloc are replaced here by counting ones; the Nth allocation made from
 * mavis's code (the caller's address inside this program, where the internal library is
 * linked; never libc's, libarchive's or OpenSSL's own) fails, for N = 1, 2, ... until a walk
 * makes fewer than N. Each such walk must fail or say it is incomplete or hostile (an entry
 * incomplete, a finding of high severity): never pass as the walk without the failure does.
 * Inputs: testdata/oom (gen.py), a package the walker takes apart and a pickle. Under
 * AddressSanitizer, whose allocator cannot be replaced, the test is skipped. */
#include "config.h"

#include <errno.h>
#include <execinfo.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/file.h"
#include "run/run.h"
#include "walk/walk.h"

#if defined(__SANITIZE_ADDRESS__)
#define MV_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define MV_ASAN 1
#endif
#endif

#ifndef MV_ASAN

extern void *__libc_malloc(size_t n);
extern void *__libc_calloc(size_t n, size_t k);
extern void *__libc_realloc(void *p, size_t n);
extern char __executable_start[];
extern char etext[];

static atomic_long calls;               /* allocations from mavis's code while armed */
static atomic_long fail_at;             /* fail this one (1-based); 0: none */
static atomic_int armed;
static void *failed_site;
static void *trace[12];
static int ntrace;

/* Whether this allocation fails: made from this program's code, and the chosen one. */
static int
fails(void *site)
{
	long n;

	if (!atomic_load(&armed) || (char *)site < __executable_start || (char *)site >= etext)
		return 0;
	n = atomic_fetch_add(&calls, 1) + 1;
	if (n != atomic_load(&fail_at))
		return 0;
	failed_site = site;
	ntrace = backtrace(trace, 12);
	return 1;
}

void *
malloc(size_t n)
{
	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_malloc(n);
}

void *
calloc(size_t n, size_t k)
{
	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_calloc(n, k);
}

void *
realloc(void *p, size_t n)
{
	if (fails(__builtin_return_address(0))) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(p, n);
}

/* Not a pass: the run failed, or its result says it is incomplete or hostile. */
static int
refused(mv_status st, const struct mv_result *res)
{
	if (st != MV_OK || res == NULL)
		return 1;
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		if (mv_result_entry(res, i)->flags & MV_ENTRY_INCOMPLETE)
			return 1;
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		if (mv_result_finding(res, i)->severity >= MV_SEV_HIGH)
			return 1;
	return 0;
}

/* Walk name's bytes with every allocation failed in turn; the number of walks that passed. */
static int
every_site(const char *name, const unsigned char *p, size_t n)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	long total, passed = 0;
	mv_status st;

	if (ctx == NULL || mv_ctx_set_hashes(ctx, MV_HASH_SHA256) != MV_OK)
		return -1;
	mv_ctx_set_jobs(ctx, 1);
	/* Without a failure the walk passes, or the test would prove nothing. */
	atomic_store(&fail_at, 0);
	atomic_store(&calls, 0);
	atomic_store(&armed, 1);
	st = mv_run_memory(ctx, name, p, n, &res);
	atomic_store(&armed, 0);
	total = atomic_load(&calls);
	if (refused(st, res) || total == 0) {
		printf("FAIL - %s: the walk without failures does not pass\n", name);
		mv_result_free(res);
		mv_ctx_free(ctx);
		return -1;
	}
	mv_result_free(res);
	for (long k = 1; k <= total; k++) {
		res = NULL;
		failed_site = NULL;
		atomic_store(&calls, 0);
		atomic_store(&fail_at, k);
		atomic_store(&armed, 1);
		st = mv_run_memory(ctx, name, p, n, &res);
		atomic_store(&armed, 0);
		if (failed_site != NULL && !refused(st, res)) {
			printf("FAIL - %s: allocation %ld of %ld (called from %p) failed and the "
			    "walk passed\n", name, k, total, (void *)((char *)failed_site - __executable_start));
			passed++;
			for (int j = 1; j < ntrace; j++)
				printf("#   %p\n", (void *)((char *)trace[j] - __executable_start));
		}
		mv_result_free(res);
	}
	printf("ok - %s: %ld allocations failed one at a time, %ld walk(s) passed\n", name,
	    total, passed);
	mv_ctx_free(ctx);
	return (int)(passed > 0);
}

#endif /* MV_ASAN */

int
main(void)
{
#ifdef MV_ASAN
	puts("SKIP: the allocator cannot be replaced under AddressSanitizer");
	return 77;
#else
	static const char *const inputs[] = {"pkg.tar.gz", "state.pkl"};
	int bad = 0;

	for (size_t i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
		char path[4096];
		unsigned char *data;
		size_t len;
		struct mv_ctx *ctx = mv_ctx_new();

		snprintf(path, sizeof(path), "%s/oom/%s", TESTDATA, inputs[i]);
		if (ctx == NULL || mv_file_read(ctx, path, 1 << 20, &data, &len) != MV_OK) {
			printf("FAIL - cannot read %s\n", path);
			return 99;
		}
		mv_ctx_free(ctx);
		if (every_site(inputs[i], data, len) != 0)
			bad = 1;
		free(data);
	}
	return bad;
#endif
}
