/*
 * store_tips.c - the ref tips an incremental audit starts from and ends at:
 * the repository's tips now, whether the tips recorded last time are still
 * in its history (a force-push or a deleted branch takes them out).
 * `present` at the new tips is store_present.c's.
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
