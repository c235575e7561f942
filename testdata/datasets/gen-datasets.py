#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the Arrow IPC (file and stream), Feather v2 and Parquet fixtures of testdata/datasets.

pyarrow is not in Debian, so the metadata is encoded here with the standard library alone,
following the format definitions: FlatBuffers tables as Arrow's Schema.fbs, Message.fbs and
File.fbs lay them out (the encapsulated message: 0xFFFFFFFF, a 32-bit length, the Message
flatbuffer padded to 8 bytes), and the Thrift compact protocol for Parquet's FileMetaData
(parquet.thrift). Benign fixtures are laid out as pyarrow writes them (pandas and Hugging Face
schema metadata, ARROW:schema in Parquet); hostile ones carry pickled extension types or
malformed structure. Run from this folder; expected.tsv lists what each must raise.

--seeds DIR writes the fuzz seeds of tests/fuzz/corpus/{arrow,parquet} instead.
"""
import base64
import json
import os
import pickle
import struct
import sys

# ---- FlatBuffers -------------------------------------------------------------------------
# Objects are laid out front to back: a table's vtable, then the table, then what its offset
# fields point at, so every uoffset is positive as the format requires.


class Table:
    """fields: list of (id, kind, value); kind is 'u8', 'bool', 'i16', 'i32', 'i64' or 'off'
    (value: a Table, Str, Vec or Structs)."""

    def __init__(self, *fields):
        self.fields = list(fields)


class Str:
    def __init__(self, b):
        self.b = b.encode() if isinstance(b, str) else b


class Vec:
    """A vector of offsets to tables or strings."""

    def __init__(self, items):
        self.items = list(items)


class Structs:
    """A vector of inline structs of elem bytes each (raw bytes of all of them)."""

    def __init__(self, raw, elem, count):
        self.raw, self.elem, self.count = raw, elem, count


SIZES = {"u8": 1, "bool": 1, "i16": 2, "i32": 4, "i64": 8, "off": 4}
FMT = {"u8": "<B", "bool": "<B", "i16": "<h", "i32": "<i", "i64": "<q"}


class Builder:
    def __init__(self):
        self.buf = bytearray()

    def align(self, n, extra=0):
        while (len(self.buf) + extra) % n:
            self.buf.append(0)

    def emit(self, obj):
        if isinstance(obj, Str):
            self.align(4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(obj.b)) + obj.b + b"\0"
            return pos
        if isinstance(obj, Structs):
            self.align(8, 4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", obj.count) + obj.raw
            return pos
        if isinstance(obj, Vec):
            self.align(4)
            pos = len(self.buf)
            self.buf += struct.pack("<I", len(obj.items))
            slots = []
            for _ in obj.items:
                slots.append(len(self.buf))
                self.buf += b"\0\0\0\0"
            for slot, item in zip(slots, obj.items):
                target = self.emit(item)
                struct.pack_into("<I", self.buf, slot, target - slot)
            return pos
        return self.table(obj)

    def table(self, t):
        # Inline layout: the soffset, then fields largest first so each is aligned.
        order = sorted(t.fields, key=lambda f: -SIZES[f[1]])
        offs, size = {}, 4
        for fid, kind, _ in order:
            w = SIZES[kind]
            size = (size + w - 1) // w * w
            offs[fid] = size
            size += w
        nslots = max([f[0] for f in t.fields], default=-1) + 1
        vt = struct.pack("<HH", 4 + 2 * nslots, size)
        for i in range(nslots):
            vt += struct.pack("<H", offs.get(i, 0))
        # The table starts 8-aligned after its vtable.
        self.align(2)
        pad = (8 - (len(self.buf) + len(vt)) % 8) % 8
        self.buf += b"\0" * pad
        vt_pos = len(self.buf)
        self.buf += vt
        pos = len(self.buf)
        body = bytearray(size)
        struct.pack_into("<i", body, 0, pos - vt_pos)
        later = []
        for fid, kind, val in t.fields:
            if kind == "off":
                later.append((pos + offs[fid], val))
            else:
                struct.pack_into(FMT[kind], body, offs[fid], val)
        self.buf += body
        for slot, val in later:
            target = self.emit(val)
            struct.pack_into("<I", self.buf, slot, target - slot)
        return pos


def flatbuffer(root):
    b = Builder()
    b.buf += b"\0\0\0\0"
    pos = b.emit(root)
    struct.pack_into("<I", b.buf, 0, pos)
    b.align(8)
    return bytes(b.buf)


# ---- Arrow schema ------------------------------------------------------------------------
# Type union indices (Schema.fbs) and the tables the fixtures use.
T_INT, T_FLOAT, T_BINARY, T_UTF8, T_LIST, T_STRUCT, T_LARGE_BINARY = 2, 3, 4, 5, 12, 13, 19
V5 = 4  # MetadataVersion.V5
H_SCHEMA, H_RECORD_BATCH = 1, 3


def kvs(pairs):
    return Vec(Table((0, "off", Str(k)), (1, "off", Str(v))) for k, v in pairs)


def field(name, ttype, ttable=None, children=(), meta=None):
    f = [(0, "off", Str(name)), (1, "bool", 1), (2, "u8", ttype),
         (3, "off", ttable if ttable is not None else Table())]
    if children:
        f.append((5, "off", Vec(children)))
    if meta:
        f.append((6, "off", kvs(meta)))
    return Table(*f)


def int64(name, meta=None):
    return field(name, T_INT, Table((0, "i32", 64), (1, "bool", 1)), meta=meta)


def utf8(name):
    return field(name, T_UTF8)


def schema(fields, meta=None):
    f = [(0, "i16", 0), (1, "off", Vec(fields))]
    if meta:
        f.append((2, "off", kvs(meta)))
    return Table(*f)


def message(header_type, header, body=0):
    return flatbuffer(Table((0, "i16", V5), (1, "u8", header_type), (2, "off", header),
                            (3, "i64", body)))


def encapsulate(fb, legacy=False):
    fb = fb + b"\0" * ((8 - len(fb) % 8) % 8)
    if legacy:
        return struct.pack("<i", len(fb)) + fb
    return b"\xff\xff\xff\xff" + struct.pack("<i", len(fb)) + fb


EOS = b"\xff\xff\xff\xff\0\0\0\0"


def empty_batch():
    # RecordBatch { length: long = 0, nodes: [FieldNode], buffers: [Buffer] } with no rows.
    return encapsulate(message(H_RECORD_BATCH, Table(
        (0, "i64", 0), (1, "off", Structs(b"", 16, 0)), (2, "off", Structs(b"", 16, 0)))))


def stream(sch, legacy=False):
    return encapsulate(message(H_SCHEMA, sch), legacy) + empty_batch() + EOS


def ipc_file(head_schema, foot_schema=None):
    """ARROW1 and padding, the stream (schema, one empty batch, end marker), then the footer
    naming the batch, its length and the magic again."""
    out = bytearray(b"ARROW1\0\0")
    out += encapsulate(message(H_SCHEMA, head_schema))
    batch_at = len(out)
    batch = empty_batch()
    out += batch + EOS
    meta_len = len(batch) - 0  # the whole message is metadata: the batch has no body
    block = struct.pack("<qi4xq", batch_at, meta_len, 0)
    footer = flatbuffer(Table((0, "i16", V5), (1, "off", foot_schema or head_schema),
                              (2, "off", Structs(b"", 24, 0)),
                              (3, "off", Structs(block, 24, 1))))
    out += footer + struct.pack("<i", len(footer)) + b"ARROW1"
    return bytes(out)


# ---- Thrift compact protocol and Parquet -------------------------------------------------
BINARY, LIST, STRUCT, I32, I64 = 8, 9, 12, 5, 6


def varint(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def zigzag(n, bits=64):
    return (n << 1) ^ (n >> (bits - 1))


class TStruct:
    def __init__(self, *fields):
        self.fields = fields  # (id, type, value)

    def encode(self):
        out, last = bytearray(), 0
        for fid, ftype, val in self.fields:
            delta = fid - last
            if 0 < delta <= 15:
                out.append((delta << 4) | ftype)
            else:
                out.append(ftype)
                out += varint(zigzag(fid, 16))
            out += tvalue(ftype, val)
            last = fid
        out.append(0)
        return bytes(out)


class TList:
    def __init__(self, etype, items):
        self.etype, self.items = etype, list(items)


def tvalue(ftype, val):
    if ftype in (I32, I64):
        return varint(zigzag(val))
    if ftype == BINARY:
        val = val.encode() if isinstance(val, str) else val
        return varint(len(val)) + val
    if ftype == STRUCT:
        return val.encode()
    if ftype == LIST:
        n = len(val.items)
        head = bytes([(n << 4) | val.etype]) if n < 15 else bytes([0xF0 | val.etype]) + varint(n)
        return head + b"".join(tvalue(val.etype, v) for v in val.items)
    raise ValueError(ftype)


def parquet(kv, columns=(("id", 2), ("text", 6)), raw_footer=None, magic=b"PAR1"):
    """A Parquet file with no row groups: its footer holds the schema and the key-value
    metadata, as pyarrow writes for an empty table."""
    elems = [TStruct((4, BINARY, "schema"), (5, I32, len(columns)))]
    for name, ptype in columns:
        elems.append(TStruct((1, I32, ptype), (3, I32, 1), (4, BINARY, name)))
    fields = [(1, I32, 2), (2, LIST, TList(STRUCT, elems)), (3, I64, 0),
              (4, LIST, TList(STRUCT, []))]
    if kv is not None:
        fields.append((5, LIST, TList(STRUCT, [
            TStruct((1, BINARY, k), (2, BINARY, v)) for k, v in kv])))
    fields.append((6, BINARY, "parquet-cpp-arrow version 14.0.1"))
    footer = raw_footer if raw_footer is not None else TStruct(*fields).encode()
    return b"PAR1" + footer + struct.pack("<i", len(footer)) + magic


def arrow_schema_b64(sch):
    return base64.b64encode(encapsulate(message(H_SCHEMA, sch))).decode()


# ---- Metadata values ---------------------------------------------------------------------
PANDAS = json.dumps({
    "index_columns": [{"kind": "range", "name": None, "start": 0, "stop": 3, "step": 1}],
    "column_indexes": [{"name": None, "field_name": None, "pandas_type": "unicode",
                        "numpy_type": "object", "metadata": {"encoding": "UTF-8"}}],
    "columns": [
        {"name": "id", "field_name": "id", "pandas_type": "int64", "numpy_type": "int64",
         "metadata": None},
        {"name": "text", "field_name": "text", "pandas_type": "unicode",
         "numpy_type": "object", "metadata": None}],
    "creator": {"library": "pyarrow", "version": "14.0.1"},
    "pandas_version": "2.1.4"})
HF = json.dumps({"info": {"features": {
    "id": {"dtype": "int64", "_type": "Value"},
    "text": {"dtype": "string", "_type": "Value"}}}})


class Reduce:
    """Pickles as a call of func(*args), as a hostile __reduce__ writes it."""

    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def global_pickle(module, name, proto=4):
    """A pickle that imports module.name and calls it with no arguments, written opcode by
    opcode for a module that need not exist here (a user's PyExtensionType subclass)."""
    body = (b"\x8c" + bytes([len(module)]) + module.encode() + b"\x94" +
            b"\x8c" + bytes([len(name)]) + name.encode() + b"\x94\x93\x94)R\x94.")
    return b"\x80" + bytes([proto]) + b"\x95" + struct.pack("<Q", len(body)) + body


EVIL = pickle.dumps(Reduce(os.system, ("id",)), protocol=4)
USER_TYPE = global_pickle("mylib.types", "UuidType")
BENIGN_SCHEMA = schema([int64("id"), utf8("text")], [("pandas", PANDAS)])


def pyext(name, payload):
    return field(name, T_BINARY, children=(), meta=[
        ("ARROW:extension:name", "arrow.py_extension_type"),
        ("ARROW:extension:metadata", payload)])


def nested(depth, leaf):
    f = leaf
    for i in range(depth):
        f = field("level%d" % i, T_STRUCT, children=[f])
    return f


def fixtures():
    out = {}
    # Benign: what pyarrow and Hugging Face datasets write.
    out["plain_file.arrow"] = ipc_file(schema([int64("id"), utf8("text")]))
    out["pandas.feather"] = ipc_file(BENIGN_SCHEMA)
    out["hf_stream.arrow"] = stream(schema([int64("id"), utf8("text")], [("huggingface", HF)]))
    out["nested_stream.arrows"] = stream(schema([
        field("tags", T_LIST, children=[utf8("item")]),
        field("point", T_STRUCT, children=[int64("x"), int64("y")]),
        field("uuid", T_BINARY, meta=[("ARROW:extension:name", "arrow.uuid"),
                                      ("ARROW:extension:metadata", "")])]))
    out["legacy_stream.arrow"] = stream(schema([int64("id")]), legacy=True)
    out["plain.parquet"] = parquet([("pandas", PANDAS),
                                    ("ARROW:schema", arrow_schema_b64(BENIGN_SCHEMA))])
    out["no_metadata.parquet"] = parquet(None)
    out["text_values.parquet"] = parquet([("writer", "(c) example"), ("note", "cat\nhat")])

    # The legacy PyExtensionType (CVE-2023-47248) wherever a reader finds a schema.
    out["pyext_file.arrow"] = ipc_file(schema([int64("id"), pyext("payload", EVIL)]))
    out["pyext_stream.arrow"] = stream(schema([int64("id"), pyext("payload", EVIL)]))
    out["pyext_nested.arrow"] = stream(schema([
        field("outer", T_STRUCT, children=[
            field("inner", T_LIST, children=[pyext("item", EVIL)])])]))
    out["pyext_footer_only.feather"] = ipc_file(
        schema([int64("id")]), schema([int64("id"), pyext("payload", EVIL)]))
    out["pyext_user_type.arrow"] = stream(schema([pyext("uuid", USER_TYPE)]))
    out["pyext_legacy.arrow"] = stream(schema([pyext("payload", EVIL)]), legacy=True)
    out["pyext.parquet"] = parquet([
        ("ARROW:schema", arrow_schema_b64(schema([int64("id"), pyext("payload", EVIL)])))])
    # Other pickles in metadata, and Ray's pickled-object columns.
    out["meta_pickle.arrow"] = stream(schema([int64("id")], [("state", EVIL)]))
    out["field_meta_pickle.feather"] = ipc_file(schema([
        field("x", T_BINARY, meta=[("ARROW:extension:name", "my.ext"),
                                   ("ARROW:extension:metadata", EVIL)])]))
    out["meta_pickle.parquet"] = parquet([("pandas", PANDAS), ("state", EVIL)])
    out["ray_pickled.arrow"] = stream(schema([field(
        "obj", T_LARGE_BINARY, meta=[("ARROW:extension:name", "ray.data.arrow_pickled_object"),
                                     ("ARROW:extension:metadata", "")])]))

    # Hostile structure.
    good = ipc_file(schema([int64("id"), utf8("text")]))
    out["truncated.arrow"] = good[:len(good) // 2]
    bad_root = bytearray(stream(schema([int64("id")])))
    struct.pack_into("<I", bad_root, 8, 0x7FFFFFF0)
    out["root_out_of_bounds.arrow"] = bytes(bad_root)
    fb = bytearray(message(H_SCHEMA, schema([int64("id"), utf8("text")])))
    # Point the first field's name string past the end of the message.
    at = fb.find(b"\x02\x00\x00\x00id\x00")
    ref = next(i for i in range(4, len(fb), 4)
               if struct.unpack_from("<I", fb, i)[0] + i == at)
    struct.pack_into("<I", fb, ref, 0x10000)
    out["string_out_of_bounds.arrow"] = encapsulate(bytes(fb)) + EOS
    out["deep_nesting.arrow"] = stream(schema([nested(80, int64("leaf"))]))
    out["not_schema_first.arrow"] = empty_batch() + EOS
    out["footer_length.feather"] = good[:-10] + struct.pack("<i", 0x7FFFFFFF) + b"ARROW1"
    out["eos_first.arrow"] = EOS
    out["footer_length.parquet"] = b"PAR1" + b"\0" * 8 + struct.pack("<i", 1000) + b"PAR1"
    out["thrift_truncated.parquet"] = parquet(
        None, raw_footer=parquet([("k", "v")])[4:-8][:-9])
    deep = b"\x19\x1c" * 80  # field 1 a list of one struct, 80 times over
    out["thrift_deep.parquet"] = parquet(None, raw_footer=deep + b"\0" * 81)
    out["arrow_schema_not_b64.parquet"] = parquet([("ARROW:schema", "!!not base64!!")])
    out["arrow_schema_garbage.parquet"] = parquet([
        ("ARROW:schema", base64.b64encode(b"\xff\xff\xff\xff\x10\0\0\0" + b"\xee" * 16))])
    out["encrypted_footer.parquet"] = parquet([("k", "v")], magic=b"PARE")
    return out


def main():
    files = fixtures()
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        for kind, suffixes in (("arrow", (".arrow", ".arrows", ".feather")),
                               ("parquet", (".parquet",))):
            d = os.path.join(sys.argv[2], kind)
            os.makedirs(d, exist_ok=True)
            for name, data in files.items():
                if name.endswith(suffixes):
                    with open(os.path.join(d, name), "wb") as f:
                        f.write(data)
        return
    for name, data in files.items():
        with open(name, "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
