/* SPDX-License-Identifier: Apache-2.0 */
/* check_loaders.c: files that loaders read otherwise than their first look suggests (members
 * typed as folders or links, names equal once normalised, hidden members, polyglots), and
 * what the libraries write, over testdata/loaders against its expected.tsv. */
#include "config.h"

#include <check.h>

#include "fixture.h"

MV_FIXTURE_MAIN("loaders")
