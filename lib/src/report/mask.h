/* mask.h - the secrets a rendered line must hide. */
#ifndef LW_REPORT_MASK_H
#define LW_REPORT_MASK_H

#include "internal.h"

/* The records of the report being rendered (and of also_mask), sorted by
 * (path, line, column), so that a line shown for one finding also hides
 * the other secrets on it. Owned by one lw_report_render call. */
typedef struct lw_mask {
	lw_record **sorted;
	size_t n;
} lw_mask;

/* Fills `m` from `r` and, if not NULL, `also`; LW_ENOMEM. */
int lw_mask__init(lw_mask *m, lw_report *r, lw_report *also);
void lw_mask__release(lw_mask *m);
/* Appends `len` bytes of `s` with every secret found on the same line as
 * `rec` (its own at [so, so + sl) included, and secrets of findings
 * spanning that line) redacted, unless `redact` is off; escaped for JSON
 * when `json`, else for a terminal. */
void lw_mask__put(lw_buf *out, const lw_mask *m, const char *s, size_t len, size_t so,
	size_t sl, const lw_record *rec, int redact, int json);
/* lw_mask__put of the record's line, the text reports show around it. */
void lw_mask__line(lw_buf *out, const lw_mask *m, const lw_record *rec, int redact, int json);
/* Appends the record's secret as shown, unescaped: redacted when `redact`,
 * unless it was redacted already (a loaded report), then as it is. */
void lw_mask__secret(lw_buf *out, const lw_record *rec, int redact);

#endif
