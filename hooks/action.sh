#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# action.sh: the scan step of the GitHub action (action.yml at the top of the tree), also run
# as it is anywhere else. mavis scan -f sarif of the paths into a SARIF file, brought within
# code scanning's upload limits by sarif-limit.py (results left out are said, never dropped
# silently); the outputs sarif-file, exit-code and verdict go to $GITHUB_OUTPUT when it is set.
# Exit status: mavis scan's (0 passed, 1 failed, 2 error or incomplete).
#   MAVIS          the mavis command (default: mavis on PATH)
#   MAVIS_PATHS    what to scan, one path a line (default: .)
#   MAVIS_POLICY   a policy file (mavis-policy(5))
#   MAVIS_FAIL_ON  lowest severity that fails (info, low, medium, high, critical)
#   MAVIS_SARIF    the SARIF file to write (default: mavis.sarif)
set -u
here=$(cd "$(dirname "$0")" && pwd)
mavis=${MAVIS:-mavis}
sarif=${MAVIS_SARIF:-mavis.sarif}
python=${PYTHON3:-python3}

set -- scan --no-progress -f sarif -o "$sarif"
[ -n "${MAVIS_POLICY:-}" ] && set -- "$@" --policy "$MAVIS_POLICY"
[ -n "${MAVIS_FAIL_ON:-}" ] && set -- "$@" --fail-on "$MAVIS_FAIL_ON"
set -- "$@" --
n=0
while read -r path; do
	[ -n "$path" ] || continue
	set -- "$@" "$path"
	n=$((n + 1))
done <<PATHS
${MAVIS_PATHS:-}
PATHS
[ "$n" -gt 0 ] || set -- "$@" .

output() {
	[ -n "${GITHUB_OUTPUT:-}" ] && printf '%s=%s\n' "$1" "$2" >>"$GITHUB_OUTPUT"
	return 0
}

rm -f "$sarif"
"$mavis" "$@"
rc=$?
output exit-code "$rc"
case $rc in
0) output verdict pass ;;
1) output verdict fail ;;
*) output verdict error ;;
esac
if [ ! -s "$sarif" ]; then
	echo "::error::mavis scan wrote no SARIF (exit $rc)" >&2
	[ "$rc" -eq 0 ] && rc=2
	exit "$rc"
fi
"$python" "$here/sarif-limit.py" "$sarif" || {
	echo "::error::$sarif cannot be brought within code scanning's limits" >&2
	rm -f "$sarif"
	[ "$rc" -eq 0 ] && rc=2
	exit "$rc"
}
output sarif-file "$sarif"
case $rc in
0) echo "mavis: passed; SARIF in $sarif" ;;
1) echo "::error::mavis: findings at or above the fail level; SARIF in $sarif" ;;
*) echo "::error::mavis: the scan could not be completed (exit $rc); SARIF in $sarif" ;;
esac
exit "$rc"
