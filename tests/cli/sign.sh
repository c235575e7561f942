#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sign.sh: mavis sign, verify and keygen end to end: the exit statuses (0 valid, 1 every
# difference named, 2 errors), the reference tool's vectors, key files, and the manual pages
# (lint-clean, every option documented).
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
vectors=${MAVIS_VECTORS:-$top_srcdir/../shared/vectors}
MANDOC=${MANDOC:-mandoc}
[ -n "$MANDOC" ] || MANDOC=mandoc
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-sign-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
# expect STATUS NAME CMD...: the command exits with STATUS.
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
# grep_out NAME PATTERN: the last command's output matched.
grep_out() {
	if grep -q -- "$2" "$work/out" "$work/err"; then ok "$1"; else
		ko "$1 (no '$2')"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}

m=$work/model
mkdir -p "$m/sub"
printf 'weights' >"$m/w.bin"
printf 'config' >"$m/sub/c.json"
expect 0 "keygen" "$mavis" keygen --out "$work/k"
perm=$(stat -c %a "$work/k.key")
[ "$perm" = 600 ] && ok "private key is 0600" || ko "private key is $perm"
expect 2 "keygen never overwrites" "$mavis" keygen --out "$work/k"
expect 0 "keygen --show" "$mavis" keygen --show "$work/k.pub"
grep_out "--show prints the hint" "ECDSA P-256, hint [0-9a-f]\{64\}"
expect 0 "keygen ed25519" "$mavis" keygen --type ed25519 --out "$work/ed"
expect 2 "keygen bad type" "$mavis" keygen --type rsa --out "$work/r"

expect 0 "sign" "$mavis" sign --no-progress --key "$work/k.key" "$m"
[ -f "$m/model.sig" ] && ok "model.sig in the folder" || ko "no model.sig"
ls "$m" | grep -q tmp && ko "temporary file left behind" || ok "no temporary file left"
expect 0 "verify" "$mavis" verify --no-progress --key "$work/k.pub" "$m"
grep_out "signer reported" "signer: *key ECDSA P-256"
expect 2 "verify needs trust material" "$mavis" verify --no-progress "$m"
expect 2 "verify takes one method" "$mavis" verify --no-progress --key "$work/k.pub" \
	--cert-chain "$work/k.pub" "$m"
expect 2 "verify: no signature" "$mavis" verify --no-progress --key "$work/k.pub" \
	--signature "$work/none.sig" "$m"
expect 2 "verify: missing model" "$mavis" verify --no-progress --key "$work/k.pub" "$work/none"
expect 2 "sign: missing key" "$mavis" sign --no-progress --key "$work/none.key" "$m"
expect 2 "sign: no key" "$mavis" sign --no-progress "$m"

printf 'weightz' >"$m/w.bin"
printf 'new' >"$m/new.txt"
rm "$m/sub/c.json"
expect 1 "verify: differences" "$mavis" verify --no-progress --key "$work/k.pub" "$m"
grep_out "changed file named" "^w.bin: changed"
grep_out "extra file named" "^new.txt: extra"
grep_out "missing file named" "^sub/c.json: missing"
expect 1 "verify: wrong key" "$mavis" verify --no-progress --key "$work/ed.pub" "$m"
grep_out "wrong key named" "wrong key"

# Never valid over a file that could not be read: exit 2 and the file named. root reads
# anything, so drop to nobody for this one check when possible.
u=$work/unread
mkdir -p "$u"
printf 'secret weights' >"$u/w.bin"
"$mavis" sign --no-progress --key "$work/k.key" "$u" >/dev/null 2>&1
runas=
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$work" "$u"
	chmod 644 "$work/k.pub" "$u/model.sig"
	runas="setpriv --reuid=65534 --regid=65534 --clear-groups"
	$runas "$mavis" --version >/dev/null 2>&1 || runas=
fi
if [ "$(id -u)" != 0 ] || [ -n "$runas" ]; then
	chmod 000 "$u/w.bin"
	expect 2 "verify: an unreadable file is never valid" $runas "$mavis" verify --no-progress \
		--key "$work/k.pub" "$u"
	grep_out "the unreadable file is named" "^w.bin: unreadable"
	chmod 644 "$u/w.bin"
else
	skip "unreadable file: running as root, and nobody cannot run $mavis"
fi

# An encrypted key: the passphrase from a descriptor or the environment, never argv.
echo "pass phrase" >"$work/pass"
expect 0 "keygen encrypted" "$mavis" keygen --out "$work/e" --passphrase-fd 3 3<"$work/pass"
# Without a terminal (setsid: a new session has none), so that no prompt waits.
nosess=
command -v setsid >/dev/null 2>&1 && nosess="setsid -w"
expect 2 "sign: encrypted key without passphrase" $nosess "$mavis" sign --no-progress \
	--key "$work/e.key" "$m"
grep_out "says the key is encrypted" "encrypted"
expect 0 "sign: passphrase from fd" "$mavis" sign --no-progress --key "$work/e.key" \
	--passphrase-fd 3 "$m" 3<"$work/pass"
PASS_ENV="wrong" expect 2 "sign: wrong passphrase" "$mavis" sign --no-progress \
	--key "$work/e.key" --passphrase-env PASS_ENV "$m"

# The reference tool's vectors, as their README says to verify them.
if [ -f "$vectors/oms/README.md" ]; then
	keys=$vectors/oms/keys/certificate
	for d in v0.2.0-certificate v0.3.1-certificate v1.0.0-certificate; do
		expect 0 "vector $d" "$mavis" verify --no-progress --cert-chain "$keys/ca-cert.pem" \
			"$vectors/oms/$d"
	done
	for d in v1.0.1-certificate v1.1.0-certificate; do
		expect 0 "vector $d" "$mavis" verify --no-progress --cert-chain "$keys/ca-cert.pem" \
			--ignore-paths ignore-me "$vectors/oms/$d"
	done
	for d in v0.3.1-elliptic-key v1.0.0-elliptic-key; do
		expect 0 "vector $d" "$mavis" verify --no-progress --key "$keys/signing-key-pub.pem" \
			--signature "$vectors/oms/$d/model.sig" "$vectors/oms/$d/signme-1"
	done
	for d in v1.0.1-elliptic-key v1.1.0-elliptic-key; do
		expect 0 "vector $d" "$mavis" verify --no-progress --key "$keys/signing-key-pub.pem" \
			--ignore-paths ignore-me "$vectors/oms/$d"
	done
	expect 1 "v1.0.1 without its ignore path" "$mavis" verify --no-progress \
		--key "$keys/signing-key-pub.pem" "$vectors/oms/v1.0.1-elliptic-key"
	grep_out "the unsigned file is named" "^ignore-me: extra"
	expect 1 "keyless vector checked with a key: not valid" "$mavis" verify --no-progress \
		--key "$keys/signing-key-pub.pem" --ignore-paths ignore-me "$vectors/oms/v1.1.0-sigstore"
	grep_out "keyless named" "wrong method"
	# Keyless, offline, with the public-good trusted root from @sigstore/tuf's seeds.
	seeds=$top_srcdir/tests/interop/node_modules/@sigstore/tuf/seeds.json
	if [ -f "$seeds" ] && command -v "${PYTHON3:-python3}" >/dev/null 2>&1; then
		"${PYTHON3:-python3}" -c 'import base64, json, sys
s = json.load(open(sys.argv[1]))["https://tuf-repo-cdn.sigstore.dev"]["targets"]
open(sys.argv[2], "wb").write(base64.b64decode(s["trusted_root.json"]))' "$seeds" "$work/root.json"
		for d in v0.3.1-sigstore v1.0.0-sigstore v1.0.1-sigstore v1.1.0-sigstore; do
			expect 0 "keyless vector $d" "$mavis" verify --no-progress \
				--trusted-root "$work/root.json" --identity stefanb@us.ibm.com \
				--identity-provider https://sigstore.verify.ibm.com/oauth2 \
				--ignore-paths ignore-me "$vectors/oms/$d"
		done
		grep_out "keyless signer named" "Sigstore identity stefanb@us.ibm.com"
		expect 1 "keyless: another identity" "$mavis" verify --no-progress \
			--trusted-root "$work/root.json" --identity eve@example.com \
			--identity-provider https://sigstore.verify.ibm.com/oauth2 \
			--ignore-paths ignore-me "$vectors/oms/v1.1.0-sigstore"
		expect 2 "keyless: identity required" "$mavis" verify --no-progress \
			--trusted-root "$work/root.json" "$vectors/oms/v1.1.0-sigstore"
		# mavis scan verifies keyless signatures the same way.
		expect 0 "scan: keyless vector" "$mavis" scan --no-progress --exclude ignore-me \
			--trusted-root "$work/root.json" --identity stefanb@us.ibm.com \
			--identity-provider https://sigstore.verify.ibm.com/oauth2 \
			"$vectors/oms/v1.1.0-sigstore"
		grep_out "scan: keyless signer named" "verified .*Sigstore identity stefanb@us.ibm.com"
		expect 1 "scan: keyless, another identity" "$mavis" scan --no-progress \
			--exclude ignore-me --trusted-root "$work/root.json" --identity eve@example.com \
			--identity-provider https://sigstore.verify.ibm.com/oauth2 \
			"$vectors/oms/v1.1.0-sigstore"
		expect 2 "scan: keyless, identity required" "$mavis" scan --no-progress \
			--trusted-root "$work/root.json" "$vectors/oms/v1.1.0-sigstore"
		expect 2 "scan: one trust method" "$mavis" scan --no-progress \
			--key "$keys/signing-key-pub.pem" --trusted-root "$work/root.json" \
			--identity eve@example.com --identity-provider https://example.com \
			"$vectors/oms/v1.1.0-sigstore"
		printf 'require signature\ntrust sigstore %s stefanb@us.ibm.com %s\n' \
			"$work/root.json" https://sigstore.verify.ibm.com/oauth2 > "$work/keyless.policy"
		expect 0 "scan: keyless trust in the policy" "$mavis" scan --no-progress \
			--exclude ignore-me --policy "$work/keyless.policy" "$vectors/oms/v1.1.0-sigstore"
	else
		skip "keyless: @sigstore/tuf is not installed (npm ci --prefix tests/interop)"
	fi
else
	skip "the OMS vectors are not at $vectors"
fi

# Manual pages: lint-clean, and every long option of each command documented.
if command -v "$MANDOC" >/dev/null 2>&1; then
	for cmd in sign verify keygen digest; do
		page=$top_srcdir/man/mavis-$cmd.1
		out=$("$MANDOC" -Tlint -Wwarning "$page" 2>&1)
		[ -z "$out" ] && ok "mavis-$cmd.1 lint-clean" || { ko "mavis-$cmd.1 lint"; echo "$out"; }
		for opt in $("$mavis" "$cmd" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
			name=${opt#--}
			grep -q "^\.It Fl Fl $name\|Fl Fl $name" "$page" ||
				ko "mavis-$cmd.1 does not document $opt"
		done
	done
	ok "manual pages checked"
else
	skip "manual pages: mandoc is not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
