/* scan_windows.c - the keyword pass: each hit opens or widens its rule's
 * window of lines around it; a window is searched once when it closes, or
 * its candidates are taken from the delta base's same window. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

/* the candidates [first, ncands) of window (ri, ws, we), noted for the
 * chunk's deltas */
static void lw_note_window(lw_scanner *sc, uint32_t ri, size_t ws, size_t we, size_t first)
{
	lw_wins *w = sc->passes->rec_wins;

	lw_wins_open(w, ri, ws, we);
	for (size_t i = first; i < sc->ncands; i++)
		lw_wins_cand(w, sc->cands[i].off, sc->cands[i].len, sc->cands[i].soff, sc->cands[i].slen);
}

/* A delta's window that repeats one of its base's: the base's candidates,
 * moved (deltawins.c). 1 when it was one. */
static int lw_reuse_window(lw_scanner *sc, uint32_t ri, size_t ws, size_t we, int *rc)
{
	const lw_passes *p = sc->passes;
	lw_rule *r = &sc->rs->rules[ri];
	int64_t shift;

	if (!p || !p->wins || sc->cands_full || __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) != 1)
		return 0;
	const lw_winrec *f = lw_wins_find(p->wins, p->nwins, p->ops, p->nops, ri, ws, we, r->lookbehind,
		&shift, sc->wins_hint);
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

static int lw_flush(lw_scanner *sc, uint32_t ri)
{
	lw_rule *r = &sc->rs->rules[ri];
	lw_error err; /* not zeroed: 1 KiB, at every window (a tenth of this pass) */
	size_t ws = sc->win_start[ri], we = sc->win_end[ri], first = sc->ncands;
	uint64_t limits = sc->limit_hits;
	lw_wins *rec = sc->passes ? sc->passes->rec_wins : NULL;
	int rc;

	err.code = 0;
	err.msg[0] = '\0';
	sc->is_active[ri] = 0;
	if (lw_reuse_window(sc, ri, ws, we, &rc)) {
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
		lw_note_window(sc, ri, ws, we, first);
	return rc;
}

/* notes a hit in an anchored rule's open window */
static void lw_note_start(lw_scanner *sc, uint32_t ri, size_t at)
{
	lw_hitstarts *h = &sc->starts[ri];

	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		size_t *v = lw_reallocarray(h->v, cap, sizeof(size_t));
		if (!v) {
			h->lost = 1;
			return;
		}
		h->v = v;
		h->cap = cap;
	}
	h->v[h->n++] = at;
}

static int lw_on_keyword(uint32_t kw, size_t end, void *payload)
{
	lw_scanner *sc = payload;
	const unsigned char *d = sc->chunk->data;
	size_t len = sc->chunk->len, mw = sc->opts.max_window;
	uint32_t ri = sc->rs->kw_rules[kw];
	lw_rule *r = &sc->rs->rules[ri];
	size_t hit = end - sc->rs->kw_len[kw], ws, we, limit;
	int rc;

	if (sc->opts.only_rule >= 0 && (size_t)sc->opts.only_rule != ri)
		return 0;
	/* a delta of a blob at another path finds no window noted for this
	 * rule there, so it runs the regex itself: skipping is safe */
	if ((r->paths.n || r->allow.paths.n) && !lw_scan__rule_path_ok(sc, ri))
		return 0;
	/* A hit where the anchored regex cannot match (gate.c) widens an open
	 * window as before, and closes one it lies past, but opens none and is
	 * not tried: a window it would have opened holds no match before the
	 * next live hit, whose own window ends where that one would have
	 * (window ends grow with the hit's end), so the candidates are the
	 * same. */
	int shut = r->anchored && __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == 1 && r->gate &&
		   lw_rule_gate_shut(r, d, len, hit);
	if (sc->is_active[ri] && hit <= sc->win_end[ri] && !r->window) {
		/* inside the open window: only bytes past its end can widen it, so
		 * a line dense with hits costs one pass, not one per hit */
		limit = end + mw < len ? end + mw : len;
		if (limit > sc->win_end[ri])
			sc->win_end[ri] = lw_line_end(d, limit,
				end > sc->win_end[ri] ? end : sc->win_end[ri]);
		if (r->anchored && !shut)
			lw_note_start(sc, ri, hit);
		return 0;
	}
	if (shut && !sc->is_active[ri])
		return 0;
	ws = lw_line_start(d, hit, hit > mw ? hit - mw : 0);
	limit = end + mw < len ? end + mw : len;
	we = lw_line_end(d, limit, end);
	if (r->window) {
		size_t ext = we + r->window < len ? we + r->window : len;
		we = lw_line_end(d, ext + mw < len ? ext + mw : len, ext);
	}
	if (sc->is_active[ri]) {
		if (ws <= sc->win_end[ri]) {
			if (we > sc->win_end[ri])
				sc->win_end[ri] = we;
			if (r->anchored && !shut)
				lw_note_start(sc, ri, hit);
			return 0;
		}
		if ((rc = lw_flush(sc, ri)) < 0 || shut)
			return rc < 0 ? rc : 0;
	} else if (!sc->listed[ri]) {
		sc->listed[ri] = 1;
		sc->active[sc->nactive++] = ri;
	}
	sc->is_active[ri] = 1;
	sc->win_start[ri] = ws;
	sc->win_end[ri] = we;
	if (r->anchored)
		lw_note_start(sc, ri, hit);
	return 0;
}

static int lw_on_keyword_rec(uint32_t kw, size_t end, void *payload)
{
	lw_scanner *sc = payload;
	lw_kwhits *h = sc->rec;

	if (h->valid) {
		if (h->n == h->cap) {
			size_t cap = h->cap ? h->cap * 2 : 64;
			lw_kwhit *v = cap <= LW_MAX_KEPT_HITS ? lw_reallocarray(h->v, cap, sizeof(*v)) : NULL;
			if (v) {
				h->v = v;
				h->cap = cap;
			}
		}
		if (h->n < h->cap)
			h->v[h->n++] = (lw_kwhit){ end, kw, (uint32_t)sc->rs->kw_len[kw] };
		else
			h->valid = 0;
	}
	return lw_on_keyword(kw, end, payload);
}

int lw_scan__collect(lw_scanner *sc)
{
	int rc = 0;

	if (sc->given) {
		for (size_t i = 0; i < sc->ngiven && rc == 0; i++)
			rc = lw_on_keyword(sc->given[i].kw, (size_t)sc->given[i].end, sc);
	} else if (sc->rec) {
		rc = lw_ac_scan(sc->rs->ac, sc->chunk->data, sc->chunk->len, lw_on_keyword_rec, sc);
		if (rc)
			sc->rec->valid = 0;
	} else {
		rc = lw_ac_scan(sc->rs->ac, sc->chunk->data, sc->chunk->len, lw_on_keyword, sc);
	}
	for (size_t i = 0; i < sc->nactive; i++) {
		int frc = sc->is_active[sc->active[i]] ? lw_flush(sc, sc->active[i]) : 0;
		sc->listed[sc->active[i]] = 0;
		if (!rc)
			rc = frc;
	}
	sc->nactive = 0;
	for (size_t i = 0; !rc && i < sc->rs->nalways; i++) {
		size_t ri = sc->rs->always[i];
		if ((sc->opts.only_rule < 0 || (size_t)sc->opts.only_rule == ri) &&
		    lw_scan__rule_path_ok(sc, ri))
			rc = lw_scan__run_rule(sc, ri, 0, sc->chunk->len);
	}
	return rc;
}
