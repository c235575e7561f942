/* inventory.c: entries and findings as JSON. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/ctx.h"
#include "core/str.h"
#include "report/inventory.h"

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

json_t *
mv_json_bytes(const char *s)
{
	size_t n = strlen(s);
	char *esc;
	json_t *j;

	if (mv_utf8_valid(s, n))
		return json_stringn(s, n);
	if ((esc = mv_str_escape(s, n)) == NULL)
		return NULL;
	j = json_string(esc);
	free(esc);
	return j;
}

static json_t *
digests(const struct mv_digest *d, unsigned n)
{
	json_t *o = json_object();
	char hex[2 * MV_DIGEST_MAX + 1];

	for (unsigned i = 0; o && i < n; i++) {
		if (d[i].len == 0)
			continue;
		mv_digest_hex(&d[i], hex);
		json_object_set_new(o, mv_hash_name(d[i].alg), json_string(hex));
	}
	return o;
}

json_t *
mv_json_entry(const struct mv_entry *e)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "path", mv_json_bytes(e->path));
	json_object_set_new(o, "name", mv_json_bytes(e->name));
	json_object_set_new(o, "input", mv_json_bytes(e->input));
	json_object_set_new(o, "type", json_string(mv_entry_type_name(e->type)));
	json_object_set_new(o, "depth", json_integer(e->depth));
	json_object_set_new(o, "size", json_integer((json_int_t)e->size));
	if (e->format)
		json_object_set_new(o, "format", json_string(e->format));
	if (e->link)
		json_object_set_new(o, "link", mv_json_bytes(e->link));
	if (e->title)
		json_object_set_new(o, "title", mv_json_bytes(e->title));
	if (e->ndigest)
		json_object_set_new(o, "digests", digests(e->digest, e->ndigest));
	if (e->nshard) {
		json_t *a = json_array();

		for (size_t k = 0; a && k < e->nshard; k++) {
			json_t *s = json_object();

			json_object_set_new(s, "start", json_integer((json_int_t)e->shard[k].start));
			json_object_set_new(s, "end", json_integer((json_int_t)e->shard[k].end));
			json_object_set_new(s, "digests", digests(e->shard[k].digest, MV_HASH_MAX));
			json_array_append_new(a, s);
		}
		json_object_set_new(o, "shards", a);
	}
	if (e->flags & MV_ENTRY_CONTAINER)
		json_object_set_new(o, "archive", json_true());
	if (e->flags & MV_ENTRY_INCOMPLETE)
		json_object_set_new(o, "incomplete", json_true());
	return o;
}

json_t *
mv_json_finding(const struct mv_finding *f)
{
	json_t *o = json_object();

	if (o == NULL)
		return NULL;
	json_object_set_new(o, "rule", json_string(f->rule));
	json_object_set_new(o, "severity", json_string(mv_severity_name(f->severity)));
	json_object_set_new(o, "path", mv_json_bytes(f->path));
	if (f->offset >= 0)
		json_object_set_new(o, "offset", json_integer(f->offset));
	json_object_set_new(o, "evidence", mv_json_bytes(f->evidence));
	return o;
}

json_t *
mv_json_inventory(const struct mv_result *res)
{
	json_t *o = json_object(), *ins = json_array(), *ents = json_array(), *fs = json_array();

	if (o == NULL || ins == NULL || ents == NULL || fs == NULL) {
		json_decref(o);
		json_decref(ins);
		json_decref(ents);
		json_decref(fs);
		return NULL;
	}
	for (size_t i = 0; i < mv_result_input_count(res); i++)
		json_array_append_new(ins, mv_json_bytes(mv_result_input(res, i)));
	for (size_t i = 0; i < mv_result_entry_count(res); i++)
		json_array_append_new(ents, mv_json_entry(mv_result_entry(res, i)));
	for (size_t i = 0; i < mv_result_finding_count(res); i++)
		json_array_append_new(fs, mv_json_finding(mv_result_finding(res, i)));
	json_object_set_new(o, "inputs", ins);
	json_object_set_new(o, "entries", ents);
	json_object_set_new(o, "findings", fs);
	json_object_set_new(o, "incomplete", json_boolean(mv_result_incomplete(res)));
	return o;
}

/* json_dumpf hands every token to fwrite on its own; gathering them first roughly halves
 * the cost of writing a report of 10,000 entries. */
struct dumpbuf {
	FILE *out;
	size_t n;
	int failed;
	char b[64 * 1024];
};

static int
dump_flush(struct dumpbuf *d)
{
	if (d->n && fwrite(d->b, 1, d->n, d->out) != d->n)
		d->failed = 1;
	d->n = 0;
	return d->failed ? -1 : 0;
}

static int
dump_put(const char *p, size_t n, void *arg)
{
	struct dumpbuf *d = arg;

	if (n > sizeof(d->b) - d->n && dump_flush(d) != 0)
		return -1;
	if (n > sizeof(d->b))
		return fwrite(p, 1, n, d->out) == n ? 0 : -1;
	memcpy(d->b + d->n, p, n);
	d->n += n;
	return 0;
}

mv_status
mv_json_dump(json_t *j, FILE *out)
{
	struct dumpbuf *d = malloc(sizeof(*d));
	mv_status st = MV_OK;

	if (d == NULL)
		return MV_ERR_NOMEM;
	d->out = out;
	d->n = 0;
	d->failed = 0;
	if (json_dump_callback(j, dump_put, d, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
	    dump_put("\n", 1, d) != 0 || dump_flush(d) != 0)
		st = MV_ERR_IO;
	free(d);
	return st;
}

mv_status
mv_inventory_write_json(struct mv_ctx *ctx, const struct mv_result *res, FILE *out)
{
	json_t *top = json_object(), *inv = mv_json_inventory(res);
	mv_status st;

	if (top == NULL || inv == NULL) {
		json_decref(top);
		json_decref(inv);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	}
	json_object_set_new(top, "mavis", json_string(mv_version()));
	json_object_set_new(top, "schema_version", json_integer(MV_JSON_SCHEMA_VERSION));
	json_object_set_new(top, "kind", json_string("inventory"));
	json_object_update(top, inv);
	json_decref(inv);
	st = mv_json_dump(top, out);
	json_decref(top);
	if (st != MV_OK)
		return mv_ctx_fail(ctx, st, "cannot write the report");
	return MV_OK;
}
