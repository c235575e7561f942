#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# blake3.sh: mavis hash -a blake3 against b3sum, with each BLAKE3 implementation this CPU runs
# forced in turn (MAVIS_BLAKE3_IMPL): the lengths of the official test vectors (the repeating
# 0..250 byte pattern), random files of awkward sizes, a 3 GiB sparse file with one and with
# every worker, and --check in both directions. Run by make check; skipped without b3sum.
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
[ -n "$py" ] || py=python3
fails=0
command -v b3sum >/dev/null || { echo "skip - b3sum is not installed (apt-get install b3sum)"; exit 77; }
command -v "$py" >/dev/null || { echo "blake3.sh: $py is missing"; exit 99; }
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-blake3-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 99

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

# The implementations to force: portable always, the others when /proc/cpuinfo says the CPU
# has their instructions (mavis must then run them; elsewhere they are skipped, visibly).
impls=portable
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null)
for pair in sse41:sse4_1 avx2:avx2 avx512:avx512f; do
	case " $flags " in
	*" ${pair#*:} "*) impls="$impls ${pair%%:*}" ;;
	*) skip "${pair%%:*}: this CPU lacks ${pair#*:}" ;;
	esac
done

# ---- inputs ----
mkdir vec rnd
"$py" - <<'PY' || { echo "blake3.sh: cannot write the inputs"; exit 99; }
import os, random
pattern = bytes(range(251))
# The input lengths of the BLAKE3 test vector file (test_vectors.json of the reference).
for n in (0, 1, 2, 3, 4, 5, 6, 7, 8, 63, 64, 65, 127, 128, 129, 1023, 1024, 1025, 2048, 2049,
          3072, 3073, 4096, 4097, 5120, 5121, 6144, 6145, 7168, 7169, 8192, 8193, 16384, 31744,
          102400):
    with open('vec/%06d' % n, 'wb') as f:
        f.write((pattern * (n // 251 + 1))[:n])
r = random.Random(14)
for n in (0, 1, 1023, 1024, 1025, (1 << 20) - 1, 1 << 20, (1 << 20) + 1,
          # past one 256-chunk batch, and not a whole number of reads
          (5 << 20) + 4097, 16 * 1024 * 255 + 1):
    with open('rnd/%08d' % n, 'wb') as f:
        f.write(r.randbytes(n))
PY
(cd vec && b3sum -- *) >vec.ref
(cd rnd && b3sum -- *) >rnd.ref

for impl in $impls; do
	(cd vec && MAVIS_BLAKE3_IMPL=$impl "$mavis" hash --no-progress -a blake3 -- *) >vec.out
	check "$impl: the test vector lengths as b3sum" cmp -s vec.out vec.ref
	(cd rnd && MAVIS_BLAKE3_IMPL=$impl "$mavis" hash --no-progress -a blake3 -- *) >rnd.out
	check "$impl: random files of awkward sizes as b3sum" cmp -s rnd.out rnd.ref
	(cd rnd && MAVIS_BLAKE3_IMPL=$impl "$mavis" hash --no-progress -a blake3 -) \
	    <rnd/05246977 >stdin.out
	check "$impl: standard input as b3sum" \
	    [ "$(cut -c1-64 stdin.out)" = "$(b3sum --no-names rnd/05246977)" ]
done
[ "$(wc -l <vec.ref)" = 35 ] || fail "the vector list is incomplete"

MAVIS_BLAKE3_IMPL=nonesuch "$mavis" hash --no-progress -a blake3 vec/000001 >bad.out 2>bad.err
check "an unknown MAVIS_BLAKE3_IMPL exits 2" [ $? = 2 ]
check "and says so on one line" [ "$(grep -c MAVIS_BLAKE3_IMPL bad.err)" = 1 ]

# ---- files past the size where BLAKE3 splits them over the workers ----
"$py" - <<'PY' || { echo "blake3.sh: cannot write the large files"; exit 99; }
import random
r = random.Random(3)
for n in ((8 << 20) + 1, 12 << 20, (33 << 20) - 1, (64 << 20) + 1025):
    with open('big-%d' % n, 'wb') as f:
        f.write(r.randbytes(n))
PY
b3sum big-* >big.ref
for jobs in 1 2 3 7; do
	"$mavis" hash --no-progress -a blake3 --jobs $jobs big-* >big.out
	check "large files, --jobs $jobs, as b3sum" cmp -s big.out big.ref
done
MAVIS_BLAKE3_IMPL=portable "$mavis" hash --no-progress -a blake3 --jobs 4 big-* >big.out
check "large files on the portable path, --jobs 4, as b3sum" cmp -s big.out big.ref
rm -f big-*

# ---- a 3 GiB sparse file with data at both ends and in the middle ----
sparse=$work/sparse.bin
head -c 5000 rnd/01048577 >"$sparse" &&
    dd if=rnd/00001025 of="$sparse" bs=1 seek=1610612000 conv=notrunc status=none &&
    truncate -s 3221225473 "$sparse" &&
    dd if=rnd/00001023 of="$sparse" bs=1 seek=3221225000 conv=notrunc status=none ||
    fail "cannot make the sparse file"
want=$(b3sum --no-names "$sparse")
for jobs in 1 0; do
	got=$("$mavis" hash --no-progress -a blake3 --jobs $jobs "$sparse" | cut -c1-64)
	check "3 GiB sparse file, --jobs $jobs, as b3sum" [ "$got" = "$want" ]
done

# ---- --check both ways, and names b3sum escapes ----
printf 'back' >'rnd/back\slash'
printf 'nl' >"rnd/$(printf 'new\nline')"
(cd rnd && b3sum -- *) >all.ref
(cd rnd && "$mavis" hash --no-progress -a blake3 -- *) >all.out
check "escaped names are written as b3sum writes them" cmp -s all.out all.ref
(cd rnd && "$mavis" hash --no-progress -a blake3 --check ../all.ref) >check.out 2>&1
check "mavis --check -a blake3 reads b3sum's list" [ $? = 0 ]
(cd rnd && b3sum --check ../all.out) >/dev/null 2>&1
check "b3sum --check reads mavis's list" [ $? = 0 ]
printf 'changed' >rnd/00000001
(cd rnd && "$mavis" hash --no-progress -a blake3 --check ../all.ref) >check.out 2>&1
check "--check -a blake3 finds a changed file" [ $? = 1 ]
check "and names it" grep -q '00000001: FAILED' check.out
(cd rnd && "$mavis" hash --no-progress --check ../all.ref) >/dev/null 2>&1
check "without -a blake3 the list is read as SHA-256, and does not match" [ $? = 1 ]

echo "blake3.sh: $fails failure(s)"
[ "$fails" = 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
