# SPDX-License-Identifier: Apache-2.0
# bench/oci.sh: sourced by registry.sh and serve.sh: a ModelPack layout of incompressible
# bytes (tests/cli/rawlayout.py), and Debian's docker-registry on loopback holding it.
#
#   oci_layout DIR MIB     writes DIR/layout (tag v1): one raw weight layer of MIB MiB; kept
#                          for later runs
#   oci_registry DIR       starts docker-registry with its storage in DIR/data; sets
#                          oci_port and oci_pid (the caller stops it)
#   oci_push DIR REPO      copies DIR/layout:v1 to REPO:v1 there with skopeo; sets
#                          oci_digest (the manifest's digest)

oci_free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

oci_layout() {
	[ -f "$1/layout/index.json" ] && return 0
	python3 "$(dirname "$0")/../tests/cli/rawlayout.py" "$1/layout" "$2"
}

oci_registry() {
	oci_port=$(oci_free_port)
	cat >"$1/config.yml" <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $1/data
http:
  addr: 127.0.0.1:$oci_port
YML
	docker-registry serve "$1/config.yml" >"$1/registry.log" 2>&1 &
	oci_pid=$!
	i=0
	until curl -s -o /dev/null "http://127.0.0.1:$oci_port/v2/"; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "bench: docker-registry did not start"; cat "$1/registry.log"; exit 1; }
		sleep 0.2
	done
}

oci_push() {
	skopeo copy -q --dest-tls-verify=false "oci:$1/layout:v1" "docker://127.0.0.1:$oci_port/$2:v1"
	oci_digest=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"])' \
	    "$1/layout/index.json")
}
