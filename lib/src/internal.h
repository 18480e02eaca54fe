/*
 * internal.h - structures shared by the library's modules. Not installed.
 *
 * Invariants: a lw_rule owns every string its lw_rule_info points to; a
 * rule's regex is compiled at most once (under the rule set's lock) and is
 * read-only afterwards, so scanners on several threads share it.
 */
#ifndef LW_INTERNAL_H
#define LW_INTERNAL_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>

#include "leakwalk.h"
#include "util/banned.h"

#define LW_MAX_RULE_FILE (16u << 20)
#define LW_MAX_JSON_DEPTH 16
#define LW_MAX_RULES 100000
#define LW_MAX_WINDOW (1u << 20)

typedef struct lw_regex_list {
	pcre2_code **codes; /* NULL: compiled at first use (lw_regex_list_at) */
	char **sources;
	size_t n;
} lw_regex_list;

typedef struct lw_strlist {
	char **v;
	size_t n;
} lw_strlist;

typedef struct lw_allow {
	lw_regex_list paths;
	lw_regex_list regexes;
	lw_strlist stopwords;
} lw_allow;

typedef struct lw_rule {
	lw_rule_info info;
	lw_strlist tags, keywords, match_ex, no_match_ex;
	uint32_t secret_group;
	size_t window;
	lw_allow allow;
	lw_regex_list paths; /* "paths": only files whose path matches one; with
				no regex, a path rule: such a file is itself the leak */
	int path_only;
	pcre2_code *code;
	pcre2_code *acode; /* the same, anchored: for rules whose every match
			      begins with a keyword (anchor.c); NULL otherwise */
	int anchored;      /* every match begins with one of the keywords */
	uint32_t lookbehind; /* bytes before a window its regex may look at */
	int state; /* 0 not compiled, 1 ready, -1 failed; atomic */
	int jit;   /* JIT compiled successfully */
} lw_rule;

typedef struct lw_ac lw_ac;

struct lw_ruleset {
	lw_rule *rules;
	size_t n, cap;
	lw_allow allow;
	lw_strlist pending_disable;
	int no_defaults;
	int finalized;
	lw_ac *ac;
	uint32_t *kw_rules; /* automaton keyword id -> rule index */
	const char **kw_str; /* automaton keyword id -> keyword (borrowed) */
	uint32_t *kw_len;    /* automaton keyword id -> its length */
	size_t nkeywords;
	size_t *always; /* rules without keywords */
	size_t nalways;
	size_t *by_path; /* path rules: no regex, matched on the path alone */
	size_t nby_path;
	pcre2_code *paths_any; /* every rule's `paths` in one regex: a path it
				  does not match needs no rule's paths tried;
				  NULL when there is none (or they cannot be
				  joined) */
	size_t nidentifiers; /* enabled rules whose matches are public identifiers */
	pthread_mutex_t lock;
};

/* 1 when every match of the regex re begins with one of the keywords kw
 * (lowercase, matched without case) at the match's start. anchor.c */
int lw_regex_keyword_anchored(const char *re, const char *const *kw, size_t nkw);
/* 1 when re has a '|' outside every group (or cannot be read). anchor.c */
int lw_regex_has_top_alternative(const char *re);

/* errors */
int lw_error_set(lw_error *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* memory helpers: abort-free, return NULL on failure */
char *lw_strdup(const char *s);
char *lw_strndup(const char *s, size_t n);
void *lw_reallocarray(void *p, size_t n, size_t size);
void lw_wipe(void *p, size_t n);

/* a copy of s appended: 0 or LW_ENOMEM */
int lw_strlist_push(lw_strlist *l, const char *s);
void lw_strlist_dispose(lw_strlist *l);
void lw_regex_list_dispose(lw_regex_list *l);
void lw_allow_dispose(lw_allow *a);

/* regex helpers */
pcre2_code *lw_regex_compile(const char *pattern, lw_error *err);
/* the same with extra compile options (PCRE2_ANCHORED); err may be NULL */
pcre2_code *lw_regex_compile_opts(const char *pattern, uint32_t options, lw_error *err);
int lw_regex_list_matches(const lw_regex_list *l, const unsigned char *s,
	size_t len, pcre2_match_data *md);
/* the i-th regex, compiled now if it was left for its first use (thread
 * safe); NULL if it does not compile (err says why; err may be NULL) */
const pcre2_code *lw_regex_list_at(const lw_regex_list *l, size_t i, lw_error *err);

/* rules */
int lw_rule_ensure_compiled(lw_ruleset *rs, lw_rule *r, lw_error *err);
void lw_rule_dispose(lw_rule *r);
int lw_rule_parse(lw_rule *out, const void *json_obj, const char *source,
	int compile_now, lw_error *err);
/* lazy: the regexes compile at their first use (the built-in rules, which
 * `rules test` compiles in full); else now, so a user's mistake is an error */
int lw_allow_parse(lw_allow *out, const void *json_obj, const char *where, int lazy,
	lw_error *err);

/* 1 if a path is in tests, fixtures, examples or documentation (confidence.c) */
int lw_path_is_soft(const char *path);

/* A base64 digit's value (standard and URL-safe alphabets), or -1; inline:
 * the decoding pass calls it for every byte of an encoded run */
static inline int lw_b64_digit(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* 1 if one byte makes up 70 % or more of a value of 6 bytes or more: a
 * placeholder such as "aaaaaa1" (filter.c) */
int lw_is_mostly_one_char(const unsigned char *s, size_t len);

/* Stand-in words ("changeme", "your_", "*****"...) and references
 * ("process.env", "getenv"...) anywhere in a value: the global placeholder
 * filter and the generic rules' one share them (filter.c) */
int lw_has_standin_word(const unsigned char *s, size_t len);
int lw_has_reference_mark(const unsigned char *s, size_t len);

/* case-insensitive substring search, bytes */
const unsigned char *lw_memcasemem(const unsigned char *h, size_t hl,
	const char *needle, size_t nl);

/* `word` as a whole component of s: no letter or digit touches its
 * alphanumeric ends (stopword.c) */
int lw_has_stopword(const unsigned char *s, size_t len, const char *word);

/* a line showing code in documentation: indented under a comment marker,
 * or after a doctest or shell prompt (docexample.c) */
int lw_line_is_doc_example(const unsigned char *line, size_t len);

/* the placeholder filter of the key-name rules: template marks only in
 * their real shape, since passwords hold any punctuation (genplaceholder.c) */
int lw_is_generic_placeholder(const unsigned char *s, size_t len);

/* keyword automaton */
int lw_ac_build(lw_ac **out, const char *const *keywords, size_t n);
/* the longest keyword's length in bytes */
size_t lw_ac_max_keyword(const lw_ac *ac);
void lw_ac_free(lw_ac *ac);
typedef int (*lw_ac_hit_cb)(uint32_t kw, size_t end, void *payload);
int lw_ac_scan(const lw_ac *ac, const unsigned char *data, size_t len,
	lw_ac_hit_cb cb, void *payload);

int lw_checksum_known(const char *name);
/* 1 when the check `name` decides what is a secret (base64-basic-auth) and
 * says `s` is not one: the rule's candidate is dropped */
int lw_checksum_rejects(const char *name, const unsigned char *s, size_t len);

/* sha256 */
void lw_sha256(const void *data, size_t len, unsigned char out[32]);
/* sha1: only to compare with hashes other tools store (util/sha1.c) */
void lw_sha1(const void *data, size_t len, unsigned char out[20]);

/* How much of a file or blob decides whether it is binary: git's own
 * bound. The one definition for files, staged blobs, history and pushes. */
#define LW_SNIFF_BYTES 8000

/* Text or not: 0 use as is, 1 UTF-16 transcoded into `out` (UTF-8),
 * -1 binary (a NUL in the first LW_SNIFF_BYTES bytes). */
int lw_text_prepare(const unsigned char *d, size_t n, lw_buf *out);

/* The report's records, now the caller's (the array too: free it); the
 * report is left empty. finding/report.c */
lw_record **lw_report__detach(lw_report *r, size_t *n);

/* One file's or blob's bytes as a source holds them, with where they come
 * from (source/feed.c). */
typedef struct lw_feed {
	const unsigned char *data; /* as stored: text, UTF-16 or binary */
	size_t len;
	lw_chunk where;            /* path, fingerprint path, first line; data and len unused */
	int binary;                /* known binary whatever the bytes say (staged: git's attributes) */
	uint64_t max;              /* the source's size bound (UTF-16 transcodes into 2 * max) */
	/* text goes here rather than to lw_scanner_scan when set (history:
	 * passes worked out through deltas); raw: chunk holds the stored bytes */
	int (*scan_text)(void *arg, lw_scanner *sc, const lw_chunk *chunk, int raw,
		const lw_sink *sink);
	void *arg;
	size_t *scanned;           /* out when set: the bytes detection read (transcoded) */
	const lw_sink *members;    /* an archive's members' findings, when not `sink`
				      (staged: a member's lines are not the blob's) */
} lw_feed;
/* The one entry where a source hands a file's bytes to detection: text
 * scanned, UTF-16 transcoded, binary through its printable runs. */
int lw_source_feed(lw_scanner *sc, const lw_feed *f, const lw_sink *sink);
/* The bytes themselves to the detector, nothing expanded (feed_detect.c) */
int lw_source_detect(lw_scanner *sc, const lw_feed *f, const lw_sink *sink);

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
	int valid; /* every hit of the chunk is here */
} lw_kwhits;
#define LW_MAX_KEPT_HITS 65536
void lw_kwhits_release(lw_kwhits *h);
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
/* adds window (rule, ws, we), then its candidates one by one; valid is
 * cleared when they cannot be kept */
void lw_wins_open(lw_wins *w, uint32_t rule, uint64_t ws, uint64_t we);
void lw_wins_cand(lw_wins *w, uint64_t off, uint64_t len, uint64_t soff, uint64_t slen);
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
	const lw_kwhit *hits;  /* the keyword pass, exactly the automaton's hits
				  in its order; NULL: run it */
	size_t nhits;
	const lw_encrun *runs; /* the base64/hex runs, exactly; with have_runs */
	size_t nruns;
	int have_runs;
	const lw_winrec *wins; /* the base's regex windows and candidates, with */
	size_t nwins;
	const lw_candrec *cands;
	const struct lw_copyop *ops; /* the delta's copies that map onto the base */
	size_t nops;
	lw_kwhits *rec_hits;   /* where to note the passes that were run; a list
				  is valid only when the whole chunk was matched */
	lw_encruns *rec_runs;
	lw_wins *rec_wins;
} lw_passes;
int lw_scanner_scan_passes(lw_scanner *sc, const lw_chunk *chunk, const lw_sink *sink,
	const lw_passes *p);
const lw_ac *lw_scanner_automaton(const lw_scanner *sc);
/* A blob's keyword hits from its delta base's hits bh (deltahits.c); 0, or
 * -1 with out->valid cleared when they cannot be worked out. */
int lw_hits_derive(const lw_scanner *sc, const lw_kwhit *bh, size_t nbh, const struct lw_copyop *ops,
	size_t nops, const unsigned char *d, size_t len, lw_kwhits *out);
uint32_t lw_scanner_keyword_len(const lw_scanner *sc, uint32_t kw);
/* Finds base64, hex and percent-encoded runs, decodes them and scans the
 * decoded text with `child`, reporting through `sink` at the run's place.
 * Base64/hex runs are given (have_runs), or found and, when rec is not
 * NULL, noted there. */
int lw_scan_decoded(lw_scanner *sc, lw_scanner **child, const lw_chunk *chunk,
	const lw_sink *sink, const lw_encrun *runs, size_t nruns, int have_runs, lw_encruns *rec);
/* A blob's base64/hex runs from its delta base's (decode.c): 0, or -1
 * with out->valid cleared. */
int lw_encruns_derive(const lw_encrun *br, size_t nbr, const struct lw_copyop *ops, size_t nops,
	const unsigned char *d, size_t len, lw_encruns *out);

const lw_scan_options *lw_scanner_options(const lw_scanner *sc);
const lw_ruleset *lw_scanner_ruleset(const lw_scanner *sc);
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
 * `paths` admit it? Each rule's answer is worked out once per chunk, on
 * first need, and not at all when the joined regex says no rule's can. */
typedef struct lw_pathstate {
	uint32_t *gen_of; /* per rule: the chunk its answer is for */
	uint8_t *ok;      /* per rule: the answer */
	uint32_t gen;     /* the current chunk */
	uint32_t any_gen; /* the chunk any_ok is for */
	int any_ok;       /* some rule's `paths` may match the chunk's path */
	int any_path;     /* `rules test`: rules run whatever the path */
	size_t nrules;
	char *memo;       /* the last path given to the joined regex, */
	size_t memo_len;
	int memo_ok;      /* and its answer */
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
/* rs->paths_any from every enabled rule's `paths` (ruleset finalize) */
void lw_ruleset_join_paths(lw_ruleset *rs);

/* line helpers: a line ends at \n, \r\n or a lone \r */
size_t lw_line_start(const unsigned char *d, size_t pos, size_t floor);
size_t lw_line_end(const unsigned char *d, size_t len, size_t pos);

/* embedded default rules (generated) */
typedef struct lw_embedded_file {
	const char *name;
	const unsigned char *data;
	size_t len;
} lw_embedded_file;
extern const lw_embedded_file lw_embedded_rules[];
extern const size_t lw_embedded_rules_count;
/* values published as examples (patterns/known, generated) */
extern const lw_embedded_file lw_embedded_known[];
extern const size_t lw_embedded_known_count;
/* 1 if the secret is exactly a value a provider or specification publishes
 * as an example (patterns/known); known.c */
int lw_is_documented_example(const unsigned char *s, size_t len);
/* 1 if the candidate [soff, soff+slen) of d is a structured value that is
 * not a secret: an AWS SigV4 credential scope, a SignedHeaders list, a
 * SigV4 signature, an ISO 8601 timestamp, a value elided with "...", a
 * Windows answer file's configuration pass name (oobeSystem); known.c */
int lw_is_structured_nonsecret(const unsigned char *d, size_t dlen, size_t soff, size_t slen);

#endif
