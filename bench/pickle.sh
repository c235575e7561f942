#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# pickle.sh: the pickle machine on a 100 MiB pickle stream of many small objects (dicts,
# lists, tuples, strings, numbers, a class reference per object, as pickle.dump writes a
# list of records), on one core, against sha256sum of the same file in the same run.
# Target: the analysis runs at 200 MiB/s or more.
#
#   bench/pickle.sh [BUILDDIR]      (default BUILDDIR: .; it must hold a built libmavis)
#
# The analysis is timed alone (bench/pickle-feed.c, compiled here against the build's
# internal library, feeds the file in 256 KiB blocks as the walker does); mavis scan
# --jobs 1 (walk, SHA-256 and analysis in one pass) is shown beside it. Figures are CPU
# seconds (user + system) with a warm page cache, median of RUNS runs: the machine may be
# shared, and CPU time is steadier than wall time under other load.
set -eu
build=$(cd "${1:-.}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
export MAVIS_SIGNATURES=${MAVIS_SIGNATURES:-$src/signatures}
RUNS=${RUNS:-5}
SIZE_MIB=${SIZE_MIB:-100}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-bench-pickle.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
for tool in python3 sha256sum cc pkg-config; do
	command -v $tool >/dev/null || { echo "pickle.sh: $tool is missing" >&2; exit 2; }
done
[ -x /usr/bin/time ] || { echo "pickle.sh: GNU time is missing (apt-get install time)" >&2; exit 2; }
lib=$build/.libs/libmavis_internal.a
[ -f "$lib" ] || { echo "pickle.sh: no $lib (build first)" >&2; exit 2; }

python3 - "$work/objects.pkl" "$SIZE_MIB" <<'PY'
import pickle, sys, random, types
path, mib = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
class Record:          # pickled by reference: one GLOBAL, then a BINGET per object
    pass
for name in ("bench", "bench.records"):
    sys.modules[name] = types.ModuleType(name)
sys.modules["bench.records"].Record = Record
Record.__module__ = "bench.records"
out = open(path, "wb")
p = pickle.Pickler(out, protocol=4)
# One stream: a list of batches, each batch a list of small objects.
def batch(base):
    rows = []
    for i in range(base, base + 2000):
        r = Record()
        r.__dict__.update({"id": i, "name": "item%d" % i, "score": rnd.random(),
                           "tags": ["a", "b", str(i % 7)], "pos": (i, i + 1)})
        rows.append(r)
    return rows
data, size, base = [], 0, 0
while size < mib * 1048576:
    b = batch(base)
    base += 2000
    data.append(b)
    size += len(pickle.dumps(b, protocol=4))
p.dump(data)
out.close()
PY
bytes=$(wc -c < "$work/objects.pkl")
cc -O2 -I"$src/include" -I"$src/src" -I"$build" "$src/bench/pickle-feed.c" "$lib" \
    $(pkg-config --libs libcrypto libarchive zlib jansson) \
    $(pkg-config --libs yaml-0.1 2>/dev/null || true) -lpthread -o "$work/pickle-feed"

# median CPU seconds of RUNS runs of a command
# A run that fails (exit 2 or more; 1 is findings) stops the benchmark.
median() {
	: > "$work/runs"
	for i in $(seq "$RUNS"); do
		st=0
		/usr/bin/time -f '%U %S' -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || st=$?
		if [ "$st" -ge 2 ]; then
			echo "pickle.sh: $* failed (exit $st):" >&2
			cat "$work/stderr" >&2
			exit 2
		fi
		tail -n 1 "$work/time" | awk '{ printf "%.3f\n", $1 + $2 }' >> "$work/runs"
	done
	sort -n "$work/runs" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

cat "$work/objects.pkl" > /dev/null
"$work/pickle-feed" "$work/objects.pkl" > "$work/feed.out"
read total secs nfind < "$work/feed.out"
sha=$(median sha256sum "$work/objects.pkl")
feed=$(median "$work/pickle-feed" "$work/objects.pkl")
scan=$(median "$build/mavis" scan --jobs 1 --no-progress -f json "$work/objects.pkl")
mib=$(echo "$bytes" | awk '{ printf "%.1f", $1 / 1048576 }')
rate() { echo "$bytes $1" | awk '{ printf "%.0f", $1 / 1048576 / $2 }'; }
printf 'pickle: %s MiB stream of small objects, one core, median CPU s of %s runs\n' "$mib" "$RUNS"
printf '  %-34s %6s s  %5s MiB/s\n' "sha256sum" "$sha" "$(rate "$sha")"
printf '  %-34s %6s s  %5s MiB/s   (%s finding(s))\n' "pickle machine alone" "$feed" \
    "$(rate "$feed")" "$nfind"
printf '  %-34s %6s s  %5s MiB/s\n' "mavis scan --jobs 1 (hash+analyse)" "$scan" "$(rate "$scan")"
echo "$feed $bytes" | awk '{ r = $2 / 1048576 / $1; printf "  target 200 MiB/s: %s\n", (r >= 200 ? "met" : "NOT met") }'
