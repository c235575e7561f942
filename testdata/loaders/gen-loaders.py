#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-loaders.py: fixtures for files that loaders read differently from their first look.

    gen-loaders.py [OUTDIR]        (default: the folder of this script)
    gen-loaders.py --seeds CORPUS  (seeds for tests/fuzz/corpus/{walk,zipidx})

Written with the libraries the loaders are (Debian's python3-torch, -numpy, -py7zr, joblib
from python3-sklearn, and Python's zipfile, tarfile and pickle), then, where a hostile file
needs it, changed with zipfile or a patched byte. expected.tsv (beside this script) lists what
each must report; docs/loaders.md says why. The payloads only name callables (print,
os.system); nothing here is ever loaded. The same bytes come out on every run except for the
legacy PyTorch file, whose storage keys torch takes from object addresses.
"""

import io
import os
import pickle
import struct
import sys
import tarfile
import tempfile
import warnings
import zipfile
import zlib

import joblib
import numpy
import py7zr
import torch

FILES = {}
DATE = (2024, 1, 1, 0, 0, 0)


class Call:
    """Pickles as a call of fn(*args), as a hostile file does."""

    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


EVIL = pickle.dumps(Call(os.system, ("id",)), protocol=2)


def put(name, data):
    FILES[name] = data


# The hostile fixtures that reach the new paths of the walker (the zip index reader, the
# tar tail, 7z links, polyglots), and of the zip index, as fuzzing seeds.
SEEDS = {"walk": ["typed_symlink.pt", "typed_dir.pt", "hidden_lfh.pt", "after_eoa.tar",
                  "polyglot_prefix.pt", "polyglot_tar.tar", "symlink_7z.7z",
                  "encoded_7z_payload.7z", "dup_case.pt"],
         "zipidx": ["typed_dir.pt", "hidden_lfh.pt", "polyglot_prefix.pt"]}


def write(folder, names, prefix=""):
    os.makedirs(folder, exist_ok=True)
    for name in names:
        with open(os.path.join(folder, prefix + name), "wb") as f:
            f.write(FILES[name])


def torch_bytes(obj, **kw):
    buf = io.BytesIO()
    torch.save(obj, buf, **kw)
    return buf.getvalue()


STATE = {"layer.weight": torch.arange(6, dtype=torch.float32).reshape(2, 3),
         "layer.bias": torch.zeros(2)}
TORCH = torch_bytes(STATE)


def rezip(data, change):
    """The members of zip data rewritten by zipfile; change(name, bytes) returns a list of
    (name, bytes, unix mode or None) to write instead (empty: drop the member)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zi, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as zo:
        for info in zi.infolist():
            for name, body, mode in change(info.filename, zi.read(info)):
                ni = zipfile.ZipInfo(name, DATE)
                if mode is not None:
                    ni.create_system = 3
                    ni.external_attr = mode << 16 | (0x10 if mode >> 12 == 0o04 else 0)
                zo.writestr(ni, body)
    return out.getvalue()


def data_pkl(fn):
    def change(name, body):
        if name.endswith("/data.pkl"):
            return fn(name, body)
        return [(name, body, None)]
    return change


def tar_bytes(members, fmt=tarfile.PAX_FORMAT):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt) as t:
        for name, body in members:
            ti = tarfile.TarInfo(name)
            ti.size, ti.mtime, ti.mode = len(body), 1700000000, 0o644
            t.addfile(ti, io.BytesIO(body))
    return out.getvalue()


def sevenz(members, filters=None, encoded=True):
    """A 7z written by py7zr (this version takes files only: each goes through a temporary
    file with a fixed time)."""
    out = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp, \
            py7zr.SevenZipFile(out, "w", filters=filters) as z:
        z.encoded_header_mode = encoded
        for i, (name, body) in enumerate(members):
            path = os.path.join(tmp, str(i))
            with open(path, "wb") as f:
                f.write(body)
            os.utime(path, (1700000000, 1700000000))
            z.write(path, name)
    return out.getvalue()


def sevenz_attributes(data, attr):
    """Set the attributes of a one-item 7z with a plain header, and its CRCs."""
    raw = bytearray(data)
    off, size = struct.unpack_from("<QQ", raw, 12)
    h = 32 + off
    i = raw.rfind(b"\x15\x06\x01\x00", h, h + size)
    assert i > 0, "no attribute property in the header"
    struct.pack_into("<I", raw, i + 4, attr)
    struct.pack_into("<I", raw, 28, zlib.crc32(raw[h:h + size]))
    struct.pack_into("<I", raw, 8, zlib.crc32(raw[12:32]))
    return bytes(raw)


def main():
    # §1 Members whose type libarchive reports otherwise than the loaders read them.
    for label, mode in (("symlink", 0o120777), ("dir", 0o040755), ("socket", 0o140644)):
        put("typed_%s.pt" % label,
            rezip(TORCH, data_pkl(lambda n, b, m=mode: [(n, EVIL, m)])))
    put("case_data_pkl.pt", rezip(TORCH, data_pkl(lambda n, b: [(n[:-8] + "DATA.PKL", EVIL,
                                                                  None)])))
    put("dup_case.pt", rezip(TORCH, data_pkl(lambda n, b: [(n, b, None),
                                                           (n[:-8] + "Data.pkl", EVIL, None)])))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        put("dup_nfd.zip", rezip(TORCH, lambda n, b: [(n, b, None)] + (
            [("caf\u00e9.json", b"{}", None), ("cafe\u0301.json", b"[]", None)]
            if n.endswith("/version") else [])))
        put("dup_dotdot.zip", rezip(TORCH, lambda n, b: [(n, b, None)] + (
            [("w/x/../y.bin", b"a", None), ("w/y.bin", b"b", None)]
            if n.endswith("/version") else [])))
    first = io.BytesIO()
    with zipfile.ZipFile(first, "w") as z:
        z.writestr(zipfile.ZipInfo("first/payload.pkl", DATE), EVIL)
    put("hidden_lfh.pt", first.getvalue() + TORCH)
    after = tar_bytes([("a.txt", b"abc\n")]) + tar_bytes([("late.pkl", EVIL)])
    put("after_eoa.tar", after)
    put("encoded_7z_payload.7z", sevenz([("model/evil.pkl", EVIL)]))
    put("symlink_7z.7z", sevenz_attributes(sevenz([("evil.pkl", EVIL)], encoded=False),
                                           (0o120777 << 16) | 0x8000 | 0x20))
    # §2 Polyglots: read from byte 0 as a pickle by one loader, as something else by another.
    put("polyglot_prefix.pt", EVIL + TORCH)
    name = b"cposix\nsystem\n(S'id'\ntR.".decode("latin-1")
    put("polyglot_tar.tar", tar_bytes([(name, b"x")], tarfile.GNU_FORMAT))
    # What the libraries write must pass.
    put("ok_torch_zip.pt", TORCH)
    put("ok_torch_legacy.pt", torch_bytes(STATE, _use_new_zipfile_serialization=False))
    buf = io.BytesIO()
    numpy.save(buf, numpy.arange(12, dtype=numpy.float32).reshape(3, 4))
    put("ok_numpy.npy", buf.getvalue())
    buf = io.BytesIO()
    numpy.save(buf, numpy.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    put("ok_numpy_object.npy", buf.getvalue())
    buf = io.BytesIO()
    numpy.savez(buf, a=numpy.ones(3), b=numpy.zeros((2, 2)))
    put("ok_numpy.npz", buf.getvalue())
    buf = io.BytesIO()
    numpy.savez_compressed(buf, a=numpy.ones(30))
    put("ok_numpy_compressed.npz", buf.getvalue())
    npz = buf.getvalue()
    buf = io.BytesIO()
    joblib.dump({"coef": numpy.arange(4.0), "name": "demo"}, buf)
    put("ok_joblib.joblib", buf.getvalue())
    tbuf = io.BytesIO()
    with tarfile.open(fileobj=tbuf, mode="w", format=tarfile.PAX_FORMAT) as t:
        d = tarfile.TarInfo("model")
        d.type, d.mode, d.mtime = tarfile.DIRTYPE, 0o755, 1700000000
        t.addfile(d)
        for n, b in (("model/model.pt", TORCH), ("model/caf\u00e9.txt", b"x"),
                     ("model/Config.json", b"{}")):
            ti = tarfile.TarInfo(n)
            ti.size, ti.mtime = len(b), 1700000000
            t.addfile(ti, io.BytesIO(b))
    put("ok_tarfile.tar", tbuf.getvalue())
    zbuf = io.BytesIO()
    with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_DEFLATED) as z:
        d = zipfile.ZipInfo("model/", DATE)
        d.external_attr = 0o40755 << 16 | 0x10
        z.writestr(d, b"")
        for n, b in (("model/model.pt", TORCH), ("model/weights.npz", npz)):
            z.writestr(zipfile.ZipInfo(n, DATE), b, zipfile.ZIP_DEFLATED)
    put("ok_zipfile.zip", zbuf.getvalue())
    for label, flt in (("lzma2", [{"id": py7zr.FILTER_LZMA2}]),
                       ("bzip2", [{"id": py7zr.FILTER_BZIP2}]),
                       ("deflate", [{"id": py7zr.FILTER_DEFLATE}]),
                       ("bcj", [{"id": py7zr.FILTER_X86}, {"id": py7zr.FILTER_LZMA2}])):
        put("ok_py7zr_%s.7z" % label, sevenz([("model/model.pt", TORCH),
                                               ("model/config.json", b"{}")], flt))


if __name__ == "__main__":
    main()
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--seeds":
        for corpus, names in SEEDS.items():
            write(os.path.join(args[1], corpus), names, "loaders-")
    elif len(args) <= 1:
        write(args[0] if args else os.path.dirname(os.path.abspath(__file__)), sorted(FILES))
    else:
        sys.exit("usage: gen-loaders.py [OUTDIR] | --seeds CORPUS")
