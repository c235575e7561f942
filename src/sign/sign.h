/* SPDX-License-Identifier: Apache-2.0 */
/* sign.h: the pieces of OpenSSF Model Signing (OMS) that the files of src/sign share. Not
 * installed. */
#ifndef MV_SIGN_SIGN_H
#define MV_SIGN_SIGN_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mavis.h"
#include "core/buf.h"
#include "core/codec.h"
#include "core/file.h"

/* The exact strings of the format (oms.md 1.2 to 1.4). */
#define MV_OMS_MEDIA_V03 "application/vnd.dev.sigstore.bundle.v0.3+json"
#define MV_OMS_PAYLOAD_TYPE "application/vnd.in-toto+json"
#define MV_OMS_STATEMENT_V1 "https://in-toto.io/Statement/v1"
#define MV_OMS_PREDICATE_V10 "https://model_signing/signature/v1.0"
#define MV_OMS_PREDICATE_V01 "https://model_signing/Digests/v0.1"

/* Bytes of a signature file read into memory: a manifest of 1 MB shards of a 100 GB model is
 * about 60 MB of JSON; nothing real comes near this. */
#define MV_SIG_MAX_BYTES (256u << 20)
/* Bytes of a signature a scan reads when it has no trust material to verify it with, only
 * to name its method: a real bundle of a model of some thousand files is well under it. */
#define MV_SIG_PEEK_BYTES (8u << 20)
/* JSON values in one bundle: a real one has some dozens (certificates, log entries, one
 * signature); the statement it signs is a string among them. */
#define MV_BUNDLE_MAX_VALUES 4096u
/* Bytes of one certificate in a bundle: real ones are one or two kilobytes. */
#define MV_BUNDLE_MAX_CERT (64u << 10)

/* ---- pae.c ---- */

/* DSSE pre-authentication encoding: "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body. */
mv_status mv_pae(struct mv_buf *out, const char *type, const unsigned char *body, size_t n);
/* The form model_signing 0.2 signed: "DSSEV1 ..." with the body as Python's bytes repr. */
mv_status mv_pae_compat(struct mv_buf *out, const char *type, const unsigned char *body,
    size_t n);

/* ---- manifest.c ---- */

/* One signed resource: a whole file, or the byte range [start, end) of one (a shard). */
struct mv_resource {
	char *name;              /* canonical: "path" or "path:start:end" */
	char *path;              /* the file part */
	int shard;
	uint64_t start, end;
	unsigned alg;            /* enum mv_hash bit */
	unsigned len;
	unsigned char digest[MV_DIGEST_MAX];
};

struct mv_manifest {
	int shards;              /* method "shards" (else "files") */
	unsigned alg;            /* hash_type */
	uint64_t shard_size;
	int allow_symlinks;
	char **ignore;           /* ignore_paths, model-relative */
	size_t nignore, ignorecap;
	struct mv_resource *r;
	size_t n, cap;
	char *model_name;        /* the statement's subject name */
	int has_root;
	unsigned char root[32];  /* subject digest as signed (v1.0) */
};

void mv_manifest_init(struct mv_manifest *m);
void mv_manifest_free(struct mv_manifest *m);
/* Append a resource (copies path); shard ranges only when m->shards. */
mv_status mv_manifest_add(struct mv_manifest *m, const char *path, uint64_t start,
    uint64_t end, unsigned alg, const unsigned char *digest, unsigned len);
mv_status mv_manifest_add_ignore(struct mv_manifest *m, const char *path);
/* Sort resources and ignore paths by bytes of their names (what mavis writes). */
void mv_manifest_sort(struct mv_manifest *m);
/* SHA-256 over the raw digests in the order listed (the subject digest). */
mv_status mv_manifest_root(const struct mv_manifest *m, unsigned char out[32]);
/* Split "path:start:end" (the last two colon-separated fields); 0 on success. */
int mv_shard_name_parse(const char *name, size_t *pathlen, uint64_t *start, uint64_t *end);
/* Names a manifest may hold: relative, no "..", ".", empty components or backslashes (except
 * the single name "." of a one-file model). */
int mv_resource_path_ok(const char *path);
/* Is name (model-relative) one of the ignore paths or below one? */
int mv_ignored(char *const *ignore, size_t n, const char *name);

/* Default ignore paths of the reference tool, at the model root only. */
extern const char *const mv_git_ignores[];

enum mv_model_kind {
	MV_MODEL_DIR = 0,        /* a folder: names relative to it */
	MV_MODEL_FILE,           /* one file: its single resource is named "." */
	MV_MODEL_ARCHIVE         /* an archive whose members are the model files */
};

/* What belongs to a model's manifest, and how entries of a run are named. */
struct mv_scope {
	enum mv_model_kind kind;
	char **ignore;           /* model-relative */
	size_t nignore;
	int allow_symlinks;
	int strip;               /* archives: strip a single top folder when there is one (-1),
	                          * or never (0) */
	const char *single_name; /* name of a one-file model's resource ("." or the base name) */
	const char *root_real;   /* canonical folder of a folder model (symlink checks) */
	const char *sig_member;  /* archives: the signature's member (as mv_member_name gives
	                          * it, before any top folder is stripped), or NULL */
	const struct mv_manifest *only; /* ignore-unsigned-files: names outside it are skipped */
};

/* A local entry that cannot go into a manifest. */
struct mv_scope_issue {
	enum mv_sig_diff_kind kind;   /* MV_DIFF_REFUSED or MV_DIFF_UNREADABLE */
	char *name;
	char *detail;
};
struct mv_scope_issues {
	struct mv_scope_issue *v;
	size_t n, cap;
};
mv_status mv_scope_issue_add(struct mv_scope_issues *is, enum mv_sig_diff_kind kind,
    const char *name, const char *fmt, ...) MV_PRINTF(4, 5);
void mv_scope_issues_free(struct mv_scope_issues *is);

/* Build the manifest of input i of a run: entries named per sc, ignore rules applied, shards
 * or whole-file digests of m->alg taken from the entries (m->shards, m->alg, m->shard_size set
 * by the caller). Entries that cannot be used go to issues. Returns MV_ERR_UNSUPPORTED when
 * the run lacks digests of the kind needed (the caller hashes again). */
mv_status mv_manifest_from_run(struct mv_ctx *ctx, const struct mv_result *res, size_t input,
    const struct mv_scope *sc, struct mv_manifest *m, struct mv_scope_issues *issues);
/* An archive member's name with "." and empty components dropped; NULL with *bad set when
 * it is absolute or climbs out with "..". */
char *mv_member_name(const char *rel, int *bad);
/* The top folder every member of archive input i shares, if strip would remove one (for the
 * subject name); NULL otherwise. Returns a new string. */
char *mv_archive_top(const struct mv_result *res, size_t input);

/* ---- model.c ---- */

/* How the signing stage reaches the walk, which sits above it in the pipeline (run/sign.c
 * gives it): a run of its own over one model path, and hf:// names resolved offline. */
struct mv_walker {
	/* A run of rc (a context of the stage's own: limits, flags, digests) over path. */
	mv_status (*run)(struct mv_ctx *rc, const char *path, struct mv_result **out);
	/* *path: the snapshot folder of the hf:// name (a new string), or NULL when name is
	 * not one; on failure the context says why. */
	mv_status (*resolve)(struct mv_ctx *ctx, const char *name, char **path);
};

struct mv_model {
	const struct mv_walker *walker;
	char *path;              /* as given */
	enum mv_model_kind kind;
	char *root_real;         /* canonical path of a folder model */
	char *name;              /* base name (of the resolved folder for "." and "..") */
	char *stem;              /* a file's name without archive suffixes */
	char *top;               /* archives: the single top folder names were taken below */
};

/* Look at a model path: a folder, or a regular file (kind MV_MODEL_FILE until the caller
 * decides it is an archive of files); md hashes it through w. */
mv_status mv_model_open(struct mv_ctx *ctx, const struct mv_walker *w, const char *path,
    struct mv_model *md);
void mv_model_close(struct mv_model *md);
/* The model-relative name of file when it lies inside a folder model, else NULL. */
mv_status mv_model_rel(struct mv_ctx *ctx, const struct mv_model *md, const char *file,
    char **rel);
/* The manifest of input i of res per the scope. Problems that stop signing (a walk cut short
 * by a limit, an archive that cannot be listed) go to issues with the name "". */
mv_status mv_model_build(struct mv_ctx *ctx, struct mv_model *md, const struct mv_scope *sc,
    const struct mv_result *res, size_t input, struct mv_manifest *m,
    struct mv_scope_issues *issues);
/* Hash the model into m (m->shards, alg, shard_size set): from reuse (input i) when that run
 * fits, else from a run of its own returned in *own (free it). */
mv_status mv_model_hash(struct mv_ctx *ctx, struct mv_model *md, const struct mv_scope *sc,
    const struct mv_result *reuse, size_t input, struct mv_manifest *m,
    struct mv_scope_issues *issues, struct mv_result **own);
/* The public calls of mavis.h that hash a model (mv_sign, mv_sign_digest, mv_verify,
 * mv_verify_result, mv_signature_check), with the walk they hash it through. */
mv_status mv_sign_model(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_sign_opts *opts, const char *model, size_t *nresources);
mv_status mv_sign_model_digest(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_sign_opts *opts, const char *model, unsigned char root[32],
    size_t *nresources);
mv_status mv_verify_model(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_verify_opts *o, const char *model, struct mv_verify_report **out);
mv_status mv_verify_model_result(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_verify_opts *o, const struct mv_result *res, size_t input,
    struct mv_verify_report **out);
mv_status mv_signature_model_check(struct mv_ctx *ctx, const struct mv_walker *w,
    const struct mv_verify_opts *o, struct mv_result *res, size_t input,
    struct mv_verify_report **out);
/* Fill sc's ignore list: the git defaults (when git) and, in a folder hf download --local-dir
 * wrote, its .cache/huggingface records; extra (already model-relative and checked, e.g.
 * signed ignore_paths), the user's paths (checked here), the signature's own name. */
mv_status mv_scope_ignores(struct mv_ctx *ctx, struct mv_scope *sc,
    const struct mv_model *md, int git, char *const *extra, size_t nextra,
    const char *const *user, size_t nuser, const char *sigrel);
void mv_scope_free(struct mv_scope *sc);

/* ---- statement.c ---- */

enum mv_oms_version {
	MV_OMS_V01 = 1,          /* Digests/v0.1 predicate (model_signing 0.2) */
	MV_OMS_V10               /* signature/v1.0 predicate */
};

/* The in-toto Statement v1 of a manifest, as payload bytes (2-space indented JSON, ASCII). */
mv_status mv_statement_write(struct mv_ctx *ctx, const struct mv_manifest *m,
    struct mv_buf *out);
/* Parse a payload into m. On failure the context holds the reason and the status says which:
 * MV_ERR_FORMAT malformed, MV_ERR_UNSUPPORTED a statement mavis does not check, MV_ERR_VERIFY
 * inconsistent (root digest, duplicate names). */
mv_status mv_statement_read(struct mv_ctx *ctx, const unsigned char *p, size_t n,
    struct mv_manifest *m, enum mv_oms_version *version);

/* One subject of any in-toto Statement: a name and its digest set (algorithm to hex). */
struct mv_subject {
	char *name;              /* "" when the subject has none */
	char **alg, **hex;
	size_t ndigest;
};
/* Any in-toto Statement (v1 or v0.1), whatever its predicate. */
struct mv_intoto {
	char *predicate_type;
	struct mv_subject *subject;
	size_t nsubject;
	void *predicate;         /* json_t, or NULL */
};
/* Parse a payload; MV_ERR_FORMAT with the reason on the context. Subjects without a digest
 * or a name that is not a string are malformed. */
mv_status mv_intoto_read(struct mv_ctx *ctx, const unsigned char *p, size_t n,
    struct mv_intoto *s);
void mv_intoto_free(struct mv_intoto *s);

/* The in-toto Statement mavis sign --attest signs: the predicate of the caller's JSON p (from
 * file: {"predicateType": URI, "predicate": {...}}) over m's subject (name, root digest). */
mv_status mv_statement_attest(struct mv_ctx *ctx, const struct mv_manifest *m,
    const char *file, const unsigned char *p, size_t n, struct mv_buf *out);

/* ---- provenance.c ---- */

/* The predicate type and, for SLSA provenance v1 and v0.2, the builder, build type, source
 * and resolved dependencies of a statement, into p (strings of its own). */
mv_status mv_provenance_read(const struct mv_intoto *s, struct mv_provenance *p);

/* ---- bundle.c ---- */

struct mv_bundle {
	char *media_type;
	enum mv_sig_method method;
	char *key_hint;                  /* publicKey.hint, or NULL */
	unsigned char *key_raw;          /* publicKey.rawBytes (legacy: the PEM text) */
	size_t key_raw_len;
	char *key_details;
	unsigned char **cert;            /* DER certificates: leaf first */
	size_t *cert_len;
	size_t ncert;
	size_t ntlog;                    /* tlogEntries */
	int has_tlog;
	char *payload_type;
	unsigned char *payload;
	size_t payload_len;
	unsigned char *sig;
	size_t sig_len;
	void *json;                      /* the parsed document (json_t), for keyless checks */
};

/* Serialize: key method when ncert == 0 (hint given), else certificate chain. */
mv_status mv_bundle_write(struct mv_ctx *ctx, const char *key_hint,
    const unsigned char *const *cert, const size_t *cert_len, size_t ncert,
    const unsigned char *payload, size_t payload_len, const unsigned char *sig, size_t sig_len,
    struct mv_buf *out);
/* Serialize a keyless bundle as model_signing writes one: the Fulcio certificate, the Rekor
 * entries tlogs (a JSON array of TransparencyLogEntry objects; the bundle takes a
 * reference), the RFC 3161 timestamps (a JSON array of RFC3161SignedTimestamp objects, or
 * NULL for none). */
mv_status mv_bundle_write_keyless(struct mv_ctx *ctx, const unsigned char *cert,
    size_t cert_len, void *tlogs, void *timestamps, const unsigned char *payload,
    size_t payload_len, const unsigned char *sig, size_t sig_len, struct mv_buf *out);
/* A JSON string (json_t) of the base64 of p; NULL when out of memory. */
void *mv_json_b64(const void *p, size_t n);
/* Set obj[key] = v, taking v; 0 when v is NULL or it cannot be set (then v is freed). */
int mv_json_put(void *obj, const char *key, void *v);
/* Parse tolerantly (oms.md 1.10); MV_ERR_FORMAT with the reason on the context. */
mv_status mv_bundle_read(struct mv_ctx *ctx, const unsigned char *p, size_t n,
    struct mv_bundle *b);
/* A bare DSSE envelope (no verification material: method MV_SIG_NONE) into b, with its
 * first signature in b->sig (none: sig NULL) and how many it holds in *nsig. */
mv_status mv_envelope_read(struct mv_ctx *ctx, const unsigned char *p, size_t n,
    struct mv_bundle *b, size_t *nsig);
/* Signature i of a bare envelope read by mv_envelope_read, decoded into a new buffer. */
mv_status mv_envelope_sig(struct mv_ctx *ctx, const struct mv_bundle *b, size_t i,
    unsigned char **sig, size_t *len);
void mv_bundle_free(struct mv_bundle *b);

/* ---- keys.c ---- */

struct evp_pkey_st;

/* Load a PEM private key; passphrase may be NULL. */
mv_status mv_key_load_private(struct mv_ctx *ctx, const char *path, const char *pass,
    size_t passlen, struct evp_pkey_st **out);
/* Load a PEM public key (SubjectPublicKeyInfo). */
mv_status mv_key_load_public(struct mv_ctx *ctx, const char *path, struct evp_pkey_st **out);
mv_status mv_key_from_pem(struct mv_ctx *ctx, const unsigned char *pem, size_t n,
    struct evp_pkey_st **out);
/* OpenSSL digest name for signing with this key ("SHA2-256", ...; NULL for Ed25519), or
 * MV_ERR_UNSUPPORTED for keys OMS does not use. */
mv_status mv_key_digest(struct mv_ctx *ctx, struct evp_pkey_st *k, const char **mdname);
/* "ECDSA P-256", "Ed25519", ... */
const char *mv_key_type_name(struct evp_pkey_st *k);
/* The OMS key hint: lowercase hex SHA-256 of the PEM SubjectPublicKeyInfo (65 bytes). */
mv_status mv_key_hint(struct evp_pkey_st *k, char out[65]);
mv_status mv_key_sign(struct mv_ctx *ctx, struct evp_pkey_st *k, const char *mdname,
    const unsigned char *msg, size_t n, unsigned char **sig, size_t *siglen);
/* 1 valid, 0 not. */
int mv_key_verify(struct evp_pkey_st *k, const char *mdname, const unsigned char *msg,
    size_t n, const unsigned char *sig, size_t siglen);
void mv_key_free(struct evp_pkey_st *k);

/* Write a new file with O_EXCL (never over an existing one) and the given mode. */
mv_status mv_file_write_new(struct mv_ctx *ctx, const char *path, const void *p, size_t n,
    unsigned mode);
/* The SubjectPublicKeyInfo PEM of k; new string (NUL-terminated, *len without it). */
mv_status mv_key_pub_pem(struct mv_ctx *ctx, struct evp_pkey_st *k, char **pem, size_t *len);

/* ---- p11uri.c ---- */

/* A PKCS#11 URI (RFC 7512), every value percent-decoded; NULL when absent. */
struct mv_p11_uri {
	char *token, *manufacturer, *serial, *model;
	char *object, *type;
	char *lib_manufacturer, *lib_description, *lib_version;
	char *slot_description, *slot_manufacturer, *slot_id;
	char *id;                /* binary: id_len bytes */
	size_t id_len;
	char *pin_value, *pin_source, *module_name, *module_path;
};

/* Parse; MV_ERR_USAGE with the reason on the context. */
mv_status mv_p11_uri_parse(struct mv_ctx *ctx, const char *s, struct mv_p11_uri *u);
void mv_p11_uri_free(struct mv_p11_uri *u);

/* ---- pkcs11.c ---- */

struct mv_p11;
struct x509_st;

/* Load the module, find the one token and the one private key uri names, log in, and read
 * the key's public half (from its public key object, else its certificate) and the
 * certificate with the same CKA_ID when the token holds one (*cert, or NULL). */
mv_status mv_p11_open(struct mv_ctx *ctx, const char *uri, const struct mv_pkcs11_opts *o,
    struct mv_p11 **out, struct evp_pkey_st **pub, struct x509_st **cert);
/* Sign msg with the token's key: ECDSA over mavis's digest of msg (mdname) with the token's
 * r||s re-encoded as DER, or EdDSA over msg itself (mdname NULL). */
mv_status mv_p11_sign(struct mv_ctx *ctx, struct mv_p11 *p, const char *mdname,
    const unsigned char *msg, size_t n, unsigned char **sig, size_t *siglen);
void mv_p11_close(struct mv_p11 *p);

/* ---- signer.c ---- */

/* What signs a statement: a key file, or a key on a token. */
struct mv_signer {
	struct evp_pkey_st *key;  /* the private key of a key file; a token key's public half */
	const char *mdname;       /* ECDSA's hash; NULL for Ed25519 */
	struct mv_p11 *p11;       /* the token, or NULL */
	struct x509_st *cert;     /* the token's certificate for the key, or NULL */
};

mv_status mv_signer_open(struct mv_ctx *ctx, const struct mv_sign_opts *o,
    struct mv_signer *s);
/* Sign, then check the signature with the public key before it leaves. */
mv_status mv_signer_sign(struct mv_ctx *ctx, const struct mv_signer *s,
    const unsigned char *msg, size_t n, unsigned char **sig, size_t *siglen);
void mv_signer_close(struct mv_signer *s);

/* ---- x509.c ---- */

struct x509_st;
struct stack_st_X509;

/* Every certificate of the PEM files (text around the blocks is skipped). */
mv_status mv_x509_load_pem(struct mv_ctx *ctx, const char *const *files, size_t nfiles,
    struct stack_st_X509 **out);
/* DER encodings of certs (for the bundle); free with mv_x509_der_free. */
mv_status mv_x509_der(struct mv_ctx *ctx, struct stack_st_X509 *certs, unsigned char ***der,
    size_t **len);
void mv_x509_der_free(unsigned char **der, size_t *len, size_t n);
/* Parse the bundle's DER chain (leaf first). */
mv_status mv_x509_parse_chain(struct mv_ctx *ctx, unsigned char *const *der,
    const size_t *len, size_t n, struct stack_st_X509 **out);
/* Which verifier's rules a signing certificate's usage must meet: model_signing's for the
 * certificate method (digitalSignature or codeSigning), sigstore-python's for Fulcio
 * certificates of keyless signatures (both). */
enum mv_x509_usage {
	MV_X509_USAGE_OMS = 0,
	MV_X509_USAGE_FULCIO
};
/* Whether leaf may sign models under those rules; MV_ERR_VERIFY with the reason. Signing
 * checks it too, so that no signature is made that could never verify. */
mv_status mv_x509_check_usage(struct mv_ctx *ctx, struct x509_st *leaf,
    enum mv_x509_usage usage);
/* Path validation of chain[0] against roots, with chain[1..] as untrusted intermediates, at
 * the time asked for; then the leaf's usage (MV_X509_USAGE_OMS). MV_ERR_VERIFY with the
 * reason on the context. */
mv_status mv_x509_verify(struct mv_ctx *ctx, struct stack_st_X509 *chain,
    struct stack_st_X509 *roots, enum mv_cert_time when);
/* The same at time t, with the usage of a Fulcio certificate (keyless: the log's integrated
 * time). */
mv_status mv_x509_verify_time(struct mv_ctx *ctx, struct stack_st_X509 *chain,
    struct stack_st_X509 *roots, time_t t);
/* What an accepted signing certificate has that a signing leaf should not: MV_VERIFY_NOTE_*
 * bits (no extended key usage; basicConstraints CA:TRUE). */
unsigned mv_x509_leaf_notes(struct x509_st *leaf);
/* "subject ...; issuer ..." of a certificate (RFC 2253 forms); new string. */
char *mv_x509_describe(struct x509_st *cert);
void mv_x509_free_all(struct stack_st_X509 *s);

/* ---- sigstore.c ---- */

struct mv_trusted_root;

/* A transparency log (Rekor) or certificate transparency log of a trusted root. */
struct mv_log_key {
	unsigned char *keyid;
	size_t keyidlen;
	unsigned char *ckeyid;           /* checkpointKeyId (Rekor v2 logs), or NULL */
	size_t ckeyidlen;
	struct evp_pkey_st *key;
	time_t start, end;               /* end 0: open */
};

/* A certificate authority of a trusted root (Fulcio's, or a timestamp authority's): its
 * chain as listed, split into trust anchors and the others, and its validity window. */
struct mv_ca_chain {
	struct stack_st_X509 *roots;     /* the self-signed certificates of the chain */
	struct stack_st_X509 *inter;     /* the others */
	struct x509_st *first;           /* the chain's first certificate (a TSA's signing
	                                  * certificate), held by roots or inter */
	time_t start, end;               /* end 0: open */
};

/* A Sigstore trusted_root.json: transparency log keys and Fulcio CA chains. */
mv_status mv_trusted_root_load(struct mv_ctx *ctx, const char *path,
    struct mv_trusted_root **out);
void mv_trusted_root_free(struct mv_trusted_root *tr);
/* Verify a keyless bundle offline: every RFC 3161 timestamp over the signature (against the
 * trusted root's timestamp authorities, the chain checked at each stamped time), every Rekor
 * entry (v1 dsse 0.0.1: signed entry timestamp; v1 and v2 dsse 0.0.2: inclusion proof, signed
 * checkpoint, body matching the envelope), the Fulcio chain at the time the log vouches for
 * (v1: its integrated time; v2, which has none: the first timestamp's) and at least one SCT
 * of the certificate from a CT log of the trusted root, the DSSE signature, and the
 * identity and issuer in the certificate. Problems become
 * differences in rep; the signer is set to the certificate's identity. */
mv_status mv_sigstore_verify(struct mv_ctx *ctx, const struct mv_trusted_root *tr,
    const struct mv_bundle *b, const char *identity, const char *issuer,
    struct mv_verify_report *rep);
/* RFC 3339 as Sigstore's JSON writes it ("2021-01-12T11:53:27Z", fractions ignored); 0 or
 * -1. */
int mv_rfc3339_parse(const char *s, time_t *out);
/* Whether a Rekor dsse 0.0.1 body describes the envelope of payload and sig made with the
 * certificate leaf: NULL when it does, else why not. */
const char *mv_rekor_dsse_check(const unsigned char *body, size_t n,
    const unsigned char *payload, size_t payload_len, const unsigned char *sig,
    size_t sig_len, struct x509_st *leaf);

/* ---- sct.c ---- */

/* The SCTs embedded in leaf (RFC 6962 3.3), each checked over the precertificate (leaf's TBS
 * without its SCT list) and issuer's key hash with the key of the log it names among logs, its
 * time within that log's validity; *nvalid counts those that verify. NULL unless leaf carries
 * none or its precertificate cannot be rebuilt (then why). */
const char *mv_sct_check(struct x509_st *leaf, struct x509_st *issuer,
    const struct mv_log_key *logs, size_t nlogs, size_t *nvalid);

/* ---- timestamp.c ---- */

struct TS_resp_st;
struct x509_store_st;

/* Read an RFC 3161 TimeStampResp (DER) that stamps data: its status granted, a token whose
 * TSTInfo is version 1 with a SHA-2 message imprint of data; its genTime into *t. NULL and
 * the reply in *out (free with TS_RESP_free) when so, else why not. */
const char *mv_timestamp_read(const unsigned char *der, size_t n, const unsigned char *data,
    size_t dlen, struct TS_resp_st **out, time_t *t);
/* Whether the token of r is signed by a certificate that chains to store (its own
 * certificates and untrusted help build the path) with the time-stamping purpose, and is
 * want when want is not NULL: NULL when so, else why not. */
const char *mv_timestamp_signed(struct TS_resp_st *r, struct stack_st_X509 *untrusted,
    struct x509_store_st *store, struct x509_st *want);
/* A timestamp of a bundle verified against the timestamp authorities of a trusted root: read
 * as above over the signature sig, made while one of tsa was valid, and signed by that
 * authority's first certificate, chaining to its roots at the stamped time *t. */
const char *mv_timestamp_verify(const struct mv_ca_chain *tsa, size_t ntsa,
    const unsigned char *der, size_t n, const unsigned char *sig, size_t siglen, time_t *t);

/* ---- tsa.c ---- */

/* Ask the timestamp authority at url for a timestamp over sig (SHA-256 imprint, a nonce,
 * its certificate asked for): as an RFC 3161 TimeStampReq (application/timestamp-query),
 * and, when the authority refuses that form (HTTP 400 or 415), in the JSON form of Sigstore's
 * timestamp-authority. The reply must stamp sig with our nonce, be signed by the certificate
 * it carries for time stamping, and fall within leaf's validity. Its DER into *der. */
mv_status mv_tsa_stamp(struct mv_ctx *ctx, const char *url, const unsigned char *sig,
    size_t siglen, struct x509_st *leaf, unsigned char **der, size_t *len);

/* ---- http.c ---- */

/* One request to a Sigstore service or a token endpoint. */
struct mv_http_req {
	const char *what;                /* the service, for messages: "Fulcio", "Rekor" */
	const char *url;
	const char *body;                /* POST when not NULL */
	size_t body_len;
	const char *content_type;        /* of the body */
	const char *accept;              /* a whole "Accept: ..." line, or NULL for JSON */
	const char *bearer;              /* an Authorization bearer token, or NULL */
	long *status;                    /* receives the HTTP status of the last reply (0: none),
	                                  * or NULL */
};

/* Make the request with timeouts, trying again on transient failures; the reply goes to out
 * (capped by out's max, NUL-terminated). A status other than 2xx is MV_ERR_VERIFY ("refused"),
 * no answer MV_ERR_IO ("unreachable"), with a one-line reason on the context. */
mv_status mv_http(struct mv_ctx *ctx, const struct mv_http_req *rq, struct mv_buf *out);
/* POST the JSON document req (a json_t) to base and path; the reply parsed into *reply (a new
 * json_t), at most max bytes. */
mv_status mv_http_json(struct mv_ctx *ctx, const char *what, const char *base,
    const char *path, void *req, size_t max, void **reply);

/* ---- sigconf.c ---- */

/* The services keyless signing talks to. */
struct mv_sigstore_urls {
	char *fulcio;                    /* base URL of a Fulcio v2 API */
	char **rekor;                    /* base URLs of Rekor logs, all of API version
	                                  * rekor_major */
	size_t nrekor;
	size_t rekor_need;               /* how many of them must log the envelope */
	int rekor_major;                 /* 1 or 2 */
	char **tsa;                      /* full URLs of RFC 3161 timestamp authorities (v1) */
	size_t ntsa;
	size_t tsa_need;                 /* how many of them must stamp the signature */
};

/* From a Sigstore signing_config.json (v0.2): the first Fulcio service valid now; the Rekor
 * logs valid now of the highest API version mavis writes (2, else 1), as the Sigstore
 * clients choose, and the timestamp authorities valid now, each with how many the config's
 * rekorTlogConfig and tsaConfig selectors ask for (ANY: one, ALL: each, EXACT: count). Rekor
 * v2 logs give no time, so they need a timestamp authority. path NULL: the public-good
 * instance, or staging's. */
mv_status mv_sigstore_urls_load(struct mv_ctx *ctx, const char *path, int staging,
    struct mv_sigstore_urls *u);
void mv_sigstore_urls_free(struct mv_sigstore_urls *u);

/* ---- oidc.c ---- */

/* An OIDC identity token and the claims keyless signing needs. */
struct mv_oidc_token {
	char *raw;
	char *issuer;
	char *subject;                   /* the claim Fulcio wants signed as proof of possession */
	long long exp;
};

/* The token from arg (the token, or "@FILE"), or from GitHub Actions when arg is NULL;
 * refused when it is not a JWT or has expired. */
mv_status mv_oidc_token_get(struct mv_ctx *ctx, const char *arg, struct mv_oidc_token *t);
/* MV_ERR_VERIFY with "expired" when it will not live another few seconds. */
mv_status mv_oidc_token_alive(struct mv_ctx *ctx, const struct mv_oidc_token *t);
void mv_oidc_token_free(struct mv_oidc_token *t);

/* ---- keyless.c ---- */

struct mv_keyless {
	struct mv_sigstore_urls urls;
	struct mv_oidc_token token;
};

/* The services and the identity token, before any hashing. */
mv_status mv_keyless_open(struct mv_ctx *ctx, const struct mv_sign_opts *o,
    struct mv_keyless *kl);
/* Sign payload keyless: an ephemeral P-256 key, its Fulcio certificate, the DSSE envelope,
 * its RFC 3161 timestamps and Rekor dsse entries; the whole bundle into out. Nothing is kept of the key. */
mv_status mv_keyless_sign(struct mv_ctx *ctx, struct mv_keyless *kl,
    const unsigned char *payload, size_t n, struct mv_buf *out);
void mv_keyless_close(struct mv_keyless *kl);
/* The leaf certificate of a Fulcio v2 signingCert reply (a parsed json_t), embedded or
 * detached SCT form; MV_ERR_FORMAT when it holds none. */
mv_status mv_fulcio_leaf(struct mv_ctx *ctx, void *reply, struct x509_st **leaf);

/* ---- rekor.c ---- */

/* Log the envelope of payload and sig, made with leaf's key, in the Rekor log at url (API
 * version major: 1, a dsse 0.0.1 entry; 2, a dsse 0.0.2 entry); the log's entry as the bundle
 * carries it (a new json_t), checked to describe this envelope. */
mv_status mv_rekor_log(struct mv_ctx *ctx, const char *url, int major, struct x509_st *leaf,
    const unsigned char *payload, size_t n, const unsigned char *sig, size_t siglen,
    void **entry);
/* Rekor v1's reply to a new entry ({uuid: LogEntry}, a parsed json_t) as a bundle's
 * TransparencyLogEntry (a new json_t), keys in the order model_signing writes them; NULL
 * when a field is missing or malformed. */
void *mv_rekor_v1_entry(void *reply);
/* Rekor v2's reply (a TransparencyLogEntry, a parsed json_t) of a dsse 0.0.2 entry, its
 * fields checked for shape and copied in the message's order (a new json_t); NULL when one
 * is missing or malformed, or the entry is of another kind. */
void *mv_rekor_v2_entry(void *reply);
/* Whether a Rekor dsse 0.0.2 body (rekor-tiles' canonical JSON of the entry) describes the
 * envelope of payload and sig made with the certificate leaf: NULL when it does, else why
 * not. */
const char *mv_rekor_dsse2_check(const unsigned char *body, size_t n,
    const unsigned char *payload, size_t payload_len, const unsigned char *sig,
    size_t sig_len, struct x509_st *leaf);

/* ---- verify.c ---- */

/* The trust material of verify options, loaded. */
struct mv_trust {
	struct evp_pkey_st *key;
	char hint[65];
	struct stack_st_X509 *roots;
	struct mv_trusted_root *tr;
};
mv_status mv_trust_load(struct mv_ctx *ctx, const struct mv_verify_opts *o, struct mv_trust *t);
void mv_trust_free(struct mv_trust *t);
/* Check a bundle's signature with the trust material that fits its method; what does not
 * verify becomes differences in rep (and its signer is set). MV_OK unless out of memory. */
mv_status mv_bundle_verify(struct mv_ctx *ctx, const struct mv_verify_opts *o,
    const struct mv_trust *t, const struct mv_bundle *b, struct mv_verify_report *rep);

/* ---- attest.c ---- */

/* The attestations mv_attest_default_path(sigpath) holds, each verified with t and every
 * subject matched against the verified statement m (its root digest or a signed file's);
 * problems become differences in rep, and rep->nattest counts those that verified. */
mv_status mv_attest_verify_beside(struct mv_ctx *ctx, const struct mv_verify_opts *o,
    const struct mv_trust *t, const char *sigpath, const struct mv_manifest *m,
    struct mv_verify_report *rep);

/* ---- locate.c ---- */

/* Where a model's signature is by default: MODEL/model.sig for a folder, MODEL.sig for a file
 * or an archive. New string. */
char *mv_sig_default_for(const char *model, int is_dir);
/* Is the member nm (normalised) name itself, or top/name ("*": any one folder)? */
int mv_member_is(const char *nm, const char *top, const char *name);
/* Is name a regular file (following links)? */
int mv_regular_file(const char *path);
/* Read the first regular member of an archive that mv_member_is(top, name); *member receives
 * its normalised name. */
mv_status mv_archive_member_read(struct mv_ctx *ctx, const char *archive, const char *top,
    const char *name, size_t max, unsigned char **out, size_t *len, char **member);
/* The libarchive format of a file when it is an archive (read from its first header), else
 * 0. Compressed single files (model.pkl.gz) are not archives here. */
int mv_archive_format_of(const char *path);
/* Whether an archive of that format is signed by its members by default (tar family). */
int mv_archive_kind_auto(int fmt);

/* ---- report.c ---- */

mv_status mv_report_new(struct mv_verify_report **out);
mv_status mv_report_diff(struct mv_verify_report *rep, enum mv_sig_diff_kind kind,
    const char *name, const char *fmt, ...) MV_PRINTF(4, 5);
mv_status mv_report_set(char **field, const char *value);

/* What verification concluded, filled by verify.c. */
struct mv_verify_report {
	enum mv_verify_status status;
	enum mv_sig_method method;
	char *format;                   /* "OMS v1.0", "OMS v0.1 (Digests)" */
	char *producer;                 /* which releases of the reference tool write this layout */
	char *signer;
	char *signature;                /* where the signature was read from */
	char *model;
	enum mv_model_kind kind;        /* how names map to displayed paths */
	char *top;                      /* archives: the top folder names were taken below */
	size_t nresources;
	unsigned notes;                 /* MV_VERIFY_NOTE_* about the signing certificate */
	size_t nattest;                 /* attestations beside the signature that verified */
	int has_root;                   /* the statement's subject digest, once verified */
	unsigned char root[32];
	struct mv_sig_diff *diff;
	size_t ndiff, cap;
};

#endif
