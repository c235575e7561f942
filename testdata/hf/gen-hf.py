#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-hf.py: lay out Hugging Face downloads exactly as huggingface_hub does, from a folder
of files, with the standard library only.

  gen-hf.py cache CACHE SRC --repo ORG/NAME [--type model|dataset|space]
                 [--branch main] [--tag v1.0] [--commit HEX]
      A repository in a cache (HF_HUB_CACHE): blobs/<etag>, snapshots/<commit>/<path> as
      relative symlinks into blobs/, refs/<branch> and refs/<tag> holding the commit without
      a newline, CACHEDIR.TAG and .locks/<repo folder>/ at the root.
  gen-hf.py extras CACHE --repo ORG/NAME [--type ...]
      What a cache also holds after real use: a .no_exist marker for a file the Hub said
      does not exist, and an interrupted download (<etag>.<8hex>.incomplete).
  gen-hf.py localdir DEST SRC [--commit HEX] [--time T]
      hf download --local-dir: the files at their repository paths and
      .cache/huggingface/download/<path>.metadata (commit, etag, time) for each.
  gen-hf.py seeds DIR
      Fuzz seeds for download records and Git LFS pointers (tests/fuzz/corpus/hfmeta).
  gen-hf.py tiny SRC
      A small model to lay out: config.json, a safetensors file, tokenizer files in a
      folder, custom code, a sharded checkpoint with its index.

An etag is what the Hub sends and the blob is named by: the SHA-256 of the content for files
Git LFS tracks (by .gitattributes patterns), the git blob SHA-1 (sha1 of "blob <size>\\0"
followed by the content) for the others.
"""
import argparse
import hashlib
import json
import os
import struct
import sys

# The patterns of the .gitattributes a new Hub repository starts with (file suffixes only).
LFS_SUFFIXES = (".7z", ".arrow", ".bin", ".bz2", ".ckpt", ".ftz", ".gz", ".h5", ".joblib",
                ".lfs", ".mlmodel", ".model", ".msgpack", ".npy", ".npz", ".onnx", ".ot",
                ".parquet", ".pb", ".pickle", ".pkl", ".pt", ".pth", ".rar", ".safetensors",
                ".tar", ".tflite", ".tgz", ".wasm", ".xz", ".zip", ".zst", ".gguf")


def git_sha1(data):
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def etag_of(path, data):
    if path.endswith(LFS_SUFFIXES) or len(data) > 10 * 1024 * 1024:
        return hashlib.sha256(data).hexdigest()
    return git_sha1(data)


def files_of(src):
    out = []
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for f in sorted(filenames):
            full = os.path.join(dirpath, f)
            rel = os.path.relpath(full, src).replace(os.sep, "/")
            with open(full, "rb") as fh:
                out.append((rel, fh.read()))
    return out


def commit_of(files):
    h = hashlib.sha1()
    for rel, data in files:
        h.update(rel.encode() + b"\0" + etag_of(rel, data).encode() + b"\n")
    return h.hexdigest()


def repo_folder(kind, repo):
    return "%ss--%s" % (kind, repo.replace("/", "--"))


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def cmd_cache(a):
    files = files_of(a.src)
    commit = a.commit or commit_of(files)
    folder = repo_folder(a.type, a.repo)
    repo = os.path.join(a.cache, folder)
    write(os.path.join(a.cache, "CACHEDIR.TAG"),
          b"Signature: 8a477f597d28d172789f06886806bc55\n")
    snap = os.path.join(repo, "snapshots", commit)
    os.makedirs(snap, exist_ok=True)
    for rel, data in files:
        etag = etag_of(rel, data)
        blob = os.path.join(repo, "blobs", etag)
        if not os.path.exists(blob):
            write(blob, data)
        os.makedirs(os.path.join(a.cache, ".locks", folder), exist_ok=True)
        write(os.path.join(a.cache, ".locks", folder, etag + ".lock"), b"")
        pointer = os.path.join(snap, rel)
        os.makedirs(os.path.dirname(pointer), exist_ok=True)
        if os.path.lexists(pointer):
            os.unlink(pointer)
        # _create_symlink: relative to the pointer's folder.
        os.symlink(os.path.relpath(blob, os.path.dirname(pointer)), pointer)
    for ref in (a.branch, a.tag):
        if ref:
            write(os.path.join(repo, "refs", ref), commit.encode())
    print(commit)


def cmd_extras(a):
    repo = os.path.join(a.cache, repo_folder(a.type, a.repo))
    snaps = sorted(os.listdir(os.path.join(repo, "snapshots")))
    for commit in snaps:
        write(os.path.join(repo, ".no_exist", commit, "adapter_config.json"), b"")
    data = b"partial download of a weights file"
    etag = hashlib.sha256(b"the whole weights file").hexdigest()
    write(os.path.join(repo, "blobs", etag + ".1a2b3c4d.incomplete"), data)


def cmd_localdir(a):
    files = files_of(a.src)
    commit = a.commit or commit_of(files)
    meta = os.path.join(a.dest, ".cache", "huggingface")
    write(os.path.join(meta, ".gitignore"), b"*")
    write(os.path.join(meta, "CACHEDIR.TAG"), b"Signature: 8a477f597d28d172789f06886806bc55\n")
    for rel, data in files:
        target = os.path.join(a.dest, rel)
        write(target, data)
        os.utime(target, (a.time - 10, a.time - 10))
        line = "%s\n%s\n%s\n" % (commit, etag_of(rel, data), repr(float(a.time)))
        write(os.path.join(meta, "download", rel + ".metadata"), line.encode())
        write(os.path.join(meta, "download", rel + ".lock"), b"")
    print(commit)


def safetensors(tensors):
    header, blob = {}, b""
    for name, values in tensors:
        raw = struct.pack("<%df" % len(values), *values)
        header[name] = {"dtype": "F32", "shape": [len(values)],
                        "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + blob


def cmd_tiny(a):
    s = a.src
    write(os.path.join(s, "config.json"),
          json.dumps({"model_type": "tiny", "hidden_size": 4}, indent=2).encode() + b"\n")
    write(os.path.join(s, "README.md"),
          b"---\nlicense: mit\npipeline_tag: text-generation\n---\n# tiny\n")
    write(os.path.join(s, "model.safetensors"), safetensors([("w", [1.0, 2.0, 3.0, 4.0])]))
    write(os.path.join(s, "tokenizer", "tokenizer.json"), b'{"version": "1.0"}\n')
    write(os.path.join(s, "tokenizer", "vocab", "vocab.txt"), b"a\nb\nc\n")
    write(os.path.join(s, "modeling_tiny.py"), b"import torch\n\nclass Tiny:\n    pass\n")
    shards = [("model-00001-of-00002.safetensors", "a.weight"),
              ("model-00002-of-00002.safetensors", "b.weight")]
    for name, tensor in shards:
        write(os.path.join(s, "sharded", name), safetensors([(tensor, [0.5, 0.25])]))
    index = {"metadata": {"total_size": 16},
             "weight_map": {t: n for n, t in shards}}
    write(os.path.join(s, "sharded", "model.safetensors.index.json"),
          json.dumps(index, indent=2).encode())


def cmd_seeds(a):
    commit = "0123456789abcdef0123456789abcdef01234567"
    sha = hashlib.sha256(b"weights").hexdigest()
    seeds = {
        "meta-lfs": "%s\n%s\n1712656091.123\n" % (commit, sha),
        "meta-git": "%s\n%s\n1712656091.5\n" % (commit, git_sha1(b"config")),
        "meta-nonewline": "%s\n%s\n1712656091" % (commit, sha),
        "meta-short": "%s\n%s\n" % (commit, sha),
        "meta-badtime": "%s\n%s\nnan\n" % (commit, sha),
        "meta-extra": "%s\n%s\n1.0\nmore\n" % (commit, sha),
        "pointer": "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize 7\n" % sha,
        "pointer-ext": "version https://git-lfs.github.com/spec/v1\next-0-foo sha256:%s\n"
                       "oid sha256:%s\nsize 18446744073709551615\n" % (sha, sha),
        "pointer-bad": "version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize x\n"
                       % sha[:63],
    }
    os.makedirs(a.dir, exist_ok=True)
    for name, text in seeds.items():
        write(os.path.join(a.dir, name), text.encode())


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cache")
    c.add_argument("cache")
    c.add_argument("src")
    c.add_argument("--repo", required=True)
    c.add_argument("--type", default="model", choices=("model", "dataset", "space"))
    c.add_argument("--branch", default="main")
    c.add_argument("--tag")
    c.add_argument("--commit")
    e = sub.add_parser("extras")
    e.add_argument("cache")
    e.add_argument("--repo", required=True)
    e.add_argument("--type", default="model", choices=("model", "dataset", "space"))
    d = sub.add_parser("localdir")
    d.add_argument("dest")
    d.add_argument("src")
    d.add_argument("--commit")
    d.add_argument("--time", type=float, default=1712656091.123)
    f = sub.add_parser("seeds")
    f.add_argument("dir")
    t = sub.add_parser("tiny")
    t.add_argument("src")
    a = p.parse_args()
    {"cache": cmd_cache, "extras": cmd_extras, "localdir": cmd_localdir,
     "seeds": cmd_seeds, "tiny": cmd_tiny}[a.cmd](a)
    return 0


if __name__ == "__main__":
    sys.exit(main())
