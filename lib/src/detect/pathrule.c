/* pathrule.c - which rules a chunk's path admits. Rules limited by `paths`
 * ask here whether the chunk's path admits them, through one regex joining
 * every rule's paths (rules/ruleset_paths.c), then their own. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int lw_pathstate_init(lw_pathstate *ps, size_t nrules)
{
	memset(ps, 0, sizeof(*ps));
	ps->nrules = nrules;
	ps->gen_of = calloc(nrules ? nrules : 1, sizeof(uint32_t));
	ps->ok = calloc(nrules ? nrules : 1, 1);
	return ps->gen_of && ps->ok ? 0 : LW_ENOMEM;
}

void lw_pathstate_release(lw_pathstate *ps)
{
	free(ps->gen_of);
	free(ps->ok);
	free(ps->memo);
	memset(ps, 0, sizeof(*ps));
}

void lw_pathstate_next_chunk(lw_pathstate *ps)
{
	if (++ps->gen == 0) {
		memset(ps->gen_of, 0, ps->nrules * sizeof(uint32_t));
		ps->any_gen = 0;
		ps->gen = 1;
	}
}

int lw_paths_may_match(lw_pathstate *ps, const lw_ruleset *rs, const char *rel,
	pcre2_match_data *md)
{
	size_t n = strlen(rel);
	int ok;

	if (!rs->paths_any)
		return 1;
	if (ps->memo && ps->memo_len == n && memcmp(ps->memo, rel, n) == 0)
		return ps->memo_ok;
	ok = pcre2_match(rs->paths_any, (PCRE2_SPTR)rel, n, 0, 0, md, NULL) >= 0;
	char *c = realloc(ps->memo, n + 1);
	if (c) {
		memcpy(c, rel, n + 1);
		ps->memo = c;
		ps->memo_len = n;
		ps->memo_ok = ok;
	}
	return ok;
}

int lw_pathstate_rule_ok(lw_pathstate *ps, const lw_ruleset *rs, size_t ri, const char *rel,
	pcre2_match_data *md)
{
	const lw_rule *r = &rs->rules[ri];

	if (!r->paths.n || ps->any_path)
		return 1;
	if (ps->any_gen != ps->gen) {
		ps->any_gen = ps->gen;
		ps->any_ok = lw_paths_may_match(ps, rs, rel, md);
	}
	if (!ps->any_ok)
		return 0;
	if (ps->gen_of[ri] != ps->gen) {
		ps->gen_of[ri] = ps->gen;
		ps->ok[ri] = (uint8_t)lw_regex_list_matches(&r->paths, (const unsigned char *)rel,
			strlen(rel), md);
	}
	return ps->ok[ri];
}

