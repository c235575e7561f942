#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# cli.sh: the mavis command itself: one prefix on every message ("mavis: CMD: ..."), help
# and version, the model_signing command forms and option spellings, mavis digest.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
if ! command -v "${PYTHON3:-python3}" >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to check digests and signatures"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-cli-test.XXXXXX") || exit 99
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
# grep_err NAME PATTERN / grep_out NAME PATTERN: the last command's stderr / stdout matched.
grep_in() {
	if grep -q -- "$3" "$work/$1"; then ok "$2"; else
		ko "$2 (no '$3' in std$1)"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}
grep_err() { grep_in err "$@"; }
grep_out() { grep_in out "$@"; }
# no_other_err NAME PREFIX: every line of stderr starts with PREFIX, or is the help hint.
only_prefix() {
	if grep -v -e "^$2" -e "^Try 'mavis [a-z]* --help'\.\$" "$work/err" | grep -q .; then
		ko "$1"
		sed 's/^/    /' "$work/err"
	else
		ok "$1"
	fi
}

m=$work/model
mkdir -p "$m/sub"
printf 'weights' >"$m/w.bin"
printf 'config' >"$m/sub/c.json"

# One prefix: the program, then the command, on every message (getopt's too).
for cmd in scan hash sign verify keygen rules principles; do
	expect 2 "$cmd: unknown option" "$mavis" "$cmd" --no-such-option
	only_prefix "$cmd: unknown option message prefixed" "mavis: $cmd: "
	grep_err "$cmd: help hint" "^Try 'mavis $cmd --help'\.\$"
done
expect 2 "scan: missing path" "$mavis" scan --no-progress "$work/none"
grep_err "scan: error prefixed" "^mavis: scan: .*none"
expect 2 "hash: option without its argument" "$mavis" hash --jobs
grep_err "hash: getopt message prefixed" "^mavis: hash: option '--jobs' requires an argument"
expect 2 "rules: no path" "$mavis" rules x
grep_err "rules: error prefixed" "^mavis: rules: takes no PATH"
expect 2 "unknown command" "$mavis" frobnicate
grep_err "unknown command: program prefix" "^mavis: unknown command 'frobnicate'"

# help COMMAND is COMMAND --help; -V is --version, which names what mavis runs on.
for cmd in scan hash sign verify digest keygen rules principles; do
	"$mavis" "$cmd" --help >"$work/want" 2>&1
	expect 0 "help $cmd" "$mavis" help "$cmd"
	cmp -s "$work/out" "$work/want" && ok "help $cmd is $cmd --help" || ko "help $cmd differs"
done
expect 2 "help: unknown command" "$mavis" help frobnicate
grep_err "help: unknown command named" "^mavis: unknown command 'frobnicate'"
expect 0 "-V" "$mavis" -V
"$mavis" --version >"$work/want" 2>&1
cmp -s "$work/out" "$work/want" && ok "-V is --version" || ko "-V differs from --version"
grep_out "--version: mavis's version first" "^mavis [0-9][0-9.]*\$"
grep_out "--version: OpenSSL" "^  OpenSSL [0-9]"
grep_out "--version: libarchive" "^  libarchive [0-9]"
grep_out "--version: signatures folder and digest" "^  signatures /.* sha256:[0-9a-f]\{64\}\$"
sigdig=$("$mavis" rules -f json | sed -n 's/.*"sha256": "\([0-9a-f]*\)".*/\1/p' | head -n 1)
grep_out "--version: the digest reports record" "sha256:$sigdig\$"

# model_signing's forms: "sign key --private_key", "verify key --public_key --signature",
# options with '_' or '-', model.sig written in the current folder.
"$mavis" keygen --out "$work/k" >/dev/null || exit 99
mkdir "$work/run"
printf 'notes' >"$m/README.md"
(cd "$work/run" && "$mavis" sign key --private_key "$work/k.key" --ignore_paths "$m/README.md" \
	--no-progress "$m") >"$work/out" 2>"$work/err"
[ $? -eq 0 ] && ok "sign key --private_key" || { ko "sign key --private_key"; cat "$work/err"; }
[ -f "$work/run/model.sig" ] && ok "model_signing form writes ./model.sig" ||
	ko "no model.sig in the current folder"
[ ! -e "$m/model.sig" ] && ok "nothing written in the model" || ko "model.sig in the model"
expect 0 "verify key --public_key --signature" "$mavis" verify key --public_key "$work/k.pub" \
	--signature "$work/run/model.sig" --ignore-paths README.md --no-progress "$m"
grep_out "model_signing's success line" "^Verification succeeded"
expect 0 "underscore and dash spellings mixed" "$mavis" verify key --public-key "$work/k.pub" \
	--signature "$work/run/model.sig" --ignore_paths README.md --ignore_git_paths \
	--allow_symlinks --no_progress "$m"
expect 0 "the ignore path is recorded in the signature" "$mavis" verify key \
	--public_key "$work/k.pub" --signature "$work/run/model.sig" --no-progress "$m"
expect 2 "verify key without --public-key" "$mavis" verify key --cert-chain "$work/k.pub" "$m"
grep_err "verify key names what it needs" "'verify key' needs --public-key"
expect 2 "verify certificate without roots" "$mavis" verify certificate --no-progress "$m"
grep_err "verify certificate: no web CAs" "needs --certificate-chain"
expect 2 "verify sigstore without a trusted root" "$mavis" verify sigstore --identity a@b \
	--identity-provider https://x "$m"
grep_err "verify sigstore: offline" "needs --trusted-root"
expect 2 "sign sigstore without a token" env -u ACTIONS_ID_TOKEN_REQUEST_URL \
	-u ACTIONS_ID_TOKEN_REQUEST_TOKEN "$mavis" sign sigstore "$m"
grep_err "sign sigstore says what it needs" "no identity token: give --identity-token"
expect 2 "sign pkcs11-key: not here" "$mavis" sign pkcs11-key --pkcs11_uri x "$m"
grep_err "pkcs11 says so" "no PKCS #11"
expect 2 "--password refused" "$mavis" sign key --private_key "$work/k.key" --password x "$m"
grep_err "--password says why" "visible to every user"
expect 2 "sign key with a certificate" "$mavis" sign key --private_key "$work/k.key" \
	--signing_certificate "$work/k.pub" "$m"
expect 2 "sign certificate without one" "$mavis" sign certificate --private_key "$work/k.key" "$m"
grep_err "sign certificate names what it needs" "needs --signing-certificate"

# mavis digest: model_signing's "sha256:HEX", the SHA-256 of the files' SHA-256 digests in
# name order, which is the subject mavis sign signs; the signature itself is left out.
# root FILE...: that digest computed here.
root() {
	"${PYTHON3:-python3}" -c 'import hashlib, sys
h = hashlib.sha256()
for f in sys.argv[1:]:
    h.update(hashlib.sha256(open(f, "rb").read()).digest())
print(h.hexdigest())' "$@"
}
expect 0 "sign (mavis's form)" "$mavis" sign --no-progress --key "$work/k.key" "$m"
expect 0 "digest" "$mavis" digest --no-progress "$m"
want=$(root "$m/README.md" "$m/sub/c.json" "$m/w.bin")
grep_out "digest: model_signing's form and value" "^sha256:$want\$"
subject=$("${PYTHON3:-python3}" -c 'import base64, json, sys
b = json.load(open(sys.argv[1]))
print(json.loads(base64.b64decode(b["dsseEnvelope"]["payload"]))["subject"][0]["digest"]["sha256"])' \
	"$m/model.sig")
grep_out "digest: the subject mavis sign signed" "^sha256:$subject\$"
expect 0 "digest --ignore_paths" "$mavis" digest --ignore_paths README.md --no-progress "$m"
want=$(root "$m/sub/c.json" "$m/w.bin")
grep_out "digest: ignore paths left out" "^sha256:$want\$"
expect 0 "digest of one file" "$mavis" digest --no-progress "$m/w.bin"
want=$(root "$m/w.bin")
grep_out "digest: one file" "^sha256:$want\$"
expect 2 "digest: no model" "$mavis" digest "$work/none"
grep_err "digest: error prefixed" "^mavis: digest: "

# verify -q: nothing on success, the differences alone on failure.
expect 0 "verify -q" "$mavis" verify -q --key "$work/k.pub" "$m"
[ -s "$work/out" ] && ko "verify -q printed on success" || ok "verify -q silent on success"
printf 'changed' >"$m/w.bin"
expect 1 "verify -q: a difference" "$mavis" verify -q --key "$work/k.pub" "$m"
[ "$(cat "$work/out")" = "w.bin: changed: $(sed -n 1p "$work/out" | sed 's/^w.bin: changed: //')" ] &&
	[ "$(wc -l <"$work/out")" -eq 1 ] && ok "verify -q: one line, the difference" ||
	{ ko "verify -q printed more than the difference"; cat "$work/out"; }

# A folder checked against the signature of one file: say so, and name the file.
printf 'weights' >"$m/w.bin"
rm -f "$m/model.sig"
"$mavis" sign --no-progress --key "$work/k.key" --signature "$m/model.sig" "$m/w.bin" \
	>/dev/null || exit 99
expect 1 "folder against a one-file signature" "$mavis" verify --no-progress --key "$work/k.pub" "$m"
grep_out "says the signature covers one file" "^(signature): wrong model: the signature covers one file"
grep_out "names the file and how to verify it" "mavis verify --signature $m/model.sig $m/w.bin"
if grep -q "missing: \.\|^\.:" "$work/out"; then ko "still says missing: ."; else ok "no 'missing: .'"; fi
expect 0 "the file it names verifies" "$mavis" verify --no-progress --key "$work/k.pub" \
	--signature "$m/model.sig" "$m/w.bin"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
