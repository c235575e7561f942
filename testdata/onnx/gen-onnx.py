#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the ONNX fixtures of this folder and expected.tsv.

Needs Debian's python3-onnx (apt-get install python3-onnx python3-numpy): benign models are
made and saved by the onnx library itself (inline weights, external data files, subgraphs,
model-local functions, sparse initializers); hostile ones set one bad external_data location,
custom operator domain or broken wire encoding each. Run: /usr/bin/python3 gen-onnx.py [OUTDIR]
"""
import os
import shutil
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.external_data_helper import set_external_data

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []
OPSET = [helper.make_opsetid("", 13)]


def w(name, shape=(2, 2)):
    return numpy_helper.from_array(np.arange(np.prod(shape), dtype=np.float32).reshape(shape),
                                   name)


def model(nodes, inits=(), inputs=None, outputs=None, functions=(), opsets=OPSET, sparse=()):
    inputs = inputs or [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 2])]
    outputs = outputs or [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 2])]
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits),
                          sparse_initializer=list(sparse))
    m = helper.make_model(g, opset_imports=list(opsets), functions=list(functions),
                          producer_name="mavis-fixtures")
    m.ir_version = 8
    return m


def add_model(weight_name="w"):
    return model([helper.make_node("Add", ["x", weight_name], ["y"])], [w(weight_name)])


def external(t, location, offset=None, length=None):
    set_external_data(t, location, offset, length)
    t.ClearField("raw_data")
    t.data_location = TensorProto.EXTERNAL
    return t


def save(relpath, m):
    path = os.path.join(OUT, relpath)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(m.SerializeToString())


def fresh(name):
    d = os.path.join(OUT, name)
    if os.path.islink(d) or os.path.isfile(d):
        os.unlink(d)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def row(name, rules):
    rows.append((name, rules))


# ---- benign ----
save("ok_small.onnx", add_model())
row("ok_small.onnx", "-")

d = fresh("ok_external")
m = model([helper.make_node("MatMul", ["x", "big"], ["y"])], [w("big", (2, 2))])
onnx.save_model(m, os.path.join(d, "model.onnx"), save_as_external_data=True,
                all_tensors_to_one_file=True, location="model.onnx.data", size_threshold=0)
row("ok_external", "-")

d = fresh("ok_external_subdir")
t = w("big")
raw = t.raw_data
os.makedirs(os.path.join(d, "data"))
with open(os.path.join(d, "data", "w.bin"), "wb") as f:
    f.write(raw)
save("ok_external_subdir/model.onnx",
     model([helper.make_node("Add", ["x", "big"], ["y"])],
           [external(t, "./data/w.bin", 0, len(raw))]))
row("ok_external_subdir", "-")

then_g = helper.make_graph([helper.make_node("Identity", ["a"], ["o"])], "then", [],
                           [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 2])],
                           initializer=[w("a")])
else_g = helper.make_graph([helper.make_node("Identity", ["b"], ["o"])], "else", [],
                           [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 2])],
                           initializer=[w("b")])
cond = helper.make_tensor_value_info("c", TensorProto.BOOL, [])
save("ok_subgraph.onnx", model([helper.make_node("If", ["c"], ["y"], then_branch=then_g,
                                                  else_branch=else_g)], inputs=[cond]))
row("ok_subgraph.onnx", "-")

fn = helper.make_function("local.fns", "AddTwice", ["a", "b"], ["o"],
                          [helper.make_node("Add", ["a", "b"], ["t"]),
                           helper.make_node("Add", ["t", "b"], ["o"])], OPSET)
save("ok_function.onnx", model([helper.make_node("AddTwice", ["x", "w"], ["y"],
                                                 domain="local.fns")], [w("w")],
                               functions=[fn], opsets=OPSET + [helper.make_opsetid("local.fns",
                                                                                   1)]))
row("ok_function.onnx", "-")

save("ok_msdomain.onnx", model([helper.make_node("FusedMatMul", ["x", "w"], ["y"],
                                                 domain="com.microsoft", alpha=1.0)], [w("w")],
                               opsets=OPSET + [helper.make_opsetid("com.microsoft", 1)]))
row("ok_msdomain.onnx", "-")

sp = helper.make_sparse_tensor(numpy_helper.from_array(np.array([1.0, 2.0], np.float32), "sv"),
                               numpy_helper.from_array(np.array([0, 3], np.int64), "si"), [2, 2])
save("ok_sparse.onnx", model([helper.make_node("Add", ["x", "sv"], ["y"])], sparse=[sp]))
row("ok_sparse.onnx", "-")

# ---- hostile: external data locations ----
for name, loc, rule in [
        ("ext_absolute.onnx", "/etc/passwd", "onnx.external.absolute"),
        ("ext_drive.onnx", "C:\\Windows\\win.ini", "onnx.external.absolute"),
        ("ext_unc.onnx", "\\\\attacker\\share\\w.bin", "onnx.external.absolute"),
        ("ext_hash.onnx", "#w.bin", "onnx.external.invalid"),
        ("ext_nul.onnx", "w.bin\0.txt", "onnx.external.invalid"),
        ("ext_empty.onnx", "", "onnx.external.invalid"),
        ("ext_traversal.onnx", "../../../../etc/shadow", "onnx.external.traversal"),
        ("ext_traversal_nested.onnx", "sub/../../secret.bin", "onnx.external.traversal")]:
    save(name, model([helper.make_node("Add", ["x", "w"], ["y"])],
                     [external(w("w"), loc, 0, 16)]))
    row(name, rule)

d = fresh("ext_backslash")
with open(os.path.join(d, "w.bin"), "wb") as f:
    f.write(w("w").raw_data)
save("ext_backslash/model.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                       [external(w("w"), "data\\w.bin", 0, 16)]))
row("ext_backslash", "onnx.external.invalid")

d = fresh("ext_missing")
save("ext_missing/model.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                     [external(w("w"), "weights.bin", 0, 16)]))
row("ext_missing", "onnx.external.missing")

# make dist copies the target of a symlink, not the link, so the link travels as
# NAME.symlink holding its target and the test makes the real link (tests/unit/fixture.c).
d = fresh("ext_symlink")
with open(os.path.join(d, "weights.bin.symlink"), "w") as f:
    f.write("/etc/hostname\n")
save("ext_symlink/model.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                     [external(w("w"), "weights.bin", 0, 16)]))
row("ext_symlink", "onnx.external.link,walk.symlink.escape")

d = fresh("ext_short_file")
with open(os.path.join(d, "weights.bin"), "wb") as f:
    f.write(b"\0" * 8)
save("ext_short_file/model.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                        [external(w("w"), "weights.bin", 0, 16)]))
row("ext_short_file", "onnx.external.range")

t = external(w("w"), "w.bin", 0, 16)
for e in t.external_data:
    if e.key == "offset":
        e.value = "0x10"
save("ext_bad_offset.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])], [t]))
row("ext_bad_offset.onnx", "onnx.external.range,onnx.external.missing")

save("ext_length_mismatch.onnx", model([helper.make_node("Add", ["x", "w"], ["y"])],
                                       [external(w("w"), "w.bin", 0, 1000)]))
row("ext_length_mismatch.onnx", "onnx.external.range,onnx.external.missing")

# The same locations where a flat walk over graph.initializer does not look.
const = helper.make_node("Constant", [], ["w"], value=external(w("cw"), "../escape.bin", 0, 16))
save("ext_in_attribute.onnx", model([const, helper.make_node("Add", ["x", "w"], ["y"])]))
row("ext_in_attribute.onnx", "onnx.external.traversal")

then_bad = helper.make_graph([helper.make_node("Identity", ["a"], ["o"])], "then", [],
                             [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 2])],
                             initializer=[external(w("a"), "/root/.ssh/id_rsa", 0, 16)])
save("ext_in_subgraph.onnx", model([helper.make_node("If", ["c"], ["y"], then_branch=then_bad,
                                                     else_branch=else_g)], inputs=[cond]))
row("ext_in_subgraph.onnx", "onnx.external.absolute")

fn_bad = helper.make_function(
    "local.fns", "AddConst", ["a"], ["o"],
    [helper.make_node("Constant", [], ["k"], value=external(w("k"), "../../k.bin", 0, 16)),
     helper.make_node("Add", ["a", "k"], ["o"])], OPSET)
save("ext_in_function.onnx", model([helper.make_node("AddConst", ["x"], ["y"],
                                                     domain="local.fns")],
                                   functions=[fn_bad],
                                   opsets=OPSET + [helper.make_opsetid("local.fns", 1)]))
row("ext_in_function.onnx", "onnx.external.traversal")

m = add_model()
ti = m.training_info.add()
ti.initialization.CopyFrom(helper.make_graph(
    [], "init", [], [helper.make_tensor_value_info("w", TensorProto.FLOAT, [2, 2])],
    initializer=[external(w("w"), "..\\..\\w.bin", 0, 16)]))
save("ext_in_training.onnx", m)
row("ext_in_training.onnx", "onnx.external.traversal")

# ---- hostile: custom operator domains ----
save("custom_op.onnx", model([helper.make_node("Backdoor", ["x"], ["y"], domain="evil.ops")],
                             opsets=OPSET + [helper.make_opsetid("evil.ops", 1)]))
row("custom_op.onnx", "onnx.op.custom")
then_c = helper.make_graph([helper.make_node("Run", [], ["o"], domain="org.custom")], "then",
                           [], [helper.make_tensor_value_info("o", TensorProto.FLOAT, [2, 2])])
save("custom_op_subgraph.onnx", model([helper.make_node("If", ["c"], ["y"], then_branch=then_c,
                                                        else_branch=else_g)], inputs=[cond]))
row("custom_op_subgraph.onnx", "onnx.op.custom")
# Recognised by content, whatever the name.
save("custom_op_renamed.bin", model([helper.make_node("Backdoor", ["x"], ["y"],
                                                      domain="evil.ops")]))
row("custom_op_renamed.bin", "onnx.op.custom")

# ---- hostile: wire format ----
good = add_model().SerializeToString()
with open(os.path.join(OUT, "proto_truncated.onnx"), "wb") as f:
    f.write(good[:len(good) - 7])
row("proto_truncated.onnx", "onnx.proto.invalid")
with open(os.path.join(OUT, "proto_group.onnx"), "wb") as f:
    f.write(good + bytes([(15 << 3) | 3]) + bytes([(15 << 3) | 4]))
row("proto_group.onnx", "onnx.proto.invalid")
with open(os.path.join(OUT, "proto_overrun.onnx"), "wb") as f:
    f.write(good + bytes([(7 << 3) | 2]) + b"\xff\xff\xff\x7f" + b"\0" * 8)
row("proto_overrun.onnx", "onnx.proto.invalid")
with open(os.path.join(OUT, "proto_varint.onnx"), "wb") as f:
    f.write(good + b"\x08" + b"\xff" * 11 + b"\x01")
row("proto_varint.onnx", "onnx.proto.invalid")


def deep(levels):
    """graph -> node -> attribute -> graph ..., nested far past any real model."""
    inner = b""
    for _ in range(levels):
        attr = bytes([(6 << 3) | 2]) + enc_len(inner) + inner          # AttributeProto.g
        node = bytes([(5 << 3) | 2]) + enc_len(attr) + attr            # NodeProto.attribute
        inner = bytes([(1 << 3) | 2]) + enc_len(node) + node           # GraphProto.node
    return b"\x08\x08" + bytes([(7 << 3) | 2]) + enc_len(inner) + inner


def enc_len(b):
    n = len(b)
    out = b""
    while True:
        c = n & 0x7f
        n >>= 7
        out += bytes([c | (0x80 if n else 0)])
        if not n:
            return out


with open(os.path.join(OUT, "proto_deep.onnx"), "wb") as f:
    f.write(deep(60))
row("proto_deep.onnx", "onnx.proto.invalid")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
