/* SPDX-License-Identifier: Apache-2.0 */
/* mavis.c: the program's entry, apart from cli_main so that tests/fuzz/fuzz_cli can run the
 * whole command line in-process. */
#include "config.h"

#include "cli/cli.h"

int
main(int argc, char **argv)
{
	return cli_main(argc, argv);
}
