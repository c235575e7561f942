#!/bin/sh
# scan.sh: benchmarks of mavis scan. Part "reports": what writing each report costs on a
# 10,000-file package, as the extra time over the same scan writing the text report (whose
# output for a clean package is a few lines), median of RUNS runs, all in one run of this
# script on this machine. Target: every format within 5%.
#
#   bench/scan.sh [reports] [BUILDDIR]     (default BUILDDIR: .)
#
# Needs python3 (to build the package) and GNU time (/usr/bin/time).
set -eu
part=${1:-reports}
build=${2:-.}
MAVIS=${MAVIS:-$build/mavis}
src=$(cd "$(dirname "$0")/.." && pwd)
export MAVIS_SIGNATURES=${MAVIS_SIGNATURES:-$src/signatures}
RUNS=${RUNS:-5}
FILES=${FILES:-10000}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-bench-scan.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# The machine is shared: CPU time (user + system, GNU time) is what report writing adds, and
# it is far steadier than wall time under other load. Both are printed.
# median of RUNS runs: "CPU_SECONDS WALL_SECONDS"
median() {
	for i in $(seq "$RUNS"); do
		/usr/bin/time -f '%U %S %e' -o "$work/time" "$@" > /dev/null 2>&1 || true
		awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$work/time"
	done | sort -n | awk '{ c[NR] = $1; w[NR] = $2 } END { m = int((NR + 1) / 2); print c[m], w[m] }'
}

reports() {
	python3 - "$work/pkg" "$FILES" <<'PY'
import os, random, sys
root, n = sys.argv[1], int(sys.argv[2])
rnd = random.Random(1)
for i in range(n):
    d = os.path.join(root, "shard%03d" % (i % 100))
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "part%05d.bin" % i), "wb") as f:
        # A fixed text prefix, so no file starts with some format's magic by chance.
        f.write(b"mavis bench data\n" + rnd.randbytes(rnd.randint(1024, 16384)))
PY
	"$MAVIS" scan --no-progress "$work/pkg" > /dev/null 2>&1 || true   # warm the page cache
	base=$(median "$MAVIS" scan --no-progress -f text -o "$work/r.txt" "$work/pkg")
	hash=$(median "$MAVIS" hash --no-progress -o "$work/r.sums" "$work/pkg")
	printf 'reports: %s files, median of %s runs; CPU s (user+system), wall s\n' "$FILES" "$RUNS"
	printf '  %-26s %s\n' "mavis hash (walk + hash)" "$hash"
	printf '  %-26s %s   (reference)\n' "mavis scan -f text" "$base"
	for f in json sarif cyclonedx; do
		t=$(median "$MAVIS" scan --no-progress -f $f -o "$work/r.$f" "$work/pkg")
		printf '  %-26s %s   CPU %+5.1f%% over text  (%s bytes)\n' "mavis scan -f $f" "$t" \
		    "$(echo "$t $base" | awk '{ print ($1 - $3) * 100 / $3 }')" "$(wc -c < "$work/r.$f")"
	done
}

case $part in
reports) reports ;;
*) echo "usage: bench/scan.sh [reports] [BUILDDIR]" >&2; exit 2 ;;
esac
