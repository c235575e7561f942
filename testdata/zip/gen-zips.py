#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the zip fixtures of the own zip index (src/walk/zipidx.c) and their expected table.

Regenerate (python3 stdlib only; the output is deterministic):
    python3 testdata/zip/gen-zips.py testdata/zip
    rm -f tests/fuzz/corpus/zipidx/*.zip && cp testdata/zip/*.zip tests/fuzz/corpus/zipidx/

Benign zips come from Python's zipfile, the writer real tools use; hostile ones are built
byte by byte (or patched), so each breaks exactly one thing.

expected.tsv columns: case, the rule ids the index must report (exactly that set; "-" for
none), and what libarchive's seekable reader (bsdtar -tf) lists compared with the central
directory names: "same", "differs" or "fails" (it stops with an error). tests/unit/check_zipidx.c
checks both columns; the cases marked "differs" or "fails" are why the index exists.
"""

import io
import os
import struct
import sys
import zlib
import zipfile

DATE = (2024, 1, 2, 3, 4, 6)
DOSTIME, DOSDATE = 0x1883, 0x5822
PICKLE = b"\x80\x02}q\x00X\x01\x00\x00\x00aq\x01K\x01s."
TEXT = b"3\n"
PAYLOAD = b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03."


def lfh(name, crc, csize, usize, method=0, flags=0, extra=b"", version=20):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, version, flags, method, DOSTIME,
                       DOSDATE, crc, csize, usize, len(name), len(extra)) + name + extra


def cdh(name, crc, csize, usize, off, method=0, flags=0, extra=b"", disk=0, version=20):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 0x0314, version, flags, method,
                       DOSTIME, DOSDATE, crc, csize, usize, len(name), len(extra), 0, disk,
                       0, 0o100644 << 16, off) + name + extra


def eocd(n, cd_size, cd_off, comment=b"", disk=0, cd_disk=0, n_this=None):
    return struct.pack("<IHHHHIIH", 0x06054B50, disk, cd_disk, n if n_this is None else n_this,
                       n, cd_size, cd_off, len(comment)) + comment


def deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


class Member:
    """One member as the raw writer lays it out; fields may be changed to build a lie."""

    def __init__(self, name, data, method=0):
        self.name = name
        self.data = data
        self.method = method
        self.body = deflate(data) if method == 8 else data
        self.crc = zlib.crc32(data)
        self.flags = 0
        self.lextra = b""
        self.cextra = b""
        self.off = 0
        self.cd_name = name


def raw_zip(members, prefix=b"", comment=b"", count=None, tweak_cd=None):
    """A zip with the members stored in order; tweak_cd(m, record) may rewrite a record."""
    out = bytearray(prefix)
    for m in members:
        m.off = len(out)
        out += lfh(m.name, m.crc, len(m.body), len(m.data), m.method, m.flags, m.lextra)
        out += m.body
    cd_off = len(out)
    for m in members:
        rec = cdh(m.cd_name, m.crc, len(m.body), len(m.data), m.off, m.method, m.flags,
                  m.cextra)
        out += tweak_cd(m, rec) if tweak_cd else rec
    cd_size = len(out) - cd_off
    n = len(members) if count is None else count
    out += eocd(n, cd_size, cd_off, comment)
    return bytes(out)


def two():
    return [Member(b"archive/data.pkl", PICKLE), Member(b"archive/version", TEXT)]


def pyzip(method, members=None, comment=b"", force_zip64=False, seekable=True):
    """A zip written by Python's zipfile."""
    buf = io.BytesIO()

    class Unseekable(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            return buf.write(b)

    target = buf if seekable else Unseekable()
    with zipfile.ZipFile(target, "w", compression=method) as zf:
        for name, data in members or [("archive/data.pkl", PICKLE), ("archive/version", TEXT)]:
            zi = zipfile.ZipInfo(name, DATE)
            zi.compress_type = method
            zi.external_attr = 0o100644 << 16
            with zf.open(zi, "w", force_zip64=force_zip64) as f:
                f.write(data)
        zf.comment = comment
    return buf.getvalue()


def patch(data, off, new):
    return data[:off] + new + data[off + len(new):]


# -- benign ---------------------------------------------------------------------------------

def benign_zip64_full():
    """ZIP64 everywhere: sentinel sizes and offset in the central directory, ZIP64 end
    record and locator, sentinel counts in the end record."""
    ms = two()
    out = bytearray()
    for m in ms:
        m.off = len(out)
        ext = struct.pack("<HHQQ", 1, 16, len(m.data), len(m.body))
        out += lfh(m.name, m.crc, 0xFFFFFFFF, 0xFFFFFFFF, extra=ext, version=45)
        out += m.body
    cd_off = len(out)
    for m in ms:
        ext = struct.pack("<HHQQQ", 1, 24, len(m.data), len(m.body), m.off)
        out += cdh(m.name, m.crc, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, extra=ext, version=45)
    cd_size = len(out) - cd_off
    z64 = len(out)
    out += struct.pack("<IQHHIIQQQQ", 0x06064B50, 44, 0x032D, 45, 0, 0, 2, 2, cd_size, cd_off)
    out += struct.pack("<IIQI", 0x07064B50, 0, z64, 1)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFFFFFF,
                       0xFFFFFFFF, 0)
    return bytes(out)


def benign_zip64_partial():
    """Only the compressed size is a sentinel in the central directory, so its ZIP64 field
    holds only that; the local header carries both sizes, as APPNOTE asks of it."""
    ms = two()
    m = ms[0]
    out = bytearray()
    for x in ms:
        x.off = len(out)
        if x is m:
            ext = struct.pack("<HHQQ", 1, 16, len(x.data), len(x.body))
            out += lfh(x.name, x.crc, 0xFFFFFFFF, 0xFFFFFFFF, extra=ext, version=45)
        else:
            out += lfh(x.name, x.crc, len(x.body), len(x.data))
        out += x.body
    cd_off = len(out)
    out += cdh(m.name, m.crc, 0xFFFFFFFF, len(m.data), m.off,
               extra=struct.pack("<HHQ", 1, 8, len(m.body)), version=45)
    x = ms[1]
    out += cdh(x.name, x.crc, len(x.body), len(x.data), x.off)
    out += eocd(2, len(out) - cd_off, cd_off)
    return bytes(out)


def benign_empty():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w"):
        pass
    return buf.getvalue()


def benign_descriptor_nosig():
    """Sizes in a data descriptor without its optional signature."""
    m = Member(b"archive/data.pkl", PICKLE, 8)
    out = bytearray(lfh(m.name, 0, 0, 0, 8, 0x0008))
    out += m.body + struct.pack("<III", m.crc, len(m.body), len(m.data))
    cd_off = len(out)
    out += cdh(m.name, m.crc, len(m.body), len(m.data), 0, 8, 0x0008)
    out += eocd(1, len(out) - cd_off, cd_off)
    return bytes(out)


def benign_cp437_upath():
    """A CP437 name (no UTF-8 flag) whose Unicode Path field spells it in UTF-8."""
    m = Member(b"caf\x82.txt", TEXT)
    u = "café.txt".encode()
    m.lextra = m.cextra = struct.pack("<HHBI", 0x7075, 5 + len(u), 1, zlib.crc32(m.name)) + u
    return raw_zip([m])


def torch_encrypted_flag():
    """The encryption flag set on plain stored data: PyTorch's miniz ignores the flag,
    libarchive refuses the member. Consistent in both headers, so no finding; the data is
    read with mv_zipidx_read_stored."""
    ms = two()
    ms[0].flags = 0x0001
    return raw_zip(ms)


# -- hostile --------------------------------------------------------------------------------

def prefix_sfx():
    """A stub before the zip whose offsets were not adjusted (cat stub a.zip)."""
    return b"MZ" + bytes(range(62)) + raw_zip(two())


def prefix_adjusted():
    """A stub before the zip, offsets adjusted, as zipfile writes when appending to a file."""
    buf = io.BytesIO()
    buf.write(b"#!/bin/sh\nexit 0\n" + b"\0" * 15)
    with zipfile.ZipFile(buf, "a") as zf:
        zi = zipfile.ZipInfo("archive/data.pkl", DATE)
        zi.external_attr = 0o100644 << 16
        zf.writestr(zi, PICKLE)
    return buf.getvalue()


def name_mismatch():
    """The local header names a different member than the central directory (same length),
    the picklescan bypass: libarchive shows the local name, torch loads the central one."""
    ms = two()
    ms[0].cd_name = b"archive/safe.pk0"
    ms[0].name = b"archive/data.pkl"
    return raw_zip(ms)


def method_mismatch():
    ms = two()

    def tweak(m, rec):
        return patch(rec, 10, struct.pack("<H", 8)) if m is ms[0] else rec
    return raw_zip(ms, tweak_cd=tweak)


def flag_mismatch():
    """Encrypted in the local header only: libarchive refuses what miniz reads."""
    ms = two()
    z = raw_zip(ms)
    return patch(z, ms[0].off + 6, struct.pack("<H", 0x0001))


def crc_mismatch():
    ms = two()
    z = raw_zip(ms)
    return patch(z, ms[0].off + 14, struct.pack("<I", ms[0].crc ^ 0x5A5A5A5A))


def size_mismatch():
    ms = two()
    z = raw_zip(ms)
    return patch(z, ms[0].off + 22, struct.pack("<I", len(ms[0].data) + 100))


def descriptor_mismatch():
    m = Member(b"archive/data.pkl", PICKLE, 8)
    out = bytearray(lfh(m.name, 0, 0, 0, 8, 0x0008))
    out += m.body + struct.pack("<IIII", 0x08074B50, m.crc ^ 1, len(m.body), len(m.data))
    cd_off = len(out)
    out += cdh(m.name, m.crc, len(m.body), len(m.data), 0, 8, 0x0008)
    out += eocd(1, len(out) - cd_off, cd_off)
    return bytes(out)


def upath_mismatch():
    """A Unicode Path field naming another member: libarchive shows it, miniz does not."""
    ms = two()
    u = b"archive/evil.pkl"
    ms[0].lextra = ms[0].cextra = struct.pack("<HHBI", 0x7075, 5 + len(u), 1,
                                              zlib.crc32(ms[0].name)) + u
    return raw_zip(ms)


def overlap_quoted():
    """Fifield's quoted overlap: member a's stored data quotes member b's local header and
    data, so b's bytes are read twice."""
    b = Member(b"archive/b", PICKLE)
    a = Member(b"archive/a", b"quote:" + lfh(b.name, b.crc, len(b.body), len(b.data)) + b.body)
    b_off = 30 + len(a.name) + len(b"quote:")
    out = bytearray(lfh(a.name, a.crc, len(a.body), len(a.data)) + a.body)
    assert out[b_off:b_off + 4] == b"PK\x03\x04"
    cd_off = len(out)
    out += cdh(a.name, a.crc, len(a.body), len(a.data), 0)
    out += cdh(b.name, b.crc, len(b.body), len(b.data), b_off)
    out += eocd(2, len(out) - cd_off, cd_off)
    return bytes(out)


def duplicate_cd():
    """Two central records for one local header (CPython gh-117779)."""
    ms = two()
    z = raw_zip(ms)
    cd_off, = struct.unpack_from("<I", z, len(z) - 6)
    cd = z[cd_off:len(z) - 22]
    first = cd[:46 + len(ms[0].name)]
    cd2 = first + cd
    return z[:cd_off] + cd2 + eocd(3, len(cd2), cd_off)


def overlap_cd():
    """The last member's sizes reach into the central directory."""
    ms = two()

    def tweak(m, rec):
        return patch(rec, 20, struct.pack("<II", len(m.body) + 40, len(m.data) + 40)) \
            if m is ms[1] else rec
    z = bytearray(raw_zip(ms, tweak_cd=tweak))
    z[ms[1].off + 18:ms[1].off + 26] = struct.pack("<II", len(ms[1].body) + 40,
                                                   len(ms[1].data) + 40)
    return bytes(z)


def hidden_lfh():
    """A member written but left out of the central directory: streaming readers see it,
    torch and Python's zipfile do not."""
    ms = two() + [Member(b"archive/extra.pkl", PAYLOAD)]
    out = bytearray()
    for m in ms:
        m.off = len(out)
        out += lfh(m.name, m.crc, len(m.body), len(m.data)) + m.body
    cd_off = len(out)
    for m in ms[:2]:
        out += cdh(m.name, m.crc, len(m.body), len(m.data), m.off)
    out += eocd(2, len(out) - cd_off, cd_off)
    return bytes(out)


def concat_two_zips():
    """Two zips end to end: the second's directory hides the first (a polyglot)."""
    return raw_zip([Member(b"first/payload.pkl", PAYLOAD)]) + raw_zip(two())


def eocd_in_comment():
    """The comment holds a decoy end record: Python's zipfile takes the last signature."""
    z = raw_zip(two())
    decoy = eocd(0, 0, 0)
    return z[:-2] + struct.pack("<H", len(decoy)) + decoy


def eocd_two():
    """A second end record after the first, both complete."""
    z = raw_zip(two())
    return z + z[-22:]


def eocd_trailing():
    return raw_zip(two()) + b"trailing bytes!!"


def bad_counts():
    ms = two()
    return raw_zip(ms, count=3)


def eocd_disk():
    z = raw_zip(two())
    return patch(z, len(z) - 22 + 4, struct.pack("<HH", 1, 1))


def cd_truncated():
    """The directory is cut short: the end record still gives its full size."""
    ms = two() + [Member(b"archive/third", TEXT)]
    z = raw_zip(ms)
    cd_off, = struct.unpack_from("<I", z, len(z) - 6)
    cut = cd_off + 46 + len(ms[0].name) + 20
    return z[:cut] + z[-22:]


def cd_offset_oob():
    z = raw_zip(two())
    return patch(z, len(z) - 6, struct.pack("<I", 0x7FFFFF00))


def lfh_bad_sig():
    """A central record pointing into the middle of member data."""
    ms = two()

    def tweak(m, rec):
        return patch(rec, 42, struct.pack("<I", m.off + 8)) if m is ms[1] else rec
    return raw_zip(ms, tweak_cd=tweak)


def nul_name():
    """A NUL inside the name: C-string readers see "archive/a", Python sees the rest."""
    m = Member(b"archive/a\0.pkl", PICKLE)
    return raw_zip([m, Member(b"archive/version", TEXT)])


def zip64_no_extra():
    """Sentinel sizes with no ZIP64 field in either header."""
    m = Member(b"archive/data.pkl", PICKLE)
    out = bytearray(lfh(m.name, m.crc, len(m.body), 0xFFFFFFFF) + m.body)
    cd_off = len(out)
    out += cdh(m.name, m.crc, len(m.body), 0xFFFFFFFF, 0)
    out += eocd(1, len(out) - cd_off, cd_off)
    return bytes(out)


def zip64_short_extra():
    """Sentinel offset and size but a ZIP64 field holding only one value."""
    m = Member(b"archive/data.pkl", PICKLE)
    out = bytearray(lfh(m.name, m.crc, len(m.body), len(m.data)) + m.body)
    cd_off = len(out)
    ext = struct.pack("<HHQ", 1, 8, len(m.data))
    out += cdh(m.name, m.crc, len(m.body), 0xFFFFFFFF, 0xFFFFFFFF, extra=ext)
    out += eocd(1, len(out) - cd_off, cd_off)
    return bytes(out)


def zip64_locator_elsewhere():
    """The ZIP64 locator points away from the ZIP64 end record that precedes it; Python reads
    the adjacent record, libarchive and miniz follow the pointer."""
    z = bytearray(benign_zip64_full())
    loc = len(z) - 22 - 20
    z[loc + 8:loc + 16] = struct.pack("<Q", 10)
    return bytes(z)


def zip64_disagree():
    """The end record's 32-bit count is not a sentinel and disagrees with the ZIP64 one."""
    z = bytearray(benign_zip64_full())
    e = len(z) - 22
    z[e + 8:e + 12] = struct.pack("<HH", 1, 1)
    return bytes(z)


# case: (builder, expected rule ids, libarchive seekable listing vs central names, note)
CASES = [
    ("benign_stored", lambda: pyzip(zipfile.ZIP_STORED), [], "same"),
    ("benign_deflated", lambda: pyzip(zipfile.ZIP_DEFLATED), [], "same"),
    ("benign_zip64_python", lambda: pyzip(zipfile.ZIP_DEFLATED, force_zip64=True), [], "same"),
    ("benign_descriptor", lambda: pyzip(zipfile.ZIP_DEFLATED, seekable=False), [], "same"),
    ("benign_descriptor_stored", lambda: pyzip(zipfile.ZIP_STORED, seekable=False), [],
     "same"),
    ("benign_descriptor_nosig", benign_descriptor_nosig, [], "same"),
    ("benign_zip64_full", benign_zip64_full, [], "same"),
    ("benign_zip64_partial", benign_zip64_partial, [], "same"),
    ("benign_empty", benign_empty, [], "same"),
    ("benign_comment", lambda: pyzip(zipfile.ZIP_DEFLATED, comment=b"made by a test"), [],
     "same"),
    ("benign_cp437_upath", benign_cp437_upath, [], "differs"),
    ("torch_encrypted_flag", torch_encrypted_flag, [], "same"),
    ("prefix_sfx", prefix_sfx, ["zip.data.prefix"], "same"),
    ("prefix_adjusted", prefix_adjusted, ["zip.data.prefix"], "same"),
    ("name_mismatch", name_mismatch, ["zip.header.mismatch"], "differs"),
    ("method_mismatch", method_mismatch, ["zip.header.mismatch"], "same"),
    ("flag_mismatch", flag_mismatch, ["zip.header.mismatch"], "same"),
    ("crc_mismatch", crc_mismatch, ["zip.header.mismatch"], "same"),
    ("size_mismatch", size_mismatch, ["zip.header.mismatch"], "same"),
    ("descriptor_mismatch", descriptor_mismatch, ["zip.header.mismatch"], "same"),
    ("upath_mismatch", upath_mismatch, ["zip.header.mismatch"], "differs"),
    ("overlap_quoted", overlap_quoted, ["zip.entry.overlap"], "same"),
    ("duplicate_cd", duplicate_cd, ["zip.entry.overlap"], "differs"),
    ("overlap_cd", overlap_cd, ["zip.entry.overlap"], "same"),
    ("hidden_lfh", hidden_lfh, ["zip.entry.hidden"], "same"),
    ("concat_two_zips", concat_two_zips, ["zip.data.prefix", "zip.entry.hidden"], "same"),
    ("eocd_in_comment", eocd_in_comment, ["zip.data.prefix", "zip.entry.hidden",
                                         "zip.eocd.invalid"], "same"),
    ("eocd_two", eocd_two, ["zip.cd.invalid", "zip.eocd.invalid"], "fails"),
    ("eocd_trailing", eocd_trailing, ["zip.eocd.invalid"], "same"),
    ("bad_counts", bad_counts, ["zip.eocd.invalid"], "same"),
    ("eocd_disk", eocd_disk, ["zip.eocd.invalid"], "same"),
    ("cd_truncated", cd_truncated, ["zip.cd.invalid", "zip.entry.hidden"], "differs"),
    ("cd_offset_oob", cd_offset_oob, ["zip.cd.invalid"], "same"),
    ("lfh_bad_sig", lfh_bad_sig, ["zip.cd.invalid", "zip.entry.hidden"], "fails"),
    ("nul_name", nul_name, ["archive.path.nul"], "differs"),
    ("zip64_no_extra", zip64_no_extra, ["zip.cd.invalid"], "same"),
    ("zip64_short_extra", zip64_short_extra, ["zip.cd.invalid", "zip.entry.hidden"], "fails"),
    ("zip64_locator_elsewhere", zip64_locator_elsewhere, ["zip.eocd.invalid"], "same"),
    ("zip64_disagree", zip64_disagree, ["zip.eocd.invalid"], "same"),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: gen-zips.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    rows = ["# Written by gen-zips.py: case, rule ids (exactly; - for none), libarchive view."]
    for name, build, rules, la in CASES:
        with open(os.path.join(out, name + ".zip"), "wb") as f:
            f.write(build())
        rows.append("%s\t%s\t%s" % (name, ",".join(sorted(rules)) or "-", la))
    with open(os.path.join(out, "expected.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main()
