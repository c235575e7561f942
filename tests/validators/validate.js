// SPDX-License-Identifier: Apache-2.0
// validate.js: check mavis reports against their official schemas.
//   node validate.js sarif FILE...      SARIF 2.1.0, with Microsoft's SARIF Multitool
//   node validate.js cyclonedx FILE...  CycloneDX 1.6 JSON, with the CycloneDX library's
//                                       validator (the official bom-1.6 schema, strict)
// Exits 0 when every file is valid, 1 when one is not (the problems are printed), 77 when
// the validators are not installed (npm ci in this folder installs them).
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { spawnSync } = require('child_process');

function need(name) {
  try {
    return require(name);
  } catch (e) {
    console.log(`SKIP: ${name} is not installed (run npm ci in tests/validators)`);
    process.exit(77);
  }
}

function sarif(file) {
  const tool = need('@microsoft/sarif-multitool');
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mavis-sarif-')), 'v.sarif');
  const r = spawnSync(tool, ['validate', '--level', 'Error;Warning;Note', '--log',
    'ForceOverwrite', '-o', out, file], { encoding: 'utf8' });
  if (r.error || !fs.existsSync(out)) {
    console.log(`FAIL: ${file}: the SARIF Multitool did not run: ${r.error || r.stdout + r.stderr}`);
    return false;
  }
  const log = JSON.parse(fs.readFileSync(out, 'utf8'));
  fs.rmSync(path.dirname(out), { recursive: true, force: true });
  let ok = true;
  let notes = 0;
  for (const run of log.runs) {
    for (const res of run.results || []) {
      const level = res.level || 'warning';
      const args = (res.message && res.message.arguments || []).join(' ');
      if (level === 'note') {
        notes++;
        continue;
      }
      ok = false;
      console.log(`FAIL: ${file}: ${level} ${res.ruleId} ${args}`);
    }
  }
  if (ok)
    console.log(`PASS: ${file} is valid SARIF 2.1.0 (${notes} style notes)`);
  return ok;
}

async function cyclonedx(file) {
  const { Validation, Spec } = need('@cyclonedx/cyclonedx-library');
  const v = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  let err;
  try {
    err = await v.validate(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    if (e instanceof Validation.MissingOptionalDependencyError) {
      console.log(`SKIP: the CycloneDX validator needs ajv, ajv-formats and ajv-formats-draft2019`);
      process.exit(77);
    }
    throw e;
  }
  if (err === null) {
    console.log(`PASS: ${file} is valid CycloneDX 1.6`);
    return true;
  }
  console.log(`FAIL: ${file}: ${JSON.stringify(err, null, 1)}`);
  return false;
}

(async () => {
  const [kind, ...files] = process.argv.slice(2);
  if (!['sarif', 'cyclonedx'].includes(kind) || files.length === 0) {
    console.error('usage: node validate.js sarif|cyclonedx FILE...');
    process.exit(2);
  }
  let ok = true;
  for (const f of files)
    ok = (kind === 'sarif' ? sarif(f) : await cyclonedx(f)) && ok;
  process.exit(ok ? 0 : 1);
})().catch((e) => {
  console.log(`FAIL: ${e.stack || e}`);
  process.exit(1);
});
