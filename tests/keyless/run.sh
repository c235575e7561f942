#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# run.sh: mavis sign sigstore end to end against local Fulcio, Rekor and timestamp authority
# stand-ins (server.js, on @sigstore/mock, and OpenSSL's TSA) with a throwaway trust root: the
# bundle verifies with mavis verify --trusted-root and with @sigstore/verify; tampering with
# the certificate, the log entry, its proof, its checkpoint, the timestamp, the payload or the
# signature, or a trusted root without the CT log of the certificate's SCT, fails both; the
# same for Rekor v2 entries (the mock's v2 log and an Ed25519 one); each failure of signing (expired token, Fulcio refusing, Rekor or a
# timestamp authority unreachable, ...) is one line and writes nothing. Skipped (77) without node or the packages (npm ci --prefix tests/keyless).
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
verify() { # verify BUNDLE IDENTITY ISSUER: mavis verify, then @sigstore/verify (trusted root
	# $vroot, else the stand-ins')
	"$mavis" verify --trusted-root "${vroot:-$root}" --identity "$2" --identity-provider "$3" \
	    --signature "$1" "$tmp/model" >"$tmp/mv.out" 2>&1 || return 1
	"$node" "$here/verify.js" "$1" "${vroot:-$root}" "$2" "$3" >"$tmp/js.out" 2>&1 ||
	    { cat "$tmp/js.out"; return 2; }
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
tamper() { # tamper NAME JS [mavis]: JS edits the bundle b ($tsig, else $sig; t: its log
	# entry, flip(b64, at) flips a bit); "mavis": only mavis is expected to notice
	"$node" -e '
const fs = require("fs");
const b = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const flip = (s, at) => { const x = Buffer.from(s, "base64"); const i = at < 0 ? x.length + at : at;
  x[i] ^= 1; return x.toString("base64"); };
const t = b.verificationMaterial.tlogEntries[0];
'"$2"'
fs.writeFileSync(process.argv[2], JSON.stringify(b));' "${tsig:-$sig}" "$tmp/bad.sig" ||
	    { ko "$1 (cannot make the copy)"; return; }
	verify "$tmp/bad.sig" "$who" "$iss"
	case $? in
	0) ko "$1: mavis verify accepted it" ;;
	2) ko "$1: @sigstore/verify accepted it"; cat "$tmp/mv.out" "$tmp/js.out" ;;
	*) if [ "$3" = mavis ]; then ok "$1: mavis refuses"
	   elif "$node" "$here/verify.js" "$tmp/bad.sig" "${vroot:-$root}" "$who" "$iss" \
	       >/dev/null 2>&1
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

# RFC 3161 timestamps. The stand-ins' signing config names the mock TSA, which reads only the
# JSON request form of Sigstore's timestamp-authority: mavis asks in DER (the RFC 3161 form,
# which the real service and every RFC 3161 authority read), is told 400, and asks in JSON.
config_with() { # config_with FILE JS: the signing config with JS applied to it (c)
	"$node" -e '
const fs = require("fs");
const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const svc = (url) => ({ url, majorApiVersion: 1, validFor: c.tsaUrls[0].validFor, operator: "t" });
'"$2"'
fs.writeFileSync(process.argv[2], JSON.stringify(c));' "$config" "$1" "$base"
}
stamps() { # stamps BUNDLE N: the bundle holds N RFC 3161 timestamps, each a TimeStampResp
	"$node" -e '
const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const ts = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps || [];
if (ts.length !== Number(process.argv[2]) ||
    ts.some((t) => Object.keys(t).join() !== "signedTimestamp" ||
      Buffer.from(t.signedTimestamp, "base64")[0] !== 0x30))
  process.exit(1);' "$1" "$2"
}
expect 0 "the bundle carries one RFC 3161 timestamp" stamps "$sig" 1
# A third judge: OpenSSL's own RFC 3161 verifier, given the mock TSA's chain from the root.
"$node" -e '
const fs = require("fs");
const [sigf, rootf, out] = process.argv.slice(1);
const b = JSON.parse(fs.readFileSync(sigf, "utf8"));
const r = JSON.parse(fs.readFileSync(rootf, "utf8"));
const pem = (d) => `-----BEGIN CERTIFICATE-----\n${d.match(/.{1,64}/g).join("\n")}\n-----END CERTIFICATE-----\n`;
const chain = r.timestampAuthorities[0].certChain.certificates;
fs.writeFileSync(`${out}/tsa-leaf.pem`, pem(chain[0].rawBytes));
fs.writeFileSync(`${out}/tsa-root.pem`, pem(chain[1].rawBytes));
fs.writeFileSync(`${out}/tsr.der`, Buffer.from(
  b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp, "base64"));
fs.writeFileSync(`${out}/sig.bin`, Buffer.from(b.dsseEnvelope.signatures[0].sig, "base64"));
' "$sig" "$root" "$tmp"
expect 0 "openssl ts -verify accepts the timestamp over the signature" openssl ts -verify \
    -data "$tmp/sig.bin" -in "$tmp/tsr.der" -CAfile "$tmp/tsa-root.pem" \
    -untrusted "$tmp/tsa-leaf.pem"
# An authority that reads only DER TimeStampReqs (OpenSSL's TSA, 415 to anything else).
config_with "$tmp/der.json" 'c.tsaUrls = [svc(`${process.argv[3]}/openssl-tsa`)];'
expect 0 "sign with an RFC 3161 (DER-only) timestamp authority" "$mavis" sign sigstore \
    --identity-token "@$tmp/token" --signing-config "$tmp/der.json" --signature "$tmp/der.sig" \
    "$tmp/model"
expect 0 "... its timestamp is in the bundle" stamps "$tmp/der.sig" 1
expect 0 "... and verifies with mavis and @sigstore/verify" verify "$tmp/der.sig" "$who" "$iss"
config_with "$tmp/all.json" 'c.tsaUrls.push(svc(`${process.argv[3]}/openssl-tsa`));
c.tsaConfig = { selector: "ALL" };'
expect 0 "tsaConfig ALL: a timestamp from each authority" "$mavis" sign sigstore \
    --identity-token "@$tmp/token" --signing-config "$tmp/all.json" --signature "$tmp/all.sig" \
    "$tmp/model"
expect 0 "... two timestamps" stamps "$tmp/all.sig" 2
expect 0 "... both verify with mavis and @sigstore/verify" verify "$tmp/all.sig" "$who" "$iss"
config_with "$tmp/any.json" 'c.tsaUrls.unshift(svc(`${process.argv[3]}/refuse/api/v1/timestamp`));'
expect 0 "tsaConfig ANY: an authority that refuses is passed over" "$mavis" sign sigstore \
    --identity-token "@$tmp/token" --signing-config "$tmp/any.json" --signature "$tmp/any.sig" \
    "$tmp/model"
expect 0 "... one timestamp" stamps "$tmp/any.sig" 1
expect 0 "a second signature (another timestamp) for the tampering below" "$mavis" sign \
    sigstore --identity-token "@$tmp/token" --signing-config "$config" \
    --signature "$tmp/other.sig" "$tmp/model"
# Tampering with the timestamp fails both verifiers.
tamper "timestamp: a flipped byte" 'const s = b.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0];
s.signedTimestamp = flip(s.signedTimestamp, -5);'
tamper "timestamp: another signature's (wrong imprint)" 'const o = JSON.parse(fs.readFileSync("'"$tmp/other.sig"'", "utf8"));
b.verificationMaterial.timestampVerificationData = o.verificationMaterial.timestampVerificationData;'
tamper "timestamp: one of two dropped for another's" 'const o = JSON.parse(fs.readFileSync("'"$tmp/other.sig"'", "utf8"));
b.verificationMaterial.timestampVerificationData.rfc3161Timestamps.push(
  o.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0]);'
tamper "no timestamp and no log entry" 'b.verificationMaterial.timestampVerificationData = {};
b.verificationMaterial.tlogEntries = [];'
"$node" -e '
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const tsa = r.timestampAuthorities;
r.timestampAuthorities = [tsa[1]];
fs.writeFileSync(process.argv[2], JSON.stringify(r));
r.timestampAuthorities = [tsa[0], tsa[1]];
tsa[0].validFor = { start: "2020-01-01T00:00:00Z", end: "2021-01-01T00:00:00Z" };
fs.writeFileSync(process.argv[3], JSON.stringify(r));
' "$root" "$tmp/root-notsa.json" "$tmp/root-oldtsa.json"
vroot=$tmp/root-notsa.json
tamper "the TSA's certificate is not in the trusted root" ''
# The certificate's SCT (the mock CA logs it with the mock CT log) must verify with a CT log
# of the trusted root: both verifiers ask for one.
"$node" -e '
const crypto = require("crypto");
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const ct = r.ctlogs;
r.ctlogs = [];
fs.writeFileSync(process.argv[2], JSON.stringify(r));
const other = crypto.generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey;
ct[0].publicKey.rawBytes = other.export({ format: "der", type: "spki" }).toString("base64");
r.ctlogs = ct;
fs.writeFileSync(process.argv[3], JSON.stringify(r));
' "$root" "$tmp/root-noct.json" "$tmp/root-otherct.json"
vroot=$tmp/root-noct.json
tamper "the trusted root lists no CT log" ''
vroot=$tmp/root-otherct.json
tamper "the CT log's key is another (the SCT does not verify)" ''
vroot=$tmp/root-oldtsa.json
tamper "the TSA was not valid (per the trusted root) at the stamped time" ''
vroot=
# Signing fails, in one line and writing nothing, when the timestamp cannot be had.
echo previous >"$tmp/keep.sig"
tsa_fails() { # tsa_fails NAME PATTERN CONFIG-JS
	config_with "$tmp/tsa.json" "$3"
	expect 2 "$1" env -u ACTIONS_ID_TOKEN_REQUEST_URL "$mavis" sign sigstore \
	    --identity-token "@$tmp/token" --signing-config "$tmp/tsa.json" \
	    --signature "$tmp/keep.sig" "$tmp/model"
	said "$1: one line" "$2"
	[ "$(cat "$tmp/keep.sig")" = previous ] && ok "$1: nothing written" ||
	    ko "$1: the signature file changed"
}
tsa_fails "the TSA refuses" "timestamp authority refused the request (HTTP 403)" \
    'c.tsaUrls = [svc(`${process.argv[3]}/refuse/api/v1/timestamp`)];'
tsa_fails "the TSA stamps something else" "not over this signature" \
    'c.tsaUrls = [svc(`${process.argv[3]}/wrong-tsa/api/v1/timestamp`)];'
tsa_fails "the TSA is unreachable" "timestamp authority unreachable at http://127.0.0.1:1/" \
    'c.tsaUrls = [svc("http://127.0.0.1:1/api/v1/timestamp")];'
tsa_fails "tsaConfig EXACT 2 of 1" "asks for exactly 2 timestamps" \
    'c.tsaConfig = { selector: "EXACT", count: 2 };'

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
c.tsaUrls = [];
fs.writeFileSync(process.argv[2], JSON.stringify(c));
' "$config" "$tmp/v2-notsa.json"
fails "only a Rekor v2 log and no timestamp authority" \
    "its Rekor v2 log gives no time: a timestamp authority (tsaUrls) valid now is needed" \
    --identity-token "@$tmp/token" --signing-config "$tmp/v2-notsa.json"
printf '{"mediaType": "something else"}' >"$tmp/other.json"
fails "not a signing config" "not a Sigstore signing config" --identity-token "@$tmp/token" \
    --signing-config "$tmp/other.json"
expect 2 "sign sigstore takes no key" "$mavis" sign sigstore --key "$tmp/token" "$tmp/model"
expect 2 "--staging and --signing-config" "$mavis" sign sigstore --staging \
    --signing-config "$config" "$tmp/model"

# Rekor v2: a signing config naming v2 logs beside the v1 one selects them (the highest API
# version, as the Sigstore clients choose); the entry is a dsse 0.0.2 one with an inclusion
# proof and checkpoint but no promise and no time, which the RFC 3161 timestamp gives. The
# stand-ins' v2 logs: the mock's (ECDSA P-256 checkpoints) at /, and an Ed25519 one (the key
# type of the public-good v2 logs, named in the trusted root by its checkpoint key id).
v2svc='const v2 = (u) => ({ url: u, majorApiVersion: 2, validFor: c.tsaUrls[0].validFor, operator: "t" });'
config_with "$tmp/v2.json" "$v2svc"'c.rekorTlogUrls.unshift(v2(process.argv[3]));'
config_with "$tmp/v2ed.json" "$v2svc"'c.rekorTlogUrls = [v2(`${process.argv[3]}/ed25519`)];'
config_with "$tmp/v2all.json" "$v2svc"'c.rekorTlogUrls = [v2(process.argv[3]),
  v2(`${process.argv[3]}/ed25519`), c.rekorTlogUrls[0]]; c.rekorTlogConfig = { selector: "ALL" };'
config_with "$tmp/v2exact.json" "$v2svc"'c.rekorTlogUrls = [v2(process.argv[3]),
  v2(`${process.argv[3]}/ed25519`), c.rekorTlogUrls[0]];
c.rekorTlogConfig = { selector: "EXACT", count: 3 };'
config_with "$tmp/v2any.json" "$v2svc"'c.rekorTlogUrls = [v2(`${process.argv[3]}/refuse`),
  v2(process.argv[3])];'
v2entries() { # v2entries BUNDLE N: N log entries, each a Rekor v2 dsse 0.0.2 one
	"$node" -e '
const b = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const es = b.verificationMaterial.tlogEntries;
if (es.length !== Number(process.argv[2]) || es.some((t) =>
    JSON.stringify(t.kindVersion) !== JSON.stringify({ kind: "dsse", version: "0.0.2" }) ||
    "integratedTime" in t || "inclusionPromise" in t || !t.inclusionProof.checkpoint.envelope ||
    JSON.parse(Buffer.from(t.canonicalizedBody, "base64")).spec.dsseV002 === undefined))
  process.exit(1);' "$1" "$2"
}
for c in v2 v2ed v2all v2any; do
	expect 0 "Rekor v2 ($c): sign" "$mavis" sign sigstore --identity-token "@$tmp/token" \
	    --signing-config "$tmp/$c.json" --signature "$tmp/$c.sig" "$tmp/model"
	n=1; [ $c = v2all ] && n=2
	expect 0 "Rekor v2 ($c): $n dsse 0.0.2 entries, no time or promise" v2entries "$tmp/$c.sig" $n
	expect 0 "Rekor v2 ($c): one timestamp" stamps "$tmp/$c.sig" 1
	expect 0 "Rekor v2 ($c): verifies with mavis and @sigstore/verify" verify "$tmp/$c.sig" \
	    "$who" "$iss"
done
fails "Rekor v2: rekorTlogConfig EXACT 3 of 2" "rekorTlogConfig asks for exactly 3 logs" \
    --identity-token "@$tmp/token" --signing-config "$tmp/v2exact.json"
config_with "$tmp/v2down.json" "$v2svc"'c.rekorTlogUrls = [v2("http://127.0.0.1:1")];'
fails "Rekor v2 unreachable" "Rekor unreachable at http://127.0.0.1:1/api/v2/log/entries" \
    --identity-token "@$tmp/token" --signing-config "$tmp/v2down.json"
# Tampering with a v2 bundle fails both verifiers. sigflip(envelope) flips a bit in the
# checkpoint's signature, past the key hint.
sigflip='const sigflip = (e) => e.replace(/(\u2014 \S+ )(\S+)\n$/, (m, p, s) => p + flip(s, 8) + "\n");'
for tsig in "$tmp/v2.sig" "$tmp/v2ed.sig"; do
	k=${tsig##*/}
	tamper "$k body" 't.canonicalizedBody = Buffer.from(Buffer.from(t.canonicalizedBody, "base64").toString().replace("\"kind\":\"dsse\"", "\"kind\":\"dsse\" ")).toString("base64");'
	tamper "$k body of another payload" 'const x = JSON.parse(Buffer.from(t.canonicalizedBody, "base64"));
x.spec.dsseV002.payloadHash.digest = flip(x.spec.dsseV002.payloadHash.digest, 0);
t.canonicalizedBody = Buffer.from(JSON.stringify(x)).toString("base64");'
	tamper "$k inclusion proof hash" 't.inclusionProof.hashes.push(t.inclusionProof.rootHash);'
	tamper "$k inclusion proof root" 't.inclusionProof.rootHash = flip(t.inclusionProof.rootHash, 3);' mavis
	tamper "$k checkpoint signature" "$sigflip"'
t.inclusionProof.checkpoint.envelope = sigflip(t.inclusionProof.checkpoint.envelope);'
	tamper "$k checkpoint text" 't.inclusionProof.checkpoint.envelope = t.inclusionProof.checkpoint.envelope.replace("\n1\n", "\n2\n");'
	tamper "$k payload" 'b.dsseEnvelope.payload = Buffer.from(Buffer.from(b.dsseEnvelope.payload, "base64").toString().replace("part-0.bin", "part-9.bin")).toString("base64");'
	tamper "$k certificate" 'b.verificationMaterial.certificate.rawBytes = flip(b.verificationMaterial.certificate.rawBytes, -8);'
	tamper "$k without its timestamp (no time at all)" 'b.verificationMaterial.timestampVerificationData = {};'
done
tsig=
# The log's key must be the trusted root's: a root whose v2 logs have other keys fails both.
"$node" -e '
const crypto = require("crypto");
const fs = require("fs");
const r = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
for (const [i, t] of [[1, "ec"], [2, "ed25519"]]) {
  const k = crypto.generateKeyPairSync(t, t === "ec" ? { namedCurve: "prime256v1" } : {});
  r.tlogs[i].publicKey.rawBytes = k.publicKey.export({ format: "der", type: "spki" }).toString("base64");
}
fs.writeFileSync(process.argv[2], JSON.stringify(r));
' "$root" "$tmp/root-otherv2.json"
vroot=$tmp/root-otherv2.json
for tsig in "$tmp/v2.sig" "$tmp/v2ed.sig"; do
	tamper "${tsig##*/} under a root with another key for its log" ''
done
tsig= vroot=

# The OMS conformance suite's five keyless cases (sampras343/model-signing-conformance,
# roundtrip/sigstore-*), through an adapter speaking its CLI contract, with the suite's checks
# of each bundle. The suite itself signs against Sigstore's public-good or staging services
# with a CI token; here the adapter is pointed at the stand-ins and their trust root, and the
# token is the stand-ins' (oms-conformance.py says which facts carry over).
py=${PYTHON3:-python3}
if command -v "$py" >/dev/null 2>&1; then
	for case in $("$py" "$here/oms-conformance.py" --list); do
		mkdir "$tmp/oms-$case"
		expect 0 "OMS conformance: $case" env MAVIS="$mavis" \
		    MAVIS_SIGNING_CONFIG="$config" MAVIS_TRUSTED_ROOT="$root" \
		    SIGSTORE_ID_TOKEN_FILE="$tmp/token" SIGSTORE_IDENTITY="$who" \
		    SIGSTORE_ISSUER="$iss" "$py" "$here/oms-conformance.py" "$here/oms-adapter.sh" \
		    "$case" "$tmp/oms-$case"
	done
	# The driver can fail: the wrong identity, and a bundle of the wrong layout.
	mkdir "$tmp/oms-wrong"
	expect 1 "OMS conformance: another identity fails the case" env MAVIS="$mavis" \
	    MAVIS_SIGNING_CONFIG="$config" MAVIS_TRUSTED_ROOT="$root" \
	    SIGSTORE_ID_TOKEN_FILE="$tmp/token" SIGSTORE_IDENTITY=other@example.org \
	    SIGSTORE_ISSUER="$iss" "$py" "$here/oms-conformance.py" "$here/oms-adapter.sh" \
	    sigstore-simple "$tmp/oms-wrong"
	expect 2 "the adapter refuses sigstore verification without a trusted root" env \
	    MAVIS="$mavis" MAVIS_TRUSTED_ROOT= "$here/oms-adapter.sh" verify-model --method \
	    sigstore --model-path "$tmp/model" --bundle "$sig" --identity "$who" \
	    --identity-provider "$iss"
else
	echo "SKIP: keyless: OMS conformance cases: no python3"
fi

echo "keyless: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
