/* scan_candidates.c - a rule's regex run over a window (searched, or
 * anchored at its keyword hits), its matches kept as candidates within the
 * per-chunk bounds, and the duplicates of one secret dropped. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

static int lw_cand_push(lw_scanner *sc, size_t rule, size_t off, size_t len, size_t soff,
	size_t slen)
{
	if (lw_scan__secret_rejected(sc, rule, soff, slen))
		return 0;
	if (sc->ncands >= LW_MAX_CANDS_PER_CHUNK)
		return LW_ELIMIT;
	if (LW_GROW(sc->cands, sc->capcands, sc->ncands, 64) < 0)
		return LW_ENOMEM;
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
int lw_scan__cand_add(lw_scanner *sc, size_t rule, size_t off, size_t len, size_t soff, size_t slen)
{
	int rc = lw_cand_push(sc, rule, off, len, soff, slen);

	if (rc != LW_ELIMIT)
		return rc;
	lw_scan__diag(sc, &sc->rs->rules[rule], off, "too many candidates in one chunk; the rest was not checked");
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
	return se > ss ? lw_scan__cand_add(sc, ri, ms, me - ms, ss, se - ss) : 0;
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
int lw_scan__rule_gave_up(lw_scanner *sc, size_t ri)
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
	lw_scan__diag(sc, r, at, msg);
}

/* Runs one rule over [ws, we): every match. When a regex limit is hit the
 * window is retried line by line from there, so the diagnostic names the
 * pathological line and one such line cannot hide the rest. */
static int lw_run_rule_mode(lw_scanner *sc, size_t ri, size_t ws, size_t we, int by_line);

/* A window holding none of the bytes every match of the rule consumes
 * (rules/anchor.c: the quotes around a generic assignment's value) cannot
 * match: the regex, which would try every position, is not run. */
static int lw_window_may_match(const lw_rule *r, const unsigned char *d, size_t ws, size_t we)
{
	if (!r->has_needs)
		return 1;
	for (size_t i = ws; i < we; i++)
		if (r->needs[d[i] >> 3] & (1u << (d[i] & 7)))
			return 1;
	return 0;
}

static int lw_run_lines(lw_scanner *sc, size_t ri, size_t from, size_t we)
{
	const unsigned char *d = sc->chunk->data;
	int rc = 0;

	while (from < we && rc >= 0 && !lw_scan__rule_gave_up(sc, ri)) {
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
	lw_error err; /* not zeroed: 1 KiB, at every window */
	int rc;

	err.code = 0;
	err.msg[0] = '\0';
	if (sc->cands_full || lw_scan__rule_gave_up(sc, ri))
		return 0;
	if (lw_rule_ensure_compiled(sc->rs, r, &err) < 0) {
		lw_scan__diag(sc, r, ws, err.msg);
		return 0;
	}
	if (!by_line && !lw_window_may_match(r, d, ws, we))
		return 0;
	while (off < we && !lw_scan__rule_gave_up(sc, ri)) {
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

int lw_scan__run_rule(lw_scanner *sc, size_t ri, size_t ws, size_t we)
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
int lw_scan__run_anchored(lw_scanner *sc, size_t ri, size_t ws, size_t we)
{
	lw_rule *r = &sc->rs->rules[ri];
	lw_hitstarts *h = &sc->starts[ri];
	const unsigned char *d = sc->chunk->data;
	size_t off = ws;
	int rc;

	if (h->n > 1)
		qsort(h->v, h->n, sizeof(size_t), lw_size_cmp);
	for (size_t i = 0; i < h->n && !sc->cands_full && !lw_scan__rule_gave_up(sc, ri); i++) {
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

int lw_scan__cand_cmp(const void *a, const void *b)
{
	const lw_cand *x = a, *y = b;

	if (x->soff != y->soff)
		return x->soff < y->soff ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->slen < y->slen ? -1 : x->slen > y->slen;
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

void lw_scan__cands_dedup(lw_scanner *sc)
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
