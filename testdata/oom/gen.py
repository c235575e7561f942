#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fixtures of tests/unit/oom: a benign package the walker takes apart (a gzip'd tar holding a
pickle, a JSON file and a zip with a NumPy array) and a benign pickle with a memo, a global
and nested containers for the pickle machine. Both pass a scan; the test fails allocations
one at a time and checks that none of those runs passes."""
import collections
import io
import os
import pickle
import sys
import tarfile
import zipfile

out = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))

state = collections.OrderedDict()
state["layer.weight"] = [0.5, 1.5, 2.5]
state["layer.bias"] = (1, 2, {"k": "v"})
state["shared"] = state["layer.weight"]
pkl = pickle.dumps(state, protocol=2)
with open(os.path.join(out, "state.pkl"), "wb") as f:
    f.write(pkl)

npy = (b"\x93NUMPY\x01\x00" + b"v\x00" +
       b"{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }".ljust(117) + b"\n" +
       b"\x00\x00\x80\x3f\x00\x00\x00\x40")
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr(zipfile.ZipInfo("arr.npy", (2020, 1, 1, 0, 0, 0)), npy)
tbuf = io.BytesIO()
with tarfile.open(fileobj=tbuf, mode="w:gz", format=tarfile.PAX_FORMAT) as t:
    for name, data in (("pkg/state.pkl", pkl), ("pkg/config.json", b'{"a": [1, 2]}\n'),
                       ("pkg/arrays.zip", zbuf.getvalue())):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 1577836800
        t.addfile(ti, io.BytesIO(data))
# gzip writes the time into its header: fixed, so the file is the same at every run.
data = bytearray(tbuf.getvalue())
data[4:8] = b"\0\0\0\0"
with open(os.path.join(out, "pkg.tar.gz"), "wb") as f:
    f.write(bytes(data))
