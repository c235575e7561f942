/* SPDX-License-Identifier: Apache-2.0 */
/* pickle_vm.c: the symbolic unpickler: each opcode acts on a stack, a mark stack and a memo
 * of typed cells as CPython's unpickler would, so that what a call receives and where a
 * callable's name comes from are known, however the pickle builds them. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/codec.h"
#include "core/cursor.h"
#include "scan/pickle_int.h"

#define OBJF_HASOBJECT 0x1
#define DUNDER_MAX 1024   /* dicts with dunder keys tracked in a stream */

/* ---- memory ---- */

#define ACHUNK (256u << 10)

void *
mv_pk_alloc(struct arena *a, size_t n)
{
	struct achunk *c = a->head;

	n = (n + 7) & ~(size_t)7;
	if (c == NULL || c->cap - c->used < n) {
		size_t cap = n > ACHUNK ? n : ACHUNK;

		if (a->over || a->total + cap > a->max) {
			a->over = 1;
			return NULL;
		}
		if ((c = malloc(sizeof(*c) + cap)) == NULL) {
			a->over = 1;
			return NULL;
		}
		c->next = a->head;
		c->used = 0;
		c->cap = cap;
		a->head = c;
		a->total += cap;
	}
	c->used += n;
	return c->data + c->used - n;
}

void
mv_pk_arena_reset(struct arena *a)
{
	struct achunk *c = a->head;

	while (c) {
		struct achunk *next = c->next;

		free(c);
		c = next;
	}
	a->head = NULL;
	a->total = 0;
	a->over = 0;
}

void
mv_pk_sim_init(struct sim *s, uint64_t max)
{
	memset(s, 0, sizeof(*s));
	s->arena.max = max;
}

/* Forget one stream's values, keeping the buffers for the next. */
void
mv_pk_sim_reset(struct sim *s)
{
	s->sp = 0;
	s->nmarks = 0;
	s->memohw = 0;
	if (s->sparse)
		memset(s->sparse, 0, s->spcap * sizeof(*s->sparse));
	s->memolen = s->spn = 0;
	mv_pk_arena_reset(&s->arena);
	s->ops = s->gets = s->puts = s->dups = 0;
	s->proto = 0;
	s->ndicts = 0;
	s->ndunder = 0;
	s->dunder_over = 0;
}

void
mv_pk_sim_free(struct sim *s)
{
	free(s->stack);
	free(s->marks);
	free(s->memo);
	free(s->sparse);
	free(s->dunder);
	mv_pk_arena_reset(&s->arena);
	memset(s, 0, sizeof(*s));
}

static void
note_memory(struct mv_pickle *m, uint64_t off)
{
	if (m->memory_noted)
		return;
	m->memory_noted = 1;
	mv_pk_emit(m, MV_R_PICKLE_LIMIT_MEMORY, off, "values of this stream past %llu bytes are "
	    "tracked without their contents (--max-pickle-memory); decisions that need them "
	    "are taken as unsafe", (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_MEMORY]);
}

/* ---- the stack ---- */

static inline int
push(struct mv_pickle *m, const struct cell *c)
{
	struct sim *s = &m->s;

	if (s->sp == s->scap && MV_ARRAY_RESERVE(s->stack, s->scap, s->sp + 1,
	    m->o.limit[MV_LIMIT_PICKLE_STACK]) != 0) {
		mv_pk_stop(m, MV_R_PICKLE_LIMIT_STACK, m->op_off, "the stack grows past %llu "
		    "values (--max-pickle-stack); the rest of the entry is not analysed",
		    (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_STACK]);
		return -1;
	}
	s->stack[s->sp++] = *c;
	return 0;
}

static size_t
fence(const struct sim *s)
{
	return s->nmarks ? s->marks[s->nmarks - 1] : 0;
}

/* The stack from index i; NULL (never dereferenced) while nothing was ever pushed. */
static struct cell *
at(struct sim *s, size_t i)
{
	return s->stack ? s->stack + i : NULL;
}

static int
pop(struct mv_pickle *m, uint8_t op, uint64_t off, struct cell *out)
{
	struct sim *s = &m->s;

	if (s->sp <= fence(s)) {
		mv_pk_parse_error(m, off, "%s with nothing on the stack to take",
		    mv_pickle_ops[op].name);
		return -1;
	}
	*out = s->stack[--s->sp];
	return 0;
}

static struct cell *
top(struct mv_pickle *m, uint8_t op, uint64_t off)
{
	struct sim *s = &m->s;

	if (s->sp <= fence(s)) {
		mv_pk_parse_error(m, off, "%s with nothing on the stack to act on",
		    mv_pickle_ops[op].name);
		return NULL;
	}
	return &s->stack[s->sp - 1];
}

/* The items above the topmost mark: their index; the mark is gone after. */
static int
pop_mark(struct mv_pickle *m, uint8_t op, uint64_t off, size_t *start)
{
	struct sim *s = &m->s;

	if (s->nmarks == 0) {
		mv_pk_parse_error(m, off, "%s without a MARK", mv_pickle_ops[op].name);
		return -1;
	}
	*start = s->marks[--s->nmarks];
	return 0;
}

/* ---- values ---- */

static void
make_str(struct mv_pickle *m, struct cell *c, int bytes, const unsigned char *p, size_t n,
    uint64_t full)
{
	memset(c, 0, sizeof(*c));
	c->t = bytes ? C_BYTES : C_STR;
	if (n > KEEP_STR)
		n = KEEP_STR;
	if (full > n)
		c->fl |= CF_TRUNC;
	if (n <= INLINE_STR) {
		memcpy(c->u.in, p, n);
	} else {
		char *s = mv_pk_alloc(&m->s.arena, n);

		if (s == NULL) {
			note_memory(m, m->op_off);
			c->fl |= CF_OPAQUE | CF_TRUNC;
			n = 0;
		} else {
			memcpy(s, p, n);
			c->u.s = s;
		}
	}
	c->len = (uint16_t)n;
}

static struct cobj *
new_obj(struct mv_pickle *m, size_t cap)
{
	struct cobj *o;

	if (cap > OBJ_KEEP)
		cap = OBJ_KEEP;
	o = mv_pk_alloc(&m->s.arena, sizeof(*o) + cap * sizeof(struct cell));
	if (o == NULL) {
		note_memory(m, m->op_off);
		return NULL;
	}
	o->n = 0;
	o->kept = 0;
	o->flags = 0;
	o->cap = (uint8_t)cap;
	return o;
}

static void
obj_add(struct cobj *o, const struct cell *c)
{
	if (o == NULL)
		return;
	if (o->kept < o->cap)
		o->v[o->kept++] = *c;
	if (o->n < UINT32_MAX)
		o->n++;
}

/* A container cell; lists, dicts and sets get their item store on first use. */
static void
make_obj(struct cell *c, uint8_t t, struct cobj *o)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	c->u.o = o;
	if (o == NULL && (t == C_TUPLE || t == C_FROZENSET))
		c->fl |= CF_OPAQUE;
}

static inline int
cell_dunder(const struct cell *c)
{
	const char *s;

	if (c->t != C_STR || c->len <= 4 || (c->fl & CF_TRUNC))
		return 0;
	s = cell_str(c);
	return s[0] == '_' && s[1] == '_' && s[c->len - 1] == '_' && s[c->len - 2] == '_';
}

static int
dict_dunder(const struct sim *s, const struct cell *d)
{
	if (d->t != C_DICT)
		return 0;
	if (s->dunder_over)
		return 1;
	for (size_t i = 0; i < s->ndunder; i++)
		if (s->dunder[i] == d->imp)
			return 1;
	return 0;
}

/* A dunder key marks the dict by its serial (which every memo copy of it carries), for
 * BUILD to see when the dict becomes an object's state. */
static void
note_dunder(struct mv_pickle *m, const struct cell *d, const struct cell *items, size_t n)
{
	struct sim *s = &m->s;
	size_t i;

	for (i = 0; i + 1 < n && !cell_dunder(&items[i]); i += 2)
		;
	if (i + 1 >= n || dict_dunder(s, d))
		return;
	if (s->ndunder == DUNDER_MAX || mv_array_reserve((void **)&s->dunder, &s->dcap,
	    s->ndunder + 1, sizeof(*s->dunder), DUNDER_MAX, 0) != 0) {
		s->dunder_over = 1;
		return;
	}
	s->dunder[s->ndunder++] = d->imp;
}

static void
container_add(struct mv_pickle *m, struct cell *target, const struct cell *items, size_t n)
{
	if (target->t == C_DICT)
		note_dunder(m, target, items, n);
	/* Only a joblib wrapper's state needs the items of a dict; the rest are counted by
	 * nobody, which keeps the machine's memory to a small share of the input. */
	if (!(target->fl & CF_KEEP) || target->u.o == NULL)
		return;
	for (size_t i = 0; i < n; i++)
		obj_add(target->u.o, &items[i]);
}

/* A dict or list; its items are kept when it is the state of a joblib wrapper, the value
 * under it on the stack (the store is made now, so memo copies share it). A dict gets a
 * serial. */
static void
make_dict(struct mv_pickle *m, struct cell *c, uint8_t t, const struct cell *under)
{
	make_obj(c, t, NULL);
	if (t == C_DICT)
		c->imp = ++m->s.ndicts;
	if (t == C_DICT && under && under->t == C_CALL && (under->fl & CF_WRAPPER) &&
	    (c->u.o = new_obj(m, OBJ_KEEP)) != NULL)
		c->fl |= CF_KEEP;
	else
		c->fl |= CF_OPAQUE;
}

/* The tuple made of items[0..n). */
static void
make_tuple(struct mv_pickle *m, struct cell *c, uint8_t t, const struct cell *items, size_t n)
{
	struct cobj *o = n ? new_obj(m, n) : NULL;

	make_obj(c, t, o);
	if (n == 0)
		c->fl &= (uint8_t)~CF_OPAQUE;
	for (size_t i = 0; i < n && o; i++)
		obj_add(o, &items[i]);
}

const struct cell *
mv_pk_result(const struct mv_pickle *m)
{
	return m->s.sp ? &m->s.stack[m->s.sp - 1] : NULL;
}

/* ---- argument decoding ---- */

/* A decimal as INT, LONG, PUT and GET spell it (white space, sign, underscores, a trailing
 * L for LONG). Returns -1 when it is not one; *big when it does not fit. */
static int
parse_dec(const unsigned char *s, size_t n, int64_t *v, int *big)
{
	size_t i = 0, d = 0;
	int neg = 0;
	uint64_t acc = 0;

	*big = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r'))
		i++;
	while (n > i && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	if (n > i && s[n - 1] == 'L')
		n--;
	if (i < n && (s[i] == '-' || s[i] == '+'))
		neg = s[i++] == '-';
	for (; i < n; i++) {
		if (s[i] == '_' && d > 0 && i + 1 < n && s[i + 1] != '_')
			continue;
		if (s[i] < '0' || s[i] > '9')
			return -1;
		if (acc > (UINT64_MAX - 9) / 10)
			*big = 1;
		else
			acc = acc * 10 + (uint64_t)(s[i] - '0');
		d++;
	}
	if (d == 0)
		return -1;
	if (acc > INT64_MAX)
		*big = 1;
	*v = *big ? 0 : neg ? -(int64_t)acc : (int64_t)acc;
	return 0;
}

static size_t
put_utf8(unsigned char *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (unsigned char)(0xc0 | (cp >> 6));
		o[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (cp >> 12));
		o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | ((cp >> 18) & 0x07));
	o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* STRING's body: Python string escapes (escape_decode). */
static size_t
unescape_string(const unsigned char *s, size_t n, unsigned char *o)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] != '\\' || i + 1 >= n) {
			o[k++] = s[i];
			continue;
		}
		i++;
		switch (s[i]) {
		case 'n': o[k++] = '\n'; break;
		case 't': o[k++] = '\t'; break;
		case 'r': o[k++] = '\r'; break;
		case 'a': o[k++] = '\a'; break;
		case 'b': o[k++] = '\b'; break;
		case 'f': o[k++] = '\f'; break;
		case 'v': o[k++] = '\v'; break;
		case '\\': case '\'': case '"': o[k++] = s[i]; break;
		case '\n': break;
		case 'x':
			if (i + 2 < n && mv_hex_value(s[i + 1]) >= 0 && mv_hex_value(s[i + 2]) >= 0) {
				o[k++] = (unsigned char)(mv_hex_value(s[i + 1]) * 16 + mv_hex_value(s[i + 2]));
				i += 2;
			} else {
				o[k++] = '\\';
				o[k++] = s[i];
			}
			break;
		default:
			if (s[i] >= '0' && s[i] <= '7') {
				unsigned v = 0;
				size_t j = 0;

				while (j < 3 && i < n && s[i] >= '0' && s[i] <= '7') {
					v = v * 8 + (unsigned)(s[i] - '0');
					i++;
					j++;
				}
				i--;
				o[k++] = (unsigned char)v;
			} else {
				o[k++] = '\\';
				o[k++] = s[i];
			}
		}
	}
	return k;
}

/* UNICODE's body: raw-unicode-escape (only \uXXXX and \UXXXXXXXX are escapes). */
static size_t
unescape_unicode(const unsigned char *s, size_t n, unsigned char *o, size_t cap)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 4 <= cap; i++) {
		size_t digits = 0;
		uint32_t cp = 0;

		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == 'u' || s[i + 1] == 'U'))
			digits = s[i + 1] == 'u' ? 4 : 8;
		if (digits && i + 1 + digits < n) {
			size_t j;

			for (j = 0; j < digits && mv_hex_value(s[i + 2 + j]) >= 0; j++)
				cp = cp * 16 + (uint32_t)mv_hex_value(s[i + 2 + j]);
			if (j == digits && cp <= 0x10ffff) {
				k += put_utf8(o + k, cp);
				i += 1 + digits;
				continue;
			}
		}
		o[k++] = s[i];
	}
	return k;
}

/* ---- imports and calls ---- */

static const char *
imp_canon(const struct mv_pickle *m, const struct cell *c, const char **name)
{
	const struct imp *r = mv_pk_imp(m, c);

	if (r == NULL)
		return NULL;
	*name = r->j.name;
	return r->j.module;
}

static void
do_import(struct mv_pickle *m, uint64_t off, const unsigned char *mod, size_t mlen, int mtrunc,
    const unsigned char *name, size_t nlen, int ntrunc)
{
	struct cell c;

	memset(&c, 0, sizeof(c));
	c.t = C_REF;
	c.imp = mv_pk_import(m, off, (const char *)mod, mlen, mtrunc, (const char *)name, nlen,
	    ntrunc);
	push(m, &c);
}

/* The result of a call, marked when the callee matters later (dtypes, array wrappers). */
static void
call_result(struct mv_pickle *m, const struct cell *callee, const struct cell *args, int nargs,
    struct cell *out)
{
	const struct imp *r = callee->t == C_REF ? mv_pk_imp(m, callee) : NULL;

	memset(out, 0, sizeof(*out));
	out->t = C_CALL;
	if (callee->t == C_REF)
		out->imp = callee->imp;

	if (r && (r->special & IMP_DTYPE)) {
		struct cobj *o = nargs > 0 ? new_obj(m, (size_t)nargs) : NULL;

		out->fl |= CF_DTYPE;
		for (int i = 0; i < nargs && o; i++)
			obj_add(o, &args[i]);
		out->u.o = o;
	} else if (r && (r->special & IMP_WRAPPER)) {
		out->fl |= CF_WRAPPER;
	} else if (nargs > 0 && args[0].t == C_TUPLE) {
		out->u.o = args[0].u.o;
	}
}

/* The arguments of a REDUCE-style call: a tuple's kept items. */
static void
tuple_items(const struct cell *t, const struct cell **items, int *n)
{
	*items = NULL;
	*n = 0;
	if ((t->t == C_TUPLE || t->t == C_LIST) && t->u.o) {
		*items = t->u.o->v;
		*n = t->u.o->kept;
	}
}

/* ---- profile checks ---- */

static int
torch_like(const struct mv_pickle *m)
{
	return m->torchp;
}

/* weights_only lets SETITEM reach dicts, OrderedDict and Counter, APPEND lists, and BUILD
 * tensors, parameters and allowlisted types only (CVE-2026-24747 went past this). */
static void
torch_target(struct mv_pickle *m, uint8_t op, uint64_t off, const struct cell *t)
{
	const struct imp *r;
	int ok;

	if (!torch_like(m) || m->in_joblib_object)
		return;
	switch (op) {
	case 's':
	case 'u':
		ok = t->t == C_DICT || (t->t == C_CALL && t->imp && ((r = mv_pk_imp(m, t)) != NULL) &&
		    strcmp(r->j.module, "collections") == 0 && (strcmp(r->j.name, "OrderedDict") == 0 ||
		    strcmp(r->j.name, "Counter") == 0));
		break;
	case 'a':
	case 'e':
		ok = t->t == C_LIST;
		break;
	default:
		/* An object of a class outside the allowlist is reported with the class (and
		 * allowed with it, by a policy line); a denied class's BUILD is worth saying. */
		ok = t->t == C_CALL && t->imp && (r = mv_pk_imp(m, t)) != NULL &&
		    r->j.verdict != MV_PY_DENIED;
	}
	if (!ok) {
		char what[160];

		mv_pk_repr(m, t, what, sizeof(what), 0);
		mv_pk_emit(m, MV_R_TORCH_MUTATION_INVALID, off, "%s on %s: PyTorch's weights_only "
		    "loader allows it only on %s", mv_pickle_ops[op].name, what,
		    op == 's' || op == 'u' ? "dicts, OrderedDict and Counter" :
		    op == 'a' || op == 'e' ? "lists" : "tensors and allowlisted types");
	}
}

static uint32_t
storage_elem(const char *name)
{
	static const struct {
		const char *n;
		uint32_t size;
	} t[] = {
		{"DoubleStorage", 8}, {"FloatStorage", 4}, {"HalfStorage", 2},
		{"BFloat16Storage", 2}, {"LongStorage", 8}, {"IntStorage", 4},
		{"ShortStorage", 2}, {"CharStorage", 1}, {"ByteStorage", 1}, {"BoolStorage", 1},
		{"ComplexDoubleStorage", 16}, {"ComplexFloatStorage", 8}, {"QUInt8Storage", 1},
		{"QInt8Storage", 1}, {"QInt32Storage", 4}, {"QUInt4x2Storage", 1},
		{"QUInt2x4Storage", 1}, {"UntypedStorage", 1},
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(name, t[i].n) == 0)
			return t[i].size;
	return 0;
}

uint32_t
mv_pk_storage_elem(const struct mv_pickle *m, const struct cell *c)
{
	const char *name, *mod = imp_canon(m, c, &name);

	if (mod == NULL || (strcmp(mod, "torch") != 0 && strcmp(mod, "torch.storage") != 0 &&
	    strcmp(mod, "torch.cuda") != 0))
		return 0;
	return storage_elem(name);
}

static int
cell_is_str(const struct cell *c, const char *s)
{
	size_t n = strlen(s);

	return c->t == C_STR && !(c->fl & CF_TRUNC) && c->len == n &&
	    memcmp(cell_str(c), s, n) == 0;
}

/*
 * A persistent id, and what persistent_load gives for it (in *out). torch.save writes
 * ('storage', storage type, key, location, numel) and the legacy format adds a view
 * (None) and writes ('module', class, source file, source) for the classes of whole
 * models, for which the legacy loader returns the class itself. Any other shape is made
 * for some other loader than torch's.
 */
static void
persid(struct mv_pickle *m, uint64_t off, const struct cell *pid, struct cell *out)
{
	const struct cobj *o = pid->t == C_TUPLE ? pid->u.o : NULL;
	const char *why = NULL;

	memset(out, 0, sizeof(*out));
	out->t = C_PERSID;
	if (!torch_like(m))
		return;
	/* The old tar format names its tensors by key strings. */
	if (pid->t == C_INT || (pid->t == C_STR && m->o.profile == MV_PICKLE_TORCH_TAR))
		return;
	if (m->legacy && o && o->n == 4 && o->kept == 4 && cell_is_str(&o->v[0], "module")) {
		if (o->v[1].t != C_REF || o->v[2].t != C_STR || o->v[3].t != C_STR) {
			why = "a ('module', class, source file, source) tuple whose class is not an "
			    "imported name";
		} else {
			*out = o->v[1];
			return;
		}
	} else if (o == NULL || o->kept < 5 || !cell_is_str(&o->v[0], "storage") ||
	    o->v[1].t != C_REF || o->v[2].t != C_STR || o->v[3].t != C_STR ||
	    o->v[4].t != C_INT) {
		why = "not a ('storage', type, key, location, size) tuple";
	} else if (o->n > 6 || (o->n == 6 && !m->legacy) ||
	    (o->n == 6 && o->kept == 6 && o->v[5].t != C_NONE && o->v[5].t != C_TUPLE)) {
		why = "a storage tuple with more than torch.save writes";
	} else if (mv_pk_storage_elem(m, &o->v[1]) == 0) {
		const struct imp *r = mv_pk_imp(m, &o->v[1]);

		/* A storage type of torch's is the only class persistent_load calls. */
		if (r == NULL || r->j.verdict != MV_PY_ALLOWED)
			why = "a storage tuple whose type is not a torch storage class";
	}
	if (why) {
		char what[160];

		mv_pk_repr(m, pid, what, sizeof(what), 0);
		mv_pk_emit(m, MV_R_TORCH_PERSID_INVALID, off, "persistent id %s is %s", what,
		    why);
		return;
	}
	/* Legacy files lay the storages out after the pickles, in key order. */
	if (m->legacy && m->stream == 3 && m->nlkeys < PERSID_MAX) {
		uint32_t elem = mv_pk_storage_elem(m, &o->v[1]);
		char *k;

		if (elem == 0 || (o->v[2].fl & CF_TRUNC))
			return;
		if (m->nlkeys == m->lkcap && MV_ARRAY_RESERVE(m->lkeys, m->lkcap, m->nlkeys + 1,
		    PERSID_MAX) != 0)
			return;
		if ((k = mv_pk_alloc(&m->keyarena, o->v[2].len ? o->v[2].len : 1)) == NULL)
			return;
		memcpy(k, cell_str(&o->v[2]), o->v[2].len);
		m->lkeys[m->nlkeys].key = k;
		m->lkeys[m->nlkeys].klen = o->v[2].len;
		m->lkeys[m->nlkeys].elem = elem;
		m->nlkeys++;
	}
}

/* numpy's dtype string ('f8', '<i4', 'U10', 'V16', 'O8'): item size, 0 unknown, -1 object. */
static int64_t
dtype_size(const struct cell *c)
{
	const char *s;
	size_t n, i = 0;
	int64_t v = 0;
	char kind;

	if (c->t != C_STR || (c->fl & CF_TRUNC) || c->len == 0)
		return 0;
	s = cell_str(c);
	n = c->len;
	if (s[0] == '<' || s[0] == '>' || s[0] == '|' || s[0] == '=')
		i++;
	if (i >= n)
		return 0;
	kind = s[i++];
	if (kind == 'O')
		return -1;
	if (i == n) {
		switch (kind) {
		case '?': case 'b': case 'B': return 1;
		case 'e': case 'h': case 'H': return 2;
		case 'f': case 'i': case 'I': return 4;
		case 'd': case 'l': case 'L': case 'q': case 'Q': case 'F': return 8;
		case 'D': case 'g': return 16;
		default: return 0;
		}
	}
	for (; i < n && s[i] >= '0' && s[i] <= '9' && v < (INT64_C(1) << 40); i++)
		v = v * 10 + (s[i] - '0');
	if (i < n && s[i] != '[')
		return 0;
	if (kind == 'U')
		v *= 4;
	if (strchr("biufcmMUSVa?", kind) == NULL)
		return 0;
	return v;
}

/* A joblib NumpyArrayWrapper got its state: the array bytes follow in the file. */
static void
joblib_wrapper(struct mv_pickle *m, uint64_t off, const struct cell *state)
{
	const struct cobj *o = state->t == C_DICT ? state->u.o : NULL;
	const struct cell *shape = NULL, *dtype = NULL;
	int padded = 0;
	uint64_t count = 1;
	int64_t item = 0;
	const char *why = NULL;

	if (o == NULL || o->n > o->kept)
		why = "its state is not a small dict";
	for (size_t i = 0; !why && i + 1 < o->kept; i += 2) {
		const struct cell *k = &o->v[i], *v = &o->v[i + 1];

		if (cell_is_str(k, "shape"))
			shape = v;
		else if (cell_is_str(k, "dtype"))
			dtype = v;
		else if (cell_is_str(k, "numpy_array_alignment_bytes"))
			padded = v->t != C_NONE;
	}
	if (!why && (shape == NULL || shape->t != C_TUPLE || (shape->fl & CF_OPAQUE) ||
	    (shape->u.o != NULL && shape->u.o->n > shape->u.o->kept)))
		why = "its shape is not a tuple of integers";
	for (size_t i = 0; !why && shape->u.o && i < shape->u.o->kept; i++) {
		const struct cell *d = &shape->u.o->v[i];

		if (d->t != C_INT || (d->fl & CF_BIG) || d->u.i < 0 ||
		    (d->u.i && count > UINT64_MAX / (uint64_t)d->u.i))
			why = "its shape is not a tuple of integers";
		else
			count *= (uint64_t)d->u.i;
	}
	if (!why && (dtype == NULL || dtype->t != C_CALL || !(dtype->fl & CF_DTYPE) ||
	    dtype->u.o == NULL || dtype->u.o->kept < 1 ||
	    (item = dtype_size(&dtype->u.o->v[0])) == 0))
		why = "its dtype is not a numpy.dtype of a known kind";
	if (!why && item > 0 && count > UINT64_MAX / (uint64_t)item)
		why = "its size overflows";
	if (why) {
		mv_pk_stop(m, MV_R_JOBLIB_ARRAY_INVALID, off, "joblib array wrapper: %s, so the "
		    "array bytes after it cannot be skipped; the rest is not analysed", why);
		return;
	}
	m->joblib_pending = 1;
	m->joblib_pad = padded;
	m->joblib_object = item < 0 || (dtype->u.o->flags & OBJF_HASOBJECT);
	m->joblib_bytes = item < 0 ? 0 : count * (uint64_t)item;
}

/* A BUILD state that sets dunder attributes: a dict with a dunder key, or a (dict,
 * slot state) pair holding one. */
static int
dunder_state(const struct sim *s, const struct cell *state)
{
	if (s->ndunder == 0 && !s->dunder_over)
		return 0;
	if (state->t == C_DICT)
		return dict_dunder(s, state);
	if (state->t != C_TUPLE || state->u.o == NULL)
		return 0;
	for (size_t i = 0; i < state->u.o->kept && i < 2; i++)
		if (dict_dunder(s, &state->u.o->v[i]))
			return 1;
	return 0;
}

/* BUILD: inst.__setstate__(state), or setattr for each item of state. */
static void
build(struct mv_pickle *m, uint64_t off, struct cell *inst, const struct cell *state)
{
	char what[200], st[200];
	const struct imp *r;

	if (inst->t == C_REF) {
		/* Setting attributes of a module-level function or class rewires code that runs
		 * later (modelscan #330: numpy.prod gets a module as an attribute). */
		mv_pk_repr(m, inst, what, sizeof(what), 0);
		mv_pk_repr(m, state, st, sizeof(st), 0);
		mv_pk_emit(m, MV_R_PICKLE_BUILD_GLOBAL, off, "BUILD sets state %s on the imported "
		    "object %s itself", st, what);
		return;
	}
	if (inst->t == C_CALL && inst->imp && inst->imp <= m->nimp &&
	    ((r = &m->imps[inst->imp - 1])->special & IMP_PARTIAL)) {
		/* partial's state is (func, args, kwds, dict): func replaces the callable it
		 * was made with, so it must pass the same test. */
		const struct cobj *o = state->t == C_TUPLE ? state->u.o : NULL;

		if (o == NULL || o->kept < 1 || !mv_pk_partial_ok(m, o->v, 1)) {
			mv_pk_repr(m, state, st, sizeof(st), 0);
			mv_pk_emit(m, MV_R_PICKLE_GLOBAL_DENIED, off, "BUILD gives functools.partial "
			    "the state %s, whose callable is not on the allowlist", st);
		}
		return;
	}
	if (dunder_state(&m->s, state)) {
		/* No pickler writes these: they replace how the object is restored or what it
		 * is (a __setstate__ that the next BUILD calls, __class__, __reduce__). */
		mv_pk_repr(m, inst, what, sizeof(what), 0);
		mv_pk_emit(m, MV_R_PICKLE_BUILD_DUNDER, off, "BUILD sets dunder attributes "
		    "(state keys like __setstate__, __class__ or __dict__) on %s", what);
	}
	torch_target(m, 'b', off, inst);
	if (inst->t == C_CALL && (inst->fl & CF_DTYPE) && state->t == C_TUPLE && state->u.o &&
	    inst->u.o) {
		/* numpy.dtype's state: (version, order, subdtype, names, fields, size, align,
		 * flags); flag 1 says it holds objects. */
		const struct cobj *o = state->u.o;

		if (o->kept >= 8 && o->v[7].t == C_INT && (o->v[7].u.i & 1))
			inst->u.o->flags |= OBJF_HASOBJECT;
	}
	if (inst->t == C_CALL && (inst->fl & CF_WRAPPER))
		joblib_wrapper(m, off, state);
}

/* ---- the memo ---- */

static uint64_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static struct mslot *
sparse_slot(const struct sim *s, uint64_t idx)
{
	size_t i;

	if (s->spcap == 0)
		return NULL;
	for (i = mix(idx) & (s->spcap - 1); s->sparse[i].key != 0; i = (i + 1) & (s->spcap - 1))
		if (s->sparse[i].key == idx + 1)
			return &s->sparse[i];
	return &s->sparse[i];
}

static const struct cell *
memo_get(const struct sim *s, uint64_t idx)
{
	const struct mslot *sl;

	if (idx < s->memohw)
		return s->memo[idx].t != C_VOID ? &s->memo[idx] : NULL;
	if (idx < s->memocap)
		return NULL;
	sl = sparse_slot(s, idx);
	return sl && sl->key ? &sl->c : NULL;
}

/* Store at idx. Dense storage grows only while the indices stay near the number of entries,
 * so one LONG_BINPUT to index 4e9 costs one slot, not four billion. -1 past the limit. */
static int
memo_put(struct sim *s, uint64_t idx, const struct cell *c, uint64_t max)
{
	struct mslot *sl;

	if (idx < s->memocap || (idx < 4096 + 4 * (uint64_t)s->memolen && idx < max &&
	    mv_array_reserve((void **)&s->memo, &s->memocap, (size_t)idx + 1, sizeof(*s->memo),
	    max, 0) == 0)) {
		/* Slots past the high-water mark were never written: clear them on first use
		 * rather than when the array grows. */
		if (idx >= s->memohw) {
			memset(s->memo + s->memohw, 0, (size_t)(idx + 1 - s->memohw) * sizeof(*s->memo));
			s->memohw = (size_t)idx + 1;
		}
		if (s->memo[idx].t == C_VOID) {
			if (s->memolen >= max)
				return -1;
			s->memolen++;
		}
		s->memo[idx] = *c;
		return 0;
	}
	if ((sl = sparse_slot(s, idx)) != NULL && sl->key) {
		sl->c = *c;
		return 0;
	}
	if (s->memolen >= max)
		return -1;
	if (s->spn * 2 >= s->spcap) {
		size_t ncap = s->spcap ? s->spcap * 2 : 64;
		struct mslot *old = s->sparse, *nv = calloc(ncap, sizeof(*nv));
		size_t ocap = s->spcap;

		if (nv == NULL)
			return -1;
		s->sparse = nv;
		s->spcap = ncap;
		for (size_t i = 0; i < ocap; i++)
			if (old[i].key)
				*sparse_slot(s, old[i].key - 1) = old[i];
		free(old);
	}
	sl = sparse_slot(s, idx);
	sl->key = idx + 1;
	sl->c = *c;
	s->spn++;
	s->memolen++;
	return 0;
}

/* STRING and UNICODE, protocol 0's quoted and escaped strings. Apart from mv_pk_exec so
 * that its buffers do not weigh on every other opcode. */
static void
text_string(struct mv_pickle *m, uint8_t op, uint64_t off, const unsigned char *arg,
    size_t alen, uint64_t full)
{
	unsigned char buf[KEEP_STR];
	struct cell c;
	size_t n;

	if (op == 'S') {
		/* The line must be quoted at both ends (the closing quote is the line's last
		 * byte, which may lie past what is kept). */
		if (full < 2 || (arg[0] != '\'' && arg[0] != '"') || m->lastc != arg[0]) {
			mv_pk_parse_error(m, off, "STRING argument is not quoted");
			return;
		}
		n = unescape_string(arg + 1, (full > alen ? alen : alen - 1) - 1, buf);
	} else {
		n = unescape_unicode(arg, alen, buf, sizeof(buf));
	}
	make_str(m, &c, 0, buf, n, full > alen ? full : n);
	push(m, &c);
}

/* ---- the opcodes ---- */

void
mv_pk_exec(struct mv_pickle *m, uint8_t op, uint64_t off, const struct pk_arg *x)
{
	struct sim *s = &m->s;
	struct cell a, b, c, d;
	size_t start;
	int64_t v;
	int big;

	memset(&c, 0, sizeof(c));
	switch (op) {
	case '(':
		if (s->nmarks == s->mkcap && MV_ARRAY_RESERVE(s->marks, s->mkcap, s->nmarks + 1,
		    m->o.limit[MV_LIMIT_PICKLE_STACK]) != 0) {
			mv_pk_stop(m, MV_R_PICKLE_LIMIT_STACK, off, "more than %llu MARKs open "
			    "(--max-pickle-stack); the rest of the entry is not analysed",
			    (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_STACK]);
			return;
		}
		s->marks[s->nmarks++] = (uint32_t)s->sp;
		return;
	case '.':
		/* The value is left on the stack for the profile to look at. */
		if (s->sp <= fence(s))
			mv_pk_parse_error(m, off, "STOP with nothing on the stack");
		return;
	case '0':
		if (s->nmarks && s->marks[s->nmarks - 1] == s->sp)
			s->nmarks--;
		else
			pop(m, op, off, &a);
		return;
	case '1':
		if (pop_mark(m, op, off, &start) == 0)
			s->sp = start;
		return;
	case '2': {
		struct cell *t = top(m, op, off);

		if (t == NULL)
			return;
		a = *t;
		s->dups++;
		push(m, &a);
		return;
	}
	case 'I':
		if (x->full > x->n) {
			c.t = C_INT;
			c.fl = CF_BIG;
			push(m, &c);
			return;
		}
		if (parse_dec(x->p, x->n, &v, &big) != 0) {
			mv_pk_parse_error(m, off, "INT argument is not a number");
			return;
		}
		c.t = (x->n == 2 && x->p[0] == '0' && (x->p[1] == '0' || x->p[1] == '1')) ? C_BOOL :
		    C_INT;
		c.u.i = v;
		c.fl = big ? CF_BIG : 0;
		push(m, &c);
		return;
	case 'L':
		if (x->full > x->n) {
			c.t = C_INT;
			c.fl = CF_BIG;
			push(m, &c);
			return;
		}
		if (parse_dec(x->p, x->n, &v, &big) != 0) {
			mv_pk_parse_error(m, off, "LONG argument is not a number");
			return;
		}
		c.t = C_INT;
		c.u.i = v;
		c.fl = big ? CF_BIG : 0;
		push(m, &c);
		return;
	case 'J':
		c.t = C_INT;
		c.u.i = (int32_t)mv_le32(x->p);
		push(m, &c);
		return;
	case 'K':
		c.t = C_INT;
		c.u.i = x->p[0];
		push(m, &c);
		return;
	case 'M':
		c.t = C_INT;
		c.u.i = mv_le16(x->p);
		push(m, &c);
		return;
	case OP_LONG1:
	case OP_LONG4: {
		static const unsigned char magic[10] = {0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a,
		    0xa8, 0x50, 0x19};

		c.t = C_INT;
		if (x->full == 10 && x->n == 10 && memcmp(x->p, magic, 10) == 0) {
			c.fl = CF_MAGIC | CF_BIG;
		} else if (x->full <= 8 && x->n == x->full) {
			uint64_t u = 0;

			for (size_t i = x->n; i-- > 0;)
				u = (u << 8) | x->p[i];
			if (x->n && x->n < 8 && (x->p[x->n - 1] & 0x80))
				u |= ~UINT64_C(0) << (8 * x->n);
			c.u.i = (int64_t)u;
		} else {
			c.fl = CF_BIG;
		}
		push(m, &c);
		return;
	}
	case 'F':
	case 'G':
		c.t = C_FLOAT;
		push(m, &c);
		return;
	case 'N':
		c.t = C_NONE;
		push(m, &c);
		return;
	case OP_NEWTRUE:
	case OP_NEWFALSE:
		c.t = C_BOOL;
		c.u.i = op == OP_NEWTRUE;
		push(m, &c);
		return;
	case 'S':
	case 'V':
		text_string(m, op, off, x->p, x->n, x->full);
		return;
	case 'T': case 'U': case 'X': case OP_SHORT_BINUNICODE: case OP_BINUNICODE8:
		make_str(m, &c, 0, x->p, x->n, x->full);
		push(m, &c);
		return;
	case 'B': case 'C': case OP_BINBYTES8: case OP_BYTEARRAY8:
		make_str(m, &c, 1, x->p, x->n, x->full);
		push(m, &c);
		return;
	case 'P':
		make_str(m, &a, 0, x->p, x->n, x->full);
		persid(m, off, &a, &c);
		push(m, &c);
		return;
	case 'Q':
		if (pop(m, op, off, &a) != 0)
			return;
		persid(m, off, &a, &c);
		push(m, &c);
		return;
	case 'R': {
		const struct cell *items;
		int n;

		if (pop(m, op, off, &b) != 0 || pop(m, op, off, &a) != 0)
			return;
		if (b.t != C_TUPLE && b.t != C_UNKNOWN && b.t != C_CALL)
			mv_pk_emit(m, MV_R_PICKLE_STRUCTURE_INVALID, off, "REDUCE arguments are "
			    "not a tuple; CPython's loader stops here");
		tuple_items(&b, &items, &n);
		mv_pk_call(m, off, "REDUCE", &a, items, n);
		call_result(m, &a, items, n, &c);
		push(m, &c);
		return;
	}
	case 'b': {
		struct cell *t;

		if (pop(m, op, off, &b) != 0 || (t = top(m, op, off)) == NULL)
			return;
		build(m, off, t, &b);
		return;
	}
	case 'c':
		do_import(m, off, x->p, x->n, x->full > x->n, x->p2, x->n2, x->full2 > x->n2);
		return;
	case 'i':
		if (pop_mark(m, op, off, &start) != 0)
			return;
		memset(&a, 0, sizeof(a));
		a.t = C_REF;
		a.imp = mv_pk_import(m, off, (const char *)x->p, x->n, x->full > x->n,
		    (const char *)x->p2, x->n2, x->full2 > x->n2);
		mv_pk_call(m, off, "INST", &a, at(s, start),
		    (int)(s->sp - start > 64 ? 64 : s->sp - start));
		call_result(m, &a, at(s, start), (int)(s->sp - start), &c);
		s->sp = start;
		push(m, &c);
		return;
	case 'o':
		if (pop_mark(m, op, off, &start) != 0)
			return;
		if (s->sp == start) {
			mv_pk_parse_error(m, off, "OBJ without a class");
			return;
		}
		a = s->stack[start];
		mv_pk_call(m, off, "OBJ", &a, at(s, start + 1),
		    (int)(s->sp - start - 1 > 64 ? 64 : s->sp - start - 1));
		call_result(m, &a, at(s, start + 1), (int)(s->sp - start - 1), &c);
		s->sp = start;
		push(m, &c);
		return;
	case OP_NEWOBJ:
	case OP_NEWOBJ_EX: {
		const struct cell *items;
		int n;

		if (op == OP_NEWOBJ_EX && pop(m, op, off, &d) != 0)
			return;
		if (pop(m, op, off, &b) != 0 || pop(m, op, off, &a) != 0)
			return;
		tuple_items(&b, &items, &n);
		mv_pk_call(m, off, op == OP_NEWOBJ ? "NEWOBJ" : "NEWOBJ_EX", &a, items, n);
		call_result(m, &a, items, n, &c);
		push(m, &c);
		return;
	}
	case OP_STACK_GLOBAL:
		if (pop(m, op, off, &b) != 0 || pop(m, op, off, &a) != 0)
			return;
		if (a.t == C_STR && b.t == C_STR && !(a.fl & (CF_OPAQUE)) &&
		    !(b.fl & (CF_OPAQUE))) {
			do_import(m, off, (const unsigned char *)cell_str(&a), a.len, a.fl & CF_TRUNC,
			    (const unsigned char *)cell_str(&b), b.len, b.fl & CF_TRUNC);
			return;
		} else {
			char ma[200], na[200];

			mv_pk_repr(m, &a, ma, sizeof(ma), 0);
			mv_pk_repr(m, &b, na, sizeof(na), 0);
			mv_pk_emit(m, MV_R_PICKLE_CALLABLE_DYNAMIC, off, "STACK_GLOBAL imports a "
			    "name computed while loading: module %s, name %s", ma, na);
			c.t = C_UNKNOWN;
			push(m, &c);
		}
		return;
	case OP_EXT1:
	case OP_EXT2:
	case OP_EXT4:
		v = op == OP_EXT1 ? x->p[0] : op == OP_EXT2 ? mv_le16(x->p) : (int32_t)mv_le32(x->p);
		mv_pk_emit(m, MV_R_PICKLE_OPCODE_EXT, off, "%s %lld loads a callable from the "
		    "copyreg extension registry, which the pickle or an earlier import can fill",
		    mv_pickle_ops[op].name, (long long)v);
		c.t = C_UNKNOWN;
		c.fl = CF_EXT;
		push(m, &c);
		return;
	case 'a': {
		struct cell *t;

		if (pop(m, op, off, &a) != 0 || (t = top(m, op, off)) == NULL)
			return;
		torch_target(m, op, off, t);
		if (t->t == C_LIST)
			container_add(m, t, &a, 1);
		return;
	}
	case 'e':
	case 'u':
	case OP_ADDITEMS: {
		struct cell *t;

		if (pop_mark(m, op, off, &start) != 0)
			return;
		if (start <= fence(s) || start == 0) {
			mv_pk_parse_error(m, off, "%s with no object under its MARK",
			    mv_pickle_ops[op].name);
			return;
		}
		t = &s->stack[start - 1];
		if (op == 'u' && (s->sp - start) % 2) {
			mv_pk_parse_error(m, off, "SETITEMS with an odd number of items");
			return;
		}
		torch_target(m, op, off, t);
		if ((op == 'e' && t->t == C_LIST) || (op == 'u' && t->t == C_DICT) ||
		    (op == OP_ADDITEMS && t->t == C_SET))
			container_add(m, t, at(s, start), s->sp - start);
		s->sp = start;
		return;
	}
	case 's': {
		struct cell *t;
		struct cell kv[2];

		if (pop(m, op, off, &kv[1]) != 0 || pop(m, op, off, &kv[0]) != 0 ||
		    (t = top(m, op, off)) == NULL)
			return;
		torch_target(m, op, off, t);
		if (t->t == C_DICT)
			container_add(m, t, kv, 2);
		return;
	}
	case 'd':
	case 'l':
	case 't':
	case OP_FROZENSET:
		if (pop_mark(m, op, off, &start) != 0)
			return;
		if (op == 'd' && (s->sp - start) % 2) {
			mv_pk_parse_error(m, off, "DICT with an odd number of items");
			return;
		}
		if (op == 't' || op == OP_FROZENSET) {
			make_tuple(m, &c, op == 't' ? C_TUPLE : C_FROZENSET, at(s, start),
			    s->sp - start);
		} else {
			make_dict(m, &c, op == 'd' ? C_DICT : C_LIST, start ? &s->stack[start - 1] :
			    NULL);
			container_add(m, &c, at(s, start), s->sp - start);
		}
		s->sp = start;
		push(m, &c);
		return;
	case '}':
	case ']':
		make_dict(m, &c, op == '}' ? C_DICT : C_LIST, s->sp ? &s->stack[s->sp - 1] : NULL);
		push(m, &c);
		return;
	case ')':
	case OP_EMPTY_SET:
		make_obj(&c, op == ')' ? C_TUPLE : C_SET, NULL);
		c.fl = op == ')' ? 0 : CF_OPAQUE;
		push(m, &c);
		return;
	case OP_TUPLE1:
	case OP_TUPLE2:
	case OP_TUPLE3: {
		size_t n = (size_t)(op - OP_TUPLE1) + 1;

		if (s->sp < fence(s) + n) {
			mv_pk_parse_error(m, off, "%s with fewer than %zu values on the stack",
			    mv_pickle_ops[op].name, n);
			return;
		}
		make_tuple(m, &c, C_TUPLE, s->stack + s->sp - n, n);
		s->sp -= n;
		push(m, &c);
		return;
	}
	case 'p':
	case 'q':
	case 'r':
	case OP_MEMOIZE: {
		uint64_t idx;
		struct cell *t = top(m, op, off);

		if (t == NULL)
			return;
		if (op == 'p') {
			if (parse_dec(x->p, x->n, &v, &big) != 0 || x->full > x->n || big || v < 0) {
				mv_pk_parse_error(m, off, "PUT argument is not a memo index");
				return;
			}
			idx = (uint64_t)v;
		} else {
			idx = op == 'q' ? x->p[0] : op == 'r' ? mv_le32(x->p) : s->memolen;
		}
		s->puts++;
		if (memo_put(s, idx, t, m->o.limit[MV_LIMIT_PICKLE_MEMO]) != 0)
			mv_pk_emit(m, MV_R_PICKLE_LIMIT_MEMO, off, "%s to memo index %llu beyond "
			    "%llu entries (--max-pickle-memo); later reads of it are taken as unknown",
			    mv_pickle_ops[op].name, (unsigned long long)idx,
			    (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_MEMO]);
		return;
	}
	case 'g':
	case 'h':
	case 'j': {
		uint64_t idx;
		const struct cell *got;

		if (op == 'g') {
			if (parse_dec(x->p, x->n, &v, &big) != 0 || x->full > x->n || big || v < 0) {
				mv_pk_parse_error(m, off, "GET argument is not a memo index");
				return;
			}
			idx = (uint64_t)v;
		} else {
			idx = op == 'h' ? x->p[0] : mv_le32(x->p);
		}
		s->gets++;
		if ((got = memo_get(s, idx)) != NULL) {
			c = *got;
		} else {
			mv_pk_emit(m, MV_R_PICKLE_MEMO_INVALID, off, "%s of memo index %llu, which "
			    "was never stored; CPython's loader stops here, other loaders may not",
			    mv_pickle_ops[op].name, (unsigned long long)idx);
			c.t = C_UNKNOWN;
		}
		push(m, &c);
		return;
	}
	case OP_PROTO:
		if (x->p[0] > 5) {
			mv_pk_parse_error(m, off, "unsupported protocol %u", x->p[0]);
			return;
		}
		if (m->proto_seen || m->s.ops > 1)
			mv_pk_emit(m, MV_R_PICKLE_PROTO_MISPLACED, off, "PROTO %u %s", x->p[0],
			    m->proto_seen ? "again in the same stream" : "after the first opcode");
		m->proto_seen = 1;
		s->proto = x->p[0];
		if (x->p[0] > m->maxproto)
			m->maxproto = x->p[0];
		if (torch_like(m) && x->p[0] != 2 && !m->torch_proto_done && !m->in_joblib_object) {
			m->torch_proto_done = 1;
			mv_pk_emit(m, MV_R_TORCH_PROTO_UNEXPECTED, off, "protocol %u where torch.save "
			    "writes 2", x->p[0]);
		}
		return;
	case OP_FRAME:
		return;
	case OP_NEXT_BUFFER:
		c.t = C_BYTES;
		push(m, &c);
		return;
	case OP_READONLY_BUFFER:
		top(m, op, off);
		return;
	default:
		mv_pk_parse_error(m, off, "unknown opcode 0x%02x", op);
		return;
	}
}
