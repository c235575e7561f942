#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# attest.sh: in-toto attestations shipped with a model (issue 13 part 3): SLSA provenance v1
# in a DSSE envelope and in a Sigstore bundle verified with the builder's key, every subject
# matched against the files, and the builder, source and dependencies in the json report and
# the CycloneDX ML-BOM; a subject that lies about a file, one naming an absent file, a bad
# signature, an unsigned envelope and a broken file are findings. Fixtures from
# testdata/attest/gen.py.
set -u

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
top_srcdir=${top_srcdir:-.}
d=$top_srcdir/testdata/attest
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-attest-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }

# scan NAME WANT-EXIT [RULE...] [-RULE...] -- ARGS: the exit and the rules present (-RULE:
# absent) in the json report.
scan() {
	name=$1 want=$2
	shift 2
	rules=
	while [ "$1" != -- ]; do
		rules="$rules $1"
		shift
	done
	shift
	"$mavis" scan --no-progress -f json "$@" >"$work/out.json" 2>"$work/err"
	rc=$?
	if [ "$rc" != "$want" ]; then
		fail "$name: exit $rc, want $want"
		sed 's/^/# /' "$work/err" | head -5
		return
	fi
	for r in $rules; do
		case $r in
		-*)	if "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(any(f["rule"]==sys.argv[2] for f in d["findings"]))' "$work/out.json" "${r#-}"; then
				ok "$name: no ${r#-}"
			else
				fail "$name: ${r#-} reported"
			fi ;;
		*)	if "$py" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not any(f["rule"]==sys.argv[2] for f in d["findings"]))' "$work/out.json" "$r"; then
				ok "$name: $r"
			else
				fail "$name: no $r"
				"$py" -c 'import json,sys; [print("#", f["rule"], f["evidence"]) for f in json.load(open(sys.argv[1]))["findings"]]' "$work/out.json"
			fi ;;
		esac
	done
}

scan "good with the key" 0 attestation.verified -attestation.subject.mismatch \
    -attestation.unverified -- --key "$d/key.pub" "$d/good"
scan "good without trust material" 0 attestation.unverified -attestation.verified -- \
    "$d/good"
scan "good with another key" 1 attestation.invalid -attestation.verified -- \
    --key "$d/other.pub" "$d/good"
scan "bundle in attestations/" 0 attestation.verified -- --key "$d/key.pub" "$d/bundle"
scan "subject lies about weights.bin" 1 attestation.subject.mismatch -attestation.verified \
    -- --key "$d/key.pub" "$d/lying"
scan "subject names an absent file" 1 attestation.subject.missing -attestation.verified \
    -- --key "$d/key.pub" "$d/absent"
scan "bad signature" 1 attestation.invalid -attestation.verified -- --key "$d/key.pub" \
    "$d/badsig"
scan "unsigned envelope" 0 attestation.unsigned -attestation.verified -- \
    --key "$d/key.pub" "$d/unsigned"
scan "not an attestation" 0 attestation.malformed -- --key "$d/key.pub" "$d/malformed"

# The mismatch names the file and both digests.
"$mavis" scan --no-progress -f json --key "$d/key.pub" "$d/lying" >"$work/out.json" 2>/dev/null
if "$py" - "$work/out.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
f = [f for f in d["findings"] if f["rule"] == "attestation.subject.mismatch"]
sys.exit(not (len(f) == 1 and f[0]["path"].endswith("lying/weights.bin")
              and "weights.bin" in f[0]["evidence"] and f[0]["severity"] == "high"))
PY
then ok "mismatch names weights.bin (high)"; else fail "mismatch finding"; fi

# The provenance in the json report: builder, source, commit, dependencies.
"$mavis" scan --no-progress -f json --key "$d/key.pub" "$d/good" >"$work/good.json" 2>/dev/null
if "$py" - "$work/good.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
p = d["provenance"]
assert len(p) == 1, p
p = p[0]
assert p["state"] == "verified", p
assert p["predicate_type"] == "https://slsa.dev/provenance/v1"
assert p["builder"].startswith("https://github.com/example/tiny/.github/workflows/train.yml")
assert p["source"] == {"repository": "https://github.com/example/tiny",
                       "commit": "0123456789abcdef0123456789abcdef01234567"}, p["source"]
assert p["subjects"] == 2 and p["subjects_matched"] == 2
kinds = {x["name"] or x["uri"]: x["kind"] for x in p["dependencies"]}
assert kinds["example/base-1b"] == "model" and kinds["example/corpus"] == "dataset", kinds
PY
then ok "json: provenance record"; else fail "json: provenance record"; fi

# The ML-BOM: builder and source as properties, the base model as pedigree, the dataset as
# a data component the model card refers to.
"$mavis" scan --no-progress -f cyclonedx --key "$d/key.pub" "$d/good" >"$work/bom.json" \
    2>/dev/null
if "$py" - "$work/bom.json" <<'PY'
import json, sys
b = json.load(open(sys.argv[1]))
m = b["components"][0]
props = {p["name"]: p["value"] for p in m["properties"]}
assert props["mavis:provenance:builder"].startswith("https://github.com/example/tiny/")
assert props["mavis:provenance:commit"] == "0123456789abcdef0123456789abcdef01234567"
assert any(r["type"] == "vcs" and r["url"] == "https://github.com/example/tiny"
           for r in m["externalReferences"])
anc = m["pedigree"]["ancestors"]
assert anc[0]["name"] == "example/base-1b" and anc[0]["hashes"][0]["alg"] == "SHA-256"
refs = [r["ref"] for r in m["modelCard"]["modelParameters"]["datasets"]]
data = [c for c in b["components"] if c.get("bom-ref") in refs]
assert data and data[0]["name"] == "example/corpus" and data[0]["type"] == "data"
PY
then ok "cyclonedx: builder, source, base model, dataset"; else fail "cyclonedx provenance"; fi

# Text: one line for the attestation.
"$mavis" scan --no-progress --key "$d/key.pub" "$d/good" >"$work/out.txt" 2>&1
if grep -q '^provenance: .*provenance.intoto.jsonl:1: verified, https://github.com/example/tiny/.*from https://github.com/example/tiny@0123456789abcdef0123456789abcdef01234567, 2 of 2 subjects match, 3 dependencies' "$work/out.txt"; then
	ok "text: provenance line"
else
	fail "text: provenance line"
	sed 's/^/# /' "$work/out.txt" | tail -8
fi

# A file model: FILE.intoto.jsonl beside it.
scan "file model with FILE.intoto.jsonl" 0 attestation.verified -attestation.subject.missing \
    -- --key "$d/key.pub" "$d/single/weights.bin"

# mavis sign --attest: a second statement over the signature's subject, verified by mavis
# verify and read by mavis scan; tampering with it is a difference.
mkdir "$work/m"
cp "$d/good/config.json" "$d/good/weights.bin" "$work/m/"
cat >"$work/pred.json" <<'JSON'
{"predicateType": "https://slsa.dev/provenance/v1", "predicate": {"buildDefinition":
{"buildType": "https://example.com/train/v1", "externalParameters": {},
"resolvedDependencies": [{"uri": "git+https://github.com/example/tiny@refs/heads/main",
"digest": {"gitCommit": "89abcdef0123456789abcdef0123456789abcdef"}}]},
"runDetails": {"builder": {"id": "https://example.com/release-bot"}}}}
JSON
if "$mavis" sign --no-progress --key "$d/key.pem" --attest "$work/pred.json" "$work/m" \
    >"$work/out" 2>&1 && [ -f "$work/m/model.sig" ] && [ -f "$work/m/model.intoto.jsonl" ]; then
	ok "sign --attest writes model.sig and model.intoto.jsonl"
else
	fail "sign --attest"
	sed 's/^/# /' "$work/out"
fi
if "$mavis" verify --key "$d/key.pub" "$work/m" >"$work/out" 2>&1 &&
    grep -q 'attested:  1 attestation verified' "$work/out"; then
	ok "verify: the attestation verified"
else
	fail "verify --attest"
	sed 's/^/# /' "$work/out"
fi
scan "scan of a model signed with --attest" 0 signature.verified attestation.verified \
    -signature.file.extra -attestation.subject.missing -- --key "$d/key.pub" "$work/m"
scan "the same without trust material" 0 attestation.unverified \
    attestation.subject.unchecked -attestation.subject.missing -- "$work/m"
# Another model's attestation beside this signature: its subject is not this model.
mkdir "$work/m2"
cp "$d/good/config.json" "$work/m2/"
"$mavis" sign --no-progress --key "$d/key.pem" --attest "$work/pred.json" "$work/m2" \
    >/dev/null 2>&1
cp "$work/m2/model.intoto.jsonl" "$work/m/model.intoto.jsonl"
"$mavis" verify --key "$d/key.pub" "$work/m" >"$work/out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q 'missing: .*model.intoto.jsonl:1: attested with sha256' "$work/out"; then
	ok "verify: another model's attestation is a difference"
else
	fail "verify: another model's attestation (exit $rc)"
	sed 's/^/# /' "$work/out"
fi
# A signature that does not verify.
"$py" - "$work/m2/model.intoto.jsonl" "$work/m/model.intoto.jsonl" <<'PY'
import base64, json, sys
b = json.loads(open(sys.argv[1]).read())
s = bytearray(base64.b64decode(b["dsseEnvelope"]["signatures"][0]["sig"]))
s[-1] ^= 1
b["dsseEnvelope"]["signatures"][0]["sig"] = base64.b64encode(bytes(s)).decode()
open(sys.argv[2], "w").write(json.dumps(b) + "\n")
PY
"$mavis" verify --key "$d/key.pub" "$work/m" >"$work/out" 2>&1
rc=$?
if [ "$rc" = 1 ] && grep -q 'bad signature: .*does not verify' "$work/out"; then
	ok "verify: a bad attestation signature is a difference"
else
	fail "verify: bad attestation signature (exit $rc)"
	sed 's/^/# /' "$work/out"
fi
echo '{"predicateType": "x"}' >"$work/bad.json"
if "$mavis" sign --no-progress --key "$d/key.pem" --attest "$work/bad.json" \
    --signature "$work/never.sig" "$work/m2" >"$work/out" 2>&1; then
	fail "sign --attest took a file without a predicate"
elif [ -e "$work/never.sig" ] || [ -e "$work/never.intoto.jsonl" ]; then
	fail "sign --attest wrote something on error"
else
	ok "sign --attest refuses a file without a predicate, writes nothing"
fi

# Keyless: refused before any token is asked for or anything is written.
"$mavis" sign sigstore --no-progress --identity-token "$work/pred.json" --attest "$work/pred.json" \
    --signature "$work/never.sig" "$work/m2" >"$work/out" 2>&1
rc=$?
if [ "$rc" != 2 ] || ! grep -q "attest cannot be used with keyless" "$work/out"; then
	fail "sign sigstore --attest: exit $rc"
	sed 's/^/# /' "$work/out"
elif [ -e "$work/never.sig" ] || [ -e "$work/never.intoto.jsonl" ]; then
	fail "sign sigstore --attest wrote something"
else
	ok "sign sigstore --attest is refused, writes nothing"
fi

[ "$fails" = 0 ] || { echo "$fails failed"; exit 1; }
exit 0
