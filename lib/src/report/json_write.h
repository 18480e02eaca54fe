/* json_write.h - JSON strings, for every format that writes JSON. */
#ifndef LW_REPORT_JSON_WRITE_H
#define LW_REPORT_JSON_WRITE_H

#include "internal.h"

/* A JSON string, quoted and escaped (lw_escape_json): _str writes null for
 * NULL; _strn takes `len` bytes; _strs is an array of `n` strings; _secret
 * is the record's secret, redacted unless `redact` is 0. */
void lw_json__str(lw_buf *out, const char *s);
void lw_json__strn(lw_buf *out, const char *s, size_t len);
void lw_json__strs(lw_buf *out, char *const *v, size_t n);
void lw_json__secret(lw_buf *out, const lw_record *rec, int redact);

#endif
