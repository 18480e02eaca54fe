/* history_place.c - one blob, several paths. The walk reads each blob
 * once (by id), so a blob held at two paths, copied later or moved, is
 * scanned at its first path only; every other (blob, path) the walk meets
 * is noted here with the commit that brought it, and each finding of the
 * blob is reported at each of its paths too (once per rule, secret and
 * path, at the oldest commit that brought it there). */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

int lw_hist_place_note(hwalker *w, const git_oid *blob, const git_oid *commit, uint64_t seq,
	const char *path)
{
	if (w->nplace == w->capplace) {
		size_t cap = w->capplace ? w->capplace * 2 : 256;
		hplace *v = lw_reallocarray(w->place, cap, sizeof(hplace));
		if (!v)
			return LW_ENOMEM;
		w->place = v;
		w->capplace = cap;
	}
	char *p = lw_strdup(path);
	if (!p)
		return LW_ENOMEM;
	w->place[w->nplace++] = (hplace){ *blob, *commit, seq, p };
	return 0;
}

void lw_hist_places_dispose(hplace *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].path);
	free(v);
}

static int place_cmp(const void *a, const void *b)
{
	const hplace *x = a, *y = b;
	int c = git_oid_cmp(&x->blob, &y->blob);

	if (c)
		return c;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* the first place of `blob` in the sorted c->place, or c->nplace */
static size_t place_lower(const hctx *c, const git_oid *blob)
{
	size_t lo = 0, hi = c->nplace;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (git_oid_cmp(&c->place[mid].blob, blob) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int path_allowed_globally(const hctx *c, const char *path, pcre2_match_data *md)
{
	return lw_regex_list_matches(&c->rs->allow.paths, (const unsigned char *)path, strlen(path), md);
}

/* A job scanned at a path the configuration allows would find nothing for
 * its other paths either: it is scanned at the oldest path not allowed. */
static void job_pick_path(hctx *c, hjob *j, pcre2_match_data *md)
{
	if (!md || !path_allowed_globally(c, j->path, md))
		return;
	for (size_t k = j->place_first; k < j->place_first + j->place_n; k++) {
		hplace *p = &c->place[k];
		if (path_allowed_globally(c, p->path, md))
			continue;
		hplace was = { j->blob, j->commit, j->seq, j->path };
		j->path = p->path;
		j->commit = p->commit;
		j->seq = p->seq;
		*p = was;
		return;
	}
}

/* The walkers' places, in one list sorted by blob, and each job's share
 * of it. Takes the walkers' lists. */
int lw_hist_places_merge(hctx *c, hwalker *ws, size_t nw)
{
	size_t total = 0;

	for (size_t k = 0; k < nw; k++)
		total += ws[k].nplace;
	if (total == 0)
		return 0;
	if (!(c->place = calloc(total, sizeof(hplace))))
		return LW_ENOMEM;
	for (size_t k = 0; k < nw; k++) {
		if (ws[k].nplace)
			memcpy(c->place + c->nplace, ws[k].place, ws[k].nplace * sizeof(hplace));
		c->nplace += ws[k].nplace;
		free(ws[k].place);
		ws[k].place = NULL;
		ws[k].nplace = ws[k].capplace = 0;
	}
	qsort(c->place, c->nplace, sizeof(hplace), place_cmp);
	pcre2_match_data *md = c->rs->allow.paths.n ? pcre2_match_data_create(4, NULL) : NULL;
	for (size_t i = 0; i < c->nbatch; i++) {
		hjob *j = &c->batch[i];
		size_t first = place_lower(c, &j->blob), end = first;
		while (end < c->nplace && git_oid_equal(&c->place[end].blob, &j->blob))
			end++;
		j->place_first = first;
		j->place_n = end - first;
		if (j->place_n)
			job_pick_path(c, j, md);
	}
	pcre2_match_data_free(md);
	return 0;
}

/* 1 when a finding copied to `path` is still reported there: neither the
 * configuration nor its rule allows that path. */
int lw_hist_place_reported(const hctx *c, const lw_finding *f, const char *path)
{
	const lw_rule *r = &c->rs->rules[f->rule_index];
	pcre2_match_data *md = pcre2_match_data_create(4, NULL);
	size_t pl = strlen(path);
	int allowed;

	if (!md)
		return 1;
	allowed = lw_regex_list_matches(&c->rs->allow.paths, (const unsigned char *)path, pl, md) ||
		  lw_regex_list_matches(&r->allow.paths, (const unsigned char *)path, pl, md);
	pcre2_match_data_free(md);
	return !allowed;
}
