/* SPDX-License-Identifier: Apache-2.0 */
/* check_hdf5.c: the HDF5 root attribute reader over the files of testdata/hdf5 (written by
 * h5py, gen-hdf5.py), each fed in chunks of several sizes: every attribute must come out as
 * h5py reads it (its SHA-256 in attrs.tsv), and the broken files must fail with the error
 * named there. A small kept prefix must fail loudly, never pass silently. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/sha256.h"
#include "hash/digest.h"
#include "scan/hdf5.h"

#define DIR TESTDATA "/hdf5"

static const char *const names[] = {"model_config", "training_config"};

struct row {
	char file[128], attr[64], want[128];
};

static struct row rows[64];
static size_t nrows;

static void
load(void)
{
	FILE *fp = fopen(DIR "/attrs.tsv", "r");
	char line[512];

	if (fp == NULL) {
		perror(DIR "/attrs.tsv");
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) && nrows < sizeof(rows) / sizeof(rows[0])) {
		struct row *r = &rows[nrows];

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%127[^\t]\t%63[^\t]\t%127[^\t]", r->file, r->attr, r->want) == 3)
			nrows++;
	}
	fclose(fp);
}

static unsigned char *
slurp(const char *file, size_t *n)
{
	char path[512];
	FILE *fp;
	unsigned char *p;
	long len;

	snprintf(path, sizeof(path), "%s/%s", DIR, file);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s", path);
	fseek(fp, 0, SEEK_END);
	len = ftell(fp);
	fseek(fp, 0, SEEK_SET);
	p = malloc((size_t)len + 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return p;
}

/* Read a file fed in chunks of step bytes (0: all at once) keeping retain bytes. */
static struct mv_h5 *
read_file(const unsigned char *data, size_t n, size_t step, uint64_t retain, mv_status *st,
    char *err, size_t errlen)
{
	struct mv_h5 *h = mv_h5_new(names, 2, retain, 1u << 24);
	size_t pos = 0;

	ck_assert_ptr_nonnull(h);
	while (pos < n) {
		size_t k = step == 0 || step > n - pos ? n - pos : step;

		if (mv_h5_feed(h, data + pos, k))
			break;
		pos += k;
	}
	*st = mv_h5_finish(h, err, errlen);
	return h;
}

static void
check_row(const struct row *r, size_t step)
{
	size_t n, i, name, vn;
	unsigned char *data = slurp(r->file, &n), md[32];
	const unsigned char *v;
	uint64_t off;
	char err[256] = "", hex[65];
	mv_status st;
	struct mv_h5 *h = read_file(data, n, step, 16u << 20, &st, err, sizeof(err));
	int found = 0;

	if (strcmp(r->attr, "!") == 0) {
		ck_assert_msg(st != MV_OK, "%s: read, but must fail", r->file);
		ck_assert_msg(strstr(err, r->want) != NULL, "%s: error '%s' does not say '%s'",
		    r->file, err, r->want);
	} else {
		ck_assert_msg(st == MV_OK, "%s (chunks of %zu): %s", r->file, step, err);
		for (i = 0; mv_h5_value(h, i, &name, &v, &vn, &off); i++) {
			if (strcmp(names[name], r->attr) != 0)
				continue;
			ck_assert_int_eq(mv_sha256(v, vn, md), MV_OK);
			for (int k = 0; k < 32; k++)
				snprintf(hex + 2 * k, 3, "%02x", md[k]);
			ck_assert_msg(strcmp(hex, r->want) == 0, "%s: %s differs from h5py's",
			    r->file, r->attr);
			/* The value is where the file holds it. */
			ck_assert_msg(off + vn <= n && memcmp(data + off, v, vn) == 0,
			    "%s: %s not at offset %llu", r->file, r->attr, (unsigned long long)off);
			found++;
		}
		ck_assert_msg(found == 1, "%s: %s found %d times", r->file, r->attr, found);
	}
	mv_h5_free(h);
	free(data);
}

START_TEST(test_rows)
{
	static const size_t steps[] = {0, 65536, 4096, 7};

	for (size_t s = 0; s < sizeof(steps) / sizeof(steps[0]); s++)
		check_row(&rows[_i], steps[s]);
}
END_TEST

/* With only 64 bytes kept, structures behind the stream cannot be read: an error, not an
 * empty result. */
START_TEST(test_small_prefix)
{
	size_t n;
	unsigned char *data = slurp("latest_vlen.h5", &n);
	char err[256] = "";
	mv_status st;
	struct mv_h5 *h = read_file(data, n, 4096, 64, &st, err, sizeof(err));

	ck_assert_msg(st != MV_OK, "read with 64 bytes kept");
	ck_assert_msg(strstr(err, "passed") != NULL, "error: %s", err);
	mv_h5_free(h);
	free(data);
}
END_TEST

/* Not HDF5 at all. */
START_TEST(test_not_hdf5)
{
	static const unsigned char junk[4096] = {'n', 'o', 't'};
	char err[256] = "";
	mv_status st;
	struct mv_h5 *h = read_file(junk, sizeof(junk), 100, 1u << 20, &st, err, sizeof(err));

	ck_assert_int_ne(st, MV_OK);
	mv_h5_free(h);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hdf5");
	TCase *tc = tcase_create("attributes");
	SRunner *sr;
	int failed;

	load();
	if (nrows == 0) {
		fprintf(stderr, "no rows in %s/attrs.tsv\n", DIR);
		return 1;
	}
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_rows, 0, (int)nrows);
	tcase_add_test(tc, test_small_prefix);
	tcase_add_test(tc, test_not_hdf5);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
