/*
 * scan_stretch.c - a delta's regex windows that lie well inside one copied
 * stretch of its base are the base's, moved: taken whole, their keyword
 * hits skipped, instead of replayed hit by hit through the keyword pass
 * (scan_windows.c) only to find the same bounds again.
 *
 * Why a window taken so is exactly the one the full pass opens. Let W be a
 * base window of rule r, [ws, we), opened by its first hit i and closed
 * after its last hit j, and let a copy land base [src, src+len) at dst.
 * W is taken (moved by dst - src) only when:
 *   (1) ws >= src + K + lb + 2, K the longest keyword, lb the rule's
 *       lookbehind bytes;
 *   (2) we + K + 17 <= src + len;
 *   (3) the byte at we is a line end ('\n' or '\r'), not a cut;
 *   (4) when hit i comes, rule r has no open window reaching ws
 *       (checked then), and the rule applies to the chunk (paths).
 * A hit of r at [s, e) is read by the keyword pass only in [s - 1, s + 16)
 * (the gate), back from s to the line start or s - max_window (ws), and
 * forward from e to the line end it reports, or to a cut, also past a
 * `window` extension (we): for W's hits all of it lies in [ws - K - 1,
 * we + 17), inside the copy by (1) and (2), where the delta's bytes are the
 * base's. Every hit of W ends in [ws, we], and every hit of r that ends
 * there is W's, or one the gate shuts (gate.c) before i: one before i
 * ends before the window it belongs to ends, which is before ws, or
 * belongs to none (shut); one after j begins past we. Shut hits are left
 * to the keyword pass, which ignores them as it did in the base (same
 * bytes); hit i is the first hit in range not shut. A delta
 * hit ending in [ws, we] lies inside the copy by (1), so it is a base
 * hit, moved: the
 * delta's hits of r ending there are exactly W's, and no other hit of r
 * comes between them. At hit i, (4) makes the delta do what the base did:
 * close the open window (if any) and open one at ws (computed from the
 * same bytes); hits i+1..j then see the same state and bytes as in the
 * base and leave the window at [ws, we). The next hit of r begins past we
 * (a base hit, as j+1 did; or one not inside the copy, which begins
 * after we + 17 by (2)), and with (3) its line starts past we: it closes
 * W, as in the base. So the delta's window is W, moved; it closes at the
 * same hit as in a full pass, in the same order as every other window, so
 * the candidate bound, regex limits and diagnostics fall as they did.
 * Its candidates are the base's (lw_reuse_window): the bytes the regex
 * sees, [ws - lb, we), are in the copy by (1) and (2), and the base's
 * window was noted only with its rule compiled (state 1, for good). The
 * reuse fails only at the candidate bound, where a full pass adds nothing
 * either; so an anchored rule's hit starts, not noted for W, are never
 * needed. test_deltastretch compares findings and noted windows with a
 * full pass on random chained deltas.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"
#include "odb/objstore.h"

/* the first base window at or past base offset at, galloping on from
 * from when it lies before at (copies mostly read their base forwards) */
static size_t sk_lower(const lw_winrec *w, size_t nw, uint64_t at, size_t from)
{
	size_t lo = 0, hi = nw;

	if (from < nw && w[from].ws < at) {
		size_t step = 1;
		lo = from + 1;
		while (lo + step < nw && w[lo + step - 1].ws < at) {
			lo += step;
			step *= 2;
		}
		if (lo + step < nw)
			hi = lo + step;
	} else if (from <= nw && (from == 0 || w[from - 1].ws < at)) {
		return from;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w[mid].ws < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Moves the cursor to the next base window that meets (1)-(3), setting
 * sk_next to its start in the delta (UINT64_MAX when there is none). */
static void sk_seek(lw_scanner *sc)
{
	const lw_passes *p = sc->passes;
	const unsigned char *d = sc->chunk->data;
	uint64_t kmax = lw_ac_max_keyword(sc->rs->ac);

	while (sc->sk_op < p->nops) {
		const lw_copyop *op = &p->ops[sc->sk_op];
		/* too short to hold a window with its margins */
		if (op->len < 2 * kmax + 20) {
			sc->sk_op++;
			continue;
		}
		if (sc->sk_k == SIZE_MAX)
			sc->sk_k = sk_lower(p->wins, p->nwins, op->src, sc->sk_last);
		for (; sc->sk_k < p->nwins && p->wins[sc->sk_k].ws < op->src + op->len; sc->sk_k++) {
			const lw_winrec *w = &p->wins[sc->sk_k];
			const lw_rule *r = &sc->rs->rules[w->rule];
			if (w->rule >= sc->rs->n || __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1)
				continue;
			if (w->ws < op->src + kmax + r->lookbehind + 2 || w->we <= w->ws ||
			    w->we + kmax + 17 > op->src + op->len)
				continue;
			uint64_t at = w->we - op->src + op->dst;
			if (at >= sc->chunk->len || (d[at] != '\n' && d[at] != '\r'))
				continue;
			sc->sk_next = w->ws - op->src + op->dst;
			return;
		}
		sc->sk_last = sc->sk_k;
		sc->sk_k = SIZE_MAX; /* found for the next long copy */
		sc->sk_op++;
	}
	sc->sk_next = UINT64_MAX;
}

void lw_scan__stretch_start(lw_scanner *sc)
{
	const lw_passes *p = sc->passes;

	sc->sk_on = sc->sk && sc->given && p && p->wins && p->nwins && p->ops && p->nops &&
		    sc->opts.only_rule < 0;
	sc->sk_next = UINT64_MAX;
	if (!sc->sk_on)
		return;
	if (++sc->sk_gen == 0) {
		for (size_t i = 0; i < sc->rs->n; i++)
			sc->sk[i].gen = 0;
		sc->sk_gen = 1;
	}
	sc->sk_op = 0;
	sc->sk_k = SIZE_MAX;
	sc->sk_last = 0;
	sk_seek(sc);
}

/* Arms the window the cursor is at for its rule, and moves on. Windows
 * come in order of start, so a rule's armed window is the one its next
 * hits may open. */
static void sk_arm(lw_scanner *sc)
{
	const lw_passes *p = sc->passes;
	const lw_copyop *op = &p->ops[sc->sk_op];
	const lw_winrec *w = &p->wins[sc->sk_k];
	lw_stretch *s = &sc->sk[w->rule];

	if (s->gen != sc->sk_gen) {
		s->gen = sc->sk_gen;
		s->open = 0;
	}
	s->ws = sc->sk_next;
	s->we = w->we - op->src + op->dst;
	s->shift = (int64_t)op->dst - (int64_t)op->src;
	s->k = (uint32_t)sc->sk_k;
	s->state = LW_SK_ARMED;
	sc->sk_k++;
	sk_seek(sc);
}

int lw_scan__stretch_hit(lw_scanner *sc, uint32_t kw, uint64_t end)
{
	while (end >= sc->sk_next)
		sk_arm(sc);
	uint32_t ri = sc->rs->kw_rules[kw];
	lw_stretch *s = &sc->sk[ri];
	if (s->gen != sc->sk_gen || s->state == LW_SK_NONE || end < s->ws)
		return 0;
	if (end > s->we) {
		s->state = LW_SK_NONE; /* past it: this hit closes it */
		return 0;
	}
	if (s->state == LW_SK_OPEN)
		return 1;
	/* a hit the gate shuts (gate.c) opens nothing: the keyword pass's,
	 * the window still armed for hit i */
	const lw_rule *r = &sc->rs->rules[ri];
	if (lw_scan__gate_shut(r, sc->chunk->data, sc->chunk->len, (size_t)end - sc->rs->kw_len[kw]))
		return 0;
	/* hit i: condition (4) */
	s->state = LW_SK_NONE;
	if (sc->is_active[ri] && sc->win_end[ri] >= s->ws)
		return 0;
	if ((r->paths.n || r->allow.paths.n) && !lw_scan__rule_path_ok(sc, ri))
		return 0;
	if (sc->is_active[ri]) {
		int rc = lw_scan__flush(sc, ri);
		if (rc < 0)
			return rc;
	}
	/* When the base's window gave no candidate, W has nothing to give:
	 * its closing reuses no candidate (or, with the bound reached, runs
	 * nothing), and the next hit of the rule, past we with its line,
	 * opens a window whether W is open or not (no hit of the rule can
	 * widen W, nor can the next armed window reach it: (4) holds for it
	 * either way). So W is not opened at all: its hits are skipped all
	 * the same (LW_SK_OPEN), and `open` stays 0, so that no later window
	 * of the rule is taken for it when it closes. Its record for the
	 * chunk's deltas is noted whole now, in the place its opening would
	 * have reserved; and the rule is listed as its opening would have,
	 * so that the windows left open at the chunk's end close in the same
	 * order. With the candidate bound reached, the closing would mark
	 * the records invalid: that is left to the full way. */
	lw_wins *rec = sc->passes->rec_wins;
	if (sc->passes->wins[s->k].n == 0 && !(rec && sc->cands_full)) {
		lw_scan__list(sc, ri);
		if (rec)
			lw_wins_fill(rec, lw_wins_reserve(rec, ri, s->ws), s->we);
		s->open = 0;
		s->state = LW_SK_OPEN;
		sc->sk_taken++;
		return 1;
	}
	lw_scan__open(sc, ri, (size_t)s->ws, (size_t)s->we);
	s->open = 1;
	s->ok = s->k;
	s->oshift = s->shift;
	s->state = LW_SK_OPEN;
	sc->sk_taken++;
	return 1;
}
