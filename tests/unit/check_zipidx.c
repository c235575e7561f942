/* SPDX-License-Identifier: Apache-2.0 */
/* check_zipidx.c: the own zip index against the fixtures of testdata/zip and cut-down zips. */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "core/ctx.h"
#include "core/finding.h"
#include "walk/zipidx.h"

#define ZIPDIR TESTDATA "/zip"
#define MAX_FIXTURES 128

/* One row of testdata/zip/expected.tsv (written by gen-zips.py). */
struct fixture {
	char name[64];
	char rules[256];       /* sorted rule ids joined by ",", or "-" */
	char libarchive[16];   /* "same", "differs" or "fails" */
};

static struct fixture fixtures[MAX_FIXTURES];
static int nfixtures;

static void
load_table(void)
{
	FILE *fp = fopen(ZIPDIR "/expected.tsv", "r");
	char line[512];

	if (fp == NULL) {
		fprintf(stderr, "check_zipidx: %s/expected.tsv: %s\n", ZIPDIR, strerror(errno));
		exit(1);
	}
	while (fgets(line, sizeof(line), fp) && nfixtures < MAX_FIXTURES) {
		struct fixture *f = &fixtures[nfixtures];

		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%63[^\t]\t%255[^\t]\t%15s", f->name, f->rules, f->libarchive) != 3) {
			fprintf(stderr, "check_zipidx: bad table line: %s", line);
			exit(1);
		}
		nfixtures++;
	}
	fclose(fp);
}

static unsigned char *
slurp(const char *name, size_t *n)
{
	char path[512];
	unsigned char *p;
	FILE *fp;
	long len;

	snprintf(path, sizeof(path), "%s/%s.zip", ZIPDIR, name);
	fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	ck_assert_int_ge(len, 0);
	rewind(fp);
	/* An exact-size copy, so the sanitizers see any read past the end. */
	p = malloc(len ? (size_t)len : 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return p;
}

static void
limits(uint64_t *lim)
{
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		lim[i] = mv_limit_default((enum mv_limit)i);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The distinct rule ids of fl, sorted and joined by ",", or "-". */
static void
rule_set(const struct mv_findings *fl, char *out, size_t outsz)
{
	const char **ids = calloc(fl->n + 1, sizeof(*ids));
	size_t n = 0;

	ck_assert_ptr_nonnull(ids);
	for (size_t i = 0; i < fl->n; i++)
		ids[n++] = fl->v[i].rule;
	qsort(ids, n, sizeof(*ids), cmp_str);
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(ids[i], ids[i - 1]) == 0)
			continue;
		if (out[0])
			strncat(out, ",", outsz - strlen(out) - 1);
		strncat(out, ids[i], outsz - strlen(out) - 1);
	}
	if (out[0] == '\0')
		snprintf(out, outsz, "-");
	free(ids);
}

/* Every finding, for failure messages. */
static void
dump(const struct mv_findings *fl, char *out, size_t outsz)
{
	out[0] = '\0';
	for (size_t i = 0; i < fl->n; i++) {
		size_t used = strlen(out);

		snprintf(out + used, outsz - used, "\n  %s @%lld: %s", fl->v[i].rule,
		    (long long)fl->v[i].offset, fl->v[i].evidence);
	}
}

static mv_status
index_bytes(const unsigned char *p, size_t n, const uint64_t *lim, struct mv_findings *fl,
    struct mv_zipidx *idx)
{
	struct mv_memsrc ms;

	mv_memsrc_init(&ms, p, n);
	return mv_zipidx_build(&ms.src, "t.zip", lim, fl, idx);
}

/* Each fixture gives exactly its expected rule ids; benign ones none at all. */
START_TEST(test_fixture)
{
	const struct fixture *f = &fixtures[_i];
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	uint64_t lim[MV_LIMIT__COUNT];
	char got[512], all[8192];
	unsigned char *p;
	size_t n;
	mv_status st;

	limits(lim);
	p = slurp(f->name, &n);
	st = index_bytes(p, n, lim, &fl, &idx);
	rule_set(&fl, got, sizeof(got));
	dump(&fl, all, sizeof(all));
	ck_assert_msg(strcmp(got, f->rules) == 0, "%s: expected %s, got %s:%s", f->name, f->rules,
	    got, all);
	if (st != MV_OK)
		ck_assert_msg(fl.n > 0, "%s: %s with no finding", f->name, mv_strerror(st));
	if (strcmp(f->rules, "-") == 0) {
		ck_assert_msg(st == MV_OK, "%s: %s", f->name, mv_strerror(st));
		for (size_t i = 0; i < idx.n; i++) {
			ck_assert(idx.ent[i].in_cd);
			ck_assert(idx.ent[i].lfh_ok);
		}
		/* Every byte is accounted for: members from 0, then the directory. */
		ck_assert_uint_eq(idx.first_lfh, idx.n ? 0 : idx.cd_off);
	}
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);
	free(p);
}
END_TEST

/* What libarchive's seeking reader (bsdtar -tf) lists against the central directory's
 * names: "same", "differs", or "fails" when it stops with an error. */
static const char *
libarchive_view(const unsigned char *p, size_t n, const struct mv_zipidx *idx)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ae;
	char **la = NULL, **cd = NULL;
	size_t nla = 0, ncd = 0;
	const char *view = "same";
	int r;

	ck_assert_ptr_nonnull(a);
	archive_read_support_format_zip(a);
	ck_assert_int_eq(archive_read_open_memory(a, p, n), ARCHIVE_OK);
	while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
		const char *name = archive_entry_pathname(ae);

		la = realloc(la, (nla + 1) * sizeof(*la));
		ck_assert_ptr_nonnull(la);
		la[nla] = strdup(name ? name : "");
		ck_assert_ptr_nonnull(la[nla]);
		nla++;
	}
	if (r != ARCHIVE_EOF)
		view = "fails";
	for (size_t i = 0; i < idx->n; i++) {
		if (!idx->ent[i].in_cd)
			continue;
		cd = realloc(cd, (ncd + 1) * sizeof(*cd));
		ck_assert_ptr_nonnull(cd);
		/* A name with a NUL byte is a different name from its C-string prefix. */
		cd[ncd] = malloc(idx->ent[i].namelen + 2);
		ck_assert_ptr_nonnull(cd[ncd]);
		memcpy(cd[ncd], idx->ent[i].name, idx->ent[i].namelen + 1);
		if (strlen(cd[ncd]) != idx->ent[i].namelen)
			strcat(cd[ncd], "\x01");
		ncd++;
	}
	if (strcmp(view, "same") == 0) {
		if (nla != ncd)
			view = "differs";
		else if (nla > 0) {
			qsort(la, nla, sizeof(*la), cmp_str);
			qsort(cd, ncd, sizeof(*cd), cmp_str);
			for (size_t i = 0; i < nla; i++)
				if (strcmp(la[i], cd[i]) != 0)
					view = "differs";
		}
	}
	for (size_t i = 0; i < nla; i++)
		free(la[i]);
	for (size_t i = 0; i < ncd; i++)
		free(cd[i]);
	free(la);
	free(cd);
	archive_read_free(a);
	return view;
}

START_TEST(test_libarchive)
{
	const struct fixture *f = &fixtures[_i];
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	uint64_t lim[MV_LIMIT__COUNT];
	unsigned char *p;
	size_t n;

	limits(lim);
	p = slurp(f->name, &n);
	(void)index_bytes(p, n, lim, &fl, &idx);
	ck_assert_str_eq(libarchive_view(p, n, &idx), f->libarchive);
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);
	free(p);
}
END_TEST

static void
index_fixture(const char *name, unsigned char **p, size_t *n, struct mv_findings *fl,
    struct mv_zipidx *idx)
{
	uint64_t lim[MV_LIMIT__COUNT];

	limits(lim);
	*p = slurp(name, n);
	ck_assert_int_eq(index_bytes(*p, *n, lim, fl, idx), MV_OK);
}

/* ZIP64: sentinel fields are replaced from the extra field, in order, only those present. */
START_TEST(test_zip64_fields)
{
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	unsigned char *p;
	size_t n;

	/* Every central field a sentinel; ZIP64 end record and locator. */
	index_fixture("benign_zip64_full", &p, &n, &fl, &idx);
	ck_assert_uint_eq(fl.n, 0);
	ck_assert_uint_eq(idx.n, 2);
	ck_assert_uint_eq(idx.ent[0].lfh_off, 0);
	ck_assert_uint_eq(idx.ent[0].usize, 17);
	ck_assert_uint_eq(idx.ent[0].csize, 17);
	ck_assert_uint_eq(idx.ent[0].data_off, 30 + 16 + 20);
	ck_assert_uint_eq(idx.ent[1].lfh_off, idx.ent[0].data_off + 17);
	ck_assert_uint_eq(idx.ent[1].usize, 2);
	ck_assert_uint_eq(idx.eocd_off, n - 22);
	/* The directory ends where the ZIP64 end record starts. */
	ck_assert_uint_eq(idx.cd_off + idx.cd_size, n - 22 - 20 - 56);
	mv_zipidx_free(&idx);
	free(p);

	/* Only the compressed size is a sentinel: the extra field holds just it. */
	index_fixture("benign_zip64_partial", &p, &n, &fl, &idx);
	ck_assert_uint_eq(fl.n, 0);
	ck_assert_uint_eq(idx.ent[0].csize, 17);
	ck_assert_uint_eq(idx.ent[0].usize, 17);
	mv_zipidx_free(&idx);
	free(p);

	/* Python's force_zip64: sentinels in the local header only. */
	index_fixture("benign_zip64_python", &p, &n, &fl, &idx);
	ck_assert_uint_eq(fl.n, 0);
	ck_assert_uint_eq(idx.ent[0].usize, 17);
	mv_zipidx_free(&idx);
	free(p);

	/* A field too short for the sentinels it must replace. */
	index_fixture("zip64_short_extra", &p, &n, &fl, &idx);
	ck_assert(mv_findings_has(&fl, MV_R_ZIP_CD_INVALID));
	ck_assert_uint_eq(idx.ent[0].usize, 17);
	ck_assert_uint_eq(idx.ent[0].lfh_off, 0xFFFFFFFFu);
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);
	free(p);
}
END_TEST

/* Any prefix of a zip and any suffix of it: no crash, and a finding or an error, never a
 * silent pass. */
static void
check_cuts(const char *name)
{
	uint64_t lim[MV_LIMIT__COUNT];
	unsigned char *p;
	size_t n;

	limits(lim);
	p = slurp(name, &n);
	for (size_t k = 0; k < n; k++) {
		for (int from_front = 0; from_front < 2; from_front++) {
			struct mv_findings fl = {0};
			struct mv_zipidx idx;
			size_t len = from_front ? n - k - 1 : k;
			unsigned char *c = malloc(len ? len : 1);
			mv_status st;

			ck_assert_ptr_nonnull(c);
			memcpy(c, from_front ? p + k + 1 : p, len);
			st = index_bytes(c, len, lim, &fl, &idx);
			ck_assert_msg(fl.n > 0, "%s cut to %zu bytes %s: %s and no finding", name, len,
			    from_front ? "from the front" : "at the end", mv_strerror(st));
			if (st == MV_OK)
				mv_zipidx_free(&idx);
			else
				ck_assert_uint_eq(idx.n, 0);
			mv_findings_free(&fl);
			free(c);
		}
	}
	free(p);
}

START_TEST(test_cuts)
{
	static const char *const names[] = {"benign_stored", "benign_zip64_full",
	    "benign_descriptor", "benign_comment", "prefix_adjusted"};

	check_cuts(names[_i]);
}
END_TEST

/* A stored member behind the encryption flag is still readable by offset. */
START_TEST(test_read_stored)
{
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	struct mv_memsrc ms;
	unsigned char *p, buf[64];
	size_t n;

	index_fixture("torch_encrypted_flag", &p, &n, &fl, &idx);
	mv_memsrc_init(&ms, p, n);
	ck_assert_uint_eq(fl.n, 0);
	ck_assert(idx.ent[0].flags & 1);
	ck_assert_uint_eq(idx.ent[0].csize, 17);
	ck_assert_int_eq(mv_zipidx_read_stored(&ms.src, &idx.ent[0], 0, buf, 17), MV_OK);
	ck_assert_uint_eq(crc32(0L, buf, 17), idx.ent[0].crc);
	ck_assert_int_eq(buf[0], 0x80);
	ck_assert_int_eq(mv_zipidx_read_stored(&ms.src, &idx.ent[0], 16, buf, 1), MV_OK);
	ck_assert_int_eq(buf[0], '.');
	ck_assert_int_eq(mv_zipidx_read_stored(&ms.src, &idx.ent[0], 10, buf, 8), MV_ERR_FORMAT);
	ck_assert_int_eq(mv_zipidx_read_stored(&ms.src, &idx.ent[0], 18, buf, 0), MV_ERR_FORMAT);
	mv_zipidx_free(&idx);
	free(p);

	index_fixture("benign_deflated", &p, &n, &fl, &idx);
	mv_memsrc_init(&ms, p, n);
	ck_assert_int_eq(mv_zipidx_read_stored(&ms.src, &idx.ent[0], 0, buf, 1),
	    MV_ERR_UNSUPPORTED);
	mv_zipidx_free(&idx);
	free(p);
}
END_TEST

/* The entry, name and header limits stop the index with a finding. */
START_TEST(test_limits)
{
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	uint64_t lim[MV_LIMIT__COUNT];
	unsigned char *p;
	size_t n;

	limits(lim);
	p = slurp("hidden_lfh", &n);

	lim[MV_LIMIT_ENTRIES] = 1;
	ck_assert_int_eq(index_bytes(p, n, lim, &fl, &idx), MV_OK);
	ck_assert_uint_eq(idx.n, 1);
	ck_assert(mv_findings_has(&fl, MV_R_LIMIT_ENTRIES_EXCEEDED));
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);

	/* Two central entries fit; the hidden third does not. */
	lim[MV_LIMIT_ENTRIES] = 2;
	ck_assert_int_eq(index_bytes(p, n, lim, &fl, &idx), MV_OK);
	ck_assert_uint_eq(idx.n, 2);
	ck_assert(mv_findings_has(&fl, MV_R_LIMIT_ENTRIES_EXCEEDED));
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);

	limits(lim);
	lim[MV_LIMIT_NAME] = 4;
	ck_assert_int_eq(index_bytes(p, n, lim, &fl, &idx), MV_OK);
	ck_assert_uint_eq(idx.n, 3);
	ck_assert_uint_eq(idx.ent[0].namelen, 4);
	ck_assert_str_eq(idx.ent[0].name, "arch");
	ck_assert_uint_eq(idx.ent[2].namelen, 4);
	ck_assert(!idx.ent[2].in_cd);
	/* The comparison with the local header still uses the whole name. */
	ck_assert(!mv_findings_has(&fl, MV_R_ZIP_HEADER_MISMATCH));
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);

	limits(lim);
	lim[MV_LIMIT_HEADER] = 16;
	ck_assert_int_eq(index_bytes(p, n, lim, &fl, &idx), MV_ERR_LIMIT);
	ck_assert(mv_findings_has(&fl, MV_R_ANALYSIS_INCOMPLETE));
	ck_assert_uint_eq(idx.n, 0);
	mv_findings_free(&fl);
	free(p);
}
END_TEST

/* A zip of n stored members whose local CRCs all disagree with the directory. */
static unsigned char *
many_mismatches(unsigned n, size_t *len)
{
	size_t cap = (size_t)n * (30 + 8 + 1 + 46 + 8) + 22, o = 0, cd;
	unsigned char *z = calloc(1, cap);

	ck_assert_ptr_nonnull(z);
	for (unsigned i = 0; i < n; i++) {
		unsigned char *h = z + o;

		h[0] = 'P', h[1] = 'K', h[2] = 3, h[3] = 4, h[4] = 20;
		h[14] = 1;                         /* CRC 1 here, 0 in the directory */
		h[18] = 1, h[22] = 1, h[26] = 8;   /* 1 byte, 8-byte name */
		snprintf((char *)h + 30, 9, "m%07u", i);
		o += 30 + 8 + 1;
	}
	cd = o;
	for (unsigned i = 0; i < n; i++) {
		unsigned char *h = z + o;
		uint32_t off = (uint32_t)(i * (30 + 8 + 1));

		h[0] = 'P', h[1] = 'K', h[2] = 1, h[3] = 2, h[6] = 20;
		h[20] = 1, h[24] = 1, h[28] = 8;
		h[42] = off & 0xFF, h[43] = (off >> 8) & 0xFF, h[44] = (off >> 16) & 0xFF;
		snprintf((char *)h + 46, 9, "m%07u", i);
		o += 46 + 8;
	}
	z[o] = 'P', z[o + 1] = 'K', z[o + 2] = 5, z[o + 3] = 6;
	z[o + 8] = z[o + 10] = n & 0xFF, z[o + 9] = z[o + 11] = (n >> 8) & 0xFF;
	z[o + 12] = (o - cd) & 0xFF, z[o + 13] = ((o - cd) >> 8) & 0xFF;
	z[o + 14] = ((o - cd) >> 16) & 0xFF;
	z[o + 16] = cd & 0xFF, z[o + 17] = (cd >> 8) & 0xFF, z[o + 18] = (cd >> 16) & 0xFF;
	*len = o + 22;
	return z;
}

/* One zip cannot flood the report: past a cap, one closing finding counts the rest. */
START_TEST(test_finding_cap)
{
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	uint64_t lim[MV_LIMIT__COUNT];
	unsigned char *z;
	size_t len, nm = 0;

	limits(lim);
	z = many_mismatches(1000, &len);
	ck_assert_int_eq(index_bytes(z, len, lim, &fl, &idx), MV_OK);
	ck_assert_uint_eq(idx.n, 1000);
	for (size_t i = 0; i < fl.n; i++) {
		ck_assert_str_eq(fl.v[i].rule, "zip.header.mismatch");
		nm++;
	}
	ck_assert_uint_lt(nm, 100);
	ck_assert_ptr_nonnull(strstr(fl.v[fl.n - 1].evidence, "more findings"));
	mv_zipidx_free(&idx);
	mv_findings_free(&fl);
	free(z);
}
END_TEST

static int
failing_pread(void *arg, void *buf, size_t n, uint64_t off)
{
	(void)arg, (void)buf, (void)n, (void)off;
	errno = EIO;
	return -1;
}

/* A read error is a finding, never a silent pass. */
START_TEST(test_read_error)
{
	struct mv_findings fl = {0};
	struct mv_zipidx idx;
	uint64_t lim[MV_LIMIT__COUNT];
	struct mv_rsrc src = {.size = 1000, .pread = failing_pread};

	limits(lim);
	ck_assert_int_eq(mv_zipidx_build(&src, "t.zip", lim, &fl, &idx), MV_ERR_IO);
	ck_assert(mv_findings_has(&fl, MV_R_ANALYSIS_INCOMPLETE));
	mv_findings_free(&fl);
	mv_zipidx_check(&src, "t.zip", lim, &fl);
	ck_assert(mv_findings_has(&fl, MV_R_ANALYSIS_INCOMPLETE));
	mv_findings_free(&fl);
}
END_TEST

static Suite *
zipidx_suite(void)
{
	Suite *s = suite_create("zipidx");
	TCase *tc = tcase_create("core");

	load_table();
	tcase_add_loop_test(tc, test_fixture, 0, nfixtures);
	tcase_add_loop_test(tc, test_libarchive, 0, nfixtures);
	tcase_add_test(tc, test_zip64_fields);
	tcase_add_loop_test(tc, test_cuts, 0, 5);
	tcase_add_test(tc, test_read_stored);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_finding_cap);
	tcase_add_test(tc, test_read_error);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(zipidx_suite());
	int failed;

	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
