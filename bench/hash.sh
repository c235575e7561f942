#!/bin/sh
# hash.sh: mavis hash against sha256sum and openssl dgst on a model-like tree, in one run.
#
#   bench/hash.sh [MAVIS]      (MAVIS defaults to ./mavis, then mavis on $PATH)
#
# Builds (once, kept for later runs) in $BENCH_DIR, default a folder under ${TMPDIR:-/tmp}:
#   tree/   8 files of 256 MiB and 1000 small files (1 KiB to 256 KiB)
#   large/  one 2 GiB file
# Content is deterministic and incompressible (AES-CTR of zeros under a fixed key), written
# in full (no sparse holes). Every figure is taken with a warm page cache, so the numbers
# compare the hashing engines rather than the disk. Ratios are mavis's throughput divided by
# the reference's.
set -eu

mavis=${1:-}
if [ -z "$mavis" ]; then
	if [ -x ./mavis ]; then mavis=./mavis; else mavis=$(command -v mavis || true); fi
fi
[ -n "$mavis" ] && [ -x "$mavis" ] || { echo "hash.sh: no mavis program (pass its path)" >&2; exit 2; }
case $mavis in /*) ;; *) mavis=$(cd "$(dirname "$mavis")" && pwd)/$(basename "$mavis") ;; esac
for tool in openssl sha256sum xargs; do
	command -v $tool >/dev/null || { echo "hash.sh: $tool is missing" >&2; exit 2; }
done
if [ ! -x /usr/bin/time ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		apt-get install -y -qq time >/dev/null
	else
		echo "hash.sh: /usr/bin/time is missing (apt-get install time)" >&2
		exit 2
	fi
fi

cores=$(nproc)
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/mavis-bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
MiB=1048576

# fill FILE BYTES SEED: BYTES of keyed AES-CTR output.
fill() {
	key=$(printf '%032x' "$3")
	head -c "$2" /dev/zero |
	    openssl enc -aes-128-ctr -K "$key" -iv 00000000000000000000000000000000 -nosalt >"$1"
}

build() {
	if [ -f "$dir/.complete" ]; then
		return
	fi
	echo "building the tree in $dir (about 4.3 GiB, once)"
	rm -rf "$dir/tree" "$dir/large"
	mkdir -p "$dir/tree/weights" "$dir/tree/small" "$dir/large"
	i=0
	while [ $i -lt 8 ]; do
		fill "$dir/tree/weights/model-0000$i-of-00008.bin" $((256 * MiB)) $((i + 1))
		i=$((i + 1))
	done
	# 1000 small files spread over 10 folders, sizes between 1 KiB and 256 KiB.
	i=0
	while [ $i -lt 1000 ]; do
		sub="$dir/tree/small/part$((i % 10))"
		mkdir -p "$sub"
		fill "$sub/file$i.json" $((1024 + (i * 7919) % (255 * 1024))) $((i + 100))
		i=$((i + 1))
	done
	fill "$dir/large/model.safetensors" $((2048 * MiB)) 99
	touch "$dir/.complete"
}

build
tree_bytes=$(find "$dir/tree" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
weights_bytes=$(find "$dir/tree/weights" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
large_bytes=$(stat -c %s "$dir/large/model.safetensors")
# Warm the page cache for everyone alike.
find "$dir/tree" "$dir/large" -type f -exec cat {} + >/dev/null

now() { date +%s.%N; }
out=$(mktemp -d "${TMPDIR:-/tmp}/mavis-bench-out.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

# run NAME CMD...: time one command (best of 3), keep its seconds in $out/NAME.
run() {
	name=$1
	shift
	best=
	for _ in 1 2 3; do
		t0=$(now)
		"$@" >"$out/$name.stdout"
		t1=$(now)
		t=$(echo "$t0 $t1" | awk '{printf "%.3f", $2 - $1}')
		if [ -z "$best" ] || [ "$(echo "$t $best" | awk '{print ($1 < $2)}')" = 1 ]; then
			best=$t
		fi
	done
	echo "$best" >"$out/$name"
}

# peak NAME CMD...: maximum resident set size of one run, in KiB.
peak() {
	name=$1
	shift
	/usr/bin/time -v -o "$out/$name.time" "$@" >/dev/null
	awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$name.time" >"$out/$name.rss"
}

cd "$dir"
list() { find "$1" -type f -print0 | LC_ALL=C sort -z; }

run mavis_tree "$mavis" hash --no-progress tree
run sha256sum_tree sh -c 'find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum'
run openssl1_tree sh -c 'find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 -n 1 openssl dgst -sha256'
run opensslP_tree sh -c "find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 -n 1 -P $cores openssl dgst -sha256"
run mavis_weights "$mavis" hash --no-progress tree/weights
run opensslP_weights sh -c "find tree/weights -type f -print0 | LC_ALL=C sort -z | xargs -0 -n 1 -P $cores openssl dgst -sha256"
run mavis_large "$mavis" hash --no-progress --shard-size 268435456 large/model.safetensors
run mavis_large_whole "$mavis" hash --no-progress large/model.safetensors
run openssl1_large openssl dgst -sha256 large/model.safetensors
peak mavis_tree "$mavis" hash --no-progress tree
peak mavis_large "$mavis" hash --no-progress --shard-size 268435456 large/model.safetensors

# The digests must agree, or the timing means nothing.
LC_ALL=C sort "$out/mavis_tree.stdout" >"$out/a"
LC_ALL=C sort "$out/sha256sum_tree.stdout" >"$out/b"
cmp -s "$out/a" "$out/b" || { echo "hash.sh: mavis and sha256sum disagree on the tree" >&2; exit 1; }
want=$(awk '{print $NF}' "$out/openssl1_large.stdout")
got=$(awk '{print $1}' "$out/mavis_large_whole.stdout")
[ "$want" = "$got" ] || { echo "hash.sh: mavis and openssl disagree on the large file" >&2; exit 1; }

rate() { echo "$1 $2" | awk '{printf "%8.0f", $1 / $2 / 1048576}'; }
ratio() { echo "$1 $2" | awk '{printf "%5.2fx", $2 / $1}'; }
s() { cat "$out/$1"; }

echo
echo "mavis: $("$mavis" --version | head -n 1)  cores: $cores  openssl: $(openssl version | cut -d' ' -f2)"
echo "tree: $((tree_bytes / MiB)) MiB in $(find tree -type f | wc -l) files; large: $((large_bytes / MiB)) MiB"
echo
printf '%-44s %8s %8s %12s\n' "tree" "seconds" "MiB/s" "mavis is"
for r in "mavis hash:mavis_tree" "sha256sum:sha256sum_tree" \
    "openssl dgst, one file at a time:openssl1_tree" \
    "openssl dgst, xargs -P $cores:opensslP_tree"; do
	label=${r%%:*}
	key=${r#*:}
	if [ "$key" = mavis_tree ]; then rel=; else rel=$(ratio "$(s mavis_tree)" "$(s "$key")"); fi
	printf '%-44s %8s %8s %12s\n' "$label" "$(s "$key")" "$(rate "$tree_bytes" "$(s "$key")")" "$rel"
done
echo
printf '%-44s %8s %8s %12s\n' "tree/weights only (8 x 256 MiB)" "seconds" "MiB/s" "mavis is"
printf '%-44s %8s %8s %12s\n' "mavis hash" "$(s mavis_weights)" \
    "$(rate "$weights_bytes" "$(s mavis_weights)")" ""
printf '%-44s %8s %8s %12s\n' "openssl dgst, xargs -P $cores" "$(s opensslP_weights)" \
    "$(rate "$weights_bytes" "$(s opensslP_weights)")" \
    "$(ratio "$(s mavis_weights)" "$(s opensslP_weights)")"
echo
printf '%-44s %8s %8s %12s\n' "one 2 GiB file" "seconds" "MiB/s" "mavis is"
printf '%-44s %8s %8s %12s\n' "mavis hash --shard-size 268435456" "$(s mavis_large)" \
    "$(rate "$large_bytes" "$(s mavis_large)")" ""
printf '%-44s %8s %8s %12s\n' "mavis hash (whole file)" "$(s mavis_large_whole)" \
    "$(rate "$large_bytes" "$(s mavis_large_whole)")" \
    "$(ratio "$(s mavis_large)" "$(s mavis_large_whole)")"
printf '%-44s %8s %8s %12s\n' "openssl dgst -sha256" "$(s openssl1_large)" \
    "$(rate "$large_bytes" "$(s openssl1_large)")" \
    "$(ratio "$(s mavis_large)" "$(s openssl1_large)")"
echo
echo "peak memory (max RSS): tree $(($(s mavis_tree.rss) / 1024)) MiB, large with shards $(($(s mavis_large.rss) / 1024)) MiB"
echo
echo "targets on 2 cores: tree >= 0.90x parallel openssl; large >= 1.70x openssl; RSS < 64 MiB"
