/* SPDX-License-Identifier: Apache-2.0 */
/* jsonw.h: a streaming JSON writer for the large arrays of a report (entries, files), laid out
 * byte for byte as jansson's JSON_INDENT(2) lays out a tree, so that one document can mix
 * streamed parts and jansson values. A report of a million entries then costs no tree. */
#ifndef MV_REPORT_JSONW_H
#define MV_REPORT_JSONW_H

#include <stdio.h>
#include <jansson.h>
#include "mavis.h"

#define MV_JW_DEPTH 32

struct mv_jw {
	FILE *out;
	int failed;                      /* a write failed, or the nesting went too deep */
	int after_key;                   /* a key was written; its value comes next */
	unsigned depth;
	unsigned char items[MV_JW_DEPTH]; /* the open object or array at each depth has items */
	size_t n;
	char buf[64 * 1024];
};

void mv_jw_init(struct mv_jw *w, FILE *out);
/* Open ('{' or '[') and close ('}' or ']') an object or array. */
void mv_jw_open(struct mv_jw *w, char c);
void mv_jw_close(struct mv_jw *w, char c);
/* The key of the next member of the open object. */
void mv_jw_key(struct mv_jw *w, const char *key);
/* A string from arbitrary bytes, as mv_json_bytes makes it: as is when valid UTF-8, else
 * escaped (\xNN) first. */
void mv_jw_str(struct mv_jw *w, const char *s);
void mv_jw_int(struct mv_jw *w, long long v);
void mv_jw_bool(struct mv_jw *w, int v);
/* A jansson value, reindented to where it goes; the reference is taken (NULL: out of
 * memory, which fails the writer). */
void mv_jw_json(struct mv_jw *w, json_t *v);
/* Members of jansson object o, in order, into the open object. */
void mv_jw_members(struct mv_jw *w, json_t *o);
/* The final newline and flush: MV_OK, or MV_ERR_IO when anything failed. */
mv_status mv_jw_finish(struct mv_jw *w);

/* A whole jansson document in the same layout, with a trailing newline; MV_ERR_IO when the
 * stream fails. */
mv_status mv_json_dump(json_t *j, FILE *out);

#endif
