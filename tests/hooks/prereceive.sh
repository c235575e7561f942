#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# prereceive.sh: hooks/pre-receive in a bare repository, pushed to with real git: benign pushes
# are accepted, a malicious pickle (in the tip, in a commit the tip removes it from, behind a
# tag, under a name git quotes) is refused with the rule in the remote: lines, and Git LFS
# pointers are resolved from the repository's store (a hostile object refused, a benign one
# accepted, a missing, short or altered object refused). Skips (77) without git.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
case $mavis in /*) ;; *) mavis=$(pwd)/$mavis ;; esac
command -v git >/dev/null 2>&1 || { echo "SKIP: git is not installed"; exit 77; }
export MAVIS="$mavis"
export MAVIS_SIGNATURES="${MAVIS_SIGNATURES:-$top_srcdir/signatures}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-prereceive.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
evil=$top_srcdir/testdata/pickle/gadget_posix_system.pkl
good=$top_srcdir/testdata/demo/config.json
fails=0
fail() { echo "FAIL: $1"; sed 's/^/    /' "$work/out"; fails=$((fails + 1)); }

git init -q --bare "$work/srv.git" || exit 99
cp "$top_srcdir/hooks/pre-receive" "$work/srv.git/hooks/pre-receive" || exit 99
chmod +x "$work/srv.git/hooks/pre-receive"
git init -q "$work/wc" || exit 99
cd "$work/wc" || exit 99
git config user.email test@example.org
git config user.name test
git config commit.gpgsign false
mkdir "$work/tmp"
# The hook's temporary folder goes here, and must be gone after every push.
export TMPDIR="$work/tmp"

# push NAME EXPECT REFSPEC...: push to the bare repository; EXPECT is accept or refuse.
push() {
	name=$1 expect=$2
	shift 2
	git push --porcelain "$work/srv.git" "$@" >"$work/out" 2>&1
	rc=$?
	case $expect in
	accept) [ $rc -eq 0 ] || fail "$name: push refused" ;;
	refuse) if [ $rc -eq 0 ] || ! grep -q 'pre-receive hook declined' "$work/out"; then
		fail "$name: push not refused by the hook"
	fi ;;
	esac
	[ -z "$(ls "$work/tmp")" ] || fail "$name: the hook left $(ls "$work/tmp") behind"
}
# says NAME TEXT: the push's output has TEXT on a remote: line.
says() {
	grep -q "^remote: .*$2" "$work/out" || fail "$1: no remote: line with '$2'"
}
tip() { git --git-dir="$work/srv.git" rev-parse -q --verify "$1" 2>/dev/null; }

cp "$good" config.json && git add config.json && git commit -qm benign
push "benign first push" accept HEAD:refs/heads/main
says "benign first push" "passed (files of this push scanned: 1)"

mkdir models && cp "$evil" models/model.pkl && git add models && git commit -qm hostile
push "hostile pickle" refuse HEAD:refs/heads/main
says "hostile pickle" "pickle.global.denied"
says "hostile pickle" "/models/model.pkl"
[ "$(tip main)" = "$(git rev-parse HEAD~1)" ] || fail "hostile pickle: main moved"

# Removed again in the tip: the pushed history still holds it.
git rm -q models/model.pkl && git commit -qm "remove it"
push "hostile pickle in history" refuse HEAD:refs/heads/main
says "hostile pickle in history" "pickle.global.denied"
git reset -q --hard HEAD~2

# A new branch at a commit the repository has: nothing new to scan.
push "new branch, nothing new" accept HEAD:refs/heads/copy
grep -q 'files of this push scanned' "$work/out" && fail "new branch, nothing new: something scanned"
[ "$(tip copy)" = "$(git rev-parse HEAD)" ] || fail "new branch, nothing new: not created"
# A new branch with one new commit on an old one: only the new file is scanned.
echo '{"second": 2}' >second.json && git add second.json && git commit -qm second
push "new branch, one commit" accept HEAD:refs/heads/topic
says "new branch, one commit" "passed (files of this push scanned: 1)"
push "delete a branch" accept :refs/heads/copy
[ -z "$(tip copy)" ] || fail "delete a branch: still there"

# A tag naming a blob no commit holds.
blob=$(git hash-object -w "$evil")
push "tag of a hostile blob" refuse "$blob:refs/tags/payload"
says "tag of a hostile blob" "pickle.global.denied"

# A name git quotes (a newline in it) and a link out of the repository.
name=$(printf 'bad\nname.pkl')
cp "$evil" "$name" && ln -s /etc/passwd leak && git add -A && git commit -qm quoted
push "quoted name and link" refuse HEAD:refs/heads/main
says "quoted name and link" "/bad?name.pkl"
says "quoted name and link" "walk.symlink.escape"
git reset -q --hard HEAD~1

# Settings from git config of the receiving repository: fail on low (an unsigned file is).
git --git-dir="$work/srv.git" config mavis.failOn low
echo '{"third": 3}' >third.json && git add third.json && git commit -qm third
push "mavis.failOn low" refuse HEAD:refs/heads/main
says "mavis.failOn low" "signature.missing"
git --git-dir="$work/srv.git" config --unset mavis.failOn
# A policy named relative to the repository, where git runs the hook.
printf 'require format gguf\n' >"$work/srv.git/gguf.policy"
git --git-dir="$work/srv.git" config mavis.policy gguf.policy
push "mavis.policy relative" refuse HEAD:refs/heads/main
says "mavis.policy relative" "policy.format.required"
git --git-dir="$work/srv.git" config --unset mavis.policy
# No mavis to run: refused, not passed.
MAVIS=$work/no-such-mavis push "no mavis" refuse HEAD:refs/heads/main
says "no mavis" "could not be completed"
push "mavis back" accept HEAD:refs/heads/main

# Git LFS: a pointer names an object of the server's store (lfs/objects/AA/BB/OID).
# lfs NAME FILE [STORED]: commit a pointer to FILE's bytes as NAME; STORED (default FILE) is
# what the store holds under FILE's digest ("none": nothing).
lfs() {
	oid=$("$mavis" hash "$2" | cut -d' ' -f1)
	size=$(wc -c <"$2" | tr -d ' ')
	printf 'version https://git-lfs.github.com/spec/v1\noid sha256:%s\nsize %s\n' "$oid" "$size" >"$1"
	dir=$work/srv.git/lfs/objects/$(echo "$oid" | cut -c1-2)/$(echo "$oid" | cut -c3-4)
	rm -rf "$work/srv.git/lfs" "$work/gitea"
	if [ "${3:-$2}" != none ]; then
		mkdir -p "$dir" && cp "${3:-$2}" "$dir/$oid"
	fi
	# The same object as Gitea stores it, for mavis.lfsLayout gitea.
	mkdir -p "$work/gitea/${dir#*/lfs/objects/}" &&
	    cp "$2" "$work/gitea/${dir#*/lfs/objects/}/$(echo "$oid" | cut -c5-)"
	git add "$1" && git commit -qm "lfs $1"
}
lfs weights.bin "$evil"
push "LFS hostile object" refuse HEAD:refs/heads/main
says "LFS hostile object" "pickle.global.denied"
says "LFS hostile object" "/weights.bin"
git reset -q --hard HEAD~1
lfs weights.bin "$good"
push "LFS benign object" accept HEAD:refs/heads/main
# Gitea's layout, through git config: the benign object is there, the hostile one not where
# the git-lfs layout would have it.
lfs gitea.bin "$evil" none
git --git-dir="$work/srv.git" config mavis.lfsStore "$work/gitea"
git --git-dir="$work/srv.git" config mavis.lfsLayout gitea
push "LFS store in Gitea's layout" refuse HEAD:refs/heads/main
says "LFS store in Gitea's layout" "pickle.global.denied"
git --git-dir="$work/srv.git" config mavis.lfsLayout nonsense
push "LFS layout unknown" refuse HEAD:refs/heads/main
says "LFS layout unknown" "mavis.lfsLayout is 'nonsense'"
git --git-dir="$work/srv.git" config --unset mavis.lfsStore
git --git-dir="$work/srv.git" config --unset mavis.lfsLayout
git reset -q --hard HEAD~1
lfs other.bin "$evil" none
push "LFS object missing" refuse HEAD:refs/heads/main
says "LFS object missing" "other.bin: Git LFS object sha256:[0-9a-f]* is not in the LFS store"
git reset -q --hard HEAD~1
head -c 20 "$evil" >"$work/short"
lfs other.bin "$evil" "$work/short"
push "LFS object short" refuse HEAD:refs/heads/main
says "LFS object short" "has 20 bytes, its pointer says"
git reset -q --hard HEAD~1
sed 's/id/ls/' "$evil" >"$work/altered"
lfs other.bin "$evil" "$work/altered"
push "LFS object altered" refuse HEAD:refs/heads/main
says "LFS object altered" "hashes to sha256:"
git reset -q --hard HEAD~1
printf 'version https://git-lfs.github.com/spec/v1\next-0-foo sha256:%s\noid sha256:%s\nsize 1\n' \
    "$oid" "$oid" >odd.bin
git add odd.bin && git commit -qm odd
push "LFS pointer with an extension" refuse HEAD:refs/heads/main
says "LFS pointer with an extension" "odd.bin: a Git LFS pointer the hook cannot read"

[ "$fails" -eq 0 ] || exit 1
echo "prereceive.sh: all pushes accepted or refused as they should be"
