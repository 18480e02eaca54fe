/* cmd_version.c - `leakwalk version [--deps]` */
#include <stdio.h>
#include <string.h>

#include "cli.h"

int cmd_version(int argc, char **argv)
{
	char buf[512];

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		fputs("usage: leakwalk version [--deps]\n\n"
		      "Prints leakwalk's version; with --deps, the versions of the linked\n"
		      "libgit2, PCRE2, cJSON, zlib and libdeflate too.\n", stdout);
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "--deps")) {
		fputs(lw_version_deps(buf, sizeof(buf)), stdout);
		return 0;
	}
	if (argc > 1) {
		lw_cli_error("usage: leakwalk version [--deps]");
		return LW_EXIT_USAGE;
	}
	printf("leakwalk %s\n", LW_VERSION);
	return 0;
}
