/* objdelta.c - applying a delta's instructions to its base, noting the
 * copies for whoever reuses what was found in the base. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objread_int.h"

int lw_or__varint(const unsigned char **p, const unsigned char *end, uint64_t *v)
{
	unsigned shift = 0;

	*v = 0;
	do {
		if (*p >= end || shift > 63)
			return -1;
		*v |= (uint64_t)(**p & 0x7f) << shift;
		shift += 7;
	} while (*(*p)++ & 0x80);
	return 0;
}

/* Notes a copy for the caller, joined to the previous one when it
 * continues it; a failure only loses the notes (nops = SIZE_MAX). */
static void or_note_copy(lw_objreader *r, uint64_t dst, uint64_t src, uint64_t len)
{
	if (r->nops == SIZE_MAX)
		return;
	if (r->nops) {
		lw_copyop *l = &r->ops[r->nops - 1];
		if (l->dst + l->len == dst && l->src + l->len == src) {
			l->len += len;
			return;
		}
	}
	if (LW_GROW(r->ops, r->capops, r->nops, 64) < 0) {
		r->nops = SIZE_MAX;
		return;
	}
	r->ops[r->nops++] = (lw_copyop){ dst, src, len };
}

int lw_or__delta_apply(lw_objreader *r, const os_ent *base, const unsigned char *d, size_t dlen,
	uint64_t max, os_ent **out, int note)
{
	const unsigned char *p = d, *end = d + dlen;
	uint64_t src, dst;

	*out = NULL;
	if (lw_or__varint(&p, end, &src) < 0 || lw_or__varint(&p, end, &dst) < 0)
		return lw_or__fail(r, LW_EIO, "corrupt delta header");
	if (src != base->len)
		return lw_or__fail(r, LW_EIO, "delta expects a %llu-byte base, found %zu bytes",
			(unsigned long long)src, base->len);
	if (!lw_os_delta_plausible(dlen, src, dst))
		return lw_or__fail(r, LW_EIO, "corrupt delta: it declares a %llu-byte result that its %zu bytes "
			"of instructions cannot make", (unsigned long long)dst, dlen);
	if (dst > max || dst > SIZE_MAX - 1)
		return lw_or__fail(r, LW_ELIMIT, "object is %llu bytes, over the %llu-byte bound",
			(unsigned long long)dst, (unsigned long long)max);
	os_ent *e = lw_or__ent_new((size_t)dst, base->type);
	if (!e)
		return lw_or__fail(r, LW_ENOMEM, "out of memory");
	unsigned char *o = e->mem;
	size_t left = (size_t)dst;
	while (p < end) {
		unsigned op = *p++;
		if (op & 0x80) {
			uint64_t co = 0, cs = 0;
			for (int k = 0; k < 4; k++)
				if (op & (1u << k)) {
					if (p >= end)
						goto bad;
					co |= (uint64_t)*p++ << (8 * k);
				}
			for (int k = 0; k < 3; k++)
				if (op & (0x10u << k)) {
					if (p >= end)
						goto bad;
					cs |= (uint64_t)*p++ << (8 * k);
				}
			if (cs == 0)
				cs = 0x10000;
			if (co > base->len || cs > base->len - co || cs > left)
				goto bad;
			if (note)
				or_note_copy(r, (uint64_t)(o - e->mem), co, cs);
			memcpy(o, base->data + co, (size_t)cs);
			o += cs;
			left -= (size_t)cs;
		} else if (op) {
			if (op > (size_t)(end - p) || op > left)
				goto bad;
			memcpy(o, p, op);
			o += op;
			p += op;
			left -= op;
		} else {
			goto bad;
		}
	}
	if (left)
		goto bad;
	*out = e;
	return 0;
bad:
	lw_or__ent_free(e);
	return lw_or__fail(r, LW_EIO, "corrupt delta instructions");
}

unsigned char *lw_or__scratch(lw_objreader *r, size_t n)
{
	if (n + 1 > r->scratch_cap) {
		size_t cap = n + 1 > 2 * r->scratch_cap ? n + 1 : 2 * r->scratch_cap;
		unsigned char *v = malloc(cap);
		if (!v)
			return NULL;
		if (r->scratch)
			lw_wipe(r->scratch, r->scratch_cap);
		free(r->scratch);
		r->scratch = v;
		r->scratch_cap = cap;
	}
	return r->scratch;
}
