/* objstore_int.h - what objstore.c (locating) and the reader (objpack.c and
 * the files objread_int.h lists) share about an open object store. */
#ifndef LW_OBJSTORE_INT_H
#define LW_OBJSTORE_INT_H

#include "odb/objstore.h"

typedef struct os_pack {
	unsigned char *idx, *pack; /* mapped read-only */
	size_t idxlen, packlen;
	uint32_t n;                /* objects */
	/* version 2: fanout, ids, crcs, 32-bit offsets, 64-bit offsets;
	 * version 1: fanout, then (offset, id) pairs: the strides say which */
	const unsigned char *fan, *ids, *off32, *off64;
	size_t id_stride, off_stride;
	size_t n64;                /* 64-bit offsets present */
	char *name;                /* pack-<hash>.pack, for messages */
} os_pack;

struct lw_objstore {
	char **dirs; /* object directories, real paths */
	size_t ndirs;
	os_pack *packs;
	size_t npacks;
	uint64_t serial; /* unique to this open, for lookups remembered per thread */
};

/* objstore_share.c: the store open on these directories, opened now or
 * shared with the handles already using it; given back by unshare */
int lw_objstore_share(lw_objstore **out, const char *const *dirs, size_t n);
void lw_objstore_unshare(lw_objstore *s);

/* A position (lw_objstore_position): the pack's number above, its offset in
 * the low 40 bits */
#define LW_OS_POS_OFF ((1ull << 40) - 1)
static inline uint64_t lw_os_pos(size_t pack, uint64_t off)
{
	return (uint64_t)pack << 40 | (off & LW_OS_POS_OFF);
}

/* The entry header at off in p: its type, size, where its data starts and,
 * for a delta, where its base is (an offset, type 6) or which (an id,
 * type 7). 0, or what is wrong: */
enum {
	LW_OS_ENTRY_OUTSIDE = -1, /* off is not inside the pack's entries */
	LW_OS_ENTRY_SIZE = -2,    /* the size does not end */
	LW_OS_ENTRY_CORRUPT = -3, /* the rest does not parse, or the type is none */
};
int lw_os_entry(const os_pack *p, uint64_t off, int *type, uint64_t *size, uint64_t *data,
	uint64_t *base_off, const unsigned char **base_id);

int lw_os_pack_find(const os_pack *p, const unsigned char id[20], uint64_t *off);
int lw_os_find(const lw_objstore *s, const unsigned char id[20], size_t *pack, uint64_t *off);
int lw_os_loose_path(const lw_objstore *s, size_t dir, const unsigned char id[20], char *buf, size_t cap);

/* whether a declared size could be true: a lie is corruption (exit 3),
 * never "over --max-blob-size". objsize.c */
int lw_os_size_plausible(uint64_t size, uint64_t avail);
int lw_os_delta_plausible(uint64_t dlen, uint64_t src, uint64_t dst);

#endif
