#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds of tests/fuzz/fuzz_hdrguard: small cpio (newc, odc, binary) and ar archives as
their own tools lay them out, and each with one header declaring too much. The first byte
of a seed picks the fuzzer's block size."""
import os
import struct
import sys

out = sys.argv[1] if len(sys.argv) > 1 else "tests/fuzz/corpus/hdrguard"
os.makedirs(out, exist_ok=True)


def pad(b, k):
    return b + b"\0" * (-len(b) % k)


def newc(name, data, mode=0o100644, namesize=None, filesize=None):
    ns = len(name) + 1 if namesize is None else namesize
    fs = len(data) if filesize is None else filesize
    f = [1, mode, 0, 0, 1, 0, fs, 0, 0, 0, 0, ns, 0]
    h = b"070701" + b"".join(b"%08x" % v for v in f)
    return pad(h + name + b"\0", 4)[: ((110 + len(name) + 1 + 3) // 4) * 4] + pad(data, 4)


def odc(name, data, mode=0o100644, filesize=None):
    fs = len(data) if filesize is None else filesize
    return (b"070707" + b"000001" * 2 + b"%06o" % mode + b"000000" * 4 + b"%011o" % 0 +
            b"%06o" % (len(name) + 1) + b"%011o" % fs + name + b"\0" + data)


def binle(name, data, mode=0o100644, filesize=None):
    fs = len(data) if filesize is None else filesize
    h = struct.pack("<8H", 0o70707, 0, 1, mode, 0, 0, 1, 0) + struct.pack("<HH", 0, 0)
    h += struct.pack("<H", len(name) + 1) + struct.pack("<HH", fs >> 16, fs & 0xffff)
    return h + pad(name + b"\0", 2) + pad(data, 2)


def ar(name, data, size=None):
    s = len(data) if size is None else size
    h = (name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) + b"644".ljust(8) +
         b"%d" % s + b" " * (10 - len(b"%d" % s)) + b"`\n")
    return h + data + (b"\n" if len(data) % 2 else b"")


seeds = {
    "newc": newc(b"a", b"hello") + newc(b"TRAILER!!!", b""),
    "newc_name": newc(b"a", b"x", namesize=0x90000000),
    "newc_link": newc(b"l", b"target", mode=0o120777) + newc(b"m", b"", mode=0o120777,
                                                              filesize=0x7fffffff),
    "odc": odc(b"a", b"hello") + odc(b"TRAILER!!!", b""),
    "odc_link": odc(b"l", b"", mode=0o120777, filesize=0o7777777777),
    "bin": binle(b"a", b"hello") + binle(b"TRAILER!!!", b""),
    "bin_link": binle(b"a", b"hi") + binle(b"l", b"", mode=0o120777, filesize=0x7fffffff),
    "ar": b"!<arch>\n" + ar(b"//", b"long-member-name.o/\n") + ar(b"/0", b"abc"),
    "ar_table": b"!<arch>\n" + ar(b"//", b"", size=99999999),
    "ar_bsd": b"!<arch>\n" + ar(b"#1/20", b"n" * 20 + b"data") + ar(b"#1/9999999", b"x"),
}
for i, (k, v) in enumerate(sorted(seeds.items())):
    with open(os.path.join(out, k), "wb") as f:
        f.write(bytes([i * 13 % 131]) + v)
