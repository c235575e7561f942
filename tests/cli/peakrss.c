/* SPDX-License-Identifier: Apache-2.0 */
/* peakrss.c: run a command and print the peak resident set size of it (and of what it waited
 * for) from getrusage, as "peak-rss-kib: N" on standard error; exit with its status. Used by
 * tests/cli/memory.sh, where /usr/bin/time may be missing. */
#include "config.h"

#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int
main(int argc, char **argv)
{
	struct rusage ru;
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: peakrss COMMAND [ARG...]\n");
		return 125;
	}
	if ((pid = fork()) < 0) {
		perror("peakrss: fork");
		return 125;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		perror("peakrss: exec");
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		;
	if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
		perror("peakrss: getrusage");
		return 125;
	}
	fprintf(stderr, "peak-rss-kib: %ld\n", ru.ru_maxrss);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}
