#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-scan.py: small model packages for the mavis scan tests, written at test time.

    gen-scan.py OUTDIR

clean/      a Hugging Face style folder: README.md with model card front matter, config.json,
            and a valid safetensors file of two tensors. Nothing in it is a finding above low.
hostile.tar a tar whose members include one named ../escape.txt (archive.path.traversal).
pickled/    a folder holding a pickle of plain data (no callables), for "forbid format pickle".

Every byte is fixed (no times, no randomness), so reports on them can be compared with
checked-in expected output.
"""

import io
import json
import os
import struct
import sys
import tarfile

MTIME = 1700000000

README = """---
license: apache-2.0
library_name: transformers
pipeline_tag: text-classification
base_model: example-org/tiny-base
datasets:
  - example-org/reviews
language:
  - en
tags:
  - demo
model-index:
  - name: tiny-classifier
---
# tiny-classifier

A two-tensor classifier used to test mavis. Not a real model.
"""

CONFIG = {"architectures": ["TinyClassifier"], "hidden_size": 4, "num_labels": 2,
          "model_type": "tiny"}


def safetensors():
    """Two float32 tensors, header padded with spaces to a multiple of 8, as the library
    writes it."""
    w = struct.pack("<8f", *[0.5 * i for i in range(8)])
    b = struct.pack("<2f", 0.25, -0.25)
    header = {
        "__metadata__": {"format": "pt"},
        "bias": {"dtype": "F32", "shape": [2], "data_offsets": [0, len(b)]},
        "weight": {"dtype": "F32", "shape": [2, 4], "data_offsets": [len(b), len(b) + len(w)]},
    }
    h = json.dumps(header, separators=(",", ":"), sort_keys=True).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + b + w


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def tar(path, members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = MTIME
            info.mode = 0o644
            info.uname = info.gname = "mavis"
            t.addfile(info, io.BytesIO(data))
    write(path, buf.getvalue())


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-scan.py OUTDIR")
    out = sys.argv[1]
    write(os.path.join(out, "clean", "README.md"), README.encode())
    write(os.path.join(out, "clean", "config.json"),
          (json.dumps(CONFIG, indent=2, sort_keys=True) + "\n").encode())
    write(os.path.join(out, "clean", "model.safetensors"), safetensors())
    tar(os.path.join(out, "hostile.tar"), [
        ("model/config.json", (json.dumps(CONFIG, sort_keys=True) + "\n").encode()),
        ("../escape.txt", b"written outside the folder it is extracted to\n"),
    ])
    # Protocol 2: PROTO 2, EMPTY_DICT, BINUNICODE 'labels', EMPTY_LIST, SETITEM, STOP.
    labels = "labels".encode()
    pkl = (b"\x80\x02}X" + struct.pack("<I", len(labels)) + labels + b"]s.")
    write(os.path.join(out, "pickled", "labels.pkl"), pkl)


if __name__ == "__main__":
    main()
