// SPDX-License-Identifier: Apache-2.0
// server.js: Fulcio, Rekor and timestamp authority stand-ins on loopback for mavis sign
// sigstore, built on the handlers of @sigstore/mock (the Sigstore project's mocks, meant for
// nock) behind a plain http server. Usage: node server.js DIR. It writes DIR/port,
// DIR/trusted_root.json (the mock CA, CT log, log key and both timestamp authorities: a
// throwaway trust root) and DIR/signing_config.json (the mock TSA), then serves:
//   POST /api/v2/signingCert      Fulcio (the mock CA)
//   POST /api/v1/log/entries      Rekor v1 (the mock log), dsse entries canonicalized first
//   POST /api/v2/log/entries      Rekor v2 (the mock's v2 log, an ECDSA P-256 key), dsse 0.0.2
//                                 entries canonicalized first
//   POST /ed25519/api/v2/log/entries  Rekor v2 with an Ed25519 checkpoint key, as the
//                                 public-good v2 logs have, named in the trusted root by its
//                                 checkpoint key id (C2SP signed-note)
//   POST /api/v1/timestamp        the mock TSA: reads only the JSON request form of Sigstore's
//                                 timestamp-authority (a DER TimeStampReq is a 400)
//   POST /openssl-tsa             an RFC 3161 TSA that reads only DER TimeStampReqs
//                                 (application/timestamp-query; else 415), answered by
//                                 `openssl ts -reply` with a certificate made here
//   POST /wrong-tsa/api/v1/timestamp  the mock TSA stamping a fixed hash, whatever is asked
//   GET  /gha-token?audience=A    a GitHub Actions token endpoint (bearer DIR/gha-bearer)
//   /refuse/...                   403 for everything (a service that says no)
'use strict';
const { execFileSync } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const mock = require('@sigstore/mock');
const { TransparencyLogEntry } = require('@sigstore/protobuf-specs');
const canonicalize = require('canonicalize');

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: node server.js DIR\n');
  process.exit(2);
}

// Rekor stores a dsse entry in canonical form, not as proposed: the hashes of the envelope
// and its payload, and each signature with its verifier. The mock log records whatever it is
// given, so the canonical form is made here, as rekor's types/dsse/v0.0.1 does.
function canonicalDsse(proposed) {
  const pc = proposed.spec && proposed.spec.proposedContent;
  if (proposed.kind !== 'dsse' || proposed.apiVersion !== '0.0.1' || !pc ||
      typeof pc.envelope !== 'string' || !Array.isArray(pc.verifiers) ||
      pc.verifiers.length !== 1)
    throw new Error('not a dsse 0.0.1 proposed entry');
  const env = JSON.parse(pc.envelope);
  const sha = (b) => crypto.createHash('sha256').update(b).digest('hex');
  return {
    apiVersion: '0.0.1',
    kind: 'dsse',
    spec: {
      envelopeHash: { algorithm: 'sha256', value: sha(pc.envelope) },
      payloadHash: { algorithm: 'sha256', value: sha(Buffer.from(env.payload, 'base64')) },
      signatures: env.signatures.map((s) => ({ signature: s.sig, verifier: pc.verifiers[0] })),
    },
  };
}

const sha256 = (...b) => { const h = crypto.createHash('sha256'); b.forEach((x) => h.update(x));
  return h.digest(); };

// Rekor v2 records a DSSERequestV002 as a dsse 0.0.2 entry: the payload's hash and each
// signature with the verifier, after checking the signature over the envelope (as
// rekor-tiles' types/dsse does). The mock's v2 log records whatever it is given.
function canonicalDsseV2(request) {
  const r = request.dsseRequestV002;
  if (!r || !r.envelope || !Array.isArray(r.verifiers) || r.verifiers.length !== 1 ||
      !r.verifiers[0].x509Certificate || !Array.isArray(r.envelope.signatures) ||
      r.envelope.signatures.length !== 1)
    throw new Error('not a dsse v0.0.2 request with one signature and one certificate');
  const env = r.envelope;
  const payload = Buffer.from(env.payload, 'base64');
  const cert = new crypto.X509Certificate(Buffer.from(r.verifiers[0].x509Certificate.rawBytes,
    'base64'));
  const type = Buffer.from(env.payloadType);
  const pae = Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type,
    Buffer.from(` ${payload.length} `), payload]);
  if (!crypto.verify('sha256', pae, cert.publicKey, Buffer.from(env.signatures[0].sig, 'base64')))
    throw new Error('the envelope signature does not verify with the verifier');
  return {
    apiVersion: '0.0.2',
    kind: 'dsse',
    spec: {
      dsseV002: {
        payloadHash: { algorithm: 'SHA2_256', digest: sha256(payload).toString('base64') },
        signatures: [{ content: env.signatures[0].sig, verifier: r.verifiers[0] }],
      },
    },
  };
}

// What Rekor v2 returns: the mock's v2 entry as JSON, less what v2 logs do not give (an
// integrated time), and with the proof of the one-leaf tree its checkpoint signs: the mock
// puts the entry's random index in the proof (no verifier of a tree of size 1 takes it) and
// decodes its hex root hash as base64 (the checkpoint's third line has it right).
async function rekorV2(tlog, request) {
  const e = TransparencyLogEntry.toJSON(await tlog.logV2(canonicalDsseV2(request)));
  delete e.integratedTime;
  e.inclusionProof.logIndex = '0';
  e.inclusionProof.rootHash = e.inclusionProof.checkpoint.envelope.split('\n')[2];
  return e;
}

// A Rekor v2 log whose checkpoints are signed with Ed25519 (the public-good v2 logs' key
// type), which the mock cannot make: the entry is the only leaf of its tree, and the log is
// named by its C2SP checkpoint key id, SHA-256(name, newline, 0x01, the raw key).
function ed25519Log(name, keys) {
  const raw = keys.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const keyId = sha256(Buffer.from(`${name}\n`), Buffer.from([1]), raw);
  return {
    keyId,
    log(request) {
      const body = Buffer.from(canonicalize(canonicalDsseV2(request)));
      const root = sha256(Buffer.from([0]), body);
      const note = `${name}\n1\n${root.toString('base64')}\n`;
      const sig = crypto.sign(null, Buffer.from(note), keys.privateKey);
      const line = `\u2014 ${name} ${Buffer.concat([keyId.subarray(0, 4), sig]).toString('base64')}`;
      return {
        logIndex: '0',
        logId: { keyId: keyId.toString('base64') },
        kindVersion: { kind: 'dsse', version: '0.0.2' },
        inclusionProof: { logIndex: '0', rootHash: root.toString('base64'), treeSize: '1',
          hashes: [], checkpoint: { envelope: `${note}\n${line}\n` } },
        canonicalizedBody: body.toString('base64'),
      };
    },
  };
}

// A second timestamp authority, OpenSSL's: a root and a time-stamping certificate (extended
// key usage timeStamping, critical, as RFC 3161 asks), and the config `openssl ts -reply`
// reads. Returns the DER of both certificates.
function opensslTsa(tdir) {
  fs.mkdirSync(tdir);
  const f = (n) => path.join(tdir, n);
  const ossl = (...a) => execFileSync('openssl', a, { stdio: ['ignore', 'pipe', 'pipe'] });
  const ext = [
    '[root]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign',
    'subjectKeyIdentifier = hash',
    '[leaf]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature',
    'extendedKeyUsage = critical, timeStamping', 'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid',
    '[tsa]', 'default_tsa = stand_in',
    '[stand_in]', `serial = ${f('serial')}`, `signer_cert = ${f('tsa.crt')}`,
    `signer_key = ${f('tsa.key')}`, `certs = ${f('tsa.crt')}`, 'signer_digest = sha256',
    'default_policy = 1.2.3.4.1', 'digests = sha256, sha384, sha512', 'accuracy = secs:1',
    'ess_cert_id_alg = sha256', 'crypto_device = builtin', '',
  ].join('\n');
  fs.writeFileSync(f('tsa.cnf'), ext);
  fs.writeFileSync(f('serial'), '01\n');
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('root.key'));
  ossl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', f('tsa.key'));
  ossl('req', '-new', '-x509', '-key', f('root.key'), '-subj', '/O=mavis tests/CN=tsa root',
    '-days', '30', '-config', f('tsa.cnf'), '-extensions', 'root', '-out', f('root.crt'));
  ossl('req', '-new', '-key', f('tsa.key'), '-subj', '/O=mavis tests/CN=tsa', '-config',
    f('tsa.cnf'), '-out', f('tsa.csr'));
  ossl('x509', '-req', '-in', f('tsa.csr'), '-CA', f('root.crt'), '-CAkey', f('root.key'),
    '-set_serial', '7', '-days', '30', '-extfile', f('tsa.cnf'), '-extensions', 'leaf',
    '-out', f('tsa.crt'));
  const der = (n) => ossl('x509', '-in', f(n), '-outform', 'DER');
  return { leaf: der('tsa.crt'), root: der('root.crt'), dir: tdir };
}

// `openssl ts -reply` answering one DER TimeStampReq.
function opensslStamp(tdir, query) {
  const q = path.join(tdir, `q${process.hrtime.bigint()}`);
  fs.writeFileSync(q, query);
  try {
    return execFileSync('openssl', ['ts', '-reply', '-config', path.join(tdir, 'tsa.cnf'),
      '-queryfile', q], { stdio: ['ignore', 'pipe', 'pipe'] });
  } finally {
    fs.unlinkSync(q);
  }
}

// @sigstore/core 3.x reads a GeneralizedTime only without a fraction of a second or with
// exactly three digits of one; DER drops a fraction's trailing zeros (X.690 11.7.3), so one
// genTime of the mock TSA in ten ends ".12Z" and @sigstore/verify throws "invalid time" on a
// valid timestamp. Such a stamp is asked for again, a millisecond later.
async function stampForJs(handler, body) {
  for (let i = 0; ; i++) {
    const r = await handler.fn(body);
    const m = r.statusCode === 201 ?
      Buffer.from(r.response).toString('latin1').match(/\x18[\x0f-\x13](\d{14}(\.\d+)?Z)/) : null;
    if (!m || !m[2] || m[2].length === 4 || i === 50)
      return r;
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

async function main() {
  const key = () => crypto.generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const caKeys = key();
  const logKeys = key();
  const ctlog = await mock.initializeCTLog(caKeys);
  const ca = await mock.initializeCA(caKeys, ctlog);
  const fulcio = mock.fulcioHandler(ca);
  const url = 'http://127.0.0.1';
  const tlog = await mock.initializeTLog(url, logKeys);
  const rekor = mock.rekorHandler(tlog);
  const v2Keys = key();
  const tlogV2 = await mock.initializeTLog(url, v2Keys);
  const edKeys = crypto.generateKeyPairSync('ed25519');
  const edLog = ed25519Log('127.0.0.1', edKeys);
  const tsa = await mock.initializeTSA(key());
  const tsaJson = mock.tsaHandler(tsa);
  const tsaWrong = mock.tsaHandler(tsa, { strict: false });
  const ossl = opensslTsa(path.join(dir, 'openssl-tsa'));
  const spki = logKeys.publicKey.export({ format: 'der', type: 'spki' });
  const spkiOf = (k) => k.publicKey.export({ format: 'der', type: 'spki' });
  const start = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const raw = Buffer.concat(chunks);
      const body = raw.toString();
      const reply = (code, text, type) => {
        res.writeHead(code, { 'Content-Type': type || 'text/plain' });
        res.end(text);
      };
      try {
        const u = new URL(req.url, url);
        if (u.pathname.startsWith('/refuse/'))
          return reply(403, '{"code":403,"message":"stand-in refuses"}', 'application/json');
        if (req.method === 'GET' && u.pathname === '/gha-token') {
          const bearer = fs.readFileSync(path.join(dir, 'gha-bearer'), 'utf8').trim();
          if (req.headers.authorization !== `bearer ${bearer}` ||
              u.searchParams.get('audience') !== 'sigstore')
            return reply(401, 'bad bearer or audience');
          const token = fs.readFileSync(path.join(dir, 'gha-token'), 'utf8').trim();
          return reply(200, JSON.stringify({ count: 1, value: token }), 'application/json');
        }
        let r;
        if (req.method === 'POST' && u.pathname === fulcio.path) {
          r = await fulcio.fn(body);
        } else if (req.method === 'POST' && u.pathname === rekor.path) {
          r = await rekor.fn(JSON.stringify(canonicalDsse(JSON.parse(body))));
        } else if (req.method === 'POST' && u.pathname === '/api/v2/log/entries') {
          return reply(201, JSON.stringify(await rekorV2(tlogV2, JSON.parse(body))),
            'application/json');
        } else if (req.method === 'POST' && u.pathname === '/ed25519/api/v2/log/entries') {
          return reply(201, JSON.stringify(edLog.log(JSON.parse(body))), 'application/json');
        } else if (req.method === 'POST' && u.pathname === tsaJson.path) {
          r = await stampForJs(tsaJson, body);
        } else if (req.method === 'POST' && u.pathname === `/wrong-tsa${tsaWrong.path}`) {
          r = await stampForJs(tsaWrong, body);
        } else if (req.method === 'POST' && u.pathname === '/openssl-tsa') {
          if (req.headers['content-type'] !== 'application/timestamp-query')
            return reply(415, 'only application/timestamp-query');
          return reply(200, opensslStamp(ossl.dir, raw), 'application/timestamp-reply');
        } else {
          return reply(404, 'not found');
        }
        reply(r.statusCode, r.response, r.contentType);
      } catch (e) {
        reply(400, String(e.message || e));
      }
    });
  });
  server.listen(0, '127.0.0.1', () => {
    const port = server.address().port;
    const base = `${url}:${port}`;
    const root = {
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [{
        baseUrl: base,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: spki.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: crypto.createHash('sha256').update(spki).digest('base64') },
      }, {
        baseUrl: base,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: spkiOf(v2Keys).toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: sha256(spkiOf(v2Keys)).toString('base64') },
      }, {
        baseUrl: `${base}/ed25519`,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: spkiOf(edKeys).toString('base64'),
          keyDetails: 'PKIX_ED25519',
          validFor: { start },
        },
        logId: { keyId: sha256(spkiOf(edKeys)).toString('base64') },
        checkpointKeyId: { keyId: edLog.keyId.toString('base64') },
      }],
      certificateAuthorities: [{
        subject: { organization: 'sigstore.mock', commonName: 'sigstore' },
        uri: base,
        certChain: { certificates: [{ rawBytes: ca.rootCertificate.toString('base64') }] },
        validFor: { start },
      }],
      ctlogs: [{
        baseUrl: base,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: Buffer.from(ctlog.publicKey).toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start },
        },
        logId: { keyId: Buffer.from(ctlog.logID).toString('base64') },
      }],
      timestampAuthorities: [{
        subject: { organization: 'sigstore.mock', commonName: 'tsa' },
        uri: `${base}${tsaJson.path}`,
        certChain: { certificates: [{ rawBytes: tsa.intCertificate.toString('base64') },
          { rawBytes: tsa.rootCertificate.toString('base64') }] },
        validFor: { start },
      }, {
        subject: { organization: 'mavis tests', commonName: 'tsa' },
        uri: `${base}/openssl-tsa`,
        certChain: { certificates: [{ rawBytes: ossl.leaf.toString('base64') },
          { rawBytes: ossl.root.toString('base64') }] },
        validFor: { start },
      }],
    };
    const service = (u, v) => ({ url: u, majorApiVersion: v, validFor: { start },
      operator: 'mavis-tests' });
    const config = {
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service(base, 1)],
      oidcUrls: [],
      rekorTlogUrls: [service(base, 1)],
      tsaUrls: [{ url: `${base}${tsaJson.path}`, majorApiVersion: 1, validFor: { start },
        operator: 'mavis-tests' }],
      rekorTlogConfig: { selector: 'ANY' },
      tsaConfig: { selector: 'ANY' },
    };
    fs.writeFileSync(path.join(dir, 'trusted_root.json'), JSON.stringify(root, null, 2));
    fs.writeFileSync(path.join(dir, 'signing_config.json'), JSON.stringify(config, null, 2));
    fs.writeFileSync(path.join(dir, 'port.tmp'), String(port));
    fs.renameSync(path.join(dir, 'port.tmp'), path.join(dir, 'port'));
  });
}

main().catch((e) => {
  process.stderr.write(`server.js: ${e.stack || e}\n`);
  process.exit(1);
});
