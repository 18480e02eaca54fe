/*
 * anchor.c - does every match of a rule begin with one of its keywords?
 *
 * Most token rules do: `(?<![A-Za-z0-9_-])(ck_[a-f0-9]{40})` can only match
 * where "ck_" is. For such a rule the scanner need not run the regex over
 * the whole line around each keyword hit; it tries an anchored match at
 * each hit instead (scanner.c), with the same result: the leftmost match
 * of a window starts at a hit, and at that position an anchored match
 * takes the same path as the unanchored search.
 *
 * The analysis is deliberately narrow: a leading (?i), lookbehinds, group
 * openings without alternatives, then a literal; no alternation at the top
 * level. Anything it does not understand is "no", which only costs speed.
 */
#include <string.h>

#include "internal.h"

/* the ']' closing the class that opens at p (a '['), or NULL */
static const char *an_class_end(const char *p)
{
	p++;
	if (*p == '^')
		p++;
	if (*p == ']')
		p++;
	while (*p && *p != ']') {
		if (*p == '\\' && !*++p)
			return NULL;
		p++;
	}
	return *p ? p : NULL;
}

/* the end of the group opening at p, or NULL */
static const char *an_skip_group(const char *p)
{
	int depth = 0;

	for (; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return NULL;
		} else if (*p == '[') {
			if (!(p = an_class_end(p)))
				return NULL;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth == 0)
				return p + 1;
		}
	}
	return NULL;
}

/* 1 when the group opening at p (or, with top set, the whole pattern from
 * p) holds a '|' of its own */
static int an_has_alternative(const char *p, int top)
{
	int depth = top ? 1 : 0;

	for (; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				return 1;
		} else if (*p == '[') {
			if (!(p = an_class_end(p)))
				return 1;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth == 0)
				return 0;
		} else if (*p == '|' && depth == 1) {
			return 1;
		}
	}
	return 0;
}

static unsigned char an_lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static int an_literal_char(const char **pp, char *out)
{
	const char *p = *pp;

	if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	    (*p && strchr("_-=:/@!%&,;'\"<>~`#", *p))) {
		*out = *p;
		*pp = p + 1;
		return 1;
	}
	/* an escaped punctuation mark stands for itself */
	if (p[0] == '\\' && p[1] && strchr(".-_/:@+*?()[]{}|^$#&~=!,;<>%'\"`\\", p[1])) {
		*out = p[1];
		*pp = p + 2;
		return 1;
	}
	return 0;
}

/* The beginning of a regex without top-level alternatives: its leading
 * lookbehinds, the groups opened after them and the literal that follows.
 * 0 when it cannot be read. */
typedef struct an_lead {
	const char *lb[LW_LEAD_MAX_LB], *lb_end[LW_LEAD_MAX_LB];
	size_t nlb;
	const char *group[LW_LEAD_MAX_GROUPS];
	size_t ngroup;
	int many_groups;
	int caseless;
	char lit[64];
	size_t n;
} an_lead;

static int an_parse_lead(const char *re, an_lead *L)
{
	const char *p = re;

	memset(L, 0, sizeof(*L));
	if (!re || strstr(re, "\\Q") || strstr(re, "(?x") || strstr(re, "(?|"))
		return 0;
	if (!strncmp(p, "(?i)", 4)) {
		p += 4;
		L->caseless = 1;
	}
	if (an_has_alternative(p, 1))
		return 0;
	/* lookbehinds look at what comes before the match: they do not move it */
	while (!strncmp(p, "(?<!", 4) || !strncmp(p, "(?<=", 4)) {
		const char *s = p;
		if (!(p = an_skip_group(p)))
			return 0;
		if (L->nlb < LW_LEAD_MAX_LB) {
			L->lb[L->nlb] = s;
			L->lb_end[L->nlb++] = p;
		}
	}
	while (*p == '(') {
		if (an_has_alternative(p, 0))
			return 0;
		if (L->ngroup < LW_LEAD_MAX_GROUPS)
			L->group[L->ngroup++] = p;
		else
			L->many_groups = 1;
		if (!strncmp(p, "(?:", 3))
			p += 3;
		else if (p[1] == '?')
			return 0; /* named groups, flags, lookaheads: not followed */
		else
			p++;
	}
	while (L->n < sizeof(L->lit)) {
		const char *before = p;
		char c;
		if (!an_literal_char(&p, &c))
			break;
		/* a quantifier makes the character before it optional or repeated */
		if (*p == '?' || *p == '*' || *p == '{') {
			p = before;
			break;
		}
		L->lit[L->n++] = c;
		if (*p == '+')
			break;
	}
	return 1;
}

int lw_regex_keyword_anchored(const char *re, const char *const *kw, size_t nkw)
{
	an_lead L;

	if (!an_parse_lead(re, &L))
		return 0;
	for (size_t i = 0; i < nkw; i++) {
		size_t kl = strlen(kw[i]);
		if (!kl || kl > L.n)
			continue;
		size_t j = 0;
		while (j < kl && (unsigned char)kw[i][j] == an_lower((unsigned char)L.lit[j]))
			j++;
		if (j == kl)
			return 1;
	}
	return 0;
}

int lw_regex_lead(const char *re, lw_regex_lead_info *out)
{
	an_lead L;

	memset(out, 0, sizeof(*out));
	if (!an_parse_lead(re, &L))
		return 0;
	out->caseless = L.caseless;
	out->nlb = L.nlb;
	for (size_t i = 0; i < L.nlb; i++) {
		out->lb[i] = L.lb[i];
		out->lb_len[i] = (size_t)(L.lb_end[i] - L.lb[i]);
	}
	/* the literal is what every match begins with only when no group
	 * holding it may be skipped or repeated: (?:ck_)?x begins with x too */
	if (L.many_groups)
		return 1;
	for (size_t i = 0; i < L.ngroup; i++) {
		const char *e = an_skip_group(L.group[i]);
		if (!e || *e == '?' || *e == '*' || *e == '{')
			return 1;
	}
	out->nlit = L.n < sizeof(out->lit) ? L.n : sizeof(out->lit);
	memcpy(out->lit, L.lit, out->nlit);
	return 1;
}

/* 1 when an inline option group anywhere sets x (extended: white space
 * and comments in the pattern), which the walks here do not follow */
static int an_has_extended(const char *re)
{
	for (const char *p = strstr(re, "(?"); p; p = strstr(p + 2, "(?"))
		for (const char *q = p + 2; (*q >= 'a' && *q <= 'z') || *q == '-' || *q == '^'; q++)
			if (*q == 'x')
				return 1;
	return 0;
}

/* past the quantifier at p, if any (NULL when it cannot be read); *q set
 * when there was one */
static const char *an_skip_quantifier(const char *p, int *q)
{
	*q = 0;
	if (*p == '?' || *p == '*' || *p == '+') {
		p++;
	} else if (*p == '{') {
		const char *e = strchr(p, '}');
		if (!e)
			return NULL;
		p = e + 1;
	} else {
		return p;
	}
	*q = 1;
	if (*p == '?' || *p == '+')
		p++; /* lazy or possessive */
	return p;
}

int lw_regex_required_bytes(const char *re, uint8_t set[32])
{
	const char *p = re, *last = NULL;
	int q;

	memset(set, 0, 32);
	if (!re || strstr(re, "\\Q") || an_has_extended(re) || an_has_alternative(re, 1))
		return 0;
	/* the top level, item by item: the last one is what counts */
	while (*p) {
		const char *item = p;
		if (*p == '(') {
			if (!(p = an_skip_group(p)))
				return 0;
		} else if (*p == '[') {
			if (!(p = an_class_end(p)))
				return 0;
			p++;
		} else if (*p == '\\') {
			if (!p[1])
				return 0;
			p += 2;
		} else {
			p++;
		}
		if (!(p = an_skip_quantifier(p, &q)))
			return 0;
		last = !q && *item == '(' ? item : NULL;
	}
	if (!last)
		return 0;
	/* a group that consumes: plain, non-capturing or branch reset */
	if (!strncmp(last, "(?:", 3) || !strncmp(last, "(?|", 3))
		p = last + 3;
	else if (last[1] != '?' && last[1] != '*')
		p = last + 1;
	else
		return 0;
	/* each alternative begins with a punctuation mark, taken once */
	for (;;) {
		char c;
		if (!an_literal_char(&p, &c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || *p == '?' || *p == '*' || *p == '{')
			return 0;
		set[(unsigned char)c >> 3] |= (uint8_t)(1u << (c & 7));
		/* on to the next '|' of this group, or its end */
		int depth = 1;
		for (; *p; p++) {
			if (*p == '\\') {
				if (!*++p)
					return 0;
			} else if (*p == '[') {
				if (!(p = an_class_end(p)))
					return 0;
			} else if (*p == '(') {
				depth++;
			} else if (*p == ')') {
				if (--depth == 0)
					return 1;
			} else if (*p == '|' && depth == 1) {
				break;
			}
		}
		if (*p != '|')
			return 0;
		p++;
	}
}

int lw_regex_has_top_alternative(const char *re)
{
	return an_has_alternative(re, 1);
}
