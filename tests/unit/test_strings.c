/*
 * test_strings.c - the printable runs of binary content (strings.c): every
 * maximal run of at least 8 printable bytes is scanned and placed at its
 * line, column and offset in the original, against a plain byte-by-byte
 * reference written here, on random binary inputs (short runs, long runs,
 * runs at both ends, LF and other control bytes between them).
 */
#include <ctype.h>

#include "internal.h"
#include "lwtest.h"

#define MAXRUNS 4096

typedef struct place {
	size_t offset, len;
	uint32_t line, column;
} place;

typedef struct found {
	place v[MAXRUNS];
	size_t n;
	int bad_chain;
} found;

static int on_finding(const lw_finding *f, void *p)
{
	found *o = p;
	char want[64];

	if (o->n < MAXRUNS)
		o->v[o->n++] = (place){ f->offset, f->secret_len, f->line, f->column };
	snprintf(want, sizeof(want), "strings@%zu", f->offset);
	if (!f->decoded || strcmp(f->decoded, want) != 0)
		o->bad_chain = 1;
	return 0;
}

/* every maximal run of [A-Za-z0-9] (the only printable bytes the inputs
 * hold) of 8 or more, where it is: the reference */
static size_t reference(const unsigned char *d, size_t n, place *out)
{
	uint32_t line = 1, col = 1;
	size_t k = 0, i = 0;

	while (i < n) {
		if (!isalnum(d[i])) {
			if (d[i] == '\n') {
				line++;
				col = 1;
			} else {
				col++;
			}
			i++;
			continue;
		}
		size_t s = i;
		uint32_t c0 = col;
		while (i < n && isalnum(d[i])) {
			i++;
			col++;
		}
		if (i - s >= 8 && k < MAXRUNS)
			out[k++] = (place){ s, i - s, line, c0 };
	}
	return k;
}

static unsigned char separator(void)
{
	static const unsigned char seps[] = { 0, 1, 7, '\n', '\n', 0x0b, 0x1b, 0x7f, 0x80, 0xc3, 0xff };
	return seps[(size_t)rand() % sizeof(seps)];
}

static int count_finding(const lw_finding *f, void *p)
{
	(void)f;
	(*(size_t *)p)++;
	return 0;
}

/* Every byte value, at every place of a 64-byte block and across blocks:
 * it joins two runs of 7 into one of 15 exactly when it is printable
 * (0x20-0x7e or tab), which the rule "7 letters, any byte but LF, 7
 * letters" then finds. */
static void test_each_byte(lw_scanner *sc)
{
	static const char w1[] = "BCDFGHJ", w2[] = "KLMNPQR";
	unsigned char d[200];
	size_t wrong = 0, tried = 0;

	for (int c = 0; c < 256; c++) {
		for (size_t at = 7; at + 8 <= sizeof(d); at += (at < 140 ? 1 : 13)) {
			size_t nfound = 0;
			memset(d, 0, sizeof(d));
			memcpy(d + at - 7, w1, 7);
			d[at] = (unsigned char)c;
			memcpy(d + at + 1, w2, 7);
			lw_chunk where = LW_CHUNK_INIT;
			lw_sink sink = { count_finding, NULL, &nfound };
			where.path = "blob.bin";
			if (lw_strings_scan(sc, d, sizeof(d), &where, &sink) != 0)
				wrong++;
			int printable = (c >= 0x20 && c < 0x7f) || c == '\t';
			tried++;
			if ((nfound == 1) != printable && c != '\n' && wrong++ < 3)
				fprintf(stderr, "  byte 0x%02x at %zu: %zu findings\n", c, at, nfound);
		}
	}
	CHECK(tried > 256 * 130);
	CHECK(wrong == 0);
}

int main(void)
{
	/* no vowels, y or x: stand-in words ("dummy", "XXXX") would be dropped by
	 * the placeholder filters */
	static const char alnum[] = "BCDFGHJKLMNPQRSTVWZbcdfghjklmnpqrstvwz0123456789";
	static unsigned char d[65536];
	static place want[MAXRUNS];
	static found got;
	lw_ruleset *rs = tf_rules("{\"rules\":[{\"id\":\"run\",\"description\":\"d\","
				  "\"regex\":\"[A-Za-z0-9]{8,}\",\"keywords\":[]}]}");
	lw_scanner *sc = NULL;
	lw_scan_options o = LW_SCAN_OPTIONS_INIT;
	size_t mismatched = 0, total = 0;

	tf_seed_random("test_strings");
	CHECK(rs != NULL);
	o.decode_depth = 0;
	if (!rs || lw_scanner_new(&sc, rs, &o) < 0)
		return tap_done();
	for (int round = 0; round < 300; round++) {
		size_t n = 0, cap = 1 + (size_t)rand() % (round < 100 ? 64 : sizeof(d));
		int lead = rand() % 2; /* begin with a run, or with a separator */
		while (n < cap) {
			if (lead++ % 2) {
				d[n++] = separator();
				while (n < cap && rand() % 3 == 0)
					d[n++] = separator();
			} else {
				/* mostly short runs, some just at and around 8, some longer (not too
				 * long: long random values meet the structured-value filters) */
				size_t len = rand() % 4 ? 1 + (size_t)rand() % 10 : 1 + (size_t)rand() % 40;
				for (size_t k = 0; k < len && n < cap; k++)
					d[n++] = (unsigned char)alnum[(size_t)rand() % (sizeof(alnum) - 1)];
			}
		}
		lw_chunk where = LW_CHUNK_INIT;
		lw_sink sink = { on_finding, NULL, &got };
		where.path = "blob.bin";
		got.n = 0;
		got.bad_chain = 0;
		CHECK(lw_strings_scan(sc, d, n, &where, &sink) == 0);
		size_t k = reference(d, n, want);
		total += k;
		int same = got.n == k && !got.bad_chain;
		for (size_t i = 0; same && i < k; i++)
			same = got.v[i].offset == want[i].offset && got.v[i].len == want[i].len &&
			       got.v[i].line == want[i].line && got.v[i].column == want[i].column;
		if (!same && mismatched++ == 0) {
			fprintf(stderr, "  round %d (%zu bytes): %zu runs found, %zu wanted\n", round, n,
				got.n, k);
			for (size_t i = 0, j = 0; i < k; i++) {
				if (j < got.n && got.v[j].offset == want[i].offset) {
					j++;
					continue;
				}
				fprintf(stderr, "  missing: %.*s\n", (int)want[i].len, (const char *)d + want[i].offset);
				break;
			}
		}
	}
	CHECK(mismatched == 0);
	CHECK(total > 1000); /* the inputs did hold runs to find */
	lw_scanner_free(sc);
	lw_ruleset_free(rs);
	sc = NULL;
	rs = tf_rules("{\"rules\":[{\"id\":\"joined\",\"description\":\"d\","
		      "\"regex\":\"BCDFGHJ.KLMNPQR\",\"keywords\":[]}]}");
	CHECK(rs != NULL);
	if (rs && lw_scanner_new(&sc, rs, &o) == 0)
		test_each_byte(sc);
	lw_scanner_free(sc);
	lw_ruleset_free(rs);
	return tap_done();
}
