# SPDX-License-Identifier: Apache-2.0
"""redis.py: replicas of mavis serve sharing one queue and report store in a real Redis
(appendonly, fsync always) on loopback: a scan accepted by a replica that runs none (--jobs 0)
is run by another and its report fetched from a third; jobs queued while no replica runs
scans survive a Redis restart and are run afterwards; a job left by a replica that stopped
mid-scan (SIGKILL) is taken again by another after the lease and finished there; a full
shared queue answers 503. The replica "killed mid-scan" is held inside its job by a policy
read from a FIFO no one writes. Usage: redis.py MAVIS WORKDIR REDIS_SERVER."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harborclient import Harbor, Serve, free_port  # noqa: E402

mavis, work, redis_server = sys.argv[1], sys.argv[2], sys.argv[3]
fails = 0
KEY = "redis-test-key-0123456789abcdef"


def check(cond, what):
    global fails
    print(("ok - " if cond else "FAIL - ") + what)
    if not cond:
        fails += 1


class Redis:
    def __init__(self):
        self.port = free_port()
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [redis_server, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", work,
             "--appendonly", "yes", "--appendfsync", "always", "--save", "",
             "--protected-mode", "yes", "--daemonize", "no", "--logfile",
             os.path.join(work, "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                s = socket.create_connection(("127.0.0.1", self.port), timeout=1)
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    s.close()
                    return
                s.close()
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    @property
    def url(self):
        return "redis://127.0.0.1:%d" % self.port


key_file = os.path.join(work, "key")
with open(key_file, "w") as f:
    f.write(KEY + "\n")
DIGEST = "sha256:" + "cd" * 32
redis = Redis()
redis.start()
replicas = []


def replica(*args):
    s = Serve(mavis, key_file, "--redis", redis.url, "--lease", "3", *args)
    replicas.append(s)
    return s


def started_on(scan_id):
    """The replicas whose log says they started the job."""
    return [i for i, r in enumerate(replicas)
            if any(x.get("job") == scan_id and x.get("event") == "start"
                   for x in r.log_lines())]


try:
    front = replica("--jobs", "0", "--queue", "4")
    hf = Harbor(front.port, KEY)

    # Jobs queued while no replica scans, then Redis restarts: nothing acknowledged is lost.
    ids = []
    for i in range(3):
        st, _, b = hf.scan("http://127.0.0.1:9", "queued/job%d" % i, DIGEST)
        check(st == 202, "accepted by the replica that runs no scans (%d)" % st)
        ids.append(json.loads(b)["id"])
    st, h, _ = hf.report(ids[0])
    check(st == 302 and h.get("refresh-after") == "5", "queued: 302 (%d)" % st)
    redis.stop()
    st, _, _ = hf.request("GET", "/probe/ready")
    check(st == 503, "not ready while Redis is down (%d)" % st)
    st, _, _ = hf.scan("http://127.0.0.1:9", "lost/job", DIGEST)
    check(st == 500, "a scan cannot be accepted while Redis is down (%d)" % st)
    redis.start()
    st, _, _ = hf.request("GET", "/probe/ready")
    check(st == 200, "ready again after Redis restarts (%d)" % st)
    st, _, _ = hf.report(ids[2])
    check(st == 302, "the queued job survived the restart (%d)" % st)
    # The queue is shared and bounded: 3 waiting, room for one more.
    st, _, b = hf.scan("http://127.0.0.1:9", "queued/job3", DIGEST)
    ids.append(json.loads(b)["id"] if st == 202 else None)
    st2, h2, _ = hf.scan("http://127.0.0.1:9", "queued/job4", DIGEST)
    check(st == 202 and st2 == 503 and h2.get("retry-after", "").isdigit(),
          "the shared queue fills at --queue (%d, %d)" % (st, st2))

    # Two workers come; a third replica answers for the reports.
    worker1 = replica("--jobs", "2")
    worker2 = replica("--jobs", "2")
    third = Harbor(worker2.port, KEY)
    for i, sid in enumerate(ids):
        st, _, b, polls = third.poll(sid, limit=60)
        ran = started_on(sid)
        check(st == 500 and "oci://127.0.0.1:9/queued/job%d@" % i in
              json.loads(b)["error"]["message"],
              "job %d: its outcome fetched from a third replica (%d)" % (i, st))
        check(ran and 0 not in ran, "job %d ran on replica %s, not the one that took it" %
              (i, ran))
    st, _, b = Harbor(worker1.port, KEY).request("GET", "/metrics")
    m = {ln.split(" ")[0]: float(ln.split(" ")[1]) for ln in b.decode().splitlines()
         if ln and not ln.startswith("#")}
    check(m.get("mavis_scans_queued") == 0 and m.get("mavis_scans_running") == 0,
          "metrics read the shared queue (%s queued, %s running)" %
          (m.get("mavis_scans_queued"), m.get("mavis_scans_running")))

    # A replica killed inside a job. Its worker blocks in the job, reading its policy from a
    # FIFO no one writes, and holds the job's lease, renewed; killed with SIGKILL, it renews
    # no more, and after the lease (3 s) another replica takes the job and finishes it.
    for r in (worker1, worker2):
        r.stop()
    fifo = os.path.join(work, "policy.fifo")
    os.mkfifo(fifo)
    stuck = replica("--jobs", "1", "--policy", fifo)
    st, _, b = hf.scan("http://127.0.0.1:9", "killed/midscan", DIGEST)
    sid = json.loads(b)["id"]
    deadline = time.monotonic() + 20
    while not started_on(sid) and time.monotonic() < deadline:
        time.sleep(0.1)
    check(started_on(sid) == [len(replicas) - 1], "the job started on the replica to be killed")
    rescuer = replica("--jobs", "1")
    time.sleep(5)
    st, _, _ = hf.report(sid)
    check(st == 302 and len(started_on(sid)) == 1,
          "past the lease, the live replica's renewals keep the job its own (%d)" % st)
    stuck.proc.send_signal(signal.SIGKILL)
    stuck.proc.wait()
    t0 = time.monotonic()
    st, _, b, _ = hf.poll(sid, limit=30)
    took = time.monotonic() - t0
    check(st == 500 and "killed/midscan" in json.loads(b)["error"]["message"],
          "the job finished on another replica after the kill (%d, %.1f s)" % (st, took))
    check(len(replicas) - 1 in started_on(sid), "the rescuing replica ran it (%s)" %
          started_on(sid))
    for r in replicas:
        if r is not stuck:
            check(r.stop() == 0, "replica on port %d stops on SIGTERM" % r.port)
finally:
    for r in replicas:
        r.kill()
    redis.stop()
print("%d failures" % fails)
sys.exit(1 if fails else 0)
