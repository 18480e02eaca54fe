/* scan_filters.c - the scanner's filters: a candidate's secret
 * (placeholders, entropy floor, checksums, allowlists), its path, the
 * inline allow markers of its line; and its diagnostics. */
#include <stdlib.h>
#include <string.h>

#include "detect/scanner_int.h"

int lw_scan__rule_path_ok_slow(lw_scanner *sc, size_t ri)
{
	sc->pok_gen[ri] = sc->gen;
	sc->pok[ri] = (uint8_t)lw_pathstate_rule_ok(&sc->paths, sc->rs, ri,
		sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path, sc->md);
	return sc->pok[ri];
}

int lw_scanner_rules_off(lw_scanner *sc, const uint32_t *rules, size_t n, const char *path)
{
	if (!n)
		return 1;
	/* answers remembered for this path, not the chunk before */
	lw_pathstate_next_chunk(&sc->paths);
	for (size_t i = 0; i < n; i++)
		if (rules[i] >= sc->rs->n || lw_pathstate_rule_ok(&sc->paths, sc->rs, rules[i], path, sc->md))
			return 0;
	return 1;
}

static uint32_t lw_line_of(const unsigned char *d, size_t off)
{
	uint32_t line = 0;

	for (size_t i = 0; i < off; i++)
		if (d[i] == '\n' || (d[i] == '\r' && (i + 1 >= off || d[i + 1] != '\n')))
			line++;
	return line;
}

void lw_scan__diag(lw_scanner *sc, const lw_rule *r, size_t off, const char *msg)
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
	const char *path, pcre2_match_data *md)
{
	for (size_t i = 0; i < a->stopwords.n; i++)
		if (lw_has_stopword(secret, slen, a->stopwords.v[i]))
			return 1;
	if (lw_regex_list_matches(&a->regexes, secret, slen, md))
		return 1;
	return path && lw_path_list_matches(&a->paths, path, strlen(path), md);
}

/* The filters that depend only on the secret: a placeholder, a value under
 * the rule's entropy floor or an allowlisted one is dropped as it is taken,
 * so a file full of them cannot fill the candidate bound. The rule's path
 * allowlist is checked later (lw_scan__cand_filter): a base's window reused by a
 * delta (deltawins.c) may belong to another path. The match data is free
 * here: the caller has read the match's offsets. */
int lw_scan__secret_rejected(lw_scanner *sc, size_t rule, size_t soff, size_t slen)
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

static int lw_line_has_allow_raw(const lw_scanner *sc, const unsigned char *line, size_t len)
{
	if (lw_memcasemem(line, len, "leakwalk:allow", 14))
		return 1;
	/* markers of other scanners, for teams migrating (--compat) */
	return sc->opts.compat_markers && (lw_memcasemem(line, len, "gitleaks:allow", 14) ||
		lw_memcasemem(line, len, "pragma: allowlist secret", 24));
}

/* Many findings on one long line ask about the same line: remember it. */
int lw_scan__line_has_allow(lw_scanner *sc, size_t ls, size_t le)
{
	if (ls != sc->allow_ls || le != sc->allow_le || ls == SIZE_MAX) {
		sc->allow_ls = ls;
		sc->allow_le = le;
		sc->allow_hit = lw_line_has_allow_raw(sc, sc->chunk->data + ls, le - ls);
	}
	return sc->allow_hit;
}

/* The rule's path allowlist (the secret's own filters ran as candidates
 * were taken); before deduplication, so a specific rule's rejected
 * candidate never hides a generic finding. */
void lw_scan__cand_filter(lw_scanner *sc, lw_cand *c)
{
	const lw_rule *r = &sc->rs->rules[c->rule];
	const char *path = sc->chunk->fingerprint_path ? sc->chunk->fingerprint_path : sc->chunk->path;

	if (!lw_scan__rule_path_ok(sc, c->rule) ||
	    lw_is_structured_nonsecret(sc->chunk->data, sc->chunk->len, c->soff, c->slen) ||
	    lw_path_list_matches(&r->allow.paths, path, strlen(path), sc->md))
		c->drop = 1;
}

