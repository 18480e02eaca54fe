/* source.c - lw_source_scan: the table of sources, one per kind. */
#include <string.h>

#include "source/source.h"

static const lw_source_ops *const sources[] = {
	[LW_SOURCE_FILES] = &lw_source_files_ops,
	[LW_SOURCE_BUFFER] = &lw_source_buffer_ops,
	[LW_SOURCE_STAGED] = &lw_source_staged_ops,
	[LW_SOURCE_HISTORY] = &lw_source_history_ops,
	[LW_SOURCE_RANGE] = &lw_source_range_ops,
};

static const lw_source_ops *source_of(lw_source_kind kind)
{
	if ((unsigned)kind >= sizeof(sources) / sizeof(sources[0]))
		return NULL;
	return sources[kind];
}

const char *lw_source_name(lw_source_kind kind)
{
	const lw_source_ops *s = source_of(kind);

	return s ? s->name : NULL;
}

int lw_source_scan(const lw_source_options *opts, const lw_ruleset *rs,
	const lw_record_sink *sink, lw_source_stats *stats, lw_error *err)
{
	const lw_source_ops *s = opts ? source_of(opts->kind) : NULL;

	memset(stats, 0, sizeof(*stats));
	if (!s)
		return lw_error_set(err, LW_ECONFIG, "unknown source kind");
	if (!sink || !sink->on_record)
		return lw_error_set(err, LW_ECONFIG, "a source needs a sink with on_record");
	return s->scan(opts, rs, sink, stats, err);
}
