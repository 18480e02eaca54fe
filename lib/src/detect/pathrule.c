/* pathrule.c - which rules a chunk's path admits. Rules limited by `paths`
 * ask here whether the chunk's path admits them, through one regex joining
 * every rule's paths (rules/ruleset_paths.c), then their own. A rule whose
 * `allow.paths` names the path does not run there at all: every candidate
 * it found would be dropped (the generic rules exclude source code, tests
 * and documentation, most of a repository). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

int lw_pathstate_init(lw_pathstate *ps, size_t nrules)
{
	memset(ps, 0, sizeof(*ps));
	ps->nrules = nrules;
	ps->gen_of = calloc(nrules ? nrules : 1, sizeof(uint32_t));
	ps->ok = calloc(nrules ? nrules : 1, 1);
	ps->agen_of = calloc(nrules + 1, sizeof(uint32_t));
	ps->aok = calloc(nrules + 1, 1);
	return ps->gen_of && ps->ok && ps->agen_of && ps->aok ? 0 : LW_ENOMEM;
}

void lw_pathstate_release(lw_pathstate *ps)
{
	free(ps->gen_of);
	free(ps->ok);
	free(ps->memo);
	free(ps->agen_of);
	free(ps->aok);
	free(ps->apath);
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

/* Whether rule r's allow.paths match rel. Rules sharing a list (the
 * generic rules do) share the answer, kept while the path stays the same
 * (an audit's blobs often come at one path after another). */
static int lw_pathstate_allowed(lw_pathstate *ps, const lw_ruleset *rs, const lw_rule *r,
	const char *rel, size_t n, pcre2_match_data *md)
{
	uint32_t g = r->allow_paths_group;

	if (!g || g > ps->nrules)
		return lw_regex_list_matches(&r->allow.paths, (const unsigned char *)rel, n, md);
	if (!ps->apath || ps->apath_len != n || memcmp(ps->apath, rel, n) != 0) {
		char *c = realloc(ps->apath, n + 1);
		if (!c)
			return lw_regex_list_matches(&r->allow.paths, (const unsigned char *)rel, n, md);
		memcpy(c, rel, n + 1);
		ps->apath = c;
		ps->apath_len = n;
		if (++ps->apgen == 0) {
			memset(ps->agen_of, 0, (ps->nrules + 1) * sizeof(uint32_t));
			ps->apgen = 1;
		}
	}
	if (ps->agen_of[g] != ps->apgen) {
		ps->agen_of[g] = ps->apgen;
		/* the group's first rule: its regexes are JIT-compiled */
		ps->aok[g] = (uint8_t)lw_regex_list_matches(&rs->rules[g - 1].allow.paths,
			(const unsigned char *)rel, n, md);
	}
	return ps->aok[g];
}

int lw_pathstate_rule_ok(lw_pathstate *ps, const lw_ruleset *rs, size_t ri, const char *rel,
	pcre2_match_data *md)
{
	const lw_rule *r = &rs->rules[ri];

	if (ps->any_path || (!r->paths.n && !r->allow.paths.n))
		return 1;
	if (r->paths.n) {
		if (ps->any_gen != ps->gen) {
			ps->any_gen = ps->gen;
			ps->any_ok = lw_paths_may_match(ps, rs, rel, md);
		}
		if (!ps->any_ok)
			return 0;
	}
	if (ps->gen_of[ri] != ps->gen) {
		size_t n = strlen(rel);
		ps->gen_of[ri] = ps->gen;
		ps->ok[ri] = (uint8_t)((!r->paths.n ||
					   lw_regex_list_matches(&r->paths, (const unsigned char *)rel, n, md)) &&
				       !lw_pathstate_allowed(ps, rs, r, rel, n, md));
	}
	return ps->ok[ri];
}
