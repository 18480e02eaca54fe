#define _GNU_SOURCE
/*
 * history_diff.c - the walk proper: each commit's tree compared with its
 * parents' trees, entries read in place (objtree.c) and matched by merge
 * cursors, every blob never seen before noted with the commit and path
 * that brought it.
 *
 * With --threads N the commits (oldest first) are cut into N contiguous
 * ranges walked side by side, each with its own sets of seen objects; a
 * thread done with its range cuts the range with the most left in two and
 * walks the newer half. A blob seen by an older range belongs to that
 * range: merging the ranges' notes in order gives exactly what one walker
 * would have found (a tree another range already walked is only walked
 * again, never skipped wrongly).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

int lw_hist_push(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path)
{
	if (w->nbatch == w->capbatch) {
		size_t cap = w->capbatch ? w->capbatch * 2 : 4096;
		hjob *v = lw_reallocarray(w->batch, cap, sizeof(hjob));
		if (!v)
			return LW_ENOMEM;
		w->batch = v;
		uint64_t *k = lw_reallocarray(w->batch_key, cap, sizeof(uint64_t));
		if (!k)
			return LW_ENOMEM;
		w->batch_key = k;
		w->capbatch = cap;
	}
	hjob *j = &w->batch[w->nbatch];
	if (!(j->path = lw_strdup(path)))
		return LW_ENOMEM;
	j->blob = *blob;
	j->commit = *commit;
	j->seq = seq;
	j->place_first = j->place_n = 0;
	w->batch_key[w->nbatch++] = lw_objstore_position(lw_objreader_store(w->reader), blob->id);
	return 0;
}

static int hw_alias(hwalker *w, const git_oid *id, char *path, int is_tree)
{
	if (w->nalias == w->capalias) {
		size_t cap = w->capalias ? w->capalias * 2 : 256;
		halias *v = lw_reallocarray(w->alias, cap, sizeof(halias));
		if (!v) {
			free(path);
			return LW_ENOMEM;
		}
		w->alias = v;
		w->capalias = cap;
	}
	w->alias[w->nalias++] = (halias){ *id, path, is_tree };
	return 0;
}

/* Notes that the object at w->path is id (h: the path's hash so far, up
 * to its directory): the first time an object is met at a path other than
 * where it was first met, it is an alias (for `present`, when paths are
 * tracked) and, for a blob, a place its findings are reported at too.
 * 1 when the (object, path) is new, 0 when not, < 0 on error. */
static int hw_place(hwalker *w, uint64_t h, const lw_tree_entry *e, int is_tree, int first,
	const git_oid *commit, uint64_t seq)
{
	const git_oid *id = (const git_oid *)e->id;
	int ins = lw_hashset_insert(&w->placed, lw_path_hash_end(lw_path_hash_more(h, e->name, e->name_len), e->id));
	char *path;
	int rc;

	if (ins <= 0 || first)
		return ins;
	if (!is_tree && (rc = lw_hist_place_note(w, id, commit, seq, lw_buf_cstr(&w->path))) < 0)
		return rc;
	if (!w->c->track_paths)
		return 1;
	if (!(path = lw_strndup(w->path.data, w->path.len)))
		return LW_ENOMEM;
	rc = hw_alias(w, id, path, is_tree);
	return rc < 0 ? rc : 1;
}

static int hwalk_is_known(hctx *c, const git_oid *id, git_object_t type)
{
	/* With a quarantine, objects already stored before the push are old. */
	if (!c->own_store)
		return 0;
	(void)type;
	return lw_objstore_exists(c->own_store, id->id);
}

int lw_htree_read(hwalker *w, const unsigned char *id, htree *t, int quiet)
{
	hctx *c = w->c;
	char hex[GIT_OID_HEXSZ + 1];
	int rc;

	memset(t, 0, sizeof(*t));
	rc = lw_objreader_read(w->reader, id, LW_MAX_TREE_SIZE, &t->obj);
	if (rc == 0 && t->obj.type == LW_OBJ_TREE) {
		t->data = t->obj.data;
		t->len = t->obj.len;
		return 0;
	}
	git_oid_tostr(hex, sizeof(hex), (const git_oid *)id);
	if (rc == 0) {
		lw_obj_release(w->reader, &t->obj);
		if (quiet)
			return -1;
		lw_hist_diag(c, lw_buf_cstr(&w->path), "cannot read tree %s: the object is not a tree", hex);
		lw_hist_count(c, &c->st->errors, 1);
		return -1;
	}
	if (rc == LW_OBJ_MISSING) {
		git_odb *odb = NULL;
		if (git_repository_odb(&odb, w->repo) == 0 && git_odb_read(&t->gobj, odb, (const git_oid *)id) == 0 &&
		    git_odb_object_type(t->gobj) == GIT_OBJECT_TREE) {
			git_odb_free(odb);
			t->data = git_odb_object_data(t->gobj);
			t->len = git_odb_object_size(t->gobj);
			return 0;
		}
		git_odb_free(odb);
		git_odb_object_free(t->gobj);
		t->gobj = NULL;
	}
	if (quiet)
		return -1;
	lw_hist_diag(c, lw_buf_cstr(&w->path), "cannot read tree %s: %s", hex,
		rc == LW_OBJ_MISSING ? (git_error_last() ? git_error_last()->message : "object missing")
				     : lw_objreader_error(w->reader));
	lw_hist_count(c, &c->st->errors, 1);
	return -1;
}

void lw_htree_release(hwalker *w, htree *t)
{
	lw_obj_release(w->reader, &t->obj);
	git_odb_object_free(t->gobj);
	memset(t, 0, sizeof(*t));
}

/* A cursor over a parent tree, advanced in step with the child's entries:
 * both are in git's tree order, so matching is one merge pass. */
typedef struct hcursor {
	const unsigned char *p, *end;
	lw_tree_entry e;
	int valid;
} hcursor;

static void hcursor_next(hcursor *k)
{
	k->valid = lw_tree_next(&k->p, k->end, &k->e) == 1;
}

/* the parent's entry with the same name and kind as e, or NULL */
static const lw_tree_entry *hcursor_seek(hcursor *k, const lw_tree_entry *e)
{
	int et = lw_tree_entry_is_tree(e);

	while (k->valid) {
		int c = lw_tree_name_cmp(k->e.name, k->e.name_len, lw_tree_entry_is_tree(&k->e),
			e->name, e->name_len, et);
		if (c > 0)
			return NULL;
		if (c == 0)
			return &k->e;
		hcursor_next(k);
	}
	return NULL;
}

/* An entry whose path is longer than LW_MAX_PATH: a blob's content does
 * not depend on its path, so it is scanned under a shortened path; what a
 * tree that deep holds is not walked, and that is an error (incomplete). */
static int hw_long_path(hwalker *w, const lw_tree_entry *e, int is_tree, const git_oid *commit,
	uint64_t seq)
{
	hctx *c = w->c;
	const git_oid *id = (const git_oid *)e->id;
	size_t head = w->path.len < LW_PATH_SHOWN ? w->path.len : LW_PATH_SHOWN;
	size_t tail = e->name_len < LW_PATH_SHOWN ? e->name_len : LW_PATH_SHOWN;
	lw_buf shown;
	int rc = 0, ins;

	lw_buf_init(&shown, 4 * LW_PATH_SHOWN);
	lw_buf_put(&shown, w->path.data, head);
	lw_buf_printf(&shown, "[...%zu bytes...]", w->path.len - head + e->name_len - tail);
	lw_buf_put(&shown, e->name + e->name_len - tail, tail);
	if (shown.overflow) {
		rc = LW_ENOMEM;
	} else if (is_tree) {
		lw_hist_diag(c, lw_buf_cstr(&shown), "a tree at a path longer than %d bytes; what it holds "
			"was not scanned", LW_MAX_PATH);
		lw_hist_count(c, &c->st->errors, 1);
	} else if ((ins = lw_oidset_insert(&w->seen_blobs, id)) < 0) {
		rc = LW_ENOMEM;
	} else if (ins > 0 && !hwalk_is_known(c, id, GIT_OBJECT_BLOB)) {
		lw_hist_diag(c, lw_buf_cstr(&shown), "path longer than %d bytes: scanned, shown shortened",
			LW_MAX_PATH);
		rc = lw_hist_push(w, id, commit, seq, lw_buf_cstr(&shown));
	}
	lw_buf_release(&shown);
	return rc;
}

int lw_hist_walk_tree(hwalker *w, const htree *t, const htree *parents, size_t np, uint64_t seq,
	const git_oid *commit, const unsigned char *tree_id, unsigned depth)
{
	hctx *c = w->c;
	size_t base = w->path.len;
	hcursor cur_stack[4], *cur = np <= 4 ? cur_stack : calloc(np, sizeof(*cur));
	const unsigned char *pe_stack[4], **pe = np <= 4 ? pe_stack : calloc(np, sizeof(*pe));
	const unsigned char *p = t->data, *end = t->data + t->len;
	lw_tree_entry e;
	int rc = 0, more;
	/* the directory's part of its entries' (object, path) hashes */
	uint64_t hdir = lw_path_hash_more(LW_PATH_HASH_INIT, w->path.data, base);

	if (!cur || !pe) {
		rc = LW_ENOMEM;
		goto out;
	}
	if (depth > LW_MAX_TREE_DEPTH) {
		lw_hist_diag(c, lw_buf_cstr(&w->path),
			"trees nested deeper than %d levels; the deeper part was not scanned",
			LW_MAX_TREE_DEPTH);
		lw_hist_count(c, &c->st->errors, 1);
		goto out;
	}
	for (size_t k = 0; k < np; k++) {
		cur[k].p = parents[k].data;
		cur[k].end = parents[k].data + parents[k].len;
		hcursor_next(&cur[k]);
	}
	while (rc == 0 && (more = lw_tree_next(&p, end, &e)) == 1) {
		const git_oid *id = (const git_oid *)e.id;
		size_t npe = 0, same = 0;
		int is_tree = lw_tree_entry_is_tree(&e);

		for (size_t k = 0; k < np; k++) {
			const lw_tree_entry *x = hcursor_seek(&cur[k], &e);
			if (x && !memcmp(x->id, e.id, 20))
				same = 1;
			else if (x && is_tree)
				pe[npe++] = x->id;
		}
		if (same)
			continue;
		if ((e.mode & 0170000) == 0160000) {
			/* submodules live in other repositories: counted, not followed */
			lw_hist_count(c, &c->st->gitlinks, 1);
			continue;
		}
		w->path.len = base;
		lw_buf_put(&w->path, e.name, e.name_len);
		if (w->path.overflow) {
			w->path.overflow = 0;
			w->path.len = base;
			__atomic_store_n(&c->paths_lost, 1, __ATOMIC_RELAXED);
			rc = hw_long_path(w, &e, is_tree, commit, seq);
			continue;
		}
		if (is_tree) {
			htree sub, psub_stack[4], *psub;
			size_t nps = 0;
			if (lw_oidset_contains(&w->seen_trees, id)) {
				/* a tree met before, at a new path (a copied or moved
				 * directory): walked again, whole, so that its blobs,
				 * all seen, are placed at their new paths */
				if ((rc = hw_place(w, hdir, &e, 1, 0, commit, seq)) <= 0)
					continue;
				rc = 0;
				npe = 0;
			} else if ((rc = hw_place(w, hdir, &e, 1, 1, commit, seq)) < 0) {
				break;
			}
			rc = 0;
			if (lw_htree_read(w, e.id, &sub, 0) < 0)
				continue;
			psub = npe <= 4 ? psub_stack : calloc(npe, sizeof(*psub));
			if (!psub) {
				lw_htree_release(w, &sub);
				rc = LW_ENOMEM;
				break;
			}
			/* a parent's version that cannot be read only makes more look new */
			for (size_t k = 0; k < npe; k++)
				if (lw_htree_read(w, pe[k], &psub[nps], 1) == 0)
					nps++;
			lw_buf_putc(&w->path, '/');
			rc = lw_hist_walk_tree(w, &sub, psub, nps, seq, commit, e.id, depth + 1);
			for (size_t k = 0; k < nps; k++)
				lw_htree_release(w, &psub[k]);
			if (psub != psub_stack)
				free(psub);
			lw_htree_release(w, &sub);
			if (rc == 0 && lw_oidset_insert(&w->seen_trees, id) < 0)
				rc = LW_ENOMEM;
		} else {
			int ins = lw_oidset_insert(&w->seen_blobs, id);
			if (ins < 0)
				rc = LW_ENOMEM;
			else if (ins > 0 && !hwalk_is_known(c, id, GIT_OBJECT_BLOB))
				rc = lw_hist_push(w, id, commit, seq, lw_buf_cstr(&w->path));
			if (rc == 0 && ins >= 0 && (rc = hw_place(w, hdir, &e, 0, ins > 0, commit, seq)) > 0)
				rc = 0;
		}
	}
	if (rc == 0 && more < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), (const git_oid *)tree_id);
		w->path.len = base;
		if (w->path.data)
			w->path.data[base] = '\0';
		lw_hist_diag(c, base ? lw_buf_cstr(&w->path) : NULL,
			"tree %s is malformed; the entries after the damage were not scanned", hex);
		lw_hist_count(c, &c->st->errors, 1);
	}
out:
	w->path.len = base;
	if (w->path.data)
		w->path.data[base] = '\0';
	if (cur != cur_stack)
		free(cur);
	if (pe != pe_stack)
		free(pe);
	return rc;
}

/* The commit through libgit2: what the fast path below leaves to it
 * (anything unusual, unreadable parents, shallow boundaries), so that
 * libgit2 decides what a malformed commit is. */
static int hwalk_commit_libgit2(hwalker *w, const git_oid *id, uint64_t seq)
{
	hctx *c = w->c;
	git_commit *commit = NULL;
	htree tree, *ptrees;
	size_t np = 0;
	int rc;

	if (git_commit_lookup(&commit, w->repo, id) < 0) {
		char hex[GIT_OID_HEXSZ + 1];
		git_oid_tostr(hex, sizeof(hex), id);
		lw_hist_diag(c, NULL, "cannot read commit %s: %s", hex,
			git_error_last() ? git_error_last()->message : "?");
		lw_hist_count(c, &c->st->errors, 1);
		return 0;
	}
	if (c->opts->since && git_commit_time(commit) < c->opts->since) {
		git_commit_free(commit);
		return 0;
	}
	if (c->opts->scan_messages)
		lw_hist_scan_text(c, w->sc, git_commit_message(commit), "<commit message>", id, seq);
	w->path.len = 0;
	if (w->path.data)
		w->path.data[0] = '\0';
	if (lw_htree_read(w, git_commit_tree_id(commit)->id, &tree, 0) < 0) {
		git_commit_free(commit);
		return 0;
	}
	unsigned int nparents = git_commit_parentcount(commit);
	if (!(ptrees = calloc(nparents ? nparents : 1, sizeof(*ptrees)))) {
		lw_htree_release(w, &tree);
		git_commit_free(commit);
		return LW_ENOMEM;
	}
	for (unsigned int k = 0; k < nparents; k++) {
		git_commit *parent = NULL;
		if (git_commit_parent(&parent, commit, k) < 0) {
			char hex[GIT_OID_HEXSZ + 1];
			git_oid_tostr(hex, sizeof(hex), git_commit_id(commit));
			if (git_repository_is_shallow(w->repo) == 1) {
				lw_hist_diag(c, NULL, "shallow clone: history before commit %s is missing; "
					"what it holds is attributed to it", hex);
				lw_hist_count(c, &c->st->shallow_boundaries, 1);
			} else {
				char phex[GIT_OID_HEXSZ + 1];
				git_oid_tostr(phex, sizeof(phex), git_commit_parent_id(commit, k));
				lw_hist_diag(c, NULL, "cannot read commit %s (parent of %s): %s", phex, hex,
					git_error_last() ? git_error_last()->message : "object missing");
				lw_hist_count(c, &c->st->errors, 1);
			}
			continue;
		}
		if (lw_htree_read(w, git_commit_tree_id(parent)->id, &ptrees[np], 1) == 0)
			np++;
		git_commit_free(parent);
	}
	rc = lw_hist_walk_tree(w, &tree, ptrees, np, seq, id, git_commit_tree_id(commit)->id, 0);
	if (rc == 0 && lw_oidset_insert(&w->seen_trees, git_commit_tree_id(commit)) < 0)
		rc = LW_ENOMEM;
	for (size_t k = 0; k < np; k++)
		lw_htree_release(w, &ptrees[k]);
	free(ptrees);
	lw_htree_release(w, &tree);
	git_commit_free(commit);
	return rc;
}

/* A commit the fast way: parsed from our reader, parents' trees found by
 * their first line, no libgit2 object in sight. */
static int hwalk_commit(hwalker *w, const git_oid *id, uint64_t seq)
{
	hctx *c = w->c;
	hcommit hc;
	lw_obj co, pc;
	htree tree, ptrees_few[8], *ptrees = ptrees_few;
	size_t np = 0;
	int rc = 0, fallback = 0;

	lw_hist_commit_init(&hc);
	if (lw_objreader_read(w->reader, id->id, LW_MAX_TREE_SIZE, &co) != 0)
		return hwalk_commit_libgit2(w, id, seq);
	if (co.type != LW_OBJ_COMMIT || lw_hist_commit_parse(co.data, co.len, &hc) < 0) {
		fallback = 1;
		goto done;
	}
	if (c->opts->since && hc.time < c->opts->since)
		goto done;
	if (hc.nparents > sizeof(ptrees_few) / sizeof(ptrees_few[0]) &&
	    !(ptrees = calloc(hc.nparents, sizeof(*ptrees)))) {
		ptrees = ptrees_few;
		rc = LW_ENOMEM;
		goto done;
	}
	/* every parent's tree first: any doubt, and libgit2 takes the commit */
	for (size_t k = 0; k < hc.nparents; k++) {
		git_oid ptree;
		const unsigned char *p;
		int ok = lw_objreader_read(w->reader, hc.parents[k].id, LW_MAX_TREE_SIZE, &pc) == 0;
		if (ok) {
			p = pc.data;
			ok = pc.type == LW_OBJ_COMMIT && lw_hist_id_line(&p, pc.data + pc.len, "tree ", &ptree);
			lw_obj_release(w->reader, &pc);
		}
		if (ok && lw_htree_read(w, ptree.id, &ptrees[np], 1) == 0) {
			np++;
			continue;
		}
		if (!ok) {
			fallback = 1;
			goto done;
		}
	}
	if (c->opts->scan_messages)
		lw_hist_scan_text(c, w->sc, hc.message, "<commit message>", id, seq);
	w->path.len = 0;
	if (w->path.data)
		w->path.data[0] = '\0';
	if (lw_htree_read(w, hc.tree.id, &tree, 0) == 0) {
		rc = lw_hist_walk_tree(w, &tree, ptrees, np, seq, id, hc.tree.id, 0);
		if (rc == 0 && lw_oidset_insert(&w->seen_trees, &hc.tree) < 0)
			rc = LW_ENOMEM;
		lw_htree_release(w, &tree);
	}
done:
	for (size_t k = 0; k < np; k++)
		lw_htree_release(w, &ptrees[k]);
	if (ptrees != ptrees_few)
		free(ptrees);
	lw_hist_commit_release(&hc);
	lw_obj_release(w->reader, &co);
	return fallback ? hwalk_commit_libgit2(w, id, seq) : rc;
}

/* A walking thread: its repository handle, reader and scanner, lent to
 * each range it walks: its own first, then halves of others' it takes. */
typedef struct hwthread {
	hctx *c;
	hwalker *ws;      /* every range, LW_MAX_RANGES of them */
	size_t *nws;      /* how many are in use; under c->lock */
	size_t first;
	git_repository *repo;
	lw_objreader *reader;
	lw_scanner *sc;
} hwthread;

#define LW_MAX_RANGES 256
/* commits left in a range worth cutting in two */
#define LW_STEAL_MIN 256
/* commits a walker claims at once */
#define LW_CLAIM 16

void lw_hist_walker_init(hwalker *w, hctx *c, const git_oid *ids, size_t lo, size_t hi)
{
	memset(w, 0, sizeof(*w));
	w->c = c;
	w->ids = ids;
	w->lo = w->next = lo;
	w->hi = hi;
	lw_oidset_init_packed(&w->seen_blobs, c->reader ? lw_objreader_store(c->reader) : NULL);
	lw_oidset_init_packed(&w->seen_trees, c->reader ? lw_objreader_store(c->reader) : NULL);
	lw_buf_init(&w->path, LW_MAX_PATH);
}

/* the next commits of range w to walk, [*a, *b); 0 when none are left */
static int hw_claim(hctx *c, hwalker *w, size_t *a, size_t *b)
{
	pthread_mutex_lock(&c->lock);
	*a = w->next;
	*b = w->hi > *a ? (w->hi - *a > LW_CLAIM ? *a + LW_CLAIM : w->hi) : *a;
	w->next = *b;
	pthread_mutex_unlock(&c->lock);
	return *a < *b;
}

/* A thread done with its ranges takes the newer half of what is left of
 * the range with the most left: a range of its own, so the ranges stay
 * contiguous and the merge in range order still gives what one walker
 * would have found. Ranges cut evenly by count finish far apart when
 * commits differ in size. */
static hwalker *hw_steal(hwthread *t)
{
	hctx *c = t->c;
	hwalker *best = NULL, *w = NULL;
	size_t left = 0;

	pthread_mutex_lock(&c->lock);
	for (size_t k = 0; k < *t->nws; k++) {
		hwalker *v = &t->ws[k];
		size_t l = v->hi > v->next && v->rc == 0 ? v->hi - v->next : 0;
		if (l > left) {
			left = l;
			best = v;
		}
	}
	if (best && left >= LW_STEAL_MIN && *t->nws < LW_MAX_RANGES && !c->stop) {
		size_t mid = best->next + left / 2;
		w = &t->ws[(*t->nws)++];
		lw_hist_walker_init(w, c, best->ids, mid, best->hi);
		best->hi = mid;
	}
	pthread_mutex_unlock(&c->lock);
	return w;
}

static void *hwthread_main(void *p)
{
	hwthread *t = p;
	hctx *c = t->c;
	hwalker *w = &t->ws[t->first];
	size_t a, b;

	while (w) {
		w->repo = t->repo;
		w->reader = t->reader;
		w->sc = t->sc;
		while (w->rc == 0 && hw_claim(c, w, &a, &b)) {
			for (size_t i = a; i < b && w->rc == 0; i++) {
				if ((c->opts->cancel && *c->opts->cancel) || c->stop)
					return NULL;
				w->rc = hwalk_commit(w, &w->ids[i], i);
				lw_hist_count(c, &c->st->commits, 1);
			}
		}
		w = hw_steal(t);
	}
	return NULL;
}

static int hwalker_cmp(const void *a, const void *b)
{
	const hwalker *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static void hwalker_dispose(hwalker *w)
{
	for (size_t i = 0; i < w->nbatch; i++)
		free(w->batch[i].path);
	free(w->batch);
	free(w->batch_key);
	lw_oidset_release(&w->seen_blobs);
	lw_oidset_release(&w->seen_trees);
	lw_hashset_release(&w->placed);
	for (size_t i = 0; i < w->nalias; i++)
		free(w->alias[i].path);
	free(w->alias);
	lw_hist_places_dispose(w->place, w->nplace);
	lw_buf_release(&w->path);
}

/* The walkers' notes in range order into c->batch: a blob an older range
 * saw is dropped from the newer ones. */
static int hwalker_merge(hctx *c, hwalker *ws, size_t nw)
{
	size_t total = 0;
	int oom = 0;

	for (size_t k = 0; k < nw; k++)
		total += ws[k].nbatch;
	c->batch = calloc(total ? total : 1, sizeof(hjob));
	c->batch_key = calloc(total ? total : 1, sizeof(uint64_t));
	if (!c->batch || !c->batch_key)
		return LW_ENOMEM;
	c->capbatch = total;
	for (size_t k = 0; k < nw; k++) {
		for (size_t i = 0; i < ws[k].nbatch; i++) {
			hjob *j = &ws[k].batch[i];
			int older = 0;
			for (size_t m = 0; m < k && !older; m++)
				older = lw_oidset_contains(&ws[m].seen_blobs, &j->blob);
			if (older) {
				/* its first path, for `present`, is in the older range;
				 * this one is another place of the blob */
				if (lw_hist_place_note(&ws[k], &j->blob, &j->commit, j->seq, j->path) < 0)
					oom = 1;
				if (!c->track_paths)
					free(j->path);
				else if (hw_alias(&ws[k], &j->blob, j->path, 0) < 0)
					oom = 1;
				continue;
			}
			c->batch_key[c->nbatch] = ws[k].batch_key[i];
			c->batch[c->nbatch++] = *j;
		}
		ws[k].nbatch = 0;
	}
	size_t nalias = 0;
	for (size_t k = 0; k < nw; k++)
		nalias += ws[k].nalias;
	if (oom)
		return LW_ENOMEM;
	if (nalias && !(c->alias = calloc(nalias, sizeof(halias))))
		return LW_ENOMEM;
	for (size_t k = 0; k < nw && nalias; k++) {
		if (ws[k].nalias)
			memcpy(c->alias + c->nalias, ws[k].alias, ws[k].nalias * sizeof(halias));
		c->nalias += ws[k].nalias;
		ws[k].nalias = 0;
	}
	return lw_hist_places_merge(c, ws, nw);
}

int lw_hist_walk(hctx *c, const git_oid *ids, size_t n, unsigned nwalkers)
{
	hwthread ts[64];
	pthread_t th[64];
	size_t nw = nwalkers < 1 ? 1 : nwalkers > 64 ? 64 : nwalkers, nws;
	/* one more: the refs to trees and blobs (history_roots.c) */
	hwalker *ws = calloc(LW_MAX_RANGES + 1, sizeof(hwalker));
	int rc = 0;

	if (!ws)
		return LW_ENOMEM;
	/* a walker needs enough commits to be worth its start-up */
	if (n / nw < 256)
		nw = n / 256 > 1 ? n / 256 : 1;
	memset(ts, 0, sizeof(ts));
	lw_objreader_set_cache(c->reader, LW_SHARE_CACHE(LW_WALKERS_CACHE, nw));
	for (size_t k = 0; k < nw; k++) {
		lw_hist_walker_init(&ws[k], c, ids, n * k / nw, n * (k + 1) / nw);
		ts[k] = (hwthread){ c, ws, &nws, k, c->repo, c->reader, c->sc };
		if (k == 0)
			continue;
		lw_error err = { 0 };
		ts[k].sc = NULL;
		if (lw_hist_open(&ts[k].repo, &ts[k].reader, LW_SHARE_CACHE(LW_WALKERS_CACHE, nw), c, &err) < 0 ||
		    lw_scanner_new(&ts[k].sc, c->rs, &c->opts->scan) < 0) {
			/* fewer walkers: the last one started takes this one's commits */
			git_repository_free(ts[k].repo);
			hwalker_dispose(&ws[k]);
			nw = k;
			ws[nw - 1].hi = n;
			break;
		}
	}
	nws = nw;
	size_t started = 1;
	for (size_t k = 1; k < nw; k++, started++)
		if (pthread_create(&th[k], NULL, hwthread_main, &ts[k]) != 0)
			break; /* walked here after the first */
	hwthread_main(&ts[0]);
	for (size_t k = started; k < nw; k++)
		hwthread_main(&ts[k]);
	for (size_t k = 1; k < started; k++)
		pthread_join(th[k], NULL);
	for (size_t k = 0; k < nws && rc == 0; k++)
		rc = ws[k].rc;
	/* the walkers' readers are done: their caches need not outlive them */
	lw_objreader_set_cache(c->reader, LW_IDLE_CACHE);
	for (size_t k = 1; k < nw; k++) {
		lw_scanner_free(ts[k].sc);
		git_repository_free(ts[k].repo);
	}
	for (size_t k = 0; k < nws; k++) {
		ws[k].repo = NULL;
		ws[k].reader = NULL;
		ws[k].sc = NULL;
	}
	qsort(ws, nws, sizeof(hwalker), hwalker_cmp);
	/* after every commit: a blob a commit also holds is the commit's */
	if (rc == 0 && c->nroots) {
		lw_hist_walker_init(&ws[nws], c, ids, n, n);
		ws[nws].repo = c->repo;
		ws[nws].reader = c->reader;
		ws[nws].sc = c->sc;
		rc = lw_hist_walk_roots(&ws[nws++], n);
	}
	if (rc == 0)
		rc = hwalker_merge(c, ws, nws);
	for (size_t k = 0; k < nws; k++)
		hwalker_dispose(&ws[k]);
	free(ws);
	return rc;
}
