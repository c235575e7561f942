#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# spdx.sh: every source file carries "SPDX-License-Identifier: Apache-2.0" in its first three
# lines: C sources and headers, scripts (shell, Python, JavaScript), build files, manual
# pages, the hooks (hooks/, action.yml, .pre-commit-hooks.yaml), and the fixture generators of
# testdata (gen-*.py; the fixtures themselves are data).
set -u
: "${top_srcdir:?}"
cd "$top_srcdir" || exit 99
missing=0
checked=0
for f in Makefile.am configure.ac .ci/deps .ci/run .ci/fuzz mavis.pc.in action.yml \
    .pre-commit-hooks.yaml $(find src include \
    tests bench man signatures completions testdata hooks \( -name node_modules -o -name corpus \
    -o -name .libs -o -name .deps \) -prune -o -type f -print 2>/dev/null | sort); do
	case $f in
	testdata/*/gen-*.py | testdata/gen-*.py) ;;
	testdata/*) continue ;;
	*.c | *.h | *.sh | *.py | *.mk | *.js | *.am | *.1 | *.3 | *.5 | *.7 | *.8 | *.bash | */_mavis) ;;
	Makefile.am | configure.ac | .ci/* | mavis.pc.in) ;;
	hooks/* | action.yml | .pre-commit-hooks.yaml) ;;
	*) continue ;;
	esac
	[ -f "$f" ] || continue
	checked=$((checked + 1))
	if ! head -n 3 "$f" | grep -q "SPDX-License-Identifier: Apache-2.0"; then
		echo "FAIL: $f has no 'SPDX-License-Identifier: Apache-2.0' line at its top"
		missing=$((missing + 1))
	fi
done
echo "$checked source files checked, $missing without an SPDX line"
[ "$checked" -gt 0 ] && [ "$missing" -eq 0 ]
