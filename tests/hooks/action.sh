#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# action.sh: the GitHub action's script (hooks/action.sh) run here as the action runs it, with
# no GitHub: a malicious pickle gives exit 1 and SARIF naming it, a benign file exit 0, the
# policy's inputs are passed, paths are read one a line; a synthetic run of 60,000 results is
# cut to the 25,000 most severe and one too big to upload to under 10 MB gzip-compressed, each
# saying so in the run. The SARIF files are checked with the validator of validate.sh when it
# is installed (npm ci --prefix tests/validators); without it the rest runs and the test
# reports SKIP.
set -u
: "${top_srcdir:?}"
mavis=${MAVIS:-./mavis}
case $mavis in /*) ;; *) mavis=$(pwd)/$mavis ;; esac
PY=${PYTHON3:-python3}
[ -n "$PY" ] || PY=python3
command -v "$PY" >/dev/null 2>&1 || { echo "SKIP: no python3"; exit 77; }
NODE=${NODE:-node}
[ -n "$NODE" ] || NODE=node
VAL=${MAVIS_VALIDATORS:-$top_srcdir/tests/validators}
export MAVIS_SIGNATURES="${MAVIS_SIGNATURES:-$top_srcdir/signatures}"
work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-action.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work" || exit 99
script=$top_srcdir/hooks/action.sh
fails=0
fail() { echo "FAIL: $1"; [ -f out ] && sed 's/^/    /' out; fails=$((fails + 1)); }

# run NAME EXPECT [VAR=VALUE...]: the action's script with a fresh $GITHUB_OUTPUT.
run() {
	name=$1 expect=$2
	shift 2
	: >"$work/$name.outputs"
	env GITHUB_OUTPUT="$work/$name.outputs" MAVIS="$mavis" MAVIS_SARIF="$name.sarif" "$@" \
	    PYTHON3="$PY" sh "$script" >out 2>&1
	rc=$?
	[ "$rc" -eq "$expect" ] || fail "$name: exit $rc, not $expect"
}
# has NAME LINE: the step outputs hold LINE.
has() {
	grep -qx "$2" "$work/$1.outputs" || fail "$1: no output $2"
}
# sarif NAME PYTHON: a check on the run of NAME.sarif (run, results) in Python.
sarif() {
	"$PY" -c "
import json, gzip, sys
log = json.load(open('$1.sarif'))
run = log['runs'][0]
results = run['results']
$2
" || fail "$1.sarif: $2"
}

mkdir models "my models"
cp "$top_srcdir/testdata/pickle/gadget_posix_system.pkl" models/model.pkl
cp "$top_srcdir/testdata/demo/config.json" "my models/config.json"
cp "$top_srcdir/testdata/demo/model.safetensors" "my models/model.safetensors"

run hostile 1 MAVIS_PATHS=models/model.pkl
has hostile exit-code=1
has hostile verdict=fail
has hostile sarif-file=hostile.sarif
sarif hostile 'assert any(r["ruleId"] == "pickle.global.denied" for r in results)
assert "mavis-upload-limits" not in run["properties"]'

run benign 0 "MAVIS_PATHS=my models"
has benign exit-code=0
has benign verdict=pass
# Paths one a line, spaces kept; fail-on as the input gives it.
run lines 1 "MAVIS_PATHS=my models/config.json
my models/model.safetensors" MAVIS_FAIL_ON=low
has lines verdict=fail
sarif lines 'uris = {l["physicalLocation"]["artifactLocation"]["uri"] for r in results for l in r["locations"]}
assert any("config.json" in u for u in uris) and any("model.safetensors" in u for u in uris), uris
assert any(r["ruleId"] == "signature.missing" for r in results)'
# The policy: one that wants a GGUF model fails the safetensors one.
printf 'require format gguf\n' >gguf.policy
run policy 1 "MAVIS_PATHS=my models" MAVIS_POLICY=gguf.policy
sarif policy 'assert any(r["ruleId"] == "policy.format.required" for r in results), results'
# No mavis: an error, and no SARIF to upload.
run nomavis 127 MAVIS_PATHS=models MAVIS="$work/no-such-mavis"
grep -q '^sarif-file=' nomavis.outputs && fail "nomavis: a SARIF file given to upload"
grep -q '^verdict=error$' nomavis.outputs || fail "nomavis: verdict is not error"

# Synthetic runs: the hostile run's two results copied over and over, each with a name of
# its own; the least severe first, so a cut that kept the file's order would keep them.
# fake mavis writes the file of $FAKE_SARIF where -o says and exits 1.
"$PY" - hostile.sarif <<'EOF' || exit 99
import json, random, string, sys
log = json.load(open(sys.argv[1]))
run = log["runs"][0]
crit = next(r for r in run["results"] if r["properties"]["severity"] == "critical")
low = next(r for r in run["results"] if r["properties"]["severity"] == "low")
def copy(r, i, text=""):
    r = json.loads(json.dumps(r))
    for loc in r["locations"]:
        loc["physicalLocation"]["artifactLocation"]["uri"] = f"models/m{i}.pkl"
    r["properties"]["path"] = f"models/m{i}.pkl"
    r["message"]["text"] += text
    return r
run["results"] = [copy(low, i) for i in range(30000)] + \
    [copy(crit, 30000 + i) for i in range(30000)]
json.dump(log, open("many.in", "w"))
rnd = random.Random(12)
chars = string.ascii_letters + string.digits
run["results"] = [copy(low, i, " " + "".join(rnd.choice(chars) for _ in range(600)))
                  for i in range(24000)]
json.dump(log, open("big.in", "w"))
wide = copy(crit, 0)
wide["locations"] = [json.loads(json.dumps(wide["locations"][0])) for _ in range(1500)]
run["results"] = [wide]
json.dump(log, open("wide.in", "w"))
EOF
cat >fake-mavis <<'EOF'
#!/bin/sh
while [ $# -gt 0 ]; do
	[ "$1" = -o ] && cp "$FAKE_SARIF" "$2"
	shift
done
exit 1
EOF
chmod +x fake-mavis

run many 1 MAVIS_PATHS=models MAVIS="$work/fake-mavis" FAKE_SARIF=many.in
has many sarif-file=many.sarif
grep -q 'left out 35000' out || fail "many: the cut is not said on standard error"
sarif many 'assert len(results) == 25000, len(results)
assert all(r["properties"]["severity"] == "critical" for r in results)
lim = run["properties"]["mavis-upload-limits"]
assert lim["results"] == 60000 and lim["uploaded"] == 25000 and lim["left_out"] == 35000, lim
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any("25000" in n["message"]["text"] for n in notes), notes'
run big 1 MAVIS_PATHS=models MAVIS="$work/fake-mavis" FAKE_SARIF=big.in
sarif big 'size = len(gzip.compress(open("big.sarif", "rb").read()))
assert size <= 10000000, size
assert 0 < len(results) < 24000, len(results)
lim = run["properties"]["mavis-upload-limits"]
assert lim["results"] == 24000 and lim["uploaded"] == len(results), lim
notes = run["invocations"][0]["toolExecutionNotifications"]
assert any("gzip-compressed" in n["message"]["text"] for n in notes), notes
print("big: %d results of 24000 kept, %d bytes gzip-compressed" % (len(results), size))'

# One result with more locations than code scanning takes.
run wide 1 MAVIS_PATHS=models MAVIS="$work/fake-mavis" FAKE_SARIF=wide.in
sarif wide 'assert len(results[0]["locations"]) == 1000, len(results[0]["locations"])
assert results[0]["properties"]["mavis-locations-dropped"] == 500, results[0]["properties"]'

[ "$fails" -eq 0 ] || exit 1
if ! command -v "$NODE" >/dev/null 2>&1 || [ ! -d "$VAL/node_modules" ]; then
	echo "SKIP: the SARIF validator is not installed (npm ci --prefix tests/validators);" \
	    "everything else passed"
	exit 77
fi
NODE_PATH="$VAL/node_modules" "$NODE" "$top_srcdir/tests/validators/validate.js" sarif \
    hostile.sarif benign.sarif lines.sarif many.sarif big.sarif wide.sarif
rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
echo "action.sh: the action's script scans, fails, passes and cuts as it should"
