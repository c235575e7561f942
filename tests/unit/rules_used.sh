#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# rules_used.sh: every rule declared in rules.def is reported by some code in src/, so
# rules.tsv never documents a rule nothing can emit.
src=${top_srcdir:-$(dirname "$0")/../..}/src
fail=0
n=0
for name in $(sed -n 's/^MV_RULE(\([A-Z0-9_]*\),.*/\1/p' "$src/core/rules.def"); do
	n=$((n + 1))
	if ! grep -rqw --include='*.c' --include='*.h' "MV_R_$name" "$src"; then
		echo "FAIL: MV_R_$name is declared in src/core/rules.def but no code in src/ uses it"
		fail=$((fail + 1))
	fi
done
echo "$((n - fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
