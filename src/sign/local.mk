# SPDX-License-Identifier: Apache-2.0
libmavis_internal_la_SOURCES += \
	src/sign/attest.c \
	src/sign/bundle.c \
	src/sign/http.c \
	src/sign/keyless.c \
	src/sign/keys.c \
	src/sign/locate.c \
	src/sign/manifest.c \
	src/sign/model.c \
	src/sign/oidc.c \
	src/sign/p11uri.c \
	src/sign/pae.c \
	src/sign/pkcs11.c \
	src/sign/provenance.c \
	src/sign/rekor.c \
	src/sign/report.c \
	src/sign/sct.c \
	src/sign/sign.c \
	src/sign/sigconf.c \
	src/sign/signer.c \
	src/sign/sigstore.c \
	src/sign/statement.c \
	src/sign/timestamp.c \
	src/sign/tsa.c \
	src/sign/verify.c \
	src/sign/x509.c
noinst_HEADERS += \
	src/sign/sign.h
