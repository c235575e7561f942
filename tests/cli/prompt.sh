#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# prompt.sh: an encrypted key asks for its passphrase on the terminal (/dev/tty), without
# echo, three tries, as gpg, cosign and signify do; without a terminal it says how to give
# one instead, and never waits. The terminal is a pseudo-terminal made by python3's pty.
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
if ! command -v "$PY" >/dev/null 2>&1 || ! "$PY" -c 'import pty' 2>/dev/null; then
	echo "SKIP: python3 with pty is needed"
	exit 77
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-prompt-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }

mkdir "$work/m"
printf 'weights' >"$work/m/w.bin"
echo "pass phrase" >"$work/pass"
"$mavis" keygen --out "$work/e" --passphrase-fd 3 3<"$work/pass" >/dev/null || exit 99

# ontty EXIT ANSWERS CMD...: run CMD on a new pseudo-terminal (its controlling terminal),
# type each line of ANSWERS (separated by |) after each passphrase prompt, and check the exit
# status; the terminal's output goes to $work/tty.
ontty() {
	"$PY" - "$work/tty" "$@" <<'PYEOF'
import os, pty, select, sys, time
log, want, answers, cmd = sys.argv[1], int(sys.argv[2]), sys.argv[3].split("|"), sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
out, deadline = b"", time.time() + 60
while time.time() < deadline:
    r, _, _ = select.select([fd], [], [], 1)
    if not r:
        continue
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
    # One answer per prompt seen so far.
    while answers and out.count(b"Passphrase for ") > len(sys.argv[3].split("|")) - len(answers):
        os.write(fd, answers.pop(0).encode() + b"\n")
else:
    os.kill(pid, 9)
    sys.stderr.write("no end after 60 seconds\n")
_, status = os.waitpid(pid, 0)
open(log, "wb").write(out)
code = os.waitstatus_to_exitcode(status)
if code != want:
    sys.stderr.write("exit %d, wanted %d\n" % (code, want))
    sys.exit(1)
PYEOF
}

if ontty 0 "pass phrase" "$mavis" sign --no-progress --key "$work/e.key" "$work/m"; then
	ok "sign: asked on the terminal, signed"
else
	ko "sign with the prompt"
fi
sed 's/^/    /' "$work/tty"
grep -q "Passphrase for $work/e.key: " "$work/tty" && ok "the prompt names the key" ||
	ko "no prompt naming the key"
grep -q "pass phrase" "$work/tty" && ko "the passphrase was echoed" || ok "no echo"
grep -q "^Signed 1 resource" "$work/tty" && ok "signed after the prompt" || ko "not signed"

if ontty 0 "wrong|pass phrase" "$mavis" keygen --show "$work/e.key"; then
	ok "keygen --show: a wrong passphrase, then the right one"
else
	ko "keygen --show with a retry"
fi
grep -q "wrong passphrase" "$work/tty" && ok "the wrong one is named" || ko "no 'wrong passphrase'"
grep -q "ECDSA P-256, hint" "$work/tty" && ok "the key shown" || ko "key not shown"

if ontty 2 "a|b|c" "$mavis" sign --no-progress --key "$work/e.key" "$work/m"; then
	ok "three wrong passphrases: exit 2"
else
	ko "three wrong passphrases"
fi
grep -q "no right passphrase in 3 tries" "$work/tty" && ok "three tries named" ||
	ko "no 'in 3 tries'"

# No terminal (a new session has no controlling one): the error, at once.
if command -v setsid >/dev/null 2>&1; then
	setsid -w "$mavis" sign --no-progress --key "$work/e.key" "$work/m" </dev/null \
		>"$work/out" 2>&1
	rc=$?
	[ "$rc" -eq 2 ] && ok "no terminal: exit 2" || ko "no terminal: exit $rc"
	grep -q "the key is encrypted: give its passphrase on a terminal, or with --passphrase-fd" \
		"$work/out" && ok "no terminal: says how" || { ko "no terminal message"; cat "$work/out"; }
else
	skip "no terminal: no setsid to run without one"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
