/*
 * gate.c - which keyword hits can begin a match of an anchored rule.
 *
 * A short keyword hits inside ordinary words: "ck_" in "lock_", "pat" in
 * "compat". An anchored rule (anchor.c) tries its regex only at its hits,
 * and every match begins with the rule's leading lookbehinds and literal,
 * so a hit where the byte before fails a one-byte lookbehind, or where the
 * literal's case differs from a case-sensitive regex's, cannot match. The
 * gate says so at the hit, before a window is opened for it.
 *
 * What each lookbehind lets pass is asked of PCRE2 itself, byte by byte,
 * not read from the pattern: the answer is the regex engine's own. Only
 * lookbehinds that look at one byte at most and at nothing after the
 * position are used; others stay the regex's job (the gate is a necessary
 * condition, never a sufficient one).
 */
#include <stdio.h>
#include <string.h>

#include "internal.h"

/* a lookbehind whose answer may depend on what follows its position, or
 * on more than the byte before it: not used */
static int lw_gate_unfit(const char *s, size_t n)
{
	static const char *const bad[] = { "(?=", "(?!", "\\b", "\\B", "\\G", "\\z", "\\Z", "\\A",
		"\\K", "$", "(?C", "(*" };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t bl = strlen(bad[i]);
		for (size_t j = 0; j + bl <= n; j++)
			if (!memcmp(s + j, bad[i], bl))
				return 1;
	}
	return 0;
}

/* narrows prev/at0 to what lookbehind s[0, n) lets pass; 1 when used */
static int lw_gate_lookbehind(lw_rule *r, const char *s, size_t n, int caseless, unsigned char next)
{
	char pat[512];
	uint32_t maxlb = 0;
	int used = 0;

	if (n + 5 > sizeof(pat) || lw_gate_unfit(s, n))
		return 0;
	snprintf(pat, sizeof(pat), "%s%.*s", caseless ? "(?i)" : "", (int)n, s);
	pcre2_code *code = lw_regex_compile(pat, NULL);
	pcre2_match_data *md = code ? pcre2_match_data_create_from_pattern(code, NULL) : NULL;
	if (!md || pcre2_pattern_info(code, PCRE2_INFO_MAXLOOKBEHIND, &maxlb) != 0 || maxlb > 1)
		goto done;
	for (unsigned c = 0; c < 256; c++) {
		unsigned char subj[2] = { (unsigned char)c, next };
		if (pcre2_match(code, subj, 2, 1, PCRE2_ANCHORED, md, NULL) < 0)
			r->gate_prev[c >> 3] &= (uint8_t)~(1u << (c & 7));
	}
	if (pcre2_match(code, &next, 1, 0, PCRE2_ANCHORED, md, NULL) < 0)
		r->gate_at0 = 0;
	used = 1;
done:
	pcre2_match_data_free(md);
	pcre2_code_free(code);
	return used;
}

void lw_rule_gate_build(lw_rule *r)
{
	lw_regex_lead_info lead;
	int used = 0;

	r->gate = 0;
	if (!r->anchored || !lw_regex_lead(r->info.regex, &lead))
		return;
	memset(r->gate_prev, 0xff, sizeof(r->gate_prev));
	r->gate_at0 = 1;
	r->gate_caseless = lead.caseless;
	r->gate_nlit = lead.nlit;
	memcpy(r->gate_lit, lead.lit, lead.nlit);
	for (size_t i = 0; i < lead.nlb; i++)
		used |= lw_gate_lookbehind(r, lead.lb[i], lead.lb_len[i], lead.caseless,
			lead.nlit ? (unsigned char)lead.lit[0] : 'x');
	r->gate = used || lead.nlit > 0;
}
