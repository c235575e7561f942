#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""seeds-keyless.py: write the seed corpus of fuzz_keyless into tests/fuzz/corpus/keyless:
signing configurations (byte 0), OIDC tokens (1), Rekor v1 replies (2), Fulcio v2
replies (3), RFC 3161 TimeStampResps over the bytes "sig" (4, made by `openssl ts` with a
throwaway authority), certificates with embedded SCT lists (5), Rekor v2 replies (6) and
Rekor v2 dsse 0.0.2 bodies after a certificate (7), well formed and hostile."""
import base64
import hashlib
import json
import os
import subprocess
import sys
import tempfile


def b64u(obj):
    raw = json.dumps(obj).encode() if not isinstance(obj, bytes) else obj
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def jwt(claims):
    return b64u({"alg": "RS256"}) + "." + b64u(claims) + "." + b64u(b"sig")


SVC = {"url": "https://fulcio.example", "majorApiVersion": 1,
       "validFor": {"start": "2023-04-14T21:38:40Z"}, "operator": "x"}
CONFIG = {
    "mediaType": "application/vnd.dev.sigstore.signingconfig.v0.2+json",
    "caUrls": [SVC],
    "oidcUrls": [],
    "rekorTlogUrls": [dict(SVC, url="https://rekor.example/")],
    "tsaUrls": [],
}
PROOF = {"checkpoint": "log - 1\n1\nAAAA\n\n\u2014 log AAAA\n", "hashes": ["00" * 32],
         "logIndex": 0, "rootHash": "11" * 32, "treeSize": 1}
ENTRY = {"body": "e30=", "integratedTime": 1700000000, "logID": "ab" * 32, "logIndex": 7,
         "verification": {"inclusionProof": PROOF, "signedEntryTimestamp": "MEUC"}}
H32 = base64.b64encode(bytes(32)).decode()
V2 = {"logIndex": "3", "logId": {"keyId": H32}, "kindVersion": {"kind": "dsse", "version": "0.0.2"},
      "inclusionProof": {"logIndex": "3", "rootHash": H32, "treeSize": "4", "hashes": [H32, H32],
                         "checkpoint": {"envelope": "log\n4\n" + H32 + "\n\n\u2014 log AAAA\n"}},
      "canonicalizedBody": "e30="}
CERT = ("-----BEGIN CERTIFICATE-----\nMIIBkTCCATegAwIBAgIBATAKBggqhkjOPQQDAjAAMB4XDTI2MDEwMTAwMDAwMFoX\n"
        "-----END CERTIFICATE-----\n")

SEEDS = {
    "config": (0, CONFIG),
    "config-v2-only": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2)])),
    "config-expired": (0, dict(CONFIG, caUrls=[dict(SVC, validFor={
        "start": "2020-01-01T00:00:00Z", "end": "2021-01-01T00:00:00Z"})])),
    "config-file-url": (0, dict(CONFIG, caUrls=[dict(SVC, url="file:///etc/passwd")])),
    "config-other-type": (0, {"mediaType": "x"}),
    "config-tsa-all": (0, dict(CONFIG, tsaUrls=[dict(SVC, url="https://tsa.example/a"),
                                                dict(SVC, url="https://tsa.example/b")],
                               tsaConfig={"selector": "ALL"})),
    "config-tsa-exact": (0, dict(CONFIG, tsaUrls=[dict(SVC, url="https://tsa.example/a")],
                                 tsaConfig={"selector": "EXACT", "count": 3})),
    "token": (1, jwt({"iss": "https://issuer.example", "sub": "me", "exp": 4102444800})),
    "token-email": (1, jwt({"iss": "https://accounts.google.com", "email": "a@b",
                            "exp": 4102444800})),
    "token-expired": (1, jwt({"iss": "https://issuer.example", "sub": "me", "exp": 1})),
    "token-no-exp": (1, jwt({"iss": "https://issuer.example", "sub": "me"})),
    "token-four-parts": (1, "a.b.c.d"),
    "token-not-json": (1, "a." + b64u(b"\xff\xfe") + ".c"),
    "rekor": (2, {"uuid": ENTRY}),
    "rekor-two": (2, {"a": ENTRY, "b": ENTRY}),
    "rekor-bad-hex": (2, {"uuid": dict(ENTRY, logID="zz")}),
    "rekor-negative": (2, {"uuid": dict(ENTRY, logIndex=-1)}),
    "rekor-no-proof": (2, {"uuid": dict(ENTRY, verification={})}),
    "config-v2-and-v1": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2),
                                                     dict(SVC, url="https://rekor.example/")],
                                 tsaUrls=[dict(SVC, url="https://tsa.example/a")])),
    "config-v2-no-tsa": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2)])),
    "config-v2-all": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2),
                                                  dict(SVC, majorApiVersion=2, url="https://b/")],
                              tsaUrls=[dict(SVC, url="https://tsa.example/a")],
                              rekorTlogConfig={"selector": "ALL"})),
    "config-v2-exact": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2)],
                                tsaUrls=[dict(SVC, url="https://tsa.example/a")],
                                rekorTlogConfig={"selector": "EXACT", "count": 0})),
    "config-rekor-selector": (0, dict(CONFIG, rekorTlogConfig={"selector": "SOME"})),
    "config-v3-only": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=3)])),
    "rekor2": (6, V2),
    "rekor2-zero-omitted": (6, {k: v for k, v in V2.items() if k != "logIndex"} | {
        "inclusionProof": {k: v for k, v in V2["inclusionProof"].items()
                           if k not in ("logIndex", "hashes")}}),
    "rekor2-v1-kind": (6, dict(V2, kindVersion={"kind": "dsse", "version": "0.0.1"})),
    "rekor2-short-root": (6, dict(V2, inclusionProof=dict(V2["inclusionProof"],
                                                          rootHash="AAAA"))),
    "rekor2-hashes-not-list": (6, dict(V2, inclusionProof=dict(V2["inclusionProof"],
                                                               hashes="x"))),
    "rekor2-many-hashes": (6, dict(V2, inclusionProof=dict(V2["inclusionProof"],
                                                           hashes=[H32] * 65))),
    "rekor2-index-text": (6, dict(V2, logIndex="12a")),
    "rekor2-no-checkpoint": (6, dict(V2, inclusionProof=dict(V2["inclusionProof"],
                                                             checkpoint={}))),
    "fulcio": (3, {"signedCertificateEmbeddedSct": {"chain": {"certificates": [CERT]}}}),
    "fulcio-detached": (3, {"signedCertificateDetachedSct": {"chain": {
        "certificates": [CERT]}}}),
    "fulcio-empty": (3, {"signedCertificateEmbeddedSct": {"chain": {"certificates": []}}}),
}


TSA_CNF = """[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
[tsa]
default_tsa = t
[t]
serial = {d}/serial
signer_cert = {d}/tsa.crt
signer_key = {d}/tsa.key
certs = {d}/tsa.crt
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384
accuracy = secs:1
ess_cert_id_alg = sha256
crypto_device = builtin
"""


def timestamps():
    """TimeStampResps from a throwaway OpenSSL TSA: over "sig", over something else, refused
    (a digest it does not take), and the first cut short."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        def run(*args):
            return subprocess.run(["openssl", *args], check=True, capture_output=True).stdout
        with open(d + "/tsa.cnf", "w") as f:
            f.write(TSA_CNF.format(d=d))
        with open(d + "/serial", "w") as f:
            f.write("01\n")
        run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", d + "/tsa.key", "-subj", "/CN=seed tsa", "-days", "3650",
            "-config", d + "/tsa.cnf", "-extensions", "leaf", "-out", d + "/tsa.crt")
        for name, data, digest in (("tsr", b"sig", "-sha256"), ("tsr-other", b"other", "-sha256"),
                                   ("tsr-refused", b"sig", "-sha512")):
            with open(d + "/data", "wb") as f:
                f.write(data)
            run("ts", "-query", "-data", d + "/data", digest, "-cert", "-out", d + "/q")
            out[name] = run("ts", "-reply", "-config", d + "/tsa.cnf", "-queryfile", d + "/q")
    out["tsr-truncated"] = out["tsr"][:len(out["tsr"]) // 2]
    out["tsr-garbage"] = b"\x30\x03\x02\x01\x00"
    return out


def sct_list(n, sig_len=70, trailing=b""):
    """An RFC 6962 SignedCertificateTimestampList of n SCTs with made-up logs and
    signatures, as the DER of the extension's OCTET STRING."""
    one = (b"\x00" + bytes(range(32)) + (1700000000000).to_bytes(8, "big") + b"\x00\x00" +
           b"\x04\x03" + sig_len.to_bytes(2, "big") + b"\x30" * sig_len)
    body = b"".join(len(one).to_bytes(2, "big") + one for _ in range(n)) + trailing
    lst = len(body).to_bytes(2, "big") + body
    return b"\x04" + bytes([0x81, len(lst)]) + lst if len(lst) < 256 else \
        b"\x04\x82" + len(lst).to_bytes(2, "big") + lst


def certificates():
    """Self-signed certificates carrying SCT lists: one, two, a truncated one."""
    out = {}
    with tempfile.TemporaryDirectory() as d:
        for name, ext in (("cert-sct", sct_list(1)), ("cert-sct-two", sct_list(2)),
                          ("cert-sct-bad-length", sct_list(1, trailing=b"\x00\x05")),
                          ("cert-no-sct", None)):
            args = ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", d + "/k", "-subj",
                    "/CN=seed", "-days", "1", "-outform", "DER", "-out", d + "/c"]
            if ext is not None:
                args += ["-addext", "1.3.6.1.4.1.11129.2.4.2=DER:" + ext.hex()]
            subprocess.run(args, check=True, capture_output=True)
            with open(d + "/c", "rb") as f:
                out[name] = f.read()
    return out


def dsse2_bodies(cert):
    """Rekor v2 dsse 0.0.2 bodies over payload "payload" and signature "sig" made with cert
    (DER), each after the certificate and its two-byte length: the right one and hostile
    ones."""
    b64 = lambda b: base64.b64encode(b).decode()
    ver = {"keyDetails": "PKIX_ECDSA_P256_SHA_256", "x509Certificate": {"rawBytes": b64(cert)}}
    spec = {"payloadHash": {"algorithm": "SHA2_256",
                            "digest": b64(hashlib.sha256(b"payload").digest())},
            "signatures": [{"content": b64(b"sig"), "verifier": ver}]}
    body = {"apiVersion": "0.0.2", "kind": "dsse", "spec": {"dsseV002": spec}}
    other = dict(ver, x509Certificate={"rawBytes": b64(cert[:-1] + b"\x00")})
    bodies = {
        "dsse2": body,
        "dsse2-v1": dict(body, apiVersion="0.0.1"),
        "dsse2-sha384": dict(body, spec={"dsseV002": dict(spec, payloadHash={
            "algorithm": "SHA2_384", "digest": spec["payloadHash"]["digest"]})}),
        "dsse2-two-sigs": dict(body, spec={"dsseV002": dict(
            spec, signatures=spec["signatures"] * 2)}),
        "dsse2-other-cert": dict(body, spec={"dsseV002": dict(spec, signatures=[
            {"content": b64(b"sig"), "verifier": other}])}),
        "dsse2-public-key": dict(body, spec={"dsseV002": dict(spec, signatures=[
            {"content": b64(b"sig"), "verifier": {"publicKey": {"rawBytes": "AAAA"}}}])}),
        "dsse2-spec-list": dict(body, spec=[]),
    }
    out = {n: len(cert).to_bytes(2, "big") + cert + json.dumps(b).encode()
           for n, b in bodies.items()}
    out["dsse2-not-json"] = len(cert).to_bytes(2, "big") + cert + b"{\"kind\""
    out["dsse2-length-past-end"] = b"\xff\xff" + cert[:40]
    return out


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "keyless")
    os.makedirs(out, exist_ok=True)
    for name, (kind, body) in SEEDS.items():
        text = body if isinstance(body, str) else json.dumps(body)
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([kind]) + text.encode())
    for name, der in timestamps().items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([4]) + der)
    certs = certificates()
    for name, der in certs.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([5]) + der)
    for name, data in dsse2_bodies(certs["cert-no-sct"]).items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([7]) + data)


if __name__ == "__main__":
    main()
