/* repo_open.c - a repository opened with our object reader installed, and
 * trees read through it (history walk and `present`). */
#include <string.h>

#include "internal.h"
#include "odb/objstore_git.h"
#include "odb/repo_open.h"

int lw_repo_open(git_repository **out, lw_objreader **reader, const char *repo_path,
	const char *const *object_dirs, size_t nobject_dirs, size_t cache, lw_error *err)
{
	int rc;

	*out = NULL;
	rc = repo_path ? git_repository_open_ext(out, repo_path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL)
		       : git_repository_open_ext(out, NULL, GIT_REPOSITORY_OPEN_FROM_ENV, NULL);
	if (rc < 0) {
		const git_error *e = git_error_last();
		return lw_error_set(err, LW_EIO, "%s: not a git repository (%s)",
			repo_path ? repo_path : ".", e ? e->message : "unknown error");
	}
	/* Quarantined objects are added by us, not through
	 * GIT_ALTERNATE_OBJECT_DIRECTORIES, which libgit2 splits on ':' without
	 * git's quoting. */
	if ((rc = lw_objstore_install(*out, !repo_path, object_dirs, nobject_dirs, reader, cache,
		     err)) < 0) {
		git_repository_free(*out);
		*out = NULL;
		return rc;
	}
	return 0;
}

int lw_repo_tree_read(git_repository *repo, lw_objreader *reader, const unsigned char *id,
	lw_repo_tree *t, const char **why)
{
	int rc;

	memset(t, 0, sizeof(*t));
	rc = lw_objreader_read(reader, id, LW_MAX_TREE_SIZE, &t->obj);
	if (rc == 0 && t->obj.type == LW_OBJ_TREE) {
		t->data = t->obj.data;
		t->len = t->obj.len;
		return 0;
	}
	if (rc == 0) {
		lw_obj_release(reader, &t->obj);
		*why = "the object is not a tree";
		return -1;
	}
	if (rc == LW_OBJ_MISSING) {
		git_odb *odb = NULL;
		if (git_repository_odb(&odb, repo) == 0 && git_odb_read(&t->gobj, odb, (const git_oid *)id) == 0 &&
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
	*why = rc == LW_OBJ_MISSING ? (git_error_last() ? git_error_last()->message : "object missing")
				    : lw_objreader_error(reader);
	return -1;
}

void lw_repo_tree_release(lw_objreader *reader, lw_repo_tree *t)
{
	lw_obj_release(reader, &t->obj);
	git_odb_object_free(t->gobj);
	memset(t, 0, sizeof(*t));
}
