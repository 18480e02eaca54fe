/*
 * feed_detect.c - one file's bytes to the detector: text scanned as it is,
 * UTF-16 transcoded, binary through its printable runs. Below feed.c, so
 * an expander that feed.c calls (archives) can hand its members here
 * without a circle.
 */
#include "internal.h"

int lw_source_detect(lw_scanner *sc, const lw_feed *f, const lw_sink *sink)
{
	lw_chunk chunk = f->where;
	lw_buf u16;
	int kind, rc;

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
