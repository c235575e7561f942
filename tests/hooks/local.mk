# SPDX-License-Identifier: Apache-2.0
## The hooks with their real clients: git pushing to a bare repository with hooks/pre-receive,
## git commit under pre-commit with .pre-commit-hooks.yaml, the action's script run here.
TESTS += tests/hooks/prereceive.sh tests/hooks/precommit.sh tests/hooks/action.sh
EXTRA_DIST += tests/hooks/prereceive.sh tests/hooks/precommit.sh tests/hooks/action.sh
