/* init.c - what the library may set for the whole process, set only when
 * the program asks (lw_init): an embedder keeps its own libgit2 options. */
#include <git2.h>

#include "internal.h"

int lw_init(void)
{
	if (git_libgit2_init() < 0)
		return LW_ERROR;
	/* bound what libgit2 keeps: mapped pack windows count as resident
	 * memory, and its object cache is only useful for trees here */
	if (git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, (size_t)512 << 20) < 0 ||
	    git_libgit2_opts(GIT_OPT_SET_CACHE_MAX_SIZE, (ssize_t)128 << 20) < 0)
		return LW_ERROR;
	return 0;
}
