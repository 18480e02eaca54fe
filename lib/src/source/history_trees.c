#define _GNU_SOURCE
/*
 * history_trees.c - one commit's tree against its parents' trees: entries
 * read in place (objtree.c) and matched by merge cursors, every blob never
 * seen before noted with the commit and path that brought it (a job), and
 * every object met again at a new path noted as a place of the blob (and
 * an alias, for `present`).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "source/history.h"

int lw_hist_note_alias(hwalker *w, const git_oid *id, char *path, int is_tree)
{
	if (LW_GROW(w->alias, w->capalias, w->nalias, 256) < 0) {
		free(path);
		return LW_ENOMEM;
	}
	w->alias[w->nalias++] = (halias){ *id, path, is_tree };
	return 0;
}

int lw_hist_place_note(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path)
{
	if (LW_GROW(w->place, w->capplace, w->nplace, 256) < 0)
		return LW_ENOMEM;
	uint32_t pid;
	const char *p = NULL;
	if (lw_hist_path_id(w->c, path, strlen(path), &pid, &p) < 0)
		return LW_ENOMEM;
	w->place[w->nplace++] = (hplace){ *blob, *commit, seq, p };
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
	rc = lw_hist_note_alias(w, id, path, is_tree);
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
	const char *why = NULL;

	if (lw_repo_tree_read(w->repo, w->reader, id, t, &why) == 0)
		return 0;
	if (quiet)
		return -1;
	git_oid_tostr(hex, sizeof(hex), (const git_oid *)id);
	lw_hsink_diag(&c->out, lw_buf_cstr(&w->path), "cannot read tree %s: %s", hex, why);
	lw_hsink_count(&c->out, &c->st->errors, 1);
	return -1;
}

void lw_htree_release(hwalker *w, htree *t)
{
	lw_repo_tree_release(w->reader, t);
}

/* A cursor over a parent tree, advanced in step with the child's entries:
 * both are in git's tree order, so matching is one merge pass. */
typedef struct hcursor {
	const unsigned char *p, *end;
	const unsigned char *at; /* where e starts */
	lw_tree_entry e;
	int valid;
	int matched; /* e was a child entry's match: what follows is next */
} hcursor;

static void hcursor_next(hcursor *k)
{
	k->at = k->p;
	k->matched = 0;
	k->valid = lw_tree_next(&k->p, k->end, &k->e) == 1;
}

/* how many bytes a and b have in common from their start, up to n */
static size_t hw_common(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i = 0;

#if defined(__SSE2__)
	for (; i + 16 <= n; i += 16) {
		__m128i x = _mm_loadu_si128((const __m128i *)(const void *)(a + i));
		__m128i y = _mm_loadu_si128((const __m128i *)(const void *)(b + i));
		unsigned diff = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, y)) ^ 0xffffu;
		if (diff)
			return i + (size_t)__builtin_ctz(diff);
	}
#endif
	for (; i + 8 <= n; i += 8) {
		uint64_t x, y;
		memcpy(&x, a + i, 8);
		memcpy(&y, b + i, 8);
		if (x != y) {
			while (a[i] == b[i])
				i++;
			return i;
		}
	}
	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* Most of a changed tree is its parent's entries, byte for byte (an entry
 * is its mode, name and id): those are unchanged and skipped in one
 * compare, with the parent's cursor moved past them, instead of entry by
 * entry through names and ids. Entries are still parsed, so a malformed
 * one is met where it was. Returns where the child's walk goes on. */
static const unsigned char *hw_skip_same(hcursor *k, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = k->matched ? k->p : k->at, *s = p;
	size_t n = (size_t)(end - p) < (size_t)(k->end - q) ? (size_t)(end - p) : (size_t)(k->end - q);
	size_t same = hw_common(p, q, n);
	lw_tree_entry e;

	for (;;) {
		const unsigned char *t = s;
		if (lw_tree_next(&t, end, &e) != 1 || (size_t)(t - p) > same)
			break;
		s = t;
	}
	if (s != p) {
		k->p = q + (s - p);
		hcursor_next(k);
	}
	return s;
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
		if (c == 0) {
			k->matched = 1;
			return &k->e;
		}
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
		lw_hsink_diag(&c->out, lw_buf_cstr(&shown), "a tree at a path longer than %d bytes; what it holds "
			"was not scanned", LW_MAX_PATH);
		lw_hsink_count(&c->out, &c->st->errors, 1);
	} else if ((ins = lw_oidset_insert(&w->seen_blobs, id)) < 0) {
		rc = LW_ENOMEM;
	} else if (ins > 0 && !hwalk_is_known(c, id, GIT_OBJECT_BLOB)) {
		lw_hsink_diag(&c->out, lw_buf_cstr(&shown), "path longer than %d bytes: scanned, shown shortened",
			LW_MAX_PATH);
		rc = lw_hist_push(w, id, seq, lw_buf_cstr(&shown));
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
	int rc = 0, more = 0;
	/* the directory's part of its entries' (object, path) hashes */
	uint64_t hdir = lw_path_hash_more(LW_PATH_HASH_INIT, w->path.data, base);

	if (!cur || !pe) {
		rc = LW_ENOMEM;
		goto done;
	}
	if (depth > LW_MAX_TREE_DEPTH) {
		lw_hsink_diag(&c->out, lw_buf_cstr(&w->path),
			"trees nested deeper than %d levels; the deeper part was not scanned",
			LW_MAX_TREE_DEPTH);
		lw_hsink_count(&c->out, &c->st->errors, 1);
		goto done;
	}
	for (size_t k = 0; k < np; k++) {
		cur[k].p = parents[k].data;
		cur[k].end = parents[k].data + parents[k].len;
		hcursor_next(&cur[k]);
	}
	while (rc == 0) {
		if (np && cur[0].valid)
			p = hw_skip_same(&cur[0], p, end);
		if ((more = lw_tree_next(&p, end, &e)) != 1)
			break;
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
			lw_hsink_count(&c->out, &c->st->gitlinks, 1);
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
				rc = lw_hist_push(w, id, seq, lw_buf_cstr(&w->path));
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
		lw_hsink_diag(&c->out, base ? lw_buf_cstr(&w->path) : NULL,
			"tree %s is malformed; the entries after the damage were not scanned", hex);
		lw_hsink_count(&c->out, &c->st->errors, 1);
	}
done:
	w->path.len = base;
	if (w->path.data)
		w->path.data[base] = '\0';
	if (cur != cur_stack)
		free(cur);
	if (pe != pe_stack)
		free(pe);
	return rc;
}

