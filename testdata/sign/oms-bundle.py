#!/usr/bin/env python3
"""oms-bundle.py MODEL KEY OUT HASH [SHARD_SIZE]: write to OUT an OpenSSF Model Signing
bundle (Sigstore bundle v0.3, DSSE, in-toto statement v1, model_signing v1.0 predicate) for
the folder MODEL, signed with the PEM ECDSA P-256 private key KEY. Built only from the format
rules (../shared/reference/oms.md), independently of mavis: hashlib for sha256 and blake2b,
b3sum for blake3, the cryptography package for the signature. HASH is sha256, blake2b or
blake3; with SHARD_SIZE the resources are byte ranges "PATH:START:END" and their algorithm
"HASH-sharded-SHARD_SIZE", as model_signing names them. Used by tests/cli/oms-blake3.sh.
"""
import base64, hashlib, json, os, subprocess, sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

model, keyfile, out, hash_type = sys.argv[1:5]
shard = int(sys.argv[5]) if len(sys.argv) > 5 else 0


def digest(data):
    if hash_type == 'sha256':
        return hashlib.sha256(data).hexdigest()
    if hash_type == 'blake2b':
        return hashlib.blake2b(data).hexdigest()
    if hash_type == 'blake3':
        return subprocess.run(['b3sum', '--no-names'], input=data, check=True,
                              capture_output=True).stdout.decode().strip()
    raise SystemExit('unknown hash ' + hash_type)


names = []
for root, dirs, files in os.walk(model):
    for f in files:
        names.append(os.path.relpath(os.path.join(root, f), model).replace(os.sep, '/'))
resources = []
for name in sorted(names, key=lambda n: n.encode()):
    data = open(os.path.join(model, name), 'rb').read()
    if not shard:
        resources.append({'name': name, 'algorithm': hash_type, 'digest': digest(data)})
        continue
    for start in range(0, len(data), shard):
        end = min(start + shard, len(data))
        resources.append({'name': '%s:%d:%d' % (name, start, end),
                          'algorithm': '%s-sharded-%d' % (hash_type, shard),
                          'digest': digest(data[start:end])})
root = hashlib.sha256(b''.join(bytes.fromhex(r['digest']) for r in resources)).hexdigest()
ser = {'method': 'shards' if shard else 'files', 'hash_type': hash_type,
       'allow_symlinks': False}
if shard:
    ser['shard_size'] = shard
statement = {
    '_type': 'https://in-toto.io/Statement/v1',
    'subject': [{'name': os.path.basename(os.path.abspath(model)),
                 'digest': {'sha256': root}}],
    'predicateType': 'https://model_signing/signature/v1.0',
    'predicate': {'serialization': ser, 'resources': resources},
}
payload = json.dumps(statement, indent=2).encode()
ptype = b'application/vnd.in-toto+json'
pae = b'DSSEv1 %d %s %d %s' % (len(ptype), ptype, len(payload), payload)
key = serialization.load_pem_private_key(open(keyfile, 'rb').read(), password=None)
sig = key.sign(pae, ec.ECDSA(hashes.SHA256()))
pem = key.public_key().public_bytes(serialization.Encoding.PEM,
                                    serialization.PublicFormat.SubjectPublicKeyInfo)
bundle = {
    'mediaType': 'application/vnd.dev.sigstore.bundle.v0.3+json',
    'verificationMaterial': {'publicKey': {'hint': hashlib.sha256(pem).hexdigest()},
                             'tlogEntries': []},
    'dsseEnvelope': {'payload': base64.b64encode(payload).decode(),
                     'payloadType': ptype.decode(),
                     'signatures': [{'sig': base64.b64encode(sig).decode(), 'keyid': ''}]},
}
with open(out, 'w') as f:
    f.write(json.dumps(bundle, separators=(',', ':')))
