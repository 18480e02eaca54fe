/*
 * deltahits.c - a blob's keyword hits worked out from its delta base's.
 *
 * A keyword hit depends only on the keyword's own bytes, and whether a
 * list holds it on the byte before it too (the gate, scan_windows.c). So
 * in a blob made by copying runs of its base and inserting new bytes, every
 * hit that lies inside one copied run, after the byte it came after in the
 * base, is a hit of the base, moved; every other hit touches inserted bytes
 * or a seam between two runs, lies within a keyword's length of one, or
 * begins where a run does that follows another byte than in the base. The
 * automaton runs only there. The result is the list the
 * automaton would give over the whole blob, in its order (by end, longer
 * keywords first, then by keyword number), so matching from it is matching
 * the whole blob, for a fraction of the keyword pass.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objstore.h"

/* the gap under which two windows are run as one */
#define DH_JOIN 16

/* the buffers of one list's derivations, reused (lw_kwhits.work) */
typedef struct dh_work {
	lw_range *w;
	size_t capw;
	lw_kwhits later;
} dh_work;

static void dh_work_free(dh_work *k)
{
	if (!k)
		return;
	free(k->w);
	free(k->later.v);
	free(k);
}

void lw_kwhits_release(lw_kwhits *h)
{
	free(h->v);
	free(h->off);
	dh_work_free(h->work);
	memset(h, 0, sizeof(*h));
}

typedef struct dh_ctx {
	const lw_scanner *sc;
	const lw_copyop *ops;
	size_t nops;
	uint64_t base;
	lw_kwhits *out;
	const unsigned char *d; /* the delta's bytes */
	uint64_t len;
	const unsigned char *bbytes; /* the base's, or NULL */
	uint64_t blen;
	lw_range *w;        /* the windows the automaton runs over */
	size_t nw, capw;
	lw_kwhits later;    /* the second lane's hits, appended after */
} dh_ctx;

/* room for `more` hits past h->n; -1 (valid cleared) past the bound */
static int dh_reserve(lw_kwhits *h, size_t more)
{
	if (h->cap - h->n >= more)
		return 0;
	size_t cap = h->cap ? h->cap : 64;
	while (cap - h->n < more && cap <= LW_MAX_KEPT_HITS)
		cap *= 2;
	lw_kwhit *v = cap <= LW_MAX_KEPT_HITS ? lw_reallocarray(h->v, cap, sizeof(*v)) : NULL;
	if (!v) {
		h->valid = 0;
		return -1;
	}
	h->v = v;
	h->cap = cap;
	return 0;
}

static int dh_push(lw_kwhits *h, uint64_t end, uint32_t kw, uint32_t len)
{
	if (dh_reserve(h, 1) < 0)
		return -1;
	h->v[h->n++] = (lw_kwhit){ end, kw, len };
	return 0;
}

/* The first of v[lo..hi) (ascending ends) that ends past x, or hi,
 * without branches (the searches were a third of this file's time). */
static size_t dh_first_past(const lw_kwhit *v, size_t lo, size_t hi, uint64_t x)
{
#define DH_ENDS_BY_X(h) ((h)->end <= x)
	return LW_PARTITION_POINT(v, lo, hi, DH_ENDS_BY_X);
#undef DH_ENDS_BY_X
}

/* The copied run [start, end) lies inside, or NULL */
static const lw_copyop *dh_copied(const lw_copyop *ops, size_t n, uint64_t start, uint64_t end)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ops[mid].dst + ops[mid].len <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && ops[lo].dst <= start && end <= ops[lo].dst + ops[lo].len ? &ops[lo] : NULL;
}

/* 1 when a hit at the start of run op has the gate it had in the base: the
 * byte before it is the base's byte before, or both are a blob's first */
static int dh_start_same(const dh_ctx *x, const lw_copyop *op)
{
	if (op->dst == 0 || op->src == 0)
		return op->dst == 0 && op->src == 0;
	return x->bbytes && op->src <= x->blen && x->d[op->dst - 1] == x->bbytes[op->src - 1];
}

static int dh_on_hit(uint32_t kw, size_t end, void *payload)
{
	dh_ctx *x = payload;
	uint32_t len = lw_scanner_keyword_len(x->sc, kw);
	uint64_t e = x->base + end;
	const lw_copyop *op = dh_copied(x->ops, x->nops, e - len, e);

	if (op && (e - len > op->dst || dh_start_same(x, op)))
		return 0; /* the base's hit, moved */
	if (lw_scanner_hit_left_out(x->sc, kw, x->d, x->len, e))
		return 0; /* left out of every list, as from the base's */
	return dh_push(x->out, e, kw, len) < 0 ? 1 : 0;
}

static int dh_cmp(const void *a, const void *b)
{
	const lw_kwhit *x = a, *y = b;

	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	if (x->len != y->len)
		return x->len > y->len ? -1 : 1;
	return x->kw < y->kw ? -1 : x->kw > y->kw;
}

/* The moved hits v[0..moved) and the automaton's v[moved..n) are each in
 * the automaton's order: merged into one list in that order, in place
 * from the back (the automaton's are few: inserted bytes and seams), a
 * moved hit first of two equal. */
#define DH_BEFORE(a, b) (dh_cmp((a), (b)) < 0)
static int dh_merge(lw_kwhits *h, size_t moved)
{
	if (LW_MERGE_BACK(h->v, h->n, moved, DH_BEFORE) < 0) {
		h->valid = 0;
		return -1;
	}
	return 0;
}

/*
 * Where the automaton must run for the hits that touch the bytes [*a, *b)
 * of d (or, when *a == *b, cross the seam there), made [*a, *b): a hit that
 * starts before *a holds d[*a - 1] and d[*a], a hit that ends past *b holds
 * d[*b - 1] and d[*b], and every pair of neighbours in a hit is a pair of
 * some keyword. So such a hit starts no earlier than the run of keyword
 * pairs leading up to *a, and ends no later than the run leading on from
 * *b; nor further than `reach` (the longest keyword less one) either way.
 * Most seams fall between bytes no keyword holds side by side (a newline,
 * a space before a brace) and need nothing.
 */
static void dh_reach(const uint8_t *pairs, const unsigned char *d, uint64_t len, uint64_t reach,
	uint64_t *a, uint64_t *b)
{
	uint64_t x = *a, y = *b, lo = x > reach ? x - reach : 0, hi = y + reach < len ? y + reach : len;

	while (x > lo && lw_ac_pair(pairs, d[x - 1], d[x]))
		x--;
	while (y < hi && lw_ac_pair(pairs, d[y - 1], d[y]))
		y++;
	*a = x;
	*b = y;
}

/* [*a, *b) grown to hold every keyword that begins at p (within the run
 * [p, q)): from p on, while the bytes are pairs of some keyword */
static void dh_reach_from(const uint8_t *pairs, const unsigned char *d, uint64_t p, uint64_t q,
	uint64_t reach, uint64_t *a, uint64_t *b)
{
	uint64_t y = p + 1, hi = p + 1 + reach < q ? p + 1 + reach : q;

	while (y < hi && lw_ac_pair(pairs, d[y - 1], d[y]))
		y++;
	if (*a >= *b)
		*a = p;
	if (y > *b)
		*b = y;
}

/* notes the window [ws, we) */
static int dh_window(dh_ctx *x, uint64_t ws, uint64_t we)
{
	if (LW_GROW(x->w, x->capw, x->nw, 64) < 0) {
		x->out->valid = 0;
		return -1;
	}
	x->w[x->nw++] = (lw_range){ ws, we };
	return 0;
}

/* The automaton over the windows, keeping what no copied run holds. Most
 * windows are a few dozen bytes, where one chain of dependent table loads
 * is the whole cost: they run in two lanes side by side
 * (lw_ac_scan_ranges), the first lane's hits into the list as they come,
 * the second's after them, so the list keeps the automaton's order. */
static int dh_run(dh_ctx *x, const unsigned char *d)
{
	dh_ctx second = *x;

	x->base = 0;
	second.base = 0;
	second.out = &x->later;
	x->later.n = 0;
	x->later.valid = 1;
	if (lw_ac_scan_ranges(lw_scanner_automaton(x->sc), d, x->w, x->nw, dh_on_hit, x, dh_on_hit, &second) ||
	    !x->later.valid || dh_reserve(x->out, x->later.n) < 0) {
		x->out->valid = 0;
		return -1;
	}
	if (x->later.n)
		memcpy(x->out->v + x->out->n, x->later.v, x->later.n * sizeof(lw_kwhit));
	x->out->n += x->later.n;
	return 0;
}

int lw_hits_derive(const lw_scanner *sc, const lw_kwhit *bh, size_t nbh, const lw_copyop *ops,
	size_t nops, const unsigned char *d, size_t len, const unsigned char *base, size_t blen,
	lw_kwhits *out)
{
	uint64_t reach = lw_ac_max_keyword(lw_scanner_automaton(sc));
	dh_work *wk = out->work ? out->work : (out->work = calloc(1, sizeof(dh_work)));
	if (!wk) {
		out->valid = 0;
		return -1;
	}
	dh_ctx x = { sc, ops, nops, 0, out, d, len, base, blen, wk->w, 0, wk->capw, wk->later };
	const uint8_t *pairs = lw_ac_pairs(lw_scanner_automaton(sc));
	uint64_t pos = 0, ws = 0, we = 0;
	size_t moved;
	int open = 0;

	out->n = 0;
	out->valid = 1;
	reach = reach ? reach - 1 : 0;
	/* the base's hits inside each copied run, moved to where the run lands */
	size_t last = 0;   /* the first base hit ending past the last copy's source */
	uint64_t last_src = 0;
	for (size_t i = 0; i < nops && out->valid; i++) {
		const lw_copyop *op = &ops[i];
		size_t lo = 0, hi = nbh;
		/* copies mostly read their base forwards: gallop on from the
		 * last one's place rather than search every hit again */
		if (op->src >= last_src) {
			size_t step = 1;
			lo = last;
			while (lo + step < nbh && bh[lo + step - 1].end <= op->src) {
				lo += step;
				step *= 2;
			}
			if (lo + step < nbh)
				hi = lo + step;
		}
		lo = dh_first_past(bh, lo, hi, op->src);
		last = lo;
		last_src = op->src;
		/* the copy's hits are a run of the list, moved in one loop
		 * (those at its start that begin before it left out) */
		size_t hi_ = lo;
		uint64_t lim = op->src + op->len;
		if (hi_ < nbh && bh[hi_].end <= lim) {
			/* past the copy's last hit, galloping: long copies hold
			 * hundreds */
			size_t a = hi_ + 1, step = 1, b;
			while (a + step <= nbh && bh[a + step - 1].end <= lim) {
				a += step;
				step *= 2;
			}
			b = a + step <= nbh ? a + step - 1 : nbh;
			hi_ = dh_first_past(bh, a, b, lim);
		}
		if (dh_reserve(out, hi_ - lo) < 0)
			break;
		lw_kwhit *v = out->v;
		size_t n = out->n;
		uint64_t src = op->src, shift = op->dst - op->src;
		/* a hit at the run's start only when its gate reads what it
		 * read in the base (dh_start_same) */
		uint64_t from = dh_start_same(&x, op) ? src : src + 1;
		for (size_t k = lo; k < hi_; k++)
			if (bh[k].end - bh[k].len >= from)
				v[n++] = (lw_kwhit){ bh[k].end + shift, bh[k].kw, bh[k].len };
		out->n = n;
	}
	moved = out->n;
	/* the automaton around inserted bytes and seams, windows joined */
	for (size_t i = 0; i <= nops && out->valid; i++) {
		uint64_t a, b;
		if (i < nops && ops[i].dst < pos) {
			out->valid = 0; /* runs out of order: not a delta we made */
			break;
		}
		if (i < nops && ops[i].dst == pos) {
			a = pos; /* a seam between two runs, or the first run's start */
			b = pos;
		} else {
			a = pos; /* inserted bytes up to the next run or the end */
			b = i < nops ? ops[i].dst : len;
			if (a >= b) {
				pos = i < nops ? ops[i].dst + ops[i].len : pos;
				continue;
			}
		}
		if (i < nops)
			pos = ops[i].dst + ops[i].len;
		if (b > 0) /* nothing crosses the start of the blob */
			dh_reach(pairs, d, len, reach, &a, &b);
		/* and the hits that begin where the run does, after another byte
		 * than in the base: their gates read it */
		if (i < nops && ops[i].len && !dh_start_same(&x, &ops[i]))
			dh_reach_from(pairs, d, ops[i].dst, ops[i].dst + ops[i].len, reach, &a, &b);
		if (a >= b)
			continue; /* a seam no keyword can cross */
		/* windows a few bytes apart are cheaper run as one: the
		 * automaton reports true hits wherever it starts */
		if (open && a <= we + DH_JOIN) {
			if (a < ws)
				ws = a;
			if (b > we)
				we = b;
		} else {
			if (open && dh_window(&x, ws, we) < 0)
				break;
			ws = a;
			we = b;
			open = 1;
		}
	}
	if (open && out->valid && dh_window(&x, ws, we) < 0)
		out->valid = 0;
	if (out->valid && x.nw && dh_run(&x, d) < 0)
		out->valid = 0;
	wk->w = x.w;
	wk->capw = x.capw;
	wk->later = x.later;
	if (!out->valid)
		return -1;
	return dh_merge(out, moved);
}

int lw_hits_set_off(lw_kwhits *out, const uint32_t *off, size_t n)
{
	out->noff = 0;
	if (n && n > out->capoff) {
		uint32_t *v = lw_reallocarray(out->off, n, sizeof(*v));
		if (!v) {
			out->valid = 0;
			return -1;
		}
		out->off = v;
		out->capoff = n;
	}
	if (n)
		memcpy(out->off, off, n * sizeof(*off));
	out->noff = n;
	return 0;
}
