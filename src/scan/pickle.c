/* SPDX-License-Identifier: Apache-2.0 */
/* pickle.c: the push parser of the pickle machine: opcodes split across chunks, payloads
 * counted rather than buffered, frames checked, several streams per entry with the bytes
 * between them searched for more, raw regions of the formats that interleave them, and
 * pickles nested in strings. */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/codec.h"
#include "core/cursor.h"
#include "scan/pickle_int.h"

#define EMIT_MAX 32      /* findings of one rule per entry before the rest are counted */

static void feed(struct mv_pickle *m, const unsigned char *p, size_t n);

/* ---- findings ---- */

static uint64_t
abs_off(const struct mv_pickle *m, uint64_t off)
{
	return m->depth ? m->nest_off : m->o.base + off;
}

static void vemit(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt,
    va_list ap) MV_PRINTF(4, 0);

static void
vemit(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt, va_list ap)
{
	char text[1400];
	int sev = (int)mv_rule_severity(r);

	if (sev > m->worst)
		m->worst = sev;
	if (m->count[r] >= EMIT_MAX) {
		m->count[r]++;
		return;
	}
	m->count[r]++;
	vsnprintf(text, sizeof(text), fmt, ap);
	if (m->depth)
		mv_findings_add(m->o.findings, r, m->o.path, (int64_t)abs_off(m, off),
		    "in a pickle nested (%s) in the string at offset %llu, at its offset %llu: %s",
		    m->nest_how, (unsigned long long)m->nest_off, (unsigned long long)off, text);
	else
		mv_findings_add(m->o.findings, r, m->o.path, (int64_t)abs_off(m, off), "%s", text);
}

void
mv_pk_emit(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vemit(m, r, off, fmt, ap);
	va_end(ap);
}

/* A limit or failure ends the analysis of the entry: report what was seen, then stop. */
void
mv_pk_stop(struct mv_pickle *m, enum mv_rule r, uint64_t off, const char *fmt, ...)
{
	va_list ap;

	if (m->mode == M_DEAD)
		return;
	va_start(ap, fmt);
	vemit(m, r, off, fmt, ap);
	va_end(ap);
	mv_pk_stream_flush(m);
	m->mode = M_DEAD;
	m->stopped = 1;
}

static void begin_between(struct mv_pickle *m, int adjacent);

/* The stream is broken here: CPython's loader raises. What it did before stays reported;
 * the bytes after are searched for further streams. */
void
mv_pk_parse_error(struct mv_pickle *m, uint64_t off, const char *fmt, ...)
{
	char text[600];
	va_list ap;

	if (m->mode != M_STREAM)
		return;
	if (m->o.sniffed && m->depth == 0 && m->nstreams == 1 && m->s.ops <= 3 && m->nimp == 0) {
		/* Raw data that happens to begin like a pickle (weights starting with 0x80 0x02):
		 * no loader gets past these bytes, so there is nothing to report. */
		m->nstreams = 0;
		m->mode = M_DEAD;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	mv_pk_emit(m, MV_R_PICKLE_PARSE_ERROR, off, "stream %u (from offset %llu) is broken: "
	    "%s; what it did before this point is reported", m->stream,
	    (unsigned long long)abs_off(m, m->stream_off), text);
	mv_pk_stream_flush(m);
	if (m->in_joblib_object) {
		mv_pk_sim_free(&m->s);
		m->s = m->parked;
		m->in_joblib_object = 0;
	}
	mv_pk_sim_reset(&m->s);
	m->frame_end = 0;
	m->stream++;
	begin_between(m, 0);
	/* The garbage right after a broken stream is part of the same fault. */
	m->junk_text = 0;
	m->junk_off = UINT64_MAX;
	m->junk_len = 0;
	m->adjacent = -1;
}

void
mv_pickle_sniffed(struct mv_pickle *m)
{
	m->o.sniffed = 1;
}

int
mv_pickle_worst(const struct mv_pickle *m)
{
	return m->worst;
}

/* ---- streams ---- */

static void
begin_stream(struct mv_pickle *m, uint64_t off)
{
	if (m->nstreams >= m->o.limit[MV_LIMIT_PICKLE_STREAMS]) {
		mv_pk_stop(m, MV_R_PICKLE_LIMIT_STREAMS, off, "more than %llu pickle streams "
		    "(--max-pickle-streams); the rest of the entry is not analysed",
		    (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_STREAMS]);
		return;
	}
	m->nstreams++;
	m->mode = M_STREAM;
	m->ps = P_OP;
	m->stream_off = off;
	m->proto_seen = 0;
	m->frame_end = 0;
}

static void
begin_between(struct mv_pickle *m, int adjacent)
{
	m->mode = M_BETWEEN;
	m->adjacent = adjacent;
	m->wlen = 0;
}

static void raw_done(struct mv_pickle *m);

static void
begin_raw(struct mv_pickle *m, enum rawkind k, size_t hdr, uint64_t skip)
{
	m->raw = k;
	m->nrawhdr = 0;
	m->rawneed = hdr;
	m->skip_left = skip;
	m->mode = hdr ? M_RAWHDR : M_SKIP;
	if (m->mode == M_SKIP && skip == 0)
		raw_done(m);
}

static int
cmp_key(const void *x, const void *y)
{
	const struct legacy_key *a = x, *b = y;
	int c = memcmp(a->key, b->key, a->klen < b->klen ? a->klen : b->klen);

	return c ? c : (a->klen > b->klen) - (a->klen < b->klen);
}

/* What follows a stream, by profile: legacy torch files lay their storages out after the
 * fifth pickle, the tar format's members alternate pickles and raw records. */
static void
after_stream(struct mv_pickle *m, const struct cell *res)
{
	uint32_t s = m->stream;

	switch (m->o.profile) {
	case MV_PICKLE_PLAIN:
		if (m->depth)
			break;
		if (s == 0 && res && res->t == C_INT && (res->fl & CF_MAGIC))
			m->legacy = m->torchp = 1;
		else if (s == 0 && res && res->t == C_CALL)
			m->legacy_computed = 1;
		if (s == 1 && m->legacy_computed && !m->legacy && res && res->t == C_INT &&
		    res->u.i == 1001) {
			m->legacy = m->torchp = 1;
			mv_pk_emit(m, MV_R_TORCH_LEGACY_MAGIC, m->stream_off, "a legacy PyTorch "
			    "file whose magic number is computed by a call, not written as a number");
		}
		if (m->legacy && s == 4 && m->nlkeys) {
			size_t k = 0;

			qsort(m->lkeys, m->nlkeys, sizeof(*m->lkeys), cmp_key);
			for (size_t i = 0; i < m->nlkeys; i++)
				if (k == 0 || cmp_key(&m->lkeys[k - 1], &m->lkeys[i]) != 0)
					m->lkeys[k++] = m->lkeys[i];
			m->nlkeys = k;
			m->lnext = 0;
			begin_raw(m, R_LEGACY_STORAGE, 8, 0);
			return;
		}
		break;
	case MV_PICKLE_TORCH_TAR_STORAGES:
	case MV_PICKLE_TORCH_TAR_TENSORS:
		if (s == 0) {
			if (res == NULL || res->t != C_INT || res->u.i < 0 || (res->fl & CF_BIG)) {
				mv_pk_emit(m, MV_R_TORCH_LEGACY_STORAGE, m->stream_off, "the first "
				    "pickle of this legacy tar member is not a count");
				break;
			}
			m->raw_count = res->u.i > UINT32_MAX ? UINT32_MAX : (uint32_t)res->u.i;
			break;
		}
		if (s > m->raw_count)
			break;
		if (m->o.profile == MV_PICKLE_TORCH_TAR_TENSORS) {
			begin_raw(m, R_TAR_TENSOR, 8, 0);
			return;
		}
		if (res && res->t == C_TUPLE && res->u.o && res->u.o->kept >= 3 &&
		    (m->raw_after = mv_pk_storage_elem(m, &res->u.o->v[2])) != 0) {
			begin_raw(m, R_TAR_STORAGE, 8, 0);
			return;
		}
		mv_pk_emit(m, MV_R_TORCH_LEGACY_STORAGE, m->stream_off, "storage record %u of "
		    "this legacy tar member names no known storage type", s);
		break;
	default:
		break;
	}
	begin_between(m, 1);
}

static void
end_stream(struct mv_pickle *m, uint64_t end)
{
	const struct cell *res = mv_pk_result(m);
	struct cell keep;

	if (m->in_joblib_object) {
		/* The object array's own pickle ends; the wrapper's stream goes on. */
		mv_pk_sim_free(&m->s);
		m->s = m->parked;
		m->in_joblib_object = 0;
		m->proto_seen = m->parked_proto_seen;
		m->ps = P_OP;
		return;
	}
	if (m->s.gets > 10000 && m->s.gets > 50 * (m->s.puts + 1))
		mv_pk_emit(m, MV_R_PICKLE_MEMO_EXPANSION, m->stream_off, "stream %u reads the memo "
		    "%llu times for %llu stores: shared references that expand on use",
		    m->stream, (unsigned long long)m->s.gets, (unsigned long long)m->s.puts);
	if (m->s.dups > 100)
		mv_pk_emit(m, MV_R_PICKLE_MEMO_EXPANSION, m->stream_off, "stream %u duplicates "
		    "values %llu times (Python's pickler never writes DUP)", m->stream,
		    (unsigned long long)m->s.dups);
	if (m->frame_end > end)
		mv_pk_emit(m, MV_R_PICKLE_FRAME_INVALID, m->frame_off, "the frame runs %llu bytes "
		    "past the STOP at offset %llu", (unsigned long long)(m->frame_end - end),
		    (unsigned long long)abs_off(m, end - 1));
	m->frame_end = 0;
	mv_pk_stream_flush(m);
	memset(&keep, 0, sizeof(keep));
	if (res)
		keep = *res;
	after_stream(m, res ? &keep : NULL);
	mv_pk_sim_reset(&m->s);
	m->stream++;
}

/* ---- raw regions ---- */

static void
raw_header(struct mv_pickle *m)
{
	uint64_t v = mv_le64(m->rawhdr), bytes;

	switch (m->raw) {
	case R_LEGACY_STORAGE:
		if (v > UINT64_MAX / 16 || m->lnext >= m->nlkeys) {
			mv_pk_emit(m, MV_R_TORCH_LEGACY_STORAGE, m->pos - 8, "storage size %llu is "
			    "impossible", (unsigned long long)v);
			begin_between(m, 0);
			return;
		}
		bytes = v * m->lkeys[m->lnext].elem;
		begin_raw(m, R_LEGACY_STORAGE, 0, bytes);
		return;
	case R_TAR_STORAGE:
		if (v > UINT64_MAX / 16) {
			mv_pk_emit(m, MV_R_TORCH_LEGACY_STORAGE, m->pos - 8, "storage size %llu is "
			    "impossible", (unsigned long long)v);
			begin_between(m, 0);
			return;
		}
		begin_raw(m, R_TAR_STORAGE, 0, v * m->raw_after);
		return;
	case R_TAR_TENSOR: {
		int32_t ndim = (int32_t)mv_le32(m->rawhdr);

		if (ndim < 0 || ndim > 64) {
			mv_pk_emit(m, MV_R_TORCH_LEGACY_STORAGE, m->pos - 8, "tensor record with %d "
			    "dimensions", ndim);
			begin_between(m, 0);
			return;
		}
		begin_raw(m, R_TAR_TENSOR, 0, 16 * (uint64_t)ndim + 8);
		return;
	}
	case R_JOBLIB_PAD:
		begin_raw(m, R_JOBLIB_ARRAY, 0, m->rawhdr[0] + m->joblib_bytes);
		return;
	default:
		begin_between(m, 0);
	}
}

static void
raw_done(struct mv_pickle *m)
{
	switch (m->raw) {
	case R_LEGACY_STORAGE:
		if (++m->lnext < m->nlkeys)
			begin_raw(m, R_LEGACY_STORAGE, 8, 0);
		else
			begin_between(m, 1);
		return;
	case R_JOBLIB_ARRAY:
		m->mode = M_STREAM;
		m->ps = P_OP;
		return;
	default:
		begin_between(m, 1);
	}
}

/* A joblib wrapper's BUILD: skip its array (after a padding byte when aligned), or parse the
 * pickle of an object array that follows in its place. */
static void
joblib_start(struct mv_pickle *m)
{
	m->joblib_pending = 0;
	if (m->joblib_object) {
		if (m->in_joblib_object) {
			mv_pk_stop(m, MV_R_JOBLIB_ARRAY_INVALID, m->op_off, "an object array "
			    "wrapper inside the pickle of another; the rest is not analysed");
			return;
		}
		m->parked = m->s;
		mv_pk_sim_init(&m->s, m->o.limit[MV_LIMIT_PICKLE_MEMORY]);
		m->in_joblib_object = 1;
		m->parked_proto_seen = m->proto_seen;
		m->proto_seen = 0;
		return;
	}
	if (m->joblib_pad)
		begin_raw(m, R_JOBLIB_PAD, 1, 0);
	else
		begin_raw(m, R_JOBLIB_ARRAY, 0, m->joblib_bytes);
}

/* ---- pickles nested in strings ---- */

/* Decode base64 or hex text; white space is skipped, anything else ends the data. Returns
 * the bytes written to out (at most cap); acc and bits carry partial groups across calls. */
static size_t
decode(int enc, const unsigned char *p, size_t n, unsigned char *out, size_t cap,
    uint32_t *acc, int *bits, int *stop)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k < cap && !*stop; i++) {
		int v;

		if (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t')
			continue;
		if ((v = enc == 1 ? mv_b64_value(p[i]) : mv_hex_value(p[i])) < 0) {
			*stop = 1;
			break;
		}
		*acc = (*acc << (enc == 1 ? 6 : 4)) | (uint32_t)v;
		*bits += enc == 1 ? 6 : 4;
		if (*bits >= 8) {
			*bits -= 8;
			out[k++] = (unsigned char)(*acc >> *bits);
			*acc &= (1u << *bits) - 1;
		}
	}
	return k;
}

static void
nest_feed_child(struct mv_pickle *m, const unsigned char *p, size_t n)
{
	unsigned char buf[1024];

	if (m->nest_enc == 0) {
		feed(m->child, p, n);
		return;
	}
	while (n > 0 && !m->hexhi) {
		size_t take = n > 1024 ? 1024 : n, k;

		k = decode(m->nest_enc, p, take, buf, sizeof(buf), &m->b64acc, &m->b64n,
		    &m->hexhi);
		if (k)
			feed(m->child, buf, k);
		p += take;
		n -= take;
	}
}

/* The head of a string is in: is it a pickle, raw or encoded? */
static void
nest_decide(struct mv_pickle *m, int final)
{
	static const char *const how[] = {"raw", "base64", "hex"};
	struct mv_pickle_opts o = m->o;
	int enc = -1;

	m->nest_state = 3;
	if (mv_pk_plausible(m->nhead, m->nnhead, final) == 1 || (m->nnhead >= 3 &&
	    m->nhead[0] == OP_PROTO && m->nhead[1] >= 2 && m->nhead[1] <= 5 &&
	    mv_pk_plausible(m->nhead, m->nnhead, 0) != 0)) {
		enc = 0;
	} else {
		for (int e = 1; e <= 2 && enc < 0; e++) {
			unsigned char dec[64];
			uint32_t acc = 0;
			int bits = 0, stop = 0;
			size_t k = decode(e, m->nhead, m->nnhead, dec, sizeof(dec), &acc, &bits, &stop);

			if (k >= 8 && (mv_pk_plausible(dec, k, final && !stop) == 1 || (dec[0] == OP_PROTO &&
			    dec[1] >= 2 && dec[1] <= 5 && mv_pk_plausible(dec, k, 0) != 0)))
				enc = e;
		}
	}
	if (enc < 0)
		return;
	o.profile = MV_PICKLE_PLAIN;
	o.summary = 0;
	o.base = 0;
	if ((m->child = mv_pickle_new(&o)) == NULL)
		return;
	m->child->depth = m->depth + 1;
	m->child->nest_off = m->depth ? m->nest_off : m->o.base + m->op_off;
	m->child->nest_how = how[enc];
	m->nest_enc = enc;
	m->b64acc = 0;
	m->b64n = 0;
	m->hexhi = 0;
	m->nest_state = 2;
	nest_feed_child(m, m->nhead, m->nnhead);
}

static void
nest_begin(struct mv_pickle *m, uint64_t len)
{
	m->nest_state = m->depth + 1 < MAX_DEPTH && len >= 24 ? 1 : 0;
	m->nnhead = 0;
}

static void
nest_data(struct mv_pickle *m, const unsigned char *p, size_t n)
{
	if (m->nest_state == 1) {
		size_t take = sizeof(m->nhead) - m->nnhead;

		if (take > n)
			take = n;
		memcpy(m->nhead + m->nnhead, p, take);
		m->nnhead += take;
		p += take;
		n -= take;
		if (m->nnhead == sizeof(m->nhead))
			nest_decide(m, 0);
	}
	if (m->nest_state == 2 && n > 0)
		nest_feed_child(m, p, n);
}

static void
nest_end(struct mv_pickle *m)
{
	if (m->nest_state == 1 && m->nnhead > 0)
		nest_decide(m, 1);
	if (m->nest_state == 2 && m->child) {
		struct mv_pickle *c = m->child;

		mv_pickle_end(c, 1);
		if (c->nstreams > 0) {
			mv_pk_emit(m, MV_R_PICKLE_NESTED, m->op_off, "a %s string holds a %s pickle "
			    "(%llu stream(s)); a loader that unpickles it runs what it names",
			    mv_pickle_ops[m->op].name, c->nest_how, (unsigned long long)c->nstreams);
			if (c->worst > m->worst)
				m->worst = c->worst;
		}
		mv_pickle_free(c);
		m->child = NULL;
	}
	m->nest_state = 0;
}

/* ---- opcodes ---- */

/* Count the opcode and apply the checks that need only its byte. 0 to go on. */
static inline int
op_start(struct mv_pickle *m, uint8_t op, uint64_t off)
{
	if (++m->s.ops > m->ops_limit) {
		mv_pk_stop(m, MV_R_PICKLE_LIMIT_OPS, off, "stream %u runs past %llu opcodes "
		    "(--max-pickle-ops); the rest of the entry is not analysed", m->stream,
		    (unsigned long long)m->o.limit[MV_LIMIT_PICKLE_OPS]);
		return -1;
	}
	if (m->frame_end && off >= m->frame_end)
		m->frame_end = 0;
	if (m->torchp && !(mv_pickle_ops[op].flags & OPF_TORCH) &&
	    mv_pickle_ops[op].arg != A_BAD && !m->torch_ops[op] && !m->in_joblib_object) {
		m->torch_ops[op] = 1;
		mv_pk_emit(m, MV_R_TORCH_OPCODE_UNSUPPORTED, off, "opcode %s, which torch.save "
		    "never writes and PyTorch's weights_only loader refuses",
		    mv_pickle_ops[op].name);
	}
	m->op = op;
	m->op_off = off;
	return 0;
}

/* The opcode and its argument are complete; end is the offset after them. */
static inline void
finish(struct mv_pickle *m, const unsigned char *a, size_t alen, uint64_t full,
    const unsigned char *a2, size_t alen2, uint64_t full2, uint64_t end)
{
	struct pk_arg x = {a, a2, alen, alen2, full, full2};
	uint8_t op = m->op;
	uint64_t off = m->op_off;

	if (m->frame_end && end > m->frame_end) {
		mv_pk_emit(m, MV_R_PICKLE_FRAME_INVALID, off, "opcode %s runs %llu bytes past "
		    "the end of its frame; loaders that honour frames and those that do not read "
		    "different pickles", mv_pickle_ops[op].name,
		    (unsigned long long)(end - m->frame_end));
		m->frame_end = 0;
	}
	if (op == OP_FRAME && a != NULL) {
		uint64_t len = mv_le64(a);

		if (m->frame_end)
			mv_pk_emit(m, MV_R_PICKLE_FRAME_INVALID, off, "a frame opens inside the "
			    "frame from offset %llu", (unsigned long long)abs_off(m, m->frame_off));
		m->frame_off = off;
		m->frame_end = len > UINT64_MAX - end ? UINT64_MAX : end + len;
	}
	mv_pk_exec(m, op, off, &x);
	if (m->mode != M_STREAM)
		return;
	if (op == '.')
		end_stream(m, end);
	else if (m->joblib_pending)
		joblib_start(m);
}

static int
payload_len(struct mv_pickle *m, uint8_t op, const unsigned char *h, uint64_t *len)
{
	const struct opinfo *oi = &mv_pickle_ops[op];

	*len = oi->size == 1 ? h[0] : oi->size == 4 ? mv_le32(h) : mv_le64(h);
	if (op == OP_LONG4 && (int32_t)mv_le32(h) < 0) {
		mv_pk_parse_error(m, m->op_off, "LONG4 with a negative length");
		return -1;
	}
	if (*len > (UINT64_C(1) << 62)) {
		mv_pk_parse_error(m, m->op_off, "%s of %llu bytes", oi->name,
		    (unsigned long long)*len);
		return -1;
	}
	return 0;
}

static int
nestable(uint8_t op)
{
	return op == 'T' || op == 'X' || op == OP_BINUNICODE8 || op == 'B' || op == OP_BINBYTES8 ||
	    op == OP_BYTEARRAY8 || op == 'U' || op == 'C' || op == OP_SHORT_BINUNICODE;
}

static void
start_payload(struct mv_pickle *m, uint64_t len)
{
	m->ps = P_PAYLOAD;
	m->left = m->full = len;
	m->nkeep = 0;
	if (nestable(m->op))
		nest_begin(m, len);
	else
		m->nest_state = 0;
}

static size_t
run_ops(struct mv_pickle *m, const unsigned char *p, size_t n)
{
	uint64_t base = m->pos;
	size_t i = 0;

	while (i < n && m->mode == M_STREAM) {
		/* The common case first: whole opcodes of fixed size, no frame boundary near, no
		 * torch rules. One dispatch an opcode (in mv_pk_exec); the rest goes below. */
		while (m->ps == P_OP && !m->torchp) {
			uint8_t op = p[i];
			size_t need = mv_pickle_ops[op].fixed, hdr = 1;
			uint64_t off = base + i;
			struct pk_arg x;

			if (need == 0 && mv_pickle_ops[op].arg == A_LEN && op != OP_LONG4 &&
			    mv_pickle_ops[op].size <= 4 && n - i > mv_pickle_ops[op].size) {
				/* A short string: too short to hold a nested pickle. */
				size_t sz = mv_pickle_ops[op].size;
				uint32_t len = sz == 1 ? p[i + 1] : mv_le32(p + i + 1);

				if (len < 24 && len <= n - i - 1 - sz) {
					hdr = 1 + sz;
					need = hdr + len;
				}
			}
			if (need == 0 || need > n - i || op == OP_FRAME || m->s.ops >= m->ops_limit)
				break;
			if (m->frame_end) {
				if (off >= m->frame_end)
					m->frame_end = 0;
				else if (off + need > m->frame_end)
					break;
			}
			m->s.ops++;
			/* BINGET and MEMOIZE are half the opcodes of a big pickle: their common case
			 * (a dense memo, room on the stack) is done here. */
			if (op == 'h') {
				struct sim *s = &m->s;
				unsigned idx = p[i + 1];

				if (idx < s->memohw && s->memo[idx].t != C_VOID && s->sp < s->scap) {
					s->stack[s->sp++] = s->memo[idx];
					s->gets++;
					i += 2;
					if (i == n)
						break;
					continue;
				}
			} else if (op == OP_MEMOIZE) {
				struct sim *s = &m->s;
				size_t idx = s->memolen;

				if (idx == s->memohw && idx < s->memocap && idx < m->memo_limit &&
				    s->sp > (s->nmarks ? s->marks[s->nmarks - 1] : 0)) {
					s->memo[idx] = s->stack[s->sp - 1];
					s->memohw = s->memolen = idx + 1;
					s->puts++;
					i += 1;
					if (i == n)
						break;
					continue;
				}
			}
			m->op = op;
			m->op_off = off;
			x.p = p + i + hdr;
			x.n = x.full = need - hdr;
			i += need;
			mv_pk_exec(m, op, off, &x);
			if (m->mode != M_STREAM)
				break;
			if (op == '.') {
				end_stream(m, base + i);
				break;
			}
			if (m->joblib_pending) {
				joblib_start(m);
				break;
			}
			if (i == n)
				break;
		}
		if (i >= n || m->mode != M_STREAM)
			break;
		switch (m->ps) {
		case P_OP: {
			uint8_t op = p[i];
			const struct opinfo *oi = &mv_pickle_ops[op];
			size_t avail = n - i - 1;
			uint64_t len;

			if (op_start(m, op, base + i) != 0)
				break;
			switch (oi->arg) {
			case A_NONE:
				i++;
				finish(m, NULL, 0, 0, NULL, 0, 0, base + i);
				break;
			case A_FIXED:
				if (avail >= oi->size) {
					i += 1 + oi->size;
					finish(m, p + i - oi->size, oi->size, oi->size, NULL, 0, 0,
					    base + i);
					break;
				}
				memcpy(m->carry, p + i + 1, avail);
				m->ncarry = avail;
				m->need = oi->size;
				m->ps = P_FIXED;
				i = n;
				break;
			case A_LEN:
				if (avail < oi->size) {
					memcpy(m->carry, p + i + 1, avail);
					m->ncarry = avail;
					m->need = oi->size;
					m->ps = P_LENHDR;
					i = n;
					break;
				}
				i += 1 + oi->size;
				if (payload_len(m, op, p + i - oi->size, &len) != 0)
					break;
				if (len <= n - i) {
					/* The whole payload is here: no copy. */
					if (nestable(op)) {
						nest_begin(m, len);
						nest_data(m, p + i, (size_t)len);
						nest_end(m);
					}
					i += (size_t)len;
					finish(m, p + i - len, len > KEEP_STR ? KEEP_STR : (size_t)len,
					    len, NULL, 0, 0, base + i);
					break;
				}
				start_payload(m, len);
				break;
			case A_LINE:
			case A_LINE2:
				i++;
				m->ps = P_LINE;
				m->line = 0;
				m->nkeep = m->nkeep2 = 0;
				m->full = m->full2 = 0;
				m->lastc = 0;
				m->nest_state = 0;
				if (op == 'S' || op == 'V')
					nest_begin(m, UINT64_MAX);
				break;
			default:
				i++;
				mv_pk_parse_error(m, base + i - 1, "0x%02x is not an opcode", op);
				break;
			}
			break;
		}
		case P_FIXED:
		case P_LENHDR: {
			size_t take = m->need - m->ncarry;
			uint64_t len;

			if (take > n - i)
				take = n - i;
			memcpy(m->carry + m->ncarry, p + i, take);
			m->ncarry += take;
			i += take;
			if (m->ncarry < m->need)
				break;
			if (m->ps == P_FIXED) {
				m->ps = P_OP;
				finish(m, m->carry, m->need, m->need, NULL, 0, 0, base + i);
				break;
			}
			if (payload_len(m, m->op, m->carry, &len) != 0)
				break;
			start_payload(m, len);
			if (len == 0) {
				m->ps = P_OP;
				finish(m, m->keep, 0, 0, NULL, 0, 0, base + i);
			}
			break;
		}
		case P_PAYLOAD: {
			size_t take = m->left < n - i ? (size_t)m->left : n - i;

			if (m->nkeep < KEEP_STR) {
				size_t k = KEEP_STR - m->nkeep < take ? KEEP_STR - m->nkeep : take;

				memcpy(m->keep + m->nkeep, p + i, k);
				m->nkeep += k;
			}
			if (m->nest_state)
				nest_data(m, p + i, take);
			m->left -= take;
			i += take;
			if (m->left == 0) {
				if (m->nest_state)
					nest_end(m);
				m->ps = P_OP;
				finish(m, m->keep, m->nkeep, m->full, NULL, 0, 0, base + i);
			}
			break;
		}
		case P_LINE: {
			const unsigned char *nl = memchr(p + i, '\n', n - i);
			size_t take = nl ? (size_t)(nl - p - i) : n - i;
			unsigned char *k = m->line ? m->keep2 : m->keep;
			size_t *nk = m->line ? &m->nkeep2 : &m->nkeep;
			uint64_t *full = m->line ? &m->full2 : &m->full;

			if (*nk < KEEP_STR) {
				size_t c = KEEP_STR - *nk < take ? KEEP_STR - *nk : take;

				memcpy(k + *nk, p + i, c);
				*nk += c;
			}
			if (m->nest_state)
				nest_data(m, p + i + (*full == 0 && take && m->op == 'S'),
				    take - (*full == 0 && take && m->op == 'S'));
			if (take)
				m->lastc = p[i + take - 1];
			*full += take;
			i += take;
			if (nl == NULL)
				break;
			i++;
			if (mv_pickle_ops[m->op].arg == A_LINE2 && m->line == 0) {
				m->line = 1;
				break;
			}
			if (m->nest_state)
				nest_end(m);
			m->ps = P_OP;
			finish(m, m->keep, m->nkeep, m->full, m->keep2, m->nkeep2, m->full2, base + i);
			break;
		}
		}
	}
	m->pos = base + i;
	return i;
}

/* ---- between streams ---- */

static int
candidate(unsigned char c)
{
	return c == OP_PROTO || c == '(' || c == ']' || c == '}' || c == ')' || c == 'c' ||
	    c == 'i' || c == 'N' || c == 'I' || c == 'L' || c == 'F' || c == 'S' || c == 'V' ||
	    c == 'X' || c == 'U' || c == 'T' || c == 'K' || c == 'J' || c == 'M' || c == 'G' ||
	    c == OP_SHORT_BINUNICODE || c == 'l' || c == 'd' || c == 'B' || c == 'C';
}

static void
junk_add(struct mv_pickle *m, const unsigned char *p, size_t n, uint64_t off)
{
	if (n == 0)
		return;
	if (m->junk_off == UINT64_MAX)
		m->junk_off = off;
	m->junk_len += n;
	for (size_t i = 0; i < n && !m->junk_text; i++)
		if (p[i] != ' ' && p[i] != '\n' && p[i] != '\r' && p[i] != '\t' && p[i] != '\0')
			m->junk_text = 1;
}

static void
junk_report(struct mv_pickle *m)
{
	if (m->junk_len && m->junk_text && m->adjacent != -1)
		mv_pk_emit(m, MV_R_PICKLE_STREAM_JUNK, m->junk_off, "%llu bytes at offset %llu "
		    "are not a pickle (data after or between the pickle streams)",
		    (unsigned long long)m->junk_len,
		    (unsigned long long)abs_off(m, m->junk_off));
	m->junk_off = UINT64_MAX;
	m->junk_len = 0;
	m->junk_text = 0;
}

/* Look for the start of a stream in p (at offset off). 1: one starts at *at; 0: all junk;
 * -1: more bytes are needed to judge the candidate at *at. */
static int
scan(struct mv_pickle *m, const unsigned char *p, size_t n, uint64_t off, int final,
    size_t *at)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j < n && !candidate(p[j]))
			j++;
		junk_add(m, p + i, j - i, off + i);
		if (j == n)
			break;
		switch (mv_pk_plausible(p + j, n - j, final)) {
		case 1:
			*at = j;
			return 1;
		case -1:
			if (n - j <= WIN_MAX) {
				*at = j;
				return -1;
			}
			break;
		default:
			break;
		}
		junk_add(m, p + j, 1, off + j);
		i = j + 1;
	}
	*at = n;
	return 0;
}

static void
commit(struct mv_pickle *m, uint64_t off)
{
	junk_report(m);
	begin_stream(m, off);
}

static size_t
between(struct mv_pickle *m, const unsigned char *p, size_t n, int final)
{
	size_t at;
	int r;

	if (m->wlen == 0) {
		r = scan(m, p, n, m->pos, final, &at);
		if (r == 1) {
			m->pos += at;
			commit(m, m->pos);
			return at;
		}
		if (r == -1) {
			if (m->win == NULL && (m->win = malloc(WIN_MAX)) == NULL) {
				mv_pk_stop(m, MV_R_ANALYSIS_INCOMPLETE, m->pos, "out of memory");
				return n;
			}
			memcpy(m->win, p + at, n - at);
			m->wlen = n - at;
			m->woff = m->pos + at;
		}
		m->pos += n;
		return n;
	} else {
		size_t take = WIN_MAX - m->wlen < n ? WIN_MAX - m->wlen : n;
		uint64_t save;
		unsigned char *w;
		size_t wl;

		memcpy(m->win + m->wlen, p, take);
		m->wlen += take;
		save = m->pos + take;
		final = final && take == n;
		/* A full window decides: a candidate that still cannot be judged is no pickle. */
		r = scan(m, m->win, m->wlen, m->woff, final || m->wlen == WIN_MAX, &at);
		if (r == 1) {
			/* Hand the window's bytes to the stream; they come before p's. */
			w = m->win;
			wl = m->wlen;
			m->win = NULL;
			m->wlen = 0;
			m->pos = m->woff + at;
			commit(m, m->pos);
			feed(m, w + at, wl - at);
			free(w);
			m->pos = save;
			return take;
		}
		if (r == -1) {
			memmove(m->win, m->win + at, m->wlen - at);
			m->wlen -= at;
			m->woff += at;
		} else {
			m->wlen = 0;
		}
		m->pos = save;
		return take;
	}
}

/* ---- the public face ---- */

static void
feed(struct mv_pickle *m, const unsigned char *p, size_t n)
{
	while (n > 0 && m->mode != M_DEAD) {
		size_t used = 0;

		switch (m->mode) {
		case M_STREAM:
			used = run_ops(m, p, n);
			break;
		case M_BETWEEN:
			used = between(m, p, n, 0);
			break;
		case M_SKIP:
			used = n < m->skip_left ? n : (size_t)m->skip_left;
			m->skip_left -= used;
			m->pos += used;
			if (m->skip_left == 0)
				raw_done(m);
			break;
		case M_RAWHDR:
			used = m->rawneed - m->nrawhdr < n ? m->rawneed - m->nrawhdr : n;
			memcpy(m->rawhdr + m->nrawhdr, p, used);
			m->nrawhdr += used;
			m->pos += used;
			if (m->nrawhdr == m->rawneed)
				raw_header(m);
			break;
		case M_DEAD:
			break;
		}
		p += used;
		n -= used;
	}
}

struct mv_pickle *
mv_pickle_new(const struct mv_pickle_opts *o)
{
	struct mv_pickle *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->o = *o;
	m->worst = -1;
	m->ops_limit = o->limit[MV_LIMIT_PICKLE_OPS];
	m->memo_limit = o->limit[MV_LIMIT_PICKLE_MEMO];
	m->torchp = o->profile == MV_PICKLE_TORCH || o->profile == MV_PICKLE_TORCH_TAR ||
	    o->profile == MV_PICKLE_TORCH_TAR_STORAGES || o->profile == MV_PICKLE_TORCH_TAR_TENSORS;
	m->junk_off = UINT64_MAX;
	m->nest_how = "raw";
	mv_pk_sim_init(&m->s, o->limit[MV_LIMIT_PICKLE_MEMORY]);
	m->keyarena.max = o->limit[MV_LIMIT_PICKLE_MEMORY];
	begin_stream(m, 0);
	return m;
}

void
mv_pickle_feed(struct mv_pickle *m, const unsigned char *p, size_t n)
{
	feed(m, p, n);
}

static const char *
where(const struct mv_pickle *m)
{
	switch (m->ps) {
	case P_OP:
		return "between opcodes";
	case P_FIXED:
	case P_LENHDR:
		return "inside an opcode's argument";
	case P_PAYLOAD:
		return "inside a string's bytes";
	default:
		return "inside an opcode's line";
	}
}

void
mv_pickle_end(struct mv_pickle *m, int complete)
{
	if (m->mode == M_BETWEEN && m->wlen) {
		unsigned char *w = m->win;
		size_t wl = m->wlen, at;
		uint64_t save = m->pos;

		m->win = NULL;
		m->wlen = 0;
		if (scan(m, w, wl, m->woff, 1, &at) == 1) {
			m->pos = m->woff + at;
			commit(m, m->pos);
			feed(m, w + at, wl - at);
		}
		m->pos = save;
		free(w);
	}
	if (m->mode == M_STREAM && complete) {
		if (m->pos == 0)
			mv_pk_parse_error(m, 0, "the entry is empty");
		else
			mv_pk_parse_error(m, m->pos, "the entry ends %s, before STOP", where(m));
	}
	if (m->child) {
		mv_pickle_end(m->child, 0);
		mv_pickle_free(m->child);
		m->child = NULL;
	}
	if ((m->mode == M_SKIP || m->mode == M_RAWHDR) && complete)
		mv_pk_emit(m, m->raw == R_JOBLIB_ARRAY || m->raw == R_JOBLIB_PAD ?
		    MV_R_JOBLIB_ARRAY_INVALID : MV_R_TORCH_LEGACY_STORAGE, m->pos, "the entry ends "
		    "%llu bytes into raw data that should run %llu bytes further",
		    (unsigned long long)m->nrawhdr, (unsigned long long)m->skip_left);
	junk_report(m);
	if (m->frame_end > m->pos && complete)
		mv_pk_emit(m, MV_R_PICKLE_FRAME_INVALID, m->frame_off, "a frame declares %llu bytes "
		    "past the end of the entry", (unsigned long long)(m->frame_end - m->pos));
	mv_pk_stream_flush(m);
	for (int r = 0; r < MV_R__COUNT; r++)
		if (m->count[r] > EMIT_MAX)
			mv_findings_add(m->o.findings, (enum mv_rule)r, m->o.path, -1, "%u more "
			    "findings of this rule in this entry are not listed",
			    m->count[r] - EMIT_MAX);
	if (m->stopped)
		mv_findings_add(m->o.findings, MV_R_ANALYSIS_INCOMPLETE, m->o.path, -1,
		    "the pickle analysis stopped before the end of the entry");
	if (m->o.summary && m->worst < (int)MV_SEV_LOW && m->nstreams > 0 && !m->stopped &&
	    complete) {
		mv_findings_add(m->o.findings, MV_R_PICKLE_FORMAT_ALLOWLISTED, m->o.path, -1,
		    "%s: %llu pickle stream(s), protocol %d at most, %zu distinct callable(s), all "
		    "on the allowlist; loading a pickle can run code, this one names none that is "
		    "not allowed", m->legacy ? "legacy PyTorch file" : "pickle",
		    (unsigned long long)m->nstreams, m->maxproto, m->nimp);
		if (m->worst < (int)MV_SEV_INFO)
			m->worst = MV_SEV_INFO;
	}
	m->mode = M_DEAD;
}

void
mv_pickle_free(struct mv_pickle *m)
{
	if (m == NULL)
		return;
	if (m->child)
		mv_pickle_free(m->child);
	if (m->in_joblib_object)
		mv_pk_sim_free(&m->parked);
	mv_pk_sim_free(&m->s);
	mv_pk_imports_free(m);
	mv_pk_arena_reset(&m->keyarena);
	free(m->lkeys);
	free(m->win);
	free(m);
}
