/* main.c - the leakwalk command: a table of subcommands, each a thin
 * client of libleakwalk in its own cmd_<name>.c. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cli.h"

typedef struct lw_command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
	int git; /* reads repositories: libgit2 is set up first (lw_init); staged
		  * sets it up itself, only when its plain path does not apply */
} lw_command;

static const lw_command lw_commands[] = {
	{ "scan", cmd_scan, "scan files, directories or stdin for secrets", 0 },
	{ "audit", cmd_audit, "scan the whole history of a git repository", 1 },
	{ "staged", cmd_staged, "pre-commit: scan the lines the next commit adds", 0 },
	{ "pre-push", cmd_pre_push, "pre-push: scan the commits the remote does not have", 1 },
	{ "pre-receive", cmd_pre_receive, "server hook: reject pushes that add secrets", 1 },
	{ "install-hook", cmd_install_hook, "install the pre-commit or pre-push hook", 1 },
	{ "report", cmd_report, "render a saved report, or the findings kept in a store", 0 },
	{ "fleet", cmd_fleet, "audit many repositories into a store, on many machines", 1 },
	{ "triage", cmd_triage, "mark a finding in the store false-positive, revoked or accepted", 0 },
	{ "rules", cmd_rules, "list, check and test rules", 0 },
	{ "version", cmd_version, "print the version (--deps: linked libraries)", 0 },
	{ "import-ignore", cmd_import_ignore, "import a .gitleaksignore or .secrets.baseline into .leakwalkignore", 1 },
};

static void lw_usage(FILE *f)
{
	fprintf(f, "usage: leakwalk COMMAND [OPTIONS] [ARGS]\n\n"
		   "leakwalk finds secrets (API keys, tokens, passwords, private keys) in files\n"
		   "and git history.\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(lw_commands) / sizeof(*lw_commands); i++)
		fprintf(f, "  %-13s %s\n", lw_commands[i].name, lw_commands[i].summary);
	fprintf(f, "\nRun 'leakwalk COMMAND --help' (or 'leakwalk help COMMAND') for a command's options.\n"
		   "\n" LW_EXIT_HELP);
}

/* The process holds the secrets it finds: no core file may carry them. */
static void lw_no_core_dumps(void)
{
	struct rlimit rl = { 0, 0 };

	setrlimit(RLIMIT_CORE, &rl);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

int main(int argc, char **argv)
{
	lw_no_core_dumps();
	if (argc < 2) {
		lw_usage(stderr);
		return LW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "help") && argc > 2) {
		/* `leakwalk help scan` is `leakwalk scan --help` */
		for (size_t i = 0; i < sizeof(lw_commands) / sizeof(*lw_commands); i++) {
			if (!strcmp(argv[2], lw_commands[i].name)) {
				char *hargv[] = { argv[2], "--help", NULL };
				return lw_commands[i].fn(2, hargv);
			}
		}
		lw_cli_error("no command \"%s\"; run 'leakwalk --help' for the list", argv[2]);
		return LW_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		lw_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("leakwalk %s\n", LW_VERSION);
		return 0;
	}
	lw_cli_signals();
	for (size_t i = 0; i < sizeof(lw_commands) / sizeof(*lw_commands); i++) {
		if (strcmp(argv[1], lw_commands[i].name))
			continue;
		/* only for the commands that read repositories: libgit2's set-up
		 * loads the system's TLS certificates, a few ms of every start */
		if (lw_commands[i].git && lw_init() < 0) {
			lw_cli_error("cannot initialise libgit2");
			return LW_EXIT_USAGE;
		}
		return lw_commands[i].fn(argc - 1, argv + 1);
	}
	lw_cli_error("unknown command \"%s\"; run 'leakwalk --help' for the list", argv[1]);
	return LW_EXIT_USAGE;
}
