#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# seeds-cli.sh: the seed corpus of fuzz_cli, one command line a file, arguments NUL-separated,
# over the scratch folder fuzz_cli.c sets up (m/ signed with k.key, p.pkl, s.sha256).
# Usage: sh tests/fuzz/seeds-cli.sh [DIR] (default tests/fuzz/corpus/cli).
set -eu
dir=${1:-$(dirname "$0")/corpus/cli}
mkdir -p "$dir"
n=0
seed() {
	n=$((n + 1))
	first=1
	for a in "$@"; do
		[ "$first" = 1 ] || printf '\0'
		printf '%s' "$a"
		first=0
	done >"$dir/$(printf '%02d' "$n")"
}
seed scan m
seed scan --no-progress -f json p.pkl m
seed scan -qv -f sarif -o out.sarif m p.pkl
seed scan -f cyclonedx --key k.pub --fail-on medium m
seed scan --principles --color=always p.pkl
seed scan --policy nope.yaml --jobs 3 --max-bytes 1k m
seed scan --name demo --exclude '*.json' -f text --colour never m
seed scan -
seed hash -a blake3 --members --tag m p.pkl
seed hash --check s.sha256 --quiet
seed hash -f json --shard-size 4096 -o h.json m
seed sign --key k.key --signature x.sig m
seed sign key --private-key k.key --model-name n --ignore-paths config.json m
seed verify --key k.pub m
seed verify --public-key k.pub --ignore-unsigned-files --allow-symlinks -q m
seed verify --cert-chain k.pub --cert-time 2026-01-01T00:00:00Z m
seed digest m
seed digest -s x.sig p.pkl
seed keygen --type p384 --out k2
seed keygen --passphrase-env HOME --out k3
seed rules -f json
seed principles
seed help scan
seed --version
seed scan -hq
seed hash -qa
