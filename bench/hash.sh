#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hash.sh: mavis hash against sha256sum and openssl dgst on a model-like tree, in one run;
# then against openssl speed (the per-core SHA-256 limit), the best split of 1 GB shards,
# b3sum (BLAKE3, one thread and all) and 10,000 files of 4 KiB (CPU per file).
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

# ---- BLAKE3, the per-core SHA-256 limit, the shard bound, 10,000 small files ----
# CPU seconds (user + system) are given beside wall seconds: on a shared machine the wall
# clock measures the neighbours too, CPU time much less so.

# cpu NAME CMD...: best of 3 by CPU time; keeps "wall cpu" in $out/NAME.
cpu() {
	name=$1
	shift
	best=
	for _ in 1 2 3; do
		/usr/bin/time -f '%e %U %S' -o "$out/$name.t" "$@" >"$out/$name.stdout"
		line=$(awk '{printf "%.3f %.3f", $1, $2 + $3}' "$out/$name.t")
		if [ -z "$best" ] || [ "$(echo "$line $best" | awk '{print ($2 < $4)}')" = 1 ]; then
			best=$line
		fi
	done
	echo "$best" >"$out/$name"
}
wall() { cut -d' ' -f1 "$out/$1"; }
cpus() { cut -d' ' -f2 "$out/$1"; }

# 10,000 files of 4 KiB (built once, beside the rest).
if [ ! -f "$dir/.small10k" ]; then
	echo "building 10,000 files of 4 KiB in $dir/small10k (once)"
	rm -rf "$dir/small10k"
	mkdir -p "$dir/small10k"
	fill "$dir/small10k.bin" $((10000 * 4096)) 7
	(cd "$dir/small10k" && split -a 4 -d -b 4096 ../small10k.bin f && rm -f ../small10k.bin)
	touch "$dir/.small10k"
fi
cat "$dir"/small10k/* >/dev/null

# The per-core limit: OpenSSL's own SHA-256 on 1 MiB buffers (user CPU time).
limit=$(openssl speed -evp sha256 -bytes 1048576 -seconds 3 2>/dev/null |
    awk '$1 == "sha256" {sub(/k$/, "", $2); printf "%.0f", $2 * 1000}')
cpu sha_whole1 "$mavis" hash --no-progress --jobs 1 large/model.safetensors
cpu sha_whole "$mavis" hash --no-progress large/model.safetensors
cpu sha_shards "$mavis" hash --no-progress --shard-size 1000000000 large/model.safetensors
# The best split of those shards over the cores, in bytes (every assignment tried).
bound_bytes=$(awk -v size="$large_bytes" -v ss=1000000000 -v cores="$cores" 'BEGIN {
	n = 0
	for (s = 0; s < size; s += ss) { len[n++] = (size - s < ss) ? size - s : ss }
	best = size; total = 1
	for (i = 0; i < n; i++) total *= cores
	for (a = 0; a < total; a++) {
		for (c = 0; c < cores; c++) load[c] = 0
		x = a
		for (i = 0; i < n; i++) { load[x % cores] += len[i]; x = int(x / cores) }
		m = 0
		for (c = 0; c < cores; c++) if (load[c] > m) m = load[c]
		if (m < best) best = m
	}
	printf "%.0f", best }')

have_b3=no
if command -v b3sum >/dev/null; then
	have_b3=yes
	cpu b3_mavis1 "$mavis" hash --no-progress -a blake3 --jobs 1 large/model.safetensors
	cpu b3_b3sum1 b3sum --num-threads 1 large/model.safetensors
	cpu b3_mavis "$mavis" hash --no-progress -a blake3 large/model.safetensors
	cpu b3_b3sum b3sum large/model.safetensors
	cpu b3_mavis_tree "$mavis" hash --no-progress -a blake3 tree
	cpu b3_b3sum_tree sh -c 'find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 b3sum --'
	peak b3_mavis "$mavis" hash --no-progress -a blake3 large/model.safetensors
	[ "$(cut -c1-64 "$out/b3_mavis.stdout")" = "$(cut -c1-64 "$out/b3_b3sum.stdout")" ] ||
	    { echo "hash.sh: mavis and b3sum disagree on the large file" >&2; exit 1; }
	LC_ALL=C sort "$out/b3_mavis_tree.stdout" >"$out/a"
	LC_ALL=C sort "$out/b3_b3sum_tree.stdout" >"$out/b"
	cmp -s "$out/a" "$out/b" || { echo "hash.sh: mavis and b3sum disagree on the tree" >&2; exit 1; }
fi

cpu small1 "$mavis" hash --no-progress --jobs 1 small10k
cpu small "$mavis" hash --no-progress small10k
peak small "$mavis" hash --no-progress small10k
small_ir=
if command -v valgrind >/dev/null; then
	real=$mavis
	[ -x "$(dirname "$mavis")/.libs/mavis" ] && real=$(dirname "$mavis")/.libs/mavis
	for n in 1000 10000; do
		LD_LIBRARY_PATH="$(dirname "$real")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		    valgrind --tool=callgrind --callgrind-out-file="$out/cg.$n" "$real" hash \
		    --no-progress --jobs 1 $(ls -d small10k/* | head -n $n) >/dev/null 2>"$out/vg" ||
		    true
		eval "ir_$n=\$(sed -n 's/.*Collected : *\([0-9]*\).*/\1/p' \"\$out/vg\")"
		# valgrind hides the SHA extensions, so OpenSSL runs its plain code there: its
		# count is given apart.
		eval "crypto_$n=\$(callgrind_annotate --inclusive=no \"\$out/cg.\$n\" 2>/dev/null |
		    awk '/libcrypto/ {gsub(\",\", \"\", \$1); s += \$1} END {printf \"%.0f\", s}')"
	done
	# The difference between 10,000 and 1,000 files leaves out the start-up cost.
	[ -n "$ir_1000" ] && [ -n "$ir_10000" ] &&
	    small_ir=$(echo "$ir_1000 $ir_10000 $crypto_1000 $crypto_10000" |
	    awk '{printf "%.0f (of which OpenSSL %.0f)", ($2 - $1) / 9000, ($4 - $3) / 9000}')
fi

cps() { echo "$1 $2" | awk '{printf "%8.0f", $1 / $2 / 1048576}'; }
echo
echo "load average while running: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo
printf '%-44s %8s %8s %10s %10s\n' "SHA-256, one 2 GiB file" "wall s" "CPU s" "MiB/s CPU" "of limit"
printf '%-44s %8s %8s %10s %10s\n' "openssl speed -evp sha256 -bytes 1048576" "" "" \
    "$(echo "$limit" | awk '{printf "%.0f", $1 / 1048576}')" "1.00x"
for r in "mavis hash --jobs 1 (whole):sha_whole1" "mavis hash (whole):sha_whole"; do
	k=${r#*:}
	printf '%-44s %8s %8s %10s %10s\n' "${r%%:*}" "$(wall "$k")" "$(cpus "$k")" \
	    "$(cps "$large_bytes" "$(cpus "$k")")" \
	    "$(echo "$large_bytes $(cpus "$k") $limit" | awk '{printf "%.2fx", $1 / $2 / $3}')"
done
bound=$(echo "$bound_bytes $limit" | awk '{printf "%.3f", $1 / $2}')
printf '%-44s %8s %8s %10s %10s\n' "mavis hash --shard-size 1000000000" "$(wall sha_shards)" \
    "$(cpus sha_shards)" "" \
    "$(echo "$bound $(wall sha_shards)" | awk '{printf "%.2fx", $1 / $2}')"
echo "  (shard bound: the best split of the shards over $cores cores at the openssl rate: $bound s;"
echo "   'of limit' for the shards is that bound over mavis's wall time)"
if [ "$have_b3" = yes ]; then
	echo
	printf '%-44s %8s %8s %10s %10s\n' "BLAKE3" "wall s" "CPU s" "MiB/s wall" "mavis is"
	for r in "2 GiB, one thread:b3_mavis1:b3_b3sum1" "2 GiB, all threads:b3_mavis:b3_b3sum" \
	    "the tree:b3_mavis_tree:b3_b3sum_tree"; do
		label=${r%%:*}; rest=${r#*:}; m=${rest%%:*}; b=${rest#*:}
		bytes=$large_bytes
		[ "$m" = b3_mavis_tree ] && bytes=$tree_bytes
		printf '%-44s %8s %8s %10s %10s\n' "mavis, $label" "$(wall "$m")" "$(cpus "$m")" \
		    "$(cps "$bytes" "$(wall "$m")")" "$(ratio "$(wall "$m")" "$(wall "$b")")"
		printf '%-44s %8s %8s %10s %10s\n' "b3sum, $label" "$(wall "$b")" "$(cpus "$b")" \
		    "$(cps "$bytes" "$(wall "$b")")" ""
	done
	printf '%-44s %10s\n' "mavis all threads over mavis one thread" \
	    "$(ratio "$(wall b3_mavis)" "$(wall b3_mavis1)")"
	echo "peak memory (max RSS), BLAKE3 on the 2 GiB file: $(($(s b3_mavis.rss) / 1024)) MiB"
else
	echo "(no b3sum: BLAKE3 figures skipped)"
fi
echo
printf '%-44s %8s %8s %12s\n' "10,000 files of 4 KiB" "wall s" "CPU s" "CPU us/file"
for r in "mavis hash --jobs 1:small1" "mavis hash:small"; do
	k=${r#*:}
	printf '%-44s %8s %8s %12s\n' "${r%%:*}" "$(wall "$k")" "$(cpus "$k")" \
	    "$(echo "$(cpus "$k")" | awk '{printf "%.1f", $1 * 1e6 / 10000}')"
done
[ -n "$small_ir" ] && echo "instructions per file (callgrind, --jobs 1, start-up left out): $small_ir"
echo "peak memory (max RSS), 10,000 files: $(($(s small.rss) / 1024)) MiB"
echo
echo "targets: SHA-256 >= 0.95x the limit; shards within 5% of the bound; BLAKE3 >= 0.90x"
echo "b3sum on one thread and >= 1.8x itself on $cores threads; 15 us of CPU per small file"
