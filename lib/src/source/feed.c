/*
 * feed.c - where every source (files, buffers, staged blobs, history blobs,
 * pushed ranges) hands one file's bytes to detection. An expander
 * (archives) hooks here once for all of them: it hands each member to
 * lw_source_detect (feed_detect.c), or to itself for an archive inside.
 */
#include "internal.h"

/* the one entry where a source hands a file's bytes to detection */
int lw_source_feed(lw_scanner *sc, const lw_feed *f, const lw_sink *sink)
{
	return lw_source_detect(sc, f, sink);
}
