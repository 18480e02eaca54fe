/* objread_int.h - what the files of the object reader share: the reader
 * itself, its cache entries, and the semi-private functions by which
 * objread_err.c (messages), objinflate.c (zlib), objcache.c (the reader and
 * its cache), objloose.c (loose objects), objdelta.c (delta instructions)
 * and objpack.c (pack entries, delta chains, the public reads) call each
 * other, lowest first. */
#ifndef LW_OBJREAD_INT_H
#define LW_OBJREAD_INT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

#include "odb/objstore_int.h"

struct libdeflate_decompressor;

#define OR_MAX_CHAIN 10000
#define OR_BUCKETS (1u << 17)
/* an object larger than this share of the cache is handed out uncached */
#define OR_CACHE_SHARE 4
/* ... but the last OR_BIG such objects are kept apart */
#define OR_BIG 2
/* bytes of the packs a reader touches (compressed bytes read, plus a page
 * per object) between lw_objstore_drop_pages calls */
#define OR_DROP_EVERY ((uint64_t)64 << 20)

/* Where an id was found in the packs. A walk reads each tree again as the
 * parent of the next commit's version: the index is searched once. */
typedef struct or_where {
	unsigned char id[20];
	uint32_t pack; /* + 1; 0: empty */
	uint64_t off;
} or_where;
#define OR_WHERE (1u << 14)

typedef struct os_ent {
	uint64_t key; /* pack << 40 | offset; 0: not cached */
	unsigned char *mem;
	const unsigned char *data;
	size_t len;
	int type;
	unsigned pins;
	int big;    /* held in a big[] slot of the reader, not in the cache */
	void *kept; /* lw_obj_keep's data, kept_size bytes */
	size_t kept_size;
	struct os_ent *hnext, *prev, *next;
} os_ent;

struct lw_objreader {
	lw_objstore *s;
	z_stream z; /* streams read a piece at a time */
	int zok;
	struct libdeflate_decompressor *ld; /* whole objects */
	os_ent *tab[OR_BUCKETS];
	os_ent lru; /* sentinel: lru.next is the most recently used */
	size_t bytes, limit;
	unsigned char *scratch; /* a delta's instructions */
	size_t scratch_cap;
	lw_copyop *ops;         /* the last delta's copies */
	size_t nops, capops;
	or_where *where;        /* OR_WHERE recent lookups of ids in the packs */
	/* The last objects too large for the cache, held apart: each version
	 * of a large file is the delta base of the next one read in pack
	 * order, and resolving its chain again for every version made a
	 * history of a 6 MB file quadratic once -j4 cut the cache's share. */
	os_ent *big[OR_BIG];
	uint64_t big_key[OR_BIG];
	unsigned big_next;
	uint64_t deltas;        /* deltas applied (lw_objreader_deltas) */
	uint64_t inflated_in;   /* bytes of packs touched since the last drop */
	char err[512];
};

/* objread_err.c: the reader's message, "what" or "where: what" */
int lw_or__fail(lw_objreader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int lw_or__prefix(lw_objreader *r, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* objinflate.c: the reader's inflater */
int lw_or__inflate_init(lw_objreader *r);
void lw_or__inflate_end(lw_objreader *r);
/* Inflates src into exactly want bytes of out; the stream must end there.
 * With head set, stops once out is full or the stream ends and stores the
 * bytes produced in *got. */
int lw_or__inflate(lw_objreader *r, const unsigned char *src, size_t srclen,
	unsigned char *out, size_t want, int head, size_t *got);

/* objcache.c: entries and the cache keyed by (pack, offset) */
os_ent *lw_or__ent_new(size_t len, int type);
void lw_or__ent_free(os_ent *e);
os_ent *lw_or__cache_get(lw_objreader *r, uint64_t key);
void lw_or__cache_put(lw_objreader *r, os_ent *e, uint64_t key);
void lw_or__unpin(lw_objreader *r, os_ent *e);

/* objloose.c */
int lw_or__loose_map(lw_objreader *r, const unsigned char id[20], unsigned char **map, size_t *len);
int lw_or__loose_head(lw_objreader *r, const unsigned char *map, size_t len,
	int *type, uint64_t *size, size_t *hlen);
int lw_or__loose_read(lw_objreader *r, const unsigned char id[20], uint64_t max, os_ent **out);

/* objdelta.c */
int lw_or__varint(const unsigned char **p, const unsigned char *end, uint64_t *v);
int lw_or__delta_apply(lw_objreader *r, const os_ent *base, const unsigned char *d, size_t dlen,
	uint64_t max, os_ent **out, int note);
unsigned char *lw_or__scratch(lw_objreader *r, size_t n);

#endif
