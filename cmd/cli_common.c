/* cli_common.c - option handling, rule loading and report output shared
 * by the commands. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static volatile sig_atomic_t lw_interrupted;
static char lw_tmp_report[PATH_MAX];

void lw_cli_init(lw_cli *cli)
{
	memset(cli, 0, sizeof(*cli));
	cli->format = LW_FORMAT_TEXT;
	cli->format_name = "text";
	cli->redact = 1;
	cli->exit_code = LW_EXIT_FINDINGS;
	cli->max_file_size = (uint64_t)100 << 20;
	cli->color = "auto";
	cli->decode_depth = 2;
	cli->archive_depth = 4;
	cli->min_confidence = LW_CONFIDENCE_LOW;
}

void lw_cli_scan_options(const lw_cli *cli, lw_scan_options *so)
{
	so->honour_inline_allow = !cli->no_inline_allow;
	so->compat_markers = cli->compat;
	so->decode_depth = cli->decode_depth;
	so->archive_depth = cli->archive_depth;
	so->report_invalid_checksums = cli->report_invalid_checksums;
}

void lw_cli_vsay(const char *what, const char *fmt, va_list ap)
{
	char msg[2048];
	lw_buf b;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)msg, strlen(msg));
	fprintf(stderr, "leakwalk: %s%s\n", what, lw_buf_cstr(&b));
	lw_buf_release(&b);
}

void lw_cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	lw_cli_vsay("error: ", fmt, ap);
	va_end(ap);
}

void lw_cli_warn_diag(const lw_diag *d)
{
	lw_buf b;

	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)d->path, strlen(d->path));
	if (d->line)
		lw_buf_printf(&b, ":%u", d->line);
	if (d->rule_id)
		lw_buf_printf(&b, "%srule %s", b.len ? ": " : "", d->rule_id);
	if (b.len)
		lw_buf_puts(&b, ": ");
	lw_escape_text(&b, (const unsigned char *)d->message, strlen(d->message));
	fprintf(stderr, "leakwalk: warning: %s\n", lw_buf_cstr(&b));
	lw_buf_release(&b);
}

#define LW_MAX_SIZE_ARG ((uint64_t)1 << 62)

int lw_parse_size(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;
	unsigned shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s || s[0] == '-' || s[0] == '+' || s[0] == ' ')
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	default: break;
	}
	if (*end && strcmp(end, "B") && strcmp(end, "iB"))
		return -1;
	/* a size that does not fit would wrap (17179869184G is 0): refused, and
	 * so is one past 2^62 bytes, which the buffers sized from it (twice
	 * the size, for UTF-16) could not hold either */
	if (v > (LW_MAX_SIZE_ARG >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

static int lw_parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end = NULL;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = (unsigned)v;
	return 0;
}

/* "text, json, ... or html": every format of the library's table, in
 * `b`, which the caller releases. */
static const char *lw_cli_format_list(lw_buf *b)
{
	int n = lw_format_count();

	for (int i = 0; i < n; i++)
		lw_buf_printf(b, "%s%s", i == 0 ? "" : i + 1 == n ? " or " : ", ", lw_format_get(i)->name);
	return lw_buf_cstr(b);
}

int lw_cli_option(lw_cli *cli, int opt, const char *arg)
{
	unsigned u;

	switch (opt) {
	case 'f':
	case OPT_FORMAT:
		if (lw_format_parse(arg) < 0) {
			lw_buf list;
			lw_buf_init(&list, 0);
			lw_cli_error("unknown format \"%s\": use %s", arg, lw_cli_format_list(&list));
			lw_buf_release(&list);
			return -1;
		}
		cli->format = (lw_format)lw_format_parse(arg);
		cli->format_name = arg;
		return 1;
	case 'o': case OPT_OUTPUT: cli->output = arg; return 1;
	case 'c': case OPT_CONFIG: cli->config = arg; return 1;
	case OPT_NO_REDACT: cli->redact = 0; return 1;
	case OPT_COLOR:
		if (strcmp(arg, "auto") && strcmp(arg, "always") && strcmp(arg, "never")) {
			lw_cli_error("--color takes auto, always or never");
			return -1;
		}
		cli->color = arg;
		return 1;
	case OPT_EXIT_CODE:
		if (lw_parse_uint(arg, 255, &u) < 0) {
			lw_cli_error("--exit-code takes a number from 0 to 255");
			return -1;
		}
		cli->exit_code = (int)u;
		return 1;
	case 'j':
	case OPT_THREADS:
		if (lw_parse_uint(arg, 256, &u) < 0) {
			lw_cli_error("--threads takes a number from 0 (all cores) to 256");
			return -1;
		}
		cli->threads = u;
		return 1;
	case OPT_MAX_FILE_SIZE:
		if (lw_parse_size(arg, &cli->max_file_size) < 0) {
			lw_cli_error("--max-file-size takes a size such as 1048576, 512K or 100M "
				"(at most 4611686018427387904, 2^62)");
			return -1;
		}
		return 1;
	case OPT_BASELINE: cli->baseline = arg; return 1;
	case OPT_IGNORE_FILE: cli->ignore_file = arg; return 1;
	case 'q': case OPT_QUIET: cli->quiet = 1; return 1;
	case OPT_NO_INLINE_ALLOW: cli->no_inline_allow = 1; return 1;
	case OPT_NO_CONFIG: cli->no_config = 1; return 1;
	case OPT_COMPAT: cli->compat = 1; return 1;
	case OPT_MAX_DECODE_DEPTH:
		if (lw_parse_uint(arg, LW_DECODE_DEPTH_MAX, &u) < 0) {
			lw_cli_error("--max-decode-depth takes a number from 0 (never decode) to %d",
				LW_DECODE_DEPTH_MAX);
			return -1;
		}
		cli->decode_depth = (int)u;
		return 1;
	case OPT_MAX_ARCHIVE_DEPTH:
		if (lw_parse_uint(arg, LW_ARCHIVE_DEPTH_MAX, &u) < 0) {
			lw_cli_error("--max-archive-depth takes a number from 0 (never open archives) to %d",
				LW_ARCHIVE_DEPTH_MAX);
			return -1;
		}
		cli->archive_depth = (int)u;
		return 1;
	case OPT_REPORT_INVALID_CHECKSUMS: cli->report_invalid_checksums = 1; return 1;
	case OPT_MIN_CONFIDENCE:
		if (lw_confidence_parse(arg) < 0) {
			lw_cli_error("--min-confidence takes low, medium or high");
			return -1;
		}
		cli->min_confidence = (lw_confidence)lw_confidence_parse(arg);
		return 1;
	case OPT_ENABLE_RULE: return lw_cli_rule_option(cli, 1, arg) < 0 ? -1 : 1;
	case OPT_DISABLE_RULE: return lw_cli_rule_option(cli, 0, arg) < 0 ? -1 : 1;
	default: return 0;
	}
}

int lw_cli_rule_option(lw_cli *cli, int enable, const char *id)
{
	const char **v = enable ? cli->enable_rules : cli->disable_rules;
	size_t *n = enable ? &cli->nenable_rules : &cli->ndisable_rules;

	if (*n >= LW_CLI_MAX_RULE_IDS) {
		lw_cli_error("at most %d --%s-rule options", LW_CLI_MAX_RULE_IDS,
			enable ? "enable" : "disable");
		return -1;
	}
	v[(*n)++] = id;
	return 0;
}

/* --enable-rule and --disable-rule, before the set is finalized. An id no
 * rule has is an error: a typo must not turn a rule off silently. */
static int lw_cli_select_rules(const lw_cli *cli, lw_ruleset *rs, lw_error *e)
{
	const char *bad = NULL, *opt = "enable";

	for (size_t i = 0; !bad && i < cli->nenable_rules; i++)
		if (lw_ruleset_find(rs, cli->enable_rules[i]) < 0)
			bad = cli->enable_rules[i];
	for (size_t i = 0; !bad && i < cli->ndisable_rules; i++)
		if (lw_ruleset_disable(rs, cli->disable_rules[i], NULL) < 0) {
			bad = cli->disable_rules[i];
			opt = "disable";
		}
	if (bad) {
		e->code = LW_ECONFIG;
		snprintf(e->msg, sizeof(e->msg), "--%s-rule: no rule has the id \"%s\" "
			"('leakwalk rules list' shows them)", opt, bad);
		return -1;
	}
	for (size_t r = 0; cli->nenable_rules && r < lw_ruleset_count(rs); r++) {
		const char *id = lw_ruleset_rule(rs, r)->id;
		size_t k = 0;
		while (k < cli->nenable_rules && strcmp(cli->enable_rules[k], id))
			k++;
		if (k == cli->nenable_rules)
			lw_ruleset_disable(rs, id, NULL);
	}
	return 0;
}

lw_ruleset *lw_cli_load_rules(const lw_cli *cli, const char *repo_config, int allow_repo_config,
	const lw_cli_json *extra, lw_error *err)
{
	lw_ruleset *rs = NULL;
	lw_error e = { 0 };
	struct stat st;

	if (lw_ruleset_new(&rs) < 0) {
		e.code = LW_ENOMEM;
		snprintf(e.msg, sizeof(e.msg), "out of memory");
		goto fail;
	}
	/* configuration first, so "defaults": false can keep the built-ins out */
	if (cli->config && lw_ruleset_add_file(rs, cli->config, &e) < 0)
		goto fail;
	if (!cli->config && allow_repo_config && !cli->no_config && repo_config &&
	    lstat(repo_config, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			snprintf(e.msg, sizeof(e.msg), "%s: not a regular file", repo_config);
			goto fail;
		}
		if (lw_ruleset_add_file(rs, repo_config, &e) < 0)
			goto fail;
	}
	if (extra && lw_ruleset_add_json(rs, extra->name, extra->data, extra->len, &e) < 0)
		goto fail;
	if (lw_ruleset_wants_defaults(rs) && lw_ruleset_add_defaults(rs, &e) < 0)
		goto fail;
	if (lw_cli_select_rules(cli, rs, &e) < 0)
		goto fail;
	if (lw_ruleset_finalize(rs, &e) < 0)
		goto fail;
	if (lw_cli_check_config_rules(rs, &e) < 0)
		goto fail;
	return rs;
fail:
	if (err)
		*err = e;
	else
		lw_cli_error("%s", e.msg);
	lw_ruleset_free(rs);
	return NULL;
}

int lw_cli_read_file(const char *path, size_t max, char **out, size_t *len)
{
	return lw_file_read(path, max, out, len);
}

int lw_cli_load_filters(const lw_cli *cli, const char *default_ignore, lw_fpset **ignore,
	lw_fpset **baseline)
{
	const char *ipath = cli->ignore_file ? cli->ignore_file : default_ignore;
	lw_error err = { 0 };

	*ignore = *baseline = NULL;
	if (lw_fpset_new(ignore) < 0 || lw_fpset_new(baseline) < 0)
		return LW_EXIT_USAGE;
	if ((ipath && lw_fpset_read_ignore(*ignore, ipath, !cli->ignore_file, &err) < 0) ||
	    (cli->baseline && lw_fpset_read_baseline(*baseline, cli->baseline, &err) < 0)) {
		lw_cli_error("%s", err.msg);
		return LW_EXIT_USAGE;
	}
	return 0;
}

static int lw_known_fp(const lw_record *rec, void *p)
{
	lw_fpset **sets = p;

	return lw_fpset_suppresses(sets[0], sets[1], rec->fingerprint);
}

static int lw_below_confidence(const lw_record *rec, void *p)
{
	return rec->confidence < *(const lw_confidence *)p;
}

static int lw_cli_use_color(const lw_cli *cli)
{
	if (cli->format != LW_FORMAT_TEXT || !strcmp(cli->color, "never"))
		return 0;
	if (!strcmp(cli->color, "always"))
		return 1;
	const char *nc = getenv("NO_COLOR");
	return !cli->output && !(nc && *nc) && isatty(STDOUT_FILENO);
}

int lw_cli_emit(const lw_cli *cli, lw_report *rep, const lw_report_meta *meta,
	const lw_ruleset *rs, lw_fpset *ignore, lw_fpset *baseline)
{
	lw_output_options o = LW_OUTPUT_OPTIONS_INIT;
	lw_fpset *sets[2] = { ignore, baseline };
	lw_buf out;
	int rc;

	lw_report *hidden = NULL;

	/* suppressed findings are not reported, but their secrets stay masked
	 * where they share a line with a reported one */
	if (lw_report_new(&hidden) < 0)
		return LW_EXIT_INPUT;
	if (cli->redact) {
		/* before suppression: a suppressed secret may be quoted in a message */
		lw_report_redact_messages(rep);
	}
	lw_report_move_if(rep, lw_known_fp, sets, hidden);
	/* below --min-confidence: not reported, but still masked like the above */
	lw_report_move_if(rep, lw_below_confidence, (void *)&cli->min_confidence, hidden);
	lw_report_sort(rep);
	o.format = cli->format;
	o.redact = cli->redact;
	o.color = lw_cli_use_color(cli);
	o.rules = rs;
	o.also_mask = hidden;
	lw_buf_init(&out, 0);
	out.wipe = !cli->redact;
	rc = lw_report_render(&out, rep, meta, &o);
	lw_report_free(hidden);
	if (rc < 0) {
		lw_buf_release(&out);
		lw_cli_error("the report is too large to render");
		return LW_EXIT_INPUT;
	}
	rc = lw_cli_write_output(cli->output, lw_buf_cstr(&out), out.len);
	lw_buf_release(&out);
	return rc;
}

static int lw_write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t w = write(fd, data, len);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int lw_cli_write_output(const char *path, const char *data, size_t len)
{
	struct stat st;
	int fd;

	if (!path || !strcmp(path, "-")) {
		/* a closed pipe (`| head -1`) is a report not delivered, like a
		 * full disk: one line on stderr and exit 3, never a silent 0 or 1
		 * (SIGPIPE is ignored, lw_cli_signals) */
		if (lw_write_all(STDOUT_FILENO, data, len) < 0) {
			lw_cli_error("cannot write the report: %s", strerror(errno));
			return LW_EXIT_INPUT;
		}
		return 0;
	}
	/* never write through a planted symlink, nor into something odd */
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		lw_cli_error("%s: exists and is not a regular file; refusing to write the report", path);
		return LW_EXIT_USAGE;
	}
	if (snprintf(lw_tmp_report, sizeof(lw_tmp_report), "%s.tmp-XXXXXX", path) >=
	    (int)sizeof(lw_tmp_report)) {
		lw_cli_error("%s: path too long", path);
		return LW_EXIT_USAGE;
	}
	mode_t old = umask(077);
	fd = mkstemp(lw_tmp_report);
	umask(old);
	if (fd < 0) {
		lw_cli_error("%s: cannot create: %s", path, strerror(errno));
		lw_tmp_report[0] = 0;
		return LW_EXIT_INPUT;
	}
	if (lw_write_all(fd, data, len) < 0 || fsync(fd) < 0 || close(fd) < 0 ||
	    rename(lw_tmp_report, path) < 0) {
		int e = errno;
		unlink(lw_tmp_report);
		lw_tmp_report[0] = 0;
		lw_cli_error("%s: cannot write the report: %s (nothing was written)", path, strerror(e));
		return LW_EXIT_INPUT;
	}
	lw_tmp_report[0] = 0;
	return 0;
}

int lw_cli_status(const lw_cli *cli, size_t findings, int incomplete)
{
	if (lw_interrupted)
		return 128 + (int)lw_interrupted;
	if (findings)
		return cli->exit_code;
	return incomplete ? LW_EXIT_INPUT : LW_EXIT_CLEAN;
}

int lw_cli_history_incomplete(const lw_history_stats *st)
{
	return st->errors || st->limit_hits || st->truncated;
}

static void lw_on_signal(int sig)
{
	if (lw_tmp_report[0])
		unlink(lw_tmp_report);
	signal(sig, SIG_DFL);
	raise(sig);
}

void lw_cli_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = lw_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int lw_cli_interrupted(void)
{
	return lw_interrupted != 0;
}
