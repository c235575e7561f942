#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# memory.sh: memory the input decides (issue class "memory"). Headers that declare a name, a
# link target or a name table of gigabytes, tar sparse maps of millions of entries, a bundle of a million signatures, a model.sig of
# 32 MiB of "[],": each gives its exit status and finding with a peak resident set at most
# 48 MiB above what `mavis --version` takes in the same build (a sanitizer build starts some
# 25 MiB higher), measured with getrusage by tests/cli/peakrss. Inputs with bytes behind the header
# are sparse files: libarchive kept every byte of them before mavis checked the header.
set -u

mavis=${MAVIS:-./mavis}
peakrss=${PEAKRSS:-tests/cli/peakrss}
py=${PYTHON3:-python3}
above_kib=49152
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-memory-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
# expect NAME WANT_RC PATTERN CMD...: CMD exits WANT_RC within 120 s, its output names
# PATTERN (grep -E), and its peak RSS stays under the limit.
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	timeout 120 "$peakrss" "$@" >"$work/out" 2>&1
	rc=$?
	kib=$(sed -n 's/^peak-rss-kib: //p' "$work/out" | tail -n 1)
	if [ "$rc" = 124 ]; then
		fail "$name: still running after 120 s"
	elif [ -z "$kib" ]; then
		fail "$name: no peak RSS measured"
	elif [ $((kib - base_kib)) -ge "$above_kib" ]; then
		fail "$name: peak RSS $kib KiB, limit $base_kib + $above_kib KiB"
	elif [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want"
		sed 's/^/# /' "$work/out" | head -20
	elif [ -n "$pat" ] && ! grep -Eq -- "$pat" "$work/out"; then
		fail "$name: no $pat"
		sed 's/^/# /' "$work/out" | head -20
	else
		ok "$name (peak RSS $kib KiB)"
	fi
}

[ -x "$peakrss" ] || { echo "memory.sh: $peakrss is missing"; exit 99; }
command -v timeout >/dev/null || { echo "memory.sh: timeout is missing"; exit 99; }
base_kib=$("$peakrss" "$mavis" --version 2>&1 >/dev/null | sed -n 's/^peak-rss-kib: //p')
[ -n "$base_kib" ] || { echo "memory.sh: no peak RSS for mavis --version"; exit 99; }
echo "# baseline: mavis --version, peak RSS $base_kib KiB"
"$mavis" keygen --out "$work/k" >/dev/null 2>&1 || { echo "memory.sh: keygen failed"; exit 99; }

# ---- archive headers: files, written by Python, some with 100 MiB of holes behind ----
"$py" - "$work" <<'PY' || exit 99
import gzip, os, struct, sys

w = sys.argv[1]
BEHIND = 100 << 20

def write(name, head, behind=0):
    with open(os.path.join(w, name), "wb") as f:
        f.write(head)
        f.truncate(len(head) + behind)

def newc(namesize, filesize=0, mode=0o100644):
    fields = [1, mode, 0, 0, 1, 0, filesize, 0, 0, 0, 0, namesize, 0]
    return b"070701" + b"".join(b"%08x" % v for v in fields)

def odc(namesize, filesize, mode):
    return (b"070707" + b"000001" + b"000001" + b"%06o" % mode + b"000000" * 3 +
            b"000000" + b"%011o" % 0 + b"%06o" % namesize + b"%011o" % filesize)

def ar(name, size):
    return (name.ljust(16) + b"0".ljust(12) + b"0".ljust(6) + b"0".ljust(6) +
            b"644".ljust(8) + size.ljust(10) + b"`\n")

# The 111 bytes of the issue: a newc header declaring a name of 2.5 GB.
write("name.cpio", newc(2500000000) + b"x")
write("name-behind.cpio", newc(2500000000), BEHIND)
write("link.cpio", newc(5, 2400000000, 0o120777) + b"link\0\0", BEHIND)
write("link-odc.cpio", odc(5, 0o77777777777, 0o120777) + b"link\0", BEHIND)
# Binary cpio, little-endian: a symbolic link whose target is 2 GiB - 1.
write("link-bin.cpio", struct.pack("<8H", 0o70707, 0, 1, 0o120777, 0, 0, 1, 0) +
      struct.pack("<HHH", 0, 0, 5) + struct.pack("<HH", 0x7fff, 0xffff) + b"link\0\0",
      BEHIND)
write("table.a", b"!<arch>\n" + ar(b"//", b"104857600"), BEHIND)
write("bsdname.a", b"!<arch>\n" + ar(b"#1/104857600", b"104857601"), BEHIND)
# A GNU tar long name of 2.5 GB (libarchive bounds these itself, at 1 MiB).
hdr = bytearray(b"././@LongLink".ljust(100, b"\0") + b"0000644\0" * 3 +
                b"%011o\0" % 2500000000 + b"00000000000\0" + b" " * 8 + b"L")
hdr = hdr.ljust(512, b"\0")
hdr[257:265] = b"ustar  \0"
hdr[148:156] = b"%06o\0 " % sum(hdr)
write("longname.tar", bytes(hdr), BEHIND)
# Tar sparse maps, which libarchive keeps as one allocation per entry: 100 MB of old GNU
# extension blocks (4.2 million entries) and a format 1.0 map of 25 million entries, both
# packed by gzip; the 1.0 map's count alone in a plain tar.
def tarhdr(name, size, typ, extra=None):
    h = bytearray(512)
    h[0:len(name)] = name
    h[100:124] = b"0000644\0" + b"0000000\0" * 2
    h[124:148] = b"%011o\0" % size + b"00000000000\0"
    h[156:157] = typ
    h[257:265] = b"ustar  \0"
    if extra:
        extra(h)
    h[148:156] = b" " * 8
    h[148:156] = b"%06o\0 " % sum(h)
    return bytes(h)

def sparse_ext(h):
    for i in range(4):
        h[386 + 24 * i:410 + 24 * i] = b"%011o\0%011o\0" % (1, 0)
    h[482] = 1

ext = bytearray(b"%011o\0%011o\0" % (1, 0) * 21)
ext = ext.ljust(512, b"\0")
ext[504] = 1
with gzip.open(os.path.join(w, "oldsparse.tar.gz"), "wb", compresslevel=1) as f:
    f.write(tarhdr(b"sparse", 0, b"S", sparse_ext))
    f.write(bytes(ext) * 200000)

def pax(records):
    body = b"".join(b"%d %s=%s\n" % (len(k) + len(v) + 5, k, v) for k, v in records)
    return tarhdr(b"PaxHeader", len(body), b"x") + body.ljust(512, b"\0")

p10 = pax([(b"GNU.sparse.major", b"1"), (b"GNU.sparse.minor", b"0"),
           (b"GNU.sparse.name", b"s"), (b"GNU.sparse.realsize", b"0")])
with gzip.open(os.path.join(w, "sparse10.tar.gz"), "wb", compresslevel=1) as f:
    f.write(p10 + tarhdr(b"s", 100000512, b"0") + b"25000000\n")
    f.write(b"0\n0\n" * 25000000)
    f.write(bytes(512 - 9))
write("sparse10.tar", p10 + tarhdr(b"s", 512, b"0") + b"25000000\n".ljust(512, b"\0"))
# The same cpio header behind gzip: read through the decompressor, not from the file.
with gzip.open(os.path.join(w, "name.cpio.gz"), "wb") as f:
    f.write(newc(2500000000))
    f.write(bytes(BEHIND))
PY

for f in name name-behind link link-odc link-bin; do
	expect "scan $f.cpio" 2 limit.name.exceeded \
	    "$mavis" scan --no-progress "$work/$f.cpio"
	expect "scan - < $f.cpio" 2 limit.name.exceeded \
	    sh -c "exec '$mavis' scan --no-progress - <'$work/$f.cpio'"
done
expect "scan name.cpio.gz" 2 limit.name.exceeded \
    "$mavis" scan --no-progress "$work/name.cpio.gz"
for f in table bsdname; do
	expect "scan $f.a" 2 limit.name.exceeded "$mavis" scan --no-progress "$work/$f.a"
	expect "scan - < $f.a" 2 limit.name.exceeded \
	    sh -c "exec '$mavis' scan --no-progress - <'$work/$f.a'"
done
for f in oldsparse.tar.gz sparse10.tar.gz sparse10.tar; do
	expect "scan $f" 2 "declares a sparse map of" "$mavis" scan --no-progress "$work/$f"
	expect "scan - < $f" 2 "declares a sparse map of" \
	    sh -c "exec '$mavis' scan --no-progress - <'$work/$f'"
done
expect "scan longname.tar" 2 archive.read.error "$mavis" scan --no-progress "$work/longname.tar"
# verify opens the archive itself to look for a member model.sig: the header is refused
# there too (behind gzip as well: the guard reads the decompressed bytes), and the archive
# holds no signature it can read.
for f in name-behind.cpio table.a name.cpio.gz; do
	expect "verify $f" 2 "no signature" "$mavis" verify --key "$work/k.pub" "$work/$f"
done

# ---- signatures ----
mkdir "$work/m1" "$work/m2"
printf 'weights' >"$work/m1/model.bin"
printf 'weights' >"$work/m2/model.bin"
"$py" - "$work" <<'PY' || exit 99
import json, sys

w = sys.argv[1]
with open(w + "/m1/model.sig", "w") as f:
    f.write("[" + "[]," * (32 * 1024 * 1024 // 3) + "[]]")
b = {"mediaType": "application/vnd.dev.sigstore.bundle.v0.3+json",
     "verificationMaterial": {"publicKey": {"hint": "x"}, "tlogEntries": []},
     "dsseEnvelope": {"payload": "e30=", "payloadType": "application/vnd.in-toto+json",
                      "signatures": [{"sig": "AAAA", "keyid": ""}] * 1000000}}
with open(w + "/m2/model.sig", "w") as f:
    json.dump(b, f, separators=(",", ":"))
PY
# Nothing to verify with: the signature is not read past 8 MiB, and stays unverified.
expect "scan: a model.sig of 32 MiB of [], with no trust material" 0 "" \
    "$mavis" scan --no-progress "$work/m1"
expect "scan: a bundle of a million signatures with no trust material" 0 "" \
    "$mavis" scan --no-progress "$work/m2"
expect "verify: a model.sig of 32 MiB of []," 1 "more than 4096 JSON values" \
    "$mavis" verify --key "$work/k.pub" "$work/m1"
expect "verify: a bundle of a million signatures" 1 "more than 4096 JSON values" \
    "$mavis" verify --key "$work/k.pub" "$work/m2"

[ "$fails" -eq 0 ] || exit 1
exit 0
