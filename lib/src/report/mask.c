#define _GNU_SOURCE /* memmem */
/* mask.c - what a report shows of a line: every secret on it redacted, the
 * finding's own and those of the other findings (and suppressed ones) that
 * reach the same line. The records are kept sorted by (path, line, column)
 * in an lw_mask that the renderer owns for one call. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "report/mask.h"

static int lw_mask_cmp(const void *a, const void *b)
{
	const lw_record *x = *(lw_record *const *)a, *y = *(lw_record *const *)b;
	int c = strcmp(x->path, y->path);

	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->column < y->column ? -1 : x->column > y->column;
}

int lw_mask__init(lw_mask *m, lw_report *r, lw_report *also)
{
	size_t extra = also ? lw_report_count(also) : 0;

	m->n = 0;
	m->sorted = malloc((lw_report_count(r) + extra + 1) * sizeof(lw_record *));
	if (!m->sorted)
		return LW_ENOMEM;
	for (size_t i = 0; i < lw_report_count(r); i++)
		m->sorted[m->n++] = lw_report_get(r, i);
	for (size_t i = 0; i < extra; i++)
		m->sorted[m->n++] = lw_report_get(also, i);
	if (m->n)
		qsort(m->sorted, m->n, sizeof(lw_record *), lw_mask_cmp);
	return 0;
}

void lw_mask__release(lw_mask *m)
{
	free(m->sorted);
	m->sorted = NULL;
	m->n = 0;
}

/* Index of the first record at or after (path, line, column). */
static size_t lw_mask_lower(const lw_mask *m, const char *path, uint32_t line, uint32_t column)
{
	lw_record key;
	const lw_record *kp = &key;
	size_t lo = 0, hi = m->n;

	memset(&key, 0, sizeof(key));
	key.path = (char *)path;
	key.line = line;
	key.column = column;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (lw_mask_cmp(&m->sorted[mid], &kp) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Marks in `mask` every place of `s` that shows part of secret `sec`: whole
 * occurrences, each line of a multi-line secret, and pieces cut off at the
 * edges of a bounded line window. */
#define LW_MASK_MIN 4

static void lw_mask_fragment(unsigned char *mask, const char *s, size_t len, const char *sec,
	size_t slen, unsigned char mark)
{
	size_t ps = 0;

	while (ps < slen) {
		size_t pe = ps;
		while (pe < slen && sec[pe] != '\n' && sec[pe] != '\r')
			pe++;
		const char *p = sec + ps;
		size_t pl = pe - ps;
		if (pl >= LW_MASK_MIN || pl == slen) {
			/* memmem: a long line holds many findings, each masking its
			 * neighbours, so a byte-by-byte search here was quadratic */
			for (const char *q = s; pl && q + pl <= s + len;) {
				q = memmem(q, (size_t)(s + len - q), p, pl);
				if (!q)
					break;
				memset(mask + (q - s), mark, pl);
				q++;
			}
			/* the window's start shows the tail of a piece, its end the head */
			for (size_t k = pl - 1; k >= LW_MASK_MIN && k > 0; k--) {
				if (k <= len && !memcmp(s, p + pl - k, k)) {
					memset(mask, mark, k);
					break;
				}
			}
			for (size_t k = pl - 1; k >= LW_MASK_MIN && k > 0; k--) {
				if (k <= len && !memcmp(s + len - k, p, k)) {
					memset(mask + len - k, mark, k);
					break;
				}
			}
		}
		ps = pe + 1;
	}
}

void lw_mask__secret(lw_buf *out, const lw_record *rec, int redact)
{
	if (redact && !rec->redacted)
		lw_redact(out, (const unsigned char *)rec->secret, rec->secret_len);
	else
		lw_buf_put(out, rec->secret, rec->secret_len);
}

/* Appends `len` bytes of `s` with every secret found on the same line as
 * `rec` (its own at [so, so + sl) included, and secrets of findings spanning
 * that line) redacted, unless `redact` is off. */
void lw_mask__put(lw_buf *out, const lw_mask *m, const char *s, size_t len, size_t so, size_t sl,
	const lw_record *rec, int redact, int json)
{
	int (*esc)(lw_buf *, const unsigned char *, size_t) = json ? lw_escape_json : lw_escape_text;
	unsigned char *mask;

	if (!redact || rec->redacted) {
		esc(out, (const unsigned char *)s, len);
		return;
	}
	mask = calloc(len ? len : 1, 1);
	if (!mask) {
		lw_buf_puts(out, "*****");
		return;
	}
	lw_mask_fragment(mask, s, len, rec->secret, rec->secret_len, 2);
	if (so <= len) {
		size_t e = so + sl > len ? len : so + sl;
		memset(mask + so, 1, e - so);
	}
	/* the shown text spans at most `len` bytes around the secret: only
	 * records on this line whose column falls near it can appear in it */
	uint32_t from = rec->column > len + 1 ? rec->column - (uint32_t)len - 1 : 0;
	uint32_t to = rec->column + (uint32_t)len + 1;
	for (size_t g = lw_mask_lower(m, rec->path, rec->line, from); g < m->n; g++) {
		const lw_record *o = m->sorted[g];
		if (o->line != rec->line || o->column > to || strcmp(o->path, rec->path))
			break;
		if (o != rec)
			lw_mask_fragment(mask, s, len, o->secret, o->secret_len, 2);
	}
	/* multi-line secrets that started on an earlier line and reach this one */
	size_t seen = 0;
	for (size_t g = lw_mask_lower(m, rec->path, rec->line, 0); g-- > 0 && seen < 256; seen++) {
		const lw_record *o = m->sorted[g];
		if (strcmp(o->path, rec->path) || o->line + 4096 < rec->line)
			break;
		if (o->end_line >= rec->line)
			lw_mask_fragment(mask, s, len, o->secret, o->secret_len, 2);
	}
	for (size_t i = 0; i < len;) {
		size_t j = i;
		if (!mask[i]) {
			while (j < len && !mask[j])
				j++;
			esc(out, (const unsigned char *)s + i, j - i);
		} else {
			while (j < len && mask[j])
				j++;
			/* own secret: its usual redacted form; others: stars */
			if (mask[i] == 1 || (i == so && j - i == sl)) {
				lw_buf tmp;
				lw_buf_init(&tmp, 0);
				lw_redact(&tmp, (const unsigned char *)rec->secret, rec->secret_len);
				esc(out, (const unsigned char *)tmp.data, tmp.len);
				lw_buf_release(&tmp);
			} else {
				lw_buf_puts(out, "*****");
			}
		}
		i = j;
	}
	free(mask);
}

void lw_mask__line(lw_buf *out, const lw_mask *m, const lw_record *rec, int redact, int json)
{
	lw_mask__put(out, m, rec->line_text, rec->line_len, rec->secret_col, rec->secret_len, rec,
		redact, json);
}
