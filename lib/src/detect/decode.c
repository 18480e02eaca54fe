/*
 * decode.c - secrets hidden in encodings: runs of base64, hex or
 * percent-encoding are decoded (when the result is text) and scanned
 * again, to a bounded depth and a bounded number of bytes per chunk. A
 * finding in decoded text is reported at the encoded run's place, with the
 * decoding chain.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "odb/objstore.h"

#define LW_MIN_B64 24
#define LW_MIN_HEX 32
#define LW_MAX_RUN (1u << 20)

enum { ENC_BASE64, ENC_HEX, ENC_PERCENT };
enum { C_B64 = 1, C_HEX = 2, C_DIGIT = 4, C_UPPER = 8, C_LOWER = 16 };

static uint8_t cls_table[256];
static pthread_once_t cls_once = PTHREAD_ONCE_INIT;

static void cls_init(void)
{
	for (int c = 0; c < 256; c++) {
		uint8_t v = 0;
		if (c >= '0' && c <= '9') v = C_B64 | C_HEX | C_DIGIT;
		else if (c >= 'a' && c <= 'f') v = C_B64 | C_HEX | C_LOWER;
		else if (c >= 'A' && c <= 'F') v = C_B64 | C_HEX | C_UPPER;
		else if (c >= 'a' && c <= 'z') v = C_B64 | C_LOWER;
		else if (c >= 'A' && c <= 'Z') v = C_B64 | C_UPPER;
		/* '-' and '_' (base64url) end a run: in source code they join
		 * identifiers far more often than they occur in encoded text */
		else if (c == '+' || c == '/') v = C_B64;
		cls_table[c] = v;
	}
}
static const char *const enc_names[] = { "base64", "hex", "percent" };

static int hexv(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	return -1;
}

static int mostly_text(const unsigned char *d, size_t n)
{
	size_t good = 0;

	if (n < 8)
		return 0;
	for (size_t i = 0; i < n; i++)
		good += (d[i] >= 0x20 && d[i] < 0x7f) || d[i] == '\n' || d[i] == '\r' || d[i] == '\t';
	return good * 100 >= n * 95;
}

static int decode_b64(const unsigned char *s, size_t n, lw_buf *out)
{
	uint32_t acc = 0;
	int bits = 0;

	if (lw_buf_reserve(out, n) < 0)
		return -1;
	unsigned char *o = (unsigned char *)out->data + out->len;
	for (size_t i = 0; i < n; i++) {
		int v = lw_b64_digit(s[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			*o++ = (unsigned char)((acc >> bits) & 0xff);
		}
	}
	out->len = (size_t)(o - (unsigned char *)out->data);
	out->data[out->len] = '\0';
	return 0;
}

static int decode_hex(const unsigned char *s, size_t n, lw_buf *out)
{
	if (lw_buf_reserve(out, n / 2 + 1) < 0)
		return -1;
	unsigned char *o = (unsigned char *)out->data + out->len;
	for (size_t i = 0; i + 1 < n; i += 2)
		*o++ = (unsigned char)(hexv(s[i]) << 4 | hexv(s[i + 1]));
	out->len = (size_t)(o - (unsigned char *)out->data);
	out->data[out->len] = '\0';
	return 0;
}

static int decode_pct(const unsigned char *s, size_t n, lw_buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && hexv(s[i + 1]) >= 0 && hexv(s[i + 2]) >= 0) {
			lw_buf_putc(out, (char)(hexv(s[i + 1]) << 4 | hexv(s[i + 2])));
			i += 2;
		} else {
			lw_buf_putc(out, (char)s[i]);
		}
	}
	return out->overflow ? -1 : 0;
}

typedef struct dec_sink {
	const lw_sink *outer;
	const lw_chunk *chunk;
	size_t run_off, run_len;
	int enc;
	int stop;
} dec_sink;

static void dec_location(const lw_chunk *c, size_t off, uint32_t *line, uint32_t *col)
{
	uint32_t l = 0;
	size_t ls = 0;

	for (size_t i = 0; i < off; i++) {
		if (c->data[i] == '\n' || (c->data[i] == '\r' && (i + 1 >= c->len || c->data[i + 1] != '\n'))) {
			l++;
			ls = i + 1;
		}
	}
	*line = c->first_line + l;
	*col = (uint32_t)(off - ls + 1);
}

static int dec_on_finding(const lw_finding *f, void *p)
{
	dec_sink *ds = p;
	lw_finding g = *f;
	char chain[128];

	snprintf(chain, sizeof(chain), "%s%s%s", enc_names[ds->enc], f->decoded ? ">" : "",
		f->decoded ? f->decoded : "");
	g.decoded = chain;
	g.path = ds->chunk->path;
	dec_location(ds->chunk, ds->run_off, &g.line, &g.column);
	dec_location(ds->chunk, ds->run_off + ds->run_len - 1, &g.end_line, &g.end_column);
	g.offset = ds->run_off;
	g.length = ds->run_len;
	if (ds->outer->on_finding(&g, ds->outer->payload)) {
		ds->stop = 1;
		return 1;
	}
	return 0;
}

static void dec_on_diag(const lw_diag *d, void *p)
{
	dec_sink *ds = p;

	if (ds->outer->on_diag)
		ds->outer->on_diag(d, ds->outer->payload);
}

/* Classifies the maximal base64-alphabet run [s, e). */
static int classify_run(const unsigned char *d, size_t s, size_t e)
{
	unsigned seen = 0;
	size_t L = e - s, nhex = 0;

	if (L > LW_MAX_RUN)
		return -1;
	for (size_t i = s; i < e; i++) {
		seen |= cls_table[d[i]];
		nhex += (cls_table[d[i]] & C_HEX) != 0;
	}
	int digits = (seen & C_DIGIT) != 0, upper = (seen & C_UPPER) != 0,
	    lower = (seen & C_LOWER) != 0;
	if (nhex == L && L >= LW_MIN_HEX && L % 2 == 0 && digits && (!upper || !lower))
		return ENC_HEX;
	/* base64 of text practically always holds digits; identifiers don't */
	if (L >= LW_MIN_B64 && upper && lower && digits && nhex != L)
		return ENC_BASE64;
	return -1;
}

/*
 * Finds the next base64/hex run of at least LW_MIN_B64 bytes at or after
 * *pos. Any such run covers one of the probe positions spaced LW_MIN_B64
 * apart, so most of ordinary text is skipped a probe at a time.
 */
static int next_b64_run(const unsigned char *d, size_t n, size_t *pos, size_t *start, size_t *len)
{
	size_t floor = *pos, p = *pos + LW_MIN_B64 - 1;

	while (p < n) {
		if (!(cls_table[d[p]] & C_B64)) {
			p += LW_MIN_B64;
			continue;
		}
		size_t s = p, e = p + 1;
		while (s > floor && (cls_table[d[s - 1]] & C_B64))
			s--;
		while (e < n && (cls_table[d[e]] & C_B64))
			e++;
		floor = e;
		p = e + LW_MIN_B64;
		/* a run glued to a percent escape belongs to a percent-encoded token */
		if (e - s < LW_MIN_B64 || (e + 2 < n && d[e] == '%' && hexv(d[e + 1]) >= 0))
			continue;
		int enc = classify_run(d, s, e);
		if (enc < 0)
			continue;
		*pos = e;
		*start = s;
		*len = e - s;
		return enc;
	}
	*pos = n;
	return -1;
}

/* 1 when a %XX escape begins at i: where a percent-encoded run can start */
static int pct_escape_at(const unsigned char *d, size_t n, size_t i)
{
	return d[i] == '%' && i + 2 < n && hexv(d[i + 1]) >= 0 && hexv(d[i + 2]) >= 0;
}

/* Finds the next token (no spaces or quotes) holding two or more %XX
 * escapes; *seen set when it passes an escape. */
static int next_pct_run(const unsigned char *d, size_t n, size_t *pos, size_t *start, size_t *len,
	int *seen)
{
	size_t i = *pos;

	while (i < n) {
		const unsigned char *q = memchr(d + i, '%', n - i);
		if (!q)
			break;
		i = (size_t)(q - d);
		if (!pct_escape_at(d, n, i)) {
			i++;
			continue;
		}
		*seen = 1;
		size_t s = i, e = i, esc = 0;
		while (s > *pos && i - s < 4096 && d[s - 1] > 0x20 && d[s - 1] < 0x7f &&
		       !strchr("\"'<>`", d[s - 1]))
			s--;
		while (e < n && e - s < LW_MAX_RUN && d[e] > 0x20 && d[e] < 0x7f &&
		       !strchr("\"'<>`", d[e])) {
			if (d[e] == '%' && e + 2 < n && hexv(d[e + 1]) >= 0 && hexv(d[e + 2]) >= 0) {
				esc++;
				e += 3;
			} else {
				e++;
			}
		}
		i = e > i ? e : i + 1;
		if (esc >= 2) {
			*pos = i;
			*start = s;
			*len = e - s;
			return ENC_PERCENT;
		}
	}
	*pos = n;
	return -1;
}

void lw_encruns_release(lw_encruns *r)
{
	free(r->v);
	memset(r, 0, sizeof(*r));
}

static void runs_push(lw_encruns *r, uint64_t start, size_t len, int enc)
{
	if (!r->valid)
		return;
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		lw_encrun *v = cap <= LW_MAX_KEPT_RUNS ? lw_reallocarray(r->v, cap, sizeof(*v)) : NULL;
		if (!v) {
			r->valid = 0;
			return;
		}
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (lw_encrun){ start, (uint32_t)len, (uint32_t)enc };
}

/* ---- runs through deltas ------------------------------------------------
 *
 * A run is a maximal stretch of the base64 alphabet, kept or not by its own
 * bytes and the three after it (the percent test). So a run of the new blob
 * whose bytes, with one before and three after, lie in one copied stretch
 * of the base is a run of the base, moved; every other run comes within a
 * few bytes of inserted bytes or a seam, and is found by probing there. */

#define RUN_BEFORE 1
#define RUN_AFTER 3

/* The maximal run through p, when kept. [*seen, *seen_end) is the last run
 * probed: a probe inside it has nothing new to find. */
static void runs_probe_at(const unsigned char *d, size_t n, size_t p, size_t seen[2], lw_encruns *out)
{
	if ((p >= seen[0] && p < seen[1]) || !(cls_table[d[p]] & C_B64))
		return;
	size_t s = p, e = p + 1;
	while (s > 0 && (cls_table[d[s - 1]] & C_B64))
		s--;
	while (e < n && (cls_table[d[e]] & C_B64))
		e++;
	seen[0] = s;
	seen[1] = e;
	if (e - s < LW_MIN_B64 || (e + 2 < n && d[e] == '%' && hexv(d[e + 1]) >= 0))
		return;
	int enc = classify_run(d, s, e);
	if (enc >= 0)
		runs_push(out, s, e - s, enc);
}

/* Every kept run meeting [a, b): a run that long covers one of the probes
 * spaced LW_MIN_B64 apart, or else the interval's last byte. */
static void runs_probe(const unsigned char *d, size_t n, size_t a, size_t b, size_t seen[2],
	lw_encruns *out)
{
	for (size_t p = a; p < b && out->valid; p += LW_MIN_B64)
		runs_probe_at(d, n, p, seen, out);
	if (a < b)
		runs_probe_at(d, n, b - 1, seen, out);
}

/* The first of br[0..n) (ascending starts) starting at or past x, or n */
static size_t runs_first_from(const lw_encrun *br, size_t n, uint64_t x)
{
#define RUN_STARTS_BEFORE_X(r) ((r)->start < x)
	return LW_PARTITION_POINT(br, 0, n, RUN_STARTS_BEFORE_X);
#undef RUN_STARTS_BEFORE_X
}

static int run_cmp(const void *a, const void *b)
{
	const lw_encrun *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* The moved runs v[0..moved) are in order of start, and so, nearly always,
 * are the probed v[moved..n): merged into one list in that order, in place
 * from the back (the probed are few), a moved run first of two with one
 * start. Probes step back a few bytes after a copy under six bytes long,
 * and may find a run before the last: then the list is sorted whole, as it
 * always was before. -1 (valid cleared) without memory. */
#define RUN_STARTS_BEFORE(a, b) ((a)->start < (b)->start)
static int runs_merge(lw_encruns *r, size_t moved)
{
	for (size_t q = moved + 1; q < r->n; q++)
		if (r->v[q].start < r->v[q - 1].start) {
			qsort(r->v, r->n, sizeof(*r->v), run_cmp);
			return 0;
		}
	if (LW_MERGE_BACK(r->v, r->n, moved, RUN_STARTS_BEFORE) < 0) {
		r->valid = 0;
		return -1;
	}
	return 0;
}

int lw_encruns_derive(const lw_encrun *br, size_t nbr, int base_no_escape, const lw_copyop *ops,
	size_t nops, const unsigned char *d, size_t len, lw_encruns *out)
{
	size_t seen[2] = { 0, 0 }, pos = 0, moved;

	pthread_once(&cls_once, cls_init);
	out->n = 0;
	out->valid = 1;
	/* An escape's three bytes inside one copy are an escape of the base:
	 * with none there, only one reaching into inserted bytes or across a
	 * seam can be new (looked for with the probes below). */
	out->no_escape = base_no_escape;
	/* the base's runs, with their context, inside each copied stretch */
	for (size_t i = 0; i < nops && out->valid; i++) {
		const lw_copyop *op = &ops[i];
		size_t lo = runs_first_from(br, nbr, op->src + RUN_BEFORE);
		for (size_t k = lo; k < nbr && br[k].start + br[k].len + RUN_AFTER <= op->src + op->len; k++)
			runs_push(out, br[k].start - op->src + op->dst, br[k].len, (int)br[k].enc);
	}
	moved = out->n;
	/* probes around inserted bytes and seams: in order of start too, as
	 * the probes go forwards and each finds a whole run */
	for (size_t i = 0; i <= nops && out->valid; i++) {
		size_t a, b;
		if (i < nops && ops[i].dst < pos)
			return out->valid = 0, -1; /* stretches out of order: not a delta we made */
		if (i < nops && ops[i].dst == pos) {
			a = pos; /* the start of a stretch: the blob's or a seam */
			b = pos;
		} else {
			a = pos; /* inserted bytes up to the next stretch or the end */
			b = i < nops ? (size_t)ops[i].dst : len;
		}
		for (size_t e = a > 2 ? a - 2 : 0, end = b < len ? b : len; out->no_escape && e < end; e++) {
			const unsigned char *q = memchr(d + e, '%', end - e);
			if (!q)
				break;
			e = (size_t)(q - d);
			out->no_escape = !pct_escape_at(d, len, e);
		}
		a = a > RUN_AFTER + 1 ? a - RUN_AFTER - 1 : 0;
		b = b + RUN_BEFORE + 1 < len ? b + RUN_BEFORE + 1 : len;
		if (a < b)
			runs_probe(d, len, a, b, seen, out);
		if (i < nops)
			pos = (size_t)(ops[i].dst + ops[i].len);
	}
	if (!out->valid)
		return -1;
	/* found twice (moved and probed): keep one, in order of start */
	if (runs_merge(out, moved) < 0)
		return -1;
	size_t u = 0;
	for (size_t i = 0; i < out->n; i++)
		if (!u || out->v[i].start != out->v[u - 1].start)
			out->v[u++] = out->v[i];
	out->n = u;
	return 0;
}

/* ---- the decoding pass ----------------------------------------------- */

static int scan_run(const lw_decoder *dec, const lw_chunk *chunk, const lw_sink *sink,
	lw_buf *buf, size_t start, size_t len, int enc, size_t budget)
{
	const unsigned char *s = chunk->data + start;
	int rc;

	buf->len = 0;
	buf->overflow = 0;
	int drc = enc == ENC_BASE64 ? decode_b64(s, len, buf)
		: enc == ENC_HEX ? decode_hex(s, len, buf) : decode_pct(s, len, buf);
	if (drc < 0 || !mostly_text((const unsigned char *)lw_buf_cstr(buf), buf->len))
		return 0;
	dec_sink ds = { sink, chunk, start, len, enc, 0 };
	lw_sink inner = { dec_on_finding, dec_on_diag, &ds };
	lw_chunk dc = LW_CHUNK_INIT;
	dc.data = (const unsigned char *)buf->data;
	dc.len = buf->len;
	dc.path = chunk->path;
	dc.fingerprint_path = chunk->fingerprint_path;
	rc = dec->scan(dec->payload, &dc, budget, &inner);
	return ds.stop ? LW_ESTOP : rc;
}

/* The decoding budget ran out: what was left is not decoded. Said once
 * per chunk, and counted as incomplete coverage. */
static void budget_spent(const lw_decoder *dec, const lw_chunk *chunk, const lw_sink *sink)
{
	char msg[160];
	lw_diag d = { NULL, chunk->path, 0, msg };

	snprintf(msg, sizeof(msg), "more than %zu bytes of encoded text; the rest was not decoded",
		dec->max);
	dec->note_limit(dec->payload);
	if (sink->on_diag)
		sink->on_diag(&d, sink->payload);
}

int lw_scan_decoded(const lw_decoder *dec, const lw_chunk *chunk, const lw_sink *sink,
	const lw_encrun *runs, size_t nruns, int have_runs, int no_escape, lw_encruns *rec)
{
	const unsigned char *d = chunk->data;
	size_t n = chunk->len, pos = 0, start, len, budget = dec->max, i = 0;
	lw_buf buf;
	int enc, rc = 0, spent = 0, escapes = 0;

	if (dec->depth <= 0)
		return 0;
	pthread_once(&cls_once, cls_init);
	lw_buf_init(&buf, LW_MAX_RUN);
	buf.wipe = 1;
	if (rec && !have_runs) {
		rec->n = 0;
		rec->valid = 1;
		rec->no_escape = 0;
	}
	/* base64 and hex runs first, then percent-encoded ones */
	for (;;) {
		if (have_runs) {
			if (i == nruns)
				break;
			start = (size_t)runs[i].start;
			len = runs[i].len;
			enc = (int)runs[i++].enc;
		} else if ((enc = next_b64_run(d, n, &pos, &start, &len)) < 0) {
			break;
		} else if (rec) {
			runs_push(rec, start, len, enc);
		}
		if (spent || rc)
			continue; /* the runs are still noted for the blob's deltas */
		if (len > budget) {
			spent = 1;
			budget_spent(dec, chunk, sink);
			continue;
		}
		budget -= len;
		rc = scan_run(dec, chunk, sink, &buf, start, len, enc, budget);
		if (rc && !rec)
			break;
	}
	if (rc && rec && !have_runs)
		rec->valid = 0;
	/* percent-encoded runs, unless the chunk is known to hold no escape */
	pos = no_escape ? n : 0;
	while (!rc && !spent && (enc = next_pct_run(d, n, &pos, &start, &len, &escapes)) >= 0) {
		if (len > budget) {
			budget_spent(dec, chunk, sink);
			spent = 1;
			break;
		}
		budget -= len;
		rc = scan_run(dec, chunk, sink, &buf, start, len, enc, budget);
	}
	/* looked through to the end: whether there was an escape is known */
	if (rec && !have_runs && !rc && !spent)
		rec->no_escape = !escapes;
	lw_buf_release(&buf);
	return rc;
}
