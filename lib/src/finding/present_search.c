/*
 * present_search.c - the search behind `present`: which blobs with
 * findings each distinct tip tree holds (history_present.c says why two
 * ways, along the noted paths or through whole trees).
 */
#include <stdlib.h>
#include <string.h>

#include "finding/history_sink.h"
#include "odb/repo_open.h"

#define PS_BARE UINT32_MAX
/* bound on the lists kept per thread (entries of 4 bytes): beyond it the
 * search stops and `present` is left unknown rather than guessed */
#define PS_MAX_LISTS ((size_t)32 << 20)

typedef struct psthread {
	const hpresent_in *in;
	git_repository *repo;    /* this thread's, with its reader */
	lw_objreader *reader;
	const git_oid *hits;     /* blobs with findings, sorted */
	size_t nhits;
	const git_oid *roots;    /* distinct tip trees */
	uint32_t **root_hits;    /* out: per root, [n, idx...] malloc'd, or NULL */
	size_t lo, hi;
	lw_oidmap memo;       /* tree id -> PS_BARE or its list in the arena */
	uint32_t *arena;         /* lists: length, then indices into hits */
	size_t narena, caparena;
	uint32_t *acc;           /* the lists being built, one per open tree */
	const lw_hashset *dirs;  /* the noted directories, or NULL: whole trees */
	lw_buf path;             /* of the tree being searched, with dirs */
	size_t nacc, capacc;
	int rc;
} psthread;

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

/* Adds a subtree's list (PS_BARE: nothing) to the one being built */
static void ps_add_list(psthread *t, uint32_t sub)
{
	if (sub == PS_BARE || t->rc)
		return;
	uint32_t n = t->arena[sub];
	if (u32_grow(&t->acc, &t->capacc, t->nacc + n) < 0) {
		t->rc = LW_ENOMEM;
		return;
	}
	memcpy(t->acc + t->nacc, t->arena + sub + 1, n * sizeof(uint32_t));
	t->nacc += n;
}

/* Adds a blob when it had findings */
static void ps_add_blob(psthread *t, const unsigned char *id)
{
	const git_oid *h = bsearch(id, t->hits, t->nhits, sizeof(git_oid), oid_cmp);

	if (!h || t->rc)
		return;
	if (u32_grow(&t->acc, &t->capacc, t->nacc + 1) < 0) {
		t->rc = LW_ENOMEM;
		return;
	}
	t->acc[t->nacc++] = (uint32_t)(h - t->hits);
}

/* The list built in t->acc from `base` on, sorted and unique, into the
 * arena: its offset, or PS_BARE when empty. t->acc is cut back to base. */
static uint32_t ps_keep(psthread *t, size_t base)
{
	uint32_t r = PS_BARE;
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
	return r;
}

/* The blobs with findings anywhere below tree `id`, as a list in the
 * arena, or PS_BARE. */
static uint32_t ps_tree(psthread *t, const git_oid *id, int depth)
{
	uint32_t r = PS_BARE;
	lw_repo_tree tr;
	const char *why;

	if (lw_oidmap_find(&t->memo, id, &r))
		return r;
	if (t->rc || depth > LW_MAX_TREE_DEPTH)
		return PS_BARE;
	/* not reported: a tree the walk could not read was reported there */
	if (lw_repo_tree_read(t->repo, t->reader, id->id, &tr, &why) < 0) {
		if (lw_oidmap_put(&t->memo, id, PS_BARE) < 0)
			t->rc = LW_ENOMEM;
		return PS_BARE;
	}
	size_t base = t->nacc;
	const unsigned char *p = tr.data, *end = tr.data + tr.len;
	lw_tree_entry e;
	while (t->rc == 0 && lw_tree_next(&p, end, &e) == 1) {
		if (lw_tree_entry_is_tree(&e))
			ps_add_list(t, ps_tree(t, (const git_oid *)e.id, depth + 1));
		else if ((e.mode & 0170000) != 0160000)
			ps_add_blob(t, e.id);
	}
	lw_repo_tree_release(t->reader, &tr);
	r = ps_keep(t, base);
	if (t->rc == 0 && lw_oidmap_put(&t->memo, id, r) < 0)
		t->rc = LW_ENOMEM;
	return r;
}

/* ---- along the noted paths ------------------------------------------ */

/* Notes every directory above path[0..len) */
static int ps_add_dirs(lw_hashset *dirs, const char *path, size_t len)
{
	for (size_t k = 1; k < len; k++)
		if (path[k] == '/' && lw_hashset_insert(dirs, lw_path_hash(path, k, NULL)) < 0)
			return LW_ENOMEM;
	return 0;
}

/* The directories below a tree met again at another path (an alias) that
 * hold blobs with findings: the tree's answers are in t->memo already. */
static int ps_alias_dirs(psthread *t, const git_oid *id, lw_buf *path, lw_hashset *dirs, int depth)
{
	lw_repo_tree tr;
	const char *why;
	uint32_t r;
	int rc = 0;

	if (depth > LW_MAX_TREE_DEPTH || !lw_oidmap_find(&t->memo, id, &r) || r == PS_BARE ||
	    lw_repo_tree_read(t->repo, t->reader, id->id, &tr, &why) < 0)
		return 0;
	size_t base = path->len;
	const unsigned char *p = tr.data, *end = tr.data + tr.len;
	lw_tree_entry e;
	while (rc == 0 && lw_tree_next(&p, end, &e) == 1) {
		if (!lw_tree_entry_is_tree(&e) || !lw_oidmap_find(&t->memo, (const git_oid *)e.id, &r) ||
		    r == PS_BARE)
			continue;
		path->len = base;
		lw_buf_putc(path, '/');
		lw_buf_put(path, e.name, e.name_len);
		if (path->overflow)
			rc = LW_ELIMIT;
		else if ((rc = lw_hashset_insert(dirs, lw_path_hash(path->data, path->len, NULL))) >= 0)
			rc = ps_alias_dirs(t, (const git_oid *)e.id, path, dirs, depth + 1);
	}
	path->len = base;
	lw_repo_tree_release(t->reader, &tr);
	return rc < 0 ? rc : 0;
}

/* Every directory that held, in some walked commit, a blob with findings:
 * the findings' own paths, the aliases of those blobs, and below the
 * aliases of trees holding them. */
static int ps_noted_dirs(psthread *t, const hpresent_in *c, lw_record **recs, size_t nrecs,
	lw_hashset *dirs)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < nrecs; i++)
		if (recs[i]->path[0] != '<')
			rc = ps_add_dirs(dirs, recs[i]->path, strlen(recs[i]->path));
	for (size_t i = 0; rc == 0 && i < c->nalias; i++) {
		const halias *a = &c->alias[i];
		if (!a->is_tree) {
			if (bsearch(&a->id, t->hits, t->nhits, sizeof(git_oid), oid_cmp))
				rc = ps_add_dirs(dirs, a->path, strlen(a->path));
			continue;
		}
		if (ps_tree(t, &a->id, 0) == PS_BARE) {
			rc = t->rc;
			continue;
		}
		lw_buf path;
		lw_buf_init(&path, LW_MAX_PATH);
		lw_buf_put(&path, a->path, strlen(a->path));
		if ((rc = ps_add_dirs(dirs, a->path, strlen(a->path))) == 0 &&
		    (rc = lw_hashset_insert(dirs, lw_path_hash(a->path, strlen(a->path), NULL))) >= 0)
			rc = ps_alias_dirs(t, &a->id, &path, dirs, 0);
		lw_buf_release(&path);
	}
	return rc < 0 ? rc : 0;
}

/* The blobs with findings in tree `id` at `path`, entering only noted
 * directories; kept per (tree, path). */
static uint32_t ps_dir(psthread *t, const git_oid *id, lw_buf *path, const lw_hashset *dirs, int depth)
{
	uint32_t r = PS_BARE;
	git_oid key = *id;
	uint64_t ph = lw_path_hash(path->data, path->len, id->id);
	lw_repo_tree tr;
	const char *why;

	memcpy(key.id, &ph, sizeof(ph));
	if (lw_oidmap_find(&t->memo, &key, &r))
		return r;
	if (t->rc || depth > LW_MAX_TREE_DEPTH ||
	    lw_repo_tree_read(t->repo, t->reader, id->id, &tr, &why) < 0)
		return PS_BARE;
	size_t base = t->nacc, plen = path->len;
	const unsigned char *p = tr.data, *end = tr.data + tr.len;
	lw_tree_entry e;
	while (t->rc == 0 && lw_tree_next(&p, end, &e) == 1) {
		if (lw_tree_entry_is_tree(&e)) {
			path->len = plen;
			if (plen)
				lw_buf_putc(path, '/');
			lw_buf_put(path, e.name, e.name_len);
			if (path->overflow || !lw_hashset_contains(dirs, lw_path_hash(path->data, path->len, NULL)))
				continue;
			ps_add_list(t, ps_dir(t, (const git_oid *)e.id, path, dirs, depth + 1));
		} else if ((e.mode & 0170000) != 0160000) {
			ps_add_blob(t, e.id);
		}
	}
	path->len = plen;
	path->overflow = 0;
	lw_repo_tree_release(t->reader, &tr);
	r = ps_keep(t, base);
	if (t->rc == 0 && lw_oidmap_put(&t->memo, &key, r) < 0)
		t->rc = LW_ENOMEM;
	return r;
}

static void *ps_main(void *p)
{
	psthread *t = p;
	const hpresent_in *c = t->in;

	for (size_t i = t->lo; i < t->hi && t->rc == 0; i++) {
		if ((c->opts->cancel && *c->opts->cancel) || *c->stop)
			break;
		t->path.len = 0;
		uint32_t r = t->dirs ? ps_dir(t, &t->roots[i], &t->path, t->dirs, 0) : ps_tree(t, &t->roots[i], 0);
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

/* Searches the tips' trees, whole or (dirs) along the noted directories,
 * with up to c->nthreads threads: root_hits[i] gets the list of roots[i]. */
static int ps_search(const hpresent_in *c, const git_oid *hits, size_t nhits, const lw_hashset *dirs,
	const git_oid *roots, size_t nroots, uint32_t **root_hits)
{
	psthread ts[64];
	pthread_t th[64];
	size_t nt = c->nthreads ? c->nthreads : 1;
	int rc = 0;

	if (nt > 64)
		nt = 64;
	/* a thread needs enough distinct trees to be worth its repository */
	if (nroots / nt < 4)
		nt = nroots / 4 > 1 ? nroots / 4 : 1;
	memset(ts, 0, sizeof(ts));
	size_t cache = LW_SHARE_CACHE(LW_PRESENT_CACHE, nt);
	for (size_t k = 0; k < nt; k++) {
		psthread *t = &ts[k];
		t->in = c;
		t->hits = hits;
		t->nhits = nhits;
		t->roots = roots;
		t->root_hits = root_hits;
		t->dirs = dirs;
		lw_buf_init(&t->path, LW_MAX_PATH);
		t->lo = nroots * k / nt;
		t->hi = nroots * (k + 1) / nt;
		if (k == 0) {
			t->repo = c->repo;
			t->reader = c->reader;
			lw_objreader_set_cache(c->reader, cache);
			continue;
		}
		lw_error err = { 0 };
		if (lw_repo_open(&t->repo, &t->reader, c->repo_path, (const char *const *)c->opts->object_dirs,
			c->opts->nobject_dirs, cache, &err) < 0) {
			/* fewer threads: the first takes this one's share */
			lw_buf_release(&t->path);
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
			git_repository_free(t->repo);
		lw_buf_release(&t->path);
		lw_oidmap_release(&t->memo);
		free(t->arena);
		free(t->acc);
	}
	return rc;
}

/* With a walk that covered every tip: each tip's tree along the noted
 * directories only (every blob of a walked commit sat at a noted path).
 * LW_ESTOP when the noted paths could not all be followed. */
static int ps_follow(const hpresent_in *c, lw_record **recs, size_t nrecs, const git_oid *hits, size_t nhits,
	const git_oid *roots, size_t nroots, uint32_t **root_hits)
{
	psthread t;
	lw_hashset dirs = { 0 };
	int rc;

	memset(&t, 0, sizeof(t));
	t.in = c;
	t.repo = c->repo;
	t.reader = c->reader;
	t.hits = hits;
	t.nhits = nhits;
	rc = ps_noted_dirs(&t, c, recs, nrecs, &dirs);
	lw_oidmap_release(&t.memo);
	free(t.arena);
	free(t.acc);
	if (rc == 0)
		rc = ps_search(c, hits, nhits, &dirs, roots, nroots, root_hits);
	if (rc < 0)
		for (size_t i = 0; i < nroots; i++) {
			free(root_hits[i]);
			root_hits[i] = NULL;
		}
	lw_hashset_release(&dirs);
	return rc == LW_ELIMIT ? LW_ESTOP : rc;
}

int lw_hist_present_search(const hpresent_in *in, int follow, lw_record **recs, size_t nrecs,
	const git_oid *hits, size_t nhits, const git_oid *roots, size_t nroots, uint32_t **root_hits)
{
	int rc = LW_ESTOP;

	if (follow)
		rc = ps_follow(in, recs, nrecs, hits, nhits, roots, nroots, root_hits);
	if (rc == LW_ESTOP)
		rc = ps_search(in, hits, nhits, NULL, roots, nroots, root_hits);
	return rc;
}
