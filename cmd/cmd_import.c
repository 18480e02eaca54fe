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
#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

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
#define IMP_MAX_ENTRIES 1000000

enum { IMP_GITLEAKS = 1, IMP_DETECT_SECRETS };
enum { OPT_FROM = OPT_LAST_COMMON + 1, OPT_REPO };

typedef struct imp_entry {
	char *commit; /* gitleaks: the commit that holds the file, or NULL */
	char *path;
	char *rule;   /* the other tool's rule or type, for messages */
	char *hashed; /* detect-secrets: SHA-1 of the secret, hex */
	char *orig;   /* shown in the comment */
	uint32_t line;
} imp_entry;

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
	imp_entry *entries;
	size_t nentries, cap;
	imp_file *files;
	size_t nfiles;
	imp_file *cur; /* being scanned */
	int oom;
} imp_ctx;

/* ---- SHA-1, for detect-secrets' hashed_secret -------------------------- */

static uint32_t rol(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80], a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];

	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		       (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (int i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (int i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) {
			f = (b & c) | (~b & d); k = 0x5a827999;
		} else if (i < 40) {
			f = b ^ c ^ d; k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d; k = 0xca62c1d6;
		}
		uint32_t t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
	explicit_bzero(w, sizeof(w));
}

static void sha1_hex(char out[41], const unsigned char *data, size_t len)
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char blk[64];
	size_t i = 0;

	for (; len - i >= 64; i += 64)
		sha1_block(h, data + i);
	size_t rest = len - i;
	memset(blk, 0, sizeof(blk));
	memcpy(blk, data + i, rest);
	blk[rest] = 0x80;
	if (rest >= 56) {
		sha1_block(h, blk);
		memset(blk, 0, sizeof(blk));
	}
	uint64_t bits = (uint64_t)len * 8;
	for (int k = 0; k < 8; k++)
		blk[63 - k] = (unsigned char)(bits >> (8 * k));
	sha1_block(h, blk);
	for (int k = 0; k < 5; k++)
		snprintf(out + 8 * k, 9, "%08x", h[k]);
	explicit_bzero(blk, sizeof(blk));
}

/* ---- reading the other tools' files ----------------------------------- */

/* An entry that cannot be mapped: said on stderr, escaped. */
static void imp_skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void imp_skip(const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	lw_buf b;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	lw_buf_init(&b, 0);
	lw_escape_text(&b, (const unsigned char *)msg, strlen(msg));
	fprintf(stderr, "leakwalk: not mapped: %s\n", lw_buf_cstr(&b));
	lw_buf_release(&b);
}

static int imp_add(imp_ctx *c, imp_entry *e)
{
	if (c->nentries >= IMP_MAX_ENTRIES) {
		lw_cli_error("more than %u entries: refusing to go on", IMP_MAX_ENTRIES);
		return -1;
	}
	if (c->nentries == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		imp_entry *v = realloc(c->entries, cap * sizeof(*v));
		if (!v)
			return -1;
		c->entries = v;
		c->cap = cap;
	}
	c->entries[c->nentries++] = *e;
	return 0;
}

static void imp_entry_free(imp_entry *e)
{
	free(e->commit);
	free(e->path);
	free(e->rule);
	free(e->hashed);
	free(e->orig);
}

static char *imp_strndup(const char *s, size_t n)
{
	char *p = malloc(n + 1);

	if (p) {
		memcpy(p, s, n);
		p[n] = '\0';
	}
	return p;
}

static int imp_parse_uint(const char *s, size_t n, uint32_t *out)
{
	uint64_t v = 0;

	if (n == 0 || n > 9)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = (uint32_t)v;
	return v ? 0 : -1;
}

/* `commit:path:rule:line` or `path:rule:line`; a path may hold ':'. */
static int imp_gitleaks_line(imp_ctx *c, const char *line, size_t n, size_t lineno,
	const char *name, size_t *bad)
{
	imp_entry e;
	const char *p2 = NULL, *p3 = NULL;

	memset(&e, 0, sizeof(e));
	for (size_t i = n; i-- > 0;) {
		if (line[i] != ':')
			continue;
		if (!p3)
			p3 = line + i;
		else {
			p2 = line + i;
			break;
		}
	}
	if (!p2 || imp_parse_uint(p3 + 1, (size_t)(line + n - p3 - 1), &e.line) < 0 || p3 == p2 + 1) {
		imp_skip("%s:%zu: not a gitleaks fingerprint (commit:path:rule:line or "
			"path:rule:line)", name, lineno);
		(*bad)++;
		return 0;
	}
	const char *first = memchr(line, ':', (size_t)(p2 - line));
	const char *path = line;
	if (first && (first - line == 40 || first - line == 64)) {
		char hex[65];
		memcpy(hex, line, (size_t)(first - line));
		hex[first - line] = '\0';
		if (lw_oid_is_hex(hex)) {
			e.commit = imp_strndup(line, (size_t)(first - line));
			path = first + 1;
		}
	}
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	e.path = imp_strndup(path, (size_t)(p2 - path));
	e.rule = imp_strndup(p2 + 1, (size_t)(p3 - p2 - 1));
	e.orig = imp_strndup(line, n);
	if (!e.path || !e.rule || !e.orig || !e.path[0] || imp_add(c, &e) < 0) {
		if (e.path && !e.path[0]) {
			imp_skip("%s:%zu: empty path", name, lineno);
			(*bad)++;
			imp_entry_free(&e);
			return 0;
		}
		imp_entry_free(&e);
		return -1;
	}
	return 0;
}

static int imp_read_gitleaks(imp_ctx *c, const char *data, size_t len, const char *name,
	size_t *bad)
{
	size_t pos = 0, lineno = 0;

	while (pos < len) {
		const char *line = data + pos, *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		lineno++;
		while (n && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
			n--;
		while (n && (line[0] == ' ' || line[0] == '\t')) {
			line++;
			n--;
		}
		if (!n || line[0] == '#')
			continue;
		if (imp_gitleaks_line(c, line, n, lineno, name, bad) < 0)
			return -1;
	}
	return 0;
}

static int imp_ds_item(imp_ctx *c, const char *path, const cJSON *it, const char *name,
	size_t *bad)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
	const cJSON *hs = cJSON_GetObjectItemCaseSensitive(it, "hashed_secret");
	const cJSON *ln = cJSON_GetObjectItemCaseSensitive(it, "line_number");
	imp_entry e;
	char orig[512];

	memset(&e, 0, sizeof(e));
	if (!cJSON_IsObject(it) || (!cJSON_IsNumber(ln) && !cJSON_IsString(hs))) {
		imp_skip("%s: an entry of \"%s\" has neither line_number nor hashed_secret", name, path);
		(*bad)++;
		return 0;
	}
	if (cJSON_IsNumber(ln) && ln->valuedouble >= 1 && ln->valuedouble < 4e9)
		e.line = (uint32_t)ln->valuedouble;
	if (path[0] == '.' && path[1] == '/')
		path += 2;
	snprintf(orig, sizeof(orig), "%s:%u (%s)", path, e.line,
		cJSON_IsString(type) ? type->valuestring : "?");
	e.path = imp_strndup(path, strlen(path));
	e.rule = imp_strndup(cJSON_IsString(type) ? type->valuestring : "?",
		strlen(cJSON_IsString(type) ? type->valuestring : "?"));
	if (cJSON_IsString(hs) && strlen(hs->valuestring) == 40)
		e.hashed = imp_strndup(hs->valuestring, 40);
	e.orig = imp_strndup(orig, strlen(orig));
	if (!e.path || !e.rule || !e.orig || imp_add(c, &e) < 0) {
		imp_entry_free(&e);
		return -1;
	}
	return 0;
}

static int imp_read_detect_secrets(imp_ctx *c, const char *data, size_t len, const char *name,
	size_t *bad)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(data, len, &end, 0);
	const cJSON *results;
	int rc = 0;

	if (!root) {
		lw_cli_error("%s: not valid JSON (near byte %zu)", name,
			end ? (size_t)(end - data) : (size_t)0);
		return -2;
	}
	results = cJSON_GetObjectItemCaseSensitive(root, "results");
	if (!cJSON_IsObject(results)) {
		lw_cli_error("%s: no \"results\" object: not a detect-secrets baseline", name);
		cJSON_Delete(root);
		return -2;
	}
	for (const cJSON *f = results->child; f && rc == 0; f = f->next) {
		if (!cJSON_IsArray(f) || !f->string) {
			imp_skip("%s: \"results\" of \"%s\" is not a list", name,
				f->string ? f->string : "?");
			(*bad)++;
			continue;
		}
		for (const cJSON *it = f->child; it && rc == 0; it = it->next)
			rc = imp_ds_item(c, f->string, it, name, bad);
	}
	cJSON_Delete(root);
	return rc;
}

/* ---- scanning the files the entries name ------------------------------ */

static int imp_on_finding(const lw_finding *f, void *p)
{
	imp_ctx *c = p;
	imp_file *fl = c->cur;
	imp_hit *v = realloc(fl->hits, (fl->nhits + 1) * sizeof(*v));

	if (!v) {
		c->oom = 1;
		return 1;
	}
	fl->hits = v;
	v += fl->nhits++;
	v->line = f->line;
	v->end_line = f->end_line > f->line ? f->end_line : f->line;
	memcpy(v->fingerprint, f->fingerprint, 33);
	sha1_hex(v->sha1, f->secret, f->secret_len);
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
	lw_sink sink = { imp_on_finding, NULL, c };
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
	if (lw_scan_buffer(c->rs, NULL, &chunk, &sink) < 0 && !c->oom) {
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
	rc = *kind == IMP_DETECT_SECRETS ? imp_read_detect_secrets(c, data, len, input, bad)
					 : imp_read_gitleaks(c, data, len, input, bad);
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
	for (size_t i = 0; i < c.nentries; i++) {
		int rc = imp_map(&c, &c.entries[i], tool, seen, &out, &added);
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
			"not mapped\n", c.nentries + bad, tool, c.nentries + bad == 1 ? "y" : "ies", added,
			added == 1 ? "" : "s", !strcmp(cli.output, "-") ? "stdout" : cli.output,
			unmapped + bad, unmapped + bad == 1 ? "y" : "ies");
	status = unmapped + bad ? LW_EXIT_FINDINGS : LW_EXIT_CLEAN;
done:
	if (fd > STDERR_FILENO && close(fd) < 0 && status == 0) {
		lw_cli_error("%s: cannot write: %s", cli.output, strerror(errno));
		status = LW_EXIT_INPUT;
	}
	for (size_t i = 0; i < c.nentries; i++)
		imp_entry_free(&c.entries[i]);
	free(c.entries);
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
