/*
 * scanner.c - the matcher: keyword hits select rules, each selected rule's
 * regex runs only on bounded windows around its hits, candidates are
 * filtered and handed to the sink in order of position. This file holds
 * the scanner and one chunk's run through the passes (scan_windows.c,
 * scan_candidates.c, scan_filters.c, scan_emit.c), then the decoding pass,
 * whose decoded text a child scanner one level deeper scans.
 */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

int lw_scanner_new(lw_scanner **out, const lw_ruleset *rs, const lw_scan_options *opts)
{
	lw_scanner *sc = calloc(1, sizeof(*sc));
	lw_scan_options defaults = LW_SCAN_OPTIONS_INIT;
	size_t n = rs->n ? rs->n : 1;

	*out = NULL;
	if (!sc)
		return LW_ENOMEM;
	sc->rs = (lw_ruleset *)rs;
	sc->opts = opts ? *opts : defaults;
	if (sc->opts.max_window == 0)
		sc->opts.max_window = defaults.max_window;
	sc->md = pcre2_match_data_create(32, NULL);
	sc->mctx = pcre2_match_context_create(NULL);
	sc->jstack = pcre2_jit_stack_create(32 * 1024, 1024 * 1024, NULL);
	sc->win_start = calloc(n, sizeof(size_t));
	sc->win_end = calloc(n, sizeof(size_t));
	sc->win_slot = calloc(n, sizeof(size_t));
	sc->active = calloc(n, sizeof(uint32_t));
	sc->is_active = calloc(n, 1);
	sc->listed = calloc(n, 1);
	sc->starts = calloc(n, sizeof(lw_hitstarts));
	sc->lim_gen = calloc(n, sizeof(uint32_t));
	sc->lim_n = calloc(n, sizeof(uint32_t));
	sc->pok_gen = calloc(n, sizeof(uint32_t));
	sc->pok = calloc(n, 1);
	sc->sk = calloc(n, sizeof(lw_stretch));
	if (!sc->md || !sc->mctx || !sc->jstack || !sc->win_start || !sc->win_end || !sc->win_slot ||
	    !sc->active || !sc->is_active || !sc->listed || !sc->starts || !sc->lim_gen || !sc->lim_n || !sc->sk ||
	    !sc->pok_gen || !sc->pok ||
	    lw_pathstate_init(&sc->paths, n) < 0) {
		lw_scanner_free(sc);
		return LW_ENOMEM;
	}
	pcre2_set_match_limit(sc->mctx, sc->opts.match_limit);
	pcre2_set_depth_limit(sc->mctx, sc->opts.match_limit);
	pcre2_set_heap_limit(sc->mctx, sc->opts.heap_limit_kib);
	pcre2_jit_stack_assign(sc->mctx, NULL, sc->jstack);
	*out = sc;
	return 0;
}

void lw_scanner_free(lw_scanner *sc)
{
	if (!sc)
		return;
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mctx);
	pcre2_jit_stack_free(sc->jstack);
	free(sc->win_start);
	free(sc->win_end);
	free(sc->win_slot);
	free(sc->active);
	free(sc->is_active);
	free(sc->listed);
	for (size_t i = 0; sc->starts && i < sc->rs->n; i++)
		free(sc->starts[i].v);
	free(sc->starts);
	lw_pathstate_release(&sc->paths);
	free(sc->lim_gen);
	free(sc->lim_n);
	free(sc->pok_gen);
	free(sc->pok);
	free(sc->sk);
	free(sc->cands);
	lw_scanner_free(sc->child);
	free(sc);
}

const lw_scan_options *lw_scanner_options(const lw_scanner *sc)
{
	return &sc->opts;
}

const lw_ruleset *lw_scanner_ruleset(const lw_scanner *sc)
{
	return sc->rs;
}

pcre2_match_data *lw_scanner_match_data(lw_scanner *sc)
{
	return sc->md;
}

lw_pathstate *lw_scanner_pathstate(lw_scanner *sc)
{
	return &sc->paths;
}

void lw_scanner_any_path(lw_scanner *sc)
{
	sc->paths.any_path = 1;
}

void lw_scanner_note_limit(lw_scanner *sc)
{
	sc->limit_hits++;
}

uint64_t lw_scanner_limit_hits(const lw_scanner *sc)
{
	return sc->limit_hits + (sc->child ? lw_scanner_limit_hits(sc->child) : 0);
}

const lw_ac *lw_scanner_automaton(const lw_scanner *sc)
{
	return sc->rs->ac;
}

uint64_t lw_scanner_stretch_taken(const lw_scanner *sc)
{
	return sc->sk_taken;
}

uint32_t lw_scanner_keyword_len(const lw_scanner *sc, uint32_t kw)
{
	return (uint32_t)sc->rs->kw_len[kw];
}

int lw_scanner_scan_passes(lw_scanner *sc, const lw_chunk *chunk, const lw_sink *sink,
	const lw_passes *p)
{
	int rc;

	sc->given = p->hits;
	sc->ngiven = p->nhits;
	sc->rec = p->hits ? NULL : p->rec_hits;
	sc->passes = p;
	sc->wins_hint[0] = sc->wins_hint[1] = 0;
	if (sc->rec) {
		sc->rec->n = 0;
		sc->rec->noff = 0;
		sc->rec->valid = 1;
	}
	if (p->rec_runs && !p->have_runs)
		p->rec_runs->valid = 0; /* until the decoding pass runs */
	if (p->rec_wins)
		lw_wins_reset(p->rec_wins);
	rc = lw_scanner_scan(sc, chunk, sink);
	if (p->rec_wins && (rc < 0 || !sc->chunk_matched))
		p->rec_wins->valid = 0;
	if (p->rec_wins)
		lw_wins_finish(p->rec_wins);
	if (p->rec_hits && !p->hits && (rc < 0 || !sc->chunk_matched))
		p->rec_hits->valid = 0;
	if (p->rec_runs && !p->have_runs && rc < 0)
		p->rec_runs->valid = 0;
	sc->given = NULL;
	sc->ngiven = 0;
	sc->rec = NULL;
	sc->passes = NULL;
	return rc;
}

/* Decoded text is scanned by a child scanner one decoding level deeper,
 * created on first use with the decoding budget left then. */
static int lw_scan_child(void *p, const lw_chunk *decoded, size_t budget, const lw_sink *sink)
{
	lw_scanner *sc = p;

	if (!sc->child) {
		lw_scan_options co = sc->opts;
		co.decode_depth--;
		co.decode_max = budget;
		if (lw_scanner_new(&sc->child, sc->rs, &co) < 0)
			return LW_ENOMEM;
	}
	return lw_scanner_scan(sc->child, decoded, sink);
}

static void lw_scan_note_limit(void *p)
{
	lw_scanner_note_limit(p);
}

int lw_scanner_scan(lw_scanner *sc, const lw_chunk *chunk, const lw_sink *sink)
{
	lw_cursor cur = { 0, 0, 0, 0, 0 };
	int rc;

	sc->chunk_matched = 0;
	if (!sc->rs->finalized)
		return LW_ERROR;
	const char *rel = chunk->fingerprint_path ? chunk->fingerprint_path : chunk->path;
	if (lw_path_list_matches(&sc->rs->allow.paths, rel, strlen(rel), sc->md))
		return 0;
	sc->chunk = chunk;
	sc->sink = sink;
	lw_pathstate_next_chunk(&sc->paths);
	if (++sc->gen == 0) {
		memset(sc->lim_gen, 0, sc->rs->n * sizeof(uint32_t));
		memset(sc->pok_gen, 0, sc->rs->n * sizeof(uint32_t));
		sc->gen = 1;
	}
	sc->ncands = 0;
	sc->cands_full = 0;
	sc->allow_ls = sc->allow_le = SIZE_MAX;
	rc = lw_scan__collect(sc);
	sc->chunk_matched = 1;
	if (rc >= 0 && sc->ncands) {
		qsort(sc->cands, sc->ncands, sizeof(*sc->cands), lw_scan__cand_cmp);
		for (size_t i = 0; i < sc->ncands; i++)
			lw_scan__cand_filter(sc, &sc->cands[i]);
		lw_scan__cands_dedup(sc);
		/* an identifier is never reported alone, only as context;
		 * a scan restricted to its rule (rule tests) shows it */
		for (size_t i = 0; rc >= 0 && i < sc->ncands; i++)
			if (!sc->cands[i].drop && (!sc->rs->rules[sc->cands[i].rule].info.identifier ||
						   sc->opts.only_rule >= 0))
				rc = lw_scan__emit(sc, &sc->cands[i], &cur);
	}
	sc->chunk = NULL;
	sc->sink = NULL;
	if (rc >= 0 && sc->opts.decode_depth > 0 && sc->opts.only_rule < 0) {
		const lw_passes *p = sc->passes;
		lw_decoder dec = { sc->opts.decode_depth, sc->opts.decode_max, lw_scan_child,
			lw_scan_note_limit, sc };
		rc = p ? lw_scan_decoded(&dec, chunk, sink, p->runs, p->nruns, p->have_runs,
				 p->have_runs && p->no_escape, p->have_runs ? NULL : p->rec_runs)
		       : lw_scan_decoded(&dec, chunk, sink, NULL, 0, 0, 0, NULL);
	}
	return rc;
}

void lw_scanner_set_strings(lw_scanner *sc, int on)
{
	sc->in_strings = on;
}
