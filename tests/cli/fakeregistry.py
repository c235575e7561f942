#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fakeregistry.py: a registry that serves one OCI layout read-only over the distribution API,
for what docker-registry cannot be made to do: token authentication without a token service
of its own (Bearer challenge, a token endpoint that wants Basic credentials, the token asked
back), replies a real registry refuses to store (a manifest over 4 MiB, tag "big"), and a
registry that is slow without stalling: repository "slow" serves SLOW_LAYOUT (LAYOUT when not
given), its blobs over 64 KiB 16 bytes every 0.2 s (hours for a large layer, yet never long
silent).

usage: fakeregistry.py LAYOUT PORTFILE [SLOW_LAYOUT]
       (prints the port it listens on into PORTFILE)"""
import base64
import http.server
import json
import os
import sys
import time

LAYOUT, PORTFILE = sys.argv[1], sys.argv[2]
SLOW_LAYOUT = sys.argv[3] if len(sys.argv) > 3 else LAYOUT
TOKEN = "tok-3f9a"
USER = base64.b64encode(b"bob:hunter2").decode()


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, code, body=b"", ctype="application/json", headers=()):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        port = self.server.server_address[1]
        if self.path.startswith("/token?"):
            if self.headers.get("Authorization") != "Basic " + USER:
                return self.reply(401)
            if not any("scope=repository%%3A%s%%3Apull" % r in self.path for r in ("model", "slow")) \
                    or "service=fake" not in self.path:
                return self.reply(400)
            return self.reply(200, json.dumps({"token": TOKEN}).encode())
        if self.headers.get("Authorization") != "Bearer " + TOKEN:
            challenge = 'Bearer realm="http://127.0.0.1:%d/token",service="fake",' \
                        'scope="repository:%s:pull"' % (port, self.path.split("/")[2])
            return self.reply(401, b"{}", headers=[("WWW-Authenticate", challenge)])
        parts = self.path.split("/")
        if len(parts) != 5 or parts[1] != "v2" or parts[2] not in ("model", "slow"):
            return self.reply(404)
        kind, ref = parts[3], parts[4]
        layout = SLOW_LAYOUT if parts[2] == "slow" else LAYOUT
        if kind == "manifests" and ref == "big":
            body = json.dumps({"schemaVersion": 2, "pad": "x" * (5 << 20)}).encode()
            return self.reply(200, body, "application/vnd.oci.image.manifest.v1+json")
        if not ref.startswith("sha256:"):
            index = json.load(open(os.path.join(layout, "index.json")))
            for d in index["manifests"]:
                if d.get("annotations", {}).get("org.opencontainers.image.ref.name") == ref:
                    ref = d["digest"]
                    break
            else:
                return self.reply(404)
        path = os.path.join(layout, "blobs", "sha256", ref[len("sha256:"):])
        if "/" in ref[len("sha256:"):] or not os.path.isfile(path):
            return self.reply(404)
        body = open(path, "rb").read()
        ctype = "application/vnd.oci.image.manifest.v1+json" if kind == "manifests" else \
            "application/octet-stream"
        if parts[2] == "slow" and kind == "blobs" and len(body) > 65536:
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                for i in range(0, len(body), 16):
                    self.wfile.write(body[i:i + 16])
                    self.wfile.flush()
                    time.sleep(0.2)
            except (BrokenPipeError, ConnectionResetError):
                pass    # the client gave up, as it should
            return
        self.reply(200, body, ctype, [("Docker-Content-Digest", ref)])


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
server.serve_forever()
