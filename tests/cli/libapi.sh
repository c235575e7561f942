#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# libapi.sh: libmavis(3) is clean under mandoc -Tlint and describes every function mavis.h
# exports (each named in its SYNOPSIS with .Fn, and in the text).
set -u
: "${top_srcdir:?}"
MANDOC=${MANDOC:-mandoc}
[ -n "$MANDOC" ] || MANDOC=mandoc
if ! command -v "$MANDOC" >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed"
	exit 77
fi
page=$top_srcdir/man/libmavis.3
fails=0
out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1)
[ -z "$out" ] || { echo "FAIL: libmavis.3 is not lint-clean"; echo "$out"; fails=$((fails + 1)); }
# The exported names: what follows MV_EXPORT [MV_CHECK] TYPE up to the "(".
names=$(tr '\n' ' ' <"$top_srcdir/include/mavis.h" | grep -o 'MV_EXPORT [^;(]*(' |
	grep -o 'mv_[a-z0-9_]*($' | tr -d '(' | sort -u)
n=0
for f in $names; do
	n=$((n + 1))
	if ! grep -q "^\.Fn $f\( \|$\)" "$page"; then
		echo "FAIL: libmavis(3) has no .Fn $f in its SYNOPSIS (mavis.h exports it)"
		fails=$((fails + 1))
	elif [ "$(grep -c "^\.Fn $f\( \|$\)\|Fn $f\( \|$\)" "$page")" -lt 2 ]; then
		echo "FAIL: libmavis(3) does not describe $f beyond its SYNOPSIS"
		fails=$((fails + 1))
	fi
done
[ "$n" -gt 50 ] || { echo "FAIL: only $n exported functions found in mavis.h"; fails=$((fails + 1)); }
echo "$n exported functions, $fails problems"
[ "$fails" -eq 0 ]
