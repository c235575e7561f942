#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# validate.sh: mavis's SARIF and CycloneDX reports pass the official validators (Microsoft's
# SARIF Multitool; the CycloneDX library with the bom-1.6 JSON schema). Needs node and the
# packages of tests/validators (npm ci there, or MAVIS_VALIDATORS naming a folder where they
# are installed); skipped, visibly, without them.
set -u
: "${MAVIS:?}" "${top_srcdir:?}"
NODE=${NODE:-node}
[ -n "$NODE" ] || NODE=node
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
VAL=${MAVIS_VALIDATORS:-$top_srcdir/tests/validators}
if ! command -v "$NODE" >/dev/null 2>&1; then
	echo "SKIP: node is not installed; SARIF and CycloneDX output not validated"
	exit 77
fi
if [ ! -d "$VAL/node_modules" ]; then
	echo "SKIP: validators not installed: run 'npm ci --prefix tests/validators'" \
	    "(or set MAVIS_VALIDATORS)"
	exit 77
fi
export MAVIS_SIGNATURES=${MAVIS_SIGNATURES:-$top_srcdir/signatures}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-validate.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PY" "$top_srcdir/testdata/scan/gen-scan.py" "$work/pkg" || exit 99
cp "$top_srcdir/tests/cli/scan/suppress.policy" "$work/pkg/"
cd "$work/pkg" || exit 99
# Nested archives: a tar inside a tar.
mkdir nest && cp hostile.tar nest/ && tar -cf nested.tar nest && rm -r nest
for f in sarif cyclonedx; do
	"$MAVIS" scan --no-progress -f $f -o clean.$f clean
	"$MAVIS" scan --no-progress -f $f -o hostile.$f hostile.tar
	"$MAVIS" scan --no-progress -f $f -o suppressed.$f --policy suppress.policy hostile.tar
	"$MAVIS" scan --no-progress -f $f -o all.$f clean hostile.tar pickled
	# Absolute paths (file:// URIs), a path out of the current folder, nested archives,
	# standard input with and without --name.
	"$MAVIS" scan --no-progress -f $f -o absolute.$f "$work/pkg/clean" "$work/pkg/hostile.tar"
	(cd clean && "$MAVIS" scan --no-progress -f $f -o ../parent.$f ../hostile.tar)
	"$MAVIS" scan --no-progress -f $f -o nested.$f nested.tar
	"$MAVIS" scan --no-progress -f $f -o stdin.$f - <hostile.tar
	"$MAVIS" scan --no-progress -f $f -o named.$f --name upload.tar - <hostile.tar
done
# Inside a git work tree, URIs are relative to its top.
if command -v git >/dev/null 2>&1 && git init -q repo 2>/dev/null; then
	mkdir repo/models && cp -R clean repo/models/ && cp hostile.tar repo/models/
	(cd repo/models && "$MAVIS" scan --no-progress -f sarif -o ../../git.sarif clean hostile.tar)
	git_sarif=git.sarif
	"$PY" -c '
import json, sys
run = json.load(open("git.sarif"))["runs"][0]
base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
assert base.startswith("file:///") and base.endswith("/repo/"), base
uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"] for l in r["locations"]}
assert "models/hostile.tar!/%2E%2E/escape.txt" in uris, uris
' || { echo "FAIL: git.sarif: URIs not relative to the top of the work tree"; exit 1; }
else
	git_sarif=
fi
"$PY" -c '
import json, sys
def uris(name):
    run = json.load(open(name))["runs"][0]
    return [l["physicalLocation"]["artifactLocation"] for r in run["results"] for l in r["locations"]]
for a in uris("absolute.sarif"):
    assert a["uri"].startswith("file:///") or a.get("uriBaseId") == "%SRCROOT%", a
assert any(a["uri"].startswith("file:///") for a in uris("parent.sarif")) or \
    all(a.get("uriBaseId") for a in uris("parent.sarif")), uris("parent.sarif")
assert {a["uri"] for a in uris("stdin.sarif")} >= {"-!/%2E%2E/escape.txt"}, uris("stdin.sarif")
assert {a["uri"] for a in uris("named.sarif")} >= {"upload.tar!/%2E%2E/escape.txt"}
assert any("nested.tar!/nest/hostile.tar!/" in a["uri"] for a in uris("nested.sarif"))
for name in ("absolute.sarif", "parent.sarif", "stdin.sarif", "named.sarif", "nested.sarif"):
    for a in uris(name):
        assert not a["uri"].startswith("/"), (name, a)
' || { echo "FAIL: SARIF artifact locations"; exit 1; }
# Node resolves the packages from the folder of the script, so run it from there.
NODE_PATH="$VAL/node_modules" "$NODE" "$top_srcdir/tests/validators/validate.js" sarif \
    clean.sarif hostile.sarif suppressed.sarif all.sarif absolute.sarif parent.sarif \
    nested.sarif stdin.sarif named.sarif $git_sarif
s=$?
NODE_PATH="$VAL/node_modules" "$NODE" "$top_srcdir/tests/validators/validate.js" cyclonedx \
    clean.cyclonedx hostile.cyclonedx suppressed.cyclonedx all.cyclonedx absolute.cyclonedx \
    parent.cyclonedx nested.cyclonedx stdin.cyclonedx named.cyclonedx
c=$?
# A failure of either validator fails the test, even when the other could not run; then any
# part not run makes it a SKIP, not a PASS.
for rc in $s $c; do
	[ "$rc" -eq 0 ] || [ "$rc" -eq 77 ] || exit 1
done
[ $s -eq 77 ] && echo "SKIP - the SARIF validator could not run"
[ $c -eq 77 ] && echo "SKIP - the CycloneDX validator could not run"
[ -z "$git_sarif" ] && echo "SKIP - URIs in a git work tree: no git here"
[ $s -eq 77 ] || [ $c -eq 77 ] || [ -z "$git_sarif" ] && exit 77
exit 0
