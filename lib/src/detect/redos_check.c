/* redos_check.c - compiles every rule and drives it over adversarial inputs so a
 * regex that backtracks catastrophically is rejected before it runs. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

typedef struct check_state {
	int limit;
} check_state;

static int check_finding(const lw_finding *f, void *p)
{
	(void)f;
	(void)p;
	return 0;
}

static void check_diag(const lw_diag *d, void *p)
{
	(void)d;
	((check_state *)p)->limit = 1;
}

/* Inputs that make backtracking regexes explode: long runs of one class
 * after a keyword, with and without a failing tail. */
static int check_rule(lw_ruleset *rs, size_t ri, lw_error *err)
{
	static const char *const fills[] = { "a", "A", "0", " ", "=", "-", "_", ".", "/", "+",
		"aA0", "a ", "\"", "'", ":", "\\", "\t", "=a", "a@", "%" };
	lw_rule *r = &rs->rules[ri];
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;

	if (r->path_only)
		return 0; /* no regex over content: nothing can backtrack */
	lw_scanner *sc = NULL;
	check_state st = { 0 };
	lw_sink sink = { check_finding, check_diag, &st };
	size_t cap = 8192;
	char *buf = malloc(cap + 256);
	int rc = 0;

	opts.only_rule = (int)ri;
	opts.match_limit = 200000;
	opts.max_window = cap + 256;
	if (!buf || lw_scanner_new(&sc, rs, &opts) < 0) {
		free(buf);
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	}
	lw_scanner_any_path(sc);
	size_t nk = r->keywords.n ? r->keywords.n : 1;
	for (size_t k = 0; k < nk && !rc; k++) {
		const char *kw = r->keywords.n ? r->keywords.v[k] : "";
		for (size_t f = 0; f < sizeof(fills) / sizeof(*fills) && !rc; f++) {
			for (int tail = 0; tail < 2 && !rc; tail++) {
				size_t kl = strlen(kw) > 64 ? 64 : strlen(kw), fl = strlen(fills[f]), n = 0;
				memcpy(buf, kw, kl);
				n = kl;
				while (n + fl < cap) {
					memcpy(buf + n, fills[f], fl);
					n += fl;
				}
				if (tail)
					buf[n++] = '!';
				lw_chunk ch = { (const unsigned char *)buf, n, "check", 1, NULL };
				st.limit = 0;
				lw_scanner_scan(sc, &ch, &sink);
				if (st.limit)
					rc = lw_error_set(err, LW_ECONFIG,
						"%s: rule \"%s\": regex backtracks catastrophically (match limit "
						"hit on %zu bytes of \"%s\" after keyword \"%s\")",
						r->info.source, r->info.id, n, fills[f], kw);
			}
		}
	}
	lw_scanner_free(sc);
	free(buf);
	return rc;
}

int lw_ruleset_check_rule(lw_ruleset *rs, size_t index, lw_error *err)
{
	if (!rs->finalized && lw_ruleset_finalize(rs, err) < 0)
		return LW_ECONFIG;
	if (index >= rs->n || rs->rules[index].info.disabled)
		return 0;
	if (lw_rule_ensure_compiled(rs, &rs->rules[index], err) < 0)
		return LW_ECONFIG;
	return check_rule(rs, index, err) < 0 ? LW_ECONFIG : 0;
}

int lw_ruleset_check(lw_ruleset *rs, lw_error *err)
{
	if (!rs->finalized && lw_ruleset_finalize(rs, err) < 0)
		return LW_ECONFIG;
	for (size_t i = 0; i < rs->n; i++)
		if (lw_ruleset_check_rule(rs, i, err) < 0)
			return LW_ECONFIG;
	return 0;
}

/* a path rule's regex is NULL; the key it gets may equal the regex "-"'s,
 * which is harmless: neither can backtrack */
static void key_put(lw_buf *b, const char *s)
{
	if (!s)
		s = "-";
	lw_buf_put(b, s, strlen(s) + 1);
}

int lw_rule_check_key(const lw_ruleset *rs, size_t index, char out[65])
{
	const lw_rule *r;
	char deps[512];
	unsigned char h[32];
	lw_buf b;

	if (index >= rs->n)
		return LW_ERROR;
	r = &rs->rules[index];
	lw_buf_init(&b, 0);
	/* what the verdict depends on: the check (this version), the regex
	 * engine, the regex and what selects its windows */
	key_put(&b, "leakwalk rule check 1");
	key_put(&b, lw_version_deps(deps, sizeof(deps)));
	key_put(&b, r->info.regex);
	lw_buf_printf(&b, "%zu", r->window);
	for (size_t k = 0; k < r->keywords.n; k++)
		key_put(&b, r->keywords.v[k]);
	if (b.overflow) {
		lw_buf_release(&b);
		return LW_ENOMEM;
	}
	lw_sha256(b.data, b.len, h);
	lw_buf_release(&b);
	for (int i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", h[i]);
	return 0;
}
