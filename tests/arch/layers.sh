#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# layers.sh: the #include lines of src/ follow the arrows of the architecture (issue 11,
# docs: /work/shared/design.md "The pipeline" and "Layout"); any other include fails.
#
#   core                 at the bottom: the data model and the shared pieces
#   walk hash scan       the stages, over core only; sign also over hash (it signs digests),
#   sign judge report    report also over judge (it writes a judgement); no other stage
#                        sees another
#   run                  the pipeline, over every stage and net: it opens the remote
#                        sources (oci:// inputs) whose entries the walk then reads through
#                        core/remote.h, so the walk itself never sees a client
#   cli                  the command, over the public header mavis.h and its own cli.h,
#                        and the service it starts (serve/serve.h)
#   net serve            (planned in design.md) clients of remote sources over core; the
#                        service over the pipeline and what it reports with
#
# Every part may include config.h and mavis.h.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
src=${1:-$top_srcdir/src}

allowed() {
	case $1 in
	core) echo "core" ;;
	walk|hash|scan|judge|net) echo "$1 core" ;;
	sign) echo "sign core hash" ;;
	report) echo "report core judge" ;;
	run) echo "run core walk hash scan sign judge report net" ;;
	serve) echo "serve core run walk hash scan sign judge report net" ;;
	cli) echo "cli serve" ;;
	*) return 1 ;;
	esac
}

# Includes against the arrows that are known and not yet undone (issue 11, item 1: the walk
# still feeds the digests and the analysers itself, and sign still runs the walk to hash a
# model). One "FILE HEADER" a line; a line no longer needed fails too, so the list only
# shrinks.
known='
walk/walk.h hash/digest.h
walk/walk.h scan/analyse.h
sign/model.c walk/hf.h
'

fails=0
bad() {
	echo "layers: $*" >&2
	fails=$((fails + 1))
}

seen=$(mktemp) || exit 99
trap 'rm -f "$seen"' EXIT
for f in $(cd "$src" && find . -name '*.[ch]' -o -name '*.def' | sed 's|^\./||' | sort); do
	part=${f%%/*}
	if ! ok=$(allowed "$part"); then
		bad "src/$f: part '$part' is not in the matrix of tests/arch/layers.sh"
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
		allowed "$to" >/dev/null 2>&1 || [ "$to" = "$part" ] || continue  # <openssl/evp.h>
		case " $ok " in
		*" $to "*) continue ;;
		esac
		if printf '%s\n' "$known" | grep -qxF "$f $h"; then
			echo "$f $h" >>"$seen"
			continue
		fi
		echo "src/$f includes $h: $part may include only: $ok (and mavis.h)"
	done
done >"$seen.bad"
while read -r line; do
	bad "$line"
done <"$seen.bad"
rm -f "$seen.bad"
printf '%s\n' "$known" | while read -r k; do
	[ -n "$k" ] || continue
	grep -qxF "$k" "$seen" || echo "known exception '$k' no longer occurs: delete it from tests/arch/layers.sh"
done >"$seen.stale"
while read -r line; do
	bad "$line"
done <"$seen.stale"
rm -f "$seen.stale"
[ "$fails" -eq 0 ] || exit 1
echo "layers: every include of src/ follows the arrows"
