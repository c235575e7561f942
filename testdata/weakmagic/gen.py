#!/usr/bin/env python3
"""gen.py DIR: the inputs of tests/cli/weakmagic.sh, the same bytes on every run.

data-*: 64 KiB of pseudo-random bytes behind the magic number of a compressed stream or
archive (the fields that magic alone fixes, nothing more), as a raw weight file may begin.
Each must be scanned as data: no archive.read.error, no analysis.incomplete.
cut-*: real streams truncated part way, which must still be findings."""
import gzip
import io
import lzma
import random
import sys
import tarfile

out = sys.argv[1]
rng = random.Random(15)


def noise(n):
    return bytes(rng.getrandbits(8) for _ in range(n))


MAGICS = {
    "gzip": b"\x1f\x8b",
    "gzip-deflate": b"\x1f\x8b\x08\x00",
    "bzip2": b"BZh9",
    "xz": b"\xfd7zXZ\x00",
    "zstd": b"\x28\xb5\x2f\xfd",
    "lz4": b"\x04\x22\x4d\x18",
    "7z": b"7z\xbc\xaf\x27\x1c",
    "compress": b"\x1f\x9d",
    "cpio-newc": b"070701",
    "cpio-odc": b"070707",
    "cpio-bin": b"\xc7\x71",
    "lzip": b"LZIP",
}
for name, magic in MAGICS.items():
    # Several files per magic: the bytes after it differ, so one lucky draw does not decide.
    for i in range(4):
        with open(f"{out}/data-{name}-{i}.bin", "wb") as f:
            f.write(magic + noise(65536 - len(magic)))

# A gzip stream of incompressible bytes cut after 100 KiB of its deflate output.
body = noise(300 * 1024)
with open(f"{out}/cut-gzip.gz", "wb") as f:
    f.write(gzip.compress(body, mtime=0)[: 100 * 1024])

# A tar.xz cut in the middle.
tb = io.BytesIO()
with tarfile.open(fileobj=tb, mode="w", format=tarfile.GNU_FORMAT) as t:
    for i in range(4):
        ti = tarfile.TarInfo(f"w{i}.bin")
        data = noise(32 * 1024)
        ti.size = len(data)
        ti.mtime = 0
        t.addfile(ti, io.BytesIO(data))
xz = lzma.compress(tb.getvalue())
with open(f"{out}/cut-tar.tar.xz", "wb") as f:
    f.write(xz[: len(xz) // 2])
