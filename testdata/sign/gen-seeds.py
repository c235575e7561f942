#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-seeds.py VECTORS OUT: seed corpora for the signature fuzz harnesses, from the OMS
vectors: whole bundles (corpus/bundle), their DSSE envelopes (corpus/envelope) and their
decoded statements (corpus/statement). Run from the source tree:
    python3 testdata/sign/gen-seeds.py ../shared/vectors tests/fuzz/corpus
"""
import base64, glob, json, os, sys

vectors, out = sys.argv[1], sys.argv[2]
bundles = sorted(glob.glob(os.path.join(vectors, 'oms', '*', 'model.sig')) +
                 glob.glob(os.path.join(vectors, 'oms-spec', 'bundles', '*', '*.json')))
for kind in ('bundle', 'envelope', 'statement'):
    os.makedirs(os.path.join(out, kind), exist_ok=True)
for path in bundles:
    parts = os.path.relpath(path, vectors).split(os.sep)
    name = '-'.join(parts[1:]).replace('.bundle.json', '').replace('-model.sig', '')
    data = open(path, 'rb').read()
    open(os.path.join(out, 'bundle', name + '.json'), 'wb').write(data)
    try:
        doc = json.loads(data)
        env = doc['dsseEnvelope']
    except (ValueError, KeyError, TypeError):
        continue
    open(os.path.join(out, 'envelope', name + '.json'), 'w').write(json.dumps(env))
    try:
        payload = base64.b64decode(env['payload'])
    except (KeyError, ValueError):
        continue
    open(os.path.join(out, 'statement', name + '.json'), 'wb').write(payload)
