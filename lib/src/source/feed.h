/* feed.h - the one entry where a source hands a file's bytes to detection.
 * Included through internal.h; the layers (lib/README.md) decide who may
 * call what. */
#ifndef LW_FEED_H
#define LW_FEED_H

/* One file's or blob's bytes as a source holds them, with where they come
 * from (source/feed.c). */
typedef struct lw_feed {
	const unsigned char *data; /* as stored: text, UTF-16 or binary */
	size_t len;
	lw_chunk where;            /* path, fingerprint path, first line; data and len unused */
	int binary;                /* known binary whatever the bytes say (staged: git's attributes) */
	uint64_t max;              /* the source's size bound (UTF-16 transcodes into 2 * max) */
	/* text goes here rather than to lw_scanner_scan when set (history:
	 * passes worked out through deltas); raw: chunk holds the stored bytes */
	int (*scan_text)(void *arg, lw_scanner *sc, const lw_chunk *chunk, int raw,
		const lw_sink *sink);
	void *arg;
	size_t *scanned;           /* out when set: the bytes detection read (transcoded) */
	const lw_sink *members;    /* an archive's members' findings, when not `sink`
				      (staged: a member's lines are not the blob's) */
} lw_feed;

/* The one entry where a source hands a file's bytes to detection: text
 * scanned, UTF-16 transcoded, binary through its printable runs. */
int lw_source_feed(lw_scanner *sc, const lw_feed *f, const lw_sink *sink);

/* The bytes themselves to the detector, nothing expanded (feed_detect.c) */
int lw_source_detect(lw_scanner *sc, const lw_feed *f, const lw_sink *sink);

#endif
