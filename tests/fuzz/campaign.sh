#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# tests/fuzz/campaign.sh: fuzz every libFuzzer harness for a while, grow the seed corpora,
# and print what each run did. Not part of make check (it runs for minutes to hours).
#
#   sh tests/fuzz/campaign.sh [-t SECONDS] [-b BUILD] [-m] [HARNESS...]
#
#   -t SECONDS  time per harness (default 600)
#   -b BUILD    a clone configured with CC=clang --enable-sanitizers --enable-libfuzzer and
#               built (default: one is made in a temporary folder from this checkout, as
#               .ci/fuzz does)
#   -m          merge inputs that reach new coverage into tests/fuzz/corpus/NAME of this
#               checkout (libFuzzer -merge=1: only inputs that add coverage are kept)
#
# Each harness runs on a scratch copy of its seeds with the dictionary of its format
# (tests/fuzz/dict), a 10 s timeout per input (a hang is a finding) and a 2 GiB RSS limit
# (sanitizer overhead included). Crashes, leaks, timeouts and out-of-memory inputs are kept
# under the work folder, printed, and make the script exit 1.
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
secs=600
build=
merge=no
while getopts t:b:m opt; do
	case $opt in
	t) secs=$OPTARG ;;
	b) build=$(cd "$OPTARG" && pwd) ;;
	m) merge=yes ;;
	*) echo "usage: sh tests/fuzz/campaign.sh [-t SECONDS] [-b BUILD] [-m] [HARNESS...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))

work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-campaign.XXXXXX")
echo "campaign: work folder $work"
if [ -z "$build" ]; then
	git clone -q "$top" "$work/build"
	build=$work/build
	(cd "$build" && autoreconf -fi >/dev/null 2>&1 &&
	    CC=clang ./configure -q --enable-sanitizers --enable-libfuzzer &&
	    make -s -j"$(nproc 2>/dev/null || echo 2)") >"$work/build.log" 2>&1 ||
	    { tail -20 "$work/build.log"; echo "campaign: the libFuzzer build failed"; exit 2; }
fi

# dict_of NAME: the dictionary of the format the harness reads, if there is one.
dict_of() {
	case $1 in
	zipidx) d=zip ;;
	oci | bundle | envelope | statement) d=json ;;
	nemo | modelcard) d=yaml ;;
	*) d=$1 ;;
	esac
	[ -f "$top/tests/fuzz/dict/$d.dict" ] && echo "$top/tests/fuzz/dict/$d.dict"
	return 0
}

if [ $# -eq 0 ]; then
	set -- $(cd "$build/tests/fuzz" && ls lf_* | sed -n 's/^lf_\([a-z0-9_]*\)$/\1/p')
fi
failed=0
printf '%-12s %10s %8s %8s %8s %6s %s\n' harness execs exec/s cov ft new findings \
    >"$work/table"
for name in "$@"; do
	prog=$build/tests/fuzz/lf_$name
	seeds=$top/tests/fuzz/corpus/$name
	[ -x "$prog" ] || { echo "campaign: no program $prog"; exit 2; }
	mkdir -p "$work/$name/corpus" "$work/$name/art"
	[ -d "$seeds" ] && cp -R "$seeds/." "$work/$name/corpus/"
	dict=$(dict_of "$name")
	before=$(ls "$work/$name/corpus" | wc -l)
	echo "campaign: $name for ${secs}s${dict:+ with $(basename "$dict")}"
	# libFuzzer exits non-zero on a finding; the artifacts say which.
	"$prog" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	    ${dict:+-dict="$dict"} -artifact_prefix="$work/$name/art/" \
	    "$work/$name/corpus" >"$work/$name/log" 2>&1 || true
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/$name/log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/$name/log" | tail -1)
	cov=$(grep -o 'cov: [0-9]*' "$work/$name/log" | tail -1 | cut -d' ' -f2)
	ft=$(grep -o 'ft: [0-9]*' "$work/$name/log" | tail -1 | cut -d' ' -f2)
	found=$(ls "$work/$name/art" | wc -l)
	new=0
	if [ "$merge" = yes ]; then
		mkdir -p "$seeds"
		n0=$(ls "$seeds" | wc -l)
		"$prog" -merge=1 -timeout=10 -rss_limit_mb=2048 "$seeds" "$work/$name/corpus" \
		    >"$work/$name/merge.log" 2>&1 ||
		    { tail -5 "$work/$name/merge.log"; echo "campaign: merge of $name failed"; }
		new=$(($(ls "$seeds" | wc -l) - n0))
	else
		new=$(($(ls "$work/$name/corpus" | wc -l) - before))
	fi
	printf '%-12s %10s %8s %8s %8s %6s %s\n' "$name" "${execs:-?}" "${rate:-?}" \
	    "${cov:-?}" "${ft:-?}" "$new" "$found" >>"$work/table"
	if [ "$found" -gt 0 ]; then
		failed=1
		ls "$work/$name/art" | sed "s|^|campaign: $name: $work/$name/art/|"
		grep -m1 -E 'ERROR|SUMMARY' "$work/$name/log" || true
	fi
done
echo
cat "$work/table"
[ "$failed" = 0 ] || { echo "campaign: findings kept in $work"; exit 1; }
echo "campaign: no findings (logs in $work)"
