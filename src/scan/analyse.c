/* SPDX-License-Identifier: Apache-2.0 */
/* analyse.c: the table of content analysers and the calls the walker makes into it. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/ctx.h"
#include "scan/analyse.h"
#include "scan/formats.h"
#include "scan/pickle_an.h"
#include "scan/pypolicy.h"

/* Analysers in the order they are offered each entry. */
static const struct mv_analyser *const analysers[] = {
	&mv_analyser_safetensors,
	&mv_analyser_gguf,
	&mv_analyser_template,
	&mv_analyser_onnx,
	&mv_analyser_savedmodel,
	&mv_analyser_keras,
	&mv_analyser_nemo,
	&mv_analyser_arrow,
	&mv_analyser_parquet,
	&mv_analyser_hfcode,
	&mv_analyser_mlflow,
	&mv_analyser_exec,
	&mv_analyser_pickle,
	&mv_analyser_npy,
	&mv_analyser_joblibz,
	&mv_analyser_polyglot,
	NULL
};

int
mv_analysis_begin(struct mv_analysis *an, const struct mv_actx *a)
{
	memset(an, 0, sizeof(*an));
	an->actx = *a;
	for (size_t i = 0; analysers[i] != NULL && an->n < MV_ANALYSERS_MAX; i++) {
		void *state;

		if (!analysers[i]->claim(&an->actx))
			continue;
		if ((state = analysers[i]->begin(&an->actx)) == NULL) {
			mv_findings_add(a->findings, MV_R_ANALYSIS_INCOMPLETE, a->path, -1,
			    "out of memory starting the %s analyser", analysers[i]->name);
			continue;
		}
		an->run[an->n].an = analysers[i];
		an->run[an->n].state = state;
		an->n++;
	}
	if (an->n > 0)
		mv_pkg_claimed(a->pkg, a->path);
	return an->n > 0;
}

void
mv_analysis_feed(struct mv_analysis *an, const unsigned char *p, size_t n)
{
	for (size_t i = 0; i < an->n; i++) {
		if (an->run[i].stopped)
			continue;
		if (an->run[i].an->feed(an->run[i].state, p, n) != MV_OK)
			an->run[i].stopped = 1;
	}
}

void
mv_analysis_end(struct mv_analysis *an, int complete)
{
	for (size_t i = 0; i < an->n; i++) {
		an->run[i].an->end(an->run[i].state, complete);
		an->run[i].an->free(an->run[i].state);
		an->run[i].an = NULL;
		an->run[i].state = NULL;
	}
	an->n = 0;
}

void
mv_report_init(struct mv_report *r, const struct mv_actx *a)
{
	memset(r, 0, sizeof(*r));
	r->a = a;
}

void
mv_report(struct mv_report *r, enum mv_rule rule, int64_t offset, const char *fmt, ...)
{
	va_list ap;

	if ((unsigned)rule >= MV_R__COUNT)
		return;
	if (r->count[rule] < UINT32_MAX)
		r->count[rule]++;
	if (r->count[rule] > MV_REPORT_MAX + 1)
		return;
	if (r->count[rule] == MV_REPORT_MAX + 1) {
		mv_findings_add(r->a->findings, rule, r->a->path, offset,
		    "more findings of this kind in this entry are not listed");
		return;
	}
	va_start(ap, fmt);
	mv_findings_vadd(r->a->findings, rule, r->a->path, offset, fmt, ap);
	va_end(ap);
}

void
mv_whole_init(struct mv_whole *w, const struct mv_actx *a)
{
	mv_buf_init(&w->buf, (size_t)a->limit[MV_LIMIT_HEADER]);
	w->over = 0;
}

mv_status
mv_whole_feed(struct mv_whole *w, const unsigned char *p, size_t n)
{
	if (mv_buf_add(&w->buf, p, n) != MV_OK) {
		w->over = 1;
		mv_buf_free(&w->buf);
		return MV_ERR_LIMIT;
	}
	return MV_OK;
}

const unsigned char *
mv_whole_bytes(const struct mv_whole *w)
{
	return w->buf.p ? w->buf.p : (const unsigned char *)"";
}

const char *
mv_actx_base(const struct mv_actx *a)
{
	const char *name = a->name ? a->name : a->path, *s;

	if (name == NULL)
		return "";
	s = strrchr(name, '/');
	return s ? s + 1 : name;
}

int
mv_actx_suffix(const struct mv_actx *a, const char *sfx)
{
	const char *b = mv_actx_base(a);
	size_t n = strlen(b), m = strlen(sfx);

	if (n < m)
		return 0;
	for (size_t i = 0; i < m; i++) {
		unsigned char x = (unsigned char)b[n - m + i], y = (unsigned char)sfx[i];

		if (x >= 'A' && x <= 'Z')
			x = (unsigned char)(x - 'A' + 'a');
		if (y >= 'A' && y <= 'Z')
			y = (unsigned char)(y - 'A' + 'a');
		if (x != y)
			return 0;
	}
	return 1;
}

mv_status
mv_analysis_prepare(struct mv_ctx *ctx)
{
	const struct mv_pypolicy *pol;
	char err[512];
	mv_status st;

	if ((st = mv_pypolicy_get(mv_ctx_signatures(ctx), &pol, err, sizeof(err))) != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot read the signatures: %s", err);
	return MV_OK;
}
