#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""rawlayout.py OUT MIB: a ModelPack layout (tag v1) with one raw weight layer (model.bin) of
MIB MiB of deterministic, incompressible bytes (SHA-256 in counter mode), its config's
modelfs.diffIds naming the layer. Large layouts for bench/registry.sh and bench/serve.sh, and
the layer that tests/cli/registry.sh pulls through the read-ahead thread; made when needed,
never checked in."""
import hashlib, json, os, sys
out, mib = sys.argv[1], int(sys.argv[2])
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(data=None, path=None):
    h = hashlib.sha256()
    if path:
        with open(path, "rb") as f:
            for b in iter(lambda: f.read(1 << 20), b""):
                h.update(b)
        d = h.hexdigest()
        os.rename(path, os.path.join(blobs, d))
        return d, os.path.getsize(os.path.join(blobs, d))
    h.update(data)
    d = h.hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return d, len(data)
tmp = os.path.join(out, "layer.tmp")
with open(tmp, "wb") as f:   # incompressible, deterministic: SHA-256 in counter mode
    for i in range(mib * 32768):
        f.write(hashlib.sha256(i.to_bytes(8, "little")).digest())
ld, ls = put(path=tmp)
cd, cs = put(json.dumps({"descriptor": {"name": "bench"}, "config": {},
                         "modelfs": {"type": "layers", "diffIds": ["sha256:" + ld]}}).encode())
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "artifactType": "application/vnd.cncf.model.manifest.v1+json",
    "config": {"mediaType": "application/vnd.cncf.model.config.v1+json", "digest": "sha256:" + cd, "size": cs},
    "layers": [{"mediaType": "application/vnd.cncf.model.weight.v1.raw", "digest": "sha256:" + ld,
                "size": ls, "annotations": {"org.cncf.model.filepath": "model.bin"}}]}).encode()
md, ms = put(m)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": "sha256:" + md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]},
    open(os.path.join(out, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))
