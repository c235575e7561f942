#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pkcs11.sh: keys on a PKCS#11 token (SoftHSM2 in a throwaway token folder): mavis keygen
# --pkcs11 and OpenSC's pkcs11-tool --keypairgen make the keys, mavis sign --key pkcs11:...
# signs, mavis verify --key checks the public key written by mavis or rebuilt by Python's
# cryptography from what pkcs11-tool lists; a certificate stored beside the key gives the
# certificate method; wrong PINs, missing keys and bad URIs are one-line errors that write
# nothing. Skipped (77) without softhsm2 or opensc.
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
module=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
for tool in softhsm2-util pkcs11-tool openssl python3; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: pkcs11: $tool not found (Debian softhsm2, opensc, openssl, python3)"
		exit 77
	fi
done
if [ ! -f "$module" ]; then
	echo "SKIP: pkcs11: no SoftHSM2 module at $module (Debian softhsm2)"
	exit 77
fi
if ! python3 -c 'import cryptography' 2>/dev/null; then
	echo "SKIP: pkcs11: python3-cryptography is missing"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-pkcs11-test.XXXXXX") || exit 99
# SoftHSM2's Ed25519 code leaks a few bytes of OpenSSL objects per session; under
# LeakSanitizer that is its leak, not mavis's (the module stays mapped: RTLD_NODELETE).
printf 'leak:libsofthsm2.so\n' >"$work/lsan.supp"
export LSAN_OPTIONS="suppressions=$work/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
# Full stacks through libcrypto (no frame pointers there), so the suppression can see the module.
export ASAN_OPTIONS="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
expect() {
	want=$1 name=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err" </dev/null
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
# one_line NAME: the last command's error is one line on stderr, nothing on stdout.
one_line() {
	if [ "$(wc -l <"$work/err")" -eq 1 ] && [ ! -s "$work/out" ]; then ok "$1"; else
		ko "$1 (not one line)"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}
absent() {
	if [ -e "$2" ]; then ko "$1 ($2 written)"; else ok "$1"; fi
}
# pubkey LABEL OUT: the PEM public key of LABEL, rebuilt from pkcs11-tool's listing (not by
# mavis).
pubkey() {
	pkcs11-tool --module "$module" --token-label mavis --list-objects --type pubkey \
	    2>/dev/null | python3 -c '
import sys
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
want, point, params = sys.argv[1], None, None
for line in sys.stdin:
    k, _, v = line.strip().partition(":")
    v = v.strip().split(" ")[0]
    if k == "EC_POINT": point = bytes.fromhex(v)
    elif k == "EC_PARAMS": params = v
    elif k == "label" and v == want: break
else:
    sys.exit("no public key " + want)
raw = point[2:]  # the DER OCTET STRING header of a short point
if params == "06032b6570" or params.startswith("130c"):
    key = ed25519.Ed25519PublicKey.from_public_bytes(raw)
else:
    curve = {"06082a8648ce3d030107": ec.SECP256R1(), "06052b81040022": ec.SECP384R1()}[params]
    key = ec.EllipticCurvePublicKey.from_encoded_point(curve, raw)
sys.stdout.write(key.public_bytes(serialization.Encoding.PEM,
    serialization.PublicFormat.SubjectPublicKeyInfo).decode())
' "$1" >"$2"
}

SOFTHSM2_CONF=$work/softhsm2.conf
export SOFTHSM2_CONF
mkdir "$work/tokens"
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
    "$work" >"$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label mavis --so-pin 87654321 --pin 1234 >/dev/null ||
    exit 99
tok="pkcs11:token=mavis"
mod="module-path=$module"

m=$work/model
mkdir -p "$m/sub"
printf 'weights' >"$m/w.bin"
printf 'config' >"$m/sub/c.json"

# Keys made by mavis, every type.
expect 0 "keygen --pkcs11 (P-256)" "$mavis" keygen --pkcs11 "$tok;object=p256?pin-value=1234" \
    --pkcs11-module "$module" --out "$work/p256"
grep_out "keygen reports the hint" "hint [0-9a-f]\{64\}"
absent "keygen --pkcs11 writes no private key file" "$work/p256.key"
expect 0 "keygen --pkcs11 --type p384" "$mavis" keygen --type p384 \
    --pkcs11 "$tok;object=p384?pin-value=1234&$mod" --out "$work/p384"
expect 0 "keygen --pkcs11 --type ed25519" "$mavis" keygen --type ed25519 \
    --pkcs11 "$tok;object=ed?pin-value=1234&$mod" --out "$work/ed"
expect 2 "keygen --pkcs11 never reuses a label" "$mavis" keygen \
    --pkcs11 "$tok;object=p256?pin-value=1234&$mod" --out "$work/again"
absent "a refused keygen writes nothing" "$work/again.pub"
expect 2 "keygen --pkcs11 needs object=" "$mavis" keygen \
    --pkcs11 "$tok?pin-value=1234&$mod" --out "$work/noobj"

for t in p256 p384 ed; do
	expect 0 "sign with the token's $t key" "$mavis" sign --no-progress \
	    --signature "$work/$t.sig" --key "$tok;object=$t?pin-value=1234&$mod" "$m"
	grep_out "$t: key method" "key method"
	expect 0 "verify the $t signature" "$mavis" verify --no-progress \
	    --signature "$work/$t.sig" --key "$work/$t.pub" "$m"
done
grep_out "Ed25519 signer" "Ed25519"
expect 1 "another key does not verify it" "$mavis" verify --no-progress \
    --signature "$work/ed.sig" --key "$work/p256.pub" "$m"

# PINs from a file, a descriptor, the environment, and a label percent-encoded.
printf '1234\n' >"$work/pin"
expect 0 "pin-source" "$mavis" sign --no-progress --signature "$work/ps.sig" \
    --key "$tok;object=p256?pin-source=file:$work/pin&$mod" "$m"
expect 0 "PIN from --passphrase-fd" sh -c 'echo 1234 | "$@"' x "$mavis" sign \
    --no-progress --signature "$work/pfd.sig" --passphrase-fd 0 \
    --key "$tok;object=p256" --pkcs11-module "$module" "$m"
expect 0 "PIN from --passphrase-env" env MAVIS_PIN=1234 "$mavis" sign --no-progress \
    --signature "$work/penv.sig" --passphrase-env MAVIS_PIN --key "$tok;object=p256?$mod" \
    "$m"
expect 0 "keygen, percent-encoded label" "$mavis" keygen \
    --pkcs11 "pkcs11:token=ma%76is;object=release%20key?pin-value=1234&$mod" --out "$work/sp"
expect 0 "sign with the percent-encoded label" "$mavis" sign --no-progress \
    --signature "$work/sp.sig" --key "$tok;object=release%20key?pin-value=1234&$mod" "$m"
expect 0 "verify it" "$mavis" verify --no-progress --signature "$work/sp.sig" \
    --key "$work/sp.pub" "$m"

# Tampering.
cp -r "$m" "$work/m2"
cp "$work/p256.sig" "$work/m2.sig"
printf 'other' >"$work/m2/w.bin"
expect 1 "a changed file fails" "$mavis" verify --no-progress --signature "$work/m2.sig" \
    --key "$work/p256.pub" "$work/m2"
python3 - "$work/p256.sig" "$work/bad.sig" <<'EOF' || exit 99
import base64, json, sys
b = json.load(open(sys.argv[1]))
sig = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"]))
sig[-1] ^= 1
b["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(sig)).decode()
json.dump(b, open(sys.argv[2], "w"))
EOF
expect 1 "a changed signature fails" "$mavis" verify --no-progress \
    --signature "$work/bad.sig" --key "$work/p256.pub" "$m"

# Keys made by OpenSC's pkcs11-tool; their public keys rebuilt outside mavis.
for spec in "EC:prime256v1 osc256 0a01" "EC:secp384r1 osc384 0a02" "EC:edwards25519 osced 0a03"; do
	set -- $spec
	if pkcs11-tool --module "$module" --token-label mavis --login --pin 1234 \
	    --keypairgen --key-type "$1" --label "$2" --id "$3" >/dev/null 2>&1; then
		pubkey "$2" "$work/$2.pub" || ko "$2: public key from pkcs11-tool"
		expect 0 "sign with pkcs11-tool's $2" "$mavis" sign --no-progress \
		    --signature "$work/$2.sig" --key "$tok;id=%${3%??}%${3#??}?pin-value=1234" \
		    --pkcs11-module "$module" "$m"
		expect 0 "verify $2 with the key pkcs11-tool lists" "$mavis" verify \
		    --no-progress --signature "$work/$2.sig" --key "$work/$2.pub" "$m"
	else
		skip "pkcs11-tool cannot make $1 keys here"
	fi
done

# A certificate on the token beside the key: the certificate method without --cert.
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$work/ca.key" -subj /CN=mavis-test-ca -days 2 -out "$work/ca.pem" 2>/dev/null ||
    exit 99
printf 'keyUsage = critical, digitalSignature\nextendedKeyUsage = codeSigning\n' >"$work/leaf.ext"
openssl x509 -new -subj /CN=release -force_pubkey "$work/p256.pub" -CA "$work/ca.pem" \
    -CAkey "$work/ca.key" -days 1 -extfile "$work/leaf.ext" -outform DER -out "$work/leaf.der" \
    2>/dev/null || exit 99
id=$(pkcs11-tool --module "$module" --token-label mavis --login --pin 1234 --list-objects \
    --type privkey 2>/dev/null | awk '/label:/ { l = $2 } /ID:/ && l == "p256" { print $2; exit }')
[ -n "$id" ] || exit 99
pkcs11-tool --module "$module" --token-label mavis --login --pin 1234 --write-object \
    "$work/leaf.der" --type cert --id "$id" --label p256 >/dev/null 2>&1 || exit 99
expect 0 "sign with the token's certificate" "$mavis" sign --no-progress \
    --signature "$work/cert.sig" --key "$tok;object=p256?pin-value=1234&$mod" "$m"
grep_out "certificate method" "certificate method"
expect 0 "verify against the CA" "$mavis" verify --no-progress --signature "$work/cert.sig" \
    --cert-chain "$work/ca.pem" "$m"
expect 1 "the key method does not take it for another key" "$mavis" verify --no-progress \
    --signature "$work/cert.sig" --key "$work/ed.pub" "$m"

# Errors: one line, exit 2, nothing written.
expect 2 "wrong PIN" "$mavis" sign --no-progress --signature "$work/wrong.sig" \
    --key "$tok;object=p256?pin-value=9999&$mod" "$m"
grep_out "wrong PIN named" "wrong PIN"
one_line "wrong PIN is one line"
absent "wrong PIN writes nothing" "$work/wrong.sig"
expect 2 "no such object" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=nothing?pin-value=1234&$mod" "$m"
grep_out "missing key named" "no private key matches the URI (object=nothing)"
one_line "missing key is one line"
absent "a missing key writes nothing" "$work/none.sig"
expect 2 "no such token" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "pkcs11:token=other;object=p256?pin-value=1234&$mod" "$m"
grep_out "missing token named" "no token matches"
expect 2 "no PIN and no terminal" setsid -w "$mavis" sign --no-progress \
    --signature "$work/none.sig" --key "$tok;object=p256?$mod" "$m"
grep_out "PIN asked for" "needs its PIN"
expect 2 "no module" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=p256?pin-value=1234" "$m"
grep_out "module asked for" "no PKCS#11 module"
expect 2 "not a module" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=p256?pin-value=1234" --pkcs11-module "$work/pin" "$m"
expect 2 "bad percent-encoding" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=p%2?pin-value=1234&$mod" "$m"
grep_out "percent named" "two hex digits"
expect 2 "unknown attribute" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;objekt=p256?pin-value=1234&$mod" "$m"
grep_out "attribute named" "unknown attribute 'objekt'"
expect 2 "attribute twice" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=a;object=b?pin-value=1234&$mod" "$m"
expect 2 "module options disagree" "$mavis" sign --no-progress --signature "$work/none.sig" \
    --key "$tok;object=p256?pin-value=1234&module-path=/nonexistent.so" \
    --pkcs11-module "$module" "$m"
absent "no error wrote a signature" "$work/none.sig"
expect 2 "--pkcs11-module needs a pkcs11: key" "$mavis" sign --no-progress \
    --pkcs11-module "$module" --key "$work/p256.pub" "$m"

echo "pkcs11.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
