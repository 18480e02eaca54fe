/*
 * test_prefilter.c - the keyword prefilter: seen through scanning (only
 * rules whose keyword occurs run, case-insensitively) and the Aho-Corasick
 * automaton itself, compared with a naive search on random input.
 */
#include "lwtest.h"

/* A rule whose regex does not need its keyword: if the rule ran without
 * its keyword, "abc" would be reported. */
static void test_absent_keyword(void)
{
	const char *json = "{\"rules\":["
		"{\"id\":\"needs-kw\",\"description\":\"d\",\"regex\":\"abc\",\"keywords\":[\"zzkw\"]},"
		"{\"id\":\"evil\",\"description\":\"d\",\"regex\":\"(a+)+$\",\"keywords\":[\"evilkw\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	CHECK(tf_scan(rs, "a.txt", "abc abc abc\nmore abc\n", &h) == 0);
	CHECK(h.n == 0);
	/* near misses of the keyword do not count */
	CHECK(tf_scan(rs, "a.txt", "zzk abc zkw zz kw abc z-z-k-w abc\n", &h) == 0);
	CHECK(h.n == 0);
	/* the keyword on the line, in any case, lets the rule run */
	CHECK(tf_scan(rs, "a.txt", "abc zzkw abc\n", &h) == 0);
	CHECK(tf_count(&h, "needs-kw", "abc") == 2);
	CHECK(tf_scan(rs, "a.txt", "ZZKW: abc\n", &h) == 0);
	CHECK(tf_count(&h, "needs-kw", "abc") == 1);
	CHECK(tf_scan(rs, "a.txt", "zZkW abc", &h) == 0);
	CHECK(tf_count(&h, "needs-kw", "abc") == 1);
	/* keyword at the very start and the very end of the chunk */
	CHECK(tf_scan(rs, "a.txt", "zzkwabc", &h) == 0);
	CHECK(tf_count(&h, "needs-kw", "abc") == 1);
	CHECK(tf_scan(rs, "a.txt", "abczzkw", &h) == 0);
	CHECK(tf_count(&h, "needs-kw", "abc") == 1);

	/* a catastrophic regex whose keyword is absent never runs: no limit
	 * hit, no diagnostic, however evil the input */
	char bad[256];
	memset(bad, 'a', 60);
	snprintf(bad + 60, sizeof(bad) - 60, "!\nabc\n");
	lw_scanner *sc = NULL;
	lw_chunk c = LW_CHUNK_INIT;
	lw_sink sink = { tf_on_finding, tf_on_diag, &h };
	CHECK(lw_scanner_new(&sc, rs, NULL) == 0);
	c.data = (const unsigned char *)bad;
	c.len = strlen(bad);
	c.path = "evil.txt";
	tf_hits_reset(&h);
	CHECK(lw_scanner_scan(sc, &c, &sink) == 0);
	CHECK(h.n == 0);
	CHECK(h.ndiag == 0);
	CHECK(lw_scanner_limit_hits(sc) == 0);
	lw_scanner_free(sc);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

/* Keywords that overlap: he, she, his, hers. */
static void test_overlapping(void)
{
	const char *json = "{\"rules\":["
		"{\"id\":\"r-he\",\"description\":\"d\",\"regex\":\"\\\\bhe=(\\\\w+)\",\"secret_group\":1,\"keywords\":[\"he\"]},"
		"{\"id\":\"r-she\",\"description\":\"d\",\"regex\":\"\\\\bshe=(\\\\w+)\",\"secret_group\":1,\"keywords\":[\"she\"]},"
		"{\"id\":\"r-his\",\"description\":\"d\",\"regex\":\"\\\\bhis=(\\\\w+)\",\"secret_group\":1,\"keywords\":[\"his\"]},"
		"{\"id\":\"r-hers\",\"description\":\"d\",\"regex\":\"\\\\bhers=(\\\\w+)\",\"secret_group\":1,\"keywords\":[\"hers\"]},"
		"{\"id\":\"r-ushers\",\"description\":\"d\",\"regex\":\"(?i)ushers\",\"keywords\":[\"ushers\",\"usher\",\"she\"]}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;
	char a[16], b[16], c[16], d[16], text[256];

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	tf_token(a, 10);
	tf_token(b, 10);
	tf_token(c, 10);
	tf_token(d, 10);
	snprintf(text, sizeof(text), "she=%s hers=%s\nhis=%s he=%s USHERS\n", a, b, c, d);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(tf_count(&h, "r-she", a) == 1);
	CHECK(tf_count(&h, "r-hers", b) == 1);
	CHECK(tf_count(&h, "r-his", c) == 1);
	CHECK(tf_count(&h, "r-he", d) == 1);
	CHECK(tf_count(&h, "r-ushers", "USHERS") == 1);
	CHECK(h.n == 5);
	/* order of position */
	for (size_t i = 1; i < h.n && i < TF_MAX_HITS; i++)
		CHECK(h.v[i - 1].line < h.v[i].line ||
		      (h.v[i - 1].line == h.v[i].line && h.v[i - 1].column <= h.v[i].column));
	/* only "hers" present: the he/she automaton states fire but only r-hers matches */
	snprintf(text, sizeof(text), "hers=%s\n", b);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(h.n == 1 && tf_count(&h, "r-hers", b) == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

/* Many rules, one keyword each: only the rule whose keyword occurs runs. */
static void test_many_rules(void)
{
	size_t cap = 1 << 20, n = 0;
	char *json = malloc(cap);
	const size_t nrules = 500;
	tf_hits h;

	n += (size_t)snprintf(json + n, cap - n, "{\"rules\":[");
	for (size_t i = 0; i < nrules; i++)
		n += (size_t)snprintf(json + n, cap - n,
			"%s{\"id\":\"rule-%zu\",\"description\":\"d\",\"regex\":\"(?i)[a-z]+%zuq=([A-Za-z0-9]{10})\","
			"\"secret_group\":1,\"keywords\":[\"kw%zuq\"]}",
			i ? "," : "", i, i, i);
	snprintf(json + n, cap - n, "]}");
	lw_ruleset *rs = tf_rules(json);
	free(json);
	CHECK(rs != NULL);
	if (!rs)
		return;
	CHECK(lw_ruleset_count(rs) == nrules);
	tf_hits_init(&h);
	char tok[16], text[512];
	tf_token(tok, 10);
	/* "xkw137q=" carries keyword kw137q; the regexes of all other rules
	 * would match "[a-z]+NNNq=" shapes only with their own number */
	snprintf(text, sizeof(text), "nothing here\nfoo KW137Q=%s\nand 42q=%s\n", tok, tok);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(h.n == 1);
	CHECK(tf_count(&h, "rule-137", tok) == 1);
	/* a rule whose regex matches but whose keyword does not occur */
	snprintf(text, sizeof(text), "abc42q=%s\n", tok);
	CHECK(tf_scan(rs, "a.txt", text, &h) == 0);
	CHECK(h.n == 0);
	/* every rule, one line each */
	size_t tl = 0;
	char *big = NULL;
	for (size_t i = 0; i < nrules; i++) {
		char line[64];
		snprintf(line, sizeof(line), "kw%zuq=%s\n", i, tok);
		tf_appends(&big, &tl, line);
	}
	CHECK(tf_scan_opts(rs, NULL, "b.txt", big, tl, &h) == 0);
	CHECK(h.n == nrules);
	int lines_ok = 1;
	for (size_t i = 0; i < h.n && i < TF_MAX_HITS; i++) {
		char want[32];
		snprintf(want, sizeof(want), "rule-%zu", i);
		if (strcmp(h.v[i].rule, want) || h.v[i].line != i + 1 || strcmp(h.v[i].secret, tok))
			lines_ok = 0;
	}
	CHECK(lines_ok);
	free(big);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

/* A rule without keywords always runs. */
static void test_no_keywords(void)
{
	const char *json = "{\"rules\":[{\"id\":\"always\",\"description\":\"d\",\"regex\":\"q=([0-9]{6})\",\"secret_group\":1}]}";
	lw_ruleset *rs = tf_rules(json);
	tf_hits h;

	CHECK(rs != NULL);
	if (!rs)
		return;
	tf_hits_init(&h);
	CHECK(tf_scan(rs, "a.txt", "x\nq=825967\n", &h) == 0);
	CHECK(tf_count(&h, "always", "825967") == 1);
	tf_hits_free(&h);
	lw_ruleset_free(rs);
}

/* ---- the automaton itself ---------------------------------------------- */

typedef struct pair {
	uint32_t kw;
	size_t end;
} pair;

typedef struct pairs {
	pair *v;
	size_t n, cap;
} pairs;

static void pairs_push(pairs *p, uint32_t kw, size_t end)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? p->cap * 2 : 256;
		p->v = realloc(p->v, p->cap * sizeof(pair));
		if (!p->v)
			abort();
	}
	p->v[p->n++] = (pair){ kw, end };
}

static int pair_cmp(const void *a, const void *b)
{
	const pair *x = a, *y = b;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return x->kw < y->kw ? -1 : x->kw > y->kw;
}

static int collect(uint32_t kw, size_t end, void *p)
{
	pairs_push(p, kw, end);
	return 0;
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static void naive(const char *const *kw, size_t nkw, const unsigned char *t, size_t len, pairs *out)
{
	for (size_t i = 0; i < nkw; i++) {
		size_t kl = strlen(kw[i]);
		for (size_t s = 0; s + kl <= len; s++) {
			size_t j = 0;
			while (j < kl && lower(t[s + j]) == lower((unsigned char)kw[i][j]))
				j++;
			if (j == kl)
				pairs_push(out, (uint32_t)i, s + kl);
		}
	}
}

static int same(pairs *a, pairs *b)
{
	if (a->n)
		qsort(a->v, a->n, sizeof(pair), pair_cmp);
	if (b->n)
		qsort(b->v, b->n, sizeof(pair), pair_cmp);
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].kw != b->v[i].kw || a->v[i].end != b->v[i].end)
			return 0;
	return 1;
}

/* Random ranges of t, apart and in order, in two lanes
 * (lw_ac_scan_ranges): together the hits a naive search finds inside each
 * range, each lane's in order, and the first lane's all before the
 * second's. */
static int ranges_agree(const lw_ac *ac, const char *const *kw, size_t nkw, const unsigned char *t,
	size_t len)
{
	lw_range r[64];
	size_t n = 0, at = tf_below(20);
	pairs a = { 0 }, b = { 0 }, want = { 0 };
	int ok = 1;

	while (n < 64 && at < len) {
		size_t l = 1 + tf_below(tf_below(4) ? 40 : 400);
		if (at + l > len)
			l = len - at;
		r[n++] = (lw_range){ at, at + l };
		pairs one = { 0 };
		naive(kw, nkw, t + at, l, &one);
		for (size_t i = 0; i < one.n; i++)
			pairs_push(&want, one.v[i].kw, one.v[i].end + at);
		free(one.v);
		at += l + tf_below(30);
	}
	CHECK(lw_ac_scan_ranges(ac, t, r, n, collect, &a, collect, &b) == 0);
	for (size_t i = 1; i < a.n; i++)
		ok &= a.v[i - 1].end <= a.v[i].end;
	for (size_t i = 1; i < b.n; i++)
		ok &= b.v[i - 1].end <= b.v[i].end;
	if (a.n && b.n)
		ok &= a.v[a.n - 1].end <= b.v[0].end;
	for (size_t i = 0; i < b.n; i++)
		pairs_push(&a, b.v[i].kw, b.v[i].end);
	ok &= same(&a, &want);
	free(a.v);
	free(b.v);
	free(want.v);
	return ok;
}

/* A block whose second half holds more hits than can be held for later
 * (AC_PENDING, 4,096): that half is matched again on its own, and every
 * hit must still come once, in order. */
static void test_ac_dense(void)
{
	static const char *const kw[] = { "a", "aa", "aaa", "ab" };
	size_t len = 40000;
	unsigned char *t = malloc(len);
	lw_ac *ac = NULL;
	pairs got = { 0 }, want = { 0 };

	for (size_t i = 0; i < len; i++)
		t[i] = i % 97 == 96 ? 'b' : 'a';
	CHECK(lw_ac_build(&ac, kw, 4) == 0);
	if (ac) {
		CHECK(lw_ac_scan(ac, t, len, collect, &got) == 0);
		int ordered = 1;
		for (size_t i = 1; i < got.n; i++)
			ordered &= got.v[i - 1].end <= got.v[i].end;
		CHECK(ordered);
		naive(kw, 4, t, len, &want);
		CHECK(want.n > 3 * 4096);
		CHECK(same(&got, &want));
	}
	lw_ac_free(ac);
	free(got.v);
	free(want.v);
	free(t);
}

static void test_ac_differential(void)
{
	/* small alphabets make overlaps, prefixes and suffixes frequent */
	static const char *const alphabets[] = {
		"ab", "abc", "abAB", "aAbBcC-_", "heisrHEISR", "xyz\x80\xc3\xff",
		"abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	};
	int ok = 1;

	for (int round = 0; round < 400; round++) {
		const char *alpha = alphabets[tf_below(sizeof(alphabets) / sizeof(*alphabets))];
		size_t na = strlen(alpha);
		size_t nkw = 1 + tf_below(round < 300 ? 12 : 300);
		char **kw = calloc(nkw, sizeof(char *));
		for (size_t i = 0; i < nkw; i++) {
			if (i && tf_below(8) == 0) {
				kw[i] = strdup(kw[tf_below(i)]); /* duplicates get their own ids */
				continue;
			}
			size_t kl = 1 + tf_below(round % 3 == 0 ? 3 : 8);
			kw[i] = malloc(kl + 1);
			for (size_t j = 0; j < kl; j++)
				kw[i][j] = alpha[tf_below(na)];
			kw[i][kl] = 0;
		}
		size_t len = tf_below(2000);
		unsigned char *t = malloc(len + 1);
		for (size_t i = 0; i < len; i++)
			t[i] = tf_below(16) ? (unsigned char)alpha[tf_below(na)] : (unsigned char)tf_below(256);
		lw_ac *ac = NULL;
		pairs got = { 0 }, want = { 0 };
		if (lw_ac_build(&ac, (const char *const *)kw, nkw) != 0) {
			ok = 0;
			fprintf(stderr, "  round %d: lw_ac_build failed\n", round);
		} else {
			CHECK(lw_ac_scan(ac, t, len, collect, &got) == 0);
			naive((const char *const *)kw, nkw, t, len, &want);
			if (!same(&got, &want)) {
				ok = 0;
				fprintf(stderr, "  round %d: automaton %zu hits, naive %zu\n", round, got.n, want.n);
			}
			if (!ranges_agree(ac, (const char *const *)kw, nkw, t, len)) {
				ok = 0;
				fprintf(stderr, "  round %d: ranges in two lanes differ from each range alone\n", round);
			}
		}
		lw_ac_free(ac);
		free(got.v);
		free(want.v);
		free(t);
		for (size_t i = 0; i < nkw; i++)
			free(kw[i]);
		free(kw);
	}
	CHECK(ok);
}

static int stop_at_second(uint32_t kw, size_t end, void *p)
{
	(void)kw;
	(void)end;
	return ++*(int *)p == 2 ? 7 : 0;
}

static void test_ac_edges(void)
{
	lw_ac *ac = NULL;
	pairs got = { 0 };

	/* no keywords: nothing ever matches */
	CHECK(lw_ac_build(&ac, NULL, 0) == 0);
	if (ac) {
		CHECK(lw_ac_scan(ac, (const unsigned char *)"anything", 8, collect, &got) == 0);
		CHECK(got.n == 0);
		CHECK(lw_ac_scan(ac, (const unsigned char *)"", 0, collect, &got) == 0);
	}
	lw_ac_free(ac);
	ac = NULL;

	/* an empty keyword is refused */
	const char *const empty[] = { "ok", "" };
	CHECK(lw_ac_build(&ac, empty, 2) == LW_ECONFIG);
	CHECK(ac == NULL);

	/* a callback's non-zero return stops the scan and is passed on */
	const char *const kws[] = { "a" };
	CHECK(lw_ac_build(&ac, kws, 1) == 0);
	int calls = 0;
	if (ac)
		CHECK(lw_ac_scan(ac, (const unsigned char *)"aaaa", 4, stop_at_second, &calls) == 7);
	CHECK(calls == 2);
	lw_ac_free(ac);

	/* every byte value, upper- and lower-case keyword spellings */
	const char *const mixed[] = { "KeY", "\xff\xfe", "\x01" };
	CHECK(lw_ac_build(&ac, mixed, 3) == 0);
	if (ac) {
		const unsigned char t[] = "kEy\xff\xfe\x01KEY";
		got.n = 0;
		CHECK(lw_ac_scan(ac, t, sizeof(t) - 1, collect, &got) == 0);
		CHECK(got.n == 4);
	}
	lw_ac_free(ac);
	free(got.v);
}

int main(void)
{
	tf_seed_random("test_prefilter");
	test_absent_keyword();
	test_overlapping();
	test_many_rules();
	test_no_keywords();
	test_ac_differential();
	test_ac_dense();
	test_ac_edges();
	return tap_done();
}
