/* packedrefs.h - git's packed-refs file, read the way git reads it. */
#ifndef LW_PACKEDREFS_H
#define LW_PACKEDREFS_H

#include <stddef.h>

typedef struct lw_packedref {
	unsigned char id[20];
	const char *name;  /* in the buffer, not NUL-terminated */
	size_t name_len;
	size_t line;       /* 1-based */
	int has_peeled;
	unsigned char peeled[20];
} lw_packedref;

/* cb returns 0 to go on, a negative value to stop (returned as is) */
typedef int (*lw_packedref_cb)(const lw_packedref *r, void *payload);
/* on_bad: a line git refuses ("unexpected line"), with why */
typedef void (*lw_packedref_bad_cb)(size_t line, const char *why, void *payload);

/* Calls cb for every well-formed record (a "HEX NAME" line and its "^HEX"
 * peel line, if any) and on_bad (may be NULL) for every line git would
 * refuse: a header that is not "# pack-refs with:" or not the first line, a
 * line that is not a record or a peel, a peel that follows no record, a
 * name with control characters (CR of CRLF ends included) or NUL, a last
 * line without its LF. Returns the number of bad lines, or what cb
 * returned. */
int lw_packedrefs_parse(const unsigned char *buf, size_t len, lw_packedref_cb cb,
	lw_packedref_bad_cb on_bad, void *payload);

#endif
