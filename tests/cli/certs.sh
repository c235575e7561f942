#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# certs.sh: which signing certificates mavis sign takes and mavis verify accepts: the same
# rules on both sides, and model_signing's: key usage digitalSignature or extended key usage
# codeSigning; a leaf with neither extension, or with only other usages, is refused by sign
# before anything is signed, and by verify in a bundle made elsewhere. Certificates are made
# here with the openssl command.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
for tool in openssl "$PY"; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-certs-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
expect() {
	want=$1 name=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		ko "$name (exit $got, wanted $want)"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}
grep_out() {
	if grep -q -- "$2" "$work/out" "$work/err"; then ok "$1"; else
		ko "$1 (no '$2')"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}

cd "$work" || exit 99
ossl() { openssl "$@" >/dev/null 2>&1 || { echo "openssl $* failed"; exit 99; }; }
ossl ecparam -name prime256v1 -genkey -noout -out ca.key
ossl req -x509 -new -key ca.key -subj /CN=test-root -days 30 -out ca.pem \
	-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key
ossl req -new -key leaf.key -subj /CN=signer -out leaf.csr
# leaf NAME EXTENSIONS...: a leaf for leaf.key issued by the root, with those extensions.
leaf() {
	name=$1
	shift
	: >"$name.ext"
	for e in "$@"; do echo "$e" >>"$name.ext"; done
	ossl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 10 \
		-extfile "$name.ext" -out "$name.pem"
}
leaf ds-serverauth "keyUsage=digitalSignature" "extendedKeyUsage=serverAuth"
leaf ds-only "keyUsage=digitalSignature"
leaf codesign-only "extendedKeyUsage=codeSigning"
leaf ke-codesign "keyUsage=keyEncipherment" "extendedKeyUsage=codeSigning"
leaf none "basicConstraints=CA:FALSE"
leaf ke-only "keyUsage=keyEncipherment"
leaf ke-serverauth "keyUsage=keyEncipherment" "extendedKeyUsage=serverAuth"
leaf any-eku "keyUsage=keyEncipherment" "extendedKeyUsage=anyExtendedKeyUsage"
leaf ds-ca "basicConstraints=critical,CA:TRUE" "keyUsage=digitalSignature,keyCertSign" \
	"extendedKeyUsage=codeSigning"

mkdir model
printf 'weights' >model/w.bin
for c in ds-serverauth ds-only codesign-only ke-codesign; do
	rm -f model/model.sig
	expect 0 "sign with $c" "$mavis" sign --no-progress --key leaf.key --cert "$c.pem" model
	expect 0 "verify $c" "$mavis" verify --no-progress --cert-chain ca.pem model
done
cp model/model.sig good.sig
# Accepted as model_signing accepts them, but noted: a leaf without extended key usage, a
# leaf with CA:TRUE; a scan has them as info findings, which a policy can make fail.
printf 'severity signature.cert.* high\n' >strict.policy
for c in ds-only ds-ca; do
	case $c in
	ds-only) rule=signature.cert.eku.missing not=signature.cert.leaf.ca ;;
	*) rule=signature.cert.leaf.ca not=signature.cert.eku.missing ;;
	esac
	rm -f model/model.sig
	expect 0 "sign with $c" "$mavis" sign --no-progress --key leaf.key --cert "$c.pem" model
	expect 0 "verify accepts $c" "$mavis" verify --no-progress --cert-chain ca.pem model
	grep_out "verify notes $c" "note: .*($rule)"
	if grep -q -- "$not" "$work/out"; then ko "verify notes only $rule ($c)"; else
		ok "verify notes only $rule ($c)"; fi
	expect 0 "scan accepts $c" "$mavis" scan --no-progress --cert-chain ca.pem model
	grep_out "scan has $rule" "INFO *$rule"
	expect 1 "a policy refuses $c" "$mavis" scan --no-progress --policy strict.policy \
		--cert-chain ca.pem model
done
expect 0 "sign with codesign-only" "$mavis" sign --no-progress --key leaf.key \
	--cert codesign-only.pem model
expect 0 "scan with codesign-only" "$mavis" scan --no-progress --cert-chain ca.pem model
if grep -q "signature.cert" "$work/out"; then ko "nothing noted for codesign-only"; else
	ok "nothing noted for codesign-only"; fi
for c in none ke-only ke-serverauth any-eku; do
	rm -f model/model.sig
	expect 2 "sign refuses $c" "$mavis" sign --no-progress --key leaf.key --cert "$c.pem" model
	grep_out "sign names the certificate ($c)" "$c.pem: cannot sign models"
	[ -e model/model.sig ] && ko "sign wrote a signature with $c" || ok "nothing written ($c)"
	# The same certificate in a bundle made elsewhere (same key, so the envelope verifies).
	"$PY" - good.sig "$c.pem" model/model.sig <<'PYEOF' || exit 99
import base64, json, ssl, sys
b = json.load(open(sys.argv[1]))
der = ssl.PEM_cert_to_DER_cert(open(sys.argv[2]).read())
b["verificationMaterial"]["x509CertificateChain"]["certificates"][0]["rawBytes"] = \
    base64.b64encode(der).decode()
json.dump(b, open(sys.argv[3], "w"))
PYEOF
	expect 1 "verify refuses $c" "$mavis" verify --no-progress --cert-chain ca.pem model
	grep_out "verify says why ($c)" "^(signature): untrusted signer: .*digitalSignature.*codeSigning"
	[ "$c" = none ] && grep_out "no usage extension named" "neither a key usage nor an extended"
done
# model_signing's form of the same.
rm -f model/model.sig
expect 0 "sign certificate --signing_certificate" "$mavis" sign certificate --no-progress \
	--private_key leaf.key --signing_certificate ds-only.pem --signature model.sig model
expect 0 "verify certificate --certificate_chain" "$mavis" verify certificate --no-progress \
	--certificate_chain ca.pem --signature model.sig model
expect 2 "sign certificate refuses the same certificates" "$mavis" sign certificate \
	--no-progress --private-key leaf.key --signing-certificate none.pem --signature none.sig model
[ -e none.sig ] && ko "sign certificate wrote a signature" || ok "nothing written"
# A certificate for another key is refused before signing too.
ossl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out other.key
rm -f model/model.sig
expect 2 "sign refuses a certificate for another key" "$mavis" sign --no-progress \
	--key other.key --cert ds-only.pem model
grep_out "another key named" "not for the private key"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
