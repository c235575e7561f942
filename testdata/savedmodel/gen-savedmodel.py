#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the TensorFlow SavedModel fixtures of this folder and expected.tsv.

TensorFlow is not packaged in Debian, so the protobufs are encoded here field by field
(saved_model.proto, meta_graph.proto, graph.proto, node_def.proto, function.proto, and
Keras's saved_metadata.proto), with the layout tf.saved_model.save gives them: the graph's
nodes, a function library whose __inference__traced_save/_restore functions hold the
checkpoint ops, and keras_metadata.pb holding one JSON metadata string per layer.
Run from anywhere: python3 gen-savedmodel.py [OUTDIR]
"""
import json
import os
import shutil
import sys

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []


def varint(n):
    out = b""
    while True:
        c = n & 0x7f
        n >>= 7
        out += bytes([c | (0x80 if n else 0)])
        if not n:
            return out


def field(num, payload):
    if isinstance(payload, int):
        return varint(num << 3) + varint(payload)
    if isinstance(payload, str):
        payload = payload.encode()
    return varint((num << 3) | 2) + varint(len(payload)) + payload


def node(name, op, inputs=()):
    return field(1, name) + field(2, op) + b"".join(field(3, i) for i in inputs)


def function(name, nodes):
    return field(1, field(1, name)) + b"".join(field(3, n) for n in nodes)


def saved_model(nodes, functions=()):
    library = b"".join(field(1, f) for f in functions)
    graph = b"".join(field(1, n) for n in nodes) + (field(2, library) if functions else b"")
    graph += field(4, field(1, 1087) + field(2, 0))        # versions {producer, min_consumer}
    meta_info = field(4, "serve") + field(3, "2.15.0")       # tags, tensorflow_version
    meta = field(1, meta_info) + field(2, graph)
    return field(1, 1) + field(2, meta)


def keras_metadata(layers):
    out = b""
    for i, (path, meta) in enumerate(layers):
        obj = field(2, i + 1) + field(3, path) + field(4, "_tf_keras_layer") + \
            field(5, json.dumps(meta))
        out += field(1, obj)
    return out


def writedir(name, files, rules):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "variables"))
    with open(os.path.join(d, "variables", "variables.index"), "wb") as f:
        f.write(b"\0" * 16)
    for fn, blob in files.items():
        with open(os.path.join(d, fn), "wb") as f:
            f.write(blob)
    rows.append((name, rules))


GRAPH = [node("x", "Placeholder"), node("dense/kernel", "VarHandleOp"),
         node("dense/MatMul/ReadVariableOp", "ReadVariableOp", ["dense/kernel"]),
         node("dense/MatMul", "MatMul", ["x", "dense/MatMul/ReadVariableOp"]),
         node("saver_filename", "Placeholder"),
         node("StatefulPartitionedCall", "StatefulPartitionedCall", ["saver_filename"])]
SAVER = [
    function("__inference__traced_save_118", [
        node("StaticRegexFullMatch", "StaticRegexFullMatch"),
        node("ShardedFilename", "ShardedFilename"),
        node("SaveV2", "SaveV2", ["ShardedFilename"]),
        node("MergeV2Checkpoints", "MergeV2Checkpoints")]),
    function("__inference__traced_restore_140", [
        node("RestoreV2", "RestoreV2"), node("AssignVariableOp", "AssignVariableOp")]),
]
# TF1 graphs keep their saver under the "save/" name scope.
TF1 = [node("x", "Placeholder"), node("w", "VariableV2"), node("y", "MatMul", ["x", "w"]),
       node("save/Const", "Const"), node("save/SaveV2", "SaveV2", ["save/Const"]),
       node("save/RestoreV2", "RestoreV2", ["save/Const"]),
       node("save_1/RestoreV2", "RestoreV2", ["save/Const"])]
DENSE = {"name": "dense", "trainable": True, "expects_training_arg": False,
         "dtype": "float32", "batch_input_shape": None, "stateful": False,
         "must_restore_from_config": False, "class_name": "Dense",
         "config": {"name": "dense", "trainable": True, "dtype": "float32", "units": 2,
                    "activation": "relu", "use_bias": True}}

# ---- benign ----
writedir("ok_tf2", {"saved_model.pb": saved_model(GRAPH, SAVER),
                    "keras_metadata.pb": keras_metadata([("root.layer-0", DENSE)])}, "-")
writedir("ok_tf1", {"saved_model.pb": saved_model(TF1)}, "-")

# ---- hostile ----
writedir("op_readfile", {"saved_model.pb": saved_model(
    GRAPH + [node("secret", "Const"), node("leak", "ReadFile", ["secret"])], SAVER)},
    "savedmodel.op.denied")
writedir("op_in_function", {"saved_model.pb": saved_model(GRAPH, SAVER + [
    function("__inference_call_77", [node("p", "Const"), node("w", "WriteFile", ["p"])])])},
    "savedmodel.op.denied")
writedir("op_pyfunc", {"saved_model.pb": saved_model(GRAPH + [
    node("py", "EagerPyFunc", ["x"])], SAVER)}, "savedmodel.op.denied")
writedir("op_save_outside_saver", {"saved_model.pb": saved_model(GRAPH + [
    node("exfil/SaveV2", "SaveV2", ["x"])], SAVER)}, "savedmodel.op.denied")
writedir("op_dataset", {"saved_model.pb": saved_model(GRAPH, SAVER + [
    function("__inference_load_9", [node("ds", "TFRecordDatasetV2"),
                                    node("ls", "MatchingFiles")])])}, "savedmodel.op.denied")
LAMBDA = {"name": "lambda", "class_name": "Lambda",
          "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                     "function": ["4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAdABqAWQBgwFTACkCTnoC"
                                  "aWQpAtoCb3PaBnN5c3RlbakB2gF4qQByBAAAAPoINGxhbWJkYT4=",
                                  None, None],
                     "function_type": "lambda", "module": "__main__"}}
writedir("keras_lambda", {"saved_model.pb": saved_model(GRAPH, SAVER),
                          "keras_metadata.pb": keras_metadata([("root.layer-0", DENSE),
                                                               ("root.layer-1", LAMBDA)])},
         "keras.lambda,keras.module.untrusted")
good = saved_model(GRAPH, SAVER)
writedir("proto_truncated", {"saved_model.pb": good[:len(good) // 2]},
         "savedmodel.proto.invalid")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
