/* SPDX-License-Identifier: Apache-2.0 */
/* arrowmeta.c: the schema of an Arrow IPC message or file footer, walked field by field for
 * the metadata a Python reader unpickles: the legacy PyExtensionType (CVE-2023-47248), Ray's
 * pickled-object columns, and any metadata value that is itself a pickle. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "core/cursor.h"
#include "scan/arrowmeta.h"
#include "scan/flatbuf.h"
#include "scan/pickle_an.h"

/* Keys and extension names as Arrow (cpp/src/arrow/extension_type.cc), pyarrow before 21
 * (python/pyarrow/src/arrow/python/extension_type.cc) and Ray Data spell them. */
#define KEY_EXT_NAME "ARROW:extension:name"
#define KEY_EXT_META "ARROW:extension:metadata"
#define EXT_PY "arrow.py_extension_type"
#define EXT_RAY_PICKLED "ray.data.arrow_pickled_object"

/* Message.header union: Schema is the first member. */
#define HEADER_SCHEMA 1u

struct fpath {
	char s[256];
	size_t len;
};

static int64_t
where_at(const struct mv_arrowmeta *m, uint64_t off)
{
	return m->base >= 0 ? m->base + (int64_t)off : m->at;
}

static void
invalid(struct mv_arrowmeta *m, uint64_t off, const char *what)
{
	mv_report(m->rep, MV_R_ARROW_FORMAT_INVALID, where_at(m, off), "%s: %s", m->where, what);
}

static void
incomplete(struct mv_arrowmeta *m, uint64_t off, const char *what)
{
	mv_report(m->rep, MV_R_ANALYSIS_INCOMPLETE, where_at(m, off), "%s: %s", m->where, what);
}

int
mv_arrow_prefix(const unsigned char *p, size_t n, size_t *prefix, uint32_t *len)
{
	uint32_t v;

	if (n < 4)
		return -1;
	v = mv_le32(p);
	*prefix = 4;
	if (v == 0xffffffffu) {
		if (n < 8)
			return -1;
		v = mv_le32(p + 4);
		*prefix = 8;
	}
	if (v == 0)
		return 0;
	if (v > (uint32_t)INT32_MAX)
		return -1;
	*len = v;
	return 1;
}

static int
bytes_are(const unsigned char *p, uint32_t n, const char *s)
{
	return n == strlen(s) && memcmp(p, s, n) == 0;
}

/* Metadata values are text or binary; only those that parse as the start of a pickle count,
 * and protocol 0 and 1 text must open with an import or a mark to be taken for one. */
static int
looks_pickle(const unsigned char *v, uint32_t n)
{
	if (n < 2 || !(v[0] == 0x80 || v[0] == 'c' || v[0] == '('))
		return 0;
	return mv_pickle_sniff(v, n, 1) == 1;
}

static void
analyse_pickle(struct mv_arrowmeta *m, const unsigned char *p, uint32_t n, uint32_t off,
    int sniffed)
{
	struct mv_pickle *pk;
	int64_t at = where_at(m, off);

	if (m->pickles >= MV_ARROW_MAX_PICKLES) {
		incomplete(m, off, "more pickled metadata values than are analysed in one file");
		return;
	}
	m->pickles++;
	if ((pk = mv_pickle_for(m->a, MV_PICKLE_PLAIN, at < 0 ? 0 : (uint64_t)at, at,
	    m->where)) == NULL)
		return;
	if (sniffed)
		mv_pickle_sniffed(pk);
	mv_pickle_feed(pk, p, n);
	mv_pickle_end(pk, 1);
	mv_pickle_free(pk);
}

static void
check_value(struct mv_arrowmeta *m, const unsigned char *k, uint32_t kn,
    const unsigned char *v, uint32_t vn, uint32_t voff, const char *q, const char *who)
{
	if (!looks_pickle(v, vn))
		return;
	mv_report(m->rep, MV_R_ARROW_METADATA_PICKLE, where_at(m, voff),
	    "%s: the value of '%.*s' in the metadata of %s%s%s is a pickle (%u bytes); code that "
	    "reads it with pickle.loads runs it", m->where, (int)(kn > 200 ? 200 : kn),
	    (const char *)k, q, who, q, vn);
	analyse_pickle(m, v, vn, voff, 1);
}

void
mv_arrow_check_value(struct mv_arrowmeta *m, const unsigned char *k, uint32_t kn,
    const unsigned char *v, uint32_t vn, uint32_t voff)
{
	check_value(m, k, kn, v, vn, voff, "", "the file");
}

/* One key-value pair of a custom_metadata vector. */
struct kv {
	const unsigned char *k, *v;
	uint32_t kn, vn, voff;
	int hasv;
};

static int
kv_at(struct mv_arrowmeta *m, const struct mv_fbt *t, uint32_t start, uint32_t i,
    struct kv *e)
{
	struct mv_fbt kt;
	uint32_t koff;
	int rk, rv;

	memset(e, 0, sizeof(*e));
	if (mv_fb_vector_table(t, start, i, &kt) < 0) {
		invalid(m, start + 4 * (uint64_t)i, "a KeyValue offset points outside the buffer");
		return -1;
	}
	rk = mv_fb_string(&kt, 0, &e->k, &e->kn, &koff);
	rv = mv_fb_string(&kt, 1, &e->v, &e->vn, &e->voff);
	if (rk < 0 || rv < 0) {
		invalid(m, kt.pos, "a KeyValue key or value runs outside the buffer");
		return -1;
	}
	e->hasv = rv == 1;
	return 0;
}

/* The custom_metadata vector (field id of table t) of the schema (f == NULL) or of a field.
 * Two passes: the extension name decides how the extension metadata is read, and a reader
 * that finds the name anywhere in the list must not find us reading the list otherwise. */
static int
walk_kv(struct mv_arrowmeta *m, const struct mv_fbt *t, unsigned id, const struct fpath *f)
{
	const char *who = f ? f->s : "the schema";
	const char *q = f ? "'" : "";
	uint32_t start, count;
	int r, pyext = 0, ray = 0;
	struct kv e;

	if ((r = mv_fb_vector(t, id, 4, &start, &count)) < 0) {
		invalid(m, t->pos, "a custom_metadata vector lies outside the buffer");
		return -1;
	}
	if (r == 0 || count == 0)
		return 0;
	if ((m->kvs += count) > MV_ARROW_MAX_KVS) {
		incomplete(m, start, "more custom_metadata entries than are walked in one file");
		return -1;
	}
	for (uint32_t i = 0; i < count; i++) {
		if (kv_at(m, t, start, i, &e) != 0)
			return -1;
		if (bytes_are(e.k, e.kn, KEY_EXT_NAME) && e.hasv) {
			pyext |= bytes_are(e.v, e.vn, EXT_PY);
			ray |= bytes_are(e.v, e.vn, EXT_RAY_PICKLED);
		}
	}
	if (pyext)
		mv_report(m->rep, MV_R_ARROW_EXTENSION_PICKLE, where_at(m, start),
		    "%s: %s%s%s has extension type " EXT_PY ": pyarrow before 14.0.1 (and later ones "
		    "with auto-load on) unpickles its " KEY_EXT_META " when it reads the schema "
		    "(CVE-2023-47248)", m->where, q, who, q);
	if (ray)
		mv_report(m->rep, MV_R_ARROW_COLUMN_PICKLED, where_at(m, start),
		    "%s: %s%s%s has extension type " EXT_RAY_PICKLED ": Ray Data unpickles every "
		    "value of the column when it is read (to_pandas, to_pylist); the values were not "
		    "analysed", m->where, q, who, q);
	for (uint32_t i = 0; i < count; i++) {
		int ext_meta;

		if (kv_at(m, t, start, i, &e) != 0)
			return -1;
		if (!e.hasv)
			continue;
		ext_meta = bytes_are(e.k, e.kn, KEY_EXT_META);
		if (ext_meta && pyext)
			analyse_pickle(m, e.v, e.vn, e.voff, 0);
		else
			check_value(m, e.k, e.kn, e.v, e.vn, e.voff, q, who);
	}
	return 0;
}

static void
path_push(struct fpath *f, const unsigned char *name, uint32_t n)
{
	size_t room;

	if (f->len > 0 && f->len + 1 < sizeof(f->s))
		f->s[f->len++] = '.';
	room = sizeof(f->s) - 1 - f->len;
	if (n > room)
		n = (uint32_t)room;
	/* A NUL in a name would cut the evidence short; show it as '?'. */
	for (uint32_t i = 0; i < n; i++)
		f->s[f->len + i] = name[i] ? (char)name[i] : '?';
	f->len += n;
	f->s[f->len] = '\0';
}

static int
walk_field(struct mv_arrowmeta *m, const struct mv_fbt *t, unsigned depth, struct fpath *f)
{
	const unsigned char *name = (const unsigned char *)"";
	uint32_t nlen = 0, noff, start, count;
	size_t saved = f->len;
	int r;

	if (++m->fields > MV_ARROW_MAX_FIELDS) {
		incomplete(m, t->pos, "more fields than are walked in one schema");
		return -1;
	}
	if (depth > MV_ARROW_MAX_DEPTH) {
		invalid(m, t->pos, "fields nested more deeply than readers accept");
		return -1;
	}
	if (mv_fb_string(t, 0, &name, &nlen, &noff) < 0) {
		invalid(m, t->pos, "a field name runs outside the buffer");
		return -1;
	}
	path_push(f, name, nlen);
	if ((r = walk_kv(m, t, 6, f)) != 0)
		goto done;
	if ((r = mv_fb_vector(t, 5, 4, &start, &count)) < 0) {
		invalid(m, t->pos, "a field's children vector lies outside the buffer");
		goto done;
	}
	r = 0;
	for (uint32_t i = 0; i < count && r == 0; i++) {
		struct mv_fbt c;

		if (mv_fb_vector_table(t, start, i, &c) < 0) {
			invalid(m, start + 4 * (uint64_t)i, "a child field lies outside the buffer");
			r = -1;
		} else {
			r = walk_field(m, &c, depth + 1, f);
		}
	}
done:
	f->len = saved;
	f->s[saved] = '\0';
	return r;
}

static void
walk_schema(struct mv_arrowmeta *m, const struct mv_fbt *s)
{
	struct fpath f;
	uint32_t start, count;
	int r;

	memset(&f, 0, sizeof(f));
	if (walk_kv(m, s, 2, NULL) != 0)
		return;
	if ((r = mv_fb_vector(s, 1, 4, &start, &count)) < 0) {
		invalid(m, s->pos, "the fields vector lies outside the buffer");
		return;
	}
	for (uint32_t i = 0; i < count; i++) {
		struct mv_fbt c;

		if (mv_fb_vector_table(s, start, i, &c) < 0) {
			invalid(m, start + 4 * (uint64_t)i, "a field lies outside the buffer");
			return;
		}
		if (walk_field(m, &c, 1, &f) != 0)
			return;
	}
}

void
mv_arrow_check_message(struct mv_arrowmeta *m, const unsigned char *p, size_t n)
{
	struct mv_fbt msg, sch;
	uint64_t type;
	char what[96];

	if (mv_fb_root(p, n, &msg) != 0) {
		invalid(m, 0, "the Message table lies outside the message");
		return;
	}
	if (mv_fb_scalar(&msg, 1, 1, 0, &type) < 0 || type != HEADER_SCHEMA) {
		snprintf(what, sizeof(what), "the message is not a Schema (header type %llu)",
		    (unsigned long long)type);
		invalid(m, msg.pos, what);
		return;
	}
	if (mv_fb_table(&msg, 2, &sch) != 1) {
		invalid(m, msg.pos, "the Schema header is missing or lies outside the message");
		return;
	}
	if (walk_kv(m, &msg, 4, NULL) != 0)
		return;
	walk_schema(m, &sch);
}

int
mv_arrow_is_schema_message(const unsigned char *p, size_t n)
{
	struct mv_fbt msg, sch;
	size_t prefix;
	uint32_t len;
	uint64_t type;

	if (mv_arrow_prefix(p, n, &prefix, &len) != 1 || len > n - prefix)
		return 0;
	return mv_fb_root(p + prefix, len, &msg) == 0 &&
	    mv_fb_scalar(&msg, 1, 1, 0, &type) == 1 && type == HEADER_SCHEMA &&
	    mv_fb_table(&msg, 2, &sch) == 1;
}

void
mv_arrow_check_ipc(struct mv_arrowmeta *m, const unsigned char *p, size_t n)
{
	size_t prefix;
	uint32_t len = 0;
	int r = mv_arrow_prefix(p, n, &prefix, &len);
	int64_t base = m->base;

	if (r < 0) {
		invalid(m, 0, "the message length is cut short or negative");
		return;
	}
	if (r == 0) {
		invalid(m, 0, "an end-of-stream marker where the schema should be");
		return;
	}
	if (len > n - prefix) {
		invalid(m, 0, "the message runs past the end of the data");
		return;
	}
	if (m->base >= 0)
		m->base += (int64_t)prefix;
	mv_arrow_check_message(m, p + prefix, len);
	m->base = base;
}

void
mv_arrow_check_footer(struct mv_arrowmeta *m, const unsigned char *p, size_t n)
{
	struct mv_fbt foot, sch;

	if (mv_fb_root(p, n, &foot) != 0) {
		invalid(m, 0, "the Footer table lies outside the footer");
		return;
	}
	if (walk_kv(m, &foot, 4, NULL) != 0)
		return;
	if (mv_fb_table(&foot, 1, &sch) != 1) {
		invalid(m, foot.pos, "the footer has no schema, or it lies outside the footer");
		return;
	}
	walk_schema(m, &sch);
}
