/* oidset.h - growable sets of git object ids and of 64-bit hashes, and maps
 * of object ids to numbers. */
#ifndef LW_OIDSET_H
#define LW_OIDSET_H

#include <git2.h>
#include <stdint.h>

typedef struct lw_objstore lw_objstore;

/* A set of ids. Given an object store, the ids the packs hold take one bit
 * each, at their place in the packs' indexes (packed objects / 8 bytes for
 * the set, however many are in it); other ids go in a hash table. */
typedef struct lw_oidset {
	git_oid *slots;
	uint8_t *used;
	size_t n, cap;               /* ids in the table */
	const lw_objstore *store;    /* NULL: every id in the table */
	uint64_t *bits;              /* packed ids, allocated on first use */
	uint64_t nbits;
} lw_oidset;

void lw_oidset_init(lw_oidset *s);
/* a set whose packed ids are bits over store's packs; the store must
 * outlive the set */
void lw_oidset_init_packed(lw_oidset *s, const lw_objstore *store);
void lw_oidset_release(lw_oidset *s);
int lw_oidset_contains(const lw_oidset *s, const git_oid *id);
/* 1 if inserted, 0 if already there, -1 out of memory */
int lw_oidset_insert(lw_oidset *s, const git_oid *id);

/* A map of object ids to numbers (zeroed: empty) */
typedef struct lw_oidmap {
	git_oid *ids;
	uint32_t *val;
	uint8_t *used;
	size_t n, cap;
} lw_oidmap;

/* 1 with *val set when id is there */
int lw_oidmap_find(const lw_oidmap *m, const git_oid *id, uint32_t *val);
/* sets id's number; -1 out of memory */
int lw_oidmap_put(lw_oidmap *m, const git_oid *id, uint32_t val);
void lw_oidmap_release(lw_oidmap *m);

/* A set of 64-bit hashes (of a path and an object, say): two different
 * keys collide with odds of about n / 2^64. */
typedef struct lw_hashset {
	uint64_t *v; /* 0: empty (a hash of 0 is stored as 1) */
	size_t n, cap;
} lw_hashset;

void lw_hashset_release(lw_hashset *s);
int lw_hashset_contains(const lw_hashset *s, uint64_t h);
/* 1 if inserted, 0 if already there, -1 out of memory */
int lw_hashset_insert(lw_hashset *s, uint64_t h);
/* a hash of path[0..len) and, when id is not NULL, a 20-byte object id */
uint64_t lw_path_hash(const char *path, size_t len, const unsigned char *id);
/* the same in steps: end(more(more(INIT, a), b), id) == lw_path_hash(a b, id),
 * so a tree's entries share the work on their directory's path */
#define LW_PATH_HASH_INIT 0xcbf29ce484222325ULL
uint64_t lw_path_hash_more(uint64_t h, const char *s, size_t n);
uint64_t lw_path_hash_end(uint64_t h, const unsigned char *id);

#endif
