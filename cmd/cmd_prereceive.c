/*
 * cmd_prereceive.c - `leakwalk pre-receive`: the server hook. Reads every
 * `<old> <new> <ref>` line, scans only what is new to the server (read from
 * git's quarantine), and rejects the push - fail closed - when it finds a
 * secret, when the scan cannot finish, or when its input is wrong.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "monitor.h"

static const char prereceive_help[] =
	"usage: leakwalk pre-receive [OPTIONS]\n"
	"\n"
	"The server-side hook. Reads git's pre-receive input (<old> <new> <ref>\n"
	"lines), scans the commits, blobs, merges, annotated tags and messages that\n"
	"are new to the server, and exits non-zero - so git updates no ref - when a\n"
	"secret is found or the scan could not be completed.\n"
	"\n"
	"options:\n"
	"  -c, --config FILE       the server's rules and allowlists\n"
	"      --timeout SECONDS   time budget (default 4; GitHub Enterprise allows 5)\n"
	"      --on-timeout WHAT   reject (default) or allow when the budget, --max-commits\n"
	"                          or --max-blob-size stop the scan\n"
	"      --on-incomplete WHAT  reject (default) or accept a push nothing was found in\n"
	"                          but that was not fully checked (regex limits, candidate\n"
	"                          bounds, lost paths, --max-commits, --max-blob-size);\n"
	"                          unreadable objects always reject\n"
	"      --max-commits N     at most N new commits (default 100000)\n"
	"      --max-blob-size N   blobs over N bytes are not scanned (default 100M)\n"
	"      --gitlab            prefix messages with GL-HOOK-ERR: for GitLab\n"
	"      --allow-inline      honour leakwalk:allow comments in pushed files\n"
	"      --trust-repo-config also read .leakwalk.json from the pushed commit\n"
	"      --allow-bypass      accept 'git push -o leakwalk.bypass=<reason>' (logged)\n"
	"      --bypass-log FILE   append accepted bypasses to FILE\n"
	"  -j, --threads N         worker threads (default: number of cores)\n"
	"      --no-redact         show secrets in full in the rejection message\n"
	"      --min-confidence LEVEL  reject only for findings this sure or more:\n"
	"                          low (default), medium or high\n"
	"      --max-archive-depth N  open zip, jar, tar, gzip, bzip2 and xz archives and\n"
	"                          archives inside them, N levels deep (0 to 16; default 4;\n"
	"                          0: archives are scanned as bytes)\n"
	"      --enable-rule ID    only this rule (repeatable: only these rules)\n"
	"      --disable-rule ID   not this rule (repeatable)\n"
	"\n"
	"exit status: 0 the push is accepted; 1 secrets found; 3 nothing found but not\n"
	"everything was checked (rejected unless --on-incomplete accept or, for time,\n"
	"--on-timeout allow); 2 usage or configuration error. Non-zero rejects the push.\n"
	"\n"
	"install: copy a hook script that runs 'leakwalk pre-receive --config /etc/leakwalk.json'\n"
	"into the bare repository's hooks/pre-receive (see the README).\n";

enum {
	PR_TIMEOUT = 2000, PR_ON_TIMEOUT, PR_MAX_COMMITS, PR_MAX_BLOB, PR_GITLAB, PR_INLINE,
	PR_TRUST, PR_BYPASS, PR_BYPASS_LOG, PR_NO_REDACT, PR_CONFIG, PR_THREADS, PR_HELP,
	PR_MIN_CONFIDENCE, PR_ON_INCOMPLETE
};

typedef struct pr_opts {
	const char *config;
	unsigned timeout;
	int allow_on_timeout;
	int accept_incomplete; /* --on-incomplete accept */
	uint64_t max_commits, max_blob;
	int gitlab, inline_allow, trust_repo, allow_bypass, redact;
	const char *bypass_log;
	unsigned threads;
	lw_confidence min_confidence;
	lw_cli rules; /* --enable-rule / --disable-rule */
} pr_opts;

static const char *pr_prefix;

static void pr_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void pr_say(const char *fmt, ...)
{
	char msg[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	for (char *line = msg, *nl; line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		fprintf(stderr, "%s%s\n", pr_prefix, line);
	}
}

static void pr_say_escaped(const char *indent, const char *s, size_t len)
{
	lw_buf b;

	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)s, len);
	fprintf(stderr, "%s%s%s\n", pr_prefix, indent, lw_buf_cstr(&b));
	lw_buf_release(&b);
}

static int pr_below_confidence(const lw_record *rec, void *p)
{
	return rec->confidence < *(const lw_confidence *)p;
}

static int pr_parse(pr_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, PR_CONFIG },
		{ "timeout", required_argument, NULL, PR_TIMEOUT },
		{ "on-timeout", required_argument, NULL, PR_ON_TIMEOUT },
		{ "on-incomplete", required_argument, NULL, PR_ON_INCOMPLETE },
		{ "max-commits", required_argument, NULL, PR_MAX_COMMITS },
		{ "max-blob-size", required_argument, NULL, PR_MAX_BLOB },
		{ "gitlab", no_argument, NULL, PR_GITLAB },
		{ "allow-inline", no_argument, NULL, PR_INLINE },
		{ "trust-repo-config", no_argument, NULL, PR_TRUST },
		{ "allow-bypass", no_argument, NULL, PR_BYPASS },
		{ "bypass-log", required_argument, NULL, PR_BYPASS_LOG },
		{ "no-redact", no_argument, NULL, PR_NO_REDACT },
		{ "threads", required_argument, NULL, PR_THREADS },
		{ "min-confidence", required_argument, NULL, PR_MIN_CONFIDENCE },
		{ "max-archive-depth", required_argument, NULL, OPT_MAX_ARCHIVE_DEPTH },
		{ "help", no_argument, NULL, PR_HELP },
		{ "enable-rule", required_argument, NULL, OPT_ENABLE_RULE },
		{ "disable-rule", required_argument, NULL, OPT_DISABLE_RULE },
		{ NULL, 0, NULL, 0 }
	};
	int opt;
	char *end;

	memset(o, 0, sizeof(*o));
	o->timeout = 4;
	o->max_commits = 100000;
	o->max_blob = (uint64_t)100 << 20;
	o->redact = 1;
	o->rules.archive_depth = 4;
	while ((opt = getopt_long(argc, argv, "+c:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': case PR_CONFIG: o->config = optarg; break;
		case PR_TIMEOUT:
			o->timeout = (unsigned)strtoul(optarg, &end, 10);
			if (*end || end == optarg || o->timeout > 3600) {
				lw_cli_error("--timeout takes 1 to 3600 seconds (0: none)");
				return -1;
			}
			break;
		case PR_ON_TIMEOUT:
			if (strcmp(optarg, "reject") && strcmp(optarg, "allow")) {
				lw_cli_error("--on-timeout takes reject or allow");
				return -1;
			}
			o->allow_on_timeout = !strcmp(optarg, "allow");
			break;
		case PR_ON_INCOMPLETE:
			if (strcmp(optarg, "reject") && strcmp(optarg, "accept")) {
				lw_cli_error("--on-incomplete takes reject or accept");
				return -1;
			}
			o->accept_incomplete = !strcmp(optarg, "accept");
			break;
		case PR_MAX_COMMITS:
			o->max_commits = strtoull(optarg, &end, 10);
			if (*end || end == optarg) {
				lw_cli_error("--max-commits takes a number");
				return -1;
			}
			break;
		case PR_MAX_BLOB:
			if (lw_parse_size(optarg, &o->max_blob) < 0) {
				lw_cli_error("--max-blob-size takes a size such as 10M (at most 2^62 bytes)");
				return -1;
			}
			break;
		case PR_GITLAB: o->gitlab = 1; break;
		case PR_INLINE: o->inline_allow = 1; break;
		case PR_TRUST: o->trust_repo = 1; break;
		case PR_BYPASS: o->allow_bypass = 1; break;
		case PR_BYPASS_LOG: o->bypass_log = optarg; break;
		case PR_NO_REDACT: o->redact = 0; break;
		case 'j': case PR_THREADS: o->threads = (unsigned)strtoul(optarg, NULL, 10); break;
		case PR_MIN_CONFIDENCE:
			if (lw_confidence_parse(optarg) < 0) {
				lw_cli_error("--min-confidence takes low, medium or high");
				return -1;
			}
			o->min_confidence = (lw_confidence)lw_confidence_parse(optarg);
			break;
		case OPT_MAX_ARCHIVE_DEPTH:
			if (lw_cli_option(&o->rules, opt, optarg) < 0)
				return -1;
			break;
		case OPT_ENABLE_RULE:
		case OPT_DISABLE_RULE:
			if (lw_cli_rule_option(&o->rules, opt == OPT_ENABLE_RULE, optarg) < 0)
				return -1;
			break;
		case 'h': case PR_HELP: fputs(prereceive_help, stdout); return 1;
		default: fputs(prereceive_help, stderr); return -1;
		}
	}
	return 0;
}

int lw_prereceive_parse(FILE *in, pr_push *p)
{
	char line[4096], old[80], new_[80], ref[2048];
	int n;

	memset(p, 0, sizeof(*p));
	while ((n = lw_cli_read_line(in, line, sizeof(line))) != -1) {
		if (n == -2 || p->lines >= 100000) {
			lw_cli_error("pre-receive input: a line is too long or there are too many");
			return -1;
		}
		if (!n)
			continue;
		p->lines++;
		if (sscanf(line, "%79s %79s %2047s", old, new_, ref) != 3 || !lw_oid_is_hex(old) ||
		    !lw_oid_is_hex(new_)) {
			lw_cli_error("pre-receive input: expected '<old> <new> <ref>'");
			return -1;
		}
		if (lw_oid_is_zero_hex(new_))
			continue; /* deletion: nothing new */
		char **v = realloc(p->revs, (p->nrevs + 1) * sizeof(char *));
		if (!v)
			return -1;
		/* `p` owns the grown array at once: realloc may have freed the old
		 * one, which lw_prereceive_free must not see again on failure */
		p->revs = v;
		if (!(v[p->nrevs] = strdup(new_)))
			return -1;
		p->nrevs++;
		/* a missing tip would silently drop --trust-repo-config */
		if (!p->first_branch_tip && !strncmp(ref, "refs/heads/", 11) &&
		    !(p->first_branch_tip = strdup(new_)))
			return -1;
	}
	return 0;
}

void lw_prereceive_free(pr_push *p)
{
	for (size_t i = 0; i < p->nrevs; i++)
		free(p->revs[i]);
	free(p->revs);
	free(p->first_branch_tip);
}

static const char *pr_pusher(void)
{
	static const char *const vars[] = { "GL_USERNAME", "GITHUB_USER_LOGIN", "GITEA_PUSHER_NAME",
		"REMOTE_USER", "USER", "LOGNAME" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(*vars); i++) {
		const char *v = getenv(vars[i]);
		if (v && *v)
			return v;
	}
	return "unknown";
}

/* `git push -o leakwalk.bypass=<reason>`: returns the reason or NULL. */
static const char *pr_bypass_reason(void)
{
	const char *cnt = getenv("GIT_PUSH_OPTION_COUNT");
	char name[64];
	unsigned long n = cnt ? strtoul(cnt, NULL, 10) : 0;

	for (unsigned long i = 0; i < n && i < 100; i++) {
		snprintf(name, sizeof(name), "GIT_PUSH_OPTION_%lu", i);
		const char *v = getenv(name);
		if (v && !strncmp(v, "leakwalk.bypass=", 16) && v[16])
			return v + 16;
	}
	return NULL;
}

static void pr_log_bypass(const pr_opts *o, const char *reason, const pr_push *p)
{
	char when[64];
	time_t now = time(NULL);
	struct tm tm;
	lw_buf b;

	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	lw_buf_init(&b, 1 << 16);
	lw_buf_printf(&b, "%s leakwalk bypass by ", when);
	lw_escape_text(&b, (const unsigned char *)pr_pusher(), strlen(pr_pusher()));
	lw_buf_puts(&b, " reason=\"");
	lw_escape_text(&b, (const unsigned char *)reason, strlen(reason));
	lw_buf_puts(&b, "\" new=");
	for (size_t i = 0; i < p->nrevs; i++)
		lw_buf_printf(&b, "%s%s", i ? "," : "", p->revs[i]);
	lw_buf_putc(&b, '\n');
	pr_say("leakwalk: secret scan bypassed (push option leakwalk.bypass); this is logged:");
	pr_say_escaped("  ", b.data, b.len ? b.len - 1 : 0);
	if (o->bypass_log) {
		int fd = open(o->bypass_log, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0) {
			if (write(fd, b.data, b.len) < 0)
				lw_cli_error("cannot append to %s", o->bypass_log);
			close(fd);
		} else {
			lw_cli_error("cannot open the bypass log %s: %s", o->bypass_log, strerror(errno));
		}
	}
	lw_buf_release(&b);
}

static void pr_on_expire(void *payload)
{
	const pr_opts *o = payload;

	pr_say("leakwalk: the secret scan did not finish within %u seconds: the push was %s.",
		o->timeout, o->allow_on_timeout ? "ACCEPTED UNSCANNED (server policy --on-timeout allow)"
						: "rejected (server policy --on-timeout reject)");
	if (!o->allow_on_timeout)
		pr_say("leakwalk: push fewer commits at a time, or ask the server's admin.");
}

static void pr_diag(const lw_diag *d, void *p)
{
	(void)p;
	lw_buf b;

	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)d->path, strlen(d->path));
	if (d->path[0] && d->line)
		lw_buf_printf(&b, ":%u", d->line);
	lw_buf_puts(&b, d->path[0] ? ": " : "");
	if (d->rule_id) {
		lw_buf_puts(&b, "rule ");
		lw_escape_text(&b, (const unsigned char *)d->rule_id, strlen(d->rule_id));
		lw_buf_puts(&b, ": ");
	}
	lw_escape_text(&b, (const unsigned char *)d->message, strlen(d->message));
	/* a warning, as in the other commands: what it names was not fully checked */
	fprintf(stderr, "%sleakwalk: warning: %s\n", pr_prefix, lw_buf_cstr(&b));
	lw_buf_release(&b);
}

static void pr_report(lw_report *rep, const pr_opts *o)
{
	size_t n = lw_report_count(rep);
	const char *last_commit = "";

	pr_say("%s", "");
	pr_say("leakwalk: push rejected: %zu secret%s in the pushed commits", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		const lw_record *r = lw_report_get(rep, i);
		lw_buf b;
		if (r->commit && strcmp(r->commit, last_commit)) {
			lw_buf_init(&b, 0);
			lw_buf_printf(&b, "commit %.12s", r->commit);
			if (r->message) {
				lw_buf_puts(&b, " \"");
				lw_escape_text(&b, (const unsigned char *)r->message, strlen(r->message));
				lw_buf_puts(&b, "\"");
			}
			if (r->author) {
				lw_buf_puts(&b, " by ");
				lw_escape_text(&b, (const unsigned char *)r->author, strlen(r->author));
			}
			pr_say("%s", "");
			pr_say("  %s", lw_buf_cstr(&b));
			lw_buf_release(&b);
			last_commit = r->commit;
		}
		lw_buf_init(&b, 0);
		lw_escape_text(&b, (const unsigned char *)r->path, strlen(r->path));
		lw_buf_printf(&b, ":%u:%u: %s [%s] fingerprint %s", r->line, r->column, r->rule_id,
			lw_severity_name(r->severity), r->fingerprint);
		pr_say("    %s", lw_buf_cstr(&b));
		lw_buf_release(&b);
		lw_buf_init(&b, 0);
		lw_buf_puts(&b, "        ");
		lw_buf tmp;
		lw_buf_init(&tmp, 0);
		if (o->redact)
			lw_redact(&tmp, (const unsigned char *)r->secret, r->secret_len);
		else
			lw_buf_put(&tmp, r->secret, r->secret_len);
		lw_buf_puts(&b, "secret: ");
		lw_escape_text(&b, (const unsigned char *)tmp.data, tmp.len);
		lw_buf_release(&tmp);
		pr_say("%s", lw_buf_cstr(&b));
		lw_buf_release(&b);
	}
	pr_say("%s", "");
	pr_say("How to remove it (the push changed nothing on the server):");
	pr_say("  - in the last commit: edit the file, 'git commit --amend', push again;");
	pr_say("  - in an older commit: 'git rebase -i <commit>~1', mark it 'edit', fix, continue;");
	pr_say("  - across many commits: 'git filter-repo --replace-text <file>' (or BFG);");
	pr_say("  - then revoke or rotate the secret if it was ever real.");
	pr_say("A false positive? Ask the server's admin to add its fingerprint to the server's");
	pr_say("ignore list%s.", o->inline_allow ? ", or mark the line with a 'leakwalk:allow' comment" : "");
}

/* Policy belongs to the server: its --config, and the pushed .leakwalk.json
 * only when the server says it trusts the repository's own. */
static lw_ruleset *pr_rules(const pr_opts *o, const pr_push *p, const char *gitdir,
	const char *const *qdirs, size_t nq)
{
	lw_cli cli;
	lw_cli_json pushed = { ".leakwalk.json (pushed)", NULL, 0 };
	lw_ruleset *rs;
	lw_error err = { 0 }, read_err = { 0 };
	char *data = NULL;
	int have_pushed;

	lw_cli_init(&cli);
	cli.config = o->config;
	memcpy(cli.enable_rules, o->rules.enable_rules, sizeof(cli.enable_rules));
	cli.nenable_rules = o->rules.nenable_rules;
	memcpy(cli.disable_rules, o->rules.disable_rules, sizeof(cli.disable_rules));
	cli.ndisable_rules = o->rules.ndisable_rules;
	/* no readable .leakwalk.json at the tip: the server's policy alone */
	have_pushed = o->trust_repo && p->first_branch_tip &&
		lw_git_read_file_at(&data, &pushed.len, gitdir, qdirs, nq, p->first_branch_tip,
			".leakwalk.json", 1 << 20, &read_err) == 0;
	pushed.data = data;
	rs = lw_cli_load_rules(&cli, NULL, 0, have_pushed ? &pushed : NULL, &err);
	free(data);
	if (!rs)
		pr_say("leakwalk: %s", err.msg);
	return rs;
}

/* the scan's records into the report (payload); 1 stops it when memory
 * runs out, which the report's count cannot show: pr_oom says so */
static int pr_oom;

static int pr_record(lw_record *rec, void *p)
{
	if (lw_report_take(p, rec) < 0) {
		lw_record_free(rec);
		pr_oom = 1;
		return 1;
	}
	return 0;
}

int cmd_pre_receive(int argc, char **argv)
{
	pr_opts o;
	pr_push push;
	lw_ruleset *rs = NULL;
	lw_report *rep = NULL;
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_history_options *ho = &so.history;
	lw_source_stats sst;
	const lw_history_stats *st = &sst.history;
	lw_monitor mon;
	lw_error err = { 0 };
	const char *qdirs[2];
	size_t nq = 0;
	int rc, status = LW_EXIT_FINDINGS;

	pr_prefix = "";
	if ((rc = pr_parse(&o, argc, argv)) != 0)
		return rc > 0 ? 0 : LW_EXIT_USAGE;
	pr_prefix = o.gitlab ? "GL-HOOK-ERR: " : "";
	if (lw_prereceive_parse(stdin, &push) < 0) {
		pr_say("leakwalk: push rejected: the hook could not read git's input");
		lw_prereceive_free(&push);
		return LW_EXIT_USAGE;
	}
	if (push.nrevs == 0) {
		lw_prereceive_free(&push);
		return 0;
	}
	const char *reason = pr_bypass_reason();
	if (reason && o.allow_bypass) {
		pr_log_bypass(&o, reason, &push);
		lw_prereceive_free(&push);
		return 0;
	}
	const char *q = getenv("GIT_QUARANTINE_PATH"), *od = getenv("GIT_OBJECT_DIRECTORY");
	if (q && *q)
		qdirs[nq++] = q;
	if (od && *od && (!q || strcmp(q, od)))
		qdirs[nq++] = od;
	const char *gitdir = getenv("GIT_DIR");
	if (!gitdir || !*gitdir)
		gitdir = ".";
	if (!(rs = pr_rules(&o, &push, gitdir, qdirs, nq))) {
		pr_say("leakwalk: push rejected: the leakwalk configuration is broken");
		status = LW_EXIT_USAGE;
		goto done;
	}
	if (lw_report_new(&rep) < 0)
		goto done;
	/* a range: what the push adds over every existing ref, its new
	 * objects in git's quarantine */
	so.kind = LW_SOURCE_RANGE;
	so.repo_path = gitdir;
	ho->revs = (const char *const *)push.revs;
	ho->nrevs = push.nrevs;
	ho->hide_all_refs = 1;
	ho->object_dirs = qdirs;
	ho->nobject_dirs = nq;
	ho->new_objects_only = nq > 0;
	ho->max_blob_size = o.max_blob;
	ho->max_commits = o.max_commits;
	ho->threads = o.threads;
	ho->scan.honour_inline_allow = o.inline_allow;
	ho->scan.archive_depth = o.rules.archive_depth;
	lw_record_sink sink = { pr_record, pr_diag, rep };
	memset(&sst, 0, sizeof(sst));
	memset(&mon, 0, sizeof(mon));
	mon.stats = st; /* the walk's counters, live */
	mon.timeout = o.timeout;
	mon.exit_code = o.allow_on_timeout ? 0 : LW_EXIT_FINDINGS;
	mon.what = "the secret scan";
	mon.on_expire = pr_on_expire;
	mon.payload = &o;
	lw_monitor_start(&mon);
	rc = lw_source_scan(&so, rs, &sink, &sst, &err);
	lw_monitor_stop(&mon);
	if (rc == 0 && pr_oom) {
		rc = LW_ENOMEM;
		snprintf(err.msg, sizeof(err.msg), "out of memory while collecting findings");
	}
	lw_report_remove_if(rep, pr_below_confidence, &o.min_confidence);
	if (rc < 0) {
		pr_say("leakwalk: push rejected: the secret scan failed: %s", err.msg);
		status = LW_EXIT_INPUT;
		goto done;
	}
	if (lw_report_count(rep)) {
		lw_report_sort(rep);
		if (o.redact)
			lw_report_redact_messages(rep);
		pr_report(rep, &o);
		status = LW_EXIT_FINDINGS;
		goto done;
	}
	if (st->errors) {
		pr_say("leakwalk: push rejected: %llu pushed objects could not be read, so the scan "
		       "is incomplete", (unsigned long long)st->errors);
		status = LW_EXIT_INPUT;
		goto done;
	}
	if (sst.incomplete || st->skipped_large) {
		/* --on-timeout allow has always covered the two size bounds */
		int accept = o.accept_incomplete ||
			     (o.allow_on_timeout && !st->limit_hits && (st->truncated || st->skipped_large));
		pr_say("leakwalk: the scan was incomplete: %s; the push was %s by server policy (%s)",
			st->limit_hits ? "a regex, candidate or archive limit was reached (see the notes above)"
			: st->truncated ? "more new commits than --max-commits"
				       : "a blob over --max-blob-size",
			accept ? "accepted" : "rejected",
			o.accept_incomplete ? "--on-incomplete accept"
			: accept	    ? "--on-timeout allow"
					    : "--on-incomplete reject");
		status = accept ? 0 : LW_EXIT_INPUT;
		goto done;
	}
	status = 0;
done:
	lw_report_free(rep);
	lw_ruleset_free(rs);
	lw_prereceive_free(&push);
	return status;
}
