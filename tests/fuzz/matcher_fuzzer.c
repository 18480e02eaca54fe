/*
 * matcher_fuzzer.c - the matcher (keyword automaton, windows, regexes,
 * candidates, filters, line and column arithmetic) and the report
 * renderers that consume its findings.
 *
 * Input layout: byte 0 holds flags; bit 0 picks the mode.
 *   0: built-in rules. The rest of the input is the subject, scanned under
 *      one of a few paths (bits 1-2) with the shared built-in rule set.
 *   1: a user rule. Byte 1 is the regex length L; the next L bytes are the
 *      regex, JSON-escaped into a rule file built here, and the rest is the
 *      subject. Bits 1-3 add a keyword (the subject's first bytes), a
 *      secret_group of 1 and a window; bit 6 adds a second, generic rule
 *      with the same regex, so deduplication between rules runs; bit 7 an
 *      offline checksum (which one: L modulo 3).
 * Either way bit 4 turns off the inline allow comment, and bit 5 with byte
 * `size - 1` pick a report format and redaction: every finding is copied
 * into a report, rendered, and the JSON formats must parse back.
 *
 * A scan stops after MAX_FINDINGS findings (a regex matching every byte
 * would otherwise give thousands, each fingerprinted, copied and rendered),
 * which keeps every unit fast; many findings on one line stay within reach.
 *
 * Findings must point inside the subject (or, for a finding in decoded
 * text, inside the decoded bytes), with consistent lines, columns and
 * bounded line text.
 */
#include <cjson/cJSON.h>
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

/* the scanner shows at most this much of the line either side of a secret */
#define LINE_TEXT_SLACK 400
#define MAX_FINDINGS 1000

typedef struct fuzz_state {
	const unsigned char *lo, *hi;
	lw_report *report;
	size_t n;
} fuzz_state;

static int on_finding(const lw_finding *f, void *payload)
{
	fuzz_state *st = payload;

	FUZZ_CHECK(f->rule && f->rule->id);
	FUZZ_CHECK(f->secret_len > 0);
	FUZZ_CHECK(f->offset + f->length <= (size_t)(st->hi - st->lo));
	if (!f->decoded) {
		FUZZ_CHECK(f->secret >= st->lo && f->secret + f->secret_len <= st->hi);
		FUZZ_CHECK(f->match >= st->lo && f->match + f->match_len <= st->hi);
		FUZZ_CHECK(f->match == st->lo + f->offset && f->match_len == f->length);
		FUZZ_CHECK(f->line_text >= st->lo && f->line_text + f->line_len <= st->hi);
	} else {
		/* found in decoded bytes: secret, match and line point into them
		 * (copying them into the report lets ASan check their bounds);
		 * offset and length are those of the encoded text */
		FUZZ_CHECK(f->decoded[0] && f->length > 0);
	}
	FUZZ_CHECK(f->line_text + f->secret_col == f->secret);
	FUZZ_CHECK(f->secret_col <= f->line_len);
	FUZZ_CHECK(f->line_len <= f->secret_len + 2 * LINE_TEXT_SLACK);
	FUZZ_CHECK(f->line >= 1 && f->column >= 1 && f->end_column >= 1);
	FUZZ_CHECK(f->end_line >= f->line);
	FUZZ_CHECK(f->end_line > f->line || f->end_column >= f->column);
	FUZZ_CHECK(strlen(f->fingerprint) == 32);
	FUZZ_CHECK(lw_report_add(st->report, f, NULL, NULL) == 0);
	return ++st->n >= MAX_FINDINGS; /* non-zero stops the scan */
}

static void on_diag(const lw_diag *d, void *payload)
{
	(void)payload;
	FUZZ_CHECK(d->message && d->path);
}

static void check_json(const char *s, size_t len)
{
	cJSON *root = cJSON_ParseWithLength(s, len);

	FUZZ_CHECK(root != NULL);
	cJSON_Delete(root);
}

static void render(lw_report *rep, const lw_ruleset *rs, unsigned pick)
{
	static const char *const formats[] = { "text", "json", "jsonl", "sarif", "csv" };
	const char *name = formats[(pick >> 1) % 5];
	lw_output_options oo = LW_OUTPUT_OPTIONS_INIT;
	lw_report_meta meta = { "scan", 1, 0, 0, 0, 0.5, 0, NULL, 0 };
	lw_buf out;
	int fmt = lw_format_parse(name);

	if (fmt < 0)
		return;
	oo.format = (lw_format)fmt;
	oo.redact = pick & 1;
	oo.color = (pick >> 4) & 1;
	oo.rules = rs;
	lw_report_sort(rep);
	lw_buf_init(&out, LW_BUF_DEFAULT_MAX);
	FUZZ_CHECK(lw_report_render(&out, rep, &meta, &oo) == 0);
	if (!strcmp(name, "json") || !strcmp(name, "sarif")) {
		check_json(out.data ? out.data : "", out.len);
	} else if (!strcmp(name, "jsonl")) {
		size_t pos = 0;
		while (pos < out.len) {
			const char *nl = memchr(out.data + pos, '\n', out.len - pos);
			size_t ll = nl ? (size_t)(nl - out.data - pos) : out.len - pos;
			if (ll)
				check_json(out.data + pos, ll);
			pos += ll + 1;
		}
	}
	lw_buf_release(&out);
}

static void scan(const lw_ruleset *rs, const uint8_t *subject, size_t len, const char *path,
	int inline_allow, unsigned pick)
{
	lw_scan_options opts = LW_SCAN_OPTIONS_INIT;
	lw_chunk chunk = LW_CHUNK_INIT;
	fuzz_state st = { subject, subject + len, NULL, 0 };
	lw_sink sink = { on_finding, on_diag, &st };
	lw_scanner *sc = NULL;
	int rc;

	/* keeps a backtracking regex from making units slow; the limit path is the same */
	opts.match_limit = 100000;
	opts.honour_inline_allow = inline_allow;
	if (lw_report_new(&st.report) < 0)
		return;
	if (lw_scanner_new(&sc, rs, &opts) == 0) {
		chunk.data = subject;
		chunk.len = len;
		chunk.path = path;
		rc = lw_scanner_scan(sc, &chunk, &sink);
		FUZZ_CHECK(rc == 0 || (rc == LW_ESTOP && st.n == MAX_FINDINGS));
		lw_scanner_free(sc);
		render(st.report, rs, pick);
	}
	lw_report_free(st.report);
}

/* ---- mode 0: the built-in rules -------------------------------------- */

static lw_ruleset *builtin;

static void scan_builtin(unsigned flags, const uint8_t *data, size_t size, unsigned pick)
{
	static const char *const paths[] = { "src/config.py", ".env", "package-lock.json",
		"<commit message>" };
	lw_error err = { 0 };

	if (!builtin) {
		if (lw_ruleset_new(&builtin) < 0 || lw_ruleset_add_defaults(builtin, &err) < 0 ||
		    lw_ruleset_finalize(builtin, &err) < 0) {
			fprintf(stderr, "matcher_fuzzer: built-in rules: %s\n", err.msg);
			abort();
		}
	}
	scan(builtin, data, size, paths[(flags >> 1) & 3], !(flags & 0x10), pick);
}

/* ---- mode 1: a user rule --------------------------------------------- */

static int put(char **p, char *end, const char *s, size_t n)
{
	if ((size_t)(end - *p) < n)
		return -1;
	memcpy(*p, s, n);
	*p += n;
	return 0;
}

static int put_json_str(char **p, char *end, const uint8_t *s, size_t n)
{
	char esc[8];

	if (put(p, end, "\"", 1) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == '"' || s[i] == '\\') {
			snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
			if (put(p, end, esc, 6) < 0)
				return -1;
		} else if (put(p, end, (const char *)&s[i], 1) < 0) {
			return -1;
		}
	}
	return put(p, end, "\"", 1);
}

static int put_rule(char **p, char *end, const char *id, const char *tags, unsigned flags,
	const uint8_t *re, size_t relen, const uint8_t *kw, size_t kwlen)
{
	static const char *const checksums[] = { "github-crc32", "atlassian-crc32", "bech32" };
	char head[128];

	snprintf(head, sizeof(head), "{\"id\":\"%s\",\"description\":\"fuzz\",\"tags\":[%s],"
		"\"regex\":", id, tags);
	if (put(p, end, head, strlen(head)) < 0 || put_json_str(p, end, re, relen) < 0)
		return -1;
	if (kwlen && (put(p, end, ",\"keywords\":[", 13) < 0 ||
		      put_json_str(p, end, kw, kwlen) < 0 || put(p, end, "]", 1) < 0))
		return -1;
	if ((flags & 0x04) && put(p, end, ",\"secret_group\":1", 17) < 0)
		return -1;
	if ((flags & 0x08) && put(p, end, ",\"window\":64", 12) < 0)
		return -1;
	if (flags & 0x80) {
		snprintf(head, sizeof(head), ",\"checksum\":\"%s\"", checksums[relen % 3]);
		if (put(p, end, head, strlen(head)) < 0)
			return -1;
	}
	return put(p, end, "}", 1);
}

static void scan_user_rule(unsigned flags, const uint8_t *data, size_t size, unsigned pick)
{
	/* regex (255 bytes, at most 6 each escaped) and keyword: bounded */
	char json[2 * 6 * 256 + 1024], *p = json, *end = json + sizeof(json);
	size_t relen, kwlen = 0;
	const uint8_t *re, *subject, *kw;
	lw_ruleset *rs = NULL;
	lw_error err = { 0 };

	if (size < 1)
		return;
	relen = data[0] < size - 1 ? data[0] : size - 1;
	re = data + 1;
	subject = re + relen;
	size -= 1 + relen;
	/* a keyword of the subject's first bytes (up to 4, no NUL) hits at once */
	kw = subject;
	if (flags & 0x02)
		while (kwlen < 4 && kwlen < size && kw[kwlen])
			kwlen++;
	if (put(&p, end, "{\"rules\":[", 10) < 0 ||
	    put_rule(&p, end, "fuzz-rule", "", flags, re, relen, kw, kwlen) < 0 ||
	    ((flags & 0x40) && (put(&p, end, ",", 1) < 0 ||
				put_rule(&p, end, "fuzz-generic", "\"generic\"", flags, re, relen, kw,
					kwlen) < 0)) ||
	    put(&p, end, "]}", 2) < 0) {
		fprintf(stderr, "matcher_fuzzer: rule file buffer too small\n");
		abort();
	}
	if (lw_ruleset_new(&rs) < 0)
		return;
	if (lw_ruleset_add_json(rs, "fuzz-rule.json", json, (size_t)(p - json), &err) == 0 &&
	    lw_ruleset_finalize(rs, &err) == 0)
		scan(rs, subject, size, "src/app.conf", !(flags & 0x10), pick);
	else
		FUZZ_CHECK(err.code < 0 && err.msg[0]);
	lw_ruleset_free(rs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags, pick;

	if (size < 1)
		return 0;
	flags = data[0];
	pick = ((flags >> 5) & 1) | (size > 1 ? (unsigned)data[size - 1] << 1 : 0);
	if (flags & 1)
		scan_user_rule(flags, data + 1, size - 1, pick);
	else
		scan_builtin(flags, data + 1, size - 1, pick);
	return 0;
}
