#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# oms-blake3.sh: OpenSSF Model Signing with hash_type blake3: what mavis sign --hash blake3
# writes (model_signing's layout: files, also when a shard size is given; digests as b3sum's),
# and bundles built from the format rules by testdata/sign/oms-bundle.py (files and shards)
# verified by mavis. Run by make check; skipped without b3sum or Python's cryptography.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
[ -n "$py" ] || py=python3
srcdir=${top_srcdir:-.}
fails=0
command -v b3sum >/dev/null || { echo "skip - b3sum is not installed"; exit 77; }
"$py" -c 'import cryptography' 2>/dev/null ||
    { echo "skip - Python's cryptography package is missing"; exit 77; }
command -v openssl >/dev/null || { echo "oms-blake3.sh: openssl is missing"; exit 99; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-oms-blake3.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 99

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}
# expect STATUS NAME CMD...
expect() {
	want=$1 name=$2
	shift 2
	"$@" >out.txt 2>err.txt
	rc=$?
	if [ "$rc" = "$want" ]; then ok "$name"; else fail "$name (exit $rc, want $want)"; cat err.txt; fi
}

mkdir -p model/sub
head -c 3145739 /dev/urandom >model/weights.bin
printf '{"a": 1}' >model/config.json
printf 'x' >model/sub/one
: >model/sub/empty
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out k.pem 2>/dev/null &&
    openssl pkey -in k.pem -pubout -out k.pub 2>/dev/null || { echo "cannot make a key"; exit 99; }

# payload SIG: the statement inside a bundle.
payload() {
	"$py" -c 'import base64, json, sys
print(base64.b64decode(json.load(open(sys.argv[1]))["dsseEnvelope"]["payload"]).decode())' "$1"
}
# layout STATEMENT: "method hash_type" then "name algorithm digest" per resource.
layout() {
	"$py" -c 'import json, sys
p = json.load(open(sys.argv[1]))["predicate"]
print(p["serialization"]["method"], p["serialization"]["hash_type"])
for r in p["resources"]:
    print(r["name"], r["algorithm"], r["digest"])' "$1"
}
(cd model && b3sum -- config.json sub/empty sub/one weights.bin) |
    awk '{print $2, "blake3", $1}' >want.layout
sed -i '1i files blake3' want.layout

# ---- mavis sign --hash blake3 ----
expect 0 "sign --hash blake3" "$mavis" sign --no-progress --key k.pem --hash blake3 \
    --signature m.sig model
payload m.sig >m.json && layout m.json >m.layout
check "files, hash_type and algorithm blake3, digests as b3sum" cmp -s m.layout want.layout
expect 0 "mavis verifies its blake3 signature" "$mavis" verify --no-progress --key k.pub \
    --signature m.sig model
expect 0 "sign --hash blake3 --shard-size 1M" "$mavis" sign --no-progress --key k.pem \
    --hash blake3 --shard-size 1M --signature s.sig model
payload s.sig >s.json && layout s.json >s.layout
check "a shard size still gives whole files, as model_signing" cmp -s s.layout want.layout
check "and no shard_size in the serialization" sh -c "! grep -q shard_size s.json"

# ---- bundles made from the format rules ----
"$py" "$srcdir/testdata/sign/oms-bundle.py" model k.pem py-files.sig blake3 &&
    "$py" "$srcdir/testdata/sign/oms-bundle.py" model k.pem py-shards.sig blake3 1000000 ||
    { echo "oms-bundle.py failed"; exit 99; }
expect 0 "a blake3 files bundle made by the rules verifies" "$mavis" verify --no-progress \
    --key k.pub --signature py-files.sig model
expect 0 "a blake3 shards bundle made by the rules verifies" "$mavis" verify --no-progress \
    --key k.pub --signature py-shards.sig model
payload py-shards.sig >py-shards.json
check "its resources are blake3-sharded-1000000" grep -q '"blake3-sharded-1000000"' py-shards.json
printf 'y' >model/sub/one
for s in m.sig py-files.sig py-shards.sig; do
	expect 1 "$s: a changed file fails" "$mavis" verify --no-progress --key k.pub \
	    --signature $s model
	check "$s: and is named" grep -q 'sub/one' out.txt err.txt
done

echo "oms-blake3.sh: $fails failure(s)"
[ "$fails" = 0 ]
