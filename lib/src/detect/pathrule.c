/* pathrule.c - which rules a chunk's path admits. Rules limited by `paths`
 * ask here whether the chunk's path admits them, through one regex joining
 * every rule's paths (rules/ruleset_paths.c), then their own. A rule whose
 * `allow.paths` names the path does not run there at all: every candidate
 * it found would be dropped (the generic rules exclude source code, tests
 * and documentation, most of a repository). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A path's answers from the allow.paths groups (lw_pathstate_allowed). */
typedef struct lw_pathmemo {
	char *path;
	size_t len;
	uint64_t known, ok; /* per group bit: answered, and allowed */
} lw_pathmemo;
#define LW_PATHMEMO_SLOTS 4096

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
	for (size_t i = 0; ps->amemo && i < LW_PATHMEMO_SLOTS; i++)
		free(ps->amemo[i].path);
	free(ps->amemo);
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
	ok = lw_path_matches(rs->paths_any, rel, n, md);
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
 * generic rules do) share the answer, remembered per path: an audit meets
 * each path again in every version of its file. */
static int lw_pathstate_allowed(lw_pathstate *ps, const lw_ruleset *rs, const lw_rule *r,
	const char *rel, size_t n, pcre2_match_data *md)
{
	uint32_t g = r->allow_paths_group, bit = r->allow_paths_bit;
	uint64_t h = 1469598103934665603ull, m;
	lw_pathmemo *e;

	if (!g || g > ps->nrules)
		return lw_path_list_matches(&r->allow.paths, rel, n, md);
	/* the group's first rule: its regexes are JIT-compiled */
	const lw_regex_list *l = &rs->rules[g - 1].allow.paths;
	if (bit >= 64 || (!ps->amemo && !(ps->amemo = calloc(LW_PATHMEMO_SLOTS, sizeof(*ps->amemo)))))
		return lw_path_list_matches(l, rel, n, md);
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)rel[i]) * 1099511628211ull;
	e = &ps->amemo[(h ^ (h >> 29)) & (LW_PATHMEMO_SLOTS - 1)];
	if (!e->path || e->len != n || memcmp(e->path, rel, n) != 0) {
		char *c = realloc(e->path, n + 1);
		if (!c)
			return lw_path_list_matches(l, rel, n, md);
		memcpy(c, rel, n + 1);
		e->path = c;
		e->len = n;
		e->known = e->ok = 0;
	}
	m = (uint64_t)1 << bit;
	if (!(e->known & m)) {
		e->known |= m;
		if (lw_path_list_matches(l, rel, n, md))
			e->ok |= m;
	}
	return (e->ok & m) != 0;
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
					   lw_path_list_matches(&r->paths, rel, n, md)) &&
				       !lw_pathstate_allowed(ps, rs, r, rel, n, md));
	}
	return ps->ok[ri];
}
