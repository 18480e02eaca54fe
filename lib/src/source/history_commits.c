#define _GNU_SOURCE
/*
 * history_commits.c - the walk over commits: each commit read (from our
 * reader, or libgit2 for anything unusual) and its tree compared with its
 * parents' (history_trees.c), then the refs to trees and blobs, then the
 * walkers' notes merged into the jobs.
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
		lw_hsink_diag(&c->out, NULL, "cannot read commit %s: %s", hex,
			git_error_last() ? git_error_last()->message : "?");
		lw_hsink_count(&c->out, &c->st->errors, 1);
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
				lw_hsink_diag(&c->out, NULL, "shallow clone: history before commit %s is missing; "
					"what it holds is attributed to it", hex);
				lw_hsink_count(&c->out, &c->st->shallow_boundaries, 1);
			} else {
				char phex[GIT_OID_HEXSZ + 1];
				git_oid_tostr(phex, sizeof(phex), git_commit_parent_id(commit, k));
				lw_hsink_diag(&c->out, NULL, "cannot read commit %s (parent of %s): %s", phex, hex,
					git_error_last() ? git_error_last()->message : "object missing");
				lw_hsink_count(&c->out, &c->st->errors, 1);
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
	size_t *nws;      /* how many are in use; under c->out.lock */
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
	pthread_mutex_lock(&c->out.lock);
	*a = w->next;
	*b = w->hi > *a ? (w->hi - *a > LW_CLAIM ? *a + LW_CLAIM : w->hi) : *a;
	w->next = *b;
	pthread_mutex_unlock(&c->out.lock);
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

	pthread_mutex_lock(&c->out.lock);
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
	pthread_mutex_unlock(&c->out.lock);
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
				lw_hsink_count(&c->out, &c->st->commits, 1);
			}
		}
		/* the range is walked (a thief takes only what is not claimed):
		 * only its new blobs and the blobs it saw are needed any more,
		 * by the merge. Its (object, path) pairs were the largest part of
		 * a long history's walk, held for every range till the end. */
		lw_hashset_release(&w->placed);
		lw_oidset_release(&w->seen_trees);
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
	for (size_t i = 0; i < w->jobs.nblocks; i++)
		lw_hist_block_free(w->jobs.blocks[i]);
	free(w->jobs.blocks);
	lw_oidset_release(&w->seen_blobs);
	lw_oidset_release(&w->seen_trees);
	lw_hashset_release(&w->placed);
	for (size_t i = 0; i < w->nalias; i++)
		free(w->alias[i].path);
	free(w->alias);
	lw_hist_places_dispose(w->place, w->nplace);
	lw_buf_release(&w->path);
}

static int place_cmp(const void *a, const void *b)
{
	const hplace *x = a, *y = b;
	int c = git_oid_cmp(&x->blob, &y->blob);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int path_allowed_globally(const lw_ruleset *rs, const char *path, pcre2_match_data *md)
{
	return lw_path_list_matches(&rs->allow.paths, path, strlen(path), md);
}

/* A job scanned at a path the configuration allows would find nothing for
 * its other paths either: it is scanned at the oldest path not allowed. */
static int job_pick_path(hctx *h, hjobrec *j, size_t first, size_t n, pcre2_match_data *md)
{
	hsink *c = &h->out;
	const char *path = lw_pathtab_get(&h->paths, j->path);

	if (!md || !path_allowed_globally(c->rs, path, md))
		return 0;
	for (size_t k = first; k < first + n; k++) {
		hplace *p = &c->place[k];
		uint32_t pid;
		if (path_allowed_globally(c->rs, p->path, md))
			continue;
		if (lw_pathtab_intern(&h->paths, p->path, strlen(p->path), &pid) < 0)
			return LW_ENOMEM;
		hplace was = { j->blob, *lw_hist_commit_of(h, j->seq), j->seq, path };
		j->path = pid;
		j->seq = p->seq;
		*p = was;
		return 0;
	}
	return 0;
}

/* The walkers' places (history_place.c), in one list sorted by blob, and each job's share
 * of it. Takes the walkers' lists. */
static int hw_places_merge(hctx *h, hwalker *ws, size_t nw)
{
	hsink *c = &h->out;
	size_t total = 0;

	for (size_t k = 0; k < nw; k++)
		total += ws[k].nplace;
	if (total == 0)
		return 0;
	if (!(c->place = calloc(total, sizeof(hplace))))
		return LW_ENOMEM;
	for (size_t k = 0; k < nw; k++) {
		if (ws[k].nplace)
			memcpy(c->place + c->nplace, ws[k].place, ws[k].nplace * sizeof(hplace));
		c->nplace += ws[k].nplace;
		free(ws[k].place);
		ws[k].place = NULL;
		ws[k].nplace = ws[k].capplace = 0;
	}
	qsort(c->place, c->nplace, sizeof(hplace), place_cmp);
	if (!c->rs->allow.paths.n)
		return 0;
	/* each job's places are found again by its worker (lw_hist_places_of) */
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	int rc = 0;
	for (size_t i = 0; i < h->jobs.n && rc == 0; i++) {
		hjobrec *j = &h->jobs.v[i];
		size_t first, n;
		lw_hist_places_of(c, &j->blob, &first, &n);
		if (n)
			rc = job_pick_path(h, j, first, n, md);
	}
	pcre2_match_data_free(md);
	return rc;
}

/* A walker's commits done: notes what a tree or blob ref holds (c->roots),
 * at seq first_seq onwards. A blob's path is the ref's name; a tree's
 * entries are `REF:PATH`, git's own notation. */
static int hw_walk_roots(hwalker *w, uint64_t first_seq)
{
	hctx *c = w->c;
	int rc = 0;

	for (size_t i = 0; i < c->nroots && rc == 0; i++) {
		hroot *r = &c->roots[i];
		uint64_t seq = first_seq + i;
		htree t;

		if ((c->opts->cancel && *c->opts->cancel) || c->stop)
			break;
		w->path.len = 0;
		if (!r->is_tree) {
			int ins = lw_oidset_insert(&w->seen_blobs, &r->id);
			if (ins < 0)
				rc = LW_ENOMEM;
			else if (ins > 0 && !(c->own_store && lw_objstore_exists(c->own_store, r->id.id)))
				rc = lw_hist_push(w, &r->id, seq, r->name);
			continue;
		}
		lw_buf_put(&w->path, r->name, strlen(r->name));
		lw_buf_putc(&w->path, ':');
		if (lw_oidset_contains(&w->seen_trees, &r->id) || lw_htree_read(w, r->id.id, &t, 0) < 0)
			continue;
		rc = lw_hist_walk_tree(w, &t, NULL, 0, seq, &r->tag, r->id.id, 0);
		lw_htree_release(w, &t);
		if (rc == 0 && lw_oidset_insert(&w->seen_trees, &r->id) < 0)
			rc = LW_ENOMEM;
	}
	w->path.len = 0;
	return rc;
}

/* The walkers' notes in range order into c->jobs.v: a blob an older range
 * saw is dropped from the newer ones. Each block of a walker's jobs is
 * freed once copied, so the jobs are held about once, not twice. */
static int hwalker_merge(hctx *c, hwalker *ws, size_t nw)
{
	size_t total = 0;
	int oom = 0;

	for (size_t k = 0; k < nw; k++)
		total += ws[k].jobs.n;
	/* pages of the array are touched only as jobs are copied in */
	c->jobs.v = malloc((total ? total : 1) * sizeof(hjobrec));
	if (!c->jobs.v)
		return LW_ENOMEM;
	for (size_t k = 0; k < nw; k++) {
		hjoblist *l = &ws[k].jobs;
		for (size_t b = 0; b < l->nblocks; b++) {
			size_t nb = b + 1 < l->nblocks ? LW_HJOB_BLOCK : l->n - b * LW_HJOB_BLOCK;
			for (size_t i = 0; i < nb && !oom; i++) {
				hjobrec *j = &l->blocks[b][i];
				int older = 0;
				for (size_t m = 0; m < k && !older; m++)
					older = lw_oidset_contains(&ws[m].seen_blobs, &j->blob);
				if (!older) {
					c->jobs.v[c->jobs.n++] = *j;
					continue;
				}
				/* its first path, for `present`, is in the older range;
				 * this one is another place of the blob */
				const char *path = lw_pathtab_get(&c->paths, j->path);
				char *alias;
				if (lw_hist_place_note(&ws[k], &j->blob, lw_hist_commit_of(c, j->seq), j->seq, path) < 0)
					oom = 1;
				else if (c->track_paths && (!(alias = lw_strdup(path)) ||
					 lw_hist_note_alias(&ws[k], &j->blob, alias, 0) < 0))
					oom = 1;
			}
			lw_hist_block_free(l->blocks[b]);
			l->blocks[b] = NULL;
		}
		l->nblocks = l->n = 0;
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
	return hw_places_merge(c, ws, nw);
}

int lw_hist_walk(hctx *c, const git_oid *ids, size_t n, unsigned nwalkers)
{
	hwthread ts[64];
	pthread_t th[64];
	size_t nw = nwalkers < 1 ? 1 : nwalkers > 64 ? 64 : nwalkers, nws;
	/* one more: the refs to trees and blobs (hw_walk_roots) */
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
		rc = hw_walk_roots(&ws[nws++], n);
	}
	if (rc == 0)
		rc = hwalker_merge(c, ws, nws);
	for (size_t k = 0; k < nws; k++)
		hwalker_dispose(&ws[k]);
	free(ws);
	return rc;
}
