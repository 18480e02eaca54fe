/* index_parse.h - git's index file, parsed in place (index_fast.c): its
 * entries, cache-tree, and where a split index links its base. Shared by
 * the cache-tree fast path and the loader that builds libgit2's index
 * (index_load.c): libgit2 never parses an index file itself. */
#ifndef LW_INDEX_PARSE_H
#define LW_INDEX_PARSE_H

#include <git2.h>

#include "internal.h"

#define IX_MAX_SIZE ((size_t)1 << 30)

typedef struct ix_entry {
	const char *path; /* into the index buffer or the path pool */
	const git_oid *oid; /* into the index buffer: not copied, 100,000 times */
	uint32_t mode;
	unsigned char stage;
	unsigned char skip_worktree;
} ix_entry;

typedef struct ix_node {
	const char *name; /* into the index buffer, NUL-terminated */
	long count;       /* -1: invalid */
	long nsub;
	git_oid oid;
	struct ix_node *sub;
} ix_node;

typedef struct ix {
	unsigned char *buf;
	size_t len;
	int mapped;   /* buf is the file mapped (munmap), not a copy (free) */
	ix_entry *e;
	size_t n, e_size;
	lw_buf paths; /* v4 paths are rebuilt here */
	ix_node root;
	int has_tree;      /* a cache-tree within bounds */
	int sparse;        /* skip-worktree entries or a sparse index (sdir) */
	const unsigned char *link; /* a split index's link extension */
	size_t link_len;
} ix;

/* 0: x->buf holds the file; 1: cannot be read (or too large) */
int lw_ix_read_file(ix *x, const char *path);
/* 0: the entries and extensions parsed; 1: malformed */
int lw_ix_parse(ix *x);
void lw_ix_free_node(ix_node *nd);
/* frees everything x holds */
void lw_ix_release(ix *x);

#endif
