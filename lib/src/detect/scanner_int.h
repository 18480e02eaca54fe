/* scanner_int.h - the scanner's state, shared by the files of its passes
 * (detect/scan_*.c); semi-private, lw_scan__ functions. Lowest first:
 * scan_filters.c, scan_candidates.c (regexes run, candidates kept and
 * deduplicated), scan_flush.c (a window closes), scan_stretch.c (a
 * delta's windows taken from its base's), scan_windows.c (keyword hits to
 * regex windows), scan_emit.c (a candidate to a finding), scanner.c (the
 * chunk). */
#ifndef LW_DETECT_SCANNER_INT_H
#define LW_DETECT_SCANNER_INT_H

#include "internal.h"

typedef struct lw_hitstarts {
	size_t *v;
	size_t n, cap;
	int lost; /* a start could not be noted: search the window whole */
} lw_hitstarts;

/* A rule's state in the stretch pass (scan_stretch.c): a base window
 * armed for the delta, or open with its hits skipped. */
typedef struct lw_stretch {
	uint64_t ws, we;  /* armed: the delta's image of a base window */
	int64_t shift;    /* delta offset less base offset */
	uint32_t k;       /* the window's index in the base's */
	uint32_t gen;     /* the chunk the entry is for (sk_gen) */
	uint8_t state;    /* LW_SK_* */
	uint8_t open;     /* the rule's open window is base window ok, moved */
	uint32_t ok;
	int64_t oshift;
} lw_stretch;

enum { LW_SK_NONE, LW_SK_ARMED, LW_SK_OPEN };

typedef struct lw_cand {
	size_t rule;
	size_t off, len;   /* whole match */
	size_t soff, slen; /* secret */
	int drop;
} lw_cand;

struct lw_scanner {
	lw_ruleset *rs;
	int in_strings;    /* scanning the printable runs of binary content */
	lw_scan_options opts;
	pcre2_match_data *md;
	pcre2_match_context *mctx;
	pcre2_jit_stack *jstack;
	size_t *win_start, *win_end;
	size_t *win_slot; /* per rule: its open window's record (lw_wins_reserve) */
	uint32_t *active; /* rules with an open window */
	uint8_t *is_active;
	uint8_t *listed;  /* in active[]: a window closed early may open again */
	lw_hitstarts *starts; /* per rule: the hit starts of its open window,
				 for rules anchored at their keywords */
	size_t nactive;
	lw_cand *cands;
	size_t ncands, capcands;
	int cands_full; /* this chunk reached LW_MAX_CANDS_PER_CHUNK */
	size_t allow_ls, allow_le; /* the last line checked for leakwalk:allow */
	int allow_hit;
	uint64_t limit_hits;
	uint32_t *lim_gen, *lim_n; /* per rule: regex limit hits in chunk lim_gen */
	uint32_t gen;              /* the chunk being scanned, for lim_gen and pok_gen */
	uint32_t *pok_gen;         /* per rule: pok[] holds its path answer for chunk pok_gen
				      (bit 0), and whether the rule is in the noted
				      hits' off list (bit 1) */
	uint8_t *pok;
	lw_scanner *child; /* scans decoded runs, created on first use */
	const lw_chunk *chunk;
	const lw_sink *sink;
	int rc;
	const lw_kwhit *given; /* the keyword pass, when the caller has it */
	size_t ngiven;
	lw_kwhits *rec;        /* where to record the keyword pass */
	const lw_passes *passes; /* the base64/hex runs, given or to note */
	size_t wins_hint[2];     /* where the last lookup of a base window ended */
	int chunk_matched;     /* the last chunk went through the keyword pass */
	lw_pathstate paths;    /* which rules' `paths` admit the chunk's path */
	lw_stretch *sk;        /* per rule, the stretch pass (scan_stretch.c) */
	uint32_t sk_gen;
	int sk_on;             /* the chunk's hits are given with a base's windows */
	size_t sk_op, sk_k;    /* the next base window to arm: ops[sk_op], wins[sk_k]
				  (SIZE_MAX: not looked up yet) */
	size_t sk_last;        /* where the last copy's windows ended */
	uint64_t sk_next;      /* its start in the delta; UINT64_MAX: none left */
	uint64_t sk_taken;     /* windows taken whole from a base (tests) */
};

#define LW_MAX_CANDS_PER_CHUNK 100000
/* A rule whose regex hits a limit this often in one chunk stops there: each
 * hit costs up to the match limit (milliseconds), and a line of 50,000 bytes
 * can hold a keyword hit per byte. */
#define LW_MAX_LIMIT_HITS_PER_RULE 3
#define LW_LINE_TEXT_MAX 400

typedef struct lw_cursor {
	size_t pos;
	uint32_t line;
	size_t line_start;
	size_t line_end, end_of; /* end of the line starting at end_of - 1 */
} lw_cursor;

/* scan_filters.c */
int lw_scan__rule_path_ok_slow(lw_scanner *sc, size_t ri);

/* Does rule ri's `paths` admit the chunk's path: the answer of pathrule.c,
 * asked once per chunk and rule (a keyword hit of a rule limited to other
 * paths asks it at every hit). */
static inline int lw_scan__rule_path_ok(lw_scanner *sc, size_t ri)
{
	return sc->pok_gen[ri] == sc->gen ? sc->pok[ri] & 1 : lw_scan__rule_path_ok_slow(sc, ri);
}

/* Lists rule ri in active[] (once per chunk), whose windows left open at
 * the chunk's end close in that order */
static inline void lw_scan__list(lw_scanner *sc, uint32_t ri)
{
	if (!sc->listed[ri]) {
		sc->listed[ri] = 1;
		sc->active[sc->nactive++] = ri;
	}
}

/* 1 when rule r's regex cannot match at a hit at `hit` of d[0, len)
 * (gate.c): such a hit is nothing to the keyword pass, nor to the stretch
 * pass, which must agree with it. The gate's fields are read after state,
 * which publishes them. */
static inline int lw_scan__gate_shut(const lw_rule *r, const unsigned char *d, size_t len, size_t hit)
{
	return r->anchored && __atomic_load_n(&r->state, __ATOMIC_ACQUIRE) == 1 && r->gate &&
	       lw_rule_gate_shut(r, d, len, hit);
}
void lw_scan__diag(lw_scanner *sc, const lw_rule *r, size_t off, const char *msg);
int lw_scan__secret_rejected(lw_scanner *sc, size_t rule, size_t soff, size_t slen);
int lw_scan__line_has_allow(lw_scanner *sc, size_t ls, size_t le);
void lw_scan__cand_filter(lw_scanner *sc, lw_cand *c);

/* scan_candidates.c */
int lw_scan__cand_add(lw_scanner *sc, size_t rule, size_t off, size_t len, size_t soff, size_t slen);
int lw_scan__rule_gave_up(lw_scanner *sc, size_t ri);
int lw_scan__run_rule(lw_scanner *sc, size_t ri, size_t ws, size_t we);
int lw_scan__run_anchored(lw_scanner *sc, size_t ri, size_t ws, size_t we);
int lw_scan__cand_cmp(const void *a, const void *b);
void lw_scan__cands_dedup(lw_scanner *sc);

/* scan_flush.c: rule ri's window [ws, we) opens; its open window closes */
void lw_scan__open(lw_scanner *sc, uint32_t ri, size_t ws, size_t we);
int lw_scan__flush(lw_scanner *sc, uint32_t ri);

/* scan_windows.c: the keyword pass and the regex windows of the chunk */
int lw_scan__collect(lw_scanner *sc);

/* scan_stretch.c: a delta's windows taken whole from its base's, their
 * hits skipped. start: before the hits; hit: 1 when the stretch pass took
 * the hit (nothing more to do), 0 when it is the keyword pass's, < 0 */
void lw_scan__stretch_start(lw_scanner *sc);
int lw_scan__stretch_hit(lw_scanner *sc, uint32_t ri, uint64_t end);

/* scan_emit.c */
int lw_scan__emit(lw_scanner *sc, const lw_cand *c, lw_cursor *cur);

#endif
