#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# faults.sh: reads that fail (issue class "faults"): a member whose compressed data is broken,
# a file cut short while mavis reads it, and files and folders mavis may not read give exit 2
# and a named finding or error, never a pass.
# Out of memory at every allocation site is tests/unit/check_oom.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-faults-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
# check NAME WANT_RC RC RULE: the exit status and the rule named in $work/out.
check() {
	if [ "$3" != "$2" ]; then
		fail "$1: exit $3, want $2"
		sed 's/^/# /' "$work/out" | head -20
	elif ! grep -Eq -- "$4" "$work/out"; then
		fail "$1: no $4"
		sed 's/^/# /' "$work/out" | head -20
	else
		ok "$1"
	fi
}

# ---- a member that cannot be read: its deflate stream broken, its CRC kept ----
"$py" - "$work/broken.zip" <<'PY' || exit 99
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("weights.bin", bytes(range(256)) * 256)
data = bytearray(open(sys.argv[1], "rb").read())
start = 30 + len("weights.bin")
for i in range(start + 8, start + 40):
    data[i] ^= 0xA5
open(sys.argv[1], "wb").write(bytes(data))
PY
"$mavis" scan --no-progress "$work/broken.zip" >"$work/out" 2>&1
check "a zip member whose data does not inflate" 2 $? "archive.read.error|analysis.incomplete"

# ---- a file cut short while it is read ----
# 4 GiB of holes take seconds to hash; the file is cut to 1 MiB once mavis has started.
"$py" -c "open('$work/shrinks.bin', 'wb').truncate(4 << 30)" || exit 99
"$mavis" scan --no-progress "$work/shrinks.bin" >"$work/out" 2>&1 &
pid=$!
sleep 1
"$py" -c "import os; os.truncate('$work/shrinks.bin', 1 << 20)"
if kill -0 "$pid" 2>/dev/null; then
	wait "$pid"
	check "a file cut short while it is read" 2 $? "walk.read.error|analysis.incomplete"
else
	wait "$pid"
	echo "ok - # SKIP the scan ended before the file was cut"
fi

# ---- what mavis may not read: a file and a folder of mode 000 ----
# Root reads them anyway; as root, mavis runs without the two capabilities that let it
# (setpriv, util-linux), which is what any other user meets.
unpriv=
if [ "$(id -u)" = 0 ]; then
	if command -v setpriv >/dev/null 2>&1; then
		unpriv="setpriv --bounding-set=-dac_override,-dac_read_search"
	else
		echo "ok - # SKIP running as root without setpriv: mode 000 is readable"
	fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$unpriv" ]; then
	mkdir -p "$work/m/sub" "$work/m/locked"
	printf 'weights' >"$work/m/w.bin"
	printf '{"a": 1}' >"$work/m/sub/config.json"
	printf 'x' >"$work/m/locked/inside.bin"
	"$mavis" keygen --out "$work/k" >/dev/null 2>&1 || exit 99
	"$mavis" sign --key "$work/k.key" "$work/m" >/dev/null 2>&1 || exit 99
	chmod 000 "$work/m/w.bin"
	$unpriv "$mavis" scan --no-progress "$work/m" >"$work/out" 2>&1
	check "scan: a file that may not be read" 2 $? "walk.read.error"
	grep -q "w.bin" "$work/out" || fail "scan: the unreadable file is not named"
	$unpriv "$mavis" hash --no-progress "$work/m" >"$work/out" 2>&1
	check "hash: a file that may not be read" 2 $? "w.bin.*Permission denied|Permission denied.*w.bin"
	$unpriv "$mavis" verify --key "$work/k.pub" "$work/m" >"$work/out" 2>&1
	check "verify: a signed file that may not be read" 2 $? "w.bin"
	rm -f "$work/m/model.sig"
	$unpriv "$mavis" sign --key "$work/k.key" "$work/m" >"$work/out" 2>&1
	check "sign: a file that may not be read" 2 $? "w.bin"
	[ ! -e "$work/m/model.sig" ] || fail "sign: a signature was written without w.bin"
	chmod 644 "$work/m/w.bin"
	chmod 000 "$work/m/locked"
	$unpriv "$mavis" scan --no-progress "$work/m" >"$work/out" 2>&1
	check "scan: a folder that may not be listed" 2 $? "walk.read.error|walk.*locked"
	grep -q "locked" "$work/out" || fail "scan: the unreadable folder is not named"
	chmod 755 "$work/m/locked"
fi

[ "$fails" -eq 0 ] || exit 1
exit 0
