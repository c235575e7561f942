/* SPDX-License-Identifier: Apache-2.0 */
/* sarif.c: SARIF 2.1.0 for code-scanning dashboards: every rule with its help text and
 * security-severity, every finding with a readable artifact location, suppressions kept. */
#include "config.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/buf.h"
#include "core/ctx.h"
#include "core/str.h"
#include "judge/judge.h"
#include "report/inventory.h"
#include "report/jsonw.h"
#include "report/report.h"

#define MV_SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define MV_INFO_URI "https://github.com/mavis-scanner/mavis"

static const char *
level(enum mv_severity sev)
{
	if (sev >= MV_SEV_HIGH)
		return "error";
	if (sev == MV_SEV_MEDIUM)
		return "warning";
	return "note";
}

/* Append a path as a URI reference: RFC 3986 path characters stay (so "a.tar.gz!/dir/f"
 * reads as it is), everything else is percent-encoded, ":" too so no segment looks like a
 * scheme, and with dots the dots of a "." or ".." segment too, so a viewer resolving the
 * reference does not fold "a.tar!/../x" into "x" (member names are not resolved paths). */
static mv_status
uri_add(struct mv_buf *b, const char *path, size_t len, int dots_literal)
{
	static const char keep[] = "-._~!$&'()*+,;=@/";
	const char *seg = path, *end = path + len;
	mv_status st = MV_OK;

	while (seg < end && st == MV_OK) {
		size_t n = strcspn(seg, "/");
		int dots = dots_literal && ((n == 1 && seg[0] == '.') ||
		    (n == 2 && seg[0] == '.' && seg[1] == '.'));

		if (n > (size_t)(end - seg))
			n = (size_t)(end - seg);
		for (size_t i = 0; i < n && st == MV_OK; i++) {
			unsigned char c = (unsigned char)seg[i];

			if (!dots && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			    (c >= '0' && c <= '9') || strchr(keep, c)))
				st = mv_buf_addc(b, c);
			else
				st = mv_buf_printf(b, "%%%02X", c);
		}
		seg += n;
		if (seg < end && *seg == '/' && st == MV_OK) {
			st = mv_buf_addc(b, '/');
			seg++;
		}
	}
	return st;
}

/*
 * Where artifact URIs are relative to. Code scanning wants paths relative to the repository:
 * inside a git work tree, %SRCROOT% is its top; elsewhere the current folder. A file under
 * %SRCROOT% gets a relative URI with uriBaseId; one outside it an absolute file:// URI (a
 * relative reference beginning with "/" is not allowed, SARIF1004); standard input a bare
 * relative "-" (or its --name).
 */
struct base {
	char *root;            /* absolute, ending in '/', or NULL when unknown */
	char *cwd;             /* absolute, ending in '/', or NULL */
};

static char *
slash_end(const char *dir)
{
	size_t n = strlen(dir);

	return mv_asprintf("%s%s", dir, n && dir[n - 1] == '/' ? "" : "/");
}

static void
base_init(struct base *b)
{
	char buf[PATH_MAX];
	struct stat st;

	b->root = b->cwd = NULL;
	if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
		return;
	b->cwd = slash_end(buf);
	/* The nearest folder upward holding .git (a folder, or a file for a linked tree). */
	for (;;) {
		size_t n = strlen(buf);
		char *git = mv_asprintf("%s%s.git", buf, n > 1 ? "/" : "");
		int found = git && stat(git, &st) == 0;
		char *slash;

		free(git);
		if (found) {
			b->root = slash_end(buf);
			return;
		}
		if (n <= 1 || (slash = strrchr(buf, '/')) == NULL)
			break;
		if (slash == buf)
			slash[1] = '\0';
		else
			*slash = '\0';
	}
	b->root = b->cwd ? mv_strdup(b->cwd) : NULL;
}

static void
base_free(struct base *b)
{
	free(b->root);
	free(b->cwd);
}

/* The folder part of a path made absolute and free of "." and ".." segments (lexically:
 * the package was read through the names given, not through resolved links). */
static char *
absolute(const struct base *b, const char *fs, size_t n)
{
	struct mv_buf out;
	char *joined, *p;

	if (fs[0] == '/')
		joined = mv_strndup(fs, n);
	else if (b->cwd)
		joined = mv_asprintf("%s%.*s", b->cwd, (int)n, fs);
	else
		return NULL;
	if (joined == NULL)
		return NULL;
	mv_buf_init(&out, strlen(joined) + 2);
	for (p = joined; *p;) {
		size_t k = strcspn(p, "/");

		if (k == 0 || (k == 1 && p[0] == '.')) {
			/* nothing */
		} else if (k == 2 && p[0] == '.' && p[1] == '.') {
			while (out.len > 0 && out.p[out.len - 1] != '/')
				out.len--;
			if (out.len > 0)
				out.len--;
		} else if (mv_buf_addc(&out, '/') != MV_OK || mv_buf_add(&out, p, k) != MV_OK) {
			break;
		}
		p += k;
		if (*p == '/')
			p++;
	}
	free(joined);
	if (out.len == 0 && mv_buf_addc(&out, '/') != MV_OK) {
		mv_buf_free(&out);
		return NULL;
	}
	if (mv_buf_terminate(&out) != MV_OK) {
		mv_buf_free(&out);
		return NULL;
	}
	return (char *)mv_buf_steal(&out);
}

/* The artifactLocation of a displayed path (an input, then "/" or "!/" joins). */
static json_t *
artifact(const struct base *b, const char *path, int is_stdin)
{
	const char *bang = strstr(path, "!/");
	size_t fsn = bang ? (size_t)(bang - path) : strlen(path);
	json_t *art = json_object();
	struct mv_buf u;
	char *abs = NULL;
	const char *base_id = NULL;
	mv_status st;

	if (art == NULL)
		return NULL;
	mv_buf_init(&u, 3 * strlen(path) + 3 * PATH_MAX + 16);
	if (is_stdin || (abs = absolute(b, path, fsn)) == NULL) {
		st = uri_add(&u, path, fsn, 1);
	} else if (b->root && strncmp(abs, b->root, strlen(b->root)) == 0) {
		st = uri_add(&u, abs + strlen(b->root), strlen(abs + strlen(b->root)), 0);
		base_id = "%SRCROOT%";
	} else {
		st = mv_buf_add(&u, "file://", 7);
		if (st == MV_OK)
			st = uri_add(&u, abs, strlen(abs), 0);
	}
	if (st == MV_OK && bang)
		st = uri_add(&u, bang, strlen(bang), 1);
	if (st == MV_OK && u.len == 0)
		st = mv_buf_addc(&u, '.');
	if (st == MV_OK)
		st = mv_buf_terminate(&u);
	if (st == MV_OK) {
		json_object_set_new(art, "uri", json_string((const char *)u.p));
		if (base_id)
			json_object_set_new(art, "uriBaseId", json_string(base_id));
	}
	free(abs);
	mv_buf_free(&u);
	return art;
}

/* Is the displayed path one of standard input's? */
static int
from_stdin(const struct mv_result *res, const char *path)
{
	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		const char *in = mv_result_input(res, i);
		size_t n = strlen(in);

		if (mv_result_input_is_stdin(res, i) && strncmp(path, in, n) == 0 &&
		    (path[n] == '\0' || strncmp(path + n, "!/", 2) == 0))
			return 1;
	}
	return 0;
}

static json_t *
text(const char *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "text", mv_json_bytes(s));
	return o;
}

/* "archive.path.traversal" as the PascalCase name SARIF viewers show: ArchivePathTraversal. */
static const char *
friendly(const char *id, char *buf, size_t n)
{
	size_t k = 0;
	int up = 1;

	for (const char *p = id; *p && k + 1 < n; p++) {
		if (*p == '.' || *p == '_' || *p == '-') {
			up = 1;
			continue;
		}
		buf[k++] = (char)(up && *p >= 'a' && *p <= 'z' ? *p - 32 : *p);
		up = 0;
	}
	buf[k] = '\0';
	return buf;
}

static json_t *
rule_object(const struct mv_rule_info *ri)
{
	json_t *o = json_object(), *cfg = json_object(), *props = json_object(),
	    *help = json_object();
	char *md = NULL, *plain = NULL, name[128];
	struct mv_buf refs;

	mv_buf_init(&refs, 4096);
	for (size_t i = 0; i < ri->nprovisions; i++)
		mv_buf_printf(&refs, "%s%s (UK %s)", i ? ", " : "", ri->provisions[i]->etsi,
		    ri->provisions[i]->uk);
	mv_buf_terminate(&refs);
	plain = mv_asprintf("%s\n\nRemediation: %s%s%s", ri->title, ri->remediation,
	    refs.len ? "\n\nEvidence for ETSI TS 104 223 provisions " : "",
	    refs.len ? (const char *)refs.p : "");
	md = mv_asprintf("**%s**\n\n**Remediation:** %s%s%s", ri->title, ri->remediation,
	    refs.len ? "\n\nEvidence for ETSI TS 104 223 provisions " : "",
	    refs.len ? (const char *)refs.p : "");
	json_object_set_new(o, "id", json_string(ri->id));
	json_object_set_new(o, "name", json_string(friendly(ri->id, name, sizeof(name))));
	json_object_set_new(o, "shortDescription", text(ri->title));
	json_object_set_new(o, "fullDescription", text(ri->title));
	json_object_set_new(help, "text", json_string(plain ? plain : ri->remediation));
	json_object_set_new(help, "markdown", json_string(md ? md : ri->remediation));
	json_object_set_new(o, "help", help);
	json_object_set_new(cfg, "level", json_string(level(ri->severity)));
	json_object_set_new(o, "defaultConfiguration", cfg);
	json_object_set_new(props, "security-severity",
	    json_string(mv_report_security_severity(ri->severity)));
	json_object_set_new(props, "severity", json_string(mv_severity_name(ri->severity)));
	json_object_set_new(props, "tags", mv_report_rule_tags(ri));
	json_object_set_new(o, "properties", props);
	free(plain);
	free(md);
	mv_buf_free(&refs);
	return o;
}

/* Entries by path, so a finding's whole-entry region can give the entry's size; and the
 * base of relative URIs. */
struct index {
	const struct mv_entry **v;
	size_t n;
	struct base base;
};

static int
by_path(const void *a, const void *b)
{
	return strcmp((*(const struct mv_entry *const *)a)->path,
	    (*(const struct mv_entry *const *)b)->path);
}

static const struct mv_entry *
lookup(const struct index *ix, const char *path)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(path, ix->v[mid]->path);

		if (c == 0)
			return ix->v[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

static json_t *
location(const struct mv_judged *d, const struct mv_result *res, const struct index *ix)
{
	json_t *loc = json_object(), *phys = json_object(), *reg = json_object();
	const char *path = d->path;
	const struct mv_entry *e;

	/* A finding about the whole package points at the (first) input. */
	if (path[0] == '\0' && mv_result_input_count(res))
		path = mv_result_input(res, 0);
	json_object_set_new(phys, "artifactLocation", artifact(&ix->base, path,
	    from_stdin(res, path)));
	/* Model files are binary: regions are byte ranges, one byte at an offset, else the
	 * whole entry (empty for a folder or the package). */
	if (d->offset >= 0) {
		json_object_set_new(reg, "byteOffset", json_integer(d->offset));
		json_object_set_new(reg, "byteLength", json_integer(1));
	} else {
		e = lookup(ix, path);
		json_object_set_new(reg, "byteOffset", json_integer(0));
		json_object_set_new(reg, "byteLength", json_integer(e && e->type == MV_ENTRY_FILE ?
		    (json_int_t)e->size : 0));
	}
	json_object_set_new(phys, "region", reg);
	json_object_set_new(loc, "physicalLocation", phys);
	return loc;
}

static json_t *
result(const struct mv_judged *d, size_t rule_index, const struct mv_result *res,
    const struct index *ix)
{
	json_t *o = json_object(), *locs = json_array(), *props = json_object();

	json_object_set_new(o, "ruleId", json_string(d->rule));
	if (rule_index != (size_t)-1)
		json_object_set_new(o, "ruleIndex", json_integer((json_int_t)rule_index));
	json_object_set_new(o, "level", json_string(level(d->severity)));
	json_object_set_new(o, "message", text(d->evidence));
	json_array_append_new(locs, location(d, res, ix));
	json_object_set_new(o, "locations", locs);
	if (d->suppressed) {
		json_t *sups = json_array(), *s = json_object();

		json_object_set_new(s, "kind", json_string("external"));
		json_object_set_new(s, "status", json_string("accepted"));
		json_object_set_new(s, "justification", mv_json_bytes(d->suppressed));
		json_array_append_new(sups, s);
		json_object_set_new(o, "suppressions", sups);
	}
	json_object_set_new(props, "severity", json_string(mv_severity_name(d->severity)));
	json_object_set_new(props, "security-severity",
	    json_string(mv_report_security_severity(d->severity)));
	json_object_set_new(props, "path", mv_json_bytes(d->path));
	json_object_set_new(o, "properties", props);
	return o;
}

mv_status
mv_report_sarif(struct mv_ctx *ctx, const struct mv_judgement *j, FILE *out)
{
	const struct mv_rules *rules = mv_judgement_rules(j);
	const struct mv_result *res = mv_judgement_result(j);
	json_t *top = json_object(), *runs = json_array(), *run = json_object(),
	    *tool = json_object(), *driver = json_object(), *rs = json_array(),
	    *results = json_array(), *inv = json_object(), *invs = json_array(),
	    *props = json_object(), *sig = json_object();
	struct index ix = {NULL, 0, {NULL, NULL}};
	mv_status st;

	if (top == NULL || runs == NULL || run == NULL || tool == NULL || driver == NULL ||
	    rs == NULL || results == NULL || inv == NULL || invs == NULL || props == NULL ||
	    sig == NULL) {
		json_decref(top);
		json_decref(runs);
		json_decref(run);
		json_decref(tool);
		json_decref(driver);
		json_decref(rs);
		json_decref(results);
		json_decref(inv);
		json_decref(invs);
		json_decref(props);
		json_decref(sig);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	json_object_set_new(top, "$schema", json_string(MV_SARIF_SCHEMA));
	json_object_set_new(top, "version", json_string("2.1.0"));
	json_object_set_new(driver, "name", json_string("mavis"));
	json_object_set_new(driver, "version", json_string(mv_version()));
	json_object_set_new(driver, "semanticVersion", json_string(mv_version()));
	json_object_set_new(driver, "informationUri", json_string(MV_INFO_URI));
	for (size_t i = 0; i < mv_rules_count(rules); i++)
		json_array_append_new(rs, rule_object(mv_rules_get(rules, i)));
	json_object_set_new(driver, "rules", rs);
	json_object_set_new(tool, "driver", driver);
	json_object_set_new(run, "tool", tool);
	json_object_set_new(inv, "executionSuccessful", json_boolean(
	    !mv_result_incomplete(res)));
	json_array_append_new(invs, inv);
	json_object_set_new(run, "invocations", invs);
	ix.n = mv_result_entry_count(res);
	if ((ix.v = calloc(ix.n + 1, sizeof(*ix.v))) == NULL) {
		json_decref(top);
		json_decref(run);
		json_decref(results);
		json_decref(props);
		json_decref(sig);
		json_decref(runs);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < ix.n; i++)
		ix.v[i] = mv_result_entry(res, i);
	qsort(ix.v, ix.n, sizeof(*ix.v), by_path);
	base_init(&ix.base);
	if (ix.base.root) {
		json_t *ids = json_object(), *r = json_object();
		struct mv_buf u;

		mv_buf_init(&u, 3 * strlen(ix.base.root) + 8);
		if (mv_buf_add(&u, "file://", 7) == MV_OK &&
		    uri_add(&u, ix.base.root, strlen(ix.base.root), 0) == MV_OK &&
		    mv_buf_terminate(&u) == MV_OK)
			json_object_set_new(r, "uri", json_string((const char *)u.p));
		mv_buf_free(&u);
		json_object_set_new(ids, "%SRCROOT%", r);
		json_object_set_new(run, "originalUriBaseIds", ids);
	}
	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);
		size_t idx = d->info ? (size_t)(d->info - mv_rules_get(rules, 0)) : (size_t)-1;

		json_array_append_new(results, result(d, idx, res, &ix));
	}
	json_object_set_new(run, "results", results);
	json_object_set_new(run, "columnKind", json_string("unicodeCodePoints"));
	json_object_set_new(sig, "path", mv_json_bytes(mv_rules_dir(rules)));
	json_object_set_new(sig, "sha256", json_string(mv_rules_digest(rules)));
	json_object_set_new(props, "signatures", sig);
	json_object_set_new(props, "verdict", mv_json_verdict(j));
	json_object_set_new(props, "verification", mv_json_verification(j));
	json_object_set_new(props, "principles", mv_json_principles(j));
	json_object_set_new(run, "properties", props);
	json_array_append_new(runs, run);
	json_object_set_new(top, "runs", runs);
	free(ix.v);
	base_free(&ix.base);
	st = mv_json_dump(top, out);
	json_decref(top);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot write the report");
	return MV_OK;
}
