#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# gen-archives.sh: OCI layouts of this folder packed in tars by skopeo itself (skopeo copy
# oci:DIR:TAG oci-archive:FILE:TAG), as a registry hook or a user meets them; their rows in
# expected.tsv are those of the layouts (gen-oci.py writes them), and fuzz_oci seeds. Run after
# gen-oci.py; needs skopeo (Debian).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
seeds=$here/../../tests/fuzz/corpus/oci
for fx in ok_modelpack_tars ok_kitops ok_docker path_traversal path_duplicate diffid_gzip \
    content_pickle layer_pickle; do
	tag=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' "$here/$fx/index.json")
	rm -f "$here/$fx.oci.tar"
	skopeo copy -q "oci:$here/$fx:$tag" "oci-archive:$here/$fx.oci.tar:$tag"
done
cp "$here/path_traversal.oci.tar" "$seeds/archive_path_traversal.bin"
cp "$here/diffid_gzip.oci.tar" "$seeds/archive_diffid_gzip.bin"
