#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hostile.sh: inputs that never end and special files, for every command (issue classes
# "hangs" and "special files"): an endless device or pipe stops at --max-bytes with a named
# finding; a FIFO, socket or device inside a folder is never opened and fails the default
# policy; a FIFO named on the command line is read and analysed. Run by make check.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-hostile-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
# expect NAME WANT_RC RULE CMD...: CMD exits WANT_RC within 60 s and its output (stdout and
# stderr) names RULE.
expect() {
	name=$1 want=$2 rule=$3
	shift 3
	timeout 60 "$@" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" = 124 ]; then
		fail "$name: still running after 60 s"
	elif [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want"
		sed 's/^/# /' "$work/out" | head -20
	elif [ -n "$rule" ] && ! grep -q -- "$rule" "$work/out"; then
		fail "$name: no $rule"
		sed 's/^/# /' "$work/out" | head -20
	else
		ok "$name"
	fi
}

command -v timeout >/dev/null || { echo "hostile.sh: timeout is missing"; exit 99; }
command -v mkfifo >/dev/null || { echo "hostile.sh: mkfifo is missing"; exit 99; }

# ---- endless inputs stop at the byte budget ----
expect "scan /dev/zero stops at --max-bytes" 2 limit.bytes.exceeded \
    "$mavis" scan --no-progress --max-bytes 4M /dev/zero
expect "hash /dev/zero stops at --max-bytes" 2 limit.bytes.exceeded \
    "$mavis" hash --no-progress --max-bytes 4M /dev/zero
expect "scan of an endless standard input stops at --max-bytes" 2 limit.bytes.exceeded \
    sh -c "cat /dev/zero | '$mavis' scan --no-progress --max-bytes 4M -"
expect "hash of an endless standard input stops at --max-bytes" 2 limit.bytes.exceeded \
    sh -c "cat /dev/zero | '$mavis' hash --no-progress --max-bytes 4M -"
# A budget the stream stays within is no finding: 1 MiB of zeros under 4 MiB.
expect "a stream within the budget is read whole" 0 "" \
    sh -c "head -c 1048576 /dev/zero | '$mavis' hash --no-progress --max-bytes 4M -"

# ---- special files inside a folder: never opened, a finding that fails ----
mkdir "$work/pkg"
printf 'weights' >"$work/pkg/model.bin"
mkfifo "$work/pkg/pipe"
# Nobody writes to the pipe: opening it would block, so a hang here means it was opened.
expect "scan: a FIFO in a folder fails the default policy" 1 walk.special \
    "$mavis" scan --no-progress "$work/pkg"
expect "scan --follow-symlinks: a FIFO in a folder fails too" 1 walk.special \
    "$mavis" scan --no-progress --follow-symlinks "$work/pkg"
expect "hash: a FIFO in a folder is a finding" 1 walk.special \
    "$mavis" hash --no-progress "$work/pkg"
mkdir -p "$work/linked/sub"
printf 'weights' >"$work/linked/model.bin"
mkfifo "$work/linked/sub/pipe"
ln -s sub/pipe "$work/linked/pipe"
expect "scan --follow-symlinks: a link to a FIFO is not followed into it" 1 \
    "leads to a special file" \
    "$mavis" scan --no-progress --follow-symlinks "$work/linked"
if "$py" -c 'import socket' 2>/dev/null; then
	mkdir "$work/sock"
	"$py" -c 'import socket, sys; s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' \
	    "$work/sock/s" && expect "scan: a socket in a folder fails" 1 walk.special \
	    "$mavis" scan --no-progress "$work/sock"
fi
"$mavis" keygen --out "$work/k" >/dev/null 2>&1 || { echo "hostile.sh: keygen failed"; exit 99; }
expect "sign: a FIFO in a folder is refused, named" 2 "pipe" \
    "$mavis" sign --key "$work/k.key" --signature "$work/pkg.sig" "$work/pkg"
[ ! -e "$work/pkg.sig" ] && ok "sign wrote nothing" || fail "sign wrote a signature"

# ---- a FIFO named on the command line is read and analysed ----
mkfifo "$work/named"
# A pickle that calls os.system, protocol 2, written by hand so no library is needed.
"$py" -c '
import sys
sys.stdout.buffer.write(b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00idq\x01\x85q\x02Rq\x03.")
' >"$work/named" &
expect "scan: a named FIFO fed by a writer is analysed" 1 pickle.global.denied \
    "$mavis" scan --no-progress "$work/named"
wait

# ---- inputs that are slow rather than endless stop at --max-seconds ----
# /dev/zero gives bytes for ever within a budget that would take minutes to spend; a FIFO
# whose writer sends nothing, and a pipe on standard input that stays open, would keep a
# read waiting for ever.
expect "scan: /dev/zero stops at --max-seconds" 2 limit.time.exceeded \
    "$mavis" scan --no-progress --max-seconds 1 --max-bytes 1T /dev/zero
sleep 30 >"$work/named" &
writer=$!
expect "scan: a named FIFO whose writer is silent stops at --max-seconds" 2 \
    limit.time.exceeded "$mavis" scan --no-progress --max-seconds 1 "$work/named"
kill "$writer" 2>/dev/null
wait
sleep 30 >"$work/named" &
writer=$!
expect "hash: a silent standard input stops at --max-seconds" 2 limit.time.exceeded \
    sh -c "'$mavis' hash --no-progress --max-seconds 1 - <'$work/named'"
kill "$writer" 2>/dev/null
wait
expect "a run within --max-seconds is no finding" 0 "" \
    sh -c "head -c 1048576 /dev/zero | '$mavis' hash --no-progress --max-seconds 60 -"

echo "hostile.sh: $fails failure(s)"
[ "$fails" = 0 ]
