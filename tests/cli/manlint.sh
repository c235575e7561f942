#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# manlint.sh: the manual pages of mavis scan, rules, serve, the hooks and their file formats are
# clean under mandoc -Tlint (warnings and worse).
set -u
: "${top_srcdir:?}"
MANDOC=${MANDOC:-mandoc}
[ -n "$MANDOC" ] || MANDOC=mandoc
if ! command -v "$MANDOC" >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed"
	exit 77
fi
pass=0
fail=0
for page in mavis-scan.1 mavis-rules.1 mavis-json.5 mavis-policy.5 mavis-rules.5 \
    mavis-serve.8 mavis-hooks.7; do
	if out=$("$MANDOC" -Tlint -Wwarning "$top_srcdir/man/$page" 2>&1) && [ -z "$out" ]; then
		pass=$((pass + 1))
	else
		echo "FAIL: $page"
		echo "$out" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
