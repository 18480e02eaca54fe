/* cmd_store.c - the store's side of the commands: `audit --store`,
 * `report --store` and `triage`. */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include <git2.h>

#include "store/store.h"

/* Opens the store or says why not: every store error is exit 2. */
static lw_store *store_open(const char *where)
{
	lw_store *s = NULL;
	lw_error err = { 0 };

	if (lw_store_open(&s, where, &err) < 0)
		lw_cli_error("%s", err.msg);
	return s;
}

/* The store names a local repository by its absolute path. */
static char *store_location(const char *repo)
{
	char *p = realpath(repo ? repo : ".", NULL);
	size_t n = p ? strlen(p) : 0;

	while (n > 1 && p[n - 1] == '/')
		p[--n] = '\0';
	return p;
}

/* Renders the store's findings (one repository or all) like any report. */
static int store_emit(const lw_cli *cli, lw_store *s, const char *repo, const char *status,
	lw_fpset *ignore, lw_fpset *baseline, size_t *count)
{
	lw_store_query q = { repo, status };
	lw_report *rep = NULL;
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	int rc = LW_EXIT_USAGE;

	if (lw_report_new(&rep) < 0)
		return LW_EXIT_USAGE;
	if (lw_store_load(s, &q, rep, &err) < 0) {
		lw_cli_error("%s", err.msg);
		goto done;
	}
	if (!(rs = lw_cli_load_rules(cli, NULL, 0, NULL, NULL)))
		goto done;
	lw_report_meta meta = { "audit", 0, 0, 0, 0, 0, 0, NULL, 0 };
	rc = lw_cli_emit(cli, rep, &meta, rs, ignore, baseline);
	*count = lw_report_count(rep);
done:
	lw_ruleset_free(rs);
	lw_report_free(rep);
	return rc;
}

int lw_cli_store_audit(const lw_cli *cli, const char *store, const char *repo, lw_ruleset *rs,
	lw_history_options *ho, lw_history_stats *st, lw_fpset *ignore, lw_fpset *baseline)
{
	lw_store *s = NULL;
	lw_store_audit_info info;
	lw_error err = { 0 };
	char *loc = store_location(repo);
	size_t open = 0;
	struct timespec t0, t1;
	int status = LW_EXIT_USAGE;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (!loc) {
		lw_cli_error("%s: cannot resolve the repository's path", repo ? repo : ".");
		goto done;
	}
	if (!(s = store_open(store)))
		goto done;
	if (lw_store_audit(s, loc, repo, rs, ho, NULL, st, &info, &err) < 0) {
		lw_cli_error("%s", err.msg);
		/* the store's errors are 2; a repository that cannot be read, 3 */
		status = info.store_failed || err.code == LW_ECONFIG ? LW_EXIT_USAGE : LW_EXIT_INPUT;
		goto done;
	}
	if ((status = store_emit(cli, s, loc, "open", ignore, baseline, &open)) != 0)
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!cli->quiet) {
		fprintf(stderr, "leakwalk: audited %llu commits, %llu blobs (%.1f MB) in %.2fs "
			"(%s", (unsigned long long)st->commits, (unsigned long long)st->blobs,
			(double)st->bytes / 1e6, (double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9, info.full ? "full walk" : "incremental");
		if (info.rewritten)
			fprintf(stderr, ": %zu recorded tip%s no longer in the history", info.rewritten,
				info.rewritten == 1 ? "" : "s");
		else if (info.rules_changed)
			fprintf(stderr, ": other rules or options than the last audit");
		fprintf(stderr, "): %zu open finding%s in the store\n", open, open == 1 ? "" : "s");
	}
	status = lw_cli_status(cli, open, lw_cli_history_incomplete(st));
done:
	lw_store_close(s);
	free(loc);
	return status;
}

int lw_cli_store_report(const lw_cli *cli, const char *store, const char *repo,
	const char *status, lw_fpset *ignore, lw_fpset *baseline)
{
	lw_store *s;
	size_t n = 0;
	int rc;

	if (strcmp(status, "all") && !lw_store_status_valid(status)) {
		lw_cli_error("--status takes open, all, false-positive, revoked or accepted");
		return LW_EXIT_USAGE;
	}
	if (!(s = store_open(store)))
		return LW_EXIT_USAGE;
	rc = store_emit(cli, s, repo, status, ignore, baseline, &n);
	lw_store_close(s);
	return rc ? rc : lw_cli_status(cli, n, 0);
}

static const char triage_help[] =
	"usage: leakwalk triage --store STORE FINGERPRINT|--secret SECRET_ID\n"
	"                       --status STATUS [--note TEXT]\n"
	"\n"
	"Sets the status of a finding in the store, kept by every later audit:\n"
	"false-positive, revoked, accepted, or open again. With --secret, of every\n"
	"finding of that secret (its secret_id), in every repository. Records who\n"
	"(git's user.email, else $USER) and when. Reports show open findings only\n"
	"unless asked (leakwalk report --store STORE --status all).\n"
	"\n"
	"examples:\n"
	"  leakwalk triage --store lw.db 3f1c...e0 --status revoked --note 'rotated'\n"
	"  leakwalk triage --store lw.db --secret 9ab2... --status false-positive\n";

/* git's user.email, else $USER: who triaged. */
static char *triage_who(void)
{
	git_config *cfg = NULL;
	git_buf b = { 0 };
	char *who = NULL;

	git_libgit2_init();
	if (git_config_open_default(&cfg) == 0 && git_config_get_string_buf(&b, cfg, "user.email") == 0)
		who = strdup(b.ptr);
	git_buf_dispose(&b);
	git_config_free(cfg);
	git_libgit2_shutdown();
	if (!who && getenv("USER"))
		who = strdup(getenv("USER"));
	return who ? who : strdup("unknown");
}

int cmd_triage(int argc, char **argv)
{
	enum { T_STORE = 1, T_SECRET, T_STATUS, T_NOTE, T_HELP };
	static const struct option longopts[] = {
		{ "store", required_argument, NULL, T_STORE },
		{ "secret", required_argument, NULL, T_SECRET },
		{ "status", required_argument, NULL, T_STATUS },
		{ "note", required_argument, NULL, T_NOTE },
		{ "help", no_argument, NULL, T_HELP },
		{ NULL, 0, NULL, 0 }
	};
	const char *store = NULL, *secret = NULL, *status = NULL, *note = NULL, *key;
	lw_store *s = NULL;
	lw_error err = { 0 };
	char *who = NULL;
	int opt, rc = LW_EXIT_USAGE;

	while ((opt = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (opt) {
		case T_STORE: store = optarg; break;
		case T_SECRET: secret = optarg; break;
		case T_STATUS: status = optarg; break;
		case T_NOTE: note = optarg; break;
		case 'h': case T_HELP: fputs(triage_help, stdout); return 0;
		default: fputs(triage_help, stderr); return LW_EXIT_USAGE;
		}
	}
	key = secret ? secret : optind < argc ? argv[optind] : NULL;
	if (!store || !status || !key || argc - optind != (secret ? 0 : 1)) {
		fputs(triage_help, stderr);
		return LW_EXIT_USAGE;
	}
	size_t kl = strspn(key, "0123456789abcdef");
	if (key[kl] || kl != (secret ? 64u : 32u)) {
		lw_cli_error("%s", secret ? "--secret takes a secret_id: 64 hex digits"
					  : "a fingerprint is 32 hex digits");
		return LW_EXIT_USAGE;
	}
	if (!lw_store_status_valid(status)) {
		lw_cli_error("--status takes false-positive, revoked, accepted or open");
		return LW_EXIT_USAGE;
	}
	if (!(s = store_open(store)))
		return LW_EXIT_USAGE;
	who = triage_who();
	if (lw_store_triage(s, key, secret != NULL, status, note, who, &err) < 0) {
		lw_cli_error("%s", err.msg);
		goto done;
	}
	fprintf(stderr, "leakwalk: %s %.64s is now %s\n", secret ? "secret" : "finding", key, status);
	rc = 0;
done:
	free(who);
	lw_store_close(s);
	return rc;
}
