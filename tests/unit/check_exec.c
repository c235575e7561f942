/* SPDX-License-Identifier: Apache-2.0 */
/* check_exec.c: the exec analyser over the fixtures of testdata/exec (written by the gen-*.py
 * script there), each checked against its row of expected.tsv. */
#include "config.h"

#include <check.h>

#include "fixture.h"

MV_FIXTURE_MAIN("exec")
