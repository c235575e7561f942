#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# scan.sh: benchmarks of mavis scan, each part against a reference run in the same run of
# this script on this machine, median of RUNS runs.
#   reports     what writing each report costs on a 10,000-file package, as the extra time
#               over the same scan writing the text report (whose output for a clean
#               package is a few lines). Target: every format within 5%.
#   checkpoint  mavis scan of a 1 GiB PyTorch-style zip checkpoint (stored tensors and a
#               data.pkl as torch.save writes it) against mavis hash and openssl dgst -sha256
#               of the same file. Target: scan at most 1.15x hash.
#
#   bench/scan.sh [reports|checkpoint|all] [BUILDDIR]     (default: reports, BUILDDIR .)
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
# A run that fails (exit 2 or more; 1 is findings) stops the benchmark, rather than timing
# an error message.
median() {
	: > "$work/runs"
	for i in $(seq "$RUNS"); do
		st=0
		/usr/bin/time -f '%U %S %e' -o "$work/time" "$@" > /dev/null 2> "$work/stderr" || st=$?
		if [ "$st" -ge 2 ]; then
			echo "scan.sh: $* failed (exit $st):" >&2
			cat "$work/stderr" >&2
			exit 2
		fi
		tail -n 1 "$work/time" | awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' >> "$work/runs"
	done
	sort -n "$work/runs" | awk '{ c[NR] = $1; w[NR] = $2 } END { m = int((NR + 1) / 2); print c[m], w[m] }'
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
	# A few hundredths of a second are within the noise of CPU time on a shared machine;
	# instructions counted by callgrind are not (the same count on every run).
	command -v valgrind > /dev/null || { echo "  (no valgrind: instruction counts skipped)"; return; }
	real=$MAVIS
	[ -x "$(dirname "$MAVIS")/.libs/mavis" ] && real=$(dirname "$MAVIS")/.libs/mavis
	printf 'reports: instructions (valgrind --tool=callgrind, --jobs 1), %s files\n' "$FILES"
	for f in text json sarif cyclonedx; do
		LD_LIBRARY_PATH="$(dirname "$real")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$real" scan --jobs 1 \
		    --no-progress -f $f -o "$work/r.$f" "$work/pkg" 2> "$work/vg" || true
		ir=$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' "$work/vg")
		[ -n "$ir" ] || { cat "$work/vg" >&2; exit 2; }
		[ $f = text ] && base_ir=$ir
		printf '  %-26s %13s   %+5.1f%% over text\n' "mavis scan -f $f" "$ir" \
		    "$(echo "$ir $base_ir" | awk '{ print ($1 - $2) * 100 / $2 }')"
	done
}

checkpoint() {
	# torch.save's layout without torch: archive/data.pkl (protocol 2, a dict of
	# torch._utils._rebuild_tensor_v2 calls over persistent storage ids), archive/data/N
	# (raw storages, stored, 64-byte aligned), archive/version and archive/byteorder.
	python3 - "$work/model.pt" "${CKPT_MIB:-1024}" <<'PY'
import pickle, sys, zipfile
path, mib = sys.argv[1], int(sys.argv[2])
class Storage:
    def __init__(self, key, n): self.key, self.n = key, n
class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", FloatStorage, obj.key, "cpu", obj.n)
        return None
def glob(module, name):
    f = type(name, (), {}); f.__module__, f.__qualname__ = module, name
    sys.modules.setdefault(module, type(sys)(module)); setattr(sys.modules[module], name, f)
    return f
FloatStorage = glob("torch", "FloatStorage")
rebuild = glob("torch._utils", "_rebuild_tensor_v2")
OrderedDict = __import__("collections").OrderedDict
class Call:
    def __init__(self, fn, args): self.fn, self.args = fn, args
    def __reduce__(self): return (self.fn, self.args)
sizes = [64 << 20] * (mib // 64)
state = OrderedDict()
for i, n in enumerate(sizes):
    st = Storage(str(i), n // 4)
    state["layers.%d.weight" % i] = Call(rebuild, (st, 0, (n // 4096, 1024), (1024, 1),
                                                   False, OrderedDict()))
import io
buf = io.BytesIO(); Pickler(buf, protocol=2).dump(state)
block = bytes(range(256)) * 4096   # 1 MiB, varied but cheap to write
with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
    z.writestr("archive/data.pkl", buf.getvalue())
    z.writestr("archive/byteorder", "little")
    for i, n in enumerate(sizes):
        with z.open("archive/data/%d" % i, "w", force_zip64=True) as f:
            for _ in range(n >> 20):
                f.write(block)
    z.writestr("archive/version", "3\n")
PY
	cat "$work/model.pt" > /dev/null
	"$MAVIS" scan --no-progress -f json -o "$work/ckpt.json" "$work/model.pt" || true
	grep -q '"rule": "pickle.format.allowlisted"' "$work/ckpt.json" ||
	    { echo "scan.sh: the checkpoint was not read as PyTorch" >&2; exit 2; }
	ossl=$(median openssl dgst -sha256 "$work/model.pt")
	hash=$(median "$MAVIS" hash --no-progress "$work/model.pt")
	scan=$(median "$MAVIS" scan --no-progress -f json -o "$work/ckpt.json" "$work/model.pt")
	printf 'checkpoint: %s MiB PyTorch zip, median of %s runs; CPU s (user+system), wall s\n' \
	    "$(($(wc -c < "$work/model.pt") >> 20))" "$RUNS"
	printf '  %-26s %s   (reference)\n' "openssl dgst -sha256" "$ossl"
	printf '  %-26s %s\n' "mavis hash" "$hash"
	printf '  %-26s %s   wall %.2fx mavis hash, CPU %.2fx  (target <= 1.15x)\n' \
	    "mavis scan" "$scan" \
	    "$(echo "$scan $hash" | awk '{ print $2 / $4 }')" \
	    "$(echo "$scan $hash" | awk '{ print $1 / $3 }')"
}

case $part in
reports) reports ;;
checkpoint) checkpoint ;;
all) reports; checkpoint ;;
*) echo "usage: bench/scan.sh [reports|checkpoint|all] [BUILDDIR]" >&2; exit 2 ;;
esac
