/* format_sarif.c - SARIF 2.1.0, for code-scanning services: the rule table
 * in tool.driver.rules, one result per finding with its fingerprint. */
#include <string.h>

#include "internal.h"
#include "report/format.h"
#include "report/json_write.h"

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
		lw_json__str(o, ri->id);
		lw_buf_puts(o, ",\"name\":");
		lw_json__str(o, ri->id);
		lw_buf_puts(o, ",\"shortDescription\":{\"text\":");
		lw_json__str(o, ri->description);
		lw_buf_puts(o, "},\"fullDescription\":{\"text\":");
		lw_json__str(o, ri->description);
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
			lw_json__str(o, ri->tags[t]);
		}
		lw_buf_printf(o, "],\"security-severity\":\"%s\"}}",
			ri->severity == LW_SEV_CRITICAL ? "9.5" : ri->severity == LW_SEV_HIGH ? "8.0" :
			ri->severity == LW_SEV_MEDIUM ? "5.5" : "3.0");
	}
	lw_buf_puts(o, "]");
}

static void sarif_result(lw_buf *o, const lw_record *rec, const lw_render_ctx *ctx)
{
	const lw_output_options *opt = ctx->opt;
	long ri = opt->rules ? lw_ruleset_find(opt->rules, rec->rule_id) : -1;

	lw_buf_puts(o, "{\"ruleId\":");
	lw_json__str(o, rec->rule_id);
	if (ri >= 0)
		lw_buf_printf(o, ",\"ruleIndex\":%ld", ri);
	lw_buf_printf(o, ",\"level\":\"%s\",\"rank\":%d,\"message\":{\"text\":", sarif_level(rec->severity),
		lw_confidence_rank(rec->confidence));
	lw_buf tmp;
	lw_buf_init(&tmp, 0);
	lw_buf_printf(&tmp, "%s: ", rec->description);
	lw_mask__secret(&tmp, rec, 1);
	if (rec->commit)
		lw_buf_printf(&tmp, " (introduced in commit %.12s)", rec->commit);
	lw_json__str(o, lw_buf_cstr(&tmp));
	lw_buf_release(&tmp);
	lw_buf_puts(o, "},\"locations\":[{\"physicalLocation\":{\"artifactLocation\":{\"uri\":\"");
	sarif_uri(o, rec->path);
	lw_buf_printf(o, "\"},\"region\":{\"startLine\":%u,\"startColumn\":%u,\"endLine\":%u,"
			 "\"endColumn\":%u,\"snippet\":{\"text\":",
		rec->line, rec->column, rec->end_line, rec->end_column + 1);
	lw_buf_putc(o, '"');
	lw_mask__line(o, ctx->mask, rec, opt->redact, 1);
	lw_buf_puts(o, "\"}}}}],\"partialFingerprints\":{\"leakwalk/v1\":");
	lw_json__str(o, rec->fingerprint);
	lw_buf_puts(o, "}");
	if (rec->commit) {
		lw_buf_puts(o, ",\"properties\":{\"commit\":");
		lw_json__str(o, rec->commit);
		lw_buf_puts(o, ",\"author\":");
		lw_json__str(o, rec->author);
		lw_buf_puts(o, ",\"date\":");
		lw_json__str(o, rec->date);
		if (rec->repo) {
			/* a report from a store */
			lw_buf_puts(o, ",\"repo\":");
			lw_json__str(o, rec->repo);
			lw_buf_puts(o, ",\"status\":");
			lw_json__str(o, rec->status);
			lw_buf_printf(o, ",\"first_seen\":%lld,\"secret_id\":", (long long)rec->first_seen);
			lw_json__str(o, rec->secret_id);
		}
		lw_buf_puts(o, "}");
	}
	lw_buf_puts(o, "}");
}

static void lw_render_sarif(lw_buf *o, const lw_render_ctx *ctx)
{
	lw_report *r = ctx->report;
	const lw_report_meta *meta = ctx->meta;

	lw_buf_puts(o, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\","
		       "\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"leakwalk\","
		       "\"semanticVersion\":\"" LW_VERSION "\",\"version\":\"" LW_VERSION "\",");
	sarif_rules(o, ctx->opt->rules);
	lw_buf_puts(o, "}},\"results\":[");
	for (size_t i = 0; i < lw_report_count(r); i++) {
		lw_buf_puts(o, i ? ",\n" : "\n");
		sarif_result(o, lw_report_get(r, i), ctx);
	}
	lw_buf_printf(o, "],\"invocations\":[{\"executionSuccessful\":%s}]}]}\n",
		meta && meta->incomplete ? "false" : "true");
}

const lw_format_def lw_format__sarif = {
	{ "sarif", "sarif", "SARIF 2.1.0 (GitHub code scanning)" },
	lw_render_sarif,
};
