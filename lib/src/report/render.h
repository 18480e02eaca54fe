/* render.h - the report formats, one function each. */
#ifndef LW_RENDER_H
#define LW_RENDER_H

#include "internal.h"

void lw_render_masked(lw_buf *out, const char *s, size_t len, size_t so, size_t sl,
	const lw_record *rec, int redact, int json);
void lw_render_json(lw_buf *out, lw_report *r, const lw_output_options *opt);
/* Appends the record's secret as shown, unescaped: redacted when `redact`,
 * unless it was redacted already (a loaded report), then as it is. */
void lw_render_secret(lw_buf *out, const lw_record *rec, int redact);
/* A JSON string, quoted and escaped (lw_escape_json): _str writes null for
 * NULL; _strn takes `len` bytes; _strs is an array of `n` strings; _secret
 * is the record's secret, redacted unless `redact` is 0. Every format that
 * writes JSON uses these. */
void lw_render_json_str(lw_buf *out, const char *s);
void lw_render_json_strn(lw_buf *out, const char *s, size_t len);
void lw_render_json_strs(lw_buf *out, char *const *v, size_t n);
void lw_render_json_secret(lw_buf *out, const lw_record *rec, int redact);
void lw_render_sarif(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);
void lw_render_junit(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);
void lw_render_gitlab(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);
void lw_render_html(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);
/* XML/HTML text: `s` made safe for a terminal (lw_escape_text), then &<>"'
 * as entities. _raw: only the entities, for text escaped already. */
void lw_render_xml(lw_buf *out, const char *s, size_t len);
void lw_render_xml_raw(lw_buf *out, const char *s, size_t len);

#endif
