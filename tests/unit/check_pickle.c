/* SPDX-License-Identifier: Apache-2.0 */
/* check_pickle.c: the pickle machine: every fixture of testdata/pickle through mv_run, the
 * same findings whatever the chunking of the bytes, the callable policy, and sniffing. */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mavis.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/finding.h"
#include "core/str.h"
#include "scan/pickle.h"
#include "scan/pypolicy.h"
#include "fixture.h"

#define SIGDIR TESTDATA "/../signatures"

static struct mv_fixture *fixtures;
static size_t nfixtures;
static const struct mv_pypolicy *policy;
static uint64_t limits[MV_LIMIT__COUNT];

static void
setup_policy(void)
{
	char err[512];
	struct mv_ctx *ctx = mv_ctx_new();

	ck_assert_ptr_nonnull(ctx);
	for (int i = 0; i < MV_LIMIT__COUNT; i++)
		limits[i] = mv_ctx_limit(ctx, (enum mv_limit)i);
	mv_ctx_free(ctx);
	ck_assert_msg(mv_pypolicy_get(SIGDIR, &policy, err, sizeof(err)) == MV_OK, "%s", err);
}

/* ---- every fixture through the whole scanner ---- */

START_TEST(test_fixture)
{
	mv_fixture_check("pickle", &fixtures[_i]);
}
END_TEST

/* ---- the machine alone, fed in chunks ---- */

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	struct mv_buf b;
	unsigned char chunk[8192];
	size_t n;

	ck_assert_msg(fp != NULL, "%s", path);
	mv_buf_init(&b, 64u << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		ck_assert_int_eq(mv_buf_add(&b, chunk, n), MV_OK);
	fclose(fp);
	*len = b.len;
	ck_assert_int_eq(mv_buf_terminate(&b), MV_OK);
	return mv_buf_steal(&b);
}

/* The findings of one run as text: rule, offset, evidence, a line each. */
static char *
run_machine(const unsigned char *p, size_t n, const size_t *cuts, size_t ncuts,
    size_t step)
{
	struct mv_findings fl = {0};
	struct mv_pickle_opts o;
	struct mv_pickle *m;
	struct mv_buf out;
	size_t pos = 0;

	memset(&o, 0, sizeof(o));
	o.policy = policy;
	o.limit = limits;
	o.findings = &fl;
	o.path = "x";
	o.summary = 1;
	m = mv_pickle_new(&o);
	ck_assert_ptr_nonnull(m);
	if (step) {
		for (pos = 0; pos < n; pos += step)
			mv_pickle_feed(m, p + pos, n - pos < step ? n - pos : step);
	} else {
		for (size_t i = 0; i <= ncuts; i++) {
			size_t end = i < ncuts ? cuts[i] : n;

			mv_pickle_feed(m, p + pos, end - pos);
			pos = end;
		}
	}
	mv_pickle_end(m, 1);
	mv_pickle_free(m);
	mv_buf_init(&out, 16u << 20);
	for (size_t i = 0; i < fl.n; i++)
		ck_assert_int_eq(mv_buf_printf(&out, "%s %lld %s\n", fl.v[i].rule,
		    (long long)fl.v[i].offset, fl.v[i].evidence), MV_OK);
	ck_assert_int_eq(mv_buf_terminate(&out), MV_OK);
	mv_findings_free(&fl);
	return (char *)mv_buf_steal(&out);
}

/* Fixtures that are pickle streams (not zips, tars, npy or compressed files). */
static int
is_pickle_file(const char *name, const unsigned char *p, size_t n)
{
	size_t l = strlen(name);

	if (n < 2 || p[0] == 'P' || p[0] == 0x1f || p[0] == 0x78 || p[0] == 0x93 ||
	    memcmp(p, "BZh", n < 3 ? n : 3) == 0 || memcmp(p, "\xfd" "7zXZ", n < 5 ? n : 5) == 0 ||
	    p[0] == '7' || (n > 262 && memcmp(p + 257, "ustar", 5) == 0))
		return 0;
	return (l > 4 && strcmp(name + l - 4, ".pkl") == 0) ||
	    (l > 3 && strcmp(name + l - 3, ".pt") == 0) || strcmp(name, "pytorch_model.bin") == 0 ||
	    (l > 7 && strcmp(name + l - 7, ".joblib") == 0);
}

/* The fixtures that are pickle streams, chosen before the loop runs so that no case of it
 * can turn into a silent pass; main requires most fixtures to be among them. */
static size_t *streams;
static size_t nstreams;

static void
find_streams(void)
{
	if ((streams = calloc(nfixtures, sizeof(*streams))) == NULL)
		exit(1);
	for (size_t i = 0; i < nfixtures; i++) {
		char *path = mv_asprintf("%s/pickle/%s", TESTDATA, fixtures[i].name);
		FILE *fp = path ? fopen(path, "rb") : NULL;
		unsigned char head[512];
		size_t n;

		if (fp == NULL) {
			fprintf(stderr, "check_pickle: cannot read %s\n", path ? path : "");
			exit(1);
		}
		n = fread(head, 1, sizeof(head), fp);
		fclose(fp);
		free(path);
		if (is_pickle_file(fixtures[i].name, head, n))
			streams[nstreams++] = i;
	}
}

/* Two chunks split at every byte boundary, and one byte at a time: always the findings of
 * the whole buffer fed at once. */
START_TEST(test_chunking)
{
	const struct mv_fixture *fx = &fixtures[streams[_i]];
	char *path = mv_asprintf("%s/pickle/%s", TESTDATA, fx->name);
	unsigned char *data;
	size_t n;
	char *whole, *other;

	data = slurp(path, &n);
	ck_assert_msg(is_pickle_file(fx->name, data, n), "%s: not a pickle stream", fx->name);
	whole = run_machine(data, n, NULL, 0, 0);
	other = run_machine(data, n, NULL, 0, 1);
	ck_assert_msg(strcmp(whole, other) == 0, "%s byte by byte:\n%s\nversus whole:\n%s",
	    fx->name, other, whole);
	free(other);
	/* Every boundary for small files; for big ones a spread of them. */
	for (size_t k = 1; k < n; k += n <= 4096 ? 1 : n / 97 + 1) {
		other = run_machine(data, n, &k, 1, 0);
		ck_assert_msg(strcmp(whole, other) == 0, "%s split at %zu:\n%s\nversus whole:\n%s",
		    fx->name, k, other, whole);
		free(other);
	}
	free(whole);
	free(data);
	free(path);
}
END_TEST

/* ---- limits: each is a finding, never a silent stop ---- */

#define B(s) s, sizeof(s) - 1

static const struct {
	enum mv_limit lim;
	uint64_t value;
	const char *bytes;
	size_t len;
	const char *rule;
} limited[] = {
	{MV_LIMIT_PICKLE_OPS, 5, B("\x80\x02NNNNNNNN."), "pickle.limit.ops"},
	{MV_LIMIT_PICKLE_STACK, 3, B("\x80\x02NNNN."), "pickle.limit.stack"},
	{MV_LIMIT_PICKLE_STACK, 3, B("\x80\x02((((N."), "pickle.limit.stack"},
	{MV_LIMIT_PICKLE_MEMO, 2, B("\x80\x04N\x94\x94N\x94."), "pickle.limit.memo"},
	{MV_LIMIT_PICKLE_MEMO, 2, B("\x80\x02Nq\x01r\x00\x00\x10\x00q\x03."),
	    "pickle.limit.memo"},
	{MV_LIMIT_PICKLE_STREAMS, 2, B("\x80\x02N.\x80\x02N.\x80\x02N."), "pickle.limit.streams"},
	{MV_LIMIT_PICKLE_MEMORY, 1, B("\x80\x04\x8c\x20xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx."),
	    "pickle.limit.memory"},
};

START_TEST(test_limits)
{
	struct mv_findings fl = {0};
	struct mv_pickle_opts o;
	struct mv_pickle *m;
	uint64_t lim[MV_LIMIT__COUNT];
	int found = 0;

	memcpy(lim, limits, sizeof(lim));
	lim[limited[_i].lim] = limited[_i].value;
	memset(&o, 0, sizeof(o));
	o.policy = policy;
	o.limit = lim;
	o.findings = &fl;
	o.path = "x";
	ck_assert_ptr_nonnull(m = mv_pickle_new(&o));
	mv_pickle_feed(m, (const unsigned char *)limited[_i].bytes, limited[_i].len);
	mv_pickle_end(m, 1);
	mv_pickle_free(m);
	for (size_t i = 0; i < fl.n; i++)
		if (strcmp(fl.v[i].rule, limited[_i].rule) == 0)
			found = 1;
	ck_assert_msg(found, "limit %d: no %s among %zu findings", _i, limited[_i].rule, fl.n);
	mv_findings_free(&fl);
}
END_TEST

/* ---- the policy ---- */

static const struct {
	const char *module, *name;
	enum mv_pyverdict verdict;
	enum mv_severity sev;
	const char *canon;          /* module.name after aliases, or NULL */
} judged[] = {
	{"collections", "OrderedDict", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"__builtin__", "set", MV_PY_ALLOWED, MV_SEV_INFO, "builtins.set"},
	{"torch._utils", "_rebuild_tensor_v2", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"__torch__.torch.nn.modules.linear", "Linear", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"posix", "system", MV_PY_DENIED, MV_SEV_CRITICAL, "os.system"},
	{"nt", "system", MV_PY_DENIED, MV_SEV_CRITICAL, "os.system"},
	{"__builtin__", "reduce", MV_PY_DENIED, MV_SEV_CRITICAL, "functools.reduce"},
	{"cPickle", "loads", MV_PY_DENIED, MV_SEV_CRITICAL, "pickle.loads"},
	{"_pickle", "loads", MV_PY_DENIED, MV_SEV_CRITICAL, "pickle.loads"},
	{"commands", "getoutput", MV_PY_DENIED, MV_SEV_CRITICAL, "subprocess.getoutput"},
	{"httplib", "HTTPConnection", MV_PY_DENIED, MV_SEV_HIGH, "http.client.HTTPConnection"},
	{"asyncio.unix_events", "_UnixSubprocessTransport._start", MV_PY_DENIED,
	    MV_SEV_CRITICAL, NULL},
	{"pathlib", "os.system", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"builtins", "eval.__call__", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"numpy", "__builtins__", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"numpy", "core._internal.sys.modules", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"builtins", "dict.get", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"collections", "OrderedDict.fromkeys", MV_PY_DOTTED, MV_SEV_HIGH, NULL},
	{"code", "InteractiveInterpreter.runcode", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"torch", "load", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"torch", "loader", MV_PY_UNKNOWN, MV_SEV_HIGH, NULL},
	{"torch.serialization", "_get_layout", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"torch.serialization", "load", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"_json", "scanstring", MV_PY_PRIVATE, MV_SEV_HIGH, NULL},
	{"_io", "BytesIO", MV_PY_ALLOWED, MV_SEV_INFO, "io.BytesIO"},
	{"_io", "FileIO", MV_PY_DENIED, MV_SEV_HIGH, "io.FileIO"},
	{"mylib", "Net", MV_PY_UNKNOWN, MV_SEV_HIGH, NULL},
	{"__main__", "Net", MV_PY_UNKNOWN, MV_SEV_HIGH, NULL},
	{"os\r", "system", MV_PY_UNKNOWN, MV_SEV_HIGH, NULL},
	{"posixpath", "join", MV_PY_DENIED, MV_SEV_CRITICAL, "os.path.join"},
	{"joblib.numpy_pickle", "NumpyArrayWrapper", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"joblib.numpy_pickle", "read_array", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"logging", "FileHandler", MV_PY_DENIED, MV_SEV_HIGH, NULL},
	{"logging.config", "listen", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	/* Re-exports (export lines of pickle-alias.txt): denied whatever module spells them. */
	{"torchvision.models.resnet", "partial", MV_PY_DENIED, MV_SEV_CRITICAL,
	    "functools.partial"},
	{"numpy.lib", "load", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"torch.utils.model_zoo", "load_url", MV_PY_DENIED, MV_SEV_CRITICAL,
	    "torch.hub.load_state_dict_from_url"},
	{"sklearn.utils._joblib", "load", MV_PY_DENIED, MV_SEV_CRITICAL,
	    "joblib.numpy_pickle.load"},
	{"sympy.calculus.euler", "sympify", MV_PY_DENIED, MV_SEV_CRITICAL,
	    "sympy.core.sympify.sympify"},
	/* String evaluators of typing and SymPy, private helpers of trusted packages. */
	{"typing", "get_type_hints", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"typing", "ForwardRef._evaluate", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"sympy", "S", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"sympy.parsing.sympy_parser", "parse_expr", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"torch._utils", "_import_dotted_name", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"torch._utils", "_rebuild_something", MV_PY_UNKNOWN, MV_SEV_HIGH, NULL},
	{"torch", "ops.load_library", MV_PY_DENIED, MV_SEV_CRITICAL, NULL},
	{"sklearn.utils._testing", "assert_run_python_script", MV_PY_DENIED, MV_SEV_CRITICAL,
	    NULL},
	/* What real libraries write (the generated part of pickle-allow.txt). */
	{"torchvision.models.resnet", "ResNet", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"torchvision.transforms.functional", "InterpolationMode.BILINEAR", MV_PY_ALLOWED,
	    MV_SEV_INFO, NULL},
	{"torchvision.transforms.functional", "InterpolationMode.__class__", MV_PY_DENIED,
	    MV_SEV_CRITICAL, NULL},
	{"pandas.core.frame", "DataFrame", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"torch.sparse", "FloatTensor", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
	{"xgboost.sklearn", "XGBClassifier", MV_PY_ALLOWED, MV_SEV_INFO, NULL},
};

START_TEST(test_policy)
{
	struct mv_pyjudgement j;
	char canon[600];

	mv_pypolicy_judge(policy, judged[_i].module, strlen(judged[_i].module), judged[_i].name,
	    strlen(judged[_i].name), &j);
	ck_assert_msg(j.verdict == judged[_i].verdict && j.severity == judged[_i].sev,
	    "%s.%s: verdict %d severity %d (%s)", judged[_i].module, judged[_i].name, j.verdict,
	    j.severity, j.reason);
	if (judged[_i].canon) {
		snprintf(canon, sizeof(canon), "%s.%s", j.module, j.name);
		ck_assert_str_eq(canon, judged[_i].canon);
	}
}
END_TEST

/* Broken list files are refused with the file and line named. */
static const struct {
	const char *allow, *deny, *alias, *want;
} broken[] = {
	{"name os\n", "module os critical x\n", "", "pickle-allow.txt:1"},
	{"name a b ok\n", "module os deadly x\n", "", "pickle-deny.txt:1"},
	{"name a b ok\n", "module os critical x\n", "module a\n", "pickle-alias.txt:1"},
	{"name a b ok\n", "module os critical x\n", "export a b c\n", "pickle-alias.txt:1"},
	{"name a b ok\n", "module os critical x\n", "export a b c d$\n",
	    "not a dotted Python name"},
	{"name a b ok\n", "module o$s critical x\n", "", "not a dotted Python name"},
	{"thing a b ok\n", "module os critical x\n", "", "unknown entry kind"},
	{"# nothing\n", "module os critical x\n", "", "empty"},
};

static void
put(const char *dir, const char *name, const char *text)
{
	char *p = mv_path_join(dir, name);
	FILE *fp = fopen(p, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	free(p);
}

START_TEST(test_policy_broken)
{
	char dir[] = BUILDDIR "/check_pickle.XXXXXX", err[512];
	struct mv_pypolicy *p = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	put(dir, "pickle-allow.txt", broken[_i].allow);
	put(dir, "pickle-deny.txt", broken[_i].deny);
	put(dir, "pickle-alias.txt", broken[_i].alias);
	ck_assert_int_ne(mv_pypolicy_load(dir, &p, err, sizeof(err)), MV_OK);
	ck_assert_msg(strstr(err, broken[_i].want) != NULL, "error '%s' lacks '%s'", err,
	    broken[_i].want);
	for (int i = 0; i < 3; i++) {
		static const char *const files[] = {"pickle-allow.txt", "pickle-deny.txt",
		    "pickle-alias.txt"};
		char *q = mv_path_join(dir, files[i]);

		remove(q);
		free(q);
	}
	ck_assert_int_eq(mv_pypolicy_load(dir, &p, err, sizeof(err)), MV_ERR_NOTFOUND);
	remove(dir);
}
END_TEST

/* A missing signatures folder fails the run instead of scanning without a policy. */
START_TEST(test_no_signatures)
{
	struct mv_ctx *ctx = mv_ctx_new();
	struct mv_result *res = NULL;
	const char *in[] = {TESTDATA "/pickle/ok_builtin_p2.pkl"};

	mv_ctx_set_flags(ctx, MV_RUN_ANALYSE);
	ck_assert_int_eq(mv_ctx_set_signatures(ctx, BUILDDIR "/no-such-folder"), MV_OK);
	ck_assert_int_ne(mv_run(ctx, in, 1, &res), MV_OK);
	ck_assert_ptr_null(res);
	ck_assert_msg(strstr(mv_ctx_error(ctx), "pickle-allow.txt") != NULL, "%s",
	    mv_ctx_error(ctx));
	mv_ctx_free(ctx);
}
END_TEST

/* ---- sniffing protocols 0 and 1 ---- */

static const struct {
	const char *bytes;
	size_t len;
	int final, want;
} sniffs[] = {
	{"cos\nsystem\n(S'id'\ntR.", 21, 1, 1},
	{"(dp0\nS'a'\np1\nI1\ns.", 19, 1, 1},
	{"]q\x00(K\x01K\x02e.", 11, 1, 1},
	{"\x80\x02}q\x00.", 6, 1, 1},
	{"class Foo:\n    pass\n", 20, 1, 0},
	{"cat\ndog\nfish\n", 13, 1, 0},
	{"N.", 2, 0, 0},
	{"Hello world\n", 12, 1, 0},
	{"{\"a\": 1}", 8, 1, 0},
	{"I12\nI13\n", 8, 0, -1},
	{"", 0, 1, 0},
};

START_TEST(test_sniff)
{
	ck_assert_int_eq(mv_pickle_sniff((const unsigned char *)sniffs[_i].bytes, sniffs[_i].len,
	    sniffs[_i].final), sniffs[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("pickle");
	TCase *tc;
	SRunner *sr;
	int failed;

	nfixtures = mv_fixtures_load("pickle", &fixtures);
	tc = tcase_create("fixtures");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_fixture, 0, (int)nfixtures);
	suite_add_tcase(s, tc);
	tc = tcase_create("chunking");
	tcase_set_timeout(tc, 600);
	tcase_add_checked_fixture(tc, setup_policy, NULL);
	find_streams();
	if (nstreams < nfixtures / 2) {
		fprintf(stderr, "check_pickle: only %zu of %zu fixtures are pickle streams\n",
		    nstreams, nfixtures);
		return 1;
	}
	tcase_add_loop_test(tc, test_chunking, 0, (int)nstreams);
	suite_add_tcase(s, tc);
	tc = tcase_create("limits");
	tcase_add_checked_fixture(tc, setup_policy, NULL);
	tcase_add_loop_test(tc, test_limits, 0, (int)(sizeof(limited) / sizeof(limited[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("policy");
	tcase_add_checked_fixture(tc, setup_policy, NULL);
	tcase_add_loop_test(tc, test_policy, 0, (int)(sizeof(judged) / sizeof(judged[0])));
	tcase_add_loop_test(tc, test_policy_broken, 0, (int)(sizeof(broken) / sizeof(broken[0])));
	tcase_add_test(tc, test_no_signatures);
	suite_add_tcase(s, tc);
	tc = tcase_create("sniff");
	tcase_add_loop_test(tc, test_sniff, 0, (int)(sizeof(sniffs) / sizeof(sniffs[0])));
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
