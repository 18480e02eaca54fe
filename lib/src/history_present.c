/*
 * history_present.c - `present`: the refs whose tip still holds a finding's
 * secret, at its path or anywhere else in the tree (a renamed or copied
 * file still exposes it).
 *
 * A tip holds a secret when a blob in its tree had a finding with the same
 * (rule, secret) key, so each tip's tree is searched once for the blobs
 * that had findings, whatever the number of findings. Tips share most of
 * their subtrees: the answer for a tree is kept, so each is read once per
 * thread, and distinct tip trees are split among threads, each with its own
 * reader. The trees are read by our reader, not libgit2's: on a history of
 * 400 refs and 170k distinct tip subtrees, libgit2's tree objects took 5 s.
 */
#include <stdlib.h>
#include <string.h>

#include "history.h"

#define PS_BARE UINT32_MAX
/* bound on the lists kept per thread (entries of 4 bytes): beyond it the
 * search stops and `present` is left unknown rather than guessed */
#define PS_MAX_LISTS ((size_t)32 << 20)

/* tree id -> PS_BARE or the offset of its list in the arena */
typedef struct psmap {
	git_oid *ids;
	uint32_t *val;
	uint8_t *used;
	size_t n, cap;
} psmap;

typedef struct psthread {
	hwalker w;               /* repo and reader (w.c for diagnostics) */
	const git_oid *hits;     /* blobs with findings, sorted */
	size_t nhits;
	const git_oid *roots;    /* distinct tip trees */
	uint32_t **root_hits;    /* out: per root, [n, idx...] malloc'd, or NULL */
	size_t lo, hi;
	psmap memo;
	uint32_t *arena;         /* lists: length, then indices into hits */
	size_t narena, caparena;
	uint32_t *acc;           /* the lists being built, one per open tree */
	size_t nacc, capacc;
	int rc;
} psthread;

static size_t psmap_hash(const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

static int psmap_find(const psmap *m, const git_oid *id, uint32_t *val)
{
	if (!m->cap)
		return 0;
	for (size_t i = psmap_hash(id) & (m->cap - 1); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (git_oid_equal(&m->ids[i], id)) {
			*val = m->val[i];
			return 1;
		}
	return 0;
}

static int psmap_put(psmap *m, const git_oid *id, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		psmap g = { calloc(cap, sizeof(git_oid)), calloc(cap, sizeof(uint32_t)), calloc(cap, 1), 0, cap };
		if (!g.ids || !g.val || !g.used) {
			free(g.ids);
			free(g.val);
			free(g.used);
			return LW_ENOMEM;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->used[i])
				psmap_put(&g, &m->ids[i], m->val[i]);
		free(m->ids);
		free(m->val);
		free(m->used);
		*m = g;
	}
	size_t i = psmap_hash(id) & (m->cap - 1);
	while (m->used[i] && !git_oid_equal(&m->ids[i], id))
		i = (i + 1) & (m->cap - 1);
	if (!m->used[i])
		m->n++;
	m->used[i] = 1;
	m->ids[i] = *id;
	m->val[i] = val;
	return 0;
}

static void psmap_release(psmap *m)
{
	free(m->ids);
	free(m->val);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

static int u32_grow(uint32_t **v, size_t *cap, size_t need)
{
	if (need <= *cap)
		return 0;
	size_t c = *cap ? *cap : 1024;
	while (c < need)
		c *= 2;
	uint32_t *n = lw_reallocarray(*v, c, sizeof(uint32_t));
	if (!n)
		return LW_ENOMEM;
	*v = n;
	*cap = c;
	return 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static int oid_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(git_oid));
}

/* The blobs with findings anywhere below tree `id`, as a list in the
 * arena, or PS_BARE. */
static uint32_t ps_tree(psthread *t, const git_oid *id, int depth)
{
	uint32_t r = PS_BARE;
	htree tr;

	if (psmap_find(&t->memo, id, &r))
		return r;
	if (t->rc || depth > LW_MAX_TREE_DEPTH)
		return PS_BARE;
	/* quiet: a tree the walk could not read was reported there */
	if (lw_htree_read(&t->w, id->id, &tr, 1) < 0) {
		if (psmap_put(&t->memo, id, PS_BARE) < 0)
			t->rc = LW_ENOMEM;
		return PS_BARE;
	}
	size_t base = t->nacc;
	const unsigned char *p = tr.data, *end = tr.data + tr.len;
	lw_tree_entry e;
	while (t->rc == 0 && lw_tree_next(&p, end, &e) == 1) {
		if (lw_tree_entry_is_tree(&e)) {
			uint32_t sub = ps_tree(t, (const git_oid *)e.id, depth + 1);
			if (sub == PS_BARE)
				continue;
			uint32_t n = t->arena[sub];
			if (u32_grow(&t->acc, &t->capacc, t->nacc + n) < 0) {
				t->rc = LW_ENOMEM;
				break;
			}
			memcpy(t->acc + t->nacc, t->arena + sub + 1, n * sizeof(uint32_t));
			t->nacc += n;
		} else if ((e.mode & 0170000) != 0160000) {
			const git_oid *h = bsearch(e.id, t->hits, t->nhits, sizeof(git_oid), oid_cmp);
			if (!h)
				continue;
			if (u32_grow(&t->acc, &t->capacc, t->nacc + 1) < 0) {
				t->rc = LW_ENOMEM;
				break;
			}
			t->acc[t->nacc++] = (uint32_t)(h - t->hits);
		}
	}
	lw_htree_release(&t->w, &tr);
	size_t n = t->nacc - base;
	if (t->rc == 0 && n) {
		qsort(t->acc + base, n, sizeof(uint32_t), u32_cmp);
		size_t u = 1;
		for (size_t i = 1; i < n; i++)
			if (t->acc[base + i] != t->acc[base + u - 1])
				t->acc[base + u++] = t->acc[base + i];
		if (t->narena + u + 1 > PS_MAX_LISTS) {
			t->rc = LW_ELIMIT;
		} else if (u32_grow(&t->arena, &t->caparena, t->narena + u + 1) < 0) {
			t->rc = LW_ENOMEM;
		} else {
			r = (uint32_t)t->narena;
			t->arena[t->narena] = (uint32_t)u;
			memcpy(t->arena + t->narena + 1, t->acc + base, u * sizeof(uint32_t));
			t->narena += u + 1;
		}
	}
	t->nacc = base;
	if (t->rc == 0 && psmap_put(&t->memo, id, r) < 0)
		t->rc = LW_ENOMEM;
	return r;
}

static void *ps_main(void *p)
{
	psthread *t = p;
	hctx *c = t->w.c;

	for (size_t i = t->lo; i < t->hi && t->rc == 0; i++) {
		if ((c->opts->cancel && *c->opts->cancel) || c->stop)
			break;
		uint32_t r = ps_tree(t, &t->roots[i], 0);
		if (r == PS_BARE || t->rc)
			continue;
		size_t n = (size_t)t->arena[r] + 1;
		if (!(t->root_hits[i] = malloc(n * sizeof(uint32_t)))) {
			t->rc = LW_ENOMEM;
			break;
		}
		memcpy(t->root_hits[i], t->arena + r, n * sizeof(uint32_t));
	}
	return NULL;
}

typedef struct pstips {
	char **names;
	git_oid *trees;
	size_t n, cap;
	int oom;
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

/* Searches the tips' trees with up to c->nworkers threads: root_hits[i]
 * gets the hits list of roots[i]. */
static int ps_search(hctx *c, const git_oid *hits, size_t nhits, const git_oid *roots, size_t nroots,
	uint32_t **root_hits)
{
	psthread ts[64];
	pthread_t th[64];
	size_t nt = c->nworkers ? c->nworkers : 1;
	int rc = 0;

	if (nt > 64)
		nt = 64;
	/* a thread needs enough distinct trees to be worth its repository */
	if (nroots / nt < 4)
		nt = nroots / 4 > 1 ? nroots / 4 : 1;
	memset(ts, 0, sizeof(ts));
	size_t cache = LW_SHARE_CACHE(LW_WALKERS_CACHE, nt);
	for (size_t k = 0; k < nt; k++) {
		psthread *t = &ts[k];
		t->w.c = c;
		t->hits = hits;
		t->nhits = nhits;
		t->roots = roots;
		t->root_hits = root_hits;
		t->lo = nroots * k / nt;
		t->hi = nroots * (k + 1) / nt;
		lw_buf_init(&t->w.path, LW_MAX_PATH);
		if (k == 0) {
			t->w.repo = c->repo;
			t->w.reader = c->reader;
			lw_objreader_set_cache(c->reader, cache);
			continue;
		}
		lw_error err = { 0 };
		if (lw_hist_open(&t->w.repo, &t->w.reader, cache, c, &err) < 0) {
			/* fewer threads: the first takes this one's share */
			lw_buf_release(&t->w.path);
			nt = k;
			ts[nt - 1].hi = nroots;
			break;
		}
	}
	size_t started = 1;
	for (size_t k = 1; k < nt; k++, started++)
		if (pthread_create(&th[k], NULL, ps_main, &ts[k]) != 0)
			break;
	ps_main(&ts[0]);
	for (size_t k = started; k < nt; k++)
		ps_main(&ts[k]);
	for (size_t k = 1; k < started; k++)
		pthread_join(th[k], NULL);
	lw_objreader_set_cache(c->reader, LW_IDLE_CACHE);
	for (size_t k = 0; k < nt; k++) {
		psthread *t = &ts[k];
		if (rc == 0)
			rc = t->rc;
		if (k > 0)
			git_repository_free(t->w.repo);
		lw_buf_release(&t->w.path);
		psmap_release(&t->memo);
		free(t->arena);
		free(t->acc);
	}
	return rc;
}

static int ps_has_hit(const uint32_t *list, uint32_t hit)
{
	return list && bsearch(&hit, list + 1, list[0], sizeof(uint32_t), u32_cmp) != NULL;
}

int lw_hist_present(hctx *c, const unsigned char (*keys)[16], lw_record **recs, size_t nrecs)
{
	pstips tips = { 0 };
	git_oid *hits = NULL, *roots = NULL;
	uint32_t *tip_root = NULL, **root_hits = NULL;
	pskey *bykey = NULL;
	uint8_t *root_state = NULL;
	size_t nhits = 0, nroots = 0;
	psmap rootmap = { 0 };
	int rc = 0;

	for (size_t i = 0; i < nrecs; i++)
		recs[i]->has_present = recs[i]->path[0] != '<';
	if (!c->nocc || !nrecs)
		return 0;
	git_reference_foreach(c->repo, ps_collect_tip, &tips);
	git_error_clear();
	if (tips.oom)
		rc = LW_ENOMEM;
	/* the blobs with findings (c->occ is sorted by blob, then key) and
	 * each key with the blobs that had it */
	hits = rc ? NULL : calloc(c->nocc, sizeof(git_oid));
	bykey = hits ? calloc(c->nocc, sizeof(pskey)) : NULL;
	if (!bykey)
		rc = LW_ENOMEM;
	for (size_t i = 0; rc == 0 && i < c->nocc; i++) {
		if (!nhits || !git_oid_equal(&hits[nhits - 1], &c->occ[i].blob))
			hits[nhits++] = c->occ[i].blob;
		memcpy(bykey[i].key, c->occ[i].key, 16);
		bykey[i].hit = (uint32_t)(nhits - 1);
	}
	if (rc == 0)
		qsort(bykey, c->nocc, sizeof(pskey), pskey_cmp);
	/* distinct tip trees, in the order of their first tip: neighbouring
	 * tags share the most */
	roots = rc ? NULL : calloc(tips.n ? tips.n : 1, sizeof(git_oid));
	tip_root = roots ? calloc(tips.n ? tips.n : 1, sizeof(uint32_t)) : NULL;
	if (!tip_root)
		rc = LW_ENOMEM;
	for (size_t i = 0; rc == 0 && i < tips.n; i++) {
		uint32_t r;
		if (!psmap_find(&rootmap, &tips.trees[i], &r)) {
			r = (uint32_t)nroots;
			roots[nroots++] = tips.trees[i];
			if (psmap_put(&rootmap, &tips.trees[i], r) < 0)
				rc = LW_ENOMEM;
		}
		tip_root[i] = r;
	}
	root_hits = rc ? NULL : calloc(nroots ? nroots : 1, sizeof(uint32_t *));
	root_state = root_hits ? calloc(nroots ? nroots : 1, 1) : NULL;
	if (rc == 0 && !root_state)
		rc = LW_ENOMEM;
	if (rc == 0 && nroots)
		rc = ps_search(c, hits, nhits, roots, nroots, root_hits);
	if (rc == LW_ELIMIT)
		lw_hist_diag(c, NULL, "`present` not computed: the refs' trees hold too many blobs with findings");
	for (size_t i = 0; rc == 0 && i < nrecs; i++) {
		lw_record *rec = recs[i];
		if (rec->path[0] == '<')
			continue;
		pskey probe;
		memcpy(probe.key, keys[i], 16);
		pskey *k = bsearch(&probe, bykey, c->nocc, sizeof(pskey), pskey_cmp);
		if (!k)
			continue;
		size_t lo = (size_t)(k - bykey), hi = lo + 1;
		while (lo > 0 && !memcmp(bykey[lo - 1].key, keys[i], 16))
			lo--;
		while (hi < c->nocc && !memcmp(bykey[hi].key, keys[i], 16))
			hi++;
		/* per distinct tree first: tips often share one */
		for (size_t r = 0; r < nroots; r++) {
			root_state[r] = 0;
			for (size_t j = lo; j < hi && !root_state[r]; j++)
				root_state[r] = (uint8_t)ps_has_hit(root_hits[r], bykey[j].hit);
		}
		for (size_t t = 0; t < tips.n; t++) {
			if (!root_state[tip_root[t]])
				continue;
			char **v = lw_reallocarray(rec->present, rec->npresent + 1, sizeof(char *));
			if (!v || !(v[rec->npresent] = lw_strdup(tips.names[t]))) {
				if (v)
					rec->present = v;
				rc = LW_ENOMEM;
				break;
			}
			rec->present = v;
			rec->npresent++;
		}
	}
	if (rc == LW_ELIMIT) {
		for (size_t i = 0; i < nrecs; i++)
			recs[i]->has_present = 0;
		rc = 0;
	}
	for (size_t i = 0; root_hits && i < nroots; i++)
		free(root_hits[i]);
	for (size_t i = 0; i < tips.n; i++)
		free(tips.names[i]);
	free(tips.names);
	free(tips.trees);
	free(root_hits);
	free(root_state);
	free(tip_root);
	free(roots);
	free(bykey);
	free(hits);
	psmap_release(&rootmap);
	return rc;
}
