#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""oms-conformance.py: the five keyless (sigstore) sign-then-verify cases of the OMS
conformance suite (sampras343/model-signing-conformance, test/test-cases/roundtrip/sigstore-*)
driven through an adapter that speaks the suite's CLI contract (oms-adapter.sh), with the
suite's checks of a signed bundle. Our own driver: the cases' facts (models, ignore paths,
files expected signed, where the bundle goes) and the environment the suite reads
(SIGSTORE_ID_TOKEN or SIGSTORE_ID_TOKEN_FILE, SIGSTORE_IDENTITY, SIGSTORE_ISSUER) carry over.

    oms-conformance.py ADAPTER CASE WORKDIR     exit 0 when the case passes, 1 when not
    oms-conformance.py --list                   the case names
"""
import base64
import hashlib
import json
import os
import subprocess
import sys

# The suite's models, by the names and shapes of its test/assets/models (contents our own).
MODELS = {
    "simple": {"signme-1": b"signme-1\n", "signme-2": b"signme-2", "ignore-me": b""},
    "multi-file": {"config.json": b'{"model": "conformance"}\n',
                   "subdir/adapter.bin": b"\xcd" * 256, "weights.bin": b"\xab" * 1024},
    "single-file": {"model.bin": b"\xef" * 512},
}
# name: (model, ignore paths (the suite passes them to signing too), expected signed files,
# bundle inside the model)
CASES = {
    "sigstore-simple": ("simple", ["ignore-me"], ["signme-1", "signme-2"], False),
    "sigstore-ignore-paths": ("simple", ["ignore-me"], ["signme-1", "signme-2"], False),
    "sigstore-multi-file": ("multi-file", [], ["config.json", "subdir/adapter.bin",
                                              "weights.bin"], False),
    "sigstore-sig-inside-model": ("simple", ["ignore-me"], ["signme-1", "signme-2"], True),
    "sigstore-single-file": ("single-file", [], None, False),
}


class Failed(Exception):
    pass


def need(cond, why):
    if not cond:
        raise Failed(why)


def token():
    t = os.environ.get("SIGSTORE_ID_TOKEN", "")
    f = os.environ.get("SIGSTORE_ID_TOKEN_FILE", "")
    if not t and f and os.path.isfile(f):
        with open(f) as fh:
            t = fh.read().strip()
    return t


def check_bundle(path, model_dir, inside):
    """What the suite asks of every signed bundle before verifying it."""
    with open(path) as fh:
        b = json.load(fh)
    need(isinstance(b, dict) and set(b) <= {"mediaType", "verificationMaterial",
                                             "dsseEnvelope"}, "unexpected top-level keys")
    need(str(b.get("mediaType", "")).startswith("application/vnd.dev.sigstore.bundle"),
         "mediaType is not a Sigstore bundle's")
    vm = b.get("verificationMaterial", {})
    need("certificate" in vm and "rawBytes" in vm["certificate"],
         "no verificationMaterial.certificate (Fulcio certificate)")
    need(isinstance(vm.get("tlogEntries"), list) and len(vm["tlogEntries"]) >= 1,
         "no tlogEntries")
    env = b["dsseEnvelope"]
    need(env.get("payloadType") == "application/vnd.in-toto+json", "payloadType")
    need(isinstance(env.get("signatures"), list) and len(env["signatures"]) >= 1,
         "no signature")
    st = json.loads(base64.b64decode(env["payload"]))
    need(st.get("_type") == "https://in-toto.io/Statement/v1", "_type")
    need(st.get("predicateType") == "https://model_signing/signature/v1.0", "predicateType")
    subj = st.get("subject", [])
    need(len(subj) == 1 and isinstance(subj[0].get("name"), str) and subj[0]["name"],
         "subject must be one entry with a name")
    need("sha256" in subj[0].get("digest", {}), "subject digest sha256")
    ser = st.get("predicate", {}).get("serialization", {})
    need(ser.get("method") in ("files", "shards"), "serialization.method")
    need("hash_type" in ser and "allow_symlinks" in ser, "serialization fields")
    need(ser["method"] != "files" or "shard_size" not in ser, "shard_size with files")
    res = st.get("predicate", {}).get("resources", [])
    need(len(res) >= 1, "no resources")
    for r in res:
        need({"name", "digest", "algorithm"} <= set(r), "resource fields")
        n = r["name"]
        need(not n.startswith("/") and "../" not in n and not n.endswith("/"),
             "resource name %r" % n)
    names = [r["name"] for r in res]
    need(names == sorted(names), "resources not sorted by name")
    root = hashlib.sha256(b"".join(bytes.fromhex(r["digest"]) for r in res)).hexdigest()
    need(subj[0]["digest"]["sha256"] == root, "root digest is not over the resources")
    if inside:
        rel = os.path.relpath(path, model_dir).replace(os.sep, "/")
        need(rel not in names, "the bundle inside the model is signed")
    return names


def run(adapter, case, work):
    model, ignores, expected, inside = CASES[case]
    tok = token()
    identity = os.environ.get("SIGSTORE_IDENTITY", "")
    issuer = os.environ.get("SIGSTORE_ISSUER", "")
    need(tok and identity and issuer,
         "SIGSTORE_ID_TOKEN (or _FILE), SIGSTORE_IDENTITY and SIGSTORE_ISSUER are needed")
    mdir = os.path.join(work, "model")
    for name, data in MODELS[model].items():
        p = os.path.join(mdir, name)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as fh:
            fh.write(data)
    bundle = os.path.join(mdir if inside else work, "bundle.sig")
    ign = []
    for p in ignores:
        ign += ["--ignore-paths", os.path.join(mdir, p)]
    r = subprocess.run([adapter, "sign-model", "--method", "sigstore", "--model-path", mdir,
                        "--output-bundle", bundle, "--identity-token", tok] + ign,
                       capture_output=True, text=True)
    need(r.returncode == 0, "sign-model failed: " + (r.stderr or r.stdout).strip())
    need(os.path.isfile(bundle), "sign-model wrote no bundle")
    names = check_bundle(bundle, mdir, inside)
    r = subprocess.run([adapter, "verify-model", "--method", "sigstore", "--model-path", mdir,
                        "--bundle", bundle, "--identity", identity,
                        "--identity-provider", issuer] + ign, capture_output=True, text=True)
    need(r.returncode == 0, "verify-model failed: " + (r.stderr or r.stdout).strip())
    if expected is not None:
        need(sorted(names) == sorted(expected), "signed %s, expected %s" % (names, expected))


def main():
    if sys.argv[1:] == ["--list"]:
        print("\n".join(CASES))
        return 0
    if len(sys.argv) != 4 or sys.argv[2] not in CASES:
        sys.stderr.write(__doc__)
        return 2
    try:
        run(*sys.argv[1:])
    except Failed as e:
        print("%s: %s" % (sys.argv[2], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
