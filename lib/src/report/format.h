/* format.h - the report formats: one table of {name, render}, one file per
 * format (format_<name>.c), all rendering from one context. */
#ifndef LW_REPORT_FORMAT_H
#define LW_REPORT_FORMAT_H

#include "internal.h"
#include "report/mask.h"

/* Everything a format renders from, for one lw_report_render call: the
 * state is here, never in globals, so reports render on several threads. */
typedef struct lw_render_ctx {
	lw_report *report;
	const lw_report_meta *meta;   /* may be NULL */
	const lw_output_options *opt;
	const lw_mask *mask;          /* the secrets every shown line hides */
} lw_render_ctx;

/* One format: its public description (name, file suffix, one line for
 * help) and the function that appends the whole report to `out`. */
typedef struct lw_format_def {
	lw_format_info info;
	void (*render)(lw_buf *out, const lw_render_ctx *ctx);
} lw_format_def;

/* The entry of format `f`, or NULL when there is none. */
const lw_format_def *lw_format__def(int f);

#endif
