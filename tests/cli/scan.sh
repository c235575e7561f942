#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scan.sh: mavis scan end to end on generated packages: every report format against
# checked-in expected output, exit statuses 0, 1 and 2, policies, atomic --output.
# MAVIS_REGEN=1 rewrites the expected files instead of comparing (review the diff).
set -u
: "${MAVIS:?}" "${top_srcdir:?}"
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
if ! command -v "$PY" >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to generate the packages"
	exit 77
fi
EXP=$top_srcdir/tests/cli/scan
SIGDIR=${MAVIS_SIGNATURES:-$top_srcdir/signatures}
export MAVIS_SIGNATURES=$SIGDIR
unset NO_COLOR
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-scan-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PY" "$top_srcdir/testdata/scan/gen-scan.py" "$work/pkg" || exit 99
cp "$EXP"/*.policy "$work/pkg/"
cd "$work/pkg" || exit 99
version=$("$MAVIS" --version | sed -n '1s/^mavis //p')
sigsha=$("$MAVIS" rules -f json | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["signatures"]["sha256"])')
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS: $1"; }
bad() { fail=$((fail + 1)); echo "FAIL: $1"; }

# report NAME EXIT ARGS...: run mavis with ARGS, expect exit status EXIT, and compare the
# normalised standard output with $EXP/NAME.
report() {
	name=$1 want=$2
	shift 2
	"$MAVIS" "$@" > "$work/out" 2> "$work/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$name: exit $got, expected $want"
		sed 's/^/    /' "$work/err"
		return
	fi
	"$PY" "$top_srcdir/tests/cli/normalise.py" "$version" "$SIGDIR" "$sigsha" \
	    < "$work/out" > "$work/norm" || { bad "$name: cannot normalise"; return; }
	if [ "${MAVIS_REGEN:-}" = 1 ]; then
		cp "$work/norm" "$EXP/$name"
		ok "$name (regenerated)"
	elif diff -u "$EXP/$name" "$work/norm" > "$work/diff"; then
		ok "$name"
	else
		bad "$name: differs from the expected output"
		head -60 "$work/diff" | sed 's/^/    /'
	fi
}

# status NAME EXIT PATTERN ARGS...: exit status EXIT and PATTERN (grep -E) in the output
# or the error output (- for none).
status() {
	name=$1 want=$2 pat=$3
	shift 3
	"$MAVIS" "$@" > "$work/out" 2> "$work/err"
	got=$?
	if [ "$got" -ne "$want" ]; then
		bad "$name: exit $got, expected $want"
		sed 's/^/    /' "$work/err"
	elif [ "$pat" != - ] && ! cat "$work/out" "$work/err" | grep -Eq -- "$pat"; then
		bad "$name: no '$pat' in the output"
		sed 's/^/    /' "$work/err"
	else
		ok "$name"
	fi
}

# A clean package passes (0) in every format; the hostile tar fails (1).
for f in text json sarif cyclonedx; do
	report "clean.$f" 0 scan --no-progress -f "$f" clean
	report "hostile.$f" 1 scan --no-progress -f "$f" hostile.tar
done
report "clean.principles" 0 scan --no-progress --principles clean

# Suppressed with a reason: passes, and the finding stays in the machine output.
report "suppressed.json" 0 scan --no-progress -f json --policy suppress.policy hostile.tar
report "suppressed.sarif" 0 scan --no-progress -f sarif --policy suppress.policy hostile.tar
status "suppressed.text" 0 'reason: the tar is only read by mavis' \
    scan --no-progress --policy suppress.policy hostile.tar

# Severity overrides and the fail level.
status "override" 0 'archive.path.traversal .*\(policy; default critical\)' \
    scan --no-progress --policy lower.policy hostile.tar
status "fail-on" 1 'FAIL: [0-9]+ findings? at or above low' \
    scan --no-progress --policy lower.policy --fail-on low hostile.tar

# Required checks.
status "forbid" 1 'policy.format.forbidden' scan --no-progress --policy forbid.policy pickled
status "forbid-clean" 0 'PASS' scan --no-progress --policy forbid.policy clean
status "require" 1 'policy.signature.required' scan --no-progress --policy require.policy clean

# Only recognised model content passes a policy that requires it.
status "require-format" 0 'PASS' scan --no-progress --policy models.policy clean
status "require-format-missing" 1 'policy\.format\.required' \
    scan --no-progress --policy models.policy pickled
printf 'require format safetensors nosuch\n' >"$work/badformat.policy"
status "require-format-unknown" 2 "badformat\.policy:1: not a format mavis recognises.*'nosuch'" \
    scan --no-progress --policy "$work/badformat.policy" clean
status "unrecognised" 0 'content\.unrecognised' scan --no-progress clean
status "unrecognised-lists" 0 '1 of 3 files not recognised: clean/README\.md' \
    scan --no-progress clean

# Nothing to scan is an error, not a pass.
mkdir empty
status "empty-folder" 2 'empty: nothing to scan' scan --no-progress empty
status "empty-stdin" 2 'standard input: nothing to scan' scan --no-progress - </dev/null

# Text report options.
status "quiet" 1 '^verdict: FAIL' scan --no-progress -q hostile.tar
if grep -q 'signature\.missing\|ETSI\|^signature:' "$work/out"; then
	bad "quiet-only-failing: -q printed more than the failing findings and the verdict"
else
	ok "quiet-only-failing"
fi
status "verbose" 0 'safetensors +[0-9.]+ [KMG]?i?B  clean/model\.safetensors' \
    scan --no-progress -v clean
status "no-table-by-default" 0 - scan --no-progress clean
if grep -q 'Raise awareness' "$work/out"; then bad "no-table-by-default: the table is shown"
else ok "no-table-by-default: one summary line"; fi
status "principles-table" 0 '^  13  .*disposal' scan --no-progress --principles clean
status "color-always" 1 "$(printf '\033')\\[" scan --no-progress --color=always hostile.tar
NO_COLOR=1 "$MAVIS" scan --no-progress --color=auto hostile.tar >"$work/out" 2>&1
if grep -q "$(printf '\033')" "$work/out"; then bad "color-auto-not-a-terminal"
else ok "color-auto-not-a-terminal"; fi
status "color-bad" 2 "'sometimes' is not auto, always or never" scan --color=sometimes clean
status "name-stdin" 1 'upload\.tar!/\.\./escape\.txt' \
    scan --no-progress --name upload.tar - <hostile.tar
status "name-json" 1 '"input": "upload\.tar"|"upload\.tar"' \
    scan --no-progress -f json --name upload.tar - <hostile.tar

# A junk model.sig never ranks below an absent one.
mkdir junk && cp -R clean/* junk/ && echo junk >junk/model.sig
"$MAVIS" rules -f json | "$PY" -c '
import json, sys
rules = {r["id"]: r["severity"] for r in json.load(sys.stdin)["rules"]}
order = ["info", "low", "medium", "high", "critical"]
assert order.index(rules["signature.unverified"]) >= order.index(rules["signature.missing"])
' && ok "junk-signature-severity" || bad "junk-signature-severity: signature.unverified ranks below signature.missing"

# Names that would act on a terminal are escaped in text, exact in JSON.
mkdir tty && cp clean/config.json "tty/$(printf 'esc\033[2Jx')" &&
    cp clean/config.json "tty/$(printf 'bidi\342\200\256gnp.exe')"
status "tty-text" 0 'tty/bidi\\u202egnp\.exe' scan --no-progress -v tty
if LC_ALL=C grep -q "$(printf '\033')\|$(printf '\342\200\256')" "$work/out"; then
	bad "tty-text-escaped: a control or bidi character reached the text report"
else
	ok "tty-text-escaped"
fi
"$MAVIS" scan --no-progress -f json tty | "$PY" -c '
import json, sys
paths = {e["path"] for e in json.load(sys.stdin)["entries"]}
assert "tty/esc\x1b[2Jx" in paths and "tty/bidi\u202egnp.exe" in paths, paths
' && ok "tty-json-exact" || bad "tty-json-exact: JSON does not keep the names exact"

# Trust material named by the policy, found beside it: a signed copy passes a policy that
# requires a signature, fails once a file changes, and --key replaces the policy's key.
mkdir trust && cp -R clean trust/signed
"$MAVIS" keygen --out trust/vendor > /dev/null && "$MAVIS" keygen --out trust/other > /dev/null &&
    "$MAVIS" sign --no-progress --key trust/vendor.key trust/signed > /dev/null ||
    bad "trust: cannot make a signed package"
printf 'require signature\ntrust key vendor.pub\n' > trust/release.policy
printf 'trust key nosuch.pub\n' > trust/nokey.policy
printf 'trust key vendor.pub\ntrust cert-chain other.pub\n' > trust/both.policy
status "trust-policy" 0 'verified' scan --no-progress --policy trust/release.policy trust/signed
status "trust-override" 1 'signature\.' \
    scan --no-progress --policy trust/release.policy --key trust/other.pub trust/signed
status "trust-missing" 2 'nokey\.policy:1: cannot read the trust file' \
    scan --no-progress --policy trust/nokey.policy clean
status "trust-both" 2 'both\.policy:2: trust one of a key, certificate roots or a Sigstore root' \
    scan --no-progress --policy trust/both.policy clean
echo tampered >> "$(find trust/signed -type f ! -name model.sig | sort | head -1)"
status "trust-tampered" 1 'integrity\.digest\.mismatch' \
    scan --no-progress --policy trust/release.policy trust/signed

# Incomplete analysis is exit 2, and no suppression changes that.
status "incomplete" 2 'INCOMPLETE' scan --no-progress --max-entries 1 clean
status "incomplete-json" 2 '"outcome": "incomplete"' \
    scan --no-progress -f json --max-entries 1 --policy suppress-all.policy clean

# Errors are exit 2 with the file and line named, before any work.
status "bad-policy" 2 'bad\.policy:3: unknown directive' scan --no-progress --policy bad.policy clean
status "no-policy" 2 'nosuch\.policy: No such file' scan --no-progress --policy nosuch.policy clean
status "no-signatures" 2 '/nonexistent: no signatures folder' \
    scan --no-progress --signatures /nonexistent clean
status "bad-format" 2 "'pdf' is not text, json, sarif or cyclonedx" scan -f pdf clean
status "bad-fail-on" 2 "'severe' is not info" scan --fail-on severe clean
status "no-input" 2 'nosuch: No such file' scan --no-progress nosuch
status "no-path" 2 'no PATH given' scan
# Trust material that cannot be used stops the scan even when no signature turns up.
status "bad-key" 2 'nosuch\.pub: No such file' scan --no-progress --key nosuch.pub clean
status "not-a-key" 2 'bad\.policy: not a PEM public key' scan --no-progress --key bad.policy clean
status "bad-roots" 2 'nosuch\.pem: No such file' scan --no-progress --cert-chain nosuch.pem clean

# --output: the whole report or nothing.
status "output" 0 - scan --no-progress -f json -o report.json clean
if [ -s report.json ] && "$PY" -c 'import json; json.load(open("report.json"))' &&
    ! ls report.json.tmp-* >/dev/null 2>&1; then
	ok "output-file"
else
	bad "output-file: report.json missing, broken, or a temporary file left"
fi
echo previous > kept.json
status "output-error" 2 'bad\.policy:3' scan --no-progress --policy bad.policy -o kept.json clean
if [ "$(cat kept.json)" = previous ] && ! ls kept.json.tmp-* >/dev/null 2>&1; then
	ok "output-untouched"
else
	bad "output-untouched: a failed scan changed kept.json or left a temporary file"
fi
status "output-dir" 2 'nosuchdir/r\.json' scan --no-progress -o nosuchdir/r.json clean

# The tables.
status "rules" 0 'archive.path.traversal +critical' rules
status "principles" 0 'Principle 13 \(5\.5\.1, secure-end-of-life\)' principles
"$MAVIS" principles -f json | "$PY" -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["provisions"]) == 72 and len(d["principles"]) == 13
assert len({p["etsi"] for p in d["provisions"]}) == 72
' && ok "principles-json" || bad "principles-json: not 72 provisions in 13 principles"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
