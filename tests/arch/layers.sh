#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layers.sh: the #include lines of src/ follow the arrows of the architecture (issue 11):
# tests/arch/matrix.sh draws them; any other include fails.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
src=${1:-$top_srcdir/src}

. "$top_srcdir/tests/arch/matrix.sh"

fails=0
bad() {
	echo "layers: $*" >&2
	fails=$((fails + 1))
}

out=$(mktemp) || exit 99
trap 'rm -f "$out"' EXIT
for f in $(cd "$src" && find . -name '*.[ch]' -o -name '*.def' | sed 's|^\./||' | sort); do
	part=${f%%/*}
	if ! ok=$(mv_arch_allowed "$part"); then
		bad "src/$f: part '$part' is not in the matrix of tests/arch/matrix.sh"
		continue
	fi
	# Quoted and bracketed includes of our own headers (a header of a part: "x/y.h").
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p' \
	    "$src/$f" | while read -r h; do
		case $h in
		config.h|mavis.h) continue ;;
		*/*) ;;
		*) continue ;;          # system headers: <stdio.h>, <jansson.h>
		esac
		to=${h%%/*}
		mv_arch_allowed "$to" >/dev/null 2>&1 || [ "$to" = "$part" ] || continue  # <openssl/evp.h>
		case " $ok " in
		*" $to "*) continue ;;
		esac
		echo "src/$f includes $h: $part may include only: $ok (and mavis.h)"
	done
done >"$out"
while read -r line; do
	bad "$line"
done <"$out"
[ "$fails" -eq 0 ] || exit 1
echo "layers: every include of src/ follows the arrows"
