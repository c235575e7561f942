# SPDX-License-Identifier: Apache-2.0
## The architecture: the includes of src/ follow the arrows between its parts (issue 11).
TESTS += tests/arch/layers.sh tests/arch/calls.sh
EXTRA_DIST += tests/arch/layers.sh tests/arch/calls.sh tests/arch/matrix.sh
