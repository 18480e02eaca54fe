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

int lw_regex_keyword_anchored(const char *re, const char *const *kw, size_t nkw)
{
	const char *p = re;
	char lit[64];
	size_t n = 0;

	if (!re || strstr(re, "\\Q") || strstr(re, "(?x") || strstr(re, "(?|"))
		return 0;
	if (!strncmp(p, "(?i)", 4))
		p += 4;
	if (an_has_alternative(p, 1))
		return 0;
	/* lookbehinds look at what comes before the match: they do not move it */
	while (!strncmp(p, "(?<!", 4) || !strncmp(p, "(?<=", 4))
		if (!(p = an_skip_group(p)))
			return 0;
	while (*p == '(') {
		if (an_has_alternative(p, 0))
			return 0;
		if (!strncmp(p, "(?:", 3))
			p += 3;
		else if (p[1] == '?')
			return 0; /* named groups, flags, lookaheads: not followed */
		else
			p++;
	}
	while (n < sizeof(lit)) {
		const char *before = p;
		char c;
		if (!an_literal_char(&p, &c))
			break;
		/* a quantifier makes the character before it optional or repeated */
		if (*p == '?' || *p == '*' || *p == '{') {
			p = before;
			break;
		}
		lit[n++] = c;
		if (*p == '+')
			break;
	}
	for (size_t i = 0; i < nkw; i++) {
		size_t kl = strlen(kw[i]);
		if (!kl || kl > n)
			continue;
		size_t j = 0;
		while (j < kl && (unsigned char)kw[i][j] == an_lower((unsigned char)lit[j]))
			j++;
		if (j == kl)
			return 1;
	}
	return 0;
}

int lw_regex_has_top_alternative(const char *re)
{
	return an_has_alternative(re, 1);
}
