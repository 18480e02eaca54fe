/* cmd_rules.c - `leakwalk rules list | check FILE... | test [FILE...]` */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char rules_help[] =
	"usage: leakwalk rules list [--config FILE]\n"
	"       leakwalk rules check FILE...\n"
	"       leakwalk rules test [FILE...]\n"
	"\n"
	"list   prints every rule, one per line: id, severity, tags, description\n"
	"check  validates rule files strictly: JSON shape, regexes, and that no regex\n"
	"       backtracks catastrophically on adversarial input\n"
	"test   proves every rule's examples (the built-in rules, or the files given):\n"
	"       each `match` example must be found, no `no_match` example may be\n";

static lw_ruleset *rules_load(char **files, int nfiles, const char *config)
{
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };

	if (lw_ruleset_new(&rs) < 0)
		return NULL;
	for (int i = 0; i < nfiles; i++)
		if (lw_ruleset_add_file(rs, files[i], &err) < 0)
			goto fail;
	if (config && lw_ruleset_add_file(rs, config, &err) < 0)
		goto fail;
	if (nfiles == 0 && lw_ruleset_wants_defaults(rs) && lw_ruleset_add_defaults(rs, &err) < 0)
		goto fail;
	if (lw_ruleset_finalize(rs, &err) < 0)
		goto fail;
	return rs;
fail:
	lw_cli_error("%s", err.msg);
	lw_ruleset_free(rs);
	return NULL;
}

static int rules_list(lw_ruleset *rs)
{
	for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
		const lw_rule_info *r = lw_ruleset_rule(rs, i);
		char tags[256] = "";
		size_t o = 0;
		for (size_t t = 0; t < r->ntags && o < sizeof(tags) - 1; t++)
			o += (size_t)snprintf(tags + o, sizeof(tags) - o, "%s%s", t ? "," : "", r->tags[t]);
		if (o >= sizeof(tags))
			o = sizeof(tags) - 1;
		printf("%-40s %-8s %-28s %s%s\n", r->id, lw_severity_name(r->severity),
			tags[0] ? tags : "-", r->description, r->disabled ? " (disabled)" : "");
	}
	return 0;
}

static int rules_test(lw_ruleset *rs)
{
	size_t failed = 0, examples = 0, n = lw_ruleset_count(rs);
	lw_error err;

	for (size_t i = 0; i < n; i++) {
		const lw_rule_info *r = lw_ruleset_rule(rs, i);
		if (r->disabled)
			continue;
		memset(&err, 0, sizeof(err));
		examples += r->nmatch_examples + r->nno_match_examples;
		if (r->nmatch_examples < 2 || r->nno_match_examples < 2) {
			printf("FAIL %s: needs at least 2 match and 2 no_match examples (%s)\n", r->id,
				r->source);
			failed++;
		} else if (r->nkeywords == 0 && r->npaths == 0) {
			/* a rule limited to paths runs only on those files */
			printf("FAIL %s: needs at least one keyword or path (%s)\n", r->id, r->source);
			failed++;
		} else if (lw_rule_test(rs, i, &err) < 0) {
			lw_buf b;
			lw_buf_init(&b, 0);
			lw_escape_text(&b, (const unsigned char *)err.msg, strlen(err.msg));
			printf("FAIL %s\n", lw_buf_cstr(&b));
			lw_buf_release(&b);
			failed++;
		}
	}
	printf("%zu passed, %zu failed (%zu rules, %zu examples)\n", n - failed, failed, n, examples);
	return failed ? LW_EXIT_FINDINGS : 0;
}

static int rules_check(char **files, int nfiles)
{
	int status = 0;

	if (nfiles == 0) {
		lw_cli_error("rules check needs at least one FILE");
		return LW_EXIT_USAGE;
	}
	for (int i = 0; i < nfiles; i++) {
		lw_ruleset *rs = rules_load(files + i, 1, NULL);
		lw_error err = { 0 };
		if (!rs) {
			status = LW_EXIT_USAGE;
			continue;
		}
		if (lw_ruleset_check(rs, &err) < 0) {
			lw_cli_error("%s", err.msg);
			status = LW_EXIT_USAGE;
		} else {
			printf("%s: %zu rules ok\n", files[i], lw_ruleset_count(rs));
		}
		lw_ruleset_free(rs);
	}
	return status;
}

int cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *config = NULL;
	lw_ruleset *rs;
	int opt, status;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(rules_help, argc < 2 ? stderr : stdout);
		return argc < 2 ? LW_EXIT_USAGE : 0;
	}
	const char *sub = argv[1];
	argc--;
	argv++;
	while ((opt = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		if (opt == 'c') {
			config = optarg;
		} else {
			fputs(rules_help, opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : LW_EXIT_USAGE;
		}
	}
	if (!strcmp(sub, "check"))
		return rules_check(argv + optind, argc - optind);
	if (strcmp(sub, "list") && strcmp(sub, "test")) {
		lw_cli_error("unknown rules subcommand \"%s\": use list, check or test", sub);
		return LW_EXIT_USAGE;
	}
	if (!(rs = rules_load(argv + optind, argc - optind, config)))
		return LW_EXIT_USAGE;
	status = !strcmp(sub, "list") ? rules_list(rs) : rules_test(rs);
	lw_ruleset_free(rs);
	return status;
}
