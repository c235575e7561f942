#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Refresh the seed corpora of the content-analyser harnesses (tests/fuzz/corpus/{safetensors,
gguf,onnx,savedmodel,template,keras,hdf5,nemo}) from the fixtures in testdata. Run from the top of
the source tree after regenerating fixtures."""
import glob
import os
import shutil
import tarfile
import zipfile

T = "testdata"
C = "tests/fuzz/corpus"


def fresh(name):
    d = os.path.join(C, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def named(d, f, suffix=""):
    """A copy of f named after its folder, so files called alike do not collide."""
    shutil.copy(f, os.path.join(d, os.path.basename(os.path.dirname(f)) + "-" +
                                os.path.basename(f) + suffix))


d = fresh("safetensors")
for f in glob.glob(T + "/safetensors/*.safetensors"):
    shutil.copy(f, d)
for f in glob.glob(T + "/safetensors/*/*.json"):
    named(d, f)
d = fresh("gguf")
for f in glob.glob(T + "/gguf/*.gguf"):
    if os.path.getsize(f) < 16384:
        shutil.copy(f, d)
d = fresh("onnx")
for f in glob.glob(T + "/onnx/*.onnx") + glob.glob(T + "/onnx/*.bin"):
    shutil.copy(f, d)
for f in glob.glob(T + "/onnx/*/model.onnx"):
    named(d, f)
d = fresh("savedmodel")
for f in glob.glob(T + "/savedmodel/*/*.pb"):
    named(d, f)
d = fresh("template")
for f in glob.glob(T + "/template/*/*"):
    if os.path.getsize(f) < 16384:
        named(d, f)
d = fresh("keras")
for f in glob.glob(T + "/keras/*.keras"):
    with zipfile.ZipFile(f) as z:
        with open(os.path.join(d, os.path.basename(f) + ".config.json"), "wb") as out:
            out.write(z.read("config.json"))
for f in glob.glob(T + "/keras/*.h5") + glob.glob(T + "/keras/*.json"):
    shutil.copy(f, d)
d = fresh("hdf5")
for f in glob.glob(T + "/hdf5/*.h5"):
    if os.path.getsize(f) < 65536:
        shutil.copy(f, d)
d = fresh("nemo")
for f in glob.glob(T + "/nemo/*.nemo"):
    with tarfile.open(f) as t:
        with open(os.path.join(d, os.path.basename(f) + ".yaml"), "wb") as out:
            out.write(t.extractfile("./model_config.yaml").read())
