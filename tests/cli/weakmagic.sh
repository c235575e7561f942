#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# weakmagic.sh: bytes that merely begin like a compressed stream or an archive are data (issue
# 15, "weak magic, false incomplete"): no archive.read.error, no analysis.incomplete, exit 0.
# Real streams cut part way are still findings. Inputs from testdata/weakmagic/gen.py.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
top_srcdir=${top_srcdir:-.}
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-weakmagic-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

"$py" "$top_srcdir/testdata/weakmagic/gen.py" "$work" || { echo "gen.py failed"; exit 99; }

for f in "$work"/data-*; do
	name=${f##*/}
	"$mavis" scan --no-progress "$f" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" != 0 ]; then
		fail "$name: exit $rc, want 0"
		sed 's/^/# /' "$work/out" | head -10
	elif grep -q -e archive.read.error -e analysis.incomplete "$work/out"; then
		fail "$name: taken for a broken archive"
		sed 's/^/# /' "$work/out" | head -10
	else
		ok "$name is data"
	fi
done

for f in "$work"/cut-*; do
	name=${f##*/}
	"$mavis" scan --no-progress "$f" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" = 0 ]; then
		fail "$name: a truncated stream passed"
		sed 's/^/# /' "$work/out" | head -10
	elif ! grep -q -e archive.read.error -e analysis.incomplete -e archive.entry.unreadable \
	    "$work/out"; then
		fail "$name: exit $rc without a finding on the truncation"
		sed 's/^/# /' "$work/out" | head -10
	else
		ok "$name is a finding (exit $rc)"
	fi
done

[ "$fails" = 0 ]
