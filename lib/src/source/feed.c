/*
 * feed.c - where every source (files, buffers, staged blobs, history blobs,
 * pushed ranges) hands one file's bytes to detection. An expander
 * (archives) hooks here once for all of them: it hands each member to
 * lw_source_detect (feed_detect.c), or to itself for an archive inside.
 */
#include "internal.h"
#include "source/archive.h"

/* the one entry where a source hands a file's bytes to detection */
int lw_source_feed(lw_scanner *sc, const lw_feed *f, const lw_sink *sink)
{
	int rc;

	/* an archive: its members, each like a file (archive_scan.c) */
	rc = lw_archive_scan(sc, f->data, f->len, &f->where, f->members ? f->members : sink);
	if (rc != LW_ENOTFOUND) {
		if (f->scanned)
			*f->scanned = f->len;
		return rc;
	}
	return lw_source_detect(sc, f, sink);
}
