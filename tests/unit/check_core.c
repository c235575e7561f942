/* SPDX-License-Identifier: Apache-2.0 */
/* check_core.c: capped buffers, string helpers (escaping, UTF-8, sizes), the worker pool and
 * reloading the signatures lists. */
#include "config.h"

#include <check.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mavis.h"
#include "core/array.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/finding.h"
#include "core/pool.h"
#include "core/sigcache.h"
#include "core/sigfile.h"
#include "core/str.h"

/* ---- buf ---- */

START_TEST(test_buf_cap)
{
	struct mv_buf b;

	mv_buf_init(&b, 10);
	ck_assert_int_eq(mv_buf_add(&b, "0123456789", 10), MV_OK);
	ck_assert_uint_eq(b.len, 10);
	/* Past the cap nothing is added, and the contents stay as they were. */
	ck_assert_int_eq(mv_buf_addc(&b, 'x'), MV_ERR_LIMIT);
	ck_assert_int_eq(mv_buf_add(&b, "ab", 2), MV_ERR_LIMIT);
	ck_assert_int_eq(mv_buf_printf(&b, "%d", 7), MV_ERR_LIMIT);
	ck_assert_uint_eq(b.len, 10);
	ck_assert_int_eq(mv_buf_terminate(&b), MV_OK);
	ck_assert_str_eq((char *)b.p, "0123456789");
	ck_assert_uint_le(b.cap, 11);
	mv_buf_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(mv_buf_add(&b, "abc", 3), MV_OK);
	mv_buf_free(&b);
	ck_assert_ptr_null(b.p);
	/* A huge request cannot wrap the length check around. */
	mv_buf_init(&b, SIZE_MAX / 2);
	ck_assert_int_eq(mv_buf_add(&b, "a", 1), MV_OK);
	ck_assert_int_eq(mv_buf_add(&b, "a", SIZE_MAX), MV_ERR_LIMIT);
	ck_assert_int_eq(mv_buf_add(&b, "a", SIZE_MAX / 2), MV_ERR_LIMIT);
	mv_buf_free(&b);
}
END_TEST

START_TEST(test_buf_grow_and_steal)
{
	struct mv_buf b;
	unsigned char *p;

	mv_buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		ck_assert_int_eq(mv_buf_printf(&b, "%03d,", i), MV_OK);
	ck_assert_uint_eq(b.len, 4000);
	ck_assert_int_eq(memcmp(b.p + 3996, "999,", 4), 0);
	ck_assert_int_eq(mv_buf_terminate(&b), MV_OK);
	p = mv_buf_steal(&b);
	ck_assert_ptr_null(b.p);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(strlen((char *)p), 4000);
	free(p);
	/* An empty buffer terminates to "". */
	mv_buf_init(&b, 0);
	ck_assert_int_eq(mv_buf_terminate(&b), MV_OK);
	ck_assert_str_eq((char *)b.p, "");
	ck_assert_int_eq(mv_buf_addc(&b, 'a'), MV_ERR_LIMIT);
	mv_buf_free(&b);
}
END_TEST

/* ---- str ---- */

static const struct {
	const char *in;
	size_t n;
	const char *out;
} escapes[] = {
	{"plain text", 10, "plain text"},
	{"", 0, ""},
	{"a\\b", 3, "a\\\\b"},
	{"line\nbreak\r\t", 12, "line\\nbreak\\r\\t"},
	{"nul\0byte", 8, "nul\\x00byte"},
	{"\x1b[31mred", 8, "\\x1b[31mred"},
	{"del\x7f", 4, "del\\x7f"},
	{"caf\xc3\xa9", 5, "caf\xc3\xa9"},
	{"\xe2\x82\xac euro", 8, "\xe2\x82\xac euro"},
	{"\xf0\x9f\x98\x80", 4, "\xf0\x9f\x98\x80"},
	{"bad \xff\xfe", 6, "bad \\xff\\xfe"},
	{"overlong \xc0\xaf", 11, "overlong \\xc0\\xaf"},
	{"surrogate \xed\xa0\x80", 13, "surrogate \\xed\\xa0\\x80"},
	{"cut \xe2\x82", 6, "cut \\xe2\\x82"},
	/* What would act on a terminal although it is valid UTF-8: C1 controls (U+009B is
	 * CSI), bidirectional overrides and isolates, line separators. */
	{"c1 \xc2\x85", 5, "c1 \\u0085"},
	{"\xc2\x9b[2J", 5, "\\u009b[2J"},
	{"raw \x9b[2J", 8, "raw \\x9b[2J"},
	{"exe\xe2\x80\xaetxt", 9, "exe\\u202etxt"},
	{"\xe2\x81\xa6iso\xe2\x81\xa9", 9, "\\u2066iso\\u2069"},
	{"ls\xe2\x80\xa8ps", 7, "ls\\u2028ps"},
	{"lrm\xe2\x80\x8e", 6, "lrm\\u200e"},
	{"nbsp\xc2\xa0ok", 8, "nbsp\xc2\xa0ok"},
};

START_TEST(test_escape)
{
	char *e = mv_str_escape(escapes[_i].in, escapes[_i].n);

	ck_assert_ptr_nonnull(e);
	ck_assert_str_eq(e, escapes[_i].out);
	/* The result is one printable line. */
	ck_assert_ptr_null(strpbrk(e, "\n\r"));
	ck_assert(mv_utf8_valid(e, strlen(e)));
	free(e);
}
END_TEST

static const struct {
	const char *s;
	size_t n;
	int valid;
} utf8[] = {
	{"ascii", 5, 1},
	{"", 0, 1},
	{"\0", 1, 1},
	{"\xc2\xa9", 2, 1},
	{"\xdf\xbf", 2, 1},
	{"\xe0\xa0\x80", 3, 1},
	{"\xef\xbf\xbf", 3, 1},
	{"\xf0\x90\x80\x80", 4, 1},
	{"\xf4\x8f\xbf\xbf", 4, 1},
	{"\xc0\x80", 2, 0},              /* overlong NUL */
	{"\xc1\xbf", 2, 0},              /* overlong */
	{"\xe0\x9f\xbf", 3, 0},          /* overlong 3-byte */
	{"\xf0\x8f\xbf\xbf", 4, 0},      /* overlong 4-byte */
	{"\xed\xa0\x80", 3, 0},          /* surrogate */
	{"\xed\xbf\xbf", 3, 0},          /* surrogate */
	{"\xf4\x90\x80\x80", 4, 0},      /* above U+10FFFF */
	{"\xf5\x80\x80\x80", 4, 0},
	{"\x80", 1, 0},                  /* lone continuation */
	{"\xc2", 1, 0},                  /* truncated */
	{"\xe2\x82", 2, 0},
	{"\xc2\x41", 2, 0},              /* bad continuation */
	{"\xfe\xff", 2, 0},
};

START_TEST(test_utf8)
{
	ck_assert_int_eq(mv_utf8_valid(utf8[_i].s, utf8[_i].n), utf8[_i].valid);
}
END_TEST

static const struct {
	const char *s;
	int suffix, ok;
	uint64_t v;
} sizes[] = {
	{"0", 0, 1, 0},
	{"123", 0, 1, 123},
	{"18446744073709551615", 0, 1, UINT64_MAX},
	{"18446744073709551616", 0, 0, 0},
	{"1k", 1, 1, 1024},
	{"1K", 1, 1, 1024},
	{"3KiB", 1, 1, 3072},
	{"2M", 1, 1, 2 << 20},
	{"2MiB", 1, 1, 2 << 20},
	{"1G", 1, 1, UINT64_C(1) << 30},
	{"5T", 1, 1, UINT64_C(5) << 40},
	{"16777216T", 1, 0, 0},
	{"16777215T", 1, 1, UINT64_C(16777215) << 40},
	{"1k", 0, 0, 0},
	{"1x", 1, 0, 0},
	{"1 M", 1, 0, 0},
	{"", 1, 0, 0},
	{"-1", 1, 0, 0},
	{"+1", 1, 0, 0},
	{" 1", 1, 0, 0},
	{"1m", 1, 0, 0},
};

START_TEST(test_parse_size)
{
	uint64_t v = 42;
	int rc = mv_parse_size(sizes[_i].s, sizes[_i].suffix, &v);

	ck_assert_msg((rc == 0) == sizes[_i].ok, "'%s'", sizes[_i].s);
	if (sizes[_i].ok)
		ck_assert_uint_eq(v, sizes[_i].v);
}
END_TEST

START_TEST(test_path_join)
{
	char *p;

	ck_assert_str_eq(p = mv_path_join("a", "b"), "a/b");
	free(p);
	ck_assert_str_eq(p = mv_path_join("a/", "b"), "a/b");
	free(p);
	ck_assert_str_eq(p = mv_path_join("", "b"), "b");
	free(p);
	ck_assert_str_eq(p = mv_path_join("/", "b"), "/b");
	free(p);
	ck_assert_str_eq(p = mv_strndup("abcdef", 3), "abc");
	free(p);
	ck_assert_str_eq(p = mv_asprintf("%s-%d", "x", 12), "x-12");
	free(p);
}
END_TEST

/* ---- pool ---- */

static atomic_int counter, submit_failures;

static void
bump(void *arg)
{
	(void)arg;
	atomic_fetch_add(&counter, 1);
}

struct fan {
	struct mv_pool *pool;
	int children;
};

/* A task that queues more tasks on its own pool: must never block. */
static void
fan_out(void *arg)
{
	struct fan *f = arg;

	for (int i = 0; i < f->children; i++)
		if (mv_pool_submit(f->pool, bump, NULL) != MV_OK)
			atomic_fetch_add(&submit_failures, 1);
	atomic_fetch_add(&counter, 1);
}

static void
slow(void *arg)
{
	(void)arg;
	usleep(20000);
	atomic_fetch_add(&counter, 1);
}

static int ticks;

static void
tick(void *arg)
{
	(void)arg;
	ticks++;
}

static const unsigned threads[] = {1, 2, 4, 16};

START_TEST(test_pool_many)
{
	struct mv_pool *pool;

	atomic_store(&counter, 0);
	ck_assert_int_eq(mv_pool_new(threads[_i], 8, &pool), MV_OK);
	for (int i = 0; i < 10000; i++)
		ck_assert_int_eq(mv_pool_submit(pool, bump, NULL), MV_OK);
	mv_pool_wait(pool, 0, NULL, NULL);
	ck_assert_int_eq(atomic_load(&counter), 10000);
	/* The pool is reusable after a wait. */
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(mv_pool_submit(pool, bump, NULL), MV_OK);
	mv_pool_wait(pool, 0, NULL, NULL);
	ck_assert_int_eq(atomic_load(&counter), 10010);
	mv_pool_free(pool);
}
END_TEST

START_TEST(test_pool_nested)
{
	struct mv_pool *pool;
	struct fan f[8];

	atomic_store(&counter, 0);
	/* A queue of one: only submissions from outside wait for room. */
	ck_assert_int_eq(mv_pool_new(threads[_i], 1, &pool), MV_OK);
	for (int i = 0; i < 8; i++) {
		f[i].pool = pool;
		f[i].children = 50;
		ck_assert_int_eq(mv_pool_submit(pool, fan_out, &f[i]), MV_OK);
	}
	mv_pool_wait(pool, 0, NULL, NULL);
	ck_assert_int_eq(atomic_load(&submit_failures), 0);
	ck_assert_int_eq(atomic_load(&counter), 8 * 51);
	mv_pool_free(pool);
}
END_TEST

START_TEST(test_pool_tick_and_free)
{
	struct mv_pool *pool;

	atomic_store(&counter, 0);
	ticks = 0;
	ck_assert_int_eq(mv_pool_new(2, 64, &pool), MV_OK);
	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(mv_pool_submit(pool, slow, NULL), MV_OK);
	mv_pool_wait(pool, 10, tick, NULL);
	ck_assert_int_eq(atomic_load(&counter), 10);
	ck_assert_int_gt(ticks, 0);
	mv_pool_free(pool);
	/* Zero threads means one; freeing with nothing queued, or NULL, is fine. */
	ck_assert_int_eq(mv_pool_new(0, 0, &pool), MV_OK);
	ck_assert_int_eq(mv_pool_submit(pool, bump, NULL), MV_OK);
	mv_pool_wait(pool, 0, NULL, NULL);
	ck_assert_int_eq(atomic_load(&counter), 11);
	mv_pool_free(pool);
	mv_pool_free(NULL);
	ck_assert_uint_ge(mv_cpu_count(), 1);
}
END_TEST

/* The header's numbers, the header's string and the library's string are one version
 * (configure writes the first two from AC_INIT; the library was built with that header). */
START_TEST(test_version)
{
	unsigned maj, min, pat;
	char end;

	ck_assert_str_eq(mv_version(), MV_VERSION_STRING);
	ck_assert_int_eq(sscanf(MV_VERSION_STRING, "%u.%u.%u%c", &maj, &min, &pat, &end), 3);
	ck_assert_uint_eq(maj, MV_VERSION_MAJOR);
	ck_assert_uint_eq(min, MV_VERSION_MINOR);
	ck_assert_uint_eq(pat, MV_VERSION_PATCH);
	ck_assert_uint_eq(MV_VERSION_NUMBER, (maj << 16) | (min << 8) | pat);
}
END_TEST

/* A lost finding travels with the list it was lost from, so the run can never pass. */
START_TEST(test_findings_lost)
{
	struct mv_findings a = {0}, b = {0};

	ck_assert_int_eq(mv_findings_add(&a, MV_R_WALK_READ_ERROR, "x", -1, "%s", "e"), MV_OK);
	a.lost = 2;
	ck_assert_int_eq(mv_findings_move(&b, &a), MV_OK);
	ck_assert_uint_eq(b.n, 1);
	ck_assert_uint_eq(b.lost, 2);
	ck_assert_uint_eq(a.lost, 0);
	a.lost = 1;
	ck_assert_int_eq(mv_findings_move(&b, &a), MV_OK);
	ck_assert_uint_eq(b.lost, 3);
	mv_findings_free(&b);
	ck_assert_uint_eq(b.lost, 0);
}
END_TEST

/* ---- array ---- */

/* Doubling (few reallocations for many appends), zeroed growth, the cap, and sizes that would
 * wrap: refused with the array untouched. */
START_TEST(test_array_reserve)
{
	uint32_t *v = NULL;
	size_t cap = 0, grows = 0, last = 0;
	void *keep;

	for (size_t n = 1; n <= 100000; n++) {
		ck_assert_int_eq(MV_ARRAY_RESERVE(v, cap, n, SIZE_MAX), 0);
		ck_assert_uint_ge(cap, n);
		ck_assert_uint_eq(v[n - 1], 0);
		v[n - 1] = (uint32_t)n;
		if (cap != last) {
			grows++;
			last = cap;
		}
	}
	ck_assert_uint_le(grows, 14);
	ck_assert_uint_eq(v[99999], 100000);
	keep = v;
	ck_assert_int_eq(mv_array_reserve((void **)&v, &cap, SIZE_MAX / 2, sizeof(*v), SIZE_MAX,
	    MV_ARRAY_ZERO), -1);
	ck_assert_ptr_eq(v, keep);
	ck_assert_uint_eq(cap, last);
	ck_assert_int_eq(MV_ARRAY_RESERVE(v, cap, cap + 1, cap), -1);
	ck_assert_ptr_eq(v, keep);
	free(v);
	v = NULL;
	cap = 0;
	ck_assert_int_eq(MV_ARRAY_RESERVE(v, cap, 20, 20), 0);
	ck_assert_uint_eq(cap, 20);             /* doubling stops at the cap */
	free(v);
}
END_TEST

/* ---- options structs ---- */

/* A caller built against an older, shorter struct: the fields it has are read, the rest are
 * zero; a size not set is refused. */
START_TEST(test_opts_read)
{
	struct v2 {
		size_t size;
		const char *a;
		const char *b;          /* added in "version 2" */
	} in = {sizeof(in), "a", "b"}, out;
	struct mv_ctx *ctx = mv_ctx_new();

	ck_assert_ptr_nonnull(ctx);
	ck_assert_int_eq(mv_opts_read(ctx, &in, &out, sizeof(out), "f", "INIT"), MV_OK);
	ck_assert_str_eq(out.b, "b");
	in.size = offsetof(struct v2, b);       /* the caller's struct ends before b */
	ck_assert_int_eq(mv_opts_read(ctx, &in, &out, sizeof(out), "f", "INIT"), MV_OK);
	ck_assert_str_eq(out.a, "a");
	ck_assert_ptr_null(out.b);
	ck_assert_uint_eq(out.size, sizeof(out));
	ck_assert_int_eq(mv_opts_read(ctx, NULL, &out, sizeof(out), "f", "INIT"), MV_OK);
	ck_assert_ptr_null(out.a);
	in.size = 0;
	ck_assert_int_eq(mv_opts_read(ctx, &in, &out, sizeof(out), "f", "INIT"), MV_ERR_USAGE);
	ck_assert_str_eq(mv_ctx_error(ctx), "f: opts->size is not set (start from INIT)");
	mv_ctx_free(ctx);
}
END_TEST

/* ---- sigcache ---- */

static void
write_list(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_ge(fputs(text, fp), 0);
	ck_assert_int_eq(fclose(fp), 0);
}

/* A list read once stays as read until a reload; after it a run reads the file again, and the
 * list a run in flight holds stays whole until that run ends. */
START_TEST(test_siglist_reload)
{
	char dir[] = "/tmp/mavis-check-sigcache.XXXXXX", path[64], err[256];
	const struct mv_siglist *first, *again, *after;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x-deny.txt", dir);
	write_list(path, "os.system\n");
	ck_assert_int_eq(mv_siglist_get(dir, "x-deny.txt", &first, err, sizeof(err)), MV_OK);
	ck_assert(mv_siglist_has(first, "os.system", 9));
	write_list(path, "posix.system\nnt.system\n");
	ck_assert_int_eq(mv_siglist_get(dir, "x-deny.txt", &again, err, sizeof(err)), MV_OK);
	ck_assert_ptr_eq(again, first);
	ck_assert_uint_eq(mv_siglist_count(again), 1);

	mv_sigcache_enter();            /* a run holding first */
	mv_signatures_reload();
	ck_assert_int_eq(mv_siglist_get(dir, "x-deny.txt", &after, err, sizeof(err)), MV_OK);
	ck_assert_ptr_ne(after, first);
	ck_assert_uint_eq(mv_siglist_count(after), 2);
	ck_assert(mv_siglist_has(after, "nt.system", 9));
	ck_assert(!mv_siglist_has(after, "os.system", 9));
	/* Still readable (the sanitizer build would catch a freed one). */
	ck_assert(mv_siglist_has(first, "os.system", 9));
	mv_sigcache_leave();            /* the last run ends: first is freed */

	ck_assert_int_eq(mv_siglist_get(dir, "x-deny.txt", &again, err, sizeof(err)), MV_OK);
	ck_assert_ptr_eq(again, after);
	ck_assert_int_eq(unlink(path), 0);
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("core");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_buf_cap);
	tcase_add_test(tc, test_buf_grow_and_steal);
	tcase_add_test(tc, test_array_reserve);
	tcase_add_test(tc, test_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("str");
	tcase_add_loop_test(tc, test_escape, 0, sizeof(escapes) / sizeof(escapes[0]));
	tcase_add_loop_test(tc, test_utf8, 0, sizeof(utf8) / sizeof(utf8[0]));
	tcase_add_loop_test(tc, test_parse_size, 0, sizeof(sizes) / sizeof(sizes[0]));
	tcase_add_test(tc, test_path_join);
	tcase_add_test(tc, test_findings_lost);
	tcase_add_test(tc, test_opts_read);
	suite_add_tcase(s, tc);
	tc = tcase_create("pool");
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_pool_many, 0, sizeof(threads) / sizeof(threads[0]));
	tcase_add_loop_test(tc, test_pool_nested, 0, sizeof(threads) / sizeof(threads[0]));
	tcase_add_test(tc, test_pool_tick_and_free);
	suite_add_tcase(s, tc);
	tc = tcase_create("sigcache");
	tcase_add_test(tc, test_siglist_reload);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
