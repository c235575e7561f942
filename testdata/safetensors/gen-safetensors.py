#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the safetensors fixtures of this folder and expected.tsv.

Benign files follow the format as the reference writer produces it (safetensors/src/tensor.rs
serialize): an 8-byte little-endian header length, a compact JSON header with __metadata__
first, padded with spaces to a multiple of 8, then the tensors back to back. Hostile files
break one rule each. Run from anywhere: python3 gen-safetensors.py [OUTDIR]
"""
import io
import json
import os
import shutil
import struct
import sys
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []


def header_bytes(obj, pad=True):
    j = json.dumps(obj, separators=(",", ":")).encode()
    if pad:
        j += b" " * ((8 - len(j) % 8) % 8)
    return j


def build(tensors, meta=None, pad=True):
    """tensors: list of (name, dtype, shape, raw bytes), stored in that order."""
    h = {}
    if meta is not None:
        h["__metadata__"] = meta
    data = b""
    for name, dt, shape, raw in tensors:
        h[name] = {"dtype": dt, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    j = header_bytes(h, pad)
    return struct.pack("<Q", len(j)) + j + data


def raw_header(text, data=b""):
    if isinstance(text, str):
        text = text.encode()
    return struct.pack("<Q", len(text)) + text + data


def write(name, blob, rules):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(blob)
    rows.append((name, rules))


def writedir(name, files, rules):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for fn, blob in files.items():
        with open(os.path.join(d, fn), "wb") as f:
            f.write(blob)
    rows.append((name, rules))


f32 = struct.pack("<4f", 1.0, 2.0, 3.0, 4.0)

# ---- benign ----
write("ok_basic.safetensors", build([
    ("embed.weight", "F32", [2, 2], f32),
    ("half", "F16", [2], b"\x00\x3c\x00\x40"),
    ("bf", "BF16", [1], b"\x80\x3f"),
    ("ids", "I64", [2], struct.pack("<2q", 7, 9)),
    ("mask", "BOOL", [3], b"\x01\x00\x01"),
], meta={"format": "pt"}), "-")
write("ok_subbyte.safetensors", build([
    ("q4", "F4", [4], b"\x12\x34"),
    ("q6", "F6_E2M3", [4], b"\x01\x02\x03"),
    ("f8", "F8_E4M3", [2], b"\x38\x40"),
    ("e8", "F8_E8M0", [1], b"\x7f"),
]), "-")
write("ok_empty_and_scalar.safetensors", build([
    ("empty", "F32", [0, 4], b""),
    ("scalar", "I32", [], struct.pack("<i", 5)),
]), "-")
write("ok_no_tensors.safetensors", build([], meta={"format": "pt"}), "-")

shard1 = build([("a", "F32", [2, 2], f32)], meta={"format": "pt"})
shard2 = build([("b", "F32", [2, 2], f32)], meta={"format": "pt"})
index = {"metadata": {"total_size": 32},
         "weight_map": {"a": "model-00001-of-00002.safetensors",
                        "b": "model-00002-of-00002.safetensors"}}
writedir("sharded_ok", {
    "model.safetensors.index.json": json.dumps(index, indent=2).encode(),
    "model-00001-of-00002.safetensors": shard1,
    "model-00002-of-00002.safetensors": shard2,
}, "-")

# ---- hostile: header ----
write("header_too_big.safetensors", struct.pack("<Q", 200_000_000) + b"{}      ",
      "safetensors.header.size")
write("header_past_eof.safetensors", struct.pack("<Q", 4096) + b'{"a":1}',
      "safetensors.header.size")
write("header_short.safetensors", b"\x10\x00\x00", "safetensors.header.size")
write("header_badjson.safetensors", raw_header('{"a":{"dtype":"F32",    }}      '),
      "safetensors.header.json")
write("header_notutf8.safetensors", raw_header(b'{"\xff\xfe":{}}  '), "safetensors.header.json")
write("header_duplicate.safetensors", raw_header(
    '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
    '"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}   ', b"\0" * 4),
    "safetensors.header.duplicate,safetensors.data.align")
write("header_leading_space.safetensors", raw_header(
    '   {"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}} ', b"\0" * 4),
    "safetensors.header.leading,safetensors.data.align")
write("header_nul_padding.safetensors", raw_header(
    b'{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}\0\0\0\0\0\0', b"\0" * 4),
    "safetensors.header.padding,safetensors.data.align")
write("data_unaligned.safetensors", build([("w", "F32", [1], b"\0" * 4)], pad=False),
      "safetensors.data.align")

# ---- hostile: tensors ----
write("tensor_not_object.safetensors", raw_header('{"w":[1,2,3]}   '),
      "safetensors.tensor.invalid")
write("tensor_no_dtype.safetensors", raw_header(
    '{"w":{"shape":[1],"data_offsets":[0,4]}}', b"\0" * 4), "safetensors.tensor.invalid")
write("tensor_negative_shape.safetensors", raw_header(
    '{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}', b"\0" * 4),
    "safetensors.tensor.invalid,safetensors.data.align")
write("tensor_float_offset.safetensors", raw_header(
    '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4.0]}}', b"\0" * 4),
    "safetensors.tensor.invalid")
write("tensor_extra_field.safetensors", raw_header(
    '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"url":"http://x"}}', b"\0" * 4),
    "safetensors.tensor.field,safetensors.data.align")
write("dtype_unknown.safetensors", raw_header(
    '{"w":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}}', b"\0" * 16),
    "safetensors.dtype.unknown")
write("size_mismatch.safetensors", raw_header(
    '{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,8]}}', b"\0" * 8),
    "safetensors.tensor.size,safetensors.data.align")
write("size_overflow.safetensors", raw_header(
    '{"w":{"dtype":"F64","shape":[4294967296,4294967296,16],"data_offsets":[0,8]}}',
    b"\0" * 8), "safetensors.tensor.size,safetensors.data.align")
write("subbyte_misaligned.safetensors", raw_header(
    '{"w":{"dtype":"F4","shape":[3],"data_offsets":[0,2]}}', b"\0" * 2),
    "safetensors.tensor.size,safetensors.data.align")

# ---- hostile: offsets and data ----
write("offsets_gap.safetensors", raw_header(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
    '"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}', b"\0" * 12),
    "safetensors.offsets.invalid,safetensors.data.align")
# Two names on one byte range: the aliasing the reference reader forbids.
write("offsets_overlap.safetensors", raw_header(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},'
    '"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', b"\0" * 4),
    "safetensors.offsets.invalid,safetensors.data.align")
write("offsets_not_zero.safetensors", raw_header(
    '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}', b"\0" * 8),
    "safetensors.offsets.invalid,safetensors.data.align")
write("offsets_reversed.safetensors", raw_header(
    '{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}', b"\0" * 4),
    "safetensors.offsets.invalid,safetensors.data.align")
write("data_trailing.safetensors", build([("w", "F32", [2, 2], f32)]) + b"#!/bin/sh\nid\n",
      "safetensors.data.trailing")
write("data_truncated.safetensors", build([("w", "F32", [2, 2], f32)])[:-6],
      "safetensors.data.truncated")
write("metadata_not_string.safetensors", build([("w", "F32", [1], b"\0" * 4)],
      meta={"format": "pt", "n": 3, "cfg": {"a": 1}}), "safetensors.metadata.invalid")

# ---- hostile: polyglots ----
# A zip stored as the last tensor: the offsets tile the file exactly, yet the file ends
# with a zip end-of-central-directory record, so torch.load and zipfile read a zip.
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w", zipfile.ZIP_STORED) as z:
    # As writestr("archive/data.pkl") makes it, with a fixed date so that a rerun writes the
    # same bytes.
    info = zipfile.ZipInfo("archive/data.pkl", (1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o600 << 16
    z.writestr(info, b"\x80\x02}q\x00.")
zipbytes = zbuf.getvalue()
write("polyglot_zip.safetensors", build([("w", "F32", [2, 2], f32),
                                          ("blob", "U8", [len(zipbytes)], zipbytes)]),
      "safetensors.polyglot,zip.data.prefix")


def pickle_polyglot():
    """pickle.load on this file imports os.system, and safetensors loads it too.

    Byte 0 of the length is BINUNICODE ('X'), whose 4-byte length (bytes 1-4; byte 4 is 0
    as in any real header length) swallows the rest of the length field and the start of
    the JSON. The pickle resumes inside the __metadata__ string, hops with SHORT_BINSTRING
    chunks to the end of the header, and runs its GLOBAL from the tensor data.
    """
    payload = b"cos\nsystem\n(S'echo polyglot'\ntR."
    if True:
        data_len = 200
        prefix = ('{"w":{"dtype":"U8","shape":[%d],"data_offsets":[0,%d]},'
                  '"__metadata__":{"p":"' % (data_len, data_len)).encode()
        L = len(prefix) + 3              # swallowed: 3 zero bytes and the prefix
        n = 0x58 + 256 * L               # the header length those bytes spell
        if L >= 1 << 24:
            return None
        tail = b'"}}'
        room = n - len(prefix) - len(tail)
        # Fill the JSON string with 'U' chunks; the last one runs past the header end.
        body = b""
        while room - len(body) > 120:
            body += b"U" + bytes([100]) + b"A" * 100
        rest = room - len(body)           # bytes of string left, then tail and spaces
        # Last chunk: 'U', length byte, then the rest of the string, the tail, and the
        # first k bytes of the tensor data.
        k = 126 - (rest - 2 + len(tail))
        if k < 0 or rest < 2:
            return None
        body += b"U" + bytes([126]) + b"A" * (rest - 2)
        header = prefix + body + tail
        assert len(header) == n
        data = b"B" * k + payload
        data += b"\0" * (data_len - len(data))
        blob = struct.pack("<Q", n) + header + data
        assert blob[0:1] == b"X"
        return blob
    return None


write("polyglot_pickle.safetensors", pickle_polyglot(), "safetensors.polyglot")

# ---- hostile: shard index ----
writedir("sharded_missing", {
    "model.safetensors.index.json": json.dumps(index, indent=2).encode(),
    "model-00001-of-00002.safetensors": shard1,
}, "safetensors.index.shard.missing")
bad = {"metadata": {"total_size": 16}, "weight_map": {"a": "../outside.safetensors"}}
writedir("sharded_traversal", {
    "model.safetensors.index.json": json.dumps(bad).encode(),
}, "safetensors.index.shard.path")
writedir("sharded_badjson", {
    "model.safetensors.index.json": b'{"weight_map": {"a": "x.safetensors",}}',
}, "safetensors.index.invalid")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
