#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# regen.sh: each fixture generator rerun into a scratch folder writes exactly the checked-in
# bytes (and expected.tsv), so no fixture drifts from the script said to write it and no table
# row is edited by hand alone. A generator whose Python libraries are missing is skipped,
# visibly (the whole test is then a SKIP); the generators below that are not compared say why.
set -u
: "${top_srcdir:?}"
td=$top_srcdir/testdata

# folder, how the generator takes its output folder (arg: its argument, cwd: the current
# folder), the Python modules it needs beyond the standard library.
compared="
gguf arg -
oci arg -
onnx arg numpy,onnx
savedmodel arg -
template arg -
zip arg -
exec arg -
nemo arg -
safetensors arg -
datasets cwd -
hfcode cwd -
demo arg -
"
# Not compared, and why (a generator made deterministic moves up to the list above).
not_compared="
archives: written at test time into the build folder (check_walk); nothing is checked in
corpus: pickles of PyTorch, torchvision, scikit-learn and XGBoost, whose bytes follow the library versions; over a minute to write
loaders: torch.save's legacy format (ok_torch_legacy.pt) differs from run to run, and PyTorch takes ~25 s to load
pickle: zipfile.writestr stamps the time of the run into ~20 zips, torch.save's legacy format differs from run to run
keras: zipfile.writestr stamps the time into the .keras zips and h5py the object times into the .h5 files
hdf5: h5py stamps object times into the files
mlflow: deterministic, but imports scikit-learn (~20 s here)
"

work=$(mktemp -d "${TMPDIR:-/tmp}/mavis-regen.XXXXXX") || exit 99
trap 'rm -rf "$work"' EXIT INT TERM

echo "$not_compared" | sed '/^$/d; s/^/# not compared: /'
echo "$compared" | while read -r dir how mods; do
	[ -n "$dir" ] || continue
	if [ "$dir" = demo ]; then
		gen=$td/gen-demo.py
		ref=$td/demo
	else
		gen=$(ls "$td/$dir"/gen-*.py)
		ref=$td/$dir
	fi
	imports="import sys"
	[ "$mods" = - ] || imports="import $mods"
	py=
	for p in /usr/bin/python3 ${PYTHON3:-} python3; do
		if [ -n "$p" ] && "$p" -c "$imports" >/dev/null 2>&1; then
			py=$p
			break
		fi
	done
	if [ -z "$py" ]; then
		echo "SKIP - $dir: no python3 with $mods"
		echo "$dir" >>"$work/skipped"
		continue
	fi
	out=$work/$dir
	mkdir "$out" || exit 99
	if [ "$how" = cwd ]; then
		(cd "$out" && "$py" "$gen") >"$work/$dir.log" 2>&1
	else
		"$py" "$gen" "$out" >"$work/$dir.log" 2>&1
	fi
	if [ $? != 0 ]; then
		echo "FAIL - $dir: $gen failed:"
		sed 's/^/    /' "$work/$dir.log"
		echo "$dir" >>"$work/failed"
		continue
	fi
	n=0
	bad=0
	for f in $(cd "$out" && find . \( -type f -o -type l \) | sort); do
		n=$((n + 1))
		if [ -L "$out/$f" ]; then
			# make dist keeps a link's target in NAME.symlink (tests/unit/fixture.c).
			[ "$(readlink "$out/$f")" = "$(cat "$ref/$f.symlink" 2>/dev/null || readlink "$ref/$f")" ] ||
				{ echo "FAIL - $dir/${f#./}: the link differs"; bad=$((bad + 1)); }
		elif ! cmp -s "$out/$f" "$ref/$f"; then
			echo "FAIL - $dir/${f#./}: not what $(basename "$gen") writes"
			bad=$((bad + 1))
		fi
	done
	if [ $n = 0 ]; then
		echo "FAIL - $dir: $(basename "$gen") wrote nothing"
		bad=1
	fi
	if [ $bad = 0 ]; then
		echo "ok - $dir: $n files as $(basename "$gen") writes them"
	else
		echo "$dir" >>"$work/failed"
	fi
done

if [ -s "$work/failed" ]; then
	echo "regen.sh: $(wc -l <"$work/failed") folder(s) differ from their generator"
	echo "(rerun the generator there with /usr/bin/python3 and commit what it writes)"
	exit 1
fi
if [ -s "$work/skipped" ]; then
	echo "SKIP: not compared here: $(tr '\n' ' ' <"$work/skipped")"
	exit 77
fi
exit 0
