#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# sign.sh: mavis sign, then mavis verify, against hashing the same tree with openssl dgst
# -sha256 on every core in parallel, in one run; when SoftHSM2 is installed, mavis sign with
# a key on a PKCS#11 token (a throwaway SoftHSM2 token) against the key file; and when node
# and tests/keyless's packages are there (npm ci --prefix tests/keyless), mavis sign sigstore
# against the loopback Fulcio, Rekor and timestamp authority stand-ins, beside the key file.
#
#   bench/sign.sh [MAVIS]      (MAVIS defaults to ./mavis, then mavis on $PATH)
#   BENCH_TREE_MIB=512 bench/sign.sh    a smaller tree (8 files of 64 MiB and the small ones)
#
# The tree (built once in $BENCH_DIR, default ${TMPDIR:-/tmp}/mavis-bench, the same one
# bench/hash.sh uses at the default size of 2048 MiB): 8 large files of BENCH_TREE_MIB/8 MiB
# and 1000 small files (1 KiB to 256 KiB) of incompressible, deterministic content. Every
# figure is the best of 3 with a warm page cache, so the engines are compared rather than the
# disk. "mavis is" is the reference's time divided by mavis's: 1.00x is as fast, below 0.91x
# is slower than the 1.1x target allows.
set -eu

mavis=${1:-}
if [ -z "$mavis" ]; then
	if [ -x ./mavis ]; then mavis=./mavis; else mavis=$(command -v mavis || true); fi
fi
[ -n "$mavis" ] && [ -x "$mavis" ] || { echo "sign.sh: no mavis program (pass its path)" >&2; exit 2; }
case $mavis in /*) ;; *) mavis=$(cd "$(dirname "$mavis")" && pwd)/$(basename "$mavis") ;; esac
for tool in openssl xargs find; do
	command -v $tool >/dev/null || { echo "sign.sh: $tool is missing" >&2; exit 2; }
done

cores=$(nproc)
dir=${BENCH_DIR:-${TMPDIR:-/tmp}/mavis-bench}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
MiB=1048576
big=$((${BENCH_TREE_MIB:-2048} / 8))
[ "$big" -ge 1 ] || { echo "sign.sh: BENCH_TREE_MIB must be at least 8" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
# hash.sh's tree at the default size; one of its own at another.
tree=tree
[ "$big" -eq 256 ] || tree=tree-$((big * 8))m

# fill FILE BYTES SEED: BYTES of keyed AES-CTR output.
fill() {
	key=$(printf '%032x' "$3")
	head -c "$2" /dev/zero |
	    openssl enc -aes-128-ctr -K "$key" -iv 00000000000000000000000000000000 -nosalt >"$1"
}

mark=$dir/.$tree-complete
if [ ! -f "$mark" ] && { [ "$tree" != tree ] || [ ! -f "$dir/.complete" ]; }; then
	echo "building the tree in $dir/$tree (about $((big * 8 + 123)) MiB, once)"
	rm -rf "${dir:?}/$tree"
	mkdir -p "$dir/$tree/weights" "$dir/$tree/small"
	i=0
	while [ $i -lt 8 ]; do
		fill "$dir/$tree/weights/model-0000$i-of-00008.bin" $((big * MiB)) $((i + 1))
		i=$((i + 1))
	done
	i=0
	while [ $i -lt 1000 ]; do
		sub="$dir/$tree/small/part$((i % 10))"
		mkdir -p "$sub"
		fill "$sub/file$i.json" $((1024 + (i * 7919) % (255 * 1024))) $((i + 100))
		i=$((i + 1))
	done
	touch "$mark"
fi
tree_bytes=$(find "$dir/$tree" -type f -printf '%s\n' | awk '{s += $1} END {printf "%.0f\n", s}')
nfiles=$(find "$dir/$tree" -type f | wc -l)
find "$dir/$tree" -type f -exec cat {} + >/dev/null

out=$(mktemp -d "${TMPDIR:-/tmp}/mavis-bench-sign.XXXXXX")
srv=
trap '[ -n "$srv" ] && kill "$srv" 2>/dev/null; rm -rf "$out"' EXIT INT TERM
"$mavis" keygen --type p256 --out "$out/k" >/dev/null
sig=$out/model.sig

now() { date +%s.%N; }
# run NAME CMD...: best of 3 wall-clock seconds in $out/NAME.
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

cd "$dir"
run openssl sh -c "find $tree -type f -print0 | xargs -0 -n 1 -P $cores openssl dgst -sha256"
run sign "$mavis" sign --no-progress --key "$out/k.key" --signature "$sig" $tree
run verify "$mavis" verify --no-progress --key "$out/k.pub" --signature "$sig" $tree
run sign_shards "$mavis" sign --no-progress --key "$out/k.key" --signature "$sig.shards" \
    --shard-size 64M $tree
run verify_shards "$mavis" verify --no-progress --key "$out/k.pub" --signature "$sig.shards" \
    $tree

# The same signing through a PKCS#11 token: only the statement's signature differs, so the
# target is the key file's time (at most 1.05x).
p11mod=${SOFTHSM2_MODULE:-/usr/lib/softhsm/libsofthsm2.so}
p11=no
if command -v softhsm2-util >/dev/null 2>&1 && [ -f "$p11mod" ]; then
	SOFTHSM2_CONF=$out/softhsm2.conf
	export SOFTHSM2_CONF
	mkdir "$out/tokens"
	printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' \
	    "$out" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label bench --so-pin 87654321 --pin 1234 >/dev/null
	uri="pkcs11:token=bench;object=bench?pin-value=1234&module-path=$p11mod"
	"$mavis" keygen --pkcs11 "$uri" --out "$out/p11" >/dev/null
	run sign_p11 "$mavis" sign --no-progress --key "$uri" --signature "$sig.p11" $tree
	"$mavis" verify --no-progress --key "$out/p11.pub" --signature "$sig.p11" $tree >/dev/null ||
	    { echo "sign.sh: the token's signature does not verify" >&2; exit 1; }
	# The token's own cost (module, session, login, one C_Sign) is fixed: measured on a
	# one-file model, where the machine's noise does not drown it as on the tree.
	mkdir "$out/one"
	printf 'x' >"$out/one/f"
	run one_file "$mavis" sign --no-progress --key "$out/k.key" --signature "$out/one.sig" \
	    "$out/one"
	run one_p11 "$mavis" sign --no-progress --key "$uri" --signature "$out/one.p11.sig" \
	    "$out/one"
	p11=yes
fi

# Keyless against the loopback stand-ins of tests/keyless: the hashing is the key file's; the
# rest is the ephemeral key, Fulcio, the timestamp authority and Rekor (one node process).
keyless=no
if command -v node >/dev/null 2>&1 && [ -d "$here/tests/keyless/node_modules/@sigstore/mock" ]
then
	mkdir "$out/srv"
	(cd "$here/tests/keyless" && exec node server.js "$out/srv") 2>"$out/srv.log" &
	srv=$!
	i=0
	while [ ! -f "$out/srv/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	[ -f "$out/srv/port" ] || { echo "sign.sh: the stand-ins did not start" >&2; exit 1; }
	node -e '
const e = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
const now = Math.floor(Date.now() / 1000);
process.stdout.write(`${e({ alg: "RS256" })}.${e({ iss: "https://issuer.example.org",
  sub: "bench@example.org", aud: "sigstore", iat: now, exp: now + 3600 })}.c2ln`);
' >"$out/token"
	run sign_keyless "$mavis" sign sigstore --no-progress --identity-token "@$out/token" \
	    --signing-config "$out/srv/signing_config.json" --signature "$sig.keyless" $tree
	"$mavis" verify --no-progress --trusted-root "$out/srv/trusted_root.json" \
	    --identity bench@example.org --identity-provider https://issuer.example.org \
	    --signature "$sig.keyless" $tree >/dev/null ||
	    { echo "sign.sh: the keyless signature does not verify" >&2; exit 1; }
	kill "$srv" 2>/dev/null
	srv=
	keyless=yes
fi

# The signature must list what openssl computed, or the timing means nothing.
grep -c . "$out/openssl.stdout" | grep -qx "$nfiles" ||
    { echo "sign.sh: openssl hashed a different number of files" >&2; exit 1; }
python3 - "$sig" "$out/openssl.stdout" "$tree" <<'EOF' || { echo "sign.sh: digests disagree" >&2; exit 1; }
import base64, json, sys
b = json.load(open(sys.argv[1]))
st = json.loads(base64.b64decode(b['dsseEnvelope']['payload']))
signed = {sys.argv[3] + '/' + r['name']: r['digest'] for r in st['predicate']['resources']}
ref = {}
for line in open(sys.argv[2]):
    name, hexd = line.rstrip('\n').rsplit('= ', 1)
    ref[name[name.index('(') + 1:-1]] = hexd
sys.exit(0 if signed == ref else 1)
EOF

s() { cat "$out/$1"; }
rate() { echo "$1 $2" | awk '{printf "%8.0f", $1 / $2 / 1048576}'; }
ratio() { echo "$1 $2" | awk '{printf "%5.2fx", $2 / $1}'; }
echo
echo "mavis: $("$mavis" --version | head -n 1)  cores: $cores  openssl: $(openssl version | cut -d' ' -f2)"
echo "tree: $((tree_bytes / MiB)) MiB in $nfiles files (8 x $big MiB and $((nfiles - 8)) small)"
echo
printf '%-46s %8s %8s %10s\n' "" "seconds" "MiB/s" "mavis is"
printf '%-46s %8s %8s %10s\n' "openssl dgst -sha256, xargs -P $cores" "$(s openssl)" \
    "$(rate "$tree_bytes" "$(s openssl)")" ""
for r in "mavis sign (files, sha256):sign" "mavis verify (files, sha256):verify" \
    "mavis sign --shard-size 64M:sign_shards" "mavis verify (64M shards):verify_shards"; do
	label=${r%%:*}
	key=${r#*:}
	printf '%-46s %8s %8s %10s\n' "$label" "$(s "$key")" "$(rate "$tree_bytes" "$(s "$key")")" \
	    "$(ratio "$(s "$key")" "$(s openssl)")"
done
echo
echo "target: sign and verify each within 1.1x of the parallel openssl time (mavis is >= 0.91x)"
if [ "$p11" = yes ]; then
	echo
	printf '%-46s %8s %8s %10s\n' "" "seconds" "MiB/s" "token/file"
	printf '%-46s %8s %8s %10s\n' "mavis sign, key file (P-256)" "$(s sign)" \
	    "$(rate "$tree_bytes" "$(s sign)")" ""
	printf '%-46s %8s %8s %10s\n' "mavis sign, key on SoftHSM2 (P-256)" "$(s sign_p11)" \
	    "$(rate "$tree_bytes" "$(s sign_p11)")" "$(echo "$(s sign_p11) $(s sign)" |
	    awk '{printf "%5.2fx", $1 / $2}')"
	printf '%-46s %8s %8s %10s\n' "mavis sign of a one-file model, key file" "$(s one_file)" "" ""
	printf '%-46s %8s %8s %10s\n' "mavis sign of a one-file model, SoftHSM2" "$(s one_p11)" "" \
	    "$(echo "$(s one_p11) $(s one_file)" | awk '{printf "%+.3f s", $1 - $2}')"
	echo "the token's fixed cost over the tree's key-file signing: $(echo \
	    "$(s one_p11) $(s one_file) $(s sign)" | awk '{printf "%.3fx", ($3 + $1 - $2) / $3}'),"\
	    "over 2 GiB at the key file's rate: $(echo "$(s one_p11) $(s one_file) $(s sign)" \
	    "$tree_bytes" | awk '{t = $3 * 2147483648 / $4; printf "%.3fx", (t + $1 - $2) / t}')"
	echo "target: the token costs at most 1.05x the key file"
else
	echo "(no SoftHSM2: the PKCS#11 row is left out)"
fi
if [ "$keyless" = yes ]; then
	echo
	printf '%-46s %8s %8s %10s\n' "" "seconds" "MiB/s" "over file"
	printf '%-46s %8s %8s %10s\n' "mavis sign, key file (hashing and signing)" "$(s sign)" \
	    "$(rate "$tree_bytes" "$(s sign)")" ""
	printf '%-46s %8s %8s %10s\n' "mavis sign sigstore, loopback stand-ins" \
	    "$(s sign_keyless)" "$(rate "$tree_bytes" "$(s sign_keyless)")" \
	    "$(echo "$(s sign_keyless) $(s sign)" | awk '{printf "%+.3f s", $1 - $2}')"
	echo "(Fulcio, the timestamp authority and Rekor on loopback: node's mock services)"
else
	echo "(no node or tests/keyless packages: the keyless row is left out)"
fi
