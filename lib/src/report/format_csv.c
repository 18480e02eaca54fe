/* format_csv.c - one row per finding, for spreadsheets: every field
 * quoted, CRLF line ends, and formulas neutralised. */
#include <string.h>

#include "internal.h"
#include "report/format.h"

static void lw_csv_field(lw_buf *o, const char *s, size_t len)
{
	lw_buf tmp;

	lw_buf_init(&tmp, 0);
	lw_escape_text(&tmp, (const unsigned char *)s, len);
	lw_buf_putc(o, '"');
	/* a leading = + - @ (or tab/CR) makes spreadsheets evaluate a formula */
	if (tmp.len && strchr("=+-@\t\r", tmp.data[0]))
		lw_buf_putc(o, '\'');
	for (size_t i = 0; i < tmp.len; i++) {
		if (tmp.data[i] == '"')
			lw_buf_putc(o, '"');
		lw_buf_putc(o, tmp.data[i]);
	}
	lw_buf_putc(o, '"');
	lw_buf_release(&tmp);
}

static void lw_csv_str(lw_buf *o, const char *s)
{
	lw_csv_field(o, s ? s : "", s ? strlen(s) : 0);
	lw_buf_putc(o, ',');
}

static void lw_render_csv(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	const lw_output_options *opt = ctx->opt;

	lw_buf_puts(o, "rule,severity,path,line,column,end_line,end_column,secret,entropy,"
		       "commit,author,email,date,message,fingerprint\r\n");
	for (size_t i = 0; i < lw_report_count(r); i++) {
		const lw_record *rec = lw_report_get(r, i);
		lw_buf secret;
		lw_csv_str(o, rec->rule_id);
		lw_csv_str(o, lw_severity_name(rec->severity));
		lw_csv_str(o, rec->path);
		lw_buf_printf(o, "%u,%u,%u,%u,", rec->line, rec->column, rec->end_line, rec->end_column);
		lw_buf_init(&secret, 0);
		secret.wipe = 1;
		lw_mask__secret(&secret, rec, opt->redact);
		lw_csv_field(o, lw_buf_cstr(&secret), secret.len);
		lw_buf_release(&secret);
		lw_buf_printf(o, ",%.3f,", rec->entropy);
		lw_csv_str(o, rec->commit);
		lw_csv_str(o, rec->author);
		lw_csv_str(o, rec->email);
		lw_csv_str(o, rec->date);
		lw_csv_str(o, rec->message);
		lw_csv_field(o, rec->fingerprint, strlen(rec->fingerprint));
		lw_buf_puts(o, "\r\n");
	}
}

const lw_format_def lw_format__csv = {
	{ "csv", "csv", "comma-separated values" },
	lw_render_csv,
};
