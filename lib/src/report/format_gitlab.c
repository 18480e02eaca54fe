/* format_gitlab.c - GitLab's secret-detection report (security report
 * schema 15.0.7), which `artifacts: reports: secret_detection:` publishes
 * in merge requests and the vulnerability report. */
#include <string.h>
#include <time.h>

#include "internal.h"
#include "report/format.h"
#include "report/json_write.h"

#define GL_SCHEMA_VERSION "15.0.7"

/* The schema has no nulls: a missing value is an empty string. */
static void gl_str(lw_buf *o, const char *s)
{
	lw_json__str(o, s ? s : "");
}

/* The schema bounds `name` to 255 characters: cut at a UTF-8 boundary. */
static void gl_name(lw_buf *o, const char *s)
{
	size_t n = strlen(s);

	if (n > 255) {
		n = 255;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	lw_json__strn(o, s, n);
}

static const char *gl_severity(lw_severity s)
{
	switch (s) {
	case LW_SEV_CRITICAL: return "Critical";
	case LW_SEV_HIGH: return "High";
	case LW_SEV_MEDIUM: return "Medium";
	case LW_SEV_LOW: return "Low";
	default: return "Info";
	}
}

/* A stable id: the same finding gets the same id in every run, so GitLab
 * tracks it across pipelines; the line keeps two copies of one secret in
 * one file apart. */
static void gl_id(lw_buf *o, const lw_record *rec)
{
	unsigned char h[32];
	lw_buf in;

	lw_buf_init(&in, 0);
	lw_buf_printf(&in, "leakwalk\n%s\n%s\n%u\n%u", rec->fingerprint,
		rec->commit ? rec->commit : "", rec->line, rec->column);
	lw_sha256(in.data, in.len, h);
	lw_buf_release(&in);
	lw_buf_putc(o, '"');
	for (size_t i = 0; i < sizeof(h); i++)
		lw_buf_printf(o, "%02x", h[i]);
	lw_buf_putc(o, '"');
}

static void gl_description(lw_buf *o, const lw_record *rec, int redact)
{
	lw_buf d;

	lw_buf_init(&d, 0);
	d.wipe = 1;
	lw_buf_printf(&d, "%s (leakwalk rule %s) found in %s:%u", rec->description, rec->rule_id,
		rec->path, rec->line);
	if (rec->commit)
		lw_buf_printf(&d, ", introduced in commit %.12s", rec->commit);
	lw_buf_puts(&d, ". Secret: ");
	lw_mask__secret(&d, rec, redact);
	if (rec->has_present)
		lw_buf_puts(&d, rec->npresent ? ". Still present at the tip of a ref."
					      : ". Only in history: no ref tip holds it any more.");
	gl_str(o, lw_buf_cstr(&d));
	lw_buf_release(&d);
}

static void gl_location(lw_buf *o, const lw_record *rec)
{
	lw_buf_puts(o, "\"location\":{\"file\":");
	gl_str(o, rec->path);
	lw_buf_printf(o, ",\"start_line\":%u,\"end_line\":%u,\"commit\":{", rec->line,
		rec->end_line >= rec->line ? rec->end_line : rec->line);
	if (!rec->commit) {
		/* outside git: the schema still wants a commit */
		lw_buf_puts(o, "\"sha\":\"0000000\"}}");
		return;
	}
	lw_buf_puts(o, "\"sha\":");
	gl_str(o, rec->commit);
	if (rec->author) {
		lw_buf_puts(o, ",\"author\":");
		gl_str(o, rec->author);
	}
	if (rec->date) {
		lw_buf_puts(o, ",\"date\":");
		gl_str(o, rec->date);
	}
	if (rec->message) {
		lw_buf_puts(o, ",\"message\":");
		gl_str(o, rec->message);
	}
	lw_buf_puts(o, "}}");
}

static void gl_vulnerability(lw_buf *o, const lw_record *rec, const lw_output_options *opt)
{
	lw_buf_puts(o, "{\"id\":");
	gl_id(o, rec);
	/* no "category": schema 15-0-0 removed it (and vulnerability-level
	 * "scanner", "cve", "confidence" and "message"); scan.type says it */
	lw_buf_puts(o, ",\"name\":");
	gl_name(o, rec->description);
	lw_buf_puts(o, ",\"description\":");
	gl_description(o, rec, opt->redact);
	lw_buf_printf(o, ",\"severity\":\"%s\",", gl_severity(rec->severity));
	lw_buf_puts(o, "\"solution\":\"Remove the secret from the file and from git history, and "
		       "revoke or rotate it. A false positive: add its fingerprint to .leakwalkignore.\",");
	gl_location(o, rec);
	lw_buf_puts(o, ",\"identifiers\":[{\"type\":\"leakwalk_rule_id\",\"name\":");
	lw_buf tmp;
	lw_buf_init(&tmp, 0);
	lw_buf_printf(&tmp, "leakwalk rule ID %s", rec->rule_id);
	gl_str(o, lw_buf_cstr(&tmp));
	lw_buf_release(&tmp);
	lw_buf_puts(o, ",\"value\":");
	gl_str(o, rec->rule_id);
	lw_buf_puts(o, "}],\"details\":{\"fingerprint\":{\"type\":\"text\",\"name\":\"Fingerprint\","
		       "\"value\":");
	gl_str(o, rec->fingerprint);
	lw_buf_puts(o, "}}}");
}

/* The schema's times: UTC, yyyy-mm-ddThh:mm:ss, no zone suffix. */
static void gl_time(lw_buf *o, time_t t)
{
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	lw_buf_printf(o, "\"%s\"", s);
}

static void gl_scan(lw_buf *o, const lw_report_meta *meta)
{
	time_t end = time(NULL);
	time_t start = end - (time_t)(meta && meta->seconds > 0 ? meta->seconds + 0.5 : 0);
	static const char tool[] = "{\"id\":\"leakwalk\",\"name\":\"leakwalk\","
				   "\"vendor\":{\"name\":\"leakwalk\"},\"version\":\"" LW_VERSION "\"}";

	lw_buf_puts(o, "\"scan\":{\"analyzer\":");
	lw_buf_puts(o, tool);
	lw_buf_puts(o, ",\"scanner\":");
	lw_buf_puts(o, tool);
	lw_buf_puts(o, ",\"type\":\"secret_detection\",\"start_time\":");
	gl_time(o, start);
	lw_buf_puts(o, ",\"end_time\":");
	gl_time(o, end);
	lw_buf_puts(o, ",\"status\":\"success\"");
	if (meta && (meta->incomplete || meta->nnotes)) {
		lw_buf_puts(o, ",\"messages\":[");
		int first = 1;
		if (meta->incomplete) {
			lw_buf_puts(o, "{\"level\":\"warn\",\"value\":\"coverage incomplete: some input "
				       "could not be read or scanned in full\"}");
			first = 0;
		}
		for (size_t i = 0; meta->notes && i < meta->nnotes; i++) {
			lw_buf_puts(o, first ? "{\"level\":\"info\",\"value\":" : ",{\"level\":\"info\",\"value\":");
			gl_str(o, meta->notes[i]);
			lw_buf_putc(o, '}');
			first = 0;
		}
		lw_buf_putc(o, ']');
	}
	lw_buf_putc(o, '}');
}

static void lw_render_gitlab(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	size_t n = lw_report_count(r);

	lw_buf_puts(o, "{\"version\":\"" GL_SCHEMA_VERSION "\",\"vulnerabilities\":[");
	for (size_t i = 0; i < n; i++) {
		lw_buf_puts(o, i ? ",\n" : "\n");
		gl_vulnerability(o, lw_report_get(r, i), ctx->opt);
	}
	lw_buf_puts(o, n ? "\n],\n" : "],\n");
	gl_scan(o, ctx->meta);
	lw_buf_puts(o, "}\n");
}

const lw_format_def lw_format__gitlab = {
	{ "gitlab", "gitlab.json", "GitLab secret-detection report" },
	lw_render_gitlab,
};
