"""A small dataset."""
import json

import datasets
from datasets import GeneratorBasedBuilder as Base


class Small(Base):
    VERSION = datasets.Version("1.0.0")

    def _info(self):
        return datasets.DatasetInfo(features=datasets.Features({"text": datasets.Value("string")}))

    def _split_generators(self, dl_manager):
        return [datasets.SplitGenerator(name=datasets.Split.TRAIN, gen_kwargs={})]

    def _generate_examples(self):
        yield 0, {"text": "hello"}
