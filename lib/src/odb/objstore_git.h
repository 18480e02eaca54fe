/* objstore_git.h - our object reader installed into a libgit2 repository. */
#ifndef LW_OBJSTORE_GIT_H
#define LW_OBJSTORE_GIT_H

#include <git2.h>

#include "odb/objstore.h"

/* Gives repo an object database read by lw_objreader: its own object
 * directory (GIT_OBJECT_DIRECTORY when from_env), the extra directories,
 * GIT_ALTERNATE_OBJECT_DIRECTORIES (from_env) and their alternates.
 * *reader (may be NULL) is the backend's reader, owned by repo: usable on
 * the thread that uses repo, until repo is freed. */
int lw_objstore_install(git_repository *repo, int from_env, const char *const *extra, size_t nextra,
	lw_objreader **reader, size_t cache_limit, lw_error *err);

#endif
