/* cmd_scan.c - `leakwalk scan PATH... | -`: files, directories, stdin. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "monitor.h"

static const char scan_help[] =
	"usage: leakwalk scan [OPTIONS] [PATH...]\n"
	"\n"
	"Scans files and directories (default: the current directory), or stdin\n"
	"when PATH is '-'. Symlinks below a root are not followed, .git is skipped,\n"
	"oversized files are skipped and counted; archives (zip, jar, tar, gzip,\n"
	"bzip2, xz) are opened and their members reported as archive!member; other\n"
	"binary files (a NUL in the first 8000 bytes) are scanned through their\n"
	"printable runs (strings@OFFSET).\n"
	"-o naming an input is refused.\n"
	"\n"
	"options:\n" LW_COMMON_HELP
	"      --progress          show progress even when stderr is not a terminal\n"
	"\n" LW_EXIT_HELP
	"\n"
	"examples:\n"
	"  leakwalk scan .\n"
	"  leakwalk scan --format sarif --output leakwalk.sarif src/ config/\n"
	"  git diff | leakwalk scan -\n";

enum { OPT_SCAN_PROGRESS = OPT_LAST_COMMON + 1 };

typedef struct scan_ctx {
	lw_report *rep;
	uint64_t found; /* for progress */
	uint64_t diags;
	int quiet;
	int failed;
} scan_ctx;

static int scan_on_record(lw_record *rec, void *p)
{
	scan_ctx *c = p;

	if (lw_report_take(c->rep, rec) < 0) {
		lw_record_free(rec);
		c->failed = 1;
	} else
		__atomic_store_n(&c->found, lw_report_count(c->rep), __ATOMIC_RELAXED);
	return 0;
}

static void scan_on_diag(const lw_diag *d, void *p)
{
	scan_ctx *c = p;

	c->diags++;
	if (!c->quiet)
		lw_cli_warn_diag(d);
}

static double scan_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* stdin as a buffer source, its bytes as given (raw); its files, bytes and
 * errors are added to the walk's */
static void scan_stdin(const lw_cli *cli, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_fs_stats *st)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats sst;
	lw_chunk chunk = LW_CHUNK_INIT;
	lw_error err = { 0 };
	char *data;
	size_t len;

	if (lw_cli_read_file("/dev/stdin", (size_t)cli->max_file_size, &data, &len) < 0) {
		lw_cli_error("cannot read stdin (or it is larger than --max-file-size)");
		st->errors++;
		return;
	}
	chunk.data = (const unsigned char *)data;
	chunk.len = len;
	chunk.path = "<stdin>";
	o.kind = LW_SOURCE_BUFFER;
	o.chunk = &chunk;
	o.raw = 1;
	lw_cli_scan_options(cli, &o.scan);
	(void)lw_source_scan(&o, rs, sink, &sst, &err);
	st->files += sst.items;
	st->bytes += sst.bytes;
	free(data);
}

static void scan_summary(const lw_fs_stats *st, size_t findings, double secs, uint64_t diags)
{
	fprintf(stderr, "leakwalk: scanned %llu files (%.1f MB) in %.2fs: %zu finding%s",
		(unsigned long long)st->files, (double)st->bytes / 1e6, secs, findings,
		findings == 1 ? "" : "s");
	uint64_t skipped = st->skipped_binary + st->skipped_large + st->skipped_symlink +
			   st->skipped_other;
	if (skipped)
		fprintf(stderr, "; skipped %llu (%llu binary, %llu too large, %llu symlinks, %llu other)",
			(unsigned long long)skipped, (unsigned long long)st->skipped_binary,
			(unsigned long long)st->skipped_large, (unsigned long long)st->skipped_symlink,
			(unsigned long long)st->skipped_other);
	if (st->errors)
		fprintf(stderr, "; %llu unreadable", (unsigned long long)st->errors);
	if (st->errors || st->limit_hits || diags)
		fprintf(stderr, "; coverage incomplete (%llu limits reached)",
			(unsigned long long)st->limit_hits);
	fputc('\n', stderr);
}

/* -o naming one of the inputs (a file given as PATH, or what stdin reads)
 * would replace it with the report: refused before anything is read. */
static int scan_output_is_input(const char *output, const char *const *roots, size_t n)
{
	struct stat o, r;

	if (!output || !strcmp(output, "-") || stat(output, &o) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		int got = !strcmp(roots[i], "-") ? fstat(STDIN_FILENO, &r) : stat(roots[i], &r);
		if (got == 0 && S_ISREG(r.st_mode) && r.st_dev == o.st_dev && r.st_ino == o.st_ino) {
			lw_cli_error("--output %s is the input %s: refusing to replace it with the report",
				output, !strcmp(roots[i], "-") ? "read on stdin" : roots[i]);
			return 1;
		}
	}
	return 0;
}

static char *scan_root_file(const char *root, const char *name)
{
	struct stat st;
	size_t n = strlen(root) + strlen(name) + 2;
	char *p;

	if (stat(root, &st) < 0 || !S_ISDIR(st.st_mode))
		return NULL;
	p = malloc(n);
	if (p)
		snprintf(p, n, "%s/%s", root, name);
	return p;
}

int cmd_scan(int argc, char **argv)
{
	static const struct option longopts[] = {
		LW_COMMON_LONGOPTS,
		{ "progress", no_argument, NULL, OPT_SCAN_PROGRESS },
		{ NULL, 0, NULL, 0 }
	};
	lw_cli cli;
	lw_monitor mon;
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats sst;
	lw_fs_stats st = { 0 }, st_in = { 0 };
	scan_ctx ctx = { 0 };
	lw_record_sink sink = { scan_on_record, scan_on_diag, &ctx };
	lw_fpset *ignore = NULL, *baseline = NULL;
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	char *cfg = NULL, *ign = NULL;
	int opt, rc, status = LW_EXIT_USAGE, use_stdin = 0, force_progress = 0;
	double t0 = scan_now();

	lw_cli_init(&cli);
	while ((opt = getopt_long(argc, argv, "f:o:c:j:qh", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			fputs(scan_help, stdout);
			return 0;
		}
		if (opt == OPT_SCAN_PROGRESS) {
			force_progress = 1;
			continue;
		}
		if ((rc = lw_cli_option(&cli, opt, optarg)) <= 0) {
			if (rc == 0)
				fputs(scan_help, stderr);
			return LW_EXIT_USAGE;
		}
	}
	const char *dot = ".";
	const char *const *roots = (const char *const *)argv + optind;
	size_t nroots = (size_t)(argc - optind);
	if (nroots == 0) {
		roots = &dot;
		nroots = 1;
	}
	for (size_t i = 0; i < nroots; i++)
		if (!strcmp(roots[i], "-"))
			use_stdin = 1;
	if (scan_output_is_input(cli.output, roots, nroots))
		return LW_EXIT_USAGE;
	cfg = scan_root_file(roots[0], ".leakwalk.json");
	ign = scan_root_file(roots[0], ".leakwalkignore");
	if (!(rs = lw_cli_load_rules(&cli, cfg, 1, NULL, NULL)))
		goto done;
	if ((status = lw_cli_load_filters(&cli, ign, &ignore, &baseline)) != 0)
		goto done;
	if (lw_report_new(&ctx.rep) < 0)
		goto done;
	ctx.quiet = cli.quiet;
	so.kind = LW_SOURCE_FILES;
	so.files.max_file_size = cli.max_file_size;
	so.files.threads = cli.threads;
	lw_cli_scan_options(&cli, &so.files.scan);
	if (use_stdin)
		scan_stdin(&cli, rs, &sink, &st_in);
	const char **fsroots = calloc(nroots, sizeof(char *));
	size_t nfs = 0;
	for (size_t i = 0; fsroots && i < nroots; i++)
		if (strcmp(roots[i], "-"))
			fsroots[nfs++] = roots[i];
	so.paths = fsroots;
	so.npaths = nfs;
	memset(&sst, 0, sizeof(sst));
	memset(&mon, 0, sizeof(mon));
	mon.fs_stats = &sst.files; /* the walk's counters, live */
	mon.fs_findings = &ctx.found;
	mon.progress = nfs && !cli.quiet && (force_progress || isatty(STDERR_FILENO));
	lw_monitor_start(&mon);
	rc = nfs ? lw_source_scan(&so, rs, &sink, &sst, &err) : 0;
	lw_monitor_stop(&mon);
	st = sst.files;
	if (rc < 0) {
		lw_cli_error("%s", err.msg);
		free(fsroots);
		status = LW_EXIT_INPUT;
		goto done;
	}
	free(fsroots);
	st.files += st_in.files;
	st.bytes += st_in.bytes;
	st.errors += st_in.errors;
	lw_report_meta meta = { "scan", st.files, st.bytes, 0, st.errors, 0, 0, NULL, 0 };
	meta.incomplete = st.errors || st.limit_hits || ctx.diags;
	if (ctx.failed) {
		lw_cli_error("out of memory while collecting findings");
		status = LW_EXIT_INPUT;
		goto done;
	}
	if ((status = lw_cli_emit(&cli, ctx.rep, &meta, rs, ignore, baseline)) != 0)
		goto done;
	if (!cli.quiet)
		scan_summary(&st, lw_report_count(ctx.rep), scan_now() - t0, ctx.diags);
	status = lw_cli_status(&cli, lw_report_count(ctx.rep), meta.incomplete);
done:
	lw_report_free(ctx.rep);
	lw_fpset_free(ignore);
	lw_fpset_free(baseline);
	lw_ruleset_free(rs);
	free(cfg);
	free(ign);
	return status;
}
