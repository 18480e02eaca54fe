/* packmap.h - pack positions of objects, for reading blobs in pack order. */
#ifndef LW_PACKMAP_H
#define LW_PACKMAP_H

#include <git2.h>

#include "internal.h"

typedef struct lw_packidx {
	unsigned char *buf;
	size_t len;
	uint32_t n;
} lw_packidx;

typedef struct lw_packmap {
	lw_packidx *packs;
	size_t npacks;
} lw_packmap;

/* Reads every version-2 .idx under objects_dir/pack; what cannot be read is
 * left out (its objects simply sort last). */
void lw_packmap_load(lw_packmap *m, const char *objects_dir);
/* A sort key: pack number and offset, or UINT64_MAX for loose objects. The
 * large-offset table of packs over 2 GiB is not consulted: such objects sort
 * by the low bits, which only costs locality. */
uint64_t lw_packmap_position(const lw_packmap *m, const git_oid *id);
void lw_packmap_release(lw_packmap *m);

#endif
