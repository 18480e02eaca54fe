/* source_buffer.c - one buffer in memory (stdin, an argument) as a source:
 * its bytes as stored, through the same entry as a file's (UTF-16
 * transcoded, binary through its printable runs), or, raw, exactly as
 * given (lw_scan_buffer). */
#include "source/archive.h"
#include "source/source.h"

/* the bytes as given: the one copy of this scan (leakwalk.h) */
int lw_scan_buffer(const lw_ruleset *rs, const lw_scan_options *opts, const lw_chunk *chunk,
	const lw_sink *sink)
{
	lw_scanner *sc = NULL;
	int rc = lw_scanner_new(&sc, rs, opts);

	if (rc < 0)
		return rc;
	/* an archive: its members (archive_scan.c) */
	if ((rc = lw_archive_scan(sc, chunk->data, chunk->len, chunk, sink)) == LW_ENOTFOUND)
		rc = lw_scanner_scan(sc, chunk, sink);
	lw_scanner_free(sc);
	return rc;
}

static int buffer_scan(const lw_source_options *o, const lw_ruleset *rs, const lw_record_sink *sink,
	lw_source_stats *st, lw_error *err)
{
	lw_source_relay relay = { sink, st, 0 };
	lw_sink fsink = { lw_source__on_finding, lw_source__on_diag, &relay };
	lw_scanner *sc = NULL;
	int rc;

	if (!o->chunk)
		return lw_error_set(err, LW_ECONFIG, "a buffer source needs a chunk");
	st->items = 1;
	st->bytes = o->chunk->len;
	if (o->raw) {
		/* as given: lw_scan_buffer, above */
		rc = lw_scan_buffer(rs, &o->scan, o->chunk, &fsink);
		goto done;
	}
	if ((rc = lw_scanner_new(&sc, rs, &o->scan)) < 0)
		return lw_error_set(err, rc, "cannot start a scanner");
	lw_feed f = { o->chunk->data, o->chunk->len, *o->chunk, 0, o->chunk->len, NULL, NULL, NULL, NULL };
	rc = lw_source_feed(sc, &f, &fsink);
	st->limit_hits = lw_scanner_limit_hits(sc);
	st->incomplete = st->limit_hits != 0;
	lw_scanner_free(sc);
done:
	if (relay.rc == LW_ENOMEM)
		return lw_error_set(err, LW_ENOMEM, "out of memory");
	return rc == LW_ESTOP ? 0 : rc < 0 ? lw_error_set(err, rc, "scan failed") : 0;
}

const lw_source_ops lw_source_buffer_ops = { "buffer", buffer_scan };
