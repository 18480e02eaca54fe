/*
 * test_deltapasses.c - a delta's keyword hits and base64/hex runs worked out
 * from its base's (deltahits.c, decode.c) must be exactly what the full
 * passes find. Random texts dense in keywords, encoded runs, percent escapes
 * and line ends are cut into random copies of a base and inserted bytes,
 * chained (a result is the next base, up to 40 kB), and both lists compared
 * entry for entry. The seed is printed; LW_TEST_SEED replays a failure.
 */
#include "lwtest.h"
#include "objstore.h"

static const char *const rules = "{\"rules\":["
	"{\"id\":\"tok\",\"description\":\"a token\",\"regex\":\"tok=([A-Za-z0-9]{16,})\","
	"\"secret_group\":1,\"keywords\":[\"tok\",\"tokens\",\"pass\"]},"
	"{\"id\":\"key\",\"description\":\"a key\",\"regex\":\"key: ([a-f0-9]{32})\","
	"\"secret_group\":1,\"keywords\":[\"key\",\"ey:\"]}]}";

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* a piece of text: words, keywords, encoded runs, escapes, line ends */
static void piece(char **buf, size_t *len)
{
	static const char *const words[] = { "tok", "tokens", "pass", "key", "key: ", "ey:", " ", "\n",
		"\r\n", "\r", "=", "%41%42", "%", "-", "_", "word", "Z9", "\"" };
	char run[200];
	size_t n;

	switch (tf_below(6)) {
	case 0: /* base64-alphabet run, often long enough, sometimes with digits */
		n = 8 + tf_below(60);
		for (size_t i = 0; i < n; i++)
			run[i] = b64_alpha[tf_below(tf_below(4) ? 62 : 64)];
		tf_append(buf, len, run, n);
		break;
	case 1: /* hex run */
		n = 2 * (10 + tf_below(30));
		for (size_t i = 0; i < n; i++)
			run[i] = "0123456789abcdef"[tf_below(16)];
		tf_append(buf, len, run, n);
		break;
	default:
		tf_appends(buf, len, words[tf_below(sizeof(words) / sizeof(words[0]))]);
	}
}

static char *random_text(size_t pieces, size_t *len)
{
	char *buf = NULL;

	*len = 0;
	for (size_t i = 0; i < pieces; i++)
		piece(&buf, len);
	return buf;
}

/* A delta of base: copies of random stretches (joined when they continue
 * each other, as the reader gives them) and inserted pieces. */
static char *random_delta(const char *base, size_t blen, lw_copyop *ops, size_t *nops, size_t maxops,
	size_t *len)
{
	char *buf = NULL;

	*len = 0;
	*nops = 0;
	size_t steps = 1 + tf_below(12);
	for (size_t s = 0; s < steps; s++) {
		if (blen && tf_below(3) && *nops < maxops) {
			size_t src = tf_below(blen), n = 1 + tf_below(blen - src);
			if (tf_below(2) && *nops == 0)
				src = 0; /* often the delta starts where its base does */
			if (src + n > blen)
				n = blen - src;
			lw_copyop *last = *nops ? &ops[*nops - 1] : NULL;
			if (last && last->dst + last->len == *len && last->src + last->len == src)
				last->len += n;
			else
				ops[(*nops)++] = (lw_copyop){ *len, src, n };
			tf_append(&buf, len, base + src, n);
		} else {
			size_t k = 1 + tf_below(4);
			for (size_t i = 0; i < k; i++)
				piece(&buf, len);
		}
	}
	if (!buf)
		tf_appends(&buf, len, "");
	return buf;
}

static int quiet_finding(const lw_finding *f, void *p)
{
	(void)f;
	(void)p;
	return 0;
}

/* the full passes over text: hits and runs noted */
static void full_passes(lw_scanner *sc, const char *text, size_t len, lw_kwhits *hits, lw_encruns *runs)
{
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { quiet_finding, NULL, NULL };
	lw_passes p = { 0 };

	c.data = (const unsigned char *)text;
	c.len = len;
	c.path = "t.txt";
	p.rec_hits = hits;
	p.rec_runs = runs;
	CHECK(lw_scanner_scan_passes(sc, &c, &sink, &p) == 0);
	CHECK(hits->valid);
	CHECK(runs->valid);
}

static int same_hits(const lw_kwhits *a, const lw_kwhits *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].end != b->v[i].end || a->v[i].kw != b->v[i].kw || a->v[i].len != b->v[i].len)
			return 0;
	return 1;
}

static int same_runs(const lw_encruns *a, const lw_encruns *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].start != b->v[i].start || a->v[i].len != b->v[i].len || a->v[i].enc != b->v[i].enc)
			return 0;
	return 1;
}

int main(void)
{
	lw_ruleset *rs = tf_rules(rules);
	lw_scanner *sc = NULL;
	lw_copyop ops[64];
	size_t blen, nops, len, bad_hits = 0, bad_runs = 0, runs_seen = 0;

	tf_seed_random("test_deltapasses");
	CHECK(rs != NULL);
	if (!rs)
		return tap_done();
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	char *base = random_text(200, &blen);
	lw_kwhits bh = { 0 };
	lw_encruns br = { 0 };
	full_passes(sc, base, blen, &bh, &br);
	for (int round = 0; round < 3000; round++) {
		char *text = random_delta(base, blen, ops, &nops, 64, &len);
		lw_kwhits fh = { 0 }, dh = { 0 };
		lw_encruns fr = { 0 }, dr = { 0 };
		full_passes(sc, text, len, &fh, &fr);
		CHECK(lw_hits_derive(sc, bh.v, bh.n, ops, nops, (const unsigned char *)text, len, &dh) == 0);
		CHECK(lw_encruns_derive(br.v, br.n, ops, nops, (const unsigned char *)text, len, &dr) == 0);
		bad_hits += !same_hits(&fh, &dh);
		bad_runs += !same_runs(&fr, &dr);
		runs_seen += fr.n;
		lw_kwhits_release(&dh);
		lw_encruns_release(&dr);
		/* the delta is the next base, or a fresh text now and then */
		if (tf_below(8) == 0 || len < 64 || len > 40000) {
			free(text);
			lw_kwhits_release(&fh);
			lw_encruns_release(&fr);
			free(base);
			lw_kwhits_release(&bh);
			lw_encruns_release(&br);
			base = random_text(200, &blen);
			full_passes(sc, base, blen, &bh, &br);
		} else {
			free(base);
			lw_kwhits_release(&bh);
			lw_encruns_release(&br);
			base = text;
			blen = len;
			bh = fh;
			br = fr;
		}
	}
	printf("# %zu runs compared\n", runs_seen);
	CHECK(bad_hits == 0);
	CHECK(bad_runs == 0);
	CHECK(runs_seen > 1000);
	free(base);
	lw_kwhits_release(&bh);
	lw_encruns_release(&br);
	lw_scanner_free(sc);
	lw_ruleset_free(rs);
	return tap_done();
}
