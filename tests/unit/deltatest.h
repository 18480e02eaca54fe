/* deltatest.h - what the tests of a delta's derived passes share
 * (test_deltapasses.c, test_deltastretch.c): findings noted as text lines
 * for comparing two scans, and the full passes over a text with its hits,
 * runs and windows noted. Static: each test is its own program. */
#ifndef LW_TEST_DELTATEST_H
#define LW_TEST_DELTATEST_H

#include "lwtest.h"
#include "odb/objstore.h"

/* n pieces of text from gen, one after another */
static char *text_of(void (*gen)(char **buf, size_t *len), size_t n, size_t *len)
{
	char *buf = NULL;

	*len = 0;
	for (size_t i = 0; i < n; i++)
		gen(&buf, len);
	return buf;
}

/* appends base[src, src + n) to a delta as a copy, joined to the last one
 * when it continues it (as the reader gives them) */
static void copy_from(char **buf, size_t *len, const char *base, size_t src, size_t n, lw_copyop *ops,
	size_t *nops)
{
	lw_copyop *last = *nops ? &ops[*nops - 1] : NULL;

	if (last && last->dst + last->len == *len && last->src + last->len == src)
		last->len += n;
	else
		ops[(*nops)++] = (lw_copyop){ *len, src, n };
	tf_append(buf, len, base + src, n);
}

/* findings as text lines, for comparing two scans */
typedef struct fl {
	char *s;
	size_t n;
} fl;

static int note_finding(const lw_finding *f, void *p)
{
	fl *o = p;
	char text[512];
	int k = snprintf(text, sizeof(text), "%s %zu %zu %.*s|", f->rule->id, (size_t)f->offset,
		(size_t)f->length, (int)(f->secret_len < 200 ? f->secret_len : 200), (const char *)f->secret);
	char *v = realloc(o->s, o->n + (size_t)k + 1);
	if (v) {
		memcpy(v + o->n, text, (size_t)k + 1);
		o->s = v;
		o->n += (size_t)k;
	}
	return 0;
}

static int quiet_finding(const lw_finding *f, void *p)
{
	(void)f;
	(void)p;
	return 0;
}

/* the full passes over text at path: hits, runs and regex windows noted,
 * the windows in order of (start, rule) as lookups need them; findings
 * into out (or nowhere) */
static void full_passes(lw_scanner *sc, const char *text, size_t len, const char *path, lw_kwhits *hits,
	lw_encruns *runs, lw_wins *wins, fl *out)
{
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { out ? note_finding : quiet_finding, NULL, out };
	lw_passes p = { 0 };

	c.data = (const unsigned char *)text;
	c.len = len;
	c.path = path;
	p.rec_hits = hits;
	p.rec_runs = runs;
	p.rec_wins = wins;
	CHECK(lw_scanner_scan_passes(sc, &c, &sink, &p) == 0);
	CHECK(hits->valid && runs->valid && wins->valid);
	for (size_t i = 1; i < wins->nw; i++)
		CHECK(wins->w[i - 1].ws < wins->w[i].ws ||
		      (wins->w[i - 1].ws == wins->w[i].ws && wins->w[i - 1].rule < wins->w[i].rule));
}

/* text at path scanned with given hits and runs (dh, dr) and its base's
 * windows (bw) over the copies ops; the windows it notes into wins (may
 * be NULL), findings into out */
static void given_passes(lw_scanner *sc, const char *text, size_t len, const char *path,
	const lw_kwhits *dh, const lw_encruns *dr, const lw_wins *bw, const lw_copyop *ops, size_t nops,
	lw_wins *wins, fl *out)
{
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { note_finding, NULL, out };
	lw_passes p = { 0 };

	c.data = (const unsigned char *)text;
	c.len = len;
	c.path = path;
	p.hits = dh->v;
	p.nhits = dh->n;
	p.runs = dr->v;
	p.nruns = dr->n;
	p.have_runs = 1;
	p.no_escape = dr->no_escape;
	p.wins = bw->w;
	p.nwins = bw->nw;
	p.cands = bw->c;
	p.ops = ops;
	p.nops = nops;
	p.rec_wins = wins;
	CHECK(lw_scanner_scan_passes(sc, &c, &sink, &p) == 0);
}

#endif
