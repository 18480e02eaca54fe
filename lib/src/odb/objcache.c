/* objcache.c - an object reader and its cache: an LRU of inflated pack
 * objects keyed by (pack, offset), so that a delta chain walked once serves
 * every later version of the same file read in pack order. Entries are
 * pinned while in use; objects too large for the cache are held apart. */
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objread_int.h"

static size_t or_bucket(uint64_t key)
{
	return (size_t)((key * 0x9E3779B97F4A7C15ull) >> 47) & (OR_BUCKETS - 1);
}

void lw_or__ent_free(os_ent *e)
{
	if (!e)
		return;
	/* blobs may be the very secrets we hunt */
	if (e->type == LW_OBJ_BLOB)
		lw_wipe_cold(e->mem, (size_t)(e->data - e->mem) + e->len);
	free(e->kept);
	free(e);
}

static void or_lru_unlink(os_ent *e)
{
	e->prev->next = e->next;
	e->next->prev = e->prev;
}

static void or_lru_front(lw_objreader *r, os_ent *e)
{
	e->next = r->lru.next;
	e->prev = &r->lru;
	r->lru.next->prev = e;
	r->lru.next = e;
}

static void or_cache_drop(lw_objreader *r, os_ent *e)
{
	os_ent **pp = &r->tab[or_bucket(e->key)];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	or_lru_unlink(e);
	r->bytes -= e->len + sizeof(*e) + e->kept_size;
	lw_or__ent_free(e);
}

static void or_cache_trim(lw_objreader *r)
{
	os_ent *e = r->lru.prev;

	while (r->bytes > r->limit && e != &r->lru) {
		os_ent *prev = e->prev;
		if (!e->pins)
			or_cache_drop(r, e);
		e = prev;
	}
}

os_ent *lw_or__cache_get(lw_objreader *r, uint64_t key)
{
	for (os_ent *e = r->tab[or_bucket(key)]; e; e = e->hnext)
		if (e->key == key) {
			or_lru_unlink(e);
			or_lru_front(r, e);
			e->pins++;
			return e;
		}
	for (unsigned i = 0; i < OR_BIG; i++)
		if (r->big[i] && r->big_key[i] == key) {
			r->big[i]->pins++;
			return r->big[i];
		}
	return NULL;
}

/* e (pinned by the caller) joins the cache when it is small enough */
void lw_or__cache_put(lw_objreader *r, os_ent *e, uint64_t key)
{
	if (e->len > r->limit / OR_CACHE_SHARE) {
		/* held by a pin of its own, in place of the older of the two */
		unsigned i = r->big_next;
		r->big_next = (i + 1) % OR_BIG;
		lw_or__unpin(r, r->big[i]);
		e->pins++;
		e->big = 1;
		r->big[i] = e;
		r->big_key[i] = key;
		return;
	}
	e->key = key;
	e->hnext = r->tab[or_bucket(key)];
	r->tab[or_bucket(key)] = e;
	or_lru_front(r, e);
	r->bytes += e->len + sizeof(*e);
	or_cache_trim(r);
}

void lw_or__unpin(lw_objreader *r, os_ent *e)
{
	if (!e)
		return;
	if (e->pins)
		e->pins--;
	if (!e->key && !e->pins)
		lw_or__ent_free(e);
	else if (e->key)
		or_cache_trim(r);
}

/* the entry and its bytes in one allocation */
os_ent *lw_or__ent_new(size_t len, int type)
{
	/* one spare byte: readers may rely on a NUL after the content */
	os_ent *e = len < SIZE_MAX - sizeof(*e) - 1 ? malloc(sizeof(*e) + len + 1) : NULL;

	if (!e)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->mem = (unsigned char *)(e + 1);
	e->mem[len] = '\0';
	e->data = e->mem;
	e->len = len;
	e->type = type;
	e->pins = 1;
	return e;
}

int lw_objreader_new(lw_objreader **out, lw_objstore *s, size_t cache_limit)
{
	lw_objreader *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return LW_ENOMEM;
	r->s = s;
	r->limit = cache_limit;
	r->lru.next = r->lru.prev = &r->lru;
	if (lw_or__inflate_init(r) < 0) {
		free(r);
		return LW_ENOMEM;
	}
	r->where = calloc(OR_WHERE, sizeof(or_where)); /* without it, only slower */
	*out = r;
	return 0;
}

/* What a cache let go of is free in its thread's malloc arena, where the
 * next phase's threads (other arenas) cannot reuse it: 120 MiB of a 500 MiB
 * audit of curl. Returned to the system when a cache shrinks or goes. */
static void or_give_back(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void lw_objreader_free(lw_objreader *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < OR_BIG; i++)
		lw_or__unpin(r, r->big[i]);
	for (os_ent *e = r->lru.next; e != &r->lru;) {
		os_ent *next = e->next;
		lw_or__ent_free(e);
		e = next;
	}
	lw_or__inflate_end(r);
	if (r->scratch)
		lw_wipe(r->scratch, r->scratch_cap);
	free(r->scratch);
	free(r->ops);
	free(r->where);
	free(r);
	or_give_back();
}

void lw_objreader_set_cache(lw_objreader *r, size_t limit)
{
	int shrink = limit < r->limit;

	r->limit = limit;
	or_cache_trim(r);
	/* an idle reader keeps no large object either */
	for (unsigned i = 0; i < OR_BIG; i++) {
		lw_or__unpin(r, r->big[i]);
		r->big[i] = NULL;
	}
	/* nor a delta's instructions larger than its share of the cache */
	if (r->scratch && r->scratch_cap > limit / OR_CACHE_SHARE) {
		lw_wipe(r->scratch, r->scratch_cap);
		free(r->scratch);
		r->scratch = NULL;
		r->scratch_cap = 0;
	}
	if (shrink)
		or_give_back();
}

uint64_t lw_objreader_deltas(const lw_objreader *r)
{
	return r->deltas;
}

const lw_objstore *lw_objreader_store(const lw_objreader *r)
{
	return r->s;
}

void lw_obj_release(lw_objreader *r, lw_obj *o)
{
	if (!o)
		return;
	if (o->base_) {
		lw_or__unpin(r, o->base_);
		o->base_ = NULL;
	}
	if (o->ent_) {
		lw_or__unpin(r, o->ent_);
		o->ent_ = NULL;
		o->data = NULL;
	}
	o->ops = NULL;
	o->nops = 0;
}

int lw_obj_keep(lw_objreader *r, const lw_obj *o, void *data, size_t size)
{
	os_ent *e = o->ent_;

	if (!e || (!e->key && !e->big))
		return 0;
	free(e->kept);
	if (e->key)
		r->bytes -= e->kept_size;
	e->kept = data;
	e->kept_size = size;
	if (e->key)
		r->bytes += size;
	return 1;
}

const void *lw_obj_base_kept(const lw_obj *o, size_t *size)
{
	const os_ent *b = o->base_;

	*size = b ? b->kept_size : 0;
	return b ? b->kept : NULL;
}

const unsigned char *lw_obj_base_data(const lw_obj *o, size_t *len)
{
	const os_ent *b = o->base_;

	*len = b ? b->len : 0;
	return b ? b->data : NULL;
}
