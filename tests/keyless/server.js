// SPDX-License-Identifier: Apache-2.0
// server.js: Fulcio and Rekor stand-ins on loopback for mavis sign sigstore, built on the
// handlers of @sigstore/mock (the Sigstore project's mocks, meant for nock) behind a plain
// http server. Usage: node server.js DIR. It writes DIR/port, DIR/trusted_root.json (the
// mock CA, CT log and log key: a throwaway trust root) and DIR/signing_config.json, then serves:
//   POST /api/v2/signingCert      Fulcio (the mock CA)
//   POST /api/v1/log/entries      Rekor v1 (the mock log), dsse entries canonicalized first
//   GET  /gha-token?audience=A    a GitHub Actions token endpoint (bearer DIR/gha-bearer)
//   /refuse/...                   403 for everything (a service that says no)
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const mock = require('@sigstore/mock');

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
  const spki = logKeys.publicKey.export({ format: 'der', type: 'spki' });
  const start = new Date(Date.now() - 60000).toISOString().replace(/\.\d+Z$/, 'Z');

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks).toString();
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
      timestampAuthorities: [],
    };
    const service = (u, v) => ({ url: u, majorApiVersion: v, validFor: { start },
      operator: 'mavis-tests' });
    const config = {
      mediaType: 'application/vnd.dev.sigstore.signingconfig.v0.2+json',
      caUrls: [service(base, 1)],
      oidcUrls: [],
      rekorTlogUrls: [service(base, 1)],
      tsaUrls: [],
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
