/* ruleset_paths.c - one regex joining every enabled rule's `paths`, built
 * when the ruleset is finalized, so most files, whose names no rule is
 * limited to, cost one match (detect/pathrule.c asks it); and the groups
 * of rules with the same `allow.paths`, asked once per path per group. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* One regex for all rules' `paths`, so most files, whose names no rule is
 * limited to, cost one match instead of one per such rule. Path regexes
 * mostly begin with (?:^|/) or \. (optionally after (?i)): those are
 * grouped behind that prefix, so at most places in a path one test fails
 * them all. Regexes with back references are not joined (their group
 * numbers would move): then there is no shortcut. */
static int lw_path_branch(lw_buf *group, const char *s, const char *prefix)
{
	const char *rest = s, *ci = "";
	size_t pl = strlen(prefix);

	if (strncmp(rest, "(?i)", 4) == 0) {
		rest += 4;
		ci = "(?i)";
	}
	if (strncmp(rest, prefix, pl) != 0 || lw_regex_has_top_alternative(rest))
		return 0;
	lw_buf_puts(group, group->len ? "|(?:" : "(?:");
	lw_buf_puts(group, ci);
	lw_buf_puts(group, rest + pl);
	lw_buf_puts(group, ")");
	return 1;
}

static uint64_t lw_list_hash(const lw_regex_list *l)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < l->n; i++)
		for (const char *p = l->sources[i];; p++) {
			h = (h ^ (unsigned char)*p) * 1099511628211ull;
			if (!*p)
				break;
		}
	return h;
}

static int lw_list_same(const lw_regex_list *a, const lw_regex_list *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (strcmp(a->sources[i], b->sources[i]) != 0)
			return 0;
	return 1;
}

/* allow_paths_group: 1 + the first rule with the same allow.paths */
static void lw_ruleset_group_allow_paths(lw_ruleset *rs)
{
	uint64_t *h = calloc(rs->n ? rs->n : 1, sizeof(uint64_t));
	uint32_t ngroups = 0;

	for (size_t i = 0; i < rs->n; i++) {
		lw_rule *r = &rs->rules[i];
		r->allow_paths_group = 0;
		r->allow_paths_bit = UINT32_MAX;
		if (!r->allow.paths.n)
			continue;
		r->allow_paths_group = (uint32_t)i + 1;
		if (!h)
			continue; /* no sharing: each rule asks alone */
		h[i] = lw_list_hash(&r->allow.paths);
		for (size_t j = 0; j < i; j++)
			if (h[j] == h[i] && rs->rules[j].allow_paths_group == j + 1 &&
			    lw_list_same(&rs->rules[j].allow.paths, &r->allow.paths)) {
				r->allow_paths_group = (uint32_t)j + 1;
				break;
			}
		/* asked once per path for the whole group, by its first rule:
		 * worth the JIT (a few regexes in the default rules). The list
		 * may be lazy, its regexes not compiled yet: they get the JIT
		 * when they are (the interpreter cost a sixth of a scan) */
		if (r->allow_paths_group == i + 1) {
			r->allow_paths_bit = ngroups++;
			lw_regex_list_jit(&r->allow.paths);
		} else {
			r->allow_paths_bit = rs->rules[r->allow_paths_group - 1].allow_paths_bit;
		}
	}
	free(h);
}

void lw_ruleset_join_paths(lw_ruleset *rs)
{
	lw_buf slash, dot, other, all;

	lw_ruleset_group_allow_paths(rs);
	lw_buf_init(&slash, (size_t)1 << 20);
	lw_buf_init(&dot, (size_t)1 << 20);
	lw_buf_init(&other, (size_t)1 << 20);
	lw_buf_init(&all, (size_t)4 << 20);
	for (size_t i = 0; i < rs->n; i++) {
		const lw_rule *r = &rs->rules[i];
		if (r->info.disabled)
			continue;
		for (size_t j = 0; j < r->paths.n; j++) {
			const char *s = r->paths.sources[j];
			for (const char *p = s; *p; p++)
				if (p[0] == '\\' && p[1] && strchr("123456789gk", p[1]))
					goto done;
			if (strstr(s, "(?P=") || strstr(s, "(?P>") || strstr(s, "(?&") || strstr(s, "(?R") ||
			    strstr(s, "(?|"))
				goto done;
			if (lw_path_branch(&slash, s, "(?:^|/)") || lw_path_branch(&dot, s, "\\."))
				continue;
			lw_buf_puts(&other, other.len ? "|(?:" : "(?:");
			lw_buf_puts(&other, s);
			lw_buf_puts(&other, ")");
		}
	}
	if (slash.len) {
		lw_buf_puts(&all, "(?:^|/)(?:");
		lw_buf_puts(&all, lw_buf_cstr(&slash));
		lw_buf_puts(&all, ")");
	}
	if (dot.len) {
		lw_buf_puts(&all, all.len ? "|\\.(?:" : "\\.(?:");
		lw_buf_puts(&all, lw_buf_cstr(&dot));
		lw_buf_puts(&all, ")");
	}
	if (other.len) {
		lw_buf_puts(&all, all.len ? "|" : "");
		lw_buf_puts(&all, lw_buf_cstr(&other));
	}
	if (all.len && !slash.overflow && !dot.overflow && !other.overflow && !all.overflow &&
	    (rs->paths_any = lw_regex_compile(lw_buf_cstr(&all), NULL)))
		pcre2_jit_compile(rs->paths_any, PCRE2_JIT_COMPLETE);
done:
	lw_buf_release(&slash);
	lw_buf_release(&dot);
	lw_buf_release(&other);
	lw_buf_release(&all);
}

