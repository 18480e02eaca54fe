/* source.h - one interface for every source (leakwalk.h: lw_source_scan).
 * A source is one lw_source_ops in its own file: it reads its input, hands
 * each file's or blob's bytes to detection through lw_source_feed
 * (feed.c), and yields records to the sink. Adding one: a kind in
 * leakwalk.h's lw_source_kind, its file here, its line in source.c's
 * table, and its tests. */
#ifndef LW_SOURCE_H
#define LW_SOURCE_H

#include "internal.h"

typedef struct lw_source_ops {
	const char *name;
	int (*scan)(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
		lw_source_stats *st, lw_error *err);
} lw_source_ops;

extern const lw_source_ops lw_source_files_ops;
extern const lw_source_ops lw_source_buffer_ops;
extern const lw_source_ops lw_source_staged_ops;
extern const lw_source_ops lw_source_history_ops;
extern const lw_source_ops lw_source_range_ops;

/* staged.c: what a commit would add, the findings collected into `out`
 * (o->repo_path, o->scan, o->max_file_size; the sink's on_diag) */
int lw_staged__scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_report *out, lw_staged_stats *st, lw_error *err);
/* staged_lines.c: the lines of the new blob nd that the old blob od did
 * not have (a multiset of lines: a moved line is not new), as ranges of
 * consecutive lines given to range (first line, count). 0, or -1 when
 * out of memory or range failed. */
typedef int (*lw_staged_range_cb)(void *p, uint32_t start, uint32_t len);
int lw_staged__added_lines(const unsigned char *od, size_t on, const unsigned char *nd, size_t nn,
	lw_staged_range_cb range, void *p);

/* source_sink.c: the sink's ends for sources that stream findings (a
 * record per finding, no provenance), and for those that collect a report
 * (its records handed over, the report left empty) */
typedef struct lw_source_relay {
	const lw_record_sink *sink;
	lw_source_stats *st;
	int rc;              /* LW_ENOMEM, or LW_ESTOP when the sink asked to stop */
} lw_source_relay;
int lw_source__on_finding(const lw_finding *f, void *relay);
void lw_source__on_diag(const lw_diag *d, void *relay);
int lw_source__drain(lw_report *r, const lw_record_sink *sink, lw_source_stats *st);

#endif
