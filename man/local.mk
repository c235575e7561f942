# SPDX-License-Identifier: Apache-2.0
dist_man_MANS += \
	man/mavis.1 \
	man/mavis-hash.1 \
	man/mavis-json.5 \
	man/mavis-policy.5 \
	man/mavis-rules.1 \
	man/mavis-rules.5 \
	man/mavis-scan.1 \
	man/mavis-serve.8 \
	man/mavis-hooks.7

## sign: begin
dist_man_MANS += man/mavis-keygen.1 man/mavis-sign.1 man/mavis-verify.1
dist_man_MANS += man/mavis-digest.1 man/libmavis.3
## sign: end
