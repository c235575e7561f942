#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# registry.sh: mavis scan of a model artifact pulled from a registry on loopback against mavis
# scan of the same OCI layout on disk: wall time (best of three) and peak RSS of each, and
# their ratio. The layout holds one raw ModelPack weight layer of BENCH_MIB MiB (default
# 1024) of incompressible bytes, pushed with skopeo to Debian's docker-registry.
#   bench/registry.sh [path/to/mavis]        BENCH_DIR=/somewhere BENCH_MIB=256
set -eu

mavis=${1:-./mavis}
mib=${BENCH_MIB:-1024}
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/mavis-bench}/registry-$mib
for t in docker-registry skopeo /usr/bin/time python3 curl; do
	command -v "$t" >/dev/null || { echo "registry.sh: $t is needed" >&2; exit 2; }
done
mkdir -p "$dir"
. "$(dirname "$0")/oci.sh"
oci_layout "$dir" "$mib"
oci_registry "$dir"
trap 'kill $oci_pid 2>/dev/null' EXIT
oci_push "$dir" bench
port=$oci_port
cat "$dir"/layout/blobs/sha256/* >/dev/null   # warm page cache for both sides

best() { # LABEL ARGS...: the best wall time of three runs and the peak RSS of that run
	label=$1
	shift
	b=
	for i in 1 2 3; do
		/usr/bin/time -f '%e %M' -o "$dir/time" "$mavis" scan --no-progress -q "$@" >/dev/null ||
		    [ $? = 1 ]
		read -r s k <"$dir/time"
		if [ -z "$b" ] || [ "$(echo "$s < $b" | bc)" = 1 ]; then b=$s bk=$k; fi
	done
	printf '%-10s %8.2f s  %8d KiB peak RSS\n' "$label" "$b" "$bk"
	eval "t_$label=$b"
}
echo "mavis scan, one $mib MiB layer ($(nproc) CPUs; best of 3):"
best disk "$dir/layout"
best registry "oci://127.0.0.1:$port/bench:v1"
echo "registry / disk: $(echo "scale=2; $t_registry / $t_disk" | bc)"
