## End-to-end tests of the mavis command on generated packages.

TESTS += tests/cli/scan.sh tests/cli/validate.sh tests/cli/manlint.sh
EXTRA_DIST += tests/cli/scan.sh tests/cli/validate.sh tests/cli/manlint.sh \
	tests/cli/normalise.py tests/cli/scan tests/validators/package.json \
	tests/validators/package-lock.json tests/validators/validate.js

TESTS += tests/cli/hash.sh
EXTRA_DIST += tests/cli/hash.sh
TESTS += tests/cli/man.sh
EXTRA_DIST += tests/cli/man.sh
