/* source_staged.c - what a commit would add (staged.c) as a source. */
#include "source/source.h"

static int staged_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_report *rep = NULL;
	lw_staged_stats sst;
	int rc;

	if (lw_report_new(&rep) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	rc = lw_staged_scan(o->repo_path, rs, &o->scan, o->max_file_size, rep, &sst, sink->on_diag,
		sink->payload, err);
	st->items = sst.files;
	st->bytes = sst.bytes;
	st->skipped_large = sst.skipped_large;
	st->skipped_binary = sst.skipped_binary;
	st->errors = sst.errors;
	st->limit_hits = sst.limit_hits;
	if (rc == 0)
		rc = lw_source__drain(rep, sink, st);
	lw_report_free(rep);
	return rc;
}

const lw_source_ops lw_source_staged_ops = { "staged", staged_scan };
