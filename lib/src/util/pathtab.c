/*
 * pathtab.c - interned paths: each distinct path stored once and named by a
 * small number. A history holds millions of (blob, path) notes but only
 * thousands of paths; a copy of the path per note was a fifth of an
 * audit's memory on a long history. Strings live in blocks that never
 * move, so a path's pointer stays valid until the table is released.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define LW_PT_BLOCK ((size_t)64 << 10)

static uint32_t pt_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3ULL;
	return (uint32_t)(h ^ (h >> 32));
}

/* room for n bytes that will not move; NULL when out of memory */
static char *pt_room(lw_pathtab *t, size_t n)
{
	char *b;

	if (n <= t->left) {
		b = t->at;
		t->at += n;
		t->left -= n;
		return b;
	}
	if (LW_GROW(t->blocks, t->capblocks, t->nblocks, 16) < 0)
		return NULL;
	/* a long path gets a block of its own; the current block goes on */
	if (n > LW_PT_BLOCK / 4) {
		if (!(b = malloc(n)))
			return NULL;
		t->blocks[t->nblocks++] = b;
		return b;
	}
	if (!(b = malloc(LW_PT_BLOCK)))
		return NULL;
	t->blocks[t->nblocks++] = b;
	t->at = b + n;
	t->left = LW_PT_BLOCK - n;
	return b;
}

static int pt_grow(lw_pathtab *t)
{
	size_t cap = t->nslots ? t->nslots * 2 : 1024;
	uint32_t *slots = calloc(cap, sizeof(uint32_t));

	if (!slots)
		return -1;
	for (uint32_t id = 0; id < t->n; id++) {
		size_t j = t->hash[id] & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = id + 1;
	}
	free(t->slots);
	t->slots = slots;
	t->nslots = cap;
	return 0;
}

int lw_pathtab_intern(lw_pathtab *t, const char *s, size_t len, uint32_t *id)
{
	uint32_t h = pt_hash(s, len);
	size_t j;

	if (((size_t)t->n + 1) * 2 > t->nslots && pt_grow(t) < 0)
		return LW_ENOMEM;
	for (j = h & (t->nslots - 1); t->slots[j]; j = (j + 1) & (t->nslots - 1)) {
		uint32_t k = t->slots[j] - 1;
		if (t->hash[k] == h && !strncmp(t->paths[k], s, len) && t->paths[k][len] == '\0') {
			*id = k;
			return 0;
		}
	}
	if (t->n >= UINT32_MAX - 1)
		return LW_ENOMEM;
	if (t->n == t->cap) {
		size_t cap = t->cap ? (size_t)t->cap * 2 : 256;
		if (cap > UINT32_MAX)
			cap = UINT32_MAX;
		const char **p = lw_reallocarray(t->paths, cap, sizeof(*p));
		if (!p)
			return LW_ENOMEM;
		t->paths = p;
		uint32_t *hv = lw_reallocarray(t->hash, cap, sizeof(*hv));
		if (!hv)
			return LW_ENOMEM;
		t->hash = hv;
		t->cap = (uint32_t)cap;
	}
	char *copy = pt_room(t, len + 1);
	if (!copy)
		return LW_ENOMEM;
	memcpy(copy, s, len);
	copy[len] = '\0';
	t->paths[t->n] = copy;
	t->hash[t->n] = h;
	t->slots[j] = t->n + 1;
	*id = t->n++;
	return 0;
}

const char *lw_pathtab_get(const lw_pathtab *t, uint32_t id)
{
	return id < t->n ? t->paths[id] : NULL;
}

void lw_pathtab_release(lw_pathtab *t)
{
	for (size_t i = 0; i < t->nblocks; i++)
		free(t->blocks[i]);
	free(t->blocks);
	free(t->paths);
	free(t->hash);
	free(t->slots);
	memset(t, 0, sizeof(*t));
}
