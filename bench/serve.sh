#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# bench/serve.sh: mavis serve under wrk on loopback: requests per second and latency of
# GET /api/v1/metadata and of the report endpoint (a job's stored outcome, from memory, and a
# pending job's 302 read through Redis), and the peak RSS (VmHWM) of each replica after the
# load. Then scans per minute: a batch of SCANS scan requests for a ModelPack artifact of
# SCAN_MIB MiB pushed to Debian's docker-registry on loopback, spread over 1 and then 3
# replicas (--jobs 1 each) sharing one redis-server, timed from the first request to the
# last report; the speed-up of 3 replicas over 1, and each replica's peak RSS.
#
#   bench/serve.sh [path/to/mavis]     # DURATION=10s CONNECTIONS=32 THREADS=2
#                                      # SCANS=50 SCAN_MIB=64 BENCH_DIR=/somewhere
set -eu
mavis=${1:-./mavis}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-32}
threads=${THREADS:-2}
scans=${SCANS:-50}
smib=${SCAN_MIB:-64}
for t in wrk python3 curl; do
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
. "$(dirname "$0")/oci.sh"
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
submit() { # PORT [BODY]: a scan request, its id
	curl -s -X POST -H "X-ScannerAdapter-API-Key: $key" -d "${2:-$body}" \
	    "http://127.0.0.1:$1/api/v1/scan" | sed 's/.*"id":"\([0-9a-f]*\)".*/\1/'
}
bench() { # NAME URL
	echo "== $1"
	wrk -t "$threads" -c "$conns" -d "$duration" --latency \
	    -H "X-ScannerAdapter-API-Key: $key" \
	    -H "Accept: application/vnd.security.vulnerability.report; version=1.1" "$2" |
	    grep -E 'Requests/sec|Latency|99%|Non-2xx'
}
redis() { # a fresh redis-server on loopback; sets rport
	rport=$(oci_free_port)
	redis-server --port "$rport" --bind 127.0.0.1 --save '' --appendonly no \
	    --dir "$work" >/dev/null 2>&1 &
	echo $! >"$work/redis.pid"
	until redis-cli -p "$rport" ping >/dev/null 2>&1; do sleep 0.1; done
}
stop() { # PIDFILE...: stop these processes and wait for them
	for f in "$@"; do
		kill "$(cat "$f")" 2>/dev/null || :
		while kill -0 "$(cat "$f")" 2>/dev/null; do sleep 0.1; done
		rm -f "$f"
	done
}
batch() { # N: $scans scans through N replicas sharing a fresh Redis; sets spm
	redis
	ports=
	for r in $(seq "$1"); do
		ports="$ports $(start "$work/batch$1.$r.log" --jobs 1 --redis "redis://127.0.0.1:$rport")"
	done
	set -- $ports
	# One curl for the batch and one per sweep: fifty curl processes would time curl.
	echo '{"registry":{"url":"http://127.0.0.1:'$oci_port'"},"artifact":{"repository":"bench/model","digest":"'$oci_digest'","mime_type":"application/vnd.oci.image.manifest.v1+json"}}' >"$work/sbody"
	: >"$work/submit.cfg"
	i=0
	while [ $i -lt "$scans" ]; do    # round robin, as a load balancer in front would
		eval "p=\${$((i % $# + 1))}"
		printf 'url = "http://127.0.0.1:%s/api/v1/scan"\nrequest = "POST"\ndata = "@%s"\nheader = "X-ScannerAdapter-API-Key: %s"\nwrite-out = "\\n"\nnext\n' \
		    "$p" "$work/sbody" "$key" >>"$work/submit.cfg"
		i=$((i + 1))
	done
	sed -i '$d' "$work/submit.cfg"     # no "next" after the last
	t0=$(date +%s.%N)
	curl -s -K "$work/submit.cfg" | sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' >"$work/ids"
	[ "$(wc -l <"$work/ids")" -eq "$scans" ] ||
	    { echo "bench/serve.sh: $(wc -l <"$work/ids") of $scans scans accepted"; exit 1; }
	while [ -s "$work/ids" ]; do     # any replica answers for any job
		sed "s|.*|url = \"http://127.0.0.1:$1/api/v1/scan/&/report\"\noutput = \"/dev/null\"\nwrite-out = \"%{http_code} &\\\\n\"\nheader = \"X-ScannerAdapter-API-Key: $key\"\nheader = \"Accept: application/vnd.security.vulnerability.report; version=1.1\"\nnext|" \
		    "$work/ids" | sed '$d' >"$work/poll.cfg"
		curl -s -K "$work/poll.cfg" >"$work/codes"
		if grep -qv '^\(200\|302\) ' "$work/codes"; then
			echo "bench/serve.sh: a scan ended otherwise: $(grep -v '^\(200\|302\) ' "$work/codes" | head -1)"
			exit 1
		fi
		sed -n 's/^302 //p' "$work/codes" >"$work/ids"
		[ -s "$work/ids" ] && sleep 0.1
	done
	t1=$(date +%s.%N)
	spm=$(echo "scale=1; $scans * 60 / ($t1 - $t0)" | bc)
	printf '%d replica(s): %d scans in %.2f s, %s scans/min\n' "$#" "$scans" \
	    "$(echo "$t1 - $t0" | bc)" "$spm"
	for r in $(seq "$#"); do
		printf '  replica %d: ' "$r"
		rss "$work/batch$#.$r.log"
	done
	stop "$work"/batch$#.*.pid "$work/redis.pid"
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
	redis
	port=$(start "$work/redis.log" --jobs 0 --redis "redis://127.0.0.1:$rport")
	id=$(submit "$port")
	bench "GET /api/v1/scan/ID/report, pending 302 (Redis)" \
	    "http://127.0.0.1:$port/api/v1/scan/$id/report"
	rss "$work/redis.log"
else
	echo "(no redis-server: the Redis figures are left out)"
fi

missing=
for t in docker-registry skopeo redis-server redis-cli bc; do
	command -v "$t" >/dev/null || missing="$missing $t"
done
if [ -n "$missing" ]; then
	echo "(no$missing: scans per minute are left out)"
	exit 0
fi
stop "$work"/*.log.pid "$work/redis.pid"
sdir=${BENCH_DIR:-${TMPDIR:-/tmp}/mavis-bench}/serve-$smib
mkdir -p "$sdir"
oci_layout "$sdir" "$smib"
oci_registry "$sdir"
echo "$oci_pid" >"$work/registry.pid"
oci_push "$sdir" bench/model
echo "== $scans scans of a $smib MiB ModelPack artifact from docker-registry on loopback"
batch 1
one=$spm
batch 3
echo "speed-up, 3 replicas over 1: $(echo "scale=2; $spm / $one" | bc)x"
