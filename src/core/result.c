/* SPDX-License-Identifier: Apache-2.0 */
/* result.c: the record of a run (its inputs, entries and findings) and its accessors, which
 * every stage after the walk reads. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/result.h"
#include "core/str.h"

const char *
mv_entry_type_name(enum mv_entry_type type)
{
	switch (type) {
	case MV_ENTRY_FILE: return "file";
	case MV_ENTRY_SYMLINK: return "symlink";
	case MV_ENTRY_HARDLINK: return "hardlink";
	case MV_ENTRY_DIR: return "directory";
	case MV_ENTRY_CHARDEV: return "character-device";
	case MV_ENTRY_BLOCKDEV: return "block-device";
	case MV_ENTRY_FIFO: return "fifo";
	case MV_ENTRY_SOCKET: return "socket";
	case MV_ENTRY_OTHER: return "other";
	}
	return "other";
}

const char *
mv_attest_state_name(enum mv_attest_state s)
{
	switch (s) {
	case MV_ATTEST_VERIFIED: return "verified";
	case MV_ATTEST_UNVERIFIED: return "unverified";
	case MV_ATTEST_UNSIGNED: return "unsigned";
	case MV_ATTEST_INVALID: return "invalid";
	}
	return "invalid";
}

void
mv_source_free(struct mv_source *s)
{
	if (s == NULL)
		return;
	free(mv_unconst(s->uri));
	free(mv_unconst(s->repo_type));
	free(mv_unconst(s->repo));
	free(mv_unconst(s->revision));
	free(mv_unconst(s->commit));
	free(mv_unconst(s->path));
	free(s);
}

mv_status
mv_recs_push(struct mv_recs *r, const struct mv_entry *e)
{
	if (MV_ARRAY_RESERVE(r->v, r->cap, r->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	r->v[r->n++] = *e;
	return MV_OK;
}

void
mv_entry_clear(struct mv_entry *e)
{
	free(mv_unconst(e->path));
	free(mv_unconst(e->name));
	free(mv_unconst(e->link));
	free(mv_unconst(e->title));
	free(mv_unconst(e->shard));
	/* input and format point at strings owned elsewhere. */
	memset(e, 0, sizeof(*e));
}

void
mv_recs_free(struct mv_recs *r)
{
	for (size_t i = 0; i < r->n; i++)
		mv_entry_clear(&r->v[i]);
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

size_t
mv_result_entry_count(const struct mv_result *res)
{
	return res->nent;
}

const struct mv_entry *
mv_result_entry(const struct mv_result *res, size_t i)
{
	return i < res->nent ? &res->ent[i] : NULL;
}

size_t
mv_result_finding_count(const struct mv_result *res)
{
	return res->findings.n;
}

const struct mv_finding *
mv_result_finding(const struct mv_result *res, size_t i)
{
	return i < res->findings.n ? &res->findings.v[i] : NULL;
}

size_t
mv_result_count_at_least(const struct mv_result *res, enum mv_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < res->findings.n; i++)
		if (res->findings.v[i].severity >= sev)
			n++;
	return n;
}

int
mv_result_incomplete(const struct mv_result *res)
{
	/* A finding lost for want of memory, at any stage up to now (verification adds its
	 * findings after the run), leaves the result incomplete. */
	return res->incomplete || res->findings.lost > 0;
}

size_t
mv_result_input_count(const struct mv_result *res)
{
	return res->ninputs;
}

const char *
mv_result_input(const struct mv_result *res, size_t i)
{
	return i < res->ninputs ? res->inputs[i] : NULL;
}

const struct mv_source *
mv_result_source(const struct mv_result *res, size_t i)
{
	return i < res->ninputs ? res->sources[i] : NULL;
}

int
mv_result_input_is_stdin(const struct mv_result *res, size_t i)
{
	return res->stdin_input == i + 1;
}

int
mv_result_input_is_remote(const struct mv_result *res, size_t i)
{
	return res->remote && i < res->ninputs && res->remote[i];
}

struct mv_findings *
mv_result_findings(struct mv_result *res)
{
	return &res->findings;
}

void
mv_provenance_clear(struct mv_provenance *p)
{
	for (size_t i = 0; i < p->ndeps; i++) {
		free(mv_unconst(p->deps[i].name));
		free(mv_unconst(p->deps[i].uri));
		free(mv_unconst(p->deps[i].digest));
	}
	free(mv_unconst(p->deps));
	free(mv_unconst(p->input));
	free(mv_unconst(p->file));
	free(mv_unconst(p->signer));
	free(mv_unconst(p->predicate_type));
	free(mv_unconst(p->builder));
	free(mv_unconst(p->build_type));
	free(mv_unconst(p->source_repo));
	free(mv_unconst(p->source_commit));
	memset(p, 0, sizeof(*p));
}

mv_status
mv_result_provenance_add(struct mv_result *res, struct mv_provenance *p)
{
	if (MV_ARRAY_RESERVE(res->prov, res->provcap, res->nprov + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	res->prov[res->nprov++] = *p;
	memset(p, 0, sizeof(*p));
	return MV_OK;
}

size_t
mv_result_provenance_count(const struct mv_result *res)
{
	return res->nprov;
}

const struct mv_provenance *
mv_result_provenance(const struct mv_result *res, size_t i)
{
	return i < res->nprov ? &res->prov[i] : NULL;
}

void
mv_result_free(struct mv_result *res)
{
	if (res == NULL)
		return;
	for (size_t i = 0; i < res->nprov; i++)
		mv_provenance_clear(&res->prov[i]);
	free(res->prov);
	for (size_t i = 0; i < res->nent; i++)
		mv_entry_clear(&res->ent[i]);
	free(res->ent);
	mv_findings_free(&res->findings);
	for (size_t i = 0; i < res->ninputs; i++)
		free(res->inputs[i]);
	free(res->inputs);
	for (size_t i = 0; res->sources && i < res->ninputs; i++)
		mv_source_free(res->sources[i]);
	free(res->sources);
	free(res->remote);
	free(res);
}
