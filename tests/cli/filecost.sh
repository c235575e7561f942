#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# filecost.sh: the shortcuts that keep the cost of a small file down give the answers the
# long way gives: files read whole in one call (the end not read again) at the edges of the
# read buffer, zips with data before them found by their end in the bytes already read or
# read again, a blob name still checked without realpath on every file, and one file large
# enough for the read-ahead thread. Run by make check.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
[ -n "$py" ] || py=python3
fails=0
for tool in sha256sum "$py"; do
	command -v "$tool" >/dev/null || { echo "filecost.sh: $tool is missing"; exit 99; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-filecost.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 99

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

mkdir -p t/blobs z
"$py" - <<'PY' || { echo "filecost.sh: cannot write the files"; exit 99; }
import io, random, zipfile
r = random.Random(15)
# Around the sniffing head (4 KiB) and the read buffer (256 KiB), and past the read-ahead
# threshold (16 MiB).
for n in (0, 1, 4095, 4096, 4097, 65557, 262143, 262144, 262145, (16 << 20) + 3):
    open('t/f%d' % n, 'wb').write(r.randbytes(n))
b = io.BytesIO()
with zipfile.ZipFile(b, 'w') as z:
    z.writestr('inner.txt', 'hello')
# Data before a zip: Python's zipfile still opens it, so mavis walks it, whether its end is
# in the first read or not.
for n in (10, 5000, 70000, 300000):
    open('z/pre%d.zip' % n, 'wb').write(r.randbytes(n) + b.getvalue())
open('t/blobs/' + '0' * 64, 'wb').write(b'not that digest')
PY

"$mavis" hash --no-progress --jobs 2 t >t.out 2>t.err
(cd . && find t -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum --) >t.ref
check "files at the buffer edges as sha256sum" cmp -s t.out t.ref
check "a blob name is still checked against its content" \
    grep -q "integrity.digest.mismatch: content-addressed blob '0000" t.err
"$mavis" hash --no-progress --jobs 1 t >t1.out 2>/dev/null
check "the same with one worker (no read-ahead)" cmp -s t1.out t.ref

"$mavis" hash --members --no-progress z >z.out 2>/dev/null
for n in 10 5000 70000 300000; do
	check "a zip after $n bytes of data is walked" grep -q "  z/pre$n.zip!/inner.txt\$" z.out
done

echo "filecost.sh: $fails failure(s)"
[ "$fails" = 0 ]
