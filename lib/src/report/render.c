/* render.c - lw_report_render: the context for one call, then the format's
 * entry in the table. */
#include "internal.h"
#include "report/format.h"

int lw_report_render(lw_buf *out, lw_report *r, const lw_report_meta *meta,
	const lw_output_options *opt)
{
	const lw_format_def *def = lw_format__def((int)opt->format);
	lw_mask mask;
	lw_render_ctx ctx = { r, meta, opt, &mask };
	int rc;

	if (!def)
		return LW_ECONFIG;
	if ((rc = lw_mask__init(&mask, r, opt->also_mask)) < 0)
		return rc;
	def->render(out, &ctx);
	lw_mask__release(&mask);
	return out->overflow ? LW_ELIMIT : 0;
}
