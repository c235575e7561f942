#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the fixtures of testdata/mlflow: MLflow model folders (MLmodel and the files its
flavours load) as mlflow.<flavour>.save_model lays them out, written with PyYAML
(python3-yaml) as MLflow writes MLmodel (yaml.safe_dump, block style). The sklearn model is
pickled by scikit-learn itself (python3-sklearn). Run from this folder; expected.tsv lists
what each must raise. --seeds DIR writes the fuzz seeds of tests/fuzz/corpus/mlflow."""
import os
import pickle
import shutil
import sys

import yaml

ENV = {"conda": "conda.yaml", "virtualenv": "python_env.yaml"}


def mlmodel(flavors, **extra):
    doc = {"artifact_path": "model", "flavors": flavors, "mlflow_version": "2.16.2",
           "model_size_bytes": 1024, "model_uuid": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
           "utc_time_created": "2024-10-01 12:00:00.000000"}
    doc.update(extra)
    return yaml.safe_dump(doc, default_flow_style=False)


class Reduce:
    def __init__(self, func, args):
        self.func, self.args = func, args

    def __reduce__(self):
        return self.func, self.args


def sklearn_pickle():
    from sklearn.linear_model import LinearRegression
    m = LinearRegression()
    m.fit([[0.0], [1.0], [2.0]], [0.0, 1.0, 2.0])
    return pickle.dumps(m, protocol=4)


def fixtures():
    return {
        "onnx_model": {"MLmodel": mlmodel({
            "onnx": {"code": None, "data": "model.onnx", "onnx_version": "1.16.1",
                     "providers": ["CPUExecutionProvider"]},
            "python_function": {"data": "model.onnx", "env": ENV,
                                "loader_module": "mlflow.onnx", "python_version": "3.11.2"}})},
        "sklearn_model": {"MLmodel": mlmodel({
            "python_function": {"env": ENV, "loader_module": "mlflow.sklearn",
                                "model_path": "model.pkl", "predict_fn": "predict",
                                "python_version": "3.11.2"},
            "sklearn": {"code": None, "pickled_model": "model.pkl",
                        "serialization_format": "cloudpickle", "sklearn_version": "1.2.1"}}),
            "model.pkl": sklearn_pickle()},
        "pyfunc_custom_loader": {"MLmodel": mlmodel({
            "python_function": {"code": "code", "data": "data", "env": ENV,
                                "loader_module": "my_loader", "python_version": "3.11.2"}}),
            "code/my_loader.py": b"import os\n\n\ndef _load_pyfunc(path):\n    os.system('id')\n"},
        "pyfunc_python_model": {"MLmodel": mlmodel({
            "python_function": {"cloudpickle_version": "3.0.0", "env": ENV,
                                "loader_module": "mlflow.pyfunc.model",
                                "python_model": "python_model.pkl",
                                "python_version": "3.11.2"}}),
            "python_model.pkl": pickle.dumps(Reduce(os.system, ("id",)), protocol=4)},
        "pytorch_missing": {"MLmodel": mlmodel({
            "python_function": {"data": "data", "env": ENV, "loader_module": "mlflow.pytorch",
                                "pickle_module_name": "mlflow.pytorch.pickle_module",
                                "python_version": "3.11.2"},
            "pytorch": {"code": None, "model_data": "data", "pytorch_version": "2.1.0"}})},
        "pickle_module_custom": {"MLmodel": mlmodel({
            "python_function": {"data": "data", "env": ENV, "loader_module": "mlflow.pytorch",
                                "pickle_module_name": "evil_pickle",
                                "python_version": "3.11.2"}})},
        "outside_folder": {"MLmodel": mlmodel({
            "python_function": {"env": ENV, "loader_module": "mlflow.pyfunc.model",
                                "python_model": "../../elsewhere/python_model.pkl",
                                "python_version": "3.11.2"}})},
        "alias_loader": {"MLmodel": (
            "name: &loader evil_module\nflavors:\n  python_function:\n"
            "    loader_module: *loader\n    python_version: 3.11.2\n")},
        "invalid_yaml": {"MLmodel": "flavors:\n  python_function: {loader_module: [\n"},
    }


def main():
    fx = fixtures()
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        d = os.path.join(sys.argv[2], "mlflow")
        os.makedirs(d, exist_ok=True)
        for name, files in fx.items():
            with open(os.path.join(d, name + ".MLmodel"), "w") as out:
                out.write(files["MLmodel"])
        return
    for name, files in fx.items():
        shutil.rmtree(name, ignore_errors=True)
        for f, data in files.items():
            path = os.path.join(name, f)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb" if isinstance(data, bytes) else "w") as out:
                out.write(data)


if __name__ == "__main__":
    main()
