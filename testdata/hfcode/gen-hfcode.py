#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the fixtures of testdata/hfcode: Hugging Face model and dataset folders laid out as
the hub serves them, with and without code that transformers (auto_map, custom_pipelines),
sentence-transformers (modules.json) or datasets (loading scripts) would import and run. Run from this folder; expected.tsv lists
what each must raise. --seeds DIR writes the fuzz seeds of tests/fuzz/corpus/hfcode."""
import json
import os
import shutil
import sys

LLAMA = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_size": 64,
         "num_attention_heads": 4, "num_hidden_layers": 2, "vocab_size": 128,
         "torch_dtype": "float32", "transformers_version": "4.46.0"}
CARD = "---\nlicense: mit\ntask_categories:\n- text-classification\n---\n# A dataset\n"
SCRIPT = '''"""A small dataset."""
import json

import datasets


class Small(datasets.GeneratorBasedBuilder):
    VERSION = datasets.Version("1.0.0")

    def _info(self):
        return datasets.DatasetInfo(features=datasets.Features({"text": datasets.Value("string")}))

    def _split_generators(self, dl_manager):
        return [datasets.SplitGenerator(name=datasets.Split.TRAIN, gen_kwargs={})]

    def _generate_examples(self):
        yield 0, {"text": "hello"}
'''
ALIASED = SCRIPT.replace("import datasets\n", "import datasets\nfrom datasets import "
                         "GeneratorBasedBuilder as Base\n").replace(
    "(datasets.GeneratorBasedBuilder)", "(Base)")
MODELING = "import torch\n\n\nclass EvilForCausalLM(torch.nn.Module):\n    pass\n"
CONFIGURING = ("from transformers import PretrainedConfig\n\n\n"
               "class EvilConfig(PretrainedConfig):\n    model_type = \"evil\"\n")


def fixtures():
    auto = dict(LLAMA, architectures=["EvilForCausalLM"], model_type="evil", auto_map={
        "AutoConfig": "configuration_evil.EvilConfig",
        "AutoModelForCausalLM": "modeling_evil.EvilForCausalLM"})
    return {
        "hf_plain": {"config.json": json.dumps(LLAMA, indent=2),
                     "tokenizer_config.json": json.dumps({"model_max_length": 2048,
                                                          "tokenizer_class": "LlamaTokenizer"}),
                     "generation_config.json": json.dumps({"max_length": 64})},
        "hf_auto_map": {"config.json": json.dumps(auto, indent=2),
                        "configuration_evil.py": CONFIGURING,
                        "modeling_evil.py": MODELING},
        "hf_auto_map_missing": {"config.json": json.dumps(auto, indent=2),
                                "configuration_evil.py": CONFIGURING},
        "hf_tokenizer_external": {"tokenizer_config.json": json.dumps({
            "tokenizer_class": "EvilTokenizer",
            "auto_map": {"AutoTokenizer": ["someone/other-repo--tokenization_evil.EvilTokenizer",
                                           None]}})},
        "hf_custom_pipeline": {"config.json": json.dumps(dict(LLAMA, custom_pipelines={
            "text-classification": {"impl": "pipeline_evil.EvilPipeline", "pt": ["AutoModel"]}})),
                               "pipeline_evil.py": "class EvilPipeline:\n    pass\n"},
        "ds_script": {"README.md": CARD, "ds_script.py": SCRIPT},
        "st_plain": {"modules.json": json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling",
             "type": "sentence_transformers.models.Pooling"}], indent=2)},
        "st_custom_module": {"modules.json": json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "custom_pooling.EvilPooling"}],
            indent=2), "custom_pooling.py": "class EvilPooling:\n    pass\n"},
        # Named as load_dataset looks for it, so imported whatever its class line says.
        "ds_named": {"README.md": CARD, "ds_named.py": ALIASED},
        "ds_cache": {"datasets--someone--small/snapshots/0123abcd/README.md": CARD,
                     "datasets--someone--small/snapshots/0123abcd/small.py": ALIASED},
        "pkg_named": {"pkg_named/pkg_named.py": "def main():\n    pass\n"},
        "ds_plain": {"README.md": CARD, "data/train.jsonl": '{"text": "hello"}\n',
                     "tools.py": "def clean(text):\n    return text.strip()\n"},
    }


def main():
    fx = fixtures()
    if len(sys.argv) == 3 and sys.argv[1] == "--seeds":
        d = os.path.join(sys.argv[2], "hfcode")
        os.makedirs(d, exist_ok=True)
        for name, files in fx.items():
            for f, text in files.items():
                if f.endswith((".json", ".py")):
                    with open(os.path.join(d, name + "-" + os.path.basename(f)), "w") as out:
                        out.write(text)
        return
    for name, files in fx.items():
        shutil.rmtree(name, ignore_errors=True)
        for f, text in files.items():
            path = os.path.join(name, f)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as out:
                out.write(text)


if __name__ == "__main__":
    main()
