/* cmd_report.c - `leakwalk report REPORT.json`: renders a saved JSON or
 * JSONL report in any format, with no rescan. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define LW_REPORT_MAX ((size_t)1 << 30)

static const char report_help[] =
	"usage: leakwalk report [OPTIONS] REPORT\n"
	"       leakwalk report --store STORE [--repo R] [--status S] [OPTIONS]\n"
	"\n"
	"Renders a report that scan, audit, staged or pre-push saved with\n"
	"--format json or jsonl (REPORT, or '-' for stdin) in any format, with no\n"
	"rescan: the output is what the scan would have written, except what a\n"
	"JSON report does not record (times, how many files were scanned, notes).\n"
	"A redacted report stays redacted; one saved with --no-redact is redacted\n"
	"again unless --no-redact is given here too. Exit 1 when it holds findings.\n"
	"\n"
	"options:\n"
	"  -f, --format FMT        text, json, jsonl, sarif, csv, junit, gitlab or html\n"
	"                          (default text)\n"
	"  -o, --output FILE       write the report to FILE (mode 0600, atomically)\n"
	"  -c, --config FILE       rules for SARIF's rule table (default: the built-in rules)\n"
	"      --ignore-file FILE  leave out the findings whose fingerprints FILE lists\n"
	"      --baseline FILE     leave out the findings of this earlier JSON report\n"
	"      --no-redact         show secrets in full, if the report holds them\n"
	"      --color WHEN        auto, always or never (NO_COLOR is respected)\n"
	"      --exit-code N       exit status when the report holds findings (default 1)\n"
	"      --store STORE       the findings kept in STORE (see audit --store, fleet), with\n"
	"                          their repo, status, first_seen and secret_id\n"
	"      --repo R            only repository R (as fleet status names it)\n"
	"      --status S          open (default), all, false-positive, revoked or accepted\n"
	"\n"
	"examples:\n"
	"  leakwalk audit --format json --output findings.json\n"
	"  leakwalk report findings.json --format html --output findings.html\n"
	"  leakwalk report findings.json --format sarif --output findings.sarif\n";

/* What a JSON report does not say, guessed from its findings: a commit
 * means git history. */
static const char *report_command(lw_report *rep)
{
	for (size_t i = 0; i < lw_report_count(rep); i++)
		if (lw_report_get(rep, i)->commit)
			return "audit";
	return "scan";
}

int cmd_report(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "output", required_argument, NULL, OPT_OUTPUT },
		{ "config", required_argument, NULL, OPT_CONFIG },
		{ "ignore-file", required_argument, NULL, OPT_IGNORE_FILE },
		{ "baseline", required_argument, NULL, OPT_BASELINE },
		{ "no-redact", no_argument, NULL, OPT_NO_REDACT },
		{ "color", required_argument, NULL, OPT_COLOR },
		{ "exit-code", required_argument, NULL, OPT_EXIT_CODE },
		{ "quiet", no_argument, NULL, OPT_QUIET },
		{ "help", no_argument, NULL, OPT_HELP },
		{ "store", required_argument, NULL, OPT_LAST_COMMON + 1 },
		{ "repo", required_argument, NULL, OPT_LAST_COMMON + 2 },
		{ "status", required_argument, NULL, OPT_LAST_COMMON + 3 },
		{ NULL, 0, NULL, 0 }
	};
	lw_cli cli;
	lw_report *rep = NULL;
	lw_ruleset *rs = NULL;
	lw_fpset *ignore = NULL, *baseline = NULL;
	lw_error err = { 0 };
	char *data = NULL;
	size_t len = 0, redacted = 0;
	int opt, rc, status = LW_EXIT_USAGE;
	const char *store = NULL, *repo = NULL, *want = "open";

	lw_cli_init(&cli);
	while ((opt = getopt_long(argc, argv, "f:o:c:qh", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			fputs(report_help, stdout);
			return 0;
		}
		if (opt == OPT_LAST_COMMON + 1) {
			store = optarg;
			continue;
		} else if (opt == OPT_LAST_COMMON + 2) {
			repo = optarg;
			continue;
		} else if (opt == OPT_LAST_COMMON + 3) {
			want = optarg;
			continue;
		}
		if ((rc = lw_cli_option(&cli, opt, optarg)) <= 0) {
			if (rc == 0)
				fputs(report_help, stderr);
			return LW_EXIT_USAGE;
		}
	}
	if (store && argc == optind) {
		if ((status = lw_cli_load_filters(&cli, NULL, &ignore, &baseline)) == 0)
			status = lw_cli_store_report(&cli, store, repo, want, ignore, baseline);
		goto done;
	}
	if (argc - optind != 1 || repo || strcmp(want, "open")) {
		fputs(report_help, stderr);
		return LW_EXIT_USAGE;
	}
	const char *path = argv[optind];
	const char *name = strcmp(path, "-") ? path : "<stdin>";
	if (lw_cli_read_file(strcmp(path, "-") ? path : "/dev/stdin", LW_REPORT_MAX, &data, &len) < 0) {
		lw_cli_error("%s: cannot read: %s", name,
			errno == EFBIG ? "larger than 1 GiB" : strerror(errno));
		return LW_EXIT_USAGE;
	}
	if (lw_report_new(&rep) < 0)
		goto done;
	if (lw_report_load(rep, name, data, len, &err) < 0) {
		lw_cli_error("%s", err.msg);
		goto done;
	}
	if (!(rs = lw_cli_load_rules(&cli, NULL, 0, NULL, NULL)))
		goto done;
	if ((status = lw_cli_load_filters(&cli, NULL, &ignore, &baseline)) != 0)
		goto done;
	for (size_t i = 0; i < lw_report_count(rep); i++)
		redacted += lw_report_get(rep, i)->redacted != 0;
	if (redacted && !cli.redact && !cli.quiet)
		fprintf(stderr, "leakwalk: %zu of %zu secrets were redacted when the report was saved; "
				"they stay redacted\n", redacted, lw_report_count(rep));
	if (redacted == lw_report_count(rep) && redacted)
		cli.redact = 1; /* the formats that say so say "redacted" */
	lw_report_meta meta = { report_command(rep), 0, 0, 0, 0, 0, 0, NULL, 0 };
	if ((status = lw_cli_emit(&cli, rep, &meta, rs, ignore, baseline)) != 0)
		goto done;
	status = lw_cli_status(&cli, lw_report_count(rep), 0);
done:
	if (data) {
		/* a report saved with --no-redact holds secrets */
		explicit_bzero(data, len);
		free(data);
	}
	lw_report_free(rep);
	lw_fpset_free(ignore);
	lw_fpset_free(baseline);
	lw_ruleset_free(rs);
	return status;
}
