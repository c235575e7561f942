#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# no-check.sh: stands for the unit suites when configure found no Check, so that make check
# fails and says why instead of passing without them (99: a hard error for automake).
echo "no-check.sh: the unit suites need Check, which configure did not find: apt-get install check, then ./configure again" >&2
exit 99
