/* SPDX-License-Identifier: Apache-2.0 */
/* check_walk.c: the walker on the generated archive fixtures (testdata/archives), the
 * directory walk, member name checks and format sniffing. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mavis.h"
#include "core/finding.h"
#include "core/sniff.h"
#include "core/str.h"
#include "walk/name.h"
#include "run/run.h"
#include "walk/walk.h"
#include "fixture.h"

#define FIXDIR BUILDDIR "/tests/unit/archives"
#define MARKER "mavis-escape"

static json_t *table;           /* expected.json */
static json_t *fixtures;        /* its "fixtures" array */

static json_t *
fixture(int i)
{
	return json_array_get(fixtures, (size_t)i);
}

static const char *
fixture_file(int i)
{
	return json_string_value(json_object_get(fixture(i), "file"));
}

static int
is_benign(int i)
{
	return json_is_array(json_object_get(fixture(i), "entries"));
}

static void
apply_options(struct mv_ctx *ctx, json_t *fx)
{
	const char *key;
	json_t *v;

	json_object_foreach(json_object_get(fx, "options"), key, v) {
		enum mv_limit lim;
		uint64_t n;

		ck_assert_msg(mv_limit_lookup(key, &lim) == MV_OK, "unknown limit %s", key);
		ck_assert_msg(mv_parse_size(json_string_value(v), 1, &n) == 0, "bad value for %s",
		    key);
		ck_assert_int_eq(mv_ctx_set_limit(ctx, lim, n), MV_OK);
	}
}

static int
has_rule(const struct mv_result *res, const char *rule)
{
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		if (strcmp(mv_result_finding(res, i)->rule, rule) == 0)
			return 1;
	return 0;
}

static void
dump(const char *what, const struct mv_result *res)
{
	fprintf(stderr, "%s: %zu entries, %zu findings\n", what, mv_result_entry_count(res),
	    mv_result_finding_count(res));
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		fprintf(stderr, "  entry %s (%llu bytes%s)\n", mv_result_entry(res, i)->path,
		    (unsigned long long)mv_result_entry(res, i)->size,
		    mv_result_entry(res, i)->flags & MV_ENTRY_INCOMPLETE ? ", incomplete" : "");
	for (size_t i = 0; i < mv_result_finding_count(res); i++) {
		const struct mv_finding *f = mv_result_finding(res, i);

		fprintf(stderr, "  finding %s %s: %s\n", f->rule, f->path, f->evidence);
	}
}

/* ---- nothing is written anywhere ---- */

static int markers;

static int
find_marker(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	if (strstr(path + ftw->base, MARKER))
		markers++;
	return 0;
}

/* Files named after the marker the hostile fixtures try to write, below dir. */
static int
count_markers(const char *dir, int depth_one)
{
	markers = 0;
	if (depth_one) {
		DIR *d = opendir(dir);
		struct dirent *de;

		if (d == NULL)
			return 0;
		while ((de = readdir(d)) != NULL)
			if (strstr(de->d_name, MARKER))
				markers++;
		closedir(d);
		return markers;
	}
	nftw(dir, find_marker, 16, FTW_PHYS);
	return markers;
}

/* A listing of a folder: names, sizes and modification times. */
static char *
listing(const char *dir)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	size_t cap = 4096, len = 0;
	char *out = calloc(1, cap);

	ck_assert_ptr_nonnull(out);
	ck_assert_msg(n >= 0, "cannot list %s", dir);
	for (int i = 0; i < n; i++) {
		struct stat st;
		char path[4096], line[600];
		int k;

		/* The folder's own times change whenever a sibling test writes beside it. */
		if (strcmp(names[i]->d_name, ".") == 0 || strcmp(names[i]->d_name, "..") == 0) {
			free(names[i]);
			continue;
		}
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (lstat(path, &st) != 0)
			memset(&st, 0, sizeof(st));
		k = snprintf(line, sizeof(line), "%s %lld %lld.%09ld\n", names[i]->d_name,
		    (long long)st.st_size, (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
		if (len + (size_t)k + 1 > cap) {
			cap = (cap + (size_t)k) * 2;
			ck_assert_ptr_nonnull(out = realloc(out, cap));
		}
		memcpy(out + len, line, (size_t)k + 1);
		len += (size_t)k;
		free(names[i]);
	}
	free(names);
	return out;
}

static int
is_empty_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n == 0;
}

/* A private working folder and temporary folder for one test, both checked empty after. */
struct sandbox {
	char base[256], cwd[300], tmp[300];
	char *fix_before;
	int src_markers, build_markers;
};

static void
sandbox_enter(struct sandbox *sb)
{
	const char *t = getenv("TMPDIR");

	snprintf(sb->base, sizeof(sb->base), "%s/check_walk.XXXXXX", t && *t ? t : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(sb->base));
	snprintf(sb->cwd, sizeof(sb->cwd), "%s/cwd", sb->base);
	snprintf(sb->tmp, sizeof(sb->tmp), "%s/tmp", sb->base);
	ck_assert_int_eq(mkdir(sb->cwd, 0700), 0);
	ck_assert_int_eq(mkdir(sb->tmp, 0700), 0);
	ck_assert_int_eq(setenv("TMPDIR", sb->tmp, 1), 0);
	ck_assert_int_eq(chdir(sb->cwd), 0);
	sb->fix_before = listing(FIXDIR);
	sb->src_markers = count_markers(TESTDATA "/..", 0);
	sb->build_markers = count_markers(BUILDDIR, 0);
	ck_assert_int_eq(count_markers("/tmp", 1), 0);
}

static void
sandbox_leave(struct sandbox *sb)
{
	char *after = listing(FIXDIR);

	ck_assert_msg(is_empty_dir(sb->cwd), "something was written to the working folder");
	ck_assert_msg(is_empty_dir(sb->tmp), "a temporary file was left behind");
	if (strcmp(sb->fix_before, after) != 0)
		fprintf(stderr, "fixtures before:\n%s\nafter:\n%s\n", sb->fix_before, after);
	ck_assert_msg(strcmp(sb->fix_before, after) == 0, "the fixtures folder changed");
	ck_assert_int_eq(count_markers(TESTDATA "/..", 0), sb->src_markers);
	ck_assert_int_eq(count_markers(BUILDDIR, 0), sb->build_markers);
	ck_assert_int_eq(count_markers(sb->base, 0), 0);
	ck_assert_int_eq(count_markers("/tmp", 1), 0);
	ck_assert_int_eq(count_markers("/etc", 1), 0);
	free(after);
	free(sb->fix_before);
	ck_assert_int_eq(chdir("/"), 0);
	ck_assert_int_eq(rmdir(sb->cwd), 0);
	ck_assert_int_eq(rmdir(sb->tmp), 0);
	ck_assert_int_eq(rmdir(sb->base), 0);
}

/* ---- the fixture table ---- */

static struct mv_result *
run_fixture(int i, unsigned jobs)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	char path[1024];
	const char *in = path;
	mv_status st;

	ck_assert_ptr_nonnull(ctx);
	snprintf(path, sizeof(path), "%s/%s", FIXDIR, fixture_file(i));
	apply_options(ctx, fixture(i));
	mv_ctx_set_jobs(ctx, jobs);
	st = mv_run(ctx, &in, 1, &res);
	ck_assert_msg(st == MV_OK, "%s: %s", fixture_file(i), mv_ctx_error(ctx));
	mv_ctx_free(ctx);
	return res;
}

START_TEST(test_fixture)
{
	json_t *fx = fixture(_i), *rule, *ents = json_object_get(fx, "entries");
	struct sandbox sb;
	struct mv_result *res;
	size_t k;

	sandbox_enter(&sb);
	res = run_fixture(_i, 2);
	json_array_foreach(json_object_get(fx, "rules"), k, rule) {
		if (!has_rule(res, json_string_value(rule)))
			dump(fixture_file(_i), res);
		ck_assert_msg(has_rule(res, json_string_value(rule)), "%s: no %s finding",
		    fixture_file(_i), json_string_value(rule));
	}
	/* Nothing above info that the table does not name: a new finding cannot hide behind
	 * an expected one. */
	{
		json_t *listed = json_object_get(fx, "rules");
		char **want = calloc(json_array_size(listed) + 1, sizeof(*want));
		char *extra;

		ck_assert_ptr_nonnull(want);
		json_array_foreach(listed, k, rule)
			ck_assert_ptr_nonnull(want[k] = mv_strdup(json_string_value(rule)));
		extra = mv_fixture_unlisted(res, want, json_array_size(listed));
		if (extra)
			dump(fixture_file(_i), res);
		ck_assert_msg(extra == NULL, "%s: %s reported above info but not listed in "
		    "expected.json", fixture_file(_i), extra);
		for (k = 0; k < json_array_size(listed); k++)
			free(want[k]);
		free(want);
	}
	json_array_foreach(json_object_get(fx, "absent"), k, rule)
		ck_assert_msg(!has_rule(res, json_string_value(rule)), "%s: a %s finding",
		    fixture_file(_i), json_string_value(rule));
	if (json_is_array(ents)) {
		json_t *want;

		if (mv_result_finding_count(res) || mv_result_entry_count(res) !=
		    json_array_size(ents))
			dump(fixture_file(_i), res);
		ck_assert_uint_eq(mv_result_finding_count(res), 0);
		ck_assert_int_eq(mv_result_incomplete(res), 0);
		ck_assert_uint_eq(mv_result_entry_count(res), json_array_size(ents));
		json_array_foreach(ents, k, want) {
			const struct mv_entry *e = mv_result_entry(res, k);
			char path[2048], hex[2 * MV_DIGEST_MAX + 1];

			snprintf(path, sizeof(path), "%s/%s", FIXDIR,
			    json_string_value(json_object_get(want, "path")));
			ck_assert_str_eq(e->path, path);
			ck_assert_int_eq(e->type, MV_ENTRY_FILE);
			ck_assert_uint_eq(e->size,
			    (uint64_t)json_integer_value(json_object_get(want, "size")));
			ck_assert_uint_eq(e->ndigest, 1);
			ck_assert_uint_eq(e->digest[0].alg, MV_HASH_SHA256);
			mv_digest_hex(&e->digest[0], hex);
			ck_assert_str_eq(hex, json_string_value(json_object_get(want, "sha256")));
		}
	} else {
		/* A hostile package is never silently clean. */
		ck_assert_uint_gt(mv_result_finding_count(res), 0);
	}
	mv_result_free(res);
	sandbox_leave(&sb);
}
END_TEST

static int
same_digests(const struct mv_entry *a, const struct mv_entry *b)
{
	if (a->ndigest != b->ndigest || a->nshard != b->nshard)
		return 0;
	for (unsigned i = 0; i < a->ndigest; i++)
		if (a->digest[i].len != b->digest[i].len ||
		    memcmp(a->digest[i].value, b->digest[i].value, a->digest[i].len) != 0)
			return 0;
	return 1;
}

/* Compare two results entry by entry and finding by finding; paths of b carry prefix_b
 * where those of a carry prefix_a. */
static void
assert_same(const struct mv_result *a, const struct mv_result *b, const char *prefix_a,
    const char *prefix_b)
{
	size_t la = strlen(prefix_a), lb = strlen(prefix_b);

	ck_assert_uint_eq(mv_result_entry_count(a), mv_result_entry_count(b));
	ck_assert_uint_eq(mv_result_finding_count(a), mv_result_finding_count(b));
	for (size_t i = 0; i < mv_result_entry_count(a); i++) {
		const struct mv_entry *x = mv_result_entry(a, i), *y = mv_result_entry(b, i);

		ck_assert_int_eq(strncmp(x->path, prefix_a, la), 0);
		ck_assert_int_eq(strncmp(y->path, prefix_b, lb), 0);
		ck_assert_str_eq(x->path + la, y->path + lb);
		ck_assert_int_eq(x->type, y->type);
		ck_assert_uint_eq(x->size, y->size);
		ck_assert_uint_eq(x->flags, y->flags);
		ck_assert_uint_eq(x->depth, y->depth);
		ck_assert_msg(same_digests(x, y), "digests of %s differ", x->path);
	}
	for (size_t i = 0; i < mv_result_finding_count(a); i++) {
		const struct mv_finding *x = mv_result_finding(a, i), *y = mv_result_finding(b, i);

		ck_assert_str_eq(x->rule, y->rule);
		ck_assert_str_eq(x->path + (strncmp(x->path, prefix_a, la) ? 0 : la),
		    y->path + (strncmp(y->path, prefix_b, lb) ? 0 : lb));
	}
}

/* Every fixture in one run: the same entries and findings in the same order whatever the
 * number of workers. */
START_TEST(test_jobs_order)
{
	size_t n = json_array_size(fixtures), m = 0;
	const char **in = calloc(n, sizeof(*in));
	struct mv_result *res[2] = {NULL, NULL};
	unsigned jobs[2] = {1, 4};
	struct sandbox sb;

	ck_assert_ptr_nonnull(in);
	sandbox_enter(&sb);
	ck_assert_int_eq(chdir(FIXDIR), 0);
	for (size_t i = 0; i < n; i++) {
		/* The limit fixtures repeat others with options; their defaults add nothing. */
		if (json_object_size(json_object_get(fixture((int)i), "options")) == 0)
			in[m++] = fixture_file((int)i);
	}
	for (int k = 0; k < 2; k++) {
		struct mv_ctx *ctx = mv_ctx_new();

		mv_ctx_set_jobs(ctx, jobs[k]);
		ck_assert_int_eq(mv_run(ctx, in, m, &res[k]), MV_OK);
		mv_ctx_free(ctx);
	}
	ck_assert_uint_gt(mv_result_entry_count(res[0]), m);
	assert_same(res[0], res[1], "", "");
	for (size_t i = 0; i < mv_result_finding_count(res[0]); i++)
		ck_assert_str_eq(mv_result_finding(res[0], i)->evidence,
		    mv_result_finding(res[1], i)->evidence);
	mv_result_free(res[0]);
	mv_result_free(res[1]);
	free(in);
	ck_assert_int_eq(chdir(sb.cwd), 0);
	sandbox_leave(&sb);
}
END_TEST

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *p;
	long len;

	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(fseek(fp, 0, SEEK_END), 0);
	len = ftell(fp);
	rewind(fp);
	p = malloc(len ? (size_t)len : 1);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(fread(p, 1, (size_t)len, fp), (size_t)len);
	fclose(fp);
	*n = (size_t)len;
	return p;
}

/* The same bytes from memory (the fuzzing entry point) give the same walk as from a file. */
START_TEST(test_memory_source)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *a = NULL, *b = NULL;
	char path[1024];
	const char *in = path;
	unsigned char *data;
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", FIXDIR, fixture_file(_i));
	data = slurp(path, &n);
	apply_options(ctx, fixture(_i));
	ck_assert_int_eq(mv_run(ctx, &in, 1, &a), MV_OK);
	ck_assert_int_eq(mv_run_memory(ctx, fixture_file(_i), data, n, &b), MV_OK);
	assert_same(a, b, FIXDIR "/", "");
	mv_result_free(a);
	mv_result_free(b);
	free(data);
	mv_ctx_free(ctx);
}
END_TEST

/* Standard input is read as a stream: nested archives included, same digests. */
START_TEST(test_stdin)
{
	static const char *const files[] = {"nested3.tar", "model.tar.gz", "deflated.zip",
	    "pt-in-tarball.tar.gz", "model.tar.xz"};
	const char *file = files[_i];
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *a = NULL, *b = NULL;
	char path[1024];
	const char *in = path, *dash = "-";
	int fd;

	snprintf(path, sizeof(path), "%s/%s", FIXDIR, file);
	ck_assert_int_ge(fd = open(path, O_RDONLY), 0);
	ck_assert_int_eq(dup2(fd, STDIN_FILENO), STDIN_FILENO);
	close(fd);
	ck_assert_int_eq(mv_run(ctx, &in, 1, &a), MV_OK);
	ck_assert_int_eq(mv_run(ctx, &dash, 1, &b), MV_OK);
	assert_same(a, b, path, "-");
	mv_result_free(a);
	mv_result_free(b);
	mv_ctx_free(ctx);
}
END_TEST

/* ---- the directory walk ---- */

static void
write_file(const char *dir, const char *name, const char *content)
{
	char path[1024];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_ptr_nonnull(fp = fopen(path, "w"));
	fputs(content, fp);
	fclose(fp);
}

static int
rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

START_TEST(test_dir_walk)
{
	char root[] = "/tmp/check_walk_dir.XXXXXX", path[1024];
	const char *in = root;
	/* Byte order of the full paths, as find | LC_ALL=C sort gives them. */
	static const char *const want[] = {"a-c", "a/b", "b", "broken", "fifo", "link-in",
	    "link-out", "z"};
	static const char *const want_rules[] = {"walk.symlink.broken", "walk.special",
	    "walk.symlink", "walk.symlink.escape"};
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;

	ck_assert_ptr_nonnull(mkdtemp(root));
	snprintf(path, sizeof(path), "%s/a", root);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	write_file(root, "a-c", "1");
	write_file(root, "a/b", "22");
	write_file(root, "b", "");
	write_file(root, "z", "zz");
	snprintf(path, sizeof(path), "%s/broken", root);
	ck_assert_int_eq(symlink("nowhere", path), 0);
	snprintf(path, sizeof(path), "%s/fifo", root);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/link-in", root);
	ck_assert_int_eq(symlink("a/b", path), 0);
	snprintf(path, sizeof(path), "%s/link-out", root);
	ck_assert_int_eq(symlink("/etc/passwd", path), 0);

	ck_assert_int_eq(mv_run(ctx, &in, 1, &res), MV_OK);
	ck_assert_uint_eq(mv_result_entry_count(res), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, want[i]);
		ck_assert_str_eq(mv_result_entry(res, i)->path, path);
		ck_assert_str_eq(mv_result_entry(res, i)->name, want[i]);
	}
	for (size_t i = 0; i < sizeof(want_rules) / sizeof(want_rules[0]); i++)
		ck_assert_msg(has_rule(res, want_rules[i]), "no %s", want_rules[i]);
	ck_assert_uint_eq(mv_result_entry(res, 5)->ndigest, 0);   /* link-in not followed */
	ck_assert_str_eq(mv_result_entry(res, 5)->link, "a/b");
	mv_result_free(res);

	/* Followed, the inner link is hashed with its target's content; the outer one never. */
	mv_ctx_set_flags(ctx, MV_RUN_FOLLOW_SYMLINKS);
	ck_assert_int_eq(mv_ctx_add_ignore(ctx, "a/"), MV_OK);
	ck_assert_int_eq(mv_run(ctx, &in, 1, &res), MV_OK);
	ck_assert_uint_eq(mv_result_entry_count(res), sizeof(want) / sizeof(want[0]) - 1);
	ck_assert_str_eq(mv_result_entry(res, 4)->name, "link-in");
	ck_assert_int_eq(mv_result_entry(res, 4)->type, MV_ENTRY_FILE);
	ck_assert_uint_eq(mv_result_entry(res, 4)->size, 2);
	ck_assert_str_eq(mv_result_entry(res, 5)->name, "link-out");
	ck_assert_uint_eq(mv_result_entry(res, 5)->ndigest, 0);
	ck_assert(has_rule(res, "walk.symlink.escape"));
	mv_result_free(res);
	mv_ctx_free(ctx);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

/* Past --max-entries no entry is added, and those before it are still read whole. */
START_TEST(test_entry_limit_dir)
{
	char root[] = "/tmp/check_walk_many.XXXXXX", name[16];
	const char *in = root;
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;

	ck_assert_ptr_nonnull(mkdtemp(root));
	for (int i = 0; i < 30; i++) {
		snprintf(name, sizeof(name), "f%02d", i);
		write_file(root, name, name);
	}
	ck_assert_int_eq(mv_ctx_set_limit(ctx, MV_LIMIT_ENTRIES, 10), MV_OK);
	ck_assert_int_eq(mv_run(ctx, &in, 1, &res), MV_OK);
	ck_assert_uint_eq(mv_result_entry_count(res), 10);
	for (size_t i = 0; i < 10; i++) {
		ck_assert_uint_eq(mv_result_entry(res, i)->flags & MV_ENTRY_INCOMPLETE, 0);
		ck_assert_uint_eq(mv_result_entry(res, i)->ndigest, 1);
	}
	ck_assert_uint_eq(mv_result_finding_count(res), 1);
	ck_assert_str_eq(mv_result_finding(res, 0)->rule, "limit.entries.exceeded");
	ck_assert_int_eq(mv_result_incomplete(res), 1);
	mv_result_free(res);
	mv_ctx_free(ctx);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
END_TEST

START_TEST(test_missing_input)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	const char *in[2] = {"/nonexistent/mavis-input", "-"};

	ck_assert_int_eq(mv_run(ctx, in, 1, &res), MV_ERR_NOTFOUND);
	ck_assert_ptr_null(res);
	ck_assert_ptr_nonnull(strstr(mv_ctx_error(ctx), "/nonexistent/mavis-input"));
	in[0] = "-";
	ck_assert_int_eq(mv_run(ctx, in, 2, &res), MV_ERR_USAGE);
	ck_assert_int_eq(mv_run(ctx, in, 0, &res), MV_ERR_USAGE);
	mv_ctx_free(ctx);
}
END_TEST

/* ---- member names ---- */

struct name_case {
	const char *name[3];
	enum mv_entry_type type[3];
	const char *link[3];
	const char *rules;        /* rule ids on the last member, space separated */
	size_t max_name;
};

#define F MV_ENTRY_FILE
#define L MV_ENTRY_SYMLINK
#define H MV_ENTRY_HARDLINK
#define D MV_ENTRY_DIR

static const struct name_case names[] = {
	{{"weights/part-0.bin"}, {F}, {NULL}, "", 0},
	{{"../x"}, {F}, {NULL}, "archive.path.traversal", 0},
	{{"a/../../x"}, {F}, {NULL}, "archive.path.traversal", 0},
	{{"a/.."}, {F}, {NULL}, "archive.path.traversal", 0},
	{{"/etc/passwd"}, {F}, {NULL}, "archive.path.absolute", 0},
	{{"C:\\Windows\\x"}, {F}, {NULL}, "archive.path.absolute", 0},
	{{"c:x"}, {F}, {NULL}, "archive.path.absolute", 0},
	{{"\\\\server\\share\\x"}, {F}, {NULL}, "archive.path.absolute", 0},
	{{"dir\\file"}, {F}, {NULL}, "archive.path.backslash", 0},
	{{"..\\x"}, {F}, {NULL}, "archive.path.traversal", 0},
	{{"a\001b"}, {F}, {NULL}, "archive.path.invalid", 0},
	{{"a\nb"}, {F}, {NULL}, "archive.path.invalid", 0},
	{{""}, {F}, {NULL}, "archive.path.invalid", 0},
	{{"caf\xc3\xa9.txt"}, {F}, {NULL}, "", 0},
	{{"123456789"}, {F}, {NULL}, "limit.name.exceeded", 8},
	{{"12345678"}, {F}, {NULL}, "", 8},
	{{"l"}, {L}, {"/123456789"}, "limit.name.exceeded", 8},
	{{"l"}, {L}, {"../x"}, "archive.symlink.escape archive.symlink", 0},
	{{"d/l"}, {L}, {"../x"}, "archive.symlink", 0},
	{{"d/l"}, {L}, {"../../x"}, "archive.symlink.escape archive.symlink", 0},
	{{"l"}, {L}, {"/x"}, "archive.symlink.escape archive.symlink", 0},
	{{"l"}, {L}, {"C:\\x"}, "archive.symlink.escape archive.symlink", 0},
	{{"d/e/l"}, {L}, {"../../x/../y"}, "archive.symlink", 0},
	{{"h"}, {H}, {"../x"}, "archive.hardlink.escape", 0},
	{{"h"}, {H}, {"/x"}, "archive.hardlink.escape", 0},
	{{"x", "h"}, {F, H}, {NULL, "x"}, "", 0},
	{{"a", "a"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"a/", "a/"}, {D, D}, {NULL, NULL}, "", 0},
	{{"Model.bin", "model.bin"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"x//y", "x/y"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"./x", "x"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"a/b/../b", "a/b"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"a/./b", "a/b"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"caf\xc3\xa9", "cafe\xcc\x81"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"\xc3\x89T\xc3\x89", "\xc3\xa9t\xc3\xa9"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"stra\xc3\x9f" "e", "STRASSE"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"caf\xc3\xa9", "cafe"}, {F, F}, {NULL, NULL}, "", 0},
	{{"\xff\xfe", "\xff\xfe/"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"x\\y", "x/y"}, {F, F}, {NULL, NULL}, "archive.name.duplicate", 0},
	{{"l", "l/f"}, {L, F}, {"t", NULL}, "archive.link.through", 0},
	{{"L", "l/f"}, {L, F}, {"t", NULL}, "archive.link.through", 0},
	{{"d/l", "x", "d/l/f"}, {L, F, F}, {"..", NULL, NULL}, "archive.link.through", 0},
	{{"l", "l", "l/f"}, {F, L, F}, {NULL, "/etc", NULL}, "archive.link.through", 0},
	{{"f", "f/g"}, {F, F}, {NULL, NULL}, "archive.name.collision", 0},
	{{"d/", "D"}, {D, F}, {NULL, NULL}, "archive.name.collision", 0},
	{{"d/x", "d"}, {F, F}, {NULL, NULL}, "archive.name.collision", 0},
	{{"f", "F/"}, {F, D}, {NULL, NULL}, "archive.name.collision", 0},
	{{"d/", "d/x"}, {D, F}, {NULL, NULL}, "", 0},
	{{"d/x", "d/y"}, {F, F}, {NULL, NULL}, "", 0},
};

START_TEST(test_names)
{
	const struct name_case *c = &names[_i];
	struct mv_names nm;
	struct mv_findings fl = {0};
	size_t last = 0, n = 0, want = 0;
	char got[512] = "";

	mv_names_init(&nm);
	while (n < 3 && c->name[n])
		n++;
	for (size_t k = 0; k < n; k++) {
		last = fl.n;
		ck_assert_int_eq(mv_names_check(&nm, &fl, "p", c->name[k], strlen(c->name[k]),
		    c->type[k], c->link[k], c->max_name ? c->max_name : 4096), MV_OK);
	}
	for (size_t k = last; k < fl.n; k++) {
		strncat(got, fl.v[k].rule, sizeof(got) - strlen(got) - 2);
		strcat(got, " ");
	}
	for (const char *p = c->rules; *p;) {
		size_t len = strcspn(p, " ");
		char id[64];

		snprintf(id, sizeof(id), "%.*s", (int)len, p);
		ck_assert_msg(mv_findings_has(&fl, (enum mv_rule)mv_rule_lookup(id)),
		    "case %d: want %s, got '%s'", _i, id, got);
		want++;
		p += len;
		while (*p == ' ')
			p++;
	}
	ck_assert_msg(fl.n - last == want, "case %d: want '%s', got '%s'", _i, c->rules, got);
	mv_findings_free(&fl);
	mv_names_free(&nm);
}
END_TEST

static const struct {
	const char *in, *folded;
	int escapes;
} folds[] = {
	{"a/b", "a/b", 0},
	{"./A//B/", "a/b", 0},
	{"a\\.\\b", "a/b", 0},
	{"", "", 0},
	{"../x", "../x", 2},
	{"x/..", "", 2},
	{"a/b/../c", "a/c", 2},
	{"a/../../b", "../b", 2},
	{"../../x/..", "../..", 2},
	{"/x", "x", 1},
	{"\\x", "x", 1},
	{"z:", "z:", 1},
	{"..x/y..", "..x/y..", 0},
	{"\xc3\x89t\xc3\xa9", "e\xcc\x81te\xcc\x81", 0},
	{"\xff", "\xff", 0},
};

START_TEST(test_fold)
{
	char *f = mv_name_fold(folds[_i].in, strlen(folds[_i].in));

	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f, folds[_i].folded);
	ck_assert_int_eq(mv_name_escapes(folds[_i].in, strlen(folds[_i].in)), folds[_i].escapes);
	free(f);
}
END_TEST

/* ---- sniffing ---- */

struct magic {
	const char *what;
	const char *bytes;
	size_t n;
	enum mv_format fmt;
};

/* 13 fields of 8 hex digits (newc) and 11 octal fields (odc, 70 digits) after the magic. */
#define CPIO_NEWC_FIELDS "00000000000000000000000000000000000000000000000000000000000000000000" \
    "000000000000000000000000000000000000"
#define CPIO_ODC_FIELDS "0000000000000000000000000000000000000000000000000000000000000000000000"

static const struct magic magics[] = {
	{"zip", "PK\003\004\024\000", 6, MV_FMT_ZIP},
	{"empty zip", "PK\005\006", 4, MV_FMT_ZIP},
	{"spanned zip", "PK\007\010PK\003\004", 8, MV_FMT_ZIP},
	{"7z",
	    "\x37\x7a\xbc\xaf\x27\x1c\x00\x04\x14\x79\xaf\x0d\x06\x00\x00\x00\x00\x00\x00\x00"
	    "\x4a\x00\x00\x00\x00\x00\x00\x00\xf5\x38\x14\x06", 32, MV_FMT_7Z},
	{"7z, start header CRC wrong",
	    "\x37\x7a\xbc\xaf\x27\x1c\x00\x04\x14\x79\xaf\x0d\x06\x00\x00\x00\x00\x00\x00\x00"
	    "\x4a\x00\x00\x00\x00\x00\x00\x00\xf5\x38\x14\x07", 32, MV_FMT_UNKNOWN},
	{"gzip",
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00",
	    20, MV_FMT_GZIP},
	{"gzip, method 7",
	    "\x1f\x8b\x07\x00\x00\x00\x00\x00\x02\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00",
	    20, MV_FMT_UNKNOWN},
	{"gzip, reserved flag",
	    "\x1f\x8b\x08\x20\x00\x00\x00\x00\x02\x03\x03\x00\x00\x00\x00\x00\x00\x00\x00\x00",
	    20, MV_FMT_UNKNOWN},
	{"gzip, deflate breaks at once",
	    "\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\x07\x00\x00\x00\x00\x00\x00\x00\x00\x00",
	    20, MV_FMT_UNKNOWN},
	{"gzip, only the magic", "\x1f\x8b\x08\x00", 4, MV_FMT_UNKNOWN},
	{"bzip2", "BZh91AY&SY", 10, MV_FMT_BZIP2},
	{"empty bzip2", "BZh9\x17\x72\x45\x38\x50\x90", 10, MV_FMT_BZIP2},
	{"bzip2 without a block magic", "BZh91AY&SX", 10, MV_FMT_UNKNOWN},
	{"not bzip2", "BZh0", 4, MV_FMT_UNKNOWN},
	{"xz", "\xfd\x37\x7a\x58\x5a\x00\x00\x04\xe6\xd6\xb4\x46", 12, MV_FMT_XZ},
	{"xz, flags CRC wrong", "\xfd\x37\x7a\x58\x5a\x00\x00\x04\xe6\xd6\xb4\x47", 12, MV_FMT_UNKNOWN},
	{"zstd", "\x28\xb5\x2f\xfd\x24\x00\x01\x00\x00\x99\xe9\xd8\x51", 13, MV_FMT_ZSTD},
	{"zstd, reserved bit", "\x28\xb5\x2f\xfd\x2c\x00\x01\x00\x00\x99\xe9\xd8\x51", 13, MV_FMT_UNKNOWN},
	{"zstd, reserved block type",
	    "\x28\xb5\x2f\xfd\x24\x00\x07\x00\x00\x99\xe9\xd8\x51", 13, MV_FMT_UNKNOWN},
	{"lz4", "\x04\x22\x4d\x18\x64\x40\xa7\x00\x00\x00\x00\x05\x5d\xcc\x02", 15, MV_FMT_LZ4},
	{"lz4, header checksum wrong",
	    "\x04\x22\x4d\x18\x64\x40\xa8\x00\x00\x00\x00\x05\x5d\xcc\x02", 15, MV_FMT_UNKNOWN},
	{"lz4, version 0",
	    "\x04\x22\x4d\x18\x24\x40\xa7\x00\x00\x00\x00\x05\x5d\xcc\x02", 15, MV_FMT_UNKNOWN},
	{"lzip", "LZIP\001\x0c", 6, MV_FMT_LZIP},
	{"compress", "\x1f\x9d\x90", 3, MV_FMT_COMPRESS},
	{"lzma", "\x5d\000\000\x80\000\xff\xff\xff\xff\xff\xff\xff\xff\000", 14, MV_FMT_LZMA},
	{"rar", "Rar!\x1a\x07\x01\000", 8, MV_FMT_RAR},
	{"xar", "xar!\000\x1c", 6, MV_FMT_XAR},
	{"cab", "MSCF\000\000\000\000", 8, MV_FMT_CAB},
	{"ar", "!<arch>\n", 8, MV_FMT_AR},
	{"cpio newc", "070701" CPIO_NEWC_FIELDS, 110, MV_FMT_CPIO},
	{"cpio crc", "070702" CPIO_NEWC_FIELDS, 110, MV_FMT_CPIO},
	{"cpio newc, a field not hex", "070701" "0000000g" CPIO_NEWC_FIELDS, 110, MV_FMT_UNKNOWN},
	{"cpio odc", "070707" CPIO_ODC_FIELDS, 76, MV_FMT_CPIO},
	{"cpio odc, a field not octal", "070707" "8" CPIO_ODC_FIELDS, 76, MV_FMT_UNKNOWN},
	{"cpio binary", "\xc7\x71" "\000\000\000\000\000\000\000\000\000\000\000\000"
	    "\000\000\000\000\000\000\002\000\000\000\000\000" "a", 28, MV_FMT_CPIO},
	{"cpio binary, name not ended", "\xc7\x71" "\000\000\000\000\000\000\000\000\000\000\000\000"
	    "\000\000\000\000\000\000\002\000\000\000\000\000" "ab", 28, MV_FMT_UNKNOWN},
	{"gguf", "GGUF\003\000\000\000", 8, MV_FMT_GGUF},
	{"npy", "\x93NUMPY\001\000", 8, MV_FMT_NPY},
	{"hdf5", "\x89HDF\r\n\x1a\n", 8, MV_FMT_HDF5},
	{"elf", "\x7f" "ELF\002\001", 6, MV_FMT_ELF},
	{"mach-o", "\xcf\xfa\xed\xfe", 4, MV_FMT_MACHO},
	{"fat mach-o", "\xca\xfe\xba\xbe", 4, MV_FMT_MACHO},
	{"script", "#!/bin/sh\n", 10, MV_FMT_SCRIPT},
	{"pickle 2", "\x80\x02}q\000.", 6, MV_FMT_PICKLE},
	{"pickle 5", "\x80\x05\x95", 3, MV_FMT_PICKLE},
	{"not pickle 6", "\x80\x06\x95", 3, MV_FMT_UNKNOWN},
	{"safetensors", "\x0f\000\000\000\000\000\000\000{\"a\":1}        ", 23,
	    MV_FMT_SAFETENSORS},
	{"json", "  {\"model_type\": 1}", 19, MV_FMT_JSON},
	{"json array", "\xef\xbb\xbf[1, 2]", 9, MV_FMT_JSON},
	{"not json", "{x", 2, MV_FMT_UNKNOWN},
	{"text", "hello world", 11, MV_FMT_UNKNOWN},
	{"empty", "", 0, MV_FMT_UNKNOWN},
	{"one byte", "P", 1, MV_FMT_UNKNOWN},
};

START_TEST(test_magic)
{
	const struct magic *m = &magics[_i];

	ck_assert_msg(mv_sniff((const unsigned char *)m->bytes, m->n, UINT64_MAX) == m->fmt,
	    "%s: got %s", m->what, mv_format_name(mv_sniff((const unsigned char *)m->bytes, m->n,
	    UINT64_MAX)));
}
END_TEST

/* A tar header: ustar magic, or (v7) only a checksum that adds up. */
static void
tar_header(unsigned char *h, const char *magic, int good_sum)
{
	unsigned sum = 0;

	memset(h, 0, 512);
	memcpy(h, "model.bin", 9);
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 124, "00000000012", 11);
	h[156] = '0';
	if (magic)
		memcpy(h + 257, magic, strlen(magic));
	memset(h + 148, ' ', 8);
	for (int i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", good_sum ? sum : sum + 1);
}

START_TEST(test_magic_tar)
{
	unsigned char h[512];

	tar_header(h, "ustar", 1);
	ck_assert_int_eq(mv_sniff(h, sizeof(h), UINT64_MAX), MV_FMT_TAR);
	tar_header(h, "ustar  ", 1);
	ck_assert_int_eq(mv_sniff(h, sizeof(h), UINT64_MAX), MV_FMT_TAR);
	tar_header(h, NULL, 1);
	ck_assert_int_eq(mv_sniff(h, sizeof(h), UINT64_MAX), MV_FMT_TAR);
	tar_header(h, NULL, 0);
	ck_assert_int_eq(mv_sniff(h, sizeof(h), UINT64_MAX), MV_FMT_UNKNOWN);
	/* Zeros are no tar header, whatever libarchive makes of them. */
	memset(h, 0, sizeof(h));
	ck_assert_int_eq(mv_sniff(h, sizeof(h), UINT64_MAX), MV_FMT_UNKNOWN);
	tar_header(h, "ustar", 1);
	ck_assert_int_eq(mv_sniff(h, 511, UINT64_MAX), MV_FMT_UNKNOWN);
}
END_TEST

START_TEST(test_magic_pe_and_zip_tail)
{
	unsigned char b[256], tail[64];

	memset(b, 0, sizeof(b));
	b[0] = 'M';
	b[1] = 'Z';
	b[60] = 128;
	memcpy(b + 128, "PE\0\0", 4);
	ck_assert_int_eq(mv_sniff(b, sizeof(b), UINT64_MAX), MV_FMT_PE);
	b[60] = 254;     /* e_lfanew past the bytes seen */
	ck_assert_int_eq(mv_sniff(b, sizeof(b), UINT64_MAX), MV_FMT_UNKNOWN);
	/* An end record with a 10-byte comment at the very end. */
	memset(tail, 'x', sizeof(tail));
	memcpy(tail + 32, "PK\005\006", 4);
	memset(tail + 36, 0, 16);
	tail[52] = 10;
	tail[53] = 0;
	ck_assert_int_eq(mv_sniff_zip_tail(tail, sizeof(tail)), 1);
	tail[52] = 11;   /* the comment length must reach the end exactly */
	ck_assert_int_eq(mv_sniff_zip_tail(tail, sizeof(tail)), 0);
	ck_assert_int_eq(mv_sniff_zip_tail(tail, 21), 0);
	ck_assert(mv_format_is_container(MV_FMT_TAR));
	ck_assert(mv_format_is_container(MV_FMT_GZIP));
	ck_assert(!mv_format_is_container(MV_FMT_PICKLE));
	ck_assert(mv_format_needs_seek(MV_FMT_ZIP));
	ck_assert(!mv_format_needs_seek(MV_FMT_TAR));
}
END_TEST

static Suite *
suite(void)
{
	Suite *s = suite_create("walk");
	TCase *tc = tcase_create("fixtures");
	int n = (int)json_array_size(fixtures), nbenign = 0;

	for (int i = 0; i < n; i++)
		nbenign += is_benign(i);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fixture, 0, n);
	tcase_add_loop_test(tc, test_memory_source, 0, n);
	tcase_add_loop_test(tc, test_stdin, 0, 5);
	tcase_add_test(tc, test_jobs_order);
	suite_add_tcase(s, tc);
	tc = tcase_create("dir");
	tcase_add_test(tc, test_dir_walk);
	tcase_add_test(tc, test_entry_limit_dir);
	tcase_add_test(tc, test_missing_input);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_loop_test(tc, test_names, 0, sizeof(names) / sizeof(names[0]));
	tcase_add_loop_test(tc, test_fold, 0, sizeof(folds) / sizeof(folds[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("sniff");
	tcase_add_loop_test(tc, test_magic, 0, sizeof(magics) / sizeof(magics[0]));
	tcase_add_test(tc, test_magic_tar);
	tcase_add_test(tc, test_magic_pe_and_zip_tail);
	suite_add_tcase(s, tc);
	if (nbenign < 10)
		fprintf(stderr, "check_walk: only %d benign fixtures\n", nbenign);
	return s;
}

int
main(void)
{
	json_error_t err;
	json_t *skipped, *v;
	SRunner *sr;
	size_t i;
	int failed;

	if ((table = json_load_file(FIXDIR "/expected.json", 0, &err)) == NULL) {
		fprintf(stderr, "check_walk: %s/expected.json: %s (make check generates it with "
		    "testdata/archives/gen-archives.py)\n", FIXDIR, err.text);
		return EXIT_FAILURE;
	}
	fixtures = json_object_get(table, "fixtures");
	skipped = json_object_get(table, "skipped");
	json_array_foreach(skipped, i, v)
		printf("check_walk: fixture not generated: %s\n", json_string_value(v));
	if (!json_is_array(fixtures) || json_array_size(fixtures) == 0) {
		fprintf(stderr, "check_walk: no fixtures in %s/expected.json\n", FIXDIR);
		return EXIT_FAILURE;
	}
	sr = srunner_create(suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed) {
		json_decref(table);
		return EXIT_FAILURE;
	}
	/* A fixture the generator could not write (a tool missing) was not tested. */
	if (json_array_size(skipped) > 0) {
		printf("SKIP: check_walk: %zu fixture(s) not generated here\n",
		    json_array_size(skipped));
		json_decref(table);
		return 77;
	}
	json_decref(table);
	return EXIT_SUCCESS;
}
