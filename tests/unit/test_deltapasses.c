/*
 * test_deltapasses.c - a delta's keyword hits and base64/hex runs worked out
 * from its base's (deltahits.c, decode.c) must be exactly what the full
 * passes find, and its findings with the base's regex windows reused
 * (deltawins.c) exactly those of a full scan. Random texts dense in keywords, encoded runs, percent escapes
 * and line ends are cut into random copies of a base and inserted bytes,
 * chained (a result is the next base, up to 40 kB), and both lists compared
 * entry for entry. The seed is printed; LW_TEST_SEED replays a failure.
 */
#include "deltatest.h"
#include "odb/objstore.h"

static const char *const rules = "{\"rules\":["
	"{\"id\":\"tok\",\"description\":\"a token\",\"regex\":\"tok=([A-Za-z0-9]{16,})\","
	"\"secret_group\":1,\"keywords\":[\"tok\",\"tokens\",\"pass\"]},"
	"{\"id\":\"key\",\"description\":\"a key\",\"regex\":\"key: ([a-f0-9]{32})\","
	"\"secret_group\":1,\"keywords\":[\"key\",\"ey:\"]},"
	"{\"id\":\"behind\",\"description\":\"a lookbehind\","
	"\"regex\":\"(?<![A-Za-z0-9])(?<=[\\\\s=%][^Z]{2})pass[=:]?\\\\s*([A-Za-z0-9+/]{12,})\","
	"\"secret_group\":1,\"entropy\":0,\"keywords\":[\"pass\"]},"
	"{\"id\":\"lines\",\"description\":\"across lines\",\"window\":64,"
	"\"regex\":\"tokens[^Z]{0,80}?Z9([A-Za-z0-9]{8,})\",\"secret_group\":1,\"entropy\":0,"
	"\"keywords\":[\"tokens\"]}]}";

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* set: pieces hold no '%', so no %XX escape (the decoding pass then
 * knows it has no percent-encoded run to look for) */
static int no_percent;

/* a piece of text: words, keywords, encoded runs, escapes, line ends */
static void piece(char **buf, size_t *len)
{
	static const char *const words[] = { "tok", "tokens", "pass", "key", "key: ", "ey:", " ", "\n",
		"\r\n", "\r", "=", "-", "_", "word", "Z9", "\"", "TOKENS", "PaSs", "Key: ", "%41%42", "%" };
	size_t nwords = sizeof(words) / sizeof(words[0]) - (no_percent ? 2 : 0);
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
		tf_appends(buf, len, words[tf_below(nwords)]);
	}
}

static char *random_text(size_t n, size_t *len)
{
	return text_of(piece, n, len);
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
			copy_from(&buf, len, base, src, n, ops, nops);
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

/* text scanned with its base's passes: derived hits and runs, the base's
 * windows reused; findings into out */
static void delta_passes(lw_scanner *sc, const char *text, size_t len, const lw_kwhits *dh,
	const lw_encruns *dr, const lw_wins *bw, const lw_copyop *ops, size_t nops, fl *out)
{
	given_passes(sc, text, len, "t.txt", dh, dr, bw, ops, nops, NULL, out);
}

/* The hits of a and b over text (one chunk) are the same, in the same
 * order: but for hits left out of noted lists (a gate shut at them), which
 * either may hold when a rule was compiled between the passes that made
 * them (the hit was noted while its gate was not yet known). */
static int same_hits(const lw_scanner *sc, const char *text, size_t len, const lw_kwhits *a,
	const lw_kwhits *b)
{
	const unsigned char *d = (const unsigned char *)text;
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a->n && lw_scanner_hit_left_out(sc, a->v[i].kw, d, len, a->v[i].end))
			i++;
		while (j < b->n && lw_scanner_hit_left_out(sc, b->v[j].kw, d, len, b->v[j].end))
			j++;
		if (i == a->n || j == b->n)
			return i == a->n && j == b->n;
		if (a->v[i].end != b->v[j].end || a->v[i].kw != b->v[j].kw || a->v[i].len != b->v[j].len)
			return 0;
		i++;
		j++;
	}
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

/* A window that did not change, whose lookbehind sees a byte that did:
 * the base's window must not be reused. */
static void test_lookbehind_edge(lw_scanner *sc)
{
	char base[64], text[64], tok[17];
	lw_kwhits bh = { 0 }, fh = { 0 }, dh = { 0 };
	lw_encruns br = { 0 }, fr = { 0 }, dr = { 0 };
	lw_wins bw = { 0 }, fw = { 0 };
	fl bf = { 0 }, ff = { 0 }, df = { 0 };

	tf_token(tok, 16);
	snprintf(base, sizeof(base), "a=b\npass:%s\n", tok);
	snprintf(text, sizeof(text), "aqb\npass:%s\n", tok);
	size_t len = strlen(text);
	lw_copyop ops[2] = { { 0, 0, 1 }, { 2, 2, len - 2 } };
	full_passes(sc, base, strlen(base), "t.txt", &bh, &br, &bw, &bf);
	full_passes(sc, text, len, "t.txt", &fh, &fr, &fw, &ff);
	CHECK(lw_hits_derive(sc, bh.v, bh.n, ops, 2, (const unsigned char *)text, len,
		      (const unsigned char *)base, strlen(base), &dh) == 0);
	CHECK(lw_encruns_derive(br.v, br.n, br.no_escape, ops, 2, (const unsigned char *)text, len, &dr) == 0);
	delta_passes(sc, text, len, &dh, &dr, &bw, ops, 2, &df);
	CHECK(bf.s && strstr(bf.s, "behind ")); /* the base has the finding */
	CHECK(!ff.s || !strstr(ff.s, "behind ")); /* the delta has not */
	CHECK(ff.n == df.n && (!ff.n || !memcmp(ff.s, df.s, ff.n)));
	free(bf.s);
	free(ff.s);
	free(df.s);
	lw_kwhits_release(&bh);
	lw_kwhits_release(&fh);
	lw_kwhits_release(&dh);
	lw_encruns_release(&br);
	lw_encruns_release(&fr);
	lw_encruns_release(&dr);
	lw_wins_release(&bw);
	lw_wins_release(&fw);
}

/* A keyword cut at each of its bytes, its two halves copied from apart in
 * the base (a seam), or the second half inserted: the derived hits must
 * find it whole, also when the keyword is the longest, in any case, and
 * lies right at the ends of the text. deltahits.c looks only as far as
 * the run of keyword pairs either side of the cut. */
static void test_seam_splits(lw_scanner *sc)
{
	static const char *const kws[] = { "tokens", "TOKENS", "ToKeNs", "pass", "key", "ey:" };
	static const char *const pads[] = { "", "=", "xx ", "tok" };
	size_t bad = 0, tried = 0;

	for (size_t w = 0; w < sizeof(kws) / sizeof(kws[0]); w++)
		for (size_t pa = 0; pa < sizeof(pads) / sizeof(pads[0]); pa++)
			for (size_t k = 1; k < strlen(kws[w]); k++)
				for (int insert = 0; insert < 2; insert++) {
					const char *kw = kws[w], *pad = pads[pa];
					size_t pl = strlen(pad), kl = strlen(kw);
					char base[64], text[64];
					/* base: pad + kw[0..k) + "\n" + kw[k..) + pad */
					int bl = snprintf(base, sizeof(base), "%s%.*s\n%s%s", pad, (int)k, kw, kw + k, pad);
					int tl = snprintf(text, sizeof(text), "%s%s%s", pad, kw, pad);
					lw_copyop ops[2] = { { 0, 0, pl + k }, { pl + k, pl + k + 1, kl - k + pl } };
					size_t nops = 2;
					if (insert) /* the rest inserted, not copied */
						nops = 1;
					lw_kwhits bh = { 0 }, fh = { 0 }, dh = { 0 };
					lw_encruns br = { 0 }, fr = { 0 };
					lw_wins bw = { 0 }, fw = { 0 };
					full_passes(sc, base, (size_t)bl, "t.txt", &bh, &br, &bw, NULL);
					full_passes(sc, text, (size_t)tl, "t.txt", &fh, &fr, &fw, NULL);
					CHECK(lw_hits_derive(sc, bh.v, bh.n, ops, nops, (const unsigned char *)text,
						      (size_t)tl, (const unsigned char *)base, (size_t)bl, &dh) == 0);
					tried++;
					if (!same_hits(sc, text, (size_t)tl, &fh, &dh) && !bad++)
						fprintf(stderr, "# split %zu of '%s' after '%s'%s: %zu hits, derived %zu\n", k,
							kw, pad, insert ? " (inserted)" : "", fh.n, dh.n);
					lw_kwhits_release(&bh);
					lw_kwhits_release(&fh);
					lw_kwhits_release(&dh);
					lw_encruns_release(&br);
					lw_encruns_release(&fr);
					lw_wins_release(&bw);
					lw_wins_release(&fw);
				}
	CHECK(tried > 100);
	CHECK(bad == 0);
}

int main(void)
{
	lw_ruleset *rs = tf_rules(rules);
	lw_scanner *sc = NULL;
	lw_copyop ops[64];
	size_t blen, nops, len, bad_hits = 0, bad_runs = 0, bad_finds = 0, runs_seen = 0, finds_seen = 0;

	tf_seed_random("test_deltapasses");
	CHECK(rs != NULL);
	if (!rs)
		return tap_done();
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	test_lookbehind_edge(sc);
	test_seam_splits(sc);
	lw_scanner_free(sc);
	/* narrow windows start inside lines, where lookbehinds see bytes a
	 * delta may have changed */
	lw_scan_options so = LW_SCAN_OPTIONS_INIT;
	so.max_window = 6 + tf_below(40);
	CHECK(lw_scanner_new(&sc, rs, &so) == 0);
	char *base = random_text(200, &blen);
	lw_kwhits bh = { 0 };
	lw_encruns br = { 0 };
	lw_wins bw = { 0 };
	size_t bad_escapes = 0, known_free = 0, new_escapes = 0, with_bytes = 0;
	full_passes(sc, base, blen, "t.txt", &bh, &br, &bw, NULL);
	for (int round = 0; round < 3000; round++) {
		/* deltas of escape-free bases insert escapes now and then */
		no_percent = tf_below(2);
		char *text = random_delta(base, blen, ops, &nops, 64, &len);
		lw_kwhits fh = { 0 }, dh = { 0 };
		lw_encruns fr = { 0 }, dr = { 0 };
		lw_wins fw = { 0 };
		fl ff = { 0 }, df = { 0 };
		full_passes(sc, text, len, "t.txt", &fh, &fr, &fw, &ff);
		/* with the base's bytes (a run's start after the same byte
		 * needs no automaton), or without (it always does) */
		int with_base = tf_below(4) != 0;
		with_bytes += with_base;
		CHECK(lw_hits_derive(sc, bh.v, bh.n, ops, nops, (const unsigned char *)text, len,
			      with_base ? (const unsigned char *)base : NULL, with_base ? blen : 0, &dh) == 0);
		CHECK(lw_encruns_derive(br.v, br.n, br.no_escape, ops, nops, (const unsigned char *)text, len, &dr) == 0);
		bad_hits += !same_hits(sc, text, len, &fh, &dh);
		bad_runs += !same_runs(&fr, &dr);
		/* "no escape" worked out through the delta is what the full pass
		 * found; it may only not know of none */
		bad_escapes += dr.no_escape && !fr.no_escape;
		known_free += dr.no_escape;
		new_escapes += br.no_escape && !fr.no_escape;
		runs_seen += fr.n;
		delta_passes(sc, text, len, &dh, &dr, &bw, ops, nops, &df);
		if (ff.n != df.n || (ff.n && memcmp(ff.s, df.s, ff.n))) {
			if (!bad_finds++)
				fprintf(stderr, "full:  %s\ndelta: %s\n", ff.s ? ff.s : "", df.s ? df.s : "");
		}
		for (size_t i = 0; i < ff.n; i++)
			finds_seen += ff.s[i] == '|';
		free(ff.s);
		free(df.s);
		lw_kwhits_release(&dh);
		lw_encruns_release(&dr);
		/* the delta is the next base, or a fresh text now and then */
		if (tf_below(8) == 0 || len < 64 || len > 40000) {
			free(text);
			lw_kwhits_release(&fh);
			lw_encruns_release(&fr);
			lw_wins_release(&fw);
			free(base);
			lw_kwhits_release(&bh);
			lw_encruns_release(&br);
			lw_wins_release(&bw);
			no_percent = tf_below(2);
			base = random_text(200, &blen);
			full_passes(sc, base, blen, "t.txt", &bh, &br, &bw, NULL);
		} else {
			free(base);
			lw_kwhits_release(&bh);
			lw_encruns_release(&br);
			lw_wins_release(&bw);
			base = text;
			blen = len;
			bh = fh;
			br = fr;
			bw = fw;
		}
	}
	printf("# %zu runs, %zu findings compared; %zu deltas known to hold no escape, %zu of "
	       "escape-free bases with new ones\n", runs_seen, finds_seen, known_free, new_escapes);
	CHECK(bad_escapes == 0);
	CHECK(known_free > 100 && new_escapes > 100);
	CHECK(bad_hits == 0);
	CHECK(with_bytes > 1000 && with_bytes < 2800);
	CHECK(bad_runs == 0);
	CHECK(bad_finds == 0);
	CHECK(runs_seen > 1000);
	CHECK(finds_seen > 1000);
	free(base);
	lw_kwhits_release(&bh);
	lw_encruns_release(&br);
	lw_wins_release(&bw);
	lw_scanner_free(sc);
	lw_ruleset_free(rs);
	return tap_done();
}
