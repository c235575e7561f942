/* SPDX-License-Identifier: Apache-2.0 */
/* modelcard.c: read the YAML front matter of a model card through libyaml's document API,
 * keeping only the scalar and list fields an ML-BOM uses. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/array.h"
#include "core/str.h"
#include "report/modelcard.h"

/* The front matter: from after the first "---" line to before the next "---" line. */
static int
front_matter(const char *text, size_t n, const char **start, size_t *len)
{
	const char *p, *end = text + n;

	if (n >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		n -= 3;
	}
	if (n < 4 || strncmp(text, "---", 3) != 0)
		return 0;
	p = text + 3;
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r'))
		p++;
	if (p == end || *p != '\n')
		return 0;
	*start = ++p;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *le = nl ? nl : end;
		size_t ll = (size_t)(le - p);

		while (ll > 3 && (p[ll - 1] == ' ' || p[ll - 1] == '\t' || p[ll - 1] == '\r'))
			ll--;
		if (ll == 3 && strncmp(p, "---", 3) == 0) {
			*len = (size_t)(p - *start);
			return 1;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return 0;
}

static const char *
scalar(yaml_document_t *doc, yaml_node_t *node)
{
	(void)doc;
	if (node == NULL || node->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)node->data.scalar.value;
}

static int
set_str(char **dst, const char *s)
{
	char *esc;

	if (s == NULL || *dst != NULL)
		return 0;
	/* Card text is untrusted: keep it one printable line. */
	if ((esc = mv_str_escape(s, strlen(s))) == NULL)
		return -1;
	*dst = esc;
	return 0;
}

static int
add_item(struct mv_strlist *l, const char *s)
{

	if (s == NULL || l->n >= MV_MODELCARD_ITEMS)
		return 0;
	if (MV_ARRAY_RESERVE(l->v, l->cap, l->n + 1, MV_MODELCARD_ITEMS) != 0)
		return -1;
	if ((l->v[l->n] = mv_str_escape(s, strlen(s))) == NULL)
		return -1;
	l->n++;
	return 0;
}

/* A field that is one string or a list of strings. */
static int
set_list(yaml_document_t *doc, yaml_node_t *node, struct mv_strlist *l)
{
	if (node == NULL)
		return 0;
	if (node->type == YAML_SCALAR_NODE)
		return add_item(l, scalar(doc, node));
	if (node->type != YAML_SEQUENCE_NODE)
		return 0;
	for (yaml_node_item_t *it = node->data.sequence.items.start;
	    it < node->data.sequence.items.top; it++)
		if (add_item(l, scalar(doc, yaml_document_get_node(doc, *it))) != 0)
			return -1;
	return 0;
}

static int
index_name(yaml_document_t *doc, yaml_node_t *node, char **dst)
{
	yaml_node_t *first;

	if (node == NULL || node->type != YAML_SEQUENCE_NODE ||
	    node->data.sequence.items.start == node->data.sequence.items.top)
		return 0;
	first = yaml_document_get_node(doc, *node->data.sequence.items.start);
	if (first == NULL || first->type != YAML_MAPPING_NODE)
		return 0;
	for (yaml_node_pair_t *p = first->data.mapping.pairs.start;
	    p < first->data.mapping.pairs.top; p++) {
		const char *k = scalar(doc, yaml_document_get_node(doc, p->key));

		if (k && strcmp(k, "name") == 0)
			return set_str(dst, scalar(doc, yaml_document_get_node(doc, p->value)));
	}
	return 0;
}

mv_status
mv_modelcard_parse(const char *text, size_t n, struct mv_modelcard **out, char *err,
    size_t errlen)
{
	const char *fm;
	size_t fmlen;
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	struct mv_modelcard *c = NULL;
	mv_status st = MV_OK;
	int have_doc = 0;

	*out = NULL;
	if (!front_matter(text, n, &fm, &fmlen))
		return MV_OK;
	if (fmlen > MV_MODELCARD_MAX) {
		snprintf(err, errlen, "front matter larger than %u bytes", MV_MODELCARD_MAX);
		return MV_ERR_LIMIT;
	}
	if (!yaml_parser_initialize(&parser)) {
		snprintf(err, errlen, "out of memory");
		return MV_ERR_NOMEM;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)fm, fmlen);
	if (!yaml_parser_load(&parser, &doc)) {
		snprintf(err, errlen, "YAML error at line %zu: %s",
		    (size_t)parser.problem_mark.line + 2,
		    parser.problem ? parser.problem : "malformed");
		st = MV_ERR_FORMAT;
		goto done;
	}
	have_doc = 1;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		st = MV_ERR_NOMEM;
		goto done;
	}
	root = yaml_document_get_root_node(&doc);
	if (root == NULL || root->type != YAML_MAPPING_NODE)
		goto done;
	for (yaml_node_pair_t *p = root->data.mapping.pairs.start;
	    p < root->data.mapping.pairs.top; p++) {
		const char *k = scalar(&doc, yaml_document_get_node(&doc, p->key));
		yaml_node_t *v = yaml_document_get_node(&doc, p->value);
		int rc = 0;

		if (k == NULL)
			continue;
		if (strcmp(k, "model_name") == 0)
			rc = set_str(&c->model_name, scalar(&doc, v));
		else if (strcmp(k, "license") == 0)
			rc = set_str(&c->license, scalar(&doc, v));
		else if (strcmp(k, "license_name") == 0)
			rc = set_str(&c->license_name, scalar(&doc, v));
		else if (strcmp(k, "pipeline_tag") == 0)
			rc = set_str(&c->pipeline_tag, scalar(&doc, v));
		else if (strcmp(k, "library_name") == 0)
			rc = set_str(&c->library_name, scalar(&doc, v));
		else if (strcmp(k, "base_model") == 0)
			rc = set_list(&doc, v, &c->base_model);
		else if (strcmp(k, "datasets") == 0)
			rc = set_list(&doc, v, &c->datasets);
		else if (strcmp(k, "tags") == 0)
			rc = set_list(&doc, v, &c->tags);
		else if (strcmp(k, "language") == 0)
			rc = set_list(&doc, v, &c->language);
		else if (strcmp(k, "metrics") == 0)
			rc = set_list(&doc, v, &c->metrics);
		else if (strcmp(k, "model-index") == 0)
			rc = index_name(&doc, v, &c->model_name);
		if (rc != 0) {
			st = MV_ERR_NOMEM;
			goto done;
		}
	}
done:
	if (have_doc)
		yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (st == MV_ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	if (st != MV_OK) {
		mv_modelcard_free(c);
		return st;
	}
	*out = c;
	return MV_OK;
}

static void
list_free(struct mv_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

void
mv_modelcard_free(struct mv_modelcard *c)
{
	if (c == NULL)
		return;
	free(c->model_name);
	free(c->license);
	free(c->license_name);
	free(c->pipeline_tag);
	free(c->library_name);
	list_free(&c->base_model);
	list_free(&c->datasets);
	list_free(&c->tags);
	list_free(&c->language);
	list_free(&c->metrics);
	free(c);
}
