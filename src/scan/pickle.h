/* SPDX-License-Identifier: Apache-2.0 */
/* pickle.h: the pickle machine: a push parser over pickle streams (protocols 0 to 5) that
 * runs their opcodes on a symbolic stack and memo and reports what loading them would import
 * and call. */
#ifndef MV_SCAN_PICKLE_H
#define MV_SCAN_PICKLE_H

#include <stddef.h>
#include <stdint.h>

#include "core/finding.h"
#include "scan/pypolicy.h"

/* What holds the pickles: decides which extra rules apply and what lies between streams. */
enum mv_pickle_profile {
	MV_PICKLE_PLAIN = 0,          /* a pickle file; a legacy torch file is recognised */
	MV_PICKLE_TORCH,              /* a pickle of a torch.save zip (data.pkl, constants.pkl) */
	MV_PICKLE_TORCH_TAR,          /* sys_info or pickle of the old torch tar format */
	MV_PICKLE_TORCH_TAR_STORAGES, /* storages of the old tar format: pickles and raw bytes */
	MV_PICKLE_TORCH_TAR_TENSORS,  /* tensors of the old tar format: pickles and raw bytes */
	MV_PICKLE_NPY                 /* the pickle after the header of an object .npy */
};

struct mv_pickle_opts {
	const struct mv_pypolicy *policy;
	const uint64_t *limit;        /* indexed by enum mv_limit */
	struct mv_findings *findings;
	const char *path;             /* entry path for findings */
	enum mv_pickle_profile profile;
	uint64_t base;                /* offset in the entry of the first byte fed */
	int summary;                  /* add pickle.format.allowlisted when nothing is worse */
	int sniffed;                  /* taken for a pickle by its first bytes alone: bytes that
	                               * break within the first opcodes are no pickle at all */
};

struct mv_pickle;

/* NULL when out of memory. */
struct mv_pickle *mv_pickle_new(const struct mv_pickle_opts *o);
/* Feed the next bytes, any chunking: the findings do not depend on it. */
void mv_pickle_feed(struct mv_pickle *m, const unsigned char *p, size_t n);
/* complete is 0 when the entry broke off before its end. Findings are added here at the
 * latest (some as soon as they are known). */
void mv_pickle_end(struct mv_pickle *m, int complete);
void mv_pickle_free(struct mv_pickle *m);
/* The entry was taken for a pickle by its first bytes alone (see opts.sniffed). */
void mv_pickle_sniffed(struct mv_pickle *m);
/* Highest severity reported so far, or -1. */
int mv_pickle_worst(const struct mv_pickle *m);

/* Does p[0..n) start a pickle stream, judged by parsing its first opcodes? 1 yes, 0 no, -1
 * more bytes needed to tell (never when final is set). */
int mv_pickle_sniff(const unsigned char *p, size_t n, int final);

#endif
