/*
 * strings.c - binary content is not a blind spot: its printable runs (like
 * strings(1): at least LW_MIN_RUN bytes of printable ASCII or tab) are
 * joined, one run per line, and scanned with the same rules. A finding is
 * then placed where its run lies in the original bytes: line and column
 * counted there (LF ends a line), the whole match's byte offset, and the
 * decoding chain "strings@N", N the byte offset of the run.
 *
 * Cost: one pass over the input, a buffer no larger than it, and a map of
 * at most LW_MAX_RUNS runs; past that bound the rest is not scanned and
 * the scanner counts a limit hit (incomplete coverage).
 */
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "internal.h"

#define LW_MIN_RUN 8
#define LW_MAX_RUNS ((size_t)1 << 20)

typedef struct lw_strrun {
	uint64_t src;  /* offset of the run in the original */
	uint64_t at;   /* offset of the run in the joined buffer */
	uint32_t line; /* 1-based line of the run's start in the original */
	uint32_t col;  /* 1-based column of the run's start */
} lw_strrun;

typedef struct lw_strmap {
	lw_strrun *v;
	size_t n, cap;
	int full; /* LW_MAX_RUNS reached: the rest was not taken */
} lw_strmap;

static int lw_printable(unsigned char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t';
}

static int lw_strmap_push(lw_strmap *m, const lw_strrun *r)
{
	if (m->n == LW_MAX_RUNS) {
		m->full = 1;
		return 1;
	}
	if (LW_GROW(m->v, m->cap, m->n, 256) < 0)
		return LW_ENOMEM;
	m->v[m->n++] = *r;
	return 0;
}

#if defined(__SSE2__)
/* bit j set when d[j] is printable, j < 64: 16 bytes a compare. Adding
 * 0x60 moves 0x20..0x7e to -128..-34, the only signed bytes below -33 */
static uint64_t lw_printable_mask64(const unsigned char *d)
{
	const __m128i shift = _mm_set1_epi8((char)0x60), top = _mm_set1_epi8(-33);
	const __m128i tab = _mm_set1_epi8('\t');
	uint64_t m = 0;

	for (int k = 0; k < 4; k++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + 16 * k));
		__m128i p = _mm_or_si128(_mm_cmplt_epi8(_mm_add_epi8(v, shift), top), _mm_cmpeq_epi8(v, tab));
		m |= (uint64_t)(uint16_t)_mm_movemask_epi8(p) << (16 * k);
	}
	return m;
}

/* Where the search may resume, past d[i, i + 64), when no run of
 * LW_MIN_RUN starts there; 0 when one may. A run needs LW_MIN_RUN
 * printable bits in a row; none starting in the block means the byte
 * after its last unprintable one is the next place one can start. */
static size_t lw_strings_skip64(const unsigned char *d, size_t i)
{
	uint64_t m = lw_printable_mask64(d + i), r = m;

	for (int k = 1; k < LW_MIN_RUN; k++)
		r &= m >> k; /* zeros shifted in: a run reaching past the block is not seen */
	if (r)
		return 0;
	return i + (size_t)(64 - __builtin_clzll(~m)); /* ~m != 0, or r would be set */
}
#endif

/* The runs of d[0, n) joined by LF into `out`, each noted in `m`.
 * Binary content is mostly short runs, so the search skips: when the byte
 * LW_MIN_RUN - 1 ahead is not printable, no run long enough starts before
 * it, and the byte just before the search point is never printable (the
 * invariant that makes the run found around that byte maximal). With SSE2,
 * 64 bytes are classified at once and passed whole when no run starts
 * among them (compressed data: a third of its bytes are printable, in
 * short runs). Lines are counted only up to the runs taken. */
static int lw_strings_extract(const unsigned char *d, size_t n, lw_buf *out, lw_strmap *m)
{
	uint32_t line = 1;
	size_t ls = 0, counted = 0, i = 0;
	int rc = 0;

	while (rc == 0 && n - i >= LW_MIN_RUN) {
#if defined(__SSE2__)
		size_t next;
		if (n - i >= 64 && (next = lw_strings_skip64(d, i)) != 0) {
			i = next;
			continue;
		}
#endif
		size_t k = i + LW_MIN_RUN - 1, s = k, e = k + 1;
		if (!lw_printable(d[k])) {
			i = k + 1;
			continue;
		}
		while (s > i && lw_printable(d[s - 1]))
			s--;
		while (e < n && lw_printable(d[e]))
			e++;
		i = e < n ? e + 1 : n; /* d[e] is not printable */
		if (e - s < LW_MIN_RUN)
			continue;
		for (const unsigned char *nl; (nl = memchr(d + counted, '\n', s - counted)) != NULL;) {
			line++;
			ls = counted = (size_t)(nl - d) + 1;
		}
		counted = e; /* a run holds no LF */
		lw_strrun r = { s, out->len, line, (uint32_t)(s - ls + 1) };
		if ((rc = lw_strmap_push(m, &r)) != 0)
			break;
		if (lw_buf_put(out, d + s, e - s) < 0 || lw_buf_putc(out, '\n') < 0)
			rc = LW_ENOMEM;
	}
	return rc < 0 ? rc : 0;
}

typedef struct lw_strsink {
	const lw_sink *outer;
	const lw_strmap *map;
	int stop;
} lw_strsink;

static const lw_strrun *lw_run_of_line(const lw_strmap *m, uint32_t line)
{
	size_t i = line ? line - 1 : 0;

	return &m->v[i < m->n ? i : m->n - 1];
}

static int lw_str_on_finding(const lw_finding *f, void *p)
{
	lw_strsink *ss = p;
	lw_finding g = *f;
	const lw_strrun *a = lw_run_of_line(ss->map, f->line);
	const lw_strrun *b = lw_run_of_line(ss->map, f->end_line);
	char chain[160];

	/* one run is one line of the joined buffer: its line and column are
	 * the run's index and the column within the run */
	g.line = a->line;
	g.column = a->col + f->column - 1;
	g.end_line = b->line;
	g.end_column = b->col + f->end_column - 1;
	g.offset = f->offset >= a->at ? (size_t)(a->src + (f->offset - a->at)) : (size_t)a->src;
	snprintf(chain, sizeof(chain), "strings@%llu%s%s", (unsigned long long)a->src,
		f->decoded ? ">" : "", f->decoded ? f->decoded : "");
	g.decoded = chain;
	if (ss->outer->on_finding(&g, ss->outer->payload)) {
		ss->stop = 1;
		return 1;
	}
	return 0;
}

static void lw_str_on_diag(const lw_diag *d, void *p)
{
	lw_strsink *ss = p;
	lw_diag e = *d;

	if (d->line)
		e.line = lw_run_of_line(ss->map, d->line)->line;
	if (ss->outer->on_diag)
		ss->outer->on_diag(&e, ss->outer->payload);
}

int lw_strings_scan(lw_scanner *sc, const unsigned char *d, size_t n, const lw_chunk *where,
	const lw_sink *sink)
{
	lw_strmap m = { 0 };
	lw_buf out;
	int rc;

	lw_buf_init(&out, n + n / LW_MIN_RUN + 16);
	out.wipe = 1;
	rc = lw_strings_extract(d, n, &out, &m);
	if (rc == 0 && m.full) {
		lw_diag dg = { NULL, where->path, 0,
			"binary content with more than 1048576 printable runs; the rest was not checked" };
		lw_scanner_note_limit(sc);
		if (sink->on_diag)
			sink->on_diag(&dg, sink->payload);
	}
	if (rc == 0 && m.n) {
		lw_strsink ss = { sink, &m, 0 };
		lw_sink inner = { lw_str_on_finding, lw_str_on_diag, &ss };
		lw_chunk c = *where;
		c.data = (const unsigned char *)out.data;
		c.len = out.len;
		c.first_line = 1;
		lw_scanner_set_strings(sc, 1);
		rc = lw_scanner_scan(sc, &c, &inner);
		lw_scanner_set_strings(sc, 0);
		if (ss.stop)
			rc = LW_ESTOP;
	}
	free(m.v);
	lw_buf_release(&out);
	return rc;
}
