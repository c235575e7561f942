#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""seeds-keyless.py: write the seed corpus of fuzz_keyless into tests/fuzz/corpus/keyless:
signing configurations (byte 0), OIDC tokens (1), Rekor v1 replies (2) and Fulcio v2
replies (3), well formed and hostile."""
import base64
import json
import os
import sys


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
CERT = ("-----BEGIN CERTIFICATE-----\nMIIBkTCCATegAwIBAgIBATAKBggqhkjOPQQDAjAAMB4XDTI2MDEwMTAwMDAwMFoX\n"
        "-----END CERTIFICATE-----\n")

SEEDS = {
    "config": (0, CONFIG),
    "config-v2-only": (0, dict(CONFIG, rekorTlogUrls=[dict(SVC, majorApiVersion=2)])),
    "config-expired": (0, dict(CONFIG, caUrls=[dict(SVC, validFor={
        "start": "2020-01-01T00:00:00Z", "end": "2021-01-01T00:00:00Z"})])),
    "config-file-url": (0, dict(CONFIG, caUrls=[dict(SVC, url="file:///etc/passwd")])),
    "config-other-type": (0, {"mediaType": "x"}),
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
    "fulcio": (3, {"signedCertificateEmbeddedSct": {"chain": {"certificates": [CERT]}}}),
    "fulcio-detached": (3, {"signedCertificateDetachedSct": {"chain": {
        "certificates": [CERT]}}}),
    "fulcio-empty": (3, {"signedCertificateEmbeddedSct": {"chain": {"certificates": []}}}),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "keyless")
    os.makedirs(out, exist_ok=True)
    for name, (kind, body) in SEEDS.items():
        text = body if isinstance(body, str) else json.dumps(body)
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([kind]) + text.encode())


if __name__ == "__main__":
    main()
