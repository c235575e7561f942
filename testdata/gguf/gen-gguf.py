#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the GGUF fixtures of this folder and expected.tsv.

Benign files are laid out as gguf-py's GGUFWriter writes them (ggml/docs/gguf.md): header,
key-value pairs, tensor infos, zero padding to general.alignment (default 32), then each
tensor's data padded to the alignment. Hostile files break one rule each.
Run from anywhere: python3 gen-gguf.py [OUTDIR]
"""
import os
import struct
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []

UINT8, INT8, UINT16, INT16, UINT32, INT32, FLOAT32, BOOL, STRING, ARRAY, UINT64, INT64, \
    FLOAT64 = range(13)
SCALAR = {UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i",
          FLOAT32: "<f", BOOL: "<B", UINT64: "<Q", INT64: "<q", FLOAT64: "<d"}
F32, F16, Q8_0 = 0, 1, 8
TYPE_SIZE = {F32: (1, 4), F16: (1, 2), Q8_0: (32, 34)}


def gstr(s):
    if isinstance(s, str):
        s = s.encode()
    return struct.pack("<Q", len(s)) + s


def value(t, v):
    if t == STRING:
        return gstr(v)
    if t == ARRAY:
        et, items = v
        out = struct.pack("<IQ", et, len(items))
        for it in items:
            out += value(et, it)
        return out
    return struct.pack(SCALAR[t], v)


def kv(key, t, v):
    return gstr(key) + struct.pack("<I", t) + value(t, v)


def nbytes(gtype, dims):
    blck, size = TYPE_SIZE[gtype]
    n = 1
    for d in dims:
        n *= d
    return n // blck * size


def build(kvs, tensors, version=3, align=32, raw_kvs=None):
    """kvs: (key, type, value); tensors: (name, dims, ggml type). Data is a ramp of bytes."""
    body = b""
    n_kv = len(kvs) + (len(raw_kvs) if raw_kvs else 0)
    for k in kvs:
        body += kv(*k)
    for r in raw_kvs or []:
        body += r
    infos = b""
    datas = b""
    off = 0
    for name, dims, gtype in tensors:
        infos += gstr(name) + struct.pack("<I", len(dims))
        infos += b"".join(struct.pack("<Q", d) for d in dims)
        infos += struct.pack("<IQ", gtype, off)
        size = nbytes(gtype, dims)
        data = bytes((i * 7) & 0xff for i in range(size))
        data += b"\0" * ((align - size % align) % align)
        datas += data
        off += len(data)
    head = b"GGUF" + struct.pack("<IQQ", version, len(tensors), n_kv) + body + infos
    head += b"\0" * ((align - len(head) % align) % align)
    return head + datas


def write(name, blob, rules):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(blob)
    rows.append((name, rules))


CHATML = ("{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + "
          "message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt "
          "%}{{ '<|im_start|>assistant\\n' }}{% endif %}")
TOOLS = ("{%- set ns = namespace(found=false) -%}{%- for message in messages -%}"
         "{%- if message['role'] == 'system' -%}{%- set ns.found = true -%}{%- endif -%}"
         "{%- endfor -%}{%- if tools is defined and tools -%}{{ '<tools>' }}{%- for tool in "
         "tools -%}{{ tool | tojson }}{%- endfor -%}{{ '</tools>' }}{%- endif -%}"
         "{%- for message in messages -%}{{ '<|' + message.role + '|>' + message.content | "
         "trim }}{%- endfor -%}{%- if add_generation_prompt -%}{{ '<|assistant|>' }}{%- endif "
         "-%}")

BASE_KV = [
    ("general.architecture", STRING, "llama"),
    ("general.name", STRING, "fixture"),
    ("general.alignment", UINT32, 32),
    ("general.quantization_version", UINT32, 2),
    ("llama.context_length", UINT32, 2048),
    ("llama.rope.freq_base", FLOAT32, 10000.0),
    ("llama.use_parallel_residual", BOOL, 1),
    ("general.file_type", UINT64, 7),
    ("general.size_label", FLOAT64, 0.5),
    ("tokenizer.ggml.model", STRING, "gpt2"),
    ("tokenizer.ggml.tokens", ARRAY, (STRING, ["<s>", "</s>", "hello", "wörld"])),
    ("tokenizer.ggml.scores", ARRAY, (FLOAT32, [0.0, -1.0, -2.0, -3.0])),
    ("tokenizer.ggml.token_type", ARRAY, (INT32, [3, 3, 1, 1])),
    ("tokenizer.ggml.add_bos", ARRAY, (BOOL, [1, 0])),
    ("tokenizer.chat_template", STRING, CHATML),
]
BASE_T = [("token_embd.weight", [4, 2], F32), ("blk.0.attn_q.weight", [8], F16),
          ("blk.0.ffn.weight", [32, 2], Q8_0)]

# ---- benign ----
write("ok_basic.gguf", build(BASE_KV, BASE_T), "-")
write("ok_v2.gguf", build(BASE_KV[:3], BASE_T[:1], version=2), "-")
write("ok_vocab_only.gguf", build(BASE_KV, []), "-")
write("ok_templates.gguf", build(BASE_KV[:2] + [
    ("tokenizer.chat_template", STRING, CHATML),
    ("tokenizer.chat_templates", ARRAY, (STRING, ["tool_use"])),
    ("tokenizer.chat_template.tool_use", STRING, TOOLS)], BASE_T[:1]), "-")
write("ok_align64.gguf", build([("general.architecture", STRING, "llama"),
                                ("general.alignment", UINT32, 64)], BASE_T, align=64), "-")

# ---- hostile: header ----
ok = build(BASE_KV[:2], BASE_T[:1])
write("version1.gguf", b"GGUF" + struct.pack("<I", 1) + ok[8:], "gguf.version")
write("version4.gguf", b"GGUF" + struct.pack("<I", 4) + ok[8:], "gguf.version")
write("big_endian.gguf", b"GGUF" + struct.pack(">I", 3) + ok[8:], "gguf.version")
write("counts_huge.gguf", b"GGUF" + struct.pack("<IQQ", 3, 1, 1 << 40) + ok[24:],
      "gguf.header.invalid")

# ---- hostile: metadata ----
write("kv_type_unknown.gguf", build([], [], raw_kvs=[
    gstr("general.architecture") + struct.pack("<I", 13) + b"\0" * 8]), "gguf.kv.type")
write("kv_string_huge.gguf", build([], [], raw_kvs=[
    gstr("general.name") + struct.pack("<IQ", STRING, 1 << 50) + b"x" * 16]), "gguf.kv.length")
write("kv_array_huge.gguf", build([], [], raw_kvs=[
    gstr("tokenizer.ggml.scores") + struct.pack("<IIQ", ARRAY, FLOAT32, 1 << 60) + b"\0" * 16]),
    "gguf.kv.length")
write("kv_key_huge.gguf", b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 66000) +
      b"k" * 66000 + struct.pack("<I", UINT8) + b"\0", "gguf.kv.length")
write("kv_duplicate.gguf", build(BASE_KV[:2] + [
    ("tokenizer.chat_template", STRING, CHATML),
    ("tokenizer.chat_template", STRING, "{{ messages }}")], []), "gguf.kv.duplicate")
write("kv_bool.gguf", build([("general.architecture", STRING, "llama"),
                             ("llama.use_parallel_residual", BOOL, 2)], []), "gguf.kv.bool")
write("kv_bool_array.gguf", build([("general.architecture", STRING, "llama"),
                                   ("tokenizer.ggml.add_bos", ARRAY, (BOOL, [1, 0, 7]))], []),
      "gguf.kv.bool")
write("kv_nested.gguf", build([("general.architecture", STRING, "llama"),
                               ("general.tags", ARRAY, (ARRAY, [(STRING, ["a"]),
                                                                (UINT8, [1, 2])]))], []),
      "gguf.kv.nested")
write("kv_key_shape.gguf", build([("general.architecture", STRING, "llama"),
                                  ("General.Name ", STRING, "x")], []), "gguf.kv.key")
write("kv_utf8.gguf", build([("general.architecture", STRING, b"lla\xffma")], []),
      "gguf.kv.utf8")
write("alignment_type.gguf", build([("general.architecture", STRING, "llama"),
                                    ("general.alignment", UINT64, 32)], []), "gguf.alignment")
write("alignment_not_pow2.gguf", build([("general.architecture", STRING, "llama"),
                                        ("general.alignment", UINT32, 48)], [], align=48),
      "gguf.alignment,gguf.data.trailing")

# ---- hostile: tensor infos ----
A = [("general.architecture", STRING, "llama")]
write("tensor_name_long.gguf", build(A, [("t" * 70, [4], F32)]), "gguf.tensor.invalid")


def raw_tensor(name, dims, gtype, off, extra_data=64):
    t = gstr(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
    return t + struct.pack("<IQ", gtype, off)


def with_infos(infos, ntensors, data):
    head = b"GGUF" + struct.pack("<IQQ", 3, ntensors, 1) + kv(*A[0]) + b"".join(infos)
    head += b"\0" * ((32 - len(head) % 32) % 32)
    return head + data


write("tensor_dims5.gguf", with_infos([raw_tensor("w", [1, 1, 1, 1, 4], F32, 0)], 1,
                                      b"\0" * 32), "gguf.tensor.invalid")
write("tensor_type_unknown.gguf", with_infos([raw_tensor("w", [4], 99, 0)], 1, b"\0" * 32),
      "gguf.tensor.type")
write("tensor_type_removed.gguf", with_infos([raw_tensor("w", [32], 4, 0)], 1, b"\0" * 32),
      "gguf.tensor.type")
write("tensor_block_mismatch.gguf", with_infos([raw_tensor("w", [33], Q8_0, 0)], 1,
                                               b"\0" * 64), "gguf.tensor.invalid")
write("tensor_count_overflow.gguf", with_infos([raw_tensor("w", [1 << 62, 4], F32, 0)], 1,
                                               b"\0" * 32), "gguf.tensor.invalid")
write("tensor_negative_dim.gguf", with_infos([raw_tensor("w", [(1 << 64) - 4], F32, 0)], 1,
                                             b"\0" * 32), "gguf.tensor.invalid")
write("tensor_duplicate.gguf", with_infos([raw_tensor("w", [8], F32, 0),
                                           raw_tensor("w", [8], F32, 32)], 2, b"\0" * 64),
      "gguf.tensor.duplicate")
write("tensor_misaligned.gguf", with_infos([raw_tensor("w", [8], F32, 4)], 1, b"\0" * 64),
      "gguf.tensor.offset,gguf.data.trailing")
write("tensor_gap.gguf", with_infos([raw_tensor("a", [8], F32, 0),
                                     raw_tensor("b", [8], F32, 64)], 2, b"\0" * 96),
      "gguf.tensor.offset")
write("tensor_overlap.gguf", with_infos([raw_tensor("a", [8], F32, 0),
                                         raw_tensor("b", [8], F32, 0)], 2, b"\0" * 32),
      "gguf.tensor.offset")
write("tensor_past_eof.gguf", with_infos([raw_tensor("a", [8], F32, 1 << 40)], 1, b"\0" * 32),
      "gguf.tensor.offset,gguf.truncated")

# ---- hostile: layout ----
full = build(BASE_KV, BASE_T)
# Cut inside the last key's length field: every count and length read so far still fits.
kv_end = 24 + sum(len(kv(*k)) for k in BASE_KV)
write("truncated_metadata.gguf", full[:kv_end - len(kv(*BASE_KV[-1])) + 4], "gguf.truncated")
write("truncated_data.gguf", full[:-80], "gguf.truncated,gguf.tensor.offset")
write("trailing_data.gguf", full + b"PK\x05\x06" + b"\0" * 18, "gguf.data.trailing,zip.data.prefix")
pad_bad = bytearray(build(A, [("w", [8], F32)]))
body_end = len(b"GGUF") + 20 + len(kv(*A[0])) + len(raw_tensor("w", [8], F32, 0))
assert body_end % 32 != 0 and pad_bad[body_end] == 0
pad_bad[body_end] = 0x41
write("padding_nonzero.gguf", bytes(pad_bad), "gguf.padding")

# ---- hostile: chat templates (CVE-2024-34359 and the bypass catalogue) ----
LLAMA_DRAMA = ("{% for x in ().__class__.__base__.__subclasses__() %}{% if \"warning\" in "
               "x.__name__ %}{{ x()._module.__builtins__['__import__']('os').popen("
               "\"touch /tmp/retr0reg\") }}{% endif %}{% endfor %}")
write("template_llama_drama.gguf", build(A + [("tokenizer.chat_template", STRING, LLAMA_DRAMA)],
                                         []), "template.dunder,template.exec")
write("template_gadget.gguf", build(A + [("tokenizer.chat_template", STRING,
    "{{ lipsum.__globals__['os'].popen('id').read() }}")], []),
    "template.gadget,template.dunder,template.exec")
write("template_escape_attr.gguf", build(A + [("tokenizer.chat_template", STRING,
    "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f')|attr('\\u005f\\u005fmro\\u005f\\u005f') }}")], []),
    "template.escape,template.attr,template.dunder")
write("template_built.gguf", build(A + [("tokenizer.chat_template", STRING,
    "{% set a = '__cla' ~ 'ss__' %}{% set b = ['_', '_base', '__']|join %}"
    "{{ (messages|attr(a))|attr(b) }}")], []), "template.dunder.built,template.attr")
write("template_format.gguf", build(A + [("tokenizer.chat_template", STRING,
    "{{ request|attr('%s%sglobals%s%s'|format('_','_','_','_')) }}")], []),
    "template.dunder.built,template.attr,template.gadget")
write("template_variant.gguf", build(A + [
    ("tokenizer.chat_template", STRING, CHATML),
    ("tokenizer.chat_template.tool_use", STRING,
     "{{ cycler.__init__.__globals__.os.system('id') }}")], []),
    "template.dunder,template.exec,template.gadget")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
