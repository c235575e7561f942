#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# install.sh: what make install gives a packager and a C programmer. Into a DESTDIR: the
# library, mavis.h and mavis.pc, the manual pages (libmavis.3 too), README.md, NEWS and
# LICENSE under the docdir, bash and zsh completion, the signatures folder with the digest
# the build tree reports; then a small C program built with pkg-config --cflags --libs mavis
# scans a folder with the installed library.
set -u
# A part that cannot run here says so, and the script then ends in SKIP (77), not PASS.
skipped=
skip() { echo "SKIP - $1"; skipped="$skipped${skipped:+; }$1"; }
: "${top_srcdir:?}" "${top_builddir:?}"
mavis=${MAVIS:-$top_builddir/mavis}
for tool in pkg-config "${CC:-cc}" make; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-install-test.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
ko() { fail=$((fail + 1)); echo "FAIL - $1"; }
have() { [ -f "$2" ] && ok "$1" || ko "$1: no $2"; }

[ -f "$top_srcdir/LICENSE" ] && grep -q "Apache License" "$top_srcdir/LICENSE" &&
	grep -q "Version 2.0, January 2004" "$top_srcdir/LICENSE" &&
	ok "LICENSE is the Apache License 2.0 (in the tarball when this runs from distcheck)" ||
	ko "no Apache-2.0 LICENSE in $top_srcdir"

# A make of its own, not the jobserver of the make check running this.
dest=$work/dest
if env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$top_builddir" install \
    DESTDIR="$dest" >"$work/install.log" 2>&1; then
	ok "make install DESTDIR"
else
	ko "make install DESTDIR"
	tail -20 "$work/install.log"
	echo "$pass passed, $fail failed"
	exit 1
fi
pc=$(find "$dest" -name mavis.pc -path '*/pkgconfig/*' | head -n 1)
[ -n "$pc" ] && ok "mavis.pc installed" || { ko "no mavis.pc"; exit 1; }
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
share=$(find "$dest" -type d -name share | head -n 1)
have "mavis.h installed" "$(find "$dest" -name mavis.h -path '*/include/*' | head -n 1)"
have "libmavis.3 installed" "$share/man/man3/libmavis.3"
have "mavis-digest.1 installed" "$share/man/man1/mavis-digest.1"
for f in README.md NEWS LICENSE; do
	have "$f under the docdir" "$share/doc/mavis/$f"
done
have "bash completion installed" "$share/bash-completion/completions/mavis"
have "zsh completion installed" "$share/zsh/site-functions/_mavis"
sigdir=$share/mavis
have "signatures installed" "$sigdir/rules.tsv"

# pkg-config, as a program would use it against that tree.
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$dest"
if flags=$(pkg-config --cflags --libs mavis 2>"$work/err"); then
	ok "pkg-config --cflags --libs mavis: $flags"
else
	ko "pkg-config"
	cat "$work/err"
fi
[ "$(pkg-config --modversion mavis)" = "$("$mavis" --version | sed -n '1s/^mavis //p')" ] &&
	ok "mavis.pc has the version" || ko "mavis.pc version differs"
# shellcheck disable=SC2086
# A sanitizer build's library needs its runtime in the program too (MV_SAN_* from make).
if "${CC:-cc}" -std=c11 -Wall -Wextra -Werror ${MV_SAN_CFLAGS:-} -o "$work/scan-folder" \
    "$top_srcdir/tests/cli/scan-folder.c" $flags ${MV_SAN_LDFLAGS:-} 2>"$work/err"; then
	ok "a program built with pkg-config"
else
	ko "building scan-folder.c"
	cat "$work/err"
fi
mkdir "$work/model"
printf 'cos\nsystem\n(S%secho hi%s\ntR.' "'" "'" >"$work/model/model.pkl"
printf 'weights' >"$work/model/w.bin"
if LD_LIBRARY_PATH=$libdir MAVIS_SIGNATURES=$sigdir "$work/scan-folder" "$work/model" \
    >"$work/out" 2>&1; then
	ok "it runs on the installed library"
else
	ko "scan-folder failed"
fi
sed 's/^/    /' "$work/out"
grep -q "model.pkl: critical pickle\." "$work/out" && ok "it finds the os.system pickle" ||
	ko "no critical pickle finding"
grep -q "^2 entries, libmavis [0-9]" "$work/out" && ok "it lists the entries" || ko "entries"

# The installed signatures folder digests as the source tree's does.
build=$("$mavis" --version | sed -n 's/^  signatures .* sha256:\([0-9a-f]*\)$/\1/p')
inst=$(LD_LIBRARY_PATH=$libdir MAVIS_SIGNATURES=$sigdir "$(find "$dest" -type f -name mavis -path '*/bin/*' | head -n 1)" --version |
	sed -n 's/^  signatures .* sha256:\([0-9a-f]*\)$/\1/p')
[ -n "$build" ] && [ "$build" = "$inst" ] &&
	ok "the signatures digest is the same installed ($inst)" ||
	ko "signatures digest: build tree '$build', installed '$inst'"

# bash completion: commands, and each command's options from its --help.
if command -v bash >/dev/null 2>&1; then
	out=$(bash -c '. "$1"; COMP_WORDS=("$2" si); COMP_CWORD=1; _mavis; echo "${COMPREPLY[*]}"
		COMP_WORDS=("$2" sign --private); COMP_CWORD=2; _mavis; echo "${COMPREPLY[*]}"
		COMP_WORDS=("$2" verify k); COMP_CWORD=2; _mavis; echo "${COMPREPLY[*]}"' _ \
		"$share/bash-completion/completions/mavis" "$mavis" 2>&1)
	echo "$out" | sed -n 1p | grep -qw sign && ok "bash: completes commands" ||
		ko "bash: commands ($out)"
	echo "$out" | sed -n 2p | grep -q -- "--private-key" && ok "bash: completes options" ||
		ko "bash: options ($out)"
	echo "$out" | sed -n 3p | grep -qw key && ok "bash: completes method words" ||
		ko "bash: method words ($out)"
else
	skip "bash completion: bash is not installed"
fi
if command -v zsh >/dev/null 2>&1; then
	zsh -n "$share/zsh/site-functions/_mavis" && ok "zsh completion parses" ||
		ko "zsh completion does not parse"
else
	skip "zsh completion: zsh is not installed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] || exit 1
# Parts skipped above: SKIP rather than PASS (the log shows what did run).
[ -z "$skipped" ] || { echo "SKIP: not run here: $skipped"; exit 77; }
