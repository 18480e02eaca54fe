/* ruletest.c - proves a rule's examples: every `match` example yields a
 * finding of the rule, no `no_match` example does. */
#include <string.h>

#include "internal.h"

typedef struct lw_count {
	size_t rule;
	size_t hits;
	int limit;
} lw_count;

static int lw_count_finding(const lw_finding *f, void *payload)
{
	lw_count *c = payload;

	if (f->rule_index == c->rule)
		c->hits++;
	return 0;
}

static void lw_count_diag(const lw_diag *d, void *payload)
{
	(void)d;
	((lw_count *)payload)->limit = 1;
}

/* A path rule's examples are paths; any other rule's are file text. */
static int lw_rule_try(lw_scanner *sc, size_t index, const char *example, lw_count *c)
{
	lw_chunk chunk = LW_CHUNK_INIT;
	lw_sink sink = { lw_count_finding, lw_count_diag, c };

	c->rule = index;
	c->hits = 0;
	c->limit = 0;
	if (lw_scanner_ruleset(sc)->rules[index].path_only)
		return lw_scanner_scan_path(sc, example, NULL, &sink);
	chunk.data = (const unsigned char *)example;
	chunk.len = strlen(example);
	chunk.path = "example.txt";
	return lw_scanner_scan(sc, &chunk, &sink);
}

static int lw_tokenish(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
	       c == '/' || c == '=';
}

/* A failing example shown in a message is redacted as findings are: every
 * secret-shaped run (12 or more of [A-Za-z0-9+/=]) keeps its first four
 * characters, then *****. Words split by _ . - and spaces stay readable. */
static void lw_example_redact(const char *ex, char *out, size_t size)
{
	size_t o = 0, n = strlen(ex), i = 0;

	while (i < n && o + 10 < size) {
		size_t e = i;
		while (e < n && lw_tokenish((unsigned char)ex[e]))
			e++;
		if (e - i >= 12) {
			memcpy(out + o, ex + i, 4);
			memcpy(out + o + 4, "*****", 5);
			o += 9;
			i = e;
		} else if (e > i) {
			size_t k = e - i < size - o - 1 ? e - i : size - o - 1;
			memcpy(out + o, ex + i, k);
			o += k;
			i = e;
		} else {
			out[o++] = ex[i++];
		}
	}
	out[o] = '\0';
}

int lw_rule_test(const lw_ruleset *rs, size_t index, lw_error *err)
{
	char shown[240];
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;
	const lw_rule *r = &rs->rules[index];
	lw_scanner *sc = NULL;
	lw_count c;
	int rc = 0;

	opts.only_rule = (int)index;
	opts.honour_inline_allow = 0;
	if (lw_scanner_new(&sc, rs, &opts) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	lw_scanner_any_path(sc);
	for (size_t i = 0; !rc && i < r->match_ex.n; i++) {
		if ((rc = lw_rule_try(sc, index, r->match_ex.v[i], &c)) < 0)
			break;
		if (c.limit || c.hits == 0) {
			lw_example_redact(r->match_ex.v[i], shown, sizeof(shown));
			rc = lw_error_set(err, LW_ERROR, "%s: rule \"%s\": match example %zu %s: %.200s",
				r->info.source, r->info.id, i + 1,
				c.limit ? "hit the match limit" : "was not found", shown);
		}
	}
	for (size_t i = 0; !rc && i < r->no_match_ex.n; i++) {
		if ((rc = lw_rule_try(sc, index, r->no_match_ex.v[i], &c)) < 0)
			break;
		if (c.limit || c.hits) {
			lw_example_redact(r->no_match_ex.v[i], shown, sizeof(shown));
			rc = lw_error_set(err, LW_ERROR, "%s: rule \"%s\": no_match example %zu %s: %.200s",
				r->info.source, r->info.id, i + 1,
				c.limit ? "hit the match limit" : "was reported", shown);
		}
	}
	lw_scanner_free(sc);
	return rc;
}
