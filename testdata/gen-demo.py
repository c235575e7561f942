#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-demo.py: the small demo model package in testdata/demo (checked in).

    gen-demo.py [OUTDIR]     (default: testdata/demo beside this script)

A model folder as people download them: a config, a tokenizer vocabulary, weights in
safetensors, a model card, and the same weights shipped again as a .tar.gz release bundle.
Deterministic: the same bytes on every run (fixed tensor values, gzip and tar times at 0).
"""

import gzip
import io
import json
import os
import struct
import sys
import tarfile


def safetensors(tensors):
    """tensors: name -> (dtype, shape, raw bytes)."""
    header, data = {"__metadata__": {"format": "pt"}}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape,
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + data


def floats(n, scale):
    return struct.pack("<%df" % n, *[((i * 37) % 101 - 50) * scale for i in range(n)])


def main(out):
    os.makedirs(out, exist_ok=True)
    config = json.dumps({"architectures": ["DemoForCausalLM"], "model_type": "demo",
                         "hidden_size": 8, "num_hidden_layers": 1, "vocab_size": 16,
                         "torch_dtype": "float32"}, indent=2).encode() + b"\n"
    vocab = {"<pad>": 0, "<s>": 1, "</s>": 2}
    vocab.update({"tok%d" % i: i + 3 for i in range(13)})
    tokenizer = json.dumps({"version": "1.0", "model": {"type": "WordLevel", "vocab": vocab,
                                                        "unk_token": "<pad>"}},
                           indent=2).encode() + b"\n"
    weights = safetensors({
        "embed.weight": ("F32", [16, 8], floats(128, 0.01)),
        "layers.0.mlp.weight": ("F32", [8, 8], floats(64, 0.02)),
        "lm_head.weight": ("F32", [16, 8], floats(128, 0.015)),
    })
    card = (b"---\nlicense: apache-2.0\nlibrary_name: demo\n---\n\n# Demo model\n\n"
            b"A tiny model package for trying mavis: a config, a tokenizer, weights in\n"
            b"safetensors and the same files as a release bundle.\n")
    files = {"config.json": config, "tokenizer.json": tokenizer,
             "model.safetensors": weights, "README.md": card}
    for name, data in files.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
        for name in ("config.json", "tokenizer.json", "model.safetensors"):
            ti = tarfile.TarInfo("demo-model/" + name)
            ti.size, ti.mtime, ti.mode = len(files[name]), 0, 0o644
            ti.uname = ti.gname = "demo"
            t.addfile(ti, io.BytesIO(files[name]))
    with open(os.path.join(out, "demo-model-1.0.tar.gz"), "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0) as g:
            g.write(raw.getvalue())


if __name__ == "__main__":
    here = os.path.dirname(os.path.abspath(__file__))
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "demo"))
