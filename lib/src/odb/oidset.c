/* oidset.c - a set of git object ids: a bitmap over the packs' objects
 * when a store is given, and open addressing on the id's first bytes
 * (already uniformly distributed), grown at 50% load, for the others (sets
 * of 64-bit hashes at 75%). The
 * table took about 60 bytes an id, the bitmap takes one bit of each packed
 * object: a walk's sets of seen trees and blobs no longer grow with the
 * number of objects seen. */
#include <stdlib.h>
#include <string.h>

#include "odb/objstore.h"
#include "odb/oidset.h"

void lw_oidset_init(lw_oidset *s)
{
	memset(s, 0, sizeof(*s));
}

void lw_oidset_init_packed(lw_oidset *s, const lw_objstore *store)
{
	memset(s, 0, sizeof(*s));
	s->store = store;
	s->nbits = store ? lw_objstore_packed(store) : 0;
}

void lw_oidset_release(lw_oidset *s)
{
	free(s->slots);
	free(s->used);
	free(s->bits);
	memset(s, 0, sizeof(*s));
}

/* 1 with *pos when the id is one of the bitmap's */
static int lw_oidset_bit(const lw_oidset *s, const git_oid *id, uint64_t *pos)
{
	return s->store && lw_objstore_index(s->store, id->id, pos) && *pos < s->nbits;
}

static size_t lw_oid_hash(const git_oid *id)
{
	size_t h;

	memcpy(&h, id->id, sizeof(h));
	return h;
}

static int lw_oidset_grow(lw_oidset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	git_oid *slots = calloc(ncap, sizeof(git_oid));
	uint8_t *used = calloc(ncap, 1);

	if (!slots || !used) {
		free(slots);
		free(used);
		return -1;
	}
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->used[i])
			continue;
		size_t j = lw_oid_hash(&s->slots[i]) & (ncap - 1);
		while (used[j])
			j = (j + 1) & (ncap - 1);
		used[j] = 1;
		slots[j] = s->slots[i];
	}
	free(s->slots);
	free(s->used);
	s->slots = slots;
	s->used = used;
	s->cap = ncap;
	return 0;
}

int lw_oidset_contains(const lw_oidset *s, const git_oid *id)
{
	uint64_t pos;

	if (lw_oidset_bit(s, id, &pos))
		return s->bits && (s->bits[pos / 64] >> (pos % 64) & 1);
	if (!s->cap)
		return 0;
	for (size_t j = lw_oid_hash(id) & (s->cap - 1); s->used[j]; j = (j + 1) & (s->cap - 1))
		if (git_oid_equal(&s->slots[j], id))
			return 1;
	return 0;
}

int lw_oidset_insert(lw_oidset *s, const git_oid *id)
{
	size_t j;
	uint64_t pos;

	if (lw_oidset_bit(s, id, &pos)) {
		if (!s->bits && !(s->bits = calloc(s->nbits / 64 + 1, sizeof(uint64_t))))
			return -1;
		uint64_t m = 1ull << (pos % 64);
		if (s->bits[pos / 64] & m)
			return 0;
		s->bits[pos / 64] |= m;
		return 1;
	}

	if ((s->n + 1) * 2 > s->cap && lw_oidset_grow(s) < 0)
		return -1;
	for (j = lw_oid_hash(id) & (s->cap - 1); s->used[j]; j = (j + 1) & (s->cap - 1))
		if (git_oid_equal(&s->slots[j], id))
			return 0;
	s->used[j] = 1;
	s->slots[j] = *id;
	s->n++;
	return 1;
}

/* ---- maps of object ids to numbers ---------------------------------- */

int lw_oidmap_find(const lw_oidmap *m, const git_oid *id, uint32_t *val)
{
	if (!m->cap)
		return 0;
	for (size_t i = lw_oid_hash(id) & (m->cap - 1); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (git_oid_equal(&m->ids[i], id)) {
			*val = m->val[i];
			return 1;
		}
	return 0;
}

int lw_oidmap_put(lw_oidmap *m, const git_oid *id, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 1024;
		lw_oidmap g = { calloc(cap, sizeof(git_oid)), calloc(cap, sizeof(uint32_t)), calloc(cap, 1), 0, cap };
		if (!g.ids || !g.val || !g.used) {
			lw_oidmap_release(&g);
			return -1;
		}
		for (size_t i = 0; i < m->cap; i++)
			if (m->used[i])
				lw_oidmap_put(&g, &m->ids[i], m->val[i]);
		lw_oidmap_release(m);
		*m = g;
	}
	size_t i = lw_oid_hash(id) & (m->cap - 1);
	while (m->used[i] && !git_oid_equal(&m->ids[i], id))
		i = (i + 1) & (m->cap - 1);
	if (!m->used[i])
		m->n++;
	m->used[i] = 1;
	m->ids[i] = *id;
	m->val[i] = val;
	return 0;
}

void lw_oidmap_release(lw_oidmap *m)
{
	free(m->ids);
	free(m->val);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

/* ---- sets of 64-bit hashes ------------------------------------------ */

void lw_hashset_release(lw_hashset *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int lw_hashset_grow(lw_hashset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : 1024;
	uint64_t *v = calloc(ncap, sizeof(uint64_t));

	if (!v)
		return -1;
	for (size_t i = 0; i < s->cap; i++) {
		if (!s->v[i])
			continue;
		size_t j = s->v[i] & (ncap - 1);
		while (v[j])
			j = (j + 1) & (ncap - 1);
		v[j] = s->v[i];
	}
	free(s->v);
	s->v = v;
	s->cap = ncap;
	return 0;
}

int lw_hashset_contains(const lw_hashset *s, uint64_t h)
{
	h = h ? h : 1;
	if (!s->cap)
		return 0;
	for (size_t j = h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == h)
			return 1;
	return 0;
}

int lw_hashset_insert(lw_hashset *s, uint64_t h)
{
	size_t j;

	h = h ? h : 1;
	/* up to three quarters full: the hashes are uniform and 8 share a cache
	 * line, so probes stay short, and a long history's walk holds one per
	 * (object, path) it met: at half full these sets were a third of it */
	if ((s->n + 1) * 4 > s->cap * 3 && lw_hashset_grow(s) < 0)
		return -1;
	for (j = h & (s->cap - 1); s->v[j]; j = (j + 1) & (s->cap - 1))
		if (s->v[j] == h)
			return 0;
	s->v[j] = h;
	s->n++;
	return 1;
}

uint64_t lw_path_hash_more(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return h;
}

uint64_t lw_path_hash_end(uint64_t h, const unsigned char *id)
{
	if (id) {
		uint64_t a, b;
		memcpy(&a, id, 8);
		memcpy(&b, id + 8, 8);
		h ^= a + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
		h ^= b * 0xbf58476d1ce4e5b9ULL;
	}
	/* the finaliser of splitmix64: low bits index the table */
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ULL;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

uint64_t lw_path_hash(const char *path, size_t len, const unsigned char *id)
{
	return lw_path_hash_end(lw_path_hash_more(LW_PATH_HASH_INIT, path, len), id);
}
