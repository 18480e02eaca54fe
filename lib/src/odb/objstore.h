/*
 * objstore.h - our own read-only reader of a git object store: pack files
 * (.idx version 2, .pack version 2 or 3) and loose objects, in the
 * repository's object directory, its alternates and any extra directories
 * (a push's quarantine).
 *
 * Why not libgit2's: reading every tree and blob of a long history through
 * libgit2 spends most of its time in per-object allocation, hash checks and
 * a small delta-base cache; and libgit2 1.5.1 loops for ever on a truncated
 * loose object and overflows a buffer on one whose header under-states its
 * size. This reader checks every size it is given, bounds delta chains,
 * keeps a delta-base cache per reader, and is also installed as libgit2's
 * only loose-object backend (objstore_git.c), so libgit2 never parses a
 * loose object itself.
 *
 * A store is immutable once open and shared by threads; a reader (its
 * cache, its zlib stream) belongs to one thread.
 */
#ifndef LW_OBJSTORE_H
#define LW_OBJSTORE_H

#include <stddef.h>
#include <stdint.h>

/* git's object type numbers (git_object_t agrees) */
enum { LW_OBJ_COMMIT = 1, LW_OBJ_TREE = 2, LW_OBJ_BLOB = 3, LW_OBJ_TAG = 4 };

/* lw_objreader_* results besides 0 (found) and the negative LW_E* codes */
#define LW_OBJ_MISSING 1

typedef struct lw_objstore lw_objstore;
typedef struct lw_objreader lw_objreader;

/* A copy instruction of a delta: len bytes of the base at src land at dst
 * in the result. Instructions that continue each other are joined. */
typedef struct lw_copyop {
	uint64_t dst, src, len;
} lw_copyop;

/* An object's content. data stays valid until lw_obj_release; the reader
 * may share it with its cache. When the object was made by applying a
 * delta to a base, ops/nops are that delta's copies (valid until the
 * reader's next read) and the base stays available until release. */
typedef struct lw_obj {
	const unsigned char *data;
	size_t len;
	int type;
	const lw_copyop *ops;
	size_t nops;
	void *ent_;  /* the reader's cache entry */
	void *base_; /* the delta's base entry, pinned */
} lw_obj;

/* Opens the object directories dirs[0..n) (the first is the repository's
 * own) and, recursively, the alternates they name. Directories that do not
 * exist are skipped; pack files that cannot be parsed are left out (their
 * objects are then "missing" here and libgit2 may still find them). */
int lw_objstore_open(lw_objstore **out, const char *const *dirs, size_t n);
void lw_objstore_free(lw_objstore *s);
/* the object directories opened, alternates included */
size_t lw_objstore_dir_count(const lw_objstore *s);
const char *lw_objstore_dir(const lw_objstore *s, size_t i);
/* A sort key giving pack order (pack number, offset); UINT64_MAX when the
 * object is not packed. Reading in this order keeps delta bases cached. */
uint64_t lw_objstore_position(const lw_objstore *s, const unsigned char id[20]);
/* Where the delta base of the packed object at pos (a position as above)
 * lies, in the same form: 1 with *base set when pos holds a delta whose
 * base is packed; 0 for a whole object, a base not packed, or a header
 * that does not parse (reading the object says why). Its header only. */
int lw_objstore_delta_base(const lw_objstore *s, uint64_t pos, uint64_t *base);
/* Lets go of the pages of the packs mapped into this process. They stay in
 * the page cache, and a later read maps them again (a minor fault): a
 * history read once from end to end no longer keeps the whole pack
 * resident, which was 350 MiB of an audit of git's 581 MiB peak. Safe
 * while other threads read: the mappings are read-only, never written. */
void lw_objstore_drop_pages(const lw_objstore *s);
/* A dense number for a packed object, below lw_objstore_packed(s): its
 * place in the packs' indexes (the first pack holding it). 1 with *pos set
 * when packed, else 0. */
int lw_objstore_index(const lw_objstore *s, const unsigned char id[20], uint64_t *pos);
uint64_t lw_objstore_packed(const lw_objstore *s);
/* 1 if the object is in a pack or loose in one of the directories */
int lw_objstore_exists(const lw_objstore *s, const unsigned char id[20]);

/* cache_limit: bytes of inflated objects kept for reuse as delta bases */
int lw_objreader_new(lw_objreader **out, lw_objstore *s, size_t cache_limit);
void lw_objreader_free(lw_objreader *r);
const lw_objstore *lw_objreader_store(const lw_objreader *r);
/* a new cache bound; what is over it and not in use is dropped now */
void lw_objreader_set_cache(lw_objreader *r, size_t limit);
/* how many deltas the reader has applied: a check that reading stays
 * linear in the pack (tests/integration/audit_deep_delta.sh) */
uint64_t lw_objreader_deltas(const lw_objreader *r);
/* Type and size without inflating the object (a delta's first bytes only).
 * 0, LW_OBJ_MISSING, or < 0 with lw_objreader_error() saying why. */
int lw_objreader_header(lw_objreader *r, const unsigned char id[20], int *type, uint64_t *size);
/* The whole object, refused (LW_ELIMIT) when it or a delta base it needs is
 * larger than max bytes. 0, LW_OBJ_MISSING, or < 0 as above. */
int lw_objreader_read(lw_objreader *r, const unsigned char id[20], uint64_t max, lw_obj *out);
/* The same, the object at pos: lw_objstore_position(lw_objreader_store(r),
 * id), which the caller found in this very store (UINT64_MAX: look id up).
 * It saves the index search of a reader that is handed the position. */
int lw_objreader_read_at(lw_objreader *r, const unsigned char id[20], uint64_t pos, uint64_t max,
	lw_obj *out);
void lw_obj_release(lw_objreader *r, lw_obj *o);
/* Data kept with a cached object for whoever reads its deltas later (the
 * keyword hits of a scanned blob). The cache takes `data` (malloc'd, `size`
 * bytes counted against its bound) and frees it with the object: 1. When
 * the object is not cached, nothing is taken: 0. */
int lw_obj_keep(lw_objreader *r, const lw_obj *o, void *data, size_t size);
/* What was kept with o's delta base, or NULL */
const void *lw_obj_base_kept(const lw_obj *o, size_t *size);
/* The bytes of o's delta base (pinned with o), or NULL */
const unsigned char *lw_obj_base_data(const lw_obj *o, size_t *len);
const char *lw_objreader_error(const lw_objreader *r);

/* A tree's entries, one at a time. 1 with *e filled, 0 at the end, -1 when
 * the tree is malformed. */
typedef struct lw_tree_entry {
	const char *name; /* not NUL-terminated */
	size_t name_len;
	unsigned mode;
	const unsigned char *id;
} lw_tree_entry;
/* Read in place, no allocation per entry, every length checked against
 * the object's end. Inline: the history walk parses every entry of every
 * changed tree, a call each was a tenth of its time. (The builtins: this
 * header may come after util/banned.h, before which <string.h> must be.) */
static inline int lw_tree_next(const unsigned char **p, const unsigned char *end, lw_tree_entry *e)
{
	const unsigned char *q = *p;
	unsigned mode = 0;
	int digits = 0;

	if (q >= end)
		return 0;
	/* the modes git writes, each read in one compare (the loop below reads
	 * them the same, a digit at a time: a third of the walk's parsing) */
	if (end - q >= 8 && !__builtin_memcmp(q, "100644 ", 7)) {
		mode = 0100644;
		q += 7;
	} else if (end - q >= 8 && !__builtin_memcmp(q, "40000 ", 6)) {
		mode = 040000;
		q += 6;
	} else if (end - q >= 8 && !__builtin_memcmp(q, "100755 ", 7)) {
		mode = 0100755;
		q += 7;
	} else {
		while (q < end && *q != ' ') {
			if (*q < '0' || *q > '7' || ++digits > 7)
				return -1;
			mode = mode << 3 | (unsigned)(*q++ - '0');
		}
		if (!digits || q >= end)
			return -1;
		q++;
	}
	const unsigned char *nul = __builtin_memchr(q, '\0', (size_t)(end - q));
	if (!nul || nul == q || (size_t)(end - nul - 1) < 20)
		return -1;
	e->mode = mode;
	e->name = (const char *)q;
	e->name_len = (size_t)(nul - q);
	e->id = nul + 1;
	*p = nul + 21;
	return 1;
}

static inline int lw_tree_entry_is_tree(const lw_tree_entry *e)
{
	return (e->mode & 0170000) == 0040000;
}

/* git's tree order: names compared bytewise, a tree's as if it ended in '/' */
static inline int lw_tree_name_cmp(const char *a, size_t al, int atree, const char *b, size_t bl, int btree)
{
	size_t n = al < bl ? al : bl;
	int c = __builtin_memcmp(a, b, n);

	if (c)
		return c;
	unsigned ca = al > n ? (unsigned char)a[n] : atree ? '/' : 0;
	unsigned cb = bl > n ? (unsigned char)b[n] : btree ? '/' : 0;
	return (int)ca - (int)cb;
}

#endif
