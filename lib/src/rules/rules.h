/* rules.h - a rule and a rule set as the library holds them, the keyword
 * automaton, what a regex must begin with or contain, the checksums a rule
 * may name.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_RULES_H
#define LW_RULES_H

#define LW_MAX_RULE_FILE (16u << 20)

#define LW_MAX_JSON_DEPTH 16

#define LW_MAX_RULES 100000

#define LW_MAX_WINDOW (1u << 20)

typedef struct lw_rule {
	/* What the keyword pass reads at every hit (scan_windows.c), first
	 * and together: one or two cache lines of a rule, not four. */
	int state;             /* 0 not compiled, 1 ready, -1 failed; atomic */
	uint8_t anchored;      /* every match begins with one of the keywords */
	/* the gate of an anchored rule (gate.c), set before state turns 1 */
	uint8_t gate;          /* 1: the fields below are in force */
	uint8_t gate_caseless; /* the literal is compared without case */
	uint8_t gate_at0;      /* the lookbehinds pass at a chunk's first byte */
	uint32_t gate_nlit;
	uint32_t lookbehind;   /* bytes before a window its regex may look at */
	uint8_t gate_prev[32]; /* bytes before a hit that the lookbehinds let pass */
	char gate_lit[16];     /* what every match begins with */
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
	int jit;   /* JIT compiled successfully */
	uint8_t needs[32]; /* with has_needs: every match holds one of these bytes */
	int has_needs;
	uint32_t allow_paths_group; /* 1 + the first rule with the same allow.paths;
				       0: none (ruleset_paths.c) */
	uint32_t allow_paths_bit;   /* that group's number, from 0; 64 and more:
				       not remembered per path */
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
	size_t nalways_open; /* those of them without `paths` */
	size_t *by_path; /* path rules: no regex, matched on the path alone */
	size_t nby_path;
	pcre2_code *paths_any; /* every rule's `paths` in one regex: a path it
				  does not match needs no rule's paths tried;
				  NULL when there is none (or they cannot be
				  joined) */
	size_t nidentifiers; /* enabled rules whose matches are public identifiers */
	uint32_t *id_slots; /* rule ids hashed: index + 1, 0 empty (lw_ruleset_find) */
	size_t id_cap;      /* a power of two, over twice n */
	pthread_mutex_t lock;
};

/* 1 when every match of the regex re begins with one of the keywords kw
 * (lowercase, matched without case) at the match's start. anchor.c */
int lw_regex_keyword_anchored(const char *re, const char *const *kw, size_t nkw);

/* What every match of a regex read by lw_regex_keyword_anchored begins
 * with (anchor.c): its leading lookbehinds (the first LW_LEAD_MAX_LB, as
 * pattern text), whether it is caseless ((?i) first) and the literal that
 * follows (nlit 0 when unsure). 0 when it cannot be read. */
#define LW_LEAD_MAX_LB 4
#define LW_LEAD_MAX_GROUPS 8
typedef struct lw_regex_lead_info {
	const char *lb[LW_LEAD_MAX_LB];
	size_t lb_len[LW_LEAD_MAX_LB];
	size_t nlb;
	int caseless;
	char lit[16];
	size_t nlit;
} lw_regex_lead_info;
int lw_regex_lead(const char *re, lw_regex_lead_info *out);

/* An anchored rule's gate (gate.c): a keyword hit where its anchored regex
 * cannot match. Built when the rule is compiled; the scanner then neither
 * opens a window for such a hit nor tries the regex there. */
void lw_rule_gate_build(lw_rule *r);

/* 1 when no match of anchored rule r can begin at d[at] (r->gate set) */
static inline int lw_rule_gate_shut(const lw_rule *r, const unsigned char *d, size_t len, size_t at)
{
	if (at ? !((r->gate_prev[d[at - 1] >> 3] >> (d[at - 1] & 7)) & 1) : !r->gate_at0)
		return 1;
	if (len - at < r->gate_nlit)
		return 1;
	for (size_t j = 0; j < r->gate_nlit; j++) {
		unsigned char c = d[at + j], l = (unsigned char)r->gate_lit[j];
		if (r->gate_caseless) {
			c = (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
			l = (l >= 'A' && l <= 'Z') ? (unsigned char)(l + 32) : l;
		}
		if (c != l)
			return 1;
	}
	return 0;
}

/* 1 when re has a '|' outside every group (or cannot be read). anchor.c */
int lw_regex_has_top_alternative(const char *re);

/* Does every match of re consume one of a few bytes (anchor.c)? Narrow:
 * the last item at the top level is a group, not quantified, whose every
 * alternative begins with a punctuation mark (the quoted value of the
 * generic assignment rules). 1 with the marks in `set` (a 256-bit map);
 * 0 when unsure. A window holding none of them cannot match. */
int lw_regex_required_bytes(const char *re, uint8_t set[32]);

/* rules */
int lw_rule_ensure_compiled(lw_ruleset *rs, lw_rule *r, lw_error *err);

void lw_rule_dispose(lw_rule *r);

int lw_rule_parse(lw_rule *out, const void *json_obj, const char *source,
	int compile_now, lw_error *err);

/* lazy: the regexes compile at their first use (the built-in rules, which
 * `rules test` compiles in full); else now, so a user's mistake is an error */
int lw_allow_parse(lw_allow *out, const void *json_obj, const char *where, int lazy,
	lw_error *err);

/* keyword automaton */
int lw_ac_build(lw_ac **out, const char *const *keywords, size_t n);

/* the longest keyword's length in bytes */
size_t lw_ac_max_keyword(const lw_ac *ac);

void lw_ac_free(lw_ac *ac);

/* A bitmap of the byte pairs that follow each other in some keyword, in
 * any case: bit (a << 8 | b) is set when "ab" does. A run of bytes holding
 * a pair that is not one holds no keyword across it (deltahits.c trims
 * its windows with this). */
const uint8_t *lw_ac_pairs(const lw_ac *ac);

static inline int lw_ac_pair(const uint8_t *pairs, unsigned char a, unsigned char b)
{
	return (pairs[((unsigned)a << 8 | b) >> 3] >> (b & 7)) & 1;
}

typedef int (*lw_ac_hit_cb)(uint32_t kw, size_t end, void *payload);

int lw_ac_scan(const lw_ac *ac, const unsigned char *data, size_t len,
	lw_ac_hit_cb cb, void *payload);
/* Short ranges of one text, each matched from the start state, in two
 * lanes side by side: two chains of dependent table loads run nearly as
 * fast as one. The ranges, in order and apart, are cut where half their
 * bytes lie behind; the hits of the first part go to cb, those of the
 * second to cb2, each part's in order; `end` is an offset into data. */
typedef struct lw_range {
	uint64_t start, end;
} lw_range;
int lw_ac_scan_ranges(const lw_ac *ac, const unsigned char *data, const lw_range *r, size_t n,
	lw_ac_hit_cb cb, void *payload, lw_ac_hit_cb cb2, void *payload2);

/* the offline checks a rule may name (rules/checksum_names.c); run by
 * filter/checksum.c */
typedef enum lw_checksum_kind {
	LW_CHECKSUM_UNKNOWN,
	LW_CHECKSUM_CRC32_BASE62,
	LW_CHECKSUM_CRC32_HEX_SUFFIX,
	LW_CHECKSUM_BECH32,
	LW_CHECKSUM_B64_BASIC_AUTH,
} lw_checksum_kind;

/* the check a rule's `checksum` names; *decides (when not NULL): whether
 * its invalid answer drops the candidate */
lw_checksum_kind lw_checksum_kind_of(const char *name, int *decides);

int lw_checksum_known(const char *name);

/* 1 when rule r carries `tag` (rule.c) */
int lw_rule_has_tag(const lw_rule *r, const char *tag);

const lw_ac *lw_scanner_automaton(const lw_scanner *sc);

const lw_ruleset *lw_scanner_ruleset(const lw_scanner *sc);

/* rs->paths_any from every enabled rule's `paths`, and the rules'
 * allow_paths_group (ruleset finalize) */
void lw_ruleset_join_paths(lw_ruleset *rs);

extern const lw_embedded_file lw_embedded_rules[];

extern const size_t lw_embedded_rules_count;

#endif
