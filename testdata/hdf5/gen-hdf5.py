#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the HDF5 fixtures of this folder and attrs.tsv, with Debian's python3-h5py.

Each file holds the root attributes a legacy Keras model carries (model_config, and
training_config for some), laid out in every way h5py and libhdf5 write them: superblock
versions 0 and 3 (libver 'earliest' and 'latest'), object header versions 1 and 2,
continuation blocks of both, compact and dense attribute storage (fractal heap with a direct
or an indirect root block, B-tree name index one or two levels deep, a huge heap object),
variable-length strings in the global heap and fixed-length strings, a user block. attrs.tsv
lists, for each file, the SHA-256 of every such attribute as h5py reads it back, or "!" and a
part of the error mavis must give for files it cannot read.
Run: /usr/bin/python3 gen-hdf5.py [OUTDIR]
"""
import hashlib
import json
import os
import sys

import h5py
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []
WANT = ("model_config", "training_config")


def config(n_layers, lam=False):
    layers = [{"class_name": "Dense", "config": {"name": "dense_%d" % i, "units": 4,
                                                 "activation": "relu"}}
              for i in range(n_layers)]
    if lam:
        # "config" before "class_name": a byte search for {"class_name" misses it.
        layers.append({"config": {"name": "lambda", "function": ["4wEAAAAA", None, None],
                                  "function_type": "lambda", "module": "__main__"},
                       "class_name": "Lambda"})
    return json.dumps({"class_name": "Sequential",
                       "config": {"name": "sequential", "layers": layers}})


TRAINING = json.dumps({"optimizer_config": {"class_name": "Adam",
                                            "config": {"learning_rate": 0.001}},
                       "loss": "mse", "metrics": ["mae"]})


def record(name):
    with h5py.File(os.path.join(OUT, name), "r") as f:
        for a in WANT:
            if a in f.attrs:
                v = f.attrs[a]
                v = v.encode() if isinstance(v, str) else bytes(v)
                rows.append((name, a, hashlib.sha256(v).hexdigest()))


def write(name, libver="earliest", attrs=(), fixed=False, extra=0, userblock=0, fcpl=None,
          weights=True, cfg=None):
    path = os.path.join(OUT, name)
    if fcpl is not None:
        fapl = h5py.h5p.create(h5py.h5p.FILE_ACCESS)
        fapl.set_libver_bounds(h5py.h5f.LIBVER_LATEST, h5py.h5f.LIBVER_LATEST)
        fid = h5py.h5f.create(path.encode(), h5py.h5f.ACC_TRUNC, fcpl=fcpl, fapl=fapl)
        f = h5py.File(fid)
    else:
        f = h5py.File(path, "w", libver=libver, userblock_size=userblock)
    with f:
        f.attrs["keras_version"] = "2.12.0"
        f.attrs["backend"] = "tensorflow"
        for i in range(extra):
            f.attrs["note_%04d" % i] = "padding attribute %d of %d" % (i, extra)
        for a, v in attrs:
            f.attrs[a] = np.bytes_(v.encode()) if fixed else v
        if weights:
            g = f.create_group("model_weights/dense_0/dense_0")
            g.create_dataset("kernel:0", data=np.ones((4, 4), np.float32))
    record(name)


write("earliest_vlen.h5", "earliest", [("model_config", config(3)), ("training_config", TRAINING)])
write("latest_vlen.h5", "latest", [("model_config", config(3)), ("training_config", TRAINING)])
write("earliest_fixed.h5", "earliest", [("model_config", config(3))], fixed=True)
write("latest_fixed.h5", "latest", [("model_config", config(3))], fixed=True)
write("userblock.h5", "earliest", [("model_config", config(2))], userblock=512)
write("earliest_continuation.h5", "earliest", [("model_config", config(2))], extra=40)
write("latest_dense.h5", "latest", [("model_config", config(3)), ("training_config", TRAINING)],
      extra=12)
write("latest_dense_many.h5", "latest", [("model_config", config(3))], extra=400)
write("latest_dense_huge.h5", "latest", [("model_config", config(1100))], fixed=True, extra=10)
write("earliest_big_vlen.h5", "earliest", [("model_config", config(1100))])
write("lambda_reordered_dense.h5", "latest", [("model_config", config(2, lam=True))], extra=12)
fc = h5py.h5p.create(h5py.h5p.FILE_CREATE)
fc.set_attr_phase_change(1000, 900)
write("latest_ochk.h5", attrs=[("model_config", config(2))], extra=60, fcpl=fc)

# Cut short: the global heap holding the configuration is missing.
with open(os.path.join(OUT, "latest_vlen.h5"), "rb") as f:
    data = f.read()
with open(os.path.join(OUT, "truncated.h5"), "wb") as f:
    f.write(data[:data.index(b"GCOL") + 16])
rows.append(("truncated.h5", "!", "ends before"))
# A root attribute called model_config that is not a string.
with h5py.File(os.path.join(OUT, "not_string.h5"), "w") as f:
    f.attrs["model_config"] = np.arange(4, dtype=np.int32)
rows.append(("not_string.h5", "!", "not a string"))
# The superblock's root address points past the end of the file.
buf = bytearray(data)
root_at = 8 + 4 + 3 * 8
buf[root_at:root_at + 8] = (len(buf) * 4).to_bytes(8, "little")
with open(os.path.join(OUT, "root_past_end.h5"), "wb") as f:
    f.write(bytes(buf))
rows.append(("root_past_end.h5", "!", "ends before"))

with open(os.path.join(OUT, "attrs.tsv"), "w") as f:
    f.write("# file\tattribute\tsha256 of its value as h5py reads it"
            " (or ! and part of the error)\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
