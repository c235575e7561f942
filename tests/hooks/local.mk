# SPDX-License-Identifier: Apache-2.0
## The hooks with their real clients: git pushing to a bare repository with hooks/pre-receive.
TESTS += tests/hooks/prereceive.sh
EXTRA_DIST += tests/hooks/prereceive.sh
