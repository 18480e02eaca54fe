/* scan_flush.c - a regex window opens, and closes: its candidates are
 * taken from the delta base's same window (deltawins.c), or its rule's
 * regex is run on it (scan_candidates.c); either way they are noted for
 * the chunk's deltas, in the place the window took when it opened. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

/* Rule ri's window [ws, we) opens. Its record for the chunk's deltas
 * takes its place now: windows open nearly in order of start, which the
 * records must be in (lw_wins_finish), and close far out of it. */
void lw_scan__open(lw_scanner *sc, uint32_t ri, size_t ws, size_t we)
{
	lw_wins *rec = sc->passes ? sc->passes->rec_wins : NULL;

	lw_scan__list(sc, ri);
	sc->is_active[ri] = 1;
	sc->win_start[ri] = ws;
	sc->win_end[ri] = we;
	if (rec)
		sc->win_slot[ri] = lw_wins_reserve(rec, ri, ws);
}

/* the candidates [first, ncands) of window (ri, ws, we), noted for the
 * chunk's deltas */
static void lw_note_window(lw_scanner *sc, uint32_t ri, size_t we, size_t first)
{
	lw_wins *w = sc->passes->rec_wins;
	size_t slot = sc->win_slot[ri];

	lw_wins_fill(w, slot, we);
	for (size_t i = first; i < sc->ncands; i++)
		lw_wins_cand(w, slot, sc->cands[i].off, sc->cands[i].len, sc->cands[i].soff, sc->cands[i].slen);
}

/* A delta's window that repeats one of its base's: the base's candidates,
 * moved (deltawins.c). 1 when it was one. */
static int lw_reuse_window(lw_scanner *sc, uint32_t ri, size_t ws, size_t we, int taken, int *rc)
{
	const lw_passes *p = sc->passes;
	lw_rule *r = &sc->rs->rules[ri];
	const lw_winrec *f;
	int64_t shift;

	if (!p || !p->wins || sc->cands_full || __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1)
		return 0;
	/* a window the stretch pass took knows its base window: the one
	 * lw_wins_find would find (scan_stretch.c) */
	if (taken) {
		f = &p->wins[sc->sk[ri].ok];
		shift = sc->sk[ri].oshift;
	} else {
		f = lw_wins_find(p->wins, p->nwins, p->ops, p->nops, ri, ws, we, r->lookbehind, &shift,
			sc->wins_hint);
	}
	if (!f)
		return 0;
	*rc = 0;
	for (uint32_t k = 0; k < f->n && *rc == 0; k++) {
		const lw_candrec *c = &p->cands[f->first + k];
		*rc = lw_scan__cand_add(sc, ri, (size_t)((int64_t)c->off + shift), c->len,
			(size_t)((int64_t)c->soff + shift), c->slen);
	}
	if (*rc > 0)
		*rc = 0; /* candidates full: said */
	return 1;
}

int lw_scan__flush(lw_scanner *sc, uint32_t ri)
{
	lw_rule *r = &sc->rs->rules[ri];
	lw_error err; /* not zeroed: 1 KiB, at every window (a tenth of this pass) */
	size_t ws = sc->win_start[ri], we = sc->win_end[ri], first = sc->ncands;
	uint64_t limits = sc->limit_hits;
	lw_wins *rec = sc->passes ? sc->passes->rec_wins : NULL;
	int rc;

	err.code = 0;
	err.msg[0] = '\0';
	int taken = sc->sk_on && sc->sk[ri].gen == sc->sk_gen && sc->sk[ri].open;
	if (taken)
		sc->sk[ri].open = 0;
	sc->is_active[ri] = 0;
	if (lw_reuse_window(sc, ri, ws, we, taken, &rc)) {
		sc->starts[ri].n = 0;
		sc->starts[ri].lost = 0;
	} else if (r->anchored && !sc->starts[ri].lost && !sc->cands_full &&
		   lw_rule_ensure_compiled(sc->rs, r, &err) == 0 && r->acode) {
		rc = lw_scan__run_anchored(sc, ri, ws, we);
	} else {
		sc->starts[ri].n = 0;
		sc->starts[ri].lost = 0;
		rc = lw_scan__run_rule(sc, ri, ws, we);
	}
	/* a window cut short (regex limits, too many candidates, a rule that
	 * does not compile) is not one to repeat */
	if (rec && (rc < 0 || sc->limit_hits != limits || sc->cands_full ||
		       __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1))
		rec->valid = 0;
	else if (rec)
		lw_note_window(sc, ri, we, first);
	return rc;
}
