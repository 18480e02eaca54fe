/* render.h - the report formats, one function each. */
#ifndef LW_RENDER_H
#define LW_RENDER_H

#include "internal.h"

void lw_render_masked(lw_buf *out, const char *s, size_t len, size_t so, size_t sl,
	const lw_record *rec, int redact, int json);
void lw_render_json(lw_buf *out, lw_report *r, const lw_output_options *opt);
void lw_render_sarif(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt);

#endif
