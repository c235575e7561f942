#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Compare mavis's chat template folder with Jinja2 itself.

For every template of testdata/template (named in expected.tsv), tplfold_dump prints each
expression mavis folds, with its byte span and value. The template is rewritten so that each
such expression is wrapped in a call mvprobe(N, (...)) that records str() of what Jinja2
computes, and rendered in the environment Hugging Face transformers uses
(ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks, loopcontrols) over a few
conversations. Every value Jinja2 computes must equal mavis's (or start with mavis's prefix
when only a prefix is known). Benign templates ("-" in expected.tsv) must also render
unmodified; in the hostile fold_* fixtures every folded expression must be reached.
Usage: template_fold.py TPLFOLD_DUMP TESTDATA_TEMPLATE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile

from jinja2 import TemplateError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

DUMP, DIR = sys.argv[1], sys.argv[2]

TOOLS = [{"type": "function", "function": {
    "name": "get_weather", "description": "Current weather in a city",
    "parameters": {"type": "object", "properties": {
        "city": {"type": "string", "description": "City name"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}},
        "required": ["city"]}}}]
CALL = {"id": "call_0001", "type": "function",
        "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
CONVERSATIONS = [
    [{"role": "user", "content": "Hello"}],
    [{"role": "user", "content": "Hello"}, {"role": "assistant", "content": "Hi there."},
     {"role": "user", "content": "How are you?"}],
    [{"role": "system", "content": "You are terse."}, {"role": "user", "content": "Hi"},
     {"role": "assistant", "content": "Hello."}, {"role": "user", "content": "Bye"}],
    [{"role": "system", "content": "You can call tools."},
     {"role": "user", "content": "Weather in Paris?"},
     {"role": "assistant", "content": "", "tool_calls": [CALL]},
     {"role": "tool", "tool_call_id": "call_0001", "name": "get_weather",
      "content": "{\"temperature\": 21}"},
     {"role": "assistant", "content": "It is 21 degrees."}],
]


def templates(fixture):
    """(label, text) of every chat template in a fixture folder."""
    d = os.path.join(DIR, fixture)
    out = []
    for fn in sorted(os.listdir(d)):
        p = os.path.join(d, fn)
        if fn.endswith(".jinja"):
            with open(p, encoding="utf-8") as f:
                out.append((fn, f.read()))
        elif fn in ("tokenizer_config.json", "chat_template.json"):
            try:
                with open(p, encoding="utf-8") as f:
                    ct = json.load(f).get("chat_template")
            except ValueError:
                continue
            if isinstance(ct, str):
                out.append((fn, ct))
            elif isinstance(ct, list):
                out.extend(("%s[%s]" % (fn, e.get("name")), e["template"]) for e in ct
                           if isinstance(e, dict) and isinstance(e.get("template"), str))
    return out


def folded(text):
    with tempfile.NamedTemporaryFile("wb", suffix=".jinja", delete=False) as f:
        f.write(text.encode("utf-8"))
        path = f.name
    try:
        out = subprocess.run([DUMP, path], check=True, stdout=subprocess.PIPE).stdout
    finally:
        os.unlink(path)
    rows = {}
    for line in out.decode("utf-8").split("\n"):
        if not line:
            continue
        s, e, open_, val = line.split("\t", 3)
        val = (val.replace("\\\\", "\0").replace("\\n", "\n").replace("\\t", "\t")
               .replace("\\r", "\r").replace("\0", "\\"))
        key = (int(s), int(e))
        if key in rows and rows[key] != (open_ == "1", val):
            raise SystemExit("FAIL: two values for one span %r" % (key,))
        rows[key] = (open_ == "1", val)
    return rows


def instrument(text, rows):
    """Wrap every folded span in mvprobe(N, (...)); spans nest, so insertions are ordered."""
    raw = text.encode("utf-8")
    spans = sorted(rows)
    inserts = []
    for n, (s, e) in enumerate(spans):
        inserts.append((s, 1, -e, ("mvprobe(%d,(" % n).encode()))
        inserts.append((e, 0, -s, b"))"))
    inserts.sort()
    out, pos = [], 0
    for at, _, _, piece in inserts:
        out.append(raw[pos:at])
        out.append(piece)
        pos = at
    out.append(raw[pos:])
    return b"".join(out).decode("utf-8"), spans


def env():
    e = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                      extensions=["jinja2.ext.loopcontrols"])

    def raise_exception(msg):
        raise TemplateError(msg)
    e.globals["raise_exception"] = raise_exception
    e.globals["strftime_now"] = lambda fmt: "04 Dec 2026"
    return e


def render_all(tpl, probe_env=None):
    """Render over every conversation; returns (renders that worked, errors)."""
    ok, errors = 0, []
    for conv in CONVERSATIONS:
        for tools in (None, TOOLS):
            try:
                tpl.render(messages=conv, tools=tools, add_generation_prompt=True,
                           bos_token="<s>", eos_token="</s>", documents=None)
                ok += 1
            except SecurityError as x:
                errors.append("SecurityError: %s" % x)
            except Exception as x:     # the template's own raise_exception, or hostile code
                errors.append("%s: %s" % (type(x).__name__, x))
    return ok, errors


def main():
    with open(os.path.join(DIR, "expected.tsv")) as f:
        rows = [l.rstrip("\n").split("\t") for l in f if l.strip() and not l.startswith("#")]
    fail = compared = rendered = 0
    for name, rules in rows:
        for label, text in templates(name):
            what = "%s/%s" % (name, label)
            try:
                env().from_string(text)
            except TemplateError as x:
                if rules == "-":
                    print("FAIL: %s: benign template does not compile: %s" % (what, x))
                    fail += 1
                continue
            if rules == "-":
                ok, errors = render_all(env().from_string(text))
                sec = [x for x in errors if x.startswith("SecurityError")]
                if ok == 0 or sec:
                    print("FAIL: %s: benign template does not render: %s" % (what, errors[:2]))
                    fail += 1
                rendered += 1
            spans = folded(text)
            if not spans:
                if name.startswith("fold_"):
                    print("FAIL: %s: mavis folded nothing" % what)
                    fail += 1
                continue
            itext, order = instrument(text, spans)
            seen = {}
            e = env()

            def mvprobe(n, v):
                seen.setdefault(n, set()).add(str(v))
                return v
            e.globals["mvprobe"] = mvprobe
            try:
                tpl = e.from_string(itext)
            except TemplateError as x:
                print("FAIL: %s: instrumented template does not compile: %s" % (what, x))
                fail += 1
                continue
            render_all(tpl)
            for n, key in enumerate(order):
                is_open, want = spans[key]
                src = text.encode("utf-8")[key[0]:key[1]].decode("utf-8")
                if n not in seen:
                    # A hostile fold_* fixture is written so that Jinja2 reaches all of it.
                    if name.startswith("fold_") and rules != "-":
                        print("FAIL: %s: %r was never evaluated by Jinja2" % (what, src))
                        fail += 1
                    continue
                for got in seen[n]:
                    compared += 1
                    if (got.startswith(want) and len(got) > len(want)) if is_open else \
                            got == want:
                        continue
                    print("FAIL: %s: %r: mavis folds %r%s, Jinja2 gives %r" %
                          (what, src, want, "..." if is_open else "", got))
                    fail += 1
    print("%d folded values compared with Jinja2, %d benign templates rendered, %d failed" %
          (compared, rendered, fail))
    if compared == 0 or rendered == 0:
        print("FAIL: nothing was compared")
        return 1
    return 1 if fail else 0


sys.exit(main())
