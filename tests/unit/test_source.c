/*
 * test_source.c - one source interface (lw_source_scan): files, a buffer,
 * staged changes, history and a pushed range, each yielding records to the
 * same sink. The repository is built here with libgit2 (a real one on
 * disk), the tokens generated at run time.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <git2.h>
#include <sys/stat.h>

#include "lwtest.h"

static const char *const rules_json = "{\"rules\":["
	"{\"id\":\"tok\",\"description\":\"d\",\"regex\":\"tok=([A-Za-z0-9]{20,})\",\"secret_group\":1,"
	"\"keywords\":[\"tok=\"]}"
	"]}";

static lw_ruleset *rs;
static char dir[] = "/tmp/lw_test_source_XXXXXX";

/* the one sink every source is given */
typedef struct collected {
	lw_report *rep;
	size_t ndiag;
	size_t stop_after; /* 0: never */
} collected;

static int on_record(lw_record *rec, void *p)
{
	collected *c = p;

	if (lw_report_take(c->rep, rec) < 0)
		lw_record_free(rec);
	return c->stop_after && lw_report_count(c->rep) >= c->stop_after;
}

static void on_diag(const lw_diag *d, void *p)
{
	(void)d;
	((collected *)p)->ndiag++;
}

static void collected_reset(collected *c)
{
	lw_report_free(c->rep);
	memset(c, 0, sizeof(*c));
	if (lw_report_new(&c->rep) < 0)
		abort();
}

/* the record holding `secret`, or NULL */
static lw_record *find(collected *c, const char *secret)
{
	for (size_t i = 0; i < lw_report_count(c->rep); i++) {
		lw_record *r = lw_report_get(c->rep, i);
		if (r->secret_len == strlen(secret) && !memcmp(r->secret, secret, r->secret_len))
			return r;
	}
	return NULL;
}

static void write_file(const char *rel, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, rel);
	if (!(f = fopen(p, "w")))
		abort();
	fputs(text, f);
	fclose(f);
}

/* stages `rel` and, with msg, commits the index on HEAD; the commit's hex
 * id in hex (when committing) */
static void git_stage(git_repository *repo, const char *rel, const char *msg, char hex[41])
{
	git_index *idx = NULL;
	git_oid tree_id, commit_id, parent_id;
	git_tree *tree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;

	if (git_repository_index(&idx, repo) < 0 || git_index_add_bypath(idx, rel) < 0 ||
	    git_index_write(idx) < 0)
		abort();
	if (msg) {
		if (git_index_write_tree(&tree_id, idx) < 0 || git_tree_lookup(&tree, repo, &tree_id) < 0 ||
		    git_signature_new(&sig, "T", "t@example.invalid", 1700000000, 0) < 0)
			abort();
		int has_parent = git_reference_name_to_id(&parent_id, repo, "HEAD") == 0 &&
				 git_commit_lookup(&parent, repo, &parent_id) == 0;
		const git_commit *parents[1] = { parent };
		if (git_commit_create(&commit_id, repo, "HEAD", sig, sig, NULL, msg, tree, has_parent ? 1 : 0,
			    parents) < 0)
			abort();
		git_oid_tostr(hex, 41, &commit_id);
	}
	git_error_clear();
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(tree);
	git_index_free(idx);
}

static void secret_line(char *out, size_t n, char *tok)
{
	tf_token(tok, 24);
	snprintf(out, n, "tok=%s\n", tok);
}

static void test_kinds_and_names(void)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats st;
	lw_error err = { 0 };
	collected c = { 0 };
	lw_record_sink sink = { on_record, on_diag, &c };

	CHECK(!strcmp(lw_source_name(LW_SOURCE_FILES), "files"));
	CHECK(!strcmp(lw_source_name(LW_SOURCE_BUFFER), "buffer"));
	CHECK(!strcmp(lw_source_name(LW_SOURCE_STAGED), "staged"));
	CHECK(!strcmp(lw_source_name(LW_SOURCE_HISTORY), "history"));
	CHECK(!strcmp(lw_source_name(LW_SOURCE_RANGE), "range"));
	CHECK(lw_source_name((lw_source_kind)99) == NULL);
	collected_reset(&c);
	o.kind = (lw_source_kind)99;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == LW_ECONFIG);
	o.kind = LW_SOURCE_BUFFER;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == LW_ECONFIG); /* no chunk */
	lw_record_sink nosink = { NULL, NULL, NULL };
	CHECK(lw_source_scan(&o, rs, &nosink, &st, &err) == LW_ECONFIG);
	lw_report_free(c.rep);
}

/* a buffer as stored: text, UTF-16 and binary all reach detection */
static void test_buffer(void)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats st;
	lw_error err = { 0 };
	collected c = { 0 };
	lw_record_sink sink = { on_record, on_diag, &c };
	lw_chunk ch = LW_CHUNK_INIT;
	char line[64], tok[32];
	unsigned char u16[256], bin[128];
	size_t n = 0;

	secret_line(line, sizeof(line), tok);
	collected_reset(&c);
	ch.data = (const unsigned char *)line;
	ch.len = strlen(line);
	ch.path = "<stdin>";
	o.kind = LW_SOURCE_BUFFER;
	o.chunk = &ch;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 1 && find(&c, tok) != NULL);
	CHECK(find(&c, tok) && !strcmp(find(&c, tok)->path, "<stdin>"));
	CHECK(st.items == 1 && st.bytes == strlen(line) && st.records == 1);

	/* UTF-16LE with its byte order mark */
	u16[n++] = 0xff;
	u16[n++] = 0xfe;
	for (const char *p = line; *p; p++) {
		u16[n++] = (unsigned char)*p;
		u16[n++] = 0;
	}
	collected_reset(&c);
	ch.data = u16;
	ch.len = n;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(find(&c, tok) != NULL);

	/* binary: NUL bytes around the text */
	memset(bin, 0, sizeof(bin));
	memcpy(bin + 8, line, strlen(line));
	collected_reset(&c);
	ch.data = bin;
	ch.len = sizeof(bin);
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(find(&c, tok) != NULL);

	/* raw: the bytes as given, as lw_scan_buffer scans them (`scan -`):
	 * UTF-16 is not transcoded, so its token is not seen; text is */
	o.raw = 1;
	collected_reset(&c);
	ch.data = u16;
	ch.len = n;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 0 && st.items == 1 && st.bytes == n);
	collected_reset(&c);
	ch.data = (const unsigned char *)line;
	ch.len = strlen(line);
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 1 && find(&c, tok) && st.records == 1);
	CHECK(st.incomplete == 0 && st.history.commits == 0 && st.files.files == 0);
	lw_report_free(c.rep);
}

static void test_files(void)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats st;
	lw_error err = { 0 };
	collected c = { 0 };
	lw_record_sink sink = { on_record, on_diag, &c };
	char sub[256], line[64], tok[32], tok2[32];
	const char *roots[1] = { sub };

	snprintf(sub, sizeof(sub), "%s/tree", dir);
	CHECK(mkdir(sub, 0700) == 0);
	secret_line(line, sizeof(line), tok);
	write_file("tree/a.conf", line);
	secret_line(line, sizeof(line), tok2);
	write_file("tree/b.conf", line);
	collected_reset(&c);
	o.kind = LW_SOURCE_FILES;
	o.paths = roots;
	o.npaths = 1;
	o.files.threads = 2;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 2 && find(&c, tok) && find(&c, tok2));
	CHECK(find(&c, tok) && strstr(find(&c, tok)->path, "tree/a.conf") != NULL);
	CHECK(find(&c, tok) && find(&c, tok)->commit == NULL);
	CHECK(st.items == 2 && st.records == 2 && st.errors == 0);
	/* the walk's own counters, beside the common ones */
	CHECK(st.files.files == 2 && st.files.bytes == st.bytes && st.incomplete == 0);
	CHECK(st.history.blobs == 0 && st.staged.files == 0);

	/* a root that cannot be read: an error, so coverage is incomplete */
	char missing[300];
	const char *two_roots[2] = { sub, missing };
	snprintf(missing, sizeof(missing), "%s/no-such-dir", dir);
	o.paths = two_roots;
	o.npaths = 2;
	collected_reset(&c);
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 2 && st.errors == 1 && st.files.errors == 1);
	CHECK(st.incomplete == 1);
	o.paths = roots;
	o.npaths = 1;

	/* the sink asks to stop after the first record */
	collected_reset(&c);
	c.stop_after = 1;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 1);
	lw_report_free(c.rep);
}

/* history, a range on it, and what is staged on top, from one repository */
static void test_git(void)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	lw_source_stats st;
	lw_error err = { 0 };
	collected c = { 0 };
	lw_record_sink sink = { on_record, on_diag, &c };
	git_repository *repo = NULL;
	char c1[41], c2[41], line[64], two[160], tok1[32], tok2[32], tok3[32];
	char repo_path[256];

	snprintf(repo_path, sizeof(repo_path), "%s/repo", dir);
	CHECK(git_repository_init(&repo, repo_path, 0) == 0);
	if (!repo)
		return;
	secret_line(line, sizeof(line), tok1);
	write_file("repo/app.conf", line);
	git_stage(repo, "app.conf", "one", c1);
	secret_line(line, sizeof(line), tok2);
	write_file("repo/new.conf", line);
	git_stage(repo, "new.conf", "two", c2);

	collected_reset(&c);
	o.kind = LW_SOURCE_HISTORY;
	o.repo_path = repo_path;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 2);
	lw_record *r1 = find(&c, tok1), *r2 = find(&c, tok2);
	CHECK(r1 && r1->commit && !strcmp(r1->commit, c1));
	CHECK(r2 && r2->commit && !strcmp(r2->commit, c2));
	CHECK(r1 && r1->has_present && r1->npresent == 1);
	CHECK(st.commits == 2 && st.records == 2);
	/* the walk's own counters (the progress line reads them) */
	CHECK(st.history.commits == 2 && st.history.commits_total == 2);
	CHECK(st.history.blobs == st.items && st.history.unique_findings == 2);
	CHECK(st.incomplete == 0 && !st.history.truncated);
	/* --max-commits cut the walk short: not everything was checked */
	collected_reset(&c);
	o.history.max_commits = 1;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(st.history.truncated && st.incomplete == 1 && st.errors == 0);
	o.history.max_commits = 0;

	/* the range c1..c2: what the second commit adds (app.conf, unchanged,
	 * is not read again), without `present` */
	const char *revs[1] = { c2 }, *hide[1] = { c1 };
	collected_reset(&c);
	o.kind = LW_SOURCE_RANGE;
	o.history.revs = revs;
	o.history.nrevs = 1;
	o.history.hide = hide;
	o.history.nhide = 1;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 1 && find(&c, tok2) && !find(&c, tok1));
	CHECK(find(&c, tok2) && !find(&c, tok2)->has_present);
	CHECK(st.commits == 1);
	/* a range that adds nothing */
	collected_reset(&c);
	o.history.nrevs = 0;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 0 && st.commits == 0);

	/* staged: only what the index adds over HEAD */
	secret_line(line, sizeof(line), tok3);
	snprintf(two, sizeof(two), "tok=%s\n%s", tok1, line);
	write_file("repo/app.conf", two);
	git_stage(repo, "app.conf", NULL, NULL);
	collected_reset(&c);
	o = (lw_source_options)LW_SOURCE_OPTIONS_INIT;
	o.kind = LW_SOURCE_STAGED;
	o.repo_path = repo_path;
	CHECK(lw_source_scan(&o, rs, &sink, &st, &err) == 0);
	CHECK(lw_report_count(c.rep) == 1 && find(&c, tok3) != NULL);
	CHECK(find(&c, tok3) && find(&c, tok3)->line == 2);
	CHECK(st.items == 1);
	CHECK(st.staged.files == 1 && st.staged.added_lines == 1 && st.incomplete == 0);

	/* lw_staged_scan, kept for embedders, is this source into a report */
	lw_report *rep = NULL;
	lw_staged_stats sst;
	collected d = { 0 };
	CHECK(lw_report_new(&rep) == 0);
	memset(&sst, 0xff, sizeof(sst));
	CHECK(lw_staged_scan(repo_path, rs, NULL, (uint64_t)1 << 20, rep, &sst, on_diag, &d, &err) == 0);
	CHECK(lw_report_count(rep) == 1 && lw_report_get(rep, 0) &&
	      lw_report_get(rep, 0)->line == 2);
	CHECK(sst.files == 1 && sst.added_lines == 1 && sst.errors == 0 && d.ndiag == 0);
	lw_report_free(rep);
	lw_report_free(c.rep);
	git_repository_free(repo);
}

/* A scan leaves libgit2's process-wide options as the embedder set them;
 * lw_init sets the library's bounds. */
static void test_init_options(void)
{
	size_t mapped = 0;
	ssize_t cur = 0, max = 0;

	CHECK(git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &mapped) == 0);
	CHECK(mapped == (size_t)7 << 20);
	CHECK(lw_init() == 0);
	CHECK(git_libgit2_opts(GIT_OPT_GET_MWINDOW_MAPPED_LIMIT, &mapped) == 0);
	CHECK(mapped == (size_t)512 << 20);
	CHECK(git_libgit2_opts(GIT_OPT_GET_CACHED_MEMORY, &cur, &max) == 0);
	CHECK(max == (ssize_t)128 << 20);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

int main(void)
{
	tf_seed_random("test_source");
	git_libgit2_init();
	/* an embedder's own setting, which no scan may change */
	git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)7 << 20);
	if (!mkdtemp(dir))
		return 1;
	rs = tf_rules(rules_json);
	CHECK(rs != NULL);
	if (!rs)
		return tap_done();
	test_kinds_and_names();
	test_buffer();
	test_files();
	test_git();
	test_init_options();
	lw_ruleset_free(rs);
	git_libgit2_shutdown();
	/* a failed run leaves its tree to be looked at */
	int rc = tap_done();
	if (rc == 0)
		nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	return rc;
}
