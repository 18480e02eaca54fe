/* detect.h - the matcher's interface inside the library: passes that can
 * be reused through deltas (keyword hits, encoded runs, regex windows), the
 * decoding pass, path answers, binary strings.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_DETECT_H
#define LW_DETECT_H

/* 1 if a path is in tests, fixtures, examples or documentation (confidence.c) */
int lw_path_is_soft(const char *path);

/* Scans the printable runs of binary content d[0, n) (strings.c), placed
 * as `where` says (path, fingerprint path); findings carry the original's
 * line, column and offset, and the chain "strings@N". */
int lw_strings_scan(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	const lw_sink *sink);

/* Counts a bound reached outside the scanner's own passes (coverage
 * incomplete, in lw_scanner_limit_hits). */
void lw_scanner_note_limit(lw_scanner *sc);

/* A keyword hit: the keyword ends at byte `end` (exclusive) and is `len`
 * bytes long. The automaton reports hits by end, longer keywords first. */
typedef struct lw_kwhit {
	uint64_t end;
	uint32_t kw, len;
} lw_kwhit;

typedef struct lw_kwhits {
	lw_kwhit *v;
	size_t n, cap;
	int valid; /* every hit of the chunk is here, but the off rules' and
		      those left out (lw_scanner_hit_left_out) */
	/* Rules whose hits are left out, each once: those whose `paths` (or
	 * allow.paths) left out the path of the chunk the list was noted for.
	 * The list serves a chunk at another path only when that path leaves
	 * every one of them out too (lw_scanner_rules_off). */
	uint32_t *off;
	size_t noff, capoff;
	void *work; /* lw_hits_derive's buffers, kept from call to call */
} lw_kwhits;

#define LW_MAX_KEPT_HITS 65536

void lw_kwhits_release(lw_kwhits *h);
/* 1 when path leaves out every rule of rules[0..n) (their `paths` or
 * allow.paths): a hit list noted at another path without those rules'
 * hits (lw_kwhits.off) is then exact for a chunk at path too */
int lw_scanner_rules_off(lw_scanner *sc, const uint32_t *rules, size_t n, const char *path);

/* A base64 or hex run to decode: what the run finder of decode.c gives,
 * in order of start. */
typedef struct lw_encrun {
	uint64_t start;
	uint32_t len, enc;
} lw_encrun;

typedef struct lw_encruns {
	lw_encrun *v;
	size_t n, cap;
	int valid; /* every run of the chunk is here */
	/* 1: the chunk holds no %XX escape, so no percent-encoded run (the
	 * decoding pass looked, or the delta's base held none and neither do
	 * the delta's own bytes); 0: it may */
	int no_escape;
} lw_encruns;

#define LW_MAX_KEPT_RUNS 65536

void lw_encruns_release(lw_encruns *r);

/* A regex window of a scanned chunk (rule, [ws, we)) with the candidates
 * it gave (cands[first..first+n)), kept for the chunk's deltas: a delta's
 * window with the same bounds over the same bytes gives the same. */
typedef struct lw_winrec {
	uint64_t ws, we;
	uint32_t rule, first, n;
} lw_winrec;

typedef struct lw_candrec {
	uint64_t off, soff;
	uint32_t len, slen;
} lw_candrec;

typedef struct lw_wins {
	lw_winrec *w;
	size_t nw, capw;
	lw_candrec *c;
	size_t nc, capc;
	int valid; /* every window of the chunk is here, in order of (ws, rule) */
} lw_wins;

#define LW_MAX_KEPT_WINS 65536

void lw_wins_release(lw_wins *w);

void lw_wins_reset(lw_wins *w);

/* A window (rule, ws) takes a place as it opens (SIZE_MAX when valid is
 * cleared); when it closes, fill gives its end, then its candidates are
 * added one by one, before another window is filled. valid is cleared
 * when they cannot be kept. */
size_t lw_wins_reserve(lw_wins *w, uint32_t rule, uint64_t ws);

void lw_wins_fill(lw_wins *w, size_t slot, uint64_t we);

void lw_wins_cand(lw_wins *w, size_t slot, uint64_t off, uint64_t len, uint64_t soff, uint64_t slen);

/* sorts the windows by (ws, rule), as lw_wins_find needs them */
void lw_wins_finish(lw_wins *w);

struct lw_copyop;

/* The base's window a delta's window [ws, we) of `rule` repeats: the copy
 * holding the window and the lb bytes before it (what lookbehinds see)
 * maps it onto a base window with the same bounds. Its candidates then
 * move by *shift. NULL when there is none. hint: where the last lookup
 * ended in ops and w (start at 0). */
const lw_winrec *lw_wins_find(const lw_winrec *w, size_t nw, const struct lw_copyop *ops, size_t nops,
	uint32_t rule, uint64_t ws, uint64_t we, uint64_t lb, int64_t *shift, size_t hint[2]);

/* What is known of a chunk's passes, or where to note them: for a caller
 * that works a delta's passes out from its base's (history.c). */
typedef struct lw_passes {
	const lw_kwhit *hits;  /* the keyword pass: the automaton's hits in its
				  order, exactly, but for those of rules whose
				  `paths` leave the chunk out, which may be
				  missing; NULL: run it */
	size_t nhits;
	const lw_encrun *runs; /* the base64/hex runs, exactly; with have_runs */
	size_t nruns;
	int have_runs;
	int no_escape;         /* with have_runs: the chunk holds no %XX escape */
	const lw_winrec *wins; /* the base's regex windows and candidates, with */
	size_t nwins;
	const lw_candrec *cands;
	const struct lw_copyop *ops; /* the delta's copies that map onto the base */
	size_t nops;
	lw_kwhits *rec_hits;   /* where to note the passes that were run; a list
				  is valid only when the whole chunk was matched.
				  Hits of rules the chunk's path leaves out are
				  not noted: the list serves only deltas at the
				  same path */
	lw_encruns *rec_runs;
	lw_wins *rec_wins;
} lw_passes;

int lw_scanner_scan_passes(lw_scanner *sc, const lw_chunk *chunk, const lw_sink *sink,
	const lw_passes *p);

/* A blob's keyword hits from its delta base's hits bh (deltahits.c); 0, or
 * -1 with out->valid cleared when they cannot be worked out. base: the
 * base's bytes (blen), which spare the automaton where a copied run begins
 * after the same byte as in the base; NULL: it runs there every time. */
int lw_hits_derive(const lw_scanner *sc, const lw_kwhit *bh, size_t nbh, const struct lw_copyop *ops,
	size_t nops, const unsigned char *d, size_t len, const unsigned char *base, size_t blen,
	lw_kwhits *out);
/* out's off rules (lw_kwhits.off) are the base's, off[0..n): the moved
 * hits leave them out. -1 (valid cleared) without memory. */
int lw_hits_set_off(lw_kwhits *out, const uint32_t *off, size_t n);

uint32_t lw_scanner_keyword_len(const lw_scanner *sc, uint32_t kw);
/* 1 when the hit of keyword kw ending at `end` of d[0, len) is left out of
 * noted lists: its rule's gate is shut there (gate.c) and read no byte past
 * the keyword, so the hit is nothing to any pass (scan_windows.c) */
int lw_scanner_hit_left_out(const lw_scanner *sc, uint32_t kw, const unsigned char *d, size_t len,
	uint64_t end);

/* the regex windows of deltas taken whole from their base's windows, their
 * hits skipped (scan_stretch.c), since the scanner was made */
uint64_t lw_scanner_stretch_taken(const lw_scanner *sc);

/* How the decoding pass has decoded text scanned, without knowing the
 * scanner (which owns the recursion): scan() runs the text one decoding
 * level deeper, `budget` being the bytes of decoding left when it is the
 * first; note_limit() counts a bound reached (incomplete coverage). */
typedef struct lw_decoder {
	int depth;  /* decoding levels left; 0: nothing is decoded */
	size_t max; /* bytes of encoded text decoded per chunk */
	int (*scan)(void *payload, const lw_chunk *decoded, size_t budget, const lw_sink *sink);
	void (*note_limit)(void *payload);
	void *payload;
} lw_decoder;

/* Finds base64, hex and percent-encoded runs, decodes them and has
 * `dec` scan the decoded text, reporting through `sink` at the run's place.
 * Base64/hex runs are given (have_runs), or found and, when rec is not
 * NULL, noted there. */
int lw_scan_decoded(const lw_decoder *dec, const lw_chunk *chunk, const lw_sink *sink,
	const lw_encrun *runs, size_t nruns, int have_runs, int no_escape, lw_encruns *rec);

/* A blob's base64/hex runs from its delta base's (decode.c): 0, or -1
 * with out->valid cleared. */
int lw_encruns_derive(const lw_encrun *br, size_t nbr, int base_no_escape, const struct lw_copyop *ops,
	size_t nops, const unsigned char *d, size_t len, lw_encruns *out);

const lw_scan_options *lw_scanner_options(const lw_scanner *sc);

pcre2_match_data *lw_scanner_match_data(lw_scanner *sc);

/* `rules test`: a rule limited by `paths` runs on any path (its examples
 * are text without one) */
void lw_scanner_any_path(lw_scanner *sc);

/* Path rules: reports each rule whose `paths` match the file's path
 * (fingerprint_path, else path), once, at line 1 column 1, the secret
 * being that path. For every file, text or binary, whatever its size. */
int lw_scanner_scan_path(lw_scanner *sc, const char *path, const char *fingerprint_path,
	const lw_sink *sink);

/* A scanner's answers about the chunk's path (pathrule.c): does rule ri's
 * `paths` admit it, and its `allow.paths` not exclude it? Each rule's answer is worked out once per chunk, on
 * first need, and not at all when the joined regex says no rule's can. */
typedef struct lw_pathstate {
	uint32_t *gen_of; /* per rule: the chunk its answer is for */
	uint8_t *ok;      /* per rule: the answer */
	uint32_t gen;     /* the current chunk */
	uint32_t any_gen; /* the chunk any_ok is for */
	int any_ok;       /* some rule's `paths` may match the chunk's path */
	int any_path;     /* `rules test`: rules run whatever the path */
	size_t nrules;
	struct lw_pathmemo *memo; /* per path (direct-mapped, made on first
				     use): the joined regex's, the
				     allow.paths groups' and each rule's
				     answers */
	struct lw_pathmemo *last; /* the slot last found */
	uint32_t *slot_of;        /* per rule: 1 + its place in a path's
				     answers, 0 when not asked yet */
	uint32_t nslots;
} lw_pathstate;

int lw_pathstate_init(lw_pathstate *ps, size_t nrules);

void lw_pathstate_release(lw_pathstate *ps);

void lw_pathstate_next_chunk(lw_pathstate *ps);

int lw_pathstate_rule_ok(lw_pathstate *ps, const lw_ruleset *rs, size_t ri, const char *rel,
	pcre2_match_data *md);

lw_pathstate *lw_scanner_pathstate(lw_scanner *sc);

/* While on, rules that guess from a key name (tag key-name) report nothing:
 * the printable runs of binary content are string tables, not assignments. */
void lw_scanner_set_strings(lw_scanner *sc, int on);

/* 0 when no rule's `paths` can match rel; the joined regex runs once per
 * path (the path rules and the chunk's scan ask in turn) */
int lw_paths_may_match(lw_pathstate *ps, const lw_ruleset *rs, const char *rel,
	pcre2_match_data *md);

#endif
