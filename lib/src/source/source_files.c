/* source_files.c - files and directory trees as a source (fswalk.c walks
 * them). */
#include "source/source.h"

static int files_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_source_relay relay = { sink, st, 0 };
	lw_sink fsink = { lw_source__on_finding, lw_source__on_diag, &relay };
	lw_fs_stats *fst = &st->files;
	int rc;

	/* the walk counts into the caller's stats: readable as it goes */
	rc = lw_fs_scan(o->paths, o->npaths, rs, &o->files, &fsink, fst, err);
	st->items = fst->files;
	st->bytes = fst->bytes;
	st->skipped_large = fst->skipped_large;
	st->skipped_binary = fst->skipped_binary;
	st->errors = fst->errors;
	st->limit_hits = fst->limit_hits;
	st->incomplete = st->errors || st->limit_hits;
	if (rc == 0 && relay.rc == LW_ENOMEM)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory");
	return rc;
}

const lw_source_ops lw_source_files_ops = { "files", files_scan };
