/* render.h - the report formats, one function each. */
#ifndef LW_RENDER_H
#define LW_RENDER_H

#include "internal.h"

void lw_render_masked(lw_buf *out, const char *s, size_t len, size_t so, size_t sl,
	const lw_record *rec, int redact, int json);
void lw_render_json(lw_buf *out, lw_report *r, const lw_output_options *opt);
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
