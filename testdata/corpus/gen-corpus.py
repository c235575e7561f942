#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-corpus.py: the benign corpus of mavis, and the parts of its callable lists that real
libraries decide.

The corpus is what ordinary users save with Debian's python3-torch, -torchvision,
-torchaudio, -sklearn, -xgboost, -pandas and -numpy: state dicts, whole torch.save(model)
files, optimizer and scheduler states, TorchScript, scikit-learn estimators and pipelines
through pickle and joblib, XGBoost models, DataFrames and Series, NumPy arrays. None of them
may fail mavis's default policy (check_corpus). Whole models keep their real classes but
have every parameter and buffer cut to one element, so the files stay small: the classes a
pickle names do not depend on the tensor sizes.

The globals each file references are recorded by loading it with the library's own loader
(torch.load, joblib.load, pickle.load) through an unpickler whose find_class notes every
module/name pair; nothing is guessed from the bytes. From these, and from introspection of
the installed packages, the script rewrites the generated sections of
signatures/pickle-allow.txt and signatures/pickle-alias.txt:

  allow: the globals torch.load(weights_only=True) accepts (torch's _get_allowed_globals),
         every global the corpus references, the nn.Module classes of torchvision and
         torchaudio and the estimators of scikit-learn (what their pickles can name);
  alias: re-exports found in the packages' modules: a module attribute that is the same
         object as a callable defined elsewhere ("export MODULE NAME DEFMODULE DEFNAME"),
         for every callable the deny list covers, so a denied function is denied whatever
         module spells it.

Two negative fixtures sit beside the corpus: a whole-model save of a class defined in
__main__ (unknown to any list: it fails, as it fails torch.load(weights_only=True)), and a
scikit-learn FunctionTransformer wrapping a __main__ function.

Usage: /usr/bin/python3 gen-corpus.py      (writes this folder and ../../signatures)
"""

import collections
import datetime
import importlib
import inspect
import io
import os
import pickle
import pkgutil
import re
import sys
import types
import warnings
import zipfile

warnings.filterwarnings("ignore")

HERE = os.path.dirname(os.path.abspath(__file__))
SIGS = os.path.join(HERE, "..", "..", "signatures")
EXPECTED = []          # (name, expectation)
SEEN = {}              # (module, name) -> first corpus file that references it

import joblib           # noqa: E402
import numpy as np      # noqa: E402
import pandas as pd     # noqa: E402
import sklearn          # noqa: E402
import torch            # noqa: E402
import torchaudio       # noqa: E402
import torchvision      # noqa: E402
import xgboost          # noqa: E402

# Start from an empty folder, so a file the script no longer writes does not linger.
for old in os.listdir(HERE):
    if old != os.path.basename(__file__):
        os.remove(os.path.join(HERE, old))

torch.manual_seed(0)
RNG = np.random.RandomState(0)
VERSIONS = "torch %s, torchvision %s, torchaudio %s, scikit-learn %s, xgboost %s, " \
    "pandas %s, numpy %s" % (torch.__version__, torchvision.__version__,
                             torchaudio.__version__, sklearn.__version__, xgboost.__version__,
                             pd.__version__, np.__version__)

# ---- recording what the loaders import --------------------------------------------------

CURRENT = [None]


def note(module, name):
    SEEN.setdefault((module, name), CURRENT[0])


def noted(module, name, obj):
    """obj, found for module.name; getattr is wrapped so that the walks it makes (how
    Python 3.11 pickles enum members) are noted as dotted names too."""
    note(module, name)
    if obj is getattr:
        def walk(target, attr, *default):
            if inspect.isclass(target):
                note(target.__module__, target.__qualname__ + "." + attr)
            return getattr(target, attr, *default)
        return walk
    return obj


class Recorder(pickle.Unpickler):
    def find_class(self, module, name):
        return noted(module, name, super().find_class(module, name))


class RecorderModule(types.ModuleType):
    """What torch.serialization calls "pickle": the real module with a recording
    Unpickler (torch 1.13 ignores an explicit pickle_module unless weights_only)."""
    Unpickler = Recorder

    @staticmethod
    def load(f, **kw):
        return Recorder(f, **kw).load()

    def __getattr__(self, attr):
        return getattr(pickle, attr)


def load_torch(path):
    import torch.serialization as ts
    old = ts.pickle
    ts.pickle = RecorderModule("pickle")
    try:
        return torch.load(path)
    finally:
        ts.pickle = old


def load_torchscript(path):
    # TorchScript's C++ unpickler resolves __torch__ and torch.jit._pickle names itself:
    # record them from the archive's pickles without running anything.
    import pickletools
    with zipfile.ZipFile(path) as z:
        for member in z.namelist():
            if not member.endswith(".pkl"):
                continue
            ops = list(pickletools.genops(z.read(member)))
            strings = []
            for op, arg, _ in ops:
                if op.name in ("SHORT_BINUNICODE", "BINUNICODE", "UNICODE"):
                    strings.append(arg)
                elif op.name == "STACK_GLOBAL":
                    note(strings[-2], strings[-1])
                elif op.name == "GLOBAL":
                    note(*arg.split(" ", 1))
    torch.jit.load(path)


def load_joblib(path):
    from joblib import numpy_pickle
    orig = numpy_pickle.NumpyUnpickler.find_class

    def find_class(self, module, name):
        return noted(module, name, orig(self, module, name))
    numpy_pickle.NumpyUnpickler.find_class = find_class
    try:
        return joblib.load(path)
    finally:
        numpy_pickle.NumpyUnpickler.find_class = orig


def load_pickle(path):
    with open(path, "rb") as f:
        return Recorder(f).load()


def load_npy(path):
    np.load(path, allow_pickle=False)


def load_none(path):
    pass


# ---- writing -----------------------------------------------------------------------------


def out(name):
    return os.path.join(HERE, name)


def done(name, loader, expect="-"):
    """expect: "-" nothing above info; "pass" passes the default policy; else the rules
    it must raise (and fail)."""
    CURRENT[0] = name
    if expect in ("-", "pass"):
        loader(out(name))
    EXPECTED.append((name, expect))


def shrink(model):
    """Every parameter and buffer cut to one element (same dtype and class)."""
    for mod in model.modules():
        for k, p in list(mod._parameters.items()):
            if p is not None:
                mod._parameters[k] = torch.nn.Parameter(torch.zeros(1, dtype=p.dtype),
                                                        requires_grad=p.requires_grad)
        for k, b in list(mod._buffers.items()):
            if b is not None:
                mod._buffers[k] = torch.zeros(1, dtype=b.dtype)
    return model.eval()


def small_net():
    return torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 2))


# ---- PyTorch -----------------------------------------------------------------------------

net = small_net()
torch.save(net.state_dict(), out("torch_state_dict.pt"))
done("torch_state_dict.pt", load_torch)
torch.save(net.state_dict(), out("torch_state_dict_legacy.pt"),
           _use_new_zipfile_serialization=False)
done("torch_state_dict_legacy.pt", load_torch)
# (Not pickle_protocol=4: its FRAME, MEMOIZE and STACK_GLOBAL opcodes are outside what the
# weights_only loader reads, and mavis reports them as torch.opcode.unsupported.)
torch.save(net.state_dict(), out("torch_state_dict_p2.pt"), pickle_protocol=2)
done("torch_state_dict_p2.pt", load_torch)
torch.save(net.half().state_dict(), out("pytorch_model.bin"))
done("pytorch_model.bin", load_torch)
net = small_net()

tensors = {
    "f64": torch.arange(3, dtype=torch.float64), "bf16": torch.ones(2, dtype=torch.bfloat16),
    "i8": torch.tensor([1, -1], dtype=torch.int8), "u8": torch.tensor([1, 2], dtype=torch.uint8),
    "bool": torch.tensor([True, False]), "c64": torch.tensor([1 + 2j], dtype=torch.complex64),
    "i64": torch.tensor([1 << 40]), "i16": torch.tensor([3], dtype=torch.int16),
    "view": torch.arange(6.0)[2:4], "strided": torch.arange(6.0).reshape(2, 3).t(),
    "scalar": torch.tensor(1.5), "empty": torch.empty(0, 3), "size": torch.Size([2, 3]),
    "param": torch.nn.Parameter(torch.ones(2)), "device": torch.device("cpu"),
    "dtype": torch.float32, "meta": {"epoch": 3, "names": ["a", "b"], "ok": True,
                                     "lr": 1e-3, "none": None, "t": (1, 2)},
}
torch.save(tensors, out("torch_tensor_kinds.pt"))
done("torch_tensor_kinds.pt", load_torch)
torch.save({"sparse": torch.eye(3).to_sparse(),
            "csr": torch.eye(3).to_sparse_csr()}, out("torch_sparse.pt"))
done("torch_sparse.pt", load_torch)
torch.save({"q": torch.quantize_per_tensor(torch.tensor([0.5, 1.0]), 0.1, 0, torch.quint8)},
           out("torch_quantized.pt"))
done("torch_quantized.pt", load_torch)
torch.save([torch.ones(2), torch.zeros(1)], out("torch_tensor_list.pt"))
done("torch_tensor_list.pt", load_torch)
torch.save(collections.OrderedDict(w=torch.ones(1)), out("torch_ordered_dict.pt"))
done("torch_ordered_dict.pt", load_torch)

# Optimizer and scheduler states, inside training checkpoints as trainers write them.
for opt_name, make in [
        ("sgd", lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
        ("adam", lambda p: torch.optim.Adam(p, lr=1e-3)),
        ("adamw", lambda p: torch.optim.AdamW(p, lr=1e-3, weight_decay=0.01)),
        ("rmsprop", lambda p: torch.optim.RMSprop(p, lr=1e-3)),
        ("adagrad", lambda p: torch.optim.Adagrad(p, lr=1e-2)),
        ("lbfgs", lambda p: torch.optim.LBFGS(p, lr=1, history_size=2))]:
    model = small_net()
    opt = make(model.parameters())

    def closure():
        opt.zero_grad()
        loss = model(torch.ones(1, 4)).sum()
        loss.backward()
        return loss
    opt.step(closure)
    torch.save(opt.state_dict(), out("torch_optim_%s.pt" % opt_name))
    done("torch_optim_%s.pt" % opt_name, load_torch)

model = small_net()
opt = torch.optim.SGD(model.parameters(), lr=0.1)
# (Not OneCycleLR: torch 1.13 puts a bound method in its state_dict, pickled through
# builtins.getattr on the scheduler itself, which weights_only refuses too.)
schedulers = {
    "step": torch.optim.lr_scheduler.StepLR(opt, step_size=2),
    "cosine": torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4),
    "plateau": torch.optim.lr_scheduler.ReduceLROnPlateau(opt),
}
torch.save({"epoch": 2, "model": model.state_dict(), "optimizer": opt.state_dict(),
            "schedulers": {k: s.state_dict() for k, s in schedulers.items()},
            "rng": torch.get_rng_state(), "best": 0.25}, out("torch_checkpoint.pt"))
done("torch_checkpoint.pt", load_torch)
torch.save({"model": model.state_dict(), "numpy_rng": np.random.get_state(),
            "args": {"lr": 0.1, "layers": [4, 3, 2]}}, out("torch_checkpoint_numpy_rng.pt"))
done("torch_checkpoint_numpy_rng.pt", load_torch)

# Whole models: torch.nn only, then torchvision and torchaudio.
torch.save(shrink(small_net()), out("torch_model_sequential.pt"))
done("torch_model_sequential.pt", load_torch)
torch.save(shrink(torch.nn.LSTM(4, 3, num_layers=2)), out("torch_model_lstm.pt"))
done("torch_model_lstm.pt", load_torch)
torch.save(shrink(torch.nn.TransformerEncoder(torch.nn.TransformerEncoderLayer(8, 2, 16), 1)),
           out("torch_model_transformer.pt"))
done("torch_model_transformer.pt", load_torch)
torch.save(shrink(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2),
                                      torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                      torch.nn.Dropout(), torch.nn.Embedding(4, 2))),
           out("torch_model_conv.pt"), _use_new_zipfile_serialization=False)
done("torch_model_conv.pt", load_torch)

VISION = ["resnet18", "mobilenet_v2", "mobilenet_v3_small", "squeezenet1_1",
          "shufflenet_v2_x0_5", "efficientnet_b0", "mnasnet0_5", "convnext_tiny", "googlenet",
          "swin_t", "vit_b_32", "alexnet"]
for i, name in enumerate(VISION):
    kw = {"init_weights": False, "aux_logits": False} if name == "googlenet" else {}
    m = getattr(torchvision.models, name)(weights=None, **kw)
    torch.save(shrink(m), out("torchvision_%s.pt" % name))
    done("torchvision_%s.pt" % name, load_torch)
    if i < 4:
        # The state dict of the same (cut) model, as a fine-tuning run saves it.
        torch.save(m.state_dict(), out("torchvision_%s_state.pt" % name))
        done("torchvision_%s_state.pt" % name, load_torch)
m = torchvision.models.detection.fasterrcnn_mobilenet_v3_large_fpn(
    weights=None, weights_backbone=None)
torch.save(shrink(m), out("torchvision_fasterrcnn.pt"))
done("torchvision_fasterrcnn.pt", load_torch)
m = torchvision.models.segmentation.lraspp_mobilenet_v3_large(weights=None,
                                                               weights_backbone=None)
torch.save(shrink(m), out("torchvision_lraspp.pt"))
done("torchvision_lraspp.pt", load_torch)
m = torchvision.models.video.r3d_18(weights=None)
torch.save(shrink(m), out("torchvision_r3d_18.pt"))
done("torchvision_r3d_18.pt", load_torch)
m = torch.nn.Sequential(torchvision.transforms.Resize(8), torchvision.transforms.CenterCrop(8),
                        torchvision.transforms.Normalize([0.5], [0.5]))
torch.save(m, out("torchvision_transforms.pt"))
done("torchvision_transforms.pt", load_torch)

AUDIO = [("conv_tasnet", lambda: torchaudio.models.ConvTasNet(num_sources=2, enc_num_feats=8,
                                                               msk_num_feats=8,
                                                               msk_num_hidden_feats=8,
                                                               msk_num_layers=2,
                                                               msk_num_stacks=1)),
         ("wav2letter", lambda: torchaudio.models.Wav2Letter(num_classes=4)),
         ("deepspeech", lambda: torchaudio.models.DeepSpeech(n_feature=4, n_hidden=8,
                                                             n_class=3)),
         ("wavernn", lambda: torchaudio.models.WaveRNN([2, 2], 2, 4, n_res_block=1,
                                                       n_rnn=8, n_fc=8, n_freq=8,
                                                       n_hidden=8, n_output=8)),
         ("conformer", lambda: torchaudio.models.Conformer(input_dim=8, num_heads=2,
                                                           ffn_dim=8, num_layers=1,
                                                           depthwise_conv_kernel_size=3)),
         ("wav2vec2", lambda: torchaudio.models.wav2vec2_model(
             extractor_mode="group_norm", extractor_conv_layer_config=[(4, 3, 2)],
             extractor_conv_bias=False, encoder_embed_dim=8, encoder_projection_dropout=0.0,
             encoder_pos_conv_kernel=3, encoder_pos_conv_groups=1, encoder_num_layers=1,
             encoder_num_heads=2, encoder_attention_dropout=0.0, encoder_ff_interm_features=8,
             encoder_ff_interm_dropout=0.0, encoder_dropout=0.0, encoder_layer_norm_first=False,
             encoder_layer_drop=0.0, aux_num_out=3)),
         ("melspectrogram", lambda: torchaudio.transforms.MelSpectrogram(n_fft=64, n_mels=8)),
         ("mfcc", lambda: torchaudio.transforms.MFCC(n_mfcc=4, melkwargs={"n_fft": 64,
                                                                          "n_mels": 8}))]
for name, make in AUDIO:
    torch.save(shrink(make()), out("torchaudio_%s.pt" % name))
    done("torchaudio_%s.pt" % name, load_torch)

scripted = torch.jit.script(small_net())
torch.jit.save(scripted, out("torchscript_sequential.pt"))
done("torchscript_sequential.pt", load_torchscript, "pass")
traced = torch.jit.trace(torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.ReLU(),
                                             torch.nn.AdaptiveAvgPool2d(1),
                                             torch.nn.Flatten()), torch.zeros(1, 1, 8, 8))
torch.jit.save(traced, out("torchscript_traced_conv.pt"))
done("torchscript_traced_conv.pt", load_torchscript, "pass")

# ---- scikit-learn ------------------------------------------------------------------------

from sklearn import (calibration, cluster, compose, decomposition, ensemble,  # noqa: E402
                     feature_extraction, impute, linear_model, mixture, naive_bayes,
                     neighbors, neural_network, pipeline, preprocessing, svm, tree,
                     model_selection)

X = RNG.rand(40, 4)
y = (X[:, 0] > 0.5).astype(int)
yr = X @ np.array([1.0, -2.0, 0.5, 0.0])
texts = ["the cat sat", "a dog ran", "the dog sat", "cats and dogs"] * 5
ty = [0, 1, 1, 0] * 5

estimators = [
    ("logistic", linear_model.LogisticRegression(), X, y),
    ("linear", linear_model.LinearRegression(), X, yr),
    ("ridge", linear_model.Ridge(), X, yr),
    ("lasso", linear_model.Lasso(alpha=0.01), X, yr),
    ("sgd", linear_model.SGDClassifier(max_iter=20, tol=None), X, y),
    ("svc", svm.SVC(probability=False), X, y),
    ("svr", svm.SVR(), X, yr),
    ("knn", neighbors.KNeighborsClassifier(3), X, y),
    ("tree", tree.DecisionTreeClassifier(max_depth=3), X, y),
    ("tree_reg", tree.DecisionTreeRegressor(max_depth=3), X, yr),
    ("forest", ensemble.RandomForestClassifier(n_estimators=3, max_depth=3), X, y),
    ("extra_trees", ensemble.ExtraTreesRegressor(n_estimators=3, max_depth=3), X, yr),
    ("gboost", ensemble.GradientBoostingClassifier(n_estimators=3, max_depth=2), X, y),
    ("hist_gboost", ensemble.HistGradientBoostingClassifier(max_iter=3), X, y),
    ("adaboost", ensemble.AdaBoostClassifier(n_estimators=3), X, y),
    ("isolation_forest", ensemble.IsolationForest(n_estimators=3), X, None),
    ("kmeans", cluster.KMeans(n_clusters=2, n_init=1), X, None),
    ("pca", decomposition.PCA(n_components=2), X, None),
    ("gaussian_nb", naive_bayes.GaussianNB(), X, y),
    ("mlp", neural_network.MLPClassifier(hidden_layer_sizes=(3,), max_iter=20), X, y),
    ("gmm", mixture.GaussianMixture(n_components=2), X, None),
    ("standard_scaler", preprocessing.StandardScaler(), X, None),
    ("onehot", preprocessing.OneHotEncoder(), (X > 0.5).astype(int), None),
    ("imputer", impute.SimpleImputer(), X, None),
    ("tfidf", feature_extraction.text.TfidfVectorizer(), texts, None),
    ("pipeline", pipeline.make_pipeline(preprocessing.StandardScaler(),
                                        decomposition.PCA(2),
                                        linear_model.LogisticRegression()), X, y),
    ("column_transformer", pipeline.Pipeline([
        ("cols", compose.ColumnTransformer([
            ("num", preprocessing.MinMaxScaler(), [0, 1]),
            ("poly", preprocessing.PolynomialFeatures(2), [2, 3])])),
        ("clf", svm.LinearSVC(max_iter=200))]), X, y),
    ("text_pipeline", pipeline.make_pipeline(feature_extraction.text.CountVectorizer(),
                                             naive_bayes.MultinomialNB()), texts, ty),
    ("grid_search", model_selection.GridSearchCV(linear_model.Ridge(),
                                                 {"alpha": [0.1, 1.0]}, cv=2), X, yr),
    ("voting", ensemble.VotingClassifier([("lr", linear_model.LogisticRegression()),
                                          ("nb", naive_bayes.GaussianNB())]), X, y),
    ("stacking", ensemble.StackingClassifier([("tree", tree.DecisionTreeClassifier(
        max_depth=2))], final_estimator=linear_model.LogisticRegression(), cv=2), X, y),
    ("calibrated", calibration.CalibratedClassifierCV(linear_model.LogisticRegression(),
                                                      cv=2), X, y),
    ("label_encoder", preprocessing.LabelEncoder(), ["a", "b", "a"], None),
]
for i, (name, est, data, target) in enumerate(estimators):
    if target is None:
        est.fit(data)
    else:
        est.fit(data, target)
    # Alternate the two ways users save them; both are what loaders meet.
    if i % 2 == 0:
        with open(out("sklearn_%s.pkl" % name), "wb") as f:
            pickle.dump(est, f)
        done("sklearn_%s.pkl" % name, load_pickle)
    else:
        joblib.dump(est, out("sklearn_%s.joblib" % name))
        done("sklearn_%s.joblib" % name, load_joblib)
pipe = estimators[25][1]
joblib.dump(pipe, out("sklearn_pipeline_zlib.joblib"), compress=3)
done("sklearn_pipeline_zlib.joblib", load_joblib)
with open(out("sklearn_pipeline_p2.pkl"), "wb") as f:
    pickle.dump(pipe, f, protocol=2)
done("sklearn_pipeline_p2.pkl", load_pickle)
with open(out("sklearn_forest_p5.pkl"), "wb") as f:
    pickle.dump(estimators[10][1], f, protocol=5)
done("sklearn_forest_p5.pkl", load_pickle)

# ---- XGBoost -----------------------------------------------------------------------------

clf = xgboost.XGBClassifier(n_estimators=2, max_depth=2).fit(X, y)
reg = xgboost.XGBRegressor(n_estimators=2, max_depth=2).fit(X, yr)
with open(out("xgboost_classifier.pkl"), "wb") as f:
    pickle.dump(clf, f)
done("xgboost_classifier.pkl", load_pickle)
joblib.dump(reg, out("xgboost_regressor.joblib"))
done("xgboost_regressor.joblib", load_joblib)
with open(out("xgboost_booster.pkl"), "wb") as f:
    pickle.dump(clf.get_booster(), f)
done("xgboost_booster.pkl", load_pickle)
rank = xgboost.XGBRanker(n_estimators=2, max_depth=2).fit(X, y, group=[20, 20])
joblib.dump(rank, out("xgboost_ranker.joblib"))
done("xgboost_ranker.joblib", load_joblib)
clf.save_model(out("xgboost_model.json"))
done("xgboost_model.json", load_none)
clf.save_model(out("xgboost_model.ubj"))
done("xgboost_model.ubj", load_none)

# ---- pandas ------------------------------------------------------------------------------

df = pd.DataFrame({
    "i": np.arange(4), "f": [0.5, 1.5, np.nan, 2.0], "s": ["a", "b", None, "d"],
    "b": [True, False, True, True], "cat": pd.Categorical(["x", "y", "x", "z"]),
    "dt": pd.date_range("2024-01-01", periods=4),
    "tz": pd.date_range("2024-01-01", periods=4, tz="UTC"),
    "td": pd.to_timedelta([1, 2, 3, 4], unit="s"),
    "n": pd.array([1, None, 3, 4], dtype="Int64"),
})
df.to_pickle(out("pandas_dataframe.pkl"))
done("pandas_dataframe.pkl", load_pickle)
mi = pd.DataFrame({"v": [1.0, 2.0]},
                  index=pd.MultiIndex.from_tuples([("a", 1), ("b", 2)], names=["k", "n"]))
mi.to_pickle(out("pandas_multiindex.pkl"))
done("pandas_multiindex.pkl", load_pickle)
pd.Series([1.5, 2.5], index=pd.period_range("2024-01", periods=2, freq="M"),
          name="s").to_pickle(out("pandas_series_period.pkl"))
done("pandas_series_period.pkl", load_pickle)
pd.Series(pd.arrays.SparseArray([0, 0, 1, 0])).to_pickle(out("pandas_series_sparse.pkl"))
done("pandas_series_sparse.pkl", load_pickle)
pd.DataFrame({"iv": pd.interval_range(0, 3)}).to_pickle(out("pandas_interval.pkl"))
done("pandas_interval.pkl", load_pickle)
joblib.dump(df, out("pandas_dataframe.joblib"))
done("pandas_dataframe.joblib", load_joblib)

# ---- NumPy -------------------------------------------------------------------------------

with open(out("numpy_arrays.pkl"), "wb") as f:
    pickle.dump({"f": np.arange(3.0), "i": np.arange(3, dtype=np.int16),
                 "scalar": np.float32(1.5), "int": np.int64(7), "bool": np.bool_(True),
                 "str": np.array(["ab", "c"]), "dt": np.array(["2024-01-01"],
                                                               dtype="datetime64[D]"),
                 "rec": np.zeros(2, dtype=[("a", "<i4"), ("b", "<f8")]),
                 "fortran": np.asfortranarray(np.ones((2, 2)))}, f)
done("numpy_arrays.pkl", load_pickle)
with open(out("numpy_masked.pkl"), "wb") as f:
    pickle.dump(np.ma.masked_array([1, 2, 3], mask=[0, 1, 0]), f)
done("numpy_masked.pkl", load_pickle)
with open(out("numpy_random.pkl"), "wb") as f:
    pickle.dump({"rs": np.random.RandomState(1), "gen": np.random.default_rng(1),
                 "seq": np.random.SeedSequence(1)}, f)
done("numpy_random.pkl", load_pickle)
with open(out("numpy_p2.pkl"), "wb") as f:
    pickle.dump(np.arange(4.0).reshape(2, 2), f, protocol=2)
done("numpy_p2.pkl", load_pickle)
np.save(out("numpy_array.npy"), np.arange(6.0).reshape(2, 3))
done("numpy_array.npy", load_npy)
np.savez(out("numpy_arrays.npz"), a=np.arange(3), b=np.eye(2))
done("numpy_arrays.npz", load_npy)
joblib.dump({"x": np.arange(5.0), "y": np.arange(3)}, out("numpy_arrays.joblib"))
done("numpy_arrays.joblib", load_joblib)

# ---- negative: classes and functions from __main__ --------------------------------------


class Net(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = torch.nn.Linear(2, 1)


torch.save(shrink(Net()), out("neg_main_model.pt"))
done("neg_main_model.pt", load_none, "pickle.global.unknown")


def double(x):
    return 2 * x


with open(out("neg_main_function.pkl"), "wb") as f:
    pickle.dump(preprocessing.FunctionTransformer(double), f)
done("neg_main_function.pkl", load_none, "pickle.global.unknown")

with open(out("expected.tsv"), "w") as f:
    f.write("# fixture<TAB>- (nothing above info), pass (passes the default policy), or the "
            "rules it must raise. Written by gen-corpus.py.\n")
    for name, expect in EXPECTED:
        f.write("%s\t%s\n" % (name, expect))

# ---- the allowlist: what the loaders met, and what torch and the packages define ---------

def module_aliases():
    """pickle-alias.txt's module lines (posix -> os, __builtin__ -> builtins)."""
    aliases = {}
    with open(os.path.join(SIGS, "pickle-alias.txt")) as f:
        for line in f:
            w = line.split("#", 1)[0].split()
            if len(w) == 3 and w[0] == "module":
                aliases[w[1]] = w[2]
    return aliases


ALIASES = module_aliases()


def canonical(module):
    parts = module.split(".")
    for k in range(len(parts), 0, -1):
        head = ".".join(parts[:k])
        if head in ALIASES:
            return ".".join([ALIASES[head]] + parts[k:])
    return module


allowed = {}          # (module, name) -> reason


def allow(module, name, reason):
    if module == "__main__":
        raise SystemExit("gen-corpus.py: a benign file references __main__.%s" % name)
    allowed.setdefault((canonical(module), name), reason)


from torch import _weights_only_unpickler  # noqa: E402
for key in sorted(_weights_only_unpickler._get_allowed_globals()):
    mod, _, name = key.rpartition(".")
    allow(mod, name, "torch.load(weights_only=True) accepts it (torch %s)" % torch.__version__)
for (mod, name), first in sorted(SEEN.items()):
    allow(mod, name, "written by the libraries (testdata/corpus/%s)" % first)

SAFE_INIT = re.compile(r"\b(open|urlopen|download|load_state_dict_from_url|torch\.load|"
                       r"subprocess|eval|exec|system|hub)\b")


def modules_of(pkg):
    yield pkg
    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".",
                                      onerror=lambda name: None):
        # Test suites and __main__ modules run code on import; they write no pickles.
        if re.search(r"\.(tests?|testing|_test\w*|test_\w+|__main__|benchmarks?)(\.|$)",
                     info.name):
            continue
        try:
            yield importlib.import_module(info.name)
        except Exception:
            continue


def module_classes(pkg, base, reason):
    """Classes of pkg deriving from base, by the module that defines them: what a pickle
    of one names. Classes whose constructor reaches files or the network are left out."""
    for mod in modules_of(pkg):
        for name, obj in vars(mod).items():
            if not (inspect.isclass(obj) and issubclass(obj, base) and
                    obj.__module__ == mod.__name__ and obj.__qualname__ == name):
                continue
            try:
                src = inspect.getsource(obj.__init__)
            except (TypeError, OSError):
                src = ""
            if SAFE_INIT.search(src):
                continue
            allow(obj.__module__, name, reason)


module_classes(torchvision.models, torch.nn.Module,
               "a torchvision model class (torchvision %s)" % torchvision.__version__)
module_classes(torchvision.ops, torch.nn.Module,
               "a torchvision layer class (torchvision %s)" % torchvision.__version__)
module_classes(torchvision.transforms, torch.nn.Module,
               "a torchvision transform class (torchvision %s)" % torchvision.__version__)
module_classes(torchaudio.models, torch.nn.Module,
               "a torchaudio model class (torchaudio %s)" % torchaudio.__version__)
module_classes(torchaudio.transforms, torch.nn.Module,
               "a torchaudio transform class (torchaudio %s)" % torchaudio.__version__)
module_classes(torch.nn.modules, torch.nn.Module,
               "a torch.nn layer class (torch %s)" % torch.__version__)
from sklearn.utils import all_estimators  # noqa: E402
for name, cls in all_estimators():
    if cls.__qualname__ == name:
        allow(cls.__module__, name, "a scikit-learn estimator (scikit-learn %s)" %
              sklearn.__version__)

# ---- re-exports: module attributes that are callables defined elsewhere ------------------


def deny_entries():
    entries = []
    with open(os.path.join(SIGS, "pickle-deny.txt")) as f:
        for line in f:
            w = line.split("#", 1)[0].split()
            if not w:
                continue
            entries.append((w[1], w[2] if w[0] == "name" else None))
    return entries


DENY = deny_entries()


def denied(module, qualname):
    full = canonical(module) + "." + qualname
    for mod, name in DENY:
        prefix = mod if name is None else mod + "." + name
        if full == prefix or full.startswith(prefix + "."):
            return True
    return False


exports = {}          # (module, name) -> (defining module, qualname)
import sympy  # noqa: E402  (symbolic maths: its helpers evaluate strings)
for pkg in (torch, torchvision, torchaudio, np, pd, sklearn, xgboost, joblib, sympy):
    for mod in modules_of(pkg):
        for name, obj in list(vars(mod).items()):
            if name.startswith("__") or not callable(obj):
                continue
            defmod = getattr(obj, "__module__", None)
            qual = getattr(obj, "__qualname__", None)
            if not isinstance(defmod, str) or not isinstance(qual, str) or "<" in qual:
                continue
            if (defmod, qual) == (mod.__name__, name):
                continue
            # Only a spelling that hides a denied callable matters here; its definition
            # must really be reachable by that name.
            if not denied(defmod, qual) or denied(mod.__name__, name):
                continue
            try:
                target = importlib.import_module(defmod)
                for part in qual.split("."):
                    target = getattr(target, part)
            except Exception:
                continue
            if target is obj:
                exports[(mod.__name__, name)] = (canonical(defmod), qual)


def rewrite(path, begin, end, lines):
    with open(path) as f:
        text = f.read()
    start = text.index(begin)
    stop = text.index(end, start)
    text = text[:start + len(begin)] + "\n" + "".join(lines) + text[stop:]
    with open(path, "w") as f:
        f.write(text)


def covered(module, name):
    """Allowed already by a hand-written line (an exact name, or a module entry)."""
    parts = module.split(".")
    return (module, name) in manual or any(".".join(parts[:k]) in manual_modules
                                           for k in range(1, len(parts) + 1))


manual, manual_modules = set(), set()
with open(os.path.join(SIGS, "pickle-allow.txt")) as f:
    generated = False
    for line in f:
        if line.startswith("# BEGIN gen-corpus.py"):
            generated = True
        elif line.startswith("# END gen-corpus.py"):
            generated = False
        elif not generated and line.startswith("name "):
            w = line.split()
            manual.add((w[1], w[2]))
        elif not generated and line.startswith("module "):
            manual_modules.add(line.split()[1])
final = {k: r for k, r in allowed.items() if not covered(*k) and not denied(*k)}
rewrite(os.path.join(SIGS, "pickle-allow.txt"), "# BEGIN gen-corpus.py", "# END gen-corpus.py",
        ["# %s\n" % VERSIONS] +
        ["name %s %s %s\n" % (m, n, r) for (m, n), r in sorted(final.items())])
rewrite(os.path.join(SIGS, "pickle-alias.txt"), "# BEGIN gen-corpus.py", "# END gen-corpus.py",
        ["# %s\n" % VERSIONS] +
        ["export %s %s %s %s\n" % (m, n, dm, dn) for (m, n), (dm, dn) in sorted(exports.items())
         if not covered(dm, dn) and (dm, dn) not in final])
print("gen-corpus.py: %d files, %d globals met, %d allow entries, %d re-exports" %
      (len(EXPECTED), len(SEEN), len(allowed), len(exports)))
