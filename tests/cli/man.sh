#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# man.sh: mavis(1) and mavis-hash(1) are clean under mandoc -Tlint, mavis(1) lists exactly
# the commands the program has, and mavis-hash(1) every option mavis hash takes.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
MANDOC=${MANDOC:-mandoc}
[ -n "$MANDOC" ] || MANDOC=mandoc
if ! command -v "$MANDOC" >/dev/null 2>&1; then
	echo "SKIP: mandoc is not installed"
	exit 77
fi
fails=0
fail() { echo "FAIL: $1"; fails=$((fails + 1)); }

for page in mavis.1 mavis-hash.1; do
	out=$("$MANDOC" -Tlint -Wwarning "$top_srcdir/man/$page" 2>&1)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		fail "$page is not lint-clean"
		echo "$out" | sed 's/^/    /'
	fi
done

# The commands of mavis --help, and the ".It Cm NAME" items of mavis(1), must agree.
cmds=$("$mavis" --help | sed -n '/^commands:/,/^$/p' | awk 'NF && !/^commands:/ {print $1}' | sort)
items=$(sed -n '/^\.Bl -tag -width principles/,/^\.El/p' "$top_srcdir/man/mavis.1" |
    awk '$1 == ".It" && $2 == "Cm" {print $3}' | sort)
[ -n "$cmds" ] || fail "mavis --help lists no commands"
[ "$cmds" = "$items" ] || fail "mavis(1) lists '$(echo $items)', the program has '$(echo $cmds)'"

# Every long option of mavis hash --help (limits included) is documented.
for opt in $("$mavis" hash --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	name=${opt#--}
	grep -q "^\.It Fl Fl $name\( \|$\)\|^\.It Fl [a-z] , Fl Fl $name\( \|$\)" \
	    "$top_srcdir/man/mavis-hash.1" || fail "mavis-hash(1) does not describe $opt"
done

# Every own option of mavis scan (those before its walk options) is in mavis-scan(1).
out=$("$MANDOC" -Tlint -Wwarning "$top_srcdir/man/mavis-scan.1" 2>&1)
[ $? -eq 0 ] && [ -z "$out" ] || { fail "mavis-scan.1 is not lint-clean"; echo "$out"; }
for opt in $("$mavis" scan --help | sed '/^walking:/,$d' | grep -o -- '--[a-z][a-z0-9-]*' |
    sort -u); do
	name=${opt#--}
	grep -q "^\.It Fl Fl $name\( \|$\)\|^\.It Fl [a-z] , Fl Fl $name\( \|$\)" \
	    "$top_srcdir/man/mavis-scan.1" || fail "mavis-scan(1) does not describe $opt"
done

# Every option of mavis serve is in mavis-serve(8).
for opt in $("$mavis" serve --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	name=${opt#--}
	grep -q "^\.It Fl Fl $name\( \|$\)" "$top_srcdir/man/mavis-serve.8" ||
	    fail "mavis-serve(8) does not describe $opt"
done

[ "$fails" -eq 0 ] || exit 1
echo "man.sh: mavis.1, mavis-hash.1 and mavis-scan.1 are clean and complete"
