#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-archives.py: archive fixtures for the walker tests, written at test time.

    gen-archives.py OUTDIR
    gen-archives.py --seeds OUTDIR     (the small seed corpus of tests/fuzz/corpus/walk)

Writes into OUTDIR one archive of every kind the walker reads (tar ustar/pax/GNU, zip stored
and deflated, 7z, cpio, ar, tars compressed with gzip, bzip2, xz, zstd and lz4, a single
compressed file), archives nested three deep, and one fixture for each hostile case the walker
must report. OUTDIR/expected.json is the table the unit tests loop over: for each fixture, the
options (limits) to run it with, the rule ids that must appear (and any that must not), and
for benign fixtures the exact list of entries with their size and SHA-256.

Python's standard library writes everything except 7z and the zstd and lz4 filters, which come
from bsdtar (Debian: libarchive-tools); without bsdtar those fixtures are skipped and named in
the table's "skipped" list, which the tests print.
"""

import bz2
import gzip
import hashlib
import io
import json
import lzma
import os
import pickle
import random
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import warnings
import zipfile
import zlib

MTIME = 1700000000  # fixed, so the fixtures are the same bytes on every run
FIXTURES = []
SKIPPED = []


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def blob(seed, n):
    """n deterministic pseudo-random bytes."""
    return random.Random(seed).randbytes(n)


# ---- tar ----

def member(name, data=b"", kind=tarfile.REGTYPE, mode=0o644, link="", dev=(0, 0)):
    return {"name": name, "data": data, "kind": kind, "mode": mode, "link": link, "dev": dev}


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT, pax=None):
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=fmt, pax_headers=pax or {}) as t:
        for m in members:
            ti = tarfile.TarInfo(m["name"])
            ti.type = m["kind"]
            ti.mode = m["mode"]
            ti.mtime = MTIME
            ti.uname = ti.gname = "model"
            ti.linkname = m["link"]
            ti.devmajor, ti.devminor = m["dev"]
            if m["kind"] == tarfile.REGTYPE:
                ti.size = len(m["data"])
                t.addfile(ti, io.BytesIO(m["data"]))
            else:
                t.addfile(ti)
    return out.getvalue()


def gz(data, name=None):
    out = io.BytesIO()
    with gzip.GzipFile(filename=name or "", mode="wb", fileobj=out, mtime=0) as g:
        g.write(data)
    return out.getvalue()


# ---- zip ----

def zip_bytes(members, method=zipfile.ZIP_DEFLATED):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=method) as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            zi.compress_type = method
            zi.external_attr = 0o644 << 16
            z.writestr(zi, data)
    return out.getvalue()


def zip_patch(data, fn):
    """Apply fn(buf, local_header_offset, central_header_offset) to every member."""
    buf = bytearray(data)
    eocd = buf.rfind(b"PK\x05\x06")
    count, cd_size, cd_off = struct.unpack_from("<HII", buf, eocd + 10)
    pos = cd_off
    for _ in range(count):
        nlen, xlen, clen = struct.unpack_from("<HHH", buf, pos + 28)
        lfh = struct.unpack_from("<I", buf, pos + 42)[0]
        fn(buf, lfh, pos)
        pos += 46 + nlen + xlen + clen
    return bytes(buf)


def zip_set_flag(buf, lfh, cdh, bit):
    struct.pack_into("<H", buf, lfh + 6, struct.unpack_from("<H", buf, lfh + 6)[0] | bit)
    struct.pack_into("<H", buf, cdh + 8, struct.unpack_from("<H", buf, cdh + 8)[0] | bit)


def zip_set_method(buf, lfh, cdh, method):
    struct.pack_into("<H", buf, lfh + 8, method)
    struct.pack_into("<H", buf, cdh + 10, method)


def zip_typed(members, extras):
    """members (name, data) with extras (name, data, Unix mode and type) after them, written
    by zipfile; a member of members named like an extra is left out."""
    out = io.BytesIO()
    skip = {e[0] for e in extras}
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as z:
        for n, d in members:
            if n in skip:
                continue
            zi = zipfile.ZipInfo(n, date_time=(2023, 11, 14, 22, 13, 20))
            zi.external_attr = 0o644 << 16
            z.writestr(zi, d)
        for n, d, mode in extras:
            zi = zipfile.ZipInfo(n, date_time=(2023, 11, 14, 22, 13, 20))
            zi.create_system = 3
            zi.external_attr = mode << 16 | (0x10 if mode & 0o170000 == 0o040000 else 0)
            z.writestr(zi, d)
    return out.getvalue()


class Reducer:
    """Pickles as a call of fn(*args), as a hostile file does; never called here."""
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return (self.fn, self.args)


# ---- cpio (newc) and ar ----

def cpio_bytes(members):
    out = bytearray()

    def pad4():
        while len(out) % 4:
            out.append(0)

    for ino, (name, data) in enumerate(members + [("TRAILER!!!", b"")], 1):
        mode = 0o100644 if name != "TRAILER!!!" else 0
        fields = [ino if mode else 0, mode, 0, 0, 1 if mode else 0, MTIME if mode else 0,
                  len(data), 0, 0, 0, 0, len(name) + 1, 0]
        out += b"070701" + b"".join(b"%08X" % f for f in fields)
        out += name.encode() + b"\0"
        pad4()
        out += data
        pad4()
    return bytes(out)


def ar_bytes(members):
    out = bytearray(b"!<arch>\n")
    for name, data in members:
        hdr = b"%-16s%-12d%-6d%-6d%-8o%-10d`\n" % ((name + "/").encode(), MTIME, 0, 0,
                                                   0o100644, len(data))
        assert len(hdr) == 60
        out += hdr + data
        if len(data) % 2:
            out += b"\n"
    return bytes(out)


# ---- bsdtar for 7z, zstd and lz4 ----

BSDTAR = shutil.which("bsdtar")


def bsdtar_convert(tar, args):
    """Re-pack the members of a tar with bsdtar (same names and bytes); None without it."""
    if BSDTAR is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in.tar")
        dst = os.path.join(tmp, "out")
        with open(src, "wb") as f:
            f.write(tar)
        subprocess.run([BSDTAR, "-cf", dst] + args + ["@" + src], check=True)
        with open(dst, "rb") as f:
            return f.read()


# ---- the table ----

def entries_of(top, members, prefix=None):
    """Expected entries for a benign archive: the archive itself, then each file member
    (nested ones as (name, data, [inner members]) tuples, walked depth first)."""
    out = [{"path": top[0], "size": len(top[1]), "sha256": sha256(top[1])}]

    def walk(base, ms):
        for m in ms:
            name, data = m[0], m[1]
            path = base + "!/" + name
            out.append({"path": path, "size": len(data), "sha256": sha256(data)})
            if len(m) > 2:
                walk(path, m[2])

    walk(prefix or top[0], members)
    return out


def add(name, data, rules=(), options=None, entries=None, note="", absent=()):
    """Record a fixture; data None means a tool was missing."""
    if data is None:
        SKIPPED.append("%s (needs bsdtar from libarchive-tools)" % name)
        return
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    row = {"file": name, "options": options or {}, "rules": list(rules), "entries": entries,
           "note": note}
    if absent:
        row["absent"] = list(absent)
    FIXTURES.append(row)


def benign(name, data, members, note=""):
    add(name, data, entries=entries_of((name, data), members), note=note)


def main():
    files = [("config.json", b'{"model_type": "demo", "hidden_size": 8}\n'),
             ("weights/part-0.bin", blob(1, 3000)),
             ("weights/part-1.bin", blob(2, 70000)),
             ("empty.txt", b"")]
    tar_members = [member("weights", kind=tarfile.DIRTYPE, mode=0o755)] + \
        [member(n, d) for n, d in files]

    # Every kind of archive, benign: exactly these entries, no findings.
    ustar = tar_bytes(tar_members)
    benign("ustar.tar", ustar, files, "POSIX ustar")
    long_name = "weights/" + "very-long-component-" * 6 + "tensor.bin"
    pax_files = files + [(long_name, blob(3, 512)), ("tokenizer/vocab-\u00e9\u00e8.txt", b"a b c\n")]
    benign("pax.tar", tar_bytes([member(n, d) for n, d in pax_files], tarfile.PAX_FORMAT,
                                {"comment": "mavis fixture"}), pax_files, "pax, long and UTF-8 names")
    benign("gnu.tar", tar_bytes([member(n, d) for n, d in pax_files], tarfile.GNU_FORMAT),
           pax_files, "GNU, ././@LongLink names")
    benign("stored.zip", zip_bytes(files, zipfile.ZIP_STORED), files)
    benign("deflated.zip", zip_bytes(files, zipfile.ZIP_DEFLATED), files)
    benign("newc.cpio", cpio_bytes(files), files, "SVR4 cpio without CRC")
    ar_files = [("a.o", blob(4, 101)), ("b.o", blob(5, 2048)), ("empty.o", b"")]
    benign("lib.a", ar_bytes(ar_files), ar_files, "System V / GNU ar")
    benign("model.tar.gz", gz(ustar), files)
    benign("model.tar.bz2", bz2.compress(ustar), files)
    benign("model.tar.xz", lzma.compress(ustar), files)
    sevenz = bsdtar_convert(ustar, ["--format", "7zip"])
    add("model.7z", sevenz, entries=sevenz and entries_of(("model.7z", sevenz), files))
    zst = bsdtar_convert(ustar, ["--zstd", "--format", "ustar"])
    add("model.tar.zst", zst, entries=zst and entries_of(("model.tar.zst", zst), files))
    lz4 = bsdtar_convert(ustar, ["--lz4", "--format", "ustar"])
    add("model.tar.lz4", lz4, entries=lz4 and entries_of(("model.tar.lz4", lz4), files))
    pkl = b"\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94\x8c\x01a\x94K\x01s."
    benign("model.pkl.gz", gz(pkl, "model.pkl"), [("model.pkl", pkl)],
           "one compressed file: the member is named after the outer file")

    # Compressed streams: decompressed first, then recognised. Zeros in front of a pickle are
    # no empty tar (libarchive would read them as one), a zip inside is a member, an empty
    # stream is one empty member, and stacked layers are undone together.
    hidden = bytes(1024) + pkl
    benign("hidden.pkl.gz", gz(hidden), [("hidden.pkl", hidden)])
    small_zip = zip_bytes(files[:2])
    benign("weights.zip.gz", gz(small_zip), [("weights.zip", small_zip, files[:2])])
    benign("empty.gz", gz(b""), [("empty", b"")])
    benign("double.pkl.gz.gz", gz(gz(pkl)), [("double.pkl", pkl)])
    benign("empty.tar", bytes(1024), [])
    benign("empty.zip", b"PK\x05\x06" + bytes(18), [])

    # Nested three deep: a zip inside a tar.gz inside a tar.
    deep = [("weights.bin", blob(6, 5000)), ("meta/info.json", b'{"depth": 3}\n')]
    deep_zip = zip_bytes(deep)
    inner = [("deep.zip", deep_zip, deep), ("readme.txt", b"inner\n")]
    inner_tgz = gz(tar_bytes([member(n, d) for n, d, *_ in inner]))
    outer = [("inner.tar.gz", inner_tgz, inner), ("top.txt", b"outer\n")]
    nested = tar_bytes([member(n, d) for n, d, *_ in outer])
    benign("nested3.tar", nested, outer, "tar > tar.gz > zip > files")
    # A PyTorch-style .pt (a stored zip under archive/) and a .npz inside a tarball.
    pt = [("archive/data.pkl", pkl), ("archive/byteorder", b"little"),
          ("archive/data/0", blob(7, 4096)), ("archive/version", b"3\n")]
    pt_zip = zip_bytes(pt, zipfile.ZIP_STORED)
    npz = [("arr_0.npy", b"\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, "
            b"'shape': (2,), }" + b" " * 59 + b"\n" + blob(8, 8))]
    npz_zip = zip_bytes(npz)
    bundle = [("model/model.pt", pt_zip, pt), ("model/arrays.npz", npz_zip, npz)]
    benign("pt-in-tarball.tar.gz", gz(tar_bytes([member(n, d) for n, d, *_ in bundle])), bundle,
           "a .pt zip and a .npz inside a tarball")

    # Hostile names: traversal, absolute paths, backslashes, drive letters, control bytes.
    x = b"escape\n"
    add("traversal.tar", tar_bytes([member("../mavis-escape-dotdot.txt", x),
                                    member("ok/../../mavis-escape-deep.txt", x)]),
        ["archive.path.traversal"])
    add("absolute.tar", tar_bytes([member("/tmp/mavis-escape-abs.txt", x)]),
        ["archive.path.absolute"])
    add("backslash.tar", tar_bytes([member("weights\\part.bin", x),
                                    member("..\\..\\mavis-escape-bs.txt", x)]),
        ["archive.path.backslash", "archive.path.traversal"])
    add("drive.zip", zip_bytes([("C:/mavis-escape-drive.txt", x), ("D:mavis-escape.txt", x)]),
        ["archive.path.absolute"])
    add("traversal.zip", zip_bytes([("../../mavis-escape-zip.txt", x)]),
        ["archive.path.traversal"])
    add("control.tar", tar_bytes([member("bad\x01name\x1b[31m.txt", x)]),
        ["archive.path.invalid"])
    # Links: targets outside the archive, and the two-step write through a symlink.
    add("symlink-escape.tar", tar_bytes([
        member("up", kind=tarfile.SYMTYPE, link="../../../etc"),
        member("abs", kind=tarfile.SYMTYPE, link="/etc/passwd"),
        member("inside", kind=tarfile.SYMTYPE, link="config.json"),
        member("config.json", b"{}")]),
        ["archive.symlink.escape", "archive.symlink"])
    add("link-target-windows.tar", tar_bytes([
        member("win", kind=tarfile.SYMTYPE, link="..\\..\\..\\Windows\\System32"),
        member("drive", kind=tarfile.SYMTYPE, link="C:\\mavis-escape-drive-link"),
        member("hard", kind=tarfile.LNKTYPE, link="..\\mavis-escape-hard-bs")]),
        ["archive.symlink.escape", "archive.hardlink.escape"],
        note="backslashes and drive letters in link targets")
    add("hardlink-escape.tar", tar_bytes([
        member("hl", kind=tarfile.LNKTYPE, link="../mavis-escape-hard.txt"),
        member("hl-abs", kind=tarfile.LNKTYPE, link="/etc/shadow")]),
        ["archive.hardlink.escape"])
    add("link-through.tar", tar_bytes([
        member("cache", kind=tarfile.SYMTYPE, link="/tmp"),
        member("cache/mavis-escape-through.txt", x)]),
        ["archive.link.through", "archive.symlink.escape"])
    add("link-through-case.tar", tar_bytes([
        member("Lib", kind=tarfile.SYMTYPE, link="sub"),
        member("lib/mavis-escape-case.txt", x)]),
        ["archive.link.through"], note="the second step differs in case only")
    # Special members.
    add("devices.tar", tar_bytes([
        member("dev/null", kind=tarfile.CHRTYPE, mode=0o666, dev=(1, 3)),
        member("dev/sda", kind=tarfile.BLKTYPE, mode=0o660, dev=(8, 0)),
        member("pipe", kind=tarfile.FIFOTYPE, mode=0o644)]),
        ["archive.entry.device", "archive.entry.fifo"])
    add("setuid.tar", tar_bytes([member("bin/run", b"#!/bin/sh\n", mode=0o4755),
                                 member("bin/grp", b"#!/bin/sh\n", mode=0o2755)]),
        ["archive.entry.setuid"])
    # Duplicates, and names that are equal once normalised.
    add("duplicate.tar", tar_bytes([member("model.bin", b"first"),
                                    member("model.bin", b"second")]),
        ["archive.name.duplicate"])
    add("duplicate.zip", zip_bytes([("model.bin", b"first"), ("model.bin", b"second")]),
        ["archive.name.duplicate"])
    add("collision.tar", tar_bytes([member("Weights.bin", b"a"), member("weights.bin", b"b"),
                                    member("x/./y.txt", b"c"), member("x//y.txt", b"d"),
                                    member("d/f", b"e"), member("D", b"f")]),
        ["archive.name.duplicate", "archive.name.collision"])
    # Names one file system or lookup takes for one: case (macOS, Windows, torch.load's
    # miniz), Unicode composition (macOS), '.', '//' and '..' (everywhere).
    add("normalised.zip", zip_bytes([("model/data.pkl", b"a"), ("model/DATA.PKL", b"b"),
                                     ("caf\u00e9.txt", b"c"), ("cafe\u0301.txt", b"d"),
                                     ("w/x/../y.bin", b"e"), ("w/y.bin", b"f")]),
        ["archive.name.duplicate", "archive.path.traversal"])
    add("normalised.tar", tar_bytes([member("a/./b.bin", b"a"), member("a//b.bin", b"b")],
                                    tarfile.PAX_FORMAT),
        ["archive.name.duplicate"])
    # Members typed as a folder, a link or a socket that carry data: Python's zipfile and
    # torch.load read them by name whatever their type (a symlink's data that is a path is its
    # target, not content). Local headers outside the central directory and tar members past
    # the end-of-archive marker are read by some readers only. All are read and analysed.
    evil = pickle.dumps(Reducer(os.system, ("id",)), protocol=2)
    for label, mode in (("symlink", 0o120777), ("dir", 0o040755), ("socket", 0o140644)):
        add("typed-%s.pt" % label, zip_typed(pt, [("archive/data.pkl", evil, mode)]),
            ["archive.entry.type.mismatch"] + (["archive.entry.fifo"] if label == "socket" else []),
            note="torch.load unpickles archive/data.pkl stored as a %s" % label)
    benign("typed-folder.zip", zip_typed(files, [("weights/", b"", 0o040755)]), files,
           "a folder entry as zip writes it")
    add("typed-link.zip", zip_typed(files, [("link", b"config.json", 0o120777)]),
        ["archive.symlink"], absent=["archive.entry.type.mismatch"],
        note="a symlink as zip writes it: its data is its target")
    add("hidden-lfh.zip", zip_bytes([("first/payload.pkl", evil)], zipfile.ZIP_STORED) +
        zip_bytes(files[:2]), ["zip.entry.hidden", "zip.data.prefix"],
        note="a zip appended to another: the first one's members are in no central directory")
    after = tar_bytes([member("a.txt", b"abc\n")]) + tar_bytes([member("late.pkl", evil)])
    add("after-eoa.tar", after, ["archive.entry.hidden"])
    add("after-eoa.tar.gz", gz(after), ["archive.entry.hidden"])

    # Members that cannot be read: encrypted, an unknown compression method.
    add("encrypted.zip", zip_patch(zip_bytes([("secret.bin", blob(9, 1000))], zipfile.ZIP_STORED),
                                   lambda b, l, c: zip_set_flag(b, l, c, 1)),
        ["archive.entry.encrypted", "analysis.incomplete"])
    add("method.zip", zip_patch(zip_bytes([("odd.bin", blob(10, 1000))], zipfile.ZIP_STORED),
                                lambda b, l, c: zip_set_method(b, l, c, 19)),
        ["archive.entry.unreadable", "analysis.incomplete"], note="method 19 (IBM LZ77)")
    # Truncated archives: the walk goes on to report what it could not read.
    tgz = gz(tar_bytes([member("a.bin", blob(11, 200000)), member("b.bin", blob(12, 1000))]))
    add("truncated.tar.gz", tgz[:len(tgz) // 2],
        ["analysis.incomplete", "archive.entry.unreadable", "archive.read.error"])
    tarb = tar_bytes([member("a.bin", blob(13, 5000))])
    add("truncated.tar", tarb[:2048],
        ["analysis.incomplete", "archive.entry.unreadable", "archive.read.error"])
    zb = zip_bytes([("a.bin", blob(14, 5000)), ("b.bin", blob(15, 5000))])
    add("truncated.zip", zb[:len(zb) - 200], ["analysis.incomplete", "zip.eocd.invalid",
                                              "archive.entry.unreadable", "archive.read.error"])
    # Decompression bombs: one member's ratio, and the run's byte budget.
    add("bomb-ratio.zip", zip_bytes([("zeros.bin", bytes(4 << 20))]),
        ["archive.bomb.ratio", "analysis.incomplete"],
        {"ratio-floor": "1M"})
    add("bomb.pkl.gz", gz(bytes(100 << 20), "bomb.pkl"),
        ["archive.bomb.ratio", "analysis.incomplete"],
        note="100 MiB of zeros at the default limits")
    budget = [member("part%d.bin" % i, blob(20 + i, 512 << 10)) for i in range(4)]
    add("budget.tar.gz", gz(tar_bytes(budget)),
        ["limit.bytes.exceeded", "analysis.incomplete", "archive.entry.unreadable"],
        {"max-bytes": "1M"})
    # Limits on nesting, entry count, names and spools.
    add("nested3-depth.tar", nested, ["limit.depth.exceeded"], {"max-depth": "2"})
    add("many.tar", tar_bytes([member("f%03d" % i, b"%d" % i) for i in range(40)]),
        ["limit.entries.exceeded"], {"max-entries": "10"})
    add("longname.tar", tar_bytes([member(long_name, b"x")], tarfile.PAX_FORMAT),
        ["limit.name.exceeded"], {"max-name": "64"})
    add("spool.tar.gz", gz(tar_bytes([member("inner.zip", zip_bytes(files))])),
        ["limit.spool.exceeded"], {"max-spool": "1k"})

    with open(os.path.join(OUT, "expected.json"), "w") as f:
        f.write('{\n  "skipped": %s,\n  "fixtures": [\n' % json.dumps(SKIPPED))
        f.write(",\n".join("    " + json.dumps(x, sort_keys=True) for x in FIXTURES))
        f.write("\n  ]\n}\n")
    for s in SKIPPED:
        print("gen-archives: skipped %s" % s, file=sys.stderr)


def seeds():
    """Small seeds for the walker's fuzz harness (tests/fuzz/corpus/walk), one per format
    and per kind of hostile member; tars are not padded to a full record."""
    tarfile.RECORDSIZE = tarfile.BLOCKSIZE
    small = [("a.txt", b"hello\n"), ("d/b.bin", blob(30, 100))]
    tm = [member("d", kind=tarfile.DIRTYPE, mode=0o755)] + [member(n, d) for n, d in small]
    t = tar_bytes(tm)
    out = {
        "ustar.tar": t,
        "pax.tar": tar_bytes(tm, tarfile.PAX_FORMAT, {"comment": "x"}),
        "gnu.tar": tar_bytes([member("g" * 120, b"x")], tarfile.GNU_FORMAT),
        "model.tar.gz": gz(t),
        "model.tar.bz2": bz2.compress(t),
        "model.tar.xz": lzma.compress(t),
        "stored.zip": zip_bytes(small, zipfile.ZIP_STORED),
        "deflated.zip": zip_bytes(small),
        "newc.cpio": cpio_bytes(small),
        "lib.a": ar_bytes(small),
        "model.pkl.gz": gz(b"\x80\x04K\x01.", "model.pkl"),
        "nested.tar": tar_bytes([member("in.tar.gz", gz(tar_bytes([member(
            "z.zip", zip_bytes(small))])))]),
        "links.tar": tar_bytes([member("l", kind=tarfile.SYMTYPE, link="../x"),
                                member("l/f", b"x"), member("h", kind=tarfile.LNKTYPE,
                                                             link="/etc/x"),
                                member("p", kind=tarfile.FIFOTYPE),
                                member("c", kind=tarfile.CHRTYPE, dev=(1, 3)),
                                member("s", b"x", mode=0o4755), member("s", b"y")]),
        "encrypted.zip": zip_patch(zip_bytes(small, zipfile.ZIP_STORED),
                                   lambda b, l, c: zip_set_flag(b, l, c, 1)),
        "method.zip": zip_patch(zip_bytes(small, zipfile.ZIP_STORED),
                                lambda b, l, c: zip_set_method(b, l, c, 19)),
        "truncated.tar.gz": gz(t)[:60],
        "zeros.gz": gz(bytes(4096)),
    }
    for ext, args in ((".7z", ["--format", "7zip"]), (".tar.zst", ["--zstd"]),
                      (".tar.lz4", ["--lz4"])):
        data = bsdtar_convert(t, args)
        if data is not None:
            out["model" + ext] = data
    for name, data in out.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    warnings.filterwarnings("ignore", "Duplicate name")
    args = sys.argv[1:]
    if len(args) == 2 and args[0] == "--seeds":
        OUT = args[1]
        os.makedirs(OUT, exist_ok=True)
        seeds()
        sys.exit(0)
    if len(args) != 1:
        sys.exit("usage: gen-archives.py OUTDIR | --seeds OUTDIR")
    OUT = args[0]
    os.makedirs(OUT, exist_ok=True)
    main()
