/* SPDX-License-Identifier: Apache-2.0 */
/* text.c: the report people read: a summary line, findings grouped by file and sorted by
 * severity, the verdict, and the principle summary (the whole table with --principles). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "judge/judge.h"
#include "report/report.h"

static const char *const sev_colour[] = {"\033[2m", "\033[36m", "\033[33m", "\033[31m",
    "\033[1;31m"};
#define RESET "\033[0m"
#define BOLD "\033[1m"
#define GREEN "\033[32m"
#define RED "\033[1;31m"
#define YELLOW "\033[33m"

struct row {
	size_t idx;
	const struct mv_judged *d;
	enum mv_severity gsev;  /* highest severity of the row's file */
	size_t gfirst;          /* first finding of the row's file, in walk order */
};

static int
by_path(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = strcmp(x->d->path, y->d->path);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* Files with the worst findings first, then walk order; within a file, worst first. */
static int
by_group(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->gsev != y->gsev)
		return x->gsev > y->gsev ? -1 : 1;
	if (x->gfirst != y->gfirst)
		return x->gfirst < y->gfirst ? -1 : 1;
	if (x->d->severity != y->d->severity)
		return x->d->severity > y->d->severity ? -1 : 1;
	return (x->idx > y->idx) - (x->idx < y->idx);
}

static void
put_path(FILE *out, const char *path)
{
	if (path[0] == '\0') {
		fputs("(package)", out);
		return;
	}
	mv_print_name(out, path);
}

static void
human(char *buf, size_t n, uint64_t v)
{
	static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
	double d = (double)v;
	int u = 0;

	while (d >= 1024 && u < 4) {
		d /= 1024;
		u++;
	}
	snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", d, units[u]);
}

static void
upper(char *dst, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n && src[i]; i++)
		dst[i] = (char)(src[i] >= 'a' && src[i] <= 'z' ? src[i] - 32 : src[i]);
	dst[i] = '\0';
}

static void
summary(FILE *out, const struct mv_judgement *j)
{
	const struct mv_result *res = mv_judgement_result(j);
	size_t counts[MV_SEV_CRITICAL + 1], files, total = 0, sup = mv_judgement_suppressed(j);
	uint64_t bytes;
	char size[32];
	int first = 1;

	mv_report_counts(j, counts);
	mv_report_file_totals(res, &files, &bytes);
	human(size, sizeof(size), bytes);
	for (int s = 0; s <= MV_SEV_CRITICAL; s++)
		total += counts[s];
	fprintf(out, "mavis %s scanned ", mv_version());
	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		fputs(i ? ", " : "", out);
		put_path(out, mv_result_input(res, i));
	}
	fprintf(out, ": %zu file%s (%s) in %zu entr%s; %zu finding%s", files,
	    files == 1 ? "" : "s", size, mv_result_entry_count(res),
	    mv_result_entry_count(res) == 1 ? "y" : "ies", total, total == 1 ? "" : "s");
	for (int s = MV_SEV_CRITICAL; s >= MV_SEV_INFO; s--) {
		if (counts[s] == 0)
			continue;
		fprintf(out, "%s%zu %s", first ? " (" : ", ", counts[s],
		    mv_severity_name((enum mv_severity)s));
		first = 0;
	}
	fputs(first ? "" : ")", out);
	if (sup)
		fprintf(out, ", %zu suppressed", sup);
	fputc('\n', out);
	/* For a cache input: which repository, revision and commit were scanned. */
	for (size_t i = 0; i < mv_result_input_count(res); i++) {
		const struct mv_source *src = mv_result_source(res, i);

		if (src == NULL || src->repo == NULL)
			continue;
		fprintf(out, "source: Hugging Face %s %s", src->repo_type ? src->repo_type : "repo",
		    src->repo);
		if (src->revision)
			fprintf(out, ", revision %s", src->revision);
		if (src->commit)
			fprintf(out, ", commit %s", src->commit);
		if (src->uri)
			fprintf(out, " (%s)", src->uri);
		fputc('\n', out);
	}
}

/* Entries a package names otherwise (OCI blobs and their titles), sorted by path: the
 * heading of a blob's findings says which file of the model it is. */
struct titles {
	const struct mv_entry **v;
	size_t n;
};

static int
by_entry_path(const void *a, const void *b)
{
	return strcmp((*(const struct mv_entry *const *)a)->path,
	    (*(const struct mv_entry *const *)b)->path);
}

static void
titles_load(struct titles *t, const struct mv_result *res)
{
	size_t n = mv_result_entry_count(res);

	t->n = 0;
	t->v = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->title == NULL)
			continue;
		if (t->v == NULL && (t->v = calloc(n, sizeof(*t->v))) == NULL)
			return;         /* headings without titles, nothing worse */
		t->v[t->n++] = e;
	}
	if (t->n > 1)
		qsort(t->v, t->n, sizeof(*t->v), by_entry_path);
}

static const char *
titles_find(const struct titles *t, const char *path)
{
	struct mv_entry key = {.path = path};
	const struct mv_entry *kp = &key, **hit;

	if (t->n == 0)
		return NULL;
	hit = bsearch(&kp, t->v, t->n, sizeof(*t->v), by_entry_path);
	return hit ? (*hit)->title : NULL;
}

/* Findings shown: unsuppressed, at or above min (quiet: the fail level). */
static int
shown(const struct mv_judged *d, enum mv_severity min)
{
	return d->suppressed == NULL && d->severity >= min;
}

static mv_status
findings(FILE *out, const struct mv_judgement *j, unsigned flags)
{
	int colour = (flags & MV_REPORT_COLOR) != 0;
	enum mv_severity min = flags & MV_REPORT_QUIET ?
	    mv_policy_fail_on(mv_judgement_policy(j)) : MV_SEV_INFO;
	size_t n = 0, total = mv_judgement_count(j);
	struct row *rows;
	struct titles titles;
	const char *last = NULL;

	for (size_t i = 0; i < total; i++)
		if (shown(mv_judgement_get(j, i), min))
			n++;
	if (n == 0)
		return MV_OK;
	if ((rows = calloc(n, sizeof(*rows))) == NULL)
		return MV_ERR_NOMEM;
	n = 0;
	for (size_t i = 0; i < total; i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);

		if (shown(d, min)) {
			rows[n].idx = i;
			rows[n++].d = d;
		}
	}
	qsort(rows, n, sizeof(*rows), by_path);
	for (size_t a = 0, b; a < n; a = b) {
		enum mv_severity g = rows[a].d->severity;

		for (b = a; b < n && strcmp(rows[b].d->path, rows[a].d->path) == 0; b++)
			if (rows[b].d->severity > g)
				g = rows[b].d->severity;
		for (size_t k = a; k < b; k++) {
			rows[k].gsev = g;
			rows[k].gfirst = rows[a].idx;
		}
	}
	qsort(rows, n, sizeof(*rows), by_group);
	titles_load(&titles, mv_judgement_result(j));
	if (!(flags & MV_REPORT_QUIET))
		fputc('\n', out);
	for (size_t k = 0; k < n; k++) {
		const struct mv_judged *d = rows[k].d;
		const char *title;
		char sev[16];

		if (last == NULL || strcmp(last, d->path) != 0) {
			if (last)
				fputc('\n', out);
			fputs(colour ? BOLD : "", out);
			put_path(out, d->path);
			fputs(colour ? RESET : "", out);
			if ((title = titles_find(&titles, d->path)) != NULL) {
				fputs(" (", out);
				put_path(out, title);
				fputc(')', out);
			}
			fputc('\n', out);
			last = d->path;
		}
		upper(sev, mv_severity_name(d->severity), sizeof(sev));
		fprintf(out, "  %s%-8s%s %s", colour ? sev_colour[d->severity] : "", sev,
		    colour ? RESET : "", d->rule);
		if (d->offset >= 0)
			fprintf(out, " at byte %lld", (long long)d->offset);
		if (d->severity != d->default_severity)
			fprintf(out, " (policy; default %s)", mv_severity_name(d->default_severity));
		fputc('\n', out);
		if (d->info)
			fprintf(out, "           %s\n", d->info->title);
		fprintf(out, "           %s\n", d->evidence);
		if (d->info && (d->severity >= MV_SEV_LOW || (flags & MV_REPORT_VERBOSE)))
			fprintf(out, "           fix: %s\n", d->info->remediation);
	}
	free(titles.v);
	free(rows);
	return MV_OK;
}

static void
suppressed(FILE *out, const struct mv_judgement *j, int colour)
{
	int first = 1;

	for (size_t i = 0; i < mv_judgement_count(j); i++) {
		const struct mv_judged *d = mv_judgement_get(j, i);

		if (d->suppressed == NULL)
			continue;
		if (first)
			fprintf(out, "\n%ssuppressed by the policy:%s\n", colour ? BOLD : "",
			    colour ? RESET : "");
		first = 0;
		fprintf(out, "  %-8s %s  ", mv_severity_name(d->severity), d->rule);
		put_path(out, d->path);
		fprintf(out, "\n           reason: %s\n", d->suppressed);
	}
}

/* One line per attestation: its state, builder and source (claims, unless verified). */
static void
provenance(FILE *out, const struct mv_result *res)
{
	for (size_t i = 0; i < mv_result_provenance_count(res); i++) {
		const struct mv_provenance *p = mv_result_provenance(res, i);

		fputs(i ? "           " : "provenance: ", out);
		put_path(out, p->file);
		fprintf(out, ": %s", mv_attest_state_name(p->state));
		if (p->state != MV_ATTEST_INVALID) {
			fputs(", ", out);
			mv_print_name(out, p->builder ? p->builder : p->predicate_type);
			if (p->source_repo) {
				fputs(" from ", out);
				mv_print_name(out, p->source_repo);
				if (p->source_commit) {
					fputs("@", out);
					mv_print_name(out, p->source_commit);
				}
			}
			fprintf(out, ", %zu of %zu subjects match, %zu dependencies", p->nmatched,
			    p->nsubjects, p->ndeps);
		}
		fputc('\n', out);
	}
}

static void
signatures(FILE *out, const struct mv_judgement *j)
{
	for (size_t i = 0; i < mv_judgement_sig_count(j); i++) {
		const struct mv_sigsummary *s = mv_judgement_sig(j, i);

		fputs(i ? "           " : "\nsignature: ", out);
		put_path(out, s->input ? s->input : "");
		switch (s->state) {
		case MV_SIGSTATE_ABSENT:
			fputs(": none found\n", out);
			break;
		case MV_SIGSTATE_UNCHECKED:
			fputs(": present, not verified (give --key or --cert-chain)\n", out);
			break;
		case MV_SIGSTATE_VALID:
			/* The signer's name comes from the signature itself: escaped. */
			fputs(": verified (", out);
			mv_print_name(out, s->format ? s->format : "signature");
			if (s->signer || s->method) {
				fputs(", ", out);
				mv_print_name(out, s->signer ? s->signer : s->method);
			}
			fprintf(out, "), %zu files match\n", s->resources);
			break;
		case MV_SIGSTATE_INVALID:
			fputs(": DOES NOT VERIFY (see the signature findings)\n", out);
			break;
		case MV_SIGSTATE_INCOMPLETE:
			fputs(": not verified to the end (a signed file could not be read)\n", out);
			break;
		}
	}
	provenance(out, mv_judgement_result(j));
}

static void
verdict(FILE *out, const struct mv_judgement *j, int colour, int quiet)
{
	const struct mv_policy *pol = mv_judgement_policy(j);
	const char *fail_on = mv_severity_name(mv_policy_fail_on(pol));
	size_t failing = mv_judgement_failing(j);

	fputs(quiet ? "verdict: " : "\nverdict: ", out);
	switch (mv_judgement_outcome(j)) {
	case MV_OUTCOME_PASS:
		fprintf(out, "%sPASS%s: no finding at or above %s", colour ? GREEN : "",
		    colour ? RESET : "", fail_on);
		break;
	case MV_OUTCOME_FAIL:
		fprintf(out, "%sFAIL%s: %zu finding%s at or above %s", colour ? RED : "",
		    colour ? RESET : "", failing, failing == 1 ? "" : "s", fail_on);
		break;
	case MV_OUTCOME_INCOMPLETE:
		fprintf(out, "%sINCOMPLETE%s: the package could not be read or analysed to the end, "
		    "so it cannot pass", colour ? YELLOW : "", colour ? RESET : "");
		break;
	}
	fputs(" (policy: ", out);
	put_path(out, pol->file ? pol->file : "default");
	fputs(")\n", out);
}

static const char *
state_label(enum mv_mapstate s)
{
	switch (s) {
	case MV_MAP_MET: return "met";
	case MV_MAP_NOT_MET: return "NOT MET";
	case MV_MAP_NOT_EVIDENCED: return "not evidenced";
	}
	return "";
}

static void
principles(FILE *out, const struct mv_judgement *j, unsigned flags)
{
	size_t met, not_met, not_ev, not_scan;
	int colour = (flags & MV_REPORT_COLOR) != 0;

	mv_report_map_counts(j, &met, &not_met, &not_ev, &not_scan);
	fprintf(out, "\nETSI TS 104 223 / UK AI Cyber Security Code of Practice: %zu provision%s "
	    "met, %zu not met, %zu not evidenced by this scan, %zu beyond any scan\n", met,
	    met == 1 ? "" : "s", not_met, not_ev, not_scan);
	if (!(flags & MV_REPORT_PRINCIPLES)) {
		fputs("(mavis scan --principles lists every principle and provision with its "
		    "evidence.)\n", out);
		return;
	}
	for (unsigned p = 1; p <= MV_PRINCIPLE_COUNT; p++) {
		const struct mv_principle *pr = mv_principle_get(p);
		size_t c[3] = {0, 0, 0}, nscan = 0;
		char counts[96];

		for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
			const struct mv_mapping *m = mv_judgement_mapping(j, i);

			if (m->provision->principle != p || m->provision->scan == MV_SCAN_NO)
				continue;
			c[m->state]++;
			nscan++;
		}
		if (nscan == 0)
			snprintf(counts, sizeof(counts), "beyond a scan");
		else
			snprintf(counts, sizeof(counts), "%zu met, %zu not met, %zu not evidenced",
			    c[MV_MAP_MET], c[MV_MAP_NOT_MET], c[MV_MAP_NOT_EVIDENCED]);
		fprintf(out, "  %s%2u  %-36s%s %s\n", colour && c[MV_MAP_NOT_MET] ? RED :
		    colour && c[MV_MAP_MET] ? GREEN : "", p, counts,
		    colour && (c[MV_MAP_NOT_MET] || c[MV_MAP_MET]) ? RESET : "", pr->title);
	}
	for (unsigned p = 1; p <= MV_PRINCIPLE_COUNT; p++) {
		const struct mv_principle *pr = mv_principle_get(p);

		fprintf(out, "\n%sPrinciple %u (%s, %s): %s%s\n", colour ? BOLD : "", p, pr->clause,
		    pr->phase, pr->title, colour ? RESET : "");
		for (size_t i = 0; i < mv_judgement_mapping_count(j); i++) {
			const struct mv_mapping *m = mv_judgement_mapping(j, i);
			const char *col = "";

			if (m->provision->principle != p)
				continue;
			if (m->provision->scan == MV_SCAN_NO && m->state == MV_MAP_NOT_EVIDENCED) {
				fprintf(out, "  %-14s %s (%s) %s\n", "beyond a scan", m->provision->etsi,
				    m->provision->uk, m->provision->title);
				continue;
			}
			if (colour)
				col = m->state == MV_MAP_MET ? GREEN :
				    m->state == MV_MAP_NOT_MET ? RED : "";
			fprintf(out, "  %s%-14s%s %s (%s) %s\n", col, state_label(m->state),
			    *col ? RESET : "", m->provision->etsi, m->provision->uk,
			    m->provision->title);
			fprintf(out, "  %-14s %s\n", "", m->evidence);
		}
	}
	fprintf(out, "\n%s\n", MV_MAPPING_DISCLAIMER);
}

/* -v: every file with its size and format, so what was and was not recognised is visible. */
static void
inventory(FILE *out, const struct mv_judgement *j)
{
	const struct mv_result *res = mv_judgement_result(j);
	char size[32];

	fputs("\nfiles:\n", out);
	for (size_t i = 0; i < mv_result_entry_count(res); i++) {
		const struct mv_entry *e = mv_result_entry(res, i);

		if (e->type == MV_ENTRY_FILE) {
			human(size, sizeof(size), e->size);
			fprintf(out, "  %-12s %10s  ", e->format ? e->format : "data", size);
		} else {
			fprintf(out, "  %-12s %10s  ", mv_entry_type_name(e->type), "");
		}
		put_path(out, e->path);
		if (e->flags & MV_ENTRY_INCOMPLETE)
			fputs("  (not read to the end)", out);
		fputc('\n', out);
	}
}

mv_status
mv_report_text(struct mv_ctx *ctx, const struct mv_judgement *j, unsigned flags, FILE *out)
{
	int colour = (flags & MV_REPORT_COLOR) != 0;

	if (flags & MV_REPORT_QUIET) {
		if (findings(out, j, flags) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		verdict(out, j, colour, 1);
	} else {
		summary(out, j);
		if (flags & MV_REPORT_VERBOSE)
			inventory(out, j);
		if (findings(out, j, flags) != MV_OK)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		suppressed(out, j, colour);
		signatures(out, j);
		verdict(out, j, colour, 0);
		principles(out, j, flags);
	}
	if (ferror(out))
		return mv_ctx_fail(ctx, MV_ERR_IO, "cannot write the report");
	return MV_OK;
}
