/*
 * test_deltastretch.c - a delta's windows taken whole from its base's
 * inside long copied stretches (detect/scan_stretch.c) must leave exactly
 * what a full pass gives: the same findings, and the same regex windows
 * with the same candidates noted for the delta's own deltas. Random lines
 * dense in keywords of plain, lookbehind, `window`, anchored (gated) and
 * path-restricted rules, cut into long copies of a base with short
 * insertions (so that windows lie well inside copies, straddle their edges
 * and merge with windows opened just before), chained; base and delta now
 * and then at paths the path-restricted rule treats differently; wide and
 * narrow max_window. The windows taken are counted, so the test fails if
 * the stretch pass never runs. A base's hit list leaves out the rules its
 * path leaves out (lw_kwhits.off): a delta at a path that admits one of
 * them takes the full pass, as the audit does; deltas of deltas build on
 * the derived lists now and then, as in the audit's chains. The seed is
 * printed; LW_TEST_SEED replays.
 */
#include "deltatest.h"
#include "odb/objstore.h"

static const char *const rules = "{\"rules\":["
	"{\"id\":\"tok\",\"description\":\"a token\",\"regex\":\"tok=([A-Za-z0-9]{16,})\","
	"\"secret_group\":1,\"entropy\":0,\"keywords\":[\"tok\",\"tokens\"]},"
	"{\"id\":\"behind\",\"description\":\"a lookbehind\","
	"\"regex\":\"(?<=[\\\\s=][^Z]{2})pass[=:]\\\\s*([A-Za-z0-9+/]{12,})\","
	"\"secret_group\":1,\"entropy\":0,\"keywords\":[\"pass\"]},"
	"{\"id\":\"lines\",\"description\":\"across lines\",\"window\":48,"
	"\"regex\":\"tokens[^Z]{0,80}?Z9([A-Za-z0-9]{8,})\",\"secret_group\":1,\"entropy\":0,"
	"\"keywords\":[\"tokens\"]},"
	"{\"id\":\"anch\",\"description\":\"anchored at its keyword\","
	"\"regex\":\"(?<![A-Za-z0-9_])(ck_[a-f0-9]{12,})\",\"entropy\":0,\"keywords\":[\"ck_\"]},"
	"{\"id\":\"envonly\",\"description\":\"only in .env files\",\"paths\":[\"\\\\.env$\"],"
	"\"regex\":\"key: ([a-f0-9]{12,})\",\"secret_group\":1,\"entropy\":0,\"keywords\":[\"key\"]}]}";

/* a line of words, keywords and values, some long */
static void line(char **buf, size_t *len)
{
	static const char *const words[] = { "tok=", "tokens ", "pass=", " pass: ", "ck_", "-ck_", "key: ",
		"Z9", " ", "  ", "=", "word ", "x", "\t", "\r", "tokens", "TOK=", "ck_ck_" };
	size_t n = 1 + tf_below(tf_below(8) ? 8 : 40);
	char v[80];

	for (size_t i = 0; i < n; i++) {
		if (tf_below(3) == 0) {
			size_t k = 4 + tf_below(tf_below(4) ? 24 : 70);
			for (size_t j = 0; j < k; j++)
				v[j] = tf_below(2) ? "0123456789abcdef"[tf_below(16)] : tf_alpha[tf_below(sizeof(tf_alpha) - 1)];
			tf_append(buf, len, v, k);
		} else {
			tf_appends(buf, len, words[tf_below(sizeof(words) / sizeof(words[0]))]);
		}
	}
	tf_appends(buf, len, tf_below(10) ? "\n" : "\r\n");
}

static char *random_text(size_t n, size_t *len)
{
	return text_of(line, n, len);
}

/* A delta: a few long copies of the base, forwards mostly, with short
 * insertions (a byte, a word, a line) between and around them. */
static char *random_delta(const char *base, size_t blen, lw_copyop *ops, size_t *nops, size_t maxops,
	size_t *len)
{
	char *buf = NULL;
	size_t at = 0;

	*len = 0;
	*nops = 0;
	while (*nops < maxops && at < blen) {
		if (tf_below(3) == 0) {
			if (tf_below(2))
				line(&buf, len);
			else
				tf_appends(&buf, len, tf_below(2) ? "q" : "ck_ tok=");
		}
		size_t src = tf_below(4) ? at : tf_below(blen);
		size_t n = 1 + tf_below(tf_below(3) ? blen - src : 64);
		if (src + n > blen)
			n = blen - src;
		copy_from(&buf, len, base, src, n, ops, nops);
		at = src + n + tf_below(40);
	}
	if (tf_below(2))
		line(&buf, len);
	if (!buf)
		tf_appends(&buf, len, "");
	return buf;
}

/* Text at path scanned as the delta of a base at bpath whose passes are
 * bh, br, bw, its derived hits and runs left in dh and dr: 1. When the
 * base's hits leave out a rule path admits, the full pass instead, as in
 * the audit (history_blobs.c): 0. */
static int delta_passes(lw_scanner *sc, const char *text, size_t len, const char *bpath, const char *path,
	const char *base, size_t blen, const lw_kwhits *bh, const lw_encruns *br, const lw_wins *bw,
	const lw_copyop *ops, size_t nops, lw_kwhits *dh, lw_encruns *dr, lw_wins *wins, fl *out)
{
	if (strcmp(bpath, path) && !lw_scanner_rules_off(sc, bh->off, bh->noff, path)) {
		full_passes(sc, text, len, path, dh, dr, wins, out);
		return 0;
	}
	CHECK(lw_hits_derive(sc, bh->v, bh->n, ops, nops, (const unsigned char *)text, len,
		      (const unsigned char *)base, blen, dh) == 0);
	CHECK(lw_hits_set_off(dh, bh->off, bh->noff) == 0);
	CHECK(lw_encruns_derive(br->v, br->n, br->no_escape, ops, nops, (const unsigned char *)text, len, dr) == 0);
	given_passes(sc, text, len, path, dh, dr, bw, ops, nops, wins, out);
	return 1;
}

/* the same windows, with the same candidates */
static int same_wins(const lw_wins *a, const lw_wins *b)
{
	if (a->valid != b->valid || a->nw != b->nw)
		return 0;
	for (size_t i = 0; i < a->nw; i++) {
		const lw_winrec *x = &a->w[i], *y = &b->w[i];
		if (x->ws != y->ws || x->we != y->we || x->rule != y->rule || x->n != y->n)
			return 0;
		for (uint32_t k = 0; k < x->n; k++) {
			const lw_candrec *c = &a->c[x->first + k], *d = &b->c[y->first + k];
			if (c->off != d->off || c->soff != d->soff || c->len != d->len || c->slen != d->slen)
				return 0;
		}
	}
	return 1;
}

/* A window of the `window` rule opened by a hit inserted just before a
 * copy reaches into a window of the same rule inside it: the two are one
 * window in a full pass, and the copied one must not be taken alone. */
static void test_merge_at_edge(lw_scanner *sc, uint64_t *taken)
{
	char tok[17], *base = NULL, *text = NULL;
	size_t blen = 0, len = 0;
	lw_kwhits bh = { 0 };
	lw_encruns br = { 0 };
	lw_wins bw = { 0 }, fw = { 0 }, dw = { 0 };
	fl bf = { 0 }, ff = { 0 }, df = { 0 };
	lw_kwhits fh = { 0 };
	lw_encruns fr = { 0 };

	tf_token(tok, 16);
	/* base: filler lines, then a `lines` hit whose match is on the next line */
	for (int i = 0; i < 30; i++)
		tf_appends(&base, &blen, "filler tok=short\n");
	size_t cut = blen;
	tf_appends(&base, &blen, "more filler\ntokens here\nthen Z9");
	tf_appends(&base, &blen, tok);
	tf_appends(&base, &blen, "\n");
	for (int i = 0; i < 30; i++)
		tf_appends(&base, &blen, "filler tok=short\n");
	/* delta: "tokens" inserted right before the copy of the tail */
	tf_appends(&text, &len, "tokens\n");
	lw_copyop ops[1] = { { len, cut, blen - cut } };
	tf_append(&text, &len, base + cut, blen - cut);
	full_passes(sc, base, blen, "a.txt", &bh, &br, &bw, &bf);
	full_passes(sc, text, len, "a.txt", &fh, &fr, &fw, &ff);
	uint64_t before = lw_scanner_stretch_taken(sc);
	lw_kwhits dh = { 0 };
	lw_encruns dr = { 0 };
	CHECK(delta_passes(sc, text, len, "a.txt", "a.txt", base, blen, &bh, &br, &bw, ops, 1, &dh, &dr, &dw,
		      &df) == 1);
	lw_kwhits_release(&dh);
	lw_encruns_release(&dr);
	*taken += lw_scanner_stretch_taken(sc) - before;
	CHECK(same_wins(&fw, &dw));
	CHECK(ff.n == df.n && (!ff.n || !memcmp(ff.s, df.s, ff.n)));
	/* the full pass has one `lines` window, from the inserted hit on
	 * past the copied one, and the finding on the copied lines */
	size_t merged = 0, lines = 0;
	for (size_t i = 0; i < fw.nw; i++) {
		lines += fw.w[i].rule == 2;
		merged += fw.w[i].rule == 2 && fw.w[i].ws == 0;
	}
	CHECK(lines == 1 && merged == 1);
	CHECK(ff.s && strstr(ff.s, "lines "));
	free(base);
	free(text);
	free(bf.s);
	free(ff.s);
	free(df.s);
	lw_kwhits_release(&bh);
	lw_kwhits_release(&fh);
	lw_encruns_release(&br);
	lw_encruns_release(&fr);
	lw_wins_release(&bw);
	lw_wins_release(&fw);
	lw_wins_release(&dw);
}

/* how often a delta's hits came from a base at another path, and how
 * often the base's left-out rules sent it to the full pass; the windows
 * taken by deltas passed as leaves (nothing noted: the audit's blobs that
 * are nobody's base), and how many of those passes found otherwise */
static size_t across_paths, refused, leaf_taken, leaf_bad;

/* rounds of random chained deltas; returns the number of differences */
static size_t random_rounds(const lw_ruleset *rs, size_t max_window, int rounds, uint64_t *taken,
	size_t *finds_seen, size_t *wins_seen)
{
	static const char *const paths[] = { "a.txt", "conf/.env", "b.c" };
	lw_scan_options so = LW_SCAN_OPTIONS_INIT;
	lw_scanner *sc = NULL;
	lw_copyop ops[32];
	size_t blen, nops, len, bad = 0;

	so.max_window = max_window;
	CHECK(lw_scanner_new(&sc, rs, &so) == 0);
	if (!sc)
		return 1;
	const char *bpath = paths[tf_below(3)];
	char *base = random_text(20 + tf_below(200), &blen);
	lw_kwhits bh = { 0 };
	lw_encruns br = { 0 };
	lw_wins bw = { 0 };
	fl bf = { 0 };
	full_passes(sc, base, blen, bpath, &bh, &br, &bw, &bf);
	free(bf.s);
	for (int round = 0; round < rounds; round++) {
		const char *path = tf_below(4) ? bpath : paths[tf_below(3)];
		char *text = random_delta(base, blen, ops, &nops, 32, &len);
		lw_kwhits fh = { 0 };
		lw_encruns fr = { 0 };
		lw_wins fw = { 0 }, dw = { 0 };
		fl ff = { 0 }, df = { 0 };
		full_passes(sc, text, len, path, &fh, &fr, &fw, &ff);
		uint64_t before = lw_scanner_stretch_taken(sc);
		lw_kwhits dh = { 0 };
		lw_encruns dr = { 0 };
		int derived = delta_passes(sc, text, len, bpath, path, base, blen, &bh, &br, &bw, ops, nops, &dh,
			&dr, &dw, &df);
		across_paths += derived && strcmp(bpath, path);
		refused += !derived;
		*taken += lw_scanner_stretch_taken(sc) - before;
		if (derived) {
			/* the same delta as a leaf: windows with no candidate
			 * are not even opened (scan_stretch.c) */
			fl lf = { 0 };
			before = lw_scanner_stretch_taken(sc);
			given_passes(sc, text, len, path, &dh, &dr, &bw, ops, nops, NULL, &lf);
			leaf_taken += lw_scanner_stretch_taken(sc) - before;
			if (lf.n != ff.n || (ff.n && memcmp(lf.s, ff.s, ff.n))) {
				if (!leaf_bad++)
					fprintf(stderr, "# leaf pass, max_window %zu round %d:\n# full: %s\n# leaf: %s\n",
						max_window, round, ff.s ? ff.s : "", lf.s ? lf.s : "");
			}
			free(lf.s);
		}
		int wins_ok = same_wins(&fw, &dw);
		int finds_ok = ff.n == df.n && (!ff.n || !memcmp(ff.s, df.s, ff.n));
		if ((!wins_ok || !finds_ok) && !bad++)
			fprintf(stderr, "# max_window %zu round %d: windows %s, findings %s\n# full:  %s\n# delta: %s\n",
				max_window, round, wins_ok ? "same" : "differ", finds_ok ? "same" : "differ",
				ff.s ? ff.s : "", df.s ? df.s : "");
		*wins_seen += fw.nw;
		for (size_t i = 0; i < ff.n; i++)
			*finds_seen += ff.s[i] == '|';
		free(ff.s);
		free(df.s);
		free(base);
		lw_kwhits_release(&bh);
		lw_encruns_release(&br);
		lw_wins_release(&bw);
		if (tf_below(10) == 0 || len < 64 || len > 60000) {
			/* a fresh base now and then */
			free(text);
			lw_kwhits_release(&fh);
			lw_encruns_release(&fr);
			lw_wins_release(&fw);
			lw_kwhits_release(&dh);
			lw_encruns_release(&dr);
			lw_wins_release(&dw);
			bpath = paths[tf_below(3)];
			base = random_text(20 + tf_below(200), &blen);
			bf = (fl){ 0 };
			full_passes(sc, base, blen, bpath, &bh, &br, &bw, &bf);
			free(bf.s);
		} else {
			/* the delta is the next base, with what the full pass
			 * noted, or what was derived for it (the audit keeps
			 * that: a delta's delta builds on it) */
			int keep_derived = derived && dh.valid && dw.valid && tf_below(2);
			base = text;
			blen = len;
			bpath = path;
			bh = keep_derived ? dh : fh;
			br = keep_derived ? dr : fr;
			bw = keep_derived ? dw : fw;
			lw_kwhits_release(keep_derived ? &fh : &dh);
			lw_encruns_release(keep_derived ? &fr : &dr);
			lw_wins_release(keep_derived ? &fw : &dw);
		}
	}
	free(base);
	lw_kwhits_release(&bh);
	lw_encruns_release(&br);
	lw_wins_release(&bw);
	lw_scanner_free(sc);
	return bad;
}

int main(void)
{
	lw_ruleset *rs = tf_rules(rules);
	uint64_t taken = 0, edge_taken = 0;
	size_t finds = 0, wins = 0;

	tf_seed_random("test_deltastretch");
	CHECK(rs != NULL);
	if (!rs)
		return tap_done();
	/* the rules are what the test means them to be */
	size_t anch = 0, gated = 0;
	for (size_t i = 0; i < rs->n; i++) {
		anch += rs->rules[i].anchored;
		lw_error err = { 0 };
		CHECK(lw_rule_ensure_compiled(rs, &rs->rules[i], &err) == 0);
		gated += rs->rules[i].gate;
	}
	CHECK(anch >= 1 && gated >= 1);
	lw_scanner *sc = NULL;
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	test_merge_at_edge(sc, &edge_taken);
	lw_scanner_free(sc);
	CHECK(edge_taken > 0); /* the filler's other windows were taken */
	CHECK(random_rounds(rs, 4096, 1500, &taken, &finds, &wins) == 0);
	/* narrow: lines cut at max_window, not at their ends */
	CHECK(random_rounds(rs, 24 + tf_below(40), 1500, &taken, &finds, &wins) == 0);
	CHECK(random_rounds(rs, 6 + tf_below(18), 500, &taken, &finds, &wins) == 0);
	printf("# %zu windows, %zu findings compared; %llu windows taken whole\n", wins, finds,
		(unsigned long long)taken);
	CHECK(finds > 1000);
	CHECK(taken > 1000);
	CHECK(taken < wins); /* and some were not: edges, insertions */
	printf("# %zu deltas derived from a base at another path, %zu sent to the full pass\n",
		across_paths, refused);
	CHECK(across_paths > 100 && refused > 100);
	printf("# %zu windows taken in leaf passes; %zu leaf passes found otherwise\n", leaf_taken, leaf_bad);
	CHECK(leaf_taken > 1000);
	CHECK(leaf_bad == 0);
	lw_ruleset_free(rs);
	return tap_done();
}
