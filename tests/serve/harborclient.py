# SPDX-License-Identifier: Apache-2.0
"""harborclient.py: a client of mavis serve that speaks as Harbor's scanner client does
(pkg/scan/rest/v1/client.go): the adapter root plus /api/v1, the credential as
X-ScannerAdapter-API-Key or Authorization, Accept and Content-Type with their version
parameters, redirects never followed (a 302 is "not ready", wait Refresh-After seconds, 5 when
it does not parse as an int8), and a replica of mavis serve started and stopped around it.
Standard library only."""

import http.client
import json
import os
import signal
import socket
import subprocess
import time

MT_METADATA = "application/vnd.scanner.adapter.metadata+json; version=1.0"
MT_SCAN_REQUEST = "application/vnd.scanner.adapter.scan.request+json; version=1.1"
MT_VULN = "application/vnd.security.vulnerability.report; version=1.1"
MT_MODEL = "application/vnd.security.model.report+json; version=1.0"
MT_RAW = "application/vnd.scanner.adapter.vuln.report.raw"
MT_SBOM = "application/vnd.security.sbom.report+json; version=1.0"


class Serve:
    """One mavis serve process on a loopback port it picked (--listen 127.0.0.1:0)."""

    def __init__(self, mavis, key_file, *args, env=None):
        self.log_path = key_file + ".log.%d" % time.monotonic_ns()
        self.log = open(self.log_path, "w+")
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen(
            [mavis, "serve", "--listen", "127.0.0.1:0", "--api-key-file", key_file] + list(args),
            stdout=subprocess.DEVNULL, stderr=self.log, env=e)
        self.port = None
        deadline = time.monotonic() + 20
        while self.port is None and time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mavis serve exited %d: %s" % (self.proc.returncode,
                                                                  self.log_text()))
            for line in self.log_text().splitlines():
                if '"event":"listening"' in line:
                    self.port = json.loads(line)["port"]
            time.sleep(0.05)
        if self.port is None:
            self.kill()
            raise RuntimeError("mavis serve did not say where it listens")

    def log_text(self):
        with open(self.log_path) as f:
            return f.read()

    def log_lines(self):
        return [json.loads(x) for x in self.log_text().splitlines() if x.strip()]

    def stop(self, sig=signal.SIGTERM, timeout=30):
        """Send sig and wait; the exit status (None when it did not stop)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class Harbor:
    """Harbor's side of the conversation with one adapter."""

    def __init__(self, port, key, auth="apikey"):
        self.port = port
        self.key = key
        self.auth = auth

    def headers(self, extra=None):
        h = {}
        if self.auth == "apikey":
            h["X-ScannerAdapter-API-Key"] = self.key
        elif self.auth == "bearer":
            h["Authorization"] = "Bearer " + self.key
        elif self.auth == "basic":
            h["Authorization"] = "Basic " + self.key
        h.update(extra or {})
        return h

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers as a dict with lowercase names, body bytes); no redirects."""
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=self.headers(headers))
            r = c.getresponse()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, r.read()
        finally:
            c.close()

    def metadata(self):
        return self.request("GET", "/api/v1/metadata", headers={"Accept": MT_METADATA})

    def scan(self, registry_url, repository, digest, authorization="Basic cm9ib3Q6c2VjcmV0",
             capability="vulnerability", produces=(MT_VULN,), mime_type=None, raw=None):
        if raw is None:
            req = {"registry": {"url": registry_url, "authorization": authorization},
                   "artifact": {"repository": repository, "digest": digest,
                                "tag": "latest",
                                "mime_type": mime_type or
                                "application/vnd.oci.image.manifest.v1+json"},
                   "enabled_capabilities": [{"type": capability,
                                             "produces_mime_types": list(produces),
                                             "parameters": None}]}
            raw = json.dumps(req).encode()
        return self.request("POST", "/api/v1/scan", body=raw,
                            headers={"Content-Type": MT_SCAN_REQUEST,
                                     "Accept": "application/vnd.scanner.adapter.scan.response"
                                               "+json; version=1.0"})

    def report(self, scan_id, accept=MT_VULN, query=""):
        return self.request("GET", "/api/v1/scan/%s/report%s" % (scan_id, query),
                            headers={"Accept": accept})

    def poll(self, scan_id, accept=MT_VULN, limit=120, query=""):
        """Poll as Harbor does until the answer is not 302; (status, headers, body, polls).
        Waits are cut to a tenth of Refresh-After, so tests stay short."""
        deadline = time.monotonic() + limit
        polls = 0
        while True:
            st, h, b = self.report(scan_id, accept, query)
            polls += 1
            if st != 302 or time.monotonic() > deadline:
                return st, h, b, polls
            try:
                wait = int(h.get("refresh-after", ""))
                if not -128 <= wait <= 127:
                    raise ValueError
            except ValueError:
                wait = 5
            time.sleep(wait / 10)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p
