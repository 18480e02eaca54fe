/* cmd_audit.c - `leakwalk audit [REPO] [REV...]`: the whole history. */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "monitor.h"

static const char audit_help[] =
	"usage: leakwalk audit [OPTIONS] [REPO] [REV...]\n"
	"\n"
	"Scans every commit of every ref (branches, tags, remotes, notes, stash) of\n"
	"a repository, or the revisions given (main, A..B, A...B, ^X, --all). Each\n"
	"unique blob is read once; each secret is reported once per path, at the\n"
	"commit that introduced it, with the refs whose tip still holds it.\n"
	"Commit and tag messages are scanned too.\n"
	"\n"
	"options:\n" LW_COMMON_HELP
	"      --since DATE        skip commits older than DATE (2024-01-31, @UNIX, '3 weeks ago')\n"
	"      --max-blob-size N   never inflate blobs over N bytes (default 100M); they are listed\n"
	"      --timeout SECONDS   stop with exit 3 if the audit runs longer (default 21600,\n"
	"                          6 hours: a damaged repository must not hang a job; 0: none)\n"
	"      --progress          show progress even when stderr is not a terminal\n"
	"      --full-scan         match every blob whole, not only where a delta changed a\n"
	"                          scanned base (same findings, slower; for checking)\n"
	"      --store STORE       incremental: walk only the commits the tips recorded in\n"
	"                          STORE (an SQLite file or a postgresql:// URI) do not\n"
	"                          reach, keep the findings there, report the open ones\n"
	"\n"
	LW_EXIT_HELP
	"\n"
	"examples:\n"
	"  leakwalk audit\n"
	"  leakwalk audit /srv/git/app.git --format json --output findings.json\n"
	"  leakwalk audit . origin/main..HEAD\n"
	"  leakwalk audit --baseline old.json   # only what is new since old.json\n"
	"  leakwalk audit . --store ~/.leakwalk.db   # the next run reads new commits only\n";

#define LW_AUDIT_TIMEOUT 21600

enum { OPT_SINCE = OPT_LAST_COMMON + 1, OPT_MAX_BLOB, OPT_TIMEOUT, OPT_PROGRESS, OPT_ALL, OPT_FULL_SCAN, OPT_STORE };

typedef struct audit_ctx {
	int quiet;
	uint64_t diags;
	lw_buf notes;
	size_t nnotes;
	lw_report *rep; /* the scan's records go here */
	int oom;
} audit_ctx;

static int audit_on_record(lw_record *rec, void *p)
{
	audit_ctx *c = p;

	if (lw_report_take(c->rep, rec) < 0) {
		lw_record_free(rec);
		c->oom = 1;
		return 1;
	}
	return 0;
}

static void audit_on_diag(const lw_diag *d, void *p)
{
	audit_ctx *c = p;

	c->diags++;
	if (strstr(d->message, "--max-blob-size")) {
		/* listed in the reports too */
		if (c->nnotes < 1000) {
			lw_buf_puts(&c->notes, d->path);
			lw_buf_puts(&c->notes, ": ");
			lw_buf_puts(&c->notes, d->message);
			lw_buf_putc(&c->notes, '\0');
			c->nnotes++;
		}
	}
	if (!c->quiet)
		lw_cli_warn_diag(d);
}

int lw_parse_since(const char *s, int64_t *out)
{
	struct tm tm;
	char *end;
	long n;

	if (s[0] == '@') {
		*out = strtoll(s + 1, &end, 10);
		return *end ? -1 : 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || *end) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, "%Y-%m-%d", &tm);
	}
	if (end && !*end) {
		*out = (int64_t)timegm(&tm);
		return 0;
	}
	n = strtol(s, &end, 10);
	if (end == s || n < 0)
		return -1;
	while (*end == ' ')
		end++;
	static const struct { const char *unit; int64_t secs; } units[] = {
		{ "second", 1 }, { "minute", 60 }, { "hour", 3600 }, { "day", 86400 },
		{ "week", 604800 }, { "month", 2629746 }, { "year", 31556952 } };
	for (size_t i = 0; i < sizeof(units) / sizeof(*units); i++) {
		size_t ul = strlen(units[i].unit);
		if (strncmp(end, units[i].unit, ul))
			continue;
		const char *rest = end + ul;
		if (*rest == 's')
			rest++;
		if (strcmp(rest, " ago") && *rest)
			return -1;
		*out = (int64_t)time(NULL) - n * units[i].secs;
		return 0;
	}
	return -1;
}

static double audit_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void audit_summary(const lw_history_stats *s, size_t findings, double secs,
	const audit_ctx *c)
{
	fprintf(stderr, "leakwalk: audited %llu commits, %llu blobs (%.1f MB) in %.2fs: %zu finding%s",
		(unsigned long long)s->commits, (unsigned long long)s->blobs, (double)s->bytes / 1e6,
		secs, findings, findings == 1 ? "" : "s");
	if (s->skipped_large || s->skipped_binary)
		fprintf(stderr, "; skipped %llu binary, %llu over --max-blob-size",
			(unsigned long long)s->skipped_binary, (unsigned long long)s->skipped_large);
	if (s->gitlinks)
		fprintf(stderr, "; %llu submodule links not followed", (unsigned long long)s->gitlinks);
	if (s->shallow_boundaries)
		fprintf(stderr, "; shallow clone (%llu boundary commits)",
			(unsigned long long)s->shallow_boundaries);
	if (s->errors)
		fprintf(stderr, "; %llu unreadable objects", (unsigned long long)s->errors);
	if (lw_cli_history_incomplete(s))
		fprintf(stderr, "; coverage incomplete (%llu limits reached)",
			(unsigned long long)s->limit_hits);
	if (s->truncated)
		fprintf(stderr, "; stopped at --max-commits");
	/* for tests and benchmarks (tests/bench/deep_delta.sh) */
	if (getenv("LEAKWALK_DEBUG_STATS"))
		fprintf(stderr, "; %llu deltas applied", (unsigned long long)s->deltas_applied);
	if (s->delta_scans)
		fprintf(stderr, "; %llu blobs matched through their delta base",
			(unsigned long long)s->delta_scans);
	fputc('\n', stderr);
	const char *p = lw_buf_cstr(&c->notes);
	for (size_t i = 0; i < c->nnotes; i++, p += strlen(p) + 1) {
		lw_buf b;
		lw_buf_init(&b, 0);
		lw_escape_text(&b, (const unsigned char *)p, strlen(p));
		fprintf(stderr, "leakwalk: skipped %s\n", lw_buf_cstr(&b));
		lw_buf_release(&b);
	}
}

static int audit_is_repo_arg(const char *a)
{
	struct stat st;

	return a[0] != '-' && !strstr(a, "..") && stat(a, &st) == 0 && S_ISDIR(st.st_mode);
}

/* A first argument written as a path (absolute, ./, ../, ~) that is no
 * directory names a repository that is not there, not a revision: says so
 * and returns 1. A revision never starts that way (git refuses such ref
 * names). */
static int audit_missing_repo(const char *a)
{
	struct stat st;

	if (a[0] != '/' && a[0] != '~' && strncmp(a, "./", 2) && strncmp(a, "../", 3) &&
	    strcmp(a, ".."))
		return 0;
	if (stat(a, &st) == 0)
		lw_cli_error("%s: not a repository (it is not a directory)", a);
	else
		lw_cli_error("%s: no such repository: the path does not exist", a);
	return 1;
}

static char *audit_worktree_file(const char *repo, const char *name)
{
	/* configuration lives in the working tree of a non-bare repository */
	const char *base = repo ? repo : ".";
	size_t n = strlen(base) + strlen(name) + 2;
	char *p = malloc(n);

	if (p)
		snprintf(p, n, "%s/%s", base, name);
	return p;
}

/* What the command line asks of an audit */
typedef struct audit_args {
	lw_cli cli;
	lw_history_options ho;
	const char *repo;
	const char *store;   /* --store: incremental, findings kept there */
	const char **revs;
	size_t nrevs;
	int force_progress, all;
	/* generous, yet nothing in a hostile repository may hang a CI job */
	unsigned timeout;
} audit_args;

/* One of audit's own options: 1 taken, 0 not audit's, -1 a usage error
 * (said) */
static int audit_own_option(audit_args *a, int opt, const char *arg)
{
	if (opt == OPT_SINCE) {
		if (lw_parse_since(arg, &a->ho.since) < 0) {
			lw_cli_error("--since: cannot read \"%s\" as a date (2024-01-31, @1700000000, '2 weeks ago')", arg);
			return -1;
		}
	} else if (opt == OPT_MAX_BLOB) {
		if (lw_parse_size(arg, &a->ho.max_blob_size) < 0) {
			lw_cli_error("--max-blob-size takes a size such as 50M (at most 2^62 bytes)");
			return -1;
		}
	} else if (opt == OPT_TIMEOUT) {
		char *end;
		unsigned long v = strtoul(arg, &end, 10);
		if (*end || end == arg || v > 86400 * 30) {
			lw_cli_error("--timeout takes a number of seconds");
			return -1;
		}
		a->timeout = (unsigned)v;
	} else if (opt == OPT_PROGRESS) {
		a->force_progress = 1;
	} else if (opt == OPT_ALL) {
		a->all = 1;
	} else if (opt == OPT_FULL_SCAN) {
		a->ho.full_scan = 1;
	} else if (opt == OPT_STORE) {
		a->store = arg;
	} else {
		return 0;
	}
	return 1;
}

/* The options; -1 done with *status (help or a usage error) */
static int audit_options(audit_args *a, int argc, char **argv, int *status)
{
	static const struct option longopts[] = {
		LW_COMMON_LONGOPTS,
		{ "since", required_argument, NULL, OPT_SINCE },
		{ "max-blob-size", required_argument, NULL, OPT_MAX_BLOB },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "progress", no_argument, NULL, OPT_PROGRESS },
		{ "all", no_argument, NULL, OPT_ALL },
		{ "full-scan", no_argument, NULL, OPT_FULL_SCAN },
		{ "store", required_argument, NULL, OPT_STORE },
		{ NULL, 0, NULL, 0 }
	};
	int opt, rc;

	*status = LW_EXIT_USAGE;
	while ((opt = getopt_long(argc, argv, "f:o:c:j:qh", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			fputs(audit_help, stdout);
			*status = 0;
			return -1;
		}
		if ((rc = audit_own_option(a, opt, optarg)) < 0)
			return -1;
		if (rc == 0 && (rc = lw_cli_option(&a->cli, opt, optarg)) <= 0) {
			if (rc == 0)
				fputs(audit_help, stderr);
			return -1;
		}
	}
	return 0;
}

/* The repository and the revisions after the options; -1 on a usage error */
static int audit_operands(audit_args *a, int argc, char **argv)
{
	if (optind < argc && audit_is_repo_arg(argv[optind]))
		a->repo = argv[optind++];
	else if (optind < argc && audit_missing_repo(argv[optind]))
		return -1;
	a->revs = calloc((size_t)(argc - optind) + 2, sizeof(char *));
	if (!a->revs)
		return -1;
	for (int i = optind; i < argc; i++)
		a->revs[a->nrevs++] = argv[i];
	if (a->all && a->nrevs)
		a->revs[a->nrevs++] = "--all";
	a->ho.revs = a->revs;
	a->ho.nrevs = a->nrevs;
	if (a->store && (a->nrevs || a->ho.since)) {
		/* the store holds whole histories: what a full audit gives */
		lw_cli_error("--store audits every ref: no revisions or --since with it");
		return -1;
	}
	return 0;
}

/* The history scan under the monitor (progress, timeout); the library's
 * error said, as an exit status, or 0 */
static void audit_prepare(audit_args *a, audit_ctx *ctx, lw_history_stats *st, lw_monitor *mon)
{
	ctx->quiet = a->cli.quiet;
	a->ho.threads = a->cli.threads;
	lw_cli_scan_options(&a->cli, &a->ho.scan);
	a->ho.on_diag = audit_on_diag;
	a->ho.payload = ctx;
	memset(st, 0, sizeof(*st));
	memset(mon, 0, sizeof(*mon));
	mon->stats = st;
	mon->timeout = a->timeout;
	mon->progress = !a->cli.quiet && (a->force_progress || isatty(STDERR_FILENO));
	mon->exit_code = LW_EXIT_INPUT;
	mon->what = "the audit";
}

static int audit_scan(audit_args *a, audit_ctx *ctx, const lw_ruleset *rs, lw_report *rep,
	lw_source_stats *sst)
{
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_record_sink sink = { audit_on_record, audit_on_diag, ctx };
	lw_monitor mon;
	lw_error err = { 0 };
	int rc;

	memset(sst, 0, sizeof(*sst));
	audit_prepare(a, ctx, &sst->history, &mon); /* the walk's counters, live */
	so.kind = LW_SOURCE_HISTORY;
	so.repo_path = a->repo;
	so.history = a->ho;
	ctx->rep = rep;
	lw_monitor_start(&mon);
	rc = lw_source_scan(&so, rs, &sink, sst, &err);
	lw_monitor_stop(&mon);
	if (rc == 0 && ctx->oom) {
		rc = LW_ENOMEM;
		snprintf(err.msg, sizeof(err.msg), "out of memory while collecting findings");
	}
	if (rc < 0) {
		lw_cli_error("%s", err.msg);
		return rc == LW_ECONFIG ? LW_EXIT_USAGE : LW_EXIT_INPUT;
	}
	return 0;
}

/* --store: the incremental audit kept in the store (cli_store.c); the
 * exit status */
static int audit_store(audit_args *a, audit_ctx *ctx, lw_ruleset *rs, lw_fpset *ignore,
	lw_fpset *baseline)
{
	lw_history_stats st;
	lw_monitor mon;
	int status;

	audit_prepare(a, ctx, &st, &mon);
	lw_monitor_start(&mon);
	status = lw_cli_store_audit(&a->cli, a->store, a->repo, rs, &a->ho, &st, ignore, baseline);
	lw_monitor_stop(&mon);
	return status;
}

/* The report written, the summary said; the exit status */
static int audit_emit(audit_args *a, audit_ctx *ctx, const lw_ruleset *rs, lw_report *rep,
	const lw_source_stats *sst, lw_fpset *ignore, lw_fpset *baseline, double t0)
{
	const lw_history_stats *st = &sst->history;
	const char *notes[1000];
	const char *p = lw_buf_cstr(&ctx->notes);
	int status;

	for (size_t i = 0; i < ctx->nnotes; i++, p += strlen(p) + 1)
		notes[i] = p;
	lw_report_meta meta = { "audit", st->blobs, st->bytes, st->skipped_large, st->errors, 0,
		sst->incomplete, notes, ctx->nnotes };
	if ((status = lw_cli_emit(&a->cli, rep, &meta, rs, ignore, baseline)) != 0)
		return status;
	if (!a->cli.quiet) {
		if (st->commits_total == 0)
			fprintf(stderr, "leakwalk: nothing to scan: the repository has no commits in the given range\n");
		audit_summary(st, lw_report_count(rep), audit_now() - t0, ctx);
	}
	return lw_cli_status(&a->cli, lw_report_count(rep), meta.incomplete);
}

/* Rules and filters from the repository's working tree, the scan, the
 * report; the exit status */
static int audit_run(audit_args *a, audit_ctx *ctx, double t0)
{
	lw_source_stats st;
	lw_report *rep = NULL;
	lw_ruleset *rs = NULL;
	lw_fpset *ignore = NULL, *baseline = NULL;
	char *cfg = audit_worktree_file(a->repo, ".leakwalk.json");
	char *ign = audit_worktree_file(a->repo, ".leakwalkignore");
	int status = LW_EXIT_USAGE;

	if (!(rs = lw_cli_load_rules(&a->cli, cfg, 1, NULL, NULL)))
		goto done;
	if ((status = lw_cli_load_filters(&a->cli, ign, &ignore, &baseline)) != 0)
		goto done;
	if (a->store) {
		status = audit_store(a, ctx, rs, ignore, baseline);
		goto done;
	}
	status = LW_EXIT_INPUT;
	if (lw_report_new(&rep) < 0)
		goto done;
	if ((status = audit_scan(a, ctx, rs, rep, &st)) == 0)
		status = audit_emit(a, ctx, rs, rep, &st, ignore, baseline, t0);
done:
	lw_report_free(rep);
	lw_fpset_free(ignore);
	lw_fpset_free(baseline);
	lw_ruleset_free(rs);
	free(cfg);
	free(ign);
	return status;
}

int cmd_audit(int argc, char **argv)
{
	audit_args a;
	audit_ctx ctx;
	lw_history_options defaults = LW_HISTORY_OPTIONS_INIT;
	int status;
	double t0 = audit_now();

	memset(&a, 0, sizeof(a));
	a.ho = defaults;
	a.timeout = LW_AUDIT_TIMEOUT;
	lw_cli_init(&a.cli);
	if (audit_options(&a, argc, argv, &status) < 0)
		return status;
	if (audit_operands(&a, argc, argv) < 0) {
		free(a.revs);
		return LW_EXIT_USAGE;
	}
	memset(&ctx, 0, sizeof(ctx));
	lw_buf_init(&ctx.notes, 1 << 20);
	status = audit_run(&a, &ctx, t0);
	lw_buf_release(&ctx.notes);
	free(a.revs);
	return status;
}
