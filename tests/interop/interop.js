// SPDX-License-Identifier: Apache-2.0
// interop.js: the npm Sigstore libraries as an independent client of mavis's signatures.
//
//   node interop.js verify MODEL BUNDLE PUBKEY   check a bundle mavis wrote: the DSSE signature
//                                                with @sigstore/verify (no transparency log, no
//                                                timestamps), then the OMS statement against
//                                                the files of MODEL, hashed here
//   node interop.js sign MODEL KEY OUT           write an OMS bundle over MODEL with
//                                                @sigstore/sign and a private key, for mavis
//
// Only the key method with P-256 is exercised: sigstore-js verifies DSSE with the key's
// default digest (SHA-256), and rejects a certificate chain in a v0.3 bundle.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { bundleFromJSON, bundleToJSON } = require('@sigstore/bundle');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');
const { DSSEBundleBuilder } = require('@sigstore/sign');

const STATEMENT = 'https://in-toto.io/Statement/v1';
const PREDICATE = 'https://model_signing/signature/v1.0';
const PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const IGNORED = ['.git', '.gitattributes', '.github', '.gitignore', 'model.sig'];

function fail(msg) {
  process.stderr.write(`interop: ${msg}\n`);
  process.exit(1);
}

// The OMS key hint: SHA-256 of the PEM SubjectPublicKeyInfo text.
function hintOf(keyObject) {
  const pem = keyObject.export({ type: 'spki', format: 'pem' });
  return crypto.createHash('sha256').update(pem).digest('hex');
}

// Files of a model folder, POSIX names relative to it, byte order, ignore paths applied.
function listFiles(root, ignored) {
  const out = [];
  const walk = (rel) => {
    const dir = path.join(root, rel);
    for (const name of fs.readdirSync(dir)) {
      const r = rel ? `${rel}/${name}` : name;
      if (ignored.some((p) => r === p || r.startsWith(`${p}/`))) continue;
      const st = fs.lstatSync(path.join(root, r));
      if (st.isDirectory()) walk(r);
      else if (st.isFile()) out.push(r);
      else fail(`${r}: not a regular file`);
    }
  };
  walk('');
  return out.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function sha256File(p) {
  return crypto.createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

function rootDigest(resources) {
  const h = crypto.createHash('sha256');
  for (const r of resources) h.update(Buffer.from(r.digest, 'hex'));
  return h.digest('hex');
}

async function verify(model, bundlePath, pubPath) {
  const json = JSON.parse(fs.readFileSync(bundlePath, 'utf8'));
  const bundle = bundleFromJSON(json);
  const key = crypto.createPublicKey(fs.readFileSync(pubPath));
  const want = hintOf(key);
  const trust = toTrustMaterial(
    { mediaType: '', tlogs: [], certificateAuthorities: [], ctlogs: [], timestampAuthorities: [] },
    (hint) => {
      if (hint !== want) throw new Error(`bundle names key ${hint}, not ${want}`);
      return { publicKey: key, validFor: () => true };
    },
  );
  const verifier = new Verifier(trust, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 });
  verifier.verify(toSignedEntity(bundle));

  // sigstore-js knows nothing of OMS: check the statement and the files here.
  const env = json.dsseEnvelope;
  if (env.payloadType !== PAYLOAD_TYPE) fail(`payloadType ${env.payloadType}`);
  const st = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8'));
  if (st._type !== STATEMENT || st.predicateType !== PREDICATE) fail('not an OMS v1.0 statement');
  if (st.subject.length !== 1 || st.subject[0].digest.sha256 !== rootDigest(st.predicate.resources)) {
    fail('subject digest does not match the resources');
  }
  const ser = st.predicate.serialization;
  if (ser.method !== 'files' || ser.hash_type !== 'sha256') fail(`serialization ${JSON.stringify(ser)}`);
  const files = listFiles(model, IGNORED.concat(ser.ignore_paths || []));
  const signed = new Map(st.predicate.resources.map((r) => [r.name, r]));
  if (files.length !== signed.size) fail(`${files.length} files, ${signed.size} signed`);
  for (const f of files) {
    const r = signed.get(f);
    if (!r) fail(`${f}: not signed`);
    if (r.algorithm !== 'sha256' || r.digest !== sha256File(path.join(model, f))) fail(`${f}: digest differs`);
  }
  process.stdout.write(`interop: @sigstore/verify accepts ${bundlePath} (${files.length} files match)\n`);
}

async function sign(model, keyPath, out) {
  const priv = crypto.createPrivateKey(fs.readFileSync(keyPath));
  const pub = crypto.createPublicKey(priv);
  const files = listFiles(model, IGNORED);
  const resources = files.map((f) => ({ name: f, algorithm: 'sha256', digest: sha256File(path.join(model, f)) }));
  const statement = {
    _type: STATEMENT,
    subject: [{ name: path.basename(path.resolve(model)), digest: { sha256: rootDigest(resources) } }],
    predicateType: PREDICATE,
    predicate: {
      serialization: { method: 'files', hash_type: 'sha256', allow_symlinks: false, ignore_paths: IGNORED },
      resources,
    },
  };
  const signer = {
    sign: async (data) => ({
      signature: crypto.sign('sha256', data, priv),
      key: { $case: 'publicKey', publicKey: pub.export({ type: 'spki', format: 'pem' }), hint: hintOf(pub) },
    }),
  };
  const builder = new DSSEBundleBuilder({ signer, witnesses: [] });
  const bundle = await builder.create({ data: Buffer.from(JSON.stringify(statement)), type: PAYLOAD_TYPE });
  fs.writeFileSync(out, JSON.stringify(bundleToJSON(bundle)));
  process.stdout.write(`interop: @sigstore/sign wrote ${out} over ${files.length} files\n`);
}

const [cmd, ...args] = process.argv.slice(2);
const run = cmd === 'verify' && args.length === 3 ? verify(...args)
  : cmd === 'sign' && args.length === 3 ? sign(...args)
    : fail('usage: interop.js verify MODEL BUNDLE PUBKEY | sign MODEL KEY OUT');
Promise.resolve(run).catch((e) => fail(e.message || String(e)));
