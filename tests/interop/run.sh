#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh: mavis against an independent Sigstore client (the npm libraries in this folder):
# a bundle mavis writes verifies with @sigstore/verify, and a bundle @sigstore/sign writes
# verifies with mavis; tampering is caught by both. Skipped (77) without node or without the
# packages (npm ci --prefix tests/interop).
here=${top_srcdir:-$(dirname "$0")/../..}/tests/interop
mavis=${MAVIS:-./mavis}
node=${NODE:-node}
if ! command -v "$node" >/dev/null 2>&1; then
	echo "SKIP: interop: node not found"
	exit 77
fi
for p in verify sign bundle core; do
	if [ ! -d "$here/node_modules/@sigstore/$p" ]; then
		echo "SKIP: interop: @sigstore/$p not installed (run: npm ci --prefix tests/interop)"
		exit 77
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvinterop.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
expect() { # expect STATUS NAME COMMAND...: the command exits with STATUS
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else ko "$name (exit $got, wanted $want)"; cat "$tmp/out"; fi
}

mkdir -p "$tmp/model/weights" "$tmp/model/.git"
printf '{"architectures": ["X"]}' >"$tmp/model/config.json"
printf 'weights-0' >"$tmp/model/weights/part-0.bin"
printf 'weights-1' >"$tmp/model/weights/part-1.bin"
printf 'ref' >"$tmp/model/.git/HEAD"
"$mavis" keygen --type p256 --out "$tmp/k" >/dev/null || exit 2
"$mavis" keygen --type p256 --out "$tmp/other" >/dev/null || exit 2

# mavis writes, @sigstore/verify checks.
expect 0 "mavis sign" "$mavis" sign --no-progress --key "$tmp/k.key" "$tmp/model"
expect 0 "@sigstore/verify accepts the mavis bundle" \
	"$node" "$here/interop.js" verify "$tmp/model" "$tmp/model/model.sig" "$tmp/k.pub"
expect 1 "@sigstore/verify refuses it with another key" \
	"$node" "$here/interop.js" verify "$tmp/model" "$tmp/model/model.sig" "$tmp/other.pub"
sed 's/"sig":"M/"sig":"N/' "$tmp/model/model.sig" >"$tmp/bad.sig"
expect 1 "@sigstore/verify refuses a changed signature" \
	"$node" "$here/interop.js" verify "$tmp/model" "$tmp/bad.sig" "$tmp/k.pub"
rm "$tmp/model/model.sig"

# @sigstore/sign writes, mavis checks.
expect 0 "@sigstore/sign writes a bundle" \
	"$node" "$here/interop.js" sign "$tmp/model" "$tmp/k.key" "$tmp/js.sig"
expect 0 "mavis accepts the @sigstore/sign bundle" \
	"$mavis" verify --no-progress --key "$tmp/k.pub" --signature "$tmp/js.sig" "$tmp/model"
expect 1 "mavis refuses it with another key" \
	"$mavis" verify --no-progress --key "$tmp/other.pub" --signature "$tmp/js.sig" "$tmp/model"
printf 'weights-X' >"$tmp/model/weights/part-1.bin"
expect 1 "mavis finds the changed file" \
	"$mavis" verify --no-progress --key "$tmp/k.pub" --signature "$tmp/js.sig" "$tmp/model"
expect 1 "@sigstore/verify path finds it too" \
	"$node" "$here/interop.js" verify "$tmp/model" "$tmp/js.sig" "$tmp/k.pub"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
