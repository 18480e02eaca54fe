/* format_json.c - json and jsonl: the report contract in DESIGN.md, which
 * `leakwalk report` and baselines read back. */
#include <string.h>

#include "internal.h"
#include "report/format.h"
#include "report/json_write.h"

static void js_key(lw_buf *o, const char *k, int *first)
{
	if (!*first)
		lw_buf_putc(o, ',');
	*first = 0;
	lw_buf_printf(o, "\"%s\":", k);
}

static void js_match(lw_buf *o, const lw_mask *m, const lw_record *rec, int redact)
{
	lw_buf_putc(o, '"');
	lw_mask__put(o, m, rec->match, rec->match_len, rec->secret_in_match, rec->secret_len,
		rec, redact, 1);
	lw_buf_putc(o, '"');
}

static void js_record(lw_buf *o, const lw_record *rec, const lw_render_ctx *ctx)
{
	const lw_output_options *opt = ctx->opt;
	int first = 1;

	lw_buf_putc(o, '{');
	js_key(o, "rule", &first); lw_json__str(o, rec->rule_id);
	js_key(o, "description", &first); lw_json__str(o, rec->description);
	js_key(o, "severity", &first); lw_json__str(o, lw_severity_name(rec->severity));
	js_key(o, "path", &first); lw_json__str(o, rec->path);
	js_key(o, "line", &first); lw_buf_printf(o, "%u", rec->line);
	js_key(o, "column", &first); lw_buf_printf(o, "%u", rec->column);
	js_key(o, "end_line", &first); lw_buf_printf(o, "%u", rec->end_line);
	js_key(o, "end_column", &first); lw_buf_printf(o, "%u", rec->end_column);
	js_key(o, "secret", &first); lw_json__secret(o, rec, opt->redact);
	js_key(o, "match", &first); js_match(o, ctx->mask, rec, opt->redact);
	/* the line as text reports show it: `leakwalk report` renders from it */
	js_key(o, "line_text", &first);
	lw_buf_putc(o, '"');
	lw_mask__line(o, ctx->mask, rec, opt->redact, 1);
	lw_buf_putc(o, '"');
	js_key(o, "entropy", &first); lw_buf_printf(o, "%.3f", rec->entropy);
	js_key(o, "confidence", &first); lw_json__str(o, lw_confidence_name(rec->confidence));
	js_key(o, "commit", &first); lw_json__str(o, rec->commit);
	js_key(o, "author", &first); lw_json__str(o, rec->author);
	js_key(o, "email", &first); lw_json__str(o, rec->email);
	js_key(o, "date", &first); lw_json__str(o, rec->date);
	js_key(o, "message", &first); lw_json__str(o, rec->message);
	js_key(o, "blob", &first); lw_json__str(o, rec->blob);
	js_key(o, "fingerprint", &first); lw_json__str(o, rec->fingerprint);
	if (rec->repo) {
		/* a report from a store: where, whether triaged, since when */
		js_key(o, "repo", &first); lw_json__str(o, rec->repo);
		js_key(o, "status", &first); lw_json__str(o, rec->status);
		js_key(o, "first_seen", &first); lw_buf_printf(o, "%lld", (long long)rec->first_seen);
		js_key(o, "secret_id", &first); lw_json__str(o, rec->secret_id);
	}
	if (rec->has_present) {
		js_key(o, "present", &first);
		lw_json__strs(o, rec->present, rec->npresent);
	}
	if (rec->checksum != LW_CHECKSUM_NONE) {
		js_key(o, "checksum", &first);
		lw_json__str(o, rec->checksum == LW_CHECKSUM_VALID ? "valid" : "invalid");
	}
	if (rec->decoded) {
		js_key(o, "decoded", &first);
		lw_json__str(o, rec->decoded);
	}
	if (rec->ncontext) {
		/* public identifiers beside the secret: which account it opens */
		js_key(o, "context", &first);
		lw_buf_putc(o, '[');
		for (size_t i = 0; i < rec->ncontext; i++) {
			lw_buf_puts(o, i ? ",{\"rule\":" : "{\"rule\":");
			lw_json__str(o, rec->context_rule[i]);
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

/* One array, a finding on each line; or, with `lines`, JSONL. */
static void lw_render_json_any(lw_buf *o, const lw_render_ctx *ctx, int lines)
{
	lw_report *r = ctx->report;
	size_t n = lw_report_count(r);

	if (!lines)
		lw_buf_puts(o, n ? "[\n" : "[");
	for (size_t i = 0; i < n; i++) {
		if (!lines)
			lw_buf_puts(o, "  ");
		js_record(o, lw_report_get(r, i), ctx);
		lw_buf_puts(o, lines || i + 1 == n ? "\n" : ",\n");
	}
	if (!lines)
		lw_buf_puts(o, n ? "]\n" : "]\n");
}

static void lw_render_json(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_render_json_any(o, ctx, 0);
}

static void lw_render_jsonl(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_render_json_any(o, ctx, 1);
}

const lw_format_def lw_format__json = {
	{ "json", "json", "one JSON array" },
	lw_render_json,
};

const lw_format_def lw_format__jsonl = {
	{ "jsonl", "jsonl", "one JSON object a line" },
	lw_render_jsonl,
};
