// SPDX-License-Identifier: Apache-2.0
// verify.js: the npm Sigstore verifier (@sigstore/verify) as a second judge of a keyless
// bundle mavis wrote. Usage: node verify.js BUNDLE TRUSTED_ROOT IDENTITY ISSUER
// Exit 0 when the bundle verifies for that identity and issuer under the root, else 1. The
// model's files are mavis verify's business; this checks the envelope, the certificate, the
// log entry, its proof and checkpoint.
'use strict';
const fs = require('fs');
const { bundleFromJSON } = require('@sigstore/bundle');
const { TrustedRoot } = require('@sigstore/protobuf-specs');
const { Verifier, toSignedEntity, toTrustMaterial } = require('@sigstore/verify');

const [bundlePath, rootPath, identity, issuer] = process.argv.slice(2);
if (!issuer) {
  process.stderr.write('usage: node verify.js BUNDLE TRUSTED_ROOT IDENTITY ISSUER\n');
  process.exit(2);
}
try {
  const bundle = bundleFromJSON(JSON.parse(fs.readFileSync(bundlePath, 'utf8')));
  const root = TrustedRoot.fromJSON(JSON.parse(fs.readFileSync(rootPath, 'utf8')));
  // The Sigstore clients' defaults: one log entry, one SCT from a CT log of the root, one
  // time source (the log's integrated time or an RFC 3161 timestamp).
  const verifier = new Verifier(toTrustMaterial(root), {
    tlogThreshold: 1,
    ctlogThreshold: 1,
    timestampThreshold: 1,
  });
  verifier.verify(toSignedEntity(bundle), {
    subjectAlternativeName: identity,
    extensions: { issuer },
  });
  process.stdout.write('verified\n');
} catch (e) {
  process.stderr.write(`verify.js: ${e.message || e}\n`);
  process.exit(1);
}
