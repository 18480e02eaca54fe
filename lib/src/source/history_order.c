/*
 * history_order.c - the commits to walk, in order, found by a revision
 * walk of our own: for every walk that hides
 * nothing (an audit of every ref, or of named revisions), and for what
 * libgit2 1.5's cannot walk: shallow clones (it ignores .git/shallow) and
 * repositories with a missing commit. Commits reachable from the plan's
 * pushed ids and not from its hidden ones come out oldest first: every
 * parent before its children, and among commits ready at once, the older
 * commit time first. Commits are parsed from our reader: libgit2's walk
 * spent 7 us a commit copying and parsing them.
 */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

typedef struct wnode {
	git_oid id;
	int64_t time;
	uint32_t *parents; /* indices of parents in the set */
	uint32_t nparents;
	uint32_t pending;  /* parents not yet emitted */
	uint32_t *children;
	uint32_t nchildren, capchildren;
} wnode;

typedef struct wctx {
	git_repository *repo;
	lw_objreader *reader;
	lw_oidset hidden;
	wnode *nodes;
	size_t n, cap;
	lw_oidmap index; /* id -> its node */
} wctx;

static long w_find(const wctx *w, const git_oid *id)
{
	uint32_t i;

	return lw_oidmap_find(&w->index, id, &i) ? (long)i : -1;
}

static long w_add(wctx *w, const git_oid *id)
{
	if (w->n >= UINT32_MAX)
		return -1;
	if (LW_GROW(w->nodes, w->cap, w->n, 1024) < 0)
		return -1;
	if (lw_oidmap_put(&w->index, id, (uint32_t)w->n) < 0)
		return -1;
	memset(&w->nodes[w->n], 0, sizeof(wnode));
	w->nodes[w->n].id = *id;
	return (long)w->n++;
}

/* Everything reachable from `id` that can be read goes into `set`. */
static int w_mark(wctx *w, const git_oid *start, lw_oidset *set)
{
	git_oid *stack = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;

	if (lw_oidset_insert(set, start) <= 0)
		return 0;
	stack = malloc(64 * sizeof(git_oid));
	if (!stack)
		return LW_ENOMEM;
	cap = 64;
	stack[n++] = *start;
	while (n && rc == 0) {
		git_oid id = stack[--n];
		git_commit *cm = NULL;
		if (git_commit_lookup(&cm, w->repo, &id) < 0) {
			git_error_clear();
			continue;
		}
		for (unsigned k = 0; k < git_commit_parentcount(cm); k++) {
			const git_oid *p = git_commit_parent_id(cm, k);
			int ins = lw_oidset_insert(set, p);
			if (ins < 0) {
				rc = LW_ENOMEM;
				break;
			}
			if (!ins)
				continue;
			if (n == cap) {
				git_oid *v = lw_reallocarray(stack, cap * 2, sizeof(git_oid));
				if (!v) {
					rc = LW_ENOMEM;
					break;
				}
				stack = v;
				cap *= 2;
			}
			stack[n++] = *p;
		}
		git_commit_free(cm);
	}
	free(stack);
	return rc;
}

typedef struct wglob {
	wctx *w;
	int hide;
	lw_oidlist *tips;
} wglob;

static int w_glob_ref(git_reference *ref, void *payload)
{
	wglob *g = payload;
	git_object *obj = NULL;

	if (git_reference_peel(&obj, ref, GIT_OBJECT_COMMIT) == 0) {
		if (g->hide) {
			w_mark(g->w, git_object_id(obj), &g->w->hidden);
		} else {
			git_oid *v = lw_reallocarray(g->tips->v, g->tips->n + 1, sizeof(git_oid));
			if (v) {
				g->tips->v = v;
				v[g->tips->n++] = *git_object_id(obj);
			}
		}
	}
	git_error_clear();
	git_object_free(obj);
	git_reference_free(ref);
	return 0;
}

static void w_globs(wctx *w, const lw_strlist *globs, int hide, lw_oidlist *tips)
{
	wglob g = { w, hide, tips };
	char pat[1024];

	for (size_t i = 0; i < globs->n; i++) {
		const char *gl = globs->v[i];
		snprintf(pat, sizeof(pat), "%s%s", strncmp(gl, "refs/", 5) ? "refs/" : "", gl);
		git_reference_iterator *it = NULL;
		git_reference *ref;
		if (git_reference_iterator_glob_new(&it, w->repo, pat) < 0)
			continue;
		while (git_reference_next(&ref, it) == 0)
			w_glob_ref(ref, &g);
		git_reference_iterator_free(it);
		git_error_clear();
	}
}

/* A commit's time and parents: parsed from our reader when it is well
 * formed, else through libgit2 (which judges malformed commits). */
static int w_read(wctx *w, const git_oid *id, hcommit *hc)
{
	lw_obj o;
	git_commit *cm = NULL;

	hc->nparents = 0;
	if (lw_objreader_read(w->reader, id->id, LW_MAX_TREE_SIZE, &o) == 0) {
		int ok = o.type == LW_OBJ_COMMIT && lw_hist_commit_parse(o.data, o.len, hc) == 0;
		lw_obj_release(w->reader, &o);
		if (ok)
			return 0;
	}
	if (git_commit_lookup(&cm, w->repo, id) < 0) {
		git_error_clear();
		return -1;
	}
	hc->time = git_commit_time(cm);
	hc->nparents = 0;
	for (unsigned k = 0; k < git_commit_parentcount(cm); k++)
		if (lw_hist_commit_add_parent(hc, git_commit_parent_id(cm, k)) < 0) {
			git_commit_free(cm);
			return LW_ENOMEM;
		}
	git_commit_free(cm);
	return 0;
}

static int w_exists(wctx *w, const git_oid *id)
{
	git_odb *odb = NULL;
	int exists;

	if (lw_objstore_exists(lw_objreader_store(w->reader), id->id))
		return 1;
	exists = git_repository_odb(&odb, w->repo) == 0 && git_odb_exists(odb, id);
	git_odb_free(odb);
	return exists;
}

static int w_collect(wctx *w, const lw_oidlist *tips)
{
	hcommit hc;
	size_t *stack = NULL, n = 0, cap = 0;
	int rc = 0;

	for (size_t i = 0; i < tips->n; i++) {
		if (lw_oidset_contains(&w->hidden, &tips->v[i]) || w_find(w, &tips->v[i]) >= 0)
			continue;
		if (w_add(w, &tips->v[i]) < 0)
			return LW_ENOMEM;
	}
	cap = w->n + 64;
	stack = malloc(cap * sizeof(size_t));
	if (!stack)
		return LW_ENOMEM;
	for (size_t i = 0; i < w->n; i++)
		stack[n++] = i;
	lw_hist_commit_init(&hc);
	while (n && rc == 0) {
		size_t idx = stack[--n];
		int r = w_read(w, &w->nodes[idx].id, &hc);
		if (r == LW_ENOMEM) {
			rc = r;
			break;
		}
		if (r < 0)
			continue; /* unreadable: hwalk_commit names it when it is visited */
		w->nodes[idx].time = hc.time;
		w->nodes[idx].parents = calloc(hc.nparents ? hc.nparents : 1, sizeof(uint32_t));
		if (!w->nodes[idx].parents) {
			rc = LW_ENOMEM;
			break;
		}
		for (size_t k = 0; k < hc.nparents; k++) {
			const git_oid *p = &hc.parents[k];
			if (lw_oidset_contains(&w->hidden, p))
				continue;
			long pi = w_find(w, p);
			if (pi < 0) {
				if (!w_exists(w, p))
					continue; /* shallow boundary or missing: stepped over */
				if ((pi = w_add(w, p)) < 0) {
					rc = LW_ENOMEM;
					break;
				}
				if (n == cap) {
					size_t *v = lw_reallocarray(stack, cap * 2, sizeof(size_t));
					if (!v) {
						rc = LW_ENOMEM;
						break;
					}
					stack = v;
					cap *= 2;
				}
				stack[n++] = (size_t)pi;
			}
			w->nodes[idx].parents[w->nodes[idx].nparents++] = (uint32_t)pi;
		}
	}
	lw_hist_commit_release(&hc);
	free(stack);
	return rc;
}

/* min-heap of node indices by (time, index) */
static int w_less(const wctx *w, uint32_t a, uint32_t b)
{
	if (w->nodes[a].time != w->nodes[b].time)
		return w->nodes[a].time < w->nodes[b].time;
	return a > b; /* later-found (older side of the walk) first on ties */
}

static void w_heap_push(const wctx *w, uint32_t *h, size_t *n, uint32_t v)
{
	size_t i = (*n)++;

	h[i] = v;
	while (i && w_less(w, h[i], h[(i - 1) / 2])) {
		uint32_t t = h[i];
		h[i] = h[(i - 1) / 2];
		h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static uint32_t w_heap_pop(const wctx *w, uint32_t *h, size_t *n)
{
	uint32_t top = h[0];
	size_t i = 0;

	h[0] = h[--(*n)];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < *n && w_less(w, h[l], h[m]))
			m = l;
		if (r < *n && w_less(w, h[r], h[m]))
			m = r;
		if (m == i)
			break;
		uint32_t t = h[i];
		h[i] = h[m];
		h[m] = t;
		i = m;
	}
	return top;
}

static int w_order(wctx *w, git_oid **out, size_t *nout)
{
	uint32_t *heap = malloc((w->n + 1) * sizeof(uint32_t));
	git_oid *ids = malloc((w->n + 1) * sizeof(git_oid));
	size_t hn = 0, k = 0;

	if (!heap || !ids) {
		free(heap);
		free(ids);
		return LW_ENOMEM;
	}
	for (size_t i = 0; i < w->n; i++) {
		wnode *nd = &w->nodes[i];
		nd->pending = nd->nparents;
		for (uint32_t p = 0; p < nd->nparents; p++) {
			wnode *pn = &w->nodes[nd->parents[p]];
			if (pn->nchildren == pn->capchildren) {
				uint32_t cap = pn->capchildren ? pn->capchildren * 2 : 2;
				uint32_t *v = lw_reallocarray(pn->children, cap, sizeof(uint32_t));
				if (!v) {
					free(heap);
					free(ids);
					return LW_ENOMEM;
				}
				pn->children = v;
				pn->capchildren = cap;
			}
			pn->children[pn->nchildren++] = (uint32_t)i;
		}
	}
	for (size_t i = 0; i < w->n; i++)
		if (!w->nodes[i].pending)
			w_heap_push(w, heap, &hn, (uint32_t)i);
	while (hn) {
		uint32_t i = w_heap_pop(w, heap, &hn);
		ids[k++] = w->nodes[i].id;
		for (uint32_t c = 0; c < w->nodes[i].nchildren; c++) {
			wnode *ch = &w->nodes[w->nodes[i].children[c]];
			if (--ch->pending == 0)
				w_heap_push(w, heap, &hn, w->nodes[i].children[c]);
		}
	}
	free(heap);
	*out = ids;
	*nout = k;
	return 0;
}

int lw_hist_order(git_repository *repo, lw_objreader *reader, const hplan *c, git_oid **out,
	size_t *nout)
{
	wctx w;
	lw_oidlist tips = { NULL, 0 };
	int rc;

	memset(&w, 0, sizeof(w));
	w.repo = repo;
	w.reader = reader;
	lw_oidset_init(&w.hidden);
	*out = NULL;
	*nout = 0;
	for (size_t i = 0; i < c->hide.n; i++)
		w_mark(&w, &c->hide.v[i], &w.hidden);
	w_globs(&w, &c->hide_globs, 1, NULL);
	tips.v = malloc((c->push.n + 1) * sizeof(git_oid));
	if (!tips.v) {
		rc = LW_ENOMEM;
		goto done;
	}
	if (c->push.n)
		memcpy(tips.v, c->push.v, c->push.n * sizeof(git_oid));
	tips.n = c->push.n;
	w_globs(&w, &c->push_globs, 0, &tips);
	if ((rc = w_collect(&w, &tips)) == 0)
		rc = w_order(&w, out, nout);
done:
	for (size_t i = 0; i < w.n; i++) {
		free(w.nodes[i].parents);
		free(w.nodes[i].children);
	}
	free(w.nodes);
	lw_oidmap_release(&w.index);
	free(tips.v);
	lw_oidset_release(&w.hidden);
	return rc;
}
