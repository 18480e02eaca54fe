/* json_strict.h - strict typed access to cJSON trees for rule and config
 * files. Every getter fills `err` naming `where` and the key on failure. */
#ifndef LW_JSON_STRICT_H
#define LW_JSON_STRICT_H

#include <cjson/cJSON.h>

#include "internal.h"

/* Parses all of data[0..len): no trailing bytes, no duplicate keys, bounded
 * depth, finite numbers. The caller frees *out with cJSON_Delete. */
int lw_json_parse_strict(cJSON **out, const char *data, size_t len,
	const char *name, lw_error *err);
/* Calls `fn` on each finding of a saved report: a JSON array of findings, or
 * JSONL (one object a line; blank lines allowed). `where` names the finding
 * ("NAME: finding 3") or the line ("NAME: line 3"). Empty input holds no
 * finding. Stops at the first error. */
typedef int (*lw_json_finding_fn)(const cJSON *item, const char *where, void *payload,
	lw_error *err);
int lw_json_each_finding(const char *name, const char *data, size_t len, lw_json_finding_fn fn,
	void *payload, lw_error *err);
/* `allowed` is NULL-terminated. */
int lw_json_check_keys(const cJSON *obj, const char *const *allowed,
	const char *where, lw_error *err);
int lw_json_get_string(const char **out, const cJSON *obj, const char *key,
	int required, const char *where, lw_error *err);
int lw_json_get_number(double *out, const cJSON *obj, const char *key,
	double lo, double hi, const char *where, lw_error *err);
int lw_json_get_strlist(lw_strlist *out, const cJSON *obj, const char *key,
	const char *where, lw_error *err);
/* lazy: each regex compiles at its first use (lw_regex_list_at) */
int lw_json_get_regexlist(lw_regex_list *out, const cJSON *obj, const char *key,
	const char *where, int lazy, lw_error *err);

#endif
