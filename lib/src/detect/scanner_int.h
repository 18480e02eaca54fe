/* scanner_int.h - the scanner's state, shared by the files of its passes
 * (detect/scan_*.c); semi-private, lw_scan__ functions. Lowest first:
 * scan_filters.c, scan_candidates.c (regexes run, candidates kept and
 * deduplicated), scan_windows.c (keyword hits to regex windows),
 * scan_emit.c (a candidate to a finding), scanner.c (the chunk). */
#ifndef LW_DETECT_SCANNER_INT_H
#define LW_DETECT_SCANNER_INT_H

#include "internal.h"

typedef struct lw_hitstarts {
	size_t *v;
	size_t n, cap;
	int lost; /* a start could not be noted: search the window whole */
} lw_hitstarts;

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
	uint32_t gen;              /* the chunk being scanned, for lim_gen */
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
int lw_scan__rule_path_ok(lw_scanner *sc, size_t ri);
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

/* scan_windows.c: the keyword pass and the regex windows of the chunk */
int lw_scan__collect(lw_scanner *sc);

/* scan_emit.c */
int lw_scan__emit(lw_scanner *sc, const lw_cand *c, lw_cursor *cur);

#endif
