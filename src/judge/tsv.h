/* SPDX-License-Identifier: Apache-2.0 */
/* tsv.h: strict reading of the tab-separated tables in the signatures folder. */
#ifndef MV_JUDGE_TSV_H
#define MV_JUDGE_TSV_H

#include <stddef.h>
#include "mavis.h"

/* Largest table or policy file read (the tables are tens of kilobytes). */
#define MV_TABLE_MAX (16u << 20)

struct mv_tsv {
	char *buf;            /* the file, split in place */
	char *next;           /* start of the next line */
	char *end;
	const char *file;     /* for messages */
	size_t line;          /* number of the line last returned */
};

/* Read a whole text file: at most max bytes, valid UTF-8, no NUL or CR bytes; errors name the
 * file (and the line for bad bytes). *out is NUL-terminated; the caller frees it. */
mv_status mv_text_read(struct mv_ctx *ctx, const char *path, size_t max, char **out,
    size_t *len);

mv_status mv_tsv_open(struct mv_ctx *ctx, struct mv_tsv *t, const char *path);
/* The next line that is neither empty nor a # comment, split at tabs into f (at most max
 * fields; *nf is the number found, which may exceed max). Returns 0 at the end. */
int mv_tsv_next(struct mv_tsv *t, char **f, size_t max, size_t *nf);
void mv_tsv_close(struct mv_tsv *t);

#endif
