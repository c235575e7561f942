#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/serve.sh: mavis serve under wrk on loopback: requests per second and latency of
# GET /api/v1/metadata and of the report endpoint (a job's stored outcome, from memory, and a
# pending job's 302 read through Redis), and the peak RSS (VmHWM) of each replica after the
# load. No scans per minute yet: a scan request names a registry artifact, and mavis scan
# has no oci:// input to pull it with (issue 12, item 1).
#
#   bench/serve.sh [path/to/mavis]     # DURATION=10s CONNECTIONS=32 THREADS=2
set -eu
mavis=${1:-./mavis}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-2}
for t in wrk python3; do
	command -v "$t" >/dev/null || { echo "bench/serve.sh: $t is not installed"; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-bench-serve.XXXXXX")
cleanup() {
	for f in "$work"/*.pid; do
		[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || :
	done
	wait 2>/dev/null || :
	rm -rf "$work"
}
trap cleanup EXIT INT TERM
key=bench-key-0123456789
echo "$key" >"$work/key"
digest=sha256:$(printf x | sha256sum | cut -c1-64)
body='{"registry":{"url":"http://127.0.0.1:9"},"artifact":{"repository":"bench/model","digest":"'$digest'"}}'

start() { # LOG ARGS...: start a replica, print its port
	log=$1
	shift
	# Not on the pipe of the $(...) that reads the port, or that would wait for it.
	"$mavis" serve --listen 127.0.0.1:0 --api-key-file "$work/key" "$@" \
	    >/dev/null 2>"$log" &
	echo $! >"$log.pid"
	i=0
	until grep -q '"event":"listening"' "$log" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 100 ] || { echo "bench/serve.sh: mavis serve did not start"; cat "$log"; exit 1; }
		sleep 0.1
	done
	sed -n 's/.*"port":\([0-9]*\).*/\1/p' "$log" | head -1
}
submit() { # PORT: a scan request, its id
	curl -s -X POST -H "X-ScannerAdapter-API-Key: $key" -d "$body" \
	    "http://127.0.0.1:$1/api/v1/scan" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/'
}
bench() { # NAME URL
	echo "== $1"
	wrk -t "$threads" -c "$conns" -d "$duration" --latency \
	    -H "X-ScannerAdapter-API-Key: $key" \
	    -H "Accept: application/vnd.security.vulnerability.report; version=1.1" "$2" |
	    grep -E 'Requests/sec|Latency|99%|Non-2xx'
}
rss() { # LOG: the replica's peak RSS
	echo "peak RSS (VmHWM): $(grep VmHWM "/proc/$(cat "$1.pid")/status" | awk '{print $2, $3}')"
}

echo "mavis serve bench: wrk -t $threads -c $conns -d $duration on $(nproc) CPUs, loopback"
port=$(start "$work/mem.log" --jobs 1 --max-body 4k)
bench "GET /api/v1/metadata (memory)" "http://127.0.0.1:$port/api/v1/metadata"
id=$(submit "$port")
sleep 1
bench "GET /api/v1/scan/ID/report, stored outcome (memory)" \
    "http://127.0.0.1:$port/api/v1/scan/$id/report"
rss "$work/mem.log"
if command -v redis-server >/dev/null; then
	rport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no \
	    --dir "$work" >/dev/null 2>&1 &
	echo $! >"$work/redis.pid"
	sleep 1
	port=$(start "$work/redis.log" --jobs 0 --redis "redis://127.0.0.1:$rport")
	id=$(submit "$port")
	bench "GET /api/v1/scan/ID/report, pending 302 (Redis)" \
	    "http://127.0.0.1:$port/api/v1/scan/$id/report"
	rss "$work/redis.log"
else
	echo "(no redis-server: the Redis figures are left out)"
fi
