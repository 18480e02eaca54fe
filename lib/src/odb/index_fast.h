/* index_fast.h - staged changes from the index's cache-tree. */
#ifndef LW_INDEX_FAST_H
#define LW_INDEX_FAST_H

#include <git2.h>

#include "internal.h"
#include "odb/objstore.h"

typedef struct lw_change {
	char *path;
	git_oid new_id, old_id;
	int has_old;
} lw_change;

typedef struct lw_changes {
	lw_change *v;
	size_t n;
	git_oid *gone;  /* blobs HEAD had in changed directories that the index lost */
	size_t ngone;
} lw_changes;

/* 0: `out` holds every staged path whose blob differs from HEAD's tree
 * `head_tree` (read through rd; NULL: HEAD is unborn); 1: the fast path
 * does not apply (use the general diff); -1: a tree of HEAD could not be
 * read, or out of memory. No libgit2 call: libgit2 need not be set up. */
int lw_index_changes(lw_objreader *rd, const unsigned char *head_tree, const char *index_path,
	lw_changes *out);
void lw_changes_release(lw_changes *c);

/* SHA-1 only: 1 when object ids are not 20 bytes. */
static inline int git_oid_rawsz_check(void)
{
	return GIT_OID_RAWSZ != 20;
}

#endif
