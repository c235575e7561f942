#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Refresh the seed corpora of fuzz_pickle and fuzz_npy (tests/fuzz/corpus/{pickle,npy})
from testdata/pickle. Run from the top of the source tree after gen-pickles.py."""
import glob
import os
import shutil

for name, pats in (("pickle", ("*.pkl", "*.pt", "*.bin", "*.joblib", "*.z")),
                   ("npy", ("*.npy",))):
    d = os.path.join("tests/fuzz/corpus", name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for p in pats:
        for f in sorted(glob.glob("testdata/pickle/" + p)):
            with open(f, "rb") as fp:
                head = fp.read(4)
            # Zips and tars go to the walker's harness; big files slow the replay down.
            if head.startswith(b"PK") or os.path.getsize(f) > 16384:
                continue
            shutil.copy(f, d)
