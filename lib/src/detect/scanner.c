/*
 * scanner.c - the matcher: keyword hits select rules, each selected rule's
 * regex runs only on bounded windows around its hits, candidates are
 * filtered and handed to the sink in order of position.
 */
#include <stdlib.h>
#include <string.h>

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
	sc->active = calloc(n, sizeof(uint32_t));
	sc->is_active = calloc(n, 1);
	sc->starts = calloc(n, sizeof(lw_hitstarts));
	sc->lim_gen = calloc(n, sizeof(uint32_t));
	sc->lim_n = calloc(n, sizeof(uint32_t));
	if (!sc->md || !sc->mctx || !sc->jstack || !sc->win_start || !sc->win_end ||
	    !sc->active || !sc->is_active || !sc->starts || !sc->lim_gen || !sc->lim_n ||
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
	free(sc->active);
	free(sc->is_active);
	for (size_t i = 0; sc->starts && i < sc->rs->n; i++)
		free(sc->starts[i].v);
	free(sc->starts);
	lw_pathstate_release(&sc->paths);
	free(sc->lim_gen);
	free(sc->lim_n);
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

static int lw_rule_path_ok(lw_scanner *sc, size_t ri)
{
	return lw_pathstate_rule_ok(&sc->paths, sc->rs, ri,
		sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path, sc->md);
}

void lw_scanner_note_limit(lw_scanner *sc)
{
	sc->limit_hits++;
}

uint64_t lw_scanner_limit_hits(const lw_scanner *sc)
{
	return sc->limit_hits + (sc->child ? lw_scanner_limit_hits(sc->child) : 0);
}

static uint32_t lw_line_of(const unsigned char *d, size_t off)
{
	uint32_t line = 0;

	for (size_t i = 0; i < off; i++)
		if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= off || d[i + 1] != '\n')))
			line++;
	return line;
}

static void lw_diag_emit(lw_scanner *sc, const lw_rule *r, size_t off, const char *msg)
{
	lw_diag d;

	if (!sc->sink->on_diag)
		return;
	d.rule_id = r ? r->info.id : NULL;
	d.path = sc->chunk->path;
	d.line = sc->chunk->first_line + lw_line_of(sc->chunk->data, off);
	d.message = msg;
	sc->sink->on_diag(&d, sc->sink->payload);
}

static int lw_allowed_by(const lw_allow *a, const unsigned char *secret, size_t slen,
	const char *path, pcre2_match_data *md);
static int lw_rule_has_tag(const lw_rule *r, const char *tag);

/* The filters that depend only on the secret: a placeholder, a value under
 * the rule's entropy floor or an allowlisted one is dropped as it is taken,
 * so a file full of them cannot fill the candidate bound. The rule's path
 * allowlist is checked later (lw_cand_filter): a base's window reused by a
 * delta (deltawins.c) may belong to another path. The match data is free
 * here: the caller has read the match's offsets. */
static int lw_secret_rejected(lw_scanner *sc, size_t rule, size_t soff, size_t slen)
{
	const unsigned char *secret = sc->chunk->data + soff;
	lw_rule *r = &sc->rs->rules[rule];

	/* key-name rules take typed passwords: their template check looks at
	 * shapes, not at single marks such as "}}" or "$(" */
	int placeholder = lw_rule_has_tag(r, "key-name") ? lw_is_generic_placeholder(secret, slen)
							 : lw_is_placeholder(secret, slen);

	return lw_entropy(secret, slen) < r->info.entropy || placeholder ||
	       lw_checksum_rejects(r->info.checksum, secret, slen) ||
	       lw_allowed_by(&r->allow, secret, slen, NULL, sc->md) ||
	       lw_allowed_by(&sc->rs->allow, secret, slen, "", sc->md);
}

static int lw_cand_push(lw_scanner *sc, size_t rule, size_t off, size_t len, size_t soff,
	size_t slen)
{
	if (lw_secret_rejected(sc, rule, soff, slen))
		return 0;
	if (sc->ncands >= LW_MAX_CANDS_PER_CHUNK)
		return LW_ELIMIT;
	if (sc->ncands == sc->capcands) {
		size_t cap = sc->capcands ? sc->capcands * 2 : 64;
		lw_cand *c = lw_reallocarray(sc->cands, cap, sizeof(*c));
		if (!c)
			return LW_ENOMEM;
		sc->cands = c;
		sc->capcands = cap;
	}
	sc->cands[sc->ncands++] = (lw_cand){ rule, off, len, soff, slen, 0 };
	return 0;
}

static int lw_is_limit_error(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	       rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
	       rc == PCRE2_ERROR_NOMEMORY;
}

/* lw_cand_push, saying once per chunk when the bound is reached: past it
 * no rule runs any more. 1 then. */
static int lw_cand_add(lw_scanner *sc, size_t rule, size_t off, size_t len, size_t soff, size_t slen)
{
	int rc = lw_cand_push(sc, rule, off, len, soff, slen);

	if (rc != LW_ELIMIT)
		return rc;
	lw_diag_emit(sc, &sc->rs->rules[rule], off, "too many candidates in one chunk; the rest was not checked");
	sc->limit_hits++;
	sc->cands_full = 1;
	return 1;
}

/* The match pcre2_match left in sc->md (rc > 0) as a candidate of rule ri;
 * *next: where the search goes on. 0, 1 when candidates are full, or < 0. */
static int lw_take_match(lw_scanner *sc, size_t ri, int rc, size_t *next)
{
	const lw_rule *r = &sc->rs->rules[ri];
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);
	size_t ms = ov[0], me = ov[1], ss = ms, se = me;

	if (r->secret_group && (uint32_t)rc > r->secret_group && ov[2 * r->secret_group] != PCRE2_UNSET) {
		ss = ov[2 * r->secret_group];
		se = ov[2 * r->secret_group + 1];
	}
	*next = me > ms ? me : ms + 1;
	return se > ss ? lw_cand_add(sc, ri, ms, me - ms, ss, se - ss) : 0;
}

/* regex limit hits of rule ri in this chunk */
static uint32_t *lw_rule_limits(lw_scanner *sc, size_t ri)
{
	if (sc->lim_gen[ri] != sc->gen) {
		sc->lim_gen[ri] = sc->gen;
		sc->lim_n[ri] = 0;
	}
	return &sc->lim_n[ri];
}

/* 1 when rule ri gave up on this chunk (LW_MAX_LIMIT_HITS_PER_RULE) */
static int lw_rule_gave_up(lw_scanner *sc, size_t ri)
{
	return *lw_rule_limits(sc, ri) >= LW_MAX_LIMIT_HITS_PER_RULE;
}

/* A regex stopped by a limit (or failing) at `at`: said, and counted; the
 * last hit a rule may have in a chunk says the rule stops there. */
static void lw_regex_stopped(lw_scanner *sc, const lw_rule *r, int rc, size_t at, const char *what)
{
	char msg[256];
	unsigned char pmsg[120];
	uint32_t *n = lw_rule_limits(sc, (size_t)(r - sc->rs->rules));

	pcre2_get_error_message(rc, pmsg, sizeof(pmsg));
	if (++*n >= LW_MAX_LIMIT_HITS_PER_RULE)
		snprintf(msg, sizeof(msg), "regex stopped (%s) %u times; the rest of this input was not "
			"checked by this rule", (const char *)pmsg, *n);
	else
		snprintf(msg, sizeof(msg), "regex stopped (%s); %s was not checked by this rule",
			(const char *)pmsg, what);
	sc->limit_hits++;
	lw_diag_emit(sc, r, at, msg);
}

/* Runs one rule over [ws, we): every match. When a regex limit is hit the
 * window is retried line by line from there, so the diagnostic names the
 * pathological line and one such line cannot hide the rest. */
static int lw_run_rule_mode(lw_scanner *sc, size_t ri, size_t ws, size_t we, int by_line);

static int lw_run_lines(lw_scanner *sc, size_t ri, size_t from, size_t we)
{
	const unsigned char *d = sc->chunk->data;
	int rc = 0;

	while (from < we && rc >= 0 && !lw_rule_gave_up(sc, ri)) {
		size_t le = lw_line_end(d, we, from);
		rc = lw_run_rule_mode(sc, ri, from, le, 1);
		from = le + 1;
		if (from < we && d[from - 1] == '\r' && d[from] == '\n')
			from++;
	}
	return rc;
}

static int lw_run_rule_mode(lw_scanner *sc, size_t ri, size_t ws, size_t we, int by_line)
{
	lw_rule *r = &sc->rs->rules[ri];
	const unsigned char *d = sc->chunk->data;
	size_t off = ws;
	lw_error err = { 0 };
	int rc;

	if (sc->cands_full || lw_rule_gave_up(sc, ri))
		return 0;
	if (lw_rule_ensure_compiled(sc->rs, r, &err) < 0) {
		lw_diag_emit(sc, r, ws, err.msg);
		return 0;
	}
	while (off < we && !lw_rule_gave_up(sc, ri)) {
		rc = pcre2_match(r->code, d, we, off, 0, sc->md, sc->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			break;
		if (rc < 0) {
			if (lw_is_limit_error(rc) && !by_line && memchr(d + off, '\n', we - off))
				return lw_run_lines(sc, ri, off, we);
			lw_regex_stopped(sc, r, rc, off, "the rest of the line");
			if (!lw_is_limit_error(rc))
				break;
			off = lw_line_end(d, we, off) + 1;
			continue;
		}
		if ((rc = lw_take_match(sc, ri, rc, &off)) != 0)
			return rc < 0 ? rc : 0;
	}
	return 0;
}

static int lw_run_rule(lw_scanner *sc, size_t ri, size_t ws, size_t we)
{
	return lw_run_rule_mode(sc, ri, ws, we, 0);
}

static int lw_size_cmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* A window of a rule anchored at its keywords: an anchored match at each
 * hit, in order, none inside the previous match. The same matches as
 * searching the window (anchor.c), without reading the lines between. */
static int lw_run_anchored(lw_scanner *sc, size_t ri, size_t ws, size_t we)
{
	lw_rule *r = &sc->rs->rules[ri];
	lw_hitstarts *h = &sc->starts[ri];
	const unsigned char *d = sc->chunk->data;
	size_t off = ws;
	int rc;

	if (h->n > 1)
		qsort(h->v, h->n, sizeof(size_t), lw_size_cmp);
	for (size_t i = 0; i < h->n && !sc->cands_full && !lw_rule_gave_up(sc, ri); i++) {
		size_t at = h->v[i];
		if (at < off || (i && at == h->v[i - 1]))
			continue;
		if (at >= we)
			break;
		rc = pcre2_match(r->acode, d, we, at, 0, sc->md, sc->mctx);
		if (rc == PCRE2_ERROR_NOMATCH)
			continue;
		if (rc < 0) {
			lw_regex_stopped(sc, r, rc, at, "this place");
			continue;
		}
		if ((rc = lw_take_match(sc, ri, rc, &off)) != 0) {
			h->n = 0;
			return rc < 0 ? rc : 0;
		}
	}
	h->n = 0;
	return 0;
}

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
		*rc = lw_cand_add(sc, ri, (size_t)((int64_t)c->off + shift), c->len,
			(size_t)((int64_t)c->soff + shift), c->slen);
	}
	if (*rc > 0)
		*rc = 0; /* candidates full: said */
	return 1;
}

static int lw_flush(lw_scanner *sc, uint32_t ri)
{
	lw_rule *r = &sc->rs->rules[ri];
	lw_error err = { 0 };
	size_t ws = sc->win_start[ri], we = sc->win_end[ri], first = sc->ncands;
	uint64_t limits = sc->limit_hits;
	lw_wins *rec = sc->passes ? sc->passes->rec_wins : NULL;
	int rc;

	sc->is_active[ri] = 0;
	if (lw_reuse_window(sc, ri, ws, we, &rc)) {
		sc->starts[ri].n = 0;
		sc->starts[ri].lost = 0;
	} else if (r->anchored && !sc->starts[ri].lost && !sc->cands_full &&
		   lw_rule_ensure_compiled(sc->rs, r, &err) == 0 && r->acode) {
		rc = lw_run_anchored(sc, ri, ws, we);
	} else {
		sc->starts[ri].n = 0;
		sc->starts[ri].lost = 0;
		rc = lw_run_rule(sc, ri, ws, we);
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
	if (!lw_rule_path_ok(sc, ri))
		return 0;
	if (sc->is_active[ri] && hit <= sc->win_end[ri] && !r->window) {
		/* inside the open window: only bytes past its end can widen it, so
		 * a line dense with hits costs one pass, not one per hit */
		limit = end + mw < len ? end + mw : len;
		if (limit > sc->win_end[ri])
			sc->win_end[ri] = lw_line_end(d, limit,
				end > sc->win_end[ri] ? end : sc->win_end[ri]);
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
		if ((rc = lw_flush(sc, ri)) < 0)
			return rc;
	} else {
		sc->active[sc->nactive++] = ri;
	}
	sc->is_active[ri] = 1;
	sc->win_start[ri] = ws;
	sc->win_end[ri] = we;
	if (r->anchored)
		lw_note_start(sc, ri, hit);
	return 0;
}

static int lw_cand_cmp(const void *a, const void *b)
{
	const lw_cand *x = a, *y = b;

	if (x->soff != y->soff)
		return x->soff < y->soff ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->slen < y->slen ? -1 : x->slen > y->slen;
}

static int lw_rule_has_tag(const lw_rule *r, const char *tag)
{
	for (size_t i = 0; i < r->tags.n; i++)
		if (strcmp(r->tags.v[i], tag) == 0)
			return 1;
	return 0;
}

static int lw_rule_is_generic(const lw_rule *r)
{
	return lw_rule_has_tag(r, "generic");
}

/* Duplicates of one secret are dropped: a generic finding whose secret
 * overlaps a specific rule's (the specific rule says more), and of two rules
 * reporting exactly the same secret, all but the most telling one
 * (specific over generic, then higher severity, then the earlier rule). */
static int lw_cand_outranks(const lw_scanner *sc, const lw_cand *a, const lw_cand *b)
{
	const lw_rule *ra = &sc->rs->rules[a->rule], *rb = &sc->rs->rules[b->rule];
	int ga = lw_rule_is_generic(ra), gb = lw_rule_is_generic(rb);

	if (ga != gb)
		return gb;
	/* the rule that needed more context around the same secret knows more */
	if (a->len != b->len)
		return a->len > b->len;
	if (ra->info.severity != rb->info.severity)
		return ra->info.severity > rb->info.severity;
	return a->rule < b->rule;
}

static void lw_cands_dedup(lw_scanner *sc)
{
	for (size_t i = 0; i < sc->ncands; i++) {
		lw_cand *a = &sc->cands[i];
		if (a->drop)
			continue;
		for (size_t j = i + 1; j < sc->ncands && sc->cands[j].soff < a->soff + a->slen; j++) {
			lw_cand *b = &sc->cands[j];
			if (b->drop)
				continue;
			int ia = sc->rs->rules[a->rule].info.identifier, ib = sc->rs->rules[b->rule].info.identifier;
			if (ia != ib) {
				/* a public identifier hides what lies within it (a
				 * generic "key = AC..." is the identifier, not a secret),
				 * never a secret that merely overlaps it */
				lw_cand *id = ia ? a : b, *other = ia ? b : a;
				if (other->soff >= id->soff && other->soff + other->slen <= id->soff + id->slen) {
					other->drop = 1;
					if (other == a)
						break;
				}
				continue;
			}
			if (a->soff == b->soff && a->slen == b->slen) {
				if (lw_cand_outranks(sc, a, b)) {
					b->drop = 1;
				} else {
					a->drop = 1;
					break;
				}
				continue;
			}
			int ga = lw_rule_is_generic(&sc->rs->rules[a->rule]);
			int gb = lw_rule_is_generic(&sc->rs->rules[b->rule]);
			if (ga && !gb) {
				a->drop = 1;
				break;
			}
			if (gb && !ga)
				b->drop = 1;
		}
	}
}

static int lw_allowed_by(const lw_allow *a, const unsigned char *secret, size_t slen,
	const char *path, pcre2_match_data *md)
{
	for (size_t i = 0; i < a->stopwords.n; i++)
		if (lw_has_stopword(secret, slen, a->stopwords.v[i]))
			return 1;
	if (lw_regex_list_matches(&a->regexes, secret, slen, md))
		return 1;
	return path && lw_regex_list_matches(&a->paths, (const unsigned char *)path, strlen(path), md);
}

static int lw_line_has_allow_raw(const lw_scanner *sc, const unsigned char *line, size_t len)
{
	if (lw_memcasemem(line, len, "leakwalk:allow", 14))
		return 1;
	/* markers of other scanners, for teams migrating (--compat) */
	return sc->opts.compat_markers && (lw_memcasemem(line, len, "gitleaks:allow", 14) ||
		lw_memcasemem(line, len, "pragma: allowlist secret", 24));
}

/* Many findings on one long line ask about the same line: remember it. */
static int lw_line_has_allow(lw_scanner *sc, size_t ls, size_t le)
{
	if (ls != sc->allow_ls || le != sc->allow_le || ls == SIZE_MAX) {
		sc->allow_ls = ls;
		sc->allow_le = le;
		sc->allow_hit = lw_line_has_allow_raw(sc, sc->chunk->data + ls, le - ls);
	}
	return sc->allow_hit;
}

typedef struct lw_cursor {
	size_t pos;
	uint32_t line;
	size_t line_start;
	size_t line_end, end_of; /* end of the line starting at end_of - 1 */
} lw_cursor;

static void lw_cursor_advance(lw_cursor *c, const unsigned char *d, size_t len, size_t to)
{
	size_t i = c->pos;

	if (to <= i)
		return;
	/* LF is the common line end: jump between them; a lone CR is rare, so
	 * each stretch is checked for one before it is skipped */
	while (i < to) {
		const unsigned char *nl = memchr(d + i, '\n', to - i);
		size_t end = nl ? (size_t)(nl - d) : to;
		const unsigned char *cr = memchr(d + i, '\r', end - i);
		while (cr) {
			size_t k = (size_t)(cr - d);
			if (k + 1 >= len || d[k + 1] != '\n') {
				c->line++;
				c->line_start = k + 1;
			}
			cr = k + 1 < end ? memchr(d + k + 1, '\r', end - k - 1) : NULL;
		}
		if (!nl)
			break;
		c->line++;
		c->line_start = end + 1;
		i = end + 1;
	}
	c->pos = to;
}

/* The rule's path allowlist (the secret's own filters ran as candidates
 * were taken); before deduplication, so a specific rule's rejected
 * candidate never hides a generic finding. */
static void lw_cand_filter(lw_scanner *sc, lw_cand *c)
{
	const lw_rule *r = &sc->rs->rules[c->rule];
	const char *path = sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path;

	if (!lw_rule_path_ok(sc, c->rule) ||
	    lw_is_structured_nonsecret(sc->chunk->data, sc->chunk->len, c->soff, c->slen) ||
	    lw_regex_list_matches(&r->allow.paths, (const unsigned char *)path, strlen(path), sc->md))
		c->drop = 1;
}

/* Public identifiers within LW_CONTEXT_BYTES of a finding's secret, in
 * order of position: the finding's context (which account the secret
 * opens). The candidates are sorted by secret offset. */
#define LW_CONTEXT_BYTES 512
static size_t lw_cand_context(const lw_scanner *sc, const lw_cand *c, lw_context_item *out)
{
	size_t from = c->soff > LW_CONTEXT_BYTES ? c->soff - LW_CONTEXT_BYTES : 0;
	size_t to = c->soff + c->slen + LW_CONTEXT_BYTES, lo = 0, hi = sc->ncands, n = 0;

	if (!sc->rs->nidentifiers)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sc->cands[mid].soff < from)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (size_t i = lo; i < sc->ncands && sc->cands[i].soff <= to && n < LW_MAX_CONTEXT; i++) {
		const lw_cand *k = &sc->cands[i];
		const lw_rule *r = &sc->rs->rules[k->rule];
		if (k->drop || !r->info.identifier || k == c)
			continue;
		if (n && out[n - 1].value_len == k->slen &&
		    !memcmp(out[n - 1].value, sc->chunk->data + k->soff, k->slen))
			continue;
		out[n++] = (lw_context_item){ r->info.id, sc->chunk->data + k->soff, k->slen };
	}
	return n;
}

static int lw_emit(lw_scanner *sc, const lw_cand *c, lw_cursor *cur)
{
	const unsigned char *d = sc->chunk->data;
	size_t len = sc->chunk->len;
	lw_rule *r = &sc->rs->rules[c->rule];
	lw_finding f;
	lw_cursor end;
	size_t le, ls;

	memset(&f, 0, sizeof(f));
	f.secret = d + c->soff;
	f.secret_len = c->slen;
	f.entropy = lw_entropy(f.secret, f.secret_len);
	lw_cursor_advance(cur, d, len, c->soff);
	ls = cur->line_start;
	/* findings share long lines: find each line's end once */
	if (cur->end_of != ls + 1 || c->soff > cur->line_end) {
		cur->line_end = lw_line_end(d, len, c->soff);
		cur->end_of = ls + 1;
	}
	le = cur->line_end;
	/* rules that guess from a key name: in a documentation example the
	 * value is a sample; in the printable runs of binary content the "line"
	 * is a run of a string table (compiled code's names and messages), so
	 * only rules that know the secret by its own shape run there */
	if (lw_rule_has_tag(r, "key-name") &&
	    (sc->in_strings || lw_line_is_doc_example(d + ls, le - ls)))
		return 0;
	if (sc->opts.honour_inline_allow) {
		int allow = lw_line_has_allow(sc, ls, le);
		if (!allow && c->off < ls) {
			/* the match began on an earlier line: that line counts too */
			size_t ms = lw_line_start(d, c->off, 0);
			allow = lw_line_has_allow(sc, ms, lw_line_end(d, len, c->off));
		}
		if (allow)
			return 0;
	}
	f.rule = &r->info;
	f.rule_index = c->rule;
	f.path = sc->chunk->path;
	f.line = sc->chunk->first_line + cur->line;
	f.column = (uint32_t)(c->soff - ls + 1);
	end = *cur;
	lw_cursor_advance(&end, d, len, c->soff + c->slen - 1);
	f.end_line = sc->chunk->first_line + end.line;
	f.end_column = (uint32_t)(c->soff + c->slen - 1 - end.line_start + 1);
	f.offset = c->off;
	f.length = c->len;
	f.match = d + c->off;
	f.match_len = c->len;
	/* the line shown is bounded around the secret */
	size_t tstart = c->soff - ls > LW_LINE_TEXT_MAX ? c->soff - LW_LINE_TEXT_MAX : ls;
	size_t tend = le - c->soff > c->slen + LW_LINE_TEXT_MAX ? c->soff + c->slen + LW_LINE_TEXT_MAX : le;
	f.line_text = d + tstart;
	f.line_len = tend - tstart;
	f.secret_col = c->soff - tstart;
	f.checksum = lw_checksum_verify(r->info.checksum, f.secret, f.secret_len);
	/* A token whose checksum fails is a typo or a made-up value. Dropped
	 * only here, after deduplication: it still hides the generic findings
	 * of the same text, which would otherwise report it under another name. */
	if (f.checksum == LW_CHECKSUM_INVALID && !sc->opts.report_invalid_checksums)
		return 0;
	lw_fingerprint(f.fingerprint, r->info.id,
		sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path,
		f.secret, f.secret_len);
	f.confidence = lw_confidence_of(&f);
	lw_context_item ctx[LW_MAX_CONTEXT];
	f.ncontext = lw_cand_context(sc, c, ctx);
	f.context = ctx;
	return sc->sink->on_finding(&f, sc->sink->payload) ? LW_ESTOP : 0;
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

static int lw_scan_collect(lw_scanner *sc)
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
		if (!rc)
			rc = frc;
	}
	sc->nactive = 0;
	for (size_t i = 0; !rc && i < sc->rs->nalways; i++) {
		size_t ri = sc->rs->always[i];
		if ((sc->opts.only_rule < 0 || (size_t)sc->opts.only_rule == ri) &&
		    lw_rule_path_ok(sc, ri))
			rc = lw_run_rule(sc, ri, 0, sc->chunk->len);
	}
	return rc;
}

void lw_kwhits_release(lw_kwhits *h)
{
	free(h->v);
	memset(h, 0, sizeof(*h));
}

const lw_ac *lw_scanner_automaton(const lw_scanner *sc)
{
	return sc->rs->ac;
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
	if (lw_regex_list_matches(&sc->rs->allow.paths, (const unsigned char *)rel, strlen(rel),
		    sc->md))
		return 0;
	sc->chunk = chunk;
	sc->sink = sink;
	lw_pathstate_next_chunk(&sc->paths);
	if (++sc->gen == 0) {
		memset(sc->lim_gen, 0, sc->rs->n * sizeof(uint32_t));
		sc->gen = 1;
	}
	sc->ncands = 0;
	sc->cands_full = 0;
	sc->allow_ls = sc->allow_le = SIZE_MAX;
	rc = lw_scan_collect(sc);
	sc->chunk_matched = 1;
	if (rc >= 0 && sc->ncands) {
		qsort(sc->cands, sc->ncands, sizeof(*sc->cands), lw_cand_cmp);
		for (size_t i = 0; i < sc->ncands; i++)
			lw_cand_filter(sc, &sc->cands[i]);
		lw_cands_dedup(sc);
		/* an identifier is never reported alone, only as context;
		 * a scan restricted to its rule (rule tests) shows it */
		for (size_t i = 0; rc >= 0 && i < sc->ncands; i++)
			if (!sc->cands[i].drop && (!sc->rs->rules[sc->cands[i].rule].info.identifier ||
						   sc->opts.only_rule >= 0))
				rc = lw_emit(sc, &sc->cands[i], &cur);
	}
	sc->chunk = NULL;
	sc->sink = NULL;
	if (rc >= 0 && sc->opts.decode_depth > 0 && sc->opts.only_rule < 0) {
		const lw_passes *p = sc->passes;
		lw_decoder dec = { sc->opts.decode_depth, sc->opts.decode_max, lw_scan_child,
			lw_scan_note_limit, sc };
		rc = p ? lw_scan_decoded(&dec, chunk, sink, p->runs, p->nruns, p->have_runs,
				 p->have_runs ? NULL : p->rec_runs)
		       : lw_scan_decoded(&dec, chunk, sink, NULL, 0, 0, NULL);
	}
	return rc;
}

void lw_scanner_set_strings(lw_scanner *sc, int on)
{
	sc->in_strings = on;
}
