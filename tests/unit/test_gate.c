/*
 * test_gate.c - the gate of anchored rules (rules/gate.c): a keyword hit
 * it shuts must be one where the rule's anchored regex cannot match, or
 * findings are lost. Hand-made cases for the shapes read, then every
 * built-in anchored rule against PCRE2 itself: at each place of each
 * example where its literal begins, after every possible byte and with
 * the literal's case flipped, a shut gate and a match never meet; and the
 * same findings on every example with the gates on and off.
 */
#include "lwtest.h"

static lw_rule mk(const char *re)
{
	lw_rule r;

	memset(&r, 0, sizeof(r));
	r.info.regex = re;
	r.anchored = 1;
	lw_rule_gate_build(&r);
	return r;
}

static int shut(const lw_rule *r, const char *s, size_t at)
{
	return lw_rule_gate_shut(r, (const unsigned char *)s, strlen(s), at);
}

static void test_shapes(void)
{
	lw_rule r = mk("(?<![A-Za-z0-9_-])(ck_[a-f0-9]{40})(?![A-Za-z0-9_-])");
	CHECK(r.gate == 1);
	CHECK(shut(&r, "lock_0123", 2) == 1);  /* a letter before */
	CHECK(shut(&r, "-ck_0123", 1) == 1);
	CHECK(shut(&r, " ck_0123", 1) == 0);
	CHECK(shut(&r, "=ck_0123", 1) == 0);
	CHECK(shut(&r, "\xff" "ck_0123", 1) == 0); /* not in the class */
	CHECK(shut(&r, "ck_0123", 0) == 0);    /* a chunk's first byte */
	CHECK(shut(&r, " CK_0123", 1) == 1);   /* case-sensitive literal */
	CHECK(shut(&r, " ck", 1) == 1);        /* too short for the literal */

	r = mk("(?i)(?<![a-z])xoxb-[0-9]+");
	CHECK(r.gate == 1);
	CHECK(shut(&r, "Axoxb-1", 1) == 1);    /* (?i) reaches the class */
	CHECK(shut(&r, " XoXb-1", 1) == 0);
	CHECK(shut(&r, "XOXB-1", 0) == 0);

	/* a lookbehind over two bytes is left to the regex; the literal stays */
	r = mk("(?<!#[ \\t])machine\\s+x");
	CHECK(r.gate == 1);
	CHECK(shut(&r, "a machine x", 2) == 0);
	CHECK(shut(&r, "# machine x", 2) == 0);
	CHECK(shut(&r, " Machine x", 1) == 1);

	/* what looks past the position is not used */
	r = mk("(?<=\\b)ck_x");
	CHECK(shut(&r, "ack_x", 1) == 0);
	r = mk("(?<!(?=c)a)ck_x");
	CHECK(shut(&r, "ack_x", 1) == 0);

	/* a lookbehind after the literal is not leading: literal only */
	r = mk("://(?<=[A-Za-z0-9]://)[a-z]+:[a-z]+@");
	CHECK(r.gate == 1);
	CHECK(shut(&r, " ://", 1) == 0);
	CHECK(shut(&r, "a:/", 1) == 1);

	/* a literal inside a group that may be skipped is not what every match
	 * begins with */
	lw_regex_lead_info lead;
	CHECK(lw_regex_lead("(?:ck_)?[a-f0-9]{40}", &lead) == 1 && lead.nlit == 0);
	CHECK(lw_regex_lead("(ck_){1,2}x", &lead) == 1 && lead.nlit == 0);
	CHECK(lw_regex_lead("(?<![a-z])(ck_)x", &lead) == 1 && lead.nlit == 3 && lead.nlb == 1);
	r = mk("(?:ck_)*x");
	CHECK(r.gate == 0);
	/* not anchored: no gate */
	lw_rule u;
	memset(&u, 0, sizeof(u));
	u.info.regex = "(?<![a-z])ck_";
	lw_rule_gate_build(&u);
	CHECK(u.gate == 0);
}

static int collect(const lw_finding *f, void *p)
{
	char *out = p;
	size_t n = strlen(out);

	snprintf(out + n, 8192 - n, "%s@%zu+%zu;", f->rule->id, (size_t)f->offset, (size_t)f->length);
	return 0;
}

static void flip_case(unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 'a' && s[i] <= 'z')
			s[i] = (unsigned char)(s[i] - 32);
		else if (s[i] >= 'A' && s[i] <= 'Z')
			s[i] = (unsigned char)(s[i] + 32);
}

/* at every place of ex where r's literal begins (without case): gate and
 * PCRE2 never disagree, after each of the 256 bytes, literal as is and
 * flipped; counts the places the gate shut */
static void check_places(lw_rule *r, const char *ex, pcre2_match_data *md, size_t *shut_n,
	size_t *bad)
{
	size_t n = strlen(ex);
	unsigned char *buf = malloc(n + 2);

	if (!buf)
		return;
	for (size_t p = 0; p + r->gate_nlit <= n; p++) {
		if (r->gate_nlit && strncasecmp(ex + p, r->gate_lit, r->gate_nlit) != 0)
			continue;
		for (int flip = 0; flip < 2; flip++) {
			for (int c = -1; c < 256; c++) {
				size_t off = c < 0 ? 0 : 1, len = n - p + off;
				if (c >= 0)
					buf[0] = (unsigned char)c;
				memcpy(buf + off, ex + p, n - p);
				if (flip)
					flip_case(buf + off, r->gate_nlit);
				int s = lw_rule_gate_shut(r, buf, len, off);
				int m = pcre2_match(r->acode, buf, len, off, 0, md, NULL) >= 0;
				*shut_n += s;
				if (s && m) {
					(*bad)++;
					fprintf(stderr, "  %s: gate shut at a match (byte %d, flip %d): %s\n",
						r->info.id, c, flip, ex + p);
				}
			}
		}
	}
	free(buf);
}

static void test_builtin(void)
{
	lw_ruleset *a = NULL, *b = NULL;
	lw_error err = { 0 };
	size_t gated = 0, places_shut = 0, bad = 0, tried = 0, agreed = 0;
	static char ra[8192], rb[8192];

	CHECK(lw_ruleset_new(&a) == 0 && lw_ruleset_add_defaults(a, &err) == 0 &&
	      lw_ruleset_finalize(a, &err) == 0);
	CHECK(lw_ruleset_new(&b) == 0 && lw_ruleset_add_defaults(b, &err) == 0 &&
	      lw_ruleset_finalize(b, &err) == 0);
	if (!a || !b || !a->finalized || !b->finalized)
		return;
	pcre2_match_data *md = pcre2_match_data_create(32, NULL);
	for (size_t i = 0; i < b->n; i++)
		if (lw_rule_ensure_compiled(b, &b->rules[i], &err) == 0)
			b->rules[i].gate = 0; /* b: no gates */
	for (size_t i = 0; i < a->n; i++) {
		lw_rule *r = &a->rules[i];
		if (!r->anchored || lw_rule_ensure_compiled(a, r, &err) != 0 || !r->acode)
			continue;
		gated += r->gate;
		for (size_t k = 0; k < r->match_ex.n + r->no_match_ex.n; k++) {
			const char *ex = k < r->match_ex.n ? r->match_ex.v[k] : r->no_match_ex.v[k - r->match_ex.n];
			if (r->gate)
				check_places(r, ex, md, &places_shut, &bad);
			lw_chunk c = LW_CHUNK_INIT;
			c.data = (const unsigned char *)ex;
			c.len = strlen(ex);
			c.path = "example.txt";
			ra[0] = rb[0] = '\0';
			lw_sink sa = { collect, NULL, ra }, sb = { collect, NULL, rb };
			lw_scan_buffer(a, NULL, &c, &sa);
			lw_scan_buffer(b, NULL, &c, &sb);
			tried++;
			agreed += !strcmp(ra, rb);
			if (strcmp(ra, rb))
				fprintf(stderr, "  %s: gated %s, not %s\n", r->info.id, ra, rb);
		}
	}
	printf("# %zu anchored rules with a gate; %zu places shut, %zu examples compared\n", gated,
		places_shut, tried);
	CHECK(gated > 100);
	CHECK(places_shut > 1000);
	CHECK(bad == 0);
	CHECK(tried > 100);
	CHECK(agreed == tried);
	pcre2_match_data_free(md);
	lw_ruleset_free(a);
	lw_ruleset_free(b);
}

int main(void)
{
	test_shapes();
	test_builtin();
	return tap_done();
}
