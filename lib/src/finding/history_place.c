/* history_place.c - one blob, several paths. The walk reads each blob
 * once (by id), so a blob held at two paths, copied later or moved, is
 * scanned at its first path only; every other (blob, path) the walk meets
 * is noted with the commit that brought it, and each finding of the
 * blob is reported at each of its paths too (once per rule, secret and
 * path, at the oldest commit that brought it there). The walk notes the
 * places (history_trees.c) and hands them to the jobs
 * (history_commits.c); the sink copies each finding to them. */
#include <stdlib.h>
#include <string.h>

#include "finding/history_sink.h"

void lw_hist_places_dispose(hplace *v, size_t n)
{
	(void)n; /* the paths are interned, the walk's */
	free(v);
}

void lw_hist_places_of(const hsink *s, const git_oid *blob, size_t *first, size_t *n)
{
	size_t lo = 0, hi = s->nplace, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (git_oid_cmp(&s->place[mid].blob, blob) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; end < s->nplace && git_oid_equal(&s->place[end].blob, blob); end++)
		;
	*first = lo;
	*n = end - lo;
}

/* 1 when a finding copied to `path` is still reported there: neither the
 * configuration nor its rule allows that path. */
int lw_hist_place_reported(const lw_ruleset *rs, const lw_finding *f, const char *path)
{
	const lw_rule *r = &rs->rules[f->rule_index];
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	size_t pl = strlen(path);
	int allowed;

	if (!md)
		return 1;
	allowed = lw_path_list_matches(&rs->allow.paths, path, pl, md) ||
		  lw_path_list_matches(&r->allow.paths, path, pl, md);
	pcre2_match_data_free(md);
	return !allowed;
}
