/*
 * config_fuzzer.c - a configuration file (.leakwalk.json: "disable",
 * "allow", "defaults", "rules") loaded the way the command line does it
 * (lw_cli_load_rules): the configuration first, then the built-in rules
 * unless it said "defaults": false, then finalize. A configuration that
 * loads is used to scan a small text under two paths, so the allowlists
 * (paths, regexes, stopwords) and the disabled rules take effect.
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
	"[database]\n"
	"host = db.internal\n"
	"password = \"changeme\"\n"
	"secret_key = 'replace-with-your-own'\r\n"
	"token: ${TOKEN}\n"
	"note = see docs/setup.md\n";

static int on_finding(const lw_finding *f, void *payload)
{
	const unsigned char *lo = payload, *hi = lo + sizeof(sample) - 1;

	FUZZ_CHECK(f->rule && !f->rule->disabled);
	if (!f->decoded) { /* a finding in decoded text points into the decoded bytes */
		FUZZ_CHECK(f->secret >= lo && f->secret + f->secret_len <= hi);
		FUZZ_CHECK(f->line_text >= lo && f->line_text + f->line_len <= hi);
	}
	return 0;
}

static void on_diag(const lw_diag *d, void *payload)
{
	(void)payload;
	FUZZ_CHECK(d->message);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const paths[] = { "config/app.ini", "vendor/lib/test/fixture.txt" };
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;
	lw_sink sink = { on_finding, on_diag, (void *)sample };

	if (lw_ruleset_new(&rs) < 0)
		return 0;
	if (lw_ruleset_add_json(rs, ".leakwalk.json", (const char *)data, size, &err) < 0 ||
	    (lw_ruleset_wants_defaults(rs) && lw_ruleset_add_defaults(rs, &err) < 0) ||
	    lw_ruleset_finalize(rs, &err) < 0) {
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
		goto done;
	}
	opts.match_limit = 100000;
	for (size_t i = 0; i < sizeof(paths) / sizeof(*paths); i++) {
		lw_chunk chunk = LW_CHUNK_INIT;
		chunk.data = (const unsigned char *)sample;
		chunk.len = sizeof(sample) - 1;
		chunk.path = paths[i];
		(void)lw_scan_buffer(rs, &opts, &chunk, &sink);
	}
done:
	lw_ruleset_free(rs);
	return 0;
}
