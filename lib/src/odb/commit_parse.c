/*
 * commit_parse.c - a commit as the walk needs it (tree, parents,
 * committer time, message), parsed from our reader's bytes. Parents are
 * not bounded by a small array: an octopus merge may have any number of
 * them (Linux has one with 66), and a parent dropped is history unwalked.
 */
#include <stdlib.h>
#include <string.h>

#include "source/history.h"

int lw_hist_id_line(const unsigned char **p, const unsigned char *end, const char *key, git_oid *out)
{
	size_t kl = strlen(key);

	if ((size_t)(end - *p) < kl + GIT_OID_HEXSZ + 1 || memcmp(*p, key, kl) ||
	    (*p)[kl + GIT_OID_HEXSZ] != '\n')
		return 0;
	const char *hex = (const char *)*p + kl;
	for (int i = 0; i < GIT_OID_HEXSZ; i++)
		if (!((hex[i] >= '0' && hex[i] <= '9') || (hex[i] >= 'a' && hex[i] <= 'f')))
			return 0;
	if (lw_hex_decode(hex, GIT_OID_RAWSZ, out->id) < 0)
		return 0;
	*p += kl + GIT_OID_HEXSZ + 1;
	return 1;
}

void lw_hist_commit_init(hcommit *hc)
{
	memset(hc, 0, sizeof(*hc));
	hc->parents = hc->few;
	hc->cap = sizeof(hc->few) / sizeof(hc->few[0]);
}

void lw_hist_commit_release(hcommit *hc)
{
	if (hc->parents != hc->few)
		free(hc->parents);
	hc->parents = hc->few;
	hc->cap = sizeof(hc->few) / sizeof(hc->few[0]);
	hc->nparents = 0;
}

int lw_hist_commit_add_parent(hcommit *hc, const git_oid *id)
{
	if (hc->nparents == hc->cap) {
		size_t cap = hc->cap * 2;
		git_oid *v;
		if (hc->nparents >= LW_MAX_PARENTS)
			return -1;
		if (hc->parents == hc->few) {
			if (!(v = malloc(cap * sizeof(git_oid))))
				return -1;
			memcpy(v, hc->few, sizeof(hc->few));
		} else if (!(v = lw_reallocarray(hc->parents, cap, sizeof(git_oid)))) {
			return -1;
		}
		hc->parents = v;
		hc->cap = cap;
	}
	hc->parents[hc->nparents++] = *id;
	return 0;
}

int lw_hist_commit_parse(const unsigned char *d, size_t n, hcommit *hc)
{
	const unsigned char *p = d, *end = d + n;
	int have_time = 0;
	git_oid parent;

	hc->nparents = 0;
	if (!lw_hist_id_line(&p, end, "tree ", &hc->tree))
		return -1;
	while (lw_hist_id_line(&p, end, "parent ", &parent))
		if (lw_hist_commit_add_parent(hc, &parent) < 0)
			return -1;
	for (;;) {
		const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
		if (!nl)
			return -1;
		if (nl == p) {
			p++;
			break;
		}
		if ((size_t)(nl - p) > 10 && !memcmp(p, "committer ", 10)) {
			const unsigned char *gt = NULL;
			for (const unsigned char *q = p; q < nl; q++)
				if (*q == '>')
					gt = q;
			if (!gt || gt + 2 >= nl || gt[1] != ' ')
				return -1;
			int64_t t = 0;
			const unsigned char *q = gt + 2;
			for (; q < nl && *q >= '0' && *q <= '9'; q++) {
				if (t > (INT64_MAX - 9) / 10)
					return -1;
				t = t * 10 + (*q - '0');
			}
			if (q == gt + 2 || q >= nl || *q != ' ')
				return -1;
			hc->time = t;
			have_time = 1;
		}
		p = nl + 1;
	}
	if (!have_time)
		return -1;
	while (p < end && *p == '\n')
		p++;
	hc->message = (const char *)p;
	return 0;
}
