#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# harbor.sh: mavis serve as Harbor's scanner client talks to it (harbor.py, one replica with
# its queue in memory).
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
case $mavis in /*) ;; *) mavis=$(pwd)/$mavis ;; esac
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null || { echo "SKIP: no python3"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-serve-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PYTHON3" "$top_srcdir/tests/serve/harbor.py" "$mavis" "$work"
