/* format_junit.c - JUnit XML, which every CI system shows as a test
 * report: one test suite "leakwalk", one failing test case per finding,
 * one passing test case when there is none. */
#include <string.h>

#include "internal.h"
#include "report/format.h"
#include "report/xml_write.h"

static void xml_str(lw_buf *o, const char *s)
{
	if (s)
		lw_xml__text(o, s, strlen(s));
}

static void junit_secret(lw_buf *o, const lw_record *rec, int redact)
{
	lw_buf tmp;

	lw_buf_init(&tmp, 0);
	tmp.wipe = 1;
	lw_mask__secret(&tmp, rec, redact);
	lw_xml__text(o, tmp.data ? tmp.data : "", tmp.len);
	lw_buf_release(&tmp);
}

static void junit_failure_body(lw_buf *o, const lw_record *rec, const lw_render_ctx *ctx)
{
	const lw_output_options *opt = ctx->opt;
	lw_buf tmp;

	xml_str(o, rec->path);
	lw_buf_printf(o, ":%u:%u: ", rec->line, rec->column);
	xml_str(o, rec->rule_id);
	lw_buf_puts(o, ": ");
	xml_str(o, rec->description);
	lw_buf_printf(o, " [%s]\n  ", lw_severity_name(rec->severity));
	lw_buf_init(&tmp, 0);
	tmp.wipe = 1;
	lw_mask__line(&tmp, ctx->mask, rec, opt->redact, 0);
	lw_xml__raw(o, tmp.data ? tmp.data : "", tmp.len);
	lw_buf_release(&tmp);
	lw_buf_puts(o, "\n  secret: ");
	junit_secret(o, rec, opt->redact);
	if (rec->commit) {
		lw_buf_puts(o, "\n  commit ");
		xml_str(o, rec->commit);
		if (rec->author) {
			lw_buf_puts(o, " by ");
			xml_str(o, rec->author);
		}
		if (rec->date) {
			lw_buf_puts(o, " on ");
			xml_str(o, rec->date);
		}
		if (rec->message) {
			lw_buf_puts(o, ": ");
			xml_str(o, rec->message);
		}
	}
	if (rec->has_present) {
		lw_buf_puts(o, rec->npresent ? "\n  still present at:" : "\n  only in history");
		for (size_t i = 0; i < rec->npresent; i++) {
			lw_buf_putc(o, ' ');
			xml_str(o, rec->present[i]);
		}
	}
	lw_buf_puts(o, "\n  fingerprint: ");
	xml_str(o, rec->fingerprint);
	lw_buf_puts(o, "\n  Remove the secret, revoke or rotate it; a false positive goes in .leakwalkignore.\n");
}

static void junit_case(lw_buf *o, const lw_record *rec, const lw_render_ctx *ctx)
{
	lw_buf_puts(o, "    <testcase classname=\"leakwalk.");
	xml_str(o, rec->rule_id);
	lw_buf_puts(o, "\" name=\"");
	xml_str(o, rec->path);
	lw_buf_printf(o, ":%u:%u", rec->line, rec->column);
	if (rec->commit) {
		lw_buf_puts(o, " @");
		lw_xml__text(o, rec->commit, strlen(rec->commit) < 12 ? strlen(rec->commit) : 12);
	}
	lw_buf_puts(o, "\" file=\"");
	xml_str(o, rec->path);
	lw_buf_printf(o, "\" line=\"%u\" time=\"0\">\n      <failure type=\"", rec->line);
	xml_str(o, rec->rule_id);
	lw_buf_puts(o, "\" message=\"");
	xml_str(o, rec->description);
	lw_buf_puts(o, " (");
	xml_str(o, rec->rule_id);
	lw_buf_printf(o, ", %s) at ", lw_severity_name(rec->severity));
	xml_str(o, rec->path);
	lw_buf_printf(o, ":%u\">", rec->line);
	junit_failure_body(o, rec, ctx);
	lw_buf_puts(o, "</failure>\n    </testcase>\n");
}

static void lw_render_junit(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	const lw_report_meta *meta = ctx->meta;
	const lw_output_options *opt = ctx->opt;
	size_t n = lw_report_count(r);
	int incomplete = meta && meta->incomplete;
	size_t tests = n + (n == 0) + (size_t)incomplete;
	double secs = meta ? meta->seconds : 0;

	lw_buf_puts(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	lw_buf_printf(o, "<testsuites name=\"leakwalk\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
			 "time=\"%.3f\">\n", tests, n, incomplete, secs);
	lw_buf_printf(o, "  <testsuite name=\"leakwalk\" tests=\"%zu\" failures=\"%zu\" errors=\"%d\" "
			 "skipped=\"0\" time=\"%.3f\">\n", tests, n, incomplete, secs);
	lw_buf_puts(o, "    <properties>\n      <property name=\"leakwalk.version\" value=\"" LW_VERSION
		       "\"/>\n");
	if (meta && meta->command) {
		lw_buf_puts(o, "      <property name=\"leakwalk.command\" value=\"");
		xml_str(o, meta->command);
		lw_buf_puts(o, "\"/>\n");
	}
	lw_buf_printf(o, "      <property name=\"leakwalk.redacted\" value=\"%s\"/>\n"
			 "    </properties>\n", opt->redact ? "true" : "false");
	for (size_t i = 0; i < n; i++)
		junit_case(o, lw_report_get(r, i), ctx);
	if (n == 0)
		lw_buf_puts(o, "    <testcase classname=\"leakwalk\" name=\"no secrets found\" "
			       "time=\"0\"/>\n");
	if (incomplete) {
		lw_buf_puts(o, "    <testcase classname=\"leakwalk\" name=\"coverage\" time=\"0\">\n"
			       "      <error type=\"incomplete\" message=\"coverage incomplete: some input "
			       "could not be read or scanned in full\">");
		for (size_t i = 0; meta->notes && i < meta->nnotes; i++) {
			xml_str(o, meta->notes[i]);
			lw_buf_putc(o, '\n');
		}
		lw_buf_puts(o, "</error>\n    </testcase>\n");
	}
	lw_buf_puts(o, "  </testsuite>\n</testsuites>\n");
}

const lw_format_def lw_format__junit = {
	{ "junit", "junit.xml", "JUnit XML test report" },
	lw_render_junit,
};
