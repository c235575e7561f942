#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# precommit.sh: .pre-commit-hooks.yaml with the real pre-commit framework, offline: a hook
# repository holding the manifest, a project whose .pre-commit-config.yaml names it; a staged
# malicious pickle blocks git commit with the rule in the output, benign model files commit,
# files the hook does not match are not scanned, and pre-commit try-repo runs the hook on a
# file. Skips (77) without git or pre-commit.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
case $mavis in /*) ;; *) mavis=$(pwd)/$mavis ;; esac
command -v git >/dev/null 2>&1 || { echo "SKIP: git is not installed"; exit 77; }
command -v pre-commit >/dev/null 2>&1 || {
	echo "SKIP: pre-commit is not installed (Debian: pre-commit)"
	exit 77
}
export MAVIS_SIGNATURES="${MAVIS_SIGNATURES:-$top_srcdir/signatures}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-precommit.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
# pre-commit's clones and logs stay in the test's folder; the hook finds mavis on PATH.
export PRE_COMMIT_HOME="$work/cache"
mkdir "$work/bin"
printf '#!/bin/sh\nexec "%s" "$@"\n' "$mavis" >"$work/bin/mavis"
chmod +x "$work/bin/mavis"
PATH=$work/bin:$PATH
export PATH
export GIT_AUTHOR_NAME=test GIT_AUTHOR_EMAIL=test@example.org
export GIT_COMMITTER_NAME=test GIT_COMMITTER_EMAIL=test@example.org
fails=0
fail() { echo "FAIL: $1"; sed 's/^/    /' "$work/out"; fails=$((fails + 1)); }

# The hook repository: the manifest as it is in the source tree.
git init -q "$work/hookrepo" || exit 99
cp "$top_srcdir/.pre-commit-hooks.yaml" "$work/hookrepo/" || exit 99
git -C "$work/hookrepo" add .pre-commit-hooks.yaml
git -C "$work/hookrepo" -c commit.gpgsign=false commit -qm hooks || exit 99
rev=$(git -C "$work/hookrepo" rev-parse HEAD)

git init -q "$work/project" || exit 99
cd "$work/project" || exit 99
git config commit.gpgsign false
cat >.pre-commit-config.yaml <<EOF
repos:
  - repo: $work/hookrepo
    rev: $rev
    hooks:
      - id: mavis-scan
EOF
git add .pre-commit-config.yaml
pre-commit install >"$work/out" 2>&1 || { fail "pre-commit install"; exit 1; }

# commit NAME EXPECT: git commit what is staged; EXPECT is accept or refuse.
commit() {
	git commit -qm "$1" >"$work/out" 2>&1
	rc=$?
	case $2 in
	accept) [ $rc -eq 0 ] || fail "$1: commit refused" ;;
	refuse) [ $rc -ne 0 ] || fail "$1: commit not refused" ;;
	esac
}

cp "$top_srcdir/testdata/demo/model.safetensors" model.safetensors
cp "$top_srcdir/testdata/demo/config.json" config.json
git add model.safetensors config.json
commit "benign model files" accept
grep -q 'mavis scan (model files).*Passed' "$work/out" || fail "benign model files: hook not run"

cp "$top_srcdir/testdata/pickle/gadget_posix_system.pkl" weights.pkl
git add weights.pkl
commit "hostile pickle" refuse
grep -q 'pickle.global.denied' "$work/out" || fail "hostile pickle: the rule is not in the output"
grep -q 'weights.pkl' "$work/out" || fail "hostile pickle: the file is not named"
[ "$(git rev-list --count HEAD)" -eq 1 ] || fail "hostile pickle: committed"
git rm -q --cached weights.pkl

# A file the manifest's pattern leaves out is not scanned.
cp "$top_srcdir/testdata/pickle/gadget_posix_system.pkl" notes.txt
git add notes.txt
commit "not a model file" accept
grep -q 'mavis scan (model files).*no files to check' "$work/out" ||
    fail "not a model file: scanned or hook not run"

# The project's own args: failing on low, the unsigned benign file fails.
cat >>.pre-commit-config.yaml <<EOF
        args: [--fail-on, low]
EOF
cp "$top_srcdir/testdata/demo/tokenizer.json" tokenizer_config.json
git add .pre-commit-config.yaml tokenizer_config.json
commit "args from the project" refuse
grep -q 'signature.missing' "$work/out" || fail "args from the project: not failed on low"

# pre-commit try-repo: the hook repository run on one file, as its authors try it.
pre-commit try-repo "$work/hookrepo" mavis-scan --files weights.pkl >"$work/out" 2>&1 &&
    fail "try-repo: hostile file passed"
grep -q 'pickle.global.denied' "$work/out" || fail "try-repo: the rule is not in the output"

[ "$fails" -eq 0 ] || exit 1
echo "precommit.sh: the pre-commit hook blocks the hostile pickle and passes benign files"
