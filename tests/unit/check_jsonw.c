/* SPDX-License-Identifier: Apache-2.0 */
/* check_jsonw.c: the streaming JSON writer lays documents out byte for byte as jansson's
 * JSON_INDENT(2) does, alone and mixed with jansson values, and reports write failures. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/inventory.h"
#include "report/jsonw.h"

/* Every byte jansson escapes, and the ones it leaves alone (DEL, slash, UTF-8). */
static const char tricky[] = "q\" b\\ s/ \x01\x02\b\t\n\x0b\f\r\x1e\x1f \x7f \xc3\xa9 \xe2\x82\xac";

static json_t *
sample(void)
{
	json_t *doc = json_pack("{s:s, s:I, s:I, s:b, s:b, s:{}, s:[], s:[s, {s:[i, i, {}]}, [[]]], "
	    "s:{s:{s:s}}}",
	    "text", tricky, "neg", (json_int_t)-42, "big", (json_int_t)9007199254740993LL,
	    "yes", 1, "no", 0, "empty object", "empty array",
	    "list", "a", "inner", 1, 2,
	    "nested", "deeper", "key \"quoted\"", "v");

	ck_assert_ptr_nonnull(doc);
	return doc;
}

/* Write v through the writer's primitives, as a report writer would. */
static void
replay(struct mv_jw *w, json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;

	switch (json_typeof(v)) {
	case JSON_OBJECT:
		mv_jw_open(w, '{');
		json_object_foreach(v, key, x) {
			mv_jw_key(w, key);
			replay(w, x);
		}
		mv_jw_close(w, '}');
		break;
	case JSON_ARRAY:
		mv_jw_open(w, '[');
		json_array_foreach(v, i, x)
			replay(w, x);
		mv_jw_close(w, ']');
		break;
	case JSON_STRING: mv_jw_str(w, json_string_value(v)); break;
	case JSON_INTEGER: mv_jw_int(w, (long long)json_integer_value(v)); break;
	case JSON_TRUE: mv_jw_bool(w, 1); break;
	case JSON_FALSE: mv_jw_bool(w, 0); break;
	default: ck_abort_msg("no such value in the sample");
	}
}

static char *
expected(json_t *doc)
{
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER), *t;

	ck_assert_ptr_nonnull(s);
	t = malloc(strlen(s) + 2);
	ck_assert_ptr_nonnull(t);
	strcpy(t, s);
	strcat(t, "\n");
	free(s);
	return t;
}

struct sink {
	FILE *fp;
	char *buf;
	size_t len;
	struct mv_jw w;
};

static void
sink_open(struct sink *k)
{
	k->fp = open_memstream(&k->buf, &k->len);
	ck_assert_ptr_nonnull(k->fp);
	mv_jw_init(&k->w, k->fp);
}

static char *
sink_close(struct sink *k)
{
	ck_assert_int_eq(mv_jw_finish(&k->w), MV_OK);
	ck_assert_int_eq(fclose(k->fp), 0);
	return k->buf;
}

/* jansson values placed one level down, inside a streamed object and arrays. */
static void
mixed(struct mv_jw *w, json_t *doc)
{
	const char *key;
	json_t *v, *x;
	size_t i;

	mv_jw_open(w, '{');
	json_object_foreach(doc, key, v) {
		mv_jw_key(w, key);
		if (!json_is_array(v)) {
			mv_jw_json(w, json_incref(v));
			continue;
		}
		mv_jw_open(w, '[');
		json_array_foreach(v, i, x)
			mv_jw_json(w, json_incref(x));
		mv_jw_close(w, ']');
	}
	mv_jw_close(w, '}');
}

static void
members(struct mv_jw *w, json_t *doc)
{
	mv_jw_open(w, '{');
	mv_jw_members(w, doc);
	mv_jw_close(w, '}');
}

/* What write puts out for the sample is what jansson dumps for it. */
static void
assert_as_jansson(void (*write)(struct mv_jw *, json_t *))
{
	json_t *doc = sample();
	char *want = expected(doc), *got;
	struct sink k;

	sink_open(&k);
	write(&k.w, doc);
	got = sink_close(&k);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(doc);
}

START_TEST(test_primitives)
{
	assert_as_jansson(replay);
}
END_TEST

/* jansson values placed at every depth come out as if the whole tree had been dumped. */
START_TEST(test_mixed)
{
	assert_as_jansson(mixed);
	assert_as_jansson(members);
}
END_TEST

/* Bytes that are not UTF-8 are escaped as mv_json_bytes escapes them. */
START_TEST(test_bytes)
{
	const char *raw = "bad\xff\xfe utf8\n";
	json_t *a = json_pack("[o]", mv_json_bytes(raw));
	char *want = expected(a);
	struct sink k;
	char *got;

	sink_open(&k);
	mv_jw_open(&k.w, '[');
	mv_jw_str(&k.w, raw);
	mv_jw_close(&k.w, ']');
	got = sink_close(&k);
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	json_decref(a);
}
END_TEST

/* A document larger than the buffer, and one that cannot be written. */
START_TEST(test_large_and_failing)
{
	json_t *a = json_array();
	char *want, *got;
	struct sink k;
	FILE *full;
	struct mv_jw *w = malloc(sizeof(*w));

	ck_assert_ptr_nonnull(w);
	for (int i = 0; i < 20000; i++)
		json_array_append_new(a, json_pack("{s:i, s:s}", "i", i, "s", tricky));
	want = expected(a);
	sink_open(&k);
	replay(&k.w, a);
	got = sink_close(&k);
	ck_assert_uint_gt(strlen(want), 2 * sizeof(k.w.buf));
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
	if ((full = fopen("/dev/full", "w")) != NULL) {
		mv_jw_init(w, full);
		replay(w, a);
		ck_assert_int_eq(mv_jw_finish(w), MV_ERR_IO);
		fclose(full);
	}
	/* Unbalanced use is an error, never a silent half document. */
	sink_open(&k);
	mv_jw_open(&k.w, '{');
	ck_assert_int_eq(mv_jw_finish(&k.w), MV_ERR_IO);
	fclose(k.fp);
	free(k.buf);
	free(w);
	json_decref(a);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("jsonw");
	TCase *tc = tcase_create("layout");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_primitives);
	tcase_add_test(tc, test_mixed);
	tcase_add_test(tc, test_bytes);
	tcase_add_test(tc, test_large_and_failing);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
