/* SPDX-License-Identifier: Apache-2.0 */
/* check_nemo.c: the nemo analyser over the fixtures of testdata/nemo (written by the gen-*.py
 * script there), each checked against its row of expected.tsv. */
#include "config.h"

#include <check.h>

#include "fixture.h"

MV_FIXTURE_MAIN("nemo")
