/* SPDX-License-Identifier: Apache-2.0 */
/* result.h: the data model of a run: its entries (struct mv_entry, public), their lists, and
 * the result the pipeline returns and the judge, the signature check and the reports read.
 * Not installed. */
#ifndef MV_CORE_RESULT_H
#define MV_CORE_RESULT_H

#include <stddef.h>

#include "mavis.h"
#include "core/finding.h"

/* Entries built by one task, in the order they were met. */
struct mv_recs {
	struct mv_entry *v;
	size_t n, cap;
};

/* Append an entry record (the record's strings then belong to recs). */
mv_status mv_recs_push(struct mv_recs *r, const struct mv_entry *e);
void mv_entry_clear(struct mv_entry *e);
void mv_recs_free(struct mv_recs *r);

struct mv_result {
	struct mv_entry *ent;
	size_t nent;
	struct mv_findings findings;
	char **inputs;
	struct mv_source **sources;     /* per input, NULL when not known */
	size_t ninputs;
	size_t stdin_input;     /* index + 1 of standard input among the inputs, or 0 */
	unsigned char *remote;  /* per input: 1 when pulled from a registry (oci://) */
	int incomplete;
	struct mv_provenance *prov;     /* attestations read after the run (sign/attest.c) */
	size_t nprov, provcap;
};

/* The findings of a finished run, for stages that add to it afterwards (signatures). */
struct mv_findings *mv_result_findings(struct mv_result *res);

void mv_source_free(struct mv_source *s);
/* Keep an attestation's record (its strings move to the result; *p is cleared). */
mv_status mv_result_provenance_add(struct mv_result *res, struct mv_provenance *p);
/* Free the strings of a record and clear it. */
void mv_provenance_clear(struct mv_provenance *p);

/* Was input i pulled from a registry (it has no folder for a signature beside it)? */
int mv_result_input_is_remote(const struct mv_result *res, size_t i);

#endif
