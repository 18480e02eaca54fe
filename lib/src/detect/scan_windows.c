/* scan_windows.c - the keyword pass: each hit opens or widens its rule's
 * window of lines around it; a window is searched once when it closes
 * (scan_flush.c). A delta's hits inside windows taken whole from its base
 * go to the stretch pass (scan_stretch.c) instead. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

/* notes a hit in an anchored rule's open window */
static void lw_note_start(lw_scanner *sc, uint32_t ri, size_t at)
{
	lw_hitstarts *h = &sc->starts[ri];

	if (LW_GROW(h->v, h->cap, h->n, 16) < 0) {
		h->lost = 1;
		return;
	}
	h->v[h->n++] = at;
}

/* 1 when rule ri's `paths` (or its allowlist's) leave the chunk out: its
 * hits there are nothing to the keyword pass. The answer remembered for
 * the chunk, not the rule's own fields: four cache lines away. */
static inline int lw_rule_path_off(lw_scanner *sc, uint32_t ri)
{
	return !lw_scan__rule_path_ok(sc, ri);
}

/* A shut hit (shut: its gate's answer) is left out of noted lists when its
 * gate read no byte past the keyword (kl bytes) */
static inline int lw_left_out(const lw_rule *r, uint32_t kl, int shut)
{
	return shut && r->gate_nlit <= kl;
}

int lw_scanner_hit_left_out(const lw_scanner *sc, uint32_t kw, const unsigned char *d, size_t len,
	uint64_t end)
{
	const lw_rule *r = &sc->rs->rules[sc->rs->kw_rules[kw]];
	uint32_t kl = sc->rs->kw_len[kw];

	return lw_left_out(r, kl, lw_scan__gate_shut(r, d, len, (size_t)end - kl));
}

/* The keyword pass at a hit of keyword kw ending at `end`; shut: the
 * rule's gate there, -1 when not asked yet */
static int lw_keyword_hit(lw_scanner *sc, uint32_t kw, size_t end, int shut)
{
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
	if (lw_rule_path_off(sc, ri))
		return 0;
	/* A hit where the anchored regex cannot match (gate.c) is nothing to
	 * the pass: it neither opens a window nor widens or closes one. A
	 * window is the lines around the hits where the rule can match, not
	 * around every spelling of its keywords ("CURLOPT" for "curl"). */
	if (shut < 0 ? lw_scan__gate_shut(r, d, len, hit) : shut)
		return 0;
	if (sc->is_active[ri] && hit <= sc->win_end[ri] && !r->window) {
		/* inside the open window: only bytes past its end can widen it, so
		 * a line dense with hits costs one pass, not one per hit */
		limit = end + mw < len ? end + mw : len;
		/* a window ending at a line end the hit lies before stays:
		 * lw_line_end from there stops where it starts */
		size_t at = sc->win_end[ri];
		if (limit > at && (end > at || (d[at] != '\n' && d[at] != '\r')))
			sc->win_end[ri] = lw_line_end(d, limit, end > at ? end : at);
		if (r->anchored)
			lw_note_start(sc, ri, hit);
		return 0;
	}
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
			if (r->anchored)
				lw_note_start(sc, ri, hit);
			return 0;
		}
		if ((rc = lw_scan__flush(sc, ri)) < 0)
			return rc;
	}
	lw_scan__open(sc, ri, ws, we);
	if (r->anchored)
		lw_note_start(sc, ri, hit);
	return 0;
}

static int lw_on_keyword(uint32_t kw, size_t end, void *payload)
{
	return lw_keyword_hit(payload, kw, end, -1);
}

/* lw_on_keyword, noting the hit for the chunk's deltas */
static int lw_on_keyword_rec(uint32_t kw, size_t end, void *payload)
{
	lw_scanner *sc = payload;
	lw_kwhits *h = sc->rec;
	uint32_t ri = sc->rs->kw_rules[kw];

	/* Not noted either, the rule listed instead (lw_kwhits.off): the list
	 * serves deltas at paths that leave the rule out too. */
	if (lw_rule_path_off(sc, ri)) {
		if (!(sc->pok[ri] & 2) && h->valid) {
			sc->pok[ri] |= 2;
			if (LW_GROW(h->off, h->capoff, h->noff, 16) < 0)
				h->valid = 0;
			else
				h->off[h->noff++] = ri;
		}
		return 0;
	}
	/* Nor are hits the gate shuts, when it read no byte past the keyword:
	 * nothing to any pass (lw_on_keyword). A delta's hit is moved from
	 * its base's list only with the byte before it (deltahits.c), so its
	 * gate reads what the base's did. */
	const lw_rule *r = &sc->rs->rules[ri];
	uint32_t kl = sc->rs->kw_len[kw];
	int shut = lw_scan__gate_shut(r, sc->chunk->data, sc->chunk->len, end - kl);
	if (lw_left_out(r, kl, shut))
		return 0;
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
			h->v[h->n++] = (lw_kwhit){ end, kw, kl };
		else
			h->valid = 0;
	}
	return lw_keyword_hit(sc, kw, end, shut);
}

int lw_scan__collect(lw_scanner *sc)
{
	int rc = 0;

	lw_scan__stretch_start(sc);
	if (sc->given && sc->sk_on) {
		for (size_t i = 0; i < sc->ngiven && rc == 0; i++) {
			uint64_t end = sc->given[i].end;
			uint32_t kw = sc->given[i].kw;
			const lw_stretch *s = &sc->sk[sc->rs->kw_rules[kw]];
			/* most hits are no window's the stretch pass armed, or
			 * lie in one it took */
			if (end < sc->sk_next) {
				if (s->gen != sc->sk_gen || s->state == LW_SK_NONE || end < s->ws) {
					rc = lw_on_keyword(kw, (size_t)end, sc);
					continue;
				}
				if (s->state == LW_SK_OPEN && end <= s->we)
					continue;
			}
			rc = lw_scan__stretch_hit(sc, kw, end);
			rc = rc ? (rc < 0 ? rc : 0) : lw_on_keyword(kw, (size_t)end, sc);
		}
	} else if (sc->given) {
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
		int frc = sc->is_active[sc->active[i]] ? lw_scan__flush(sc, sc->active[i]) : 0;
		sc->listed[sc->active[i]] = 0;
		if (!rc)
			rc = frc;
	}
	sc->nactive = 0;
	/* Rules without keywords are mostly a credential file's, limited by
	 * `paths`: when none is open to all paths and the joined `paths`
	 * regex refuses the chunk's, none of them runs, and their own answers
	 * (a cache line of each rule) need not be asked. */
	const lw_chunk *ch = sc->chunk;
	if (sc->rs->nalways && !sc->rs->nalways_open && !sc->paths.any_path &&
	    !lw_paths_may_match(&sc->paths, sc->rs, ch->fingerprint_path ? ch->fingerprint_path : ch->path, sc->md))
		return rc;
	for (size_t i = 0; !rc && i < sc->rs->nalways; i++) {
		size_t ri = sc->rs->always[i];
		if ((sc->opts.only_rule < 0 || (size_t)sc->opts.only_rule == ri) &&
		    lw_scan__rule_path_ok(sc, ri))
			rc = lw_scan__run_rule(sc, ri, 0, sc->chunk->len);
	}
	return rc;
}
