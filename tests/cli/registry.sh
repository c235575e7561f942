#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# registry.sh: oci:// inputs against a real registry on loopback (Debian's docker-registry,
# the CNCF distribution registry, with htpasswd basic auth). OCI layouts of testdata/oci are
# pushed with skopeo; mavis scan oci://127.0.0.1:PORT/REPO:TAG must give the findings of the
# same layout on disk. Hostile cases change the registry's own storage after the push, since
# the registry refuses them over its API: a layer whose bytes no longer match its digest, a
# layer longer than its descriptor, a manifest larger than 4 MiB. Skips (77) without
# docker-registry, skopeo, htpasswd or curl.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
oci=$top_srcdir/testdata/oci
fails=0

for t in docker-registry skopeo htpasswd curl; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "SKIP: $t is not installed (Debian: docker-registry, skopeo, apache2-utils, curl)"
		exit 77
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-registry-test.XXXXXX") || exit 99
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

port=$("$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
reg=127.0.0.1:$port
htpasswd -Bbc "$work/htpasswd" alice 's3cret:pw' >/dev/null 2>&1 || exit 99
cat >"$work/config.yml" <<EOF
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $work/data
http:
  addr: $reg
auth:
  htpasswd:
    realm: mavis-test
    path: $work/htpasswd
EOF
docker-registry serve "$work/config.yml" >"$work/registry.log" 2>&1 &
pid=$!
i=0
until curl -s -o /dev/null "http://$reg/v2/"; do
	i=$((i + 1))
	if [ $i -gt 50 ]; then
		echo "FAIL - the registry did not start"; sed 's/^/# /' "$work/registry.log"
		exit 1
	fi
	sleep 0.2
done

printf 'alice:s3cret:pw\n' >"$work/cred"
push() { # LAYOUT REPO:TAG: the layout's first tag, pushed
	src=$1 dst=$2
	tag=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"])' "$src/index.json")
	skopeo copy -q --all --dest-tls-verify=false --dest-creds 'alice:s3cret:pw' \
	    "oci:$src:$tag" "docker://$reg/$dst" >"$work/push.log" 2>&1 ||
	    { sed 's/^/# /' "$work/push.log"; return 1; }
}

# The findings of a JSON report as "severity rule path-below-the-input" lines, sorted.
findings() { # REPORT INPUT
	"$py" - "$1" "$2" <<'EOF'
import json, sys
j = json.load(open(sys.argv[1]))
pre = sys.argv[2].rstrip("/")
for f in sorted((f["severity"], f["rule"], f["path"][len(pre):] if f["path"].startswith(pre)
                 else f["path"]) for f in j["findings"]):
    print(*f)
EOF
}

# Layouts on disk and pushed: the same findings, the same exit status; and the registry's
# findings hold every rule expected.tsv lists for the layout (the model artifacts' checks:
# ModelPack, KitOps and Docker model, benign and hostile).
models=$(sed -n 's/^\(ok_modelpack_[a-z]*\|ok_kitops\|ok_docker\|path_[a-z]*\|diffid_[a-z]*\|config_[a-z_]*\|content_[a-z_]*\|docker_[a-z_]*\|[a-z]*_unknown_type\)	.*/\1/p' "$oci/expected.tsv")
[ "$(echo $models | wc -w)" -ge 25 ] || fail "expected.tsv lists $(echo $models | wc -w) model artifacts, not 25 or more"
for fx in ok_modelpack ok_oras ok_nested_index layer_pickle $models; do
	if ! push "$oci/$fx" "$fx:v1"; then
		fail "$fx: skopeo could not push it"
		continue
	fi
	# ok_oras holds a README.md beside the layout, which is no part of the artifact.
	"$mavis" scan --no-progress -f json --exclude README.md "$oci/$fx" >"$work/disk.json" \
	    2>"$work/err"
	drc=$?
	"$mavis" scan --no-progress -f json --registry-auth "$work/cred" "oci://$reg/$fx:v1" \
	    >"$work/net.json" 2>"$work/err"
	nrc=$?
	findings "$work/disk.json" "$oci/$fx" >"$work/disk.txt"
	findings "$work/net.json" "oci://$reg/$fx:v1" >"$work/net.txt"
	cp "$work/net.txt" "$work/net-$fx.txt"
	if [ "$drc" != "$nrc" ]; then
		fail "$fx: exit $nrc from the registry, $drc from the layout on disk"
		sed 's/^/# /' "$work/err"
	elif ! cmp -s "$work/disk.txt" "$work/net.txt"; then
		fail "$fx: the registry's findings differ from the layout's"
		diff "$work/disk.txt" "$work/net.txt" | sed 's/^/# /'
	else
		ok "$fx: oci:// gives the findings of the layout on disk (exit $nrc)"
	fi
	for rule in $(sed -n "s/^$fx\t\(info:\)\{0,1\}//p" "$oci/expected.tsv" | tr ',' ' '); do
		[ "$rule" = - ] && continue
		grep -q " $rule " "$work/net.txt" ||
		    fail "$fx: $rule is not among the findings through the registry"
	done
done
grep -q 'critical pickle.global.denied /blobs/sha256/' "$work/net-layer_pickle.txt" &&
    ok "layer_pickle: the malicious pickle layer is found through the registry" ||
    fail "layer_pickle: no pickle.global.denied on a blob of the pulled artifact"

# ---- Harbor's conversation end to end: mavis serve given the pushed artifact ----
# As Harbor does: the registry URL, the repository, the manifest digest and a credential;
# mavis serve pulls the artifact and reports the malicious pickle layer (tests/serve has the
# client, harborclient.py).
digest=$(curl -s -I -u 'alice:s3cret:pw' \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$reg/v2/layer_pickle/manifests/v1" | tr -d '\r' |
    sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: *//p')
printf 'registry-test-key\n' >"$work/apikey"
case $mavis in /*) absmavis=$mavis ;; *) absmavis=$(pwd)/$mavis ;; esac
if "$py" - "$absmavis" "$work/apikey" "$reg" "$digest" "$top_srcdir/tests/serve" \
    >"$work/harbor.out" 2>&1 <<'PY'
import base64, json, sys
sys.path.insert(0, sys.argv[5])
import harborclient as hc
mavis, keyf, reg, digest = sys.argv[1:5]
srv = hc.Serve(mavis, keyf, "--jobs", "1")
try:
    h = hc.Harbor(srv.port, open(keyf).read().strip())
    auth = "Basic " + base64.b64encode(b"alice:s3cret:pw").decode()
    st, _, b = h.scan("http://" + reg, "layer_pickle", digest, authorization=auth)
    assert st == 202, (st, b)
    st, _, b, polls = h.poll(json.loads(b)["id"])
    assert st == 200, (st, b[:400])
    ids = [v.get("id") for v in json.loads(b)["vulnerabilities"]]
    assert "pickle.global.denied" in ids, ids
    print("%d polls, %d vulnerabilities" % (polls, len(ids)))
finally:
    srv.stop()
PY
then
	ok "serve: Harbor's scan of layer_pickle@$digest names pickle.global.denied ($(cat "$work/harbor.out"))"
else
	fail "serve: Harbor's scan of the pushed layer_pickle"
	sed 's/^/# /' "$work/harbor.out" | tail -15
fi

# expect NAME WANT_RC PATTERN ARGS...: mavis ARGS exits WANT_RC and its output says PATTERN.
expect() {
	name=$1 want=$2 pat=$3
	shift 3
	timeout 120 "$mavis" "$@" >"$work/out" 2>&1
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want"
		sed 's/^/# /' "$work/out" | head -20
	elif [ -n "$pat" ] && ! grep -Eq -- "$pat" "$work/out"; then
		fail "$name: no '$pat' in the output"
		sed 's/^/# /' "$work/out" | head -20
	else
		ok "$name"
	fi
}

ref=oci://$reg/ok_modelpack:v1
digest=sha256:$(skopeo inspect --raw --tls-verify=false --creds 'alice:s3cret:pw' \
    "docker://$reg/ok_modelpack:v1" | sha256sum | cut -c1-64)
expect "by digest" 0 "" scan --no-progress --registry-auth "$work/cred" \
    "oci://$reg/ok_modelpack@$digest"
expect "a digest the registry does not hold" 2 "no such manifest" scan --no-progress \
    --registry-auth "$work/cred" "oci://$reg/ok_modelpack@sha256:$(printf x | sha256sum | cut -c1-64)"
expect "credentials as USER:PASSWORD" 0 "" hash --registry-auth 'alice:s3cret:pw' "$ref"
# mavis hash oci:// gives the lines of mavis hash of the layout on disk for every blob;
# oci-layout and index.json are the ones mavis writes for the pulled reference (its one
# manifest, tagged), not the layout's bytes, and are left out of the comparison.
"$mavis" hash --registry-auth "$work/cred" "$ref" >"$work/net.sums" 2>"$work/err"
nrc=$?
"$mavis" hash "$oci/ok_modelpack" >"$work/disk.sums" 2>/dev/null
sed -n "s| $oci/ok_modelpack/blobs/| |p" "$work/disk.sums" | sort >"$work/disk.txt"
sed -n "s| $ref/blobs/| |p" "$work/net.sums" | sort >"$work/net.txt"
if [ "$nrc" = 0 ] && [ "$(wc -l <"$work/net.txt")" -ge 3 ] &&
    cmp -s "$work/disk.txt" "$work/net.txt"; then
	ok "hash oci://: the digests of the layout on disk ($(wc -l <"$work/net.txt") blobs)"
else
	fail "hash oci://: exit $nrc, or digests that differ from the layout's"
	diff "$work/disk.txt" "$work/net.txt" | sed 's/^/# /'
	sed 's/^/# /' "$work/err"
fi
mkdir "$work/docker"
"$py" -c 'import base64, json, sys; print(json.dumps({"auths": {sys.argv[1]: {"auth": base64.b64encode(b"alice:s3cret:pw").decode()}}}))' \
    "$reg" >"$work/docker/config.json"
DOCKER_CONFIG=$work/docker expect "credentials from \$DOCKER_CONFIG/config.json" 0 "" \
    scan --no-progress "$ref"
DOCKER_CONFIG=$work/none expect "no credentials: refused, said" 2 \
    "refused the pull \(HTTP 401, Basic authentication\); give credentials" scan --no-progress "$ref"
expect "wrong password" 2 "refused the credentials" scan --no-progress \
    --registry-auth 'alice:wrong' "$ref"
expect "a tag that is not there" 2 "no such manifest" scan --no-progress \
    --registry-auth "$work/cred" "oci://$reg/ok_modelpack:nope"
expect "a reference that is no reference" 2 "repository is not lowercase" scan --no-progress \
    "oci://$reg/Bad..Name:v1"
expect "a port that is no port" 2 "no valid registry host" scan --no-progress \
    "oci://127.0.0.1:99999/repo:v1"
expect "credentials never go to a second registry" 2 "credentials are given for one registry" \
    scan --no-progress --registry-auth "$work/cred" "$ref" "oci://localhost:$port/ok_modelpack:v1"

# The registry's storage changed under it (what a compromised backend serves).
blobdata() { # DIGEST-HEX
	echo "$work/data/docker/registry/v2/blobs/sha256/$(echo "$1" | cut -c1-2)/$1/data"
}
push "$oci/layer_pickle" tampered:v1 || fail "tampered: push"
manifest=$("$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["manifests"][0]["digest"][7:])' "$oci/layer_pickle/index.json")
layer=$(sed -n 's/.*"digest": *"sha256:\([0-9a-f]*\)".*/\1/p' \
    "$oci/layer_pickle/blobs/sha256/$manifest" | tail -n 1)
size=$(wc -c <"$(blobdata "$layer")")
head -c "$size" /dev/zero >"$(blobdata "$layer")"
expect "a layer whose bytes do not match its digest" 1 "integrity.digest.mismatch" \
    scan --no-progress --registry-auth "$work/cred" "oci://$reg/tampered:v1"
head -c $((size + 100)) /dev/zero >"$(blobdata "$layer")"
expect "a layer longer than its descriptor: read no further" 2 \
    "more than the $size bytes the descriptor gives" \
    scan --no-progress --registry-auth "$work/cred" "oci://$reg/tampered:v1"

# A layer of 20 MiB is received by a thread of its own ahead of the hashing, as a large file
# is read (with two workers): the blobs' digests of the layout on disk (its index.json and
# oci-layout are the registry's own), and its failures still named.
"$py" "$top_srcdir/tests/cli/rawlayout.py" "$work/large" 20
push "$work/large" large:v1 || fail "large: push"
"$mavis" hash --jobs 2 "$work/large" | sed -n "s|  $work/large/blobs/|  |p" | sort \
    >"$work/disk.txt"
"$mavis" hash --jobs 2 --registry-auth "$work/cred" "oci://$reg/large:v1" 2>"$work/err" |
    sed -n "s|  oci://$reg/large:v1/blobs/|  |p" | sort >"$work/net.txt"
if [ -s "$work/net.txt" ] && cmp -s "$work/disk.txt" "$work/net.txt"; then
	ok "a 20 MiB layer read ahead: the digests of the layout on disk"
else
	fail "a 20 MiB layer read ahead: the digests differ from the layout's"
	diff "$work/disk.txt" "$work/net.txt" | sed 's/^/# /'
	sed 's/^/# /' "$work/err"
fi
layer=$("$py" -c 'import json, os, sys
d = sys.argv[1] + "/blobs/sha256/"
print(max(os.listdir(d), key=lambda f: os.path.getsize(d + f)))' "$work/large")
size=$(wc -c <"$(blobdata "$layer")")
head -c "$size" /dev/zero >"$(blobdata "$layer")"
expect "a 20 MiB layer read ahead whose bytes do not match its digest" 1 \
    "integrity.digest.mismatch" \
    scan --jobs 2 --no-progress --registry-auth "$work/cred" "oci://$reg/large:v1"
head -c $((size + 100)) /dev/zero >"$(blobdata "$layer")"
expect "a 20 MiB layer read ahead, longer than its descriptor: read no further" 2 \
    "more than the $size bytes the descriptor gives" \
    scan --jobs 2 --no-progress --registry-auth "$work/cred" "oci://$reg/large:v1"

# Token authentication and a manifest no registry would store, from a registry that serves
# ok_modelpack as it is asked (tests/cli/fakeregistry.py).
"$py" "$top_srcdir/tests/cli/fakeregistry.py" "$oci/ok_modelpack" "$work/fakeport" \
    "$work/large" &
fpid=$!
i=0
while [ ! -s "$work/fakeport" ] && [ $i -lt 50 ]; do
	i=$((i + 1))
	sleep 0.2
done
fake=127.0.0.1:$(cat "$work/fakeport" 2>/dev/null)
"$mavis" scan --no-progress -f json --registry-auth bob:hunter2 "oci://$fake/model:latest" \
    >"$work/net.json" 2>"$work/err"
nrc=$?
"$mavis" scan --no-progress -f json "$oci/ok_modelpack" >"$work/disk.json" 2>/dev/null
findings "$work/disk.json" "$oci/ok_modelpack" >"$work/disk.txt"
findings "$work/net.json" "oci://$fake/model:latest" >"$work/net.txt" 2>/dev/null
if [ "$nrc" = 0 ] && cmp -s "$work/disk.txt" "$work/net.txt"; then
	ok "token authentication (Bearer challenge, token asked with Basic credentials)"
else
	fail "token authentication: exit $nrc"
	sed 's/^/# /' "$work/err"
fi
expect "token service refuses wrong credentials" 2 "token service refused the credentials" \
    scan --no-progress --registry-auth bob:wrong "oci://$fake/model:latest"
expect "a manifest larger than 4 MiB: refused" 2 "larger than the 4194304 bytes" \
    scan --no-progress --registry-auth bob:hunter2 "oci://$fake/model:big"

# A registry slow without stalling (80 bytes a second: never silent for curl's stall
# timeout, hours for the 20 MiB layer): --max-seconds stops the scan, and mavis serve's
# --scan-timeout frees its worker for the next scan instead of holding it for hours.
t0=$(date +%s)
expect "a slow registry: the scan stops at --max-seconds" 2 "limit.time.exceeded" \
    scan --no-progress --max-seconds 2 --registry-auth bob:hunter2 "oci://$fake/slow:v1"
[ $(($(date +%s) - t0)) -le 10 ] && ok "a slow registry: stopped within 10 s" ||
    fail "a slow registry: the scan took $(($(date +%s) - t0)) s under --max-seconds 2"
if "$py" - "$absmavis" "$work/apikey" "$fake" "$top_srcdir/tests/serve" \
    "$(cat "$work/large/index.json")" "$(cat "$oci/ok_modelpack/index.json")" \
    >"$work/slow.out" 2>&1 <<'PY'
import base64, json, sys, time
sys.path.insert(0, sys.argv[4])
import harborclient as hc
mavis, keyf, fake = sys.argv[1:4]
slow_digest = json.loads(sys.argv[5])["manifests"][0]["digest"]
ok_digest = json.loads(sys.argv[6])["manifests"][0]["digest"]
srv = hc.Serve(mavis, keyf, "--jobs", "1", "--scan-timeout", "2")
try:
    h = hc.Harbor(srv.port, open(keyf).read().strip())
    auth = "Basic " + base64.b64encode(b"bob:hunter2").decode()
    st, _, b = h.scan("http://" + fake, "slow", slow_digest, authorization=auth)
    assert st == 202, (st, b)
    st, _, b, _ = h.poll(json.loads(b)["id"], limit=20)
    assert st == 500 and "longer than the limit (2 s)" in b.decode(), (st, b[:300])
    # The one worker is free again: the next scan ends long before the slow layer would.
    t0 = time.monotonic()
    st, _, b = h.scan("http://" + fake, "model", ok_digest, authorization=auth)
    assert st == 202, (st, b)
    st, _, b, _ = h.poll(json.loads(b)["id"], limit=20)
    took = time.monotonic() - t0
    assert st == 200, (st, b[:300])
    assert took < 15, took
    late = [x for x in srv.log_lines() if x.get("event") == "late"]
    assert late, "the slow scan's end is not logged"
    print("the next scan ran after %.1f s" % took)
finally:
    srv.stop()
PY
then
	ok "serve: --scan-timeout stops a scan of a slow registry and frees its worker ($(cat "$work/slow.out"))"
else
	fail "serve: --scan-timeout on a slow registry"
	sed 's/^/# /' "$work/slow.out" | tail -15
fi
kill "$fpid" 2>/dev/null
wait "$fpid" 2>/dev/null

[ "$fails" -eq 0 ] || exit 1
echo "registry: every case passed"
