#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Seeds of tests/fuzz/fuzz_hdrguard: small cpio (newc, odc, binary) and ar archives as
their own tools lay them out, and each with one header declaring too much; tar archives with
sparse maps (old GNU with extension blocks, format 1.0 named by a pax header), one declaring
too many entries. The first byte
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


def tarhdr(name, size, typ, extra=None):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:108] = b"0000644\0"
    h[108:116] = h[116:124] = b"0000000\0"
    h[124:136] = b"%011o\0" % size
    h[136:148] = b"00000000000\0"
    h[156:157] = typ
    h[257:265] = b"ustar  \0"
    if extra:
        extra(h)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)


def entry(offset, size):
    return b"%011o\0" % offset + b"%011o\0" % size


def old_sparse(ext_blocks, entries_per_block=21):
    """An old GNU sparse member (type S): 4 entries in the header, then extension blocks."""
    def ex(h):
        for i in range(4):
            h[386 + 24 * i:410 + 24 * i] = entry(512 * (2 * i + 1), 1)
        h[482] = 1 if ext_blocks else 0
        h[483:495] = b"%011o\0" % (512 * 64)
    out = tarhdr(b"sparse", 4, b"S", ex)
    for k in range(ext_blocks):
        blk = bytearray(512)
        for i in range(entries_per_block):
            blk[24 * i:24 * i + 24] = entry(512 * (9 + k * 21 + i), 0)
        blk[504] = 1 if k + 1 < ext_blocks else 0
        out += bytes(blk)
    return out + b"data" + b"\0" * 508 + b"\0" * 1024


def pax(records):
    body = b""
    for k, v in records:
        r = b" %s=%s\n" % (k, v)
        n = len(r) + 1
        while len(b"%d" % n) + len(r) != n:
            n += 1
        body += b"%d" % n + r
    return tarhdr(b"PaxHeader", len(body), b"x") + pad(body, 512)


def sparse10(count, entries):
    """A sparse file of format 1.0: the map (count, then offset and size lines) in its data."""
    data = pad(b"%d\n" % count + b"".join(b"%d\n%d\n" % e for e in entries), 512)
    return (pax([(b"GNU.sparse.major", b"1"), (b"GNU.sparse.minor", b"0"),
                 (b"GNU.sparse.name", b"s"), (b"GNU.sparse.realsize", b"4")]) +
            tarhdr(b"s", len(data) + 512, b"0") + data + pad(b"data", 512) + b"\0" * 1024)


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
    "tar_oldsparse": old_sparse(3),
    "tar_sparse10": sparse10(2, [(0, 4), (4096, 0)]),
    "tar_sparse10_count": sparse10(99999999, [(0, 4)]),
}
for i, (k, v) in enumerate(sorted(seeds.items())):
    with open(os.path.join(out, k), "wb") as f:
        f.write(bytes([i * 13 % 131]) + v)
