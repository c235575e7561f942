#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh: mavis sign sigstore end to end against local Fulcio and Rekor stand-ins
# (server.js, on @sigstore/mock) with a throwaway trust root: the bundle verifies with mavis
# verify --trusted-root and with @sigstore/verify; tampering with the certificate, the log
# entry, its proof, its checkpoint, the payload or the signature fails both; each failure of
# signing (expired token, Fulcio refusing, Rekor unreachable, ...) is one line and writes
# nothing. Skipped (77) without node or the packages (npm ci --prefix tests/keyless).
here=${top_srcdir:-$(dirname "$0")/../..}/tests/keyless
mavis=${MAVIS:-./mavis}
node=${NODE:-node}
if ! command -v "$node" >/dev/null 2>&1; then
	echo "SKIP: keyless: node not found"
	exit 77
fi
for p in mock verify bundle; do
	if [ ! -d "$here/node_modules/@sigstore/$p" ]; then
		echo "SKIP: keyless: @sigstore/$p not installed (run: npm ci --prefix tests/keyless)"
		exit 77
	fi
done
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mvkeyless.XXXXXX") || exit 2
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$tmp"' EXIT
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS: $1"; }
ko() { fail=$((fail + 1)); echo "FAIL: $1"; }
expect() { # expect STATUS NAME COMMAND...: the command exits with STATUS ("!0": not 0)
	want=$1 name=$2
	shift 2
	"$@" >"$tmp/out" 2>&1
	got=$?
	if [ "$want" = '!0' ] && [ "$got" -ne 0 ]; then ok "$name"
	elif [ "$got" = "$want" ]; then ok "$name"
	else ko "$name (exit $got, wanted $want)"; cat "$tmp/out"; fi
}
said() { # said NAME PATTERN: the last command said PATTERN, on one line
	if grep -q -- "$2" "$tmp/out" && [ "$(wc -l <"$tmp/out")" -eq 1 ]; then ok "$1"
	else ko "$1 (wanted one line with '$2')"; cat "$tmp/out"; fi
}

mkdir "$tmp/srv"
(cd "$here" && exec "$node" server.js "$tmp/srv") 2>"$tmp/srv.log" &
srv=$!
i=0
while [ ! -f "$tmp/srv/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ ! -f "$tmp/srv/port" ]; then
	echo "FAIL: the stand-ins did not start"; cat "$tmp/srv.log"
	exit 1
fi
port=$(cat "$tmp/srv/port")
base="http://127.0.0.1:$port"
root="$tmp/srv/trusted_root.json"
config="$tmp/srv/signing_config.json"

# An OIDC token as an issuer would sign it (the stand-in Fulcio reads the claims and does
# not check the signature). jwt ISS SUB EXP-OFFSET-SECONDS
jwt() {
	"$node" -e '
const e = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const [iss, sub, off] = process.argv.slice(1);
const now = Math.floor(Date.now() / 1000);
process.stdout.write(`${e({ alg: "RS256", kid: "k" })}.${e({ iss, sub, aud: "sigstore",
  iat: now, exp: now + Number(off) })}.${Buffer.from("sig").toString("base64url")}`);
' "$@"
}
iss=https://issuer.example.org
who=release@example.org
jwt "$iss" "$who" 600 >"$tmp/token"

mkdir -p "$tmp/model/weights"
printf '{"architectures": ["X"]}' >"$tmp/model/config.json"
printf 'weights-0' >"$tmp/model/weights/part-0.bin"
printf 'weights-1' >"$tmp/model/weights/part-1.bin"

sig="$tmp/model.sig"
expect 0 "sign sigstore against the stand-ins" "$mavis" sign sigstore \
    --identity-token "@$tmp/token" --signing-config "$config" --signature "$sig" "$tmp/model"
said "sign says the method" "(sigstore method)"
verify() { # verify BUNDLE: mavis verify, then @sigstore/verify
	"$mavis" verify --trusted-root "$root" --identity "$2" --identity-provider "$3" \
	    --signature "$1" "$tmp/model" >"$tmp/mv.out" 2>&1 || return 1
	"$node" "$here/verify.js" "$1" "$root" "$2" "$3" >"$tmp/js.out" 2>&1 || return 2
}
expect 0 "the bundle verifies with mavis and @sigstore/verify" verify "$sig" "$who" "$iss"
expect 1 "another identity is refused" "$mavis" verify --trusted-root "$root" \
    --identity other@example.org --identity-provider "$iss" --signature "$sig" "$tmp/model"
expect 1 "@sigstore/verify refuses another identity too" "$node" "$here/verify.js" "$sig" \
    "$root" other@example.org "$iss"
# The layout model_signing writes for a keyless bundle.
expect 0 "the bundle has model_signing's keyless layout" "$node" -e '
const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const vm = b.verificationMaterial, t = vm.tlogEntries[0];
const same = (a, w) => JSON.stringify(a) === JSON.stringify(w);
if (!same(Object.keys(b), ["mediaType", "verificationMaterial", "dsseEnvelope"]) ||
    !same(Object.keys(vm), ["certificate", "tlogEntries", "timestampVerificationData"]) ||
    !same(Object.keys(t), ["logIndex", "logId", "kindVersion", "integratedTime",
      "inclusionPromise", "inclusionProof", "canonicalizedBody"]) ||
    !same(Object.keys(t.inclusionProof), ["logIndex", "rootHash", "treeSize", "hashes",
      "checkpoint"]) ||
    !same(t.kindVersion, { kind: "dsse", version: "0.0.1" }) ||
    !same(Object.keys(b.dsseEnvelope.signatures[0]), ["sig"]) ||
    b.mediaType !== "application/vnd.dev.sigstore.bundle.v0.3+json")
  process.exit(1);
' "$sig"

# Tampering: each part changed in a copy must fail both verifiers.
tamper() { # tamper NAME JS [mavis]: JS edits the bundle b (t: its log entry, flip(b64, at)
	# flips a bit); "mavis": only mavis is expected to notice
	"$node" -e '
const fs = require("fs");
const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const flip = (s, at) => { const x = Buffer.from(s, "base64"); const i = at < 0 ? x.length + at : at;
  x[i] ^= 1; return x.toString("base64"); };
const t = b.verificationMaterial.tlogEntries[0];
'"$2"'
fs.writeFileSync(process.argv[2], JSON.stringify(b));' "$sig" "$tmp/bad.sig" ||
	    { ko "$1 (cannot make the copy)"; return; }
	verify "$tmp/bad.sig" "$who" "$iss"
	case $? in
	0) ko "$1: mavis verify accepted it" ;;
	2) ko "$1: @sigstore/verify accepted it"; cat "$tmp/mv.out" "$tmp/js.out" ;;
	*) if [ "$3" = mavis ]; then ok "$1: mavis refuses"
	   elif "$node" "$here/verify.js" "$tmp/bad.sig" "$root" "$who" "$iss" >/dev/null 2>&1
	   then ko "$1: @sigstore/verify accepted it"
	   else ok "$1: both refuse"; fi ;;
	esac
}
tamper "certificate" 'b.verificationMaterial.certificate.rawBytes = flip(b.verificationMaterial.certificate.rawBytes, -8);'
tamper "log entry index" 't.logIndex = String(Number(t.logIndex) + 1);'
tamper "log entry time" 't.integratedTime = String(Number(t.integratedTime) + 1);'
tamper "log entry body" 't.canonicalizedBody = Buffer.from(Buffer.from(t.canonicalizedBody, "base64").toString().replace("\"kind\":\"dsse\"", "\"kind\":\"dsse\" ")).toString("base64");'
tamper "signed entry timestamp" 't.inclusionPromise.signedEntryTimestamp = flip(t.inclusionPromise.signedEntryTimestamp, -4);'
tamper "inclusion proof index" 't.inclusionProof.logIndex = "1";'
tamper "inclusion proof path" 't.inclusionProof.hashes.push(t.inclusionProof.rootHash);'
# @sigstore/verify takes the root and size from the signed checkpoint and does not compare
# the proof's own fields with it; mavis does.
tamper "inclusion proof root" 't.inclusionProof.rootHash = flip(t.inclusionProof.rootHash, 3);' mavis
tamper "inclusion proof size" 't.inclusionProof.treeSize = "2";' mavis
tamper "checkpoint" 't.inclusionProof.checkpoint.envelope = t.inclusionProof.checkpoint.envelope.replace(/Timestamp: (\d)/, (m, d) => `Timestamp: ${(Number(d) + 1) % 10}`);'
tamper "payload" 'b.dsseEnvelope.payload = Buffer.from(Buffer.from(b.dsseEnvelope.payload, "base64").toString().replace("part-0.bin", "part-9.bin")).toString("base64");'
tamper "signature" 'b.dsseEnvelope.signatures[0].sig = flip(b.dsseEnvelope.signatures[0].sig, -3);'
printf 'weights-X' >"$tmp/model/weights/part-1.bin"
expect 1 "a changed model file is found" "$mavis" verify --trusted-root "$root" \
    --identity "$who" --identity-provider "$iss" --signature "$sig" "$tmp/model"
printf 'weights-1' >"$tmp/model/weights/part-1.bin"

# GitHub Actions: the token comes from the job's token service, audience sigstore.
gh_iss=https://token.actions.githubusercontent.com
gh_who=https://github.com/example/model/.github/workflows/release.yml@refs/heads/main
jwt "$gh_iss" "$gh_who" 600 >"$tmp/srv/gha-token"
echo "job-bearer" >"$tmp/srv/gha-bearer"
expect 0 "sign sigstore with the GitHub Actions token" env \
    ACTIONS_ID_TOKEN_REQUEST_URL="$base/gha-token?api-version=2.0" \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=job-bearer "$mavis" sign sigstore \
    --signing-config "$config" --signature "$tmp/gha.sig" "$tmp/model"
expect 0 "the GitHub Actions bundle verifies for the workflow" verify "$tmp/gha.sig" \
    "$gh_who" "$gh_iss"
expect 2 "a wrong Actions bearer token" env ACTIONS_ID_TOKEN_REQUEST_URL="$base/gha-token" \
    ACTIONS_ID_TOKEN_REQUEST_TOKEN=wrong "$mavis" sign sigstore \
    --signing-config "$config" --signature "$tmp/none.sig" "$tmp/model"
said "... is refused in one line" "GitHub Actions token service refused"

# Failures: one line each, and the signature file left as it was.
echo previous >"$tmp/keep.sig"
fails() { # fails NAME PATTERN ARGS...: sign sigstore fails saying PATTERN, writing nothing
	name=$1 pat=$2
	shift 2
	expect 2 "$name" env -u ACTIONS_ID_TOKEN_REQUEST_URL "$mavis" sign sigstore \
	    --signature "$tmp/keep.sig" "$@" "$tmp/model"
	said "$name: one line" "$pat"
	[ "$(cat "$tmp/keep.sig")" = previous ] && ok "$name: nothing written" ||
	    ko "$name: the signature file changed"
}
jwt "$iss" "$who" -60 >"$tmp/expired"
fails "an expired token" "identity token expired at" --identity-token "@$tmp/expired" \
    --signing-config "$config"
fails "not a JWT" "not a JWT" --identity-token "not-a-token" --signing-config "$config"
fails "no token and no GitHub Actions" "no identity token" --signing-config "$config"
sed "s#\"url\": \"$base\"#\"url\": \"$base/refuse\"#" "$config" >"$tmp/refuse.json"
fails "Fulcio refuses" "Fulcio refused the request (HTTP 403)" \
    --identity-token "@$tmp/token" --signing-config "$tmp/refuse.json"
"$node" -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
c.rekorTlogUrls[0].url = "http://127.0.0.1:1";
fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$config" "$tmp/norekor.json"
fails "Rekor unreachable" "Rekor unreachable at http://127.0.0.1:1" \
    --identity-token "@$tmp/token" --signing-config "$tmp/norekor.json"
"$node" -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
c.rekorTlogUrls[0].majorApiVersion = 2;
fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$config" "$tmp/v2.json"
fails "only a Rekor v2 log" "Rekor v2" --identity-token "@$tmp/token" \
    --signing-config "$tmp/v2.json"
printf '{"mediaType": "something else"}' >"$tmp/other.json"
fails "not a signing config" "not a Sigstore signing config" --identity-token "@$tmp/token" \
    --signing-config "$tmp/other.json"
expect 2 "sign sigstore takes no key" "$mavis" sign sigstore --key "$tmp/token" "$tmp/model"
expect 2 "--staging and --signing-config" "$mavis" sign sigstore --staging \
    --signing-config "$config" "$tmp/model"

echo "keyless: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
