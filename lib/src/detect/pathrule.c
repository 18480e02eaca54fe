/* pathrule.c - which rules a chunk's path admits. Rules limited by `paths`
 * ask here whether the chunk's path admits them, through one regex joining
 * every rule's paths (rules/ruleset_paths.c), then their own. A rule whose
 * `allow.paths` names the path does not run there at all: every candidate
 * it found would be dropped (the generic rules exclude source code, tests
 * and documentation, most of a repository). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* A path's answers, remembered: an audit meets each path again in every
 * version of its file, and its jobs do not come in path order. */
typedef struct lw_pathmemo {
	char *path;
	size_t len;
	uint64_t known, ok; /* per allow.paths group bit: answered, and allowed */
	int8_t any;         /* the joined `paths` regex: -1 not asked, 0, 1 */
	uint32_t nans;
	uint8_t *ans;       /* per path-limited rule (its slot_of): 0 not asked,
			       1 admitted, 2 not */
} lw_pathmemo;
/* curl's and git's histories hold about 7,500 paths each */
#define LW_PATHMEMO_SLOTS 16384

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
	for (size_t i = 0; ps->memo && i < LW_PATHMEMO_SLOTS; i++) {
		free(ps->memo[i].path);
		free(ps->memo[i].ans);
	}
	free(ps->memo);
	free(ps->slot_of);
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

/* rel's slot (direct-mapped: a path met again replaces the one there),
 * or NULL without memory */
static lw_pathmemo *lw_pathmemo_get(lw_pathstate *ps, const char *rel, size_t n)
{
	uint64_t h = 1469598103934665603ull;
	lw_pathmemo *e;

	if (!ps->memo && !(ps->memo = calloc(LW_PATHMEMO_SLOTS, sizeof(*ps->memo))))
		return NULL;
	/* a chunk asks about its one path for rule after rule: the slot last
	 * found, when it still holds the path, spares the hash */
	e = ps->last;
	if (e && e->path && e->len == n && memcmp(e->path, rel, n) == 0)
		return e;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)rel[i]) * 1099511628211ull;
	e = &ps->memo[(h ^ (h >> 29)) & (LW_PATHMEMO_SLOTS - 1)];
	if (!e->path || e->len != n || memcmp(e->path, rel, n) != 0) {
		char *c = realloc(e->path, n + 1);
		if (!c)
			return NULL;
		memcpy(c, rel, n + 1);
		e->path = c;
		e->len = n;
		e->known = e->ok = 0;
		e->any = -1;
		if (e->ans)
			memset(e->ans, 0, e->nans);
	}
	ps->last = e;
	return e;
}

int lw_paths_may_match(lw_pathstate *ps, const lw_ruleset *rs, const char *rel,
	pcre2_match_data *md)
{
	size_t n = strlen(rel);
	lw_pathmemo *e;

	if (!rs->paths_any)
		return 1;
	if (!(e = lw_pathmemo_get(ps, rel, n)))
		return lw_path_matches(rs->paths_any, rel, n, md);
	if (e->any < 0)
		e->any = (int8_t)(lw_path_matches(rs->paths_any, rel, n, md) != 0);
	return e->any;
}

/* Whether rule r's allow.paths match rel. Rules sharing a list (the
 * generic rules do) share the answer. */
static int lw_pathstate_allowed(lw_pathstate *ps, const lw_ruleset *rs, const lw_rule *r,
	const char *rel, size_t n, pcre2_match_data *md)
{
	uint32_t g = r->allow_paths_group, bit = r->allow_paths_bit;
	lw_pathmemo *e;
	uint64_t m;

	if (!g || g > ps->nrules)
		return lw_path_list_matches(&r->allow.paths, rel, n, md);
	/* the group's first rule: its regexes are JIT-compiled */
	const lw_regex_list *l = &rs->rules[g - 1].allow.paths;
	if (bit >= 64 || !(e = lw_pathmemo_get(ps, rel, n)))
		return lw_path_list_matches(l, rel, n, md);
	m = (uint64_t)1 << bit;
	if (!(e->known & m)) {
		e->known |= m;
		if (lw_path_list_matches(l, rel, n, md))
			e->ok |= m;
	}
	return (e->ok & m) != 0;
}

/* Where rule ri's answer for rel is remembered, or NULL: each path-limited
 * rule gets a slot when first asked, and a path's answers grow with them. */
static uint8_t *lw_pathstate_answer(lw_pathstate *ps, size_t ri, const char *rel, size_t n)
{
	lw_pathmemo *e;

	if (!ps->slot_of && !(ps->slot_of = calloc(ps->nrules ? ps->nrules : 1, sizeof(uint32_t))))
		return NULL;
	if (!ps->slot_of[ri])
		ps->slot_of[ri] = ++ps->nslots;
	uint32_t k = ps->slot_of[ri] - 1;
	if (!(e = lw_pathmemo_get(ps, rel, n)))
		return NULL;
	if (k >= e->nans) {
		uint32_t cap = ps->nslots > 64 ? ps->nslots : 64;
		uint8_t *v = realloc(e->ans, cap);
		if (!v)
			return NULL;
		memset(v + e->nans, 0, cap - e->nans);
		e->ans = v;
		e->nans = cap;
	}
	return &e->ans[k];
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
		uint8_t *a = lw_pathstate_answer(ps, ri, rel, n);
		ps->gen_of[ri] = ps->gen;
		if (a && *a) {
			ps->ok[ri] = *a == 1;
		} else {
			ps->ok[ri] = (uint8_t)((!r->paths.n ||
						   lw_path_list_matches(&r->paths, rel, n, md)) &&
					       !lw_pathstate_allowed(ps, rs, r, rel, n, md));
			if (a)
				*a = ps->ok[ri] ? 1 : 2;
		}
	}
	return ps->ok[ri];
}
