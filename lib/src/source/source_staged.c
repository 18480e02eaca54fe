/* source_staged.c - what a commit would add (staged.c) as a source, and
 * lw_staged_scan, kept for embedders as a thin wrapper over it. */
#include <string.h>

#include "source/source.h"

static int staged_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_report *rep = NULL;
	lw_staged_stats *sst = &st->staged;
	int rc;

	if (lw_report_new(&rep) < 0)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	rc = lw_staged__scan(o, rs, sink, rep, sst, err);
	st->items = sst->files;
	st->bytes = sst->bytes;
	st->skipped_large = sst->skipped_large;
	st->skipped_binary = sst->skipped_binary;
	st->errors = sst->errors;
	st->limit_hits = sst->limit_hits;
	st->incomplete = st->errors || st->limit_hits;
	if (rc == 0)
		rc = lw_source__drain(rep, sink, st);
	lw_report_free(rep);
	return rc;
}

const lw_source_ops lw_source_staged_ops = { "staged", staged_scan };

/* lw_staged_scan's sink: records into the caller's report, diagnostics
 * to the caller's callback */
typedef struct staged_into {
	lw_report *out;
	lw_diag_cb on_diag;
	void *payload;
	int oom;
} staged_into;

static int staged_take(lw_record *rec, void *p)
{
	staged_into *t = p;

	if (lw_report_take(t->out, rec) < 0) {
		lw_record_free(rec);
		t->oom = 1;
		return 1;
	}
	return 0;
}

static void staged_on_diag(const lw_diag *d, void *p)
{
	staged_into *t = p;

	if (t->on_diag)
		t->on_diag(d, t->payload);
}

int lw_staged_scan(const char *repo_path, const lw_ruleset *rs, const lw_scan_options *so,
	uint64_t max_file_size, lw_report *out, lw_staged_stats *st, lw_diag_cb on_diag,
	void *payload, lw_error *err)
{
	lw_source_options o = LW_SOURCE_OPTIONS_INIT;
	staged_into c = { out, on_diag, payload, 0 };
	lw_record_sink sink = { staged_take, staged_on_diag, &c };
	lw_source_stats sst;
	int rc;

	o.kind = LW_SOURCE_STAGED;
	o.repo_path = repo_path;
	if (so)
		o.scan = *so;
	o.max_file_size = max_file_size;
	/* this source's own scan, as lw_source_scan runs it (calling that
	 * would tie this file and source.c's table in a circle) */
	memset(&sst, 0, sizeof(sst));
	rc = staged_scan(&o, rs, &sink, &sst, err);
	*st = sst.staged;
	if (rc == 0 && c.oom)
		rc = lw_error_set(err, LW_ENOMEM, "out of memory while collecting findings");
	return rc;
}
