#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# hash.sh: mavis hash against sha256sum on a tree of awkward names, then --check, errors,
# JSON and standard input. Run by make check (MAVIS names the program).
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }

mavis=${MAVIS:-./mavis}
py=${PYTHON3:-python3}
[ -n "$py" ] || py=python3
fails=0
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-hash-test.XXXXXX") || exit 99
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
tree=$work/tree

ok() { echo "ok - $1"; }
fail() { echo "FAIL - $1"; fails=$((fails + 1)); }
# check NAME CMD...: the command must succeed.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else fail "$name"; fi
}

for tool in sha256sum find sort xargs tar gzip "$py"; do
	command -v "$tool" >/dev/null || { echo "hash.sh: $tool is missing"; exit 99; }
done

# ---- the tree ----
mkdir -p "$tree/sub dir/deeper" "$tree/-dashdir" "$tree/ünï" "$tree/a"
nl=$(printf 'new\nline')
cr=$(printf 'carriage\rreturn')
printf 'spaces' >"$tree/with spaces.txt"
printf 'newline' >"$tree/$nl"
printf 'return' >"$tree/$cr"
printf 'backslash' >"$tree/back\\slash"
printf 'both' >"$tree/mixed\\and
newline"
printf 'utf8' >"$tree/ünï/日本語.bin"
printf 'dash' >"$tree/-leading-dash"
printf 'dash2' >"$tree/--double-dash"
printf 'deep' >"$tree/sub dir/deeper/f"
printf 'a' >"$tree/a-b"
printf 'b' >"$tree/a/b"
printf 'tab' >"$tree/$(printf 'tab\there')"
: >"$tree/empty"
: >"$tree/-dashdir/empty too"
# 100 MiB of deterministic bytes, written in full (no holes).
"$py" -c '
import random, sys
r = random.Random(20240601)
with open(sys.argv[1], "wb") as f:
    for _ in range(100):
        f.write(r.randbytes(1 << 20))
' "$tree/large.bin" || { echo "hash.sh: cannot write the large file"; exit 99; }

cd "$work" || exit 99

# ---- mavis hash DIR is sha256sum over find | sort, line for line ----
"$mavis" hash --no-progress tree >mavis.out 2>mavis.err
rc=$?
find tree -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum -- >ref.out
check "mavis hash exits 0 on a clean tree" [ "$rc" = 0 ]
check "nothing on stderr for a clean tree" [ ! -s mavis.err ]
check "same lines as find | sort | sha256sum" cmp -s mavis.out ref.out
[ "$(wc -l <ref.out)" -ge 15 ] || fail "reference list too short"
check "sha256sum -c accepts mavis's list" sh -c 'sha256sum --quiet -c mavis.out >/dev/null 2>&1'

# A name starting with '-' on the command line, after --.
(cd tree && "$mavis" hash --no-progress -- -leading-dash --double-dash) >dash.out
(cd tree && sha256sum -- -leading-dash --double-dash) >dash.ref
check "names after -- are paths" cmp -s dash.out dash.ref
"$mavis" hash --no-progress -leading-dash >/dev/null 2>dash.err
check "a dashed name before -- is an unknown option (exit 2)" [ $? = 2 ]

# ---- --check ----
"$mavis" hash --no-progress --check mavis.out >check.out 2>check.err
check "--check passes on the unchanged tree" [ $? = 0 ]
check "--check says OK for every file" [ "$(grep -c ': OK$' check.out)" = "$(wc -l <mavis.out)" ]
printf 'changed' >"$tree/with spaces.txt"
rm "$tree/-leading-dash"
printf 'new' >"$tree/sub dir/extra file"
"$mavis" hash --no-progress --check mavis.out >check.out 2>check.err
check "--check exits 1 on differences" [ $? = 1 ]
check "--check reports the changed file" grep -qx 'tree/with spaces.txt: FAILED' check.out
check "--check reports the missing file" grep -qx 'tree/-leading-dash: MISSING' check.out
check "--check reports the extra file" grep -qx 'tree/sub dir/extra file: EXTRA' check.out
check "--quiet prints only differences" sh -c \
    "\"$mavis\" hash --no-progress --quiet --check mavis.out | grep -vc ': OK\$' | grep -qx 3"
printf 'spaces' >"$tree/with spaces.txt"
printf 'dash' >"$tree/-leading-dash"
rm "$tree/sub dir/extra file"

# ---- errors: exit 2 and one line naming the file ----
"$mavis" hash --no-progress tree/no-such-file >err.out 2>err.err
rc=$?
check "a missing input exits 2" [ "$rc" = 2 ]
check "one line on stderr for a missing input" [ "$(wc -l <err.err)" = 1 ]
check "the message names the missing file" grep -q 'tree/no-such-file' err.err
check "nothing on stdout for a missing input" [ ! -s err.out ]

printf 'secret' >"$tree/unreadable"
chmod 000 "$tree/unreadable"
runas=
if [ "$(id -u)" = 0 ]; then
	# root reads anything: drop to nobody for this one check.
	if command -v setpriv >/dev/null; then
		chmod 755 "$work" "$tree"
		runas="setpriv --reuid=65534 --regid=65534 --clear-groups"
		# The build folder may be out of nobody's reach (a private temporary folder).
		$runas "$mavis" --version >/dev/null 2>&1 || runas=
	fi
fi
if [ "$(id -u)" != 0 ] || [ -n "$runas" ]; then
	$runas "$mavis" hash --no-progress "$work/tree/unreadable" >err.out 2>err.err
	rc=$?
	check "an unreadable file exits 2" [ "$rc" = 2 ]
	check "one line on stderr for an unreadable file" [ "$(wc -l <err.err)" = 1 ]
	check "the message names the unreadable file" grep -q "tree/unreadable" err.err
else
	skip "unreadable file: running as root, and nobody cannot run $mavis"
fi
rm -f "$tree/unreadable"

# ---- JSON ----
"$mavis" hash --no-progress --format json tree >inv.json
check "--format json exits 0" [ $? = 0 ]
check "--format json is JSON" sh -c "\"$py\" -m json.tool <inv.json >/dev/null"
check "the JSON lists every file" sh -c "[ \"\$(grep -c '\"sha256\"' inv.json)\" = \"$(wc -l <ref.out)\" ]"
"$mavis" hash --no-progress --check inv.json >/dev/null 2>&1
check "--check reads the JSON inventory" [ $? = 0 ]

# ---- standard input ----
# (Control characters and backslashes in member names are findings: left out here.)
mkdir pkg && cp "$tree/with spaces.txt" "$tree/-leading-dash" "$tree/ünï/日本語.bin" pkg/ &&
    tar -czf pkg.tar.gz pkg || fail "cannot make pkg.tar.gz"
"$mavis" hash --no-progress --members pkg.tar.gz |
    sed 's|^\(\\\{0,1\}[0-9a-f]*  \)pkg\.tar\.gz|\1-|' >file.out
cat pkg.tar.gz | "$mavis" hash --no-progress --members - >stdin.out
check "standard input exits 0" [ $? = 0 ]
check "standard input gives the same digests, members included" cmp -s file.out stdin.out
check "--members lists the members" [ "$(grep -c '^\\\{0,1\}[0-9a-f]*  -!/' stdin.out)" = 3 ]

# ---- archives: sha256sum -c checks the default list; members only with --members ----
mkdir arch && cp pkg.tar.gz arch/ && printf 'plain' >arch/plain.txt
"$mavis" hash --no-progress arch >arch.sums
check "no member lines by default" [ "$(wc -l <arch.sums)" = 2 ]
check "sha256sum -c accepts a list of a folder with an archive" \
    sh -c 'sha256sum --quiet -c arch.sums >/dev/null 2>&1'
"$mavis" hash --no-progress --check arch.sums >/dev/null 2>check.err
check "--check reads a list without members (members are not extras)" [ $? = 0 ]
"$mavis" hash --no-progress --members arch >arch-members.sums
"$mavis" hash --no-progress --check arch-members.sums >/dev/null 2>check.err
check "--check reads a list with members" [ $? = 0 ]

# ---- names that would act on a terminal: escaped, as sha256sum marks escapes ----
mkdir tty
esc=$(printf 'esc\033[31mred')
csi=$(printf 'c1\302\233x')
bidi=$(printf 'bidi\342\200\256txt.exe')
printf 1 >"tty/$esc"
printf 2 >"tty/$csi"
printf 3 >"tty/$bidi"
printf 4 >"tty/$(printf 'raw\233byte')"
"$mavis" hash --no-progress tty >tty.sums
check "no escape character reaches the output" sh -c '! LC_ALL=C grep -q "$(printf "\033")" tty.sums'
check "no C1 control reaches the output" sh -c '! LC_ALL=C grep -q "$(printf "\302\233")" tty.sums && ! LC_ALL=C grep -q "$(printf "\233")" tty.sums'
check "no bidi override reaches the output" sh -c '! grep -q "$(printf "\342\200\256")" tty.sums'
check "escaped lines start with a backslash" [ "$(grep -c '^\\' tty.sums)" = 4 ]
check "ESC is shown as \\x1b" grep -q 'tty/esc\\x1b\[31mred$' tty.sums
check "U+202E is shown as \\u202e" grep -q 'tty/bidi\\u202etxt.exe$' tty.sums
"$mavis" hash --no-progress --check tty.sums >/dev/null 2>check.err
check "--check reads the escaped names back" [ $? = 0 ]

if [ "$fails" -gt 0 ]; then
	echo "hash.sh: $fails check(s) failed"
	exit 1
fi
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
echo "hash.sh: all checks passed"
