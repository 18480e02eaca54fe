/*
 * cmd_import.c - `leakwalk import-ignore`: turns another scanner's allowlist
 * (a gitleaks .gitleaksignore, a detect-secrets .secrets.baseline) into
 * .leakwalkignore fingerprints.
 *
 * Neither file carries the secret, and a leakwalk fingerprint is made of the
 * rule id, the path and the secret. So each entry's file is read (from the
 * working tree, or from the commit a gitleaks entry names), scanned with
 * leakwalk's rules, and the findings on the entry's line are what get
 * ignored. A detect-secrets entry also carries the SHA-1 of its secret: a
 * leakwalk finding with that SHA-1 anywhere in the file is preferred, so an
 * entry whose line has moved still maps.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "import.h"
#include "internal.h"

static const char import_help[] =
	"usage: leakwalk import-ignore [OPTIONS] [FILE]\n"
	"\n"
	"Converts another scanner's allowlist into .leakwalkignore fingerprints:\n"
	"a gitleaks .gitleaksignore (commit:path:rule:line or path:rule:line lines)\n"
	"or a detect-secrets .secrets.baseline. Those files do not hold the secret,\n"
	"so each entry's file is read (from the working tree, or from the commit a\n"
	"gitleaks entry names) and scanned with leakwalk's rules; the findings on\n"
	"that line, whatever their rule, are ignored. Entries that cannot be mapped\n"
	"are listed on stderr. FILE defaults to .gitleaksignore, else\n"
	".secrets.baseline, in the repository.\n"
	"\n"
	"options:\n"
	"      --from FORMAT       gitleaks or detect-secrets (default: detected from FILE)\n"
	"  -o, --output FILE       append to FILE ('-': stdout; default: .leakwalkignore\n"
	"                          in the repository)\n"
	"      --repo PATH         the repository the paths are relative to (default .)\n"
	"  -c, --config FILE       rules and allowlists (default: .leakwalk.json in the repository)\n"
	"      --no-config         ignore .leakwalk.json\n"
	"  -q, --quiet             no summary on stderr\n"
	"\n"
	"exit status: 0 every entry mapped, 1 some entries could not be mapped (the\n"
	"others were written), 2 usage error, 3 an input or the output could not be\n"
	"read or written.\n"
	"\n"
	"examples:\n"
	"  leakwalk import-ignore                       # .gitleaksignore -> .leakwalkignore\n"
	"  leakwalk import-ignore --from detect-secrets .secrets.baseline\n"
	"  leakwalk import-ignore -o - .gitleaksignore  # print, write nothing\n";

#define IMP_MAX_INPUT (64u << 20)
#define IMP_MAX_FILE ((size_t)100 << 20)

enum { IMP_GITLEAKS = 1, IMP_DETECT_SECRETS };
enum { OPT_FROM = OPT_LAST_COMMON + 1, OPT_REPO };

typedef struct imp_hit {
	uint32_t line, end_line;
	char fingerprint[33];
	char sha1[41];
} imp_hit;

/* The findings of one file, scanned once however many entries name it. */
typedef struct imp_file {
	char *commit, *path;
	imp_hit *hits;
	size_t nhits;
	int error; /* 0, or LW_ENOTFOUND / LW_EIO: not readable */
	char why[1100];
} imp_file;

typedef struct imp_ctx {
	const char *repo;
	lw_ruleset *rs;
	imp_entries entries;
	imp_file *files;
	size_t nfiles;
	imp_file *cur; /* being scanned */
	int oom;
} imp_ctx;

/* ---- scanning the files the entries name ------------------------------ */

/* detect-secrets' hashed_secret: the secret's SHA-1 in lower-case hex */
static void imp_sha1_hex(char out[41], const void *data, size_t len)
{
	unsigned char h[20];

	lw_sha1(data, len, h);
	for (int k = 0; k < 20; k++)
		snprintf(out + 2 * k, 3, "%02x", h[k]);
}

/* a record of the file's scan: where it is, and the secret only as hashes
 * (the record, secret and all, is wiped when freed) */
static int imp_on_record(lw_record *rec, void *p)
{
	imp_ctx *c = p;
	imp_file *fl = c->cur;
	imp_hit *v = realloc(fl->hits, (fl->nhits + 1) * sizeof(*v));

	if (!v) {
		lw_record_free(rec);
		c->oom = 1;
		return 1;
	}
	fl->hits = v;
	v += fl->nhits++;
	v->line = rec->line;
	v->end_line = rec->end_line > rec->line ? rec->end_line : rec->line;
	memcpy(v->fingerprint, rec->fingerprint, 33);
	imp_sha1_hex(v->sha1, (const unsigned char *)rec->secret, rec->secret_len);
	lw_record_free(rec);
	return 0;
}

/* A path from the other tool's file names a file inside the repository:
 * nothing absolute, no "..", and no symlink is followed. */
static int imp_safe_path(const char *p)
{
	if (!p[0] || p[0] == '/')
		return 0;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 2 && s[0] == '.' && s[1] == '.')
			return 0;
		s += n + (e ? 1 : 0);
	}
	return 1;
}

/* 1 when `full` resolves inside `root` (a symlinked directory could lead
 * anywhere); a file that does not exist is left to lstat to report. */
static int imp_inside(const char *root, const char *full)
{
	char *r = realpath(root, NULL), *f = realpath(full, NULL);
	int ok = !f && errno == ENOENT;

	if (r && f) {
		size_t n = strlen(r);
		ok = !strncmp(f, r, n) && (f[n] == '/' || (n == 1 && r[0] == '/'));
	}
	free(r);
	free(f);
	return ok;
}

static int imp_read_worktree(imp_ctx *c, imp_file *fl, char **data, size_t *len)
{
	size_t n = strlen(c->repo) + strlen(fl->path) + 2;
	char *full = malloc(n);
	struct stat st;
	int rc = -1;

	if (!full)
		return -1;
	snprintf(full, n, "%s/%s", c->repo, fl->path);
	if (!imp_inside(c->repo, full))
		snprintf(fl->why, sizeof(fl->why), "the path leads out of the repository (a symlink)");
	else if (lstat(full, &st) < 0)
		snprintf(fl->why, sizeof(fl->why), "not in the working tree (%s)", strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(fl->why, sizeof(fl->why), "not a regular file (symlinks are not followed)");
	else if (lw_cli_read_file(full, IMP_MAX_FILE, data, len) < 0)
		snprintf(fl->why, sizeof(fl->why), "cannot read: %s", strerror(errno));
	else
		rc = 0;
	free(full);
	return rc;
}

static void imp_scan_file(imp_ctx *c, imp_file *fl)
{
	lw_chunk chunk = LW_CHUNK_INIT;
	lw_source_options so = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats st;
	lw_record_sink sink = { imp_on_record, NULL, c };
	lw_error err = { 0 };
	char *data = NULL;
	size_t len = 0;

	if (!imp_safe_path(fl->path)) {
		fl->error = LW_EIO;
		snprintf(fl->why, sizeof(fl->why), "the path leaves the repository");
		return;
	}
	if (fl->commit) {
		int rc = lw_git_read_file_at(&data, &len, c->repo, NULL, 0, fl->commit, fl->path,
			IMP_MAX_FILE, &err);
		if (rc < 0) {
			fl->error = rc;
			snprintf(fl->why, sizeof(fl->why), "%s",
				rc == LW_ENOTFOUND ? "no such file in that commit (or no such commit)" : err.msg);
			return;
		}
	} else if (imp_read_worktree(c, fl, &data, &len) < 0) {
		fl->error = LW_EIO;
		return;
	}
	chunk.data = (const unsigned char *)data;
	chunk.len = len;
	chunk.path = fl->path;
	c->cur = fl;
	/* the file's bytes as given (raw), as they have always been read here */
	so.kind = LW_SOURCE_BUFFER;
	so.chunk = &chunk;
	so.raw = 1;
	if (lw_source_scan(&so, c->rs, &sink, &st, &err) < 0 && !c->oom) {
		fl->error = LW_EIO;
		snprintf(fl->why, sizeof(fl->why), "the scan failed");
	}
	c->cur = NULL;
	free(data);
}

static imp_file *imp_file_for(imp_ctx *c, const imp_entry *e)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		imp_file *f = &c->files[i];
		if (!strcmp(f->path, e->path) &&
		    ((!f->commit && !e->commit) || (f->commit && e->commit && !strcmp(f->commit, e->commit))))
			return f;
	}
	imp_file *v = realloc(c->files, (c->nfiles + 1) * sizeof(*v));
	if (!v)
		return NULL;
	c->files = v;
	imp_file *f = &v[c->nfiles++];
	memset(f, 0, sizeof(*f));
	f->path = e->path;
	f->commit = e->commit;
	imp_scan_file(c, f);
	return f;
}

/* ---- writing ---------------------------------------------------------- */

static int imp_open_output(const char *path, int *fd)
{
	struct stat st;
	char last = '\n';

	if (!strcmp(path, "-")) {
		*fd = STDOUT_FILENO;
		return 0;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		lw_cli_error("%s: exists and is not a regular file; refusing to write", path);
		return LW_EXIT_USAGE;
	}
	*fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (*fd < 0) {
		lw_cli_error("%s: cannot open: %s", path, strerror(errno));
		return LW_EXIT_INPUT;
	}
	/* append on a line of our own */
	off_t size = lseek(*fd, 0, SEEK_END);
	if (size > 0 && pread(*fd, &last, 1, size - 1) == 1 && last != '\n' &&
	    write(*fd, "\n", 1) != 1) {
		lw_cli_error("%s: cannot write: %s", path, strerror(errno));
		close(*fd);
		return LW_EXIT_INPUT;
	}
	return 0;
}

static int imp_load_existing(const char *path, lw_fpset *seen)
{
	lw_error err = { 0 };
	char *data;
	size_t len;

	if (!strcmp(path, "-") || access(path, F_OK) != 0)
		return 0;
	if (lw_cli_read_file(path, IMP_MAX_INPUT, &data, &len) < 0) {
		lw_cli_error("%s: cannot read: %s", path, strerror(errno));
		return LW_EXIT_INPUT;
	}
	int rc = lw_fpset_load_ignore(seen, path, data, len, &err);
	free(data);
	if (rc < 0) {
		lw_cli_error("%s (fix it before importing into it)", err.msg);
		return LW_EXIT_USAGE;
	}
	return 0;
}

static void imp_line(lw_buf *out, const char *fp, const char *tool, const char *orig)
{
	lw_buf_printf(out, "%s  # imported from %s: ", fp, tool);
	lw_escape_text(out, (const unsigned char *)orig, strlen(orig));
	lw_buf_putc(out, '\n');
}

/* Maps one entry: appends its fingerprints to `out`; 0 mapped, -1 not. */
static int imp_map(imp_ctx *c, const imp_entry *e, const char *tool, lw_fpset *seen, lw_buf *out,
	size_t *added)
{
	imp_file *fl = imp_file_for(c, e);
	int by_hash = 0, mapped = 0;
	lw_buf b;

	if (!fl)
		return -2;
	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)e->orig, strlen(e->orig));
	if (fl->error) {
		lw_buf_puts(&b, ": ");
		lw_escape_text(&b, (const unsigned char *)fl->why, strlen(fl->why));
		fprintf(stderr, "leakwalk: not mapped: %s\n", lw_buf_cstr(&b));
		lw_buf_release(&b);
		return -1;
	}
	for (size_t i = 0; e->hashed && i < fl->nhits; i++)
		if (!strcmp(fl->hits[i].sha1, e->hashed))
			by_hash = 1;
	for (size_t i = 0; i < fl->nhits; i++) {
		const imp_hit *h = &fl->hits[i];
		if (by_hash ? strcmp(h->sha1, e->hashed) != 0 : (e->line < h->line || e->line > h->end_line))
			continue;
		mapped = 1;
		if (lw_fpset_contains(seen, h->fingerprint))
			continue;
		if (lw_fpset_add(seen, h->fingerprint) < 0)
			return -2;
		imp_line(out, h->fingerprint, tool, e->orig);
		(*added)++;
	}
	if (!mapped)
		fprintf(stderr, "leakwalk: not mapped: %s: leakwalk finds no secret %s line %u%s\n",
			lw_buf_cstr(&b), e->hashed ? "with that hash, nor on" : "on", e->line,
			fl->commit ? " of the file in that commit" : "");
	lw_buf_release(&b);
	return mapped ? 0 : -1;
}

/* ---- the command ------------------------------------------------------ */

static char *imp_join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = malloc(n);

	if (p && !strcmp(dir, "."))
		snprintf(p, n, "%s", name);
	else if (p)
		snprintf(p, n, "%s/%s", dir, name);
	return p;
}

static int imp_detect(const char *data, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (data[i] == ' ' || data[i] == '\t' || data[i] == '\r' || data[i] == '\n')
			continue;
		return data[i] == '{' ? IMP_DETECT_SECRETS : IMP_GITLEAKS;
	}
	return IMP_GITLEAKS;
}

static int imp_parse_args(int argc, char **argv, lw_cli *cli, int *from, const char **repo,
	const char **input)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, OPT_FROM },
		{ "output", required_argument, NULL, 'o' },
		{ "repo", required_argument, NULL, OPT_REPO },
		{ "config", required_argument, NULL, 'c' },
		{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	int opt;

	while ((opt = getopt_long(argc, argv, "o:c:qh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'h':
			fputs(import_help, stdout);
			return 0;
		case OPT_FROM:
			if (!strcmp(optarg, "gitleaks")) {
				*from = IMP_GITLEAKS;
			} else if (!strcmp(optarg, "detect-secrets")) {
				*from = IMP_DETECT_SECRETS;
			} else {
				lw_cli_error("--from takes gitleaks or detect-secrets");
				return LW_EXIT_USAGE;
			}
			break;
		case OPT_REPO:
			*repo = optarg;
			break;
		default:
			if (lw_cli_option(cli, opt, optarg) <= 0) {
				fputs(import_help, stderr);
				return LW_EXIT_USAGE;
			}
		}
	}
	if (argc - optind > 1) {
		fputs(import_help, stderr);
		return LW_EXIT_USAGE;
	}
	*input = optind < argc ? argv[optind] : NULL;
	return -1;
}

static int imp_load_input(imp_ctx *c, const char *input, int from, int *kind, size_t *bad)
{
	char *data = NULL;
	size_t len = 0;
	int rc;

	if (lw_cli_read_file(input, IMP_MAX_INPUT, &data, &len) < 0) {
		lw_cli_error("%s: cannot read: %s", input, strerror(errno));
		return LW_EXIT_INPUT;
	}
	*kind = from ? from : imp_detect(data, len);
	rc = *kind == IMP_DETECT_SECRETS
		? lw_import_read_detect_secrets(&c->entries, data, len, input, bad)
		: lw_import_read_gitleaks(&c->entries, data, len, input, bad);
	free(data);
	if (rc == -2)
		return LW_EXIT_USAGE;
	if (rc < 0) {
		lw_cli_error("out of memory");
		return LW_EXIT_INPUT;
	}
	return 0;
}

int cmd_import_ignore(int argc, char **argv)
{
	lw_cli cli;
	imp_ctx c;
	lw_fpset *seen = NULL;
	lw_buf out;
	const char *repo = ".", *input = NULL;
	char *cfg = NULL, *dflt_out = NULL, *dflt_in = NULL;
	int from = 0, kind = 0, status, fd = -1;
	size_t bad = 0, added = 0, unmapped = 0;

	memset(&c, 0, sizeof(c));
	lw_buf_init(&out, 64u << 20);
	lw_cli_init(&cli);
	if ((status = imp_parse_args(argc, argv, &cli, &from, &repo, &input)) >= 0)
		return status;
	status = LW_EXIT_USAGE;
	c.repo = repo;
	if (!input) {
		char *gl = imp_join(repo, ".gitleaksignore"), *ds = imp_join(repo, ".secrets.baseline");
		if (gl && access(gl, F_OK) == 0) {
			dflt_in = gl;
			free(ds);
		} else if (ds && access(ds, F_OK) == 0) {
			dflt_in = ds;
			free(gl);
		} else {
			free(gl);
			free(ds);
			lw_cli_error("no .gitleaksignore or .secrets.baseline in %s; name the file to import",
				repo);
			goto done;
		}
		input = dflt_in;
	}
	cfg = imp_join(repo, ".leakwalk.json");
	dflt_out = imp_join(repo, ".leakwalkignore");
	if (!cfg || !dflt_out || lw_fpset_new(&seen) < 0)
		goto done;
	if (!cli.output)
		cli.output = dflt_out;
	if ((status = imp_load_existing(cli.output, seen)) != 0)
		goto done;
	if ((status = imp_load_input(&c, input, from, &kind, &bad)) != 0)
		goto done;
	status = LW_EXIT_USAGE;
	if (!(c.rs = lw_cli_load_rules(&cli, cfg, 1, NULL, NULL)))
		goto done;
	const char *tool = kind == IMP_DETECT_SECRETS ? "detect-secrets" : "gitleaks";
	for (size_t i = 0; i < c.entries.n; i++) {
		int rc = imp_map(&c, &c.entries.v[i], tool, seen, &out, &added);
		if (rc == -2 || c.oom) {
			lw_cli_error("out of memory");
			status = LW_EXIT_INPUT;
			goto done;
		}
		unmapped += rc < 0;
	}
	status = LW_EXIT_INPUT;
	if (out.overflow) {
		lw_cli_error("too many fingerprints to write");
		goto done;
	}
	if (added && (status = imp_open_output(cli.output, &fd)) != 0)
		goto done;
	if (added && write(fd, out.data, out.len) != (ssize_t)out.len) {
		lw_cli_error("%s: cannot write: %s", cli.output, strerror(errno));
		status = LW_EXIT_INPUT;
		goto done;
	}
	if (!cli.quiet)
		fprintf(stderr, "leakwalk: %zu %s entr%s: %zu fingerprint%s written to %s; %zu entr%s "
			"not mapped\n", c.entries.n + bad, tool, c.entries.n + bad == 1 ? "y" : "ies", added,
			added == 1 ? "" : "s", !strcmp(cli.output, "-") ? "stdout" : cli.output,
			unmapped + bad, unmapped + bad == 1 ? "y" : "ies");
	status = unmapped + bad ? LW_EXIT_FINDINGS : LW_EXIT_CLEAN;
done:
	if (fd > STDERR_FILENO && close(fd) < 0 && status == 0) {
		lw_cli_error("%s: cannot write: %s", cli.output, strerror(errno));
		status = LW_EXIT_INPUT;
	}
	lw_import_entries_free(&c.entries);
	for (size_t i = 0; i < c.nfiles; i++)
		free(c.files[i].hits);
	free(c.files);
	lw_ruleset_free(c.rs);
	lw_fpset_free(seen);
	lw_buf_release(&out);
	free(cfg);
	free(dflt_out);
	free(dflt_in);
	return status;
}
