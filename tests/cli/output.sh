#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# output.sh: every file mavis writes (scan -o, hash -o, sign --signature, keygen --out) for
# every kind of target, as root and as an unprivileged user: a regular file is replaced whole,
# a device, FIFO, socket or descriptor is written straight into and never replaced, a symlink
# is written through; a write that fails is exit 2; a run killed while it writes leaves the
# earlier file whole and no temporary file.
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }
: "${MAVIS:?}" "${top_srcdir:?}"
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
if ! command -v "$PY" >/dev/null 2>&1; then
	echo "SKIP: python3 is needed to generate the packages"
	exit 77
fi
export MAVIS_SIGNATURES=${MAVIS_SIGNATURES:-$top_srcdir/signatures}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-output-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
"$PY" "$top_srcdir/testdata/scan/gen-scan.py" "$work/pkg" >/dev/null || exit 99
chmod 755 "$work"
cd "$work" || exit 99
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
# is NAME TEST...: the test command succeeds.
is() {
	name=$1
	shift
	if "$@"; then ok "$name"; else ko "$name"; sed 's/^/    /' err 2>/dev/null; fi
}
json() { "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$1" 2>/dev/null; }
no_temp() { ! ls -a "${1:-.}" | grep -q '\.tmp-'; }

# The user to run as: root, and nobody when this is root and nobody can run the build.
users=me
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null &&
    setpriv --reuid=65534 --regid=65534 --clear-groups "$MAVIS" --version >/dev/null 2>&1; then
	users="me nobody"
elif [ "$(id -u)" = 0 ]; then
	skip "unprivileged runs: nobody cannot run $MAVIS"
fi

for u in $users; do
	d=$work/$u
	mkdir "$d" && chmod 777 "$d"
	run=
	[ "$u" = nobody ] && run="setpriv --reuid=65534 --regid=65534 --clear-groups"
	scan() { $run "$MAVIS" scan --no-progress -f json "$@" "$work/pkg/clean"; }

	# A new path, then the same path again: a regular file, whole, mode kept.
	scan -o "$d/r.json" 2>err
	is "$u: new file" json "$d/r.json"
	chmod 640 "$d/r.json"
	scan -o "$d/r.json" 2>err
	is "$u: replaced file keeps its mode" [ "$(stat -c %a "$d/r.json")" = 640 ]
	is "$u: no temporary file" no_temp "$d"

	# Devices are written into, never replaced.
	scan -o /dev/null 2>err
	is "$u: /dev/null exit 0" [ $? = 0 ]
	is "$u: /dev/null is still a device" [ -c /dev/null ]
	scan -o /dev/full 2>err
	is "$u: /dev/full is exit 2" [ $? = 2 ]
	is "$u: /dev/full names the file" grep -q '/dev/full: No space left' err
	is "$u: /dev/full is still a device" [ -c /dev/full ]
	$run "$MAVIS" scan --no-progress "$work/pkg/clean" >/dev/full 2>err
	is "$u: text to a full standard output is exit 2" [ $? = 2 ]
	for f in json sarif cyclonedx; do
		$run "$MAVIS" scan --no-progress -f $f "$work/pkg/clean" >/dev/full 2>err
		is "$u: $f to a full standard output is exit 2" [ $? = 2 ]
	done
	$run "$MAVIS" hash --no-progress "$work/pkg/clean" >/dev/full 2>err
	is "$u: hash to a full standard output is exit 2" [ $? = 2 ]
	$run "$MAVIS" hash --no-progress -o /dev/full "$work/pkg/clean" 2>err
	is "$u: hash -o /dev/full is exit 2" [ $? = 2 ]

	# /dev/stdout and /dev/fd/N are the descriptors the shell opened.
	scan -o /dev/stdout >"$d/stdout.json" 2>err
	is "$u: -o /dev/stdout into a file" json "$d/stdout.json"
	is "$u: /dev/stdout is still a link" [ -L /dev/stdout ]
	scan -o /dev/stdout 2>err | cat >"$d/pipe.json"
	is "$u: -o /dev/stdout into a pipe" json "$d/pipe.json"
	echo '{}' >"$d/append.json"
	scan -o /dev/stdout >>"$d/append.json" 2>err
	is "$u: -o /dev/stdout keeps append mode" [ "$(head -1 "$d/append.json")" = '{}' ]
	scan -o /dev/fd/3 3>"$d/fd3.json" 2>err
	is "$u: -o /dev/fd/3" json "$d/fd3.json"
	scan -o /dev/fd/9 2>err
	is "$u: a closed descriptor is exit 2" [ $? = 2 ]

	# A FIFO is written into (and stays a FIFO).
	$run mkfifo "$d/fifo"
	timeout 60 cat "$d/fifo" >"$d/fifo.json" &
	scan -o "$d/fifo" 2>err
	wait
	is "$u: FIFO written into" json "$d/fifo.json"
	is "$u: FIFO still a FIFO" [ -p "$d/fifo" ]

	# A listening socket receives the report.
	"$PY" -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
os.chmod(sys.argv[1], 0o777)
s.listen(1)
s.settimeout(60)
open(sys.argv[1] + ".ready", "w").close()
c, _ = s.accept()
with open(sys.argv[2], "wb") as f:
    while True:
        b = c.recv(65536)
        if not b:
            break
        f.write(b)
' "$d/sock" "$d/sock.json" &
	i=0
	while [ ! -e "$d/sock.ready" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	scan -o "$d/sock" 2>err
	wait
	is "$u: socket written into" json "$d/sock.json"
	is "$u: socket still a socket" [ -S "$d/sock" ]

	# A symlink is written through: the target is new, the link stays.
	echo old >"$d/target.json"
	ln -s target.json "$d/link.json"
	scan -o "$d/link.json" 2>err
	is "$u: symlink stays" [ -L "$d/link.json" ]
	is "$u: symlink target written" json "$d/target.json"
	ln -s dangling.json "$d/dangle.json"
	scan -o "$d/dangle.json" 2>err
	is "$u: dangling symlink: its target created" json "$d/dangling.json"
	is "$u: dangling symlink stays" [ -L "$d/dangle.json" ]

	# A folder is an error; nothing is created in it.
	mkdir "$d/dir" && chmod 777 "$d/dir"
	scan -o "$d/dir" 2>err
	is "$u: a folder is exit 2" [ $? = 2 ]
	is "$u: nothing left in the folder" [ -z "$(ls -A "$d/dir")" ]

	# hash -o, sign --signature and keygen --out use the same writer.
	$run "$MAVIS" hash --no-progress -o "$d/link.json" "$work/pkg/clean" 2>err
	is "$u: hash -o through a symlink" [ -L "$d/link.json" ]
	is "$u: hash -o wrote the list" grep -q '  .*pkg/clean/' "$d/target.json"
	$run "$MAVIS" keygen --out "$d/k" >/dev/null 2>err
	is "$u: keygen" [ "$(stat -c %a "$d/k.key")" = 600 ]
	ln -s "$d/elsewhere.key" "$d/planted.key"
	$run "$MAVIS" keygen --out "$d/planted" >/dev/null 2>err
	is "$u: keygen refuses a planted symlink" [ $? = 2 ] && [ ! -e "$d/elsewhere.key" ]
	is "$u: keygen leaves no temporary file" no_temp "$d"
	cp -R "$work/pkg/clean" "$d/model"
	chmod -R a+rwX "$d/model"
	$run "$MAVIS" sign --no-progress --key "$d/k.key" --signature /dev/stdout "$d/model" \
	    >"$d/sig.out" 2>err
	is "$u: sign --signature /dev/stdout" grep -q '"dsseEnvelope"' "$d/sig.out"
	$run "$MAVIS" sign --no-progress --key "$d/k.key" --signature /dev/null "$d/model" 2>err \
	    >/dev/null
	is "$u: sign --signature /dev/null" [ -c /dev/null ]
	$run "$MAVIS" sign --no-progress --key "$d/k.key" --signature /dev/full "$d/model" 2>err \
	    >/dev/null
	is "$u: sign --signature /dev/full is exit 2" [ $? = 2 ]
	ln -s real.sig "$d/model.sig"
	$run "$MAVIS" sign --no-progress --key "$d/k.key" --signature "$d/model.sig" "$d/model" \
	    >/dev/null 2>err
	is "$u: sign through a symlink" [ -L "$d/model.sig" ] && grep -q dsse "$d/real.sig"
done

# A file the user may write in a folder that takes no new file: written in place.
if [ "$users" = "me nobody" ]; then
	mkdir "$work/locked" && touch "$work/locked/r.json" && chmod 666 "$work/locked/r.json"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MAVIS" scan --no-progress -f json \
	    -o "$work/locked/r.json" "$work/pkg/clean" 2>err
	is "nobody: a writable file in a locked folder" json "$work/locked/r.json"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MAVIS" scan --no-progress -f json \
	    -o "$work/locked/new.json" "$work/pkg/clean" 2>err
	is "nobody: a new file in a locked folder is exit 2" [ $? = 2 ]
	is "nobody: the error names the folder" grep -q 'cannot create a file in' err
fi

# Killed at random moments while it writes: the earlier report stays whole, and nothing is
# left beside it.
mkdir kill
"$MAVIS" scan --no-progress -f json -o kill/r.json pkg/clean 2>/dev/null
cp kill/r.json kill/first.json
# Random moments over the length of one run.
t0=$(date +%s%N)
"$MAVIS" scan --no-progress -f json -o kill/r.json pkg/clean pkg/hostile.tar 2>/dev/null
t1=$(date +%s%N)
delays=$("$PY" -c 'import random, sys; t = int(sys.argv[1]) / 1e9
print(" ".join("%.4f" % (random.random() * t * 1.2) for _ in range(8)))' $((t1 - t0)))
broken=0
left=0
for sig in KILL TERM INT HUP; do
	for delay in $delays; do
		"$MAVIS" scan --no-progress -f json -o kill/r.json pkg/clean pkg/hostile.tar \
		    2>/dev/null &
		pid=$!
		sleep "$delay"
		kill -s $sig $pid 2>/dev/null
		wait $pid 2>/dev/null
		json kill/r.json || broken=$((broken + 1))
		no_temp kill || { left=$((left + 1)); rm -f kill/r.json.tmp-*; }
	done
done
is "killed runs leave a whole report ($broken broken)" [ $broken = 0 ]
is "killed runs leave no temporary file ($left left)" [ $left = 0 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
