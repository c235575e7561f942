#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# calls.sh: the calls between the parts of src/ follow the arrows of tests/arch/matrix.sh, as
# their includes do (layers.sh): no object of a part refers to a symbol that a part it may
# not see defines, even one declared in mavis.h (a stage calling mv_run would reach up). The
# command may call every public function. Reads the objects of the build.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=.}"
. "$top_srcdir/tests/arch/matrix.sh"

command -v nm >/dev/null 2>&1 || { echo "calls: SKIP: nm is not installed"; exit 77; }
tmp=$(mktemp -d) || exit 99
trap 'rm -rf "$tmp"' EXIT

# The objects of each source file, libtool's and the programs' (a file may be built twice).
nobj=0
for c in $(cd "$top_srcdir/src" && find . -name '*.c' | sed 's|^\./||' | sort); do
	part=${c%%/*}
	dir=$top_builddir/src/$(dirname "$c")
	base=$(basename "$c" .c)
	for o in "$dir"/.libs/*-"$base".o "$dir"/*-"$base".o "$dir/$base.o"; do
		[ -f "$o" ] || continue
		nobj=$((nobj + 1))
		nm -g --defined-only "$o" | awk -v p="$part" 'NF == 3 { print $3, p }' >>"$tmp/defs"
		nm -u "$o" | awk -v p="$part" -v f="src/$c" '{ print $NF, p, f }' >>"$tmp/uses"
	done
done
[ "$nobj" -gt 0 ] || { echo "calls: SKIP: no objects under $top_builddir/src (build first)"; exit 77; }
sort -u "$tmp/defs" >"$tmp/defs.s"
sort -u "$tmp/uses" >"$tmp/uses.s"
# The public functions, which the command may call wherever they are defined.
sed -n 's/.*MV_EXPORT.*[ *]\(mv_[a-z0-9_]*\)(.*/\1/p' "$top_srcdir/include/mavis.h" |
    sort -u >"$tmp/public"

# symbol, calling part, calling file, defining part
join "$tmp/uses.s" "$tmp/defs.s" | while read -r sym from file to; do
	[ "$from" != "$to" ] || continue
	ok=$(mv_arch_allowed "$from") || { echo "src/$file: part '$from' is not in the matrix"; continue; }
	case " $ok " in
	*" $to "*) continue ;;
	esac
	if [ "$from" = cli ] && grep -qxF "$sym" "$tmp/public"; then
		continue
	fi
	echo "$file calls $sym of $to: $from may call only: $ok"
done >"$tmp/bad"
if [ -s "$tmp/bad" ]; then
	sed 's/^/calls: /' "$tmp/bad" >&2
	exit 1
fi
echo "calls: every call between the parts of src/ follows the arrows ($nobj objects)"
