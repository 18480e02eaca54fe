/*
 * store_tips.c - the ref tips an incremental audit starts from and ends at:
 * the repository's tips now, whether the tips recorded last time are still
 * in its history (a force-push or a deleted branch takes them out), and
 * `present` at the new tips for findings recorded by earlier runs.
 */
#include <git2.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "store/store_int.h"

/* sorted by name, as `present` lists them */
void lw_tips_sort(lw_tips *t)
{
	for (size_t i = 1; i < t->n; i++)
		for (size_t j = i; j > 0 && strcmp(t->name[j - 1], t->name[j]) > 0; j--) {
			char *n = t->name[j];
			git_oid o = t->oid[j];
			t->name[j] = t->name[j - 1];
			t->oid[j] = t->oid[j - 1];
			t->name[j - 1] = n;
			t->oid[j - 1] = o;
		}
}

void lw_tips_free(lw_tips *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->name[i]);
	free(t->name);
	free(t->oid);
	memset(t, 0, sizeof(*t));
}

int lw_tips_add(lw_tips *t, const char *name, const git_oid *oid)
{
	char **nv = lw_reallocarray(t->name, t->n + 1, sizeof(char *));
	if (!nv)
		return LW_ENOMEM;
	t->name = nv;
	git_oid *ov = lw_reallocarray(t->oid, t->n + 1, sizeof(git_oid));
	if (!ov)
		return LW_ENOMEM;
	t->oid = ov;
	if (!(t->name[t->n] = lw_strdup(name)))
		return LW_ENOMEM;
	t->oid[t->n++] = *oid;
	return 0;
}

/* Every direct ref that leads to a commit, and HEAD when it is detached:
 * what an audit with no revisions walks. */
int lw_tips_read(git_repository *repo, lw_tips *t, lw_error *err)
{
	git_reference_iterator *it = NULL;
	git_reference *ref;
	int rc = 0;

	if (git_reference_iterator_new(&it, repo) < 0)
		return lw_error_set(err, LW_EIO, "cannot list refs: %s", git_error_last()->message);
	while (rc == 0 && git_reference_next(&ref, it) == 0) {
		git_object *obj = NULL;
		if (git_reference_type(ref) == GIT_REFERENCE_DIRECT &&
		    git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0)
			rc = lw_tips_add(t, git_reference_name(ref), git_object_id(obj));
		git_object_free(obj);
		git_reference_free(ref);
	}
	git_reference_iterator_free(it);
	if (rc == 0 && git_repository_head_detached(repo) == 1) {
		git_reference *head = NULL;
		git_object *obj = NULL;
		if (git_repository_head(&head, repo) == 0 &&
		    git_reference_peel(&obj, head, GIT_OBJECT_COMMIT) == 0)
			rc = lw_tips_add(t, "HEAD", git_object_id(obj));
		git_object_free(obj);
		git_reference_free(head);
	}
	git_error_clear();
	if (rc == 0)
		lw_tips_sort(t);
	return rc == 0 ? 0 : lw_error_set(err, rc, "out of memory");
}

/* How many recorded tips the current tips no longer reach: their commits
 * left the history, so findings attributed to them may be gone. */
size_t lw_tips_lost(git_repository *repo, const lw_tips *old, const lw_tips *now)
{
	size_t lost = 0;

	for (size_t i = 0; i < old->n; i++) {
		int same = 0;
		for (size_t j = 0; j < now->n && !same; j++)
			same = git_oid_equal(&old->oid[i], &now->oid[j]);
		if (same)
			continue;
		if (!now->n || git_graph_reachable_from_any(repo, &old->oid[i], now->oid, now->n) != 1)
			lost++;
	}
	git_error_clear();
	return lost;
}

/* ---- `present` of earlier findings ---- */

typedef struct pcache {
	git_oid blob;
	char *path;
	lw_fpset *fps;
} pcache;

struct lw_present_ctx {
	git_repository *repo;
	const lw_ruleset *rs;
	const lw_history_options *ho;
	git_tree **trees; /* one per tip */
	const lw_tips *tips;
	pcache *cache;
	size_t ncache;
};

static int pc_collect(const lw_finding *f, void *payload)
{
	return lw_fpset_add(payload, f->fingerprint) < 0 ? 1 : 0;
}

/* The fingerprints a blob yields at `path`: scanned once per (blob, path). */
static lw_fpset *pc_scan(lw_present_ctx *p, const git_oid *blob, const char *path)
{
	git_blob *b = NULL;
	lw_fpset *fps = NULL;

	for (size_t i = 0; i < p->ncache; i++)
		if (git_oid_equal(&p->cache[i].blob, blob) && !strcmp(p->cache[i].path, path))
			return p->cache[i].fps;
	pcache *v = lw_reallocarray(p->cache, p->ncache + 1, sizeof(*v));
	if (!v || lw_fpset_new(&fps) < 0)
		return NULL;
	p->cache = v;
	if (git_blob_lookup(&b, p->repo, blob) == 0) {
		size_t len = (size_t)git_blob_rawsize(b);
		const unsigned char *data = git_blob_rawcontent(b);
		size_t head = len < 8000 ? len : 8000;
		/* what the audit itself skips, this skips: big and binary blobs */
		if (len <= p->ho->max_blob_size && !memchr(data, 0, head)) {
			lw_chunk ch = LW_CHUNK_INIT;
			lw_sink sink = { pc_collect, NULL, fps };
			ch.data = data;
			ch.len = len;
			ch.path = path;
			(void)lw_scan_buffer(p->rs, &p->ho->scan, &ch, &sink);
		}
		git_blob_free(b);
	}
	git_error_clear();
	p->cache[p->ncache].blob = *blob;
	p->cache[p->ncache].path = lw_strdup(path);
	p->cache[p->ncache++].fps = fps;
	return fps;
}

int lw_present_new(lw_present_ctx **out, git_repository *repo, const lw_ruleset *rs,
	const lw_history_options *ho, const lw_tips *tips)
{
	lw_present_ctx *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->trees = calloc(tips->n ? tips->n : 1, sizeof(git_tree *)))) {
		free(p);
		return LW_ENOMEM;
	}
	p->repo = repo;
	p->rs = rs;
	p->ho = ho;
	p->tips = tips;
	for (size_t i = 0; i < tips->n; i++) {
		git_commit *c = NULL;
		if (git_commit_lookup(&c, repo, &tips->oid[i]) == 0)
			(void)git_commit_tree(&p->trees[i], c);
		git_commit_free(c);
	}
	git_error_clear();
	*out = p;
	return 0;
}

void lw_present_free(lw_present_ctx *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->tips->n; i++)
		git_tree_free(p->trees[i]);
	for (size_t i = 0; i < p->ncache; i++) {
		free(p->cache[i].path);
		lw_fpset_free(p->cache[i].fps);
	}
	free(p->cache);
	free(p->trees);
	free(p);
}

/* Marks in holds[t] each tip t (among those `only` marks) holding the
 * finding at its path: the same blob there, or another blob that yields the
 * same fingerprint. */
int lw_present_of(lw_present_ctx *p, const char *path, const char *blob_hex,
	const char *fingerprint, const unsigned char *only, unsigned char *holds)
{
	git_oid blob;
	int have_blob = blob_hex && git_oid_fromstr(&blob, blob_hex) == 0;

	for (size_t i = 0; i < p->tips->n; i++) {
		git_tree_entry *e = NULL;
		if (!only[i])
			continue;
		if (!p->trees[i] || git_tree_entry_bypath(&e, p->trees[i], path) < 0) {
			git_error_clear();
			continue;
		}
		if (git_tree_entry_type(e) == GIT_OBJECT_BLOB) {
			if (have_blob && git_oid_equal(git_tree_entry_id(e), &blob)) {
				holds[i] = 1;
			} else {
				lw_fpset *fps = pc_scan(p, git_tree_entry_id(e), path);
				if (!fps) {
					git_tree_entry_free(e);
					return LW_ENOMEM;
				}
				holds[i] = (unsigned char)lw_fpset_contains(fps, fingerprint);
			}
		}
		git_tree_entry_free(e);
	}
	return 0;
}
