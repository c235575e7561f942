#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# redis.sh: replicas of mavis serve sharing a queue and report store in a real redis-server
# on loopback (redis.py). Skips (77) without redis-server.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
case $mavis in /*) ;; *) mavis=$(pwd)/$mavis ;; esac
PYTHON3=${PYTHON3:-python3}
command -v "$PYTHON3" >/dev/null || { echo "SKIP: no python3"; exit 77; }
server=$(command -v redis-server) || {
	echo "SKIP: redis-server is not installed (Debian: redis-server)"
	exit 77
}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-serve-redis.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PYTHON3" "$top_srcdir/tests/serve/redis.py" "$mavis" "$work" "$server"
