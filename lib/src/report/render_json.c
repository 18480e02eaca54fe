/* render_json.c - the machine formats: json, jsonl (the report contract in
 * DESIGN.md) and SARIF 2.1.0 for code-scanning services. */
#include <string.h>

#include "internal.h"
#include "report/render.h"

void lw_render_json_strn(lw_buf *o, const char *s, size_t len)
{
	lw_buf_putc(o, '"');
	lw_escape_json(o, (const unsigned char *)s, len);
	lw_buf_putc(o, '"');
}

void lw_render_json_str(lw_buf *o, const char *s)
{
	if (s)
		lw_render_json_strn(o, s, strlen(s));
	else
		lw_buf_puts(o, "null");
}

void lw_render_json_strs(lw_buf *o, char *const *v, size_t n)
{
	lw_buf_putc(o, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			lw_buf_putc(o, ',');
		lw_render_json_str(o, v[i]);
	}
	lw_buf_putc(o, ']');
}

void lw_render_json_secret(lw_buf *o, const lw_record *rec, int redact)
{
	lw_buf tmp;

	if (!redact || rec->redacted) {
		lw_render_json_strn(o, rec->secret, rec->secret_len);
		return;
	}
	lw_buf_init(&tmp, 0);
	lw_redact(&tmp, (const unsigned char *)rec->secret, rec->secret_len);
	lw_render_json_strn(o, tmp.data, tmp.len);
	lw_buf_release(&tmp);
}

static void js_key(lw_buf *o, const char *k, int *first)
{
	if (!*first)
		lw_buf_putc(o, ',');
	*first = 0;
	lw_buf_printf(o, "\"%s\":", k);
}

static void js_match(lw_buf *o, const lw_record *rec, int redact)
{
	lw_buf_putc(o, '"');
	lw_render_masked(o, rec->match, rec->match_len, rec->secret_in_match, rec->secret_len,
		rec, redact, 1);
	lw_buf_putc(o, '"');
}

static void js_record(lw_buf *o, const lw_record *rec, const lw_output_options *opt)
{
	int first = 1;

	lw_buf_putc(o, '{');
	js_key(o, "rule", &first); lw_render_json_str(o, rec->rule_id);
	js_key(o, "description", &first); lw_render_json_str(o, rec->description);
	js_key(o, "severity", &first); lw_render_json_str(o, lw_severity_name(rec->severity));
	js_key(o, "path", &first); lw_render_json_str(o, rec->path);
	js_key(o, "line", &first); lw_buf_printf(o, "%u", rec->line);
	js_key(o, "column", &first); lw_buf_printf(o, "%u", rec->column);
	js_key(o, "end_line", &first); lw_buf_printf(o, "%u", rec->end_line);
	js_key(o, "end_column", &first); lw_buf_printf(o, "%u", rec->end_column);
	js_key(o, "secret", &first); lw_render_json_secret(o, rec, opt->redact);
	js_key(o, "match", &first); js_match(o, rec, opt->redact);
	/* the line as text reports show it: `leakwalk report` renders from it */
	js_key(o, "line_text", &first);
	lw_buf_putc(o, '"');
	lw_render_masked(o, rec->line_text, rec->line_len, rec->secret_col, rec->secret_len, rec,
		opt->redact, 1);
	lw_buf_putc(o, '"');
	js_key(o, "entropy", &first); lw_buf_printf(o, "%.3f", rec->entropy);
	js_key(o, "confidence", &first); lw_render_json_str(o, lw_confidence_name(rec->confidence));
	js_key(o, "commit", &first); lw_render_json_str(o, rec->commit);
	js_key(o, "author", &first); lw_render_json_str(o, rec->author);
	js_key(o, "email", &first); lw_render_json_str(o, rec->email);
	js_key(o, "date", &first); lw_render_json_str(o, rec->date);
	js_key(o, "message", &first); lw_render_json_str(o, rec->message);
	js_key(o, "blob", &first); lw_render_json_str(o, rec->blob);
	js_key(o, "fingerprint", &first); lw_render_json_str(o, rec->fingerprint);
	if (rec->repo) {
		/* a report from a store: where, whether triaged, since when */
		js_key(o, "repo", &first); lw_render_json_str(o, rec->repo);
		js_key(o, "status", &first); lw_render_json_str(o, rec->status);
		js_key(o, "first_seen", &first); lw_buf_printf(o, "%lld", (long long)rec->first_seen);
		js_key(o, "secret_id", &first); lw_render_json_str(o, rec->secret_id);
	}
	if (rec->has_present) {
		js_key(o, "present", &first);
		lw_render_json_strs(o, rec->present, rec->npresent);
	}
	if (rec->checksum != LW_CHECKSUM_NONE) {
		js_key(o, "checksum", &first);
		lw_render_json_str(o, rec->checksum == LW_CHECKSUM_VALID ? "valid" : "invalid");
	}
	if (rec->decoded) {
		js_key(o, "decoded", &first);
		lw_render_json_str(o, rec->decoded);
	}
	if (rec->ncontext) {
		/* public identifiers beside the secret: which account it opens */
		js_key(o, "context", &first);
		lw_buf_putc(o, '[');
		for (size_t i = 0; i < rec->ncontext; i++) {
			lw_buf_puts(o, i ? ",{\"rule\":" : "{\"rule\":");
			lw_render_json_str(o, rec->context_rule[i]);
			lw_buf_puts(o, ",\"value\":\"");
			const char *v = rec->context_value[i];
			/* a report read back holds the redacted form already */
			if (opt->redact && !rec->redacted)
				lw_redact(o, (const unsigned char *)v, strlen(v));
			else
				lw_escape_json(o, (const unsigned char *)v, strlen(v));
			lw_buf_puts(o, "\"}");
		}
		lw_buf_putc(o, ']');
	}
	lw_buf_putc(o, '}');
}

void lw_render_json(lw_buf *o, lw_report *r, const lw_output_options *opt)
{
	int lines = opt->format == LW_FORMAT_JSONL;
	size_t n = lw_report_count(r);

	if (!lines)
		lw_buf_puts(o, n ? "[\n" : "[");
	for (size_t i = 0; i < n; i++) {
		if (!lines)
			lw_buf_puts(o, "  ");
		js_record(o, lw_report_get(r, i), opt);
		lw_buf_puts(o, lines || i + 1 == n ? "\n" : ",\n");
	}
	if (!lines)
		lw_buf_puts(o, n ? "]\n" : "]\n");
}

static const char *sarif_level(lw_severity s)
{
	return s >= LW_SEV_HIGH ? "error" : s == LW_SEV_MEDIUM ? "warning" : "note";
}

/* SARIF artifact locations are URI references: percent-encode everything
 * outside the unreserved set and '/'. */
static void sarif_uri(lw_buf *o, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
			lw_buf_putc(o, (char)*p);
		} else {
			lw_buf_putc(o, '%');
			lw_buf_putc(o, hex[*p >> 4]);
			lw_buf_putc(o, hex[*p & 15]);
		}
	}
}

/* 1 when tag `t` of the rule is one written before it. */
static int sarif_tag_seen(const lw_rule_info *ri, size_t t)
{
	if (!strcmp(ri->tags[t], "security") || !strcmp(ri->tags[t], "secret"))
		return 1;
	for (size_t k = 0; k < t; k++)
		if (!strcmp(ri->tags[k], ri->tags[t]))
			return 1;
	return 0;
}

static void sarif_rules(lw_buf *o, const lw_ruleset *rs)
{
	size_t n = rs ? lw_ruleset_count(rs) : 0, k = 0;

	lw_buf_puts(o, "\"rules\":[");
	for (size_t i = 0; i < n; i++) {
		const lw_rule_info *ri = lw_ruleset_rule(rs, i);
		/* every rule, disabled ones too, so a result's ruleIndex is its index */
		lw_buf_puts(o, k++ ? ",\n{" : "\n{");
		lw_buf_puts(o, "\"id\":");
		lw_render_json_str(o, ri->id);
		lw_buf_puts(o, ",\"name\":");
		lw_render_json_str(o, ri->id);
		lw_buf_puts(o, ",\"shortDescription\":{\"text\":");
		lw_render_json_str(o, ri->description);
		lw_buf_puts(o, "},\"fullDescription\":{\"text\":");
		lw_render_json_str(o, ri->description);
		lw_buf_printf(o, "},\"defaultConfiguration\":{\"level\":\"%s\"}",
			sarif_level(ri->severity));
		lw_buf_puts(o, ",\"help\":{\"text\":\"Remove the secret from the file and its git "
			       "history, and revoke or rotate it.\"}");
		lw_buf_puts(o, ",\"properties\":{\"tags\":[\"security\",\"secret\"");
		for (size_t t = 0; t < ri->ntags; t++) {
			/* SARIF's schema wants unique tags: a rule tagged "secret" is one */
			if (sarif_tag_seen(ri, t))
				continue;
			lw_buf_putc(o, ',');
			lw_render_json_str(o, ri->tags[t]);
		}
		lw_buf_printf(o, "],\"security-severity\":\"%s\"}}",
			ri->severity == LW_SEV_CRITICAL ? "9.5" : ri->severity == LW_SEV_HIGH ? "8.0" :
			ri->severity == LW_SEV_MEDIUM ? "5.5" : "3.0");
	}
	lw_buf_puts(o, "]");
}

static void sarif_result(lw_buf *o, const lw_record *rec, const lw_output_options *opt)
{
	long ri = opt->rules ? lw_ruleset_find(opt->rules, rec->rule_id) : -1;

	lw_buf_puts(o, "{\"ruleId\":");
	lw_render_json_str(o, rec->rule_id);
	if (ri >= 0)
		lw_buf_printf(o, ",\"ruleIndex\":%ld", ri);
	lw_buf_printf(o, ",\"level\":\"%s\",\"rank\":%d,\"message\":{\"text\":", sarif_level(rec->severity),
		lw_confidence_rank(rec->confidence));
	lw_buf tmp;
	lw_buf_init(&tmp, 0);
	lw_buf_printf(&tmp, "%s: ", rec->description);
	lw_render_secret(&tmp, rec, 1);
	if (rec->commit)
		lw_buf_printf(&tmp, " (introduced in commit %.12s)", rec->commit);
	lw_render_json_str(o, lw_buf_cstr(&tmp));
	lw_buf_release(&tmp);
	lw_buf_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"");
	sarif_uri(o, rec->path);
	lw_buf_printf(o, "\"},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,"
			 "\"endColumn\":%u,\"snippet\":{\"text\":",
		rec->line, rec->column, rec->end_line, rec->end_column + 1);
	lw_buf_putc(o, '"');
	lw_render_masked(o, rec->line_text, rec->line_len, rec->secret_col, rec->secret_len, rec,
		opt->redact, 1);
	lw_buf_puts(o, "\"}}}}],\"partialFingerprints\":{\"leakwalk/v1\":");
	lw_render_json_str(o, rec->fingerprint);
	lw_buf_puts(o, "}");
	if (rec->commit) {
		lw_buf_puts(o, ",\"properties\":{\"commit\":");
		lw_render_json_str(o, rec->commit);
		lw_buf_puts(o, ",\"author\":");
		lw_render_json_str(o, rec->author);
		lw_buf_puts(o, ",\"date\":");
		lw_render_json_str(o, rec->date);
		if (rec->repo) {
			/* a report from a store */
			lw_buf_puts(o, ",\"repo\":");
			lw_render_json_str(o, rec->repo);
			lw_buf_puts(o, ",\"status\":");
			lw_render_json_str(o, rec->status);
			lw_buf_printf(o, ",\"first_seen\":%lld,\"secret_id\":", (long long)rec->first_seen);
			lw_render_json_str(o, rec->secret_id);
		}
		lw_buf_puts(o, "}");
	}
	lw_buf_puts(o, "}");
}

void lw_render_sarif(lw_buf *o, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt)
{
	lw_buf_puts(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		       "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"leakwalk\","
		       "\"semanticVersion\":\"" LW_VERSION "\",\"version\":\"" LW_VERSION "\",");
	sarif_rules(o, opt->rules);
	lw_buf_puts(o, "}},\"results\":[");
	for (size_t i = 0; i < lw_report_count(r); i++) {
		lw_buf_puts(o, i ? ",\n" : "\n");
		sarif_result(o, lw_report_get(r, i), opt);
	}
	lw_buf_printf(o, "],\"invocations\":[{\"executionSuccessful\":%s}]}]}\n",
		meta && meta->incomplete ? "false" : "true");
}
