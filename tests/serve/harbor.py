# SPDX-License-Identifier: Apache-2.0
"""harbor.py: mavis serve (one replica, queue in memory) as Harbor talks to it: metadata, the
three ways Harbor sends its credential and wrong keys, a scan accepted at once and polled with
no redirect followed, reports in the type Accept asks for, bad requests (malformed JSON, wrong
types, unknown capability, values out of range, nesting), bodies and headers over the limits,
a slow client, a full queue, probes, metrics, one log line per request, and a clean stop on
SIGTERM. Usage: harbor.py MAVIS WORKDIR."""

import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harborclient import (Harbor, Serve, MT_VULN, MT_MODEL, MT_RAW, MT_SBOM)  # noqa: E402

mavis, work = sys.argv[1], sys.argv[2]
fails = 0
KEY = "k3y-for-the-harbor-test_0123456789"
DIGEST = "sha256:" + "ab" * 32


def check(cond, what):
    global fails
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        fails += 1


key_file = os.path.join(work, "key")
with open(key_file, "w") as f:
    f.write(KEY + "\n")

srv = Serve(mavis, key_file, "--jobs", "1", "--queue", "2", "--timeout", "2",
            "--max-body", "4096", "--max-header", "8192", "--report-ttl", "60")
try:
    hb = Harbor(srv.port, KEY)
    requests = 0

    # Metadata, with Harbor's old Accept (version=1.0) and each credential form.
    for auth in ("apikey", "bearer"):
        st, h, b = Harbor(srv.port, KEY, auth).metadata()
        requests += 1
        check(st == 200 and h.get("content-type", "").startswith(
            "application/vnd.scanner.adapter.metadata+json"), "metadata with %s: %d" % (auth, st))
    meta = json.loads(b)
    caps = {c["type"]: c for c in meta["capabilities"]}
    check(set(caps) == {"vulnerability", "model-security", "sbom"}, "three capabilities")
    check(MT_VULN in caps["vulnerability"]["produces_mime_types"] and
          "application/vnd.oci.image.manifest.v1+json" in
          caps["vulnerability"]["consumes_mime_types"], "vulnerability consumes OCI, makes 1.1")
    check(MT_MODEL in caps["model-security"]["produces_mime_types"] and
          "application/vnd.cncf.model.manifest.v1+json" in
          caps["model-security"]["consumes_mime_types"], "model-security for ModelPack")
    check(caps["sbom"]["additional_attributes"]["sbom_media_types"] ==
          ["application/vnd.cyclonedx+json"], "sbom: CycloneDX")
    consumed = [t for c in meta["capabilities"] if c["type"] != "sbom"
                for t in c["consumes_mime_types"]]
    check(len(consumed) == len(set(consumed)), "a consumed type in one capability only")
    st, _, _ = Harbor(srv.port, KEY, "basic").metadata()
    requests += 1
    check(st == 200, "metadata with Authorization: Basic")

    # Wrong keys: none, wrong, a prefix, the key and more, another scheme.
    for name, h in (("no key", {}), ("wrong key", {"X-ScannerAdapter-API-Key": "nope"}),
                    ("prefix", {"X-ScannerAdapter-API-Key": KEY[:-1]}),
                    ("longer", {"Authorization": "Bearer " + KEY + "x"}),
                    ("scheme", {"Authorization": "Token " + KEY})):
        c = Harbor(srv.port, KEY, "none")
        st, hh, b = c.request("GET", "/api/v1/metadata", headers=h)
        requests += 1
        check(st == 401 and "error" in json.loads(b), "401 for %s" % name)
        st, _, _ = c.request("POST", "/api/v1/scan", body=b"{}", headers=h)
        requests += 1
        check(st == 401, "401 on scan for %s" % name)

    # A scan request as Harbor sends it: 202 with an id, at once.
    t0 = time.monotonic()
    st, h, b = hb.scan("http://127.0.0.1:9", "library/model", DIGEST)
    requests += 1
    took = time.monotonic() - t0
    check(st == 202 and h.get("content-type", "").startswith(
        "application/vnd.scanner.adapter.scan.response+json"), "scan accepted: %d" % st)
    sid = json.loads(b)["id"]
    check(len(sid) == 32 and took < 2, "an id, in %.3f s" % took)
    # Polled with no redirect followed: 302 with an int8 Refresh-After until it ends. No
    # registry listens on port 9, so the scan fails and Harbor gets 500 with the reason.
    st, h, b, polls = hb.poll(sid)
    requests += polls
    check(st in (200, 500), "poll ends in 200 or 500 (%d after %d polls)" % (st, polls))
    if st == 500:
        msg = json.loads(b)["error"]["message"]
        check("oci://127.0.0.1:9/library/model@" + DIGEST in msg, "the error names the input")

    # Reports: unknown and malformed ids, Accept nobody makes, SBOM parameters.
    for name, path in (("unknown id", "/api/v1/scan/%s/report" % ("0" * 32)),
                       ("malformed id", "/api/v1/scan/..%2f..%2fetc/report"),
                       ("long id", "/api/v1/scan/%s/report" % ("a" * 300))):
        st, _, _ = hb.request("GET", path, headers={"Accept": MT_VULN})
        requests += 1
        check(st == 404, "404 for %s (%d)" % (name, st))
    st, _, _ = hb.report(sid, accept="text/html")
    requests += 1
    check(st == 501, "501 for an Accept no report has (%d)" % st)
    st, _, _ = hb.report(sid, accept=MT_SBOM)
    requests += 1
    check(st == 400, "400 for an SBOM report without sbom_media_type (%d)" % st)
    st, _, _ = hb.report(sid, accept=MT_SBOM, query="?sbom_media_type=application/spdx+json")
    requests += 1
    check(st == 501, "501 for an SPDX SBOM (%d)" % st)

    # Bad requests: (name, body, wanted status).
    good = {"registry": {"url": "https://reg.example"},
            "artifact": {"repository": "a/b", "digest": DIGEST}}

    def with_(path, value):
        d = json.loads(json.dumps(good))
        o = d
        for k in path[:-1]:
            o = o[k]
        if value is KeyError:
            del o[path[-1]]
        else:
            o[path[-1]] = value
        return json.dumps(d).encode()

    cap = {"type": "vulnerability", "produces_mime_types": [MT_VULN]}
    bad = [
        ("malformed JSON", b'{"registry": {', 400),
        ("not an object", b'[1, 2]', 400),
        ("empty body", b'', 400),
        ("duplicate key", b'{"registry":{"url":"https://a"},"registry":{}}', 400),
        ("registry a string", with_(["registry"], "https://reg"), 400),
        ("url a number", with_(["registry", "url"], 5), 400),
        ("digest an array", with_(["artifact", "digest"], ["x"]), 400),
        ("no registry", with_(["registry"], KeyError), 422),
        ("no digest", with_(["artifact", "digest"], KeyError), 422),
        ("ftp url", with_(["registry", "url"], "ftp://reg"), 422),
        ("url with userinfo", with_(["registry", "url"], "https://u:p@reg"), 422),
        ("url with a path", with_(["registry", "url"], "https://reg/x/../y"), 422),
        ("digest uppercase", with_(["artifact", "digest"], "sha256:" + "AB" * 32), 422),
        ("digest short", with_(["artifact", "digest"], "sha256:abc"), 422),
        ("repository traversal", with_(["artifact", "repository"], "a/../b"), 422),
        ("repository uppercase", with_(["artifact", "repository"], "A/b"), 422),
        ("authorization CRLF", with_(["registry", "authorization"],
                                     "Basic eDp5\r\nX-Evil: 1"), 422),
        ("authorization scheme", with_(["registry", "authorization"], "Digest x"), 422),
        ("mime type not consumed", with_(["artifact", "mime_type"],
                                         "application/vnd.oci.image.index.v1+json"), 422),
        ("capabilities an object", with_(["enabled_capabilities"], {"a": 1}), 400),
        ("unknown capability", with_(["enabled_capabilities"],
                                     [dict(cap, type="malware")]), 422),
        ("capability type a number", with_(["enabled_capabilities"], [dict(cap, type=1)]), 400),
        ("no produces_mime_types", with_(["enabled_capabilities"], [{"type": "sbom"}]), 400),
        ("produces a type not made", with_(["enabled_capabilities"],
                                           [dict(cap, produces_mime_types=["text/html"])]),
         422),
        ("sbom without media types", with_(["enabled_capabilities"],
                                           [{"type": "sbom", "produces_mime_types": [MT_SBOM]}]),
         422),
        ("sbom spdx", with_(["enabled_capabilities"],
                            [{"type": "sbom", "produces_mime_types": [MT_SBOM],
                              "parameters": {"sbom_media_types": ["application/spdx+json"]}}]),
         422),
        ("nested deep", b'{"registry":' + b'[' * 50 + b']' * 50 + b'}', 400),
    ]
    for name, body, want in bad:
        st, h, b = hb.scan(None, None, None, raw=body)
        requests += 1
        ok = st == want
        try:
            ok = ok and "message" in json.loads(b)["error"]
        except (ValueError, KeyError, TypeError):
            ok = False
        check(ok, "%d for %s (got %d)" % (want, name, st))
    st, _, _ = hb.scan(None, None, None, raw=with_(["enabled_capabilities"], [
        {"type": "sbom", "produces_mime_types": [MT_SBOM],
         "parameters": {"sbom_media_types": ["application/vnd.cyclonedx+json"]}},
        {"produces_mime_types": [MT_RAW], "parameters": None}]))
    requests += 1
    check(st in (202, 503), "an SBOM request for CycloneDX and a capability with no type (%d)"
          % st)

    # Bodies over --max-body: declared (refused before the body is read) and chunked (the
    # connection is closed).
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(("POST /api/v1/scan HTTP/1.1\r\nHost: x\r\nX-ScannerAdapter-API-Key: %s\r\n"
               "Content-Length: 100000000\r\n\r\n" % KEY).encode())
    resp = s.recv(4096).decode("latin-1")
    s.close()
    requests += 1
    check(resp.startswith("HTTP/1.1 413"), "413 for a declared body over the limit")
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    s.sendall(("POST /api/v1/scan HTTP/1.1\r\nHost: x\r\nX-ScannerAdapter-API-Key: %s\r\n"
               "Transfer-Encoding: chunked\r\n\r\n" % KEY).encode())
    closed = False
    try:
        for _ in range(64):
            s.sendall(b"400\r\n" + b"x" * 1024 + b"\r\n")
        resp = s.recv(4096)
        closed = not resp.startswith(b"HTTP/1.1 2")
    except (ConnectionError, socket.timeout):
        closed = True
    s.close()
    requests += 1
    check(closed, "a chunked body over the limit is cut off")
    # Headers over --max-header.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
    try:
        s.sendall(("GET /api/v1/metadata HTTP/1.1\r\nHost: x\r\nX-Pad: %s\r\n\r\n"
                   % ("p" * 20000)).encode())
        resp = s.recv(4096).decode("latin-1")
    except ConnectionError:
        resp = "closed"
    s.close()
    check(resp == "closed" or resp.split(" ")[1] in ("413", "431", "400"),
          "headers over the limit refused (%s)" % resp[:20])
    # A slow client (half a request line, then nothing) is dropped after --timeout 2.
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=10)
    s.sendall(b"GET /api/v1/meta")
    t0 = time.monotonic()
    try:
        got = s.recv(4096)
    except (ConnectionError, socket.timeout):
        got = b""
    waited = time.monotonic() - t0
    s.close()
    check(got == b"" and waited < 8, "a slow client is dropped (after %.1f s)" % waited)

    # A full queue: --queue 2 and one worker; requests back to back outrun it.
    statuses = []
    for _ in range(40):
        st, h, _ = hb.scan("http://127.0.0.1:9", "library/model", DIGEST)
        requests += 1
        statuses.append(st)
        if st == 503:
            check(h.get("retry-after", "").isdigit(), "503 carries Retry-After")
            break
    check(503 in statuses and set(statuses) <= {202, 503}, "503 when the queue is full")

    # Routes, methods, probes, metrics.
    for method, path, want in (("GET", "/probe/healthy", 200), ("GET", "/probe/ready", 200),
                               ("GET", "/nowhere", 404), ("DELETE", "/api/v1/scan", 405),
                               ("POST", "/api/v1/metadata", 405)):
        st, _, _ = hb.request(method, path)
        requests += 1
        check(st == want, "%s %s: %d" % (method, path, st))
    time.sleep(1)
    st, h, b = hb.request("GET", "/metrics")
    requests += 1
    m = {ln.split(" ")[0]: float(ln.split(" ")[1]) for ln in b.decode().splitlines()
         if ln and not ln.startswith("#")}
    check(st == 200 and h.get("content-type", "").startswith("text/plain"), "metrics")
    for name in ("mavis_scans_queued", "mavis_scans_running", "mavis_scans_done_total",
                 "mavis_scans_failed_total", "mavis_scan_seconds_sum",
                 "mavis_scans_rejected_total"):
        check(name in m, "metric %s" % name)
    check(m.get("mavis_scans_accepted_total", 0) == statuses.count(202) + 2,
          "accepted counts the 202s (%s)" % m.get("mavis_scans_accepted_total"))
    check(m.get("mavis_scans_rejected_total", 0) >= 1, "rejected counts the 503s")
finally:
    code = srv.stop()
check(code == 0, "SIGTERM stops it, exit status 0 (%s)" % code)

# --scan-timeout: a scan stuck past it (its policy read from a FIFO no one writes yet) fails
# with that reason; once the FIFO is written the worker ends and the service stops cleanly.
fifo = os.path.join(work, "policy.fifo")
os.mkfifo(fifo)
slow = Serve(mavis, key_file, "--jobs", "1", "--scan-timeout", "2", "--policy", fifo)
try:
    hs = Harbor(slow.port, KEY)
    st, _, b = hs.scan("http://127.0.0.1:9", "slow/scan", DIGEST)
    t0 = time.monotonic()
    st, _, b, _ = hs.poll(json.loads(b)["id"], limit=20)
    took = time.monotonic() - t0
    check(st == 500 and "longer than the limit (2 s)" in json.loads(b)["error"]["message"] and
          took < 6, "a scan past --scan-timeout fails (%d after %.1f s)" % (st, took))
    slow.proc.send_signal(15)
    fd = os.open(fifo, os.O_WRONLY)
    try:
        os.write(fd, b"fail-on high\n")
    except BrokenPipeError:
        pass    # the reader is gone already: it only had to be let out of open()
    os.close(fd)
    code = slow.stop()
    check(code == 0, "the stuck worker ends and the service stops (%s)" % code)
    check(any(x.get("event") == "late" for x in slow.log_lines()),
          "the late result is logged, not stored")
finally:
    slow.kill()

lines = srv.log_lines()
reqs = [x for x in lines if "method" in x]
check(all({"time", "client", "method", "path", "status", "ms"} <= set(x) for x in reqs),
      "every request line has time, client, method, path, status, ms")
check(len(reqs) == requests, "one log line per request (%d lines, %d requests)"
      % (len(reqs), requests))
check(not any(KEY in json.dumps(x) for x in lines), "the key is never logged")
check(any(x.get("event") == "stopping" for x in lines), "the stop is logged")
print("%d failures" % fails)
sys.exit(1 if fails else 0)
