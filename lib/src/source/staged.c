/* staged.c - the pre-commit source: what the index adds over HEAD. */
#include <git2.h>
#include <git2/sys/repository.h>
#include <stdlib.h>
#include <string.h>

#include "odb/index_fast.h"
#include "odb/index_load.h"
#include "internal.h"
#include "source/source.h"
#include "odb/objstore_git.h"
#include "odb/repo_find.h"

typedef struct sfile {
	git_oid id;
	char *path;
	uint32_t *ranges; /* pairs: first added line, count */
	size_t nranges;
	int binary;
	int is_new; /* added, or renamed or copied here: path rules apply */
} sfile;

typedef struct sctx {
	sfile *files;
	size_t n;
	int oom;
	int git; /* libgit2 is set up: its error text may be set */
} sctx;

static int s_file_cb(const git_diff_delta *d, float progress, void *p)
{
	sctx *c = p;
	(void)progress;

	if (d->status == GIT_DELTA_DELETED || d->status == GIT_DELTA_IGNORED ||
	    d->status == GIT_DELTA_UNTRACKED || d->new_file.mode == GIT_FILEMODE_COMMIT)
		return 0;
	sfile *v = lw_reallocarray(c->files, c->n + 1, sizeof(*v));
	if (!v) {
		c->oom = 1;
		return -1;
	}
	c->files = v;
	memset(&v[c->n], 0, sizeof(*v));
	v[c->n].id = d->new_file.id;
	v[c->n].path = lw_strdup(d->new_file.path);
	v[c->n].binary = (d->flags & GIT_DIFF_FLAG_BINARY) != 0;
	v[c->n].is_new = d->status == GIT_DELTA_ADDED || d->status == GIT_DELTA_RENAMED ||
		d->status == GIT_DELTA_COPIED;
	c->n++;
	return 0;
}

static int s_hunk_cb(const git_diff_delta *d, const git_diff_hunk *h, void *p)
{
	sctx *c = p;
	sfile *f;
	(void)d;

	if (!c->n || h->new_lines == 0)
		return 0;
	f = &c->files[c->n - 1];
	uint32_t *v = lw_reallocarray(f->ranges, f->nranges + 1, 2 * sizeof(uint32_t));
	if (!v) {
		c->oom = 1;
		return -1;
	}
	f->ranges = v;
	v[2 * f->nranges] = (uint32_t)h->new_start;
	v[2 * f->nranges + 1] = (uint32_t)h->new_lines;
	f->nranges++;
	return 0;
}

static int s_range(void *p, uint32_t start, uint32_t len)
{
	git_diff_hunk hk = { 0 };

	hk.new_start = (int)start;
	hk.new_lines = (int)len;
	return s_hunk_cb(NULL, &hk, p);
}

static void s_files_release(sctx *c)
{
	for (size_t i = 0; i < c->n; i++) {
		free(c->files[i].path);
		free(c->files[i].ranges);
	}
	free(c->files);
	c->files = NULL;
	c->n = 0;
	c->oom = 0;
}

typedef struct sfilter {
	const sfile *file;
	lw_report *out;
	int oom;
	uint64_t hits;
	lw_diag_cb on_diag; /* the caller's, with its own payload */
	void *payload;
} sfilter;

static void s_on_diag(const lw_diag *d, void *p)
{
	sfilter *s = p;

	if (s->on_diag)
		s->on_diag(d, s->payload);
}

static int s_on_finding(const lw_finding *f, void *p)
{
	sfilter *s = p;

	for (size_t i = 0; i < s->file->nranges; i++) {
		uint32_t a = s->file->ranges[2 * i], b = a + s->file->ranges[2 * i + 1] - 1;
		if (f->line <= b && f->end_line >= a) {
			if (lw_report_add(s->out, f, NULL, NULL) < 0)
				s->oom = 1;
			return 0;
		}
	}
	return 0;
}

/* A path rule's finding belongs to the file, not to a line. */
static int s_on_path_finding(const lw_finding *f, void *p)
{
	sfilter *s = p;

	if (lw_report_add(s->out, f, NULL, NULL) < 0)
		s->oom = 1;
	return 0;
}

static int s_open(git_repository **repo, const char *path, const char *const *dirs, size_t ndirs,
	lw_objreader **reader, lw_error *err)
{
	int rc = path ? git_repository_open_ext(repo, path, 0, NULL)
		      : git_repository_open_ext(repo, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);

	if (rc < 0)
		return lw_error_set(err, LW_EIO, "not a git repository: %s",
			git_error_last() ? git_error_last()->message : "?");
	/* libgit2 must never parse a loose object itself (see objstore_git.c):
	 * staged blobs are loose objects that `git add` just wrote */
	if ((rc = lw_objstore_install(*repo, !path, dirs, ndirs, reader, (size_t)16 << 20, err)) < 0) {
		git_repository_free(*repo);
		*repo = NULL;
		return rc;
	}
	return 0;
}

static int s_diff(git_diff **diff, git_repository *repo, const char *index_path, lw_error *err)
{
	git_diff_options dopt;
	git_diff_find_options fopt;
	git_object *head = NULL;
	git_tree *tree = NULL;
	git_index *index = NULL;
	int rc;

	git_diff_options_init(&dopt, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fopt, GIT_DIFF_FIND_OPTIONS_VERSION);
	/* an unborn HEAD compares with the empty tree */
	if (git_revparse_single(&head, repo, "HEAD^{tree}") == 0)
		tree = (git_tree *)head;
	git_error_clear();
	/* never libgit2's own reading of the file (index_load.c) */
	if ((rc = lw_index_load(repo, index_path, &index, err)) < 0) {
		git_object_free(head);
		return rc;
	}
	/* and the repository's: what the diff reads later (.gitattributes
	 * from the index) must not make libgit2 read the file either */
	git_repository_set_index(repo, index);
	dopt.context_lines = 0;
	/* binary or UTF-16 is decided when the blob is read, not by the diff */
	dopt.flags |= GIT_DIFF_FORCE_TEXT;
	rc = git_diff_tree_to_index(diff, repo, tree, index, &dopt);
	if (rc == 0) {
		fopt.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
		rc = git_diff_find_similar(*diff, &fopt);
	}
	git_index_free(index);
	git_object_free(head);
	if (rc < 0)
		return lw_error_set(err, LW_EIO, "cannot compare the index with HEAD: %s",
			git_error_last() ? git_error_last()->message : "?");
	return 0;
}

/* The staged content through our reader: bounded before it is inflated,
 * wiped when freed. */
static void s_scan_file(lw_objreader *reader, lw_scanner *sc, const sfile *f, uint64_t max,
	lw_report *out, lw_staged_stats *st, lw_diag_cb on_diag, void *payload, int *oom)
{
	sfilter filt = { f, out, 0, 0, on_diag, payload };
	lw_sink sink = { s_on_finding, s_on_diag, &filt };
	lw_obj blob = { 0 };
	int rc;

	if (f->is_new) {
		lw_sink psink = { s_on_path_finding, s_on_diag, &filt };
		lw_scanner_scan_path(sc, f->path, NULL, &psink);
		*oom |= filt.oom;
	}
	if (!f->nranges)
		return;
	rc = lw_objreader_read(reader, f->id.id, max, &blob);
	if (rc == LW_ELIMIT) {
		st->skipped_large++;
		return;
	}
	if (rc != 0) {
		char msg[600];
		snprintf(msg, sizeof(msg), "cannot read the staged content: %s",
			rc == LW_OBJ_MISSING ? "object missing" : lw_objreader_error(reader));
		lw_diag d = { NULL, f->path, 0, msg };
		if (on_diag)
			on_diag(&d, payload);
		st->errors++;
		return;
	}
	/* binary: its printable runs, placed at their lines in the blob,
	 * so the added lines still select them */
	size_t scanned = 0;
	lw_feed feed = { blob.data, blob.len, LW_CHUNK_INIT, f->binary, max, NULL, NULL, &scanned, NULL };
	/* an archive's members are reported whole: their lines are not the blob's */
	lw_sink msink = { s_on_path_finding, s_on_diag, &filt };
	feed.where.path = f->path;
	feed.members = &msink;
	lw_source_feed(sc, &feed, &sink);
	st->files++;
	st->bytes += scanned;
	for (size_t i = 0; i < f->nranges; i++)
		st->added_lines += f->ranges[2 * i + 1];
	*oom |= filt.oom;
	lw_obj_release(reader, &blob);
}

/* A blob for the added-lines comparison, through our reader: bounded, and
 * wiped when released. An object over max is LW_ELIMIT; any other failure
 * sets libgit2's error text for the caller's message. */
static int s_read(lw_objreader *rd, const git_oid *id, uint64_t max, lw_obj *o, int git)
{
	int rc = lw_objreader_read(rd, id->id, max, o);

	if (rc != 0 && rc != LW_ELIMIT) {
		if (git)
			git_error_set_str(GIT_ERROR_ODB, rc == LW_OBJ_MISSING ? "object missing" : lw_objreader_error(rd));
		return -1;
	}
	return rc;
}

/* the index file: $GIT_INDEX_FILE (as git and libgit2's FROM_ENV open
 * honour it) or the repository's */
static void s_index_path(git_repository *repo, const char *repo_path, char *path, size_t cap)
{
	const char *env = repo_path ? NULL : getenv("GIT_INDEX_FILE");

	if (env && *env)
		snprintf(path, cap, "%s", env);
	else
		snprintf(path, cap, "%sindex", git_repository_path(repo));
}

/* The fast path: changed paths from the index's cache-tree, each compared
 * blob to blob for its added lines. 1 when it does not apply (or HEAD's
 * trees are not all in our reader: libgit2's diff may still read them). */
static int s_fast(lw_objreader *rd, const unsigned char *head_tree, const char *path, uint64_t max,
	sctx *c)
{
	lw_changes ch;
	int rc = 0;

	if (lw_index_changes(rd, head_tree, path, &ch) != 0)
		return 1;
	/* lines of files that left the index count as old for files that
	 * arrived: a renamed and edited file adds only its edits */
	lw_buf gone;
	lw_buf_init(&gone, (size_t)16 << 20);
	gone.wipe = 1;
	for (size_t g = 0; g < ch.ngone && !gone.overflow; g++) {
		lw_obj o;
		if (lw_objreader_read(rd, ch.gone[g].id, max, &o) == 0) {
			lw_buf_put(&gone, o.data, o.len);
			lw_buf_putc(&gone, '\n');
			lw_obj_release(rd, &o);
		}
	}
	for (size_t i = 0; i < ch.n && rc == 0; i++) {
		lw_obj old = { 0 }, new_ = { 0 };
		git_diff_delta d;
		memset(&d, 0, sizeof(d));
		d.status = ch.v[i].has_old ? GIT_DELTA_MODIFIED : GIT_DELTA_ADDED;
		d.new_file.id = ch.v[i].new_id;
		d.new_file.path = ch.v[i].path;
		d.new_file.mode = GIT_FILEMODE_BLOB;
		if (s_file_cb(&d, 0, c) < 0) {
			rc = -1;
			break;
		}
		int rn = s_read(rd, &ch.v[i].new_id, max, &new_, c->git);
		int ro = rn == 0 && ch.v[i].has_old ? s_read(rd, &ch.v[i].old_id, max, &old, c->git) : 0;
		if (rn < 0 && rn != LW_ELIMIT) {
			rc = -1;
		} else if (ro < 0 && ro != LW_ELIMIT) {
			rc = -1;
		} else if (rn == LW_ELIMIT) {
			/* over the bound: the scan skips it and counts it as too large */
			rc = s_range(c, 1, 1);
		} else if (ro == 0 && old.data) {
			rc = lw_staged__added_lines(old.data, old.len, new_.data, new_.len, s_range, c);
		} else {
			/* no old version (or one too large to compare): every line
			 * not among the departed files' lines is new */
			rc = lw_staged__added_lines((const unsigned char *)lw_buf_cstr(&gone), gone.len,
				new_.data, new_.len, s_range, c);
		}
		lw_obj_release(rd, &old);
		lw_obj_release(rd, &new_);
	}
	lw_buf_release(&gone);
	lw_changes_release(&ch);
	return rc;
}

/* Without libgit2: the repository found the way git passes it to a hook,
 * our reader over its objects, HEAD's tree, and the cache-tree fast path.
 * 0 with c filled and *store, *reader set (the caller's), or 1: not a case
 * handled here, and nothing is kept. */
static int s_lite(const char *repo_path, uint64_t max, sctx *c, lw_objstore **store,
	lw_objreader **reader)
{
	lw_gitdirs d;
	lw_strlist dirs = { 0 };
	unsigned char tree[20];
	char index_path[4096];
	const char *env = repo_path ? NULL : getenv("GIT_INDEX_FILE");
	int rc = 1;

	if (lw_repo_find(&d, repo_path) != 0 || lw_repo_object_dirs(&d, !repo_path, &dirs) < 0 ||
	    lw_objstore_open(store, (const char *const *)dirs.v, dirs.n) < 0)
		goto done;
	if (lw_objreader_new(reader, *store, (size_t)16 << 20) < 0)
		goto done;
	if ((size_t)snprintf(index_path, sizeof(index_path), "%s%s", env && *env ? env : d.git,
		env && *env ? "" : "index") >= sizeof(index_path))
		goto done;
	if (lw_repo_head_tree(&d, *reader, tree) == 0)
		rc = s_fast(*reader, tree, index_path, max, c) == 0 ? 0 : 1;
done:
	lw_strlist_dispose(&dirs);
	if (rc != 0) {
		s_files_release(c);
		lw_objreader_free(*reader);
		lw_objstore_free(*store);
		*reader = NULL;
		*store = NULL;
	}
	return rc;
}

int lw_staged__scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_report *out, lw_staged_stats *st, lw_error *err)
{
	const char *repo_path = o->repo_path;
	const lw_scan_options *so = &o->scan;
	uint64_t max_file_size = o->max_file_size;
	lw_diag_cb on_diag = sink->on_diag;
	void *payload = sink->payload;
	git_repository *repo = NULL;
	git_diff *diff = NULL;
	git_object *head = NULL;
	lw_scanner *sc = NULL;
	sctx c = { NULL, 0, 0, 0 };
	lw_objstore *lite_store = NULL;
	lw_objreader *reader = NULL;
	char index_path[4096];
	int rc, oom = 0;

	memset(st, 0, sizeof(*st));
	/* the plain case first, without libgit2: its set-up alone (the
	 * system's TLS certificates parsed) costs more than the rest */
	if (s_lite(repo_path, max_file_size, &c, &lite_store, &reader) == 0)
		goto scan;
	git_libgit2_init();
	c.git = 1;
	if ((rc = s_open(&repo, repo_path, NULL, 0, &reader, err)) < 0)
		goto done;
	s_index_path(repo, repo_path, index_path, sizeof(index_path));
	/* an unborn HEAD: no tree, the general diff */
	if (git_revparse_single(&head, repo, "HEAD^{tree}") < 0)
		git_error_clear();
	rc = s_fast(reader, head ? git_object_id(head)->id : NULL, index_path, max_file_size, &c);
	if (rc < 0) {
		rc = lw_error_set(err, LW_EIO, "cannot read the staged changes: %s",
			git_error_last() ? git_error_last()->message : "out of memory");
		goto done;
	}
	if (rc == 0)
		goto scan;
	rc = 0;
	if ((rc = s_diff(&diff, repo, index_path, err)) < 0)
		goto done;
	if (git_diff_foreach(diff, s_file_cb, NULL, s_hunk_cb, NULL, &c) < 0 || c.oom) {
		rc = lw_error_set(err, c.oom ? LW_ENOMEM : LW_EIO, "cannot read the staged changes: %s",
			git_error_last() ? git_error_last()->message : "out of memory");
		goto done;
	}
scan:
	if ((rc = lw_scanner_new(&sc, rs, so)) < 0) {
		lw_error_set(err, rc, "out of memory");
		goto done;
	}
	for (size_t i = 0; i < c.n; i++)
		s_scan_file(reader, sc, &c.files[i], max_file_size, out, st, on_diag, payload, &oom);
	st->limit_hits = lw_scanner_limit_hits(sc);
	if (oom)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory while collecting findings");
done:
	s_files_release(&c);
	lw_scanner_free(sc);
	if (lite_store) {
		lw_objreader_free(reader);
		lw_objstore_free(lite_store);
	}
	if (c.git) {
		git_object_free(head);
		git_diff_free(diff);
		git_repository_free(repo);
		git_libgit2_shutdown();
	}
	return rc;
}

int lw_git_hooks_dir(char **out, const char *repo_path, lw_error *err)
{
	git_repository *repo = NULL;
	git_config *cfg = NULL;
	git_buf buf = GIT_BUF_INIT;
	int rc;

	*out = NULL;
	git_libgit2_init();
	if ((rc = s_open(&repo, repo_path, NULL, 0, NULL, err)) < 0)
		goto done;
	if (git_repository_config_snapshot(&cfg, repo) == 0 &&
	    git_config_get_path(&buf, cfg, "core.hooksPath") == 0) {
		/* a relative core.hooksPath is relative to the working tree (git's rule) */
		if (buf.ptr[0] != '/' && git_repository_workdir(repo)) {
			size_t n = strlen(git_repository_workdir(repo)) + strlen(buf.ptr) + 1;
			if ((*out = malloc(n)))
				snprintf(*out, n, "%s%s", git_repository_workdir(repo), buf.ptr);
		} else {
			*out = lw_strdup(buf.ptr);
		}
	} else {
		const char *common = git_repository_commondir(repo);
		size_t n = strlen(common) + 6;
		if ((*out = malloc(n)))
			snprintf(*out, n, "%shooks", common);
	}
	git_error_clear();
	if (!*out)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
done:
	git_buf_dispose(&buf);
	git_config_free(cfg);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}

static int lw_hex_len(const char *s)
{
	size_t n = 0;

	while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f'))
		n++;
	return s[n] ? -1 : (int)n;
}

int lw_oid_is_hex(const char *s)
{
	int n = lw_hex_len(s);

	return n == 40 || n == 64;
}

int lw_oid_is_zero_hex(const char *s)
{
	if (!lw_oid_is_hex(s))
		return 0;
	for (; *s; s++)
		if (*s != '0')
			return 0;
	return 1;
}

int lw_git_read_file_at(char **out, size_t *len, const char *repo_path,
	const char *const *object_dirs, size_t ndirs, const char *rev, const char *path,
	size_t max, lw_error *err)
{
	git_repository *repo = NULL;
	git_object *obj = NULL;
	git_tree_entry *e = NULL;
	git_blob *blob = NULL;
	git_tree *tree = NULL;
	int rc;

	*out = NULL;
	*len = 0;
	git_libgit2_init();
	if ((rc = s_open(&repo, repo_path, object_dirs, ndirs, NULL, err)) < 0)
		goto done;
	rc = LW_ENOTFOUND;
	if (git_revparse_single(&obj, repo, rev) < 0 ||
	    git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE) < 0 ||
	    git_tree_entry_bypath(&e, tree, path) < 0 ||
	    git_tree_entry_type(e) != GIT_OBJECT_BLOB ||
	    git_blob_lookup(&blob, repo, git_tree_entry_id(e)) < 0)
		goto done;
	if ((size_t)git_blob_rawsize(blob) > max) {
		rc = lw_error_set(err, LW_ELIMIT, "%s: larger than %zu bytes", path, max);
		goto done;
	}
	*len = (size_t)git_blob_rawsize(blob);
	*out = malloc(*len + 1);
	if (!*out) {
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
		goto done;
	}
	memcpy(*out, git_blob_rawcontent(blob), *len);
	(*out)[*len] = '\0';
	rc = 0;
done:
	git_error_clear();
	git_blob_free(blob);
	git_tree_entry_free(e);
	git_tree_free(tree);
	git_object_free(obj);
	git_repository_free(repo);
	git_libgit2_shutdown();
	return rc;
}
