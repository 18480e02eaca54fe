/* staged_lines.c - the lines a staged blob adds over the old one, without
 * a diff engine (source/staged.c). */
#include <stdlib.h>

#include "internal.h"
#include "source/source.h"

typedef struct s_line {
	const unsigned char *p;
	size_t len;
} s_line;

static size_t s_next_line(const unsigned char *d, size_t n, size_t pos, s_line *out)
{
	size_t e = pos;

	while (e < n && d[e] != '\n' && d[e] != '\r')
		e++;
	out->p = d + pos;
	out->len = e - pos;
	if (e < n && d[e] == '\r' && e + 1 < n && d[e + 1] == '\n')
		return e + 2;
	return e < n ? e + 1 : e;
}

static uint64_t s_hash(const s_line *l)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < l->len; i++)
		h = (h ^ l->p[i]) * 1099511628211ull;
	return h | 1; /* 0 marks an empty slot */
}

/*
 * A line of the new blob is added unless the old blob had the same line
 * still unclaimed (a multiset): for a secret scanner a line that only moved
 * is not new. Consecutive added lines form one range, so a multi-line
 * secret added whole is matched whole.
 */
int lw_staged__added_lines(const unsigned char *od, size_t on, const unsigned char *nd, size_t nn,
	lw_staged_range_cb range, void *p)
{
	size_t nold = 0, cap = 16, pos = 0;
	uint64_t *keys;
	uint32_t *counts;
	s_line l;
	int rc = 0;

	for (pos = 0; pos < on; pos = s_next_line(od, on, pos, &l))
		nold++;
	while (cap < nold * 2)
		cap *= 2;
	keys = calloc(cap, sizeof(uint64_t));
	counts = calloc(cap, sizeof(uint32_t));
	if (!keys || !counts) {
		rc = -1;
		goto done;
	}
	for (pos = 0; pos < on;) {
		pos = s_next_line(od, on, pos, &l);
		uint64_t h = s_hash(&l);
		size_t j = h & (cap - 1);
		while (keys[j] && keys[j] != h)
			j = (j + 1) & (cap - 1);
		keys[j] = h;
		counts[j]++;
	}
	uint32_t line = 0, start = 0, len = 0;
	for (pos = 0; pos < nn;) {
		pos = s_next_line(nd, nn, pos, &l);
		line++;
		uint64_t h = s_hash(&l);
		size_t j = h & (cap - 1);
		while (keys[j] && keys[j] != h)
			j = (j + 1) & (cap - 1);
		int old = keys[j] == h && counts[j] > 0;
		if (old)
			counts[j]--;
		if (!old && len && start + len == line) {
			len++;
		} else if (!old) {
			if (len && range(p, start, len) < 0) {
				rc = -1;
				goto done;
			}
			start = line;
			len = 1;
		}
	}
	if (len)
		rc = range(p, start, len);
done:
	free(keys);
	free(counts);
	return rc;
}
