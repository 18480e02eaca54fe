/* source_history.c - history (every ref, or named revisions) and a pushed
 * range as sources: both walk history (history.c); a range is what the
 * revisions add over what is hidden, without `present` (a push has no
 * tips yet). */
#include "source/source.h"

static int history_run(const lw_source_options *o, const lw_history_options *ho,
	const lw_ruleset *rs, const lw_record_sink *sink, lw_source_stats *st, lw_error *err)
{
	lw_report *rep = NULL;
	lw_history_stats *hst = &st->history;
	int rc;

	if (lw_report_new(&rep) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	/* the walk counts into the caller's stats: readable as it goes */
	rc = lw_history_scan(o->repo_path, rs, ho, rep, hst, err);
	st->items = hst->blobs;
	st->bytes = hst->bytes;
	st->commits = hst->commits;
	st->skipped_large = hst->skipped_large;
	st->skipped_binary = hst->skipped_binary;
	st->errors = hst->errors;
	st->limit_hits = hst->limit_hits;
	st->incomplete = st->errors || st->limit_hits || hst->truncated;
	if (rc == 0)
		rc = lw_source__drain(rep, sink, st);
	lw_report_free(rep);
	return rc;
}

/* the history options with the sink's diagnostics and the cancel flag */
static lw_history_options history_opts(const lw_source_options *o, const lw_record_sink *sink)
{
	lw_history_options ho = o->history;

	ho.on_diag = sink->on_diag;
	ho.payload = sink->payload;
	if (o->cancel)
		ho.cancel = o->cancel;
	return ho;
}

static int history_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_history_options ho = history_opts(o, sink);

	return history_run(o, &ho, rs, sink, st, err);
}

static int range_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_history_options ho = history_opts(o, sink);

	/* a push that adds no commits brings nothing to scan */
	if (ho.nrevs == 0)
		return 0;
	ho.compute_present = 0;
	ho.tag_messages_all = 0;
	return history_run(o, &ho, rs, sink, st, err);
}

const lw_source_ops lw_source_history_ops = { "history", history_scan };
const lw_source_ops lw_source_range_ops = { "range", range_scan };
