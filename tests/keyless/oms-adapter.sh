#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# oms-adapter.sh: mavis behind the CLI contract of the OMS conformance suite's adapters
# (sampras343/model-signing-conformance, docs/conformance_adapter_cli_protocol.md):
#   oms-adapter.sh sign-model --method key|certificate|sigstore --model-path P
#       --output-bundle B [--private-key K] [--signing-cert C] [--cert-chain C]...
#       [--ignore-paths P]... [--identity-token T] [--use-staging]
#   oms-adapter.sh verify-model --method key|certificate|sigstore --model-path P --bundle B
#       [--public-key K] [--cert-chain C]... [--ignore-paths P]... [--ignore-unsigned-files]
#       [--identity I] [--identity-provider U] [--use-staging]
# Exit 0 on success, else not 0, as the contract asks. The contract names Sigstore's
# public-good or staging instance only; to run against other services (tests/keyless's
# stand-ins) the environment names them: MAVIS_SIGNING_CONFIG (a signing_config.json, for
# sign-model) and MAVIS_TRUSTED_ROOT (a trusted_root.json, which mavis verify needs for the
# sigstore method: it has no TUF client). MAVIS is the mavis program (default: mavis).
mavis=${MAVIS:-mavis}
die() { echo "oms-adapter: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: oms-adapter.sh sign-model|verify-model FLAGS"
cmd=$1
shift
method= model= out= bundle= key= cert= pub= token= identity= provider= staging= unsigned=
chain=$(mktemp "${TMPDIR:-/tmp}/oms-adapter.XXXXXX") || exit 2
ignores=$(mktemp "${TMPDIR:-/tmp}/oms-adapter.XXXXXX") || exit 2
trap 'rm -f "$chain" "$ignores"' EXIT
while [ $# -gt 0 ]; do
	case $1 in
	--ignore-unsigned-files) unsigned=1; shift; continue ;;
	--use-staging) staging=1; shift; continue ;;
	esac
	[ $# -ge 2 ] || die "$1 needs a value"
	case $1 in
	--method) method=$2 ;;
	--model-path) model=$2 ;;
	--output-bundle) out=$2 ;;
	--bundle) bundle=$2 ;;
	--private-key) key=$2 ;;
	--signing-cert) cert=$2 ;;
	--public-key) pub=$2 ;;
	--identity-token) token=$2 ;;
	--identity) identity=$2 ;;
	--identity-provider) provider=$2 ;;
	--cert-chain) printf '%s\n' "$2" >>"$chain" ;;
	--ignore-paths) printf '%s\n' "$2" >>"$ignores" ;;
	*) die "unknown flag $1" ;;
	esac
	shift 2
done
[ -n "$model" ] || die "--model-path is required"
case $method in key|certificate|sigstore) ;; *) die "--method key|certificate|sigstore" ;; esac

# The contract's ignore paths are absolute; mavis takes them relative to the model's folder
# (or to the current one). One outside the model is dropped, as model_signing drops it.
root=$model
[ -d "$root" ] || root=$(dirname "$model")
set --
while IFS= read -r p; do
	case $p in
	"$root"/*) set -- "$@" --ignore-paths "${p#"$root"/}" ;;
	/*) ;;
	*) set -- "$@" --ignore-paths "$p" ;;
	esac
done <"$ignores"
while IFS= read -r c; do set -- "$@" --cert-chain "$c"; done <"$chain"

case $cmd in
sign-model)
	[ -n "$out" ] || die "--output-bundle is required"
	case $method in
	key) [ -n "$key" ] || die "--private-key is required"
	     exec "$mavis" sign --no-progress --key "$key" --signature "$out" "$@" "$model" ;;
	certificate) [ -n "$key" ] && [ -n "$cert" ] || die "--private-key and --signing-cert"
	     exec "$mavis" sign --no-progress --key "$key" --cert "$cert" --signature "$out" \
	         "$@" "$model" ;;
	sigstore) [ -n "$token" ] || die "--identity-token is required"
	     if [ -n "$MAVIS_SIGNING_CONFIG" ]; then set -- "$@" --signing-config "$MAVIS_SIGNING_CONFIG"
	     elif [ -n "$staging" ]; then set -- "$@" --staging; fi
	     exec "$mavis" sign sigstore --no-progress --identity-token "$token" \
	         --signature "$out" "$@" "$model" ;;
	esac ;;
verify-model)
	[ -n "$bundle" ] || die "--bundle is required"
	[ -n "$unsigned" ] && set -- "$@" --ignore-unsigned-files
	case $method in
	key) [ -n "$pub" ] || die "--public-key is required"
	     exec "$mavis" verify --no-progress --key "$pub" --signature "$bundle" "$@" "$model" ;;
	certificate) exec "$mavis" verify --no-progress --signature "$bundle" "$@" "$model" ;;
	sigstore) [ -n "$MAVIS_TRUSTED_ROOT" ] || die "sigstore: set MAVIS_TRUSTED_ROOT to a " \
	         "trusted_root.json (mavis has no TUF client)"
	     exec "$mavis" verify --no-progress --trusted-root "$MAVIS_TRUSTED_ROOT" \
	         --identity "$identity" --identity-provider "$provider" --signature "$bundle" \
	         "$@" "$model" ;;
	esac ;;
*) die "unknown subcommand $cmd (sign-model, verify-model)" ;;
esac
