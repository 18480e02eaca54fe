/*
 * feed.c - where every source (files, stdin and arguments, staged blobs,
 * history blobs, pushed ranges) hands one file's bytes to detection: the
 * text/UTF-16/binary decision is taken here once, so an expander (archives)
 * hooks one place for all of them.
 */
#include "internal.h"
#include "source/archive.h"

/* the one entry where a source hands a file's bytes to detection */
int lw_source_feed(lw_scanner *sc, const lw_feed *f, const lw_sink *sink)
{
	lw_chunk chunk = f->where;
	lw_buf u16;
	int kind, rc;

	/* an archive: its members, each like a file (archive_scan.c) */
	rc = lw_archive_scan(sc, f->data, f->len, &f->where, f->members ? f->members : sink);
	if (rc != LW_ENOTFOUND) {
		if (f->scanned)
			*f->scanned = f->len;
		return rc;
	}
	lw_buf_init(&u16, f->max * 2 + 16);
	u16.wipe = 1;
	kind = lw_text_prepare(f->data, f->len, &u16);
	chunk.data = kind > 0 ? (const unsigned char *)lw_buf_cstr(&u16) : f->data;
	chunk.len = kind > 0 ? u16.len : f->len;
	if (f->scanned)
		*f->scanned = chunk.len;
	/* binary: its printable runs, placed at their lines in the file */
	if (kind < 0 || f->binary)
		rc = lw_strings_scan(sc, chunk.data, chunk.len, &chunk, sink);
	else if (f->scan_text)
		rc = f->scan_text(f->arg, sc, &chunk, kind == 0, sink);
	else
		rc = lw_scanner_scan(sc, &chunk, sink);
	lw_buf_release(&u16);
	return rc;
}
