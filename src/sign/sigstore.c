/* SPDX-License-Identifier: Apache-2.0 */
/* sigstore.c: Sigstore keyless signatures verified offline against a trusted_root.json: the
 * Fulcio certificate chain and its SCTs, the Rekor log entries (v1: signed entry timestamp;
 * v1 and v2: inclusion proof, signed checkpoint), the RFC 3161 timestamps and the signer's
 * identity. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "core/ctx.h"
#include "core/sha256.h"
#include "core/str.h"
#include "sign/sign.h"

/* A trusted_root.json of the public-good instance is about 10 KiB. */
#define MAX_ROOT_FILE (4u << 20)
/* Inclusion proofs of a log of 2^64 entries hold 64 hashes. */
#define MAX_PROOF 64

struct mv_trusted_root {
	struct mv_log_key *tlog;         /* Rekor */
	size_t ntlog;
	struct mv_log_key *ctlog;        /* certificate transparency */
	size_t nctlog;
	struct mv_ca_chain *ca;          /* Fulcio */
	size_t nca;
	struct mv_ca_chain *tsa;         /* timestamp authorities */
	size_t ntsa;
};

int
mv_rfc3339_parse(const char *s, time_t *out)
{
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6 || n < 19)
		return -1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	*out = timegm(&tm);
	return 0;
}

static int
valid_for(json_t *vf, time_t *start, time_t *end)
{
	*start = 0;
	*end = 0;
	if (vf == NULL)
		return 0;
	if (mv_rfc3339_parse(json_string_value(json_object_get(vf, "start")), start) != 0)
		return -1;
	if (json_object_get(vf, "end") &&
	    mv_rfc3339_parse(json_string_value(json_object_get(vf, "end")), end) != 0)
		return -1;
	return 0;
}

static int
b64_field(json_t *obj, const char *key, unsigned char **out, size_t *len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return -1;
	return mv_b64_decode(json_string_value(v), json_string_length(v), out, len);
}

void
mv_trusted_root_free(struct mv_trusted_root *tr)
{
	if (tr == NULL)
		return;
	for (size_t i = 0; i < tr->ntlog; i++) {
		free(tr->tlog[i].keyid);
		free(tr->tlog[i].ckeyid);
		EVP_PKEY_free(tr->tlog[i].key);
	}
	free(tr->tlog);
	for (size_t i = 0; i < tr->nctlog; i++) {
		free(tr->ctlog[i].keyid);
		free(tr->ctlog[i].ckeyid);
		EVP_PKEY_free(tr->ctlog[i].key);
	}
	free(tr->ctlog);
	for (size_t i = 0; i < tr->nca; i++) {
		mv_x509_free_all(tr->ca[i].roots);
		mv_x509_free_all(tr->ca[i].inter);
	}
	free(tr->ca);
	for (size_t i = 0; i < tr->ntsa; i++) {
		mv_x509_free_all(tr->tsa[i].roots);
		mv_x509_free_all(tr->tsa[i].inter);
	}
	free(tr->tsa);
	free(tr);
}

/* tlogs or ctlogs (the same message): each log's id, key and validity. */
static mv_status
load_logs(struct mv_ctx *ctx, const char *path, const char *what, json_t *arr,
    struct mv_log_key **out, size_t *nout)
{
	size_t n = json_array_size(arr);

	if ((*out = calloc(n ? n : 1, sizeof(**out))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *t = json_array_get(arr, i), *pk = json_object_get(t, "publicKey");
		struct mv_log_key *l = &(*out)[*nout];
		unsigned char *der = NULL;
		const unsigned char *p;
		size_t dlen;

		/* A Rekor v2 log may be named by its checkpoint key id too. */
		if (b64_field(json_object_get(t, "logId"), "keyId", &l->keyid, &l->keyidlen) != 0 ||
		    (json_object_get(t, "checkpointKeyId") != NULL &&
		    b64_field(json_object_get(t, "checkpointKeyId"), "keyId", &l->ckeyid,
		    &l->ckeyidlen) != 0) ||
		    b64_field(pk, "rawBytes", &der, &dlen) != 0 ||
		    valid_for(json_object_get(pk, "validFor"), &l->start, &l->end) != 0) {
			free(l->keyid);
			free(l->ckeyid);
			free(der);
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: %s %zu is malformed", path, what,
			    i);
		}
		p = der;
		l->key = dlen <= INT32_MAX ? d2i_PUBKEY(NULL, &p, (long)dlen) : NULL;
		free(der);
		ERR_clear_error();
		/* Keys this code cannot use (a newer log's Ed25519 checkpoint key is fine, others
		 * are skipped) only make entries of that log unverifiable. */
		if (l->key == NULL) {
			free(l->keyid);
			free(l->ckeyid);
			memset(l, 0, sizeof(*l));
			continue;
		}
		(*nout)++;
	}
	return MV_OK;
}

/* certificateAuthorities or timestampAuthorities (the same message): each chain as listed. */
static mv_status
load_cas(struct mv_ctx *ctx, const char *path, const char *what, json_t *arr,
    struct mv_ca_chain **out, size_t *nout)
{
	size_t n = json_array_size(arr);

	if ((*out = calloc(n ? n : 1, sizeof(**out))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(arr, i);
		json_t *certs = json_object_get(json_object_get(c, "certChain"), "certificates");
		struct mv_ca_chain *a = &(*out)[*nout];

		a->roots = sk_X509_new_null();
		a->inter = sk_X509_new_null();
		if (a->roots == NULL || a->inter == NULL || !json_is_array(certs) ||
		    valid_for(json_object_get(c, "validFor"), &a->start, &a->end) != 0)
			goto bad;
		for (size_t k = 0; k < json_array_size(certs); k++) {
			unsigned char *der = NULL;
			const unsigned char *p;
			size_t dlen;
			X509 *x;

			if (b64_field(json_array_get(certs, k), "rawBytes", &der, &dlen) != 0)
				goto bad;
			p = der;
			x = dlen <= INT32_MAX ? d2i_X509(NULL, &p, (long)dlen) : NULL;
			free(der);
			if (x == NULL)
				goto bad;
			/* Self-signed: a trust anchor; else an intermediate. */
			if (X509_check_issued(x, x) == X509_V_OK ? sk_X509_push(a->roots, x) <= 0 :
			    sk_X509_push(a->inter, x) <= 0) {
				X509_free(x);
				goto bad;
			}
			if (k == 0)
				a->first = x;
		}
		if (sk_X509_num(a->roots) == 0)
			goto bad;
		(*nout)++;
		continue;
bad:
		mv_x509_free_all(a->roots);
		mv_x509_free_all(a->inter);
		memset(a, 0, sizeof(*a));
		ERR_clear_error();
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: %s %zu is malformed", path, what, i);
	}
	return MV_OK;
}

mv_status
mv_trusted_root_load(struct mv_ctx *ctx, const char *path, struct mv_trusted_root **out)
{
	unsigned char *data = NULL;
	size_t len = 0;
	json_error_t err;
	json_t *doc = NULL;
	struct mv_trusted_root *tr = NULL;
	const char *mt;
	mv_status st;

	*out = NULL;
	if ((st = mv_file_read(ctx, path, MAX_ROOT_FILE, &data, &len)) != MV_OK)
		return st;
	doc = json_loadb((const char *)data, len, JSON_REJECT_DUPLICATES, &err);
	free(data);
	if (doc == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not JSON: %s", path, err.text);
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (mt == NULL || strncmp(mt, "application/vnd.dev.sigstore.trustedroot", 40) != 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: not a Sigstore trusted root", path);
		goto done;
	}
	if ((tr = calloc(1, sizeof(*tr))) == NULL) {
		st = mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		goto done;
	}
	if ((st = load_logs(ctx, path, "transparency log", json_object_get(doc, "tlogs"),
	    &tr->tlog, &tr->ntlog)) != MV_OK ||
	    (st = load_logs(ctx, path, "certificate transparency log", json_object_get(doc,
	    "ctlogs"), &tr->ctlog, &tr->nctlog)) != MV_OK ||
	    (st = load_cas(ctx, path, "certificate authority", json_object_get(doc,
	    "certificateAuthorities"), &tr->ca, &tr->nca)) != MV_OK ||
	    (st = load_cas(ctx, path, "timestamp authority", json_object_get(doc,
	    "timestampAuthorities"), &tr->tsa, &tr->ntsa)) != MV_OK)
		goto done;
	if (tr->ntlog == 0 || tr->nca == 0) {
		st = mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: no usable transparency log or certificate "
		    "authority", path);
		goto done;
	}
	*out = tr;
	tr = NULL;
done:
	mv_trusted_root_free(tr);
	json_decref(doc);
	return st;
}

/* ---- the log entry ---- */

static int
within(time_t t, time_t start, time_t end)
{
	return t >= start && (end == 0 || t <= end);
}

static int
parse_i64(json_t *v, long long *out)
{
	const char *s = json_string_value(v);
	char *end;

	/* int64 values are JSON strings in the proto3 mapping; tolerate numbers. */
	if (json_is_integer(v)) {
		*out = json_integer_value(v);
		return *out >= 0 ? 0 : -1;
	}
	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*out = strtoll(s, &end, 10);
	return *end == '\0' && *out >= 0 ? 0 : -1;
}

/* The same where proto3's JSON mapping leaves a zero out (an index). */
static int
parse_index(json_t *v, long long *out)
{
	*out = 0;
	return v == NULL ? 0 : parse_i64(v, out);
}

static void
hexof(const unsigned char *p, size_t n, char *out)
{
	static const char h[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = h[p[i] >> 4];
		out[2 * i + 1] = h[p[i] & 15];
	}
	out[2 * n] = '\0';
}

static void
node(const unsigned char *l, const unsigned char *r, unsigned char out[32])
{
	unsigned char buf[65];

	buf[0] = 1;
	memcpy(buf + 1, l, 32);
	memcpy(buf + 33, r, 32);
	mv_sha256(buf, sizeof(buf), out);
}

/* RFC 9162 2.1.3.2: the root from a leaf hash, its index, the tree size and the path. */
static int
proof_root(const unsigned char leaf[32], long long index, long long size,
    unsigned char (*path)[32], size_t n, unsigned char out[32])
{
	unsigned long long fn = (unsigned long long)index, sn = (unsigned long long)size - 1;
	unsigned char r[32];

	if (index >= size)
		return -1;
	memcpy(r, leaf, 32);
	for (size_t i = 0; i < n; i++) {
		if (sn == 0)
			return -1;
		if ((fn & 1) || fn == sn) {
			node(path[i], r, r);
			if (!(fn & 1))
				while (!(fn & 1) && fn != 0) {
					fn >>= 1;
					sn >>= 1;
				}
		} else {
			node(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	if (sn != 0)
		return -1;
	memcpy(out, r, 32);
	return 0;
}

/* A signed note: "ORIGIN\nSIZE\nROOT\n[other lines]\n\n— NAME B64(keyhint4 || sig)\n". */
static const char *
check_checkpoint(const char *env, const struct mv_log_key *log, long long size,
    const unsigned char root[32])
{
	const char *blank = strstr(env, "\n\n"), *line, *sp;
	char *text = NULL, *rootb64 = NULL, want[64];
	unsigned char *raw = NULL;
	size_t rawlen;
	int ok = 0;

	if (blank == NULL)
		return "the checkpoint has no signature block";
	text = mv_strndup(env, (size_t)(blank - env) + 1);
	rootb64 = mv_b64_encode(root, 32);
	if (text == NULL || rootb64 == NULL)
		goto done;
	/* Body: origin, size, root hash; they must be those of the proof. */
	snprintf(want, sizeof(want), "\n%lld\n", size);
	if (strstr(text, want) == NULL || strstr(text, rootb64) == NULL) {
		free(text);
		free(rootb64);
		return "the checkpoint is not for the proof's tree size and root";
	}
	/* Any signature line of this log's key verifies the note. */
	for (line = blank + 2; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : "") {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n < 5 || strncmp(line, "\xe2\x80\x94 ", 4) != 0)
			continue;
		if ((sp = memchr(line + 4, ' ', n - 4)) == NULL)
			continue;
		free(raw);
		raw = NULL;
		if (mv_b64_decode(sp + 1, (size_t)(line + n - sp - 1), &raw, &rawlen) != 0 ||
		    rawlen <= 4)
			continue;
		if (mv_key_verify(log->key, EVP_PKEY_is_a(log->key, "ED25519") ? NULL : "SHA2-256",
		    (const unsigned char *)text, strlen(text), raw + 4, rawlen - 4)) {
			ok = 1;
			break;
		}
	}
done:
	free(raw);
	free(text);
	free(rootb64);
	return ok ? NULL : "the checkpoint's signature does not verify with the log's key";
}

/* The Rekor dsse 0.0.1 body must describe this envelope: its payload hash, its signature and
 * the certificate that made it. */
const char *
mv_rekor_dsse_check(const unsigned char *body, size_t n, const unsigned char *payload,
    size_t payload_len, const unsigned char *sig, size_t sig_len, X509 *leaf)
{
	json_error_t err;
	json_t *doc = json_loadb((const char *)body, n, JSON_REJECT_DUPLICATES, &err);
	json_t *spec = json_object_get(doc, "spec"), *sig0;
	const char *why = NULL, *v;
	unsigned char dg[32], *raw = NULL, *der = NULL;
	char hex[65];
	size_t rawlen;

	if (doc == NULL)
		return "the log entry's body is not JSON";
	if (strcmp(json_string_value(json_object_get(doc, "kind")) ?
	    json_string_value(json_object_get(doc, "kind")) : "", "dsse") != 0) {
		why = "the log entry is not of kind dsse";
		goto done;
	}
	mv_sha256(payload, payload_len, dg);
	hexof(dg, 32, hex);
	v = json_string_value(json_object_get(json_object_get(spec, "payloadHash"), "value"));
	if (v == NULL || strcmp(v, hex) != 0) {
		why = "the log entry's payload hash is not the envelope's payload";
		goto done;
	}
	sig0 = json_array_get(json_object_get(spec, "signatures"), 0);
	if (json_array_size(json_object_get(spec, "signatures")) != 1 ||
	    b64_field(sig0, "signature", &raw, &rawlen) != 0 || rawlen != sig_len ||
	    memcmp(raw, sig, rawlen) != 0) {
		why = "the log entry's signature is not the envelope's";
		goto done;
	}
	free(raw);
	raw = NULL;
	if (b64_field(sig0, "verifier", &raw, &rawlen) != 0) {
		why = "the log entry names no verifier";
	} else {
		BIO *bio = BIO_new_mem_buf(raw, (int)rawlen);
		X509 *x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;

		if (x == NULL || X509_cmp(x, leaf) != 0)
			why = "the log entry's verifier is not the signing certificate";
		X509_free(x);
		BIO_free(bio);
		ERR_clear_error();
	}
done:
	free(raw);
	free(der);
	json_decref(doc);
	return why;
}

/* Is id the log id (or, for Rekor v2 logs, the checkpoint key id) of log l? */
static int
log_is(const struct mv_log_key *l, const unsigned char *id, size_t n)
{
	return (l->keyidlen == n && memcmp(l->keyid, id, n) == 0) ||
	    (l->ckeyid != NULL && l->ckeyidlen == n && memcmp(l->ckeyid, id, n) == 0);
}

/* One tlogEntries item, checked against the log keys of the trusted root; *t receives the
 * time it vouches for: a Rekor v1 entry's integrated time, or for a Rekor v2 entry, which
 * has none, the verified timestamp *stamped (NULL: the bundle has none). NULL when it
 * verifies, else why not. */
static const char *
check_entry(const struct mv_trusted_root *tr, json_t *e, const struct mv_bundle *b, X509 *leaf,
    const time_t *stamped, time_t *t)
{
	json_t *proof = json_object_get(e, "inclusionProof"), *hashes;
	json_t *kv = json_object_get(e, "kindVersion");
	const char *kind = json_string_value(json_object_get(kv, "kind"));
	const char *ver = json_string_value(json_object_get(kv, "version"));
	const struct mv_log_key *log = NULL;
	unsigned char *keyid = NULL, *body = NULL, *set = NULL, *rh = NULL, leafh[32];
	unsigned char (*path)[32] = NULL, root[32];
	size_t keyidlen, bodylen, setlen, rhlen, np;
	long long itime = 0, index, pindex, size;
	char *canon = NULL, *bodyb64 = NULL, logid[2 * 64 + 1];
	const char *why = NULL, *cp;
	int v2 = ver != NULL && strcmp(ver, "0.0.2") == 0;
	struct mv_buf lb;

	mv_buf_init(&lb, MV_SIG_MAX_BYTES);
	/* Older bundles may leave kindVersion out: their body says what it is. */
	if (kv != NULL && (kind == NULL || strcmp(kind, "dsse") != 0 || ver == NULL ||
	    (!v2 && strcmp(ver, "0.0.1") != 0))) {
		why = "the log entry is not a dsse 0.0.1 or 0.0.2 entry";
		goto done;
	}
	if (b64_field(json_object_get(e, "logId"), "keyId", &keyid, &keyidlen) != 0 ||
	    keyidlen > 64 || (!v2 && parse_i64(json_object_get(e, "integratedTime"), &itime) != 0) ||
	    parse_index(json_object_get(e, "logIndex"), &index) != 0 ||
	    b64_field(e, "canonicalizedBody", &body, &bodylen) != 0) {
		why = "the log entry is malformed";
		goto done;
	}
	/* Rekor v2 signs no time: the certificate and the log key are judged at the time a
	 * timestamp authority vouches for. */
	if (v2 && stamped == NULL) {
		why = "the Rekor v2 log entry carries no time and the bundle has no RFC 3161 "
		    "timestamp to give one";
		goto done;
	}
	*t = v2 ? *stamped : (time_t)itime;
	for (size_t i = 0; i < tr->ntlog && log == NULL; i++)
		if (log_is(&tr->tlog[i], keyid, keyidlen) && within(*t, tr->tlog[i].start,
		    tr->tlog[i].end))
			log = &tr->tlog[i];
	if (log == NULL) {
		why = "the log entry is from a log the trusted root does not list (at that time)";
		goto done;
	}
	/* The signed entry timestamp: the log's promise over body, time, log id and index (Rekor
	 * v1 only: v2 makes none). */
	if (!v2 && json_object_get(e, "inclusionPromise")) {
		hexof(keyid, keyidlen, logid);
		bodyb64 = mv_b64_encode(body, bodylen);
		canon = bodyb64 ? mv_asprintf("{\"body\":\"%s\",\"integratedTime\":%lld,\"logID\":"
		    "\"%s\",\"logIndex\":%lld}", bodyb64, itime, logid, index) : NULL;
		if (canon == NULL || b64_field(json_object_get(e, "inclusionPromise"),
		    "signedEntryTimestamp", &set, &setlen) != 0 ||
		    !mv_key_verify(log->key, "SHA2-256", (const unsigned char *)canon, strlen(canon),
		    set, setlen)) {
			why = "the signed entry timestamp does not verify with the log's key";
			goto done;
		}
	}
	/* The inclusion proof, and the checkpoint it ends in, signed by the log. */
	hashes = json_object_get(proof, "hashes");
	np = json_array_size(hashes);
	if (!json_is_object(proof) || parse_index(json_object_get(proof, "logIndex"), &pindex) != 0 ||
	    parse_i64(json_object_get(proof, "treeSize"), &size) != 0 || np > MAX_PROOF ||
	    b64_field(proof, "rootHash", &rh, &rhlen) != 0 || rhlen != 32 ||
	    (cp = json_string_value(json_object_get(json_object_get(proof, "checkpoint"),
	    "envelope"))) == NULL) {
		why = "the log entry has no usable inclusion proof";
		goto done;
	}
	if ((path = calloc(np ? np : 1, sizeof(*path))) == NULL) {
		why = "out of memory";
		goto done;
	}
	for (size_t i = 0; i < np; i++) {
		unsigned char *h;
		size_t hl;

		if (!json_is_string(json_array_get(hashes, i)) ||
		    mv_b64_decode(json_string_value(json_array_get(hashes, i)),
		    json_string_length(json_array_get(hashes, i)), &h, &hl) != 0 || hl != 32) {
			why = "the inclusion proof holds a malformed hash";
			goto done;
		}
		memcpy(path[i], h, 32);
		free(h);
	}
	if (mv_buf_addc(&lb, 0) != MV_OK || mv_buf_add(&lb, body, bodylen) != MV_OK ||
	    mv_sha256(lb.p, lb.len, leafh) != MV_OK ||
	    proof_root(leafh, pindex, size, path, np, root) != 0 || memcmp(root, rh, 32) != 0) {
		why = "the inclusion proof does not lead to its root hash";
		goto done;
	}
	if ((why = check_checkpoint(cp, log, size, root)) != NULL)
		goto done;
	why = v2 ? mv_rekor_dsse2_check(body, bodylen, b->payload, b->payload_len, b->sig,
	    b->sig_len, leaf) : mv_rekor_dsse_check(body, bodylen, b->payload, b->payload_len,
	    b->sig, b->sig_len, leaf);
done:
	mv_buf_free(&lb);
	free(keyid);
	free(body);
	free(set);
	free(rh);
	free(path);
	free(canon);
	free(bodyb64);
	return why;
}

/* ---- the certificate ---- */

/* The identity Fulcio put in the certificate: its e-mail or URI subject alternative name. */
static char *
san_of(X509 *leaf, const char *want)
{
	GENERAL_NAMES *gens = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
	char *first = NULL;

	for (int i = 0; gens && i < sk_GENERAL_NAME_num(gens); i++) {
		const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
		const ASN1_IA5STRING *v = g->type == GEN_EMAIL ? g->d.rfc822Name :
		    g->type == GEN_URI ? g->d.uniformResourceIdentifier : NULL;
		char *s;

		if (v == NULL)
			continue;
		s = mv_strndup((const char *)ASN1_STRING_get0_data(v), (size_t)ASN1_STRING_length(v));
		if (s == NULL || strlen(s) != (size_t)ASN1_STRING_length(v)) {
			free(s);
			continue;
		}
		/* The one asked for when present, else the first, to report. */
		if (want && strcmp(s, want) == 0) {
			free(first);
			first = s;
			break;
		}
		if (first == NULL)
			first = s;
		else
			free(s);
	}
	GENERAL_NAMES_free(gens);
	return first;
}

/* The OIDC issuer: Fulcio's extension 1.3.6.1.4.1.57264.1.8 (a DER UTF8String), else the
 * older 1.3.6.1.4.1.57264.1.1 (the raw string). */
static char *
issuer_of(X509 *leaf)
{
	static const char *const oids[] = {"1.3.6.1.4.1.57264.1.8", "1.3.6.1.4.1.57264.1.1"};

	for (size_t k = 0; k < 2; k++) {
		ASN1_OBJECT *obj = OBJ_txt2obj(oids[k], 1);
		int idx = obj ? X509_get_ext_by_OBJ(leaf, obj, -1) : -1;
		X509_EXTENSION *ext = idx >= 0 ? X509_get_ext(leaf, idx) : NULL;
		const ASN1_OCTET_STRING *os = ext ? X509_EXTENSION_get_data(ext) : NULL;
		char *s = NULL;

		ASN1_OBJECT_free(obj);
		if (os == NULL)
			continue;
		if (k == 0) {
			const unsigned char *p = ASN1_STRING_get0_data(os);
			ASN1_UTF8STRING *u = d2i_ASN1_UTF8STRING(NULL, &p, ASN1_STRING_length(os));

			if (u)
				s = mv_strndup((const char *)ASN1_STRING_get0_data(u),
				    (size_t)ASN1_STRING_length(u));
			ASN1_UTF8STRING_free(u);
		} else {
			s = mv_strndup((const char *)ASN1_STRING_get0_data(os),
			    (size_t)ASN1_STRING_length(os));
		}
		ERR_clear_error();
		if (s)
			return s;
	}
	return NULL;
}

/* The certificate of a that issued leaf (for the SCTs' issuer key hash). */
static X509 *
issuer_in(const struct mv_ca_chain *a, X509 *leaf)
{
	for (int i = 0; i < sk_X509_num(a->inter) + sk_X509_num(a->roots); i++) {
		X509 *c = i < sk_X509_num(a->inter) ? sk_X509_value(a->inter, i) :
		    sk_X509_value(a->roots, i - sk_X509_num(a->inter));

		if (X509_check_issued(c, leaf) == X509_V_OK)
			return c;
	}
	return NULL;
}

/* Path validation of the leaf to one of the trusted root's Fulcio CAs, at time t; the
 * certificate that issued it into *issuer when issuer is not NULL. */
static const char *
check_chain(struct mv_ctx *ctx, const struct mv_trusted_root *tr, X509 *leaf, time_t t,
    X509 **issuer)
{
	for (size_t i = 0; i < tr->nca; i++) {
		const struct mv_ca_chain *a = &tr->ca[i];
		STACK_OF(X509) *chain;
		mv_status st;

		if (!within(t, a->start, a->end) || (chain = sk_X509_new_null()) == NULL)
			continue;
		st = sk_X509_push(chain, leaf) > 0 ? MV_OK : MV_ERR_NOMEM;
		for (int k = 0; st == MV_OK && k < sk_X509_num(a->inter); k++)
			if (sk_X509_push(chain, sk_X509_value(a->inter, k)) <= 0)
				st = MV_ERR_NOMEM;
		if (st == MV_OK)
			st = mv_x509_verify_time(ctx, chain, a->roots, t);
		sk_X509_free(chain);
		if (st == MV_OK && issuer != NULL && (*issuer = issuer_in(a, leaf)) == NULL)
			st = MV_ERR_VERIFY;
		if (st == MV_OK)
			return NULL;
	}
	return "the certificate does not chain to a certificate authority of the trusted root "
	    "at the time the log recorded";
}

/* Every RFC 3161 timestamp of the bundle over the signature, each verified against the
 * trusted root's timestamp authorities (a bad one fails: none is skipped), and the
 * certificate valid at each stamped time; *count counts them and *first is the first one's time.
 * NULL when so, else why not and *idx which. */
static const char *
check_timestamps(struct mv_ctx *ctx, const struct mv_trusted_root *tr,
    const struct mv_bundle *b, X509 *leaf, size_t *idx, size_t *count, time_t *first)
{
	json_t *tvd = json_object_get(json_object_get((json_t *)b->json, "verificationMaterial"),
	    "timestampVerificationData");
	json_t *list = json_object_get(tvd, "rfc3161Timestamps");

	*idx = 0;
	*count = 0;
	if ((tvd != NULL && !json_is_object(tvd)) || (list != NULL && !json_is_array(list)))
		return "the bundle's timestamp verification data is malformed";
	for (size_t i = 0; i < json_array_size(list); i++) {
		unsigned char *der = NULL;
		const char *why;
		size_t n;
		time_t t = 0;

		*idx = i;
		if (b64_field(json_array_get(list, i), "signedTimestamp", &der, &n) != 0)
			return "its signedTimestamp is not base64";
		why = mv_timestamp_verify(tr->tsa, tr->ntsa, der, n, b->sig, b->sig_len, &t);
		free(der);
		if (why != NULL)
			return why;
		if (check_chain(ctx, tr, leaf, t, NULL) != NULL)
			return "the certificate does not chain to a certificate authority of the "
			    "trusted root at the stamped time";
		if ((*count)++ == 0)
			*first = t;
	}
	return NULL;
}

mv_status
mv_sigstore_verify(struct mv_ctx *ctx, const struct mv_trusted_root *tr,
    const struct mv_bundle *b, const char *identity, const char *issuer,
    struct mv_verify_report *rep)
{
	json_t *entries = json_object_get(json_object_get((json_t *)b->json,
	    "verificationMaterial"), "tlogEntries");
	const unsigned char *p = b->cert[0];
	X509 *leaf = b->cert_len[0] <= INT32_MAX ? d2i_X509(NULL, &p, (long)b->cert_len[0]) : NULL;
	EVP_PKEY *key;
	char *who = NULL, *iss = NULL, *signer;
	const char *why = NULL, *mdname;
	struct mv_buf pae;
	time_t t = 0, stamped = 0;
	size_t ts, nts, nsct = 0;
	X509 *issued_by = NULL;
	mv_status st = MV_OK;

	mv_buf_init(&pae, MV_SIG_MAX_BYTES + 128);
	if (leaf == NULL || p != b->cert[0] + b->cert_len[0]) {
		ERR_clear_error();
		st = mv_report_diff(rep, MV_DIFF_MALFORMED, "", "the signing certificate is not DER "
		    "X.509");
		goto done;
	}
	who = san_of(leaf, identity);
	iss = issuer_of(leaf);
	signer = mv_asprintf("Sigstore identity %s, issuer %s", who ? who : "(none)",
	    iss ? iss : "(none)");
	st = signer ? mv_report_set(&rep->signer, signer) : MV_ERR_NOMEM;
	free(signer);
	if (st != MV_OK)
		goto done;
	/* The timestamps first: a Rekor v2 entry has no time of its own and takes theirs. */
	if ((why = check_timestamps(ctx, tr, b, leaf, &ts, &nts, &stamped)) != NULL) {
		st = mv_report_diff(rep, MV_DIFF_UNTRUSTED, "", "RFC 3161 timestamp %zu: %s", ts + 1,
		    why);
		goto done;
	}
	/* Every log entry must verify; each gives a time the certificate must have been valid
	 * at. */
	why = json_array_size(entries) ? NULL : "the bundle has no transparency log entry";
	for (size_t i = 0; why == NULL && i < json_array_size(entries); i++)
		why = check_entry(tr, json_array_get(entries, i), b, leaf, nts ? &stamped : NULL,
		    &t);
	if (why == NULL)
		why = check_chain(ctx, tr, leaf, t, &issued_by);
	/* Fulcio logged the certificate: at least one of its SCTs verifies with a CT log of the
	 * trusted root (the threshold of the Sigstore clients). */
	if (why == NULL && (why = mv_sct_check(leaf, issued_by, tr->ctlog, tr->nctlog, &nsct)) ==
	    NULL && nsct == 0)
		why = "no signed certificate timestamp of the certificate verifies with a "
		    "certificate transparency log of the trusted root";
	if (why) {
		st = mv_report_diff(rep, MV_DIFF_UNTRUSTED, "", "%s", why);
		goto done;
	}
	key = X509_get0_pubkey(leaf);
	if (key == NULL || mv_key_digest(ctx, key, &mdname) != MV_OK ||
	    mv_pae(&pae, b->payload_type, b->payload, b->payload_len) != MV_OK ||
	    !mv_key_verify(key, mdname, pae.p, pae.len, b->sig, b->sig_len)) {
		st = mv_report_diff(rep, MV_DIFF_BAD_SIGNATURE, "", "the envelope's signature does "
		    "not verify with the signing certificate's key");
		goto done;
	}
	/* Who signed: exactly the identity and issuer asked for. */
	if (identity == NULL || who == NULL || strcmp(who, identity) != 0)
		st = mv_report_diff(rep, MV_DIFF_WRONG_KEY, "", "signed by %s, not %s",
		    who ? who : "an unnamed identity", identity ? identity : "(no identity given)");
	else if (issuer == NULL || iss == NULL || strcmp(iss, issuer) != 0)
		st = mv_report_diff(rep, MV_DIFF_WRONG_KEY, "", "identity issued by %s, not %s",
		    iss ? iss : "an unnamed issuer", issuer ? issuer : "(no issuer given)");
done:
	mv_buf_free(&pae);
	X509_free(leaf);
	free(who);
	free(iss);
	return st;
}
