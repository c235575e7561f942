/* SPDX-License-Identifier: Apache-2.0 */
/* bundle.c: the Sigstore bundle v0.3 JSON around a DSSE envelope, written as model_signing
 * 1.1 writes it and read as tolerantly as the format's other writers need. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/ctx.h"
#include "core/jsonutil.h"
#include "core/str.h"
#include "sign/sign.h"

void *
mv_json_b64(const void *p, size_t n)
{
	char *s = mv_b64_encode(p, n);
	json_t *j;

	if (s == NULL)
		return NULL;
	j = json_string(s);
	free(s);
	return j;
}

int
mv_json_put(void *obj, const char *key, void *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0;
}

/* The envelope and the outer object around verification material vm (taken). keyid: the
 * signature's keyid as the writer being matched puts it, or NULL for none. */
static mv_status
finish(struct mv_ctx *ctx, json_t *vm, const char *keyid, const unsigned char *payload,
    size_t payload_len, const unsigned char *sig, size_t sig_len, struct mv_buf *out)
{
	json_t *root = json_object(), *env = json_object(), *sigs = json_array();
	json_t *s0 = json_object();
	char *text = NULL;
	int ok = vm && root && env && sigs && s0;
	mv_status st;

	ok = ok && mv_json_put(s0, "sig", mv_json_b64(sig, sig_len));
	ok = ok && (keyid == NULL || mv_json_put(s0, "keyid", json_string(keyid)));
	ok = ok && json_array_append(sigs, s0) == 0;
	ok = ok && mv_json_put(env, "payload", mv_json_b64(payload, payload_len));
	ok = ok && mv_json_put(env, "payloadType", json_string(MV_OMS_PAYLOAD_TYPE));
	ok = ok && mv_json_put(env, "signatures", json_incref(sigs));
	ok = ok && mv_json_put(root, "mediaType", json_string(MV_OMS_MEDIA_V03));
	ok = ok && mv_json_put(root, "verificationMaterial", json_incref(vm));
	ok = ok && mv_json_put(root, "dsseEnvelope", json_incref(env));
	if (ok)
		text = json_dumps(root, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(root);
	json_decref(vm);
	json_decref(env);
	json_decref(sigs);
	json_decref(s0);
	if (text == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory building the bundle");
	st = mv_buf_add(out, text, strlen(text));
	free(text);
	return st == MV_OK ? MV_OK : mv_ctx_fail(ctx, st, "bundle too large");
}

mv_status
mv_bundle_write(struct mv_ctx *ctx, const char *key_hint, const unsigned char *const *cert,
    const size_t *cert_len, size_t ncert, const unsigned char *payload, size_t payload_len,
    const unsigned char *sig, size_t sig_len, struct mv_buf *out)
{
	json_t *vm = json_object();
	int ok = vm != NULL;

	if (ok && ncert == 0) {
		json_t *pk = json_object();

		ok = pk && mv_json_put(pk, "hint", json_string(key_hint)) &&
		    mv_json_put(vm, "publicKey", json_incref(pk));
		json_decref(pk);
	} else if (ok) {
		json_t *chain = json_object(), *certs = json_array();

		ok = chain && certs;
		for (size_t i = 0; ok && i < ncert; i++) {
			json_t *c = json_object();

			ok = c && mv_json_put(c, "rawBytes", mv_json_b64(cert[i], cert_len[i])) &&
			    json_array_append(certs, c) == 0;
			json_decref(c);
		}
		ok = ok && mv_json_put(chain, "certificates", json_incref(certs)) &&
		    mv_json_put(vm, "x509CertificateChain", json_incref(chain));
		json_decref(chain);
		json_decref(certs);
	}
	/* An empty log list and keyid "" as model_signing 1.1 writes them: its reader and the
	 * npm Sigstore libraries both accept this shape. */
	ok = ok && mv_json_put(vm, "tlogEntries", json_array());
	if (!ok) {
		json_decref(vm);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory building the bundle");
	}
	return finish(ctx, vm, "", payload, payload_len, sig, sig_len, out);
}

mv_status
mv_bundle_write_keyless(struct mv_ctx *ctx, const unsigned char *cert, size_t cert_len,
    void *tlogs, void *timestamps, const unsigned char *payload, size_t payload_len,
    const unsigned char *sig, size_t sig_len, struct mv_buf *out)
{
	json_t *vm = json_object(), *c = json_object();
	int ok = vm && c;

	/* model_signing's keyless layout: the leaf alone as "certificate", the log entries, the
	 * timestamps (an empty object without them), and no keyid on the signature. */
	ok = ok && mv_json_put(c, "rawBytes", mv_json_b64(cert, cert_len));
	ok = ok && mv_json_put(vm, "certificate", json_incref(c));
	ok = ok && mv_json_put(vm, "tlogEntries", json_incref((json_t *)tlogs));
	ok = ok && mv_json_put(vm, "timestampVerificationData", timestamps ?
	    json_pack("{s:O}", "rfc3161Timestamps", (json_t *)timestamps) : json_object());
	json_decref(c);
	if (!ok) {
		json_decref(vm);
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory building the bundle");
	}
	return finish(ctx, vm, NULL, payload, payload_len, sig, sig_len, out);
}

/* ---- reading ---- */

static mv_status
bytes_field(struct mv_ctx *ctx, json_t *obj, const char *key, const char *what,
    unsigned char **out, size_t *len)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_string(v))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: no %s", what, key);
	if (mv_b64_decode(json_string_value(v), json_string_length(v), out, len) != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "%s: %s is not base64", what, key);
	return MV_OK;
}

/* A certificate's DER from its base64 rawBytes: refused unread past MV_BUNDLE_MAX_CERT. */
static mv_status
cert_field(struct mv_ctx *ctx, json_t *obj, const char *what, unsigned char **out,
    size_t *len)
{
	json_t *v = json_object_get(obj, "rawBytes");

	if (json_is_string(v) && json_string_length(v) / 4 * 3 > MV_BUNDLE_MAX_CERT)
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "%s: larger than %u bytes", what,
		    MV_BUNDLE_MAX_CERT);
	return bytes_field(ctx, obj, "rawBytes", what, out, len);
}

/* Media types of Sigstore bundles: the v0.3 form, and the older parameterised one. */
static int
media_ok(const char *mt)
{
	static const char *const ok[] = {
		MV_OMS_MEDIA_V03,
		"application/vnd.dev.sigstore.bundle+json;version=0.3",
		"application/vnd.dev.sigstore.bundle+json;version=0.2",
		"application/vnd.dev.sigstore.bundle+json;version=0.1",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (strcmp(mt, ok[i]) == 0)
			return 1;
	return 0;
}

static mv_status
read_material(struct mv_ctx *ctx, json_t *vm, struct mv_bundle *b)
{
	json_t *pk = json_object_get(vm, "publicKey");
	json_t *chain = json_object_get(vm, "x509CertificateChain");
	json_t *cert = json_object_get(vm, "certificate");
	json_t *tlog = json_object_get(vm, "tlogEntries");
	int kinds = (pk != NULL) + (chain != NULL) + (cert != NULL);
	mv_status st;

	if (kinds != 1)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "verificationMaterial must hold exactly one "
		    "of publicKey, x509CertificateChain, certificate (found %d)", kinds);
	if (tlog != NULL && !json_is_array(tlog))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "tlogEntries is not a list");
	b->has_tlog = tlog != NULL;
	b->ntlog = json_array_size(tlog);
	if (pk) {
		json_t *hint = json_object_get(pk, "hint"), *det = json_object_get(pk, "keyDetails");

		if (!json_is_object(pk))
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "publicKey is not an object");
		b->method = MV_SIG_KEY;
		if (json_is_string(hint) && json_string_length(hint) > 0 &&
		    (b->key_hint = mv_strdup(json_string_value(hint))) == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		if (json_is_string(det) && (b->key_details = mv_strdup(json_string_value(det))) ==
		    NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		if (json_object_get(pk, "rawBytes") != NULL &&
		    (st = bytes_field(ctx, pk, "rawBytes", "publicKey", &b->key_raw,
		    &b->key_raw_len)) != MV_OK)
			return st;
		return MV_OK;
	}
	if (chain) {
		json_t *certs = json_object_get(chain, "certificates");

		b->method = MV_SIG_CERTIFICATE;
		if (!json_is_array(certs) || json_array_size(certs) == 0)
			return mv_ctx_fail(ctx, MV_ERR_FORMAT, "x509CertificateChain has no "
			    "certificates");
		b->ncert = json_array_size(certs);
		b->cert = calloc(b->ncert, sizeof(*b->cert));
		b->cert_len = calloc(b->ncert, sizeof(*b->cert_len));
		if (b->cert == NULL || b->cert_len == NULL)
			return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
		for (size_t i = 0; i < b->ncert; i++) {
			char what[64];

			snprintf(what, sizeof(what), "certificate %zu", i);
			if ((st = cert_field(ctx, json_array_get(certs, i), what, &b->cert[i],
			    &b->cert_len[i])) != MV_OK)
				return st;
		}
		return MV_OK;
	}
	b->method = MV_SIG_SIGSTORE;
	b->ncert = 1;
	b->cert = calloc(1, sizeof(*b->cert));
	b->cert_len = calloc(1, sizeof(*b->cert_len));
	if (b->cert == NULL || b->cert_len == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if ((st = cert_field(ctx, cert, "certificate", &b->cert[0], &b->cert_len[0])) != MV_OK)
		return st;
	/* A keyless signature is trusted only through its transparency log entry. */
	if (b->ntlog == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "a Sigstore keyless bundle without a "
		    "transparency log entry (tlogEntries)");
	return MV_OK;
}

/* bare: a DSSE envelope of its own, which may carry any number of signatures (a bundle's
 * carries one). */
static mv_status
read_envelope(struct mv_ctx *ctx, json_t *env, struct mv_bundle *b, int bare)
{
	json_t *pt = json_object_get(env, "payloadType"), *sigs = json_object_get(env,
	    "signatures");
	json_t *s0;
	mv_status st;

	if (!json_is_object(env))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "dsseEnvelope is not an object");
	if (!json_is_string(pt))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the envelope has no payloadType");
	if ((b->payload_type = mv_strdup(json_string_value(pt))) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (strcmp(b->payload_type, MV_OMS_PAYLOAD_TYPE) != 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "payloadType is '%s', not %s",
		    b->payload_type, MV_OMS_PAYLOAD_TYPE);
	if ((st = bytes_field(ctx, env, "payload", "dsseEnvelope", &b->payload,
	    &b->payload_len)) != MV_OK)
		return st;
	if (b->payload_len == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the envelope's payload is empty");
	if (bare && json_is_array(sigs) && json_array_size(sigs) == 0)
		return MV_OK;
	/* A bundle's envelope carries exactly one signature; keyid is never used. */
	if (!json_is_array(sigs) || (!bare && json_array_size(sigs) != 1))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the envelope must hold exactly one "
		    "signature (found %zu)", json_is_array(sigs) ? json_array_size(sigs) : 0);
	s0 = json_array_get(sigs, 0);
	if (!json_is_object(s0))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the envelope's signature is not an object");
	if ((st = bytes_field(ctx, s0, "sig", "the envelope's signature", &b->sig,
	    &b->sig_len)) != MV_OK)
		return st;
	if (b->sig_len == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the envelope's signature is empty");
	return MV_OK;
}

mv_status
mv_bundle_read(struct mv_ctx *ctx, const unsigned char *p, size_t n, struct mv_bundle *b)
{
	json_error_t err;
	json_t *doc, *vm, *env;
	const char *mt;
	mv_status st;

	memset(b, 0, sizeof(*b));
	if (n == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the signature file is empty");
	/* A bundle is a few dozen values (its payload is one string): more is no signature,
	 * and parsing it would cost memory the input decides. */
	if (mv_json_values(p, n, MV_BUNDLE_MAX_VALUES) > MV_BUNDLE_MAX_VALUES)
		return mv_ctx_fail(ctx, MV_ERR_LIMIT, "not a Sigstore bundle: more than %u JSON "
		    "values", MV_BUNDLE_MAX_VALUES);
	doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "not a Sigstore bundle: %s (line %d)",
		    err.text, err.line);
	b->json = doc;
	if (!json_is_object(doc))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "not a Sigstore bundle: not a JSON object");
	mt = json_string_value(json_object_get(doc, "mediaType"));
	if (mt == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the bundle has no mediaType");
	if ((b->media_type = mv_strdup(mt)) == NULL)
		return mv_ctx_fail(ctx, MV_ERR_NOMEM, "out of memory");
	if (!media_ok(mt))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "bundle mediaType '%s' is not a Sigstore "
		    "bundle", mt);
	vm = json_object_get(doc, "verificationMaterial");
	if (!json_is_object(vm))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the bundle has no verificationMaterial");
	if ((st = read_material(ctx, vm, b)) != MV_OK)
		return st;
	env = json_object_get(doc, "dsseEnvelope");
	if (env == NULL) {
		if (json_object_get(doc, "messageSignature"))
			return mv_ctx_fail(ctx, MV_ERR_UNSUPPORTED, "the bundle signs a message "
			    "digest, not a DSSE envelope: not a model signature");
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "the bundle has no dsseEnvelope");
	}
	return read_envelope(ctx, env, b, 0);
}

mv_status
mv_envelope_read(struct mv_ctx *ctx, const unsigned char *p, size_t n, struct mv_bundle *b,
    size_t *nsig)
{
	json_error_t err;
	json_t *doc;

	memset(b, 0, sizeof(*b));
	*nsig = 0;
	doc = json_loadb((const char *)p, n, JSON_REJECT_DUPLICATES, &err);
	if (doc == NULL)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "not a DSSE envelope: %s (line %d)",
		    err.text, err.line);
	b->json = doc;
	if (!json_is_object(doc))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "not a DSSE envelope: not a JSON object");
	*nsig = json_array_size(json_object_get(doc, "signatures"));
	return read_envelope(ctx, doc, b, 1);
}

mv_status
mv_envelope_sig(struct mv_ctx *ctx, const struct mv_bundle *b, size_t i, unsigned char **sig,
    size_t *len)
{
	json_t *s = json_array_get(json_object_get((json_t *)b->json, "signatures"), i);
	mv_status st;

	*sig = NULL;
	if (!json_is_object(s))
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "signature %zu is not an object", i);
	if ((st = bytes_field(ctx, s, "sig", "the envelope's signature", sig, len)) != MV_OK)
		return st;
	if (*len == 0)
		return mv_ctx_fail(ctx, MV_ERR_FORMAT, "signature %zu is empty", i);
	return MV_OK;
}

void
mv_bundle_free(struct mv_bundle *b)
{
	free(b->media_type);
	free(b->key_hint);
	free(b->key_raw);
	free(b->key_details);
	for (size_t i = 0; b->cert && i < b->ncert; i++)
		free(b->cert[i]);
	free(b->cert);
	free(b->cert_len);
	free(b->payload_type);
	free(b->payload);
	free(b->sig);
	json_decref((json_t *)b->json);
	memset(b, 0, sizeof(*b));
}
