#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Make the attestation fixtures of tests/cli/attest.sh: a small model shipped with in-toto
attestations (SLSA provenance v1) in DSSE envelopes and a Sigstore bundle, signed with an
ECDSA P-256 key made here by the cryptography module, and the hostile variants: a subject
that lies about a file's digest, one naming an absent file, a signature that does not
verify, an envelope with no signature, and a file that is no attestation at all.

Run from this folder: python3 gen.py (rewrites everything below it, and the seeds of
tests/fuzz/fuzz_attest in tests/fuzz/corpus/attest)."""
import base64
import hashlib
import json
import os
import shutil

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = {
    "config.json": b'{"model_type": "tiny", "hidden_size": 8}\n',
    "weights.bin": bytes(range(256)) * 4,
}
PAYLOAD_TYPE = "application/vnd.in-toto+json"


def pem_pub(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)


def pae(ptype, body):
    t = ptype.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def statement(subjects):
    return {
        "_type": "https://in-toto.io/Statement/v1",
        "subject": subjects,
        "predicateType": "https://slsa.dev/provenance/v1",
        "predicate": {
            "buildDefinition": {
                "buildType": "https://actions.github.io/buildtypes/workflow/v1",
                "externalParameters": {"workflow": {
                    "ref": "refs/heads/main", "repository": "https://github.com/example/tiny",
                    "path": ".github/workflows/train.yml"}},
                "resolvedDependencies": [
                    {"uri": "git+https://github.com/example/tiny@refs/heads/main",
                     "digest": {"gitCommit": "0123456789abcdef0123456789abcdef01234567"}},
                    {"name": "example/base-1b", "uri": "hf://example/base-1b",
                     "digest": {"sha256": sha256(b"base model")}},
                    {"name": "example/corpus", "uri": "hf://datasets/example/corpus",
                     "digest": {"sha256": sha256(b"dataset")}},
                ],
            },
            "runDetails": {
                "builder": {"id": "https://github.com/example/tiny/.github/workflows/train.yml@refs/heads/main"},
                "metadata": {"invocationId": "https://github.com/example/tiny/actions/runs/1"},
            },
        },
    }


def subjects():
    return [{"name": n, "digest": {"sha256": sha256(b)}} for n, b in sorted(FILES.items())]


def envelope(key, stmt, sign=True, corrupt=False):
    body = json.dumps(stmt, indent=2).encode()
    sigs = []
    if sign:
        sig = key.sign(pae(PAYLOAD_TYPE, body), ec.ECDSA(hashes.SHA256()))
        if corrupt:
            sig = sig[:-1] + bytes([sig[-1] ^ 1])
        sigs.append({"keyid": "", "sig": base64.b64encode(sig).decode()})
    return {"payload": base64.b64encode(body).decode(), "payloadType": PAYLOAD_TYPE,
            "signatures": sigs}


def bundle(key, stmt):
    env = envelope(key, stmt)
    return {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
            "verificationMaterial": {"publicKey": {"hint": sha256(pem_pub(key))},
                                     "tlogEntries": []},
            "dsseEnvelope": env}


def model(name, att_name, docs):
    d = os.path.join(HERE, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.dirname(os.path.join(d, att_name)), exist_ok=True)
    for n, b in FILES.items():
        with open(os.path.join(d, n), "wb") as f:
            f.write(b)
    with open(os.path.join(d, att_name), "w") as f:
        for doc in docs:
            f.write(doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":")))
            f.write("\n")


def main():
    key = ec.generate_private_key(ec.SECP256R1())
    other = ec.generate_private_key(ec.SECP256R1())
    with open(os.path.join(HERE, "key.pub"), "wb") as f:
        f.write(pem_pub(key))
    with open(os.path.join(HERE, "other.pub"), "wb") as f:
        f.write(pem_pub(other))
    with open(os.path.join(HERE, "key.pem"), "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    model("good", "provenance.intoto.jsonl", [envelope(key, statement(subjects()))])
    model("bundle", "attestations/provenance.sigstore.json", [bundle(key, statement(subjects()))])
    lie = subjects()
    lie[1]["digest"]["sha256"] = sha256(b"other weights")
    model("lying", "provenance.intoto.jsonl", [envelope(key, statement(lie))])
    absent = subjects() + [{"name": "extra.bin", "digest": {"sha256": sha256(b"extra")}}]
    model("absent", "provenance.intoto.jsonl", [envelope(key, statement(absent))])
    model("badsig", "provenance.intoto.jsonl",
          [envelope(key, statement(subjects()), corrupt=True)])
    model("unsigned", "provenance.intoto.jsonl",
          [envelope(key, statement(subjects()), sign=False)])
    # A one-file model: its attestation beside it as FILE.intoto.jsonl.
    single = [x for x in subjects() if x["name"] == "weights.bin"]
    model("single", "weights.bin.intoto.jsonl", [envelope(key, statement(single))])
    os.remove(os.path.join(HERE, "single", "config.json"))
    model("malformed", "provenance.intoto.jsonl",
          ['{"payload": "not base64 !", "payloadType": "application/vnd.in-toto+json", '
           '"signatures": []}', "not json at all"])
    seeds(key)


def seeds(key):
    """Envelope lines and bare statements for the fuzz harness."""
    d = os.path.join(HERE, "..", "..", "tests", "fuzz", "corpus", "attest")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    v02 = {"_type": "https://in-toto.io/Statement/v0.1", "subject": subjects(),
           "predicateType": "https://slsa.dev/provenance/v0.2",
           "predicate": {"builder": {"id": "https://example.com/builder"},
                         "buildType": "https://example.com/type",
                         "invocation": {"configSource": {
                             "uri": "git+https://github.com/example/tiny@refs/tags/v1",
                             "digest": {"sha1": "89abcdef0123456789abcdef0123456789abcdef"}}},
                         "materials": [{"uri": "hf://datasets/example/corpus",
                                        "digest": {"sha256": sha256(b"d")}}]}}
    other = {"_type": "https://in-toto.io/Statement/v1", "subject": subjects(),
             "predicateType": "https://example.com/eval/v1", "predicate": {"score": 0.5}}
    docs = {
        "slsa-v1-envelope.json": envelope(key, statement(subjects())),
        "unsigned-envelope.json": envelope(key, statement(subjects()), sign=False),
        "slsa-v1-statement.json": statement(subjects()),
        "slsa-v02-statement.json": v02,
        "other-predicate.json": other,
    }
    for name, doc in docs.items():
        with open(os.path.join(d, name), "w") as f:
            json.dump(doc, f)


if __name__ == "__main__":
    main()
