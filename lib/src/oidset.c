/* oidset.c - a set of git object ids: open addressing on the id's first
 * bytes (already uniformly distributed), grown at 50% load. The only state
 * an audit keeps that grows with history. */
#include <stdlib.h>
#include <string.h>

#include "oidset.h"

void lw_oidset_init(lw_oidset *s)
{
	memset(s, 0, sizeof(*s));
}

void lw_oidset_release(lw_oidset *s)
{
	free(s->slots);
	free(s->used);
	memset(s, 0, sizeof(*s));
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
