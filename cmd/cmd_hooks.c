/* cmd_hooks.c - the client-side hooks: `leakwalk staged` (pre-commit),
 * `leakwalk pre-push`, and `leakwalk install-hook`. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static const char staged_help[] =
	"usage: leakwalk staged [OPTIONS]\n"
	"\n"
	"The pre-commit check: scans only the lines the next commit adds (the index\n"
	"compared with HEAD) and reports path:line in the new file. Honours\n"
	"GIT_INDEX_FILE, GIT_DIR and linked worktrees. Exit 1 blocks the commit, and\n"
	"so does exit 3 (not everything was checked).\n"
	"\n"
	"options:\n" LW_COMMON_HELP
	"\n" LW_EXIT_HELP
	"\n"
	"install it with: leakwalk install-hook pre-commit\n";

/* A hook's sink: records into its report; every diagnostic says
 * something was not fully checked */
typedef struct hook_diags {
	int quiet;
	uint64_t n;
	lw_report *rep;
	int oom;
} hook_diags;

static void hook_diag(const lw_diag *d, void *p)
{
	hook_diags *h = p;

	__atomic_add_fetch(&h->n, 1, __ATOMIC_RELAXED);
	if (!h->quiet)
		lw_cli_warn_diag(d);
}

static int hook_record(lw_record *rec, void *p)
{
	hook_diags *h = p;

	if (lw_report_take(h->rep, rec) < 0) {
		lw_record_free(rec);
		h->oom = 1;
		return 1;
	}
	return 0;
}

static void hook_advice(const char *what)
{
	fprintf(stderr,
		"\nleakwalk: %s blocked: the lines above contain what looks like a secret.\n"
		"  - remove it (keep it in an environment variable or a secrets manager) and stage again;\n"
		"  - if it was ever real, revoke or rotate it;\n"
		"  - a false positive: add 'leakwalk:allow' in a comment on that line, or put the\n"
		"    fingerprint (leakwalk staged --format json) in .leakwalkignore.\n", what);
}

static void hook_incomplete(const char *what, uint64_t files)
{
	fprintf(stderr,
		"leakwalk: %s blocked: no secrets found, but not everything was checked (see the "
		"warnings above; %llu files).\n"
		"  - git's --no-verify skips the hook if you are sure.\n", what,
		(unsigned long long)files);
}

/* For a push the secret is in a commit already: a new commit removing it
 * would leave it in the history the push sends. */
static void hook_push_advice(void)
{
	fputs("\nleakwalk: push blocked: the commits above add what looks like a secret, and a\n"
	      "commit that removes it later would still push it in the history.\n"
	      "  - in the last commit: remove it from the file, 'git add' the file, then\n"
	      "    'git commit --amend';\n"
	      "  - in an older commit: 'git rebase -i @{upstream}' (or the commit before it), mark\n"
	      "    that commit 'edit', remove the secret, 'git add' the file, 'git commit --amend',\n"
	      "    then 'git rebase --continue';\n"
	      "  - if it was ever real, revoke or rotate it: it is in your local history already;\n"
	      "  - a false positive: put its fingerprint (leakwalk pre-push --format json, or the\n"
	      "    JSON of 'leakwalk audit') in .leakwalkignore, then push again.\n", stderr);
}

/* What the two client hooks share: the common options, the configuration
 * and filters at the top of the working tree (where git runs hooks), and
 * the report. */
typedef struct hook_run {
	lw_cli cli;
	lw_ruleset *rs;
	lw_fpset *ignore, *baseline;
	lw_report *rep;
} hook_run;

/* Returns 0 to go on, 1 after --help, -1 on a usage error (printed). */
static int hook_options(hook_run *h, int argc, char **argv, const char *help)
{
	static const struct option longopts[] = { LW_COMMON_LONGOPTS, { NULL, 0, NULL, 0 } };
	int opt, rc;

	memset(h, 0, sizeof(*h));
	lw_cli_init(&h->cli);
	while ((opt = getopt_long(argc, argv, "f:o:c:j:qh", longopts, NULL)) != -1) {
		if (opt == 'h' || opt == OPT_HELP) {
			fputs(help, stdout);
			return 1;
		}
		if ((rc = lw_cli_option(&h->cli, opt, optarg)) <= 0) {
			if (rc == 0)
				fputs(help, stderr);
			return -1;
		}
	}
	return 0;
}

/* Returns 0, or the exit status when something could not be loaded. */
static int hook_load(hook_run *h)
{
	int status;

	if (!(h->rs = lw_cli_load_rules(&h->cli, ".leakwalk.json", 1, NULL, NULL)))
		return LW_EXIT_USAGE;
	if ((status = lw_cli_load_filters(&h->cli, ".leakwalkignore", &h->ignore, &h->baseline)) != 0)
		return status;
	return lw_report_new(&h->rep) < 0 ? LW_EXIT_INPUT : 0;
}

static void hook_release(hook_run *h)
{
	lw_report_free(h->rep);
	lw_fpset_free(h->ignore);
	lw_fpset_free(h->baseline);
	lw_ruleset_free(h->rs);
}

int cmd_staged(int argc, char **argv)
{
	hook_run h;
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats sst;
	const lw_staged_stats *st = &sst.staged;
	lw_error err = { 0 };
	int rc, status;

	if ((rc = hook_options(&h, argc, argv, staged_help)) != 0)
		return rc > 0 ? 0 : LW_EXIT_USAGE;
	if ((status = hook_load(&h)) != 0)
		goto done;
	status = LW_EXIT_INPUT;
	so.kind = LW_SOURCE_STAGED; /* repo_path NULL: from the environment, as a hook */
	so.max_file_size = h.cli.max_file_size;
	lw_cli_scan_options(&h.cli, &so.scan);
	hook_diags hd = { h.cli.quiet, 0, h.rep, 0 };
	lw_record_sink sink = { hook_record, hook_diag, &hd };
	if (lw_source_scan(&so, h.rs, &sink, &sst, &err) < 0 || hd.oom) {
		lw_cli_error("%s", hd.oom ? "out of memory while collecting findings" : err.msg);
		goto done;
	}
	lw_report_meta meta = { "staged", st->files, st->bytes, 0, st->errors, 0,
		sst.incomplete || hd.n, NULL, 0 };
	if ((status = lw_cli_emit(&h.cli, h.rep, &meta, h.rs, h.ignore, h.baseline)) != 0)
		goto done;
	if (st->files == 0 && st->errors == 0 && lw_report_count(h.rep) == 0) {
		if (!h.cli.quiet)
			fprintf(stderr, "leakwalk: nothing staged adds lines; nothing was scanned\n");
		status = 0;
		goto done;
	}
	if (!h.cli.quiet) {
		if (lw_report_count(h.rep))
			hook_advice("commit");
		else if (meta.incomplete)
			hook_incomplete("commit", st->files);
		else
			fprintf(stderr, "leakwalk: %llu added lines in %llu files: no secrets\n",
				(unsigned long long)st->added_lines, (unsigned long long)st->files);
	}
	status = lw_cli_status(&h.cli, lw_report_count(h.rep), meta.incomplete);
done:
	hook_release(&h);
	return status;
}

/* ---- pre-push --------------------------------------------------------- */

static const char prepush_help[] =
	"usage: leakwalk pre-push [OPTIONS] [REMOTE [URL]]\n"
	"\n"
	"The pre-push check. Reads git's pre-push input on stdin\n"
	"(<local ref> <local oid> <remote ref> <remote oid> lines) and scans only\n"
	"the commits the remote does not have. Exit 1 stops the push, and so does\n"
	"exit 3 (not everything was checked).\n"
	"\n"
	"options:\n" LW_COMMON_HELP
	"\n" LW_EXIT_HELP
	"\n"
	"install it with: leakwalk install-hook pre-push\n";

#define LW_MAX_PUSH_LINES 100000

/* Reads a bounded line; returns its length, -1 at EOF, -2 if too long. */
int lw_cli_read_line(FILE *f, char *buf, size_t size)
{
	size_t n = 0;
	int ch;

	while ((ch = getc(f)) != EOF && ch != '\n') {
		if (n + 1 >= size) {
			while ((ch = getc(f)) != EOF && ch != '\n')
				;
			return -2;
		}
		buf[n++] = (char)ch;
	}
	if (ch == EOF && n == 0)
		return -1;
	if (n && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	return (int)n;
}

int lw_strvec_push(strvec *s, const char *x)
{
	char **v = realloc(s->v, (s->n + 2) * sizeof(char *));

	if (!v)
		return -1;
	s->v = v;
	if (!(v[s->n] = strdup(x)))
		return -1;
	s->n++;
	v[s->n] = NULL;
	return 0;
}

void lw_strvec_clear(strvec *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

int lw_prepush_parse(FILE *in, strvec *revs, strvec *hide, const char *remote)
{
	char line[2048], lref[1024], loid[80], rref[1024], roid[80];
	int n, count = 0;

	while ((n = lw_cli_read_line(in, line, sizeof(line))) != -1) {
		if (n == -2 || ++count > LW_MAX_PUSH_LINES) {
			lw_cli_error("pre-push input: line too long or too many lines");
			return -1;
		}
		if (!n)
			continue;
		if (sscanf(line, "%1023s %79s %1023s %79s", lref, loid, rref, roid) != 4 ||
		    !lw_oid_is_hex(loid) || !lw_oid_is_hex(roid)) {
			lw_cli_error("pre-push input: cannot read \"%s\"", line);
			return -1;
		}
		if (lw_oid_is_zero_hex(loid))
			continue; /* a deletion adds nothing */
		if (lw_strvec_push(revs, loid) < 0)
			return -1;
		if (!lw_oid_is_zero_hex(roid) && lw_strvec_push(hide, roid) < 0)
			return -1;
	}
	/* whatever the remote is known to have is not new to it */
	if (remote && *remote && strlen(remote) < 900 && !strchr(remote, '*')) {
		char glob[1024];
		snprintf(glob, sizeof(glob), "refs/remotes/%s/*", remote);
		if (lw_strvec_push(hide, glob) < 0)
			return -1;
	}
	return 0;
}

int cmd_pre_push(int argc, char **argv)
{
	hook_run h;
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_history_options *ho = &so.history;
	lw_source_stats sst;
	const lw_history_stats *st = &sst.history;
	lw_error err = { 0 };
	strvec revs = { 0 }, hide = { 0 };
	int rc, status = LW_EXIT_USAGE;

	if ((rc = hook_options(&h, argc, argv, prepush_help)) != 0)
		return rc > 0 ? 0 : LW_EXIT_USAGE;
	if (lw_prepush_parse(stdin, &revs, &hide, optind < argc ? argv[optind] : NULL) < 0)
		goto done;
	if ((status = hook_load(&h)) != 0)
		goto done;
	status = LW_EXIT_INPUT;
	if (revs.n == 0) {
		lw_report_meta none = { "pre-push", 0, 0, 0, 0, 0, 0, NULL, 0 };
		if ((status = lw_cli_emit(&h.cli, h.rep, &none, h.rs, h.ignore, h.baseline)) != 0)
			goto done;
		if (!h.cli.quiet)
			fprintf(stderr, "leakwalk: the push adds no commits; nothing was scanned\n");
		status = 0;
		goto done;
	}
	/* a range: what the pushed tips add over what the remote has; no
	 * `present` (the remote's tips are not ours to list) */
	so.kind = LW_SOURCE_RANGE;
	ho->revs = (const char *const *)revs.v;
	ho->nrevs = revs.n;
	ho->hide = (const char *const *)hide.v;
	ho->nhide = hide.n;
	ho->threads = h.cli.threads;
	ho->max_blob_size = h.cli.max_file_size;
	lw_cli_scan_options(&h.cli, &ho->scan);
	hook_diags hd = { h.cli.quiet, 0, h.rep, 0 };
	lw_record_sink sink = { hook_record, hook_diag, &hd };
	if (lw_source_scan(&so, h.rs, &sink, &sst, &err) < 0 || hd.oom) {
		lw_cli_error("%s", hd.oom ? "out of memory while collecting findings" : err.msg);
		goto done;
	}
	lw_report_meta meta = { "pre-push", st->blobs, st->bytes, st->skipped_large, st->errors, 0,
		sst.incomplete, NULL, 0 };
	if ((status = lw_cli_emit(&h.cli, h.rep, &meta, h.rs, h.ignore, h.baseline)) != 0)
		goto done;
	if (!h.cli.quiet) {
		if (lw_report_count(h.rep))
			hook_push_advice();
		else if (meta.incomplete)
			hook_incomplete("push", st->blobs);
		else
			fprintf(stderr, "leakwalk: %llu new commits, %llu blobs: no secrets\n",
				(unsigned long long)st->commits, (unsigned long long)st->blobs);
	}
	status = lw_cli_status(&h.cli, lw_report_count(h.rep), meta.incomplete);
done:
	lw_strvec_clear(&revs);
	lw_strvec_clear(&hide);
	hook_release(&h);
	return status;
}

/* ---- install-hook ----------------------------------------------------- */

static const char install_help[] =
	"usage: leakwalk install-hook pre-commit|pre-push [--force] [REPO]\n"
	"\n"
	"Writes a small hook script into the repository's hooks directory\n"
	"(core.hooksPath is respected). An existing different hook is kept unless\n"
	"--force is given; installing twice changes nothing.\n";

static int install_write(const char *path, const char *content, int force)
{
	char tmp[PATH_MAX];
	struct stat st;
	char *old = NULL;
	size_t oldlen = 0;
	int fd;

	if (lstat(path, &st) == 0) {
		if (S_ISREG(st.st_mode) && lw_cli_read_file(path, 1 << 20, &old, &oldlen) == 0 &&
		    oldlen == strlen(content) && memcmp(old, content, oldlen) == 0) {
			free(old);
			return 0; /* already installed */
		}
		free(old);
		if (!force) {
			lw_cli_error("%s already exists and is not leakwalk's hook; keep it, or use --force "
				"to replace it", path);
			return LW_EXIT_USAGE;
		}
	}
	if (snprintf(tmp, sizeof(tmp), "%s.leakwalk-XXXXXX", path) >= (int)sizeof(tmp))
		return LW_EXIT_USAGE;
	fd = mkstemp(tmp);
	if (fd < 0) {
		lw_cli_error("cannot write %s: %s", path, strerror(errno));
		return LW_EXIT_INPUT;
	}
	size_t len = strlen(content);
	if (write(fd, content, len) != (ssize_t)len || fchmod(fd, 0755) < 0 || close(fd) < 0 ||
	    rename(tmp, path) < 0) {
		lw_cli_error("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return LW_EXIT_INPUT;
	}
	return 0;
}

/* `s` as one POSIX shell word: in single quotes, each ' written '\'' */
static void install_quote(lw_buf *b, const char *s)
{
	lw_buf_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			lw_buf_puts(b, "'\\''");
		else
			lw_buf_putc(b, *s);
	}
	lw_buf_putc(b, '\'');
}

int cmd_install_hook(int argc, char **argv)
{
	const char *kind = NULL, *repo = NULL;
	char self[PATH_MAX], path[PATH_MAX];
	lw_buf script;
	char *dir = NULL;
	lw_error err = { 0 };
	int force = 0, rc;
	ssize_t n;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--force"))
			force = 1;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(install_help, stdout);
			return 0;
		} else if (!kind)
			kind = argv[i];
		else if (!repo)
			repo = argv[i];
		else {
			fputs(install_help, stderr);
			return LW_EXIT_USAGE;
		}
	}
	if (!kind || (strcmp(kind, "pre-commit") && strcmp(kind, "pre-push"))) {
		fputs(install_help, stderr);
		return LW_EXIT_USAGE;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		snprintf(self, sizeof(self), "leakwalk");
	else
		self[n] = '\0';
	if (lw_git_hooks_dir(&dir, repo, &err) < 0) {
		lw_cli_error("%s", err.msg);
		return LW_EXIT_USAGE;
	}
	mkdir(dir, 0755);
	snprintf(path, sizeof(path), "%s/%s", dir, kind);
	lw_buf_init(&script, 0);
	lw_buf_printf(&script, "#!/bin/sh\n# installed by leakwalk install-hook %s\nexec ", kind);
	install_quote(&script, self);
	lw_buf_printf(&script, " %s%s\n", !strcmp(kind, "pre-commit") ? "staged" : "pre-push",
		!strcmp(kind, "pre-commit") ? "" : " \"$@\"");
	rc = install_write(path, lw_buf_cstr(&script), force);
	lw_buf_release(&script);
	if (rc == 0)
		printf("leakwalk: %s hook installed at %s\n", kind, path);
	free(dir);
	return rc;
}
