/*
 * deltawins.c - a scanned blob's regex windows and their candidates, kept
 * for its deltas. A rule's regex runs on windows cut around keyword hits; a
 * delta's window whose bounds, and every byte the regex can see (the window
 * and, for lookbehinds, a few bytes before it), come from one copied stretch
 * of the base, where a window had the same bounds, gives what that window
 * gave, moved. The regex then runs only on windows that changed.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objstore.h"

void lw_wins_release(lw_wins *w)
{
	free(w->w);
	free(w->c);
	memset(w, 0, sizeof(*w));
}

void lw_wins_reset(lw_wins *w)
{
	w->nw = 0;
	w->nc = 0;
	w->valid = 1;
}

size_t lw_wins_reserve(lw_wins *w, uint32_t rule, uint64_t ws)
{
	if (!w->valid)
		return SIZE_MAX;
	if (w->nw == w->capw) {
		size_t cap = w->capw ? w->capw * 2 : 64;
		lw_winrec *v = cap <= LW_MAX_KEPT_WINS ? lw_reallocarray(w->w, cap, sizeof(*v)) : NULL;
		if (!v) {
			w->valid = 0;
			return SIZE_MAX;
		}
		w->w = v;
		w->capw = cap;
	}
	w->w[w->nw] = (lw_winrec){ ws, ws, rule, 0, 0 };
	return w->nw++;
}

void lw_wins_fill(lw_wins *w, size_t slot, uint64_t we)
{
	if (!w->valid || slot >= w->nw)
		return;
	w->w[slot].we = we;
	w->w[slot].first = (uint32_t)w->nc;
	w->w[slot].n = 0;
}

void lw_wins_cand(lw_wins *w, size_t slot, uint64_t off, uint64_t len, uint64_t soff, uint64_t slen)
{
	if (!w->valid || slot >= w->nw)
		return;
	if (w->nc == w->capc) {
		size_t cap = w->capc ? w->capc * 2 : 64;
		lw_candrec *v = cap <= LW_MAX_KEPT_WINS ? lw_reallocarray(w->c, cap, sizeof(*v)) : NULL;
		if (!v || len > UINT32_MAX || slen > UINT32_MAX) {
			if (v) {
				w->c = v;
				w->capc = cap;
			}
			w->valid = 0;
			return;
		}
		w->c = v;
		w->capc = cap;
	}
	w->c[w->nc++] = (lw_candrec){ off, soff, (uint32_t)len, (uint32_t)slen };
	w->w[slot].n++;
}

static int win_cmp(const void *a, const void *b)
{
	const lw_winrec *x = a, *y = b;

	if (x->ws != y->ws)
		return x->ws < y->ws ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* Windows take their places as they open, nearly in order (hits come by
 * end, a window starts at its first hit's line): a few of one line come
 * out of turn by rule. A binary insertion sort finds each one's place and
 * moves the rest in one copy. */
void lw_wins_finish(lw_wins *w)
{
	if (!w->valid)
		return;
	for (size_t i = 1; i < w->nw; i++) {
		if (win_cmp(&w->w[i - 1], &w->w[i]) <= 0)
			continue;
		lw_winrec x = w->w[i];
		size_t lo = 0, hi = i - 1;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (win_cmp(&w->w[mid], &x) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		memmove(&w->w[lo + 1], &w->w[lo], (i - lo) * sizeof(x));
		w->w[lo] = x;
	}
}

/* The first i in [0, n) with !before(i) (before holds for a prefix),
 * galloping from hint: lookups come nearly in order, so most are found a
 * step or two from the last. */
#define GALLOP(n, hint, before, out)                                           \
	do {                                                                   \
		size_t lo_ = 0, hi_ = (n), h_ = (hint) < (n) ? (hint) : (n);   \
		size_t st_ = 1;                                                \
		if (h_ < (n) && before(h_)) {                                  \
			lo_ = h_ + 1;                                          \
			while (lo_ + st_ < hi_ && before(lo_ + st_ - 1)) {      \
				lo_ += st_;                                    \
				st_ *= 2;                                      \
			}                                                      \
			if (lo_ + st_ < hi_)                                   \
				hi_ = lo_ + st_;                               \
		} else {                                                       \
			hi_ = h_;                                              \
			while (hi_ > st_ && !before(hi_ - st_)) {               \
				hi_ -= st_;                                    \
				st_ *= 2;                                      \
			}                                                      \
			if (hi_ > st_)                                         \
				lo_ = hi_ - st_ + 1;                           \
		}                                                              \
		while (lo_ < hi_) {                                            \
			size_t mid_ = lo_ + (hi_ - lo_) / 2;                   \
			if (before(mid_))                                      \
				lo_ = mid_ + 1;                                \
			else                                                   \
				hi_ = mid_;                                    \
		}                                                              \
		(out) = lo_;                                                   \
	} while (0)

const lw_winrec *lw_wins_find(const lw_winrec *w, size_t nw, const lw_copyop *ops, size_t nops,
	uint32_t rule, uint64_t ws, uint64_t we, uint64_t lb, int64_t *shift, size_t hint[2])
{
	size_t o, k;

	if (!nw || we <= ws)
		return NULL;
	/* the copy holding the window's first byte */
#define OP_BEFORE(i) (ops[i].dst + ops[i].len <= ws)
	GALLOP(nops, hint[0], OP_BEFORE, o);
#undef OP_BEFORE
	if (o == nops)
		return NULL;
	hint[0] = o;
	const lw_copyop *op = &ops[o];
	if (op->dst > ws || we > op->dst + op->len)
		return NULL;
	/* what lookbehinds see: lb bytes before, or the subject's start in both */
	if (ws >= lb ? ws - lb < op->dst : !(op->dst == 0 && op->src == 0))
		return NULL;
	uint64_t bws = ws - op->dst + op->src, bwe = we - op->dst + op->src;
#define WIN_BEFORE(i) (w[i].ws < bws || (w[i].ws == bws && w[i].rule < rule))
	GALLOP(nw, hint[1], WIN_BEFORE, k);
#undef WIN_BEFORE
	hint[1] = k;
	if (k == nw || w[k].ws != bws || w[k].rule != rule || w[k].we != bwe)
		return NULL;
	*shift = (int64_t)op->dst - (int64_t)op->src;
	return &w[k];
}
