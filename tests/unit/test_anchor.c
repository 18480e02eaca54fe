/*
 * test_anchor.c - which rules may be matched by an anchored try at each
 * keyword hit instead of a search of the window (anchor.c): only those
 * whose every match begins with a keyword. A "yes" for a rule that can
 * match elsewhere would lose findings, so the "no" cases matter most; and
 * for the built-in rules, anchored and searched windows must agree on
 * every example. And the bytes every match consumes (a window without
 * them is not searched): derived only for the narrow shape understood, and
 * for the built-in rules, the same findings with and without.
 */
#include "lwtest.h"

static int anchored(const char *re, const char *k1, const char *k2)
{
	const char *kw[2] = { k1, k2 };

	return lw_regex_keyword_anchored(re, kw, k2 ? 2 : 1);
}

static void test_analysis(void)
{
	/* a literal opening that starts with a keyword, behind lookbehinds and groups */
	CHECK(anchored("(?<![A-Za-z0-9_-])(ck_[a-f0-9]{40})(?![A-Za-z0-9_-])", "ck_", NULL) == 1);
	CHECK(anchored("(?i)(?<![a-z])(?:xoxb-[0-9]{10})", "xoxb-", NULL) == 1);
	CHECK(anchored("AKIA[A-Z2-7]{16}", "akia", NULL) == 1);      /* keywords are lowercase */
	CHECK(anchored("glpat-[A-Za-z0-9_-]{20}", "glpat", "x") == 1);
	CHECK(anchored("sk_live_[0-9a-zA-Z]{24}", "sk_live_", NULL) == 1);
	CHECK(anchored("machine\\s+\\S+", "machine", NULL) == 1);
	CHECK(anchored("hooks\\.slack\\.com/x", "hooks.slack.com", NULL) == 1); /* escaped dots */
	/* no: the match can begin before the keyword or without it */
	CHECK(anchored("[\\w.-]{0,40}?password\\s*=", "password", NULL) == 0);
	CHECK(anchored("(?:AKIA|ASIA)[A-Z2-7]{16}", "akia", "asia") == 0); /* alternatives */
	CHECK(anchored("ck_x|other", "ck_", NULL) == 0);                  /* top-level | */
	CHECK(anchored("(ck_|cs_)[a-f0-9]{40}", "ck_", "cs_") == 0);
	CHECK(anchored("c?k_[a-f0-9]{40}", "k_", NULL) == 0);             /* optional first byte */
	CHECK(anchored("ck?_[a-f0-9]{40}", "ck_", NULL) == 0);            /* optional keyword byte */
	CHECK(anchored("ck*_", "ck_", NULL) == 0);
	CHECK(anchored("ck{0,1}_", "ck_", NULL) == 0);
	CHECK(anchored("KEY[0-9A-F]{32}", "key0", NULL) == 0);            /* keyword longer than the literal */
	CHECK(anchored("[0-9a-f]{32}-us[0-9]", "-us", NULL) == 0);        /* keyword in the middle */
	CHECK(anchored("(?=x)xoxb-", "xoxb-", NULL) == 0);                /* lookahead first */
	CHECK(anchored("(?x) xoxb - ", "xoxb-", NULL) == 0);              /* extended syntax */
	CHECK(anchored("\\Qxoxb-\\E", "xoxb-", NULL) == 0);
	CHECK(anchored("^xoxb-", "xoxb-", NULL) == 0);
	CHECK(anchored("(?<name>xoxb-)", "xoxb-", NULL) == 0);
	CHECK(anchored("", "x", NULL) == 0);
	CHECK(anchored("(?<![a-z]", "x", NULL) == 0);                     /* unbalanced */
	CHECK(anchored("[abc", "a", NULL) == 0);
}

static int collect(const lw_finding *f, void *p)
{
	char *out = p;
	size_t n = strlen(out);

	snprintf(out + n, 8192 - n, "%s@%zu+%zu;", f->rule->id, (size_t)f->offset, (size_t)f->length);
	return 0;
}

/* every built-in rule's examples, matched with its anchored form and with
 * the window searched (the rule's flag cleared in a second rule set) */
static void test_builtin_examples(void)
{
	lw_ruleset *a = NULL, *b = NULL;
	lw_error err = { 0 };
	size_t tried = 0, agreed = 0, found = 0;

	CHECK(lw_ruleset_new(&a) == 0 && lw_ruleset_add_defaults(a, &err) == 0 &&
	      lw_ruleset_finalize(a, &err) == 0);
	CHECK(lw_ruleset_new(&b) == 0 && lw_ruleset_add_defaults(b, &err) == 0 &&
	      lw_ruleset_finalize(b, &err) == 0);
	if (!a || !b || !a->finalized || !b->finalized)
		return;
	for (size_t i = 0; i < b->n; i++)
		b->rules[i].anchored = 0;
	static char ra[8192], rb[8192];
	for (size_t i = 0; i < a->n; i++) {
		const lw_rule *r = &a->rules[i];
		if (!r->anchored)
			continue;
		for (size_t k = 0; k < r->match_ex.n; k++) {
			const char *ex = r->match_ex.v[k];
			lw_chunk c = LW_CHUNK_INIT;
			c.data = (const unsigned char *)ex;
			c.len = strlen(ex);
			c.path = "example.txt";
			ra[0] = rb[0] = '\0';
			lw_sink sa = { collect, NULL, ra }, sb = { collect, NULL, rb };
			lw_scan_buffer(a, NULL, &c, &sa);
			lw_scan_buffer(b, NULL, &c, &sb);
			tried++;
			found += ra[0] != '\0';
			agreed += !strcmp(ra, rb);
			if (strcmp(ra, rb))
				fprintf(stderr, "  %s: anchored %s, searched %s\n", r->info.id, ra, rb);
		}
	}
	printf("# %zu examples of anchored rules compared, %zu with findings\n", tried, found);
	CHECK(tried > 100);
	CHECK(found * 10 > tried * 9);
	CHECK(agreed == tried);
	lw_ruleset_free(a);
	lw_ruleset_free(b);
}

static int needs(const char *re, const char *want)
{
	uint8_t set[32];
	char got[64];
	size_t n = 0;

	if (!lw_regex_required_bytes(re, set))
		return want == NULL;
	for (int c = 0; c < 256 && n + 1 < sizeof(got); c++)
		if (set[c >> 3] & (1 << (c & 7)))
			got[n++] = (char)c;
	got[n] = '\0';
	if (!want || strcmp(got, want) != 0)
		fprintf(stderr, "  %s: needs \"%s\", wanted %s\n", re, got, want ? want : "none");
	return want && strcmp(got, want) == 0;
}

static void test_required_bytes(void)
{
	CHECK(needs("key\\s*=\\s*(?|\"([^\"]+)\"|'([^']+)')", "\"'"));
	CHECK(needs("(?i)k(?:ey)?=(\\\"a\\\"|\\[b|`c`)", "\"[`"));
	CHECK(needs("(\"a\")", "\""));
	CHECK(needs("key=(\"x\"|'y')?", NULL));   /* optional */
	CHECK(needs("key=(\"x\"|'y'){0,3}", NULL));
	CHECK(needs("key=(?:\"a\"|b)", NULL));    /* a letter: case folding */
	CHECK(needs("key=(?:\"a\"|1)", NULL));
	CHECK(needs("(?:\"a\"|'b')key", NULL));    /* not the last item */
	CHECK(needs("a|(?:\"b\")", NULL));         /* top-level alternative */
	CHECK(needs("key=(?=\"a\")", NULL));       /* a lookahead consumes nothing */
	CHECK(needs("key=(?<q>\"a\")", NULL));     /* named groups: not followed */
	CHECK(needs("(?x)key = (\"a\")", NULL));   /* extended syntax */
	CHECK(needs("k(?i-x:e)y=(\"a\")", NULL));
	CHECK(needs("key=(\"?a\")", NULL));        /* the first mark is optional */
	CHECK(needs("key=(\"a\"|)", NULL));        /* an empty alternative */
	CHECK(needs("key=((?:\"a\"))", NULL));     /* a group first: not followed */
	CHECK(needs("key=\\Q(\"a\")", NULL));
	CHECK(needs("key=[(](\"a\")", "\""));      /* a class holding a paren */
	CHECK(needs("key=(\"a\")\\)", NULL));      /* an escaped paren after it */
}

static int collect_all(const lw_finding *f, void *p)
{
	char *out = p;
	size_t n = strlen(out);

	snprintf(out + n, 8192 - n, "%s@%zu+%zu;", f->rule->id, f->offset, f->length);
	return 0;
}

/* every example of a rule with required bytes: the same findings when the
 * windows are not screened */
static void test_required_builtin(void)
{
	lw_ruleset *a = NULL, *b = NULL;
	lw_error err = { 0 };
	size_t rules = 0, tried = 0, agreed = 0;
	static char ra[8192], rb[8192];

	CHECK(lw_ruleset_new(&a) == 0 && lw_ruleset_add_defaults(a, &err) == 0 &&
	      lw_ruleset_finalize(a, &err) == 0);
	CHECK(lw_ruleset_new(&b) == 0 && lw_ruleset_add_defaults(b, &err) == 0 &&
	      lw_ruleset_finalize(b, &err) == 0);
	if (!a || !b || !a->finalized || !b->finalized)
		return;
	for (size_t i = 0; i < b->n; i++)
		b->rules[i].has_needs = 0;
	for (size_t i = 0; i < a->n; i++) {
		const lw_rule *r = &a->rules[i];
		if (!r->has_needs)
			continue;
		rules++;
		for (size_t k = 0; k < r->match_ex.n + r->no_match_ex.n; k++) {
			const char *ex = k < r->match_ex.n ? r->match_ex.v[k] : r->no_match_ex.v[k - r->match_ex.n];
			lw_chunk c = LW_CHUNK_INIT;
			c.data = (const unsigned char *)ex;
			c.len = strlen(ex);
			c.path = "example.txt";
			ra[0] = rb[0] = '\0';
			lw_sink sa = { collect_all, NULL, ra }, sb = { collect_all, NULL, rb };
			lw_scan_buffer(a, NULL, &c, &sa);
			lw_scan_buffer(b, NULL, &c, &sb);
			tried++;
			agreed += !strcmp(ra, rb);
			if (strcmp(ra, rb))
				fprintf(stderr, "  %s: screened %s, not %s\n", r->info.id, ra, rb);
		}
	}
	printf("# %zu rules with required bytes, %zu examples compared\n", rules, tried);
	CHECK(rules >= 3);
	CHECK(tried > 50);
	CHECK(agreed == tried);
	lw_ruleset_free(a);
	lw_ruleset_free(b);
}

int main(void)
{
	test_analysis();
	test_builtin_examples();
	test_required_bytes();
	test_required_builtin();
	return tap_done();
}
