/* format_text.c - the text report, for people: like a compiler's
 * diagnostics, the line with its secrets masked, provenance below, and one
 * line of counts by severity. */
#include <string.h>

#include "internal.h"
#include "report/format.h"

/* The rule id's colour says how severe it is: bold magenta, bold red,
 * yellow, cyan, dim. */
static const char *lw_severity_color(lw_severity s)
{
	static const char *const c[] = { "\033[2m", "\033[36m", "\033[33m", "\033[1;31m",
		"\033[1;35m" };

	return (unsigned)s < sizeof(c) / sizeof(*c) ? c[s] : "";
}

static void lw_render_text_one(lw_buf *o, const lw_record *rec, const lw_render_ctx *ctx)
{
	const lw_output_options *opt = ctx->opt;
	const char *bold = opt->color ? "\033[1m" : "";
	const char *red = opt->color ? lw_severity_color(rec->severity) : "";
	const char *dim = opt->color ? "\033[2m" : "", *reset = opt->color ? "\033[0m" : "";

	lw_buf_puts(o, bold);
	lw_escape_text(o, (const unsigned char *)rec->path, strlen(rec->path));
	lw_buf_printf(o, ":%u:%u:%s %s%s%s: ", rec->line, rec->column, reset, red, rec->rule_id, reset);
	lw_escape_text(o, (const unsigned char *)rec->description, strlen(rec->description));
	lw_buf_printf(o, " [%s, confidence %s]", lw_severity_name(rec->severity),
		lw_confidence_name(rec->confidence));
	if (rec->checksum == LW_CHECKSUM_VALID)
		lw_buf_puts(o, " (checksum valid)");
	else if (rec->checksum == LW_CHECKSUM_INVALID)
		lw_buf_puts(o, " (checksum invalid)");
	lw_buf_puts(o, "\n    ");
	lw_mask__line(o, ctx->mask, rec, opt->redact, 0);
	lw_buf_putc(o, '\n');
	if (rec->commit) {
		lw_buf_printf(o, "    %scommit %.12s", dim, rec->commit);
		if (rec->author) {
			lw_buf_puts(o, " by ");
			lw_escape_text(o, (const unsigned char *)rec->author, strlen(rec->author));
		}
		if (rec->email) {
			lw_buf_puts(o, " <");
			lw_escape_text(o, (const unsigned char *)rec->email, strlen(rec->email));
			lw_buf_puts(o, ">");
		}
		if (rec->date)
			lw_buf_printf(o, " on %s", rec->date);
		if (rec->message) {
			lw_buf_puts(o, ": ");
			lw_escape_text(o, (const unsigned char *)rec->message, strlen(rec->message));
		}
		lw_buf_printf(o, "%s\n", reset);
	}
	if (rec->repo) {
		lw_buf_printf(o, "    %srepository ", dim);
		lw_escape_text(o, (const unsigned char *)rec->repo, strlen(rec->repo));
		lw_buf_printf(o, ", %s, secret_id %.16s%s\n", rec->status ? rec->status : "open",
			rec->secret_id ? rec->secret_id : "", reset);
	}
	if (rec->has_present) {
		lw_buf_printf(o, "    %s", dim);
		if (!rec->npresent)
			lw_buf_puts(o, "only in history: no ref tip holds it any more");
		else
			lw_buf_puts(o, "still present at the tip of:");
		for (size_t i = 0; i < rec->npresent && i < 8; i++) {
			lw_buf_putc(o, ' ');
			lw_escape_text(o, (const unsigned char *)rec->present[i], strlen(rec->present[i]));
		}
		if (rec->npresent > 8)
			lw_buf_printf(o, " and %zu more", rec->npresent - 8);
		lw_buf_printf(o, "%s\n", reset);
	}
	if (rec->decoded)
		lw_buf_printf(o, "    found after decoding: %s\n", rec->decoded);
	for (size_t i = 0; i < rec->ncontext; i++) {
		const char *v = rec->context_value[i];
		lw_buf_printf(o, "    beside %s: ", rec->context_rule[i]);
		if (opt->redact && !rec->redacted)
			lw_redact(o, (const unsigned char *)v, strlen(v));
		else
			lw_escape_text(o, (const unsigned char *)v, strlen(v));
		lw_buf_putc(o, '\n');
	}
}

/* Findings apart by a blank line, then one line of counts by severity,
 * most severe first. Nothing at all when nothing was found. */
static void lw_render_text(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	const lw_output_options *opt = ctx->opt;
	size_t n = lw_report_count(r), by[LW_SEV_CRITICAL + 1] = { 0 };
	const char *sep = ": ";

	for (size_t i = 0; i < n; i++) {
		const lw_record *rec = lw_report_get(r, i);
		if (i)
			lw_buf_putc(o, '\n');
		lw_render_text_one(o, rec, ctx);
		if ((unsigned)rec->severity <= LW_SEV_CRITICAL)
			by[rec->severity]++;
	}
	if (!n)
		return;
	lw_buf_printf(o, "\n%zu finding%s", n, n == 1 ? "" : "s");
	for (int s = LW_SEV_CRITICAL; s >= LW_SEV_INFO; s--) {
		if (!by[s])
			continue;
		lw_buf_printf(o, "%s%s%zu %s%s", sep, opt->color ? lw_severity_color((lw_severity)s) : "",
			by[s], lw_severity_name((lw_severity)s), opt->color ? "\033[0m" : "");
		sep = ", ";
	}
	lw_buf_putc(o, '\n');
}

const lw_format_def lw_format__text = {
	{ "text", "txt", "like a compiler diagnostic (default)" },
	lw_render_text,
};
