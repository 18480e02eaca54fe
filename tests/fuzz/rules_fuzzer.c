/*
 * rules_fuzzer.c - the rule file loader (lw_ruleset_add_json). A file that
 * loads is finalized, every rule's public view is read, its examples are
 * proven (lw_rule_test) and a small fixed text is scanned with it.
 *
 * With LW_FUZZ_RULES_CHECK=1 in the environment, a file that ends with a
 * newline is also put through lw_ruleset_check (40 adversarial 8 KiB lines
 * per keyword, under the match limit). It is off by default: with a regex
 * that matches at every byte and a few dozen keywords one unit takes tens
 * of seconds, and the fuzzer would stop on that slowness (libFuzzer's
 * -timeout) instead of looking for defects.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leakwalk.h"

/* assert() would vanish under NDEBUG (RelWithDebInfo); a fuzzer check must not */
#define FUZZ_CHECK(c) \
	do { \
		if (!(c)) { \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #c); \
			abort(); \
		} \
	} while (0)

static const char sample[] =
	"# settings\n"
	"user = alice\r\n"
	"password = \"correct-horse\"\n"
	"api_key: example-value-0123\r"
	"token=abc.def.ghi\n"
	"\tkey = \\x41\\u0042 caf\xc3\xa9 \xe2\x80\xae tail\n"
	"url = https://user:pass@example.com/path leakwalk:allow\n"
	"last line without a newline";

static int on_finding(const lw_finding *f, void *payload)
{
	const unsigned char *lo = payload, *hi = lo + sizeof(sample) - 1;

	FUZZ_CHECK(f->rule && f->rule->id);
	if (!f->decoded) { /* a finding in decoded text points into the decoded bytes */
		FUZZ_CHECK(f->secret >= lo && f->secret + f->secret_len <= hi);
		FUZZ_CHECK(f->match >= lo && f->match + f->match_len <= hi);
		FUZZ_CHECK(f->line_text >= lo && f->line_text + f->line_len <= hi);
	}
	FUZZ_CHECK(f->line >= 1 && f->end_line >= f->line);
	FUZZ_CHECK(strlen(f->fingerprint) == 32);
	return 0;
}

static void on_diag(const lw_diag *d, void *payload)
{
	(void)payload;
	FUZZ_CHECK(d->message);
}

static size_t touch(const char *const *v, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += strlen(v[i]);
	return sum;
}

static void read_rules(const lw_ruleset *rs)
{
	size_t n = lw_ruleset_count(rs);

	for (size_t i = 0; i < n; i++) {
		const lw_rule_info *r = lw_ruleset_rule(rs, i);
		/* a path rule (regex NULL) has paths to say where it reports */
		FUZZ_CHECK(r && r->id && r->description && r->source && (r->regex || r->npaths));
		FUZZ_CHECK(lw_ruleset_find(rs, r->id) == (long)i);
		(void)touch(r->tags, r->ntags);
		(void)touch(r->keywords, r->nkeywords);
		(void)touch(r->match_examples, r->nmatch_examples);
		(void)touch(r->no_match_examples, r->nno_match_examples);
		(void)lw_severity_name(r->severity);
	}
	FUZZ_CHECK(lw_ruleset_rule(rs, n) == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	lw_ruleset *rs = NULL;
	lw_scanner *sc = NULL;
	lw_error err = { 0 };
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;
	lw_chunk chunk = LW_CHUNK_INIT;
	lw_sink sink = { on_finding, on_diag, (void *)sample };

	if (lw_ruleset_new(&rs) < 0)
		return 0;
	if (lw_ruleset_add_json(rs, "fuzz.json", (const char *)data, size, &err) < 0 ||
	    lw_ruleset_finalize(rs, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
		goto done;
	}
	read_rules(rs);
	for (size_t i = 0; i < lw_ruleset_count(rs); i++) {
		lw_error e2 = { 0 };
		char key[65];
		(void)lw_rule_test(rs, i, &e2);
		FUZZ_CHECK(lw_rule_check_key(rs, i, key) == 0 && strlen(key) == 64);
	}
	/* keeps a slow regex from making every unit slow; the limit path is the same */
	opts.match_limit = 100000;
	if (lw_scanner_new(&sc, rs, &opts) == 0) {
		chunk.data = (const unsigned char *)sample;
		chunk.len = sizeof(sample) - 1;
		chunk.path = "config/settings.ini";
		(void)lw_scanner_scan(sc, &chunk, &sink);
		lw_scanner_free(sc);
	}
	if (size && data[size - 1] == '\n' && getenv("LW_FUZZ_RULES_CHECK")) {
		lw_error e3 = { 0 };
		(void)lw_ruleset_check(rs, &e3);
	}
done:
	lw_ruleset_free(rs);
	return 0;
}
