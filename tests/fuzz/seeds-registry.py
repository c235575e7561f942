#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""seeds-registry.py: write the seed corpus of fuzz_registry into tests/fuzz/corpus/registry:
oci:// references (byte 0), WWW-Authenticate challenges (byte 1) and Docker config.json
files (byte 2), ordinary and hostile."""
import base64
import json
import os
import sys

AUTH = base64.b64encode(b"alice:s3cret").decode()
SEEDS = {
    "ref-tag": (0, "oci://registry.example.com/models/llama:v1"),
    "ref-port-digest": (0, "oci://127.0.0.1:5000/a/b@sha256:" + "ab" * 32),
    "ref-v6": (0, "oci://[::1]:5000/repo"),
    "ref-sha512": (0, "oci://localhost/repo@sha512:" + "0" * 128),
    "ref-both": (0, "oci://host/repo:tag@sha256:" + "0" * 64),
    "ref-traversal": (0, "oci://host/../etc:v1"),
    "ref-upper": (0, "oci://host/Repo:v1"),
    "ref-query": (0, "oci://host/repo:v1?x=y"),
    "ref-loopback-name": (0, "oci://127.evil.example/repo:v1"),
    "ref-port-big": (0, "oci://host:65536/repo"),
    "ref-separators": (0, "oci://host/a__b.c--d/e_f:t.-_"),
    "ch-bearer": (1, 'Bearer realm="https://auth.example/token",service="registry.example",'
                     'scope="repository:models/llama:pull"'),
    "ch-basic": (1, 'Basic realm="Registry Realm"'),
    "ch-two": (1, 'Bearer realm="https://a/token", Basic realm="x"'),
    "ch-escape": (1, 'Bearer realm="https://a/t\\"oken",scope=repository:x:pull'),
    "ch-repeat": (1, 'Bearer realm="https://a",realm="https://b"'),
    "ch-unterminated": (1, 'Bearer realm="https://a'),
    "ch-token68": (1, 'Negotiate abc=='),
    "cfg-auth": (2, json.dumps({"auths": {"registry.example:5000": {"auth": AUTH}}})),
    "cfg-url-key": (2, json.dumps({"auths": {"https://registry.example:5000/v1/": {"auth": AUTH}}})),
    "cfg-userpass": (2, json.dumps({"auths": {"registry.example:5000": {
        "username": "alice", "password": "s3cret"}}})),
    "cfg-helper": (2, json.dumps({"credsStore": "desktop", "auths": {"registry.example:5000": {}}})),
    "cfg-bad-auth": (2, json.dumps({"auths": {"registry.example:5000": {"auth": "!!!"}}})),
    "cfg-no-colon": (2, json.dumps({"auths": {"registry.example:5000": {
        "auth": base64.b64encode(b"alice").decode()}}})),
    "cfg-not-object": (2, '{"auths": []}'),
    "cfg-dup": (2, '{"auths": {"registry.example:5000": {"auth": "YTpi"}, '
                   '"registry.example:5000": {"auth": "Yzpk"}}}'),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "corpus", "registry")
    os.makedirs(out, exist_ok=True)
    for name, (kind, text) in sorted(SEEDS.items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(bytes([kind]) + text.encode())


if __name__ == "__main__":
    main()
