/* SPDX-License-Identifier: Apache-2.0 */
/* template_int.h: the tokens of a chat template's code blocks (template.c lexes them) and the
 * constant folder that evaluates what a template computes without input (tplfold.c). */
#ifndef MV_SCAN_TEMPLATE_INT_H
#define MV_SCAN_TEMPLATE_INT_H

#include <stddef.h>
#include <stdint.h>
#include "core/buf.h"

enum { T_NAME, T_STR, T_NUM, T_OP };

struct tok {
	int type;
	size_t s, e;            /* bytes of the token in the text */
	size_t ls, le;          /* decoded literal in struct blk's lit buffer */
	int escaped;            /* a \x, \u, \U, \N or octal escape of an ASCII character */
	char op;
};

/* The tokens of one {{ }} or {% %} block. */
struct blk {
	struct tok *v;
	size_t n, cap;
	struct mv_buf lit;      /* decoded literals, one after another */
	size_t s, e;            /* the block's code in the text, between its delimiters */
};

/* What the folder tells its user. Any hook may be NULL. */
struct mv_fold_hooks {
	void *arg;
	/* An expression at text[s..e) whose value is known: v[0..n) is what Jinja prints for it
	 * (str() of the value); open when only that prefix is known (an object's address). */
	void (*value)(void *arg, size_t s, size_t e, const unsigned char *v, size_t n, int open);
	/* A string computed from pieces (not one literal as written) at text offset s. */
	void (*built)(void *arg, size_t s, const unsigned char *v, size_t n);
	/* A folded string used as an attribute name (attr=1: |attr(), map(attribute=),
	 * selectattr) or a subscript key (attr=0); lit when it is one literal as written. */
	void (*name)(void *arg, size_t s, const unsigned char *v, size_t n, int lit, int attr);
	/* Characters taken out of an object's printed form ((()|select|string)[24]) at s. */
	void (*repr)(void *arg, size_t s);
};

struct mv_fold;

/* A folder over one template's text; NULL when out of memory. */
struct mv_fold *mv_fold_new(const unsigned char *text, size_t n, const struct mv_fold_hooks *h);
/* Fold the expressions of one block (stmt: a {% %} block, else {{ }}), in template order: the
 * variables that {% set %} binds to constants carry over to later blocks. */
void mv_fold_block(struct mv_fold *f, const struct blk *b, int stmt);
void mv_fold_free(struct mv_fold *f);

/* Fold a whole template's text, block by block (template.c); the test of the folder against
 * Jinja2 itself dumps what it computes through h. */
mv_status mv_template_fold(const unsigned char *t, size_t n, const struct mv_fold_hooks *h);

#endif
