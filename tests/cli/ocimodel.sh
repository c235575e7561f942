#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# ocimodel.sh: mavis scan of OCI model artifacts laid out on disk (testdata/oci, gen-oci.py):
# the exit status a pipeline gates on. What could mislead a loader (a path that climbs out, two
# layers for one path, DiffIDs that are not the layers', content other than its media type)
# fails the default policy (exit 1); benign ModelPack, KitOps and Docker model artifacts pass
# (exit 0); a layer cut short is incomplete (exit 2). tests/cli/registry.sh scans the same
# artifacts pulled from a registry.
set -u

mavis=${MAVIS:-./mavis}
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
oci=$top_srcdir/testdata/oci
fails=0

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

expect() { # FIXTURE STATUS RULE|-
	out=$("$mavis" scan --no-progress "$oci/$1" 2>&1)
	rc=$?
	if [ "$rc" != "$2" ]; then
		fail "$1: exit $rc, not $2"
		echo "$out" | sed 's/^/# /'
	elif [ "$3" != - ] && ! echo "$out" | grep -q "$3"; then
		fail "$1: no $3"
		echo "$out" | sed 's/^/# /'
	else
		ok "$1: exit $rc${3#-}"
	fi
}

for fx in ok_modelpack ok_modelpack_tars ok_modelpack_modctl ok_kitops ok_docker; do
	expect "$fx" 0 -
done
expect path_traversal 1 oci.model.path.traversal
expect path_absolute 1 oci.model.path.traversal
expect docker_traversal 1 oci.model.path.traversal
expect path_backslash 1 oci.model.path.invalid
expect path_control 1 oci.model.path.invalid
expect path_duplicate 1 oci.model.path.duplicate
expect diffid_count 1 oci.model.diffid.mismatch
expect diffid_raw 1 oci.model.diffid.mismatch
expect diffid_gzip 1 oci.model.diffid.mismatch
expect diffid_zstd 1 oci.model.diffid.mismatch
expect config_no_modelfs 1 oci.model.config.invalid
expect content_tar 1 oci.model.content.mismatch
expect content_pickle 1 oci.model.content.mismatch
expect docker_not_gguf 1 oci.model.content.mismatch
expect content_gzip_cut 2 oci.model.content.mismatch
# Reported, below the default policy's threshold.
expect path_collision 0 oci.model.path.collision
expect path_missing 0 oci.model.path.missing
expect kitops_unknown_type 0 oci.model.mediatype.unknown

# A compressed layer decompressing past --max-bytes: its DiffID is not checked, and says so.
out=$("$mavis" scan --no-progress --max-bytes 100 "$oci/ok_modelpack_tars" 2>&1)
rc=$?
if [ "$rc" = 2 ] && echo "$out" | grep -q "its DiffID is not checked"; then
	ok "a layer decompressing past --max-bytes: DiffID unchecked, exit 2"
else
	fail "a layer decompressing past --max-bytes: exit $rc"
	echo "$out" | sed 's/^/# /'
fi

# Layouts packed in tars (skopeo's oci-archive: gen-archives.sh; docker save's shape:
# gen-oci.py) are read by their descriptors: the findings of the folder, the same exit status.
findings() { # REPORT INPUT SEP
	"${PYTHON3:-python3}" - "$1" "$2" "$3" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
pre = sys.argv[2] + sys.argv[3]
for f in sorted((f["severity"], f["rule"], f["path"][len(pre):] if f["path"].startswith(pre)
                 else "(input)") for f in j["findings"]):
    print(*f)
PY
}
n=0
for tar in "$oci"/*.oci.tar "$oci"/*.docker.tar; do
	fx=$(basename "$tar"); fx=${fx%.oci.tar}; fx=${fx%.docker.tar}
	n=$((n + 1))
	"$mavis" scan --no-progress -f json "$oci/$fx" >"${TMPDIR:-/tmp}/ocimodel.$$.d"
	drc=$?
	"$mavis" scan --no-progress -f json "$tar" >"${TMPDIR:-/tmp}/ocimodel.$$.t"
	trc=$?
	findings "${TMPDIR:-/tmp}/ocimodel.$$.d" "$oci/$fx" / >"${TMPDIR:-/tmp}/ocimodel.$$.dl"
	findings "${TMPDIR:-/tmp}/ocimodel.$$.t" "$tar" '!/' >"${TMPDIR:-/tmp}/ocimodel.$$.tl"
	if [ "$drc" = "$trc" ] && cmp -s "${TMPDIR:-/tmp}/ocimodel.$$.dl" "${TMPDIR:-/tmp}/ocimodel.$$.tl"; then
		ok "$(basename "$tar"): the findings of the layout folder (exit $trc)"
	else
		fail "$(basename "$tar"): exit $trc, folder $drc, or other findings"
		diff "${TMPDIR:-/tmp}/ocimodel.$$.dl" "${TMPDIR:-/tmp}/ocimodel.$$.tl" | sed 's/^/# /'
	fi
done
rm -f "${TMPDIR:-/tmp}/ocimodel.$$".*
[ "$n" -ge 12 ] || fail "only $n packed layouts in testdata/oci"

[ "$fails" = 0 ]
