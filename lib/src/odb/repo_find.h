/* repo_find.h - the repository a hook runs in, and its HEAD's tree, found
 * without libgit2: `leakwalk staged` must not pay for libgit2's set-up
 * (it parses the system's TLS certificates: 5 ms of a 20 ms budget). Only
 * the plain cases are handled here; anything else is left to libgit2. */
#ifndef LW_REPO_FIND_H
#define LW_REPO_FIND_H

#include <limits.h>

#include "odb/objstore.h"
#include "internal.h"

typedef struct lw_gitdirs {
	char git[PATH_MAX];    /* the git directory, ending in '/' */
	char common[PATH_MAX]; /* where objects and refs are (a linked worktree's main one) */
} lw_gitdirs;

/* The repository at or above `start` (NULL: the environment's, as git
 * passes it to a hook: GIT_DIR, else the working directory). 0, or 1 when
 * this is not a case handled here (the caller then opens with libgit2):
 * GIT_CEILING_DIRECTORIES, GIT_COMMON_DIR, GIT_NAMESPACE, GIT_WORK_TREE or
 * GIT_DISCOVERY_ACROSS_FILESYSTEM set, a bare repository, a path owned by
 * another user, a configuration with extensions, includes or a worktree,
 * no repository at all. */
int lw_repo_find(lw_gitdirs *out, const char *start);
/* The object directories: the repository's (GIT_OBJECT_DIRECTORY when
 * from_env) and GIT_ALTERNATE_OBJECT_DIRECTORIES (from_env). 0 or -1. */
int lw_repo_object_dirs(const lw_gitdirs *d, int from_env, lw_strlist *dirs);

/* appends the directories of GIT_ALTERNATE_OBJECT_DIRECTORIES (git sets it
 * for hooks, pointing at the quarantine's base); -1 on allocation failure */
int lw_repo_push_env_alternates(lw_strlist *dirs);
/* HEAD's tree: 0 with tree set; 1 when HEAD is unborn, is not a branch or
 * a detached commit, or cannot be read here. */
int lw_repo_head_tree(const lw_gitdirs *d, lw_objreader *rd, unsigned char tree[20]);

#endif
