/* index_load.h - libgit2's index, built from our own parse of the file. */
#ifndef LW_INDEX_LOAD_H
#define LW_INDEX_LOAD_H

#include <git2.h>

#include "internal.h"

/* The index at index_path (a missing file: an empty index) as an
 * in-memory git_index holding only its entries: split indexes merged with
 * their shared index, sparse directory entries expanded from their trees.
 * *out is the caller's to free. */
int lw_index_load(git_repository *repo, const char *index_path, git_index **out, lw_error *err);
/* one EWAH bitmap at *p (advanced past it), its first max_bits bits a
 * byte each in *bits (malloc'd) */
int lw_ewah_read(const unsigned char **p, const unsigned char *end, size_t max_bits,
	unsigned char **bits, size_t *nbits);

#endif
