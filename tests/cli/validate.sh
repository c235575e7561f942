#!/bin/sh
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
for f in sarif cyclonedx; do
	"$MAVIS" scan --no-progress -f $f -o clean.$f clean
	"$MAVIS" scan --no-progress -f $f -o hostile.$f hostile.tar
	"$MAVIS" scan --no-progress -f $f -o suppressed.$f --policy suppress.policy hostile.tar
	"$MAVIS" scan --no-progress -f $f -o all.$f clean hostile.tar pickled
done
# Node resolves the packages from the folder of the script, so run it from there.
NODE_PATH="$VAL/node_modules" "$NODE" "$top_srcdir/tests/validators/validate.js" sarif \
    clean.sarif hostile.sarif suppressed.sarif all.sarif
s=$?
NODE_PATH="$VAL/node_modules" "$NODE" "$top_srcdir/tests/validators/validate.js" cyclonedx \
    clean.cyclonedx hostile.cyclonedx suppressed.cyclonedx all.cyclonedx
c=$?
[ $s -eq 77 ] || [ $c -eq 77 ] && exit 77
[ $s -eq 0 ] && [ $c -eq 0 ]
