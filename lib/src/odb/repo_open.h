/* repo_open.h - a repository opened with our object reader installed, and
 * a tree's bytes read through that reader (or libgit2, for objects only
 * its pack backends hold). */
#ifndef LW_REPO_OPEN_H
#define LW_REPO_OPEN_H

#include <git2.h>

#include "odb/objstore.h"

/* trees past this size are not read */
#define LW_MAX_TREE_SIZE ((uint64_t)256 << 20)

/* Opens repo_path (NULL: from the environment, as a hook runs) with our
 * object reader and the extra object directories installed; *reader is
 * owned by *out and used on the calling thread only. */
int lw_repo_open(git_repository **out, lw_objreader **reader, const char *repo_path,
	const char *const *object_dirs, size_t nobject_dirs, size_t cache, lw_error *err);

/* A tree's bytes: from our reader, or from libgit2. */
typedef struct lw_repo_tree {
	const unsigned char *data;
	size_t len;
	lw_obj obj;
	git_odb_object *gobj;
} lw_repo_tree;

/* 0 and *t, or -1 with *why (static or libgit2's text) saying why not */
int lw_repo_tree_read(git_repository *repo, lw_objreader *reader, const unsigned char *id,
	lw_repo_tree *t, const char **why);
void lw_repo_tree_release(lw_objreader *reader, lw_repo_tree *t);

#endif
