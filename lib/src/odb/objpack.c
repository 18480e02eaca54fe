/* objpack.c - reading pack entries: whole, or deltas against an offset or
 * an object id, applied iteratively with a bounded chain; and the reader's
 * public reads, which look in the packs first, then in the loose objects. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "internal.h"
#include "odb/objread_int.h"

/* one delta of a chain being resolved */
typedef struct or_link {
	size_t pack;
	uint64_t off, data_off, size;
} or_link;

/* The entry header at off (lw_os_entry), or the reader's message */
static int or_entry(lw_objreader *r, const os_pack *p, uint64_t off, int *type, uint64_t *size,
	uint64_t *data, uint64_t *base_off, const unsigned char **base_id)
{
	switch (lw_os_entry(p, off, type, size, data, base_off, base_id)) {
	case 0:
		return 0;
	case LW_OS_ENTRY_OUTSIDE:
		return lw_or__fail(r, LW_EIO, "%s: offset %llu outside the pack", p->name, (unsigned long long)off);
	case LW_OS_ENTRY_SIZE:
		return lw_or__fail(r, LW_EIO, "%s: corrupt entry header at offset %llu", p->name,
			(unsigned long long)off);
	default:
		return lw_or__fail(r, LW_EIO, "%s: corrupt entry at offset %llu", p->name, (unsigned long long)off);
	}
}

static uint64_t or_key(size_t pack, uint64_t off)
{
	return lw_os_pos(pack + 1, off); /* 0: no entry */
}

/* Steps (*pk, *off) to a delta's base when the base is packed; 0 when it
 * is an id the packs do not hold (a loose object, or missing). */
static int or_base_packed(const lw_objreader *r, int type, uint64_t boff, const unsigned char *bid,
	size_t *pk, uint64_t *off)
{
	size_t bp;
	uint64_t bo;

	if (type == 6) {
		*off = boff;
		return 1;
	}
	if (!lw_os_find(r->s, bid, &bp, &bo))
		return 0;
	*pk = bp;
	*off = bo;
	return 1;
}

/* Reads the object at (pk, off), resolving its delta chain from the nearest
 * cached or whole base. The chain is walked iteratively: a hostile pack
 * cannot exhaust the stack. */
static int or_pack_read(lw_objreader *r, size_t pk, uint64_t off, uint64_t max, os_ent **out,
	os_ent **last_base)
{
	/* most chains are short: their links on the stack, not the heap */
	or_link stack[32], *chain = stack;
	size_t n = 0, cap = sizeof(stack) / sizeof(stack[0]);
	os_ent *base = NULL;
	int rc = 0;
	/* a delta's instructions are bounded by what they can produce */
	uint64_t dmax = max > UINT64_MAX / 2 - 4096 ? UINT64_MAX / 2 : max * 2 + 4096;

	*out = NULL;
	for (;;) {
		const os_pack *p = &r->s->packs[pk];
		int type;
		uint64_t size, data, boff = 0;
		const unsigned char *bid = NULL;
		if ((base = lw_or__cache_get(r, or_key(pk, off))))
			break;
		if ((rc = or_entry(r, p, off, &type, &size, &data, &boff, &bid)) < 0)
			break;
		if (type <= 4) {
			if (size > max || size > SIZE_MAX - 1) {
				rc = lw_or__fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
					(unsigned long long)size, (unsigned long long)max);
				break;
			}
			if (!(base = lw_or__ent_new((size_t)size, type))) {
				rc = lw_or__fail(r, LW_ENOMEM, "out of memory");
				break;
			}
			if ((rc = lw_or__inflate(r, p->pack + data, p->packlen - 20 - data, base->mem,
				     (size_t)size, 0, NULL)) < 0) {
				rc = lw_or__prefix(r, rc, "%s: object at offset %llu", p->name,
					(unsigned long long)off);
				lw_or__ent_free(base);
				base = NULL;
				break;
			}
			lw_or__cache_put(r, base, or_key(pk, off));
			break;
		}
		if (size > dmax) {
			rc = lw_or__fail(r, LW_ELIMIT, "%s: delta at offset %llu is too large", p->name,
				(unsigned long long)off);
			break;
		}
		if (n == OR_MAX_CHAIN) {
			rc = lw_or__fail(r, LW_ELIMIT, "%s: delta chain longer than %d", p->name, OR_MAX_CHAIN);
			break;
		}
		if (n == cap) {
			or_link *v = lw_reallocarray(chain == stack ? NULL : chain, cap * 2, sizeof(*v));
			if (!v) {
				rc = lw_or__fail(r, LW_ENOMEM, "out of memory");
				break;
			}
			if (chain == stack)
				memcpy(v, stack, sizeof(stack));
			chain = v;
			cap *= 2;
		}
		chain[n++] = (or_link){ pk, off, data, size };
		if (or_base_packed(r, type, boff, bid, &pk, &off)) {
			if (pk == chain[n - 1].pack && off == chain[n - 1].off) {
				rc = lw_or__fail(r, LW_EIO, "%s: the delta at offset %llu is its own base", p->name,
					(unsigned long long)off);
				break;
			}
			continue;
		}
		if ((rc = lw_or__loose_read(r, bid, max, &base)) != 0) {
			if (rc == LW_OBJ_MISSING)
				rc = lw_or__fail(r, LW_EIO, "%s: the base of the delta at offset %llu is missing",
					p->name, (unsigned long long)off);
			break;
		}
		break;
	}
	/* apply the deltas, oldest base first */
	while (rc == 0 && n > 0) {
		or_link *l = &chain[--n];
		const os_pack *p = &r->s->packs[l->pack];
		unsigned char *d = lw_or__scratch(r, (size_t)l->size);
		os_ent *next = NULL;
		if (!d) {
			rc = lw_or__fail(r, LW_ENOMEM, "out of memory");
			break;
		}
		rc = lw_or__inflate(r, p->pack + l->data_off, p->packlen - 20 - l->data_off, d,
			(size_t)l->size, 0, NULL);
		if (rc == 0) {
			r->deltas++;
			rc = lw_or__delta_apply(r, base, d, (size_t)l->size, max, &next, n == 0 && last_base);
		}
		if (rc < 0) {
			rc = lw_or__prefix(r, rc, "%s: object at offset %llu", p->name,
				(unsigned long long)l->off);
			break;
		}
		/* the last delta's base stays pinned for the caller */
		if (n == 0 && last_base)
			*last_base = base;
		else
			lw_or__unpin(r, base);
		base = next;
		lw_or__cache_put(r, base, or_key(l->pack, l->off));
	}
	if (chain != stack)
		free(chain);
	if (rc < 0) {
		lw_or__unpin(r, base);
		return rc;
	}
	*out = base;
	return 0;
}

/* Type and size of the entry at (pk, off) without inflating more than a
 * delta's first bytes. */
static int or_pack_header(lw_objreader *r, size_t pk, uint64_t off, int *type, uint64_t *size)
{
	int have_size = 0;

	for (int depth = 0; depth <= OR_MAX_CHAIN; depth++) {
		const os_pack *p = &r->s->packs[pk];
		uint64_t sz, data, boff = 0;
		const unsigned char *bid = NULL;
		int t, rc;
		os_ent *e = lw_or__cache_get(r, or_key(pk, off));
		if (e) {
			*type = e->type;
			if (!have_size)
				*size = e->len;
			lw_or__unpin(r, e);
			return 0;
		}
		if ((rc = or_entry(r, p, off, &t, &sz, &data, &boff, &bid)) < 0)
			return rc;
		if (!lw_os_size_plausible(sz, p->packlen - 20 - data))
			return lw_or__fail(r, LW_EIO, "%s: object at offset %llu: corrupt: it declares %llu bytes, "
				"more than its %llu bytes of data can inflate to", p->name, (unsigned long long)off,
				(unsigned long long)sz, (unsigned long long)(p->packlen - 20 - data));
		if (t <= 4) {
			*type = t;
			if (!have_size)
				*size = sz;
			return 0;
		}
		if (!have_size) {
			unsigned char h[32];
			size_t got = 0;
			const unsigned char *q = h;
			uint64_t src;
			if ((rc = lw_or__inflate(r, p->pack + data, p->packlen - 20 - data, h,
				     sz < sizeof(h) ? (size_t)sz : sizeof(h), 1, &got)) < 0)
				return lw_or__prefix(r, rc, "%s: object at offset %llu", p->name,
					(unsigned long long)off);
			if (lw_or__varint(&q, h + got, &src) < 0 || lw_or__varint(&q, h + got, size) < 0)
				return lw_or__fail(r, LW_EIO, "%s: object at offset %llu: corrupt delta header",
					p->name, (unsigned long long)off);
			if (!lw_os_delta_plausible(sz, src, *size))
				return lw_or__fail(r, LW_EIO, "%s: object at offset %llu: corrupt delta: it declares "
					"a %llu-byte result that its %llu bytes of instructions cannot make",
					p->name, (unsigned long long)off, (unsigned long long)*size,
					(unsigned long long)sz);
			have_size = 1;
		}
		size_t was_pk = pk;
		uint64_t was_off = off;
		if (or_base_packed(r, t, boff, bid, &pk, &off)) {
			if (pk == was_pk && off == was_off)
				return lw_or__fail(r, LW_EIO, "%s: the delta at offset %llu is its own base", p->name,
					(unsigned long long)off);
			continue;
		}
		unsigned char *map;
		size_t len, hlen;
		uint64_t bsz;
		if ((rc = lw_or__loose_map(r, bid, &map, &len)) != 0)
			return rc == LW_OBJ_MISSING ? lw_or__fail(r, LW_EIO, "%s: the base of the delta at offset %llu "
				"is missing", p->name, (unsigned long long)off) : rc;
		rc = lw_or__loose_head(r, map, len, type, &bsz, &hlen);
		munmap(map, len);
		return rc;
	}
	return lw_or__fail(r, LW_ELIMIT, "delta chain longer than %d", OR_MAX_CHAIN);
}

/* ---- public ----------------------------------------------------------- */

/* lw_os_find through the reader's table of recent lookups */
static int or_find(lw_objreader *r, const unsigned char id[20], size_t *pack, uint64_t *off)
{
	uint32_t h;

	memcpy(&h, id, sizeof(h));
	or_where *w = r->where ? &r->where[h & (OR_WHERE - 1)] : NULL;
	if (w && w->pack && !memcmp(w->id, id, 20)) {
		*pack = w->pack - 1;
		*off = w->off;
		return 1;
	}
	if (!lw_os_find(r->s, id, pack, off))
		return 0;
	if (w && *pack < UINT32_MAX) {
		memcpy(w->id, id, 20);
		w->pack = (uint32_t)*pack + 1;
		w->off = *off;
	}
	return 1;
}

int lw_objreader_header(lw_objreader *r, const unsigned char id[20], int *type, uint64_t *size)
{
	size_t pk;
	uint64_t off;
	unsigned char *map;
	size_t len, hlen;
	int rc;

	r->err[0] = '\0';
	if (or_find(r, id, &pk, &off))
		return or_pack_header(r, pk, off, type, size);
	if ((rc = lw_or__loose_map(r, id, &map, &len)) != 0)
		return rc;
	rc = lw_or__loose_head(r, map, len, type, size, &hlen);
	munmap(map, len);
	return rc;
}

int lw_objreader_read(lw_objreader *r, const unsigned char id[20], uint64_t max, lw_obj *out)
{
	return lw_objreader_read_at(r, id, UINT64_MAX, max, out);
}

int lw_objreader_read_at(lw_objreader *r, const unsigned char id[20], uint64_t pos, uint64_t max,
	lw_obj *out)
{
	size_t pk = (size_t)(pos >> 40);
	uint64_t off = pos & LW_OS_POS_OFF;
	os_ent *e = NULL;
	int rc;

	os_ent *base = NULL;

	memset(out, 0, sizeof(*out));
	r->err[0] = '\0';
	r->nops = 0;
	if (pos != UINT64_MAX && pk < r->s->npacks)
		rc = or_pack_read(r, pk, off, max, &e, &base);
	else
		rc = or_find(r, id, &pk, &off) ? or_pack_read(r, pk, off, max, &e, &base)
					       : lw_or__loose_read(r, id, max, &e);
	if (rc != 0)
		return rc;
	out->data = e->data;
	out->len = e->len;
	out->type = e->type;
	out->ent_ = e;
	if (base && r->nops != SIZE_MAX) {
		out->base_ = base;
		out->ops = r->ops;
		out->nops = r->nops;
	} else if (base) {
		lw_or__unpin(r, base);
	}
	return 0;
}
