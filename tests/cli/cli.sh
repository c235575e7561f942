#!/bin/sh
# cli.sh: the mavis command itself: one prefix on every message ("mavis: CMD: ..."), help
# and version, the model_signing command forms and option spellings, mavis digest.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-cli-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
# expect STATUS NAME CMD...: the command exits with STATUS.
expect() {
	want=$1 name=$2
	shift 2
	"$@" >"$work/out" 2>"$work/err"
	got=$?
	if [ "$got" -eq "$want" ]; then ok "$name"; else
		ko "$name (exit $got, wanted $want)"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}
# grep_err NAME PATTERN / grep_out NAME PATTERN: the last command's stderr / stdout matched.
grep_in() {
	if grep -q -- "$3" "$work/$1"; then ok "$2"; else
		ko "$2 (no '$3' in std$1)"
		sed 's/^/    /' "$work/out" "$work/err"
	fi
}
grep_err() { grep_in err "$@"; }
grep_out() { grep_in out "$@"; }
# no_other_err NAME PREFIX: every line of stderr starts with PREFIX, or is the help hint.
only_prefix() {
	if grep -v -e "^$2" -e "^Try 'mavis [a-z]* --help'\.\$" "$work/err" | grep -q .; then
		ko "$1"
		sed 's/^/    /' "$work/err"
	else
		ok "$1"
	fi
}

m=$work/model
mkdir -p "$m/sub"
printf 'weights' >"$m/w.bin"
printf 'config' >"$m/sub/c.json"

# One prefix: the program, then the command, on every message (getopt's too).
for cmd in scan hash sign verify keygen rules principles; do
	expect 2 "$cmd: unknown option" "$mavis" "$cmd" --no-such-option
	only_prefix "$cmd: unknown option message prefixed" "mavis: $cmd: "
	grep_err "$cmd: help hint" "^Try 'mavis $cmd --help'\.\$"
done
expect 2 "scan: missing path" "$mavis" scan --no-progress "$work/none"
grep_err "scan: error prefixed" "^mavis: scan: .*none"
expect 2 "hash: option without its argument" "$mavis" hash --jobs
grep_err "hash: getopt message prefixed" "^mavis: hash: option '--jobs' requires an argument"
expect 2 "rules: no path" "$mavis" rules x
grep_err "rules: error prefixed" "^mavis: rules: takes no PATH"
expect 2 "unknown command" "$mavis" frobnicate
grep_err "unknown command: program prefix" "^mavis: unknown command 'frobnicate'"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
