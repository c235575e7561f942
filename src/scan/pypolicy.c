/* SPDX-License-Identifier: Apache-2.0 */
/* pypolicy.c: the callable allow, deny and alias lists, and how a module/name pair is judged
 * against them the way Python resolves it (aliases, submodules, attribute walks). */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/array.h"
#include "core/buf.h"
#include "core/ctx.h"
#include "core/sigcache.h"
#include "core/str.h"
#include "scan/pypolicy.h"

#define MAX_FILE (4u << 20)
#define MAX_FIELDS 16
#define MAXCOMP 64

enum kind { K_NAME, K_MODULE };

struct entry {
	enum kind kind;
	enum mv_severity sev;
	const char *module, *name, *reason;     /* into the file text */
	size_t mlen, nlen;
	const char *to_module, *to_name;         /* aliases */
	size_t tmlen, tnlen;
};

/* Entries of one list hashed by module (name aliases: by "module\0name"). */
struct slot {
	const char *key;
	size_t klen;
	size_t first, count;                     /* run of entries sharing the key */
};

struct table {
	struct entry *e;
	size_t n;
	struct slot *slot;
	size_t cap;
};

struct listfile {
	char *path;
	char *text;
};

struct mv_pypolicy {
	struct mv_sigcache_node node;   /* first: the node is the policy */
	char *dir;
	struct listfile file[3];
	struct table allow, deny, modalias, namealias;
	struct table exports, exporters;         /* re-exports by spelling, by definition */
	char *aliaskeys, *exportkeys, *exporterkeys; /* keys of the tables by name */
	struct mv_pypolicy *next;
};

static uint64_t
hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

static int
cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
	int c = memcmp(a, b, an < bn ? an : bn);

	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

static int
cmp_entry(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;

	return cmp_bytes(a->module, a->mlen, b->module, b->mlen);
}

static int
cmp_entry_name(const void *x, const void *y)
{
	const struct entry *a = x, *b = y;
	int c = cmp_entry(x, y);

	return c ? c : cmp_bytes(a->name, a->nlen, b->name, b->nlen);
}

/* Key of an entry in its table: the module, or for name aliases module and name. */
static size_t
entry_key(const struct entry *e, int by_name, char *buf, size_t cap, const char **key)
{
	size_t n;

	if (!by_name) {
		*key = e->module;
		return e->mlen;
	}
	n = e->mlen + 1 + e->nlen;
	if (n > cap) {
		*key = buf;
		return 0;
	}
	memcpy(buf, e->module, e->mlen);
	buf[e->mlen] = '\0';
	memcpy(buf + e->mlen + 1, e->name, e->nlen);
	*key = buf;
	return n;
}

static const struct slot *
table_find(const struct table *t, const char *key, size_t klen)
{
	size_t i;

	if (t->cap == 0)
		return NULL;
	for (i = hash(key, klen) & (t->cap - 1); t->slot[i].key != NULL; i = (i + 1) & (t->cap - 1))
		if (t->slot[i].klen == klen && memcmp(t->slot[i].key, key, klen) == 0)
			return &t->slot[i];
	return NULL;
}

/* Sort the entries and index each run of equal keys. Name-alias keys are built into a side
 * buffer that the table keeps (the file text holds module and name apart). */
static mv_status
table_build(struct table *t, int by_name, char **keybuf)
{
	size_t total = 0, off = 0;

	if (t->n == 0)
		return MV_OK;
	qsort(t->e, t->n, sizeof(*t->e), by_name ? cmp_entry_name : cmp_entry);
	for (t->cap = 16; t->cap < t->n * 2; t->cap *= 2)
		;
	if ((t->slot = calloc(t->cap, sizeof(*t->slot))) == NULL)
		return MV_ERR_NOMEM;
	if (by_name) {
		for (size_t i = 0; i < t->n; i++)
			total += t->e[i].mlen + 1 + t->e[i].nlen;
		if ((*keybuf = malloc(total ? total : 1)) == NULL)
			return MV_ERR_NOMEM;
	}
	for (size_t i = 0; i < t->n;) {
		const char *key = NULL;
		size_t klen, j = i + 1, h;

		if (by_name) {
			klen = entry_key(&t->e[i], 1, *keybuf + off, total - off, &key);
			off += klen;
			while (j < t->n && cmp_entry_name(&t->e[i], &t->e[j]) == 0)
				j++;
		} else {
			klen = entry_key(&t->e[i], 0, NULL, 0, &key);
			while (j < t->n && cmp_entry(&t->e[i], &t->e[j]) == 0)
				j++;
		}
		for (h = hash(key, klen) & (t->cap - 1); t->slot[h].key != NULL;
		    h = (h + 1) & (t->cap - 1))
			if (t->slot[h].klen == klen && memcmp(t->slot[h].key, key, klen) == 0)
				break;
		if (t->slot[h].key == NULL) {
			t->slot[h].key = key;
			t->slot[h].klen = klen;
			t->slot[h].first = i;
			t->slot[h].count = j - i;
		}
		i = j;
	}
	return MV_OK;
}

static mv_status
read_file(struct listfile *f, const char *dir, const char *name, char *err, size_t errlen)
{
	struct mv_buf b;
	FILE *fp = NULL;
	char chunk[8192];
	size_t got;
	mv_status st = MV_OK;

	mv_buf_init(&b, MAX_FILE);
	if ((f->path = mv_path_join(dir, name)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return MV_ERR_NOMEM;
	}
	if ((fp = fopen(f->path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", f->path, strerror(errno));
		st = errno == ENOENT ? MV_ERR_NOTFOUND : MV_ERR_IO;
		goto done;
	}
	while ((got = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if ((st = mv_buf_add(&b, chunk, got)) != MV_OK) {
			snprintf(err, errlen, "%s: %s", f->path, st == MV_ERR_LIMIT ?
			    "larger than a list file can be" : "out of memory");
			goto done;
		}
	}
	if (ferror(fp)) {
		snprintf(err, errlen, "%s: read error", f->path);
		st = MV_ERR_IO;
		goto done;
	}
	if (b.len && memchr(b.p, '\0', b.len) != NULL) {
		snprintf(err, errlen, "%s: NUL byte in a list file", f->path);
		st = MV_ERR_FORMAT;
		goto done;
	}
	if ((st = mv_buf_terminate(&b)) != MV_OK) {
		snprintf(err, errlen, "%s: out of memory", f->path);
		goto done;
	}
	f->text = (char *)mv_buf_steal(&b);
done:
	if (fp)
		fclose(fp);
	mv_buf_free(&b);
	return st;
}

static mv_status
push(struct table *t, size_t *cap, const struct entry *e)
{
	if (MV_ARRAY_RESERVE(t->e, *cap, t->n + 1, SIZE_MAX) != 0)
		return MV_ERR_NOMEM;
	t->e[t->n++] = *e;
	return MV_OK;
}

enum which { W_ALLOW, W_DENY, W_ALIAS };

/*
 * Split the text into lines and fields in place. Fields are separated by spaces or tabs; the
 * reason (the last field of allow and deny lines) runs to the end of the line. '#' starts a
 * comment at the start of a line or after white space.
 */
static mv_status
parse(struct mv_pypolicy *p, enum which w, char *err, size_t errlen)
{
	struct listfile *f = &p->file[w];
	size_t cap[4] = {0, 0, 0, 0}, lineno = 0;
	char *s = f->text;

	while (*s) {
		char *eol = strchr(s, '\n'), *e, *fld[MAX_FIELDS];
		size_t nf = 0, want;
		struct entry ent;
		struct table *t;
		int is_name, is_export, with_reason = w != W_ALIAS;

		char *next;

		if (eol == NULL)
			eol = s + strlen(s);
		next = *eol ? eol + 1 : eol;
		lineno++;
		e = eol;
		for (char *c = s; c < e; c++)
			if (*c == '#' && (c == s || c[-1] == ' ' || c[-1] == '\t'))
				e = c;
		while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
			e--;
		*e = '\0';
		for (char *c = s; *c && nf < MAX_FIELDS;) {
			while (*c == ' ' || *c == '\t')
				c++;
			if (*c == '\0')
				break;
			fld[nf++] = c;
			if (nf == MAX_FIELDS)
				break;
			while (*c && *c != ' ' && *c != '\t')
				c++;
			if (*c == '\0')
				break;
			*c++ = '\0';
		}
		s = next;
		if (nf == 0)
			continue;
		is_export = w == W_ALIAS && strcmp(fld[0], "export") == 0;
		is_name = is_export || strcmp(fld[0], "name") == 0;
		if (!is_name && strcmp(fld[0], "module") != 0) {
			snprintf(err, errlen, "%s:%zu: unknown entry kind '%s' (name or module%s)",
			    f->path, lineno, fld[0], w == W_ALIAS ? ", or export" : "");
			return MV_ERR_FORMAT;
		}
		/* kind, module, [name], [severity], reason; aliases: kind, from..., to... */
		if (w == W_ALIAS)
			want = is_name ? 5 : 3;
		else
			want = 2 + (size_t)is_name + (w == W_DENY) + 1;
		if (nf < want || (!with_reason && nf > want)) {
			snprintf(err, errlen, "%s:%zu: a %s entry has %zu fields here", f->path,
			    lineno, fld[0], want);
			return MV_ERR_FORMAT;
		}
		if (with_reason && nf > want) {
			/* The reason is the rest of the line: undo the splits after its start. */
			for (size_t k = nf; k-- > want;)
				fld[k - 1][strlen(fld[k - 1])] = ' ';
		}
		memset(&ent, 0, sizeof(ent));
		ent.kind = is_name ? K_NAME : K_MODULE;
		ent.module = fld[1];
		ent.mlen = strlen(fld[1]);
		if (is_name) {
			ent.name = fld[2];
			ent.nlen = strlen(fld[2]);
		}
		for (size_t k = 1; k < want - (size_t)with_reason; k++) {
			if (w == W_DENY && k == want - 2)
				continue;
			if (!mv_pyname_valid(fld[k], strlen(fld[k]))) {
				snprintf(err, errlen, "%s:%zu: '%s' is not a dotted Python name",
				    f->path, lineno, fld[k]);
				return MV_ERR_FORMAT;
			}
		}
		if (w == W_DENY) {
			if (mv_severity_parse(fld[want - 2], &ent.sev) != MV_OK ||
			    ent.sev < MV_SEV_MEDIUM) {
				snprintf(err, errlen, "%s:%zu: severity '%s' is not critical, high or "
				    "medium", f->path, lineno, fld[want - 2]);
				return MV_ERR_FORMAT;
			}
		}
		if (with_reason)
			ent.reason = fld[want - 1];
		if (w == W_ALIAS) {
			ent.to_module = fld[is_name ? 3 : 2];
			ent.tmlen = strlen(ent.to_module);
			if (is_name) {
				ent.to_name = fld[4];
				ent.tnlen = strlen(fld[4]);
			}
		}
		t = w == W_ALLOW ? &p->allow : w == W_DENY ? &p->deny : is_export ? &p->exports :
		    is_name ? &p->namealias : &p->modalias;
		if (push(t, &cap[is_export ? 2 : w == W_ALIAS && is_name], &ent) != MV_OK) {
			snprintf(err, errlen, "%s: out of memory", f->path);
			return MV_ERR_NOMEM;
		}
		if (is_export) {
			/* The same pair the other way round, to find the spellings of a
			 * definition. */
			struct entry rev = ent;

			rev.module = ent.to_module;
			rev.mlen = ent.tmlen;
			rev.name = ent.to_name;
			rev.nlen = ent.tnlen;
			rev.to_module = ent.module;
			rev.tmlen = ent.mlen;
			rev.to_name = ent.name;
			rev.tnlen = ent.nlen;
			if (push(&p->exporters, &cap[3], &rev) != MV_OK) {
				snprintf(err, errlen, "%s: out of memory", f->path);
				return MV_ERR_NOMEM;
			}
		}
	}
	return MV_OK;
}

void
mv_pypolicy_free(struct mv_pypolicy *p)
{
	if (p == NULL)
		return;
	{
		struct table *t[] = {&p->allow, &p->deny, &p->modalias, &p->namealias,
		    &p->exports, &p->exporters};

		for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
			free(t[i]->e);
			free(t[i]->slot);
		}
	}
	free(p->aliaskeys);
	free(p->exportkeys);
	free(p->exporterkeys);
	for (size_t i = 0; i < 3; i++) {
		free(p->file[i].path);
		free(p->file[i].text);
	}
	free(p->dir);
	free(p);
}

mv_status
mv_pypolicy_load(const char *dir, struct mv_pypolicy **out, char *err, size_t errlen)
{
	static const char *const files[3] = {"pickle-allow.txt", "pickle-deny.txt",
	    "pickle-alias.txt"};
	struct mv_pypolicy *p = calloc(1, sizeof(*p));
	mv_status st = MV_OK;

	*out = NULL;
	if (p == NULL || (p->dir = mv_strdup(dir)) == NULL) {
		snprintf(err, errlen, "out of memory");
		st = MV_ERR_NOMEM;
		goto done;
	}
	for (int w = 0; w < 3; w++) {
		if ((st = read_file(&p->file[w], dir, files[w], err, errlen)) != MV_OK)
			goto done;
		if ((st = parse(p, (enum which)w, err, errlen)) != MV_OK)
			goto done;
	}
	if (p->allow.n == 0 || p->deny.n == 0) {
		snprintf(err, errlen, "%s: the %s list is empty", dir, p->allow.n ? "deny" :
		    "allow");
		st = MV_ERR_FORMAT;
		goto done;
	}
	if ((st = table_build(&p->allow, 0, NULL)) != MV_OK ||
	    (st = table_build(&p->deny, 0, NULL)) != MV_OK ||
	    (st = table_build(&p->modalias, 0, NULL)) != MV_OK ||
	    (st = table_build(&p->namealias, 1, &p->aliaskeys)) != MV_OK ||
	    (st = table_build(&p->exports, 1, &p->exportkeys)) != MV_OK ||
	    (st = table_build(&p->exporters, 1, &p->exporterkeys)) != MV_OK) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	*out = p;
	p = NULL;
done:
	mv_pypolicy_free(p);
	return st;
}

/* ---- the cache: one policy per folder and generation (core/sigcache.h) ---- */

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mv_pypolicy *cache;

static void
node_free(struct mv_sigcache_node *n)
{
	mv_pypolicy_free((struct mv_pypolicy *)(void *)n);
}

mv_status
mv_pypolicy_get(const char *dir, const struct mv_pypolicy **out, char *err, size_t errlen)
{
	struct mv_pypolicy *p;
	unsigned long gen;
	mv_status st = MV_OK;

	*out = NULL;
	if (dir == NULL)
		dir = mv_sigdir_default();
	/* Loading under the lock keeps two workers from reading the lists twice. */
	pthread_mutex_lock(&cache_lock);
	gen = mv_sigcache_generation();
	for (struct mv_pypolicy **pp = &cache; (p = *pp) != NULL; pp = &p->next) {
		if (strcmp(p->dir, dir) != 0)
			continue;
		if (p->node.generation == gen)
			break;
		*pp = p->next;          /* read before a reload: read it again */
		mv_sigcache_retire(&p->node);
		p = NULL;
		break;
	}
	if (p == NULL && (st = mv_pypolicy_load(dir, &p, err, errlen)) == MV_OK) {
		p->node.generation = gen;
		p->node.free = node_free;
		p->next = cache;
		cache = p;
	}
	pthread_mutex_unlock(&cache_lock);
	*out = p;
	return st;
}

/* ---- judging ---- */

/* Components of a dotted path held in buf. */
struct path {
	const char *buf;
	size_t len;
	size_t k;
	size_t start[MAXCOMP], end[MAXCOMP];
};

static int
split(struct path *pa, const char *buf, size_t len)
{
	size_t i = 0;

	pa->buf = buf;
	pa->len = len;
	pa->k = 0;
	while (i <= len) {
		size_t j = i;

		while (j < len && buf[j] != '.')
			j++;
		if (pa->k == MAXCOMP)
			return -1;
		pa->start[pa->k] = i;
		pa->end[pa->k] = j;
		pa->k++;
		i = j + 1;
	}
	return 0;
}

static int
is_dunder(const char *s, size_t n)
{
	return n > 4 && s[0] == '_' && s[1] == '_' && s[n - 1] == '_' && s[n - 2] == '_';
}

/* Does any denylist entry cover the path made of components [from, k) of pa? Every split
 * into a module (a prefix) and the attribute path after it is tried, since Python reaches
 * os.system the same way whether a pickle says "os" "system" or "os.path" "os.system". */
static void
deny_scan(const struct mv_pypolicy *p, const struct path *pa, size_t from,
    const struct entry **best)
{
	const char *base = pa->buf + pa->start[from];

	for (size_t j = from + 1; j < pa->k; j++) {
		size_t mlen = pa->end[j - 1] - pa->start[from];
		const char *rest = pa->buf + pa->start[j];
		size_t rlen = pa->len - pa->start[j];
		const struct slot *sl = table_find(&p->deny, base, mlen);

		if (sl == NULL)
			continue;
		for (size_t e = sl->first; e < sl->first + sl->count; e++) {
			const struct entry *en = &p->deny.e[e];

			if (en->kind == K_NAME && !(rlen == en->nlen ? memcmp(rest, en->name,
			    rlen) == 0 : rlen > en->nlen && rest[en->nlen] == '.' &&
			    memcmp(rest, en->name, en->nlen) == 0))
				continue;
			if (*best == NULL || en->sev > (*best)->sev)
				*best = en;
		}
	}
}

static int
allowed(const struct mv_pypolicy *p, const char *m, size_t ml, const char *n, size_t nl,
    int dotted, int dunder)
{
	const struct slot *sl = table_find(&p->allow, m, ml);

	if (sl) {
		for (size_t e = sl->first; e < sl->first + sl->count; e++) {
			const struct entry *en = &p->allow.e[e];

			if (en->kind == K_MODULE || (en->nlen == nl && memcmp(en->name, n, nl) == 0))
				if (en->kind == K_NAME || (!dotted && !dunder))
					return 1;
		}
	}
	if (dotted || dunder)
		return 0;
	/* A module entry covers its submodules too. */
	for (size_t i = ml; i-- > 0;) {
		if (m[i] != '.')
			continue;
		if ((sl = table_find(&p->allow, m, i)) == NULL)
			continue;
		for (size_t e = sl->first; e < sl->first + sl->count; e++)
			if (p->allow.e[e].kind == K_MODULE)
				return 1;
	}
	return 0;
}

static void
copy_name(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap) {
		memcpy(dst, s, cap - 4);
		memcpy(dst + cap - 4, "...", 4);
		return;
	}
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The verdict on the canonical pair in out->module and out->name. */
static void
verdict_of(const struct mv_pypolicy *p, struct mv_pyjudgement *out)
{
	char full[520];
	const struct entry *best = NULL;
	struct path pa;
	size_t mk, ml, nl;
	int dotted, dunder = 0;

	ml = strlen(out->module);
	nl = strlen(out->name);
	dotted = memchr(out->name, '.', nl) != NULL;
	memcpy(full, out->module, ml);
	full[ml] = '.';
	memcpy(full + ml + 1, out->name, nl + 1);
	if (split(&pa, full, ml + 1 + nl) != 0) {
		out->verdict = MV_PY_DENIED;
		out->severity = MV_SEV_CRITICAL;
		out->reason = "a name of too many parts to judge";
		return;
	}
	for (mk = 0; mk < pa.k && pa.start[mk] <= ml; mk++)
		;
	for (size_t i = 1; i < pa.k; i++)
		if (is_dunder(full + pa.start[i], pa.end[i] - pa.start[i]))
			dunder = 1;
	if (allowed(p, out->module, ml, out->name, nl, dotted, dunder)) {
		out->verdict = MV_PY_ALLOWED;
		out->severity = MV_SEV_INFO;
		out->reason = "on the allowlist";
		return;
	}
	deny_scan(p, &pa, 0, &best);
	/* A dotted name walks attributes; any of them may be a module re-exported by the one
	 * named (pathlib.os), so every tail of the walk is judged as a path of its own. */
	for (size_t s = mk; dotted && s + 1 < pa.k; s++)
		deny_scan(p, &pa, s, &best);
	if (best) {
		out->verdict = MV_PY_DENIED;
		out->severity = best->sev;
		out->reason = best->reason;
	} else if (dunder) {
		out->verdict = MV_PY_DENIED;
		out->severity = MV_SEV_CRITICAL;
		out->reason = "walks through a dunder attribute (module globals, builtins, code)";
	} else if (dotted) {
		out->verdict = MV_PY_DOTTED;
		out->severity = MV_SEV_HIGH;
		out->reason = "an attribute walk (dotted name) off the allowlist";
	} else if (out->module[0] == '_' && !is_dunder(out->module, pa.end[0])) {
		out->verdict = MV_PY_PRIVATE;
		out->severity = MV_SEV_HIGH;
		out->reason = "a private interpreter module";
	} else {
		out->verdict = MV_PY_UNKNOWN;
		out->severity = MV_SEV_HIGH;
		out->reason = MV_PY_REASON_UNKNOWN;
	}
}

/* A pair that is the same object as another (a re-export, from pickle-alias.txt's export
 * lines, looked up both ways) takes the other's verdict when that one is denied and worse:
 * a denied function is denied whatever module spells it. */
static void
judge_exports(const struct mv_pypolicy *p, struct mv_pyjudgement *out)
{
	const struct table *tabs[2] = {&p->exports, &p->exporters};
	char key[520];
	size_t ml = strlen(out->module), nl = strlen(out->name);

	if (ml + 1 + nl > sizeof(key))
		return;
	memcpy(key, out->module, ml);
	key[ml] = '\0';
	memcpy(key + ml + 1, out->name, nl);
	for (size_t t = 0; t < 2; t++) {
		const struct slot *sl = table_find(tabs[t], key, ml + 1 + nl);

		for (size_t e = 0; sl && e < sl->count; e++) {
			const struct entry *en = &tabs[t]->e[sl->first + e];
			struct mv_pyjudgement alt;

			memset(&alt, 0, sizeof(alt));
			copy_name(alt.module, sizeof(alt.module), en->to_module, en->tmlen);
			copy_name(alt.name, sizeof(alt.name), en->to_name, en->tnlen);
			verdict_of(p, &alt);
			if (alt.verdict != MV_PY_DENIED || (out->verdict == MV_PY_DENIED &&
			    out->severity >= alt.severity))
				continue;
			*out = alt;
			out->renamed = 1;
		}
	}
}

void
mv_pypolicy_judge(const struct mv_pypolicy *p, const char *module, size_t mlen,
    const char *name, size_t nlen, struct mv_pyjudgement *out)
{
	char key[520];
	const struct slot *sl;
	size_t ml;

	memset(out, 0, sizeof(*out));
	copy_name(out->module, sizeof(out->module), module, mlen);
	copy_name(out->name, sizeof(out->name), name, nlen);
	if (mlen >= sizeof(out->module) || nlen >= sizeof(out->name)) {
		out->verdict = MV_PY_DENIED;
		out->severity = MV_SEV_CRITICAL;
		out->reason = "a name too long to judge";
		return;
	}
	if (!mv_pyname_valid(module, mlen) || !mv_pyname_valid(name, nlen)) {
		/* Python cannot import or look up such a name as it stands (a stray carriage
		 * return, a space, an empty component), so it names nothing we know. */
		out->verdict = MV_PY_UNKNOWN;
		out->severity = MV_SEV_HIGH;
		out->reason = "not a plain Python name";
		return;
	}
	/* Python 2 names first (pickle's fix_imports looks up the pair, then the module). */
	memcpy(key, module, mlen);
	key[mlen] = '\0';
	memcpy(key + mlen + 1, name, nlen);
	if ((sl = table_find(&p->namealias, key, mlen + 1 + nlen)) != NULL) {
		const struct entry *en = &p->namealias.e[sl->first];

		copy_name(out->module, sizeof(out->module), en->to_module, en->tmlen);
		copy_name(out->name, sizeof(out->name), en->to_name, en->tnlen);
		out->renamed = 1;
	}
	/* Then the longest aliased module prefix (posix -> os, cPickle -> pickle). */
	ml = strlen(out->module);
	for (size_t i = ml + 1; i-- > 0;) {
		if (i < ml && out->module[i] != '.')
			continue;
		if ((sl = table_find(&p->modalias, out->module, i)) == NULL)
			continue;
		{
			const struct entry *en = &p->modalias.e[sl->first];
			char tmp[256];
			size_t tl = en->tmlen + (ml - i);

			if (tl < sizeof(tmp)) {
				memcpy(tmp, en->to_module, en->tmlen);
				memcpy(tmp + en->tmlen, out->module + i, ml - i);
				tmp[tl] = '\0';
				memcpy(out->module, tmp, tl + 1);
				out->renamed = 1;
			}
		}
		break;
	}
	verdict_of(p, out);
	judge_exports(p, out);
}
