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

static signed char b64v(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return (signed char)(c - 'A');
	if (c >= 'a' && c <= 'z') return (signed char)(c - 'a' + 26);
	if (c >= '0' && c <= '9') return (signed char)(c - '0' + 52);
	if (c == '+' || c == '-') return 62;
	if (c == '/' || c == '_') return 63;
	return -1;
}

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
		signed char v = b64v(s[i]);
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

/* Finds the next token (no spaces or quotes) holding two or more %XX escapes. */
static int next_pct_run(const unsigned char *d, size_t n, size_t *pos, size_t *start, size_t *len)
{
	size_t i = *pos;

	while (i < n) {
		const unsigned char *q = memchr(d + i, '%', n - i);
		if (!q)
			break;
		i = (size_t)(q - d);
		if (!(i + 2 < n && hexv(d[i + 1]) >= 0 && hexv(d[i + 2]) >= 0)) {
			i++;
			continue;
		}
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

static int next_run(const unsigned char *d, size_t n, size_t *pos, size_t *start, size_t *len)
{
	/* two passes over the chunk: base64/hex runs first, then percent runs */
	if (pos[0] < n) {
		int enc = next_b64_run(d, n, &pos[0], start, len);
		if (enc >= 0)
			return enc;
	}
	return next_pct_run(d, n, &pos[1], start, len);
}

int lw_scan_decoded(lw_scanner *sc, lw_scanner **child, const lw_chunk *chunk,
	const lw_sink *sink)
{
	const lw_scan_options *o = lw_scanner_options(sc);
	size_t pos[2] = { 0, 0 }, start, len, budget = o->decode_max;
	lw_buf buf;
	int enc, rc = 0;

	if (o->decode_depth <= 0)
		return 0;
	pthread_once(&cls_once, cls_init);
	lw_buf_init(&buf, LW_MAX_RUN);
	buf.wipe = 1;
	while (rc == 0 && (enc = next_run(chunk->data, chunk->len, pos, &start, &len)) >= 0) {
		if (len > budget)
			break;
		budget -= len;
		buf.len = 0;
		buf.overflow = 0;
		const unsigned char *s = chunk->data + start;
		int drc = enc == ENC_BASE64 ? decode_b64(s, len, &buf)
			: enc == ENC_HEX ? decode_hex(s, len, &buf) : decode_pct(s, len, &buf);
		if (drc < 0 || !mostly_text((const unsigned char *)lw_buf_cstr(&buf), buf.len))
			continue;
		if (!*child) {
			lw_scan_options co = *o;
			co.decode_depth--;
			co.decode_max = budget;
			if (lw_scanner_new(child, lw_scanner_ruleset(sc), &co) < 0) {
				rc = LW_ENOMEM;
				break;
			}
		}
		dec_sink ds = { sink, chunk, start, len, enc, 0 };
		lw_sink inner = { dec_on_finding, dec_on_diag, &ds };
		lw_chunk dc = LW_CHUNK_INIT;
		dc.data = (const unsigned char *)buf.data;
		dc.len = buf.len;
		dc.path = chunk->path;
		dc.fingerprint_path = chunk->fingerprint_path;
		rc = lw_scanner_scan(*child, &dc, &inner);
		if (ds.stop)
			rc = LW_ESTOP;
	}
	lw_buf_release(&buf);
	return rc;
}
