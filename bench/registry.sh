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
if [ ! -f "$dir/layout/index.json" ]; then
	python3 - "$dir/layout" "$mib" <<'PY'
import hashlib, json, os, sys
out, mib = sys.argv[1], int(sys.argv[2])
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)
def put(data=None, path=None):
    h = hashlib.sha256()
    if path:
        with open(path, "rb") as f:
            for b in iter(lambda: f.read(1 << 20), b""):
                h.update(b)
        d = h.hexdigest()
        os.rename(path, os.path.join(blobs, d))
        return d, os.path.getsize(os.path.join(blobs, d))
    h.update(data)
    d = h.hexdigest()
    with open(os.path.join(blobs, d), "wb") as f:
        f.write(data)
    return d, len(data)
tmp = os.path.join(out, "layer.tmp")
with open(tmp, "wb") as f:   # incompressible, deterministic: SHA-256 in counter mode
    for i in range(mib * 32768):
        f.write(hashlib.sha256(i.to_bytes(8, "little")).digest())
ld, ls = put(path=tmp)
cd, cs = put(json.dumps({"descriptor": {"name": "bench"}, "config": {},
                         "modelfs": {"type": "layers", "diffIds": ["sha256:" + ld]}}).encode())
m = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
    "artifactType": "application/vnd.cncf.model.manifest.v1+json",
    "config": {"mediaType": "application/vnd.cncf.model.config.v1+json", "digest": "sha256:" + cd, "size": cs},
    "layers": [{"mediaType": "application/vnd.cncf.model.weight.v1.raw", "digest": "sha256:" + ld,
                "size": ls, "annotations": {"org.cncf.model.filepath": "model.bin"}}]}).encode()
md, ms = put(m)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json",
    "digest": "sha256:" + md, "size": ms, "annotations": {"org.opencontainers.image.ref.name": "v1"}}]},
    open(os.path.join(out, "index.json"), "w"))
json.dump({"imageLayoutVersion": "1.0.0"}, open(os.path.join(out, "oci-layout"), "w"))
PY
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$dir/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $dir/data
http:
  addr: 127.0.0.1:$port
YML
docker-registry serve "$dir/config.yml" >"$dir/registry.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null' EXIT
until curl -s -o /dev/null "http://127.0.0.1:$port/v2/"; do sleep 0.2; done
skopeo copy -q --dest-tls-verify=false "oci:$dir/layout:v1" "docker://127.0.0.1:$port/bench:v1"
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
