/*
 * history_present.c - `present`: the refs whose tip still holds a finding's
 * secret, at its path or anywhere else in the tree (a renamed or copied
 * file still exposes it).
 *
 * A tip holds a secret when a blob in its tree had a finding with the same
 * (rule, secret) key, so each tip's tree is searched once for the blobs
 * that had findings, whatever the number of findings.
 *
 * When the walk covered every tip (no revisions, no --since), every blob of
 * a tip's tree sat, in some walked commit, at a path the walk noted: where
 * it first appeared (a finding's path, for a blob with findings), or where
 * it or a tree holding it showed up again (source/history_trees.c's aliases). Then
 * only the noted directories of the blobs with findings are entered: a few
 * trees per tip. Otherwise the tips' whole trees are searched: the answer
 * for a tree is kept, so each is read once per thread, and distinct tip
 * trees are split among threads. Both read trees with our reader, not
 * libgit2's: on a history of 400 refs and 170k distinct tip subtrees,
 * libgit2's tree objects took 5 s, the whole search 1.2 s, the noted
 * directories a few milliseconds.
 */
#include <stdlib.h>
#include <string.h>

#include "finding/history_sink.h"

typedef struct pstips {
	char **names;
	git_oid *trees;
	size_t n, cap;
	int oom;
	int not_commit; /* a ref names a tree or blob: no walked commit has it */
} pstips;

static int ps_collect_tip(git_reference *ref, void *payload)
{
	pstips *t = payload;
	const char *name = git_reference_name(ref);
	git_object *obj = NULL;

	if ((strncmp(name, "refs/heads/", 11) && strncmp(name, "refs/tags/", 10) &&
	     strncmp(name, "refs/remotes/", 13)) || git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC ||
	    git_reference_peel(&obj, ref, GIT_OBJECT_TREE) < 0) {
		git_error_clear();
		git_reference_free(ref);
		return 0;
	}
	git_object *commit = NULL;
	if (git_reference_peel(&commit, ref, GIT_OBJECT_COMMIT) < 0)
		t->not_commit = 1;
	git_object_free(commit);
	git_error_clear();
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 64;
		char **nv = lw_reallocarray(t->names, cap, sizeof(char *));
		if (nv)
			t->names = nv;
		git_oid *tv = nv ? lw_reallocarray(t->trees, cap, sizeof(git_oid)) : NULL;
		if (tv)
			t->trees = tv;
		if (!nv || !tv)
			t->oom = 1;
		else
			t->cap = cap;
	}
	if (t->n < t->cap && (t->names[t->n] = lw_strdup(name))) {
		t->trees[t->n] = *git_object_id(obj);
		t->n++;
	} else {
		t->oom = 1;
	}
	git_object_free(obj);
	git_reference_free(ref);
	return 0;
}

/* The (rule, secret) key of a record with the hits index of a blob that had it */
typedef struct pskey {
	unsigned char key[16];
	uint32_t hit;
} pskey;

static int pskey_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 16);
}

static int ps_has_hit(const uint32_t *list, uint32_t hit)
{
	return list && bsearch(&hit, list + 1, list[0], sizeof(uint32_t), lw_hist_present_u32_cmp) != NULL;
}

/* What the search works with and finds: the blobs with findings (hits),
 * each (rule, secret) key with the blob that had it (bykey), the tips and
 * their distinct trees (roots), and which hits each root holds. */
typedef struct pswork {
	pstips tips;
	git_oid *hits;
	size_t nhits;
	pskey *bykey;
	size_t nkeys;
	git_oid *roots;
	size_t nroots;
	uint32_t *tip_root;      /* tips[i]'s tree: roots[tip_root[i]] */
	lw_oidmap rootmap;
	uint32_t **root_hits;    /* per root, [n, hit...] or NULL */
	uint8_t *root_state;     /* per root, holds the record's key */
} pswork;

/* The blobs with findings (occ is sorted by blob, then key) and each key
 * with the blobs that had it */
static int pw_hits(pswork *w, const hocc *occ, size_t nocc)
{
	w->hits = calloc(nocc, sizeof(git_oid));
	w->bykey = w->hits ? calloc(nocc, sizeof(pskey)) : NULL;
	if (!w->bykey)
		return LW_ENOMEM;
	for (size_t i = 0; i < nocc; i++) {
		if (!w->nhits || !git_oid_equal(&w->hits[w->nhits - 1], &occ[i].blob))
			w->hits[w->nhits++] = occ[i].blob;
		memcpy(w->bykey[i].key, occ[i].key, 16);
		w->bykey[i].hit = (uint32_t)(w->nhits - 1);
	}
	w->nkeys = nocc;
	qsort(w->bykey, nocc, sizeof(pskey), pskey_cmp);
	return 0;
}

/* Distinct tip trees, in the order of their first tip: neighbouring tags
 * share the most */
static int pw_roots(pswork *w)
{
	size_t n = w->tips.n ? w->tips.n : 1;

	w->roots = calloc(n, sizeof(git_oid));
	w->tip_root = w->roots ? calloc(n, sizeof(uint32_t)) : NULL;
	if (!w->tip_root)
		return LW_ENOMEM;
	for (size_t i = 0; i < w->tips.n; i++) {
		uint32_t r;
		if (!lw_oidmap_find(&w->rootmap, &w->tips.trees[i], &r)) {
			r = (uint32_t)w->nroots;
			w->roots[w->nroots++] = w->tips.trees[i];
			if (lw_oidmap_put(&w->rootmap, &w->tips.trees[i], r) < 0)
				return LW_ENOMEM;
		}
		w->tip_root[i] = r;
	}
	w->root_hits = calloc(w->nroots ? w->nroots : 1, sizeof(uint32_t *));
	w->root_state = w->root_hits ? calloc(w->nroots ? w->nroots : 1, 1) : NULL;
	return w->root_state ? 0 : LW_ENOMEM;
}

static int ps_add_name(lw_record *rec, const char *name)
{
	char **v = lw_reallocarray(rec->present, rec->npresent + 1, sizeof(char *));

	if (!v)
		return LW_ENOMEM;
	rec->present = v;
	if (!(v[rec->npresent] = lw_strdup(name)))
		return LW_ENOMEM;
	rec->npresent++;
	return 0;
}

/* The tips whose tree holds a blob that had `key` */
static int pw_rec_tips(pswork *w, lw_record *rec, const unsigned char key[16])
{
	pskey probe;

	memcpy(probe.key, key, 16);
	pskey *k = bsearch(&probe, w->bykey, w->nkeys, sizeof(pskey), pskey_cmp);
	if (!k)
		return 0;
	size_t lo = (size_t)(k - w->bykey), hi = lo + 1;
	while (lo > 0 && !memcmp(w->bykey[lo - 1].key, key, 16))
		lo--;
	while (hi < w->nkeys && !memcmp(w->bykey[hi].key, key, 16))
		hi++;
	/* per distinct tree first: tips often share one */
	for (size_t r = 0; r < w->nroots; r++) {
		w->root_state[r] = 0;
		for (size_t j = lo; j < hi && !w->root_state[r]; j++)
			w->root_state[r] = (uint8_t)ps_has_hit(w->root_hits[r], w->bykey[j].hit);
	}
	for (size_t t = 0; t < w->tips.n; t++)
		if (w->root_state[w->tip_root[t]] && ps_add_name(rec, w->tips.names[t]) < 0)
			return LW_ENOMEM;
	return 0;
}

static int ps_is_tip_ref(const char *name)
{
	return !strncmp(name, "refs/heads/", 11) || !strncmp(name, "refs/tags/", 10) ||
	       !strncmp(name, "refs/remotes/", 13);
}

/* A tip that is a blob (a root ref) holds its own findings */
static int ps_blob_tips(const hpresent_in *in, const hocc *occ, size_t nocc,
	const unsigned char (*keys)[16], lw_record **recs, size_t nrecs)
{
	int rc = 0;

	for (size_t b = 0; rc == 0 && b < in->nroots; b++) {
		const hroot *br = &in->roots[b];
		if (br->is_tree || !ps_is_tip_ref(br->name))
			continue;
		for (size_t j = 0; rc == 0 && j < nocc; j++) {
			if (!git_oid_equal(&occ[j].blob, &br->id))
				continue;
			for (size_t i = 0; rc == 0 && i < nrecs; i++)
				if (!memcmp(keys[i], occ[j].key, 16) && recs[i]->has_present)
					rc = ps_add_name(recs[i], br->name);
		}
	}
	return rc;
}

static void pw_release(pswork *w)
{
	for (size_t i = 0; w->root_hits && i < w->nroots; i++)
		free(w->root_hits[i]);
	for (size_t i = 0; i < w->tips.n; i++)
		free(w->tips.names[i]);
	free(w->tips.names);
	free(w->tips.trees);
	free(w->root_hits);
	free(w->root_state);
	free(w->tip_root);
	free(w->roots);
	free(w->bykey);
	free(w->hits);
	lw_oidmap_release(&w->rootmap);
}

/* The tips and which blobs with findings each one's tree holds */
static int pw_search(pswork *w, const hpresent_in *in, const hocc *occ, size_t nocc,
	lw_record **recs, size_t nrecs)
{
	int rc = 0;

	git_reference_foreach(in->repo, ps_collect_tip, &w->tips);
	git_error_clear();
	if (w->tips.oom)
		return LW_ENOMEM;
	if ((rc = pw_hits(w, occ, nocc)) < 0 || (rc = pw_roots(w)) < 0 || !w->nroots)
		return rc;
	return lw_hist_present_search(in, in->follow_paths && !w->tips.not_commit, recs, nrecs,
		w->hits, w->nhits, w->roots, w->nroots, w->root_hits);
}

int lw_hist_present(const hpresent_in *in, const hocc *occ, size_t nocc,
	const unsigned char (*keys)[16], lw_record **recs, size_t nrecs)
{
	pswork w;
	int rc;

	for (size_t i = 0; i < nrecs; i++)
		recs[i]->has_present = recs[i]->path[0] != '<';
	if (!nocc || !nrecs)
		return 0;
	memset(&w, 0, sizeof(w));
	rc = pw_search(&w, in, occ, nocc, recs, nrecs);
	for (size_t i = 0; rc == 0 && i < nrecs; i++)
		if (recs[i]->path[0] != '<')
			rc = pw_rec_tips(&w, recs[i], keys[i]);
	if (rc == 0)
		rc = ps_blob_tips(in, occ, nocc, keys, recs, nrecs);
	if (rc == LW_ELIMIT)
		for (size_t i = 0; i < nrecs; i++)
			recs[i]->has_present = 0;
	pw_release(&w);
	return rc;
}
