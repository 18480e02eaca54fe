/*
 * history_roots.c - refs that name a tree or a blob (straight, or through
 * annotated tags). No commit holds what they name, yet `git clone` and
 * `git fetch --tags` transfer them: they are walked after every commit, so
 * that a blob a commit also holds keeps the commit's attribution. A blob's
 * path is the ref's name; a tree's entries are `REF:PATH`, git's own
 * notation. Findings carry the annotated tag as their provenance, or no
 * commit at all.
 */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

int lw_hist_add_root(hctx *c, const git_object *obj, const char *name)
{
	git_object *target = NULL;
	git_oid tag;
	hroot *v;
	int rc = 0;

	memset(&tag, 0, sizeof(tag));
	if (git_object_type(obj) == GIT_OBJECT_TAG) {
		tag = *git_object_id(obj);
		if (git_object_peel(&target, obj, GIT_OBJECT_ANY) < 0)
			return -1;
		/* tags of tags: peel to the end */
		while (git_object_type(target) == GIT_OBJECT_TAG) {
			git_object *next = NULL;
			if (git_object_peel(&next, target, GIT_OBJECT_ANY) < 0) {
				git_object_free(target);
				return -1;
			}
			git_object_free(target);
			target = next;
		}
		obj = target;
	}
	if (git_object_type(obj) != GIT_OBJECT_TREE && git_object_type(obj) != GIT_OBJECT_BLOB)
		goto done;
	for (size_t i = 0; i < c->nroots; i++)
		if (git_oid_equal(&c->roots[i].id, git_object_id(obj))) {
			rc = 1; /* one walk is enough; the first name is kept */
			goto done;
		}
	if (!(v = lw_reallocarray(c->roots, c->nroots + 1, sizeof(*v)))) {
		rc = LW_ENOMEM;
		goto done;
	}
	c->roots = v;
	v[c->nroots] = (hroot){ *git_object_id(obj), tag, git_object_type(obj) == GIT_OBJECT_TREE,
		lw_strdup(name) };
	if (!v[c->nroots].name) {
		rc = LW_ENOMEM;
		goto done;
	}
	c->nroots++;
	rc = 1;
done:
	git_object_free(target);
	return rc;
}

int lw_hist_walk_roots(hwalker *w, uint64_t first_seq)
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
				rc = lw_hist_push(w, &r->id, &r->tag, seq, r->name);
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
